/* maps — parse /proc/PID/maps (see maps.h). */
#include "maps.h"
#include "../util/util.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

int maps_read(pid_t pid, struct vma **out)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/maps", pid);
    char *text = read_file(path, NULL);
    if (!text)
        return -1;
    int n = 0, cap = 64;
    struct vma *v = xmalloc(sizeof *v * (size_t)cap);
    for (char *line = text, *next; line && *line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = 0;
        if (n == cap) {
            cap *= 2;
            v = xrealloc(v, sizeof *v * (size_t)cap);
        }
        struct vma *m = &v[n];
        char perms[8] = "";
        unsigned long long start, end, off, ino;
        int pos = 0;
        if (sscanf(line, "%llx-%llx %7s %llx %*s %llu %n", &start, &end, perms, &off, &ino, &pos) < 5)
            continue;
        m->start = start;
        m->end = end;
        m->offset = off;
        m->inode = ino;
        m->prot = (perms[0] == 'r' ? PROT_READ : 0) | (perms[1] == 'w' ? PROT_WRITE : 0) |
                  (perms[2] == 'x' ? PROT_EXEC : 0);
        m->shared = perms[3] == 's';
        snprintf(m->path, sizeof m->path, "%s", pos ? line + pos : "");
        n++;
    }
    free(text);
    *out = v;
    return n;
}
