/* test_memtrack — written-page tracking against a real traced child.
 *
 * The program runs itself as the child ("child" argument) under task_spawn.
 * The child marks points in its run with getppid(tag, &info): the parent runs
 * it with PTRACE_SYSCALL to the marker with a given tag, attaches or collects
 * there, and compares what memtrack reports with what the child did in between.
 * Pages the child wrote must be reported; pages it only read, or never touched,
 * must not (its stack and data pages may appear: they are written too).
 *
 * Build (from the repository root):
 *   cc -std=gnu17 -D_GNU_SOURCE -Isrc -Wall -Wextra -Werror -Wno-unused-parameter \
 *      tests/unit/test_memtrack.c src/tracee/\*.c src/util/util.c src/arch/x86_64.c
 * Prints one line per check and the measured costs; exits 1 on any failure,
 * 77 (skip) if the kernel cannot do this kind of tracking. */
#include "tracee/memtrack.h"
#include "tracee/tracee.h"
#include "util/util.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PG 4096ul
#define BIG_SIZE (256ul << 20)
#define HUGE_SIZE (2ul << 30)   /* above memtrack's full-arming limit */
#define MID_SIZE (512ul << 20)  /* below it */

/* Addresses the child reports at its markers (read by the parent). */
struct info {
    uint64_t a;   /* 32 pages, first 16 populated: user stores and reads */
    uint64_t b;   /* 4 pages: a read() from a pipe writes into page 2 */
    uint64_t c;   /* 8 pages mapped after attach (memtrack_add_range) */
    uint64_t d;   /* 4 pages of a MAP_SHARED file */
    uint64_t e;   /* 4 pages MAP_SHARED|MAP_ANONYMOUS (shmem) */
    uint64_t f;   /* 4 pages mapped read-only, made writable after attach */
    uint64_t g;   /* 4 populated pages nobody touches after attach */
    uint64_t big; /* BIG_SIZE, for the timings */
    uint64_t huge; /* HUGE_SIZE, reserved: armed lazily */
    uint64_t brk;  /* 3 pages the program break grew by after attach */
};

/* ---- child ---------------------------------------------------------------- */

static struct info info;

static void mark(long tag)
{
    syscall(SYS_getppid, tag, &info);
}

static char *map(size_t len, int prot, int flags, int fd)
{
    char *p = mmap(NULL, len, prot, flags, fd, 0);
    if (p == MAP_FAILED)
        _exit(3);
    return p;
}

/* No stdio and no clock calls here: the child may run with rdtsc trapped,
 * and stdio would write pages of its own between the markers. */
static int child_main(void)
{
    char *a = map(32 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
    char *b = map(4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
    char *e = map(4 * PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1);
    char *f = map(4 * PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1);
    char *g = map(4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
    char tmpl[] = "/tmp/test_memtrack-XXXXXX";
    int fd = mkstemp(tmpl);
    if (fd < 0 || unlink(tmpl) < 0 || ftruncate(fd, 4 * PG) < 0)
        return 4;
    char *d = map(4 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd);
    for (int i = 0; i < 16; i++)
        a[i * PG] = 1;
    for (int i = 0; i < 4; i++)
        b[i * PG] = g[i * PG] = 1;
    int p[2];
    if (pipe(p) < 0 || write(p[1], "hello", 5) != 5)
        return 5;
    info = (struct info){.a = (uint64_t)a, .b = (uint64_t)b, .d = (uint64_t)d,
                         .e = (uint64_t)e, .f = (uint64_t)f, .g = (uint64_t)g};

    mark(1); /* the parent attaches here */
    a[3 * PG] = 7;                                   /* populated page */
    a[20 * PG] = 7;                                  /* never populated before */
    volatile char sink = a[5 * PG] + a[25 * PG];     /* reads do not count */
    (void)sink;
    if (read(p[0], b + 2 * PG + 100, 5) != 5)        /* the kernel writes */
        return 6;
    d[1 * PG] = 1;
    e[2 * PG] = 1;
    if (mprotect(f, 4 * PG, PROT_READ | PROT_WRITE) < 0)
        return 7;
    f[0] = 1;
    char *c = map(8 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
    c[4 * PG] = 1;
    info.c = (uint64_t)c;
    char *heap = (char *)PAGE_UP((uint64_t)sbrk(0));
    if (brk(heap + 3 * PG) < 0)
        return 9;
    heap[1 * PG] = 1;
    info.brk = (uint64_t)heap;
    mark(2);

    char *big = map(BIG_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
    memset(big, 1, BIG_SIZE);
    info.big = (uint64_t)big;
    mark(3); /* everything in big written */
    mark(4); /* nothing written */
    for (size_t i = 0; i < BIG_SIZE / PG; i += 2)
        big[i * PG] = 2;
    mark(5); /* every other page: more regions than one scan buffer holds */
    for (size_t i = 0; i < BIG_SIZE / PG; i += 16)
        big[i * PG] = 3;
    mark(6); /* every 16th page */
    mark(7); /* the parent re-attaches here, at the syscall exit */
    big[100 * PG] = 4;
    mark(8);

    /* A mapping moved over tracked memory by a syscall the tracer does not
     * register (mremap here): memtrack finds it and reports it all, once. */
    char *h = map(2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
    h[0] = h[PG] = 1;
    if (mremap(h, 2 * PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, a + 28 * PG) == MAP_FAILED)
        return 8;
    mark(9);
    a[28 * PG] = 2;
    mark(10);

    /* A reservation too big to arm fully, and one just under the limit. */
    char *huge = map(HUGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1);
    info.huge = (uint64_t)huge;
    huge[10 * PG] = 1;
    sink = huge[3000 * PG];
    mark(11);
    huge[10 * PG] = 2;
    sink = huge[3000 * PG];
    mark(12);
    map(MID_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1);
    mark(13);
    return 0;
}

/* ---- parent --------------------------------------------------------------- */

static int failures;

static void check(bool ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void check(bool ok, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("%s: ", ok ? "ok" : "FAIL");
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
    fflush(stdout);
    if (!ok)
        failures++;
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* The child's open fds as one string ("0 1 2 5 "), in directory order sorted. */
static void fd_list(pid_t pid, char *out, size_t len)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/fd", pid);
    int fds[1024], n = 0;
    DIR *d = opendir(path);
    for (struct dirent *de; d && (de = readdir(d)) && n < 1024;)
        if (de->d_name[0] != '.')
            fds[n++] = atoi(de->d_name);
    if (d)
        closedir(d);
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && fds[j - 1] > fds[j]; j--) {
            int x = fds[j];
            fds[j] = fds[j - 1];
            fds[j - 1] = x;
        }
    size_t used = 0;
    out[0] = 0;
    for (int i = 0; i < n && used < len; i++)
        used += (size_t)snprintf(out + used, len - used, "%d ", fds[i]);
}

/* Runs the child to the entry of marker `tag`, registering every mmap and
 * brk growth with m (if any) at its exit, as the recorder does.  Fills *inf. */
static bool run_to_marker(struct task *t, struct memtrack *m, long tag, struct info *inf)
{
    static uint64_t brk_cur;
    int sig = 0;
    for (;;) {
        if (!task_step_to_stop(t, PTRACE_SYSCALL, sig))
            return false;
        sig = 0;
        if (t->stop == STOP_EXITED)
            return false;
        if (t->stop == STOP_SIGNAL) {
            sig = t->sig;
            continue;
        }
        regs_t *r = task_regs(t);
        if (t->stop == STOP_SYSCALL_EXIT && r->orig_rax == SYS_mmap && m && (int64_t)r->rax >= 0) {
            double t0 = now_ms();
            memtrack_add_range(m, r->rax, PAGE_UP(r->rsi));
            if (r->rsi >= BIG_SIZE)
                printf("info: memtrack_add_range of a fresh %lu MiB mapping: %.3f ms\n",
                       (unsigned long)(r->rsi >> 20), now_ms() - t0);
        }
        if (t->stop == STOP_SYSCALL_EXIT && r->orig_rax == SYS_brk) {
            if (m && brk_cur && r->rax > brk_cur)
                memtrack_add_range(m, PAGE_UP(brk_cur), PAGE_UP(r->rax) - PAGE_UP(brk_cur));
            brk_cur = r->rax;
        }
        if (t->stop == STOP_SYSCALL_ENTRY && r->orig_rax == SYS_getppid && (long)r->rdi == tag)
            return task_read(t, r->rsi, inf, sizeof *inf) == sizeof *inf;
    }
}

struct collected {
    struct mem_region_pages *v;
    int n;
    double ms;
};

static struct collected collect(struct memtrack *m)
{
    struct collected c;
    double t0 = now_ms();
    c.n = memtrack_collect(m, &c.v);
    c.ms = now_ms() - t0;
    return c;
}

static bool has_page(const struct collected *c, uint64_t page)
{
    for (int i = 0; i < c->n; i++)
        if (c->v[i].start <= page && page < c->v[i].end)
            return true;
    return false;
}

static uint64_t pages_in(const struct collected *c, uint64_t start, uint64_t end, int *regions)
{
    uint64_t n = 0;
    *regions = 0;
    for (int i = 0; i < c->n; i++) {
        uint64_t s = c->v[i].start > start ? c->v[i].start : start;
        uint64_t e = c->v[i].end < end ? c->v[i].end : end;
        if (s < e) {
            n += (e - s) / PG;
            (*regions)++;
        }
    }
    return n;
}

static void expect_page(const struct collected *c, bool written, uint64_t page, const char *what)
{
    check(has_page(c, page) == written, "%s %s (page %#lx)", what, written ? "reported" : "not reported",
          (unsigned long)page);
}

static bool well_formed(const struct collected *c)
{
    for (int i = 0; i < c->n; i++) {
        if (c->v[i].start % PG || c->v[i].end % PG || c->v[i].start >= c->v[i].end)
            return false;
        if (i && c->v[i].start <= c->v[i - 1].end) /* sorted, merged */
            return false;
    }
    return true;
}

static void print_regions(const struct collected *c)
{
    for (int i = 0; i < c->n && i < 40; i++)
        printf("    %#lx-%#lx (%lu pages)\n", (unsigned long)c->v[i].start, (unsigned long)c->v[i].end,
               (unsigned long)((c->v[i].end - c->v[i].start) / PG));
}

static struct task *spawn_child(const char *self)
{
    char *argv[] = {(char *)self, "child", NULL};
    int exec_errno;
    extern char **environ;
    struct task *t = task_spawn(argv, environ, NULL, NULL, &exec_errno);
    if (t->stop != STOP_EXEC) {
        printf("FAIL: cannot start the child: %s\n", strerror(exec_errno));
        exit(1);
    }
    return t;
}

static void finish_child(struct task *t, const char *what)
{
    int sig = 0;
    while (task_step_to_stop(t, PTRACE_CONT, sig) && t->stop != STOP_EXITED)
        sig = t->stop == STOP_SIGNAL ? t->sig : 0;
    check(t->stop == STOP_EXITED && WIFEXITED(t->status) && WEXITSTATUS(t->status) == 0,
          "%s: child exited normally (status %#x)", what, t->status);
    task_free(t);
}

/* Attaching right after exec, where the recorder does: at execve's
 * syscall-exit stop (at the exec event stop itself nothing can be injected). */
static bool test_attach_at_exec(const char *self)
{
    struct task *t = spawn_child(self);
    char before[4096], after[4096], err[512];
    struct memtrack *m = memtrack_attach(t, err, sizeof err);
    check(!m && t->stop == STOP_EXEC, "attach at the exec event stop refused, child left there (%s)", err);
    check(task_step_to_stop(t, PTRACE_SYSCALL, 0) && t->stop == STOP_SYSCALL_EXIT &&
              task_regs(t)->orig_rax == SYS_execve,
          "child at execve's syscall-exit stop");
    regs_t regs_before = *task_regs(t);
    fd_list(t->tid, before, sizeof before);
    double t0 = now_ms();
    m = memtrack_attach(t, err, sizeof err);
    double ms = now_ms() - t0;
    if (!m) {
        printf("SKIP: memtrack_attach: %s\n", err);
        kill(t->tid, SIGKILL);
        task_step_to_stop(t, PTRACE_CONT, 0);
        task_free(t);
        return false;
    }
    fd_list(t->tid, after, sizeof after);
    check(t->stop == STOP_SYSCALL_EXIT && !memcmp(&regs_before, task_regs(t), sizeof regs_before),
          "attach after exec leaves the child at the same stop with the same registers");
    check(!strcmp(before, after), "attach after exec leaves the fd table as it was (%s)", after);
    printf("info: attach after exec: %.3f ms\n", ms);
    memtrack_free(m);
    finish_child(t, "attach after exec");
    return true;
}

static void test_tracking(const char *self)
{
    struct task *t = spawn_child(self);
    struct info inf;
    char err[512], before[4096], after[4096];

    /* Attach at a syscall-entry stop (marker 1). */
    check(run_to_marker(t, NULL, 1, &inf), "child reached marker 1");
    regs_t regs_before = *task_regs(t);
    fd_list(t->tid, before, sizeof before);
    double t0 = now_ms();
    struct memtrack *m = memtrack_attach(t, err, sizeof err);
    double attach_ms = now_ms() - t0;
    check(m != NULL, "memtrack_attach at a syscall-entry stop%s%s", m ? "" : ": ", m ? "" : err);
    if (!m)
        exit(1);
    printf("info: attach at syscall entry (small process): %.3f ms\n", attach_ms);
    fd_list(t->tid, after, sizeof after);
    check(!strcmp(before, after), "fd table unchanged by attach (%s)", after);
    check(t->stop == STOP_SYSCALL_ENTRY && !memcmp(&regs_before, task_regs(t), sizeof regs_before),
          "child still at the same syscall entry with the same registers");
    struct collected c = collect(m);
    check(c.n == 0, "nothing reported right after attach (%d regions)", c.n);
    free(c.v);

    /* Between markers 1 and 2 the child writes known pages. */
    check(run_to_marker(t, m, 2, &inf), "child reached marker 2");
    /* Re-adding a tracked range must not lose what was written in it. */
    memtrack_add_range(m, inf.a, 32 * PG);
    c = collect(m);
    check(c.n > 0 && well_formed(&c), "collect returned %d sorted, merged, page-aligned regions", c.n);
    print_regions(&c);
    expect_page(&c, true, inf.a + 3 * PG, "user store to a populated page (kept across add_range over it)");
    expect_page(&c, true, inf.a + 20 * PG, "user store to an unpopulated page");
    expect_page(&c, true, inf.b + 2 * PG, "kernel write (read() from a pipe)");
    expect_page(&c, true, inf.d + 1 * PG, "store to a MAP_SHARED file page");
    expect_page(&c, true, inf.e + 2 * PG, "store to a shared anonymous page");
    expect_page(&c, true, inf.f, "store to a page made writable by mprotect");
    expect_page(&c, true, inf.c + 4 * PG, "store to a range added with memtrack_add_range");
    expect_page(&c, false, inf.a, "untouched populated page");
    expect_page(&c, false, inf.a + 5 * PG, "populated page only read");
    expect_page(&c, false, inf.a + 25 * PG, "unpopulated page only read");
    expect_page(&c, false, inf.b + 3 * PG, "page next to the kernel write");
    expect_page(&c, false, inf.d, "untouched MAP_SHARED file page");
    expect_page(&c, false, inf.e + 3 * PG, "untouched shared anonymous page");
    expect_page(&c, false, inf.c + 5 * PG, "untouched page of the added range");
    expect_page(&c, true, inf.brk + 1 * PG, "store to memory the program break grew by");
    expect_page(&c, false, inf.brk + 2 * PG, "untouched page of it");
    int regions;
    check(pages_in(&c, inf.g, inf.g + 4 * PG, &regions) == 0, "nothing reported in the untouched mapping");
    check(pages_in(&c, inf.a, inf.a + 32 * PG, &regions) == 2,
          "exactly 2 pages reported in the 32-page buffer");
    free(c.v);

    /* Again at once: nothing ran, nothing is new.  Also times an idle collect. */
    c = collect(m);
    check(c.n == 0, "second collect with the child stopped reports nothing (%d regions)", c.n);
    free(c.v);
    double idle = 0;
    for (int i = 0; i < 100; i++) {
        c = collect(m);
        idle += c.ms;
        free(c.v);
    }
    printf("info: idle collect, small process: %.4f ms\n", idle / 100);

    /* Timings over BIG_SIZE of populated memory. */
    check(run_to_marker(t, m, 3, &inf), "child reached marker 3");
    c = collect(m);
    uint64_t n = pages_in(&c, inf.big, inf.big + BIG_SIZE, &regions);
    check(n == BIG_SIZE / PG && regions == 1,
          "all %lu pages of the big region reported as one range (%lu pages)",
          BIG_SIZE / PG, (unsigned long)n);
    printf("info: collect, %lu MiB all written: %.3f ms\n", BIG_SIZE >> 20, c.ms);
    free(c.v);

    check(run_to_marker(t, m, 4, &inf), "child reached marker 4");
    c = collect(m);
    n = pages_in(&c, inf.big, inf.big + BIG_SIZE, &regions);
    check(n == 0, "nothing reported in the big region after writing nothing (%lu pages)", (unsigned long)n);
    printf("info: collect, %lu MiB populated, none written: %.3f ms\n", BIG_SIZE >> 20, c.ms);
    free(c.v);
    idle = 0;
    for (int i = 0; i < 100; i++) {
        c = collect(m);
        idle += c.ms;
        free(c.v);
    }
    printf("info: idle collect with %lu MiB populated: %.4f ms\n", BIG_SIZE >> 20, idle / 100);

    check(run_to_marker(t, m, 5, &inf), "child reached marker 5");
    c = collect(m);
    n = pages_in(&c, inf.big, inf.big + BIG_SIZE, &regions);
    check(n == BIG_SIZE / PG / 2 && regions == (int)(BIG_SIZE / PG / 2),
          "every other page of the big region reported (%lu pages in %d regions)", (unsigned long)n, regions);
    printf("info: collect, %lu MiB with every other page written (%d regions): %.3f ms\n", BIG_SIZE >> 20,
           c.n, c.ms);
    free(c.v);

    check(run_to_marker(t, m, 6, &inf), "child reached marker 6");
    c = collect(m);
    n = pages_in(&c, inf.big, inf.big + BIG_SIZE, &regions);
    check(n == BIG_SIZE / PG / 16, "every 16th page of the big region reported (%lu pages)",
          (unsigned long)n);
    printf("info: collect, %lu MiB with every 16th page written: %.3f ms\n", BIG_SIZE >> 20, c.ms);
    free(c.v);

    /* Re-attach at a syscall-exit stop, with the big region populated. */
    check(run_to_marker(t, m, 7, &inf), "child reached marker 7");
    memtrack_free(m);
    check(task_step_to_stop(t, PTRACE_SYSCALL, 0) && t->stop == STOP_SYSCALL_EXIT,
          "child at marker 7's exit");
    fd_list(t->tid, before, sizeof before);
    t0 = now_ms();
    m = memtrack_attach(t, err, sizeof err);
    attach_ms = now_ms() - t0;
    check(m != NULL, "re-attach at a syscall-exit stop%s%s", m ? "" : ": ", m ? "" : err);
    if (!m)
        exit(1);
    printf("info: attach with %lu MiB populated: %.3f ms\n", BIG_SIZE >> 20, attach_ms);
    fd_list(t->tid, after, sizeof after);
    check(!strcmp(before, after), "fd table unchanged by the re-attach (%s)", after);
    check(run_to_marker(t, m, 8, &inf), "child reached marker 8");
    c = collect(m);
    expect_page(&c, true, inf.big + 100 * PG, "store after re-attach");
    expect_page(&c, false, inf.big + 101 * PG, "its untouched neighbour");
    free(c.v);

    check(run_to_marker(t, m, 9, &inf), "child reached marker 9");
    c = collect(m);
    check(pages_in(&c, inf.a + 28 * PG, inf.a + 30 * PG, &regions) == 2,
          "mapping moved over tracked memory without add_range reported whole");
    expect_page(&c, false, inf.a + 27 * PG, "page next to it");
    free(c.v);
    check(run_to_marker(t, m, 10, &inf), "child reached marker 10");
    /* The tracer's own writes (through /proc/PID/mem) count too. */
    uint8_t byte = 9;
    check(task_write(t, inf.g + PG, &byte, 1) == 1, "tracer wrote a byte into the untouched mapping");
    c = collect(m);
    expect_page(&c, true, inf.g + PG, "tracer write through /proc/PID/mem");
    expect_page(&c, true, inf.a + 28 * PG, "store to the adopted mapping");
    expect_page(&c, false, inf.a + 29 * PG, "untouched page of the adopted mapping");
    free(c.v);

    check(run_to_marker(t, m, 11, &inf), "child reached marker 11");
    c = collect(m);
    expect_page(&c, true, inf.huge + 10 * PG, "store to a lazily armed reservation");
    expect_page(&c, false, inf.huge + 3 * PG, "untouched page of it");
    n = pages_in(&c, inf.huge, inf.huge + HUGE_SIZE, &regions);
    printf("info: lazily armed: %lu pages reported after 1 store and 1 read (a read of an unpopulated "
           "page counts once there)\n", (unsigned long)n);
    free(c.v);
    check(run_to_marker(t, m, 12, &inf), "child reached marker 12");
    c = collect(m);
    n = pages_in(&c, inf.huge, inf.huge + HUGE_SIZE, &regions);
    check(n == 1 && has_page(&c, inf.huge + 10 * PG),
          "once armed, only the page stored to again is reported (%lu pages)", (unsigned long)n);
    free(c.v);
    check(run_to_marker(t, m, 13, &inf), "child reached marker 13");

    memtrack_free(m);
    finish_child(t, "tracking");
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "child"))
        return child_main();
    setvbuf(stdout, NULL, _IOLBF, 0);
    rw_debug = getenv("REWIND_DEBUG") != NULL;
    if (!test_attach_at_exec("/proc/self/exe"))
        return 77;
    test_tracking("/proc/self/exe");
    printf("%s: %d failure(s)\n", failures ? "FAIL" : "PASS", failures);
    return failures ? 1 : 0;
}
