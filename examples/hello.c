/* The demo program: everything in it differs from run to run — the time, random
 * bytes, the process id, the cycle counter — yet its replay prints exactly what
 * the recording printed. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>
#include <x86intrin.h>

int main(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    unsigned char rnd[8];
    getrandom(rnd, sizeof rnd, 0);
    char *heap = malloc(64);
    printf("hello from pid %d\n", getpid());
    printf("the time is %ld.%09ld\n", (long)ts.tv_sec, ts.tv_nsec);
    printf("random bytes: %02x%02x%02x%02x%02x%02x%02x%02x\n", rnd[0], rnd[1], rnd[2], rnd[3], rnd[4],
           rnd[5], rnd[6], rnd[7]);
    printf("cycle counter: %llu\n", (unsigned long long)__rdtsc());
    printf("heap at %p\n", (void *)heap);
    free(heap);
    return 3;
}
