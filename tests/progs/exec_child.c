/* exec_child: the program that exec_parent runs: prints its pid, argv, what
 * the parent put in the environment, its executable path and a timestamp, and
 * exits with status 7. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/auxv.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    const char *pp = getenv("EXEC_PARENT_PID");
    struct timespec ts;

    exe[n > 0 ? n : 0] = 0;
    clock_gettime(CLOCK_REALTIME, &ts);
    printf("child pid %d, EXEC_PARENT_PID=%s\n", getpid(), pp ? pp : "(unset)");
    for (int i = 0; i < argc; i++)
        printf("child argv[%d] = %s\n", i, argv[i]);
    printf("AT_EXECFN %s\n", (const char *)getauxval(AT_EXECFN));
    printf("/proc/self/exe %s\n", exe);
    printf("time %ld.%09ld\n", (long)ts.tv_sec, ts.tv_nsec);
    return 7;
}
