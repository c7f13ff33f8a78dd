/* Unit tests for src/trace: write → read roundtrips, interrupted recordings,
 * corruption and the file store.  Standalone; prints one line per check and
 * exits nonzero if any failed.
 *
 *   cc -std=gnu17 -D_GNU_SOURCE -Isrc -Wall -Wextra -Werror tests/unit/test_trace.c \
 *      src/util/util.c src/trace/\*.c $(pkg-config --cflags --libs libzstd libxxhash) */
#include "trace/trace.h"
#include "trace/chunk.h"
#include "trace/internal.h"
#include "util/util.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <xxhash.h>

#include "check.h"

static char base[64];

/* ---- deterministic test events ---- */

static uint64_t rng;
static uint64_t max_patch = 3000;   /* smaller in the tests that read a trace thousands of times */
static uint64_t rnd(void)
{
    uint64_t z = (rng += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static uint8_t *rnd_bytes(size_t n)
{
    uint8_t *p = xmalloc(n);
    for (size_t i = 0; i < n; i++)   /* half repetitive, half noise: like memory */
        p[i] = (i / 64) % 2 ? (uint8_t)rnd() : (uint8_t)i;
    return p;
}

static char *rnd_id(void)
{
    return xasprintf("%016llx%016llx", (unsigned long long)rnd(), (unsigned long long)rnd());
}

static void add_rnd(struct event *ev, bool input, size_t len)
{
    uint8_t *d = rnd_bytes(len);
    if (input)
        event_add_input(ev, rnd(), d, (uint32_t)len);
    else
        event_add_patch(ev, rnd(), d, (uint32_t)len);
    free(d);
}

static void set_blob(struct blob *b, size_t len)
{
    uint8_t *d = rnd_bytes(len);
    blob_set(b, d, (uint32_t)len);
    free(d);
}

/* Event number i of every generated trace: all types, all payload kinds. */
static void make_event(uint64_t i, struct event *ev)
{
    rng = i * 7919 + 1;
    memset(ev, 0, sizeof *ev);
    ev->type = 1 + (uint32_t)(i % (EV_TYPE_MAX - 1));
    ev->flags = (uint32_t)rnd() & 0x3fff;
    ev->tid = (int32_t)rnd();
    ev->pid = (int32_t)rnd();
    ev->nr = (int64_t)rnd();
    for (int k = 0; k < 6; k++)
        ev->args[k] = rnd();
    ev->ret = (int64_t)rnd();
    ev->ip = rnd();
    ev->sp = rnd();
    ev->signo = (int32_t)rnd();
    for (int k = 0; k < 4; k++)
        ev->vals[k] = rnd();
    ev->status = (int32_t)rnd();
    if (ev->type == EV_SIGNAL)
        set_blob(&ev->siginfo, 128);
    if (rnd() % 2)
        set_blob(&ev->regs, 216);
    if (rnd() % 8 == 0)
        set_blob(&ev->xstate, 2696);
    if (ev->type == EV_EXEC) {
        ev->path = xasprintf("/usr/bin/prog-%llu", (unsigned long long)i);
        int n = (int)(rnd() % 6);
        for (int k = 0; k < n; k++) {
            struct mapping m = {rnd() & ~0xfffull, rnd() & ~0xfffull, rnd(), (uint32_t)rnd(),
                                (uint32_t)rnd(), NULL, NULL};
            char *id = rnd() % 2 ? rnd_id() : NULL;
            char *name = rnd() % 3 ? xasprintf("/lib/x86_64/libthing-%d.so\n\\%c", k, 1) : NULL;
            m.file_id = id;
            m.name = name;
            event_add_mapping(ev, &m);
            free(id);
            free(name);
        }
    }
    if (rnd() % 4 == 0)
        ev->file_id = rnd_id();
    int np = (int)(rnd() % 4);
    for (int k = 0; k < np; k++)
        add_rnd(ev, false, i % 997 == 996 && k == 0 ? 300000 : rnd() % max_patch);
    int ni = (int)(rnd() % 3);
    for (int k = 0; k < ni; k++)
        add_rnd(ev, true, rnd() % 200);
}

static bool str_eq(const char *a, const char *b)
{
    return a == b || (a && b && !strcmp(a, b));
}

static bool blob_eq(const struct blob *a, const struct blob *b)
{
    return a->len == b->len && (!a->len || !memcmp(a->data, b->data, a->len));
}

static bool patches_eq(const struct mem_patch *a, const struct mem_patch *b, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        if (a[i].addr != b[i].addr || a[i].len != b[i].len || !a[i].data || !b[i].data ||
            memcmp(a[i].data, b[i].data, a[i].len))
            return false;
    return true;
}

/* Returns NULL if equal, else the first field that differs. */
static const char *event_diff(const struct event *a, const struct event *b)
{
    if (a->seq != b->seq) return "seq";
    if (a->type != b->type || a->flags != b->flags) return "type/flags";
    if (a->tid != b->tid || a->pid != b->pid) return "tid/pid";
    if (a->nr != b->nr || memcmp(a->args, b->args, sizeof a->args) || a->ret != b->ret) return "syscall";
    if (a->ip != b->ip || a->sp != b->sp) return "ip/sp";
    if (a->signo != b->signo || !blob_eq(&a->siginfo, &b->siginfo)) return "signal";
    if (memcmp(a->vals, b->vals, sizeof a->vals)) return "vals";
    if (a->status != b->status) return "status";
    if (!str_eq(a->path, b->path) || !str_eq(a->file_id, b->file_id)) return "strings";
    if (a->nmaps != b->nmaps) return "nmaps";
    for (uint32_t i = 0; i < a->nmaps; i++) {
        const struct mapping *x = &a->maps[i], *y = &b->maps[i];
        if (x->start != y->start || x->end != y->end || x->offset != y->offset ||
            x->prot != y->prot || x->flags != y->flags || !str_eq(x->file_id, y->file_id) ||
            !str_eq(x->name, y->name))
            return "mapping";
    }
    if (a->npatches != b->npatches || !patches_eq(a->patches, b->patches, a->npatches)) return "patches";
    if (a->ninputs != b->ninputs || !patches_eq(a->inputs, b->inputs, a->ninputs)) return "inputs";
    if (!blob_eq(&a->regs, &b->regs)) return "regs";
    if (!blob_eq(&a->xstate, &b->xstate)) return "xstate";
    return NULL;
}

/* ---- helpers for traces on disk ---- */

static struct trace_header test_header(void)
{
    static char *argv[] = {"prog", "arg with spaces", "new\nline", "back\\slash\x01", "", NULL};
    static char *envp[] = {"HOME=/root", "X=a=b", "TAB=\t", NULL};
    struct trace_header h = {
        .version = TRACE_FORMAT_VERSION, .argc = 5, .argv = argv, .envc = 3, .envp = envp,
        .cwd = "/home/user/dir with space", .exe = "/usr/bin/prog", .kernel = "6.1.0 #1 SMP x86_64",
        .cpu = "Test CPU @ 3.00GHz", .hostname = "host", .start_time_ns = 1700000000123456789ull,
        .cpuid_faulting = true, .bound_cpu = 4095,
    };
    return h;
}

/* Writes events 0..n-1, flushing every flush_every events (0: never). */
static bool write_trace(const char *dir, uint64_t n, int flush_every, bool close_it)
{
    char err[512];
    struct trace_header h = test_header();
    struct trace_writer *w = trace_create(dir, &h, err, sizeof err);
    if (!w) {
        printf("# trace_create %s: %s\n", dir, err);
        return false;
    }
    bool ok = true;
    for (uint64_t i = 0; i < n && ok; i++) {
        struct event ev;
        make_event(i, &ev);
        ok = trace_write_event(w, &ev) && ev.seq == i;
        event_free(&ev);
        if (ok && flush_every && (i + 1) % (uint64_t)flush_every == 0)
            ok = trace_flush(w);
    }
    if (close_it)
        ok = trace_close(w) && ok;
    return ok;
}

struct result {
    int rc;              /* last trace_read_event result, or -2: trace_open failed */
    uint64_t n;          /* events read */
    bool truncated;
    bool mismatch;       /* an event read differs from what was written */
    char err[512];
};

static struct result read_trace(const char *dir)
{
    struct result res = {0};
    struct trace_reader *r = trace_open(dir, res.err, sizeof res.err);
    if (!r) {
        res.rc = -2;
        return res;
    }
    struct event ev, want;
    while ((res.rc = trace_read_event(r, &ev)) == 1) {
        make_event(res.n, &want);
        want.seq = res.n;
        if (event_diff(&ev, &want))
            res.mismatch = true;
        event_free(&want);
        event_free(&ev);
        res.n++;
    }
    res.truncated = trace_truncated(r);
    snprintf(res.err, sizeof res.err, "%s", trace_error(r));
    trace_close_reader(r);
    return res;
}

static char *path_in(const char *dir, const char *name)
{
    return xasprintf("%s/%s", dir, name);
}

static void put_file(const char *path, const void *p, size_t n)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0 || !write_all(fd, p, n))
        rw_fatal("cannot write %s", path);
    close(fd);
}

/* A copy of trace src at dst with its three files given. */
static void make_variant(const char *dst, const uint8_t *hdr, size_t hlen,
                         const uint8_t *evs, size_t elen, const uint8_t *data, size_t dlen)
{
    mkdir(dst, 0700);
    char *p;
    put_file(p = path_in(dst, "header"), hdr, hlen), free(p);
    put_file(p = path_in(dst, "events"), evs, elen), free(p);
    put_file(p = path_in(dst, "data"), data, dlen), free(p);
}

static uint8_t *slurp(const char *dir, const char *name, size_t *len)
{
    char *p = path_in(dir, name);
    uint8_t *d = (uint8_t *)read_file(p, len);
    if (!d)
        rw_fatal("cannot read %s", p);
    free(p);
    return d;
}

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
    (void)st, (void)flag, (void)f;
    return remove(p);
}

static void rm_rf(const char *p)
{
    nftw(p, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* ---- the checks ---- */

static void test_roundtrip(void)
{
    char *dir = path_in(base, "roundtrip"), err[512];
    struct trace_header h = test_header();
    struct trace_writer *w = trace_create(dir, &h, err, sizeof err);
    check(w != NULL, "create a trace", "%s", err);
    if (!w)
        return;
    /* one event of each type, each with every kind of payload */
    struct event evs[EV_TYPE_MAX];
    int n = 0;
    for (uint32_t t = 1; t < EV_TYPE_MAX; t++, n++) {
        make_event(t * 1000 + 3, &evs[n]);
        struct event *ev = &evs[n];
        ev->type = t;
        if (!ev->siginfo.len)
            set_blob(&ev->siginfo, 128);
        set_blob(&ev->regs, 216);
        set_blob(&ev->xstate, 832);
        free(ev->path);
        ev->path = t % 2 ? xstrdup("") : NULL;   /* empty and absent strings differ */
        struct mapping m = {0x400000, 0x401000, 0, 5, 2, "0123456789abcdef0123456789abcdef", "/bin/x"};
        struct mapping anon = {0x7ff000, 0x800000, 0, 3, 0x100, NULL, NULL};
        event_add_mapping(ev, &m);
        event_add_mapping(ev, &anon);
        event_add_patch(ev, 0x1000, "", 0);
        add_rnd(ev, false, t == EV_EXEC ? 3u << 20 : 4096);  /* 3 MiB spans data chunks */
        event_add_input(ev, 0x2000, "", 0);
        add_rnd(ev, true, 77);
    }
    bool ok = true;
    for (int i = 0; i < n && ok; i++)
        ok = trace_write_event(w, &evs[i]) && evs[i].seq == (uint64_t)i;
    check(ok, "write one event of each type", "%s", trace_writer_error(w));
    check(trace_writer_events(w) == (uint64_t)n, "writer counts events", "%llu",
          (unsigned long long)trace_writer_events(w));
    check(trace_close(w), "close the writer", "failed");

    struct trace_reader *r = trace_open(dir, err, sizeof err);
    check(r != NULL, "open the trace", "%s", err);
    if (!r)
        goto out;
    struct event ev;
    for (int i = 0; i < n; i++) {
        int rc = trace_read_event(r, &ev);
        const char *d = rc == 1 ? event_diff(&ev, &evs[i]) : "not read";
        char what[64];
        snprintf(what, sizeof what, "roundtrip of a %s event", event_type_name(evs[i].type));
        check(!d, what, "differs in %s (rc %d, %s)", d, rc, trace_error(r));
        event_free(&ev);
    }
    int rc = trace_read_event(r, &ev);
    check(rc == 0 && !trace_truncated(r) && !trace_error(r)[0], "clean end after the last event",
          "rc %d truncated %d: %s", rc, trace_truncated(r), trace_error(r));
    check(ev.type == 0 && ev.patches == NULL, "no event is left in *ev at the end", "type %u", ev.type);
    rc = trace_read_event(r, &ev);
    check(rc == 0, "reading past the end keeps returning 0", "rc %d", rc);
    trace_close_reader(r);
out:
    for (int i = 0; i < n; i++)
        event_free(&evs[i]);
    free(dir);
}

static void test_header_fields(void)
{
    char *dir = path_in(base, "roundtrip"), err[512];
    struct trace_reader *r = trace_open(dir, err, sizeof err);
    struct trace_header want = test_header();
    if (!r) {
        check(false, "header fields roundtrip", "%s", err);
        free(dir);
        return;
    }
    const struct trace_header *h = trace_get_header(r);
    bool ok = h->version == 1 && h->argc == want.argc && h->envc == want.envc &&
              !strcmp(h->cwd, want.cwd) && !strcmp(h->exe, want.exe) &&
              !strcmp(h->kernel, want.kernel) && !strcmp(h->cpu, want.cpu) &&
              !strcmp(h->hostname, want.hostname) && h->start_time_ns == want.start_time_ns &&
              h->cpuid_faulting && h->bound_cpu == want.bound_cpu && !h->argv[h->argc] &&
              !h->envp[h->envc];
    for (int i = 0; ok && i < h->argc; i++)
        ok = !strcmp(h->argv[i], want.argv[i]);
    for (int i = 0; ok && i < h->envc; i++)
        ok = !strcmp(h->envp[i], want.envp[i]);
    check(ok, "header fields roundtrip (escapes, empty strings, NULL-terminated arrays)", "differs");
    struct stat st;
    char *p = path_in(dir, "events");
    check(stat(dir, &st) == 0 && (st.st_mode & 0777) == 0700, "trace directory is mode 0700", "%o", st.st_mode & 0777);
    check(stat(p, &st) == 0 && (st.st_mode & 0777) == 0600, "stream files are mode 0600", "%o", st.st_mode & 0777);
    free(p);
    trace_close_reader(r);
    free(dir);
}

/* File offsets of the chunks of a stream. */
static int chunk_offsets(const uint8_t *f, size_t len, size_t *offs, int max)
{
    int n = 0;
    size_t pos = 0;
    while (pos + CHUNK_HDR_LEN <= len && n < max) {
        offs[n++] = pos;
        uint32_t comp = f[pos + 20] | f[pos + 21] << 8 | f[pos + 22] << 16 | (uint32_t)f[pos + 23] << 24;
        pos += CHUNK_HDR_LEN + comp;
    }
    return n;
}

static void test_many_chunks(void)
{
    char *dir = path_in(base, "many");
    uint64_t n = 5000;
    char err[512];
    struct trace_header h = test_header();
    struct trace_writer *w = trace_create(dir, &h, err, sizeof err);
    bool ok = w != NULL;
    for (uint64_t i = 0; i < n && ok; i++) {
        struct event ev;
        make_event(i, &ev);
        ok = trace_write_event(w, &ev);
        event_free(&ev);
    }
    uint64_t bytes = ok ? trace_writer_bytes(w) : 0;
    ok = ok && trace_close(w);
    check(ok, "write 5000 events", "%s", err);
    size_t elen, dlen, offs[4096];
    uint8_t *e = slurp(dir, "events", &elen), *d = slurp(dir, "data", &dlen);
    int nev = chunk_offsets(e, elen, offs, 4096), ndata = chunk_offsets(d, dlen, offs, 4096);
    check(nev > 5 && ndata > 5, "events and data span many chunks", "%d events chunks, %d data chunks", nev, ndata);
    /* everything but the final flush with the end record was counted before close */
    check(bytes > 0 && bytes <= elen + dlen, "writer counts compressed bytes", "%llu vs %zu",
          (unsigned long long)bytes, elen + dlen);
    struct result res = read_trace(dir);
    check(res.rc == 0 && res.n == n && !res.mismatch && !res.truncated, "read 5000 events back",
          "rc %d n %llu mismatch %d: %s", res.rc, (unsigned long long)res.n, res.mismatch, res.err);
    free(e), free(d), free(dir);
}

static void test_empty(void)
{
    char *dir = path_in(base, "empty-closed");
    check(write_trace(dir, 0, 0, true), "write a trace without events", "failed");
    struct result res = read_trace(dir);
    check(res.rc == 0 && res.n == 0 && !res.truncated, "closed trace without events reads as complete",
          "rc %d truncated %d: %s", res.rc, res.truncated, res.err);
    size_t hlen;
    uint8_t *hdr = slurp(dir, "header", &hlen);
    free(dir);
    dir = path_in(base, "empty-events");
    make_variant(dir, hdr, hlen, NULL, 0, NULL, 0);
    res = read_trace(dir);
    check(res.rc == 0 && res.n == 0 && res.truncated && strstr(res.err, "interrupted"),
          "empty events file: zero events, truncated", "rc %d truncated %d: %s", res.rc, res.truncated, res.err);
    free(hdr), free(dir);
}

static void expect_open_error(const char *dir, const char *want, const char *what)
{
    struct result res = read_trace(dir);
    check(res.rc == -2 && strstr(res.err, want), what, "rc %d: \"%s\"", res.rc, res.err);
}

static void header_variant(const char *name, const char *text, const char *want, const char *what)
{
    char *dir = path_in(base, name);
    make_variant(dir, (const uint8_t *)text, strlen(text), NULL, 0, NULL, 0);
    expect_open_error(dir, want, what);
    free(dir);
}

static void test_open_errors(void)
{
    char *dir = path_in(base, "missing"), *want = xasprintf("no trace at %s: No such file or directory", dir);
    expect_open_error(dir, want, "missing directory");
    free(want), free(dir);

    dir = path_in(base, "plainfile");
    put_file(dir, "x", 1);
    expect_open_error(dir, "is not a rewind trace (not a directory)", "a file instead of a directory");
    free(dir);

    dir = path_in(base, "noheader");
    mkdir(dir, 0700);
    want = xasprintf("%s is not a rewind trace (no header)", dir);
    expect_open_error(dir, want, "directory without a header");
    free(want), free(dir);

    header_variant("h-empty", "", "header is empty", "empty header");
    dir = path_in(base, "h-magic");
    want = xasprintf("not a rewind trace: %s", dir);
    free(dir);
    header_variant("h-magic", "hello\nend\n", want, "wrong magic");
    free(want);
    header_variant("h-version", "rewind-trace 2\nend\n",
                   "trace format version 2 is not supported (this rewind reads version 1)", "newer format version");
    header_variant("h-version-junk", "rewind-trace 1x\nend\n", "bad version line", "malformed version line");
    header_variant("h-noend", "rewind-trace 1\narg x\n", "incomplete", "header without its end line");
    header_variant("h-partial", "rewind-trace 1\narg x", "incomplete", "header cut in the middle of a line");
    header_variant("h-escape", "rewind-trace 1\narg a\\qb\nend\n", "line 2: bad escape", "bad escape sequence");
    header_variant("h-nul-escape", "rewind-trace 1\narg a\\x00b\nend\n", "bad escape", "escaped NUL");
    header_variant("h-number", "rewind-trace 1\nstart-time-ns 12a\nend\n", "bad start-time-ns", "bad number");
    header_variant("h-cpu", "rewind-trace 1\nbound-cpu -1\nend\n", "bad bound-cpu", "bad bound-cpu");
    header_variant("h-after", "rewind-trace 1\nend\nexe x\n", "after the end line", "text after the end line");

    /* a valid header but no streams */
    dir = path_in(base, "nostreams");
    mkdir(dir, 0700);
    char *p = path_in(dir, "header");
    put_file(p, "rewind-trace 1\nend\n", 19);
    expect_open_error(dir, "corrupt trace: cannot open", "header without the stream files");
    free(p), free(dir);

    /* trace_create refuses a non-empty directory, accepts an empty one */
    char err[512];
    struct trace_header h = test_header();
    dir = path_in(base, "roundtrip");
    struct trace_writer *w = trace_create(dir, &h, err, sizeof err);
    check(!w && strstr(err, "not an empty directory"), "create refuses an existing trace", "%s", err);
    free(dir);
    dir = path_in(base, "emptydir");
    mkdir(dir, 0755);
    w = trace_create(dir, &h, err, sizeof err);
    check(w && trace_close(w), "create accepts an empty directory", "%s", err);
    free(dir);
    dir = path_in(base, "deep/er/trace");
    w = trace_create(dir, &h, err, sizeof err);
    check(w && trace_close(w), "create makes missing parent directories", "%s", err);
    free(dir);
}

static void test_truncation(void)
{
    char *dir = path_in(base, "trunc-src"), *var = path_in(base, "trunc");
    uint64_t n = 100;
    max_patch = 100;
    check(write_trace(dir, n, 5, true), "write a trace for truncation", "failed");
    size_t hlen, elen, dlen;
    uint8_t *h = slurp(dir, "header", &hlen), *e = slurp(dir, "events", &elen), *d = slurp(dir, "data", &dlen);

    int bad = 0, tried = 0;
    uint64_t last_n = 0;
    char detail[600] = "";
    for (size_t off = 0; off <= elen; off += (off + 2000 < elen) ? 11 : 1) {
        make_variant(var, h, hlen, e, off, d, dlen);
        struct result res = read_trace(var);
        bool whole = off == elen;
        bool ok = res.rc == 0 && !res.mismatch && res.truncated == !whole && res.n >= last_n &&
                  (whole ? res.n == n : strstr(res.err, "interrupted") != NULL);
        tried++;
        if (!ok && !bad++)
            snprintf(detail, sizeof detail, "at %zu of %zu: rc %d n %llu truncated %d mismatch %d: %s",
                     off, elen, res.rc, (unsigned long long)res.n, res.truncated, res.mismatch, res.err);
        last_n = res.n;
    }
    check(!bad, "events cut at any offset read as a clean prefix, truncated", "%d of %d: %s", bad, tried, detail);

    bad = tried = 0;
    for (size_t off = 0; off < dlen; off += 1 + dlen / 300) {
        make_variant(var, h, hlen, e, elen, d, off);
        struct result res = read_trace(var);
        tried++;
        if ((res.rc != -1 || res.mismatch || !strstr(res.err, "data stream ends early")) && !bad++)
            snprintf(detail, sizeof detail, "at %zu: rc %d: %s", off, res.rc, res.err);
    }
    check(!bad, "data cut short under complete events is corruption", "%d of %d: %s", bad, tried, detail);
    free(h), free(e), free(d), free(dir), free(var);
    max_patch = 3000;
}

static void test_killed_recorder(void)
{
    char *dir = path_in(base, "killed");
    pid_t pid = fork();
    if (pid == 0) {
        write_trace(dir, UINT64_MAX, 10, false);
        _exit(0);
    }
    struct timespec ts = {0, 150 * 1000 * 1000};
    nanosleep(&ts, NULL);
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    struct result res = read_trace(dir);
    check(res.rc == 0 && res.truncated && !res.mismatch && res.n > 0 && strstr(res.err, "interrupted"),
          "a SIGKILLed recorder leaves a readable prefix", "rc %d n %llu truncated %d: %s",
          res.rc, (unsigned long long)res.n, res.truncated, res.err);
    printf("# killed recorder: %llu events, \"%s\"\n", (unsigned long long)res.n, res.err);
    free(dir);
}

static void test_interval_flush(void)
{
    char *dir = path_in(base, "interval"), err[512];
    struct trace_header h = test_header();
    struct trace_writer *w = trace_create(dir, &h, err, sizeof err);
    if (!w) {
        check(false, "interval flush", "%s", err);
        return;
    }
    struct event ev;
    char *p = path_in(dir, "events");
    struct stat st;
    make_event(0, &ev);
    trace_write_event(w, &ev);
    event_free(&ev);
    check(stat(p, &st) == 0 && st.st_size == 0, "a fresh event stays buffered", "size %lld", (long long)st.st_size);
    struct timespec ts = {0, 250 * 1000 * 1000};
    nanosleep(&ts, NULL);
    make_event(1, &ev);
    trace_write_event(w, &ev);
    event_free(&ev);
    check(stat(p, &st) == 0 && st.st_size > 0, "events are flushed after 200 ms", "size %lld", (long long)st.st_size);
    struct result res = read_trace(dir);
    check(res.rc == 0 && res.n == 2 && res.truncated, "a trace being written reads as interrupted",
          "rc %d n %llu: %s", res.rc, (unsigned long long)res.n, res.err);
    trace_close(w);
    free(p), free(dir);
}

/* Flips one bit at each sampled offset of one file; every outcome must be a
 * clean prefix ending in corruption or truncation, never a clean end. */
static void flip_test(const char *file, size_t stride, bool allow_truncated)
{
    char *dir = path_in(base, "flip-src"), *var = path_in(base, "flip");
    size_t len[3];
    uint8_t *f[3];
    const char *names[3] = {"header", "events", "data"};
    int which = !strcmp(file, "events") ? 1 : 2;
    for (int i = 0; i < 3; i++)
        f[i] = slurp(dir, names[i], &len[i]);
    int bad = 0, tried = 0, ncorrupt = 0, ntrunc = 0;
    char detail[600] = "";
    for (size_t off = 0; off < len[which]; off += stride) {
        f[which][off] ^= (uint8_t)(1u << (off % 8));
        make_variant(var, f[0], len[0], f[1], len[1], f[2], len[2]);
        f[which][off] ^= (uint8_t)(1u << (off % 8));
        struct result res = read_trace(var);
        bool corrupt = res.rc == -1 && !strncmp(res.err, "corrupt trace: ", 15);
        bool trunc = res.rc == 0 && res.truncated && allow_truncated && strstr(res.err, "interrupted");
        ncorrupt += corrupt;
        ntrunc += trunc;
        tried++;
        if ((res.mismatch || !(corrupt || trunc)) && !bad++)
            snprintf(detail, sizeof detail, "at %zu: rc %d mismatch %d: %s", off, res.rc, res.mismatch, res.err);
    }
    char what[128];
    snprintf(what, sizeof what, "bit flips in %s are detected (%d corrupt, %d truncated)", file, ncorrupt, ntrunc);
    check(!bad, what, "%d of %d: %s", bad, tried, detail);
    for (int i = 0; i < 3; i++)
        free(f[i]);
    free(dir), free(var);
}

static void test_bit_flips(void)
{
    char *dir = path_in(base, "flip-src");
    max_patch = 100;
    check(write_trace(dir, 30, 4, true), "write a trace for bit flips", "failed");
    flip_test("events", 1, true);
    flip_test("data", 7, false);
    /* header flips: anything goes but a crash */
    size_t hlen;
    uint8_t *h = slurp(dir, "header", &hlen);
    char *var = path_in(base, "flip-h");
    int opened = 0;
    for (size_t off = 0; off < hlen; off++) {
        h[off] ^= (uint8_t)(1u << (off % 8));
        make_variant(var, h, hlen, NULL, 0, NULL, 0);
        h[off] ^= (uint8_t)(1u << (off % 8));
        opened += read_trace(var).rc != -2;
    }
    check(true, "bit flips in the header do not crash", "-");
    printf("# header flips: %d of %zu still open\n", opened, hlen);
    free(h), free(var), free(dir);
    max_patch = 3000;
}

/* Replaces the events file of a copy of src with the given bytes. */
static struct result with_events(const char *name, const uint8_t *e, size_t elen,
                                 const uint8_t *d, size_t dlen)
{
    char *src = path_in(base, "msg-src"), *var = path_in(base, name);
    size_t hlen;
    uint8_t *h = slurp(src, "header", &hlen);
    make_variant(var, h, hlen, e, elen, d, dlen);
    struct result res = read_trace(var);
    free(h), free(src), free(var);
    return res;
}

static void expect(struct result res, int rc, const char *want, const char *what)
{
    check(res.rc == rc && strstr(res.err, want) && !res.mismatch, what, "rc %d: \"%s\"", res.rc, res.err);
}

/* A trace whose events stream is one chunk holding the given records. */
static struct result crafted(const char *name, const struct buf *recs, const uint8_t *d, size_t dlen)
{
    ZSTD_CCtx *cctx = ZSTD_createCCtx();
    struct buf out = {0};
    chunk_encode(cctx, &out, CHUNK_EVENTS, 0, recs->data, recs->len);
    struct result res = with_events(name, out.data, out.len, d, dlen);
    ZSTD_freeCCtx(cctx);
    buf_free(&out);
    return res;
}

static void put_rec(struct buf *b, uint8_t kind, const struct buf *body)
{
    buf_put_u8(b, kind);
    buf_put_u32(b, (uint32_t)body->len);
    buf_put(b, body->data, body->len);
}

static void test_corrupt_messages(void)
{
    char *dir = path_in(base, "msg-src");
    check(write_trace(dir, 100, 10, true), "write a trace for corruption", "failed");
    size_t elen, dlen, offs[64];
    uint8_t *e = slurp(dir, "events", &elen), *d = slurp(dir, "data", &dlen);
    int nchunks = chunk_offsets(e, elen, offs, 64);
    check(nchunks >= 5, "trace for corruption has several chunks", "%d", nchunks);
    if (nchunks < 5)
        goto out;
    size_t last = offs[nchunks - 1];

    e[offs[3] + CHUNK_HDR_LEN + 2] ^= 0x10;
    expect(with_events("m1", e, elen, d, dlen), -1, "corrupt trace: events chunk 3: checksum mismatch",
           "payload damage in a middle chunk");
    e[offs[3] + CHUNK_HDR_LEN + 2] ^= 0x10;
    e[offs[3] + 1] ^= 0x10;
    expect(with_events("m2", e, elen, d, dlen), -1, "corrupt trace: events chunk 3: header checksum mismatch",
           "header damage in a middle chunk");
    e[offs[3] + 1] ^= 0x10;
    e[elen - 1] ^= 0x01;
    expect(with_events("m3", e, elen, d, dlen), -1, "checksum mismatch", "damage in a complete last chunk");
    expect(with_events("m4", e, elen - 1, d, dlen), 0, "interrupted", "damaged and incomplete last chunk");
    e[elen - 1] ^= 0x01;
    expect(with_events("m5", e, last + 20, d, dlen), 0, "interrupted", "partial chunk header at the end");
    struct buf z = {0};
    buf_put(&z, e, last);
    buf_reserve(&z, 4096);
    memset(z.data + z.len, 0, 4096);
    z.len += 4096;
    expect(with_events("m5z", z.data, z.len, d, dlen), 0, "interrupted", "zero-filled tail after a crash");
    z.data[z.len - 1] = 1;
    expect(with_events("m5y", z.data, z.len, d, dlen), -1, "header checksum mismatch", "zeros then garbage");
    buf_free(&z);

    struct buf b = {0};
    buf_put(&b, e, offs[2]);
    buf_put(&b, e + offs[3], elen - offs[3]);
    expect(with_events("m6", b.data, b.len, d, dlen), -1, "events chunk 2: out of sequence", "a missing chunk");
    b.len = 0;
    buf_put(&b, e, elen);
    buf_put(&b, e, offs[1]);
    expect(with_events("m7", b.data, b.len, d, dlen), -1, "events follow the end record", "a chunk after the end");
    expect(with_events("m8", e, elen, d, dlen - 40), -1, "data stream ends early", "data file cut short");
    b.len = 0;
    buf_put(&b, d, dlen);
    buf_put(&b, "extra", 5);
    expect(with_events("m9", e, elen, b.data, b.len), -1, "data stream is longer", "trailing bytes in data");
    b.len = 0;
    buf_put(&b, d, offs[0]);
    expect(with_events("m10", d, dlen, d, dlen), -1, "events chunk 0: wrong stream kind 2", "a data file as events");

    /* records that the writer would never produce */
    struct buf recs = {0}, body = {0};
    struct event ev = {.type = EV_SYSCALL};
    event_add_patch(&ev, 0x1000, "", 0);
    event_encode(&body, &ev);
    event_free(&ev);
    /* body: 148 bytes of scalars, two NULL strings, nmaps, npatches, (addr, len), ninputs */
    size_t npatches_at = 148 + 4 + 4 + 4, len_at = npatches_at + 4 + 8;

    body.data[0] = 99;
    put_rec(&recs, REC_EVENT, &body);
    expect(crafted("c1", &recs, NULL, 0), -1, "event 0: unknown event type 99", "unknown event type");
    body.data[0] = EV_SYSCALL;
    body.data[len_at + 3] = 0x40;   /* a 1 GiB patch with no data behind it */
    recs.len = 0;
    put_rec(&recs, REC_EVENT, &body);
    expect(crafted("c2", &recs, NULL, 0), -1, "event 0: data stream ends early", "patch larger than the data");
    body.data[len_at + 3] = 0x80;
    recs.len = 0;
    put_rec(&recs, REC_EVENT, &body);
    expect(crafted("c3", &recs, NULL, 0), -1, "impossible length", "patch over the size limit");
    body.data[len_at + 3] = 0;
    body.data[npatches_at + 3] = 0x40;
    recs.len = 0;
    put_rec(&recs, REC_EVENT, &body);
    expect(crafted("c4", &recs, NULL, 0), -1, "impossible number of patches", "absurd patch count");
    body.data[npatches_at + 3] = 0;
    buf_put_u8(&body, 0);
    recs.len = 0;
    put_rec(&recs, REC_EVENT, &body);
    expect(crafted("c5", &recs, NULL, 0), -1, "1 unexpected bytes", "record longer than its event");
    body.len -= 5;
    recs.len = 0;
    put_rec(&recs, REC_EVENT, &body);
    expect(crafted("c6", &recs, NULL, 0), -1, "cut short", "record shorter than its event");

    body.len = 0;
    buf_put_u64(&body, 5);
    recs.len = 0;
    put_rec(&recs, REC_END, &body);
    expect(crafted("c7", &recs, NULL, 0), -1, "end record counts 5 events but the trace holds 0", "wrong end count");
    recs.len = 0;
    put_rec(&recs, 7, &body);
    expect(crafted("c8", &recs, NULL, 0), -1, "event 0: unknown record kind 7", "unknown record kind");
    recs.len = 0;
    buf_put_u8(&recs, REC_EVENT);
    buf_put_u32(&recs, 1000);
    expect(crafted("c9", &recs, NULL, 0), -1, "runs past the end of events chunk 0", "record past its chunk");

    /* a sound chunk header announcing an absurd size */
    uint8_t hdr[CHUNK_HDR_LEN + 100] = {0};
    memcpy(hdr, e, CHUNK_HDR_LEN);
    hdr[19] = 0x20;   /* raw_len = 512 MiB */
    uint64_t sum = XXH3_64bits(hdr, 24);
    for (int i = 0; i < 8; i++)
        hdr[24 + i] = (uint8_t)(sum >> (8 * i));
    expect(with_events("c10", hdr, sizeof hdr, NULL, 0), -1, "exceeds the limit", "absurd chunk size");
    buf_free(&recs), buf_free(&body), buf_free(&b);
out:
    free(e), free(d), free(dir);
}

static int count_files(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *de;
    while (d && (de = readdir(d)))
        n += de->d_name[0] != '.';
    if (d)
        closedir(d);
    return n;
}

static bool same_contents(const char *a, const char *b)
{
    size_t la, lb;
    char *x = read_file(a, &la), *y = read_file(b, &lb);
    bool same = x && y && la == lb && !memcmp(x, y, la);
    free(x), free(y);
    return same;
}

static void test_file_store(void)
{
    char *dir = path_in(base, "store"), *files = path_in(dir, "files"), err[512];
    struct trace_header h = test_header();
    struct trace_writer *w = trace_create(dir, &h, err, sizeof err);
    if (!w) {
        check(false, "file store", "%s", err);
        return;
    }
    char *src1 = path_in(base, "src1.bin"), *src2 = path_in(base, "src2.bin");
    char id1[TRACE_ID_LEN + 1], id2[TRACE_ID_LEN + 1], id3[TRACE_ID_LEN + 1], want[64];
    rng = 42;
    uint8_t *content = rnd_bytes(300000);
    put_file(src1, content, 300000);
    put_file(src2, content, 300000);
    XXH128_hash_t hh = XXH3_128bits(content, 300000);
    snprintf(want, sizeof want, "%016llx%016llx", (unsigned long long)hh.high64, (unsigned long long)hh.low64);

    bool ok = trace_add_file(w, -1, src1, id1);
    check(ok && !strcmp(id1, want), "file id is the XXH3-128 of the contents", "%s vs %s: %s", id1, want,
          trace_writer_error(w));
    char *copy = xasprintf("%s/%s", files, id1);
    struct stat a, b;
    stat(src1, &a);
    stat(copy, &b);
    check(same_contents(src1, copy) && a.st_ino != b.st_ino && (b.st_mode & 0777) == 0600,
          "a non-system file is copied, mode 0600", "ino %lu/%lu mode %o", (unsigned long)a.st_ino,
          (unsigned long)b.st_ino, b.st_mode & 0777);
    ok = trace_add_file(w, -1, src2, id2);
    check(ok && !strcmp(id1, id2) && count_files(files) == 1, "same contents are stored once",
          "%s %s, %d files", id1, id2, count_files(files));
    int fd = open(src1, O_RDONLY);
    ok = trace_add_file(w, fd, NULL, id3);
    check(ok && !strcmp(id1, id3) && lseek(fd, 0, SEEK_CUR) == 0, "adding by fd: same id, offset untouched",
          "%s", trace_writer_error(w));
    close(fd);
    put_file(src1, content, 1000);
    ok = trace_add_file(w, -1, src1, id3);
    check(ok && strcmp(id1, id3) && count_files(files) == 2, "a changed file gets a new id", "%s", id3);

    const char *sys[] = {"/usr/bin/env", "/bin/sh"};
    for (int i = 0; i < 2; i++) {
        struct stat s, c, fs;
        char what[128];
        ok = trace_add_file(w, -1, sys[i], id3) && stat(sys[i], &s) == 0;
        free(copy);
        copy = xasprintf("%s/%s", files, id3);
        stat(copy, &c);
        stat(files, &fs);
        bool linked = ok && s.st_ino == c.st_ino && s.st_dev == c.st_dev;
        bool expect_link = s.st_dev == fs.st_dev && getuid() == 0;
        snprintf(what, sizeof what, "system file %s is %s", sys[i], expect_link ? "hard-linked" : "stored");
        check(ok && same_contents(sys[i], copy) && linked == expect_link, what, "linked %d: %s",
              linked, trace_writer_error(w));
    }
    ok = trace_add_file(w, -1, "/dev/null", id3);
    check(!ok && strstr(trace_writer_error(w), "not a regular file"), "a device is refused", "%s",
          trace_writer_error(w));
    ok = trace_add_file(w, -1, "/nonexistent/file", id3);
    check(!ok && strstr(trace_writer_error(w), "cannot open"), "a missing file is refused", "%s",
          trace_writer_error(w));
    check(trace_close(w), "the writer survives file store errors", "close failed");

    struct trace_reader *r = trace_open(dir, err, sizeof err);
    char *p = r ? trace_file_path(r, id1) : NULL;
    free(copy);
    copy = xasprintf("%s/%s", files, id1);
    check(p && !strcmp(p, copy), "trace_file_path", "%s", p ? p : "NULL");
    free(p);
    const char *badids[] = {"abc", "0123456789ABCDEF0123456789abcdef", "../../../../../../../etc/passwd",
                            "0123456789abcdef0123456789abcdef0", "0123456789abcdef0123456789abcde/", ""};
    ok = r && !trace_file_path(r, NULL);
    for (int i = 0; i < 6 && ok; i++)
        ok = !trace_file_path(r, badids[i]);
    check(ok, "trace_file_path rejects anything but 32 lowercase hex digits", "accepted one");
    trace_close_reader(r);
    free(content), free(copy), free(src1), free(src2), free(files), free(dir);
}

static void test_limits(void)
{
    char *dir = path_in(base, "limits"), err[512];
    struct trace_header h = test_header();
    struct trace_writer *w = trace_create(dir, &h, err, sizeof err);
    if (!w) {
        check(false, "limits", "%s", err);
        return;
    }
    struct event ev = {.type = 0};
    check(!trace_write_event(w, &ev) && strstr(trace_writer_error(w), "invalid event type"),
          "the writer refuses an invalid type", "%s", trace_writer_error(w));
    uint8_t small[4] = {0};
    struct mem_patch huge = {0x1000, (1u << 30) + 1, small};
    ev.type = EV_SYSCALL;
    ev.patches = &huge;
    ev.npatches = 1;
    check(!trace_write_event(w, &ev) && strstr(trace_writer_error(w), "too large"),
          "the writer refuses a patch over the limit", "%s", trace_writer_error(w));
    ev.patches = NULL;
    ev.npatches = 0;
    check(trace_write_event(w, &ev) && ev.seq == 0, "the writer stays usable after a refusal", "%s",
          trace_writer_error(w));
    check(trace_close(w), "close after refusals", "failed");
    struct result res = read_trace(dir);
    check(res.rc == 0 && res.n == 1 && !res.truncated, "refused events leave no trace", "n %llu: %s",
          (unsigned long long)res.n, res.err);
    check(!strcmp(event_type_name(EV_SYSCALL), "syscall") && !strcmp(event_type_name(99), "unknown") &&
          !strcmp(event_type_name(0), "unknown"), "event_type_name", "wrong");
    struct blob bl = {0};
    blob_set(&bl, "abc", 3);
    blob_set(&bl, "abc", 0);
    check(bl.data == NULL && bl.len == 0, "blob_set with length 0 empties the blob", "not empty");
    free(dir);
}

int main(void)
{
    snprintf(base, sizeof base, "/tmp/rewind-test-trace.XXXXXX");
    if (!mkdtemp(base))
        rw_fatal("mkdtemp: %s", strerror(errno));
    void (*tests[])(void) = {test_roundtrip, test_header_fields, test_many_chunks, test_empty,
                             test_open_errors, test_truncation, test_killed_recorder,
                             test_interval_flush, test_bit_flips, test_corrupt_messages,
                             test_file_store, test_limits};
    for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++)
        tests[i]();
    rm_rf(base);
    printf("%d checks, %d failed\n", checks, failures);
    return failures ? 1 : 0;
}
