# shellcheck shell=bash disable=SC2016,SC2030,SC2031,SC2034
# Time: vDSO clocks, sleeping, the time-stamp counter.

t_time_clocks()        { record_replay -- "$BIN/time_clock"; }
t_time_clocks_static() { record_replay -- "$BIN/time_clock-static"; }
t_time_clocks_nopie()  { record_replay -- "$BIN/time_clock-nopie"; }
t_time_rdtsc()         { record_replay -- "$BIN/rdtsc"; assert_grep '^increasing: 1$' "$RR_OUT"; }
t_time_timerfd()       { record_replay -- "$BIN/eventfd_timerfd"; }

# The program sleeps 2 s; replaying it must not (assumption A9).
t_time_nanosleep_fast_replay()
{
    local t0 ms rc
    record_replay -- "$BIN/nanosleep" 2000
    if [ "$RR_RECORD_MS" -lt 2000 ]; then fail "recording took only $RR_RECORD_MS ms"; fi
    t0=$(now_ms)
    rw replay -q "$RR_DIR" </dev/null >/dev/null 2>"$T/timed.err"
    rc=$?
    ms=$(($(now_ms) - t0))
    expect_status "timed replay" "$rc" 0
    if [ "$ms" -ge 1000 ]; then fail "replay took $ms ms: it slept"; fi
}
