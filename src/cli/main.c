/* rewind — record and replay Linux programs.  Entry point and dispatch. */
#include "cli.h"
#include "../util/util.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage[] =
    "Usage: rewind COMMAND [OPTIONS] [ARGS...]\n"
    "\n"
    "Record a program's execution once, replay it exactly as often as you like.\n"
    "\n"
    "Commands:\n"
    "  record [-o DIR] [--slice MS] [--chaos] [--] PROGRAM [ARGS...]\n"
    "                                           run PROGRAM (and its children) and record it\n"
    "  replay [-q] [DIR]                        replay a recording (default: the latest)\n"
    "  dump [--json] [DIR]                      list a recording's events\n"
    "  ps [DIR]                                 list a recording's processes\n"
    "  debug [DIR] [-e EVENT] [-p PID] [-- GDB-ARGS...]\n"
    "                                           debug a recording with gdb, forwards and backwards\n"
    "  serve [DIR] --port N [-e EVENT] [-p PID] the same for a gdb or IDE started elsewhere\n"
    "  trace [-o FILE] [--] PROGRAM [ARGS...]   print PROGRAM's syscalls live (no recording)\n"
    "\n"
    "Options:\n"
    "  -h, --help      show this help (also: rewind COMMAND --help)\n"
    "  -V, --version   show the version\n"
    "\n"
    "Recordings go to $REWIND_DIR, else ~/.local/share/rewind/, with a `latest` link.\n"
    "Exit status: the program's (record, replay); 125 for a rewind error or a divergence.\n"
    "See rewind(1).\n";

char *cli_trace_dir(const char *given)
{
    if (given)
        return xstrdup(given);
    const char *base = getenv("REWIND_DIR");
    if (base && *base)
        return xasprintf("%s/latest", base);
    const char *home = getenv("HOME");
    return xasprintf("%s/.local/share/rewind/latest", home && *home ? home : "/tmp");
}

int main(int argc, char **argv)
{
    rw_debug = getenv("REWIND_DEBUG") != NULL;
    if (argc < 2) {
        fputs(usage, stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
        fputs(usage, stdout);
        return 0;
    }
    if (!strcmp(cmd, "-V") || !strcmp(cmd, "--version")) {
        printf("rewind %s\n", REWIND_VERSION);
        return 0;
    }
    if (!strcmp(cmd, "record"))
        return cmd_record(argc - 1, argv + 1);
    if (!strcmp(cmd, "replay"))
        return cmd_replay(argc - 1, argv + 1);
    if (!strcmp(cmd, "dump"))
        return cmd_dump(argc - 1, argv + 1);
    if (!strcmp(cmd, "trace"))
        return cmd_trace(argc - 1, argv + 1);
    if (!strcmp(cmd, "ps"))
        return cmd_ps(argc - 1, argv + 1);
    if (!strcmp(cmd, "debug"))
        return cmd_debug(argc - 1, argv + 1);
    if (!strcmp(cmd, "serve"))
        return cmd_serve(argc - 1, argv + 1);
    rw_warn("unknown command '%s' (see rewind --help)", cmd);
    return 2;
}
