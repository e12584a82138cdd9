/*
 * db-pg-stmt.c - the PostgreSQL driver's statements: crm's portable SQL
 * prepared with $N, typed from the values bound, run (a write inside a
 * transaction under a savepoint of its own), and its rows read as text;
 * and loads, as COPY.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "db-pg-int.h"
#include "record.h"
#include "banned.h"

/* ---- statements --------------------------------------------------------- */

/*
 * Write sql with PostgreSQL's $N for ?N (a bare ? is the next number),
 * leaving quoted text and identifiers as they are.  Returns the highest
 * parameter number.
 */
static int
rewrite(const char *sql, struct crm_buf *out)
{
	const char *p = sql;
	int n = 0, last = 0;

	while (*p) {
		if (*p == '\'' || *p == '"') {
			char q = *p;

			crm_buf_addch(out, *p++);
			while (*p && *p != q)
				crm_buf_addch(out, *p++);
			if (*p)
				crm_buf_addch(out, *p++);
		} else if (*p == '-' && p[1] == '-') {
			while (*p && *p != '\n')
				crm_buf_addch(out, *p++);
		} else if (*p == '?') {
			int k = 0;

			for (p++; *p >= '0' && *p <= '9'; p++)
				k = k * 10 + (*p - '0');
			if (!k)
				k = last + 1;
			last = k;
			if (k > n)
				n = k;
			crm_buf_addf(out, "$%d", k);
		} else {
			crm_buf_addch(out, *p++);
		}
	}
	return n;
}

/*
 * Prepare ps->sql as a new statement for the parameter types the bound
 * values have: a number as bigint or double precision, text and NULL
 * left for the server to infer from where they stand.  Where nothing
 * tells (SELECT $1, $1 IS NULL), those are text.  SQLite takes any value
 * anywhere; the server must know each parameter's type when it plans.
 */
static int
prepare_typed(struct crm_stmt *st)
{
	struct conn *c = C(st->db);
	struct pstmt *ps = PS(st);
	Oid *types = NULL;
	PGresult *res;
	const char *state;
	int i, ok, tries, guard;

	if (ps->prepared) {
		struct crm_buf sql = CRM_BUF_INIT;

		crm_buf_addf(&sql, "DEALLOCATE %s", ps->name);
		PQclear(PQexec(c->c, sql.buf));
		crm_buf_release(&sql);
		ps->prepared = 0;
	}
	if (ps->nparams) {
		types = crm_xcalloc((size_t)ps->nparams, sizeof(*types));
		memcpy(types, ps->want, (size_t)ps->nparams * sizeof(*types));
	}
	/* A statement the server cannot plan aborts the transaction it is
	 * prepared in: where one is open and a type is left to infer, the
	 * attempt runs under a savepoint. */
	for (i = 0; i < ps->nparams && types[i]; i++)
		;
	guard = i < ps->nparams && crm_pg_in_transaction(st->db);
	for (tries = 0; ; tries++) {
		const char *msg, *d;
		int k;

		if (guard)
			PQclear(PQexec(c->c, "SAVEPOINT crm_prepare"));
		snprintf(ps->name, sizeof(ps->name), "s%u", ++c->nstmt);
		res = PQprepare(c->c, ps->name, ps->sql, ps->nparams, types);
		ok = PQresultStatus(res) == PGRES_COMMAND_OK;
		state = ok ? NULL : PQresultErrorField(res, PG_DIAG_SQLSTATE);
		if (guard)
			PQclear(PQexec(c->c, ok ? "RELEASE crm_prepare" :
				"ROLLBACK TO crm_prepare; RELEASE crm_prepare"));
		/* 42P18 indeterminate, 42P08 ambiguous: a parameter
		 * whose type nothing around it tells. */
		if (ok || tries > ps->nparams || !state ||
		    (strcmp(state, "42P18") && strcmp(state, "42P08")))
			break;
		/* "could not determine data type of parameter $3": that
		 * one is text, and the server is asked again. */
		msg = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
		d = msg ? strrchr(msg, '$') : NULL;
		k = d ? (int)strtol(d + 1, NULL, 10) : 0;
		if (k < 1 || k > ps->nparams || types[k - 1])
			break;
		PQclear(res);
		types[k - 1] = 25;	/* text */
	}
	if (!ok)
		crm_pg_fail(st->db, res, "cannot prepare a query", st->err);
	PQclear(res);
	free(types);
	ps->prepared = ok;
	return ok ? 0 : -1;
}

int
crm_pg_prepare(struct crm_stmt *st)
{
	struct crm_buf sql = CRM_BUF_INIT;
	struct pstmt *ps = crm_xcalloc(1, sizeof(*ps));

	ps->nparams = rewrite(st->sql, &sql);
	ps->sql = crm_buf_detach(&sql);
	{
		const char *p = ps->sql + strspn(ps->sql, " \t\n");

		ps->write = !strncasecmp(p, "INSERT", 6) ||
			!strncasecmp(p, "UPDATE", 6) ||
			!strncasecmp(p, "DELETE", 6);
	}
	if (ps->nparams) {
		ps->vals = crm_xcalloc((size_t)ps->nparams, sizeof(*ps->vals));
		ps->lens = crm_xcalloc((size_t)ps->nparams, sizeof(*ps->lens));
		ps->num = crm_xcalloc((size_t)ps->nparams, sizeof(*ps->num));
		ps->want = crm_xcalloc((size_t)ps->nparams,
			sizeof(*ps->want));
	}
	ps->row = -1;
	st->ds = ps;
	/* Without parameters the types are known: prepared now, so that
	 * SQL the server refuses fails here, as on SQLite. */
	if (!ps->nparams && prepare_typed(st) < 0) {
		free(ps->sql);
		free(ps);
		st->ds = NULL;
		return -1;
	}
	return 0;
}

/* End a use read in parts: its cursor closed, and the transaction
 * opened for it (read only) ended. */
static void
cursor_close(struct crm_stmt *st)
{
	struct pstmt *ps = PS(st);
	PGconn *c = C(st->db) ? C(st->db)->c : NULL;
	struct crm_buf sql = CRM_BUF_INIT;

	if (c && !st->db->closing && PQstatus(c) == CONNECTION_OK) {
		if (ps->own_tx) {
			PQclear(PQexec(c, "ROLLBACK"));
		} else if (PQtransactionStatus(c) == PQTRANS_INTRANS) {
			crm_buf_addf(&sql, "CLOSE %s", ps->cursor);
			PQclear(PQexec(c, sql.buf));
			crm_buf_release(&sql);
		}
	}
	ps->cursor[0] = '\0';
	ps->more = 0;
	ps->own_tx = 0;
}

void
crm_pg_reset(struct crm_stmt *st)
{
	struct pstmt *ps = PS(st);

	if (ps->cursor[0])
		cursor_close(st);
	PQclear(ps->res);
	ps->res = NULL;
	ps->row = -1;
	ps->nrows = 0;
	ps->ran = 0;
	if (ps->nparams)
		memset(ps->vals, 0, (size_t)ps->nparams * sizeof(*ps->vals));
}

void
crm_pg_finalize(struct crm_stmt *st)
{
	struct pstmt *ps = PS(st);
	struct crm_buf sql = CRM_BUF_INIT;
	PGresult *res;

	crm_pg_reset(st);
	/* A connection that closes takes its statements with it. */
	if (ps->prepared && !st->db->closing && C(st->db) && C(st->db)->c &&
	    PQstatus(C(st->db)->c) == CONNECTION_OK &&
	    PQtransactionStatus(C(st->db)->c) != PQTRANS_INERROR) {
		crm_buf_addf(&sql, "DEALLOCATE %s", ps->name);
		res = PQexec(C(st->db)->c, sql.buf);
		PQclear(res);
		crm_buf_release(&sql);
	}
	free(ps->vals);
	free(ps->lens);
	free(ps->num);
	free(ps->want);
	free(ps->sql);
	free(ps);
	st->ds = NULL;
}

int
crm_pg_busy(struct crm_stmt *st)
{
	struct pstmt *ps = PS(st);

	return ps->ran && (ps->row < ps->nrows || ps->more);
}

int
crm_pg_bind(struct crm_stmt *st, int i, enum crm_kind k, int64_t iv, double rv,
	const char *s, size_t n)
{
	struct pstmt *ps = PS(st);

	if (i < 1 || i > ps->nparams)
		return crm_err_set(st->err, CRM_EX_SOFTWARE, "%s: parameter "
			"%d out of range", st->what, i);
	i--;
	if (ps->want[i] != (k == CRM_INT ? 20 : k == CRM_REAL ? 701 : 0)) {
		ps->want[i] = k == CRM_INT ? 20 : k == CRM_REAL ? 701 : 0;
		ps->retype = 1;
	}
	switch (k) {
	case CRM_INT:
		snprintf(ps->num[i], sizeof(ps->num[i]), "%lld",
			(long long)iv);
		ps->vals[i] = ps->num[i];
		ps->lens[i] = (int)strlen(ps->num[i]);
		break;
	case CRM_REAL:
		snprintf(ps->num[i], sizeof(ps->num[i]), "%.17g", rv);
		ps->vals[i] = ps->num[i];
		ps->lens[i] = (int)strlen(ps->num[i]);
		break;
	case CRM_TEXT:
		/* Text goes as a C string: a NUL inside is cut there,
		 * which crm's values (checked UTF-8 text) never hold. */
		ps->vals[i] = (char *)(s ? s : "");
		ps->lens[i] = (int)n;
		break;
	default:
		ps->vals[i] = NULL;
		ps->lens[i] = 0;
	}
	return 0;
}

int
crm_pg_params(struct crm_stmt *st)
{
	return PS(st)->nparams;
}

/*
 * Text parameters must end in NUL for libpq; one bound with a length
 * (crm_bind_textn) may not.  Copies those into bufs.
 */
static const char *const *
param_values(struct pstmt *ps, struct crm_buf *bufs)
{
	int i;

	for (i = 0; i < ps->nparams; i++) {
		const char *v = ps->vals[i];

		if (v && v != ps->num[i] && v[ps->lens[i]] != '\0') {
			crm_buf_add(&bufs[i], v, (size_t)ps->lens[i]);
			ps->vals[i] = bufs[i].buf;
		}
	}
	return (const char *const *)ps->vals;
}

/*
 * Run ps with its parameters.  On SQLite a statement that fails (a
 * constraint) leaves the transaction as it was before it, and crm goes
 * on: it names the record that holds a value, an import rejects the row
 * and takes the next.  Here a failure aborts the whole transaction, so
 * a write inside one runs under a savepoint of its own, sent with it in
 * one round trip (libpq's pipeline), and undone when it fails.
 */
static PGresult *
exec_prepared(struct crm_stmt *st, const char *const *vals)
{
	PGconn *c = C(st->db)->c;
	struct pstmt *ps = PS(st);
	PGresult *res = NULL, *r;
	int failed = 0, n = 0;

	if (!ps->write || PQtransactionStatus(c) != PQTRANS_INTRANS)
		return PQexecPrepared(c, ps->name, ps->nparams, vals, NULL,
			NULL, 0);
	if (!PQenterPipelineMode(c))
		return PQexecPrepared(c, ps->name, ps->nparams, vals, NULL,
			NULL, 0);
	PQsendQueryParams(c, "SAVEPOINT crm_statement", 0, NULL, NULL, NULL,
		NULL, 0);
	PQsendQueryPrepared(c, ps->name, ps->nparams, vals, NULL, NULL, 0);
	PQsendQueryParams(c, "RELEASE SAVEPOINT crm_statement", 0, NULL,
		NULL, NULL, NULL, 0);
	PQpipelineSync(c);
	/* Three results, each ended by NULL, then the sync's. */
	while (n < 4) {
		r = PQgetResult(c);
		if (!r) {
			n++;
			continue;
		}
		if (PQresultStatus(r) == PGRES_PIPELINE_SYNC) {
			PQclear(r);
			break;
		}
		if (n == 1 && !res) {
			res = r;
			continue;
		}
		if (PQresultStatus(r) != PGRES_COMMAND_OK)
			failed = 1;
		PQclear(r);
	}
	PQexitPipelineMode(c);
	if (!res || (PQresultStatus(res) != PGRES_COMMAND_OK &&
	    PQresultStatus(res) != PGRES_TUPLES_OK) || failed)
		PQclear(PQexec(c, "ROLLBACK TO SAVEPOINT crm_statement; "
			"RELEASE SAVEPOINT crm_statement"));
	return res;
}

/*
 * A statement's first run outside a transaction: prepared and run in
 * one round trip (libpq's pipeline), where prepare_typed() and then
 * exec_prepared() would take two; most of a command's statements run
 * once.  The server cannot plan one with a parameter nothing types
 * (42P18, 42P08): prepare_typed() asks again as it does, the result
 * thrown away.  Another refusal is the statement's result.
 */
static PGresult *
prepare_run(struct crm_stmt *st, const char *const *vals)
{
	PGconn *c = C(st->db)->c;
	struct pstmt *ps = PS(st);
	PGresult *prep = NULL, *res = NULL, *r;
	const char *state;
	int n = 0;

	if (!PQenterPipelineMode(c))
		goto apart;
	snprintf(ps->name, sizeof(ps->name), "s%u", ++C(st->db)->nstmt);
	PQsendPrepare(c, ps->name, ps->sql, ps->nparams, ps->want);
	PQsendQueryPrepared(c, ps->name, ps->nparams, vals, NULL, NULL, 0);
	PQpipelineSync(c);
	/* Two results, each ended by NULL, then the sync's. */
	while ((r = PQgetResult(c)) || n < 2) {
		if (!r)
			n++;
		else if (PQresultStatus(r) == PGRES_PIPELINE_SYNC) {
			PQclear(r);
			break;
		} else if (n == 0 && !prep)
			prep = r;
		else if (n == 1 && !res)
			res = r;
		else
			PQclear(r);
	}
	PQexitPipelineMode(c);
	if (PQresultStatus(prep) == PGRES_COMMAND_OK) {
		PQclear(prep);
		ps->prepared = 1;
		return res;
	}
	PQclear(res);
	state = PQresultErrorField(prep, PG_DIAG_SQLSTATE);
	if (!state || (strcmp(state, "42P18") && strcmp(state, "42P08")))
		return prep;
	PQclear(prep);
apart:
	if (prepare_typed(st) < 0)
		return NULL;
	return exec_prepared(st, vals);
}

/* Rows a use read in parts takes at a time. */
#define CURSOR_ROWS 10000

/* The next part of a use read in parts into ps->res. */
static void
cursor_fetch(struct crm_stmt *st)
{
	struct pstmt *ps = PS(st);
	char sql[48];

	PQclear(ps->res);
	snprintf(sql, sizeof(sql), "FETCH %d FROM %s", CURSOR_ROWS,
		ps->cursor);
	ps->res = PQexec(C(st->db)->c, sql);
	ps->more = PQresultStatus(ps->res) == PGRES_TUPLES_OK &&
		PQntuples(ps->res) == CURSOR_ROWS;
}

/*
 * A use that may read many rows (crm_stmt_many()): a whole result is
 * held in memory by libpq, a table of a million rows some hundreds of
 * megabytes, so the SELECT is read through a cursor, CURSOR_ROWS at a
 * time, which leaves the connection free for other statements between
 * steps.  A cursor lives in a transaction: the open one, or on a
 * read-only connection one of its own (a snapshot, as SQLite's read
 * transaction gives).  Elsewhere (a writer outside a transaction) the
 * result is read whole: 0.  Else 1, ps->res the first part or the
 * error.
 */
static int
cursor_open(struct crm_stmt *st, const char *const *vals)
{
	PGconn *c = C(st->db)->c;
	struct pstmt *ps = PS(st);
	struct crm_buf sql = CRM_BUF_INIT;
	PGresult *res;

	if (PQtransactionStatus(c) == PQTRANS_IDLE && st->db->readonly) {
		res = PQexec(c, "BEGIN ISOLATION LEVEL REPEATABLE READ "
			"READ ONLY");
		if (PQresultStatus(res) != PGRES_COMMAND_OK) {
			ps->res = res;
			return 1;
		}
		PQclear(res);
		ps->own_tx = 1;
	} else if (PQtransactionStatus(c) != PQTRANS_INTRANS) {
		return 0;
	}
	snprintf(ps->cursor, sizeof(ps->cursor), "crm_c%u",
		++C(st->db)->nstmt);
	crm_buf_addf(&sql, "DECLARE %s NO SCROLL CURSOR FOR %s", ps->cursor,
		ps->sql);
	res = PQexecParams(c, sql.buf, ps->nparams, ps->want, vals, NULL,
		NULL, 0);
	crm_buf_release(&sql);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		ps->res = res;
		return 1;
	}
	PQclear(res);
	cursor_fetch(st);
	return 1;
}

int
crm_pg_step(struct crm_stmt *st)
{
	struct pstmt *ps = PS(st);
	ExecStatusType s;

	if (!ps->ran) {
		struct crm_buf *bufs = NULL;
		const char *const *vals = NULL;
		int i;

		if (ps->nparams) {
			bufs = crm_xcalloc((size_t)ps->nparams, sizeof(*bufs));
			vals = param_values(ps, bufs);
		}
		if (st->many && !ps->write && cursor_open(st, vals)) {
			;
		} else if (!ps->prepared && !crm_pg_in_transaction(st->db)) {
			ps->retype = 0;
			ps->res = prepare_run(st, vals);
		} else if ((!ps->prepared || ps->retype) &&
		    prepare_typed(st) < 0) {
			ps->res = NULL;
		} else {
			ps->retype = 0;
			ps->res = exec_prepared(st, vals);
		}
		for (i = 0; i < ps->nparams; i++)
			crm_buf_release(&bufs[i]);
		free(bufs);
		ps->ran = 1;
		/* Not prepared: prepare_typed() said why. */
		if (!ps->res && st->err->code)
			return -1;
		s = PQresultStatus(ps->res);
		if (s == PGRES_COMMAND_OK) {
			const char *n = PQcmdTuples(ps->res);

			st->changes = *n ? strtoll(n, NULL, 10) : 0;
			ps->nrows = 0;
			ps->row = 0;
			return 0;
		}
		if (s != PGRES_TUPLES_OK)
			return crm_pg_fail(st->db, ps->res, st->what, st->err);
		ps->nrows = PQntuples(ps->res);
		{
			const char *n = PQcmdTuples(ps->res);

			/* INSERT ... RETURNING counts its rows too. */
			st->changes = *n ? strtoll(n, NULL, 10) : 0;
		}
	}
	if (ps->row < ps->nrows)
		ps->row++;
	if (ps->row == ps->nrows && ps->more) {
		cursor_fetch(st);
		if (PQresultStatus(ps->res) != PGRES_TUPLES_OK) {
			ps->nrows = ps->row = 0;
			return crm_pg_fail(st->db, ps->res, st->what,
				st->err);
		}
		ps->nrows = PQntuples(ps->res);
		ps->row = 0;
	}
	return ps->row < ps->nrows ? 1 : 0;
}

enum crm_kind
crm_pg_col_kind(struct crm_stmt *st, int i)
{
	struct pstmt *ps = PS(st);

	if (PQgetisnull(ps->res, ps->row, i))
		return CRM_NULL;
	switch (PQftype(ps->res, i)) {
	case 16:	/* bool */
	case 20:	/* int8 */
	case 21:	/* int2 */
	case 23:	/* int4 */
		return CRM_INT;
	case 1700:	/* numeric: what sum() of bigints gives */
		return strchr(PQgetvalue(ps->res, ps->row, i), '.') ?
			CRM_REAL : CRM_INT;
	case 700:	/* float4 */
	case 701:	/* float8 */
		return CRM_REAL;
	default:
		return CRM_TEXT;
	}
}

int64_t
crm_pg_col_int(struct crm_stmt *st, int i)
{
	struct pstmt *ps = PS(st);
	const char *s;

	if (PQgetisnull(ps->res, ps->row, i))
		return 0;
	s = PQgetvalue(ps->res, ps->row, i);
	if (*s == 't')
		return 1;
	if (*s == 'f')
		return 0;
	return strtoll(s, NULL, 10);
}

double
crm_pg_col_real(struct crm_stmt *st, int i)
{
	struct pstmt *ps = PS(st);

	if (PQgetisnull(ps->res, ps->row, i))
		return 0;
	return strtod(PQgetvalue(ps->res, ps->row, i), NULL);
}

const char *
crm_pg_col_text(struct crm_stmt *st, int i)
{
	struct pstmt *ps = PS(st);

	if (PQgetisnull(ps->res, ps->row, i))
		return NULL;
	return PQgetvalue(ps->res, ps->row, i);
}

size_t
crm_pg_col_len(struct crm_stmt *st, int i)
{
	struct pstmt *ps = PS(st);

	return (size_t)PQgetlength(ps->res, ps->row, i);
}

int
crm_pg_col_count(struct crm_stmt *st)
{
	return PQnfields(PS(st)->res);
}

const char *
crm_pg_col_name(struct crm_stmt *st, int i)
{
	return PQfname(PS(st)->res, i);
}

/*
 * A load (db.h) is COPY ... FROM STDIN: the rows are kept until about
 * COPY_PIECE bytes of them are at hand, then sent in one COPY, where an
 * INSERT each would be a round trip each.  Between pieces the connection
 * is free for other statements (the caller's lookups between rows).  A
 * COPY is all or nothing, and its failure aborts the transaction: a
 * load is for rows whose failure fails the command.
 */
#define COPY_PIECE (1 << 20)

int
crm_pg_load_begin(struct crm_load *ld, const char *table, const char *columns)
{
	struct crm_buf sql = CRM_BUF_INIT;

	crm_buf_adds(&sql, "COPY ");
	crm_sql_ident(&sql, table);
	crm_buf_addf(&sql, " (%s) FROM STDIN", columns);
	ld->sql = crm_buf_detach(&sql);
	return 0;
}

/* Send the rows kept in one COPY. */
static int
copy_piece(struct crm_load *ld)
{
	PGconn *c = C(ld->db)->c;
	PGresult *res;
	int r = 0;

	if (!ld->rows.len)
		return 0;
	res = PQexec(c, ld->sql);
	if (PQresultStatus(res) != PGRES_COPY_IN) {
		r = crm_pg_fail(ld->db, res, "cannot write", ld->err);
		PQclear(res);
		return r;
	}
	PQclear(res);
	if (PQputCopyData(c, ld->rows.buf, (int)ld->rows.len) != 1 ||
	    PQputCopyEnd(c, NULL) != 1)
		r = crm_pg_fail(ld->db, NULL, "cannot write", ld->err);
	while ((res = PQgetResult(c))) {
		if (PQresultStatus(res) != PGRES_COMMAND_OK && !r)
			r = crm_pg_fail(ld->db, res, "cannot write", ld->err);
		PQclear(res);
	}
	crm_buf_reset(&ld->rows);
	return r;
}

/* A value in COPY's text format: \N for NULL, and the backslash, tab,
 * newline and carriage return escaped. */
int
crm_pg_load_value(struct crm_load *ld, enum crm_kind k, int64_t iv,
	double rv, const char *s, size_t n, int last)
{
	struct crm_buf *rows = &ld->rows;
	size_t i;

	if (k == CRM_INT)
		crm_buf_addf(rows, "%lld", (long long)iv);
	else if (k == CRM_REAL)
		crm_buf_addf(rows, "%.17g", rv);
	else if (k == CRM_NULL)
		crm_buf_adds(rows, "\\N");
	else
		for (i = 0; i < n; i++)
			switch (s[i]) {
			case '\\': crm_buf_adds(rows, "\\\\"); break;
			case '\t': crm_buf_adds(rows, "\\t"); break;
			case '\n': crm_buf_adds(rows, "\\n"); break;
			case '\r': crm_buf_adds(rows, "\\r"); break;
			default: crm_buf_addch(rows, s[i]);
			}
	crm_buf_addch(rows, last ? '\n' : '\t');
	return last && rows->len >= COPY_PIECE ? copy_piece(ld) : 0;
}

int
crm_pg_load_end(struct crm_load *ld, int ok)
{
	return ok ? copy_piece(ld) : -1;
}
