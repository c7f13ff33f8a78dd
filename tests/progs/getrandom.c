/* getrandom: random bytes from getrandom (flags 0, GRND_NONBLOCK,
 * GRND_INSECURE), getentropy and arc4random, printed in hex. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

static void hex(const char *what, const unsigned char *p, ssize_t n)
{
    printf("%s (%zd):", what, n);
    for (ssize_t i = 0; i < n; i++)
        printf(" %02x", p[i]);
    printf("\n");
}

int main(void)
{
    unsigned char buf[300];
    ssize_t n;

    hex("getrandom 16", buf, getrandom(buf, 16, 0));
    hex("getrandom NONBLOCK 8", buf, getrandom(buf, 8, GRND_NONBLOCK));
    hex("getrandom INSECURE 8", buf, getrandom(buf, 8, GRND_INSECURE));
    n = getrandom(buf, 8, 0x4000);
    printf("getrandom bad flags: %zd %s\n", n, strerrorname_np(errno));
    n = getentropy(buf, 32);
    printf("getentropy 32: %zd\n", n);
    hex("  bytes", buf, 32);
    n = getentropy(buf, 300);
    printf("getentropy 300 (too big): %zd %s\n", n, strerrorname_np(errno));
    printf("arc4random: %08x %08x\n", arc4random(), arc4random_uniform(1000000));
    return 0;
}
