/* shm — System V shared memory (shmget, shmat, shmdt) under the recorder.
 *
 * Replay answers shmget and shmctl from the trace, so a recorded segment id
 * means nothing to its kernel.  Instead each segment becomes one memory file
 * in rewind, and every shmat of it maps that file MAP_SHARED at the recorded
 * address (see replay.c): attachments stay shared between the replayed
 * processes as they were between the recorded ones.  For that the recorder
 * numbers the segments and notes on each shmat the segment's number (vals[0])
 * and the size attached (vals[1]), and on each shmdt the extent it unmaps
 * (vals[1]).
 *
 * A segment the recording did not create may be shared with processes outside
 * it: its contents are recorded at every attach (replay starts from them), and
 * a warning says that what those processes write meanwhile is not replayed. */
#include "recorder.h"
#include "../tracee/maps.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>

/* What /proc/sysvipc/shm says about one segment. */
struct shm_status {
    pid_t cpid;               /* its creator */
    pid_t lpid;               /* the last process to attach or detach it; 0: none yet */
    unsigned long nattch;
    uint64_t size;            /* in bytes, as shmget was asked */
};

/* Reads segment shmid's line of /proc/sysvipc/shm (readable by anyone, unlike
 * IPC_STAT); false if it is not there. */
static bool shm_status_of(int shmid, struct shm_status *st)
{
    char *text = read_file("/proc/sysvipc/shm", NULL);
    bool found = false;
    char *line = text ? strchr(text, '\n') : NULL;   /* after the column titles */
    while (line && !found) {
        line++;
        int key, id, cpid, lpid;
        unsigned perms;
        unsigned long size, nattch;
        if (sscanf(line, "%d %d %o %lu %d %d %lu", &key, &id, &perms, &size, &cpid, &lpid, &nattch) == 7 &&
            id == shmid) {
            st->cpid = cpid;
            st->lpid = lpid;
            st->nattch = nattch;
            st->size = size;
            found = true;
        }
        line = strchr(line, '\n');
    }
    free(text);
    return found;
}

static struct shm_segment *find_segment(struct recorder *R, int shmid)
{
    for (int i = 0; i < R->nshm; i++)
        if (R->shm[i].shmid == shmid)
            return &R->shm[i];
    return NULL;
}

/* Gives segment shmid a new number: it is not the segment an earlier attach
 * of that id was (ids are reused once a segment is gone). */
static struct shm_segment *new_segment(struct recorder *R, int shmid, pid_t cpid, bool outside)
{
    struct shm_segment *s = find_segment(R, shmid);
    if (!s) {
        R->shm = xrealloc(R->shm, sizeof *R->shm * (size_t)(R->nshm + 1));
        s = &R->shm[R->nshm++];
    }
    s->shmid = shmid;
    s->number = ++R->shm_numbers;
    s->cpid = cpid;
    s->outside = outside;
    return s;
}

/* The bytes attached at addr in process pid: the mapping that starts there and
 * those that go on with the same segment at the next offsets (an mprotect may
 * have split it; another attach of the segment right after it starts again at
 * offset 0); 0 if no attach starts there. */
static uint64_t attached_extent(pid_t pid, uint64_t addr)
{
    struct vma *v = NULL;
    int n = maps_read(pid, &v);
    uint64_t end = 0;
    for (int i = 0; i < n; i++) {
        if (v[i].start != addr || v[i].offset != 0 || strncmp(v[i].path, "/SYSV", 5))
            continue;
        end = v[i].end;
        for (int j = i + 1; j < n && v[j].start == end && v[j].offset == end - addr && v[j].inode == v[i].inode &&
                            !strcmp(v[j].path, v[i].path); j++)
            end = v[j].end;
        break;
    }
    free(v);
    return end ? end - addr : 0;
}

void record_shm_get(struct recorder *R, const struct event *ev)
{
    int shmid = (int)ev->ret;
    struct shm_status st = {0};
    bool known = shm_status_of(shmid, &st);
    /* A new segment: IPC_PRIVATE always makes one, IPC_CREAT|IPC_EXCL or
     * nothing else with that key does; and one nobody ever attached holds
     * nothing yet either way. */
    bool created = ev->args[0] == IPC_PRIVATE || ((ev->args[2] & IPC_CREAT) && (ev->args[2] & IPC_EXCL)) ||
                   (known && st.lpid == 0 && st.nattch == 0);
    if (created)
        new_segment(R, shmid, st.cpid, false);
}

void record_shm_attach(struct recorder *R, struct task *t, struct event *ev, struct memtrack *mt)
{
    int shmid = (int)ev->args[0];
    uint64_t addr = (uint64_t)ev->ret;
    struct shm_status st = {0};
    bool known = shm_status_of(shmid, &st);
    struct shm_segment *s = find_segment(R, shmid);
    /* Not a segment the recording made, or the id now names another one (a
     * process outside the recording made it after ours was removed). */
    if (!s || (known && s->cpid != st.cpid)) {
        s = new_segment(R, shmid, st.cpid, true);
        if (!R->warned_shm) {
            rw_warn("System V shared memory segment %d was created outside the recording and is mapped shared:"
                    " changes other processes outside the recording make to it will not be replayed", shmid);
            R->warned_shm = true;
        }
    }
    /* the whole segment, in pages (nothing can have split it yet) */
    uint64_t len = known ? PAGE_UP(st.size) : attached_extent(t->tgid, addr);
    if (!len) {
        rw_warn("cannot find the System V shared memory attached at %#lx: replay will fail there",
                (unsigned long)addr);
        return;
    }
    ev->vals[0] = s->number;
    ev->vals[1] = len;
    if (s->outside)
        add_memory_patch(ev, t, addr, len);   /* replay starts from what was there */
    /* its pages are this process's memory too: state deltas must see them */
    memtrack_add_range(mt, addr, len);
}

void record_shm_detach(struct task *t, struct event *ev)
{
    ev->vals[1] = attached_extent(t->tgid, ev->args[0]);
}
