/* mm_jit: generates code at run time: writes "mov eax, imm32; ret" into an
 * anonymous page, mprotects it executable, calls it, then rewrites the
 * immediate (RW again, then RX) and calls it again.  The immediate is derived
 * from the time. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static void emit(unsigned char *p, uint32_t imm)
{
    p[0] = 0xb8;               /* mov eax, imm32 */
    memcpy(p + 1, &imm, 4);
    p[5] = 0xc3;               /* ret */
}

int main(void)
{
    long pg = sysconf(_SC_PAGESIZE);
    struct timespec ts;
    unsigned char *code;
    int (*fn)(void);
    uint32_t v;

    clock_gettime(CLOCK_REALTIME, &ts);
    v = (uint32_t)ts.tv_nsec & 0x7fffffff;
    code = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (code == MAP_FAILED)
        return 1;
    emit(code, v);
    printf("mprotect RX: %d\n", mprotect(code, pg, PROT_READ | PROT_EXEC));
    fn = (int (*)(void))code;
    printf("code at %p returned %d, expected %u\n", (void *)code, fn(), v);
    printf("mprotect RW: %d\n", mprotect(code, pg, PROT_READ | PROT_WRITE));
    emit(code, v / 2);
    printf("mprotect RX: %d\n", mprotect(code, pg, PROT_READ | PROT_EXEC));
    printf("second call returned %d, expected %u\n", fn(), v / 2);
    return 0;
}
