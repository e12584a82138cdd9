/*
 * sqlite-compat.h - the SQLite driver's own calls, for its files and for
 * the tests about the SQLite file itself: nothing else includes it.
 */
#ifndef CRM_SQLITE_COMPAT_H
#define CRM_SQLITE_COMPAT_H

#include <sqlite3.h>

#include "db.h"

sqlite3 *crm_db_sqlite(struct crm_db *db);

/* Make the missing folders above path, mode 0700: 0 or -1. */
int crm_sqlite_make_parents(const char *path, struct crm_err *err);

/* For tests: make db a crm_db over the SQLite handle h, opened by hand
 * (no checks, no set-up); release closes h and clears db. */
void crm_db_sqlite_adopt(struct crm_db *db, sqlite3 *h, const char *path);
void crm_db_sqlite_release(struct crm_db *db);
int crm_db_fail(struct crm_db *db, int rc, const char *what,
	struct crm_err *err);
sqlite3_stmt *crm_db_prepare(struct crm_db *db, const char *sql,
	struct crm_err *err);
sqlite3_stmt *crm_db_stmt(struct crm_db *db, const char *sql,
	struct crm_err *err);
void crm_db_put(sqlite3_stmt *st);

/* Register the crm_bigram tokenizer on h.  Returns a SQLite code. */
int crm_search_register(sqlite3 *h);

/* A search as the FTS5 expression the SQLite driver binds. */
int crm_sqlite_search_match(const char *text, struct crm_buf *match,
	struct crm_err *err);


#endif
