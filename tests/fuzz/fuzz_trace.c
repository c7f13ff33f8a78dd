/* libFuzzer target for the trace reader: `make fuzz`.
 *
 * The input is cut into the three files of a trace directory:
 *
 *   byte 0     mode: bit 0 set = "raw" mode, bit 1 set = skip chunk checksums
 *   bytes 1-2  length of the header file (u16 LE, clamped to what is left)
 *   bytes 3-4  length of the events section (likewise); the data section is the rest
 *
 * In file mode the sections are written as they are.  Mutations then rarely
 * survive the checksums, so bit 1 lets them through to the zstd and record
 * decoders.  In raw mode each section is a list of pieces (u16 LE length +
 * bytes) and every piece becomes one valid chunk: this puts the fuzzer straight
 * onto the record decoder with uncompressed, meaningful bytes.
 *
 * Seeds come from tests/fuzz/mkseeds.c. */
#include "trace/trace.h"
#include "trace/chunk.h"
#include "util/util.h"
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[64];
static char *paths[3];
static ZSTD_CCtx *cctx;
static volatile size_t sink;

static void cleanup(void)
{
    for (int i = 0; i < 3; i++)
        unlink(paths[i]);
    rmdir(dir);
}

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/rewind-fuzz.XXXXXX");
    if (!mkdtemp(dir))
        abort();
    paths[0] = xasprintf("%s/header", dir);
    paths[1] = xasprintf("%s/events", dir);
    paths[2] = xasprintf("%s/data", dir);
    cctx = ZSTD_createCCtx();
    atexit(cleanup);
}

static void put(const char *path, const void *p, size_t n)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0 || !write_all(fd, p, n))
        abort();
    close(fd);
}

/* Raw mode: one chunk per length-prefixed piece. */
static void put_chunks(const char *path, uint32_t kind, const uint8_t *p, size_t n)
{
    struct buf out = {0};
    uint64_t seq = 0;
    while (n >= 2) {
        size_t len = p[0] | (size_t)p[1] << 8;
        p += 2, n -= 2;
        if (len > n)
            len = n;
        chunk_encode(cctx, &out, kind, seq++, p, len);
        p += len, n -= len;
    }
    put(path, out.data, out.len);
    buf_free(&out);
}

static size_t take(const uint8_t **p, size_t *n, size_t want)
{
    if (want > *n)
        want = *n;
    *p += want;
    *n -= want;
    return want;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!dir[0])
        setup();
    if (size < 5)
        return 0;
    uint8_t mode = data[0];
    size_t hlen = data[1] | (size_t)data[2] << 8;
    size_t elen = data[3] | (size_t)data[4] << 8;
    const uint8_t *p = data + 5;
    size_t n = size - 5;
    const uint8_t *hdr = p;
    hlen = take(&p, &n, hlen);
    const uint8_t *evs = p;
    elen = take(&p, &n, elen);

    put(paths[0], hdr, hlen);
    if (mode & 1) {
        put_chunks(paths[1], CHUNK_EVENTS, evs, elen);
        put_chunks(paths[2], CHUNK_DATA, p, n);
        chunk_skip_checksums = false;
    } else {
        put(paths[1], evs, elen);
        put(paths[2], p, n);
        chunk_skip_checksums = (mode & 2) != 0;
    }

    char err[512];
    struct trace_reader *r = trace_open(dir, err, sizeof err);
    if (!r)
        return 0;
    const struct trace_header *h = trace_get_header(r);
    size_t sum = strlen(h->cwd) + strlen(h->exe);
    for (int i = 0; i < h->argc; i++)
        sum += strlen(h->argv[i]);
    struct event ev;
    int rc;
    while ((rc = trace_read_event(r, &ev)) == 1) {
        /* touch what consumers touch */
        for (uint32_t i = 0; i < ev.npatches; i++)
            sum += ev.patches[i].len ? ev.patches[i].data[ev.patches[i].len - 1] : 0;
        for (uint32_t i = 0; i < ev.nmaps; i++) {
            char *path = trace_file_path(r, ev.maps[i].file_id);
            sum += path ? strlen(path) : 0;
            free(path);
        }
        sum += strlen(event_type_name(ev.type));
        event_free(&ev);
    }
    if (rc == -1 || trace_truncated(r))
        sum += strlen(trace_error(r));
    trace_close_reader(r);
    sink = sum;   /* keep the reads from being optimized out */
    return 0;
}
