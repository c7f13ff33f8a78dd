/* tcp_client: a TCP client for a server that lives outside the recording
 * (tcp_server, run natively by the test).  Connects to 127.0.0.1:PORT, sends a
 * line, reads the reply to EOF with varying read sizes and prints the first
 * line, the size and a hash of everything received.  Replay must reproduce
 * this with no server running. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    static const size_t sizes[] = { 1, 10, 1000, 4096, 65536 };
    static char buf[65536];
    struct sockaddr_in a, me;
    socklen_t len = sizeof me;
    struct timespec ts;
    char msg[128], first[256] = "";
    size_t firstlen = 0;
    uint64_t hash = 1469598103934665603ULL;
    long total = 0, reads = 0;
    int s, in_first = 1;
    ssize_t n;

    if (argc < 2) {
        fprintf(stderr, "usage: tcp_client PORT\n");
        return 2;
    }
    s = socket(AF_INET, SOCK_STREAM, 0);
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)atoi(argv[1]));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(s, (struct sockaddr *)&a, sizeof a) < 0) {
        perror("connect");
        return 1;
    }
    getsockname(s, (struct sockaddr *)&me, &len);
    printf("connected from local port %d\n", ntohs(me.sin_port));
    clock_gettime(CLOCK_REALTIME, &ts);
    n = snprintf(msg, sizeof msg, "ping from %d at %ld.%09ld\n", getpid(), (long)ts.tv_sec, ts.tv_nsec);
    printf("sent %zd\n", send(s, msg, (size_t)n, 0));
    while ((n = recv(s, buf, sizeof(buf) < sizes[reads % 5] ? sizeof buf : sizes[reads % 5], 0)) > 0) {
        reads++;
        for (ssize_t i = 0; i < n; i++) {
            hash = (hash ^ (unsigned char)buf[i]) * 1099511628211ULL;
            if (buf[i] == '\n')
                in_first = 0;
            else if (in_first && firstlen < sizeof first - 1)
                first[firstlen++] = buf[i];
        }
        total += n;
    }
    first[firstlen] = 0;
    printf("reply first line: %s\n", first);
    printf("received %ld bytes hash %016llx, last recv %zd\n", total, (unsigned long long)hash, n);
    close(s);
    return 0;
}
