/* tree_sigchld: a SIGCHLD handler (SA_SIGINFO) reaps children with
 * waitpid(-1, WNOHANG) as they end, logging the order; the parent forks 6
 * children that live for different times (depending on their pids) and waits
 * in sigsuspend until all are reaped.  Prints the reaping order, the first
 * siginfo and how many times the handler ran (signals may merge). */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define KIDS 6

static pid_t kids[KIDS];
static volatile sig_atomic_t reaped, handler_runs;
static int order[KIDS], codes[KIDS];
static siginfo_t first;

static void on_chld(int sig, siginfo_t *si, void *ctx)
{
    int status, saved = errno;
    pid_t w;

    (void)sig;
    (void)ctx;
    if (handler_runs++ == 0)
        first = *si;
    while ((w = waitpid(-1, &status, WNOHANG)) > 0) {
        for (int i = 0; i < KIDS; i++)
            if (kids[i] == w)
                order[reaped] = i;
        codes[reaped] = WEXITSTATUS(status);
        reaped++;
    }
    errno = saved;
}

int main(void)
{
    struct sigaction sa = { 0 };
    sigset_t block, old;

    sa.sa_sigaction = on_chld;
    sa.sa_flags = SA_SIGINFO | SA_RESTART | SA_NOCLDSTOP;
    sigaction(SIGCHLD, &sa, NULL);
    sigemptyset(&block);
    sigaddset(&block, SIGCHLD);
    sigprocmask(SIG_BLOCK, &block, &old);
    printf("parent %d\n", getpid());
    fflush(stdout);
    for (int i = 0; i < KIDS; i++) {
        kids[i] = fork();
        if (kids[i] == 0) {
            usleep(1000 * (unsigned)(getpid() % 9) + 500 * (unsigned)i);
            _exit(70 + i);
        }
    }
    while (reaped < KIDS)
        sigsuspend(&old);
    sigprocmask(SIG_SETMASK, &old, NULL);
    printf("reaped %d in %d handler runs; order:", (int)reaped, (int)handler_runs);
    for (int i = 0; i < KIDS; i++)
        printf(" %d(%d,%d)", order[i], kids[order[i]], codes[i]);
    printf("\nfirst siginfo: code %s, pid is a child: %d, status %d\n",
           first.si_code == CLD_EXITED ? "CLD_EXITED" : "other",
           first.si_pid == kids[0] || first.si_pid == kids[1] || first.si_pid == kids[2] ||
               first.si_pid == kids[3] || first.si_pid == kids[4] || first.si_pid == kids[5],
           first.si_status);
    return 0;
}
