# shellcheck shell=bash disable=SC2016,SC2030,SC2031,SC2034
# Damaged traces and impossible recordings: rewind must say what is wrong
# ("rewind: ..." on stderr) and exit 125 (127/126 for programs that cannot be
# run), never crash or hang.  See assumption A6 in tests/lib.sh.

# A small good trace (of a program that reads /dev/urandom and prints it) in
# $GOOD, with the files assumption A3 expects.
make_good_trace()
{
    local f
    record -- "$BIN/urandom"
    GOOD=$RR_DIR
    for f in header events data; do
        if [ ! -f "$GOOD/$f" ]; then fail "the trace has no file '$f' (assumption A3)"; fi
    done
    if ! head -n 1 "$GOOD/header" | grep -q '^rewind-trace 1$'; then
        fail "the header does not start with the line 'rewind-trace 1' (assumption A3)"
    fi
}

# run_on WHAT DIR SUBCOMMAND...: runs rewind SUBCOMMAND... DIR, sets RC;
# output in $T/bad.out and $T/bad.err.
run_on()
{
    local what=$1 dir=$2
    shift 2
    watch_err "$T/bad.err"
    rw "$@" "$dir" </dev/null >"$T/bad.out" 2>"$T/bad.err"
    RC=$?
    no_crash "$* ($what)" "$T/bad.err"
}

# expect_rejected WHAT DIR: replay and dump exit 125 with a message.
expect_rejected()
{
    run_on "$1" "$2" replay -q
    expect_status "replay ($1)" "$RC" 125
    expect_rewind_msg "replay ($1)" "$T/bad.err"
    run_on "$1" "$2" dump
    expect_status "dump ($1)" "$RC" 125
    expect_rewind_msg "dump ($1)" "$T/bad.err"
}

# expect_cut WHAT DIR: a truncated trace: replay exits 125 with a message;
# dump lists what it can and says where it ended (0 or 125).
expect_cut()
{
    run_on "$1" "$2" replay -q
    expect_status "replay ($1)" "$RC" 125
    expect_rewind_msg "replay ($1)" "$T/bad.err"
    run_on "$1" "$2" dump
    expect_status "dump ($1)" "$RC" 0 125
    expect_rewind_msg "dump ($1)" "$T/bad.err"
}

# expect_survived WHAT DIR: damage that may go unnoticed: no crash, and either
# success or 125 with a message.
expect_survived()
{
    local sub
    for sub in "replay -q" dump; do
        # shellcheck disable=SC2086
        run_on "$1" "$2" $sub
        expect_status "$sub ($1)" "$RC" 0 125
        if [ "$RC" = 125 ]; then expect_rewind_msg "$sub ($1)" "$T/bad.err"; fi
    done
}

# offsets SIZE: a spread of offsets below SIZE.
offsets()
{
    local s=$1
    printf '%s\n' 0 1 2 3 4 5 7 8 11 12 15 16 20 23 24 31 32 40 48 63 64 \
        $((s / 3)) $((s / 2)) $((s - 2)) $((s - 1)) |
        awk -v s="$s" '$1 >= 0 && $1 < s && !seen[$1]++'
}

t_bad_missing_dir()
{
    expect_rejected "missing directory" "$T/no-such-trace"
}

t_bad_not_a_directory()
{
    echo "not a trace" >"$T/file"
    expect_rejected "a regular file" "$T/file"
}

t_bad_empty_dir()
{
    mkdir "$T/empty"
    expect_rejected "empty directory" "$T/empty"
}

t_bad_empty_files()
{
    local f
    make_good_trace
    for f in header events data; do
        if [ ! -s "$GOOD/$f" ]; then continue; fi
        copy_trace "$GOOD" "$T/bad"
        : >"$T/bad/$f"
        if [ $f = header ]; then
            expect_rejected "empty $f" "$T/bad"
        else
            expect_cut "empty $f" "$T/bad"
        fi
    done
    copy_trace "$GOOD" "$T/bad"
    : >"$T/bad/header"
    : >"$T/bad/events"
    : >"$T/bad/data"
    expect_rejected "all files empty" "$T/bad"
}

t_bad_missing_files()
{
    local f
    make_good_trace
    for f in header events data; do
        copy_trace "$GOOD" "$T/bad"
        rm -f "$T/bad/$f"
        expect_rejected "no $f file" "$T/bad"
    done
}

t_bad_truncated_events()
{
    local off
    make_good_trace
    for off in $(offsets "$(file_size "$GOOD/events")"); do
        copy_trace "$GOOD" "$T/bad"
        truncate -s "$off" "$T/bad/events"
        expect_cut "events cut to $off bytes" "$T/bad"
    done
}

t_bad_truncated_data()
{
    local off
    make_good_trace
    for off in $(offsets "$(file_size "$GOOD/data")"); do
        copy_trace "$GOOD" "$T/bad"
        truncate -s "$off" "$T/bad/data"
        expect_cut "data cut to $off bytes" "$T/bad"
    done
}

t_bad_truncated_header()
{
    local size off
    make_good_trace
    size=$(file_size "$GOOD/header")
    for off in 0 1 5 10 13; do
        copy_trace "$GOOD" "$T/bad"
        truncate -s "$off" "$T/bad/header"
        expect_rejected "header cut to $off bytes" "$T/bad"
    done
    for off in $((size / 4)) $((size / 2)) $((size - 1)); do
        copy_trace "$GOOD" "$T/bad"
        truncate -s "$off" "$T/bad/header"
        expect_survived "header cut to $off bytes" "$T/bad"
    done
}

t_bad_flipped_events()
{
    local off
    make_good_trace
    for off in $(offsets "$(file_size "$GOOD/events")"); do
        copy_trace "$GOOD" "$T/bad"
        flip_byte "$T/bad/events" "$off"
        expect_rejected "events byte $off flipped" "$T/bad"
    done
}

t_bad_flipped_data()
{
    local off
    make_good_trace
    for off in $(offsets "$(file_size "$GOOD/data")"); do
        copy_trace "$GOOD" "$T/bad"
        flip_byte "$T/bad/data" "$off"
        expect_rejected "data byte $off flipped" "$T/bad"
    done
}

# Damage to "rewind-trace 1" must be caught; elsewhere in the header's text
# (environment strings...) it may go unnoticed, but must not crash.
t_bad_flipped_header()
{
    local size off
    make_good_trace
    size=$(file_size "$GOOD/header")
    for off in 0 3 6 12 13; do
        copy_trace "$GOOD" "$T/bad"
        flip_byte "$T/bad/header" "$off"
        expect_rejected "header byte $off flipped" "$T/bad"
    done
    for off in 14 $((size / 5)) $((size / 3)) $((size / 2)) $((size * 3 / 4)) $((size - 2)) $((size - 1)); do
        copy_trace "$GOOD" "$T/bad"
        flip_byte "$T/bad/header" "$off"
        expect_survived "header byte $off flipped" "$T/bad"
    done
}

t_bad_wrong_version()
{
    local v
    make_good_trace
    for v in 2 0 999 4294967297 -1; do
        copy_trace "$GOOD" "$T/bad"
        sed -i "1s/.*/rewind-trace $v/" "$T/bad/header"
        expect_rejected "version $v" "$T/bad"
        assert_grep '[Vv]ersion' "$T/bad.err" "the message for version $v (assumption A8)"
    done
    copy_trace "$GOOD" "$T/bad"
    sed -i '1s/.*/rewind-trace/' "$T/bad/header"
    expect_rejected "no version" "$T/bad"
    copy_trace "$GOOD" "$T/bad"
    sed -i '1s/.*/something-else 1/' "$T/bad/header"
    expect_rejected "not a rewind trace" "$T/bad"
}

# Streams replaced by random bytes, or by each other.
t_bad_garbage_streams()
{
    local f
    make_good_trace
    for f in events data; do
        if [ ! -s "$GOOD/$f" ]; then continue; fi
        copy_trace "$GOOD" "$T/bad"
        head -c "$(file_size "$GOOD/$f")" /dev/urandom >"$T/bad/$f"
        expect_rejected "random $f" "$T/bad"
    done
    copy_trace "$GOOD" "$T/bad"
    head -c 100000 /dev/urandom >"$T/bad/header"
    expect_rejected "random header" "$T/bad"
    copy_trace "$GOOD" "$T/bad"
    cp "$GOOD/data" "$T/bad/events"
    cp "$GOOD/events" "$T/bad/data"
    expect_rejected "events and data swapped" "$T/bad"
}

# Many random flips of several bytes at once, in events or data.  Seeded, so
# a failure can be reproduced.
t_bad_random_damage()
{
    local i j f size
    make_good_trace
    RANDOM=4242
    for ((i = 0; i < 12; i++)); do
        f=events
        if [ $((i % 2)) = 1 ]; then f=data; fi
        size=$(file_size "$GOOD/$f")
        if [ "$size" = 0 ]; then continue; fi
        copy_trace "$GOOD" "$T/bad"
        for ((j = 0; j < 3; j++)); do
            flip_byte "$T/bad/$f" $(((RANDOM * 32768 + RANDOM) % size)) $((RANDOM % 255 + 1))
        done
        expect_rejected "$f damaged, round $i" "$T/bad"
    done
}

t_bad_record_nonexistent()
{
    watch_err "$T/err"
    rw record -o "$T/t1" -- /nonexistent/program </dev/null >"$T/out" 2>"$T/err"
    RC=$?
    no_crash "record" "$T/err"
    expect_status "record of a missing program" "$RC" 127
    expect_rewind_msg "record of a missing program" "$T/err"
    rw record -o "$T/t2" -- "rewind-test-no-such-command-$$" </dev/null >"$T/out" 2>"$T/err"
    RC=$?
    no_crash "record" "$T/err"
    expect_status "record of a command not in PATH" "$RC" 127
    expect_rewind_msg "record of a command not in PATH" "$T/err"
}

t_bad_record_not_executable()
{
    printf '#!/bin/sh\necho should not run\n' >"$T/script"
    chmod 644 "$T/script"
    watch_err "$T/err"
    rw record -o "$T/t1" -- "$T/script" </dev/null >"$T/out" 2>"$T/err"
    RC=$?
    no_crash "record" "$T/err"
    expect_status "record of a non-executable file" "$RC" 126
    expect_rewind_msg "record of a non-executable file" "$T/err"
    if [ -s "$T/out" ]; then fail "the non-executable file ran"; fi
    rw record -o "$T/t2" -- "$T/cwd" </dev/null >"$T/out" 2>"$T/err"
    RC=$?
    no_crash "record" "$T/err"
    expect_status "record of a directory" "$RC" 126
    expect_rewind_msg "record of a directory" "$T/err"
}

# The recorder is SIGKILLed while the program writes a line every 10 ms:
# dump and replay read the trace up to its last complete chunk.
t_bad_killed_recorder()
{
    local pid tpid rc size
    watch_err "$T/rec.err"
    "$REWIND" record -o "$T/trace" -- "$BIN/ticker" 3000 "$T/ticker.pid" </dev/null >"$T/rec.out" 2>"$T/rec.err" &
    pid=$!
    sleep 1.5
    kill -KILL "$pid"
    wait "$pid" 2>/dev/null
    sleep 0.2
    # The program should have died with its tracer; if not, stop it here.
    tpid=$(cat "$T/ticker.pid" 2>/dev/null)
    if [ -n "$tpid" ] && kill -0 "$tpid" 2>/dev/null; then
        kill -KILL "$tpid"
        note "the program outlived its SIGKILLed recorder (no PTRACE_O_EXITKILL?)"
    fi
    no_crash "record" "$T/rec.err"
    if [ ! -s "$T/rec.out" ]; then fail "the program printed nothing in 1.5 s"; fi

    watch_err "$T/dump.err"
    rw dump "$T/trace" </dev/null >"$T/dump.out" 2>"$T/dump.err"
    rc=$?
    no_crash "dump" "$T/dump.err"
    expect_status "dump of the cut trace" "$rc" 0 125
    expect_rewind_msg "dump of the cut trace" "$T/dump.err"
    assert_grep 'write\(1, "tick' "$T/dump.out" "dump of the cut trace"

    watch_err "$T/rep.err"
    rw replay "$T/trace" </dev/null >"$T/rep.out" 2>"$T/rep.err"
    rc=$?
    no_crash "replay" "$T/rep.err"
    expect_status "replay of the cut trace" "$rc" 125
    expect_rewind_msg "replay of the cut trace" "$T/rep.err"
    assert_grep '^tick 0 at ' "$T/rep.out" "replay of the cut trace"
    size=$(file_size "$T/rep.out")
    if [ "$size" -gt "$(file_size "$T/rec.out")" ] || ! cmp -s -n "$size" "$T/rec.out" "$T/rep.out"; then
        same_bytes "replay of the cut trace (a prefix of the recording)" "$T/rec.out" "$T/rep.out"
    fi
}
