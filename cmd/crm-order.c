/* crm-order - orders, their lines, and their lifecycle. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "order.h"
#include "verbs.h"

static int
cmd_add(struct crm_ctx *ctx)
{
	const char *const *specs;
	struct crm_line *lines;
	size_t n, i;
	int64_t id;
	int code = CRM_EX_OK;

	if (ctx->argc)
		return crm_usage_error(ctx, "unexpected argument '%s'",
			ctx->argv[0]);
	specs = crm_opt_all(ctx, "line", &n);
	if (!n)
		return crm_usage_error(ctx, "an order needs at least one "
			"--line PRODUCT:QUANTITY[:UNIT_PRICE]");
	lines = crm_xcalloc(n, sizeof(*lines));
	if (crm_db_begin(&ctx->db, &ctx->err) < 0)
		goto fail;
	for (i = 0; i < n; i++)
		if (crm_line_parse(&ctx->db, specs[i], 0, &lines[i],
		    &ctx->err) < 0)
			goto fail;
	if (crm_order_add(&ctx->db, &ctx->fs, &ctx->assigns, lines, n, 1,
	    &id, &ctx->err) < 0 || crm_db_commit(&ctx->db, &ctx->err) < 0)
		goto fail;
	printf("%lld\n", (long long)id);
	free(lines);
	return CRM_EX_OK;
fail:
	crm_db_rollback(&ctx->db);
	code = crm_fail(ctx);
	free(lines);
	return code;
}

/* show: the order like any record; in a table its lines follow, in JSON
 * they are an array in its object. */
static int
show_lines(struct crm_ctx *ctx, const char *key, void *arg)
{
	struct crm_out *out = arg;
	int64_t id;

	if (crm_record_find(&ctx->db, ctx->entity, key, &id, &ctx->err) < 0)
		return -1;
	return crm_order_lines(&ctx->db, id, out, &ctx->err);
}

static int
cmd_show(struct crm_ctx *ctx)
{
	struct crm_out out;
	int code;

	code = crm_verb_show_parts(ctx, "lines", crm_order_lines_json);
	if (code || ctx->fmt != CRM_FMT_TABLE || ctx->argc != 1 ||
	    !strcmp(ctx->argv[0], "-"))
		return code;
	putchar('\n');
	crm_out_begin(&out, stdout, ctx->fmt, ctx->header,
		crm_order_line_cols, CRM_ORDER_LINE_NCOLS);
	code = crm_each_id(ctx, show_lines, &out);
	crm_out_end(&out);
	return code;
}

static int
cmd_lines(struct crm_ctx *ctx)
{
	struct crm_out out;
	int code;

	crm_out_begin(&out, stdout, ctx->fmt, ctx->header,
		crm_order_line_cols, CRM_ORDER_LINE_NCOLS);
	code = crm_each_id(ctx, show_lines, &out);
	crm_out_end(&out);
	return code;
}

static int
move(struct crm_ctx *ctx, const char *key, void *arg)
{
	int64_t id;

	if (crm_record_find(&ctx->db, ctx->entity, key, &id, &ctx->err) < 0)
		return -1;
	return crm_order_status(&ctx->db, id, arg, NULL, &ctx->err);
}

static int
change(struct crm_ctx *ctx, const char *status)
{
	int code;

	if (crm_db_begin(&ctx->db, &ctx->err) < 0)
		return crm_fail(ctx);
	code = crm_each_id(ctx, move, (void *)status);
	if (code) {
		crm_db_rollback(&ctx->db);
		return code;
	}
	if (crm_db_commit(&ctx->db, &ctx->err) < 0)
		return crm_fail(ctx);
	return CRM_EX_OK;
}

static int
cmd_status(struct crm_ctx *ctx)
{
	const char *status;

	if (ctx->argc != 2)
		return crm_usage_error(ctx, "status needs ORDER and STATUS");
	status = ctx->argv[1];
	ctx->argc = 1;
	return change(ctx, status);
}

static int
cmd_cancel(struct crm_ctx *ctx)
{
	return change(ctx, "cancelled");
}

static const struct crm_optdef add_opts[] = {
	{ .name = "line", .arg = "PRODUCT:QUANTITY[:UNIT_PRICE]", .multi = 1,
	  .required = 1,
	  .help = "a line: product by id or SKU, units, price" },
	{ 0 }
};

#define OUT CRM_O_OUTPUT

static const struct crm_verb verbs[] = {
	{ "add", cmd_add, CRM_O_FIELDS, CRM_DB_WRITER, NULL,
	  "Add an order, taking stock for every line; print its id",
	  add_opts },
	{ "show", cmd_show, OUT, CRM_DB_READER, "ID|REF...|-",
	  "Show orders, every field (in a table, and the lines)", NULL },
	{ "list", crm_verb_list, OUT | CRM_O_SELECT, CRM_DB_READER, NULL,
	  "List orders", NULL },
	{ "lines", cmd_lines, CRM_O_FORMAT, CRM_DB_READER, "ID|REF...|-",
	  "List the lines of orders", NULL },
	{ "status", cmd_status, 0, CRM_DB_WRITER, "ID|REF STATUS",
	  "Move an order: pending, paid, shipped, delivered, cancelled",
	  NULL },
	{ "cancel", cmd_cancel, 0, CRM_DB_WRITER, "ID|REF...|-",
	  "Cancel pending or paid orders and return their stock", NULL },
	{ NULL, NULL, 0, CRM_DB_NONE, NULL, NULL, NULL }
};

static const struct crm_command command = {
	"crm-order", "order", "Take orders and follow them to delivery", verbs
};

int
main(int argc, char **argv)
{
	return crm_main(argc, argv, &command);
}
