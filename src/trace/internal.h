/* Private to src/trace: what trace.c, event.c, header.c and files.c share. */
#ifndef REWIND_TRACE_INTERNAL_H
#define REWIND_TRACE_INTERNAL_H
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>
#include <zstd.h>
#include "../util/util.h"
#include "trace.h"

/* Limits the reader enforces (and the writer checks, so that it never writes a
 * trace it could not read back).  They are far above anything real and exist
 * so that a corrupt count cannot make the reader allocate or loop absurdly. */
#define MAX_STR        (64u << 10)   /* path, file id, mapping name */
#define MAX_BLOB       (1u << 20)    /* siginfo, regs, xstate */
#define MAX_PATCHES    (1u << 20)    /* per event, patches and inputs each */
#define MAX_PATCH_LEN  (1u << 30)
#define MAX_MAPS       (1u << 16)
#define MAX_HEADER     (64u << 20)   /* header file size */

/* Records in the events stream: u8 kind, u32 body length, body. */
#define REC_EVENT 1
#define REC_END   2    /* body: u64 number of events in the trace */
#define REC_HDR_LEN 5

struct file_cache_entry {
    dev_t dev;
    ino_t ino;
    off_t size;
    struct timespec mtim;
    char id[TRACE_ID_LEN + 1];
};

struct trace_writer {
    char *dir;
    int events_fd, data_fd;
    int files_fd;              /* the files/ directory */
    dev_t files_dev;
    ZSTD_CCtx *cctx;
    struct buf ev;             /* event records not yet in a chunk */
    struct buf data;           /* bulk data not yet in a chunk */
    struct buf out;            /* scratch: one encoded chunk */
    struct buf rec;            /* scratch: one event record */
    uint64_t ev_seq, data_seq; /* next chunk numbers */
    uint64_t nevents;
    uint64_t bytes;            /* chunk bytes written to both streams */
    uint64_t last_flush_ns;    /* CLOCK_MONOTONIC */
    bool failed;               /* a stream write failed: the writer is dead */
    struct file_cache_entry *cache;
    size_t ncache;
    unsigned tmp_counter;
    char err[512];
};

/* header.c */
void header_format(struct buf *b, const struct trace_header *h);
/* Parses the header file's contents; err gets a complete message. */
bool header_parse(const char *text, size_t len, const char *dir,
                  struct trace_header *h, char *err, size_t errlen);

/* event.c: the body of a REC_EVENT record.  Decoding fills lengths of blobs,
 * patches and inputs but leaves their data NULL for the caller to read from
 * the data stream.  err gets a fragment like "unknown event type 9". */
void event_encode(struct buf *b, const struct event *ev);
bool event_decode(struct cursor *c, struct event *ev, char *err, size_t errlen);
/* Checks an event against the limits above before it is written. */
bool event_check(const struct event *ev, char *err, size_t errlen);

/* files.c */
bool trace_id_valid(const char *id);

#endif
