/* tcp_server: test helper, run natively (never recorded).  Listens on
 * 127.0.0.1 at an ephemeral port, writes the port number to the file argv[1],
 * and serves argv[2] connections (default 10): reads one line, replies with
 * a line containing its pid, the time, random bytes and the client's line,
 * then about 200 kB of time-seeded data and "bye", then closes. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int send_all(int s, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = send(s, p, n, MSG_NOSIGNAL);
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

int main(int argc, char **argv)
{
    static char payload[200000];
    struct sockaddr_in a;
    socklen_t len = sizeof a;
    char tmp[4096], line[512], reply[1024];
    int lsn, conns = argc > 2 ? atoi(argv[2]) : 10, one = 1;
    FILE *f;

    if (argc < 2) {
        fprintf(stderr, "usage: tcp_server PORTFILE [CONNECTIONS]\n");
        return 2;
    }
    lsn = socket(AF_INET, SOCK_STREAM, 0);
    setsockopt(lsn, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(lsn, (struct sockaddr *)&a, sizeof a) < 0 || listen(lsn, 8) < 0) {
        perror("bind/listen");
        return 1;
    }
    getsockname(lsn, (struct sockaddr *)&a, &len);
    snprintf(tmp, sizeof tmp, "%s.tmp", argv[1]);
    f = fopen(tmp, "w");
    if (!f)
        return 1;
    fprintf(f, "%d\n", ntohs(a.sin_port));
    fclose(f);
    rename(tmp, argv[1]);

    for (int c = 0; c < conns; c++) {
        int s = accept(lsn, NULL, NULL);
        size_t used = 0;
        unsigned char rnd[8] = { 0 };
        struct timespec ts;
        uint64_t x;
        int n;

        if (s < 0)
            continue;
        while (used < sizeof line - 1) {
            ssize_t r = recv(s, line + used, 1, 0);
            if (r <= 0 || line[used] == '\n')
                break;
            used++;
        }
        line[used] = 0;
        clock_gettime(CLOCK_REALTIME, &ts);
        if (getrandom(rnd, sizeof rnd, 0) < 0)
            rnd[0] = 1;
        n = snprintf(reply, sizeof reply, "hello from server pid %d at %ld.%09ld rnd %02x%02x%02x%02x, you said: %s\n",
                     getpid(), (long)ts.tv_sec, ts.tv_nsec, rnd[0], rnd[1], rnd[2], rnd[3], line);
        x = (uint64_t)ts.tv_nsec | 1;
        for (size_t i = 0; i < sizeof payload; i++) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            payload[i] = (char)('A' + x % 26);
        }
        if (send_all(s, reply, (size_t)n) == 0 && send_all(s, payload, sizeof payload) == 0)
            send_all(s, "\nbye\n", 5);
        close(s);
    }
    return 0;
}
