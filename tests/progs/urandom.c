/* urandom: reads /dev/urandom and /dev/random and prints the bytes in hex. */
#include <fcntl.h>
#include <stdio.h>
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
    unsigned char buf[64];
    int fd = open("/dev/urandom", O_RDONLY);

    if (fd < 0) {
        perror("/dev/urandom");
        return 1;
    }
    hex("urandom 32", buf, read(fd, buf, 32));
    for (int i = 0; i < 4; i++)
        hex("urandom 2", buf, read(fd, buf, 2));
    close(fd);
    fd = open("/dev/random", O_RDONLY);
    hex("random 16", buf, read(fd, buf, 16));
    close(fd);
    return 0;
}
