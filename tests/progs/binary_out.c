/* binary_out: writes every byte value, then about 2 MB of time-seeded
 * pseudo-random bytes to stdout in chunks of very different sizes (handling
 * short writes).  Replay must write exactly the same bytes (compared with cmp). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static void write_all(const unsigned char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(1, p, n);
        if (w <= 0)
            exit(2);
        p += w;
        n -= (size_t)w;
    }
}

int main(void)
{
    static const size_t chunks[] = { 1, 3, 4096, 65536, 1 << 20, 100, 7 };
    size_t size = (2 << 20) + 12345, off = 0;
    unsigned char all[256];
    unsigned char *buf = malloc(size);
    struct timespec ts;
    uint64_t x;

    if (!buf)
        return 1;
    for (int i = 0; i < 256; i++)
        all[i] = (unsigned char)i;
    write_all(all, sizeof all);
    clock_gettime(CLOCK_REALTIME, &ts);
    x = (uint64_t)ts.tv_nsec * 2654435761u + (uint64_t)ts.tv_sec + 1;
    for (size_t i = 0; i < size; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        buf[i] = (unsigned char)x;
    }
    for (int c = 0; off < size; c++) {
        size_t n = chunks[c % 7];
        if (n > size - off)
            n = size - off;
        write_all(buf + off, n);
        off += n;
    }
    fprintf(stderr, "wrote %zu bytes\n", size + 256);
    free(buf);
    return 0;
}
