# shellcheck shell=bash disable=SC2016,SC2030,SC2031,SC2034
# Real programs that fork, exec and run threads: make -j2, shell pipelines,
# xz with threads, python threads, bash background jobs, the cc driver.  Each
# recording is replayed three times (record_replay).  `need` is in
# realprograms.sh.

# Writes a small C project with a Makefile into DIR: four files compiled
# separately and linked; `make run` runs the result, which prints its pid and
# the time.
make_project()
{
    local d=$1 f
    mkdir -p "$d"
    for f in alpha beta gamma; do
        printf 'int %s(int x)\n{\n    return x * %d + %d;\n}\n' "$f" "${#f}" "$RANDOM" >"$d/$f.c"
    done
    cat >"$d/main.c" <<'EOF'
#include <stdio.h>
#include <time.h>
#include <unistd.h>
int alpha(int), beta(int), gamma(int);
int main(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    printf("prog: %d %d %d, pid %d, at %ld\n", alpha(1), beta(2), gamma(3), getpid(), ts.tv_nsec);
    return 0;
}
EOF
    printf '%s\n' \
        'OBJS = main.o alpha.o beta.o gamma.o' \
        'all: prog' \
        'prog: $(OBJS)' \
        '	cc -o $@ $(OBJS)' \
        '%.o: %.c' \
        '	cc -O1 -c -o $@ $<' \
        'run: prog' \
        '	./prog' \
        '.PHONY: all run' >"$d/Makefile"
}

# make -j2 compiles, links and runs a generated project.  The project lives
# in $SCRATCH, which is deleted before replay.
t_realtree_make_j2()
{
    local make
    make=$(need make) || exit $?
    need cc >/dev/null || exit $?
    make_project "$SCRATCH/proj"
    record_replay -- "$make" -j2 -C "$SCRATCH/proj" run
    assert_grep '^prog: [0-9]+ [0-9]+ [0-9]+, pid [0-9]+, at [0-9]+$' "$RR_OUT"
    assert_grep '^cc -O1 -c -o gamma.o gamma.c$' "$RR_OUT"
}

# The pipeline from the issue: sort -r reads everything, head quits early.
t_realtree_sh_pipeline()
{
    local sh
    sh=$(need sh) || exit $?
    need seq >/dev/null || exit $?
    record_replay -- "$sh" -c 'seq 1 2000 | sort -r | head -5 | wc -c; echo "sh $$"; date +%s.%N | rev'
    assert_grep '^20$' "$RR_OUT"
}

# Six stages, with the shell's pid and the time flowing through them.
t_realtree_sh_long_pipeline()
{
    local sh
    sh=$(need sh) || exit $?
    record_replay -- "$sh" -c \
        'for i in 1 2 3 4 5 6 7 8; do echo "$i $$ $(date +%N)"; done | sort -k3 | tr 0-9 a-j | cat -n | sed -e "s/^ */>/" | tail -n 6'
    assert_grep '^>[0-9]+	[a-j]+ [a-j]+ [a-j]+$' "$RR_OUT"
}

# yes and head: yes dies of SIGPIPE once head is done.
t_realtree_sh_sigpipe()
{
    local sh
    sh=$(need sh) || exit $?
    record_replay -- "$sh" -c 'yes "$$ $(date +%N)" | head -n 3000 | sort | uniq -c; echo "status of a pipeline whose first stage got SIGPIPE: $?"'
    assert_grep '^ *3000 [0-9]+ [0-9]+$' "$RR_OUT"
}

# xz with two threads, on 2 MB of random data (deleted before replay); the
# block size makes xz really split the work.  Replay must print the same
# compressed bytes.
t_realtree_xz_threads()
{
    local xz
    xz=$(need xz) || exit $?
    head -c 2000000 /dev/urandom >"$T/in"
    cp "$T/in" "$T/in.copy"
    record_replay --before-replay 'rm -f "$T/in"' -- "$xz" -T2 --block-size=500000 -c "$T/in"
    if ! xz -dc <"$RR_OUT" | cmp -s - "$T/in.copy"; then
        fail "the recorded output of xz does not decompress to its input"
    fi
}

t_realtree_python_threads()
{
    local py=/usr/bin/python3
    if [ ! -x "$py" ]; then skip "$py is not installed"; fi
    cat >"$T/threads.py" <<'EOF'
import hashlib, os, threading, time
lock = threading.Lock()
log = []
def work(i):
    for j in range(300):
        with lock:
            log.append(i)
        if j % 60 == i:
            time.sleep(0.001)
threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(len(log), hashlib.sha1(bytes(log)).hexdigest(), "".join(map(str, log[:40])))
print(time.time(), os.getpid(), threading.active_count())
EOF
    record_replay --before-replay 'rm -f "$T/threads.py"' -- "$py" "$T/threads.py"
    assert_grep '^1200 [0-9a-f]{40} [0-3]{40}$' "$RR_OUT"
}

t_realtree_bash_jobs()
{
    local bash
    bash=$(need bash) || exit $?
    record_replay -- "$bash" -c 'sleep 0.2 & sleep 0.1 & wait; echo done $RANDOM'
    assert_grep '^done [0-9]+$' "$RR_OUT"
}

# The compiler driver runs cc1, as and collect2/ld.  -v prints those commands,
# with temporary file names that differ in every run, and -Wall a warning.
# The binary written is not checked: replay does not redo file changes.
t_realtree_cc_driver()
{
    local cc
    cc=$(need cc) || exit $?
    printf '#include <stdio.h>\nint main(void)\n{\n    int unused;\n    printf("%%d\\n", %d);\n    return 0;\n}\n' \
        "$RANDOM" >"$T/prog.c"
    record_replay --before-replay 'rm -f "$T/prog.c"' -- "$cc" -v -Wall -O1 -o "$SCRATCH/prog" "$T/prog.c"
    assert_grep "warning: unused variable 'unused'" "$RR_ERR"
    assert_grep 'collect2' "$RR_ERR"
}

# The same with an error: exit status 1.
t_realtree_cc_error()
{
    local cc
    cc=$(need cc) || exit $?
    printf 'int main(void)\n{\n    return %d +;\n}\n' "$RANDOM" >"$T/bad.c"
    record_replay --status 1 -- "$cc" -O1 -o "$SCRATCH/bad" "$T/bad.c"
    assert_grep 'error: expected expression' "$RR_ERR"
}
