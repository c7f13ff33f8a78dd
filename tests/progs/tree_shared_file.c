/* tree_shared_file: a file (the argument, created afresh) mapped MAP_SHARED
 * and writable by a parent and its forked child.  The parent writes a line
 * with its pid and the time into the mapping; the child, woken by a pipe,
 * reads it and answers in the mapping and with pwrite(); the parent prints
 * what it finds through the mapping and through pread().  rewind cannot see
 * what a process outside the recording might write to such a file, and says
 * so when it is recorded. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SIZE 8192

int main(int argc, char **argv)
{
    int fd, down[2], up[2], status;
    char *map, b, buf[128] = "";
    struct timespec ts;
    pid_t c;

    if (argc < 2) {
        fprintf(stderr, "usage: tree_shared_file FILE\n");
        return 2;
    }
    fd = open(argv[1], O_RDWR | O_CREAT | O_TRUNC, 0600);
    if (fd < 0 || ftruncate(fd, SIZE) < 0) {
        perror(argv[1]);
        return 1;
    }
    map = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (map == MAP_FAILED || pipe(down) < 0 || pipe(up) < 0) {
        perror("mmap");
        return 1;
    }
    c = fork();
    if (c == 0) {
        char line[160];
        int n;

        if (read(down[0], &b, 1) != 1)
            _exit(1);
        n = snprintf(line, sizeof line, "child %d saw [%s]", getpid(), map);
        memcpy(map + 4096, line, (size_t)n + 1);
        if (pwrite(fd, "pwritten by the child", 21, 6000) != 21 || write(up[1], "r", 1) != 1)
            _exit(1);
        _exit(0);
    }
    clock_gettime(CLOCK_REALTIME, &ts);
    snprintf(map, 128, "parent %d at %ld", getpid(), ts.tv_nsec);
    if (write(down[1], "w", 1) != 1 || read(up[0], &b, 1) != 1)
        return 1;
    printf("mapping: %s\n", map + 4096);
    printf("mapping at 6000: %.21s\n", map + 6000);
    if (pread(fd, buf, 40, 4096) > 0)
        printf("pread: %.40s\n", buf);
    waitpid(c, &status, 0);
    printf("child %d exited %d\n", c, WEXITSTATUS(status));
    unlink(argv[1]);
    return 0;
}
