/* sig_fpe: integer division by zero raises SIGFPE three times; the handler
 * records si_code and the faulting address and siglongjmps out. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

static sigjmp_buf env;
static volatile int code;
static void *volatile addr;

static void on_fpe(int sig, siginfo_t *si, void *uc)
{
    (void)sig;
    (void)uc;
    code = si->si_code;
    addr = si->si_addr;
    siglongjmp(env, 1);
}

int main(void)
{
    struct sigaction sa;
    volatile int zero = 0, result = 0;

    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_fpe;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGFPE, &sa, NULL);
    for (int i = 0; i < 3; i++) {
        if (sigsetjmp(env, 1) == 0) {
            result = 100 / zero;
            printf("not reached %d\n", result);
        } else {
            printf("caught SIGFPE %d: si_code %d (FPE_INTDIV %d) at %p\n", i, code, FPE_INTDIV, addr);
        }
    }
    printf("main at %p\n", (void *)main);
    return 0;
}
