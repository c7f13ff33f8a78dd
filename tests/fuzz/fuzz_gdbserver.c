/* libFuzzer target for the gdb server: `make fuzz`.
 *
 * The input is everything a client sends on the connection: packets, acks,
 * ^C bytes and junk alike.  It goes into one end of a socketpair whose write
 * side is then shut, so the server (with the fake target of the unit tests)
 * must read it all and return; a pump thread swallows the replies so the
 * server never blocks on a full socket.  The first byte also picks the
 * register set (no AVX, AVX, AVX-512); each resume returns the next kind of
 * stop, so every stop reply gets built.
 *
 * Seeds in tests/fuzz/gdb-seeds/ are sessions as gdb 13 opens them. */
#include "gdb/server.h"
#include "../unit/fake_target.h"
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

static char prog_copy[64];

static void cleanup(void)
{
    unlink(prog_copy);
}

static void setup(void)
{
    snprintf(prog_copy, sizeof prog_copy, "/tmp/rewind-fuzz-gdb.XXXXXX");
    int fd = mkstemp(prog_copy);
    if (fd < 0 || !write_all(fd, "\x7f" "ELF$#}*", 8))
        abort();
    close(fd);
    atexit(cleanup);
}

/* resume: the fake's, but each call reports the next kind of stop. */
static void cycling_resume(void *self, const struct dbg_resume *how, int interrupt_fd, struct dbg_stop *out)
{
    struct fake *f = self;
    fake_resume(self, how, interrupt_fd, out);
    out->kind = (enum dbg_stop_kind)(f->resumes % (DBG_STOP_ERROR + 1));
    out->sig = f->resumes % 70;
    out->watch_kind = (enum dbg_bp_kind)(f->resumes % 5);
    out->addr = 0x400000 + (uint64_t)f->resumes;
    snprintf(out->message, sizeof out->message, "divergence %d", f->resumes);
    f->stop = *out;
}

struct pump {
    int fd;
    const uint8_t *p;
    size_t n;
};

/* Writes the input, shuts the write side, reads until the server hangs up. */
static void *pump_main(void *arg)
{
    struct pump *pm = arg;
    fcntl(pm->fd, F_SETFL, O_NONBLOCK);
    bool writing = true;
    uint8_t sink[4096];
    for (;;) {
        if (writing && pm->n == 0) {
            shutdown(pm->fd, SHUT_WR);
            writing = false;
        }
        struct pollfd p = {.fd = pm->fd, .events = POLLIN | (writing ? POLLOUT : 0)};
        if (poll(&p, 1, -1) < 0 && errno != EINTR)
            break;
        if (writing && (p.revents & POLLOUT)) {
            ssize_t w = send(pm->fd, pm->p, pm->n, MSG_NOSIGNAL);
            if (w > 0)
                pm->p += w, pm->n -= (size_t)w;
            else if (w < 0 && errno != EAGAIN)
                pm->n = 0;   /* the server is gone */
        }
        if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
            ssize_t r = read(pm->fd, sink, sizeof sink);
            if (r == 0 || (r < 0 && errno != EAGAIN))
                break;
        }
    }
    return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!prog_copy[0])
        setup();
    static struct fake f;
    fake_init(&f);
    snprintf(f.copy_of_prog, sizeof f.copy_of_prog, "%s", prog_copy);
    f.avx = size && data[0] % 3 >= 1;
    f.avx512 = size && data[0] % 3 == 2;
    f.regs[0].xstate_len = size > 1 ? (uint32_t)data[1] * 16 : 0;
    f.regs[0].xstate[512] = 0xff;   /* every component in use, so values are read */

    struct dbg_target_ops ops = fake_ops;
    ops.resume = cycling_resume;
    struct dbg_target t = {&ops, &f};

    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
        abort();
    struct pump pm = {sv[0], data, size};
    pthread_t th;
    pthread_create(&th, NULL, pump_main, &pm);
    gdb_serve(sv[1], &t);
    close(sv[1]);
    pthread_join(th, NULL);
    close(sv[0]);
    return 0;
}
