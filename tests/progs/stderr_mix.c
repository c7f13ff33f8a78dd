/* stderr_mix: interleaves unbuffered writes to stdout and stderr, including
 * partial lines and an empty write.  Replay must reproduce both streams byte
 * for byte. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void put(int fd, const char *s)
{
    if (write(fd, s, strlen(s)) < 0)
        _exit(2);
}

int main(void)
{
    char line[128];
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    snprintf(line, sizeof line, "pid %d time %ld.%09ld\n", getpid(), (long)ts.tv_sec, ts.tv_nsec);
    put(1, line);
    put(2, line);
    for (int i = 0; i < 20; i++) {
        snprintf(line, sizeof line, "out %d\n", i);
        put(1, line);
        snprintf(line, sizeof line, "err %d", i);
        put(2, line);
        put(2, i % 3 ? " (partial)\n" : "\n");
    }
    if (write(1, "", 0) != 0)
        return 1;
    put(1, "no newline at end");
    return 0;
}
