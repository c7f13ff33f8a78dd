/* tdesc — see tdesc.h.  Register facts: the gdb manual's "i386 Features",
 * Intel SDM vol. 1 ch. 13 (XSAVE) and 10.5 (FXSAVE). */
#include "tdesc.h"
#include "rsp.h"
#include <cpuid.h>
#include <stddef.h>
#include <string.h>

enum feature { F_CORE, F_SSE, F_LINUX, F_SEGMENTS, F_AVX, F_AVX512, F_COUNT };

static const char *const feature_names[F_COUNT] = {
    "org.gnu.gdb.i386.core", "org.gnu.gdb.i386.sse", "org.gnu.gdb.i386.linux",
    "org.gnu.gdb.i386.segments", "org.gnu.gdb.i386.avx", "org.gnu.gdb.i386.avx512",
};

enum source {
    SRC_GP,      /* a user_regs_struct field at off (its low bits/8 bytes) */
    SRC_XSAVE,   /* XSAVE component comp, register i at off + i * stride */
    SRC_X87CTL,  /* an x87 control register; off says which (enum x87ctl) */
    SRC_MXCSR,
};

enum x87ctl { FCTRL, FSTAT, FTAG, FISEG, FIOFF, FOSEG, FOOFF, FOP };

/* A run of registers named prefix<first..first+count-1>suffix, or just prefix
 * when count is 1. */
struct reg_group {
    uint8_t feature;
    const char *prefix, *suffix;
    uint8_t first, count;
    uint16_t bits;
    const char *type, *group;   /* group: gdb's register group, or NULL */
    uint8_t src, comp;
    uint16_t off, stride;
};

#define GP(name, field, bits, type) \
    {F_CORE, name, "", 0, 1, bits, type, NULL, SRC_GP, 0, offsetof(regs_t, field), 0}
#define X87(name, which) \
    {F_CORE, name, "", 0, 1, 32, "int", "float", SRC_X87CTL, 0, which, 0}

/* In description order, which is gdb's register numbering. */
static const struct reg_group groups[] = {
    GP("rax", rax, 64, "int64"), GP("rbx", rbx, 64, "int64"),
    GP("rcx", rcx, 64, "int64"), GP("rdx", rdx, 64, "int64"),
    GP("rsi", rsi, 64, "int64"), GP("rdi", rdi, 64, "int64"),
    GP("rbp", rbp, 64, "data_ptr"), GP("rsp", rsp, 64, "data_ptr"),
    GP("r8", r8, 64, "int64"), GP("r9", r9, 64, "int64"),
    GP("r10", r10, 64, "int64"), GP("r11", r11, 64, "int64"),
    GP("r12", r12, 64, "int64"), GP("r13", r13, 64, "int64"),
    GP("r14", r14, 64, "int64"), GP("r15", r15, 64, "int64"),
    GP("rip", rip, 64, "code_ptr"), GP("eflags", eflags, 32, "i386_eflags"),
    GP("cs", cs, 32, "int32"), GP("ss", ss, 32, "int32"),
    GP("ds", ds, 32, "int32"), GP("es", es, 32, "int32"),
    GP("fs", fs, 32, "int32"), GP("gs", gs, 32, "int32"),
    /* FXSAVE keeps st(i) in stack order, 16 bytes apart from offset 32. */
    {F_CORE, "st", "", 0, 8, 80, "i387_ext", NULL, SRC_XSAVE, 0, 32, 16},
    X87("fctrl", FCTRL), X87("fstat", FSTAT), X87("ftag", FTAG), X87("fiseg", FISEG),
    X87("fioff", FIOFF), X87("foseg", FOSEG), X87("fooff", FOOFF), X87("fop", FOP),

    {F_SSE, "xmm", "", 0, 16, 128, "vec128", NULL, SRC_XSAVE, 1, 160, 16},
    {F_SSE, "mxcsr", "", 0, 1, 32, "i386_mxcsr", "vector", SRC_MXCSR, 0, 0, 0},

    {F_LINUX, "orig_rax", "", 0, 1, 64, "int", NULL, SRC_GP, 0, offsetof(regs_t, orig_rax), 0},
    {F_SEGMENTS, "fs_base", "", 0, 1, 64, "int", NULL, SRC_GP, 0, offsetof(regs_t, fs_base), 0},
    {F_SEGMENTS, "gs_base", "", 0, 1, 64, "int", NULL, SRC_GP, 0, offsetof(regs_t, gs_base), 0},

    {F_AVX, "ymm", "h", 0, 16, 128, "uint128", NULL, SRC_XSAVE, 2, 0, 16},

    /* Hi16_ZMM holds zmm16-31 whole, 64 bytes each: xmm, ymm upper, zmm upper. */
    {F_AVX512, "xmm", "", 16, 16, 128, "vec128", NULL, SRC_XSAVE, 7, 0, 64},
    {F_AVX512, "ymm", "h", 16, 16, 128, "uint128", NULL, SRC_XSAVE, 7, 16, 64},
    {F_AVX512, "k", "", 0, 8, 64, "uint64", NULL, SRC_XSAVE, 5, 0, 8},
    {F_AVX512, "zmm", "h", 0, 16, 256, "v2ui128", NULL, SRC_XSAVE, 6, 0, 32},
    {F_AVX512, "zmm", "h", 16, 16, 256, "v2ui128", NULL, SRC_XSAVE, 7, 32, 64},
};
#define NGROUPS (sizeof groups / sizeof groups[0])

static bool feature_on(unsigned feats, int f)
{
    if (f == F_AVX512)
        return feats & TDESC_AVX512;
    if (f == F_AVX)
        return feats & (TDESC_AVX | TDESC_AVX512);
    return true;
}

/* The group holding register regno, and its index there; NULL if none. */
static const struct reg_group *find_reg(unsigned feats, int regno, int *index)
{
    if (regno < 0)
        return NULL;
    for (size_t g = 0; g < NGROUPS; g++) {
        if (!feature_on(feats, groups[g].feature))
            continue;
        if (regno < groups[g].count) {
            *index = regno;
            return &groups[g];
        }
        regno -= groups[g].count;
    }
    return NULL;
}

bool tdesc_is_orig_rax(unsigned feats, int regno)
{
    int i;
    const struct reg_group *g = find_reg(feats, regno, &i);
    return g && !strcmp(g->prefix, "orig_rax");
}

int tdesc_nregs(unsigned feats)
{
    int n = 0;
    for (size_t g = 0; g < NGROUPS; g++)
        if (feature_on(feats, groups[g].feature))
            n += groups[g].count;
    return n;
}

int tdesc_reg_size(unsigned feats, int regno)
{
    int i;
    const struct reg_group *g = find_reg(feats, regno, &i);
    return g ? g->bits / 8 : 0;
}

/* ---- values ---- */

uint32_t tdesc_xsave_offset(int comp)
{
    /* What the SDM gives for the standard format on every CPU so far; CPUID
     * has the final word. */
    static const uint32_t architectural[8] = {0, 160, 576, 960, 1024, 1088, 1152, 1664};
    static uint32_t cached[8];
    if (comp < 2 || comp > 7)
        return 0;   /* the legacy area: its registers have fixed places */
    if (!cached[comp]) {
        unsigned a = 0, b = 0, c = 0, d = 0;
        if (__get_cpuid_count(0xd, (unsigned)comp, &a, &b, &c, &d) && b != 0)
            cached[comp] = b;
        else
            cached[comp] = architectural[comp];
    }
    return cached[comp];
}

static uint64_t le(const uint8_t *p, int n)
{
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

/* What the XSAVE buffer can say.  A buffer of only the 512-byte legacy area
 * (no header) holds x87 and SSE state, both in use. */
struct xstate {
    const uint8_t *p;
    uint32_t len;
    uint64_t bv;      /* XSTATE_BV: components not in their init state */
    uint64_t held;    /* components the buffer holds at all */
};

static struct xstate xstate_of(const struct dbg_regs *r)
{
    struct xstate x = {r->xstate, r->xstate_len, 0, 0};
    if (x.len > sizeof r->xstate)
        x.len = sizeof r->xstate;
    if (x.len >= 576) {
        x.bv = le(x.p + 512, 8);
        x.held = ~0ull;   /* each register is still checked against len */
    } else if (x.len >= 512) {
        x.bv = x.held = 3;
    }
    return x;
}

/* An x87 register's 2-bit tag from its contents: 0 valid, 1 zero, 2 special. */
static unsigned x87_class(const uint8_t *st)
{
    unsigned exponent = (unsigned)le(st + 8, 2) & 0x7fff;
    uint64_t mantissa = le(st, 8);
    if (exponent == 0x7fff)
        return 2;                       /* infinity or NaN */
    if (exponent == 0)
        return mantissa ? 2 : 1;        /* denormal, or zero */
    return (mantissa >> 63) ? 0 : 2;    /* no integer bit: unnormal */
}

/* FXSAVE keeps one bit per physical register (1 = not empty); gdb wants the
 * full tag word, 2 bits per physical register, 3 = empty. */
static uint16_t x87_full_tag(const uint8_t *fx)
{
    unsigned abridged = fx[4];
    unsigned top = ((unsigned)le(fx + 2, 2) >> 11) & 7;
    uint16_t tag = 0;
    for (unsigned phys = 0; phys < 8; phys++) {
        unsigned t = 3;
        if (abridged & (1u << phys))
            t = x87_class(fx + 32 + 16 * ((phys - top) & 7));   /* st(i), i = phys - top */
        tag |= (uint16_t)(t << (2 * phys));
    }
    return tag;
}

static uint32_t x87_ctl(const struct xstate *x, enum x87ctl which)
{
    if (!(x->bv & 1))   /* x87 in its init state (FNINIT) */
        return which == FCTRL ? 0x37f : which == FTAG ? 0xffff : 0;
    switch (which) {
    case FCTRL: return (uint32_t)le(x->p + 0, 2);
    case FSTAT: return (uint32_t)le(x->p + 2, 2);
    case FTAG: return x87_full_tag(x->p);
    case FOP: return (uint32_t)le(x->p + 6, 2) & 0x7ff;
    /* The 64-bit FXSAVE form has 64-bit fip/fdp; gdb shows their high
     * halves as the segment registers. */
    case FIOFF: return (uint32_t)le(x->p + 8, 4);
    case FISEG: return (uint32_t)le(x->p + 12, 4);
    case FOOFF: return (uint32_t)le(x->p + 16, 4);
    case FOSEG: return (uint32_t)le(x->p + 20, 4);
    }
    return 0;
}

/* The bytes of register i of group g into val (bits/8 bytes, little-endian);
 * false if the registers at hand do not include it. */
static bool reg_value(const struct reg_group *g, int i, const struct dbg_regs *r, uint8_t *val)
{
    size_t size = g->bits / 8;
    memset(val, 0, size);
    if (g->src == SRC_GP) {
        memcpy(val, (const uint8_t *)&r->gp + g->off, size);   /* x86-64: little-endian */
        return true;
    }
    struct xstate x = xstate_of(r);
    if (x.len < 512)
        return false;
    uint32_t v;
    switch (g->src) {
    case SRC_X87CTL:
        v = x87_ctl(&x, g->off);
        memcpy(val, &v, 4);
        return true;
    case SRC_MXCSR:
        /* XSAVE stores MXCSR with either SSE or AVX state; neither in use
         * means its reset value. */
        v = (x.bv & 6) ? (uint32_t)le(x.p + 24, 4) : 0x1f80;
        memcpy(val, &v, 4);
        return true;
    case SRC_XSAVE: {
        if (!(x.held & (1ull << g->comp)))
            return false;
        uint64_t at = (uint64_t)tdesc_xsave_offset(g->comp) + g->off + (uint64_t)i * g->stride;
        if (at + size > x.len)
            return false;
        if (x.bv & (1ull << g->comp))
            memcpy(val, x.p + at, size);
        return true;   /* else: init state, zeros */
    }
    }
    return false;
}

static void put_value(const struct reg_group *g, int i, const struct dbg_regs *r, struct buf *out)
{
    uint8_t val[64];
    size_t size = g->bits / 8;
    if (reg_value(g, i, r, val)) {
        rsp_put_hex(out, val, size);
    } else {
        buf_reserve(out, 2 * size);
        memset(out->data + out->len, 'x', 2 * size);
        out->len += 2 * size;
    }
}

void tdesc_put_all(unsigned feats, const struct dbg_regs *r, struct buf *out)
{
    for (size_t g = 0; g < NGROUPS; g++)
        if (feature_on(feats, groups[g].feature))
            for (int i = 0; i < groups[g].count; i++)
                put_value(&groups[g], i, r, out);
}

bool tdesc_put_reg(unsigned feats, const struct dbg_regs *r, int regno, struct buf *out)
{
    int i;
    const struct reg_group *g = find_reg(feats, regno, &i);
    if (!g)
        return false;
    put_value(g, i, r, out);
    return true;
}

/* ---- the XML ---- */

struct flag_bit {
    const char *name;
    int bit;
};

static const struct flag_bit eflags_bits[] = {
    {"CF", 0}, {"PF", 2}, {"AF", 4}, {"ZF", 6}, {"SF", 7}, {"TF", 8}, {"IF", 9},
    {"DF", 10}, {"OF", 11}, {"NT", 14}, {"RF", 16}, {"VM", 17}, {"AC", 18},
    {"VIF", 19}, {"VIP", 20}, {"ID", 21}, {NULL, 0},
};

static const struct flag_bit mxcsr_bits[] = {
    {"IE", 0}, {"DE", 1}, {"ZE", 2}, {"OE", 3}, {"UE", 4}, {"PE", 5}, {"DAZ", 6},
    {"IM", 7}, {"DM", 8}, {"ZM", 9}, {"OM", 10}, {"UM", 11}, {"PM", 12}, {"FZ", 15},
    {NULL, 0},
};

static void put_flags(struct buf *out, const char *id, const struct flag_bit *f)
{
    buf_printf(out, "<flags id=\"%s\" size=\"4\">\n", id);
    for (; f->name; f++)
        buf_printf(out, "  <field name=\"%s\" start=\"%d\" end=\"%d\"/>\n", f->name, f->bit, f->bit);
    buf_printf(out, "</flags>\n");
}

/* The views gdb offers of a 128-bit vector register. */
static const struct {
    const char *id, *elem;
    int count;
    const char *field;
} vec128_views[] = {
    {"v4f", "ieee_single", 4, "v4_float"}, {"v2d", "ieee_double", 2, "v2_double"},
    {"v16i8", "int8", 16, "v16_int8"},     {"v8i16", "int16", 8, "v8_int16"},
    {"v4i32", "int32", 4, "v4_int32"},     {"v2i64", "int64", 2, "v2_int64"},
};

/* Types are looked up per feature, so each feature defines what it uses. */
static void put_vec128(struct buf *out)
{
    size_t n = sizeof vec128_views / sizeof vec128_views[0];
    for (size_t i = 0; i < n; i++)
        buf_printf(out, "<vector id=\"%s\" type=\"%s\" count=\"%d\"/>\n",
                   vec128_views[i].id, vec128_views[i].elem, vec128_views[i].count);
    buf_printf(out, "<union id=\"vec128\">\n");
    for (size_t i = 0; i < n; i++)
        buf_printf(out, "  <field name=\"%s\" type=\"%s\"/>\n", vec128_views[i].field, vec128_views[i].id);
    buf_printf(out, "  <field name=\"uint128\" type=\"uint128\"/>\n</union>\n");
}

static void put_feature_types(struct buf *out, int f)
{
    if (f == F_CORE) {
        put_flags(out, "i386_eflags", eflags_bits);
    } else if (f == F_SSE) {
        put_vec128(out);
        put_flags(out, "i386_mxcsr", mxcsr_bits);
    } else if (f == F_AVX512) {
        put_vec128(out);
        buf_printf(out, "<vector id=\"v2ui128\" type=\"uint128\" count=\"2\"/>\n");
    }
}

void tdesc_xml(unsigned feats, struct buf *out)
{
    buf_printf(out, "<?xml version=\"1.0\"?>\n"
                    "<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
                    "<target version=\"1.0\">\n"
                    "<architecture>i386:x86-64</architecture>\n"
                    "<osabi>GNU/Linux</osabi>\n");
    int open = -1;
    for (size_t g = 0; g < NGROUPS; g++) {
        const struct reg_group *rg = &groups[g];
        if (!feature_on(feats, rg->feature))
            continue;
        if (rg->feature != open) {
            if (open >= 0)
                buf_printf(out, "</feature>\n");
            open = rg->feature;
            buf_printf(out, "<feature name=\"%s\">\n", feature_names[open]);
            put_feature_types(out, open);
        }
        for (int i = 0; i < rg->count; i++) {
            if (rg->count == 1)
                buf_printf(out, "<reg name=\"%s\"", rg->prefix);
            else
                buf_printf(out, "<reg name=\"%s%d%s\"", rg->prefix, rg->first + i, rg->suffix);
            buf_printf(out, " bitsize=\"%d\" type=\"%s\"", rg->bits, rg->type);
            if (rg->group)
                buf_printf(out, " group=\"%s\"", rg->group);
            buf_printf(out, "/>\n");
        }
    }
    buf_printf(out, "</feature>\n</target>\n");
}
