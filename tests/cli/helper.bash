# Shared set-up for the black-box tests: each test gets a fresh folder and
# database, the freshly built binaries first on PATH, and a pinned clock.
load '/usr/lib/bats/bats-support/load'
load '/usr/lib/bats/bats-assert/load'

BUILD_DIR="${BUILD_DIR:-$BATS_TEST_DIRNAME/../../${BUILD:-build}}"
export PATH="$(cd "$BUILD_DIR" && pwd):$PATH"

common_setup() {
	export CRM_DB="$BATS_TEST_TMPDIR/crm.db"
	export CRM_USER=tester CRM_TODAY=2026-11-22 TZ=UTC
	unset CRM_FORMAT XDG_DATA_HOME CRM_BUSY_TIMEOUT
}

# A fresh database.
init_db() {
	crm-admin init -q
}

# Run a command and check that the database did not change: compares a
# dump of every table before and after.
dump_db() {
	sqlite3 "$CRM_DB" .dump | grep -v '^INSERT INTO customers_fts'
}
