/* syscalls — what rewind knows about each Linux x86-64 syscall, in one table
 * (syscalls/table.c): name, argument types for printing, which user memory it
 * reads (inputs worth keeping) and writes (outputs the recorder must save), and
 * its class (which tells replay what must really execute).  Shared by the
 * recorder, the replayer, `rewind dump` and `rewind trace`.
 *
 * Memory is reached through a callback so the same code works on a live tracee
 * and on a recorded event. */
#ifndef REWIND_SYSCALLS_H
#define REWIND_SYSCALLS_H
#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include "../util/util.h"

/* Reads len bytes at addr of the (live or recorded) tracee; false if unreadable. */
typedef bool (*mem_read_fn)(void *ctx, uint64_t addr, void *buf, size_t len);

/* Argument kinds, for printing. */
enum arg_kind {
    A_NONE = 0, A_INT, A_UINT, A_HEX, A_PTR, A_FD, A_DIRFD, A_PATH, A_STR,
    A_BUF_IN,     /* bytes the kernel reads; length is the next argument */
    A_BUF_OUT,    /* bytes the kernel writes; length is the return value */
    A_OPEN_FLAGS, A_MODE, A_PROT, A_MAP_FLAGS, A_SIGNAL, A_SIGHOW, A_CLOCK,
    A_WHENCE, A_AT_FLAGS, A_IOCTL_REQ, A_FCNTL_CMD, A_SOCK_FAMILY, A_MADV,
    A_ACCESS_MODE, A_PRCTL_OPT, A_ARCH_PRCTL_CODE, A_FUTEX_OP, A_CLONE_FLAGS,
    A_STRUCT_OUT, /* pointer to a struct the kernel fills (printed as a pointer or {...}) */
    A_STRUCT_IN,
    A_LONG,       /* signed 64-bit (offsets, lengths that may be negative); A_INT is a C int */
    A_OFLAGS,     /* O_CLOEXEC|O_NONBLOCK-style flags without an access mode (pipe2, dup3, eventfd2...) */
    A_SOCK_TYPE,  /* SOCK_STREAM|SOCK_CLOEXEC */
    A_MSG_FLAGS,  /* MSG_DONTWAIT|MSG_NOSIGNAL */
    A_WAIT_OPTS,  /* WNOHANG|__WALL */
    A_EPOLL_OP,   /* EPOLL_CTL_ADD */
    A_RLIMIT,     /* RLIMIT_NOFILE */
    A_KIND_MAX
};

/* Classes: what the syscall does beyond returning a value and writing memory.
 * Replay executes classes MEM, SIGSTATE, TASKSTATE, PROCESS for real. */
#define SC_MEM        0x0001u /* changes the address space: mmap munmap mprotect mremap brk madvise ... */
#define SC_SIGSTATE   0x0002u /* signal dispositions, masks, alt stacks: rt_sigaction, rt_sigprocmask, sigaltstack, rt_sigreturn */
#define SC_TASKSTATE  0x0004u /* per-thread kernel state: arch_prctl, set_tid_address, set_robust_list */
#define SC_PROCESS    0x0008u /* clone, clone3, fork, vfork, execve, execveat, exit, exit_group */
#define SC_REFUSE     0x0010u /* refused with ENOSYS at record time: rseq, io_uring_* */
#define SC_NORETURN   0x0020u /* does not return on success: execve, exit, exit_group, rt_sigreturn */
#define SC_SELFSIGNAL 0x0040u /* may send a signal to the caller: kill, tkill, tgkill, rt_sigqueueinfo, rt_tgsigqueueinfo */
#define SC_BLOCKING   0x0080u /* may block indefinitely (read, poll, futex wait, wait4, nanosleep, ...) */
#define SC_FD_DUP     0x0100u /* creates a copy of an fd: dup, dup2, dup3 (fcntl F_DUPFD handled by caller) */
#define SC_WRITE      0x0200u /* writes arg1..: write, writev, pwrite64, pwritev, pwritev2 (for echoing) */
#define SC_CLOSE      0x0400u /* close, close_range */

struct syscall_info {
    const char *name;
    uint8_t nargs;
    uint8_t arg[6];   /* enum arg_kind */
    uint32_t cls;     /* SC_* */
};

/* NULL for numbers the table does not know. */
const struct syscall_info *syscall_lookup(long nr);
const char *syscall_name(long nr);   /* "syscall_123" style for unknown numbers (thread-local buffer) */
long syscall_number(const char *name); /* -1 if unknown */
long syscall_table_size(void);       /* numbers 0..size-1 may be known; for iterating the table */

struct mem_region {
    uint64_t addr;
    uint64_t len;
};

/* Memory a completed syscall wrote, as regions (possibly reading tracee memory,
 * e.g. an iovec array).  Returns the number of regions (<= max; 0 when it wrote
 * nothing, which is the case for most failed calls — not all: an interrupted
 * nanosleep stores rem, select and ppoll store the remaining time, futex PI
 * operations change the futex word), or -1 when the table cannot tell (unknown
 * syscall, unknown ioctl request): the caller must then find the written pages
 * some other way.
 *
 * Probe: with max == 0 (before the syscall runs) it returns -1 exactly when
 * the call with these arguments is not covered, and 0 otherwise, without
 * reading tracee memory: the answer depends only on nr and args (for ioctl,
 * fcntl, prctl, arch_prctl and futex, on the request/command argument).
 * A call that is not covered answers -1 after it ran too, even when it failed.
 *
 * After the call, a covered syscall can still answer -1 in rare cases the caller
 * must treat like an unknown syscall: ret is -EFAULT (the kernel may have written
 * part of a buffer), tracee memory needed to find the regions (iovec array,
 * msghdr) is unreadable, a length exceeds 1 GiB, or more than max regions are
 * needed.
 *
 * Regions are exact or slightly larger than what the kernel wrote (bytes that
 * the call left unchanged are harmless to save and restore): e.g. a sockaddr
 * is saved up to the address's real size even when the caller's buffer was
 * smaller.  A region the caller cannot read should be treated as -1.
 * clone's CLONE_CHILD_SETTID store happens in the child and is not listed. */
int syscall_outputs(long nr, const uint64_t args[6], int64_t ret,
                    mem_read_fn rd, void *ctx, struct mem_region *out, int max);

/* Memory the syscall read that is worth keeping for display and divergence checks:
 * NUL-terminated path/string arguments (including the NUL, capped at 4096 bytes)
 * and the first 64 bytes of write buffers (write, pwrite64, sendto; for writev,
 * pwritev, pwritev2 the iovec array (up to 8 entries) and 64 bytes of the first
 * non-empty iovec).  Called at syscall entry; regions beyond max are dropped. */
int syscall_inputs(long nr, const uint64_t args[6],
                   mem_read_fn rd, void *ctx, struct mem_region *out, int max);

/* Formats the syscall strace-style: `openat(AT_FDCWD, "/etc/passwd", O_RDONLY|O_CLOEXEC) = 3`,
 * `read(3, "root:x:0:0"..., 4096) = 1234`, `open("nope", O_RDONLY) = -1 ENOENT (No such file or directory)`.
 * Strings and buffers are read through rd; when unreadable the pointer is printed in hex.
 * With have_ret false only the call is printed, up to and including ")": the
 * caller appends " <unfinished ...>" or " = ?" as it sees fit.  With have_ret
 * true, exit and exit_group print " = ?" whatever ret is.  Unknown numbers
 * print as `syscall_0x1c8(0x1, 0x2, 0x3, 0x4, 0x5, 0x6)`.  No newline. */
void syscall_format(struct buf *out, long nr, const uint64_t args[6], int64_t ret,
                    bool have_ret, mem_read_fn rd, void *ctx);

const char *signal_name(int sig);   /* "SIGSEGV", "SIGRTMIN", "SIGRT_3"; "SIG123" style for unknown (thread-local buffer) */
const char *errno_name(int err);    /* "ENOENT"; NULL if unknown */
/* Appends s as a C string literal with escapes, at most max bytes ("..." after). */
void format_cstring(struct buf *out, const uint8_t *s, size_t len, size_t max);

/* ioctl requests (syscalls/ioctl.c). */
const char *ioctl_name(uint64_t req);     /* "TCGETS"; NULL if unknown */
/* Bytes a successful ioctl writes at its third argument: 0 for none, -1 when
 * the request is unknown (or what it writes depends on more than the request). */
int ioctl_output_size(uint64_t req);

struct event;
/* One recorded event as text: the syscall strace style (its recorded inputs
 * and outputs decoded), a signal and how it arrived, a preemption or exec with
 * its size, an exit.  Used by `rewind dump` and replay's divergence reports. */
void event_format(struct buf *b, const struct event *ev);
/* mem_read_fn over a recorded event's inputs and patches (ctx = struct event *). */
bool event_mem_read(void *ctx, uint64_t addr, void *buf, size_t len);

#endif
