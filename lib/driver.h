/*
 * driver.h - what a storage backend provides to db.c (private to db.c
 * and the drivers: nothing else includes this).
 *
 * A driver is a table of functions, as Dovecot's lib-sql has one per
 * backend: db.c checks and sequences, the driver talks to its database.
 * Statements reach a driver as the portable SQL db.h describes; a driver
 * whose database spells something else (PostgreSQL's $1 for ?1)
 * rewrites it when it prepares.  What cannot be written portably at all
 * is a named operation here, not a second copy of a statement.
 */
#ifndef CRM_DRIVER_H
#define CRM_DRIVER_H

#include "db.h"
#include "search.h"

/* A statement: db.c's part, and the driver's behind ds. */
struct crm_stmt {
	struct crm_db *db;
	char *sql;		/* owned: the SQL, the cache key */
	uint64_t hash;		/* of sql, checked before it */
	struct crm_err *err;	/* this use's */
	const char *what;	/* this use's error context */
	int failed;		/* this use failed */
	int64_t changes;	/* rows the last finished step changed */
	int many;		/* this use may read many rows (db.h) */
	char **copies;		/* owned: text bound by crm_bind_copy() */
	size_t ncopies;
	void *ds;		/* the driver's statement */
};

/* A load (db.h): db.c's part; a driver that streams keeps its rows'
 * text in rows. */
struct crm_load {
	struct crm_db *db;
	struct crm_err *err;
	struct crm_stmt *st;	/* the INSERT, without a stream */
	char *sql;		/* owned: its SQL */
	struct crm_buf rows;	/* the stream's rows not yet sent */
	int ncols, col;		/* values a row; the next one's column */
	int failed;
};

struct crm_driver {
	const char *name;

	/* Open or create (CRM_DB_CREATE) db->path with the busy timeout
	 * ms; set db->conn.  Checks that it is crm's and of a schema this
	 * binary knows is left to db.c. */
	int (*open)(struct crm_db *db, unsigned flags, int ms,
		struct crm_err *err);
	void (*close)(struct crm_db *db);
	/* Append the library's name and version, one line. */
	void (*library)(struct crm_buf *out);
	/* Write a path or URI as a message may show it. */
	void (*name_of)(const char *path, struct crm_buf *out);

	/* A load streamed (NULL: one INSERT a row): begin it into table
	 * (columns), add a value (NULL s and kind CRM_NULL for NULL) and
	 * the row's end, finish it (ok 0: give it up).  0 or -1 with
	 * ld->err set. */
	int (*load_begin)(struct crm_load *ld, const char *table,
		const char *columns);
	int (*load_value)(struct crm_load *ld, enum crm_kind k, int64_t iv,
		double rv, const char *s, size_t n, int last);
	int (*load_end)(struct crm_load *ld, int ok);

	/* Prepare st->sql into st->ds; -1 with st->err set. */
	int (*prepare)(struct crm_stmt *st);
	void (*finalize)(struct crm_stmt *st);
	/* Is st between its first row and its end (not to be reused)? */
	int (*busy)(struct crm_stmt *st);
	/* Bind parameter i as kind k from iv, rv or s with n bytes; 0 or
	 * -1 with st->err set. */
	int (*bind)(struct crm_stmt *st, int i, enum crm_kind k, int64_t iv,
		double rv, const char *s, size_t n);
	int (*params)(struct crm_stmt *st);
	/* 1 row, 0 done (st->changes set), -1 with st->err set. */
	int (*step)(struct crm_stmt *st);
	/* Forget rows and bindings: ready for the next use. */
	void (*reset)(struct crm_stmt *st);
	enum crm_kind (*col_kind)(struct crm_stmt *st, int i);
	int64_t (*col_int)(struct crm_stmt *st, int i);
	double (*col_real)(struct crm_stmt *st, int i);
	const char *(*col_text)(struct crm_stmt *st, int i);
	size_t (*col_len)(struct crm_stmt *st, int i);
	int (*col_count)(struct crm_stmt *st);
	const char *(*col_name)(struct crm_stmt *st, int i);

	int (*exec)(struct crm_db *db, const char *sql, struct crm_err *err);
	int (*begin)(struct crm_db *db, struct crm_err *err);
	int (*commit)(struct crm_db *db, struct crm_err *err);
	void (*rollback)(struct crm_db *db);
	int (*in_transaction)(struct crm_db *db);
	int (*begin_read)(struct crm_db *db, struct crm_err *err);
	int (*ids_taken)(struct crm_db *db, const char *table,
		struct crm_err *err);

	/* The schema version; -1 when it cannot be read (err set). */
	int (*version)(struct crm_db *db, struct crm_err *err);
	int (*set_version)(struct crm_db *db, int v, struct crm_err *err);
	/* Bring the schema from version from to to, inside the caller's
	 * transaction (schema.c sets the version). */
	int (*migrate)(struct crm_db *db, int from, int to,
		struct crm_err *err);
	int (*function)(struct crm_db *db, const char *name, crm_text_fn *fn,
		struct crm_err *err);
	void (*bulk)(struct crm_db *db, int on);
	int (*check)(struct crm_db *db, crm_problem_fn *fn, void *arg,
		struct crm_err *err);
	int (*check_quick)(struct crm_db *db, crm_problem_fn *fn, void *arg,
		struct crm_err *err);
	int64_t (*size)(struct crm_db *db);
	int (*temp_table)(struct crm_db *db, const char *name,
		const char *columns, struct crm_err *err);
	/* The whole database at one moment as a new SQLite file at path,
	 * and the database replaced by such a file in one transaction
	 * (db.h: crm_db_image, crm_db_replace); NULL where the backend
	 * has no such file. */
	int (*image)(struct crm_db *db, const char *path,
		struct crm_err *err);
	int (*replace)(struct crm_db *db, const char *path,
		struct crm_err *err);
	/* A new database at path made of such a file, moved there
	 * (db.h: crm_db_install_dir, crm_db_install); NULL where the
	 * backend makes none of a file. */
	int (*install_dir)(const char *path, struct crm_buf *out,
		struct crm_err *err);
	int (*install)(const char *path, const char *image,
		struct crm_err *err);

	/* The search index (search.h): fold search_dirty's notes into
	 * it; compare it with the customers (and with repair rebuild it);
	 * set a table's triggers and indexes aside for a bulk write (what
	 * puts them back goes into h); the records of a batch out of it
	 * or into it; the condition of a search and its parameters. */
	int (*search_fold)(struct crm_db *db, struct crm_err *err);
	int (*search_verify)(struct crm_db *db, int repair, int *wrong,
		struct crm_err *err);
	int (*search_suspend)(struct crm_db *db, const char *table,
		int indexes, struct crm_search_hold *h, struct crm_err *err);
	int (*search_batch)(struct crm_db *db, const struct crm_entity *e,
		int64_t batch, enum crm_search_rows what,
		struct crm_err *err);
	int (*search_where)(struct crm_buf *sql, const char *col, int param);
	void (*search_bind)(struct crm_stmt *st, int param, const char *text);
};

extern const struct crm_driver crm_sqlite_driver;
int crm_sqlite_migrate(struct crm_db *db, int from, int to,
	struct crm_err *err);
int crm_sqlite_search_fold(struct crm_db *db, struct crm_err *err);
int crm_sqlite_search_verify(struct crm_db *db, int repair, int *wrong,
	struct crm_err *err);
int crm_sqlite_search_suspend(struct crm_db *db, const char *table,
	int indexes, struct crm_search_hold *h, struct crm_err *err);
int crm_sqlite_search_batch(struct crm_db *db, const struct crm_entity *e,
	int64_t batch, enum crm_search_rows what, struct crm_err *err);
int crm_sqlite_image(struct crm_db *db, const char *path,
	struct crm_err *err);
int crm_sqlite_replace(struct crm_db *db, const char *path,
	struct crm_err *err);
int crm_sqlite_install_dir(const char *path, struct crm_buf *out,
	struct crm_err *err);
int crm_sqlite_install(const char *path, const char *image,
	struct crm_err *err);
int crm_sqlite_search_where(struct crm_buf *sql, const char *col,
	int param);
void crm_sqlite_search_bind(struct crm_stmt *st, int param,
	const char *text);
extern const struct crm_driver crm_pg_driver;
int crm_pg_migrate(struct crm_db *db, int from, int to, struct crm_err *err);
int crm_pg_check(struct crm_db *db, crm_problem_fn *fn, void *arg,
	struct crm_err *err);
int crm_pg_search_fold(struct crm_db *db, struct crm_err *err);
int crm_pg_search_verify(struct crm_db *db, int repair, int *wrong,
	struct crm_err *err);
int crm_pg_search_suspend(struct crm_db *db, const char *table,
	int indexes, struct crm_search_hold *h, struct crm_err *err);
int crm_pg_search_batch(struct crm_db *db, const struct crm_entity *e,
	int64_t batch, enum crm_search_rows what, struct crm_err *err);
int crm_pg_search_where(struct crm_buf *sql, const char *col, int param);
void crm_pg_search_bind(struct crm_stmt *st, int param, const char *text);

#endif
