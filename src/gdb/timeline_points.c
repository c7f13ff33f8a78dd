/* timeline_points — breakpoint bytes in the debugged process while it runs,
 * and watchpoints: the debug registers, or single steps when they do not fit
 * (see timeline_internal.h). */
#include "timeline_internal.h"
#include "../engine/engine.h"
#include "../util/util.h"
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/user.h>
#include <sys/wait.h>

#define INT3 0xcc

/* ---- breakpoint bytes ---- */

bool tl_is_user_bp(struct timeline *tl, uint64_t addr, enum dbg_bp_kind *kind)
{
    for (int i = 0; i < tl->nbps; i++)
        if ((tl->bps[i].kind == DBG_BP_SW || tl->bps[i].kind == DBG_BP_HW) && tl->bps[i].addr == addr) {
            if (kind)
                *kind = tl->bps[i].kind;
            return true;
        }
    return false;
}

struct tl_inserted *tl_inserted_at(struct timeline *tl, uint64_t addr)
{
    for (int i = 0; i < tl->nins; i++)
        if (tl->ins[i].addr == addr)
            return &tl->ins[i];
    return NULL;
}

void tl_insert_bp(struct timeline *tl, struct task *t, uint64_t addr)
{
    struct tl_inserted *in = tl_inserted_at(tl, addr);
    if (in) {
        /* still there?  A mapping placed over it (the loader does that) took it away */
        uint8_t now;
        if (task_read(t, addr, &now, 1) == 1 && now == INT3)
            return;
        *in = tl->ins[--tl->nins];
    }
    if (tl->nins == TL_MAX_BPS + 2)
        return;
    uint8_t orig, cc = INT3;
    if (task_read(t, addr, &orig, 1) != 1 || task_write(t, addr, &cc, 1) != 1)
        return;               /* not mapped (yet): tried again at the next window */
    tl->ins[tl->nins].addr = addr;
    tl->ins[tl->nins].orig = orig;
    tl->nins++;
}

void tl_remove_bp(struct timeline *tl, struct task *t, uint64_t addr)
{
    struct tl_inserted *in = tl_inserted_at(tl, addr);
    if (!in)
        return;
    uint8_t now;
    /* put the original back only if nothing (an exec, a replayed write) replaced ours */
    if (t && task_read(t, addr, &now, 1) == 1 && now == INT3)
        task_write(t, addr, &in->orig, 1);
    *in = tl->ins[--tl->nins];
}

void tl_remove_all_bps(struct timeline *tl)
{
    struct task *t = tl_any_task(tl);
    tl_gate_unplace(tl, t);
    while (tl->nins)
        tl_remove_bp(tl, t, tl->ins[tl->nins - 1].addr);
}

/* Puts every breakpoint the goal needs in place, except at skip (where a
 * thread stands and must first step off). */
void tl_insert_all_bps(struct timeline *tl, uint64_t skip)
{
    struct task *t = tl_any_task(tl);
    if (!t)
        return;
    bool user = tl->goal == GOAL_CONTINUE || tl->goal == GOAL_SCAN;
    for (int i = 0; user && i < tl->nbps; i++)
        if ((tl->bps[i].kind == DBG_BP_SW || tl->bps[i].kind == DBG_BP_HW) && tl->bps[i].addr != skip)
            tl_insert_bp(tl, t, tl->bps[i].addr);
    if (tl->internal_bp && tl->internal_bp != skip)
        tl_insert_bp(tl, t, tl->internal_bp);
    if (tl->counted_bp && tl->counted_bp != skip)
        tl_insert_bp(tl, t, tl->counted_bp);
    if (tl->delta_bp && tl->delta_bp != skip)
        tl_insert_bp(tl, t, tl->delta_bp);
    tl_gate_place(tl, t);
}

/* ---- watchpoints: the debug registers ---- */

int tl_dr_offset(int i)
{
    return (int)(offsetof(struct user, u_debugreg) + (size_t)i * sizeof(long));
}

/* Splits the watchpoints into aligned 1, 2, 4 and 8 byte pieces, one per
 * debug register.  false if they need more registers than there are: then
 * they are all watched in software (see sw_watch_check). */
bool tl_plan_watch_slots(struct timeline *tl)
{
    tl->nslots = 0;
    for (int i = 0; i < tl->nbps; i++) {
        const struct tl_bp *b = &tl->bps[i];
        if (b->kind < DBG_WP_WRITE)
            continue;
        for (uint64_t a = b->addr, left = b->len; left;) {
            uint64_t size = 8;
            while (size > 1 && ((a & (size - 1)) || size > left))
                size /= 2;
            if (tl->nslots == TL_HWSLOTS)
                return false;
            tl->slots[tl->nslots++] = (struct tl_slot){a, size, i};
            a += size, left -= size;
        }
    }
    return true;
}

bool tl_watching(const struct timeline *tl)
{
    return tl->goal == GOAL_CONTINUE || tl->goal == GOAL_SCAN || tl->goal == GOAL_STEP;
}

void tl_set_debug_regs(struct timeline *tl, struct task *t)
{
    uint64_t dr7 = 0;
    for (int i = 0; tl_watching(tl) && !tl->sw_watch && i < tl->nslots; i++) {
        const struct tl_slot *sl = &tl->slots[i];
        const struct tl_bp *b = &tl->bps[sl->bp];
        uint64_t rw = b->kind == DBG_WP_WRITE ? 1 : 3; /* x86 has no read-only watch: read = access */
        uint64_t len = sl->len == 1 ? 0 : sl->len == 2 ? 1 : sl->len == 8 ? 2 : 3;
        ptrace(PTRACE_POKEUSER, t->tid, tl_dr_offset(i), sl->addr);
        dr7 |= (1ull << (i * 2)) | (rw << (16 + i * 4)) | (len << (18 + i * 4));
    }
    /* the gate's execute breakpoints take the last registers (see tl_gate_open) */
    const struct tl_gate *g = &tl->gate;
    for (int k = 0; g->open && k < g->ninner && replay_rec_tid(tl->R, t) == g->tid; k++) {
        int i = TL_HWSLOTS - 1 - k;
        ptrace(PTRACE_POKEUSER, t->tid, tl_dr_offset(i), g->inner[k]);
        dr7 |= 1ull << (i * 2);   /* RW 00, LEN 00: instruction execution */
    }
    ptrace(PTRACE_POKEUSER, t->tid, tl_dr_offset(7), dr7);
}

/* Software watchpoints: the values as last seen. */
void tl_sw_watch_snapshot(struct timeline *tl, struct task *t)
{
    for (int i = 0; i < tl->nbps; i++)
        if (tl->bps[i].kind >= DBG_WP_WRITE) {
            tl->sw_vals[i] = xrealloc(tl->sw_vals[i], tl->bps[i].len);
            memset(tl->sw_vals[i], 0, tl->bps[i].len);
            task_read(t, tl->bps[i].addr, tl->sw_vals[i], tl->bps[i].len);
        }
}

/* The watchpoint whose value changed since the last look (-1: none). */
int tl_sw_watch_check(struct timeline *tl, struct task *t)
{
    int changed = -1;
    for (int i = 0; i < tl->nbps; i++) {
        const struct tl_bp *b = &tl->bps[i];
        if (b->kind < DBG_WP_WRITE || !tl->sw_vals[i])
            continue;
        uint8_t now[4096];
        memset(now, 0, b->len);
        task_read(t, b->addr, now, b->len);
        if (memcmp(now, tl->sw_vals[i], b->len)) {
            memcpy(tl->sw_vals[i], now, b->len);
            if (changed < 0)
                changed = i;
        }
    }
    return changed;
}

