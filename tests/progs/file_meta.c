/* file_meta: metadata syscalls: mkdir (and EEXIST), rename, link, unlink,
 * rmdir (and ENOTEMPTY), chmod, fchmod, utimensat, access, faccessat. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void r(const char *what, int ret)
{
    printf("%-28s %d %s\n", what, ret, ret < 0 ? strerrorname_np(errno) : "");
}

int main(int argc, char **argv)
{
    char d[4096], f[4096], g[4096], h[4096];
    struct timespec times[2] = { { 1000000000, 5 }, { 1234567890, 999 } };
    struct stat st;
    int fd;

    if (argc < 2) {
        fprintf(stderr, "usage: file_meta DIR\n");
        return 2;
    }
    snprintf(d, sizeof d, "%s/sub", argv[1]);
    snprintf(f, sizeof f, "%s/sub/f", argv[1]);
    snprintf(g, sizeof g, "%s/sub/g", argv[1]);
    snprintf(h, sizeof h, "%s/sub/h", argv[1]);
    r("mkdir", mkdir(d, 0755));
    r("mkdir again", mkdir(d, 0755));
    fd = open(f, O_CREAT | O_WRONLY, 0600);
    r("open", fd >= 0 ? 0 : -1);
    r("rename f->g", rename(f, g));
    r("link g->h", link(g, h));
    r("access(g, R_OK)", access(g, R_OK));
    r("access(f, F_OK)", access(f, F_OK));
    r("faccessat(h, W_OK)", faccessat(AT_FDCWD, h, W_OK, AT_EACCESS));
    r("chmod g 0444", chmod(g, 0444));
    r("fchmod 0640", fchmod(fd, 0640));
    r("utimensat", utimensat(AT_FDCWD, g, times, 0));
    r("stat h", stat(h, &st));
    printf("mode %o nlink %lu atime %ld.%ld mtime %ld.%ld ctime-is-recent %d ino %lu\n",
           st.st_mode, (unsigned long)st.st_nlink, (long)st.st_atim.tv_sec, st.st_atim.tv_nsec,
           (long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec, st.st_ctim.tv_sec > 1600000000,
           (unsigned long)st.st_ino);
    printf("ctime %ld.%09ld\n", (long)st.st_ctim.tv_sec, st.st_ctim.tv_nsec);
    r("rmdir non-empty", rmdir(d));
    r("unlink g", unlink(g));
    r("unlink h", unlink(h));
    r("unlink h again", unlink(h));
    r("rmdir", rmdir(d));
    close(fd);
    return 0;
}
