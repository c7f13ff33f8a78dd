/* eventfd_timerfd: special file descriptors: eventfd counters, a one-shot
 * 20 ms timerfd, signalfd for a blocked SIGUSR1, and memfd_create + mmap. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

int main(void)
{
    uint64_t v = 5, exp = 0;
    int efd, tfd, sfd, mfd;
    struct itimerspec its, cur;
    struct signalfd_siginfo si;
    sigset_t set;
    char text[64], *map;
    ssize_t n;

    efd = eventfd(0, EFD_CLOEXEC);
    n = write(efd, &v, 8);
    printf("eventfd %d write %zd\n", efd, n);
    v = 7;
    n = write(efd, &v, 8);
    printf("write %zd\n", n);
    n = read(efd, &v, 8);
    printf("read %zd value %lu\n", n, (unsigned long)v);

    tfd = timerfd_create(CLOCK_MONOTONIC, 0);
    memset(&its, 0, sizeof its);
    its.it_value.tv_nsec = 20 * 1000 * 1000;
    printf("timerfd %d settime %d\n", tfd, timerfd_settime(tfd, 0, &its, NULL));
    n = read(tfd, &exp, 8);
    printf("read %zd expirations %lu\n", n, (unsigned long)exp);
    timerfd_gettime(tfd, &cur);
    printf("gettime after expiry: %ld.%09ld\n", (long)cur.it_value.tv_sec, cur.it_value.tv_nsec);

    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigprocmask(SIG_BLOCK, &set, NULL);
    sfd = signalfd(-1, &set, 0);
    raise(SIGUSR1);
    n = read(sfd, &si, sizeof si);
    printf("signalfd %d read %zd signo %u pid-is-me %d pid %u\n", sfd, n, si.ssi_signo, si.ssi_pid == (uint32_t)getpid(), si.ssi_pid);

    mfd = memfd_create("rewind-test", MFD_CLOEXEC);
    snprintf(text, sizeof text, "memfd text from %d", getpid());
    n = write(mfd, text, strlen(text) + 1);
    printf("memfd %d write %zd ftruncate %d\n", mfd, n, ftruncate(mfd, 4096));
    map = mmap(NULL, 4096, PROT_READ, MAP_SHARED, mfd, 0);
    printf("mapped at %p: %s\n", (void *)map, map == MAP_FAILED ? "(failed)" : map);
    return 0;
}
