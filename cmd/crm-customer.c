/* crm-customer - customers: people and companies. */
#include <stdio.h>
#include <string.h>

#include "dupes.h"
#include "history.h"
#include "search.h"
#include "verbs.h"

static int
cmd_search(struct crm_ctx *ctx)
{
	struct crm_buf text = CRM_BUF_INIT;
	int64_t rows;
	int i, code = CRM_EX_OK;

	if (!ctx->argc)
		return crm_usage_error(ctx, "nothing to search for");
	for (i = 0; i < ctx->argc; i++)
		crm_buf_addf(&text, "%s%s", i ? " " : "", ctx->argv[i]);
	if (crm_search_text_ok(text.buf, &ctx->err) < 0 ||
	    crm_search_fresh(&ctx->db, &ctx->err) < 0) {
		code = crm_fail(ctx);
		goto out;
	}
	ctx->query.match = text.buf;
	rows = crm_list_records(ctx, &ctx->query, 0);
	if (rows < 0 && ctx->err.code)
		code = crm_fail(ctx);
	else if (rows == 0)
		code = CRM_EX_NOTFOUND;
out:
	crm_buf_release(&text);
	return code;
}

struct dupes_out {
	struct crm_out out;
	struct crm_db *db;
	struct crm_buf name;
	struct crm_err err;	/* a name that cannot be read */
};

static void
name_cell(struct dupes_out *d, int64_t id)
{
	crm_buf_reset(&d->name);
	crm_get_text(d->db, "cannot read a name", &d->err, &d->name,
		"SELECT name FROM customers WHERE id = ?1", "i", id);
	crm_out_cell(&d->out, CRM_CELL_TEXT, d->name.buf ? d->name.buf : "",
		d->name.len);
}

static int
dupe_row(int64_t id, int64_t other, const char *reasons, void *arg)
{
	struct dupes_out *d = arg;
	char num[24];

	snprintf(num, sizeof(num), "%lld", (long long)id);
	crm_out_cell(&d->out, CRM_CELL_NUM, num, strlen(num));
	snprintf(num, sizeof(num), "%lld", (long long)other);
	crm_out_cell(&d->out, CRM_CELL_NUM, num, strlen(num));
	crm_out_cell(&d->out, CRM_CELL_TEXT, reasons, strlen(reasons));
	name_cell(d, id);
	name_cell(d, other);
	crm_out_row(&d->out);
	return d->out.failed;
}

static int
cmd_dupes(struct crm_ctx *ctx)
{
	static const char *const cols[] = {
		"id", "other", "reason", "name", "other_name"
	};
	struct dupes_out d;
	int ret;

	if (ctx->argc)
		return crm_usage_error(ctx, "unexpected argument '%s'",
			ctx->argv[0]);
	d.db = &ctx->db;
	crm_buf_init(&d.name);
	d.err = (struct crm_err)CRM_ERR_INIT;
	crm_out_begin(&d.out, stdout, ctx->fmt, ctx->header, cols, 5);
	ret = crm_dupes(&ctx->db, dupe_row, &d, &ctx->err);
	crm_out_end(&d.out);
	crm_buf_release(&d.name);
	if (ret == 0 && d.err.code) {
		crm_err_set(&ctx->err, d.err.code, "%s", d.err.msg.buf);
		ret = -1;
	}
	crm_err_release(&d.err);
	return ret < 0 ? crm_fail(ctx) : CRM_EX_OK;
}

struct merge {
	int64_t keep;
	struct crm_buf notes;	/* said once the merge has committed */
};

static int
merge_one(struct crm_ctx *ctx, const char *key, void *arg)
{
	struct crm_buf moved = CRM_BUF_INIT;
	struct merge *m = arg;
	int64_t other;
	int ret;

	if (crm_record_find(&ctx->db, ctx->entity, key, &other,
	    &ctx->err) < 0)
		return -1;
	ret = crm_record_merge(&ctx->db, &ctx->fs, m->keep, other, &moved,
		&ctx->err);
	if (ret == 0)
		crm_buf_addf(&m->notes, "customer %lld merged into %lld%s%s\n",
			(long long)other, (long long)m->keep,
			moved.len ? ", moved " : "", moved.buf);
	crm_buf_release(&moved);
	return ret;
}

static int
cmd_merge(struct crm_ctx *ctx)
{
	struct merge m = { 0, CRM_BUF_INIT };
	int code;

	if (ctx->argc < 2)
		return crm_usage_error(ctx, "merge needs KEEP and at least "
			"one OTHER");
	if (crm_db_begin(&ctx->db, &ctx->err) < 0)
		return crm_fail(ctx);
	if (crm_record_find(&ctx->db, ctx->entity, ctx->argv[0], &m.keep,
	    &ctx->err) < 0) {
		crm_db_rollback(&ctx->db);
		return crm_fail(ctx);
	}
	ctx->argc--;
	ctx->argv++;
	code = crm_each_id(ctx, merge_one, &m);
	if (code)
		crm_db_rollback(&ctx->db);
	else if (crm_db_commit(&ctx->db, &ctx->err) < 0)
		code = crm_fail(ctx);
	else
		crm_notes(&m.notes);
	crm_buf_release(&m.notes);
	return code;
}

/* The output begins once a customer is found: one that is not writes
 * nothing on stdout, as show does. */
struct timeline {
	struct crm_out out;
	int begun;
};

static int
timeline_one(struct crm_ctx *ctx, const char *key, void *arg)
{
	struct timeline *t = arg;
	int64_t id;

	if (crm_record_find(&ctx->db, ctx->entity, key, &id, &ctx->err) < 0)
		return -1;
	if (!t->begun) {
		crm_out_begin(&t->out, stdout, ctx->fmt, ctx->header,
			crm_history_cols, CRM_HISTORY_NCOLS);
		t->begun = 1;
	}
	return crm_customer_history(&ctx->db, id, &t->out, &ctx->err) < 0 ?
		-1 : 0;
}

static int
cmd_timeline(struct crm_ctx *ctx)
{
	struct timeline t = { .begun = 0 };
	int code;

	if (ctx->argc != 1)
		return crm_usage_error(ctx, "timeline needs one CUSTOMER");
	code = crm_each_id(ctx, timeline_one, &t);
	if (t.begun)
		crm_out_end(&t.out);
	return code;
}

#define OUT CRM_O_OUTPUT
#define SEL CRM_O_SELECT

static const struct crm_verb verbs[] = {
	{ "add", crm_verb_add, CRM_O_FIELDS, CRM_DB_WRITER, NULL,
	  "Add a customer and print its id", NULL },
	{ "show", crm_verb_show, OUT, CRM_DB_READER, "ID|EMAIL|REF...|-",
	  "Show customers, every field", NULL },
	{ "list", crm_verb_list, OUT | SEL, CRM_DB_READER, NULL,
	  "List customers", NULL },
	{ "update", crm_verb_update, CRM_O_FIELDS, CRM_DB_WRITER,
	  "ID|EMAIL|REF...|-", "Change fields of customers", NULL },
	{ "delete", crm_verb_delete, 0, CRM_DB_WRITER, "ID|EMAIL|REF...|-",
	  "Delete customers", crm_delete_opts },
	{ "search", cmd_search, OUT | SEL, CRM_DB_READER, "TEXT...",
	  "Find customers whose name, email, phone or city holds TEXT",
	  NULL },
	{ "dupes", cmd_dupes, CRM_O_FORMAT, CRM_DB_READER, NULL,
	  "List pairs of probable duplicates with the reason", NULL },
	{ "merge", cmd_merge, 0, CRM_DB_WRITER, "KEEP OTHER...|-",
	  "Merge customers into KEEP: what refers to them moves to KEEP",
	  NULL },
	{ "timeline", cmd_timeline, CRM_O_FORMAT, CRM_DB_READER,
	  "ID|EMAIL|REF",
	  "A customer's orders, deals, tickets, activities and campaigns "
	  "in time order", NULL },
	{ NULL, NULL, 0, CRM_DB_NONE, NULL, NULL, NULL }
};

static const struct crm_command command = {
	"crm-customer", "customer", "Keep customers, people and companies",
	verbs
};

int
main(int argc, char **argv)
{
	return crm_main(argc, argv, &command);
}
