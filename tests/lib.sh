# shellcheck shell=bash disable=SC2034,SC2002,SC2059
# tests/lib.sh: helpers for rewind's end-to-end tests.
#
# tests/run.sh runs every test in its own bash process, which sources this
# file and tests/cases/*.sh, then calls the test's function t_NAME with:
#   REWIND   absolute path of the rewind binary under test
#   ROOT     the repository;  BIN: tests/progs/bin (the test programs)
#   T        the test's private temporary directory (removed afterwards)
#   SCRATCH  $T/scratch, an empty directory the programs may write in
# and the current directory $T/cwd.  A test passes when its function returns;
# it fails with `fail REASON` (or any helper below failing), and is skipped
# with `skip REASON`.
#
# Assumptions about rewind beyond the CLI contract (the issue text).  They are
# few on purpose; if rewind's output differs, change them here:
#  A1 `record -o DIR` is always given a DIR that does not exist yet.
#  A2 rewind's own messages are lines on stderr starting with "rewind:".  Such
#     lines are dropped before a program's stderr from record and replay is
#     compared.  On success record and replay print nothing of their own
#     (checked once, by cli_quiet).
#  A3 A trace directory holds the files `header`, `events` and `data`; header
#     is text whose first line is "rewind-trace 1".
#  A4 dump is strace-like: a write shows as `write(1, "hello...`, an open as
#     `openat(AT_FDCWD, "/etc/passwd", O_RDONLY|O_CLOEXEC) = 3`, the tid is
#     printed in decimal, and there are lines containing "exec" and "exit".
#  A5 dump --json: every non-empty line of stdout is one JSON object.
#  A6 A truncated trace (a killed recorder, a cut file): replay exits 125 with
#     a "rewind: " message; dump prints the events before the cut and a
#     "rewind: " message, exiting 0 or 125.  A corrupt one (flipped bytes in
#     events or data): replay and dump exit 125.  Flips inside the header's
#     free text may go unnoticed, so there we only demand no crash.
#  A7 The recorder writes out complete chunks at least every second or so:
#     a recorder SIGKILLed after 1.5 s has left some events behind.
#  A8 The message for a wrong-version header contains the word "version".
#  A9 Replaying a program that slept 2 s takes less than 1 s.
#  A10 Usage errors (unknown subcommand or option) exit non-zero, below 125.

CMD_TIMEOUT=${REWIND_TEST_CMD_TIMEOUT:-30}   # seconds for one rewind command
LAST_ERR=           # stderr file whose tail a failure report shows
RR_N=0              # recordings made so far in this test
BG_PIDS=()          # background helpers (servers) to stop at the end

# ---- outcome ---------------------------------------------------------------

fail()
{
    printf '%s\n' "$*" >"$T/.reason"
    if [ -n "$LAST_ERR" ] && [ -s "$LAST_ERR" ]; then
        {
            echo "--- last lines of ${LAST_ERR#"$T"/}:"
            tail -n 12 "$LAST_ERR" | cut -c1-300 | cat -v
        } >>"$T/.details"
    fi
    exit 1
}

skip()
{
    printf '%s\n' "$*" >"$T/.reason"
    exit 77
}

# Extra lines for the failure report (read from stdin).
details() { cat >>"$T/.details"; }

# note TEXT: printed under the test's result line, even when it passes.
note() { printf '%s\n' "$*" >>"$T/.notes"; }

# The tail of this file is shown if the test fails.
watch_err() { LAST_ERR=$1; }

# ---- running rewind --------------------------------------------------------

# rw ARGS...: runs $REWIND ARGS under a timeout; the caller redirects.
# (--foreground keeps it in the test's process group, so the per-test
# timeout of run.sh reaches it too.)
rw()
{
    timeout --foreground -k 5 "$CMD_TIMEOUT" "$REWIND" "$@"
}

# The environment of the second replay: as small as possible, and different
# from the recording's.  Sanitizer settings are kept for ASan builds.
minimal_env()
{
    MIN_ENV=(PATH=/usr/bin:/bin HOME="$T/elsewhere" REWIND_TEST_VAR=not-the-recorded-value)
    local v
    for v in ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS; do
        if [ -n "${!v-}" ]; then MIN_ENV+=("$v=${!v}"); fi
    done
}

now_ms() { date +%s%3N; }

file_size() { stat -c %s "$1"; }

# ---- checks ----------------------------------------------------------------

# expect_status WHAT ACTUAL EXPECTED...: ACTUAL must be one of EXPECTED.
expect_status()
{
    local what=$1 rc=$2 e
    shift 2
    if [ "$rc" = 124 ]; then fail "$what: timed out after ${CMD_TIMEOUT}s"; fi
    for e in "$@"; do
        if [ "$rc" = "$e" ]; then return 0; fi
    done
    fail "$what: exit status $rc, expected $*"
}

# no_crash WHAT STDERR-FILE: no sign that rewind crashed.
no_crash()
{
    local what=$1
    if grep -a -q -E 'AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|runtime error:|Segmentation fault|core dumped|stack smashing detected|double free|free\(\): invalid|malloc\(\): ' "$2"; then
        watch_err "$2"
        fail "$what: rewind crashed or a sanitizer complained"
    fi
}

# expect_rewind_msg WHAT STDERR-FILE: the first line starts with "rewind: ".
expect_rewind_msg()
{
    local what=$1 f=$2
    watch_err "$f"
    if [ ! -s "$f" ]; then fail "$what: no message on stderr"; fi
    if ! head -n 1 "$f" | grep -a -q '^rewind: '; then
        fail "$what: stderr does not start with 'rewind: '"
    fi
}

# same_bytes WHAT EXPECTED-FILE ACTUAL-FILE
same_bytes()
{
    local what=$1 exp=$2 act=$3
    if cmp -s "$exp" "$act"; then return 0; fi
    {
        echo "--- $what: expected $(file_size "$exp") bytes, got $(file_size "$act")"
        cmp "$exp" "$act" 2>&1 | head -n 1
        diff -a "$exp" "$act" 2>&1 | head -n 20 | cut -c1-200 | cat -v
    } | details
    fail "$what differs from the recording"
}

# assert_grep ERE FILE [WHAT]
assert_grep()
{
    if ! grep -a -q -E -e "$1" "$2"; then
        { echo "--- ${2#"$T"/} (first lines):"; head -n 15 "$2" | cut -c1-200 | cat -v; } | details
        fail "${3:-${2#"$T"/}} has no line matching /$1/"
    fi
}

# assert_no_grep ERE FILE [WHAT]
assert_no_grep()
{
    if grep -a -q -E -e "$1" "$2"; then
        { echo "--- matching lines:"; grep -a -E -e "$1" "$2" | head -n 5 | cat -v; } | details
        fail "${3:-${2#"$T"/}} has a line matching /$1/"
    fi
}

# without_rewind_lines IN OUT: IN minus rewind's own lines (assumption A2).
without_rewind_lines() { grep -a -v '^rewind:' "$1" >"$2" || true; }

# ---- record and replay -----------------------------------------------------

# record [--status N|any] [--stdin FILE | --stdin-pipe FILE] [--stdout-pipe]
#        [--cwd DIR] [--slice MS] [--chaos] -- CMD...
#
# Records CMD into a new trace directory with stdin from FILE (default
# /dev/null; --stdin-pipe feeds FILE through a pipe), stdout and stderr to
# files (--stdout-pipe: stdout through a pipe), in DIR (default $T/cwd), and
# REWIND_TEST_VAR set to a value unique to this recording.  --slice and
# --chaos are passed on to `rewind record`.  The exit status must be N
# (default 0); with `any`, every status but 124 (timeout) and 125 (rewind's
# error) is accepted.  Sets:
#   RR_DIR (trace), RR_OUT / RR_ERR (what the program wrote), RR_STATUS,
#   RR_VAR (REWIND_TEST_VAR's value), RR_CWD, RR_RECORD_MS (time taken).
record()
{
    local status=0 stdin=/dev/null pipe='' outpipe=0 cwd=$T/cwd rc t0 ropts=()
    while [ $# -gt 0 ]; do
        case $1 in
        --status) status=$2; shift 2 ;;
        --slice) ropts+=(--slice "$2"); shift 2 ;;
        --chaos) ropts+=(--chaos); shift ;;
        --stdin) stdin=$2; shift 2 ;;
        --stdin-pipe) pipe=$2; shift 2 ;;
        --stdout-pipe) outpipe=1; shift ;;
        --cwd) cwd=$2; shift 2 ;;
        --) shift; break ;;
        *) fail "record: unknown option $1 (bug in the test)" ;;
        esac
    done
    RR_N=$((RR_N + 1))
    RR_DIR=$T/trace$RR_N
    RR_OUT=$T/rec$RR_N.out
    RR_ERR=$T/rec$RR_N.err
    RR_VAR="recorded-$$-$RANDOM$RANDOM"
    RR_CWD=$cwd
    watch_err "$RR_ERR"
    t0=$(now_ms)
    (
        cd "$cwd" || exit 99
        export REWIND_TEST_VAR="$RR_VAR"
        if [ -n "$pipe" ] && [ $outpipe = 1 ]; then
            cat "$pipe" | rw record "${ropts[@]}" -o "$RR_DIR" -- "$@" 2>"$RR_ERR" | cat >"$RR_OUT"
            exit "${PIPESTATUS[1]}"
        elif [ -n "$pipe" ]; then
            cat "$pipe" | rw record "${ropts[@]}" -o "$RR_DIR" -- "$@" >"$RR_OUT" 2>"$RR_ERR"
        elif [ $outpipe = 1 ]; then
            rw record "${ropts[@]}" -o "$RR_DIR" -- "$@" <"$stdin" 2>"$RR_ERR" | cat >"$RR_OUT"
            exit "${PIPESTATUS[0]}"
        else
            rw record "${ropts[@]}" -o "$RR_DIR" -- "$@" <"$stdin" >"$RR_OUT" 2>"$RR_ERR"
        fi
    )
    rc=$?
    RR_RECORD_MS=$(($(now_ms) - t0))
    RR_STATUS=$rc
    no_crash "record" "$RR_ERR"
    if [ "$status" = any ]; then
        if [ "$rc" = 124 ] || [ "$rc" = 125 ]; then
            expect_status "record of ${1##*/}" "$rc" "any but 124 and 125"
        fi
    else
        expect_status "record of ${1##*/}" "$rc" "$status"
    fi
    if [ ! -d "$RR_DIR" ]; then fail "record did not create the trace directory"; fi
}

# replay_check [--keep-scratch]
#
# Replays the last recording three times and compares each with it:
#  1. `replay DIR` from the recording's cwd: stdout byte for byte, stderr
#     (without rewind: lines) byte for byte, and the exit status;
#  2. the same from another directory under `env -i` with a minimal, different
#     environment, and with stdin closed;
#  3. `replay -q DIR`: no output from the program, same exit status.
# Unless --keep-scratch, $SCRATCH is deleted before replaying and must not
# come back: replay must not redo the program's file system changes.
replay_check()
{
    local keep=0 rc i
    if [ "${1-}" = --keep-scratch ]; then keep=1; fi
    if [ $keep = 0 ]; then rm -rf "$SCRATCH"; fi
    without_rewind_lines "$RR_ERR" "$T/rec$RR_N.err.prog"
    mkdir -p "$T/elsewhere"
    minimal_env
    for i in 1 2; do
        local out=$T/rep$RR_N.$i.out err=$T/rep$RR_N.$i.err
        watch_err "$err"
        if [ $i = 1 ]; then
            (cd "$RR_CWD" && rw replay "$RR_DIR" </dev/null >"$out" 2>"$err")
        else
            (cd "$T/elsewhere" && env -i "${MIN_ENV[@]}" timeout --foreground -k 5 "$CMD_TIMEOUT" \
                "$REWIND" replay "$RR_DIR" <&- >"$out" 2>"$err")
        fi
        rc=$?
        no_crash "replay $i" "$err"
        expect_status "replay $i" "$rc" "$RR_STATUS"
        same_bytes "replay $i stdout" "$RR_OUT" "$out"
        without_rewind_lines "$err" "$err.prog"
        same_bytes "replay $i stderr" "$T/rec$RR_N.err.prog" "$err.prog"
    done
    watch_err "$T/rep$RR_N.q.err"
    (cd "$RR_CWD" && rw replay -q "$RR_DIR" </dev/null >"$T/rep$RR_N.q.out" 2>"$T/rep$RR_N.q.err")
    rc=$?
    no_crash "replay -q" "$T/rep$RR_N.q.err"
    expect_status "replay -q" "$rc" "$RR_STATUS"
    if [ -s "$T/rep$RR_N.q.out" ]; then fail "replay -q wrote to stdout"; fi
    without_rewind_lines "$T/rep$RR_N.q.err" "$T/rep$RR_N.q.err.prog"
    if [ -s "$T/rep$RR_N.q.err.prog" ]; then fail "replay -q wrote the program's stderr"; fi
    if [ $keep = 0 ] && [ -e "$SCRATCH" ]; then
        fail "replay re-created $SCRATCH: it redid the program's file changes"
    fi
    watch_err ""
}

# record_replay [--before-replay CODE] [--keep-scratch] [record options] -- CMD...
#
# record, then eval CODE (to change or delete the program's inputs), then
# replay_check.  RR_* stay set for further checks.
record_replay()
{
    local before='' keep='' opts=()
    while [ $# -gt 0 ]; do
        case $1 in
        --before-replay) before=$2; shift 2 ;;
        --keep-scratch) keep=--keep-scratch; shift ;;
        --status | --stdin | --stdin-pipe | --cwd | --slice) opts+=("$1" "$2"); shift 2 ;;
        --stdout-pipe | --chaos) opts+=("$1"); shift ;;
        --) break ;;
        *) fail "record_replay: unknown option $1 (bug in the test)" ;;
        esac
    done
    record "${opts[@]}" "$@"
    if [ -n "$before" ]; then eval "$before"; fi
    replay_check $keep
}

# replay_more N: N more replays of the last recording, from its cwd, each
# compared with it like replay 1 of replay_check (stdout, stderr without
# rewind: lines, exit status).  Stops at the first difference, saying which
# replay it was.
replay_more()
{
    local n=$1 i rc out err
    without_rewind_lines "$RR_ERR" "$T/rec$RR_N.err.prog"
    for ((i = 1; i <= n; i++)); do
        out=$T/more$RR_N.out err=$T/more$RR_N.err
        watch_err "$err"
        (cd "$RR_CWD" && rw replay "$RR_DIR" </dev/null >"$out" 2>"$err")
        rc=$?
        no_crash "extra replay $i of $n" "$err"
        expect_status "extra replay $i of $n" "$rc" "$RR_STATUS"
        same_bytes "extra replay $i of $n: stdout" "$RR_OUT" "$out"
        without_rewind_lines "$err" "$err.prog"
        same_bytes "extra replay $i of $n: stderr" "$T/rec$RR_N.err.prog" "$err.prog"
    done
    watch_err ""
}

# record_replay_n N [record_replay options] -- CMD...
#
# record_replay (three replays), then replay_more until the recording has
# been replayed N times in all.
record_replay_n()
{
    local n=$1
    shift
    record_replay "$@"
    if [ "$n" -gt 3 ]; then replay_more $((n - 3)); fi
}

# record_replay_many [record_replay options] -- CMD...
#
# For the small test programs of the thread and process-tree tests:
# record_replay_n with N = $REWIND_TEST_REPLAYS (default 20), each rewind
# command limited to 15 s (they take well under one; a hung replay should not
# hold the test for long).
record_replay_many()
{
    if [ "$CMD_TIMEOUT" -gt 15 ]; then CMD_TIMEOUT=15; fi
    record_replay_n "${REWIND_TEST_REPLAYS:-20}" "$@"
}

# ---- background helpers ----------------------------------------------------

# start_bg CMD...: runs CMD natively in the background (output to a log);
# it is stopped by stop_bg or at the end of the test.
start_bg()
{
    "$@" >"$T/bg${#BG_PIDS[@]}.log" 2>&1 </dev/null &
    BG_PIDS+=($!)
}

stop_bg()
{
    local p
    for p in "${BG_PIDS[@]}"; do
        kill "$p" 2>/dev/null
        wait "$p" 2>/dev/null
    done
    BG_PIDS=()
}

# wait_for_file FILE [SECONDS]
wait_for_file()
{
    local i
    for ((i = 0; i < ${2:-10} * 20; i++)); do
        if [ -s "$1" ]; then return 0; fi
        sleep 0.05
    done
    fail "timed out waiting for $1"
}

# ---- damaging traces -------------------------------------------------------

# flip_byte FILE OFFSET [MASK]: XORs one byte (default mask 0xff).
flip_byte()
{
    local f=$1 off=$2 mask=${3:-255} b
    b=$(od -An -tu1 -j "$off" -N 1 "$f" | tr -d ' ')
    if [ -z "$b" ]; then fail "flip_byte: $f has no byte at $off"; fi
    printf "\\$(printf '%03o' $((b ^ mask)))" |
        dd of="$f" bs=1 seek="$off" conv=notrunc status=none
}

# copy_trace SRC DST
copy_trace() { rm -rf "$2" && cp -a "$1" "$2"; }
