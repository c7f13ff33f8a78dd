/* replay — re-executes a recorded program from its trace: the replayer engine
 * and the `rewind replay` driver.
 *
 * The program runs for real, instruction by instruction, but never touches the
 * outside world: every syscall is checked against the recording (number,
 * arguments, key registers, input strings) and then either answered from the
 * trace (result + the memory it wrote) or, for the few that shape the process
 * itself (memory maps, signal state, exit), executed for real at the recorded
 * addresses using the trace's copies of files.  Any mismatch stops replay with
 * a divergence report. */
#ifndef REWIND_REPLAY_H
#define REWIND_REPLAY_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct replay_options {
    const char *dir;
    bool quiet;          /* -q: do not echo the program's output */
    const char *trace_out; /* --trace FILE: print syscalls as they replay (NULL: off) */
};

/* Returns the exit status rewind should exit with. */
int replay_main(const struct replay_options *o);

/* ---- a replay under control (the debugger's timeline drives these) ----
 *
 * A replay is opened stopped at its start, runs until the program ends, the
 * replay fails, or something pauses it (tracer_pause() from an engine stacked
 * above the replayer or from a hook), and is closed by killing what is left.
 * A debugger restarts by closing and opening again: replay is deterministic,
 * so the same events lead to the same state. */
struct replayer;
struct engine_ops;
struct event;
struct task;
struct tracer;

enum replay_window {
    WINDOW_GO,        /* go on as replay does */
    WINDOW_HOLD,      /* keep t stopped: the hook paused the replay */
    WINDOW_EXECUTE,   /* for a state delta: do not load it, let t run; it is
                       * asked again when t stops, and loads the delta after
                       * the hook answers WINDOW_GO (t having reached that
                       * state by executing, as it did when recorded) */
};

/* Calls into the debugger at the points where positions are defined. */
struct replay_hooks {
    void *self;
    /* A process image was rebuilt for its exec event ev: t is about to run its
     * first instruction. */
    void (*after_exec)(void *self, struct task *t, const struct event *ev);
    /* The scheduler is about to let t run toward the next event ev (a new
     * "window"), or, for a state delta (EV_PREEMPT, an asynchronous signal),
     * to load it.  See enum replay_window. */
    enum replay_window (*window)(void *self, struct task *t, const struct event *ev);
    /* Nothing stopped for a while (the tracer's tick, if set): a chance to
     * look at the world, e.g. for a debugger's interrupt request. */
    void (*idle)(void *self);
};

/* PAUSED: see above; DONE: the recording's end; FAILED: a divergence;
 * CUT_SHORT: the end of an interrupted recording (the threads stay where
 * that left them until replay_close). */
enum replay_state { REPLAY_PAUSED, REPLAY_DONE, REPLAY_FAILED, REPLAY_CUT_SHORT };

/* above: an engine that sees every event before the replayer (NULL: none).
 * NULL with err set when the trace cannot be replayed. */
struct replayer *replay_open(const struct replay_options *o, const struct engine_ops *above, void *above_self,
                             char *err, size_t errlen);
void replay_set_hooks(struct replayer *R, const struct replay_hooks *h);
/* Whether the program's output is printed again (see replay_options.quiet). */
void replay_set_quiet(struct replayer *R, bool quiet);
enum replay_state replay_run(struct replayer *R);
/* Kills what is left, frees everything; returns the exit status the
 * recording ended with (RW_EXIT_TOOL if the replay did not get there). */
int replay_close(struct replayer *R);

struct tracer *replay_tracer(struct replayer *R);
/* The event replay is heading to (false at the end). */
bool replay_next_event(struct replayer *R, const struct event **ev);
/* Its number, UINT64_MAX at the end. */
uint64_t replay_position(struct replayer *R);
/* Recorded ids of a replayed thread and its process (0 if not known yet), and back. */
int32_t replay_rec_tid(struct replayer *R, struct task *t);
int32_t replay_rec_pid(struct replayer *R, struct task *t);
struct task *replay_task_of(struct replayer *R, int32_t rec_tid);

/* ---- fork-based checkpoints (checkpoint.c) ---- */
struct replay_checkpoint;
/* Whether the replay can be checkpointed now, with t about to run: every
 * thread of the tree held where a window begins or at the entry of a call the
 * recording completes later, nothing half done, and no more than 256 MB of
 * shared memory to keep.  Any number of processes and threads. */
bool replay_can_checkpoint(struct replayer *R, struct task *t);
/* NULL if it cannot (see above). */
struct replay_checkpoint *replay_checkpoint(struct replayer *R, struct task *t);
/* How many processes and live threads the checkpoint holds. */
void replay_checkpoint_shape(const struct replay_checkpoint *c, int *processes, int *threads);
/* The event the replay was heading to when the checkpoint was taken. */
uint64_t replay_checkpoint_event(const struct replay_checkpoint *c);
/* Replaces the replayed tree by a copy of the checkpoint, held where the
 * checkpoint was taken.  dir: the trace (its reader is reopened).  false
 * with err set on failure (the replay is then unusable). */
bool replay_restore(struct replayer *R, struct replay_checkpoint *c, const char *dir, char *err,
                    size_t errlen);
void replay_checkpoint_free(struct replay_checkpoint *c);

#endif
