/* addrspace — rebuilding a recorded address space inside the replay stub
 * (see EV_EXEC in trace/event.h and record/exec_snapshot.h). */
#ifndef REWIND_ADDRSPACE_H
#define REWIND_ADDRSPACE_H
#include <stdbool.h>
#include <stddef.h>
#include "../trace/trace.h"
#include "../tracee/tracee.h"

/* t runs the replay stub and is stopped at its execve exit.  Maps everything
 * ev describes, writes its memory, unmaps the stub and loads the registers. */
bool addrspace_rebuild(struct task *t, struct trace_reader *r, const struct event *ev,
                       char *err, size_t errlen);

/* Opens the trace's copy of file id inside the tracee (read-only); returns the
 * tracee's fd or -errno. */
long addrspace_open_file(struct task *t, struct trace_reader *r, const char *id);
/* Opens, read-write, a private copy of file id made once per replay, so that
 * MAP_SHARED mappings of it are shared between the replayed processes without
 * writing to the trace.  number is the recording's number for the file (every
 * mapping of one file has it, whatever the contents were then: the copy is made
 * at the first); 0 (older recordings): one copy per content id. */
long addrspace_open_shared(struct task *t, struct trace_reader *r, const char *id, uint64_t number);
/* Opens, read-write, the memory file standing for the recording's System V
 * shared memory segment number (see record/shm.c), made once per replay and
 * zero-filled, at least size bytes long; returns the tracee's fd or -errno. */
long addrspace_open_shm(struct task *t, uint64_t number, uint64_t size);
/* A recorded syscall changed shared file number: the trace's file id (NULL:
 * none) holds the bytes now at offset, and size is the file's new size. */
bool addrspace_update_shared(struct trace_reader *r, uint64_t number, const char *id, uint64_t offset,
                             uint64_t size, char *err, size_t errlen);

/* Drops the shared copies: the next replay (a debugger's restart) starts from
 * the recorded contents again, not from what the last one wrote. */
void addrspace_forget_shared(void);

/* For checkpoints: the shared copies as they are now — the same memory files
 * (which the checkpoint's processes map) and their contents and sizes; NULL
 * if their contents exceed max_bytes. */
struct shared_snapshot;
struct shared_snapshot *addrspace_shared_save(uint64_t max_bytes);
/* Makes them the shared copies again, with the saved contents (copies made
 * since are dropped, to be made afresh from the trace). */
bool addrspace_shared_restore(const struct shared_snapshot *s);
void addrspace_shared_free(struct shared_snapshot *s);

#endif
