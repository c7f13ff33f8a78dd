/* sched — the recording scheduler: one thread of the whole recorded tree runs
 * user code at a time, so the recorded order of events is the order in which
 * memory was touched.
 *
 * A thread keeps the CPU until it
 *   - enters a syscall that may block while others are ready: it goes on into
 *     the kernel alone (an EVF_ENTRY_ONLY event marks where its user code
 *     ended) and another thread runs; its result is recorded when it comes out;
 *   - stays in the kernel longer than a slice: the same;
 *   - runs user code longer than a slice while others are ready: it is
 *     interrupted and its state recorded as a delta (EV_PREEMPT).
 * A thread inside execve keeps it until the exec is done (see record_schedule).
 * With --chaos, slices are random and any syscall may be a switch point. */
#include "recorder.h"
#include "../syscalls/syscalls.h"
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t rnd(struct recorder *R)
{
    /* xorshift64: chaos needs variety, not quality */
    R->rng ^= R->rng << 13;
    R->rng ^= R->rng >> 7;
    R->rng ^= R->rng << 17;
    return R->rng;
}

static uint64_t slice_ns(struct recorder *R)
{
    uint64_t ms = (uint64_t)R->slice_ms;
    if (R->chaos)
        ms = 1 + rnd(R) % (2 * ms);
    return ms * 1000000ull;
}

/* How long a new thread waits for its creator's clone event before it runs
 * anyway (the creator was killed at that stop, say). */
#define INTRODUCTION_WAIT_NS 1000000000ull

/* Whether thread x may run: not before its creator's clone event is seen (the
 * kernel may report the new thread's first stop earlier; ran then, a vfork
 * child could exec before the recorder knew it was one, and its parent's
 * vfork result would then be held back past the parent's next syscalls). */
static bool introduced(struct recorder *R, struct task *x)
{
    struct rtask *rt = rtask_of(R, x);
    return rt->introduced || now_ns() - rt->first_seen_ns > INTRODUCTION_WAIT_NS;
}

/* Tasks stopped and waiting to run, other than the current one. */
static struct task *pick_ready(struct recorder *R, struct tracer *tr)
{
    struct task *best = NULL;
    uint64_t best_q = UINT64_MAX;
    int n = 0;
    for (int i = 0; i < tr->ntasks; i++) {
        struct task *x = tr->tasks[i];
        if (x == R->current || !tracer_is_held(tr, x) || !introduced(R, x))
            continue;
        n++;
        uint64_t q = R->chaos ? rnd(R) : rtask_of(R, x)->queued;
        if (q < best_q) {
            best_q = q;
            best = x;
        }
    }
    return n ? best : NULL;
}

static void run(struct recorder *R, struct tracer *tr, struct task *t)
{
    if (R->current != t)
        R->switches++;
    R->current = t;
    R->slice_start_ns = now_ns();
    struct rtask *rt = rtask_of(R, t);
    if (rt->needs_memtrack && (t->stop == STOP_SYSCALL_EXIT || t->stop == STOP_SYSCALL_ENTRY))
        ensure_memtrack(R, t);
    tracer_release(tr, t);
}

static void pick_and_run(struct recorder *R, struct tracer *tr)
{
    if (R->current)
        return;
    struct task *next = pick_ready(R, tr);
    if (next)
        run(R, tr, next);
}

/* The current thread leaves the CPU while inside a syscall. */
static void switch_out_in_kernel(struct recorder *R, struct tracer *tr, struct task *t)
{
    struct rtask *rt = rtask_of(R, t);
    if (rt->cur_open && !rt->entry_written) {
        struct event marker = rt->cur;  /* shallow: written, not freed */
        marker.flags |= EVF_ENTRY_ONLY;
        marker.npatches = 0;
        marker.patches = NULL;
        write_event(R, &marker);
        rt->cur.seq = marker.seq;
        rt->entry_written = true;
    }
    R->current = NULL;
}

static void record_preemption(struct recorder *R, struct task *t)
{
    struct event ev = {.type = EV_PREEMPT, .tid = t->tid, .pid = t->tgid};
    record_state_delta(R, t, &ev);
    for (uint32_t i = 0; i < ev.npatches; i++)
        R->preempt_bytes += ev.patches[i].len;
    R->preemptions++;
    write_event(R, &ev);
    event_free(&ev);
    rtask_of(R, t)->after_syscall = false;
}

static bool may_block(struct recorder *R, struct rtask *rt)
{
    if (!rt->cur_open || rtask_in_exec(rt))
        return false;
    const struct syscall_info *si = syscall_lookup(rt->cur.nr);
    /* Output to the user's terminal: switching inside it would let the order
     * of the lines differ from the order of the events replay prints them in.
     * If it really blocks, the tick still lets others run. */
    if (si && (si->cls & SC_WRITE) && rt->fds && rt->cur.args[0] < MAX_TRACKED_FDS &&
        rt->fds->kind[rt->cur.args[0]] != FD_OTHER)
        return false;
    if (si && (si->cls & SC_BLOCKING))
        return true;
    /* chaos: sometimes let another thread in at any syscall */
    return R->chaos && !rt->cur_unknown && rnd(R) % 4 == 0;
}

void record_schedule(void *self, struct tracer *tr, struct task *t)
{
    struct recorder *R = self;
    if (!t) {
        /* a tick: nothing stopped for a while */
        if (!R->current) {
            pick_and_run(R, tr);
            return;
        }
        if (now_ns() - R->slice_start_ns < slice_ns(R) || !pick_ready(R, tr))
            return;
        struct rtask *rt = rtask_of(R, R->current);
        /* An execve ends the other threads of its process wherever they are:
         * none of them may run meanwhile, or replay (where they die when its
         * execve runs) could not follow.  Exec does not wait on user code. */
        if (rtask_in_exec(rt))
            return;
        if (rt->in_syscall) {
            switch_out_in_kernel(R, tr, R->current);
            pick_and_run(R, tr);
        } else {
            tracer_interrupt(tr, R->current);
            R->slice_start_ns = now_ns(); /* do not ask twice in one slice */
        }
        return;
    }
    struct rtask *rt = rtask_of(R, t);
    if (t->stop == STOP_GROUP && t->sig != SIGTRAP) {
        /* stopped by job control: it runs again after a SIGCONT, on its own */
        if (R->current == t)
            R->current = NULL;
        pick_and_run(R, tr);
        return;
    }
    if (t != R->current) {
        /* out of the kernel, newly born, or interrupted too late: ready to run */
        rt->queued = ++R->queue_clock;
        pick_and_run(R, tr);
        return;
    }
    if (t->stop == STOP_GROUP && t->sig == SIGTRAP) {
        record_preemption(R, t);
        rt->queued = ++R->queue_clock;
        R->current = NULL;
        pick_and_run(R, tr);
        if (!R->current)
            run(R, tr, t);  /* nobody else wants the CPU after all */
        return;
    }
    if (t->stop == STOP_SYSCALL_ENTRY && may_block(R, rt) && pick_ready(R, tr)) {
        switch_out_in_kernel(R, tr, t);
        tracer_release(tr, t);   /* into the kernel, on its own */
        pick_and_run(R, tr);
        return;
    }
    tracer_release(tr, t);
}
