/* tree_orphan: a child forks a grandchild and exits at once; the grandchild
 * outlives it, waits until it has been reparented (getppid changes), then
 * reports through a pipe to the original parent, which reads until EOF.
 * Prints the pids, the new parent (init or a subreaper) and a timestamp. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(void)
{
    int p[2], status;
    pid_t c, top = getpid();
    char buf[256];
    ssize_t n, len = 0;

    if (pipe(p) < 0)
        return 1;
    printf("parent %d\n", top);
    fflush(stdout);
    c = fork();
    if (c == 0) {
        pid_t me = getpid();

        if (fork() == 0) {
            struct timespec ts;
            char line[200];
            int l, waits = 0;

            close(p[0]);
            while (getppid() == me && waits < 5000) {
                usleep(1000);
                waits++;
            }
            clock_gettime(CLOCK_REALTIME, &ts);
            l = snprintf(line, sizeof line,
                         "grandchild %d: first parent %d gone, new parent is %s (%s), at %ld",
                         getpid(), me, getppid() == me ? "still it" : "someone else",
                         getppid() == 1 ? "init" : getppid() == top ? "the top" : "a subreaper",
                         ts.tv_nsec);
            if (write(p[1], line, (size_t)l) != l)
                _exit(1);
            _exit(0);
        }
        _exit(3);
    }
    close(p[1]);
    waitpid(c, &status, 0);
    printf("child %d exited %d\n", c, WEXITSTATUS(status));
    fflush(stdout);
    while ((n = read(p[0], buf + len, sizeof buf - 1 - (size_t)len)) > 0)
        len += n;
    buf[len] = 0;
    printf("%s\n", buf);
    return 0;
}
