/* rdtsc: reads the time-stamp counter with rdtsc and rdtscp (inline asm) and
 * prints the raw values, which differ between runs. */
#include <stdint.h>
#include <stdio.h>

static uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

static uint64_t rdtscp(uint32_t *aux)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtscp" : "=a"(lo), "=d"(hi), "=c"(*aux));
    return ((uint64_t)hi << 32) | lo;
}

int main(void)
{
    uint64_t t[4];
    uint32_t aux = 0;

    t[0] = rdtsc();
    t[1] = rdtsc();
    t[2] = rdtscp(&aux);
    t[3] = rdtsc();
    for (int i = 0; i < 4; i++)
        printf("tsc[%d] = %llu\n", i, (unsigned long long)t[i]);
    printf("rdtscp aux = %u\n", aux);
    printf("increasing: %d\n", t[0] <= t[1] && t[1] <= t[2] && t[2] <= t[3]);
    return 0;
}
