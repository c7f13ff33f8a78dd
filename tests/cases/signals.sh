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
