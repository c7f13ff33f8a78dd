/* rseq_direct: registers rseq itself with syscall(SYS_rseq).  Under rewind
 * rseq is refused, so both record and replay must print ENOSYS (natively it
 * is EINVAL or EBUSY because glibc registered already). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/rseq.h>
#include <sys/syscall.h>
#include <unistd.h>

static struct rseq area __attribute__((aligned(32)));

int main(void)
{
    long r = syscall(SYS_rseq, &area, 32, 0, 0x53053053);
    printf("rseq register: %ld %s\n", r, r < 0 ? strerrorname_np(errno) : "ok");
    r = syscall(SYS_rseq, &area, 32, RSEQ_FLAG_UNREGISTER, 0x53053053);
    printf("rseq unregister: %ld %s\n", r, r < 0 ? strerrorname_np(errno) : "ok");
    return 0;
}
