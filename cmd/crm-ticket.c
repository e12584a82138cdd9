/* crm-ticket - service requests, their status and rating. */
#include "verbs.h"

static int
cmd_status(struct crm_ctx *ctx)
{
	return crm_verb_set_one(ctx, "status", "TICKET and STATUS");
}

static int
cmd_rate(struct crm_ctx *ctx)
{
	return crm_verb_set_one(ctx, "rating",
		"TICKET and a rating from 1 to 5");
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
