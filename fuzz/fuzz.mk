# Fuzzing with libFuzzer (clang): each fuzz/NAME.c is a target built into
# build-fuzz/NAME with AddressSanitizer and UBSan, from the lib/ sources
# (LIB_OBJS) compiled for it and linked with the Makefile's LDLIBS.  make
# fuzz runs each for FUZZ_SECONDS, starting from the seeds and dictionary
# in fuzz/ (fuzz/corpus/NAME/, fuzz/NAME.dict) and keeping what it learns
# in build-fuzz/corpus/NAME/; a crash is saved as build-fuzz/NAME-crash-*
# (a hang as NAME-timeout-*) and stops make.  make fuzz-smoke is the short,
# reproducible run CI does (below).
FUZZ_CC ?= clang
FUZZ_BUILD = build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_TARGETS = fuzz-archive fuzz-import fuzz-out fuzz-reader fuzz-value \
	fuzz-where
FUZZ_SAN = -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_CFLAGS = -g -O1 -fno-omit-frame-pointer -std=c11 -D_GNU_SOURCE \
	-Wall -Wextra -Ilib -I/usr/include/postgresql $(FUZZ_SAN)
FUZZ_OBJS = $(addprefix $(FUZZ_BUILD)/lib/,$(addsuffix .o,$(LIB_OBJS)))
FUZZ_BINS = $(addprefix $(FUZZ_BUILD)/,$(FUZZ_TARGETS))

$(FUZZ_BUILD)/lib:
	mkdir -p $@

$(FUZZ_BUILD)/lib/%.o: lib/%.c $(LIB_HDRS) | $(FUZZ_BUILD)/lib $(DEPS)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(FUZZ_BUILD)/fuzz-%: fuzz/fuzz-%.c fuzz/fixture.h $(FUZZ_OBJS) $(LIB_HDRS) \
		| $(DEPS)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_OBJS) \
		$(LDLIBS)

fuzz: $(FUZZ_BINS)
	@for t in $(FUZZ_TARGETS); do \
		mkdir -p $(FUZZ_BUILD)/corpus/$$t || exit 1; \
		echo "fuzz: $$t for $(FUZZ_SECONDS)s"; \
		$(FUZZ_BUILD)/$$t -max_total_time=$(FUZZ_SECONDS) \
			-print_final_stats=1 -timeout=10 -rss_limit_mb=2048 \
			-artifact_prefix=$(FUZZ_BUILD)/$$t- \
			-dict=fuzz/$$t.dict \
			$(FUZZ_BUILD)/corpus/$$t fuzz/corpus/$$t || exit 1; \
	done

# CI's run is the same on every machine: a fixed seed and a fixed number
# of inputs per target (about 10 s each on this machine when quiet), so
# that a commit's result does not depend on the machine's speed or luck;
# 120 s per target caps a very slow machine.  Finding new inputs is what
# make fuzz is for.
FUZZ_SMOKE_RUNS = fuzz-archive:1500 fuzz-import:2000 fuzz-out:600000 fuzz-reader:10000 \
	fuzz-value:240000 fuzz-where:120000
ifneq ($(filter-out $(foreach tr,$(FUZZ_SMOKE_RUNS),$(firstword \
    $(subst :, ,$(tr)))),$(FUZZ_TARGETS)),)
$(error fuzz/fuzz.mk: FUZZ_SMOKE_RUNS lacks a run count for every target)
endif

fuzz-smoke: $(FUZZ_BINS)
	@for tr in $(FUZZ_SMOKE_RUNS); do \
		t=$${tr%%:*}; n=$${tr#*:}; \
		mkdir -p $(FUZZ_BUILD)/smoke/$$t || exit 1; \
		echo "fuzz-smoke: $$t, $$n inputs, seed 1"; \
		$(FUZZ_BUILD)/$$t -seed=1 -runs=$$n -max_total_time=120 \
			-print_final_stats=1 -timeout=10 -rss_limit_mb=2048 \
			-artifact_prefix=$(FUZZ_BUILD)/$$t- \
			-dict=fuzz/$$t.dict \
			$(FUZZ_BUILD)/smoke/$$t fuzz/corpus/$$t || exit 1; \
		rm -rf $(FUZZ_BUILD)/smoke/$$t; \
	done

fuzz-clean:
	rm -rf $(FUZZ_BUILD)

.PHONY: fuzz-smoke fuzz-clean
