/* test-text - lib/text.h: cleaning, folding and display width. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "text.h"
#include "banned.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

struct clean_case {
	const char *in;
	unsigned flags;
	const char *want;	/* NULL: must be refused */
};

static const struct clean_case clean_cases[] = {
	/* trimming, ASCII and Unicode white space */
	{ "  Ada  ", 0, "Ada" },
	{ "\t Ada\r\n", 0, "Ada" },
	{ "\xe3\x80\x80" "张三" "\xe3\x80\x80", 0, "张三" },	/* U+3000 */
	{ "\xc2\xa0" "x" "\xc2\xa0", 0, "x" },			/* NBSP */
	{ "\xe2\x80\x83" "x" "\xe2\x80\xa8", 0, "x" },	/* em space, LS */
	{ "\xef\xbb\xbf" "x", 0, "x" },			/* BOM */
	{ "a  b", 0, "a  b" },		/* inner spaces kept */
	{ "", 0, "" },
	{ "   ", 0, "" },
	{ "\xe3\x80\x80", 0, "" },
	/* NFC: e + combining acute becomes U+00E9 */
	{ "Jose\xcc\x81", 0, "Jos\xc3\xa9" },
	{ "\xe1\x84\x80\xe1\x85\xa1", 0, "\xea\xb0\x80" },	/* jamo */
	/* NFC, not NFKC: full width letters stay */
	{ "\xef\xbc\xa1", 0, "\xef\xbc\xa1" },
	/* control characters */
	{ "a\x01z", 0, NULL },
	{ "a\x7fz", 0, NULL },
	{ "a\xc2\x85z", 0, NULL },	/* U+0085 is trimmed only at an end */
	{ "a\tb", 0, NULL },
	{ "a\nb", 0, NULL },
	{ "a\x1b[31mb", 0, NULL },
	/* multi-line: LF and TAB kept, CRLF and lone CR to LF */
	{ "a\nb", CRM_TEXT_MULTILINE, "a\nb" },
	{ "a\tb", CRM_TEXT_MULTILINE, "a\tb" },
	{ "a\r\nb\r\nc", CRM_TEXT_MULTILINE, "a\nb\nc" },
	{ "a\rb", CRM_TEXT_MULTILINE, "a\nb" },
	{ "a\r\n\r\nb", CRM_TEXT_MULTILINE, "a\n\nb" },
	{ "\r\n  a\r\n  ", CRM_TEXT_MULTILINE, "a" },
	{ "a\x01z", CRM_TEXT_MULTILINE, NULL },
	{ "a\x0b" "b", CRM_TEXT_MULTILINE, NULL },	/* VT inside */
	/* invalid UTF-8 */
	{ "\xff", 0, NULL },
	{ "ab\xc3", 0, NULL },			/* truncated */
	{ "\xc0\xaf", 0, NULL },		/* overlong '/' */
	{ "\xed\xa0\x80", 0, NULL },		/* surrogate */
	{ "\xf4\x90\x80\x80", 0, NULL },	/* > U+10FFFF */
	{ "ok \x80 no", CRM_TEXT_MULTILINE, NULL },
};

static void
clean_table(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(clean_cases); i++) {
		const struct clean_case *c = &clean_cases[i];
		struct crm_buf out = CRM_BUF_INIT;
		struct crm_err err = CRM_ERR_INIT;
		int r;

		r = crm_text_clean(c->in, strlen(c->in), c->flags, &out,
			&err);
		if (c->want) {
			if (r != 0)
				fail_msg("case %zu: clean refused: %s", i,
					err.msg.buf);
			if (strcmp(out.buf, c->want))
				fail_msg("case %zu: got '%s', want '%s'", i,
					out.buf, c->want);
			assert_int_equal(err.code, 0);
		} else {
			if (r != -1)
				fail_msg("case %zu: accepted as '%s'", i,
					out.buf);
			assert_int_equal(err.code, CRM_EX_DATAERR);
			assert_true(err.msg.len > 0);
		}
		crm_buf_release(&out);
		crm_err_release(&err);
	}
}

/* The result is appended: what out held stays. */
static void
clean_appends(void **state)
{
	struct crm_buf out = CRM_BUF_INIT;
	struct crm_err err = CRM_ERR_INIT;

	(void)state;
	crm_buf_adds(&out, "[");
	assert_int_equal(crm_text_clean(" b ", 3, 0, &out, &err), 0);
	crm_buf_adds(&out, "]");
	assert_string_equal(out.buf, "[b]");
	crm_buf_release(&out);
}

/* Only len bytes are read: a NUL inside them is a control character. */
static void
clean_uses_len(void **state)
{
	struct crm_buf out = CRM_BUF_INIT;
	struct crm_err err = CRM_ERR_INIT;

	(void)state;
	assert_int_equal(crm_text_clean("abcdef", 3, 0, &out, &err), 0);
	assert_string_equal(out.buf, "abc");
	assert_int_equal(crm_text_clean("a\0b", 3, 0, &out, &err), -1);
	assert_int_equal(err.code, CRM_EX_DATAERR);
	crm_buf_release(&out);
	crm_err_release(&err);
}

/* The messages say what is wrong. */
static void
clean_messages(void **state)
{
	struct crm_buf out = CRM_BUF_INIT;
	struct crm_err err = CRM_ERR_INIT;

	(void)state;
	crm_text_clean("a\x01", 2, 0, &out, &err);
	assert_non_null(strstr(err.msg.buf, "control character"));
	crm_err_clear(&err);
	crm_text_clean("a\xff", 2, 0, &out, &err);
	assert_non_null(strstr(err.msg.buf, "UTF-8"));
	crm_buf_release(&out);
	crm_err_release(&err);
}

static void
valid_utf8(void **state)
{
	(void)state;
	assert_int_equal(crm_text_valid("", 0), 1);
	assert_int_equal(crm_text_valid("abc", 3), 1);
	assert_int_equal(crm_text_valid("张三", strlen("张三")), 1);
	assert_int_equal(crm_text_valid("\xf0\x9f\x98\x80", 4), 1);
	assert_int_equal(crm_text_valid("\xff", 1), 0);
	assert_int_equal(crm_text_valid("\xe5\xbc", 2), 0);
	assert_int_equal(crm_text_valid("\xc0\x80", 2), 0);
	/* only len bytes count: a cut sequence is invalid */
	assert_int_equal(crm_text_valid("张", 2), 0);
}

struct fold_case {
	const char *in;
	const char *want;
};

static const struct fold_case fold_cases[] = {
	{ "ABC", "abc" },
	{ "abc", "abc" },
	{ "\xef\xbc\xa1\xef\xbc\xa2\xef\xbc\xa3", "abc" },	/* ＡＢＣ */
	{ "\xef\xbc\x91\xef\xbc\x92", "12" },			/* １２ */
	{ "Stra\xc3\x9f" "e", "strasse" },			/* ß */
	{ "\xc3\x89" "COLE", "\xc3\xa9" "cole" },		/* É kept */
	{ "E\xcc\x81", "\xc3\xa9" },			/* composed */
	{ "\xef\xac\x81", "fi" },				/* ﬁ */
	{ "张三", "张三" },
	{ "\xef\xbd\xb1", "\xe3\x82\xa2" },		/* half-width ｱ */
	{ "", "" },
};

static void
fold_table(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(fold_cases); i++) {
		struct crm_buf out = CRM_BUF_INIT;

		crm_text_fold(fold_cases[i].in, strlen(fold_cases[i].in),
			&out);
		if (strcmp(out.buf, fold_cases[i].want))
			fail_msg("case %zu: fold '%s' gave '%s', want '%s'",
				i, fold_cases[i].in, out.buf,
				fold_cases[i].want);
		crm_buf_release(&out);
	}
}

/* "ＡＢＣ", "abc" and "ABC" fold alike. */
static void
fold_alike(void **state)
{
	struct crm_buf a = CRM_BUF_INIT, b = CRM_BUF_INIT, c = CRM_BUF_INIT;

	(void)state;
	crm_text_fold("\xef\xbc\xa1\xef\xbc\xa2\xef\xbc\xa3", 9, &a);
	crm_text_fold("abc", 3, &b);
	crm_text_fold("ABC", 3, &c);
	assert_string_equal(a.buf, b.buf);
	assert_string_equal(b.buf, c.buf);
	crm_buf_release(&a);
	crm_buf_release(&b);
	crm_buf_release(&c);
}

/* Invalid UTF-8 is folded bytewise, ASCII lowercased; appends. */
static void
fold_invalid_bytewise(void **state)
{
	struct crm_buf out = CRM_BUF_INIT;

	(void)state;
	crm_buf_adds(&out, ">");
	crm_text_fold("AB\xff" "cD", 5, &out);
	assert_int_equal(out.len, 6);
	assert_memory_equal(out.buf, ">ab\xff" "cd", 6);
	crm_buf_release(&out);
}

struct width_case {
	const char *s;
	size_t w;
};

static const struct width_case width_cases[] = {
	{ "", 0 },
	{ "abc", 3 },
	{ "张三", 4 },					/* CJK: 2 each */
	{ "张a", 3 },
	{ "\xef\xbc\xa1", 2 },				/* full width Ａ */
	{ "\xe3\x81\x82", 2 },				/* hiragana */
	{ "\xea\xb0\x80", 2 },				/* hangul */
	{ "e\xcc\x81", 1 },				/* combining: 0 */
	{ "\xef\xbd\xb1", 1 },				/* half-width ｱ */
	{ "\xc3\xa9t\xc3\xa9", 3 },
	{ "\xe2\x80\xa6", 1 },				/* … */
};

static void
width_table(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(width_cases); i++) {
		size_t w = crm_text_width(width_cases[i].s,
			strlen(width_cases[i].s));

		if (w != width_cases[i].w)
			fail_msg("case %zu: width of '%s' is %zu, want %zu",
				i, width_cases[i].s, w, width_cases[i].w);
	}
}

struct cut_case {
	const char *s;
	size_t width;
	const char *want;
	size_t got;
};

static const struct cut_case cut_cases[] = {
	{ "abcdef", 3, "abc", 3 },
	{ "abc", 10, "abc", 3 },
	{ "abc", 0, "", 0 },
	{ "张三丰", 4, "张三", 4 },
	{ "张三丰", 5, "张三", 4 },	/* never half a wide character */
	{ "张三丰", 1, "", 0 },
	{ "a张", 2, "a", 1 },
	{ "e\xcc\x81x", 1, "e\xcc\x81", 1 },	/* the mark stays with e */
};

static void
cut_table(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cut_cases); i++) {
		const struct cut_case *c = &cut_cases[i];
		struct crm_buf out = CRM_BUF_INIT;
		size_t w;

		w = crm_text_cut(c->s, strlen(c->s), c->width, &out);
		if (strcmp(out.buf, c->want) || w != c->got)
			fail_msg("case %zu: cut '%s' to %zu gave '%s' (%zu), "
				"want '%s' (%zu)", i, c->s, c->width,
				out.buf, w, c->want, c->got);
		crm_buf_release(&out);
	}
}

/* cut appends to out. */
static void
cut_appends(void **state)
{
	struct crm_buf out = CRM_BUF_INIT;

	(void)state;
	crm_buf_adds(&out, "<");
	crm_text_cut("xyz", 3, 2, &out);
	assert_string_equal(out.buf, "<xy");
	crm_buf_release(&out);
}

static void
next_decodes(void **state)
{
	int cp;

	(void)state;
	assert_int_equal(crm_text_next("a", 1, &cp), 1);
	assert_int_equal(cp, 'a');
	assert_int_equal(crm_text_next("张", 3, &cp), 3);
	assert_int_equal(cp, 0x5F20);
	assert_int_equal(crm_text_next("\xf0\x9f\x98\x80", 4, &cp), 4);
	assert_int_equal(cp, 0x1F600);
	/* invalid: length 1, cp -1 */
	assert_int_equal(crm_text_next("\xff" "a", 2, &cp), 1);
	assert_int_equal(cp, -1);
	assert_int_equal(crm_text_next("张", 2, &cp), 1);
	assert_int_equal(cp, -1);
}

/* A name from outside: valid UTF-8, no control characters. */
static void
check_names(void **state)
{
	static const struct {
		const char *in;
		const char *msg;	/* NULL: accepted */
	} cases[] = {
		{ "ada", NULL },
		{ "\xe5\xbc\xa0\xe4\xb8\x89", NULL },		/* 张三 */
		{ "a b", NULL },
		{ "", NULL },
		{ "ad\xff" "a", "invalid UTF-8 at byte 3" },
		{ "\xc3", "invalid UTF-8 at byte 1" },		/* truncated */
		{ "a\xed\xa0\x80", "invalid UTF-8 at byte 2" },	/* surrogate */
		{ "a\nb", "control character U+000A not allowed" },
		{ "a\tb", "control character U+0009 not allowed" },
		{ "\x1b[31m", "control character U+001B not allowed" },
		{ "a\x7f", "control character U+007F not allowed" },
		{ "a\xc2\x85", "control character U+0085 not allowed" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct crm_err err = CRM_ERR_INIT;
		int r = crm_text_check(cases[i].in, strlen(cases[i].in), &err);

		if (!cases[i].msg) {
			if (r != 0)
				fail_msg("case %zu refused: %s", i, err.msg.buf);
		} else {
			if (r != -1 || err.code != CRM_EX_DATAERR)
				fail_msg("case %zu accepted", i);
			assert_string_equal(err.msg.buf, cases[i].msg);
		}
		crm_err_release(&err);
	}
}

/* Each byte that is not UTF-8 becomes U+FFFD; valid text stays as is. */
static void
repair_table(void **state)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "plain.csv", "plain.csv" },
		{ "\xe5\xae\xa2\xe6\x88\xb7.csv", "\xe5\xae\xa2\xe6\x88\xb7.csv" },
		{ "a\xff.csv", "a\xef\xbf\xbd.csv" },
		/* GB18030 张三 (D5 C5 C8 FD): four bytes, four replacements */
		{ "\xd5\xc5\xc8\xfd", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
		  "\xef\xbf\xbd" },
		{ "\xe5\xae", "\xef\xbf\xbd\xef\xbf\xbd" },	/* cut short */
		{ "\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd" },	/* overlong */
		{ "", "" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct crm_buf out = CRM_BUF_INIT;

		crm_buf_adds(&out, ">");
		crm_text_repair(cases[i].in, strlen(cases[i].in), &out);
		if (strcmp(out.buf + 1, cases[i].want))
			fail_msg("case %zu: got '%s'", i, out.buf + 1);
		assert_true(crm_text_valid(out.buf, out.len));
		assert_int_equal(out.buf[0], '>');	/* appended */
		crm_buf_release(&out);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(clean_table),
		cmocka_unit_test(clean_appends),
		cmocka_unit_test(clean_uses_len),
		cmocka_unit_test(clean_messages),
		cmocka_unit_test(valid_utf8),
		cmocka_unit_test(check_names),
		cmocka_unit_test(repair_table),
		cmocka_unit_test(fold_table),
		cmocka_unit_test(fold_alike),
		cmocka_unit_test(fold_invalid_bytewise),
		cmocka_unit_test(width_table),
		cmocka_unit_test(cut_table),
		cmocka_unit_test(cut_appends),
		cmocka_unit_test(next_decodes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
