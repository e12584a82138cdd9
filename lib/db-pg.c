/*
 * db-pg.c - the PostgreSQL driver: a team's database on a server.
 *
 * Everything that knows libpq is here (loading it, errors, the
 * connection, transactions), in db-pg-stmt.c (statements and loads) and
 * in db-pg-schema.c.  The rest of crm sends the portable SQL db.h
 * describes; this driver writes its ?N parameters as $N when it prepares
 * a statement, sends every value as text (the server casts by the column
 * it meets) and reads results as text.
 *
 * Writers.  SQLite lets one writer at a time in (BEGIN IMMEDIATE), and
 * crm's rules are written for that: the stock check and its decrement,
 * uniqueness checked before a write to name the record that has a value,
 * an import's keys.  On PostgreSQL a write command takes the same one
 * lock, a transaction-level advisory lock, before it reads anything it
 * means to change; readers are never held up (MVCC).  It waits up to the
 * busy timeout (lock_timeout), then fails with CRM_EX_TEMPFAIL, as on
 * SQLite.  Finer locking would let two imports run at once, at the price
 * of rules that hold only with SERIALIZABLE retries; one writer is what
 * a team's CRM traffic needs and what every rule is tested under.
 *
 * Errors map to SPEC 10 by SQLSTATE: unreachable, locked, deadlock or
 * serialization -> CRM_EX_TEMPFAIL; authentication or a grant missing ->
 * CRM_EX_NOPERM; integrity (23xxx) -> CRM_EX_DATAERR; disk full ->
 * CRM_EX_IOERR.  A password in the URI is never shown (crm_db_name()).
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "db-pg-int.h"
#include "record.h"
#include "banned.h"

/*
 * libpq is loaded when a command first opens a PostgreSQL database, not
 * linked: it brings some twenty libraries (TLS, Kerberos, LDAP) whose
 * loading would cost every command, on SQLite too, a third of its time.
 */
struct crm_pq crm_pq;

static const char *const pq_names[] = {
	"PQclear",
	"PQcmdStatus",
	"PQcmdTuples",
	"PQconnectdbParams",
	"PQerrorMessage",
	"PQexec",
	"PQexecPrepared",
	"PQfinish",
	"PQfname",
	"PQgetResult",
	"PQsendQueryParams",
	"PQsendQueryPrepared",
	"PQsendPrepare",
	"PQexecParams",
	"PQpipelineSync",
	"PQexitPipelineMode",
	"PQenterPipelineMode",
	"PQlibVersion",
	"PQftype",
	"PQgetisnull",
	"PQgetlength",
	"PQgetvalue",
	"PQnfields",
	"PQntuples",
	"PQprepare",
	"PQresultErrorField",
	"PQresultStatus",
	"PQsetNoticeProcessor",
	"PQstatus",
	"PQtransactionStatus",
	"PQputCopyData",
	"PQputCopyEnd"
};


_Static_assert(sizeof(crm_pq) == sizeof(pq_names) / sizeof(pq_names[0]) *
	sizeof(void *), "one pointer per name");

/* Load libpq once.  0, or -1 with err set when it is not installed. */
static int
load_libpq(struct crm_err *err)
{
	static int loaded;
	void *h;
	size_t i;

	if (loaded)
		return 0;
	h = dlopen("libpq.so.5", RTLD_NOW | RTLD_LOCAL);
	if (!h)
		return crm_err_set(err, CRM_EX_CONFIG, "cannot use a "
			"PostgreSQL database: libpq.so.5 not found (install "
			"libpq5)");
	for (i = 0; i < sizeof(pq_names) / sizeof(pq_names[0]); i++) {
		void *f = dlsym(h, pq_names[i]);

		if (!f)
			return crm_err_set(err, CRM_EX_CONFIG, "cannot use a "
				"PostgreSQL database: libpq.so.5 has no %s",
				pq_names[i]);
		memcpy((char *)&crm_pq + i * sizeof(void *), &f, sizeof(f));
	}
	loaded = 1;
	return 0;
}

/* The key of crm's write lock: "crm" in ASCII, any number would do as
 * long as every crm binary uses it. */
#define WRITE_LOCK 0x63726dLL


/* ---- errors ------------------------------------------------------------- */

/* The exit code for a SQLSTATE (NULL: the connection failed). */
static int
code_of(const char *state)
{
	if (!state || !strncmp(state, "08", 2) || !strncmp(state, "57P", 3))
		return CRM_EX_TEMPFAIL;
	if (!strcmp(state, "55P03") || !strcmp(state, "40001") ||
	    !strcmp(state, "40P01") || !strcmp(state, "53300"))
		return CRM_EX_TEMPFAIL;
	if (!strncmp(state, "28", 2) || !strcmp(state, "42501") ||
	    !strcmp(state, "25006"))
		return CRM_EX_NOPERM;
	if (!strncmp(state, "23", 2) || !strncmp(state, "22", 2))
		return CRM_EX_DATAERR;
	if (!strcmp(state, "53100") || !strncmp(state, "58", 2))
		return CRM_EX_IOERR;
	return CRM_EX_SOFTWARE;
}

/* Set err from res (or the connection when res is NULL), what as context. */
int
crm_pg_fail(struct crm_db *db, const PGresult *res, const char *what,
	struct crm_err *err)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) :
		NULL;
	const char *msg = res ? PQresultErrorField(res,
		PG_DIAG_MESSAGE_PRIMARY) : NULL;
	struct crm_buf m = CRM_BUF_INIT;
	int code;

	if (!msg)
		msg = PQerrorMessage(C(db)->c);
	crm_buf_adds(&m, msg && *msg ? msg : "unknown error");
	/* libpq's own messages (the server gone: "server closed the
	 * connection unexpectedly" and two lines of hints) may span
	 * lines: the first says why, and an error is one line. */
	if (strchr(m.buf, '\n'))
		crm_buf_setlen(&m, (size_t)(strchr(m.buf, '\n') - m.buf));
	while (m.len && (m.buf[m.len - 1] == '\n' || m.buf[m.len - 1] == ' '))
		crm_buf_setlen(&m, m.len - 1);
	if (!state && PQstatus(C(db)->c) == CONNECTION_OK)
		state = "XX000";
	code = code_of(state);
	if (state && (!strcmp(state, "55P03") || !strcmp(state, "40P01")))
		crm_err_set(err, code, "%s: database is busy, try again "
			"later", what);
	else
		crm_err_set(err, code, "%s: %s", what, m.buf);
	crm_buf_release(&m);
	return -1;
}

/* ---- the connection ----------------------------------------------------- */

static int
pg_exec(struct crm_db *db, const char *sql, struct crm_err *err)
{
	PGresult *res = PQexec(C(db)->c, sql);
	ExecStatusType s = PQresultStatus(res);
	int r = 0;

	if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK)
		r = crm_pg_fail(db, res, "database error", err);
	PQclear(res);
	return r;
}

int
crm_pg_in_transaction(struct crm_db *db)
{
	return C(db) && C(db)->c &&
		PQtransactionStatus(C(db)->c) != PQTRANS_IDLE;
}

static int
pg_begin(struct crm_db *db, struct crm_err *err)
{
	char sql[64];
	PGresult *res;
	int r = 0;

	if (pg_exec(db, "BEGIN", err) < 0)
		return -1;
	snprintf(sql, sizeof(sql), "SELECT pg_advisory_xact_lock(%lld)",
		WRITE_LOCK);
	res = PQexec(C(db)->c, sql);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		r = crm_pg_fail(db, res, "cannot start a transaction", err);
		PQclear(PQexec(C(db)->c, "ROLLBACK"));
	}
	PQclear(res);
	return r;
}

static int
pg_begin_read(struct crm_db *db, struct crm_err *err)
{
	return pg_exec(db, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
		err);
}

/*
 * A record's new id is the highest plus one already (crm_next_id()); an
 * identity column (the import log's rowid) has a sequence, moved past
 * the highest value written.
 */
static int
pg_ids_taken(struct crm_db *db, const char *table, struct crm_err *err)
{
	struct crm_buf sql = CRM_BUF_INIT, col = CRM_BUF_INIT;
	int r;

	r = crm_get_text(db, "cannot read the table's columns", err, &col,
		"SELECT attname FROM pg_attribute\n"
		"WHERE attrelid = CAST(?1 AS regclass) AND attidentity <> ''\n"
		"  AND NOT attisdropped", "t", table);
	if (r <= 0)
		goto out;
	crm_buf_adds(&sql, "SELECT setval(pg_get_serial_sequence(?1, ?2), "
		"COALESCE(max(");
	crm_sql_ident(&sql, col.buf);
	crm_buf_adds(&sql, "), 0) + 1, false) FROM ");
	crm_sql_ident(&sql, table);
	r = crm_run(db, "cannot move the table's sequence on", err, sql.buf,
		"tt", table, col.buf) < 0 ? -1 : 0;
out:
	crm_buf_release(&sql);
	crm_buf_release(&col);
	return r < 0 ? -1 : 0;
}

static int
pg_commit(struct crm_db *db, struct crm_err *err)
{
	PGresult *res = PQexec(C(db)->c, "COMMIT");
	int r = 0;

	/* A transaction that failed inside reports ROLLBACK to COMMIT. */
	if (PQresultStatus(res) != PGRES_COMMAND_OK ||
	    strcmp(PQcmdStatus(res), "COMMIT"))
		r = crm_pg_fail(db, res, "cannot commit", err);
	PQclear(res);
	return r;
}

static void
pg_rollback(struct crm_db *db)
{
	if (crm_pg_in_transaction(db))
		PQclear(PQexec(C(db)->c, "ROLLBACK"));
}

static int
pg_version(struct crm_db *db, struct crm_err *err)
{
	PGresult *res;
	int v = -1;

	/* Read a moment ago, when the connection opened: one round trip
	 * less for every command. */
	if (C(db)->opened_at >= 0) {
		v = C(db)->opened_at;
		C(db)->opened_at = -1;
		return v;
	}
	/* A database without crm_schema is at 0: not crm's (yet). */
	res = PQexec(C(db)->c, "SELECT to_regclass('crm_schema') IS NULL");
	if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1 &&
	    *PQgetvalue(res, 0, 0) == 't') {
		PQclear(res);
		return 0;
	}
	if (PQresultStatus(res) == PGRES_TUPLES_OK) {
		PQclear(res);
		res = PQexec(C(db)->c, "SELECT max(version) FROM crm_schema");
	}
	if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1)
		v = PQgetisnull(res, 0, 0) ? 0 :
			(int)strtol(PQgetvalue(res, 0, 0), NULL, 10);
	else
		crm_pg_fail(db, res, "cannot read the schema version", err);
	PQclear(res);
	return v;
}

/*
 * The session's settings (sql, statements ending in ';') and the schema
 * version, in one round trip: every command opens a connection.  The
 * statements of one message are one transaction, so where crm_schema is
 * missing (42P01: a database crm has not made, version 0) the settings
 * went with the error and are made again.
 */
static int
open_version(struct crm_db *db, struct crm_buf *sql, struct crm_err *err)
{
	size_t n = sql->len;
	PGresult *res;
	const char *state;
	int v = -1;

	crm_buf_adds(sql, "SELECT max(version) FROM crm_schema");
	res = PQexec(C(db)->c, sql->buf);
	crm_buf_setlen(sql, n);
	state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
	if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1)
		v = PQgetisnull(res, 0, 0) ? 0 :
			(int)strtol(PQgetvalue(res, 0, 0), NULL, 10);
	else if (state && !strcmp(state, "42P01"))
		v = pg_exec(db, sql->buf, err) < 0 ? -1 : 0;
	else
		crm_pg_fail(db, res, "cannot read the schema version", err);
	PQclear(res);
	return v;
}

static int
pg_set_version(struct crm_db *db, int v, struct crm_err *err)
{
	return crm_run(db, "cannot set the schema version", err,
		"UPDATE crm_schema SET version = ?1", "d", v) < 0 ? -1 : 0;
}

/* The server has no crm_fold(): its schema defines the functions crm's
 * SQL calls (db-pg-schema.c). */
static int
pg_function(struct crm_db *db, const char *name, crm_text_fn *fn,
	struct crm_err *err)
{
	(void)db;
	(void)name;
	(void)fn;
	(void)err;
	return 0;
}

static void
pg_bulk(struct crm_db *db, int on)
{
	PQclear(PQexec(C(db)->c, on ? "SET work_mem = '64MB'" :
		"RESET work_mem"));
}

static int
pg_temp_table(struct crm_db *db, const char *name, const char *columns,
	struct crm_err *err)
{
	struct crm_buf sql = CRM_BUF_INIT;
	int r;

	crm_buf_adds(&sql, "CREATE TEMP TABLE IF NOT EXISTS ");
	crm_sql_ident(&sql, name);
	crm_buf_addf(&sql, " (%s);\nDELETE FROM pg_temp.", columns);
	crm_sql_ident(&sql, name);
	r = pg_exec(db, sql.buf, err);
	crm_buf_release(&sql);
	return r;
}

static int64_t
pg_size(struct crm_db *db)
{
	return crm_db_int(db, "SELECT pg_database_size(current_database())",
		-1);
}

/* The URI with its password, if any, written as ***. */
static void
pg_name_of(const char *path, struct crm_buf *out)
{
	const char *at, *colon, *p, *host = path;

	if ((p = strstr(path, "://")))
		host = p + 3;
	at = strchr(host, '@');
	colon = at ? memchr(host, ':', (size_t)(at - host)) : NULL;
	if (colon) {
		crm_buf_add(out, path, (size_t)(colon + 1 - path));
		crm_buf_adds(out, "***");
		crm_buf_adds(out, at);
	} else {
		crm_buf_adds(out, path);
	}
	/* A password given as a parameter: ...?password=secret */
	if ((p = strstr(out->buf, "password="))) {
		size_t off = (size_t)(p - out->buf) + 9, end = off;

		while (end < out->len && out->buf[end] != '&')
			end++;
		{
			struct crm_buf tail = CRM_BUF_INIT;

			crm_buf_adds(&tail, out->buf + end);
			crm_buf_setlen(out, off);
			crm_buf_adds(out, "***");
			crm_buf_adds(out, tail.buf ? tail.buf : "");
			crm_buf_release(&tail);
		}
	}
}

/* libpq's version, when it can be loaded: 150018 is 15.18. */
static void
pg_library(struct crm_buf *out)
{
	struct crm_err err = CRM_ERR_INIT;
	int v;

	if (load_libpq(&err) < 0) {
		crm_buf_adds(out, "libpq not installed\n");
	} else {
		v = PQlibVersion();
		crm_buf_addf(out, "libpq %d.%d\n", v / 10000, v % 10000);
	}
	crm_err_release(&err);
}

/*
 * Write *** for each password of the URI in m: libpq's messages about a
 * URI it cannot parse quote it, or the token it stopped at, whole.  The
 * passwords are the userinfo's after its ':' and the value of each
 * password= parameter, as they stand in the URI.
 */
static void
mask_passwords(const char *uri, struct crm_buf *m)
{
	const char *host = strstr(uri, "://"), *at, *colon, *p;
	const char *pw[8];
	size_t pwlen[8], npw = 0, i;

	if (!m->buf)
		return;
	host = host ? host + 3 : uri;
	at = strchr(host, '@');
	colon = at ? memchr(host, ':', (size_t)(at - host)) : NULL;
	if (colon && at > colon + 1) {
		pw[npw] = colon + 1;
		pwlen[npw++] = (size_t)(at - colon - 1);
	}
	for (p = strstr(uri, "password="); p && npw < 8;
	     p = strstr(p, "password=")) {
		p += 9;
		pw[npw] = p;
		pwlen[npw] = strcspn(p, "&");
		if (pwlen[npw])
			npw++;
	}
	for (i = 0; i < npw; i++) {
		struct crm_buf out = CRM_BUF_INIT;
		const char *s = m->buf, *hit;

		while ((hit = memmem(s, strlen(s), pw[i], pwlen[i]))) {
			crm_buf_add(&out, s, (size_t)(hit - s));
			crm_buf_adds(&out, "***");
			s = hit + pwlen[i];
		}
		crm_buf_adds(&out, s);
		crm_buf_setlen(m, 0);
		crm_buf_adds(m, out.buf ? out.buf : "");
		crm_buf_release(&out);
	}
}

static void
ignore_notice(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

/* Does the server's message say who we are was refused? */
static int
auth_refused(const char *msg)
{
	return strstr(msg, "authentication failed") ||
		strstr(msg, "password") ||
		(strstr(msg, "role \"") && strstr(msg, "does not exist")) ||
		strstr(msg, "no pg_hba.conf entry") ||
		strstr(msg, "permission denied");
}

static void
pg_close(struct crm_db *db)
{
	struct conn *c = C(db);

	if (!c)
		return;
	PQfinish(c->c);
	free(c);
	db->conn = NULL;
}

static int
pg_open(struct crm_db *db, unsigned flags, int ms, struct crm_err *err)
{
	const char *keys[3], *vals[3];
	struct crm_buf sql = CRM_BUF_INIT;
	char timeout[16];
	struct conn *c;
	int v;

	if (load_libpq(err) < 0)
		return -1;
	c = crm_xcalloc(1, sizeof(*c));
	db->conn = c;
	c->ms = ms;
	/* Connecting waits no longer than the busy timeout either (at
	 * least the second libpq counts in). */
	snprintf(timeout, sizeof(timeout), "%d", ms < 2000 ? 2 :
		(ms + 999) / 1000);
	keys[0] = "dbname";
	vals[0] = db->path;
	keys[1] = "connect_timeout";
	vals[1] = timeout;
	keys[2] = NULL;
	vals[2] = NULL;
	c->c = PQconnectdbParams(keys, vals, 1);
	if (!c->c || PQstatus(c->c) != CONNECTION_OK) {
		const char *msg = c->c ? PQerrorMessage(c->c) : "out of memory";
		struct crm_buf m = CRM_BUF_INIT;
		const char *nl;

		/* libpq's message may span lines: the first says why, the
		 * others give hints.  A database that is not there is
		 * missing (66), as a missing file is. */
		crm_buf_adds(&m, msg);
		nl = strchr(m.buf ? m.buf : "", '\n');
		if (nl)
			crm_buf_setlen(&m, (size_t)(nl - m.buf));
		mask_passwords(db->path, &m);
		crm_err_set(err, strstr(m.buf ? m.buf : "", "database \"") &&
			strstr(m.buf, "does not exist") ? CRM_EX_NOINPUT :
			auth_refused(m.buf ? m.buf : "") ? CRM_EX_NOPERM :
			CRM_EX_TEMPFAIL, "cannot connect to database '%s': %s",
			crm_db_name(db), m.buf ? m.buf : "");
		crm_buf_release(&m);
		goto fail;
	}
	PQsetNoticeProcessor(c->c, ignore_notice, NULL);
	crm_buf_addf(&sql, "SET lock_timeout = %d;"
		"SET client_encoding = 'UTF8';"
		"SET client_min_messages = warning;"
		"SET standard_conforming_strings = on;%s", ms,
		flags & CRM_DB_READ ?
		"SET default_transaction_read_only = on;" : "");
	C(db)->opened_at = -1;
	v = open_version(db, &sql, err);
	if (v < 0)
		goto fail;
	C(db)->opened_at = v;
	if (flags & CRM_DB_CREATE) {
		if (v > 0 || crm_db_int(db, "SELECT count(*) FROM "
		    "information_schema.tables WHERE table_schema = "
		    "current_schema() AND table_name = 'customers'", 0)) {
			crm_err_set(err, CRM_EX_CANTCREAT, "database '%s' "
				"already exists", crm_db_name(db));
			goto fail;
		}
	} else if (v == 0) {
		crm_err_set(err, CRM_EX_NOINPUT, "database '%s' not found; "
			"create it with 'crm-admin init'", crm_db_name(db));
		goto fail;
	}
	crm_buf_release(&sql);
	return 0;
fail:
	crm_buf_release(&sql);
	pg_close(db);
	return -1;
}

const struct crm_driver crm_pg_driver = {
	.name = "postgresql",
	.open = pg_open,
	.close = pg_close,
	.library = pg_library,
	.name_of = pg_name_of,
	.prepare = crm_pg_prepare,
	.finalize = crm_pg_finalize,
	.busy = crm_pg_busy,
	.bind = crm_pg_bind,
	.params = crm_pg_params,
	.step = crm_pg_step,
	.reset = crm_pg_reset,
	.col_kind = crm_pg_col_kind,
	.col_int = crm_pg_col_int,
	.col_real = crm_pg_col_real,
	.col_text = crm_pg_col_text,
	.col_len = crm_pg_col_len,
	.col_count = crm_pg_col_count,
	.col_name = crm_pg_col_name,
	.exec = pg_exec,
	.begin = pg_begin,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.in_transaction = crm_pg_in_transaction,
	.begin_read = pg_begin_read,
	.ids_taken = pg_ids_taken,
	.version = pg_version,
	.set_version = pg_set_version,
	.migrate = crm_pg_migrate,
	.function = pg_function,
	.bulk = pg_bulk,
	.check = crm_pg_check,
	.load_begin = crm_pg_load_begin,
	.load_value = crm_pg_load_value,
	.load_end = crm_pg_load_end,
	.size = pg_size,
	.temp_table = pg_temp_table,
	.search_fold = crm_pg_search_fold,
	.search_verify = crm_pg_search_verify,
	.search_suspend = crm_pg_search_suspend,
	.search_batch = crm_pg_search_batch,
	.search_where = crm_pg_search_where,
	.search_bind = crm_pg_search_bind,
};
