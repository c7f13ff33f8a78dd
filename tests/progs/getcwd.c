/* getcwd: the working directory: getcwd, realpath("."), the inode of ".",
 * getcwd into a too-small buffer (ERANGE), chdir("/") and fchdir back.
 * Replay from another directory must print the recorded one. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int main(void)
{
    char buf[PATH_MAX], small[2], real[PATH_MAX];
    struct stat st;
    int here = open(".", O_RDONLY | O_DIRECTORY), r;
    char *p;

    printf("getcwd %s\n", getcwd(buf, sizeof buf));
    printf("realpath %s\n", realpath(".", real));
    stat(".", &st);
    printf("inode of . %lu\n", (unsigned long)st.st_ino);
    p = getcwd(small, sizeof small);
    printf("getcwd small: %p %s\n", (void *)p, strerrorname_np(errno));
    r = chdir("/");
    printf("chdir / %d getcwd %s\n", r, getcwd(buf, sizeof buf));
    r = fchdir(here);
    printf("fchdir back %d getcwd %s\n", r, getcwd(buf, sizeof buf));
    return 0;
}
