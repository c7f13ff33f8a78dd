/* tracee — ptrace control of one thread (see tracee.h). */
#include "tracee.h"
#include "../util/util.h"
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#define TRACE_OPTIONS (PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEEXEC | PTRACE_O_TRACECLONE | \
                       PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACEEXIT | \
                       PTRACE_O_EXITKILL | PTRACE_O_TRACESECCOMP)

/* Where injected syscalls keep their arguments: far from where the kernel puts
 * programs, heaps and mmaps when randomization is off. */
#define SCRATCH_ADDR 0x6ffe00000000ul
#define SCRATCH_SIZE (4 * PAGE_SIZE_)

static struct task *task_new(pid_t tid)
{
    struct task *t = xcalloc(1, sizeof *t);
    t->tid = tid;
    t->tgid = tid;
    t->mem_fd = -1;
    return t;
}

void task_setup_deterministic(void *cpu)
{
    prctl(PR_SET_TSC, PR_TSC_SIGSEGV, 0, 0, 0);
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(*(int *)cpu, &set);
    sched_setaffinity(0, sizeof set, &set);
}

struct task *task_adopt(pid_t tid)
{
    struct task *t = task_new(tid);
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/status", tid);
    char *text = read_file(path, NULL);
    char *p = text ? strstr(text, "\nTgid:") : NULL;
    if (p)
        t->tgid = atoi(p + 6);
    free(text);
    return t;
}

void task_free(struct task *t)
{
    if (!t)
        return;
    if (t->mem_fd >= 0)
        close(t->mem_fd);
    free(t);
}

struct task *task_spawn(char *const argv[], char *const envp[],
                        void (*setup_in_child)(void *), void *arg, int *exec_errno)
{
    int errpipe[2];
    *exec_errno = 0;
    if (pipe2(errpipe, O_CLOEXEC) < 0)
        rw_fatal("pipe: %s", strerror(errno));
    pid_t pid = fork();
    if (pid < 0)
        rw_fatal("fork: %s", strerror(errno));
    if (pid == 0) {
        close(errpipe[0]);
        /* Determinism: a fixed address-space layout. */
        personality(ADDR_NO_RANDOMIZE);
        if (setup_in_child)
            setup_in_child(arg);
        raise(SIGSTOP); /* wait for the tracer to seize us */
        execvpe(argv[0], argv, envp);
        int e = errno;
        if (write(errpipe[1], &e, sizeof e) < 0)
            _exit(127);
        _exit(127);
    }
    close(errpipe[1]);
    int status;
    if (waitpid(pid, &status, WUNTRACED) < 0 || !WIFSTOPPED(status))
        rw_fatal("child did not stop before exec");
    if (ptrace(PTRACE_SEIZE, pid, 0, TRACE_OPTIONS) < 0)
        rw_fatal("ptrace(PTRACE_SEIZE): %s (is ptrace allowed here? see /proc/sys/kernel/yama/ptrace_scope)",
                 strerror(errno));
    kill(pid, SIGCONT);
    struct task *t = task_new(pid);
    /* Run it to the exec event, swallowing the stop/continue signals we caused. */
    for (;;) {
        if (waitpid(pid, &status, __WALL) < 0)
            rw_fatal("waitpid: %s", strerror(errno));
        task_note_stop(t, status);
        if (t->stop == STOP_EXEC)
            break;
        if (t->stop == STOP_EXITED) {
            int e = 0;
            if (read(errpipe[0], &e, sizeof e) == (ssize_t)sizeof e)
                *exec_errno = e;
            break;
        }
        if (t->stop == STOP_EXIT_EVENT) {
            ptrace(PTRACE_CONT, pid, 0, 0);
            continue;
        }
        int sig = (t->stop == STOP_SIGNAL && t->sig != SIGSTOP && t->sig != SIGCONT) ? t->sig : 0;
        ptrace(PTRACE_CONT, pid, 0, sig);
    }
    close(errpipe[0]);
    return t;
}

bool task_wait_any(pid_t *tid, int *status, bool nohang)
{
    for (;;) {
        pid_t r = waitpid(-1, status, __WALL | (nohang ? WNOHANG : 0));
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return false;
        *tid = r;
        return true;
    }
}

void task_note_stop(struct task *t, int status)
{
    t->status = status;
    t->regs_valid = false;
    t->regs_dirty = false;
    t->sig = 0;
    t->event_msg = 0;
    if (WIFEXITED(status) || WIFSIGNALED(status)) {
        t->stop = STOP_EXITED;
        return;
    }
    int sig = WSTOPSIG(status);
    int event = (unsigned)status >> 16;
    if (sig == (SIGTRAP | 0x80)) {
        struct __ptrace_syscall_info info;
        memset(&info, 0, sizeof info);
        if (ptrace(PTRACE_GET_SYSCALL_INFO, t->tid, sizeof info, &info) > 0 &&
            info.op == PTRACE_SYSCALL_INFO_EXIT)
            t->stop = STOP_SYSCALL_EXIT;
        else if (info.op == PTRACE_SYSCALL_INFO_ENTRY)
            t->stop = STOP_SYSCALL_ENTRY;
        else
            t->stop = t->in_syscall ? STOP_SYSCALL_EXIT : STOP_SYSCALL_ENTRY;
        t->in_syscall = t->stop == STOP_SYSCALL_ENTRY;
        return;
    }
    t->in_syscall = false;
    if (event) {
        ptrace(PTRACE_GETEVENTMSG, t->tid, 0, &t->event_msg);
        switch (event) {
        case PTRACE_EVENT_EXEC: t->stop = STOP_EXEC; return;
        case PTRACE_EVENT_CLONE:
        case PTRACE_EVENT_FORK:
        case PTRACE_EVENT_VFORK: t->stop = STOP_CLONE; t->sig = event; return;
        case PTRACE_EVENT_VFORK_DONE: t->stop = STOP_VFORK_DONE; return;
        case PTRACE_EVENT_EXIT: t->stop = STOP_EXIT_EVENT; return;
        case PTRACE_EVENT_SECCOMP: t->stop = STOP_SECCOMP; return;
        case PTRACE_EVENT_STOP: t->stop = STOP_GROUP; t->sig = sig; return;
        }
    }
    t->stop = STOP_SIGNAL;
    t->sig = sig;
}

bool task_flush_regs(struct task *t)
{
    if (!t->regs_dirty)
        return true;
    if (ptrace(PTRACE_SETREGS, t->tid, 0, &t->regs) < 0)
        return false;
    t->regs_dirty = false;
    return true;
}

bool task_resume(struct task *t, int how, int sig)
{
    if (!task_flush_regs(t))
        return false;
    t->regs_valid = false;
    return ptrace((enum __ptrace_request)how, t->tid, 0, sig) == 0;
}

bool task_step_to_stop(struct task *t, int how, int sig)
{
    if (!task_resume(t, how, sig))
        return false;
    int status;
    for (;;) {
        pid_t r = waitpid(t->tid, &status, __WALL);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return false;
        break;
    }
    task_note_stop(t, status);
    return true;
}

regs_t *task_regs(struct task *t)
{
    if (!t->regs_valid) {
        if (ptrace(PTRACE_GETREGS, t->tid, 0, &t->regs) < 0)
            rw_fatal("cannot read registers of thread %d: %s", t->tid, strerror(errno));
        t->regs_valid = true;
    }
    return &t->regs;
}

void task_set_regs(struct task *t, const regs_t *r)
{
    t->regs = *r;
    t->regs_valid = true;
    t->regs_dirty = true;
}

uint8_t *task_get_xstate(struct task *t, uint32_t *len)
{
    size_t cap = 16384;
    uint8_t *p = xmalloc(cap);
    struct iovec iov = {p, cap};
    if (ptrace(PTRACE_GETREGSET, t->tid, NT_X86_XSTATE, &iov) < 0) {
        iov.iov_len = cap;
        if (ptrace(PTRACE_GETREGSET, t->tid, NT_PRFPREG, &iov) < 0) {
            free(p);
            *len = 0;
            return NULL;
        }
    }
    *len = (uint32_t)iov.iov_len;
    return p;
}

bool task_set_xstate(struct task *t, const uint8_t *data, uint32_t len)
{
    struct iovec iov = {(void *)data, len};
    if (ptrace(PTRACE_SETREGSET, t->tid, NT_X86_XSTATE, &iov) == 0)
        return true;
    iov.iov_len = len;
    return ptrace(PTRACE_SETREGSET, t->tid, NT_PRFPREG, &iov) == 0;
}

bool task_get_siginfo(struct task *t, void *si128)
{
    memset(si128, 0, 128);
    return ptrace(PTRACE_GETSIGINFO, t->tid, 0, si128) == 0;
}

bool task_set_siginfo(struct task *t, const void *si128)
{
    return ptrace(PTRACE_SETSIGINFO, t->tid, 0, si128) == 0;
}

static int mem_fd(struct task *t)
{
    if (t->mem_fd < 0) {
        char path[64];
        snprintf(path, sizeof path, "/proc/%d/mem", t->tid);
        t->mem_fd = open(path, O_RDWR | O_CLOEXEC);
    }
    return t->mem_fd;
}

/* /proc/PID/mem ignores page protections, as a debugger must. */
size_t task_read(struct task *t, uint64_t addr, void *buf, size_t len)
{
    size_t done = 0;
    int fd = mem_fd(t);
    while (fd >= 0 && done < len) {
        ssize_t r = pread(fd, (char *)buf + done, len - done, (off_t)(addr + done));
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        done += (size_t)r;
    }
    return done;
}

size_t task_write(struct task *t, uint64_t addr, const void *buf, size_t len)
{
    size_t done = 0;
    int fd = mem_fd(t);
    while (fd >= 0 && done < len) {
        ssize_t r = pwrite(fd, (const char *)buf + done, len - done, (off_t)(addr + done));
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        done += (size_t)r;
    }
    return done;
}

ssize_t task_read_str(struct task *t, uint64_t addr, char *buf, size_t max)
{
    size_t got = 0;
    while (got < max) {
        /* read up to the next page boundary so we never fail on a short string
         * that ends just before an unmapped page */
        size_t chunk = PAGE_SIZE_ - ((addr + got) & (PAGE_SIZE_ - 1));
        if (chunk > max - got)
            chunk = max - got;
        size_t r = task_read(t, addr + got, buf + got, chunk);
        if (r == 0)
            return -1;
        void *nul = memchr(buf + got, 0, r);
        if (nul)
            return (char *)nul - buf + 1;
        got += r;
    }
    if (max)
        buf[max - 1] = 0;
    return (ssize_t)max;
}

bool task_mem_read_cb(void *ctx, uint64_t addr, void *buf, size_t len)
{
    return task_read(ctx, addr, buf, len) == len;
}

/* Resumes t (whose ip is at a syscall instruction) to its syscall-entry stop.
 * drop_signals: signal stops on the way are suppressed (a stopped checkpoint
 * copy: no signal is part of its state). */
static bool step_to_entry(struct task *t, bool drop_signals)
{
    for (int i = 0; i < 16; i++) {
        if (!task_step_to_stop(t, PTRACE_SYSCALL, 0))
            return false;
        if (t->stop == STOP_SYSCALL_ENTRY)
            return true;
        if (!drop_signals || (t->stop != STOP_SIGNAL && t->stop != STOP_GROUP))
            return false;
    }
    return false;
}

static long inject(struct task *t, long nr, const uint64_t args[6], bool drop_signals);

long task_inject_syscall(struct task *t, long nr, uint64_t a0, uint64_t a1, uint64_t a2,
                         uint64_t a3, uint64_t a4, uint64_t a5)
{
    const uint64_t args[6] = {a0, a1, a2, a3, a4, a5};
    return inject(t, nr, args, false);
}

long task_inject_in_copy(struct task *t, long nr, uint64_t a0, uint64_t a1, uint64_t a2)
{
    const uint64_t args[6] = {a0, a1, a2, 0, 0, 0};
    return inject(t, nr, args, true);
}

static long inject(struct task *t, long nr, const uint64_t args[6], bool drop_signals)
{
    const regs_t saved = *task_regs(t);
    const enum stop_kind saved_stop = t->stop;
    const bool saved_in_syscall = t->in_syscall;
    regs_t r = saved;
    for (int i = 0; i < 6; i++)
        regs_set_arg(&r, i, args[i]);

    if (saved_stop == STOP_SYSCALL_ENTRY) {
        /* Replace the pending syscall, then back up over the syscall
         * instruction so the original call is entered again. */
        regs_set_sysno(&r, (uint64_t)nr);
        task_set_regs(t, &r);
        if (!task_step_to_stop(t, PTRACE_SYSCALL, 0) || t->stop != STOP_SYSCALL_EXIT)
            rw_fatal("thread %d: injected syscall %ld did not complete", t->tid, nr);
        long result = (long)task_regs(t)->rax;
        regs_t again = saved;
        again.rip -= ARCH_SYSCALL_INSN_LEN;
        again.rax = saved.orig_rax;
        task_set_regs(t, &again);
        if (!task_step_to_stop(t, PTRACE_SYSCALL, 0) || t->stop != STOP_SYSCALL_ENTRY)
            rw_fatal("thread %d: could not re-enter the interrupted syscall", t->tid);
        task_regs(t);
        return result;
    }

    /* Borrow the instruction at ip: put a syscall there, run it, put it back. */
    uint64_t site = regs_ip(&saved);
    uint8_t insn[ARCH_SYSCALL_INSN_LEN];
    if (task_read(t, site, insn, sizeof insn) != sizeof insn ||
        task_write(t, site, ARCH_SYSCALL_INSN, ARCH_SYSCALL_INSN_LEN) != ARCH_SYSCALL_INSN_LEN)
        rw_fatal("thread %d: cannot place a syscall instruction at %#lx", t->tid, (unsigned long)site);
    r.rax = (uint64_t)nr;
    regs_set_ip(&r, site);
    task_set_regs(t, &r);
    if (!step_to_entry(t, drop_signals))
        rw_fatal("thread %d: injected syscall %ld did not start (stop %d, signal %d)", t->tid, nr,
                 t->stop, t->sig);
    if (!task_step_to_stop(t, PTRACE_SYSCALL, 0) || t->stop != STOP_SYSCALL_EXIT)
        rw_fatal("thread %d: injected syscall %ld did not complete", t->tid, nr);
    long result = (long)task_regs(t)->rax;
    task_write(t, site, insn, sizeof insn);
    task_set_regs(t, &saved);
    t->stop = saved_stop;
    t->in_syscall = saved_in_syscall;
    return result;
}

/* Runs fork or clone (nr, args) injected into t from wherever t is stopped,
 * and waits for the new task's first stop.  At a syscall-entry stop the
 * pending call is swapped for the creation and entered again afterwards;
 * elsewhere a syscall instruction is borrowed at ip.  Signal stops on the way
 * are dropped (see task_inject_fork).  Returns the new tid, -1 on failure. */
static pid_t inject_creation(struct task *t, long nr, const uint64_t args[6])
{
    const regs_t saved = *task_regs(t);
    const enum stop_kind saved_stop = t->stop;
    const bool saved_in_syscall = t->in_syscall;
    const bool at_entry = saved_stop == STOP_SYSCALL_ENTRY;
    const bool same_memory = nr == SYS_clone && (args[0] & CLONE_VM);
    uint64_t site = regs_ip(&saved);
    uint8_t insn[ARCH_SYSCALL_INSN_LEN];
    regs_t r = saved;
    for (int i = 0; i < 6; i++)
        regs_set_arg(&r, i, args[i]);
    if (at_entry) {
        regs_set_sysno(&r, (uint64_t)nr);
        task_set_regs(t, &r);
    } else {
        if (task_read(t, site, insn, sizeof insn) != sizeof insn ||
            task_write(t, site, ARCH_SYSCALL_INSN, ARCH_SYSCALL_INSN_LEN) != ARCH_SYSCALL_INSN_LEN)
            return -1;
        r.rax = (uint64_t)nr;
        task_set_regs(t, &r);
        if (!step_to_entry(t, true))
            rw_fatal("thread %d: an injected %s did not start", t->tid, nr == SYS_fork ? "fork" : "clone");
    }
    pid_t child = -1;
    /* entry, the creation event (the new task is traced like any other), exit */
    if (task_step_to_stop(t, PTRACE_SYSCALL, 0) && t->stop == STOP_CLONE) {
        child = (pid_t)t->event_msg;
        if (!task_step_to_stop(t, PTRACE_SYSCALL, 0))
            rw_fatal("thread %d: an injected fork did not complete", t->tid);
    }
    if (t->stop != STOP_SYSCALL_EXIT)
        rw_fatal("thread %d: an injected fork did not complete", t->tid);
    if (at_entry) {
        regs_t again = saved;
        again.rip -= ARCH_SYSCALL_INSN_LEN;
        again.rax = saved.orig_rax;
        task_set_regs(t, &again);
        if (!step_to_entry(t, true))
            rw_fatal("thread %d: could not re-enter the interrupted syscall", t->tid);
        task_regs(t);
    } else {
        task_write(t, site, insn, sizeof insn);
        task_set_regs(t, &saved);
        t->stop = saved_stop;
        t->in_syscall = saved_in_syscall;
    }
    if (child <= 0)
        return -1;
    int status;
    while (waitpid(child, &status, __WALL) < 0 && errno == EINTR)
        ;
    if (!at_entry && !same_memory) {
        /* a copy of memory: it copied the borrowed instruction too */
        struct task *c = task_new(child);
        task_write(c, site, insn, sizeof insn);
        task_free(c);
    }
    return child;
}

pid_t task_inject_fork(struct task *t)
{
    const uint64_t args[6] = {0};
    return inject_creation(t, SYS_fork, args);
}

pid_t task_inject_thread(struct task *t)
{
    const uint64_t args[6] = {CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM,
                              0, 0, 0, 0, 0};
    return inject_creation(t, SYS_clone, args);
}

bool task_get_sigmask(struct task *t, uint64_t *mask)
{
    return ptrace(PTRACE_GETSIGMASK, t->tid, sizeof *mask, mask) == 0;
}

bool task_set_sigmask(struct task *t, uint64_t mask)
{
    return ptrace(PTRACE_SETSIGMASK, t->tid, sizeof mask, &mask) == 0;
}

uint64_t task_scratch(struct task *t)
{
    if (!t->scratch) {
        long r = task_inject_syscall(t, SYS_mmap, SCRATCH_ADDR, SCRATCH_SIZE, PROT_READ | PROT_WRITE,
                                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, (uint64_t)-1, 0);
        if (r == -EEXIST)
            r = (long)SCRATCH_ADDR; /* a fork child inherits its parent's */
        else if (r < 0 && r > -4096)
            rw_fatal("thread %d: cannot map a scratch page: %s", t->tid, strerror((int)-r));
        t->scratch = (uint64_t)r;
    }
    return t->scratch;
}

void task_after_exec(struct task *t)
{
    if (t->mem_fd >= 0)
        close(t->mem_fd);
    t->mem_fd = -1;
    t->scratch = 0;
    t->regs_valid = false;
}
