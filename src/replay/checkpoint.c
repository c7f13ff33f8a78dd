/* checkpoint — fork-based checkpoints of the replayed tree, so that a debugger
 * going backwards re-executes from the nearest checkpoint, not from the start.
 *
 * A checkpoint holds, for every process of the tree, a copy made with fork()
 * from inside one of its threads (task_inject_fork) and kept stopped, and for
 * every thread what the copy does not carry: registers, extended state, signal
 * mask, robust futex list, the tid address cleared at exit, the alternate
 * signal stack, and whether it waits at a syscall entry (with the recorded
 * call it waits in).  Restoring kills the live tree, forks each copy again
 * (the copy stays for later restores), makes the other threads again inside
 * the new process with injected clone() calls, loads each thread's state, and
 * moves the trace reader to the saved event.
 *
 * Only a "still" replay can be checkpointed: every thread held either where a
 * new window begins (nothing pending: no signal on its way, no call half done)
 * or at the entry of a call the recording completes later.  Shared memory,
 * which fork does not copy, is saved and written back (see below). */
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

/* One thread of the tree at the checkpoint (or one that had exited by then). */
struct ck_thread {
    int32_t rec_tid;
    bool gone;                /* exited: status and kill_sent are all there is */
    int status;
    bool kill_sent;
    int proc;                 /* its process in procs[] */
    regs_t regs;
    uint8_t *xstate;
    uint32_t xstate_len;
    uint64_t sigmask;
    uint64_t robust_head, robust_len;
    uint64_t clear_tid;
    struct altstack altstack;
    bool at_entry;            /* held at the entry of the recorded call entry_seq */
    int depth;                /* the engines that saw that entry */
    uint64_t entry_seq;
    struct task *t;           /* while restoring: the thread made again */
};

struct ck_process {
    pid_t tgid;               /* when the checkpoint was taken */
    pid_t copy;               /* the stopped copy (0 until made) */
    int forker;               /* the thread the copy was forked from */
    uint64_t brk;
    struct task *fresh;       /* while restoring: the new process's first thread */
};

struct replay_checkpoint {
    uint64_t seq;             /* the event the replay was heading to */
    int32_t leader_rec_tid;
    struct ck_thread *threads; /* in the replayer's order */
    int nthreads;
    struct ck_process *procs;
    int nprocs;
    struct ck_shared *shared; /* anonymous shared memory, by process */
    int nshared;
    struct shared_snapshot *files; /* replay's memory files */
};

/* Memory shared between processes (or with itself) is not copied by fork:
 * the copy would see what the live tree writes later.  The checkpoint keeps
 * its contents: the memory files replay made for shared files and System V
 * segments (addrspace_shared_save), and the bytes of every other shared
 * mapping (anonymous shared memory), written back at restore. */
#define SHARED_BYTES_MAX (256ull << 20)

struct ck_shared {
    int proc;
    uint64_t start, len;
    uint8_t *data;
};

/* Calls fn for every shared mapping of process pid that is not one of
 * replay's memory files; false if its maps cannot be read. */
static bool for_each_shared(pid_t pid, bool (*fn)(void *ctx, uint64_t start, uint64_t end), void *ctx)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/maps", pid);
    char *maps = read_file(path, NULL);
    if (!maps)
        return false;
    bool ok = true;
    for (char *line = maps; ok && line && *line;) {
        char *end = strchr(line, '\n');
        if (end)
            *end = 0;
        unsigned long s, e;
        char perms[8] = "";
        if (sscanf(line, "%lx-%lx %7s", &s, &e, perms) == 3 && perms[3] == 's' &&
            !strstr(line, "/memfd:rewind-shared") && !strstr(line, "/memfd:rewind-shm"))
            ok = fn(ctx, s, e);
        line = end ? end + 1 : NULL;
    }
    free(maps);
    return ok;
}

static bool count_bytes(void *ctx, uint64_t start, uint64_t end)
{
    *(uint64_t *)ctx += end - start;
    return *(uint64_t *)ctx <= SHARED_BYTES_MAX;
}

/* The kernel's "restart me" results: the call is not really over. */
static bool restarting(const regs_t *r)
{
    int64_t ret = (int64_t)regs_ret(r);
    return ret >= -516 && ret <= -512;
}

/* Whether a live thread is in a state a checkpoint can make again. */
static bool thread_is_still(struct replayer *R, const struct rpt *q)
{
    struct tracer *tr = &R->tr;
    struct task *u = q->t;
    if (!tracer_is_held(tr, u) || tracer_is_listening(tr, u) || tracer_pending_signal(tr, u))
        return false;
    if (!q->rec_tid || q->ran_ahead || q->have_real_ret || q->completion_taken || q->mmap_fd >= 0 ||
        q->signal_sent_early || q->masked_wait || q->settid_addr || q->child)
        return false;
    int depth;
    if (q->entry_held)
        return q->cur_open && u->stop == STOP_SYSCALL_ENTRY && tracer_held_entry(tr, u, &depth);
    if (q->cur_open)
        return false;
    if (u->stop == STOP_SYSCALL_EXIT)
        return !restarting(task_regs(u));
    return u->stop == STOP_SIGNAL || u->stop == STOP_GROUP;
}

bool replay_can_checkpoint(struct replayer *R, struct task *t)
{
    struct tracer *tr = &R->tr;
    if (!R->have_next || !tracer_is_held(tr, t))
        return false;
    int live = 0;
    for (int i = 0; i < R->nthreads; i++) {
        const struct rpt *q = R->threads[i];
        if (!q->t)
            continue;
        live++;
        if (!thread_is_still(R, q))
            return false;
    }
    if (live != tr->ntasks)
        return false;         /* a task the replayer does not know yet */
    uint64_t shared = 0;
    for (int i = 0; i < tr->ntasks; i++) {
        bool first_of_process = true;
        for (int j = 0; j < i; j++)
            first_of_process &= tr->tasks[j]->tgid != tr->tasks[i]->tgid;
        if (first_of_process && !for_each_shared(tr->tasks[i]->tgid, count_bytes, &shared))
            return false;     /* too much to keep */
    }
    return true;
}

static int process_of(struct replay_checkpoint *c, pid_t tgid)
{
    for (int i = 0; i < c->nprocs; i++)
        if (c->procs[i].tgid == tgid)
            return i;
    c->procs = xrealloc(c->procs, sizeof *c->procs * (size_t)(c->nprocs + 1));
    c->procs[c->nprocs] = (struct ck_process){.tgid = tgid, .forker = -1};
    return c->nprocs++;
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
    for (int i = 0; i < c->nprocs; i++)
        if (c->procs[i].copy > 0)
            kill_traced(c->procs[i].copy);
    for (int i = 0; i < c->nthreads; i++)
        free(c->threads[i].xstate);
    for (int i = 0; i < c->nshared; i++)
        free(c->shared[i].data);
    free(c->shared);
    addrspace_shared_free(c->files);
    free(c->threads);
    free(c->procs);
    free(c);
}

/* What fork does not copy of thread q (or does not keep: every thread is
 * loaded again at restore, the one that forked too). */
static bool save_thread(struct replayer *R, struct rpt *q, struct ck_thread *k)
{
    struct task *u = q->t;
    k->regs = *task_regs(u);
    k->xstate = task_get_xstate(u, &k->xstate_len);
    if (!k->xstate || !task_get_sigmask(u, &k->sigmask))
        return false;
    uint64_t head = 0;
    size_t len = 0;
    if (syscall(SYS_get_robust_list, u->tid, &head, &len) != 0)
        return false;
    k->robust_head = head, k->robust_len = len;
    k->clear_tid = q->clear_tid;
    k->altstack = q->altstack;
    if (q->entry_held) {
        k->at_entry = true;
        k->entry_seq = q->cur.seq;
        tracer_held_entry(&R->tr, u, &k->depth);
    }
    return true;
}

struct saving {
    struct replay_checkpoint *c;
    int proc;
    struct task *t;
};

static bool save_shared(void *ctx, uint64_t start, uint64_t end)
{
    struct saving *sv = ctx;
    struct replay_checkpoint *c = sv->c;
    c->shared = xrealloc(c->shared, sizeof *c->shared * (size_t)(c->nshared + 1));
    struct ck_shared *m = &c->shared[c->nshared++];
    *m = (struct ck_shared){sv->proc, start, end - start, xmalloc(end - start)};
    return task_read(sv->t, start, m->data, m->len) == m->len;
}

struct replay_checkpoint *replay_checkpoint(struct replayer *R, struct task *t)
{
    if (!replay_can_checkpoint(R, t))
        return NULL;
    struct replay_checkpoint *c = xcalloc(1, sizeof *c);
    c->seq = R->next.seq;
    c->leader_rec_tid = R->leader_rec_tid;
    c->threads = xcalloc((size_t)R->nthreads, sizeof *c->threads);
    for (int i = 0; i < R->nthreads; i++) {
        struct rpt *q = R->threads[i];
        struct ck_thread *k = &c->threads[c->nthreads++];
        k->rec_tid = q->rec_tid;
        if (!q->t) {
            k->gone = true;
            k->status = q->status;
            k->kill_sent = q->kill_sent;
            continue;
        }
        k->proc = process_of(c, q->t->tgid);
        struct ck_process *pr = &c->procs[k->proc];
        pr->brk = *brk_of(R, q->t->tgid);
        /* fork from the leader, so that the new process's leader is the
         * recorded one again (the recorded pid is the leader's tid) */
        if (q->t->tid == q->t->tgid)
            pr->forker = i;
        if (!save_thread(R, q, k)) {
            replay_checkpoint_free(c);
            return NULL;
        }
    }
    c->files = addrspace_shared_save(SHARED_BYTES_MAX);
    if (!c->files) {
        replay_checkpoint_free(c);
        return NULL;
    }
    for (int i = 0; i < c->nprocs; i++) {
        struct saving sv = {c, i, c->procs[i].forker >= 0 ? R->threads[c->procs[i].forker]->t : NULL};
        if (!sv.t || !for_each_shared(c->procs[i].tgid, save_shared, &sv)) {
            replay_checkpoint_free(c);
            return NULL;
        }
    }
    for (int i = 0; i < c->nprocs; i++) {
        if (c->procs[i].forker < 0) {
            replay_checkpoint_free(c); /* its leader is gone: other threads run on */
            return NULL;
        }
        c->procs[i].copy = task_inject_fork(R->threads[c->procs[i].forker]->t);
        if (c->procs[i].copy <= 0) {
            replay_checkpoint_free(c);
            return NULL;
        }
    }
    return c;
}

void replay_checkpoint_shape(const struct replay_checkpoint *c, int *processes, int *threads)
{
    *processes = c->nprocs;
    *threads = 0;
    for (int i = 0; i < c->nthreads; i++)
        *threads += !c->threads[i].gone;
}

uint64_t replay_checkpoint_event(const struct replay_checkpoint *c)
{
    return c->seq;
}

/* Moves the trace reader to event seq (it is read from the start again).  On
 * the way, threads held at a call's entry get their recorded call back. */
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
    while (R->have_next && R->next.seq < seq) {
        for (int i = 0; i < R->nthreads; i++) {
            struct rpt *q = R->threads[i];
            if (q->entry_held && q->cur.seq == R->next.seq && q->cur.type == 0) {
                q->cur = R->next;
                memset(&R->next, 0, sizeof R->next);
                break;
            }
        }
        advance(R);
    }
    if (!R->have_next || R->next.seq != seq) {
        snprintf(err, errlen, "event %lu is not in the recording any more", (unsigned long)seq);
        return false;
    }
    for (int i = 0; i < R->nthreads; i++)
        if (R->threads[i]->entry_held && R->threads[i]->cur.type == 0) {
            snprintf(err, errlen, "event %lu is not in the recording any more",
                     (unsigned long)R->threads[i]->cur.seq);
            return false;
        }
    return true;
}

/* Kills every task of the live tree and forgets them. */
static void kill_live_tree(struct replayer *R)
{
    struct tracer *tr = &R->tr;
    /* Everything is killed first and reaped as it comes: a process leader is
     * only reported once its other threads are, whatever order we wait in. */
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
    for (int i = 0; i < R->nthreads; i++) {
        event_free(&R->threads[i]->cur);
        free(R->threads[i]);
    }
    R->nthreads = 0;         /* no pointer to a freed task may survive a failure below */
}

/* A new process from the copy of process pr: its first thread. */
static struct task *fork_copy(struct ck_process *pr)
{
    struct task *k = task_adopt(pr->copy);
    /* the copy is the parent of the processes it was forked into: reap them */
    for (int i = 0; i < 64 && task_inject_in_copy(k, SYS_wait4, (uint64_t)-1, 0, WNOHANG | __WALL) > 0; i++)
        ;
    pid_t fresh = task_inject_fork(k);
    task_flush_regs(k);       /* the copy's registers as they were, for the next time */
    task_free(k);
    if (fresh <= 0)
        return NULL;
    struct task *t = task_adopt(fresh);
    t->stop = STOP_SYSCALL_EXIT; /* stopped outside any call: injections borrow an instruction */
    return t;
}

/* Loads a thread made again with its saved state, and brings one that was
 * held at a syscall entry back to that entry. */
static bool load_thread(const struct ck_thread *k, struct task *u)
{
    task_inject_syscall(u, SYS_set_tid_address, k->clear_tid, 0, 0, 0, 0, 0);
    if (k->robust_head && task_inject_syscall(u, SYS_set_robust_list, k->robust_head, k->robust_len,
                                              0, 0, 0, 0) != 0)
        return false;
    if (k->altstack.size) {
        struct { uint64_t sp; int32_t flags; int32_t pad; uint64_t size; } ss = {
            k->altstack.sp, k->altstack.flags, 0, k->altstack.size};
        uint64_t at = task_scratch(u);
        if (task_write(u, at, &ss, sizeof ss) != sizeof ss ||
            task_inject_syscall(u, SYS_sigaltstack, at, 0, 0, 0, 0, 0) != 0)
            return false;
    }
    if (!task_set_sigmask(u, k->sigmask) || !task_set_xstate(u, k->xstate, k->xstate_len))
        return false;
    regs_t r = k->regs;
    if (!k->at_entry) {
        r.orig_rax = (uint64_t)-1; /* not in a syscall: nothing to restart */
        task_set_regs(u, &r);
        u->stop = STOP_SYSCALL_EXIT;
        return true;
    }
    /* back over the syscall instruction, with the call number in place */
    r.rip -= ARCH_SYSCALL_INSN_LEN;
    r.rax = k->regs.orig_rax;
    task_set_regs(u, &r);
    for (int i = 0; i < 16; i++) {
        if (!task_step_to_stop(u, PTRACE_SYSCALL, 0))
            return false;
        if (u->stop == STOP_SYSCALL_ENTRY)
            return regs_sysno(task_regs(u)) == k->regs.orig_rax;
        if (u->stop != STOP_SIGNAL && u->stop != STOP_GROUP)
            return false;
    }
    return false;
}

/* Makes every process and thread of checkpoint c again (see the top). */
static bool remake_tree(struct replayer *R, struct replay_checkpoint *c)
{
    for (int i = 0; i < c->nprocs; i++)
        c->procs[i].fresh = NULL;
    for (int i = 0; i < c->nthreads; i++)
        c->threads[i].t = NULL;
    for (int i = 0; i < c->nprocs; i++) {
        c->procs[i].fresh = fork_copy(&c->procs[i]);
        if (!c->procs[i].fresh)
            return false;
    }
    for (int i = 0; i < c->nthreads; i++) {
        struct ck_thread *k = &c->threads[i];
        if (k->gone)
            continue;
        struct ck_process *pr = &c->procs[k->proc];
        if (pr->forker == i) {
            k->t = pr->fresh;
            continue;
        }
        pid_t tid = task_inject_thread(pr->fresh);
        if (tid <= 0)
            return false;
        k->t = task_adopt(tid);
        k->t->stop = STOP_SYSCALL_EXIT;
    }
    struct tracer *tr = &R->tr;
    bool ok = true;
    for (int i = 0; i < c->nthreads; i++) {
        struct ck_thread *k = &c->threads[i];
        struct rpt *q = xcalloc(1, sizeof *q);
        R->threads[R->nthreads++] = q;
        q->rec_tid = k->rec_tid;
        q->mmap_fd = -1;
        if (k->gone) {
            q->exited = true;
            q->status = k->status;
            q->kill_sent = k->kill_sent;
            continue;
        }
        q->t = k->t;
        q->clear_tid = k->clear_tid;
        q->altstack = k->altstack;
        ok = ok && load_thread(k, k->t);
        if (k->at_entry) {
            /* its recorded call is found again on the way to c->seq */
            q->entry_held = q->cur_open = true;
            q->cur.seq = k->entry_seq;
            tracer_add_held_entry(tr, k->t, k->depth);
        } else {
            tracer_add_held(tr, k->t);
        }
    }
    R->nbrks = 0;
    for (int i = 0; i < c->nprocs; i++)
        *brk_of(R, c->procs[i].fresh->tgid) = c->procs[i].brk;
    /* shared memory as it was (the new processes share it with the copies) */
    ok = ok && addrspace_shared_restore(c->files);
    for (int i = 0; ok && i < c->nshared; i++) {
        const struct ck_shared *m = &c->shared[i];
        ok = task_write(c->procs[m->proc].fresh, m->start, m->data, m->len) == m->len;
    }
    return ok;
}

bool replay_restore(struct replayer *R, struct replay_checkpoint *c, const char *dir, char *err,
                    size_t errlen)
{
    struct tracer *tr = &R->tr;
    kill_live_tree(R);
    if (!remake_tree(R, c)) {
        snprintf(err, errlen, "cannot make the replay at event %lu again from its checkpoint",
                 (unsigned long)c->seq);
        /* whatever was made is handed to the tracer, which kills it with the rest */
        for (int i = 0; i < c->nprocs; i++)
            if (c->procs[i].fresh && !tracer_find(tr, c->procs[i].fresh->tid))
                tracer_add_held(tr, c->procs[i].fresh);
        for (int i = 0; i < c->nthreads; i++)
            if (c->threads[i].t && !tracer_find(tr, c->threads[i].t->tid))
                tracer_add_held(tr, c->threads[i].t);
        return false;
    }
    R->leader_rec_tid = c->leader_rec_tid;
    R->diverged = R->incomplete = R->exited = false;
    tr->stop_requested = false;
    tr->pause_requested = false;
    return seek_event(R, c->seq, dir, err, errlen);
}
