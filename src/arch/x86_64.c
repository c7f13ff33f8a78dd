/* arch/x86_64 — x86-64 specifics (see arch.h). */
#include "arch.h"

uint64_t regs_arg(const regs_t *r, int i)
{
    switch (i) {
    case 0: return r->rdi;
    case 1: return r->rsi;
    case 2: return r->rdx;
    case 3: return r->r10;
    case 4: return r->r8;
    case 5: return r->r9;
    }
    return 0;
}

void regs_set_arg(regs_t *r, int i, uint64_t v)
{
    switch (i) {
    case 0: r->rdi = v; break;
    case 1: r->rsi = v; break;
    case 2: r->rdx = v; break;
    case 3: r->r10 = v; break;
    case 4: r->r8 = v; break;
    case 5: r->r9 = v; break;
    }
}

enum arch_trapped_insn arch_decode_trapped(const uint8_t *b, int n, int *len)
{
    if (n >= 2 && b[0] == 0x0f && b[1] == 0x31) {
        *len = 2;
        return INSN_RDTSC;
    }
    if (n >= 3 && b[0] == 0x0f && b[1] == 0x01 && b[2] == 0xf9) {
        *len = 3;
        return INSN_RDTSCP;
    }
    if (n >= 2 && b[0] == 0x0f && b[1] == 0xa2) {
        *len = 2;
        return INSN_CPUID;
    }
    *len = 0;
    return INSN_NONE;
}
