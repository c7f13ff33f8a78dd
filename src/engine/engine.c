/* engine — event dispatch to the stack of engines (see engine.h). */
#include "engine.h"
#include "../util/util.h"
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>

/* Per-task dispatch state that must survive from syscall entry to exit. */
struct pending_syscall {
    pid_t tid;
    int depth;        /* engines that saw the entry: exit goes to [0, depth) */
    bool emulated;
    int64_t emu_ret;
    long nr;
    uint64_t args[6];
};
static struct pending_syscall pending[MAX_TASKS];

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

void tracer_add_task(struct tracer *tr, struct task *t)
{
    if (tr->ntasks == MAX_TASKS)
        rw_fatal("too many threads (limit %d)", MAX_TASKS);
    tr->tasks[tr->ntasks++] = t;
}

static int task_index(struct tracer *tr, pid_t tid)
{
    for (int i = 0; i < tr->ntasks; i++)
        if (tr->tasks[i]->tid == tid)
            return i;
    return -1;
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

static void on_syscall_entry(struct tracer *tr, struct task *t, struct pending_syscall *p)
{
    regs_t *r = task_regs(t);
    struct eng_ctx c = {.tracer = tr, .task = t, .nr = (long)regs_sysno(r)};
    for (int i = 0; i < 6; i++)
        c.args[i] = regs_arg(r, i);
    int i;
    for (i = 0; i < tr->nengines; i++) {
        const struct engine_ops *ops = tr->engines[i].ops;
        enum eng_verdict v = ops->syscall_entry ? ops->syscall_entry(tr->engines[i].self, &c) : ENG_PASS;
        if (c.emulated) {
            i++;
            break;
        }
        if (v == ENG_STOP) {
            i++;
            break;
        }
    }
    p->tid = t->tid;
    p->depth = i;
    p->emulated = c.emulated;
    p->emu_ret = c.ret;
    /* the (possibly rewritten) call as the kernel sees it */
    r = task_regs(t);
    p->nr = (long)regs_sysno(r);
    for (int k = 0; k < 6; k++)
        p->args[k] = regs_arg(r, k);
    if (c.emulated) {
        regs_t nr = *r;
        regs_set_sysno(&nr, (uint64_t)-1); /* the kernel skips syscall -1 */
        task_set_regs(t, &nr);
    }
}

static void on_syscall_exit(struct tracer *tr, struct task *t, struct pending_syscall *p)
{
    regs_t *r = task_regs(t);
    struct eng_ctx c = {.tracer = tr, .task = t, .nr = p->nr, .emulated = p->emulated};
    memcpy(c.args, p->args, sizeof c.args);
    c.ret = p->emulated ? p->emu_ret : (int64_t)regs_ret(r);
    for (int i = p->depth - 1; i >= 0; i--) {
        const struct engine_ops *ops = tr->engines[i].ops;
        if (ops->syscall_exit)
            ops->syscall_exit(tr->engines[i].self, &c);
    }
    r = task_regs(t);
    if (c.regs_owned) {
        p->tid = 0;
        return;
    }
    if ((int64_t)regs_ret(r) != c.ret || (p->emulated && (long)regs_sysno(r) != p->nr)) {
        regs_t nr = *r;
        regs_set_ret(&nr, (uint64_t)c.ret);
        /* Restore the number so the kernel's restart logic (-ERESTART*) sees the real call. */
        if (p->emulated)
            regs_set_sysno(&nr, (uint64_t)p->nr);
        task_set_regs(t, &nr);
    }
    p->tid = 0;
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

static void on_exec(struct tracer *tr, struct task *t)
{
    struct eng_ctx c = {.tracer = tr, .task = t};
    for (int i = 0; i < tr->nengines; i++) {
        const struct engine_ops *ops = tr->engines[i].ops;
        if (ops->exec && ops->exec(tr->engines[i].self, &c) == ENG_STOP)
            break;
    }
}

static void on_exit(struct tracer *tr, struct task *t, int status)
{
    struct eng_ctx c = {.tracer = tr, .task = t, .status = status};
    for (int i = 0; i < tr->nengines; i++) {
        const struct engine_ops *ops = tr->engines[i].ops;
        if (ops->exit)
            ops->exit(tr->engines[i].self, &c);
    }
}

int tracer_run(struct tracer *tr)
{
    pid_t leader = tr->ntasks ? tr->tasks[0]->tid : 0;
    bool exec_pending[MAX_TASKS] = {0};
    /* The first task is stopped at its exec event: report the exec at the execve exit. */
    for (int i = 0; i < tr->ntasks; i++)
        if (tr->tasks[i]->stop == STOP_EXEC) {
            exec_pending[i] = true;
            task_resume(tr->tasks[i], PTRACE_SYSCALL, 0);
        }

    while (tr->ntasks > 0 && !tr->stop_requested) {
        pid_t tid;
        int status;
        if (!task_wait_any(&tid, &status, false))
            break;
        int idx = task_index(tr, tid);
        if (idx < 0)
            continue; /* not ours (yet): threads and children come with the process-tree work */
        struct task *t = tr->tasks[idx];
        struct pending_syscall *p = &pending[idx];
        task_note_stop(t, status);
        int sig = 0;
        switch (t->stop) {
        case STOP_SYSCALL_ENTRY:
            on_syscall_entry(tr, t, p);
            break;
        case STOP_SYSCALL_EXIT:
            if (exec_pending[idx]) {
                exec_pending[idx] = false;
                p->tid = 0;
                on_exec(tr, t);
            } else if (p->tid == t->tid) {
                on_syscall_exit(tr, t, p);
            }
            break;
        case STOP_EXEC:
            exec_pending[idx] = true;
            task_after_exec(t);
            break;
        case STOP_SIGNAL:
            sig = on_signal(tr, t);
            break;
        case STOP_GROUP:
            /* job control stops are passed on as they would be without us */
            break;
        case STOP_EXITED:
            on_exit(tr, t, status);
            if (tid == leader)
                tr->leader_status = status;
            task_free(t);
            tr->tasks[idx] = tr->tasks[--tr->ntasks];
            pending[idx] = pending[tr->ntasks];
            exec_pending[idx] = exec_pending[tr->ntasks];
            continue;
        default:
            break;
        }
        if (tr->stop_requested)
            break;
        if (!task_resume(t, PTRACE_SYSCALL, sig) && errno != ESRCH)
            rw_warn("cannot resume thread %d: %s", t->tid, strerror(errno));
    }
    return tr->leader_status;
}
