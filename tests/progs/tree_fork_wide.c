/* tree_fork_wide: a parent forks N children (argv[1], default 8) that each
 * print their pid and a timestamp, sleep a little (how long depends on the
 * pid), write a line to a shared pipe and exit with status 10+i.  The parent
 * reaps them with wait() in whatever order they end, then prints what came
 * through the pipe.  The order of the lines and of the reaping varies. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAXKIDS 64

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 8;
    pid_t kids[MAXKIDS];
    int p[2];
    char buf[4096];
    ssize_t got, len = 0;

    if (n < 1 || n > MAXKIDS || pipe(p) < 0)
        return 2;
    printf("parent %d forks %d children\n", getpid(), n);
    fflush(stdout);
    for (int i = 0; i < n; i++) {
        kids[i] = fork();
        if (kids[i] < 0)
            return 1;
        if (kids[i] == 0) {
            struct timespec ts;
            char line[128];
            int l;

            close(p[0]);
            clock_gettime(CLOCK_REALTIME, &ts);
            l = snprintf(line, sizeof line, "child %d: pid %d ppid %d at %ld\n", i, getpid(), getppid(),
                         ts.tv_nsec);
            if (write(1, line, (size_t)l) != l)
                _exit(99);
            usleep(1000 * (unsigned)(getpid() % 7));
            l = snprintf(line, sizeof line, "[%d from %d]", i, getpid());
            if (write(p[1], line, (size_t)l) != l)
                _exit(99);
            _exit(10 + i);
        }
    }
    close(p[1]);
    for (int k = 0; k < n; k++) {
        int status, which = -1;
        pid_t w = wait(&status);

        for (int i = 0; i < n; i++)
            if (kids[i] == w)
                which = i;
        printf("reaped %d (child %d): exit %d\n", w, which, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    }
    printf("wait with no children left: %d\n", wait(NULL));
    while ((got = read(p[0], buf + len, sizeof buf - 1 - (size_t)len)) > 0)
        len += got;
    buf[len] = 0;
    printf("pipe: %s\n", buf);
    return 0;
}
