/* mm_anon: anonymous memory: mmap, mprotect, munmap of part of a mapping,
 * mremap grow with MREMAP_MAYMOVE, MAP_FIXED_NOREPLACE, a large MAP_NORESERVE
 * reservation, and a MAP_SHARED anonymous mapping.  Addresses differ (ASLR). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static uint64_t sum(const unsigned char *p, size_t n)
{
    uint64_t s = 0;
    for (size_t i = 0; i < n; i++)
        s = s * 31 + p[i];
    return s;
}

int main(void)
{
    long pg = sysconf(_SC_PAGESIZE);
    struct timespec ts;
    unsigned char *a, *b, *c, *c2, *big, *sh, *hole;
    int r;

    clock_gettime(CLOCK_REALTIME, &ts);
    a = mmap(NULL, 3 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (a == MAP_FAILED)
        return 1;
    for (long i = 0; i < 3 * pg; i++)
        a[i] = (unsigned char)(i * 7 + ts.tv_nsec);
    printf("mmap 3 pages at %p sum %016llx\n", (void *)a, (unsigned long long)sum(a, 3 * pg));
    printf("mprotect middle read-only: %d\n", mprotect(a + pg, pg, PROT_READ));
    printf("middle byte still readable: %d\n", a[pg + 1] == (unsigned char)(pg * 7 + 7 + ts.tv_nsec));
    printf("mprotect back to read-write: %d\n", mprotect(a + pg, pg, PROT_READ | PROT_WRITE));
    printf("munmap first page: %d\n", munmap(a, pg));
    b = mremap(a + pg, 2 * pg, 16 * pg, MREMAP_MAYMOVE);
    if (b == MAP_FAILED) {
        printf("mremap failed: %s\n", strerrorname_np(errno));
        return 1;
    }
    printf("mremap to 16 pages: %p moved %d sum of old part %016llx tail zero %d\n", (void *)b,
           b != a + pg, (unsigned long long)sum(b, 2 * pg), b[15 * pg] == 0);
    b[2 * pg] = 1;   /* the grown part must be writable... */
    printf("mremap shrink: %p\n", mremap(b, 16 * pg, 4 * pg, 0));
    hole = mmap(NULL, 128 * pg, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    munmap(hole, 128 * pg);
    c = mmap(hole + 64 * pg, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    printf("MAP_FIXED_NOREPLACE at %p: %d\n", (void *)c, c == hole + 64 * pg);
    c2 = mmap(b, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    printf("MAP_FIXED_NOREPLACE on used: %p %s\n", (void *)c2, strerrorname_np(errno));
    big = mmap(NULL, 1UL << 30, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    big[(1UL << 29) + 5] = 77;
    printf("1 GiB reservation at %p, touched byte %d\n", (void *)big, big[(1UL << 29) + 5]);
    sh = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    snprintf((char *)sh, pg, "shared %ld", ts.tv_nsec);
    printf("shared anonymous at %p: %s\n", (void *)sh, sh);
    printf("munmap all: %d %d %d %d\n", munmap(b, 4 * pg), munmap(c, pg), munmap(big, 1UL << 30), munmap(sh, pg));
    r = munmap(b + 1, pg);
    printf("munmap unaligned: %d %s\n", r, strerrorname_np(errno));
    return 0;
}
