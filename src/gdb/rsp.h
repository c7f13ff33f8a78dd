/* rsp — the framing layer of the GDB remote serial protocol, over one
 * connected socket, plus the small parsers every packet handler needs.
 *
 * A packet on the wire is `$payload#cs`: cs is the sum of the payload bytes
 * modulo 256 as two hex digits.  Until the client and we agree on no-ack mode
 * (QStartNoAckMode), every packet is acknowledged with '+' (or '-' to ask for
 * it again).  A single 0x03 byte outside a packet is the client's ^C.
 *
 * Contract:
 *  - Nothing here trusts the peer: packets longer than RSP_MAX_PACKET are
 *    consumed and dropped (RSP_TOO_LONG), a bad checksum is answered with '-',
 *    and every parser bounds-checks and rejects overflowing numbers.
 *  - The connection owns one fixed packet buffer; nothing grows with what the
 *    client sends.
 *  - Writes use MSG_NOSIGNAL: a client that went away is an error return, never
 *    a SIGPIPE. */
#ifndef REWIND_GDB_RSP_H
#define REWIND_GDB_RSP_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "../util/util.h"

/* Largest payload we accept, and what we advertise as PacketSize. */
#define RSP_MAX_PACKET (256 * 1024)

enum rsp_status {
    RSP_PACKET,      /* a packet: payload in conn->pkt, pkt_len bytes (NUL-terminated) */
    RSP_INTERRUPT,   /* the client sent ^C (0x03) */
    RSP_TOO_LONG,    /* a packet over RSP_MAX_PACKET arrived and was dropped */
    RSP_CLOSED,      /* end of file or an I/O error */
};

struct rsp_conn {
    int fd;
    bool no_ack;            /* QStartNoAckMode is in effect */
    bool interrupt_pending; /* a ^C arrived while we waited for an ack */
    uint8_t in[4096];       /* bytes read from fd and not yet consumed */
    size_t in_pos, in_len;
    char *pkt;              /* RSP_MAX_PACKET + 1 bytes */
    size_t pkt_len;
};

/* Starts framing on a connected fd (which stays the caller's to close). */
void rsp_init(struct rsp_conn *c, int fd);
void rsp_free(struct rsp_conn *c);

/* Reads until a whole packet, a ^C, or the end of the connection.  Acks are
 * sent (in ack mode) and stray '+'/'-' from the client skipped.  The payload
 * is left raw: binary packets (X) run rsp_unescape on their data part. */
enum rsp_status rsp_read(struct rsp_conn *c);

/* Sends `$payload#cs` and, in ack mode, waits for the client's '+' (resending
 * on '-', a few times at most).  The payload must already be escaped where it
 * carries binary data (rsp_put_escaped).  false: the connection is unusable. */
bool rsp_send(struct rsp_conn *c, const void *payload, size_t len);
bool rsp_send_str(struct rsp_conn *c, const char *payload);

/* After the target ran with fd as its interrupt_fd: takes a ^C that is
 * waiting (buffered or on the socket) so it is not read as packet data later.
 * Returns whether there was one. */
bool rsp_take_interrupt(struct rsp_conn *c);

/* A TCP socket listening on 127.0.0.1:port (0: any free port), or -1 with a
 * reason in err ("port is already in use", or the system's words) for the
 * caller to print as "cannot listen on 127.0.0.1:PORT: REASON". */
int rsp_listen(int port, char *err, size_t errlen);
/* The port a listening socket is bound to (for port 0), or -1. */
int rsp_local_port(int fd);
/* Waits for one client; the connected fd, or -1 with a reason in err. */
int rsp_accept(int listen_fd, char *err, size_t errlen);

/* ---- encoding ---- */

/* Appends n bytes as lower-case hex pairs. */
void rsp_put_hex(struct buf *b, const void *p, size_t n);
/* Appends n bytes of binary data, escaping '#', '$', '}' and '*' as
 * 0x7d, byte ^ 0x20. */
void rsp_put_escaped(struct buf *b, const void *p, size_t n);
/* Text replies are appended with buf_printf (util.h): the caller keeps them
 * free of '#', '$', '}' and '*'. */
/* Decodes escapes in place; the new length, or -1 for a dangling '}'. */
long rsp_unescape(uint8_t *p, size_t n);
/* Decodes n hex digits (n even) into out (n/2 bytes); false on a bad digit. */
bool rsp_hex_decode(const char *hex, size_t n, uint8_t *out);

/* ---- parsing packet arguments ----
 * A cursor over a payload; every function fails (returns false and clears ok)
 * instead of reading past the end, so a handler can parse a whole packet and
 * check ok once. */
struct rsp_args {
    const char *p, *end;
    bool ok;
};
void rsp_args_init(struct rsp_args *a, const char *p, size_t n);
/* A hex number of at least one digit that fits in 64 bits. */
bool rsp_arg_hex(struct rsp_args *a, uint64_t *v);
/* An optionally negative hex number that fits in an int ("-1", "1f"). */
bool rsp_arg_int(struct rsp_args *a, int64_t *v);
/* The literal s. */
bool rsp_arg_lit(struct rsp_args *a, const char *s);
/* Whether the next byte is c (consumed if so); never fails. */
bool rsp_arg_if(struct rsp_args *a, char c);
/* A thread id: "pPID.TID", "pPID" (TID -1), "TID"; each may be -1 (all) or 0
 * (any).  pid is 0 when the form had no process. */
bool rsp_arg_thread(struct rsp_args *a, int64_t *pid, int64_t *tid);
/* The bytes up to (not including) the next c or the end; moves past c. */
bool rsp_arg_field(struct rsp_args *a, char c, const char **start, size_t *len);
/* Whether everything was consumed without error. */
bool rsp_args_done(const struct rsp_args *a);

#endif
