/* cmd_ps — `rewind ps`: the processes of a recording, like ps(1) after the fact:
 * pid, parent pid, exit status and command line (as of the process's last exec). */
#include "cli.h"
#include "../arch/arch.h"
#include "../trace/trace.h"
#include "../util/util.h"
#include <linux/sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>

static const char ps_usage[] =
    "Usage: rewind ps [DIR]\n"
    "\n"
    "Lists the processes of a recording (default: the latest): pid, parent pid,\n"
    "exit status and command line, in the order they started.\n";

struct proc {
    int32_t pid, ppid;
    bool exited;
    int status;
    char *cmd;
};

/* Reads a NUL-terminated string at addr out of the recorded memory of an exec event. */
static char *patch_string(const struct event *ev, uint64_t addr)
{
    for (uint32_t i = 0; i < ev->npatches; i++) {
        const struct mem_patch *p = &ev->patches[i];
        if (addr >= p->addr && addr < p->addr + p->len) {
            const char *s = (const char *)p->data + (addr - p->addr);
            size_t max = p->addr + p->len - addr;
            return strndup(s, strnlen(s, max));
        }
    }
    return NULL;
}

static bool patch_u64(const struct event *ev, uint64_t addr, uint64_t *v)
{
    for (uint32_t i = 0; i < ev->npatches; i++) {
        const struct mem_patch *p = &ev->patches[i];
        if (addr >= p->addr && addr + 8 <= p->addr + p->len) {
            memcpy(v, p->data + (addr - p->addr), 8);
            return true;
        }
    }
    return false;
}

/* The command line from the initial stack recorded at exec: argc, then argv. */
static char *exec_cmdline(const struct event *ev)
{
    if (ev->regs.len != sizeof(regs_t))
        return xstrdup(ev->path ? ev->path : "?");
    uint64_t sp = regs_sp((const regs_t *)ev->regs.data), argc, ptr;
    struct buf b = {0};
    if (patch_u64(ev, sp, &argc))
        for (uint64_t i = 0; i < argc && i < 64 && patch_u64(ev, sp + 8 * (i + 1), &ptr); i++) {
            char *arg = patch_string(ev, ptr);
            if (!arg)
                break;
            if (b.len)
                buf_put_u8(&b, ' ');
            buf_put(&b, arg, strlen(arg));
            free(arg);
        }
    if (!b.len)
        return xstrdup(ev->path ? ev->path : "?");
    buf_put_u8(&b, 0);
    return (char *)b.data;
}

int cmd_ps(int argc, char **argv)
{
    if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
        fputs(ps_usage, stdout);
        return 0;
    }
    if (argc > 2 || (argc == 2 && argv[1][0] == '-')) {
        fputs(ps_usage, stderr);
        return 2;
    }
    char *dir = cli_trace_dir(argc == 2 ? argv[1] : NULL);
    char err[1024];
    struct trace_reader *r = trace_open(dir, err, sizeof err);
    free(dir);
    if (!r)
        rw_fatal("%s", err);
    struct proc *procs = NULL;
    int n = 0;
    struct event ev;
    int rc;
    while ((rc = trace_read_event(r, &ev)) == 1) {
        int found = -1;
        for (int i = 0; i < n; i++)
            if (procs[i].pid == ev.pid)
                found = i;
        if (ev.type == EV_EXEC) {
            if (found < 0) {
                procs = xrealloc(procs, sizeof *procs * (size_t)(n + 1));
                procs[n] = (struct proc){.pid = ev.pid};
                found = n++;
            }
            free(procs[found].cmd);
            procs[found].cmd = exec_cmdline(&ev);
        } else if (ev.type == EV_SYSCALL && ev.ret > 0 && !(ev.flags & EVF_ENTRY_ONLY) &&
                   (ev.nr == SYS_fork || ev.nr == SYS_vfork ||
                    (ev.nr == SYS_clone && !(ev.args[0] & CLONE_THREAD)))) {
            /* a vfork child may have exec'ed (and been listed) before its
             * parent's vfork returned in the recording */
            int known = -1;
            for (int i = 0; i < n; i++)
                if (procs[i].pid == (int32_t)ev.ret)
                    known = i;
            if (known >= 0) {
                procs[known].ppid = ev.pid;
            } else {
                procs = xrealloc(procs, sizeof *procs * (size_t)(n + 1));
                const char *parent_cmd = found >= 0 && procs[found].cmd ? procs[found].cmd : "?";
                procs[n] = (struct proc){.pid = (int32_t)ev.ret, .ppid = ev.pid, .cmd = xstrdup(parent_cmd)};
                n++;
            }
        } else if (ev.type == EV_EXIT && ev.tid == ev.pid && found >= 0) {
            procs[found].exited = true;
            procs[found].status = ev.status;
        }
        event_free(&ev);
    }
    printf("%-8s %-8s %-10s %s\n", "PID", "PPID", "EXIT", "CMD");
    for (int i = 0; i < n; i++) {
        char status[32] = "-";
        if (procs[i].exited && WIFSIGNALED(procs[i].status))
            snprintf(status, sizeof status, "SIG%s", sigabbrev_np(WTERMSIG(procs[i].status)));
        else if (procs[i].exited)
            snprintf(status, sizeof status, "%d", WEXITSTATUS(procs[i].status));
        char ppid[16] = "-";
        if (procs[i].ppid)
            snprintf(ppid, sizeof ppid, "%d", procs[i].ppid);
        printf("%-8d %-8s %-10s %s\n", procs[i].pid, ppid, status, procs[i].cmd ? procs[i].cmd : "?");
        free(procs[i].cmd);
    }
    free(procs);
    int code = 0;
    if (rc < 0 || trace_truncated(r)) {
        rw_warn("%s", trace_error(r));
        code = RW_EXIT_TOOL;
    }
    trace_close_reader(r);
    return code;
}
