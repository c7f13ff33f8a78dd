/* thr_kill: pthread_kill between threads.
 *  1. two threads play ping-pong 50 times with SIGUSR1/SIGUSR2 (blocked,
 *     taken with sigwaitinfo);
 *  2. main signals a thread spinning in a loop with no syscall; its handler
 *     notes the thread it ran on and how far the loop had got;
 *  3. main signals a thread blocked in read() on a pipe: EINTR (no SA_RESTART).
 * The tids and iteration counts differ between native runs. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define ROUNDS 50

static pthread_t ta, tb, tc;
static int tid_a, tid_b, tid_c;
static long pongs, pings, from_b, from_a;

static volatile unsigned long loop_iter;
static volatile sig_atomic_t hit;
static int handler_tid;
static unsigned long handler_iter;
static atomic_int spinner_ready;

static int pipefd[2];
static atomic_int reader_tid;
static ssize_t read_rc;
static int read_errno;
static volatile sig_atomic_t usr2_handled;

static void *ping_a(void *arg)
{
    sigset_t s;
    siginfo_t si;

    (void)arg;
    tid_a = gettid();
    sigemptyset(&s);
    sigaddset(&s, SIGUSR1);
    for (int i = 0; i < ROUNDS; i++) {
        if (sigwaitinfo(&s, &si) == SIGUSR1)
            from_b += si.si_pid == getpid();
        pings++;
        pthread_kill(tb, SIGUSR2);
    }
    return NULL;
}

static void *pong_b(void *arg)
{
    sigset_t s;
    siginfo_t si;

    (void)arg;
    tid_b = gettid();
    sigemptyset(&s);
    sigaddset(&s, SIGUSR2);
    for (int i = 0; i < ROUNDS; i++) {
        pthread_kill(ta, SIGUSR1);
        if (sigwaitinfo(&s, &si) == SIGUSR2)
            from_a += si.si_pid == getpid();
        pongs++;
    }
    return NULL;
}

static void on_usr1(int sig)
{
    (void)sig;
    handler_tid = gettid();
    handler_iter = loop_iter;
    hit = 1;
}

static void on_usr2(int sig)
{
    (void)sig;
    usr2_handled = 1;
}

static void *spinner(void *arg)
{
    sigset_t s;

    (void)arg;
    tid_c = gettid();
    sigemptyset(&s);
    sigaddset(&s, SIGUSR1);
    pthread_sigmask(SIG_UNBLOCK, &s, NULL);
    atomic_store(&spinner_ready, 1);
    while (!hit)
        loop_iter = loop_iter + 1;
    return NULL;
}

static void *reader(void *arg)
{
    char c;
    sigset_t s;

    (void)arg;
    sigemptyset(&s);
    sigaddset(&s, SIGUSR2);
    pthread_sigmask(SIG_UNBLOCK, &s, NULL);
    atomic_store(&reader_tid, gettid());
    read_rc = read(pipefd[0], &c, 1);
    read_errno = errno;
    return NULL;
}

int main(void)
{
    sigset_t s;
    struct sigaction sa = { 0 };
    pthread_t r;
    struct timespec t0, t1;
    int kills = 0;

    sigemptyset(&s);
    sigaddset(&s, SIGUSR1);
    sigaddset(&s, SIGUSR2);
    pthread_sigmask(SIG_BLOCK, &s, NULL);
    printf("pid %d\n", getpid());
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pthread_create(&ta, NULL, ping_a, NULL);
    pthread_create(&tb, NULL, pong_b, NULL);
    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    printf("1: pings %ld pongs %ld, from own process %ld/%ld, tids %d %d, %ld us\n", pings, pongs,
           from_b, from_a, tid_a, tid_b,
           (long)((t1.tv_sec - t0.tv_sec) * 1000000 + (t1.tv_nsec - t0.tv_nsec) / 1000));

    sa.sa_handler = on_usr1;
    sigaction(SIGUSR1, &sa, NULL);
    pthread_create(&tc, NULL, spinner, NULL);
    while (!atomic_load(&spinner_ready))
        usleep(100);
    usleep(3000);
    pthread_kill(tc, SIGUSR1);
    pthread_join(tc, NULL);
    printf("2: handler ran on the spinner: %d (tid %d), at iteration %lu, loop ended at %lu\n",
           handler_tid == tid_c, tid_c, handler_iter, loop_iter);

    sa.sa_handler = on_usr2;
    sigaction(SIGUSR2, &sa, NULL);
    if (pipe(pipefd) < 0)
        return 1;
    pthread_create(&r, NULL, reader, NULL);
    while (!atomic_load(&reader_tid))
        usleep(100);
    usleep(5000);
    for (;;) {
        struct timespec dl;

        /* Once more if the signal came before the read() began. */
        pthread_kill(r, SIGUSR2);
        kills++;
        clock_gettime(CLOCK_REALTIME, &dl);
        dl.tv_sec++;
        if (pthread_timedjoin_np(r, NULL, &dl) == 0)
            break;
        if (kills == 5 && write(pipefd[1], "x", 1) != 1)
            return 1;
    }
    printf("3: reader %d: read %zd %s, handled %d, after %d signals\n", atomic_load(&reader_tid),
           read_rc, read_rc < 0 ? strerrorname_np(read_errno) : "-", (int)usr2_handled, kills);
    return 0;
}
