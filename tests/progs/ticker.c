/* ticker: writes a numbered, timestamped line to stdout every 10 ms,
 * argv[1] times (default 3000, i.e. 30 s).  If argv[2] is given, first writes
 * its pid there.  Used by the test that SIGKILLs the recorder. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    int count = argc > 1 ? atoi(argv[1]) : 3000;
    struct timespec ts, nap = { 0, 10 * 1000 * 1000 };
    char line[128];

    if (argc > 2) {
        FILE *f = fopen(argv[2], "w");
        if (f) {
            fprintf(f, "%d\n", getpid());
            fclose(f);
        }
    }
    for (int i = 0; i < count; i++) {
        clock_gettime(CLOCK_REALTIME, &ts);
        int n = snprintf(line, sizeof line, "tick %d at %ld.%09ld\n", i, (long)ts.tv_sec, ts.tv_nsec);
        if (write(1, line, (size_t)n) != n)
            return 1;
        nanosleep(&nap, NULL);
    }
    return 0;
}
