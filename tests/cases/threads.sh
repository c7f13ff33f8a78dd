# shellcheck shell=bash disable=SC2016,SC2030,SC2031,SC2034
# Threads: one at a time under a recorded schedule, preempted after a time
# slice when they spin.  Each program prints what depends on the interleaving
# (lock orders, spin counts, tids, times); every recording is replayed 20 times
# (record_replay_many) and must come out the same each time.

t_thr_sync_primitives()
{
    record_replay_many -- "$BIN/thr_sync" 4
    assert_grep '^mutex: 800 acquisitions, order hash [0-9a-f]{16}, first: [0-3]+$' "$RR_OUT"
    assert_grep '^atomics: counter 400, ' "$RR_OUT"
    assert_grep '^barrier serial thread: [0-3]$' "$RR_OUT"
}

# The same under --chaos: other switch points, still an exact replay.
t_thr_sync_chaos()
{
    record_replay_many --chaos -- "$BIN/thr_sync" 6
    assert_grep '^mutex: 1200 acquisitions, ' "$RR_OUT"
}

# The waiting thread only spins: it gets the token only if the one holding it
# is preempted (after 1 ms) and the dump must show those preemptions.
t_thr_spin_token()
{
    record_replay_many --slice 1 -- "$BIN/thr_spin" 60
    assert_grep '^pid [0-9]+ rounds 60 token 3c969e134e94eabc ' "$RR_OUT"
    rw dump "$RR_DIR" >"$T/dump.out" 2>"$T/dump.err"
    expect_status "dump" $? 0
    assert_grep '^ *[0-9]+ +[0-9]+ +--- preempted at 0x[0-9a-f]+ \(state delta: registers( \+ [0-9]+ bytes in [0-9]+ ranges?)?\) ---$' \
        "$T/dump.out" "the dump"
}

# 100 SIGALRMs land at arbitrary instructions of a loop without syscalls.
t_thr_alarm_cpu_loop()
{
    record_replay_many -- "$BIN/sig_alarm_loop" 100
    assert_grep '^pid [0-9]+ ticks 100 noticed by the loop [0-9]+$' "$RR_OUT"
    rw dump "$RR_DIR" >"$T/dump.out" 2>"$T/dump.err"
    expect_status "dump" $? 0
    assert_grep '--- SIGALRM \{.*\} at 0x[0-9a-f]+ \(async' "$T/dump.out" "the dump"
}

t_thr_blocked_read()
{
    record_replay_many -- "$BIN/thr_pipe_wait"
    assert_grep '^reader got "worker [0-2] was last, tid [0-9]+, at [0-9]+" after [0-9]+ us$' "$RR_OUT"
}

t_thr_exec_from_thread()
{
    record_replay_many -- "$BIN/thr_exec"
    assert_grep '^pid unchanged: 1, threads now: 1$' "$RR_OUT"
}

t_thr_rwlock()
{
    record_replay_many -- "$BIN/thr_rwlock"
    assert_grep '^writes 120 final version 120 torn reads 0$' "$RR_OUT"
}

t_thr_robust_mutex()
{
    record_replay_many -- "$BIN/thr_robust"
    assert_grep '^1: owner tid [0-9]+ died holding it; waiter: EOWNERDEAD ' "$RR_OUT"
    assert_grep '^2: lock after unlock without consistent: ENOTRECOVERABLE$' "$RR_OUT"
    assert_grep '^3: parent lock: EOWNERDEAD$' "$RR_OUT"
}

t_thr_join_cleartid()
{
    record_replay_many -- "$BIN/thr_join"
    assert_grep '^timedjoin: ETIMEDOUT$' "$RR_OUT"
    assert_grep '^tryjoin 2: 0, tid [0-9]+, spun yes$' "$RR_OUT"
}

t_thr_pthread_kill()
{
    record_replay_many -- "$BIN/thr_kill"
    assert_grep '^1: pings 50 pongs 50, from own process 50/50, ' "$RR_OUT"
    assert_grep '^2: handler ran on the spinner: 1 ' "$RR_OUT"
    assert_grep '^3: reader [0-9]+: read -1 EINTR, handled 1, ' "$RR_OUT"
}

# The dump of a threaded recording shows where threads took turns.
t_thr_dump_switches()
{
    record -- "$BIN/thr_sync" 4
    rw dump "$RR_DIR" >"$T/dump.out" 2>"$T/dump.err"
    expect_status "dump" $? 0
    assert_grep '<unfinished \.\.\.> \(thread switch\)|--- preempted at ' "$T/dump.out" "the dump"
    if [ "$(awk '$2 ~ /^[0-9]+$/ { print $2 }' "$T/dump.out" | sort -u | wc -l)" -lt 5 ]; then
        fail "the dump shows fewer than 5 distinct tids for 5 threads"
    fi
}

# An injected race that hardly ever shows natively: chaos mode must make it
# happen within 30 recordings, and the recording where it did must replay
# with the same wrong result.
t_thr_chaos_race()
{
    local i found=0
    CMD_TIMEOUT=15
    for ((i = 1; i <= 30; i++)); do
        record --chaos --status any -- "$BIN/thr_race"
        if [ "$RR_STATUS" = 1 ] && grep -q '^RACE$' "$RR_OUT"; then
            found=1
            break
        fi
        expect_status "record of thr_race without the race" "$RR_STATUS" 0
        rm -rf "$RR_DIR"
    done
    if [ $found = 0 ]; then fail "30 recordings with --chaos never showed the race"; fi
    note "the race showed in chaos recording $i"
    replay_check
    replay_more 2
    assert_grep '^pid [0-9]+ ppid [0-9]+ at [0-9]+ ns: counter [1-5], expected 6$' "$RR_OUT"
}
