/* tdesc — the x86-64 registers as gdb sees them: the target description XML
 * (qXfer:features:read:target.xml) and the values of the 'g' and 'p' replies.
 *
 * gdb numbers the registers of a remote target in the order the description
 * lists them, and the 'g' reply is every register in that order, each as
 * little-endian hex.  Both come from one table here, so they cannot disagree.
 *
 * The features, in order: org.gnu.gdb.i386.core, .sse, .linux (orig_rax),
 * .segments (fs_base, gs_base), then .avx (ymm0h-15h) with TDESC_AVX and
 * .avx512 (xmm16-31, ymm16h-31h, k0-7, zmm0h-31h) with TDESC_AVX512 (which
 * implies TDESC_AVX).
 *
 * Values come from struct dbg_regs: the general registers from
 * user_regs_struct, the rest from the standard (non-compacted) XSAVE layout of
 * NT_X86_XSTATE.  A component whose XSTATE_BV bit is clear is reported in its
 * init state (zeros; fctrl 0x37f, ftag 0xffff, mxcsr 0x1f80), never as the
 * stale bytes in the buffer; a register the buffer does not hold (xstate_len
 * 0, or too short) is reported as unavailable: 'x' digits. */
#ifndef REWIND_GDB_TDESC_H
#define REWIND_GDB_TDESC_H
#include <stdbool.h>
#include "../util/util.h"
#include "target.h"

enum { TDESC_AVX = 1, TDESC_AVX512 = 2 };

/* The whole target description document for these features. */
void tdesc_xml(unsigned feats, struct buf *out);
/* How many registers the description has. */
int tdesc_nregs(unsigned feats);
/* Size in bytes of register regno, or 0 if there is no such register. */
int tdesc_reg_size(unsigned feats, int regno);
/* Appends the 'g' reply: every register in order. */
void tdesc_put_all(unsigned feats, const struct dbg_regs *r, struct buf *out);
/* Whether register regno is orig_rax (the kernel's syscall-restart number). */
bool tdesc_is_orig_rax(unsigned feats, int regno);
/* Appends the 'p' reply for one register; false if there is no such register. */
bool tdesc_put_reg(unsigned feats, const struct dbg_regs *r, int regno, struct buf *out);

/* Offset of XSAVE state component comp (2 = YMM_Hi128, 5 = opmask,
 * 6 = ZMM_Hi256, 7 = Hi16_ZMM) in the standard layout, from CPUID leaf 0xD
 * (the architectural offsets if the CPU does not say); 0 for the legacy x87
 * and SSE components, whose registers sit at fixed places in the first 512
 * bytes.  The replay runs on the recording's kind of CPU, so the host's CPUID
 * describes the recorded buffers too. */
uint32_t tdesc_xsave_offset(int comp);

#endif
