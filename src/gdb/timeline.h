/* timeline — a recording seen as a timeline a debugger can move along, both
 * ways: the implementation of gdb/target.h on top of replay sessions.
 *
 * Without a PMU there is no instruction counter, so a point in the replay (a
 * "position") is named by what is deterministic: the event the replay is
 * heading to (its "window"), the thread, the instruction pointer, and how many
 * times that thread has been about to execute that instruction since the
 * window began (counted with breakpoints or single steps; when a stop was not
 * counted, the full register file identifies it instead).
 *
 * Going backwards re-executes: the replay is restarted and run forwards to
 * the wanted position (replay is deterministic, so it reaches the same state),
 * collecting on the way the breakpoint and watchpoint hits that precede the
 * current position; the last of them is where a reverse-continue stops.
 * Reverse-step single-steps the current window to find the instruction before.
 * Checkpoints are remembered positions: going to one re-executes up to it. */
#ifndef REWIND_GDB_TIMELINE_H
#define REWIND_GDB_TIMELINE_H
#include <stdint.h>
#include <sys/types.h>
#include "target.h"

struct timeline_options {
    const char *dir;
    pid_t pid;            /* recorded pid to debug (0: the first process) */
    uint64_t event;       /* start at this event (0: at the start of the process) */
    uint64_t checkpoint_interval; /* events between automatic checkpoints (0: 1/64 of
                                   * the recording, at least 256); UINT64_MAX: none */
};

/* Opens the recording and runs the replay to the starting point.  NULL with
 * err set if it cannot be replayed there. */
struct timeline *timeline_open(const struct timeline_options *o, char *err, size_t errlen);
void timeline_close(struct timeline *tl);
/* The operations gdb/server.c drives. */
struct dbg_target timeline_target(struct timeline *tl);

#endif
