/*
 * db-sqlite-image.c - the SQLite driver's whole-database operations, for
 * a backup and a restore (SPEC 9): the database at one moment copied
 * into a new file, and the database replaced by such a file.
 *
 * Both are SQLite's online backup API run in a single step.  The copy
 * reads one snapshot: under WAL the writers go on meanwhile and are not
 * waited for, and a single step never restarts on their commits (the
 * restarts that make a backup in many small steps never finish under a
 * steady writer).  The replacement is one write transaction on the
 * database: its readers see the old database or the new, and a crash
 * leaves one or the other.  Pages are copied as they are: no row is
 * read or written, no index built.
 */
#include <errno.h>
#include <sqlite3.h>
#include <string.h>
#include <unistd.h>

#include "db.h"
#include "driver.h"
#include "outfile.h"
#include "sqlite-compat.h"
#include "banned.h"

/* from's main database into to's, in one step.  A lock held elsewhere
 * is waited for through to's busy handler; SQLITE_LOCKED (a writer on
 * the source's own connection) cannot happen: crm has one. */
static int
copy_pages(sqlite3 *to, sqlite3 *from, const char *what,
	struct crm_err *err)
{
	sqlite3_backup *b;
	int rc, fin;

	b = sqlite3_backup_init(to, "main", from, "main");
	if (!b)
		return crm_err_set(err, CRM_EX_SOFTWARE, "%s: %s", what,
			sqlite3_errmsg(to));
	rc = sqlite3_backup_step(b, -1);
	fin = sqlite3_backup_finish(b);
	if (rc == SQLITE_DONE)
		rc = fin;
	if (rc == SQLITE_OK || rc == SQLITE_DONE)
		return 0;
	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return crm_err_set(err, CRM_EX_TEMPFAIL, "%s: the database "
			"is busy; try again later", what);
	case SQLITE_IOERR:
	case SQLITE_FULL:
		return crm_err_set(err, CRM_EX_IOERR, "%s: %s", what,
			sqlite3_errstr(rc));
	case SQLITE_READONLY:
	case SQLITE_PERM:
	case SQLITE_CANTOPEN:
		return crm_err_set(err, CRM_EX_NOPERM, "%s: %s", what,
			sqlite3_errstr(rc));
	default:
		return crm_err_set(err, CRM_EX_SOFTWARE, "%s: %s", what,
			sqlite3_errstr(rc));
	}
}

/* The copy needs no journal and no sync: a file nobody else knows of
 * yet, fsynced by its user when it is kept. */
int
crm_sqlite_image(struct crm_db *db, const char *path, struct crm_err *err)
{
	sqlite3 *to = NULL;
	int rc, r;

	rc = sqlite3_open_v2(path, &to, SQLITE_OPEN_READWRITE |
		SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		sqlite3_close(to);
		return crm_err_set(err, CRM_EX_CANTCREAT, "cannot create "
			"'%s': %s", path, sqlite3_errstr(rc));
	}
	sqlite3_exec(to, "PRAGMA journal_mode = OFF; "
		"PRAGMA synchronous = OFF", NULL, NULL, NULL);
	r = copy_pages(to, crm_db_sqlite(db), "cannot copy the database",
		err);
	if (sqlite3_close(to) != SQLITE_OK && r == 0)
		r = crm_err_set(err, CRM_EX_IOERR, "cannot write '%s'", path);
	return r;
}

int
crm_sqlite_replace(struct crm_db *db, const char *path, struct crm_err *err)
{
	sqlite3 *from = NULL;
	int rc, r;

	rc = sqlite3_open_v2(path, &from, SQLITE_OPEN_READONLY |
		SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		sqlite3_close(from);
		return crm_err_set(err, CRM_EX_IOERR, "cannot read '%s': %s",
			path, sqlite3_errstr(rc));
	}
	r = copy_pages(crm_db_sqlite(db), from, "cannot replace the "
		"database", err);
	sqlite3_close(from);
	return r;
}

/* The folder of path, made if missing: a link there is a rename. */
int
crm_sqlite_install_dir(const char *path, struct crm_buf *out,
	struct crm_err *err)
{
	if (crm_sqlite_make_parents(path, err) < 0)
		return -1;
	crm_buf_add_dir(out, path);
	return 0;
}

/* link() never replaces: a database made meanwhile is kept, and taken
 * the slower way. */
int
crm_sqlite_install(const char *path, const char *image, struct crm_err *err)
{
	struct crm_buf dir = CRM_BUF_INIT;
	int r = 1;

	if (link(image, path) < 0) {
		if (errno == EEXIST || errno == EXDEV || errno == EPERM)
			return 0;
		return crm_err_set(err, errno == EACCES ? CRM_EX_NOPERM :
			CRM_EX_CANTCREAT, "cannot create database '%s': %s",
			path, strerror(errno));
	}
	crm_buf_add_dir(&dir, path);
	if (crm_sync_dir(dir.buf, err) < 0) {
		unlink(path);
		r = -1;
	}
	crm_buf_release(&dir);
	return r;
}
