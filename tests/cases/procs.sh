# shellcheck shell=bash disable=SC2016,SC2030,SC2031,SC2034
# Process trees: fork, vfork, exec in children, pipelines, signals between
# processes, wait and its variants, groups and sessions, shared memory.  The
# programs print pids, times and orders that differ between native runs; each
# recording is replayed 20 times (record_replay_many).

t_procs_fork_wide()
{
    record_replay_many -- "$BIN/tree_fork_wide" 8
    assert_grep '^wait with no children left: -1$' "$RR_OUT"
    if [ "$(grep -c -E '^reaped [0-9]+ \(child [0-7]\): exit 1[0-7]$' "$RR_OUT")" != 8 ]; then
        grep -E '^reaped ' "$RR_OUT" | details
        fail "the parent did not reap 8 children"
    fi
}

# Four children writing lines to the same stdout at full speed: replay must
# print the lines in the order they landed in the file.
t_procs_output_order()
{
    record_replay_many -- "$BIN/tree_output_order"
    assert_grep '^4 children exited 0$' "$RR_OUT"
}

# Exit status 6: each of the 5 levels adds one to the status of its child.
t_procs_fork_deep()
{
    record_replay_many --status 6 -- "$BIN/tree_fork_deep" 5
    assert_grep '^          bottom reached, exit 1$' "$RR_OUT"
}

# this program -> /bin/cat -> this program exec'd again -> back.
t_procs_pipeline()
{
    record_replay_many -- "$BIN/tree_pipeline"
    assert_grep '^filter [0-9]+ \(parent [0-9]+\) saw 200 lines, ' "$RR_OUT"
    assert_grep '^cat [0-9]+ exited 0$' "$RR_OUT"
}

t_procs_signal_pingpong()
{
    record_replay_many -- "$BIN/tree_sig_pingpong" 100
    assert_grep '^child [0-9]+: 100 handled, senders sum [0-9]+ \(= 100 x parent: 1\)$' "$RR_OUT"
}

t_procs_vfork_exec()
{
    record_replay_many -- "$BIN/tree_vfork"
    assert_grep '^echo says [0-9]+ [0-9]+$' "$RR_OUT"
    assert_grep '^posix_spawn: child [0-9]+ exited 5$' "$RR_OUT"
}

t_procs_wait_killed()
{
    record_replay_many -- "$BIN/tree_wait_signals"
    assert_grep '^waitpid: [0-9]+ killed by SEGV( \(core\))?$' "$RR_OUT"
    assert_grep '^waitid P_ALL: pid [0-9]+ \(= last child: 1\) CLD_EXITED status 44$' "$RR_OUT"
}

t_procs_stop_continue()
{
    record_replay_many -- "$BIN/tree_stop_cont"
    assert_grep '^stopped: 1 by STOP$' "$RR_OUT"
    assert_grep '^continued: 1$' "$RR_OUT"
}

# Under the recorder too, a stopped child must not run: no tick in the 50 ms
# the parent waits while it is stopped.
t_procs_stopped_child_stays_stopped()
{
    CMD_TIMEOUT=15
    record -- "$BIN/tree_stop_cont"
    assert_grep '^ticks before the stop: 5 or more; while stopped: 0$' "$RR_OUT" "the recorded output"
}

t_procs_pgrp_setsid()
{
    record_replay_many -- "$BIN/tree_pgrp"
    assert_grep '^A: killed by TERM$' "$RR_OUT"
    assert_grep '^B [0-9]+: setsid [0-9]+ \(= pid: 1\), .* again: -1 EPERM$' "$RR_OUT"
}

t_procs_zombies_late()
{
    record_replay_many -- "$BIN/tree_zombies"
    assert_grep '^zombies before reaping: 4: ' "$RR_OUT"
}

t_procs_orphan()
{
    record_replay_many -- "$BIN/tree_orphan"
    assert_grep '^grandchild [0-9]+: first parent [0-9]+ gone, new parent is someone else ' "$RR_OUT"
}

# Memory shared only inside the recorded tree is no reason for a warning.
t_procs_shared_anon()
{
    record_replay_many -- "$BIN/tree_shared_anon"
    assert_grep '^parent got: child [0-9]+ read "round 19 from [0-9]+ at [0-9]+" sum ' "$RR_OUT"
    assert_no_grep '^rewind:' "$RR_ERR" "record's stderr"
}

# A file mapped shared and writable could be written by any process on the
# system: record warns once, clearly.  (Inside the tree it replays exactly.)
t_procs_shared_file_warns()
{
    record_replay_many -- "$BIN/tree_shared_file" "$SCRATCH/shared.dat"
    assert_grep '^pread: child [0-9]+ saw \[parent [0-9]+ at [0-9]+' "$RR_OUT"
    assert_grep "^rewind: $SCRATCH/shared.dat is mapped shared: changes other processes outside the recording make to it will not be replayed\$" \
        "$RR_ERR" "record's stderr"
    if [ "$(grep -c '^rewind:' "$RR_ERR")" != 1 ]; then fail "record warned more than once"; fi
}

# System V shared memory between a parent and a child: a segment attached
# three times, once read-only; shmget and shmctl are answered from the trace.
t_procs_sysv_shm()
{
    record_replay_many -- "$BIN/tree_shared_anon" sysv
    assert_grep '^parent got: child [0-9]+ read "round 19 from [0-9]+ at [0-9]+" sum ' "$RR_OUT"
    assert_grep '^child detaches: 0 0$' "$RR_OUT"
    assert_grep '^remove: 0, detach: 0$' "$RR_OUT"
    assert_no_grep '^rewind:' "$RR_ERR" "record's stderr"
}

# ... spinning on a flag in the segment: the state deltas of preemptions must
# hold what each process wrote there.
t_procs_sysv_shm_spin()
{
    record_replay_many --slice 2 -- "$BIN/tree_shared_anon" spin sysv
    assert_grep '^child [0-9]+ exited 0; turn 0; ' "$RR_OUT"
}

# With --chaos the child's shmat and shmdt are sometimes switch points: replay
# then runs them once the recording says where they placed the segment.
t_procs_sysv_shm_chaos()
{
    local i
    for i in 1 2 3 4 5 6; do
        record_replay --chaos -- "$BIN/tree_shared_anon" sysv
    done
}

# A segment made outside the recording: record warns, and replay starts from
# what the segment held when the program attached it.
t_procs_sysv_shm_outside()
{
    local id
    id=$("$BIN/shm_outside" make) || fail "could not make a System V shared memory segment"
    # the program removes it; in case it does not get that far
    trap 'ipcrm -m "$id" 2>/dev/null; stop_bg' EXIT
    record -- "$BIN/shm_outside" attach "$id"
    assert_grep "^segment $id holds \[made outside at [0-9]+\]\$" "$RR_OUT"
    assert_grep "^rewind: System V shared memory segment $id was created outside the recording and is mapped shared: " \
        "$RR_ERR" "record's stderr"
    replay_check
}

# Two processes spinning on a flag in shared memory: only preemption lets the
# other one run.
t_procs_shared_anon_spin()
{
    record_replay_many --slice 2 -- "$BIN/tree_shared_anon" spin
    assert_grep '^child [0-9]+ exited 0; turn 0; ' "$RR_OUT"
}

t_procs_memfd()
{
    record_replay_many -- "$BIN/tree_memfd"
    assert_grep "^pread at 4096: \\[written by exec'd [0-9]+\\]\$" "$RR_OUT"
    assert_no_grep '^rewind:' "$RR_ERR" "record's stderr"
}

t_procs_sigchld_handler()
{
    record_replay_many -- "$BIN/tree_sigchld"
    assert_grep '^reaped 6 in [1-6] handler runs; ' "$RR_OUT"
}

# SIGCHLD let in only by pselect's sigmask, as in make -j.
t_procs_sigchld_pselect()
{
    record_replay_many -- "$BIN/tree_sigchld_pselect"
    assert_grep '^[0-9]+ wake-ups, [0-9]+ SIGCHLD handled$' "$RR_OUT"
}

# ... with the SIGCHLD already pending when pselect and ppoll start: they
# return at once, and the recording lists the delivery right after them.
t_procs_sigchld_pselect_pending()
{
    record_replay_many -- "$BIN/tree_sigchld_pselect" pending
    assert_grep '^pselect: -1 \(Interrupted system call\), handled 1$' "$RR_OUT"
    assert_grep '^ppoll: -1 \(Interrupted system call\), handled 2$' "$RR_OUT"
}

# Four processes moving their breaks; with --chaos some sbrk calls are switch
# points (as a slow brk is under load), answered only at their completion: the
# memory at the new break must be there all the same.
t_procs_brk_chaos()
{
    local i
    for i in 1 2 3; do
        record_replay --chaos -- "$BIN/tree_brk"
        assert_grep '^child [0-9]+: grew by 2621440, sum [0-9a-f]+, shrink: 0$' "$RR_OUT"
    done
}

# Two processes spawning programs at once (vfork + exec, posix_spawn), under
# --chaos: both are often inside vfork while their children run, and the
# recording names the children only later.  Replay must not take one child
# for the other, and the recorder must not run a child before it knows it is
# a vfork child (make -j2 and its compiler drivers do all this).
t_procs_spawn_pair_chaos()
{
    local i
    for i in 1 2 3; do
        record_replay --chaos -- "$BIN/tree_spawn_pair"
        assert_grep '^child [0-9]+ \(posix_spawn\): 0 of 30 runs failed$' "$RR_OUT"
    done
}

# The dump of a forking recording shows the children's own tids.
t_procs_dump_tids()
{
    record -- "$BIN/tree_fork_wide" 8
    rw dump "$RR_DIR" >"$T/dump.out" 2>"$T/dump.err"
    expect_status "dump" $? 0
    awk '$2 ~ /^[0-9]+$/ { print $2 }' "$T/dump.out" | sort -u >"$T/tids"
    if [ "$(wc -l <"$T/tids")" -lt 9 ]; then
        { echo "--- tids in the dump:"; cat "$T/tids"; } | details
        fail "the dump shows fewer than 9 distinct tids for a parent and 8 children"
    fi
    # ... and they are the pids the program printed.
    grep -o -E '^child [0-7]: pid [0-9]+' "$RR_OUT" | awk '{ print $4 }' >"$T/pids"
    while read -r pid; do
        if ! grep -q -x "$pid" "$T/tids"; then fail "child pid $pid does not appear in the dump"; fi
    done <"$T/pids"
}

# Neither record nor replay may leave processes of the recording behind: the
# chain's processes are reaped by their parents in the program, so none
# should end up a zombie handed to pid 1 once rewind has exited.  (run.sh runs
# each test in a process group of its own, so the group tells ours apart.)
t_procs_nothing_left_behind()
{
    local pg what
    pg=$(ps -o pgid= -p $$ | tr -d ' ')
    for what in record replay; do
        if [ $what = record ]; then
            record --status 6 -- "$BIN/tree_fork_deep" 5
        else
            watch_err "$T/replay.err"
            (cd "$RR_CWD" && rw replay "$RR_DIR" </dev/null >"$T/replay.out" 2>"$T/replay.err")
            expect_status "replay" $? 6
        fi
        sleep 0.3
        ps -e -o pid=,ppid=,pgid=,stat=,comm= | awk -v pg="$pg" '$3 == pg && $2 == 1' >"$T/left.$what"
        if [ -s "$T/left.$what" ]; then
            { echo "--- left behind (pid ppid pgid stat comm):"; cat "$T/left.$what"; } | details
            fail "$what left $(wc -l <"$T/left.$what") processes behind, handed to pid 1"
        fi
    done
}
