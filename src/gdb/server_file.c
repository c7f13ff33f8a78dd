/* server_file — vFile: gdb reading the program's files (the executable, its
 * libraries) through the connection.  The recorded paths may no longer exist
 * or may hold other contents now, so every open goes to the recording's own
 * copy (dbg_target_ops.file_copy).  Read-only: nothing is created or written.
 *
 * Numbers are hex; replies are "F result[,errno][;binary data]" with errno in
 * the protocol's numbering (gdb manual, "Errno Values"). */
#include "server_internal.h"
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The protocol's errno values; most equal Linux's, ENAMETOOLONG does not. */
enum {
    FIO_EPERM = 1, FIO_ENOENT = 2, FIO_EINTR = 4, FIO_EBADF = 9, FIO_EACCES = 13,
    FIO_EFAULT = 14, FIO_EBUSY = 16, FIO_EEXIST = 17, FIO_ENODEV = 19, FIO_ENOTDIR = 20,
    FIO_EISDIR = 21, FIO_EINVAL = 22, FIO_ENFILE = 23, FIO_EMFILE = 24, FIO_EFBIG = 27,
    FIO_ENOSPC = 28, FIO_ESPIPE = 29, FIO_EROFS = 30, FIO_ENAMETOOLONG = 91,
    FIO_EUNKNOWN = 9999,
};

/* Open flags on the wire (not Linux's). */
enum { FIO_O_ACCMODE = 3, FIO_O_APPEND = 0x8, FIO_O_CREAT = 0x200, FIO_O_TRUNC = 0x400, FIO_O_EXCL = 0x800 };

/* Largest pread: escaping may double the data and it must fit a packet. */
#define MAX_PREAD ((RSP_MAX_PACKET - 64) / 2)

static int fio_errno(int e)
{
    switch (e) {
    case EPERM: return FIO_EPERM;
    case ENOENT: return FIO_ENOENT;
    case EINTR: return FIO_EINTR;
    case EBADF: return FIO_EBADF;
    case EACCES: return FIO_EACCES;
    case EFAULT: return FIO_EFAULT;
    case EBUSY: return FIO_EBUSY;
    case EEXIST: return FIO_EEXIST;
    case ENODEV: return FIO_ENODEV;
    case ENOTDIR: return FIO_ENOTDIR;
    case EISDIR: return FIO_EISDIR;
    case EINVAL: return FIO_EINVAL;
    case ENFILE: return FIO_ENFILE;
    case EMFILE: return FIO_EMFILE;
    case EFBIG: return FIO_EFBIG;
    case ENOSPC: return FIO_ENOSPC;
    case ESPIPE: return FIO_ESPIPE;
    case EROFS: return FIO_EROFS;
    case ENAMETOOLONG: return FIO_ENAMETOOLONG;
    default: return FIO_EUNKNOWN;
    }
}

static void fail(struct server *s, int fio)
{
    s->out.len = 0;
    buf_printf(&s->out, "F-1,%x", (unsigned)fio);
}

/* A handle from the client: an index into s->files, never a raw fd (the
 * client must not reach our socket or the trace's files). */
static int handle_fd(struct server *s, uint64_t h)
{
    return h < SERVER_MAX_FILES ? s->files[h] : -1;
}

/* For requests whose only argument is a handle: the file's fd (and *h), or
 * -1 once the error reply is made. */
static int only_handle(struct server *s, struct rsp_args *a, uint64_t *h)
{
    if (!rsp_arg_hex(a, h) || !rsp_args_done(a)) {
        fail(s, FIO_EINVAL);
        return -1;
    }
    int fd = handle_fd(s, *h);
    if (fd < 0)
        fail(s, FIO_EBADF);
    return fd;
}

/* open:PATHHEX,FLAGS,MODE */
static void vf_open(struct server *s, struct rsp_args *a)
{
    const char *hex;
    size_t hlen;
    uint64_t flags, mode;
    rsp_arg_field(a, ',', &hex, &hlen);
    if (!rsp_arg_hex(a, &flags) || !rsp_arg_lit(a, ",") || !rsp_arg_hex(a, &mode) || !rsp_args_done(a))
        return fail(s, FIO_EINVAL);
    if (hlen / 2 >= PATH_MAX)
        return fail(s, FIO_ENAMETOOLONG);
    char path[PATH_MAX];
    if (!rsp_hex_decode(hex, hlen, (uint8_t *)path) || hlen == 0 || memchr(path, 0, hlen / 2))
        return fail(s, FIO_EINVAL);
    path[hlen / 2] = 0;
    if ((flags & FIO_O_ACCMODE) || (flags & (FIO_O_APPEND | FIO_O_CREAT | FIO_O_TRUNC | FIO_O_EXCL)))
        return fail(s, FIO_EROFS);

    int slot = 0;
    while (slot < SERVER_MAX_FILES && s->files[slot] >= 0)
        slot++;
    if (slot == SERVER_MAX_FILES)
        return fail(s, FIO_EMFILE);
    char *local = OPS(s)->file_copy(SELF(s), path);
    if (!local)
        return fail(s, FIO_ENOENT);
    int fd = open(local, O_RDONLY | O_CLOEXEC);
    int err = errno;
    free(local);
    if (fd < 0)
        return fail(s, fio_errno(err));
    s->files[slot] = fd;
    buf_printf(&s->out, "F%x", (unsigned)slot);
}

/* pread:HANDLE,COUNT,OFFSET */
static void vf_pread(struct server *s, struct rsp_args *a)
{
    uint64_t h, count, off;
    if (!rsp_arg_hex(a, &h) || !rsp_arg_lit(a, ",") || !rsp_arg_hex(a, &count) ||
        !rsp_arg_lit(a, ",") || !rsp_arg_hex(a, &off) || !rsp_args_done(a))
        return fail(s, FIO_EINVAL);
    int fd = handle_fd(s, h);
    if (fd < 0)
        return fail(s, FIO_EBADF);
    if (off > INT64_MAX)
        return fail(s, FIO_EINVAL);
    if (count > MAX_PREAD)
        count = MAX_PREAD;   /* a short read: gdb asks again for the rest */
    uint8_t *data = xmalloc(count);
    ssize_t got = pread(fd, data, count, (off_t)off);
    if (got < 0) {
        fail(s, fio_errno(errno));
    } else {
        buf_printf(&s->out, "F%x;", (unsigned)got);
        rsp_put_escaped(&s->out, data, (size_t)got);
    }
    free(data);
}

static void put_be(uint8_t **p, uint64_t v, int n)
{
    for (int i = n - 1; i >= 0; i--)
        *(*p)++ = (uint8_t)(v >> (8 * i));
}

/* fstat:HANDLE — gdb's struct stat: 32-bit dev, ino, mode, nlink, uid, gid,
 * rdev; 64-bit size, blksize, blocks; 32-bit atime, mtime, ctime; big-endian. */
static void vf_fstat(struct server *s, struct rsp_args *a)
{
    uint64_t h;
    int fd = only_handle(s, a, &h);
    if (fd < 0)
        return;
    struct stat st;
    if (fstat(fd, &st) < 0)
        return fail(s, fio_errno(errno));
    uint8_t raw[64], *p = raw;
    /* The protocol knows regular files and directories, and the permission bits. */
    uint32_t mode = (st.st_mode & 0777) | (S_ISDIR(st.st_mode) ? 040000 : S_ISREG(st.st_mode) ? 0100000 : 0);
    put_be(&p, st.st_dev, 4);
    put_be(&p, st.st_ino, 4);
    put_be(&p, mode, 4);
    put_be(&p, st.st_nlink, 4);
    put_be(&p, st.st_uid, 4);
    put_be(&p, st.st_gid, 4);
    put_be(&p, st.st_rdev, 4);
    put_be(&p, (uint64_t)st.st_size, 8);
    put_be(&p, (uint64_t)st.st_blksize, 8);
    put_be(&p, (uint64_t)st.st_blocks, 8);
    put_be(&p, (uint64_t)st.st_atime, 4);
    put_be(&p, (uint64_t)st.st_mtime, 4);
    put_be(&p, (uint64_t)st.st_ctime, 4);
    buf_printf(&s->out, "F%x;", (unsigned)sizeof raw);
    rsp_put_escaped(&s->out, raw, sizeof raw);
}

/* close:HANDLE */
static void vf_close(struct server *s, struct rsp_args *a)
{
    uint64_t h;
    int fd = only_handle(s, a, &h);
    if (fd < 0)
        return;
    close(fd);
    s->files[h] = -1;
    buf_printf(&s->out, "F0");
}

void srv_vfile_close_all(struct server *s)
{
    for (int i = 0; i < SERVER_MAX_FILES; i++) {
        if (s->files[i] >= 0)
            close(s->files[i]);
        s->files[i] = -1;
    }
}

void srv_vfile(struct server *s, const char *p, size_t n)
{
    struct rsp_args a;
    const char *op;
    size_t oplen;
    rsp_args_init(&a, p, n);
    rsp_arg_field(&a, ':', &op, &oplen);
#define OP(name) (oplen == strlen(name) && memcmp(op, name, oplen) == 0)
    if (OP("setfs"))
        buf_printf(&s->out, "F0");   /* every process sees the recording's files */
    else if (OP("open"))
        vf_open(s, &a);
    else if (OP("pread"))
        vf_pread(s, &a);
    else if (OP("fstat"))
        vf_fstat(s, &a);
    else if (OP("close"))
        vf_close(s, &a);
    else if (OP("readlink"))
        fail(s, FIO_ENOENT);   /* the recording keeps files, not links */
    else if (OP("pwrite") || OP("unlink"))
        fail(s, FIO_EROFS);
#undef OP
}
