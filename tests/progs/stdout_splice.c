/* stdout_splice: writes to stdout without write(2): writev, sendfile and
 * copy_file_range from a file, splice from a pipe (filled by write and by
 * vmsplice), and tee.  Replay must print all of it again.  Each call's result
 * goes to stderr (copy_file_range fails when stdout is a pipe). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

static void result(const char *what, ssize_t r)
{
    fprintf(stderr, "%s -> %zd %s\n", what, r, r < 0 ? strerrorname_np(errno) : "");
}

int main(int argc, char **argv)
{
    char path[4096], stamp[64], text[128];
    struct timespec ts;
    struct iovec iov[2];
    off_t off = 0;
    loff_t loff = 0;
    int fd, p[2], q[2], len;

    if (argc < 2) {
        fprintf(stderr, "usage: stdout_splice DIR\n");
        return 2;
    }
    clock_gettime(CLOCK_REALTIME, &ts);
    snprintf(stamp, sizeof stamp, "%ld.%09ld", (long)ts.tv_sec, ts.tv_nsec);
    snprintf(path, sizeof path, "%s/splice-src", argv[1]);
    fd = open(path, O_CREAT | O_RDWR | O_TRUNC, 0600);
    len = snprintf(text, sizeof text, "from a file at %s\n", stamp);
    if (fd < 0 || write(fd, text, len) != len || pipe(p) < 0 || pipe(q) < 0)
        return 1;
    unlink(path);

    iov[0] = (struct iovec){ "writev at ", 10 };
    iov[1] = (struct iovec){ stamp, strlen(stamp) };
    result("writev", writev(1, iov, 2));
    result("write", write(1, "\n", 1));
    result("sendfile", sendfile(1, fd, &off, len));
    result("copy_file_range", copy_file_range(fd, &loff, 1, NULL, len, 0));
    len = snprintf(text, sizeof text, "through a pipe at %s\n", stamp);
    result("write to pipe", write(p[1], text, len));
    result("splice", splice(p[0], NULL, 1, NULL, len, 0));
    iov[0] = (struct iovec){ "vmspliced\n", 10 };
    result("vmsplice", vmsplice(p[1], iov, 1, 0));
    result("splice", splice(p[0], NULL, 1, NULL, 10, 0));
    result("write to pipe", write(p[1], "teed\n", 5));
    result("tee", tee(p[0], q[1], 5, 0));
    result("splice copy", splice(q[0], NULL, 1, NULL, 5, 0));
    result("splice original", splice(p[0], NULL, 1, NULL, 5, 0));
    result("dprintf", dprintf(1, "dprintf done %s\n", stamp));
    return 0;
}
