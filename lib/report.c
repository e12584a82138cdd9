/*
 * report.c - the reports of crm-report: what a user typed checked, the
 * orders the reports of sales count and their SQL, the statement every
 * report binds, and the cells they share.  Declared in report.h; the
 * pipeline, tickets and campaigns reports are in report-pipeline.c, the
 * days and periods in report-period.c, the bar chart in report-chart.c.
 */
#include <string.h>

#include "custom.h"
#include "report-int.h"
#include "value.h"
#include "banned.h"

static const char *const by_names[] = {
	"day", "week", "month", "quarter", "year"
};

/* ---- preparing -------------------------------------------------------- */

void
crm_report_init(struct crm_report *r, enum crm_report_kind kind)
{
	memset(r, 0, sizeof(*r));
	r->kind = kind;
	r->from = CRM_REPORT_OPEN_FROM;
	r->to = CRM_REPORT_OPEN_TO;
	r->by = CRM_BY_MONTH;
	crm_fieldset_builtin(&r->fs, crm_entity_find("customer"));
	crm_query_init(&r->where, &r->fs);
}

void
crm_report_release(struct crm_report *r)
{
	crm_query_release(&r->where);
	crm_fieldset_release(&r->fs);
}

/* A date option's text to days; errors are usage errors naming it. */
static int
parse_day(const char *opt, const char *text, int64_t *day,
	struct crm_err *err)
{
	struct crm_buf b = CRM_BUF_INIT;
	struct crm_err e = CRM_ERR_INIT;
	int ret = 0;

	if (crm_parse_date(text, &b, &e) < 0 || rp_ymd_days(b.buf, day) < 0)
		ret = crm_err_set(err, CRM_EX_USAGE, "--%s: %s", opt,
			e.code ? e.msg.buf : "invalid date");
	crm_err_release(&e);
	crm_buf_release(&b);
	return ret;
}

/* A customer field by name, its '_' written '-' too. */
static const struct crm_field *
find_field(const struct crm_fieldset *fs, const char *name)
{
	const struct crm_field *f = crm_fieldset_find(fs, name);
	struct crm_buf n = CRM_BUF_INIT;
	size_t i;

	if (f)
		return f;
	crm_buf_adds(&n, name);
	for (i = 0; i < n.len; i++)
		if (n.buf[i] == '-')
			n.buf[i] = '_';
	f = crm_fieldset_find(fs, n.buf);
	crm_buf_release(&n);
	return f;
}

int
crm_report_prepare(struct crm_report *r, struct crm_db *db,
	const struct crm_report_args *a, struct crm_err *err)
{
	struct crm_err e = CRM_ERR_INIT;
	struct crm_buf t = CRM_BUF_INIT;
	const char *by = a->by;
	int64_t today;
	size_t i;

	/* The customer fields as db has them: custom ones group too. */
	crm_fieldset_release(&r->fs);
	if (crm_fieldset_load(&r->fs, db, crm_entity_find("customer"),
	    err) < 0)
		return -1;
	if (a->period && (a->from || a->to))
		return crm_err_set(err, CRM_EX_USAGE,
			"--period does not go with --from or --to");
	if (a->period && (crm_today(&today, err) < 0 ||
	    crm_report_period(a->period, today, &r->from, &r->to, err) < 0))
		return -1;
	if (a->from && parse_day("from", a->from, &r->from, err) < 0)
		return -1;
	if (a->to && parse_day("to", a->to, &r->to, err) < 0)
		return -1;
	if (r->from > r->to) {
		crm_buf_adds(&t, "--from ");
		rp_add_ymd(&t, r->from);
		crm_buf_adds(&t, " is after --to ");
		rp_add_ymd(&t, r->to);
		crm_err_set(err, CRM_EX_USAGE, "%s", t.buf);
		crm_buf_release(&t);
		return -1;
	}
	if (a->top) {
		if (crm_parse_count(a->top, 1, &r->top, &e) < 0) {
			crm_err_release(&e);
			return crm_err_set(err, CRM_EX_USAGE, "invalid --top "
				"'%s': expected a whole number of 1 or more",
				a->top);
		}
	}
	if (a->by && r->kind == CRM_REPORT_TICKETS) {
		if (strcmp(a->by, "status") && strcmp(a->by, "priority"))
			return crm_err_set(err, CRM_EX_USAGE, "invalid --by "
				"'%s': expected status or priority", a->by);
		r->by_priority = !strcmp(a->by, "priority");
		by = NULL;
	}
	if ((by || a->group) && r->kind != CRM_REPORT_SALES)
		return crm_err_set(err, CRM_EX_USAGE,
			"--by and --group go with sales only");
	if (by && a->group)
		return crm_err_set(err, CRM_EX_USAGE,
			"give --by or --group, not both");
	if (by) {
		for (i = 0; i < ARRAY_SIZE(by_names); i++)
			if (!strcmp(a->by, by_names[i]))
				break;
		if (i == ARRAY_SIZE(by_names))
			return crm_err_set(err, CRM_EX_USAGE, "invalid --by "
				"'%s': expected day, week, month, quarter or "
				"year", a->by);
		r->by = (enum crm_report_by)i;
	}
	if (a->group && !(r->group = find_field(&r->fs, a->group))) {
		crm_fieldset_names(&r->fs, &t);
		crm_err_set(err, CRM_EX_USAGE, "unknown field '%s' for %s; "
			"known: %s", a->group, r->fs.entity->name, t.buf);
		crm_buf_release(&t);
		return -1;
	}
	if (r->kind == CRM_REPORT_SALES && !r->group && r->top)
		return crm_err_set(err, CRM_EX_USAGE, "--top goes with "
			"--group: sales by period lists every period");
	for (i = 0; i < a->nwhere; i++)
		if (crm_query_where(&r->where, db, a->where[i], err) < 0)
			return -1;
	return 0;
}

/* ---- SQL ---------------------------------------------------------------- */

/*
 * The orders a report counts, as the common table "sel": not cancelled,
 * in the range (ordered_at is UTC text, so a day's orders sort from its
 * "YYYY-MM-DD" up to the next day's, which keeps the indexes that start
 * with ordered_at in use), of a customer "t" that meets the conditions.
 * Each order's total and units are kept with it (the sums of its lines,
 * schema.c), and the indexes of orders carry them: without conditions
 * on the customer, sel is read from an index alone.
 */
static const char sel_head[] =
	"WITH sel AS (\n"
	"	SELECT o.id, o.customer, o.ordered_at, o.total, o.units\n"
	"	FROM orders AS o";
static const char sel_join[] =
	"\n"
	"	JOIN customers AS t ON t.id = o.customer";
static const char sel_where[] =
	"\n"
	"	WHERE o.status <> 'cancelled'";
static const char sel_tail[] = "\n)\n";

static const char customers_sql[] =
	"SELECT t.id, t.name, t.email, count(*), sum(s.total) AS revenue,\n"
	"       min(s.ordered_at), max(s.ordered_at)\n"
	"FROM sel AS s\n"
	"JOIN customers AS t ON t.id = s.customer\n"
	"GROUP BY t.id\n"
	"ORDER BY revenue DESC, t.id\n"
	"LIMIT ?3";

/* Sales by period: the orders in time order, each a row of one order,
 * folded into periods in C (ISO weeks are beyond SQLite's strftime).  In
 * the order of the index of ordered_at, this needs no sorting, where a
 * GROUP BY of the day would sort every order first. */
static const char days_sql[] =
	"SELECT s.ordered_at, 1, s.units, s.total\n"
	"FROM sel AS s\n"
	"ORDER BY s.ordered_at";

/* Sales by a customer field: the field's SQL goes between these. */
static const char group_head[] = "SELECT ";
static const char group_tail[] =
	" AS g, count(*), sum(s.units),\n"
	"       sum(s.total) AS revenue\n"
	"FROM sel AS s\n"
	"JOIN customers AS t ON t.id = s.customer\n"
	"GROUP BY g\n"
	"ORDER BY revenue DESC, g\n"
	"LIMIT ?3";

static const char products_sql[] =
	"SELECT p.sku, p.name, sum(l.quantity),\n"
	"       sum(l.quantity * l.unit_price) AS revenue,\n"
	"       count(DISTINCT l.\"order\"), p.stock\n"
	"FROM sel AS s\n"
	"JOIN order_lines AS l ON l.\"order\" = s.id\n"
	"JOIN products AS p ON p.id = l.product\n"
	"GROUP BY p.id\n"
	"ORDER BY revenue DESC, p.sku\n"
	"LIMIT ?3";

/* Is the range closed at its end?  The day after 9999-12-31 would not
 * sort after it as text: that end is no end. */
int
rp_has_end(const struct crm_report *r)
{
	return r->to < crm_days_from_civil(9999, 12, 31);
}

static void
sel_sql(struct crm_buf *sql, const struct crm_report *r)
{
	size_t i;

	crm_buf_adds(sql, sel_head);
	if (r->where.nconds)
		crm_buf_adds(sql, sel_join);
	crm_buf_adds(sql, sel_where);
	if (r->from != CRM_REPORT_OPEN_FROM)
		crm_buf_addf(sql, "\n\t  AND o.ordered_at >= ?%d", P_FROM);
	if (rp_has_end(r))
		crm_buf_addf(sql, "\n\t  AND o.ordered_at < ?%d", P_UNTIL);
	for (i = 0; i < r->where.nconds; i++) {
		crm_buf_adds(sql, "\n\t  AND ");
		crm_query_cond_sql(sql, &r->where.conds[i], P_WHERE + (int)i);
	}
	crm_buf_adds(sql, sel_tail);
}

/* Bind the range, the limit and the conditions.  The texts bound are kept
 * in days, which must live until the statement is done. */
static void
bind_all(struct crm_stmt *st, const struct crm_report *r,
	struct crm_buf *days)
{
	size_t i, until;

	if (r->from != CRM_REPORT_OPEN_FROM)
		rp_add_ymd(days, r->from);
	crm_buf_addch(days, '\0');
	until = days->len;
	if (rp_has_end(r))
		rp_add_ymd(days, r->to + 1);
	if (r->from != CRM_REPORT_OPEN_FROM)
		crm_bind_text(st, P_FROM, days->buf);
	if (rp_has_end(r))
		crm_bind_text(st, P_UNTIL, days->buf + until);
	if (crm_stmt_params(st) >= P_LIMIT)
		crm_bind_int(st, P_LIMIT, r->top ? r->top : INT64_MAX);
	for (i = 0; i < r->where.nconds; i++)
		if (!r->where.conds[i].empty)
			crm_bind_val(st, P_WHERE + (int)i,
				&r->where.conds[i].v);
}

/* The statement of sql (released here), with bind_all() done; NULL on
 * an error, which crm_done() reports as any other. */
struct crm_stmt *
rp_prepare_bound(struct crm_db *db, struct crm_buf *sql,
	const struct crm_report *r, struct crm_buf *days, struct crm_err *err)
{
	struct crm_stmt *st = crm_sql(db, "cannot run the report", sql->buf,
		err);

	crm_buf_release(sql);
	bind_all(st, r, days);
	return st;
}

/* ---- cells ------------------------------------------------------------ */

int64_t
crm_report_avg(int64_t sum, int64_t n)
{
	int64_t q = sum / n, r = sum % n;

	/* Compare 2r with n without computing 2 * sum, which may overflow;
	 * C division truncates, so the remainder has the sum's sign. */
	if (r > 0 && r >= n - r)
		q++;
	else if (r < 0 && -r >= n + r)
		q--;
	return q;
}

void
rp_cell_int(struct crm_out *out, int64_t v)
{
	struct crm_buf b = CRM_BUF_INIT;

	crm_buf_addf(&b, "%lld", (long long)v);
	crm_out_cell(out, CRM_CELL_NUM, b.buf, b.len);
	crm_buf_release(&b);
}

/* Money as a cell, and as the chart's figure when chart is not NULL. */
void
rp_cell_money(struct crm_out *out, int64_t cents, struct crm_chart *chart,
	const char *label)
{
	struct crm_buf b = CRM_BUF_INIT;

	crm_format_money(cents, &b);
	crm_out_cell(out, CRM_CELL_NUM, b.buf, b.len);
	if (chart)
		crm_chart_add(chart, label, cents, b.buf);
	crm_buf_release(&b);
}

/* Column col of st as text, or empty. */
void
rp_cell_text(struct crm_out *out, struct crm_stmt *st, int col)
{
	const char *s = crm_col_text(st, col);

	if (!s)
		crm_out_cell(out, CRM_CELL_NULL, NULL, 0);
	else
		crm_out_cell(out, CRM_CELL_TEXT, s, crm_col_len(st, col));
}

/* Column col of st as a time (local in a table), or empty. */
static void
cell_time(struct crm_out *out, struct crm_stmt *st, int col)
{
	const char *s = crm_col_text(st, col);

	if (!s)
		crm_out_cell(out, CRM_CELL_NULL, NULL, 0);
	else
		crm_out_cell(out, CRM_CELL_TIME, s, crm_col_len(st, col));
}

/* ---- the reports ------------------------------------------------------- */

/* Each row function steps st to its end, or until the output fails,
 * writing rows; it returns the number of rows, or -1 with err set.  A
 * failed step is the caller's to find, from crm_done(). */

int
rp_step(struct crm_stmt *st, const struct crm_out *out)
{
	return !out->failed && crm_step(st) > 0;
}

static int64_t
customers_rows(struct crm_stmt *st, const struct crm_report *r,
	struct crm_out *out, struct crm_chart *chart, struct crm_err *err)
{
	int64_t rows = 0, n, total;

	(void)r;
	(void)err;
	while (rp_step(st, out)) {
		n = crm_col_int(st, 3);
		total = crm_col_int(st, 4);
		rp_cell_int(out, crm_col_int(st, 0));
		rp_cell_text(out, st, 1);
		rp_cell_text(out, st, 2);
		rp_cell_int(out, n);
		rp_cell_money(out, total, chart, crm_col_text(st, 1));
		rp_cell_money(out, crm_report_avg(total, n), NULL, NULL);
		cell_time(out, st, 5);
		cell_time(out, st, 6);
		crm_out_row(out);
		rows++;
	}
	return rows;
}

/* One period of sales being added up. */
struct period {
	int64_t start;		/* its first day */
	int64_t orders, units, revenue;
};

static void
period_row(struct crm_out *out, const struct crm_report *r,
	const struct period *p, struct crm_chart *chart)
{
	struct crm_buf label = CRM_BUF_INIT;

	crm_report_period_label(r->by, p->start, &label);
	crm_out_cell(out, CRM_CELL_TEXT, label.buf, label.len);
	rp_cell_int(out, p->orders);
	rp_cell_int(out, p->units);
	rp_cell_money(out, p->revenue, chart, label.buf);
	rp_cell_money(out, p->orders ?
		crm_report_avg(p->revenue, p->orders) : 0, NULL, NULL);
	crm_out_row(out);
	crm_buf_release(&label);
}

static int64_t
period_rows(struct crm_stmt *st, const struct crm_report *r,
	struct crm_out *out, struct crm_chart *chart, struct crm_err *err)
{
	struct period p = { 0, 0, 0, 0 }, gap = { 0, 0, 0, 0 };
	int64_t rows = 0, day, start;
	int have = 0;

	while (rp_step(st, out)) {
		const char *text = crm_col_text(st, 0);

		if (!text || rp_ymd_days(text, &day) < 0)
			return crm_err_set(err, CRM_EX_DATAERR, "an order has "
				"ordered_at '%s', which is no UTC time",
				text ? text : "");
		start = rp_period_start(r->by, day);
		if (have && start != p.start) {
			period_row(out, r, &p, chart);
			rows++;
			for (gap.start = rp_period_next(r->by, p.start);
			    gap.start < start && !out->failed;
			    gap.start = rp_period_next(r->by, gap.start)) {
				period_row(out, r, &gap, chart);
				rows++;
			}
			have = 0;
		}
		if (!have) {
			memset(&p, 0, sizeof(p));
			p.start = start;
			have = 1;
		}
		if (__builtin_add_overflow(p.orders,
		    crm_col_int(st, 1), &p.orders) ||
		    __builtin_add_overflow(p.units,
		    crm_col_int(st, 2), &p.units) ||
		    __builtin_add_overflow(p.revenue,
		    crm_col_int(st, 3), &p.revenue))
			return crm_err_set(err, CRM_EX_DATAERR,
				"a sum of a period is beyond 64 bits");
	}
	if (have) {
		period_row(out, r, &p, chart);
		rows++;
	}
	return rows;
}

static int64_t
group_rows(struct crm_stmt *st, const struct crm_report *r,
	struct crm_out *out, struct crm_chart *chart, struct crm_err *err)
{
	int64_t rows = 0, n, revenue;

	(void)err;
	while (rp_step(st, out)) {
		n = crm_col_int(st, 1);
		revenue = crm_col_int(st, 3);
		crm_field_cell(r->group, st, 0, out);
		rp_cell_int(out, n);
		rp_cell_int(out, crm_col_int(st, 2));
		rp_cell_money(out, revenue, chart, crm_col_text(st, 0));
		rp_cell_money(out, crm_report_avg(revenue, n), NULL, NULL);
		crm_out_row(out);
		rows++;
	}
	return rows;
}

static int64_t
products_rows(struct crm_stmt *st, const struct crm_report *r,
	struct crm_out *out, struct crm_chart *chart, struct crm_err *err)
{
	int64_t rows = 0;

	(void)r;
	(void)err;
	while (rp_step(st, out)) {
		rp_cell_text(out, st, 0);
		rp_cell_text(out, st, 1);
		rp_cell_int(out, crm_col_int(st, 2));
		rp_cell_money(out, crm_col_int(st, 3), chart,
			crm_col_text(st, 1));
		rp_cell_int(out, crm_col_int(st, 4));
		rp_cell_int(out, crm_col_int(st, 5));
		crm_out_row(out);
		rows++;
	}
	return rows;
}

/* The reports, by enum crm_report_kind. */
static const struct {
	const char *cols[CRM_REPORT_MAXCOLS + 1];	/* NULL-terminated */
	int64_t (*rows)(struct crm_stmt *st, const struct crm_report *r,
		struct crm_out *out, struct crm_chart *chart,
		struct crm_err *err);
} reports[] = {
	[CRM_REPORT_CUSTOMERS] = {
		{ "id", "name", "email", "orders", "total", "avg_order",
		  "first_order", "last_order" }, customers_rows },
	[CRM_REPORT_SALES] = {
		{ "period", "orders", "units", "revenue", "avg_order" },
		period_rows },
	[CRM_REPORT_PRODUCTS] = {
		{ "sku", "name", "units", "revenue", "orders", "stock" },
		products_rows },
	[CRM_REPORT_PIPELINE] = {
		{ "stage", "deals", "amount", "weighted" }, NULL },
	[CRM_REPORT_TICKETS] = {
		{ "group", "tickets", "open", "resolved", "median_hours",
		  "avg_rating" }, NULL },
	[CRM_REPORT_CAMPAIGNS] = {
		{ "id", "name", "members", "responded", "converted",
		  "response_rate", "conversion_rate", "revenue", "cost",
		  "roi" }, NULL },
};

size_t
crm_report_columns(const struct crm_report *r, const char **names)
{
	size_t n;

	for (n = 0; reports[r->kind].cols[n]; n++)
		names[n] = reports[r->kind].cols[n];
	if (r->kind == CRM_REPORT_SALES && r->group)
		names[0] = r->group->name;
	return n;
}

int64_t
crm_report_run(struct crm_db *db, const struct crm_report *r,
	struct crm_out *out, struct crm_chart *chart, struct crm_err *err)
{
	struct crm_buf sql = CRM_BUF_INIT, days = CRM_BUF_INIT;
	struct crm_stmt *st;
	int64_t (*rows)(struct crm_stmt *, const struct crm_report *,
		struct crm_out *, struct crm_chart *, struct crm_err *);
	int64_t n;

	switch (r->kind) {
	case CRM_REPORT_PIPELINE:
		return rp_pipeline_run(db, r, out, chart, err);
	case CRM_REPORT_TICKETS:
		return rp_tickets_run(db, r, out, chart, err);
	case CRM_REPORT_CAMPAIGNS:
		return rp_campaigns_run(db, r, out, chart, err);
	default:
		break;
	}
	rows = reports[r->kind].rows;
	sel_sql(&sql, r);
	switch (r->kind) {
	case CRM_REPORT_CUSTOMERS:
		crm_buf_adds(&sql, customers_sql);
		break;
	case CRM_REPORT_SALES:
		if (!r->group) {
			crm_buf_adds(&sql, days_sql);
			break;
		}
		crm_buf_adds(&sql, group_head);
		crm_query_field_sql(&sql, r->group);
		crm_buf_adds(&sql, group_tail);
		rows = group_rows;
		break;
	case CRM_REPORT_PRODUCTS:
		crm_buf_adds(&sql, products_sql);
		break;
	default:
		break;
	}
	st = rp_prepare_bound(db, &sql, r, &days, err);
	n = rows(st, r, out, chart, err);
	/* A row function that stopped early on an error of its own (err
	 * set) leaves the statement mid-rows: done here all the same. */
	if (crm_done(st) < 0)
		n = -1;
	crm_buf_release(&days);
	crm_buf_release(&sql);
	return n;
}
