#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "db.h"
#include "entity.h"
#include "record.h"
#include "sqlite-compat.h"
#include "search.h"
#include "text.h"
#include "banned.h"

/* One folded character: up to a few code points of UTF-8. */
struct unit {
	char s[32];
	int n;		/* bytes in s; 0 for a character that folds away */
	int word;	/* a letter or a digit */
};

static int
is_word(utf8proc_int32_t cp)
{
	switch (utf8proc_category(cp)) {
	case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL:
	case UTF8PROC_CATEGORY_LT: case UTF8PROC_CATEGORY_LM:
	case UTF8PROC_CATEGORY_LO: case UTF8PROC_CATEGORY_ND:
	case UTF8PROC_CATEGORY_NL: case UTF8PROC_CATEGORY_NO:
		return 1;
	default:
		return 0;
	}
}

/* Fold the character at s (len > 0) into u.  Returns its byte length. */
static size_t
fold_unit(const char *s, size_t len, struct unit *u)
{
	utf8proc_int32_t buf[8];
	utf8proc_ssize_t n, i;
	int cp, last = 0;
	size_t adv = crm_text_next(s, len, &cp);

	u->n = 0;
	u->word = 0;
	if (cp < 0)
		return adv;
	if (cp < 0x80) {
		if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9')) {
			u->s[u->n++] = (char)cp;
			u->word = 1;
		} else if (cp >= 'A' && cp <= 'Z') {
			u->s[u->n++] = (char)(cp + 32);
			u->word = 1;
		}
		return adv;
	}
	n = utf8proc_decompose_char(cp, buf, 8, UTF8PROC_COMPAT |
		UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK | UTF8PROC_DECOMPOSE,
		&last);
	if (n < 0 || n > 8)
		return adv;
	for (i = 0; i < n; i++) {
		if (!is_word(buf[i]))
			continue;
		if (u->n + 4 > (int)sizeof(u->s))
			break;
		u->n += (int)utf8proc_encode_char(buf[i],
			(utf8proc_uint8_t *)u->s + u->n);
		u->word = 1;
	}
	return adv;
}

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

static int
tok_tokenize(Fts5Tokenizer *t, void *ctx, int flags, const char *text,
	int ntext, int (*token)(void *, int, const char *, int, int, int))
{
	struct unit prev, cur;
	int have_prev = 0, run = 0, rc = SQLITE_OK;
	int prev_start = 0, pos = 0, query = flags & FTS5_TOKENIZE_QUERY;
	char pair[64];

	(void)t;
	if (!text || ntext <= 0)
		return SQLITE_OK;
	while (pos < ntext && rc == SQLITE_OK) {
		int start = pos;

		pos += (int)fold_unit(text + pos, (size_t)(ntext - pos), &cur);
		if (!cur.word) {
			/* End of a run: its last character alone, or in a
			 * query a run of one. */
			if (have_prev && (!query || run == 1))
				rc = token(ctx, 0, prev.s, prev.n, prev_start,
					start);
			have_prev = 0;
			run = 0;
			continue;
		}
		if (have_prev) {
			memcpy(pair, prev.s, (size_t)prev.n);
			memcpy(pair + prev.n, cur.s, (size_t)cur.n);
			rc = token(ctx, 0, pair, prev.n + cur.n, prev_start,
				pos);
		}
		prev = cur;
		prev_start = start;
		have_prev = 1;
		run++;
	}
	if (rc == SQLITE_OK && have_prev && (!query || run == 1))
		rc = token(ctx, 0, prev.s, prev.n, prev_start, ntext);
	return rc;
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

int
crm_search_query(const char *text, struct crm_buf *match, struct crm_err *err)
{
	struct unit u;
	size_t len = strlen(text), pos = 0;
	int run = 0, terms = 0;

	while (pos <= len) {
		size_t start = pos;

		if (pos < len)
			pos += fold_unit(text + pos, len - pos, &u);
		else {
			u.word = 0;
			pos++;
		}
		if (u.word) {
			if (!run)
				crm_buf_adds(match, terms ? " AND \"" : "\"");
			/* The character as typed: the tokenizer folds the
			 * query as it folded the names (a Hangul syllable
			 * folds to several jamo, ß to ss). */
			crm_buf_add(match, text + start, pos - start);
			run++;
			continue;
		}
		if (run) {
			crm_buf_adds(match, run == 1 ? "\" *" : "\"");
			terms++;
		}
		run = 0;
	}
	if (!terms)
		return crm_err_set(err, CRM_EX_USAGE,
			"nothing to search for in '%s': give letters or "
			"digits", text);
	return 0;
}

/* Whether a customer changed since the index last took it in. */
static const char any_dirty[] =
	"SELECT EXISTS (SELECT 1 FROM search_dirty)";

int
crm_search_fold(struct crm_db *db, struct crm_err *err)
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

	/* 0 too when there is no search_dirty (a schema being built). */
	if (!crm_db_int(db, any_dirty, 0))
		return 0;
	return crm_db_exec(db, fold, err);
}

/*
 * Run fn in a write transaction on db, or on a connection of its own
 * when db is a reader.  fn's transaction is committed when keep is set
 * and fn succeeds, rolled back otherwise.
 */
static int
in_writer(struct crm_db *db, int keep,
	int (*fn)(struct crm_db *, void *, struct crm_err *), void *arg,
	struct crm_err *err)
{
	struct crm_db own, *w = db;
	int ret;

	if (db->readonly) {
		if (crm_db_open(&own, db->path, 0, err) < 0)
			return -1;
		w = &own;
	}
	ret = crm_db_begin(w, err);
	if (ret == 0)
		ret = fn(w, arg, err);
	if (ret == 0 && keep)
		ret = crm_db_commit(w, err);
	crm_db_rollback(w);
	if (w == &own)
		crm_db_close(&own);
	return ret;
}

static int
fold_fn(struct crm_db *db, void *arg, struct crm_err *err)
{
	(void)arg;
	return crm_search_fold(db, err);
}

int
crm_search_fresh(struct crm_db *db, struct crm_err *err)
{
	if (!crm_db_int(db, any_dirty, 0))
		return 0;
	if (!db->readonly && crm_db_in_transaction(db))
		return crm_search_fold(db, err);
	return in_writer(db, 1, fold_fn, NULL, err);
}

static int
check_fn(struct crm_db *db, void *arg, struct crm_err *err)
{
	static const char check[] =
		"INSERT INTO customers_fts (customers_fts, rank)\n"
		"VALUES ('integrity-check', 1)";
	struct crm_search_state *s = arg;
	int rc;

	s->pending = crm_db_int(db, "SELECT count(*) FROM search_dirty", 0);
	if (crm_search_fold(db, err) < 0)
		return -1;
	/* FTS5 compares its index with the table: SQLITE_CORRUPT when
	 * they differ. */
	rc = sqlite3_exec(crm_db_sqlite(db), check, NULL, NULL, NULL);
	if (rc == SQLITE_CORRUPT)
		s->wrong = 1;
	else if (rc != SQLITE_OK)
		return crm_db_fail(db, rc, "cannot check the search index",
			err);
	if (s->wrong && s->repair &&
	    crm_db_exec(db, "INSERT INTO customers_fts (customers_fts)\n"
	    "VALUES ('rebuild')", err) < 0)
		return -1;
	return 0;
}

int
crm_search_check(struct crm_db *db, struct crm_search_state *s,
	struct crm_err *err)
{
	s->pending = 0;
	s->wrong = 0;
	return in_writer(db, s->repair, check_fn, s, err);
}

/* ---- bulk writes -------------------------------------------------------- */

int
crm_search_suspend(struct crm_db *db, const char *table, int indexes,
	struct crm_search_hold *h, struct crm_err *err)
{
	static const char sql[] =
		"SELECT m.type, m.name, m.sql FROM sqlite_master AS m\n"
		"WHERE m.tbl_name = ?1 AND (m.type = 'trigger' OR\n"
		"       (?2 AND m.type = 'index' AND m.sql IS NOT NULL AND\n"
		"        NOT (SELECT i.\"unique\" FROM pragma_index_list(?1) AS i\n"
		"             WHERE i.name = m.name)))\n"
		/* Indexes first: put back in this order, a second run finds
		 * the schema as the first left it. */
		"ORDER BY m.type = 'trigger', m.rowid";
	struct crm_buf drop = CRM_BUF_INIT;
	struct crm_stmt *st;
	int ret = 0;

	if (crm_search_fold(db, err) < 0)
		return -1;
	st = crm_sql(db, "cannot read the indexes", sql, err);
	crm_bind_text(st, 1, table);
	crm_bind_int(st, 2, indexes);
	while (crm_step(st) > 0) {
		h->sql = crm_xrealloc(h->sql, (h->n + 1) * sizeof(*h->sql));
		h->sql[h->n++] = crm_strdup(crm_col_text(st, 2));
		crm_buf_addf(&drop, "DROP %s ",
			!strcmp(crm_col_text(st, 0), "index") ? "INDEX" :
			"TRIGGER");
		crm_sql_ident(&drop, crm_col_text(st, 1));
		crm_buf_adds(&drop, ";\n");
	}
	if (crm_done(st) < 0)
		ret = -1;
	else if (drop.len)
		ret = crm_db_exec(db, drop.buf, err);
	crm_buf_release(&drop);
	return ret;
}

int
crm_search_resume(struct crm_db *db, const struct crm_search_hold *h,
	struct crm_err *err)
{
	size_t i;

	for (i = 0; i < h->n; i++)
		if (crm_db_exec(db, h->sql[i], err) < 0)
			return -1;
	return 0;
}

void
crm_search_hold_release(struct crm_search_hold *h)
{
	size_t i;

	for (i = 0; i < h->n; i++)
		free(h->sql[i]);
	free(h->sql);
	h->sql = NULL;
	h->n = 0;
}

/* What batch_rows() does with the search index of a batch's records. */
enum rows {
	OLD_OUT,	/* out: the records it updated, as they were */
	NOW_OUT,	/* out: all it changed, as the table holds them */
	NOW_IN		/* in: all it changed that the table holds */
};

/* One statement over the search index of e for the records batch
 * changed (search.h). */
static int
batch_rows(struct crm_db *db, const struct crm_entity *e, int64_t batch,
	enum rows what, struct crm_err *err)
{
	/* OLD_OUT: each record's first snapshot in the batch */
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

	if (!e->fts)
		return 0;
	/* The index's columns, as the schema made it. */
	st = crm_sql(db, "cannot read the search index",
		"SELECT name FROM pragma_table_info(?1)", err);
	crm_bind_text(st, 1, e->fts);
	while (crm_step(st) > 0) {
		const char *c = crm_col_text(st, 0);

		crm_buf_adds(&cols, ", ");
		crm_sql_ident(&cols, c);
		if (what == OLD_OUT) {
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
	if (what != NOW_IN) {
		crm_sql_ident(&sql, e->fts);
		crm_buf_adds(&sql, ", ");
	}
	crm_buf_addf(&sql, "rowid%s)\nSELECT %s%s%s\n", cols.buf,
		what == NOW_IN ? "" : "'delete', ",
		what == OLD_OUT ? "c.record" : "t.id", vals.buf);
	if (what == OLD_OUT) {
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

int
crm_search_batch_out(struct crm_db *db, const struct crm_entity *e,
	int64_t batch, int before, struct crm_err *err)
{
	return batch_rows(db, e, batch, before ? OLD_OUT : NOW_OUT, err);
}

int
crm_search_batch_in(struct crm_db *db, const struct crm_entity *e,
	int64_t batch, struct crm_err *err)
{
	return batch_rows(db, e, batch, NOW_IN, err);
}
