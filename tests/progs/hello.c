/* hello: the simplest program.  Writes one line to stdout and one to stderr,
 * then exits with the status given as argv[1] (default 0).
 * Used by the CLI, dump, trace and bad-input tests. */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    printf("hello, world\n");
    fflush(stdout);
    fprintf(stderr, "hello, stderr\n");
    return argc > 1 ? atoi(argv[1]) : 0;
}
