/* tty: terminal queries on stdin/stdout/stderr: isatty, tcgetattr (TCGETS),
 * TIOCGWINSZ, ttyname, tcgetpgrp.  Recorded both with stdin on a pty (under
 * script) and with stdin from /dev/null (ENOTTY). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

int main(void)
{
    struct termios t;
    struct winsize ws;
    char name[256];
    int r;

    for (int fd = 0; fd < 3; fd++) {
        errno = 0;
        r = isatty(fd);
        printf("isatty(%d) = %d %s\n", fd, r, r ? "" : strerrorname_np(errno));
    }
    r = tcgetattr(0, &t);
    if (r == 0)
        printf("tcgetattr(0) ok: ECHO %d ICANON %d VINTR %d speed %u\n", !!(t.c_lflag & ECHO),
               !!(t.c_lflag & ICANON), t.c_cc[VINTR], (unsigned)cfgetospeed(&t));
    else
        printf("tcgetattr(0) = -1 %s\n", strerrorname_np(errno));
    memset(&ws, 0, sizeof ws);
    r = ioctl(0, TIOCGWINSZ, &ws);
    printf("TIOCGWINSZ = %d %s rows %u cols %u\n", r, r ? strerrorname_np(errno) : "", ws.ws_row, ws.ws_col);
    r = ttyname_r(0, name, sizeof name);
    printf("ttyname(0): %s\n", r == 0 ? name : strerrorname_np(r));
    errno = 0;
    r = tcgetpgrp(0);
    printf("tcgetpgrp(0) = %d %s, getpgrp %d, pid %d\n", r, r < 0 ? strerrorname_np(errno) : "", getpgrp(), getpid());
    return 0;
}
