/* test_engine — the engine stack's defined order and outcomes, on a real tracee:
 *   - entries go down the stack in order, exits come back up in reverse;
 *   - an engine that emulates a syscall hides it from the engines below and from
 *     the kernel, and the engines above see its result;
 *   - an engine can rewrite arguments for the engines below and the kernel;
 *   - an engine can rewrite the result the program sees;
 *   - a signal can be suppressed by one engine, and ENG_STOP hides it from later ones.
 * The tracee is /bin/sh running builtins, so the checks are about what the
 * program really saw (its output), not just what the engines logged. */
#include "engine/engine.h"
#include "util/util.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int failures;
#define CHECK(cond, what)                                                   \
    do {                                                                    \
        if (cond)                                                           \
            printf("ok   %s\n", what);                                      \
        else {                                                              \
            printf("FAIL %s\n", what);                                      \
            failures++;                                                     \
        }                                                                   \
    } while (0)

/* Each test engine logs what it saw into a shared string. */
static char journal[65536];
static void note(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t n = strlen(journal);
    vsnprintf(journal + n, sizeof journal - n, fmt, ap);
    va_end(ap);
}

struct test_engine {
    const char *name;
    long emulate_nr;      /* emulate this syscall ... */
    int64_t emulate_ret;  /* ... with this result */
    long rewrite_nr;      /* at exit of this syscall ... */
    int64_t rewrite_ret;  /* ... replace the result */
    int suppress_sig;     /* suppress this signal and stop the event */
    long watch_nr;        /* log entries/exits of this syscall */
    long redirect_write;  /* rewrite write()'s fd argument from 1 to this, if > 0 */
};

static enum eng_verdict te_entry(void *self, struct eng_ctx *c)
{
    struct test_engine *e = self;
    if (c->nr == e->watch_nr)
        note("%s:entry ", e->name);
    if (c->nr == SYS_write && e->redirect_write > 0 && c->args[0] == 1) {
        regs_t r = *task_regs(c->task);
        regs_set_arg(&r, 0, (uint64_t)e->redirect_write);
        task_set_regs(c->task, &r);
    }
    if (c->nr == e->emulate_nr) {
        ctx_emulate(c, e->emulate_ret);
        return ENG_STOP;
    }
    return ENG_PASS;
}

static void te_exit(void *self, struct eng_ctx *c)
{
    struct test_engine *e = self;
    if (c->nr == e->watch_nr)
        note("%s:exit=%ld ", e->name, (long)c->ret);
    if (c->nr == e->rewrite_nr)
        ctx_set_result(c, e->rewrite_ret);
}

static enum eng_verdict te_signal(void *self, struct eng_ctx *c)
{
    struct test_engine *e = self;
    note("%s:signal=%d ", e->name, c->sig);
    if (c->sig == e->suppress_sig) {
        c->sig = 0;
        return ENG_STOP;
    }
    return ENG_PASS;
}

static const struct engine_ops te_ops = {
    .name = "test", .syscall_entry = te_entry, .syscall_exit = te_exit, .signal = te_signal,
};

/* Runs sh -c SCRIPT under the given engines; returns its stdout. */
static char *run(const char *script, struct test_engine *engines, int n, int *status)
{
    char out[] = "/tmp/rewind-test-engine-XXXXXX";
    int fd = mkstemp(out);
    int saved = dup(1);
    dup2(fd, 1);
    char *argv[] = {"/bin/sh", "-c", (char *)script, NULL};
    extern char **environ;
    int err;
    struct task *t = task_spawn(argv, environ, NULL, NULL, &err);
    dup2(saved, 1);
    close(saved);
    struct tracer tr;
    tracer_init(&tr);
    for (int i = 0; i < n; i++)
        tracer_attach(&tr, &te_ops, &engines[i]);
    tracer_add_task(&tr, t);
    *status = tracer_run(&tr);
    char *text = read_file(out, NULL);
    close(fd);
    unlink(out);
    return text;
}

int main(void)
{
    int st;
    /* 1. order: entry 0,1,2 ; exit 2,1,0 */
    struct test_engine order[3] = {
        {.name = "A", .watch_nr = SYS_getppid, .emulate_nr = -2, .rewrite_nr = -2, .suppress_sig = -1},
        {.name = "B", .watch_nr = SYS_getppid, .emulate_nr = -2, .rewrite_nr = -2, .suppress_sig = -1},
        {.name = "C", .watch_nr = SYS_getppid, .emulate_nr = -2, .rewrite_nr = -2, .suppress_sig = -1},
    };
    journal[0] = 0;
    free(run("echo $PPID >/dev/null", order, 3, &st));
    /* dash reads its parent's pid with getppid() once at startup */
    char expect[256];
    snprintf(expect, sizeof expect, "A:entry B:entry C:entry C:exit=%d B:exit=%d A:exit=%d ", getpid(), getpid(),
             getpid());
    CHECK(strstr(journal, expect) != NULL, "entries go down the stack, exits come back up");

    /* 2. emulation: B answers getppid with 4242; C never sees it; A sees 4242; so does the program */
    struct test_engine emu[3] = {
        {.name = "A", .watch_nr = SYS_getppid, .emulate_nr = -2, .rewrite_nr = -2, .suppress_sig = -1},
        {.name = "B", .watch_nr = SYS_getppid, .emulate_nr = SYS_getppid, .emulate_ret = 4242, .rewrite_nr = -2,
         .suppress_sig = -1},
        {.name = "C", .watch_nr = SYS_getppid, .emulate_nr = -2, .rewrite_nr = -2, .suppress_sig = -1},
    };
    journal[0] = 0;
    char *out = run("echo $PPID", emu, 3, &st);
    CHECK(strstr(journal, "A:entry B:entry B:exit=4242 A:exit=4242 ") != NULL,
          "an emulated syscall is answered by its engine and seen by the ones above");
    CHECK(strstr(journal, "C:") == NULL, "the engines below an emulating engine never see the call");
    CHECK(out && !strcmp(out, "4242\n"), "the program sees the emulated result");
    free(out);

    /* 3. result rewriting: C (innermost) sees the kernel's value, A rewrites it for the program */
    struct test_engine rw[2] = {
        {.name = "A", .watch_nr = SYS_getppid, .emulate_nr = -2, .rewrite_nr = SYS_getppid, .rewrite_ret = 7,
         .suppress_sig = -1},
        {.name = "C", .watch_nr = SYS_getppid, .emulate_nr = -2, .rewrite_nr = -2, .suppress_sig = -1},
    };
    journal[0] = 0;
    out = run("echo $PPID", rw, 2, &st);
    snprintf(expect, sizeof expect, "C:exit=%d A:exit=%d ", getpid(), getpid());
    CHECK(strstr(journal, expect) != NULL, "inner engines see the kernel's result first");
    CHECK(out && !strcmp(out, "7\n"), "an outer engine's rewritten result reaches the program");
    free(out);

    /* 4. signals: A suppresses SIGUSR1 and stops the event: B never sees it, the shell survives */
    struct test_engine sig[2] = {
        {.name = "A", .watch_nr = -2, .emulate_nr = -2, .rewrite_nr = -2, .suppress_sig = SIGUSR1},
        {.name = "B", .watch_nr = -2, .emulate_nr = -2, .rewrite_nr = -2, .suppress_sig = -1},
    };
    journal[0] = 0;
    out = run("kill -USR1 $$; echo survived", sig, 2, &st);
    snprintf(expect, sizeof expect, "A:signal=%d ", SIGUSR1);
    CHECK(strstr(journal, expect) != NULL, "the first engine sees the signal");
    snprintf(expect, sizeof expect, "B:signal=%d ", SIGUSR1);
    CHECK(strstr(journal, expect) == NULL, "ENG_STOP hides the signal from later engines");
    CHECK(out && !strcmp(out, "survived\n") && WIFEXITED(st) && WEXITSTATUS(st) == 0,
          "a suppressed signal is not delivered");
    free(out);

    /* 5. and without suppression it is delivered: SIGUSR1's default action kills */
    struct test_engine pass[1] = {
        {.name = "A", .watch_nr = -2, .emulate_nr = -2, .rewrite_nr = -2, .suppress_sig = -1},
    };
    out = run("kill -USR1 $$; echo survived", pass, 1, &st);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGUSR1, "a passed signal is delivered");
    free(out);

    /* 6. argument rewriting: A sends stdout writes to /dev/null (opened as fd 9) */
    struct test_engine redirect[1] = {
        {.name = "A", .watch_nr = -2, .emulate_nr = -2, .rewrite_nr = -2, .suppress_sig = -1, .redirect_write = 9},
    };
    out = run("exec 9>/dev/null; echo hello; echo done >&9", redirect, 1, &st);
    CHECK(out && !strcmp(out, ""), "rewritten arguments reach the kernel");
    free(out);

    printf("%s\n", failures ? "test_engine: FAILED" : "test_engine: all checks passed");
    return failures ? 1 : 0;
}
