/* dbg_shared: memory shared between a parent and its child, for the gdb
 * tests of checkpoints (tests/cases/debug.sh).  The parent maps an
 * anonymous MAP_SHARED page and a MAP_SHARED memory file, then forks.  The
 * child, for i = 1..8, adds i to anon->total and to file_total (in the memory
 * file) and calls child_round(i) (after each, a write: its own event).  The
 * parent waits for it and prints both totals (36 each).  Going back must
 * show the shared values as they were then, not as the live replay left them. */
#define _GNU_SOURCE
#include <stdio.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

struct anon { long total; long rounds; };
struct anon *anon;
long *file_total;

void child_round(int i)
{
    char line[64];
    int n = snprintf(line, sizeof line, "round %d anon %ld file %ld\n", i, anon->total, *file_total);
    if (write(1, line, (size_t)n) != n)
        _exit(1);
}

int main(void)
{
    int fd = memfd_create("dbg_shared", 0), status = 0;
    if (fd < 0 || ftruncate(fd, 4096) != 0)
        return 1;
    anon = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    file_total = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (anon == MAP_FAILED || file_total == MAP_FAILED)
        return 1;
    pid_t pid = fork();
    if (pid == 0) {
        for (int i = 1; i <= 8; i++) {
            anon->total += i;
            anon->rounds++;
            *file_total += i;
            child_round(i);
        }
        _exit(0);
    }
    if (pid < 0 || waitpid(pid, &status, 0) != pid)
        return 1;
    printf("totals %ld %ld rounds %ld\n", anon->total, *file_total, anon->rounds);
    return 0;
}
