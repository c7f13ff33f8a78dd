/* dbg_spin: two threads that compute for a long time without a system call,
 * so that the recorder preempts them in the middle of their loops (the
 * replay then has state deltas there).  Thread i (0 or 1) runs crunch(i):
 * STEPS iterations of acc = acc * 31 + k, calling milestone(i, m, acc) after
 * every STRIDE of them; milestone only stores acc (no system call: its calls
 * happen between the preemptions).  At the end main prints every milestone,
 * "thread I milestone M acc A", the same in every run. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

#define STEPS 40000000L
#define STRIDE 5000000L

unsigned long marks[2][STEPS / STRIDE + 1];

void milestone(int id, long m, unsigned long acc)
{
    marks[id][m] = acc;
}

static void *crunch(void *arg)
{
    int id = (int)(intptr_t)arg;
    unsigned long acc = (unsigned long)id + 1;
    long k;

    for (k = 0; k < STEPS; k++) {
        acc = acc * 31 + (unsigned long)k;
        if ((k + 1) % STRIDE == 0)
            milestone(id, (k + 1) / STRIDE, acc);
    }
    return NULL;
}

int main(void)
{
    pthread_t t[2];
    int i;

    for (i = 0; i < 2; i++)
        if (pthread_create(&t[i], NULL, crunch, (void *)(intptr_t)i) != 0)
            return 1;
    for (i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    for (i = 0; i < 2; i++)
        for (long m = 1; m <= STEPS / STRIDE; m++)
            printf("thread %d milestone %ld acc %lu\n", i, m, marks[i][m]);
    return 0;
}
