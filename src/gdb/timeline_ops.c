/* timeline_ops — the debugger's operations (gdb/target.h) built from timeline
 * runs: forward and reverse execution, registers and memory, monitor
 * commands, and the recorded process's files and auxiliary vector. */
#include "timeline_internal.h"
#include "../engine/engine.h"
#include "../util/util.h"
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- what the recording holds, read once ---- */

static void add_file(struct timeline *tl, const char *path, const char *id)
{
    if (!path || !id || path[0] != '/')
        return;
    for (int i = 0; i < tl->nfiles; i++)
        if (!strcmp(tl->files[i].path, path)) {
            free(tl->files[i].id); /* the latest copy wins: what the process saw last */
            tl->files[i].id = xstrdup(id);
            return;
        }
    tl->files = xrealloc(tl->files, sizeof *tl->files * (size_t)(tl->nfiles + 1));
    tl->files[tl->nfiles].path = xstrdup(path);
    tl->files[tl->nfiles].id = xstrdup(id);
    tl->nfiles++;
}

void tl_scan_trace(struct timeline *tl)
{
    char err[256];
    struct trace_reader *r = trace_open(tl->opts.dir, err, sizeof err);
    if (!r)
        return;
    struct event ev;
    uint64_t cap = 0;
    while (trace_read_event(r, &ev) == 1) {
        if (tl->nevents == cap) {
            cap = cap ? cap * 2 : 4096;
            tl->index = xrealloc(tl->index, sizeof *tl->index * cap);
        }
        tl->index[tl->nevents].tid = ev.tid;
        tl->index[tl->nevents].pid = ev.pid;
        tl->index[tl->nevents].type = (uint8_t)ev.type;
        tl->index[tl->nevents].ip = ev.type == EV_SYSCALL ? ev.ip : 0;
        tl->nevents++;
        if (ev.type == EV_EXEC)
            for (uint32_t i = 0; i < ev.nmaps; i++)
                add_file(tl, ev.maps[i].name, ev.maps[i].file_id);
        if (ev.type == EV_SYSCALL && ev.file_id)
            add_file(tl, ev.path, ev.file_id);
        event_free(&ev);
    }
    trace_close_reader(r);
}

/* ---- moving ---- */

static void report(struct timeline *tl, struct dbg_stop *out)
{
    *out = tl->stop;
    if (!out->pid)
        out->pid = tl->pid;
    if (!out->tid)
        out->tid = tl->cur_tid ? tl->cur_tid : tl->pid;
}

static void fail(struct timeline *tl, struct dbg_stop *out, const char *what)
{
    memset(out, 0, sizeof *out);
    out->kind = DBG_STOP_ERROR;
    out->pid = tl->pid;
    out->tid = tl->cur_tid;
    snprintf(out->message, sizeof out->message, "%.60s%s%.180s", what, tl->error[0] ? ": " : "", tl->error);
}

static bool at_history_start(struct timeline *tl, const struct tl_pos *p)
{
    return p->at_start && p->win <= tl->here.win;
}

static void go_to_start(struct timeline *tl, struct dbg_stop *out)
{
    if (!tl_restart(tl)) {
        fail(tl, out, "cannot restart the replay");
        return;
    }
    report(tl, out);
    out->kind = DBG_STOP_HISTORY_BEGIN;
}

/* Runs window `event`'s thread instruction by instruction from the window's
 * start, towards target (GOAL_STEPSCAN) or to the window's end (GOAL_STEPLAST).
 * True with tl->prev set when the position wanted was found. */
static bool step_through(struct timeline *tl, enum tl_goal goal, uint64_t event, const struct tl_pos *target)
{
    if (!tl_goto_event(tl, event))
        return false;
    struct task *t = tl_task(tl, target->tid);
    if (!t || tl->here.tid != target->tid)
        return false;
    tl->nsteps = 0;
    struct tl_pos first;
    tl_fill_pos(tl, t, &first, tl_count_step(tl, tl->here.ip));
    if (goal == GOAL_STEPSCAN && tl_pos_matches(target, &first))
        return false;         /* the first position of its window: nothing before it here */
    tl->prev = first;
    tl->have_cand = false;
    tl->goal = goal;
    tl->goal_event = event;
    tl->target = *target;
    tl_run(tl);
    return tl->paused && tl->have_cand;
}

/* From a position paused in target's window, single-steps to target; tl->prev
 * is then the position before it.  counted: the step counts are exact (the
 * scan began at the window's start), else only target's ip count is. */
static bool step_from_here(struct timeline *tl, const struct tl_pos *target)
{
    tl->prev = tl->here;
    tl->have_cand = false;
    tl->goal = GOAL_STEPSCAN;
    tl->target = *target;
    tl_run(tl);
    return tl->paused && tl->have_cand;
}

/* The position before want when want is the first arrival at its ip in its
 * window (a watchpoint's stop, say): the last arrival at an instruction that
 * ends at want's ip, counted on the way to want, then one step to check.
 * Single-stepping the window from its start would do, but a window can be
 * millions of instructions of a computation preempted in the middle. */
static bool position_before_first(struct timeline *tl, const struct tl_pos *want, struct tl_pos *out)
{
    uint64_t starts[4];
    struct task *t = tl_task(tl, want->tid);
    int n = t ? tl_insns_ending_at(t, want->ip, starts, 4) : 0;
    for (int i = 0; i < n; i++) {
        tl->counted_bp = starts[i];
        bool there = tl_goto(tl, want);
        tl->counted_bp = 0;
        uint64_t k = 0;
        for (int j = 0; there && j < tl->narr; j++)
            if (tl->arr[j].addr == starts[i] && tl->arr[j].valid)
                k = tl->arr[j].n;
        rw_dbg("timeline: before %#lx: try %#lx, %lu arrivals (%s, %d counted)", (unsigned long)want->ip,
               (unsigned long)starts[i], (unsigned long)k, there ? "there" : "not there", tl->narr);
        if (!k)
            continue;
        struct tl_pos before = {.valid = true, .win = want->win, .tid = want->tid, .ip = starts[i], .n = k};
        if (tl_goto(tl, &before) && step_from_here(tl, want) && tl->prev.ip == starts[i]) {
            *out = tl->prev;
            out->n = k;
            return true;
        }
    }
    return false;
}

/* The position just before p in p's thread. */
static bool position_before(struct timeline *tl, const struct tl_pos *p, struct tl_pos *out)
{
    struct tl_pos want = *p;
    if (!want.at_start && !want.n && tl_goto(tl, &want))
        want.n = tl->here.n;  /* counted on the way there */
    rw_dbg("timeline: the position before win %lu tid %d ip %#lx n %lu", (unsigned long)want.win, (int)want.tid,
           (unsigned long)want.ip, (unsigned long)want.n);
    if (!want.at_start && want.n == 1 && position_before_first(tl, &want, out))
        return true;
    if (!want.at_start && want.n >= 2) {
        /* Start from its previous arrival at the same ip (one loop iteration
         * back) rather than single-stepping the whole window. */
        struct tl_pos last_time = want;
        last_time.n = want.n - 1;
        if (tl_goto(tl, &last_time)) {
            tl->nsteps = 0;
            for (uint64_t i = 0; i < want.n - 1; i++)
                tl_count_step(tl, want.ip);
            if (step_from_here(tl, &want)) {
                *out = tl->prev;
                if (out->ip != want.ip)
                    out->n = 0; /* counted from the middle of the window: identified by registers */
                return true;
            }
        }
    } else if (!want.at_start && step_through(tl, GOAL_STEPSCAN, want.win, &want)) {
        *out = tl->prev;
        return true;
    }
    /* the first position of its window: the last one of the thread's previous window */
    uint64_t start = 0;
    for (uint64_t e = want.win; e-- > 0;) {
        if (tl->index[e].type == EV_EXEC && tl->index[e].pid == tl->pid) {
            start = e + 1;
            break;
        }
    }
    for (uint64_t e = want.win; e-- > start;) {
        if (e >= tl->nevents || tl->index[e].tid != want.tid || tl->index[e].type == EV_SIGNAL)
            continue;
        if (tl->index[e].type == EV_SYSCALL && tl->index[e].ip >= ARCH_SYSCALL_INSN_LEN) {
            /* a window that ends in a syscall ends at its syscall instruction,
             * which runs once in it (running it is the event) */
            struct tl_pos at_insn = {.valid = true, .win = e, .tid = want.tid, .n = 1,
                                     .ip = tl->index[e].ip - ARCH_SYSCALL_INSN_LEN};
            if (tl_goto(tl, &at_insn)) {
                *out = tl->here;
                return true;
            }
        }
        struct tl_pos t = want;
        t.win = e;
        if (step_through(tl, GOAL_STEPLAST, e, &t)) {
            *out = tl->prev;
            return true;
        }
    }
    return false;
}

static void reverse_continue(struct timeline *tl, struct dbg_stop *out)
{
    /* Scan backwards one checkpoint interval at a time: from the nearest
     * checkpoint up to `end`, remembering the last hit; none: the interval
     * before. */
    struct tl_pos end = tl->here;
    for (;;) {
        if (!tl_rewind(tl, end.win, end.at_start)) {
            fail(tl, out, "cannot go back");
            return;
        }
        if (at_history_start(tl, &end)) {
            report(tl, out);
            out->kind = DBG_STOP_HISTORY_BEGIN;
            return;
        }
        struct tl_pos seg_start = tl->here;
        tl->goal = GOAL_SCAN;
        tl->target = end;
        tl->internal_bp = end.at_start ? 0 : end.ip;
        tl->have_cand = false;
        tl_run(tl);
        tl->internal_bp = 0;
        if (tl->have_cand)
            break;
        if (seg_start.win <= tl->start_win) {
            go_to_start(tl, out);
            return;
        }
        end = seg_start;
    }
    struct tl_pos c = tl->cand;
    struct dbg_stop cs = tl->cand_stop;
    /* a watchpoint fires after the write: going backwards, stop before it */
    if (cs.kind == DBG_STOP_WATCH && !position_before(tl, &tl->cand, &c)) {
        fail(tl, out, "cannot find the instruction before a watchpoint hit");
        return;
    }
    if (!tl_goto(tl, &c)) {
        fail(tl, out, "cannot return to an earlier position");
        return;
    }
    report(tl, out);
    out->kind = cs.kind;
    out->addr = cs.addr;
    out->watch_kind = cs.watch_kind;
}

static void reverse_step(struct timeline *tl, pid_t tid, struct dbg_stop *out)
{
    struct tl_pos now = tl->here, before;
    if (tid > 0 && tid != now.tid) {
        /* another thread: its last position before now is where it stopped running */
        now.tid = tid;
    }
    if (!tl_restart(tl)) {
        fail(tl, out, "cannot restart the replay");
        return;
    }
    if (at_history_start(tl, &now)) {
        report(tl, out);
        out->kind = DBG_STOP_HISTORY_BEGIN;
        return;
    }
    if (!position_before(tl, &now, &before)) {
        go_to_start(tl, out);
        return;
    }
    if (!tl_goto(tl, &before)) {
        fail(tl, out, "cannot return to an earlier position");
        return;
    }
    report(tl, out);
    out->kind = DBG_STOP_STEP;
}

static void op_resume(void *self, const struct dbg_resume *how, int interrupt_fd, struct dbg_stop *out)
{
    struct timeline *tl = self;
    tl->error[0] = 0;
    if (tl->ended) {
        report(tl, out);
        return;
    }
    if (how->dir == DBG_BACKWARD) {
        if (how->step)
            reverse_step(tl, how->step_tid, out);
        else
            reverse_continue(tl, out);
        return;
    }
    tl->interrupt_fd = interrupt_fd;
    tl->interrupt_pending = false;
    tl->goal = how->step ? GOAL_STEP : GOAL_CONTINUE;
    tl->step_tid = how->step_tid > 0 ? how->step_tid : tl->cur_tid;
    if (how->step && tl->step_tid != tl->here.tid) {
        /* the replay decides which thread runs; step the one that is current */
        tl->step_tid = tl->here.tid;
    }
    tl_run(tl);
    tl->interrupt_fd = -1;
    report(tl, out);
}

static void op_last_stop(void *self, struct dbg_stop *out)
{
    report(self, out);
}

/* ---- looking ---- */

static pid_t op_pid(void *self)
{
    return ((struct timeline *)self)->pid;
}

static int op_threads(void *self, pid_t *tids, int max)
{
    struct timeline *tl = self;
    int n = 0;
    if (tl->ended || !tl->R)
        return 0;
    if (tl_task(tl, tl->cur_tid) && n < max)
        tids[n++] = tl->cur_tid;
    struct tracer *tr = replay_tracer(tl->R);
    for (int i = 0; i < tr->ntasks && n < max; i++) {
        int32_t tid = replay_rec_tid(tl->R, tr->tasks[i]);
        if (tid && tid != tl->cur_tid && tl_task(tl, tid))
            tids[n++] = tid;
    }
    return n;
}

static pid_t op_current_thread(void *self)
{
    struct timeline *tl = self;
    return tl->cur_tid;
}

static bool op_thread_alive(void *self, pid_t tid)
{
    struct timeline *tl = self;
    return !tl->ended && tl_task(tl, tid) != NULL;
}

static bool op_get_regs(void *self, pid_t tid, struct dbg_regs *out)
{
    struct timeline *tl = self;
    struct task *t = tl->ended ? NULL : tl_task(tl, tid > 0 ? tid : tl->cur_tid);
    if (!t)
        return false;
    out->gp = *task_regs(t);
    uint32_t len = 0;
    uint8_t *x = task_get_xstate(t, &len);
    out->xstate_len = x && len <= sizeof out->xstate ? len : 0;
    if (out->xstate_len)
        memcpy(out->xstate, x, len);
    free(x);
    return true;
}

static size_t op_read_mem(void *self, uint64_t addr, void *buf, size_t len)
{
    struct timeline *tl = self;
    if (tl->ended)
        return 0;
    struct task *t = tl_task(tl, tl->cur_tid);
    if (!t) {
        pid_t tids[1];
        if (op_threads(tl, tids, 1) == 1)
            t = tl_task(tl, tids[0]);
    }
    return t ? task_read(t, addr, buf, len) : 0;
}

static bool op_insert(void *self, enum dbg_bp_kind kind, uint64_t addr, uint64_t len)
{
    struct timeline *tl = self;
    if (tl->nbps == TL_MAX_BPS)
        return false;
    /* watchpoints beyond what the debug registers hold are watched in software */
    if (kind >= DBG_WP_WRITE && (len == 0 || len > 4096))
        return false;
    tl->bps[tl->nbps++] = (struct tl_bp){kind, addr, len};
    return true;
}

static bool op_remove(void *self, enum dbg_bp_kind kind, uint64_t addr, uint64_t len)
{
    struct timeline *tl = self;
    for (int i = 0; i < tl->nbps; i++)
        if (tl->bps[i].kind == kind && tl->bps[i].addr == addr && (kind < DBG_WP_WRITE || tl->bps[i].len == len)) {
            tl->bps[i] = tl->bps[--tl->nbps];
            return true;
        }
    return false;
}

static void op_set_pass_signals(void *self, const bool pass[65])
{
    struct timeline *tl = self;
    memcpy(tl->pass, pass, sizeof tl->pass);
}

static size_t op_auxv(void *self, uint8_t *buf, size_t max)
{
    struct timeline *tl = self;
    if (!buf)
        return tl->auxv_len;
    size_t n = tl->auxv_len < max ? tl->auxv_len : max;
    memcpy(buf, tl->auxv, n);
    return n;
}

static const char *op_exec_path(void *self)
{
    struct timeline *tl = self;
    return tl->exec_path ? tl->exec_path : "";
}

static char *op_file_copy(void *self, const char *path)
{
    struct timeline *tl = self;
    for (int i = 0; i < tl->nfiles; i++)
        if (!strcmp(tl->files[i].path, path))
            return trace_file_path(tl->files_reader, tl->files[i].id);
    /* The recording names files as the kernel resolved them; programs name
     * them through links (PT_INTERP's /lib64/ld-linux-x86-64.so.2).  Resolve
     * the link here if it still exists, else trust a unique file name. */
    char *real = realpath(path, NULL);
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    int found = -1, same_base = 0, by_base = -1;
    for (int i = 0; i < tl->nfiles; i++) {
        if (real && !strcmp(tl->files[i].path, real))
            found = i;
        const char *b = strrchr(tl->files[i].path, '/');
        if (b && !strcmp(b + 1, base))
            same_base++, by_base = i;
    }
    free(real);
    if (found < 0 && same_base == 1)
        found = by_base;
    return found >= 0 ? trace_file_path(tl->files_reader, tl->files[found].id) : NULL;
}

/* ---- monitor commands and restarts ---- */


static bool parse_number(const char *s, uint64_t *v)
{
    char *end;
    errno = 0;
    unsigned long long x = strtoull(s, &end, 10);
    while (*end == ' ')
        end++;
    if (errno || end == s || *end)
        return false;
    *v = x;
    return true;
}

static bool op_monitor(void *self, const char *cmd, struct buf *out, bool *moved)
{
    struct timeline *tl = self;
    *moved = false;
    while (*cmd == ' ')
        cmd++;
    uint64_t n;
    if (!strcmp(cmd, "help") || !*cmd) {
        buf_printf(out, "rewind monitor commands:\n"
                 "  when            the current event number\n"
                 "  checkpoint      remember the current position\n"
                 "  checkpoints     list them\n"
                 "  restart N       go back (or forward) to checkpoint N\n"
                 "  goto EVENT      go to the start of event EVENT\n");
        return true;
    }
    if (!strcmp(cmd, "when")) {
        if (tl->ended)
            buf_printf(out, "The replay is at its end (%lu events).\n", (unsigned long)tl->nevents);
        else
            buf_printf(out, "Current event: %lu\n", (unsigned long)tl->here.win);
        return true;
    }
    if (!strcmp(cmd, "checkpoint")) {
        if (tl->ended || tl->nmarks == TL_MAX_MARKS) {
            buf_printf(out, "rewind: cannot make a checkpoint here\n");
            return true;
        }
        tl->marks[tl->nmarks] = tl->here;
        buf_printf(out, "Checkpoint %d at event %lu\n", tl->nmarks + 1, (unsigned long)tl->here.win);
        tl->nmarks++;
        return true;
    }
    if (!strcmp(cmd, "checkpoints")) {
        if (!tl->nmarks)
            buf_printf(out, "No checkpoints.\n");
        for (int i = 0; i < tl->nmarks; i++)
            buf_printf(out, "%d: event %lu, thread %d, pc %#lx\n", i + 1, (unsigned long)tl->marks[i].win,
                (int)tl->marks[i].tid, (unsigned long)tl->marks[i].ip);
        /* the fork copies behind them, and which one going back used last */
        buf_printf(out, "Automatic checkpoints (copies of the replayed processes): %d\n", tl->nckpts);
        for (int i = 0; i < tl->nckpts; i++) {
            int procs, threads;
            replay_checkpoint_shape(tl->ckpts[i].c, &procs, &threads);
            buf_printf(out, "  at event %lu: %d process%s, %d thread%s\n", (unsigned long)tl->ckpts[i].win, procs,
                       procs == 1 ? "" : "es", threads, threads == 1 ? "" : "s");
        }
        if (tl->last_restored >= 0)
            buf_printf(out, "Went back last from the automatic checkpoint at event %lu.\n",
                       (unsigned long)tl->last_restored);
        else
            buf_printf(out, "Went back last from the start of the recording (or not at all).\n");
        return true;
    }
    if (!strncmp(cmd, "restart ", 8) && parse_number(cmd + 8, &n)) {
        if (n < 1 || n > (uint64_t)tl->nmarks) {
            buf_printf(out, "rewind: no checkpoint %lu (monitor checkpoints lists them)\n", (unsigned long)n);
            return true;
        }
        struct tl_pos p = tl->marks[n - 1];
        *moved = true;
        if (tl_goto(tl, &p))
            buf_printf(out, "At checkpoint %lu (event %lu).\n", (unsigned long)n, (unsigned long)tl->here.win);
        else
            buf_printf(out, "rewind: cannot return to checkpoint %lu%s%s\n", (unsigned long)n, tl->error[0] ? ": " : "",
                tl->error);
        return true;
    }
    if (!strncmp(cmd, "goto ", 5) && parse_number(cmd + 5, &n)) {
        if (n >= tl->nevents) {
            buf_printf(out, "rewind: the recording has %lu events (0 to %lu)\n", (unsigned long)tl->nevents,
                (unsigned long)(tl->nevents ? tl->nevents - 1 : 0));
            return true;
        }
        *moved = true;
        if (tl_goto_event(tl, n) && !tl->ended)
            buf_printf(out, "At event %lu.\n", (unsigned long)tl->here.win);
        else
            buf_printf(out, "rewind: event %lu is not part of process %d's run\n", (unsigned long)n, (int)tl->pid);
        return true;
    }
    return false;
}

static bool op_restart(void *self)
{
    struct timeline *tl = self;
    return tl_restart(tl);
}

static bool op_has_avx(void *self)
{
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx");
}

static bool op_has_avx512(void *self)
{
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f");
}

static const struct dbg_target_ops timeline_ops = {
    .pid = op_pid,
    .threads = op_threads,
    .current_thread = op_current_thread,
    .thread_alive = op_thread_alive,
    .get_regs = op_get_regs,
    .read_mem = op_read_mem,
    .insert = op_insert,
    .remove = op_remove,
    .set_pass_signals = op_set_pass_signals,
    .resume = op_resume,
    .last_stop = op_last_stop,
    .auxv = op_auxv,
    .exec_path = op_exec_path,
    .file_copy = op_file_copy,
    .monitor = op_monitor,
    .restart = op_restart,
    .has_avx = op_has_avx,
    .has_avx512 = op_has_avx512,
};

struct dbg_target timeline_target(struct timeline *tl)
{
    return (struct dbg_target){&timeline_ops, tl};
}
