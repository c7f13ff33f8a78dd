/* cmd_run — `rewind record`, `rewind replay` and `rewind trace`. */
#include "cli.h"
#include "../engine/engine.h"
#include "../engine/printer.h"
#include "../record/record.h"
#include "../replay/replay.h"
#include "../util/util.h"
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

static const char record_usage[] =
    "Usage: rewind record [-o DIR] [--slice MS] [--chaos] [--] PROGRAM [ARGS...]\n"
    "\n"
    "Runs PROGRAM with this environment, directory and terminal, and records it,\n"
    "with all its threads and child processes.  Exits with PROGRAM's exit status\n"
    "(128+N if it died of signal N).\n"
    "\n"
    "  -o, --output DIR   write the recording to DIR (default: a new directory under\n"
    "                     $REWIND_DIR or ~/.local/share/rewind/, linked as `latest`)\n"
    "  --slice MS         run one thread at most MS milliseconds before letting\n"
    "                     another run (default 20)\n"
    "  --chaos            random switch points and slice lengths, to make rare thread\n"
    "                     interleavings happen (the recording still replays exactly)\n"
    "  -h, --help         show this help\n";

static const char replay_usage[] =
    "Usage: rewind replay [-q] [DIR]\n"
    "\n"
    "Replays a recording (default: the latest) to its end, printing again what the\n"
    "program wrote to stdout and stderr, and exits with the recorded exit status.\n"
    "Reads nothing but the recording.  A divergence or error exits 125.\n"
    "\n"
    "  -q, --quiet        do not print the program's output\n"
    "  -h, --help         show this help\n";

static const char trace_usage[] =
    "Usage: rewind trace [-o FILE] [--] PROGRAM [ARGS...]\n"
    "\n"
    "Runs PROGRAM and prints its syscalls, signals, execs and exit as they happen,\n"
    "strace style, to stderr or FILE.  Nothing is recorded.\n"
    "\n"
    "  -o, --output FILE  write the trace to FILE\n"
    "  -h, --help         show this help\n";

static void swallow(int sig) { (void)sig; }

/* Like a shell: the terminal's Ctrl-C and Ctrl-\ are for the program, not for us.
 * A handler rather than SIG_IGN, because handlers are reset by exec while ignored
 * signals would stay ignored in the program; already-ignored ones stay ignored. */
static void leave_terminal_signals_to_program(void)
{
    int sigs[] = {SIGINT, SIGQUIT};
    for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++) {
        struct sigaction old, sa = {.sa_handler = swallow};
        sigemptyset(&sa.sa_mask);
        if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler != SIG_IGN)
            sigaction(sigs[i], &sa, NULL);
    }
}

struct run_flags {
    int slice_ms;
    bool chaos;
};

/* Parses "[-o X] [-q] [--] REST" style options; returns the index of REST. */
static int parse_flags(int argc, char **argv, const char *usage, const char **out, bool *quiet, bool program,
                       struct run_flags *rf)
{
    static const struct option longopts[] = {
        {"output", required_argument, 0, 'o'},
        {"quiet", no_argument, 0, 'q'},
        {"help", no_argument, 0, 'h'},
        {"slice", required_argument, 0, 's'},
        {"chaos", no_argument, 0, 'c'},
        {0, 0, 0, 0},
    };
    /* '+': stop at the program name so its own options are left alone */
    const char *opts = program ? "+o:h" : "+qh";
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, opts, longopts, NULL)) != -1) {
        switch (c) {
        case 'o': *out = optarg; break;
        case 'q': if (quiet) *quiet = true; break;
        case 'h': fputs(usage, stdout); exit(0);
        case 's':
        case 'c':
            if (!rf)
                goto unknown;
            if (c == 'c') {
                rf->chaos = true;
            } else {
                char *end;
                long ms = strtol(optarg, &end, 10);
                if (*end || ms < 1 || ms > 100000) {
                    rw_warn("--slice wants milliseconds between 1 and 100000, not '%s'", optarg);
                    exit(2);
                }
                rf->slice_ms = (int)ms;
            }
            break;
        unknown:
        default:
            rw_warn("%s: unknown option '%s'", argv[0], argv[optind - 1]);
            fputs(usage, stderr);
            exit(2);
        }
    }
    return optind;
}

static int parse(int argc, char **argv, const char *usage, const char **out, bool *quiet, bool program)
{
    return parse_flags(argc, argv, usage, out, quiet, program, NULL);
}

int cmd_record(int argc, char **argv)
{
    const char *out = NULL;
    struct run_flags rf = {0};
    int i = parse_flags(argc, argv, record_usage, &out, NULL, true, &rf);
    if (i >= argc) {
        fputs(record_usage, stderr);
        return 2;
    }
    struct record_options o = {.out_dir = out, .argv = argv + i, .slice_ms = rf.slice_ms, .chaos = rf.chaos};
    leave_terminal_signals_to_program();
    return record_main(&o);
}

int cmd_replay(int argc, char **argv)
{
    bool quiet = false;
    const char *unused = NULL;
    int i = parse(argc, argv, replay_usage, &unused, &quiet, false);
    if (argc - i > 1) {
        fputs(replay_usage, stderr);
        return 2;
    }
    char *dir = cli_trace_dir(i < argc ? argv[i] : NULL);
    struct replay_options o = {.dir = dir, .quiet = quiet};
    int code = replay_main(&o);
    free(dir);
    return code;
}

int cmd_trace(int argc, char **argv)
{
    const char *out = NULL;
    int i = parse(argc, argv, trace_usage, &out, NULL, true);
    if (i >= argc) {
        fputs(trace_usage, stderr);
        return 2;
    }
    FILE *f = stderr;
    if (out && !(f = fopen(out, "w")))
        rw_fatal("cannot write %s: %s", out, strerror(errno));
    leave_terminal_signals_to_program();
    extern char **environ;
    int exec_errno;
    struct task *t = task_spawn(argv + i, environ, NULL, NULL, &exec_errno);
    if (t->stop == STOP_EXITED) {
        rw_warn("cannot run %s: %s", argv[i], strerror(exec_errno));
        return exec_errno == ENOENT ? 127 : 126;
    }
    struct printer *p = printer_new(f);
    struct tracer tr;
    tracer_init(&tr);
    tracer_attach(&tr, &printer_ops, p);
    tracer_add_task(&tr, t);
    int status = tracer_run(&tr);
    printer_free(p);
    if (f != stderr)
        fclose(f);
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : RW_EXIT_TOOL;
}
