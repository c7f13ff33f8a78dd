/* addrspace — see addrspace.h. */
#include "addrspace.h"
#include "../tracee/maps.h"
#include "../util/util.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define STUB_BASE 0x6ff000000000ul

long addrspace_open_file(struct task *t, struct trace_reader *r, const char *id)
{
    char *path = trace_file_path(r, id);
    if (!path)
        return -EINVAL;
    size_t len = strlen(path) + 1;
    uint64_t scratch = task_scratch(t);
    long fd = -ENAMETOOLONG;
    if (len <= PAGE_SIZE_ && task_write(t, scratch, path, len) == len)
        fd = task_inject_syscall(t, SYS_openat, (uint64_t)AT_FDCWD, scratch, O_RDONLY | O_CLOEXEC, 0, 0, 0);
    free(path);
    return fd;
}

/* Shared file mappings must stay shared between the replayed processes, but
 * must never write to the trace.  Each recorded file gets one private memory
 * file in rewind, opened by the tracee through /proc: the file the recording
 * numbered (see addrspace_open_shared), or for recordings without numbers each
 * file content.  System V shared memory segments get one each too (shm set;
 * numbered apart from the files). */
static struct shared_copy {
    char id[TRACE_ID_LEN + 1];
    uint64_t number;
    bool shm;
    int fd;
} shared_copies[256];
static int nshared;

void addrspace_forget_shared(void)
{
    for (int i = 0; i < nshared; i++)
        close(shared_copies[i].fd);
    nshared = 0;
}

static int find_shared_copy(const char *id, uint64_t number)
{
    for (int i = 0; i < nshared; i++)
        if (!shared_copies[i].shm && (number ? shared_copies[i].number == number : !strcmp(shared_copies[i].id, id)))
            return shared_copies[i].fd;
    return -1;
}

static int shared_copy_fd(struct trace_reader *r, const char *id, uint64_t number)
{
    int found = find_shared_copy(id, number);
    if (found >= 0)
        return found;
    if (nshared == (int)(sizeof shared_copies / sizeof *shared_copies))
        return -ENOSPC;
    char *path = trace_file_path(r, id);
    int src = path ? open(path, O_RDONLY | O_CLOEXEC) : -1;
    free(path);
    if (src < 0)
        return -errno;
    int fd = memfd_create("rewind-shared", MFD_CLOEXEC);
    char buf[65536];
    ssize_t n;
    while (fd >= 0 && (n = read(src, buf, sizeof buf)) > 0)
        if (!write_all(fd, buf, (size_t)n)) {
            close(fd);
            fd = -1;
        }
    close(src);
    if (fd < 0)
        return -EIO;
    snprintf(shared_copies[nshared].id, sizeof shared_copies[nshared].id, "%s", id);
    shared_copies[nshared].number = number;
    shared_copies[nshared].fd = fd;
    nshared++;
    return fd;
}

bool addrspace_update_shared(struct trace_reader *r, uint64_t number, const char *id, uint64_t offset,
                             uint64_t size, char *err, size_t errlen)
{
    int fd = find_shared_copy("", number);
    if (fd < 0) {
        snprintf(err, errlen, "shared file %lu was not mapped here", (unsigned long)number);
        return false;
    }
    if (id) {
        char *path = trace_file_path(r, id);
        int src = path ? open(path, O_RDONLY | O_CLOEXEC) : -1;
        free(path);
        if (src < 0) {
            snprintf(err, errlen, "cannot open the trace's copy of bytes written to shared file %lu: %s",
                     (unsigned long)number, strerror(errno));
            return false;
        }
        char buf[65536];
        ssize_t n;
        while ((n = read(src, buf, sizeof buf)) > 0) {
            if (pwrite(fd, buf, (size_t)n, (off_t)offset) != n) {
                snprintf(err, errlen, "cannot update the copy of shared file %lu: %s", (unsigned long)number,
                         strerror(errno));
                close(src);
                return false;
            }
            offset += (uint64_t)n;
        }
        int e = errno;
        close(src);
        if (n < 0) {
            snprintf(err, errlen, "cannot read the trace's copy of bytes written to shared file %lu: %s",
                     (unsigned long)number, strerror(e));
            return false;
        }
    }
    if (ftruncate(fd, (off_t)size) < 0) {
        snprintf(err, errlen, "cannot resize the copy of shared file %lu: %s", (unsigned long)number,
                 strerror(errno));
        return false;
    }
    return true;
}

/* Opens rewind's fd (a memory file) read-write inside the tracee, through
 * /proc; returns the tracee's fd or -errno. */
static long open_in_tracee(struct task *t, int fd)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/fd/%d", getpid(), fd);
    size_t len = strlen(path) + 1;
    uint64_t scratch = task_scratch(t);
    if (task_write(t, scratch, path, len) != len)
        return -EFAULT;
    return task_inject_syscall(t, SYS_openat, (uint64_t)AT_FDCWD, scratch, O_RDWR | O_CLOEXEC, 0, 0, 0);
}

long addrspace_open_shared(struct task *t, struct trace_reader *r, const char *id, uint64_t number)
{
    int fd = shared_copy_fd(r, id, number);
    return fd < 0 ? fd : open_in_tracee(t, fd);
}

long addrspace_open_shm(struct task *t, uint64_t number, uint64_t size)
{
    int fd = -1;
    for (int i = 0; i < nshared && fd < 0; i++)
        if (shared_copies[i].shm && shared_copies[i].number == number)
            fd = shared_copies[i].fd;
    if (fd < 0) {
        if (nshared == (int)(sizeof shared_copies / sizeof *shared_copies))
            return -ENOSPC;
        fd = memfd_create("rewind-shm", MFD_CLOEXEC);
        if (fd < 0)
            return -errno;
        shared_copies[nshared].id[0] = 0;
        shared_copies[nshared].number = number;
        shared_copies[nshared].shm = true;
        shared_copies[nshared].fd = fd;
        nshared++;
    }
    /* zero-filled like a new segment; an attach never sees past the end */
    struct stat st;
    if (fstat(fd, &st) < 0 || ((uint64_t)st.st_size < size && ftruncate(fd, (off_t)size) < 0))
        return -errno;
    return open_in_tracee(t, fd);
}

static bool map_one(struct task *t, struct trace_reader *r, const struct mapping *m, char *err, size_t errlen)
{
    long fd = -1;
    int flags = MAP_FIXED | ((m->flags & MAP_SHARED) && !m->file_id ? MAP_SHARED : MAP_PRIVATE);
    if (m->file_id) {
        fd = addrspace_open_file(t, r, m->file_id);
        if (fd < 0) {
            snprintf(err, errlen, "cannot open the trace's copy of %s: %s", m->name ? m->name : m->file_id,
                     strerror((int)-fd));
            return false;
        }
    } else {
        flags |= MAP_ANONYMOUS;
    }
    long got = task_inject_syscall(t, SYS_mmap, m->start, m->end - m->start, m->prot, (uint64_t)flags,
                                   (uint64_t)fd, m->offset);
    if (fd >= 0)
        task_inject_syscall(t, SYS_close, (uint64_t)fd, 0, 0, 0, 0, 0);
    if ((uint64_t)got != m->start) {
        snprintf(err, errlen, "cannot map %s at %#lx: %s", m->name ? m->name : "memory",
                 (unsigned long)m->start, got < 0 ? strerror((int)-got) : "wrong address");
        return false;
    }
    return true;
}

/* The stub's stack and the recorded one share their top (no randomization);
 * grow ours down to the recorded size with a kernel write below it. */
static bool fit_stack(struct task *t, const struct mapping *m, const struct vma *v, int nv,
                      char *err, size_t errlen)
{
    for (int i = 0; i < nv; i++) {
        if (strcmp(v[i].path, "[stack]"))
            continue;
        if (v[i].end != m->end) {
            snprintf(err, errlen, "the stack top differs from the recording (%#lx here, %#lx recorded)",
                     (unsigned long)v[i].end, (unsigned long)m->end);
            return false;
        }
        if (m->start < v[i].start) {
            task_inject_syscall(t, SYS_clock_gettime, CLOCK_MONOTONIC, m->start, 0, 0, 0, 0);
            static const uint8_t zero[16];
            task_write(t, m->start, zero, sizeof zero);
        }
        return true;
    }
    snprintf(err, errlen, "the replay stub has no stack");
    return false;
}

/* Ignored and blocked signals are inherited across exec: give the replay the
 * recorded ones, whatever the replaying shell left us. */
static void restore_signal_state(struct task *t, uint64_t ignored, uint64_t blocked)
{
    uint64_t s = task_scratch(t);
    struct { uint64_t handler, flags, restorer, mask; } act = {0};
    for (int sig = 1; sig <= 64; sig++) {
        if (sig == SIGKILL || sig == SIGSTOP)
            continue;
        act.handler = (ignored >> (sig - 1)) & 1 ? (uint64_t)SIG_IGN : (uint64_t)SIG_DFL;
        task_write(t, s, &act, sizeof act);
        task_inject_syscall(t, SYS_rt_sigaction, (uint64_t)sig, s, 0, 8, 0, 0);
    }
    task_write(t, s, &blocked, sizeof blocked);
    task_inject_syscall(t, SYS_rt_sigprocmask, SIG_SETMASK, s, 0, 8, 0, 0);
}

bool addrspace_rebuild(struct task *t, struct trace_reader *r, const struct event *ev, char *err, size_t errlen)
{
    struct vma *v;
    int nv = maps_read(t->tid, &v);
    if (nv < 0) {
        snprintf(err, errlen, "cannot read the replay process's memory map");
        return false;
    }
    bool ok = true;
    for (uint32_t i = 0; ok && i < ev->nmaps; i++) {
        const struct mapping *m = &ev->maps[i];
        if (m->start < STUB_BASE + 0x1000000 && m->end > STUB_BASE) {
            snprintf(err, errlen, "the recording uses the address range of the replay stub (%#lx)",
                     (unsigned long)m->start);
            ok = false;
        } else if (m->name && !strcmp(m->name, "[stack]")) {
            ok = fit_stack(t, m, v, nv, err, errlen);
        } else {
            ok = map_one(t, r, m, err, errlen);
        }
    }
    for (uint32_t i = 0; ok && i < ev->npatches; i++) {
        const struct mem_patch *p = &ev->patches[i];
        if (task_write(t, p->addr, p->data, p->len) != p->len) {
            snprintf(err, errlen, "cannot restore memory at %#lx", (unsigned long)p->addr);
            ok = false;
        }
    }
    if (ok)
        restore_signal_state(t, ev->vals[0], ev->vals[1]);
    /* Last injection: the stub unmaps its own code; the syscall still returns to
     * the tracer, which then loads the recorded registers. */
    for (int i = 0; ok && i < nv; i++)
        if (v[i].start >= STUB_BASE && v[i].start < STUB_BASE + 0x1000000)
            task_inject_syscall(t, SYS_munmap, v[i].start, v[i].end - v[i].start, 0, 0, 0, 0);
    free(v);
    if (!ok)
        return false;
    if (ev->regs.len != sizeof(regs_t)) {
        snprintf(err, errlen, "exec event without registers");
        return false;
    }
    regs_t regs;
    memcpy(&regs, ev->regs.data, sizeof regs);
    task_set_regs(t, &regs);
    if (ev->xstate.len)
        task_set_xstate(t, ev->xstate.data, ev->xstate.len);
    return true;
}

/* ---- the shared copies at a checkpoint ---- */

struct shared_snapshot {
    int n;
    struct shared_copy copies[256]; /* fds dup'ed: the same memory files */
    uint8_t *data[256];
    uint64_t size[256];
};

struct shared_snapshot *addrspace_shared_save(uint64_t max_bytes)
{
    struct shared_snapshot *s = xcalloc(1, sizeof *s);
    uint64_t total = 0;
    for (int i = 0; i < nshared; i++) {
        struct stat st;
        if (fstat(shared_copies[i].fd, &st) < 0 || (total += (uint64_t)st.st_size) > max_bytes)
            goto fail;
        s->copies[i] = shared_copies[i];
        s->copies[i].fd = fcntl(shared_copies[i].fd, F_DUPFD_CLOEXEC, 3);
        s->size[i] = (uint64_t)st.st_size;
        s->data[i] = xmalloc(st.st_size ? (size_t)st.st_size : 1);
        s->n = i + 1;
        if (s->copies[i].fd < 0 || pread(shared_copies[i].fd, s->data[i], (size_t)st.st_size, 0) != st.st_size)
            goto fail;
    }
    return s;
fail:
    addrspace_shared_free(s);
    return NULL;
}

bool addrspace_shared_restore(const struct shared_snapshot *s)
{
    addrspace_forget_shared();
    for (int i = 0; i < s->n; i++) {
        shared_copies[i] = s->copies[i];
        shared_copies[i].fd = fcntl(s->copies[i].fd, F_DUPFD_CLOEXEC, 3);
        nshared = i + 1;
        if (shared_copies[i].fd < 0 || ftruncate(shared_copies[i].fd, (off_t)s->size[i]) < 0 ||
            pwrite(shared_copies[i].fd, s->data[i], s->size[i], 0) != (ssize_t)s->size[i])
            return false;
    }
    return true;
}

void addrspace_shared_free(struct shared_snapshot *s)
{
    if (!s)
        return;
    for (int i = 0; i < s->n; i++) {
        if (s->copies[i].fd >= 0)
            close(s->copies[i].fd);
        free(s->data[i]);
    }
    free(s);
}
