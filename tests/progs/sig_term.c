/* sig_term: kill(getpid(), SIGTERM) with the default action: the process
 * dies and the exit status must be 143 (128 + SIGTERM). */
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

int main(void)
{
    printf("pid %d sending itself SIGTERM\n", getpid());
    fflush(stdout);
    kill(getpid(), SIGTERM);
    printf("not reached\n");
    return 0;
}
