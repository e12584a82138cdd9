#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "value.h"
#include "verbs.h"
#include "banned.h"

const struct crm_optdef crm_delete_opts[] = {
	{ .name = "cascade",
	  .help = "also delete the records that refer to it" },
	{ 0 }
};

int
crm_verb_add(struct crm_ctx *ctx)
{
	int64_t id;

	if (ctx->argc)
		return crm_usage_error(ctx, "unexpected argument '%s'",
			ctx->argv[0]);
	if (crm_db_begin(&ctx->db, &ctx->err) < 0 ||
	    crm_record_insert(&ctx->db, &ctx->fs, &ctx->assigns, &id,
	    &ctx->err) < 0 || crm_db_commit(&ctx->db, &ctx->err) < 0) {
		crm_db_rollback(&ctx->db);
		return crm_fail(ctx);
	}
	printf("%lld\n", (long long)id);
	return CRM_EX_OK;
}

int64_t
crm_list_records(struct crm_ctx *ctx, const struct crm_query *q, int show)
{
	const struct crm_field **fields = NULL;
	struct crm_out out;
	size_t n;
	int64_t rows;

	if (crm_fields_parse(&ctx->fs, ctx->fields ? ctx->fields :
	    show ? "all" : NULL, &fields, &n, &ctx->err) < 0)
		return -1;
	crm_out_fields(ctx, &out, fields, n);
	out.vertical = show;
	rows = crm_query_run(&ctx->db, q, fields, n, &out, &ctx->err);
	if (crm_out_end(&out) < 0 && rows >= 0)
		rows = -1;	/* stdout is checked again at exit */
	free(fields);
	return rows;
}

int
crm_verb_list(struct crm_ctx *ctx)
{
	if (ctx->argc)
		return crm_usage_error(ctx, "unexpected argument '%s'",
			ctx->argv[0]);
	if (crm_list_records(ctx, &ctx->query, 0) < 0 && ctx->err.code)
		return crm_fail(ctx);
	return CRM_EX_OK;
}

/* show: collect the ids first, so that a bad one does not cut the output
 * in two and every record is written by one writer. */
struct idlist {
	int64_t *ids;
	size_t n, alloc;
};

static int
collect(struct crm_ctx *ctx, const char *key, void *arg)
{
	struct idlist *l = arg;
	int64_t id;

	if (crm_record_find(&ctx->db, ctx->entity, key, &id, &ctx->err) < 0)
		return -1;
	if (l->n == l->alloc) {
		l->alloc = l->alloc ? l->alloc * 2 : 16;
		l->ids = crm_xrealloc(l->ids, l->alloc * sizeof(*l->ids));
	}
	l->ids[l->n++] = id;
	return 0;
}

/* The part of a record show adds in JSON, for the end_row hook. */
struct part {
	struct crm_ctx *ctx;
	int (*fn)(struct crm_db *db, int64_t id, struct crm_buf *json,
		struct crm_err *err);
	int64_t id;		/* the record being written */
	int failed;
};

static void
add_part(struct crm_out *out, void *arg)
{
	struct part *p = arg;
	struct crm_buf b = CRM_BUF_INIT;

	if (!p->failed && p->fn(&p->ctx->db, p->id, &b, &p->ctx->err) < 0)
		p->failed = 1;
	if (p->failed)
		crm_out_cell(out, CRM_CELL_NULL, NULL, 0);
	else
		crm_out_cell(out, CRM_CELL_JSON, b.buf, b.len);
	crm_buf_release(&b);
}

int
crm_verb_show_parts(struct crm_ctx *ctx, const char *name,
	int (*fn)(struct crm_db *db, int64_t id, struct crm_buf *json,
	struct crm_err *err))
{
	const struct crm_field **fields = NULL;
	struct idlist l = { NULL, 0, 0 };
	struct crm_query q = ctx->query;
	struct part part = { ctx, fn, 0, 0 };
	struct crm_out out;
	const char **names;
	size_t i, n;
	int code, parts;

	code = crm_each_id(ctx, collect, &l);
	if (!l.n) {
		free(l.ids);
		return code;
	}
	if (crm_fields_parse(&ctx->fs, ctx->fields ? ctx->fields : "all",
	    &fields, &n, &ctx->err) < 0) {
		free(l.ids);
		return crm_fail(ctx);
	}
	/* In JSON a record holds its parts, after its fields (unless -o
	 * names the columns). */
	parts = name && fn && ctx->fmt == CRM_FMT_JSON && !ctx->fields;
	names = crm_xcalloc(n + 1, sizeof(*names));
	for (i = 0; i < n; i++)
		names[i] = fields[i]->name;
	if (parts)
		names[n] = name;
	crm_out_begin(&out, stdout, ctx->fmt, ctx->header, names,
		n + (size_t)parts);
	free(names);
	out.vertical = 1;
	if (parts) {
		out.end_row = add_part;
		out.end_row_arg = &part;
	}
	q.nconds = 0;
	q.nsort = 0;
	q.limit = -1;
	q.offset = 0;
	for (i = 0; i < l.n; i++) {
		q.only_id = part.id = l.ids[i];
		if (crm_query_run(&ctx->db, &q, fields, n, &out,
		    &ctx->err) < 0 || part.failed) {
			code = crm_fail(ctx);
			break;
		}
	}
	crm_out_end(&out);
	free(fields);
	free(l.ids);
	return code;
}

int
crm_verb_show(struct crm_ctx *ctx)
{
	return crm_verb_show_parts(ctx, NULL, NULL);
}

static int
update_one(struct crm_ctx *ctx, const char *key, void *arg)
{
	int64_t id;
	int changed;

	(void)arg;
	if (crm_record_find(&ctx->db, ctx->entity, key, &id, &ctx->err) < 0)
		return -1;
	if (crm_record_update(&ctx->db, &ctx->fs, id, &ctx->assigns,
	    &changed, &ctx->err) < 0)
		return -1;
	if (crm_verbosity > 0)
		crm_note("%s %lld %s", ctx->entity->name, (long long)id,
			changed ? "updated" : "unchanged");
	return 0;
}

/* Run fn over the ids in one transaction: all succeed or nothing is kept. */
static int
write_each(struct crm_ctx *ctx, int (*fn)(struct crm_ctx *, const char *,
	void *), void *arg)
{
	int code;

	if (crm_db_begin(&ctx->db, &ctx->err) < 0)
		return crm_fail(ctx);
	code = crm_each_id(ctx, fn, arg);
	if (code) {
		crm_db_rollback(&ctx->db);
		return code;
	}
	if (crm_db_commit(&ctx->db, &ctx->err) < 0)
		return crm_fail(ctx);
	return CRM_EX_OK;
}

int
crm_verb_update(struct crm_ctx *ctx)
{
	struct crm_val v = CRM_VAL_INIT;
	size_t i;

	if (!ctx->assigns.n)
		return crm_usage_error(ctx, "nothing to update: give "
			"--FIELD VALUE or --set FIELD=VALUE");
	/* A bad value is bad for every record: say so once. */
	for (i = 0; i < ctx->assigns.n; i++) {
		const struct crm_field *f = ctx->assigns.a[i].f;
		const char *text = ctx->assigns.a[i].text;

		if (crm_field_parse(&ctx->db, f, text, &v, &ctx->err) < 0)
			return crm_fail(ctx);
		if (v.kind == CRM_NULL && !f->def &&
		    (f->flags & CRM_F_REQUIRED)) {
			crm_err_set(&ctx->err, CRM_EX_DATAERR, "%s is "
				"required, it must not be empty", f->name);
			crm_val_release(&v);
			return crm_fail(ctx);
		}
	}
	crm_val_release(&v);
	return write_each(ctx, update_one, NULL);
}

int
crm_verb_set_one(struct crm_ctx *ctx, const char *field,
	const char *operands)
{
	const struct crm_field *f = crm_fieldset_find(&ctx->fs, field);
	struct crm_err e = CRM_ERR_INIT;
	int idx;

	if (ctx->argc != 2)
		return crm_usage_error(ctx, "%s needs %s", ctx->verb->name,
			operands);
	if (crm_text_blank(ctx->argv[1])) {
		if (f->type == CRM_T_ENUM) {
			crm_parse_enum(ctx->argv[1], f->values, &idx, &e);
			crm_err_set(&ctx->err, CRM_EX_DATAERR, "%s: %s",
				f->name, e.msg.buf);
			crm_err_release(&e);
		} else if (f->type == CRM_T_INT) {
			crm_err_set(&ctx->err, CRM_EX_DATAERR,
				"%s: no value given: expected a whole number "
				"from %lld to %lld", f->name, f->min, f->max);
		} else {
			crm_err_set(&ctx->err, CRM_EX_DATAERR,
				"%s: no value given", f->name);
		}
		return crm_fail(ctx);
	}
	crm_assigns_add(&ctx->assigns, f, ctx->argv[1]);
	ctx->argc = 1;
	return crm_verb_update(ctx);
}

/* What a cascade removed, said once the transaction has committed. */
static int
delete_id(struct crm_ctx *ctx, int64_t id, struct crm_buf *notes)
{
	struct crm_buf removed = CRM_BUF_INIT;
	int ret;

	ret = crm_record_delete(&ctx->db, ctx->entity, id,
		crm_opt(ctx, "cascade") != NULL, &removed, &ctx->err);
	if (ret == 0 && removed.len)
		crm_buf_addf(notes, "%s %lld deleted with %s\n",
			ctx->entity->name, (long long)id, removed.buf);
	crm_buf_release(&removed);
	return ret;
}

void
crm_notes(const struct crm_buf *notes)
{
	const char *p = notes->buf, *nl;

	while ((nl = strchr(p, '\n'))) {
		crm_note("%.*s", (int)(nl - p), p);
		p = nl + 1;
	}
}

struct seen {
	int64_t id;
	size_t pos;
};

static int
by_id_pos(const void *a, const void *b)
{
	const struct seen *x = a, *y = b;

	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/* The records are found first, so that one named twice (an id and its
 * ref, a list with repeats) is deleted once, not found the second time;
 * then deleted in the order given. */
int
crm_verb_delete(struct crm_ctx *ctx)
{
	struct crm_buf notes = CRM_BUF_INIT;
	struct idlist l = { NULL, 0, 0 };
	struct seen *s = NULL;
	unsigned char *again = NULL;
	size_t i;
	int code;

	if (crm_db_begin(&ctx->db, &ctx->err) < 0)
		return crm_fail(ctx);
	code = crm_each_id(ctx, collect, &l);
	if (!code && l.n) {
		s = crm_xcalloc(l.n, sizeof(*s));
		again = crm_xcalloc(l.n, 1);
		for (i = 0; i < l.n; i++) {
			s[i].id = l.ids[i];
			s[i].pos = i;
		}
		qsort(s, l.n, sizeof(*s), by_id_pos);
		for (i = 1; i < l.n; i++)
			if (s[i].id == s[i - 1].id)
				again[s[i].pos] = 1;
	}
	for (i = 0; !code && i < l.n; i++)
		if (!again[i] && delete_id(ctx, l.ids[i], &notes) < 0)
			code = crm_fail(ctx);
	free(s);
	free(again);
	free(l.ids);
	if (code)
		crm_db_rollback(&ctx->db);
	else if (crm_db_commit(&ctx->db, &ctx->err) < 0)
		code = crm_fail(ctx);
	else
		crm_notes(&notes);
	crm_buf_release(&notes);
	return code;
}
