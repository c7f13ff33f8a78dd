/* mm_madvise: madvise(MADV_DONTNEED) on anonymous memory (reads back zero)
 * and on a private file mapping (reads back the file contents), plus
 * MADV_WILLNEED/MADV_NORMAL.  The file is created in the scratch dir argv[1]. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    long pg = sysconf(_SC_PAGESIZE);
    unsigned char *a, *f;
    char path[4096], text[64];
    int fd;

    if (argc < 2) {
        fprintf(stderr, "usage: mm_madvise DIR\n");
        return 2;
    }
    a = mmap(NULL, 4 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    memset(a, 0xab, 4 * pg);
    printf("anon at %p before: %x %x\n", (void *)a, a[pg], a[2 * pg]);
    printf("MADV_DONTNEED page 1: %d\n", madvise(a + pg, pg, MADV_DONTNEED));
    printf("after: page0 %x page1 %x page2 %x\n", a[0], a[pg], a[2 * pg]);

    snprintf(path, sizeof path, "%s/madvise.dat", argv[1]);
    fd = open(path, O_CREAT | O_RDWR | O_TRUNC, 0644);
    snprintf(text, sizeof text, "file page written by %d", getpid());
    if (fd < 0 || ftruncate(fd, 2 * pg) < 0 || pwrite(fd, text, strlen(text), pg) < 0)
        return 1;
    f = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    printf("file mapping at %p: %s\n", (void *)f, f + pg);
    memcpy(f + pg, "overwritten in private copy", 28);
    printf("modified: %s\n", f + pg);
    printf("MADV_DONTNEED: %d\n", madvise(f + pg, pg, MADV_DONTNEED));
    printf("reverted: %s\n", f + pg);
    printf("MADV_WILLNEED %d\n", madvise(f, 2 * pg, MADV_WILLNEED));
    printf("MADV_NORMAL %d\n", madvise(f, 2 * pg, MADV_NORMAL));
    fd = madvise(f, pg, 12345);
    printf("madvise bad advice: %d %s\n", fd, strerrorname_np(errno));
    unlink(path);
    return 0;
}
