/* Unit test for src/syscalls: the table, syscall_outputs/syscall_inputs and
 * syscall_format, against a fake tracee memory (a small array that pretends to
 * live at FAKE_BASE).  Prints one line per check; exits 1 if any failed.
 *
 *   cc -std=gnu17 -D_GNU_SOURCE -Isrc -Wall -Wextra -Werror tests/unit/test_syscalls.c \
 *      src/util/util.c src/syscalls/\*.c && ./a.out
 */
#include "syscalls/syscalls.h"
#include <asm/unistd.h>
#include <asm/termbits.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/statfs.h>
#include <sys/sysinfo.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <time.h>

static int failures, checks;

static void check(bool ok, const char *what)
{
    checks++;
    if (!ok)
        failures++;
    printf("%s - %s\n", ok ? "ok" : "FAIL", what);
}

static void check_str(const char *got, const char *want, const char *what)
{
    bool ok = got && strcmp(got, want) == 0;
    check(ok, what);
    if (!ok)
        printf("    got:  %s\n    want: %s\n", got ? got : "(null)", want);
}

static void check_int(long long got, long long want, const char *what)
{
    check(got == want, what);
    if (got != want)
        printf("    got %lld, want %lld\n", got, want);
}

/* ---- fake tracee memory ---- */

#define FAKE_BASE 0x7ffd00000000ull
#define FAKE_SIZE 65536
static uint8_t fake[FAKE_SIZE];
static size_t fake_used;

static bool fake_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
    (void)ctx;
    if (addr < FAKE_BASE || addr - FAKE_BASE > FAKE_SIZE || len > FAKE_SIZE - (addr - FAKE_BASE))
        return false;
    memcpy(buf, fake + (addr - FAKE_BASE), len);
    return true;
}

/* Copies p into fake memory (16-byte aligned); returns its tracee address. */
static uint64_t put(const void *p, size_t len)
{
    fake_used = (fake_used + 15) & ~(size_t)15;
    if (fake_used + len > FAKE_SIZE - 4096) {   /* keep the last page for edge tests */
        fprintf(stderr, "fake memory full\n");
        exit(2);
    }
    uint64_t addr = FAKE_BASE + fake_used;
    memcpy(fake + fake_used, p, len);
    fake_used += len;
    return addr;
}

static uint64_t put_str(const char *s) { return put(s, strlen(s) + 1); }

static uint64_t zeros(size_t len)
{
    static const uint8_t z[4096];
    return put(z, len);
}

/* ---- helpers around the API ---- */

static struct mem_region regs[64];

static int outs(long nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
                uint64_t a5, int64_t ret)
{
    const uint64_t args[6] = { a0, a1, a2, a3, a4, a5 };
    memset(regs, 0, sizeof regs);
    return syscall_outputs(nr, args, ret, fake_read, NULL, regs, 64);
}

static bool region(int i, uint64_t addr, uint64_t len)
{
    return regs[i].addr == addr && regs[i].len == len;
}

static char fmtbuf[4096];

static const char *fmt(long nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
                       uint64_t a5, int64_t ret, bool have_ret)
{
    const uint64_t args[6] = { a0, a1, a2, a3, a4, a5 };
    struct buf b = { 0 };
    syscall_format(&b, nr, args, ret, have_ret, fake_read, NULL);
    snprintf(fmtbuf, sizeof fmtbuf, "%.*s", (int)b.len, (const char *)b.data);
    buf_free(&b);
    return fmtbuf;
}

static const char *hex(uint64_t v)
{
    static char s[8][32];
    static int k;
    k = (k + 1) % 8;
    snprintf(s[k], sizeof s[k], "%#llx", (unsigned long long)v);
    return s[k];
}

/* ---- table ---- */

static void test_table(void)
{
    bool unique = true, nargs_ok = true, kinds_ok = true;
    long known = 0;
    for (long i = 0; i < syscall_table_size(); i++) {
        const struct syscall_info *si = syscall_lookup(i);
        if (!si)
            continue;
        known++;
        if (syscall_number(si->name) != i) {
            unique = false;
            printf("    duplicate name %s (%ld)\n", si->name, i);
        }
        if (si->nargs > 6)
            nargs_ok = false;
        for (int k = 0; k < si->nargs; k++)
            if (si->arg[k] == A_NONE || si->arg[k] >= A_KIND_MAX)
                kinds_ok = false;
    }
    check(unique, "table: names are unique");
    check(nargs_ok, "table: every nargs <= 6");
    check(kinds_ok, "table: every argument has a valid kind");
    check(known > 360, "table: covers the x86-64 syscalls");
    check_int(syscall_number("openat"), 257, "syscall_number(\"openat\") == 257");
    check_int(syscall_number("no_such_call"), -1, "syscall_number of an unknown name is -1");
    check_str(syscall_name(59), "execve", "syscall_name(59) == execve");
    check_str(syscall_name(400), "syscall_400", "syscall_name of an unassigned number");
    check(syscall_lookup(-1) == NULL && syscall_lookup(100000) == NULL, "lookup out of range is NULL");

    /* numbers agree with the kernel headers */
    static const struct { long nr; const char *name; } nrs[] = {
        { __NR_read, "read" }, { __NR_write, "write" }, { __NR_mmap, "mmap" },
        { __NR_rt_sigreturn, "rt_sigreturn" }, { __NR_clone, "clone" }, { __NR_exit_group, "exit_group" },
        { __NR_newfstatat, "newfstatat" }, { __NR_pselect6, "pselect6" }, { __NR_statx, "statx" },
        { __NR_rseq, "rseq" }, { __NR_clone3, "clone3" }, { __NR_epoll_pwait2, "epoll_pwait2" },
        { __NR_futex_waitv, "futex_waitv" }, { __NR_set_mempolicy_home_node, "set_mempolicy_home_node" },
    };
    bool nr_ok = true;
    for (size_t i = 0; i < sizeof nrs / sizeof nrs[0]; i++)
        if (syscall_number(nrs[i].name) != nrs[i].nr)
            nr_ok = false;
    check(nr_ok, "table: numbers match <asm/unistd.h>");

    const struct { const char *name; uint32_t cls; } classes[] = {
        { "mmap", SC_MEM }, { "mseal", SC_MEM }, { "shmdt", SC_MEM }, { "rt_sigaction", SC_SIGSTATE },
        { "rt_sigreturn", SC_SIGSTATE | SC_NORETURN }, { "arch_prctl", SC_TASKSTATE },
        { "set_robust_list", SC_TASKSTATE }, { "clone3", SC_PROCESS }, { "execveat", SC_PROCESS | SC_NORETURN },
        { "exit_group", SC_PROCESS | SC_NORETURN }, { "rseq", SC_REFUSE }, { "io_uring_enter", SC_REFUSE },
        { "tgkill", SC_SELFSIGNAL }, { "rt_tgsigqueueinfo", SC_SELFSIGNAL }, { "read", SC_BLOCKING },
        { "futex", SC_BLOCKING }, { "wait4", SC_BLOCKING }, { "dup3", SC_FD_DUP },
        { "pwritev2", SC_WRITE | SC_BLOCKING }, { "close_range", SC_CLOSE }, { "rt_sigsuspend", SC_SIGSTATE | SC_BLOCKING },
    };
    bool cls_ok = true;
    for (size_t i = 0; i < sizeof classes / sizeof classes[0]; i++) {
        const struct syscall_info *si = syscall_lookup(syscall_number(classes[i].name));
        if (!si || (si->cls & classes[i].cls) != classes[i].cls) {
            cls_ok = false;
            printf("    class of %s\n", classes[i].name);
        }
    }
    check(cls_ok, "table: classes of the calls replay must run or refuse");
    check(syscall_lookup(__NR_getpid)->cls == 0, "table: getpid has no class");
    check(syscall_lookup(__NR_openat)->nargs == 4 && syscall_lookup(__NR_getpid)->nargs == 0,
          "table: nargs counted from the kinds");
}

/* ---- outputs ---- */

static void test_outputs_basic(void)
{
    uint64_t buf = zeros(4096);
    check_int(outs(__NR_read, 3, buf, 4096, 0, 0, 0, 100), 1, "read: one region");
    check(region(0, buf, 100), "read: ret bytes at buf");
    check_int(outs(__NR_read, 3, buf, 4096, 0, 0, 0, 0), 0, "read: EOF writes nothing");
    check_int(outs(__NR_read, 3, buf, 4096, 0, 0, 0, -EAGAIN), 0, "read: failure writes nothing");
    check_int(outs(__NR_read, 3, buf, 4096, 0, 0, 0, -EFAULT), -1, "read: EFAULT cannot tell");
    check_int(outs(__NR_pread64, 3, buf, 4096, 10, 0, 0, 7), 1, "pread64: one region");
    check_int(outs(__NR_write, 1, buf, 10, 0, 0, 0, 10), 0, "write: no outputs");
    check_int(outs(__NR_openat, (uint64_t)-100, buf, 0, 0, 0, 0, 3), 0, "openat: no outputs");
    check_int(outs(__NR_getdents64, 3, buf, 4096, 0, 0, 0, 312), 1, "getdents64: one region");
    check(region(0, buf, 312), "getdents64: ret bytes");
    check_int(outs(__NR_readlinkat, (uint64_t)-100, buf, buf + 100, 50, 0, 0, 9), 1, "readlinkat: one region");
    check(region(0, buf + 100, 9), "readlinkat: ret bytes at the third argument");
    check_int(outs(__NR_getcwd, buf, 4096, 0, 0, 0, 0, 6), 1, "getcwd: ret bytes");
    check_int(outs(__NR_getxattr, buf, buf, 0, 0, 0, 0, 20), 0, "getxattr: size 0 writes nothing");

    /* struct sizes match the ABI */
    outs(__NR_fstat, 3, buf, 0, 0, 0, 0, 0);
    check(region(0, buf, sizeof(struct stat)), "fstat: struct stat (144)");
    outs(__NR_newfstatat, (uint64_t)-100, buf, buf + 200, 0, 0, 0, 0);
    check(region(0, buf + 200, sizeof(struct stat)), "newfstatat: struct stat at the third argument");
    outs(__NR_statx, (uint64_t)-100, buf, 0, 0x7ff, buf + 8, 0, 0);
    check(region(0, buf + 8, sizeof(struct statx)), "statx: struct statx (256)");
    outs(__NR_fstatfs, 3, buf, 0, 0, 0, 0, 0);
    check(region(0, buf, sizeof(struct statfs)), "fstatfs: struct statfs (120)");
    outs(__NR_uname, buf, 0, 0, 0, 0, 0, 0);
    check(region(0, buf, sizeof(struct utsname)), "uname: struct utsname (390)");
    outs(__NR_sysinfo, buf, 0, 0, 0, 0, 0, 0);
    check(region(0, buf, sizeof(struct sysinfo)), "sysinfo: struct sysinfo (112)");
    outs(__NR_getrusage, 0, buf, 0, 0, 0, 0, 0);
    check(region(0, buf, sizeof(struct rusage)), "getrusage: struct rusage (144)");
    outs(__NR_times, buf, 0, 0, 0, 0, 0, 12345);
    check(region(0, buf, sizeof(struct tms)), "times: struct tms (32)");
    outs(__NR_clock_gettime, 1, buf, 0, 0, 0, 0, 0);
    check(region(0, buf, sizeof(struct timespec)), "clock_gettime: struct timespec");
    check_int(outs(__NR_gettimeofday, buf, buf + 64, 0, 0, 0, 0, 0), 2, "gettimeofday: tv and tz");
    check(region(0, buf, sizeof(struct timeval)) && region(1, buf + 64, sizeof(struct timezone)),
          "gettimeofday: sizes");
    check_int(outs(__NR_prlimit64, 0, 7, 0, buf, 0, 0, 0), 1, "prlimit64: old limit");
    check(region(0, buf, sizeof(struct rlimit)), "prlimit64: struct rlimit");
    check_int(outs(__NR_sigaltstack, 0, buf, 0, 0, 0, 0, 0), 1, "sigaltstack: old stack");
    check(region(0, buf, sizeof(stack_t)), "sigaltstack: stack_t (24)");
    check_int(outs(__NR_rt_sigaction, SIGSEGV, buf, 0, 8, 0, 0, 0), 0, "rt_sigaction: no old action");
    check_int(outs(__NR_rt_sigaction, SIGSEGV, 0, buf, 8, 0, 0, 0), 1, "rt_sigaction: old action");
    check(region(0, buf, 32), "rt_sigaction: kernel struct sigaction (32)");
    outs(__NR_rt_sigprocmask, SIG_BLOCK, 0, buf, 8, 0, 0, 0);
    check(region(0, buf, 8), "rt_sigprocmask: old set of sigsetsize bytes");
    check_int(outs(__NR_pipe2, buf, O_CLOEXEC, 0, 0, 0, 0, 0), 1, "pipe2: int[2]");
    check(region(0, buf, 8), "pipe2: 8 bytes");
    check_int(outs(__NR_getresuid, buf, buf + 4, buf + 8, 0, 0, 0, 0), 3, "getresuid: three ids");
    check_int(outs(__NR_getgroups, 0, 0, 0, 0, 0, 0, 5), 0, "getgroups: size 0 is a count query");
    outs(__NR_getgroups, 10, buf, 0, 0, 0, 0, 3);
    check(region(0, buf, 12), "getgroups: ret ints");
    outs(__NR_mincore, FAKE_BASE, 8193, buf, 0, 0, 0, 0);
    check(region(0, buf, 3), "mincore: one byte per page");
    check_int(outs(__NR_epoll_wait, 4, buf, 16, -1, 0, 0, 2), 1, "epoll_wait: events");
    check(region(0, buf, 2 * sizeof(struct epoll_event)) && sizeof(struct epoll_event) == 12,
          "epoll_wait: ret * 12 bytes");
    check_int(outs(__NR_timer_create, 1, 0, buf, 0, 0, 0, 0), 1, "timer_create: timer id");
    check(region(0, buf, 4), "timer_create: kernel timer_t is an int");
    check_int(outs(__NR_wait4, (uint64_t)-1, buf, 0, buf + 16, 0, 0, 1234), 2, "wait4: status and rusage");
    check(region(0, buf, 4) && region(1, buf + 16, sizeof(struct rusage)), "wait4: sizes");
    check_int(outs(__NR_wait4, (uint64_t)-1, buf, WNOHANG, 0, 0, 0, 0), 0, "wait4: WNOHANG, no child");
    check_int(outs(__NR_exit_group, 0, 0, 0, 0, 0, 0, 0), 0, "exit_group: no outputs");
    check_int(outs(__NR_mmap, 0, 4096, 3, 0x22, (uint64_t)-1, 0, (int64_t)FAKE_BASE), 0,
              "mmap: no outputs (replayed for real)");
    check_int(outs(__NR_getrandom, buf, 16, 0, 0, 0, 0, 16), 1, "getrandom: ret bytes");
}

static void test_outputs_iov(void)
{
    uint64_t b0 = zeros(10), b1 = zeros(1), b2 = zeros(20), b3 = zeros(30);
    struct iovec iov[4] = {
        { (void *)b0, 10 }, { (void *)b1, 0 }, { (void *)b2, 20 }, { (void *)b3, 30 },
    };
    uint64_t v = put(iov, sizeof iov);
    check_int(outs(__NR_readv, 3, v, 4, 0, 0, 0, 35), 3, "readv: ret spread over iovecs");
    check(region(0, b0, 10) && region(1, b2, 20) && region(2, b3, 5), "readv: empty iovec skipped, last partial");
    check_int(outs(__NR_readv, 3, v, 4, 0, 0, 0, 0), 0, "readv: 0 bytes");
    check_int(outs(__NR_preadv2, 3, v, 4, 0, 0, 0, 60), 3, "preadv2: all buffers full");
    check(region(2, b3, 30), "preadv2: stops at the end of the iovecs");
    check_int(outs(__NR_readv, 3, FAKE_BASE - 4096, 4, 0, 0, 0, 35), -1, "readv: unreadable iovec array");

    struct mem_region few[2];
    const uint64_t args[6] = { 3, v, 4, 0, 0, 0 };
    check_int(syscall_outputs(__NR_readv, args, 35, fake_read, NULL, few, 2), -1,
              "readv: more regions than max is -1");

    /* recvmsg: msghdr, name (namelen updated to 16), control (24 written), data */
    uint64_t name = zeros(128), control = zeros(64);
    struct iovec riov[2] = { { (void *)b2, 20 }, { (void *)b3, 30 } };
    uint64_t rv = put(riov, sizeof riov);
    struct msghdr mh = {
        .msg_name = (void *)name, .msg_namelen = 16, .msg_iov = (struct iovec *)rv, .msg_iovlen = 2,
        .msg_control = (void *)control, .msg_controllen = 24, .msg_flags = 0,
    };
    check_int(sizeof mh, 56, "struct msghdr is 56 bytes");
    uint64_t m = put(&mh, sizeof mh);
    check_int(outs(__NR_recvmsg, 3, m, 0, 0, 0, 0, 25), 5, "recvmsg: five regions");
    check(region(0, m, 56), "recvmsg: the msghdr itself");
    check(region(1, name, 16), "recvmsg: msg_name up to the updated msg_namelen");
    check(region(2, control, 24), "recvmsg: msg_control up to the updated msg_controllen");
    check(region(3, b2, 20) && region(4, b3, 5), "recvmsg: data spread over the iovecs");

    /* recvfrom with an address */
    uint32_t alen = 16;
    uint64_t alenp = put(&alen, 4);
    check_int(outs(__NR_recvfrom, 3, b3, 30, 0, name, alenp, 100), 3, "recvfrom: data, addr, addrlen");
    check(region(0, b3, 30), "recvfrom: MSG_TRUNC length clamped to the buffer");
    check(region(1, alenp, 4) && region(2, name, 16), "recvfrom: addrlen and address");
    check_int(outs(__NR_recvfrom, 3, b3, 30, 0, 0, 0, 12), 1, "recvfrom: no address");
    check_int(outs(__NR_accept4, 3, name, alenp, SOCK_CLOEXEC, 0, 0, 5), 2, "accept4: address and length");
    check_int(outs(__NR_accept4, 3, 0, 0, 0, 0, 0, 5), 0, "accept4: NULL address");
    check_int(outs(__NR_getsockopt, 3, SOL_SOCKET, SO_ERROR, name, alenp, 0, 0), 2, "getsockopt: optval and optlen");
    check(region(0, name, 16) && region(1, alenp, 4), "getsockopt: *optlen bytes");
    check_int(outs(__NR_socketpair, AF_UNIX, SOCK_STREAM, 0, name, 0, 0, 0), 1, "socketpair: int[2]");
}

static void test_outputs_wait(void)
{
    uint64_t buf = zeros(256);
    check_int(outs(__NR_poll, buf, 3, 1000, 0, 0, 0, 1), 1, "poll: pollfd array");
    check(region(0, buf, 3 * sizeof(struct pollfd)), "poll: nfds * 8 bytes");
    check_int(outs(__NR_poll, buf, 3, 1000, 0, 0, 0, -EINTR), 1, "poll: revents written when interrupted");
    check_int(outs(__NR_ppoll, buf, 2, buf + 128, 0, 8, 0, 0), 2, "ppoll: pollfds and timeout");
    check(region(1, buf + 128, 16), "ppoll: timespec updated");

    check_int(outs(__NR_select, 65, buf, 0, buf + 64, buf + 128, 0, 1), 3, "select: two sets and timeout");
    check(region(0, buf, 16) && region(1, buf + 64, 16), "select: (nfds+63)/64*8 bytes per set");
    check(region(2, buf + 128, sizeof(struct timeval)), "select: timeout updated");
    check_int(outs(__NR_select, 65, buf, 0, 0, buf + 128, 0, -EINTR), 1, "select: timeout only when interrupted");
    check_int(outs(__NR_pselect6, 3, buf, 0, 0, 0, 0, 0), 1, "pselect6: one set, no timeout");
    check(region(0, buf, 8), "pselect6: 8 bytes for 3 fds");

    check_int(outs(__NR_nanosleep, buf, buf + 16, 0, 0, 0, 0, 0), 0, "nanosleep: rem untouched on success");
    check_int(outs(__NR_nanosleep, buf, buf + 16, 0, 0, 0, 0, -EINTR), 1, "nanosleep: rem when interrupted");
    check_int(outs(__NR_clock_nanosleep, 1, 1, buf, buf + 16, 0, 0, -EINTR), 0,
              "clock_nanosleep: TIMER_ABSTIME leaves rem alone");
    check_int(outs(__NR_futex, buf, FUTEX_WAIT_PRIVATE, 2, 0, 0, 0, 0), 0, "futex wait: no outputs");
    check_int(outs(__NR_futex, buf, FUTEX_WAKE_PRIVATE, 1, 0, 0, 0, 1), 0, "futex wake: no outputs");
    check_int(outs(__NR_futex, buf, FUTEX_LOCK_PI_PRIVATE, 0, 0, 0, 0, -ETIMEDOUT), 1,
              "futex LOCK_PI: futex word even when it fails");
    check_int(outs(__NR_futex, buf, FUTEX_CMP_REQUEUE_PI, 0, 0, 0, 0, 0), -1, "futex CMP_REQUEUE_PI: -1");
    check_int(outs(__NR_clone, 0x003d0f00, 0, buf, buf + 4, 0, 0, 4321), 1, "clone: parent_tid stored");
    check(region(0, buf, 4), "clone: 4 bytes at parent_tid (third argument)");
    check_int(outs(__NR_clone, 0x01200011, 0, 0, buf + 4, 0, 0, 4321), 0, "clone: fork-like, nothing in the parent");
    check_int(outs(__NR_clone3, buf, 88, 0, 0, 0, 0, 4321), -1, "clone3: -1");
}

static void test_outputs_ioctl_misc(void)
{
    uint64_t buf = zeros(64);
    check_int(outs(__NR_ioctl, 1, TCGETS, buf, 0, 0, 0, 0), 1, "ioctl TCGETS: one region");
    check(region(0, buf, sizeof(struct termios)) && sizeof(struct termios) == 36,
          "ioctl TCGETS: kernel struct termios (36)");
    check_int(outs(__NR_ioctl, 1, TCGETS, buf, 0, 0, 0, -ENOTTY), 0, "ioctl TCGETS: ENOTTY writes nothing");
    check_int(outs(__NR_ioctl, 1, TCSETSW, buf, 0, 0, 0, 0), 0, "ioctl TCSETSW: none");
    outs(__NR_ioctl, 1, TIOCGWINSZ, buf, 0, 0, 0, 0);
    check(region(0, buf, sizeof(struct winsize)), "ioctl TIOCGWINSZ: struct winsize");
    outs(__NR_ioctl, 3, FIONREAD, buf, 0, 0, 0, 0);
    check(region(0, buf, 4), "ioctl FIONREAD: int");
    outs(__NR_ioctl, 3, TCGETS2, buf, 0, 0, 0, 0);
    check(region(0, buf, sizeof(struct termios2)), "ioctl TCGETS2: struct termios2 (44)");
    check_int(outs(__NR_ioctl, 3, FIONBIO, buf, 0, 0, 0, 0), 0, "ioctl FIONBIO: none");
    check_int(outs(__NR_ioctl, 3, 0xdeadbeef, buf, 0, 0, 0, 0), -1, "ioctl unknown request: -1");
    check_int(outs(__NR_ioctl, 3, 0xdeadbeef, buf, 0, 0, 0, -ENOTTY), -1, "ioctl unknown request failing: -1");

    check_int(outs(__NR_fcntl, 3, F_GETLK, buf, 0, 0, 0, 0), 1, "fcntl F_GETLK: struct flock");
    check(region(0, buf, sizeof(struct flock)), "fcntl F_GETLK: 32 bytes");
    check_int(outs(__NR_fcntl, 3, F_SETFL, O_NONBLOCK, 0, 0, 0, 0), 0, "fcntl F_SETFL: none");
    check_int(outs(__NR_fcntl, 3, 12345, 0, 0, 0, 0, 0), -1, "fcntl unknown command: -1");
    check_int(outs(__NR_prctl, PR_GET_NAME, buf, 0, 0, 0, 0, 0), 1, "prctl PR_GET_NAME: 16 bytes");
    check(region(0, buf, 16), "prctl PR_GET_NAME: region");
    check_int(outs(__NR_prctl, PR_SET_NAME, buf, 0, 0, 0, 0, 0), 0, "prctl PR_SET_NAME: none");
    check_int(outs(__NR_prctl, PR_SET_MM, 0, 0, 0, 0, 0, 0), -1, "prctl PR_SET_MM: -1");
    check_int(outs(__NR_arch_prctl, 0x1003, buf, 0, 0, 0, 0, 0), 1, "arch_prctl ARCH_GET_FS: 8 bytes");
    check_int(outs(__NR_arch_prctl, 0x1002, buf, 0, 0, 0, 0, 0), 0, "arch_prctl ARCH_SET_FS: none");
    check_int(outs(__NR_sendfile, 4, 3, buf, 100, 0, 0, 100), 1, "sendfile: offset");

    check_int(outs(1000, 0, 0, 0, 0, 0, 0, 0), -1, "unknown syscall: -1");
    check_int(outs(400, 0, 0, 0, 0, 0, 0, -ENOSYS), -1, "unassigned syscall: -1");
    check_int(outs(__NR_ptrace, 0, 0, 0, 0, 0, 0, 0), -1, "ptrace: not covered");

    /* the recorder's coverage probe before the call: max 0 */
    const uint64_t rd_args[6] = { 3, buf, 64, 0, 0, 0 };
    const uint64_t io_args[6] = { 3, 0xdeadbeef, buf, 0, 0, 0 };
    check_int(syscall_outputs(__NR_read, rd_args, 0, fake_read, NULL, NULL, 0), 0, "probe: read is covered");
    check_int(syscall_outputs(__NR_fstat, rd_args, 0, fake_read, NULL, NULL, 0), 0, "probe: fstat is covered");
    check_int(syscall_outputs(__NR_ioctl, io_args, 0, fake_read, NULL, NULL, 0), -1, "probe: unknown ioctl");
    check_int(syscall_outputs(1000, rd_args, 0, fake_read, NULL, NULL, 0), -1, "probe: unknown syscall");
}

/* ---- inputs ---- */

static void test_inputs(void)
{
    struct mem_region in[8];
    uint64_t path = put_str("/etc/passwd");
    const uint64_t a[6] = { (uint64_t)-100, path, O_RDONLY, 0, 0, 0 };
    check_int(syscall_inputs(__NR_openat, a, fake_read, NULL, in, 8), 1, "inputs openat: the path");
    check(in[0].addr == path && in[0].len == 12, "inputs openat: length includes the NUL");

    /* a string ending on the last byte of readable memory */
    uint64_t edge = FAKE_BASE + FAKE_SIZE - 4;
    memcpy(fake + FAKE_SIZE - 4, "abc", 4);
    const uint64_t e[6] = { edge, 0, 0, 0, 0, 0 };
    check_int(syscall_inputs(__NR_unlink, e, fake_read, NULL, in, 8), 1, "inputs: string at the end of memory");
    check(in[0].addr == edge && in[0].len == 4, "inputs: found its NUL");

    const uint64_t r[6] = { path, path, 0, 0, 0, 0 };
    check_int(syscall_inputs(__NR_rename, r, fake_read, NULL, in, 8), 2, "inputs rename: two paths");
    check_int(syscall_inputs(__NR_rename, r, fake_read, NULL, in, 1), 1, "inputs: capped by max");

    uint64_t data = zeros(200);
    const uint64_t w[6] = { 1, data, 200, 0, 0, 0 };
    check_int(syscall_inputs(__NR_write, w, fake_read, NULL, in, 8), 1, "inputs write: the buffer");
    check(in[0].addr == data && in[0].len == 64, "inputs write: first 64 bytes");
    const uint64_t w2[6] = { 1, data, 5, 0, 0, 0 };
    syscall_inputs(__NR_write, w2, fake_read, NULL, in, 8);
    check(in[0].len == 5, "inputs write: short buffer whole");

    struct iovec iov[2] = { { (void *)data, 0 }, { (void *)(data + 10), 100 } };
    uint64_t v = put(iov, sizeof iov);
    const uint64_t wv[6] = { 1, v, 2, 0, 0, 0 };
    check_int(syscall_inputs(__NR_writev, wv, fake_read, NULL, in, 8), 2, "inputs writev: iovecs and data");
    check(in[0].addr == v && in[0].len == 32 && in[1].addr == data + 10 && in[1].len == 64,
          "inputs writev: array, then 64 bytes of the first non-empty iovec");

    const uint64_t ex[6] = { path, 0, 0, 0, 0, 0 };
    check_int(syscall_inputs(__NR_execve, ex, fake_read, NULL, in, 8), 1, "inputs execve: the path");
    check_int(syscall_inputs(__NR_getpid, ex, fake_read, NULL, in, 8), 0, "inputs getpid: none");
}

/* ---- format ---- */

static void test_format(void)
{
    uint64_t passwd = put_str("/etc/passwd");
    check_str(fmt(__NR_openat, (uint64_t)-100, passwd, O_RDONLY | O_CLOEXEC, 0, 0, 0, 3, true),
              "openat(AT_FDCWD, \"/etc/passwd\", O_RDONLY|O_CLOEXEC) = 3", "format openat");
    uint64_t nope = put_str("/nope");
    check_str(fmt(__NR_openat, (uint64_t)-100, nope, O_RDONLY, 0, 0, 0, -ENOENT, true),
              "openat(AT_FDCWD, \"/nope\", O_RDONLY) = -1 ENOENT (No such file or directory)",
              "format error return");
    uint64_t x = put_str("x");
    check_str(fmt(__NR_openat, 3, x, O_WRONLY | O_CREAT | O_TRUNC, 0644, 0, 0, 4, true),
              "openat(3, \"x\", O_WRONLY|O_CREAT|O_TRUNC, 0644) = 4", "format openat with mode");

    const char *line = "root:x:0:0:root:/root:/bin/bash\nbin:x:1:1::/:/usr/bin/nologin\n";
    uint64_t rb = put(line, strlen(line));
    check_str(fmt(__NR_read, 3, rb, 4096, 0, 0, 0, 1234, true),
              "read(3, \"root:x:0:0:root:/root:/bin/bash\\n\"..., 4096) = 1234", "format read truncates at 32");
    check_str(fmt(__NR_read, 3, rb, 4096, 0, 0, 0, 0, true), "read(3, \"\", 4096) = 0", "format read EOF");
    {
        char want[128];
        snprintf(want, sizeof want, "read(3, %s, 4096)", hex(rb));
        check_str(fmt(__NR_read, 3, rb, 4096, 0, 0, 0, 0, false), want, "format call in progress");
        snprintf(want, sizeof want, "read(0, %s, 10) = ? ERESTARTSYS (To be restarted if SA_RESTART is set)", hex(rb));
        check_str(fmt(__NR_read, 0, rb, 10, 0, 0, 0, -512, true), want, "format ERESTARTSYS");
    }
    uint64_t hello = put("hello\n", 6);
    check_str(fmt(__NR_write, 1, hello, 6, 0, 0, 0, 6, true), "write(1, \"hello\\n\", 6) = 6", "format write");
    check_str(fmt(__NR_write, 1, FAKE_BASE - 64, 6, 0, 0, 0, -EFAULT, true),
              "write(1, 0x7ffcffffffc0, 6) = -1 EFAULT (Bad address)", "format unreadable buffer as pointer");
    check_str(fmt(__NR_mmap, 0, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, (uint64_t)-1, 0,
                  0x7ffff7fbd000, true),
              "mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7ffff7fbd000",
              "format mmap");
    check_str(fmt(__NR_mmap, 0x7f0000000000, 4096, PROT_READ, MAP_PRIVATE | MAP_FIXED | MAP_DENYWRITE, 3,
                  0x1e000, 0x7f0000000000, true),
              "mmap(0x7f0000000000, 4096, PROT_READ, MAP_PRIVATE|MAP_FIXED|MAP_DENYWRITE, 3, 0x1e000) = 0x7f0000000000",
              "format mmap with offset");
    check_str(fmt(__NR_mprotect, 0x1000, 4096, 0, 0, 0, 0, 0, true), "mprotect(0x1000, 4096, PROT_NONE) = 0",
              "format PROT_NONE");
    check_str(fmt(__NR_exit_group, 0, 0, 0, 0, 0, 0, 0, true), "exit_group(0) = ?", "format exit_group");
    check_str(fmt(__NR_exit_group, 1, 0, 0, 0, 0, 0, 0, false), "exit_group(1)", "format exit_group without ret");

    uint64_t act = zeros(32);
    {
        char want[128];
        snprintf(want, sizeof want, "rt_sigaction(SIGSEGV, %s, NULL, 8) = 0", hex(act));
        check_str(fmt(__NR_rt_sigaction, SIGSEGV, act, 0, 8, 0, 0, 0, true), want, "format rt_sigaction");
        snprintf(want, sizeof want, "ioctl(1, TCGETS, %s) = 0", hex(act));
        check_str(fmt(__NR_ioctl, 1, TCGETS, act, 0, 0, 0, 0, true), want, "format ioctl TCGETS");
        snprintf(want, sizeof want, "ioctl(1, 0x1234, %s) = -1 ENOTTY (Inappropriate ioctl for device)", hex(act));
        check_str(fmt(__NR_ioctl, 1, 0x1234, act, 0, 0, 0, -ENOTTY, true), want, "format unknown ioctl");
    }
    struct timespec ts = { 5, 123 };
    uint64_t tsp = put(&ts, sizeof ts);
    check_str(fmt(__NR_clock_gettime, CLOCK_MONOTONIC, tsp, 0, 0, 0, 0, 0, true),
              "clock_gettime(CLOCK_MONOTONIC, {tv_sec=5, tv_nsec=123}) = 0", "format clock_gettime timespec");
    check_str(fmt(__NR_nanosleep, tsp, 0, 0, 0, 0, 0, 0, true), "nanosleep({tv_sec=5, tv_nsec=123}, NULL) = 0",
              "format nanosleep");

    struct stat st = { 0 };
    st.st_mode = S_IFREG | 0644;
    st.st_size = 1234;
    uint64_t stp = put(&st, sizeof st);
    check_str(fmt(__NR_fstat, 3, stp, 0, 0, 0, 0, 0, true), "fstat(3, {st_mode=S_IFREG|0644, st_size=1234, ...}) = 0",
              "format fstat");
    st.st_mode = S_IFCHR | 0620;
    st.st_rdev = makedev(0x88, 1);
    stp = put(&st, sizeof st);
    check_str(fmt(__NR_newfstatat, 1, put_str(""), stp, AT_EMPTY_PATH, 0, 0, 0, true),
              "newfstatat(1, \"\", {st_mode=S_IFCHR|0620, st_rdev=makedev(0x88, 0x1), ...}, AT_EMPTY_PATH) = 0",
              "format newfstatat of a char device");

    check_str(fmt(0x1f4, 1, 2, 3, 4, 5, 6, -ENOSYS, true),
              "syscall_0x1f4(0x1, 0x2, 0x3, 0x4, 0x5, 0x6) = -1 ENOSYS (Function not implemented)",
              "format unknown syscall");
    uint64_t fw = zeros(4);
    {
        char want[128];
        snprintf(want, sizeof want, "futex(%s, FUTEX_WAIT_PRIVATE, 2, NULL) = 0", hex(fw));
        check_str(fmt(__NR_futex, fw, FUTEX_WAIT_PRIVATE, 2, 0, 0, 0, 0, true), want, "format futex wait");
        snprintf(want, sizeof want, "futex(%s, FUTEX_WAKE_PRIVATE, 1) = 1", hex(fw));
        check_str(fmt(__NR_futex, fw, FUTEX_WAKE_PRIVATE, 1, 0, 0, 0, 1, true), want, "format futex wake");
    }
    int fds[2] = { 3, 4 };
    check_str(fmt(__NR_pipe2, put(fds, 8), O_CLOEXEC, 0, 0, 0, 0, 0, true), "pipe2([3, 4], O_CLOEXEC) = 0",
              "format pipe2");
    uint64_t chld = 1ull << (SIGCHLD - 1), none = 0;
    check_str(fmt(__NR_rt_sigprocmask, SIG_BLOCK, put(&chld, 8), put(&none, 8), 8, 0, 0, 0, true),
              "rt_sigprocmask(SIG_BLOCK, [CHLD], [], 8) = 0", "format rt_sigprocmask");
    uint64_t most = ~(1ull << (SIGKILL - 1) | 1ull << (SIGSTOP - 1));
    check_str(fmt(__NR_rt_sigprocmask, SIG_SETMASK, put(&most, 8), 0, 8, 0, 0, 0, true),
              "rt_sigprocmask(SIG_SETMASK, ~[KILL STOP], NULL, 8) = 0", "format sigset complement");
    int status = 0x0100;
    check_str(fmt(__NR_wait4, (uint64_t)-1, put(&status, 4), 0, 0, 0, 0, 123, true),
              "wait4(-1, [{WIFEXITED(s) && WEXITSTATUS(s) == 1}], 0, NULL) = 123", "format wait4 status");
    struct iovec wiov[2] = { { (void *)put("hello ", 6), 6 }, { (void *)put("world\n", 6), 6 } };
    check_str(fmt(__NR_writev, 1, put(wiov, sizeof wiov), 2, 0, 0, 0, 12, true),
              "writev(1, [{iov_base=\"hello \", iov_len=6}, {iov_base=\"world\\n\", iov_len=6}], 2) = 12",
              "format writev");
    uint64_t argv[3] = { put_str("ls"), put_str("-l"), 0 };
    uint64_t envp = zeros(8);
    {
        char want[128];
        snprintf(want, sizeof want, "execve(\"/bin/ls\", [\"ls\", \"-l\"], %s) = 0", hex(envp));
        check_str(fmt(__NR_execve, put_str("/bin/ls"), put(argv, sizeof argv), envp, 0, 0, 0, 0, true), want,
                  "format execve");
    }
    check_str(fmt(__NR_fcntl, 3, F_GETFL, 0, 0, 0, 0, 0x8002, true), "fcntl(3, F_GETFL) = 0x8002 (flags O_RDWR|O_LARGEFILE)",
              "format fcntl F_GETFL");
    check_str(fmt(__NR_fcntl, 3, F_SETFD, FD_CLOEXEC, 0, 0, 0, 0, true), "fcntl(3, F_SETFD, 0x1) = 0",
              "format fcntl F_SETFD");
    check_str(fmt(__NR_clone, 0x01200000 | SIGCHLD, 0, 0, 0x7f00, 0, 0, 99, true),
              "clone(CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, NULL, NULL, 0x7f00, 0) = 99", "format clone");
    check_str(fmt(__NR_clone, SIGCHLD, 0, 0, 0, 0, 0, 99, true), "clone(SIGCHLD, NULL, NULL, NULL, 0) = 99",
              "format clone with only a signal");
    check_str(fmt(__NR_socket, AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0, 0, 0, 0, 3, true),
              "socket(AF_INET6, SOCK_STREAM|SOCK_CLOEXEC, 0) = 3", "format socket");
    check_str(fmt(__NR_arch_prctl, 0x1002, 0x7f00, 0, 0, 0, 0, 0, true), "arch_prctl(ARCH_SET_FS, 0x7f00) = 0",
              "format arch_prctl");
    check_str(fmt(__NR_prctl, PR_SET_NAME, 0, 0, 0, 0, 0, 0, true), "prctl(PR_SET_NAME, 0, 0, 0, 0) = 0",
              "format prctl");
    check_str(fmt(__NR_lseek, 3, (uint64_t)-10, SEEK_END, 0, 0, 0, 90, true), "lseek(3, -10, SEEK_END) = 90",
              "format lseek");
    check_str(fmt(__NR_access, put_str("/etc/ld.so.preload"), R_OK, 0, 0, 0, 0, -ENOENT, true),
              "access(\"/etc/ld.so.preload\", R_OK) = -1 ENOENT (No such file or directory)", "format access");
    check_str(fmt(__NR_kill, 42, 0, 0, 0, 0, 0, 0, true), "kill(42, 0) = 0", "format kill with signal 0");
    check_str(fmt(__NR_madvise, 0x1000, 4096, MADV_DONTNEED, 0, 0, 0, 0, true),
              "madvise(0x1000, 4096, MADV_DONTNEED) = 0", "format madvise");
    check_str(fmt(__NR_unlinkat, (uint64_t)-100, put_str("d"), AT_REMOVEDIR, 0, 0, 0, 0, true),
              "unlinkat(AT_FDCWD, \"d\", AT_REMOVEDIR) = 0", "format unlinkat");
    check_str(fmt(__NR_getpid, 0, 0, 0, 0, 0, 0, 77, true), "getpid() = 77", "format no arguments");
    check_str(fmt(__NR_read, 3, FAKE_BASE - 4096, 10, 0, 0, 0, -EINTR, true),
              "read(3, 0x7ffcfffff000, 10) = -1 EINTR (Interrupted system call)", "format EINTR");
    check_str(fmt(__NR_clock_nanosleep, CLOCK_REALTIME, 1, tsp, 0, 0, 0, -516, true),
              "clock_nanosleep(CLOCK_REALTIME, 0x1, {tv_sec=5, tv_nsec=123}, NULL) = ? ERESTART_RESTARTBLOCK (Interrupted by signal)",
              "format ERESTART_RESTARTBLOCK");

    /* a path that does not end within readable memory */
    memset(fake + FAKE_SIZE - 8, 'a', 8);
    check_str(fmt(__NR_chdir, FAKE_BASE + FAKE_SIZE - 8, 0, 0, 0, 0, 0, -ENOENT, true),
              "chdir(\"aaaaaaaa\"...) = -1 ENOENT (No such file or directory)", "format unterminated path");
    check_str(fmt(__NR_chdir, 0, 0, 0, 0, 0, 0, -EFAULT, true), "chdir(NULL) = -1 EFAULT (Bad address)",
              "format NULL path");
}

static void test_strings(void)
{
    struct buf b = { 0 };
    const uint8_t s[] = { 0, 1, 'a', '\n', '"', '\\', 0x7f, '1', 0xff, '\t' };
    format_cstring(&b, s, sizeof s, 32);
    char got[128];
    snprintf(got, sizeof got, "%.*s", (int)b.len, (const char *)b.data);
    check_str(got, "\"\\0\\1a\\n\\\"\\\\\\1771\\377\\t\"", "format_cstring escapes (octal, 3 digits before a digit)");
    b.len = 0;
    format_cstring(&b, (const uint8_t *)"abcdef", 6, 4);
    snprintf(got, sizeof got, "%.*s", (int)b.len, (const char *)b.data);
    check_str(got, "\"abcd\"...", "format_cstring truncates with ...");
    buf_free(&b);

    check_str(errno_name(ENOENT), "ENOENT", "errno_name(ENOENT)");
    check_str(errno_name(EHWPOISON), "EHWPOISON", "errno_name(EHWPOISON)");
    check_str(errno_name(512), "ERESTARTSYS", "errno_name(ERESTARTSYS)");
    check(errno_name(0) == NULL && errno_name(9999) == NULL, "errno_name of unknown values is NULL");
    check_str(signal_name(SIGSEGV), "SIGSEGV", "signal_name(SIGSEGV)");
    check_str(signal_name(SIGSYS), "SIGSYS", "signal_name(SIGSYS)");
    check_str(signal_name(32), "SIGRTMIN", "signal_name(32)");
    check_str(signal_name(34), "SIGRT_2", "signal_name(34)");
    check_str(signal_name(100), "SIG100", "signal_name(100)");
    check_str(ioctl_name(TIOCGWINSZ), "TIOCGWINSZ", "ioctl_name(TIOCGWINSZ)");
    check(ioctl_name(0x12345678) == NULL, "ioctl_name of an unknown request is NULL");
    check(ioctl_output_size(TIOCGPTN) == 4 && ioctl_output_size(TIOCSPTLCK) == 0 &&
          ioctl_output_size(TIOCGPGRP) == 4 && ioctl_output_size(FIOCLEX) == 0 &&
          ioctl_output_size(FIONCLEX) == 0 && ioctl_output_size(TIOCSWINSZ) == 0,
          "ioctl output sizes of the common tty requests");
}

int main(void)
{
    test_table();
    test_outputs_basic();
    test_outputs_iov();
    test_outputs_wait();
    test_outputs_ioctl_misc();
    test_inputs();
    test_format();
    test_strings();
    printf("%d checks, %d failed\n", checks, failures);
    return failures ? 1 : 0;
}
