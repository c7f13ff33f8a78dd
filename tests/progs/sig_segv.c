/* sig_segv: a SIGSEGV handler that repairs the fault (mprotect of the
 * faulting page) and returns, so the faulting instruction is restarted.
 * Five write faults and one read fault; prints the fault addresses (ASLR). */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static long pagesize;
static void *fault_addr[8];
static int fault_code[8];
static volatile int nfaults;

static void on_segv(int sig, siginfo_t *si, void *uc)
{
    uintptr_t page = (uintptr_t)si->si_addr & ~(uintptr_t)(pagesize - 1);
    (void)sig;
    (void)uc;
    if (nfaults < 8) {
        fault_addr[nfaults] = si->si_addr;
        fault_code[nfaults] = si->si_code;
    }
    nfaults++;
    if (mprotect((void *)page, pagesize, PROT_READ | PROT_WRITE) != 0)
        _exit(99);
}

int main(void)
{
    struct sigaction sa;
    volatile unsigned char *mem;
    unsigned sum = 0;

    pagesize = sysconf(_SC_PAGESIZE);
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGSEGV, &sa, NULL);
    mem = mmap(NULL, 6 * pagesize, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mem == MAP_FAILED)
        return 1;
    printf("region at %p\n", (void *)mem);
    for (int i = 0; i < 5; i++)
        mem[i * pagesize + 100 + i] = (unsigned char)(i + 1);
    sum = mem[5 * pagesize + 7];   /* read fault: zero page */
    for (int i = 0; i < 5; i++)
        sum += mem[i * pagesize + 100 + i];
    printf("faults %d sum %u\n", nfaults, sum);
    for (int i = 0; i < nfaults && i < 8; i++)
        printf("fault %d at %p (offset %ld) code %d\n", i, fault_addr[i],
               (long)((volatile unsigned char *)fault_addr[i] - mem), fault_code[i]);
    return 0;
}
