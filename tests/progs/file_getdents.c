/* file_getdents: creates 20 files with run-dependent names in the scratch
 * directory argv[1], then lists it with opendir/readdir (getdents64) twice.
 * The names and the readdir order (hash order) differ between runs. */
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    char path[4096];
    struct timespec ts;
    struct dirent *de;
    DIR *d;
    int count = 0;

    if (argc < 2) {
        fprintf(stderr, "usage: file_getdents DIR\n");
        return 2;
    }
    clock_gettime(CLOCK_REALTIME, &ts);
    for (int i = 0; i < 20; i++) {
        snprintf(path, sizeof path, "%s/f%02d-%ld", argv[1], i, (ts.tv_nsec / 1000 + i * 7919) % 100000);
        int fd = open(path, O_CREAT | O_WRONLY, 0644);
        if (fd < 0) {
            perror(path);
            return 1;
        }
        close(fd);
    }
    snprintf(path, sizeof path, "%s/subdir", argv[1]);
    mkdir(path, 0755);

    d = opendir(argv[1]);
    if (!d) {
        perror("opendir");
        return 1;
    }
    while ((de = readdir(d)) != NULL) {
        printf("%-20s type %d ino %lu\n", de->d_name, de->d_type, (unsigned long)de->d_ino);
        count++;
    }
    printf("entries: %d\n", count);
    rewinddir(d);
    count = 0;
    while (readdir(d) != NULL)
        count++;
    printf("after rewinddir: %d\n", count);
    closedir(d);
    printf("opendir(missing): %p\n", (void *)opendir("/nonexistent/rewind"));
    return 0;
}
