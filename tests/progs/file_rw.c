/* file_rw: open/write/lseek/read/close on a new file in the scratch directory
 * argv[1], reading back in small chunks, plus a read of a system file.  The
 * file contents and inode number differ between runs. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    char path[4096], text[128], buf[256];
    struct timespec ts;
    struct stat st;
    ssize_t n;
    int fd;

    if (argc < 2) {
        fprintf(stderr, "usage: file_rw DIR\n");
        return 2;
    }
    snprintf(path, sizeof path, "%s/file_rw.txt", argv[1]);
    fd = open(path, O_CREAT | O_RDWR | O_TRUNC, 0644);
    if (fd < 0) {
        perror("open");
        return 1;
    }
    clock_gettime(CLOCK_REALTIME, &ts);
    snprintf(text, sizeof text, "written by pid %d at %ld.%09ld\n", getpid(), (long)ts.tv_sec, ts.tv_nsec);
    printf("fd %d write %zd\n", fd, write(fd, text, strlen(text)));
    printf("lseek set -> %ld\n", (long)lseek(fd, 0, SEEK_SET));
    n = read(fd, buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = 0;
    printf("read %zd: %s", n, buf);
    printf("lseek end -> %ld\n", (long)lseek(fd, 0, SEEK_END));
    printf("lseek cur -> %ld\n", (long)lseek(fd, 0, SEEK_CUR));
    fstat(fd, &st);
    printf("inode %lu size %ld\n", (unsigned long)st.st_ino, (long)st.st_size);
    close(fd);

    fd = open(path, O_RDONLY);
    while ((n = read(fd, buf, 5)) > 0)
        printf("[%.*s]", (int)n, buf);
    printf("\nfinal read returned %zd\n", n);
    close(fd);
    n = read(fd, buf, 1);
    printf("read on closed fd: %zd errno %s\n", n, strerrorname_np(errno));
    printf("unlink %d\n", unlink(path));
    fd = open(path, O_RDONLY);
    printf("open missing: %d errno %s\n", fd, strerrorname_np(errno));

    fd = open("/etc/passwd", O_RDONLY | O_CLOEXEC);
    n = read(fd, buf, 32);
    printf("/etc/passwd starts with %zd bytes: %.*s\n", n, (int)(n > 0 ? strcspn(buf, "\n") : 0), buf);
    close(fd);
    return 0;
}
