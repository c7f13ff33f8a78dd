# shellcheck shell=bash disable=SC2016,SC2030,SC2031,SC2034
# Memory: anonymous and file mappings, brk, madvise, run-time generated code,
# big stacks and heaps, ASLR-dependent addresses.

t_mm_anon()      { record_replay -- "$BIN/mm_anon"; }
t_mm_brk()       { record_replay -- "$BIN/mm_brk"; }
t_mm_madvise()   { record_replay -- "$BIN/mm_madvise" "$SCRATCH"; }
t_mm_jit()       { record_replay -- "$BIN/mm_jit"; }
t_mm_deep_recursion() { record_replay -- "$BIN/deep_recursion"; }
t_mm_malloc_heavy()   { record_replay -- "$BIN/malloc_heavy"; }
t_mm_addresses()        { record_replay -- "$BIN/addresses"; }
t_mm_addresses_static() { record_replay -- "$BIN/addresses-static"; }
t_mm_addresses_nopie()  { record_replay -- "$BIN/addresses-nopie"; }

# A 3-page text file with run-dependent contents for mm_file.
make_map_input()
{
    {
        echo "first line $RANDOM $(date +%s%N)"
        head -c 12000 /dev/urandom | base64
    } >"$T/map.dat"
}

t_mm_file()
{
    make_map_input
    record_replay -- "$BIN/mm_file" "$T/map.dat"
    assert_grep '^first line: first line [0-9]+ [0-9]+$' "$RR_OUT"
}

# The mapped file is overwritten in place (same inode) before replay.
t_mm_file_changed()
{
    make_map_input
    record_replay --before-replay \
        'head -c 12000 /dev/urandom | base64 | dd of="$T/map.dat" conv=notrunc status=none' \
        -- "$BIN/mm_file" "$T/map.dat"
}

# ... cut short before replay.
t_mm_file_truncated()
{
    make_map_input
    record_replay --before-replay 'truncate -s 100 "$T/map.dat"' -- "$BIN/mm_file" "$T/map.dat"
}

# ... deleted before replay.
t_mm_file_deleted()
{
    make_map_input
    record_replay --before-replay 'rm -f "$T/map.dat"' -- "$BIN/mm_file" "$T/map.dat"
}
