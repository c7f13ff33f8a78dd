/* tree_wait_signals: children killed by signals, collected with waitpid and
 * waitid: SIGKILL and SIGTERM from the parent, a SIGSEGV of the child's own
 * (a NULL write), abort() (SIGABRT), and one that exits normally.  waitid
 * with WNOWAIT looks first, then waitpid collects; waitid P_ALL takes the
 * last.  Prints pids, si_code, statuses. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *code_name(int code)
{
    switch (code) {
    case CLD_EXITED: return "CLD_EXITED";
    case CLD_KILLED: return "CLD_KILLED";
    case CLD_DUMPED: return "CLD_DUMPED";
    default: return "other";
    }
}

static pid_t child(int how)
{
    pid_t c = fork();

    if (c != 0)
        return c;
    switch (how) {
    case 0:
    case 1:
        for (;;)
            pause();
    case 2:
        *(volatile int *)(long)(getpid() & 0) = 1;
        _exit(90);
    case 3:
        abort();
    default:
        _exit(44);
    }
}

static void describe(const char *what, pid_t c, int status)
{
    if (WIFSIGNALED(status))
        printf("%s: %d killed by %s%s\n", what, c, sigabbrev_np(WTERMSIG(status)),
               WCOREDUMP(status) ? " (core)" : "");
    else if (WIFEXITED(status))
        printf("%s: %d exited %d\n", what, c, WEXITSTATUS(status));
    else
        printf("%s: %d status %#x\n", what, c, status);
}

int main(void)
{
    pid_t kids[5];
    siginfo_t si;
    struct rlimit nocore = { 0, 0 };
    int status;

    setrlimit(RLIMIT_CORE, &nocore);
    printf("parent %d\n", getpid());
    fflush(stdout);
    for (int i = 0; i < 5; i++)
        kids[i] = child(i);
    usleep(2000);
    kill(kids[0], SIGKILL);
    kill(kids[1], SIGTERM);

    for (int i = 0; i < 4; i++) {
        memset(&si, 0, sizeof si);
        if (waitid(P_PID, (id_t)kids[i], &si, WEXITED | WNOWAIT) != 0) {
            printf("waitid %d failed\n", i);
            continue;
        }
        printf("child %d: waitid WNOWAIT: pid %d %s status %d (%s)\n", i, si.si_pid == kids[i],
               code_name(si.si_code), si.si_status,
               si.si_code == CLD_EXITED ? "exit" : sigabbrev_np(si.si_status));
        if (waitpid(kids[i], &status, 0) != kids[i])
            printf("waitpid %d failed\n", i);
        describe("waitpid", kids[i], status);
    }
    memset(&si, 0, sizeof si);
    waitid(P_ALL, 0, &si, WEXITED);
    printf("waitid P_ALL: pid %d (= last child: %d) %s status %d\n", si.si_pid, si.si_pid == kids[4],
           code_name(si.si_code), si.si_status);
    printf("waitpid with no children: %d\n", waitpid(-1, &status, WNOHANG));
    return 0;
}
