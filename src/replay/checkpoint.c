/* checkpoint — fork-based checkpoints of a replay, so that a debugger going
 * backwards re-executes from the nearest checkpoint, not from the start.
 *
 * A checkpoint is a copy of the replayed process made with fork() from inside
 * it (task_inject_fork), kept stopped, plus the little replayer state that a
 * "clean" point has: the next event, the thread's recorded id, the program
 * break.  Restoring kills the live tree, forks the copy again (the copy stays
 * for later restores), loads the saved registers into the new process and
 * moves the trace reader to the saved event.  Only a replay that is one
 * process with one thread, held where a new window begins, with no shared
 * writable mapping (fork would share it with the copy), can be checkpointed. */
#include "replay_internal.h"
#include "addrspace.h"
#include "../util/util.h"
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

struct replay_checkpoint {
    pid_t copy;               /* the stopped copy */
    uint64_t seq;             /* the event the replay was heading to */
    regs_t regs;
    int32_t rec_tid;
    uint64_t brk;
    int32_t leader_rec_tid;
    struct gone { int32_t rec_tid; int status; bool kill_sent; } *gone; /* threads that exited */
    int ngone;
};

/* Whether a process maps anything writable and shared. */
static bool has_shared_writable(pid_t pid)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/maps", pid);
    char *maps = read_file(path, NULL);
    if (!maps)
        return true;
    bool found = false;
    for (char *line = maps; line && *line && !found;) {
        char perms[8] = "";
        if (sscanf(line, "%*x-%*x %7s", perms) == 1 && perms[1] == 'w' && perms[3] == 's')
            found = true;
        line = strchr(line, '\n');
        if (line)
            line++;
    }
    free(maps);
    return found;
}

static struct rpt *the_live_thread(struct replayer *R)
{
    struct rpt *live = NULL;
    for (int i = 0; i < R->nthreads; i++)
        if (R->threads[i]->t) {
            if (live)
                return NULL;
            live = R->threads[i];
        }
    return live;
}

bool replay_can_checkpoint(struct replayer *R, struct task *t)
{
    struct rpt *p = the_live_thread(R);
    if (R->tr.ntasks != 1 || !p || p->t != t || !R->have_next || !tracer_is_held(&R->tr, t))
        return false;
    if (t->stop != STOP_SYSCALL_EXIT || p->cur_open || p->entry_held || p->ran_ahead || p->have_real_ret ||
        p->completion_taken || p->mmap_fd >= 0 || p->signal_sent_early || p->masked_wait || p->settid_addr)
        return false;
    return !has_shared_writable(t->tgid);
}

struct replay_checkpoint *replay_checkpoint(struct replayer *R, struct task *t)
{
    if (!replay_can_checkpoint(R, t))
        return NULL;
    struct rpt *p = the_live_thread(R);
    pid_t copy = task_inject_fork(t);
    if (copy <= 0)
        return NULL;
    struct replay_checkpoint *c = xcalloc(1, sizeof *c);
    c->copy = copy;
    c->seq = R->next.seq;
    c->regs = *task_regs(t);
    c->rec_tid = p->rec_tid;
    c->brk = *brk_of(R, t->tgid);
    c->leader_rec_tid = R->leader_rec_tid;
    for (int i = 0; i < R->nthreads; i++)
        if (!R->threads[i]->t) {
            c->gone = xrealloc(c->gone, sizeof *c->gone * (size_t)(c->ngone + 1));
            c->gone[c->ngone++] = (struct gone){R->threads[i]->rec_tid, R->threads[i]->status,
                                                R->threads[i]->kill_sent};
        }
    return c;
}

uint64_t replay_checkpoint_event(const struct replay_checkpoint *c)
{
    return c->seq;
}

/* Kills a traced process and waits until it is gone (bounded). */
static void kill_traced(pid_t pid)
{
    kill(pid, SIGKILL);
    for (int i = 0; i < 100; i++) {
        int st;
        pid_t r = waitpid(pid, &st, __WALL);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0 || WIFEXITED(st) || WIFSIGNALED(st))
            return;
        ptrace(PTRACE_CONT, pid, 0, 0); /* an exit event stop: let it finish dying */
    }
}

void replay_checkpoint_free(struct replay_checkpoint *c)
{
    if (!c)
        return;
    kill_traced(c->copy);
    free(c->gone);
    free(c);
}

/* Moves the trace reader to event seq (it is read from the start again). */
static bool seek_event(struct replayer *R, uint64_t seq, const char *dir, char *err, size_t errlen)
{
    struct trace_reader *r = trace_open(dir, err, errlen);
    if (!r)
        return false;
    event_free(&R->next);
    for (int i = 0; i < R->nahead; i++)
        event_free(&R->ahead[i]);
    R->nahead = 0;
    trace_close_reader(R->r);
    R->r = r;
    R->h = trace_get_header(r);
    R->trace_done = false;
    R->have_next = false;
    advance(R);
    while (R->have_next && R->next.seq < seq)
        advance(R);
    if (!R->have_next || R->next.seq != seq) {
        snprintf(err, errlen, "event %lu is not in the recording any more", (unsigned long)seq);
        return false;
    }
    return true;
}

bool replay_restore(struct replayer *R, const struct replay_checkpoint *c, const char *dir, char *err,
                    size_t errlen)
{
    struct tracer *tr = &R->tr;
    /* The live tree goes; the copy stays for the next time.  Everything is
     * killed first and reaped as it comes: a process leader is only reported
     * once its other threads are, whatever order we would wait in. */
    for (int i = 0; i < tr->ntasks; i++)
        kill(tr->tasks[i]->tid, SIGKILL);
    for (int waited = 0; tr->ntasks > 0 && waited < 5000;) {
        int st;
        pid_t r = waitpid(-1, &st, __WALL | WNOHANG);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            break;
        if (r == 0) {
            usleep(1000);
            waited++;
            continue;
        }
        if (!WIFEXITED(st) && !WIFSIGNALED(st)) {
            ptrace(PTRACE_CONT, r, 0, 0); /* an exit event stop: let it finish dying */
            continue;
        }
        struct task *t = tracer_find(tr, r);
        if (t)
            tracer_drop_task(tr, t);
    }
    while (tr->ntasks > 0)
        tracer_drop_task(tr, tr->tasks[tr->ntasks - 1]);
    for (int i = 0; i < R->nthreads; i++)
        R->threads[i]->t = NULL;  /* no pointer to a freed task may survive a failure below */
    struct task *k = task_adopt(c->copy);
    /* the copy is the parent of the processes it was forked into: reap them */
    for (int i = 0; i < 64 && task_inject_in_copy(k, SYS_wait4, (uint64_t)-1, 0, WNOHANG | __WALL) > 0; i++)
        ;
    pid_t fresh = task_inject_fork(k);
    task_flush_regs(k);       /* the copy's registers as they were, for the next time */
    task_free(k);
    if (fresh <= 0) {
        snprintf(err, errlen, "cannot fork the checkpoint at event %lu", (unsigned long)c->seq);
        return false;
    }
    struct task *t = task_adopt(fresh);
    regs_t r = c->regs;
    r.orig_rax = (uint64_t)-1; /* not in a syscall: nothing to restart */
    task_set_regs(t, &r);
    t->stop = STOP_SYSCALL_EXIT;

    for (int i = 0; i < R->nthreads; i++) {
        event_free(&R->threads[i]->cur);
        free(R->threads[i]);
    }
    R->nthreads = 0;
    for (int i = 0; i < c->ngone; i++) {
        struct rpt *g = xcalloc(1, sizeof *g);
        g->rec_tid = c->gone[i].rec_tid;
        g->exited = true;
        g->status = c->gone[i].status;
        g->kill_sent = c->gone[i].kill_sent;
        g->mmap_fd = -1;
        R->threads[R->nthreads++] = g;
    }
    rpt_of_task(R, t)->rec_tid = c->rec_tid;
    R->nbrks = 0;
    *brk_of(R, t->tgid) = c->brk;
    R->leader_rec_tid = c->leader_rec_tid;
    R->diverged = R->incomplete = R->exited = false;
    tr->stop_requested = false;
    tr->pause_requested = false;
    tracer_add_held(tr, t);
    return seek_event(R, c->seq, dir, err, errlen);
}
