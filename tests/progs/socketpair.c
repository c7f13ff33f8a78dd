/* socketpair: AF_UNIX socketpairs: stream (both directions, MSG_PEEK,
 * MSG_DONTWAIT on empty, shutdown), datagram (boundaries kept), seqpacket,
 * and SO_PEERCRED. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

int main(void)
{
    int s[2], d[2], q[2];
    char buf[128], msg[64];
    struct timespec ts;
    struct ucred cred;
    socklen_t len = sizeof cred;
    ssize_t n;

    if (socketpair(AF_UNIX, SOCK_STREAM, 0, s) < 0)
        return 1;
    clock_gettime(CLOCK_REALTIME, &ts);
    snprintf(msg, sizeof msg, "stream %ld", ts.tv_nsec);
    printf("send %zd\n", send(s[0], msg, strlen(msg), 0));
    n = recv(s[1], buf, sizeof buf, MSG_PEEK);
    printf("peek %zd: %.*s\n", n, (int)n, buf);
    n = recv(s[1], buf, sizeof buf, 0);
    printf("recv %zd: %.*s\n", n, (int)n, buf);
    n = recv(s[1], buf, 1, MSG_DONTWAIT);
    printf("recv empty DONTWAIT: %zd %s\n", n, strerrorname_np(errno));
    printf("reply %zd\n", write(s[1], "pong", 4));
    n = read(s[0], buf, sizeof buf);
    printf("read %zd: %.*s\n", n, (int)n, buf);
    getsockopt(s[0], SOL_SOCKET, SO_PEERCRED, &cred, &len);
    printf("peercred pid-is-me %d pid %d uid %d\n", cred.pid == getpid(), cred.pid, cred.uid);
    shutdown(s[0], SHUT_WR);
    printf("recv after shutdown: %zd\n", recv(s[1], buf, sizeof buf, 0));

    if (socketpair(AF_UNIX, SOCK_DGRAM, 0, d) < 0)
        return 1;
    send(d[0], "one", 3, 0);
    send(d[0], msg, strlen(msg), 0);
    n = recv(d[1], buf, sizeof buf, 0);
    printf("dgram 1: %zd %.*s\n", n, (int)n, buf);
    n = recv(d[1], buf, 2, MSG_TRUNC);
    printf("dgram 2 truncated: %zd %.2s\n", n, buf);

    if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, q) < 0)
        return 1;
    send(q[1], "seq", 3, 0);
    n = recv(q[0], buf, sizeof buf, 0);
    printf("seqpacket: %zd %.*s\n", n, (int)n, buf);
    return 0;
}
