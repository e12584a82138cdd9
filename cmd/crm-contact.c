/* crm-contact - the people at a customer. */
#include "verbs.h"

static const struct crm_verb verbs[] = {
	{ "add", crm_verb_add, CRM_O_FIELDS, CRM_DB_WRITER, NULL,
	  "Add a contact and print its id", NULL },
	{ "show", crm_verb_show, CRM_O_OUTPUT, CRM_DB_READER, "ID...|-",
	  "Show contacts, every field", NULL },
	{ "list", crm_verb_list, CRM_O_OUTPUT | CRM_O_SELECT, CRM_DB_READER,
	  NULL, "List contacts", NULL },
	{ "update", crm_verb_update, CRM_O_FIELDS, CRM_DB_WRITER, "ID...|-",
	  "Change fields of contacts", NULL },
	{ "delete", crm_verb_delete, 0, CRM_DB_WRITER, "ID...|-",
	  "Delete contacts", crm_delete_opts },
	{ NULL, NULL, 0, CRM_DB_NONE, NULL, NULL, NULL }
};

static const struct crm_command command = {
	"crm-contact", "contact", "Keep the people at each customer", verbs
};

int
main(int argc, char **argv)
{
	return crm_main(argc, argv, &command);
}
