/* sig_interrupt: waits for the terminal's Ctrl-C (SIGINT to the foreground
 * process group).  The test starts it on a pseudo-terminal, waits for the line
 * "ready", then types the interrupt character.
 *  handler (default): a SIGINT handler; prints what it caught and exits 42.
 *  default: no handler: the process dies of SIGINT (status 130 from a shell).
 *  read: the handler is installed without SA_RESTART and the program reads
 *    the terminal: the read fails with EINTR, the program says so, exits 42.
 *  spin: the handler is installed and the program spins without syscalls
 *    until it has run: the signal arrives at an arbitrary instruction.
 *  tree: the parent forks a child; both are in the foreground process group,
 *    so both get the SIGINT.  The child keeps the default action and dies of
 *    it; the parent catches it, reaps the child, reports how it ended and
 *    exits 42.
 * Everything printed carries the pid and the time, which differ between
 * runs: a replay prints the recorded ones. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t caught;
static volatile sig_atomic_t caught_from;

static void on_int(int sig, siginfo_t *si, void *ctx)
{
    (void)ctx;
    caught = sig;
    caught_from = si->si_code;
}

static long now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return ts.tv_nsec;
}

/* SIGINT blocked from here to the wait in sigsuspend, so a Ctrl-C typed right
 * after "ready" is not lost between the check and the wait. */
static void block_int(sigset_t *old)
{
    sigset_t set;

    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigprocmask(SIG_BLOCK, &set, old);
}

static void catch_int(void)
{
    struct sigaction sa = { 0 };

    sa.sa_sigaction = on_int;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
}

static void wait_for_int(const sigset_t *unblocked)
{
    while (!caught)
        sigsuspend(unblocked);
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "handler";
    sigset_t old;

    if (strcmp(mode, "default") == 0) {
        printf("pid %d at %ld: ready\n", getpid(), now_ns());
        fflush(stdout);
        for (;;)
            pause();
    }
    if (strcmp(mode, "handler") == 0) {
        catch_int();
        block_int(&old);
        printf("pid %d at %ld: ready\n", getpid(), now_ns());
        fflush(stdout);
        wait_for_int(&old);
        /* si_code SI_KERNEL (0x80) is the terminal's: not a kill() */
        printf("pid %d at %ld: caught SIGINT %d, si_code %#x\n", getpid(), now_ns(), caught, caught_from);
        return 42;
    }
    if (strcmp(mode, "read") == 0) {
        char line[64];
        ssize_t n;

        catch_int();
        printf("pid %d at %ld: ready\n", getpid(), now_ns());
        fflush(stdout);
        n = read(0, line, sizeof line);
        printf("pid %d at %ld: read %zd (%s), caught SIGINT %d\n", getpid(), now_ns(), n,
               n < 0 ? strerror(errno) : "no error", caught);
        return 42;
    }
    if (strcmp(mode, "spin") == 0) {
        unsigned long spins = 0;

        catch_int();
        printf("pid %d at %ld: ready\n", getpid(), now_ns());
        fflush(stdout);
        while (!caught)
            spins++;
        printf("pid %d at %ld: caught SIGINT %d after %s spins\n", getpid(), now_ns(), caught,
               spins > 0 ? "some" : "no");
        printf("spins: %lu\n", spins);
        return 42;
    }
    if (strcmp(mode, "tree") == 0) {
        int ready[2], status;
        char b;
        pid_t child;

        catch_int();
        block_int(&old);
        if (pipe(ready) < 0)
            return 1;
        child = fork();
        if (child < 0)
            return 1;
        if (child == 0) {
            signal(SIGINT, SIG_DFL);
            sigprocmask(SIG_SETMASK, &old, NULL);
            printf("child %d at %ld: waiting\n", getpid(), now_ns());
            fflush(stdout);
            if (write(ready[1], "r", 1) != 1)
                _exit(1);
            for (;;)
                pause();
        }
        if (read(ready[0], &b, 1) != 1)
            return 1;
        printf("parent %d of %d at %ld: ready\n", getpid(), child, now_ns());
        fflush(stdout);
        wait_for_int(&old);
        printf("parent %d at %ld: caught SIGINT %d, si_code %#x\n", getpid(), now_ns(), caught, caught_from);
        if (waitpid(child, &status, 0) != child)
            return 1;
        if (WIFSIGNALED(status))
            printf("child %d killed by %s\n", child, strsignal(WTERMSIG(status)));
        else
            printf("child %d exited %d\n", child, WEXITSTATUS(status));
        return 42;
    }
    fprintf(stderr, "usage: sig_interrupt [handler|default|read|spin|tree]\n");
    return 2;
}
