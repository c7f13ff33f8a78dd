/* ioctl_unknown: ioctls and syscalls a recorder may not know in detail:
 * FS_IOC_GETFLAGS on a file, a made-up ioctl on /dev/null (ENOTTY), FIONREAD
 * and FIONBIO on a pipe, sysinfo, membarrier, personality, getcpu, sysfs,
 * and prctl(PR_SET_NAME/PR_GET_NAME). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <linux/membarrier.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <unistd.h>

static void r(const char *what, long ret)
{
    printf("%-28s %ld %s\n", what, ret, ret < 0 ? strerrorname_np(errno) : "");
}

int main(int argc, char **argv)
{
    char path[4096], name[32];
    struct sysinfo si;
    unsigned cpu = 99, node = 99;
    int fd, p[2], flags = -1, n = -1, on = 1;

    if (argc < 2) {
        fprintf(stderr, "usage: ioctl_unknown DIR\n");
        return 2;
    }
    snprintf(path, sizeof path, "%s/ioctl.txt", argv[1]);
    fd = open(path, O_CREAT | O_RDWR, 0644);
    r("FS_IOC_GETFLAGS", ioctl(fd, FS_IOC_GETFLAGS, &flags));
    printf("  flags %d\n", flags);
    close(fd);
    unlink(path);
    fd = open("/dev/null", O_RDWR);
    r("made-up ioctl on /dev/null", ioctl(fd, _IOR('z', 0x7f, int), &n));
    r("TCGETS on /dev/null", ioctl(fd, TCGETS, path));
    if (pipe(p) < 0 || write(p[1], "12345", 5) != 5)
        return 1;
    r("FIONREAD on pipe", ioctl(p[0], FIONREAD, &n));
    printf("  bytes available %d\n", n);
    r("FIONBIO on pipe", ioctl(p[0], FIONBIO, &on));
    r("read now nonblocking", read(p[0], path, sizeof path));
    r("read empty", read(p[0], path, sizeof path));

    r("sysinfo", sysinfo(&si));
    printf("  uptime %ld procs %u freeram %lu mem_unit %u\n", si.uptime, si.procs, si.freeram, si.mem_unit);
    r("membarrier query", syscall(SYS_membarrier, MEMBARRIER_CMD_QUERY, 0, 0));
    r("personality query", personality(0xffffffff));
    r("getcpu", syscall(SYS_getcpu, &cpu, &node, NULL));
    printf("  cpu %u node %u\n", cpu, node);
    r("sysfs(3)", syscall(SYS_sysfs, 3));
    snprintf(name, sizeof name, "rw-%d", getpid() % 100000);
    r("PR_SET_NAME", prctl(PR_SET_NAME, name));
    memset(name, 0, sizeof name);
    r("PR_GET_NAME", prctl(PR_GET_NAME, name));
    printf("  name %s\n", name);
    r("unknown syscall 999", syscall(999));
    return 0;
}
