/* outputs — which user memory a syscall writes (syscall_outputs) and which of
 * what it reads is worth keeping (syscall_inputs).
 *
 * The recorder saves exactly the regions syscall_outputs lists after each call
 * and the replayer writes them back instead of running the call, so a missing
 * region is a silent wrong replay.  The rule is therefore: be exact for the
 * calls listed here, and answer -1 ("cannot tell") for everything else so the
 * recorder falls back to page-level write tracking.  Listing a few bytes the
 * call did not change is harmless (they are saved and restored unchanged);
 * listing too few is not.
 *
 * Struct sizes are the x86-64 kernel ABI (checked with sizeof on this
 * architecture; see tests/unit/test_syscalls.c). */
#include "syscalls.h"
#include <errno.h>
#include <string.h>
#include <asm/unistd.h>

/* Newer than some installed headers. */
#ifndef __NR_futex_waitv
#define __NR_futex_waitv 449
#endif
#ifndef __NR_fchmodat2
#define __NR_fchmodat2 452
#endif
#ifndef __NR_futex_wake
#define __NR_futex_wake 454
#define __NR_futex_wait 455
#define __NR_futex_requeue 456
#endif
#ifndef __NR_mseal
#define __NR_mseal 462
#endif
#ifndef __NR_setxattrat
#define __NR_setxattrat 463
#define __NR_listxattrat 465
#define __NR_removexattrat 466
#endif

/* Kernel-internal errno values a tracer sees at syscall exit. */
#define ERESTARTSYS_ 512
#define ERESTARTNOINTR_ 513
#define ERESTARTNOHAND_ 514
#define ERESTART_RESTARTBLOCK_ 516

/* x86-64 kernel ABI sizes */
#define SZ_STAT 144
#define SZ_STATX 256
#define SZ_STATFS 120
#define SZ_TIMESPEC 16
#define SZ_TIMEVAL 16
#define SZ_TIMEZONE 8
#define SZ_ITIMER 32        /* struct itimerspec and struct itimerval */
#define SZ_UTSNAME 390
#define SZ_SYSINFO 112
#define SZ_RLIMIT 16
#define SZ_RUSAGE 144
#define SZ_TMS 32
#define SZ_KSIGACTION 32    /* handler, flags, restorer, 8-byte mask */
#define SZ_STACK 24
#define SZ_SIGINFO 128
#define SZ_FLOCK 32
#define SZ_EPOLL_EVENT 12   /* packed on x86-64 */
#define SZ_POLLFD 8
#define SZ_IOVEC 16
#define SZ_MSGHDR 56
#define SZ_MMSGHDR 64
#define SZ_SOCKADDR_MAX 128 /* struct sockaddr_storage */
#define SZ_MQ_ATTR 64

#define MAX_REGION_LEN (1ull << 30)
#define MAX_IOV 1024        /* UIO_MAXIOV: the kernel refuses more */

static bool is_error(int64_t ret) { return ret < 0 && ret >= -4095; }

static bool is_interrupted(int64_t ret)
{
    return ret == -EINTR || ret == -ERESTARTSYS_ || ret == -ERESTARTNOINTR_ ||
           ret == -ERESTARTNOHAND_ || ret == -ERESTART_RESTARTBLOCK_;
}

/* Region collector.  Overflow and absurd lengths are remembered and turned
 * into -1 at the end. */
struct outs {
    struct mem_region *out;
    int max, n;
    bool bad;
    bool noread;        /* coverage question only: store nothing, read nothing */
    mem_read_fn rd;
    void *ctx;
};

static void add(struct outs *o, uint64_t addr, uint64_t len)
{
    if (!addr || !len || o->noread)
        return;
    if (len > MAX_REGION_LEN || addr + len < addr || o->n >= o->max) {
        o->bad = true;
        return;
    }
    o->out[o->n].addr = addr;
    o->out[o->n].len = len;
    o->n++;
}

static bool rd_u32(struct outs *o, uint64_t addr, uint32_t *v)
{
    if (o->noread)
        return false;
    if (!o->rd(o->ctx, addr, v, sizeof *v)) {
        o->bad = true;
        return false;
    }
    return true;
}

static bool rd_u64(struct outs *o, uint64_t addr, uint64_t *v)
{
    if (o->noread)
        return false;
    if (!o->rd(o->ctx, addr, v, sizeof *v)) {
        o->bad = true;
        return false;
    }
    return true;
}

/* ret bytes written across an iovec array, in order (readv, recvmsg).  Bytes
 * beyond the buffers (recv with MSG_TRUNC reports the datagram's full size)
 * were not written and are not listed. */
static void add_iov(struct outs *o, uint64_t iov, uint64_t iovcnt, uint64_t bytes)
{
    if (iovcnt > MAX_IOV) {
        o->bad = true;
        return;
    }
    for (uint64_t i = 0; i < iovcnt && bytes > 0; i++) {
        uint64_t base, len;
        if (!rd_u64(o, iov + i * SZ_IOVEC, &base) || !rd_u64(o, iov + i * SZ_IOVEC + 8, &len))
            return;
        uint64_t n = len < bytes ? len : bytes;
        add(o, base, n);
        bytes -= n;
    }
}

/* A sockaddr the kernel stored with move_addr_to_user(): it writes
 * min(buffer size, address size) bytes and stores the address size in
 * *lenp.  Only the latter is known afterwards, so the address size is used
 * (capped at sockaddr_storage); the extra bytes, if any, are unchanged. */
static void add_sockaddr(struct outs *o, uint64_t addr, uint64_t lenp)
{
    if (!addr || !lenp)
        return;
    uint32_t len;
    if (!rd_u32(o, lenp, &len))
        return;
    add(o, lenp, 4);
    add(o, addr, len < SZ_SOCKADDR_MAX ? len : SZ_SOCKADDR_MAX);
}

static void add_recvmsg(struct outs *o, uint64_t msg, int64_t ret)
{
    uint64_t name, iov, iovlen, control, controllen;
    uint32_t namelen;
    if (!rd_u64(o, msg, &name) || !rd_u32(o, msg + 8, &namelen) || !rd_u64(o, msg + 16, &iov) ||
        !rd_u64(o, msg + 24, &iovlen) || !rd_u64(o, msg + 32, &control) ||
        !rd_u64(o, msg + 40, &controllen))
        return;
    add(o, msg, SZ_MSGHDR);   /* msg_namelen, msg_controllen, msg_flags are updated */
    if (name)
        add(o, name, namelen < SZ_SOCKADDR_MAX ? namelen : SZ_SOCKADDR_MAX);
    if (control)
        add(o, control, controllen);   /* the kernel stores how much it wrote */
    add_iov(o, iov, iovlen, (uint64_t)ret);
}

static void add_fdsets(struct outs *o, const uint64_t args[6])
{
    int nfds = (int)args[0];
    if (nfds <= 0)
        return;
    uint64_t bytes = ((uint64_t)nfds + 63) / 64 * 8;
    for (int i = 1; i <= 3; i++)
        add(o, args[i], bytes);
}

/* fcntl: most commands return a value; a few fill a struct. */
static bool fcntl_outputs(struct outs *o, const uint64_t a[6])
{
    switch ((int)a[1]) {
    case 5:  /* F_GETLK */
    case 36: /* F_OFD_GETLK */
        add(o, a[2], SZ_FLOCK);
        return true;
    case 16: /* F_GETOWN_EX: struct f_owner_ex */
    case 17: /* F_GETOWNER_UIDS: two uid_t */
    case 1035: /* F_GET_RW_HINT: u64 */
    case 1037: /* F_GET_FILE_RW_HINT */
        add(o, a[2], 8);
        return true;
    case 0: case 1: case 2: case 3: case 4:       /* DUPFD GETFD SETFD GETFL SETFL */
    case 6: case 7: case 8: case 9: case 10: case 11: /* SETLK SETLKW SETOWN GETOWN SETSIG GETSIG */
    case 15: case 37: case 38:                     /* SETOWN_EX OFD_SETLK OFD_SETLKW */
    case 1024: case 1025: case 1026: case 1027: case 1028: case 1029: /* leases, notify, queries, CANCELLK */
    case 1030: case 1031: case 1032: case 1033: case 1034: /* DUPFD_CLOEXEC, pipe size, seals */
    case 1036: case 1038:                          /* SET_RW_HINT, SET_FILE_RW_HINT */
        return true;
    default:
        return false;
    }
}

static bool prctl_outputs(struct outs *o, const uint64_t a[6])
{
    switch ((int)a[0]) {
    case 16: /* PR_GET_NAME */
        add(o, a[1], 16);
        return true;
    case 2:  /* PR_GET_PDEATHSIG */
    case 25: /* PR_GET_TSC */
    case 37: /* PR_GET_CHILD_SUBREAPER */
        add(o, a[1], 4);
        return true;
    case 40: /* PR_GET_TID_ADDRESS */
        add(o, a[1], 8);
        return true;
    /* setters, and getters that only return a value */
    case 1: case 3: case 4: case 6: case 7: case 8: case 10: case 12: case 13: case 14:
    case 15: case 20: case 21: case 22: case 23: case 24: case 26: case 27: case 28:
    case 29: case 30: case 31: case 32: case 33: case 34: case 36: case 38: case 39:
    case 41: case 42: case 45: case 46: case 47: case 52: case 53: case 55: case 56:
    case 57: case 58: case 65: case 66: case 67: case 68:
    case 0x53564d41: /* PR_SET_VMA */
        return true;
    default:         /* PR_SET_MM, PR_GET_AUXV, PR_SCHED_CORE...: -1 */
        return false;
    }
}

static bool arch_prctl_outputs(struct outs *o, const uint64_t a[6])
{
    switch ((int)a[0]) {
    case 0x1003: /* ARCH_GET_FS */
    case 0x1004: /* ARCH_GET_GS */
    case 0x1021: /* ARCH_GET_XCOMP_SUPP */
    case 0x1022: /* ARCH_GET_XCOMP_PERM */
    case 0x1024: /* ARCH_GET_XCOMP_GUEST_PERM */
    case 0x4001: /* ARCH_GET_UNTAG_MASK */
    case 0x4003: /* ARCH_GET_MAX_TAG_BITS */
    case 0x5005: /* ARCH_SHSTK_STATUS */
        add(o, a[1], 8);
        return true;
    case 0x1001: case 0x1002: /* ARCH_SET_GS, ARCH_SET_FS */
    case 0x1011: case 0x1012: /* ARCH_GET_CPUID (returns it), ARCH_SET_CPUID */
    case 0x1023: case 0x1025: /* ARCH_REQ_XCOMP_PERM, ..._GUEST_PERM */
    case 0x4002: case 0x4004: /* ARCH_ENABLE_TAGGED_ADDR, ARCH_FORCE_TAGGED_SVA */
        return true;
    default:     /* ARCH_MAP_VDSO_*, shadow stack control...: -1 */
        return false;
    }
}

/* futex: waits and wakes write nothing; the PI operations and WAKE_OP change
 * the futex word itself, even when they fail (LOCK_PI sets FUTEX_WAITERS and
 * may then time out), so the word is listed whatever the result. */
static bool futex_outputs(struct outs *o, const uint64_t a[6])
{
    switch ((int)a[1] & 0x7f) {   /* without FUTEX_PRIVATE_FLAG, FUTEX_CLOCK_REALTIME */
    case 0: case 1: case 3: case 4: case 9: case 10: /* WAIT WAKE REQUEUE CMP_REQUEUE WAIT_BITSET WAKE_BITSET */
        return true;
    case 5:  /* FUTEX_WAKE_OP modifies *uaddr2 */
        add(o, a[4], 4);
        return true;
    case 6: case 7: case 8: case 13: /* LOCK_PI UNLOCK_PI TRYLOCK_PI LOCK_PI2 */
        add(o, a[0], 4);
        return true;
    default: /* FUTEX_FD (gone), the requeue-PI pair */
        return false;
    }
}

/* Calls that can write memory although they fail.  Returns true when nr is
 * one of them (with its regions added), false when a failed nr wrote nothing. */
static bool outputs_on_error(struct outs *o, long nr, const uint64_t a[6], int64_t ret)
{
    switch (nr) {
    case __NR_nanosleep:  /* rem is written when interrupted */
        if (ret == -EINTR || ret == -ERESTART_RESTARTBLOCK_)
            add(o, a[1], SZ_TIMESPEC);
        return true;
    case __NR_clock_nanosleep:
        if ((ret == -EINTR || ret == -ERESTART_RESTARTBLOCK_) && !(a[1] & 1 /* TIMER_ABSTIME */))
            add(o, a[3], SZ_TIMESPEC);
        return true;
    case __NR_poll:       /* revents are stored before the signal is noticed */
    case __NR_ppoll:
        if (is_interrupted(ret))
            add(o, a[0], (uint64_t)(uint32_t)a[1] * SZ_POLLFD);
        if (nr == __NR_ppoll) /* the remaining time is stored on every return */
            add(o, a[2], SZ_TIMESPEC);
        return true;
    case __NR_select:     /* so is select's; the fd sets are not */
        add(o, a[4], SZ_TIMEVAL);
        return true;
    case __NR_pselect6:
        add(o, a[4], SZ_TIMESPEC);
        return true;
    case __NR_sendfile:   /* the offset is stored back whatever happened */
        add(o, a[2], 8);
        return true;
    case __NR_splice:     /* older kernels store the offsets on failure too */
        if (ret != -EBADF && ret != -ESPIPE && ret != -EINVAL) {
            add(o, a[1], 8);
            add(o, a[3], 8);
        }
        return true;
    case __NR_getsockopt: /* some options store the needed length with ERANGE */
        if (ret == -ERANGE)
            add(o, a[4], 4);
        return true;
    case __NR_sched_setattr:  /* E2BIG stores the supported size in attr->size */
        if (ret == -E2BIG)
            add(o, a[1], 4);
        return true;
    case __NR_perf_event_open: /* ... and so does perf_event_attr's (after type) */
        if (ret == -E2BIG)
            add(o, a[0] + 4, 4);
        return true;
    default:
        return false;
    }
}

static bool outputs(struct outs *o, long nr, const uint64_t a[6], int64_t ret)
{
    uint64_t r = (uint64_t)ret;

    switch (nr) {
    /* reads into one buffer: ret bytes */
    case __NR_read: case __NR_pread64:
        add(o, a[1], r);
        return true;
    case __NR_readv: case __NR_preadv: case __NR_preadv2:
        add_iov(o, a[1], a[2], r);
        return true;
    case __NR_getdents: case __NR_getdents64:
        add(o, a[1], r);
        return true;
    case __NR_readlink:
        add(o, a[1], r);
        return true;
    case __NR_readlinkat:
        add(o, a[2], r);
        return true;
    case __NR_getcwd:      /* returns the length including the NUL */
    case __NR_getrandom:
        add(o, a[0], r);
        return true;
    case __NR_getxattr: case __NR_lgetxattr: case __NR_fgetxattr:
        if (a[3])         /* size 0 asks for the size only */
            add(o, a[2], r);
        return true;
    case __NR_listxattr: case __NR_llistxattr: case __NR_flistxattr:
        if (a[2])
            add(o, a[1], r);
        return true;
    case __NR_listxattrat:
        if (a[4])
            add(o, a[3], r);
        return true;
    case __NR_msgrcv:      /* long mtype, then ret bytes of mtext */
        add(o, a[1], 8 + r);
        return true;
    case __NR_mq_timedreceive:
        add(o, a[1], r);
        add(o, a[3], 4);
        return true;
    case __NR_mq_getsetattr:
        add(o, a[2], SZ_MQ_ATTR);
        return true;

    /* file metadata */
    case __NR_stat: case __NR_fstat: case __NR_lstat:
        add(o, a[1], SZ_STAT);
        return true;
    case __NR_newfstatat:
        add(o, a[2], SZ_STAT);
        return true;
    case __NR_statx:
        add(o, a[4], SZ_STATX);
        return true;
    case __NR_statfs: case __NR_fstatfs:
        add(o, a[1], SZ_STATFS);
        return true;

    case __NR_fcntl:
        return fcntl_outputs(o, a);
    case __NR_ioctl: {
        int n = ioctl_output_size(a[1]);
        if (n < 0)
            return false;
        add(o, a[2], (uint64_t)n);
        return true;
    }

    /* fd pairs */
    case __NR_pipe: case __NR_pipe2:
        add(o, a[0], 8);
        return true;
    case __NR_socketpair:
        add(o, a[3], 8);
        return true;

    /* sockets */
    case __NR_accept: case __NR_accept4: case __NR_getsockname: case __NR_getpeername:
        add_sockaddr(o, a[1], a[2]);
        return true;
    case __NR_recvfrom: {
        uint64_t n = r < a[2] ? r : a[2];   /* MSG_TRUNC reports the full datagram */
        add(o, a[1], n);
        add_sockaddr(o, a[4], a[5]);
        return true;
    }
    case __NR_recvmsg:
        add_recvmsg(o, a[1], ret);
        return true;
    case __NR_getsockopt: {
        uint32_t len;
        if (a[3] && a[4] && rd_u32(o, a[4], &len))
            add(o, a[3], len);
        add(o, a[4], 4);
        return true;
    }
    case __NR_sendmmsg:    /* msg_len of each sent message is stored */
        add(o, a[1], r * SZ_MMSGHDR);
        return true;

    /* waiting for fds */
    case __NR_poll: case __NR_ppoll:
        add(o, a[0], (uint64_t)(uint32_t)a[1] * SZ_POLLFD);
        if (nr == __NR_ppoll)
            add(o, a[2], SZ_TIMESPEC);
        return true;
    case __NR_select:
        add_fdsets(o, a);
        add(o, a[4], SZ_TIMEVAL);
        return true;
    case __NR_pselect6:
        add_fdsets(o, a);
        add(o, a[4], SZ_TIMESPEC);
        return true;
    case __NR_epoll_wait: case __NR_epoll_pwait: case __NR_epoll_pwait2:
        add(o, a[1], r * SZ_EPOLL_EVENT);
        return true;

    /* time */
    case __NR_clock_gettime: case __NR_clock_getres:
        add(o, a[1], SZ_TIMESPEC);
        return true;
    case __NR_gettimeofday:
        add(o, a[0], SZ_TIMEVAL);
        add(o, a[1], SZ_TIMEZONE);
        return true;
    case __NR_time:
        add(o, a[0], 8);
        return true;
    case __NR_nanosleep: case __NR_clock_nanosleep:
        return true;      /* rem only when interrupted: see outputs_on_error */
    case __NR_getitimer:
        add(o, a[1], SZ_ITIMER);
        return true;
    case __NR_setitimer:
        add(o, a[2], SZ_ITIMER);
        return true;
    case __NR_timer_create:    /* the kernel's timer_t is an int */
        add(o, a[2], 4);
        return true;
    case __NR_timer_gettime: case __NR_timerfd_gettime:
        add(o, a[1], SZ_ITIMER);
        return true;
    case __NR_timer_settime: case __NR_timerfd_settime:
        add(o, a[3], SZ_ITIMER);
        return true;
    case __NR_times:
        add(o, a[0], SZ_TMS);
        return true;

    /* process and system information */
    case __NR_uname:
        add(o, a[0], SZ_UTSNAME);
        return true;
    case __NR_sysinfo:
        add(o, a[0], SZ_SYSINFO);
        return true;
    case __NR_getrlimit:
        add(o, a[1], SZ_RLIMIT);
        return true;
    case __NR_prlimit64:
        add(o, a[3], SZ_RLIMIT);
        return true;
    case __NR_getrusage:
        add(o, a[1], SZ_RUSAGE);
        return true;
    case __NR_getresuid: case __NR_getresgid:
        add(o, a[0], 4);
        add(o, a[1], 4);
        add(o, a[2], 4);
        return true;
    case __NR_getgroups:
        if ((int)a[0] > 0)    /* size 0 asks for the count only */
            add(o, a[1], r * 4);
        return true;
    case __NR_sched_getaffinity:
        add(o, a[2], r);
        return true;
    case __NR_sched_getparam:
        add(o, a[1], 4);
        return true;
    case __NR_sched_rr_get_interval:
        add(o, a[1], SZ_TIMESPEC);
        return true;
    case __NR_getcpu:
        add(o, a[0], 4);
        add(o, a[1], 4);
        return true;
    case __NR_mincore:
        add(o, a[2], (a[1] + 4095) / 4096);
        return true;
    case __NR_get_robust_list:
        add(o, a[1], 8);
        add(o, a[2], 8);
        return true;

    /* signals */
    case __NR_rt_sigaction:
        add(o, a[2], SZ_KSIGACTION);
        return true;
    case __NR_rt_sigprocmask:
        add(o, a[2], a[3]);
        return true;
    case __NR_rt_sigpending:
        add(o, a[0], a[1]);
        return true;
    case __NR_sigaltstack:
        add(o, a[1], SZ_STACK);
        return true;
    case __NR_rt_sigtimedwait:
        if (ret > 0)
            add(o, a[1], SZ_SIGINFO);
        return true;

    /* children */
    case __NR_wait4:
        if (ret > 0) {    /* 0 is WNOHANG with nothing to report */
            add(o, a[1], 4);
            add(o, a[3], SZ_RUSAGE);
        }
        return true;
    case __NR_waitid: {
        /* With WNOHANG and nothing to report the siginfo is zeroed and the
         * rusage left alone; si_signo tells which happened. */
        uint32_t signo = 17; /* SIGCHLD: assume a child was reported */
        add(o, a[2], SZ_SIGINFO);
        if (a[2] && a[4])
            rd_u32(o, a[2], &signo);
        if (signo)
            add(o, a[4], SZ_RUSAGE);
        return true;
    }
    case __NR_clone:       /* (flags, stack, parent_tid, child_tid, tls) */
        if (a[0] & (0x00100000 /* CLONE_PARENT_SETTID */ | 0x1000 /* CLONE_PIDFD */))
            add(o, a[2], 4);
        return true;

    case __NR_prctl:
        return prctl_outputs(o, a);
    case __NR_arch_prctl:
        return arch_prctl_outputs(o, a);
    case __NR_futex:
        return futex_outputs(o, a);

    /* offsets stored back */
    case __NR_sendfile:
        add(o, a[2], 8);
        return true;
    case __NR_copy_file_range: case __NR_splice:
        add(o, a[1], 8);
        add(o, a[3], 8);
        return true;

    /* Calls that write no user memory.  The address-space calls (SC_MEM) are
     * replayed for real; execve and exit never come back. */
    case __NR_write: case __NR_pwrite64: case __NR_writev: case __NR_pwritev: case __NR_pwritev2:
    case __NR_sendto: case __NR_sendmsg:
    case __NR_open: case __NR_openat: case __NR_openat2: case __NR_creat:
    case __NR_close: case __NR_close_range:
    case __NR_lseek: case __NR_dup: case __NR_dup2: case __NR_dup3:
    case __NR_socket: case __NR_bind: case __NR_connect: case __NR_listen: case __NR_shutdown:
    case __NR_setsockopt:
    case __NR_epoll_create: case __NR_epoll_create1: case __NR_epoll_ctl:
    case __NR_mmap: case __NR_munmap: case __NR_mprotect: case __NR_mremap: case __NR_brk:
    case __NR_madvise: case __NR_msync: case __NR_mlock: case __NR_munlock: case __NR_mlockall:
    case __NR_munlockall: case __NR_mlock2: case __NR_pkey_mprotect: case __NR_remap_file_pages:
    case __NR_mseal:
    case __NR_access: case __NR_faccessat: case __NR_faccessat2:
    case __NR_chdir: case __NR_fchdir: case __NR_chroot:
    case __NR_mkdir: case __NR_mkdirat: case __NR_rmdir: case __NR_mknod: case __NR_mknodat:
    case __NR_unlink: case __NR_unlinkat: case __NR_rename: case __NR_renameat: case __NR_renameat2:
    case __NR_link: case __NR_linkat: case __NR_symlink: case __NR_symlinkat:
    case __NR_chmod: case __NR_fchmod: case __NR_fchmodat: case __NR_fchmodat2:
    case __NR_chown: case __NR_fchown: case __NR_lchown: case __NR_fchownat:
    case __NR_truncate: case __NR_ftruncate: case __NR_fallocate: case __NR_fadvise64:
    case __NR_readahead: case __NR_sync_file_range:
    case __NR_fsync: case __NR_fdatasync: case __NR_sync: case __NR_syncfs:
    case __NR_utime: case __NR_utimes: case __NR_futimesat: case __NR_utimensat:
    case __NR_umask: case __NR_flock:
    case __NR_setxattr: case __NR_lsetxattr: case __NR_fsetxattr: case __NR_setxattrat:
    case __NR_removexattr: case __NR_lremovexattr: case __NR_fremovexattr: case __NR_removexattrat:
    case __NR_getpid: case __NR_gettid: case __NR_getppid: case __NR_getpgrp:
    case __NR_getuid: case __NR_geteuid: case __NR_getgid: case __NR_getegid:
    case __NR_setuid: case __NR_setgid: case __NR_setreuid: case __NR_setregid:
    case __NR_setresuid: case __NR_setresgid: case __NR_setfsuid: case __NR_setfsgid:
    case __NR_setgroups: case __NR_setpgid: case __NR_getpgid: case __NR_setsid: case __NR_getsid:
    case __NR_getpriority: case __NR_setpriority: case __NR_setrlimit:
    case __NR_sched_yield: case __NR_sched_setparam: case __NR_sched_setscheduler:
    case __NR_sched_getscheduler: case __NR_sched_get_priority_max:
    case __NR_sched_get_priority_min: case __NR_sched_setaffinity: case __NR_sched_setattr:
    case __NR_kill: case __NR_tkill: case __NR_tgkill: case __NR_rt_sigqueueinfo:
    case __NR_rt_tgsigqueueinfo: case __NR_pidfd_send_signal:
    case __NR_rt_sigreturn: case __NR_rt_sigsuspend: case __NR_pause: case __NR_alarm:
    case __NR_exit: case __NR_exit_group: case __NR_execve: case __NR_execveat:
    case __NR_fork: case __NR_vfork:
    case __NR_set_tid_address: case __NR_set_robust_list:
    case __NR_rseq: case __NR_io_uring_setup: case __NR_io_uring_enter: case __NR_io_uring_register:
    case __NR_futex_waitv: case __NR_futex_wake: case __NR_futex_wait: case __NR_futex_requeue:
    case __NR_eventfd: case __NR_eventfd2: case __NR_signalfd: case __NR_signalfd4:
    case __NR_timerfd_create: case __NR_timer_getoverrun: case __NR_timer_delete:
    case __NR_clock_settime: case __NR_settimeofday:
    case __NR_inotify_init: case __NR_inotify_init1: case __NR_inotify_add_watch:
    case __NR_inotify_rm_watch: case __NR_fanotify_init: case __NR_fanotify_mark:
    case __NR_memfd_create: case __NR_pidfd_open: case __NR_pidfd_getfd: case __NR_tee:
    case __NR_membarrier: case __NR_pkey_alloc: case __NR_pkey_free:
    case __NR_ioprio_set: case __NR_ioprio_get: case __NR_personality:
    case __NR_set_mempolicy: case __NR_mbind: case __NR_set_mempolicy_home_node:
    case __NR_unshare: case __NR_setns: case __NR_kcmp:
    case __NR_shmget: case __NR_shmat: case __NR_shmdt: case __NR_semget: case __NR_semop:
    case __NR_semtimedop: case __NR_msgget: case __NR_msgsnd:
    case __NR_mq_open: case __NR_mq_unlink: case __NR_mq_timedsend: case __NR_mq_notify:
    case __NR_sethostname: case __NR_setdomainname:
        return true;

    default:              /* not covered: the recorder tracks written pages */
        return false;
    }
}

int syscall_outputs(long nr, const uint64_t args[6], int64_t ret,
                    mem_read_fn rd, void *ctx, struct mem_region *out, int max)
{
    struct outs o = { out, max, 0, false, false, rd, ctx };
    struct outs probe = { NULL, 0, 0, false, true, NULL, NULL };
    bool covered = outputs(&probe, nr, args, 0);

    if (max <= 0)         /* the coverage probe */
        return covered ? 0 : -1;
    if (!covered)
        return -1;
    if (is_error(ret)) {
        if (ret == -EFAULT)
            return -1;    /* a buffer may be half written */
        /* futex PI operations change the futex word even when they fail */
        if (nr == __NR_futex)
            outputs(&o, nr, args, ret);
        else
            outputs_on_error(&o, nr, args, ret);
        return o.bad ? -1 : o.n;
    }
    if (!outputs(&o, nr, args, ret) || o.bad)
        return -1;
    return o.n;
}

/* ---- inputs ---- */

#define INPUT_STR_MAX 4096
#define INPUT_BUF_MAX 64
#define INPUT_IOV_MAX 8

/* Length of the NUL-terminated string at addr including its NUL, capped at
 * INPUT_STR_MAX; 0 when unreadable.  Reads in small pieces that do not cross a
 * page, so a string ending just before an unmapped page is still found. */
static uint64_t cstring_len(mem_read_fn rd, void *ctx, uint64_t addr)
{
    uint8_t chunk[64];
    uint64_t len = 0;
    while (len < INPUT_STR_MAX) {
        uint64_t a = addr + len;
        uint64_t n = 4096 - (a & 4095);
        if (n > sizeof chunk)
            n = sizeof chunk;
        if (n > INPUT_STR_MAX - len)
            n = INPUT_STR_MAX - len;
        if (rd(ctx, a, chunk, n)) {
            const uint8_t *z = memchr(chunk, 0, n);
            if (z)
                return len + (uint64_t)(z - chunk) + 1;
            len += n;
            continue;
        }
        /* A reader backed by recorded pieces may hold less than a chunk:
         * go byte by byte and keep what is readable. */
        for (uint64_t i = 0; i < n; i++) {
            if (!rd(ctx, a + i, chunk, 1))
                return len + i;
            if (chunk[0] == 0)
                return len + i + 1;
        }
        len += n;
    }
    return len;
}

int syscall_inputs(long nr, const uint64_t args[6],
                   mem_read_fn rd, void *ctx, struct mem_region *out, int max)
{
    int n = 0;
    const struct syscall_info *si = syscall_lookup(nr);
    if (!si)
        return 0;
    for (int i = 0; i < si->nargs && n < max; i++) {
        if ((si->arg[i] != A_PATH && si->arg[i] != A_STR) || !args[i])
            continue;
        uint64_t len = cstring_len(rd, ctx, args[i]);
        if (len) {
            out[n].addr = args[i];
            out[n].len = len;
            n++;
        }
    }

    switch (nr) {
    case __NR_write: case __NR_pwrite64: case __NR_sendto:
        if (n < max && args[1] && args[2]) {
            out[n].addr = args[1];
            out[n].len = args[2] < INPUT_BUF_MAX ? args[2] : INPUT_BUF_MAX;
            n++;
        }
        break;
    case __NR_writev: case __NR_pwritev: case __NR_pwritev2: {
        uint64_t cnt = args[2] < INPUT_IOV_MAX ? args[2] : INPUT_IOV_MAX;
        if (n >= max || !args[1] || cnt == 0)
            break;
        out[n].addr = args[1];
        out[n].len = cnt * SZ_IOVEC;
        n++;
        for (uint64_t i = 0; i < cnt && n < max; i++) {
            uint64_t iov[2];
            if (!rd(ctx, args[1] + i * SZ_IOVEC, iov, sizeof iov))
                break;
            if (iov[0] && iov[1]) {
                out[n].addr = iov[0];
                out[n].len = iov[1] < INPUT_BUF_MAX ? iov[1] : INPUT_BUF_MAX;
                n++;
                break;
            }
        }
        break;
    }
    }
    return n;
}
