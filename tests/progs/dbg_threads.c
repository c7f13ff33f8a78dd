/* dbg_threads: three worker threads for the gdb tests (tests/cases/debug.sh).
 * The workers meet at a barrier (so all of them exist at the first
 * breakpoint), then take turns: worker 0, 1, 2, 0, 1, 2, ... each calls
 * worker_note(id, round) for rounds 0..2, writes a line and sleeps a little
 * before passing the turn on.  Every call has its own arguments and the
 * order is fixed, so the n-th stop in worker_note is known: it is worker
 * (n-1) % 3, round (n-1) / 3, and consecutive stops are in different threads. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#define NWORKERS 3
#define NROUNDS 3

int notes[NWORKERS];
static pthread_barrier_t all_started;
static pthread_mutex_t turn_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t turn_changed = PTHREAD_COND_INITIALIZER;
static int turn;

void worker_note(int id, int round)
{
    char line[48];
    notes[id] = 100 * (id + 1) + round;
    int n = snprintf(line, sizeof line, "worker %d round %d note %d\n", id, round, notes[id]);
    if (write(1, line, (size_t)n) != n)
        _exit(1);
}

static void *worker_main(void *arg)
{
    int id = (int)(intptr_t)arg;
    int round;

    pthread_barrier_wait(&all_started);
    for (round = 0; round < NROUNDS; round++) {
        pthread_mutex_lock(&turn_lock);
        while (turn != id)
            pthread_cond_wait(&turn_changed, &turn_lock);
        pthread_mutex_unlock(&turn_lock);
        worker_note(id, round);
        usleep(200);
        pthread_mutex_lock(&turn_lock);
        turn = (id + 1) % NWORKERS;
        pthread_cond_broadcast(&turn_changed);
        pthread_mutex_unlock(&turn_lock);
    }
    return NULL;
}

int main(void)
{
    pthread_t t[NWORKERS];
    int i;

    pthread_barrier_init(&all_started, NULL, NWORKERS);
    for (i = 0; i < NWORKERS; i++)
        if (pthread_create(&t[i], NULL, worker_main, (void *)(intptr_t)i) != 0)
            return 1;
    for (i = 0; i < NWORKERS; i++)
        pthread_join(t[i], NULL);
    printf("notes %d %d %d\n", notes[0], notes[1], notes[2]);
    return 0;
}
