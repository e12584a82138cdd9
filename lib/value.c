#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "text.h"
#include "value.h"
#include "banned.h"

/* ---- email ---------------------------------------------------------- */

static int
email_char_ok(unsigned char c)
{
	return c > 0x20 && c != 0x7F && c != '@' && c != ',' && c != ';' &&
		c != '<' && c != '>' && c != '(' && c != ')' && c != '[' &&
		c != ']' && c != '\\' && c != '"';
}

int
crm_parse_email(const char *in, struct crm_buf *out, struct crm_err *err)
{
	struct crm_buf t = CRM_BUF_INIT, f = CRM_BUF_INIT;
	const char *at, *p, *dot;
	size_t i;
	int ret = -1;

	if (crm_text_clean(in, strlen(in), 0, &t, err) < 0)
		goto out;
	if (!t.len) {
		ret = 0;
		goto out;
	}
	/* NFKC and lowercase: full-width letters and "＠" become ASCII. */
	crm_text_fold(t.buf, t.len, &f);
	at = strchr(f.buf, '@');
	if (!at || at == f.buf || strchr(at + 1, '@')) {
		crm_err_set(err, CRM_EX_DATAERR,
			"invalid email '%s': expected local@domain.tld", in);
		goto out;
	}
	for (p = f.buf; *p; p++)
		if (p != at && !email_char_ok((unsigned char)*p)) {
			crm_err_set(err, CRM_EX_DATAERR,
				"invalid email '%s': character '%c' not allowed",
				in, *p);
			goto out;
		}
	/* Domain: labels separated by single dots, a dot present, no
	 * leading or trailing dot or hyphen, a TLD of two or more letters. */
	dot = strrchr(at + 1, '.');
	if (!dot || at[1] == '.' || at[1] == '-' || strstr(at, "..") ||
	    dot[1] == '\0' || strlen(dot + 1) < 2 || f.buf[0] == '.' ||
	    at[-1] == '.' || strstr(f.buf, "..")) {
		crm_err_set(err, CRM_EX_DATAERR,
			"invalid email '%s': expected local@domain.tld", in);
		goto out;
	}
	for (p = at + 1; *p; p++)
		if (*p == '-' && (p[-1] == '.' || p[-1] == '@' || p[1] == '.' ||
		    !p[1])) {
			crm_err_set(err, CRM_EX_DATAERR, "invalid email '%s': "
				"a domain label starts or ends with '-'", in);
			goto out;
		}
	for (i = 1; dot[i]; i++)
		if (!isalpha((unsigned char)dot[i]) &&
		    (unsigned char)dot[i] < 0x80) {
			crm_err_set(err, CRM_EX_DATAERR,
				"invalid email '%s': bad top-level domain", in);
			goto out;
		}
	if (f.len > 254) {
		crm_err_set(err, CRM_EX_DATAERR,
			"invalid email '%s': longer than 254 bytes", in);
		goto out;
	}
	crm_buf_add(out, f.buf, f.len);
	ret = 0;
out:
	crm_buf_release(&t);
	crm_buf_release(&f);
	return ret;
}

/* ---- phone ---------------------------------------------------------- */

/* "0)" at s, full width or not: 1 with *i moved past it, else 0. */
static int
trunk_zero(const char *s, size_t len, size_t *i)
{
	size_t a, b;
	int zero, close;

	a = len ? crm_text_next(s, len, &zero) : 0;
	b = a < len ? crm_text_next(s + a, len - a, &close) : 0;
	if (!a || !b || (zero != '0' && zero != 0xFF10) ||
	    (close != ')' && close != 0xFF09))
		return 0;
	*i += a + b;
	return 1;
}

int
crm_parse_phone(const char *in, struct crm_buf *out, struct crm_err *err)
{
	struct crm_buf d = CRM_BUF_INIT;
	size_t len = strlen(in), i = 0, digits = 0;
	int cp, plus = 0, cc_done = 0, runs = 0, prev = 0, ret = -1;

	while (i < len) {
		i += crm_text_next(in + i, len - i, &cp);
		if (cp >= 0xFF01 && cp <= 0xFF5E)	/* full width ASCII */
			cp -= 0xFEE0;
		else if (cp == 0x3000)			/* ideographic space */
			cp = ' ';
		if (cp == '(' && plus && runs == 1 && digits <= 3 &&
		    !cc_done && trunk_zero(in + i, len - i, &i)) {
			/* "+44 (0)20": the country code, then the trunk
			 * prefix, which is not dialled from abroad. */
			cc_done = 1;
			prev = 0;
			continue;
		}
		runs += cp >= '0' && cp <= '9' && !prev;
		prev = cp >= '0' && cp <= '9';
		if (cp >= '0' && cp <= '9') {
			crm_buf_addch(&d, cp);
			digits++;
		} else if (cp == '+' && !digits && !plus) {
			plus = 1;
		} else if (cp == ' ' || cp == '-' || cp == '.' || cp == '(' ||
		    cp == ')' || cp == '\t' || cp == 0x2013 || cp == 0x2014) {
			continue;
		} else {
			crm_err_set(err, CRM_EX_DATAERR,
				"invalid phone '%s': only digits, spaces, "
				"dashes, dots, brackets and a leading + allowed",
				in);
			goto out;
		}
	}
	if (!digits && !plus) {
		ret = 0;
		goto out;
	}
	if (digits < 5 || digits > 20) {
		crm_err_set(err, CRM_EX_DATAERR,
			"invalid phone '%s': %zu digits, expected 5 to 20",
			in, digits);
		goto out;
	}
	if (plus)
		crm_buf_addch(out, '+');
	crm_buf_add(out, d.buf, d.len);
	ret = 0;
out:
	crm_buf_release(&d);
	return ret;
}

/* ---- numbers -------------------------------------------------------- */

static const char *
skip_ws(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

static size_t
trim_len(const char *s)
{
	size_t n = strlen(s);

	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return n;
}

/*
 * A code point as numbers and dates read it: the full-width forms of ASCII
 * ("１２３", "．", "，", "－"), the ideographic space and the minus sign
 * as ASCII; any other as it is.
 */
static int
plain_cp(int cp)
{
	if (cp >= 0xFF01 && cp <= 0xFF5E)
		return cp - 0xFEE0;
	if (cp == 0x3000)
		return ' ';
	if (cp == 0x2212)
		return '-';
	return cp;
}

/* The plain code point at p (0 at end), its length in bytes in *n. */
static int
peek(const char *p, const char *end, size_t *n)
{
	int cp;

	if (p >= end) {
		*n = 0;
		return 0;
	}
	*n = crm_text_next(p, (size_t)(end - p), &cp);
	return plain_cp(cp);
}

/* Append s with each code point made plain (plain_cp). */
static void
plain_text(const char *s, struct crm_buf *out)
{
	const char *end = s + strlen(s);
	size_t n;
	int cp;

	for (; (cp = peek(s, end, &n)) != 0; s += n)
		if (cp < 0x80 && cp >= 0)
			crm_buf_addch(out, cp);
		else
			crm_buf_add(out, s, n);
}

/* ¥ ￥ $ € £ ￡ (＄ is $ once plain). */
static int
is_currency(int cp)
{
	return cp == '$' || cp == 0xA5 || cp == 0xFFE5 || cp == 0x20AC ||
		cp == 0xA3 || cp == 0xFFE1;
}

static const char misplaced[] = "a thousands separator out of place: "
	"expected groups of three digits, as in 6,000.00";

/*
 * The one place where the forms a number is written in are read, for
 * money, decimals and whole numbers alike: the text made plain (plain_cp),
 * a currency sign before the digits dropped (blanks may follow it; a sign
 * may come before or after it), and thousands separators dropped from the
 * whole part, where they must stand between groups of exactly three
 * digits after a first group of one to three.  The rest is copied for the
 * caller's grammar to check: "-¥6,000.50" gives "-6000.50".  Returns 0,
 * or -1 with a separator out of place.
 */
static int
plain_number(const char *in, struct crm_buf *out)
{
	const char *p = in, *end = in + strlen(in);
	size_t n, group = 0;
	int cp, sign = 0, whole = 1, seps = 0;

	while ((cp = peek(p, end, &n)) == ' ' || cp == '\t')
		p += n;
	if (cp == '-' || cp == '+') {
		sign = cp;
		p += n;
		cp = peek(p, end, &n);
	}
	if (is_currency(cp)) {
		p += n;
		while ((cp = peek(p, end, &n)) == ' ' || cp == '\t')
			p += n;
		if (!sign && (cp == '-' || cp == '+')) {
			sign = cp;
			p += n;
		}
	}
	if (sign)
		crm_buf_addch(out, sign);
	for (;; p += n) {
		cp = peek(p, end, &n);
		if (whole && cp >= '0' && cp <= '9') {
			group++;
		} else if (cp == ',') {
			if (!whole || !group || group > 3 ||
			    (seps && group != 3))
				return -1;
			seps = 1;
			group = 0;
			continue;
		} else if (whole) {
			/* The whole part ends: its last group is full. */
			if (seps && group != 3)
				return -1;
			whole = 0;
		}
		if (!cp)
			return 0;
		if (cp < 0x80 && cp >= 0)
			crm_buf_addch(out, cp);
		else
			crm_buf_add(out, p, n);
	}
}

/*
 * The text a number's grammar reads: in itself when it is plain ASCII
 * (the usual case, read without a copy), else in made plain into t.
 * NULL with err set, naming what, when a separator is out of place.
 */
static const char *
number_text(const char *in, const char *what, struct crm_buf *t,
	struct crm_err *err)
{
	if (!in[strspn(in, "0123456789.+- \t")])
		return in;
	if (plain_number(in, t) < 0) {
		crm_err_set(err, CRM_EX_DATAERR, "invalid %s '%s': %s", what,
			in, misplaced);
		return NULL;
	}
	return t->buf;
}

static int
parse_money(const char *in, const char *p, int allow_negative,
	int64_t *cents, struct crm_err *err)
{
	const char *end;
	int64_t units = 0, frac = 0;
	int neg = 0, nint = 0, nfrac = 0;

	p = skip_ws(p);
	end = p + trim_len(p);
	if (p < end && (*p == '-' || *p == '+')) {
		neg = *p == '-';
		p++;
	}
	for (; p < end && isdigit((unsigned char)*p); p++, nint++) {
		units = units * 10 + (*p - '0');
		if (units > CRM_MONEY_MAX / 100)
			return crm_err_set(err, CRM_EX_DATAERR,
				"invalid amount '%s': too large", in);
	}
	if (p < end && *p == '.') {
		for (p++; p < end && isdigit((unsigned char)*p); p++, nfrac++)
			if (nfrac < 2)
				frac = frac * 10 + (*p - '0');
	}
	if (p != end || (!nint && !nfrac))
		return crm_err_set(err, CRM_EX_DATAERR,
			"invalid amount '%s': expected a number like 1234.50, "
			"6,000.00 or ¥6000", in);
	if (nfrac > 2)
		return crm_err_set(err, CRM_EX_DATAERR,
			"invalid amount '%s': more than two fraction digits",
			in);
	if (nfrac == 1)
		frac *= 10;
	if (units * 100 + frac > CRM_MONEY_MAX)
		return crm_err_set(err, CRM_EX_DATAERR,
			"invalid amount '%s': too large", in);
	if (neg && !allow_negative && (units || frac))
		return crm_err_set(err, CRM_EX_DATAERR,
			"invalid amount '%s': must not be negative", in);
	*cents = units * 100 + frac;
	if (neg)
		*cents = -*cents;
	return 0;
}

int
crm_parse_money(const char *in, int allow_negative, int64_t *cents,
	struct crm_err *err)
{
	struct crm_buf t = CRM_BUF_INIT;
	const char *p = number_text(in, "amount", &t, err);
	int r = p ? parse_money(in, p, allow_negative, cents, err) : -1;

	crm_buf_release(&t);
	return r;
}

void
crm_format_money(int64_t cents, struct crm_buf *out)
{
	uint64_t a = cents < 0 ? (uint64_t)0 - (uint64_t)cents :
		(uint64_t)cents;

	crm_buf_addf(out, "%s%llu.%02llu", cents < 0 ? "-" : "",
		(unsigned long long)(a / 100), (unsigned long long)(a % 100));
}

/*
 * [+-]digits[.digits], either side of the point may be empty (as money
 * takes them).  Stored as a JSON number would be written: ".5" is 0.5,
 * "1." is 1, "007" is 7, "-0" is 0; fraction digits are kept as given.
 * The limit of 30 digits is on what is stored, so that it reads again.
 */
static int
parse_decimal(const char *in, const char *p, struct crm_buf *out,
	struct crm_err *err)
{
	const char *end, *i0, *i1, *f0 = NULL, *f1 = NULL;
	int nd = 0, neg = 0, zero = 1;

	p = skip_ws(p);
	end = p + trim_len(p);
	if (p < end && (*p == '-' || *p == '+'))
		neg = *p++ == '-';
	for (i0 = p; p < end && isdigit((unsigned char)*p); p++)
		nd++;
	i1 = p;
	if (p < end && *p == '.')
		for (f0 = ++p; p < end && isdigit((unsigned char)*p); p++)
			nd++;
	f1 = p;
	if (p != end || !nd)
		return crm_err_set(err, CRM_EX_DATAERR,
			"invalid number '%s': expected digits with an "
			"optional decimal point, like 1234.5 or 6,000.25", in);
	while (i0 + 1 < i1 && *i0 == '0')
		i0++;
	if ((i0 < i1 ? i1 - i0 : 1) + (f0 ? f1 - f0 : 0) > 30)
		return crm_err_set(err, CRM_EX_DATAERR,
			"invalid number '%s': more than 30 digits", in);
	for (p = i0; p < i1; p++)
		zero &= *p == '0';
	for (p = f0; f0 && p < f1; p++)
		zero &= *p == '0';
	if (neg && !zero)
		crm_buf_addch(out, '-');
	if (i0 < i1)
		crm_buf_add(out, i0, (size_t)(i1 - i0));
	else
		crm_buf_addch(out, '0');
	if (f0 && f0 < f1) {
		crm_buf_addch(out, '.');
		crm_buf_add(out, f0, (size_t)(f1 - f0));
	}
	return 0;
}

int
crm_parse_decimal(const char *in, struct crm_buf *out, struct crm_err *err)
{
	struct crm_buf t = CRM_BUF_INIT;
	const char *p = number_text(in, "number", &t, err);
	int r = p ? parse_decimal(in, p, out, err) : -1;

	crm_buf_release(&t);
	return r;
}

static int
parse_int(const char *in, const char *p, int64_t min, int64_t max,
	int64_t *v, struct crm_err *err)
{
	const char *end;
	char *e;
	long long n;

	p = skip_ws(p);
	end = p + trim_len(p);
	if (p == end || !(isdigit((unsigned char)*p) ||
	    ((*p == '-' || *p == '+') && isdigit((unsigned char)p[1]))))
		return crm_err_set(err, CRM_EX_DATAERR,
			"invalid number '%s': expected a whole number, like "
			"1234 or 6,000", in);
	errno = 0;
	n = strtoll(p, &e, 10);
	if (e != end)
		return crm_err_set(err, CRM_EX_DATAERR,
			"invalid number '%s': expected a whole number, like "
			"1234 or 6,000", in);
	if (errno == ERANGE || n < min || n > max)
		return crm_err_set(err, CRM_EX_DATAERR,
			"number '%s' out of range %lld to %lld", in,
			(long long)min, (long long)max);
	*v = n;
	return 0;
}

int
crm_parse_count(const char *in, int64_t min, int64_t *v, struct crm_err *err)
{
	if (!*in || strspn(in, "0123456789") != strlen(in))
		return crm_err_set(err, CRM_EX_DATAERR, "invalid number '%s': "
			"expected digits only", in);
	return parse_int(in, in, min, INT64_MAX, v, err);
}

int
crm_parse_int(const char *in, int64_t min, int64_t max, int64_t *v,
	struct crm_err *err)
{
	struct crm_buf t = CRM_BUF_INIT;
	const char *p = number_text(in, "number", &t, err);
	int r = p ? parse_int(in, p, min, max, v, err) : -1;

	crm_buf_release(&t);
	return r;
}

int
crm_parse_bool(const char *in, int *v, struct crm_err *err)
{
	static const char *const yes[] = {
		"yes", "true", "1", "y", "是", "真", NULL
	};
	static const char *const no[] = {
		"no", "false", "0", "n", "否", "假", NULL
	};
	const char *p = skip_ws(in);
	size_t n = trim_len(p);
	int i;

	for (i = 0; yes[i]; i++)
		if (strlen(yes[i]) == n && !strncasecmp(p, yes[i], n)) {
			*v = 1;
			return 0;
		}
	for (i = 0; no[i]; i++)
		if (strlen(no[i]) == n && !strncasecmp(p, no[i], n)) {
			*v = 0;
			return 0;
		}
	return crm_err_set(err, CRM_EX_DATAERR,
		"invalid boolean '%s': expected yes, no, true, false, 1 or 0",
		in);
}

int
crm_parse_enum(const char *in, const char *const *values, int *index,
	struct crm_err *err)
{
	struct crm_buf list = CRM_BUF_INIT;
	const char *p = skip_ws(in);
	size_t n = trim_len(p);
	int i;

	for (i = 0; values[i]; i++)
		if (strlen(values[i]) == n && !strncasecmp(p, values[i], n)) {
			*index = i;
			return 0;
		}
	for (i = 0; values[i]; i++)
		crm_buf_addf(&list, "%s%s", i ? ", " : "", values[i]);
	crm_err_set(err, CRM_EX_DATAERR, "invalid value '%s': expected one of %s",
		in, list.buf);
	crm_buf_release(&list);
	return -1;
}

/* ---- dates ---------------------------------------------------------- */

/* Howard Hinnant's days_from_civil, proleptic Gregorian. */
int64_t
crm_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

void
crm_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t era;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static int
days_in_month(int64_t y, unsigned m)
{
	static const int dm[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return dm[m - 1];
}

/* Parse exactly N digits at *p. */
static int
digits(const char **p, int n, int *v)
{
	int i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return -1;
		*v = *v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	return 0;
}

/* One or two digits at *p. */
static int
digits12(const char **p, int *v)
{
	if (digits(p, 1, v) < 0)
		return -1;
	if (isdigit((unsigned char)**p))
		*v = *v * 10 + (*(*p)++ - '0');
	return 0;
}

#define YEAR_CJK "年"
#define MONTH_CJK "月"
#define DAY_CJK "日"

/*
 * A date at *p, plain text (plain_text): YYYY-MM-DD, YYYY/MM/DD or
 * YYYY年MM月DD日, the month and the day of one or two digits.  Advances *p.
 * 0 ok, -1 no date, -2 no such day, -3 no such month.
 */
static int
scan_ymd(const char **p, int64_t *days)
{
	const char *s = *p, *sep;
	size_t n = 1;
	int y, m, d;

	if (digits(&s, 4, &y) < 0)
		return -1;
	if (*s == '-' || *s == '/') {
		sep = s;
	} else if (!strncmp(s, YEAR_CJK, 3)) {
		sep = YEAR_CJK;
		n = 3;
	} else {
		return -1;
	}
	s += n;
	if (digits12(&s, &m) < 0)
		return -1;
	if (strncmp(s, n == 3 ? MONTH_CJK : sep, n))
		return -1;
	s += n;
	if (digits12(&s, &d) < 0)
		return -1;
	if (n == 3) {
		if (strncmp(s, DAY_CJK, 3))
			return -1;
		s += 3;
	} else if (isdigit((unsigned char)*s)) {
		return -1;
	}
	if (m < 1 || m > 12)
		return -3;
	if (d < 1 || d > days_in_month(y, (unsigned)m))
		return -2;
	*days = crm_days_from_civil(y, (unsigned)m, (unsigned)d);
	*p = s;
	return 0;
}

int
crm_today(int64_t *days, struct crm_err *err)
{
	const char *pin = getenv("CRM_TODAY");
	time_t now;
	struct tm tm;

	if (pin && *pin) {
		const char *p = pin;

		if (scan_ymd(&p, days) < 0 || *p)
			return crm_err_set(err, CRM_EX_USAGE,
				"invalid CRM_TODAY '%s': expected YYYY-MM-DD",
				pin);
		return 0;
	}
	now = time(NULL);
	if (!localtime_r(&now, &tm))
		return crm_err_set(err, CRM_EX_SOFTWARE, "cannot read the clock");
	*days = crm_days_from_civil(tm.tm_year + 1900, (unsigned)tm.tm_mon + 1,
		(unsigned)tm.tm_mday);
	return 0;
}

/* Add n months to a day number, clamping the day to the month's end. */
static int64_t
add_months(int64_t days, int64_t n)
{
	int64_t y, total;
	unsigned m, d;
	int dim;

	crm_civil_from_days(days, &y, &m, &d);
	total = y * 12 + (m - 1) + n;
	y = total >= 0 ? total / 12 : (total - 11) / 12;
	m = (unsigned)(total - y * 12) + 1;
	dim = days_in_month(y, m);
	if ((int)d > dim)
		d = (unsigned)dim;
	return crm_days_from_civil(y, m, d);
}

/* Every form a date is read in, for the messages. */
#define DATE_FORMS "YYYY-MM-DD, YYYY/MM/DD or YYYY年MM月DD日 " \
	"(a month or day of one digit too), today, " \
	"yesterday, tomorrow, or -N followed by d, w, m or y"

/* A date word or form in text (plain_text of in, which messages name);
 * *days out.  Returns 0, or -1 with err set. */
static int
date_form(const char *in, const char *text, int64_t *days,
	struct crm_err *err)
{
	const char *p = skip_ws(text);
	size_t n = trim_len(p);
	int64_t today, k;
	int r;

	if ((n == 5 && !strncasecmp(p, "today", 5)) ||
	    (n == 9 && !strncasecmp(p, "yesterday", 9)) ||
	    (n == 8 && !strncasecmp(p, "tomorrow", 8)) ||
	    (n >= 3 && p[0] == '-' && isdigit((unsigned char)p[1]))) {
		if (crm_today(&today, err) < 0)
			return -1;
		if (*p == 't' || *p == 'T') {
			*days = today + (n == 8);
			return 0;
		}
		if (*p == 'y' || *p == 'Y') {
			*days = today - 1;
			return 0;
		}
		k = 0;
		for (p++, n--; n > 1 && isdigit((unsigned char)*p); p++, n--) {
			k = k * 10 + (*p - '0');
			if (k > 1000000)
				goto bad;
		}
		if (n != 1)
			goto bad;
		switch (*p) {
		case 'd': *days = today - k; return 0;
		case 'w': *days = today - 7 * k; return 0;
		case 'm': *days = add_months(today, -k); return 0;
		case 'y': *days = add_months(today, -12 * k); return 0;
		}
		goto bad;
	}
	r = scan_ymd(&p, days);
	if (r == 0 && p == skip_ws(text) + n)
		return 0;
	if (r < -1)
		return crm_err_set(err, CRM_EX_DATAERR,
			"invalid date '%s': no such %s", in,
			r == -3 ? "month" : "day");
bad:
	return crm_err_set(err, CRM_EX_DATAERR,
		"invalid date '%s': expected " DATE_FORMS, in);
}

static int
date_days(const char *in, int64_t *days, struct crm_err *err)
{
	struct crm_buf t = CRM_BUF_INIT;
	int r;

	plain_text(in, &t);
	r = date_form(in, t.buf, days, err);
	crm_buf_release(&t);
	return r;
}

int
crm_parse_date(const char *in, struct crm_buf *out, struct crm_err *err)
{
	int64_t days, y;
	unsigned m, d;

	if (date_days(in, &days, err) < 0)
		return -1;
	crm_civil_from_days(days, &y, &m, &d);
	if (y < 0 || y > 9999)
		return crm_err_set(err, CRM_EX_DATAERR,
			"invalid date '%s': year out of range", in);
	crm_buf_addf(out, "%04lld-%02u-%02u", (long long)y, m, d);
	return 0;
}

void
crm_format_time(time_t t, struct crm_buf *out)
{
	struct tm tm;

	if (!gmtime_r(&t, &tm)) {
		crm_buf_adds(out, "1970-01-01T00:00:00Z");
		return;
	}
	crm_buf_addf(out, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900,
		tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

void
crm_now(struct crm_buf *out)
{
	static time_t last = -1;
	static char text[32];
	time_t t = time(NULL);

	/* Loops ask many times a second: format once a second. */
	if (t != last) {
		struct crm_buf b = CRM_BUF_INIT;

		crm_format_time(t, &b);
		snprintf(text, sizeof(text), "%s", b.buf);
		crm_buf_release(&b);
		last = t;
	}
	crm_buf_adds(out, text);
}

/* Seconds since the epoch of a local wall-clock time. */
static int
local_to_utc(int64_t days, int hh, int mm, int ss, time_t *t)
{
	struct tm tm;
	int64_t y;
	unsigned m, d;

	crm_civil_from_days(days, &y, &m, &d);
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = (int)y - 1900;
	tm.tm_mon = (int)m - 1;
	tm.tm_mday = (int)d;
	tm.tm_hour = hh;
	tm.tm_min = mm;
	tm.tm_sec = ss;
	tm.tm_isdst = -1;
	*t = mktime(&tm);
	return *t == (time_t)-1 && !(y == 1969 && m == 12 && d == 31) ? -1 : 0;
}

/*
 * A date word and a time of day, "tomorrow 10:00", "-1d 09:30Z": the
 * days of the word before the first space into *days and *p (its
 * caller's position) moved to that space, *found 0; else *found left -1.
 * -1 only for a bad CRM_TODAY.
 */
static int
word_date_at(const char **p, const char *end, int64_t *days,
	struct crm_err *err, int *found)
{
	struct crm_err e = CRM_ERR_INIT;
	const char *sp = memchr(*p, ' ', (size_t)(end - *p));
	char word[16];
	size_t n;

	if (!sp || (n = (size_t)(sp - *p)) >= sizeof(word) ||
	    !isdigit((unsigned char)sp[1]))
		return 0;
	memcpy(word, *p, n);
	word[n] = '\0';
	if (!isalpha((unsigned char)word[0]) && word[0] != '-')
		return 0;
	if (date_days(word, days, &e) < 0) {
		int usage = e.code == CRM_EX_USAGE;	/* a bad CRM_TODAY */

		if (usage)
			crm_err_set(err, e.code, "%s", e.msg.buf);
		crm_err_release(&e);
		return usage ? -1 : 0;
	}
	crm_err_release(&e);
	*p = sp;
	*found = 0;
	return 0;
}

/* Every form a time is read in, for the messages. */
#define TIME_FORMS "now, or a date (YYYY-MM-DD, YYYY/MM/DD, " \
	"YYYY年MM月DD日, a month or day of one digit too; today, yesterday, " \
	"tomorrow, -Nd, -Nw, -Nm, -Ny) optionally followed by T or a space " \
	"and H:MM[:SS][Z|+HH:MM]"

/* A time in text (plain_text of in, which messages name). */
static int
time_form(const char *in, const char *text, struct crm_buf *out,
	struct crm_err *err)
{
	const char *p = skip_ws(text), *end;
	int64_t days, secs;
	int hh = 0, mm = 0, ss = 0, oh, om, r;
	time_t t;

	end = p + trim_len(p);
	if ((size_t)(end - p) == 3 && !strncasecmp(p, "now", 3)) {
		crm_now(out);
		return 0;
	}
	r = scan_ymd(&p, &days);
	if (r < -1)
		return crm_err_set(err, CRM_EX_DATAERR,
			"invalid time '%s': no such %s", in,
			r == -3 ? "month" : "day");
	if (r == -1 && word_date_at(&p, end, &days, err, &r) < 0)
		return -1;
	if (r < 0 || p == end) {
		/* A date form alone: local midnight. */
		struct crm_err e = CRM_ERR_INIT;

		if (date_form(in, text, &days, &e) < 0) {
			if (e.code == CRM_EX_USAGE)	/* a bad CRM_TODAY */
				crm_err_set(err, e.code, "%s", e.msg.buf);
			else
				crm_err_set(err, CRM_EX_DATAERR,
					"invalid time '%s': expected "
					TIME_FORMS, in);
			crm_err_release(&e);
			return -1;
		}
		crm_err_release(&e);
		goto local;
	}
	/* Between the date and the time: T, a space, or nothing after 日. */
	if (*p == 'T' || *p == 't' || *p == ' ')
		p++;
	else if (strncmp(p - 3, DAY_CJK, 3))
		goto bad;
	if (digits12(&p, &hh) < 0 || *p != ':')
		goto bad;
	p++;
	if (digits(&p, 2, &mm) < 0)
		goto bad;
	if (*p == ':') {
		p++;
		if (digits(&p, 2, &ss) < 0)
			goto bad;
		if (*p == '.')	/* fractions of a second are dropped */
			for (p++; isdigit((unsigned char)*p); p++)
				;
	}
	if (hh > 23 || mm > 59 || ss > 60)
		return crm_err_set(err, CRM_EX_DATAERR,
			"invalid time '%s': no such time of day", in);
	if (ss == 60)
		ss = 59;
	if (p < end && *p == ' ')
		p++;
	if (p == end)
		goto local;
	if ((*p == 'Z' || *p == 'z') && p + 1 == end) {
		secs = days * 86400 + hh * 3600 + mm * 60 + ss;
		goto utc;
	}
	if (*p == '+' || *p == '-') {
		int sign = *p == '-' ? -1 : 1;

		p++;
		if (digits(&p, 2, &oh) < 0)
			goto bad;
		if (*p == ':')
			p++;
		if (digits(&p, 2, &om) < 0 || p != end || oh > 14 || om > 59)
			goto bad;
		secs = days * 86400 + hh * 3600 + mm * 60 + ss -
			sign * (oh * 3600 + om * 60);
		goto utc;
	}
bad:
	return crm_err_set(err, CRM_EX_DATAERR,
		"invalid time '%s': expected " TIME_FORMS, in);
local:
	if (local_to_utc(days, hh, mm, ss, &t) < 0)
		return crm_err_set(err, CRM_EX_DATAERR,
			"invalid time '%s': out of range", in);
	secs = (int64_t)t;
utc:
	/* What is stored has four digits of year: 0000 to 9999. */
	if (secs < crm_days_from_civil(0, 1, 1) * 86400 ||
	    secs >= crm_days_from_civil(10000, 1, 1) * 86400)
		return crm_err_set(err, CRM_EX_DATAERR,
			"invalid time '%s': year out of range", in);
	crm_format_time((time_t)secs, out);
	return 0;
}

int
crm_parse_time(const char *in, struct crm_buf *out, struct crm_err *err)
{
	struct crm_buf t = CRM_BUF_INIT;
	int r;

	plain_text(in, &t);
	r = time_form(in, t.buf, out, err);
	crm_buf_release(&t);
	return r;
}
