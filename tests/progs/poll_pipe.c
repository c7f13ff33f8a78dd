/* poll_pipe: readiness on pipes: poll (timeout 0, ready, and a 30 ms timeout
 * that expires), ppoll, select, pselect, and epoll whose event data is a
 * pointer (an ASLR-dependent address the kernel hands back). */
#define _GNU_SOURCE
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <time.h>
#include <unistd.h>

static long ms_since(const struct timespec *a)
{
    struct timespec b;
    clock_gettime(CLOCK_MONOTONIC, &b);
    return (b.tv_sec - a->tv_sec) * 1000 + (b.tv_nsec - a->tv_nsec) / 1000000;
}

int main(void)
{
    int p[2], ep, n, marker = 42;
    struct pollfd pfd;
    struct epoll_event ev, out[4];
    struct timespec t0, zero = { 0, 0 };
    fd_set rd;
    struct timeval tv;
    char buf[16];

    if (pipe(p) < 0)
        return 1;
    pfd = (struct pollfd){ .fd = p[0], .events = POLLIN };
    printf("poll empty, timeout 0: %d\n", poll(&pfd, 1, 0));
    clock_gettime(CLOCK_MONOTONIC, &t0);
    printf("poll empty, timeout 30ms: %d\n", poll(&pfd, 1, 30));
    n = (int)ms_since(&t0);
    printf("  waited at least 30ms: %d (elapsed %d ms)\n", n >= 29, n);

    ep = epoll_create1(EPOLL_CLOEXEC);
    ev.events = EPOLLIN;
    ev.data.ptr = &marker;
    printf("epoll_ctl ADD: %d\n", epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev));
    printf("epoll_wait empty: %d\n", epoll_wait(ep, out, 4, 0));

    if (write(p[1], "ready", 5) != 5)
        return 1;
    pfd.revents = 0;
    n = poll(&pfd, 1, 1000);
    printf("poll ready: %d revents %x\n", n, pfd.revents);
    pfd.revents = 0;
    n = ppoll(&pfd, 1, &zero, NULL);
    printf("ppoll ready: %d revents %x\n", n, pfd.revents);
    FD_ZERO(&rd);
    FD_SET(p[0], &rd);
    tv = (struct timeval){ 1, 0 };
    n = select(p[0] + 1, &rd, NULL, NULL, &tv);
    printf("select ready: %d isset %d\n", n, FD_ISSET(p[0], &rd));
    FD_ZERO(&rd);
    FD_SET(p[0], &rd);
    n = pselect(p[0] + 1, &rd, NULL, NULL, &zero, NULL);
    printf("pselect ready: %d isset %d\n", n, FD_ISSET(p[0], &rd));
    n = epoll_wait(ep, out, 4, 1000);
    printf("epoll_wait: %d events %x data %p is &marker: %d value %d\n", n, out[0].events,
           out[0].data.ptr, out[0].data.ptr == (void *)&marker, *(int *)out[0].data.ptr);
    if (read(p[0], buf, sizeof buf) != 5)
        return 1;
    close(p[1]);
    n = epoll_wait(ep, out, 4, 1000);
    printf("epoll_wait after close of writer: %d events %x\n", n, out[0].events);
    return 0;
}
