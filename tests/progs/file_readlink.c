/* file_readlink: readlink of /proc/self/exe, of /proc/self/fd/1 (whatever
 * stdout is), of a symlink with a run-dependent target, readlinkat, a too-small
 * buffer, and readlink of a regular file (EINVAL). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void show(const char *what, ssize_t n, const char *buf)
{
    if (n < 0)
        printf("%s: -1 %s\n", what, strerrorname_np(errno));
    else
        printf("%s: %zd \"%.*s\"\n", what, n, (int)n, buf);
}

int main(int argc, char **argv)
{
    char buf[4096], link[4096], target[128];
    struct timespec ts;
    int dirfd;

    if (argc < 2) {
        fprintf(stderr, "usage: file_readlink DIR\n");
        return 2;
    }
    show("/proc/self/exe", readlink("/proc/self/exe", buf, sizeof buf), buf);
    show("/proc/self/fd/1", readlink("/proc/self/fd/1", buf, sizeof buf), buf);
    clock_gettime(CLOCK_REALTIME, &ts);
    snprintf(target, sizeof target, "target-%d-%ld", getpid(), ts.tv_nsec);
    snprintf(link, sizeof link, "%s/the-link", argv[1]);
    printf("symlink: %d\n", symlink(target, link));
    show("readlink", readlink(link, buf, sizeof buf), buf);
    show("readlink(4 bytes)", readlink(link, buf, 4), buf);
    dirfd = open(argv[1], O_RDONLY | O_DIRECTORY);
    show("readlinkat", readlinkat(dirfd, "the-link", buf, sizeof buf), buf);
    show("readlink(regular file)", readlink("/etc/passwd", buf, sizeof buf), buf);
    show("readlink(missing)", readlink("/nonexistent/rewind", buf, sizeof buf), buf);
    close(dirfd);
    unlink(link);
    return 0;
}
