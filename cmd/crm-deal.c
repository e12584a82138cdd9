/* crm-deal - sales opportunities and their stages. */
#include "verbs.h"

static int
cmd_stage(struct crm_ctx *ctx)
{
	return crm_verb_set_one(ctx, "stage", "DEAL and STAGE");
}

#define OUT CRM_O_OUTPUT

static const struct crm_verb verbs[] = {
	{ "add", crm_verb_add, CRM_O_FIELDS, CRM_DB_WRITER, NULL,
	  "Add a deal and print its id", NULL },
	{ "show", crm_verb_show, OUT, CRM_DB_READER, "ID|REF...|-",
	  "Show deals, every field", NULL },
	{ "list", crm_verb_list, OUT | CRM_O_SELECT, CRM_DB_READER, NULL,
	  "List deals", NULL },
	{ "update", crm_verb_update, CRM_O_FIELDS, CRM_DB_WRITER,
	  "ID|REF...|-", "Change fields of deals", NULL },
	{ "stage", cmd_stage, 0, CRM_DB_WRITER, "ID|REF STAGE",
	  "Move a deal to a stage; its probability follows unless set by "
	  "hand", NULL },
	{ "delete", crm_verb_delete, 0, CRM_DB_WRITER, "ID|REF...|-",
	  "Delete deals", crm_delete_opts },
	{ NULL, NULL, 0, CRM_DB_NONE, NULL, NULL, NULL }
};

static const struct crm_command command = {
	"crm-deal", "deal", "Follow sales opportunities from lead to won or lost",
	verbs
};

int
main(int argc, char **argv)
{
	return crm_main(argc, argv, &command);
}
