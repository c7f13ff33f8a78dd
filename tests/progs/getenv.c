/* getenv: reads a few environment variables.  The test records with
 * REWIND_TEST_VAR set to a random value and replays under `env -i`: replay must
 * print the recorded values. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>

static void show(const char *name)
{
    const char *v = getenv(name);
    printf("%s=%s\n", name, v ? v : "(unset)");
}

int main(void)
{
    const char *s;

    show("REWIND_TEST_VAR");
    show("HOME");
    show("PATH");
    show("LANG");
    show("REWIND_SURELY_UNSET_VARIABLE");
    s = secure_getenv("REWIND_TEST_VAR");
    printf("secure_getenv: %s\n", s ? s : "(null)");
    return 0;
}
