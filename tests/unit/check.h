/* check.h — the one assertion helper of the unit tests: prints "ok   - WHAT"
 * or "FAIL - WHAT: details" and counts, so a test ends with
 * `printf("%d checks, %d failed\n", checks, failures); return failures != 0;`. */
#ifndef REWIND_TESTS_CHECK_H
#define REWIND_TESTS_CHECK_H
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

static int failures, checks;

static void check(bool ok, const char *what, const char *fmt, ...) __attribute__((format(printf, 3, 4), unused));
static void check(bool ok, const char *what, const char *fmt, ...)
{
    checks++;
    if (ok) {
        printf("ok   - %s\n", what);
    } else {
        failures++;
        printf("FAIL - %s: ", what);
        va_list ap;
        va_start(ap, fmt);
        vprintf(fmt, ap);
        va_end(ap);
        printf("\n");
    }
    fflush(stdout);
}

#endif
