/* auxv: the auxiliary vector: getauxval for the interesting entries
 * (AT_RANDOM's 16 bytes, addresses that ASLR moves, AT_EXECFN...) and the
 * raw vector read from /proc/self/auxv. */
#include <elf.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/auxv.h>
#include <unistd.h>

int main(void)
{
    static const struct { unsigned long type; const char *name; } keys[] = {
        { AT_PHDR, "AT_PHDR" }, { AT_PHNUM, "AT_PHNUM" }, { AT_PAGESZ, "AT_PAGESZ" },
        { AT_BASE, "AT_BASE" }, { AT_ENTRY, "AT_ENTRY" }, { AT_UID, "AT_UID" },
        { AT_SECURE, "AT_SECURE" }, { AT_CLKTCK, "AT_CLKTCK" }, { AT_HWCAP, "AT_HWCAP" },
        { AT_HWCAP2, "AT_HWCAP2" }, { AT_SYSINFO_EHDR, "AT_SYSINFO_EHDR" },
        { AT_MINSIGSTKSZ, "AT_MINSIGSTKSZ" },
    };
    const unsigned char *rnd = (const unsigned char *)getauxval(AT_RANDOM);
    Elf64_auxv_t av[64];
    ssize_t n;
    int fd;

    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        printf("%-16s 0x%lx\n", keys[i].name, getauxval(keys[i].type));
    printf("AT_EXECFN        %s\n", (const char *)getauxval(AT_EXECFN));
    printf("AT_PLATFORM      %s\n", (const char *)getauxval(AT_PLATFORM));
    printf("AT_RANDOM        %p:", (void *)rnd);
    for (int i = 0; i < 16; i++)
        printf(" %02x", rnd[i]);
    printf("\n");
    fd = open("/proc/self/auxv", O_RDONLY);
    n = read(fd, av, sizeof av);
    printf("/proc/self/auxv: %zd bytes\n", n);
    for (ssize_t i = 0; i < n / (ssize_t)sizeof av[0] && av[i].a_type != AT_NULL; i++)
        printf("  type %2lu value 0x%lx\n", (unsigned long)av[i].a_type, (unsigned long)av[i].a_un.a_val);
    close(fd);
    return 0;
}
