/* timeline — running the replay towards a goal: breakpoints inserted while the
 * program runs, single steps, counted arrivals, and the positions a run stops
 * at (see timeline.h and timeline_internal.h). */
#include "timeline_internal.h"
#include "../engine/engine.h"
#include "../util/util.h"
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <xxhash.h>

/* bytes above the stack pointer that identify a position with its registers */
#define STACK_PRINT 2048

bool tl_is_target(struct timeline *tl, struct task *t)
{
    return tl->pid && replay_rec_pid(tl->R, t) == tl->pid;
}

struct task *tl_task(struct timeline *tl, int32_t rec_tid)
{
    if (!tl->R)
        return NULL;
    struct task *t = replay_task_of(tl->R, rec_tid);
    return t && tl_is_target(tl, t) ? t : NULL;
}

/* Any live thread of the debugged process (for memory access). */
struct task *tl_any_task(struct timeline *tl)
{
    struct tracer *tr = replay_tracer(tl->R);
    struct task *t = tl_task(tl, tl->cur_tid);
    if (t)
        return t;
    for (int i = 0; i < tr->ntasks; i++)
        if (tl_is_target(tl, tr->tasks[i]))
            return tr->tasks[i];
    return NULL;
}

bool tl_same_regs(const regs_t *a, const regs_t *b)
{
    /* the trap and resume flags depend on how we got there, not on the program */
    const uint64_t flags_mask = ~(uint64_t)(0x100 | 0x10000);
    regs_t x = *a, y = *b;
    x.eflags &= flags_mask, y.eflags &= flags_mask;
    x.orig_rax = y.orig_rax = 0;
    return !memcmp(&x, &y, sizeof x);
}

/* ---- pausing ---- */

void tl_fill_pos(struct timeline *tl, struct task *t, struct tl_pos *p, uint64_t n)
{
    memset(p, 0, sizeof *p);
    p->valid = true;
    p->win = tl->win;
    p->tid = replay_rec_tid(tl->R, t);
    p->regs = *task_regs(t);
    p->ip = regs_ip(&p->regs);
    p->n = n;
    /* Registers alone can repeat (a loop whose counter lives in memory): the
     * top of the stack, where such locals live, tells those apart. */
    uint8_t top[STACK_PRINT];
    size_t got = task_read(t, regs_sp(&p->regs), top, sizeof top);
    p->stack_print = XXH3_64bits(top, got);
}

bool tl_pos_matches(const struct tl_pos *want, const struct tl_pos *got)
{
    if (!want->valid || want->at_start || want->win != got->win || want->tid != got->tid || want->ip != got->ip)
        return false;
    if (want->n)
        return want->n == got->n;
    return want->stack_print == got->stack_print && tl_same_regs(&want->regs, &got->regs);
}

uint64_t tl_count_step(struct timeline *tl, uint64_t ip)
{
    for (int i = 0; i < tl->nsteps; i++)
        if (tl->steps[i].ip == ip)
            return ++tl->steps[i].n;
    if (tl->nsteps == tl->capsteps) {
        tl->capsteps = tl->capsteps ? tl->capsteps * 2 : 256;
        tl->steps = xrealloc(tl->steps, sizeof *tl->steps * (size_t)tl->capsteps);
    }
    tl->steps[tl->nsteps].ip = ip;
    tl->steps[tl->nsteps].n = 1;
    return tl->steps[tl->nsteps++].n;
}

/* ---- sessions and runs ---- */

static void reset_run_state(struct timeline *tl)
{
    tl->nins = 0;
    tl->narr = 0;
    tl->stepping = NULL;
    tl->step_syscall = false;
    tl->reinsert = 0;
    tl->internal_bp = 0;
    tl->delta_bp = 0;
    tl->delta_arrivals = 0;
    tl_gate_forget(tl);
    tl->ended = false;
    tl->exited = false;
    tl->win_seen = false;
    tl->interrupt_pending = false;
}

static void free_checkpoints(struct timeline *tl)
{
    for (int i = 0; i < tl->nckpts; i++)
        replay_checkpoint_free(tl->ckpts[i].c);
    tl->nckpts = 0;
}

/* The processes get new tgids at a restore: the images follow them by their
 * recorded pids (found before the restore from the live tree if need be). */
static void rename_images(struct timeline *tl, bool after)
{
    struct tracer *tr = replay_tracer(tl->R);
    for (int i = 0; i < tl->nimages; i++) {
        struct tl_image *im = &tl->images[i];
        pid_t tgid = 0;
        for (int j = 0; j < tr->ntasks; j++) {
            struct task *t = tr->tasks[j];
            if (!after && t->tgid == im->tgid && !im->rec_pid)
                im->rec_pid = replay_rec_pid(tl->R, t);
            if (after && im->rec_pid && replay_rec_pid(tl->R, t) == im->rec_pid)
                tgid = t->tgid;
        }
        if (after)
            im->tgid = tgid;
    }
}

/* Brings the replay back to the checkpoint i: paused at the start of its window. */
static bool restore_checkpoint(struct timeline *tl, int i)
{
    char err[256];
    rw_dbg("timeline: restoring checkpoint %d (event %lu)", i + 1, (unsigned long)tl->ckpts[i].win);
    reset_run_state(tl);
    rename_images(tl, false);
    bool restored = replay_restore(tl->R, tl->ckpts[i].c, tl->opts.dir, err, sizeof err);
    rename_images(tl, true);
    if (!restored) {
        snprintf(tl->error, sizeof tl->error, "%.200s", err);
        free_checkpoints(tl);
        return false;
    }
    struct task *t = replay_task_of(tl->R, tl->ckpts[i].tid);
    if (!t) {
        snprintf(tl->error, sizeof tl->error, "a restored checkpoint has no thread");
        free_checkpoints(tl);
        return false;
    }
    tl->tgid = t->tgid;
    tl->last_restored = (int64_t)tl->ckpts[i].win;
    tl->win = tl->ckpts[i].win;
    tl->goal = GOAL_NONE;
    tl_pause_at(tl, t, DBG_STOP_STEP, 0);
    tl->here.at_start = true;
    replay_tracer(tl->R)->pause_requested = false;
    return true;
}

/* The replay at or before the start of window win (strictly before with
 * `before`): from the nearest checkpoint, else from the very start. */
bool tl_rewind(struct timeline *tl, uint64_t win, bool before)
{
    for (int i = tl->nckpts - 1; i >= 0; i--)
        if (before ? tl->ckpts[i].win < win : tl->ckpts[i].win <= win) {
            if (restore_checkpoint(tl, i))
                return true;
            rw_warn("%s: going back from the start instead", tl->error);
            break;            /* the checkpoints are gone: a new replay from the start */
        }
    return tl_restart(tl);
}

bool tl_restart(struct timeline *tl)
{
    if (tl->nckpts && tl->ckpts[0].win == tl->start_win) {
        if (restore_checkpoint(tl, 0))
            return true;
        rw_warn("%s: replaying from the start instead", tl->error);
    }
    free_checkpoints(tl);
    tl->last_restored = -1;
    if (tl->R)
        replay_close(tl->R);
    tl->R = NULL;
    reset_run_state(tl);
    /* the start goal finds the process again (a forked child -p named: at its
     * first window, which it only looks for while no process is chosen) */
    tl->pid = 0;
    tl->tgid = 0;
    for (int i = 0; i < tl->nimages; i++) {
        free(tl->images[i].path);
        tl->images[i].path = NULL;
    }
    tl->nimages = 0;
    struct replay_options ro = {.dir = tl->opts.dir, .quiet = true};
    char err[512];
    tl->R = replay_open(&ro, &tl_engine, tl, err, sizeof err);
    if (!tl->R) {
        snprintf(tl->error, sizeof tl->error, "%.200s", err);
        tl->ended = true;     /* nothing to look at any more */
        return false;
    }
    struct replay_hooks h = {.self = tl, .after_exec = tl_after_exec, .window = tl_window, .idle = tl_idle};
    replay_set_hooks(tl->R, &h);
    replay_tracer(tl->R)->tick_ms = 100; /* tl_idle() looks for ^C this often */
    tl->goal = GOAL_START;
    tl->paused = false;
    tl_run(tl);
    if (!tl->paused) {
        snprintf(tl->error, sizeof tl->error, "the recording has no process %d", (int)tl->opts.pid);
        return false;
    }
    tl->start_win = tl->here.win;
    return true;
}

/* Runs the replay under the current goal until something pauses it or it ends. */
void tl_run(struct timeline *tl)
{
    if (!tl->R || tl->ended)
        return;
    tl->paused = false;
    struct task *cur = tl_task(tl, tl->here.tid);
    uint64_t skip = cur ? regs_ip(task_regs(cur)) : 0;
    tl->sw_watch = !tl_plan_watch_slots(tl);
    tl->has_watches = false;
    for (int i = 0; i < tl->nbps; i++)
        tl->has_watches |= tl->bps[i].kind >= DBG_WP_WRITE;
    if (tl->has_watches && cur)
        tl_sw_watch_snapshot(tl, cur);
    tl_insert_all_bps(tl, skip);
    if (tl->here.at_start && tl->here.win == tl->win) {
        /* nothing ran in this window yet: arrivals at every breakpoint count from here */
        tl->narr = 0;
        for (int i = 0; i < tl->nins; i++)
            tl->arr[tl->narr++] = (struct tl_arrival){tl->ins[i].addr, 0, true};
    }
    if (cur) {
        tl_set_debug_regs(tl, cur);
        bool stepping_goal = tl->goal == GOAL_STEP || tl->goal == GOAL_STEPSCAN || tl->goal == GOAL_STEPLAST ||
                             (tl->sw_watch && tl_watching(tl));
        /* steps must see the program's own code where the gate's jump is */
        if (stepping_goal && tl->gate.open)
            tl_gate_close(tl, tl_task(tl, tl->gate.tid) ? tl_task(tl, tl->gate.tid) : cur);
        if (stepping_goal || (skip && tl_is_user_bp(tl, skip, NULL) && tl->goal != GOAL_START)) {
            /* first step off the current instruction (its breakpoint is not in place) */
            if (tl_is_user_bp(tl, skip, NULL) || skip == tl->internal_bp)
                tl->reinsert = skip;
            tl_step_next(tl, cur);
        }
    }
    /* the program's output shows when the user runs it, not when we re-execute */
    replay_set_quiet(tl->R, tl->goal != GOAL_CONTINUE && tl->goal != GOAL_STEP);
    enum replay_state st = replay_run(tl->R);
    tl_remove_all_bps(tl);
    tl->reinsert = 0;
    if (st == REPLAY_PAUSED && tl->paused)
        return;
    /* the thread that ran into the end: the one the replay did not hold */
    struct task *last = NULL;
    struct tracer *tr = replay_tracer(tl->R);
    for (int i = 0; i < tr->ntasks && st == REPLAY_CUT_SHORT; i++)
        if (tl_is_target(tl, tr->tasks[i]) && !tracer_is_held(tr, tr->tasks[i]))
            last = tr->tasks[i];
    if (st == REPLAY_CUT_SHORT && tl->going_to_end) {
        /* the end could not be reached as a position: stay at the end as it is */
        tl->ended = true;
        memset(&tl->stop, 0, sizeof tl->stop);
        tl->stop.kind = DBG_STOP_HISTORY_END;
        tl->stop.pid = tl->pid;
        tl->stop.tid = tl->cur_tid;
        return;
    }
    if (st == REPLAY_CUT_SHORT && last && last->stop == STOP_SYSCALL_ENTRY) {
        /* The recording was interrupted: its history ends in front of a
         * syscall it has no result for.  Go to where the thread is about to
         * execute that syscall instruction (once per window: running it is
         * the event), with the registers it had there, so going back works. */
        struct tl_pos end = {.valid = true, .win = tl->win, .tid = replay_rec_tid(tl->R, last), .n = 1,
                             .ip = regs_ip(task_regs(last)) - ARCH_SYSCALL_INSN_LEN};
        tl->going_to_end = true;
        bool there = tl_goto(tl, &end);
        tl->going_to_end = false;
        if (there)
            tl->stop.kind = DBG_STOP_HISTORY_END;
        if (there || tl->ended)
            return;
        st = REPLAY_FAILED;
    }
    tl->ended = true;
    memset(&tl->stop, 0, sizeof tl->stop);
    tl->stop.pid = tl->pid;
    tl->stop.tid = tl->cur_tid;
    if (st == REPLAY_FAILED) {
        tl->stop.kind = DBG_STOP_ERROR;
        snprintf(tl->stop.message, sizeof tl->stop.message, "the replay failed (see the messages above)");
    } else if (tl->exited) {
        tl->stop.kind = WIFEXITED(tl->exit_status) ? DBG_STOP_EXITED : DBG_STOP_KILLED;
        tl->stop.code = WEXITSTATUS(tl->exit_status);
        tl->stop.sig = WIFSIGNALED(tl->exit_status) ? WTERMSIG(tl->exit_status) : 0;
    } else {
        tl->stop.kind = DBG_STOP_HISTORY_END;
    }
}

bool tl_goto(struct timeline *tl, const struct tl_pos *p)
{
    if (!tl_rewind(tl, p->win, false))
        return false;
    if (p->at_start && tl->here.at_start && p->win <= tl->here.win)
        return true;
    if (p->at_start)
        return tl_goto_event(tl, p->win);
    tl->goal = GOAL_POS;
    tl->target = *p;
    tl->internal_bp = p->ip;
    tl_run(tl);
    tl->internal_bp = 0;
    if (!tl->paused || tl->ended)
        rw_dbg("timeline: position win %lu tid %d ip %#lx n %lu not reached", (unsigned long)p->win, (int)p->tid,
               (unsigned long)p->ip, (unsigned long)p->n);
    return tl->paused && !tl->ended;
}

bool tl_goto_event(struct timeline *tl, uint64_t event)
{
    if (tl->here.valid && tl->here.at_start && tl->here.win == event)
        return true;
    if (!tl->here.valid || tl->here.win >= event || tl->ended)
        if (!tl_rewind(tl, event, false))
            return false;
    if (tl->here.at_start && tl->here.win >= event)
        return true;
    tl->goal = GOAL_EVENT;
    tl->goal_event = event;
    tl_run(tl);
    return tl->paused && !tl->ended;
}

/* ---- opening ---- */

struct timeline *timeline_open(const struct timeline_options *o, char *err, size_t errlen)
{
    struct timeline *tl = xcalloc(1, sizeof *tl);
    tl->opts = *o;
    tl->interrupt_fd = -1;
    tl->files_reader = trace_open(o->dir, err, errlen);
    if (!tl->files_reader) {
        free(tl);
        return NULL;
    }
    tl_scan_trace(tl);
    /* about 64 checkpoints over the recording, at least 256 events apart */
    tl->ckpt_every = tl->nevents / 64 > 256 ? tl->nevents / 64 : 256;
    if (o->checkpoint_interval)
        tl->ckpt_every = o->checkpoint_interval;
    if (o->event && o->event >= tl->nevents) {
        snprintf(err, errlen, "the recording has %lu events (0 to %lu): no event %lu", (unsigned long)tl->nevents,
                 (unsigned long)(tl->nevents ? tl->nevents - 1 : 0), (unsigned long)o->event);
        timeline_close(tl);
        return NULL;
    }
    if (!tl_restart(tl) || (o->event && !tl_goto_event(tl, o->event))) {
        snprintf(err, errlen, "%s", tl->error[0] ? tl->error : "cannot reach the starting point");
        timeline_close(tl);
        return NULL;
    }
    tl->stop.kind = DBG_STOP_STEP;
    return tl;
}

void timeline_close(struct timeline *tl)
{
    free_checkpoints(tl);
    tl->last_restored = -1;
    if (tl->R)
        replay_close(tl->R);
    if (tl->files_reader)
        trace_close_reader(tl->files_reader);
    for (int i = 0; i < tl->nfiles; i++) {
        free(tl->files[i].path);
        free(tl->files[i].id);
    }
    free(tl->files);
    free(tl->index);
    free(tl->steps);
    for (int i = 0; i < TL_MAX_BPS; i++)
        free(tl->sw_vals[i]);
    free(tl->exec_path);
    for (int i = 0; i < tl->nimages; i++)
        free(tl->images[i].path);
    free(tl);
}
