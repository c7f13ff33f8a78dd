/* util — small helpers shared by every layer: diagnostics, checked allocation,
 * growable byte buffers and little-endian encoding.
 *
 * Contract: every user-visible diagnostic goes through rw_warn()/rw_fatal() so it
 * carries the "rewind: " prefix.  Allocation failure is fatal (we cannot record
 * or replay half a trace), so x* allocators never return NULL. */
#ifndef REWIND_UTIL_H
#define REWIND_UTIL_H
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdarg.h>

#define REWIND_VERSION "0.1.0"
/* Exit status for tool errors and replay divergences. */
#define RW_EXIT_TOOL 125

/* Kernel-internal errnos a tracer sees in syscall results (not in libc headers). */
#define ERESTARTSYS 512
#define ERESTARTNOINTR 513
#define ERESTARTNOHAND 514
#define ERESTART_RESTARTBLOCK 516

void rw_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void rw_fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Verbosity for debugging rewind itself: REWIND_DEBUG=1 in the environment. */
extern int rw_debug;
void rw_dbg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t m);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Growable byte buffer. */
struct buf {
    uint8_t *data;
    size_t len, cap;
};
void buf_reserve(struct buf *b, size_t extra);
void buf_put(struct buf *b, const void *p, size_t n);
void buf_put_u8(struct buf *b, uint8_t v);
void buf_put_u32(struct buf *b, uint32_t v);
void buf_put_u64(struct buf *b, uint64_t v);
void buf_put_str(struct buf *b, const char *s); /* u32 length + bytes; NULL → 0xffffffff */
/* Appends formatted text (no NUL). */
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The value of a hexadecimal digit, -1 if c is not one. */
int hex_value(int c);
void buf_free(struct buf *b);

/* Bounds-checked reader over a byte range: every get fails (returns false and
 * sets ok=false) instead of reading past the end, so corrupt input cannot crash us. */
struct cursor {
    const uint8_t *p, *end;
    bool ok;
};
bool cur_get(struct cursor *c, void *out, size_t n);
bool cur_u8(struct cursor *c, uint8_t *v);
bool cur_u32(struct cursor *c, uint32_t *v);
bool cur_u64(struct cursor *c, uint64_t *v);
/* Allocates; *s is NULL for a NULL string.  max bounds the accepted length. */
bool cur_str(struct cursor *c, char **s, size_t max);

/* Files. */
bool write_all(int fd, const void *p, size_t n);
/* Reads a whole (small) file; NULL on error.  *len gets its size. */
char *read_file(const char *path, size_t *len);
int mkdir_p(const char *path, int mode);

#endif
