/* crm-ticket - service requests, their status and rating. */
#include "verbs.h"

/* status and rate: an update of one field of one ticket. */
static int
set_one(struct crm_ctx *ctx, const char *field, const char *what)
{
	if (ctx->argc != 2)
		return crm_usage_error(ctx, "%s needs TICKET and %s",
			ctx->verb->name, what);
	crm_assigns_add(&ctx->assigns, crm_fieldset_find(&ctx->fs, field),
		ctx->argv[1]);
	ctx->argc = 1;
	return crm_verb_update(ctx);
}

static int
cmd_status(struct crm_ctx *ctx)
{
	return set_one(ctx, "status", "STATUS");
}

static int
cmd_rate(struct crm_ctx *ctx)
{
	return set_one(ctx, "rating", "a rating from 1 to 5");
}

#define OUT CRM_O_OUTPUT

static const struct crm_verb verbs[] = {
	{ "add", crm_verb_add, CRM_O_FIELDS, CRM_DB_WRITER, NULL,
	  "Add a ticket and print its id", NULL },
	{ "show", crm_verb_show, OUT, CRM_DB_READER, "ID|REF...|-",
	  "Show tickets, every field", NULL },
	{ "list", crm_verb_list, OUT | CRM_O_SELECT, CRM_DB_READER, NULL,
	  "List tickets", NULL },
	{ "update", crm_verb_update, CRM_O_FIELDS, CRM_DB_WRITER,
	  "ID|REF...|-", "Change fields of tickets", NULL },
	{ "status", cmd_status, 0, CRM_DB_WRITER, "ID|REF STATUS",
	  "Move a ticket: open, pending, resolved, closed", NULL },
	{ "rate", cmd_rate, 0, CRM_DB_WRITER, "ID|REF 1..5",
	  "Record the customer's rating of a resolved or closed ticket",
	  NULL },
	{ "delete", crm_verb_delete, 0, CRM_DB_WRITER, "ID|REF...|-",
	  "Delete tickets", crm_delete_opts },
	{ NULL, NULL, 0, CRM_DB_NONE, NULL, NULL, NULL }
};

static const struct crm_command command = {
	"crm-ticket", "ticket", "Keep service requests until they are resolved",
	verbs
};

int
main(int argc, char **argv)
{
	return crm_main(argc, argv, &command);
}
