/* mm_file: maps the file argv[1] MAP_PRIVATE and MAP_SHARED (read-only) and
 * with an offset, prints its size, a hash and the first line, writes to the
 * private copy (copy-on-write: the file must stay unchanged).  The test
 * changes or deletes the file before replay; replay must show the recorded
 * contents. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static uint64_t fnv(const unsigned char *p, size_t n)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 1099511628211ULL;
    return h;
}

int main(int argc, char **argv)
{
    struct stat st;
    unsigned char *priv, *shared, *off, first;
    int fd;

    if (argc < 2) {
        fprintf(stderr, "usage: mm_file FILE\n");
        return 2;
    }
    fd = open(argv[1], O_RDONLY);
    if (fd < 0 || fstat(fd, &st) < 0 || st.st_size < 8192) {
        perror(argv[1]);
        return 1;
    }
    priv = mmap(NULL, st.st_size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    shared = mmap(NULL, st.st_size, PROT_READ, MAP_SHARED, fd, 0);
    off = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 4096);
    if (priv == MAP_FAILED || shared == MAP_FAILED || off == MAP_FAILED) {
        perror("mmap");
        return 1;
    }
    close(fd);
    printf("size %ld mapped at %p %p %p\n", (long)st.st_size, (void *)priv, (void *)shared, (void *)off);
    printf("private hash %016llx\n", (unsigned long long)fnv(priv, st.st_size));
    printf("shared hash  %016llx\n", (unsigned long long)fnv(shared, st.st_size));
    printf("offset page hash %016llx same as file page 1: %d\n", (unsigned long long)fnv(off, 4096),
           memcmp(off, priv + 4096, 4096) == 0);
    printf("first line: %.*s\n", (int)strcspn((char *)priv, "\n"), priv);
    first = priv[0];
    priv[0] ^= 0xff;
    printf("private write visible privately %d, shared unchanged %d\n", priv[0] == (first ^ 0xff),
           shared[0] == first);
    printf("munmap %d %d %d\n", munmap(priv, st.st_size), munmap(shared, st.st_size), munmap(off, 4096));
    return 0;
}
