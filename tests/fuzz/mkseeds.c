/* Writes the seed inputs of fuzz_trace.c into tests/fuzz/seeds/ (run from the
 * repository root).  Each seed is a small trace written by the real writer,
 * cut into the fuzz input format described in fuzz_trace.c.
 *
 *   cc -std=gnu17 -D_GNU_SOURCE -Isrc -o /tmp/mkseeds tests/fuzz/mkseeds.c \
 *      src/util/util.c src/trace/\*.c $(pkg-config --cflags --libs libzstd libxxhash)
 *   /tmp/mkseeds */
#include "trace/trace.h"
#include "trace/chunk.h"
#include "util/util.h"
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char base[64];

/* A few events of every type with every kind of payload, kept tiny. */
static void write_events(struct trace_writer *w, int n)
{
    for (int i = 0; i < n; i++) {
        struct event ev = {0};
        uint8_t bytes[24];
        for (size_t k = 0; k < sizeof bytes; k++)
            bytes[k] = (uint8_t)(i * 31 + k);
        ev.type = 1 + (uint32_t)(i % (EV_TYPE_MAX - 1));
        ev.flags = EVF_REGS;
        ev.tid = ev.pid = 1000 + i;
        ev.nr = i;
        ev.args[0] = 3;
        ev.ret = 8;
        ev.vals[0] = 0x1234;
        if (ev.type == EV_EXEC) {
            struct mapping m = {0x400000, 0x401000, 0, 5, 2, "0123456789abcdef0123456789abcdef", "/bin/true"};
            ev.path = xstrdup("/bin/true");
            event_add_mapping(&ev, &m);
            m.file_id = NULL;
            m.name = "[stack]";
            event_add_mapping(&ev, &m);
        }
        if (ev.type == EV_SIGNAL)
            blob_set(&ev.siginfo, bytes, 16);
        blob_set(&ev.regs, bytes, 8);
        if (i % 3 == 0)
            blob_set(&ev.xstate, bytes, 12);
        event_add_patch(&ev, 0x7000 + (uint64_t)i, bytes, 1 + i % 20);
        event_add_input(&ev, 0x8000, "/etc/passwd", 12);
        if (!trace_write_event(w, &ev))
            rw_fatal("%s", trace_writer_error(w));
        event_free(&ev);
        if (i % 4 == 3)
            trace_flush(w);
    }
}

static char *make_trace(const char *name, int nevents, bool close_it)
{
    char *dir = xasprintf("%s/%s", base, name), err[512];
    char *argv[] = {"true", "--flag", "a\nb", NULL}, *envp[] = {"PATH=/bin", NULL};
    struct trace_header h = {
        .version = TRACE_FORMAT_VERSION, .argc = 3, .argv = argv, .envc = 1, .envp = envp,
        .cwd = "/tmp", .exe = "/bin/true", .kernel = "6.1.0 x86_64", .cpu = "cpu",
        .hostname = "host", .start_time_ns = 1, .cpuid_faulting = true,
    };
    struct trace_writer *w = trace_create(dir, &h, err, sizeof err);
    if (!w)
        rw_fatal("%s", err);
    write_events(w, nevents);
    if (close_it)
        trace_close(w);
    else
        trace_flush(w);   /* and leak it: a recorder that died */
    return dir;
}

static uint8_t *slurp(const char *dir, const char *name, size_t *len)
{
    char *p = xasprintf("%s/%s", dir, name);
    uint8_t *d = (uint8_t *)read_file(p, len);
    if (!d)
        rw_fatal("cannot read %s", p);
    free(p);
    return d;
}

/* The raw-mode form of a stream: its chunks' payloads as length-prefixed pieces. */
static void raw_pieces(const char *dir, const char *name, uint32_t kind, struct buf *out)
{
    char *p = xasprintf("%s/%s", dir, name), err[256];
    struct chunk_in s;
    ZSTD_DCtx *d = ZSTD_createDCtx();
    if (!chunk_open(&s, p, kind, name))
        rw_fatal("cannot open %s", p);
    while (chunk_next(&s, d, err, sizeof err) == CHUNK_OK) {
        if (s.len > 0xffff)
            rw_fatal("chunk too large for a seed");
        buf_put_u8(out, (uint8_t)s.len);
        buf_put_u8(out, (uint8_t)(s.len >> 8));
        buf_put(out, s.raw, s.len);
    }
    chunk_close(&s);
    ZSTD_freeDCtx(d);
    free(p);
}

static void emit(const char *name, uint8_t mode, const void *h, size_t hlen,
                 const void *e, size_t elen, const void *d, size_t dlen)
{
    struct buf b = {0};
    buf_put_u8(&b, mode);
    buf_put_u8(&b, (uint8_t)hlen);
    buf_put_u8(&b, (uint8_t)(hlen >> 8));
    buf_put_u8(&b, (uint8_t)elen);
    buf_put_u8(&b, (uint8_t)(elen >> 8));
    buf_put(&b, h, hlen);
    buf_put(&b, e, elen);
    buf_put(&b, d, dlen);
    char *path = xasprintf("tests/fuzz/seeds/%s", name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(b.data, 1, b.len, f) != b.len || fclose(f))
        rw_fatal("cannot write %s", path);
    printf("%s: %zu bytes\n", path, b.len);
    free(path);
    buf_free(&b);
}

static void seeds_from(const char *name, const char *dir)
{
    size_t hl, el, dl;
    uint8_t *h = slurp(dir, "header", &hl), *e = slurp(dir, "events", &el), *d = slurp(dir, "data", &dl);
    char *n = xasprintf("%s-file", name);
    emit(n, 0, h, hl, e, el, d, dl);
    free(n);
    struct buf re = {0}, rd = {0};
    raw_pieces(dir, "events", CHUNK_EVENTS, &re);
    raw_pieces(dir, "data", CHUNK_DATA, &rd);
    n = xasprintf("%s-raw", name);
    emit(n, 1, h, hl, re.data, re.len, rd.data, rd.len);
    free(n);
    if (el > 10) {   /* the same, cut inside the last chunk */
        n = xasprintf("%s-cut", name);
        emit(n, 0, h, hl, e, el - 10, d, dl);
        free(n);
    }
    buf_free(&re), buf_free(&rd);
    free(h), free(e), free(d);
}

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
    (void)st, (void)flag, (void)f;
    return remove(p);
}

int main(void)
{
    snprintf(base, sizeof base, "/tmp/rewind-seeds.XXXXXX");
    if (!mkdtemp(base))
        rw_fatal("mkdtemp failed");
    mkdir("tests/fuzz/seeds", 0755);
    char *d;
    seeds_from("closed", d = make_trace("closed", 12, true)), free(d);
    seeds_from("killed", d = make_trace("killed", 7, false)), free(d);
    seeds_from("empty", d = make_trace("empty", 0, true)), free(d);
    nftw(base, rm_one, 16, FTW_DEPTH | FTW_PHYS);
    return 0;
}
