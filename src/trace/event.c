/* event — struct event helpers and the encoding of an event record.
 *
 * The record body carries every scalar field for every type (simpler than a
 * per-type layout, and zstd squeezes the zeros out), the strings, the mapping
 * list and the addresses and lengths of patches and inputs.  The bytes of
 * blobs, patches and inputs live in the data stream; see trace.c. */
#include "internal.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const type_names[EV_TYPE_MAX] = {
    [EV_EXEC] = "exec",
    [EV_SYSCALL] = "syscall",
    [EV_SIGNAL] = "signal",
    [EV_RDTSC] = "rdtsc",
    [EV_CPUID] = "cpuid",
    [EV_EXIT] = "exit",
    [EV_PREEMPT] = "preempt",
};

const char *event_type_name(uint32_t type)
{
    if (type < EV_TYPE_MAX && type_names[type])
        return type_names[type];
    return "unknown";
}

static void free_patches(struct mem_patch *p, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        free(p[i].data);
    free(p);
}

void event_free(struct event *ev)
{
    free(ev->siginfo.data);
    free(ev->path);
    for (uint32_t i = 0; i < ev->nmaps; i++) {
        free(ev->maps[i].file_id);
        free(ev->maps[i].name);
    }
    free(ev->maps);
    free(ev->file_id);
    free_patches(ev->patches, ev->npatches);
    free_patches(ev->inputs, ev->ninputs);
    free(ev->regs.data);
    free(ev->xstate.data);
    memset(ev, 0, sizeof *ev);
}

/* Arrays grow by one element at a time: events rarely carry more than a few
 * patches, and realloc makes the occasional long list cheap enough.  Keeping
 * no capacity field means an event the reader built can be extended too. */
static void add_patch(struct mem_patch **arr, uint32_t *n, uint64_t addr,
                      const void *data, uint32_t len)
{
    *arr = xrealloc(*arr, ((size_t)*n + 1) * sizeof **arr);
    struct mem_patch *p = &(*arr)[(*n)++];
    p->addr = addr;
    p->len = len;
    p->data = xmalloc(len);   /* never NULL, even for len 0 */
    if (len)
        memcpy(p->data, data, len);
}

void event_add_patch(struct event *ev, uint64_t addr, const void *data, uint32_t len)
{
    add_patch(&ev->patches, &ev->npatches, addr, data, len);
}

void event_add_input(struct event *ev, uint64_t addr, const void *data, uint32_t len)
{
    add_patch(&ev->inputs, &ev->ninputs, addr, data, len);
}

void event_add_mapping(struct event *ev, const struct mapping *m)
{
    ev->maps = xrealloc(ev->maps, ((size_t)ev->nmaps + 1) * sizeof *ev->maps);
    struct mapping *d = &ev->maps[ev->nmaps++];
    *d = *m;
    d->file_id = m->file_id ? xstrdup(m->file_id) : NULL;
    d->name = m->name ? xstrdup(m->name) : NULL;
}

/* An empty blob has data NULL: len is what callers test. */
void blob_set(struct blob *b, const void *data, uint32_t len)
{
    free(b->data);
    b->data = NULL;
    b->len = len;
    if (len) {
        b->data = xmalloc(len);
        memcpy(b->data, data, len);
    }
}

/* ---- encoding ---- */

static void put_patch_list(struct buf *b, const struct mem_patch *p, uint32_t n)
{
    buf_put_u32(b, n);
    for (uint32_t i = 0; i < n; i++) {
        buf_put_u64(b, p[i].addr);
        buf_put_u32(b, p[i].len);
    }
}

void event_encode(struct buf *b, const struct event *ev)
{
    buf_put_u32(b, ev->type);
    buf_put_u32(b, ev->flags);
    buf_put_u32(b, (uint32_t)ev->tid);
    buf_put_u32(b, (uint32_t)ev->pid);
    buf_put_u64(b, (uint64_t)ev->nr);
    for (int i = 0; i < 6; i++)
        buf_put_u64(b, ev->args[i]);
    buf_put_u64(b, (uint64_t)ev->ret);
    buf_put_u64(b, ev->ip);
    buf_put_u64(b, ev->sp);
    buf_put_u32(b, (uint32_t)ev->signo);
    for (int i = 0; i < 4; i++)
        buf_put_u64(b, ev->vals[i]);
    buf_put_u32(b, (uint32_t)ev->status);
    buf_put_u32(b, ev->siginfo.len);
    buf_put_u32(b, ev->regs.len);
    buf_put_u32(b, ev->xstate.len);
    buf_put_str(b, ev->path);
    buf_put_str(b, ev->file_id);
    buf_put_u32(b, ev->nmaps);
    for (uint32_t i = 0; i < ev->nmaps; i++) {
        const struct mapping *m = &ev->maps[i];
        buf_put_u64(b, m->start);
        buf_put_u64(b, m->end);
        buf_put_u64(b, m->offset);
        buf_put_u32(b, m->prot);
        buf_put_u32(b, m->flags);
        buf_put_str(b, m->file_id);
        buf_put_str(b, m->name);
    }
    put_patch_list(b, ev->patches, ev->npatches);
    put_patch_list(b, ev->inputs, ev->ninputs);
}

static bool str_ok(const char *s)
{
    return !s || strlen(s) <= MAX_STR;
}

bool event_check(const struct event *ev, char *err, size_t errlen)
{
    const char *what = NULL;
    if (ev->type == 0 || ev->type >= EV_TYPE_MAX)
        what = "invalid event type";
    else if (ev->siginfo.len > MAX_BLOB || ev->regs.len > MAX_BLOB || ev->xstate.len > MAX_BLOB)
        what = "register or siginfo blob too large";
    else if (!str_ok(ev->path) || !str_ok(ev->file_id))
        what = "string too long";
    else if (ev->nmaps > MAX_MAPS)
        what = "too many mappings";
    else if (ev->npatches > MAX_PATCHES || ev->ninputs > MAX_PATCHES)
        what = "too many memory patches";
    for (uint32_t i = 0; !what && i < ev->nmaps; i++)
        if (!str_ok(ev->maps[i].file_id) || !str_ok(ev->maps[i].name))
            what = "mapping name too long";
    for (uint32_t i = 0; !what && i < ev->npatches; i++)
        if (ev->patches[i].len > MAX_PATCH_LEN)
            what = "memory patch too large";
    for (uint32_t i = 0; !what && i < ev->ninputs; i++)
        if (ev->inputs[i].len > MAX_PATCH_LEN)
            what = "memory input too large";
    if (what)
        snprintf(err, errlen, "%s", what);
    return !what;
}

/* ---- decoding ---- */

/* Like cur_str, but also rejects embedded NULs, which no C string can hold. */
static bool get_str(struct cursor *c, char **s)
{
    uint32_t n;
    *s = NULL;
    if (!cur_u32(c, &n))
        return false;
    if (n == 0xffffffffu)
        return true;
    if (n > MAX_STR || (size_t)(c->end - c->p) < n || memchr(c->p, 0, n)) {
        c->ok = false;
        return false;
    }
    *s = xmalloc((size_t)n + 1);
    memcpy(*s, c->p, n);
    (*s)[n] = 0;
    c->p += n;
    return true;
}

static bool get_patch_list(struct cursor *c, struct mem_patch **arr, uint32_t *count,
                           const char *what, char *err, size_t errlen)
{
    uint32_t n;
    if (!cur_u32(c, &n))
        return false;
    /* each entry takes 12 bytes of the record: a count the record cannot hold
     * is rejected before anything is allocated for it */
    if (n > MAX_PATCHES || (size_t)(c->end - c->p) / 12 < n) {
        snprintf(err, errlen, "impossible number of %s (%u)", what, n);
        return false;
    }
    if (!n)
        return true;
    *arr = xcalloc(n, sizeof **arr);
    *count = n;
    for (uint32_t i = 0; i < n; i++) {
        cur_u64(c, &(*arr)[i].addr);
        cur_u32(c, &(*arr)[i].len);
        if ((*arr)[i].len > MAX_PATCH_LEN) {
            snprintf(err, errlen, "%s %u has impossible length %u", what, i, (*arr)[i].len);
            return false;
        }
    }
    return c->ok;
}

bool event_decode(struct cursor *c, struct event *ev, char *err, size_t errlen)
{
    uint32_t u = 0;
    uint64_t q = 0;
    err[0] = 0;

    cur_u32(c, &ev->type);
    cur_u32(c, &ev->flags);
    cur_u32(c, &u), ev->tid = (int32_t)u;
    cur_u32(c, &u), ev->pid = (int32_t)u;
    cur_u64(c, &q), ev->nr = (int64_t)q;
    for (int i = 0; i < 6; i++)
        cur_u64(c, &ev->args[i]);
    cur_u64(c, &q), ev->ret = (int64_t)q;
    cur_u64(c, &ev->ip);
    cur_u64(c, &ev->sp);
    cur_u32(c, &u), ev->signo = (int32_t)u;
    for (int i = 0; i < 4; i++)
        cur_u64(c, &ev->vals[i]);
    cur_u32(c, &u), ev->status = (int32_t)u;
    cur_u32(c, &ev->siginfo.len);
    cur_u32(c, &ev->regs.len);
    cur_u32(c, &ev->xstate.len);
    if (!c->ok)
        goto short_record;
    if (ev->type == 0 || ev->type >= EV_TYPE_MAX) {
        snprintf(err, errlen, "unknown event type %u", ev->type);
        return false;
    }
    if (ev->siginfo.len > MAX_BLOB || ev->regs.len > MAX_BLOB || ev->xstate.len > MAX_BLOB) {
        snprintf(err, errlen, "impossible register or siginfo size");
        return false;
    }
    if (!get_str(c, &ev->path) || !get_str(c, &ev->file_id)) {
        snprintf(err, errlen, "bad string");
        return false;
    }

    uint32_t nmaps;
    if (!cur_u32(c, &nmaps))
        goto short_record;
    /* a mapping takes at least 40 bytes of the record */
    if (nmaps > MAX_MAPS || (size_t)(c->end - c->p) / 40 < nmaps) {
        snprintf(err, errlen, "impossible number of mappings (%u)", nmaps);
        return false;
    }
    if (nmaps) {
        ev->maps = xcalloc(nmaps, sizeof *ev->maps);
        ev->nmaps = nmaps;
    }
    for (uint32_t i = 0; i < nmaps; i++) {
        struct mapping *m = &ev->maps[i];
        cur_u64(c, &m->start);
        cur_u64(c, &m->end);
        cur_u64(c, &m->offset);
        cur_u32(c, &m->prot);
        cur_u32(c, &m->flags);
        if (!c->ok)
            goto short_record;
        if (!get_str(c, &m->file_id) || !get_str(c, &m->name)) {
            snprintf(err, errlen, "mapping %u: bad string", i);
            return false;
        }
    }

    if (!get_patch_list(c, &ev->patches, &ev->npatches, "patches", err, errlen) ||
        !get_patch_list(c, &ev->inputs, &ev->ninputs, "inputs", err, errlen)) {
        if (!err[0])
            goto short_record;
        return false;
    }
    if (c->p != c->end) {
        snprintf(err, errlen, "%zu unexpected bytes after the event", (size_t)(c->end - c->p));
        return false;
    }
    return true;

short_record:
    snprintf(err, errlen, "event record is cut short");
    return false;
}
