/* time_clock: reading the time, mostly through the vDSO: clock_gettime for
 * several clocks, gettimeofday, time(), clock_getres, the raw syscalls, and
 * 1000 monotonic readings that must never go backwards. */
#define _GNU_SOURCE
#include <stdio.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static void show(const char *name, clockid_t id)
{
    struct timespec ts, res;
    int r = clock_gettime(id, &ts);
    clock_getres(id, &res);
    printf("%-24s %d %ld.%09ld (res %ld ns)\n", name, r, (long)ts.tv_sec, ts.tv_nsec, res.tv_nsec);
}

int main(void)
{
    struct timespec prev, cur, raw;
    struct timeval tv;
    int backwards = 0;
    time_t t;

    show("CLOCK_REALTIME", CLOCK_REALTIME);
    show("CLOCK_MONOTONIC", CLOCK_MONOTONIC);
    show("CLOCK_BOOTTIME", CLOCK_BOOTTIME);
    show("CLOCK_MONOTONIC_RAW", CLOCK_MONOTONIC_RAW);
    show("CLOCK_REALTIME_COARSE", CLOCK_REALTIME_COARSE);
    show("CLOCK_MONOTONIC_COARSE", CLOCK_MONOTONIC_COARSE);
    show("CLOCK_PROCESS_CPUTIME_ID", CLOCK_PROCESS_CPUTIME_ID);
    show("CLOCK_THREAD_CPUTIME_ID", CLOCK_THREAD_CPUTIME_ID);
    gettimeofday(&tv, NULL);
    printf("gettimeofday %ld.%06ld\n", (long)tv.tv_sec, (long)tv.tv_usec);
    t = time(NULL);
    printf("time %ld\n", (long)t);
    printf("syscall(time) plausible: %d\n", syscall(SYS_time, NULL) >= (long)t);
    syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &raw);
    printf("syscall(clock_gettime) %ld.%09ld\n", (long)raw.tv_sec, raw.tv_nsec);
    clock_gettime(CLOCK_MONOTONIC, &prev);
    for (int i = 0; i < 1000; i++) {
        clock_gettime(CLOCK_MONOTONIC, &cur);
        if (cur.tv_sec < prev.tv_sec || (cur.tv_sec == prev.tv_sec && cur.tv_nsec < prev.tv_nsec))
            backwards++;
        prev = cur;
    }
    printf("1000 monotonic readings, went backwards %d times, last %ld.%09ld\n", backwards,
           (long)cur.tv_sec, cur.tv_nsec);
    printf("clock_gettime(bad clock) %d\n", clock_gettime((clockid_t)12345, &cur));
    return 0;
}
