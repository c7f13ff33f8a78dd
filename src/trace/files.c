/* files — the trace's store of mapped and executed files, files/ID.
 *
 * ID is the XXH3-128 hash of the contents in hex (32 characters, high half
 * first), so a file mapped by many processes is stored once, and replay can
 * find the exact bytes the recording saw.  Hashing is cached per writer by
 * (device, inode, size, mtime): the same libc mapped ten times is read once.
 *
 * System files (under /usr, /lib, ...) are hard-linked when the trace is on
 * the same filesystem: package managers replace them by rename, so the inode
 * we link keeps its contents.  Everything else is copied, to a temporary name
 * first and renamed into place, so files/ID is always complete. */
#include "internal.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#define IO_BUF (256u << 10)

bool trace_id_valid(const char *id)
{
    if (!id)
        return false;
    for (int i = 0; i < TRACE_ID_LEN; i++)
        if (!((id[i] >= '0' && id[i] <= '9') || (id[i] >= 'a' && id[i] <= 'f')))
            return false;
    return id[TRACE_ID_LEN] == 0;
}

static bool add_err(struct trace_writer *w, const char *what, const char *path)
{
    snprintf(w->err, sizeof w->err, "cannot %s %s: %s", what, path ? path : "file", strerror(errno));
    return false;
}

/* Hashes the whole of fd from offset 0 (pread: the file offset is untouched). */
static bool hash_fd(int fd, char id[TRACE_ID_LEN + 1])
{
    XXH3_state_t *st = XXH3_createState();
    uint8_t *b = xmalloc(IO_BUF);
    uint64_t off = 0;
    bool ok = st && XXH3_128bits_reset(st) == XXH_OK;
    while (ok) {
        ssize_t n = pread(fd, b, IO_BUF, (off_t)off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            ok = n == 0;
            break;
        }
        XXH3_128bits_update(st, b, (size_t)n);
        off += (uint64_t)n;
    }
    if (ok) {
        XXH128_hash_t h = XXH3_128bits_digest(st);
        snprintf(id, TRACE_ID_LEN + 1, "%016llx%016llx",
                 (unsigned long long)h.high64, (unsigned long long)h.low64);
    }
    int e = errno;
    XXH3_freeState(st);
    free(b);
    errno = e;
    return ok;
}

static bool same_version(const struct stat *a, const struct stat *b)
{
    return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size &&
           a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

static const char *cache_find(struct trace_writer *w, const struct stat *st)
{
    for (size_t i = 0; i < w->ncache; i++) {
        struct file_cache_entry *e = &w->cache[i];
        if (e->dev == st->st_dev && e->ino == st->st_ino && e->size == st->st_size &&
            e->mtim.tv_sec == st->st_mtim.tv_sec && e->mtim.tv_nsec == st->st_mtim.tv_nsec)
            return e->id;
    }
    return NULL;
}

static void cache_add(struct trace_writer *w, const struct stat *st, const char *id)
{
    /* grow whenever the count reaches a power of two */
    if ((w->ncache & (w->ncache - 1)) == 0)
        w->cache = xrealloc(w->cache, (w->ncache ? w->ncache * 2 : 1) * sizeof *w->cache);
    struct file_cache_entry *e = &w->cache[w->ncache++];
    e->dev = st->st_dev;
    e->ino = st->st_ino;
    e->size = st->st_size;
    e->mtim = st->st_mtim;
    memcpy(e->id, id, TRACE_ID_LEN + 1);
}

static bool is_system_file(const char *path)
{
    static const char *const dirs[] = {"/usr/", "/lib/", "/lib64/", "/bin/", "/sbin/", "/opt/"};
    if (!path || strstr(path, "/../"))
        return false;
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++)
        if (!strncmp(path, dirs[i], strlen(dirs[i])))
            return true;
    return false;
}

/* Hard-links path as files/id if it is still the file open as st.  link()
 * on a /proc/self/fd path does not work, hence the real path. */
static bool try_link(struct trace_writer *w, const char *path, const struct stat *st, const char *id)
{
    if (!is_system_file(path) || st->st_dev != w->files_dev)
        return false;
    if (linkat(AT_FDCWD, path, w->files_fd, id, AT_SYMLINK_FOLLOW) < 0)
        return false;
    /* the path may name a different file than the one we hashed (replaced
     * since it was opened): then the link is wrong and we copy instead */
    struct stat lst;
    if (fstatat(w->files_fd, id, &lst, 0) == 0 && same_version(&lst, st))
        return true;
    unlinkat(w->files_fd, id, 0);
    return false;
}

/* Copies all of in (from offset 0) to out.  copy_file_range can share
 * blocks (reflinks) or at least avoid a trip through user space; where the
 * kernel or filesystem refuses it we fall back to pread/write. */
static bool copy_fd(int in, int out)
{
    loff_t off_in = 0, off_out = 0;
    bool use_cfr = true;
    uint8_t *b = NULL;
    for (;;) {
        ssize_t n;
        if (use_cfr) {
            n = copy_file_range(in, &off_in, out, &off_out, 1u << 30, 0);
            if (n < 0 && (errno == EXDEV || errno == EINVAL || errno == ENOSYS ||
                          errno == EOPNOTSUPP || errno == EPERM || errno == EBADF)) {
                use_cfr = false;
                continue;
            }
            if (n == 0) {
                /* some filesystems report 0 instead of refusing: let pread
                 * confirm the end of the file */
                use_cfr = false;
                continue;
            }
        } else {
            if (!b)
                b = xmalloc(IO_BUF);
            n = pread(in, b, IO_BUF, off_in);
            if (n > 0) {
                if (lseek(out, off_out, SEEK_SET) < 0 || !write_all(out, b, (size_t)n)) {
                    n = -1;
                } else {
                    off_in += n;
                    off_out += n;
                }
            }
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            int e = errno;
            free(b);
            errno = e;
            return n == 0;
        }
    }
}

/* Copies fd into files/ under a temporary name, hashes the copy (the copy is
 * what replay will use, whatever happened to the original meanwhile) and
 * renames it to its id. */
static bool copy_in(struct trace_writer *w, int fd, const char *path, char id[TRACE_ID_LEN + 1])
{
    char tmp[64];
    snprintf(tmp, sizeof tmp, "tmp.%d.%u", (int)getpid(), w->tmp_counter++);
    int out = openat(w->files_fd, tmp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (out < 0)
        return add_err(w, "create a copy in", w->dir);
    if (!copy_fd(fd, out)) {
        add_err(w, "copy", path);
        goto fail;
    }
    if (!hash_fd(out, id)) {
        add_err(w, "read back the copy of", path);
        goto fail;
    }
    if (close(out) < 0) {
        out = -1;
        add_err(w, "copy", path);
        goto fail;
    }
    out = -1;
    if (renameat(w->files_fd, tmp, w->files_fd, id) < 0) {
        add_err(w, "store a copy of", path);
        goto fail;
    }
    return true;

fail:
    if (out >= 0)
        close(out);
    unlinkat(w->files_fd, tmp, 0);
    return false;
}

bool trace_add_file(struct trace_writer *w, int fd, const char *path, char id[TRACE_ID_LEN + 1])
{
    int own = -1;
    bool ok = false;
    struct stat st, xst;
    const char *cached;

    id[0] = 0;
    if (fd < 0) {
        if (!path) {
            errno = EINVAL;
            return add_err(w, "store", path);
        }
        fd = own = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            return add_err(w, "open", path);
    }
    if (fstat(fd, &st) < 0) {
        add_err(w, "stat", path);
        goto out;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(w->err, sizeof w->err, "cannot store %s: not a regular file", path ? path : "file");
        goto out;
    }
    if ((cached = cache_find(w, &st))) {
        memcpy(id, cached, TRACE_ID_LEN + 1);
        ok = true;
        goto out;
    }
    if (!hash_fd(fd, id)) {
        add_err(w, "read", path);
        goto out;
    }
    /* Stored already (another mapping of the same contents): done.  Else link
     * or copy; a copy may end up with a different id if the file changed
     * after we hashed it, and that id is the right one. */
    ok = fstatat(w->files_fd, id, &xst, 0) == 0 || try_link(w, path, &st, id) ||
         copy_in(w, fd, path, id);
    if (ok)
        cache_add(w, &st, id);
    else
        id[0] = 0;
out:
    if (own >= 0)
        close(own);
    return ok;
}
