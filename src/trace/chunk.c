/* chunk — see chunk.h for the layout. */
#include "chunk.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

bool chunk_skip_checksums;

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static void put64(uint8_t *p, uint64_t v)
{
    put32(p, (uint32_t)v);
    put32(p + 4, (uint32_t)(v >> 32));
}

static uint32_t get32(const uint8_t *p)
{
    return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get64(const uint8_t *p)
{
    return get32(p) | (uint64_t)get32(p + 4) << 32;
}

/* The payload checksum is seeded with the hash of the header, so it covers both
 * without needing a streaming hash state. */
static uint64_t chunk_sum(const uint8_t *hdr, const void *z, size_t n)
{
    return XXH3_64bits_withSeed(z, n, XXH3_64bits(hdr, 32));
}

void chunk_encode(ZSTD_CCtx *cctx, struct buf *out, uint32_t kind, uint64_t seq,
                  const void *raw, size_t len)
{
    if (len > CHUNK_RAW_MAX)
        rw_fatal("internal error: chunk of %zu bytes", len);
    size_t bound = ZSTD_compressBound(len);
    buf_reserve(out, CHUNK_HDR_LEN + bound);
    uint8_t *h = out->data + out->len;
    uint8_t *z = h + CHUNK_HDR_LEN;
    size_t n = ZSTD_compressCCtx(cctx, z, bound, raw, len, CHUNK_LEVEL);
    if (ZSTD_isError(n))
        rw_fatal("zstd compression failed: %s", ZSTD_getErrorName(n));
    put32(h, CHUNK_MAGIC);
    put32(h + 4, kind);
    put64(h + 8, seq);
    put32(h + 16, (uint32_t)len);
    put32(h + 20, (uint32_t)n);
    put64(h + 24, XXH3_64bits(h, 24));
    put64(h + 32, chunk_sum(h, z, n));
    out->len += CHUNK_HDR_LEN + n;
}

bool chunk_open(struct chunk_in *s, const char *path, uint32_t kind, const char *name)
{
    memset(s, 0, sizeof *s);
    s->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (s->fd < 0)
        return false;
    struct stat st;
    int e = 0;
    if (fstat(s->fd, &st) < 0)
        e = errno;
    else if (!S_ISREG(st.st_mode))
        e = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
    if (e) {
        close(s->fd);
        s->fd = -1;
        errno = e;
        return false;
    }
    s->kind = kind;
    s->name = name;
    s->size = (uint64_t)st.st_size;
    return true;
}

void chunk_close(struct chunk_in *s)
{
    if (s->fd >= 0)
        close(s->fd);
    free(s->raw);
    memset(s, 0, sizeof *s);
    s->fd = -1;
}

/* Reads exactly n bytes at off.  Returns n, fewer at end of file, or -1. */
static ssize_t pread_full(int fd, void *p, size_t n, uint64_t off)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = pread(fd, (char *)p + got, n - got, (off_t)(off + got));
        if (r < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (r == 0)
            break;
        got += (size_t)r;
    }
    return (ssize_t)got;
}

/* True when the file holds only zero bytes from the current chunk on.  After a
 * machine crash a file can end in zeros: its size reached the disk, its last
 * data did not.  That is an interrupted stream, not damage. */
static bool rest_is_zero(struct chunk_in *s)
{
    uint8_t b[4096];
    for (uint64_t off = s->pos; off < s->size;) {
        size_t want = s->size - off < sizeof b ? (size_t)(s->size - off) : sizeof b;
        ssize_t n = pread_full(s->fd, b, want, off);
        if (n <= 0)
            return n == 0;
        for (ssize_t i = 0; i < n; i++)
            if (b[i])
                return false;
        off += (uint64_t)n;
    }
    return true;
}

#define FAIL(...) do { \
        int _n = snprintf(err, errlen, "%s chunk %llu: ", s->name, (unsigned long long)s->seq); \
        if (_n >= 0 && (size_t)_n < errlen) \
            snprintf(err + _n, errlen - (size_t)_n, __VA_ARGS__); \
        goto corrupt; \
    } while (0)

enum chunk_status chunk_next(struct chunk_in *s, ZSTD_DCtx *dctx, char *err, size_t errlen)
{
    uint8_t h[CHUNK_HDR_LEN];
    uint8_t *z = NULL, *raw = NULL;
    ssize_t got;

    free(s->raw);
    s->raw = NULL;
    s->len = s->rpos = 0;

    uint64_t left = s->size - s->pos;
    if (left == 0)
        return CHUNK_EOF;
    if (left < CHUNK_HDR_LEN)
        return CHUNK_PARTIAL;
    got = pread_full(s->fd, h, CHUNK_HDR_LEN, s->pos);
    if (got < 0)
        FAIL("cannot read: %s", strerror(errno));
    if (got < CHUNK_HDR_LEN)
        return CHUNK_PARTIAL;   /* the file shrank under us */

    uint32_t magic = get32(h), kind = get32(h + 4);
    uint64_t seq = get64(h + 8);
    uint32_t raw_len = get32(h + 16), comp_len = get32(h + 20);

    /* A complete header is never damaged by an interrupted writer, so
     * everything wrong with it is corruption, even in the last chunk; only a
     * zero-filled tail left by a machine crash still counts as truncation. */
    if (magic == 0 && rest_is_zero(s))
        return CHUNK_PARTIAL;
    if (!chunk_skip_checksums && get64(h + 24) != XXH3_64bits(h, 24))
        FAIL("header checksum mismatch");
    if (magic != CHUNK_MAGIC)
        FAIL("bad magic number 0x%08x", magic);
    if (kind != s->kind)
        FAIL("wrong stream kind %u", kind);
    if (seq != s->seq)
        FAIL("out of sequence (chunk number %llu)", (unsigned long long)seq);
    if (raw_len > CHUNK_RAW_MAX)
        FAIL("size %u exceeds the limit of %u", raw_len, CHUNK_RAW_MAX);
    if (comp_len == 0 || comp_len > ZSTD_compressBound(raw_len))
        FAIL("compressed size %u is impossible for %u bytes", comp_len, raw_len);

    /* The header is sound but the payload is cut off: an interrupted writer. */
    if (comp_len > left - CHUNK_HDR_LEN)
        return CHUNK_PARTIAL;
    z = xmalloc(comp_len);
    got = pread_full(s->fd, z, comp_len, s->pos + CHUNK_HDR_LEN);
    if (got < 0)
        FAIL("cannot read: %s", strerror(errno));
    if ((size_t)got < comp_len) {
        free(z);
        return CHUNK_PARTIAL;
    }
    if (!chunk_skip_checksums && get64(h + 32) != chunk_sum(h, z, comp_len))
        FAIL("checksum mismatch");

    /* Exactly one frame that declares the size we expect: then a single
     * decompression into a buffer of that size is all it takes. */
    if (ZSTD_getFrameContentSize(z, comp_len) != raw_len)
        FAIL("zstd frame does not declare %u bytes", raw_len);
    size_t fsize = ZSTD_findFrameCompressedSize(z, comp_len);
    if (ZSTD_isError(fsize) || fsize != comp_len)
        FAIL("payload is not exactly one zstd frame");
    raw = xmalloc(raw_len);
    size_t n = ZSTD_decompressDCtx(dctx, raw, raw_len, z, comp_len);
    if (ZSTD_isError(n))
        FAIL("cannot decompress: %s", ZSTD_getErrorName(n));
    if (n != raw_len)
        FAIL("decompressed to %zu bytes instead of %u", n, raw_len);

    free(z);
    s->raw = raw;
    s->len = raw_len;
    s->pos += CHUNK_HDR_LEN + comp_len;
    s->seq++;
    return CHUNK_OK;

corrupt:
    free(z);
    free(raw);
    return CHUNK_CORRUPT;
}
