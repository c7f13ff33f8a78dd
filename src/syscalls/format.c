/* format — strace-style printing of a syscall: `name(args) = ret`.
 *
 * Arguments are printed by kind (the table in table.c says which); flags and
 * enumerations come from {value, name} tables through put_flags()/put_enum(),
 * never from a switch per flag.  A few calls get extra care (which arguments
 * exist depends on a flag, small structs worth decoding); those are the
 * functions after the tables.  Values are the x86-64 Linux ABI, written out
 * where libc headers lag behind the kernel. */
#include "syscalls.h"
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <asm/unistd.h>

#define STRLEN_MAX 32       /* strace -s default: bytes of a buffer shown */
#define PATHLEN_MAX 4096
#define IOV_SHOWN 4
#define ARGV_SHOWN 32

struct named {
    uint64_t val;
    const char *name;
};
#define N(x) { (uint64_t)(x), #x }
#define COUNT(t) (sizeof(t) / sizeof((t)[0]))

/* ---- tables ---- */

static const struct named accmodes[] = { { 0, "O_RDONLY" }, { 1, "O_WRONLY" }, { 2, "O_RDWR" }, { 3, "O_ACCMODE" } };
/* Kernel values (glibc defines O_LARGEFILE as 0 on x86-64).  Multi-bit flags
 * come first so they claim their bits before the single bits they include. */
static const struct named open_flags[] = {
    { 020200000, "O_TMPFILE" }, { 04010000, "O_SYNC" },
    { 0100, "O_CREAT" }, { 0200, "O_EXCL" }, { 0400, "O_NOCTTY" }, { 01000, "O_TRUNC" },
    { 02000, "O_APPEND" }, { 04000, "O_NONBLOCK" }, { 010000, "O_DSYNC" }, { 020000, "O_ASYNC" },
    { 040000, "O_DIRECT" }, { 0100000, "O_LARGEFILE" }, { 0200000, "O_DIRECTORY" },
    { 0400000, "O_NOFOLLOW" }, { 01000000, "O_NOATIME" }, { 02000000, "O_CLOEXEC" },
    { 010000000, "O_PATH" },
};
static const struct named prot_flags[] = {
    { 1, "PROT_READ" }, { 2, "PROT_WRITE" }, { 4, "PROT_EXEC" }, { 8, "PROT_SEM" },
    { 0x01000000, "PROT_GROWSDOWN" }, { 0x02000000, "PROT_GROWSUP" },
};
static const struct named map_types[] = { { 1, "MAP_SHARED" }, { 2, "MAP_PRIVATE" }, { 3, "MAP_SHARED_VALIDATE" } };
static const struct named map_flags[] = {
    { 0x10, "MAP_FIXED" }, { 0x20, "MAP_ANONYMOUS" }, { 0x40, "MAP_32BIT" }, { 0x100, "MAP_GROWSDOWN" },
    { 0x800, "MAP_DENYWRITE" }, { 0x1000, "MAP_EXECUTABLE" }, { 0x2000, "MAP_LOCKED" },
    { 0x4000, "MAP_NORESERVE" }, { 0x8000, "MAP_POPULATE" }, { 0x10000, "MAP_NONBLOCK" },
    { 0x20000, "MAP_STACK" }, { 0x40000, "MAP_HUGETLB" }, { 0x80000, "MAP_SYNC" },
    { 0x100000, "MAP_FIXED_NOREPLACE" }, { 0x4000000, "MAP_UNINITIALIZED" },
};
static const struct named sighows[] = { { 0, "SIG_BLOCK" }, { 1, "SIG_UNBLOCK" }, { 2, "SIG_SETMASK" } };
static const struct named clocks[] = {
    { 0, "CLOCK_REALTIME" }, { 1, "CLOCK_MONOTONIC" }, { 2, "CLOCK_PROCESS_CPUTIME_ID" },
    { 3, "CLOCK_THREAD_CPUTIME_ID" }, { 4, "CLOCK_MONOTONIC_RAW" }, { 5, "CLOCK_REALTIME_COARSE" },
    { 6, "CLOCK_MONOTONIC_COARSE" }, { 7, "CLOCK_BOOTTIME" }, { 8, "CLOCK_REALTIME_ALARM" },
    { 9, "CLOCK_BOOTTIME_ALARM" }, { 11, "CLOCK_TAI" },
};
static const struct named whences[] = {
    { 0, "SEEK_SET" }, { 1, "SEEK_CUR" }, { 2, "SEEK_END" }, { 3, "SEEK_DATA" }, { 4, "SEEK_HOLE" },
};
static const struct named at_flags[] = {
    { 0x100, "AT_SYMLINK_NOFOLLOW" }, { 0x200, "AT_REMOVEDIR" }, { 0x400, "AT_SYMLINK_FOLLOW" },
    { 0x800, "AT_NO_AUTOMOUNT" }, { 0x1000, "AT_EMPTY_PATH" }, { 0x2000, "AT_STATX_FORCE_SYNC" },
    { 0x4000, "AT_STATX_DONT_SYNC" }, { 0x8000, "AT_RECURSIVE" },
};
/* faccessat2 gives 0x200 another meaning */
static const struct named faccess_flags[] = {
    { 0x100, "AT_SYMLINK_NOFOLLOW" }, { 0x200, "AT_EACCESS" }, { 0x1000, "AT_EMPTY_PATH" },
};
static const struct named access_modes[] = { { 4, "R_OK" }, { 2, "W_OK" }, { 1, "X_OK" } };
static const struct named fcntl_cmds[] = {
    { 0, "F_DUPFD" }, { 1, "F_GETFD" }, { 2, "F_SETFD" }, { 3, "F_GETFL" }, { 4, "F_SETFL" },
    { 5, "F_GETLK" }, { 6, "F_SETLK" }, { 7, "F_SETLKW" }, { 8, "F_SETOWN" }, { 9, "F_GETOWN" },
    { 10, "F_SETSIG" }, { 11, "F_GETSIG" }, { 15, "F_SETOWN_EX" }, { 16, "F_GETOWN_EX" },
    { 17, "F_GETOWNER_UIDS" }, { 36, "F_OFD_GETLK" }, { 37, "F_OFD_SETLK" }, { 38, "F_OFD_SETLKW" },
    { 1024, "F_SETLEASE" }, { 1025, "F_GETLEASE" }, { 1026, "F_NOTIFY" }, { 1027, "F_DUPFD_QUERY" },
    { 1028, "F_CREATED_QUERY" }, { 1029, "F_CANCELLK" }, { 1030, "F_DUPFD_CLOEXEC" },
    { 1031, "F_SETPIPE_SZ" }, { 1032, "F_GETPIPE_SZ" }, { 1033, "F_ADD_SEALS" }, { 1034, "F_GET_SEALS" },
    { 1035, "F_GET_RW_HINT" }, { 1036, "F_SET_RW_HINT" }, { 1037, "F_GET_FILE_RW_HINT" },
    { 1038, "F_SET_FILE_RW_HINT" },
};
static const struct named families[] = {
    { 0, "AF_UNSPEC" }, { 1, "AF_UNIX" }, { 2, "AF_INET" }, { 3, "AF_AX25" }, { 4, "AF_IPX" },
    { 5, "AF_APPLETALK" }, { 9, "AF_X25" }, { 10, "AF_INET6" }, { 15, "AF_KEY" }, { 16, "AF_NETLINK" },
    { 17, "AF_PACKET" }, { 29, "AF_CAN" }, { 30, "AF_TIPC" }, { 31, "AF_BLUETOOTH" }, { 38, "AF_ALG" },
    { 40, "AF_VSOCK" }, { 44, "AF_XDP" }, { 45, "AF_MCTP" },
};
static const struct named sock_types[] = {
    { 1, "SOCK_STREAM" }, { 2, "SOCK_DGRAM" }, { 3, "SOCK_RAW" }, { 4, "SOCK_RDM" },
    { 5, "SOCK_SEQPACKET" }, { 6, "SOCK_DCCP" }, { 10, "SOCK_PACKET" },
};
static const struct named sock_flags[] = { { 02000000, "SOCK_CLOEXEC" }, { 04000, "SOCK_NONBLOCK" } };
static const struct named msg_flags[] = {
    { 0x1, "MSG_OOB" }, { 0x2, "MSG_PEEK" }, { 0x4, "MSG_DONTROUTE" }, { 0x8, "MSG_CTRUNC" },
    { 0x10, "MSG_PROXY" }, { 0x20, "MSG_TRUNC" }, { 0x40, "MSG_DONTWAIT" }, { 0x80, "MSG_EOR" },
    { 0x100, "MSG_WAITALL" }, { 0x200, "MSG_FIN" }, { 0x400, "MSG_SYN" }, { 0x800, "MSG_CONFIRM" },
    { 0x1000, "MSG_RST" }, { 0x2000, "MSG_ERRQUEUE" }, { 0x4000, "MSG_NOSIGNAL" }, { 0x8000, "MSG_MORE" },
    { 0x10000, "MSG_WAITFORONE" }, { 0x40000, "MSG_BATCH" }, { 0x4000000, "MSG_ZEROCOPY" },
    { 0x20000000, "MSG_FASTOPEN" }, { 0x40000000, "MSG_CMSG_CLOEXEC" },
};
static const struct named madvs[] = {
    { 0, "MADV_NORMAL" }, { 1, "MADV_RANDOM" }, { 2, "MADV_SEQUENTIAL" }, { 3, "MADV_WILLNEED" },
    { 4, "MADV_DONTNEED" }, { 8, "MADV_FREE" }, { 9, "MADV_REMOVE" }, { 10, "MADV_DONTFORK" },
    { 11, "MADV_DOFORK" }, { 12, "MADV_MERGEABLE" }, { 13, "MADV_UNMERGEABLE" },
    { 14, "MADV_HUGEPAGE" }, { 15, "MADV_NOHUGEPAGE" }, { 16, "MADV_DONTDUMP" }, { 17, "MADV_DODUMP" },
    { 18, "MADV_WIPEONFORK" }, { 19, "MADV_KEEPONFORK" }, { 20, "MADV_COLD" }, { 21, "MADV_PAGEOUT" },
    { 22, "MADV_POPULATE_READ" }, { 23, "MADV_POPULATE_WRITE" }, { 24, "MADV_DONTNEED_LOCKED" },
    { 25, "MADV_COLLAPSE" }, { 100, "MADV_HWPOISON" }, { 101, "MADV_SOFT_OFFLINE" },
    { 102, "MADV_GUARD_INSTALL" }, { 103, "MADV_GUARD_REMOVE" },
};
static const struct named prctl_opts[] = {
    { 1, "PR_SET_PDEATHSIG" }, { 2, "PR_GET_PDEATHSIG" }, { 3, "PR_GET_DUMPABLE" },
    { 4, "PR_SET_DUMPABLE" }, { 5, "PR_GET_UNALIGN" }, { 6, "PR_SET_UNALIGN" }, { 7, "PR_GET_KEEPCAPS" },
    { 8, "PR_SET_KEEPCAPS" }, { 9, "PR_GET_FPEMU" }, { 10, "PR_SET_FPEMU" }, { 11, "PR_GET_FPEXC" },
    { 12, "PR_SET_FPEXC" }, { 13, "PR_GET_TIMING" }, { 14, "PR_SET_TIMING" }, { 15, "PR_SET_NAME" },
    { 16, "PR_GET_NAME" }, { 19, "PR_GET_ENDIAN" }, { 20, "PR_SET_ENDIAN" }, { 21, "PR_GET_SECCOMP" },
    { 22, "PR_SET_SECCOMP" }, { 23, "PR_CAPBSET_READ" }, { 24, "PR_CAPBSET_DROP" }, { 25, "PR_GET_TSC" },
    { 26, "PR_SET_TSC" }, { 27, "PR_GET_SECUREBITS" }, { 28, "PR_SET_SECUREBITS" },
    { 29, "PR_SET_TIMERSLACK" }, { 30, "PR_GET_TIMERSLACK" }, { 31, "PR_TASK_PERF_EVENTS_DISABLE" },
    { 32, "PR_TASK_PERF_EVENTS_ENABLE" }, { 33, "PR_MCE_KILL" }, { 34, "PR_MCE_KILL_GET" },
    { 35, "PR_SET_MM" }, { 36, "PR_SET_CHILD_SUBREAPER" }, { 37, "PR_GET_CHILD_SUBREAPER" },
    { 38, "PR_SET_NO_NEW_PRIVS" }, { 39, "PR_GET_NO_NEW_PRIVS" }, { 40, "PR_GET_TID_ADDRESS" },
    { 41, "PR_SET_THP_DISABLE" }, { 42, "PR_GET_THP_DISABLE" }, { 45, "PR_SET_FP_MODE" },
    { 46, "PR_GET_FP_MODE" }, { 47, "PR_CAP_AMBIENT" }, { 52, "PR_GET_SPECULATION_CTRL" },
    { 53, "PR_SET_SPECULATION_CTRL" }, { 55, "PR_SET_TAGGED_ADDR_CTRL" },
    { 56, "PR_GET_TAGGED_ADDR_CTRL" }, { 57, "PR_SET_IO_FLUSHER" }, { 58, "PR_GET_IO_FLUSHER" },
    { 59, "PR_SET_SYSCALL_USER_DISPATCH" }, { 62, "PR_SCHED_CORE" }, { 65, "PR_SET_MDWE" },
    { 66, "PR_GET_MDWE" }, { 67, "PR_SET_MEMORY_MERGE" }, { 68, "PR_GET_MEMORY_MERGE" },
    { 0x53564d41, "PR_SET_VMA" }, { 0x41555856, "PR_GET_AUXV" },
};
static const struct named arch_prctl_codes[] = {
    { 0x1001, "ARCH_SET_GS" }, { 0x1002, "ARCH_SET_FS" }, { 0x1003, "ARCH_GET_FS" },
    { 0x1004, "ARCH_GET_GS" }, { 0x1011, "ARCH_GET_CPUID" }, { 0x1012, "ARCH_SET_CPUID" },
    { 0x1021, "ARCH_GET_XCOMP_SUPP" }, { 0x1022, "ARCH_GET_XCOMP_PERM" },
    { 0x1023, "ARCH_REQ_XCOMP_PERM" }, { 0x1024, "ARCH_GET_XCOMP_GUEST_PERM" },
    { 0x1025, "ARCH_REQ_XCOMP_GUEST_PERM" }, { 0x2001, "ARCH_MAP_VDSO_X32" },
    { 0x2002, "ARCH_MAP_VDSO_32" }, { 0x2003, "ARCH_MAP_VDSO_64" }, { 0x4001, "ARCH_GET_UNTAG_MASK" },
    { 0x4002, "ARCH_ENABLE_TAGGED_ADDR" }, { 0x4003, "ARCH_GET_MAX_TAG_BITS" },
    { 0x4004, "ARCH_FORCE_TAGGED_SVA" }, { 0x5001, "ARCH_SHSTK_ENABLE" },
    { 0x5002, "ARCH_SHSTK_DISABLE" }, { 0x5003, "ARCH_SHSTK_LOCK" }, { 0x5004, "ARCH_SHSTK_UNLOCK" },
    { 0x5005, "ARCH_SHSTK_STATUS" },
};
static const struct named futex_cmds[] = {
    { 0, "FUTEX_WAIT" }, { 1, "FUTEX_WAKE" }, { 2, "FUTEX_FD" }, { 3, "FUTEX_REQUEUE" },
    { 4, "FUTEX_CMP_REQUEUE" }, { 5, "FUTEX_WAKE_OP" }, { 6, "FUTEX_LOCK_PI" }, { 7, "FUTEX_UNLOCK_PI" },
    { 8, "FUTEX_TRYLOCK_PI" }, { 9, "FUTEX_WAIT_BITSET" }, { 10, "FUTEX_WAKE_BITSET" },
    { 11, "FUTEX_WAIT_REQUEUE_PI" }, { 12, "FUTEX_CMP_REQUEUE_PI" }, { 13, "FUTEX_LOCK_PI2" },
};
static const struct named clone_flags[] = {
    { 0x100, "CLONE_VM" }, { 0x200, "CLONE_FS" }, { 0x400, "CLONE_FILES" }, { 0x800, "CLONE_SIGHAND" },
    { 0x1000, "CLONE_PIDFD" }, { 0x2000, "CLONE_PTRACE" }, { 0x4000, "CLONE_VFORK" },
    { 0x8000, "CLONE_PARENT" }, { 0x10000, "CLONE_THREAD" }, { 0x20000, "CLONE_NEWNS" },
    { 0x40000, "CLONE_SYSVSEM" }, { 0x80000, "CLONE_SETTLS" }, { 0x100000, "CLONE_PARENT_SETTID" },
    { 0x200000, "CLONE_CHILD_CLEARTID" }, { 0x400000, "CLONE_DETACHED" }, { 0x800000, "CLONE_UNTRACED" },
    { 0x1000000, "CLONE_CHILD_SETTID" }, { 0x2000000, "CLONE_NEWCGROUP" }, { 0x4000000, "CLONE_NEWUTS" },
    { 0x8000000, "CLONE_NEWIPC" }, { 0x10000000, "CLONE_NEWUSER" }, { 0x20000000, "CLONE_NEWPID" },
    { 0x40000000, "CLONE_NEWNET" }, { 0x80000000, "CLONE_IO" },
};
static const struct named wait_opts[] = {
    { 1, "WNOHANG" }, { 2, "WUNTRACED" }, { 4, "WEXITED" }, { 8, "WCONTINUED" }, { 0x1000000, "WNOWAIT" },
    { 0x20000000, "__WNOTHREAD" }, { 0x40000000, "__WALL" }, { 0x80000000, "__WCLONE" },
};
static const struct named epoll_ops[] = { { 1, "EPOLL_CTL_ADD" }, { 2, "EPOLL_CTL_DEL" }, { 3, "EPOLL_CTL_MOD" } };
static const struct named rlimits[] = {
    { 0, "RLIMIT_CPU" }, { 1, "RLIMIT_FSIZE" }, { 2, "RLIMIT_DATA" }, { 3, "RLIMIT_STACK" },
    { 4, "RLIMIT_CORE" }, { 5, "RLIMIT_RSS" }, { 6, "RLIMIT_NPROC" }, { 7, "RLIMIT_NOFILE" },
    { 8, "RLIMIT_MEMLOCK" }, { 9, "RLIMIT_AS" }, { 10, "RLIMIT_LOCKS" }, { 11, "RLIMIT_SIGPENDING" },
    { 12, "RLIMIT_MSGQUEUE" }, { 13, "RLIMIT_NICE" }, { 14, "RLIMIT_RTPRIO" }, { 15, "RLIMIT_RTTIME" },
};
static const struct named file_types[] = {
    { 0140000, "S_IFSOCK" }, { 0120000, "S_IFLNK" }, { 0100000, "S_IFREG" }, { 060000, "S_IFBLK" },
    { 040000, "S_IFDIR" }, { 020000, "S_IFCHR" }, { 010000, "S_IFIFO" },
};
static const struct named mode_bits[] = { { 04000, "S_ISUID" }, { 02000, "S_ISGID" }, { 01000, "S_ISVTX" } };

#define E(x) [x] = #x
static const char *const errnames[] = {
    E(EPERM), E(ENOENT), E(ESRCH), E(EINTR), E(EIO), E(ENXIO), E(E2BIG), E(ENOEXEC), E(EBADF),
    E(ECHILD), E(EAGAIN), E(ENOMEM), E(EACCES), E(EFAULT), E(ENOTBLK), E(EBUSY), E(EEXIST), E(EXDEV),
    E(ENODEV), E(ENOTDIR), E(EISDIR), E(EINVAL), E(ENFILE), E(EMFILE), E(ENOTTY), E(ETXTBSY),
    E(EFBIG), E(ENOSPC), E(ESPIPE), E(EROFS), E(EMLINK), E(EPIPE), E(EDOM), E(ERANGE), E(EDEADLK),
    E(ENAMETOOLONG), E(ENOLCK), E(ENOSYS), E(ENOTEMPTY), E(ELOOP), E(ENOMSG), E(EIDRM), E(ECHRNG),
    E(EL2NSYNC), E(EL3HLT), E(EL3RST), E(ELNRNG), E(EUNATCH), E(ENOCSI), E(EL2HLT), E(EBADE),
    E(EBADR), E(EXFULL), E(ENOANO), E(EBADRQC), E(EBADSLT), E(EBFONT), E(ENOSTR), E(ENODATA),
    E(ETIME), E(ENOSR), E(ENONET), E(ENOPKG), E(EREMOTE), E(ENOLINK), E(EADV), E(ESRMNT), E(ECOMM),
    E(EPROTO), E(EMULTIHOP), E(EDOTDOT), E(EBADMSG), E(EOVERFLOW), E(ENOTUNIQ), E(EBADFD),
    E(EREMCHG), E(ELIBACC), E(ELIBBAD), E(ELIBSCN), E(ELIBMAX), E(ELIBEXEC), E(EILSEQ), E(ERESTART),
    E(ESTRPIPE), E(EUSERS), E(ENOTSOCK), E(EDESTADDRREQ), E(EMSGSIZE), E(EPROTOTYPE), E(ENOPROTOOPT),
    E(EPROTONOSUPPORT), E(ESOCKTNOSUPPORT), E(EOPNOTSUPP), E(EPFNOSUPPORT), E(EAFNOSUPPORT),
    E(EADDRINUSE), E(EADDRNOTAVAIL), E(ENETDOWN), E(ENETUNREACH), E(ENETRESET), E(ECONNABORTED),
    E(ECONNRESET), E(ENOBUFS), E(EISCONN), E(ENOTCONN), E(ESHUTDOWN), E(ETOOMANYREFS), E(ETIMEDOUT),
    E(ECONNREFUSED), E(EHOSTDOWN), E(EHOSTUNREACH), E(EALREADY), E(EINPROGRESS), E(ESTALE),
    E(EUCLEAN), E(ENOTNAM), E(ENAVAIL), E(EISNAM), E(EREMOTEIO), E(EDQUOT), E(ENOMEDIUM),
    E(EMEDIUMTYPE), E(ECANCELED), E(ENOKEY), E(EKEYEXPIRED), E(EKEYREVOKED), E(EKEYREJECTED),
    E(EOWNERDEAD), E(ENOTRECOVERABLE), E(ERFKILL), E(EHWPOISON),
};
/* Kernel-internal codes from 512 on; a tracer sees the restart ones at syscall
 * exit when a signal interrupts a call. */
static const struct named kernel_errs[] = {
    { 512, "ERESTARTSYS" }, { 513, "ERESTARTNOINTR" }, { 514, "ERESTARTNOHAND" }, { 515, "ENOIOCTLCMD" },
    { 516, "ERESTART_RESTARTBLOCK" }, { 517, "EPROBE_DEFER" }, { 518, "EOPENSTALE" }, { 519, "ENOPARAM" },
    { 521, "EBADHANDLE" }, { 522, "ENOTSYNC" }, { 523, "EBADCOOKIE" }, { 524, "ENOTSUPP" },
    { 525, "ETOOSMALL" }, { 526, "ESERVERFAULT" }, { 527, "EBADTYPE" }, { 528, "EJUKEBOX" },
    { 529, "EIOCBQUEUED" }, { 530, "ERECALLCONFLICT" }, { 531, "ENOGRACE" },
};
static const struct named restart_texts[] = {
    { 512, "To be restarted if SA_RESTART is set" }, { 513, "To be restarted" },
    { 514, "To be restarted if no handler" }, { 516, "Interrupted by signal" },
};

#define S(x) [x] = #x
static const char *const signames[] = {
    S(SIGHUP), S(SIGINT), S(SIGQUIT), S(SIGILL), S(SIGTRAP), S(SIGABRT), S(SIGBUS), S(SIGFPE),
    S(SIGKILL), S(SIGUSR1), S(SIGSEGV), S(SIGUSR2), S(SIGPIPE), S(SIGALRM), S(SIGTERM), S(SIGSTKFLT),
    S(SIGCHLD), S(SIGCONT), S(SIGSTOP), S(SIGTSTP), S(SIGTTIN), S(SIGTTOU), S(SIGURG), S(SIGXCPU),
    S(SIGXFSZ), S(SIGVTALRM), S(SIGPROF), S(SIGWINCH), S(SIGIO), S(SIGPWR), S(SIGSYS),
};

/* ---- small printers ---- */

static void puts_(struct buf *b, const char *s) { buf_put(b, s, strlen(s)); }


static const char *lookup(const struct named *t, size_t n, uint64_t v)
{
    for (size_t i = 0; i < n; i++)
        if (t[i].val == v)
            return t[i].name;
    return NULL;
}

/* An enumeration value: its name, or the number as a C int. */
static void put_enum(struct buf *b, const struct named *t, size_t n, uint64_t v)
{
    const char *s = lookup(t, n, v);
    if (s)
        puts_(b, s);
    else
        buf_printf(b, "%d", (int)v);
}

/* A flag set: A|B|C, leftover bits in hex, zero (or "0") when nothing is set.
 * printed says whether a part of the value (an access mode, a type) is
 * already out: then the flags follow it with "|" and zero is not needed. */
static void put_flags_after(struct buf *b, const struct named *t, size_t n, uint64_t v,
                            const char *zero, bool printed)
{
    bool any = printed;
    for (size_t i = 0; i < n; i++) {
        if (t[i].val && (v & t[i].val) == t[i].val) {
            if (any)
                buf_put_u8(b, '|');
            puts_(b, t[i].name);
            v &= ~t[i].val;
            any = true;
        }
    }
    if (v) {
        if (any)
            buf_put_u8(b, '|');
        buf_printf(b, "%#llx", (unsigned long long)v);
        any = true;
    }
    if (!any)
        puts_(b, zero ? zero : "0");
}

static void put_flags(struct buf *b, const struct named *t, size_t n, uint64_t v, const char *zero)
{
    put_flags_after(b, t, n, v, zero, false);
}

#define ENUM(b, t, v) put_enum(b, t, COUNT(t), v)
#define FLAGS(b, t, v, zero) put_flags(b, t, COUNT(t), v, zero)

static void put_ptr(struct buf *b, uint64_t p)
{
    if (p)
        buf_printf(b, "%#llx", (unsigned long long)p);
    else
        puts_(b, "NULL");
}

static bool is_error(int64_t ret) { return ret < 0 && ret >= -4095; }

const char *errno_name(int err)
{
    if (err > 0 && (size_t)err < COUNT(errnames) && errnames[err])
        return errnames[err];
    return lookup(kernel_errs, COUNT(kernel_errs), (uint64_t)err);
}

const char *signal_name(int sig)
{
    static __thread char tmp[24];
    if (sig > 0 && (size_t)sig < COUNT(signames) && signames[sig])
        return signames[sig];
    if (sig == 32)
        return "SIGRTMIN";
    if (sig > 32 && sig <= 64)
        snprintf(tmp, sizeof tmp, "SIGRT_%d", sig - 32);
    else
        snprintf(tmp, sizeof tmp, "SIG%d", sig);
    return tmp;
}

void format_cstring(struct buf *out, const uint8_t *s, size_t len, size_t max)
{
    size_t n = len < max ? len : max;
    buf_put_u8(out, '"');
    for (size_t i = 0; i < n; i++) {
        uint8_t c = s[i];
        switch (c) {
        case '"':  puts_(out, "\\\""); continue;
        case '\\': puts_(out, "\\\\"); continue;
        case '\n': puts_(out, "\\n"); continue;
        case '\t': puts_(out, "\\t"); continue;
        case '\r': puts_(out, "\\r"); continue;
        case '\v': puts_(out, "\\v"); continue;
        case '\f': puts_(out, "\\f"); continue;
        }
        if (c >= 0x20 && c < 0x7f) {
            buf_put_u8(out, c);
        } else if (i + 1 < n && s[i + 1] >= '0' && s[i + 1] <= '7') {
            /* a following digit would extend a short escape */
            buf_printf(out, "\\%03o", c);
        } else {
            buf_printf(out, "\\%o", c);
        }
    }
    buf_put_u8(out, '"');
    if (len > max)
        puts_(out, "...");
}

/* ---- reading tracee memory ---- */

struct fmt {
    struct buf *b;
    long nr;
    const uint64_t *a;
    int64_t ret;
    bool have_ret, ok;      /* ok: have_ret and the call succeeded */
    mem_read_fn rd;
    void *ctx;
};

/* Reads up to max bytes of a NUL-terminated string (without the NUL) into
 * dst; returns the length, or -1 if nothing is readable.  *more is set when
 * the string goes on past max (or past what is readable). */
static long read_cstr(struct fmt *f, uint64_t addr, uint8_t *dst, size_t max, bool *more)
{
    size_t len = 0;
    *more = false;
    for (;;) {
        uint8_t chunk[64];
        size_t n = 4096 - ((addr + len) & 4095);   /* do not cross a page */
        if (n > sizeof chunk)
            n = sizeof chunk;
        if (!f->rd(f->ctx, addr + len, chunk, n)) {
            /* recorded memory may end right after the NUL: one byte at a time */
            if (!f->rd(f->ctx, addr + len, chunk, 1)) {
                *more = len > 0;
                return len ? (long)len : -1;
            }
            n = 1;
        }
        for (size_t i = 0; i < n; i++) {
            if (!chunk[i])
                return (long)len;
            if (len == max) {
                *more = true;
                return (long)len;
            }
            dst[len++] = chunk[i];
        }
    }
}

static void put_cstr(struct fmt *f, uint64_t addr, size_t max)
{
    static __thread uint8_t s[PATHLEN_MAX];
    if (!addr) {
        puts_(f->b, "NULL");
        return;
    }
    bool more;
    long n = read_cstr(f, addr, s, max, &more);
    if (n < 0) {
        put_ptr(f->b, addr);
        return;
    }
    format_cstring(f->b, s, (size_t)n, max);
    if (more)
        puts_(f->b, "...");
}

/* A buffer of len bytes: the first STRLEN_MAX shown, "..." when longer. */
static void put_bytes(struct fmt *f, uint64_t addr, uint64_t len)
{
    uint8_t s[STRLEN_MAX];
    size_t n = len < STRLEN_MAX ? (size_t)len : STRLEN_MAX;
    if (addr && n == 0) {
        puts_(f->b, "\"\"");
        return;
    }
    if (!addr || !f->rd(f->ctx, addr, s, n)) {
        put_ptr(f->b, addr);
        return;
    }
    format_cstring(f->b, s, n, STRLEN_MAX);
    if (len > STRLEN_MAX)
        puts_(f->b, "...");
}

static bool read_mem(struct fmt *f, uint64_t addr, void *dst, size_t len)
{
    return addr && f->rd(f->ctx, addr, dst, len);
}

/* ---- structs worth decoding ---- */

static bool put_timespec(struct fmt *f, uint64_t addr, const char *sub)
{
    int64_t t[2];
    if (!read_mem(f, addr, t, sizeof t))
        return false;
    buf_printf(f->b, "{tv_sec=%lld, %s=%lld}", (long long)t[0], sub, (long long)t[1]);
    return true;
}

static bool put_stat(struct fmt *f, uint64_t addr)
{
    uint8_t st[144];
    if (!read_mem(f, addr, st, sizeof st))
        return false;
    uint32_t mode;
    uint64_t rdev;
    int64_t size;
    memcpy(&mode, st + 24, 4);
    memcpy(&rdev, st + 40, 8);
    memcpy(&size, st + 48, 8);
    puts_(f->b, "{st_mode=");
    const char *type = lookup(file_types, COUNT(file_types), mode & 0170000);
    puts_(f->b, type ? type : "0");
    put_flags_after(f->b, mode_bits, COUNT(mode_bits), mode & 07000, NULL, true);
    buf_printf(f->b, "|%#03o, ", mode & 0777);
    if ((mode & 0170000) == 020000 || (mode & 0170000) == 060000) {
        unsigned major = (unsigned)(((rdev >> 8) & 0xfff) | ((rdev >> 32) & ~0xfffu));
        unsigned minor = (unsigned)((rdev & 0xff) | ((rdev >> 12) & ~0xffu));
        buf_printf(f->b, "st_rdev=makedev(%#x, %#x), ...}", major, minor);
    } else {
        buf_printf(f->b, "st_size=%lld, ...}", (long long)size);
    }
    return true;
}

static bool put_fd_pair(struct fmt *f, uint64_t addr)
{
    int32_t fds[2];
    if (!read_mem(f, addr, fds, sizeof fds))
        return false;
    buf_printf(f->b, "[%d, %d]", fds[0], fds[1]);
    return true;
}

static bool put_wait_status(struct fmt *f, uint64_t addr)
{
    int32_t s;
    if (!read_mem(f, addr, &s, sizeof s))
        return false;
    if ((s & 0x7f) == 0)
        buf_printf(f->b, "[{WIFEXITED(s) && WEXITSTATUS(s) == %d}]", (s >> 8) & 0xff);
    else if ((s & 0xff) == 0x7f)
        buf_printf(f->b, "[{WIFSTOPPED(s) && WSTOPSIG(s) == %s}]", signal_name((s >> 8) & 0xff));
    else
        buf_printf(f->b, "[{WIFSIGNALED(s) && WTERMSIG(s) == %s%s}]", signal_name(s & 0x7f),
                (s & 0x80) ? " && WCOREDUMP(s)" : "");
    return true;
}

/* strace prints a mostly-full set as its complement: ~[KILL STOP]. */
static bool put_sigset(struct fmt *f, uint64_t addr, uint64_t size)
{
    uint64_t set = 0;
    if (size == 0 || size > 8 || !read_mem(f, addr, &set, (size_t)size))
        return false;
    bool invert = __builtin_popcountll(set) > (int)(size * 4);
    if (invert) {
        set = ~set;
        if (size < 8)
            set &= (1ull << (size * 8)) - 1;
        buf_put_u8(f->b, '~');
    }
    buf_put_u8(f->b, '[');
    bool first = true;
    for (int sig = 1; sig <= 64; sig++) {
        if (!(set & (1ull << (sig - 1))))
            continue;
        if (!first)
            buf_put_u8(f->b, ' ');
        first = false;
        const char *name = signal_name(sig);
        puts_(f->b, strncmp(name, "SIG", 3) == 0 ? name + 3 : name);
    }
    buf_put_u8(f->b, ']');
    return true;
}

/* [{iov_base="...", iov_len=5}, ...]; bytes is how much of the data to show
 * (the return value of a read, iov_len for a write). */
static bool put_iovec(struct fmt *f, uint64_t iov, uint64_t cnt, uint64_t bytes, bool show_data)
{
    uint64_t v[2];
    if (!read_mem(f, iov, v, sizeof v))
        return false;
    buf_put_u8(f->b, '[');
    for (uint64_t i = 0; i < cnt; i++) {
        if (i == IOV_SHOWN) {
            puts_(f->b, ", ...");
            break;
        }
        if (i && !read_mem(f, iov + i * 16, v, sizeof v)) {
            puts_(f->b, ", ...");
            break;
        }
        puts_(f->b, i ? ", {iov_base=" : "{iov_base=");
        uint64_t n = v[1] < bytes ? v[1] : bytes;
        if (show_data)
            put_bytes(f, v[0], n);
        else
            put_ptr(f->b, v[0]);
        bytes -= n;
        buf_printf(f->b, ", iov_len=%llu}", (unsigned long long)v[1]);
    }
    buf_put_u8(f->b, ']');
    return true;
}

static bool put_argv(struct fmt *f, uint64_t addr)
{
    uint64_t p;
    if (!read_mem(f, addr, &p, sizeof p))
        return false;
    buf_put_u8(f->b, '[');
    for (int i = 0; p; i++) {
        if (i == ARGV_SHOWN) {
            puts_(f->b, ", ...");
            break;
        }
        if (i)
            puts_(f->b, ", ");
        put_cstr(f, p, STRLEN_MAX);
        if (!read_mem(f, addr + 8 * (uint64_t)(i + 1), &p, sizeof p)) {
            puts_(f->b, ", ...");
            break;
        }
    }
    buf_put_u8(f->b, ']');
    return true;
}

/* Struct arguments decoded for particular calls; false to print the pointer. */
static bool put_struct(struct fmt *f, int i)
{
    const uint64_t *a = f->a;
    uint64_t p = a[i];
    if (!p)
        return false;
    switch (f->nr) {
    case __NR_stat: case __NR_fstat: case __NR_lstat: case __NR_newfstatat:
        return f->ok && put_stat(f, p);
    case __NR_clock_gettime: case __NR_clock_getres:
        return f->ok && put_timespec(f, p, "tv_nsec");
    case __NR_nanosleep: case __NR_clock_nanosleep:
        return i == (f->nr == __NR_nanosleep ? 0 : 2) && put_timespec(f, p, "tv_nsec");
    case __NR_gettimeofday:
        return i == 0 && f->ok && put_timespec(f, p, "tv_usec");
    case __NR_pipe: case __NR_pipe2: case __NR_socketpair:
        return f->ok && put_fd_pair(f, p);
    case __NR_wait4:
        return i == 1 && f->ok && f->ret > 0 && put_wait_status(f, p);
    case __NR_rt_sigprocmask:
        return (i == 1 || f->ok) && put_sigset(f, p, a[3]);
    case __NR_rt_sigsuspend: case __NR_rt_sigtimedwait:
        return i == 0 && put_sigset(f, p, f->nr == __NR_rt_sigsuspend ? a[1] : a[3]);
    case __NR_writev: case __NR_pwritev: case __NR_pwritev2:
        return put_iovec(f, p, a[2], UINT64_MAX, true);
    case __NR_readv: case __NR_preadv: case __NR_preadv2:
        return put_iovec(f, p, a[2], f->ok ? (uint64_t)f->ret : 0, f->ok);
    case __NR_execve:
        return i == 1 && put_argv(f, p);
    case __NR_execveat:
        return i == 2 && put_argv(f, p);
    }
    return false;
}

/* ---- arguments ---- */

static void put_open_flags(struct buf *b, uint64_t v)
{
    puts_(b, lookup(accmodes, COUNT(accmodes), v & 3));
    put_flags_after(b, open_flags, COUNT(open_flags), v & ~3ull, NULL, true);
}

static void put_arg(struct fmt *f, int i, int kind)
{
    struct buf *b = f->b;
    uint64_t v = f->a[i];
    switch (kind) {
    case A_INT:   buf_printf(b, "%d", (int)v); break;
    case A_FD:    buf_printf(b, "%d", (int)v); break;
    case A_UINT:  buf_printf(b, "%llu", (unsigned long long)v); break;
    case A_LONG:  buf_printf(b, "%lld", (long long)v); break;
    case A_HEX:   buf_printf(b, v ? "%#llx" : "%llu", (unsigned long long)v); break;
    case A_DIRFD:
        if ((int)v == -100)
            puts_(b, "AT_FDCWD");
        else
            buf_printf(b, "%d", (int)v);
        break;
    case A_PATH:  put_cstr(f, v, PATHLEN_MAX); break;
    case A_STR:   put_cstr(f, v, STRLEN_MAX); break;
    case A_BUF_IN:
        put_bytes(f, v, i + 1 < 6 ? f->a[i + 1] : 0);
        break;
    case A_BUF_OUT: {
        /* the size the call asked for follows the buffer */
        uint64_t len = f->ok ? (uint64_t)f->ret : 0;
        if (i + 1 < 6 && len > f->a[i + 1])
            len = f->a[i + 1];   /* recvfrom with MSG_TRUNC returns more */
        if (!f->ok || (i + 1 < 6 && f->a[i + 1] == 0 && f->nr != __NR_getcwd))
            put_ptr(b, v);       /* failed, or a size query (getxattr(..., 0)) */
        else if (f->nr == __NR_getcwd)
            put_cstr(f, v, PATHLEN_MAX);
        else
            put_bytes(f, v, len);
        break;
    }
    case A_OPEN_FLAGS:   put_open_flags(b, v); break;
    case A_OFLAGS:       FLAGS(b, open_flags, v, "0"); break;
    case A_MODE:         buf_printf(b, "%#03llo", (unsigned long long)v); break;
    case A_PROT:         FLAGS(b, prot_flags, v, "PROT_NONE"); break;
    case A_MAP_FLAGS: {
        const char *type = lookup(map_types, COUNT(map_types), v & 0xf);
        if (type)
            puts_(b, type);
        put_flags_after(b, map_flags, COUNT(map_flags), type ? v & ~0xfull : v, NULL, type != NULL);
        break;
    }
    case A_SIGNAL:
        if ((int)v == 0)
            puts_(b, "0");
        else
            puts_(b, signal_name((int)v));
        break;
    case A_SIGHOW:       ENUM(b, sighows, v); break;
    case A_CLOCK:        ENUM(b, clocks, v); break;
    case A_WHENCE:       ENUM(b, whences, v); break;
    case A_AT_FLAGS:
        if (f->nr == __NR_faccessat2)
            FLAGS(b, faccess_flags, v, "0");
        else
            FLAGS(b, at_flags, v, "0");
        break;
    case A_IOCTL_REQ: {
        const char *s = ioctl_name(v);
        if (s)
            puts_(b, s);
        else
            buf_printf(b, "%#x", (unsigned)v);
        break;
    }
    case A_FCNTL_CMD:    ENUM(b, fcntl_cmds, v); break;
    case A_SOCK_FAMILY:  ENUM(b, families, v); break;
    case A_SOCK_TYPE: {
        const char *type = lookup(sock_types, COUNT(sock_types), v & 0xf);
        if (type)
            puts_(b, type);
        put_flags_after(b, sock_flags, COUNT(sock_flags), type ? v & ~0xfull : v, NULL, type != NULL);
        break;
    }
    case A_MSG_FLAGS:    FLAGS(b, msg_flags, v, "0"); break;
    case A_MADV:         ENUM(b, madvs, v); break;
    case A_ACCESS_MODE:  FLAGS(b, access_modes, v, "F_OK"); break;
    case A_PRCTL_OPT:    ENUM(b, prctl_opts, v); break;
    case A_ARCH_PRCTL_CODE: ENUM(b, arch_prctl_codes, v); break;
    case A_FUTEX_OP: {
        const char *s = lookup(futex_cmds, COUNT(futex_cmds), v & 0x7f);
        if (s)
            buf_printf(b, "%s%s", s, (v & 128) ? "_PRIVATE" : "");
        else
            buf_printf(b, "%#llx", (unsigned long long)(v & 0x7f));
        if (v & 256)
            puts_(b, "|FUTEX_CLOCK_REALTIME");
        if (v & ~0x1ffull)
            buf_printf(b, "|%#llx", (unsigned long long)(v & ~0x1ffull));
        break;
    }
    case A_CLONE_FLAGS:   /* the low byte is the exit signal */
        if (v & ~0xffull || !v)
            FLAGS(b, clone_flags, v & ~0xffull, "0");
        if (v & 0xff)
            buf_printf(b, "%s%s", (v & ~0xffull) ? "|" : "", signal_name((int)(v & 0xff)));
        break;
    case A_WAIT_OPTS:    FLAGS(b, wait_opts, v, "0"); break;
    case A_EPOLL_OP:     ENUM(b, epoll_ops, v); break;
    case A_RLIMIT:       ENUM(b, rlimits, v); break;
    case A_STRUCT_IN:
    case A_STRUCT_OUT:
        if (!put_struct(f, i))
            put_ptr(b, v);
        break;
    case A_PTR:
    default:
        put_ptr(b, v);
        break;
    }
}

/* How many arguments strace shows: some exist only with certain flags. */
static int shown_args(long nr, const struct syscall_info *si, const uint64_t *a)
{
    switch (nr) {
    case __NR_open: case __NR_openat: {
        uint64_t flags = a[nr == __NR_open ? 1 : 2];
        bool has_mode = (flags & 0100 /* O_CREAT */) || (flags & 020000000) == 020000000;
        return has_mode ? si->nargs : si->nargs - 1;
    }
    case __NR_fcntl:
        switch ((int)a[1]) {
        case 1: case 3: case 9: case 11: case 1025: case 1032: case 1034: /* the getters */
            return 2;
        }
        return 3;
    case __NR_futex:
        switch ((int)a[1] & 0x7f) {
        case 1: case 7: case 8: return 3;   /* WAKE, UNLOCK_PI, TRYLOCK_PI */
        case 0: case 6: return 4;           /* WAIT, LOCK_PI */
        }
        return 6;
    }
    return si->nargs;
}

static void put_ret(struct fmt *f)
{
    struct buf *b = f->b;
    int64_t ret = f->ret;
    if (f->nr == __NR_exit || f->nr == __NR_exit_group) {
        puts_(b, " = ?");
        return;
    }
    if (is_error(ret)) {
        int err = (int)-ret;
        const char *name = errno_name(err);
        const char *restart = lookup(restart_texts, COUNT(restart_texts), (uint64_t)err);
        if (restart)
            buf_printf(b, " = ? %s (%s)", name, restart);
        else if (name)
            buf_printf(b, " = -1 %s (%s)", name, strerror(err));
        else
            buf_printf(b, " = -1 ERRNO_%d (%s)", err, strerror(err));
        return;
    }
    switch (f->nr) {
    case __NR_mmap: case __NR_mremap: case __NR_brk: case __NR_shmat:
        buf_printf(b, " = %#llx", (unsigned long long)ret);
        return;
    case __NR_umask:
        buf_printf(b, " = %#03llo", (unsigned long long)ret);
        return;
    case __NR_fcntl:
        if ((int)f->a[1] == 3) {  /* F_GETFL */
            buf_printf(b, " = %#llx (flags ", (unsigned long long)ret);
            put_open_flags(b, (uint64_t)ret);
            buf_put_u8(b, ')');
            return;
        }
        if ((int)f->a[1] == 1 && ret) {  /* F_GETFD */
            buf_printf(b, " = %#llx (flags %s)", (unsigned long long)ret, ret == 1 ? "FD_CLOEXEC" : "?");
            return;
        }
        break;
    }
    buf_printf(b, " = %lld", (long long)ret);
}

void syscall_format(struct buf *out, long nr, const uint64_t args[6], int64_t ret,
                    bool have_ret, mem_read_fn rd, void *ctx)
{
    const struct syscall_info *si = syscall_lookup(nr);
    struct fmt f = { out, nr, args, ret, have_ret, have_ret && !is_error(ret), rd, ctx };
    if (!si) {
        buf_printf(out, "syscall_%#lx(", (unsigned long)nr);
        for (int i = 0; i < 6; i++)
            buf_printf(out, "%s%#llx", i ? ", " : "", (unsigned long long)args[i]);
        buf_put_u8(out, ')');
    } else {
        puts_(out, si->name);
        buf_put_u8(out, '(');
        int n = shown_args(nr, si, args);
        for (int i = 0; i < n; i++) {
            if (i)
                puts_(out, ", ");
            put_arg(&f, i, si->arg[i]);
        }
        buf_put_u8(out, ')');
    }
    if (have_ret)
        put_ret(&f);
}
