/* pipe: pipes within one process: write and read back, pipe2 with
 * O_NONBLOCK (EAGAIN on empty, short write when full), EOF after the write end
 * is closed, EPIPE when the read end is closed (SIGPIPE ignored). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int main(void)
{
    int p[2], q[2];
    char msg[64], buf[128];
    struct timespec ts;
    char *big;
    ssize_t n;
    long got = 0;

    signal(SIGPIPE, SIG_IGN);
    if (pipe(p) < 0)
        return 1;
    printf("pipe fds %d %d\n", p[0], p[1]);
    clock_gettime(CLOCK_REALTIME, &ts);
    snprintf(msg, sizeof msg, "message from %d at %ld", getpid(), ts.tv_nsec);
    printf("write %zd\n", write(p[1], msg, strlen(msg)));
    n = read(p[0], buf, 10);
    printf("read %zd: %.*s\n", n, (int)n, buf);
    n = read(p[0], buf, sizeof buf);
    printf("read %zd: %.*s\n", n, (int)n, buf);

    if (pipe2(q, O_NONBLOCK | O_CLOEXEC) < 0)
        return 1;
    printf("pipe2 fds %d %d\n", q[0], q[1]);
    n = read(q[0], buf, 1);
    printf("read empty nonblocking: %zd %s\n", n, strerrorname_np(errno));
    big = malloc(100000);
    memset(big, 'z', 100000);
    big[0] = (char)('a' + ts.tv_nsec % 26);
    n = write(q[1], big, 100000);
    printf("write 100000 to nonblocking pipe: %zd\n", n);
    n = write(q[1], big, 1);
    printf("write to full pipe: %zd %s\n", n, strerrorname_np(errno));
    while ((n = read(q[0], big, 100000)) > 0)
        got += n;
    printf("drained %ld bytes, first %c\n", got, big[0]);
    close(q[1]);
    printf("read after close of write end: %zd\n", read(q[0], buf, 1));
    close(p[0]);
    n = write(p[1], "x", 1);
    printf("write after close of read end: %zd %s\n", n, strerrorname_np(errno));
    free(big);
    return 0;
}
