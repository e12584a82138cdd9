/*
 * test-value - lib/value.h: the value parsers and writers of SPEC 3.3, 4.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "value.h"
#include "banned.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* A string check, with the case number in the message. */
#define CHECK_STR(i, in, got, want) do { \
	if (strcmp((got), (want))) \
		fail_msg("case %zu '%s': got '%s', want '%s'", (size_t)(i), \
			(in), (got), (want)); \
} while (0)

/* A parser from text to text, as email, phone, decimal, date, time. */
typedef int (*text_parser)(const char *, struct crm_buf *, struct crm_err *);

struct text_case {
	const char *in;
	const char *want;	/* NULL: refused with CRM_EX_DATAERR */
};

static void
run_text_cases(const char *what, text_parser parse,
	const struct text_case *cases, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		struct crm_buf out = CRM_BUF_INIT;
		struct crm_err err = CRM_ERR_INIT;
		int r = parse(cases[i].in, &out, &err);

		if (cases[i].want) {
			if (r != 0)
				fail_msg("%s case %zu '%s': refused: %s", what,
					i, cases[i].in, err.msg.buf);
			CHECK_STR(i, cases[i].in, out.buf, cases[i].want);
			assert_int_equal(err.code, 0);
		} else {
			if (r != -1)
				fail_msg("%s case %zu '%s': accepted as '%s'",
					what, i, cases[i].in, out.buf);
			if (err.code != CRM_EX_DATAERR || !err.msg.len)
				fail_msg("%s case %zu '%s': code %d, '%s'",
					what, i, cases[i].in, err.code,
					err.msg.buf);
			if (out.len)
				fail_msg("%s case %zu '%s': out holds '%s'",
					what, i, cases[i].in, out.buf);
		}
		crm_buf_release(&out);
		crm_err_release(&err);
	}
}

/* ---- email ----------------------------------------------------------- */

static const struct text_case email_cases[] = {
	{ "ada@example.com", "ada@example.com" },
	{ " Ada@Example.COM ", "ada@example.com" },
	{ "ADA@EXAMPLE.COM", "ada@example.com" },
	/* full width: ａｄａ＠ｅｘａｍｐｌｅ．ｃｏｍ */
	{ "\xef\xbd\x81\xef\xbd\x84\xef\xbd\x81\xef\xbc\xa0\xef\xbd\x85"
	  "\xef\xbd\x98\xef\xbd\x81\xef\xbd\x8d\xef\xbd\x90\xef\xbd\x8c"
	  "\xef\xbd\x85\xef\xbc\x8e\xef\xbd\x83\xef\xbd\x8f\xef\xbd\x8d",
	  "ada@example.com" },
	{ "ada\xef\xbc\xa0" "example.com", "ada@example.com" },	/* ＠ */
	{ "\xe3\x80\x80" "ada@example.com" "\xe3\x80\x80", "ada@example.com" },
	{ "first.last+tag@mail.example.co.uk",
	  "first.last+tag@mail.example.co.uk" },
	{ "o'brien_x-y@my-host.example.org",
	  "o'brien_x-y@my-host.example.org" },
	{ "a@b.cn", "a@b.cn" },
	{ "", "" },		/* empty is allowed */
	{ "   ", "" },
	{ "a@", NULL },
	{ "@example.com", NULL },
	{ "example.com", NULL },
	{ "a@example", NULL },
	{ "a@example.c", NULL },	/* TLD of one letter */
	{ "a@example.c0m", NULL },	/* TLD with a digit */
	{ "a@example.123", NULL },
	{ "a@@example.com", NULL },
	{ "a@b@example.com", NULL },
	{ "a b@example.com", NULL },
	{ "a@exa mple.com", NULL },
	{ "a@example..com", NULL },
	{ "a@.example.com", NULL },
	{ "a@-example.com", NULL },
	{ "a@example.com.", NULL },
	{ ".a@example.com", NULL },
	{ "a.@example.com", NULL },
	{ "a..b@example.com", NULL },
	{ "<a@example.com>", NULL },
	{ "a,b@example.com", NULL },
	{ "a;b@example.com", NULL },
	{ "\"a\"@example.com", NULL },
	{ "a\\b@example.com", NULL },
	{ "a@example.com\x01", NULL },
	{ "a\x7f@example.com", NULL },
	{ "a\xff@example.com", NULL },
};

static void
email_table(void **state)
{
	(void)state;
	run_text_cases("email", crm_parse_email, email_cases,
		ARRAY_SIZE(email_cases));
}

/* Over 254 bytes is refused; 254 is fine. */
static void
email_length(void **state)
{
	struct crm_buf in = CRM_BUF_INIT, out = CRM_BUF_INIT;
	struct crm_err err = CRM_ERR_INIT;
	size_t i;

	(void)state;
	for (i = 0; i < 254 - 12; i++)
		crm_buf_addch(&in, 'a');
	crm_buf_adds(&in, "@example.com");
	assert_int_equal(in.len, 254);
	assert_int_equal(crm_parse_email(in.buf, &out, &err), 0);
	assert_int_equal(out.len, 254);
	crm_buf_reset(&out);
	crm_buf_sets(&in, "a");
	for (i = 0; i < 254 - 12; i++)
		crm_buf_addch(&in, 'a');
	crm_buf_adds(&in, "@example.com");
	assert_int_equal(crm_parse_email(in.buf, &out, &err), -1);
	assert_int_equal(err.code, CRM_EX_DATAERR);
	crm_buf_release(&in);
	crm_buf_release(&out);
	crm_err_release(&err);
}

/* The message names the value. */
static void
email_message_names_value(void **state)
{
	struct crm_buf out = CRM_BUF_INIT;
	struct crm_err err = CRM_ERR_INIT;

	(void)state;
	assert_int_equal(crm_parse_email("a@", &out, &err), -1);
	assert_non_null(strstr(err.msg.buf, "'a@'"));
	crm_buf_release(&out);
	crm_err_release(&err);
}

/* The result is appended to out. */
static void
email_appends(void **state)
{
	struct crm_buf out = CRM_BUF_INIT;
	struct crm_err err = CRM_ERR_INIT;

	(void)state;
	crm_buf_adds(&out, "x:");
	assert_int_equal(crm_parse_email("A@B.CD", &out, &err), 0);
	assert_string_equal(out.buf, "x:a@b.cd");
	crm_buf_release(&out);
}

/* ---- phone ----------------------------------------------------------- */

static const struct text_case phone_cases[] = {
	{ "13800138000", "13800138000" },
	{ "+86 138-0013-8000", "+8613800138000" },
	{ "(010) 6552.8888", "01065528888" },
	{ "+1 (555) 010-9999", "+15550109999" },
	/* ＋８６　１３８００１３８０００: full-width plus, digits, space */
	{ "\xef\xbc\x8b\xef\xbc\x98\xef\xbc\x96\xe3\x80\x80\xef\xbc\x91"
	  "\xef\xbc\x93\xef\xbc\x98\xef\xbc\x90\xef\xbc\x90\xef\xbc\x91"
	  "\xef\xbc\x93\xef\xbc\x98\xef\xbc\x90\xef\xbc\x90\xef\xbc\x90",
	  "+8613800138000" },
	/* （０１０）６５５２－８８８８: full-width brackets and dash */
	{ "\xef\xbc\x88\xef\xbc\x90\xef\xbc\x91\xef\xbc\x90\xef\xbc\x89"
	  "\xef\xbc\x96\xef\xbc\x95\xef\xbc\x95\xef\xbc\x92\xef\xbc\x8d"
	  "\xef\xbc\x98\xef\xbc\x98\xef\xbc\x98\xef\xbc\x98",
	  "01065528888" },
	{ " 12345 ", "12345" },				/* 5 digits */
	{ "12345678901234567890", "12345678901234567890" },	/* 20 */
	{ "", "" },
	{ "1234", NULL },				/* 4 digits */
	{ "+1 234", NULL },
	{ "123456789012345678901", NULL },		/* 21 digits */
	{ "+", NULL },
	{ "call me", NULL },
	{ "138x0013800", NULL },
	{ "1380013800O", NULL },			/* letter O */
	{ "12345 ext 6", NULL },
	{ "123+45678", NULL },				/* + not leading */
	{ "++8613800138000", NULL },
	{ "138/0013/8000", NULL },
	{ "13800138000\xff", NULL },
	/* (0) right after the country code: the trunk prefix, dropped */
	{ "+86-(0)21-6275-1234", "+862162751234" },
	{ "+44 (0)20 7946 0958", "+442079460958" },
	{ "+44(0)2079460958", "+442079460958" },
	{ "+1 (0) 555 0109", "+15550109" },
	/* ＋８６（０）２１６２７５１２３４: full-width */
	{ "\xef\xbc\x8b\xef\xbc\x98\xef\xbc\x96\xef\xbc\x88\xef\xbc\x90"
	  "\xef\xbc\x89\xef\xbc\x92\xef\xbc\x91\xef\xbc\x96\xef\xbc\x92"
	  "\xef\xbc\x97\xef\xbc\x95\xef\xbc\x91\xef\xbc\x92\xef\xbc\x93"
	  "\xef\xbc\x94", "+862162751234" },
	/* any other (0) stays: no +, or not right after the country code */
	{ "(0)21 6275 1234", "02162751234" },
	{ "+8621(0)62751234", "+8621062751234" },
	{ "+86 21 (0)6275 1234", "+8621062751234" },
	{ "+86-(0)21-(0)6275", "+862106275" },
	{ "+86 (01) 2345", "+86012345" },
	{ "+86(0)", NULL },				/* 2 digits left */
};

static void
phone_table(void **state)
{
	(void)state;
	run_text_cases("phone", crm_parse_phone, phone_cases,
		ARRAY_SIZE(phone_cases));
}

static void
phone_message_names_value(void **state)
{
	struct crm_buf out = CRM_BUF_INIT;
	struct crm_err err = CRM_ERR_INIT;

	(void)state;
	assert_int_equal(crm_parse_phone("12-34", &out, &err), -1);
	assert_non_null(strstr(err.msg.buf, "'12-34'"));
	crm_err_clear(&err);
	assert_int_equal(crm_parse_phone("abc", &out, &err), -1);
	assert_non_null(strstr(err.msg.buf, "'abc'"));
	crm_buf_release(&out);
	crm_err_release(&err);
}

/* ---- money ----------------------------------------------------------- */

struct money_case {
	const char *in;
	int neg;		/* allow_negative */
	int ok;
	int64_t cents;
};

static const struct money_case money_cases[] = {
	{ "12.5", 0, 1, 1250 },
	{ "12.50", 0, 1, 1250 },
	{ "12", 0, 1, 1200 },
	{ "0", 0, 1, 0 },
	{ "0.01", 0, 1, 1 },
	{ "1234.56", 0, 1, 123456 },
	{ " 3.10 ", 0, 1, 310 },
	{ "+7", 0, 1, 700 },
	{ "007.5", 0, 1, 750 },
	{ "1.005", 0, 0, 0 },		/* never rounded */
	{ "1.000", 0, 0, 0 },
	{ "0.001", 1, 0, 0 },
	{ "-5", 0, 0, 0 },		/* negative only when allowed */
	{ "-0.01", 0, 0, 0 },
	{ "-5", 1, 1, -500 },
	{ "-0.5", 1, 1, -50 },
	{ "-1234.56", 1, 1, -123456 },
	{ "", 0, 0, 0 },
	{ " ", 0, 0, 0 },
	{ "-", 1, 0, 0 },
	{ ".", 0, 0, 0 },
	{ "abc", 0, 0, 0 },
	{ "12abc", 0, 0, 0 },
	{ "1 000", 0, 0, 0 },
	{ "1e3", 0, 0, 0 },
	{ "1.2.3", 0, 0, 0 },
	{ "--5", 1, 0, 0 },
	{ "0x10", 0, 0, 0 },
	/* as spreadsheets write them: thousands separators, full width,
	 * a currency sign before the digits */
	{ "1,000", 0, 1, 100000 },
	{ "6,000.00", 0, 1, 600000 },
	{ "1,234,567.89", 0, 1, 123456789 },
	{ "999,999", 0, 1, 99999900 },
	{ "\xef\xbc\x91\xef\xbc\x92\xef\xbc\x93", 0, 1, 12300 },	/* １２３ */
	/* １，２３４．５ */
	{ "\xef\xbc\x91\xef\xbc\x8c\xef\xbc\x92\xef\xbc\x93\xef\xbc\x94"
	  "\xef\xbc\x8e\xef\xbc\x95", 0, 1, 123450 },
	{ "$5", 0, 1, 500 },
	{ "\xc2\xa5" "6,000.00", 0, 1, 600000 },		/* ¥ */
	{ "\xc2\xa5 6,000.00", 0, 1, 600000 },
	{ "\xef\xbf\xa5" "12", 0, 1, 1200 },		/* ￥ */
	{ "\xe2\x82\xac" "5.5", 0, 1, 550 },		/* € */
	{ "\xc2\xa3" "1,000", 0, 1, 100000 },		/* £ */
	{ "\xef\xbc\x84" "5", 0, 1, 500 },		/* ＄ */
	{ " $ 5 ", 0, 1, 500 },
	{ "-\xc2\xa5" "5", 1, 1, -500 },			/* -¥5 */
	{ "\xc2\xa5-5", 1, 1, -500 },			/* ¥-5 */
	{ "-$1,234.50", 1, 1, -123450 },
	{ "\xef\xbc\x8d\xef\xbc\x95", 1, 1, -500 },	/* －５ */
	{ "-\xc2\xa5" "5", 0, 0, 0 },			/* negative */
	{ "1,23.4", 0, 0, 0 },		/* groups of three after the first */
	{ "1,,000", 0, 0, 0 },
	{ "12,34", 0, 0, 0 },
	{ "1,2345", 0, 0, 0 },
	{ "1234,567", 0, 0, 0 },	/* a first group of four */
	{ ",123", 0, 0, 0 },
	{ "1,000,", 0, 0, 0 },
	{ "1,000,00", 0, 0, 0 },
	{ "1.234,5", 0, 0, 0 },		/* none in the fraction */
	{ "1,000.005", 0, 0, 0 },	/* still never rounded */
	{ "\xc2\xa5", 0, 0, 0 },		/* ¥ alone */
	{ "\xc2\xa5 ", 0, 0, 0 },
	{ "$$5", 0, 0, 0 },
	{ "5$", 0, 0, 0 },
	{ "--$5", 1, 0, 0 },
	{ "$-", 1, 0, 0 },
	{ "US$5", 0, 0, 0 },
	/* the largest amount, and past it */
	{ "10000000000000", 0, 1, CRM_MONEY_MAX },
	{ "-10000000000000", 1, 1, -CRM_MONEY_MAX },
	{ "10000000000001", 0, 0, 0 },
	{ "99999999999999999999999", 0, 0, 0 },
	{ "-99999999999999999999999", 1, 0, 0 },
};

static void
money_table(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(money_cases); i++) {
		const struct money_case *c = &money_cases[i];
		struct crm_err err = CRM_ERR_INIT;
		int64_t cents = 424242;
		int r = crm_parse_money(c->in, c->neg, &cents, &err);

		if (c->ok && (r != 0 || cents != c->cents))
			fail_msg("money case %zu '%s': r=%d cents=%lld (%s), "
				"want %lld", i, c->in, r, (long long)cents,
				err.msg.buf, (long long)c->cents);
		if (!c->ok && (r != -1 || err.code != CRM_EX_DATAERR))
			fail_msg("money case %zu '%s': accepted as %lld", i,
				c->in, (long long)cents);
		if (!c->ok && cents != 424242)
			fail_msg("money case %zu '%s': wrote %lld on error", i,
				c->in, (long long)cents);
		crm_err_release(&err);
	}
}

/* The error says why: too many fraction digits, negative, too large. */
static void
money_messages(void **state)
{
	struct crm_err err = CRM_ERR_INIT;
	int64_t c;

	(void)state;
	crm_parse_money("1.005", 0, &c, &err);
	assert_non_null(strstr(err.msg.buf, "'1.005'"));
	assert_non_null(strstr(err.msg.buf, "fraction"));
	crm_err_clear(&err);
	crm_parse_money("-5", 0, &c, &err);
	assert_non_null(strstr(err.msg.buf, "negative"));
	crm_err_clear(&err);
	crm_parse_money("99999999999999999", 0, &c, &err);
	assert_non_null(strstr(err.msg.buf, "too large"));
	crm_err_release(&err);
}

/* CRM_MONEY_MAX is the largest amount accepted, cents included. */
static void
money_max_includes_cents(void **state)
{
	struct crm_err err = CRM_ERR_INIT;
	int64_t c = 0;
	int r;

	(void)state;
	r = crm_parse_money("10000000000000.01", 0, &c, &err);
	if (r == 0)
		fail_msg("accepted %lld cents, more than CRM_MONEY_MAX %lld",
			(long long)c, (long long)CRM_MONEY_MAX);
	assert_int_equal(err.code, CRM_EX_DATAERR);
	crm_err_clear(&err);
	r = crm_parse_money("-10000000000000.99", 1, &c, &err);
	if (r == 0)
		fail_msg("accepted %lld cents, less than -CRM_MONEY_MAX",
			(long long)c);
	crm_err_release(&err);
}

struct fmt_case {
	int64_t cents;
	const char *want;
};

static const struct fmt_case fmt_cases[] = {
	{ 0, "0.00" },
	{ 1, "0.01" },
	{ 10, "0.10" },
	{ 123450, "1234.50" },
	{ -5, "-0.05" },
	{ -123456, "-1234.56" },
	{ CRM_MONEY_MAX, "10000000000000.00" },
	{ INT64_MAX, "92233720368547758.07" },
	{ INT64_MIN, "-92233720368547758.08" },
};

static void
format_money_table(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(fmt_cases); i++) {
		struct crm_buf out = CRM_BUF_INIT;

		crm_buf_adds(&out, "=");
		crm_format_money(fmt_cases[i].cents, &out);
		CHECK_STR(i, "", out.buf + 1, fmt_cases[i].want);
		assert_int_equal(out.buf[0], '=');	/* appended */
		crm_buf_release(&out);
	}
}

/* What crm_format_money writes, crm_parse_money reads back. */
static void
money_round_trip(void **state)
{
	int64_t c;

	(void)state;
	for (c = -100000; c <= 100000; c += 37) {
		struct crm_buf out = CRM_BUF_INIT;
		struct crm_err err = CRM_ERR_INIT;
		int64_t back = 0;

		crm_format_money(c, &out);
		if (crm_parse_money(out.buf, 1, &back, &err) < 0 || back != c)
			fail_msg("%lld -> '%s' -> %lld", (long long)c,
				out.buf, (long long)back);
		crm_buf_release(&out);
	}
}

/* ---- decimal, int, bool, enum ----------------------------------------- */

static const struct text_case decimal_cases[] = {
	{ "3.14", "3.14" },
	{ "-2", "-2" },
	{ "+1.5", "1.5" },
	{ " 7 ", "7" },
	{ "0.000001", "0.000001" },
	{ "1.50", "1.50" },
	/* Written as a number (JSON) would be, as money reads them. */
	{ "1.", "1" },
	{ ".5", "0.5" },
	{ "-.5", "-0.5" },
	{ "+.5", "0.5" },
	{ "007", "7" },
	{ "00.5", "0.5" },
	{ "00.50", "0.50" },
	{ "-0", "0" },
	{ "-000", "0" },
	{ "-0.00", "0.00" },
	{ "-007.10", "-7.10" },
	{ ".", NULL },
	{ "-.", NULL },
	{ "", NULL },
	{ "-", NULL },
	{ "abc", NULL },
	{ "1.2.3", NULL },
	{ "1e5", NULL },
	{ "1,5", NULL },
	{ "--1", NULL },
	{ "1 2", NULL },
	/* as spreadsheets write them */
	{ "6,000.25", "6000.25" },
	{ "-1,234,567.125", "-1234567.125" },
	{ "\xc2\xa5" "1,234.5678", "1234.5678" },		/* ¥ */
	{ "\xef\xbc\x91\xef\xbc\x92\xef\xbc\x8e\xef\xbc\x95", "12.5" },	/* １２．５ */
	{ "12,34", NULL },
	{ "1,23.4", NULL },
	{ "1.5,000", NULL },
	/* 30 digits as stored, however many were typed */
	{ "123456789012345678901234567890", "123456789012345678901234567890" },
	{ "0.12345678901234567890123456789", "0.12345678901234567890123456789" },
	{ "000000000001.5", "1.5" },
	{ "1234567890123456789012345678901", NULL },
	{ ".055555555559223372036854775807", NULL },	/* 0.0555...: 31 */
	{ "0.055555555559223372036854775807", NULL },
};

static void
decimal_table(void **state)
{
	(void)state;
	run_text_cases("decimal", crm_parse_decimal, decimal_cases,
		ARRAY_SIZE(decimal_cases));
}

/* A JSON number: -?(0|[1-9][0-9]*)(\.[0-9]+)? (no exponent here). */
static int
is_json_number(const char *s)
{
	if (*s == '-')
		s++;
	if (*s == '0')
		s++;
	else if (*s >= '1' && *s <= '9')
		while (*s >= '0' && *s <= '9')
			s++;
	else
		return 0;
	if (*s == '.') {
		s++;
		if (!(*s >= '0' && *s <= '9'))
			return 0;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	return !*s;
}

/*
 * The header's grammar is [-]digits[.digits], and JSON output writes the
 * stored form bare as a number (SPEC 3.4): what is accepted must be one.
 */
static void
decimal_stored_form_is_a_number(void **state)
{
	static const char *const ins[] = {
		"1.", ".5", "-.5", "007", "00.5", "-0", "12.", "+.5",
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(ins); i++) {
		struct crm_buf out = CRM_BUF_INIT;
		struct crm_err err = CRM_ERR_INIT;

		if (crm_parse_decimal(ins[i], &out, &err) == 0 &&
		    !is_json_number(out.buf))
			fail_msg("decimal '%s' stored as '%s', not a number",
				ins[i], out.buf);
		crm_buf_release(&out);
		crm_err_release(&err);
	}
}

/*
 * What is stored reads again as itself, so that a stored value is found
 * by a filter on it and an import of it changes nothing.
 */
static void
decimal_stored_form_reads_again(void **state)
{
	static const char *const ins[] = {
		".055555555559223372036854775807",
		".05555555555922337203685477580",
		"-.5", "007", "-0.00", "1.", "6,000.25", "+.5",
		"123456789012345678901234567890",
		"000000000000000000000000000000000001",
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(ins); i++) {
		struct crm_buf a = CRM_BUF_INIT, b = CRM_BUF_INIT;
		struct crm_err err = CRM_ERR_INIT;

		if (crm_parse_decimal(ins[i], &a, &err) == 0 &&
		    (crm_parse_decimal(a.buf, &b, &err) < 0 ||
		    strcmp(a.buf, b.buf)))
			fail_msg("decimal '%s' stored as '%s' reads as '%s' "
				"(%s)", ins[i], a.buf, b.buf, err.msg.buf);
		crm_buf_release(&a);
		crm_buf_release(&b);
		crm_err_release(&err);
	}
}

struct int_case {
	const char *in;
	int64_t min, max;
	int ok;
	int64_t v;
};

static const struct int_case int_cases[] = {
	{ "42", 0, 100, 1, 42 },
	{ "0", 0, 100, 1, 0 },
	{ "100", 0, 100, 1, 100 },
	{ " 7 ", 0, 100, 1, 7 },
	{ "+5", 0, 100, 1, 5 },
	{ "-5", -10, 10, 1, -5 },
	{ "-10", -10, 10, 1, -10 },
	{ "101", 0, 100, 0, 0 },
	{ "-1", 0, 100, 0, 0 },
	{ "-11", -10, 10, 0, 0 },
	{ "3.5", 0, 100, 0, 0 },
	{ "0x10", 0, 100, 0, 0 },
	{ "5a", 0, 100, 0, 0 },
	{ "", 0, 100, 0, 0 },
	{ "-", -10, 10, 0, 0 },
	{ "- 5", -10, 10, 0, 0 },
	{ "1 2", 0, 100, 0, 0 },
	{ "9223372036854775807", INT64_MIN, INT64_MAX, 1, INT64_MAX },
	{ "-9223372036854775808", INT64_MIN, INT64_MAX, 1, INT64_MIN },
	{ "9223372036854775808", INT64_MIN, INT64_MAX, 0, 0 },
	{ "-9223372036854775809", INT64_MIN, INT64_MAX, 0, 0 },
	{ "99999999999999999999", 0, 100, 0, 0 },
	/* as spreadsheets write them */
	{ "1,000", 0, 10000, 1, 1000 },
	{ "-1,000", -10000, 0, 1, -1000 },
	{ "\xef\xbc\x91\xef\xbc\x92\xef\xbc\x93", 0, 1000, 1, 123 },	/* １２３ */
	{ "\xc2\xa5" "5", 0, 100, 1, 5 },
	{ "9,223,372,036,854,775,807", INT64_MIN, INT64_MAX, 1, INT64_MAX },
	{ "1,00", 0, 1000, 0, 0 },
	{ "1,000.5", 0, 10000, 0, 0 },
	{ "1,000", 0, 100, 0, 0 },	/* out of range */
};

static void
int_table(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(int_cases); i++) {
		const struct int_case *c = &int_cases[i];
		struct crm_err err = CRM_ERR_INIT;
		int64_t v = 4242;
		int r = crm_parse_int(c->in, c->min, c->max, &v, &err);

		if (c->ok && (r != 0 || v != c->v))
			fail_msg("int case %zu '%s': r=%d v=%lld (%s)", i,
				c->in, r, (long long)v, err.msg.buf);
		if (!c->ok && (r != -1 || err.code != CRM_EX_DATAERR ||
		    v != 4242))
			fail_msg("int case %zu '%s': r=%d v=%lld", i, c->in,
				r, (long long)v);
		crm_err_release(&err);
	}
}

/* Out of range: the message gives the range. */
static void
int_range_message(void **state)
{
	struct crm_err err = CRM_ERR_INIT;
	int64_t v;

	(void)state;
	crm_parse_int("6", 1, 5, &v, &err);
	assert_non_null(strstr(err.msg.buf, "'6'"));
	assert_non_null(strstr(err.msg.buf, "1 to 5"));
	crm_err_release(&err);
}

/* A count of an option is digits only: the forms of a value are not. */
static void
count_digits_only(void **state)
{
	static const char *const bad[] = {
		"", "¥5", "1,000", "１", " 2", "2 ", "+3", "-1", "1.0", "0x10"
	};
	struct crm_err err = CRM_ERR_INIT;
	int64_t v = -1;
	size_t i;

	(void)state;
	assert_int_equal(crm_parse_count("0", 0, &v, &err), 0);
	assert_int_equal(v, 0);
	assert_int_equal(crm_parse_count("1000", 1, &v, &err), 0);
	assert_int_equal(v, 1000);
	assert_int_equal(crm_parse_count("0", 1, &v, &err), -1);
	crm_err_clear(&err);
	assert_int_equal(crm_parse_count("99999999999999999999", 0, &v, &err),
		-1);
	crm_err_clear(&err);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(crm_parse_count(bad[i], 0, &v, &err), -1);
		assert_int_equal(err.code, CRM_EX_DATAERR);
		crm_err_clear(&err);
	}
	crm_err_release(&err);
}

struct bool_case {
	const char *in;
	int v;			/* -1: refused */
};

static const struct bool_case bool_cases[] = {
	{ "yes", 1 }, { "no", 0 }, { "true", 1 }, { "false", 0 },
	{ "1", 1 }, { "0", 0 }, { "YES", 1 }, { "No", 0 }, { "TRUE", 1 },
	{ "False", 0 }, { " yes ", 1 },
	{ "", -1 }, { "maybe", -1 }, { "2", -1 }, { "yess", -1 },
	{ "ye", -1 }, { "on", -1 }, { "-1", -1 },
};

static void
bool_table(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(bool_cases); i++) {
		struct crm_err err = CRM_ERR_INIT;
		int v = 7, r = crm_parse_bool(bool_cases[i].in, &v, &err);

		if (bool_cases[i].v >= 0 && (r != 0 || v != bool_cases[i].v))
			fail_msg("bool case %zu '%s': r=%d v=%d", i,
				bool_cases[i].in, r, v);
		if (bool_cases[i].v < 0 && (r != -1 ||
		    err.code != CRM_EX_DATAERR))
			fail_msg("bool case %zu '%s': accepted as %d", i,
				bool_cases[i].in, v);
		crm_err_release(&err);
	}
}

static void
enum_values(void **state)
{
	static const char *const kinds[] = { "person", "company", NULL };
	struct crm_err err = CRM_ERR_INIT;
	int idx = -1;

	(void)state;
	assert_int_equal(crm_parse_enum("person", kinds, &idx, &err), 0);
	assert_int_equal(idx, 0);
	assert_int_equal(crm_parse_enum("company", kinds, &idx, &err), 0);
	assert_int_equal(idx, 1);
	/* without regard to ASCII case */
	assert_int_equal(crm_parse_enum("COMPANY", kinds, &idx, &err), 0);
	assert_int_equal(idx, 1);
	assert_int_equal(crm_parse_enum("Person", kinds, &idx, &err), 0);
	assert_int_equal(idx, 0);
	assert_int_equal(err.code, 0);
}

/* Outside the list: CRM_EX_DATAERR listing the allowed values. */
static void
enum_refuses_and_lists(void **state)
{
	static const char *const kinds[] = { "person", "company", NULL };
	static const char *const bad[] = { "persons", "", "comp", "x y" };
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		struct crm_err err = CRM_ERR_INIT;
		int idx = -1;

		assert_int_equal(crm_parse_enum(bad[i], kinds, &idx, &err), -1);
		assert_int_equal(err.code, CRM_EX_DATAERR);
		assert_non_null(strstr(err.msg.buf, "person, company"));
		crm_err_release(&err);
	}
}

/* ---- dates ----------------------------------------------------------- */

static void
civil_days(void **state)
{
	int64_t z, y;
	unsigned m, d;

	(void)state;
	assert_int_equal(crm_days_from_civil(1970, 1, 1), 0);
	assert_int_equal(crm_days_from_civil(1969, 12, 31), -1);
	assert_int_equal(crm_days_from_civil(2000, 3, 1), 11017);
	assert_int_equal(crm_days_from_civil(2026, 11, 22), 20779);
	assert_int_equal(crm_days_from_civil(2024, 3, 1) -
		crm_days_from_civil(2024, 2, 28), 2);
	assert_int_equal(crm_days_from_civil(2026, 3, 1) -
		crm_days_from_civil(2026, 2, 28), 1);
	crm_civil_from_days(20779, &y, &m, &d);
	assert_true(y == 2026 && m == 11 && d == 22);
	crm_civil_from_days(-1, &y, &m, &d);
	assert_true(y == 1969 && m == 12 && d == 31);
	/* round trip over a wide range, every day consecutive */
	for (z = -800000; z <= 2933000; z += 97) {
		int64_t y2;
		unsigned m2, d2;

		crm_civil_from_days(z, &y, &m, &d);
		if (crm_days_from_civil(y, m, d) != z)
			fail_msg("day %lld -> %lld-%u-%u does not round trip",
				(long long)z, (long long)y, m, d);
		crm_civil_from_days(z + 1, &y2, &m2, &d2);
		if (!(d2 == d + 1 || (d2 == 1 && (m2 == m + 1 ||
		    (m2 == 1 && m == 12 && y2 == y + 1)))))
			fail_msg("day after %lld-%u-%u is %lld-%u-%u",
				(long long)y, m, d, (long long)y2, m2, d2);
	}
}

/* $CRM_TODAY pins today; malformed is an error; unset is the clock. */
static void
today_pinned_and_clock(void **state)
{
	struct crm_err err = CRM_ERR_INIT;
	int64_t days = 0, want;
	struct tm tm;
	time_t now;

	(void)state;
	setenv("CRM_TODAY", "2026-11-22", 1);
	assert_int_equal(crm_today(&days, &err), 0);
	assert_int_equal(days, crm_days_from_civil(2026, 11, 22));
	setenv("CRM_TODAY", "22.11.2026", 1);
	assert_int_equal(crm_today(&days, &err), -1);
	assert_true(err.code != 0);
	assert_non_null(strstr(err.msg.buf, "22.11.2026"));
	crm_err_clear(&err);
	setenv("CRM_TODAY", "2026-02-30", 1);
	assert_int_equal(crm_today(&days, &err), -1);
	crm_err_clear(&err);
	setenv("CRM_TODAY", "2026-11-22x", 1);
	assert_int_equal(crm_today(&days, &err), -1);
	crm_err_clear(&err);
	unsetenv("CRM_TODAY");
	now = time(NULL);
	localtime_r(&now, &tm);
	want = crm_days_from_civil(tm.tm_year + 1900,
		(unsigned)tm.tm_mon + 1, (unsigned)tm.tm_mday);
	assert_int_equal(crm_today(&days, &err), 0);
	assert_true(days == want || days == want + 1);	/* midnight */
	crm_err_release(&err);
}

static const struct text_case date_cases[] = {
	{ "2026-11-22", "2026-11-22" },
	{ "2026/11/22", "2026-11-22" },
	{ " 2026-01-05 ", "2026-01-05" },
	{ "2024-02-29", "2024-02-29" },	/* leap year */
	{ "2000-02-29", "2000-02-29" },	/* divisible by 400 */
	{ "2026-12-31", "2026-12-31" },
	{ "1999-01-01", "1999-01-01" },
	{ "2026-02-29", NULL },		/* not a leap year */
	{ "1900-02-29", NULL },		/* divisible by 100 */
	{ "2026-04-31", NULL },
	{ "2026-13-01", NULL },
	{ "2026-00-10", NULL },
	{ "2026-01-00", NULL },
	{ "2026-01-32", NULL },
	/* as spreadsheets write them */
	{ "2026-1-5", "2026-01-05" },
	{ "2026/3/5", "2026-03-05" },
	{ "2026/03/5", "2026-03-05" },
	{ "2026/12/31", "2026-12-31" },
	{ "2026\xe5\xb9\xb4" "3\xe6\x9c\x88" "5\xe6\x97\xa5", "2026-03-05" },	/* 年月日 */
	{ "2026\xe5\xb9\xb4" "03\xe6\x9c\x88" "05\xe6\x97\xa5", "2026-03-05" },
	/* ２０２６年３月５日 */
	{ "\xef\xbc\x92\xef\xbc\x90\xef\xbc\x92\xef\xbc\x96\xe5\xb9\xb4"
	  "\xef\xbc\x93\xe6\x9c\x88\xef\xbc\x95\xe6\x97\xa5", "2026-03-05" },
	{ "2026/2/30", NULL },		/* no such day */
	{ "2026/13/1", NULL },		/* no such month */
	{ "2024/2/29", "2024-02-29" },
	{ "2026/0/1", NULL },
	{ "2026/3/5x", NULL },
	{ "2026/123/5", NULL },
	{ "2026/3/", NULL },
	{ "2026/3", NULL },
	{ "2026-3/5", NULL },
	{ "2026\xe5\xb9\xb4" "3\xe6\x9c\x88" "5", NULL },		/* no 日 */
	{ "2026\xe5\xb9\xb4" "3-5\xe6\x97\xa5", NULL },
	{ "2026\xe5\xb9\xb4" "2\xe6\x9c\x88" "30\xe6\x97\xa5", NULL },
	{ "26-01-05", NULL },
	{ "2026-01/05", NULL },		/* mixed separators */
	{ "2026.01.05", NULL },
	{ "2026-01-05x", NULL },
	{ "2026-01-05 10:00", NULL },
	{ "20260105", NULL },
	{ "", NULL },
	{ "someday", NULL },
	/* relative to CRM_TODAY=2026-11-22 */
	{ "today", "2026-11-22" },
	{ "yesterday", "2026-11-21" },
	{ "tomorrow", "2026-11-23" },
	{ " today ", "2026-11-22" },
	{ "-0d", "2026-11-22" },
	{ "-3d", "2026-11-19" },
	{ "-30d", "2026-10-23" },
	{ "-365d", "2025-11-22" },
	{ "-2w", "2026-11-08" },
	{ "-1m", "2026-10-22" },
	{ "-11m", "2025-12-22" },
	{ "-12m", "2025-11-22" },
	{ "-1y", "2025-11-22" },
	{ "-10y", "2016-11-22" },
	{ "-3", NULL },
	{ "-d", NULL },
	{ "3d", NULL },
	{ "+3d", NULL },
	{ "-3x", NULL },
	{ "-3dd", NULL },
	{ "-3 d", NULL },
	{ "-1.5d", NULL },
	{ "-99999999999d", NULL },
};

static void
date_table(void **state)
{
	(void)state;
	setenv("CRM_TODAY", "2026-11-22", 1);
	run_text_cases("date", crm_parse_date, date_cases,
		ARRAY_SIZE(date_cases));
	unsetenv("CRM_TODAY");
}

struct rel_case {
	const char *today;
	const char *in;
	const char *want;
};

/* Months and years back clamp the day to the month's end. */
static const struct rel_case clamp_cases[] = {
	{ "2026-03-31", "-1m", "2026-02-28" },
	{ "2024-03-31", "-1m", "2024-02-29" },
	{ "2026-05-31", "-1m", "2026-04-30" },
	{ "2026-01-31", "-2m", "2025-11-30" },
	{ "2026-01-31", "-13m", "2024-12-31" },
	{ "2026-01-15", "-1m", "2025-12-15" },
	{ "2024-02-29", "-1y", "2023-02-28" },
	{ "2024-02-29", "-4y", "2020-02-29" },
	{ "2024-02-29", "-12m", "2023-02-28" },
	{ "2026-03-01", "-1d", "2026-02-28" },
	{ "2024-03-01", "yesterday", "2024-02-29" },
	{ "2026-12-31", "tomorrow", "2027-01-01" },
	{ "2026-01-01", "-1w", "2025-12-25" },
};

static void
date_relative_clamp(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(clamp_cases); i++) {
		struct crm_buf out = CRM_BUF_INIT;
		struct crm_err err = CRM_ERR_INIT;

		setenv("CRM_TODAY", clamp_cases[i].today, 1);
		if (crm_parse_date(clamp_cases[i].in, &out, &err) < 0)
			fail_msg("case %zu: %s", i, err.msg.buf);
		if (strcmp(out.buf, clamp_cases[i].want))
			fail_msg("case %zu: %s from %s gave %s, want %s", i,
				clamp_cases[i].in, clamp_cases[i].today,
				out.buf, clamp_cases[i].want);
		crm_buf_release(&out);
	}
	unsetenv("CRM_TODAY");
}

/* A relative date with a malformed CRM_TODAY fails with err set. */
static void
date_relative_bad_today(void **state)
{
	struct crm_buf out = CRM_BUF_INIT;
	struct crm_err err = CRM_ERR_INIT;

	(void)state;
	setenv("CRM_TODAY", "not-a-date", 1);
	assert_int_equal(crm_parse_date("-1d", &out, &err), -1);
	assert_true(err.code != 0);
	assert_string_equal(out.buf, "");
	crm_err_clear(&err);
	/* an absolute date does not need today */
	assert_int_equal(crm_parse_date("2026-01-02", &out, &err), 0);
	assert_string_equal(out.buf, "2026-01-02");
	unsetenv("CRM_TODAY");
	crm_buf_release(&out);
	crm_err_release(&err);
}

/* Relative dates with no CRM_TODAY follow the clock. */
static void
date_today_follows_clock(void **state)
{
	struct crm_buf out = CRM_BUF_INIT, want = CRM_BUF_INIT;
	struct crm_err err = CRM_ERR_INIT;
	int64_t days;

	(void)state;
	unsetenv("CRM_TODAY");
	assert_int_equal(crm_today(&days, &err), 0);
	assert_int_equal(crm_parse_date("yesterday", &out, &err), 0);
	{
		int64_t y;
		unsigned m, d;

		crm_civil_from_days(days - 1, &y, &m, &d);
		crm_buf_addf(&want, "%04lld-%02u-%02u", (long long)y, m, d);
	}
	assert_string_equal(out.buf, want.buf);
	crm_buf_release(&out);
	crm_buf_release(&want);
}

static void
date_message_names_value(void **state)
{
	struct crm_buf out = CRM_BUF_INIT;
	struct crm_err err = CRM_ERR_INIT;

	(void)state;
	assert_int_equal(crm_parse_date("2026-02-29", &out, &err), -1);
	assert_non_null(strstr(err.msg.buf, "'2026-02-29'"));
	crm_buf_release(&out);
	crm_err_release(&err);
}

/*
 * A refused date says every form a date is read in, and why a date that
 * looks right is not one.
 */
static void
date_messages_list_every_form(void **state)
{
	static const char *const forms[] = {
		"YYYY-MM-DD", "YYYY/MM/DD", "YYYY\xe5\xb9\xb4MM\xe6\x9c\x88" "DD\xe6\x97\xa5",
		"one digit", "today", "yesterday", "tomorrow", "-N",
	};
	struct crm_buf out = CRM_BUF_INIT;
	struct crm_err err = CRM_ERR_INIT;
	size_t i;

	(void)state;
	assert_int_equal(crm_parse_date("next friday", &out, &err), -1);
	for (i = 0; i < ARRAY_SIZE(forms); i++)
		if (!strstr(err.msg.buf, forms[i]))
			fail_msg("date message '%s' lacks '%s'", err.msg.buf,
				forms[i]);
	crm_err_clear(&err);
	assert_int_equal(crm_parse_time("next friday", &out, &err), -1);
	for (i = 0; i < ARRAY_SIZE(forms); i++)
		if (!strstr(err.msg.buf, forms[i]))
			fail_msg("time message '%s' lacks '%s'", err.msg.buf,
				forms[i]);
	if (!strstr(err.msg.buf, "now") || !strstr(err.msg.buf, "+HH:MM"))
		fail_msg("time message '%s' lacks now or +HH:MM", err.msg.buf);
	crm_err_clear(&err);
	assert_int_equal(crm_parse_date("2026/2/30", &out, &err), -1);
	assert_string_equal(err.msg.buf,
		"invalid date '2026/2/30': no such day");
	crm_err_clear(&err);
	assert_int_equal(crm_parse_date("2026/13/1", &out, &err), -1);
	assert_string_equal(err.msg.buf,
		"invalid date '2026/13/1': no such month");
	crm_err_clear(&err);
	assert_int_equal(crm_parse_time("2026/13/1 9:05", &out, &err), -1);
	assert_string_equal(err.msg.buf,
		"invalid time '2026/13/1 9:05': no such month");
	assert_string_equal(out.buf, "");
	crm_buf_release(&out);
	crm_err_release(&err);
}

/* A separator out of place is named as such, for each kind of number. */
static void
number_separator_messages(void **state)
{
	struct crm_buf out = CRM_BUF_INIT;
	struct crm_err err = CRM_ERR_INIT;
	int64_t v;

	(void)state;
	assert_int_equal(crm_parse_money("1,23.4", 0, &v, &err), -1);
	assert_non_null(strstr(err.msg.buf, "'1,23.4'"));
	assert_non_null(strstr(err.msg.buf, "separator"));
	crm_err_clear(&err);
	assert_int_equal(crm_parse_decimal("12,34", &out, &err), -1);
	assert_non_null(strstr(err.msg.buf, "'12,34'"));
	assert_non_null(strstr(err.msg.buf, "separator"));
	crm_err_clear(&err);
	assert_int_equal(crm_parse_int("1,,000", 0, 9999, &v, &err), -1);
	assert_non_null(strstr(err.msg.buf, "'1,,000'"));
	assert_non_null(strstr(err.msg.buf, "separator"));
	crm_err_clear(&err);
	/* a sign alone is no number */
	assert_int_equal(crm_parse_money("\xc2\xa5", 0, &v, &err), -1);
	assert_non_null(strstr(err.msg.buf, "expected a number"));
	crm_buf_release(&out);
	crm_err_release(&err);
}

/* ---- times ----------------------------------------------------------- */

static const struct text_case time_utc_cases[] = {
	{ "2026-11-22T10:20:30Z", "2026-11-22T10:20:30Z" },
	{ "2026-11-22 10:20:30Z", "2026-11-22T10:20:30Z" },
	{ "2026-11-22 10:20:30", "2026-11-22T10:20:30Z" },
	{ "2026-11-22 10:20", "2026-11-22T10:20:00Z" },
	{ "2026-11-22T10:20", "2026-11-22T10:20:00Z" },
	{ " 2026-11-22T10:20:30Z ", "2026-11-22T10:20:30Z" },
	{ "2026/11/22 10:20", "2026-11-22T10:20:00Z" },
	/* offsets, converted to UTC */
	{ "2026-11-22T10:20:30+08:00", "2026-11-22T02:20:30Z" },
	{ "2026-11-22 10:20+08:00", "2026-11-22T02:20:00Z" },
	{ "2026-11-22 10:20 +08:00", "2026-11-22T02:20:00Z" },
	{ "2026-11-22T02:00:00+08:00", "2026-11-21T18:00:00Z" },
	{ "2026-11-22T22:00:00-05:00", "2026-11-23T03:00:00Z" },
	{ "2026-12-31T23:59:59-01:00", "2027-01-01T00:59:59Z" },
	{ "2026-11-22T10:00:00+05:30", "2026-11-22T04:30:00Z" },
	{ "2026-11-22T10:00:00+00:00", "2026-11-22T10:00:00Z" },
	{ "2026-11-22T10:00:00-00:00", "2026-11-22T10:00:00Z" },
	{ "2024-02-29T12:00:00Z", "2024-02-29T12:00:00Z" },
	{ "2026-03-01T01:00:00+02:00", "2026-02-28T23:00:00Z" },
	{ "2024-03-01T01:00:00+02:00", "2024-02-29T23:00:00Z" },
	/* a date alone is midnight; the relative forms too */
	{ "2026-11-22", "2026-11-22T00:00:00Z" },
	{ "2026/11/22", "2026-11-22T00:00:00Z" },
	{ "today", "2026-11-22T00:00:00Z" },
	{ "yesterday", "2026-11-21T00:00:00Z" },
	{ "-1w", "2026-11-15T00:00:00Z" },
	{ "-1m", "2026-10-22T00:00:00Z" },
	/* a date word, a space and a time of day */
	{ "tomorrow 10:00", "2026-11-23T10:00:00Z" },
	{ "Today 09:30:15", "2026-11-22T09:30:15Z" },
	{ "-1d 10:00+08:00", "2026-11-21T02:00:00Z" },
	/* as spreadsheets write them: a one-digit month, day and hour */
	{ "2026-3-5 9:05", "2026-03-05T09:05:00Z" },
	{ "2026/3/5 9:05", "2026-03-05T09:05:00Z" },
	{ "2026/3/5 19:05:30", "2026-03-05T19:05:30Z" },
	{ "2026-03-05T9:05Z", "2026-03-05T09:05:00Z" },
	{ "2026/3/5 9:05 +08:00", "2026-03-05T01:05:00Z" },
	{ "2026/3/5", "2026-03-05T00:00:00Z" },
	{ "tomorrow 9:05", "2026-11-23T09:05:00Z" },
	{ "2026\xe5\xb9\xb4" "3\xe6\x9c\x88" "5\xe6\x97\xa5", "2026-03-05T00:00:00Z" },
	{ "2026\xe5\xb9\xb4" "3\xe6\x9c\x88" "5\xe6\x97\xa5 9:05", "2026-03-05T09:05:00Z" },
	{ "2026\xe5\xb9\xb4" "3\xe6\x9c\x88" "5\xe6\x97\xa5" "9:05", "2026-03-05T09:05:00Z" },
	{ "2026-3-5 9:5", NULL },
	{ "2026-3-5 123:05", NULL },
	{ "2026-3-5 24:00", NULL },
	{ "2026-3-59:05", NULL },
	{ "2026/2/30 9:05", NULL },
	{ "2026/13/1 9:05", NULL },
	/* refused */
	{ "tomorrow 24:00", NULL },
	{ "tomorrow  10:00", NULL },
	{ "tomorrow 10", NULL },
	{ "soon 10:00", NULL },
	{ "2026-02-29T12:00:00Z", NULL },
	{ "2026-02-29", NULL },
	{ "2026-11-22T24:00:00Z", NULL },
	{ "2026-11-22T10:60:00Z", NULL },
	{ "2026-11-22T10:20:61Z", NULL },
	{ "2026-11-22T10Z", NULL },
	{ "2026-11-22T10:2Z", NULL },
	{ "2026-11-22T", NULL },
	{ "2026-11-22X10:20:30Z", NULL },
	{ "2026-11-22T10:20:30+15:00", NULL },
	{ "2026-11-22T10:20:30+08:60", NULL },
	{ "2026-11-22T10:20:30+8", NULL },
	{ "2026-11-22T10:20:30ZZ", NULL },
	{ "2026-11-22T10:20:30 junk", NULL },
	{ "2026-11-22T10:20:30+08:00x", NULL },
	{ "10:20", NULL },
	{ "", NULL },
	{ "now-ish", NULL },
	{ "-1q", NULL },
};

/* TZ=UTC: local times are UTC. */
static void
time_table_utc(void **state)
{
	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	setenv("CRM_TODAY", "2026-11-22", 1);
	run_text_cases("time", crm_parse_time, time_utc_cases,
		ARRAY_SIZE(time_utc_cases));
	unsetenv("CRM_TODAY");
}

/* Without an offset the time is local time (TZ). */
static const struct text_case time_local_cases[] = {
	{ "2026-11-22 10:00", "2026-11-22T02:00:00Z" },
	{ "2026-11-22T01:30:00", "2026-11-21T17:30:00Z" },
	{ "2026-11-22", "2026-11-21T16:00:00Z" },
	{ "today", "2026-11-21T16:00:00Z" },
	{ "tomorrow 10:00", "2026-11-23T02:00:00Z" },
	/* an explicit offset or Z does not depend on TZ */
	{ "2026-11-22T10:00:00Z", "2026-11-22T10:00:00Z" },
	{ "2026-11-22T10:00:00-05:00", "2026-11-22T15:00:00Z" },
};

static void
time_table_local(void **state)
{
	(void)state;
	setenv("TZ", "CST-8", 1);	/* UTC+8, no daylight saving */
	tzset();
	setenv("CRM_TODAY", "2026-11-22", 1);
	run_text_cases("local time", crm_parse_time, time_local_cases,
		ARRAY_SIZE(time_local_cases));
	setenv("TZ", "UTC", 1);
	tzset();
	unsetenv("CRM_TODAY");
}

/* Local times follow daylight saving. */
static void
time_local_dst(void **state)
{
	static const struct text_case cases[] = {
		{ "2026-01-15 12:00", "2026-01-15T17:00:00Z" },
		{ "2026-07-15 12:00", "2026-07-15T16:00:00Z" },
	};

	(void)state;
	setenv("TZ", "EST5EDT,M3.2.0,M11.1.0", 1);
	tzset();
	run_text_cases("dst", crm_parse_time, cases, ARRAY_SIZE(cases));
	setenv("TZ", "UTC", 1);
	tzset();
}

/* "now" is the current time in the storage form. */
static void
time_now(void **state)
{
	struct crm_buf out = CRM_BUF_INIT, lo = CRM_BUF_INIT,
		hi = CRM_BUF_INIT;
	struct crm_err err = CRM_ERR_INIT;
	time_t before, after;

	(void)state;
	before = time(NULL);
	assert_int_equal(crm_parse_time("now", &out, &err), 0);
	after = time(NULL);
	crm_format_time(before, &lo);
	crm_format_time(after, &hi);
	assert_int_equal(out.len, 20);
	assert_true(strcmp(out.buf, lo.buf) >= 0);
	assert_true(strcmp(out.buf, hi.buf) <= 0);
	crm_buf_reset(&out);
	crm_now(&out);
	assert_int_equal(out.len, 20);
	assert_int_equal(out.buf[10], 'T');
	assert_int_equal(out.buf[19], 'Z');
	crm_buf_release(&out);
	crm_buf_release(&lo);
	crm_buf_release(&hi);
}

static void
format_time_values(void **state)
{
	struct crm_buf out = CRM_BUF_INIT;

	(void)state;
	crm_format_time(0, &out);
	assert_string_equal(out.buf, "1970-01-01T00:00:00Z");
	crm_buf_reset(&out);
	crm_format_time(1000000000, &out);
	assert_string_equal(out.buf, "2001-09-09T01:46:40Z");
	crm_buf_reset(&out);
	crm_format_time(-1, &out);
	assert_string_equal(out.buf, "1969-12-31T23:59:59Z");
	crm_buf_reset(&out);
	crm_buf_adds(&out, "@");
	crm_format_time(1709208000, &out);	/* appends */
	assert_string_equal(out.buf, "@2024-02-29T12:00:00Z");
	crm_buf_release(&out);
}

/* What crm_format_time writes, crm_parse_time reads back. */
static void
time_round_trip(void **state)
{
	time_t t;

	(void)state;
	setenv("TZ", "CST-8", 1);
	tzset();
	for (t = 0; t < 4000000000LL; t += 9876543) {
		struct crm_buf a = CRM_BUF_INIT, b = CRM_BUF_INIT;
		struct crm_err err = CRM_ERR_INIT;

		crm_format_time(t, &a);
		if (crm_parse_time(a.buf, &b, &err) < 0 || strcmp(a.buf, b.buf))
			fail_msg("'%s' read back as '%s' (%s)", a.buf, b.buf,
				err.msg.buf);
		crm_buf_release(&a);
		crm_buf_release(&b);
	}
	setenv("TZ", "UTC", 1);
	tzset();
}

/*
 * Times are stored as YYYY-MM-DDTHH:MM:SSZ: an offset that carries the
 * time out of the years 0000-9999 cannot be stored, so it is refused.
 */
static void
time_stays_in_storage_range(void **state)
{
	static const char *const ins[] = {
		"9999-12-31T23:00:00-14:00",
		"0000-01-01T00:00:00+01:00",
		"0000-01-01 00:59",	/* local time is UTC+1 here */
	};
	/* The first and the last second, and an offset that stays in. */
	static const char *const edges[] = {
		"0000-01-01T00:00:00Z", "0000-01-01T00:00:00Z",
		"9999-12-31T23:59:59Z", "9999-12-31T23:59:59Z",
		"9999-12-31T23:00:00+14:00", "9999-12-31T09:00:00Z",
		"0000-01-01T00:00:00-01:00", "0000-01-01T01:00:00Z",
	};
	size_t i;

	(void)state;
	setenv("TZ", "CET-1", 1);	/* UTC+1, no daylight saving */
	tzset();
	for (i = 0; i < ARRAY_SIZE(ins); i++) {
		struct crm_buf out = CRM_BUF_INIT;
		struct crm_err err = CRM_ERR_INIT;

		if (crm_parse_time(ins[i], &out, &err) == 0)
			fail_msg("time '%s' accepted as '%s'", ins[i],
				out.buf);
		assert_int_equal(err.code, CRM_EX_DATAERR);
		assert_non_null(strstr(err.msg.buf, "year out of range"));
		crm_buf_release(&out);
		crm_err_release(&err);
	}
	setenv("TZ", "UTC", 1);
	tzset();
	for (i = 0; i < ARRAY_SIZE(edges); i += 2) {
		struct crm_buf out = CRM_BUF_INIT;
		struct crm_err err = CRM_ERR_INIT;

		if (crm_parse_time(edges[i], &out, &err) < 0)
			fail_msg("time '%s' refused: %s", edges[i],
				err.msg.buf);
		assert_string_equal(out.buf, edges[i + 1]);
		crm_buf_release(&out);
		crm_err_release(&err);
	}
}

/*
 * err.h: the first error set wins, so calls can be chained and checked
 * once.  A parser must not wipe an error set before it was called.
 */
static void
time_keeps_earlier_error(void **state)
{
	struct crm_buf out = CRM_BUF_INIT;
	struct crm_err err = CRM_ERR_INIT;

	(void)state;
	crm_err_set(&err, CRM_EX_NOINPUT, "the first error");
	assert_int_equal(crm_parse_time("garbage", &out, &err), -1);
	assert_int_equal(err.code, CRM_EX_NOINPUT);
	assert_string_equal(err.msg.buf, "the first error");
	crm_err_clear(&err);
	crm_err_set(&err, CRM_EX_DATAERR, "an earlier bad value");
	assert_int_equal(crm_parse_time("-1q", &out, &err), -1);
	assert_string_equal(err.msg.buf, "an earlier bad value");
	crm_buf_release(&out);
	crm_err_release(&err);
}

static int
setup(void **state)
{
	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	return 0;
}

int
main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(email_table),
		cmocka_unit_test(email_length),
		cmocka_unit_test(email_message_names_value),
		cmocka_unit_test(email_appends),
		cmocka_unit_test(phone_table),
		cmocka_unit_test(phone_message_names_value),
		cmocka_unit_test(money_table),
		cmocka_unit_test(money_messages),
		cmocka_unit_test(format_money_table),
		cmocka_unit_test(money_round_trip),
		cmocka_unit_test(decimal_table),
		cmocka_unit_test(decimal_stored_form_is_a_number),
		cmocka_unit_test(decimal_stored_form_reads_again),
		cmocka_unit_test(number_separator_messages),
		cmocka_unit_test(int_table),
		cmocka_unit_test(int_range_message),
		cmocka_unit_test(count_digits_only),
		cmocka_unit_test(bool_table),
		cmocka_unit_test(enum_values),
		cmocka_unit_test(enum_refuses_and_lists),
		cmocka_unit_test(civil_days),
		cmocka_unit_test(today_pinned_and_clock),
		cmocka_unit_test(date_table),
		cmocka_unit_test(date_relative_clamp),
		cmocka_unit_test(date_relative_bad_today),
		cmocka_unit_test(date_today_follows_clock),
		cmocka_unit_test(date_message_names_value),
		cmocka_unit_test(date_messages_list_every_form),
		cmocka_unit_test(time_table_utc),
		cmocka_unit_test(time_table_local),
		cmocka_unit_test(time_local_dst),
		cmocka_unit_test(time_now),
		cmocka_unit_test(format_time_values),
		cmocka_unit_test(time_round_trip),
		cmocka_unit_test(money_max_includes_cents),
		cmocka_unit_test(time_keeps_earlier_error),
		cmocka_unit_test(time_stays_in_storage_range),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
