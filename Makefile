# crm - a customer-relationship manager as a Unix toolset.
# make, make check, make check SANITIZE=1, make install, make bench, make demo

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR ?= $(PREFIX)/share/zsh/site-functions
FISHCOMPDIR ?= $(PREFIX)/share/fish/vendor_completions.d

CC ?= cc
CFLAGS ?= -O2 -g
override CFLAGS += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Ilib -I/usr/include/postgresql
# SQLite, utf8proc and libcsv are linked statically (Debian ships the .a
# files): it halves the work a short command does before main().
LDLIBS = -Wl,-Bstatic -lsqlite3 -lutf8proc -lcsv -lsodium -Wl,-Bdynamic -lzstd -lm -lpthread -ldl

ifeq ($(SANITIZE),1)
BUILD = build-san
override CFLAGS += -O1 -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=undefined
override LDFLAGS += -fsanitize=address,undefined
else
BUILD = build
endif

BINS = crm crm-admin crm-customer crm-contact crm-product crm-order crm-deal crm-ticket crm-activity crm-campaign crm-field crm-import crm-report
LIB_OBJS = archive archive-key backup buf \
	cmd cmd-complete cmd-help cmd-verb copy custom \
	db db-pg db-pg-schema db-pg-search db-pg-stmt \
	db-sqlite db-sqlite-image db-sqlite-schema db-sqlite-search \
	dupes entity err history \
	import import-log import-map import-orders import-reject \
	order out outfile query reader reader-json \
	record record-delete record-update \
	report report-chart report-period report-pipeline rules \
	schema search snapshot text value verbs

LIB = $(BUILD)/libcrm.a
BIN_PATHS = $(addprefix $(BUILD)/,$(BINS))
LIB_HDRS = $(wildcard lib/*.h)

# Every compile waits for the packages (the headers of libcsv, cmocka...):
# an order-only prerequisite, so that make -j does not race the compiler
# against scripts/install-deps on a fresh machine.
DEPS = deps-checked

all: $(DEPS) $(BIN_PATHS)
# The unit tests (UNIT_TESTS), fuzzing (make fuzz), benchmarks and the demo
# (make bench, make demo) each keep their rules beside their files.
include tests/unit/unit.mk
include fuzz/fuzz.mk
include bench/bench.mk

UNIT_BINS = $(addprefix $(BUILD)/tests/,$(UNIT_TESTS))

$(BUILD)/lib $(BUILD)/tests:
	mkdir -p $@

$(BUILD)/lib/%.o: lib/%.c $(LIB_HDRS) | $(BUILD)/lib $(DEPS)
	$(CC) $(CFLAGS) -c -o $@ $<

$(LIB): $(addprefix $(BUILD)/lib/,$(addsuffix .o,$(LIB_OBJS)))
	rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/%: cmd/%.c $(LIB) $(LIB_HDRS) | $(DEPS)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c tests/unit/fixture.h $(LIB) $(LIB_HDRS) \
		| $(BUILD)/tests $(DEPS)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS) -lcmocka

# Install what is missing (Debian packages), once per checkout.
deps-checked: scripts/install-deps
	@scripts/install-deps
	@touch $@

# One prove run over the unit tests and the black-box tests: one summary.
# make check: every test on SQLite, then every test again on a throwaway
# PostgreSQL server (scripts/check-pg starts it and always removes it);
# the few about the SQLite file itself pass there without checking.
check: check-sqlite check-pg

TESTS = $(UNIT_BINS) tests/cli/*.bats

check-sqlite: all $(UNIT_BINS)
	BUILD=$(BUILD) prove -j2 --exec tests/run-one $(TESTS)

check-pg: all $(UNIT_BINS)
	scripts/check-pg $(BUILD) $(TESTS)

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(MANDIR)/man7 $(DESTDIR)$(BASHCOMPDIR) \
		$(DESTDIR)$(ZSHCOMPDIR) $(DESTDIR)$(FISHCOMPDIR)
	install -m 0755 $(BIN_PATHS) $(DESTDIR)$(BINDIR)
	install -m 0644 man/*.1 $(DESTDIR)$(MANDIR)/man1
	install -m 0644 man/crm.7 $(DESTDIR)$(MANDIR)/man7
	for b in $(BINS); do \
		install -m 0644 completions/crm.bash $(DESTDIR)$(BASHCOMPDIR)/$$b; \
		install -m 0644 completions/crm.fish $(DESTDIR)$(FISHCOMPDIR)/$$b.fish; \
	done
	install -m 0644 completions/_crm $(DESTDIR)$(ZSHCOMPDIR)/_crm

clean:
	rm -rf build build-san deps-checked

.PHONY: all check check-sqlite check-pg install clean bench demo fuzz
.SECONDARY:
