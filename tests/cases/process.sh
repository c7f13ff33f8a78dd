# shellcheck shell=bash disable=SC2016,SC2030,SC2031,SC2034
# What a process learns about itself and its system: arguments, environment,
# auxv, ids, cwd, umask, limits, odd ioctls and syscalls, rseq and io_uring
# (refused by rewind: ENOSYS), cpuid, terminals, exit statuses.

t_proc_args_env()
{
    record_replay -- "$BIN/args_env" "" "two words" "--help" "ünïcödé" '$HOME'
    assert_grep '^argv\[3\] = "--help"$' "$RR_OUT"
}

# Replay 2 runs under env -i with another REWIND_TEST_VAR: must print the
# recorded one.
t_proc_getenv()
{
    record_replay -- "$BIN/getenv"
    assert_grep "^REWIND_TEST_VAR=$RR_VAR\$" "$RR_OUT"
}

t_proc_auxv()        { record_replay -- "$BIN/auxv"; }
t_proc_auxv_static() { record_replay -- "$BIN/auxv-static"; }
t_proc_auxv_nopie()  { record_replay -- "$BIN/auxv-nopie"; }
t_proc_ids()         { record_replay -- "$BIN/ids"; }
t_proc_umask()       { record_replay -- "$BIN/umask" "$SCRATCH"; }
t_proc_sysinfo()     { record_replay -- "$BIN/sysinfo_misc"; }
t_proc_odd_ioctls()  { record_replay -- "$BIN/ioctl_unknown" "$SCRATCH"; }
t_proc_cpuid()       { record_replay -- "$BIN/cpuid"; }
t_proc_rseq_glibc()  { record_replay -- "$BIN/rseq_glibc"; }

# The recording runs in its own directory; replays run from there and from
# another one: both must print the recorded directory.
t_proc_getcwd()
{
    mkdir -p "$T/cwd/deeper dir"
    record_replay --cwd "$T/cwd/deeper dir" -- "$BIN/getcwd"
    assert_grep "^getcwd $T/cwd/deeper dir\$" "$RR_OUT"
}

t_proc_rseq_direct()
{
    record_replay -- "$BIN/rseq_direct"
    assert_grep '^rseq register: -1 ENOSYS$' "$RR_OUT" "the program's rseq"
}

t_proc_io_uring()
{
    record_replay -- "$BIN/io_uring"
    assert_grep '^io_uring_setup: -1 ENOSYS$' "$RR_OUT" "the program's io_uring_setup"
}

t_proc_exit_status()
{
    local s
    for s in 0 1 42 255; do
        record_replay --status "$s" -- "$BIN/exit_status" "$s"
    done
}

t_proc_tty_devnull()
{
    record_replay -- "$BIN/tty"
    assert_grep '^isatty\(0\) = 0 ENOTTY$' "$RR_OUT"
}

# stdin on a pseudo-terminal (under script(1)); stdout goes to a file.
t_proc_tty_pty()
{
    local rc
    if ! command -v script >/dev/null; then skip "script(1) is not installed"; fi
    RR_N=1
    RR_DIR=$T/trace1 RR_OUT=$T/rec1.out RR_ERR=$T/rec1.err RR_CWD=$T/cwd
    watch_err "$RR_ERR"
    timeout -k 5 "$CMD_TIMEOUT" script -qec \
        "$(printf '%q ' "$REWIND" record -o "$RR_DIR" -- "$BIN/tty") >$(printf '%q' "$RR_OUT") 2>$(printf '%q' "$RR_ERR")" \
        /dev/null </dev/null >"$T/script.log" 2>&1
    rc=$?
    no_crash "record under script" "$RR_ERR"
    expect_status "record under script" "$rc" 0
    RR_STATUS=0
    assert_grep '^isatty\(0\) = 1' "$RR_OUT"
    replay_check
}
