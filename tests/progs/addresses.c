/* addresses: prints addresses that ASLR randomizes: code, data, stack,
 * heap (small and mmap-sized allocations), libc, TLS and an anonymous mmap. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

static int global_var = 1;
static __thread int tls_var = 2;

int main(void)
{
    int local = 3;
    void *small = malloc(16), *large = malloc(1 << 20);
    void *anon = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    printf("main      %p\n", (void *)main);
    printf("global    %p\n", (void *)&global_var);
    printf("literal   %p\n", (void *)"a string literal");
    printf("stack     %p\n", (void *)&local);
    printf("heap      %p\n", small);
    printf("large     %p\n", large);
    printf("printf    %p\n", (void *)printf);
    printf("memcpy    %p\n", (void *)memcpy);
    printf("errno     %p\n", (void *)&errno);
    printf("tls       %p\n", (void *)&tls_var);
    printf("mmap      %p\n", anon);
    printf("values    %d %d %d\n", global_var, tls_var, local);
    free(small);
    free(large);
    return 0;
}
