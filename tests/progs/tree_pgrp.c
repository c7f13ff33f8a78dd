/* tree_pgrp: process groups and sessions.
 *  - child A makes its own group (setpgid, from both sides) and forks A1 into
 *    it; the parent kills the whole group with kill(-pgid) and sees A die and
 *    A1's end of a pipe close;
 *  - child B calls setsid(): new session and group; a second setsid fails;
 *  - children C1 and C2 share a new group and are reaped with waitpid(-pgid).
 * Prints the ids (all pids, so they differ between runs). */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
    int p[2], q[2], status;
    pid_t a, b, c1, c2, w;
    char buf[64];
    ssize_t n;

    printf("parent %d: pgid %d, sid is own pid: %d\n", getpid(), getpgrp(), getsid(0) == getpid());
    fflush(stdout);
    if (pipe(p) < 0 || pipe(q) < 0)
        return 1;

    a = fork();
    if (a == 0) {
        setpgid(0, 0);
        if (fork() == 0) {
            char line[64];
            int l = snprintf(line, sizeof line, "A1 %d in group %d", getpid(), getpgrp());

            close(q[0]);
            if (write(p[1], line, (size_t)l) != l)
                _exit(1);
            for (;;)
                pause();
        }
        close(q[0]);
        close(q[1]);
        for (;;)
            pause();
    }
    setpgid(a, a);
    close(p[1]);
    close(q[1]);
    n = read(p[0], buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = 0;
    printf("A %d: getpgid %d (= A: %d); %s\n", a, getpgid(a), getpgid(a) == a, buf);
    printf("kill(-%d, SIGTERM): %d\n", a, kill(-a, SIGTERM));
    waitpid(a, &status, 0);
    printf("A: killed by %s\n", WIFSIGNALED(status) ? sigabbrev_np(WTERMSIG(status)) : "nothing");
    printf("A1 gone, pipe read: %zd\n", read(q[0], buf, 1));
    fflush(stdout);

    b = fork();
    if (b == 0) {
        pid_t s = setsid();
        int again = setsid();
        int e = errno;

        printf("B %d: setsid %d (= pid: %d), pgrp %d, sid %d, again: %d %s\n", getpid(), s, s == getpid(),
               getpgrp(), getsid(0), again, strerrorname_np(e));
        exit(0);
    }
    waitpid(b, &status, 0);
    printf("B exited %d; B's group was %s\n", WEXITSTATUS(status), getpgid(b) < 0 ? "gone" : "there");
    fflush(stdout);

    c1 = fork();
    if (c1 == 0) {
        setpgid(0, 0);
        usleep(3000);
        _exit(21);
    }
    setpgid(c1, c1);
    c2 = fork();
    if (c2 == 0) {
        setpgid(0, c1);
        _exit(22);
    }
    setpgid(c2, c1);
    for (int i = 0; i < 2; i++) {
        w = waitpid(-c1, &status, 0);
        printf("waitpid(-%d): %s exited %d\n", c1, w == c1 ? "C1" : w == c2 ? "C2" : "?", WEXITSTATUS(status));
    }
    w = waitpid(-c1, &status, WNOHANG);
    printf("waitpid(-%d) again: %d %s\n", c1, w, w < 0 ? strerrorname_np(errno) : "");
    return 0;
}
