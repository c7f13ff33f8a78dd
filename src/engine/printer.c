/* printer — see printer.h. */
#include "printer.h"
#include "../syscalls/syscalls.h"
#include "../util/util.h"
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

struct printer {
    FILE *out;
};

struct printer *printer_new(FILE *out)
{
    struct printer *p = xcalloc(1, sizeof *p);
    p->out = out;
    return p;
}

void printer_free(struct printer *p)
{
    free(p);
}

static void emit(struct printer *p, struct buf *b)
{
    buf_put_u8(b, '\n');
    fwrite(b->data, 1, b->len, p->out);
    fflush(p->out);
    buf_free(b);
}

static void prefix(struct buf *b, struct task *t)
{
    char pid[32];
    int n = snprintf(pid, sizeof pid, "[%d] ", t->tid);
    buf_put(b, pid, (size_t)n);
}

static enum eng_verdict pr_entry(void *self, struct eng_ctx *c)
{
    struct printer *p = self;
    /* exit and exit_group have no exit stop: print them now */
    if (c->nr == 60 || c->nr == 231) {
        struct buf b = {0};
        prefix(&b, c->task);
        syscall_format(&b, c->nr, c->args, 0, false, task_mem_read_cb, c->task);
        buf_put(&b, " = ?", 4);
        emit(p, &b);
    }
    return ENG_PASS;
}

static void pr_exit(void *self, struct eng_ctx *c)
{
    struct printer *p = self;
    struct buf b = {0};
    prefix(&b, c->task);
    syscall_format(&b, c->nr, c->args, c->ret, true, task_mem_read_cb, c->task);
    emit(p, &b);
}

static enum eng_verdict pr_signal(void *self, struct eng_ctx *c)
{
    struct printer *p = self;
    siginfo_t si;
    task_get_siginfo(c->task, &si);
    fprintf(p->out, "[%d] --- %s {si_signo=%s, si_code=%d, si_pid=%d, si_addr=%p} ---\n", c->task->tid,
            signal_name(c->sig), signal_name(si.si_signo), si.si_code, si.si_pid, si.si_addr);
    fflush(p->out);
    return ENG_PASS;
}

static enum eng_verdict pr_exec(void *self, struct eng_ctx *c)
{
    struct printer *p = self;
    char link[64], exe[4096];
    snprintf(link, sizeof link, "/proc/%d/exe", c->task->tid);
    ssize_t n = readlink(link, exe, sizeof exe - 1);
    exe[n > 0 ? n : 0] = 0;
    fprintf(p->out, "[%d] +++ exec %s +++\n", c->task->tid, exe);
    fflush(p->out);
    return ENG_PASS;
}

static void pr_gone(void *self, struct eng_ctx *c)
{
    struct printer *p = self;
    if (WIFEXITED(c->status))
        fprintf(p->out, "[%d] +++ exited with %d +++\n", c->task->tid, WEXITSTATUS(c->status));
    else if (WIFSIGNALED(c->status))
        fprintf(p->out, "[%d] +++ killed by %s%s +++\n", c->task->tid, signal_name(WTERMSIG(c->status)),
                WCOREDUMP(c->status) ? " (core dumped)" : "");
    fflush(p->out);
}

const struct engine_ops printer_ops = {
    .name = "printer",
    .syscall_entry = pr_entry,
    .syscall_exit = pr_exit,
    .signal = pr_signal,
    .exec = pr_exec,
    .exit = pr_gone,
};
