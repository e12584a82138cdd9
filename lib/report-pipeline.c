/*
 * report-pipeline.c - the reports beyond the orders: the pipeline of
 * deals by stage, tickets by status or priority, and campaigns.  Each
 * runs a statement of its own over its table (alias "k"), picked by the
 * range and by --where through the customer, and adds up or writes what
 * it reads; the figures are exact, in integer arithmetic.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report-int.h"
#include "banned.h"

/* The values of an entity's enum field, NULL-terminated. */
static const char *const *
enum_values(const char *entity, const char *field)
{
	return crm_entity_field(crm_entity_find(entity), field)->values;
}

static int
value_index(const char *const *values, const char *s)
{
	int i;

	for (i = 0; s && values[i]; i++)
		if (!strcmp(values[i], s))
			return i;
	return -1;
}

/* The range and --where conditions of a report over table alias "k",
 * whose day is the SQL day: appended as "AND ..." terms. */
static void
range_sql(struct crm_buf *sql, const struct crm_report *r, const char *day)
{
	size_t i;

	if (r->from != CRM_REPORT_OPEN_FROM)
		crm_buf_addf(sql, "\n  AND %s >= ?%d", day, P_FROM);
	if (rp_has_end(r))
		crm_buf_addf(sql, "\n  AND %s < ?%d", day, P_UNTIL);
	for (i = 0; i < r->where.nconds; i++) {
		crm_buf_adds(sql, "\n  AND ");
		crm_query_cond_sql(sql, &r->where.conds[i], P_WHERE + (int)i);
	}
}

/* "FROM table AS k", joined with the customer "t" when --where needs it. */
static void
from_sql(struct crm_buf *sql, const struct crm_report *r, const char *table)
{
	crm_buf_addf(sql, "FROM %s AS k\n", table);
	if (r->where.nconds)
		crm_buf_adds(sql, "JOIN customers AS t ON t.id = k.customer\n");
	crm_buf_adds(sql, "WHERE TRUE");
}

/* num / den to 4 decimals, rounded half away from zero (den > 0). */
static void
add_frac4(struct crm_buf *b, __int128 num, __int128 den)
{
	__int128 q = num * 10000 / den, rem = num * 10000 % den, a;
	char digits[48];
	int n = 0;

	if (rem < 0 ? -2 * rem >= den : 2 * rem >= den)
		q += rem < 0 ? -1 : 1;
	if (q < 0)
		crm_buf_addch(b, '-');
	a = q < 0 ? -q : q;
	do {
		digits[n++] = (char)('0' + (int)(a % 10));
		a /= 10;
		if (n == 4)
			digits[n++] = '.';
	} while (a || n < 6);
	while (n)
		crm_buf_addch(b, digits[--n]);
}

/* A number with d decimals from an integer of 10^-d units. */
static void
cell_fixed(struct crm_out *out, int64_t v, int d)
{
	struct crm_buf b = CRM_BUF_INIT;
	int64_t scale = d == 1 ? 10 : 100;
	uint64_t a = v < 0 ? -(uint64_t)v : (uint64_t)v;

	crm_buf_addf(&b, "%s%llu.%0*llu", v < 0 ? "-" : "",
		(unsigned long long)(a / (uint64_t)scale), d,
		(unsigned long long)(a % (uint64_t)scale));
	crm_out_cell(out, CRM_CELL_NUM, b.buf, b.len);
	crm_buf_release(&b);
}

int64_t
rp_pipeline_run(struct crm_db *db, const struct crm_report *r,
	struct crm_out *out, struct crm_chart *chart, struct crm_err *err)
{
	const char *const *stages = enum_values("deal", "stage");
	struct crm_buf sql = CRM_BUF_INIT, days = CRM_BUF_INIT;
	int64_t deals[8] = { 0 }, amount[8] = { 0 }, weight[8] = { 0 }, rows;
	struct crm_stmt *st;
	int i;

	crm_buf_adds(&sql, "SELECT k.stage, count(*), sum(k.amount),\n"
		"       sum(k.amount * k.probability)\n");
	from_sql(&sql, r, "deals");
	range_sql(&sql, r, "coalesce(substr(k.closed_at, 1, 10), "
		"k.expected_close)");
	crm_buf_adds(&sql, "\nGROUP BY k.stage");
	st = rp_prepare_bound(db, &sql, r, &days, err);
	while (crm_step(st) > 0) {
		i = value_index(stages, crm_col_text(st, 0));
		if (i < 0 || i >= 8)
			continue;
		deals[i] = crm_col_int(st, 1);
		amount[i] = crm_col_int(st, 2);
		weight[i] = crm_col_int(st, 3);
	}
	i = crm_done(st);
	crm_buf_release(&days);
	if (i < 0)
		return -1;
	for (rows = 0; stages[rows] && !out->failed; rows++) {
		/* A lost deal never counts in a forecast. */
		int64_t w = strcmp(stages[rows], "lost") ?
			crm_report_avg(weight[rows], 100) : 0;

		crm_out_cell(out, CRM_CELL_TEXT, stages[rows],
			strlen(stages[rows]));
		rp_cell_int(out, deals[rows]);
		rp_cell_money(out, amount[rows], NULL, NULL);
		rp_cell_money(out, w, chart, stages[rows]);
		crm_out_row(out);
	}
	return rows;
}

/* Seconds since the epoch of "YYYY-MM-DDTHH:MM:SSZ"; 0 if it is none. */
static int
utc_seconds(const char *s, int64_t *t)
{
	int64_t day;
	int i, v[3];

	if (!s || strlen(s) < 19 || rp_ymd_days(s, &day) < 0 || s[10] != 'T')
		return 0;
	for (i = 0; i < 3; i++) {
		const char *p = s + 11 + 3 * i;

		if (p[0] < '0' || p[0] > '9' || p[1] < '0' || p[1] > '9')
			return 0;
		v[i] = (p[0] - '0') * 10 + (p[1] - '0');
	}
	*t = day * 86400 + v[0] * 3600 + v[1] * 60 + v[2];
	return 1;
}

static int
cmp_int64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

struct ticket_group {
	int64_t tickets, open, resolved, rated, ratings;
	int64_t *hours;		/* resolved_at - created_at, seconds */
	size_t n, alloc;
};

int64_t
rp_tickets_run(struct crm_db *db, const struct crm_report *r,
	struct crm_out *out, struct crm_chart *chart, struct crm_err *err)
{
	const char *const *groups = enum_values("ticket", r->by_priority ?
		"priority" : "status");
	struct crm_buf sql = CRM_BUF_INIT, days = CRM_BUF_INIT;
	struct ticket_group g[8];
	struct crm_stmt *st;
	int64_t rows = 0, a, b;
	int i;

	memset(g, 0, sizeof(g));
	crm_buf_adds(&sql, "SELECT k.status, k.");
	crm_buf_adds(&sql, r->by_priority ? "priority" : "status");
	crm_buf_adds(&sql, ", k.rating, k.created_at, k.resolved_at\n");
	from_sql(&sql, r, "tickets");
	range_sql(&sql, r, "k.created_at");
	st = rp_prepare_bound(db, &sql, r, &days, err);
	while (crm_step(st) > 0) {
		const char *status = crm_col_text(st, 0);
		struct ticket_group *t;

		i = value_index(groups, crm_col_text(st, 1));
		if (i < 0 || i >= 8)
			continue;
		t = &g[i];
		t->tickets++;
		if (status && (!strcmp(status, "open") ||
		    !strcmp(status, "pending"))) {
			t->open++;
		} else {
			t->resolved++;
			if (utc_seconds(crm_col_text(st, 3), &a) &&
			    utc_seconds(crm_col_text(st, 4), &b)) {
				if (t->n == t->alloc) {
					t->alloc = t->alloc ? 2 * t->alloc :
						1024;
					t->hours = crm_xrealloc(t->hours,
						t->alloc * sizeof(*t->hours));
				}
				t->hours[t->n++] = b - a;
			}
		}
		if (crm_col_kind(st, 2) != CRM_NULL) {
			t->rated++;
			t->ratings += crm_col_int(st, 2);
		}
	}
	i = crm_done(st);
	crm_buf_release(&days);
	if (i < 0) {
		rows = -1;
		goto out;
	}
	for (i = 0; groups[i] && i < 8 && !out->failed; i++, rows++) {
		struct ticket_group *t = &g[i];
		char fig[24];

		crm_out_cell(out, CRM_CELL_TEXT, groups[i], strlen(groups[i]));
		rp_cell_int(out, t->tickets);
		rp_cell_int(out, t->open);
		rp_cell_int(out, t->resolved);
		if (t->n) {
			size_t m = t->n / 2;

			qsort(t->hours, t->n, sizeof(*t->hours), cmp_int64);
			/* Tenths of an hour: 360 seconds each. */
			cell_fixed(out, t->n % 2 ? crm_report_avg(t->hours[m],
				360) : crm_report_avg(t->hours[m - 1] +
				t->hours[m], 720), 1);
		} else {
			crm_out_cell(out, CRM_CELL_NULL, NULL, 0);
		}
		if (t->rated)
			cell_fixed(out, crm_report_avg(t->ratings * 100,
				t->rated), 2);
		else
			crm_out_cell(out, CRM_CELL_NULL, NULL, 0);
		crm_out_row(out);
		if (chart) {
			snprintf(fig, sizeof(fig), "%lld",
				(long long)t->tickets);
			crm_chart_add(chart, groups[i], t->tickets, fig);
		}
	}
out:
	for (i = 0; i < 8; i++)
		free(g[i].hours);
	return rows;
}

static const char campaigns_sql[] =
	"SELECT k.id, k.name, k.cost,\n"
	"       (SELECT count(*) FROM campaign_members AS m\n"
	"        WHERE m.campaign = k.id),\n"
	"       (SELECT count(*) FROM campaign_members AS m\n"
	"        WHERE m.campaign = k.id\n"
	"          AND m.status IN ('responded', 'converted')),\n"
	"       (SELECT count(*) FROM campaign_members AS m\n"
	"        WHERE m.campaign = k.id AND m.status = 'converted'),\n"
	"       (SELECT coalesce(sum(o.total), 0) FROM orders AS o\n"
	"        WHERE o.campaign = k.id AND o.status <> 'cancelled')\n"
	"FROM campaigns AS k\n"
	"WHERE TRUE";

static void
cell_rate(struct crm_out *out, int64_t num, int64_t den)
{
	struct crm_buf b = CRM_BUF_INIT;

	if (den <= 0) {
		crm_out_cell(out, CRM_CELL_NULL, NULL, 0);
		return;
	}
	add_frac4(&b, num, den);
	crm_out_cell(out, CRM_CELL_NUM, b.buf, b.len);
	crm_buf_release(&b);
}

int64_t
rp_campaigns_run(struct crm_db *db, const struct crm_report *r,
	struct crm_out *out, struct crm_chart *chart, struct crm_err *err)
{
	struct crm_buf sql = CRM_BUF_INIT, days = CRM_BUF_INIT;
	struct crm_stmt *st;
	int64_t rows = 0, cost, members, revenue;

	crm_buf_adds(&sql, campaigns_sql);
	range_sql(&sql, r, "k.starts_on");
	crm_buf_addf(&sql, "\nORDER BY k.id\nLIMIT ?%d", P_LIMIT);
	st = rp_prepare_bound(db, &sql, r, &days, err);
	while (rp_step(st, out)) {
		cost = crm_col_int(st, 2);
		members = crm_col_int(st, 3);
		revenue = crm_col_int(st, 6);
		rp_cell_int(out, crm_col_int(st, 0));
		rp_cell_text(out, st, 1);
		rp_cell_int(out, members);
		rp_cell_int(out, crm_col_int(st, 4));
		rp_cell_int(out, crm_col_int(st, 5));
		cell_rate(out, crm_col_int(st, 4), members);
		cell_rate(out, crm_col_int(st, 5), members);
		rp_cell_money(out, revenue, chart, crm_col_text(st, 1));
		rp_cell_money(out, cost, NULL, NULL);
		cell_rate(out, (__int128)revenue - cost, cost);
		crm_out_row(out);
		rows++;
	}
	if (crm_done(st) < 0)
		rows = -1;
	crm_buf_release(&days);
	return rows;
}
