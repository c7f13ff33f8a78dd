/* ioctl — the ioctl requests rewind knows: a name for printing and how many
 * bytes a successful call writes at its third argument.
 *
 * The size encoded in a request number (_IOC_SIZE) is not trusted: many old
 * requests encode nothing, and some drivers write less or more than they
 * declare (BLKBSZGET declares size_t but stores an int).  Sizes here come from
 * what the kernel actually copies out.  Anything not listed is unknown and the
 * recorder falls back to page tracking. */
#include "syscalls.h"

struct ioctl_info {
    uint32_t req;
    const char *name;
    int out;            /* bytes written at arg on success; 0 none; -1 unknown */
};

#define IFREQ_SIZE 40   /* struct ifreq, copied back whole by the SIOCGIF* requests */

static const struct ioctl_info ioctls[] = {
    /* terminals: struct termios as the kernel sees it is 36 bytes (no speeds),
     * struct termio 18, struct termios2 44, struct winsize 8 */
    { 0x5401, "TCGETS", 36 },
    { 0x5402, "TCSETS", 0 },
    { 0x5403, "TCSETSW", 0 },
    { 0x5404, "TCSETSF", 0 },
    { 0x5405, "TCGETA", 18 },
    { 0x5406, "TCSETA", 0 },
    { 0x5407, "TCSETAW", 0 },
    { 0x5408, "TCSETAF", 0 },
    { 0x5409, "TCSBRK", 0 },
    { 0x540a, "TCXONC", 0 },
    { 0x540b, "TCFLSH", 0 },
    { 0x540c, "TIOCEXCL", 0 },
    { 0x540d, "TIOCNXCL", 0 },
    { 0x540e, "TIOCSCTTY", 0 },
    { 0x540f, "TIOCGPGRP", 4 },
    { 0x5410, "TIOCSPGRP", 0 },
    { 0x5411, "TIOCOUTQ", 4 },
    { 0x5412, "TIOCSTI", 0 },
    { 0x5413, "TIOCGWINSZ", 8 },
    { 0x5414, "TIOCSWINSZ", 0 },
    { 0x5415, "TIOCMGET", 4 },
    { 0x5416, "TIOCMBIS", 0 },
    { 0x5417, "TIOCMBIC", 0 },
    { 0x5418, "TIOCMSET", 0 },
    { 0x5419, "TIOCGSOFTCAR", 4 },
    { 0x541a, "TIOCSSOFTCAR", 0 },
    { 0x541b, "FIONREAD", 4 },          /* also SIOCINQ on sockets */
    { 0x541c, "TIOCLINUX", -1 },        /* subcommands write varying amounts */
    { 0x541d, "TIOCCONS", 0 },
    { 0x541e, "TIOCGSERIAL", -1 },
    { 0x541f, "TIOCSSERIAL", 0 },
    { 0x5420, "TIOCPKT", 0 },
    { 0x5421, "FIONBIO", 0 },
    { 0x5422, "TIOCNOTTY", 0 },
    { 0x5423, "TIOCSETD", 0 },
    { 0x5424, "TIOCGETD", 4 },
    { 0x5425, "TCSBRKP", 0 },
    { 0x5427, "TIOCSBRK", 0 },
    { 0x5428, "TIOCCBRK", 0 },
    { 0x5429, "TIOCGSID", 4 },
    { 0x802c542a, "TCGETS2", 44 },
    { 0x402c542b, "TCSETS2", 0 },
    { 0x402c542c, "TCSETSW2", 0 },
    { 0x402c542d, "TCSETSF2", 0 },
    { 0x80045430, "TIOCGPTN", 4 },
    { 0x40045431, "TIOCSPTLCK", 0 },
    { 0x80045432, "TIOCGDEV", 4 },
    { 0x40045436, "TIOCSIG", 0 },
    { 0x5437, "TIOCVHANGUP", 0 },
    { 0x80045438, "TIOCGPKT", 4 },
    { 0x80045439, "TIOCGPTLCK", 4 },
    { 0x80045440, "TIOCGEXCL", 4 },
    { 0x5441, "TIOCGPTPEER", 0 },       /* returns an fd */
    { 0x5450, "FIONCLEX", 0 },
    { 0x5451, "FIOCLEX", 0 },
    { 0x5452, "FIOASYNC", 0 },
    { 0x5459, "TIOCSERGETLSR", 4 },
    { 0x5460, "FIOQSIZE", 8 },          /* loff_t */

    /* files and block devices */
    { 0x2, "FIGETBSZ", 4 },
    { 0x80086601, "FS_IOC_GETFLAGS", 4 }, /* declared long, stores an int */
    { 0x40086602, "FS_IOC_SETFLAGS", 0 },
    { 0x40049409, "FICLONE", 0 },
    { 0x4020940d, "FICLONERANGE", 0 },
    { 0x1260, "BLKGETSIZE", 8 },        /* unsigned long */
    { 0x125e, "BLKROGET", 4 },
    { 0x1268, "BLKSSZGET", 4 },
    { 0x80081270, "BLKBSZGET", 4 },     /* declared size_t, stores an int */
    { 0x80081272, "BLKGETSIZE64", 8 },
    { 0x80045200, "RNDGETENTCNT", 4 },
    { 0x4b33, "KDGKBTYPE", 1 },

    /* sockets */
    { 0x8901, "FIOSETOWN", 0 },
    { 0x8902, "SIOCSPGRP", 0 },
    { 0x8903, "FIOGETOWN", 4 },
    { 0x8904, "SIOCGPGRP", 4 },
    { 0x8905, "SIOCATMARK", 4 },
    { 0x8910, "SIOCGIFNAME", IFREQ_SIZE },
    { 0x8912, "SIOCGIFCONF", -1 },
    { 0x8913, "SIOCGIFFLAGS", IFREQ_SIZE },
    { 0x8915, "SIOCGIFADDR", IFREQ_SIZE },
    { 0x8919, "SIOCGIFBRDADDR", IFREQ_SIZE },
    { 0x891b, "SIOCGIFNETMASK", IFREQ_SIZE },
    { 0x8921, "SIOCGIFMTU", IFREQ_SIZE },
    { 0x8927, "SIOCGIFHWADDR", IFREQ_SIZE },
    { 0x8933, "SIOCGIFINDEX", IFREQ_SIZE },
};

static const struct ioctl_info *find(uint64_t req)
{
    /* The kernel compares requests as unsigned int: upper bits are ignored. */
    uint32_t r = (uint32_t)req;
    for (size_t i = 0; i < sizeof ioctls / sizeof ioctls[0]; i++)
        if (ioctls[i].req == r)
            return &ioctls[i];
    return NULL;
}

const char *ioctl_name(uint64_t req)
{
    const struct ioctl_info *i = find(req);
    return i ? i->name : NULL;
}

int ioctl_output_size(uint64_t req)
{
    const struct ioctl_info *i = find(req);
    return i ? i->out : -1;
}
