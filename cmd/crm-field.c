/* crm-field - custom fields: add, list and drop them. */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "custom.h"

/* The entity an operand names ("customer" or "customers"); NULL after a
 * usage error listing those that take custom fields. */
static const struct crm_entity *
entity_arg(struct crm_ctx *ctx, const char *name)
{
	const struct crm_entity *e = crm_entity_find(name);
	struct crm_buf names = CRM_BUF_INIT;
	size_t i;

	/* Order lines and campaign members (names with a space) are parts
	 * of an order and of a campaign: no fields of their own to add. */
	if (e && !strchr(e->name, ' '))
		return e;
	for (i = 0; crm_entities[i]; i++)
		if (!strchr(crm_entities[i]->name, ' '))
			crm_buf_addf(&names, "%s%s", names.len ? ", " : "",
				crm_entities[i]->name);
	crm_usage_error(ctx, "unknown entity '%s'; entities: %s", name,
		names.buf);
	crm_buf_release(&names);
	return NULL;
}

static int
cmd_add(struct crm_ctx *ctx)
{
	const struct crm_entity *e;
	const char *list = crm_opt(ctx, "values");
	char **values = NULL;
	int64_t added;
	size_t n;
	int ret;

	if (ctx->argc != 2)
		return crm_usage_error(ctx, "give ENTITY and NAME");
	if (!(e = entity_arg(ctx, ctx->argv[0])))
		return CRM_EX_USAGE;
	if (list && crm_custom_values(list, &values, &n, &ctx->err) < 0)
		return crm_fail(ctx);
	ret = crm_db_begin(&ctx->db, &ctx->err);
	if (ret == 0)
		ret = crm_custom_add(&ctx->db, e, ctx->argv[1],
			crm_opt(ctx, "type"), values,
			crm_opt(ctx, "index") != NULL, &added, &ctx->err);
	if (ret == 0)
		ret = crm_db_commit(&ctx->db, &ctx->err);
	crm_custom_values_free(values);
	if (ret < 0) {
		crm_db_rollback(&ctx->db);
		return crm_fail(ctx);
	}
	if (crm_verbosity > 0) {
		if (added < 0)
			crm_note("%s field '%s' added", e->name, ctx->argv[1]);
		else if (!values)
			crm_note("%s field '%s' indexed", e->name,
				ctx->argv[1]);
		else
			crm_note("%s field '%s': %lld %s added", e->name,
				ctx->argv[1], (long long)added,
				added == 1 ? "value" : "values");
	}
	return CRM_EX_OK;
}

static int
cmd_list(struct crm_ctx *ctx)
{
	static const char *const cols[] = {
		"entity", "name", "type", "values", "indexed"
	};
	const struct crm_entity *e = NULL;
	struct crm_out out;
	int64_t n;

	if (ctx->argc > 1)
		return crm_usage_error(ctx, "unexpected argument '%s'",
			ctx->argv[1]);
	if (ctx->argc && !(e = entity_arg(ctx, ctx->argv[0])))
		return CRM_EX_USAGE;
	crm_out_begin(&out, stdout, ctx->fmt, ctx->header, cols, 5);
	n = crm_custom_list(&ctx->db, e, &out, &ctx->err);
	crm_out_end(&out);
	return n < 0 ? crm_fail(ctx) : CRM_EX_OK;
}

static int
cmd_drop(struct crm_ctx *ctx)
{
	const struct crm_entity *e;
	int64_t had;
	int ret;

	if (ctx->argc != 2)
		return crm_usage_error(ctx, "give ENTITY and NAME");
	if (!(e = entity_arg(ctx, ctx->argv[0])))
		return CRM_EX_USAGE;
	ret = crm_db_begin(&ctx->db, &ctx->err);
	if (ret == 0)
		ret = crm_custom_drop(&ctx->db, e, ctx->argv[1],
			crm_opt(ctx, "force") != NULL, &had, &ctx->err);
	if (ret == 0)
		ret = crm_db_commit(&ctx->db, &ctx->err);
	if (ret < 0) {
		crm_db_rollback(&ctx->db);
		return crm_fail(ctx);
	}
	if (had)
		crm_note("%s field '%s' dropped with its values in %lld %s",
			e->name, ctx->argv[1], (long long)had,
			had == 1 ? e->name : e->plural);
	else if (crm_verbosity > 0)
		crm_note("%s field '%s' dropped", e->name, ctx->argv[1]);
	return CRM_EX_OK;
}

static const struct crm_optdef add_opts[] = {
	{ .name = "type", .arg = "TYPE",
	  .help = "text, int, decimal, money, date, bool or enum",
	  .values = "text int decimal money date bool enum" },
	{ .name = "values", .arg = "LIST",
	  .help = "an enum's values, comma-separated; on an enum field "
		"that exists, values to add to it" },
	{ .name = "index", .help = "index the field, for fast --where "
	  "(enum fields always are)" },
	{ 0 }
};

static const struct crm_optdef drop_opts[] = {
	{ .name = "force", .help = "drop it even though records hold "
	  "values, and those values with it" },
	{ 0 }
};

static const struct crm_verb verbs[] = {
	{ "add", cmd_add, 0, CRM_DB_WRITER, "ENTITY NAME",
	  "Add a custom field to an entity, or values to an enum field",
	  add_opts },
	{ "list", cmd_list, CRM_O_FORMAT, CRM_DB_READER, "[ENTITY]",
	  "List the custom fields", NULL },
	{ "drop", cmd_drop, 0, CRM_DB_WRITER, "ENTITY NAME",
	  "Drop a custom field", drop_opts },
	{ NULL, NULL, 0, CRM_DB_NONE, NULL, NULL, NULL }
};

static const struct crm_command command = {
	"crm-field", NULL, "Add fields of your own to customers, products "
	"and every other entity", verbs
};

int
main(int argc, char **argv)
{
	return crm_main(argc, argv, &command);
}
