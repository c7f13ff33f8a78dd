/* dbg_fork: a parent and a forked child for the gdb tests
 * (tests/cases/debug.sh).  Only the child calls child_only(4242); only the
 * parent calls parent_only(17).  The child exits with status 42. */
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int child_value;
int parent_value;

int child_only(int v)
{
    child_value = v * 2;
    printf("child %d computed %d\n", (int)getpid(), child_value);
    fflush(stdout);
    return child_value;
}

int parent_only(int v)
{
    parent_value = v * 3;
    return parent_value;
}

int main(void)
{
    int status = 0;
    pid_t pid;

    fflush(stdout);
    pid = fork();
    if (pid < 0)
        return 1;
    if (pid == 0) {
        child_only(4242);
        _exit(42);
    }
    parent_only(17);
    if (waitpid(pid, &status, 0) != pid)
        return 1;
    printf("parent %d: child exited %d, parent value %d\n", (int)getpid(),
           WIFEXITED(status) ? WEXITSTATUS(status) : -1, parent_value);
    return 0;
}
