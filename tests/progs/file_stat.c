/* file_stat: the stat family: stat, lstat, fstat, fstatat, statx, statfs and
 * fstatfs, and stat of a missing file.  Inode numbers and times differ between
 * runs. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

static void show(const char *what, int r, const struct stat *st)
{
    if (r < 0) {
        printf("%s: -1 %s\n", what, strerrorname_np(errno));
        return;
    }
    printf("%s: ino %lu mode %o nlink %lu size %ld mtime %ld.%09ld\n", what,
           (unsigned long)st->st_ino, st->st_mode, (unsigned long)st->st_nlink,
           (long)st->st_size, (long)st->st_mtim.tv_sec, st->st_mtim.tv_nsec);
}

int main(int argc, char **argv)
{
    char path[4096], link[4096];
    struct stat st;
    struct statx stx;
    struct statfs sfs;
    int fd, r;

    if (argc < 2) {
        fprintf(stderr, "usage: file_stat DIR\n");
        return 2;
    }
    snprintf(path, sizeof path, "%s/stat.txt", argv[1]);
    snprintf(link, sizeof link, "%s/stat.link", argv[1]);
    fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0640);
    if (fd < 0 || write(fd, "0123456789", 10) != 10) {
        perror(path);
        return 1;
    }
    symlink("stat.txt", link);

    r = stat(path, &st);
    show("stat", r, &st);
    r = lstat(link, &st);
    show("lstat(link)", r, &st);
    r = stat(link, &st);
    show("stat(link)", r, &st);
    r = fstat(fd, &st);
    show("fstat", r, &st);
    r = fstatat(AT_FDCWD, link, &st, AT_SYMLINK_NOFOLLOW);
    show("fstatat(NOFOLLOW)", r, &st);
    r = fstatat(fd, "", &st, AT_EMPTY_PATH);
    show("fstatat(EMPTY_PATH)", r, &st);
    r = stat("/", &st);
    show("stat(/)", r, &st);
    r = stat("/nonexistent/rewind", &st);
    show("stat(missing)", r, &st);

    memset(&stx, 0, sizeof stx);
    r = statx(AT_FDCWD, path, 0, STATX_ALL, &stx);
    printf("statx: %d mask %x ino %llu size %llu mode %o btime %lld.%09u mnt %x:%x\n", r,
           stx.stx_mask, (unsigned long long)stx.stx_ino, (unsigned long long)stx.stx_size,
           stx.stx_mode, (long long)stx.stx_btime.tv_sec, stx.stx_btime.tv_nsec,
           stx.stx_dev_major, stx.stx_dev_minor);
    r = statx(AT_FDCWD, "/nonexistent/rewind", 0, STATX_BASIC_STATS, &stx);
    printf("statx(missing): %d %s\n", r, r < 0 ? strerrorname_np(errno) : "");

    r = statfs(argv[1], &sfs);
    printf("statfs: %d type %lx bsize %ld blocks %lu bfree %lu\n", r, (long)sfs.f_type,
           (long)sfs.f_bsize, (unsigned long)sfs.f_blocks, (unsigned long)sfs.f_bfree);
    r = fstatfs(fd, &sfs);
    printf("fstatfs: %d files %lu ffree %lu\n", r, (unsigned long)sfs.f_files, (unsigned long)sfs.f_ffree);
    close(fd);
    unlink(link);
    unlink(path);
    return 0;
}
