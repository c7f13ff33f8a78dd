/* chunk — the framing layer under the events and data streams.
 *
 * A stream file is a sequence of chunks, each a 40-byte header followed by one
 * zstd frame.  All integers are little-endian:
 *
 *   0  u32 magic       "RWCK"
 *   4  u32 kind        CHUNK_EVENTS or CHUNK_DATA
 *   8  u64 seq         chunk number within its stream, from 0, no gaps
 *  16  u32 raw_len     decompressed payload size (<= CHUNK_RAW_MAX)
 *  20  u32 comp_len    size of the zstd frame that follows
 *  24  u64 head_sum    XXH3_64bits of bytes 0..24
 *  32  u64 sum         XXH3_64bits of bytes 0..32 followed by the zstd frame
 *
 * head_sum lets the reader tell "the file ends in the middle of a chunk whose
 * header is intact" (a recorder killed mid-write: truncation) from "the header
 * itself is damaged" (corruption).  A whole chunk is written with one write(2)
 * call, so a killed writer leaves a prefix of a valid chunk, never wrong bytes. */
#ifndef REWIND_TRACE_CHUNK_H
#define REWIND_TRACE_CHUNK_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <zstd.h>
#include "../util/util.h"

#define CHUNK_MAGIC    0x4b435752u   /* "RWCK" as bytes on disk */
#define CHUNK_HDR_LEN  40
#define CHUNK_RAW_MAX  (256u << 20)  /* refuse anything bigger: corrupt sizes must not
                                      * make us allocate absurd amounts */
#define CHUNK_LEVEL    3

enum chunk_kind { CHUNK_EVENTS = 1, CHUNK_DATA = 2 };

/* Set only by the fuzz target, so mutated inputs get past the checksums and
 * exercise the decoders behind them.  Never set in rewind itself. */
extern bool chunk_skip_checksums;

/* Appends one complete chunk holding raw[0..len) to out.  len <= CHUNK_RAW_MAX. */
void chunk_encode(ZSTD_CCtx *cctx, struct buf *out, uint32_t kind, uint64_t seq,
                  const void *raw, size_t len);

/* One stream being read. */
struct chunk_in {
    int fd;
    uint32_t kind;
    const char *name;      /* "events" / "data", for messages */
    uint64_t size;         /* file size when opened */
    uint64_t pos;          /* file offset of the next chunk */
    uint64_t seq;          /* number of the next chunk */
    uint8_t *raw;          /* the current chunk, decompressed */
    size_t len, rpos;      /* its size and how much has been consumed */
};

enum chunk_status {
    CHUNK_OK,        /* a new chunk is loaded */
    CHUNK_EOF,       /* the file ends cleanly at a chunk boundary */
    CHUNK_PARTIAL,   /* the file ends inside a chunk (interrupted writer) */
    CHUNK_CORRUPT,   /* err says why, e.g. "events chunk 3: checksum mismatch" */
};

/* Opens path as a stream; returns false with errno set. */
bool chunk_open(struct chunk_in *s, const char *path, uint32_t kind, const char *name);
/* Replaces the current chunk with the next one from the file. */
enum chunk_status chunk_next(struct chunk_in *s, ZSTD_DCtx *dctx, char *err, size_t errlen);
void chunk_close(struct chunk_in *s);

#endif
