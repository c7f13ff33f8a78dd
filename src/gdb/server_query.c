/* server_query — the gdb server's q and Q packets: features, threads, qXfer
 * objects, monitor commands and signal sets.  See server_internal.h. */
#include "server_internal.h"
#include "tdesc.h"
#include <signal.h>
#include <stdlib.h>
#include <string.h>

/* Most threads we list; a program with more shows the first ones. */
#define MAX_THREADS 4096
/* Largest qXfer auxv we fetch (a real one is a few hundred bytes). */
#define MAX_AUXV (64 * 1024)
/* Largest qXfer slice: escaping may double it and it must fit a packet. */
#define MAX_XFER ((RSP_MAX_PACKET - 16) / 2)

/* ---- signal numbers ----
 * gdb's numbering (enum gdb_signal, as the remote protocol uses it) follows
 * old BSD Unix, not Linux.  Indexed by Linux signal number. */
static const uint8_t gdb_signal_of[32] = {
    [SIGHUP] = 1,   [SIGINT] = 2,    [SIGQUIT] = 3,   [SIGILL] = 4,   [SIGTRAP] = 5,
    [SIGABRT] = 6,  [SIGBUS] = 10,   [SIGFPE] = 8,    [SIGKILL] = 9,  [SIGUSR1] = 30,
    [SIGSEGV] = 11, [SIGUSR2] = 31,  [SIGPIPE] = 13,  [SIGALRM] = 14, [SIGTERM] = 15,
    [SIGSTKFLT] = 143 /* gdb has none: GDB_SIGNAL_UNKNOWN */,
    [SIGCHLD] = 20, [SIGCONT] = 19,  [SIGSTOP] = 17,  [SIGTSTP] = 18, [SIGTTIN] = 21,
    [SIGTTOU] = 22, [SIGURG] = 16,   [SIGXCPU] = 24,  [SIGXFSZ] = 25, [SIGVTALRM] = 26,
    [SIGPROF] = 27, [SIGWINCH] = 28, [SIGIO] = 23,    [SIGPWR] = 32,  [SIGSYS] = 12,
};
#define GDB_SIGNAL_UNKNOWN 143

int gdbsig_from_host(int sig)
{
    if (sig > 0 && sig < 32)
        return gdb_signal_of[sig];
    /* Real-time signals: gdb numbers 33-63 from 45 and puts 32 and 64 apart. */
    if (sig == 32)
        return 77;
    if (sig >= 33 && sig <= 63)
        return sig + 12;
    if (sig == 64)
        return 78;
    return GDB_SIGNAL_UNKNOWN;
}

int gdbsig_to_host(int gdbsig)
{
    if (gdbsig <= 0 || gdbsig == GDB_SIGNAL_UNKNOWN)
        return 0;
    for (int sig = 1; sig <= 64; sig++)
        if (gdbsig_from_host(sig) == gdbsig)
            return sig;
    return 0;
}

/* QPassSignals:s1;s2;... (hex gdb numbers): the whole set, replacing the last. */
static void handle_pass_signals(struct server *s, struct rsp_args *a)
{
    bool pass[65] = {0};
    while (a->p < a->end) {
        uint64_t g;
        if (!rsp_arg_hex(a, &g))
            return srv_error(s);
        int sig = g < 256 ? gdbsig_to_host((int)g) : 0;
        if (sig > 0 && sig < 65)
            pass[sig] = true;   /* signals Linux lacks are simply never seen */
        if (a->p < a->end && !rsp_arg_lit(a, ";"))
            return srv_error(s);
    }
    OPS(s)->set_pass_signals(SELF(s), pass);
    buf_printf(&s->out, "OK");
}

/* ---- features and threads ---- */

static void handle_supported(struct server *s, struct rsp_args *a)
{
    /* The client's features: name+, name-, name=value, separated by ';'. */
    while (a->p < a->end) {
        const char *f;
        size_t n;
        rsp_arg_field(a, ';', &f, &n);
        if (n == 13 && memcmp(f, "multiprocess+", 13) == 0)
            s->multiprocess = true;
        else if (n == 8 && memcmp(f, "swbreak+", 8) == 0)
            s->swbreak = true;
        else if (n == 8 && memcmp(f, "hwbreak+", 8) == 0)
            s->hwbreak = true;
    }
    buf_printf(&s->out, "PacketSize=%x;QStartNoAckMode+;qXfer:features:read+;qXfer:auxv:read+;"
                        "qXfer:exec-file:read+;qXfer:threads:read+;ReverseContinue+;ReverseStep+;"
                        "swbreak+;hwbreak+;multiprocess+;vContSupported+;QPassSignals+;QProgramSignals+",
               RSP_MAX_PACKET);
}

/* The live threads, current first; *n gets the count.  Caller frees. */
static pid_t *thread_list(struct server *s, int *n)
{
    pid_t *tids = xmalloc(MAX_THREADS * sizeof *tids);
    *n = OPS(s)->threads(SELF(s), tids, MAX_THREADS);
    if (*n < 0)
        *n = 0;
    if (*n > MAX_THREADS)
        *n = MAX_THREADS;
    return tids;
}

static void handle_thread_info(struct server *s)
{
    int n;
    pid_t *tids = thread_list(s, &n);
    pid_t pid = OPS(s)->pid(SELF(s));
    buf_printf(&s->out, n ? "m" : "l");
    for (int i = 0; i < n; i++) {
        if (i)
            buf_printf(&s->out, ",");
        srv_put_thread(s, pid, tids[i]);
    }
    free(tids);
}

/* ---- qXfer:OBJECT:read:ANNEX:OFFSET,LENGTH ---- */

static void threads_xml(struct server *s, struct buf *doc)
{
    int n;
    pid_t *tids = thread_list(s, &n);
    pid_t pid = OPS(s)->pid(SELF(s));
    buf_printf(doc, "<?xml version=\"1.0\"?>\n<threads>\n");
    for (int i = 0; i < n; i++)
        buf_printf(doc, "<thread id=\"p%x.%x\"/>\n", (unsigned)pid, (unsigned)tids[i]);
    buf_printf(doc, "</threads>\n");
    free(tids);
}

/* The object's whole contents into doc; false if the annex names nothing. */
static bool xfer_object(struct server *s, const char *obj, size_t olen, const char *annex,
                        size_t alen, struct buf *doc, bool *unknown)
{
    *unknown = false;
    if (olen == 8 && memcmp(obj, "features", 8) == 0) {
        if (alen != 10 || memcmp(annex, "target.xml", 10) != 0)
            return false;
        tdesc_xml(s->feats, doc);
    } else if (olen == 4 && memcmp(obj, "auxv", 4) == 0) {
        if (alen)
            return false;
        size_t total = OPS(s)->auxv(SELF(s), NULL, 0);
        if (total > MAX_AUXV)
            total = MAX_AUXV;
        buf_reserve(doc, total);
        size_t got = OPS(s)->auxv(SELF(s), doc->data, total);
        doc->len = got < total ? got : total;
    } else if (olen == 9 && memcmp(obj, "exec-file", 9) == 0) {
        struct rsp_args a;
        rsp_args_init(&a, annex, alen);
        uint64_t pid;
        if (alen && (!rsp_arg_hex(&a, &pid) || !rsp_args_done(&a) ||
                     pid != (uint64_t)OPS(s)->pid(SELF(s))))
            return false;
        const char *path = OPS(s)->exec_path(SELF(s));
        if (!path)
            return false;
        buf_put(doc, path, strlen(path));
    } else if (olen == 7 && memcmp(obj, "threads", 7) == 0) {
        if (alen)
            return false;
        threads_xml(s, doc);
    } else {
        *unknown = true;
        return false;
    }
    return true;
}

static void handle_xfer(struct server *s, struct rsp_args *a)
{
    const char *obj, *op, *annex;
    size_t olen, oplen, alen;
    uint64_t off, len;
    rsp_arg_field(a, ':', &obj, &olen);
    rsp_arg_field(a, ':', &op, &oplen);
    rsp_arg_field(a, ':', &annex, &alen);
    if (oplen != 4 || memcmp(op, "read", 4) != 0)
        return;   /* writes: not supported */
    if (!rsp_arg_hex(a, &off) || !rsp_arg_lit(a, ",") || !rsp_arg_hex(a, &len) || !rsp_args_done(a)) {
        s->out.len = 0;
        buf_printf(&s->out, "E00");
        return;
    }
    struct buf doc = {0};
    bool unknown;
    if (!xfer_object(s, obj, olen, annex, alen, &doc, &unknown)) {
        if (!unknown)
            buf_printf(&s->out, "E00");
        buf_free(&doc);
        return;
    }
    if (len > MAX_XFER)
        len = MAX_XFER;
    if (off >= doc.len) {
        buf_printf(&s->out, "l");
    } else {
        size_t n = len < doc.len - off ? (size_t)len : doc.len - (size_t)off;
        buf_put_u8(&s->out, off + n < doc.len ? 'm' : 'l');
        rsp_put_escaped(&s->out, doc.data + off, n);
    }
    buf_free(&doc);
}

/* ---- monitor ---- */

/* qRcmd,HEX.  The output goes to the console as 'O' packets and the reply is
 * OK even for an unknown command: gdb 13 turns any "Enn" into "Protocol error
 * with Rcmd", which would hide our message.  A command that moved the replay
 * changes nothing here: gdb keeps its idea of the selected threads (Hg/Hc)
 * and of the registers, and re-reads them once told to (server.h). */
static void handle_monitor(struct server *s, struct rsp_args *a)
{
    size_t n = (size_t)(a->end - a->p);
    char *cmd = xmalloc(n / 2 + 1);
    if (!rsp_hex_decode(a->p, n, (uint8_t *)cmd)) {
        free(cmd);
        return srv_error(s);
    }
    cmd[n / 2] = 0;   /* a NUL inside ends the command early: harmless */
    struct buf text = {0};
    bool moved = false;
    if (!OPS(s)->monitor(SELF(s), cmd, &text, &moved)) {
        if (text.len && text.data[text.len - 1] != '\n')
            buf_put_u8(&text, '\n');
        buf_printf(&text, "rewind: unknown monitor command '%s' (try monitor help)\n", cmd);
    }
    /* gdb expects no move after a monitor command: it keeps its caches.
     * `rewind debug` flushes them with a hook (cmd_debug.c); say how otherwise. */
    if (moved && !getenv("REWIND_GDB_HOOKED"))
        buf_printf(&text, "rewind: gdb shows the old position until `maintenance flush register-cache`"
                          " and `maintenance flush dcache`\n");
    srv_console(s, (const char *)text.data, text.len);
    buf_printf(&s->out, "OK");
    buf_free(&text);
    free(cmd);
}

/* ---- dispatch ---- */

void srv_query(struct server *s)
{
    const char *p = s->conn.pkt;
    size_t n = s->conn.pkt_len;
    struct rsp_args a;
#define ARGS_AFTER(prefix) rsp_args_init(&a, p + strlen(prefix), n - strlen(prefix))
    if (srv_is(p, n, "qSupported") || srv_starts(p, n, "qSupported:")) {
        ARGS_AFTER(n > 10 ? "qSupported:" : "qSupported");
        handle_supported(s, &a);
    } else if (srv_is(p, n, "QStartNoAckMode")) {
        /* The OK still travels with an ack; the switch comes after it. */
        buf_printf(&s->out, "OK");
        srv_flush(s);
        s->conn.no_ack = true;
        s->replied = true;
    } else if (srv_is(p, n, "qAttached") || srv_starts(p, n, "qAttached:")) {
        buf_printf(&s->out, "1");   /* gdb detaches on quit instead of killing */
    } else if (srv_is(p, n, "qC")) {
        buf_printf(&s->out, "QC");
        srv_put_thread(s, OPS(s)->pid(SELF(s)), OPS(s)->current_thread(SELF(s)));
    } else if (srv_is(p, n, "qfThreadInfo")) {
        handle_thread_info(s);
    } else if (srv_is(p, n, "qsThreadInfo")) {
        buf_printf(&s->out, "l");   /* qfThreadInfo listed them all */
    } else if (srv_starts(p, n, "qXfer:")) {
        ARGS_AFTER("qXfer:");
        handle_xfer(s, &a);
    } else if (srv_starts(p, n, "qRcmd,")) {
        ARGS_AFTER("qRcmd,");
        handle_monitor(s, &a);
    } else if (srv_starts(p, n, "QPassSignals:")) {
        ARGS_AFTER("QPassSignals:");
        handle_pass_signals(s, &a);
    } else if (srv_starts(p, n, "QProgramSignals:") || srv_starts(p, n, "qSymbol:")) {
        /* Signals are the recording's to deliver; we need no symbols. */
        buf_printf(&s->out, "OK");
    } else if (srv_is(p, n, "QNonStop:0")) {
        buf_printf(&s->out, "OK");
    } else if (srv_starts(p, n, "QNonStop:")) {
        srv_error(s);
    }
    /* qTStatus, qOffsets, qThreadExtraInfo, qGetTLSAddr, ...: empty, which
     * tells gdb we do not have them. */
#undef ARGS_AFTER
}
