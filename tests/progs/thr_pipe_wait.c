/* thr_pipe_wait: one thread blocks in read() on a pipe while three others
 * compute (prime counting, with the odd clock_gettime); the one that finishes
 * last writes a message to the pipe, which wakes the reader.  Prints which
 * thread was last, what the reader got and how long it waited. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define WORKERS 3

static int p[2];
static atomic_int finished;
static atomic_int reader_ready;
static long result[WORKERS];
static char got[128];
static long waited_us;

static long now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000L + ts.tv_nsec / 1000;
}

static void *reader(void *arg)
{
    long t0;
    ssize_t n;

    (void)arg;
    t0 = now_us();
    atomic_store(&reader_ready, 1);
    n = read(p[0], got, sizeof got - 1);
    waited_us = now_us() - t0;
    got[n > 0 ? n : 0] = 0;
    return NULL;
}

static void *worker(void *arg)
{
    int id = (int)(intptr_t)arg;
    long count = 0, t0 = now_us();
    char msg[96];
    int order;

    for (long n = 2; n < 60000 + 20000 * id; n++) {
        int prime = 1;

        for (long d = 2; d * d <= n; d++)
            if (n % d == 0) {
                prime = 0;
                break;
            }
        count += prime;
        if (n % 5000 == 0)
            now_us();
    }
    result[id] = count * 1000000L + (now_us() - t0) % 1000000L;
    order = atomic_fetch_add(&finished, 1);
    if (order == WORKERS - 1) {
        int len = snprintf(msg, sizeof msg, "worker %d was last, tid %d, at %ld", id, gettid(),
                           now_us() % 100000000L);
        if (write(p[1], msg, (size_t)len) != len)
            return NULL;
    }
    return NULL;
}

int main(void)
{
    pthread_t r, w[WORKERS];

    if (pipe(p) < 0)
        return 1;
    pthread_create(&r, NULL, reader, NULL);
    while (!atomic_load(&reader_ready))
        usleep(100);
    for (int i = 0; i < WORKERS; i++)
        pthread_create(&w[i], NULL, worker, (void *)(intptr_t)i);
    for (int i = 0; i < WORKERS; i++)
        pthread_join(w[i], NULL);
    pthread_join(r, NULL);
    printf("pid %d\n", getpid());
    for (int i = 0; i < WORKERS; i++)
        printf("worker %d: %ld primes, %ld us\n", i, result[i] / 1000000L, result[i] % 1000000L);
    printf("reader got \"%s\" after %ld us\n", got, waited_us);
    return 0;
}
