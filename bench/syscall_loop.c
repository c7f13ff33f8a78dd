/* syscall_loop N: makes N getppid() system calls in a tight loop, then
 * prints one line so the run has output to compare.  Single-threaded, no
 * fork.  Used by bench/run.sh to measure the cost of one recorded and one
 * replayed system call: (time(N) - time(0)) / N. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    long n = argc > 1 ? strtol(argv[1], NULL, 10) : 100000;
    long ok = 0;
    for (long i = 0; i < n; i++)
        ok += syscall(SYS_getppid) > 0;  /* the parent differs under rewind: print no pid */
    printf("%ld getppid calls, %ld returned a pid\n", n, ok);
    return 0;
}
