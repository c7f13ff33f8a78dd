/* server_internal — what the parts of the gdb server share: server.c (the
 * packet loop, execution, registers, memory, breakpoints), server_query.c
 * (q/Q packets, qXfer objects, monitor, signal numbers) and server_file.c
 * (vFile: the client reading the recording's files). */
#ifndef REWIND_GDB_SERVER_INTERNAL_H
#define REWIND_GDB_SERVER_INTERNAL_H
#include <string.h>
#include "rsp.h"
#include "target.h"

/* Files the client may have open at once through vFile:open. */
#define SERVER_MAX_FILES 32

struct server {
    struct rsp_conn conn;
    struct dbg_target *t;
    unsigned feats;          /* TDESC_* of the recording's CPU */
    struct buf out;          /* the reply being built; empty = "not supported" */
    bool replied;            /* the handler sent its reply itself */
    bool done;               /* detach or kill: end the session */
    bool failed;             /* the connection broke */
    bool warned_write;       /* the user was told why writes are refused */
    bool multiprocess;       /* the client said multiprocess+ */
    bool swbreak, hwbreak;   /* the client understands these stop reasons */
    bool extended;           /* '!': extended-remote */
    pid_t g_tid, c_tid;      /* threads picked by Hg / Hc; 0: the current one */
    int files[SERVER_MAX_FILES];   /* vFile handle → local fd, -1 if free */
    struct dbg_regs regs;    /* scratch for g/p (large: not on the stack) */
};

/* Whether the n bytes at p are exactly word / begin with prefix. */
static inline bool srv_is(const char *p, size_t n, const char *word)
{
    size_t k = strlen(word);
    return n == k && memcmp(p, word, k) == 0;
}
static inline bool srv_starts(const char *p, size_t n, const char *prefix)
{
    size_t k = strlen(prefix);
    return n >= k && memcmp(p, prefix, k) == 0;
}

/* Shorthands for the target's operations. */
#define OPS(s) ((s)->t->ops)
#define SELF(s) ((s)->t->self)

/* Sends s->out as one packet and empties it. */
void srv_flush(struct server *s);
/* Sends text to the gdb console as 'O' packets. */
void srv_console(struct server *s, const char *text, size_t len);
/* Appends a thread id in the form the client speaks. */
void srv_put_thread(struct server *s, pid_t pid, pid_t tid);
/* Replaces the reply with an error: "E01". */
void srv_error(struct server *s);

/* q and Q packets. */
void srv_query(struct server *s);
/* vFile:... (p, n: what follows "vFile:"). */
void srv_vfile(struct server *s, const char *p, size_t n);
void srv_vfile_close_all(struct server *s);

/* Signal numbers: gdb's on the wire differ from Linux's for some. */
int gdbsig_from_host(int sig);
/* 0 if gdb's number has no Linux signal. */
int gdbsig_to_host(int gdbsig);

#endif
