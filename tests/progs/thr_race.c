/* thr_race: an injected data race for chaos mode.  Two threads each add 1 to
 * a shared counter three times, with a non-atomic read-modify-write whose
 * window holds a syscall (getppid).  The second thread starts long after the
 * first has finished, natively, so the race almost never shows; when another
 * thread runs inside the window an update is lost, and the program prints
 * "RACE" and exits 1.  Otherwise it prints "ok" and exits 0. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#define THREADS 2
#define ADDS 3

static long counter;
static int parent[THREADS];

static void *adder(void *arg)
{
    int *pp = arg;

    for (int i = 0; i < ADDS; i++) {
        long v = counter;

        *pp = getppid();
        counter = v + 1;
    }
    return NULL;
}

int main(void)
{
    pthread_t t[THREADS];
    struct timespec ts;

    for (int i = 0; i < THREADS; i++)
        pthread_create(&t[i], NULL, adder, &parent[i]);
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    clock_gettime(CLOCK_REALTIME, &ts);
    printf("pid %d ppid %d at %ld ns: counter %ld, expected %d\n", getpid(), parent[0], ts.tv_nsec,
           counter, THREADS * ADDS);
    if (counter != THREADS * ADDS) {
        printf("RACE\n");
        return 1;
    }
    printf("ok\n");
    return 0;
}
