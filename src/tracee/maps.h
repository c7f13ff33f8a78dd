/* maps — the address space of a tracee as /proc/PID/maps describes it. */
#ifndef REWIND_MAPS_H
#define REWIND_MAPS_H
#include <stdint.h>
#include <sys/types.h>

struct vma {
    uint64_t start, end, offset;
    uint32_t prot;       /* PROT_* */
    int shared;          /* 's' in the flags column */
    uint64_t inode;
    char path[4096];     /* "" for anonymous; [stack], [heap], [vdso], ... for special ones */
};

/* Reads /proc/PID/maps.  Returns the number of entries (malloc'ed array in *out) or -1. */
int maps_read(pid_t pid, struct vma **out);

#endif
