/* dbg_procs: a process tree for the gdb tests of checkpoints
 * (tests/cases/debug.sh).  The parent starts a helper thread that waits on
 * a pipe for the whole run, then forks a child and waits for it.  The child
 * calls child_step(i) for i = 1..6, each adding i to child_total (1, 3, 6,
 * 10, 15, 21) and writing a line.  Then the parent calls parent_step(i) for
 * i = 1..4 the same way (parent_total 1, 3, 6, 10), tells the helper to
 * finish, and joins it.  While the child runs the tree is two processes, one
 * of them with two threads, all of them waiting inside a system call but the
 * child: checkpoints there must make all of that again. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int child_total;
int parent_total;
static int helper_pipe[2];

static void say(const char *who, int i, int total)
{
    char line[64];
    int n = snprintf(line, sizeof line, "%s step %d total %d\n", who, i, total);
    if (write(1, line, (size_t)n) != n)
        _exit(1);
}

void child_step(int i)
{
    child_total += i;
    say("child", i, child_total);
}

void parent_step(int i)
{
    parent_total += i;
    say("parent", i, parent_total);
}

static void *helper_main(void *arg)
{
    char c;
    (void)arg;
    if (read(helper_pipe[0], &c, 1) != 1)
        return NULL;
    say("helper", c, 0);
    return NULL;
}

int main(void)
{
    pthread_t helper;
    int status = 0, i;
    pid_t pid;

    if (pipe(helper_pipe) != 0 || pthread_create(&helper, NULL, helper_main, NULL) != 0)
        return 1;
    pid = fork();
    if (pid < 0)
        return 1;
    if (pid == 0) {
        for (i = 1; i <= 6; i++)
            child_step(i);
        _exit(7);
    }
    if (waitpid(pid, &status, 0) != pid)
        return 1;
    for (i = 1; i <= 4; i++)
        parent_step(i);
    if (write(helper_pipe[1], "\3", 1) != 1 || pthread_join(helper, NULL) != 0)
        return 1;
    printf("child exited %d, parent total %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1, parent_total);
    return 0;
}
