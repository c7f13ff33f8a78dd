/* tree_sig_pingpong: a parent and a child bounce signals ROUNDS times each way
 * (argv[1], default 100): the parent sends SIGUSR1 with kill() and waits for
 * SIGUSR2 in sigsuspend(); the child does the opposite.  A second round of the
 * same with sigwaitinfo() notes the senders' pids.  Both print their counts,
 * pids and the time the game took. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t got;

static void on_sig(int sig)
{
    (void)sig;
    got++;
}

static long now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000L + ts.tv_nsec / 1000;
}

/* Plays ROUNDS rounds: sends `out` to `peer`, waits for `in` (first==1: the
 * sender starts). */
static long play(int rounds, pid_t peer, int out, int in, int first, long *sender_sum)
{
    sigset_t waitmask, only_in;
    siginfo_t si;
    long handled_before = got;

    sigprocmask(SIG_SETMASK, NULL, &waitmask);
    sigdelset(&waitmask, in);
    sigemptyset(&only_in);
    sigaddset(&only_in, in);
    for (int i = 0; i < rounds; i++) {
        if (first)
            kill(peer, out);
        if (sender_sum) {
            if (sigwaitinfo(&only_in, &si) == in)
                *sender_sum += si.si_pid;
        } else {
            long before = got;

            while (got == before)
                sigsuspend(&waitmask);
        }
        if (!first)
            kill(peer, out);
    }
    return got - handled_before;
}

int main(int argc, char **argv)
{
    int rounds = argc > 1 ? atoi(argv[1]) : 100;
    struct sigaction sa = { 0 };
    sigset_t block;
    pid_t child, parent = getpid();
    long t0 = now_us(), n, sum = 0;
    int status;

    sa.sa_handler = on_sig;
    sigaction(SIGUSR1, &sa, NULL);
    sigaction(SIGUSR2, &sa, NULL);
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    sigaddset(&block, SIGUSR2);
    sigprocmask(SIG_BLOCK, &block, NULL);
    printf("parent %d\n", parent);
    fflush(stdout);
    child = fork();
    if (child == 0) {
        n = play(rounds, parent, SIGUSR2, SIGUSR1, 0, NULL);
        play(rounds, parent, SIGUSR2, SIGUSR1, 0, &sum);
        printf("child %d: %ld handled, senders sum %ld (= %d x parent: %d)\n", getpid(), n, sum, rounds,
               sum == (long)rounds * parent);
        exit(0);
    }
    n = play(rounds, child, SIGUSR1, SIGUSR2, 1, NULL);
    play(rounds, child, SIGUSR1, SIGUSR2, 1, &sum);
    waitpid(child, &status, 0);
    printf("parent: %ld handled, senders sum %ld (= %d x child %d: %d), child exit %d, %ld us\n", n, sum,
           rounds, child, sum == (long)rounds * child, WEXITSTATUS(status), now_us() - t0);
    return 0;
}
