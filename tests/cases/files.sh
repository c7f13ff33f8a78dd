# shellcheck shell=bash disable=SC2016,SC2030,SC2031,SC2034
# File I/O: every program writes in $SCRATCH, which is deleted before replay
# (replay must neither need it nor re-create it).

t_files_rw()        { record_replay -- "$BIN/file_rw" "$SCRATCH"; }
t_files_rw_static() { record_replay -- "$BIN/file_rw-static" "$SCRATCH"; }
t_files_rw_nopie()  { record_replay -- "$BIN/file_rw-nopie" "$SCRATCH"; }
t_files_pread()     { record_replay -- "$BIN/file_pread" "$SCRATCH"; }
t_files_vectored()  { record_replay -- "$BIN/file_vec" "$SCRATCH"; }
t_files_openat2()   { record_replay -- "$BIN/file_openat2" "$SCRATCH"; }
t_files_stat()      { record_replay -- "$BIN/file_stat" "$SCRATCH"; }
t_files_readlink()  { record_replay -- "$BIN/file_readlink" "$SCRATCH"; }
t_files_fcntl()     { record_replay -- "$BIN/file_fcntl" "$SCRATCH"; }
t_files_truncate()  { record_replay -- "$BIN/file_truncate" "$SCRATCH"; }
t_files_append()    { record_replay -- "$BIN/file_append" "$SCRATCH"; }
t_files_copy()      { record_replay -- "$BIN/file_copy" "$SCRATCH"; }
t_files_metadata()  { record_replay -- "$BIN/file_meta" "$SCRATCH"; }

t_files_getdents()
{
    record_replay -- "$BIN/file_getdents" "$SCRATCH"
    assert_grep '^entries: 23$' "$RR_OUT"
}

# printf output while fd 1 is dup2'ed onto a file must not reach stdout.
t_files_dup2_stdout()
{
    record_replay -- "$BIN/file_dup2" "$SCRATCH"
    assert_grep '^back on stdout' "$RR_OUT"
    if [ "$(grep -a -c '^into the file' "$RR_OUT")" != 1 ]; then
        fail "the recorded stdout should show the file's line once (printed from the file)"
    fi
}

t_files_proc_self()
{
    record_replay -- "$BIN/proc_self"
    assert_grep '^Pid:' "$RR_OUT"
    assert_grep '\[stack\]' "$RR_OUT"
}

t_files_dev_urandom() { record_replay -- "$BIN/urandom"; }
t_files_getrandom()   { record_replay -- "$BIN/getrandom"; }

# Random input through a pipe; replays get no stdin at all.
t_files_stdin_pipe()
{
    head -c 30000 /dev/urandom | base64 >"$T/input"
    record_replay --stdin-pipe "$T/input" -- "$BIN/stdin_read"
    assert_grep '^bytes [1-9][0-9]* ' "$RR_OUT"
}

# The same from a file that is deleted before replay.
t_files_stdin_file()
{
    head -c 5000 /dev/urandom | base64 >"$T/input"
    record_replay --stdin "$T/input" --before-replay 'rm -f "$T/input"' -- "$BIN/stdin_read"
    assert_grep '^stdin type: file' "$RR_OUT"
}

# About 2 MB of random binary output in odd-sized writes, compared with cmp.
t_files_stdout_binary()
{
    record_replay -- "$BIN/binary_out"
    if [ "$(file_size "$RR_OUT")" -lt 2000000 ]; then fail "binary_out wrote too little"; fi
}

# ... and through a pipe (short writes).
t_files_stdout_binary_pipe()
{
    record_replay --stdout-pipe -- "$BIN/binary_out"
    if [ "$(file_size "$RR_OUT")" -lt 2000000 ]; then fail "binary_out wrote too little"; fi
}

# Output to stdout by sendfile, copy_file_range, splice, tee, vmsplice,
# writev: replay must print it all.
t_files_stdout_splice()      { record_replay -- "$BIN/stdout_splice" "$SCRATCH"; }
t_files_stdout_splice_pipe() { record_replay --stdout-pipe -- "$BIN/stdout_splice" "$SCRATCH"; }

# Interleaved stdout/stderr, partial lines, no final newline.
t_files_stderr_mix() { record_replay -- "$BIN/stderr_mix"; }
