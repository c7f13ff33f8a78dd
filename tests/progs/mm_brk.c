/* mm_brk: the program break: sbrk(0), grow by 1 MiB and touch it, shrink,
 * brk() to an explicit value, and the raw brk syscall.  The break address is
 * randomized (ASLR). */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
    char *start = sbrk(0), *p, *end;
    int r;

    printf("initial break %p\n", (void *)start);
    p = sbrk(1 << 20);
    memset(p, 0x5a, 1 << 20);
    printf("sbrk(1MiB) returned %p, byte %x\n", (void *)p, (unsigned char)p[12345]);
    printf("new break %p\n", sbrk(0));
    p = sbrk(-(1 << 19));
    printf("sbrk(-512KiB) returned %p\n", (void *)p);
    printf("new break %p\n", sbrk(0));
    end = (char *)sbrk(0) + 8192;
    r = brk(end);
    p = sbrk(0);
    printf("brk(+8KiB) = %d, break %p, moved by %ld\n", r, (void *)p, (long)(p - start));
    printf("raw brk(0) = %p\n", (void *)syscall(SYS_brk, 0));
    printf("raw brk(1) (refused) = %p\n", (void *)syscall(SYS_brk, 1));
    return 0;
}
