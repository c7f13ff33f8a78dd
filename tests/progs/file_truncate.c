/* file_truncate: ftruncate to shrink and to grow (sparse), truncate by path,
 * lseek SEEK_END/SEEK_DATA/SEEK_HOLE, reads across the truncated end. */
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
    char path[4096], buf[10000];
    struct timespec ts;
    struct stat st;
    ssize_t n;
    off_t off;
    int fd;

    if (argc < 2) {
        fprintf(stderr, "usage: file_truncate DIR\n");
        return 2;
    }
    snprintf(path, sizeof path, "%s/trunc.bin", argv[1]);
    fd = open(path, O_CREAT | O_RDWR | O_TRUNC, 0644);
    if (fd < 0) {
        perror("open");
        return 1;
    }
    clock_gettime(CLOCK_REALTIME, &ts);
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = 'a' + (char)((i + ts.tv_nsec) % 26);
    printf("write %zd\n", write(fd, buf, sizeof buf));
    printf("ftruncate(100) %d\n", ftruncate(fd, 100));
    fstat(fd, &st);
    printf("size %ld, offset %ld\n", (long)st.st_size, (long)lseek(fd, 0, SEEK_CUR));
    printf("read at old offset: %zd\n", read(fd, buf, 10));
    n = pread(fd, buf, 200, 90);
    printf("pread(90): %zd \"%.*s\"\n", n, (int)n, buf);
    printf("ftruncate(1MiB) %d\n", ftruncate(fd, 1 << 20));
    printf("SEEK_END %ld\n", (long)lseek(fd, 0, SEEK_END));
    printf("SEEK_DATA(0) %ld\n", (long)lseek(fd, 0, SEEK_DATA));
    printf("SEEK_HOLE(0) %ld\n", (long)lseek(fd, 0, SEEK_HOLE));
    off = lseek(fd, 500000, SEEK_DATA);
    printf("SEEK_DATA(500000) %ld %s\n", (long)off, strerrorname_np(errno));
    printf("truncate(path, 7) %d\n", truncate(path, 7));
    fstat(fd, &st);
    printf("size %ld\n", (long)st.st_size);
    n = ftruncate(fd, -1);
    printf("ftruncate(-1) %zd %s\n", n, strerrorname_np(errno));
    close(fd);
    unlink(path);
    return 0;
}
