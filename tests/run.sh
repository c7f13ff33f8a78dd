#!/usr/bin/env bash
# tests/run.sh: the end-to-end tests of rewind.
#
#   tests/run.sh [-j JOBS] [-k] [-l] [PATTERN...]
#
#   PATTERN   run only the tests whose name matches one of these (bash regex,
#             e.g. `files_` or '^sig' or 'tcp|udp')
#   -j JOBS   tests run in parallel (default 2, or $REWIND_TEST_JOBS)
#   -k        keep the temporary directory (traces, outputs) for inspection
#   -l        list the test names and exit
#
# Environment: REWIND, the binary under test (default build/rewind in the
# repository); REWIND_TEST_TIMEOUT, seconds per test (default 120);
# REWIND_TEST_CMD_TIMEOUT, seconds per rewind command (default 30).
#
# The test programs are built first (make -C tests/progs).  Each test is a
# function t_NAME in tests/cases/*.sh (helpers and assumptions: tests/lib.sh),
# run in its own bash process under a timeout.  One line per test:
# "PASS name", "FAIL name: reason" (followed by details), "SKIP name: reason", or
# "XFAIL name: known gap: reason" for a test listed in tests/known-failures;
# the last line is "N passed, N failed".  Exit status 1 if any test failed.
set -u

TESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$TESTS_DIR")
BIN=$TESTS_DIR/progs/bin
REWIND=${REWIND:-$ROOT/build/rewind}
case $REWIND in
/*) ;;
*) REWIND=$PWD/$REWIND ;;
esac
TEST_TIMEOUT=${REWIND_TEST_TIMEOUT:-120}
export TESTS_DIR ROOT BIN REWIND TEST_TIMEOUT
export LC_ALL=C   # the same messages and formats on every machine

# Every function t_* in the case files, in file order.
list_tests()
{
    grep -h -o -E '^t_[A-Za-z0-9_]+\(\)' "$TESTS_DIR"/cases/*.sh | sed -e 's/^t_//' -e 's/()$//'
}

# Internal: the body of one test, in its own process (see run_one).
exec_one()
{
    local name=$1
    T=$RUN_TMP/$name
    SCRATCH=$T/scratch
    export T SCRATCH
    # shellcheck source=lib.sh
    . "$TESTS_DIR/lib.sh"
    local f
    for f in "$TESTS_DIR"/cases/*.sh; do
        # shellcheck disable=SC1090
        . "$f"
    done
    trap stop_bg EXIT
    ulimit -c 0
    cd "$T/cwd" || exit 1
    "t_$name"
    exit 0
}

# Internal: runs one test under a timeout and prints its result block.
run_one()
{
    local name=$1 pid rc reason notes block
    local T=$RUN_TMP/$name
    mkdir -p "$T/cwd" "$T/scratch"
    timeout -k 10 "$TEST_TIMEOUT" bash "$TESTS_DIR/run.sh" --exec-one "$name" >"$T/.log" 2>&1 </dev/null &
    pid=$!
    wait "$pid"
    rc=$?
    # timeout leads a process group holding everything the test started:
    # whatever is still running there (a hung tracee, a server) is ended.
    if kill -0 -- "-$pid" 2>/dev/null; then
        kill -KILL -- "-$pid" 2>/dev/null
        echo "the test left processes running; they were killed" >>"$T/.notes"
    fi
    reason=$(cat "$T/.reason" 2>/dev/null)
    notes=$(sed -e 's/^/    note: /' "$T/.notes" 2>/dev/null)
    case $rc in
    0) block="PASS $name" ;;
    77) block="SKIP $name: ${reason:-skipped}" ;;
    124 | 137) block="FAIL $name: timed out after ${TEST_TIMEOUT}s" ;;
    *) block="FAIL $name: ${reason:-exit status $rc}" ;;
    esac
    # A gap rewind knows it has (tests/known-failures, with the reason) is
    # reported as XFAIL and counted as skipped; if it starts passing, that is a
    # failure until the line is removed, so the list cannot go stale.
    # An entry whose reason starts with "flaky:" fails only sometimes: it is
    # XFAIL when it fails and PASS when it passes.
    local known
    known=$(awk -v n="$name" '$1 == n { $1 = ""; sub(/^ /, ""); print }' "$TESTS_DIR/known-failures" 2>/dev/null)
    if [ -n "$known" ]; then
        case $block in
        FAIL*) echo SKIP >"$RUN_TMP/.results/$name"
               printf 'XFAIL %s: known gap: %s\n    (%s)\n' "$name" "$known" "${block#FAIL $name: }"
               [ "$KEEP" = 0 ] && rm -rf "$T"
               return ;;
        PASS*) case $known in
               flaky:*) block+=" (listed in tests/known-failures as $known)" ;;
               *) block="FAIL $name: passes now: remove it from tests/known-failures" ;;
               esac ;;
        esac
    fi
    case $block in
    FAIL*)
        if [ -s "$T/.details" ]; then
            block+=$'\n'$(sed -e 's/^/    /' "$T/.details" | head -n 60)
        fi
        if [ -s "$T/.log" ]; then
            block+=$'\n'"    --- test log (tail):"$'\n'$(tail -n 8 "$T/.log" | cut -c1-300 | cat -v | sed -e 's/^/    /')
        fi
        echo FAIL >"$RUN_TMP/.results/$name"
        ;;
    PASS*)
        echo PASS >"$RUN_TMP/.results/$name"
        if [ "$KEEP" = 0 ]; then rm -rf "$T"; fi
        ;;
    SKIP*)
        echo SKIP >"$RUN_TMP/.results/$name"
        if [ "$KEEP" = 0 ]; then rm -rf "$T"; fi
        ;;
    esac
    if [ -n "$notes" ]; then
        block+=$'\n'$notes
    fi
    printf '%s\n' "$block"
    return 0
}

if [ "${1-}" = --exec-one ]; then
    exec_one "$2"
fi
if [ "${1-}" = --run-one ]; then
    run_one "$2"
    exit 0
fi

JOBS=${REWIND_TEST_JOBS:-2}
KEEP=0
LIST=0
PATTERNS=()
while [ $# -gt 0 ]; do
    case $1 in
    -j) JOBS=$2; shift 2 ;;
    -j*) JOBS=${1#-j}; shift ;;
    -k) KEEP=1; shift ;;
    -l) LIST=1; shift ;;
    -h | --help) sed -n '2,/^set -u/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; exit 0 ;;
    --) shift; PATTERNS+=("$@"); break ;;
    *) PATTERNS+=("$1"); shift ;;
    esac
done

TESTS=()
while read -r name; do
    if [ ${#PATTERNS[@]} = 0 ]; then
        TESTS+=("$name")
        continue
    fi
    for p in "${PATTERNS[@]}"; do
        if [[ $name =~ $p ]]; then
            TESTS+=("$name")
            break
        fi
    done
done < <(list_tests)

if [ $LIST = 1 ]; then
    printf '%s\n' "${TESTS[@]}"
    exit 0
fi
if [ ${#TESTS[@]} = 0 ]; then
    echo "no test matches: ${PATTERNS[*]}"
    echo "0 passed, 0 failed"
    exit 1
fi

if ! make -s -C "$TESTS_DIR/progs" >/dev/null; then
    echo "FAIL build: make -C tests/progs failed"
    echo "0 passed, 1 failed"
    exit 1
fi
if [ ! -x "$REWIND" ]; then
    echo "note: $REWIND is not an executable: every test will fail (set REWIND=...)"
fi

RUN_TMP=$(mktemp -d "${TMPDIR:-/tmp}/rewind-tests.XXXXXX") || exit 1
mkdir -p "$RUN_TMP/.results"
export RUN_TMP KEEP
cleanup()
{
    if [ "$KEEP" = 1 ]; then
        echo "kept temporary files in $RUN_TMP"
    else
        rm -rf "$RUN_TMP"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start=$(date +%s)
printf '%s\n' "${TESTS[@]}" | xargs -P "$JOBS" -I{} bash "$TESTS_DIR/run.sh" --run-one {}

passed=0 failed=0 skipped=0 failed_names=()
for name in "${TESTS[@]}"; do
    case $(cat "$RUN_TMP/.results/$name" 2>/dev/null) in
    PASS) passed=$((passed + 1)) ;;
    SKIP) skipped=$((skipped + 1)) ;;
    *) failed=$((failed + 1)); failed_names+=("$name") ;;
    esac
done
trap - EXIT
cleanup
if [ $failed -gt 0 ]; then
    echo "failed: ${failed_names[*]}"
fi
echo "ran ${#TESTS[@]} tests in $(($(date +%s) - start)) s, $skipped skipped"
echo "$passed passed, $failed failed"
[ $failed = 0 ]
