# shellcheck shell=bash disable=SC2016,SC2030,SC2031,SC2034
# Real programs.  Processes that fork are for a later issue, so every command
# here stays a single process (dash builtins only, no pipelines).

# Skips the test unless PROGRAM exists; prints its path.
need()
{
    local p
    p=$(command -v "$1") || skip "$1 is not installed"
    printf '%s\n' "$p"
}

t_real_sh_builtins()
{
    local sh
    sh=$(need sh) || exit $?
    record_replay -- "$sh" -c 'echo hi; echo $((6*7)); echo "pid $$ ppid $PPID"; cd /; pwd'
    assert_grep '^42$' "$RR_OUT"
}

# dash reading a script and a data file, with builtins only.
t_real_sh_script()
{
    local sh
    sh=$(need sh) || exit $?
    printf 'alpha %s\nbeta %s\n' "$RANDOM" "$RANDOM" >"$T/data"
    printf 'n=0\nwhile read -r w v; do n=$((n+1)); echo "$n: $w=$v"; done < "%s"\necho "lines: $n"\n' \
        "$T/data" >"$T/script.sh"
    record_replay --before-replay 'rm -f "$T/data" "$T/script.sh"' -- "$sh" "$T/script.sh"
    assert_grep '^lines: 2$' "$RR_OUT"
}

t_real_sqlite()
{
    local sqlite
    sqlite=$(need sqlite3) || exit $?
    cat >"$T/script.sql" <<'SQL'
CREATE TABLE t(id INTEGER PRIMARY KEY, r INTEGER, note TEXT);
INSERT INTO t(r, note) VALUES (random(), 'one'), (random(), 'two'), (random(), 'three');
SELECT id, r, note FROM t ORDER BY id;
SELECT datetime('now'), count(*), sum(r % 1000000) FROM t;
SELECT hex(randomblob(16));
SQL
    record_replay --stdin "$T/script.sql" --before-replay 'rm -f "$T/script.sql"' -- "$sqlite" :memory:
    assert_grep '^3\|-?[0-9]+\|three$' "$RR_OUT"
}

# The system's python, not a pyenv shim (which is a shell script that forks).
t_real_python()
{
    local py=/usr/bin/python3
    if [ ! -x "$py" ]; then skip "$py is not installed"; fi
    record_replay -- "$py" -c 'import time,random,os; print(time.time(), random.random(), os.getpid())'
    assert_grep '^[0-9.]+ 0\.[0-9]+ [0-9]+$' "$RR_OUT"
}

t_real_cat()
{
    local cat
    cat=$(need cat) || exit $?
    head -c 3000 /dev/urandom | base64 >"$T/in.txt"
    record_replay --before-replay 'rm -f "$T/in.txt"' -- "$cat" "$T/in.txt" /proc/uptime /proc/self/stat
}

# sort of a file that is deleted before replay (--parallel=1: no threads).
t_real_sort()
{
    local sort i
    sort=$(need sort) || exit $?
    for ((i = 0; i < 2000; i++)); do echo "$RANDOM $i"; done >"$T/numbers"
    record_replay --before-replay 'rm -f "$T/numbers"' -- "$sort" --parallel=1 -n "$T/numbers"
}

# ls -l of a directory that changes before replay.
t_real_ls()
{
    local ls
    ls=$(need ls) || exit $?
    mkdir -p "$T/dir"
    head -c $((RANDOM % 5000)) /dev/urandom >"$T/dir/file-$RANDOM"
    touch "$T/dir/empty" "$T/dir/other"
    mkdir "$T/dir/sub"
    record_replay --before-replay 'rm -f "$T/dir/empty"; echo new >"$T/dir/added"; touch "$T/dir/other"' \
        -- "$ls" -l --time-style=full-iso "$T/dir"
    assert_grep ' empty$' "$RR_OUT"
}

t_real_date()
{
    local date
    date=$(need date) || exit $?
    record_replay -- "$date" '+%Y-%m-%d %H:%M:%S.%N %s'
}

t_real_stat()
{
    local stat
    stat=$(need stat) || exit $?
    echo "content $RANDOM" >"$T/f"
    record_replay --before-replay 'echo changed >>"$T/f"' -- "$stat" "$T/f" / /proc/self
}

# gzip output is binary: compared byte for byte.
t_real_gzip()
{
    local gzip
    gzip=$(need gzip) || exit $?
    { head -c 50000 /dev/urandom | base64; date; } >"$T/in"
    record_replay --before-replay 'rm -f "$T/in"' -- "$gzip" -c "$T/in"
    if ! gzip -dc <"$RR_OUT" >/dev/null; then fail "recorded output is not gzip data"; fi
}
