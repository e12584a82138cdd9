/* crm-campaign - marketing campaigns and their members. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "verbs.h"

/* What every member sub-verb works with: the members' fields and the
 * campaign's id as text, ready to assign. */
struct members {
	struct crm_fieldset fs;
	char campaign[24];
	int64_t campaign_id;
	const char *status, *responded_at;
	struct crm_buf notes;
};

/* The member record of the campaign and customer key; 1, or 0 with err
 * set (not a member: CRM_EX_NOTFOUND), or -1. */
static int
find_member(struct crm_ctx *ctx, struct members *m, const char *key,
	int64_t *id)
{
	static const char sql[] =
		"SELECT id FROM campaign_members\n"
		"WHERE campaign = ?1 AND customer = ?2";
	const struct crm_entity *ce = crm_entity_find("customer");
	int64_t customer;
	int r;

	if (crm_record_find(&ctx->db, ce, key, &customer, &ctx->err) < 0)
		return -1;
	r = crm_get_int(&ctx->db, "cannot find member", &ctx->err, id, sql,
		"ii", m->campaign_id, customer);
	if (r != 0)
		return r;
	return crm_err_set(&ctx->err, CRM_EX_NOTFOUND, "customer %lld is "
		"not a member of campaign %lld", (long long)customer,
		(long long)m->campaign_id);
}

static void
member_assigns(struct members *m, struct crm_assigns *as)
{
	if (m->status)
		crm_assigns_add(as, crm_fieldset_find(&m->fs, "status"),
			m->status);
	if (m->responded_at)
		crm_assigns_add(as, crm_fieldset_find(&m->fs, "responded_at"),
			m->responded_at);
}

static int
member_add(struct crm_ctx *ctx, const char *key, void *arg)
{
	struct crm_assigns as = CRM_ASSIGNS_INIT;
	struct members *m = arg;
	int64_t id;
	int ret;

	crm_assigns_add(&as, crm_fieldset_find(&m->fs, "campaign"),
		m->campaign);
	crm_assigns_add(&as, crm_fieldset_find(&m->fs, "customer"), key);
	member_assigns(m, &as);
	ret = crm_record_insert(&ctx->db, &m->fs, &as, &id, &ctx->err);
	crm_assigns_release(&as);
	return ret;
}

static int
member_update(struct crm_ctx *ctx, const char *key, void *arg)
{
	struct crm_assigns as = CRM_ASSIGNS_INIT;
	struct members *m = arg;
	int64_t id;
	int changed, ret;

	if (find_member(ctx, m, key, &id) < 0)
		return -1;
	member_assigns(m, &as);
	ret = crm_record_update(&ctx->db, &m->fs, id, &as, &changed,
		&ctx->err);
	crm_assigns_release(&as);
	return ret;
}

static int
member_remove(struct crm_ctx *ctx, const char *key, void *arg)
{
	struct members *m = arg;
	int64_t id;

	if (find_member(ctx, m, key, &id) < 0)
		return -1;
	return crm_record_delete(&ctx->db, m->fs.entity, id, 0, NULL,
		&ctx->err);
}

static int
member_list(struct crm_ctx *ctx, struct members *m)
{
	const struct crm_field **fields = NULL;
	struct crm_query q;
	struct crm_buf cond = CRM_BUF_INIT;
	struct crm_out out;
	size_t n;
	int code = CRM_EX_OK;

	crm_query_init(&q, &m->fs);
	crm_buf_addf(&cond, "campaign=%s", m->campaign);
	if (crm_query_where(&q, &ctx->db, cond.buf, &ctx->err) < 0 ||
	    crm_query_sort(&q, "customer", &ctx->err) < 0 ||
	    crm_fields_parse(&m->fs, "customer,name,email,status,"
	    "responded_at", &fields, &n, &ctx->err) < 0) {
		code = crm_fail(ctx);
		goto out;
	}
	crm_out_fields(ctx, &out, fields, n);
	if (crm_query_run(&ctx->db, &q, fields, n, &out, &ctx->err) < 0 &&
	    ctx->err.code)
		code = crm_fail(ctx);
	crm_out_end(&out);
out:
	free(fields);
	crm_query_release(&q);
	crm_buf_release(&cond);
	return code;
}

static int
cmd_member(struct crm_ctx *ctx)
{
	static const char *const subs[] = { "add", "update", "list",
		"remove", NULL };
	int (*fn)(struct crm_ctx *, const char *, void *) = NULL;
	struct members m;
	const char *sub;
	int code, i;

	if (ctx->argc < 2)
		return crm_usage_error(ctx, "member needs add, update, list "
			"or remove, and a CAMPAIGN");
	sub = ctx->argv[0];
	for (i = 0; subs[i] && strcmp(subs[i], sub); i++)
		;
	if (!subs[i])
		return crm_usage_error(ctx, "unknown member verb '%s': "
			"expected add, update, list or remove", sub);
	if (i == 2 && ctx->argc != 2)
		return crm_usage_error(ctx, "member list takes one CAMPAIGN");
	if (i != 2 && ctx->argc < 3)
		return crm_usage_error(ctx, "member %s needs CAMPAIGN and "
			"CUSTOMER", sub);
	if (i == 1 && !crm_opt(ctx, "status") && !crm_opt(ctx,
	    "responded-at"))
		return crm_usage_error(ctx, "nothing to update: give --status "
			"or --responded-at");
	if ((i == 2 || i == 3) && (crm_opt(ctx, "status") ||
	    crm_opt(ctx, "responded-at")))
		return crm_usage_error(ctx, "member %s takes no --status or "
			"--responded-at", sub);
	memset(&m, 0, sizeof(m));
	m.status = crm_opt(ctx, "status");
	m.responded_at = crm_opt(ctx, "responded-at");
	if (crm_record_find(&ctx->db, ctx->entity, ctx->argv[1],
	    &m.campaign_id, &ctx->err) < 0)
		return crm_fail(ctx);
	snprintf(m.campaign, sizeof(m.campaign), "%lld",
		(long long)m.campaign_id);
	crm_fieldset_builtin(&m.fs, crm_entity_find("campaign member"));
	if (i == 2) {
		code = member_list(ctx, &m);
		crm_fieldset_release(&m.fs);
		return code;
	}
	fn = i == 0 ? member_add : i == 1 ? member_update : member_remove;
	ctx->argc -= 2;
	ctx->argv += 2;
	ctx->id_header = "customer";	/* member list piped in */
	if (crm_db_begin(&ctx->db, &ctx->err) < 0) {
		code = crm_fail(ctx);
	} else {
		code = crm_each_id(ctx, fn, &m);
		if (code)
			crm_db_rollback(&ctx->db);
		else if (crm_db_commit(&ctx->db, &ctx->err) < 0)
			code = crm_fail(ctx);
	}
	crm_fieldset_release(&m.fs);
	return code;
}

static const struct crm_optdef member_opts[] = {
	{ .name = "responded-at", .arg = "TIME",
	  .help = "when the customer responded (add, update)" },
	{ .name = "status", .arg = "STATUS",
	  .values = "targeted sent responded converted",
	  .help = "targeted, sent, responded or converted (add, update)" },
	{ 0 }
};

#define OUT CRM_O_OUTPUT

static const struct crm_verb verbs[] = {
	{ "add", crm_verb_add, CRM_O_FIELDS, CRM_DB_WRITER, NULL,
	  "Add a campaign and print its id", NULL },
	{ "show", crm_verb_show, OUT, CRM_DB_READER, "ID|NAME...|-",
	  "Show campaigns, every field", NULL },
	{ "list", crm_verb_list, OUT | CRM_O_SELECT, CRM_DB_READER, NULL,
	  "List campaigns", NULL },
	{ "update", crm_verb_update, CRM_O_FIELDS, CRM_DB_WRITER,
	  "ID|NAME...|-", "Change fields of campaigns", NULL },
	{ "delete", crm_verb_delete, 0, CRM_DB_WRITER, "ID|NAME...|-",
	  "Delete campaigns that no order is credited to", crm_delete_opts },
	{ "member", cmd_member, CRM_O_FORMAT, CRM_DB_WRITER,
	  "add|update|list|remove CAMPAIGN [CUSTOMER...|-]",
	  "Add, change, list or remove the customers a campaign reaches",
	  member_opts },
	{ NULL, NULL, 0, CRM_DB_NONE, NULL, NULL, NULL }
};

static const struct crm_command command = {
	"crm-campaign", "campaign",
	"Run marketing campaigns and follow their members", verbs
};

int
main(int argc, char **argv)
{
	return crm_main(argc, argv, &command);
}
