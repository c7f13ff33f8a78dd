/* nanosleep: sleeps argv[1] milliseconds in total (default 2000) with
 * nanosleep, clock_nanosleep (relative and absolute) and usleep, and prints
 * the measured time.  The test checks that replay does not sleep. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
    long ms = argc > 1 ? atol(argv[1]) : 2000;
    long long q = ms * 1000000LL / 4, start = now_ns(), t;
    struct timespec req = { q / 1000000000, q % 1000000000 }, rem = { -1, -1 }, abs;
    int r;

    printf("sleeping %ld ms\n", ms);
    r = nanosleep(&req, &rem);
    printf("nanosleep: %d rem %ld.%09ld\n", r, (long)rem.tv_sec, rem.tv_nsec);
    printf("clock_nanosleep relative: %d\n", clock_nanosleep(CLOCK_MONOTONIC, 0, &req, NULL));
    t = now_ns() + q;
    abs.tv_sec = t / 1000000000;
    abs.tv_nsec = t % 1000000000;
    printf("clock_nanosleep absolute: %d\n", clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &abs, NULL));
    printf("usleep: %d\n", usleep((useconds_t)(q / 1000)));
    t = now_ns() - start;
    printf("slept %lld ns, at least requested: %d\n", t, t >= ms * 1000000LL);
    return 0;
}
