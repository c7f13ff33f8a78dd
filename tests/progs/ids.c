/* ids: process and user ids: getpid, getppid, gettid, uids and gids,
 * process group and session.  Pids differ natively between runs; replay
 * must print the recorded ones. */
#define _GNU_SOURCE
#include <stdio.h>
#include <sys/types.h>
#include <unistd.h>

int main(void)
{
    uid_t r, e, s;

    printf("pid %d ppid %d tid %d\n", getpid(), getppid(), gettid());
    printf("uid %d euid %d gid %d egid %d\n", getuid(), geteuid(), getgid(), getegid());
    getresuid(&r, &e, &s);
    printf("resuid %d %d %d\n", r, e, s);
    printf("pgrp %d pgid %d sid %d\n", getpgrp(), getpgid(0), getsid(0));
    printf("groups %d\n", getgroups(0, NULL));
    printf("pid again %d\n", getpid());
    return 0;
}
