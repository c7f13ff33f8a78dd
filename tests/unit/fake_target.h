/* fake_target — a dbg_target (gdb/target.h) made of plain data, for testing
 * the gdb server without a replay: one process (pid 1000) with two threads
 * (1000 and 1001), 512 bytes of memory at 0x400000, registers the test sets,
 * and a log of every call the server made.  Shared by test_gdbserver.c and
 * tests/fuzz/fuzz_gdbserver.c. */
#ifndef REWIND_TEST_FAKE_TARGET_H
#define REWIND_TEST_FAKE_TARGET_H
#include "gdb/target.h"
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#define FAKE_PID 1000
#define FAKE_MEM_BASE 0x400000ull
#define FAKE_MEM_SIZE 512
#define FAKE_BAD_ADDR 0xdeadull   /* insert/remove fail here */

struct fake {
    pid_t tids[2];
    int nthreads;
    pid_t current;
    uint8_t mem[FAKE_MEM_SIZE];
    struct dbg_regs regs[2];   /* per thread */
    bool avx, avx512;
    uint8_t auxv[40];
    char copy_of_prog[256];    /* the local file file_copy("/bin/prog") names */

    /* What resume and last_stop report; resume can instead wait for ^C. */
    struct dbg_stop next_stop, stop;
    bool wait_for_interrupt;
    /* The call log. */
    int resumes, inserts, removes, restarts, pass_calls, get_regs_calls;
    struct dbg_resume last_resume;
    int last_interrupt_fd;
    enum dbg_bp_kind last_kind;
    uint64_t last_addr, last_len;
    pid_t last_regs_tid;
    bool pass[65];
    char last_monitor[256];
};

static int fake_index(struct fake *f, pid_t tid)
{
    for (int i = 0; i < f->nthreads; i++)
        if (f->tids[i] == tid)
            return i;
    return -1;
}

static pid_t fake_pid(void *self) { (void)self; return FAKE_PID; }

static int fake_threads(void *self, pid_t *tids, int max)
{
    struct fake *f = self;
    int n = 0;
    tids[n++] = f->current;
    for (int i = 0; i < f->nthreads && n < max; i++)
        if (f->tids[i] != f->current)
            tids[n++] = f->tids[i];
    return n;
}

static pid_t fake_current(void *self) { return ((struct fake *)self)->current; }
static bool fake_alive(void *self, pid_t tid) { return fake_index(self, tid) >= 0; }

static bool fake_get_regs(void *self, pid_t tid, struct dbg_regs *out)
{
    struct fake *f = self;
    int i = fake_index(f, tid);
    f->get_regs_calls++;
    f->last_regs_tid = tid;
    if (i < 0)
        return false;
    *out = f->regs[i];
    return true;
}

static size_t fake_read_mem(void *self, uint64_t addr, void *buf, size_t len)
{
    struct fake *f = self;
    if (addr < FAKE_MEM_BASE || addr >= FAKE_MEM_BASE + FAKE_MEM_SIZE)
        return 0;
    size_t off = addr - FAKE_MEM_BASE;
    size_t n = len < FAKE_MEM_SIZE - off ? len : FAKE_MEM_SIZE - off;
    memcpy(buf, f->mem + off, n);
    return n;
}

static bool fake_bp(struct fake *f, enum dbg_bp_kind kind, uint64_t addr, uint64_t len)
{
    f->last_kind = kind;
    f->last_addr = addr;
    f->last_len = len;
    return addr != FAKE_BAD_ADDR;
}

static bool fake_insert(void *self, enum dbg_bp_kind kind, uint64_t addr, uint64_t len)
{
    ((struct fake *)self)->inserts++;
    return fake_bp(self, kind, addr, len);
}

static bool fake_remove(void *self, enum dbg_bp_kind kind, uint64_t addr, uint64_t len)
{
    ((struct fake *)self)->removes++;
    return fake_bp(self, kind, addr, len);
}

static void fake_set_pass(void *self, const bool pass[65])
{
    struct fake *f = self;
    f->pass_calls++;
    memcpy(f->pass, pass, sizeof f->pass);
}

static void fake_resume(void *self, const struct dbg_resume *how, int interrupt_fd, struct dbg_stop *out)
{
    struct fake *f = self;
    f->resumes++;
    f->last_resume = *how;
    f->last_interrupt_fd = interrupt_fd;
    if (f->wait_for_interrupt) {
        struct pollfd p = {.fd = interrupt_fd, .events = POLLIN};
        poll(&p, 1, 5000);
        *out = (struct dbg_stop){.kind = DBG_STOP_INTERRUPT, .pid = FAKE_PID, .tid = f->current};
    } else {
        *out = f->next_stop;
    }
    f->stop = *out;
}

static void fake_last_stop(void *self, struct dbg_stop *out) { *out = ((struct fake *)self)->stop; }

static size_t fake_auxv(void *self, uint8_t *buf, size_t max)
{
    struct fake *f = self;
    if (!buf)
        return sizeof f->auxv;
    size_t n = max < sizeof f->auxv ? max : sizeof f->auxv;
    memcpy(buf, f->auxv, n);
    return n;
}

static const char *fake_exec_path(void *self) { (void)self; return "/bin/prog"; }

static char *fake_file_copy(void *self, const char *path)
{
    struct fake *f = self;
    if (strcmp(path, "/bin/prog") != 0 || !f->copy_of_prog[0])
        return NULL;
    return xstrdup(f->copy_of_prog);
}

static bool fake_monitor(void *self, const char *cmd, struct buf *out, bool *moved)
{
    struct fake *f = self;
    snprintf(f->last_monitor, sizeof f->last_monitor, "%s", cmd);
    if (strcmp(cmd, "help") == 0) {
        const char *text = "when, goto EVENT, help\n";
        buf_put(out, text, strlen(text));
        return true;
    }
    if (strncmp(cmd, "goto", 4) == 0) {
        *moved = true;
        f->current = f->tids[1];
        return true;
    }
    return false;
}

static bool fake_restart(void *self)
{
    struct fake *f = self;
    f->restarts++;
    f->current = f->tids[0];
    f->stop = (struct dbg_stop){.kind = DBG_STOP_NONE, .pid = FAKE_PID, .tid = f->tids[0]};
    return true;
}

static bool fake_has_avx(void *self) { return ((struct fake *)self)->avx; }
static bool fake_has_avx512(void *self) { return ((struct fake *)self)->avx512; }

static const struct dbg_target_ops fake_ops = {
    .pid = fake_pid, .threads = fake_threads, .current_thread = fake_current,
    .thread_alive = fake_alive, .get_regs = fake_get_regs, .read_mem = fake_read_mem,
    .insert = fake_insert, .remove = fake_remove, .set_pass_signals = fake_set_pass,
    .resume = fake_resume, .last_stop = fake_last_stop, .auxv = fake_auxv,
    .exec_path = fake_exec_path, .file_copy = fake_file_copy, .monitor = fake_monitor,
    .restart = fake_restart, .has_avx = fake_has_avx, .has_avx512 = fake_has_avx512,
};

/* Recognizable contents: memory byte i is i ^ 0x5a, register values name
 * their thread, the auxv has bytes the protocol must escape. */
static void fake_init(struct fake *f)
{
    memset(f, 0, sizeof *f);
    f->tids[0] = FAKE_PID;
    f->tids[1] = FAKE_PID + 1;
    f->nthreads = 2;
    f->current = FAKE_PID;
    for (int i = 0; i < FAKE_MEM_SIZE; i++)
        f->mem[i] = (uint8_t)(i ^ 0x5a);
    for (int t = 0; t < 2; t++) {
        regs_t *g = &f->regs[t].gp;
        g->rax = 0x0102030405060708ull + (uint64_t)t;
        g->rbx = 0x1111;
        g->rip = 0x401000 + (uint64_t)t;
        g->rsp = 0x7ffc0000;
        g->eflags = 0x246;
        g->cs = 0x33;
        g->ss = 0x2b;
        g->orig_rax = (uint64_t)-1;
        g->fs_base = 0x7f0000001000ull;
    }
    for (size_t i = 0; i < sizeof f->auxv; i++)
        f->auxv[i] = (uint8_t)(i * 7);
    f->auxv[3] = '#', f->auxv[4] = '$', f->auxv[5] = '}', f->auxv[6] = '*';
    f->stop = (struct dbg_stop){.kind = DBG_STOP_NONE, .pid = FAKE_PID, .tid = FAKE_PID};
    f->next_stop = (struct dbg_stop){.kind = DBG_STOP_SWBREAK, .pid = FAKE_PID, .tid = FAKE_PID};
}

#endif
