/* exec_parent: execve: first tries a path that does not exist (ENOENT, the
 * program carries on), then replaces itself with argv[1] (given argv[1..]) and
 * an extra environment variable. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    char *noargs[] = { "nothing", NULL };
    char var[64];

    if (argc < 2) {
        fprintf(stderr, "usage: exec_parent PROGRAM [ARGS...]\n");
        return 2;
    }
    printf("parent pid %d\n", getpid());
    execv("/nonexistent/rewind-program", noargs);
    printf("exec of missing program failed: %s\n", strerrorname_np(errno));
    snprintf(var, sizeof var, "EXEC_PARENT_PID=%d", getpid());
    putenv(var);
    printf("about to exec %s\n", argv[1]);
    fflush(stdout);
    execv(argv[1], argv + 1);
    printf("exec failed: %s\n", strerror(errno));
    return 1;
}
