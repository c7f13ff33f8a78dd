/* rseq_glibc: an ordinary program on a glibc that registers rseq at start
 * (2.35+).  Prints what glibc reports (__rseq_size, __rseq_offset) and
 * sched_getcpu().  A recorder refuses rseq, so glibc runs without it; replay
 * must print the same. */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <sys/rseq.h>
#include <unistd.h>

int main(void)
{
    printf("__rseq_size %u __rseq_offset %ld\n", __rseq_size, (long)__rseq_offset);
    if (__rseq_size > 0) {
        struct rseq *rs = (struct rseq *)((char *)__builtin_thread_pointer() + __rseq_offset);
        printf("rseq area cpu_id %u\n", rs->cpu_id);
    } else {
        printf("rseq not registered\n");
    }
    printf("sched_getcpu %d pid %d\n", sched_getcpu(), getpid());
    return 0;
}
