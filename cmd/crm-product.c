/* crm-product - the catalog and its stock. */
#include <stdio.h>

#include "order.h"
#include "verbs.h"

static int
cmd_stock(struct crm_ctx *ctx)
{
	int64_t id, n, stock;
	int op;

	if (ctx->argc != 2)
		return crm_usage_error(ctx, "stock needs PRODUCT and one of "
			"+N, -N or =N");
	if (crm_stock_parse(ctx->argv[1], &op, &n, &ctx->err) < 0)
		return crm_usage_error(ctx, "%s", ctx->err.msg.buf);
	if (crm_db_begin(&ctx->db, &ctx->err) < 0 ||
	    crm_record_find(&ctx->db, ctx->entity, ctx->argv[0], &id,
	    &ctx->err) < 0 ||
	    crm_stock_adjust(&ctx->db, id, op, n, &stock, &ctx->err) < 0 ||
	    crm_db_commit(&ctx->db, &ctx->err) < 0) {
		crm_db_rollback(&ctx->db);
		return crm_fail(ctx);
	}
	printf("%lld\n", (long long)stock);
	return CRM_EX_OK;
}

static const struct crm_verb verbs[] = {
	{ "add", crm_verb_add, CRM_O_FIELDS, CRM_DB_WRITER, NULL,
	  "Add a product and print its id", NULL },
	{ "show", crm_verb_show, CRM_O_OUTPUT, CRM_DB_READER, "ID|SKU...|-",
	  "Show products, every field", NULL },
	{ "list", crm_verb_list, CRM_O_OUTPUT | CRM_O_SELECT, CRM_DB_READER,
	  NULL, "List products", NULL },
	{ "update", crm_verb_update, CRM_O_FIELDS, CRM_DB_WRITER,
	  "ID|SKU...|-", "Change fields of products", NULL },
	{ "delete", crm_verb_delete, 0, CRM_DB_WRITER, "ID|SKU...|-",
	  "Delete products that no order refers to", crm_delete_opts },
	{ "stock", cmd_stock, 0, CRM_DB_WRITER, "ID|SKU +N|-N|=N",
	  "Add, take or set stock, never below zero; print the new level",
	  NULL },
	{ NULL, NULL, 0, CRM_DB_NONE, NULL, NULL, NULL }
};

static const struct crm_command command = {
	"crm-product", "product", "Keep the catalog and its stock", verbs
};

int
main(int argc, char **argv)
{
	return crm_main(argc, argv, &command);
}
