/* shm_outside: a System V shared memory segment made by one process and used
 * by another, as when a recorded program attaches a segment made outside the
 * recording.
 *  make: creates a segment, writes a line with the time into it, detaches
 *    and prints its id; the segment is left behind for `attach`.
 *  attach ID: attaches segment ID, prints what it holds, writes into it,
 *    detaches and removes it. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/shm.h>
#include <time.h>
#include <unistd.h>

static int make(void)
{
    int id = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
    struct timespec ts;
    char *p;

    if (id < 0 || (p = shmat(id, NULL, 0)) == (void *)-1) {
        perror("make");
        return 1;
    }
    clock_gettime(CLOCK_REALTIME, &ts);
    snprintf(p, 4096, "made outside at %ld", ts.tv_nsec);
    printf("%d\n", id);
    return shmdt(p);
}

static int attach(int id)
{
    char *p = shmat(id, NULL, 0);
    struct timespec ts;

    if (p == (void *)-1) {
        perror("attach");
        return 1;
    }
    printf("segment %d holds [%s]\n", id, p);
    clock_gettime(CLOCK_REALTIME, &ts);
    snprintf(p, 4096, "overwritten by %d at %ld", getpid(), ts.tv_nsec);
    printf("now [%s]\n", p);
    printf("detach: %d, remove: %d\n", shmdt(p), shmctl(id, IPC_RMID, NULL));
    return 0;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "make") == 0)
        return make();
    if (argc > 2 && strcmp(argv[1], "attach") == 0)
        return attach(atoi(argv[2]));
    fprintf(stderr, "usage: shm_outside make | attach ID\n");
    return 2;
}
