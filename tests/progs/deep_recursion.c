/* deep_recursion: recursion 40000 levels deep with a 100-byte frame each
 * (several MiB of stack, growing the stack mapping far down).  Prints the
 * result, the stack used and the deepest address (ASLR-dependent). */
#include <stdint.h>
#include <stdio.h>

static uintptr_t deepest;

static long recurse(int n)
{
    volatile char buf[100];
    buf[n % 100] = (char)n;
    if (n == 0) {
        deepest = (uintptr_t)buf;
        return 0;
    }
    return recurse(n - 1) + buf[n % 100] + 1;
}

int main(void)
{
    char top;
    long r = recurse(40000);
    printf("result %ld\n", r);
    printf("stack used %ld bytes\n", (long)((uintptr_t)&top - deepest));
    printf("deepest frame at %#lx\n", (unsigned long)deepest);
    return 0;
}
