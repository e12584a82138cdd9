#!/usr/bin/env bats
# A PostgreSQL server that is not there, or goes away under a command:
# exit 75 (try again later, SPEC 3.7 and 10), one line on stderr, no
# password in it, and an import all or nothing.  The tests that stop a
# server start one of their own: the one make check-pg shares is never
# touched.

load helper

ROOT="$(cd "$BATS_TEST_DIRNAME/../.." && pwd)"

setup() {
	on_pg || skip "about a PostgreSQL server"
	common_setup
	cd "$BATS_TEST_TMPDIR"
	PG_DIR='' IMPORT_PID='' HOLDER_PID=''
}

teardown() {
	local pid
	for pid in "${IMPORT_PID:-}" "${HOLDER_PID:-}"; do
		if [ -n "$pid" ]; then
			kill "$pid" 2>/dev/null || true
			wait "$pid" 2>/dev/null || true
		fi
	done
	if [ -n "${PG_DIR:-}" ]; then
		"$ROOT/scripts/pg-server" stop "$PG_DIR"
	fi
}

# A server of this test's own in $PG_DIR, and on it the database crm,
# which $CRM_DB names.  It waits for each commit to be written: killed,
# it keeps what was committed (crm-admin init), as a real server does.
private_server() {
	PG_DIR=$BATS_TEST_TMPDIR/pg
	export PG_DURABLE=1
	if [ "$(id -u)" -eq 0 ]; then
		# the server runs as postgres, which must reach its folder
		local d=$BATS_TEST_TMPDIR
		while [ "$d" != / ]; do
			chmod o+x "$d"
			d=$(dirname "$d")
		done
	fi
	"$ROOT/scripts/pg-server" start "$PG_DIR" >/dev/null
	createdb -h "$PG_DIR" -U crm crm
	export CRM_DB="postgresql:///crm?host=$PG_DIR&user=crm"
}

# psql on the private server's database.
private_psql() {
	psql -X -q -A -t -v ON_ERROR_STOP=1 -h "$PG_DIR" -U crm -d crm -c "$1"
}

# The private server stops at once, as a crash or a power cut would:
# every connection cut, no transaction finished.
crash_server() {
	local bin
	if [ -z "$PG_DIR" ] || [ "$PG_DIR" = "${CRM_TEST_PGHOST:-}" ]; then
		fail "crash_server: not this test's own server"
	fi
	bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$bin/pg_ctl" -D "$PG_DIR/data" \
			-m immediate stop >/dev/null
	else
		"$bin/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null
	fi
}

# Poll the private server until SQL (a count) is not 0; fails after
# about 20 s, or when process PID has ended.
await() {
	local _
	for _ in $(seq 200); do
		[ "$(private_psql "$1")" != 0 ] && return 0
		kill -0 "$2" 2>/dev/null || fail "ended before: $1"
		sleep 0.1
	done
	fail "never: $1"
}

# A background process's end, as 'run --separate-stderr' would leave it:
# wait for PID, with its stdout and stderr in files OUT and ERR.
run_waited() {
	status=0
	wait "$1" || status=$?
	output=$(cat "$2")
	stderr=$(cat "$3")
	mapfile -t stderr_lines <"$3"
}

# N customers, each valid and of its own email: an import of them
# inserts exactly N.
customers_csv() {
	awk -v n="$1" 'BEGIN {
		print "name,email"
		for (i = 1; i <= n; i++)
			printf "Customer %d,c%d@example.com\n", i, i
	}'
}

@test "the server gone in the middle of an import: exit 75, one line, nothing kept; the import again takes every row" {
	private_server
	init_db
	# enough rows that the import writes for seconds (new records go
	# to a server 5,000 to a statement: some 6,000 a second on a
	# 2-core machine)
	n=100000
	customers_csv "$n" >in.csv
	crm-import customers in.csv >out 2>err 3>&- &
	IMPORT_PID=$!
	# writing: its transaction has an id, rows are in (not committed)
	await "SELECT count(*) FROM pg_stat_activity
		WHERE datname = 'crm' AND pid <> pg_backend_pid()
		  AND backend_xid IS NOT NULL" "$IMPORT_PID"
	sleep 0.2
	kill -0 "$IMPORT_PID" 2>/dev/null ||
		fail "the import ended before the server went: a larger file"
	crash_server
	SECONDS=0
	run_waited "$IMPORT_PID" out err
	IMPORT_PID=
	[ "$SECONDS" -le 5 ] || fail "the import took ${SECONDS}s to notice"
	assert_error_re 75 "crm-import: .*"
	"$ROOT/scripts/pg-server" restart "$PG_DIR" >/dev/null
	# all or nothing: no customer, no batch
	assert_equal "$(private_psql 'SELECT count(*) FROM customers')" 0
	assert_equal "$(private_psql 'SELECT count(*) FROM import_batches')" 0
	run crm-import customers in.csv
	assert_success
	assert_equal "$(private_psql 'SELECT count(*) FROM customers')" "$n"
	assert_equal "$(private_psql 'SELECT count(*) FROM import_batches')" 1
	run crm-admin check
	assert_success
}

@test "the server gone while an import waits for the write lock: exit 75, one line" {
	private_server
	init_db
	customers_csv 3 >in.csv
	# crm's write lock (lib/db-pg.c) held by a session of psql
	printf '%s\n' 'BEGIN;' 'SELECT pg_advisory_xact_lock(6517357);' \
		'SELECT pg_sleep(60);' |
		psql -X -q -h "$PG_DIR" -U crm -d crm >/dev/null 2>&1 3>&- &
	HOLDER_PID=$!
	await "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'
		AND granted" "$HOLDER_PID"
	CRM_BUSY_TIMEOUT=60000 crm-import customers in.csv >out 2>err 3>&- &
	IMPORT_PID=$!
	await "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'
		AND NOT granted" "$IMPORT_PID"
	crash_server
	run_waited "$IMPORT_PID" out err
	IMPORT_PID=
	# the message libpq writes on three lines is one
	assert_error_re 75 "crm-import: .*"
	"$ROOT/scripts/pg-server" restart "$PG_DIR" >/dev/null
	assert_equal "$(private_psql 'SELECT count(*) FROM customers')" 0
	assert_equal "$(private_psql 'SELECT count(*) FROM import_batches')" 0
}

@test "no server running: every command exits 75 at once, with one line" {
	# a socket folder that no server listens in
	mkdir "$BATS_TEST_TMPDIR/none"
	export CRM_DB="postgresql:///crm?host=$BATS_TEST_TMPDIR/none&user=crm"
	printf 'name\nAda\n' >in.csv
	for cmd in 'crm-customer list' 'crm-admin init' \
	    'crm-customer add --name Ada' 'crm-import customers in.csv' \
	    'crm-report pipeline' 'crm-admin check'; do
		SECONDS=0
		# shellcheck disable=SC2086
		run --separate-stderr timeout 10 $cmd
		[ "$SECONDS" -le 3 ] || fail "$cmd took ${SECONDS}s"
		assert_error_re 75 "${cmd%% *}: cannot connect to .*"
	done
}

@test "a password in the URI is never shown: no server, or a URI libpq cannot read" {
	mkdir "$BATS_TEST_TMPDIR/none"
	dir=$BATS_TEST_TMPDIR/none
	for db in "postgresql://crm:s3cret@/crm?host=$dir" \
	    "postgres://crm:s3cret@/crm?host=$dir" \
	    "postgresql:///crm?host=$dir&user=crm&password=s3cret" \
	    'postgresql://crm:s3cret@[::1/crm' \
	    'postgresql://crm:s3cret@[]/crm' \
	    "postgresql://crm:s3cret%zz@/crm?host=$dir" \
	    "postgresql:///crm?host=$dir&password=s3cret%zz"; do
		for cmd in 'crm-customer list' 'crm-admin init'; do
			export CRM_DB=$db
			# shellcheck disable=SC2086
			run --separate-stderr timeout 10 $cmd
			assert_failure 75
			assert_equal "${#stderr_lines[@]}" 1
			refute_output --partial s3cret
			[[ $stderr != *s3cret* ]] ||
				fail "$cmd on $db said: $stderr"
			[[ $stderr == "${cmd%% *}: "* ]] ||
				fail "$cmd on $db said: $stderr"
		done
	done
}
