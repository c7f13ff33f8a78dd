/* sig_abort: prints a line then calls abort(): the exit status must be
 * 134 (128 + SIGABRT) in record and replay. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(void)
{
    printf("about to abort, pid %d\n", getpid());
    fflush(stdout);
    abort();
}
