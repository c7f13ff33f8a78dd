/* A long recording for the debugger benchmarks: one syscall per iteration,
 * with marker functions called a known number of events before the end.
 * With a second argument "tree", a helper thread and a child process wait
 * (blocked in read) for the whole run, so the replay is two processes and
 * three threads: what checkpoints of the whole tree are for. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

volatile long sink;
void marker_1(long i) { sink += i; }
void marker_1k(long i) { sink += i; }
void marker_100k(long i) { sink += i; }
void at_end(long i) { sink += i; }

static int wake[2];

static void *helper(void *arg)
{
    char c;
    (void)arg;
    return read(wake[0], &c, 1) == 1 ? NULL : arg;
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 120000;
    int tree = argc > 2 && !strcmp(argv[2], "tree");
    pthread_t t;
    pid_t child = -1;
    if (tree) {
        if (pipe(wake) != 0 || pthread_create(&t, NULL, helper, NULL) != 0)
            return 1;
        child = fork();
        if (child == 0) {
            char c;
            _exit(read(wake[0], &c, 1) == 1 ? 0 : 1);
        }
    }
    for (long i = 0; i < n; i++) {
        sink += getppid();
        if (i == n - 2)
            marker_1(i);
        if (i == n - 1001)
            marker_1k(i);
        if (i == n - 100001)
            marker_100k(i);
    }
    at_end(n);
    if (tree) {
        if (write(wake[1], "xx", 2) != 2)
            return 1;
        pthread_join(t, NULL);
        waitpid(child, NULL, 0);
    }
    return 0;
}
