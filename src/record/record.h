/* record — the recorder: an engine that turns every event of the traced program
 * into trace events, plus the driver that spawns the program and runs it.
 *
 * Per syscall: at entry the arguments, the inputs worth keeping (paths) and the
 * key registers; at exit the result and the memory the syscall wrote (from the
 * syscall table, or for syscalls the table does not know, the pages the
 * written-page tracker saw change).  mmap'ed and exec'ed files are copied into
 * the trace.  rdtsc (and cpuid where the CPU can fault it) are trapped and their
 * results recorded.  At exec the new address space is snapshotted so replay can
 * rebuild it without the original files. */
#ifndef REWIND_RECORD_H
#define REWIND_RECORD_H
#include <stdbool.h>

struct record_options {
    const char *out_dir;     /* NULL: default location */
    char **argv;             /* program and arguments */
    bool quiet;
    int slice_ms;            /* time slice before a thread is preempted (0: default) */
    bool chaos;              /* random slices and switch points */
};

/* Records; returns the exit status rewind should exit with (the program's). */
int record_main(const struct record_options *o);

#endif
