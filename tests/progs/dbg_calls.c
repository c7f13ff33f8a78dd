/* dbg_calls: a small program for the gdb tests (tests/cases/debug.sh).
 * add_to(x) adds x to total for x = 1..4 (total: 1, 3, 6, 10) and
 * bump_counter() counts to 8; square_of() is called once per round.  Every
 * round writes a line, so the rounds are separate events of the recording.
 * Built with -O0 (Makefile): every variable lives in memory and every line
 * has its own code. */
#include <stdio.h>
#include <unistd.h>

int total;
int counter;
int squares;

int square_of(int v)
{
    int r = v * v;
    return r;
}

int add_to(int x)
{
    int before = total;
    total = before + x;
    return total;
}

void bump_counter(void)
{
    counter = counter + 1;
}

static void say_round(int i)
{
    char line[64];
    int n = snprintf(line, sizeof line, "round %d total %d counter %d\n", i, total, counter);
    if (write(1, line, (size_t)n) != n)
        _exit(1);
}

int main(void)
{
    int i;
    int last = 0;

    for (i = 1; i <= 4; i++) {
        add_to(i);
        bump_counter();
        squares += square_of(i);
        say_round(i);
    }
    for (i = 0; i < 4; i++)
        bump_counter();
    last = total * 100 + counter;
    printf("done total %d counter %d squares %d last %d\n", total, counter, squares, last);
    return 0;
}
