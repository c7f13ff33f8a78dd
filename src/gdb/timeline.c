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
#include <poll.h>
#include <sys/ptrace.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <xxhash.h>

#define INT3 0xcc
/* bytes above the stack pointer that identify a position with its registers */
#define STACK_PRINT 2048
/* A state delta not reached after this many arrivals at its ip is loaded
 * instead (each arrival is a ptrace stop; a CPU-bound loop preempted after
 * millions of iterations would take minutes).  The bound is the same on
 * every run, so every re-execution makes the same choice. */
#define DELTA_ARRIVALS_MAX 1000
#ifndef TRAP_TRACE
#define TRAP_TRACE 2
#endif
#ifndef TRAP_HWBKPT
#define TRAP_HWBKPT 4
#endif

static bool is_target_task(struct timeline *tl, struct task *t)
{
    return tl->pid && replay_rec_pid(tl->R, t) == tl->pid;
}

struct task *tl_task(struct timeline *tl, int32_t rec_tid)
{
    struct task *t = replay_task_of(tl->R, rec_tid);
    return t && is_target_task(tl, t) ? t : NULL;
}

/* Any live thread of the debugged process (for memory access). */
static struct task *any_target_task(struct timeline *tl)
{
    struct tracer *tr = replay_tracer(tl->R);
    struct task *t = tl_task(tl, tl->cur_tid);
    if (t)
        return t;
    for (int i = 0; i < tr->ntasks; i++)
        if (is_target_task(tl, tr->tasks[i]))
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

/* ---- breakpoint bytes ---- */

static bool is_user_sw(struct timeline *tl, uint64_t addr, enum dbg_bp_kind *kind)
{
    for (int i = 0; i < tl->nbps; i++)
        if ((tl->bps[i].kind == DBG_BP_SW || tl->bps[i].kind == DBG_BP_HW) && tl->bps[i].addr == addr) {
            if (kind)
                *kind = tl->bps[i].kind;
            return true;
        }
    return false;
}

static struct tl_inserted *inserted_at(struct timeline *tl, uint64_t addr)
{
    for (int i = 0; i < tl->nins; i++)
        if (tl->ins[i].addr == addr)
            return &tl->ins[i];
    return NULL;
}

static void insert_one(struct timeline *tl, struct task *t, uint64_t addr)
{
    struct tl_inserted *in = inserted_at(tl, addr);
    if (in) {
        /* still there?  A mapping placed over it (the loader does that) took it away */
        uint8_t now;
        if (task_read(t, addr, &now, 1) == 1 && now == INT3)
            return;
        *in = tl->ins[--tl->nins];
    }
    if (tl->nins == TL_MAX_BPS + 1)
        return;
    uint8_t orig, cc = INT3;
    if (task_read(t, addr, &orig, 1) != 1 || task_write(t, addr, &cc, 1) != 1)
        return;               /* not mapped (yet): tried again at the next window */
    tl->ins[tl->nins].addr = addr;
    tl->ins[tl->nins].orig = orig;
    tl->nins++;
}

static void remove_one(struct timeline *tl, struct task *t, uint64_t addr)
{
    struct tl_inserted *in = inserted_at(tl, addr);
    if (!in)
        return;
    uint8_t now;
    /* put the original back only if nothing (an exec, a replayed write) replaced ours */
    if (t && task_read(t, addr, &now, 1) == 1 && now == INT3)
        task_write(t, addr, &in->orig, 1);
    *in = tl->ins[--tl->nins];
}

static void remove_all(struct timeline *tl)
{
    struct task *t = any_target_task(tl);
    while (tl->nins)
        remove_one(tl, t, tl->ins[tl->nins - 1].addr);
}

/* Puts every breakpoint the goal needs in place, except at skip (where a
 * thread stands and must first step off). */
static void insert_all(struct timeline *tl, uint64_t skip)
{
    struct task *t = any_target_task(tl);
    if (!t)
        return;
    bool user = tl->goal == GOAL_CONTINUE || tl->goal == GOAL_SCAN;
    for (int i = 0; user && i < tl->nbps; i++)
        if ((tl->bps[i].kind == DBG_BP_SW || tl->bps[i].kind == DBG_BP_HW) && tl->bps[i].addr != skip)
            insert_one(tl, t, tl->bps[i].addr);
    if (tl->internal_bp && tl->internal_bp != skip)
        insert_one(tl, t, tl->internal_bp);
    if (tl->delta_bp && tl->delta_bp != skip)
        insert_one(tl, t, tl->delta_bp);
}

/* ---- watchpoints: the debug registers ---- */

static int dr_offset(int i)
{
    return (int)(offsetof(struct user, u_debugreg) + (size_t)i * sizeof(long));
}

/* Splits the watchpoints into aligned 1, 2, 4 and 8 byte pieces, one per
 * debug register.  false if they need more registers than there are: then
 * they are all watched in software (see sw_watch_check). */
static bool plan_watch_slots(struct timeline *tl)
{
    tl->nslots = 0;
    for (int i = 0; i < tl->nbps; i++) {
        const struct tl_bp *b = &tl->bps[i];
        if (b->kind < DBG_WP_WRITE)
            continue;
        for (uint64_t a = b->addr, left = b->len; left;) {
            uint64_t size = 8;
            while (size > 1 && ((a & (size - 1)) || size > left))
                size /= 2;
            if (tl->nslots == TL_HWSLOTS)
                return false;
            tl->slots[tl->nslots++] = (struct tl_slot){a, size, i};
            a += size, left -= size;
        }
    }
    return true;
}

static bool watching(const struct timeline *tl)
{
    return tl->goal == GOAL_CONTINUE || tl->goal == GOAL_SCAN || tl->goal == GOAL_STEP;
}

static void set_debug_regs(struct timeline *tl, struct task *t)
{
    uint64_t dr7 = 0;
    for (int i = 0; watching(tl) && !tl->sw_watch && i < tl->nslots; i++) {
        const struct tl_slot *sl = &tl->slots[i];
        const struct tl_bp *b = &tl->bps[sl->bp];
        uint64_t rw = b->kind == DBG_WP_WRITE ? 1 : 3; /* x86 has no read-only watch: read = access */
        uint64_t len = sl->len == 1 ? 0 : sl->len == 2 ? 1 : sl->len == 8 ? 2 : 3;
        ptrace(PTRACE_POKEUSER, t->tid, dr_offset(i), sl->addr);
        dr7 |= (1ull << (i * 2)) | (rw << (16 + i * 4)) | (len << (18 + i * 4));
    }
    ptrace(PTRACE_POKEUSER, t->tid, dr_offset(7), dr7);
}

/* Software watchpoints: the values as last seen. */
static void sw_watch_snapshot(struct timeline *tl, struct task *t)
{
    for (int i = 0; i < tl->nbps; i++)
        if (tl->bps[i].kind >= DBG_WP_WRITE) {
            tl->sw_vals[i] = xrealloc(tl->sw_vals[i], tl->bps[i].len);
            memset(tl->sw_vals[i], 0, tl->bps[i].len);
            task_read(t, tl->bps[i].addr, tl->sw_vals[i], tl->bps[i].len);
        }
}

/* The watchpoint whose value changed since the last look (-1: none). */
static int sw_watch_check(struct timeline *tl, struct task *t)
{
    int changed = -1;
    for (int i = 0; i < tl->nbps; i++) {
        const struct tl_bp *b = &tl->bps[i];
        if (b->kind < DBG_WP_WRITE || !tl->sw_vals[i])
            continue;
        uint8_t now[4096];
        memset(now, 0, b->len);
        task_read(t, b->addr, now, b->len);
        if (memcmp(now, tl->sw_vals[i], b->len)) {
            memcpy(tl->sw_vals[i], now, b->len);
            if (changed < 0)
                changed = i;
        }
    }
    return changed;
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

static void pause_at(struct timeline *tl, struct task *t, enum dbg_stop_kind kind, uint64_t n)
{
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

bool tl_pos_matches(const struct tl_pos *want, const struct tl_pos *got)
{
    if (!want->valid || want->at_start || want->win != got->win || want->tid != got->tid || want->ip != got->ip)
        return false;
    if (want->n)
        return want->n == got->n;
    return want->stack_print == got->stack_print && tl_same_regs(&want->regs, &got->regs);
}

static struct tl_arrival *arrival(struct timeline *tl, uint64_t addr)
{
    for (int i = 0; i < tl->narr; i++)
        if (tl->arr[i].addr == addr)
            return &tl->arr[i];
    if (tl->narr == TL_MAX_BPS + 1)
        return NULL;
    struct tl_arrival *a = &tl->arr[tl->narr++];
    a->addr = addr;
    a->n = 0;
    a->valid = false;         /* inserted after the window began: earlier arrivals were missed */
    return a;
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

/* Executes one instruction of t before it goes on (stepping off a breakpoint,
 * or a step the goal asked for).  A syscall instruction is not single-stepped
 * (the kernel would run it without syscall stops): the step ends at its exit. */
static void step_next(struct timeline *tl, struct task *t)
{
    uint8_t insn[2] = {0};
    tl->stepping = t;
    task_read(t, regs_ip(task_regs(t)), insn, 2);
    tl->step_syscall = !memcmp(insn, ARCH_SYSCALL_INSN, ARCH_SYSCALL_INSN_LEN);
    if (!tl->step_syscall)
        tracer_step_next(replay_tracer(tl->R), t);
}

/* t stands at ip, about to execute it (counted as an arrival n, 0: unknown). */
static void on_position(struct timeline *tl, struct task *t, uint64_t n, bool at_bp)
{
    uint64_t ip = regs_ip(task_regs(t));
    struct tl_pos here;
    tl_fill_pos(tl, t, &here, n);
    enum dbg_bp_kind kind;
    bool user = at_bp && is_user_sw(tl, ip, &kind);
    switch (tl->goal) {
    case GOAL_CONTINUE:
        if (user) {
            pause_at(tl, t, kind == DBG_BP_HW ? DBG_STOP_HWBREAK : DBG_STOP_SWBREAK, n);
            return;
        }
        break;
    case GOAL_SCAN:
        if (tl_pos_matches(&tl->target, &here)) {
            pause_at(tl, t, DBG_STOP_INTERRUPT, n);
            return;
        }
        if (user && is_target_task(tl, t)) {
            tl->have_cand = true;
            tl->cand = here;
            memset(&tl->cand_stop, 0, sizeof tl->cand_stop);
            tl->cand_stop.kind = kind == DBG_BP_HW ? DBG_STOP_HWBREAK : DBG_STOP_SWBREAK;
        }
        break;
    case GOAL_POS:
        if (tl_pos_matches(&tl->target, &here)) {
            pause_at(tl, t, DBG_STOP_INTERRUPT, n);
            return;
        }
        break;
    default:
        break;
    }
    if (at_bp) {
        /* step off it with the original byte in place, then put it back */
        remove_one(tl, t, ip);
        tl->reinsert = ip;
        step_next(tl, t);
    }
}

/* Watchpoint bp fired in t (after the write).  A step that was under way is
 * over too: the watchpoint is what gets reported. */
static void watch_triggered(struct timeline *tl, struct task *t, int bp)
{
    struct dbg_stop st = {.kind = DBG_STOP_WATCH, .addr = tl->bps[bp].addr, .watch_kind = tl->bps[bp].kind};
    if (tl->stepping == t) {
        tl->stepping = NULL;
        tl->step_syscall = false;
        if (tl->reinsert) {
            insert_one(tl, t, tl->reinsert);
            tl->reinsert = 0;
        }
    }
    if (tl->goal == GOAL_SCAN) {
        tl_fill_pos(tl, t, &tl->cand, 0);
        tl->have_cand = true;
        tl->cand_stop = st;
        if (tl->sw_watch)
            step_next(tl, t);
    } else if (!tl->paused) {
        pause_at(tl, t, DBG_STOP_WATCH, 0);
        tl->stop.addr = st.addr;
        tl->stop.watch_kind = st.watch_kind;
    }
}

/* A single step of t finished: t stands at its next instruction. */
static void on_step_done(struct timeline *tl, struct task *t)
{
    tl->stepping = NULL;
    tl->step_syscall = false;
    if (tl->reinsert) {
        struct task *any = any_target_task(tl);
        if (any)
            insert_one(tl, any, tl->reinsert);
        tl->reinsert = 0;
    }
    if (!is_target_task(tl, t))
        return;
    if (tl->sw_watch && watching(tl)) {
        /* software watchpoints: every instruction of the program is a step */
        int changed = sw_watch_check(tl, t);
        if (changed >= 0) {
            watch_triggered(tl, t, changed);
            return;
        }
        if (tl->goal != GOAL_STEP) {
            step_next(tl, t);
            return;
        }
    }
    int32_t tid = replay_rec_tid(tl->R, t);
    uint64_t ip = regs_ip(task_regs(t));
    switch (tl->goal) {
    case GOAL_STEP:
        if (tid == tl->step_tid)
            pause_at(tl, t, DBG_STOP_STEP, 0);
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
            pause_at(tl, t, DBG_STOP_STEP, here.n);
            return;
        }
        tl->prev = here;
        step_next(tl, t);
        return;
    }
    default:
        return;
    }
}

static struct tl_image *image_of(struct timeline *tl, pid_t tgid, bool create);

/* ---- the engine above the replayer ---- */

static enum eng_verdict tl_signal(void *self, struct eng_ctx *c)
{
    struct timeline *tl = self;
    struct task *t = c->task;
    if (c->sig != SIGTRAP) {
        /* a recorded signal about to be delivered: the user may want to see it */
        const struct event *ev;
        if (tl->goal == GOAL_CONTINUE && is_target_task(tl, t) && c->sig < 65 && !tl->pass[c->sig] &&
            replay_next_event(tl->R, &ev) && ev->type == EV_SIGNAL && ev->signo == c->sig &&
            ev->tid == replay_rec_tid(tl->R, t)) {
            pause_at(tl, t, DBG_STOP_SIGNAL, 0);
            tl->stop.sig = c->sig;
        }
        return ENG_PASS;
    }
    siginfo_t si;
    task_get_siginfo(t, &si);
    regs_t r = *task_regs(t);
    if (si.si_code == SI_KERNEL && inserted_at(tl, regs_ip(&r) - 1)) {
        regs_set_ip(&r, regs_ip(&r) - 1);
        task_set_regs(t, &r);
        c->sig = 0;
        if (tl->stepping == t) /* a step that ran into a breakpoint ends there */
            on_step_done(tl, t);
        if (tl->paused)
            return ENG_STOP;
        uint64_t n = 0;
        if (replay_rec_tid(tl->R, t) && is_target_task(tl, t)) {
            struct tl_arrival *a = arrival(tl, regs_ip(&r));
            if (a) {
                a->n++;
                n = a->valid ? a->n : 0;
            }
        }
        if (regs_ip(&r) == tl->delta_bp)
            tl->delta_arrivals++;
        rw_dbg("timeline: arrival at %#lx (n %lu) in window %lu", (unsigned long)regs_ip(&r), (unsigned long)n,
               (unsigned long)tl->win);
        on_position(tl, t, n, true);
        return ENG_STOP;
    }
    if (si.si_code != TRAP_TRACE && si.si_code != TRAP_HWBKPT && si.si_code != TRAP_BRKPT)
        return ENG_PASS;
    long dr6 = ptrace(PTRACE_PEEKUSER, t->tid, dr_offset(6), 0);
    ptrace(PTRACE_POKEUSER, t->tid, dr_offset(6), 0);
    c->sig = 0;
    int hit = -1;
    for (int i = 0; i < TL_HWSLOTS && dr6 != -1; i++)
        if (dr6 & (1l << i))
            hit = i;
    if (hit >= 0 && hit < tl->nslots && watching(tl)) {
        watch_triggered(tl, t, tl->slots[hit].bp);
        return ENG_STOP;
    }
    if (tl->stepping == t)
        on_step_done(tl, t);
    return ENG_STOP;
}

static void tl_syscall_exit(void *self, struct eng_ctx *c)
{
    struct timeline *tl = self;
    if (tl->stepping == c->task && tl->step_syscall)
        on_step_done(tl, c->task);
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
    if (c->child->tgid != c->task->tgid && c->clone_kind != PTRACE_EVENT_VFORK && is_target_task(tl, c->task))
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

static const struct engine_ops timeline_engine = {
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

static void after_exec(void *self, struct task *t, const struct event *ev)
{
    struct timeline *tl = self;
    struct tl_image *im = image_of(tl, t->tgid, true);
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
    pause_at(tl, t, DBG_STOP_STEP, 0); /* reported as a plain SIGTRAP stop */
    tl->here.at_start = true;
}

/* Takes a fork checkpoint at the start of this window if the last one is far
 * enough behind (and the replay can be checkpointed here at all). */
static void maybe_checkpoint(struct timeline *tl, struct task *t, const struct event *ev)
{
    if (tl->nckpts == TL_MAX_CKPTS || tl->stepping || tl->goal == GOAL_STEPSCAN || tl->goal == GOAL_STEPLAST ||
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
    remove_all(tl);
    struct replay_checkpoint *c = replay_checkpoint(tl->R, t);
    insert_all(tl, tl->reinsert);
    if (!c)
        return;
    memmove(&tl->ckpts[last + 2], &tl->ckpts[last + 1], sizeof *tl->ckpts * (size_t)(tl->nckpts - last - 1));
    tl->ckpts[last + 1] = (struct tl_ckpt){c, ev->seq, replay_rec_tid(tl->R, t)};
    tl->nckpts++;
    rw_dbg("timeline: checkpoint %d at event %lu", tl->nckpts, (unsigned long)ev->seq);
}

/* ^C from the client: stop the thread that runs (the one the next event belongs to). */
static void idle(void *self)
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

static enum replay_window window(void *self, struct task *t, const struct event *ev)
{
    struct timeline *tl = self;
    if (tl->interrupt_pending && tl->goal == GOAL_CONTINUE && !tl->paused) {
        tl->interrupt_pending = false;
        pause_at(tl, t, DBG_STOP_INTERRUPT, 0);
        return WINDOW_HOLD;
    }
    /* code mapped since the last window (libraries) can take its breakpoints now */
    if (tl->pid && tl->goal != GOAL_START && tl->goal != GOAL_NONE)
        insert_all(tl, tl->stepping ? tl->reinsert : 0);
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
        pause_at(tl, t, DBG_STOP_STEP, 0);
        tl->here.at_start = true;
        return WINDOW_HOLD;
    }
    bool event_goal = tl->goal == GOAL_EVENT && ev->seq >= tl->goal_event;
    bool scan_end = tl->goal == GOAL_SCAN && tl->target.at_start && ev->seq >= tl->target.win;
    if ((event_goal || scan_end) && !tl->paused) {
        pause_at(tl, t, DBG_STOP_INTERRUPT, 0);
        tl->here.at_start = true;
        return WINDOW_HOLD;
    }
    if (!is_target_task(tl, t))
        return WINDOW_GO;
    maybe_checkpoint(tl, t, ev);
    set_debug_regs(tl, t);
    if (tl->sw_watch && watching(tl) && tl->goal != GOAL_STEP && !tl->stepping)
        step_next(tl, t);
    /* A state delta (preemption, asynchronous signal) says where the thread
     * was when it was stopped, not how it got there.  gdb must see the code
     * in between run: execute up to the recorded state instead of loading it. */
    bool delta = ev->type == EV_PREEMPT || (ev->type == EV_SIGNAL && (ev->flags & EVF_SIG_ASYNC));
    if (!delta || ev->regs.len != sizeof(regs_t) || tl->goal == GOAL_START)
        return WINDOW_GO;
    const regs_t *want = (const regs_t *)ev->regs.data;
    if (tl_same_regs(task_regs(t), want) || tl->delta_arrivals > DELTA_ARRIVALS_MAX) {
        if (tl->delta_arrivals > DELTA_ARRIVALS_MAX && !tl->warned_delta) {
            rw_warn("event %lu: thread %d was preempted in a long computation: it jumps to the recorded"
                    " state there, and breakpoints in the rest of that computation are not seen",
                    (unsigned long)ev->seq, (int)ev->tid);
            tl->warned_delta = true;
        }
        tl->delta_bp = 0;
        tl->delta_arrivals = 0;
        return WINDOW_GO;
    }
    tl->delta_bp = regs_ip(want);
    insert_one(tl, t, tl->delta_bp);
    return WINDOW_EXECUTE;
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

/* Brings the replay back to the checkpoint i: paused at the start of its window. */
static bool restore_checkpoint(struct timeline *tl, int i)
{
    char err[256];
    reset_run_state(tl);
    if (!replay_restore(tl->R, tl->ckpts[i].c, tl->opts.dir, err, sizeof err)) {
        snprintf(tl->error, sizeof tl->error, "%.200s", err);
        free_checkpoints(tl);
        return false;
    }
    struct task *t = replay_task_of(tl->R, tl->ckpts[i].tid);
    if (!t) {
        snprintf(tl->error, sizeof tl->error, "a restored checkpoint has no thread");
        return false;
    }
    tl->tgid = t->tgid;
    tl->win = tl->ckpts[i].win;
    tl->goal = GOAL_NONE;
    pause_at(tl, t, DBG_STOP_STEP, 0);
    tl->here.at_start = true;
    replay_tracer(tl->R)->pause_requested = false;
    return true;
}

/* The replay at or before the start of window win (strictly before with
 * `before`): from the nearest checkpoint, else from the very start. */
bool tl_rewind(struct timeline *tl, uint64_t win, bool before)
{
    for (int i = tl->nckpts - 1; i >= 0; i--)
        if (before ? tl->ckpts[i].win < win : tl->ckpts[i].win <= win)
            return restore_checkpoint(tl, i);
    return tl_restart(tl);
}

bool tl_restart(struct timeline *tl)
{
    if (tl->nckpts && tl->ckpts[0].win == tl->start_win)
        return restore_checkpoint(tl, 0);
    free_checkpoints(tl);
    if (tl->R)
        replay_close(tl->R);
    tl->R = NULL;
    reset_run_state(tl);
    tl->tgid = 0;
    for (int i = 0; i < tl->nimages; i++) {
        free(tl->images[i].path);
        tl->images[i].path = NULL;
    }
    tl->nimages = 0;
    struct replay_options ro = {.dir = tl->opts.dir, .quiet = true};
    char err[512];
    tl->R = replay_open(&ro, &timeline_engine, tl, err, sizeof err);
    if (!tl->R) {
        snprintf(tl->error, sizeof tl->error, "%.200s", err);
        return false;
    }
    struct replay_hooks h = {.self = tl, .after_exec = after_exec, .window = window, .idle = idle};
    replay_set_hooks(tl->R, &h);
    replay_tracer(tl->R)->tick_ms = 100; /* idle() looks for ^C this often */
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
    tl->sw_watch = !plan_watch_slots(tl);
    if (tl->sw_watch && cur)
        sw_watch_snapshot(tl, cur);
    insert_all(tl, skip);
    if (tl->here.at_start && tl->here.win == tl->win) {
        /* nothing ran in this window yet: arrivals at every breakpoint count from here */
        tl->narr = 0;
        for (int i = 0; i < tl->nins; i++)
            tl->arr[tl->narr++] = (struct tl_arrival){tl->ins[i].addr, 0, true};
    }
    if (cur) {
        set_debug_regs(tl, cur);
        bool stepping_goal = tl->goal == GOAL_STEP || tl->goal == GOAL_STEPSCAN || tl->goal == GOAL_STEPLAST ||
                             (tl->sw_watch && watching(tl));
        if (stepping_goal || (skip && is_user_sw(tl, skip, NULL) && tl->goal != GOAL_START)) {
            /* first step off the current instruction (its breakpoint is not in place) */
            if (is_user_sw(tl, skip, NULL) || skip == tl->internal_bp)
                tl->reinsert = skip;
            step_next(tl, cur);
        }
    }
    /* the program's output shows when the user runs it, not when we re-execute */
    replay_set_quiet(tl->R, tl->goal != GOAL_CONTINUE && tl->goal != GOAL_STEP);
    enum replay_state st = replay_run(tl->R);
    remove_all(tl);
    tl->reinsert = 0;
    if (st == REPLAY_PAUSED && tl->paused)
        return;
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
