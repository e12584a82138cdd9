/* crm-report - reports over customers, orders, products, deals, tickets
 * and campaigns (SPEC 6). */
#include <stdio.h>

#include "cmd.h"
#include "report.h"

static int
report(struct crm_ctx *ctx, enum crm_report_kind kind)
{
	struct crm_report r;
	struct crm_report_args a = { 0 };
	struct crm_chart chart = CRM_CHART_INIT;
	struct crm_buf text = CRM_BUF_INIT;
	struct crm_out out;
	const char *names[CRM_REPORT_MAXCOLS];
	size_t n;
	int code = CRM_EX_OK, charted, width;

	if (ctx->argc)
		return crm_usage_error(ctx, "unexpected argument '%s'",
			ctx->argv[0]);
	a.from = crm_opt(ctx, "from");
	a.to = crm_opt(ctx, "to");
	a.period = crm_opt(ctx, "period");
	a.top = crm_opt(ctx, "top");
	a.by = crm_opt(ctx, "by");
	a.group = crm_opt(ctx, "group");
	a.where = crm_opt_all(ctx, "where", &a.nwhere);
	crm_report_init(&r, kind);
	if (crm_report_prepare(&r, &ctx->db, &a, &ctx->err) < 0) {
		if (ctx->err.code == CRM_EX_USAGE) {
			code = crm_usage_error(ctx, "%s", ctx->err.msg.buf);
			crm_err_clear(&ctx->err);
		} else {
			code = crm_fail(ctx);
		}
		goto out;
	}
	/* The chart is for a person: only under the table. */
	charted = crm_opt(ctx, "chart") && ctx->fmt == CRM_FMT_TABLE;
	n = crm_report_columns(&r, names);
	crm_out_begin(&out, stdout, ctx->fmt, ctx->header, names, n);
	width = out.width;
	if (crm_report_run(&ctx->db, &r, &out, charted ? &chart : NULL,
	    &ctx->err) < 0) {
		crm_out_end(&out);
		code = crm_fail(ctx);
		goto out;
	}
	if (crm_out_end(&out) == 0 && charted && chart.n) {
		crm_buf_addch(&text, '\n');
		crm_chart_write(&chart, width, &text);
		crm_out_text(text.buf, text.len);
	}
out:
	crm_chart_release(&chart);
	crm_buf_release(&text);
	crm_report_release(&r);
	return code;
}

static int
cmd_customers(struct crm_ctx *ctx)
{
	return report(ctx, CRM_REPORT_CUSTOMERS);
}

static int
cmd_sales(struct crm_ctx *ctx)
{
	return report(ctx, CRM_REPORT_SALES);
}

static int
cmd_products(struct crm_ctx *ctx)
{
	return report(ctx, CRM_REPORT_PRODUCTS);
}

static int
cmd_pipeline(struct crm_ctx *ctx)
{
	return report(ctx, CRM_REPORT_PIPELINE);
}

static int
cmd_tickets(struct crm_ctx *ctx)
{
	return report(ctx, CRM_REPORT_TICKETS);
}

static int
cmd_campaigns(struct crm_ctx *ctx)
{
	return report(ctx, CRM_REPORT_CAMPAIGNS);
}

/* The options, sorted by name as the man page lists them. */
#define O_BY { .name = "by", .arg = "day|week|month|quarter|year", \
	.values = "day week month quarter year", \
	.help = "a row per period (default month)" }
#define O_CHART { .name = "chart", \
	.help = "add a bar chart of the main figure (table format)" }
#define O_FROM { .name = "from", .arg = "DATE", \
	.help = "orders from this day on (UTC)" }
#define O_GROUP { .name = "group", .arg = "FIELD", \
	.help = "a row per value of this customer field" }
#define O_PERIOD { .name = "period", .arg = "PERIOD", \
	.values = "this-month last-month this-quarter last-quarter " \
	"this-year last-year", \
	.help = "this-month, last-month, this-quarter, last-quarter, " \
	"this-year or last-year" }
#define O_TO { .name = "to", .arg = "DATE", \
	.help = "orders up to this day, included (UTC)" }
#define O_TOP { .name = "top", .arg = "N", .help = "the first N rows only" }
#define O_WHERE { .name = "where", .arg = "EXPR", .multi = 1, \
	.help = "only customers where FIELD OP VALUE holds (repeatable)" }

static const struct crm_optdef customers_opts[] = {
	O_CHART, O_FROM, O_PERIOD, O_TO, O_TOP, O_WHERE,
	{ 0 }
};

static const struct crm_optdef sales_opts[] = {
	O_BY, O_CHART, O_FROM, O_GROUP, O_PERIOD, O_TO, O_TOP, O_WHERE,
	{ 0 }
};

static const struct crm_optdef products_opts[] = {
	O_CHART, O_FROM, O_PERIOD, O_TO, O_TOP, O_WHERE,
	{ 0 }
};

static const struct crm_optdef pipeline_opts[] = {
	O_CHART,
	{ .name = "from", .arg = "DATE",
	  .help = "deals closed or expected to close from this day on" },
	O_PERIOD,
	{ .name = "to", .arg = "DATE",
	  .help = "deals closed or expected to close up to this day" },
	{ .name = "where", .arg = "EXPR", .multi = 1,
	  .help = "only deals of customers where FIELD OP VALUE holds" },
	{ 0 }
};

static const struct crm_optdef tickets_opts[] = {
	{ .name = "by", .arg = "status|priority", .values = "status priority",
	  .help = "a row per status (default) or per priority" },
	O_CHART,
	{ .name = "from", .arg = "DATE",
	  .help = "tickets opened from this day on (UTC)" },
	O_PERIOD,
	{ .name = "to", .arg = "DATE",
	  .help = "tickets opened up to this day, included (UTC)" },
	{ .name = "where", .arg = "EXPR", .multi = 1,
	  .help = "only tickets of customers where FIELD OP VALUE holds" },
	{ 0 }
};

static const struct crm_optdef campaigns_opts[] = {
	O_CHART,
	{ .name = "from", .arg = "DATE",
	  .help = "campaigns that start from this day on" },
	O_PERIOD,
	{ .name = "to", .arg = "DATE",
	  .help = "campaigns that start up to this day, included" },
	O_TOP,
	{ 0 }
};

#define R CRM_DB_READER

static const struct crm_verb verbs[] = {
	{ "customers", cmd_customers, CRM_O_FORMAT, R, NULL,
	  "Customers with orders in the range, by total", customers_opts },
	{ "sales", cmd_sales, CRM_O_FORMAT, R, NULL,
	  "Orders, units and revenue by period or by customer field",
	  sales_opts },
	{ "products", cmd_products, CRM_O_FORMAT, R, NULL,
	  "Products sold in the range, by revenue", products_opts },
	{ "pipeline", cmd_pipeline, CRM_O_FORMAT, R, NULL,
	  "Deals, amounts and weighted amounts by stage", pipeline_opts },
	{ "tickets", cmd_tickets, CRM_O_FORMAT, R, NULL,
	  "Tickets open and resolved, hours to resolve and rating, by "
	  "status or priority", tickets_opts },
	{ "campaigns", cmd_campaigns, CRM_O_FORMAT, R, NULL,
	  "Members, responses, revenue and ROI by campaign", campaigns_opts },
	{ NULL, NULL, 0, CRM_DB_NONE, NULL, NULL, NULL }
};

static const struct crm_command command = {
	"crm-report", NULL, "Report on customers, sales, products, the pipeline, tickets and campaigns", verbs
};

int
main(int argc, char **argv)
{
	return crm_main(argc, argv, &command);
}
