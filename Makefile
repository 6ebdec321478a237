# mkdistro: build a bootable BusyBox live USB stick from source.
#
#   make            build ./mkdistro
#   make demo       install missing Debian packages, build the default image, boot it
#   make check      install what the tests need, run every test
#   make test-build the test build, tests/mkdistro-test: the program with its fault points
#                   and test fixtures (MKDISTRO_FAULT, MKDISTRO_TEST_*), which the installed
#                   one has none of; the e2e tests that inject faults run it
#   make bench      run every benchmark under bench/ (needs root)
#   make install    PREFIX=/usr/local DESTDIR=
#   make check-unit the unit and golden tests only (tests/run unit), without the long
#                   end-to-end ones
#   make asan       rebuild everything with AddressSanitizer and UBSan, where any report
#                   fails the program; then `make asan check-unit` (unit and golden tests
#                   under the sanitizers), or `make asan check` (every test).  Run `make clean
#                   all` afterwards for the normal build.
#   make fuzz       build the libFuzzer harnesses of tests/fuzz/ with clang and run each from
#                   its seed corpus, one after another: FUZZ_SECONDS=60 seconds each, or
#                   FUZZ_RUNS=N executions each when set; FUZZ="elf cpio" runs only those;
#                   FUZZ_FORK=2 runs each in two processes (one per core), counted together.
#                   Fails when any harness crashes; see tests/fuzz/run.
#   make clean

PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
DATADIR ?= $(PREFIX)/share/mkdistro
MANDIR  ?= $(PREFIX)/share/man/man1

CC      ?= cc
CFLAGS  ?= -O2 -g
WARN     = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wformat=2 -Wno-format-nonliteral
ALL_CFLAGS = -std=c17 -D_GNU_SOURCE -D_FILE_OFFSET_BITS=64 -Isrc $(WARN) $(CFLAGS) $(SANFLAGS)
LIBS     = -ldeflate -llzma -larchive -lcrypto -lcrypt -lext2fs -lcom_err -lmount -pthread

SRCS  := $(sort $(wildcard src/*/*.c))
HDRS  := $(wildcard src/*/*.h)
OBJS  := $(SRCS:.c=.o)
UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(UNIT_SRCS:.c=)

all: mkdistro

mkdistro: mkdistro.o $(OBJS)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

mkdistro.o: mkdistro.c $(HDRS)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# The installed default project files; remade when PREFIX or DATADIR changes.
src/build/project.o: src/build/project.c $(HDRS) .datadir
	$(CC) $(ALL_CFLAGS) -DMKDISTRO_DATADIR='"$(DATADIR)"' -c -o $@ $<

.datadir: FORCE
	@echo '$(DATADIR)' | cmp -s - $@ || echo '$(DATADIR)' > $@

src/%.o: src/%.c $(HDRS)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

tests/unit/test_%: tests/unit/test_%.c $(OBJS)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS) -lcmocka

# The test build: the same sources compiled again with MKDISTRO_TESTING into a directory of
# its own (never mixed with the objects above), which turns on the fault points and test
# fixtures (sys/interrupt.h, src/flash/).  It finds the default project files in this
# checkout, and is never installed.
TEST_BIN     = tests/mkdistro-test
TEST_OBJDIR  = tests/obj
TEST_CFLAGS  = $(ALL_CFLAGS) -DMKDISTRO_TESTING
TEST_OBJS   := $(TEST_OBJDIR)/mkdistro.o $(patsubst src/%.c,$(TEST_OBJDIR)/%.o,$(SRCS))

$(TEST_BIN): $(TEST_OBJS)
	$(CC) $(TEST_CFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

$(TEST_OBJDIR)/mkdistro.o: mkdistro.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) -c -o $@ $<

$(TEST_OBJDIR)/build/project.o: src/build/project.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) -DMKDISTRO_DATADIR='"$(CURDIR)"' -c -o $@ $<

$(TEST_OBJDIR)/%.o: src/%.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) -c -o $@ $<

test-build: $(TEST_BIN)

# Debian packages that mkdistro and its tests need; installed when missing.
deps:
	@scripts/install-deps --tests

demo: deps mkdistro
	./mkdistro build
	./mkdistro test

check: deps mkdistro $(TEST_BIN) $(UNIT_BINS)
	@tests/run

# Each executable bench/* prints its numbers and exits non-zero when it misses its target;
# all of them run, and the target fails if any did.
bench: mkdistro
	@rc=0; for b in bench/*; do \
		[ -f "$$b" ] && [ -x "$$b" ] || continue; \
		echo "== $$b"; "$$b" || rc=1; \
	done; exit $$rc

check-unit: $(UNIT_BINS)
	@tests/run unit

# -fno-sanitize-recover: a UBSan report ends the program, so that a test that triggers one
# fails instead of printing and passing.
ASAN_FLAGS = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

asan: clean
	$(MAKE) SANFLAGS='$(ASAN_FLAGS)' CFLAGS='-O1 -g' all $(TEST_BIN) $(UNIT_BINS)

# The fuzz harnesses link src/ built again with clang, into its own directory (never mixed
# with the gcc objects above), instrumented for libFuzzer.
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_RUNS    ?=
FUZZ_FORK    ?=
FUZZ         ?= $(patsubst tests/fuzz/fuzz_%.c,%,$(FUZZ_SRCS))
FUZZ_CFLAGS   = -std=c17 -D_GNU_SOURCE -D_FILE_OFFSET_BITS=64 -Isrc $(WARN) -O1 -g $(ASAN_FLAGS)
FUZZ_OBJDIR   = tests/fuzz/obj
FUZZ_SRCS    := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BINS    := $(FUZZ_SRCS:.c=)
FUZZ_OBJS    := $(patsubst src/%.c,$(FUZZ_OBJDIR)/%.o,$(SRCS))

$(FUZZ_OBJDIR)/%.o: src/%.c $(HDRS) | fuzz-cc
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(FUZZ_OBJDIR)/libmkdistro.a: $(FUZZ_OBJS)
	rm -f $@
	ar rcs $@ $^

tests/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(FUZZ_OBJDIR)/libmkdistro.a
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_OBJDIR)/libmkdistro.a $(LIBS)

fuzz-cc:
	@command -v $(FUZZ_CC) >/dev/null || { echo "make fuzz: '$(FUZZ_CC)' not found: apt-get install clang, or set FUZZ_CC" >&2; exit 1; }

fuzz-build: $(FUZZ_BINS)

# The archive seeds (cpio, tar) are not committed: mkseeds writes them, with the rest, the
# same bytes every time.
fuzz: $(addprefix tests/fuzz/fuzz_,$(FUZZ))
	@tests/fuzz/mkseeds
	@FUZZ_SECONDS='$(FUZZ_SECONDS)' FUZZ_RUNS='$(FUZZ_RUNS)' FUZZ_FORK='$(FUZZ_FORK)' tests/fuzz/run $(FUZZ)

install: mkdistro
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR) $(DESTDIR)$(DATADIR)
	install -m 755 mkdistro $(DESTDIR)$(BINDIR)/mkdistro
	install -m 644 mkdistro.1 $(DESTDIR)$(MANDIR)/mkdistro.1
	install -m 644 mkdistro.conf kernel.config busybox.config $(DESTDIR)$(DATADIR)/
	cp -R rootfs syslinux $(DESTDIR)$(DATADIR)/
	# the starting projects of the other CPUs, for mkdistro init --arch
	for cpu in i686 arm64; do \
		install -d $(DESTDIR)$(DATADIR)/examples/$$cpu && \
		install -m 644 examples/$$cpu/mkdistro.conf examples/$$cpu/kernel.config \
			$(DESTDIR)$(DATADIR)/examples/$$cpu/ || exit 1; \
	done

clean:
	rm -f mkdistro mkdistro.o $(OBJS) $(UNIT_BINS) $(FUZZ_BINS) $(TEST_BIN) .datadir
	rm -rf $(FUZZ_OBJDIR) $(TEST_OBJDIR) tests/fuzz/scratch
	rm -rf $(filter-out tests/tmp/cache,$(wildcard tests/tmp/*))

# and the tests' scratch tree under /var/tmp, when tests/run put it there (named as it names it)
distclean: clean
	rm -rf tests/tmp out /var/tmp/mkdistro-tests-$$(printf %s '$(CURDIR)' | sha256sum | cut -c1-12)

FORCE:

.PHONY: all deps demo check check-unit test-build bench asan fuzz fuzz-build fuzz-cc install clean distclean FORCE
