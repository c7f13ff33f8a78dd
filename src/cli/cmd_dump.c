/* cmd_dump — `rewind dump`: one line per recorded event, text or JSON. */
#include "cli.h"
#include "../syscalls/syscalls.h"
#include "../trace/trace.h"
#include "../util/util.h"
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

static const char dump_usage[] =
    "Usage: rewind dump [--json] [DIR]\n"
    "\n"
    "Lists the events of a recording (default: the latest), one per line: event\n"
    "number, thread, and the syscall (strace style), signal, exec or exit.\n"
    "\n"
    "  --json       one JSON object per line\n"
    "  -h, --help   show this help\n";

static void puts_buf(struct buf *b, const char *s)
{
    buf_put(b, s, strlen(s));
}

static void json_string(struct buf *b, const uint8_t *s, size_t n)
{
    buf_put_u8(b, '"');
    for (size_t i = 0; i < n; i++) {
        char esc[8];
        uint8_t c = s[i];
        if (c == '"' || c == '\\') {
            buf_put_u8(b, '\\');
            buf_put_u8(b, c);
        } else if (c < 0x20 || c >= 0x7f) {
            snprintf(esc, sizeof esc, "\\u%04x", c);
            buf_put(b, esc, 6);
        } else {
            buf_put_u8(b, c);
        }
    }
    buf_put_u8(b, '"');
}

static void print_json(const struct event *ev, struct buf *text)
{
    struct buf b = {0};
    char tmp[256];
    snprintf(tmp, sizeof tmp, "{\"event\":%lu,\"tid\":%d,\"pid\":%d,\"type\":\"%s\"", (unsigned long)ev->seq,
             ev->tid, ev->pid, event_type_name(ev->type));
    puts_buf(&b, tmp);
    if (ev->type == EV_SYSCALL) {
        snprintf(tmp, sizeof tmp, ",\"name\":\"%s\",\"nr\":%ld,\"args\":[", syscall_name(ev->nr), (long)ev->nr);
        puts_buf(&b, tmp);
        for (int i = 0; i < 6; i++) {
            snprintf(tmp, sizeof tmp, "%s%lu", i ? "," : "", (unsigned long)ev->args[i]);
            puts_buf(&b, tmp);
        }
        snprintf(tmp, sizeof tmp, "],\"ret\":%ld", (long)ev->ret);
        puts_buf(&b, tmp);
    } else if (ev->type == EV_SIGNAL) {
        snprintf(tmp, sizeof tmp, ",\"signal\":\"%s\",\"signo\":%d", signal_name(ev->signo), ev->signo);
        puts_buf(&b, tmp);
    } else if (ev->type == EV_EXIT) {
        snprintf(tmp, sizeof tmp, ",\"status\":%d", ev->status);
        puts_buf(&b, tmp);
    }
    puts_buf(&b, ",\"text\":");
    json_string(&b, text->data, text->len);
    puts_buf(&b, "}\n");
    fwrite(b.data, 1, b.len, stdout);
    buf_free(&b);
}

int cmd_dump(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"json", no_argument, 0, 'j'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    bool json = false;
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
        if (c == 'j') {
            json = true;
        } else if (c == 'h') {
            fputs(dump_usage, stdout);
            return 0;
        } else {
            rw_warn("dump: unknown option '%s'", argv[optind - 1]);
            return 2;
        }
    }
    char *dir = cli_trace_dir(optind < argc ? argv[optind] : NULL);
    char err[1024];
    struct trace_reader *r = trace_open(dir, err, sizeof err);
    free(dir);
    if (!r)
        rw_fatal("%s", err);
    struct event ev;
    int rc;
    while ((rc = trace_read_event(r, &ev)) == 1) {
        struct buf text = {0};
        event_format(&text, &ev);
        if (json) {
            print_json(&ev, &text);
        } else {
            printf("%6lu %6d  ", (unsigned long)ev.seq, ev.tid);
            fwrite(text.data, 1, text.len, stdout);
            putchar('\n');
        }
        buf_free(&text);
        event_free(&ev);
    }
    fflush(stdout);
    int code = 0;
    if (rc < 0) {
        rw_warn("%s", trace_error(r));
        code = RW_EXIT_TOOL;
    } else if (trace_truncated(r)) {
        rw_warn("%s", trace_error(r));
        code = RW_EXIT_TOOL;
    }
    trace_close_reader(r);
    return code;
}
