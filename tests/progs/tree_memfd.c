/* tree_memfd: a memfd shared between processes.  The parent writes into it
 * with write() and through a MAP_SHARED mapping; a forked child maps it and
 * appends; then a child process exec'd from this program reads it through
 * /proc/self/fd/N (inherited fd) and pwrite()s into it.  The parent prints
 * what it finds in the end, through read and through its mapping. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SIZE 8192

static int exec_reader(const char *fdstr)
{
    char path[64], buf[SIZE];
    char line[128];
    int fd, l;
    ssize_t n;

    snprintf(path, sizeof path, "/proc/self/fd/%s", fdstr);
    fd = open(path, O_RDWR);
    if (fd < 0) {
        perror(path);
        return 1;
    }
    n = pread(fd, buf, sizeof buf - 1, 0);
    buf[n > 0 ? n : 0] = 0;
    printf("exec'd reader %d sees %zd bytes, text: %s\n", getpid(), n, buf);
    l = snprintf(line, sizeof line, "[written by exec'd %d]", getpid());
    if (pwrite(fd, line, (size_t)l, 4096) != l)
        return 1;
    return 0;
}

int main(int argc, char **argv)
{
    int fd, status;
    char *map, fdstr[16], buf[SIZE];
    struct timespec ts;
    pid_t c;
    char line[128];
    int l;

    if (argc == 3 && strcmp(argv[1], "reader") == 0)
        return exec_reader(argv[2]);
    fd = memfd_create("rewind-test", 0);
    if (fd < 0 || ftruncate(fd, SIZE) < 0)
        return 1;
    map = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (map == MAP_FAILED)
        return 1;
    clock_gettime(CLOCK_REALTIME, &ts);
    l = snprintf(line, sizeof line, "parent %d wrote at %ld;", getpid(), ts.tv_nsec);
    if (write(fd, line, (size_t)l) != l)
        return 1;
    l = snprintf(map + strlen(map), 128, " mapped write;");
    printf("parent %d\n", getpid());
    fflush(stdout);

    c = fork();
    if (c == 0) {
        char *m2 = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

        if (m2 == MAP_FAILED)
            _exit(1);
        printf("forked child %d sees: %s\n", getpid(), m2);
        snprintf(m2 + strlen(m2), 128, " child %d was here;", getpid());
        fflush(stdout);
        _exit(0);
    }
    waitpid(c, &status, 0);
    printf("forked child exited %d; mapping now: %s\n", WEXITSTATUS(status), map);
    fflush(stdout);

    snprintf(fdstr, sizeof fdstr, "%d", fd);
    c = fork();
    if (c == 0) {
        execl("/proc/self/exe", "tree_memfd", "reader", fdstr, (char *)NULL);
        _exit(127);
    }
    waitpid(c, &status, 0);
    printf("exec'd child exited %d; at 4096 in the mapping: %s\n", WEXITSTATUS(status), map + 4096);
    if (pread(fd, buf, 64, 4096) != 64)
        return 1;
    buf[64] = 0;
    printf("pread at 4096: %s\n", buf);
    printf("file offset %ld, size %ld\n", (long)lseek(fd, 0, SEEK_CUR), (long)lseek(fd, 0, SEEK_END));
    return 0;
}
