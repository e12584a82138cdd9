/*
 * report-int.h - what the files of the reports share (private to
 * lib/report*.c; report.h is the public face).  Nothing else includes it.
 *
 * report.c checks what a user typed, binds every report's statement (the
 * range, the limit, the --where conditions) and writes the cells of
 * numbers, money and text; report-pipeline.c runs the pipeline, tickets
 * and campaigns reports, which read deals, tickets and campaigns rather
 * than the orders, with those; report-period.c turns days to text and
 * back and finds the periods sales are added up by, for both.  Names
 * shared between them carry rp_.
 */
#ifndef CRM_REPORT_INT_H
#define CRM_REPORT_INT_H

#include <stdint.h>

#include "report.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Parameters every report's statement may have; --where's come after. */
#define P_FROM	1	/* first day, "YYYY-MM-DD" */
#define P_UNTIL	2	/* the day after the last */
#define P_LIMIT	3	/* --top, or no limit (the most rows there are) */
#define P_WHERE	4

/* Days since 1970-01-01, and periods (report-period.c).  "YYYY-MM-DD"
 * at s (the rest ignored) to days, -1 when it is none; and day as
 * "YYYY-MM-DD", appended to out. */
int rp_ymd_days(const char *s, int64_t *days);
void rp_add_ymd(struct crm_buf *out, int64_t day);
/* The first day of the period of kind by that holds day. */
int64_t rp_period_start(enum crm_report_by by, int64_t day);
/* The first day of the period after the one that starts on start. */
int64_t rp_period_next(enum crm_report_by by, int64_t start);

/* Is the range closed at its end? */
int rp_has_end(const struct crm_report *r);
/* The statement of sql (released here), with the range, the limit and
 * the conditions bound (their texts kept in days, to be released when
 * the statement is done); NULL on an error, which crm_done() reports. */
struct crm_stmt *rp_prepare_bound(struct crm_db *db, struct crm_buf *sql,
	const struct crm_report *r, struct crm_buf *days, struct crm_err *err);
/* The next row of st, unless the output failed. */
int rp_step(struct crm_stmt *st, const struct crm_out *out);

/* Cells: a number; money, the chart's figure too when chart is not NULL;
 * column col of st as text, or empty. */
void rp_cell_int(struct crm_out *out, int64_t v);
void rp_cell_money(struct crm_out *out, int64_t cents,
	struct crm_chart *chart, const char *label);
void rp_cell_text(struct crm_out *out, struct crm_stmt *st, int col);

/* The reports that run statements of their own (report-pipeline.c):
 * the number of rows written, or -1 with err set. */
int64_t rp_pipeline_run(struct crm_db *db, const struct crm_report *r,
	struct crm_out *out, struct crm_chart *chart, struct crm_err *err);
int64_t rp_tickets_run(struct crm_db *db, const struct crm_report *r,
	struct crm_out *out, struct crm_chart *chart, struct crm_err *err);
int64_t rp_campaigns_run(struct crm_db *db, const struct crm_report *r,
	struct crm_out *out, struct crm_chart *chart, struct crm_err *err);

#endif
