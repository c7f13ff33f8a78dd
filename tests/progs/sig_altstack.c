/* sig_altstack: unbounded recursion overflows the stack; a SIGSEGV handler
 * running on an alternate signal stack (sigaltstack) notes where it ran and
 * siglongjmps back to main.  The depth reached depends on the randomized
 * stack position. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static sigjmp_buf back;
static volatile long depth;
static volatile uintptr_t handler_local;
static char *altstack;
static volatile long never = -1;   /* keeps the compiler from seeing endless recursion */

static void on_segv(int sig)
{
    char here;
    (void)sig;
    handler_local = (uintptr_t)&here;
    siglongjmp(back, 1);
}

static long recurse(long n)
{
    volatile char pad[256];
    pad[0] = (char)n;
    depth = n;
    if (n == never)
        return 0;
    return recurse(n + 1) + pad[0];
}

int main(void)
{
    stack_t ss;
    struct sigaction sa;
    size_t size = 64 * 1024;

    altstack = malloc(size);
    ss.ss_sp = altstack;
    ss.ss_size = size;
    ss.ss_flags = 0;
    printf("sigaltstack: %d\n", sigaltstack(&ss, NULL));
    printf("alternate stack at %p\n", (void *)altstack);
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_segv;
    sa.sa_flags = SA_ONSTACK;
    sigaction(SIGSEGV, &sa, NULL);
    if (sigsetjmp(back, 1) == 0) {
        printf("recursing until the stack overflows\n");
        fflush(stdout);
        printf("not reached %ld\n", recurse(0));
        return 1;
    }
    printf("recovered after depth %ld\n", depth);
    printf("handler ran on the alternate stack: %d (local at %#lx)\n",
           handler_local >= (uintptr_t)altstack && handler_local < (uintptr_t)altstack + size,
           (unsigned long)handler_local);
    sigaltstack(NULL, &ss);
    printf("after: ss_flags %d\n", ss.ss_flags);
    return 0;
}
