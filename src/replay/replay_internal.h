/* replay_internal — the replayer's state, shared by replay.c (the replayer
 * engine and its scheduler) and checkpoint.c (fork-based checkpoints). */
#ifndef REWIND_REPLAY_INTERNAL_H
#define REWIND_REPLAY_INTERNAL_H
#include "replay.h"
#include "../engine/engine.h"
#include "../trace/trace.h"
#include "../tracee/tracee.h"

/* A thread's alternate signal stack as its last sigaltstack set it. */
struct altstack {
    uint64_t sp;
    int32_t flags;
    uint64_t size;           /* 0: none */
};

/* Replay's view of one thread. */
struct rpt {
    int32_t rec_tid;         /* its tid in the recording (0 until its creator's clone returns) */
    struct task *t;          /* NULL once it exited */
    struct event cur;        /* the syscall between its entry and exit */
    bool cur_open;
    bool entry_held;         /* held at an entry the recording completes later */
    bool ran_ahead;          /* a real syscall whose completion event is still to come */
    bool have_real_ret;
    int64_t real_ret;        /* what the kernel returned for it */
    bool completion_taken;   /* its completion event is in cur; the kernel is not done yet */
    long mmap_fd;            /* fd injected for a file mmap, -1 if none */
    bool signal_sent_early;  /* the next signal was sent before a real syscall blocked */
    bool masked_wait;        /* a pselect6/ppoll/epoll_pwait replayed as rt_sigsuspend */
    uint64_t settid_addr;    /* CLONE_CHILD_SETTID: where the recorded tid goes once it ran */
    struct task *child;      /* created by its last clone */
    bool exited;
    int status;
    bool kill_sent;          /* replay delivered the SIGKILL the recording ended it with */
    /* Per-thread kernel state that no ptrace request reads, followed from the
     * calls that set it, so that a checkpoint can make the thread again. */
    uint64_t clear_tid;      /* set_tid_address / CLONE_CHILD_CLEARTID */
    struct altstack altstack;
};

struct brk_state {
    pid_t tgid;
    uint64_t brk;
};

struct replayer {
    struct trace_reader *r;
    const struct trace_header *h;
    bool quiet;
    char *stub_path;
    struct event next;       /* the next recorded event */
    bool have_next;
    bool trace_done;         /* no more events (clean end or interrupted recording) */
    struct event *ahead;     /* events read past next (see next_signal_for) */
    int nahead;
    struct rpt *threads[MAX_TASKS];
    int nthreads;
    struct brk_state brks[MAX_TASKS];
    int nbrks;
    int32_t leader_rec_tid;
    bool diverged;
    bool incomplete;         /* the recording was interrupted and replay reached its end */
    int recorded_status;
    bool exited;
    struct tracer tr;
    struct replay_hooks hooks;
    bool closed;
};

struct rpt *rpt_of_task(struct replayer *R, struct task *t);
struct rpt *rpt_of_rec(struct replayer *R, int32_t rec_tid);
/* The program break replay keeps for an address space. */
uint64_t *brk_of(struct replayer *R, pid_t tgid);
/* Moves to the next recorded event. */
void advance(struct replayer *R);

#endif
