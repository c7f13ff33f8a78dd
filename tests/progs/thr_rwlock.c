/* thr_rwlock: two writers and three readers share a table under a
 * pthread_rwlock.  Writers bump a version and rewrite every slot; readers check
 * that all slots agree with the version they saw.  Prints the number of torn
 * reads (always 0), the order in which the writers got the lock and the
 * versions the readers saw (hashes and counts), which depend on the schedule. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#define SLOTS 64
#define WRITES 60
#define READS 150
#define READERS 3

static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static long table[SLOTS];
static long version;
static int writer_log[2 * WRITES];
static int writer_n;
static uint64_t seen_hash[READERS];
static long distinct[READERS];
static long torn;
static pthread_mutex_t torn_lock = PTHREAD_MUTEX_INITIALIZER;

static void *writer(void *arg)
{
    int id = (int)(intptr_t)arg;

    for (int i = 0; i < WRITES; i++) {
        pthread_rwlock_wrlock(&rw);
        version++;
        for (int s = 0; s < SLOTS; s++)
            table[s] = version * 1000 + s;
        writer_log[writer_n++] = id;
        pthread_rwlock_unlock(&rw);
        if (i % 7 == id)
            usleep(200);
    }
    return NULL;
}

static void *reader(void *arg)
{
    int id = (int)(intptr_t)arg;
    uint64_t h = 14695981039346656037ull;
    long last = -1, bad = 0;

    for (int i = 0; i < READS; i++) {
        long v;

        pthread_rwlock_rdlock(&rw);
        v = version;
        for (int s = 0; s < SLOTS; s++)
            if (v && table[s] != v * 1000 + s)
                bad++;
        pthread_rwlock_unlock(&rw);
        if (v != last)
            distinct[id]++;
        last = v;
        h = (h ^ (uint64_t)v) * 1099511628211ull;
        if (i % 10 == id)
            usleep(100);
    }
    seen_hash[id] = h;
    pthread_mutex_lock(&torn_lock);
    torn += bad;
    pthread_mutex_unlock(&torn_lock);
    return NULL;
}

int main(void)
{
    pthread_t w[2], r[READERS];
    uint64_t h = 14695981039346656037ull;
    struct timespec ts;

    for (int i = 0; i < READERS; i++)
        pthread_create(&r[i], NULL, reader, (void *)(intptr_t)i);
    for (int i = 0; i < 2; i++)
        pthread_create(&w[i], NULL, writer, (void *)(intptr_t)i);
    for (int i = 0; i < 2; i++)
        pthread_join(w[i], NULL);
    for (int i = 0; i < READERS; i++)
        pthread_join(r[i], NULL);
    clock_gettime(CLOCK_REALTIME, &ts);
    for (int i = 0; i < writer_n; i++)
        h = (h ^ (uint64_t)writer_log[i]) * 1099511628211ull;
    printf("pid %d at %ld ns\n", getpid(), ts.tv_nsec);
    printf("writes %d final version %ld torn reads %ld\n", writer_n, version, torn);
    printf("writer order hash %016llx, first:", (unsigned long long)h);
    for (int i = 0; i < 24; i++)
        printf("%s%d", i ? "" : " ", writer_log[i]);
    printf("\n");
    for (int i = 0; i < READERS; i++)
        printf("reader %d: %ld distinct versions, hash %016llx\n", i, distinct[i],
               (unsigned long long)seen_hash[i]);
    return 0;
}
