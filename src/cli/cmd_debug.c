/* cmd_debug — `rewind debug` (gdb on a replay) and `rewind serve` (the same
 * replay for a gdb or IDE started elsewhere). */
#include "cli.h"
#include "../gdb/rsp.h"
#include "../gdb/server.h"
#include "../gdb/timeline.h"
#include "../util/util.h"
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static const char debug_usage[] =
    "Usage: rewind debug [DIR] [-e EVENT] [-p PID] [--checkpoint-interval N] [-- GDB-ARGS...]\n"
    "\n"
    "Starts gdb on a replay of the recording (default: the latest), stopped at the\n"
    "start of the first process, at event EVENT, or in process PID of the tree.\n"
    "gdb can run it forwards and backwards (reverse-continue, reverse-step...),\n"
    "set breakpoints and watchpoints and look at anything; the program's files are\n"
    "served from the recording.  GDB-ARGS go to gdb (e.g. -- -batch -x cmds.gdb).\n"
    "\n"
    "  -e, --event EVENT  start at event EVENT (see rewind dump)\n"
    "  -p, --pid PID      debug process PID of the recording (see rewind ps)\n"
    "  --checkpoint-interval N\n"
    "                     checkpoint the replay every N events (default: 1/64 of\n"
    "                     the recording, at least 256; 0: never)\n"
    "  -h, --help         show this help\n";

static const char serve_usage[] =
    "Usage: rewind serve [DIR] --port N [-e EVENT] [-p PID] [--checkpoint-interval N]\n"
    "\n"
    "Serves a replay of the recording over the GDB remote protocol on 127.0.0.1:N\n"
    "for a gdb or IDE started elsewhere: `target extended-remote 127.0.0.1:N`\n"
    "(after `set remotetimeout 120`: going back can take longer than gdb's 2 s).\n"
    "One client at a time; each new client starts from the starting point again.\n"
    "Stops on SIGINT or SIGTERM.\n"
    "\n"
    "  --port N           the TCP port (loopback only)\n"
    "  -e, --event EVENT  start at event EVENT\n"
    "  -p, --pid PID      debug process PID of the recording\n"
    "  --checkpoint-interval N\n"
    "                     checkpoint the replay every N events (0: never)\n"
    "  -h, --help         show this help\n";

struct debug_args {
    const char *dir;
    struct timeline_options tl;
    int port;
    int rest;                 /* index of GDB-ARGS */
};

static bool parse_u64(const char *s, uint64_t *v)
{
    char *end;
    errno = 0;
    unsigned long long x = strtoull(s, &end, 10);
    if (errno || end == s || *end || *s == '-')
        return false;
    *v = x;
    return true;
}

/* 0: parsed; otherwise the exit status to return. */
static int parse(int argc, char **argv, const char *usage, bool serve, struct debug_args *a)
{
    static const struct option longopts[] = {
        {"event", required_argument, 0, 'e'},
        {"pid", required_argument, 0, 'p'},
        {"port", required_argument, 0, 'P'},
        {"checkpoint-interval", required_argument, 0, 'C'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    memset(a, 0, sizeof *a);
    a->port = -1;
    optind = 1;
    int c;
    uint64_t v;
    /* DIR may come before, between or after the options; "--" ends them */
    for (;;) {
        c = getopt_long(argc, argv, "+e:p:h", longopts, NULL);
        if (c == -1) {
            if (optind < argc && strcmp(argv[optind - 1], "--") && !a->dir && argv[optind][0] != '-') {
                a->dir = argv[optind++];
                continue;
            }
            break;
        }
        switch (c) {
        case 'e':
            if (!parse_u64(optarg, &v)) {
                rw_warn("-e wants an event number, not '%s'", optarg);
                return 2;
            }
            a->tl.event = v;
            break;
        case 'p':
            if (!parse_u64(optarg, &v) || v == 0 || v > 0x7fffffff) {
                rw_warn("-p wants a process id, not '%s'", optarg);
                return 2;
            }
            a->tl.pid = (pid_t)v;
            break;
        case 'P':
            if (!serve || !parse_u64(optarg, &v) || v == 0 || v > 65535) {
                rw_warn("--port wants a TCP port number (1-65535), not '%s'", optarg);
                return 2;
            }
            a->port = (int)v;
            break;
        case 'C':
            if (!parse_u64(optarg, &v)) {
                rw_warn("--checkpoint-interval wants a number of events, not '%s'", optarg);
                return 2;
            }
            a->tl.checkpoint_interval = v ? v : UINT64_MAX;
            break;
        case 'h':
            fputs(usage, stdout);
            return -1;
        default:
            fputs(usage, stderr);
            return 2;
        }
    }
    if (optind < argc && !strcmp(argv[optind], "--"))
        optind++;
    a->rest = optind;
    if (serve && optind < argc) {
        rw_warn("unexpected argument '%s'", argv[optind]);
        return 2;
    }
    if (serve && a->port < 0) {
        rw_warn("serve needs --port N");
        return 2;
    }
    return 0;
}

static struct timeline *open_timeline(struct debug_args *a)
{
    char *dir = cli_trace_dir(a->dir);
    a->tl.dir = dir;
    char err[512];
    struct timeline *tl = timeline_open(&a->tl, err, sizeof err);
    if (!tl)
        rw_warn("%s", err);
    return tl;
}

/* SIGINT/SIGTERM end `rewind serve`: shutting the sockets down wakes up
 * whatever it waits for (accept, the client), and it ends the replay cleanly. */
static volatile sig_atomic_t stop_serving;
static volatile int serve_listen_fd = -1, serve_client_fd = -1;

static void on_stop_signal(int sig)
{
    (void)sig;
    stop_serving = 1;
    if (serve_listen_fd >= 0)
        shutdown(serve_listen_fd, SHUT_RDWR);
    if (serve_client_fd >= 0)
        shutdown(serve_client_fd, SHUT_RDWR);
}

int cmd_serve(int argc, char **argv)
{
    struct debug_args a;
    int rc = parse(argc, argv, serve_usage, true, &a);
    if (rc)
        return rc < 0 ? 0 : rc;
    char err[256];
    int lfd = rsp_listen(a.port, err, sizeof err);
    if (lfd < 0) {
        rw_warn("cannot listen on 127.0.0.1:%d: %s", a.port, err);
        return RW_EXIT_TOOL;
    }
    struct timeline *tl = open_timeline(&a);
    if (!tl)
        return RW_EXIT_TOOL;
    serve_listen_fd = lfd;
    struct sigaction sa = {.sa_handler = on_stop_signal};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    fprintf(stderr,
            "rewind: listening on 127.0.0.1:%d; in gdb: set remotetimeout 120, then"
            " target extended-remote 127.0.0.1:%d\n",
            a.port, a.port);
    while (tl && !stop_serving) {
        int fd = rsp_accept(lfd, err, sizeof err);
        if (fd < 0) {
            if (!stop_serving)
                rw_warn("%s", err);
            break;
        }
        serve_client_fd = fd;
        if (stop_serving)
            break;
        struct dbg_target t = timeline_target(tl);
        gdb_serve(fd, &t);
        serve_client_fd = -1;
        close(fd);
        if (stop_serving)
            break;
        /* the next client starts where this one did: get there before it
         * connects (gdb gives up on a silent server after 2 seconds) */
        timeline_close(tl);
        tl = open_timeline(&a);
    }
    close(lfd);
    if (tl)
        timeline_close(tl);
    return 0;
}

/* gdb commands run before connecting: a patient reply timeout, and after a
 * monitor command moved the replay (goto, restart), gdb must forget the
 * registers and memory it cached.
 * Passed as a memfd that gdb reads through /proc/self/fd after our exec. */
static char *gdb_hooks_file(void)
{
    static const char hooks[] =
        /* going back or `monitor goto` may take seconds: more than gdb's
         * default 2 s wait for a reply, after which it gets out of step */
        "set remotetimeout 120\n"
        "define hookpost-monitor\n"
        "  maintenance flush register-cache\n"
        "  maintenance flush dcache\n"
        "end\n";
    int fd = memfd_create("rewind-gdb-hooks", 0);
    if (fd < 0 || !write_all(fd, hooks, sizeof hooks - 1))
        return NULL;
    return xasprintf("/proc/self/fd/%d", fd);
}

int cmd_debug(int argc, char **argv)
{
    struct debug_args a;
    int rc = parse(argc, argv, debug_usage, false, &a);
    if (rc)
        return rc < 0 ? 0 : rc;
    char err[256];
    int lfd = rsp_listen(0, err, sizeof err);
    if (lfd < 0) {
        rw_warn("cannot listen on 127.0.0.1: %s", err);
        return RW_EXIT_TOOL;
    }
    int port = rsp_local_port(lfd);
    /* The replay is served by a child; gdb takes over this process, so that it
     * owns the terminal and its exit status is ours.  The child says over a
     * pipe whether the recording could be opened before gdb starts. */
    int ready[2];
    if (pipe(ready) < 0)
        rw_fatal("pipe: %s", strerror(errno));
    pid_t server = fork();
    if (server < 0)
        rw_fatal("fork: %s", strerror(errno));
    if (server == 0) {
        close(ready[0]);
        setenv("REWIND_GDB_HOOKED", "1", 1); /* see gdb_hooks_file */
        /* our parent becomes gdb: if it goes without connecting, so do we */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() == 1)
            _exit(RW_EXIT_TOOL);
        signal(SIGINT, SIG_IGN);  /* ^C is gdb's: it sends an interrupt packet */
        signal(SIGPIPE, SIG_IGN);
        struct timeline *tl = open_timeline(&a);
        char ok = tl ? 'y' : 'n';
        write_all(ready[1], &ok, 1);
        close(ready[1]);
        if (!tl)
            _exit(RW_EXIT_TOOL);
        int fd = rsp_accept(lfd, err, sizeof err);
        close(lfd);
        if (fd < 0) {
            rw_warn("%s", err);
            _exit(RW_EXIT_TOOL);
        }
        struct dbg_target t = timeline_target(tl);
        int code = gdb_serve(fd, &t);
        close(fd);
        timeline_close(tl);
        _exit(code ? RW_EXIT_TOOL : 0);
    }
    close(ready[1]);
    close(lfd);
    char ok = 'n';
    if (read(ready[0], &ok, 1) != 1 || ok != 'y') {
        waitpid(server, NULL, 0);
        return RW_EXIT_TOOL;
    }
    close(ready[0]);
    int nrest = argc - a.rest;
    char **gargv = xcalloc((size_t)nrest + 10, sizeof *gargv);
    int n = 0;
    gargv[n++] = "gdb";
    gargv[n++] = "-q";
    char *hooks = gdb_hooks_file();
    if (hooks) {
        gargv[n++] = "-ix";
        gargv[n++] = hooks;
    }
    gargv[n++] = "-ex";
    gargv[n++] = xasprintf("target extended-remote 127.0.0.1:%d", port);
    for (int i = 0; i < nrest; i++)
        gargv[n++] = argv[a.rest + i];
    gargv[n] = NULL;
    const char *gdb = getenv("REWIND_GDB");
    execvp(gdb && *gdb ? gdb : "gdb", gargv);
    rw_warn("cannot run gdb: %s", strerror(errno));
    kill(server, SIGTERM);
    return RW_EXIT_TOOL;
}
