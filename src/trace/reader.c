/* reader — reading a trace back: the header, then events in order with
 * their bulk data, telling a clean end, an interrupted recording and
 * corruption apart.  The stream layout is described in writer.c. */
#include "internal.h"
#include "chunk.h"
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---- reading ---- */

enum reader_state { RS_OK, RS_END, RS_TRUNCATED, RS_CORRUPT };

struct trace_reader {
    char *dir;
    struct trace_header hdr;
    struct chunk_in ev, data;
    ZSTD_DCtx *dctx;
    uint64_t nevents;          /* events returned so far */
    enum reader_state state;
    char err[512];
};

struct trace_reader *trace_open(const char *dir, char *err, size_t errlen)
{
    struct stat st;
    if (stat(dir, &st) < 0) {
        snprintf(err, errlen, "no trace at %s: %s", dir, strerror(errno));
        return NULL;
    }
    if (!S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "%s is not a rewind trace (not a directory)", dir);
        return NULL;
    }

    struct trace_reader *r = xcalloc(1, sizeof *r);
    r->dir = xstrdup(dir);
    r->ev.fd = r->data.fd = -1;
    char *path = xasprintf("%s/header", dir);
    char *text = NULL;
    size_t len = 0;
    if (stat(path, &st) < 0) {
        if (errno == ENOENT)
            snprintf(err, errlen, "%s is not a rewind trace (no header)", dir);
        else
            snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
        goto fail;
    }
    if (st.st_size > MAX_HEADER) {
        snprintf(err, errlen, "corrupt trace header in %s: it is too large", dir);
        goto fail;
    }
    text = read_file(path, &len);
    if (!text) {
        snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
        goto fail;
    }
    if (!header_parse(text, len, dir, &r->hdr, err, errlen))
        goto fail;

    free(path);
    path = xasprintf("%s/events", dir);
    if (!chunk_open(&r->ev, path, CHUNK_EVENTS, "events")) {
        snprintf(err, errlen, "corrupt trace: cannot open %s: %s", path, strerror(errno));
        goto fail;
    }
    free(path);
    path = xasprintf("%s/data", dir);
    if (!chunk_open(&r->data, path, CHUNK_DATA, "data")) {
        snprintf(err, errlen, "corrupt trace: cannot open %s: %s", path, strerror(errno));
        goto fail;
    }
    r->dctx = ZSTD_createDCtx();
    if (!r->dctx)
        rw_fatal("out of memory (zstd)");
    free(path);
    free(text);
    return r;

fail:
    free(path);
    free(text);
    trace_close_reader(r);
    return NULL;
}

const struct trace_header *trace_get_header(struct trace_reader *r) { return &r->hdr; }
bool trace_truncated(struct trace_reader *r) { return r->state == RS_TRUNCATED; }
const char *trace_error(struct trace_reader *r) { return r->err; }

static int corrupt(struct trace_reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int corrupt(struct trace_reader *r, const char *fmt, ...)
{
    va_list ap;
    int n = snprintf(r->err, sizeof r->err, "corrupt trace: ");
    va_start(ap, fmt);
    vsnprintf(r->err + n, sizeof r->err - (size_t)n, fmt, ap);
    va_end(ap);
    r->state = RS_CORRUPT;
    return -1;
}

static int truncated(struct trace_reader *r)
{
    if (r->nevents)
        snprintf(r->err, sizeof r->err, "the recording was interrupted: trace ends after event %llu",
                 (unsigned long long)(r->nevents - 1));
    else
        snprintf(r->err, sizeof r->err, "the recording was interrupted before its first event");
    r->state = RS_TRUNCATED;
    return 0;
}

/* Reads n bytes of the data stream into *out (NULL for n == 0).  The buffer
 * grows with the data actually found, so a corrupt length costs no more memory
 * than the stream really holds. */
static bool data_read(struct trace_reader *r, uint32_t n, uint8_t **out)
{
    uint8_t *p = NULL;
    size_t have = 0, cap = 0;
    char msg[256];
    *out = NULL;
    while (have < n) {
        struct chunk_in *d = &r->data;
        if (d->rpos == d->len) {
            enum chunk_status st = chunk_next(d, r->dctx, msg, sizeof msg);
            if (st == CHUNK_OK)
                continue;
            free(p);
            if (st == CHUNK_CORRUPT)
                corrupt(r, "%s", msg);
            else
                corrupt(r, "event %llu: data stream ends early", (unsigned long long)r->nevents);
            return false;
        }
        size_t k = d->len - d->rpos;
        if (k > n - have)
            k = n - have;
        if (have + k > cap) {
            cap = cap * 2 > have + k ? cap * 2 : have + k;
            if (cap > n)
                cap = n;
            p = xrealloc(p, cap);
        }
        memcpy(p + have, d->raw + d->rpos, k);
        have += k;
        d->rpos += k;
    }
    *out = p;
    return true;
}

/* The same order as trace_write_event writes. */
static bool read_event_data(struct trace_reader *r, struct event *ev)
{
    if (!data_read(r, ev->siginfo.len, &ev->siginfo.data) ||
        !data_read(r, ev->regs.len, &ev->regs.data) ||
        !data_read(r, ev->xstate.len, &ev->xstate.data))
        return false;
    struct mem_patch *lists[2] = {ev->patches, ev->inputs};
    uint32_t counts[2] = {ev->npatches, ev->ninputs};
    for (int l = 0; l < 2; l++) {
        for (uint32_t i = 0; i < counts[l]; i++) {
            struct mem_patch *p = &lists[l][i];
            if (!data_read(r, p->len, &p->data))
                return false;
            if (!p->data)
                p->data = xmalloc(0);   /* patch data is never NULL */
        }
    }
    return true;
}

static int read_end(struct trace_reader *r, struct cursor *c)
{
    uint64_t count;
    if (!cur_u64(c, &count) || c->p != c->end)
        return corrupt(r, "malformed end record");
    if (count != r->nevents)
        return corrupt(r, "the end record counts %llu events but the trace holds %llu",
                       (unsigned long long)count, (unsigned long long)r->nevents);
    if (r->ev.rpos != r->ev.len || r->ev.pos != r->ev.size)
        return corrupt(r, "events follow the end record");
    if (r->data.rpos != r->data.len || r->data.pos != r->data.size)
        return corrupt(r, "the data stream is longer than the events need");
    r->state = RS_END;
    return 0;
}

int trace_read_event(struct trace_reader *r, struct event *ev)
{
    char msg[256];
    memset(ev, 0, sizeof *ev);
    if (r->state == RS_END || r->state == RS_TRUNCATED)
        return 0;
    if (r->state == RS_CORRUPT)
        return -1;

    struct chunk_in *s = &r->ev;
    while (s->rpos == s->len) {
        enum chunk_status st = chunk_next(s, r->dctx, msg, sizeof msg);
        if (st == CHUNK_EOF || st == CHUNK_PARTIAL)
            return truncated(r);
        if (st == CHUNK_CORRUPT)
            return corrupt(r, "%s", msg);
    }

    unsigned long long n = r->nevents;
    struct cursor c = {s->raw + s->rpos, s->raw + s->len, true};
    uint8_t kind = 0;
    uint32_t blen = 0;
    cur_u8(&c, &kind);
    cur_u32(&c, &blen);
    if (!c.ok || blen > (size_t)(c.end - c.p))
        return corrupt(r, "event %llu: record runs past the end of events chunk %llu",
                       n, (unsigned long long)(s->seq - 1));
    c.end = c.p + blen;
    s->rpos += REC_HDR_LEN + blen;

    if (kind == REC_END)
        return read_end(r, &c);
    if (kind != REC_EVENT)
        return corrupt(r, "event %llu: unknown record kind %u", n, kind);
    if (!event_decode(&c, ev, msg, sizeof msg)) {
        event_free(ev);
        return corrupt(r, "event %llu: %s", n, msg);
    }
    if (!read_event_data(r, ev)) {
        event_free(ev);
        return -1;
    }
    ev->seq = r->nevents++;
    return 1;
}

char *trace_file_path(struct trace_reader *r, const char *id)
{
    if (!trace_id_valid(id))
        return NULL;
    return xasprintf("%s/files/%s", r->dir, id);
}

void trace_close_reader(struct trace_reader *r)
{
    if (!r)
        return;
    chunk_close(&r->ev);
    chunk_close(&r->data);
    ZSTD_freeDCtx(r->dctx);
    trace_header_free(&r->hdr);
    free(r->dir);
    free(r);
}
