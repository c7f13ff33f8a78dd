/* cli — the `rewind` command line: one function per subcommand, each parsing
 * its own options and calling into the layers below.  Thin on purpose. */
#ifndef REWIND_CLI_H
#define REWIND_CLI_H

int cmd_record(int argc, char **argv);
int cmd_replay(int argc, char **argv);
int cmd_dump(int argc, char **argv);
int cmd_trace(int argc, char **argv);
int cmd_ps(int argc, char **argv);
int cmd_debug(int argc, char **argv);
int cmd_serve(int argc, char **argv);

/* The trace directory a command should use: DIR if given, else the `latest` link. */
char *cli_trace_dir(const char *given);

#endif
