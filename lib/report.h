/*
 * report.h - the reports of crm-report (SPEC 6): what each one selects,
 * adds up and orders, and the bar chart of its main figure.
 *
 * A report is described by a struct crm_report: which report, the days it
 * covers, the customers it is about (--where), how sales are grouped, and
 * how many rows at most.  crm_report_prepare() fills it from what a user
 * typed, checking everything before the database is read;
 * crm_report_run() writes the rows to a writer begun with the names
 * crm_report_columns() gives.  Reports only read: open the database with
 * CRM_DB_READ.
 *
 * What is counted, in every report:
 *
 *   - the orders that are not cancelled, whose ordered_at falls, as a UTC
 *     date, on a day from r->from to r->to (both included), and whose
 *     customer meets every --where condition;
 *   - revenue: the sum of their totals, which is the sum of quantity times
 *     unit_price over their lines (orders.total keeps it); per product,
 *     the sum over that product's lines;
 *   - units: the sum of the quantities of their lines;
 *   - money is summed in integer cents (SQLite's sum() fails rather than
 *     wraps) and written with two fraction digits; an average is rounded
 *     half away from zero to the cent, in integer arithmetic.
 *
 * The reports and their rows:
 *
 *   customers  one per customer with an order counted, by total
 *              descending, ties by id:
 *              id name email orders total avg_order first_order last_order
 *              (first_order and last_order are ordered_at, UTC times)
 *   sales      by period (day, ISO week "2026-W53", month "2026-11",
 *              quarter "2026-Q4", year "2026"): every period from the
 *              first to the last with an order counted, in time order,
 *              periods without orders written with zeros:
 *              period orders units revenue avg_order
 *              by a customer field (--group): one per value of the field,
 *              the empty value included, by revenue descending, ties by
 *              the value; the first column is named after the field
 *   products   one per product sold in a counted order (products without
 *              sales are left out), by revenue descending, ties by SKU:
 *              sku name units revenue orders stock
 *              (orders: how many counted orders have a line of it; stock:
 *              the product's stock now)
 *
 *   pipeline   one per deal stage, in stage order, every stage even
 *              without deals: stage deals amount weighted.  weighted is
 *              the sum of amount times probability over the stage's
 *              deals, rounded once to the cent; lost deals weigh 0.  The
 *              range and --where pick deals by the day they closed
 *              (closed_at) or, while open, are expected to close
 *              (expected_close), and by their customer
 *   tickets    one per status or priority (--by, default status), in
 *              their order, every one even without tickets:
 *              group tickets open resolved median_hours avg_rating.
 *              open counts open or pending tickets, resolved resolved or
 *              closed ones; median_hours is the median of resolved_at
 *              minus created_at over those, in hours to one decimal (the
 *              mean of the middle two for an even count); avg_rating the
 *              mean rating over rated tickets to two decimals; both empty
 *              without tickets to take them from.  The range picks
 *              tickets by created_at, --where by their customer
 *   campaigns  one per campaign, by id, the range picking them by
 *              starts_on: id name members responded converted
 *              response_rate conversion_rate revenue cost roi.
 *              responded counts members responded or converted,
 *              converted those converted; rates are over all members (empty
 *              without members), to 4 decimals; revenue sums the totals
 *              of the campaign's orders that are not cancelled, whenever
 *              ordered; roi is (revenue - cost) / cost to 4 decimals,
 *              empty when the cost is 0 (the cost counts once per
 *              campaign)
 *
 * Every rounding is half away from zero, in integer arithmetic.
 */
#ifndef CRM_REPORT_H
#define CRM_REPORT_H

#include <stdint.h>

#include "buf.h"
#include "db.h"
#include "entity.h"
#include "err.h"
#include "out.h"
#include "record.h"

enum crm_report_kind {
	CRM_REPORT_CUSTOMERS,
	CRM_REPORT_SALES,
	CRM_REPORT_PRODUCTS,
	CRM_REPORT_PIPELINE,
	CRM_REPORT_TICKETS,
	CRM_REPORT_CAMPAIGNS
};

/* The periods of sales --by, in the order of their length. */
enum crm_report_by {
	CRM_BY_DAY, CRM_BY_WEEK, CRM_BY_MONTH, CRM_BY_QUARTER, CRM_BY_YEAR
};

/* r->from or r->to when the range is open on that side. */
#define CRM_REPORT_OPEN_FROM INT64_MIN
#define CRM_REPORT_OPEN_TO INT64_MAX

/* The most columns a report has (campaigns will have 10). */
#define CRM_REPORT_MAXCOLS 10

/*
 * A report as prepared.  fs and where belong to the struct, and where
 * points at fs: a prepared struct crm_report must not be copied or moved.
 */
struct crm_report {
	enum crm_report_kind kind;
	int64_t from, to;		/* days since 1970-01-01, inclusive */
	int64_t top;			/* at most this many rows; 0: all */
	enum crm_report_by by;		/* sales without group */
	int by_priority;		/* tickets --by priority */
	const struct crm_field *group;	/* sales --group: a field of fs */
	struct crm_fieldset fs;		/* the customer's fields */
	struct crm_query where;		/* conditions on the customer */
};

/* What a user typed, each NULL when not given. */
struct crm_report_args {
	const char *from, *to;		/* as crm_parse_date() reads */
	const char *period;		/* this-month ... last-year */
	const char *top;		/* N >= 1 */
	const char *by;			/* day week month quarter year;
					 * tickets: status priority */
	const char *group;		/* a customer field */
	const char *const *where;	/* FIELD OP VALUE, nwhere of them */
	size_t nwhere;
};

/* Set r up for a report of kind, empty: every day, every customer, all
 * rows, sales by month.  Release with crm_report_release(). */
void crm_report_init(struct crm_report *r, enum crm_report_kind kind);
void crm_report_release(struct crm_report *r);

/*
 * Read a's texts into r.  db is needed for --where (a condition is
 * checked as its field's type reads values).  Every error is CRM_EX_USAGE
 * with a one-line message naming the option and the value:
 *   - a date crm_parse_date() does not take, --from after --to;
 *   - --period other than this-month, last-month, this-quarter,
 *     last-quarter, this-year, last-year (anchored on crm_today(), so on
 *     $CRM_TODAY), or --period with --from or --to;
 *   - --top not a whole number of 1 or more;
 *   - --by other than day, week, month, quarter, year (tickets: status,
 *     priority); --group not a customer field (the message lists
 *     them); both --by and --group; --by with another report than sales
 *     or tickets, --group with another than sales; --top with sales by
 *     period (every period is written: --top goes with --group);
 *   - a --where that crm_query_where() refuses.
 */
int crm_report_prepare(struct crm_report *r, struct crm_db *db,
	const struct crm_report_args *a, struct crm_err *err);

/*
 * The period a --period word names, around today (days since the epoch):
 * *from and *to get its first and last day.  -1 with err set (CRM_EX_USAGE)
 * for an unknown word.
 */
int crm_report_period(const char *word, int64_t today, int64_t *from,
	int64_t *to, struct crm_err *err);

/*
 * The label of the period of kind by that holds day (days since the
 * epoch), appended to out: "2026-11-22", "2026-W47" (ISO 8601: the week
 * from Monday, in the year of its Thursday, so 2027-01-01 is in
 * 2026-W53), "2026-11", "2026-Q4", "2026".
 */
void crm_report_period_label(enum crm_report_by by, int64_t day,
	struct crm_buf *out);

/* An average of sum over n (n > 0), rounded half away from zero. */
int64_t crm_report_avg(int64_t sum, int64_t n);

/*
 * The column names of r's report into names (room for CRM_REPORT_MAXCOLS);
 * returns how many.  The names are static or the group field's name: do
 * not free them, and keep r until they are used.
 */
size_t crm_report_columns(const struct crm_report *r, const char **names);

/* ---- the bar chart ----------------------------------------------------- */

/*
 * The main figure of each row of a report, for --chart: a label, a value
 * to scale the bar by, and the value's text.  Rows are kept in memory (the
 * table format keeps them anyway).
 */
struct crm_chart {
	struct crm_buf text;	/* label NUL figure NUL, row after row */
	size_t *offs;		/* each row's label in text */
	int64_t *values;
	size_t n, alloc;
};
#define CRM_CHART_INIT { CRM_BUF_INIT, NULL, NULL, 0, 0 }

/* Add a row; label and figure are copied.  A NULL label is "(empty)". */
void crm_chart_add(struct crm_chart *c, const char *label, int64_t value,
	const char *figure);

/*
 * Append the chart, width terminal columns wide, to out: a line per row,
 * the label (padded to the widest by display width, cut with "…" beyond a
 * third of the width), the figure right-aligned, then a bar of full
 * blocks and one eighth block, the largest value filling what is left of
 * the line.  A value above zero shows at least an eighth; zero and less,
 * no bar.  Nothing when there are no rows.
 */
void crm_chart_write(const struct crm_chart *c, int width,
	struct crm_buf *out);

void crm_chart_release(struct crm_chart *c);

/* ---- running ----------------------------------------------------------- */

/*
 * Run report r over db and write its rows to out, which the caller began
 * with the names of crm_report_columns() and ends.  When chart is not
 * NULL, each row's main figure is added to it too (revenue; a customer's
 * total).  Returns the number of rows, or -1 with err set (a database
 * error; a sum beyond 64 bits).
 */
int64_t crm_report_run(struct crm_db *db, const struct crm_report *r,
	struct crm_out *out, struct crm_chart *chart, struct crm_err *err);

#endif
