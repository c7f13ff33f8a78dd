/* timeline_events — what the timeline does at each stop of a run: the
 * engine stacked above the replayer (breakpoint traps, single steps,
 * watchpoints, signals, exits) and the replayer's hooks (exec, window start,
 * idle), which pause the replay when the run's goal is reached. */
#include "timeline_internal.h"
#include "../engine/engine.h"
#include "../util/util.h"
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/user.h>
#include <sys/wait.h>

/* Arrivals at a state delta's ip by breakpoint after which a warning says
 * that this is slow (no gate could be used there: see timeline_gate.c). */
#define DELTA_ARRIVALS_SLOW 100000
#ifndef TRAP_TRACE
#define TRAP_TRACE 2
#endif
#ifndef TRAP_HWBKPT
#define TRAP_HWBKPT 4
#endif

static struct tl_image *image_of(struct timeline *tl, pid_t tgid, bool create);

void tl_pause_at(struct timeline *tl, struct task *t, enum dbg_stop_kind kind, uint64_t n)
{
    if (tl_gate_inside(tl, regs_ip(task_regs(t))) && !tl_gate_leave(tl, t))
        rw_warn("thread %d stopped in rewind's gate and could not leave it", (int)replay_rec_tid(tl->R, t));
    tl_fill_pos(tl, t, &tl->here, n);
    memset(&tl->stop, 0, sizeof tl->stop);
    tl->stop.kind = kind;
    tl->stop.pid = tl->pid;
    tl->stop.tid = tl->here.tid;
    tl->cur_tid = tl->here.tid;
    tl->paused = true;
    tl->goal = GOAL_NONE;
    tracer_pause(replay_tracer(tl->R));
}

struct tl_arrival *tl_arrival(struct timeline *tl, uint64_t addr)
{
    for (int i = 0; i < tl->narr; i++)
        if (tl->arr[i].addr == addr)
            return &tl->arr[i];
    if (tl->narr == TL_MAX_BPS + 2)
        return NULL;
    struct tl_arrival *a = &tl->arr[tl->narr++];
    a->addr = addr;
    a->n = 0;
    a->valid = false;         /* inserted after the window began: earlier arrivals were missed */
    return a;
}

/* Executes one instruction of t before it goes on (stepping off a breakpoint,
 * or a step the goal asked for).  A syscall instruction is not single-stepped
 * (the kernel would run it without syscall stops): the step ends at its exit. */
void tl_step_next(struct timeline *tl, struct task *t)
{
    uint8_t insn[2] = {0};
    tl->stepping = t;
    task_read(t, regs_ip(task_regs(t)), insn, 2);
    tl->step_syscall = !memcmp(insn, ARCH_SYSCALL_INSN, ARCH_SYSCALL_INSN_LEN);
    if (!tl->step_syscall)
        tracer_step_next(replay_tracer(tl->R), t);
}

/* t stands at ip, about to execute it (counted as an arrival n, 0: unknown). */
void tl_on_position(struct timeline *tl, struct task *t, uint64_t n, bool at_bp)
{
    uint64_t ip = regs_ip(task_regs(t));
    struct tl_pos here;
    tl_fill_pos(tl, t, &here, n);
    enum dbg_bp_kind kind;
    bool user = at_bp && tl_is_user_bp(tl, ip, &kind);
    switch (tl->goal) {
    case GOAL_CONTINUE:
        if (user) {
            tl_pause_at(tl, t, kind == DBG_BP_HW ? DBG_STOP_HWBREAK : DBG_STOP_SWBREAK, n);
            return;
        }
        break;
    case GOAL_SCAN:
        if (tl_pos_matches(&tl->target, &here)) {
            tl_pause_at(tl, t, DBG_STOP_INTERRUPT, n);
            return;
        }
        if (user && tl_is_target(tl, t)) {
            tl->have_cand = true;
            tl->cand = here;
            memset(&tl->cand_stop, 0, sizeof tl->cand_stop);
            tl->cand_stop.kind = kind == DBG_BP_HW ? DBG_STOP_HWBREAK : DBG_STOP_SWBREAK;
        }
        break;
    case GOAL_POS:
        if (tl_pos_matches(&tl->target, &here)) {
            tl_pause_at(tl, t, DBG_STOP_INTERRUPT, n);
            return;
        }
        break;
    default:
        break;
    }
    if (at_bp) {
        /* step off it with the original byte in place, then put it back */
        tl_remove_bp(tl, t, ip);
        tl->reinsert = ip;
        tl_step_next(tl, t);
    }
}

/* Watchpoint bp fired in t (after the write).  A step that was under way is
 * over too: the watchpoint is what gets reported. */
void tl_watch_triggered(struct timeline *tl, struct task *t, int bp)
{
    struct dbg_stop st = {.kind = DBG_STOP_WATCH, .addr = tl->bps[bp].addr, .watch_kind = tl->bps[bp].kind};
    tl_sw_watch_check(tl, t); /* the values as they are now: the next change is news */
    if (tl->stepping == t) {
        tl->stepping = NULL;
        tl->step_syscall = false;
        if (tl->reinsert) {
            tl_insert_bp(tl, t, tl->reinsert);
            tl->reinsert = 0;
        }
    }
    if (tl->goal == GOAL_SCAN) {
        tl_fill_pos(tl, t, &tl->cand, 0);
        tl->have_cand = true;
        tl->cand_stop = st;
        if (tl->sw_watch)
            tl_step_next(tl, t);
    } else if (!tl->paused) {
        tl_pause_at(tl, t, DBG_STOP_WATCH, 0);
        tl->stop.addr = st.addr;
        tl->stop.watch_kind = st.watch_kind;
    }
}

/* A single step of t finished: t stands at its next instruction. */
void tl_on_step_done(struct timeline *tl, struct task *t)
{
    tl->stepping = NULL;
    tl->step_syscall = false;
    if (tl->reinsert) {
        struct task *any = tl_any_task(tl);
        if (any)
            tl_insert_bp(tl, any, tl->reinsert);
        tl->reinsert = 0;
    }
    if (!tl_is_target(tl, t))
        return;
    if (tl->sw_watch && tl_watching(tl)) {
        /* software watchpoints: every instruction of the program is a step */
        int changed = tl_sw_watch_check(tl, t);
        if (changed >= 0) {
            tl_watch_triggered(tl, t, changed);
            return;
        }
        if (tl->goal != GOAL_STEP) {
            tl_step_next(tl, t);
            return;
        }
    }
    int32_t tid = replay_rec_tid(tl->R, t);
    uint64_t ip = regs_ip(task_regs(t));
    switch (tl->goal) {
    case GOAL_STEP:
        if (tid == tl->step_tid)
            tl_pause_at(tl, t, DBG_STOP_STEP, 0);
        return;
    case GOAL_STEPSCAN:
    case GOAL_STEPLAST: {
        if (tid != tl->target.tid)
            return;
        struct tl_pos here;
        tl_fill_pos(tl, t, &here, tl_count_step(tl, ip));
        uint64_t window = tl->goal == GOAL_STEPLAST ? tl->goal_event : tl->target.win;
        bool left = replay_position(tl->R) != window;
        if (left || (tl->goal == GOAL_STEPSCAN && tl_pos_matches(&tl->target, &here))) {
            /* prev is the answer: the position before the target, or the
             * last one of the window (found = false: the target was not seen) */
            tl->have_cand = tl->prev.valid && (tl->goal == GOAL_STEPLAST || !left);
            tl_pause_at(tl, t, DBG_STOP_STEP, here.n);
            return;
        }
        tl->prev = here;
        tl_step_next(tl, t);
        return;
    }
    default:
        return;
    }
}

/* ---- the engine above the replayer ---- */

static enum eng_verdict tl_signal(void *self, struct eng_ctx *c)
{
    struct timeline *tl = self;
    struct task *t = c->task;
    if (c->sig != SIGTRAP) {
        /* a recorded signal about to be delivered: the user may want to see it */
        const struct event *ev;
        if (tl->goal == GOAL_CONTINUE && tl_is_target(tl, t) && c->sig < 65 && !tl->pass[c->sig] &&
            replay_next_event(tl->R, &ev) && ev->type == EV_SIGNAL && ev->signo == c->sig &&
            ev->tid == replay_rec_tid(tl->R, t)) {
            tl_pause_at(tl, t, DBG_STOP_SIGNAL, 0);
            tl->stop.sig = c->sig;
        }
        return ENG_PASS;
    }
    siginfo_t si;
    task_get_siginfo(t, &si);
    regs_t r = *task_regs(t);
    enum tl_gate_stop gs = si.si_code == SI_KERNEL ? tl_gate_trapped(tl, t, regs_ip(&r)) : GATE_NONE;
    if (gs != GATE_NONE) {
        /* at the recorded ip with the recorded general registers (the window
         * hook compares the rest and loads the delta), or out of arrivals */
        c->sig = 0;
        const struct event *ev;
        bool same = replay_next_event(tl->R, &ev) && ev->regs.len == sizeof(regs_t) &&
                    tl_same_regs(task_regs(t), (const regs_t *)ev->regs.data);
        if (gs == GATE_MATCH && !same) {
            /* not quite (a segment register): an arrival like any other */
            regs_t on = *task_regs(t);
            regs_set_ip(&on, tl->gate.displaced);
            task_set_regs(t, &on);
        } else {
            tl_gate_close(tl, t);
        }
        rw_dbg("timeline: gate %s at %#lx", gs == GATE_MATCH ? "matched" : "used up",
               (unsigned long)regs_ip(task_regs(t)));
        return ENG_STOP;
    }
    if (si.si_code == SI_KERNEL && tl_inserted_at(tl, regs_ip(&r) - 1)) {
        regs_set_ip(&r, regs_ip(&r) - 1);
        task_set_regs(t, &r);
        c->sig = 0;
        if (tl->stepping == t) /* a step that ran into a breakpoint ends there */
            tl_on_step_done(tl, t);
        if (tl->paused)
            return ENG_STOP;
        uint64_t n = 0;
        if (replay_rec_tid(tl->R, t) && tl_is_target(tl, t)) {
            struct tl_arrival *a = tl_arrival(tl, regs_ip(&r));
            if (a) {
                a->n++;
                n = a->valid ? a->n : 0;
            }
        }
        if (regs_ip(&r) == tl->delta_bp && ++tl->delta_arrivals == DELTA_ARRIVALS_SLOW)
            rw_warn("thread %d: executing up to its recorded preemption by single arrivals (%d so far): this"
                    " can take a while", (int)replay_rec_tid(tl->R, t), DELTA_ARRIVALS_SLOW);
        rw_dbg("timeline: arrival at %#lx (n %lu) in window %lu", (unsigned long)regs_ip(&r), (unsigned long)n,
               (unsigned long)tl->win);
        tl_on_position(tl, t, n, true);
        return ENG_STOP;
    }
    if (si.si_code != TRAP_TRACE && si.si_code != TRAP_HWBKPT && si.si_code != TRAP_BRKPT)
        return ENG_PASS;
    long dr6 = ptrace(PTRACE_PEEKUSER, t->tid, tl_dr_offset(6), 0);
    ptrace(PTRACE_POKEUSER, t->tid, tl_dr_offset(6), 0);
    c->sig = 0;
    int hit = -1;
    for (int i = 0; i < TL_HWSLOTS && dr6 != -1; i++)
        if (dr6 & (1l << i))
            hit = i;
    if (hit >= 0 && hit < tl->nslots && tl_watching(tl)) {
        tl_watch_triggered(tl, t, tl->slots[hit].bp);
        return ENG_STOP;
    }
    if (hit >= TL_HWSLOTS - tl->gate.ninner && tl->gate.open) {
        /* a branch into the bytes under the gate's jump, stopped before it
         * ran anything: the original code back, and arrivals by breakpoint */
        rw_dbg("timeline: thread entered the gate's bytes at %#lx", (unsigned long)regs_ip(&r));
        tl_gate_close(tl, t);
        tl->gate.failed = true;
        return ENG_STOP;
    }
    /* software watchpoints step every thread of the process: any step is news */
    if (tl->stepping == t || (tl->sw_watch && tl_watching(tl) && tl_is_target(tl, t)))
        tl_on_step_done(tl, t);
    return ENG_STOP;
}

static void tl_syscall_exit(void *self, struct eng_ctx *c)
{
    struct timeline *tl = self;
    /* The syscall's event is consumed: a position here (the thread about to
     * run on) belongs to the next window, which the window hook has not
     * announced yet. */
    uint64_t win = tl->win;
    tl->win = replay_position(tl->R);
    bool triggered = false;
    /* the debug registers do not see the kernel write: compare after each syscall */
    if (tl->has_watches && tl_watching(tl) && !tl->paused && tl_is_target(tl, c->task)) {
        int changed = tl_sw_watch_check(tl, c->task);
        if (changed >= 0) {
            tl_watch_triggered(tl, c->task, changed);
            triggered = true;
        }
    }
    if (!triggered && tl->stepping == c->task && tl->step_syscall)
        tl_on_step_done(tl, c->task);
    tl->win = win;
}

static void tl_clone(void *self, struct eng_ctx *c)
{
    struct timeline *tl = self;
    /* a forked child runs its parent's image */
    struct tl_image *parent = image_of(tl, c->task->tgid, false);
    if (parent && c->child->tgid != c->task->tgid) {
        struct tl_image *im = image_of(tl, c->child->tgid, true);
        parent = image_of(tl, c->task->tgid, false);
        if (parent) {
            im->path = xstrdup(parent->path ? parent->path : "");
            memcpy(im->auxv, parent->auxv, parent->auxv_len);
            im->auxv_len = parent->auxv_len;
        }
    }
    /* a forked child gets a copy of memory, our breakpoint bytes included */
    if (c->child->tgid != c->task->tgid && c->clone_kind != PTRACE_EVENT_VFORK && tl_is_target(tl, c->task))
        for (int i = 0; i < tl->nins; i++)
            task_write(c->child, tl->ins[i].addr, &tl->ins[i].orig, 1);
}

static void tl_exit(void *self, struct eng_ctx *c)
{
    struct timeline *tl = self;
    struct task *t = c->task;
    if (!tl->pid || replay_rec_tid(tl->R, t) != tl->pid)
        return;
    /* the process leader is reaped last: the process is gone */
    tl->exited = true;
    tl->exit_status = c->status;
    if (tl->goal == GOAL_CONTINUE || tl->goal == GOAL_STEP) {
        memset(&tl->stop, 0, sizeof tl->stop);
        tl->stop.pid = tl->pid;
        tl->stop.tid = tl->pid;
        if (WIFEXITED(c->status)) {
            tl->stop.kind = DBG_STOP_EXITED;
            tl->stop.code = WEXITSTATUS(c->status);
        } else {
            tl->stop.kind = DBG_STOP_KILLED;
            tl->stop.sig = WTERMSIG(c->status);
        }
        tl->paused = true;
        tl->goal = GOAL_NONE;
        tracer_pause(replay_tracer(tl->R));
    }
}

const struct engine_ops tl_engine = {
    .name = "timeline",
    .signal = tl_signal,
    .syscall_exit = tl_syscall_exit,
    .clone = tl_clone,
    .exit = tl_exit,
};

/* ---- hooks from the replayer ---- */

/* The recorded auxiliary vector sits on the new image's stack above argv and envp. */
static void read_auxv(struct task *t, struct tl_image *im)
{
    uint64_t sp = regs_sp(task_regs(t)), argc = 0, w = 1;
    im->auxv_len = 0;
    if (task_read(t, sp, &argc, 8) != 8 || argc > 100000)
        return;
    uint64_t p = sp + 8 * (argc + 2);
    for (int i = 0; i < 100000 && w; i++, p += 8)
        if (task_read(t, p, &w, 8) != 8)
            return;
    for (size_t off = 0; off + 16 <= sizeof im->auxv; off += 16) {
        uint64_t kv[2];
        if (task_read(t, p + off, kv, 16) != 16)
            return;
        memcpy(im->auxv + off, kv, 16);
        im->auxv_len = off + 16;
        if (kv[0] == 0)
            return;
    }
}

/* The image a replayed process runs (by its tgid in this session). */
static struct tl_image *image_of(struct timeline *tl, pid_t tgid, bool create)
{
    for (int i = 0; i < tl->nimages; i++)
        if (tl->images[i].tgid == tgid)
            return &tl->images[i];
    if (!create)
        return NULL;
    struct tl_image *im = &tl->images[tl->nimages < TL_MAX_IMAGES ? tl->nimages++ : TL_MAX_IMAGES - 1];
    free(im->path);
    memset(im, 0, sizeof *im);
    im->tgid = tgid;
    return im;
}

/* gdb is now looking at process t: what it runs comes from its last exec. */
static void select_process(struct timeline *tl, struct task *t, int32_t pid)
{
    tl->pid = pid;
    tl->tgid = t->tgid;
    struct tl_image *im = image_of(tl, t->tgid, false);
    free(tl->exec_path);
    tl->exec_path = xstrdup(im && im->path ? im->path : "");
    tl->auxv_len = im ? im->auxv_len : 0;
    if (im)
        memcpy(tl->auxv, im->auxv, im->auxv_len);
}

void tl_after_exec(void *self, struct task *t, const struct event *ev)
{
    struct timeline *tl = self;
    struct tl_image *im = image_of(tl, t->tgid, true);
    im->rec_pid = ev->pid;
    read_auxv(t, im);
    /* the executable: the mapping that holds the entry point */
    uint64_t entry = 0;
    for (size_t off = 0; off + 16 <= im->auxv_len; off += 16) {
        uint64_t kv[2];
        memcpy(kv, im->auxv + off, 16);
        if (kv[0] == 9 /* AT_ENTRY */)
            entry = kv[1];
    }
    free(im->path);
    im->path = xstrdup(ev->path ? ev->path : "");
    for (uint32_t i = 0; i < ev->nmaps; i++)
        if (ev->maps[i].name && entry >= ev->maps[i].start && entry < ev->maps[i].end) {
            free(im->path);
            im->path = xstrdup(ev->maps[i].name);
        }
    if (tl->goal != GOAL_START || (tl->opts.pid && ev->pid != tl->opts.pid) || (tl->pid && ev->pid != tl->pid))
        return;
    select_process(tl, t, ev->pid);
    tl->win = ev->seq + 1;
    tl->win_seen = true;
    tl->narr = 0;
    tl_pause_at(tl, t, DBG_STOP_STEP, 0); /* reported as a plain SIGTRAP stop */
    tl->here.at_start = true;
}

/* Takes a fork checkpoint at the start of this window if the last one is far
 * enough behind (and the replay can be checkpointed here at all). */
static void maybe_checkpoint(struct timeline *tl, struct task *t, const struct event *ev)
{
    if (tl->nckpts == TL_MAX_CKPTS || tl->ckpt_every == UINT64_MAX || tl->stepping || tl->goal == GOAL_STEPSCAN || tl->goal == GOAL_STEPLAST ||
        tl->goal == GOAL_START || tl->paused || ev->seq < tl->start_win)
        return;
    int last = -1;
    for (int i = 0; i < tl->nckpts; i++)
        if (tl->ckpts[i].win <= ev->seq)
            last = i;
    if (last >= 0 && ev->seq - tl->ckpts[last].win < tl->ckpt_every)
        return;
    if (last + 1 < tl->nckpts && tl->ckpts[last + 1].win - ev->seq < tl->ckpt_every)
        return;
    if (!replay_can_checkpoint(tl->R, t))
        return;
    /* the copy must not carry our breakpoint bytes */
    tl_remove_all_bps(tl);
    struct replay_checkpoint *c = replay_checkpoint(tl->R, t);
    tl_insert_all_bps(tl, tl->reinsert);
    if (!c)
        return;
    memmove(&tl->ckpts[last + 2], &tl->ckpts[last + 1], sizeof *tl->ckpts * (size_t)(tl->nckpts - last - 1));
    tl->ckpts[last + 1] = (struct tl_ckpt){c, ev->seq, replay_rec_tid(tl->R, t)};
    tl->nckpts++;
    rw_dbg("timeline: checkpoint %d at event %lu", tl->nckpts, (unsigned long)ev->seq);
}

/* ^C from the client: stop the thread that runs (the one the next event belongs to). */
void tl_idle(void *self)
{
    struct timeline *tl = self;
    struct pollfd p = {.fd = tl->interrupt_fd, .events = POLLIN};
    if (tl->interrupt_fd < 0 || tl->interrupt_pending || poll(&p, 1, 0) != 1)
        return;
    tl->interrupt_pending = true;
    const struct event *ev;
    struct task *t = replay_next_event(tl->R, &ev) ? replay_task_of(tl->R, ev->tid) : NULL;
    if (t && !tracer_is_held(replay_tracer(tl->R), t))
        tracer_interrupt(replay_tracer(tl->R), t);
}

enum replay_window tl_window(void *self, struct task *t, const struct event *ev)
{
    struct timeline *tl = self;
    if (tl->interrupt_pending && tl->goal == GOAL_CONTINUE && !tl->paused) {
        tl->interrupt_pending = false;
        tl_pause_at(tl, t, DBG_STOP_INTERRUPT, 0);
        return WINDOW_HOLD;
    }
    /* code mapped since the last window (libraries) can take its breakpoints now */
    if (tl->pid && tl->goal != GOAL_START && tl->goal != GOAL_NONE)
        tl_insert_all_bps(tl, tl->stepping ? tl->reinsert : 0);
    rw_dbg("timeline: window %lu, thread at %#lx, goal %d", (unsigned long)ev->seq,
           (unsigned long)regs_ip(task_regs(t)), tl->goal);
    if (ev->seq != tl->win || !tl->win_seen) {
        /* a new window: arrivals count from here, for every breakpoint in place */
        tl->win = ev->seq;
        tl->win_seen = true;
        tl->narr = 0;
        for (int i = 0; i < tl->nins; i++) {
            tl->arr[tl->narr].addr = tl->ins[i].addr;
            tl->arr[tl->narr].n = 0;
            tl->arr[tl->narr].valid = true;
            tl->narr++;
        }
        tl->nsteps = 0;
    }
    if (tl->goal == GOAL_START && tl->opts.pid && !tl->pid && replay_rec_pid(tl->R, t) == tl->opts.pid) {
        /* a forked process that never exec'ed: it starts at its first window */
        select_process(tl, t, tl->opts.pid);
        tl_pause_at(tl, t, DBG_STOP_STEP, 0);
        tl->here.at_start = true;
        return WINDOW_HOLD;
    }
    bool event_goal = tl->goal == GOAL_EVENT && ev->seq >= tl->goal_event;
    bool scan_end = tl->goal == GOAL_SCAN && tl->target.at_start && ev->seq >= tl->target.win;
    if ((event_goal || scan_end) && !tl->paused) {
        tl_pause_at(tl, t, DBG_STOP_INTERRUPT, 0);
        tl->here.at_start = true;
        return WINDOW_HOLD;
    }
    if (!tl_is_target(tl, t))
        return WINDOW_GO;
    /* not while a thread executes up to a state delta: it comes back here on
     * the way, somewhere in the middle of the window */
    if (!tl->delta_bp && !tl->gate.open)
        maybe_checkpoint(tl, t, ev);
    tl_set_debug_regs(tl, t);
    if (tl->sw_watch && tl_watching(tl) && tl->goal != GOAL_STEP && tl->stepping != t)
        tl_step_next(tl, t);
    /* A state delta (preemption, asynchronous signal) says where the thread
     * was when it was stopped, not how it got there.  gdb must see the code
     * in between run: execute up to the recorded state instead of loading it. */
    bool delta = ev->type == EV_PREEMPT || (ev->type == EV_SIGNAL && (ev->flags & EVF_SIG_ASYNC));
    if (!delta || ev->regs.len != sizeof(regs_t) || tl->goal == GOAL_START)
        return WINDOW_GO;
    const regs_t *want = (const regs_t *)ev->regs.data;
    if (tl_same_regs(task_regs(t), want) || tl->delta_arrivals > TL_DELTA_ARRIVALS_MAX) {
        if (tl->delta_arrivals > TL_DELTA_ARRIVALS_MAX && !tl->warned_delta) {
            rw_warn("event %lu: thread %d did not reach its recorded state in %llu arrivals: it is loaded"
                    " instead", (unsigned long)ev->seq, (int)ev->tid, (unsigned long long)TL_DELTA_ARRIVALS_MAX);
            tl->warned_delta = true;
        }
        if (tl->delta_bp)
            tl_remove_bp(tl, t, tl->delta_bp);
        tl->delta_bp = 0;
        tl->delta_arrivals = 0;
        tl_gate_close(tl, t);
        tl_gate_forget(tl);
        return WINDOW_GO;
    }
    /* By gate when the goal runs rather than steps (a step would walk into
     * it), else by breakpoint arrivals; the gate takes over once the steps
     * are done, or once a thread that stood inside its bytes arrived. */
    uint64_t at = regs_ip(want);
    bool stepping_off = tl->stepping == t && tl->reinsert == at;  /* off our breakpoint at `at` */
    bool runs = (tl->goal == GOAL_CONTINUE || tl->goal == GOAL_SCAN || tl->goal == GOAL_POS ||
                 tl->goal == GOAL_EVENT) && (!tl->stepping || stepping_off) && !tl->sw_watch;
    if (runs && !tl->gate.open && !tl->gate.failed) {
        bool had_bp = tl_inserted_at(tl, at) != NULL;
        if (had_bp)
            tl_remove_bp(tl, t, at);
        if (tl_gate_open(tl, t, want)) {
            tl->delta_bp = 0;
            if (stepping_off) {
                /* the pending step runs the jump into the gate instead */
                tl->stepping = NULL;
                tl->reinsert = 0;
            }
        } else if (had_bp) {
            tl_insert_bp(tl, t, at);
        }
    }
    if (tl->gate.open) {
        tl_gate_place(tl, t);
        tl_set_debug_regs(tl, t);
        return WINDOW_EXECUTE;
    }
    tl->delta_bp = at;
    if (!stepping_off)        /* else it is put back once the thread stepped off it */
        tl_insert_bp(tl, t, at);
    return WINDOW_EXECUTE;
}



