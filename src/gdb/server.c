/* server — see server.h.  This part: the packet loop, execution and stop
 * replies, threads, registers, memory and breakpoints. */
#include "server.h"
#include "server_internal.h"
#include "tdesc.h"
#include <signal.h>
#include <stdlib.h>
#include <string.h>

/* Replies to the writes a replay cannot take.  gdb 13 prints the text of a
 * failed register write ("remote failure reply '...'"), so P and G say why;
 * memory writes only ever show as "Cannot access memory", whatever we say. */
#define WRITE_REFUSED "E.rewind: the replay cannot be changed (writes to memory and registers are refused)"

/* Largest 'm' read: its hex reply must fit in one packet. */
#define MAX_MEM_READ ((RSP_MAX_PACKET - 16) / 2)

void srv_flush(struct server *s)
{
    if (!s->failed && !rsp_send(&s->conn, s->out.data, s->out.len))
        s->failed = true;
    s->out.len = 0;
}

void srv_console(struct server *s, const char *text, size_t len)
{
    struct buf saved = s->out;   /* the reply being built waits */
    s->out = (struct buf){0};
    while (len) {
        size_t n = len < 512 ? len : 512;
        buf_put_u8(&s->out, 'O');
        rsp_put_hex(&s->out, text, n);
        srv_flush(s);
        text += n, len -= n;
    }
    buf_free(&s->out);
    s->out = saved;
}

void srv_put_thread(struct server *s, pid_t pid, pid_t tid)
{
    if (s->multiprocess)
        buf_printf(&s->out, "p%x.%x", (unsigned)pid, (unsigned)tid);
    else
        buf_printf(&s->out, "%x", (unsigned)tid);
}

void srv_error(struct server *s)
{
    s->out.len = 0;
    buf_printf(&s->out, "E01");
}

static pid_t pick(struct server *s, pid_t chosen)
{
    return chosen > 0 ? chosen : OPS(s)->current_thread(SELF(s));
}

/* ---- stops and execution ---- */

static void put_stop(struct server *s, const struct dbg_stop *st)
{
    if (st->kind == DBG_STOP_EXITED || st->kind == DBG_STOP_KILLED) {
        if (st->kind == DBG_STOP_EXITED)
            buf_printf(&s->out, "W%02x", (unsigned)st->code & 0xff);
        else
            buf_printf(&s->out, "X%02x", (unsigned)gdbsig_from_host(st->sig) & 0xff);
        if (s->multiprocess)
            buf_printf(&s->out, ";process:%x", (unsigned)st->pid);
        return;
    }
    int sig = st->kind == DBG_STOP_SIGNAL ? gdbsig_from_host(st->sig)
            : st->kind == DBG_STOP_INTERRUPT ? gdbsig_from_host(SIGINT)
            : gdbsig_from_host(SIGTRAP);
    buf_printf(&s->out, "T%02x", (unsigned)sig & 0xff);
    if (st->tid > 0) {
        buf_printf(&s->out, "thread:");
        srv_put_thread(s, st->pid, st->tid);
        buf_printf(&s->out, ";");
    }
    static const char *const watch_names[] = {
        [DBG_WP_WRITE] = "watch", [DBG_WP_READ] = "rwatch", [DBG_WP_ACCESS] = "awatch",
    };
    switch (st->kind) {
    case DBG_STOP_SWBREAK:
        if (s->swbreak)   /* only for clients that asked for it */
            buf_printf(&s->out, "swbreak:;");
        break;
    case DBG_STOP_HWBREAK:
        if (s->hwbreak)
            buf_printf(&s->out, "hwbreak:;");
        break;
    case DBG_STOP_WATCH:
        if (st->watch_kind >= DBG_WP_WRITE && st->watch_kind <= DBG_WP_ACCESS)
            buf_printf(&s->out, "%s:%llx;", watch_names[st->watch_kind], (unsigned long long)st->addr);
        break;
    case DBG_STOP_HISTORY_BEGIN:
        buf_printf(&s->out, "replaylog:begin;");
        break;
    case DBG_STOP_HISTORY_END:
        buf_printf(&s->out, "replaylog:end;");
        break;
    default:
        break;
    }
}

/* Replies with a stop; a failed replay first says why on the gdb console. */
static void reply_stop(struct server *s, const struct dbg_stop *st)
{
    if (st->kind == DBG_STOP_ERROR) {
        struct buf line = {0};
        buf_printf(&line, "rewind: %.*s\n", (int)strnlen(st->message, sizeof st->message), st->message);
        srv_console(s, (const char *)line.data, line.len);
        buf_free(&line);
    }
    /* gdb takes the stopped thread as the one its next g/p/m are about (it
     * sends no Hg for it), so do we. */
    s->g_tid = st->kind == DBG_STOP_EXITED || st->kind == DBG_STOP_KILLED ? 0 : st->tid;
    put_stop(s, st);
}

static void resume(struct server *s, enum dbg_direction dir, bool step, pid_t step_tid)
{
    struct dbg_stop st = {0};
    if (rsp_take_interrupt(&s->conn)) {
        /* ^C came right behind the request: stop where we are. */
        st.kind = DBG_STOP_INTERRUPT;
        st.pid = OPS(s)->pid(SELF(s));
        st.tid = OPS(s)->current_thread(SELF(s));
    } else {
        struct dbg_resume how = {.dir = dir, .step = step, .step_tid = step ? pick(s, step_tid) : 0};
        OPS(s)->resume(SELF(s), &how, s->conn.fd, &st);
        rsp_take_interrupt(&s->conn);   /* a ^C that came too late is spent */
    }
    reply_stop(s, &st);
}

/* Legacy c, s, C sig, S sig, with an optional ";addr" or addr: resuming
 * elsewhere would change the recording, so an address is refused. */
static void handle_legacy_resume(struct server *s, const char *p, size_t n)
{
    struct rsp_args a;
    rsp_args_init(&a, p + 1, n - 1);
    uint64_t v;
    bool with_sig = p[0] == 'C' || p[0] == 'S';
    if (with_sig && !rsp_arg_hex(&a, &v))
        return srv_error(s);
    if (!rsp_args_done(&a))
        return srv_error(s);   /* an address */
    bool step = p[0] == 's' || p[0] == 'S';
    resume(s, DBG_FORWARD, step, s->c_tid);
}

/* vCont;action[:thread]... — the leftmost action naming a thread applies to
 * it.  The replay runs one thread at a time, so all that matters is whether
 * some thread steps (then that thread alone moves) or all continue. */
static void handle_vcont(struct server *s, struct rsp_args *a)
{
    bool any = false, step = false;
    pid_t step_tid = 0;
    while (rsp_arg_if(a, ';')) {
        if (a->p == a->end)
            return srv_error(s);
        char action = *a->p++;
        uint64_t sig;
        if ((action == 'C' || action == 'S') && !rsp_arg_hex(a, &sig))
            return srv_error(s);
        if (action != 'c' && action != 'C' && action != 's' && action != 'S')
            return srv_error(s);
        int64_t pid = 0, tid = -1;
        if (rsp_arg_if(a, ':') && !rsp_arg_thread(a, &pid, &tid))
            return srv_error(s);
        if ((action == 's' || action == 'S') && !step) {
            step = true;
            step_tid = tid > 0 ? (pid_t)tid : s->c_tid;
        }
        any = true;
    }
    if (!any || !rsp_args_done(a))
        return srv_error(s);
    resume(s, DBG_FORWARD, step, step_tid);
}

/* ---- threads ---- */

static void handle_set_thread(struct server *s, const char *p, size_t n)
{
    if (n < 3 || (p[1] != 'g' && p[1] != 'c'))
        return srv_error(s);
    struct rsp_args a;
    rsp_args_init(&a, p + 2, n - 2);
    int64_t pid, tid;
    if (!rsp_arg_thread(&a, &pid, &tid) || !rsp_args_done(&a))
        return srv_error(s);
    if (pid > 0 && pid != OPS(s)->pid(SELF(s)))
        return srv_error(s);
    if (tid > 0 && !OPS(s)->thread_alive(SELF(s), (pid_t)tid))
        return srv_error(s);
    pid_t chosen = tid > 0 ? (pid_t)tid : 0;   /* -1 (all) and 0 (any): the current one */
    if (p[1] == 'g')
        s->g_tid = chosen;
    else
        s->c_tid = chosen;
    buf_printf(&s->out, "OK");
}

static void handle_thread_alive(struct server *s, const char *p, size_t n)
{
    struct rsp_args a;
    rsp_args_init(&a, p + 1, n - 1);
    int64_t pid, tid;
    if (!rsp_arg_thread(&a, &pid, &tid) || !rsp_args_done(&a) || tid <= 0 ||
        (pid > 0 && pid != OPS(s)->pid(SELF(s))) || !OPS(s)->thread_alive(SELF(s), (pid_t)tid))
        return srv_error(s);
    buf_printf(&s->out, "OK");
}

/* ---- registers and memory ---- */

static bool load_regs(struct server *s)
{
    memset(&s->regs, 0, offsetof(struct dbg_regs, xstate));
    s->regs.xstate_len = 0;
    return OPS(s)->get_regs(SELF(s), pick(s, s->g_tid), &s->regs);
}

static void handle_read_regs(struct server *s)
{
    if (!load_regs(s))
        return srv_error(s);
    tdesc_put_all(s->feats, &s->regs, &s->out);
}

static void handle_read_reg(struct server *s, const char *p, size_t n)
{
    struct rsp_args a;
    rsp_args_init(&a, p + 1, n - 1);
    uint64_t regno;
    if (!rsp_arg_hex(&a, &regno) || !rsp_args_done(&a) || regno >= (uint64_t)tdesc_nregs(s->feats))
        return srv_error(s);
    if (!load_regs(s))
        return srv_error(s);
    tdesc_put_reg(s->feats, &s->regs, (int)regno, &s->out);
}

static void handle_read_mem(struct server *s, const char *p, size_t n)
{
    struct rsp_args a;
    rsp_args_init(&a, p + 1, n - 1);
    uint64_t addr, len;
    if (!rsp_arg_hex(&a, &addr) || !rsp_arg_lit(&a, ",") || !rsp_arg_hex(&a, &len) || !rsp_args_done(&a))
        return srv_error(s);
    if (len > MAX_MEM_READ)
        len = MAX_MEM_READ;   /* gdb takes a short read and asks for the rest */
    uint64_t room = 0 - addr;   /* bytes to the end of the address space; 0: all of it */
    if (room && len > room)
        len = room;
    if (len == 0)
        return;   /* nothing asked, nothing to say: an empty reply, as gdbserver gives */
    uint8_t *data = xmalloc(len);
    size_t got = OPS(s)->read_mem(SELF(s), addr, data, len);
    if (got == 0 || got > len)
        srv_error(s);
    else
        rsp_put_hex(&s->out, data, got);
    free(data);
}

/* P n=value that changes nothing the program can see: the value the register
 * already has, or any value for orig_rax, the kernel's syscall-restart number
 * (gdb writes -1 there with every pc it writes, the unchanged pc included). */
static bool harmless_register_write(struct server *s, const char *p, size_t n)
{
    const char *eq = memchr(p, '=', n);
    if (p[0] != 'P' || !eq)
        return false;
    struct rsp_args a;
    rsp_args_init(&a, p + 1, (size_t)(eq - p - 1));
    uint64_t regno;
    if (!rsp_arg_hex(&a, &regno) || !rsp_args_done(&a) || regno >= (uint64_t)tdesc_nregs(s->feats))
        return false;
    if (tdesc_is_orig_rax(s->feats, (int)regno))
        return true;
    struct buf now = {0};
    bool same = load_regs(s) && tdesc_put_reg(s->feats, &s->regs, (int)regno, &now) &&
                now.len == n - (size_t)(eq + 1 - p) && !strncasecmp((const char *)now.data, eq + 1, now.len);
    buf_free(&now);
    return same;
}

/* X addr,len:data — a zero-length X is gdb's probe for binary support; it
 * writes nothing, so it may succeed.  Everything else that writes is refused. */
static void handle_write(struct server *s, const char *p, size_t n)
{
    if (harmless_register_write(s, p, n)) {
        buf_printf(&s->out, "OK");
        return;
    }
    if (p[0] == 'X') {
        struct rsp_args a;
        rsp_args_init(&a, p + 1, n - 1);
        uint64_t addr, len;
        if (rsp_arg_hex(&a, &addr) && rsp_arg_lit(&a, ",") && rsp_arg_hex(&a, &len) &&
            rsp_arg_lit(&a, ":") && len == 0 && rsp_args_done(&a)) {
            buf_printf(&s->out, "OK");
            return;
        }
    }
    /* gdb shows only "Cannot access memory" for a refused memory write: say
     * why on the terminal too (rewind debug shares it with gdb) */
    if (!s->warned_write)
        rw_warn("writes to the program are refused: the replay must stay as recorded"
                " (set var, print with a function call and jump cannot work on a replay)");
    s->warned_write = true;
    buf_printf(&s->out, WRITE_REFUSED);
}

/* ---- breakpoints ---- */

static void handle_breakpoint(struct server *s, const char *p, size_t n)
{
    struct rsp_args a;
    rsp_args_init(&a, p + 1, n - 1);
    uint64_t type, addr, kind;
    if (!rsp_arg_hex(&a, &type) || !rsp_arg_lit(&a, ",") || !rsp_arg_hex(&a, &addr) ||
        !rsp_arg_lit(&a, ",") || !rsp_arg_hex(&a, &kind))
        return srv_error(s);
    if (type > DBG_WP_ACCESS)
        return;   /* not a kind we know: "unsupported" */
    if (!rsp_args_done(&a))
        return srv_error(s);   /* conditions or commands: never advertised */
    /* For breakpoints kind is the instruction length (1 on x86): the target
     * only needs the address.  For watchpoints it is the watched length. */
    uint64_t len = type <= DBG_BP_HW ? 1 : kind;
    bool ok = p[0] == 'Z' ? OPS(s)->insert(SELF(s), (enum dbg_bp_kind)type, addr, len)
                          : OPS(s)->remove(SELF(s), (enum dbg_bp_kind)type, addr, len);
    if (ok)
        buf_printf(&s->out, "OK");
    else
        srv_error(s);
}

/* ---- v packets ---- */

static void reply_current_stop(struct server *s)
{
    struct dbg_stop st = {0};
    OPS(s)->last_stop(SELF(s), &st);
    reply_stop(s, &st);
}

static void handle_v(struct server *s, const char *p, size_t n)
{
    struct rsp_args a;
    if (srv_is(p, n, "vCont?")) {
        buf_printf(&s->out, "vCont;c;C;s;S");
    } else if (srv_starts(p, n, "vCont;")) {
        rsp_args_init(&a, p + 5, n - 5);
        handle_vcont(s, &a);
    } else if (srv_starts(p, n, "vFile:")) {
        srv_vfile(s, p + 6, n - 6);
    } else if (srv_starts(p, n, "vRun;")) {
        /* The recording fixes the program and its arguments; run = start over. */
        if (!OPS(s)->restart(SELF(s)))
            return srv_error(s);
        reply_current_stop(s);
    } else if (srv_starts(p, n, "vKill;")) {
        /* Nothing to kill in a replay; in extended-remote the client may run
         * again, in plain remote it hangs up. */
        buf_printf(&s->out, "OK");
    }
    /* vMustReplyEmpty, vAttach, vStopped, vCtrlC ...: empty, unsupported. */
}

/* ---- the loop ---- */

static void dispatch(struct server *s)
{
    const char *p = s->conn.pkt;
    size_t n = s->conn.pkt_len;
    if (n == 0)
        return;
    switch (p[0]) {
    case '!':
        s->extended = true;
        buf_printf(&s->out, "OK");
        break;
    case '?':
        reply_current_stop(s);
        break;
    case 'c': case 'C': case 's': case 'S':
        handle_legacy_resume(s, p, n);
        break;
    case 'b':
        if (n == 2 && (p[1] == 'c' || p[1] == 's'))
            resume(s, DBG_BACKWARD, p[1] == 's', s->c_tid);
        break;
    case 'D':
        buf_printf(&s->out, "OK");
        s->done = true;
        break;
    case 'k':
        /* k has no reply.  In plain remote it ends the session; in extended
         * remote the client goes on (and usually runs again). */
        s->replied = true;
        if (!s->extended)
            s->done = true;
        break;
    case 'R':
        /* Extended-remote restart; the protocol gives it no reply. */
        s->replied = true;
        if (OPS(s)->restart(SELF(s)))
            s->g_tid = s->c_tid = 0;   /* a new process: gdb asks again */
        break;
    case 'H':
        handle_set_thread(s, p, n);
        break;
    case 'T':
        handle_thread_alive(s, p, n);
        break;
    case 'g':
        if (n == 1)
            handle_read_regs(s);
        break;
    case 'p':
        handle_read_reg(s, p, n);
        break;
    case 'm':
        handle_read_mem(s, p, n);
        break;
    case 'G': case 'P': case 'M': case 'X':
        handle_write(s, p, n);
        break;
    case 'Z': case 'z':
        handle_breakpoint(s, p, n);
        break;
    case 'v':
        handle_v(s, p, n);
        break;
    case 'q': case 'Q':
        srv_query(s);
        break;
    default:
        break;   /* unknown: the empty reply says so */
    }
}

int gdb_serve(int fd, struct dbg_target *t)
{
    struct server *s = xcalloc(1, sizeof *s);
    rsp_init(&s->conn, fd);
    s->t = t;
    if (OPS(s)->has_avx512(SELF(s)))
        s->feats = TDESC_AVX | TDESC_AVX512;
    else if (OPS(s)->has_avx(SELF(s)))
        s->feats = TDESC_AVX;
    for (int i = 0; i < SERVER_MAX_FILES; i++)
        s->files[i] = -1;

    while (!s->done && !s->failed) {
        enum rsp_status st = rsp_read(&s->conn);
        if (st == RSP_CLOSED)
            break;
        if (st == RSP_INTERRUPT)
            continue;   /* ^C while nothing runs: nothing to stop */
        s->out.len = 0;
        s->replied = false;
        if (st == RSP_TOO_LONG)
            srv_error(s);
        else
            dispatch(s);
        if (!s->replied)
            srv_flush(s);
    }

    int rc = s->failed ? -1 : 0;
    srv_vfile_close_all(s);
    buf_free(&s->out);
    rsp_free(&s->conn);
    free(s);
    return rc;
}
