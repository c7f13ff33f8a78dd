/* tree_output_order: four children write 50 lines each to the shared stdout
 * as fast as they can, one write() per line, so their lines interleave
 * differently in every run.  Replay must print them in the same order. */
#define _GNU_SOURCE
#include <stdio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(void)
{
    int n = 0, status;

    printf("parent %d\n", getpid());
    fflush(stdout);
    for (int i = 0; i < 4; i++)
        if (fork() == 0) {
            for (int j = 0; j < 50; j++) {
                struct timespec ts;
                char line[80];
                int l;

                clock_gettime(CLOCK_MONOTONIC, &ts);
                l = snprintf(line, sizeof line, "child %d line %d pid %d at %ld\n", i, j, getpid(), ts.tv_nsec);
                if (write(1, line, (size_t)l) != l)
                    _exit(1);
            }
            _exit(0);
        }
    while (wait(&status) > 0)
        n += WIFEXITED(status) && WEXITSTATUS(status) == 0;
    printf("%d children exited 0\n", n);
    return 0;
}
