/* tree_spawn_pair: two processes spawn programs at the same time, as make -j2
 * and the compiler drivers it runs do: the parent forks 2 children, and each
 * runs `true` 30 times, one with vfork() + execve(), the other with
 * posix_spawn() (a clone with CLONE_VM|CLONE_VFORK in glibc), reaping each.
 * Recorded, both creators are often inside their vfork at once, so the
 * recording names their children only later. */
#define _GNU_SOURCE
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#define RUNS 30

extern char **environ;

static int run_true(int with_vfork, const char *path)
{
    char *argv[] = {(char *)path, NULL};
    int status;
    pid_t c;

    if (with_vfork) {
        c = vfork();
        if (c == 0) {
            execve(path, argv, environ);
            _exit(127);
        }
    } else if (posix_spawn(&c, path, NULL, NULL, argv, environ) != 0) {
        return -1;
    }
    if (c < 0 || waitpid(c, &status, 0) != c)
        return -1;
    return WEXITSTATUS(status);
}

int main(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : "/bin/true";
    pid_t kids[2];
    int status;

    fflush(stdout);
    for (int k = 0; k < 2; k++) {
        kids[k] = fork();
        if (kids[k] == 0) {
            int failed = 0;

            for (int i = 0; i < RUNS; i++)
                failed += run_true(k == 0, path) != 0;
            printf("child %d (%s): %d of %d runs failed\n", getpid(), k == 0 ? "vfork" : "posix_spawn", failed, RUNS);
            exit(0);
        }
    }
    for (int k = 0; k < 2; k++) {
        waitpid(kids[k], &status, 0);
        printf("child %d exited %d\n", kids[k], WEXITSTATUS(status));
    }
    return 0;
}
