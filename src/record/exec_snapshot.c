/* exec_snapshot — see exec_snapshot.h. */
#include "exec_snapshot.h"
#include "../tracee/maps.h"
#include "../util/util.h"
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

/* Walks argc/argv/envp on the initial stack to the auxv and turns the vDSO
 * entry into AT_IGNORE: libc then makes real clock_gettime/gettimeofday/time
 * syscalls, which we record. */
static void hide_vdso(struct task *t, uint64_t sp)
{
    uint64_t argc, p = sp, word;
    if (task_read(t, p, &argc, 8) != 8)
        return;
    p += 8 + (argc + 1) * 8;            /* argv and its NULL */
    for (int i = 0; i < 100000; i++, p += 8) {   /* envp */
        if (task_read(t, p, &word, 8) != 8)
            return;
        if (!word)
            break;
    }
    p += 8;
    for (int i = 0; i < 512; i++, p += 16) {
        uint64_t av[2];
        if (task_read(t, p, av, sizeof av) != sizeof av || av[0] == AT_NULL)
            return;
        if (av[0] == AT_SYSINFO_EHDR) {
            uint64_t ignore = AT_IGNORE;
            task_write(t, p, &ignore, 8);
        }
    }
}

static void snapshot_memory(struct task *t, struct event *ev, uint64_t start, uint64_t end)
{
    size_t len = end - start;
    uint8_t *data = xmalloc(len);
    size_t got = task_read(t, start, data, len);
    if (got)
        event_add_patch(ev, start, data, (uint32_t)got);
    free(data);
}

static bool is_kernel_special(const char *name)
{
    return !strcmp(name, "[vdso]") || !strcmp(name, "[vvar]") || !strcmp(name, "[vsyscall]") ||
           !strncmp(name, "[vvar_", 6);
}

/* Ignored and blocked signals survive exec: replay must start with the same. */
static void signal_state(pid_t tid, uint64_t *ignored, uint64_t *blocked)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/status", tid);
    char *text = read_file(path, NULL);
    *ignored = *blocked = 0;
    if (!text)
        return;
    char *p;
    if ((p = strstr(text, "\nSigIgn:")))
        *ignored = strtoull(p + 8, NULL, 16);
    if ((p = strstr(text, "\nSigBlk:")))
        *blocked = strtoull(p + 8, NULL, 16);
    free(text);
}

bool exec_snapshot(struct task *t, struct trace_writer *w, struct event *ev, char *err, size_t errlen)
{
    regs_t r = *task_regs(t);
    hide_vdso(t, regs_sp(&r));

    char link[64], exe[4096];
    snprintf(link, sizeof link, "/proc/%d/exe", t->tid);
    ssize_t n = readlink(link, exe, sizeof exe - 1);
    exe[n > 0 ? n : 0] = 0;
    ev->path = xstrdup(exe);

    struct vma *v;
    int nv = maps_read(t->tid, &v);
    if (nv < 0) {
        snprintf(err, errlen, "cannot read the memory map of %d: %s", t->tid, strerror(errno));
        return false;
    }
    for (int i = 0; i < nv; i++) {
        struct vma *m = &v[i];
        if (is_kernel_special(m->path))
            continue;
        struct mapping map = {
            .start = m->start, .end = m->end, .offset = m->offset, .prot = m->prot,
            .flags = m->shared ? MAP_SHARED : MAP_PRIVATE,
            .name = m->path[0] ? m->path : NULL,
        };
        char id[TRACE_ID_LEN + 1];
        if (m->path[0] == '/') {
            char mf[128];
            snprintf(mf, sizeof mf, "/proc/%d/map_files/%lx-%lx", t->tid, (unsigned long)m->start,
                     (unsigned long)m->end);
            int fd = open(mf, O_RDONLY | O_CLOEXEC);
            bool ok = trace_add_file(w, fd, m->path, id);
            if (fd >= 0)
                close(fd);
            if (!ok) {
                snprintf(err, errlen, "cannot copy %s into the trace: %s", m->path, trace_writer_error(w));
                free(v);
                return false;
            }
            map.file_id = id;
            if (m->prot & PROT_WRITE)
                snapshot_memory(t, ev, m->start, m->end);
        } else if (!strcmp(m->path, "[stack]")) {
            map.flags |= MAP_GROWSDOWN;
            snapshot_memory(t, ev, PAGE_DOWN(regs_sp(&r)), m->end);
        } else {
            snapshot_memory(t, ev, m->start, m->end);
        }
        event_add_mapping(ev, &map);
    }
    free(v);

    signal_state(t->tid, &ev->vals[0], &ev->vals[1]);
    record_registers(t, ev);
    return true;
}

void record_registers(struct task *t, struct event *ev)
{
    regs_t *r = task_regs(t);
    blob_set(&ev->regs, r, sizeof *r);
    ev->flags |= EVF_REGS;
    ev->ip = regs_ip(r);
    uint32_t xlen;
    uint8_t *x = task_get_xstate(t, &xlen);
    if (x) {
        blob_set(&ev->xstate, x, xlen);
        ev->flags |= EVF_XSTATE;
        free(x);
    }
}

static char *cpu_model(void)
{
    char *text = read_file("/proc/cpuinfo", NULL);
    char *model = NULL;
    if (text) {
        char *p = strstr(text, "model name");
        if (p && (p = strchr(p, ':'))) {
            p += 1 + strspn(p + 1, " \t");
            model = strndup(p, strcspn(p, "\n"));
        }
        free(text);
    }
    return model ? model : xstrdup("unknown");
}

static char *find_in_path(const char *prog)
{
    if (strchr(prog, '/'))
        return realpath(prog, NULL) ? realpath(prog, NULL) : xstrdup(prog);
    const char *path = getenv("PATH");
    char *copy = xstrdup(path ? path : "/usr/local/bin:/usr/bin:/bin");
    char *found = NULL;
    for (char *save, *dir = strtok_r(copy, ":", &save); dir && !found; dir = strtok_r(NULL, ":", &save)) {
        char *cand = xasprintf("%s/%s", *dir ? dir : ".", prog);
        if (access(cand, X_OK) == 0)
            found = realpath(cand, NULL);
        free(cand);
    }
    free(copy);
    return found ? found : xstrdup(prog);
}

void record_fill_header(struct trace_header *h, char **argv, char **envp)
{
    int argc = 0, envc = 0;
    while (argv[argc])
        argc++;
    while (envp && envp[envc])
        envc++;
    h->argc = argc;
    h->argv = xcalloc((size_t)argc + 1, sizeof *h->argv);
    for (int i = 0; i < argc; i++)
        h->argv[i] = xstrdup(argv[i]);
    h->envc = envc;
    h->envp = xcalloc((size_t)envc + 1, sizeof *h->envp);
    for (int i = 0; i < envc; i++)
        h->envp[i] = xstrdup(envp[i]);
    char cwd[4096];
    h->cwd = xstrdup(getcwd(cwd, sizeof cwd) ? cwd : "?");
    h->exe = find_in_path(argv[0]);
    struct utsname u;
    uname(&u);
    h->kernel = xasprintf("%s %s %s %s", u.sysname, u.release, u.version, u.machine);
    h->hostname = xstrdup(u.nodename);
    h->cpu = cpu_model();
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    h->start_time_ns = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}
