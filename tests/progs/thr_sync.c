/* thr_sync: NTHREADS threads (argv[1], default 4) meet through a mutex, a
 * barrier, a condition variable and atomics, and print what depends on the
 * interleaving: the order in which they got the mutex (as a hash and the
 * first entries), which one the barrier chose, which consumer got which item
 * of a producer/consumer queue, and the values fetch-and-add handed each
 * thread.  Also the pid and the time taken, so no two native runs agree. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#define MAXT 16
#define LOCKS 200            /* mutex acquisitions per thread */
#define ITEMS 300            /* items through the queue */
#define QCAP 4

static int nthreads;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int lock_log[MAXT * LOCKS];
static int lock_n;
static pthread_barrier_t barrier;
static atomic_int serial_id = -1;

static pthread_mutex_t qlock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t qnonempty = PTHREAD_COND_INITIALIZER;
static pthread_cond_t qnonfull = PTHREAD_COND_INITIALIZER;
static int queue[QCAP], qhead, qlen, qdone;
static int taken_by[ITEMS];
static int taken[MAXT];

static atomic_long counter;
static uint64_t fetched[MAXT];

static uint64_t fnv(uint64_t h, uint64_t v)
{
    for (int i = 0; i < 8; i++) {
        h ^= (v >> (8 * i)) & 0xff;
        h *= 1099511628211ull;
    }
    return h;
}

static void produce(void)
{
    for (int i = 0; i < ITEMS; i++) {
        pthread_mutex_lock(&qlock);
        while (qlen == QCAP)
            pthread_cond_wait(&qnonfull, &qlock);
        queue[(qhead + qlen) % QCAP] = i;
        qlen++;
        pthread_cond_signal(&qnonempty);
        pthread_mutex_unlock(&qlock);
    }
    pthread_mutex_lock(&qlock);
    qdone = 1;
    pthread_cond_broadcast(&qnonempty);
    pthread_mutex_unlock(&qlock);
}

static void consume(int id)
{
    for (;;) {
        int item;

        pthread_mutex_lock(&qlock);
        while (qlen == 0 && !qdone)
            pthread_cond_wait(&qnonempty, &qlock);
        if (qlen == 0) {
            pthread_mutex_unlock(&qlock);
            return;
        }
        item = queue[qhead];
        qhead = (qhead + 1) % QCAP;
        qlen--;
        pthread_cond_signal(&qnonfull);
        pthread_mutex_unlock(&qlock);
        taken_by[item] = id;
        taken[id]++;
        if (item % 16 == id)
            usleep(50);
    }
}

static void *worker(void *arg)
{
    int id = (int)(intptr_t)arg;
    uint64_t h = 0;

    for (int i = 0; i < LOCKS; i++) {
        pthread_mutex_lock(&lock);
        lock_log[lock_n++] = id;
        pthread_mutex_unlock(&lock);
        if (i % 25 == id)
            usleep(100);
    }
    if (pthread_barrier_wait(&barrier) == PTHREAD_BARRIER_SERIAL_THREAD)
        atomic_store(&serial_id, id);
    for (int i = 0; i < 100; i++) {
        h = fnv(h, (uint64_t)atomic_fetch_add(&counter, 1));
        if (i % 30 == 0)
            sched_yield();
    }
    fetched[id] = h;
    pthread_barrier_wait(&barrier);
    if (id == 0)
        produce();
    else
        consume(id);
    return NULL;
}

int main(int argc, char **argv)
{
    pthread_t t[MAXT];
    struct timespec t0, t1;
    uint64_t h = 14695981039346656037ull;

    nthreads = argc > 1 ? atoi(argv[1]) : 4;
    if (nthreads < 2 || nthreads > MAXT)
        return 2;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pthread_barrier_init(&barrier, NULL, (unsigned)nthreads);
    for (int i = 0; i < nthreads; i++)
        if (pthread_create(&t[i], NULL, worker, (void *)(intptr_t)i) != 0)
            return 1;
    for (int i = 0; i < nthreads; i++)
        pthread_join(t[i], NULL);
    clock_gettime(CLOCK_MONOTONIC, &t1);

    printf("pid %d threads %d\n", getpid(), nthreads);
    for (int i = 0; i < lock_n; i++)
        h = fnv(h, (uint64_t)lock_log[i]);
    printf("mutex: %d acquisitions, order hash %016llx, first:", lock_n, (unsigned long long)h);
    for (int i = 0; i < 48 && i < lock_n; i++)
        printf("%s%d", i ? "" : " ", lock_log[i]);
    printf("\nbarrier serial thread: %d\n", atomic_load(&serial_id));
    printf("atomics: counter %ld, per thread:", (long)atomic_load(&counter));
    for (int i = 0; i < nthreads; i++)
        printf(" %04llx", (unsigned long long)(fetched[i] & 0xffff));
    h = 14695981039346656037ull;
    for (int i = 0; i < ITEMS; i++)
        h = fnv(h, (uint64_t)taken_by[i]);
    printf("\nqueue: consumer order hash %016llx, taken:", (unsigned long long)h);
    for (int i = 1; i < nthreads; i++)
        printf(" %d", taken[i]);
    printf("\nelapsed %ld us\n",
           (long)((t1.tv_sec - t0.tv_sec) * 1000000 + (t1.tv_nsec - t0.tv_nsec) / 1000));
    return 0;
}
