# shellcheck shell=bash disable=SC2016,SC2034
# rewind debug / serve: stock gdb on a replay, forwards and backwards.
#
# Each test records a dbg_* program (tests/progs, built with -O0), writes a
# gdb script into $T and runs `rewind debug DIR -- -nx -batch -x SCRIPT`
# under a timeout, then checks what gdb printed.  The scripts mark their
# steps with `echo --- NAME\n`; the checks look at one step's lines (a
# "section": the lines after "--- NAME" up to the next "--- ") so that a value
# printed at the wrong moment does not count.  The values checked are the
# program's: a replay that ran the wrong code, or a reverse execution that
# stopped at the wrong place, shows other numbers.
#
# dbg_calls (see its source): add_to(x) for x = 1..4 takes total through 1,
# 3, 6, 10; bump_counter() takes counter through 1..8 (4 times in the first
# loop, 4 in the second); every round of the first loop ends with a write.

DBG_TIMEOUT=60      # seconds for one gdb session
DBG_SRC=$ROOT/tests/progs

# dbg_line VAR FILE ERE: sets VAR to the number of the first line of
# tests/progs/FILE matching ERE.
dbg_line()
{
    local n
    n=$(grep -n -E -m 1 -e "$3" "$DBG_SRC/$2" | cut -d: -f1)
    if [ -z "$n" ]; then fail "no line /$3/ in tests/progs/$2 (bug in the test)"; fi
    printf -v "$1" '%s' "$n"
}

# dbg_src FILE N: line N of tests/progs/FILE as gdb shows it ("N<TAB>text").
dbg_src() { printf '%s\t%s' "$2" "$(sed -n "${2}p" "$DBG_SRC/$1")"; }

# dbg_record PROG [ARGS...]: records tests/progs/bin/PROG (lib.sh's record).
dbg_record()
{
    local prog=$1
    shift
    record -- "$BIN/$prog" "$@"
}

# dbg_record_calls: records dbg_calls and checks what it printed.
dbg_record_calls()
{
    dbg_record dbg_calls
    assert_grep '^done total 10 counter 8 squares 30 last 1008$' "$RR_OUT"
}

# dbg_gdb NAME [DEBUG-OPTIONS...] [-- GDB-ARGS...] <SCRIPT
#
# Writes the script (stdin) to $T/NAME.gdb and runs
#   rewind debug $RR_DIR DEBUG-OPTIONS -- -nx -batch GDB-ARGS -x $T/NAME.gdb
# (with --checkpoint-interval $DBG_CHECKPOINT_INTERVAL if that is set and the
# options have none)
# with stdin from /dev/null.  gdb's stdout and stderr (and the replayed
# program's output) go to $T/NAME.out (DBG_OUT); the exit status is DBG_RC.
# A session that does not end within DBG_TIMEOUT seconds fails the test.
dbg_gdb()
{
    local name=$1 opts=() gargs=()
    shift
    while [ $# -gt 0 ]; do
        if [ "$1" = -- ]; then
            shift
            gargs=("$@")
            break
        fi
        opts+=("$1")
        shift
    done
    # checkpoints much closer together than by default (a test, or a whole
    # run of this file with DBG_CHECKPOINT_INTERVAL set)
    if [ -n "${DBG_CHECKPOINT_INTERVAL:-}" ] && [[ " ${opts[*]} " != *" --checkpoint-interval "* ]]; then
        opts+=(--checkpoint-interval "$DBG_CHECKPOINT_INTERVAL")
    fi
    cat >"$T/$name.gdb"
    DBG_NAME=$name
    DBG_OUT=$T/$name.out
    watch_err "$DBG_OUT"
    env -u DEBUGINFOD_URLS timeout -k 5 "$DBG_TIMEOUT" "$REWIND" debug "$RR_DIR" "${opts[@]}" \
        -- -nx -batch "${gargs[@]}" -x "$T/$name.gdb" </dev/null >"$DBG_OUT" 2>&1
    DBG_RC=$?
    if [ "$DBG_RC" = 124 ] || [ "$DBG_RC" = 137 ]; then
        dbg_show all
        fail "gdb session $name did not end within ${DBG_TIMEOUT}s"
    fi
    no_crash "rewind debug ($name)" "$DBG_OUT"
}

# dbg_section NAME: the lines of the last session's output after the line
# "--- NAME" up to the next line starting with "--- " (all: the whole output).
dbg_section()
{
    if [ "$1" = all ]; then
        cat "$DBG_OUT"
        return
    fi
    awk -v m="--- $1" '$0 == m { on = 1; next } /^--- / { on = 0 } on' "$DBG_OUT"
}

# dbg_show SECTION: the section (or the session's whole output if the
# section is empty) into the failure report.
dbg_show()
{
    local what=$1
    dbg_section "$what" >"$T/.section"
    if [ ! -s "$T/.section" ]; then
        what=all
        cat "$DBG_OUT" >"$T/.section"
    fi
    {
        echo "--- gdb output of $DBG_NAME ($what; script $DBG_NAME.gdb, exit status $DBG_RC):"
        head -n 60 "$T/.section" | cut -c1-200 | cat -v
    } | details
}

# dbg_expect SECTION LINE: a line of the section is exactly LINE.
dbg_expect()
{
    if ! dbg_section "$1" | grep -a -q -F -x -e "$2"; then
        dbg_show "$1"
        fail "gdb ($DBG_NAME, at '$1') did not print the line '$(printf '%s' "$2" | cat -A | sed 's/\$$//')'"
    fi
}

# dbg_expect_part SECTION TEXT: a line of the section contains TEXT.
dbg_expect_part()
{
    if ! dbg_section "$1" | grep -a -q -F -e "$2"; then
        dbg_show "$1"
        fail "gdb ($DBG_NAME, at '$1') printed no line containing '$2'"
    fi
}

# dbg_expect_none SECTION TEXT: no line of the section contains TEXT.
dbg_expect_none()
{
    if dbg_section "$1" | grep -a -q -F -e "$2"; then
        dbg_show "$1"
        fail "gdb ($DBG_NAME, at '$1') printed a line containing '$2'"
    fi
}

# dbg_event VAR ERE: sets VAR to the number of the first event of the last
# recording whose `rewind dump` line matches ERE.
dbg_event()
{
    local e
    rw dump "$RR_DIR" >"$T/dump.out" 2>"$T/dump.err"
    e=$(grep -a -E -m 1 -e "$2" "$T/dump.out" | awk '{ print $1 }')
    if [ -z "$e" ]; then
        { echo "--- rewind dump:"; head -n 60 "$T/dump.out"; } | details
        fail "rewind dump shows no event matching /$2/"
    fi
    printf -v "$1" '%s' "$e"
}

# ---- forwards --------------------------------------------------------------

# break, continue, next, step, finish and print on the replay of dbg_calls.
t_dbg_basic()
{
    local l_before l_total l_bump l_square l_last
    dbg_record_calls
    dbg_line l_before dbg_calls.c 'int before = total;'
    dbg_line l_total dbg_calls.c '^    total = before \+ x;'
    dbg_line l_bump dbg_calls.c '^        bump_counter\(\);'
    dbg_line l_square dbg_calls.c 'squares \+= square_of'
    dbg_line l_last dbg_calls.c 'last = total \* 100'
    dbg_gdb basic <<EOF
echo --- break\n
break add_to
continue
echo --- next\n
next
print before
next
print total
echo --- finish\n
finish
echo --- step\n
step
print counter
finish
step
print v
finish
echo --- last\n
delete
tbreak $l_last
continue
print total
print counter
print squares
print i
next
print last
echo --- end\n
continue
EOF
    dbg_expect_part break "Breakpoint 1 at "
    dbg_expect_part break "Breakpoint 1, add_to (x=1) at dbg_calls.c:$l_before"
    dbg_expect break "$(dbg_src dbg_calls.c "$l_before")"
    dbg_expect next "$(dbg_src dbg_calls.c "$l_total")"
    dbg_expect next '$1 = 0'
    dbg_expect next '$2 = 1'
    # add_to's value is not used: it returns to the start of the next line
    dbg_expect_part finish "main () at dbg_calls.c:$l_bump"
    dbg_expect finish "$(dbg_src dbg_calls.c "$l_bump")"
    dbg_expect finish 'Value returned is $3 = 1'
    dbg_expect_part step 'bump_counter () at dbg_calls.c:'
    dbg_expect step '$4 = 0'
    dbg_expect step "$(dbg_src dbg_calls.c "$l_square")"
    dbg_expect_part step 'square_of (v=1) at dbg_calls.c:'
    dbg_expect step '$5 = 1'
    dbg_expect step 'Value returned is $6 = 1'
    dbg_expect_part last "main () at dbg_calls.c:$l_last"
    dbg_expect last '$7 = 10'
    dbg_expect last '$8 = 8'
    dbg_expect last '$9 = 30'
    dbg_expect last '$10 = 4'
    dbg_expect last '$11 = 1008'
    dbg_expect_part end '[Inferior 1 (process '
    dbg_expect_part end ') exited normally]'
    if [ "$DBG_RC" != 0 ]; then dbg_show all; fail "gdb exited with status $DBG_RC"; fi
}

# watch + continue forwards: gdb shows each change of total where it happened.
t_dbg_watch_forward()
{
    local l_return
    dbg_record_calls
    dbg_line l_return dbg_calls.c 'return total;'
    dbg_gdb watch <<'EOF'
watch total
echo --- w1\n
continue
echo --- w2\n
continue
echo --- w3\n
continue
print x
EOF
    dbg_expect_part w1 'atchpoint 1: total'
    dbg_expect w1 'Old value = 0'
    dbg_expect w1 'New value = 1'
    dbg_expect_part w1 "add_to (x=1) at dbg_calls.c:$l_return"
    dbg_expect w2 'Old value = 1'
    dbg_expect w2 'New value = 3'
    dbg_expect_part w2 "add_to (x=2) at dbg_calls.c:$l_return"
    dbg_expect w3 'Old value = 3'
    dbg_expect w3 'New value = 6'
    dbg_expect w3 '$1 = 3'
}

# ---- backwards -------------------------------------------------------------

# Three hits of a breakpoint forwards, then reverse-continue: the 2nd hit,
# with the memory of that moment; once more: the 1st; then forwards again.
t_dbg_reverse_breakpoint()
{
    dbg_record_calls
    dbg_gdb revbreak <<'EOF'
break add_to
continue
continue
echo --- third\n
continue
print total
echo --- rev1\n
reverse-continue
print x
print total
echo --- rev2\n
reverse-continue
print x
print total
echo --- fwd\n
continue
print x
print total
EOF
    dbg_expect_part third 'Breakpoint 1, add_to (x=3)'
    dbg_expect third '$1 = 3'
    dbg_expect_part rev1 'Breakpoint 1, add_to (x=2)'
    dbg_expect rev1 '$2 = 2'
    dbg_expect rev1 '$3 = 1'
    dbg_expect_part rev2 'Breakpoint 1, add_to (x=1)'
    dbg_expect rev2 '$4 = 1'
    dbg_expect rev2 '$5 = 0'
    dbg_expect_part fwd 'Breakpoint 1, add_to (x=2)'
    dbg_expect fwd '$6 = 2'
    dbg_expect fwd '$7 = 1'
}

# A watchpoint in reverse stops at each write of total, latest first: gdb
# shows Old value = the later value, New value = the earlier one, at the
# line of the write; before the first write there is no more history.
t_dbg_reverse_watch()
{
    local l_total l_last
    dbg_record_calls
    dbg_line l_total dbg_calls.c '^    total = before \+ x;'
    dbg_line l_last dbg_calls.c 'last = total \* 100'
    dbg_gdb revwatch <<EOF
break $l_last
continue
delete
watch total
echo --- r1\n
reverse-continue
echo --- r2\n
reverse-continue
echo --- r3\n
reverse-continue
echo --- r4\n
reverse-continue
print x
echo --- r5\n
reverse-continue
EOF
    dbg_expect r1 'Old value = 10'
    dbg_expect r1 'New value = 6'
    dbg_expect_part r1 "add_to (x=4) at dbg_calls.c:$l_total"
    dbg_expect r1 "$(dbg_src dbg_calls.c "$l_total")"
    dbg_expect r2 'Old value = 6'
    dbg_expect r2 'New value = 3'
    dbg_expect_part r2 "add_to (x=3) at dbg_calls.c:$l_total"
    dbg_expect r3 'Old value = 3'
    dbg_expect r3 'New value = 1'
    dbg_expect r4 'Old value = 1'
    dbg_expect r4 'New value = 0'
    dbg_expect r4 '$1 = 1'
    dbg_expect r5 'No more reverse-execution history.'
    dbg_expect_none r5 'Old value'
}

# A conditional watchpoint.  Forwards from main, `watch counter` with the
# condition counter > 5 stops only where counter becomes 6 (the second loop,
# i = 1).  In reverse from the end (counter 8), `watch counter if counter ==
# 3` stops only where going back makes counter 3: before the write of 4, in
# round 4 of the first loop (gdb: Old value = 4, New value = 3); further back
# no write leaves counter at 3, so the history runs out.
t_dbg_reverse_watch_condition()
{
    local l_last
    dbg_record_calls
    dbg_line l_last dbg_calls.c 'last = total \* 100'
    dbg_gdb revcond <<EOF
break main
continue
delete
echo --- fwd\n
watch counter
condition 2 counter > 5
continue
print counter
up
print i
echo --- rev\n
delete
break $l_last
continue
delete
watch counter if counter == 3
reverse-continue
print counter
up
print i
echo --- rev2\n
reverse-continue
EOF
    dbg_expect fwd 'Old value = 5'
    dbg_expect fwd 'New value = 6'
    dbg_expect fwd '$1 = 6'
    dbg_expect fwd '$2 = 1'
    dbg_expect rev 'Old value = 4'
    dbg_expect rev 'New value = 3'
    dbg_expect_part rev 'bump_counter () at dbg_calls.c:'
    dbg_expect rev '$3 = 3'
    dbg_expect rev '$4 = 4'
    dbg_expect_none rev 'New value = 7'
    dbg_expect_none rev 'New value = 2'
    dbg_expect rev2 'No more reverse-execution history.'
    dbg_expect_none rev2 'Old value'
}

# reverse-next over a call, reverse-step into the callee's last line,
# reverse-finish back to the caller's call line (before the call).
t_dbg_reverse_step()
{
    local l_call l_bump l_end
    dbg_record_calls
    dbg_line l_call dbg_calls.c '^        add_to\(i\);'
    dbg_line l_bump dbg_calls.c '^        bump_counter\(\);'
    # the closing brace of add_to
    dbg_line l_end dbg_calls.c 'return total;'
    l_end=$((l_end + 1))
    dbg_gdb revstep <<EOF
break $l_bump if i == 3
continue
print counter
next
print counter
echo --- rnext\n
reverse-next
print counter
print total
echo --- rstep\n
reverse-step
print x
print total
echo --- rfinish\n
reverse-finish
print total
print i
EOF
    dbg_expect rnext "$(dbg_src dbg_calls.c "$l_bump")"
    dbg_expect_none rnext 'bump_counter () at'
    dbg_expect rnext '$3 = 2'
    dbg_expect rnext '$4 = 6'
    dbg_expect_part rstep "add_to (x=3) at dbg_calls.c:$l_end"
    dbg_expect rstep "$(dbg_src dbg_calls.c "$l_end")"
    dbg_expect rstep '$5 = 3'
    dbg_expect rstep '$6 = 6'
    dbg_expect_part rfinish "main () at dbg_calls.c:$l_call"
    dbg_expect rfinish "$(dbg_src dbg_calls.c "$l_call")"
    dbg_expect rfinish '$7 = 3'
    dbg_expect rfinish '$8 = 3'
}

# From main, reverse-continue with no breakpoint runs back to the start of
# the process (the pc where the session began), then forwards to the end.
t_dbg_history_start()
{
    local a b
    dbg_record_calls
    dbg_gdb histstart <<'EOF'
echo --- start\n
info registers rip
break main
continue
delete
echo --- back\n
reverse-continue
info registers rip
echo --- again\n
reverse-continue
echo --- end\n
continue
EOF
    dbg_expect back 'No more reverse-execution history.'
    a=$(dbg_section start | grep -a -E '^rip ')
    b=$(dbg_section back | grep -a -E '^rip ')
    if [ -z "$a" ] || [ "$a" != "$b" ]; then
        dbg_show all
        fail "back at the start, rip is '$b'; the session began at '$a'"
    fi
    dbg_expect again 'No more reverse-execution history.'
    dbg_expect_part end ') exited normally]'
}

# ---- threads and processes -------------------------------------------------

# dbg_threads: workers 0, 1, 2 take turns; the n-th stop in worker_note is
# worker (n-1)%3, round (n-1)/3.  gdb must see the threads, stop in the
# worker's thread, and reverse-continue to the previous hit in its thread.
t_dbg_threads()
{
    local -a hits=() cur_of=()
    local h n i exp cur
    dbg_record dbg_threads
    assert_grep '^notes 102 202 302$' "$RR_OUT"
    dbg_gdb threads <<'EOF'
break worker_note
echo --- h1\n
continue
thread
info threads
echo --- h2\n
continue
thread
echo --- h3\n
continue
thread
echo --- r2\n
reverse-continue
thread
print id
print round
print notes[1]
echo --- r1\n
reverse-continue
thread
print id
echo --- f2\n
continue
thread
echo --- f3\n
continue
thread
echo --- f4\n
continue
thread
print id
print round
EOF
    if [ "$(dbg_section h1 | grep -a -c -E '^[* ] +[0-9]+ +Thread ')" != 4 ]; then
        dbg_show h1
        fail "info threads at the first stop does not list 4 threads (main and 3 workers)"
    fi
    # "Thread N hit Breakpoint 1, worker_note (id=I, round=R)", and the tid
    # gdb gives for thread N ("[Current thread is N (Thread P.TID)]").
    for h in h1 h2 h3 r2 r1 f2 f3 f4; do
        hits[${#hits[@]}]=$(dbg_section $h | grep -a -o -E '^Thread [0-9]+ ("[^"]*" )?hit Breakpoint 1, worker_note \(id=[0-9], round=[0-9]\)' | sed -E 's/ "[^"]*"//')
        cur=$(dbg_section $h | grep -a -o -E '^\[Current thread is [0-9]+ \(Thread [0-9.]+\)\]')
        if [ -z "${hits[-1]}" ] || [ -z "$cur" ]; then
            dbg_show $h
            fail "no stop in worker_note, or no current thread, at '$h'"
        fi
        case $cur in
        "[Current thread is 1 "*) dbg_show $h; fail "the stop at '$h' is in thread 1 (main), not in a worker" ;;
        esac
        cur_of[${#cur_of[@]}]=$cur
    done
    # forwards: workers 0, 1, 2 in round 0, each in its own thread
    for i in 0 1 2; do
        exp="hit Breakpoint 1, worker_note (id=$i, round=0)"
        if [ "${hits[i]#Thread * }" != "$exp" ]; then
            dbg_show "h$((i + 1))"
            fail "stop $((i + 1)) forwards: '${hits[i]}', expected worker $i round 0"
        fi
    done
    if [ "${cur_of[0]}" = "${cur_of[1]}" ] || [ "${cur_of[1]}" = "${cur_of[2]}" ] || [ "${cur_of[0]}" = "${cur_of[2]}" ]; then
        dbg_show all
        fail "workers 0, 1 and 2 stopped in the same thread: ${cur_of[*]}"
    fi
    # reverse-continue from worker 2's hit: worker 1's hit, in its thread
    n=3
    if [ "${hits[n]}" != "${hits[1]}" ] || [ "${cur_of[n]}" != "${cur_of[1]}" ]; then
        dbg_show r2
        fail "reverse-continue from the 3rd hit stopped at '${hits[n]}' ${cur_of[n]}, expected the 2nd: '${hits[1]}' ${cur_of[1]}"
    fi
    dbg_expect r2 '$1 = 1'
    dbg_expect r2 '$2 = 0'
    # worker 1's note is written after the breakpoint: still 0 there
    dbg_expect r2 '$3 = 0'
    n=4
    if [ "${hits[n]}" != "${hits[0]}" ] || [ "${cur_of[n]}" != "${cur_of[0]}" ]; then
        dbg_show r1
        fail "the 2nd reverse-continue stopped at '${hits[n]}' ${cur_of[n]}, expected the 1st hit: '${hits[0]}' ${cur_of[0]}"
    fi
    dbg_expect r1 '$4 = 0'
    # forwards again: workers 1, 2, then worker 0's round 1 in worker 0's thread
    if [ "${hits[5]}" != "${hits[1]}" ] || [ "${cur_of[5]}" != "${cur_of[1]}" ] ||
        [ "${hits[6]}" != "${hits[2]}" ] || [ "${cur_of[6]}" != "${cur_of[2]}" ]; then
        dbg_show all
        fail "forwards after reverse: '${hits[5]}' ${cur_of[5]}, '${hits[6]}' ${cur_of[6]}; expected the 2nd and 3rd hits again"
    fi
    if [ "${hits[7]#Thread * }" != "hit Breakpoint 1, worker_note (id=0, round=1)" ] || [ "${cur_of[7]}" != "${cur_of[0]}" ]; then
        dbg_show f4
        fail "the 4th hit is '${hits[7]}' ${cur_of[7]}, expected worker 0 round 1 in ${cur_of[0]}"
    fi
    dbg_expect f4 '$5 = 0'
    dbg_expect f4 '$6 = 1'
}

# A forked child, chosen with -p (its pid from rewind ps): only it calls
# child_only(4242), and it exits 42.  Without -p gdb debugs the parent, which
# calls parent_only(17) and never child_only.
t_dbg_fork_child()
{
    local parent child
    dbg_record dbg_fork
    assert_grep '^parent [0-9]+: child exited 42, parent value 51$' "$RR_OUT"
    rw ps "$RR_DIR" >"$T/ps.out" 2>"$T/ps.err"
    expect_status "rewind ps" $? 0
    # PID PPID EXIT CMD; the first process has PPID "-"
    parent=$(awk 'NR > 1 && $2 == "-" { print $1 }' "$T/ps.out")
    child=$(awk -v p="$parent" 'NR > 1 && $2 == p { print $1 }' "$T/ps.out")
    if [ -z "$parent" ] || [ -z "$child" ] || [ "$(printf '%s\n' "$child" | wc -l)" != 1 ]; then
        { echo "--- rewind ps:"; cat "$T/ps.out"; } | details
        fail "rewind ps does not show one parent and its one child"
    fi
    dbg_gdb child -p "$child" <<'EOF'
break child_only
break parent_only
echo --- hit\n
continue
print v
print child_value
finish
echo --- end\n
continue
EOF
    dbg_expect_part hit 'Breakpoint 1, child_only (v=4242)'
    dbg_expect hit '$1 = 4242'
    dbg_expect hit '$2 = 0'
    dbg_expect hit 'Value returned is $3 = 8484'
    dbg_expect_none all 'Breakpoint 2,'
    dbg_expect_part end "[Inferior 1 (process $child) exited with code 052]"
    dbg_gdb parent <<'EOF'
break child_only
break parent_only
echo --- hit\n
continue
print v
echo --- end\n
continue
EOF
    dbg_expect_part hit 'Breakpoint 2, parent_only (v=17)'
    dbg_expect hit '$1 = 17'
    dbg_expect_none all 'Breakpoint 1,'
    dbg_expect_part end "[Inferior 1 (process $parent) exited normally]"
}

# ---- restarting and moving around ------------------------------------------

# gdb's `run` after the 3rd hit starts the replay again: the 1st hit again.
t_dbg_run_restart()
{
    dbg_record_calls
    dbg_gdb run <<'EOF'
set confirm off
break add_to
continue
continue
echo --- third\n
continue
print x
echo --- run\n
run
print x
print total
echo --- cont\n
continue
print x
EOF
    dbg_expect_part third 'Breakpoint 1, add_to (x=3)'
    dbg_expect third '$1 = 3'
    dbg_expect_part run 'Breakpoint 1, add_to (x=1)'
    dbg_expect run '$2 = 1'
    dbg_expect run '$3 = 0'
    dbg_expect_part cont 'Breakpoint 1, add_to (x=2)'
    dbg_expect cont '$4 = 2'
}

# monitor when / monitor goto EVENT, events taken from rewind dump.  The
# start of event K is where the replay heads for K: for K = the write of
# round 3, round 2 is complete (total 3, counter 2); for the write of round
# 1, nothing of main's loop has run yet.  `debug -e K` starts there too.
# Nothing is flushed by hand: after a monitor command that moved the replay,
# the gdb that `rewind debug` starts must show the new position at once.
t_dbg_monitor_goto()
{
    local e1 e2 e3 n
    dbg_record_calls
    dbg_event e1 'write\(1, "round 1 total 1'
    dbg_event e2 'write\(1, "round 2 total 3'
    dbg_event e3 'write\(1, "round 3 total 6'
    n=$(($(tail -n 1 "$T/dump.out" | awk '{ print $1 }') + 1))
    dbg_gdb goto <<EOF
echo --- help\n
monitor help
echo --- when\n
break add_to
continue
continue
monitor when
echo --- goto3\n
monitor goto $e3
monitor when
print total
print counter
echo --- goto1\n
monitor goto $e1
monitor when
print total
print counter
echo --- cont\n
continue
print x
monitor when
echo --- bad\n
monitor goto 99999
monitor bogus
EOF
    dbg_expect_part help 'goto EVENT'
    dbg_expect_part when 'Breakpoint 1, add_to (x=2)'
    dbg_expect when "Current event: $e2"
    dbg_expect goto3 "Current event: $e3"
    dbg_expect goto3 '$1 = 3'
    dbg_expect goto3 '$2 = 2'
    dbg_expect goto1 "Current event: $e1"
    dbg_expect goto1 '$3 = 0'
    dbg_expect goto1 '$4 = 0'
    dbg_expect_part cont 'Breakpoint 1, add_to (x=1)'
    dbg_expect cont '$5 = 1'
    dbg_expect cont "Current event: $e1"
    dbg_expect_part bad "rewind: the recording has $n events"
    dbg_expect_part bad "rewind: unknown monitor command 'bogus'"
    dbg_gdb start_e -e "$e3" <<'EOF'
echo --- when\n
monitor when
print total
print counter
echo --- cont\n
break add_to
continue
EOF
    dbg_expect when "Current event: $e3"
    dbg_expect when '$1 = 3'
    dbg_expect when '$2 = 2'
    dbg_expect_part cont 'Breakpoint 1, add_to (x=3)'
}

# monitor checkpoint at the 2nd hit, two hits forwards, monitor restart 1:
# back at the 2nd hit (x 2, total 1; x is on the stack, which gdb caches),
# and forwards from there.
t_dbg_monitor_checkpoint()
{
    local e2
    dbg_record_calls
    dbg_event e2 'write\(1, "round 2 total 3'
    dbg_gdb checkpoint <<'EOF'
break add_to
continue
continue
echo --- mark\n
monitor checkpoint
monitor checkpoints
continue
continue
print x
print total
echo --- back\n
monitor restart 1
print x
print total
bt 1
echo --- fwd\n
continue
print x
print total
echo --- bad\n
monitor restart 7
EOF
    dbg_expect mark "Checkpoint 1 at event $e2"
    dbg_expect_part mark "1: event $e2, thread "
    dbg_expect mark '$1 = 4'
    dbg_expect mark '$2 = 6'
    dbg_expect back "At checkpoint 1 (event $e2)."
    dbg_expect back '$3 = 2'
    dbg_expect back '$4 = 1'
    dbg_expect_part back '#0  add_to (x=2)'
    dbg_expect_part fwd 'Breakpoint 1, add_to (x=3)'
    dbg_expect fwd '$5 = 3'
    dbg_expect fwd '$6 = 3'
    dbg_expect_part bad 'rewind: no checkpoint 7'
}
# ---- checkpoints of the whole tree --------------------------------------------

# dbg_child VAR: sets VAR to the pid of the last recording's only child of
# its first process (from rewind ps).
dbg_child()
{
    local parent kids
    rw ps "$RR_DIR" >"$T/ps.out" 2>"$T/ps.err"
    parent=$(awk 'NR > 1 && $2 == "-" { print $1 }' "$T/ps.out")
    kids=$(awk -v p="$parent" 'NR > 1 && $2 == p { print $1 }' "$T/ps.out")
    if [ -z "$kids" ] || [ "$(printf '%s\n' "$kids" | wc -l)" != 1 ]; then
        { echo "--- rewind ps:"; cat "$T/ps.out"; } | details
        fail "rewind ps does not show one child of the first process"
    fi
    printf -v "$1" '%s' "$kids"
}


# dbg_same_without_checkpoints NAME EXTRA-ERE [DEBUG-OPTIONS...]: runs the
# script of session NAME again with no checkpoints at all (everything
# re-executed from the start) and checks that gdb printed the same, leaving
# out the program's own lines (EXTRA-ERE) and what `monitor checkpoints` says
# of the automatic ones.
dbg_same_without_checkpoints()
{
    local name=$1 extra=$2 filter='^(Automatic checkpoints|  at event |Went back last )'
    cp "$DBG_OUT" "$T/$name.with.out"
    dbg_gdb "$name-none" "${@:3}" --checkpoint-interval 0 <"$T/$name.gdb"
    grep -a -v -E -e "$filter" -e "$extra" "$T/$name.with.out" >"$T/$name.with.cmp"
    grep -a -v -E -e "$filter" -e "$extra" "$DBG_OUT" >"$T/$name.none.cmp"
    if ! cmp -s "$T/$name.with.cmp" "$T/$name.none.cmp"; then
        { echo "--- with checkpoints / without:"; diff "$T/$name.with.cmp" "$T/$name.none.cmp" | head -n 40; } | details
        fail "gdb printed something else going back from checkpoints than re-executing from the start"
    fi
}

# A forked child (-p), while its parent waits in waitpid and the parent's
# helper thread in read: checkpoints every 4 events copy two processes and
# three threads.  Going back from the child's 4th step: steps 3 and 2 with
# their totals, the write that last changed child_total (reverse watch), and
# forwards again; the same as without checkpoints.
t_dbg_tree_checkpoints()
{
    local child
    dbg_record dbg_procs
    assert_grep '^child exited 7, parent total 10$' "$RR_OUT"
    dbg_child child
    dbg_gdb tree -p "$child" --checkpoint-interval 4 <<'EOF'
break child_step
continue
continue
continue
continue
print i
print child_total
echo --- back\n
reverse-continue
print i
print child_total
reverse-continue
print i
print child_total
echo --- ckpts\n
monitor checkpoints
echo --- watch\n
watch child_total
reverse-continue
print i
echo --- fwd\n
delete
break child_step
continue
print i
print child_total
continue
print i
EOF
    dbg_expect back '$3 = 3'
    dbg_expect back '$4 = 3'
    dbg_expect back '$5 = 2'
    dbg_expect back '$6 = 1'
    dbg_expect_part ckpts ': 2 processes, 3 threads'
    dbg_expect_part ckpts 'Went back last from the automatic checkpoint at event '
    dbg_expect watch 'Old value = 1'
    dbg_expect watch 'New value = 0'
    dbg_expect watch '$7 = 1'
    dbg_expect_part fwd 'Breakpoint 3, child_step (i=2)'
    dbg_expect fwd '$8 = 2'
    dbg_expect fwd '$9 = 1'
    dbg_expect fwd '$10 = 3'
    dbg_same_without_checkpoints tree '^(child|parent|helper) step ' -p "$child"
}

# The parent of dbg_procs: back from its 3rd step to its 1st, then to where
# its helper thread started (before the fork), and forwards again; the
# checkpoints on the way hold one process with one or two threads (and two
# processes if one falls at the fork: that depends on the recording's order).
t_dbg_parent_checkpoints()
{
    dbg_record dbg_procs
    dbg_gdb parent --checkpoint-interval 4 <<'EOF'
break parent_step
continue
continue
continue
echo --- back\n
reverse-continue
print i
print parent_total
reverse-continue
print i
info threads
echo --- helper\n
break helper_main
reverse-continue
print arg
echo --- ckpts\n
monitor checkpoints
echo --- fwd\n
continue
print i
continue
continue
print i
print parent_total
EOF
    dbg_expect back '$1 = 2'
    dbg_expect back '$2 = 1'
    dbg_expect back '$3 = 1'
    dbg_expect_part back '__GI___libc_read'
    dbg_expect_part helper 'hit Breakpoint 2, helper_main ('
    dbg_expect_part ckpts ': 1 process, 2 threads'
    dbg_expect_part ckpts 'Went back last from the automatic checkpoint at event '
    dbg_expect_part fwd 'hit Breakpoint 1, parent_step (i=1)'
    dbg_expect fwd '$5 = 1'
    dbg_expect fwd '$6 = 3'
    dbg_expect fwd '$7 = 3'
    dbg_same_without_checkpoints parent '^(child|parent|helper) step '
}

# dbg_shared's child (-p) adds to an anonymous shared page and to a shared
# memory file, round by round, while its parent waits: checkpoints every 2
# events keep those contents, so going back shows the totals of that time
# (without them the copies would show what the replay wrote last).
t_dbg_shared_checkpoints()
{
    local child
    dbg_record dbg_shared
    assert_grep '^totals 36 36 rounds 8$' "$RR_OUT"
    dbg_child child
    dbg_gdb shared -p "$child" --checkpoint-interval 2 <<'EOF'
break child_round
continue
continue
continue
continue
continue
print anon->total
echo --- back\n
reverse-continue
print i
print anon->total
print *file_total
reverse-continue
print i
print anon->total
print *file_total
echo --- ckpts\n
monitor checkpoints
echo --- fwd\n
continue
print i
print anon->total
print *file_total
EOF
    dbg_expect all '$1 = 15'
    dbg_expect back '$2 = 4'
    dbg_expect back '$3 = 10'
    dbg_expect back '$4 = 10'
    dbg_expect back '$5 = 3'
    dbg_expect back '$6 = 6'
    dbg_expect back '$7 = 6'
    dbg_expect_part ckpts ': 2 processes, 2 threads'
    dbg_expect_part ckpts 'Went back last from the automatic checkpoint at event '
    dbg_expect fwd '$8 = 4'
    dbg_expect fwd '$9 = 10'
    dbg_expect fwd '$10 = 10'
    dbg_same_without_checkpoints shared '^round [0-9]' -p "$child"
}

# dbg_threads with checkpoints every 8 events (one process, four threads,
# three of them waiting in futex): back over worker turns in different
# threads, worker 0's note changing forwards and back (a watchpoint), and
# forwards again.
t_dbg_threads_checkpoints()
{
    dbg_record dbg_threads
    dbg_gdb mt --checkpoint-interval 8 <<'EOF'
break worker_note
continue
continue
continue
continue
continue
echo --- back\n
reverse-continue
print id
print round
reverse-continue
print id
print round
reverse-continue
print id
print round
print notes
echo --- ckpts\n
monitor checkpoints
echo --- watch\n
delete
watch notes[0]
continue
print notes[0]
reverse-continue
print notes[0]
echo --- fwd\n
delete
break worker_note
continue
print id
print round
EOF
    dbg_expect back '$1 = 0'
    dbg_expect back '$2 = 1'
    dbg_expect back '$3 = 2'
    dbg_expect back '$4 = 0'
    dbg_expect back '$5 = 1'
    dbg_expect back '$6 = 0'
    dbg_expect back '$7 = {100, 0, 0}'
    dbg_expect_part ckpts ': 1 process, 4 threads'
    dbg_expect_part ckpts 'Went back last from the automatic checkpoint at event '
    dbg_expect watch 'Old value = 100'
    dbg_expect watch 'New value = 101'
    dbg_expect watch '$8 = 101'
    dbg_expect watch 'Old value = 101'
    dbg_expect watch 'New value = 100'
    dbg_expect watch '$9 = 100'
    dbg_expect_part fwd 'hit Breakpoint 3, worker_note (id=1, round=1)'
    dbg_expect fwd '$10 = 1'
    dbg_expect fwd '$11 = 1'
    dbg_same_without_checkpoints mt '^worker [0-9] round '
}

# ---- computations preempted in the middle --------------------------------------

# dbg_spin recorded with 2 ms slices: its two threads are preempted dozens of
# times inside their loops, and every milestone() call in between must be
# seen.  Forwards: the 16 calls with the values the program printed (each
# thread's calls in order).  Then back over the last hits (the order the
# first session saw), a watchpoint on one milestone's slot in reverse and
# forwards, and the same again without checkpoints.
t_dbg_preempted_loops()
{
    local npre order
    record --slice 2 -- "$BIN/dbg_spin"
    if [ "$(grep -c '^thread [01] milestone [1-8] acc [0-9]*$' "$RR_OUT")" != 16 ]; then fail "dbg_spin did not print its 16 milestones"; fi
    rw dump "$RR_DIR" >"$T/dump.out" 2>"$T/dump.err"
    npre=$(grep -c -- '--- preempted at ' "$T/dump.out")
    if [ "$npre" -lt 10 ]; then
        fail "only $npre preemptions in the recording: the test needs its threads stopped mid-loop"
    fi
    dbg_gdb fwd <<'EOF'
break milestone
commands
silent
printf "hit %d %ld %lu\n", id, m, acc
continue
end
continue
EOF
    dbg_expect_none all 'is loaded instead'
    dbg_expect_none all 'single arrivals'
    # every milestone, with the value the program computed
    grep -a -E '^hit [01] [0-9]+ [0-9]+$' "$DBG_OUT" >"$T/hits"
    sed -E -n 's/^thread ([01]) milestone ([0-9]+) acc ([0-9]+)$/hit \1 \2 \3/p' "$RR_OUT" | sort >"$T/expected"
    if ! sort "$T/hits" | cmp -s - "$T/expected"; then
        { echo "--- hits seen / computed:"; sort "$T/hits" | diff - "$T/expected"; } | details
        fail "gdb did not see every milestone() call with the recorded values"
    fi
    for i in 0 1; do
        order=$(awk -v t="$i" '$2 == t { printf "%s ", $3 }' "$T/hits")
        if [ "$order" != "1 2 3 4 5 6 7 8 " ]; then fail "thread $i's milestones came in the order $order"; fi
    done
    # back from the 10th hit: the 9th, 8th and 7th, as the first session saw them
    dbg_gdb back --checkpoint-interval 16 <<'EOF'
break milestone
ignore 1 9
continue
printf "at %d %ld %lu\n", id, m, acc
echo --- back\n
reverse-continue
printf "at %d %ld %lu\n", id, m, acc
reverse-continue
printf "at %d %ld %lu\n", id, m, acc
reverse-continue
printf "at %d %ld %lu\n", id, m, acc
echo --- watch\n
delete
watch marks[1][3]
reverse-continue
print marks[1][3]
continue
print marks[1][3]
EOF
    dbg_expect all "at $(sed -n 10p "$T/hits" | cut -d' ' -f2-)"
    dbg_expect back "at $(sed -n 9p "$T/hits" | cut -d' ' -f2-)"
    dbg_expect back "at $(sed -n 8p "$T/hits" | cut -d' ' -f2-)"
    dbg_expect back "at $(sed -n 7p "$T/hits" | cut -d' ' -f2-)"
    local acc13
    acc13=$(awk '$2 == 1 && $3 == 3 { print $4 }' "$T/hits")
    dbg_expect watch "Old value = $acc13"
    dbg_expect watch 'New value = 0'
    dbg_expect watch '$1 = 0'
    dbg_expect watch "New value = $acc13"
    dbg_expect watch "\$2 = $acc13"
    dbg_same_without_checkpoints back '^thread [01] milestone '
}

# ---- binaries ----------------------------------------------------------------

# The recorded binary is deleted before debugging: gdb still gets symbols
# and source lines, from the copy in the trace (served over vFile).
t_dbg_deleted_binary()
{
    local l_before
    mkdir -p "$T/gone"
    cp "$BIN/dbg_calls" "$T/gone/dbg_gone"
    record -- "$T/gone/dbg_gone"
    assert_grep '^done total 10 counter 8 squares 30 last 1008$' "$RR_OUT"
    rm -f "$T/gone/dbg_gone"
    dbg_line l_before dbg_calls.c 'int before = total;'
    dbg_gdb deleted <<'EOF'
break add_to
continue
echo --- hit\n
continue
print total
info symbol $pc
EOF
    if [ -e "$T/gone/dbg_gone" ]; then fail "the binary came back"; fi
    dbg_expect_part all "Reading symbols from target:$T/gone/dbg_gone"
    dbg_expect_part hit "Breakpoint 1, add_to (x=2) at dbg_calls.c:$l_before"
    dbg_expect hit "$(dbg_src dbg_calls.c "$l_before")"
    dbg_expect hit '$1 = 1'
    dbg_expect_part hit "add_to + "
    dbg_expect_part hit "of target:$T/gone/dbg_gone"
}

# A stripped copy is recorded; gdb given the unstripped binary (file) finds
# add_to by name.  (Without it, gdb has no add_to: the copy is stripped.)
t_dbg_stripped_binary()
{
    local l_before
    strip -o "$T/dbg_stripped" "$BIN/dbg_calls" || fail "strip failed"
    record -- "$T/dbg_stripped"
    assert_grep '^done total 10 counter 8 squares 30 last 1008$' "$RR_OUT"
    dbg_line l_before dbg_calls.c 'int before = total;'
    dbg_gdb nosyms <<'EOF'
break add_to
EOF
    dbg_expect_part all 'Function "add_to" not defined.'
    dbg_gdb syms -- -ex "file $BIN/dbg_calls" <<'EOF'
echo --- hit\n
break add_to
continue
continue
print x
print total
bt
EOF
    dbg_expect_part hit "Breakpoint 1, add_to (x=2) at dbg_calls.c:$l_before"
    dbg_expect hit "$(dbg_src dbg_calls.c "$l_before")"
    dbg_expect hit '$1 = 2'
    dbg_expect hit '$2 = 1'
    dbg_expect_part hit ' in main () at dbg_calls.c:'
}

# ---- rewind serve ------------------------------------------------------------

DBG_SERVER=

# dbg_serve_start: `rewind serve $RR_DIR --port P` in the background on a
# free port (DBG_PORT); DBG_SERVER is its pid, its output $T/serve.log.
dbg_serve_start()
{
    local try i
    for try in 1 2 3; do
        DBG_PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])') ||
            fail "python3 could not find a free port"
        "$REWIND" serve "$RR_DIR" --port "$DBG_PORT" </dev/null >"$T/serve.log" 2>&1 &
        DBG_SERVER=$!
        watch_err "$T/serve.log"
        for ((i = 0; i < 200; i++)); do
            if grep -a -q 'listening on' "$T/serve.log"; then return 0; fi
            if ! kill -0 "$DBG_SERVER" 2>/dev/null; then break; fi
            sleep 0.05
        done
        if kill -0 "$DBG_SERVER" 2>/dev/null; then fail "rewind serve did not say it was listening within 10 s"; fi
        wait "$DBG_SERVER"
        DBG_SERVER=
        if ! grep -a -q 'already in use' "$T/serve.log"; then fail "rewind serve ended before listening"; fi
    done
    fail "no free port found in 3 tries"
}

# dbg_serve_kill: ends a server left running (at the end of a failed test).
dbg_serve_kill()
{
    if [ -n "$DBG_SERVER" ]; then
        kill -KILL "$DBG_SERVER" 2>/dev/null
        wait "$DBG_SERVER" 2>/dev/null
        DBG_SERVER=
    fi
}

# dbg_serve_stop: SIGTERM to the server, which must end within 5 s (else the
# test fails; dbg_serve_kill then ends it); its status in DBG_SERVE_RC.
dbg_serve_stop()
{
    local i
    kill -TERM "$DBG_SERVER"
    for ((i = 0; i < 100; i++)); do
        if [ "$(awk '{ print $3 }' "/proc/$DBG_SERVER/stat" 2>/dev/null)" = Z ] ||
            ! kill -0 "$DBG_SERVER" 2>/dev/null; then
            wait "$DBG_SERVER"
            DBG_SERVE_RC=$?
            DBG_SERVER=
            return 0
        fi
        sleep 0.05
    done
    fail "rewind serve was still running 5 s after SIGTERM"
}

# dbg_left_behind: the processes of this test's process group that are still
# running (not zombies), other than the test's shells, the ps looking and
# the group's leader (run.sh's timeout).
dbg_left_behind()
{
    local pg
    pg=$(ps -o pgid= -p $$ | tr -d ' ')
    ps -eo pid=,pgid=,stat=,comm=,args= |
        awk -v g="$pg" -v me=$$ '$2 == g && $1 != g && $1 != me && $3 !~ /^Z/ && $4 != "bash" && $4 != "ps" && $4 != "awk"'
}

# dbg_remote NAME: gdb (started here, not by rewind) on the server, script
# from stdin, like dbg_gdb.
dbg_remote()
{
    local name=$1
    # checkpoints much closer together than by default (a test, or a whole
    # run of this file with DBG_CHECKPOINT_INTERVAL set)
    if [ -n "${DBG_CHECKPOINT_INTERVAL:-}" ] && [[ " ${opts[*]} " != *" --checkpoint-interval "* ]]; then
        opts+=(--checkpoint-interval "$DBG_CHECKPOINT_INTERVAL")
    fi
    cat >"$T/$name.gdb"
    DBG_NAME=$name
    DBG_OUT=$T/$name.out
    env -u DEBUGINFOD_URLS timeout -k 5 "$DBG_TIMEOUT" gdb -nx -q -batch \
        -ex "set remotetimeout 120" -ex "target extended-remote 127.0.0.1:$DBG_PORT" -x "$T/$name.gdb" </dev/null >"$DBG_OUT" 2>&1
    DBG_RC=$?
    if [ "$DBG_RC" = 124 ] || [ "$DBG_RC" = 137 ]; then
        dbg_show all
        fail "gdb session $name did not end within ${DBG_TIMEOUT}s"
    fi
}

# gdb connects to `rewind serve` itself; a second client starts from the
# start again; SIGTERM stops the server and nothing of it stays behind.
t_dbg_serve()
{
    local i left
    trap 'dbg_serve_kill; stop_bg' EXIT
    dbg_record_calls
    dbg_serve_start
    if ! grep -a -q -F "rewind: listening on 127.0.0.1:$DBG_PORT" "$T/serve.log"; then
        fail "rewind serve did not say where it listens"
    fi
    dbg_remote first <<'EOF'
break add_to
continue
echo --- hit\n
continue
print x
print total
EOF
    dbg_expect_part hit 'Breakpoint 1, add_to (x=2)'
    dbg_expect hit '$1 = 2'
    dbg_expect hit '$2 = 1'
    dbg_remote second <<'EOF'
echo --- hit\n
break add_to
continue
print x
print total
EOF
    dbg_expect_part hit 'Breakpoint 1, add_to (x=1)'
    dbg_expect hit '$1 = 1'
    dbg_expect hit '$2 = 0'
    dbg_serve_stop
    if [ "$DBG_SERVE_RC" != 0 ]; then fail "rewind serve exited with status $DBG_SERVE_RC after SIGTERM, expected 0"; fi
    no_crash "rewind serve" "$T/serve.log"
    for ((i = 0; i < 40; i++)); do
        left=$(dbg_left_behind)
        if [ -z "$left" ]; then return 0; fi
        sleep 0.05
    done
    printf '%s\n' "--- still running:" "$left" | details
    fail "processes started by rewind serve still run 2 s after it stopped"
}

# monitor restart through `rewind serve`, to a gdb rewind did not start (so
# without rewind's hooks): rewind says which commands make gdb forget the
# position it cached; after them gdb shows the checkpoint's values.
t_dbg_serve_monitor_restart()
{
    trap 'dbg_serve_kill; stop_bg' EXIT
    dbg_record_calls
    dbg_serve_start
    dbg_remote restart <<'EOF'
break add_to
continue
continue
monitor checkpoint
echo --- later\n
continue
print x
echo --- back\n
monitor restart 1
maintenance flush register-cache
maintenance flush dcache
print x
print total
bt 1
EOF
    dbg_expect later '$1 = 3'
    dbg_expect_part back 'At checkpoint 1 (event '
    dbg_expect_part back 'maintenance flush register-cache'
    dbg_expect_part back 'maintenance flush dcache'
    dbg_expect back '$2 = 2'
    dbg_expect back '$3 = 1'
    dbg_expect_part back '#0  add_to (x=2)'
    dbg_serve_stop
}

# serve on a port another program listens on: a clear message, non-zero
# status, at once.
t_dbg_serve_port_in_use()
{
    local port rc
    dbg_record_calls
    start_bg python3 -c 'import socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(1)
print(s.getsockname()[1], flush=True)
time.sleep(120)'
    wait_for_file "$T/bg0.log"
    port=$(head -n 1 "$T/bg0.log")
    case $port in
    '' | *[!0-9]*) fail "the listener did not print its port: $port" ;;
    esac
    timeout -k 5 20 "$REWIND" serve "$RR_DIR" --port "$port" </dev/null >"$T/serve.out" 2>"$T/serve.err"
    rc=$?
    expect_rewind_msg "rewind serve on a busy port" "$T/serve.err"
    if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then fail "rewind serve on a busy port did not give up"; fi
    if [ "$rc" = 0 ]; then fail "rewind serve on a busy port exited 0"; fi
    if ! grep -a -q -F 'already in use' "$T/serve.err"; then
        fail "rewind serve's message does not say the port is already in use"
    fi
    if ! grep -a -q -F "$port" "$T/serve.err"; then
        fail "rewind serve's message does not name the port $port"
    fi
    stop_bg
}

# A watchpoint on memory a syscall writes (read() into it): found going
# forwards and backwards although the debug registers do not see the kernel.
t_dbg_watch_kernel_write()
{
    local l_print
    dbg_record dbg_kernel_write
    assert_grep '^got hello$' "$RR_OUT"
    dbg_line l_print dbg_kernel_write.c 'printf\("got'
    dbg_gdb kwrite <<EOF
break main
continue
watch buf[0]
echo --- fwd\n
continue
continue
echo --- end\n
break dbg_kernel_write.c:$l_print
continue
echo --- rev\n
reverse-continue
bt 1
echo --- rev2\n
reverse-continue
EOF
    dbg_expect fwd "Old value = 0 '\\000'"
    dbg_expect fwd "New value = 120 'x'"
    dbg_expect fwd "New value = 104 'h'"
    dbg_expect rev "Old value = 104 'h'"
    dbg_expect rev "New value = 120 'x'"
    dbg_expect_part rev 'read'
    dbg_expect rev2 "Old value = 120 'x'"
    dbg_expect rev2 "New value = 0 '\\000'"
}

# ---- bad traces --------------------------------------------------------------

# rewind debug on a trace it cannot use: a `rewind: ` message, non-zero
# status, at once, and no gdb session.
t_dbg_bad_trace()
{
    local good what rc
    dbg_record_calls
    good=$RR_DIR
    mkdir -p "$T/empty"
    copy_trace "$good" "$T/badheader"
    printf 'rewind-trace 9999\n' >"$T/badheader/header"
    copy_trace "$good" "$T/flipped"
    flip_byte "$T/flipped/events" $(($(file_size "$T/flipped/events") / 2))
    copy_trace "$good" "$T/noevents"
    : >"$T/noevents/events"
    for what in missing empty badheader flipped noevents; do
        timeout -k 5 20 "$REWIND" debug "$T/$what" -- -nx -batch -ex 'info registers rip' \
            </dev/null >"$T/$what.out" 2>"$T/$what.err"
        rc=$?
        no_crash "rewind debug on $what" "$T/$what.err"
        if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then fail "rewind debug on the $what trace did not end"; fi
        if [ "$rc" = 0 ]; then fail "rewind debug on the $what trace exited 0"; fi
        expect_rewind_msg "rewind debug on the $what trace" "$T/$what.err"
        if grep -a -q -E '^rip ' "$T/$what.out"; then fail "gdb got registers from the $what trace"; fi
    done
}
