/* arch — everything that depends on the instruction set lives behind this header:
 * register layout, syscall argument registers, instruction encodings we patch.
 * A port to aarch64 replaces arch/x86_64.c and this header's definitions. */
#ifndef REWIND_ARCH_H
#define REWIND_ARCH_H
#include <stdint.h>
#include <sys/user.h>

typedef struct user_regs_struct regs_t;

static inline uint64_t regs_sysno(const regs_t *r) { return r->orig_rax; }
static inline uint64_t regs_ret(const regs_t *r) { return r->rax; }
static inline uint64_t regs_ip(const regs_t *r) { return r->rip; }
static inline uint64_t regs_sp(const regs_t *r) { return r->rsp; }
static inline void regs_set_ip(regs_t *r, uint64_t v) { r->rip = v; }
static inline void regs_set_ret(regs_t *r, uint64_t v) { r->rax = v; }
static inline void regs_set_sysno(regs_t *r, uint64_t v) { r->orig_rax = v; }
uint64_t regs_arg(const regs_t *r, int i);
void regs_set_arg(regs_t *r, int i, uint64_t v);

/* The syscall instruction and its length: a stop at syscall entry has ip just past it. */
#define ARCH_SYSCALL_INSN "\x0f\x05"
#define ARCH_SYSCALL_INSN_LEN 2
/* rdtsc = 0f 31, rdtscp = 0f 01 f9, cpuid = 0f a2 */
enum arch_trapped_insn { INSN_NONE, INSN_RDTSC, INSN_RDTSCP, INSN_CPUID };
/* Decodes the instruction bytes at a SIGSEGV stop caused by TSC/CPUID trapping. */
enum arch_trapped_insn arch_decode_trapped(const uint8_t *bytes, int n, int *len);

#define PAGE_SIZE_ 4096ul
#define PAGE_DOWN(x) ((x) & ~(PAGE_SIZE_ - 1))
#define PAGE_UP(x) (((x) + PAGE_SIZE_ - 1) & ~(PAGE_SIZE_ - 1))

#endif
