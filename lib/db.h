/*
 * db.h - the database: where it is, opening it, transactions, migrations.
 *
 * One SQLite file holds everything.  crm_db_open() is the only way in: it
 * refuses a missing file (only crm-admin init creates one), turns on
 * foreign keys and durable commits, sets the busy timeout, registers the
 * SQL functions and the search tokenizer crm needs, and brings an older
 * schema up to date (a newer one is refused with CRM_EX_CONFIG).
 *
 * Errors map to SPEC 3.7: busy or locked -> CRM_EX_TEMPFAIL, permission ->
 * CRM_EX_NOPERM, constraint -> CRM_EX_DATAERR, disk I/O -> CRM_EX_IOERR,
 * anything else -> CRM_EX_SOFTWARE.
 */
#ifndef CRM_DB_H
#define CRM_DB_H

#include <sqlite3.h>

#include "buf.h"
#include "err.h"

/* Prepared statements kept for reuse by crm_db_stmt(). */
#define CRM_DB_CACHE 48

struct crm_db {
	sqlite3 *h;		/* the connection, NULL when closed */
	char *path;		/* owned: the file name */
	int readonly;		/* opened with CRM_DB_READ */
	struct {
		char *sql;	/* owned */
		sqlite3_stmt *st;
	} cache[CRM_DB_CACHE];	/* private: see crm_db_stmt() */
	unsigned ncache, next;
};
#define CRM_DB_INIT { 0 }

#define CRM_DB_READ	0x1	/* read-only: list, show, reports */
#define CRM_DB_CREATE	0x2	/* create the file and its folders */

/* The default busy timeout in milliseconds ($CRM_BUSY_TIMEOUT overrides). */
#define CRM_BUSY_DEFAULT 5000

/*
 * Resolve the database path (SPEC 3.2): opt if not NULL, else $CRM_DB,
 * else $XDG_DATA_HOME/crm/crm.db, else ~/.local/share/crm/crm.db.  Appends
 * to out.  Fails (CRM_EX_NOINPUT) only when no rule gives a path.
 */
int crm_db_resolve(const char *opt, struct crm_buf *out, struct crm_err *err);

/*
 * Open path with flags CRM_DB_*.  Without CRM_DB_CREATE a missing file is
 * CRM_EX_NOINPUT, and so is one that is not a crm database (empty, not
 * SQLite, or SQLite without crm's tables), left untouched; one this user
 * may not read, or write without CRM_DB_READ, is CRM_EX_NOPERM.  With
 * CRM_DB_CREATE the parent folders are made (0700) and the file is
 * created with mode 0600 and the newest schema; an existing file is
 * taken only when empty (else CRM_EX_CANTCREAT).  $CRM_BUSY_TIMEOUT that
 * is not a number of milliseconds is CRM_EX_USAGE.  On failure db stays
 * closed.
 */
int crm_db_open(struct crm_db *db, const char *path, unsigned flags,
	struct crm_err *err);
void crm_db_close(struct crm_db *db);

/*
 * Map a SQLite result code to an error with what as context ("cannot add
 * customer"), adding SQLite's message.  Returns -1.
 */
int crm_db_fail(struct crm_db *db, int rc, const char *what,
	struct crm_err *err);

/* Prepare sql; NULL with err set on failure.  Caller finalizes. */
sqlite3_stmt *crm_db_prepare(struct crm_db *db, const char *sql,
	struct crm_err *err);

/*
 * A prepared statement for sql from the connection's cache, prepared on
 * first use: loops that run the same statement per row pay for parsing
 * once.  The statement belongs to db (never finalize it); give it back
 * with crm_db_put() as soon as its rows are read, which resets it and
 * clears its bindings.  NULL with err set on failure.
 */
sqlite3_stmt *crm_db_stmt(struct crm_db *db, const char *sql,
	struct crm_err *err);
void crm_db_put(sqlite3_stmt *st);

/* Run statements with no result rows. */
int crm_db_exec(struct crm_db *db, const char *sql, struct crm_err *err);

/*
 * One write transaction per command: crm_db_begin() takes the write lock
 * up front (BEGIN IMMEDIATE, waiting up to the busy timeout), commit makes
 * it durable, rollback undoes it (safe to call when none is open).
 */
int crm_db_begin(struct crm_db *db, struct crm_err *err);
int crm_db_commit(struct crm_db *db, struct crm_err *err);
void crm_db_rollback(struct crm_db *db);

/* The schema version of the open database (PRAGMA user_version). */
int crm_db_version(struct crm_db *db);

/* Run a query returning one integer; def when it returns no row. */
long long crm_db_int(struct crm_db *db, const char *sql, long long def);

#endif
