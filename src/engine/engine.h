/* engine — the dispatch layer between the tracer core and the tools built on it.
 *
 * Every event of a traced thread (syscall entry and exit, signal, exec, exit) is
 * offered to an ordered stack of engines.  The recorder is one engine; the live
 * syscall printer, the replayer, and later fault injectors and probes are others.
 *
 * Order is that of a stack of layers, outermost first:
 *   - syscall entry: engines 0, 1, 2, ... see it in order; each may rewrite the
 *     arguments (task_set_regs) for the engines below it and the kernel;
 *   - an engine that *emulates* the syscall (ctx_emulate) answers it itself: the
 *     engines below it never see this syscall and the kernel does not run it;
 *   - syscall exit: the engines that saw the entry see the exit in reverse order
 *     (innermost first), each may rewrite the result (ctx_set_result) for the
 *     engines above it and the program;
 *   - signal, exec, exit: engines 0, 1, 2, ... in order; an engine may change or
 *     suppress the signal (ctx->sig) and may return ENG_STOP so that the engines
 *     after it do not see the event.
 * Engines may do anything to the stopped task in their callbacks (read and write
 * memory and registers, inject syscalls).  The core resumes the task afterwards. */
#ifndef REWIND_ENGINE_H
#define REWIND_ENGINE_H
#include <stdbool.h>
#include <stdint.h>
#include "../tracee/tracee.h"

enum eng_verdict {
    ENG_PASS = 0,   /* later engines see the event */
    ENG_STOP,       /* later engines do not see it */
    ENG_HOLD,       /* syscall entry only: later engines do not see it yet and the task
                     * stays stopped at the entry until tracer_release(); before that
                     * the engine may tracer_emulate_held() it */
};

struct tracer;

/* What an engine callback is looking at. */
struct eng_ctx {
    struct tracer *tracer;
    struct task *task;
    /* syscall events */
    long nr;
    uint64_t args[6];
    int64_t ret;             /* at exit: the result as it stands */
    bool emulated;           /* an engine answered the syscall itself */
    /* signal events: the signal to deliver (0 = suppress) */
    int sig;
    /* exit events: wait status */
    int status;
    /* clone events: the new thread or process (its first stop may still be on its way) */
    struct task *child;
    int clone_kind;          /* PTRACE_EVENT_CLONE, _FORK or _VFORK */
    /* set by an engine that replaced the whole register state in a syscall_exit
     * callback (a replayed state delta): the core then leaves registers alone */
    bool regs_owned;
    /* exec and takeover events: the tid the exec'ing thread had before the exec
     * (equal to task->tid unless a thread other than the leader exec'd) */
    pid_t former_tid;
    /* takeover events: the old leader's task, freed right after the callback */
    struct task *old_leader;
};

struct engine_ops {
    const char *name;
    enum eng_verdict (*syscall_entry)(void *self, struct eng_ctx *c);
    void (*syscall_exit)(void *self, struct eng_ctx *c);
    enum eng_verdict (*signal)(void *self, struct eng_ctx *c);
    /* after an exec completed: the task is at the execve syscall-exit stop */
    enum eng_verdict (*exec)(void *self, struct eng_ctx *c);
    /* a thread is gone: c->status is its wait status */
    void (*exit)(void *self, struct eng_ctx *c);
    /* a thread created a thread or process: c->task is the creator, c->child the new one */
    void (*clone)(void *self, struct eng_ctx *c);
    /* A thread other than the leader exec'd: the kernel ended every other thread
     * and gave the exec'ing one the leader's tid.  The leader reports no exit of
     * its own; this is its end.  Called at the exec event, before anything else
     * sees the thread under its new tid: c->task is the exec'ing thread, already
     * renamed, c->former_tid its old tid, c->old_leader the leader's task.  The
     * exec itself is reported later, as usual (with c->former_tid set again). */
    void (*takeover)(void *self, struct eng_ctx *c);
};

/* A scheduler decides which stopped tasks run.  Without one, every task is resumed
 * as soon as its stop has been dispatched (as strace does).  With one, tasks stay
 * stopped ("held") after each stop until the scheduler releases them; it is
 * called after every stop with that task, and with t == NULL when tick_ms
 * passed without any stop (so it can preempt a task that runs too long). */
typedef void (*scheduler_fn)(void *self, struct tracer *tr, struct task *t);

#define MAX_ENGINES 8
#define MAX_TASKS 1024

struct tracer {
    struct engine_slot {
        const struct engine_ops *ops;
        void *self;
    } engines[MAX_ENGINES];
    int nengines;
    struct task *tasks[MAX_TASKS];
    int ntasks;
    int leader_status;       /* wait status of the first task when it exited */
    bool stop_requested;     /* an engine asked the core to stop (e.g. divergence) */
    bool pause_requested;    /* see tracer_pause */
    bool started;            /* tracer_run ran before: a new call continues a pause */
    scheduler_fn scheduler;
    void *scheduler_self;
    int tick_ms;             /* scheduler wake-up period when nothing stops; 0: none */
};

void tracer_init(struct tracer *tr);
/* Pushes an engine below the ones already attached. */
void tracer_attach(struct tracer *tr, const struct engine_ops *ops, void *self);
void tracer_add_task(struct tracer *tr, struct task *t);
/* Adds a task that is already stopped and known (a restored checkpoint): it
 * is held, as if its stop had been dispatched, until the scheduler releases it. */
void tracer_add_held(struct tracer *tr, struct task *t);
/* The same for a task stopped at a syscall entry that the engines [0, depth)
 * saw and the last of them held (ENG_HOLD): they see its exit as usual. */
void tracer_add_held_entry(struct tracer *tr, struct task *t, int depth);
/* Whether t is held at a syscall entry by ENG_HOLD, not yet answered
 * (tracer_emulate_held); *depth: the engines that saw the entry. */
bool tracer_held_entry(struct tracer *tr, struct task *t, int *depth);
/* The signal a held task will get when released (0: none). */
int tracer_pending_signal(struct tracer *tr, struct task *t);
/* Forgets a task (killed and reaped by the caller) and frees it. */
void tracer_drop_task(struct tracer *tr, struct task *t);
/* Runs until every task has exited or stop_requested; returns the first task's wait status. */
int tracer_run(struct tracer *tr);

void tracer_set_scheduler(struct tracer *tr, scheduler_fn fn, void *self, int tick_ms);
/* Resumes a held task (with the signal its stop left pending, if any). */
void tracer_release(struct tracer *tr, struct task *t);
bool tracer_is_held(struct tracer *tr, struct task *t);
/* Whether a task sits in a job-control stop (SIGSTOP...), waiting for SIGCONT. */
bool tracer_is_listening(struct tracer *tr, struct task *t);
/* For a task held at a syscall entry: the kernel will skip the call and the
 * engines that saw the entry will see ret at its exit. */
void tracer_emulate_held(struct tracer *tr, struct task *t, int64_t ret);
struct task *tracer_find(struct tracer *tr, pid_t tid);
/* Stops a running task soon (PTRACE_INTERRUPT): its next stop is STOP_GROUP with SIGTRAP. */
void tracer_interrupt(struct tracer *tr, struct task *t);

/* Called from an engine callback or the scheduler: once the current stop has
 * been dispatched, tracer_run returns with that task held (and every other
 * task where it is).  Calling tracer_run again continues where it left off,
 * starting with a scheduler call (a debugger looks at the program meanwhile). */
void tracer_pause(struct tracer *tr);
/* The next time t is resumed it executes one instruction (PTRACE_SINGLESTEP)
 * instead of running to its next syscall.  The caller must not ask this at a
 * syscall instruction: a single-stepped syscall runs without syscall stops. */
void tracer_step_next(struct tracer *tr, struct task *t);

/* Inside a syscall_entry callback: answer the syscall with ret; the kernel skips it. */
void ctx_emulate(struct eng_ctx *c, int64_t ret);
/* Inside a syscall_exit callback: change the result the program (and outer engines) see. */
void ctx_set_result(struct eng_ctx *c, int64_t ret);

#endif
