/* thr_exec: execve from a thread that is not the main one, while the main
 * thread sleeps in a loop and another thread spins without syscalls.  The
 * program runs itself again (through /proc/self/exe) with "after"; the new
 * image prints its pid and tid (the exec'ing thread took over the pid), what
 * the old image told it, and its thread count. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static volatile unsigned long spun;
static volatile int ticks;

static void *spinner(void *arg)
{
    (void)arg;
    for (;;)
        spun = spun + 1;
    return NULL;
}

static void *execer(void *arg)
{
    char tid[32], pid[32], t[32];
    char *args[] = { "thr_exec", "after", tid, pid, t, NULL };
    struct timespec ts;

    (void)arg;
    usleep(10000);
    clock_gettime(CLOCK_REALTIME, &ts);
    snprintf(tid, sizeof tid, "%d", gettid());
    snprintf(pid, sizeof pid, "%d", getpid());
    snprintf(t, sizeof t, "%ld", ts.tv_nsec);
    printf("thread %s of %s execs (main ticks so far: %s)\n", tid, pid, ticks > 0 ? "some" : "none");
    fflush(stdout);
    execv("/proc/self/exe", args);
    perror("execv");
    exit(1);
}

static int thread_count(void)
{
    char line[256];
    int n = -1;
    FILE *f = fopen("/proc/self/status", "r");

    if (!f)
        return -1;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, "Threads:", 8) == 0)
            n = atoi(line + 8);
    fclose(f);
    return n;
}

int main(int argc, char **argv)
{
    pthread_t s, e;

    if (argc == 5 && strcmp(argv[1], "after") == 0) {
        printf("after exec: pid %d tid %d; exec'd by thread %s of %s at %s ns\n", getpid(), gettid(),
               argv[2], argv[3], argv[4]);
        printf("pid unchanged: %d, threads now: %d\n", atoi(argv[3]) == getpid(), thread_count());
        return 0;
    }
    printf("main: pid %d, threads before: %d\n", getpid(), thread_count());
    fflush(stdout);
    pthread_create(&s, NULL, spinner, NULL);
    pthread_create(&e, NULL, execer, NULL);
    for (;;) {
        usleep(1000);
        ticks = ticks + 1;
    }
}
