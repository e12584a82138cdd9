/*
 * search.c - the search index of the customers, whatever keeps it.
 *
 * What a search finds is decided here, once for both backends: how a
 * name is cut into tokens (crm_search_tokens), the runs a query is made
 * of (crm_search_runs), when noted changes are taken in.  Each driver
 * keeps the index in its own way (db-sqlite-search.c: FTS5 with the
 * crm_bigram tokenizer; db-pg-search.c: the same tokens in a text[]
 * with a GIN index) and answers the calls below.
 */
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "db.h"
#include "driver.h"
#include "entity.h"
#include "record.h"
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

int
crm_search_tokens(const char *text, size_t ntext, int query,
	crm_token_fn *fn, void *arg)
{
	struct unit prev, cur;
	int have_prev = 0, run = 0, rc = 0;
	size_t prev_start = 0, pos = 0;
	char pair[64];

	if (!text)
		return 0;
	while (pos < ntext && rc == 0) {
		size_t start = pos;

		pos += fold_unit(text + pos, ntext - pos, &cur);
		if (!cur.word) {
			/* End of a run: its last character alone, or in a
			 * query a run of one. */
			if (have_prev && (!query || run == 1))
				rc = fn(arg, prev.s, (size_t)prev.n,
					prev_start, start);
			have_prev = 0;
			run = 0;
			continue;
		}
		if (have_prev) {
			memcpy(pair, prev.s, (size_t)prev.n);
			memcpy(pair + prev.n, cur.s, (size_t)cur.n);
			rc = fn(arg, pair, (size_t)(prev.n + cur.n),
				prev_start, pos);
		}
		prev = cur;
		prev_start = start;
		have_prev = 1;
		run++;
	}
	if (rc == 0 && have_prev && (!query || run == 1))
		rc = fn(arg, prev.s, (size_t)prev.n, prev_start, ntext);
	return rc;
}

int
crm_search_chars(const char *text, size_t len, crm_token_fn *fn, void *arg)
{
	struct unit u;
	size_t pos = 0, start;
	int rc = 0;

	while (text && pos < len && rc == 0) {
		start = pos;
		pos += fold_unit(text + pos, len - pos, &u);
		if (u.word)
			rc = fn(arg, u.s, (size_t)u.n, start, pos);
	}
	return rc;
}

size_t
crm_search_runs(const char *text, size_t len, int folded,
	struct crm_buf *out)
{
	struct unit u;
	size_t pos = 0, runs = 0;
	int run = 0;

	while (text && pos <= len) {
		size_t start = pos;

		if (pos < len) {
			pos += fold_unit(text + pos, len - pos, &u);
		} else {
			u.word = 0;
			pos++;
		}
		if (u.word) {
			if (folded)
				crm_buf_add(out, u.s, (size_t)u.n);
			else
				crm_buf_add(out, text + start, pos - start);
			run++;
			continue;
		}
		if (run) {
			crm_buf_addch(out, '\n');
			runs++;
		}
		run = 0;
	}
	return runs;
}

int
crm_search_text_ok(const char *text, struct crm_err *err)
{
	struct crm_buf runs = CRM_BUF_INIT;
	size_t n = crm_search_runs(text, strlen(text), 0, &runs);

	crm_buf_release(&runs);
	if (!n)
		return crm_err_set(err, CRM_EX_USAGE,
			"nothing to search for in '%s': give letters or "
			"digits", text);
	return 0;
}

int
crm_search_where(struct crm_db *db, struct crm_buf *sql, const char *col,
	int param)
{
	return db->drv->search_where(sql, col, param);
}

void
crm_search_bind(struct crm_db *db, struct crm_stmt *st, int param,
	const char *text)
{
	db->drv->search_bind(st, param, text);
}

/* Whether a customer changed since the index last took it in. */
static const char any_dirty[] =
	"SELECT count(*) FROM (SELECT 1 FROM search_dirty LIMIT 1) AS d";

int
crm_search_fold(struct crm_db *db, struct crm_err *err)
{
	/* 0 too when there is no search_dirty (a schema being built). */
	if (!crm_db_int(db, any_dirty, 0))
		return 0;
	return db->drv->search_fold(db, err);
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
	struct crm_search_state *s = arg;

	s->pending = crm_db_int(db, "SELECT count(*) FROM search_dirty", 0);
	if (crm_search_fold(db, err) < 0)
		return -1;
	return db->drv->search_verify(db, s->repair, &s->wrong, err);
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
	if (crm_search_fold(db, err) < 0)
		return -1;
	return db->drv->search_suspend(db, table, indexes, h, err);
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

int
crm_search_set_aside(struct crm_db *db, struct crm_stmt *st,
	struct crm_search_hold *h, struct crm_err *err)
{
	struct crm_buf drop = CRM_BUF_INIT;
	const char *what;
	int ret = 0;

	while (crm_step(st) > 0) {
		what = crm_col_text(st, 0);
		if (strcmp(what, "INDEX") && strcmp(what, "TRIGGER"))
			continue;
		h->sql = crm_xrealloc(h->sql, (h->n + 1) * sizeof(*h->sql));
		h->sql[h->n++] = crm_strdup(crm_col_text(st, 2));
		crm_buf_addf(&drop, "DROP %s ", what);
		crm_sql_ident(&drop, crm_col_text(st, 1));
		/* PostgreSQL's triggers are named within their table. */
		if (crm_col_count(st) > 3 && crm_col_text(st, 3)) {
			crm_buf_adds(&drop, " ON ");
			crm_sql_ident(&drop, crm_col_text(st, 3));
		}
		crm_buf_adds(&drop, ";\n");
	}
	if (crm_done(st) < 0)
		ret = -1;
	else if (drop.len)
		ret = crm_db_exec(db, drop.buf, err);
	crm_buf_release(&drop);
	return ret;
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

int
crm_search_batch_out(struct crm_db *db, const struct crm_entity *e,
	int64_t batch, int before, struct crm_err *err)
{
	if (!e->fts)
		return 0;
	return db->drv->search_batch(db, e, batch, before ? CRM_SEARCH_OLD_OUT :
		CRM_SEARCH_NOW_OUT, err);
}

int
crm_search_batch_in(struct crm_db *db, const struct crm_entity *e,
	int64_t batch, struct crm_err *err)
{
	if (!e->fts)
		return 0;
	return db->drv->search_batch(db, e, batch, CRM_SEARCH_NOW_IN, err);
}
