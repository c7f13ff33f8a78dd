#!/bin/sh
# `make demo`: record the bundled example, replay it, and say what happened.
set -u
cd "$(dirname "$0")/.."
mkdir -p build/demo
cc -O1 -g -o build/demo/hello examples/hello.c || exit 1
trace=build/demo/hello.trace
rm -rf "$trace"
echo "== recording: build/rewind record -o $trace -- build/demo/hello"
build/rewind record -o "$trace" -- build/demo/hello
echo "   (the program exited with status $?)"
echo
echo "== running it again without rewind: everything changes"
build/demo/hello
echo
echo "== replaying the recording: exactly the recorded output, and the same exit status"
build/rewind replay "$trace"
echo "   (replay exited with status $?)"
echo
echo "== the first events of the recording (build/rewind dump $trace | head)"
build/rewind dump "$trace" | grep -v -e mmap -e mprotect | head -n 12
cat <<MSG

What happened: rewind ran build/demo/hello under ptrace, saved every syscall
result, the cycle counter and the program image in $trace, and the replay
re-executed the same instructions fed from that recording alone.

Try next:
  build/rewind record -- date
  build/rewind replay                     # the latest recording
  build/rewind dump --json | head
  build/rewind trace -- ls /              # strace-style live tracing
  make check                              # the test suite
MSG
