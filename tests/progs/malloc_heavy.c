/* malloc_heavy: 200000 malloc/realloc/free operations of sizes from 1 byte to
 * 1 MiB (large ones go to mmap), with contents checked.  Prints a few
 * addresses (ASLR-dependent) and a checksum. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SLOTS 1000

int main(void)
{
    static char *slot[SLOTS];
    static size_t len[SLOTS];
    uint64_t x = 88172645463325252ULL, check = 0;
    long bad = 0;

    for (int op = 0; op < 200000; op++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        int i = (int)(x % SLOTS);
        size_t n = (x >> 20) % 100 == 0 ? (size_t)((x >> 32) % (1 << 20)) + 1 : (size_t)((x >> 32) % 512) + 1;
        if (slot[i]) {
            if ((unsigned char)slot[i][len[i] - 1] != (unsigned char)(i + len[i]))
                bad++;
            check += (unsigned char)slot[i][0];
            if (op % 3 == 0) {
                slot[i] = realloc(slot[i], n);
            } else {
                free(slot[i]);
                slot[i] = malloc(n);
            }
        } else {
            slot[i] = malloc(n);
        }
        if (!slot[i])
            return 1;
        len[i] = n;
        memset(slot[i], (int)(i + n), n);
        if (op == 10 || op == 100000)
            printf("op %d: slot %d size %zu at %p\n", op, i, n, (void *)slot[i]);
    }
    for (int i = 0; i < SLOTS; i++)
        free(slot[i]);
    printf("checksum %llu bad %ld\n", (unsigned long long)check, bad);
    return 0;
}
