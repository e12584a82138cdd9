# Benchmarks (make bench) and the demo database (make demo).
#
#   make bench                      100,000 and 1,000,000 customers,
#                                   1,000,000 and 5,000,000 order lines
#   make bench BENCH_N=50000        a quick run: 5,000 and 50,000
#                                   customers, 50,000 and 250,000 lines
#   make bench BENCH_RUNS=50        more runs per measurement
#   make bench-pg                   the PostgreSQL rows alone (bench/run-pg;
#                                   make bench runs them too when a
#                                   server can be started, BENCH_PG=0 not)
#   make bench-backup               the backup, verify and restore rows
#                                   alone (bench/run-backup; make bench
#                                   runs them too, BENCH_BACKUP=0 not)
#   make bench BENCH_SALES=1        and the reports and lists of deals,
#                                   tickets and activities
#   (more knobs: bench/README.md)
#   make demo                       demo.db in the checkout, and a tour
#   pandas rows of the reports:     scripts/install-deps --bench
#                                   (python3-pandas; make check needs none)
#
# The databases and the CSV files are built once per size and seed into
# bench/out/ (git-ignored), and reused after that: only a change of a
# generator rebuilds them ("crm-admin migrate" brings in a newer schema
# before timing).  customers-N.db comes from gen-customers and
# load-customers; shop-N.db and orders-N.db from crm-import, of
# gen-customers' and gen-orders' files (delete them to rebuild them with
# a changed crm-import).  Results go to bench/out/results.txt.  No timing
# is ever asserted by make check.

BENCH_N ?= 1000000
BENCH_SMALL ?= $(shell expr $(BENCH_N) / 10)
BENCH_SEED ?= 1
BENCH_RUNS ?= 30
BENCH_LIST_RUNS ?= 10
BENCH_WARMUP ?= 5
BENCH_ROUNDS ?= 3
BENCH_INSTR ?= 1
# Orders and imports: order lines of the large orders database and import
# (5 per customer) and of the small import, products in the catalog, runs
# of each import (medians; 1 at 1,000,000 customers, where one takes
# minutes), and which parts to run (1 or 0).
BENCH_LINES ?= $(shell expr $(BENCH_N) \* 5)
BENCH_LINES_SMALL ?= $(BENCH_N)
BENCH_PRODUCTS ?= 1000
BENCH_IMPORT_RUNS ?= $(shell [ $(BENCH_N) -gt 200000 ] && echo 1 || echo 3)
BENCH_IMPORT ?= 1
BENCH_ORDERS ?= 1
# The customers import's peak RSS at N is compared with a run of this
# many rows (5 x N), as the orders import's is at 5 x N lines against N:
# a run keeps page caches and a sorter of bounded size, which a small file
# leaves part empty, so only a larger file shows whether memory is flat.
BENCH_IMPORT_RSS_N ?= $(shell expr $(BENCH_N) \* 5)
# Custom fields (1 to run that part): N customers imported with and
# without three custom columns, then lists that filter on and write them.
BENCH_FIELDS ?= 0
# Reports: a shop of BENCH_REPORT_N customers (N/10) with
# BENCH_REPORT_LINES order lines (5 x N) imported, crm-report against the
# sqlite3 shell and pandas; the runs of each (medians), 1 to leave it out.
BENCH_REPORTS ?= 1
BENCH_REPORT_N ?= $(BENCH_SMALL)
BENCH_REPORT_LINES ?= $(BENCH_LINES)
BENCH_REPORT_RUNS ?= 5
# Rows of the callgrind profiles of crm-import (bench/out/import-*.txt):
# 20,000, or N/10 for a quick run.
BENCH_PROFILE_ROWS ?= $(shell [ $(BENCH_N) -ge 200000 ] && echo 20000 || \
	expr $(BENCH_N) / 10)
# Sales, service and marketing (off by default: BENCH_SALES=1): a database
# of customers, deals, tickets and activities, built once per size by
# crm-import from gen-customers' and gen-sales' files.
BENCH_SALES ?= 0
BENCH_SALES_CUSTOMERS ?= 100000
BENCH_DEALS ?= 100000
BENCH_TICKETS ?= 1000000
BENCH_ACTIVITIES ?= 1000000
BENCH_OUT ?= bench/out
BENCH_DB_DIR = $(BENCH_OUT)/s$(BENCH_SEED)
# Substrings for search: a common two-character name (615 of 1,000,000
# rows match) and a three-character one (17 rows).
BENCH_SEARCH2 ?= 张伟
BENCH_SEARCH3 ?= 李敏敏

$(BUILD)/gen-customers $(BUILD)/gen-orders $(BUILD)/gen-sales: $(BUILD)/%: \
		scripts/%.c scripts/gen.h | $(DEPS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $<

$(BUILD)/load-customers $(BUILD)/anchor-sql: $(BUILD)/%: bench/%.c $(LIB) \
		$(LIB_HDRS) | $(DEPS)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

# A database of N customers.  Written beside, then renamed: an interrupted
# build leaves no half database to be reused.
$(BENCH_DB_DIR)/customers-%.db: scripts/gen-customers.c \
		| $(BUILD)/gen-customers $(BUILD)/load-customers
	@mkdir -p $(@D)
	rm -f $@.tmp $@.tmp-wal $@.tmp-shm $@.csv
	$(BUILD)/gen-customers $* $(BENCH_SEED) > $@.csv
	$(BUILD)/load-customers $@.tmp $@.csv
	rm -f $@.csv $@.tmp-wal $@.tmp-shm
	mv $@.tmp $@

# The files of the orders and import benchmarks, all in $(BENCH_DB_DIR):
#   customers-N.csv            gen-customers N SEED, as crm-import reads it
#   products-P.csv             gen-orders products P SEED
#   shop-N.db                  customers-N.csv and products-P.csv imported
#                              by crm-import into a new database
#   emails-N.txt               the emails of shop-N.db's customers, by id
#   orders-N-L.csv             gen-orders orders L P emails-N.txt SEED
#   orders-N.db                shop-N.db with orders-N-LINES.csv imported
# crm-import exits 65 when it rejects rows (gen-customers writes some
# invalid ones on purpose): that is no failure here.
BENCH_IMPORT_OK = st=$$?; [ $$st -eq 65 ] || exit $$st

$(BENCH_DB_DIR)/customers-%.csv: scripts/gen-customers.c \
		| $(BUILD)/gen-customers
	@mkdir -p $(@D)
	$(BUILD)/gen-customers $* $(BENCH_SEED) > $@.tmp
	mv $@.tmp $@

# The same customers with three custom columns (gen-customers -f).
$(BENCH_DB_DIR)/custfields-%.csv: scripts/gen-customers.c \
		| $(BUILD)/gen-customers
	@mkdir -p $(@D)
	$(BUILD)/gen-customers -f $* $(BENCH_SEED) > $@.tmp
	mv $@.tmp $@

$(BENCH_DB_DIR)/products-%.csv: scripts/gen-orders.c | $(BUILD)/gen-orders
	@mkdir -p $(@D)
	$(BUILD)/gen-orders products $* $(BENCH_SEED) > $@.tmp
	mv $@.tmp $@

$(BENCH_DB_DIR)/shop-%.db: $(BENCH_DB_DIR)/customers-%.csv \
		$(BENCH_DB_DIR)/products-$(BENCH_PRODUCTS).csv \
		| $(BUILD)/crm-admin $(BUILD)/crm-import
	rm -f $@.tmp $@.tmp-wal $@.tmp-shm
	$(BUILD)/crm-admin -q -d $@.tmp init
	$(BUILD)/crm-import customers -q -d $@.tmp $< || { $(BENCH_IMPORT_OK); }
	$(BUILD)/crm-import products -q -d $@.tmp \
		$(BENCH_DB_DIR)/products-$(BENCH_PRODUCTS).csv
	rm -f $@.tmp-wal $@.tmp-shm
	mv $@.tmp $@

$(BENCH_DB_DIR)/emails-%.txt: $(BENCH_DB_DIR)/shop-%.db
	sqlite3 $< "SELECT email FROM customers WHERE email IS NOT NULL \
		ORDER BY id" > $@.tmp
	mv $@.tmp $@

$(BENCH_DB_DIR)/orders-$(BENCH_N)-%.csv: \
		$(BENCH_DB_DIR)/emails-$(BENCH_N).txt scripts/gen-orders.c \
		| $(BUILD)/gen-orders
	$(BUILD)/gen-orders orders $* $(BENCH_PRODUCTS) $< $(BENCH_SEED) \
		> $@.tmp
	mv $@.tmp $@

$(BENCH_DB_DIR)/orders-%.db: $(BENCH_DB_DIR)/shop-%.db \
		$(BENCH_DB_DIR)/orders-%-$(BENCH_LINES).csv \
		| $(BUILD)/crm-import
	rm -f $@.tmp $@.tmp-wal $@.tmp-shm
	sqlite3 $< "PRAGMA wal_checkpoint(TRUNCATE)" > /dev/null
	cp $< $@.tmp
	$(BUILD)/crm-import orders -q -d $@.tmp \
		$(BENCH_DB_DIR)/orders-$*-$(BENCH_LINES).csv || \
		{ $(BENCH_IMPORT_OK); }
	rm -f $@.tmp-wal $@.tmp-shm
	mv $@.tmp $@

# The sales database: customers imported, then deals, tickets (with the
# created_at of scripts/gen-sales.c) and activities for them.
BENCH_SALES_DB = $(BENCH_DB_DIR)/sales-$(BENCH_SALES_CUSTOMERS)-$(BENCH_DEALS)-$(BENCH_TICKETS)-$(BENCH_ACTIVITIES).db
$(BENCH_SALES_DB): scripts/gen-sales.c scripts/gen-customers.c scripts/gen.h \
		| $(BUILD)/gen-sales $(BUILD)/gen-customers $(BUILD)/crm-admin \
		$(BUILD)/crm-import
	@mkdir -p $(@D)
	rm -f $@.tmp $@.tmp-wal $@.tmp-shm
	$(BUILD)/crm-admin -q -d $@.tmp init
	$(BUILD)/gen-customers $(BENCH_SALES_CUSTOMERS) $(BENCH_SEED) | \
		$(BUILD)/crm-import customers -q -d $@.tmp - || \
		{ $(BENCH_IMPORT_OK); }
	n=$$(sqlite3 $@.tmp "SELECT max(id) FROM customers") && \
	for k in deals:$(BENCH_DEALS) tickets:$(BENCH_TICKETS) \
	    activities:$(BENCH_ACTIVITIES); do \
		$(BUILD)/gen-sales $${k%%:*} $${k##*:} $$n $(BENCH_SEED) | \
			$(BUILD)/crm-import $${k%%:*} -q -d $@.tmp - || exit; \
	done
	rm -f $@.tmp-wal $@.tmp-shm
	mv $@.tmp $@

# The reports database: shop-RN.db with RL lines of its own customers
# (orders-RN-RL.csv) imported by crm-import, as orders-N.db is.
BENCH_REPORT_DB = $(BENCH_DB_DIR)/reports-$(BENCH_REPORT_N)-$(BENCH_REPORT_LINES).db
ifneq ($(BENCH_REPORT_N),$(BENCH_N))
$(BENCH_DB_DIR)/orders-$(BENCH_REPORT_N)-%.csv: \
		$(BENCH_DB_DIR)/emails-$(BENCH_REPORT_N).txt scripts/gen-orders.c \
		| $(BUILD)/gen-orders
	$(BUILD)/gen-orders orders $* $(BENCH_PRODUCTS) $< $(BENCH_SEED) \
		> $@.tmp
	mv $@.tmp $@
endif

$(BENCH_REPORT_DB): $(BENCH_DB_DIR)/shop-$(BENCH_REPORT_N).db \
		$(BENCH_DB_DIR)/orders-$(BENCH_REPORT_N)-$(BENCH_REPORT_LINES).csv \
		| $(BUILD)/crm-import
	rm -f $@.tmp $@.tmp-wal $@.tmp-shm
	sqlite3 $< "PRAGMA wal_checkpoint(TRUNCATE)" > /dev/null
	cp $< $@.tmp
	$(BUILD)/crm-import orders -q -d $@.tmp \
		$(BENCH_DB_DIR)/orders-$(BENCH_REPORT_N)-$(BENCH_REPORT_LINES).csv || \
		{ $(BENCH_IMPORT_OK); }
	rm -f $@.tmp-wal $@.tmp-shm
	mv $@.tmp $@

reports-db: $(BENCH_REPORT_DB)

.PRECIOUS: $(BENCH_DB_DIR)/%.csv $(BENCH_DB_DIR)/%.txt \
	$(BENCH_DB_DIR)/%.db

# With the imports, bench/run builds orders-N.db itself: its timed import
# of orders-N-LINES.csv into a copy of shop-N.db is that build, and is
# kept when orders-N.db is missing or older than those two files.
BENCH_FILES = $(BENCH_DB_DIR)/customers-$(BENCH_SMALL).db \
	$(BENCH_DB_DIR)/customers-$(BENCH_N).db
ifeq ($(BENCH_ORDERS)$(BENCH_IMPORT),10)
BENCH_FILES += $(BENCH_DB_DIR)/orders-$(BENCH_N).db
endif
ifeq ($(BENCH_ORDERS),1)
BENCH_FILES += $(BENCH_DB_DIR)/shop-$(BENCH_N).db \
	$(BENCH_DB_DIR)/emails-$(BENCH_N).txt
endif
ifeq ($(BENCH_IMPORT),1)
BENCH_FILES += $(BENCH_DB_DIR)/customers-$(BENCH_IMPORT_RSS_N).csv \
	$(BENCH_DB_DIR)/customers-$(BENCH_N).csv \
	$(BENCH_DB_DIR)/shop-$(BENCH_N).db \
	$(BENCH_DB_DIR)/orders-$(BENCH_N)-$(BENCH_LINES_SMALL).csv \
	$(BENCH_DB_DIR)/orders-$(BENCH_N)-$(BENCH_LINES).csv
endif
ifeq ($(BENCH_FIELDS),1)
BENCH_FILES += $(BENCH_DB_DIR)/customers-$(BENCH_N).csv \
	$(BENCH_DB_DIR)/custfields-$(BENCH_N).csv
endif

ifeq ($(BENCH_SALES),1)
BENCH_FILES += $(BENCH_SALES_DB)
endif
ifeq ($(BENCH_REPORTS),1)
BENCH_FILES += $(BENCH_REPORT_DB) \
	$(BENCH_DB_DIR)/customers-$(BENCH_REPORT_N).csv \
	$(BENCH_DB_DIR)/products-$(BENCH_PRODUCTS).csv \
	$(BENCH_DB_DIR)/orders-$(BENCH_REPORT_N)-$(BENCH_REPORT_LINES).csv
endif

# PostgreSQL (bench/run-pg, after bench/run): auto runs that part when a
# server can be started (scripts/pg-server), 1 makes a missing server an
# error, 0 leaves it out; "make bench-pg" runs it alone.  It copies
# orders-N.db and the reports database into a throwaway server, and
# imports customers-N.csv; BENCH_IMPORT, BENCH_REPORTS and BENCH_ORDERS
# leave out its import, reports and order add as they do bench/run's.
BENCH_PG ?= auto
BENCH_PG_FILES = $(BENCH_DB_DIR)/orders-$(BENCH_N).db
ifeq ($(BENCH_REPORTS),1)
BENCH_PG_FILES += $(BENCH_REPORT_DB)
endif
ifeq ($(BENCH_IMPORT),1)
BENCH_PG_FILES += $(BENCH_DB_DIR)/customers-$(BENCH_N).csv
endif
# With the imports on, bench/run builds orders-N.db (see above).
ifneq ($(BENCH_PG),0)
ifeq ($(BENCH_IMPORT),0)
BENCH_FILES += $(BENCH_DB_DIR)/orders-$(BENCH_N).db
endif
endif
BENCH_PG_RUN = BUILD=$(BUILD) BENCH_PG=$(BENCH_PG) BENCH_RUNS=$(BENCH_RUNS) \
	BENCH_WARMUP=$(BENCH_WARMUP) BENCH_ROUNDS=$(BENCH_ROUNDS) \
	BENCH_SEARCH2='$(BENCH_SEARCH2)' BENCH_SEARCH3='$(BENCH_SEARCH3)' \
	BENCH_IMPORT=$(BENCH_IMPORT) BENCH_IMPORT_RUNS=$(BENCH_IMPORT_RUNS) \
	BENCH_REPORTS=$(BENCH_REPORTS) BENCH_REPORT_RUNS=$(BENCH_REPORT_RUNS) \
	BENCH_ORDERS=$(BENCH_ORDERS) \
		bench/run-pg $(BENCH_OUT) $(BENCH_DB_DIR)/orders-$(BENCH_N).db \
		$(BENCH_REPORT_DB) $(BENCH_DB_DIR)/customers-$(BENCH_N).csv

# Backup, verify and restore (bench/run-backup, after bench/run and
# bench/run-pg; 0 leaves it out, "make bench-backup" runs it alone):
# crm-admin backup of orders-N.db against sqlite3 .backup, zstd -3 and gpg
# --symmetric, BENCH_BACKUP_RUNS rounds.  Its peak RSS is compared with a
# backup of orders-S.db (S = BENCH_SMALL), built by the same rules with S
# customers and a tenth of the lines.
BENCH_BACKUP ?= 1
BENCH_BACKUP_RUNS ?= 3
BENCH_BACKUP_RUN = $(MAKE) --no-print-directory \
		$(BENCH_DB_DIR)/orders-$(BENCH_N).db && \
	$(MAKE) --no-print-directory BENCH_N=$(BENCH_SMALL) \
		BENCH_LINES=$$(expr $(BENCH_LINES) / 10) \
		$(BENCH_DB_DIR)/orders-$(BENCH_SMALL).db && \
	BUILD=$(BUILD) BENCH_BACKUP_RUNS=$(BENCH_BACKUP_RUNS) \
		bench/run-backup $(BENCH_OUT) $(BENCH_DB_DIR)/orders-$(BENCH_N).db \
		$(BENCH_DB_DIR)/orders-$(BENCH_SMALL).db

bench: all $(BUILD)/anchor-sql $(BENCH_FILES)
	BUILD=$(BUILD) BENCH_RUNS=$(BENCH_RUNS) \
	BENCH_LIST_RUNS=$(BENCH_LIST_RUNS) BENCH_WARMUP=$(BENCH_WARMUP) \
	BENCH_ROUNDS=$(BENCH_ROUNDS) BENCH_INSTR=$(BENCH_INSTR) \
	BENCH_SEARCH2='$(BENCH_SEARCH2)' BENCH_SEARCH3='$(BENCH_SEARCH3)' \
	BENCH_DB_DIR=$(BENCH_DB_DIR) BENCH_N=$(BENCH_N) \
	BENCH_SMALL=$(BENCH_SMALL) BENCH_LINES=$(BENCH_LINES) \
	BENCH_LINES_SMALL=$(BENCH_LINES_SMALL) \
	BENCH_PRODUCTS=$(BENCH_PRODUCTS) \
	BENCH_IMPORT_RUNS=$(BENCH_IMPORT_RUNS) BENCH_IMPORT=$(BENCH_IMPORT) \
	BENCH_IMPORT_RSS_N=$(BENCH_IMPORT_RSS_N) \
	BENCH_ORDERS=$(BENCH_ORDERS) BENCH_FIELDS=$(BENCH_FIELDS) \
	BENCH_SEED=$(BENCH_SEED) \
	BENCH_PROFILE_ROWS=$(BENCH_PROFILE_ROWS) \
	BENCH_SALES=$(BENCH_SALES) BENCH_SALES_DB=$(BENCH_SALES_DB) \
	BENCH_REPORTS=$(BENCH_REPORTS) BENCH_REPORT_N=$(BENCH_REPORT_N) \
	BENCH_REPORT_LINES=$(BENCH_REPORT_LINES) \
	BENCH_REPORT_RUNS=$(BENCH_REPORT_RUNS) \
		bench/run $(BENCH_OUT) \
		$(BENCH_DB_DIR)/customers-$(BENCH_SMALL).db \
		$(BENCH_DB_DIR)/customers-$(BENCH_N).db
	[ '$(BENCH_PG)' = 0 ] || $(BENCH_PG_RUN)
	[ '$(BENCH_BACKUP)' = 0 ] || { $(BENCH_BACKUP_RUN); }

bench-pg: all $(BUILD)/anchor-sql $(BENCH_PG_FILES)
	$(BENCH_PG_RUN)

bench-backup: all
	$(BENCH_BACKUP_RUN)

# The build out of sight (a first one installs packages and compiles for a
# minute or two): its output goes to $(BUILD)/demo-build.log, shown only
# when it fails.  Then the tour itself.
demo:
	@echo "demo: building; the log is $(BUILD)/demo-build.log"
	@mkdir -p $(BUILD)
	@$(MAKE) --no-print-directory all $(BUILD)/gen-customers \
		> $(BUILD)/demo-build.log 2>&1 || \
		{ cat $(BUILD)/demo-build.log; exit 1; }
	@BUILD=$(BUILD) scripts/demo demo.db

.PHONY: bench bench-pg bench-backup demo reports-db
