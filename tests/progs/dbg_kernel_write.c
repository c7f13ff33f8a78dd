/* dbg_kernel_write: a buffer written first by the program, then by the
 * kernel (read() from a pipe), for a watchpoint test: debug registers do not
 * see the kernel's write, rewind must. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

char buf[16];

int main(void)
{
    int p[2];
    if (pipe(p) != 0)
        return 1;
    buf[0] = 'x';                          /* the program's own write */
    if (write(p[1], "hello", 5) != 5)
        return 1;
    if (read(p[0], buf, sizeof buf - 1) != 5)   /* the kernel's write */
        return 1;
    printf("got %s\n", buf);
    return 0;
}
