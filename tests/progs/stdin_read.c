/* stdin_read: reads all of standard input with read(2) in varying chunk sizes
 * and prints the byte count, line count, a hash and the first line.  The test
 * records with random input piped in and replays with no stdin (/dev/null). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int main(void)
{
    static const size_t sizes[] = { 1, 7, 4096, 65536, 13 };
    static char buf[65536];
    char first[64] = "";
    size_t firstlen = 0;
    int in_first = 1;
    uint64_t hash = 1469598103934665603ULL;
    long total = 0, lines = 0, reads = 0;
    struct stat st;

    if (fstat(0, &st) == 0)
        printf("stdin type: %s\n", S_ISFIFO(st.st_mode) ? "fifo" :
               S_ISREG(st.st_mode) ? "file" : S_ISCHR(st.st_mode) ? "chardev" : "other");
    printf("isatty(0) = %d\n", isatty(0));
    for (;;) {
        ssize_t n = read(0, buf, sizes[reads % 5]);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            printf("read error: %s\n", strerror(errno));
            return 1;
        }
        if (n == 0)
            break;
        reads++;
        for (ssize_t i = 0; i < n; i++) {
            hash = (hash ^ (unsigned char)buf[i]) * 1099511628211ULL;
            if (buf[i] == '\n') {
                lines++;
                in_first = 0;
            } else if (in_first && firstlen < sizeof first - 1) {
                first[firstlen++] = buf[i];
            }
        }
        total += n;
    }
    first[firstlen] = 0;
    printf("bytes %ld lines %ld reads %ld hash %016llx\n", total, lines, reads,
           (unsigned long long)hash);
    printf("first line: %s\n", first);
    return 0;
}
