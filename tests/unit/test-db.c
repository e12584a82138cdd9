/* test-db - lib/db.h: finding, opening and using the database. */
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "sqlite-compat.h"
#include "fixture.h"

#include "db.h"
#include "schema.h"
#include "search.h"
#include "banned.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

struct ctx {
	struct fixture fx;
};

static int
setup(void **state)
{
	struct ctx *c = calloc(1, sizeof(*c));

	if (!c)
		return -1;
	if (fixture_dir(&c->fx) < 0)
		return -1;
	unsetenv("CRM_BUSY_TIMEOUT");
	*state = c;
	return 0;
}

static int
teardown(void **state)
{
	struct ctx *c = *state;

	fixture_done(&c->fx);
	free(c);
	return 0;
}

/* A text result of one-row SQL, or "" (caller frees). */
static char *
sql_text(struct crm_db *db, const char *sql)
{
	sqlite3_stmt *st;
	char *s = NULL;

	if (sqlite3_prepare_v2(crm_db_sqlite(db), sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(crm_db_sqlite(db)));
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		s = crm_strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return s ? s : crm_strdup("");
}

/* Create dir/crm.db with crm_db_open and close it again. */
static void
create_db(struct ctx *c)
{
	struct crm_db db;
	struct crm_err err = CRM_ERR_INIT;

	if (crm_db_open(&db, c->fx.path.buf, CRM_DB_CREATE, &err) < 0)
		fail_msg("create: %s", err.msg.buf);
	crm_db_close(&db);
}

/* Run sql on path with a plain SQLite connection (and the tokenizer). */
static void
raw_exec(const char *path, const char *sql)
{
	sqlite3 *h;

	assert_int_equal(sqlite3_open(path, &h), SQLITE_OK);
	assert_int_equal(crm_search_register(h), SQLITE_OK);
	if (sqlite3_exec(h, sql, NULL, NULL, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(h));
	sqlite3_close(h);
}

/* ---- where the database is -------------------------------------------- */

static void
resolve_order(void **state)
{
	struct crm_buf out = CRM_BUF_INIT;
	struct crm_err err = CRM_ERR_INIT;

	(void)state;
	setenv("CRM_DB", "/env/crm.db", 1);
	setenv("XDG_DATA_HOME", "/xdg", 1);
	setenv("HOME", "/home/u", 1);
	assert_int_equal(crm_db_resolve("/opt/x.db", &out, &err), 0);
	assert_string_equal(out.buf, "/opt/x.db");
	crm_buf_reset(&out);
	assert_int_equal(crm_db_resolve(NULL, &out, &err), 0);
	assert_string_equal(out.buf, "/env/crm.db");
	crm_buf_reset(&out);
	assert_int_equal(crm_db_resolve("", &out, &err), 0);
	assert_string_equal(out.buf, "/env/crm.db");
	crm_buf_reset(&out);
	unsetenv("CRM_DB");
	assert_int_equal(crm_db_resolve(NULL, &out, &err), 0);
	assert_string_equal(out.buf, "/xdg/crm/crm.db");
	crm_buf_reset(&out);
	setenv("CRM_DB", "", 1);
	setenv("XDG_DATA_HOME", "relative/not/used", 1);
	assert_int_equal(crm_db_resolve(NULL, &out, &err), 0);
	assert_string_equal(out.buf, "/home/u/.local/share/crm/crm.db");
	crm_buf_reset(&out);
	unsetenv("XDG_DATA_HOME");
	crm_buf_adds(&out, ">");	/* appends */
	assert_int_equal(crm_db_resolve(NULL, &out, &err), 0);
	assert_string_equal(out.buf, ">/home/u/.local/share/crm/crm.db");
	crm_buf_reset(&out);
	unsetenv("HOME");
	unsetenv("CRM_DB");
	assert_int_equal(crm_db_resolve(NULL, &out, &err), -1);
	assert_int_equal(err.code, CRM_EX_NOINPUT);	/* SPEC 3.7: 66 */
	assert_string_equal(out.buf, "");
	crm_buf_release(&out);
	crm_err_release(&err);
}

/* ---- opening ---------------------------------------------------------- */

/* A missing file is CRM_EX_NOINPUT and is not created. */
static void
open_missing(void **state)
{
	struct ctx *c = *state;
	struct crm_db db;
	struct crm_err err = CRM_ERR_INIT;
	struct stat st;

	assert_int_equal(crm_db_open(&db, c->fx.path.buf, 0, &err), -1);
	assert_int_equal(err.code, CRM_EX_NOINPUT);
	assert_non_null(strstr(err.msg.buf, "crm-admin init"));
	assert_null(crm_db_sqlite(&db));
	assert_int_equal(stat(c->fx.path.buf, &st), -1);
	crm_err_clear(&err);
	assert_int_equal(crm_db_open(&db, c->fx.path.buf, CRM_DB_READ, &err), -1);
	assert_int_equal(err.code, CRM_EX_NOINPUT);
	assert_int_equal(stat(c->fx.path.buf, &st), -1);
	crm_err_release(&err);
}

/* CRM_DB_CREATE: folders 0700, file 0600, the newest schema, WAL. */
static void
open_create(void **state)
{
	struct ctx *c = *state;
	struct crm_buf path = CRM_BUF_INIT, dir = CRM_BUF_INIT;
	struct crm_db db;
	struct crm_err err = CRM_ERR_INIT;
	struct stat st;
	char *s;

	crm_buf_addf(&dir, "%s/a/b", c->fx.dir);
	crm_buf_addf(&path, "%s/crm.db", dir.buf);
	assert_int_equal(crm_db_open(&db, path.buf, CRM_DB_CREATE, &err), 0);
	assert_non_null(crm_db_sqlite(&db));
	assert_string_equal(db.path, path.buf);
	assert_int_equal(db.readonly, 0);
	assert_int_equal(stat(path.buf, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(stat(dir.buf, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	assert_int_equal(crm_db_version(&db), crm_schema_latest());
	s = sql_text(&db, "PRAGMA journal_mode");
	assert_string_equal(s, "wal");
	free(s);
	assert_int_equal(crm_db_int(&db, "PRAGMA foreign_keys", -1), 1);
	assert_int_equal(crm_db_int(&db, "PRAGMA synchronous", -1), 2);
	crm_db_close(&db);
	assert_null(crm_db_sqlite(&db));
	assert_null(db.path);
	/* CREATE again is refused, and keeps it; opening it keeps it */
	raw_exec(path.buf, "INSERT INTO customers (name, created_at, "
		"updated_at) VALUES ('x', 'a', 'b')");
	assert_int_equal(crm_db_open(&db, path.buf, CRM_DB_CREATE, &err), -1);
	assert_int_equal(err.code, CRM_EX_CANTCREAT);
	assert_null(crm_db_sqlite(&db));
	crm_err_clear(&err);
	assert_int_equal(crm_db_open(&db, path.buf, 0, &err), 0);
	assert_int_equal(crm_db_int(&db, "SELECT count(*) FROM customers",
		-1), 1);
	assert_int_equal(crm_db_int(&db, "PRAGMA foreign_keys", -1), 1);
	crm_db_close(&db);
	crm_buf_release(&path);
	crm_buf_release(&dir);
	crm_err_release(&err);
}

/* A file that cannot be created is CRM_EX_CANTCREAT. */
static void
open_create_fails(void **state)
{
	struct ctx *c = *state;
	struct crm_db db;
	struct crm_err err = CRM_ERR_INIT;
	struct stat st;

	/* a dangling link: not there, and O_EXCL will not follow it */
	assert_int_equal(symlink("/nonexistent-crm-test/x.db", c->fx.path.buf),
		0);
	assert_int_equal(crm_db_open(&db, c->fx.path.buf, CRM_DB_CREATE, &err),
		-1);
	assert_int_equal(err.code, CRM_EX_CANTCREAT);
	assert_null(crm_db_sqlite(&db));
	assert_int_equal(stat("/nonexistent-crm-test", &st), -1);
	crm_err_release(&err);
}

/* A folder that cannot be made (a file is in the way): CANTCREAT. */
static void
open_create_folder_fails(void **state)
{
	struct ctx *c = *state;
	struct crm_buf path = CRM_BUF_INIT;
	struct crm_db db;
	struct crm_err err = CRM_ERR_INIT;
	FILE *fp;

	crm_buf_addf(&path, "%s/file", c->fx.dir);
	fp = fopen(path.buf, "w");
	assert_non_null(fp);
	fclose(fp);
	crm_buf_adds(&path, "/sub/crm.db");
	assert_int_equal(crm_db_open(&db, path.buf, CRM_DB_CREATE, &err), -1);
	assert_int_equal(err.code, CRM_EX_CANTCREAT);
	assert_null(crm_db_sqlite(&db));
	crm_buf_release(&path);
	crm_err_release(&err);
}

static void
open_folder(void **state)
{
	struct ctx *c = *state;
	struct crm_db db;
	struct crm_err err = CRM_ERR_INIT;

	assert_int_equal(crm_db_open(&db, c->fx.dir, 0, &err), -1);
	assert_int_equal(err.code, CRM_EX_NOINPUT);
	crm_err_release(&err);
}

/* Write n bytes of data (repeated) to path, mode 0644. */
static void
write_file(const char *path, const char *data, size_t n)
{
	FILE *fp = fopen(path, "w");
	size_t i, len = strlen(data);

	assert_non_null(fp);
	for (i = 0; i < n; i++)
		fputc(len ? data[i % len] : 0, fp);
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(chmod(path, 0644), 0);
}

/* Opened for reading and for writing, path is refused with code and its
 * size, mode and bytes are as they were, and nothing lies beside it. */
static void
assert_refused(const char *path, int code, const char *msg)
{
	static const unsigned flags[] = { 0, CRM_DB_READ };
	struct crm_buf wal = CRM_BUF_INIT, shm = CRM_BUF_INIT;
	struct crm_err err = CRM_ERR_INIT;
	struct crm_db db;
	struct stat before, after;
	size_t i;

	assert_int_equal(stat(path, &before), 0);
	for (i = 0; i < ARRAY_SIZE(flags); i++) {
		assert_int_equal(crm_db_open(&db, path, flags[i], &err), -1);
		if (err.code != code)
			fail_msg("%s: code %d, want %d (%s)", path, err.code,
				code, err.msg.buf);
		assert_null(crm_db_sqlite(&db));
		if (!strstr(err.msg.buf, msg))
			fail_msg("'%s' lacks '%s'", err.msg.buf, msg);
		crm_err_clear(&err);
	}
	assert_int_equal(stat(path, &after), 0);
	assert_int_equal(after.st_size, before.st_size);
	assert_int_equal(after.st_mode, before.st_mode);
	assert_true(after.st_mtim.tv_sec == before.st_mtim.tv_sec &&
		after.st_mtim.tv_nsec == before.st_mtim.tv_nsec);
	crm_buf_addf(&wal, "%s-wal", path);
	crm_buf_addf(&shm, "%s-shm", path);
	assert_int_equal(access(wal.buf, F_OK), -1);
	assert_int_equal(access(shm.buf, F_OK), -1);
	crm_buf_release(&wal);
	crm_buf_release(&shm);
	crm_err_release(&err);
}

/*
 * A file that is no crm database is CRM_EX_NOINPUT (SPEC 3.3), never
 * made one, and left as it was: empty, one byte, random bytes, text,
 * another program's SQLite database (in WAL mode too).
 */
static void
open_not_crm(void **state)
{
	struct ctx *c = *state;
	const char *path = c->fx.path.buf;
	char noise[4096];
	size_t i;
	FILE *fp;

	write_file(path, "", 0);
	assert_refused(path, CRM_EX_NOINPUT, "empty file, not a crm database");
	write_file(path, "S", 1);
	assert_refused(path, CRM_EX_NOINPUT, "not a crm database");
	srand(13);
	for (i = 0; i < sizeof(noise); i++)
		noise[i] = (char)(rand() % 255 + 1);
	fp = fopen(path, "w");
	assert_non_null(fp);
	assert_int_equal(fwrite(noise, 1, sizeof(noise), fp), sizeof(noise));
	assert_int_equal(fclose(fp), 0);
	assert_refused(path, CRM_EX_NOINPUT, "not a crm database");
	write_file(path, "name,email\nAda,ada@example.com\n", 31);
	assert_refused(path, CRM_EX_NOINPUT, "not a crm database");
	/* the first 15 bytes of SQLite's header, then the file ends */
	write_file(path, "SQLite format 3", 15);
	assert_refused(path, CRM_EX_NOINPUT, "not a crm database");
	/* another program's SQLite database */
	remove(path);
	raw_exec(path, "CREATE TABLE t (x)");
	assert_refused(path, CRM_EX_NOINPUT, "without crm's tables");
	remove(path);
	raw_exec(path, "PRAGMA journal_mode = WAL; CREATE TABLE t (x)");
	assert_refused(path, CRM_EX_NOINPUT, "without crm's tables");
}

/* CRM_DB_CREATE takes an empty file (nothing to lose) and makes it a
 * database of mode 0600; a file holding anything is CRM_EX_CANTCREAT. */
static void
create_over_a_file(void **state)
{
	struct ctx *c = *state;
	const char *path = c->fx.path.buf;
	struct crm_db db;
	struct crm_err err = CRM_ERR_INIT;
	struct stat st;

	write_file(path, "x", 1);
	assert_int_equal(crm_db_open(&db, path, CRM_DB_CREATE, &err), -1);
	assert_int_equal(err.code, CRM_EX_CANTCREAT);
	assert_non_null(strstr(err.msg.buf, "already exists"));
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_size, 1);
	crm_err_clear(&err);
	write_file(path, "", 0);
	assert_int_equal(crm_db_open(&db, path, CRM_DB_CREATE, &err), 0);
	assert_int_equal(crm_db_version(&db), crm_schema_latest());
	crm_db_close(&db);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(crm_db_open(&db, path, 0, &err), 0);
	crm_db_close(&db);
	crm_err_release(&err);
}

/* $CRM_BUSY_TIMEOUT is milliseconds 0..86400000 or unset; anything else
 * is a usage error naming it, never a silent default. */
static void
busy_timeout_checked(void **state)
{
	static const char *const bad[] = {
		"abc", "-5", "1e3", "", " 5", "5 ", "+5", "0x10", "86400001",
		"99999999999999999999999",
	};
	static const char *const good[] = { "0", "100", "86400000" };
	struct ctx *c = *state;
	struct crm_db db;
	struct crm_err err = CRM_ERR_INIT;
	size_t i;

	create_db(c);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		setenv("CRM_BUSY_TIMEOUT", bad[i], 1);
		assert_int_equal(crm_db_open(&db, c->fx.path.buf, 0, &err),
			-1);
		if (err.code != CRM_EX_USAGE ||
		    !strstr(err.msg.buf, "CRM_BUSY_TIMEOUT"))
			fail_msg("'%s': code %d: %s", bad[i], err.code,
				err.msg.buf);
		assert_null(crm_db_sqlite(&db));
		crm_err_clear(&err);
	}
	for (i = 0; i < ARRAY_SIZE(good); i++) {
		setenv("CRM_BUSY_TIMEOUT", good[i], 1);
		if (crm_db_open(&db, c->fx.path.buf, 0, &err) < 0)
			fail_msg("'%s': %s", good[i], err.msg.buf);
		crm_db_close(&db);
	}
	unsetenv("CRM_BUSY_TIMEOUT");
	crm_err_release(&err);
}

/* A schema newer than this binary is refused with CRM_EX_CONFIG. */
static void
open_newer(void **state)
{
	struct ctx *c = *state;
	struct crm_buf sql = CRM_BUF_INIT;
	struct crm_db db;
	struct crm_err err = CRM_ERR_INIT;
	unsigned flags[] = { 0, CRM_DB_READ };
	size_t i;

	create_db(c);
	crm_buf_addf(&sql, "PRAGMA user_version = %d", crm_schema_latest() + 1);
	raw_exec(c->fx.path.buf, sql.buf);
	for (i = 0; i < ARRAY_SIZE(flags); i++) {
		assert_int_equal(crm_db_open(&db, c->fx.path.buf, flags[i], &err),
			-1);
		assert_int_equal(err.code, CRM_EX_CONFIG);
		assert_null(crm_db_sqlite(&db));
		crm_err_clear(&err);
	}
	crm_buf_release(&sql);
	crm_err_release(&err);
}

/* Read-only: writing is CRM_EX_NOPERM. */
static void
open_readonly(void **state)
{
	struct ctx *c = *state;
	struct crm_db db;
	struct crm_err err = CRM_ERR_INIT;

	create_db(c);
	assert_int_equal(crm_db_open(&db, c->fx.path.buf, CRM_DB_READ, &err), 0);
	assert_int_equal(db.readonly, 1);
	assert_int_equal(crm_db_exec(&db, "INSERT INTO customers (name, "
		"created_at, updated_at) VALUES ('x', 'a', 'b')", &err), -1);
	assert_int_equal(err.code, CRM_EX_NOPERM);
	crm_db_close(&db);
	crm_err_release(&err);
}

/* Foreign keys are enforced. */
static void
foreign_keys_on(void **state)
{
	struct ctx *c = *state;
	struct crm_db db;
	struct crm_err err = CRM_ERR_INIT;

	assert_int_equal(crm_db_open(&db, c->fx.path.buf, CRM_DB_CREATE, &err),
		0);
	assert_int_equal(crm_db_exec(&db, "INSERT INTO contacts (customer, "
		"name, created_at, updated_at) VALUES (99, 'x', 'a', 'b')",
		&err), -1);
	assert_int_equal(err.code, CRM_EX_DATAERR);
	crm_db_close(&db);
	crm_err_release(&err);
}

/*
 * Between commands the database file alone holds every commit: the last
 * connection to close copies the WAL into it and empties the WAL, so a
 * copy of the file without its WAL reads the row written last.
 */
static void
close_leaves_the_file_whole(void **state)
{
	struct ctx *c = *state;
	struct crm_db db;
	struct crm_err err = CRM_ERR_INIT;
	struct crm_buf wal = CRM_BUF_INIT, copy = CRM_BUF_INIT;
	struct stat st;
	sqlite3 *h;
	sqlite3_stmt *q;
	FILE *in, *out;
	char block[4096];
	size_t n;

	assert_int_equal(crm_db_open(&db, c->fx.path.buf, CRM_DB_CREATE, &err),
		0);
	assert_int_equal(crm_db_exec(&db, "INSERT INTO customers (name, "
		"created_at, updated_at) VALUES ('last', 'a', 'b')", &err), 0);
	crm_db_close(&db);

	crm_buf_addf(&wal, "%s-wal", c->fx.path.buf);
	assert_int_equal(stat(wal.buf, &st), 0);
	assert_int_equal(st.st_size, 0);

	crm_buf_addf(&copy, "%s.copy", c->fx.path.buf);
	in = fopen(c->fx.path.buf, "rb");
	out = fopen(copy.buf, "wb");
	assert_non_null(in);
	assert_non_null(out);
	while ((n = fread(block, 1, sizeof(block), in)) > 0)
		assert_int_equal(fwrite(block, 1, n, out), n);
	fclose(in);
	assert_int_equal(fclose(out), 0);
	assert_int_equal(sqlite3_open_v2(copy.buf, &h, SQLITE_OPEN_READONLY,
		NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(h, "SELECT count(*) FROM "
		"customers WHERE name = 'last'", -1, &q, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(q, 0), 1);
	sqlite3_finalize(q);
	sqlite3_close(h);
	remove(copy.buf);
	crm_buf_release(&wal);
	crm_buf_release(&copy);
	crm_err_release(&err);
}

/* ---- a WAL left behind ------------------------------------------------ */

/* Well above the size at which a reader empties a WAL (lib/db.c). */
#define BIG_WAL (24L << 20)

/* The size of path-wal, or -1 when there is none. */
static long
wal_size(const char *path)
{
	struct crm_buf wal = CRM_BUF_INIT;
	struct stat st;
	long n;

	crm_buf_addf(&wal, "%s-wal", path);
	n = stat(wal.buf, &st) < 0 ? -1 : (long)st.st_size;
	crm_buf_release(&wal);
	return n;
}

/*
 * In db's open transaction, write pages until the WAL holds more than
 * BIG_WAL of them, uncommitted: more than SQLite's page cache keeps.
 * 0, or -1 when it failed.
 */
static int
write_big(struct crm_db *db)
{
	struct crm_err err = CRM_ERR_INIT;
	int ret;

	ret = crm_db_exec(db, "CREATE TABLE junk (x);"
		"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 "
		"FROM n WHERE i < 28000) INSERT INTO junk "
		"SELECT randomblob(1000) FROM n", &err);
	crm_err_release(&err);
	if (ret == 0 && wal_size(db->path) < BIG_WAL)
		ret = -1;
	return ret;
}

/*
 * What a writer killed in a large import leaves: a child commits the row
 * 'kept' (into the WAL only, as its connection stays open), then writes
 * BIG_WAL of uncommitted pages and exits without closing anything.
 */
static void
leave_big_wal(struct ctx *c)
{
	pid_t pid;
	int status;

	create_db(c);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct crm_db db;
		struct crm_err err = CRM_ERR_INIT;

		if (crm_db_open(&db, c->fx.path.buf, 0, &err) < 0 ||
		    crm_db_exec(&db, "INSERT INTO customers (name, "
		    "created_at, updated_at) VALUES ('kept', 'a', 'b')",
		    &err) < 0 || crm_db_begin(&db, &err) < 0 ||
		    write_big(&db) < 0)
			_exit(1);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_true(wal_size(c->fx.path.buf) >= BIG_WAL);
}

/* The commit before the kill is there, the uncommitted pages are not. */
static void
assert_kept(struct crm_db *db)
{
	assert_int_equal(crm_db_int(db, "SELECT count(*) FROM customers "
		"WHERE name = 'kept'", -1), 1);
	assert_int_equal(crm_db_int(db, "SELECT count(*) FROM sqlite_master "
		"WHERE name = 'junk'", -1), 0);
}

/*
 * A reader that finds a large WAL empties it first, through a writer of
 * its own, so the readers after it do not each read it back whole.
 */
static void
reader_empties_a_left_wal(void **state)
{
	struct ctx *c = *state;
	struct crm_db db;
	struct crm_err err = CRM_ERR_INIT;

	leave_big_wal(c);
	assert_int_equal(crm_db_open(&db, c->fx.path.buf, CRM_DB_READ, &err),
		0);
	assert_int_equal(wal_size(c->fx.path.buf), 0);
	assert_kept(&db);
	crm_db_close(&db);
	/* and the database file alone now holds the commit */
	assert_int_equal(wal_size(c->fx.path.buf), 0);
	assert_int_equal(crm_db_open(&db, c->fx.path.buf, CRM_DB_READ, &err),
		0);
	assert_kept(&db);
	crm_db_close(&db);
	crm_err_release(&err);
}

/*
 * While another process writes, a large WAL is its own: the reader
 * neither waits nor fails, and leaves the WAL to the writer.
 */
static void
reader_leaves_a_writers_wal(void **state)
{
	struct ctx *c = *state;
	struct crm_db w, r;
	struct crm_err err = CRM_ERR_INIT;
	struct timespec t0, t1;
	long before;
	double secs;

	create_db(c);
	setenv("CRM_BUSY_TIMEOUT", "5000", 1);
	assert_int_equal(crm_db_open(&w, c->fx.path.buf, 0, &err), 0);
	assert_int_equal(crm_db_exec(&w, "INSERT INTO customers (name, "
		"created_at, updated_at) VALUES ('kept', 'a', 'b')", &err), 0);
	assert_int_equal(crm_db_begin(&w, &err), 0);
	assert_int_equal(write_big(&w), 0);
	before = wal_size(c->fx.path.buf);

	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(crm_db_open(&r, c->fx.path.buf, CRM_DB_READ, &err),
		0);
	assert_kept(&r);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) +
		(double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	assert_true(secs < 2.0);
	assert_true(wal_size(c->fx.path.buf) >= before);
	crm_db_close(&r);

	crm_db_rollback(&w);
	crm_db_close(&w);
	assert_int_equal(wal_size(c->fx.path.buf), 0);
	unsetenv("CRM_BUSY_TIMEOUT");
	crm_err_release(&err);
}

/*
 * A user who may not write the database reads it as before, WAL and
 * all, and leaves the WAL as it was.  Root may write anything, so the
 * reading is done by a child that, under root, becomes nobody.
 */
static void
reader_cannot_empty_a_wal(void **state)
{
	struct ctx *c = *state;
	struct crm_buf f = CRM_BUF_INIT;
	long before;
	pid_t pid;
	int status;

	leave_big_wal(c);
	before = wal_size(c->fx.path.buf);
	assert_int_equal(chmod(c->fx.dir, 0755), 0);
	assert_int_equal(chmod(c->fx.path.buf, 0444), 0);
	crm_buf_addf(&f, "%s-shm", c->fx.path.buf);
	assert_int_equal(chmod(f.buf, 0666), 0);
	crm_buf_reset(&f);
	crm_buf_addf(&f, "%s-wal", c->fx.path.buf);
	assert_int_equal(chmod(f.buf, 0666), 0);

	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct crm_db db;
		struct crm_err err = CRM_ERR_INIT;

		if (geteuid() == 0 && (setgid(65534) < 0 ||
		    setuid(65534) < 0))
			_exit(2);
		if (crm_db_open(&db, c->fx.path.buf, CRM_DB_READ, &err) < 0)
			_exit(3);
		if (crm_db_int(&db, "SELECT count(*) FROM customers WHERE "
		    "name = 'kept'", -1) != 1)
			_exit(4);
		crm_db_close(&db);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(wal_size(c->fx.path.buf), before);
	assert_int_equal(chmod(c->fx.path.buf, 0600), 0);
	crm_buf_release(&f);
}

/* ---- transactions ----------------------------------------------------- */

static void
begin_commit_rollback(void **state)
{
	struct ctx *c = *state;
	struct crm_db db;
	struct crm_err err = CRM_ERR_INIT;
	static const char ins[] = "INSERT INTO customers (name, created_at, "
		"updated_at) VALUES ('x', 'a', 'b')";

	assert_int_equal(crm_db_open(&db, c->fx.path.buf, CRM_DB_CREATE, &err),
		0);
	crm_db_rollback(&db);		/* none open: harmless */
	assert_int_equal(crm_db_begin(&db, &err), 0);
	assert_int_equal(crm_db_exec(&db, ins, &err), 0);
	crm_db_rollback(&db);
	assert_true(sqlite3_get_autocommit(crm_db_sqlite(&db)));
	assert_int_equal(crm_db_int(&db, "SELECT count(*) FROM customers",
		-1), 0);
	assert_int_equal(crm_db_begin(&db, &err), 0);
	assert_int_equal(crm_db_exec(&db, ins, &err), 0);
	assert_int_equal(crm_db_commit(&db, &err), 0);
	crm_db_close(&db);
	assert_int_equal(crm_db_open(&db, c->fx.path.buf, CRM_DB_READ, &err), 0);
	assert_int_equal(crm_db_int(&db, "SELECT count(*) FROM customers",
		-1), 1);
	crm_db_close(&db);
	assert_int_equal(err.code, 0);
}

/* A transaction left open is rolled back by close. */
static void
close_rolls_back(void **state)
{
	struct ctx *c = *state;
	struct crm_db db;
	struct crm_err err = CRM_ERR_INIT;

	assert_int_equal(crm_db_open(&db, c->fx.path.buf, CRM_DB_CREATE, &err),
		0);
	assert_int_equal(crm_db_begin(&db, &err), 0);
	assert_int_equal(crm_db_exec(&db, "INSERT INTO customers (name, "
		"created_at, updated_at) VALUES ('x', 'a', 'b')", &err), 0);
	crm_db_close(&db);
	assert_int_equal(crm_db_open(&db, c->fx.path.buf, 0, &err), 0);
	assert_int_equal(crm_db_int(&db, "SELECT count(*) FROM customers",
		-1), 0);
	crm_db_close(&db);
}

/* Still locked after the busy timeout: CRM_EX_TEMPFAIL. */
static void
busy_is_tempfail(void **state)
{
	struct ctx *c = *state;
	struct crm_db a, b;
	struct crm_err err = CRM_ERR_INIT;

	create_db(c);
	setenv("CRM_BUSY_TIMEOUT", "50", 1);
	assert_int_equal(crm_db_open(&a, c->fx.path.buf, 0, &err), 0);
	assert_int_equal(crm_db_open(&b, c->fx.path.buf, 0, &err), 0);
	assert_int_equal(crm_db_begin(&a, &err), 0);
	assert_int_equal(crm_db_begin(&b, &err), -1);
	assert_int_equal(err.code, CRM_EX_TEMPFAIL);
	assert_non_null(strstr(err.msg.buf, "busy"));
	crm_err_clear(&err);
	crm_db_rollback(&a);
	assert_int_equal(crm_db_begin(&b, &err), 0);
	crm_db_rollback(&b);
	crm_db_close(&a);
	crm_db_close(&b);
	unsetenv("CRM_BUSY_TIMEOUT");
	crm_err_release(&err);
}

/* ---- helpers ---------------------------------------------------------- */

static void
fail_maps_codes(void **state)
{
	static const struct {
		int rc, code;
	} map[] = {
		{ SQLITE_BUSY, CRM_EX_TEMPFAIL },
		{ SQLITE_LOCKED, CRM_EX_TEMPFAIL },
		{ SQLITE_BUSY_SNAPSHOT, CRM_EX_TEMPFAIL },
		{ SQLITE_PERM, CRM_EX_NOPERM },
		{ SQLITE_READONLY, CRM_EX_NOPERM },
		{ SQLITE_AUTH, CRM_EX_NOPERM },
		{ SQLITE_CONSTRAINT, CRM_EX_DATAERR },
		{ SQLITE_CONSTRAINT_UNIQUE, CRM_EX_DATAERR },
		{ SQLITE_IOERR, CRM_EX_IOERR },
		{ SQLITE_IOERR_WRITE, CRM_EX_IOERR },
		{ SQLITE_FULL, CRM_EX_IOERR },
		{ SQLITE_ERROR, CRM_EX_SOFTWARE },
		{ SQLITE_MISUSE, CRM_EX_SOFTWARE },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(map); i++) {
		struct crm_err err = CRM_ERR_INIT;

		assert_int_equal(crm_db_fail(NULL, map[i].rc, "cannot x",
			&err), -1);
		if (err.code != map[i].code)
			fail_msg("rc %d: code %d, want %d", map[i].rc,
				err.code, map[i].code);
		assert_int_equal(strncmp(err.msg.buf, "cannot x: ", 10), 0);
		crm_err_release(&err);
	}
}

static void
prepare_exec_int(void **state)
{
	struct ctx *c = *state;
	struct crm_db db;
	struct crm_err err = CRM_ERR_INIT;
	sqlite3_stmt *st;

	assert_int_equal(crm_db_open(&db, c->fx.path.buf, CRM_DB_CREATE, &err),
		0);
	st = crm_db_prepare(&db, "SELECT 41 + 1", &err);
	assert_non_null(st);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 42);
	sqlite3_finalize(st);
	assert_null(crm_db_prepare(&db, "SELEKT nonsense", &err));
	assert_int_equal(err.code, CRM_EX_SOFTWARE);
	crm_err_clear(&err);
	assert_int_equal(crm_db_exec(&db, "CREATE TABLE t (x); "
		"INSERT INTO t VALUES (7)", &err), 0);
	assert_int_equal(crm_db_exec(&db, "INSERT INTO nosuch VALUES (1)",
		&err), -1);
	assert_int_equal(err.code, CRM_EX_SOFTWARE);
	assert_int_equal(crm_db_int(&db, "SELECT x FROM t", -1), 7);
	assert_int_equal(crm_db_int(&db, "SELECT x FROM t WHERE 0", -5), -5);
	assert_int_equal(crm_db_int(&db, "not sql", -6), -6);
	crm_db_close(&db);
	crm_err_release(&err);
}

/* The SQL function crm_fold folds like crm_text_fold. */
static void
sql_fold_function(void **state)
{
	struct ctx *c = *state;
	struct crm_db db;
	struct crm_err err = CRM_ERR_INIT;
	char *s;

	assert_int_equal(crm_db_open(&db, c->fx.path.buf, CRM_DB_CREATE, &err),
		0);
	s = sql_text(&db, "SELECT crm_fold('\xef\xbc\xa1\xef\xbc\xa2 Cd')");
	assert_string_equal(s, "ab cd");
	free(s);
	assert_int_equal(crm_db_int(&db, "SELECT crm_fold(NULL) IS NULL", 0),
		1);
	crm_db_close(&db);
}

int
main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(resolve_order),
		cmocka_unit_test_setup_teardown(open_missing, setup, teardown),
		cmocka_unit_test_setup_teardown(open_create, setup, teardown),
		cmocka_unit_test_setup_teardown(open_create_fails, setup,
			teardown),
		cmocka_unit_test_setup_teardown(open_folder, setup, teardown),
		cmocka_unit_test_setup_teardown(open_not_crm, setup, teardown),
		cmocka_unit_test_setup_teardown(create_over_a_file, setup,
			teardown),
		cmocka_unit_test_setup_teardown(busy_timeout_checked, setup,
			teardown),
		cmocka_unit_test_setup_teardown(open_newer, setup, teardown),
		cmocka_unit_test_setup_teardown(open_readonly, setup, teardown),
		cmocka_unit_test_setup_teardown(foreign_keys_on, setup,
			teardown),
		cmocka_unit_test_setup_teardown(close_leaves_the_file_whole,
			setup, teardown),
		cmocka_unit_test_setup_teardown(reader_empties_a_left_wal,
			setup, teardown),
		cmocka_unit_test_setup_teardown(reader_leaves_a_writers_wal,
			setup, teardown),
		cmocka_unit_test_setup_teardown(reader_cannot_empty_a_wal,
			setup, teardown),
		cmocka_unit_test_setup_teardown(begin_commit_rollback, setup,
			teardown),
		cmocka_unit_test_setup_teardown(close_rolls_back, setup,
			teardown),
		cmocka_unit_test_setup_teardown(busy_is_tempfail, setup,
			teardown),
		cmocka_unit_test(fail_maps_codes),
		cmocka_unit_test_setup_teardown(prepare_exec_int, setup,
			teardown),
		cmocka_unit_test_setup_teardown(sql_fold_function, setup,
			teardown),
		cmocka_unit_test_setup_teardown(open_create_folder_fails,
			setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
