/* io_uring: io_uring_setup by raw syscall.  Under rewind io_uring is refused:
 * record and replay must both print ENOSYS for the setup. */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/io_uring.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
    struct io_uring_params p;
    long r;

    memset(&p, 0, sizeof p);
    r = syscall(SYS_io_uring_setup, 4, &p);
    printf("io_uring_setup: %d %s\n", r < 0 ? -1 : 0, r < 0 ? strerrorname_np(errno) : "ok");
    if (r >= 0)
        close((int)r);
    r = syscall(SYS_io_uring_enter, -1, 0, 0, 0, NULL, 0);
    printf("io_uring_enter(-1): %ld %s\n", r, r < 0 ? strerrorname_np(errno) : "ok");
    return 0;
}
