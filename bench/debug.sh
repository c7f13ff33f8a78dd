#!/usr/bin/env bash
# bench/debug.sh: what going backwards costs under `rewind debug`.
#
#   bench/debug.sh
#
# Records bench/debug_loop (one syscall per iteration, BENCH_DEBUG_N
# iterations, default 120000), then measures with gdb in batch mode:
#   - the time to the first gdb prompt (rewind debug starts, gdb connects,
#     reads the binary and libraries from the recording);
#   - from a breakpoint at the end of the run, the latency of a
#     reverse-continue to a breakpoint 1, 1,000 and 100,000 events back.
# Medians over BENCH_REPS runs (default 5).  REWIND: the binary under test.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
REWIND=${REWIND:-$ROOT/build/rewind}
REPS=${BENCH_REPS:-5}
N=${BENCH_DEBUG_N:-120000}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cc -g -O0 -o "$T/debug_loop" "$ROOT/bench/debug_loop.c" || exit 1
"$REWIND" record -o "$T/trace" "$T/debug_loop" "$N" || exit 1
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

# Prints the milliseconds gdb spent in one reverse-continue to MARKER.
reverse_to() {
    cat >"$T/rc.gdb" <<GDB
break at_end
continue
break $1
python import time; t0 = time.time()
reverse-continue
python print("RC_MS %d" % ((time.time() - t0) * 1000))
print i
GDB
    "$REWIND" debug "$T/trace" -- -batch -x "$T/rc.gdb" >"$T/rc.out" 2>&1
    if ! grep -q "^Breakpoint 2, $1" "$T/rc.out"; then
        echo "reverse-continue to $1: FAILED" >&2
        cat "$T/rc.out" >&2
        echo -1
        return
    fi
    sed -n 's/^RC_MS //p' "$T/rc.out"
}

echo "recording: $events events"
fp=$(for _ in $(seq "$REPS"); do first_prompt; done | median)
echo "time to the first gdb prompt: ${fp} ms (median of $REPS)"
for m in marker_1 marker_1k marker_100k; do
    ms=$(for _ in $(seq "$REPS"); do reverse_to $m; done | median)
    echo "reverse-continue to $m: ${ms} ms (median of $REPS)"
done
