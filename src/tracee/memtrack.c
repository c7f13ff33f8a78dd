/* memtrack — written-page tracking with async userfaultfd write-protection and
 * PAGEMAP_SCAN (see memtrack.h).
 *
 * How it works, in short:
 *   - the userfaultfd is created inside the tracee (its context then belongs to
 *     the tracee's mm), copied out with pidfd_getfd and closed in the tracee;
 *   - from our copy we register the tracee's mappings in write-protect mode and
 *     arm them; with UFFD_FEATURE_WP_ASYNC the kernel resolves every write fault
 *     itself (no message, no waiting on us) by dropping the protection of that
 *     one page, which is what marks it "written";
 *   - PAGEMAP_SCAN on /proc/PID/pagemap lists the unprotected ("written") pages
 *     and, with PM_SCAN_WP_MATCHING, protects them again in the same walk, so no
 *     write can fall between the report and the re-arm.
 *
 * Facts checked on Linux 6.18 (see tests/unit/test_memtrack.c):
 *   - kernel writes (read() into a buffer, pipe reads) are caught like stores;
 *     this holds even for a UFFD_USER_MODE_ONLY userfaultfd, because async
 *     write-protect faults are resolved before the user-mode-only check that
 *     only applies to faults delivered to a handler;
 *   - arming an unpopulated range installs a marker in every PTE, so it
 *     allocates page tables for the whole range: about 6 ms and 2 MiB of page
 *     tables per GiB, whether the range is populated or not (PROT_NONE too);
 *   - to the kernel, an unpopulated page without a marker in a registered
 *     mapping is "written" (never armed, zapped by MADV_DONTNEED, or its page
 *     table freed by CONFIG_PT_RECLAIM); see scan_written() for what we do;
 *   - the tracer's own writes through /proc/PID/mem count as writes too;
 *   - PAGEMAP_SCAN skips mappings that are not registered when only
 *     PM_SCAN_WP_MATCHING is given, and fails the whole call with EPERM (and no
 *     count) under PM_SCAN_CHECK_WPASYNC, which makes that flag useless for
 *     finding out *where* an unregistered mapping is: we ask for those with an
 *     inverted PAGE_IS_WPALLOWED query instead (adopt_strays);
 *   - a write into a protected transparent huge page splits it: reports stay
 *     at 4 KiB granularity.
 *
 * Costs measured there: attach ~0.3 ms for a small process, ~6.5 ms with
 * 256 MiB populated; an idle collect ~15 us (small process) or ~0.25 ms
 * (256 MiB populated); a collect after writing all of 256 MiB ~3 ms. */
#include "memtrack.h"
#include "maps.h"
#include "../util/util.h"
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <linux/userfaultfd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

/* ---- Kernel interface newer than Debian 12's 6.1 headers ------------------
 * Values from the kernel's include/uapi/linux/userfaultfd.h, fs.h and pidfd.h
 * (Linux 6.7 for PAGEMAP_SCAN and WP_ASYNC, 6.4 for WP_UNPOPULATED, 6.9 for
 * PIDFD_THREAD).  Only used when the installed headers lack them. */
#ifndef UFFD_USER_MODE_ONLY
#define UFFD_USER_MODE_ONLY 1
#endif
#ifndef UFFD_FEATURE_WP_HUGETLBFS_SHMEM
#define UFFD_FEATURE_WP_HUGETLBFS_SHMEM (1 << 12)
#endif
#ifndef UFFD_FEATURE_WP_UNPOPULATED
#define UFFD_FEATURE_WP_UNPOPULATED (1 << 13)
#endif
#ifndef UFFD_FEATURE_WP_ASYNC
#define UFFD_FEATURE_WP_ASYNC (1 << 15)
#endif
#ifndef PAGEMAP_SCAN
struct page_region {
    uint64_t start, end;  /* [start, end) */
    uint64_t categories;  /* PAGE_IS_* of every page in it, masked by return_mask */
};
struct pm_scan_arg {
    uint64_t size;        /* sizeof(struct pm_scan_arg) */
    uint64_t flags;       /* PM_SCAN_* */
    uint64_t start, end;  /* range to walk */
    uint64_t walk_end;    /* out: where the walk stopped (the output filled up) */
    uint64_t vec;         /* struct page_region[vec_len] */
    uint64_t vec_len;
    uint64_t max_pages;   /* 0: no limit */
    uint64_t category_inverted, category_mask, category_anyof_mask, return_mask;
};
#define PAGEMAP_SCAN _IOWR('f', 16, struct pm_scan_arg)
#define PAGE_IS_WPALLOWED (1 << 0)
#define PAGE_IS_WRITTEN (1 << 1)
#define PAGE_IS_FILE (1 << 2)
#define PAGE_IS_PRESENT (1 << 3)
#define PAGE_IS_SWAPPED (1 << 4)
#define PAGE_IS_PFNZERO (1 << 5)
#define PAGE_IS_HUGE (1 << 6)
#define PAGE_IS_SOFT_DIRTY (1 << 7)
#define PM_SCAN_WP_MATCHING (1 << 0)   /* write-protect the pages reported */
#define PM_SCAN_CHECK_WPASYNC (1 << 1) /* fail on a mapping without async wp */
#endif
#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL
#endif
/* ---- end of kernel interface ---------------------------------------------- */

/* Ranges larger than this are armed lazily: only their populated pages are
 * protected (nothing to allocate), and a page populated later by a mere read
 * shows up once as written (a zero page, or file contents) before the scan
 * that reports it protects it.  Full arming (UFFDIO_WRITEPROTECT) marks every
 * PTE, so reads never show, but costs ~6 ms and 2 MiB of page tables per GiB
 * even for untouched reservations: a 64 GiB PROT_NONE reserve or a sanitizer's
 * shadow (terabytes) could not afford it. */
#define FULL_ARM_MAX (1ull << 30)

/* PAGEMAP_SCAN output entries per call; a full buffer just means another call. */
#define SCAN_VEC_LEN 1024

struct range {
    uint64_t start, end;
};

struct range_list {
    struct range *v;
    size_t n, cap;
};

struct memtrack {
    pid_t pid;
    int uffd;          /* our copy of the tracee's userfaultfd */
    int pagemap_fd;    /* /proc/PID/pagemap, opened by us */
    struct range_list tracked; /* registered with uffd: sorted, disjoint, merged */
    struct range_list pending; /* written pages found outside memtrack_collect */
    struct page_region vec[SCAN_VEC_LEN];
};

/* ---- range lists ---------------------------------------------------------- */

static void rl_push(struct range_list *l, uint64_t start, uint64_t end)
{
    if (start >= end)
        return;
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        l->v = xrealloc(l->v, l->cap * sizeof *l->v);
    }
    l->v[l->n++] = (struct range){start, end};
}

static int range_cmp(const void *a, const void *b)
{
    const struct range *x = a, *y = b;
    return x->start < y->start ? -1 : x->start > y->start;
}

/* Sorts and merges overlapping or touching ranges. */
static void rl_normalize(struct range_list *l)
{
    if (l->n < 2)
        return;
    /* Scans report in address order: sort only when something came in between
     * (pending ranges, strays). */
    for (size_t i = 1; i < l->n; i++)
        if (l->v[i].start < l->v[i - 1].start) {
            qsort(l->v, l->n, sizeof *l->v, range_cmp);
            break;
        }
    size_t out = 0;
    for (size_t i = 1; i < l->n; i++) {
        if (l->v[i].start <= l->v[out].end) {
            if (l->v[i].end > l->v[out].end)
                l->v[out].end = l->v[i].end;
        } else {
            l->v[++out] = l->v[i];
        }
    }
    l->n = out + 1;
}

static void rl_remove(struct range_list *l, uint64_t start, uint64_t end)
{
    struct range_list keep = {0};
    for (size_t i = 0; i < l->n; i++) {
        struct range x = l->v[i];
        if (x.end <= start || x.start >= end) {
            rl_push(&keep, x.start, x.end);
            continue;
        }
        if (x.start < start)
            rl_push(&keep, x.start, start);
        if (x.end > end)
            rl_push(&keep, end, x.end);
    }
    free(l->v);
    *l = keep;
}

/* ---- kernel helpers ------------------------------------------------------- */

static const char *kernel_release(void)
{
    static struct utsname u;
    return uname(&u) == 0 ? u.release : "unknown";
}

/* One PAGEMAP_SCAN over [start, end), looping while the output buffer fills up,
 * appending what it reports to out (if non-NULL).  With out == NULL no buffer is
 * passed at all, which makes the kernel walk everything in one call (used to
 * re-protect without looking).  Returns 0, or -errno. */
static int scan(struct memtrack *m, uint64_t start, uint64_t end, uint64_t flags, uint64_t inverted,
                uint64_t mask, uint64_t anyof, uint64_t ret_mask, struct range_list *out)
{
    while (start < end) {
        struct pm_scan_arg a = {
            .size = sizeof a,
            .flags = flags,
            .start = start,
            .end = end,
            .vec = out ? (uint64_t)(uintptr_t)m->vec : 0,
            .vec_len = out ? SCAN_VEC_LEN : 0,
            .category_inverted = inverted,
            .category_mask = mask,
            .category_anyof_mask = anyof,
            .return_mask = ret_mask,
        };
        long n = ioctl(m->pagemap_fd, PAGEMAP_SCAN, &a);
        if (n < 0)
            return -errno;
        for (long i = 0; i < n && out; i++)
            rl_push(out, m->vec[i].start, m->vec[i].end);
        /* The kernel stops early only when the buffer is full; walk_end then
         * says where to go on.  Anything else means it walked to the end. */
        if (!out || n < SCAN_VEC_LEN || a.walk_end <= start || a.walk_end >= end)
            break;
        start = a.walk_end;
    }
    return 0;
}

/* Written pages in [start, end), re-protected as they are reported.
 *
 * Only pages that are present or swapped count.  The kernel also calls
 * "written" every unpopulated page that carries no protection marker: pages
 * never armed (see FULL_ARM_MAX), pages zapped by MADV_DONTNEED (anonymous
 * memory keeps no marker then), and page tables freed by CONFIG_PT_RECLAIM
 * (enabled on this 6.18 kernel).  Reporting those would report a whole
 * madvised 1 GiB heap as written, and re-protecting them would allocate page
 * tables for all of it (and arm lazily armed reservations in full).  What such
 * a page holds now is zero (anonymous) or the file's contents, put there by
 * madvise or munmap, which replay performs anyway.  The price: the filter
 * takes the kernel off its fast path for "written only" scans, an idle scan
 * costs ~2.5x as much (0.25 instead of 0.1 ms for 256 MiB populated). */
static int scan_written(struct memtrack *m, uint64_t start, uint64_t end, struct range_list *out)
{
    return scan(m, start, end, PM_SCAN_WP_MATCHING, 0, PAGE_IS_WRITTEN, PAGE_IS_PRESENT | PAGE_IS_SWAPPED,
                PAGE_IS_WRITTEN, out);
}

static int uffd_register(struct memtrack *m, uint64_t start, uint64_t end)
{
    struct uffdio_register r = {.range = {start, end - start}, .mode = UFFDIO_REGISTER_MODE_WP};
    return ioctl(m->uffd, UFFDIO_REGISTER, &r) == 0 ? 0 : -errno;
}

/* Protects a freshly registered range: see FULL_ARM_MAX. */
static int arm(struct memtrack *m, uint64_t start, uint64_t end)
{
    if (end - start > FULL_ARM_MAX)
        return scan_written(m, start, end, NULL);
    struct uffdio_writeprotect wp = {.range = {start, end - start}, .mode = UFFDIO_WRITEPROTECT_MODE_WP};
    return ioctl(m->uffd, UFFDIO_WRITEPROTECT, &wp) == 0 ? 0 : -errno;
}

/* Mappings we leave alone: the kernel's own.  [vvar] is VM_PFNMAP (refused
 * anyway), [vsyscall] is no VMA at all; [vdso] and [uprobes] would register
 * with async wp, but the program cannot write them. */
static bool special_mapping(const char *path)
{
    return !strcmp(path, "[vdso]") || !strncmp(path, "[vvar", 5) || !strcmp(path, "[vsyscall]") ||
           !strcmp(path, "[uprobes]");
}

/* Registers and arms [start, end) (within one mapping or several), adding it
 * to m->tracked unsorted: callers rl_normalize() once they are done.  Failures
 * the kernel gives for mappings it cannot track (EINVAL: special or
 * VM_DROPPABLE mappings; EPERM: shared mappings that can never be written;
 * EBUSY: the program's own userfaultfd has them) are not errors: such a range
 * just stays untracked.  Returns true if tracked. */
static bool track(struct memtrack *m, uint64_t start, uint64_t end)
{
    int e = uffd_register(m, start, end);
    if (e < 0) {
        if (e != -EINVAL && e != -EPERM)
            rw_dbg("memtrack: cannot register %#lx-%#lx: %s", (unsigned long)start, (unsigned long)end,
                   strerror(-e));
        return false;
    }
    e = arm(m, start, end);
    if (e < 0) {
        /* Registered but not protected: its populated pages will show as
         * written once, which is wasteful but not wrong.  Keep it. */
        rw_dbg("memtrack: cannot write-protect %#lx-%#lx: %s", (unsigned long)start, (unsigned long)end,
               strerror(-e));
    }
    rl_push(&m->tracked, start, end);
    return true;
}

/* Registers every mapping of the process that intersects [lo, hi), one by one,
 * so that one the kernel refuses does not stop the others. */
static int track_maps(struct memtrack *m, uint64_t lo, uint64_t hi)
{
    struct vma *v;
    int n = maps_read(m->pid, &v);
    if (n < 0)
        return -1;
    int tracked = 0;
    for (int i = 0; i < n; i++) {
        uint64_t s = v[i].start > lo ? v[i].start : lo, e = v[i].end < hi ? v[i].end : hi;
        if (s >= e || special_mapping(v[i].path))
            continue;
        tracked += track(m, s, e);
    }
    free(v);
    rl_normalize(&m->tracked);
    return tracked;
}

/* ---- attach --------------------------------------------------------------- */

static void set_err(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

/* Fetches fd number `fd` of thread t into our own fd table. */
static int steal_fd(struct task *t, int fd, char *err, size_t errlen)
{
    /* The fd was created in t's fd table: a thread's own pidfd names exactly
     * that table (Linux >= 6.9); older kernels only give pidfds for the thread
     * group leader, whose table the thread shares unless cloned without
     * CLONE_FILES. */
    int pidfd = -1;
    if (t->tid != t->tgid)
        pidfd = (int)syscall(SYS_pidfd_open, t->tid, PIDFD_THREAD);
    if (pidfd < 0)
        pidfd = (int)syscall(SYS_pidfd_open, t->tgid, 0);
    if (pidfd < 0) {
        set_err(err, errlen, "pidfd_open(%d): %s", t->tgid, strerror(errno));
        return -1;
    }
    int ours = (int)syscall(SYS_pidfd_getfd, pidfd, fd, 0);
    if (ours < 0)
        set_err(err, errlen, "pidfd_getfd(pid %d, fd %d): %s", t->tgid, fd, strerror(errno));
    close(pidfd);
    return ours;
}

/* Creates the userfaultfd inside the tracee and brings it over.  Returns our fd or -1. */
static int uffd_from_tracee(struct task *t, char *err, size_t errlen)
{
    /* Without UFFD_USER_MODE_ONLY an unprivileged caller needs
     * vm.unprivileged_userfaultfd=1 (or CAP_SYS_PTRACE); as root the sysctl does
     * not matter.  The user-mode-only kind is allowed to anyone and, for async
     * write-protection, catches kernel writes just the same (checked on 6.18:
     * the flag only affects faults delivered to a handler), so it is the
     * fallback. */
    long fd = task_inject_syscall(t, SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK, 0, 0, 0, 0, 0);
    if (fd == -EPERM) {
        rw_dbg("memtrack: userfaultfd() refused (EPERM): retrying with UFFD_USER_MODE_ONLY");
        fd = task_inject_syscall(t, SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK | UFFD_USER_MODE_ONLY, 0, 0, 0,
                                 0, 0);
    }
    if (fd < 0) {
        if (fd == -ENOSYS)
            set_err(err, errlen,
                    "userfaultfd() is not available (kernel %s built without CONFIG_USERFAULTFD, "
                    "or blocked by a seccomp filter)", kernel_release());
        else
            set_err(err, errlen, "userfaultfd() in the tracee failed: %s%s", strerror((int)-fd),
                    fd == -EPERM ? " (denied by policy: seccomp, LSM or vm.unprivileged_userfaultfd)" : "");
        return -1;
    }
    int ours = steal_fd(t, (int)fd, err, errlen);
    /* Always close the tracee's copy, so its fd numbering is what it was. */
    long r = task_inject_syscall(t, SYS_close, (uint64_t)fd, 0, 0, 0, 0, 0);
    if (r < 0 && ours >= 0) {
        set_err(err, errlen, "could not close the tracee's userfaultfd %ld: %s", fd, strerror((int)-r));
        close(ours);
        return -1;
    }
    return ours;
}

/* UFFDIO_API: asks for async write-protection.  A failed UFFDIO_API leaves the
 * context uninitialized, so it can be retried with fewer features. */
static bool uffd_api(int uffd, char *err, size_t errlen)
{
    static const uint64_t wanted[] = {
        UFFD_FEATURE_WP_ASYNC | UFFD_FEATURE_WP_UNPOPULATED | UFFD_FEATURE_WP_HUGETLBFS_SHMEM,
        /* WP_ASYNC implies WP_UNPOPULATED in the kernel, which needs it: without
         * it PAGEMAP_SCAN does not consider anonymous memory async-protected. */
        UFFD_FEATURE_WP_ASYNC | UFFD_FEATURE_WP_UNPOPULATED,
        UFFD_FEATURE_WP_ASYNC,
    };
    for (size_t i = 0; i < sizeof wanted / sizeof wanted[0]; i++) {
        struct uffdio_api api = {.api = UFFD_API, .features = wanted[i]};
        if (ioctl(uffd, UFFDIO_API, &api) == 0)
            return true;
        if (errno != EINVAL)
            break;
    }
    int e = errno;
    set_err(err, errlen,
            "userfaultfd write-protect tracking needs UFFD_FEATURE_WP_ASYNC (Linux >= 6.7 with "
            "CONFIG_PTE_MARKER_UFFD_WP): UFFDIO_API failed on kernel %s: %s", kernel_release(), strerror(e));
    return false;
}

struct memtrack *memtrack_attach(struct task *t, char *err, size_t errlen)
{
    if (t->stop == STOP_NONE || t->stop == STOP_EXITED) {
        set_err(err, errlen, "thread %d is not in a ptrace stop", t->tid);
        return NULL;
    }
    if (t->stop == STOP_EXEC) {
        /* Still inside execve: the next resume gives execve's syscall-exit stop,
         * not an injected syscall, so nothing can be injected here. */
        set_err(err, errlen, "thread %d is at an exec event stop: attach at execve's syscall-exit stop",
                t->tid);
        return NULL;
    }
    struct memtrack *m = xcalloc(1, sizeof *m);
    m->pid = t->tgid;
    m->uffd = -1;

    /* Check PAGEMAP_SCAN before touching the tracee: an empty walk costs
     * nothing where it exists and fails with ENOTTY where it does not. */
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/pagemap", m->pid);
    m->pagemap_fd = open(path, O_RDONLY | O_CLOEXEC);
    if (m->pagemap_fd < 0) {
        set_err(err, errlen, "cannot open %s: %s", path, strerror(errno));
        goto fail;
    }
    struct pm_scan_arg probe = {.size = sizeof probe, .return_mask = PAGE_IS_WRITTEN};
    if (ioctl(m->pagemap_fd, PAGEMAP_SCAN, &probe) < 0) {
        if (errno == ENOTTY)
            set_err(err, errlen, "userfaultfd write-protect tracking needs Linux >= 6.7 (PAGEMAP_SCAN): "
                    "this kernel is %s", kernel_release());
        else
            set_err(err, errlen, "PAGEMAP_SCAN on %s: %s", path, strerror(errno));
        goto fail;
    }

    m->uffd = uffd_from_tracee(t, err, errlen);
    if (m->uffd < 0 || !uffd_api(m->uffd, err, errlen))
        goto fail;

    int n = track_maps(m, 0, UINT64_MAX);
    if (n < 0) {
        set_err(err, errlen, "cannot read /proc/%d/maps: %s", m->pid, strerror(errno));
        goto fail;
    }
    if (n == 0) {
        /* e.g. every mapping already belongs to the program's own userfaultfd */
        set_err(err, errlen, "userfaultfd refused to register any mapping of process %d", m->pid);
        goto fail;
    }
    return m;
fail:
    memtrack_free(m);
    return NULL;
}

/* ---- after attach --------------------------------------------------------- */

void memtrack_add_range(struct memtrack *m, uint64_t start, uint64_t len)
{
    if (!m || !len)
        return;
    uint64_t s = PAGE_DOWN(start), e = PAGE_UP(start + len);
    if (e <= s)
        return;
    /* Parts of the range may be tracked already (an mremap that grew in place,
     * a remapped part of a tracked range): arming would hide what was written
     * there since the last collect, so take that first. */
    int r = scan_written(m, s, e, &m->pending);
    if (r < 0)
        rw_dbg("memtrack: PAGEMAP_SCAN %#lx-%#lx: %s", (unsigned long)s, (unsigned long)e, strerror(-r));
    if (track(m, s, e))
        rl_normalize(&m->tracked);
    else
        track_maps(m, s, e); /* some mapping in it is refused: do them one by one */
}

/* Mappings inside tracked ranges that our userfaultfd does not cover: a mapping
 * placed over tracked memory without memtrack_add_range (a mmap or mremap the
 * caller did not see, e.g. made by a syscall it does not know).  Nothing tells
 * what was written there, so all of it counts as written; then it is tracked. */
static int adopt_strays(struct memtrack *m, struct range_list *written)
{
    if (!m->tracked.n)
        return 0;
    struct range_list untracked = {0};
    int r = scan(m, m->tracked.v[0].start, m->tracked.v[m->tracked.n - 1].end, 0, PAGE_IS_WPALLOWED,
                 PAGE_IS_WPALLOWED, 0, PAGE_IS_WPALLOWED, &untracked);
    if (r < 0)
        return r;
    rl_normalize(&untracked);
    /* Intersect with the tracked list (both sorted). */
    struct range_list strays = {0};
    for (size_t i = 0, j = 0; i < untracked.n && j < m->tracked.n;) {
        struct range a = untracked.v[i], b = m->tracked.v[j];
        rl_push(&strays, a.start > b.start ? a.start : b.start, a.end < b.end ? a.end : b.end);
        if (a.end < b.end)
            i++;
        else
            j++;
    }
    for (size_t i = 0; i < strays.n; i++) {
        struct range s = strays.v[i];
        rw_dbg("memtrack: %#lx-%#lx was mapped without memtrack_add_range; reporting it all as written",
               (unsigned long)s.start, (unsigned long)s.end);
        rl_push(written, s.start, s.end);
        if (track(m, s.start, s.end))
            rl_normalize(&m->tracked);
        else if (track_maps(m, s.start, s.end) <= 0)
            rl_remove(&m->tracked, s.start, s.end); /* cannot be tracked: stop asking */
    }
    free(untracked.v);
    free(strays.v);
    return 0;
}

int memtrack_collect(struct memtrack *m, struct mem_region_pages **out)
{
    *out = NULL;
    if (!m)
        return -1;
    struct range_list written = m->pending;
    m->pending = (struct range_list){0};
    int r = 0;
    /* One walk from the first tracked page to the last: the kernel skips
     * unregistered mappings (and holes) by itself, and one call costs less than
     * one per tracked range (measured on 6.18 for a small process: ~10 us for
     * an idle collect in one walk, ~15-20 us walking each range). */
    if (m->tracked.n)
        r = scan_written(m, m->tracked.v[0].start, m->tracked.v[m->tracked.n - 1].end, &written);
    if (r == 0)
        r = adopt_strays(m, &written);
    if (r < 0) {
        rw_dbg("memtrack: PAGEMAP_SCAN of process %d: %s", m->pid, strerror(-r));
        free(written.v);
        return -1;
    }
    rl_normalize(&written);
    struct mem_region_pages *res = xmalloc((written.n ? written.n : 1) * sizeof *res);
    for (size_t i = 0; i < written.n; i++)
        res[i] = (struct mem_region_pages){written.v[i].start, written.v[i].end};
    free(written.v);
    *out = res;
    return (int)written.n;
}

void memtrack_free(struct memtrack *m)
{
    if (!m)
        return;
    /* Closing the last reference unregisters everything; protection bits left
     * in page tables are ignored once no userfaultfd covers a mapping. */
    if (m->uffd >= 0)
        close(m->uffd);
    if (m->pagemap_fd >= 0)
        close(m->pagemap_fd);
    free(m->tracked.v);
    free(m->pending.v);
    free(m);
}
