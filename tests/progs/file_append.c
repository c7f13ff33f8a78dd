/* file_append: O_APPEND: writes always go to the end, even after lseek or
 * from a second descriptor; pwrite on an O_APPEND file appends too (Linux). */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    char path[4096], buf[512], line[64];
    ssize_t n;
    int a, b;

    if (argc < 2) {
        fprintf(stderr, "usage: file_append DIR\n");
        return 2;
    }
    snprintf(path, sizeof path, "%s/append.txt", argv[1]);
    a = open(path, O_CREAT | O_WRONLY | O_APPEND | O_TRUNC, 0644);
    b = open(path, O_WRONLY | O_APPEND);
    if (a < 0 || b < 0)
        return 1;
    snprintf(line, sizeof line, "a1 pid %d\n", getpid());
    printf("write a: %zd\n", write(a, line, strlen(line)));
    printf("write b: %zd\n", write(b, "b1\n", 3));
    printf("lseek a to 0: %ld\n", (long)lseek(a, 0, SEEK_SET));
    n = write(a, "a2\n", 3);
    printf("write a: %zd, offset now %ld\n", n, (long)lseek(a, 0, SEEK_CUR));
    printf("pwrite a at 0: %zd\n", pwrite(a, "p0\n", 3, 0));
    close(a);
    close(b);
    a = open(path, O_RDONLY);
    n = read(a, buf, sizeof buf);
    printf("file (%zd bytes):\n%.*s", n, (int)(n > 0 ? n : 0), buf);
    close(a);
    unlink(path);
    return 0;
}
