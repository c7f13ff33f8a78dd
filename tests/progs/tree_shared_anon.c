/* tree_shared_anon [handshake|spin] [sysv]: anonymous MAP_SHARED memory
 * between a parent and a child, or with `sysv` a System V shared memory
 * segment (shmget, shmat, shmdt, shmctl) the parent makes and attaches.
 *  handshake (default): the parent writes data made of its pid and the time,
 *    then a byte into a pipe; the child, woken by the pipe, reads the shared
 *    memory, answers in it, and tells the parent through a second pipe.
 *    Repeated 20 times.  With sysv the child attaches the segment twice more
 *    itself (at addresses the kernel picks), reads through a read-only
 *    attachment, answers through the other, and detaches both at the end.
 *  spin: the two pass a token 20 times through a flag in the shared memory,
 *    spinning without syscalls, and count their spins. */
#define _GNU_SOURCE
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define ROUNDS 20

struct shared {
    atomic_int turn;
    long spins[2][ROUNDS];
    char msg[128];
    char reply[256];
    uint64_t data[512];
};

static int shm_id = -1;   /* the System V segment (sysv); -1: anonymous memory */

static uint64_t sum(const uint64_t *d, int n)
{
    uint64_t h = 14695981039346656037ull;

    for (int i = 0; i < n; i++)
        h = (h ^ d[i]) * 1099511628211ull;
    return h;
}

static int handshake(struct shared *sh)
{
    int down[2], up[2], status;
    pid_t c;
    char b;

    if (pipe(down) < 0 || pipe(up) < 0)
        return 1;
    c = fork();
    if (c == 0) {
        const struct shared *in = sh;
        struct shared *out = sh;
        uint64_t h = 0;

        if (shm_id >= 0) {
            out = shmat(shm_id, NULL, 0);
            in = shmat(shm_id, NULL, SHM_RDONLY);
            if (out == (void *)-1 || in == (void *)-1) {
                perror("child shmat");
                _exit(1);
            }
        }
        for (int r = 0; r < ROUNDS; r++) {
            if (read(down[0], &b, 1) != 1)
                _exit(1);
            h ^= sum(in->data, 512);
            snprintf(out->reply, sizeof out->reply, "child %d read \"%s\" sum %016llx", getpid(), in->msg,
                     (unsigned long long)sum(in->data, 512));
            if (write(up[1], "r", 1) != 1)
                _exit(1);
        }
        printf("child %d: all rounds %016llx\n", getpid(), (unsigned long long)h);
        if (shm_id >= 0)
            printf("child detaches: %d %d\n", shmdt(out), shmdt(in));
        exit(0);
    }
    for (int r = 0; r < ROUNDS; r++) {
        struct timespec ts;

        clock_gettime(CLOCK_REALTIME, &ts);
        for (int i = 0; i < 512; i++)
            sh->data[i] = (uint64_t)ts.tv_nsec * (uint64_t)(i + 1) + (uint64_t)r;
        snprintf(sh->msg, sizeof sh->msg, "round %d from %d at %ld", r, getpid(), ts.tv_nsec);
        if (write(down[1], "w", 1) != 1 || read(up[0], &b, 1) != 1)
            return 1;
        if (r < 3 || r == ROUNDS - 1)
            printf("parent got: %s\n", sh->reply);
    }
    waitpid(c, &status, 0);
    printf("child %d exited %d\n", c, WEXITSTATUS(status));
    return 0;
}

static void player(struct shared *sh, int me)
{
    for (int r = 0; r < ROUNDS; r++) {
        long n = 0;

        while (atomic_load(&sh->turn) != me)
            n++;
        sh->spins[me][r] = n;
        atomic_store(&sh->turn, 1 - me);
    }
}

static int spin(struct shared *sh)
{
    pid_t c;
    int status;
    uint64_t h = 14695981039346656037ull;

    c = fork();
    if (c == 0) {
        player(sh, 1);
        _exit(0);
    }
    player(sh, 0);
    waitpid(c, &status, 0);
    for (int r = 0; r < ROUNDS; r++)
        h = (h ^ (uint64_t)sh->spins[0][r] ^ ((uint64_t)sh->spins[1][r] << 32)) * 1099511628211ull;
    printf("child %d exited %d; turn %d; spins hash %016llx, round 1: %ld/%ld\n", c, WEXITSTATUS(status),
           atomic_load(&sh->turn), (unsigned long long)h, sh->spins[0][1], sh->spins[1][1]);
    return 0;
}

/* With sysv: the segment's state as the kernel tells it, then its end. */
static void sysv_done(struct shared *sh)
{
    struct shmid_ds ds;

    if (shmctl(shm_id, IPC_STAT, &ds) == 0)
        printf("segment: %zu bytes, %lu attached\n", (size_t)ds.shm_segsz, (unsigned long)ds.shm_nattch);
    printf("remove: %d, detach: %d\n", shmctl(shm_id, IPC_RMID, NULL), shmdt(sh));
}

int main(int argc, char **argv)
{
    bool spinning = false;
    struct shared *sh;
    int rc;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "spin") == 0)
            spinning = true;
        else if (strcmp(argv[i], "sysv") == 0)
            shm_id = shmget(IPC_PRIVATE, sizeof *sh, IPC_CREAT | 0600);
    }
    if (shm_id >= 0)
        sh = shmat(shm_id, NULL, 0);
    else
        sh = mmap(NULL, sizeof *sh, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (sh == MAP_FAILED || sh == (void *)-1) {
        perror("shared memory");
        if (shm_id >= 0)
            shmctl(shm_id, IPC_RMID, NULL);
        return 1;
    }
    printf("parent %d\n", getpid());
    fflush(stdout);
    rc = spinning ? spin(sh) : handshake(sh);
    if (shm_id >= 0)
        sysv_done(sh);
    return rc;
}
