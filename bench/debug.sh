#!/usr/bin/env bash
# bench/debug.sh: what going backwards costs under `rewind debug`.
#
#   bench/debug.sh
#
# Records bench/debug_loop (one syscall per iteration, BENCH_DEBUG_N
# iterations, default 120000) twice: alone, and as a tree (a helper thread
# and a child process waiting all along: two processes, three threads).
# Then measures with gdb in batch mode:
#   - the time to the first gdb prompt (rewind debug starts, gdb connects,
#     reads the binary and libraries from the recording);
#   - from a breakpoint at the end of the run, the latency of a
#     reverse-continue to a breakpoint 1, 1,000 and 100,000 events back, for
#     both recordings, with the default checkpoints and with none;
#   - tests/progs/dbg_spin recorded with 2 ms slices (two threads preempted
#     dozens of times mid-loop): a session that stops at every milestone()
#     call, executing every preempted computation up to its recorded state,
#     against the native run of the program.
# Medians over BENCH_REPS runs (default 5).  REWIND: the binary under test.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
REWIND=${REWIND:-$ROOT/build/rewind}
REPS=${BENCH_REPS:-5}
N=${BENCH_DEBUG_N:-120000}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cc -g -O0 -o "$T/debug_loop" "$ROOT/bench/debug_loop.c" || exit 1
"$REWIND" record -o "$T/trace" "$T/debug_loop" "$N" >/dev/null || exit 1
"$REWIND" record -o "$T/tree" "$T/debug_loop" "$N" tree >/dev/null || exit 1
events=$("$REWIND" dump "$T/trace" | wc -l)

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

first_prompt() {
    local t0 t1
    t0=$(now_ms)
    "$REWIND" debug "$T/trace" -- -batch -ex 'info registers rip' >/dev/null 2>&1 || echo "first prompt: FAILED" >&2
    t1=$(now_ms)
    echo $((t1 - t0))
}

# reverse_to MARKER TRACE [DEBUG-OPTIONS...]: prints the milliseconds gdb
# spent in one reverse-continue to MARKER.
reverse_to() {
    local marker=$1 trace=$2
    shift 2
    cat >"$T/rc.gdb" <<GDB
break at_end
continue
break $marker
python import time; t0 = time.time()
reverse-continue
python print("RC_MS %d" % ((time.time() - t0) * 1000))
print i
GDB
    "$REWIND" debug "$trace" "$@" -- -batch -x "$T/rc.gdb" >"$T/rc.out" 2>&1
    if ! grep -q -E "^(Thread 1 hit )?Breakpoint 2, $marker" "$T/rc.out"; then
        echo "reverse-continue to $marker: FAILED" >&2
        cat "$T/rc.out" >&2
        echo -1
        return
    fi
    sed -n 's/^RC_MS //p' "$T/rc.out"
}

echo "recording: $events events"
fp=$(for _ in $(seq "$REPS"); do first_prompt; done | median)
echo "time to the first gdb prompt: ${fp} ms (median of $REPS)"
for rec in trace tree; do
    for ck in default none; do
        opts=()
        [ $ck = none ] && opts=(--checkpoint-interval 0)
        for m in marker_1 marker_1k marker_100k; do
            ms=$(for _ in $(seq "$REPS"); do reverse_to $m "$T/$rec" "${opts[@]}"; done | median)
            echo "$rec, checkpoints $ck: reverse-continue to $m: ${ms} ms (median of $REPS)"
        done
    done
done

# Preempted computations: every milestone() call, forwards.
cc -g -O0 -pthread -o "$T/dbg_spin" "$ROOT/tests/progs/dbg_spin.c" || exit 1
"$REWIND" record --slice 2 -o "$T/spin" "$T/dbg_spin" >/dev/null || exit 1
deltas=$("$REWIND" dump "$T/spin" | grep -c -- '--- preempted at ')
cat >"$T/spin.gdb" <<'GDB'
break milestone
commands
silent
continue
end
python import time; t0 = time.time()
continue
python print("SPIN_MS %d" % ((time.time() - t0) * 1000))
GDB
spin_ms=$(for _ in $(seq "$REPS"); do
    "$REWIND" debug "$T/spin" -- -batch -x "$T/spin.gdb" 2>&1 | sed -n 's/^SPIN_MS //p'
done | median)
native_ms=$(for _ in $(seq "$REPS"); do
    t0=$(now_ms); "$T/dbg_spin" >/dev/null; t1=$(now_ms); echo $((t1 - t0))
done | median)
echo "dbg_spin ($deltas preemptions): continue through every milestone: ${spin_ms} ms; native run: ${native_ms} ms (medians of $REPS)"
