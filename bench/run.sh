#!/usr/bin/env bash
# bench/run.sh: how much slower a program runs under `rewind record` and
# `rewind replay` than on its own, and how big its recording is.
#
#   bench/run.sh            (or `make bench`, which builds rewind first)
#
# Environment:
#   BENCH_REPS       repetitions of each measurement (default 5)
#   BENCH_OUT        also append the results, as markdown, to this file
#   BENCH_KEEP=1     keep the temporary directory (traces, outputs)
#   BENCH_FIND_TREE  the tree the find workloads walk (default /usr/share/doc)
#   BENCH_LOOP_N     getppid() calls made by the syscall-loop workload (default 20000)
#   BENCH_PIPE_N     numbers sorted by the pipeline workload (default 800000)
#   BENCH_ONLY       run only the workloads whose name matches this regular
#                    expression (bash =~), e.g. 'make|pipeline'
#   BENCH_CPU        pin the whole benchmark (native runs, rewind and the
#                    programs it runs) to this CPU; default: not pinned
#   BENCH_TIMEOUT    seconds after which one run is killed (default 120)
#   REWIND           the binary under test (default build/rewind)
#   BENCH_COMMIT     what to call that binary in the report (default: the
#                    repository's `git rev-parse --short HEAD`, plus "with
#                    uncommitted changes in src/" when `git status` says so)
#
# For each workload the repetitions are interleaved (native, record, replay,
# native, record, replay, ...) so that noise on a shared machine hits the
# three alike; the table gives the median wall time of each.  Every run is
# checked: the recording must exit like the native run and print the same
# standard output, each replay must exit with the recorded status, and one
# extra (untimed, not quiet) replay must print the native output again.  Any
# difference is shown as FAILED or MISMATCH in the table, explained below it,
# and makes the script exit with status 1.
#
# The first workloads are single-process and single-threaded (from the time
# rewind recorded one process only; hence /usr/bin/python3: a pyenv shim on
# PATH would fork).  The last four record process trees and threads: make -j2
# of a small generated C project, a shell pipeline, xz with two threads and
# bench/threads_cpu.c, two threads computing without system calls, which
# rewind must preempt.  For every workload a second table gives, from the last
# recording: the processes (`rewind ps`), the threads, the thread switches
# inside system calls, and the state deltas (preemptions and asynchronous
# signals) with their average size.
set -u

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH_DIR")
REWIND=${REWIND:-$ROOT/build/rewind}
case $REWIND in
/*) ;;
*) REWIND=$PWD/$REWIND ;;
esac
REPS=${BENCH_REPS:-5}
OUT=${BENCH_OUT:-}
FIND_TREE=${BENCH_FIND_TREE:-/usr/share/doc}
LOOP_N=${BENCH_LOOP_N:-20000}
PIPE_N=${BENCH_PIPE_N:-800000}
ONLY=${BENCH_ONLY:-}
TIMEOUT=${BENCH_TIMEOUT:-120}
PYTHON=/usr/bin/python3
SQLITE=/usr/bin/sqlite3

die() { echo "bench: $*" >&2; exit 2; }
[[ $REPS =~ ^[1-9][0-9]*$ ]] || die "BENCH_REPS must be a positive integer (got '$REPS')"
[[ $LOOP_N =~ ^[1-9][0-9]*$ ]] || die "BENCH_LOOP_N must be a positive integer (got '$LOOP_N')"
[[ $PIPE_N =~ ^[1-9][0-9]*$ ]] || die "BENCH_PIPE_N must be a positive integer (got '$PIPE_N')"
[[ $TIMEOUT =~ ^[1-9][0-9]*$ ]] || die "BENCH_TIMEOUT must be a positive integer (got '$TIMEOUT')"
[[ -x $REWIND ]] || die "$REWIND not found: run make (or make bench) first"
[[ -d $FIND_TREE ]] || die "BENCH_FIND_TREE $FIND_TREE is not a directory"
for p in "$PYTHON" "$SQLITE"; do
    [[ -x $p ]] || die "$p is needed"
done
for p in cc make xz seq sort uniq wc; do
    command -v "$p" >/dev/null || die "$p is needed (on PATH)"
done
CPU=${BENCH_CPU:-}
if [[ -n $CPU ]]; then
    # rewind (since ed43081) binds itself and the programs it records or
    # replays to the CPU it starts on; pinning also gives the native runs that
    # one CPU, so that multi-threaded workloads compare like with like.
    taskset -pc "$CPU" $$ >/dev/null || die "cannot pin to CPU $CPU (taskset)"
fi
[[ -n ${EPOCHREALTIME:-} ]] || die "bash 5 or later is needed (EPOCHREALTIME)"
if [[ -n $OUT ]]; then
    case $OUT in /*) ;; *) OUT=$PWD/$OUT ;; esac
    touch "$OUT" 2>/dev/null || die "cannot write BENCH_OUT $OUT"
fi

TMP=$(mktemp -d "${TMPDIR:-/tmp}/rewind-bench.XXXXXX") || die "mktemp failed"
if [[ ${BENCH_KEEP:-0} == 1 ]]; then
    trap 'echo "bench: kept $TMP" >&2' EXIT
else
    trap 'rm -rf "$TMP"' EXIT
fi
export REWIND_DIR=$TMP/default-dir   # a recording without -o never lands in ~

# The source the binary was (presumably) built from, noted before the run.
# BENCH_COMMIT replaces it when the binary was built elsewhere (a clean export).
commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')
[[ -z $(git -C "$ROOT" status --porcelain -- src 2>/dev/null) ]] || commit+=" with uncommitted changes in src/"
commit=${BENCH_COMMIT:-$commit}

# Run a private copy of the binary (and the replay stub it looks for next to
# itself), so that a rebuild of build/ during the run cannot disturb it.
if [[ -x $(dirname "$REWIND")/rewind-stub ]]; then
    mkdir -p "$TMP/bin"
    cp "$REWIND" "$TMP/bin/rewind" && cp "$(dirname "$REWIND")/rewind-stub" "$TMP/bin/rewind-stub" ||
        die "cannot copy $REWIND"
    REWIND=$TMP/bin/rewind
fi

cc -O2 -o "$TMP/syscall_loop" "$BENCH_DIR/syscall_loop.c" || die "cannot compile bench/syscall_loop.c"
cc -O2 -pthread -o "$TMP/threads_cpu" "$BENCH_DIR/threads_cpu.c" || die "cannot compile bench/threads_cpu.c"

# The project built by the make workload: main.c and five files with one
# small function each, linked into one program, every file compiled with -O1.
mkdir -p "$TMP/proj" || die "cannot create $TMP/proj"
for n in 1 2 3 4 5; do
    cat >"$TMP/proj/f$n.c" <<EOF
int f$n(int x)
{
    int s = $n;
    for (int k = 0; k < x; k++)
        s = s * 31 + (k ^ $n);
    return s;
}
EOF
done
cat >"$TMP/proj/main.c" <<'EOF'
#include <stdio.h>
int f1(int), f2(int), f3(int), f4(int), f5(int);
int main(void)
{
    printf("%d\n", f1(10) + f2(20) + f3(30) + f4(40) + f5(50));
    return 0;
}
EOF
tab=$'\t'
cat >"$TMP/proj/Makefile" <<EOF
OBJS = main.o f1.o f2.o f3.o f4.o f5.o
prog: \$(OBJS)
${tab}cc -O1 -o \$@ \$(OBJS)
%.o: %.c
${tab}cc -O1 -c -o \$@ \$<
clean:
${tab}rm -f prog \$(OBJS)
EOF

# The xz input: 64 segments of 48 KiB of (seeded) random bytes in base64, each
# written twice in a row: 8.5 MB, half of it repeated text, half base64 that
# compresses to about 3/4.  The same bytes in every benchmark run.
"$PYTHON" - "$TMP/xz.in" <<'EOF' || die "cannot write the xz input"
import base64, random, sys
rng = random.Random(1)
with open(sys.argv[1], "wb") as f:
    for _ in range(64):
        seg = base64.encodebytes(rng.randbytes(48 * 1024))
        f.write(seg)
        f.write(seg)
EOF

# ---------------------------------------------------------------- workloads
# add NAME STDIN ENV SETUP -- COMMAND...
#   ENV    shell code run in the program's subshell before exec (locale etc.)
#   SETUP  shell code run before every run, outside the timed region
#   sets ADDED to 0 when BENCH_ONLY leaves the workload out, else to 1
W_NAME=() W_STDIN=() W_ENV=() W_SETUP=() W_CMD=() W_SHOW=() W_TRACE=()
# an argument as a reader would type it: bare, or in single quotes
shell_word()
{
    if [[ $1 =~ ^[A-Za-z0-9_./:=,+%@-]+$ ]]; then
        printf '%s' "$1"
    else
        printf "'%s'" "${1//\'/\'\\\'\'}"
    fi
}
add()
{
    local name=$1 stdin=$2 env=$3 setup=$4
    shift 5
    ADDED=0
    [[ -n $ONLY && ! $name =~ $ONLY ]] && return
    ADDED=1
    W_NAME+=("$name") W_STDIN+=("$stdin") W_ENV+=("$env") W_SETUP+=("$setup")
    W_CMD+=("$(printf '%q ' "$@")")
    local a show=''
    for a; do
        show+="${show:+ }$(shell_word "$a")"
    done
    W_SHOW+=("$show")
    W_TRACE+=(0)
}

# syscall-heavy: a directory walk, ~3 system calls per directory entry.  With
# the default locale first (C.UTF-8: glibc loads gconv and locale files), then
# with LC_ALL=C, the same walk without the locale files.
add find-utf8 /dev/null 'unset LC_ALL; export LANG=C.UTF-8' '' -- /usr/bin/find "$FIND_TREE" -name '*.gz'
add find-C /dev/null 'export LC_ALL=C' '' -- /usr/bin/find "$FIND_TREE" -name '*.gz'
# CPU-bound: sqlite in memory, a few hundred system calls in all.
add sqlite-cpu "$BENCH_DIR/sqlite_cpu.sql" '' '' -- "$SQLITE" :memory:
# I/O-bound: sqlite on a file with a 64-page cache, thousands of pread/pwrite.
add sqlite-io "$BENCH_DIR/sqlite_io.sql" '' 'rm -f "$TMP/io.db"' -- "$SQLITE" "$TMP/io.db"
# startup-heavy: the interpreter's start (and two imports) only.
add python-pass /dev/null '' '' -- "$PYTHON" -c pass
add python-import /dev/null '' '' -- "$PYTHON" -c 'import json, decimal'
# the cost of one system call: (time(N calls) - time(0 calls)) / N
LOOP_IDX=none LOOP0_IDX=none
add "syscall-loop-$LOOP_N" /dev/null '' '' -- "$TMP/syscall_loop" "$LOOP_N"
((ADDED)) && W_TRACE[${#W_NAME[@]}-1]=1 LOOP_IDX=$(( ${#W_NAME[@]} - 1 ))
add syscall-loop-0 /dev/null '' '' -- "$TMP/syscall_loop" 0
((ADDED)) && W_TRACE[${#W_NAME[@]}-1]=1 LOOP0_IDX=$(( ${#W_NAME[@]} - 1 ))
# Process trees and threads.
# make -j2 of the generated project, cleaned before every run (outside the
# timed region), so every run compiles: make, and per file cc, cc1 and as,
# then cc, collect2 and ld.  Replay recreates no file: only make's standard
# output (the commands it ran) is compared.  The make variables of an outer
# make (`make bench`) are dropped so that the output stays the same.
MAKE_ENV='unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES GNUMAKEFLAGS'
add make-j2 /dev/null "$MAKE_ENV; cd \"\$TMP/proj\"" \
    "($MAKE_ENV; make -s -C \"\$TMP/proj\" clean) >/dev/null 2>&1" -- make -j2
# a shell and four processes connected by pipes
add pipeline /dev/null '' '' -- /bin/sh -c "seq 1 $PIPE_N | sort -r | uniq | wc -l"
# xz with two threads.  With the default block size (3 x the 8 MiB dictionary)
# the 8.5 MB input is one block, compressed by one thread; 2 MiB blocks give
# both threads work.  The compressed output is compared byte for byte.
add xz-T2 /dev/null '' '' -- xz -T2 --block-size=2MiB -c "$TMP/xz.in"
# two threads computing, no system call: rewind must preempt them
add threads-cpu /dev/null '' '' -- "$TMP/threads_cpu"
((${#W_NAME[@]})) || die "BENCH_ONLY '$ONLY' matches no workload"

# ---------------------------------------------------------------- running
# run MODE I OUT ERR: one run of workload I; sets RC and US (wall time in
# microseconds, taken from bash's EPOCHREALTIME: no process is started to
# read the clock).  The trace of workload I is $TMP/trace.I.  A run still
# going after $TIMEOUT seconds is killed (RC 137) and TIMED_OUT is set:
# a watchdog, started once the run has, in every mode alike.
RC=0 US=0 TIMED_OUT=0 TIMEOUTS=0
usec() { local t=${1//[.,]/}; echo $(( 10#$t )); }
watch()
{
    local pid=$1
    ( trap 'kill "$s" 2>/dev/null; wait "$s"; exit 0' TERM
      sleep "$TIMEOUT" & s=$!
      wait "$s" && kill -KILL "$pid" 2>/dev/null && : >"$TMP/timed-out" ) &
    WATCHDOG=$!
}
run()
{
    local mode=$1 i=$2 out=$3 err=$4 t0 t1 pid
    local -a cmd argv
    eval "cmd=(${W_CMD[i]})"
    local env=${W_ENV[i]} stdin=${W_STDIN[i]} trace=$TMP/trace.$i
    [[ -n ${W_SETUP[i]} ]] && eval "${W_SETUP[i]}"
    case $mode in
    native) argv=("${cmd[@]}") ;;
    record) argv=("$REWIND" record -o "$trace" -- "${cmd[@]}"); rm -rf "$trace" ;;
    trace)  argv=("$REWIND" trace -o /dev/null -- "${cmd[@]}") ;;
    replay) argv=("$REWIND" replay -q "$trace"); env='' stdin=/dev/null ;;
    verify) argv=("$REWIND" replay "$trace"); env='' stdin=/dev/null ;;
    esac
    rm -f "$TMP/timed-out"
    t0=$EPOCHREALTIME
    ( eval "$env"; exec "${argv[@]}" ) <"$stdin" >"$out" 2>"$err" &
    pid=$!
    watch "$pid"
    wait "$pid"
    RC=$?
    t1=$EPOCHREALTIME
    kill "$WATCHDOG" 2>/dev/null
    wait "$WATCHDOG" 2>/dev/null
    TIMED_OUT=0
    if [[ -e $TMP/timed-out ]]; then
        TIMED_OUT=1
        ((TIMEOUTS++ == 0)) && NOTES+=("${W_NAME[i]}: a $mode run was killed after ${TIMEOUT} s (BENCH_TIMEOUT)")
    fi
    US=$(( $(usec "$t1") - $(usec "$t0") ))
}

# median of microsecond values, printed in seconds
median()
{
    printf '%s\n' "$@" | sort -n | awk '{v[NR] = $1}
        END { if (NR == 0) { print "nan"; exit }
              m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
              printf "%.4f\n", m / 1e6 }'
}

first_rewind_line() { grep -m1 '^rewind:' "$1" 2>/dev/null || head -n 1 "$1" 2>/dev/null; }

# shown in the notes: how to reproduce a run by hand
show_cmd()
{
    local i=$1 mode=$2 env=${W_ENV[i]} s=''
    [[ -n $env ]] && s="($env; "
    case $mode in
    record) s+="build/rewind record -o TRACE -- ${W_SHOW[i]}" ;;
    native) s+="${W_SHOW[i]}" ;;
    esac
    [[ -n $env ]] && s+=")"
    [[ ${W_STDIN[i]} != /dev/null ]] && s+=" < ${W_STDIN[i]#$ROOT/}"
    printf '%s' "${s//$TMP/\$TMP}"
}

NOTES=()
declare -A RES
any_failed=0
start=$EPOCHREALTIME

for i in "${!W_NAME[@]}"; do
    name=${W_NAME[i]}
    d=$TMP/out.$i
    mkdir -p "$d"
    echo "bench: $name: warm-up" >&2
    run native "$i" "$d/native.ref" "$d/native.ref.err"
    native_rc=$RC
    nat=() rec=() rep=() trc=()
    status=()
    rec_fail=0 rec_mismatch=0 rep_fail=0 nat_mismatch=0 trace_fail=0 TIMEOUTS=0
    for ((r = 1; r <= REPS; r++)); do
        echo "bench: $name: repetition $r/$REPS" >&2
        run native "$i" "$d/native.out" "$d/native.err"
        nat+=("$US")
        if [[ $RC != "$native_rc" ]] || ! cmp -s "$d/native.out" "$d/native.ref"; then
            nat_mismatch=1
        fi
        run record "$i" "$d/record.out" "$d/record.err"
        rec+=("$US")
        if [[ $RC != "$native_rc" ]]; then
            ((rec_fail++ == 0)) && NOTES+=("$name: record exited $RC, the native run $native_rc: \`$(show_cmd "$i" record)\`: $(first_rewind_line "$d/record.err")")
        elif ! cmp -s "$d/record.out" "$d/native.ref"; then
            ((rec_mismatch++ == 0)) && NOTES+=("$name: the recorded run printed something else than the native run (\`$(show_cmd "$i" record)\`)")
        fi
        recorded_rc=$RC
        if [[ ${W_TRACE[i]} == 1 ]]; then
            run trace "$i" "$d/trace.out" "$d/trace.err"
            trc+=("$US")
            [[ $RC == "$native_rc" ]] || trace_fail=1
        fi
        run replay "$i" "$d/replay.out" "$d/replay.err"
        rep+=("$US")
        if [[ $RC != "$recorded_rc" ]]; then
            ((rep_fail++ == 0)) && NOTES+=("$name: \`build/rewind replay -q TRACE\` exited $RC (recorded: $recorded_rc), recorded with \`$(show_cmd "$i" record)\`: $(first_rewind_line "$d/replay.err")")
        fi
    done
    # the replay's output, once, not timed
    rep_mismatch=0
    run verify "$i" "$d/verify.out" "$d/verify.err"
    if ((rep_fail == 0)) && { [[ $RC != "$recorded_rc" ]] || ! cmp -s "$d/verify.out" "$d/native.ref"; }; then
        rep_mismatch=1
        if [[ $RC != "$recorded_rc" ]]; then
            NOTES+=("$name: \`build/rewind replay TRACE\` (not quiet) exited $RC (recorded: $recorded_rc): $(first_rewind_line "$d/verify.err")")
        else
            NOTES+=("$name: \`build/rewind replay TRACE\` printed something else than the native run: $(cmp "$d/native.ref" "$d/verify.out" 2>&1 | head -n 1)")
        fi
    fi
    ((nat_mismatch)) && NOTES+=("$name: the native runs differ from each other (exit status or output): the comparison is meaningless")
    ((trace_fail)) && NOTES+=("$name: \`build/rewind trace\` did not exit like the native run")

    ((TIMEOUTS)) && status+=("TIMEOUT($TIMEOUTS)")
    ((nat_mismatch)) && status+=("NATIVE-UNSTABLE")
    ((rec_fail)) && status+=("RECORD-FAILED($rec_fail/$REPS)")
    ((rec_mismatch)) && status+=("RECORD-MISMATCH($rec_mismatch/$REPS)")
    ((rep_fail)) && status+=("REPLAY-FAILED($rep_fail/$REPS)")
    ((rep_mismatch)) && status+=("REPLAY-MISMATCH")
    if ((${#status[@]})); then
        any_failed=1
        RES[$i,status]=$(IFS=' '; echo "${status[*]}")
    else
        RES[$i,status]=ok
    fi

    RES[$i,nat]=$(median "${nat[@]}")
    RES[$i,rec]=$(median "${rec[@]}")
    RES[$i,rep]=$(median "${rep[@]}")
    ((rep_fail)) && RES[$i,rep]=failed
    RES[$i,trc]=$( ((${#trc[@]})) && median "${trc[@]}" || echo -)
    ((trace_fail)) && RES[$i,trc]=failed
    trace=$TMP/trace.$i
    "$REWIND" dump "$trace" >"$d/dump" 2>/dev/null
    RES[$i,events]=$(wc -l <"$d/dump")
    # the dump's lines are "EVENT TID description"; a state delta is
    # "--- preempted at IP (state delta: registers + N bytes in M ranges) ---"
    # or "--- SIGxxx {...} at IP (async, state delta: registers + N bytes) ---"
    read -r RES[$i,tids] RES[$i,switches] RES[$i,deltas] RES[$i,delta_avg] < <(awk '
        !($2 in tid) { tid[$2] = 1; nt++ }
        / <unfinished \.\.\.> \(thread switch\)$/ { sw++ }
        $3 == "---" && ($4 == "preempted" || / \(async, state delta: /) &&
        match($0, /state delta: registers \+ [0-9]+ bytes/) {
            s = substr($0, RSTART, RLENGTH); gsub(/[^0-9]/, "", s)
            n++; bytes += s
        }
        END { printf "%d %d %d %s\n", nt, sw, n, n ? sprintf("%.0f", bytes / n) : "-" }' "$d/dump")
    "$REWIND" ps "$trace" >"$d/ps" 2>/dev/null
    RES[$i,procs]=$(tail -n +2 "$d/ps" | wc -l)
    RES[$i,pids]=$(tail -n +2 "$d/ps" | awk '{ print $1 }' | sort -u | wc -l)
    RES[$i,du]=$(du -sb "$trace" 2>/dev/null | cut -f1)
    s=0
    for f in events data; do
        [[ -f $trace/$f ]] && s=$(( s + $(stat -c %s "$trace/$f") ))
    done
    RES[$i,streams]=$s
done
elapsed=$(awk -v a="$(usec "$start")" -v b="$(usec "$EPOCHREALTIME")" 'BEGIN { printf "%.0f", (b - a) / 1e6 }')

# ---------------------------------------------------------------- report
cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
machine="$(nproc --all) CPUs, ${cpu:-unknown CPU}, Linux $(uname -r)"
pinning=${CPU:+"everything pinned to CPU $CPU (BENCH_CPU)"}
pinning=${pinning:-"not pinned (rewind binds itself and the programs it runs to the CPU it starts on; native runs use every CPU)"}
version=$("$REWIND" --version 2>/dev/null | head -n 1)
today=$(date -u '+%Y-%m-%d %H:%M UTC')

# one row per workload, tab-separated:
# name native record replay rec/nat rep/nat events traceMB streamsMB MB/s status
rows()
{
    local i
    for i in "${!W_NAME[@]}"; do
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "${W_NAME[i]}" "${RES[$i,nat]}" "${RES[$i,rec]}" \
            "${RES[$i,rep]}" "${RES[$i,events]}" "${RES[$i,du]}" "${RES[$i,streams]}" "${RES[$i,status]}"
    done | awk -F'\t' -v OFS='\t' '{
        nat = $2 + 0; rec = $3 + 0
        rr = nat > 0 ? sprintf("%.2f", rec / nat) : "-"
        pr = ($4 ~ /^[0-9.]+$/ && nat > 0) ? sprintf("%.2f", $4 / nat) : "-"
        mbs = rec > 0 ? sprintf("%.2f", $7 / 1e6 / rec) : "-"
        print $1, $2, $3, $4, rr, pr, $5, sprintf("%.2f", $6 / 1e6), sprintf("%.3f", $7 / 1e6), mbs, $8 }'
}
# columns padded to their widest cell (like column -t, which may be missing)
align()
{
    awk -F'\t' '{ for (c = 1; c <= NF; c++) { cell[NR, c] = $c; if (length($c) > w[c]) w[c] = length($c) }
                   if (NF > nf) nf = NF }
        END { for (r = 1; r <= NR; r++) { line = ""
                  for (c = 1; c <= nf; c++) line = line sprintf(c == nf ? "%s" : (cell[r, c] ~ /^[0-9.]+$/ ? "%" : "%-") w[c] "s  ", cell[r, c])
                  print line } }'
}
HEAD=(workload native_s record_s replay_s record/native replay/native events trace_MB events+data_MB MB/s check)

# the second table: processes, threads and state deltas of the last recording
rows2()
{
    local i
    for i in "${!W_NAME[@]}"; do
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "${W_NAME[i]}" "${RES[$i,procs]}" "${RES[$i,pids]}" \
            "${RES[$i,tids]}" "${RES[$i,switches]}" "${RES[$i,deltas]}" "${RES[$i,delta_avg]}" \
            "${RES[$i,streams]}" "${RES[$i,rec]}" "${RES[$i,status]}"
    done | awk -F'\t' -v OFS='\t' '{
        rec = $9 + 0
        print $1, $2, $3, $4, $5, $6, $7, (rec > 0 ? sprintf("%.2f", $8 / 1e6 / rec) : "-"), $10 }'
}
HEAD2=(workload processes distinct_pids tasks switches state_deltas avg_delta_bytes MB/s check)

# per-call cost of getppid(): (median(N) - median(0)) / N, in microseconds
percall()
{
    local key=$1
    local a=${RES[$LOOP_IDX,$key]:-} b=${RES[$LOOP0_IDX,$key]:-}
    awk -v a="$a" -v b="$b" -v n="$LOOP_N" 'BEGIN {
        if (a !~ /^[0-9.]+$/ || b !~ /^[0-9.]+$/) { print "n/a"; exit }
        printf "%.1f", (a - b) / n * 1e6 }'
}

text_report()
{
    echo
    echo "rewind benchmark: $today, $REPS repetitions, median wall time (seconds)"
    echo "machine: $machine"
    echo "${version:-rewind ?} ($commit); find tree: $FIND_TREE; $pinning; run took ${elapsed}s"
    echo
    { (IFS=$'\t'; echo "${HEAD[*]}"); rows; } | align
    echo
    { (IFS=$'\t'; echo "${HEAD2[*]}"); rows2; } | align
    echo
    echo "one getppid() system call (syscall-loop, $LOOP_N calls minus 0 calls):"
    printf '  native %s us, ptrace only (rewind trace) %s us, record %s us, replay %s us\n' \
        "$(percall nat)" "$(percall trc)" "$(percall rec)" "$(percall rep)"
    echo
    echo "workloads:"
    for i in "${!W_NAME[@]}"; do
        echo "  ${W_NAME[i]}: $(show_cmd "$i" native)"
    done
    echo "trace_MB: du -sb of the trace directory (files/ holds hard links to system files);"
    echo "events+data_MB: the two compressed streams; MB/s: events+data MB per second of recording."
    echo "Second table, from the last recording: processes: lines of rewind ps; distinct_pids: the"
    echo "different PIDs among them; tasks: the different thread ids in rewind dump (processes and"
    echo "threads); switches: system calls left unfinished for a thread switch; state_deltas:"
    echo "preemptions and asynchronous signals; avg_delta_bytes: their memory bytes (no registers)."
    if ((${#NOTES[@]})); then
        echo
        echo "!!! PROBLEMS (must not happen):"
        printf '  - %s\n' "${NOTES[@]}"
    fi
}

md_report()
{
    echo
    echo "## rewind benchmark, $today"
    echo
    echo "$REPS repetitions, interleaved; median wall time in seconds.  Machine: $machine."
    echo "${version:-rewind ?} ($commit).  Find tree: \`$FIND_TREE\`.  CPU: $pinning.  The run took ${elapsed} s."
    echo
    printf '| %s ' "${HEAD[@]}"; echo '|'
    printf '|---%.0s' "${HEAD[@]}"; echo '|'
    rows | sed 's/\t/ | /g; s/^/| /; s/$/ |/'
    echo
    printf '| %s ' "${HEAD2[@]}"; echo '|'
    printf '|---%.0s' "${HEAD2[@]}"; echo '|'
    rows2 | sed 's/\t/ | /g; s/^/| /; s/$/ |/'
    echo
    echo "From the last recording: \`processes\` = lines of \`rewind ps\`, \`distinct_pids\` = the different"
    echo "PIDs among them, \`tasks\` = the different thread ids in \`rewind dump\`, \`switches\` = system"
    echo "calls left unfinished for a thread switch, \`state_deltas\` = preemptions and asynchronous"
    echo "signals, \`avg_delta_bytes\` = their average memory bytes (registers not counted)."
    echo
    echo "One getppid() system call ($LOOP_N calls minus 0 calls): native $(percall nat) µs," \
        "ptrace only (\`rewind trace\`) $(percall trc) µs, record $(percall rec) µs, replay $(percall rep) µs."
    echo
    for i in "${!W_NAME[@]}"; do
        echo "- ${W_NAME[i]}: \`$(show_cmd "$i" native)\`"
    done
    if ((${#NOTES[@]})); then
        echo
        echo "**Problems (must not happen):**"
        echo
        printf -- '- %s\n' "${NOTES[@]}"
    fi
}

text_report
[[ -n $OUT ]] && md_report >>"$OUT" && echo "bench: appended the results to $OUT" >&2
exit "$any_failed"
