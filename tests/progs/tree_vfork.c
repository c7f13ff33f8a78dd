/* tree_vfork: vfork() followed by execv of /bin/echo (with the parent's pid
 * and a timestamp as arguments; the first thing the program does), by a
 * failing execv and _exit(127), and by a plain _exit(33); then posix_spawn()
 * of this program in child mode (glibc uses clone(CLONE_VM|CLONE_VFORK) for
 * it).  The parent prints every child's pid and exit status. */
#define _GNU_SOURCE
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static void reap(const char *what, pid_t c)
{
    int status;

    if (waitpid(c, &status, 0) != c) {
        printf("%s: waitpid failed\n", what);
        return;
    }
    printf("%s: child %d exited %d\n", what, c, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    fflush(stdout);
}

int main(int argc, char **argv)
{
    char pidarg[32], tsarg[32];
    char *echo_argv[] = { "echo", "echo says", pidarg, tsarg, NULL };
    char *spawn_argv[] = { "tree_vfork", "spawned", pidarg, NULL };
    struct timespec ts;
    pid_t c;

    if (argc == 3 && strcmp(argv[1], "spawned") == 0) {
        printf("spawned: pid %d, parent %s, ppid %d\n", getpid(), argv[2], getppid());
        return 5;
    }
    clock_gettime(CLOCK_REALTIME, &ts);
    snprintf(pidarg, sizeof pidarg, "%d", getpid());
    snprintf(tsarg, sizeof tsarg, "%ld", ts.tv_nsec);

    /* First, before the program has written anything. */
    c = vfork();
    if (c == 0) {
        execv("/bin/echo", echo_argv);
        _exit(126);
    }
    printf("parent %d\n", getpid());
    reap("vfork+exec echo", c);

    c = vfork();
    if (c == 0) {
        execv("/nonexistent/program", echo_argv);
        _exit(127);
    }
    reap("vfork+failed exec", c);

    c = vfork();
    if (c == 0)
        _exit(33);
    reap("vfork+_exit", c);

    if (posix_spawn(&c, "/proc/self/exe", NULL, NULL, spawn_argv, environ) != 0) {
        printf("posix_spawn failed\n");
        return 1;
    }
    reap("posix_spawn", c);
    return 0;
}
