/* recorder — the recorder's internal state, shared by its engine callbacks
 * (record.c) and its scheduler (sched.c).  Not for use outside record/. */
#ifndef REWIND_RECORDER_H
#define REWIND_RECORDER_H
#include <stdbool.h>
#include <stdint.h>
#include "../engine/engine.h"
#include "../trace/trace.h"
#include "../tracee/memtrack.h"
#include "../util/util.h"

#define MAX_TRACKED_FDS 4096
enum fd_kind { FD_OTHER = 0, FD_STDOUT, FD_STDERR };

/* One fd table (shared by threads, copied by fork): which fds still lead to
 * the recording's stdout/stderr, so replay knows which writes to print. */
struct rfds {
    int users;
    uint8_t kind[MAX_TRACKED_FDS];
};

/* One address space: a process, or a vfork child borrowing its parent's. */
struct rproc {
    pid_t tgid;
    struct memtrack *mt;          /* NULL when written-page tracking is unavailable */
    uint64_t brk_cur;             /* program break as last seen (0: not yet) */
    int users;                    /* threads using it */
};

/* The recorder's view of one thread. */
struct rtask {
    pid_t tid;
    struct rproc *proc;
    struct rfds *fds;
    struct event cur;             /* the syscall between its entry and exit */
    bool cur_open;
    bool cur_unknown;             /* the table cannot tell what it writes */
    bool entry_written;           /* an EVF_ENTRY_ONLY event went out for cur */
    bool in_syscall;              /* between its entry and exit stops */
    /* The registers the thread resumed with after its last syscall: a signal
     * stop with identical registers arrived before any user instruction ran. */
    bool after_syscall;
    regs_t after_syscall_regs;
    struct buf peek;              /* what a kernel-side copy to stdout/stderr may send */
    enum fd_kind peek_kind;
    uint64_t queued;              /* run-queue order: smaller runs first */
    /* Its creator's clone event has been seen (rec_clone; the first thread:
     * from the start).  A new thread can stop before that event is reported,
     * and until then it may not run: its address space, its fd table and
     * whether it is a vfork child are not known yet (see pick_ready). */
    bool introduced;
    uint64_t first_seen_ns;       /* when the recorder first saw it */
    bool needs_memtrack;          /* attach written-page tracking at its next stop */
    /* vfork: the parent wakes up inside the child's execve, before the child's
     * exec is recorded; its vfork result waits here until then, so that replay
     * (where the parent blocks until the child really execs) sees them in order */
    pid_t vfork_parent;           /* child: its vfork parent, until it execs or exits */
    struct event deferred;        /* parent: the vfork completion waiting for that */
    bool has_deferred;
    /* execve: the exits of the other threads of its process that the kernel
     * reports before the exec (it ends them all), held back until the exec is
     * recorded, because replay's threads only die when replay's execve runs */
    struct event *exits_after_exec;
    int nexits_after_exec;
};

/* A file the recorded programs map MAP_SHARED (see record_shared_change). */
struct shared_file {
    dev_t dev;
    ino_t ino;
};

/* A System V shared memory segment the recorded programs attach (see shm.c). */
struct shm_segment {
    int shmid;
    uint64_t number;              /* the recording's number for it, from 1 */
    pid_t cpid;                   /* its creator, which tells a reused id */
    bool outside;                 /* not created by the recording */
};

struct recorder {
    struct trace_writer *w;
    struct shared_file *shared;   /* number N names shared[N - 1] */
    int nshared;
    struct shm_segment *shm;
    int nshm;
    uint64_t shm_numbers;         /* segment numbers given so far */
    bool warned_shm;
    char mt_error[256];
    bool warned_untracked;
    bool warned_shared;
    bool cpuid_faulting;
    bool failed;
    struct rtask *tasks[MAX_TASKS];
    int ntasks;
    /* scheduling: one thread of the whole tree runs user code at a time */
    struct task *current;
    uint64_t slice_start_ns;
    int slice_ms;
    bool chaos;                   /* random slices and switch points */
    uint64_t rng;
    uint64_t queue_clock;
    uint64_t preemptions, preempt_bytes, switches;
};

struct rtask *rtask_of(struct recorder *R, struct task *t);
/* Whether rt is inside an execve (between its entry and the exec or the error). */
bool rtask_in_exec(const struct rtask *rt);
void rtask_forget(struct recorder *R, pid_t tid);
void write_event(struct recorder *R, struct event *ev);
/* Adds t's whole state to ev: registers, extended state and the pages written
 * since the last look (a state delta replay can jump to). */
void record_state_delta(struct recorder *R, struct task *t, struct event *ev);
/* Adds every page written in t's address space since the last look to ev. */
void record_pages_written(struct recorder *R, struct task *t, struct event *ev);
/* Sets written-page tracking up for t's address space if it has none. */
void ensure_memtrack(struct recorder *R, struct task *t);
/* Adds len bytes of t's memory at addr to ev's patches (what replay writes). */
void add_memory_patch(struct event *ev, struct task *t, uint64_t addr, uint64_t len);

/* System V shared memory (shm.c).  After a successful shmget: */
void record_shm_get(struct recorder *R, const struct event *ev);
/* After a successful shmat (mt: the process's written-page tracker or NULL): */
void record_shm_attach(struct recorder *R, struct task *t, struct event *ev, struct memtrack *mt);
/* At a shmdt's entry, while the segment is still attached: */
void record_shm_detach(struct task *t, struct event *ev);

/* The scheduler (tracer_set_scheduler). */
void record_schedule(void *self, struct tracer *tr, struct task *t);
uint64_t now_ns(void);

#endif
