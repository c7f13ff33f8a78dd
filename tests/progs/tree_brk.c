/* tree_brk: a parent and 3 children move their program breaks at the same
 * time: 40 times each, sbrk() by 64 KiB, fill the new memory with a pattern
 * made of the pid and the time, and sum it all; then shrink back.  Recorded
 * with --chaos, some of the sbrk calls are switch points: the recording has
 * their results only after other processes' events. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define STEPS 40
#define STEP (64 * 1024)

static void grow(const char *who)
{
    char *start = sbrk(0), *end;
    uint64_t sum = 0, seed;
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    seed = (uint64_t)getpid() * 1000003u + (uint64_t)ts.tv_nsec;
    for (int i = 0; i < STEPS; i++) {
        uint64_t *p = sbrk(STEP);

        if (p == (void *)-1) {
            perror("sbrk");
            return;
        }
        for (size_t j = 0; j < STEP / sizeof *p; j++)
            p[j] = seed + j + (uint64_t)i;
    }
    end = sbrk(0);
    for (const uint64_t *p = (const uint64_t *)start; p < (const uint64_t *)end; p++)
        sum = sum * 31 + *p;
    printf("%s %d: grew by %ld, sum %016llx, ", who, getpid(), (long)(end - start), (unsigned long long)sum);
    printf("shrink: %d\n", brk(start));
}

int main(void)
{
    static char outbuf[4096];
    pid_t kids[3];
    int status;

    /* stdio must not malloc: that would move the break under our feet */
    setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);
    for (int i = 0; i < 3; i++) {
        kids[i] = fork();
        if (kids[i] == 0) {
            grow("child");
            fflush(stdout);
            _exit(0);
        }
    }
    grow("parent");
    for (int i = 0; i < 3; i++) {
        waitpid(kids[i], &status, 0);
        printf("child %d exited %d\n", kids[i], WEXITSTATUS(status));
    }
    return 0;
}
