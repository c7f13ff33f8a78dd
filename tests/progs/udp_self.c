/* udp_self: UDP on 127.0.0.1 within one process: bind to port 0
 * (ephemeral port differs between runs), sendto, recvfrom with source
 * address, sendmmsg/recvmmsg of two messages. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

int main(void)
{
    struct sockaddr_in a, from;
    socklen_t len = sizeof a;
    struct timespec ts;
    struct mmsghdr mm[2];
    struct iovec iov[2];
    char msg[64], buf[2][64];
    int rs, ss;
    ssize_t n;

    rs = socket(AF_INET, SOCK_DGRAM, 0);
    ss = socket(AF_INET, SOCK_DGRAM, 0);
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(rs, (struct sockaddr *)&a, sizeof a) < 0)
        return 1;
    getsockname(rs, (struct sockaddr *)&a, &len);
    printf("receiver bound to %s:%d\n", inet_ntoa(a.sin_addr), ntohs(a.sin_port));
    clock_gettime(CLOCK_REALTIME, &ts);
    snprintf(msg, sizeof msg, "datagram %ld", ts.tv_nsec);
    printf("sendto %zd\n", sendto(ss, msg, strlen(msg), 0, (struct sockaddr *)&a, sizeof a));
    len = sizeof from;
    n = recvfrom(rs, buf[0], sizeof buf[0], 0, (struct sockaddr *)&from, &len);
    printf("recvfrom %zd \"%.*s\" from %s:%d\n", n, (int)n, buf[0], inet_ntoa(from.sin_addr), ntohs(from.sin_port));

    memset(mm, 0, sizeof mm);
    iov[0] = (struct iovec){ "first", 5 };
    iov[1] = (struct iovec){ msg, strlen(msg) };
    for (int i = 0; i < 2; i++) {
        mm[i].msg_hdr.msg_iov = &iov[i];
        mm[i].msg_hdr.msg_iovlen = 1;
        mm[i].msg_hdr.msg_name = &a;
        mm[i].msg_hdr.msg_namelen = sizeof a;
    }
    printf("sendmmsg %d\n", sendmmsg(ss, mm, 2, 0));
    memset(mm, 0, sizeof mm);
    for (int i = 0; i < 2; i++) {
        iov[i] = (struct iovec){ buf[i], sizeof buf[i] };
        mm[i].msg_hdr.msg_iov = &iov[i];
        mm[i].msg_hdr.msg_iovlen = 1;
    }
    printf("recvmmsg %d\n", recvmmsg(rs, mm, 2, MSG_WAITFORONE, NULL));
    for (int i = 0; i < 2; i++)
        printf("  msg %d: %u \"%.*s\"\n", i, mm[i].msg_len, (int)mm[i].msg_len, buf[i]);
    return 0;
}
