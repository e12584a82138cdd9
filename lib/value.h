/*
 * value.h - parsing and writing the value types of SPEC 3.3 and 4.
 *
 * Each parser takes the text a user typed (a NUL-terminated string), checks
 * it, and either appends the normalized storage form to out, or stores a
 * number through an OUT pointer.  On bad input it sets err (code
 * CRM_EX_DATAERR, a message naming the value and what is wrong with it)
 * and returns -1; it returns 0 on success.  None of them touch a database.
 *
 * Storage forms: email lowercased; phone as digits with an optional leading
 * '+'; money as integer minor units (cents); dates "YYYY-MM-DD"; times in
 * UTC "YYYY-MM-DDTHH:MM:SSZ"; booleans 0/1.
 */
#ifndef CRM_VALUE_H
#define CRM_VALUE_H

#include <stdint.h>
#include <time.h>

#include "buf.h"
#include "err.h"

/* The largest money amount accepted, in cents (ten trillion units). */
#define CRM_MONEY_MAX 1000000000000000LL

/* Email: NFKC (full-width "＠" becomes "@"), trimmed, lowercased, and of
 * the shape local@domain.tld.  Empty input gives an empty result. */
int crm_parse_email(const char *in, struct crm_buf *out, struct crm_err *err);

/* Phone: full-width digits made ASCII; spaces, dashes, dots and brackets
 * dropped; one leading '+' kept; 5 to 20 digits.  In international form a
 * "(0)" right after the country code is the trunk prefix and is dropped:
 * "+44 (0)20 7946 0958" is "+442079460958". */
int crm_parse_phone(const char *in, struct crm_buf *out, struct crm_err *err);

/*
 * Numbers: money, decimals and whole numbers are also read as spreadsheets
 * write them: with thousands separators ("6,000.00": ',' between groups of
 * exactly three digits after a first group of one to three, none in the
 * fraction), full-width digits, '．' and '，', and a currency sign before
 * the digits (¥ ￥ $ € £, a space after it allowed, a sign before or after
 * it).  A separator out of place is refused, never guessed at.
 */

/* Money: [-]digits[.d[d]] with at most two fraction digits, never rounded.
 * Negative amounts only with allow_negative. */
int crm_parse_money(const char *in, int allow_negative, int64_t *cents,
	struct crm_err *err);

/* Append money in cents as decimal text with two fraction digits. */
void crm_format_money(int64_t cents, struct crm_buf *out);

/* A plain decimal number (custom "decimal" fields): [-]digits[.digits],
 * stored as a JSON number is written ("0.5" for ".5") in at most 30 digits:
 * what is stored always reads again as itself. */
int crm_parse_decimal(const char *in, struct crm_buf *out,
	struct crm_err *err);

/* Integer in base 10 within [min, max], whole string consumed. */
int crm_parse_int(const char *in, int64_t min, int64_t max, int64_t *v,
	struct crm_err *err);

/* A count given to an option (--limit, --top, a batch number): ASCII
 * digits only, within [min, INT64_MAX]; none of the forms a field's
 * value may take (no separators, signs or currency). */
int crm_parse_count(const char *in, int64_t min, int64_t *v,
	struct crm_err *err);

/* Boolean: yes/no/true/false/1/0, y/n (any case), 是/否 and 真/假 to 1/0. */
int crm_parse_bool(const char *in, int *v, struct crm_err *err);

/*
 * Enum: in must be one of values (NULL-terminated list), compared without
 * regard to ASCII case; *index gets its position.  The error lists the
 * allowed values.
 */
int crm_parse_enum(const char *in, const char *const *values, int *index,
	struct crm_err *err);

/*
 * Today's date as days since 1970-01-01: $CRM_TODAY (YYYY-MM-DD) when set
 * and valid, else the local date.  Returns -1 with err set when CRM_TODAY
 * is set but malformed.
 */
int crm_today(int64_t *days, struct crm_err *err);

/* Days since the epoch for a proleptic Gregorian date, and back. */
int64_t crm_days_from_civil(int64_t y, unsigned m, unsigned d);
void crm_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d);

/*
 * Date: YYYY-MM-DD, YYYY/MM/DD, YYYY年MM月DD日 (a month or day of one digit
 * too, "2026/3/5"; full-width digits too), today, yesterday, tomorrow, -Nd,
 * -Nw, -Nm, -Ny (relative to crm_today()).  Appends "YYYY-MM-DD".  The
 * message of a refusal lists every form.
 */
int crm_parse_date(const char *in, struct crm_buf *out, struct crm_err *err);

/*
 * Time: YYYY-MM-DDTHH:MM:SSZ, "YYYY-MM-DD HH:MM[:SS]" (T or space), with an
 * optional Z or +HH:MM/-HH:MM offset, or any date form of crm_parse_date()
 * (midnight; a date form then a time, "2026/3/5 9:05", "2026年3月5日 9:05",
 * "tomorrow 10:00", the hour of one digit too), or "now".  Without an
 * offset the time is local time (TZ).  Appends the UTC form
 * "YYYY-MM-DDTHH:MM:SSZ".
 */
int crm_parse_time(const char *in, struct crm_buf *out, struct crm_err *err);

/* Append t (seconds since the epoch) as "YYYY-MM-DDTHH:MM:SSZ". */
void crm_format_time(time_t t, struct crm_buf *out);

/* The current time as crm_format_time() writes it. */
void crm_now(struct crm_buf *out);

#endif
