/* tree_sigchld_pselect: SIGCHLD the way make -j waits for its jobs: the
 * signal is blocked except inside pselect(), whose sigmask lets it in; the
 * handler only counts, and after each wake-up the parent reaps with
 * waitpid(WNOHANG).  Three children live for times that depend on their pids;
 * one of them writes to a pipe the parent also watches.
 * With the argument `pending`, the SIGCHLD is already pending when the wait
 * starts: a child exits while the parent waits for it with waitid(WNOWAIT)
 * (not reaping it), then pselect() and, for a second child, ppoll() return
 * at once, interrupted by it. */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/select.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define KIDS 3

static volatile sig_atomic_t handled;

static void on_chld(int sig)
{
    (void)sig;
    handled++;
}

/* One child exits; the parent waits for that without reaping it, so its
 * SIGCHLD is pending (blocked) when the wait with the temporary mask starts. */
static void pending(const sigset_t *old)
{
    for (int round = 0; round < 2; round++) {
        siginfo_t si;
        int n, status;
        pid_t c = fork();

        if (c == 0)
            _exit(70 + round);
        waitid(P_PID, (id_t)c, &si, WEXITED | WNOWAIT);
        if (round == 0)
            n = pselect(0, NULL, NULL, NULL, NULL, old);
        else
            n = ppoll(NULL, 0, NULL, old);
        printf("%s: %d (%s), handled %d\n", round == 0 ? "pselect" : "ppoll", n, strerror(errno), (int)handled);
        waitpid(c, &status, 0);
        printf("child %d exited %d\n", c, WEXITSTATUS(status));
    }
}

int main(int argc, char **argv)
{
    struct sigaction sa = { 0 };
    sigset_t block, old;
    pid_t kids[KIDS];
    int p[2], reaped = 0, wakeups = 0, status;
    char buf[64];

    sa.sa_handler = on_chld;
    sigaction(SIGCHLD, &sa, NULL);
    sigemptyset(&block);
    sigaddset(&block, SIGCHLD);
    sigprocmask(SIG_BLOCK, &block, &old);
    if (pipe(p) < 0)
        return 1;
    printf("parent %d\n", getpid());
    fflush(stdout);
    if (argc > 1 && strcmp(argv[1], "pending") == 0) {
        pending(&old);
        return 0;
    }
    for (int i = 0; i < KIDS; i++) {
        kids[i] = fork();
        if (kids[i] == 0) {
            usleep(1000 * (unsigned)(getpid() % 5 + 2 * i + 1));
            if (i == 1) {
                int l = snprintf(buf, sizeof buf, "child %d says hello", getpid());

                if (write(p[1], buf, (size_t)l) != l)
                    _exit(1);
            }
            _exit(80 + i);
        }
    }
    while (reaped < KIDS) {
        fd_set r;
        int n;
        pid_t w;

        FD_ZERO(&r);
        FD_SET(p[0], &r);
        n = pselect(p[0] + 1, &r, NULL, NULL, NULL, &old);
        wakeups++;
        if (n > 0 && FD_ISSET(p[0], &r)) {
            ssize_t got = read(p[0], buf, sizeof buf - 1);

            buf[got > 0 ? got : 0] = 0;
            printf("pipe: %s\n", buf);
        }
        while ((w = waitpid(-1, &status, WNOHANG)) > 0) {
            reaped++;
            printf("reaped %d: exit %d (handled so far %d)\n", w, WEXITSTATUS(status), (int)handled);
        }
    }
    printf("%d wake-ups, %d SIGCHLD handled\n", wakeups, (int)handled);
    return 0;
}
