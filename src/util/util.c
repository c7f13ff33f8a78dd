/* util — see util.h. */
#include "util.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int rw_debug;

static void vmsg(const char *fmt, va_list ap)
{
    char line[4096];
    int n = vsnprintf(line, sizeof line - 1, fmt, ap);
    if (n < 0)
        return;
    if ((size_t)n > sizeof line - 2)
        n = sizeof line - 2;
    line[n++] = '\n';
    /* one write so lines from several processes do not interleave */
    char out[4200];
    int m = snprintf(out, sizeof out, "rewind: %.*s", n, line);
    if (m > 0)
        write_all(2, out, (size_t)m < sizeof out ? (size_t)m : sizeof out - 1);
}

void rw_warn(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmsg(fmt, ap);
    va_end(ap);
}

void rw_fatal(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmsg(fmt, ap);
    va_end(ap);
    exit(RW_EXIT_TOOL);
}

void rw_dbg(const char *fmt, ...)
{
    if (!rw_debug)
        return;
    va_list ap;
    va_start(ap, fmt);
    vmsg(fmt, ap);
    va_end(ap);
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        rw_fatal("out of memory (%zu bytes)", n);
    return p;
}

void *xcalloc(size_t n, size_t m)
{
    void *p = calloc(n ? n : 1, m ? m : 1);
    if (!p)
        rw_fatal("out of memory");
    return p;
}

void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p)
        rw_fatal("out of memory (%zu bytes)", n);
    return p;
}

char *xstrdup(const char *s)
{
    char *d = strdup(s ? s : "");
    if (!d)
        rw_fatal("out of memory");
    return d;
}

char *xasprintf(const char *fmt, ...)
{
    va_list ap;
    char *s;
    va_start(ap, fmt);
    int n = vasprintf(&s, fmt, ap);
    va_end(ap);
    if (n < 0)
        rw_fatal("out of memory");
    return s;
}

void buf_reserve(struct buf *b, size_t extra)
{
    if (b->len + extra <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + extra)
        cap *= 2;
    b->data = xrealloc(b->data, cap);
    b->cap = cap;
}

void buf_put(struct buf *b, const void *p, size_t n)
{
    if (!n)
        return;
    buf_reserve(b, n);
    memcpy(b->data + b->len, p, n);
    b->len += n;
}

void buf_put_u8(struct buf *b, uint8_t v) { buf_put(b, &v, 1); }

void buf_put_u32(struct buf *b, uint32_t v)
{
    uint8_t x[4] = {v, v >> 8, v >> 16, v >> 24};
    buf_put(b, x, 4);
}

void buf_put_u64(struct buf *b, uint64_t v)
{
    buf_put_u32(b, (uint32_t)v);
    buf_put_u32(b, (uint32_t)(v >> 32));
}

void buf_put_str(struct buf *b, const char *s)
{
    if (!s) {
        buf_put_u32(b, 0xffffffffu);
        return;
    }
    size_t n = strlen(s);
    buf_put_u32(b, (uint32_t)n);
    buf_put(b, s, n);
}

void buf_printf(struct buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n <= 0)
        return;
    buf_reserve(b, (size_t)n + 1);   /* vsnprintf writes the NUL too */
    va_start(ap, fmt);
    vsnprintf((char *)b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

int hex_value(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

void buf_free(struct buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

bool cur_get(struct cursor *c, void *out, size_t n)
{
    if (!c->ok || (size_t)(c->end - c->p) < n) {
        c->ok = false;
        return false;
    }
    if (out)
        memcpy(out, c->p, n);
    c->p += n;
    return true;
}

bool cur_u8(struct cursor *c, uint8_t *v) { return cur_get(c, v, 1); }

bool cur_u32(struct cursor *c, uint32_t *v)
{
    uint8_t x[4];
    if (!cur_get(c, x, 4))
        return false;
    *v = x[0] | x[1] << 8 | x[2] << 16 | (uint32_t)x[3] << 24;
    return true;
}

bool cur_u64(struct cursor *c, uint64_t *v)
{
    uint32_t lo, hi;
    if (!cur_u32(c, &lo) || !cur_u32(c, &hi))
        return false;
    *v = lo | (uint64_t)hi << 32;
    return true;
}

bool cur_str(struct cursor *c, char **s, size_t max)
{
    uint32_t n;
    *s = NULL;
    if (!cur_u32(c, &n))
        return false;
    if (n == 0xffffffffu)
        return true;
    if (n > max || (size_t)(c->end - c->p) < n) {
        c->ok = false;
        return false;
    }
    *s = xmalloc(n + 1);
    memcpy(*s, c->p, n);
    (*s)[n] = 0;
    c->p += n;
    return true;
}

bool write_all(int fd, const void *p, size_t n)
{
    const char *q = p;
    while (n) {
        ssize_t w = write(fd, q, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return false;
        }
        q += w;
        n -= (size_t)w;
    }
    return true;
}

char *read_file(const char *path, size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    struct buf b = {0};
    for (;;) {
        buf_reserve(&b, 65536);
        ssize_t r = read(fd, b.data + b.len, b.cap - b.len - 1);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            close(fd);
            buf_free(&b);
            return NULL;
        }
        if (r == 0)
            break;
        b.len += (size_t)r;
    }
    close(fd);
    buf_reserve(&b, 1);
    b.data[b.len] = 0;
    if (len)
        *len = b.len;
    return (char *)b.data;
}

int mkdir_p(const char *path, int mode)
{
    char *p = xstrdup(path);
    for (char *s = p + 1; *s; s++) {
        if (*s == '/') {
            *s = 0;
            if (mkdir(p, (mode_t)mode) < 0 && errno != EEXIST) {
                free(p);
                return -1;
            }
            *s = '/';
        }
    }
    int r = mkdir(p, (mode_t)mode);
    free(p);
    return (r < 0 && errno != EEXIST) ? -1 : 0;
}
