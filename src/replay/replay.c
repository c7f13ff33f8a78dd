/* replay — the replayer engine and `rewind replay` driver (see replay.h). */
#include "replay.h"
#include "addrspace.h"
#include "../engine/engine.h"
#include "../syscalls/syscalls.h"
#include "../trace/trace.h"
#include "../tracee/tracee.h"
#include "../util/util.h"
#include <asm/prctl.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

struct replayer {
    struct trace_reader *r;
    const struct trace_header *h;
    bool quiet;
    char *stub_path;
    struct event next;       /* the next recorded event */
    bool have_next;
    bool trace_done;         /* no more events (clean end or interrupted recording) */
    struct event cur;        /* the syscall between its entry and exit */
    bool cur_open;
    long mmap_fd;            /* fd injected for a file mmap, -1 if none */
    uint64_t brk_cur;        /* the program break replay maintains with mmap */
    bool diverged;
    bool incomplete;         /* the recording was interrupted and replay reached its end */
    int recorded_status;
    bool exited;
    bool signal_sent_early;  /* the next event's signal was sent at the syscall's entry */
};

static struct tracer *g_tracer;

static void advance(struct replayer *R)
{
    event_free(&R->next);
    R->have_next = false;
    if (R->trace_done)
        return;
    int rc = trace_read_event(R->r, &R->next);
    if (rc == 1) {
        R->have_next = true;
        return;
    }
    R->trace_done = true;
    if (rc < 0) {
        rw_warn("%s", trace_error(R->r));
        R->diverged = true;
        g_tracer->stop_requested = true;
    }
}

static void describe_event(struct buf *b, const struct event *ev);

/* Reports a divergence: where, what the recording says, what we found. */
static void diverge(struct replayer *R, struct task *t, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void diverge(struct replayer *R, struct task *t, const char *fmt, ...)
{
    char found[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(found, sizeof found, fmt, ap);
    va_end(ap);
    if (!R->have_next) {
        if (trace_truncated(R->r)) {
            rw_warn("replay reached the end of the recording, which was interrupted: %s", trace_error(R->r));
            R->incomplete = true;
        } else {
            rw_warn("replay diverged after the last recorded event (thread %d): found %s", t->tid, found);
            R->diverged = true;
        }
    } else {
        struct buf b = {0};
        describe_event(&b, &R->next);
        buf_put_u8(&b, 0);
        rw_warn("replay diverged at event %lu (thread %d): expected %s; found %s",
                (unsigned long)R->next.seq, R->next.tid, (char *)b.data, found);
        buf_free(&b);
        R->diverged = true;
    }
    g_tracer->stop_requested = true;
}

/* Reads memory from a recorded event's inputs (for describing it). */
static bool event_mem_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
    const struct event *ev = ctx;
    for (uint32_t i = 0; i < ev->ninputs; i++) {
        const struct mem_patch *p = &ev->inputs[i];
        if (addr >= p->addr && addr + len <= p->addr + p->len) {
            memcpy(buf, p->data + (addr - p->addr), len);
            return true;
        }
    }
    return false;
}

static void describe_event(struct buf *b, const struct event *ev)
{
    char tmp[128];
    switch (ev->type) {
    case EV_SYSCALL:
        syscall_format(b, ev->nr, ev->args, ev->ret, true, event_mem_read, (void *)ev);
        break;
    case EV_SIGNAL:
        snprintf(tmp, sizeof tmp, "signal %s at %#lx", signal_name(ev->signo), (unsigned long)ev->ip);
        buf_put(b, tmp, strlen(tmp));
        break;
    default:
        snprintf(tmp, sizeof tmp, "%s event", event_type_name(ev->type));
        buf_put(b, tmp, strlen(tmp));
    }
}

/* Prints what a replayed write to the recording's stdout/stderr wrote. */
static void echo_output(struct replayer *R, struct task *t, const struct event *ev)
{
    if (R->quiet || ev->ret <= 0 || !(ev->flags & (EVF_ECHO_STDOUT | EVF_ECHO_STDERR)))
        return;
    int out = (ev->flags & EVF_ECHO_STDOUT) ? 1 : 2;
    for (uint32_t i = 0; i < ev->ninputs; i++)
        if (ev->inputs[i].addr == 0) { /* bytes a kernel-side copy sent (sendfile, splice...) */
            write_all(out, ev->inputs[i].data, ev->inputs[i].len);
            return;
        }
    uint64_t left = (uint64_t)ev->ret;
    struct iovec iov[64];
    int niov = 0;
    if (ev->nr == SYS_writev || ev->nr == SYS_pwritev || ev->nr == SYS_pwritev2) {
        niov = ev->args[2] > 64 ? 64 : (int)ev->args[2];
        if (task_read(t, ev->args[1], iov, sizeof(struct iovec) * (size_t)niov) != sizeof(struct iovec) * (size_t)niov)
            niov = 0;
    } else {
        iov[0].iov_base = (void *)ev->args[1];
        iov[0].iov_len = ev->args[2];
        niov = 1;
    }
    for (int i = 0; i < niov && left; i++) {
        uint64_t n = iov[i].iov_len < left ? iov[i].iov_len : left;
        uint8_t *data = xmalloc(n);
        size_t got = task_read(t, (uint64_t)iov[i].iov_base, data, n);
        write_all(out, data, got);
        free(data);
        left -= n;
    }
}

static bool is_error(int64_t ret) { return ret < 0 && ret >= -4095; }

/* The recorded program break moves; replay keeps memory there with plain
 * mappings (the stub's own break is elsewhere). */
static void replay_brk(struct replayer *R, struct task *t, const struct event *ev)
{
    uint64_t nb = (uint64_t)ev->ret;
    if (R->brk_cur && nb != R->brk_cur) {
        uint64_t old_end = PAGE_UP(R->brk_cur), new_end = PAGE_UP(nb);
        if (new_end > old_end)
            task_inject_syscall(t, SYS_mmap, old_end, new_end - old_end, PROT_READ | PROT_WRITE,
                                MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, (uint64_t)-1, 0);
        else if (new_end < old_end)
            task_inject_syscall(t, SYS_munmap, new_end, old_end - new_end, 0, 0, 0, 0);
    }
    R->brk_cur = nb;
}

/* Rewrites a recorded mmap so the kernel places it exactly where it was,
 * backed by the trace's copy of the file. */
static bool prepare_mmap(struct replayer *R, struct task *t, const struct event *ev)
{
    regs_t r = *task_regs(t);
    uint64_t flags = ev->args[3];
    flags &= ~(uint64_t)(MAP_FIXED_NOREPLACE | MAP_32BIT);
    flags |= MAP_FIXED;
    R->mmap_fd = -1;
    if (!(flags & MAP_ANONYMOUS)) {
        if (!ev->file_id) {
            diverge(R, t, "a file mapping the recording has no copy of");
            return false;
        }
        /* Never write through to the trace's copy (it may be a hard link). */
        flags = (flags & ~(uint64_t)(MAP_SHARED | MAP_SHARED_VALIDATE)) | MAP_PRIVATE;
        R->mmap_fd = addrspace_open_file(t, R->r, ev->file_id);
        if (R->mmap_fd < 0) {
            rw_warn("cannot open the trace's copy of a mapped file: %s", strerror((int)-R->mmap_fd));
            R->diverged = true;
            g_tracer->stop_requested = true;
            return false;
        }
        regs_set_arg(&r, 4, (uint64_t)R->mmap_fd);
    }
    regs_set_arg(&r, 0, (uint64_t)ev->ret);
    regs_set_arg(&r, 3, flags);
    task_set_regs(t, &r);
    return true;
}

/* The recorded program exec'ed: exec the stub instead and rebuild at the exit. */
static void prepare_execve(struct replayer *R, struct task *t)
{
    uint64_t s = task_scratch(t);
    size_t len = strlen(R->stub_path) + 1;
    uint64_t argv[2] = {s, 0};
    task_write(t, s, R->stub_path, len);
    uint64_t argv_at = s + PAGE_UP(len);
    task_write(t, argv_at, argv, sizeof argv);
    regs_t r = *task_regs(t);
    regs_set_sysno(&r, SYS_execve);
    regs_set_arg(&r, 0, s);
    regs_set_arg(&r, 1, argv_at);
    regs_set_arg(&r, 2, argv_at + 8);
    task_set_regs(t, &r);
}

static bool inputs_match(struct task *t, const struct event *ev)
{
    for (uint32_t i = 0; i < ev->ninputs; i++) {
        const struct mem_patch *p = &ev->inputs[i];
        if (p->addr == 0)
            continue; /* echo bytes, not tracee memory */
        uint8_t *now = xmalloc(p->len ? p->len : 1);
        bool same = task_read(t, p->addr, now, p->len) == p->len && !memcmp(now, p->data, p->len);
        free(now);
        if (!same)
            return false;
    }
    return true;
}

static enum eng_verdict rp_syscall_entry(void *self, struct eng_ctx *c)
{
    struct replayer *R = self;
    struct task *t = c->task;
    regs_t *r = task_regs(t);
    if (!R->have_next || R->next.type != EV_SYSCALL) {
        diverge(R, t, "%s (syscall %ld) at %#lx", syscall_name(c->nr), c->nr, (unsigned long)regs_ip(r));
        return ENG_STOP;
    }
    const struct event *ev = &R->next;
    const struct syscall_info *si = syscall_lookup(c->nr);
    int nargs = si ? si->nargs : 6;
    bool args_same = true;
    for (int i = 0; i < nargs; i++)
        args_same &= c->args[i] == ev->args[i];
    if (c->nr != ev->nr || !args_same || regs_ip(r) != ev->ip || regs_sp(r) != ev->sp) {
        struct buf b = {0};
        syscall_format(&b, c->nr, c->args, 0, false, task_mem_read_cb, t);
        buf_put_u8(&b, 0);
        diverge(R, t, "%s at ip %#lx sp %#lx (recorded ip %#lx sp %#lx)", (char *)b.data,
                (unsigned long)regs_ip(r), (unsigned long)regs_sp(r), (unsigned long)ev->ip,
                (unsigned long)ev->sp);
        buf_free(&b);
        return ENG_STOP;
    }
    if (!inputs_match(t, ev)) {
        struct buf b = {0};
        syscall_format(&b, c->nr, c->args, 0, false, task_mem_read_cb, t);
        buf_put_u8(&b, 0);
        diverge(R, t, "%s (different memory arguments)", (char *)b.data);
        buf_free(&b);
        return ENG_STOP;
    }
    /* take the event over */
    event_free(&R->cur);
    R->cur = R->next;
    memset(&R->next, 0, sizeof R->next);
    R->have_next = false;
    R->cur_open = true;
    advance(R);
    const struct event *cur = &R->cur;

    bool real = (cur->flags & EVF_EXEC_REAL) && !(cur->flags & EVF_REFUSED);
    if (real && is_error(cur->ret) && (cur->nr == SYS_mmap || cur->nr == SYS_execve || cur->nr == SYS_execveat))
        real = false; /* failed: nothing to reproduce but the error */
    if (cur->nr == SYS_brk) {
        replay_brk(R, t, cur);
        real = false;
    }
    if (!real) {
        echo_output(R, t, cur);
        ctx_emulate(c, cur->ret);
        return ENG_STOP;
    }
    /* A real call that was interrupted (rt_sigsuspend): make the signal pending
     * before it starts, so it returns the way it did instead of waiting. */
    if ((cur->flags & EVF_INTERRUPTED) && R->have_next && R->next.type == EV_SIGNAL &&
        (R->next.flags & EVF_SIG_INJECT)) {
        syscall(SYS_tgkill, t->tgid, t->tid, R->next.signo);
        R->signal_sent_early = true;
    }
    if (cur->nr == SYS_mmap && !prepare_mmap(R, t, cur))
        return ENG_STOP;
    if (cur->nr == SYS_mremap && (uint64_t)cur->ret != cur->args[0]) {
        regs_t nr = *task_regs(t);
        regs_set_arg(&nr, 3, nr.r10 | MREMAP_MAYMOVE | MREMAP_FIXED);
        regs_set_arg(&nr, 4, (uint64_t)cur->ret);
        task_set_regs(t, &nr);
    }
    if ((cur->nr == SYS_execve || cur->nr == SYS_execveat) && (cur->flags & EVF_NO_RETURN))
        prepare_execve(R, t);
    return ENG_STOP;
}

/* After an event, bring about a signal the recording saw next at this point. */
static void deliver_pending_signal(struct replayer *R, struct task *t, struct eng_ctx *c)
{
    if (R->signal_sent_early) {
        R->signal_sent_early = false;
        return;
    }
    if (!R->have_next || R->next.type != EV_SIGNAL)
        return;
    const struct event *ev = &R->next;
    if (ev->flags & EVF_SIG_ASYNC) {
        /* Jump straight to the recorded state: the stretch in between was pure
         * user-space computation, so this is exactly where it would have got. */
        for (uint32_t i = 0; i < ev->npatches; i++)
            task_write(t, ev->patches[i].addr, ev->patches[i].data, ev->patches[i].len);
        if (ev->regs.len == sizeof(regs_t))
            task_set_regs(t, (const regs_t *)ev->regs.data);
        if (ev->xstate.len)
            task_set_xstate(t, ev->xstate.data, ev->xstate.len);
        if (c)
            c->regs_owned = true;
    } else if (!(ev->flags & EVF_SIG_INJECT)) {
        return;
    }
    syscall(SYS_tgkill, t->tgid, t->tid, ev->signo);
}

static void rp_syscall_exit(void *self, struct eng_ctx *c)
{
    struct replayer *R = self;
    struct task *t = c->task;
    if (!R->cur_open)
        return;
    R->cur_open = false;
    const struct event *ev = &R->cur;
    if (c->emulated) {
        for (uint32_t i = 0; i < ev->npatches; i++)
            if (task_write(t, ev->patches[i].addr, ev->patches[i].data, ev->patches[i].len) != ev->patches[i].len) {
                diverge(R, t, "memory at %#lx that the recording wrote is not writable here",
                        (unsigned long)ev->patches[i].addr);
                return;
            }
    } else {
        if (R->mmap_fd >= 0) {
            task_inject_syscall(t, SYS_close, (uint64_t)R->mmap_fd, 0, 0, 0, 0, 0);
            R->mmap_fd = -1;
        }
        /* set_tid_address returns our tid, which is not the recorded one */
        bool pid_valued = ev->nr == SYS_set_tid_address;
        if (c->ret != ev->ret && !(ev->flags & EVF_NO_RETURN) && !pid_valued) {
            struct buf b = {0};
            syscall_format(&b, ev->nr, ev->args, c->ret, true, event_mem_read, (void *)ev);
            buf_put_u8(&b, 0);
            rw_warn("replay diverged at event %lu (thread %d): %s returned %ld here, %ld when recorded",
                    (unsigned long)ev->seq, ev->tid, syscall_name(ev->nr), (long)c->ret, (long)ev->ret);
            buf_free(&b);
            R->diverged = true;
            g_tracer->stop_requested = true;
            return;
        }
        ctx_set_result(c, ev->ret);
    }
    deliver_pending_signal(R, t, c);
}

static bool replay_trapped_insn(struct replayer *R, struct task *t)
{
    if (!R->have_next || (R->next.type != EV_RDTSC && R->next.type != EV_CPUID))
        return false;
    regs_t r = *task_regs(t);
    uint8_t insn[4];
    int len;
    if (task_read(t, regs_ip(&r), insn, sizeof insn) < 3)
        return false;
    enum arch_trapped_insn k = arch_decode_trapped(insn, 4, &len);
    const struct event *ev = &R->next;
    if (ev->type == EV_RDTSC && (k == INSN_RDTSC || k == INSN_RDTSCP)) {
        r.rax = (uint32_t)ev->vals[0];
        r.rdx = ev->vals[0] >> 32;
        if (k == INSN_RDTSCP)
            r.rcx = ev->vals[1];
    } else if (ev->type == EV_CPUID && k == INSN_CPUID) {
        r.rax = ev->vals[0], r.rbx = ev->vals[1], r.rcx = ev->vals[2], r.rdx = ev->vals[3];
    } else {
        return false;
    }
    regs_set_ip(&r, regs_ip(&r) + (uint64_t)len);
    task_set_regs(t, &r);
    advance(R);
    return true;
}

static enum eng_verdict rp_signal(void *self, struct eng_ctx *c)
{
    struct replayer *R = self;
    struct task *t = c->task;
    if (c->sig == SIGSEGV && replay_trapped_insn(R, t)) {
        c->sig = 0;
        return ENG_STOP;
    }
    if (!R->have_next || R->next.type != EV_SIGNAL || R->next.signo != c->sig) {
        siginfo_t si;
        task_get_siginfo(t, &si);
        if (si.si_code > 0 && si.si_code != SI_KERNEL + 1) {
            diverge(R, t, "signal %s at %#lx", signal_name(c->sig), (unsigned long)regs_ip(task_regs(t)));
        }
        /* a signal from outside the replay (a Ctrl-C at the terminal): replay ignores it */
        c->sig = 0;
        return ENG_STOP;
    }
    const struct event *ev = &R->next;
    if ((ev->flags & EVF_SIG_FAULT) && ev->ip != regs_ip(task_regs(t))) {
        diverge(R, t, "signal %s at %#lx", signal_name(c->sig), (unsigned long)regs_ip(task_regs(t)));
        c->sig = 0;
        return ENG_STOP;
    }
    if (ev->siginfo.len == 128)
        task_set_siginfo(t, ev->siginfo.data);
    advance(R);
    /* Several signals can be pending at once: the next may follow immediately. */
    if (R->have_next && R->next.type == EV_SIGNAL && (R->next.flags & EVF_SIG_INJECT))
        syscall(SYS_tgkill, t->tgid, t->tid, R->next.signo);
    return ENG_STOP;
}

static enum eng_verdict rp_exec(void *self, struct eng_ctx *c)
{
    struct replayer *R = self;
    struct task *t = c->task;
    R->cur_open = false;
    if (!R->have_next || R->next.type != EV_EXEC) {
        diverge(R, t, "an exec");
        return ENG_STOP;
    }
    char err[512];
    if (!addrspace_rebuild(t, R->r, &R->next, err, sizeof err)) {
        rw_warn("replay failed at event %lu: %s", (unsigned long)R->next.seq, err);
        R->diverged = true;
        g_tracer->stop_requested = true;
        return ENG_STOP;
    }
    if (R->h->cpuid_faulting)
        task_inject_syscall(t, SYS_arch_prctl, ARCH_SET_CPUID, 0, 0, 0, 0, 0);
    R->brk_cur = 0;
    advance(R);
    deliver_pending_signal(R, t, NULL);
    return ENG_STOP;
}

static void rp_exit(void *self, struct eng_ctx *c)
{
    struct replayer *R = self;
    if (R->diverged || R->incomplete)
        return;
    if (!R->have_next || R->next.type != EV_EXIT) {
        diverge(R, c->task, "the program exited (status %#x)", c->status);
        return;
    }
    if (R->next.status != c->status) {
        diverge(R, c->task, "exit status %#x", c->status);
        return;
    }
    R->recorded_status = c->status;
    R->exited = true;
    advance(R);
}

static const struct engine_ops replayer_ops = {
    .name = "replayer",
    .syscall_entry = rp_syscall_entry,
    .syscall_exit = rp_syscall_exit,
    .signal = rp_signal,
    .exec = rp_exec,
    .exit = rp_exit,
};

static char *find_stub(void)
{
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0)
        rw_fatal("cannot find my own executable");
    self[n] = 0;
    char *slash = strrchr(self, '/');
    *slash = 0;
    const char *candidates[] = {"%s/rewind-stub", "%s/../lib/rewind/rewind-stub", "%s/../libexec/rewind/rewind-stub"};
    for (size_t i = 0; i < sizeof candidates / sizeof *candidates; i++) {
        char *p = xasprintf(candidates[i], self);
        if (access(p, X_OK) == 0)
            return p;
        free(p);
    }
    rw_fatal("cannot find rewind-stub next to %s", self);
}

int replay_main(const struct replay_options *o)
{
    char err[1024];
    struct trace_reader *r = trace_open(o->dir, err, sizeof err);
    if (!r)
        rw_fatal("%s", err);
    struct replayer *R = xcalloc(1, sizeof *R);
    R->r = r;
    R->h = trace_get_header(r);
    R->quiet = o->quiet;
    R->mmap_fd = -1;
    R->stub_path = find_stub();
    struct tracer tr;
    tracer_init(&tr);
    g_tracer = &tr;
    advance(R);
    if (!R->have_next) {
        if (R->diverged)
            return RW_EXIT_TOOL;
        rw_fatal("the recording in %s has no events%s%s", o->dir, trace_truncated(r) ? ": " : "",
                 trace_truncated(r) ? trace_error(r) : "");
    }
    char *argv[] = {R->stub_path, NULL};
    char *envp[] = {NULL};
    int exec_errno;
    int cpu = R->h->bound_cpu;
    cpu_set_t allowed;
    if (sched_getaffinity(0, sizeof allowed, &allowed) == 0 && !CPU_ISSET(cpu, &allowed)) {
        rw_warn("the recording ran on CPU %d, which this machine does not have: cpuid may differ", cpu);
        cpu = sched_getcpu() >= 0 ? sched_getcpu() : 0;
    }
    struct task *t = task_spawn(argv, envp, task_setup_deterministic, &cpu, &exec_errno);
    if (t->stop != STOP_EXEC)
        rw_fatal("cannot start the replay stub %s: %s", R->stub_path, strerror(exec_errno));
    tracer_attach(&tr, &replayer_ops, R);
    tracer_add_task(&tr, t);
    tracer_run(&tr);
    int code;
    if (tr.stop_requested) {
        for (int i = 0; i < tr.ntasks; i++) {
            kill(tr.tasks[i]->tid, SIGKILL);
            int st;
            waitpid(tr.tasks[i]->tid, &st, __WALL);
        }
    }
    if (R->diverged || R->incomplete || !R->exited) {
        if (!R->diverged && !R->incomplete)
            rw_warn("replay ended before the recording did");
        code = RW_EXIT_TOOL;
    } else if (WIFEXITED(R->recorded_status)) {
        code = WEXITSTATUS(R->recorded_status);
    } else {
        code = 128 + WTERMSIG(R->recorded_status);
    }
    event_free(&R->next);
    event_free(&R->cur);
    free(R->stub_path);
    free(R);
    trace_close_reader(r);
    return code;
}
