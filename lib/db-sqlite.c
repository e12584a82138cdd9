/*
 * db-sqlite.c - the SQLite driver: one file holds the database.
 *
 * Everything that knows SQLite is here and in search.c (the FTS5
 * tokenizer): opening and checking the file, the session's pragmas, the
 * WAL, statements, errors mapped to SPEC 3.7, the SQL functions.
 */
#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db.h"
#include "driver.h"
#include "record.h"
#include "schema.h"
#include "search.h"
#include "sqlite-compat.h"
#include "text.h"
#include "banned.h"

/* The connection, and the statements handed out by crm_db_stmt() until
 * every caller speaks crm_sql(). */
struct conn {
	sqlite3 *h;
	struct {
		char *sql;
		sqlite3_stmt *st;
	} cache[CRM_DB_CACHE];
	unsigned ncache, next;
	int cache_size;		/* before bulk mode: PRAGMA cache_size */
};

#define C(db) ((struct conn *)(db)->conn)
#define H(db) ((db)->conn ? C(db)->h : NULL)
#define ST(st) ((sqlite3_stmt *)(st)->ds)

sqlite3 *
crm_db_sqlite(struct crm_db *db)
{
	return db->drv == &crm_sqlite_driver ? H(db) : NULL;
}

int
crm_db_fail(struct crm_db *db, int rc, const char *what, struct crm_err *err)
{
	sqlite3 *h = db ? H(db) : NULL;
	const char *msg = h ? sqlite3_errmsg(h) : sqlite3_errstr(rc);
	int code;

	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return crm_err_set(err, CRM_EX_TEMPFAIL,
			"%s: database is busy, try again later", what);
	case SQLITE_READONLY:
	case SQLITE_PERM:
	case SQLITE_AUTH:
		code = CRM_EX_NOPERM;
		break;
	case SQLITE_CONSTRAINT:
	case SQLITE_MISMATCH:
	case SQLITE_TOOBIG:
		code = CRM_EX_DATAERR;
		break;
	case SQLITE_IOERR:
	case SQLITE_FULL:
		/* The system's reason too: "File too large" under a
		 * ulimit -f, "No space left on device". */
		if (h && sqlite3_system_errno(h))
			return crm_err_set(err, CRM_EX_IOERR, "%s: %s (%s)",
				what, msg, strerror(sqlite3_system_errno(h)));
		code = CRM_EX_IOERR;
		break;
	case SQLITE_CANTOPEN:
		code = CRM_EX_NOINPUT;
		break;
	case SQLITE_NOTADB:
	case SQLITE_CORRUPT:
		code = CRM_EX_DATAERR;
		break;
	default:
		code = CRM_EX_SOFTWARE;
	}
	return crm_err_set(err, code, "%s: %s", what, msg);
}

sqlite3_stmt *
crm_db_prepare(struct crm_db *db, const char *sql, struct crm_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(H(db), sql, -1, &st, NULL);

	if (rc != SQLITE_OK) {
		crm_db_fail(db, rc, "cannot prepare a query", err);
		sqlite3_finalize(st);
		return NULL;
	}
	return st;
}

sqlite3_stmt *
crm_db_stmt(struct crm_db *db, const char *sql, struct crm_err *err)
{
	struct conn *c = C(db);
	sqlite3_stmt *st;
	unsigned i;
	int rc;

	for (i = 0; i < c->ncache; i++)
		if (!strcmp(c->cache[i].sql, sql))
			return c->cache[i].st;
	rc = sqlite3_prepare_v3(c->h, sql, -1, SQLITE_PREPARE_PERSISTENT,
		&st, NULL);
	if (rc != SQLITE_OK) {
		crm_db_fail(db, rc, "cannot prepare a query", err);
		sqlite3_finalize(st);
		return NULL;
	}
	if (c->ncache < CRM_DB_CACHE) {
		i = c->ncache++;
	} else {
		do
			i = c->next++ % CRM_DB_CACHE;
		while (sqlite3_stmt_busy(c->cache[i].st));
		sqlite3_finalize(c->cache[i].st);
		free(c->cache[i].sql);
	}
	c->cache[i].sql = crm_strdup(sql);
	c->cache[i].st = st;
	return st;
}

void
crm_db_put(sqlite3_stmt *st)
{
	if (st) {
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
	}
}

/* ---- statements --------------------------------------------------------- */

static int
st_fail(struct crm_stmt *st, int rc)
{
	return crm_db_fail(st->db, rc, st->what, st->err);
}

static int
sq_prepare(struct crm_stmt *st)
{
	sqlite3_stmt *s = NULL;
	int rc = sqlite3_prepare_v3(H(st->db), st->sql, -1,
		SQLITE_PREPARE_PERSISTENT, &s, NULL);

	if (rc != SQLITE_OK) {
		crm_db_fail(st->db, rc, "cannot prepare a query", st->err);
		sqlite3_finalize(s);
		return -1;
	}
	st->ds = s;
	return 0;
}

static void
sq_finalize(struct crm_stmt *st)
{
	sqlite3_finalize(ST(st));
	st->ds = NULL;
}

static int
sq_busy(struct crm_stmt *st)
{
	return sqlite3_stmt_busy(ST(st));
}

static int
sq_bind(struct crm_stmt *st, int i, enum crm_kind k, int64_t iv, double rv,
	const char *s, size_t n)
{
	int rc;

	switch (k) {
	case CRM_INT:
		rc = sqlite3_bind_int64(ST(st), i, iv);
		break;
	case CRM_REAL:
		rc = sqlite3_bind_double(ST(st), i, rv);
		break;
	case CRM_TEXT:
		rc = sqlite3_bind_text64(ST(st), i, s, n, SQLITE_STATIC,
			SQLITE_UTF8);
		break;
	default:
		rc = sqlite3_bind_null(ST(st), i);
	}
	return rc == SQLITE_OK ? 0 : st_fail(st, rc);
}

static int
sq_params(struct crm_stmt *st)
{
	return sqlite3_bind_parameter_count(ST(st));
}

static int
sq_step(struct crm_stmt *st)
{
	int rc = sqlite3_step(ST(st));

	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE) {
		st->changes = sqlite3_changes64(H(st->db));
		return 0;
	}
	return st_fail(st, rc);
}

static void
sq_reset(struct crm_stmt *st)
{
	sqlite3_reset(ST(st));
	sqlite3_clear_bindings(ST(st));
}

static enum crm_kind
sq_col_kind(struct crm_stmt *st, int i)
{
	switch (sqlite3_column_type(ST(st), i)) {
	case SQLITE_INTEGER:
		return CRM_INT;
	case SQLITE_FLOAT:
		return CRM_REAL;
	case SQLITE_NULL:
		return CRM_NULL;
	default:
		return CRM_TEXT;
	}
}

static int64_t
sq_col_int(struct crm_stmt *st, int i)
{
	return sqlite3_column_int64(ST(st), i);
}

static double
sq_col_real(struct crm_stmt *st, int i)
{
	return sqlite3_column_double(ST(st), i);
}

static const char *
sq_col_text(struct crm_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(ST(st), i);
}

static size_t
sq_col_len(struct crm_stmt *st, int i)
{
	return (size_t)sqlite3_column_bytes(ST(st), i);
}

static int
sq_col_count(struct crm_stmt *st)
{
	return sqlite3_column_count(ST(st));
}

static const char *
sq_col_name(struct crm_stmt *st, int i)
{
	return sqlite3_column_name(ST(st), i);
}

/* Run sql, which has no rows, with what as the context of an error. */
static int
sq_run(struct crm_db *db, const char *sql, const char *what,
	struct crm_err *err)
{
	int rc = sqlite3_exec(H(db), sql, NULL, NULL, NULL);

	if (rc != SQLITE_OK)
		return crm_db_fail(db, rc, what, err);
	return 0;
}

static int
sq_exec(struct crm_db *db, const char *sql, struct crm_err *err)
{
	return sq_run(db, sql, "database error", err);
}

static int
sq_begin(struct crm_db *db, struct crm_err *err)
{
	return sq_run(db, "BEGIN IMMEDIATE", "cannot start a transaction", err);
}

/* The first read takes the snapshot the rest see (WAL). */
static int
sq_begin_read(struct crm_db *db, struct crm_err *err)
{
	return sq_run(db, "BEGIN", "cannot start a transaction", err);
}

/* An INTEGER PRIMARY KEY's next id is always above the highest. */
static int
sq_ids_taken(struct crm_db *db, const char *table, struct crm_err *err)
{
	(void)db;
	(void)table;
	(void)err;
	return 0;
}

static int
sq_commit(struct crm_db *db, struct crm_err *err)
{
	return sq_run(db, "COMMIT", "cannot commit", err);
}

static int
sq_in_transaction(struct crm_db *db)
{
	return H(db) && !sqlite3_get_autocommit(H(db));
}

static void
sq_rollback(struct crm_db *db)
{
	if (sq_in_transaction(db))
		sqlite3_exec(H(db), "ROLLBACK", NULL, NULL, NULL);
}

static int
sq_version(struct crm_db *db, struct crm_err *err)
{
	sqlite3_stmt *st;
	int rc, v = -1;

	rc = sqlite3_prepare_v2(H(db), "PRAGMA user_version", -1, &st, NULL);
	if (rc == SQLITE_OK) {
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			v = sqlite3_column_int(st, 0);
			rc = SQLITE_OK;
		}
	}
	sqlite3_finalize(st);
	if (v < 0)
		crm_db_fail(db, rc, "cannot read the schema version", err);
	return v;
}

static int
sq_set_version(struct crm_db *db, int v, struct crm_err *err)
{
	char sql[48];

	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", v);
	return sq_exec(db, sql, err);
}

static void
call_text_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	crm_text_fn *fn = (crm_text_fn *)sqlite3_user_data(ctx);
	struct crm_buf b = CRM_BUF_INIT;
	const char *s;
	size_t n;

	(void)argc;
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	s = (const char *)sqlite3_value_text(argv[0]);
	fn(s ? s : "", (size_t)sqlite3_value_bytes(argv[0]), &b);
	n = b.len;
	sqlite3_result_text64(ctx, crm_buf_detach(&b), n, free, SQLITE_UTF8);
}

static int
sq_function(struct crm_db *db, const char *name, crm_text_fn *fn,
	struct crm_err *err)
{
	int rc = sqlite3_create_function(H(db), name, 1, SQLITE_UTF8 |
		SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, (void *)fn,
		call_text_fn, NULL, NULL);

	if (rc != SQLITE_OK)
		return crm_db_fail(db, rc, "cannot set up the database", err);
	return 0;
}

/*
 * Bulk: a large cache for the tables and indexes being written (64 MiB),
 * and for the temporary tables of the import's keys (32 MiB); the cache
 * of a command again afterwards.  Two stages of an import want other
 * sizes, for memory that stays flat however long the file (bench/): on
 * 2, keys that come mostly in order (orders' refs go in at the B-tree's
 * right edge) have 8 MiB; on 3, when the indexes set aside are built
 * again, the page cache is the buffer they are sorted in, and 32 MiB is
 * full at a million rows as at five.
 */
static void
sq_bulk(struct crm_db *db, int on)
{
	struct conn *c = C(db);
	char sql[96];

	if (on) {
		if (!c->cache_size)
			c->cache_size = (int)crm_db_int(db,
				"PRAGMA cache_size", -2000);
		sqlite3_exec(c->h, on == 3 ? "PRAGMA cache_size = -32768" :
			on == 2 ? "PRAGMA cache_size = -65536;"
			"PRAGMA temp.cache_size = -8192" :
			"PRAGMA cache_size = -65536;"
			"PRAGMA temp.cache_size = -32768", NULL, NULL, NULL);
	} else if (c->cache_size) {
		snprintf(sql, sizeof(sql), "PRAGMA cache_size = %d;"
			"PRAGMA temp.cache_size = %d", c->cache_size,
			c->cache_size);
		sqlite3_exec(c->h, sql, NULL, NULL, NULL);
		c->cache_size = 0;
	}
}

/*
 * A check reads the whole file: through a memory map, a third of the
 * time of a read(2) a page (the map's pages are the kernel's page cache,
 * not this process's memory).
 */
static void
mapped(struct crm_db *db, int on)
{
	sqlite3_exec(H(db), on ? "PRAGMA mmap_size = 2147418112" :
		"PRAGMA mmap_size = 0", NULL, NULL, NULL);
}

/* Each problem a check pragma reports. */
static int
run_check(struct crm_db *db, const char *pragma, crm_problem_fn *fn,
	void *arg, struct crm_err *err)
{
	struct crm_stmt *st;
	const char *s;

	st = crm_sql(db, "cannot check", pragma, err);
	while (crm_step(st) > 0)
		if ((s = crm_col_text(st, 0)) && strcmp(s, "ok"))
			fn(arg, "integrity", s);
	return crm_done(st);
}

/* SQLite's own checks: the file's structure, and references that do
 * not hold (written by something that left foreign keys off). */
static int
sq_check(struct crm_db *db, crm_problem_fn *fn, void *arg,
	struct crm_err *err)
{
	struct crm_buf line = CRM_BUF_INIT;
	struct crm_stmt *st;
	int r;

	mapped(db, 1);
	if (run_check(db, "PRAGMA integrity_check", fn, arg, err) < 0) {
		mapped(db, 0);
		return -1;
	}
	st = crm_sql(db, "cannot check", "PRAGMA foreign_key_check", err);
	while (crm_step(st) > 0) {
		crm_buf_reset(&line);
		crm_buf_addf(&line, "%s row %lld refers to a missing %s",
			crm_col_text(st, 0), (long long)crm_col_int(st, 1),
			crm_col_text(st, 2));
		fn(arg, "foreign-key", line.buf);
	}
	crm_buf_release(&line);
	r = crm_done(st);
	mapped(db, 0);
	return r;
}

static int
sq_check_quick(struct crm_db *db, crm_problem_fn *fn, void *arg,
	struct crm_err *err)
{
	int r;

	mapped(db, 1);
	r = run_check(db, "PRAGMA quick_check", fn, arg, err);
	mapped(db, 0);
	return r;
}

/* WITHOUT ROWID: the rows live in the key's B-tree, one lookup each. */
static int
sq_temp_table(struct crm_db *db, const char *name, const char *columns,
	struct crm_err *err)
{
	struct crm_buf sql = CRM_BUF_INIT;
	int r;

	crm_buf_adds(&sql, "CREATE TEMP TABLE IF NOT EXISTS ");
	crm_sql_ident(&sql, name);
	crm_buf_addf(&sql, " (%s) WITHOUT ROWID;\nDELETE FROM temp.", columns);
	crm_sql_ident(&sql, name);
	r = sq_exec(db, sql.buf, err);
	crm_buf_release(&sql);
	return r;
}

static int64_t
sq_size(struct crm_db *db)
{
	struct stat st;

	return stat(db->path, &st) == 0 ? (int64_t)st.st_size : -1;
}

static void
sq_library(struct crm_buf *out)
{
	crm_buf_addf(out, "SQLite %s\n", sqlite3_libversion());
}

static void
sq_name_of(const char *path, struct crm_buf *out)
{
	crm_buf_adds(out, path ? path : "");
}

/* Make the missing parent folders of path, mode 0700. */
int
crm_sqlite_make_parents(const char *path, struct crm_err *err)
{
	struct crm_buf dir = CRM_BUF_INIT;
	size_t i;
	int ret = 0;

	crm_buf_adds(&dir, path);
	for (i = 1; i < dir.len; i++) {
		if (dir.buf[i] != '/')
			continue;
		dir.buf[i] = '\0';
		if (mkdir(dir.buf, 0700) < 0 && errno != EEXIST) {
			ret = crm_err_set(err, errno == EACCES ?
				CRM_EX_NOPERM : CRM_EX_CANTCREAT,
				"cannot create folder '%s': %s", dir.buf,
				strerror(errno));
			break;
		}
		dir.buf[i] = '/';
	}
	crm_buf_release(&dir);
	return ret;
}

/*
 * A WAL at least this big when a reader opens the database was most
 * likely left by a writer killed in a large transaction: a writer that
 * closes empties it, and while one runs, SQLite's automatic checkpoint
 * keeps the committed part near 1000 pages (4 MiB of 4 KiB pages).
 * Every process that opens the database reads the whole WAL back, about
 * a second for each few hundred MiB; below twice the usual size that is
 * a few milliseconds, not worth a second connection.
 */
#define WAL_TRIM_BYTES (8L << 20)

/* Could this user write path, or create it in its folder? */
static int
writable(const char *path)
{
	struct crm_buf dir = CRM_BUF_INIT;
	const char *slash;
	int ok;

	if (access(path, F_OK) == 0)
		return access(path, W_OK) == 0;
	slash = strrchr(path, '/');
	if (!slash)
		return access(".", W_OK) == 0;
	crm_buf_add(&dir, path, (size_t)(slash - path) + (slash == path));
	ok = access(dir.buf, W_OK) == 0;
	crm_buf_release(&dir);
	return ok;
}

/*
 * Before a reader opens path: if a large WAL lies beside it and this
 * user could write the database, a short-lived writer copies its commits
 * into the database and empties it, so that this reader and the ones
 * after it do not each read it whole.  Housekeeping only: it never waits
 * (no busy timeout), and when another process is writing, or anything
 * fails, the WAL is left as it is and the reader reads as usual.
 */
static void
trim_wal(const char *path)
{
	struct crm_buf wal = CRM_BUF_INIT, shm = CRM_BUF_INIT;
	struct stat st;
	sqlite3 *h = NULL;
	int one = 1;

	crm_buf_addf(&wal, "%s-wal", path);
	crm_buf_addf(&shm, "%s-shm", path);
	if (stat(wal.buf, &st) < 0 || st.st_size < WAL_TRIM_BYTES ||
	    access(path, W_OK) < 0 || access(wal.buf, W_OK) < 0 ||
	    !writable(shm.buf))
		goto out;
	if (sqlite3_open_v2(path, &h, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
		goto out;
	sqlite3_file_control(h, "main", SQLITE_FCNTL_PERSIST_WAL, &one);
	/* Taking the write lock tells whether a writer is at work: its
	 * frames are not ours to judge, and it empties the WAL itself. */
	if (sqlite3_exec(h, "BEGIN IMMEDIATE; COMMIT", NULL, NULL,
	    NULL) != SQLITE_OK)
		goto out;
	sqlite3_wal_checkpoint_v2(h, "main", SQLITE_CHECKPOINT_TRUNCATE,
		NULL, NULL);
out:
	sqlite3_close_v2(h);
	crm_buf_release(&wal);
	crm_buf_release(&shm);
}

/* An SQLite database of schema 0: another program's, not crm's. */
static int
not_crm(const char *path, struct crm_err *err)
{
	return crm_err_set(err, CRM_EX_NOINPUT, "'%s' is an SQLite database "
		"without crm's tables; create a crm database in a new file "
		"with 'crm-admin init'", path);
}

/*
 * Before SQLite sees an existing file, which SQLite would take for an
 * empty database if it is empty, or report vaguely if it may not be
 * read.  A file this user may not read (or, for a writer, write) is
 * CRM_EX_NOPERM; one that is no SQLite database is CRM_EX_NOINPUT, and
 * left as it was.  With CRM_DB_CREATE (crm-admin init) only an empty
 * file is taken, there being nothing in it to lose, and made mode 0600.
 */
static int
check_file(const char *path, const struct stat *st, unsigned flags,
	struct crm_err *err)
{
	static const char magic[16] = "SQLite format 3";
	unsigned char head[64];
	struct crm_buf wal = CRM_BUF_INIT;
	struct stat ws;
	ssize_t n;
	int fd;

	if (!S_ISREG(st->st_mode))
		return crm_err_set(err, (flags & CRM_DB_CREATE) ?
			CRM_EX_CANTCREAT : CRM_EX_NOINPUT,
			S_ISDIR(st->st_mode) ? "database '%s' is a folder" :
			"'%s' is not a crm database: not a file", path);
	fd = open(path, ((flags & CRM_DB_READ) ? O_RDONLY : O_RDWR) |
		O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return crm_err_set(err, errno == EACCES || errno == EPERM ||
			errno == EROFS ? CRM_EX_NOPERM : CRM_EX_NOINPUT,
			"cannot %s database '%s': %s",
			(flags & CRM_DB_READ) ? "read" : "write to", path,
			strerror(errno));
	n = read(fd, head, sizeof(head));
	if (n < 0) {
		crm_err_set(err, CRM_EX_IOERR, "cannot read database '%s': %s",
			path, strerror(errno));
	} else if (flags & CRM_DB_CREATE) {
		if (n > 0)
			crm_err_set(err, CRM_EX_CANTCREAT,
				"database '%s' already exists", path);
		else if (fchmod(fd, 0600) < 0)
			crm_err_set(err, CRM_EX_NOPERM, "cannot set the mode "
				"of '%s': %s", path, strerror(errno));
	} else if (n == 0) {
		crm_err_set(err, CRM_EX_NOINPUT, "'%s' is an empty file, "
			"not a crm database; make it one with 'crm-admin init'",
			path);
	} else if ((size_t)n < sizeof(magic) ||
	    memcmp(head, magic, sizeof(magic))) {
		crm_err_set(err, CRM_EX_NOINPUT, "'%s' is not a crm database; "
			"create one in a new file with 'crm-admin init'", path);
	} else if (n == sizeof(head) && !head[60] && !head[61] && !head[62] &&
	    !head[63]) {
		/* user_version 0, and no WAL that could hold a newer one:
		 * refused here, before SQLite makes a WAL and -shm file
		 * beside another program's database.  Else SQLite reads
		 * the version, below. */
		crm_buf_addf(&wal, "%s-wal", path);
		if (stat(wal.buf, &ws) < 0 || ws.st_size == 0)
			not_crm(path, err);
		crm_buf_release(&wal);
	}
	close(fd);
	return err->code ? -1 : 0;
}

/*
 * Every crm process is one thread: SQLite needs no mutexes, and no
 * counting of its memory for sqlite3_memory_used().  Both cost a few per
 * cent of every statement.  Set once, before SQLite starts.
 */
static void
configure_sqlite(void)
{
	static int done;

	if (done)
		return;
	done = 1;
	sqlite3_config(SQLITE_CONFIG_SINGLETHREAD);
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

static void
sq_close(struct crm_db *db)
{
	struct conn *c = C(db);
	unsigned i;

	if (!c)
		return;
	for (i = 0; i < c->ncache; i++) {
		sqlite3_finalize(c->cache[i].st);
		free(c->cache[i].sql);
	}
	sq_rollback(db);
	sqlite3_close_v2(c->h);
	free(c);
	db->conn = NULL;
}

/*
 * Open db->path: check the file before SQLite sees it, set up the
 * session, and check that it is crm's.  The schema version is db.c's.
 */
static int
sq_open(struct crm_db *db, unsigned flags, int ms, struct crm_err *err)
{
	const char *path = db->path;
	struct conn *c;
	struct stat st;
	int oflags, rc, v, fd, one = 1;

	configure_sqlite();
	if (stat(path, &st) < 0) {
		if (errno == ENOTDIR && (flags & CRM_DB_CREATE))
			return crm_err_set(err, CRM_EX_CANTCREAT,
				"cannot create database '%s': %s", path,
				strerror(errno));
		if (errno != ENOENT || !(flags & CRM_DB_CREATE))
			return crm_err_set(err, errno == EACCES ?
				CRM_EX_NOPERM : CRM_EX_NOINPUT,
				errno == ENOENT ? "database '%s' not found; "
				"create it with 'crm-admin init'" :
				"cannot open database '%s': %s",
				path, strerror(errno));
		if (crm_sqlite_make_parents(path, err) < 0)
			return -1;
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
		if (fd < 0)
			return crm_err_set(err, errno == EACCES ?
				CRM_EX_NOPERM : CRM_EX_CANTCREAT,
				"cannot create database '%s': %s", path,
				strerror(errno));
		close(fd);
	} else if (check_file(path, &st, flags, err) < 0) {
		return -1;
	}

	if (flags & CRM_DB_READ)
		trim_wal(path);
	c = crm_xcalloc(1, sizeof(*c));
	db->conn = c;
	oflags = (flags & CRM_DB_READ) ? SQLITE_OPEN_READONLY :
		SQLITE_OPEN_READWRITE;
	rc = sqlite3_open_v2(path, &c->h, oflags | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		crm_db_fail(db, rc, "cannot open database", err);
		goto fail;
	}
	sqlite3_busy_timeout(c->h, ms);
	sqlite3_extended_result_codes(c->h, 0);
	if (crm_search_register(c->h) != SQLITE_OK) {
		crm_db_fail(db, rc, "cannot set up the database", err);
		goto fail;
	}
	rc = sqlite3_exec(c->h, "PRAGMA foreign_keys = ON;"
	    "PRAGMA synchronous = FULL;"
	    "PRAGMA journal_size_limit = 0;", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		struct crm_buf what = CRM_BUF_INIT;

		crm_buf_addf(&what, "cannot open database '%s'", path);
		crm_db_fail(db, rc, what.buf, err);
		crm_buf_release(&what);
		goto fail;
	}

	v = crm_db_int(db, "PRAGMA user_version", -1);
	if (v < 0) {
		/* Reading the header failed: not a database, or busy. */
		struct crm_buf what = CRM_BUF_INIT;

		rc = sqlite3_exec(c->h, "SELECT 1 FROM sqlite_master LIMIT 1",
			NULL, NULL, NULL);
		crm_buf_addf(&what, "cannot read database '%s'", path);
		crm_db_fail(db, rc, what.buf, err);
		crm_buf_release(&what);
		if (!err->code)
			crm_err_set(err, CRM_EX_DATAERR,
				"'%s' is not a crm database", path);
		goto fail;
	}
	/* Schema 0 is an SQLite file crm never made its own: refused,
	 * never filled with crm's tables, unless crm-admin init asks. */
	if (v == 0 && !(flags & CRM_DB_CREATE)) {
		not_crm(path, err);
		goto fail;
	}
	/* The last command to close copies the WAL into the database and
	 * empties it (journal_size_limit 0, above), keeping the file:
	 * between commands the database file alone holds everything (a cp
	 * of it is whole), and the next command finds no WAL to read back.
	 * Left full, a WAL is read whole by every process that opens the
	 * database: after a large import, seconds for each one.
	 * Set only once the file is known to be crm's: another program's
	 * database is left without a WAL or -shm file of crm's making. */
	sqlite3_file_control(c->h, "main", SQLITE_FCNTL_PERSIST_WAL, &one);
	/* WAL lets readers run while one process writes; the setting is
	 * kept in the file, so only a new database needs it. */
	if ((flags & CRM_DB_CREATE) &&
	    sq_exec(db, "PRAGMA journal_mode = WAL", err) < 0)
		goto fail;
	return 0;
fail:
	sq_close(db);
	return -1;
}

void
crm_db_sqlite_adopt(struct crm_db *db, sqlite3 *h, const char *path)
{
	struct conn *c = crm_xcalloc(1, sizeof(*c));

	memset(db, 0, sizeof(*db));
	c->h = h;
	db->conn = c;
	db->drv = &crm_sqlite_driver;
	db->path = crm_strdup(path);
}

void
crm_db_sqlite_release(struct crm_db *db)
{
	crm_db_close(db);
}

const struct crm_driver crm_sqlite_driver = {
	.name = "sqlite",
	.open = sq_open,
	.close = sq_close,
	.library = sq_library,
	.name_of = sq_name_of,
	.prepare = sq_prepare,
	.finalize = sq_finalize,
	.busy = sq_busy,
	.bind = sq_bind,
	.params = sq_params,
	.step = sq_step,
	.reset = sq_reset,
	.col_kind = sq_col_kind,
	.col_int = sq_col_int,
	.col_real = sq_col_real,
	.col_text = sq_col_text,
	.col_len = sq_col_len,
	.col_count = sq_col_count,
	.col_name = sq_col_name,
	.exec = sq_exec,
	.begin = sq_begin,
	.commit = sq_commit,
	.rollback = sq_rollback,
	.in_transaction = sq_in_transaction,
	.begin_read = sq_begin_read,
	.ids_taken = sq_ids_taken,
	.version = sq_version,
	.set_version = sq_set_version,
	.migrate = crm_sqlite_migrate,
	.function = sq_function,
	.bulk = sq_bulk,
	.check = sq_check,
	.check_quick = sq_check_quick,
	.size = sq_size,
	.temp_table = sq_temp_table,
	.image = crm_sqlite_image,
	.replace = crm_sqlite_replace,
	.install_dir = crm_sqlite_install_dir,
	.install = crm_sqlite_install,
	.search_fold = crm_sqlite_search_fold,
	.search_verify = crm_sqlite_search_verify,
	.search_suspend = crm_sqlite_search_suspend,
	.search_batch = crm_sqlite_search_batch,
	.search_where = crm_sqlite_search_where,
	.search_bind = crm_sqlite_search_bind,
};
