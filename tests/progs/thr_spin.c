/* thr_spin: two threads pass a token ROUNDS times (argv[1], default 60)
 * through a spinlock-like flag, with no syscall in the loop: a thread waiting
 * for its turn only spins.  Each counts its spins per round; the counts (a
 * hash, the totals and the first rounds) depend on where the threads were
 * interrupted, so they differ between native runs. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#define MAXROUNDS 1000

static int rounds;
static atomic_int turn;
static unsigned long token;        /* only touched by the thread whose turn it is */
static atomic_flag spin = ATOMIC_FLAG_INIT;
static long guarded;               /* under the spinlock */
static long spins[2][MAXROUNDS];

static void *player(void *arg)
{
    int me = (int)(intptr_t)arg;

    for (int r = 0; r < rounds; r++) {
        long n = 0;

        while (atomic_load_explicit(&turn, memory_order_acquire) != me)
            n++;
        spins[me][r] = n;
        token = token * 3 + me + 1;
        while (atomic_flag_test_and_set_explicit(&spin, memory_order_acquire))
            ;
        guarded += n & 0xff;
        atomic_flag_clear_explicit(&spin, memory_order_release);
        atomic_store_explicit(&turn, 1 - me, memory_order_release);
    }
    return NULL;
}

int main(int argc, char **argv)
{
    pthread_t a, b;
    struct timespec t0, t1;
    uint64_t h = 14695981039346656037ull;
    long total[2] = { 0, 0 };

    rounds = argc > 1 ? atoi(argv[1]) : 60;
    if (rounds < 1 || rounds > MAXROUNDS)
        return 2;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pthread_create(&a, NULL, player, (void *)0);
    pthread_create(&b, NULL, player, (void *)1);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    for (int r = 0; r < rounds; r++)
        for (int p = 0; p < 2; p++) {
            total[p] += spins[p][r];
            h = (h ^ (uint64_t)spins[p][r]) * 1099511628211ull;
        }
    printf("pid %d rounds %d token %lx guarded %ld\n", getpid(), rounds, token, guarded);
    printf("spins: thread 0 %ld, thread 1 %ld, hash %016llx\n", total[0], total[1],
           (unsigned long long)h);
    printf("first rounds:");
    for (int r = 0; r < 4 && r < rounds; r++)
        printf(" %ld/%ld", spins[0][r], spins[1][r]);
    printf("\nelapsed %ld us\n",
           (long)((t1.tv_sec - t0.tv_sec) * 1000000 + (t1.tv_nsec - t0.tv_nsec) / 1000));
    return 0;
}
