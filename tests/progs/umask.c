/* umask: sets and reads back the umask and shows its effect on a new file
 * and directory in the scratch directory argv[1]. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    char f[4096], d[4096];
    struct stat st;
    mode_t old;
    int fd;

    if (argc < 2) {
        fprintf(stderr, "usage: umask DIR\n");
        return 2;
    }
    old = umask(027);
    printf("old umask %03o\n", old);
    printf("umask now %03o\n", umask(027));
    snprintf(f, sizeof f, "%s/umask.file", argv[1]);
    snprintf(d, sizeof d, "%s/umask.dir", argv[1]);
    fd = open(f, O_CREAT | O_WRONLY, 0777);
    fstat(fd, &st);
    printf("file mode %03o ino %lu\n", st.st_mode & 0777, (unsigned long)st.st_ino);
    mkdir(d, 0777);
    stat(d, &st);
    printf("dir mode %03o ino %lu\n", st.st_mode & 0777, (unsigned long)st.st_ino);
    umask(old);
    close(fd);
    unlink(f);
    rmdir(d);
    return 0;
}
