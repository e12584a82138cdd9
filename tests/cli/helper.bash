# Shared set-up for the black-box tests: each test gets a fresh folder and
# database, the freshly built binaries first on PATH, and a pinned clock.
load '/usr/lib/bats/bats-support/load'
load '/usr/lib/bats/bats-assert/load'

# run --separate-stderr, run -N
bats_require_minimum_version 1.5.0

BUILD_DIR="${BUILD_DIR:-$BATS_TEST_DIRNAME/../../${BUILD:-build}}"
BUILD_DIR="$(cd "$BUILD_DIR" && pwd)"
export PATH="$BUILD_DIR:$PATH"

# The backend: SQLite files, or with CRM_TEST_PGHOST (set by make
# check-pg to a throwaway server's socket folder) PostgreSQL databases,
# one made afresh for each test.
on_pg() {
	[ -n "${CRM_TEST_PGHOST:-}" ]
}

# A test about the SQLite file itself (its bytes, its WAL, sqlite3(1)):
# skipped on PostgreSQL, and only such tests are.
sqlite_only() {
	if on_pg; then
		skip "about the SQLite file"
	fi
}

# psql on the test's database (or database $PGDB_NAME), quiet and plain.
pg_psql() {
	psql -X -q -A -t -v ON_ERROR_STOP=1 -h "$CRM_TEST_PGHOST" -U crm \
		-d "${2:-$PGDB_NAME}" -c "$1"
}

common_setup() {
	export CRM_USER=tester CRM_TODAY=2026-11-22 TZ=UTC
	unset CRM_FORMAT XDG_DATA_HOME CRM_BUSY_TIMEOUT COLUMNS
	if on_pg; then
		# A database of its own for each test; the one before it goes
		# (when a process of its is still about, the server's removal
		# at the end takes it).
		local base
		base=t_$(basename "$BATS_TEST_FILENAME" .bats | tr -c 'a-z0-9\n' _)
		PGDB_NAME=${base}_$BATS_TEST_NUMBER
		export PGDB_NAME
		dropdb -h "$CRM_TEST_PGHOST" -U crm --if-exists --force \
			"${base}_$((BATS_TEST_NUMBER - 1))" 2>/dev/null || true
		dropdb -h "$CRM_TEST_PGHOST" -U crm --if-exists --force \
			"$PGDB_NAME" 2>/dev/null || true
		createdb -h "$CRM_TEST_PGHOST" -U crm "$PGDB_NAME"
		export CRM_DB="postgresql:///$PGDB_NAME?host=$CRM_TEST_PGHOST&user=crm"
	else
		export CRM_DB="$BATS_TEST_TMPDIR/crm.db"
	fi
}

# A fresh database.
init_db() {
	crm-admin init -q
}

# Run SQL on the test's database, written so that both backends take it;
# rows as sqlite3 prints them (columns joined by |).
db_sql() {
	if on_pg; then
		pg_psql "$1"
	else
		sqlite3 "$CRM_DB" "$1"
	fi
}

# The database's schema version, or with an argument set it (as a newer
# crm, or a hand, would).
db_version() {
	if on_pg; then
		if [ $# -gt 0 ]; then
			pg_psql "UPDATE crm_schema SET version = $1"
		else
			pg_psql "SELECT version FROM crm_schema"
		fi
	elif [ $# -gt 0 ]; then
		sqlite3 "$CRM_DB" "PRAGMA user_version = $1"
	else
		sqlite3 "$CRM_DB" 'PRAGMA user_version'
	fi
}

# Run SQL bypassing the references' checks, as a restore or a bulk load
# by hand can (on a server: as its superuser, with the triggers that
# enforce references set aside).
db_sql_unchecked() {
	if on_pg; then
		psql -X -q -v ON_ERROR_STOP=1 -h "$CRM_TEST_PGHOST" -U postgres \
			-d "$PGDB_NAME" -c "SET session_replication_role = replica;
			$1"
	else
		sqlite3 "$CRM_DB" "$1"
	fi
}

# S with what an extended regular expression would read as an operator
# escaped, into RE (a PostgreSQL URI has a '?').
re_quote() {
	RE=$(printf '%s' "$1" | sed 's/[][\\.*^$?+(){}|]/\\&/g')
}

# The bytes of the value a query gives, in upper-case hex.
db_hex() {
	printf '%s' "$(db_sql "$1")" | od -An -tx1 | tr -d ' \n' | tr a-f A-F
}

# The column TABLE.NAME, if the table has one (its name, else nothing).
db_column() {
	if on_pg; then
		pg_psql "SELECT column_name FROM information_schema.columns
			WHERE table_schema = current_schema()
			  AND table_name = '$1' AND column_name = '$2'"
	else
		sqlite3 "$CRM_DB" "SELECT name FROM pragma_table_info('$1')
			WHERE name = '$2'"
	fi
}

# The index NAME on TABLE, if there is one (its name, else nothing).
db_index() {
	if on_pg; then
		pg_psql "SELECT indexname FROM pg_indexes
			WHERE schemaname = current_schema()
			  AND tablename = '$1' AND indexname = '$2'"
	else
		sqlite3 "$CRM_DB" "SELECT name FROM pragma_index_list('$1')
			WHERE name = '$2'"
	fi
}

# Run a command and check that the database did not change: compares a
# dump of every table before and after.  (A sequence a failed insert
# moved on is no change.)
dump_db() {
	if on_pg; then
		# as sqlite3 writes them: no schema name; in a stable order
		# (the server's rows are in no order)
		pg_dump -h "$CRM_TEST_PGHOST" -U crm -a --inserts "$PGDB_NAME" |
			sed -n 's/^INSERT INTO public\./INSERT INTO /p' | LC_ALL=C sort
	else
		sqlite3 "$CRM_DB" .dump | grep -v '^INSERT INTO customers_fts'
	fi
}

# assert_unchanged "$before": the database still dumps as it did.
assert_unchanged() {
	local now
	now=$(dump_db)
	if [ "$now" != "$1" ]; then
		diff <(printf '%s\n' "$1") <(printf '%s\n' "$now") |
			batslib_decorate 'database changed' | fail
	fi
}

# The checks on stderr after 'run --separate-stderr', as assert_output
# does for stdout: assert_stderr TEXT, assert_stderr --regexp RE, ...
assert_stderr() {
	local output="$stderr"
	assert_output "$@"
}

# A failure that is one message: exit status CODE, nothing on stdout and
# exactly the line MESSAGE on stderr.  After 'run --separate-stderr'.
assert_error() {
	assert_failure "$1"
	assert_output ''
	assert_stderr "$2"
}

# Like assert_error, for a message known only by its shape: exactly one
# line on stderr, starting with PROG: and matching the regular expression.
assert_error_re() {
	assert_failure "$1"
	assert_output ''
	assert_equal "${#stderr_lines[@]}" 1
	assert_stderr --regexp "^$2\$"
}

# Every created_at and updated_at set to one time, so that whole records
# can be compared.  Updates of these columns fire no trigger.
pin_times() {
	db_sql "UPDATE customers SET created_at = '${1:-2026-01-02T03:04:05Z}', updated_at = '${1:-2026-01-02T03:04:05Z}';
		UPDATE contacts SET created_at = '${1:-2026-01-02T03:04:05Z}', updated_at = '${1:-2026-01-02T03:04:05Z}';"
}

# One column of one record, read straight from the database.
db_value() {
	db_sql "SELECT $2 FROM $1 WHERE id = $3"
}

# Hold a write lock on the database for SECONDS in the background; returns
# once the lock is held.  The holder's pid is in $LOCK_PID.
hold_lock() {
	local ready="$BATS_TEST_TMPDIR/locked"

	rm -f "$ready"
	if on_pg; then
		# crm's write lock (lib/db-pg.c), held by a session of psql.
		printf '%s\n' 'BEGIN;' 'SELECT pg_advisory_xact_lock(6517357);' \
			"\\! touch $ready" "SELECT pg_sleep($1);" 'COMMIT;' |
			psql -X -q -h "$CRM_TEST_PGHOST" -U crm -d "$PGDB_NAME" \
			>/dev/null 2>&1 3>&- &
		LOCK_PID=$!
		while [ ! -e "$ready" ]; do
			kill -0 "$LOCK_PID" 2>/dev/null || return 1
			sleep 0.05
		done
		return 0
	fi
	python3 -c '
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN EXCLUSIVE")
open(sys.argv[2], "w").close()
time.sleep(float(sys.argv[3]))
c.execute("COMMIT")
' "$CRM_DB" "$ready" "$1" </dev/null >/dev/null 2>&1 3>&- &
	LOCK_PID=$!
	while [ ! -e "$ready" ]; do
		kill -0 "$LOCK_PID" 2>/dev/null || return 1
		sleep 0.05
	done
}

release_lock() {
	if [ -n "${LOCK_PID:-}" ]; then
		kill "$LOCK_PID" 2>/dev/null || true
		wait "$LOCK_PID" 2>/dev/null || true
		LOCK_PID=
	fi
}

# The schema of version 1 (customers and contacts, no search index), as
# an older crm-admin init left it: for the tests of migration.
make_v1_db() {
	sqlite3 "$1" "
CREATE TABLE customers (
	id         INTEGER PRIMARY KEY,
	name       TEXT NOT NULL CHECK (name <> ''),
	kind       TEXT NOT NULL DEFAULT 'person'
	           CHECK (kind IN ('person', 'company')),
	email      TEXT UNIQUE,
	phone      TEXT,
	address    TEXT,
	city       TEXT,
	country    TEXT,
	segment    TEXT,
	ref        TEXT UNIQUE,
	owner      TEXT,
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL
);
CREATE INDEX customers_phone ON customers (phone);
CREATE INDEX customers_segment ON customers (segment);
CREATE TABLE contacts (
	id         INTEGER PRIMARY KEY,
	customer   INTEGER NOT NULL REFERENCES customers (id),
	name       TEXT NOT NULL CHECK (name <> ''),
	email      TEXT,
	phone      TEXT,
	title      TEXT,
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL
);
CREATE INDEX contacts_customer ON contacts (customer);
CREATE INDEX contacts_email ON contacts (email);
PRAGMA journal_mode = WAL;
PRAGMA user_version = 1;" >/dev/null
}

# The fields of an entity as the --help of its list verb names them, and
# as an unknown-field message lists them: "id, name, kind, ...".
known_fields() {
	crm-"$1" list --help | sed -n 's/^Fields: //p' | sed 's/ /, /g'
}

# assert_line for stderr after 'run --separate-stderr'.
assert_stderr_line() {
	local -a lines=("${stderr_lines[@]}")
	assert_line "$@"
}

# Complete the words given (the last one is completed) as bash would, with
# completions/crm.bash; prints COMPREPLY one a line.
bash_complete() {
	bash --norc --noprofile -c '
		source "$1/completions/crm.bash"
		shift
		COMP_WORDS=("$@")
		COMP_CWORD=$(($# - 1))
		COMP_LINE="$*"
		COMP_POINT=${#COMP_LINE}
		_crm_complete
		printf "%s\n" "${COMPREPLY[@]}"
	' bash "$BATS_TEST_DIRNAME/../.." "$@"
}
