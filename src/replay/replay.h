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

struct replay_options {
    const char *dir;
    bool quiet;          /* -q: do not echo the program's output */
    const char *trace_out; /* --trace FILE: print syscalls as they replay (NULL: off) */
};

/* Returns the exit status rewind should exit with. */
int replay_main(const struct replay_options *o);

#endif
