/* engine — event dispatch to the stack of engines, and the tracer core loop
 * that waits for stops, dispatches them and resumes (or holds) tasks
 * (see engine.h). */
#include "engine.h"
#include "../util/util.h"
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

/* The core's per-task state (task->core). */
struct core {
    bool in_entry;        /* dispatched a syscall entry; the exit is to come */
    int depth;            /* engines that saw the entry: the exit goes to [0, depth) */
    bool emulated;
    int64_t emu_ret;
    long nr;
    uint64_t args[6];
    bool exec_pending;    /* exec event seen: report the exec at the execve exit */
    pid_t exec_former;    /* the tid it exec'd under, if it took over the leader's */
    bool born;            /* its first stop has been seen */
    bool held;            /* stopped, waiting for the scheduler */
    bool held_entry;      /* held by ENG_HOLD at a syscall entry */
    int resume_sig;       /* signal to deliver when resumed */
    bool listening;       /* in a job-control stop, waiting for SIGCONT */
    bool step_next;       /* resume with PTRACE_SINGLESTEP once */
};

static struct core *core_of(struct task *t)
{
    if (!t->core)
        t->core = xcalloc(1, sizeof(struct core));
    return t->core;
}

void tracer_init(struct tracer *tr)
{
    memset(tr, 0, sizeof *tr);
}

void tracer_attach(struct tracer *tr, const struct engine_ops *ops, void *self)
{
    if (tr->nengines == MAX_ENGINES)
        rw_fatal("too many engines");
    tr->engines[tr->nengines].ops = ops;
    tr->engines[tr->nengines].self = self;
    tr->nengines++;
}

void tracer_set_scheduler(struct tracer *tr, scheduler_fn fn, void *self, int tick_ms)
{
    tr->scheduler = fn;
    tr->scheduler_self = self;
    tr->tick_ms = tick_ms;
}

void tracer_add_task(struct tracer *tr, struct task *t)
{
    if (tr->ntasks == MAX_TASKS)
        rw_fatal("too many threads (limit %d)", MAX_TASKS);
    core_of(t);
    tr->tasks[tr->ntasks++] = t;
}

struct task *tracer_find(struct tracer *tr, pid_t tid)
{
    for (int i = 0; i < tr->ntasks; i++)
        if (tr->tasks[i]->tid == tid)
            return tr->tasks[i];
    return NULL;
}

void ctx_emulate(struct eng_ctx *c, int64_t ret)
{
    c->emulated = true;
    c->ret = ret;
}

void ctx_set_result(struct eng_ctx *c, int64_t ret)
{
    c->ret = ret;
}

/* The kernel skips syscall -1; the exit stop then carries the emulated result. */
static void skip_in_kernel(struct task *t)
{
    regs_t r = *task_regs(t);
    regs_set_sysno(&r, (uint64_t)-1);
    task_set_regs(t, &r);
}

static void on_syscall_entry(struct tracer *tr, struct task *t, struct core *k)
{
    regs_t *r = task_regs(t);
    struct eng_ctx c = {.tracer = tr, .task = t, .nr = (long)regs_sysno(r)};
    for (int i = 0; i < 6; i++)
        c.args[i] = regs_arg(r, i);
    int i;
    enum eng_verdict v = ENG_PASS;
    for (i = 0; i < tr->nengines; i++) {
        const struct engine_ops *ops = tr->engines[i].ops;
        v = ops->syscall_entry ? ops->syscall_entry(tr->engines[i].self, &c) : ENG_PASS;
        if (c.emulated || v != ENG_PASS) {
            i++;
            break;
        }
    }
    k->in_entry = true;
    k->depth = i;
    k->emulated = c.emulated;
    k->emu_ret = c.ret;
    /* the (possibly rewritten) call as the kernel sees it */
    r = task_regs(t);
    k->nr = (long)regs_sysno(r);
    for (int a = 0; a < 6; a++)
        k->args[a] = regs_arg(r, a);
    if (v == ENG_HOLD && !c.emulated) {
        k->held_entry = true;
        return;
    }
    if (c.emulated)
        skip_in_kernel(t);
}

static void on_syscall_exit(struct tracer *tr, struct task *t, struct core *k)
{
    regs_t *r = task_regs(t);
    struct eng_ctx c = {.tracer = tr, .task = t, .nr = k->nr, .emulated = k->emulated};
    memcpy(c.args, k->args, sizeof c.args);
    c.ret = k->emulated ? k->emu_ret : (int64_t)regs_ret(r);
    for (int i = k->depth - 1; i >= 0; i--) {
        const struct engine_ops *ops = tr->engines[i].ops;
        if (ops->syscall_exit)
            ops->syscall_exit(tr->engines[i].self, &c);
    }
    k->in_entry = false;
    if (c.regs_owned)
        return;
    r = task_regs(t);
    if ((int64_t)regs_ret(r) != c.ret || (k->emulated && (long)regs_sysno(r) != k->nr)) {
        regs_t nr = *r;
        regs_set_ret(&nr, (uint64_t)c.ret);
        /* Restore the number so the kernel's restart logic (-ERESTART*) sees the real call. */
        if (k->emulated)
            regs_set_sysno(&nr, (uint64_t)k->nr);
        task_set_regs(t, &nr);
    }
}

static int on_signal(struct tracer *tr, struct task *t)
{
    struct eng_ctx c = {.tracer = tr, .task = t, .sig = t->sig};
    for (int i = 0; i < tr->nengines; i++) {
        const struct engine_ops *ops = tr->engines[i].ops;
        if (ops->signal && ops->signal(tr->engines[i].self, &c) == ENG_STOP)
            break;
    }
    return c.sig;
}

static void on_exec(struct tracer *tr, struct task *t, pid_t former_tid)
{
    struct eng_ctx c = {.tracer = tr, .task = t, .former_tid = former_tid};
    for (int i = 0; i < tr->nengines; i++) {
        const struct engine_ops *ops = tr->engines[i].ops;
        if (ops->exec && ops->exec(tr->engines[i].self, &c) == ENG_STOP)
            break;
    }
}

static void on_gone(struct tracer *tr, struct task *t, int status)
{
    struct eng_ctx c = {.tracer = tr, .task = t, .status = status};
    for (int i = 0; i < tr->nengines; i++) {
        const struct engine_ops *ops = tr->engines[i].ops;
        if (ops->exit)
            ops->exit(tr->engines[i].self, &c);
    }
}

static struct task *adopt(struct tracer *tr, pid_t tid)
{
    struct task *t = task_adopt(tid);
    tracer_add_task(tr, t);
    return t;
}

static void on_clone(struct tracer *tr, struct task *t)
{
    pid_t tid = (pid_t)t->event_msg;
    struct task *child = tracer_find(tr, tid);
    if (!child)
        child = adopt(tr, tid);
    struct eng_ctx c = {.tracer = tr, .task = t, .child = child, .clone_kind = t->sig};
    for (int i = 0; i < tr->nengines; i++) {
        const struct engine_ops *ops = tr->engines[i].ops;
        if (ops->clone)
            ops->clone(tr->engines[i].self, &c);
    }
}

static void remove_task(struct tracer *tr, struct task *t)
{
    for (int i = 0; i < tr->ntasks; i++)
        if (tr->tasks[i] == t) {
            tr->tasks[i] = tr->tasks[--tr->ntasks];
            break;
        }
    free(t->core);
    t->core = NULL;
    task_free(t);
}

/* A thread other than the leader exec'd (ptrace(2), "execve(2) under ptrace"):
 * the kernel killed every other thread and gave the exec'ing one, former, the
 * leader's tid.  The exec event arrives under that tid, so it was decoded into
 * the leader's task; the leader itself was released silently (it reports no
 * exit: the kernel only reports a leader's death once it is the last thread).
 * The exec'ing thread's task lives on under the leader's tid, with its state
 * (it is inside execve); the leader's task goes.  Returns the task to go on
 * with. */
static struct task *take_over_leader(struct tracer *tr, struct task *leader, pid_t former)
{
    struct task *t = tracer_find(tr, former);
    if (!t) {
        rw_warn("thread %d took over thread %d in an exec, but rewind does not trace it", former, leader->tid);
        return leader;
    }
    rw_dbg("exec: thread %d takes over leader %d", former, leader->tid);
    t->tid = leader->tid;
    t->tgid = leader->tid;
    t->stop = leader->stop;
    t->sig = leader->sig;
    t->status = leader->status;
    t->event_msg = leader->event_msg;
    t->in_syscall = false;
    t->regs_valid = false;
    t->regs_dirty = false;
    core_of(t)->exec_former = former;
    struct eng_ctx c = {.tracer = tr, .task = t, .former_tid = former, .old_leader = leader};
    for (int i = 0; i < tr->nengines; i++) {
        const struct engine_ops *ops = tr->engines[i].ops;
        if (ops->takeover)
            ops->takeover(tr->engines[i].self, &c);
    }
    remove_task(tr, leader);
    return t;
}

static void resume(struct task *t, struct core *k)
{
    int sig = k->resume_sig;
    int how = k->step_next ? PTRACE_SINGLESTEP : PTRACE_SYSCALL;
    k->resume_sig = 0;
    k->held = false;
    k->step_next = false;
    if (!task_resume(t, how, sig) && errno != ESRCH)
        rw_warn("cannot resume thread %d: %s", t->tid, strerror(errno));
}

void tracer_release(struct tracer *tr, struct task *t)
{
    struct core *k = core_of(t);
    rw_dbg("release: thread %d%s", t->tid, k->held ? "" : " (not held)");
    if (!k->held)
        return;
    if (k->held_entry) {
        k->held_entry = false;
        if (k->emulated)
            skip_in_kernel(t);
    }
    resume(t, k);
}

bool tracer_is_listening(struct tracer *tr, struct task *t)
{
    return core_of(t)->listening;
}

bool tracer_is_held(struct tracer *tr, struct task *t)
{
    return core_of(t)->held;
}

void tracer_emulate_held(struct tracer *tr, struct task *t, int64_t ret)
{
    struct core *k = core_of(t);
    k->emulated = true;
    k->emu_ret = ret;
}

void tracer_interrupt(struct tracer *tr, struct task *t)
{
    ptrace(PTRACE_INTERRUPT, t->tid, 0, 0);
}

void tracer_pause(struct tracer *tr)
{
    tr->pause_requested = true;
}

void tracer_step_next(struct tracer *tr, struct task *t)
{
    core_of(t)->step_next = true;
}

/* Waits for a stop; false when a scheduler tick (SIGALRM, see tracer_run)
 * interrupted the wait, or when there is nothing left to wait for. */
static bool wait_stop(struct tracer *tr, pid_t *tid, int *status)
{
    pid_t r = waitpid(-1, status, __WALL);
    if (r > 0) {
        *tid = r;
        return true;
    }
    return false;
}

static void on_tick(int sig)
{
    (void)sig; /* only here to interrupt waitpid */
}

void tracer_add_held(struct tracer *tr, struct task *t)
{
    tracer_add_task(tr, t);
    struct core *k = core_of(t);
    k->born = true;
    k->held = true;
}

void tracer_add_held_entry(struct tracer *tr, struct task *t, int depth)
{
    tracer_add_held(tr, t);
    struct core *k = core_of(t);
    regs_t *r = task_regs(t);
    k->in_entry = true;
    k->held_entry = true;
    k->depth = depth;
    k->emulated = false;
    k->nr = (long)regs_sysno(r);
    for (int a = 0; a < 6; a++)
        k->args[a] = regs_arg(r, a);
}

bool tracer_held_entry(struct tracer *tr, struct task *t, int *depth)
{
    struct core *k = core_of(t);
    if (!k->held || !k->held_entry || !k->in_entry || k->emulated)
        return false;
    *depth = k->depth;
    return true;
}

int tracer_pending_signal(struct tracer *tr, struct task *t)
{
    return core_of(t)->resume_sig;
}

void tracer_drop_task(struct tracer *tr, struct task *t)
{
    remove_task(tr, t);
}

int tracer_run(struct tracer *tr)
{
    pid_t leader = tr->ntasks ? tr->tasks[0]->tid : 0;
    /* The scheduler's tick: a periodic SIGALRM without SA_RESTART interrupts
     * the one blocking waitpid, so waiting costs a single syscall per stop. */
    struct sigaction tick = {.sa_handler = on_tick}, old_tick;
    struct timeval every = {tr->tick_ms / 1000, (tr->tick_ms % 1000) * 1000};
    struct itimerval period = {every, every}, no_timer = {0};
    if (tr->tick_ms) {
        sigemptyset(&tick.sa_mask);
        sigaction(SIGALRM, &tick, &old_tick);
        setitimer(ITIMER_REAL, &period, NULL);
    }

    if (tr->started) {
        /* continuing after a pause: the scheduler decides who runs on */
        tr->pause_requested = false;
        if (tr->scheduler)
            tr->scheduler(tr->scheduler_self, tr, NULL);
    } else {
        /* The first tasks are stopped at their exec event: report the exec at the execve exit. */
        tr->started = true;
        for (int i = 0; i < tr->ntasks; i++) {
            struct core *k = core_of(tr->tasks[i]);
            k->born = true;
            if (tr->tasks[i]->stop == STOP_EXEC) {
                k->exec_pending = true;
                resume(tr->tasks[i], k);
            }
        }
    }

    while (tr->ntasks > 0 && !tr->stop_requested && !tr->pause_requested) {
        pid_t tid;
        int status;
        if (!wait_stop(tr, &tid, &status)) {
            if (errno == ECHILD)
                break;
            if (tr->scheduler)
                tr->scheduler(tr->scheduler_self, tr, NULL);
            continue;
        }
        struct task *t = tracer_find(tr, tid);
        if (!t) {
            if (WIFEXITED(status) || WIFSIGNALED(status))
                continue;
            t = adopt(tr, tid);   /* a new thread whose creator's event we have not seen yet */
        }
        struct core *k = core_of(t);
        k->listening = false;
        /* a new stop: a task held at a syscall entry left it (SIGKILL wakes
         * it), and must not be kept from dying by that hold */
        k->held_entry = false;
        task_note_stop(t, status);
        rw_dbg("stop: thread %d kind %d sig %d", t->tid, t->stop, t->sig);
        int sig = 0;
        bool dispatched = true;
        switch (t->stop) {
        case STOP_SYSCALL_ENTRY:
            on_syscall_entry(tr, t, k);
            break;
        case STOP_SYSCALL_EXIT:
            if (k->exec_pending) {
                k->exec_pending = false;
                k->in_entry = false;
                on_exec(tr, t, k->exec_former ? k->exec_former : t->tid);
                k->exec_former = 0;
            } else if (k->in_entry) {
                on_syscall_exit(tr, t, k);
            }
            break;
        case STOP_EXEC:
            /* event_msg is the tid the thread exec'd under */
            if ((pid_t)t->event_msg != t->tid) {
                t = take_over_leader(tr, t, (pid_t)t->event_msg);
                k = core_of(t);
            }
            k->exec_pending = true;
            task_after_exec(t);
            t->tgid = t->tid;
            break;
        case STOP_SIGNAL:
            sig = on_signal(tr, t);
            break;
        case STOP_CLONE:
            on_clone(tr, t);
            break;
        case STOP_GROUP:
            if (!k->born) {
                k->born = true;   /* a new thread's first stop */
                break;
            }
            /* an interrupt we asked for (SIGTRAP) goes to the scheduler; a job
             * control stop (SIGSTOP, SIGTSTP...) stays stopped as it would without
             * us, until a SIGCONT: PTRACE_LISTEN waits for that without resuming */
            if (t->sig != SIGTRAP) {
                k->held = false;
                k->listening = true;
                if (ptrace(PTRACE_LISTEN, t->tid, 0, 0) < 0 && errno != ESRCH)
                    rw_warn("cannot keep thread %d stopped: %s", t->tid, strerror(errno));
                if (tr->scheduler)
                    tr->scheduler(tr->scheduler_self, tr, t); /* it cannot run: pick another */
                continue;
            }
            break;
        case STOP_EXIT_EVENT:
            dispatched = false;   /* the exit itself follows */
            break;
        case STOP_EXITED:
            on_gone(tr, t, status);
            if (tid == leader)
                tr->leader_status = status;
            remove_task(tr, t);
            if (tr->scheduler && !tr->stop_requested)
                tr->scheduler(tr->scheduler_self, tr, NULL);
            continue;
        default:
            break;
        }
        k->born = true;
        if (tr->stop_requested)
            break;
        k->resume_sig = sig;
        k->held = true;
        if (tr->pause_requested && dispatched)
            break;                /* the task stays held for whoever paused us */
        if (!tr->scheduler || !dispatched) {
            if (!k->held_entry)
                resume(t, k);
        } else {
            tr->scheduler(tr->scheduler_self, tr, t);
        }
    }
    if (tr->tick_ms) {
        setitimer(ITIMER_REAL, &no_timer, NULL);
        sigaction(SIGALRM, &old_tick, NULL);
    }
    return tr->leader_status;
}
