# shellcheck shell=bash disable=SC2016,SC2030,SC2031,SC2034
# Synchronous signals with handlers, and deaths by signal (128+N).

t_sig_segv_repair()        { record_replay -- "$BIN/sig_segv"; assert_grep '^faults 6 ' "$RR_OUT"; }
t_sig_segv_repair_static() { record_replay -- "$BIN/sig_segv-static"; }
t_sig_segv_repair_nopie()  { record_replay -- "$BIN/sig_segv-nopie"; }
t_sig_raise()              { record_replay -- "$BIN/sig_raise"; assert_grep 'is me: 1' "$RR_OUT"; }
t_sig_abort()              { record_replay --status 134 -- "$BIN/sig_abort"; }
t_sig_altstack_overflow()  { record_replay -- "$BIN/sig_altstack"; assert_grep 'alternate stack: 1' "$RR_OUT"; }
t_sig_fpe_longjmp()        { record_replay -- "$BIN/sig_fpe"; }
t_sig_term_default()       { record_replay --status 143 -- "$BIN/sig_term"; }
t_sig_mask_pending()       { record_replay -- "$BIN/sig_mask"; assert_grep '^handled after unblock: 12$' "$RR_OUT"; }
t_sig_timer_pause()        { record_replay -- "$BIN/sig_pause"; assert_grep '^ticks 5 ' "$RR_OUT"; }

# ---- Ctrl-C at the terminal ------------------------------------------------

# record_interrupted STATUS -- CMD...
#
# Records CMD as a user at a terminal would: `rewind record` is the session
# leader of a new pseudo-terminal (its stdin and controlling terminal, so it
# and the program are the terminal's foreground process group; stdout and
# stderr go to files).  Once the program has printed every line ending in
# ": ready" it announces, the terminal's interrupt character (Ctrl-C) is
# typed on the terminal, which sends SIGINT to the whole foreground group.
# rewind record must exit with STATUS, not die of the signal itself.  Sets
# RR_* like `record`.  Uses the system's python (a pyenv shim on PATH would
# be a shell script).
record_interrupted()
{
    local status=$1 rc how
    shift 2
    if [ ! -x /usr/bin/python3 ]; then skip "/usr/bin/python3 is not installed"; fi
    RR_N=$((RR_N + 1))
    RR_DIR=$T/trace$RR_N RR_OUT=$T/rec$RR_N.out RR_ERR=$T/rec$RR_N.err RR_CWD=$T/cwd
    watch_err "$RR_ERR"
    cat >"$T/ctrl_c.py" <<'PY'
import fcntl, os, pty, select, signal, sys, termios, time

# ctrl_c.py TIMEOUT READY-LINES OUT ERR HOW -- CMD...
timeout, nready, out, err, how = float(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
cmd = sys.argv[7:]
master, slave = pty.openpty()
out_fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
err_fd = os.open(err, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
pid = os.fork()
if pid == 0:
    os.setsid()
    fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
    os.dup2(slave, 0)
    os.dup2(out_fd, 1)
    os.dup2(err_fd, 2)
    os.closerange(3, 1024)
    os.execv(cmd[0], cmd)
os.close(slave)
os.close(out_fd)
os.close(err_fd)
deadline = time.monotonic() + timeout
interrupt = termios.tcgetattr(master)[6][termios.VINTR]
typed = False
status = None
while status is None:
    if time.monotonic() > deadline:
        os.killpg(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        open(how, "w").write("timed out\n")
        sys.exit(124)
    if not typed:
        with open(out, "rb") as f:
            if sum(1 for l in f if l.rstrip(b"\n").endswith(b": ready")) >= nready:
                os.write(master, interrupt)
                typed = True
    # what the terminal echoes (^C) is read and dropped
    if select.select([master], [], [], 0.05)[0]:
        try:
            os.read(master, 1024)
        except OSError:
            pass
    p, st = os.waitpid(pid, os.WNOHANG)
    if p == pid:
        status = st
if os.WIFSIGNALED(status):
    open(how, "w").write("killed by signal %d\n" % os.WTERMSIG(status))
    sys.exit(128 + os.WTERMSIG(status))
open(how, "w").write("exited %d%s\n" % (os.WEXITSTATUS(status), "" if typed else " before Ctrl-C"))
sys.exit(os.WEXITSTATUS(status))
PY
    (cd "$RR_CWD" && /usr/bin/python3 "$T/ctrl_c.py" "$CMD_TIMEOUT" "${READY_LINES:-1}" "$RR_OUT" "$RR_ERR" \
        "$T/how$RR_N" -- "$REWIND" record -o "$RR_DIR" -- "$@" </dev/null >"$T/pty$RR_N.log" 2>&1)
    rc=$?
    how=$(cat "$T/how$RR_N" 2>/dev/null)
    no_crash "record on a terminal" "$RR_ERR"
    case $how in
    exited*"before Ctrl-C") fail "record on a terminal ended before Ctrl-C was typed ($how)" ;;
    exited*) ;;
    *) details <"$T/pty$RR_N.log"
       fail "rewind record on a terminal did not exit normally after Ctrl-C: ${how:-no status}" ;;
    esac
    expect_status "record of ${1##*/} interrupted by Ctrl-C" "$rc" "$status"
    RR_STATUS=$rc
    if [ ! -d "$RR_DIR" ]; then fail "record did not create the trace directory"; fi
}

# The trace of an interrupted recording is complete: it replays to the end
# (replay_check) and its dump ends normally, showing the SIGINT.
check_interrupted_trace()
{
    replay_check
    watch_err "$T/dump.err"
    rw dump "$RR_DIR" >"$T/dump.out" 2>"$T/dump.err"
    expect_status "dump" $? 0
    assert_no_grep '^rewind:' "$T/dump.err" "dump's stderr"
    assert_grep '--- SIGINT' "$T/dump.out" "the dump"
}

# Ctrl-C caught by a handler: the program goes on, says so and exits 42.
t_sig_ctrl_c_handler()
{
    record_interrupted 42 -- "$BIN/sig_interrupt" handler
    assert_grep '^pid [0-9]+ at [0-9]+: caught SIGINT 2, si_code 0x80$' "$RR_OUT"
    check_interrupted_trace
}

# ... while the program reads the terminal: the read fails with EINTR.
t_sig_ctrl_c_read()
{
    record_interrupted 42 -- "$BIN/sig_interrupt" read
    assert_grep '^pid [0-9]+ at [0-9]+: read -1 \(Interrupted system call\), caught SIGINT 2$' "$RR_OUT"
    check_interrupted_trace
}

# ... while the program computes: the signal arrives between two arbitrary
# instructions, and replay must deliver it at the same one.
t_sig_ctrl_c_spin()
{
    record_interrupted 42 -- "$BIN/sig_interrupt" spin
    assert_grep '^pid [0-9]+ at [0-9]+: caught SIGINT 2 after some spins$' "$RR_OUT"
    check_interrupted_trace
}

# Ctrl-C with the default action: the program dies of it, and rewind record
# reports that as a shell would, 128 + 2.
t_sig_ctrl_c_default()
{
    record_interrupted 130 -- "$BIN/sig_interrupt" default
    assert_grep '^pid [0-9]+ at [0-9]+: ready$' "$RR_OUT"
    check_interrupted_trace
    assert_grep '\+\+\+ killed by SIGINT' "$T/dump.out" "the dump"
}

# Both processes of a tree get it: the child dies of it, the parent catches
# it and reaps the child.
t_sig_ctrl_c_tree()
{
    record_interrupted 42 -- "$BIN/sig_interrupt" tree
    assert_grep '^parent [0-9]+ at [0-9]+: caught SIGINT 2, si_code 0x80$' "$RR_OUT"
    assert_grep '^child [0-9]+ killed by Interrupt$' "$RR_OUT"
    check_interrupted_trace
    replay_more 17     # the order in which the two got it is the recording's, every time
    if [ "$(grep -c -- '--- SIGINT' "$T/dump.out")" != 2 ]; then
        grep -- '--- SIG' "$T/dump.out" | details
        fail "the dump does not show SIGINT delivered to both processes"
    fi
}
