/* args_env: prints argc, every argv string and the whole environment, plus the
 * (ASLR-dependent) addresses of argv and environ.  Replay with a different
 * environment and arguments must print the recorded ones. */
#include <stdio.h>

extern char **environ;

int main(int argc, char **argv)
{
    int n = 0;

    printf("argc %d\n", argc);
    for (int i = 0; i < argc; i++)
        printf("argv[%d] = \"%s\"\n", i, argv[i]);
    for (char **e = environ; *e; e++)
        printf("env[%d] = \"%s\"\n", n++, *e);
    printf("env count %d\n", n);
    printf("argv at %p, argv[0] at %p, environ at %p\n",
           (void *)argv, (void *)argv[0], (void *)environ);
    return 0;
}
