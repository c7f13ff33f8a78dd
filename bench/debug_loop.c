/* A long recording for the debugger benchmarks: one syscall per iteration,
 * with marker functions called a known number of events before the end. */
#include <stdlib.h>
#include <unistd.h>

volatile long sink;
void marker_1(long i) { sink += i; }
void marker_1k(long i) { sink += i; }
void marker_100k(long i) { sink += i; }
void at_end(long i) { sink += i; }

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 120000;
    for (long i = 0; i < n; i++) {
        sink += getppid();
        if (i == n - 2)
            marker_1(i);
        if (i == n - 1001)
            marker_1k(i);
        if (i == n - 100001)
            marker_100k(i);
    }
    at_end(n);
    return 0;
}
