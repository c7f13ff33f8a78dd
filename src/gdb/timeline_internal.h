/* The timeline's shared state: timeline.c runs the replay towards a goal
 * (breakpoints, single steps, positions); timeline_ops.c builds the debugger
 * operations (reverse execution, monitor commands, files) out of those runs. */
#ifndef REWIND_GDB_TIMELINE_INTERNAL_H
#define REWIND_GDB_TIMELINE_INTERNAL_H
#include "timeline.h"
#include "../replay/replay.h"
#include "../trace/trace.h"
#include "../tracee/tracee.h"
#include "../engine/engine.h"

#define TL_MAX_BPS 256
#define TL_MAX_MARKS 64
#define TL_HWSLOTS 4

/* A point of the replay (see timeline.h). */
struct tl_pos {
    bool valid;
    bool at_start;      /* the start of window win, before its thread ran in it */
    uint64_t win;       /* the event the replay was heading to */
    int32_t tid;        /* recorded thread */
    uint64_t ip;
    uint64_t n;         /* the n-th time tid was about to execute ip in win; 0: unknown */
    regs_t regs;        /* with stack_print, identifies it when n is unknown */
    uint64_t stack_print; /* hash of the top of the stack */
};

struct tl_bp {
    enum dbg_bp_kind kind;
    uint64_t addr, len;
};

/* One debug register: an aligned piece of watchpoint bp. */
struct tl_slot {
    uint64_t addr, len;
    int bp;
};

/* What the current run is for. */
enum tl_goal {
    GOAL_NONE,
    GOAL_START,       /* the first instruction of the debugged process */
    GOAL_CONTINUE,    /* the user's continue: user breakpoints, watchpoints, signals, exit */
    GOAL_STEP,        /* one instruction of step_tid */
    GOAL_POS,         /* exactly the position target */
    GOAL_EVENT,       /* the start of window goal_event */
    GOAL_SCAN,        /* towards target, remembering the last breakpoint/watchpoint hit */
    GOAL_STEPSCAN,    /* single-stepping towards target, remembering the previous position */
    GOAL_STEPLAST,    /* single-stepping to the last position of window goal_event */
};

/* Arrivals counted in the current window: how many times its thread was about
 * to execute addr.  valid: the breakpoint was in place since the window began. */
struct tl_arrival {
    uint64_t addr, n;
    bool valid;
};

struct tl_inserted {
    uint64_t addr;
    uint8_t orig;
};

/* What a process of the session runs: its last exec's path and auxv. */
#define TL_MAX_IMAGES 64
struct tl_image {
    pid_t tgid;             /* in the current session (0: none any more) */
    int32_t rec_pid;        /* recorded pid, 0 until known */
    char *path;
    uint8_t auxv[1024];
    size_t auxv_len;
};

/* The gate (timeline_gate.c): a conditional trap in the tracee that lets a
 * thread run at full speed up to the state a delta recorded. */
struct tl_gate {
    bool open;              /* its code is in the tracee */
    bool placed;            /* the jump to it is at `at` now (only while running) */
    bool failed;            /* not for this delta: breakpoint arrivals instead */
    uint64_t at;            /* the recorded ip */
    int32_t tid;            /* recorded tid of the thread it is for */
    uint64_t page;          /* its code and variables in the tracee */
    uint64_t match_trap, bound_trap; /* its int3s: all registers match; arrivals used up */
    uint64_t displaced;     /* the moved instructions */
    uint8_t orig[32];       /* the bytes the jump covers */
    size_t len;
    uint64_t inner[TL_HWSLOTS]; /* instruction starts inside those bytes (execute breakpoints) */
    int ninner;
};

/* A fork checkpoint: the replay at the start of window win. */
#define TL_MAX_CKPTS 64
struct tl_ckpt {
    struct replay_checkpoint *c;
    uint64_t win;
    int32_t tid;
};

struct tl_file {
    char *path, *id;
};

struct timeline {
    struct timeline_options opts;
    struct replayer *R;
    struct trace_reader *files_reader; /* for trace_file_path */
    bool ended;             /* the session ran to its end (no tasks left) */
    bool going_to_end;      /* looking for the end of an interrupted recording */
    char error[256];        /* the replay failed: why */

    int32_t pid;            /* recorded pid of the debugged process, 0 until it exists */
    pid_t tgid;             /* its replay tgid in the current session */
    int32_t cur_tid;        /* the thread gdb looks at */
    bool exited;
    int exit_status;

    struct tl_bp bps[TL_MAX_BPS];
    int nbps;
    bool pass[65];

    /* the current run */
    enum tl_goal goal;
    struct tl_pos target;
    uint64_t goal_event;
    int32_t step_tid;
    bool paused;
    int interrupt_fd;       /* readable: the client wants the run stopped (-1: none) */
    bool interrupt_pending;
    struct dbg_stop stop;   /* what the pause reports */
    struct tl_pos here;     /* where the replay is */

    /* breakpoint bytes in the debugged process while it runs */
    struct tl_inserted ins[TL_MAX_BPS + 2]; /* user's, a position's, a state delta's */
    int nins;
    uint64_t internal_bp;   /* a breakpoint of ours (a position's ip), 0: none */
    uint64_t counted_bp;    /* another one, only to count arrivals there, 0: none */
    uint64_t delta_bp;      /* where the thread must get to before a state delta */
    uint64_t delta_arrivals; /* at the delta's ip, not matching (by breakpoint or gate) */
    bool warned_delta;
    struct tl_gate gate;
    struct task *stepping;  /* a thread single-stepping (over a breakpoint, or for a goal) */
    bool step_syscall;      /* ... over a syscall instruction: done at its exit */
    uint64_t reinsert;      /* breakpoint to put back when the step is done */
    struct tl_slot slots[TL_HWSLOTS];
    int nslots;
    bool sw_watch;          /* more watchpoints than debug registers: single-step and compare */
    bool has_watches;       /* any watchpoint: also compared after every syscall */
    uint8_t *sw_vals[TL_MAX_BPS]; /* watched values as last seen */

    /* the current window */
    uint64_t win;
    bool win_seen;          /* the window began in this session */
    struct tl_arrival arr[TL_MAX_BPS + 2];
    int narr;
    struct { uint64_t ip, n; } *steps; /* GOAL_STEPSCAN/STEPLAST: counts per ip */
    int nsteps, capsteps;

    /* scan results */
    bool have_cand;
    struct tl_pos cand;
    struct dbg_stop cand_stop;
    struct tl_pos prev;     /* STEPSCAN / STEPLAST: the position before */

    /* the recorded process */
    char *exec_path;
    uint8_t auxv[1024];
    size_t auxv_len;
    struct tl_image images[TL_MAX_IMAGES];
    int nimages;
    struct tl_file *files;
    int nfiles;
    struct { int32_t tid, pid; uint8_t type; uint64_t ip; } *index; /* every event (ip: a syscall's) */
    uint64_t nevents;

    struct tl_ckpt ckpts[TL_MAX_CKPTS]; /* by window */
    int nckpts;
    uint64_t ckpt_every;    /* events between checkpoints */
    int64_t last_restored;  /* the event of the checkpoint the replay went back to last, -1: none */
    uint64_t start_win;     /* the window the debugged process starts in */

    struct tl_pos marks[TL_MAX_MARKS];
    int nmarks;
};

/* timeline.c: positions, sessions and runs */
bool tl_is_target(struct timeline *tl, struct task *t);   /* a thread of the debugged process */
struct task *tl_task(struct timeline *tl, int32_t rec_tid); /* ... by recorded tid, NULL if not */
struct task *tl_any_task(struct timeline *tl);            /* any of its threads (memory access) */
bool tl_same_regs(const regs_t *a, const regs_t *b);
void tl_fill_pos(struct timeline *tl, struct task *t, struct tl_pos *p, uint64_t n);
bool tl_pos_matches(const struct tl_pos *want, const struct tl_pos *got);
/* GOAL_STEPSCAN/STEPLAST: counts one more arrival of the window's thread at ip. */
uint64_t tl_count_step(struct timeline *tl, uint64_t ip);
bool tl_restart(struct timeline *tl);                 /* paused at the start */
/* paused at the start of window win or earlier (strictly earlier: before) */
bool tl_rewind(struct timeline *tl, uint64_t win, bool before);
void tl_run(struct timeline *tl);                     /* runs the current goal to its pause */
bool tl_goto(struct timeline *tl, const struct tl_pos *p);
bool tl_goto_event(struct timeline *tl, uint64_t event);

/* timeline_events.c: the engine above the replayer and the replayer's hooks */
extern const struct engine_ops tl_engine;
void tl_after_exec(void *self, struct task *t, const struct event *ev);
enum replay_window tl_window(void *self, struct task *t, const struct event *ev);
void tl_idle(void *self);
/* Pauses the run at t's current position (n: its arrival count, 0 unknown). */
void tl_pause_at(struct timeline *tl, struct task *t, enum dbg_stop_kind kind, uint64_t n);
/* t executes one instruction before going on (a syscall instruction: to its exit). */
void tl_step_next(struct timeline *tl, struct task *t);

/* timeline_points.c: breakpoint bytes and watchpoints */
bool tl_is_user_bp(struct timeline *tl, uint64_t addr, enum dbg_bp_kind *kind);
struct tl_inserted *tl_inserted_at(struct timeline *tl, uint64_t addr);
void tl_insert_bp(struct timeline *tl, struct task *t, uint64_t addr);
void tl_remove_bp(struct timeline *tl, struct task *t, uint64_t addr);
void tl_remove_all_bps(struct timeline *tl);
/* every breakpoint the goal needs, except at skip (a thread must step off it first) */
void tl_insert_all_bps(struct timeline *tl, uint64_t skip);
int tl_dr_offset(int i);                              /* of debug register i in struct user */
bool tl_plan_watch_slots(struct timeline *tl);        /* false: watch in software */
bool tl_watching(const struct timeline *tl);          /* the goal wants watchpoints */
void tl_set_debug_regs(struct timeline *tl, struct task *t);
void tl_sw_watch_snapshot(struct timeline *tl, struct task *t);
int tl_sw_watch_check(struct timeline *tl, struct task *t); /* changed watchpoint, -1: none */

/* A thread that has not reached the state a delta recorded after this many
 * arrivals at its ip gets it loaded instead (a safety net: a replay that
 * matches the recording reaches it).  The same bound on every run, by gate or
 * by breakpoint, so every re-execution makes the same choice. */
#define TL_DELTA_ARRIVALS_MAX 400000000ull

/* timeline_gate.c: executing up to a state delta at full speed */
enum tl_gate_stop { GATE_NONE, GATE_MATCH, GATE_BOUND };
/* Opens a gate for t to reach registers want (t is held, not at a syscall
 * entry); false if it cannot be used there (then it is not tried again for
 * the same ip until tl_gate_forget). */
bool tl_gate_open(struct timeline *tl, struct task *t, const regs_t *want);
void tl_gate_place(struct timeline *tl, struct task *t);   /* the jump in place (running) */
void tl_gate_unplace(struct timeline *tl, struct task *t); /* the original bytes back (paused) */
void tl_gate_close(struct timeline *tl, struct task *t);   /* and its page gone */
void tl_gate_forget(struct timeline *tl);                  /* a new replay: no gate, none failed */
bool tl_gate_inside(const struct timeline *tl, uint64_t ip);
/* A SIGTRAP of t at ip: one of the gate's traps?  Then t stands at the
 * recorded ip with the program's registers (the caller closes the gate, or
 * sends t on through the moved instructions if the match is not complete). */
enum tl_gate_stop tl_gate_trapped(struct timeline *tl, struct task *t, uint64_t ip);
/* t stopped inside the gate (an interrupt): moves it out, to where the
 * program's own code continues.  false if it could not. */
bool tl_gate_leave(struct timeline *tl, struct task *t);

/* The addresses where an instruction ending exactly at ip could start (x86
 * cannot be decoded backwards: each is a guess to check), memory writers
 * first; returns how many (at most max). */
int tl_insns_ending_at(struct task *t, uint64_t ip, uint64_t *starts, int max);

/* timeline_ops.c */
void tl_scan_trace(struct timeline *tl);

#endif
