/* file_pread: pwrite at several offsets (leaving a hole), pread them back,
 * pread past end of file; the current offset must not move. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    static const long offs[] = { 0, 100, 5000 };
    char path[4096], text[64], buf[64];
    struct timespec ts;
    struct stat st;
    ssize_t n;
    int fd;

    if (argc < 2) {
        fprintf(stderr, "usage: file_pread DIR\n");
        return 2;
    }
    snprintf(path, sizeof path, "%s/file_pread.bin", argv[1]);
    fd = open(path, O_CREAT | O_RDWR | O_TRUNC, 0600);
    if (fd < 0) {
        perror("open");
        return 1;
    }
    for (int i = 0; i < 3; i++) {
        clock_gettime(CLOCK_MONOTONIC, &ts);
        snprintf(text, sizeof text, "<%d:%ld>", i, ts.tv_nsec);
        printf("pwrite at %ld: %zd\n", offs[i], pwrite(fd, text, strlen(text), offs[i]));
    }
    printf("offset still %ld\n", (long)lseek(fd, 0, SEEK_CUR));
    for (int i = 2; i >= 0; i--) {
        ssize_t n = pread(fd, buf, 20, offs[i]);
        printf("pread at %ld: %zd \"%.*s\"\n", offs[i], n, (int)(n > 0 ? n : 0), buf);
    }
    memset(buf, 'x', sizeof buf);
    n = pread(fd, buf, 8, 2000);
    printf("pread in hole: %zd first byte %d\n", n, buf[0]);
    printf("pread past end: %zd\n", pread(fd, buf, 8, 1 << 20));
    n = pread(fd, buf, 8, -1);
    printf("pread negative offset: %zd errno %s\n", n, strerrorname_np(errno));
    fstat(fd, &st);
    printf("size %ld blocks %ld\n", (long)st.st_size, (long)st.st_blocks);
    close(fd);
    unlink(path);
    return 0;
}
