/* exit_status: exits with the status given as argv[1].
 * Exercises exit status propagation through record and replay (0, 1, 42, 255). */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    int status = argc > 1 ? atoi(argv[1]) : 0;
    printf("pid %d exiting with %d\n", getpid(), status);
    return status;
}
