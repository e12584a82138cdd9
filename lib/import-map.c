/*
 * import-map.c - an import's header and keys: which field each column
 * gives (names, aliases, --map, REF.FIELD), the key a row is matched on,
 * and pass 1, which finds the rows a later row with their key supersedes.
 */
#include <stdlib.h>
#include <string.h>

#include "import-int.h"
#include "text.h"
#include "banned.h"

/* ---- headers ------------------------------------------------------------ */

/*
 * Other spellings of field names in headers, already normalized (folded,
 * without spaces, '_' or '-'): common English ones and the Chinese of
 * spreadsheets exported by Chinese shops and ERPs.
 */
static const struct {
	const char *field;
	const char *const names[12];
} aliases[] = {
	{ "name", { "姓名", "名称", "客户名称", "客户姓名", "联系人",
	  "联系人姓名", "fullname", "商品名称", "品名", "产品名称", NULL } },
	{ "email", { "邮箱", "电子邮件", "电子邮箱", "电邮", "邮件", "mail",
	  "emailaddress", "邮箱地址", NULL } },
	{ "phone", { "电话", "手机", "手机号", "手机号码", "联系电话",
	  "电话号码", "mobile", "tel", "telephone", "phonenumber", NULL } },
	{ "address", { "地址", "详细地址", "收货地址", "联系地址", NULL } },
	{ "city", { "城市", "所在城市", NULL } },
	{ "country", { "国家", "国家地区", NULL } },
	{ "segment", { "客户分类", "分类", "细分", NULL } },
	{ "kind", { "类型", "客户类型", "type", NULL } },
	{ "ref", { "编号", "客户编号", "externalid", "外部编号", NULL } },
	{ "owner", { "负责人", "所有人", NULL } },
	{ "customer", { "客户", "公司", "company", "客户邮箱",
	  "customeremail", NULL } },
	{ "title", { "职位", "职务", "jobtitle", "标题", "商机名称", NULL } },
	{ "sku", { "货号", "商品编码", "产品编码", "编码", "商品编号",
	  "product", "商品", NULL } },
	{ "price", { "价格", "售价", "单价", NULL } },
	{ "stock", { "库存", "库存数量", "数量", "qty", "onhand", NULL } },
	{ "description", { "描述", "说明", "商品描述", NULL } },
	{ "active", { "上架", "启用", "在售", NULL } },
	{ "order_ref", { "订单号", "订单编号", "ordernumber", "orderno",
	  "orderid", NULL } },
	{ "quantity", { "数量", "购买数量", "qty", NULL } },
	{ "unit_price", { "单价", "价格", "price", NULL } },
	{ "ordered_at", { "下单时间", "订单时间", "日期", "orderdate", "date",
	  NULL } },
	{ "status", { "状态", "订单状态", "工单状态", NULL } },
	{ "subject", { "主题", "标题", "事由", NULL } },
	{ "stage", { "阶段", "销售阶段", NULL } },
	{ "amount", { "金额", "商机金额", "预计金额", NULL } },
	{ "probability", { "概率", "赢率", "成交概率", NULL } },
	{ "expected_close", { "预计成交日期", "预计成交", "closedate",
	  NULL } },
	{ "priority", { "优先级", NULL } },
	{ "rating", { "评分", "满意度", NULL } },
	{ "body", { "内容", "备注", "notes", NULL } },
	{ "occurred_at", { "时间", "发生时间", NULL } },
	{ "due_at", { "截止时间", "到期时间", "duedate", NULL } },
	{ "campaign", { "活动", "营销活动", "活动名称", NULL } },
	{ "responded_at", { "响应时间", "回复时间", NULL } },
};

/* Fold a header for matching: NFKC case fold, no spaces, '_' or '-'. */
static void
norm(const char *s, size_t len, struct crm_buf *out)
{
	struct crm_buf f = CRM_BUF_INIT;
	size_t i;

	crm_text_fold(s, len, &f);
	for (i = 0; i < f.len; i++)
		if (f.buf[i] != ' ' && f.buf[i] != '_' && f.buf[i] != '-' &&
		    f.buf[i] != '\t' && f.buf[i] != '/')
			crm_buf_addch(out, f.buf[i]);
	/* An ideographic space folds to a space and is gone too. */
	crm_buf_release(&f);
}

static const struct target *target_named(struct run *r, const char *name);

/*
 * REF.FIELD, want normalized: the column of the reference REF (a target
 * of the run) whose value is the FIELD of the record it names.  Made on
 * first use, so that the run's list of known columns stays short.
 */
static const struct target *
dotted_target(struct run *r, const struct crm_buf *want)
{
	const char *dot = strchr(want->buf, '.');
	const struct crm_entity *re;
	const struct target *base;
	struct crm_buf base_name = CRM_BUF_INIT, have = CRM_BUF_INIT;
	struct target *t = NULL;
	size_t i;

	if (!dot)
		return NULL;
	crm_buf_add(&base_name, want->buf, (size_t)(dot - want->buf));
	base = target_named(r, base_name.buf);
	crm_buf_release(&base_name);
	if (!base || base->role == R_NONE || base->by ||
	    base->f->type != CRM_T_REF || !(re = crm_entity_find(base->f->ref)))
		return NULL;
	for (i = 0; i < re->nfields && !t; i++) {
		const struct crm_field *g = &re->fields[i];

		/* An order's line takes its product by SKU alone. */
		if (!crm_ref_followable(g) || (base->role == R_LINE &&
		    strcmp(g->name, "sku")))
			continue;
		crm_buf_reset(&have);
		norm(g->name, strlen(g->name), &have);
		if (strcmp(have.buf, dot + 1))
			continue;
		t = crm_xcalloc(1, sizeof(*t));
		t->f = base->f;
		t->role = base->role;
		t->by = g;
		crm_buf_reset(&have);
		crm_buf_addf(&have, "%s.%s", base->f->name, g->name);
		t->name = crm_buf_detach(&have);
		r->dotted = crm_xrealloc(r->dotted,
			(r->ndotted + 1) * sizeof(*r->dotted));
		r->dotted[r->ndotted++] = t;
	}
	if (!t && !r->im->ignore_unknown) {
		/* What may follow the dot, which the list of columns that
		 * imp_map_header() gives leaves out. */
		crm_buf_reset(&have);
		for (i = 0; i < re->nfields; i++)
			if (crm_ref_followable(&re->fields[i]) &&
			    (base->role != R_LINE ||
			    !strcmp(re->fields[i].name, "sku")))
				crm_buf_addf(&have, "%s%s.%s", have.len ?
					", " : "", base->f->name,
					re->fields[i].name);
		crm_err_set(r->err, CRM_EX_USAGE, "unknown column '%s': %s "
			"refers to a %s (known: %s)", want->buf, base->f->name,
			re->name, have.buf);
	}
	crm_buf_release(&have);
	return t;
}

static const struct target *
target_named(struct run *r, const char *name)
{
	struct crm_buf want = CRM_BUF_INIT, have = CRM_BUF_INIT;
	const struct target *t = NULL;
	size_t i, j, k;

	norm(name, strlen(name), &want);
	for (i = 0; i < r->ntargets && !t; i++) {
		crm_buf_reset(&have);
		norm(r->targets[i].name, strlen(r->targets[i].name), &have);
		if (!strcmp(have.buf, want.buf))
			t = &r->targets[i];
	}
	for (i = 0; i < r->ntargets && !t; i++)
		for (j = 0; j < sizeof(aliases) / sizeof(aliases[0]); j++) {
			if (strcmp(aliases[j].field, r->targets[i].name))
				continue;
			for (k = 0; aliases[j].names[k]; k++)
				if (!strcmp(aliases[j].names[k], want.buf))
					t = &r->targets[i];
		}
	if (!t)
		t = dotted_target(r, &want);
	crm_buf_release(&want);
	crm_buf_release(&have);
	return t;
}

static void
add_target(struct run *r, const char *name, const struct crm_field *f,
	enum role role)
{
	r->targets = crm_xrealloc(r->targets,
		(r->ntargets + 1) * sizeof(*r->targets));
	r->targets[r->ntargets].name = name;
	r->targets[r->ntargets].f = f;
	r->targets[r->ntargets].role = role;
	r->targets[r->ntargets].by = NULL;
	r->ntargets++;
}

/* The fields a file may give for this kind of import. */
void
imp_make_targets(struct run *r)
{
	const struct crm_fieldset *fs = r->im->fs;
	const struct crm_entity *line = crm_entity_find("order line");
	size_t i;

	switch (r->im->kind) {
	case CRM_IMPORT_ORDERS:
		add_target(r, "order_ref", crm_fieldset_find(fs, "ref"),
			R_FIELD);
		add_target(r, "customer", crm_fieldset_find(fs, "customer"),
			R_FIELD);
		add_target(r, "ordered_at", crm_fieldset_find(fs,
			"ordered_at"), R_FIELD);
		add_target(r, "status", crm_fieldset_find(fs, "status"),
			R_FIELD);
		add_target(r, "campaign", crm_fieldset_find(fs, "campaign"),
			R_FIELD);
		add_target(r, "sku", crm_entity_field(line, "product"), R_LINE);
		add_target(r, "quantity", crm_entity_field(line, "quantity"),
			R_LINE);
		add_target(r, "unit_price", crm_entity_field(line,
			"unit_price"), R_LINE);
		for (i = 0; i < fs->n; i++)	/* the order's own */
			if (fs->f[i]->flags & CRM_F_CUSTOM)
				add_target(r, fs->f[i]->name, fs->f[i],
					R_FIELD);
		break;
	case CRM_IMPORT_INVENTORY:
		add_target(r, "sku", crm_fieldset_find(fs, "sku"), R_FIELD);
		add_target(r, "stock", crm_fieldset_find(fs, "stock"),
			R_FIELD);
		break;
	case CRM_IMPORT_RECORDS:
		for (i = 0; i < fs->n; i++)
			add_target(r, fs->f[i]->name, fs->f[i],
				fs->f[i]->flags & (CRM_F_READONLY |
				CRM_F_DERIVED) ? R_NONE : R_FIELD);
		break;
	}
}

static int
usage(struct run *r, const char *fmt, const char *a, const char *b)
{
	return crm_err_set(r->err, CRM_EX_USAGE, fmt, a, b);
}

/* Map the header's columns to fields; every check that can refuse the
 * whole file before anything is written. */
int
imp_map_header(struct run *r)
{
	const struct crm_import *im = r->im;
	size_t i, j, *first;

	r->ncols = r->header.n;
	r->cols = crm_xcalloc(r->ncols ? r->ncols : 1, sizeof(*r->cols));
	for (i = 0; i < r->header.n; i++) {
		const char *h = r->header.f[i].buf;

		if (memchr(h, '\0', r->header.f[i].len) ||
		    !crm_text_valid(h, r->header.f[i].len))
			return crm_err_set(r->err, CRM_EX_DATAERR,
				"line 1: the header is not UTF-8 text; if the "
				"file is in another encoding, name it with "
				"--encoding (GB18030, GBK, LATIN1...)");
	}
	for (i = 0; im->maps && im->maps[i]; i++) {
		const char *eq = strrchr(im->maps[i], '=');
		const struct target *t;

		if (!eq || eq == im->maps[i])
			return usage(r, "invalid --map '%s': expected "
				"'Header=field'%s", im->maps[i], "");
		t = target_named(r, eq + 1);
		if (!t)
			return usage(r, "invalid --map '%s': no field '%s'",
				im->maps[i], eq + 1);
		for (j = 0; j < r->header.n; j++)
			if (strlen(r->header.f[j].buf) ==
			    (size_t)(eq - im->maps[i]) &&
			    !strncmp(r->header.f[j].buf, im->maps[i],
			    (size_t)(eq - im->maps[i])))
				r->cols[j].t = t;
	}
	for (i = 0; i < r->header.n; i++) {
		const char *h = r->header.f[i].buf;

		if (r->cols[i].t || !strcmp(h, "_line") ||
		    !strcmp(h, "_error"))
			continue;
		/* No field or alias is near that long: not folded. */
		if (r->header.f[i].len <= 256)
			r->cols[i].t = target_named(r, h);
		if (!r->cols[i].t && !im->ignore_unknown) {
			struct crm_buf names = CRM_BUF_INIT;
			struct crm_buf shown = CRM_BUF_INIT;

			for (j = 0; j < r->ntargets; j++)
				if (r->targets[j].role != R_NONE)
					crm_buf_addf(&names, "%s%s",
						names.len ? ", " : "",
						r->targets[j].name);
			crm_err_set(r->err, CRM_EX_USAGE, "unknown column "
				"'%s' (known: %s); use --map or "
				"--ignore-unknown", crm_reader_echo(h,
				r->header.f[i].len, &shown), names.buf);
			crm_buf_release(&names);
			crm_buf_release(&shown);
			return -1;
		}
	}
	/* Two columns for one field: the first column of each target, by
	 * the target's index, finds them in one pass. */
	r->created = -1;
	first = crm_xmalloc((r->ntargets ? r->ntargets : 1) * sizeof(*first));
	for (j = 0; j < r->ntargets; j++)
		first[j] = SIZE_MAX;
	for (i = 0; i < r->ncols; i++) {
		const struct target *t = r->cols[i].t;
		int created;

		/* A REF.FIELD column (dotted_target(), t->by set) is none
		 * of the run's targets: imp_check_columns() pairs it by its
		 * field. */
		if (!t || t->by)
			continue;
		created = im->kind == CRM_IMPORT_RECORDS && t->f &&
			!strcmp(t->f->name, "created_at");
		if (created && r->created < 0)
			r->created = (int)i;
		j = (size_t)(t - r->targets);
		if (first[j] == SIZE_MAX) {
			first[j] = i;
		} else if (t->role != R_NONE || created) {
			struct crm_buf a = CRM_BUF_INIT, b = CRM_BUF_INIT;

			crm_err_set(r->err, CRM_EX_USAGE, "columns '%s' and "
				"'%s' both give %s", crm_reader_echo(
				r->header.f[first[j]].buf,
				r->header.f[first[j]].len, &a),
				crm_reader_echo(r->header.f[i].buf,
				r->header.f[i].len, &b), t->name);
			crm_buf_release(&a);
			crm_buf_release(&b);
			free(first);
			return -1;
		}
	}
	free(first);
	return 0;
}

static int
has_column(const struct run *r, const struct crm_field *f)
{
	size_t i;

	for (i = 0; i < r->ncols; i++)
		if (r->cols[i].t && r->cols[i].t->f == f &&
		    r->cols[i].t->role != R_NONE)
			return 1;
	return 0;
}

/* The key fields, and the columns every row must have. */
int
imp_check_columns(struct run *r)
{
	const struct crm_import *im = r->im;
	const struct crm_fieldset *fs = im->fs;
	size_t i, j;

	/* customer and customer.email are two ways to give one field. */
	for (i = 0; i < r->ncols; i++)
		for (j = i + 1; j < r->ncols; j++)
			if (r->cols[i].t && r->cols[j].t &&
			    r->cols[i].t->f == r->cols[j].t->f &&
			    r->cols[i].t->role != R_NONE &&
			    r->cols[i].t->role == r->cols[j].t->role)
				return crm_err_set(r->err, CRM_EX_USAGE,
					"columns '%s' and '%s' both give %s",
					r->header.f[i].buf,
					r->header.f[j].buf,
					r->cols[i].t->f->name);
	if (im->key) {
		const struct crm_field *f = crm_fieldset_find(fs, im->key);

		if (!f || (f->flags & (CRM_F_DERIVED | CRM_F_READONLY)))
			return usage(r, "invalid --key '%s': not a field of "
				"%s that a file can give", im->key,
				fs->entity->plural);
		r->keys[r->nkeys++] = f;
	} else if (fs->entity->keys) {
		const char *p = fs->entity->keys;

		r->compound = strchr(p, '+') != NULL;
		while (*p && r->nkeys < 8) {
			size_t n = strcspn(p, ",+");
			char name[64];

			snprintf(name, sizeof(name), "%.*s", (int)n, p);
			r->keys[r->nkeys++] = crm_fieldset_find(fs, name);
			p += n + (p[n] == ',' || p[n] == '+');
		}
	}
	/* A file without a key column is matched on all of its values,
	 * as a row without a key value is (import.c); but what it
	 * would update is a record that holds them all already. */
	if (im->kind == CRM_IMPORT_RECORDS && im->mode == CRM_IMPORT_UPDATE) {
		int any = 0, all = 1;

		for (i = 0; i < r->nkeys; i++) {
			any |= has_column(r, r->keys[i]);
			all &= has_column(r, r->keys[i]);
		}
		if (r->compound ? !all : !any) {
			struct crm_buf k = CRM_BUF_INIT;

			for (i = 0; i < r->nkeys; i++)
				crm_buf_addf(&k, "%s%s", i ? r->compound ?
					" and " : " or " : "",
					r->keys[i]->name);
			crm_err_set(r->err, CRM_EX_USAGE, "no key column: "
				"--mode update finds %s by %s; add that "
				"column or name one with --key",
				fs->entity->plural, k.len ? k.buf : "nothing");
			crm_buf_release(&k);
			return -1;
		}
	}
	for (i = 0; i < r->ntargets; i++) {
		const struct target *t = &r->targets[i];

		if (t->role == R_NONE || has_column(r, t->f))
			continue;
		if ((t->f->flags & CRM_F_REQUIRED &&
		    im->mode != CRM_IMPORT_UPDATE) ||
		    im->kind == CRM_IMPORT_INVENTORY ||
		    (im->kind == CRM_IMPORT_ORDERS &&
		    (!strcmp(t->name, "order_ref") || !strcmp(t->name, "sku") ||
		    !strcmp(t->name, "quantity"))))
			return usage(r, "no column for %s, which every row "
				"needs%s", t->name, "");
	}
	return 0;
}

/* The key a row is known by in messages and the plan. */
const char *
imp_row_key(const struct run *r, const struct crm_record *rec)
{
	static struct crm_buf joined = CRM_BUF_INIT;
	size_t i, k;

	if (r->compound) {
		crm_buf_reset(&joined);
		for (k = 0; k < r->nkeys; k++)
			for (i = 0; i < r->ncols && i < rec->n; i++)
				if (r->cols[i].t &&
				    r->cols[i].t->f == r->keys[k]) {
					crm_buf_addf(&joined, "%s%s",
						k ? "/" : "", rec->f[i].buf);
					break;
				}
		return joined.len ? joined.buf : "";
	}

	for (k = 0; k < r->nkeys; k++)
		for (i = 0; i < r->ncols && i < rec->n; i++)
			if (r->cols[i].t && r->cols[i].t->f == r->keys[k] &&
			    rec->f[i].len)
				return rec->f[i].buf;
	if (r->im->kind == CRM_IMPORT_INVENTORY && rec->n)
		for (i = 0; i < r->ncols && i < rec->n; i++)
			if (r->cols[i].t && !strcmp(r->cols[i].t->name, "sku"))
				return rec->f[i].buf;
	return "";
}

/* The key's name in messages: "email", or "campaign+customer" for a key
 * of several fields. */
const char *
imp_key_name(const struct run *r)
{
	static struct crm_buf name = CRM_BUF_INIT;
	size_t k;

	if (!r->nkeys)
		return "key";
	if (!r->compound)
		return r->keys[0]->name;
	crm_buf_reset(&name);
	for (k = 0; k < r->nkeys; k++)
		crm_buf_addf(&name, "%s%s", k ? "+" : "", r->keys[k]->name);
	return name.buf;
}

/* The column of field f in the row, or -1. */
int
imp_column_of(const struct run *r, const struct crm_record *rec,
	const struct crm_field *f)
{
	size_t i;

	for (i = 0; i < r->ncols && i < rec->n; i++)
		if (r->cols[i].t && r->cols[i].t->f == f &&
		    r->cols[i].t->role != R_NONE)
			return (int)i;
	return -1;
}

static void
append_val(struct crm_buf *b, const struct crm_val *v)
{
	if (v->kind == CRM_INT)
		crm_buf_addf(b, "%lld", (long long)v->i);
	else if (v->kind == CRM_TEXT)
		crm_buf_add(b, v->s.buf, v->s.len);
}

/*
 * The record a REF.FIELD column names: the one of the referenced entity
 * whose field t->by holds text.  1 and *id, 0 for an empty value, -1
 * with e set (the row is rejected, naming the column and the value).
 */
static int
ref_lookup(struct run *r, const struct target *t, const char *text,
	int64_t *id, struct crm_err *e)
{
	const struct crm_entity *re = crm_entity_find(t->f->ref);
	struct crm_val v = CRM_VAL_INIT;
	struct crm_err pe = CRM_ERR_INIT;
	struct crm_buf sql = CRM_BUF_INIT;
	struct crm_stmt *st;
	int n = 0;

	if (crm_text_blank(text))
		return 0;
	/* A value the field cannot hold is held by no record. */
	if (crm_field_parse(r->db, t->by, text, &v, &pe) < 0 ||
	    v.kind == CRM_NULL) {
		crm_err_release(&pe);
		return crm_err_set(e, CRM_EX_DATAERR, "%s: no %s with %s '%s'",
			t->name, re->name, t->by->name, text);
	}
	crm_buf_adds(&sql, "SELECT id FROM ");
	crm_sql_ident(&sql, re->table);
	crm_buf_adds(&sql, " WHERE ");
	crm_sql_ident(&sql, t->by->name);
	crm_buf_adds(&sql, " = ?1 LIMIT 2");
	st = crm_sql(r->db, "cannot look up a reference", sql.buf, e);
	crm_buf_release(&sql);
	crm_bind_val(st, 1, &v);
	while (crm_step(st) > 0) {
		*id = crm_col_int(st, 0);
		n++;
	}
	crm_val_release(&v);
	if (crm_done(st) < 0)
		return -1;
	if (!n)
		return crm_err_set(e, CRM_EX_DATAERR, "%s: no %s with %s '%s'",
			t->name, re->name, t->by->name, text);
	if (n > 1)
		return crm_err_set(e, CRM_EX_DATAERR, "%s: '%s' names more "
			"than one %s", t->name, text, re->name);
	return 1;
}

/*
 * The row with each REF.FIELD value replaced by the id of the record it
 * names, which the reference field takes as it takes any id; rec itself
 * when the file has no such column.  Valid until the next call.  NULL
 * with e set when a value names no record (or several).
 */
const struct crm_record *
imp_resolve(struct run *r, const struct crm_record *rec, struct crm_err *e)
{
	size_t i, any = 0;
	int64_t id;
	int got;

	for (i = 0; i < r->ncols && i < rec->n && !any; i++)
		any = r->cols[i].t && r->cols[i].t->by &&
			r->cols[i].t->role == R_FIELD;
	if (!any)
		return rec;
	if (!r->ids) {
		r->ids = crm_xcalloc(r->ncols, sizeof(*r->ids));
		for (i = 0; i < r->ncols; i++)
			crm_buf_init(&r->ids[i]);
	}
	if (r->resolved.alloc < rec->n) {
		r->resolved.f = crm_xrealloc(r->resolved.f,
			rec->n * sizeof(*r->resolved.f));
		r->resolved.alloc = rec->n;
	}
	r->resolved.n = rec->n;
	r->resolved.line = rec->line;
	for (i = 0; i < rec->n; i++) {
		r->resolved.f[i] = rec->f[i];
		/* An order line's product.sku is its SKU, as sku is. */
		if (i >= r->ncols || !r->cols[i].t || !r->cols[i].t->by ||
		    r->cols[i].t->role != R_FIELD)
			continue;
		got = ref_lookup(r, r->cols[i].t, rec->f[i].buf, &id, e);
		if (got < 0)
			return NULL;
		crm_buf_reset(&r->ids[i]);
		if (got)
			crm_buf_addf(&r->ids[i], "%lld", (long long)id);
		r->resolved.f[i] = r->ids[i];
	}
	return &r->resolved;
}

/* The cell of the column that gives the target called name (or its
 * field, as REF.FIELD does: customer.email for customer). */
const char *
imp_cell(const struct run *r, const struct crm_record *rec, const char *name)
{
	const struct crm_field *f = NULL;
	size_t i;

	for (i = 0; i < r->ntargets && !f; i++)
		if (!strcmp(r->targets[i].name, name))
			f = r->targets[i].f;
	for (i = 0; i < r->ncols && i < rec->n; i++)
		if (r->cols[i].t && (r->cols[i].t->f == f ||
		    !strcmp(r->cols[i].t->name, name)))
			return rec->f[i].buf;
	return NULL;
}

/*
 * The key a row is matched on, normalized ("email:a@b.cn"), so that rows
 * naming the same record meet; 0 when the row has none.  Orders and
 * inventory are keyed on order_ref and sku.  A row without a key value
 * is keyed on all its values ("=" and each cleaned value): it matches a
 * record holding them all, so identical rows meet too.
 */
static int
norm_key(struct run *r, const struct crm_record *rec, struct crm_buf *key)
{
	struct crm_val v = CRM_VAL_INIT;
	struct crm_err e = CRM_ERR_INIT;
	const char *s;
	size_t i, k, parts = 0;
	int found = 0;

	crm_buf_reset(key);
	if (r->im->kind != CRM_IMPORT_RECORDS) {
		s = imp_cell(r, rec, r->im->kind == CRM_IMPORT_ORDERS ?
			"order_ref" : "sku");
		if (!s || crm_text_clean(s, strlen(s), 0, key, &e) < 0) {
			crm_err_release(&e);
			crm_buf_reset(key);
			return 0;
		}
		return key->len > 0;
	}
	for (k = 0; k < r->nkeys && (!found || r->compound); k++)
		for (i = 0; i < r->ncols && i < rec->n; i++) {
			if (!r->cols[i].t || r->cols[i].t->f != r->keys[k] ||
			    r->cols[i].t->role == R_NONE)
				continue;
			/* A reference is known by the id it names. */
			if (r->cols[i].t->by) {
				crm_val_release(&v);
				if (ref_lookup(r, r->cols[i].t, rec->f[i].buf,
				    &v.i, &e) > 0)
					v.kind = CRM_INT;
			} else if (crm_field_parse(r->keys[k]->type ==
			    CRM_T_REF ? r->db : NULL, r->keys[k],
			    rec->f[i].buf, &v, &e) < 0) {
				crm_val_release(&v);
			}
			if (v.kind != CRM_NULL) {
				if (found)
					crm_buf_addch(key, '/');
				crm_buf_addf(key, "%s:", r->keys[k]->name);
				append_val(key, &v);
				found = 1;
				parts++;
			}
			crm_err_clear(&e);
			break;
		}
	if (!found) {
		crm_buf_addch(key, '=');
		for (i = 0; i < r->ncols && i < rec->n; i++) {
			if (!r->cols[i].t || r->cols[i].t->role == R_NONE)
				continue;
			crm_buf_addch(key, '\x1f');
			if (crm_field_parse(NULL, r->cols[i].t->f,
			    rec->f[i].buf, &v, &e) == 0)
				append_val(key, &v);
			else
				crm_buf_adds(key, rec->f[i].buf);
			crm_err_clear(&e);
		}
		found = 1;
	}
	crm_val_release(&v);
	crm_err_release(&e);
	/* A key of several fields is no key without all of them. */
	if (r->compound && parts != r->nkeys) {
		crm_buf_reset(key);
		return 0;
	}
	return found;
}

/* Line lost to a later row with its key (pass 1, all but orders). */
static void
mark_lost(struct run *r, int64_t line)
{
	size_t byte = (size_t)line / 8, n;

	if (r->im->kind == CRM_IMPORT_ORDERS || line < 0)
		return;
	if (byte >= r->nlost) {
		n = r->nlost ? r->nlost : 4096;
		while (n <= byte)
			n *= 2;
		r->lost = crm_xrealloc(r->lost, n);
		memset(r->lost + r->nlost, 0, n - r->nlost);
		r->nlost = n;
	}
	r->lost[byte] |= (unsigned char)(1u << (line % 8));
}

/* The line noted for key (pass 1): 1 and *line, 0 none, -1 error. */
static int
key_line(struct run *r, const struct crm_buf *key, int64_t *line)
{
	struct crm_stmt *st = crm_sql(r->db, "cannot note keys",
		"SELECT line FROM import_keys WHERE key = ?1", r->err);
	int got;

	crm_bind_textn(st, 1, key->buf, key->len);
	got = crm_step(st);
	if (got > 0)
		*line = crm_col_int(st, 0);
	return crm_done(st) < 0 ? -1 : got;
}

/* A key seen before on another line: line wins, the other loses. */
static int
key_again(struct run *r, const struct crm_buf *key, int64_t line)
{
	struct crm_stmt *st;
	int64_t lost;
	int got = key_line(r, key, &lost);

	if (got < 0)
		return -1;
	if (got)
		mark_lost(r, lost);
	st = crm_sql(r->db, "cannot note keys",
		"UPDATE import_keys SET line = ?2 WHERE key = ?1", r->err);
	crm_bind_textn(st, 1, key->buf, key->len);
	crm_bind_int(st, 2, line);
	crm_step(st);
	return crm_done(st);
}

/* Note key on line, a statement in the process (SQLite). */
static int
note_key(struct run *r, const struct crm_buf *key, int64_t line)
{
	struct crm_stmt *st = crm_sql(r->db, "cannot note keys",
		"INSERT INTO import_keys (key, line)\n"
		"VALUES (?1, ?2)\n"
		"ON CONFLICT DO NOTHING", r->err);
	int64_t added;

	crm_bind_textn(st, 1, key->buf, key->len);
	crm_bind_int(st, 2, line);
	crm_step(st);
	added = crm_stmt_changes(st);
	if (crm_done(st) < 0)
		return -1;
	/* Seen before (rare): this line wins over the one noted. */
	return added ? 0 : key_again(r, key, line);
}

/*
 * On a server, where that would be a round trip a row: the noted rows
 * went into import_key_rows in one stream; two statements find each
 * key's winner (the last line noted) and the lines that lose.
 */
static int
settle_keys(struct run *r, int64_t noted)
{
	struct crm_stmt *st;
	int64_t keys;

	keys = crm_run(r->db, "cannot note keys", r->err,
		"INSERT INTO import_keys (key, line)\n"
		"SELECT key, max(line) FROM import_key_rows GROUP BY key",
		NULL);
	if (keys < 0)
		return -1;
	/* As many keys as rows noted: none repeats, no line loses. */
	if (r->im->kind == CRM_IMPORT_ORDERS || keys == noted)
		return 0;
	st = crm_sql(r->db, "cannot note keys",
		"SELECT n.line FROM import_key_rows AS n\n"
		"JOIN import_keys AS k ON k.key = n.key\n"
		"WHERE k.line <> n.line", r->err);
	while (crm_step(st) > 0)
		mark_lost(r, crm_col_int(st, 0));
	return crm_done(st);
}

/*
 * First pass: for each key, the line that wins - the last row with it, or
 * for orders the first row of the last group of rows with its order_ref
 * (only a group's first row is noted).
 */
int
imp_scan_keys(struct run *r, struct crm_reader *rd)
{
	struct crm_record rec;
	struct crm_buf key = CRM_BUF_INIT;
	struct crm_load *ld = NULL;
	int64_t noted = 0;
	int got, ret = -1, streams = crm_db_streams(r->db);

	memset(&rec, 0, sizeof(rec));
	if (crm_db_temp_table(r->db, "import_keys", "key TEXT PRIMARY KEY, "
	    "line BIGINT NOT NULL", r->err) < 0)
		return -1;
	if (streams && (crm_db_temp_table(r->db, "import_key_rows",
	    "line BIGINT PRIMARY KEY, key TEXT NOT NULL", r->err) < 0 ||
	    !(ld = crm_load_begin(r->db, "import_key_rows", "line, key", 2,
	    r->err))))
		return -1;
	while ((got = crm_reader_next(rd, &rec, r->err)) > 0) {
		/* Blank rows are passed over, as pass 2 does. */
		if (!rec.bad && imp_all_empty(&rec))
			continue;
		/* Inventory notes every SKU it can read, so that --missing
		 * zero spares the products of rejected rows.  A row that
		 * is no order line ends an order's rows, as in pass 2. */
		if (rec.bad || (rec.n != r->header.n &&
		    r->im->kind != CRM_IMPORT_INVENTORY) ||
		    !norm_key(r, &rec, &key)) {
			crm_buf_reset(&r->last_ref);
			continue;
		}
		if (r->im->kind == CRM_IMPORT_ORDERS) {
			int same = !strcmp(key.buf, r->last_ref.buf);

			crm_buf_sets(&r->last_ref, key.buf);
			if (same)
				continue;
		}
		if (ld) {
			crm_load_int(ld, rec.line);
			crm_load_text(ld, key.buf, key.len);
			noted++;
		} else if (note_key(r, &key, rec.line) < 0) {
			goto out;
		}
	}
	if (ld) {
		if (crm_load_end(ld) < 0 || (got == 0 &&
		    settle_keys(r, noted) < 0))
			got = -1;
		ld = NULL;
	}
	if (got == 0)
		ret = 0;
out:
	if (ld)
		crm_load_end(ld);
	crm_record_release(&rec);
	crm_buf_release(&key);
	return ret;
}

/*
 * Does a later row with the same key win over this one?  *winner gets its
 * line.  For orders every row of the winning group wins.
 */
int
imp_superseded(struct run *r, const struct crm_record *rec, int64_t *winner)
{
	struct crm_buf key = CRM_BUF_INIT;
	size_t byte = (size_t)rec->line / 8;
	int lost = 0;

	/* Pass 1 marked the lines that lose: the rest need no key. */
	if (r->im->kind != CRM_IMPORT_ORDERS && (byte >= r->nlost ||
	    !(r->lost[byte] & (1u << (rec->line % 8)))))
		return 0;
	if (!norm_key(r, rec, &key)) {
		crm_buf_release(&key);
		return 0;
	}
	if (key_line(r, &key, winner) > 0)
		lost = r->im->kind == CRM_IMPORT_ORDERS ?
			rec->line < *winner : rec->line != *winner;
	crm_buf_release(&key);
	return lost;
}

int
imp_all_empty(const struct crm_record *rec)
{
	size_t i;

	for (i = 0; i < rec->n; i++)
		if (rec->f[i].len)
			return 0;
	return 1;
}
