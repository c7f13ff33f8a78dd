# rewind — build, test, demo.  `make` builds build/rewind; see README.md.
CC      ?= cc
PKGS    := libzstd libxxhash capstone
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
WARN    := -Wall -Wextra -Werror -Wno-unused-parameter
CFLAGS  ?= -O2 -g
override CFLAGS += -std=gnu17 $(WARN) $(PKG_CFLAGS) -D_GNU_SOURCE -Isrc
override LDLIBS += $(PKG_LIBS)
BUILD   ?= build

LAYERS  := util arch tracee engine syscalls trace record replay gdb cli
SRCS    := $(foreach d,$(LAYERS),$(wildcard src/$(d)/*.c))
OBJS    := $(SRCS:src/%.c=$(BUILD)/obj/%.o)
LIBSRCS := $(filter-out src/cli/%,$(SRCS))
LIBOBJS := $(LIBSRCS:src/%.c=$(BUILD)/obj/%.o)

.PHONY: all unit check asan asan-check fuzz demo deps clean bench
all: $(BUILD)/rewind $(BUILD)/rewind-stub

$(BUILD)/rewind: $(OBJS)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

# The replay stub: a tiny static program replay execs before rebuilding the
# recorded address space.  No libc, linked far from where programs live.
$(BUILD)/rewind-stub: src/stub/stub.S
	@mkdir -p $(dir $@)
	$(CC) -nostdlib -static -no-pie -Wl,-Ttext-segment=0x6ff000000000 -Wl,--build-id=none -o $@ $<

-include $(OBJS:.o=.d)

# Unit tests of single modules: each is a program that exits non-zero on failure.
UNIT_LIBOBJS = $(filter-out $(BUILD)/obj/cli/%,$(OBJS))
$(BUILD)/unit/%: tests/unit/%.c $(UNIT_LIBOBJS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)
UNIT_TESTS := $(patsubst tests/unit/%.c,$(BUILD)/unit/%,$(wildcard tests/unit/*.c))
unit: $(UNIT_TESTS)
	@for t in $(UNIT_TESTS); do $$t > $$t.log 2>&1 && echo "unit $$t: ok" || { echo "unit $$t: FAILED"; tail -20 $$t.log; exit 1; }; done

# Test programs and the end-to-end suite.
check: all unit
	@$(MAKE) --no-print-directory -C tests/progs progs
	@REWIND=$(abspath $(BUILD)/rewind) tests/run.sh

# rewind itself under AddressSanitizer + UndefinedBehaviorSanitizer.
asan:
	$(MAKE) BUILD=build-asan CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined"
asan-check: asan
	@ASAN_OPTIONS=detect_leaks=0 $(MAKE) --no-print-directory BUILD=build-asan CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" unit
	@$(MAKE) --no-print-directory -C tests/progs progs
	@REWIND=$(abspath build-asan/rewind) ASAN_OPTIONS=detect_leaks=0 tests/run.sh

# Fuzz the trace reader and the gdb server (libFuzzer).  FUZZ_SECONDS bounds
# the whole run; each target gets half (at least a second: 0 would mean forever).
FUZZ_SECONDS ?= 60
FUZZ_CC := clang -g -O1 -fsanitize=fuzzer,address,undefined -std=gnu17 -D_GNU_SOURCE -Isrc
GDB_SERVER_SRCS := src/util/util.c src/gdb/rsp.c src/gdb/tdesc.c $(wildcard src/gdb/server*.c)
fuzz:
	@mkdir -p build-fuzz/corpus build-fuzz/corpus-gdb
	$(FUZZ_CC) $(PKG_CFLAGS) -o build-fuzz/fuzz_trace tests/fuzz/fuzz_trace.c \
	  $(filter src/util/% src/trace/%,$(LIBSRCS)) $(PKG_LIBS)
	$(FUZZ_CC) -fno-sanitize-recover=undefined -o build-fuzz/fuzz_gdbserver tests/fuzz/fuzz_gdbserver.c \
	  $(GDB_SERVER_SRCS)
	@half=$$(( $(FUZZ_SECONDS) / 2 )); [ $$half -gt 0 ] || half=1; \
	rest=$$(( $(FUZZ_SECONDS) - $$half )); [ $$rest -gt 0 ] || rest=1; \
	set -x; \
	build-fuzz/fuzz_trace -max_total_time=$$half -rss_limit_mb=2048 build-fuzz/corpus tests/fuzz/seeds && \
	build-fuzz/fuzz_gdbserver -max_total_time=$$rest -rss_limit_mb=2048 build-fuzz/corpus-gdb tests/fuzz/gdb-seeds

deps:
	@./scripts/install-deps.sh

demo: deps
	@$(MAKE) --no-print-directory all
	@./scripts/demo.sh

bench: all
	@bench/run.sh

clean:
	rm -rf build build-asan build-fuzz
