/* writer — creating a trace directory and writing events into it.
 *
 * Events stream: chunks of records (u8 kind, u32 body length, body), never
 * split across chunks.  Data stream: a plain byte sequence cut into chunks
 * anywhere.  For each event, in this order, the data stream holds its siginfo,
 * regs and xstate blobs, then each patch's bytes, then each input's bytes;
 * the record holds only their lengths, so the reader consumes the data stream
 * in step with the events.  The data stream is always flushed before an events
 * chunk, so a complete events chunk never refers to data that is not on disk.
 *
 * The reader is reader.c, the file store (trace_add_file) files.c and the
 * header header.c. */
#include "internal.h"
#include "chunk.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#define EVENT_CHUNK_TARGET (64u << 10)   /* flush events once this much is buffered */
#define DATA_CHUNK_TARGET  (1u << 20)    /* data chunks are cut at this size */
#define FLUSH_INTERVAL_NS  (200ull * 1000 * 1000)

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* ---- writing ---- */

static bool io_failed(struct trace_writer *w, const char *file)
{
    snprintf(w->err, sizeof w->err, "cannot write %s/%s: %s", w->dir, file, strerror(errno));
    w->failed = true;
    return false;
}

/* One write(2) per chunk: a writer killed at any point leaves a prefix of a
 * valid chunk behind, which the reader recognizes as an interrupted stream. */
static bool write_chunk(struct trace_writer *w, int fd, uint32_t kind, uint64_t *seq,
                        const void *raw, size_t len, const char *file)
{
    w->out.len = 0;
    chunk_encode(w->cctx, &w->out, kind, *seq, raw, len);
    if (!write_all(fd, w->out.data, w->out.len))
        return io_failed(w, file);
    (*seq)++;
    w->bytes += w->out.len;
    return true;
}

static bool flush_data(struct trace_writer *w)
{
    if (!w->data.len)
        return true;
    if (!write_chunk(w, w->data_fd, CHUNK_DATA, &w->data_seq, w->data.data, w->data.len, "data"))
        return false;
    w->data.len = 0;
    return true;
}

static bool data_put(struct trace_writer *w, const void *p, size_t n)
{
    const uint8_t *s = p;
    while (n) {
        size_t k = DATA_CHUNK_TARGET - w->data.len;
        if (k > n)
            k = n;
        buf_put(&w->data, s, k);
        s += k;
        n -= k;
        if (w->data.len >= DATA_CHUNK_TARGET && !flush_data(w))
            return false;
    }
    return true;
}

bool trace_flush(struct trace_writer *w)
{
    if (w->failed)
        return false;
    /* data first: the events about to be written refer to it */
    if (!flush_data(w))
        return false;
    if (w->ev.len) {
        if (!write_chunk(w, w->events_fd, CHUNK_EVENTS, &w->ev_seq, w->ev.data, w->ev.len, "events"))
            return false;
        w->ev.len = 0;
    }
    w->last_flush_ns = now_ns();
    return true;
}

static void put_record(struct trace_writer *w, uint8_t kind, const void *body, size_t len)
{
    buf_put_u8(&w->ev, kind);
    buf_put_u32(&w->ev, (uint32_t)len);
    buf_put(&w->ev, body, len);
}

bool trace_write_event(struct trace_writer *w, struct event *ev)
{
    char why[128];
    if (w->failed)
        return false;
    if (!event_check(ev, why, sizeof why)) {
        snprintf(w->err, sizeof w->err, "cannot record event %llu (%s): %s",
                 (unsigned long long)w->nevents, event_type_name(ev->type), why);
        return false;
    }
    w->rec.len = 0;
    event_encode(&w->rec, ev);
    if (w->rec.len > CHUNK_RAW_MAX - REC_HDR_LEN) {
        snprintf(w->err, sizeof w->err, "cannot record event %llu (%s): it is too large",
                 (unsigned long long)w->nevents, event_type_name(ev->type));
        return false;
    }

    /* The reader consumes exactly this sequence; keep it in step with read_event_data(). */
    if (!data_put(w, ev->siginfo.data, ev->siginfo.len) ||
        !data_put(w, ev->regs.data, ev->regs.len) ||
        !data_put(w, ev->xstate.data, ev->xstate.len))
        return false;
    for (uint32_t i = 0; i < ev->npatches; i++)
        if (!data_put(w, ev->patches[i].data, ev->patches[i].len))
            return false;
    for (uint32_t i = 0; i < ev->ninputs; i++)
        if (!data_put(w, ev->inputs[i].data, ev->inputs[i].len))
            return false;

    if (w->ev.len + REC_HDR_LEN + w->rec.len > CHUNK_RAW_MAX && !trace_flush(w))
        return false;
    put_record(w, REC_EVENT, w->rec.data, w->rec.len);
    ev->seq = w->nevents++;

    if (w->ev.len >= EVENT_CHUNK_TARGET || now_ns() - w->last_flush_ns >= FLUSH_INTERVAL_NS)
        return trace_flush(w);
    return true;
}

bool trace_close(struct trace_writer *w)
{
    if (!w)
        return false;
    bool ok = !w->failed;
    if (ok) {
        uint8_t body[8];
        for (int i = 0; i < 8; i++)
            body[i] = (uint8_t)(w->nevents >> (8 * i));
        put_record(w, REC_END, body, sizeof body);
        ok = trace_flush(w);
        if (close(w->events_fd) < 0 && ok)
            ok = io_failed(w, "events");
        if (close(w->data_fd) < 0 && ok)
            ok = io_failed(w, "data");
        if (!ok)
            rw_warn("%s", w->err);
    } else {
        close(w->events_fd);
        close(w->data_fd);
    }
    close(w->files_fd);
    ZSTD_freeCCtx(w->cctx);
    buf_free(&w->ev);
    buf_free(&w->data);
    buf_free(&w->out);
    buf_free(&w->rec);
    free(w->cache);
    free(w->dir);
    free(w);
    return ok;
}

const char *trace_writer_error(struct trace_writer *w) { return w->err; }
uint64_t trace_writer_events(struct trace_writer *w) { return w->nevents; }
uint64_t trace_writer_bytes(struct trace_writer *w) { return w->bytes; }

static bool dir_is_empty(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return false;
    struct dirent *de;
    bool empty = true;
    while (empty && (de = readdir(d)))
        if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
            empty = false;
    closedir(d);
    return empty;
}

/* Makes dir, which must not exist or be an empty directory, with mode 0700. */
static bool make_trace_dir(const char *dir, char *err, size_t errlen)
{
    if (mkdir(dir, 0700) == 0)
        return true;
    if (errno == ENOENT && mkdir_p(dir, 0700) == 0)
        return true;
    if (errno == EEXIST) {
        struct stat st;
        if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode) && dir_is_empty(dir)) {
            if (chmod(dir, 0700) == 0)
                return true;
        } else {
            snprintf(err, errlen, "cannot create trace %s: it already exists and is not an empty directory", dir);
            return false;
        }
    }
    snprintf(err, errlen, "cannot create trace %s: %s", dir, strerror(errno));
    return false;
}

struct trace_writer *trace_create(const char *dir, const struct trace_header *h,
                                  char *err, size_t errlen)
{
    if (!make_trace_dir(dir, err, errlen))
        return NULL;

    struct trace_writer *w = xcalloc(1, sizeof *w);
    w->dir = xstrdup(dir);
    w->events_fd = w->data_fd = w->files_fd = -1;
    char *files = xasprintf("%s/files", dir);
    char *events = xasprintf("%s/events", dir);
    char *data = xasprintf("%s/data", dir);
    char *tmp = xasprintf("%s/header.tmp", dir);
    char *header = xasprintf("%s/header", dir);
    const char *what = files;
    struct stat st;
    struct buf hb = {0};
    int hfd = -1;

    if (mkdir(files, 0700) < 0)
        goto fail;
    w->files_fd = open(files, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (w->files_fd < 0 || fstat(w->files_fd, &st) < 0)
        goto fail;
    w->files_dev = st.st_dev;
    what = events;
    w->events_fd = open(events, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (w->events_fd < 0)
        goto fail;
    what = data;
    w->data_fd = open(data, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (w->data_fd < 0)
        goto fail;

    /* The header appears atomically and last: a directory with a header always
     * has its streams, and a half-written header is never seen. */
    what = header;
    header_format(&hb, h);
    hfd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (hfd < 0 || !write_all(hfd, hb.data, hb.len))
        goto fail;
    int rc = close(hfd);
    hfd = -1;
    if (rc < 0)
        goto fail;
    if (rename(tmp, header) < 0)
        goto fail;

    w->cctx = ZSTD_createCCtx();
    if (!w->cctx)
        rw_fatal("out of memory (zstd)");
    w->last_flush_ns = now_ns();
    buf_free(&hb);
    free(files), free(events), free(data), free(tmp), free(header);
    return w;

fail:
    snprintf(err, errlen, "cannot create %s: %s", what, strerror(errno));
    if (hfd >= 0)
        close(hfd);
    if (w->files_fd >= 0)
        close(w->files_fd);
    if (w->events_fd >= 0)
        close(w->events_fd);
    if (w->data_fd >= 0)
        close(w->data_fd);
    /* best effort: leave nothing behind that looks like a trace */
    unlink(tmp), unlink(header), unlink(events), unlink(data), rmdir(files), rmdir(dir);
    buf_free(&hb);
    free(files), free(events), free(data), free(tmp), free(header);
    free(w->dir);
    free(w);
    return NULL;
}
