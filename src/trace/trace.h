/* trace — the on-disk recording.  A trace is a directory:
 *
 *   header        versioned text header (command line, environment, cwd, kernel, CPU)
 *   events        chunked event stream
 *   data          chunked bulk-data stream (memory contents, registers, siginfo)
 *   files/ID      copies (or hard links) of every mapped or executed file, keyed by content
 *
 * Each stream is a sequence of chunks: a fixed header (magic, sequence number,
 * sizes, checksum) followed by a zstd frame.  A chunk is either whole and valid or
 * the stream ends before it, so a recorder killed at any moment leaves a trace that
 * reads cleanly up to its last complete chunk.  The writer always flushes the data
 * stream before the event chunk that refers to it.  A closed trace ends with an
 * end record; its absence means the recording was cut short.
 *
 * Readers validate everything and never crash or hang on corrupt input: every
 * failure is a message suitable for "rewind: %s". */
#ifndef REWIND_TRACE_H
#define REWIND_TRACE_H
#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include "event.h"

#define TRACE_FORMAT_VERSION 1
#define TRACE_ID_LEN 32  /* hex characters of a file content id */

struct trace_header {
    uint32_t version;
    int argc;
    char **argv;           /* the command line as given to rewind record */
    int envc;
    char **envp;           /* the environment the program started with */
    char *cwd;
    char *exe;             /* resolved path of the program */
    char *kernel;          /* uname: release, version, machine */
    char *cpu;             /* CPU model name */
    char *hostname;
    uint64_t start_time_ns;/* CLOCK_REALTIME at start */
    bool cpuid_faulting;   /* cpuid was trapped and recorded */
    int bound_cpu;         /* the CPU the recording ran on (cpuid answers, e.g. APIC ids, depend on it) */
};
void trace_header_free(struct trace_header *h);

/* ---- writing ---- */
struct trace_writer;
/* Creates DIR (must not exist or be empty), mode 0700, writes the header. */
struct trace_writer *trace_create(const char *dir, const struct trace_header *h,
                                  char *err, size_t errlen);
/* Appends an event; assigns ev->seq.  Returns false on I/O error (err set; the
 * writer is dead from then on), or when the event exceeds the format's limits
 * (err set; nothing was written and the writer stays usable).  Flushes by
 * itself when 64 KiB of events are buffered or 200 ms passed since the last flush. */
bool trace_write_event(struct trace_writer *w, struct event *ev);
/* Copies the file open as fd (or at path if fd < 0) into files/, keyed by content;
 * hard-links instead when the file is a system file on the same filesystem.
 * Writes the content id (TRACE_ID_LEN hex chars + NUL) to id.  path may be NULL
 * when fd >= 0 (then no hard link is tried).  On failure (not a regular file,
 * unreadable...) returns false with trace_writer_error() set; the writer stays
 * usable. */
bool trace_add_file(struct trace_writer *w, int fd, const char *path, char id[TRACE_ID_LEN + 1]);
/* Makes everything written so far durable as complete chunks. */
bool trace_flush(struct trace_writer *w);
/* Writes the end record, flushes and frees.  Returns false on error; an error
 * that happens here is reported with rw_warn() (the writer and its message are
 * gone afterwards), one from an earlier call is not repeated. */
bool trace_close(struct trace_writer *w);
const char *trace_writer_error(struct trace_writer *w);
uint64_t trace_writer_events(struct trace_writer *w);
uint64_t trace_writer_bytes(struct trace_writer *w); /* compressed bytes written */

/* ---- reading ---- */
struct trace_reader;
struct trace_reader *trace_open(const char *dir, char *err, size_t errlen);
const struct trace_header *trace_get_header(struct trace_reader *r);
/* Reads the next event into *ev (caller event_free()s it).  *ev is overwritten
 * without being freed first, and is left empty when no event is returned.
 * Returns 1: an event; 0: no more events (see trace_truncated); -1: corrupt (see trace_error). */
int trace_read_event(struct trace_reader *r, struct event *ev);
/* True when the stream ended without the end record: the recording was interrupted.
 * trace_error() then describes where it ended. */
bool trace_truncated(struct trace_reader *r);
const char *trace_error(struct trace_reader *r);
/* Path of the trace's copy of a file id (validated: hex only); caller frees. */
char *trace_file_path(struct trace_reader *r, const char *id);
void trace_close_reader(struct trace_reader *r);

#endif
