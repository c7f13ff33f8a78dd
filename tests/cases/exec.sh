# shellcheck shell=bash disable=SC2016,SC2030,SC2031,SC2034
# execve, and recordings whose executables change or vanish afterwards.

t_exec_other_program()
{
    record_replay --status 7 -- "$BIN/exec_parent" "$BIN/exec_child" one "two words"
    assert_grep '^child argv\[2\] = two words$' "$RR_OUT"
}

t_exec_static_program()
{
    record_replay -- "$BIN/exec_parent" "$BIN/hello-static"
    assert_grep '^hello, world$' "$RR_OUT"
}

t_exec_system_program()
{
    record_replay -- "$BIN/exec_parent" /bin/echo "echoed by /bin/echo"
    assert_grep '^echoed by /bin/echo$' "$RR_OUT"
}

# The exec'd program is a copy that is deleted before replay.
t_exec_deleted_binary()
{
    mkdir -p "$T/copy"
    cp "$BIN/exec_child" "$T/copy/child"
    record_replay --status 7 --before-replay 'rm -rf "$T/copy"' -- "$BIN/exec_parent" "$T/copy/child"
}

# The recorded program itself is deleted before replay.
t_exec_deleted_main()
{
    mkdir -p "$T/copy"
    cp "$BIN/addresses" "$T/copy/addresses"
    record_replay --before-replay 'rm -rf "$T/copy"' -- "$T/copy/addresses"
}

# The recorded program is overwritten in place by another one before replay.
t_exec_replaced_main()
{
    mkdir -p "$T/copy"
    cp "$BIN/ids" "$T/copy/prog"
    record_replay --before-replay 'cp "$BIN/hello" "$T/copy/prog"' \
        -- "$T/copy/prog"
    assert_grep '^pid [0-9]+ ppid' "$RR_OUT"
}
