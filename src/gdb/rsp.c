/* rsp — see rsp.h. */
#include "rsp.h"
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* A client that answers '-' this many times in a row is not going to accept
 * the packet; give up instead of looping forever. */
#define RSP_MAX_RESENDS 8

static const char hexdigits[] = "0123456789abcdef";


void rsp_init(struct rsp_conn *c, int fd)
{
    memset(c, 0, sizeof *c);
    c->fd = fd;
    c->pkt = xmalloc(RSP_MAX_PACKET + 1);
}

void rsp_free(struct rsp_conn *c)
{
    free(c->pkt);
    c->pkt = NULL;
}

/* ---- reading ---- */

/* Refills the input buffer; false on end of file or error. */
static bool fill(struct rsp_conn *c)
{
    ssize_t n;
    do
        n = read(c->fd, c->in, sizeof c->in);
    while (n < 0 && errno == EINTR);
    if (n <= 0) {
        if (n < 0)
            rw_dbg("gdb connection: read: %s", strerror(errno));
        return false;
    }
    c->in_pos = 0;
    c->in_len = (size_t)n;
    return true;
}

static int next_byte(struct rsp_conn *c)
{
    if (c->in_pos == c->in_len && !fill(c))
        return -1;
    return c->in[c->in_pos++];
}

/* Writes everything; sockets get MSG_NOSIGNAL so a vanished client is EPIPE,
 * anything else (a pipe in tests) plain write. */
static bool send_all(int fd, const void *p, size_t n)
{
    const uint8_t *q = p;
    while (n) {
        ssize_t w = send(fd, q, n, MSG_NOSIGNAL);
        if (w < 0 && errno == ENOTSOCK)
            w = write(fd, q, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            rw_dbg("gdb connection: write: %s", strerror(errno));
            return false;
        }
        q += w;
        n -= (size_t)w;
    }
    return true;
}

enum rsp_status rsp_read(struct rsp_conn *c)
{
    if (c->interrupt_pending) {
        c->interrupt_pending = false;
        return RSP_INTERRUPT;
    }
    int ch;
    for (;;) {
        /* Between packets: acks, ^C, or junk to skip. */
        do {
            ch = next_byte(c);
            if (ch < 0)
                return RSP_CLOSED;
            if (ch == 0x03)
                return RSP_INTERRUPT;
        } while (ch != '$');

        size_t n;
        uint8_t sum;
        bool too_long;
    restart:
        n = 0, sum = 0, too_long = false;
        while ((ch = next_byte(c)) != '#') {
            if (ch < 0)
                return RSP_CLOSED;
            if (ch == '$')   /* never raw inside a packet: the old one was cut off */
                goto restart;
            sum += (uint8_t)ch;
            if (n < RSP_MAX_PACKET)
                c->pkt[n++] = (char)ch;
            else
                too_long = true;   /* keep reading to resynchronize at '#' */
        }
        int h1 = next_byte(c);
        int h2 = h1 < 0 ? -1 : next_byte(c);
        if (h2 < 0)
            return RSP_CLOSED;
        bool good = hex_value(h1) >= 0 && hex_value(h2) >= 0 && (hex_value(h1) << 4 | hex_value(h2)) == sum;
        if (!c->no_ack) {
            if (!send_all(c->fd, good ? "+" : "-", 1))
                return RSP_CLOSED;
            if (!good)
                continue;   /* the client sends it again */
        } else if (!good) {
            /* Nobody would resend it: take it as it is, like gdbserver does. */
            rw_dbg("gdb connection: bad checksum in no-ack mode, packet accepted");
        }
        if (too_long)
            return RSP_TOO_LONG;
        c->pkt[n] = 0;
        c->pkt_len = n;
        return RSP_PACKET;
    }
}

bool rsp_take_interrupt(struct rsp_conn *c)
{
    bool got = c->interrupt_pending;
    c->interrupt_pending = false;
    if (c->in_pos == c->in_len) {
        struct pollfd p = {.fd = c->fd, .events = POLLIN};
        if (poll(&p, 1, 0) == 1 && (p.revents & POLLIN))
            fill(c);   /* end of file shows again at the next rsp_read */
    }
    while (c->in_pos < c->in_len) {
        uint8_t ch = c->in[c->in_pos];
        if (ch == 0x03)
            got = true;
        else if (ch != '+' && ch != '-')
            break;
        c->in_pos++;
    }
    return got;
}

/* ---- writing ---- */

/* In ack mode, after sending: true once the client acked, false to resend,
 * -1 when the connection is gone. */
static int wait_ack(struct rsp_conn *c)
{
    for (;;) {
        if (c->in_pos == c->in_len && !fill(c))
            return -1;
        uint8_t ch = c->in[c->in_pos];
        if (ch == '$')
            return 1;   /* a new packet: the client moved on, so it got ours */
        c->in_pos++;
        if (ch == '+')
            return 1;
        if (ch == '-')
            return 0;
        if (ch == 0x03)
            c->interrupt_pending = true;
    }
}

bool rsp_send(struct rsp_conn *c, const void *payload, size_t len)
{
    struct buf frame = {0};
    buf_reserve(&frame, len + 4);
    buf_put_u8(&frame, '$');
    buf_put(&frame, payload, len);
    uint8_t sum = 0;
    for (size_t i = 0; i < len; i++)
        sum += ((const uint8_t *)payload)[i];
    uint8_t tail[3] = {'#', hexdigits[sum >> 4], hexdigits[sum & 15]};
    buf_put(&frame, tail, 3);

    bool ok = false;
    for (int tries = 0; tries <= RSP_MAX_RESENDS; tries++) {
        if (!send_all(c->fd, frame.data, frame.len))
            break;
        if (c->no_ack) {
            ok = true;
            break;
        }
        int r = wait_ack(c);
        if (r != 0) {
            ok = r == 1;
            break;
        }
    }
    if (!ok)
        rw_dbg("gdb connection: packet not delivered");
    buf_free(&frame);
    return ok;
}

bool rsp_send_str(struct rsp_conn *c, const char *payload)
{
    return rsp_send(c, payload, strlen(payload));
}

/* ---- sockets ---- */

int rsp_listen(int port, char *err, size_t errlen)
{
    if (port < 0 || port > 65535) {
        snprintf(err, errlen, "invalid port number");
        return -1;
    }
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        snprintf(err, errlen, "%s", strerror(errno));
        return -1;
    }
    /* A debugger restarted right after the last session must get its port back
     * although the old connection lingers in TIME_WAIT. */
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in sa = {
        .sin_family = AF_INET,
        .sin_port = htons((uint16_t)port),
        .sin_addr.s_addr = htonl(INADDR_LOOPBACK),   /* the replay is not for the network */
    };
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(fd, 1) < 0) {
        if (errno == EADDRINUSE)
            snprintf(err, errlen, "port is already in use");
        else
            snprintf(err, errlen, "%s", strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

int rsp_local_port(int fd)
{
    struct sockaddr_in sa;
    socklen_t len = sizeof sa;
    if (getsockname(fd, (struct sockaddr *)&sa, &len) < 0 || sa.sin_family != AF_INET)
        return -1;
    return ntohs(sa.sin_port);
}

int rsp_accept(int listen_fd, char *err, size_t errlen)
{
    int fd;
    do
        fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
    while (fd < 0 && errno == EINTR);
    if (fd < 0) {
        snprintf(err, errlen, "%s", strerror(errno));
        return -1;
    }
    /* Packets are small and strictly request/reply: Nagle would only add delay. */
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

/* ---- encoding ---- */

void rsp_put_hex(struct buf *b, const void *p, size_t n)
{
    const uint8_t *q = p;
    buf_reserve(b, 2 * n);
    for (size_t i = 0; i < n; i++) {
        b->data[b->len++] = (uint8_t)hexdigits[q[i] >> 4];
        b->data[b->len++] = (uint8_t)hexdigits[q[i] & 15];
    }
}

void rsp_put_escaped(struct buf *b, const void *p, size_t n)
{
    const uint8_t *q = p;
    buf_reserve(b, 2 * n);
    for (size_t i = 0; i < n; i++) {
        uint8_t ch = q[i];
        if (ch == '#' || ch == '$' || ch == '}' || ch == '*') {
            b->data[b->len++] = '}';
            ch ^= 0x20;
        }
        b->data[b->len++] = ch;
    }
}


long rsp_unescape(uint8_t *p, size_t n)
{
    size_t out = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '}') {
            if (++i == n)
                return -1;
            p[out++] = p[i] ^ 0x20;
        } else {
            p[out++] = p[i];
        }
    }
    return (long)out;
}

bool rsp_hex_decode(const char *hex, size_t n, uint8_t *out)
{
    if (n % 2)
        return false;
    for (size_t i = 0; i < n; i += 2) {
        int hi = hex_value((uint8_t)hex[i]), lo = hex_value((uint8_t)hex[i + 1]);
        if (hi < 0 || lo < 0)
            return false;
        out[i / 2] = (uint8_t)(hi << 4 | lo);
    }
    return true;
}

/* ---- parsing ---- */

void rsp_args_init(struct rsp_args *a, const char *p, size_t n)
{
    a->p = p;
    a->end = p + n;
    a->ok = true;
}

static bool fail(struct rsp_args *a)
{
    a->ok = false;
    return false;
}

bool rsp_arg_hex(struct rsp_args *a, uint64_t *v)
{
    if (!a->ok)
        return false;
    uint64_t x = 0;
    const char *start = a->p;
    int d;
    while (a->p < a->end && (d = hex_value((uint8_t)*a->p)) >= 0) {
        if (x >> 60)
            return fail(a);   /* a 17th significant digit */
        x = x << 4 | (uint64_t)d;
        a->p++;
    }
    if (a->p == start)
        return fail(a);
    *v = x;
    return true;
}

bool rsp_arg_int(struct rsp_args *a, int64_t *v)
{
    bool neg = rsp_arg_if(a, '-');
    uint64_t x;
    if (!rsp_arg_hex(a, &x))
        return false;
    if (x > (neg ? 0x80000000ull : 0x7fffffffull))
        return fail(a);
    *v = neg ? -(int64_t)x : (int64_t)x;
    return true;
}

bool rsp_arg_lit(struct rsp_args *a, const char *s)
{
    size_t n = strlen(s);
    if (!a->ok || (size_t)(a->end - a->p) < n || memcmp(a->p, s, n) != 0)
        return fail(a);
    a->p += n;
    return true;
}

bool rsp_arg_if(struct rsp_args *a, char c)
{
    if (!a->ok || a->p == a->end || *a->p != c)
        return false;
    a->p++;
    return true;
}

bool rsp_arg_thread(struct rsp_args *a, int64_t *pid, int64_t *tid)
{
    *pid = 0;
    *tid = -1;
    if (rsp_arg_if(a, 'p')) {
        if (!rsp_arg_int(a, pid))
            return false;
        if (rsp_arg_if(a, '.'))
            return rsp_arg_int(a, tid);
        return true;
    }
    return rsp_arg_int(a, tid);
}

bool rsp_arg_field(struct rsp_args *a, char c, const char **start, size_t *len)
{
    if (!a->ok)
        return false;
    const char *e = memchr(a->p, c, (size_t)(a->end - a->p));
    *start = a->p;
    *len = (size_t)((e ? e : a->end) - a->p);
    a->p = e ? e + 1 : a->end;
    return true;
}

bool rsp_args_done(const struct rsp_args *a)
{
    return a->ok && a->p == a->end;
}
