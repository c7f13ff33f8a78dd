/* record — the recorder engine and `rewind record` driver (see record.h). */
#include "record.h"
#include "exec_snapshot.h"
#include "../engine/engine.h"
#include "../syscalls/syscalls.h"
#include "../trace/trace.h"
#include "../tracee/memtrack.h"
#include "recorder.h"
#include "../tracee/tracee.h"
#include "../util/util.h"
#include <asm/prctl.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <x86intrin.h>
#include <cpuid.h>



struct rtask *rtask_of(struct recorder *R, struct task *t)
{
    for (int i = 0; i < R->ntasks; i++)
        if (R->tasks[i]->tid == t->tid)
            return R->tasks[i];
    if (R->ntasks == MAX_TASKS)
        rw_fatal("too many threads (limit %d)", MAX_TASKS);
    struct rtask *rt = xcalloc(1, sizeof *rt);
    rt->tid = t->tid;
    rt->first_seen_ns = now_ns();
    R->tasks[R->ntasks++] = rt;
    return rt;
}

static void fds_put(struct rfds *f)
{
    if (f && --f->users == 0)
        free(f);
}

static void proc_put(struct rproc *p)
{
    if (p && --p->users == 0) {
        if (p->mt)
            memtrack_free(p->mt);
        free(p);
    }
}

static struct rproc *proc_new(pid_t tgid)
{
    struct rproc *p = xcalloc(1, sizeof *p);
    p->tgid = tgid;
    p->users = 1;
    return p;
}

bool rtask_in_exec(const struct rtask *rt)
{
    return rt->cur_open && (rt->cur.nr == SYS_execve || rt->cur.nr == SYS_execveat);
}

void rtask_forget(struct recorder *R, pid_t tid)
{
    for (int i = 0; i < R->ntasks; i++)
        if (R->tasks[i]->tid == tid) {
            struct rtask *rt = R->tasks[i];
            event_free(&rt->cur);
            event_free(&rt->deferred);
            for (int j = 0; j < rt->nexits_after_exec; j++)
                event_free(&rt->exits_after_exec[j]);
            free(rt->exits_after_exec);
            buf_free(&rt->peek);
            proc_put(rt->proc);
            fds_put(rt->fds);
            free(rt);
            R->tasks[i] = R->tasks[--R->ntasks];
            return;
        }
}

/* The child of a vfork exec'ed or exited: its parent's vfork result can go out. */
static void release_vfork_parent(struct recorder *R, struct rtask *child)
{
    if (!child->vfork_parent)
        return;
    for (int i = 0; i < R->ntasks; i++) {
        struct rtask *p = R->tasks[i];
        if (p->tid == child->vfork_parent && p->has_deferred) {
            write_event(R, &p->deferred);
            event_free(&p->deferred);
            p->has_deferred = false;
        }
    }
    child->vfork_parent = 0;
}

static struct rtask *find_rtask(struct recorder *R, pid_t tid)
{
    for (int i = 0; i < R->ntasks; i++)
        if (R->tasks[i]->tid == tid)
            return R->tasks[i];
    return NULL;
}

/* Writes the exits held back while rt was inside execve. */
static void write_exits_after_exec(struct recorder *R, struct rtask *rt)
{
    for (int i = 0; i < rt->nexits_after_exec; i++) {
        write_event(R, &rt->exits_after_exec[i]);
        event_free(&rt->exits_after_exec[i]);
    }
    free(rt->exits_after_exec);
    rt->exits_after_exec = NULL;
    rt->nexits_after_exec = 0;
}

void write_event(struct recorder *R, struct event *ev)
{
    if (R->failed)
        return;
    if (!trace_write_event(R->w, ev)) {
        rw_warn("writing the trace failed: %s", trace_writer_error(R->w));
        R->failed = true;
    }
}

void add_memory_patch(struct event *ev, struct task *t, uint64_t addr, uint64_t len)
{
    while (len > 0) {
        uint32_t n = len > (1u << 24) ? (1u << 24) : (uint32_t)len;
        uint8_t *data = xmalloc(n);
        size_t got = task_read(t, addr, data, n);
        if (got)
            event_add_patch(ev, addr, data, (uint32_t)got);
        free(data);
        if (got < n)
            break;
        addr += n;
        len -= n;
    }
}

void ensure_memtrack(struct recorder *R, struct task *t)
{
    struct rtask *rt = rtask_of(R, t);
    rt->needs_memtrack = false;
    if (!rt->proc) {
        rt->proc = proc_new(t->tgid);
    }
    if (!rt->proc->mt) {
        rt->proc->mt = memtrack_attach(t, R->mt_error, sizeof R->mt_error);
        if (!rt->proc->mt)
            rw_dbg("written-page tracking unavailable: %s", R->mt_error);
    }
}

void record_state_delta(struct recorder *R, struct task *t, struct event *ev)
{
    record_registers(t, ev);
    record_pages_written(R, t, ev);
}

void record_pages_written(struct recorder *R, struct task *t, struct event *ev)
{
    struct rtask *rt = rtask_of(R, t);
    struct mem_region_pages *pages = NULL;
    int n = rt->proc && rt->proc->mt ? memtrack_collect(rt->proc->mt, &pages) : -1;
    for (int i = 0; i < n; i++)
        add_memory_patch(ev, t, pages[i].start, pages[i].end - pages[i].start);
    free(pages);
}

static struct memtrack *mt_of(struct rtask *rt)
{
    return rt->proc ? rt->proc->mt : NULL;
}
static void set_fd_kind(struct rtask *rt, int64_t fd, enum fd_kind k)
{
    if (rt->fds && fd >= 0 && fd < MAX_TRACKED_FDS)
        rt->fds->kind[fd] = (uint8_t)k;
}

static enum fd_kind get_fd_kind(struct rtask *rt, int64_t fd)
{
    return (rt->fds && fd >= 0 && fd < MAX_TRACKED_FDS) ? (enum fd_kind)rt->fds->kind[fd] : FD_OTHER;
}


/* Keeps fd_kind in step with the program's fd table so replay knows which
 * writes went to the user's terminal. */
static void track_fds(struct rtask *rt, struct task *t, const struct event *ev)
{
    const struct syscall_info *si = syscall_lookup(ev->nr);
    int64_t ret = ev->ret;
    if (ret < 0 || !si)
        return;
    if (si->cls & SC_FD_DUP) {
        set_fd_kind(rt, ev->nr == SYS_dup ? ret : (int64_t)ev->args[1], get_fd_kind(rt, (int64_t)ev->args[0]));
        return;
    }
    if (ev->nr == SYS_fcntl && (ev->args[1] == F_DUPFD || ev->args[1] == F_DUPFD_CLOEXEC)) {
        set_fd_kind(rt, ret, get_fd_kind(rt, (int64_t)ev->args[0]));
        return;
    }
    if (ev->nr == SYS_close) {
        set_fd_kind(rt, (int64_t)ev->args[0], FD_OTHER);
        return;
    }
    if (ev->nr == SYS_close_range) {
        for (uint64_t fd = ev->args[0]; fd <= ev->args[1] && fd < MAX_TRACKED_FDS; fd++)
            set_fd_kind(rt, (int64_t)fd, FD_OTHER);
        return;
    }
    if (ev->nr == SYS_pipe || ev->nr == SYS_pipe2 || ev->nr == SYS_socketpair) {
        int fds[2];
        uint64_t at = ev->nr == SYS_socketpair ? ev->args[3] : ev->args[0];
        if (task_read(t, at, fds, sizeof fds) == sizeof fds) {
            set_fd_kind(rt, fds[0], FD_OTHER);
            set_fd_kind(rt, fds[1], FD_OTHER);
        }
        return;
    }
    /* any other call returning a small number may have created that fd */
    switch (ev->nr) {
    case SYS_open: case SYS_openat: case SYS_openat2: case SYS_creat: case SYS_socket:
    case SYS_accept: case SYS_accept4: case SYS_epoll_create: case SYS_epoll_create1:
    case SYS_eventfd: case SYS_eventfd2: case SYS_memfd_create: case SYS_signalfd:
    case SYS_signalfd4: case SYS_timerfd_create: case SYS_inotify_init: case SYS_inotify_init1:
    case SYS_pidfd_open: case SYS_userfaultfd: case SYS_fanotify_init: case SYS_perf_event_open:
        set_fd_kind(rt, ret, FD_OTHER);
        break;
    }
}

static void peek_kernel_copy(struct recorder *R, struct rtask *rt, struct task *t, const struct eng_ctx *c)
{
    int64_t in, out;
    uint64_t offp = 0, count;
    switch (c->nr) {
    case SYS_sendfile: out = (int64_t)c->args[0], in = (int64_t)c->args[1], offp = c->args[2], count = c->args[3]; break;
    case SYS_copy_file_range:
    case SYS_splice: in = (int64_t)c->args[0], offp = c->args[1], out = (int64_t)c->args[2], count = c->args[4]; break;
    case SYS_tee: in = (int64_t)c->args[0], out = (int64_t)c->args[1], count = c->args[2]; break;
    case SYS_vmsplice: in = -1, out = (int64_t)c->args[0], count = 0; break;
    default: return;
    }
    rt->peek.len = 0;
    rt->peek_kind = get_fd_kind(rt, out);
    if (rt->peek_kind == FD_OTHER)
        return;
    if (c->nr == SYS_vmsplice) {
        struct iovec iov[64];
        size_t n = c->args[2] > 64 ? 64 : c->args[2];
        if (task_read(t, c->args[1], iov, n * sizeof *iov) != n * sizeof *iov)
            return;
        for (size_t i = 0; i < n; i++) {
            buf_reserve(&rt->peek, iov[i].iov_len);
            rt->peek.len += task_read(t, (uint64_t)iov[i].iov_base, rt->peek.data + rt->peek.len, iov[i].iov_len);
        }
        return;
    }
    if (count > (64u << 20))
        count = 64u << 20;
    int pidfd = (int)syscall(SYS_pidfd_open, t->tgid, 0);
    int fd = pidfd < 0 ? -1 : (int)syscall(SYS_pidfd_getfd, pidfd, (int)in, 0);
    if (pidfd >= 0)
        close(pidfd);
    if (fd < 0)
        return;
    struct stat st;
    buf_reserve(&rt->peek, count);
    if (fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode)) {
        int p[2];
        if (pipe2(p, O_NONBLOCK | O_CLOEXEC) == 0) {
            fcntl(p[1], F_SETPIPE_SZ, (int)(count < 4096 ? 4096 : count));
            ssize_t n = tee(fd, p[1], count, SPLICE_F_NONBLOCK);
            if (n > 0)
                rt->peek.len = (size_t)(read(p[0], rt->peek.data, (size_t)n) > 0 ? n : 0);
            close(p[0]);
            close(p[1]);
        }
    } else {
        int64_t off = 0;
        if (offp ? task_read(t, offp, &off, 8) == 8 : (off = lseek(fd, 0, SEEK_CUR)) >= 0) {
            ssize_t n = pread(fd, rt->peek.data, count, off);
            rt->peek.len = n > 0 ? (size_t)n : 0;
        }
    }
    close(fd);
}

static enum eng_verdict rec_syscall_entry(void *self, struct eng_ctx *c)
{
    struct recorder *R = self;
    struct task *t = c->task;
    struct rtask *rt = rtask_of(R, t);
    if (rt->needs_memtrack)
        ensure_memtrack(R, t);
    event_free(&rt->cur);
    struct event *ev = &rt->cur;
    ev->type = EV_SYSCALL;
    ev->tid = t->tid;
    ev->pid = t->tgid;
    ev->nr = c->nr;
    memcpy(ev->args, c->args, sizeof ev->args);
    regs_t *r = task_regs(t);
    ev->ip = regs_ip(r);
    ev->sp = regs_sp(r);
    rt->cur_open = true;
    rt->cur_unknown = false;
    rt->entry_written = false;
    rt->in_syscall = true;
    rt->after_syscall = false;

    struct mem_region in[8];
    int nin = syscall_inputs(c->nr, c->args, task_mem_read_cb, t, in, 8);
    for (int i = 0; i < nin; i++) {
        uint8_t *data = xmalloc(in[i].len);
        size_t got = task_read(t, in[i].addr, data, in[i].len);
        event_add_input(ev, in[i].addr, data, (uint32_t)got);
        free(data);
    }

    peek_kernel_copy(R, rt, t, c);
    const struct syscall_info *si = syscall_lookup(c->nr);
    uint32_t cls = si ? si->cls : 0;
    if (cls & SC_REFUSE) {
        /* Kernel-written shared rings (rseq, io_uring) cannot be replayed, and
         * clone3 hides its arguments in memory: say ENOSYS so libc falls back. */
        ev->flags |= EVF_REFUSED;
        ctx_emulate(c, -ENOSYS);
        return ENG_STOP;
    }
    if (cls & (SC_MEM | SC_SIGSTATE | SC_TASKSTATE | SC_PROCESS))
        ev->flags |= EVF_EXEC_REAL;
    if (c->nr == SYS_shmdt)
        record_shm_detach(t, ev);   /* what it unmaps, while that is still there */
    if (c->nr == SYS_exit || c->nr == SYS_exit_group) {
        /* no exit stop follows: the event is complete now */
        ev->flags |= EVF_NO_RETURN;
        ev->ret = 0;
        write_event(R, ev);
        rt->cur_open = false;
        return ENG_PASS;
    }
    struct mem_region probe[1];
    if (!si || syscall_outputs(c->nr, c->args, 0, task_mem_read_cb, t, probe, 0) < 0) {
        /* Unknown to the table: whatever it writes, the page tracker will see.
         * Forget what user code wrote so far so only the syscall's writes remain. */
        rt->cur_unknown = true;
        struct event scratch = {0};
        record_pages_written(R, t, &scratch);
        event_free(&scratch);
        if (!mt_of(rt) && !R->warned_untracked) {
            rw_warn("%s is not in rewind's syscall table and written-page tracking is unavailable (%s):"
                    " replay may diverge", syscall_name(c->nr), R->mt_error);
            R->warned_untracked = true;
        }
    }
    return ENG_PASS;
}
/* The number (from 1) of the file st describes among the files the recording
 * maps MAP_SHARED; 0 if it is not one of them (and add is false). */
static int shared_file_number(struct recorder *R, const struct stat *st, bool add)
{
    for (int i = 0; i < R->nshared; i++)
        if (R->shared[i].dev == st->st_dev && R->shared[i].ino == st->st_ino)
            return i + 1;
    if (!add)
        return 0;
    R->shared = xrealloc(R->shared, sizeof *R->shared * (size_t)(R->nshared + 1));
    R->shared[R->nshared].dev = st->st_dev;
    R->shared[R->nshared].ino = st->st_ino;
    return ++R->nshared;
}

/* The file position and open flags of fd in process pid (/proc/PID/fdinfo);
 * false if they cannot be read. */
static bool fd_info(pid_t pid, int fd, int64_t *pos, uint64_t *flags)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/fdinfo/%d", pid, fd);
    char *text = read_file(path, NULL);
    char *p = text ? strstr(text, "pos:") : NULL;
    char *f = text ? strstr(text, "flags:") : NULL;
    if (p && f) {
        *pos = strtoll(p + 4, NULL, 10);
        *flags = strtoull(f + 6, NULL, 8);
    }
    free(text);
    return p && f;
}

/* Stores bytes [off, off + len) of file fd in the trace's file store (through
 * a copy of just those bytes); false on failure. */
static bool store_file_bytes(struct recorder *R, int fd, uint64_t off, uint64_t len, char id[TRACE_ID_LEN + 1])
{
    int copy = memfd_create("rewind-file-bytes", MFD_CLOEXEC);
    if (copy < 0)
        return false;
    bool ok = true;
    char buf[65536];
    while (ok && len > 0) {
        ssize_t n = pread(fd, buf, len < sizeof buf ? (size_t)len : sizeof buf, (off_t)off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;                /* the file is shorter now: what is there is all */
        ok = write_all(copy, buf, (size_t)n);
        off += (uint64_t)n;
        len -= (uint64_t)n;
    }
    ok = ok && trace_add_file(R->w, copy, "file bytes", id);
    close(copy);
    return ok;
}

/* Replay keeps one shared copy of each file the recording maps MAP_SHARED, and
 * answers write() and the like from the trace without running them: the copy
 * would not change with them.  So for a syscall that changed such a file, the
 * event says how: vals[0] is the file's number (as on its mmap events), the
 * trace file file_id holds the bytes that are now at file offset vals[1], and
 * vals[2] is the file's size afterwards.  The bytes are read from the file
 * itself, as any mapping of it shows them now.  The written range is exact for
 * write and pwrite and their vector forms; other changes (fallocate,
 * copy_file_range, sendfile, splice) store the whole file; truncation only
 * changes the size. */
static void record_shared_change(struct recorder *R, struct task *t, struct event *ev)
{
    int fd = -1;
    bool sized_only = false, whole = false, at_pos = false, positioned = false;
    uint64_t off = 0;
    char path[4096 + 64];
    switch (ev->nr) {
    case SYS_write: case SYS_writev:
        fd = (int)ev->args[0], at_pos = true;
        break;
    case SYS_pwrite64: case SYS_pwritev: case SYS_pwritev2:
        fd = (int)ev->args[0], off = ev->args[3], positioned = true;
        if (ev->nr == SYS_pwritev2 && (int64_t)ev->args[3] == -1)
            at_pos = true, positioned = false;
        else if (ev->nr == SYS_pwritev2 && (ev->args[4] & RWF_APPEND))
            whole = true;
        break;
    case SYS_ftruncate:
        fd = (int)ev->args[0], sized_only = true;
        break;
    case SYS_fallocate: case SYS_sendfile:
        fd = (int)ev->args[0], whole = true;
        break;
    case SYS_copy_file_range: case SYS_splice:
        fd = (int)ev->args[2], whole = true;
        break;
    case SYS_creat:
        fd = (int)ev->ret, sized_only = true;
        break;
    case SYS_open: case SYS_openat: {
        uint64_t flags = ev->nr == SYS_open ? ev->args[1] : ev->args[2];
        fd = (flags & O_TRUNC) ? (int)ev->ret : -1, sized_only = true;
        break;
    }
    case SYS_openat2: {
        uint64_t flags = 0;   /* struct open_how starts with the flags */
        task_read(t, ev->args[2], &flags, sizeof flags);
        fd = (flags & O_TRUNC) ? (int)ev->ret : -1, sized_only = true;
        break;
    }
    case SYS_truncate: {
        char name[4096];
        if (task_read_str(t, ev->args[0], name, sizeof name) <= 0)
            return;
        if (name[0] == '/')
            snprintf(path, sizeof path, "%s", name);
        else
            snprintf(path, sizeof path, "/proc/%d/cwd/%s", t->tgid, name);
        sized_only = true;
        break;
    }
    default:
        return;
    }
    if (ev->ret < 0 || (!whole && !sized_only && ev->ret == 0))
        return;
    if (ev->nr != SYS_truncate) {
        if (fd < 0)
            return;
        snprintf(path, sizeof path, "/proc/%d/fd/%d", t->tgid, fd);
    }
    int file = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (file < 0 || fstat(file, &st) < 0) {
        if (file >= 0)
            close(file);
        return;                   /* not a file we can look at: a pipe, a socket... */
    }
    int n = shared_file_number(R, &st, false);
    if (n) {
        uint64_t len = 0;
        if (whole) {
            len = (uint64_t)st.st_size;
        } else if (!sized_only) {
            len = (uint64_t)ev->ret;
            int64_t pos = 0;
            uint64_t flags = 0;
            bool known = fd_info(t->tgid, fd, &pos, &flags);
            if (known && at_pos) {
                /* the position moved past the bytes (to the end with O_APPEND) */
                off = (uint64_t)pos - len;
                known = pos >= (int64_t)len;
            } else if (known && positioned && (flags & O_APPEND)) {
                /* Linux appends pwrite's bytes to an O_APPEND file, whatever the offset */
                off = (uint64_t)st.st_size - len;
                known = (uint64_t)st.st_size >= len;
            }
            if (!known)
                off = 0, len = (uint64_t)st.st_size;   /* where did they go? take it all */
        }
        char id[TRACE_ID_LEN + 1];
        ev->vals[0] = (uint64_t)n;
        ev->vals[1] = off;
        ev->vals[2] = (uint64_t)st.st_size;
        if (len && store_file_bytes(R, file, off, len, id))
            ev->file_id = xstrdup(id);
        else if (len)
            rw_warn("cannot store what a syscall wrote to a shared mapped file: %s", trace_writer_error(R->w));
    }
    close(file);
}

/* Copies the file behind a new mapping into the trace. */
static void record_mapped_file(struct recorder *R, struct task *t, struct event *ev)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/fd/%d", t->tgid, (int)ev->args[4]);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        rw_warn("cannot read the file mapped at %#lx (%s): replay will fail there",
                (unsigned long)ev->ret, strerror(errno));
        return;
    }
    char target[4096] = "";
    ssize_t n = readlink(path, target, sizeof target - 1);
    if (n > 0)
        target[n] = 0;
    if ((ev->args[3] & MAP_TYPE) != MAP_PRIVATE && (ev->args[2] & PROT_WRITE) && strncmp(target, "/memfd:", 7) &&
        !R->warned_shared) {
        rw_warn("%s is mapped shared: changes other processes outside the recording make to it will not"
                " be replayed", target);
        R->warned_shared = true;
    }
    char id[TRACE_ID_LEN + 1];
    if (trace_add_file(R->w, fd, target, id)) {
        ev->file_id = xstrdup(id);
        ev->path = xstrdup(target); /* a debugger asks for mapped files by name */
    }
    else
        rw_warn("cannot copy %s into the trace: %s", target, trace_writer_error(R->w));
    struct stat st;
    if ((ev->args[3] & MAP_TYPE) != MAP_PRIVATE && fstat(fd, &st) == 0)
        ev->vals[0] = (uint64_t)shared_file_number(R, &st, true);
    close(fd);
}

static void rec_syscall_exit(void *self, struct eng_ctx *c)
{
    struct recorder *R = self;
    struct task *t = c->task;
    struct rtask *rt = rtask_of(R, t);
    struct event *ev = &rt->cur;
    rt->in_syscall = false;
    if (!rt->cur_open)
        return;
    rt->cur_open = false;
    ev->ret = c->ret;
    if (ev->flags & EVF_REFUSED) {
        /* nothing ran */
    } else if (rt->cur_unknown) {
        ev->flags |= EVF_UNKNOWN;
        record_pages_written(R, t, ev);
    } else {
        /* enough for the largest iovec array the kernel accepts (UIO_MAXIOV) */
        enum { MAX_OUT = 1100 };
        struct mem_region *out = xmalloc(sizeof *out * MAX_OUT);
        int n = syscall_outputs(ev->nr, ev->args, ev->ret, task_mem_read_cb, t, out, MAX_OUT);
        for (int i = 0; i < n; i++)
            add_memory_patch(ev, t, out[i].addr, out[i].len);
        free(out);
        if (n < 0) {
            /* The table knows the call but not this outcome (an EFAULT, an
             * unreadable iovec): every page written since the last look is a
             * superset of what it wrote, so take those. */
            ev->flags |= EVF_UNKNOWN;
            record_pages_written(R, t, ev);
        }
    }
    bool ok = ev->ret >= 0 || ev->ret < -4095;
    if (ok && ev->nr == SYS_mmap && !(ev->args[3] & MAP_ANONYMOUS))
        record_mapped_file(R, t, ev);
    else if (ok && R->nshared)
        record_shared_change(R, t, ev);
    if (ok && ev->nr == SYS_shmget)
        record_shm_get(R, ev);
    else if (ok && ev->nr == SYS_shmat)
        record_shm_attach(R, t, ev, mt_of(rt));
    if (ok && mt_of(rt)) {
        if (ev->nr == SYS_mmap)
            memtrack_add_range(mt_of(rt), (uint64_t)ev->ret, PAGE_UP(ev->args[1]));
        else if (ev->nr == SYS_mremap)
            memtrack_add_range(mt_of(rt), (uint64_t)ev->ret, PAGE_UP(ev->args[2]));
        else if (ev->nr == SYS_brk && rt->proc && rt->proc->brk_cur && (uint64_t)ev->ret > rt->proc->brk_cur)
            memtrack_add_range(mt_of(rt), PAGE_UP(rt->proc->brk_cur), PAGE_UP((uint64_t)ev->ret) - PAGE_UP(rt->proc->brk_cur));
    }
    if (ev->nr == SYS_brk && rt->proc)
        rt->proc->brk_cur = (uint64_t)ev->ret;
    const struct syscall_info *si = syscall_lookup(ev->nr);
    if (ok && si && (si->cls & SC_WRITE)) {
        enum fd_kind k = get_fd_kind(rt, (int64_t)ev->args[0]);
        if (k == FD_STDOUT)
            ev->flags |= EVF_ECHO_STDOUT;
        else if (k == FD_STDERR)
            ev->flags |= EVF_ECHO_STDERR;
    }
    if (ok && ev->ret > 0 && rt->peek.len && rt->peek_kind != FD_OTHER) {
        /* an input at address 0 holds the bytes a kernel-side copy printed */
        event_add_input(ev, 0, rt->peek.data, (uint32_t)((uint64_t)ev->ret < rt->peek.len ? (uint64_t)ev->ret : rt->peek.len));
        ev->flags |= rt->peek_kind == FD_STDOUT ? EVF_ECHO_STDOUT : EVF_ECHO_STDERR;
    }
    rt->peek.len = 0;
    if (ev->ret == -ERESTARTSYS || ev->ret == -ERESTARTNOINTR || ev->ret == -ERESTARTNOHAND ||
        ev->ret == -ERESTART_RESTARTBLOCK || ev->ret == -EINTR)
        ev->flags |= EVF_INTERRUPTED;
    track_fds(rt, t, ev);
    struct rtask *vchild = ok && (ev->nr == SYS_vfork || (ev->nr == SYS_clone && (ev->args[0] & CLONE_VFORK)))
                               ? find_rtask(R, (pid_t)ev->ret) : NULL;
    if (vchild && vchild->vfork_parent == t->tid) {
        rt->deferred = *ev;            /* moved: cur is reset at the next entry */
        memset(ev, 0, sizeof *ev);
        rt->has_deferred = true;
    } else {
        write_event(R, ev);
    }
    /* a failed execve ended no thread; exits held back meanwhile were their own */
    write_exits_after_exec(R, rt);

    rt->after_syscall = true;
    rt->after_syscall_regs = *task_regs(t);
    regs_set_ret(&rt->after_syscall_regs, (uint64_t)ev->ret);
    regs_set_sysno(&rt->after_syscall_regs, (uint64_t)ev->nr);
}

/* rdtsc/rdtscp trap as SIGSEGV (PR_TSC_SIGSEGV), cpuid as SIGSEGV when faulting is on. */
static bool emulate_trapped_insn(struct recorder *R, struct task *t)
{
    uint8_t si[128];
    if (!task_get_siginfo(t, si) || ((siginfo_t *)si)->si_code != SI_KERNEL)
        return false;
    regs_t r = *task_regs(t);
    uint8_t insn[4];
    int len;
    if (task_read(t, regs_ip(&r), insn, sizeof insn) < 3)
        return false;
    enum arch_trapped_insn k = arch_decode_trapped(insn, 4, &len);
    struct event ev = {.type = 0, .tid = t->tid, .pid = t->tgid};
    if (k == INSN_RDTSC || k == INSN_RDTSCP) {
        unsigned aux = 0;
        uint64_t tsc = k == INSN_RDTSCP ? __rdtscp(&aux) : __rdtsc();
        r.rax = (uint32_t)tsc;
        r.rdx = tsc >> 32;
        if (k == INSN_RDTSCP)
            r.rcx = aux;
        ev.type = EV_RDTSC;
        ev.vals[0] = tsc;
        ev.vals[1] = aux;
        ev.flags = k == INSN_RDTSCP ? 1 : 0;
    } else if (k == INSN_CPUID && R->cpuid_faulting) {
        unsigned a, b, cc, d;
        __cpuid_count((unsigned)r.rax, (unsigned)r.rcx, a, b, cc, d);
        ev.type = EV_CPUID;
        ev.args[0] = (uint32_t)r.rax;
        ev.args[1] = (uint32_t)r.rcx;
        if (ev.args[0] == 1)
            cc &= ~(1u << 30);            /* RDRAND: nondeterministic, hide it */
        if (ev.args[0] == 7 && ev.args[1] == 0)
            b &= ~((1u << 18) | (1u << 4) | (1u << 11)); /* RDSEED, HLE, RTM */
        r.rax = a, r.rbx = b, r.rcx = cc, r.rdx = d;
        ev.vals[0] = a, ev.vals[1] = b, ev.vals[2] = cc, ev.vals[3] = d;
    } else {
        return false;
    }
    regs_set_ip(&r, regs_ip(&r) + (uint64_t)len);
    task_set_regs(t, &r);
    write_event(R, &ev);
    rtask_of(R, t)->after_syscall = false;
    return true;
}

static bool is_fault_signal(int sig, const siginfo_t *si)
{
    return (sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE || sig == SIGTRAP) &&
           si->si_code > 0;
}

static enum eng_verdict rec_signal(void *self, struct eng_ctx *c)
{
    struct recorder *R = self;
    struct task *t = c->task;
    if (c->sig == SIGSEGV && emulate_trapped_insn(R, t)) {
        c->sig = 0;
        return ENG_STOP;
    }
    struct rtask *rt = rtask_of(R, t);
    struct event ev = {.type = EV_SIGNAL, .tid = t->tid, .pid = t->tgid, .signo = c->sig};
    uint8_t si[128];
    task_get_siginfo(t, si);
    blob_set(&ev.siginfo, si, sizeof si);
    regs_t *r = task_regs(t);
    blob_set(&ev.regs, r, sizeof *r);
    ev.flags |= EVF_REGS;
    ev.ip = regs_ip(r);
    if (is_fault_signal(c->sig, (siginfo_t *)si)) {
        ev.flags |= EVF_SIG_FAULT;
    } else if (rt->after_syscall && memcmp(r, &rt->after_syscall_regs, sizeof *r) == 0) {
        ev.flags |= EVF_SIG_INJECT;
    } else {
        /* Arrived at an arbitrary instruction: record the whole state so replay
         * can jump straight to it (no instruction counter to find it with). */
        ev.flags |= EVF_SIG_ASYNC;
        if (!mt_of(rt))
            rw_warn("signal %s arrived asynchronously and written-page tracking is unavailable (%s):"
                    " replay may diverge", signal_name(c->sig), R->mt_error);
        record_state_delta(R, t, &ev);
    }
    write_event(R, &ev);
    event_free(&ev);
    rt->after_syscall = false;
    return ENG_PASS;
}

static enum eng_verdict rec_exec(void *self, struct eng_ctx *c)
{
    struct recorder *R = self;
    struct task *t = c->task;
    struct rtask *rt = rtask_of(R, t);
    if (rt->cur_open) {
        /* the execve that got us here: it does not return to the old image */
        rt->cur.ret = 0;
        rt->cur.flags |= EVF_NO_RETURN;
        write_event(R, &rt->cur);
        rt->cur_open = false;
    }
    rt->in_syscall = false;
    /* Under the tid it exec'd with: replay finds the thread by that, and learns
     * from pid that it goes on as the leader (see rec_takeover). */
    struct event ev = {.type = EV_EXEC, .tid = c->former_tid, .pid = t->tgid};
    char err[512];
    if (!exec_snapshot(t, R->w, &ev, err, sizeof err))
        rw_fatal("cannot record the new program image: %s", err);
    write_event(R, &ev);
    event_free(&ev);
    write_exits_after_exec(R, rt);
    release_vfork_parent(R, rt);

    if (R->cpuid_faulting)
        task_inject_syscall(t, SYS_arch_prctl, ARCH_SET_CPUID, 0, 0, 0, 0, 0);
    /* a new address space */
    proc_put(rt->proc);
    rt->proc = proc_new(t->tgid);
    ensure_memtrack(R, t);
    rt->after_syscall = false;
    return ENG_PASS;
}

/* The thread of c->task's process that is inside execve, if another one is. */
static struct rtask *execing_sibling(struct recorder *R, struct eng_ctx *c)
{
    for (int i = 0; i < R->ntasks; i++) {
        struct rtask *rt = R->tasks[i];
        if (rt->tid == c->task->tid || !rtask_in_exec(rt))
            continue;
        struct task *t = tracer_find(c->tracer, rt->tid);
        if (t && t->tgid == c->task->tgid)
            return rt;
    }
    return NULL;
}

/* A thread ended: what waited on it goes out, and the recorder forgets it. */
static void forget_ended(struct recorder *R, pid_t tid)
{
    struct rtask *rt = find_rtask(R, tid);
    if (!rt)
        return;
    write_exits_after_exec(R, rt);   /* it died inside its own execve */
    release_vfork_parent(R, rt);
    if (rt->has_deferred) {
        write_event(R, &rt->deferred);
        event_free(&rt->deferred);
        rt->has_deferred = false;
    }
    rtask_forget(R, tid);
}

static void rec_exit(void *self, struct eng_ctx *c)
{
    struct recorder *R = self;
    struct event ev = {.type = EV_EXIT, .tid = c->task->tid, .pid = c->task->tgid, .status = c->status};
    struct rtask *execer = execing_sibling(R, c);
    if (execer) {
        /* Most likely ended by that exec.  Replay's copy of this thread only
         * dies when replay runs the execve: record its end after the exec. */
        execer->exits_after_exec = xrealloc(execer->exits_after_exec,
                                            sizeof ev * (size_t)(execer->nexits_after_exec + 1));
        execer->exits_after_exec[execer->nexits_after_exec++] = ev;
    } else {
        write_event(R, &ev);
    }
    if (R->current == c->task)
        R->current = NULL;
    forget_ended(R, c->task->tid);
}

/* A thread other than the leader exec'd and took over the leader's tid (see
 * engine.h).  The leader's end shows in the trace as that exec: no exit event
 * (replay's leader ends the same way, reporting nothing).  The exec'ing
 * thread's state goes on under the leader's tid. */
static void rec_takeover(void *self, struct eng_ctx *c)
{
    struct recorder *R = self;
    if (R->current == c->old_leader)
        R->current = NULL;
    forget_ended(R, c->task->tid);   /* the leader's: the exec'ing one is not renamed yet */
    struct rtask *rt = find_rtask(R, c->former_tid);
    if (rt)
        rt->tid = c->task->tid;
}

static void rec_clone(void *self, struct eng_ctx *c)
{
    struct recorder *R = self;
    struct rtask *parent = rtask_of(R, c->task);
    struct rtask *child = rtask_of(R, c->child);
    uint64_t flags = 0;
    if (parent->cur_open && parent->cur.nr == SYS_clone)
        flags = parent->cur.args[0];
    else if (parent->cur_open && parent->cur.nr == SYS_vfork)
        flags = CLONE_VM | CLONE_VFORK;
    if ((flags & CLONE_VM) && parent->proc) {
        /* threads and vfork children share the address space and its tracker */
        child->proc = parent->proc;
        child->proc->users++;
    } else {
        child->proc = proc_new(c->child->tgid);
        child->proc->brk_cur = parent->proc ? parent->proc->brk_cur : 0;
        child->needs_memtrack = true;
    }
    if (parent->fds && (flags & CLONE_FILES)) {
        child->fds = parent->fds;
        child->fds->users++;
    } else if (parent->fds) {
        child->fds = xmalloc(sizeof *child->fds);
        *child->fds = *parent->fds;
        child->fds->users = 1;
    }
    if (flags & CLONE_VFORK)
        child->vfork_parent = c->task->tid;
    child->introduced = true;
    child->queued = ++R->queue_clock;
}

static const struct engine_ops recorder_ops = {
    .name = "recorder",
    .syscall_entry = rec_syscall_entry,
    .syscall_exit = rec_syscall_exit,
    .signal = rec_signal,
    .exec = rec_exec,
    .exit = rec_exit,
    .clone = rec_clone,
    .takeover = rec_takeover,
};

/* ---- the driver ---- */

static char *default_trace_dir(const char *prog)
{
    const char *base = getenv("REWIND_DIR");
    char *root;
    if (base && *base) {
        root = xstrdup(base);
    } else {
        const char *home = getenv("HOME");
        root = xasprintf("%s/.local/share/rewind", home && *home ? home : "/tmp");
    }
    if (mkdir_p(root, 0700) < 0)
        rw_fatal("cannot create %s: %s", root, strerror(errno));
    const char *name = strrchr(prog, '/') ? strrchr(prog, '/') + 1 : prog;
    char *dir = NULL;
    for (int i = 0;; i++) {
        free(dir);
        dir = xasprintf("%s/%s-%d", root, name, i);
        if (access(dir, F_OK) < 0)
            break;
    }
    char *link = xasprintf("%s/latest", root);
    char *target = xstrdup(strrchr(dir, '/') + 1);
    unlink(link);
    if (symlink(target, link) < 0)
        rw_warn("cannot update %s: %s", link, strerror(errno));
    free(link);
    free(target);
    free(root);
    return dir;
}

static bool cpuid_faulting_works(void)
{
    /* Probe in a throwaway child: the setting is per thread and sticky. */
    pid_t pid = fork();
    if (pid == 0)
        _exit(syscall(SYS_arch_prctl, ARCH_SET_CPUID, 0) == 0 ? 0 : 1);
    int st;
    return pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

extern char **environ;

static int exit_code_of(int status)
{
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return RW_EXIT_TOOL;
}

int record_main(const struct record_options *o)
{
    char *dir = o->out_dir ? xstrdup(o->out_dir) : default_trace_dir(o->argv[0]);
    struct trace_header h = {.version = TRACE_FORMAT_VERSION};
    record_fill_header(&h, o->argv, environ);
    struct recorder *R = xcalloc(1, sizeof *R);
    R->cpuid_faulting = cpuid_faulting_works();
    h.cpuid_faulting = R->cpuid_faulting;
    h.bound_cpu = sched_getcpu() >= 0 ? sched_getcpu() : 0;
    R->slice_ms = o->slice_ms > 0 ? o->slice_ms : 20;
    R->chaos = o->chaos;
    R->rng = (uint64_t)now_ns() | 1;


    int exec_errno;
    struct task *t = task_spawn(o->argv, environ, task_setup_deterministic, &h.bound_cpu, &exec_errno);
    /* Same CPU as the program: each ptrace stop is then a local wake-up, not a
     * cross-CPU one (several times cheaper on a VM). */
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(h.bound_cpu, &one);
    sched_setaffinity(0, sizeof one, &one);
    if (t->stop == STOP_EXITED) {
        task_free(t);
        int code = exec_errno == ENOENT ? 127 : 126;
        rw_warn("cannot run %s: %s", o->argv[0], strerror(exec_errno ? exec_errno : ENOEXEC));
        free(R);
        trace_header_free(&h);
        free(dir);
        return code;
    }
    char err[512];
    R->w = trace_create(dir, &h, err, sizeof err);
    trace_header_free(&h);
    if (!R->w) {
        kill(t->tid, SIGKILL);
        rw_fatal("%s", err);
    }
    struct tracer tr;
    tracer_init(&tr);
    tracer_attach(&tr, &recorder_ops, R);
    tracer_set_scheduler(&tr, record_schedule, R, R->slice_ms);
    tracer_add_task(&tr, t);
    struct rtask *first = rtask_of(R, t);
    first->introduced = true;
    first->fds = xcalloc(1, sizeof *first->fds);
    first->fds->users = 1;
    first->fds->kind[1] = FD_STDOUT;
    first->fds->kind[2] = FD_STDERR;
    int status = tracer_run(&tr);
    bool ok = !R->failed;
    if (!trace_close(R->w)) {
        ok = false;
    }
    while (R->ntasks)
        rtask_forget(R, R->tasks[0]->tid);
    rw_dbg("%lu thread switches, %lu preemptions (%lu bytes of state deltas)", (unsigned long)R->switches,
           (unsigned long)R->preemptions, (unsigned long)R->preempt_bytes);
    free(R->shared);
    free(R->shm);
    free(R);
    if (!ok)
        rw_warn("the trace in %s is incomplete", dir);
    else
        rw_dbg("trace written to %s", dir);
    free(dir);
    return exit_code_of(status);
}
