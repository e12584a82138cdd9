#include <string.h>
#include <utf8proc.h>

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
