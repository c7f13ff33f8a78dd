/* memtrack — which pages of a tracee were written since the last look, without
 * a PMU and without soft-dirty bits: a userfaultfd in write-protect async mode
 * (UFFD_FEATURE_WP_ASYNC) registered over the tracee's memory, and
 * ioctl(PAGEMAP_SCAN) on /proc/PID/pagemap, which reports the written pages and
 * re-protects them atomically.  Kernel writes (read(), ioctl results) are caught
 * as well as user stores.
 *
 * The userfaultfd is created inside the tracee (an injected syscall), copied to
 * the tracer with pidfd_getfd and closed again in the tracee, so the program's fd
 * numbering is unchanged.  One per address space: re-attach after exec.
 *
 * Needs Linux >= 6.7; memtrack_attach() fails with a message on older kernels and
 * callers degrade (see record/). */
#ifndef REWIND_MEMTRACK_H
#define REWIND_MEMTRACK_H
#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include "tracee.h"

struct memtrack;

struct mem_region_pages {
    uint64_t start, end;
};

/* Sets tracking up for t's whole address space.  NULL (why in err) if unavailable;
 * the tracee is then left as it was.  t must be in a ptrace stop other than the
 * exec event stop (no syscall can be injected there): after exec, attach at
 * execve's syscall-exit stop.  Threads and CLONE_VM children share the
 * address space and so the memtrack; a fork child needs its own (its memory is
 * not tracked by the parent's). */
struct memtrack *memtrack_attach(struct task *t, char *err, size_t errlen);
/* Starts tracking a new range (after mmap, brk, mremap grew the address space).
 * Writes already made inside it while it was tracked are kept for the next
 * collect.  A mapping placed over tracked memory that nobody added (a syscall
 * the caller does not know) is found by the next collect, reported whole and
 * tracked from then on. */
void memtrack_add_range(struct memtrack *m, uint64_t start, uint64_t len);
/* Returns the page-aligned ranges written since the previous call (malloc'ed
 * array in *out, sorted and merged, count returned; -1 on error) and re-arms
 * protection.  A superset of what was written: stores, kernel writes and the
 * tracer's own writes through /proc/PID/mem; pages moved by mremap count as
 * written, and in a mapping larger than 1 GiB a page's first read does too.
 * Pages zapped since (MADV_DONTNEED, munmap) are not reported. */
int memtrack_collect(struct memtrack *m, struct mem_region_pages **out);
void memtrack_free(struct memtrack *m);

#endif
