/* Unit tests for src/gdb: the remote-protocol server against a fake target
 * (fake_target.h) over a socketpair.  The test plays gdb: it sends packets as
 * gdb does and checks the exact replies, acks and target calls.  Standalone;
 * prints one line per check and exits nonzero if any failed. */
#include "gdb/rsp.h"
#include "gdb/server.h"
#include "gdb/server_internal.h"
#include "gdb/tdesc.h"
#include "fake_target.h"
#include "util/util.h"
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check.h"


/* ---- the session: server in a thread, the test as client ---- */

static struct fake fk;
static int cfd = -1;          /* the client's end */
static bool client_ack;       /* the client is in ack mode */
static pthread_t server;
static int serve_rc;
static bool server_running;

static void *serve_main(void *arg)
{
    int fd = (int)(intptr_t)arg;
    struct dbg_target t = {&fake_ops, &fk};
    serve_rc = gdb_serve(fd, &t);
    close(fd);
    return NULL;
}

static void start(void)
{
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
        rw_fatal("socketpair: %s", strerror(errno));
    cfd = sv[0];
    client_ack = true;
    serve_rc = 99;
    server_running = true;
    pthread_create(&server, NULL, serve_main, (void *)(intptr_t)sv[1]);
}

/* Waits for the server to end by itself; its return code. */
static int join(void)
{
    if (server_running)
        pthread_join(server, NULL);
    server_running = false;
    close(cfd);
    cfd = -1;
    return serve_rc;
}

/* Hangs up like a client that quit; the server's return code. */
static int hang_up(void)
{
    shutdown(cfd, SHUT_RDWR);
    return join();
}

static void put_raw(const void *p, size_t n)
{
    if (!write_all(cfd, p, n))
        rw_fatal("write to server: %s", strerror(errno));
}

/* A byte from the server, or -1 after ms without one (or at its end). */
static int get_byte_within(int ms)
{
    struct pollfd p = {.fd = cfd, .events = POLLIN};
    if (poll(&p, 1, ms) != 1)
        return -1;
    uint8_t c;
    return read(cfd, &c, 1) == 1 ? c : -1;
}
static int get_byte(void) { return get_byte_within(5000); }

static void put_packet_n(const char *payload, size_t n)
{
    uint8_t sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += (uint8_t)payload[i];
    char tail[4];
    snprintf(tail, sizeof tail, "#%02x", sum);
    put_raw("$", 1);
    put_raw(payload, n);
    put_raw(tail, 3);
}

static char reply[RSP_MAX_PACKET + 1];
static size_t reply_len;
static int first_byte;   /* of the last get_packet: '$' unless an ack or junk came first */

/* Reads one packet into reply; acks it in ack mode (with '-' if nack). */
static bool get_packet_ack(bool nack)
{
    int c;
    reply_len = 0;
    reply[0] = 0;
    first_byte = -2;
    do {
        c = get_byte();
        if (first_byte == -2)
            first_byte = c;
        if (c < 0)
            return false;
    } while (c != '$');
    uint8_t sum = 0;
    while ((c = get_byte()) != '#') {
        if (c < 0 || reply_len == RSP_MAX_PACKET)
            return false;
        sum += (uint8_t)c;
        reply[reply_len++] = (char)c;
    }
    reply[reply_len] = 0;
    char cs[3] = {(char)get_byte(), (char)get_byte(), 0};
    bool good = strtoul(cs, NULL, 16) == sum;
    if (client_ack)
        put_raw(nack || !good ? "-" : "+", 1);
    return good;
}
static bool get_packet(void) { return get_packet_ack(false); }

/* Sends a packet as gdb would and returns the reply ("<no reply>" if none). */
static const char *ask_n(const char *payload, size_t n)
{
    put_packet_n(payload, n);
    if (client_ack) {
        int a = get_byte();
        if (a != '+')
            return a == '-' ? "<nacked>" : "<no ack>";
    }
    return get_packet() ? reply : "<no reply>";
}
static const char *ask(const char *payload) { return ask_n(payload, strlen(payload)); }

static void expect(const char *payload, const char *want)
{
    const char *got = ask(payload);
    char what[160];
    snprintf(what, sizeof what, "%.60s -> %.80s", payload, want);
    check(strcmp(got, want) == 0, what, "got '%.300s'", got);
}

static char *hex_of(const char *s)
{
    struct buf b = {0};
    rsp_put_hex(&b, s, strlen(s));
    buf_put_u8(&b, 0);
    return (char *)b.data;
}

/* The reply after its first `skip` bytes, with escapes undone. */
static size_t unescaped(size_t skip, uint8_t *out)
{
    memcpy(out, reply + skip, reply_len - skip);
    long n = rsp_unescape(out, reply_len - skip);
    return n < 0 ? 0 : (size_t)n;
}

static void start_mp(void)
{
    start();
    expect("qSupported:multiprocess+;swbreak+;hwbreak+;xmlRegisters=i386",
           "PacketSize=40000;QStartNoAckMode+;qXfer:features:read+;qXfer:auxv:read+;"
           "qXfer:exec-file:read+;qXfer:threads:read+;ReverseContinue+;ReverseStep+;"
           "swbreak+;hwbreak+;multiprocess+;vContSupported+;QPassSignals+;QProgramSignals+");
}

/* ---- framing ---- */

static void test_framing(void)
{
    fake_init(&fk);
    start();
    put_raw("junk+-+", 7);
    expect("qC", "QC3e8");   /* no multiprocess yet: plain thread ids */

    put_raw("$qC#00", 6);
    check(get_byte() == '-', "bad checksum is nacked", "no '-'");
    put_raw("$qC#B4", 6);    /* upper-case checksum digits are fine */
    check(get_byte() == '+' && get_packet() && strcmp(reply, "QC3e8") == 0, "resent packet answered",
          "got '%s'", reply);

    put_packet_n("qC", 2);
    get_byte();
    check(get_packet_ack(true) && strcmp(reply, "QC3e8") == 0, "reply read", "got '%s'", reply);
    check(get_packet() && strcmp(reply, "QC3e8") == 0, "nacked reply is sent again", "got '%s'", reply);

    put_raw("$qAtt$qC#b4", 11);   /* a '$' inside starts over */
    check(get_byte() == '+' && get_packet() && strcmp(reply, "QC3e8") == 0, "cut-off packet dropped",
          "got '%s'", reply);

    put_raw("\x03", 1);   /* ^C while stopped: ignored */
    expect("qC", "QC3e8");

    char *big = xmalloc(RSP_MAX_PACKET + 11);
    memset(big, 'm', RSP_MAX_PACKET + 10);
    big[RSP_MAX_PACKET + 10] = 0;
    expect(big, "E01");
    free(big);
    check(strcmp(ask("qC"), "QC3e8") == 0, "works after an oversized packet", "got '%s'", reply);
    expect("", "");
    check(hang_up() == 0, "client hang-up ends the session cleanly", "rc %d", serve_rc);
}

static void test_no_ack(void)
{
    fake_init(&fk);
    start();
    expect("QStartNoAckMode", "OK");
    client_ack = false;
    put_packet_n("qC", 2);
    check(get_packet() && strcmp(reply, "QC3e8") == 0 && first_byte == '$', "no ack in no-ack mode",
          "first byte %d, reply %s", first_byte, reply);
    put_raw("$qC#00", 6);   /* nobody would resend it: taken as it is */
    check(get_packet() && strcmp(reply, "QC3e8") == 0, "bad checksum accepted in no-ack mode",
          "got '%s'", reply);
    expect("D", "OK");
    check(join() == 0, "detach ends the session", "rc %d", serve_rc);
}

/* A client that rejects every reply: the server gives up after a few. */
static void test_nack_forever(void)
{
    fake_init(&fk);
    start();
    put_packet_n("qC", 2);
    get_byte();
    int sent = 0;
    while (get_packet_ack(true))
        sent++;
    check(sent > 1 && sent < 20, "bounded resends", "%d sends", sent);
    check(join() == -1, "unacked connection is a failure", "rc %d", serve_rc);
}

/* ---- threads ---- */

static void test_threads(void)
{
    fake_init(&fk);
    start_mp();
    expect("qC", "QCp3e8.3e8");
    expect("?", "T05thread:p3e8.3e8;");
    expect("qfThreadInfo", "mp3e8.3e8,p3e8.3e9");
    expect("qsThreadInfo", "l");
    expect("qAttached", "1");
    expect("qAttached:3e8", "1");
    expect("Tp3e8.3e9", "OK");
    expect("Tp3e8.999", "E01");
    expect("Tp3e9.3e8", "E01");
    expect("T", "E01");
    expect("Hgp3e8.3e9", "OK");
    ask("g");
    check(fk.last_regs_tid == 1001, "g reads the Hg thread", "tid %d", fk.last_regs_tid);
    expect("Hg0", "OK");
    ask("g");
    check(fk.last_regs_tid == 1000, "Hg0 means the current thread", "tid %d", fk.last_regs_tid);
    expect("Hgp3e8.777", "E01");
    expect("Hgp999.3e8", "E01");
    expect("Hc-1", "OK");
    expect("Hx1", "E01");
    expect("Hgzz", "E01");
    expect("qXfer:threads:read::0,fff",
           "l<?xml version=\"1.0\"?>\n<threads>\n<thread id=\"p3e8.3e8\"/>\n<thread id=\"p3e8.3e9\"/>\n</threads>\n");
    hang_up();
}

/* ---- registers ---- */

static void set_u16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }
static void set_u32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static void set_u64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }

/* Register regno's hex in the last 'g' reply. */
static char *g_field(unsigned feats, int regno)
{
    static char out[200];
    size_t off = 0;
    for (int i = 0; i < regno; i++)
        off += 2 * (size_t)tdesc_reg_size(feats, i);
    size_t n = 2 * (size_t)tdesc_reg_size(feats, regno);
    snprintf(out, sizeof out, "%.*s", (int)n, reply + off);
    return out;
}

static void expect_g_field(unsigned feats, int regno, const char *want, const char *what)
{
    const char *got = g_field(feats, regno);
    check(strcmp(got, want) == 0, what, "reg %d: got %s, want %s", regno, got, want);
}

struct g_want {
    int regno;
    const char *hex, *what;
};

/* Asks for 'g' and checks the registers listed. */
static void expect_g(unsigned feats, const struct g_want *w, size_t n)
{
    ask("g");
    for (size_t i = 0; i < n; i++)
        expect_g_field(feats, w[i].regno, w[i].hex, w[i].what);
}
#define EXPECT_G(feats, ...)                                                  \
    do {                                                                      \
        static const struct g_want w_[] = {__VA_ARGS__};                      \
        expect_g(feats, w_, sizeof w_ / sizeof w_[0]);                        \
    } while (0)

/* Standard numbering of the fixed registers (see tdesc.c). */
enum { R_RAX = 0, R_RIP = 16, R_EFLAGS = 17, R_CS = 18, R_ST0 = 24, R_FCTRL = 32, R_FSTAT, R_FTAG,
       R_FISEG, R_FIOFF, R_FOSEG, R_FOOFF, R_FOP, R_XMM0 = 40, R_MXCSR = 56, R_ORIG_RAX, R_FS_BASE,
       R_GS_BASE, R_YMM0H = 60, R_XMM16 = 76, R_YMM16H = 92, R_K0 = 108, R_ZMM0H = 116, R_ZMM16H = 132 };

static void test_registers_plain(void)
{
    fake_init(&fk);
    start_mp();
    check(tdesc_nregs(0) == 60 && tdesc_nregs(TDESC_AVX) == 76 && tdesc_nregs(TDESC_AVX | TDESC_AVX512) == 148 &&
          tdesc_nregs(TDESC_AVX512) == 148, "register counts", "%d %d %d", tdesc_nregs(0),
          tdesc_nregs(TDESC_AVX), tdesc_nregs(TDESC_AVX512));
    EXPECT_G(0, {R_RAX, "0807060504030201", "rax little-endian"}, {R_RIP, "0010400000000000", "rip"},
             {R_EFLAGS, "46020000", "eflags 32-bit"}, {R_CS, "33000000", "cs 32-bit"},
             {R_ST0, "xxxxxxxxxxxxxxxxxxxx", "no xstate: st0 unavailable"},
             {R_MXCSR, "xxxxxxxx", "no xstate: mxcsr unavailable"},
             {R_ORIG_RAX, "ffffffffffffffff", "orig_rax"}, {R_FS_BASE, "00100000007f0000", "fs_base"});
    check(reply_len == 560 * 2, "g length without avx", "%zu", reply_len);
    expect("p0", "0807060504030201");
    expect("p10", "0010400000000000");
    expect("p3b", "0000000000000000");
    expect("p3c", "E01");
    expect("p", "E01");
    expect("pzz", "E01");
    expect("p1,", "E01");

    /* Legacy area and header: x87 with st(0) = 1.0 in physical register 7. */
    struct dbg_regs *r = &fk.regs[0];
    r->xstate_len = 576;
    set_u16(r->xstate + 0, 0x37f);
    set_u16(r->xstate + 2, 7 << 11);   /* top = 7 */
    r->xstate[4] = 0x80;               /* abridged tag: only physical 7 in use */
    set_u16(r->xstate + 6, 0xfabc);    /* fop: 11 bits */
    set_u64(r->xstate + 8, 0x1122334455667788ull);
    set_u64(r->xstate + 16, 0x99aabbccddeeff00ull);
    set_u32(r->xstate + 24, 0x1fa0);
    set_u64(r->xstate + 32, 0x8000000000000000ull);
    set_u16(r->xstate + 40, 0x3fff);
    for (int i = 0; i < 16; i++)
        r->xstate[160 + i] = (uint8_t)(0x10 + i);
    set_u64(r->xstate + 512, 3);
    EXPECT_G(0, {R_ST0, "0000000000000080ff3f", "st0 from fxsave"}, {R_FCTRL, "7f030000", "fctrl"},
             {R_FSTAT, "00380000", "fstat"},
             {R_FTAG, "ff3f0000", "full tag word from abridged (valid = 00, empty = 11)"},
             {R_FOP, "bc020000", "fop 11 bits"}, {R_FIOFF, "88776655", "fioff low half of fip"},
             {R_FISEG, "44332211", "fiseg high half of fip"}, {R_FOOFF, "00ffeedd", "fooff"},
             {R_FOSEG, "ccbbaa99", "foseg"}, {R_XMM0, "101112131415161718191a1b1c1d1e1f", "xmm0"},
             {R_MXCSR, "a01f0000", "mxcsr"});
    expect("p22", "ff3f0000");
    expect("p28", "101112131415161718191a1b1c1d1e1f");

    /* Zero and special registers in the tag word. */
    r->xstate[4] = 0xc0;                /* physical 6 = st(7) too: a zero */
    ask("g");
    expect_g_field(0, R_FTAG, "ff1f0000", "zero register tagged 01");
    set_u16(r->xstate + 32 + 16 * 7 + 8, 0x7fff);   /* st(7) = infinity */
    ask("g");
    expect_g_field(0, R_FTAG, "ff2f0000", "special register tagged 10");

    /* XSTATE_BV clear: init state, not the stale bytes. */
    set_u64(r->xstate + 512, 0);
    EXPECT_G(0, {R_FCTRL, "7f030000", "init fctrl"}, {R_FSTAT, "00000000", "init fstat"},
             {R_FTAG, "ffff0000", "init ftag"}, {R_ST0, "00000000000000000000", "init st0"},
             {R_XMM0, "00000000000000000000000000000000", "init xmm0"}, {R_MXCSR, "801f0000", "init mxcsr"});

    /* Only the legacy area (no header): x87 and SSE in use. */
    r->xstate_len = 512;
    ask("g");
    expect_g_field(0, R_XMM0, "101112131415161718191a1b1c1d1e1f", "legacy-only xmm0");
    hang_up();
}

static void test_registers_avx(void)
{
    fake_init(&fk);
    fk.avx = true;
    start_mp();
    unsigned f = TDESC_AVX;
    struct dbg_regs *r = &fk.regs[0];
    uint32_t ymm = tdesc_xsave_offset(2);
    r->xstate_len = ymm + 256;
    set_u64(r->xstate + 512, 7);
    for (int i = 0; i < 16; i++)
        r->xstate[ymm + 16 + i] = (uint8_t)(0xa0 + i);
    ask("g");
    check(reply_len == (560 + 256) * 2, "g length with avx", "%zu", reply_len);
    expect_g_field(f, R_YMM0H + 1, "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf", "ymm1h from YMM_Hi128");
    expect("p3d", "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf");
    set_u64(r->xstate + 512, 3);
    expect("p3d", "00000000000000000000000000000000");
    r->xstate_len = 576;   /* header but no room for the component */
    set_u64(r->xstate + 512, 7);
    expect("p3d", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
    r->xstate_len = 0;
    ask("g");
    expect_g_field(f, R_YMM0H, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "no xstate: ymm0h unavailable");
    hang_up();
}

static void test_registers_avx512(void)
{
    fake_init(&fk);
    fk.avx512 = true;
    start_mp();
    unsigned f = TDESC_AVX | TDESC_AVX512;
    struct dbg_regs *r = &fk.regs[0];
    uint32_t k = tdesc_xsave_offset(5), zh = tdesc_xsave_offset(6), hi = tdesc_xsave_offset(7);
    r->xstate_len = hi + 1024;
    set_u64(r->xstate + 512, 0xe7);
    set_u64(r->xstate + k + 8, 0x00ff00ff00ff00ffull);          /* k1 */
    r->xstate[zh + 32 * 2] = 0x22;                              /* zmm2h */
    r->xstate[hi + 64 * 1] = 0x11;                              /* xmm17 */
    r->xstate[hi + 64 * 1 + 16] = 0x12;                         /* ymm17h */
    r->xstate[hi + 64 * 1 + 32] = 0x13;                         /* zmm17h */
    EXPECT_G(f, {R_K0 + 1, "ff00ff00ff00ff00", "k1"},
             {R_ZMM0H + 2, "2200000000000000000000000000000000000000000000000000000000000000", "zmm2h"},
             {R_XMM16 + 1, "11000000000000000000000000000000", "xmm17"},
             {R_YMM16H + 1, "12000000000000000000000000000000", "ymm17h"},
             {R_ZMM16H + 1, "1300000000000000000000000000000000000000000000000000000000000000", "zmm17h"});
    check(reply_len == 2416 * 2, "g length with avx512", "%zu", reply_len);
    expect("p6d", "ff00ff00ff00ff00");
    expect("p94", "E01");
    set_u64(r->xstate + 512, 0x07);   /* avx-512 components in init state */
    expect("p6d", "0000000000000000");
    hang_up();
}

/* ---- memory, writes, breakpoints ---- */

static void test_memory(void)
{
    fake_init(&fk);
    start_mp();
    expect("m400000,4", "5a5b5859");
    expect("m4001fe,10", "a4a5");   /* only 2 bytes readable */
    expect("m500000,4", "E01");
    expect("m400000,0", "");
    expect("mzz,1", "E01");
    expect("m400000", "E01");
    expect("m400000,", "E01");
    expect("m400000,4,", "E01");
    expect("m10000000000000000,1", "E01");
    expect("mffffffffffffffff,10", "E01");
    ask("m400000,ffffffffffffffff");
    check(reply_len == 2 * FAKE_MEM_SIZE, "huge length is clamped", "%zu", reply_len);

    const char *refused = "E.rewind: the replay cannot be changed (writes to memory and registers are refused)";
    expect("M400000,1:00", refused);
    expect("X400000,1:a", refused);
    expect("X400000,0:", "OK");
    expect("G00", refused);
    expect("P0=0000000000000000", refused);
    /* writes that change nothing: the value a register has, and orig_rax
     * (gdb sets it to -1 whenever it writes the pc) */
    char same[64];
    snprintf(same, sizeof same, "P0=%s", ask("p0"));
    expect(same, "OK");
    expect("P39=ffffffffffffffff", "OK");
    expect("P39=", "OK");
    expect("P10=0000000000000000", refused);
    expect("Pzz=00", refused);
    expect("P9999=00", refused);
    check(memcmp(fk.mem, "\x5a\x5b", 2) == 0, "memory unchanged", "-");
    hang_up();
}

static void test_breakpoints(void)
{
    fake_init(&fk);
    start_mp();
    expect("Z0,400010,1", "OK");
    check(fk.inserts == 1 && fk.last_kind == DBG_BP_SW && fk.last_addr == 0x400010 && fk.last_len == 1,
          "Z0 reaches insert", "%d %d %llx", fk.inserts, fk.last_kind, (unsigned long long)fk.last_addr);
    expect("z0,400010,1", "OK");
    check(fk.removes == 1 && fk.last_kind == DBG_BP_SW, "z0 reaches remove", "%d", fk.removes);
    expect("Z1,400020,1", "OK");
    check(fk.last_kind == DBG_BP_HW && fk.last_addr == 0x400020, "Z1 is hardware", "%d", fk.last_kind);
    expect("Z2,400100,8", "OK");
    check(fk.last_kind == DBG_WP_WRITE && fk.last_len == 8, "Z2 write watch with length", "%d %llu",
          fk.last_kind, (unsigned long long)fk.last_len);
    expect("Z3,400100,4", "OK");
    check(fk.last_kind == DBG_WP_READ && fk.last_len == 4, "Z3 read watch", "%d", fk.last_kind);
    expect("z4,400100,2", "OK");
    check(fk.last_kind == DBG_WP_ACCESS && fk.removes == 2, "z4 access watch", "%d", fk.last_kind);
    expect("Z0,dead,1", "E01");
    expect("Z5,400000,1", "");
    expect("Z0,400000", "E01");
    expect("Z0,400000,1;X1,ab", "E01");
    expect("Zffffffffffffffffff,1,1", "E01");
    hang_up();
}

/* ---- execution and stop replies ---- */

static void test_resume(void)
{
    fake_init(&fk);
    start_mp();
    expect("vCont?", "vCont;c;C;s;S");
    expect("vCont;c", "T05thread:p3e8.3e8;swbreak:;");
    check(fk.resumes == 1 && fk.last_resume.dir == DBG_FORWARD && !fk.last_resume.step &&
          fk.last_interrupt_fd >= 0, "vCont;c continues forward with an interrupt fd", "%d %d %d",
          fk.resumes, fk.last_resume.dir, fk.last_resume.step);
    ask("vCont;s:p3e8.3e9;c");
    check(fk.last_resume.step && fk.last_resume.step_tid == 1001, "vCont step of one thread", "%d %d",
          fk.last_resume.step, fk.last_resume.step_tid);
    ask("vCont;s");
    check(fk.last_resume.step && fk.last_resume.step_tid == 1000, "vCont step of the current thread",
          "%d", fk.last_resume.step_tid);
    ask("vCont;C0b:p3e8.3e8");
    check(!fk.last_resume.step && fk.resumes == 4, "client signal ignored", "%d", fk.resumes);
    ask("c");
    check(!fk.last_resume.step && fk.last_resume.dir == DBG_FORWARD, "c", "-");
    ask("s");
    check(fk.last_resume.step && fk.last_resume.step_tid == 1000, "s steps the current thread", "%d",
          fk.last_resume.step_tid);
    expect("Hcp3e8.3e9", "OK");
    ask("s");
    check(fk.last_resume.step_tid == 1001, "s steps the Hc thread", "%d", fk.last_resume.step_tid);
    ask("S05");
    check(fk.last_resume.step, "S", "-");
    ask("C0e");
    check(!fk.last_resume.step, "C", "-");
    ask("bc");
    check(fk.last_resume.dir == DBG_BACKWARD && !fk.last_resume.step, "bc continues backward", "-");
    ask("bs");
    check(fk.last_resume.dir == DBG_BACKWARD && fk.last_resume.step, "bs steps backward", "-");
    int before = fk.resumes;
    expect("c400000", "E01");
    expect("vCont;x", "E01");
    expect("vCont;", "E01");
    expect("vCont;s:zz", "E01");
    expect("vCont;c;", "E01");
    expect("vCont", "");
    expect("bx", "");
    check(fk.resumes == before, "malformed resumes do not run", "%d", fk.resumes - before);
    hang_up();
}

static void expect_stop(struct dbg_stop st, const char *want)
{
    fk.next_stop = st;
    expect("vCont;c", want);
}

static void test_stop_replies(void)
{
    fake_init(&fk);
    start_mp();
    static const struct {
        enum dbg_stop_kind kind;
        int sig_or_code;
        enum dbg_bp_kind watch;
        const char *want;
    } cases[] = {
        {DBG_STOP_SWBREAK, 0, 0, "T05thread:p3e8.3e8;swbreak:;"},
        {DBG_STOP_HWBREAK, 0, 0, "T05thread:p3e8.3e8;hwbreak:;"},
        {DBG_STOP_WATCH, 0, DBG_WP_WRITE, "T05thread:p3e8.3e8;watch:1000;"},
        {DBG_STOP_WATCH, 0, DBG_WP_READ, "T05thread:p3e8.3e8;rwatch:1000;"},
        {DBG_STOP_WATCH, 0, DBG_WP_ACCESS, "T05thread:p3e8.3e8;awatch:1000;"},
        {DBG_STOP_HISTORY_BEGIN, 0, 0, "T05thread:p3e8.3e8;replaylog:begin;"},
        {DBG_STOP_HISTORY_END, 0, 0, "T05thread:p3e8.3e8;replaylog:end;"},
        {DBG_STOP_INTERRUPT, 0, 0, "T02thread:p3e8.3e8;"},
        {DBG_STOP_SIGNAL, SIGUSR1, 0, "T1ethread:p3e8.3e8;"},
        {DBG_STOP_SIGNAL, SIGSEGV, 0, "T0bthread:p3e8.3e8;"},
        {DBG_STOP_SIGNAL, SIGCHLD, 0, "T14thread:p3e8.3e8;"},
        {DBG_STOP_SIGNAL, SIGSTOP, 0, "T11thread:p3e8.3e8;"},
        {DBG_STOP_SIGNAL, 35, 0, "T2fthread:p3e8.3e8;"},   /* real-time: gdb's 47 */
        {DBG_STOP_EXITED, 3, 0, "W03;process:3e8"},
        {DBG_STOP_KILLED, SIGKILL, 0, "X09;process:3e8"},
        {DBG_STOP_KILLED, SIGUSR2, 0, "X1f;process:3e8"},
    };
    struct dbg_stop st;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        st = (struct dbg_stop){.kind = cases[i].kind, .pid = FAKE_PID, .tid = FAKE_PID,
                               .sig = cases[i].sig_or_code, .code = cases[i].sig_or_code,
                               .addr = 0x1000, .watch_kind = cases[i].watch};
        expect_stop(st, cases[i].want);
    }

    st = (struct dbg_stop){.kind = DBG_STOP_STEP, .pid = FAKE_PID, .tid = FAKE_PID + 1};
    expect_stop(st, "T05thread:p3e8.3e9;");
    ask("g");
    check(fk.last_regs_tid == 1001, "after a stop, g reads the stopped thread", "%d", fk.last_regs_tid);
    expect("?", "T05thread:p3e8.3e9;");

    st = (struct dbg_stop){.kind = DBG_STOP_ERROR, .pid = FAKE_PID, .tid = FAKE_PID};
    snprintf(st.message, sizeof st.message, "replay diverged at event 7");
    fk.next_stop = st;
    char *o = hex_of("rewind: replay diverged at event 7\n");
    ask("vCont;c");
    check(reply[0] == 'O' && strcmp(reply + 1, o) == 0, "error: message on the console first", "got %s", reply);
    free(o);
    check(get_packet() && strcmp(reply, "T05thread:p3e8.3e8;") == 0, "error: then a stop", "got %s", reply);
    hang_up();

    /* A client without multiprocess, swbreak or hwbreak gets the plain forms. */
    fake_init(&fk);
    start();
    expect("qSupported:xmlRegisters=i386", "PacketSize=40000;QStartNoAckMode+;qXfer:features:read+;"
           "qXfer:auxv:read+;qXfer:exec-file:read+;qXfer:threads:read+;ReverseContinue+;ReverseStep+;"
           "swbreak+;hwbreak+;multiprocess+;vContSupported+;QPassSignals+;QProgramSignals+");
    expect("vCont;c", "T05thread:3e8;");
    fk.next_stop = (struct dbg_stop){.kind = DBG_STOP_EXITED, .pid = FAKE_PID, .code = 0};
    expect("c", "W00");
    hang_up();
}

static void test_interrupt(void)
{
    fake_init(&fk);
    fk.wait_for_interrupt = true;
    start_mp();
    put_packet_n("vCont;c", 7);
    check(get_byte() == '+', "resume acked", "-");
    usleep(20000);
    put_raw("\x03", 1);
    check(get_packet() && strcmp(reply, "T02thread:p3e8.3e8;") == 0, "^C stops the target", "got %s", reply);
    expect("qC", "QCp3e8.3e8");
    /* ^C right behind the request, in the same write. */
    put_raw("$c#63\x03", 6);
    check(get_byte() == '+' && get_packet() && strcmp(reply, "T02thread:p3e8.3e8;") == 0,
          "^C with the request", "got %s", reply);
    expect("qC", "QCp3e8.3e8");
    hang_up();
}

/* ---- qXfer ---- */

/* Reads a whole qXfer object in pieces of `chunk`; its bytes into doc. */
static bool xfer_all(const char *prefix, size_t chunk, struct buf *doc, int *pieces)
{
    doc->len = 0;
    *pieces = 0;
    for (;;) {
        char q[200];
        snprintf(q, sizeof q, "%s%zx,%zx", prefix, doc->len, chunk);
        ask(q);
        if (reply_len == 0 || (reply[0] != 'm' && reply[0] != 'l'))
            return false;
        uint8_t *tmp = xmalloc(reply_len);
        size_t n = unescaped(1, tmp);
        buf_put(doc, tmp, n);
        free(tmp);
        (*pieces)++;
        if (reply[0] == 'l')
            return true;
        if (n == 0)
            return false;
    }
}

static int count(const char *hay, size_t len, const char *needle)
{
    int n = 0;
    size_t k = strlen(needle);
    for (size_t i = 0; i + k <= len; i++)
        n += memcmp(hay + i, needle, k) == 0;
    return n;
}

static void check_tdesc(unsigned feats)
{
    fake_init(&fk);
    fk.avx = feats & TDESC_AVX;
    fk.avx512 = feats & TDESC_AVX512;
    start_mp();
    struct buf doc = {0}, want = {0};
    int pieces;
    bool ok = xfer_all("qXfer:features:read:target.xml:", 0x100, &doc, &pieces);
    tdesc_xml(feats, &want);
    check(ok && doc.len == want.len && memcmp(doc.data, want.data, doc.len) == 0 && pieces > 3,
          "target.xml read in pieces", "ok %d len %zu want %zu pieces %d", ok, doc.len, want.len, pieces);
    const char *x = (const char *)doc.data;
    check(count(x, doc.len, "<architecture>i386:x86-64</architecture>") == 1 &&
          count(x, doc.len, "<osabi>GNU/Linux</osabi>") == 1 &&
          count(x, doc.len, "\"org.gnu.gdb.i386.linux\"") == 1 && count(x, doc.len, "\"orig_rax\"") == 1 &&
          count(x, doc.len, "\"org.gnu.gdb.i386.segments\"") == 1 && count(x, doc.len, "\"gs_base\"") == 1,
          "target.xml has arch, osabi, linux and segments", "-");
    check(count(x, doc.len, "<reg ") == tdesc_nregs(feats), "one <reg> per register", "%d",
          count(x, doc.len, "<reg "));
    check((count(x, doc.len, "\"ymm15h\"") == 1) == ((feats & TDESC_AVX) != 0) &&
          (count(x, doc.len, "\"zmm31h\"") == 1) == ((feats & TDESC_AVX512) != 0) &&
          (count(x, doc.len, "\"k7\"") == 1) == ((feats & TDESC_AVX512) != 0),
          "avx features only when present", "feats %u", feats);
    /* The bit sizes in the XML add up to the 'g' reply. */
    long bits = 0;
    for (const char *p = x; (p = strstr(p, "bitsize=\"")) && p < x + doc.len; p++)
        bits += strtol(p + 9, NULL, 10);
    ask("g");
    check(bits == (long)reply_len * 4, "bitsizes match g length", "%ld bits, g %zu", bits, reply_len);
    buf_free(&doc);
    buf_free(&want);
    hang_up();
}

static void test_xfer(void)
{
    check_tdesc(0);
    check_tdesc(TDESC_AVX);
    check_tdesc(TDESC_AVX | TDESC_AVX512);

    fake_init(&fk);
    start_mp();
    expect("qXfer:features:read:target.xml:fffff,10", "l");
    expect("qXfer:features:read:other.xml:0,10", "E00");
    expect("qXfer:features:read:target.xml:zz,10", "E00");
    expect("qXfer:features:read:target.xml:0", "E00");
    expect("qXfer:features:read:target.xml:0,10,", "E00");
    expect("qXfer:nothing:read::0,10", "");
    expect("qXfer:features:write:target.xml:0:abc", "");
    expect("qXfer:", "");

    ask("qXfer:auxv:read::0,4");
    check(reply_len == 6 && memcmp(reply, "m\x00\x07\x0e}\x03", 6) == 0, "auxv piece with an escaped '#'",
          "len %zu", reply_len);
    ask("qXfer:auxv:read::0,1000");
    uint8_t got[100];
    size_t n = unescaped(1, got);
    check(reply[0] == 'l' && n == sizeof fk.auxv && memcmp(got, fk.auxv, n) == 0, "whole auxv", "n %zu", n);
    expect("qXfer:auxv:read:x:0,10", "E00");

    expect("qXfer:exec-file:read:3e8:0,fff", "l/bin/prog");
    expect("qXfer:exec-file:read::0,fff", "l/bin/prog");
    expect("qXfer:exec-file:read:3e8:2,3", "min/");
    expect("qXfer:exec-file:read:3e9:0,fff", "E00");
    expect("qXfer:exec-file:read:zz:0,fff", "E00");
    hang_up();
}

/* ---- vFile ---- */

static void test_vfile(void)
{
    char path[] = "/tmp/rewind-test-gdb.XXXXXX";
    int fd = mkstemp(path);
    uint8_t content[300];
    for (size_t i = 0; i < sizeof content; i++)
        content[i] = (uint8_t)(i * 13);
    memcpy(content, "$#}*\x03", 5);
    write_all(fd, content, sizeof content);
    close(fd);

    fake_init(&fk);
    snprintf(fk.copy_of_prog, sizeof fk.copy_of_prog, "%s", path);
    start_mp();
    char *prog = hex_of("/bin/prog"), q[300];
    expect("vFile:setfs:0", "F0");
    snprintf(q, sizeof q, "vFile:open:%s,0,0", prog);
    expect(q, "F0");
    ask("vFile:pread:0,10,0");
    uint8_t data[400];
    size_t n = unescaped(4, data);
    check(memcmp(reply, "F10;", 4) == 0 && n == 16 && memcmp(data, content, 16) == 0,
          "pread with escaped bytes", "reply %.10s n %zu", reply, n);
    ask("vFile:pread:0,1000,64");
    n = unescaped(4, data);
    check(memcmp(reply, "Fc8;", 4) == 0 && n == 200 && memcmp(data, content + 100, 200) == 0,
          "pread to the end", "reply %.10s n %zu", reply, n);
    expect("vFile:pread:0,10,1000", "F0;");
    expect("vFile:pread:0,10,ffffffffffffffff", "F-1,16");
    ask("vFile:fstat:0");
    n = unescaped(4, data);
    uint64_t size = 0;
    for (int i = 0; i < 8; i++)
        size = size << 8 | data[28 + i];
    uint32_t mode = (uint32_t)data[8] << 24 | data[9] << 16 | data[10] << 8 | data[11];
    check(memcmp(reply, "F40;", 4) == 0 && n == 64 && size == sizeof content && (mode & 0170000) == 0100000,
          "fstat in gdb's big-endian layout", "n %zu size %llu mode %o", n, (unsigned long long)size, mode);
    expect("vFile:close:0", "F0");
    expect("vFile:close:0", "F-1,9");
    expect("vFile:pread:0,1,0", "F-1,9");
    expect("vFile:pread:ffffffffffffffff,1,0", "F-1,9");
    expect("vFile:fstat:7", "F-1,9");

    char *other = hex_of("/etc/passwd");
    snprintf(q, sizeof q, "vFile:open:%s,0,0", other);
    expect(q, "F-1,2");
    snprintf(q, sizeof q, "vFile:open:%s,1,0", prog);
    expect(q, "F-1,1e");
    snprintf(q, sizeof q, "vFile:open:%s,200,1a4", prog);
    expect(q, "F-1,1e");
    expect("vFile:open:zz,0,0", "F-1,16");
    expect("vFile:open:,0,0", "F-1,16");
    expect("vFile:open:2f00,0,0", "F-1,16");
    expect("vFile:open:2f", "F-1,16");
    snprintf(q, sizeof q, "vFile:readlink:%s", prog);
    expect(q, "F-1,2");
    snprintf(q, sizeof q, "vFile:unlink:%s", prog);
    expect(q, "F-1,1e");
    expect("vFile:frob:1", "");

    snprintf(q, sizeof q, "vFile:open:%s,0,0", prog);
    bool all = true;
    for (int i = 0; i < SERVER_MAX_FILES; i++)
        all &= ask(q)[0] == 'F' && reply[1] != '-';
    check(all, "many opens", "-");
    expect(q, "F-1,18");
    check(hang_up() == 0, "files closed at the end", "-");
    free(prog);
    free(other);
    unlink(path);
}

/* ---- monitor, signals, the rest ---- */

/* Sends `monitor cmd`; checks the console output and the OK after it. */
static void expect_monitor(const char *cmd, const char *output, const char *what)
{
    char *hex = hex_of(cmd), *o = hex_of(output);
    char q[300];
    snprintf(q, sizeof q, "qRcmd,%s", hex);
    ask(q);
    check(reply[0] == 'O' && strcmp(reply + 1, o) == 0, what, "got %s", reply);
    check(get_packet() && strcmp(reply, "OK") == 0, "then OK", "got %s", reply);
    free(hex);
    free(o);
}

static void test_monitor(void)
{
    fake_init(&fk);
    start_mp();
    expect_monitor("help", "when, goto EVENT, help\n", "monitor output as O packet");
    check(strcmp(fk.last_monitor, "help") == 0, "command reached the target", "%s", fk.last_monitor);
    expect_monitor("frobnicate", "rewind: unknown monitor command 'frobnicate' (try monitor help)\n",
                   "unknown monitor command explained");
    expect_monitor("goto 5", "rewind: gdb shows the old position until `maintenance flush register-cache`"
                   " and `maintenance flush dcache`\n",
                   "a move tells how to refresh");
    expect_monitor("", "rewind: unknown monitor command '' (try monitor help)\n", "empty monitor command");
    expect("qRcmd,zz", "E01");
    expect("qRcmd,abc", "E01");
    hang_up();
}

static void test_signals(void)
{
    fake_init(&fk);
    start_mp();
    expect("QPassSignals:e;1e;2f", "OK");
    int n = 0;
    for (int i = 0; i < 65; i++)
        n += fk.pass[i];
    check(fk.pass[SIGALRM] && fk.pass[SIGUSR1] && fk.pass[35] && n == 3, "QPassSignals in gdb numbers",
          "%d set", n);
    expect("QPassSignals:", "OK");
    check(!fk.pass[SIGALRM] && fk.pass_calls == 2, "QPassSignals replaces the set", "-");
    expect("QPassSignals:zz", "E01");
    expect("QPassSignals:e;;1e", "E01");
    expect("QPassSignals:ffffffffffffffffffff", "E01");
    expect("QProgramSignals:0;1", "OK");
    hang_up();

    bool round = true;
    for (int sig = 1; sig <= 64; sig++)
        if (sig != SIGSTKFLT)
            round &= gdbsig_to_host(gdbsig_from_host(sig)) == sig;
    check(round, "signal numbers round-trip", "-");
    check(gdbsig_from_host(SIGBUS) == 10 && gdbsig_from_host(SIGUSR2) == 31 && gdbsig_from_host(SIGCONT) == 19 &&
          gdbsig_from_host(SIGTSTP) == 18 && gdbsig_from_host(SIGALRM) == 14 && gdbsig_from_host(32) == 77 &&
          gdbsig_from_host(64) == 78 && gdbsig_from_host(SIGSTKFLT) == 143 && gdbsig_to_host(143) == 0,
          "gdb's signal numbers", "-");
}

static void test_misc(void)
{
    fake_init(&fk);
    start_mp();
    expect("vMustReplyEmpty", "");
    expect("qTStatus", "");
    expect("qOffsets", "");
    expect("qThreadExtraInfo,p3e8.3e8", "");
    expect("QNonStop:0", "OK");
    expect("QNonStop:1", "E01");
    expect("qSymbol::", "OK");
    expect("Jfoo", "");
    expect("!", "OK");
    fk.current = 1001;
    expect("vRun;2f62696e2f70726f67;6172", "T05thread:p3e8.3e8;");
    check(fk.restarts == 1, "vRun restarts", "%d", fk.restarts);
    put_packet_n("R00", 3);
    check(get_byte() == '+' && get_byte_within(200) < 0, "R has no reply", "-");
    check(fk.restarts == 2, "R restarts", "%d", fk.restarts);
    expect("vKill;3e8", "OK");
    put_packet_n("k", 1);
    check(get_byte() == '+' && get_byte_within(200) < 0, "k has no reply", "-");
    expect("qC", "QCp3e8.3e8");   /* extended remote: the session goes on */
    expect("D;3e8", "OK");
    check(join() == 0, "D;pid ends the session", "rc %d", serve_rc);

    fake_init(&fk);
    start_mp();
    put_packet_n("k", 1);
    get_byte();
    check(join() == 0, "k ends a plain remote session", "rc %d", serve_rc);
}

/* Things no gdb sends: none may crash or hang the server. */
static void test_malformed(void)
{
    fake_init(&fk);
    start_mp();
    static const char *const junk[] = {
        "m,", "m-1,1", "p-1", "Hg", "H", "Hgp", "Hgp.", "Hgp1.", "Tp", "Z", "Z0,", "z0,1,", "vFile:",
        "vFile:pread:", "vFile:pread:0,", "vFile:open:", "qXfer:features:read:", "qXfer:auxv:read::,",
        "qSupported:;;;;", "QPassSignals:;", "vCont;S", "vCont;C:p1.1", "C", "S", "X", "M",
        "Xffffffffffffffff,ffffffffffffffff:}", "Hgp80000000.1", "Hg-80000001", "g1", "b", "bcx",
        "qXfer:threads:read::ffffffffffffffff,ffffffffffffffff", "qXfer:auxv:read::0,ffffffffffffffff",
    };
    for (size_t i = 0; i < sizeof junk / sizeof junk[0]; i++) {
        const char *got = ask(junk[i]);
        char what[100];
        snprintf(what, sizeof what, "malformed '%s' answered", junk[i]);
        check(got[0] != '<', what, "got %s", got);
    }
    char bin[] = "X400000,4:\x00\x01}";
    ask_n(bin, sizeof bin - 1);
    check(reply[0] == 'E', "binary X with dangling escape refused", "got %s", reply);
    expect("qC", "QCp3e8.3e8");
    hang_up();
}

/* ---- the pieces of rsp.h on their own ---- */

static void test_rsp_parts(void)
{
    struct rsp_args a;
    uint64_t v;
    int64_t pid, tid;
#define ARGS(s) rsp_args_init(&a, s, strlen(s))
    ARGS("ffffffffffffffff");
    check(rsp_arg_hex(&a, &v) && v == UINT64_MAX && rsp_args_done(&a), "16 hex digits", "-");
    ARGS("10000000000000000");
    check(!rsp_arg_hex(&a, &v), "17 hex digits overflow", "-");
    ARGS("00000000000000000000001");
    check(rsp_arg_hex(&a, &v) && v == 1, "leading zeros are no overflow", "-");
    ARGS("");
    check(!rsp_arg_hex(&a, &v) && !a.ok, "empty number", "-");
    ARGS("p1f.-1");
    check(rsp_arg_thread(&a, &pid, &tid) && pid == 31 && tid == -1 && rsp_args_done(&a), "pPID.-1", "-");
    ARGS("p1f");
    check(rsp_arg_thread(&a, &pid, &tid) && pid == 31 && tid == -1, "pPID", "-");
    ARGS("0");
    check(rsp_arg_thread(&a, &pid, &tid) && pid == 0 && tid == 0, "any thread", "-");
    ARGS("80000000");
    check(!rsp_arg_int(&a, &pid), "int overflow", "-");
    ARGS("-80000000");
    check(rsp_arg_int(&a, &pid) && pid == -(int64_t)0x80000000, "int minimum", "-");

    uint8_t all[256], dec[512];
    for (int i = 0; i < 256; i++)
        all[i] = (uint8_t)i;
    struct buf b = {0};
    rsp_put_escaped(&b, all, 256);
    check(b.len == 260 && !memchr(b.data, '#', b.len) && !memchr(b.data, '$', b.len) &&
          !memchr(b.data, '*', b.len), "escaping", "len %zu", b.len);
    memcpy(dec, b.data, b.len);
    long n = rsp_unescape(dec, b.len);
    check(n == 256 && memcmp(dec, all, 256) == 0, "escape round trip", "%ld", n);
    uint8_t dangling[] = "ab}";
    check(rsp_unescape(dangling, 3) == -1, "dangling escape", "-");
    b.len = 0;
    rsp_put_hex(&b, all, 256);
    check(rsp_hex_decode((char *)b.data, b.len, dec) && memcmp(dec, all, 256) == 0, "hex round trip", "-");
    check(!rsp_hex_decode("abc", 3, dec) && !rsp_hex_decode("zz", 2, dec), "bad hex", "-");
    buf_free(&b);

    char err[128];
    int l = rsp_listen(0, err, sizeof err);
    int port = l >= 0 ? rsp_local_port(l) : -1;
    check(l >= 0 && port > 0, "listen on a free port", "%s", err);
    int l2 = rsp_listen(port, err, sizeof err);
    check(l2 < 0 && strcmp(err, "port is already in use") == 0, "port in use", "%d %s", l2, err);
    int c = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port),
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    check(connect(c, (struct sockaddr *)&sa, sizeof sa) == 0, "connect to 127.0.0.1", "%s", strerror(errno));
    int s = rsp_accept(l, err, sizeof err);
    check(s >= 0, "accept", "%s", err);
    check(rsp_listen(70000, err, sizeof err) < 0, "bad port number", "-");
    close(c), close(s), close(l);
#undef ARGS
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    void (*tests[])(void) = {test_rsp_parts, test_framing, test_no_ack, test_nack_forever, test_threads,
                             test_registers_plain, test_registers_avx, test_registers_avx512, test_memory,
                             test_breakpoints, test_resume, test_stop_replies, test_interrupt, test_xfer,
                             test_vfile, test_monitor, test_signals, test_misc, test_malformed};
    for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++)
        tests[i]();
    printf("%d checks, %d failed\n", checks, failures);
    return failures ? 1 : 0;
}
