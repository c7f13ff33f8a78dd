/* sig_alarm_loop: a CPU-bound loop with no syscalls, interrupted TICKS times
 * (argv[1], default 100) by SIGALRM from an interval timer (ITIMER_REAL,
 * 1 ms).  The handler counts the signals and notes how far the loop had got;
 * the loop counts its iterations and the ticks it noticed.  Where the signals
 * landed differs in every native run. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define MAXTICKS 1000

static volatile sig_atomic_t ticks;
static volatile unsigned long iterations;
static unsigned long at_tick[MAXTICKS];
static int maxticks;

static void on_alarm(int sig)
{
    (void)sig;
    /* one more SIGALRM may already be pending when the timer is stopped */
    if (ticks >= maxticks)
        return;
    at_tick[ticks] = iterations;
    ticks++;
    if (ticks == maxticks) {
        /* stop the timer here, so no tick can land after the loop saw the last */
        struct itimerval off = { { 0, 0 }, { 0, 0 } };
        setitimer(ITIMER_REAL, &off, NULL);
    }
}

int main(int argc, char **argv)
{
    struct itimerval it = { { 0, 1000 }, { 0, 1000 } };
    struct sigaction sa = { 0 };
    struct timespec t0, t1;
    unsigned long x = 88172645463325252ull;
    int seen = 0, noticed = 0;
    uint64_t h = 14695981039346656037ull;

    maxticks = argc > 1 ? atoi(argv[1]) : 100;
    if (maxticks < 1 || maxticks > MAXTICKS)
        return 2;
    sa.sa_handler = on_alarm;
    sa.sa_flags = SA_RESTART;
    sigaction(SIGALRM, &sa, NULL);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    setitimer(ITIMER_REAL, &it, NULL);
    while (ticks < maxticks) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        iterations = iterations + 1;
        if (ticks != seen) {
            seen = ticks;
            noticed++;
        }
    }
    it = (struct itimerval){ { 0, 0 }, { 0, 0 } };
    setitimer(ITIMER_REAL, &it, NULL);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    for (int i = 0; i < maxticks; i++)
        h = (h ^ at_tick[i]) * 1099511628211ull;
    printf("pid %d ticks %d noticed by the loop %d\n", getpid(), (int)ticks, noticed);
    printf("iterations %lu xorshift %016lx\n", iterations, x);
    printf("iterations at ticks: hash %016llx first %lu %lu %lu\n", (unsigned long long)h,
           at_tick[0], at_tick[1], at_tick[2]);
    printf("elapsed %ld us\n",
           (long)((t1.tv_sec - t0.tv_sec) * 1000000 + (t1.tv_nsec - t0.tv_nsec) / 1000));
    return 0;
}
