/* tree_stop_cont: job control of a child: SIGSTOP, seen by waitpid with
 * WUNTRACED and by waitid with WSTOPPED; SIGCONT, seen with WCONTINUED; then
 * SIGTERM.  The child ticks in a loop of short sleeps, writing a byte per
 * tick to a pipe; while it is stopped (50 ms) no tick may come.  It reports
 * through a second pipe after which tick it was continued. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t conts;

static void on_cont(int sig)
{
    (void)sig;
    conts++;
}

static int drain(int fd)
{
    char buf[256];
    ssize_t n;
    int total = 0;

    while ((n = read(fd, buf, sizeof buf)) > 0)
        total += (int)n;
    return total;
}

int main(void)
{
    int p[2], t[2], status, before, during;
    pid_t c;
    siginfo_t si;
    char buf[256];
    ssize_t n;

    if (pipe(p) < 0 || pipe2(t, O_NONBLOCK) < 0)
        return 1;
    printf("parent %d\n", getpid());
    fflush(stdout);
    c = fork();
    if (c == 0) {
        long ticks = 0;
        int reported = 0;

        signal(SIGCONT, on_cont);
        close(p[0]);
        close(t[0]);
        for (;;) {
            usleep(500);
            ticks++;
            if (write(t[1], "t", 1) != 1)
                _exit(1);
            if (ticks == 5 && write(p[1], "s", 1) != 1)
                _exit(1);
            if (conts && !reported) {
                char line[64];
                int l = snprintf(line, sizeof line, "child %d continued after tick %ld", getpid(), ticks);

                reported = 1;
                if (write(p[1], line, (size_t)l) != l)
                    _exit(1);
            }
        }
    }
    close(p[1]);
    close(t[1]);
    if (read(p[0], buf, 1) != 1)
        return 1;
    kill(c, SIGSTOP);
    waitpid(c, &status, WUNTRACED);
    printf("stopped: %d by %s\n", WIFSTOPPED(status), WIFSTOPPED(status) ? sigabbrev_np(WSTOPSIG(status)) : "-");
    before = drain(t[0]);
    usleep(50000);
    during = drain(t[0]);
    printf("ticks before the stop: %s; while stopped: %d\n", before >= 5 ? "5 or more" : "fewer than 5", during);
    memset(&si, 0, sizeof si);
    printf("waitid WSTOPPED|WNOHANG again: %d code %d\n", waitid(P_PID, (id_t)c, &si, WSTOPPED | WNOHANG),
           si.si_code);
    kill(c, SIGCONT);
    waitpid(c, &status, WCONTINUED);
    printf("continued: %d\n", WIFCONTINUED(status));
    n = read(p[0], buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = 0;
    printf("pipe: %s\n", buf);
    kill(c, SIGTERM);
    waitpid(c, &status, 0);
    printf("child %d: killed by %s\n", c, WIFSIGNALED(status) ? sigabbrev_np(WTERMSIG(status)) : "-");
    return 0;
}
