/* event — the in-memory form of one recorded event, shared by recorder, replayer,
 * dump and the gdb server.  trace/ serializes it; nobody else knows the bytes.
 *
 * An event is "something that happened to one thread that replay must reproduce":
 * a completed syscall, a delivered signal, an exec, a trapped instruction, an exit.
 * Bulk payloads (memory the kernel wrote, register files, siginfo) travel with the
 * event here and are stored in the trace's data stream. */
#ifndef REWIND_EVENT_H
#define REWIND_EVENT_H
#include <stdint.h>
#include <stddef.h>

enum event_type {
    EV_EXEC = 1,   /* a thread's process image was replaced (also the first exec) */
    EV_SYSCALL,    /* a syscall completed (entry + exit in one event) */
    EV_SIGNAL,     /* a signal was delivered to a thread */
    EV_RDTSC,      /* a trapped rdtsc/rdtscp: vals[0]=tsc, vals[1]=aux (rdtscp) */
    EV_CPUID,      /* a trapped cpuid: vals[0..3]=eax,ebx,ecx,edx out; args[0..1]=leaf,subleaf */
    EV_EXIT,       /* a thread exited; status = wait status */
    EV_PREEMPT,    /* a thread was stopped after its time slice: regs (+ xstate) and
                    * patches are a state delta from its previous event */
    EV_TYPE_MAX
};

/* EV_SYSCALL flags */
#define EVF_EXEC_REAL    0x0001u /* replay executes this syscall for real (mm, signals, exit...) */
#define EVF_ECHO_STDOUT  0x0002u /* a write to the recording's stdout: replay prints it again */
#define EVF_ECHO_STDERR  0x0004u /* ... to its stderr */
#define EVF_UNKNOWN      0x0008u /* the table did not know it: patches are whole written pages */
#define EVF_REFUSED      0x0010u /* refused at record time (rseq, io_uring): ret is -ENOSYS */
#define EVF_INTERRUPTED  0x0020u /* interrupted by a signal (ret is -ERESTART* or -EINTR) */
#define EVF_NO_RETURN    0x0040u /* never returned to this image (execve success, exit) */
#define EVF_ENTRY_ONLY   0x0080u /* the thread entered this syscall and others ran while it was
                                  * in the kernel; the complete event for it comes later */
/* EV_SIGNAL flags: how replay brings the signal about */
#define EVF_SIG_FAULT    0x0100u /* raised by an instruction (SIGSEGV...): replay re-executes it */
#define EVF_SIG_INJECT   0x0200u /* pending on return from the previous syscall: replay sends it */
#define EVF_SIG_ASYNC    0x0400u /* arrived at an arbitrary point: regs + patches are a state delta */
#define EVF_SIG_FATAL    0x0800u /* the default action killed the process (an EV_EXIT follows) */
/* payload presence */
#define EVF_REGS         0x1000u /* regs holds a struct user_regs_struct */
#define EVF_XSTATE       0x2000u /* xstate holds the NT_X86_XSTATE regset */

/* A piece of tracee memory as the recording saw it after the event. */
struct mem_patch {
    uint64_t addr;
    uint32_t len;
    uint8_t *data;
};

struct blob {
    uint8_t *data;
    uint32_t len;
};

/* One mapping of an address space (EV_EXEC carries the whole map after exec). */
struct mapping {
    uint64_t start, end;   /* page aligned */
    uint64_t offset;       /* file offset */
    uint32_t prot;         /* PROT_* */
    uint32_t flags;        /* MAP_PRIVATE / MAP_SHARED, MAP_GROWSDOWN for the stack */
    char *file_id;         /* content id of the file copy in the trace, NULL: anonymous */
    char *name;            /* path or [stack]/[heap]/[vdso]..., for humans and gdb; may be NULL */
};

struct event {
    uint64_t seq;          /* event number, 0-based: assigned by the reader/writer */
    uint32_t type;         /* enum event_type */
    uint32_t flags;        /* EVF_* */
    int32_t  tid;          /* recorded thread id */
    int32_t  pid;          /* recorded process (thread group) id */

    /* EV_SYSCALL: number, arguments and result; ip/sp at entry for divergence checks */
    int64_t  nr;
    uint64_t args[6];
    int64_t  ret;
    uint64_t ip, sp;

    /* EV_SIGNAL: signal number; siginfo is a 128-byte siginfo_t */
    int32_t  signo;
    struct blob siginfo;

    /* EV_RDTSC / EV_CPUID results; EV_EXEC: vals[0] = ignored signals, vals[1] = blocked
     * signals (bit N-1 for signal N), which survive exec.  EV_SYSCALL: vals[0] = the
     * number (from 1) of a file the recording maps MAP_SHARED, on its mmaps and on
     * syscalls that changed it; for the latter file_id holds the bytes now at file
     * offset vals[1] (NULL: none) and vals[2] is the file's size afterwards.
     * shmat: vals[0] = the number (from 1) of the System V shared memory segment,
     * vals[1] = the bytes attached; shmdt: vals[1] = the bytes it detached */
    uint64_t vals[4];

    /* EV_EXIT: wait status (WIFEXITED/WIFSIGNALED form) */
    int32_t  status;

    /* EV_EXEC: the path the program passed to execve and the new address space */
    char *path;
    struct mapping *maps;
    uint32_t nmaps;

    /* EV_SYSCALL that maps a file (mmap): content id of the trace's copy (see
     * also vals) */
    char *file_id;

    /* memory the event wrote (syscall outputs, exec-time stack, state deltas):
     * replay writes these into the tracee */
    struct mem_patch *patches;
    uint32_t npatches;

    /* memory the syscall read that a reader of the trace wants to see (path names,
     * the start of write buffers): never applied, used by dump and divergence checks */
    struct mem_patch *inputs;
    uint32_t ninputs;

    struct blob regs;      /* EVF_REGS: registers after the event */
    struct blob xstate;    /* EVF_XSTATE */
};

/* Frees everything the event owns (patch data, strings, blobs) and zeroes it. */
void event_free(struct event *ev);
/* Appends a patch (or an input); copies data. */
void event_add_patch(struct event *ev, uint64_t addr, const void *data, uint32_t len);
void event_add_input(struct event *ev, uint64_t addr, const void *data, uint32_t len);
void event_add_mapping(struct event *ev, const struct mapping *m); /* copies strings */
void blob_set(struct blob *b, const void *data, uint32_t len);     /* copies */
const char *event_type_name(uint32_t type);

#endif
