/* target — what the gdb server (gdb/server.c) asks of the replay it drives.
 *
 * The server speaks the GDB remote serial protocol and knows nothing of traces
 * or ptrace; the timeline (gdb/timeline.c) implements these operations on top
 * of replay sessions, checkpoints and re-execution.  Keeping the contract this
 * narrow (a table of operations) lets the protocol layer be tested against a
 * fake target.
 *
 * Thread and process ids are the *recorded* ones: gdb shows the program's own
 * pids and tids, not the replay's.  Every call is made while the target is
 * stopped; resume() is the only one that runs the program. */
#ifndef REWIND_GDB_TARGET_H
#define REWIND_GDB_TARGET_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "../arch/arch.h"
#include "../util/util.h"

enum dbg_stop_kind {
    DBG_STOP_NONE = 0,
    DBG_STOP_SWBREAK,    /* a Z0 breakpoint: pc is the breakpoint address */
    DBG_STOP_HWBREAK,    /* a Z1 breakpoint */
    DBG_STOP_WATCH,      /* a Z2/Z3/Z4 watchpoint: addr, watch_kind */
    DBG_STOP_STEP,       /* a single step (forwards or backwards) finished */
    DBG_STOP_SIGNAL,     /* the program is about to receive signal sig */
    DBG_STOP_EXITED,     /* the process exited with status code */
    DBG_STOP_KILLED,     /* the process was killed by signal sig */
    DBG_STOP_HISTORY_BEGIN, /* reverse execution reached the start of the recording */
    DBG_STOP_HISTORY_END,   /* forward execution reached the end of the recording */
    DBG_STOP_INTERRUPT,  /* stopped at the client's request (^C), or at a goto target */
    DBG_STOP_ERROR,      /* the replay failed (divergence): message says why */
};

enum dbg_bp_kind { DBG_BP_SW = 0, DBG_BP_HW = 1, DBG_WP_WRITE = 2, DBG_WP_READ = 3, DBG_WP_ACCESS = 4 };

struct dbg_stop {
    enum dbg_stop_kind kind;
    pid_t pid, tid;           /* recorded ids of the stopped thread */
    int sig;                  /* SIGNAL, KILLED */
    int code;                 /* EXITED: exit code */
    uint64_t addr;            /* WATCH: the watched address that triggered */
    enum dbg_bp_kind watch_kind;
    char message[256];        /* ERROR */
};

enum dbg_direction { DBG_FORWARD, DBG_BACKWARD };

/* How to resume: continue, or single-step thread step_tid (the others stay put,
 * as the replay runs one thread at a time anyway). */
struct dbg_resume {
    enum dbg_direction dir;
    bool step;
    pid_t step_tid;
};

/* Registers of one thread: the general registers plus the XSAVE area (layout
 * as NT_X86_XSTATE; xstate_len 0 if unavailable). */
struct dbg_regs {
    regs_t gp;
    uint8_t xstate[16384];
    uint32_t xstate_len;
};

/* The operations; every one gets the target's self pointer. */
struct dbg_target_ops {
    /* Process and threads gdb is attached to. */
    pid_t (*pid)(void *self);
    /* Live threads of that process, the current one first; returns the count. */
    int (*threads)(void *self, pid_t *tids, int max);
    pid_t (*current_thread)(void *self);
    bool (*thread_alive)(void *self, pid_t tid);
    bool (*get_regs)(void *self, pid_t tid, struct dbg_regs *out);

    /* Memory of the debugged process as the program sees it (breakpoint bytes
     * hidden).  Returns bytes read; 0 if unmapped. */
    size_t (*read_mem)(void *self, uint64_t addr, void *buf, size_t len);

    /* Breakpoints and watchpoints stay set across resumes and restarts.  false
     * if the kind or length is not supported (the server replies with an error). */
    bool (*insert)(void *self, enum dbg_bp_kind kind, uint64_t addr, uint64_t len);
    bool (*remove)(void *self, enum dbg_bp_kind kind, uint64_t addr, uint64_t len);

    /* Signals the client asked not to be told about (QPassSignals): the replay
     * delivers them as recorded without stopping.  pass[sig] for sig < 65. */
    void (*set_pass_signals)(void *self, const bool pass[65]);

    /* Runs until the next stop and describes it.  interrupt_fd: readable when
     * the client sent ^C (the target polls it while the program runs; -1: none). */
    void (*resume)(void *self, const struct dbg_resume *how, int interrupt_fd, struct dbg_stop *out);
    /* The stop the target is at now (after attach: the start). */
    void (*last_stop)(void *self, struct dbg_stop *out);

    /* The auxiliary vector of the process (as recorded): bytes copied to buf
     * (at most max); with buf NULL, the total length. */
    size_t (*auxv)(void *self, uint8_t *buf, size_t max);
    /* The path the process exec'ed, as the recording saw it. */
    const char *(*exec_path)(void *self);
    /* The trace's copy of a file the recorded process had mapped or executed,
     * by its recorded path; NULL if the recording has none.  Caller frees. */
    char *(*file_copy)(void *self, const char *recorded_path);

    /* `monitor CMD` (when, checkpoint, restart N, goto EVENT, help): appends the
     * text to show the user to out; false for an unknown command.  A command
     * that moved the replay sets *moved (gdb expects no stop after a monitor
     * command, so the server can only tell the user to refresh; server.h). */
    bool (*monitor)(void *self, const char *cmd, struct buf *out, bool *moved);
    /* gdb's `run`: back to the start of the recording. */
    bool (*restart)(void *self);
    /* Whether the recording CPU's registers include AVX / AVX-512 (target description). */
    bool (*has_avx)(void *self);
    bool (*has_avx512)(void *self);
};

struct dbg_target {
    const struct dbg_target_ops *ops;
    void *self;
};

#endif
