/*
 * db.h - the database: where it is, opening it, statements, transactions.
 *
 * crm keeps everything in one database, an SQLite file or a PostgreSQL
 * server (SPEC 10), behind one driver per backend (driver.h).  Nothing
 * outside the drivers knows which one it talks to: the rest of crm sees
 * a struct crm_db and the statements below.
 *
 * crm_db_open() is the only way in: it refuses a database that is
 * missing or not crm's (only crm-admin init creates one), sets up the
 * session (foreign keys, durable commits, the busy timeout, the SQL
 * functions crm needs) and brings an older schema up to date (a newer
 * one is refused with CRM_EX_CONFIG).
 *
 * SQL.  Statements are written once, in the SQL both backends speak:
 * numbered parameters ?1, ?2 (the PostgreSQL driver writes them $1, $2),
 * INSERT ... RETURNING for a new id, ON CONFLICT for an upsert, standard
 * functions (COALESCE, CASE, CAST, ||).  What cannot be said alike is
 * not spelled twice in the callers but asked of the driver by what it
 * does (driver.h): the schema and its migrations, the search index, the
 * session settings, bulk-load tuning.  PowerDNS's alternative, every
 * statement kept as a named query per backend, doubles all of them to
 * vary a few, and the copies drift; here one test suite runs every
 * statement on both backends, and a statement that does not port fails
 * there.
 *
 * Errors map to SPEC 3.7: busy, locked or unreachable -> CRM_EX_TEMPFAIL,
 * permission -> CRM_EX_NOPERM, constraint -> CRM_EX_DATAERR, disk I/O ->
 * CRM_EX_IOERR, anything else -> CRM_EX_SOFTWARE.
 */
#ifndef CRM_DB_H
#define CRM_DB_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "err.h"

/* The kind of a value, bound or read. */
enum crm_kind { CRM_NULL, CRM_INT, CRM_REAL, CRM_TEXT };

struct crm_driver;
struct crm_stmt;

/* Statements kept prepared for reuse by crm_sql(). */
#define CRM_DB_CACHE 48

struct crm_db {
	const struct crm_driver *drv;	/* NULL when closed */
	void *conn;		/* the driver's connection */
	char *path;		/* owned: the file name or URI */
	int readonly;		/* opened with CRM_DB_READ */
	struct crm_stmt *cache[CRM_DB_CACHE];	/* private: see crm_sql() */
	unsigned ncache, next;
	int closing;		/* private: statements go with the connection */
};
#define CRM_DB_INIT { 0 }

#define CRM_DB_READ	0x1	/* read-only: list, show, reports */
#define CRM_DB_CREATE	0x2	/* crm-admin init: make a new database */

/* The default busy timeout in milliseconds ($CRM_BUSY_TIMEOUT overrides). */
#define CRM_BUSY_DEFAULT 5000

/*
 * Resolve the database (SPEC 3.2): opt if not NULL, else $CRM_DB, else
 * $XDG_DATA_HOME/crm/crm.db, else ~/.local/share/crm/crm.db.  Appends to
 * out.  Fails (CRM_EX_NOINPUT) only when no rule gives one.
 */
int crm_db_resolve(const char *opt, struct crm_buf *out, struct crm_err *err);

/*
 * Open path with flags CRM_DB_*.  Without CRM_DB_CREATE a missing
 * database is CRM_EX_NOINPUT, and so is one that is not crm's, left
 * untouched; one this user may not read, or write without CRM_DB_READ,
 * is CRM_EX_NOPERM.  With CRM_DB_CREATE the database is made with the
 * newest schema (an SQLite file with its folders, mode 0600); one that
 * holds something already is CRM_EX_CANTCREAT.  $CRM_BUSY_TIMEOUT that
 * is not a number of milliseconds is CRM_EX_USAGE.  On failure db stays
 * closed.
 */
int crm_db_open(struct crm_db *db, const char *path, unsigned flags,
	struct crm_err *err);
void crm_db_close(struct crm_db *db);

/* The database libraries crm uses, a line each ("SQLite 3.40.1"), for
 * --version. */
void crm_db_libraries(struct crm_buf *out);

/* "sqlite" or "postgresql": for messages and crm-admin stats only. */
const char *crm_db_backend(const struct crm_db *db);

/*
 * The path or URI as messages may show it: a password in a URI is
 * written as "***".  Static storage, until the next call.
 */
const char *crm_db_name(const struct crm_db *db);

/* ---- statements ---------------------------------------------------------
 *
 * A statement is prepared once per connection and kept (the last
 * CRM_DB_CACHE of them): loops that run the same SQL per row pay for
 * parsing once.  One use of a statement is a sequence checked once at
 * its end, as SQLite's shell does with shellPrepare()/shellFinalize():
 *
 *	st = crm_sql(db, "cannot add the note", "INSERT ...", err);
 *	crm_bind_int(st, 1, id);
 *	crm_bind_text(st, 2, text);
 *	crm_step(st);
 *	return crm_done(st);
 *
 * The first failure (preparing, binding, stepping) sets err with what as
 * context, and every later call of the sequence does nothing; crm_sql()
 * returns NULL when the SQL does not prepare, which every function here
 * takes (a server may only find that out at the first step, once it
 * knows the parameters' types).  crm_done() gives
 * the statement back for its next use and says whether all went well.
 * A statement is the database's: never keep one past crm_done().
 */

/* The statement for sql, ready to bind (parameters ?1 ...).  what is the
 * context of any error ("cannot add customer"), NULL for a plain one. */
struct crm_stmt *crm_sql(struct crm_db *db, const char *what,
	const char *sql, struct crm_err *err);

/* Bind parameter i (from 1).  Text is not copied: it must stay as it is
 * until crm_done().  A NULL s binds NULL. */
void crm_bind_int(struct crm_stmt *st, int i, int64_t v);
void crm_bind_real(struct crm_stmt *st, int i, double v);
void crm_bind_text(struct crm_stmt *st, int i, const char *s);
void crm_bind_textn(struct crm_stmt *st, int i, const char *s, size_t n);
void crm_bind_null(struct crm_stmt *st, int i);
/* The same with a copy the statement keeps until crm_done(): s may go. */
void crm_bind_copy(struct crm_stmt *st, int i, const char *s, size_t n);

/* The number of parameters the statement's SQL has. */
int crm_stmt_params(struct crm_stmt *st);

/*
 * This use of st may read more rows than are worth holding at once (a
 * whole table): before its first step, so that a driver that would hold
 * the result whole reads it in parts instead.  Another statement may
 * still run between its steps.  Until crm_done().
 */
void crm_stmt_many(struct crm_stmt *st);

/* Step: 1 with a row to read, 0 when done, -1 on failure (err set). */
int crm_step(struct crm_stmt *st);

/*
 * Column i (from 0) of the current row.  Text is valid until the next
 * step; NULL reads as 0, as NULL text and as length 0.
 */
enum crm_kind crm_col_kind(struct crm_stmt *st, int i);
int64_t crm_col_int(struct crm_stmt *st, int i);
double crm_col_real(struct crm_stmt *st, int i);
const char *crm_col_text(struct crm_stmt *st, int i);
size_t crm_col_len(struct crm_stmt *st, int i);
int crm_col_count(struct crm_stmt *st);
const char *crm_col_name(struct crm_stmt *st, int i);

/* Rows the last finished INSERT, UPDATE or DELETE of st changed. */
int64_t crm_stmt_changes(struct crm_stmt *st);

/* End this use of st: 0 when every call since crm_sql() went well, else
 * -1 (err was set).  Takes NULL (a failed crm_sql()): -1. */
int crm_done(struct crm_stmt *st);

/*
 * Run sql once with parameters given by types, one letter each: 'i' an
 * int64_t, 'd' an int, 't' a const char * (NULL binds NULL), 'n' NULL
 * (no argument), 'v' a const struct crm_val * (record.h).
 *
 * crm_run() is for statements without rows: it returns the rows changed,
 * or -1.  crm_get_int() and crm_get_text() read column 0 of the first
 * row into *v (text appended to the buffer): 1 when there was a row, 0
 * when none (*v untouched), -1 on failure.
 */
int64_t crm_run(struct crm_db *db, const char *what, struct crm_err *err,
	const char *sql, const char *types, ...);
int crm_get_int(struct crm_db *db, const char *what, struct crm_err *err,
	int64_t *v, const char *sql, const char *types, ...);
int crm_get_text(struct crm_db *db, const char *what, struct crm_err *err,
	struct crm_buf *v, const char *sql, const char *types, ...);

/*
 * The id of the row of table whose column equals text: 1 and *id when
 * one has it (the first of several), 0 when none, -1 on failure.  table
 * and column are crm's own names (entity.h), never a user's text.
 */
int crm_find_id(struct crm_db *db, const char *table, const char *column,
	const char *text, int64_t *id, struct crm_err *err);

/*
 * Rows appended to a table in bulk, for the tables crm fills for itself
 * (an import's notes, the search index): crm_load_begin() names the
 * table and its columns ("key, line"), each row is that many values in
 * turn, crm_load_end() ends the load and frees it.  A backend that can
 * streams the rows (PostgreSQL's COPY: one round trip, where an INSERT
 * each is one per row); SQLite runs one prepared INSERT a row.  A bad
 * row may be reported only at crm_load_end(), and fails the command:
 * 0, or -1 with err set (the first failure; later calls do nothing).
 * crm_db_streams() says whether loads stream: where they do, a job of
 * many one-row statements is better done as a load and set-based SQL;
 * where they do not, the statements cost no round trip.
 */
struct crm_load;
int crm_db_streams(struct crm_db *db);
struct crm_load *crm_load_begin(struct crm_db *db, const char *table,
	const char *columns, int ncols, struct crm_err *err);
void crm_load_int(struct crm_load *ld, int64_t v);
void crm_load_real(struct crm_load *ld, double v);
void crm_load_text(struct crm_load *ld, const char *s, size_t n);
int crm_load_end(struct crm_load *ld);

/* Run statements with no parameters and no rows (schema, settings). */
int crm_db_exec(struct crm_db *db, const char *sql, struct crm_err *err);

/* ---- transactions -------------------------------------------------------
 *
 * One write transaction per command: crm_db_begin() takes the write lock
 * up front (waiting up to the busy timeout), commit makes it durable,
 * rollback undoes it (safe to call when none is open).  A savepoint
 * makes part of one undoable on its own (an import's row).
 */
int crm_db_begin(struct crm_db *db, struct crm_err *err);
int crm_db_commit(struct crm_db *db, struct crm_err *err);
void crm_db_rollback(struct crm_db *db);
int crm_db_in_transaction(struct crm_db *db);

/* A read-only transaction that sees one moment of the database
 * throughout (a copy, a backup); end it with crm_db_rollback(). */
int crm_db_begin_read(struct crm_db *db, struct crm_err *err);

enum crm_savepoint { CRM_SP_BEGIN, CRM_SP_RELEASE, CRM_SP_UNDO };
int crm_db_savepoint(struct crm_db *db, const char *name,
	enum crm_savepoint op, struct crm_err *err);

/* The schema version of the open database. */
int crm_db_version(struct crm_db *db);
int crm_db_set_version(struct crm_db *db, int v, struct crm_err *err);

/* Run a query returning one integer; def when it returns no row or
 * fails (for counts in messages and statistics). */
long long crm_db_int(struct crm_db *db, const char *sql, long long def);

/*
 * A text function SQL may call as name(text): NULL in, NULL out; else
 * fn appends the result for the n bytes at s.  Registered on every
 * connection crm opens (crm_fold, crm_digest, the duplicate keys).
 */
typedef void crm_text_fn(const char *s, size_t n, struct crm_buf *out);
int crm_db_function(struct crm_db *db, const char *name, crm_text_fn *fn,
	struct crm_err *err);

/*
 * Check the database's own structure, as its backend knows it (SQLite's
 * integrity and foreign key checks; a server's references, looked up
 * from its catalog, and its invalid indexes).  Each
 * problem found goes to fn as a kind ("integrity", "foreign-key") and a
 * line of text.  0, or -1 when the check could not run.
 */
typedef void crm_problem_fn(void *arg, const char *kind, const char *text);
int crm_db_check(struct crm_db *db, crm_problem_fn *fn, void *arg,
	struct crm_err *err);
/* The same, of the structure alone, in a fraction of the time: every
 * page, record and count of the B-trees, not each index entry against
 * its row, nor references (SQLite's quick_check; a backend without one
 * runs crm_db_check()). */
int crm_db_check_quick(struct crm_db *db, crm_problem_fn *fn, void *arg,
	struct crm_err *err);

/*
 * Ids up to the highest in table are taken: the next record added gets
 * a higher one.  After rows were written with their ids (a copy).
 */
int crm_db_ids_taken(struct crm_db *db, const char *table,
	struct crm_err *err);

/*
 * A temporary table name of this connection, made if missing and
 * emptied if not, with columns as SQL ("key TEXT PRIMARY KEY, line
 * BIGINT NOT NULL"), kept as suits a table looked up by its key.  Named
 * without a schema afterwards: a temporary table comes first on both.
 */
int crm_db_temp_table(struct crm_db *db, const char *name,
	const char *columns, struct crm_err *err);

/* The bytes the database takes on disk; -1 if unknown. */
int64_t crm_db_size(struct crm_db *db);

/*
 * A backup's image and a restore's (SPEC 9): crm_db_image() writes the
 * whole database, as one moment of it, to a new SQLite file at path (an
 * empty file there is taken); crm_db_replace() puts the crm SQLite file
 * at path in place of the database's content, in one transaction.  1
 * when done, -1 on failure, 0 when the backend has no such file (a
 * server): the caller copies the records instead (copy.h), which comes
 * to the same, more slowly.
 */
int crm_db_image(struct crm_db *db, const char *path, struct crm_err *err);
int crm_db_replace(struct crm_db *db, const char *path, struct crm_err *err);

/*
 * A new database at path made of such a file, the file moved there, not
 * copied (a restore to a new SQLite file: one rename).
 * crm_db_install_dir() appends the folder to write the file in for that
 * (made if missing): 1, or 0 where path's backend makes no database of
 * a file, -1 on failure.  crm_db_install(): 1 when done, 0 when it
 * cannot be done so (a database at path already, another file system:
 * make it and crm_db_replace() instead), -1 on failure.
 */
int crm_db_install_dir(const char *path, struct crm_buf *out,
	struct crm_err *err);
int crm_db_install(const char *path, const char *image, struct crm_err *err);

/*
 * Bulk mode for a large import: the driver gives the transaction the
 * memory and settings a write of many rows runs best with (1), or
 * those of a command again (0).
 */
void crm_db_bulk(struct crm_db *db, int on);

#endif
