/* file_copy: in-kernel copies: sendfile, copy_file_range, splice through a
 * pipe, and tee.  The data includes a timestamp. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/sendfile.h>
#include <time.h>
#include <unistd.h>

static int make(const char *dir, const char *name, int flags)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    int fd = open(path, flags | O_CREAT | O_TRUNC, 0644);
    unlink(path);
    return fd;
}

int main(int argc, char **argv)
{
    char buf[256];
    struct timespec ts;
    int src, dst, p[2], q[2], len;
    loff_t in_off = 0, out_off = 0;
    ssize_t n;

    if (argc < 2) {
        fprintf(stderr, "usage: file_copy DIR\n");
        return 2;
    }
    src = make(argv[1], "src", O_RDWR);
    dst = make(argv[1], "dst", O_RDWR);
    if (src < 0 || dst < 0 || pipe(p) < 0 || pipe(q) < 0)
        return 1;
    clock_gettime(CLOCK_REALTIME, &ts);
    len = snprintf(buf, sizeof buf, "payload %ld.%09ld from %d\n", (long)ts.tv_sec, ts.tv_nsec, getpid());
    if (write(src, buf, len) != len)
        return 1;

    off_t off = 0;
    n = sendfile(dst, src, &off, len);
    printf("sendfile: %zd (offset now %ld)\n", n, (long)off);
    printf("copy_file_range: %zd\n", copy_file_range(src, &in_off, dst, NULL, len, 0));
    lseek(src, 0, SEEK_SET);
    printf("splice file->pipe: %zd\n", splice(src, NULL, p[1], NULL, len, 0));
    printf("tee pipe->pipe: %zd\n", tee(p[0], q[1], len, 0));
    out_off = 2 * len;
    printf("splice pipe->file: %zd\n", splice(p[0], NULL, dst, &out_off, len, 0));
    n = read(q[0], buf, sizeof buf);
    printf("tee copy: %.*s", (int)(n > 0 ? n : 0), buf);
    n = pread(dst, buf, sizeof buf, 0);
    printf("dst has %zd bytes, last line: %.*s", n, len, buf + (n >= len ? n - len : 0));
    return 0;
}
