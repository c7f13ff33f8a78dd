/* cpuid: executes cpuid (inline asm) and prints the vendor string, leaf 1
 * (family/model/stepping and feature bits), leaf 7 and the brand string.
 * The APIC id (which CPU it ran on) is left out: without CPUID faulting a
 * recorder cannot trap cpuid, and replay may run on another CPU. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
    __asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]) : "a"(leaf), "c"(sub));
}

int main(void)
{
    uint32_t r[4], brand[12];
    char vendor[13];

    cpuid(0, 0, r);
    memcpy(vendor, &r[1], 4);
    memcpy(vendor + 4, &r[3], 4);
    memcpy(vendor + 8, &r[2], 4);
    vendor[12] = 0;
    printf("vendor \"%s\" max leaf %u\n", vendor, r[0]);
    cpuid(1, 0, r);
    printf("leaf 1: eax %08x ebx %06x ecx %08x edx %08x\n", r[0], r[1] & 0xffffff, r[2], r[3]);
    cpuid(7, 0, r);
    printf("leaf 7: ebx %08x ecx %08x edx %08x\n", r[1], r[2], r[3]);
    cpuid(0x80000000, 0, r);
    if (r[0] >= 0x80000004) {
        for (uint32_t i = 0; i < 3; i++)
            cpuid(0x80000002 + i, 0, brand + 4 * i);
        printf("brand \"%.48s\"\n", (char *)brand);
    }
    return 0;
}
