/*
 * db-pg-search.c - the PostgreSQL driver's search index: for each
 * customer, the tokens search.c cuts (hashed, in a bigint[] with a GIN
 * index) and the folded runs they come from (customer_search,
 * db-pg-schema.c).
 *
 * The server cannot cut tokens, so crm does, here, as it does for FTS5:
 * triggers note changed customers in search_dirty and the fold at each
 * commit writes their entries.  A search finds the customers whose
 * tokens hold the query's (the index) and whose folded runs hold each
 * run of the query (a phrase, as FTS5 matches one): the customers
 * SQLite finds.  A run of one character matches as FTS5's prefix
 * query does: the index holds each leading part of every folded
 * character ("_s" and "_ss" for ß), which no pair can be taken for.
 */
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "driver.h"
#include "entity.h"
#include "record.h"
#include "search.h"
#include "text.h"
#include "banned.h"

/* The columns a customer is found by: name, email, phone, city. */
#define NCOLS 4

struct grams {
	struct crm_buf *out;	/* tokens, a line each */
	const char *text;	/* what is being cut */
	int query;
};

/* Append the leading parts of the folded character tok ("_s", "_ss"),
 * each code point longer than the last. */
static void
unigrams(const char *tok, size_t n, struct crm_buf *out)
{
	size_t pos = 0;
	int cp;

	while (pos < n) {
		pos += crm_text_next(tok + pos, n - pos, &cp);
		if (out->len)
			crm_buf_addch(out, '\n');
		crm_buf_addch(out, '_');
		crm_buf_add(out, tok, pos);
	}
}

static int
add_gram(void *arg, const char *tok, size_t n, size_t start, size_t end)
{
	struct grams *g = arg;
	int cp;

	/* One character of the text: a run of one in a query, or a run's
	 * last character in a record. */
	if (crm_text_next(g->text + start, end - start, &cp) == end - start) {
		if (g->query)
			unigrams(tok, n, g->out);
		return 0;
	}
	if (g->out->len)
		crm_buf_addch(g->out, '\n');
	crm_buf_add(g->out, tok, n);
	return 0;
}

/* A folded character of a record alone: its leading parts. */
static int
add_char(void *arg, const char *tok, size_t n, size_t start, size_t end)
{
	struct grams *g = arg;

	(void)start;
	(void)end;
	unigrams(tok, n, g->out);
	return 0;
}

/* A record's tokens and folded runs, for the n columns in text[]. */
static void
entry(const char *const *text, size_t n, struct crm_buf *grams,
	struct crm_buf *folded)
{
	struct grams g = { grams, NULL, 0 };
	size_t i;

	for (i = 0; i < n; i++) {
		if (!text[i])
			continue;
		g.text = text[i];
		crm_search_tokens(text[i], strlen(text[i]), 0, add_gram, &g);
		/* Each character alone: a query of one finds it. */
		crm_search_runs(text[i], strlen(text[i]), 1, folded);
		crm_search_chars(text[i], strlen(text[i]), add_char, &g);
	}
	/* No newline at the end: string_to_array() would make it an
	 * empty element. */
	while (folded->len && folded->buf[folded->len - 1] == '\n')
		crm_buf_setlen(folded, folded->len - 1);
}

/*
 * The grams, one a line, as the index holds them: each its FNV-1a hash, a
 * bigint, sep between them.  Numbers, not text: a GIN index of numbers is
 * built in half the time of one of text compared by the database's
 * collation, and a search looks its grams up in it the same way.  Two
 * grams that hash alike (one chance in 2^64 a pair) only let the phrase
 * check below look at a customer it would not have.
 */
static void
numbers(const struct crm_buf *grams, char sep, struct crm_buf *out)
{
	const char *p, *end, *nl;

	if (!grams->len)
		return;
	p = grams->buf;
	end = p + grams->len;
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		if (p != grams->buf)
			crm_buf_addch(out, sep);
		crm_buf_addf(out, "%lld",
			(long long)crm_text_hash(p, (size_t)(nl - p)));
		p = nl + 1;
	}
}

/* The grams as an array literal: {1,-2}. */
static void
array_literal(const struct crm_buf *grams, struct crm_buf *out)
{
	crm_buf_addch(out, '{');
	numbers(grams, ',', out);
	crm_buf_addch(out, '}');
}

/* The customers noted in search_dirty, and those import batch changed
 * (0: none), which its triggers may not have noted (suspend below). */
#define FOLD_IDS \
	"SELECT id FROM search_dirty\n" \
	"UNION SELECT record FROM import_changes\n" \
	"WHERE batch = ?1 AND tbl = 'customers'"

/* The entries of the customers to fold, made again. */
static int
fold(struct crm_db *db, int64_t batch, struct crm_err *err)
{
	struct crm_buf grams = CRM_BUF_INIT, folded = CRM_BUF_INIT;
	struct crm_buf array = CRM_BUF_INIT;
	struct crm_load *ld = NULL;
	struct crm_stmt *st;
	const char *text[NCOLS];
	int ret = 0, i, got;

	if (crm_run(db, "cannot update the search index", err,
	    "DELETE FROM customer_search WHERE id IN (" FOLD_IDS ")",
	    "i", batch) < 0)
		return -1;
	st = crm_sql(db, "cannot update the search index",
		"SELECT id, name, email, phone, city FROM customers\n"
		"WHERE id IN (" FOLD_IDS ")", err);
	crm_bind_int(st, 1, batch);
	crm_stmt_many(st);
	/* The SELECT is read in parts, and the load sends its rows in
	 * pieces: the connection is free for each in turn. */
	got = crm_step(st);
	if (got > 0)
		ld = crm_load_begin(db, "customer_search", "id, grams, folded",
			3, err);
	for (; got > 0; got = crm_step(st)) {
		crm_buf_reset(&grams);
		crm_buf_reset(&folded);
		crm_buf_reset(&array);
		for (i = 0; i < NCOLS; i++)
			text[i] = crm_col_text(st, i + 1);
		entry(text, NCOLS, &grams, &folded);
		array_literal(&grams, &array);
		crm_load_int(ld, crm_col_int(st, 0));
		crm_load_text(ld, array.buf, array.len);
		crm_load_text(ld, folded.buf, folded.len);
	}
	if (crm_done(st) < 0)
		ret = -1;
	if (ld && crm_load_end(ld) < 0)
		ret = -1;
	crm_buf_release(&grams);
	crm_buf_release(&folded);
	crm_buf_release(&array);
	if (ret == 0 && crm_run(db, "cannot update the search index", err,
	    "DELETE FROM search_dirty", NULL) < 0)
		ret = -1;
	return ret;
}

int
crm_pg_search_fold(struct crm_db *db, struct crm_err *err)
{
	return fold(db, 0, err);
}

/*
 * Every customer's entry as it should be, against what the index holds;
 * with repair, everything noted afresh and folded in again.
 */
int
crm_pg_search_verify(struct crm_db *db, int repair, int *wrong,
	struct crm_err *err)
{
	struct crm_buf grams = CRM_BUF_INIT, folded = CRM_BUF_INIT;
	struct crm_buf hashes = CRM_BUF_INIT;
	struct crm_stmt *st;
	const char *text[NCOLS];
	int i;

	st = crm_sql(db, "cannot check the search index",
		"SELECT c.id, c.name, c.email, c.phone, c.city,\n"
		"       array_to_string(s.grams, chr(10)), s.folded\n"
		"FROM customers AS c\n"
		"FULL JOIN customer_search AS s ON s.id = c.id", err);
	crm_stmt_many(st);
	while (!*wrong && crm_step(st) > 0) {
		const char *g = crm_col_text(st, 5), *f = crm_col_text(st, 6);

		if (crm_col_kind(st, 0) == CRM_NULL || !g || !f) {
			*wrong = 1;
			break;
		}
		crm_buf_reset(&grams);
		crm_buf_reset(&folded);
		for (i = 0; i < NCOLS; i++)
			text[i] = crm_col_text(st, i + 1);
		entry(text, NCOLS, &grams, &folded);
		crm_buf_reset(&hashes);
		numbers(&grams, '\n', &hashes);
		if (strcmp(hashes.buf ? hashes.buf : "", g) ||
		    strcmp(folded.buf ? folded.buf : "", f))
			*wrong = 1;
	}
	crm_buf_release(&grams);
	crm_buf_release(&folded);
	crm_buf_release(&hashes);
	if (crm_done(st) < 0)
		return -1;
	if (*wrong && repair) {
		if (crm_run(db, "cannot rebuild the search index", err,
		    "DELETE FROM customer_search", NULL) < 0 ||
		    crm_run(db, "cannot rebuild the search index", err,
		    "INSERT INTO search_dirty (id) SELECT id FROM customers\n"
		    "ON CONFLICT DO NOTHING", NULL) < 0)
			return -1;
		return crm_pg_search_fold(db, err);
	}
	return 0;
}

/*
 * Into an empty table (indexes): its indexes that keep nothing unique,
 * and for the customers the search index's GIN index, are dropped and
 * made again at the end - built at once from the rows, not grown row by
 * row (which takes most of a large import's time) - and so is the
 * trigger that notes each new customer (a tenth of the time of a COPY):
 * the batch's records are noted at once, from the import log, by
 * crm_pg_search_batch().  All of it is dropped in the import's
 * transaction, so other readers of the table wait for it: a first
 * load, with nothing yet to read.  Into a table that holds records the
 * triggers stay; they only note ids, folded in one load at the commit.
 */
int
crm_pg_search_suspend(struct crm_db *db, const char *table, int indexes,
	struct crm_search_hold *h, struct crm_err *err)
{
	struct crm_stmt *st;

	if (!indexes)
		return 0;
	st = crm_sql(db, "cannot read the indexes",
		"SELECT 'INDEX', c.relname, pg_get_indexdef(x.indexrelid),\n"
		"       NULL\n"
		"FROM pg_index AS x\n"
		"JOIN pg_class AS c ON c.oid = x.indexrelid\n"
		"JOIN pg_class AS t ON t.oid = x.indrelid\n"
		"WHERE t.relnamespace = current_schema()::regnamespace\n"
		"  AND NOT x.indisunique\n"
		"  AND (t.relname = ?1 OR (?1 = 'customers' AND\n"
		"       t.relname = 'customer_search'))\n"
		"UNION ALL\n"
		"SELECT 'TRIGGER', g.tgname, pg_get_triggerdef(g.oid), t.relname\n"
		"FROM pg_trigger AS g\n"
		"JOIN pg_class AS t ON t.oid = g.tgrelid\n"
		"WHERE t.relnamespace = current_schema()::regnamespace\n"
		"  AND t.relname = ?1 AND g.tgname = 'customers_search_insert'\n"
		/* Indexes first: put back in this order. */
		"ORDER BY 1 DESC, 2", err);
	crm_bind_text(st, 1, table);
	return crm_search_set_aside(db, st, h, err);
}

/* Taking in a batch's records is the fold, done here (before the
 * indexes set aside are made again) rather than at the commit, of what
 * the triggers noted and of the records the log holds: the insert
 * trigger may have been set aside. */
int
crm_pg_search_batch(struct crm_db *db, const struct crm_entity *e,
	int64_t batch, enum crm_search_rows what, struct crm_err *err)
{
	(void)e;
	return what == CRM_SEARCH_NOW_IN ? fold(db, batch, err) : 0;
}

int
crm_pg_search_where(struct crm_buf *sql, const char *col, int param)
{
	crm_buf_addf(sql, "%s IN (SELECT s.id FROM customer_search AS s\n"
		"WHERE s.grams @> ?%d::bigint[]\n"
		"  AND NOT EXISTS (SELECT 1\n"
		"       FROM unnest(string_to_array(?%d, chr(10))) AS r (run)\n"
		"       WHERE strpos(s.folded, r.run) = 0))",
		col, param, param + 1);
	return 2;
}

void
crm_pg_search_bind(struct crm_stmt *st, int param, const char *text)
{
	struct crm_buf grams = CRM_BUF_INIT, runs = CRM_BUF_INIT;
	struct crm_buf array = CRM_BUF_INIT;
	struct grams g = { &grams, text, 1 };

	crm_search_tokens(text, strlen(text), 1, add_gram, &g);
	crm_search_runs(text, strlen(text), 1, &runs);
	while (runs.len && runs.buf[runs.len - 1] == '\n')
		crm_buf_setlen(&runs, runs.len - 1);
	array_literal(&grams, &array);
	crm_bind_copy(st, param, array.buf, array.len);
	crm_bind_copy(st, param + 1, runs.buf ? runs.buf : "", runs.len);
	crm_buf_release(&grams);
	crm_buf_release(&runs);
	crm_buf_release(&array);
}
