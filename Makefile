# mkdistro: build a bootable BusyBox live USB stick from source.
#
#   make            build ./mkdistro
#   make demo       install missing Debian packages, build the default image, boot it
#   make check      install what the tests need, run every test
#   make bench      run every benchmark under bench/ (needs root)
#   make install    PREFIX=/usr/local DESTDIR=
#   make asan       build with AddressSanitizer and UBSan (then: make asan check)
#   make clean

PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
DATADIR ?= $(PREFIX)/share/mkdistro
MANDIR  ?= $(PREFIX)/share/man/man1

CC      ?= cc
CFLAGS  ?= -O2 -g
WARN     = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wformat=2 -Wno-format-nonliteral
ALL_CFLAGS = -std=c17 -D_GNU_SOURCE -D_FILE_OFFSET_BITS=64 $(WARN) $(CFLAGS) $(SANFLAGS)
LIBS     = -linih -ldeflate -larchive -lcrypto -lext2fs -lcom_err -lmount -pthread

SRCS  := $(sort $(wildcard src/*.c))
OBJS  := $(SRCS:.c=.o)
UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(UNIT_SRCS:.c=)

all: mkdistro

mkdistro: mkdistro.o $(OBJS)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

mkdistro.o: mkdistro.c $(wildcard src/*.h)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# The installed default project files; remade when PREFIX or DATADIR changes.
src/project.o: src/project.c $(wildcard src/*.h) .datadir
	$(CC) $(ALL_CFLAGS) -DMKDISTRO_DATADIR='"$(DATADIR)"' -c -o $@ $<

.datadir: FORCE
	@echo '$(DATADIR)' | cmp -s - $@ || echo '$(DATADIR)' > $@

src/%.o: src/%.c $(wildcard src/*.h)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

tests/unit/test_%: tests/unit/test_%.c $(OBJS)
	$(CC) $(ALL_CFLAGS) -Isrc $(LDFLAGS) -o $@ $^ $(LIBS) -lcmocka

# Debian packages that mkdistro and its tests need; installed when missing.
deps:
	@scripts/install-deps

demo: deps mkdistro
	./mkdistro build
	./mkdistro test

check: deps mkdistro $(UNIT_BINS)
	@tests/run

# Each executable bench/* prints its numbers and exits non-zero when it misses its target;
# all of them run, and the target fails if any did.
bench: mkdistro
	@rc=0; for b in bench/*; do \
		[ -f "$$b" ] && [ -x "$$b" ] || continue; \
		echo "== $$b"; "$$b" || rc=1; \
	done; exit $$rc

asan: clean
	$(MAKE) SANFLAGS='-fsanitize=address,undefined -fno-omit-frame-pointer' CFLAGS='-O1 -g' all $(UNIT_BINS)

install: mkdistro
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR) $(DESTDIR)$(DATADIR)
	install -m 755 mkdistro $(DESTDIR)$(BINDIR)/mkdistro
	install -m 644 mkdistro.1 $(DESTDIR)$(MANDIR)/mkdistro.1
	install -m 644 mkdistro.conf kernel.config busybox.config $(DESTDIR)$(DATADIR)/
	cp -R rootfs syslinux $(DESTDIR)$(DATADIR)/

clean:
	rm -f mkdistro mkdistro.o $(OBJS) $(UNIT_BINS) .datadir
	rm -rf $(filter-out tests/tmp/cache,$(wildcard tests/tmp/*))

distclean: clean
	rm -rf tests/tmp out

FORCE:

.PHONY: all deps demo check bench asan install clean distclean FORCE
