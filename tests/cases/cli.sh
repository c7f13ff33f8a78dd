# shellcheck shell=bash disable=SC2016,SC2030,SC2031,SC2034
# The command line: help, version, default trace directory, dump, trace,
# exit statuses, quietness.

t_cli_help()
{
    local sub
    watch_err "$T/err"
    for sub in "" record replay dump trace; do
        # shellcheck disable=SC2086
        rw $sub --help </dev/null >"$T/out" 2>"$T/err"
        expect_status "rewind $sub --help" $? 0
        assert_grep '[Uu]sage' "$T/out" "rewind $sub --help"
    done
}

t_cli_version()
{
    watch_err "$T/err"
    rw --version </dev/null >"$T/out" 2>"$T/err"
    expect_status "rewind --version" $? 0
    assert_grep '[0-9]' "$T/out" "rewind --version"
}

# Usage errors: non-zero status (not a crash), a message naming rewind.
t_cli_usage_errors()
{
    local rc args
    watch_err "$T/err"
    for args in "" "frobnicate" "record" "record --no-such-option -- /bin/true" "replay --no-such-option"; do
        # shellcheck disable=SC2086
        rw $args </dev/null >"$T/out" 2>"$T/err"
        rc=$?
        no_crash "rewind $args" "$T/err"
        if [ "$rc" = 0 ] || [ "$rc" -ge 125 ]; then fail "'rewind $args' exited $rc (assumption A10)"; fi
        cat "$T/out" "$T/err" >"$T/both"
        assert_grep 'rewind' "$T/both" "the output of 'rewind $args'"
    done
}

# Record and replay print nothing of their own on success (A2).
t_cli_quiet()
{
    record -- "$BIN/hello"
    printf 'hello, stderr\n' >"$T/expected.err"
    same_bytes "record's stderr" "$T/expected.err" "$RR_ERR"
    watch_err "$T/err"
    rw replay "$RR_DIR" </dev/null >"$T/out" 2>"$T/err"
    expect_status "replay" $? 0
    same_bytes "replay's stderr" "$T/expected.err" "$T/err"
    rw replay -q "$RR_DIR" </dev/null >"$T/out" 2>"$T/err"
    expect_status "replay -q" $? 0
    if [ -s "$T/out" ] || [ -s "$T/err" ]; then fail "replay -q printed something"; fi
}

t_cli_exit_status()
{
    local s
    for s in 0 1 3 42 255; do
        record_replay --status "$s" -- "$BIN/hello" "$s"
    done
    record_replay --status 143 -- "$BIN/sig_term"
}

# `--` is optional, options after the program belong to it, and the program
# is looked up in PATH.
t_cli_record_args()
{
    watch_err "$T/err"
    rw record -o "$T/t1" "$BIN/hello" </dev/null >"$T/out" 2>"$T/err"
    expect_status "record without --" $? 0
    assert_grep '^hello, world$' "$T/out"
    record_replay -- "$BIN/args_env" -o x --help -- -q
    assert_grep '^argv\[1\] = "-o"$' "$RR_OUT"
    assert_grep '^argv\[4\] = "--"$' "$RR_OUT"
    assert_grep '^argv\[5\] = "-q"$' "$RR_OUT"
    (export PATH="$BIN:$PATH" && rw record -o "$T/t2" -- hello </dev/null >"$T/out" 2>"$T/err")
    expect_status "record of a program found in PATH" $? 0
    assert_grep '^hello, world$' "$T/out"
}

# Without -o: a new directory under $REWIND_DIR named after the program, and a
# `latest` link that replay and dump use by default.
t_cli_default_dir()
{
    local store=$T/store
    mkdir -p "$store"
    watch_err "$T/err"
    (export REWIND_DIR=$store && rw record -- "$BIN/ids" </dev/null >"$T/first.out" 2>"$T/err")
    expect_status "record" $? 0
    (export REWIND_DIR=$store && rw record -- "$BIN/ids" </dev/null >"$T/second.out" 2>"$T/err")
    expect_status "record" $? 0
    if [ ! -L "$store/latest" ]; then fail "no 'latest' link in \$REWIND_DIR"; fi
    if [ ! -f "$store/latest/header" ]; then fail "'latest' does not lead to a trace"; fi
    case $(readlink "$store/latest") in
    *ids*) ;;
    *) fail "the trace directory '$(readlink "$store/latest")' is not named after the program" ;;
    esac
    if [ "$(find "$store" -mindepth 1 -maxdepth 1 -type d | wc -l)" != 2 ]; then
        fail "two recordings did not make two directories in \$REWIND_DIR"
    fi
    mkdir -p "$T/elsewhere"
    (cd "$T/elsewhere" && export REWIND_DIR=$store && rw replay </dev/null >"$T/replay.out" 2>"$T/err")
    expect_status "replay (default trace)" $? 0
    same_bytes "replay of latest" "$T/second.out" "$T/replay.out"
    (export REWIND_DIR=$store && rw dump </dev/null >"$T/dump.out" 2>"$T/err")
    expect_status "dump (default trace)" $? 0
    assert_grep 'getpid' "$T/dump.out" "dump of latest"
}

# Without REWIND_DIR: ~/.local/share/rewind/.
t_cli_default_dir_home()
{
    mkdir -p "$T/home"
    watch_err "$T/err"
    (unset REWIND_DIR XDG_DATA_HOME && export HOME=$T/home &&
        rw record -- "$BIN/hello" </dev/null >"$T/out" 2>"$T/err")
    expect_status "record" $? 0
    if [ ! -L "$T/home/.local/share/rewind/latest" ]; then fail "no ~/.local/share/rewind/latest link"; fi
    (unset REWIND_DIR XDG_DATA_HOME && export HOME=$T/home &&
        rw replay </dev/null >"$T/replay.out" 2>"$T/err")
    expect_status "replay" $? 0
    same_bytes "replay of latest" "$T/out" "$T/replay.out"
}

# dump: strace-like lines with event number and tid (A4).
t_cli_dump()
{
    local pid
    record --status 3 -- "$BIN/exit_status" 3
    pid=$(sed -n 's/^pid \([0-9]*\) .*/\1/p' "$RR_OUT")
    watch_err "$T/err"
    rw dump "$RR_DIR" </dev/null >"$T/dump.out" 2>"$T/err"
    expect_status "dump" $? 0
    assert_grep 'exec' "$T/dump.out" "dump"
    assert_grep "write\\(1, \"pid $pid exiting" "$T/dump.out" "dump"
    assert_grep "\\b$pid\\b.*write\\(1, " "$T/dump.out" "dump (the tid on the write line)"
    assert_grep 'exit' "$T/dump.out" "dump"
    if [ -s "$T/err" ]; then fail "dump of a good trace printed to stderr"; fi

    record -- "$BIN/file_rw" "$SCRATCH"
    rw dump "$RR_DIR" </dev/null >"$T/dump2.out" 2>"$T/err"
    expect_status "dump" $? 0
    if ! grep -q -F 'openat(AT_FDCWD, "/etc/passwd", O_RDONLY|O_CLOEXEC) = 3' "$T/dump2.out"; then
        grep -a -F 'passwd' "$T/dump2.out" | head -n 3 | details
        fail "dump has no line 'openat(AT_FDCWD, \"/etc/passwd\", O_RDONLY|O_CLOEXEC) = 3'"
    fi
}

t_cli_dump_json()
{
    local py
    py=$(command -v python3) || skip "python3 is not installed"
    record -- "$BIN/hello"
    watch_err "$T/err"
    rw dump --json "$RR_DIR" </dev/null >"$T/dump.json" 2>"$T/err"
    expect_status "dump --json" $? 0
    if ! "$py" -c '
import json, sys
n = writes = 0
for i, line in enumerate(open(sys.argv[1], encoding="utf-8"), 1):
    if not line.strip():
        continue
    try:
        obj = json.loads(line)
    except ValueError as e:
        sys.exit("line %d is not JSON: %s: %r" % (i, e, line[:200]))
    if not isinstance(obj, dict):
        sys.exit("line %d is not a JSON object" % i)
    n += 1
    if "write" in json.dumps(obj):
        writes += 1
if n < 3:
    sys.exit("only %d JSON lines" % n)
if writes == 0:
    sys.exit("no line mentions write")
' "$T/dump.json" 2>"$T/json.err"; then
        fail "dump --json: $(tail -n 1 "$T/json.err")"
    fi
}

# trace: live syscall printing; the program's stdout and exit status intact.
t_cli_trace()
{
    local rc
    watch_err "$T/err"
    rw trace -o "$T/trace.txt" -- "$BIN/hello" </dev/null >"$T/out" 2>"$T/err"
    expect_status "trace -o" $? 0
    printf 'hello, world\n' >"$T/expected.out"
    same_bytes "stdout under trace" "$T/expected.out" "$T/out"
    assert_grep '^hello, stderr$' "$T/err" "stderr under trace"
    assert_grep 'write\(1, "hello, world' "$T/trace.txt" "the trace -o file"

    rw trace "$BIN/hello" 5 </dev/null >"$T/out" 2>"$T/err"
    expect_status "trace (to stderr)" $? 5
    same_bytes "stdout under trace" "$T/expected.out" "$T/out"
    assert_grep 'write\(1, "hello, world' "$T/err" "trace's stderr"

    rw trace -o "$T/trace2.txt" -- "$BIN/sig_term" </dev/null >"$T/out" 2>"$T/err"
    rc=$?
    expect_status "trace of a program killed by SIGTERM" "$rc" 143
    assert_grep '^pid [0-9]+ sending itself SIGTERM$' "$T/out"
}
