/* tree_fork_deep: a chain of DEPTH processes (argv[1], default 5): each forks
 * the next, waits for it and exits with the child's status plus one.  Every
 * level prints its pid, its parent's and a timestamp on the way down and the
 * status it collected on the way up. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    int depth = argc > 1 ? atoi(argv[1]) : 5;

    if (depth < 1 || depth > 50)
        return 2;
    for (int l = 0;; l++) {
        struct timespec ts;
        int status;
        pid_t c;

        clock_gettime(CLOCK_REALTIME, &ts);
        printf("%*slevel %d: pid %d ppid %d at %ld\n", l * 2, "", l, getpid(), getppid(), ts.tv_nsec);
        fflush(stdout);
        if (l == depth) {
            printf("%*sbottom reached, exit 1\n", l * 2, "");
            return 1;
        }
        c = fork();
        if (c < 0)
            return 100;
        if (c == 0)
            continue; /* the child goes one level down */
        if (waitpid(c, &status, 0) != c || !WIFEXITED(status))
            return 101;
        printf("%*slevel %d: child %d exited %d\n", l * 2, "", l, c, WEXITSTATUS(status));
        return WEXITSTATUS(status) + 1;
    }
}
