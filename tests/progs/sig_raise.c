/* sig_raise: raise(SIGUSR1) and sigqueue(SIGUSR2) with SA_SIGINFO
 * handlers; prints what the handlers saw (si_pid is the run's pid). */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t got_sig, got_code, got_pid, got_value, calls;

static void handler(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    got_sig = sig;
    got_code = si->si_code;
    got_pid = si->si_pid;
    got_value = si->si_value.sival_int;
    calls++;
}

int main(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = handler;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGUSR1, &sa, NULL);
    sigaction(SIGUSR2, &sa, NULL);
    printf("pid %d\n", getpid());
    printf("raise: %d\n", raise(SIGUSR1));
    printf("handler saw sig %d code %d pid %d (is me: %d)\n", got_sig, got_code, got_pid, got_pid == getpid());
    printf("sigqueue: %d\n", sigqueue(getpid(), SIGUSR2, (union sigval){ .sival_int = getpid() % 1000 }));
    printf("handler saw sig %d code %d value %d calls %d\n", got_sig, got_code, got_value, calls);
    printf("kill(self, 0): %d\n", kill(getpid(), 0));
    return 0;
}
