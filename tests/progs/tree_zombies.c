/* tree_zombies: four children exit at once; the parent leaves them as
 * zombies for a while (checking their state 'Z' in /proc/PID/stat), then reaps
 * them in reverse order of creation, with waitpid on each pid. */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define KIDS 4

static char state(pid_t pid)
{
    char path[64], line[512], *rp;
    FILE *f;

    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    f = fopen(path, "r");
    if (!f)
        return '-';
    if (!fgets(line, sizeof line, f))
        line[0] = 0;
    fclose(f);
    rp = strrchr(line, ')');
    return rp && rp[1] == ' ' ? rp[2] : '?';
}

int main(void)
{
    pid_t kids[KIDS];
    struct timespec ts;
    int zombies, status;

    printf("parent %d\n", getpid());
    fflush(stdout);
    for (int i = 0; i < KIDS; i++) {
        kids[i] = fork();
        if (kids[i] == 0)
            _exit(60 + i);
    }
    for (int tries = 0; tries < 3000; tries++) {
        zombies = 0;
        for (int i = 0; i < KIDS; i++)
            zombies += state(kids[i]) == 'Z';
        if (zombies == KIDS)
            break;
        usleep(1000);
    }
    usleep(20000);
    printf("zombies before reaping: %d:", zombies);
    for (int i = 0; i < KIDS; i++)
        printf(" %d=%c", kids[i], state(kids[i]));
    printf("\n");
    for (int i = KIDS - 1; i >= 0; i--) {
        pid_t w = waitpid(kids[i], &status, 0);

        clock_gettime(CLOCK_MONOTONIC, &ts);
        printf("reaped %d: exit %d, then state %c, at %ld\n", w, WEXITSTATUS(status), state(kids[i]),
               ts.tv_nsec);
    }
    return 0;
}
