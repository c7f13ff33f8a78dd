/* threads_cpu [N]: two threads each run N rounds (default 150,000,000) of a
 * pure computation (an xorshift generator folded into a checksum) and bump a
 * shared atomic counter every 16 rounds, with no system call in the loop.
 * About 0.3 s per thread natively here.  The output depends on N only, not on
 * how the threads interleave, so native, recorded and replayed runs must print
 * the same.  Used by bench/run.sh: under rewind only one thread runs at a
 * time, and a thread that makes no system call is preempted after a time
 * slice, so this exercises preemption (and the state deltas it records). */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static long rounds;
static atomic_long bumps;          /* shared by both threads, no lock */
static uint64_t result[2];         /* written by thread i only */

static void *work(void *arg)
{
    int me = (int)(intptr_t)arg;
    uint64_t x = 0x9e3779b97f4a7c15ull * (uint64_t)(me + 1), sum = 0;

    for (long r = 0; r < rounds; r++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        sum = (sum ^ x) * 0x100000001b3ull;
        if ((r & 15) == 15)
            atomic_fetch_add_explicit(&bumps, 1, memory_order_relaxed);
    }
    result[me] = sum;
    return NULL;
}

int main(int argc, char **argv)
{
    pthread_t t[2];

    rounds = argc > 1 ? strtol(argv[1], NULL, 10) : 150000000;
    if (rounds < 0)
        return 2;
    for (int i = 0; i < 2; i++)
        if (pthread_create(&t[i], NULL, work, (void *)(intptr_t)i) != 0) {
            fputs("threads_cpu: pthread_create failed\n", stderr);
            return 1;
        }
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    printf("rounds %ld, checksums %016llx %016llx, counter %ld (expected %ld)\n", rounds,
           (unsigned long long)result[0], (unsigned long long)result[1],
           (long)atomic_load(&bumps), 2 * (rounds / 16));
    return atomic_load(&bumps) == 2 * (rounds / 16) ? 0 : 1;
}
