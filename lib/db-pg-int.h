/*
 * db-pg-int.h - what the PostgreSQL driver's files share (db-pg.c: libpq,
 * errors, the connection and its transactions; db-pg-stmt.c: statements
 * and loads).  Nothing else includes it.
 */
#ifndef CRM_DB_PG_INT_H
#define CRM_DB_PG_INT_H

#include <libpq-fe.h>

#include "db.h"
#include "driver.h"

/* libpq's functions, loaded by db-pg.c (dlopen: see there). */
struct crm_pq {
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
	__typeof__(PQsendPrepare) *PQsendPrepare;
	__typeof__(PQexecParams) *PQexecParams;
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
};
extern struct crm_pq crm_pq;

#define PQclear (crm_pq.PQclear)
#define PQcmdStatus (crm_pq.PQcmdStatus)
#define PQcmdTuples (crm_pq.PQcmdTuples)
#define PQconnectdbParams (crm_pq.PQconnectdbParams)
#define PQerrorMessage (crm_pq.PQerrorMessage)
#define PQexec (crm_pq.PQexec)
#define PQexecPrepared (crm_pq.PQexecPrepared)
#define PQfinish (crm_pq.PQfinish)
#define PQfname (crm_pq.PQfname)
#define PQgetResult (crm_pq.PQgetResult)
#define PQsendQueryParams (crm_pq.PQsendQueryParams)
#define PQsendQueryPrepared (crm_pq.PQsendQueryPrepared)
#define PQsendPrepare (crm_pq.PQsendPrepare)
#define PQexecParams (crm_pq.PQexecParams)
#define PQpipelineSync (crm_pq.PQpipelineSync)
#define PQexitPipelineMode (crm_pq.PQexitPipelineMode)
#define PQenterPipelineMode (crm_pq.PQenterPipelineMode)
#define PQlibVersion (crm_pq.PQlibVersion)
#define PQftype (crm_pq.PQftype)
#define PQgetisnull (crm_pq.PQgetisnull)
#define PQgetlength (crm_pq.PQgetlength)
#define PQgetvalue (crm_pq.PQgetvalue)
#define PQnfields (crm_pq.PQnfields)
#define PQntuples (crm_pq.PQntuples)
#define PQprepare (crm_pq.PQprepare)
#define PQresultErrorField (crm_pq.PQresultErrorField)
#define PQresultStatus (crm_pq.PQresultStatus)
#define PQsetNoticeProcessor (crm_pq.PQsetNoticeProcessor)
#define PQputCopyData (crm_pq.PQputCopyData)
#define PQputCopyEnd (crm_pq.PQputCopyEnd)
#define PQstatus (crm_pq.PQstatus)
#define PQtransactionStatus (crm_pq.PQtransactionStatus)

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
	char cursor[16];	/* a use read in parts: its cursor, or "" */
	int more;		/* the cursor may have rows after res's */
	int own_tx;		/* the cursor's transaction is its own */
};

#define C(db) ((struct conn *)(db)->conn)
#define PS(st) ((struct pstmt *)(st)->ds)

/* An error of the server (res, or the connection's when NULL) into err
 * as what: the exit status its SQLSTATE maps to; -1. */
int crm_pg_fail(struct crm_db *db, const PGresult *res, const char *what,
	struct crm_err *err);
int crm_pg_in_transaction(struct crm_db *db);

/* db-pg-stmt.c: the driver's statement and load functions. */
int crm_pg_prepare(struct crm_stmt *st);
void crm_pg_finalize(struct crm_stmt *st);
int crm_pg_busy(struct crm_stmt *st);
int crm_pg_bind(struct crm_stmt *st, int i, enum crm_kind k, int64_t iv,
	double rv, const char *s, size_t n);
int crm_pg_params(struct crm_stmt *st);
int crm_pg_step(struct crm_stmt *st);
void crm_pg_reset(struct crm_stmt *st);
enum crm_kind crm_pg_col_kind(struct crm_stmt *st, int i);
int64_t crm_pg_col_int(struct crm_stmt *st, int i);
double crm_pg_col_real(struct crm_stmt *st, int i);
const char *crm_pg_col_text(struct crm_stmt *st, int i);
size_t crm_pg_col_len(struct crm_stmt *st, int i);
int crm_pg_col_count(struct crm_stmt *st);
const char *crm_pg_col_name(struct crm_stmt *st, int i);
int crm_pg_load_begin(struct crm_load *ld, const char *table,
	const char *columns);
int crm_pg_load_value(struct crm_load *ld, enum crm_kind k, int64_t iv,
	double rv, const char *s, size_t n, int last);
int crm_pg_load_end(struct crm_load *ld, int ok);

#endif
