/* unix_socket: named AF_UNIX sockets in one process: an abstract stream
 * socket (listen, connect, accept4, getsockname/getpeername), passing a pipe fd
 * with SCM_RIGHTS, and a datagram socket bound to a path in argv[1]. */
#define _GNU_SOURCE
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    struct sockaddr_un addr, peer;
    socklen_t alen, plen;
    struct timespec ts;
    struct msghdr mh;
    struct iovec iov;
    struct cmsghdr *cm;
    union { char buf[CMSG_SPACE(sizeof(int))]; struct cmsghdr align; } ctl;
    char buf[256], text[64];
    int lsn, cli, srv, p[2], got = -1, dg, dc;
    ssize_t n;

    if (argc < 2) {
        fprintf(stderr, "usage: unix_socket DIR\n");
        return 2;
    }
    clock_gettime(CLOCK_REALTIME, &ts);
    memset(&addr, 0, sizeof addr);
    addr.sun_family = AF_UNIX;
    n = snprintf(addr.sun_path + 1, sizeof addr.sun_path - 1, "rewind-test-%d-%ld", getpid(), ts.tv_nsec);
    alen = offsetof(struct sockaddr_un, sun_path) + 1 + n;
    lsn = socket(AF_UNIX, SOCK_STREAM, 0);
    printf("bind %d\n", bind(lsn, (struct sockaddr *)&addr, alen));
    printf("listen %d\n", listen(lsn, 4));
    cli = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    printf("connect %d\n", connect(cli, (struct sockaddr *)&addr, alen));
    plen = sizeof peer;
    srv = accept4(lsn, (struct sockaddr *)&peer, &plen, SOCK_CLOEXEC);
    printf("accept4 fd %d peer addrlen %u\n", srv, plen);
    plen = sizeof peer;
    getpeername(cli, (struct sockaddr *)&peer, &plen);
    printf("getpeername: @%.*s\n", (int)(plen - offsetof(struct sockaddr_un, sun_path) - 1), peer.sun_path + 1);

    /* pass the read end of a pipe that already holds data */
    if (pipe(p) < 0)
        return 1;
    snprintf(text, sizeof text, "through the passed fd %ld", ts.tv_nsec);
    if (write(p[1], text, strlen(text)) < 0)
        return 1;
    memset(&mh, 0, sizeof mh);
    iov = (struct iovec){ "F", 1 };
    mh.msg_iov = &iov;
    mh.msg_iovlen = 1;
    mh.msg_control = ctl.buf;
    mh.msg_controllen = sizeof ctl.buf;
    cm = CMSG_FIRSTHDR(&mh);
    cm->cmsg_level = SOL_SOCKET;
    cm->cmsg_type = SCM_RIGHTS;
    cm->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cm), &p[0], sizeof(int));
    printf("sendmsg %zd\n", sendmsg(cli, &mh, 0));
    close(p[0]);
    memset(&ctl, 0, sizeof ctl);
    iov = (struct iovec){ buf, sizeof buf };
    mh.msg_controllen = sizeof ctl.buf;
    n = recvmsg(srv, &mh, 0);
    cm = CMSG_FIRSTHDR(&mh);
    if (cm && cm->cmsg_type == SCM_RIGHTS)
        memcpy(&got, CMSG_DATA(cm), sizeof(int));
    printf("recvmsg %zd byte %c received fd %d\n", n, buf[0], got);
    n = read(got, buf, sizeof buf);
    printf("read from received fd: %.*s\n", (int)(n > 0 ? n : 0), buf);

    /* datagram socket bound to a path */
    memset(&addr, 0, sizeof addr);
    addr.sun_family = AF_UNIX;
    snprintf(addr.sun_path, sizeof addr.sun_path, "%s/dgram.sock", argv[1]);
    dg = socket(AF_UNIX, SOCK_DGRAM, 0);
    if (bind(dg, (struct sockaddr *)&addr, sizeof addr) < 0) {
        printf("bind path failed: %s\n", strerrorname_np(errno));
        return 1;
    }
    printf("bind path 0\n");
    dc = socket(AF_UNIX, SOCK_DGRAM, 0);
    printf("sendto %zd\n", sendto(dc, text, strlen(text), 0, (struct sockaddr *)&addr, sizeof addr));
    plen = sizeof peer;
    n = recvfrom(dg, buf, sizeof buf, 0, (struct sockaddr *)&peer, &plen);
    printf("recvfrom %zd: %.*s (sender addrlen %u)\n", n, (int)n, buf, plen);
    snprintf(addr.sun_path, sizeof addr.sun_path, "%s/missing.sock", argv[1]);
    got = connect(dc, (struct sockaddr *)&addr, sizeof addr);
    printf("connect to missing path: %d %s\n", got, strerrorname_np(errno));
    snprintf(addr.sun_path, sizeof addr.sun_path, "%s/dgram.sock", argv[1]);
    unlink(addr.sun_path);
    return 0;
}
