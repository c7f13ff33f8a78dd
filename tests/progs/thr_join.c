/* thr_join: threads that exit and are joined.  pthread_join waits for the
 * kernel to clear the thread's tid word (CLONE_CHILD_CLEARTID) and wake it.
 *  - two waves of 6 threads, each returning a value made of its tid and the
 *    time; joined in order;
 *  - 4 detached threads, then joinable ones that may reuse their stacks;
 *  - pthread_tryjoin_np in a loop with no syscall (only the kernel's clearing
 *    of the tid ends it), three times, counting the spins;
 *  - pthread_timedjoin_np timing out once, then succeeding. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static atomic_int detached_done;

static void *returner(void *arg)
{
    struct timespec ts;
    long n = (long)(intptr_t)arg;

    clock_gettime(CLOCK_REALTIME, &ts);
    if (n % 3 == 0)
        usleep(500);
    return (void *)(intptr_t)(((long)gettid() << 20) ^ (ts.tv_nsec & 0xfffff));
}

static void *detached(void *arg)
{
    (void)arg;
    usleep(300);
    atomic_fetch_add(&detached_done, 1);
    return NULL;
}

static void *sleeper(void *arg)
{
    usleep((useconds_t)(intptr_t)arg);
    return (void *)(intptr_t)gettid();
}

int main(void)
{
    pthread_t t[6];
    pthread_attr_t da;
    void *ret;
    uint64_t h = 14695981039346656037ull;
    long tidsum = 0;
    struct timespec dl;
    int rc;

    printf("pid %d\n", getpid());
    for (int wave = 0; wave < 2; wave++) {
        for (int i = 0; i < 6; i++)
            pthread_create(&t[i], NULL, returner, (void *)(intptr_t)i);
        for (int i = 0; i < 6; i++) {
            pthread_join(t[i], &ret);
            h = (h ^ (uint64_t)(intptr_t)ret) * 1099511628211ull;
            tidsum += (long)(intptr_t)ret >> 20;
        }
    }
    printf("waves: returns hash %016llx, tid sum %ld\n", (unsigned long long)h, tidsum);

    pthread_attr_init(&da);
    pthread_attr_setdetachstate(&da, PTHREAD_CREATE_DETACHED);
    for (int i = 0; i < 4; i++)
        pthread_create(&t[i], &da, detached, NULL);
    while (atomic_load(&detached_done) < 4)
        usleep(200);
    for (int i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, returner, (void *)(intptr_t)(i + 1));
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], &ret);
        printf("after detached: thread %d tid %ld\n", i, (long)(intptr_t)ret >> 20);
    }

    for (int i = 0; i < 3; i++) {
        long spins = 0;

        pthread_create(&t[0], NULL, sleeper, (void *)(intptr_t)(2000 * (i + 1)));
        while ((rc = pthread_tryjoin_np(t[0], &ret)) == EBUSY)
            spins++;
        printf("tryjoin %d: %s, tid %ld, spun %s\n", i, rc ? strerrorname_np(rc) : "0",
               (long)(intptr_t)ret, spins > 0 ? "yes" : "no");
        h = (h ^ (uint64_t)spins) * 1099511628211ull;
    }
    printf("tryjoin spins hash %016llx\n", (unsigned long long)h);

    pthread_create(&t[0], NULL, sleeper, (void *)(intptr_t)200000);
    clock_gettime(CLOCK_REALTIME, &dl);
    dl.tv_nsec += 5000000;
    if (dl.tv_nsec >= 1000000000) {
        dl.tv_sec++;
        dl.tv_nsec -= 1000000000;
    }
    rc = pthread_timedjoin_np(t[0], &ret, &dl);
    printf("timedjoin: %s\n", rc ? strerrorname_np(rc) : "0");
    rc = pthread_join(t[0], &ret);
    printf("join: %s, tid %ld\n", rc ? strerrorname_np(rc) : "0", (long)(intptr_t)ret);
    return 0;
}
