/* tree_pipeline: the program builds a pipeline of its own with pipe, fork,
 * dup2 and exec:  this process -> /bin/cat -> this program again in filter
 * mode (uppercases and numbers the lines) -> back to this process.  The lines
 * sent carry the pid and timestamps; the filter adds its own pid. */
#define _GNU_SOURCE
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define LINES 200

static int filter(void)
{
    char line[256];
    long n = 0, sum = 0;

    while (fgets(line, sizeof line, stdin)) {
        n++;
        for (char *c = line; *c; c++) {
            sum += (unsigned char)*c;
            *c = (char)toupper((unsigned char)*c);
        }
        if (n <= 3 || n % 50 == 0)
            printf("%03ld: %s", n, line);
    }
    printf("filter %d (parent %d) saw %ld lines, byte sum %ld\n", getpid(), getppid(), n, sum);
    return 0;
}

static pid_t spawn(const char *path, char **argv, int in, int out, int other1, int other2)
{
    pid_t c = fork();

    if (c != 0)
        return c;
    dup2(in, 0);
    dup2(out, 1);
    close(in);
    close(out);
    close(other1);
    close(other2);
    execv(path, argv);
    _exit(127);
}

int main(int argc, char **argv)
{
    int a[2], b[2], c[2], status;
    char *cat_argv[] = { "cat", NULL };
    char *filter_argv[] = { "tree_pipeline", "filter", NULL };
    pid_t pc, pf;
    char buf[8192];
    ssize_t n, len = 0;
    FILE *in;
    struct timespec ts;

    if (argc > 1 && strcmp(argv[1], "filter") == 0)
        return filter();
    if (pipe(a) < 0 || pipe(b) < 0 || pipe(c) < 0)
        return 1;
    printf("parent %d\n", getpid());
    fflush(stdout);
    pc = spawn("/bin/cat", cat_argv, a[0], b[1], a[1], b[0]);
    close(a[0]);
    close(b[1]);
    pf = spawn("/proc/self/exe", filter_argv, b[0], c[1], c[0], a[1]);
    close(b[0]);
    close(c[1]);
    in = fdopen(a[1], "w");
    for (int i = 0; i < LINES; i++) {
        clock_gettime(CLOCK_REALTIME, &ts);
        fprintf(in, "line %d from %d at %ld\n", i, getpid(), ts.tv_nsec);
    }
    fclose(in);
    while ((n = read(c[0], buf + len, sizeof buf - 1 - (size_t)len)) > 0)
        len += n;
    buf[len] = 0;
    fputs(buf, stdout);
    waitpid(pc, &status, 0);
    printf("cat %d exited %d\n", pc, WEXITSTATUS(status));
    waitpid(pf, &status, 0);
    printf("filter %d exited %d\n", pf, WEXITSTATUS(status));
    return 0;
}
