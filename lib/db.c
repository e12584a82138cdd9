#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "driver.h"
#include "record.h"
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

/* ---- statements --------------------------------------------------------- */

/* Free what crm_bind_copy() kept. */
static void
drop_copies(struct crm_stmt *st)
{
	size_t i;

	for (i = 0; i < st->ncopies; i++)
		free(st->copies[i]);
	st->ncopies = 0;
}

static void
stmt_free(struct crm_stmt *st)
{
	if (!st)
		return;
	if (st->ds)
		st->db->drv->finalize(st);
	drop_copies(st);
	free(st->copies);
	free(st->sql);
	free(st);
}

/*
 * What a statement is looked up by before its text: its length and
 * FNV-1a of its head and tail, which tell apart the statements one
 * command runs; equal ones are then compared whole (memcmp, fast).
 */
static uint64_t
sql_hash(const char *sql, size_t len)
{
	uint64_t h = 14695981039346656037ULL ^ len;
	size_t i;

	for (i = 0; i < len && i < 48; i++) {
		h ^= (unsigned char)sql[i];
		h *= 1099511628211ULL;
	}
	for (i = len > 96 ? len - 48 : 48; i < len; i++) {
		h ^= (unsigned char)sql[i];
		h *= 1099511628211ULL;
	}
	return h;
}

struct crm_stmt *
crm_sql(struct crm_db *db, const char *what, const char *sql,
	struct crm_err *err)
{
	struct crm_stmt *st;
	size_t len = strlen(sql);
	uint64_t h = sql_hash(sql, len);
	unsigned i;

	for (i = 0; i < db->ncache; i++) {
		st = db->cache[i];
		if (st->hash == h && !memcmp(st->sql, sql, len + 1))
			goto found;
	}
	st = crm_xcalloc(1, sizeof(*st));
	st->db = db;
	st->sql = crm_strdup(sql);
	st->hash = h;
	st->err = err;
	st->what = what ? what : "database error";
	if (db->drv->prepare(st) < 0) {
		stmt_free(st);
		return NULL;
	}
	/* Full: replace the entries in turn, passing over any still
	 * stepping through rows. */
	if (db->ncache < CRM_DB_CACHE) {
		i = db->ncache++;
	} else {
		do
			i = db->next++ % CRM_DB_CACHE;
		while (db->drv->busy(db->cache[i]));
		stmt_free(db->cache[i]);
	}
	db->cache[i] = st;
found:
	st->err = err;
	st->what = what ? what : "database error";
	st->failed = 0;
	st->changes = 0;
	st->many = 0;
	return st;
}

void
crm_stmt_many(struct crm_stmt *st)
{
	if (st)
		st->many = 1;
}

static void
bind(struct crm_stmt *st, int i, enum crm_kind k, int64_t iv, double rv,
	const char *s, size_t n)
{
	if (!st || st->failed)
		return;
	if (st->db->drv->bind(st, i, k, iv, rv, s, n) < 0)
		st->failed = 1;
}

void
crm_bind_int(struct crm_stmt *st, int i, int64_t v)
{
	bind(st, i, CRM_INT, v, 0, NULL, 0);
}

void
crm_bind_real(struct crm_stmt *st, int i, double v)
{
	bind(st, i, CRM_REAL, 0, v, NULL, 0);
}

void
crm_bind_text(struct crm_stmt *st, int i, const char *s)
{
	if (s)
		bind(st, i, CRM_TEXT, 0, 0, s, strlen(s));
	else
		bind(st, i, CRM_NULL, 0, 0, NULL, 0);
}

void
crm_bind_textn(struct crm_stmt *st, int i, const char *s, size_t n)
{
	bind(st, i, s ? CRM_TEXT : CRM_NULL, 0, 0, s, n);
}

void
crm_bind_null(struct crm_stmt *st, int i)
{
	bind(st, i, CRM_NULL, 0, 0, NULL, 0);
}

void
crm_bind_copy(struct crm_stmt *st, int i, const char *s, size_t n)
{
	char *c;

	if (!st || st->failed)
		return;
	c = crm_xmalloc(n + 1);
	memcpy(c, s, n);
	c[n] = '\0';
	st->copies = crm_xrealloc(st->copies,
		(st->ncopies + 1) * sizeof(*st->copies));
	st->copies[st->ncopies++] = c;
	crm_bind_textn(st, i, c, n);
}


void
crm_bind_val(struct crm_stmt *st, int i, const struct crm_val *v)
{
	switch (v->kind) {
	case CRM_INT:
		crm_bind_int(st, i, v->i);
		break;
	case CRM_TEXT:
		crm_bind_textn(st, i, v->s.buf ? v->s.buf : "", v->s.len);
		break;
	default:
		crm_bind_null(st, i);
	}
}

int
crm_stmt_params(struct crm_stmt *st)
{
	return st ? st->db->drv->params(st) : 0;
}

int
crm_step(struct crm_stmt *st)
{
	int r;

	if (!st || st->failed)
		return -1;
	r = st->db->drv->step(st);
	if (r < 0)
		st->failed = 1;
	return r;
}

enum crm_kind
crm_col_kind(struct crm_stmt *st, int i)
{
	return st->db->drv->col_kind(st, i);
}

int64_t
crm_col_int(struct crm_stmt *st, int i)
{
	return st->db->drv->col_int(st, i);
}

double
crm_col_real(struct crm_stmt *st, int i)
{
	return st->db->drv->col_real(st, i);
}

const char *
crm_col_text(struct crm_stmt *st, int i)
{
	return st->db->drv->col_text(st, i);
}

size_t
crm_col_len(struct crm_stmt *st, int i)
{
	return st->db->drv->col_len(st, i);
}

int
crm_col_count(struct crm_stmt *st)
{
	return st->db->drv->col_count(st);
}

const char *
crm_col_name(struct crm_stmt *st, int i)
{
	return st->db->drv->col_name(st, i);
}

int64_t
crm_stmt_changes(struct crm_stmt *st)
{
	return st ? st->changes : 0;
}

int
crm_done(struct crm_stmt *st)
{
	if (!st)
		return -1;
	st->db->drv->reset(st);
	drop_copies(st);
	return st->failed ? -1 : 0;
}

/* Bind the parameters types describes from ap (see crm_run()). */
static void
bind_args(struct crm_stmt *st, const char *types, va_list ap)
{
	const char *s;
	int i;

	for (i = 1; types && *types; types++, i++) {
		switch (*types) {
		case 'i':
			crm_bind_int(st, i, va_arg(ap, int64_t));
			break;
		case 'd':
			crm_bind_int(st, i, va_arg(ap, int));
			break;
		case 't':
			s = va_arg(ap, const char *);
			crm_bind_text(st, i, s);
			break;
		case 'n':
			crm_bind_null(st, i);
			break;
		case 'v':
			crm_bind_val(st, i, va_arg(ap, const struct crm_val *));
			break;
		default:
			abort();
		}
	}
}

int
crm_db_streams(struct crm_db *db)
{
	return db->drv->load_begin != NULL;
}

struct crm_load *
crm_load_begin(struct crm_db *db, const char *table, const char *columns,
	int ncols, struct crm_err *err)
{
	struct crm_load *ld = crm_xcalloc(1, sizeof(*ld));
	struct crm_buf sql = CRM_BUF_INIT;
	int i;

	ld->db = db;
	ld->err = err;
	ld->ncols = ncols;
	crm_buf_init(&ld->rows);
	if (db->drv->load_begin) {
		ld->failed = db->drv->load_begin(ld, table, columns) < 0;
		return ld;
	}
	crm_buf_adds(&sql, "INSERT INTO ");
	crm_sql_ident(&sql, table);
	crm_buf_addf(&sql, " (%s) VALUES (", columns);
	for (i = 1; i <= ncols; i++)
		crm_buf_addf(&sql, "%s?%d", i > 1 ? ", " : "", i);
	crm_buf_addch(&sql, ')');
	ld->sql = crm_buf_detach(&sql);
	ld->st = crm_sql(db, "cannot write", ld->sql, err);
	ld->failed = !ld->st;
	return ld;
}

static void
load_value(struct crm_load *ld, enum crm_kind k, int64_t iv, double rv,
	const char *s, size_t n)
{
	int last = ++ld->col == ld->ncols;

	if (ld->failed)
		goto out;
	if (ld->db->drv->load_value) {
		ld->failed = ld->db->drv->load_value(ld, k, iv, rv, s, n,
			last) < 0;
		goto out;
	}
	if (k == CRM_INT)
		crm_bind_int(ld->st, ld->col, iv);
	else if (k == CRM_REAL)
		crm_bind_real(ld->st, ld->col, rv);
	else if (k == CRM_TEXT)
		crm_bind_textn(ld->st, ld->col, s, n);
	else
		crm_bind_null(ld->st, ld->col);
	if (last) {
		crm_step(ld->st);
		if (crm_done(ld->st) < 0)
			ld->failed = 1;
		else
			ld->st = crm_sql(ld->db, "cannot write", ld->sql,
				ld->err);
	}
out:
	if (last)
		ld->col = 0;
}

void
crm_load_int(struct crm_load *ld, int64_t v)
{
	load_value(ld, CRM_INT, v, 0, NULL, 0);
}

void
crm_load_real(struct crm_load *ld, double v)
{
	load_value(ld, CRM_REAL, 0, v, NULL, 0);
}

void
crm_load_text(struct crm_load *ld, const char *s, size_t n)
{
	load_value(ld, s ? CRM_TEXT : CRM_NULL, 0, 0, s, n);
}

int
crm_load_end(struct crm_load *ld)
{
	int r = ld->failed ? -1 : 0;

	if (ld->db->drv->load_end && ld->db->drv->load_end(ld, !ld->failed) < 0)
		r = -1;
	else if (ld->st && !ld->failed && crm_done(ld->st) < 0)
		r = -1;
	crm_buf_release(&ld->rows);
	free(ld->sql);
	free(ld);
	return r;
}

int64_t
crm_run(struct crm_db *db, const char *what, struct crm_err *err,
	const char *sql, const char *types, ...)
{
	struct crm_stmt *st = crm_sql(db, what, sql, err);
	va_list ap;
	int64_t n;

	va_start(ap, types);
	bind_args(st, types, ap);
	va_end(ap);
	while (crm_step(st) > 0)
		;
	n = crm_stmt_changes(st);
	return crm_done(st) < 0 ? -1 : n;
}

int
crm_get_int(struct crm_db *db, const char *what, struct crm_err *err,
	int64_t *v, const char *sql, const char *types, ...)
{
	struct crm_stmt *st = crm_sql(db, what, sql, err);
	va_list ap;
	int r;

	va_start(ap, types);
	bind_args(st, types, ap);
	va_end(ap);
	r = crm_step(st);
	if (r > 0)
		*v = crm_col_int(st, 0);
	return crm_done(st) < 0 ? -1 : r;
}

int
crm_get_text(struct crm_db *db, const char *what, struct crm_err *err,
	struct crm_buf *v, const char *sql, const char *types, ...)
{
	struct crm_stmt *st = crm_sql(db, what, sql, err);
	va_list ap;
	int r;

	va_start(ap, types);
	bind_args(st, types, ap);
	va_end(ap);
	r = crm_step(st);
	if (r > 0 && crm_col_kind(st, 0) != CRM_NULL)
		crm_buf_add(v, crm_col_text(st, 0), crm_col_len(st, 0));
	return crm_done(st) < 0 ? -1 : r;
}

int
crm_find_id(struct crm_db *db, const char *table, const char *column,
	const char *text, int64_t *id, struct crm_err *err)
{
	struct crm_buf sql = CRM_BUF_INIT;
	int r;

	crm_buf_adds(&sql, "SELECT id FROM ");
	crm_sql_ident(&sql, table);
	crm_buf_adds(&sql, " WHERE ");
	crm_sql_ident(&sql, column);
	crm_buf_adds(&sql, " = ?1 ORDER BY id LIMIT 1");
	r = crm_get_int(db, "cannot look up a record", err, id, sql.buf, "t",
		text);
	crm_buf_release(&sql);
	return r;
}

int
crm_db_exec(struct crm_db *db, const char *sql, struct crm_err *err)
{
	return db->drv->exec(db, sql, err);
}

/* ---- transactions ------------------------------------------------------- */

int
crm_db_begin(struct crm_db *db, struct crm_err *err)
{
	return db->drv->begin(db, err);
}

int
crm_db_commit(struct crm_db *db, struct crm_err *err)
{
	/* What the write changed in customers goes into the search index
	 * in the same transaction (search.h). */
	if (crm_search_fold(db, err) < 0)
		return -1;
	return db->drv->commit(db, err);
}

void
crm_db_rollback(struct crm_db *db)
{
	if (db->drv)
		db->drv->rollback(db);
}

int
crm_db_in_transaction(struct crm_db *db)
{
	return db->drv && db->drv->in_transaction(db);
}

int
crm_db_begin_read(struct crm_db *db, struct crm_err *err)
{
	return db->drv->begin_read(db, err);
}

int
crm_db_ids_taken(struct crm_db *db, const char *table, struct crm_err *err)
{
	return db->drv->ids_taken(db, table, err);
}

int
crm_db_savepoint(struct crm_db *db, const char *name, enum crm_savepoint op,
	struct crm_err *err)
{
	static const char *const verb[] = {
		[CRM_SP_BEGIN] = "SAVEPOINT ",
		[CRM_SP_RELEASE] = "RELEASE SAVEPOINT ",
		[CRM_SP_UNDO] = "ROLLBACK TO SAVEPOINT ",
	};
	struct crm_buf sql = CRM_BUF_INIT;
	int r;

	crm_buf_adds(&sql, verb[op]);
	crm_sql_ident(&sql, name);
	r = crm_run(db, NULL, err, sql.buf, NULL) < 0 ? -1 : 0;
	crm_buf_release(&sql);
	return r;
}

long long
crm_db_int(struct crm_db *db, const char *sql, long long def)
{
	struct crm_err err = CRM_ERR_INIT;
	int64_t v = def;

	crm_get_int(db, NULL, &err, &v, sql, NULL);
	crm_err_release(&err);
	return v;
}

int
crm_db_version(struct crm_db *db)
{
	struct crm_err err = CRM_ERR_INIT;
	int v = db->drv->version(db, &err);

	crm_err_release(&err);
	return v;
}

int
crm_db_set_version(struct crm_db *db, int v, struct crm_err *err)
{
	return db->drv->set_version(db, v, err);
}

int
crm_db_function(struct crm_db *db, const char *name, crm_text_fn *fn,
	struct crm_err *err)
{
	return db->drv->function(db, name, fn, err);
}

int
crm_db_check(struct crm_db *db, crm_problem_fn *fn, void *arg,
	struct crm_err *err)
{
	return db->drv->check(db, fn, arg, err);
}

int
crm_db_check_quick(struct crm_db *db, crm_problem_fn *fn, void *arg,
	struct crm_err *err)
{
	if (!db->drv->check_quick)
		return crm_db_check(db, fn, arg, err);
	return db->drv->check_quick(db, fn, arg, err);
}

int
crm_db_temp_table(struct crm_db *db, const char *name, const char *columns,
	struct crm_err *err)
{
	return db->drv->temp_table(db, name, columns, err);
}

int64_t
crm_db_size(struct crm_db *db)
{
	return db->drv->size(db);
}

int
crm_db_image(struct crm_db *db, const char *path, struct crm_err *err)
{
	if (!db->drv->image)
		return 0;
	return db->drv->image(db, path, err) < 0 ? -1 : 1;
}

int
crm_db_replace(struct crm_db *db, const char *path, struct crm_err *err)
{
	if (!db->drv->replace)
		return 0;
	return db->drv->replace(db, path, err) < 0 ? -1 : 1;
}

static const struct crm_driver *driver_for(const char *path,
	struct crm_err *err);

int
crm_db_install_dir(const char *path, struct crm_buf *out,
	struct crm_err *err)
{
	const struct crm_driver *drv = driver_for(path, err);

	if (!drv || !drv->install_dir)
		return 0;
	return drv->install_dir(path, out, err) < 0 ? -1 : 1;
}

int
crm_db_install(const char *path, const char *image, struct crm_err *err)
{
	const struct crm_driver *drv = driver_for(path, err);

	if (!drv || !drv->install)
		return 0;
	return drv->install(path, image, err);
}

void
crm_db_bulk(struct crm_db *db, int on)
{
	db->drv->bulk(db, on);
}

void
crm_db_libraries(struct crm_buf *out)
{
	crm_sqlite_driver.library(out);
	crm_pg_driver.library(out);
}

const char *
crm_db_backend(const struct crm_db *db)
{
	return db->drv ? db->drv->name : "none";
}

const char *
crm_db_name(const struct crm_db *db)
{
	static struct crm_buf name = CRM_BUF_INIT;

	crm_buf_reset(&name);
	if (db->drv)
		db->drv->name_of(db->path, &name);
	else if (db->path)
		crm_buf_adds(&name, db->path);
	return name.buf ? name.buf : "";
}

/* ---- opening ------------------------------------------------------------ */

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

/* The driver for path: a libpq URI is PostgreSQL's, anything else is an
 * SQLite file (SPEC 10). */
static const struct crm_driver *
driver_for(const char *path, struct crm_err *err)
{
	(void)err;
	if (!strncmp(path, "postgresql://", 13) ||
	    !strncmp(path, "postgres://", 11))
		return &crm_pg_driver;
	return &crm_sqlite_driver;
}

int
crm_db_open(struct crm_db *db, const char *path, unsigned flags,
	struct crm_err *err)
{
	int v, ms;

	memset(db, 0, sizeof(*db));
	if (busy_timeout(&ms, err) < 0)
		return -1;
	if (!(db->drv = driver_for(path, err)))
		return -1;
	db->path = crm_strdup(path);
	db->readonly = !!(flags & CRM_DB_READ);
	if (db->drv->open(db, flags, ms, err) < 0) {
		free(db->path);
		memset(db, 0, sizeof(*db));
		return -1;
	}
	if (crm_db_function(db, "crm_fold", crm_text_fold, err) < 0 ||
	    crm_db_function(db, "crm_digest", crm_text_digest, err) < 0)
		goto fail;
	v = db->drv->version(db, err);
	if (v < 0)
		goto fail;
	if (v > crm_schema_latest()) {
		crm_err_set(err, CRM_EX_CONFIG,
			"database '%s' has schema %d, newer than this "
			"binary's %d: upgrade crm", crm_db_name(db), v,
			crm_schema_latest());
		goto fail;
	}
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

	if (!db->drv)
		return;
	db->closing = 1;
	for (i = 0; i < db->ncache; i++)
		stmt_free(db->cache[i]);
	db->ncache = db->next = 0;
	crm_db_rollback(db);
	db->drv->close(db);
	free(db->path);
	db->path = NULL;
	db->conn = NULL;
	db->drv = NULL;
	db->closing = 0;
}
