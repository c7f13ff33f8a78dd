/* timeline_gate — executing a thread up to a recorded state delta at full
 * speed (see timeline_internal.h).
 *
 * A preemption is recorded as the state the thread had when it was stopped,
 * not as a count of instructions (there is no performance counter to count
 * them).  To show the debugger the code that ran up to there, the thread is
 * executed until its registers equal the recorded ones at the recorded ip.
 * In a CPU-bound loop that ip is reached millions of times; a breakpoint
 * there would cost a ptrace stop each time.  The gate compares in the tracee
 * instead: the instructions at the ip are replaced by a jump to code that
 * compares every general register and the arithmetic flags with the recorded
 * ones, traps (int3) only when they all match, and otherwise runs the
 * displaced instructions (relocated, decoded with capstone) and jumps back.
 *
 * The jump is 5 bytes and may cover several instructions.  A branch into the
 * middle of them would run the jump's bytes; every instruction start inside
 * the patch gets an execute breakpoint (debug registers), so such a branch
 * stops the thread before anything runs, and the gate gives way to plain
 * breakpoint arrivals.  The gate saves the flags with lahf/seto into its own
 * page, never on the program's stack, so the program's memory stays as
 * recorded.  A counter bounds the arrivals (the same bound on every run). */
#include "timeline_internal.h"
#include "../util/util.h"
#include <capstone/capstone.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>

#define JMP_LEN 5
#define PAGE 4096ull
#define DATA_OFF 0xc00  /* the gate's variables, after its code */

/* Where in the page each variable sits. */
enum { V_SAVE_RAX, V_SAVE_FLAGS, V_COUNTER, V_RSP, V_GP0 };

/* general registers compared, with their x86 register numbers */
static const struct { size_t off; int num; } gp_regs[] = {
    {offsetof(regs_t, rax), 0}, {offsetof(regs_t, rcx), 1}, {offsetof(regs_t, rdx), 2},
    {offsetof(regs_t, rbx), 3}, {offsetof(regs_t, rbp), 5}, {offsetof(regs_t, rsi), 6},
    {offsetof(regs_t, rdi), 7}, {offsetof(regs_t, r8), 8}, {offsetof(regs_t, r9), 9},
    {offsetof(regs_t, r10), 10}, {offsetof(regs_t, r11), 11}, {offsetof(regs_t, r12), 12},
    {offsetof(regs_t, r13), 13}, {offsetof(regs_t, r14), 14}, {offsetof(regs_t, r15), 15},
};
#define NGP (sizeof gp_regs / sizeof *gp_regs)

struct emit {
    uint8_t code[DATA_OFF];
    size_t n;
    uint64_t base;            /* the page's address in the tracee */
    bool overflow;
};

static uint64_t var_addr(uint64_t base, int v) { return base + DATA_OFF + 8 * (uint64_t)v; }
static uint64_t here(const struct emit *e) { return e->base + e->n; }

static void put(struct emit *e, const void *b, size_t len)
{
    if (e->n + len > sizeof e->code) {
        e->overflow = true;
        return;
    }
    memcpy(e->code + e->n, b, len);
    e->n += len;
}

static void put8(struct emit *e, uint8_t b) { put(e, &b, 1); }
static void put32(struct emit *e, int32_t v) { put(e, &v, 4); }

static bool fits32(int64_t v) { return v >= INT32_MIN && v <= INT32_MAX; }

/* opcode bytes then a rip-relative ModRM (reg field) to addr; tail: bytes of
 * the instruction that follow the displacement (an immediate) */
static void rip_rel(struct emit *e, const uint8_t *op, size_t oplen, int reg, uint64_t addr, size_t tail)
{
    put(e, op, oplen);
    put8(e, (uint8_t)(((reg & 7) << 3) | 5));
    int64_t d = (int64_t)(addr - (here(e) + 4 + tail));
    put32(e, (int32_t)d);
}

static void mov_to_var(struct emit *e, int v)  /* mov [var], rax */
{
    static const uint8_t op[] = {0x48, 0x89};
    rip_rel(e, op, 2, 0, var_addr(e->base, v), 0);
}

static void mov_from_var(struct emit *e, int v) /* mov rax, [var] */
{
    static const uint8_t op[] = {0x48, 0x8b};
    rip_rel(e, op, 2, 0, var_addr(e->base, v), 0);
}

/* jcc/jmp rel32 to target; returns where the displacement is, for later */
static size_t jump(struct emit *e, int cc, uint64_t target)
{
    if (cc < 0) {
        put8(e, 0xe9);
    } else {
        put8(e, 0x0f);
        put8(e, (uint8_t)(0x80 | cc));
    }
    size_t at = e->n;
    put32(e, (int32_t)(int64_t)(target - (here(e) + 4)));
    return at;
}

static void patch_jump(struct emit *e, size_t at, uint64_t target)
{
    int32_t d = (int32_t)(int64_t)(target - (e->base + at + 4));
    memcpy(e->code + at, &d, 4);
}

/* The flags and rax as the program had them (clobbers the arithmetic flags
 * first: add sets OF from seto's byte, sahf the rest). */
static void restore_flags_rax(struct emit *e)
{
    static const uint8_t fix_of[] = {0x04, 0x7f}, sahf = 0x9e;
    mov_from_var(e, V_SAVE_FLAGS);
    put(e, fix_of, 2);
    put8(e, sahf);
    mov_from_var(e, V_SAVE_RAX);
}

/* Copies the instructions [at, at+len) to the gate at their new address,
 * with rip-relative operands and relative jumps adjusted.  False for what
 * cannot move (calls, which push our address; loop/jrcxz; syscalls). */
static bool relocate(struct emit *e, csh cs, const cs_insn *insn, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        const cs_insn *in = &insn[i];
        const cs_x86 *x = &in->detail->x86;
        if (cs_insn_group(cs, in, CS_GRP_CALL) || cs_insn_group(cs, in, CS_GRP_INT) ||
            cs_insn_group(cs, in, CS_GRP_IRET) || in->id == X86_INS_SYSCALL || in->id == X86_INS_SYSENTER)
            return false;
        if (cs_insn_group(cs, in, CS_GRP_BRANCH_RELATIVE)) {
            if (x->op_count != 1 || x->operands[0].type != X86_OP_IMM)
                return false;
            uint64_t target = (uint64_t)x->operands[0].imm;
            size_t p = 0;
            while (p < in->size && (in->bytes[p] == 0x2e || in->bytes[p] == 0x3e || in->bytes[p] == 0xf2))
                p++;          /* branch hints, bnd */
            uint8_t b0 = p < in->size ? in->bytes[p] : 0, b1 = p + 1 < in->size ? in->bytes[p + 1] : 0;
            if (b0 == 0xeb || b0 == 0xe9)
                jump(e, -1, target);
            else if (b0 >= 0x70 && b0 <= 0x7f)
                jump(e, b0 - 0x70, target);
            else if (b0 == 0x0f && b1 >= 0x80 && b1 <= 0x8f)
                jump(e, b1 - 0x80, target);
            else
                return false; /* loop, jrcxz */
            if (!fits32((int64_t)(target - here(e))))
                return false;
            continue;
        }
        uint8_t bytes[16];
        memcpy(bytes, in->bytes, in->size);
        for (int o = 0; o < x->op_count; o++)
            if (x->operands[o].type == X86_OP_MEM && x->operands[o].mem.base == X86_REG_RIP) {
                if (!x->encoding.disp_offset || x->encoding.disp_size != 4)
                    return false;
                int64_t disp = x->disp + (int64_t)((in->address + in->size) - (here(e) + in->size));
                if (!fits32(disp))
                    return false;
                int32_t d = (int32_t)disp;
                memcpy(bytes + x->encoding.disp_offset, &d, 4);
            }
        put(e, bytes, in->size);
    }
    return true;
}

/* A free page within reach of rel32 jumps from addr (from /proc/PID/maps). */
static uint64_t free_page_near(pid_t pid, uint64_t addr)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/maps", pid);
    char *maps = read_file(path, NULL);
    if (!maps)
        return 0;
    const uint64_t reach = 1ull << 30;
    uint64_t lo = addr > reach ? addr - reach : PAGE * 16, hi = addr + reach, prev_end = PAGE * 16, found = 0;
    for (char *line = maps; line && *line && !found;) {
        char *end = strchr(line, '\n');
        if (end)
            *end = 0;
        unsigned long s, t;
        if (sscanf(line, "%lx-%lx", &s, &t) == 2) {
            /* the page just below the next mapping (the closest to code mapped
             * above the gap), but not under a stack, which grows into it */
            if (s >= prev_end + PAGE && s - PAGE >= lo && s - PAGE < hi && !strstr(line, "[stack"))
                found = s - PAGE;
            prev_end = t;
        }
        line = end ? end + 1 : NULL;
    }
    free(maps);
    return found;
}

void tl_gate_forget(struct timeline *tl)
{
    memset(&tl->gate, 0, sizeof tl->gate);
}

bool tl_gate_open(struct timeline *tl, struct task *t, const regs_t *want)
{
    struct tl_gate *g = &tl->gate;
    uint64_t at = regs_ip(want);
    if (g->failed && g->at == at)
        return false;
    tl_gate_close(tl, t);
    memset(g, 0, sizeof *g);
    g->at = at;
    g->tid = replay_rec_tid(tl->R, t);
    /* the original code: breakpoints of ours in it are put aside */
    uint8_t code[32];
    if (task_read(t, at, code, sizeof code) != sizeof code)
        goto fail;
    for (int i = 0; i < tl->nins; i++)
        if (tl->ins[i].addr >= at && tl->ins[i].addr < at + sizeof code)
            goto fail;        /* a breakpoint there counts arrivals itself */
    csh cs;
    if (cs_open(CS_ARCH_X86, CS_MODE_64, &cs) != CS_ERR_OK)
        goto fail;
    cs_option(cs, CS_OPT_DETAIL, CS_OPT_ON);
    cs_insn *insn = NULL;
    size_t n = cs_disasm(cs, code, sizeof code, at, 0, &insn), count = 0, len = 0;
    while (count < n && len < JMP_LEN) {
        if (count > 0) {
            if (g->ninner == TL_HWSLOTS)
                break;
            g->inner[g->ninner++] = at + len;
        }
        len += insn[count++].size;
    }
    bool ok = len >= JMP_LEN && g->ninner + tl->nslots <= TL_HWSLOTS && !tl->sw_watch;
    for (size_t i = 0; i < count; i++)
        if (cs_insn_group(cs, &insn[i], CS_GRP_INT) || insn[i].id == X86_INS_SYSCALL ||
            insn[i].id == X86_INS_SYSENTER)
            ok = false;       /* never moved, nor single-stepped below */
    /* A thread standing inside those bytes (it stopped there the last time)
     * would hit the gate's breakpoints at once: not yet.  It runs to the
     * recorded ip by breakpoint, and the gate opens there (not failed). */
    uint64_t ip = regs_ip(task_regs(t));
    if (ok && ip > at && ip < at + len) {
        cs_free(insn, n);
        cs_close(&cs);
        memset(g, 0, sizeof *g);
        return false;
    }
    uint64_t page = ok ? free_page_near(t->tgid, at) : 0;
    ok = ok && page;
    if (ok) {
        long r = task_inject_syscall(t, SYS_mmap, page, PAGE, PROT_READ | PROT_WRITE | PROT_EXEC,
                                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, (uint64_t)-1, 0);
        ok = (uint64_t)r == page;
    }
    struct emit *e = xcalloc(1, sizeof *e);
    e->base = page;
    if (ok) {
        static const uint8_t seto_al[] = {0x0f, 0x90, 0xc0}, lahf = 0x9f, int3 = 0xcc;
        /* save rax and the arithmetic flags (AH: lahf, AL: OF) */
        mov_to_var(e, V_SAVE_RAX);
        put8(e, lahf);
        put(e, seto_al, 3);
        mov_to_var(e, V_SAVE_FLAGS);
        mov_from_var(e, V_SAVE_RAX);
        size_t miss[NGP + 2];
        int nmiss = 0;
        for (size_t i = 0; i < NGP; i++) {
            uint8_t op[2] = {(uint8_t)(0x48 | (gp_regs[i].num >= 8 ? 4 : 0)), 0x3b};
            rip_rel(e, op, 2, gp_regs[i].num, var_addr(page, V_GP0 + (int)i), 0);
            miss[nmiss++] = jump(e, 0x5, 0);   /* jne */
        }
        static const uint8_t cmp_rsp[] = {0x48, 0x3b};
        rip_rel(e, cmp_rsp, 2, 4, var_addr(page, V_RSP), 0);
        miss[nmiss++] = jump(e, 0x5, 0);
        /* cmp word [saved flags], expected AL (OF) | AH (lahf's byte) */
        uint64_t fl = want->eflags;
        uint16_t expect = (uint16_t)(((fl >> 11) & 1) | ((((fl & 0xd5) | 0x02) & 0xff) << 8));
        static const uint8_t cmpw[] = {0x66, 0x81};
        rip_rel(e, cmpw, 2, 7, var_addr(page, V_SAVE_FLAGS), 2);
        put(e, &expect, 2);
        miss[nmiss++] = jump(e, 0x5, 0);
        restore_flags_rax(e);
        g->match_trap = here(e);
        put8(e, int3);
        uint64_t miss_at = here(e);
        for (int i = 0; i < nmiss; i++)
            patch_jump(e, miss[i], miss_at);
        static const uint8_t dec_counter[] = {0x48, 0x83};
        rip_rel(e, dec_counter, 2, 5, var_addr(page, V_COUNTER), 1);
        put8(e, 1);
        size_t to_bound = jump(e, 0x4, 0);   /* jz */
        restore_flags_rax(e);
        g->displaced = here(e);
        ok = relocate(e, cs, insn, count);
        jump(e, -1, at + len);
        patch_jump(e, to_bound, here(e));
        restore_flags_rax(e);
        g->bound_trap = here(e);
        put8(e, int3);
        ok = ok && !e->overflow;
    }
    cs_free(insn, n);
    cs_close(&cs);
    if (ok) {
        uint64_t vars[V_GP0 + NGP] = {0};
        /* the arrivals left before the bound, counted on from breakpoint arrivals */
        vars[V_COUNTER] = TL_DELTA_ARRIVALS_MAX + 1 - tl->delta_arrivals;
        vars[V_RSP] = want->rsp;
        for (size_t i = 0; i < NGP; i++)
            memcpy(&vars[V_GP0 + i], (const char *)want + gp_regs[i].off, 8);
        ok = task_write(t, page, e->code, e->n) == e->n &&
             task_write(t, page + DATA_OFF, vars, sizeof vars) == sizeof vars;
    }
    free(e);
    g->page = page;
    g->len = len;
    memcpy(g->orig, code, len);
    if (!ok)
        goto fail;
    g->open = true;
    rw_dbg("timeline: gate at %#lx (%zu bytes, %d inside) for thread %d", (unsigned long)at, len, g->ninner,
           (int)g->tid);
    return true;
fail:
    if (g->page && (uint64_t)task_inject_syscall(t, SYS_munmap, g->page, PAGE, 0, 0, 0, 0) == 0)
        g->page = 0;
    g->failed = true;
    g->open = false;
    return false;
}

void tl_gate_place(struct timeline *tl, struct task *t)
{
    struct tl_gate *g = &tl->gate;
    if (!g->open || g->placed || !t)
        return;
    uint8_t jmp[JMP_LEN] = {0xe9};
    int32_t d = (int32_t)(int64_t)(g->page - (g->at + JMP_LEN));
    memcpy(jmp + 1, &d, 4);
    if (task_write(t, g->at, jmp, JMP_LEN) != JMP_LEN)
        return;
    g->placed = true;
}

void tl_gate_unplace(struct timeline *tl, struct task *t)
{
    struct tl_gate *g = &tl->gate;
    if (!g->placed || !t)
        return;
    task_write(t, g->at, g->orig, g->len);
    g->placed = false;
}

void tl_gate_close(struct timeline *tl, struct task *t)
{
    struct tl_gate *g = &tl->gate;
    if (!g->open)
        return;
    rw_dbg("timeline: gate at %#lx closed", (unsigned long)g->at);
    tl_gate_unplace(tl, t);
    uint64_t left;
    if (t && task_read(t, var_addr(g->page, V_COUNTER), &left, 8) == 8 && left <= TL_DELTA_ARRIVALS_MAX + 1)
        tl->delta_arrivals = TL_DELTA_ARRIVALS_MAX + 1 - left;
    if (t && g->page)
        task_inject_syscall(t, SYS_munmap, g->page, PAGE, 0, 0, 0, 0);
    g->page = 0;
    g->open = false;
    g->ninner = 0;
    if (t)
        tl_set_debug_regs(tl, t);
}

bool tl_gate_inside(const struct timeline *tl, uint64_t ip)
{
    const struct tl_gate *g = &tl->gate;
    return g->open && ip >= g->page && ip < g->page + PAGE;
}

enum tl_gate_stop tl_gate_trapped(struct timeline *tl, struct task *t, uint64_t ip)
{
    struct tl_gate *g = &tl->gate;
    if (!g->open || (ip != g->match_trap + 1 && ip != g->bound_trap + 1))
        return GATE_NONE;
    bool matched = ip == g->match_trap + 1;
    regs_t r = *task_regs(t);
    regs_set_ip(&r, g->at);
    task_set_regs(t, &r);
    return matched ? GATE_MATCH : GATE_BOUND;
}

bool tl_gate_leave(struct timeline *tl, struct task *t)
{
    struct tl_gate *g = &tl->gate;
    for (int i = 0; i < 256 && tl_gate_inside(tl, regs_ip(task_regs(t))); i++) {
        uint64_t ip = regs_ip(task_regs(t));
        if (ip == g->match_trap || ip == g->bound_trap) {
            /* at the trap, everything is as at the gate's entrance */
            regs_t r = *task_regs(t);
            regs_set_ip(&r, g->at);
            task_set_regs(t, &r);
            return true;
        }
        if (!task_step_to_stop(t, PTRACE_SINGLESTEP, 0) || t->stop == STOP_EXITED)
            return false;
    }
    return !tl_gate_inside(tl, regs_ip(task_regs(t)));
}

int tl_insns_ending_at(struct task *t, uint64_t ip, uint64_t *starts, int max)
{
    uint8_t code[15];
    if (ip < sizeof code || task_read(t, ip - sizeof code, code, sizeof code) != sizeof code)
        return 0;
    csh cs;
    if (cs_open(CS_ARCH_X86, CS_MODE_64, &cs) != CS_ERR_OK)
        return 0;
    cs_option(cs, CS_OPT_DETAIL, CS_OPT_ON);
    /* writers of memory first (a watchpoint's), then the rest; longest first */
    int n = 0;
    for (int pass = 0; pass < 2; pass++)
        for (size_t len = sizeof code; len >= 1 && n < max; len--) {
            cs_insn *in = NULL;
            if (cs_disasm(cs, code + sizeof code - len, len, ip - len, 1, &in) != 1)
                continue;
            if (in->size == len) {
                bool writes = false;
                const cs_x86 *x = &in->detail->x86;
                for (int o = 0; o < x->op_count; o++)
                    writes |= x->operands[o].type == X86_OP_MEM && (x->operands[o].access & CS_AC_WRITE);
                if (writes == (pass == 0))
                    starts[n++] = ip - len;
            }
            cs_free(in, 1);
        }
    cs_close(&cs);
    return n;
}
