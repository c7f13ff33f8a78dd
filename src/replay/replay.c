/* replay — the replayer engine and `rewind replay` driver (see replay.h). */
#include "replay.h"
#include "addrspace.h"
#include "replay_internal.h"
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
#include <linux/sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/shm.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

struct rpt *rpt_of_task(struct replayer *R, struct task *t)
{
    for (int i = 0; i < R->nthreads; i++)
        if (R->threads[i]->t == t)
            return R->threads[i];
    if (R->nthreads == MAX_TASKS)
        rw_fatal("too many threads");
    struct rpt *p = xcalloc(1, sizeof *p);
    p->t = t;
    p->mmap_fd = -1;
    R->threads[R->nthreads++] = p;
    return p;
}

struct rpt *rpt_of_rec(struct replayer *R, int32_t rec_tid)
{
    for (int i = 0; i < R->nthreads; i++)
        if (R->threads[i]->rec_tid == rec_tid)
            return R->threads[i];
    return NULL;
}

/* The program break replay keeps for an address space. */
uint64_t *brk_of(struct replayer *R, pid_t tgid)
{
    for (int i = 0; i < R->nbrks; i++)
        if (R->brks[i].tgid == tgid)
            return &R->brks[i].brk;
    if (R->nbrks == MAX_TASKS)
        R->nbrks = 0;
    R->brks[R->nbrks].tgid = tgid;
    R->brks[R->nbrks].brk = 0;
    return &R->brks[R->nbrks++].brk;
}

static void stop_replay(struct replayer *R)
{
    R->diverged = true;
    R->tr.stop_requested = true;
}

/* Reads one event from the trace; false at its end (or on corruption). */
static bool read_one(struct replayer *R, struct event *ev)
{
    if (R->trace_done)
        return false;
    int rc = trace_read_event(R->r, ev);
    if (rc == 1)
        return true;
    R->trace_done = true;
    if (rc < 0) {
        rw_warn("%s", trace_error(R->r));
        stop_replay(R);
    }
    return false;
}

void advance(struct replayer *R)
{
    event_free(&R->next);
    R->have_next = false;
    if (R->nahead) {
        R->next = R->ahead[0];
        memmove(R->ahead, R->ahead + 1, sizeof *R->ahead * (size_t)--R->nahead);
        R->have_next = true;
        return;
    }
    R->have_next = read_one(R, &R->next);
}

#define LOOKAHEAD 4096

/* The i-th event past R->next, read from the trace now if need be; NULL past
 * the end of the trace or LOOKAHEAD events.  Valid until the replay advances. */
static const struct event *event_ahead(struct replayer *R, int i)
{
    if (i == R->nahead) {
        if (R->nahead == LOOKAHEAD)
            return NULL;
        if (!R->ahead)
            R->ahead = xcalloc(LOOKAHEAD, sizeof *R->ahead);
        if (!read_one(R, &R->ahead[R->nahead]))
            return NULL;
        R->nahead++;
    }
    return &R->ahead[i];
}

/* The next recorded event of thread rec_tid: R->next, or one read past it (at
 * most LOOKAHEAD events further); NULL if there is none that close. */
static const struct event *next_event_for(struct replayer *R, int32_t rec_tid)
{
    if (!R->have_next)
        return NULL;
    if (R->next.tid == rec_tid)
        return &R->next;
    const struct event *ev;
    for (int i = 0; (ev = event_ahead(R, i)); i++)
        if (ev->tid == rec_tid)
            return ev;
    return NULL;
}

/* The signal the recording delivers to thread rec_tid as its next event, 0 if
 * its next event is something else.  Needed when a real syscall the recording
 * saw interrupted is blocked here and only that signal ends it, and for the
 * waits replayed as rt_sigsuspend (wait_with_mask).  The signal may be the very
 * next event (the common case), or come after other threads' events. */
static int next_signal_for(struct replayer *R, int32_t rec_tid)
{
    const struct event *ev = next_event_for(R, rec_tid);
    return ev && ev->type == EV_SIGNAL ? ev->signo : 0;
}


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
            rw_warn("replay diverged after the last recorded event (thread %d): found %s", t ? t->tid : 0, found);
            R->diverged = true;
        }
    } else {
        struct buf b = {0};
        event_format(&b, &R->next);
        buf_put_u8(&b, 0);
        rw_warn("replay diverged at event %lu (thread %d): expected %s; found %s",
                (unsigned long)R->next.seq, R->next.tid, (char *)b.data, found);
        buf_free(&b);
        R->diverged = true;
    }
    R->tr.stop_requested = true;
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
    uint64_t *brk_cur = brk_of(R, t->tgid);
    if (*brk_cur && nb != *brk_cur) {
        uint64_t old_end = PAGE_UP(*brk_cur), new_end = PAGE_UP(nb);
        if (new_end > old_end)
            task_inject_syscall(t, SYS_mmap, old_end, new_end - old_end, PROT_READ | PROT_WRITE,
                                MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, (uint64_t)-1, 0);
        else if (new_end < old_end)
            task_inject_syscall(t, SYS_munmap, new_end, old_end - new_end, 0, 0, 0, 0);
    }
    *brk_cur = nb;
}

/* Rewrites a recorded mmap so the kernel places it exactly where it was,
 * backed by the trace's copy of the file. */
static bool prepare_mmap(struct replayer *R, struct rpt *p, struct task *t, const struct event *ev)
{
    regs_t r = *task_regs(t);
    uint64_t flags = ev->args[3];
    flags &= ~(uint64_t)(MAP_FIXED_NOREPLACE | MAP_32BIT);
    flags |= MAP_FIXED;
    p->mmap_fd = -1;
    if (!(flags & MAP_ANONYMOUS)) {
        if (!ev->file_id) {
            diverge(R, t, "a file mapping the recording has no copy of");
            return false;
        }
        /* Never write through to the trace's copy (it may be a hard link):
         * shared mappings get a private copy that the replayed processes share. */
        bool shared = (flags & MAP_TYPE) != MAP_PRIVATE;
        if (shared)
            flags = (flags & ~(uint64_t)MAP_TYPE) | MAP_SHARED;
        p->mmap_fd = shared ? addrspace_open_shared(t, R->r, ev->file_id, ev->vals[0])
                            : addrspace_open_file(t, R->r, ev->file_id);
        if (p->mmap_fd < 0) {
            rw_warn("cannot open the trace's copy of a mapped file: %s", strerror((int)-p->mmap_fd));
            stop_replay(R);
            return false;
        }
        regs_set_arg(&r, 4, (uint64_t)p->mmap_fd);
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

/* Takes the next event over as p's current syscall. */
static void take_next(struct replayer *R, struct rpt *p)
{
    event_free(&p->cur);
    p->cur = R->next;
    memset(&R->next, 0, sizeof R->next);
    R->have_next = false;
    p->cur_open = true;
    advance(R);
}

static bool entry_matches(struct replayer *R, struct task *t, const struct eng_ctx *c, const struct event *ev)
{
    regs_t *r = task_regs(t);
    const struct syscall_info *si = syscall_lookup(c->nr);
    int nargs = si ? si->nargs : 6;
    bool args_same = true;
    for (int i = 0; i < nargs; i++)
        args_same &= c->args[i] == ev->args[i];
    if (c->nr != ev->nr || !args_same || regs_ip(r) != ev->ip || regs_sp(r) != ev->sp) {
        struct buf b = {0};
        syscall_format(&b, c->nr, c->args, 0, false, task_mem_read_cb, t);
        for (int i = 0; i < nargs && c->nr == ev->nr; i++)
            if (c->args[i] != ev->args[i]) {
                char d[96];
                int n = snprintf(d, sizeof d, " [argument %d is %#lx, recorded %#lx]", i + 1,
                                 (unsigned long)c->args[i], (unsigned long)ev->args[i]);
                buf_put(&b, d, (size_t)n);
            }
        buf_put_u8(&b, 0);
        diverge(R, t, "%s at ip %#lx sp %#lx (recorded ip %#lx sp %#lx)", (char *)b.data,
                (unsigned long)regs_ip(r), (unsigned long)regs_sp(r), (unsigned long)ev->ip,
                (unsigned long)ev->sp);
        buf_free(&b);
        return false;
    }
    if (!inputs_match(t, ev)) {
        struct buf b = {0};
        syscall_format(&b, c->nr, c->args, 0, false, task_mem_read_cb, t);
        buf_put_u8(&b, 0);
        diverge(R, t, "%s (different memory arguments)", (char *)b.data);
        buf_free(&b);
        return false;
    }
    return true;
}

/* Whether replay runs this recorded syscall for real (else it is answered from the trace). */
static bool runs_for_real(const struct event *ev)
{
    bool real = (ev->flags & EVF_EXEC_REAL) && !(ev->flags & EVF_REFUSED);
    if (real && is_error(ev->ret) && (ev->nr == SYS_mmap || ev->nr == SYS_execve || ev->nr == SYS_execveat ||
                                      ev->nr == SYS_clone || ev->nr == SYS_fork || ev->nr == SYS_vfork ||
                                      ev->nr == SYS_shmat || ev->nr == SYS_shmdt))
        real = false; /* failed: nothing to reproduce but the error */
    if (ev->nr == SYS_brk)
        real = false;
    return real;
}

/* System V shared memory: the recorded segment ids mean nothing here (shmget
 * and shmctl are answered from the trace).  A shmat becomes a mmap of the
 * memory file that stands for its segment (record/shm.c), at the recorded
 * address; a shmdt, a munmap of what it detached. */
static bool prepare_shm(struct replayer *R, struct rpt *p, struct task *t, const struct event *ev)
{
    regs_t r = *task_regs(t);
    if (!ev->vals[1]) {
        diverge(R, t, "%s of a segment the recording has no size for", syscall_name(ev->nr));
        return false;
    }
    if (ev->nr == SYS_shmdt) {
        regs_set_sysno(&r, SYS_munmap);
        regs_set_arg(&r, 1, ev->vals[1]);
        task_set_regs(t, &r);
        return true;
    }
    p->mmap_fd = addrspace_open_shm(t, ev->vals[0], ev->vals[1]);
    if (p->mmap_fd < 0) {
        rw_warn("cannot make the copy of a System V shared memory segment: %s", strerror((int)-p->mmap_fd));
        stop_replay(R);
        return false;
    }
    uint64_t prot = (ev->args[2] & SHM_RDONLY) ? PROT_READ : PROT_READ | PROT_WRITE;
    if (ev->args[2] & SHM_EXEC)
        prot |= PROT_EXEC;
    regs_set_sysno(&r, SYS_mmap);
    regs_set_arg(&r, 0, (uint64_t)ev->ret);
    regs_set_arg(&r, 1, ev->vals[1]);
    regs_set_arg(&r, 2, prot);
    regs_set_arg(&r, 3, MAP_SHARED | MAP_FIXED);
    regs_set_arg(&r, 4, (uint64_t)p->mmap_fd);
    regs_set_arg(&r, 5, 0);
    task_set_regs(t, &r);
    return true;
}

/* Whether replay runs ev for real with arguments made from its recorded
 * result (see prepare_real), which it cannot do before it knows the result. */
static bool placed_by_result(const struct event *ev)
{
    return ev->nr == SYS_mmap || ev->nr == SYS_mremap || ev->nr == SYS_shmat || ev->nr == SYS_shmdt;
}

/* Rewrites a real syscall's arguments where the recording's placement must be
 * forced.  False if replay had to stop. */
static bool prepare_real(struct replayer *R, struct rpt *p, struct task *t, const struct event *ev)
{
    if (ev->nr == SYS_mmap && !prepare_mmap(R, p, t, ev))
        return false;
    if ((ev->nr == SYS_shmat || ev->nr == SYS_shmdt) && !prepare_shm(R, p, t, ev))
        return false;
    if (ev->nr == SYS_mremap && (uint64_t)ev->ret != ev->args[0]) {
        regs_t nr = *task_regs(t);
        regs_set_arg(&nr, 3, nr.r10 | MREMAP_MAYMOVE | MREMAP_FIXED);
        regs_set_arg(&nr, 4, (uint64_t)ev->ret);
        task_set_regs(t, &nr);
    }
    if ((ev->nr == SYS_execve || ev->nr == SYS_execveat) && (ev->flags & EVF_NO_RETURN))
        prepare_execve(R, t);
    return true;
}

/* A dying thread's robust futexes: the kernel marks the ones it still holds
 * FUTEX_OWNER_DIED, recognizing them by the owner tid in the futex word.  At
 * replay those words hold the recorded tid, not ours, so the kernel would skip
 * them: do its work here, with the recorded tid. */
#define ROBUST_WAITERS 0x80000000u
#define ROBUST_OWNER_DIED 0x40000000u
#define ROBUST_TID_MASK 0x3fffffffu

static void robust_mark(struct task *t, uint64_t addr, int32_t rec_tid)
{
    uint32_t v;
    if (task_read(t, addr, &v, sizeof v) == sizeof v && (v & ROBUST_TID_MASK) == (uint32_t)rec_tid) {
        v = (v & ROBUST_WAITERS) | ROBUST_OWNER_DIED;
        task_write(t, addr, &v, sizeof v);
    }
}

static void emulate_robust_exit(struct task *t, int32_t rec_tid)
{
    uint64_t head = 0;
    size_t len = 0;
    if (syscall(SYS_get_robust_list, t->tid, &head, &len) != 0 || !head)
        return;
    struct { uint64_t next; int64_t futex_offset; uint64_t pending; } h;
    if (task_read(t, head, &h, sizeof h) != sizeof h)
        return;
    uint64_t e = h.next;
    for (int n = 0; e && e != head && n < 2048; n++) {
        robust_mark(t, e + (uint64_t)h.futex_offset, rec_tid);
        if (task_read(t, e, &e, sizeof e) != sizeof e)
            break;
    }
    if (h.pending)
        robust_mark(t, h.pending + (uint64_t)h.futex_offset, rec_tid);
}

/* pselect6, ppoll and epoll_pwait wait with a temporary signal mask, and a
 * signal that interrupts them is delivered under that mask.  Answering them
 * from the trace would deliver it under the normal mask, where it may be
 * blocked.  Instead run rt_sigsuspend with the same temporary mask and the
 * signal already pending: it returns at once, exactly as the wait did. */
static bool wait_with_mask(struct replayer *R, struct rpt *p, struct task *t, const struct event *ev)
{
    if (!(ev->flags & EVF_INTERRUPTED))
        return false;
    uint64_t mask = 0, size = 0;
    if (ev->nr == SYS_pselect6 && ev->args[5]) {
        uint64_t ss[2];
        if (task_read(t, ev->args[5], ss, sizeof ss) != sizeof ss)
            return false;
        mask = ss[0], size = ss[1];
    } else if (ev->nr == SYS_ppoll) {
        mask = ev->args[3], size = ev->args[4];
    } else if (ev->nr == SYS_epoll_pwait || ev->nr == SYS_epoll_pwait2) {
        mask = ev->args[4], size = ev->args[5];
    }
    int sig = mask ? next_signal_for(R, p->rec_tid) : 0;
    if (!sig)
        return false;
    regs_t r = *task_regs(t);
    regs_set_sysno(&r, SYS_rt_sigsuspend);
    regs_set_arg(&r, 0, mask);
    regs_set_arg(&r, 1, size);
    task_set_regs(t, &r);
    syscall(SYS_tgkill, t->tgid, t->tid, sig);
    p->signal_sent_early = true;
    p->masked_wait = true;
    return true;
}

/* Readies the answer to p's current syscall, which replay does not run: true
 * if the caller is to skip it with the recorded result (the memory at a moved
 * program break is in place, the output printed again), false if it runs as
 * rt_sigsuspend instead (see wait_with_mask).  The same whether the call is
 * answered at its entry or, overtaken in the recording, at its completion. */
static bool answer_from_trace(struct replayer *R, struct rpt *p, struct task *t)
{
    const struct event *ev = &p->cur;
    if (wait_with_mask(R, p, t, ev))
        return false;
    if (ev->nr == SYS_brk)
        replay_brk(R, t, ev);
    echo_output(R, t, ev);
    return true;
}

static enum eng_verdict rp_syscall_entry(void *self, struct eng_ctx *c)
{
    struct replayer *R = self;
    struct task *t = c->task;
    struct rpt *p = rpt_of_task(R, t);
    if (!R->have_next || R->next.type != EV_SYSCALL || R->next.tid != p->rec_tid) {
        diverge(R, t, "%s (syscall %ld) at %#lx", syscall_name(c->nr), c->nr,
                (unsigned long)regs_ip(task_regs(t)));
        return ENG_STOP;
    }
    if (!entry_matches(R, t, c, &R->next))
        return ENG_STOP;
    bool entry_only = R->next.flags & EVF_ENTRY_ONLY;
    take_next(R, p);
    const struct event *cur = &p->cur;
    if (entry_only) {
        /* Other threads ran while this one was in the kernel: its result comes
         * later in the recording.  Real calls (vfork, rt_sigsuspend) go ahead
         * now, but not those replay places by their result (a mmap's address):
         * they wait for it and run then. */
        if (!runs_for_real(cur) || placed_by_result(cur)) {
            p->entry_held = true;
            return ENG_HOLD;
        }
        p->ran_ahead = true;
        p->have_real_ret = false;
        return ENG_STOP;
    }
    if (cur->nr == SYS_exit) {
        emulate_robust_exit(t, p->rec_tid);
    } else if (cur->nr == SYS_exit_group) {
        for (int i = 0; i < R->nthreads; i++)
            if (R->threads[i]->t && R->threads[i]->t->tgid == t->tgid)
                emulate_robust_exit(R->threads[i]->t, R->threads[i]->rec_tid);
    }
    if (!runs_for_real(cur)) {
        if (answer_from_trace(R, p, t))
            ctx_emulate(c, cur->ret);
        return ENG_STOP;
    }
    /* A real call that was interrupted (rt_sigsuspend): make the signal pending
     * before it starts, so it returns the way it did instead of waiting.  The
     * signal need not be the very next event: a Ctrl-C reaches every process
     * of the group, and the recording may list another's events before this
     * one's delivery.  Sending it now is safe: the thread stops at the
     * syscall's exit and is held there until the recording reaches the
     * delivery. */
    const struct event *sig = (cur->flags & EVF_INTERRUPTED) ? next_event_for(R, p->rec_tid) : NULL;
    if (sig && sig->type == EV_SIGNAL && (sig->flags & EVF_SIG_INJECT)) {
        syscall(SYS_tgkill, t->tgid, t->tid, sig->signo);
        p->signal_sent_early = true;
    }
    prepare_real(R, p, t, cur);
    return ENG_STOP;
}

/* Follows the per-thread kernel state a real call set (see struct rpt). */
static void note_thread_state(struct rpt *p, struct task *t, const struct event *ev)
{
    if (is_error(ev->ret))
        return;
    if (ev->nr == SYS_set_tid_address)
        p->clear_tid = ev->args[0];
    if (ev->nr == SYS_sigaltstack && ev->args[0]) {
        struct { uint64_t sp; int32_t flags; int32_t pad; uint64_t size; } ss;
        if (task_read(t, ev->args[0], &ss, sizeof ss) == sizeof ss)
            p->altstack = (ss.flags & SS_DISABLE) ? (struct altstack){0}
                                                  : (struct altstack){ss.sp, ss.flags, ss.size};
    }
}

/* After a real syscall: check the kernel agreed, then make its visible effects
 * the recorded ones (the new thread's tid, not ours). */
static bool finish_real(struct replayer *R, struct rpt *p, struct task *t, int64_t got, int64_t *result)
{
    const struct event *ev = &p->cur;
    if (p->mmap_fd >= 0) {
        task_inject_syscall(t, SYS_close, (uint64_t)p->mmap_fd, 0, 0, 0, 0, 0);
        p->mmap_fd = -1;
    }
    /* Arguments we rewrote (mmap's fd and address, mremap's target, the calls
     * shmat and shmdt became) must not leak into the program's registers: the
     * kernel preserves them, so the recording has the originals there. */
    if (ev->nr == SYS_mmap || ev->nr == SYS_mremap || ev->nr == SYS_shmat || ev->nr == SYS_shmdt) {
        regs_t r = *task_regs(t);
        for (int i = 0; i < 6; i++)
            regs_set_arg(&r, i, ev->args[i]);
        regs_set_sysno(&r, (uint64_t)ev->nr);
        task_set_regs(t, &r);
    }
    bool pid_valued = ev->nr == SYS_set_tid_address || ev->nr == SYS_clone || ev->nr == SYS_fork ||
                      ev->nr == SYS_vfork;
    if (got != ev->ret && !(ev->flags & EVF_NO_RETURN) && !(pid_valued && got > 0)) {
        rw_warn("replay diverged at event %lu (thread %d): %s returned %ld here, %ld when recorded",
                (unsigned long)ev->seq, ev->tid, syscall_name(ev->nr), (long)got, (long)ev->ret);
        stop_replay(R);
        return false;
    }
    for (uint32_t i = 0; i < ev->npatches; i++)
        task_write(t, ev->patches[i].addr, ev->patches[i].data, ev->patches[i].len);
    note_thread_state(p, t, ev);
    if ((ev->nr == SYS_clone || ev->nr == SYS_fork || ev->nr == SYS_vfork) && ev->ret > 0 && p->child) {
        struct rpt *c = rpt_of_task(R, p->child);
        c->rec_tid = (int32_t)ev->ret;
        uint64_t flags = ev->nr == SYS_clone ? ev->args[0] : 0;
        if (flags & CLONE_CHILD_SETTID) {
            int32_t tid = (int32_t)ev->ret;
            task_write(p->child, ev->args[3], &tid, sizeof tid);
        }
        p->child = NULL;
    }
    *result = ev->ret;
    return true;
}

static void rp_syscall_exit(void *self, struct eng_ctx *c)
{
    struct replayer *R = self;
    struct task *t = c->task;
    struct rpt *p = rpt_of_task(R, t);
    if (p->ran_ahead) {
        if (!p->completion_taken) {
            /* the recording has not said yet how it ended: the scheduler finishes it */
            p->have_real_ret = true;
            p->real_ret = c->ret;
            return;
        }
        p->ran_ahead = false;
        p->completion_taken = false;
    }
    if (!p->cur_open)
        return;
    p->cur_open = false;
    p->entry_held = false;
    const struct event *ev = &p->cur;
    if (p->masked_wait) {
        /* back to the recorded call: the registers and, for a restart, the number */
        p->masked_wait = false;
        regs_t r = *task_regs(t);
        regs_set_sysno(&r, (uint64_t)ev->nr);
        for (int i = 0; i < 6; i++)
            regs_set_arg(&r, i, ev->args[i]);
        task_set_regs(t, &r);
        for (uint32_t i = 0; i < ev->npatches; i++)
            task_write(t, ev->patches[i].addr, ev->patches[i].data, ev->patches[i].len);
        ctx_set_result(c, ev->ret);
        return;
    }
    if (c->emulated) {
        for (uint32_t i = 0; i < ev->npatches; i++)
            if (task_write(t, ev->patches[i].addr, ev->patches[i].data, ev->patches[i].len) != ev->patches[i].len) {
                diverge(R, t, "memory at %#lx that the recording wrote is not writable here",
                        (unsigned long)ev->patches[i].addr);
                return;
            }
        /* it changed a file the recording maps shared: so does the replay's copy */
        char err[512];
        if (ev->vals[0] && !addrspace_update_shared(R->r, ev->vals[0], ev->file_id, ev->vals[1], ev->vals[2],
                                                    err, sizeof err)) {
            rw_warn("replay failed at event %lu: %s", (unsigned long)ev->seq, err);
            stop_replay(R);
        }
    } else {
        int64_t result;
        if (finish_real(R, p, t, c->ret, &result))
            ctx_set_result(c, result);
    }
}

static bool replay_trapped_insn(struct replayer *R, struct rpt *p, struct task *t)
{
    if (!R->have_next || (R->next.type != EV_RDTSC && R->next.type != EV_CPUID) || R->next.tid != p->rec_tid)
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
    struct rpt *p = rpt_of_task(R, t);
    if (c->sig == SIGSEGV && replay_trapped_insn(R, p, t)) {
        c->sig = 0;
        return ENG_STOP;
    }
    if (!R->have_next || R->next.type != EV_SIGNAL || R->next.signo != c->sig || R->next.tid != p->rec_tid) {
        siginfo_t si;
        task_get_siginfo(t, &si);
        if (si.si_code > 0 && si.si_code != SI_KERNEL && (c->sig == SIGSEGV || c->sig == SIGBUS ||
                                                          c->sig == SIGILL || c->sig == SIGFPE))
            diverge(R, t, "signal %s at %#lx", signal_name(c->sig), (unsigned long)regs_ip(task_regs(t)));
        /* a signal the replay itself caused (SIGCHLD from a replayed child) or
         * one from outside (Ctrl-C): the recording says when signals arrive */
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
    p->signal_sent_early = false;
    advance(R);
    return ENG_STOP;
}

static enum eng_verdict rp_exec(void *self, struct eng_ctx *c)
{
    struct replayer *R = self;
    struct task *t = c->task;
    struct rpt *p = rpt_of_task(R, t);
    p->cur_open = false;
    if (!R->have_next || R->next.type != EV_EXEC || (p->rec_tid && R->next.tid != p->rec_tid)) {
        diverge(R, t, "an exec");
        return ENG_STOP;
    }
    if (!p->rec_tid)
        p->rec_tid = R->next.tid;
    /* A thread other than the leader exec'd: the event has the tid it exec'd
     * with; from now on it is the leader, under the recorded pid. */
    if (R->next.pid > 0)
        p->rec_tid = R->next.pid;
    p->clear_tid = 0;
    p->altstack = (struct altstack){0};
    char err[512];
    if (!addrspace_rebuild(t, R->r, &R->next, err, sizeof err)) {
        rw_warn("replay failed at event %lu: %s", (unsigned long)R->next.seq, err);
        stop_replay(R);
        return ENG_STOP;
    }
    if (R->h->cpuid_faulting)
        task_inject_syscall(t, SYS_arch_prctl, ARCH_SET_CPUID, 0, 0, 0, 0, 0);
    *brk_of(R, t->tgid) = 0;
    if (R->hooks.after_exec)
        R->hooks.after_exec(R->hooks.self, t, &R->next);
    advance(R);
    return ENG_STOP;
}

/* t is freed after this: no pointer to it may survive. */
static void forget_task(struct replayer *R, struct task *t)
{
    for (int i = 0; i < R->nthreads; i++) {
        if (R->threads[i]->t == t)
            R->threads[i]->t = NULL;
        if (R->threads[i]->child == t)
            R->threads[i]->child = NULL;
    }
}

static void rp_exit(void *self, struct eng_ctx *c)
{
    struct replayer *R = self;
    struct rpt *p = rpt_of_task(R, c->task);
    p->exited = true;
    p->status = c->status;
    forget_task(R, c->task);
}

/* A thread other than the leader exec'd and the kernel gave it the leader's
 * tid (see engine.h).  The recording has no exit for the old leader: it ends
 * here, silently.  The exec'ing thread keeps its recorded tid until rp_exec
 * sees the exec event. */
static void rp_takeover(void *self, struct eng_ctx *c)
{
    struct replayer *R = self;
    for (int i = 0; i < R->nthreads; i++)
        if (R->threads[i]->t == c->old_leader) {
            R->threads[i]->exited = true;
            R->threads[i]->rec_tid = 0;   /* its recorded tid goes to the exec'ing thread */
        }
    forget_task(R, c->old_leader);
}

static void fix_child_tid(struct rpt *child)
{
    int32_t tid = child->rec_tid;
    if (child->settid_addr && child->t)
        task_write(child->t, child->settid_addr, &tid, sizeof tid);
    child->settid_addr = 0;
}

static void rp_clone(void *self, struct eng_ctx *c)
{
    struct replayer *R = self;
    struct rpt *parent = rpt_of_task(R, c->task);
    struct rpt *child = rpt_of_task(R, c->child);
    parent->child = c->child;
    /* a forked child starts with its parent's program break; a thread shares it
     * (by tgid), and a vfork child gets its own at exec */
    if (c->clone_kind == PTRACE_EVENT_FORK)
        *brk_of(R, c->child->tgid) = *brk_of(R, c->task->tgid);
    /* the kernel state a checkpoint must make again: the tid cleared at exit
     * (clone's child_tid argument) and the alternate signal stack, which a
     * new thread does not inherit but a new process does */
    const regs_t *cr = task_regs(c->task);
    uint64_t flags = regs_sysno(cr) == SYS_clone ? regs_arg(cr, 0) : 0;
    child->clear_tid = (flags & CLONE_CHILD_CLEARTID) ? regs_arg(cr, 3) : 0;
    bool thread = (flags & CLONE_VM) && !(flags & CLONE_VFORK);
    child->altstack = thread ? (struct altstack){0} : parent->altstack;
    /* the recorded clone result names the child, unless the recording has not
     * said yet (the creator was overtaken in the kernel: see rp_schedule) */
    const struct event *ev = &parent->cur;
    if (!parent->cur_open || parent->ran_ahead || ev->ret <= 0)
        return;
    child->rec_tid = (int32_t)ev->ret;
    /* The kernel stored our tid where the program keeps its own (pthread's tid
     * field): put the recorded one there before either side can look. */
    if (ev->nr == SYS_clone && (ev->args[0] & CLONE_CHILD_SETTID)) {
        /* the kernel stores it when the child first runs: after its first stop */
        child->settid_addr = ev->args[3];
        if (tracer_is_held(c->tracer, c->child))
            fix_child_tid(child);
    }
    for (uint32_t i = 0; i < ev->npatches; i++)
        task_write(c->task, ev->patches[i].addr, ev->patches[i].data, ev->patches[i].len);
}

static const struct engine_ops replayer_ops = {
    .name = "replayer",
    .syscall_entry = rp_syscall_entry,
    .syscall_exit = rp_syscall_exit,
    .signal = rp_signal,
    .exec = rp_exec,
    .exit = rp_exit,
    .clone = rp_clone,
    .takeover = rp_takeover,
};

/* Loads a recorded state delta (preemption or asynchronous signal) into t. */
static void apply_delta(struct task *t, const struct event *ev)
{
    for (uint32_t i = 0; i < ev->npatches; i++)
        task_write(t, ev->patches[i].addr, ev->patches[i].data, ev->patches[i].len);
    if (ev->regs.len == sizeof(regs_t))
        task_set_regs(t, (const regs_t *)ev->regs.data);
    if (ev->xstate.len)
        task_set_xstate(t, ev->xstate.data, ev->xstate.len);
}

/* The recording's next word on a syscall that ran ahead (see rp_syscall_entry). */
static void complete_ran_ahead(struct replayer *R, struct rpt *p, struct tracer *tr)
{
    struct task *t = p->t;
    int64_t result;
    if (finish_real(R, p, t, p->real_ret, &result)) {
        regs_t r = *task_regs(t);
        regs_set_ret(&r, (uint64_t)result);
        task_set_regs(t, &r);
    }
    p->ran_ahead = false;
    p->have_real_ret = false;
    p->cur_open = false;
}

/* The replay thread of recorded thread rec_tid when the recording has not
 * named it yet: a child whose creator was overtaken inside clone, fork or
 * vfork, so that the child's tid (the creator's result) comes later in the
 * recording.  Two processes spawning at once leave two such children, so the
 * creator is found by that result further on, and its child here is the one;
 * NULL if it has not made that child here yet.  With no creator in sight, the
 * one unnamed thread it must be. */
static struct rpt *unnamed_thread(struct replayer *R, int32_t rec_tid)
{
    const struct event *ev;
    for (int i = 0; (ev = event_ahead(R, i)); i++) {
        bool creates = ev->nr == SYS_clone || ev->nr == SYS_fork || ev->nr == SYS_vfork;
        if (ev->type != EV_SYSCALL || !creates || (ev->flags & EVF_ENTRY_ONLY) || ev->ret != rec_tid)
            continue;
        struct rpt *creator = rpt_of_rec(R, ev->tid);
        for (int j = 0; creator && creator->child && j < R->nthreads; j++)
            if (R->threads[j]->t == creator->child && !R->threads[j]->rec_tid)
                return R->threads[j];
        return NULL;
    }
    for (int i = 0; i < R->nthreads; i++)
        if (R->threads[i]->t && !R->threads[i]->rec_tid)
            return R->threads[i];
    return NULL;
}

/* The replay scheduler: whichever thread the next recorded event belongs to is
 * the only one that runs; the others stay stopped where they are. */
static void rp_schedule(void *self, struct tracer *tr, struct task *stopped)
{
    struct replayer *R = self;
    if (!stopped && R->hooks.idle)
        R->hooks.idle(R->hooks.self);
    if (stopped) {
        struct rpt *sp = rpt_of_task(R, stopped);
        if (sp->settid_addr && sp->rec_tid)
            fix_child_tid(sp);
    }
    /* real calls the recording saw other threads overtake run right away */
    for (int i = 0; i < R->nthreads; i++) {
        struct rpt *q = R->threads[i];
        if (q->t && q->ran_ahead && !q->have_real_ret && tracer_is_held(tr, q->t))
            tracer_release(tr, q->t);
    }
    while (!tr->stop_requested) {
        if (!R->have_next) {
            if (trace_truncated(R->r) && R->trace_done) {
                if (!R->incomplete)
                    rw_warn("replay reached the end of the recording, which was interrupted: %s",
                            trace_error(R->r));
                R->incomplete = true;
                tr->stop_requested = true;
                return;
            }
            /* the end: whatever is still stopped is on its way out */
            for (int i = 0; i < tr->ntasks; i++)
                if (tracer_is_held(tr, tr->tasks[i]))
                    tracer_release(tr, tr->tasks[i]);
            return;
        }
        const struct event *ev = &R->next;
        struct rpt *p = rpt_of_rec(R, ev->tid);
        if (!p) {
            p = unnamed_thread(R, ev->tid);
            if (!p) {
                rw_dbg("schedule: event %lu waits for thread %d to be born", (unsigned long)ev->seq, ev->tid);
                return;
            }
            p->rec_tid = ev->tid;
        }
        if (ev->type == EV_EXIT) {
            if (p->exited) {
                if (p->status != ev->status) {
                    rw_warn("replay diverged at event %lu (thread %d): exit status %#x, recorded %#x",
                            (unsigned long)ev->seq, ev->tid, p->status, ev->status);
                    stop_replay(R);
                    return;
                }
                if (ev->tid == R->leader_rec_tid) {
                    R->recorded_status = ev->status;
                    R->exited = true;
                }
                advance(R);
                continue;
            }
            /* SIGKILL leaves no trace in its victim but its death: deliver it */
            if (p->t && WIFSIGNALED(ev->status) && WTERMSIG(ev->status) == SIGKILL && !p->kill_sent) {
                syscall(SYS_tgkill, p->t->tgid, p->t->tid, SIGKILL);
                p->kill_sent = true;
            }
            if (p->t && tracer_is_held(tr, p->t))
                tracer_release(tr, p->t);
            /* it may be waiting for another thread's exit_group to take it */
            for (int i = 0; i < R->nthreads; i++) {
                struct rpt *q = R->threads[i];
                if (q->t && q->cur_open && (q->cur.flags & EVF_NO_RETURN) && tracer_is_held(tr, q->t))
                    tracer_release(tr, q->t);
            }
            return;
        }
        struct task *t = p->t;
        if (!t) {
            diverge(R, NULL, "thread %d of the recording is gone here", ev->tid);
            return;
        }
        if (p->ran_ahead && !p->completion_taken) {
            if (ev->type != EV_SYSCALL || ev->nr != p->cur.nr) {
                diverge(R, t, "%s still in progress", syscall_name(p->cur.nr));
                return;
            }
            /* the completion of a real call that went ahead */
            struct event entry = p->cur;
            memset(&p->cur, 0, sizeof p->cur);
            take_next(R, p);
            event_free(&entry);
            if (p->have_real_ret && tracer_is_held(tr, t)) {
                complete_ran_ahead(R, p, tr);
                continue;
            }
            p->completion_taken = true;
            /* Still in the kernel: if a signal ended it, send that now (the
             * recording may list the completion before the signal's sender). */
            int sig = (p->cur.flags & EVF_INTERRUPTED) && !p->signal_sent_early ? next_signal_for(R, p->rec_tid) : 0;
            if (sig) {
                syscall(SYS_tgkill, t->tgid, t->tid, sig);
                p->signal_sent_early = true;
            }
            continue;
        }
        if (p->ran_ahead) {
            rw_dbg("schedule: event %lu waits for thread %d's kernel", (unsigned long)ev->seq, ev->tid);
            return;               /* its completion is known; waiting for the kernel */
        }
        if (p->have_real_ret) {
            complete_ran_ahead(R, p, tr);
            continue;
        }
        if (tracer_is_listening(tr, t) && ev->type == EV_SIGNAL && !p->signal_sent_early) {
            /* stopped by job control: the recorded signal (SIGCONT) wakes it */
            syscall(SYS_tgkill, t->tgid, t->tid, ev->signo);
            p->signal_sent_early = true;
            return;
        }
        if (!tracer_is_held(tr, t)) {
            rw_dbg("schedule: event %lu waits for thread %d (running)", (unsigned long)ev->seq, ev->tid);
            return;               /* it is on its way to this event */
        }
        if (p->cur_open && !p->entry_held) {
            tracer_release(tr, t); /* first let it finish the syscall it is in */
            return;
        }
        /* t is about to run toward ev: a debugger may want to stop here first */
        enum replay_window w = R->hooks.window ? R->hooks.window(R->hooks.self, t, ev) : WINDOW_GO;
        if (w == WINDOW_HOLD)
            return;
        if (w == WINDOW_EXECUTE) {
            /* a debugger runs the thread to the recorded state itself */
            tracer_release(tr, t);
            return;
        }
        switch (ev->type) {
        case EV_PREEMPT:
            apply_delta(t, ev);
            advance(R);
            continue;
        case EV_SIGNAL:
            if (ev->flags & EVF_SIG_ASYNC)
                apply_delta(t, ev);
            if ((ev->flags & (EVF_SIG_ASYNC | EVF_SIG_INJECT)) && !p->signal_sent_early) {
                syscall(SYS_tgkill, t->tgid, t->tid, ev->signo);
                /* Sent: another stop may come before its delivery (a SIGCONT
                 * first traps a seized thread with PTRACE_EVENT_STOP); then it
                 * must not be sent again.  rp_signal clears this at delivery. */
                p->signal_sent_early = true;
            }
            tracer_release(tr, t);
            return;
        case EV_SYSCALL:
            if (p->entry_held && !(ev->flags & EVF_ENTRY_ONLY)) {
                /* the recording now says how the held call ended */
                if (ev->nr != p->cur.nr) {
                    diverge(R, t, "%s still in progress", syscall_name(p->cur.nr));
                    return;
                }
                take_next(R, p);
                p->entry_held = false;
                if (runs_for_real(&p->cur)) {
                    if (!prepare_real(R, p, t, &p->cur))
                        return;
                } else if (answer_from_trace(R, p, t)) {
                    tracer_emulate_held(tr, t, p->cur.ret);
                }
                tracer_release(tr, t);
                return;
            }
            tracer_release(tr, t);
            return;
        default:
            tracer_release(tr, t);
            return;
        }
    }
}

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

/* Ends and reaps what is left of the replayed tree: the tasks a stopped replay
 * leaves, and the orphans handed to us (we are their subreaper) as their
 * parents died.  Bounded: a process that will not die cannot hang us. */
static void reap_all(bool kill_them)
{
    for (int round = 0; round < 200; round++) {
        if (kill_them) {
            char path[64];
            snprintf(path, sizeof path, "/proc/%d/task/%d/children", getpid(), getpid());
            char *list = read_file(path, NULL);
            for (char *p = list, *end; p && *p; p = end) {
                long pid = strtol(p, &end, 10);
                if (end == p)
                    break;
                if (pid > 0) {
                    kill((pid_t)pid, SIGKILL);
                    /* one stopped at its exit event needs a push to finish dying */
                    ptrace(PTRACE_CONT, (pid_t)pid, 0, 0);
                }
            }
            free(list);
        }
        int st;
        pid_t r;
        while ((r = waitpid(-1, &st, __WALL | WNOHANG)) > 0)
            if (kill_them && WIFSTOPPED(st))
                ptrace(PTRACE_CONT, r, 0, 0); /* a thread at its exit event: on to its end */
        if (r < 0)
            return;               /* no children left */
        usleep(10000);
    }
}

struct replayer *replay_open(const struct replay_options *o, const struct engine_ops *above, void *above_self,
                             char *err, size_t errlen)
{
    struct trace_reader *r = trace_open(o->dir, err, errlen);
    if (!r)
        return NULL;
    struct replayer *R = xcalloc(1, sizeof *R);
    R->r = r;
    R->h = trace_get_header(r);
    R->quiet = o->quiet;
    R->stub_path = find_stub();
    tracer_init(&R->tr);
    advance(R);
    if (!R->have_next) {
        if (!R->diverged)
            snprintf(err, errlen, "the recording in %s has no events%s%s", o->dir, trace_truncated(r) ? ": " : "",
                     trace_truncated(r) ? trace_error(r) : "");
        else
            snprintf(err, errlen, "cannot replay %s", o->dir);
        R->closed = true;
        replay_close(R);
        return NULL;
    }
    /* Replayed parents never really reap their children (wait4 is answered
     * from the trace): adopt orphans so none is left behind as a zombie. */
    prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
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
    /* Same CPU as the program: each ptrace stop is then a local wake-up, not a
     * cross-CPU one (several times cheaper on a VM). */
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(cpu, &one);
    sched_setaffinity(0, sizeof one, &one);
    if (t->stop != STOP_EXEC) {
        snprintf(err, errlen, "cannot start the replay stub %s: %s", R->stub_path, strerror(exec_errno));
        task_free(t);
        R->closed = true;
        replay_close(R);
        return NULL;
    }
    if (above)
        tracer_attach(&R->tr, above, above_self);
    tracer_attach(&R->tr, &replayer_ops, R);
    tracer_set_scheduler(&R->tr, rp_schedule, R, 0);
    R->leader_rec_tid = R->next.tid;
    rpt_of_task(R, t)->rec_tid = R->next.tid;
    tracer_add_task(&R->tr, t);
    return R;
}

void replay_set_hooks(struct replayer *R, const struct replay_hooks *h)
{
    R->hooks = *h;
}

void replay_set_quiet(struct replayer *R, bool quiet)
{
    R->quiet = quiet;
}

enum replay_state replay_run(struct replayer *R)
{
    tracer_run(&R->tr);
    if (R->tr.pause_requested && !R->tr.stop_requested && R->tr.ntasks > 0)
        return REPLAY_PAUSED;
    if (R->diverged)
        return REPLAY_FAILED;
    if (R->incomplete)
        return REPLAY_CUT_SHORT;
    return REPLAY_DONE;
}

struct tracer *replay_tracer(struct replayer *R) { return &R->tr; }
bool replay_next_event(struct replayer *R, const struct event **ev)
{
    *ev = R->have_next ? &R->next : NULL;
    return R->have_next;
}
uint64_t replay_position(struct replayer *R)
{
    return R->have_next ? R->next.seq : UINT64_MAX;
}

int32_t replay_rec_tid(struct replayer *R, struct task *t)
{
    for (int i = 0; i < R->nthreads; i++)
        if (R->threads[i]->t == t)
            return R->threads[i]->rec_tid;
    return 0;
}

struct task *replay_task_of(struct replayer *R, int32_t rec_tid)
{
    struct rpt *p = rpt_of_rec(R, rec_tid);
    return p ? p->t : NULL;
}

int32_t replay_rec_pid(struct replayer *R, struct task *t)
{
    for (int i = 0; i < R->nthreads; i++) {
        struct rpt *p = R->threads[i];
        if (p->t && p->t->tid == t->tgid)
            return p->rec_tid;
    }
    return 0;
}

int replay_close(struct replayer *R)
{
    int code = RW_EXIT_TOOL;
    if (!R->closed) {
        struct tracer *tr = &R->tr;
        bool kill_them = tr->stop_requested || tr->pause_requested;
        if (kill_them) {
            for (int i = 0; i < tr->ntasks; i++) {
                kill(tr->tasks[i]->tid, SIGKILL);
                ptrace(PTRACE_CONT, tr->tasks[i]->tid, 0, 0);
            }
        }
        reap_all(kill_them);
        if (R->diverged || R->incomplete || !R->exited) {
            if (!R->diverged && !R->incomplete && !tr->pause_requested)
                rw_warn("replay ended before the recording did");
        } else if (WIFEXITED(R->recorded_status)) {
            code = WEXITSTATUS(R->recorded_status);
        } else {
            code = 128 + WTERMSIG(R->recorded_status);
        }
        while (tr->ntasks > 0) {
            struct task *t = tr->tasks[--tr->ntasks];
            free(t->core);
            task_free(t);
        }
    }
    event_free(&R->next);
    for (int i = 0; i < R->nahead; i++)
        event_free(&R->ahead[i]);
    free(R->ahead);
    for (int i = 0; i < R->nthreads; i++) {
        event_free(&R->threads[i]->cur);
        free(R->threads[i]);
    }
    free(R->stub_path);
    trace_close_reader(R->r);
    free(R);
    addrspace_forget_shared();
    return code;
}

int replay_main(const struct replay_options *o)
{
    char err[1024];
    struct replayer *R = replay_open(o, NULL, NULL, err, sizeof err);
    if (!R)
        rw_fatal("%s", err);
    replay_run(R);
    return replay_close(R);
}
