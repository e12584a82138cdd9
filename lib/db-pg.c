/*
 * db-pg.c - the PostgreSQL driver: a team's database on a server.
 *
 * Everything that knows libpq is here and in db-pg-schema.c.  The rest
 * of crm sends the portable SQL db.h describes; this driver writes its
 * ?N parameters as $N when it prepares a statement, sends every value as
 * text (the server casts by the column it meets) and reads results as
 * text.
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
#include <libpq-fe.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "db.h"
#include "driver.h"
#include "record.h"
#include "banned.h"

/*
 * libpq is loaded when a command first opens a PostgreSQL database, not
 * linked: it brings some twenty libraries (TLS, Kerberos, LDAP) whose
 * loading would cost every command, on SQLite too, a third of its time.
 */
static struct {
	__typeof__(PQclear) *PQclear;
	__typeof__(PQcmdStatus) *PQcmdStatus;
	__typeof__(PQcmdTuples) *PQcmdTuples;
	__typeof__(PQconnectdbParams) *PQconnectdbParams;
	__typeof__(PQerrorMessage) *PQerrorMessage;
	__typeof__(PQexec) *PQexec;
	__typeof__(PQexecPrepared) *PQexecPrepared;
	__typeof__(PQfinish) *PQfinish;
	__typeof__(PQfname) *PQfname;
	__typeof__(PQgetResult) *PQgetResult;
	__typeof__(PQsendQueryParams) *PQsendQueryParams;
	__typeof__(PQsendQueryPrepared) *PQsendQueryPrepared;
	__typeof__(PQpipelineSync) *PQpipelineSync;
	__typeof__(PQexitPipelineMode) *PQexitPipelineMode;
	__typeof__(PQenterPipelineMode) *PQenterPipelineMode;
	__typeof__(PQlibVersion) *PQlibVersion;
	__typeof__(PQftype) *PQftype;
	__typeof__(PQgetisnull) *PQgetisnull;
	__typeof__(PQgetlength) *PQgetlength;
	__typeof__(PQgetvalue) *PQgetvalue;
	__typeof__(PQnfields) *PQnfields;
	__typeof__(PQntuples) *PQntuples;
	__typeof__(PQprepare) *PQprepare;
	__typeof__(PQresultErrorField) *PQresultErrorField;
	__typeof__(PQresultStatus) *PQresultStatus;
	__typeof__(PQsetNoticeProcessor) *PQsetNoticeProcessor;
	__typeof__(PQstatus) *PQstatus;
	__typeof__(PQtransactionStatus) *PQtransactionStatus;
	__typeof__(PQputCopyData) *PQputCopyData;
	__typeof__(PQputCopyEnd) *PQputCopyEnd;
} pq;

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

#define PQclear (pq.PQclear)
#define PQcmdStatus (pq.PQcmdStatus)
#define PQcmdTuples (pq.PQcmdTuples)
#define PQconnectdbParams (pq.PQconnectdbParams)
#define PQerrorMessage (pq.PQerrorMessage)
#define PQexec (pq.PQexec)
#define PQexecPrepared (pq.PQexecPrepared)
#define PQfinish (pq.PQfinish)
#define PQfname (pq.PQfname)
#define PQgetResult (pq.PQgetResult)
#define PQsendQueryParams (pq.PQsendQueryParams)
#define PQsendQueryPrepared (pq.PQsendQueryPrepared)
#define PQpipelineSync (pq.PQpipelineSync)
#define PQexitPipelineMode (pq.PQexitPipelineMode)
#define PQenterPipelineMode (pq.PQenterPipelineMode)
#define PQlibVersion (pq.PQlibVersion)
#define PQftype (pq.PQftype)
#define PQgetisnull (pq.PQgetisnull)
#define PQgetlength (pq.PQgetlength)
#define PQgetvalue (pq.PQgetvalue)
#define PQnfields (pq.PQnfields)
#define PQntuples (pq.PQntuples)
#define PQprepare (pq.PQprepare)
#define PQresultErrorField (pq.PQresultErrorField)
#define PQresultStatus (pq.PQresultStatus)
#define PQsetNoticeProcessor (pq.PQsetNoticeProcessor)
#define PQputCopyData (pq.PQputCopyData)
#define PQputCopyEnd (pq.PQputCopyEnd)
#define PQstatus (pq.PQstatus)
#define PQtransactionStatus (pq.PQtransactionStatus)

_Static_assert(sizeof(pq) == sizeof(pq_names) / sizeof(pq_names[0]) *
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
		memcpy((char *)&pq + i * sizeof(void *), &f, sizeof(f));
	}
	loaded = 1;
	return 0;
}

/* The key of crm's write lock: "crm" in ASCII, any number would do as
 * long as every crm binary uses it. */
#define WRITE_LOCK 0x63726dLL

struct conn {
	PGconn *c;
	unsigned nstmt;		/* statements prepared: names s1, s2, ... */
	int ms;			/* the busy timeout */
	int opened_at;		/* the schema version open read, until the
				 * next ask (db.c's, at once); else -1 */
};

struct pstmt {
	char name[16];
	char *sql;		/* the SQL with $N */
	int prepared;		/* as name, with the types in want */
	int retype;		/* a value of another type was bound */
	int write;		/* INSERT, UPDATE or DELETE */
	Oid *want;		/* the types of the bound values, 0 unknown */
	int nparams;
	char **vals;		/* parameter i-1's text, NULL for NULL */
	int *lens;
	char (*num)[24];	/* room for numbers bound as text */
	PGresult *res;
	int row, nrows;		/* the current row; -1 before the first */
	int ran;		/* executed since the last reset */
};

#define C(db) ((struct conn *)(db)->conn)
#define PS(st) ((struct pstmt *)(st)->ds)

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
static int
pg_fail(struct crm_db *db, const PGresult *res, const char *what,
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

static int pg_in_transaction(struct crm_db *db);

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
	guard = i < ps->nparams && pg_in_transaction(st->db);
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
		pg_fail(st->db, res, "cannot prepare a query", st->err);
	PQclear(res);
	free(types);
	ps->prepared = ok;
	return ok ? 0 : -1;
}

static int
pg_prepare(struct crm_stmt *st)
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

static void
pg_reset(struct crm_stmt *st)
{
	struct pstmt *ps = PS(st);

	PQclear(ps->res);
	ps->res = NULL;
	ps->row = -1;
	ps->nrows = 0;
	ps->ran = 0;
	if (ps->nparams)
		memset(ps->vals, 0, (size_t)ps->nparams * sizeof(*ps->vals));
}

static void
pg_finalize(struct crm_stmt *st)
{
	struct pstmt *ps = PS(st);
	struct crm_buf sql = CRM_BUF_INIT;
	PGresult *res;

	pg_reset(st);
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

static int
pg_busy(struct crm_stmt *st)
{
	struct pstmt *ps = PS(st);

	return ps->ran && ps->row < ps->nrows;
}

static int
pg_bind(struct crm_stmt *st, int i, enum crm_kind k, int64_t iv, double rv,
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

static int
pg_params(struct crm_stmt *st)
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

static int
pg_step(struct crm_stmt *st)
{
	struct pstmt *ps = PS(st);
	ExecStatusType s;

	if (!ps->ran) {
		struct crm_buf *bufs = NULL;
		int i;

		if ((!ps->prepared || ps->retype) && prepare_typed(st) < 0)
			return -1;
		ps->retype = 0;
		if (ps->nparams)
			bufs = crm_xcalloc((size_t)ps->nparams, sizeof(*bufs));
		ps->res = exec_prepared(st, ps->nparams ?
			param_values(ps, bufs) : NULL);
		for (i = 0; i < ps->nparams; i++)
			crm_buf_release(&bufs[i]);
		free(bufs);
		ps->ran = 1;
		s = PQresultStatus(ps->res);
		if (s == PGRES_COMMAND_OK) {
			const char *n = PQcmdTuples(ps->res);

			st->changes = *n ? strtoll(n, NULL, 10) : 0;
			ps->nrows = 0;
			ps->row = 0;
			return 0;
		}
		if (s != PGRES_TUPLES_OK)
			return pg_fail(st->db, ps->res, st->what, st->err);
		ps->nrows = PQntuples(ps->res);
		{
			const char *n = PQcmdTuples(ps->res);

			/* INSERT ... RETURNING counts its rows too. */
			st->changes = *n ? strtoll(n, NULL, 10) : 0;
		}
	}
	if (ps->row < ps->nrows)
		ps->row++;
	return ps->row < ps->nrows ? 1 : 0;
}

static enum crm_kind
pg_col_kind(struct crm_stmt *st, int i)
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

static int64_t
pg_col_int(struct crm_stmt *st, int i)
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

static double
pg_col_real(struct crm_stmt *st, int i)
{
	struct pstmt *ps = PS(st);

	if (PQgetisnull(ps->res, ps->row, i))
		return 0;
	return strtod(PQgetvalue(ps->res, ps->row, i), NULL);
}

static const char *
pg_col_text(struct crm_stmt *st, int i)
{
	struct pstmt *ps = PS(st);

	if (PQgetisnull(ps->res, ps->row, i))
		return NULL;
	return PQgetvalue(ps->res, ps->row, i);
}

static size_t
pg_col_len(struct crm_stmt *st, int i)
{
	struct pstmt *ps = PS(st);

	return (size_t)PQgetlength(ps->res, ps->row, i);
}

static int
pg_col_count(struct crm_stmt *st)
{
	return PQnfields(PS(st)->res);
}

static const char *
pg_col_name(struct crm_stmt *st, int i)
{
	return PQfname(PS(st)->res, i);
}

/* ---- the connection ----------------------------------------------------- */

static int
pg_exec(struct crm_db *db, const char *sql, struct crm_err *err)
{
	PGresult *res = PQexec(C(db)->c, sql);
	ExecStatusType s = PQresultStatus(res);
	int r = 0;

	if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK)
		r = pg_fail(db, res, "database error", err);
	PQclear(res);
	return r;
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

static int
pg_load_begin(struct crm_load *ld, const char *table, const char *columns)
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
		r = pg_fail(ld->db, res, "cannot write", ld->err);
		PQclear(res);
		return r;
	}
	PQclear(res);
	if (PQputCopyData(c, ld->rows.buf, (int)ld->rows.len) != 1 ||
	    PQputCopyEnd(c, NULL) != 1)
		r = pg_fail(ld->db, NULL, "cannot write", ld->err);
	while ((res = PQgetResult(c))) {
		if (PQresultStatus(res) != PGRES_COMMAND_OK && !r)
			r = pg_fail(ld->db, res, "cannot write", ld->err);
		PQclear(res);
	}
	crm_buf_reset(&ld->rows);
	return r;
}

/* A value in COPY's text format: \N for NULL, and the backslash, tab,
 * newline and carriage return escaped. */
static int
pg_load_value(struct crm_load *ld, enum crm_kind k, int64_t iv,
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

static int
pg_load_end(struct crm_load *ld, int ok)
{
	return ok ? copy_piece(ld) : -1;
}

static int
pg_in_transaction(struct crm_db *db)
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
		r = pg_fail(db, res, "cannot start a transaction", err);
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

/* A new id is the highest plus one already (crm_next_id()). */
static int
pg_ids_taken(struct crm_db *db, const char *table, struct crm_err *err)
{
	(void)db;
	(void)table;
	(void)err;
	return 0;
}

static int
pg_commit(struct crm_db *db, struct crm_err *err)
{
	PGresult *res = PQexec(C(db)->c, "COMMIT");
	int r = 0;

	/* A transaction that failed inside reports ROLLBACK to COMMIT. */
	if (PQresultStatus(res) != PGRES_COMMAND_OK ||
	    strcmp(PQcmdStatus(res), "COMMIT"))
		r = pg_fail(db, res, "cannot commit", err);
	PQclear(res);
	return r;
}

static void
pg_rollback(struct crm_db *db)
{
	if (pg_in_transaction(db))
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
		pg_fail(db, res, "cannot read the schema version", err);
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
		"SET standard_conforming_strings = on", ms);
	if (pg_exec(db, sql.buf, err) < 0)
		goto fail;
	if (flags & CRM_DB_READ)
		pg_exec(db, "SET default_transaction_read_only = on", err);
	C(db)->opened_at = -1;
	v = pg_version(db, err);
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
	.prepare = pg_prepare,
	.finalize = pg_finalize,
	.busy = pg_busy,
	.bind = pg_bind,
	.params = pg_params,
	.step = pg_step,
	.reset = pg_reset,
	.col_kind = pg_col_kind,
	.col_int = pg_col_int,
	.col_real = pg_col_real,
	.col_text = pg_col_text,
	.col_len = pg_col_len,
	.col_count = pg_col_count,
	.col_name = pg_col_name,
	.exec = pg_exec,
	.begin = pg_begin,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.in_transaction = pg_in_transaction,
	.begin_read = pg_begin_read,
	.ids_taken = pg_ids_taken,
	.version = pg_version,
	.set_version = pg_set_version,
	.migrate = crm_pg_migrate,
	.function = pg_function,
	.bulk = pg_bulk,
	.check = crm_pg_check,
	.load_begin = pg_load_begin,
	.load_value = pg_load_value,
	.load_end = pg_load_end,
	.size = pg_size,
	.temp_table = pg_temp_table,
	.search_fold = crm_pg_search_fold,
	.search_verify = crm_pg_search_verify,
	.search_suspend = crm_pg_search_suspend,
	.search_batch = crm_pg_search_batch,
	.search_where = crm_pg_search_where,
	.search_bind = crm_pg_search_bind,
};
