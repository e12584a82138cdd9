#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db.h"
#include "schema.h"
#include "search.h"
#include "text.h"
#include "banned.h"

int
crm_db_resolve(const char *opt, struct crm_buf *out, struct crm_err *err)
{
	const char *s;

	if (opt && *opt) {
		crm_buf_adds(out, opt);
		return 0;
	}
	if ((s = getenv("CRM_DB")) && *s) {
		crm_buf_adds(out, s);
		return 0;
	}
	if ((s = getenv("XDG_DATA_HOME")) && *s == '/') {
		crm_buf_addf(out, "%s/crm/crm.db", s);
		return 0;
	}
	if ((s = getenv("HOME")) && *s) {
		crm_buf_addf(out, "%s/.local/share/crm/crm.db", s);
		return 0;
	}
	return crm_err_set(err, CRM_EX_NOINPUT,
		"no database given: use --db, or set CRM_DB or HOME");
}

int
crm_db_fail(struct crm_db *db, int rc, const char *what, struct crm_err *err)
{
	const char *msg = db && db->h ? sqlite3_errmsg(db->h) :
		sqlite3_errstr(rc);
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
		if (db && db->h && sqlite3_system_errno(db->h))
			return crm_err_set(err, CRM_EX_IOERR, "%s: %s (%s)",
				what, msg, strerror(sqlite3_system_errno(db->h)));
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
	int rc = sqlite3_prepare_v2(db->h, sql, -1, &st, NULL);

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
	sqlite3_stmt *st;
	unsigned i;
	int rc;

	for (i = 0; i < db->ncache; i++)
		if (!strcmp(db->cache[i].sql, sql))
			return db->cache[i].st;
	rc = sqlite3_prepare_v3(db->h, sql, -1, SQLITE_PREPARE_PERSISTENT,
		&st, NULL);
	if (rc != SQLITE_OK) {
		crm_db_fail(db, rc, "cannot prepare a query", err);
		sqlite3_finalize(st);
		return NULL;
	}
	/* Full: replace the entries in turn, passing over any still
	 * stepping through rows. */
	if (db->ncache < CRM_DB_CACHE) {
		i = db->ncache++;
	} else {
		do
			i = db->next++ % CRM_DB_CACHE;
		while (sqlite3_stmt_busy(db->cache[i].st));
		sqlite3_finalize(db->cache[i].st);
		free(db->cache[i].sql);
	}
	db->cache[i].sql = crm_strdup(sql);
	db->cache[i].st = st;
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

int
crm_db_exec(struct crm_db *db, const char *sql, struct crm_err *err)
{
	int rc = sqlite3_exec(db->h, sql, NULL, NULL, NULL);

	if (rc != SQLITE_OK)
		return crm_db_fail(db, rc, "database error", err);
	return 0;
}

int
crm_db_begin(struct crm_db *db, struct crm_err *err)
{
	int rc = sqlite3_exec(db->h, "BEGIN IMMEDIATE", NULL, NULL, NULL);

	if (rc != SQLITE_OK)
		return crm_db_fail(db, rc, "cannot start a transaction", err);
	return 0;
}

int
crm_db_commit(struct crm_db *db, struct crm_err *err)
{
	int rc;

	/* What the write changed in customers goes into the search index
	 * in the same transaction (search.h). */
	if (crm_search_fold(db, err) < 0)
		return -1;
	rc = sqlite3_exec(db->h, "COMMIT", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return crm_db_fail(db, rc, "cannot commit", err);
	return 0;
}

void
crm_db_rollback(struct crm_db *db)
{
	if (db->h && !sqlite3_get_autocommit(db->h))
		sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
}

long long
crm_db_int(struct crm_db *db, const char *sql, long long def)
{
	sqlite3_stmt *st;
	long long v = def;

	if (sqlite3_prepare_v2(db->h, sql, -1, &st, NULL) != SQLITE_OK)
		return def;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

int
crm_db_version(struct crm_db *db)
{
	return (int)crm_db_int(db, "PRAGMA user_version", -1);
}

/* crm_fold(text): NFKC case folding, for case- and width-blind matching. */
static void
sql_fold(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct crm_buf b = CRM_BUF_INIT;
	const unsigned char *s;

	(void)argc;
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	s = sqlite3_value_text(argv[0]);
	crm_text_fold((const char *)s, (size_t)sqlite3_value_bytes(argv[0]),
		&b);
	sqlite3_result_text(ctx, crm_buf_detach(&b), -1, free);
}

/*
 * crm_digest(text): 16 hex digits of FNV-1a, 64 bits.  What a batch keeps
 * to tell whether a record changed since: any change to any column.
 */
static void
sql_digest(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const unsigned char *s = sqlite3_value_text(argv[0]);
	int n = sqlite3_value_bytes(argv[0]), i;
	uint64_t h = 14695981039346656037ULL;
	char hex[17];

	(void)argc;
	if (!s) {
		sqlite3_result_null(ctx);
		return;
	}
	for (i = 0; i < n; i++) {
		h ^= s[i];
		h *= 1099511628211ULL;
	}
	snprintf(hex, sizeof(hex), "%016llx", (unsigned long long)h);
	sqlite3_result_text(ctx, hex, 16, SQLITE_TRANSIENT);
}

/* Make the missing parent folders of path, mode 0700. */
static int
make_parents(const char *path, struct crm_err *err)
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
 * The busy timeout in milliseconds: $CRM_BUSY_TIMEOUT, a whole number
 * from 0 to 86400000 (a day), or the default when it is unset.  Anything
 * else is a usage error, never a silent default: a cron job that meant
 * to wait a minute must not give up after five seconds.
 */
static int
busy_timeout(int *ms, struct crm_err *err)
{
	const char *s = getenv("CRM_BUSY_TIMEOUT");
	char *end;
	long v;

	*ms = CRM_BUSY_DEFAULT;
	if (!s)
		return 0;
	errno = 0;
	v = strtol(s, &end, 10);
	if (*s < '0' || *s > '9' || *end || errno || v > 86400000)
		return crm_err_set(err, CRM_EX_USAGE,
			"invalid CRM_BUSY_TIMEOUT '%s': expected milliseconds, "
			"a whole number from 0 to 86400000", s);
	*ms = (int)v;
	return 0;
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

int
crm_db_open(struct crm_db *db, const char *path, unsigned flags,
	struct crm_err *err)
{
	struct stat st;
	int oflags, rc, v, fd, ms, one = 1;

	configure_sqlite();
	memset(db, 0, sizeof(*db));
	if (busy_timeout(&ms, err) < 0)
		return -1;
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
		if (make_parents(path, err) < 0)
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
	oflags = (flags & CRM_DB_READ) ? SQLITE_OPEN_READONLY :
		SQLITE_OPEN_READWRITE;
	rc = sqlite3_open_v2(path, &db->h, oflags | SQLITE_OPEN_NOMUTEX, NULL);
	db->path = crm_strdup(path);
	db->readonly = !!(flags & CRM_DB_READ);
	if (rc != SQLITE_OK) {
		crm_db_fail(db, rc, "cannot open database", err);
		goto fail;
	}
	sqlite3_busy_timeout(db->h, ms);
	sqlite3_extended_result_codes(db->h, 0);
	rc = sqlite3_create_function(db->h, "crm_fold", 1,
		SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
		sql_fold, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_create_function(db->h, "crm_digest", 1,
			SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
			NULL, sql_digest, NULL, NULL);
	if (rc != SQLITE_OK || crm_search_register(db->h) != SQLITE_OK) {
		crm_db_fail(db, rc, "cannot set up the database", err);
		goto fail;
	}
	rc = sqlite3_exec(db->h, "PRAGMA foreign_keys = ON;"
	    "PRAGMA synchronous = FULL;"
	    "PRAGMA journal_size_limit = 0;", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		struct crm_buf what = CRM_BUF_INIT;

		crm_buf_addf(&what, "cannot open database '%s'", path);
		crm_db_fail(db, rc, what.buf, err);
		crm_buf_release(&what);
		goto fail;
	}

	v = crm_db_version(db);
	if (v < 0) {
		/* Reading the header failed: not a database, or busy. */
		struct crm_buf what = CRM_BUF_INIT;

		rc = sqlite3_exec(db->h, "SELECT 1 FROM sqlite_master LIMIT 1",
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
	sqlite3_file_control(db->h, "main", SQLITE_FCNTL_PERSIST_WAL, &one);
	if (v > crm_schema_latest()) {
		crm_err_set(err, CRM_EX_CONFIG,
			"database '%s' has schema %d, newer than this "
			"binary's %d: upgrade crm", path, v,
			crm_schema_latest());
		goto fail;
	}
	/* WAL lets readers run while one process writes; the setting is
	 * kept in the file, so only a new database needs it. */
	if ((flags & CRM_DB_CREATE) &&
	    crm_db_exec(db, "PRAGMA journal_mode = WAL", err) < 0)
		goto fail;
	if (v < crm_schema_latest()) {
		if (db->readonly) {
			/* A reader on an older schema migrates through a
			 * short-lived writer, then reads as usual. */
			struct crm_db w;

			if (crm_db_open(&w, path, flags & ~CRM_DB_READ,
			    err) < 0)
				goto fail;
			crm_db_close(&w);
		} else if (crm_schema_migrate(db, 0, err) < 0) {
			goto fail;
		}
	}
	return 0;
fail:
	crm_db_close(db);
	return -1;
}

void
crm_db_close(struct crm_db *db)
{
	unsigned i;

	for (i = 0; i < db->ncache; i++) {
		sqlite3_finalize(db->cache[i].st);
		free(db->cache[i].sql);
	}
	db->ncache = db->next = 0;
	if (db->h) {
		crm_db_rollback(db);
		sqlite3_close_v2(db->h);
	}
	free(db->path);
	db->h = NULL;
	db->path = NULL;
}
