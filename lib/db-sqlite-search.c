/*
 * db-sqlite-search.c - the SQLite driver's search index: FTS5 over the
 * customers, with crm_bigram, a tokenizer that hands FTS5 the tokens
 * search.c cuts.
 */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "driver.h"
#include "entity.h"
#include "record.h"
#include "search.h"
#include "sqlite-compat.h"
#include "text.h"
#include "banned.h"

static int
tok_create(void *ctx, const char **argv, int argc, Fts5Tokenizer **out)
{
	static int dummy;

	(void)ctx;
	(void)argv;
	(void)argc;
	*out = (Fts5Tokenizer *)&dummy;
	return SQLITE_OK;
}

static void
tok_delete(Fts5Tokenizer *t)
{
	(void)t;
}

/* FTS5's token callback, and its context. */
struct fts_sink {
	int (*token)(void *, int, const char *, int, int, int);
	void *ctx;
};

static int
to_fts(void *arg, const char *tok, size_t n, size_t start, size_t end)
{
	struct fts_sink *k = arg;

	return k->token(k->ctx, 0, tok, (int)n, (int)start, (int)end);
}

static int
tok_tokenize(Fts5Tokenizer *t, void *ctx, int flags, const char *text,
	int ntext, int (*token)(void *, int, const char *, int, int, int))
{
	struct fts_sink k = { token, ctx };

	(void)t;
	if (!text || ntext <= 0)
		return SQLITE_OK;
	return crm_search_tokens(text, (size_t)ntext,
		flags & FTS5_TOKENIZE_QUERY, to_fts, &k);
}

int
crm_search_register(sqlite3 *h)
{
	static fts5_tokenizer tok = { tok_create, tok_delete, tok_tokenize };
	fts5_api *api = NULL;
	sqlite3_stmt *st = NULL;
	int rc;

	rc = sqlite3_prepare_v2(h, "SELECT fts5(?1)", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return rc;
	sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
	sqlite3_step(st);
	rc = sqlite3_finalize(st);
	if (rc != SQLITE_OK || !api)
		return rc != SQLITE_OK ? rc : SQLITE_ERROR;
	return api->xCreateTokenizer(api, "crm_bigram", NULL, &tok, NULL);
}

/* The customers whose index entry matches ?param, an FTS5 expression. */
int
crm_sqlite_search_where(struct crm_buf *sql, const char *col, int param)
{
	crm_buf_addf(sql, "%s IN (SELECT rowid FROM customers_fts\n"
		"WHERE customers_fts MATCH ?%d)", col, param);
	return 1;
}

/*
 * What a user searched for as an FTS5 expression: each run of letters
 * and digits must occur (AND), a run of one character as a prefix, a
 * longer one as a phrase of its pairs.  The characters go as typed: the
 * tokenizer folds the query as it folded the names (a Hangul syllable
 * folds to several jamo, ß to ss).  Appends to match; CRM_EX_USAGE when
 * text holds no letter or digit.
 */
int
crm_sqlite_search_match(const char *text, struct crm_buf *match,
	struct crm_err *err)
{
	struct crm_buf runs = CRM_BUF_INIT;
	const char *p, *nl;
	size_t n, terms = 0;
	int cp;

	crm_search_runs(text, strlen(text), 0, &runs);
	for (p = runs.buf; p && *p; p = nl + 1) {
		nl = strchr(p, '\n');
		n = (size_t)(nl - p);
		crm_buf_adds(match, terms++ ? " AND \"" : "\"");
		crm_buf_add(match, p, n);
		/* One character, however many bytes: a prefix. */
		crm_buf_adds(match, crm_text_next(p, n, &cp) == n ? "\" *" :
			"\"");
	}
	crm_buf_release(&runs);
	if (!terms)
		return crm_search_text_ok(text, err);
	return 0;
}

void
crm_sqlite_search_bind(struct crm_stmt *st, int param, const char *text)
{
	struct crm_buf match = CRM_BUF_INIT;
	struct crm_err err = CRM_ERR_INIT;

	crm_sqlite_search_match(text, &match, &err);
	crm_bind_copy(st, param, match.buf ? match.buf : "", match.len);
	crm_buf_release(&match);
	crm_err_release(&err);
}

int
crm_sqlite_search_fold(struct crm_db *db, struct crm_err *err)
{
	/* Out with what the index holds for each noted id, in with what
	 * the table holds now; the notes are then done with. */
	static const char fold[] =
		"INSERT INTO customers_fts\n"
		"       (customers_fts, rowid, name, email, phone, city)\n"
		"SELECT 'delete', id, name, email, phone, city\n"
		"FROM search_dirty WHERE held;\n"
		"INSERT INTO customers_fts (rowid, name, email, phone, city)\n"
		"SELECT t.id, t.name, t.email, t.phone, t.city\n"
		"FROM customers AS t WHERE t.id IN (SELECT id FROM search_dirty);\n"
		"DELETE FROM search_dirty;\n";

	return crm_db_exec(db, fold, err);
}

/* FTS5 compares its index with the table: SQLITE_CORRUPT when they
 * differ.  With repair a wrong index is built again. */
int
crm_sqlite_search_verify(struct crm_db *db, int repair, int *wrong,
	struct crm_err *err)
{
	static const char check[] =
		"INSERT INTO customers_fts (customers_fts, rank)\n"
		"VALUES ('integrity-check', 1)";
	int rc;

	rc = sqlite3_exec(crm_db_sqlite(db), check, NULL, NULL, NULL);
	if (rc == SQLITE_CORRUPT)
		*wrong = 1;
	else if (rc != SQLITE_OK)
		return crm_db_fail(db, rc, "cannot check the search index",
			err);
	if (*wrong && repair &&
	    crm_db_exec(db, "INSERT INTO customers_fts (customers_fts)\n"
	    "VALUES ('rebuild')", err) < 0)
		return -1;
	return 0;
}

int
crm_sqlite_search_suspend(struct crm_db *db, const char *table, int indexes,
	struct crm_search_hold *h, struct crm_err *err)
{
	static const char sql[] =
		"SELECT upper(m.type), m.name, m.sql FROM sqlite_master AS m\n"
		"WHERE m.tbl_name = ?1 AND (m.type = 'trigger' OR\n"
		"       (?2 AND m.type = 'index' AND m.sql IS NOT NULL AND\n"
		"        NOT (SELECT i.\"unique\" FROM pragma_index_list(?1) AS i\n"
		"             WHERE i.name = m.name)))\n"
		/* Indexes first: put back in this order, a second run finds
		 * the schema as the first left it. */
		"ORDER BY m.type = 'trigger', m.rowid";
	struct crm_stmt *st;

	st = crm_sql(db, "cannot read the indexes", sql, err);
	crm_bind_text(st, 1, table);
	crm_bind_int(st, 2, indexes);
	return crm_search_set_aside(db, st, h, err);
}


/* One statement over the search index of e for the records batch
 * changed (search.h). */
int
crm_sqlite_search_batch(struct crm_db *db, const struct crm_entity *e,
	int64_t batch, enum crm_search_rows what, struct crm_err *err)
{
	/* CRM_SEARCH_OLD_OUT: each record's first snapshot in the batch */
	static const char snapshots[] =
		"FROM import_changes AS c\n"
		"WHERE c.batch = ?1 AND c.tbl = ?2 AND c.action = 'update'\n"
		"  AND c.rowid = (SELECT min(d.rowid) FROM import_changes AS d\n"
		"                 WHERE d.batch = c.batch AND d.tbl = c.tbl\n"
		"                   AND d.record = c.record)";
	/* the others: the table, as "t" */
	static const char records[] =
		" AS t\n"
		"WHERE t.id IN (SELECT record FROM import_changes\n"
		"               WHERE batch = ?1 AND tbl = ?2)";
	struct crm_buf cols = CRM_BUF_INIT, vals = CRM_BUF_INIT,
		sql = CRM_BUF_INIT;
	struct crm_stmt *st;
	int ret = -1;

	/* The index's columns, as the schema made it. */
	st = crm_sql(db, "cannot read the search index",
		"SELECT name FROM pragma_table_info(?1)", err);
	crm_bind_text(st, 1, e->fts);
	while (crm_step(st) > 0) {
		const char *c = crm_col_text(st, 0);

		crm_buf_adds(&cols, ", ");
		crm_sql_ident(&cols, c);
		if (what == CRM_SEARCH_OLD_OUT) {
			crm_buf_addf(&vals, ", json_extract(c.old, '$.%s')",
				c);
		} else {
			crm_buf_adds(&vals, ", t.");
			crm_sql_ident(&vals, c);
		}
	}
	if (crm_done(st) < 0)
		goto out;
	crm_buf_adds(&sql, "INSERT INTO ");
	crm_sql_ident(&sql, e->fts);
	crm_buf_adds(&sql, " (");
	if (what != CRM_SEARCH_NOW_IN) {
		crm_sql_ident(&sql, e->fts);
		crm_buf_adds(&sql, ", ");
	}
	crm_buf_addf(&sql, "rowid%s)\nSELECT %s%s%s\n", cols.buf,
		what == CRM_SEARCH_NOW_IN ? "" : "'delete', ",
		what == CRM_SEARCH_OLD_OUT ? "c.record" : "t.id", vals.buf);
	if (what == CRM_SEARCH_OLD_OUT) {
		crm_buf_adds(&sql, snapshots);
	} else {
		crm_buf_adds(&sql, "FROM ");
		crm_sql_ident(&sql, e->table);
		crm_buf_adds(&sql, records);
	}
	if (crm_run(db, "cannot update the search index", err, sql.buf,
	    "it", batch, e->table) < 0)
		goto out;
	ret = 0;
out:
	crm_buf_release(&cols);
	crm_buf_release(&vals);
	crm_buf_release(&sql);
	return ret;
}

