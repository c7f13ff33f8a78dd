/* file_fcntl: fcntl: F_GETFL/F_SETFL, F_GETFD/F_SETFD, F_DUPFD,
 * F_DUPFD_CLOEXEC, record locks F_SETLK/F_GETLK/F_OFD_GETLK, pipe size. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    char path[4096];
    struct flock fl;
    int fd, p[2];

    if (argc < 2) {
        fprintf(stderr, "usage: file_fcntl DIR\n");
        return 2;
    }
    snprintf(path, sizeof path, "%s/fcntl.txt", argv[1]);
    fd = open(path, O_CREAT | O_RDWR | O_TRUNC, 0644);
    if (fd < 0) {
        perror("open");
        return 1;
    }
    printf("pid %d fd %d\n", getpid(), fd);
    printf("F_GETFL %o\n", fcntl(fd, F_GETFL) & ~O_LARGEFILE);
    printf("F_SETFL NONBLOCK|APPEND %d\n", fcntl(fd, F_SETFL, O_NONBLOCK | O_APPEND));
    printf("F_GETFL %o\n", fcntl(fd, F_GETFL) & ~O_LARGEFILE);
    printf("F_GETFD %d\n", fcntl(fd, F_GETFD));
    printf("F_SETFD %d\n", fcntl(fd, F_SETFD, FD_CLOEXEC));
    printf("F_GETFD %d\n", fcntl(fd, F_GETFD));
    printf("F_DUPFD 10 -> %d\n", fcntl(fd, F_DUPFD, 10));
    printf("F_DUPFD_CLOEXEC 20 -> %d\n", fcntl(fd, F_DUPFD_CLOEXEC, 20));
    printf("F_GETFD(20) %d\n", fcntl(20, F_GETFD));

    memset(&fl, 0, sizeof fl);
    fl.l_type = F_WRLCK;
    fl.l_whence = SEEK_SET;
    fl.l_start = 10;
    fl.l_len = 20;
    printf("F_SETLK %d\n", fcntl(fd, F_SETLK, &fl));
    memset(&fl, 0, sizeof fl);
    fl.l_type = F_WRLCK;
    fl.l_len = 100;
    printf("F_GETLK %d type %d (F_UNLCK=%d) pid %d\n", fcntl(fd, F_GETLK, &fl), fl.l_type, F_UNLCK, fl.l_pid);
    memset(&fl, 0, sizeof fl);
    fl.l_type = F_RDLCK;
    fl.l_len = 100;
    printf("F_OFD_GETLK %d type %d start %ld len %ld pid %d\n", fcntl(fd, F_OFD_GETLK, &fl), fl.l_type,
           (long)fl.l_start, (long)fl.l_len, fl.l_pid);

    if (pipe(p) == 0) {
        printf("F_GETPIPE_SZ %d\n", fcntl(p[0], F_GETPIPE_SZ));
        printf("F_SETPIPE_SZ 8192 -> %d\n", fcntl(p[0], F_SETPIPE_SZ, 8192));
        printf("F_GETPIPE_SZ %d\n", fcntl(p[1], F_GETPIPE_SZ));
    }
    fd = fcntl(999, F_GETFL);
    printf("F_GETFL bad fd %d %s\n", fd, strerrorname_np(errno));
    unlink(path);
    return 0;
}
