/* exec_snapshot — what a new program image looks like right after exec, so that
 * replay can rebuild it without the original files, paths or environment:
 * every mapping (file-backed ones point to the trace's copy of the file), the
 * contents of writable and anonymous memory (data, bss, the initial stack with
 * argv, envp, auxv and the AT_RANDOM bytes) and the registers.
 *
 * Also hides the vDSO from the program (AT_SYSINFO_EHDR becomes AT_IGNORE) so
 * that time queries become real, recorded syscalls. */
#ifndef REWIND_EXEC_SNAPSHOT_H
#define REWIND_EXEC_SNAPSHOT_H
#include <stdbool.h>
#include <stddef.h>
#include "../trace/trace.h"
#include "../tracee/tracee.h"

/* t is at the syscall-exit stop of a successful execve.  Fills ev (type EV_EXEC). */
bool exec_snapshot(struct task *t, struct trace_writer *w, struct event *ev, char *err, size_t errlen);

/* Puts t's registers and extended state (xsave) into ev, with EVF_REGS/EVF_XSTATE. */
void record_registers(struct task *t, struct event *ev);

/* Fills a trace header describing this recording and machine. */
void record_fill_header(struct trace_header *h, char **argv, char **envp);

#endif
