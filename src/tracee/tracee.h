/* tracee — control of traced threads through ptrace: spawning, waiting,
 * registers and register sets, memory access, syscall injection.
 *
 * Knows nothing of recording or replaying; both build on it.  A `struct task`
 * is one traced thread.  All functions that touch the tracee require it to be
 * in a ptrace stop. */
#ifndef REWIND_TRACEE_H
#define REWIND_TRACEE_H
#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include <sys/types.h>
#include "../arch/arch.h"

/* Why a task is stopped, decoded from the wait status. */
enum stop_kind {
    STOP_NONE = 0,
    STOP_SYSCALL_ENTRY,
    STOP_SYSCALL_EXIT,
    STOP_SIGNAL,        /* signal-delivery-stop: sig holds the signal */
    STOP_GROUP,         /* group-stop (SIGSTOP & co. under PTRACE_SEIZE) */
    STOP_EXEC,          /* PTRACE_EVENT_EXEC */
    STOP_CLONE,         /* PTRACE_EVENT_CLONE/FORK/VFORK: event_msg = new tid */
    STOP_VFORK_DONE,
    STOP_EXIT_EVENT,    /* PTRACE_EVENT_EXIT: about to exit, event_msg = status */
    STOP_SECCOMP,       /* PTRACE_EVENT_SECCOMP */
    STOP_EXITED,        /* gone: status is the wait status (WIFEXITED/WIFSIGNALED) */
};

struct task {
    pid_t tid;
    pid_t tgid;
    enum stop_kind stop;
    int sig;                 /* STOP_SIGNAL / STOP_GROUP */
    int status;              /* raw wait status of the last stop */
    unsigned long event_msg; /* PTRACE_GETEVENTMSG for event stops */
    bool in_syscall;         /* between syscall entry and exit stops */
    regs_t regs;             /* valid after task_get_regs() */
    bool regs_valid, regs_dirty;
    int mem_fd;              /* /proc/tid/mem, opened lazily */
    uint64_t scratch;        /* scratch page address in the tracee, 0 if none */
    void *core;              /* the engine core's per-task state */
};

/* Forks and execs argv[0] (searched in PATH) under PTRACE_SEIZE with our options,
 * with address-space randomization off.  The child stops
 * before exec; the task is returned stopped at the exec event (STOP_EXEC) or, if
 * exec failed, exited with status 127 (errno in *exec_errno).  stdio/env/cwd are inherited.
 * If setup_in_child is non-NULL it runs in the child just before exec. */
struct task *task_spawn(char *const argv[], char *const envp[],
                        void (*setup_in_child)(void *), void *arg, int *exec_errno);
void task_free(struct task *t);
/* A task for a thread that is already traced (auto-attached clone child). */
struct task *task_adopt(pid_t tid);
/* A setup_in_child for task_spawn (arg: int *cpu): make rdtsc/rdtscp trap (SIGSEGV)
 * so they can be recorded, and bind the program to one CPU, so what cpuid says
 * about "this CPU" (APIC ids) is the same at record and replay. */
void task_setup_deterministic(void *cpu);

/* Waits for any traced task (tid=-1) or one; fills *tid and *status.  false on ECHILD. */
bool task_wait_any(pid_t *tid, int *status, bool nohang);
/* Decodes a wait status into t->stop / t->sig / t->event_msg; invalidates cached regs. */
void task_note_stop(struct task *t, int status);
/* Resumes: how = PTRACE_SYSCALL, PTRACE_CONT, PTRACE_SINGLESTEP. sig = signal to deliver (0 none).
 * Flushes dirty registers first. */
bool task_resume(struct task *t, int how, int sig);
/* Resume then wait for this task's next stop (other tasks' stops are not expected). */
bool task_step_to_stop(struct task *t, int how, int sig);

/* Registers (cached until the next resume). */
regs_t *task_regs(struct task *t);           /* fetches if needed; never NULL (fatal on error) */
void task_set_regs(struct task *t, const regs_t *r); /* marks dirty; written at resume */
bool task_flush_regs(struct task *t);
/* NT_X86_XSTATE (falls back to NT_PRFPREG); returns a malloc'ed blob. */
uint8_t *task_get_xstate(struct task *t, uint32_t *len);
bool task_set_xstate(struct task *t, const uint8_t *data, uint32_t len);
bool task_get_siginfo(struct task *t, void *si128);
bool task_set_siginfo(struct task *t, const void *si128);

/* Memory. Reads/writes ignore page protections (like a debugger).  Return bytes done. */
size_t task_read(struct task *t, uint64_t addr, void *buf, size_t len);
size_t task_write(struct task *t, uint64_t addr, const void *buf, size_t len);
/* Reads a NUL-terminated string of at most max bytes (NUL included). -1 if unreadable. */
ssize_t task_read_str(struct task *t, uint64_t addr, char *buf, size_t max);
/* mem_read_fn adapter (ctx = struct task *). */
bool task_mem_read_cb(void *ctx, uint64_t addr, void *buf, size_t len);

/* Executes a syscall inside the tracee and returns its result (-errno on failure).
 * Works from any stop: at a syscall-entry stop the pending syscall is kept and
 * re-entered afterwards (the caller sees the same entry stop again); elsewhere a
 * syscall instruction is borrowed at the current ip and everything is restored.
 * Registers and memory the caller cached stay valid. */
long task_inject_syscall(struct task *t, long nr, uint64_t a0, uint64_t a1, uint64_t a2,
                         uint64_t a3, uint64_t a4, uint64_t a5);

/* task_inject_syscall for a stopped checkpoint copy (see task_inject_fork):
 * signals that reach it (SIGCHLD from its killed children) are dropped. */
long task_inject_in_copy(struct task *t, long nr, uint64_t a0, uint64_t a1, uint64_t a2);

/* Forks t's process from inside, from wherever t is stopped (at a
 * syscall-entry stop the pending call is entered again afterwards).  Only t
 * is copied: other threads of the process are not part of the copy.  Signals
 * on the way are dropped, as in task_inject_in_copy, so t must be at a point
 * where none can be pending.  The copy is a traced process, left stopped at
 * its first stop, with registers just after the syscall instruction used.
 * t is left as it was.  Returns the copy's pid, -1 on failure. */
pid_t task_inject_fork(struct task *t);
/* Makes a new thread in t's process (clone with the flags pthreads use, minus
 * the tid and TLS ones: the caller sets those up), stopped at its first stop
 * with t's registers; t must not be at a syscall-entry stop.  Returns its
 * tid, -1 on failure. */
pid_t task_inject_thread(struct task *t);
/* The signal mask of a stopped thread (PTRACE_GETSIGMASK / SETSIGMASK). */
bool task_get_sigmask(struct task *t, uint64_t *mask);
bool task_set_sigmask(struct task *t, uint64_t mask);

/* A scratch page mapped in the tracee for injected syscalls' arguments
 * (mapped on first use at a high fixed address; remapped after exec). */
uint64_t task_scratch(struct task *t);
/* After exec the address space is new: drops the cached /proc/PID/mem and scratch page. */
void task_after_exec(struct task *t);

#endif
