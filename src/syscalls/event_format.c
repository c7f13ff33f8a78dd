/* event_format — one recorded event as a line of text, strace style; shared by
 * `rewind dump` and the replayer's divergence reports (see syscalls.h). */
#include "syscalls.h"
#include "../trace/event.h"
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>

/* Memory a recorded event knows: its inputs and what it wrote. */
bool event_mem_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
    const struct event *ev = ctx;
    const struct mem_patch *lists[2] = {ev->inputs, ev->patches};
    uint32_t counts[2] = {ev->ninputs, ev->npatches};
    for (int l = 0; l < 2; l++)
        for (uint32_t i = 0; i < counts[l]; i++) {
            const struct mem_patch *p = &lists[l][i];
            if (addr >= p->addr && addr + len <= p->addr + p->len) {
                memcpy(buf, p->data + (addr - p->addr), len);
                return true;
            }
        }
    return false;
}

static void puts_buf(struct buf *b, const char *s)
{
    buf_put(b, s, strlen(s));
}

void event_format(struct buf *b, const struct event *ev)
{
    char tmp[512];
    switch (ev->type) {
    case EV_SYSCALL:
        if (ev->flags & EVF_ENTRY_ONLY) {
            syscall_format(b, ev->nr, ev->args, 0, false, event_mem_read, (void *)ev);
            puts_buf(b, " <unfinished ...> (thread switch)");
            break;
        }
        syscall_format(b, ev->nr, ev->args, ev->ret, !(ev->flags & EVF_NO_RETURN) || ev->nr == 59,
                       event_mem_read, (void *)ev);
        if (ev->flags & EVF_NO_RETURN && ev->nr != 59 && ev->nr != 322)
            puts_buf(b, " = ?");
        if (ev->flags & EVF_REFUSED)
            puts_buf(b, " (refused by rewind)");
        if (ev->flags & EVF_UNKNOWN) {
            snprintf(tmp, sizeof tmp, " (unknown: %u written pages recorded)", ev->npatches);
            puts_buf(b, tmp);
        }
        break;
    case EV_SIGNAL: {
        const siginfo_t *si = ev->siginfo.len == 128 ? (const siginfo_t *)ev->siginfo.data : NULL;
        const char *how = (ev->flags & EVF_SIG_FAULT) ? "fault" : (ev->flags & EVF_SIG_INJECT) ? "sent" : "async";
        snprintf(tmp, sizeof tmp, "--- %s {si_code=%d, si_pid=%d, si_addr=%#lx} at %#lx (%s", signal_name(ev->signo),
                 si ? si->si_code : 0, si ? si->si_pid : 0, si ? (unsigned long)si->si_addr : 0ul,
                 (unsigned long)ev->ip, how);
        puts_buf(b, tmp);
        if (ev->flags & EVF_SIG_ASYNC) {
            uint64_t bytes = 0;
            for (uint32_t i = 0; i < ev->npatches; i++)
                bytes += ev->patches[i].len;
            snprintf(tmp, sizeof tmp, ", state delta: registers + %lu bytes", (unsigned long)bytes);
            puts_buf(b, tmp);
        }
        puts_buf(b, ") ---");
        break;
    }
    case EV_PREEMPT: {
        uint64_t bytes = 0;
        for (uint32_t i = 0; i < ev->npatches; i++)
            bytes += ev->patches[i].len;
        snprintf(tmp, sizeof tmp, "--- preempted at %#lx (state delta: registers + %lu bytes in %u ranges) ---",
                 (unsigned long)ev->ip, (unsigned long)bytes, ev->npatches);
        puts_buf(b, tmp);
        break;
    }
    case EV_EXEC:
        snprintf(tmp, sizeof tmp, "+++ exec %.400s (%u mappings) +++", ev->path ? ev->path : "?", ev->nmaps);
        puts_buf(b, tmp);
        break;
    case EV_RDTSC:
        snprintf(tmp, sizeof tmp, "%s = %#lx", ev->flags & 1 ? "rdtscp" : "rdtsc", (unsigned long)ev->vals[0]);
        puts_buf(b, tmp);
        break;
    case EV_CPUID:
        snprintf(tmp, sizeof tmp, "cpuid(%#lx, %#lx) = {%#lx, %#lx, %#lx, %#lx}", (unsigned long)ev->args[0],
                 (unsigned long)ev->args[1], (unsigned long)ev->vals[0], (unsigned long)ev->vals[1],
                 (unsigned long)ev->vals[2], (unsigned long)ev->vals[3]);
        puts_buf(b, tmp);
        break;
    case EV_EXIT:
        if (WIFSIGNALED(ev->status))
            snprintf(tmp, sizeof tmp, "+++ killed by %s%s +++", signal_name(WTERMSIG(ev->status)),
                     WCOREDUMP(ev->status) ? " (core dumped)" : "");
        else
            snprintf(tmp, sizeof tmp, "+++ exited with %d +++", WEXITSTATUS(ev->status));
        puts_buf(b, tmp);
        break;
    default:
        puts_buf(b, event_type_name(ev->type));
    }
}

