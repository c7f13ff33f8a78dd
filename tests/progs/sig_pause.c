/* sig_pause: signals that arrive while blocked in a syscall: an interval
 * timer (setitimer, 20 ms) interrupts pause() and sigsuspend() five times. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t ticks;

static void on_alarm(int sig)
{
    (void)sig;
    ticks++;
}

int main(void)
{
    struct itimerval it = { { 0, 20000 }, { 0, 20000 } };
    struct timespec t0, t1;
    sigset_t empty;
    int r;

    signal(SIGALRM, on_alarm);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    printf("setitimer: %d\n", setitimer(ITIMER_REAL, &it, NULL));
    r = pause();
    printf("pause returned %d %s ticks %d\n", r, strerrorname_np(errno), (int)ticks);
    sigemptyset(&empty);
    while (ticks < 5)
        sigsuspend(&empty);
    it = (struct itimerval){ { 0, 0 }, { 0, 0 } };
    setitimer(ITIMER_REAL, &it, NULL);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    printf("ticks %d after %ld us\n", (int)ticks,
           (long)((t1.tv_sec - t0.tv_sec) * 1000000 + (t1.tv_nsec - t0.tv_nsec) / 1000));
    return 0;
}
