/* file_vec: vectored I/O: writev, readv into buffers of different sizes,
 * pwritev, preadv, preadv2. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    char path[4096], stamp[64], a[5], b[11], c[64];
    struct iovec iov[3];
    struct timespec ts;
    ssize_t n;
    int fd;

    if (argc < 2) {
        fprintf(stderr, "usage: file_vec DIR\n");
        return 2;
    }
    snprintf(path, sizeof path, "%s/file_vec.txt", argv[1]);
    fd = open(path, O_CREAT | O_RDWR | O_TRUNC, 0644);
    if (fd < 0) {
        perror("open");
        return 1;
    }
    clock_gettime(CLOCK_REALTIME, &ts);
    snprintf(stamp, sizeof stamp, "[%ld.%09ld]", (long)ts.tv_sec, ts.tv_nsec);
    iov[0] = (struct iovec){ "first-", 6 };
    iov[1] = (struct iovec){ stamp, strlen(stamp) };
    iov[2] = (struct iovec){ "-last\n", 6 };
    printf("writev: %zd\n", writev(fd, iov, 3));

    lseek(fd, 0, SEEK_SET);
    memset(c, 0, sizeof c);
    iov[0] = (struct iovec){ a, sizeof a };
    iov[1] = (struct iovec){ b, sizeof b };
    iov[2] = (struct iovec){ c, sizeof c - 1 };
    n = readv(fd, iov, 3);
    printf("readv: %zd a=\"%.5s\" b=\"%.11s\" c=\"%s\"\n", n, a, b, c);

    iov[0] = (struct iovec){ "PW", 2 };
    iov[1] = (struct iovec){ stamp + 1, 4 };
    printf("pwritev at 3: %zd\n", pwritev(fd, iov, 2, 3));
    memset(a, 0, sizeof a);
    memset(b, 0, sizeof b);
    iov[0] = (struct iovec){ a, 4 };
    iov[1] = (struct iovec){ b, 8 };
    n = preadv(fd, iov, 2, 1);
    printf("preadv at 1: %zd a=\"%.4s\" b=\"%.8s\"\n", n, a, b);
    memset(c, 0, sizeof c);
    iov[0] = (struct iovec){ c, sizeof c - 1 };
    n = preadv2(fd, iov, 1, 0, 0);
    printf("preadv2 at 0: %zd \"%s\"\n", n, c);
    printf("readv at end: %zd\n", readv(fd, iov, 1));
    n = writev(-1, iov, 1);
    printf("writev bad fd: %zd errno %s\n", n, strerrorname_np(errno));
    close(fd);
    unlink(path);
    return 0;
}
