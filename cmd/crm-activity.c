/* crm-activity - calls, emails, meetings, notes and tasks. */
#include <stdlib.h>
#include <string.h>

#include "value.h"
#include "verbs.h"

/* list --due DATE: the open tasks due by the end of that day (local
 * time, as a date typed elsewhere is read), earliest first. */
static int
cmd_list(struct crm_ctx *ctx)
{
	const char *due = crm_opt(ctx, "due");
	struct crm_buf day = CRM_BUF_INIT, until = CRM_BUF_INIT,
		cond = CRM_BUF_INIT;
	int64_t y, days;
	unsigned m, d;
	int code = CRM_EX_OK;

	if (!due)
		return crm_verb_list(ctx);
	if (crm_parse_date(due, &day, &ctx->err) < 0) {
		if (ctx->err.code != CRM_EX_DATAERR) {	/* a bad CRM_TODAY */
			code = crm_fail(ctx);
			goto out;
		}
		code = crm_usage_error(ctx, "--due: %s", ctx->err.msg.buf);
		crm_err_clear(&ctx->err);
		goto out;
	}
	/* The day after, at midnight. */
	days = crm_days_from_civil(strtoll(day.buf, NULL, 10),
		(unsigned)strtoul(day.buf + 5, NULL, 10),
		(unsigned)strtoul(day.buf + 8, NULL, 10)) + 1;
	crm_civil_from_days(days, &y, &m, &d);
	crm_buf_reset(&day);
	crm_buf_addf(&day, "%04lld-%02u-%02u", (long long)y, m, d);
	if (crm_parse_time(day.buf, &until, &ctx->err) < 0) {
		code = crm_fail(ctx);
		goto out;
	}
	crm_buf_addf(&cond, "due_at<%s", until.buf);
	if (crm_query_where(&ctx->query, &ctx->db, "kind=task",
	    &ctx->err) < 0 ||
	    crm_query_where(&ctx->query, &ctx->db, "done=no", &ctx->err) < 0 ||
	    crm_query_where(&ctx->query, &ctx->db, cond.buf, &ctx->err) < 0 ||
	    (!ctx->query.nsort && crm_query_sort(&ctx->query, "due_at",
	    &ctx->err) < 0)) {
		code = crm_fail(ctx);
		goto out;
	}
	code = crm_verb_list(ctx);
out:
	crm_buf_release(&day);
	crm_buf_release(&until);
	crm_buf_release(&cond);
	return code;
}

static int
cmd_done(struct crm_ctx *ctx)
{
	crm_assigns_add(&ctx->assigns, crm_fieldset_find(&ctx->fs, "done"),
		"yes");
	return crm_verb_update(ctx);
}

static const struct crm_optdef list_opts[] = {
	{ .name = "due", .arg = "DATE", .values = "today tomorrow",
	  .help = "only open tasks due by the end of DATE, earliest first" },
	{ 0 }
};

#define OUT CRM_O_OUTPUT

static const struct crm_verb verbs[] = {
	{ "add", crm_verb_add, CRM_O_FIELDS, CRM_DB_WRITER, NULL,
	  "Add an activity and print its id", NULL },
	{ "show", crm_verb_show, OUT, CRM_DB_READER, "ID|REF...|-",
	  "Show activities, every field", NULL },
	{ "list", cmd_list, OUT | CRM_O_SELECT, CRM_DB_READER, NULL,
	  "List activities, or the open tasks due by a day", list_opts },
	{ "update", crm_verb_update, CRM_O_FIELDS, CRM_DB_WRITER,
	  "ID|REF...|-", "Change fields of activities", NULL },
	{ "done", cmd_done, 0, CRM_DB_WRITER, "ID|REF...|-",
	  "Mark tasks done", NULL },
	{ "delete", crm_verb_delete, 0, CRM_DB_WRITER, "ID|REF...|-",
	  "Delete activities", crm_delete_opts },
	{ NULL, NULL, 0, CRM_DB_NONE, NULL, NULL, NULL }
};

static const struct crm_command command = {
	"crm-activity", "activity",
	"Log calls, emails, meetings and notes; keep tasks", verbs
};

int
main(int argc, char **argv)
{
	return crm_main(argc, argv, &command);
}
