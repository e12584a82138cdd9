/*
 * report-period.c - the calendar of the reports: days to and from
 * "YYYY-MM-DD", the periods sales are added up by (ISO weeks, months,
 * quarters, years: proleptic Gregorian, on days since 1970-01-01, in
 * integer arithmetic) and their labels, and the named periods of
 * --period.
 */
#include <string.h>

#include "report-int.h"
#include "value.h"
#include "banned.h"

static const char *const period_names[] = {
	"this-month", "last-month", "this-quarter", "last-quarter",
	"this-year", "last-year"
};

static int64_t
floor_div(int64_t a, int64_t b)
{
	return a >= 0 ? a / b : -((-a + b - 1) / b);
}

/* The first day of month number idx (year * 12 + month - 1). */
static int64_t
month_day(int64_t idx)
{
	int64_t y = floor_div(idx, 12);

	return crm_days_from_civil(y, (unsigned)(idx - y * 12) + 1, 1);
}

/* The month number of day. */
static int64_t
month_of(int64_t day)
{
	int64_t y;
	unsigned m, d;

	crm_civil_from_days(day, &y, &m, &d);
	return y * 12 + m - 1;
}

/* "YYYY-MM-DD" at s (the rest ignored) to days; -1 when it is none. */
int
rp_ymd_days(const char *s, int64_t *days)
{
	int v[3] = { 0, 0, 0 }, widths[3] = { 4, 2, 2 }, i, k;

	for (i = 0; i < 3; i++) {
		for (k = 0; k < widths[i]; k++, s++) {
			if (*s < '0' || *s > '9')
				return -1;
			v[i] = v[i] * 10 + (*s - '0');
		}
		if (i < 2 && *s++ != '-')
			return -1;
	}
	if (v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31)
		return -1;
	*days = crm_days_from_civil(v[0], (unsigned)v[1], (unsigned)v[2]);
	return 0;
}

void
rp_add_ymd(struct crm_buf *out, int64_t day)
{
	int64_t y;
	unsigned m, d;

	crm_civil_from_days(day, &y, &m, &d);
	crm_buf_addf(out, "%04lld-%02u-%02u", (long long)y, m, d);
}

/* The first day of the period of kind by that holds day. */
int64_t
rp_period_start(enum crm_report_by by, int64_t day)
{
	int64_t idx;

	switch (by) {
	case CRM_BY_DAY:
		return day;
	case CRM_BY_WEEK:	/* 1970-01-01 was a Thursday */
		return day - (day + 3 - floor_div(day + 3, 7) * 7);
	case CRM_BY_MONTH:
		return month_day(month_of(day));
	case CRM_BY_QUARTER:
		idx = month_of(day);
		return month_day(idx - (idx - floor_div(idx, 3) * 3));
	case CRM_BY_YEAR:
		return month_day(floor_div(month_of(day), 12) * 12);
	}
	return day;
}

/* The first day of the period after the one that starts on start. */
int64_t
rp_period_next(enum crm_report_by by, int64_t start)
{
	switch (by) {
	case CRM_BY_DAY:
		return start + 1;
	case CRM_BY_WEEK:
		return start + 7;
	case CRM_BY_MONTH:
		return month_day(month_of(start) + 1);
	case CRM_BY_QUARTER:
		return month_day(month_of(start) + 3);
	case CRM_BY_YEAR:
		return month_day(month_of(start) + 12);
	}
	return start + 1;
}

void
crm_report_period_label(enum crm_report_by by, int64_t day,
	struct crm_buf *out)
{
	int64_t y, thursday;
	unsigned m, d;

	if (by == CRM_BY_DAY) {
		rp_add_ymd(out, day);
		return;
	}
	if (by == CRM_BY_WEEK) {
		/* ISO 8601: a week belongs to the year of its Thursday. */
		thursday = rp_period_start(CRM_BY_WEEK, day) + 3;
		crm_civil_from_days(thursday, &y, &m, &d);
		crm_buf_addf(out, "%04lld-W%02lld", (long long)y, (long long)
			((thursday - crm_days_from_civil(y, 1, 1)) / 7 + 1));
		return;
	}
	crm_civil_from_days(day, &y, &m, &d);
	if (by == CRM_BY_MONTH)
		crm_buf_addf(out, "%04lld-%02u", (long long)y, m);
	else if (by == CRM_BY_QUARTER)
		crm_buf_addf(out, "%04lld-Q%u", (long long)y, (m - 1) / 3 + 1);
	else
		crm_buf_addf(out, "%04lld", (long long)y);
}

int
crm_report_period(const char *word, int64_t today, int64_t *from,
	int64_t *to, struct crm_err *err)
{
	int64_t idx = month_of(today), start, span;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(period_names); i++)
		if (!strcmp(word, period_names[i]))
			break;
	switch (i) {
	case 0: start = idx; span = 1; break;
	case 1: start = idx - 1; span = 1; break;
	case 2: start = idx - (idx - floor_div(idx, 3) * 3); span = 3; break;
	case 3: start = idx - (idx - floor_div(idx, 3) * 3) - 3; span = 3;
		break;
	case 4: start = floor_div(idx, 12) * 12; span = 12; break;
	case 5: start = floor_div(idx, 12) * 12 - 12; span = 12; break;
	default:
		return crm_err_set(err, CRM_EX_USAGE, "invalid --period '%s': "
			"expected this-month, last-month, this-quarter, "
			"last-quarter, this-year or last-year", word);
	}
	*from = month_day(start);
	*to = month_day(start + span) - 1;
	return 0;
}
