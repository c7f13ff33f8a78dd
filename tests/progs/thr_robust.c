/* thr_robust: robust mutexes whose owner dies holding them.
 *  1. a thread locks one and exits while another thread waits for it: the
 *     waiter gets EOWNERDEAD, makes it consistent and unlocks;
 *  2. a thread dies holding one nobody waits for; main's lock gets EOWNERDEAD,
 *     unlocks without making it consistent, and the next lock gets
 *     ENOTRECOVERABLE;
 *  3. a process-shared robust mutex in MAP_SHARED memory, held by a child
 *     process when it exits.
 * The kernel marks the futex word (FUTEX_OWNER_DIED) as the owner exits; the
 * words and the dead owners' tids are printed. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static pthread_mutex_t m1, m2;
static atomic_int held;
static int owner_tid[2];
static int waiter_rc, waiter_consistent;
static long waiter_waited_us;

static long now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000L + ts.tv_nsec / 1000;
}

static void robust_init(pthread_mutex_t *m, int pshared)
{
    pthread_mutexattr_t a;

    pthread_mutexattr_init(&a);
    pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
    if (pshared)
        pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
    pthread_mutex_init(m, &a);
    pthread_mutexattr_destroy(&a);
}

static const char *err(int rc)
{
    return rc ? strerrorname_np(rc) : "0";
}

static void *owner(void *arg)
{
    pthread_mutex_t *m = arg;

    pthread_mutex_lock(m);
    owner_tid[m == &m2] = gettid();
    atomic_store(&held, 1);
    usleep(20000);
    return NULL; /* still holding m */
}

static void *waiter(void *arg)
{
    long t0;

    (void)arg;
    while (!atomic_load(&held))
        usleep(100);
    t0 = now_us();
    waiter_rc = pthread_mutex_lock(&m1);
    waiter_waited_us = now_us() - t0;
    if (waiter_rc == EOWNERDEAD)
        waiter_consistent = pthread_mutex_consistent(&m1);
    pthread_mutex_unlock(&m1);
    return NULL;
}

int main(void)
{
    pthread_t o, w;
    pthread_mutex_t *shm;
    int p[2], rc, status;
    pid_t child;
    char c;

    robust_init(&m1, 0);
    robust_init(&m2, 0);
    printf("pid %d\n", getpid());

    atomic_store(&held, 0);
    pthread_create(&w, NULL, waiter, NULL);
    pthread_create(&o, NULL, owner, &m1);
    pthread_join(o, NULL);
    pthread_join(w, NULL);
    printf("1: owner tid %d died holding it; waiter: %s after %s ms, consistent %s\n", owner_tid[0],
           err(waiter_rc), waiter_waited_us >= 10000 ? ">=10" : "<10", err(waiter_consistent));
    rc = pthread_mutex_lock(&m1);
    printf("1: lock again: %s\n", err(rc));
    pthread_mutex_unlock(&m1);

    atomic_store(&held, 0);
    pthread_create(&o, NULL, owner, &m2);
    pthread_join(o, NULL);
    printf("2: owner tid %d died; futex word %#x\n", owner_tid[1], (unsigned)m2.__data.__lock);
    rc = pthread_mutex_lock(&m2);
    printf("2: lock: %s\n", err(rc));
    pthread_mutex_unlock(&m2);
    rc = pthread_mutex_lock(&m2);
    printf("2: lock after unlock without consistent: %s\n", err(rc));

    shm = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (shm == MAP_FAILED || pipe(p) < 0)
        return 1;
    robust_init(shm, 1);
    fflush(stdout);
    child = fork();
    if (child == 0) {
        pthread_mutex_lock(shm);
        printf("3: child %d holds the shared mutex, word == its tid: %d\n", getpid(),
               (unsigned)shm->__data.__lock == (unsigned)gettid());
        fflush(stdout);
        if (write(p[1], "x", 1) != 1)
            _exit(2);
        usleep(10000);
        _exit(0);
    }
    if (read(p[0], &c, 1) != 1)
        return 1;
    rc = pthread_mutex_lock(shm);
    printf("3: parent lock: %s\n", err(rc));
    if (rc == EOWNERDEAD)
        printf("3: consistent: %s\n", err(pthread_mutex_consistent(shm)));
    pthread_mutex_unlock(shm);
    waitpid(child, &status, 0);
    printf("3: child %d exited %d\n", child, WEXITSTATUS(status));
    return 0;
}
