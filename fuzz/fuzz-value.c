/*
 * fuzz-value - libFuzzer target for the value parsers and text functions
 * (lib/value.h, lib/text.h, lib/search.h, lib/dupes.h).
 *
 * Input: the first byte picks the function, the rest is its text.  Beyond
 * the sanitizers it checks the promises: a parser either sets err (code
 * CRM_EX_DATAERR, a message) and leaves out alone, or gives the storage
 * form, which it accepts again unchanged (normalizing twice is normalizing
 * once: two spellings of one email can never be stored as two); cleaned
 * text is valid UTF-8 without control characters or white space at the
 * ends; a cut fits its width; a search expression is valid FTS5 and finds
 * the text it was made from.  Money stays within CRM_MONEY_MAX, a decimal
 * is stored as a JSON number and a time within the years 0000-9999.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dupes.h"
#include "search.h"
#include "sqlite-compat.h"
#include "text.h"
#include "value.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static sqlite3 *fts;

#define CHECK(cond, ...) do { \
	if (!(cond)) { \
		fprintf(stderr, "fuzz-value: " __VA_ARGS__); \
		fputc('\n', stderr); \
		abort(); \
	} \
} while (0)

/* A fresh in-memory index with a few rows (again now and then: an
 * in-memory database never gives pages back). */
static void
fts_open(void)
{
	if (fts)
		sqlite3_close(fts);
	CHECK(sqlite3_open(":memory:", &fts) == SQLITE_OK, "sqlite");
	CHECK(crm_search_register(fts) == SQLITE_OK, "tokenizer");
	CHECK(sqlite3_exec(fts, "CREATE VIRTUAL TABLE t USING fts5 (x, "
		"tokenize = 'crm_bigram'); INSERT INTO t (rowid, x) VALUES "
		"(1, '王小明'), (2, 'Ada Lovelace'), (3, 'ＡＢＣ 13800138000')",
		NULL, NULL, NULL) == SQLITE_OK, "%s", sqlite3_errmsg(fts));
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	setenv("TZ", "UTC", 1);
	tzset();
	setenv("CRM_TODAY", "2026-11-22", 1);
	fts_open();
	return 0;
}

typedef int (*text_parser)(const char *, struct crm_buf *, struct crm_err *);

/* A parser's result: refused cleanly, or accepted and stable. */
static int
check_text_parser(const char *name, text_parser parse, const char *in,
	struct crm_buf *out)
{
	struct crm_buf again = CRM_BUF_INIT;
	struct crm_err err = CRM_ERR_INIT;

	if (parse(in, out, &err) < 0) {
		CHECK(err.code == CRM_EX_DATAERR || err.code == CRM_EX_USAGE,
			"%s '%s': code %d", name, in, err.code);
		CHECK(err.msg.len > 0, "%s '%s': no message", name, in);
		CHECK(out->len == 0, "%s '%s': out '%s' on error", name, in,
			out->buf);
		crm_err_release(&err);
		return -1;
	}
	CHECK(err.code == 0, "%s '%s': err set on success", name, in);
	CHECK(strlen(out->buf) == out->len, "%s '%s': NUL inside", name, in);
	if (parse(out->buf, &again, &err) < 0)
		CHECK(0, "%s '%s' -> '%s', which it refuses: %s", name, in,
			out->buf, err.msg.buf);
	CHECK(!strcmp(again.buf, out->buf), "%s '%s' -> '%s' -> '%s'", name,
		in, out->buf, again.buf);
	crm_buf_release(&again);
	crm_err_release(&err);
	return 0;
}

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static void
fuzz_email(const char *in)
{
	struct crm_buf out = CRM_BUF_INIT;
	const char *at;

	if (check_text_parser("email", crm_parse_email, in, &out) == 0 &&
	    out.len) {
		at = strchr(out.buf, '@');
		CHECK(at && at != out.buf && !strchr(at + 1, '@'),
			"email '%s' -> '%s': not one @", in, out.buf);
		CHECK(crm_text_valid(out.buf, out.len), "email '%s' -> "
			"invalid UTF-8", in);
		CHECK(out.len <= 254, "email '%s': %zu bytes", in, out.len);
	}
	crm_buf_release(&out);
}

static void
fuzz_phone(const char *in)
{
	struct crm_buf out = CRM_BUF_INIT;
	size_t i, nd = 0;

	if (check_text_parser("phone", crm_parse_phone, in, &out) == 0 &&
	    out.len) {
		for (i = out.buf[0] == '+'; i < out.len; i++) {
			CHECK(is_digit(out.buf[i]), "phone '%s' -> '%s'", in,
				out.buf);
			nd++;
		}
		CHECK(nd >= 5 && nd <= 20, "phone '%s' -> '%s'", in, out.buf);
	}
	crm_buf_release(&out);
}

static void
fuzz_money(const char *in, int neg)
{
	struct crm_buf text = CRM_BUF_INIT;
	struct crm_err err = CRM_ERR_INIT;
	int64_t cents = 0, back = 0;

	if (crm_parse_money(in, neg, &cents, &err) < 0) {
		CHECK(err.code == CRM_EX_DATAERR && err.msg.len, "money '%s'",
			in);
		crm_err_release(&err);
		return;
	}
	CHECK(neg || cents >= 0, "money '%s': %lld not allowed", in,
		(long long)cents);
	CHECK(cents >= -CRM_MONEY_MAX && cents <= CRM_MONEY_MAX,
		"money '%s': %lld beyond CRM_MONEY_MAX", in, (long long)cents);
	crm_format_money(cents, &text);
	CHECK(crm_parse_money(text.buf, 1, &back, &err) == 0 && back == cents,
		"money '%s' -> %lld -> '%s' -> %lld", in, (long long)cents,
		text.buf, (long long)back);
	crm_buf_release(&text);
}

/* A JSON number: -?(0|[1-9][0-9]*)(\.[0-9]+)? */
static int
is_json_number(const char *s)
{
	if (*s == '-')
		s++;
	if (*s == '0')
		s++;
	else if (*s >= '1' && *s <= '9')
		while (is_digit(*s))
			s++;
	else
		return 0;
	if (*s == '.') {
		s++;
		if (!is_digit(*s))
			return 0;
		while (is_digit(*s))
			s++;
	}
	return !*s;
}

static void
fuzz_decimal(const char *in)
{
	struct crm_buf out = CRM_BUF_INIT;

	if (check_text_parser("decimal", crm_parse_decimal, in, &out) == 0)
		CHECK(is_json_number(out.buf), "decimal '%s' -> '%s'", in,
			out.buf);
	crm_buf_release(&out);
}

static void
fuzz_int(const char *in, unsigned sel)
{
	static const int64_t lim[][2] = {
		{ INT64_MIN, INT64_MAX }, { 0, 100 }, { 1, 5 }, { -10, 10 },
	};
	struct crm_err err = CRM_ERR_INIT;
	int64_t v = 0, min = lim[sel % 4][0], max = lim[sel % 4][1];
	char text[32];

	if (crm_parse_int(in, min, max, &v, &err) < 0) {
		CHECK(err.code == CRM_EX_DATAERR && err.msg.len, "int '%s'",
			in);
		crm_err_release(&err);
		return;
	}
	CHECK(v >= min && v <= max, "int '%s': %lld", in, (long long)v);
	snprintf(text, sizeof(text), "%lld", (long long)v);
	CHECK(crm_parse_int(text, min, max, &v, &err) == 0, "int '%s'", text);
}

static void
fuzz_bool_enum(const char *in)
{
	static const char *const values[] = { "lead", "qualified", "won",
		NULL };
	struct crm_err err = CRM_ERR_INIT;
	int v = -1;

	if (crm_parse_bool(in, &v, &err) == 0)
		CHECK(v == 0 || v == 1, "bool '%s': %d", in, v);
	else
		CHECK(err.code == CRM_EX_DATAERR, "bool '%s'", in);
	crm_err_clear(&err);
	v = -1;
	if (crm_parse_enum(in, values, &v, &err) == 0)
		CHECK(v >= 0 && v < 3, "enum '%s': %d", in, v);
	else
		CHECK(err.code == CRM_EX_DATAERR &&
			strstr(err.msg.buf, "lead, qualified, won"),
			"enum '%s': '%s'", in, err.msg.buf);
	crm_err_release(&err);
}

/* YYYY-MM-DD and, for times, THH:MM:SSZ after it. */
static int
storage_shape(const char *s, int time)
{
	static const char date[] = "dddd-dd-dd";
	static const char tod[] = "Tdd:dd:ddZ";
	size_t i;

	for (i = 0; date[i]; i++)
		if (date[i] == 'd' ? !is_digit(s[i]) : s[i] != date[i])
			return 0;
	if (!time)
		return s[i] == '\0';
	s += i;
	for (i = 0; tod[i]; i++)
		if (tod[i] == 'd' ? !is_digit(s[i]) : s[i] != tod[i])
			return 0;
	return s[i] == '\0';
}

static void
fuzz_date(const char *in)
{
	struct crm_buf out = CRM_BUF_INIT;

	if (check_text_parser("date", crm_parse_date, in, &out) == 0)
		CHECK(storage_shape(out.buf, 0), "date '%s' -> '%s'", in,
			out.buf);
	crm_buf_release(&out);
}

static void
fuzz_time(const char *in)
{
	struct crm_buf out = CRM_BUF_INIT;

	if (check_text_parser("time", crm_parse_time, in, &out) == 0)
		CHECK(storage_shape(out.buf, 1), "time '%s' -> '%s'", in,
			out.buf);
	crm_buf_release(&out);
}

static int
is_space_cp(int cp)
{
	return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' ||
		cp == 0x3000 || cp == 0xA0 || cp == 0xFEFF || cp == 0x2028;
}

static void
fuzz_clean(const uint8_t *s, size_t len, unsigned flags)
{
	struct crm_buf out = CRM_BUF_INIT, again = CRM_BUF_INIT;
	struct crm_err err = CRM_ERR_INIT;
	size_t i;
	int cp = 0, first = 1;

	if (crm_text_clean((const char *)s, len, flags, &out, &err) < 0) {
		CHECK(err.code == CRM_EX_DATAERR && err.msg.len, "clean");
		crm_err_release(&err);
		crm_buf_release(&out);
		return;
	}
	CHECK(crm_text_valid(out.buf, out.len), "clean: invalid UTF-8 out");
	CHECK(strlen(out.buf) == out.len, "clean: NUL out");
	for (i = 0; i < out.len;) {
		i += crm_text_next(out.buf + i, out.len - i, &cp);
		CHECK(cp >= 0x20 || ((flags & CRM_TEXT_MULTILINE) &&
			(cp == '\n' || cp == '\t')), "clean: U+%04X out", cp);
		CHECK(cp != 0x7F && !(cp >= 0x80 && cp < 0xA0),
			"clean: U+%04X out", cp);
		CHECK(!(first && is_space_cp(cp)), "clean: leading space");
		first = 0;
	}
	CHECK(!out.len || !is_space_cp(cp), "clean: trailing space");
	CHECK(crm_text_clean(out.buf, out.len, flags, &again, &err) == 0,
		"clean: refuses its own output: %s", err.msg.buf);
	CHECK(!strcmp(again.buf, out.buf), "clean: not stable '%s' '%s'",
		out.buf, again.buf);
	crm_buf_release(&out);
	crm_buf_release(&again);
}

static void
fuzz_fold_width(const uint8_t *s, size_t len, unsigned w)
{
	struct crm_buf out = CRM_BUF_INIT, cut = CRM_BUF_INIT;
	size_t got;

	crm_text_fold((const char *)s, len, &out);
	if (crm_text_valid((const char *)s, len))
		CHECK(crm_text_valid(out.buf, out.len), "fold: invalid out");
	got = crm_text_cut((const char *)s, len, w, &cut);
	CHECK(got <= w, "cut to %u gave %zu", w, got);
	CHECK(cut.len <= len && !memcmp(cut.buf, s, cut.len),
		"cut: not a prefix");
	CHECK(crm_text_width(cut.buf, cut.len) == got, "cut: width %zu, "
		"said %zu", crm_text_width(cut.buf, cut.len), got);
	if (crm_text_width((const char *)s, len) <= w)
		CHECK(cut.len == len, "cut: shortened text that fits");
	crm_buf_release(&out);
	crm_buf_release(&cut);
}

/* Run MATCH expr on t; returns 1 if rowid id matched.  Must not fail. */
static int
fts_match(const char *text, const char *expr, int64_t id)
{
	sqlite3_stmt *st;
	int rc, found = 0;

	CHECK(sqlite3_prepare_v2(fts, "SELECT rowid FROM t WHERE t MATCH ?1",
		-1, &st, NULL) == SQLITE_OK, "prepare");
	sqlite3_bind_text(st, 1, expr, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		found |= sqlite3_column_int64(st, 0) == id;
	CHECK(rc == SQLITE_DONE, "search '%s': MATCH %s: %s", text, expr,
		sqlite3_errmsg(fts));
	sqlite3_finalize(st);
	return found;
}

/*
 * The expression for text is valid FTS5; a record holding text is found
 * by it; and, the header promises, by any substring of it (taken at
 * character boundaries).
 */
static void
fuzz_search(const char *in, unsigned a, unsigned b)
{
	struct crm_buf m = CRM_BUF_INIT, sub = CRM_BUF_INIT,
		ms = CRM_BUF_INIT;
	struct crm_err err = CRM_ERR_INIT;
	static unsigned calls;
	sqlite3_stmt *st;
	size_t len = strlen(in), from, to;

	if (++calls % 10000 == 0)
		fts_open();
	if (crm_sqlite_search_match(in, &m, &err) < 0) {
		CHECK(err.code == CRM_EX_USAGE && err.msg.len, "search '%s'",
			in);
		crm_err_release(&err);
		return;
	}
	CHECK(sqlite3_prepare_v2(fts, "INSERT INTO t (rowid, x) VALUES "
		"(1000, ?1)", -1, &st, NULL) == SQLITE_OK, "prepare");
	sqlite3_bind_text(st, 1, in, -1, SQLITE_STATIC);
	CHECK(sqlite3_step(st) == SQLITE_DONE, "insert: %s",
		sqlite3_errmsg(fts));
	sqlite3_finalize(st);
	if (!crm_text_valid(in, len))
		goto out;
	CHECK(fts_match(in, m.buf, 1000), "search '%s' (%s) does not find "
		"itself", in, m.buf);
	/* a substring, cut at character boundaries */
	from = len ? a % (len + 1) : 0;
	to = len ? b % (len + 1) : 0;
	if (from > to) {
		size_t t = from;

		from = to;
		to = t;
	}
	while (from > 0 && from < len && ((unsigned char)in[from] & 0xC0) ==
	    0x80)
		from--;
	while (to < len && ((unsigned char)in[to] & 0xC0) == 0x80)
		to++;
	crm_buf_add(&sub, in + from, to - from);
	if (crm_sqlite_search_match(sub.buf, &ms, &err) == 0)
		CHECK(fts_match(sub.buf, ms.buf, 1000), "search '%s' (%s) does "
			"not find '%s'", sub.buf, ms.buf, in);
	crm_err_release(&err);
out:
	CHECK(sqlite3_exec(fts, "DELETE FROM t WHERE rowid = 1000", NULL,
		NULL, NULL) == SQLITE_OK, "delete");
	crm_buf_release(&m);
	crm_buf_release(&sub);
	crm_buf_release(&ms);
}

static void
fuzz_dupes(const char *in)
{
	struct crm_buf out = CRM_BUF_INIT;

	crm_dupe_email_key(in, &out);
	crm_dupe_phone_key(in, &out);
	crm_dupe_name_key(in, &out);
	crm_buf_release(&out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in;
	unsigned sel;

	if (size < 2)
		return 0;
	sel = data[0];
	data++;
	size--;
	in = malloc(size + 1);
	memcpy(in, data, size);
	in[size] = '\0';
	switch (sel % 16) {
	case 0: fuzz_email(in); break;
	case 1: fuzz_phone(in); break;
	case 2: fuzz_money(in, 0); break;
	case 3: fuzz_money(in, 1); break;
	case 4: fuzz_decimal(in); break;
	case 5: fuzz_int(in, sel / 16); break;
	case 6: fuzz_bool_enum(in); break;
	case 7: fuzz_date(in); break;
	case 8: fuzz_time(in); break;
	case 9: fuzz_clean(data, size, 0); break;
	case 10: fuzz_clean(data, size, CRM_TEXT_MULTILINE); break;
	case 11: fuzz_fold_width(data, size, sel / 16); break;
	case 12:
		fuzz_search(in, size > 2 ? data[0] : 0, size > 2 ?
			data[size - 1] : 0);
		break;
	case 13:
		fuzz_search(in, sel / 16, size);
		break;
	case 14: fuzz_dupes(in); break;
	default: fuzz_time(in); fuzz_date(in); break;
	}
	free(in);
	return 0;
}
