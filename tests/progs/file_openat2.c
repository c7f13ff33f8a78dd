/* file_openat2: the open family by raw syscall(): open, openat relative to a
 * directory fd, openat2 with RESOLVE_BENEATH (ok and EXDEV), openat2 with a
 * bad size, creat, O_TMPFILE, and O_EXCL on an existing file. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static void report(const char *what, long r)
{
    if (r < 0)
        printf("%s = -1 %s\n", what, strerrorname_np(errno));
    else
        printf("%s = %ld\n", what, r);
}

int main(int argc, char **argv)
{
    char path[4096], buf[64];
    struct open_how how;
    struct timespec ts;
    long dirfd, fd, n;

    if (argc < 2) {
        fprintf(stderr, "usage: file_openat2 DIR\n");
        return 2;
    }
    dirfd = syscall(SYS_open, argv[1], O_RDONLY | O_DIRECTORY);
    report("open(dir)", dirfd);
    fd = syscall(SYS_openat, dirfd, "a.txt", O_CREAT | O_WRONLY | O_TRUNC, 0644);
    report("openat(dirfd, a.txt, O_CREAT)", fd);
    clock_gettime(CLOCK_REALTIME, &ts);
    n = snprintf(buf, sizeof buf, "nsec %ld\n", ts.tv_nsec);
    report("write", write(fd, buf, n));
    close(fd);

    memset(&how, 0, sizeof how);
    how.flags = O_RDONLY;
    how.resolve = RESOLVE_BENEATH;
    fd = syscall(SYS_openat2, dirfd, "a.txt", &how, sizeof how);
    report("openat2(a.txt, RESOLVE_BENEATH)", fd);
    memset(buf, 0, sizeof buf);
    report("read", read(fd, buf, sizeof buf - 1));
    printf("content: %s", buf);
    close(fd);
    report("openat2(../a.txt, RESOLVE_BENEATH)", syscall(SYS_openat2, dirfd, "../a.txt", &how, sizeof how));
    report("openat2(size 3)", syscall(SYS_openat2, dirfd, "a.txt", &how, 3));
    how.flags = O_RDONLY | O_CREAT;   /* mode must be 0 without O_CREAT; with it is fine */
    how.mode = 0600;
    how.resolve = 0;
    fd = syscall(SYS_openat2, dirfd, "b.txt", &how, sizeof how);
    report("openat2(b.txt, O_CREAT)", fd);
    close(fd);
    report("openat(O_CREAT|O_EXCL existing)", syscall(SYS_openat, dirfd, "a.txt", O_CREAT | O_EXCL | O_WRONLY, 0644));
    snprintf(path, sizeof path, "%s/c.txt", argv[1]);
    fd = syscall(SYS_creat, path, 0600);
    report("creat(c.txt)", fd);
    close(fd);
    fd = syscall(SYS_openat, dirfd, ".", O_TMPFILE | O_RDWR, 0600);
    report("openat(O_TMPFILE)", fd >= 0 ? 1 : fd);
    if (fd >= 0)
        close(fd);
    report("open(missing)", syscall(SYS_open, "/nonexistent/rewind-test", O_RDONLY));
    unlinkat(dirfd, "a.txt", 0);
    unlinkat(dirfd, "b.txt", 0);
    unlinkat(dirfd, "c.txt", 0);
    close(dirfd);
    return 0;
}
