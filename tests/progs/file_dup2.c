/* file_dup2: dup2 a file onto stdout, printf into it, restore stdout and
 * print the file.  Output written while fd 1 was the file must not appear on
 * the replay's stdout. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    char path[4096], buf[512];
    struct timespec ts;
    ssize_t n;
    int fd, saved;

    if (argc < 2) {
        fprintf(stderr, "usage: file_dup2 DIR\n");
        return 2;
    }
    printf("before redirect, pid %d\n", getpid());
    fflush(stdout);
    snprintf(path, sizeof path, "%s/dup2.txt", argv[1]);
    fd = open(path, O_CREAT | O_RDWR | O_TRUNC, 0644);
    saved = dup(1);
    if (fd < 0 || saved < 0 || dup2(fd, 1) != 1)
        return 1;
    clock_gettime(CLOCK_REALTIME, &ts);
    printf("into the file: %ld.%09ld\n", (long)ts.tv_sec, ts.tv_nsec);
    printf("second line into the file\n");
    fflush(stdout);
    if (write(1, "raw write into the file\n", 24) != 24)
        return 1;
    dup2(saved, 1);
    close(saved);
    n = pread(fd, buf, sizeof buf, 0);
    printf("back on stdout; the file holds %zd bytes:\n%.*s", n, (int)(n > 0 ? n : 0), buf);
    fflush(stdout);
    dup3(fd, 1, O_CLOEXEC);
    printf("dup3 redirected line\n");
    fflush(stdout);
    close(fd);
    unlink(path);
    return 0;
}
