/* sig_mask: a blocked signal stays pending (sigpending) and its handler
 * runs when sigprocmask unblocks it; an ignored signal does nothing. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t handled;

static void handler(int sig)
{
    handled = sig;
}

int main(void)
{
    sigset_t set, old, pend;
    struct sigaction sa, prev;

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = handler;
    sigaction(SIGUSR2, &sa, NULL);
    sigaction(SIGUSR2, NULL, &prev);
    printf("handler installed: %d\n", prev.sa_handler == handler);
    sigemptyset(&set);
    sigaddset(&set, SIGUSR2);
    printf("block: %d\n", sigprocmask(SIG_BLOCK, &set, &old));
    printf("raise: %d\n", raise(SIGUSR2));
    printf("handled while blocked: %d\n", (int)handled);
    sigpending(&pend);
    printf("pending SIGUSR2: %d\n", sigismember(&pend, SIGUSR2));
    printf("unblock: %d\n", sigprocmask(SIG_SETMASK, &old, NULL));
    printf("handled after unblock: %d\n", (int)handled);
    signal(SIGUSR1, SIG_IGN);
    printf("raise ignored SIGUSR1: %d\n", raise(SIGUSR1));
    sigprocmask(SIG_BLOCK, NULL, &old);
    printf("mask has SIGUSR2: %d, pid %d\n", sigismember(&old, SIGUSR2), getpid());
    return 0;
}
