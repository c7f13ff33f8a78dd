/* proc_self: reads /proc files whose contents differ between runs:
 * /proc/self/status, /proc/self/maps, /proc/self/stat, /proc/self/cmdline and
 * /proc/uptime, with read(2) in small chunks, and prints them. */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

static void dump(const char *path, size_t chunk)
{
    char buf[1000];
    ssize_t n;
    long total = 0;
    int fd = open(path, O_RDONLY);

    printf("==== %s\n", path);
    if (fd < 0) {
        printf("cannot open\n");
        return;
    }
    while ((n = read(fd, buf, chunk)) > 0) {
        for (ssize_t i = 0; i < n; i++)
            putchar(buf[i] ? buf[i] : ' ');
        total += n;
    }
    printf("\n==== %ld bytes\n", total);
    close(fd);
}

int main(void)
{
    dump("/proc/self/status", sizeof(char[1000]));
    dump("/proc/self/maps", 300);
    dump("/proc/self/stat", 1000);
    dump("/proc/self/cmdline", 3);
    dump("/proc/uptime", 1000);
    return 0;
}
