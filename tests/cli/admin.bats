#!/usr/bin/env bats
# crm-admin: the database itself (SPEC 3.3), and how every binary treats a
# database that is missing, newer, busy or not a database at all.

load helper

setup() {
	common_setup
}

teardown() {
	release_lock
}

# ---- init -------------------------------------------------------------------

@test "init creates the missing parent folders and a file of mode 0600" {
	sqlite_only
	db="$BATS_TEST_TMPDIR/a/b/c/crm.db"
	run --separate-stderr crm-admin init -d "$db"
	assert_success
	assert_output ''
	assert_stderr --regexp "^crm-admin: created '$db' \(schema [1-9][0-9]*\)\$"
	[ -f "$db" ]
	assert_equal "$(stat -c %a "$db")" 600
	[ -d "$BATS_TEST_TMPDIR/a/b/c" ]
}

@test "init -q says nothing, and the file is a WAL database of the newest schema" {
	sqlite_only
	run --separate-stderr crm-admin init -q
	assert_success
	assert_output ''
	assert_stderr ''
	assert_equal "$(sqlite3 "$CRM_DB" 'PRAGMA journal_mode')" wal
	v=$(sqlite3 "$CRM_DB" 'PRAGMA user_version')
	[ "$v" -ge 1 ]
	run crm-admin stats -H
	assert_line "schema	$v"
}

@test "init uses \$CRM_DB, -d wins over it" {
	sqlite_only
	run crm-admin init -q
	assert_success
	[ -f "$CRM_DB" ]
	run crm-admin init -q -d "$BATS_TEST_TMPDIR/other.db"
	assert_success
	assert_output ''
	[ -f "$BATS_TEST_TMPDIR/other.db" ]
}

@test "without CRM_DB the database is \$XDG_DATA_HOME/crm/crm.db" {
	sqlite_only
	unset CRM_DB
	export XDG_DATA_HOME="$BATS_TEST_TMPDIR/xdg"
	run crm-admin init -q
	assert_success
	assert_output ''
	[ -f "$XDG_DATA_HOME/crm/crm.db" ]
	run crm-customer add --name Ada
	assert_success
	assert_output 1
	run crm-customer list -H -o id,name -d "$XDG_DATA_HOME/crm/crm.db"
	assert_output "1	Ada"
}

@test "without CRM_DB and XDG_DATA_HOME the database is ~/.local/share/crm/crm.db" {
	sqlite_only
	unset CRM_DB XDG_DATA_HOME
	export HOME="$BATS_TEST_TMPDIR/home"
	run crm-admin init -q
	assert_success
	assert_output ''
	[ -f "$HOME/.local/share/crm/crm.db" ]
	assert_equal "$(stat -c %a "$HOME/.local/share/crm/crm.db")" 600
}

@test "init refuses an existing file that holds anything with 73 and leaves it alone" {
	sqlite_only
	printf 'precious\n' >"$CRM_DB"
	run --separate-stderr crm-admin init
	assert_error 73 "crm-admin: database '$CRM_DB' already exists"
	assert_equal "$(cat "$CRM_DB")" precious
}

@test "init refuses an existing database with 73 and keeps its records" {
	init_db
	crm-customer add --name Ada >/dev/null
	before=$(dump_db)
	run --separate-stderr crm-admin init -q
	assert_failure 73
	assert_output ''
	assert_stderr "crm-admin: database '$CRM_DB' already exists"
	assert_unchanged "$before"
}

@test "init where a parent folder cannot be made exits 73" {
	sqlite_only
	printf 'a file\n' >"$BATS_TEST_TMPDIR/notadir"
	run --separate-stderr crm-admin init -d "$BATS_TEST_TMPDIR/notadir/crm.db"
	assert_error_re 73 "crm-admin: cannot create .*'$BATS_TEST_TMPDIR/notadir.*': Not a directory"
	assert_equal "$(cat "$BATS_TEST_TMPDIR/notadir")" 'a file'
}

@test "init takes no operands" {
	run --separate-stderr crm-admin init extra
	assert_error 64 "crm-admin: unexpected argument 'extra'; see 'crm-admin init --help'"
	[ ! -e "$CRM_DB" ]
}

# ---- a missing database -----------------------------------------------------

@test "every command but init exits 66 on a missing database, says how to create it, creates nothing" {
	db="$BATS_TEST_TMPDIR/no/such/crm.db"
	export CRM_DB="$db"
	while IFS='|' read -r prog args; do
		# shellcheck disable=SC2086
		run --separate-stderr $prog $args
		assert_error 66 "$prog: database '$db' not found; create it with 'crm-admin init'"
		[ ! -e "$BATS_TEST_TMPDIR/no" ] ||
			fail "$prog $args created $(find "$BATS_TEST_TMPDIR/no")"
	done <<-'EOF'
	crm-admin|migrate
	crm-admin|check
	crm-admin|stats
	crm-customer|add --name Ada
	crm-customer|show 1
	crm-customer|list
	crm-customer|update 1 --city Paris
	crm-customer|delete 1
	crm-customer|search Ada
	crm-customer|dupes
	crm-customer|merge 1 2
	crm-contact|add --customer 1 --name Bob
	crm-contact|show 1
	crm-contact|list
	crm-contact|update 1 --title CEO
	crm-contact|delete 1
	EOF
}

@test "the dispatcher on a missing database exits 66 too and creates nothing" {
	run --separate-stderr crm customer list
	assert_error 66 "crm-customer: database '$CRM_DB' not found; create it with 'crm-admin init'"
	[ ! -e "$CRM_DB" ]
}

@test "a missing default database (XDG_DATA_HOME) is named in the message and not created" {
	sqlite_only
	unset CRM_DB
	export XDG_DATA_HOME="$BATS_TEST_TMPDIR/xdg"
	run --separate-stderr crm-customer list
	assert_error 66 "crm-customer: database '$XDG_DATA_HOME/crm/crm.db' not found; create it with 'crm-admin init'"
	[ ! -e "$XDG_DATA_HOME" ]
}

@test "--help and --version need no database and create none" {
	for prog in crm-admin crm-customer crm-contact; do
		run --separate-stderr "$prog" --help
		assert_success
		assert_line --index 0 --regexp "^usage: $prog "
		assert_stderr ''
		run --separate-stderr "$prog" --version
		assert_success
		assert_line --index 0 --regexp "^$prog \(crm\) [0-9]+\.[0-9]+\.[0-9]+\$"
		assert_stderr ''
	done
	run --separate-stderr crm-customer list --help
	assert_success
	assert_line --index 0 --partial 'usage: crm-customer list '
	run --separate-stderr crm-admin stats --help
	assert_success
	assert_line --index 0 --regexp '^usage: crm-admin stats .*\[-H\]'
	assert_line --regexp '^  -H, --no-header +'
	assert_line --regexp '^  -f, --format FORMAT +table, tsv, csv or json'
	[ ! -e "$CRM_DB" ]
}

@test "a database path that is a folder exits 66" {
	sqlite_only
	mkdir "$CRM_DB"
	run --separate-stderr crm-customer list
	assert_error 66 "crm-customer: database '$CRM_DB' is a folder"
}

# ---- migrate ----------------------------------------------------------------

@test "migrate on an up-to-date database changes nothing" {
	init_db
	crm-customer add --name Ada >/dev/null
	before=$(dump_db)
	v=$(db_version)
	run --separate-stderr crm-admin migrate
	assert_success
	assert_output ''
	assert_stderr "crm-admin: '$CRM_DB' is at schema $v"
	assert_unchanged "$before"
}

@test "migrate brings a version 1 database up to date and keeps its records" {
	sqlite_only
	make_v1_db "$CRM_DB"
	sqlite3 "$CRM_DB" "INSERT INTO customers (name, city, created_at, updated_at)
		VALUES ('王芳', '上海', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');
		INSERT INTO contacts (customer, name, created_at, updated_at)
		VALUES (1, 'Li', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');"
	run crm-admin migrate -q
	assert_success
	assert_output ''
	v=$(sqlite3 "$CRM_DB" 'PRAGMA user_version')
	[ "$v" -gt 1 ]
	run crm-customer list -H -o id,name,city
	assert_success
	assert_output "1	王芳	上海"
	run crm-contact list -H -o id,customer,name
	assert_output "1	1	Li"
	# The search index (schema 2) covers the records from before.
	run crm-customer search -H -o id 王芳
	assert_success
	assert_output 1
}

@test "a PostgreSQL database of schema 12 gets its search index made again as numbers" {
	on_pg || skip "PostgreSQL's own migration"
	init_db
	printf 'name,email,city\n张伟,zw@x.com,北京\nAda,ada@x.com,\n' |
		crm-import customers - -q
	# Schema 12's index: the grams as text, in an index of text.
	db_sql "DROP INDEX customer_search_grams;
		ALTER TABLE customer_search ALTER grams TYPE text[]
			USING array['stale'];
		CREATE INDEX customer_search_grams ON customer_search
			USING gin (grams);"
	db_version 12
	run --separate-stderr crm-customer search -H -o email 张伟
	assert_success
	assert_output zw@x.com
	assert_equal "$(db_version)" 13
	assert_equal "$(db_sql "SELECT format_type(atttypid, atttypmod)
		FROM pg_attribute WHERE attrelid = 'customer_search'::regclass
		AND attname = 'grams'")" "bigint[]"
	run crm-customer search -H -o email 北
	assert_output zw@x.com
	run crm-customer search -H -o email ada
	assert_output ada@x.com
	run crm-admin check
	assert_success
}

@test "a reader migrates an older database too" {
	sqlite_only
	make_v1_db "$CRM_DB"
	sqlite3 "$CRM_DB" "INSERT INTO customers (name, created_at, updated_at)
		VALUES ('Ada', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');"
	run --separate-stderr crm-customer search -H -o id,name ada
	assert_success
	assert_output "1	Ada"
	[ "$(sqlite3 "$CRM_DB" 'PRAGMA user_version')" -gt 1 ]
}

@test "a database of a newer schema is refused with 78 by every binary, unchanged" {
	init_db
	crm-customer add --name Ada >/dev/null
	db_version 999
	before=$(dump_db)
	re_quote "$CRM_DB"
	while IFS='|' read -r prog args; do
		# shellcheck disable=SC2086
		run --separate-stderr $prog $args
		assert_error_re 78 "$prog: database '$RE' has schema 999, newer than this binary's [0-9]+: upgrade crm"
	done <<-'EOF'
	crm-admin|migrate
	crm-admin|check
	crm-admin|stats
	crm-customer|list
	crm-customer|add --name Bob
	crm-customer|update 1 --city Paris
	crm-customer|delete 1
	crm-contact|add --customer 1 --name Bob
	EOF
	assert_unchanged "$before"
	assert_equal "$(db_version)" 999
}

# ---- check ------------------------------------------------------------------

@test "check on a sound database exits 0 and says so on stderr only" {
	init_db
	crm-customer add --name Ada >/dev/null
	crm-contact add --customer 1 --name Bob >/dev/null
	run --separate-stderr crm-admin check
	assert_success
	assert_output ''
	assert_stderr "crm-admin: '$CRM_DB' is ok"
	run --separate-stderr crm-admin check -q
	assert_success
	assert_output ''
	assert_stderr ''
}

@test "check reports a contact whose customer is missing and exits 65" {
	init_db
	db_sql_unchecked "INSERT INTO contacts (customer, name, created_at, updated_at)
		VALUES (99, 'Orphan', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')"
	before=$(dump_db)
	run --separate-stderr crm-admin check
	assert_failure 65
	assert_output "foreign-key	contacts row 1 refers to a missing customers"
	assert_equal "${#stderr_lines[@]}" 1
	re_quote "$CRM_DB"
	assert_stderr --regexp "^crm-admin: '$RE': 1 problems? found\$"
	assert_unchanged "$before"
}

@test "check reports customers sqlite3 changed that the search index lacks; --repair takes them in" {
	init_db
	crm-customer add --name 张伟明 >/dev/null
	crm-customer add --name 'Ada Lovelace' >/dev/null
	db_sql "UPDATE customers SET name = '李娜' WHERE id = 1;
		DELETE FROM customers WHERE id = 2"
	before=$(dump_db)
	run --separate-stderr crm-admin check
	assert_failure 65
	assert_output "search	2 customers changed outside crm not in the search index yet"
	assert_stderr "crm-admin: '$CRM_DB': 1 problem found"
	assert_unchanged "$before"
	run --separate-stderr crm-admin check --repair
	assert_success
	assert_output ''
	assert_stderr "$(printf '%s\n' "crm-admin: search index: 2 changed customers taken in" \
		"crm-admin: '$CRM_DB' is ok")"
	run --separate-stderr crm-admin check
	assert_success
	assert_output ''
	run crm-customer search -H -o id 李娜
	assert_output 1
	run crm-customer search -H -o id lovelace
	assert_failure 1
}

@test "check finds a search index gone wrong by hand, --repair rebuilds it" {
	init_db
	for n in 张伟明 王芳 'Ada Lovelace'; do crm-customer add --name "$n" >/dev/null; done
	# the index's entry of one customer gone (on SQLite with its
	# record of sizes)
	if on_pg; then
		db_sql "DELETE FROM customer_search WHERE id = 2"
	else
		db_sql "DELETE FROM customers_fts_docsize WHERE id = 2"
	fi
	before=$(dump_db)
	run --separate-stderr crm-admin check
	assert_failure 65
	assert_output "search	the search index does not match the customers"
	assert_stderr "crm-admin: '$CRM_DB': 1 problem found"
	assert_unchanged "$before"
	run --separate-stderr crm-admin check --repair
	assert_success
	assert_output ''
	assert_stderr "$(printf '%s\n' "crm-admin: search index: rebuilt" \
		"crm-admin: '$CRM_DB' is ok")"
	run --separate-stderr crm-admin check
	assert_success
	assert_output ''
	run crm-customer search -H -o id 王芳
	assert_success
	assert_output 2
}

@test "check finds index data deleted by hand, --repair rebuilds it" {
	sqlite_only
	init_db
	crm-customer add --name 张伟明 >/dev/null
	crm-customer add --name 'Ada Lovelace' >/dev/null
	sqlite3 "$CRM_DB" "DELETE FROM customers_fts_data WHERE id > 10"
	run --separate-stderr crm-admin check
	assert_failure 65
	assert_output "search	the search index does not match the customers"
	run --separate-stderr crm-admin check --repair
	assert_success
	run crm-customer search -H -o id lovelace
	assert_success
	assert_output 2
	run crm-customer search -H -o id 伟明
	assert_output 1
}

@test "check --repair on a sound database changes nothing" {
	init_db
	crm-customer add --name 张伟明 >/dev/null
	before=$(dump_db)
	run --separate-stderr crm-admin check --repair
	assert_success
	assert_output ''
	assert_stderr "crm-admin: '$CRM_DB' is ok"
	assert_unchanged "$before"
}

# ---- stats ------------------------------------------------------------------

@test "stats counts the records of each kind, the schema and the file's size" {
	init_db
	crm-customer add --name Ada >/dev/null
	crm-customer add --name Bob >/dev/null
	crm-contact add --customer 1 --name Carl >/dev/null
	v=$(db_version)
	if on_pg; then
		size=$(db_sql 'SELECT pg_database_size(current_database())')
	else
		size=$(stat -c %s "$CRM_DB")
	fi
	run --separate-stderr crm-admin stats
	assert_success
	assert_stderr ''
	assert_line --index 0 "name	value"
	assert_line "customers	2"
	assert_line "contacts	1"
	assert_line "schema	$v"
	assert_line "file_bytes	$size"
}

@test "stats speaks JSON with numbers as numbers" {
	init_db
	crm-customer add --name Ada >/dev/null
	run crm-admin stats -f json
	assert_success
	assert_line '{"name":"customers","value":1}'
	assert_line '{"name":"contacts","value":0}'
	assert_line --regexp '^\{"name":"file_bytes","value":[1-9][0-9]*\}$'
	refute_output --partial '"value":"'
}

@test "stats -H drops the header" {
	init_db
	run crm-admin stats -H
	assert_success
	assert_line "customers	0"
	refute_line "name	value"
}

@test "migrate, check and stats take no operands" {
	init_db
	for verb in migrate check stats; do
		run --separate-stderr crm-admin "$verb" extra
		assert_error 64 "crm-admin: unexpected argument 'extra'; see 'crm-admin $verb --help'"
	done
}

# ---- usage ------------------------------------------------------------------

@test "crm-admin: unknown verb and unknown option exit 64" {
	init_db
	run --separate-stderr crm-admin frob
	assert_failure 64
	assert_output ''
	assert_stderr_line --index 0 "crm-admin: unknown verb 'frob'; verbs: init, migrate, check, stats, copy, backup, verify, restore, keygen"
	run --separate-stderr crm-admin stats --frob
	assert_error 64 "crm-admin: unknown option '--frob'; see 'crm-admin stats --help'"
	run --separate-stderr crm-admin check -z
	assert_error 64 "crm-admin: unknown option '-z'; see 'crm-admin check --help'"
}

@test "crm-admin without a verb exits 64 and prints the usage to stderr" {
	run --separate-stderr crm-admin
	assert_failure 64
	assert_output ''
	[[ "$stderr" == *"usage: crm-admin init [-d DB]"* ]] ||
		fail "no usage on stderr: $stderr"
}

@test "crm-admin --help prints the usage to stdout and exits 0" {
	run --separate-stderr crm-admin --help
	assert_success
	assert_stderr ''
	assert_line --index 0 'usage: crm-admin init [-d DB]'
	assert_line '  init       Create a new database'
	assert_line '  stats      Count the records of each kind and the file'"'"'s size'
}

# ---- not a database ---------------------------------------------------------

# Each kind of file that is not a crm database, as FILE: exit 66, one
# line saying so and naming crm-admin init, the file's bytes, mode and
# time as they were, and nothing beside it (no -wal, -shm, -journal).
assert_not_crm() {
	local cmd prog sum mode mtime

	sum=$(md5sum <"$CRM_DB")
	mode=$(stat -c %a "$CRM_DB")
	mtime=$(stat -c %Y.%y "$CRM_DB")
	for cmd in "crm-customer list" "crm-customer add --name Bob" "crm-contact add --customer 1 --name Bob" "crm-admin check" "crm-admin migrate" "crm-admin stats"; do
		prog=${cmd%% *}
		# shellcheck disable=SC2086
		run --separate-stderr $cmd
		assert_error_re 66 "$prog: '$CRM_DB' is $1.*not a crm database.*'crm-admin init'.*|$prog: '$CRM_DB' is an SQLite database without crm's tables.*'crm-admin init'.*"
	done
	assert_equal "$(md5sum <"$CRM_DB")" "$sum"
	assert_equal "$(stat -c %a "$CRM_DB")" "$mode"
	assert_equal "$(stat -c %Y.%y "$CRM_DB")" "$mtime"
	run ls -d "$CRM_DB"*
	assert_output "$CRM_DB"
}

@test "an empty file is not made a database: 66, it stays empty, 0644" {
	sqlite_only
	: >"$CRM_DB"
	chmod 644 "$CRM_DB"
	assert_not_crm "an empty file, "
	run --separate-stderr crm-customer add --name Ada
	assert_error 66 "crm-customer: '$CRM_DB' is an empty file, not a crm database; make it one with 'crm-admin init'"
	[ ! -s "$CRM_DB" ]
}

@test "a file of one byte, of 4 KiB of noise, or of text is not a database: 66, untouched" {
	sqlite_only
	printf 'S' >"$CRM_DB"
	assert_not_crm ""
	head -c 4096 /dev/urandom >"$CRM_DB"
	assert_not_crm ""
	printf 'name,email\nAda,ada@example.com\n' >"$CRM_DB"
	assert_not_crm ""
	run --separate-stderr crm-customer list
	assert_error 66 "crm-customer: '$CRM_DB' is not a crm database; create one in a new file with 'crm-admin init'"
}

@test "an SQLite database of another program is refused with 66, unchanged" {
	sqlite_only
	sqlite3 "$CRM_DB" "CREATE TABLE t (x); INSERT INTO t VALUES (42);"
	before=$(dump_db)
	assert_not_crm ""
	run --separate-stderr crm-customer add --name Ada
	assert_error 66 "crm-customer: '$CRM_DB' is an SQLite database without crm's tables; create a crm database in a new file with 'crm-admin init'"
	assert_unchanged "$before"
	# An empty one, and one in WAL mode: no WAL or -shm left beside it.
	rm "$CRM_DB"
	sqlite3 "$CRM_DB" "PRAGMA user_version = 0" >/dev/null
	assert_not_crm ""
	rm "$CRM_DB"
	sqlite3 "$CRM_DB" "PRAGMA journal_mode = WAL; CREATE TABLE t (x)" >/dev/null
	assert_not_crm ""
}

@test "init makes an empty file a database of mode 0600, never a file that holds anything" {
	sqlite_only
	: >"$CRM_DB"
	chmod 644 "$CRM_DB"
	run --separate-stderr crm-admin init
	assert_success
	assert_stderr --regexp "^crm-admin: created '$CRM_DB' \(schema [1-9][0-9]*\)\$"
	assert_equal "$(stat -c %a "$CRM_DB")" 600
	run crm-customer add --name Ada
	assert_success
	assert_output 1
	for content in S "$(head -c 4096 /dev/urandom | base64)"; do
		printf '%s' "$content" >"$BATS_TEST_TMPDIR/other.db"
		run --separate-stderr crm-admin init -d "$BATS_TEST_TMPDIR/other.db"
		assert_error 73 "crm-admin: database '$BATS_TEST_TMPDIR/other.db' already exists"
		assert_equal "$(cat "$BATS_TEST_TMPDIR/other.db")" "$content"
	done
}

@test "a database cut to nothing by a crashed job is refused, never a fresh one" {
	sqlite_only
	init_db
	crm-customer add --name Ada >/dev/null
	: >"$CRM_DB"
	run --separate-stderr crm-customer add --name Bob
	assert_failure 66
	[ ! -s "$CRM_DB" ]
	run --separate-stderr crm-import customers - <<<$'name\nCarl'
	assert_failure 66
	[ ! -s "$CRM_DB" ]
}

# ---- permissions --------------------------------------------------------------

# Run a command as an unprivileged user (the tests run as root in CI, and
# root may read anything).  Skips when there is no way to drop privileges.
as_nobody() {
	if [ "$(id -u)" -ne 0 ]; then
		"$@"
	elif command -v setpriv >/dev/null; then
		setpriv --reuid=nobody --regid=nogroup --clear-groups -- "$@"
	else
		runuser -u nobody -- "$@"
	fi
}

need_unprivileged() {
	if [ "$(id -u)" -ne 0 ]; then
		return 0
	fi
	command -v setpriv >/dev/null || command -v runuser >/dev/null ||
		skip "running as root, and neither setpriv nor runuser to drop privileges"
	chmod 755 "$BATS_TEST_TMPDIR"
	# bats's own folders above it must let nobody through
	local d=$BATS_TEST_TMPDIR
	while d=$(dirname "$d") && [ "$d" != / ]; do
		chmod o+x "$d" 2>/dev/null || true
	done
	as_nobody test -x "$BATS_TEST_TMPDIR" ||
		skip "nobody cannot reach $BATS_TEST_TMPDIR"
}

@test "a database this user may not read exits 77, not 66" {
	sqlite_only
	need_unprivileged
	init_db
	crm-customer add --name Ada >/dev/null
	chmod 600 "$CRM_DB"
	before=$(dump_db)
	for cmd in "crm-customer list" "crm-customer add --name Bob" "crm-admin stats"; do
		prog=${cmd%% *}
		# shellcheck disable=SC2086
		run --separate-stderr as_nobody $cmd
		assert_error 77 "$prog: cannot $([ "$cmd" = "crm-customer add --name Bob" ] && echo 'write to' || echo read) database '$CRM_DB': Permission denied"
	done
	assert_unchanged "$before"
}

@test "a database in a folder this user cannot enter exits 77" {
	sqlite_only
	need_unprivileged
	mkdir -m 700 "$BATS_TEST_TMPDIR/private"
	export CRM_DB="$BATS_TEST_TMPDIR/private/crm.db"
	init_db
	chmod 666 "$CRM_DB"
	run --separate-stderr as_nobody crm-customer list
	assert_error 77 "crm-customer: cannot open database '$CRM_DB': Permission denied"
	run --separate-stderr as_nobody crm-admin init
	assert_failure 77
}

@test "a read-only database: reads work, a write exits 77 and changes nothing" {
	sqlite_only
	need_unprivileged
	init_db
	crm-customer add --name Ada >/dev/null
	chmod 777 "$BATS_TEST_TMPDIR"
	chmod 644 "$CRM_DB"
	before=$(dump_db)
	run --separate-stderr as_nobody crm-customer list -H -o id,name
	assert_success
	assert_output "1	Ada"
	for cmd in "crm-customer add --name Bob" "crm-customer update 1 --city Paris" "crm-admin migrate"; do
		prog=${cmd%% *}
		# shellcheck disable=SC2086
		run --separate-stderr as_nobody $cmd
		assert_error 77 "$prog: cannot write to database '$CRM_DB': Permission denied"
	done
	run --separate-stderr as_nobody crm-import customers - <<<$'name\nCarl'
	assert_error 77 "crm-import: cannot write to database '$CRM_DB': Permission denied"
	assert_unchanged "$before"
}

# ---- busy -------------------------------------------------------------------

@test "a write to a database another process holds locked exits 75 after CRM_BUSY_TIMEOUT" {
	init_db
	crm-customer add --name Ada >/dev/null
	before=$(dump_db)
	hold_lock 30
	export CRM_BUSY_TIMEOUT=100
	SECONDS=0
	run --separate-stderr crm-customer add --name Bob
	assert_error_re 75 "crm-customer: .*busy.*"
	run --separate-stderr crm-customer update 1 --city Paris
	assert_error_re 75 "crm-customer: .*busy.*"
	run --separate-stderr crm-contact add --customer 1 --name Carl
	assert_error_re 75 "crm-contact: .*busy.*"
	[ "$SECONDS" -lt 10 ] || fail "waited ${SECONDS}s, not 100 ms"
	# Readers go on while the writer holds the lock (WAL).
	run --separate-stderr crm-customer list -H -o id,name
	assert_success
	assert_output "1	Ada"
	release_lock
	assert_unchanged "$before"
}

@test "CRM_BUSY_TIMEOUT that is not milliseconds exits 64 naming it, before anything is written" {
	init_db
	before=$(dump_db)
	for v in abc -5 1e3 '' ' 5' 99999999999999999999 86400001; do
		export CRM_BUSY_TIMEOUT="$v"
		run --separate-stderr crm-customer add --name Bob
		assert_error 64 "crm-customer: invalid CRM_BUSY_TIMEOUT '$v': expected milliseconds, a whole number from 0 to 86400000"
		run --separate-stderr crm-customer list
		assert_failure 64
	done
	assert_unchanged "$before"
	export CRM_BUSY_TIMEOUT=0
	run crm-customer add --name Bob
	assert_success
}

@test "a write waits for a lock released within the busy timeout" {
	init_db
	hold_lock 1
	export CRM_BUSY_TIMEOUT=20000
	run --separate-stderr crm-customer add --name Bob
	assert_success
	assert_output 1
	assert_stderr ''
}
