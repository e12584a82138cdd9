#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "sqlite-compat.h"
#include "custom.h"
#include "import.h"
#include "order.h"
#include "reader.h"
#include "rules.h"
#include "search.h"
#include "text.h"
#include "value.h"
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

/* What a column is for. */
enum role {
	R_NONE,		/* ignored: _line, _error, read-only fields */
	R_FIELD,	/* a field of the entity (or of the order) */
	R_LINE		/* orders: a field of the order line */
};

/* A field the file may give, by the name a header uses. */
struct target {
	const char *name;		/* as headers spell it */
	const struct crm_field *f;
	enum role role;
	/* REF.FIELD (customer.email): f is the reference, by the field of
	 * the referenced entity its value is looked up by; else NULL. */
	const struct crm_field *by;
};

struct column {
	const struct target *t;		/* NULL: ignored */
};

/* ---- the state of one run ----------------------------------------------- */

struct run {
	struct crm_db *db;
	struct crm_import *im;
	struct crm_err *err;
	const struct crm_entity *e;
	struct target *targets;
	size_t ntargets;
	struct target **dotted;	/* REF.FIELD targets, made as named */
	size_t ndotted;
	struct crm_buf *ids;	/* a row's REF.FIELD columns, as ids */
	struct crm_record resolved;	/* a row with those (resolve()) */
	/* Rows whose unique value another record holds, tried again at
	 * the end (settle()); settling: the last try, which rejects. */
	struct crm_record *later;
	size_t nlater, alater;
	struct crm_record *spare;	/* the round's rows (round_later()) */
	size_t aspare;
	int settling;
	int trial;		/* free_cycle()'s trial: nothing reported */
	int trial_failed;	/* a row of the trial was not written */
	struct column *cols;
	size_t ncols;
	struct crm_record header;
	struct crm_out rej, plan;
	const struct crm_field *keys[8];	/* matched on, in order */
	size_t nkeys;
	int compound;		/* the keys are one key together
				 * ("campaign+customer"), not choices */
	char now[32];
	int64_t repeated;	/* rows a later row with their key wins */
	int64_t max_id;		/* the entity's largest id before the run */
	int created;		/* the column of created_at, or -1 */
	/* Pass 1, all but orders: a bit per line, set where a later row
	 * with the same key wins (a bit a line: 5M lines in 640 KiB). */
	unsigned char *lost;
	size_t nlost;		/* bytes in lost */
	struct crm_buf last_ref;	/* pass 1, orders: the previous ref */
	/* orders: the order being gathered */
	struct crm_record *group;
	size_t ngroup, agroup;
	struct crm_buf group_ref;
};

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
		 * map_header() gives leaves out. */
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
static void
make_targets(struct run *r)
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
static int
map_header(struct run *r)
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
		 * of the run's targets: check_columns() pairs it by its
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
static int
check_columns(struct run *r)
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
	 * as a row without a key value is (import_record()); but what it
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

/* ---- writing what happened ---------------------------------------------- */

/* The key a row is known by in messages and the plan. */
static const char *
row_key(const struct run *r, const struct crm_record *rec)
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

static void
plan(struct run *r, const struct crm_record *rec, const char *action,
	const char *reason)
{
	char line[24];
	const char *key = row_key(r, rec);

	if (!r->im->plan)
		return;
	snprintf(line, sizeof(line), "%lld", (long long)rec->line);
	crm_out_cell(&r->plan, CRM_CELL_NUM, line, strlen(line));
	crm_out_cell(&r->plan, CRM_CELL_TEXT, action, strlen(action));
	crm_out_cell(&r->plan, CRM_CELL_TEXT, key, strlen(key));
	crm_out_cell(&r->plan, reason ? CRM_CELL_TEXT : CRM_CELL_NULL,
		reason ? reason : "", reason ? strlen(reason) : 0);
	crm_out_row(&r->plan);
}

/*
 * JSON Lines: the object as it came (its members' text, but an old _line
 * and _error) with "_line" and "_error" members after them, so that it
 * imports again as JSON; a line that is no JSON object as it came.
 */
static void
reject_json(struct run *r, const struct crm_record *rec, const char *line,
	const char *reason)
{
	struct crm_buf b = CRM_BUF_INIT;

	if (rec->raw.len) {
		crm_buf_addch(&b, '{');
		crm_buf_add(&b, rec->raw.buf, rec->raw.len);
		crm_buf_addf(&b, ",\"_line\":%s,\"_error\":", line);
		crm_json_quote(&b, reason, strlen(reason));
		crm_buf_addch(&b, '}');
	} else if (rec->n) {
		crm_buf_add(&b, rec->f[0].buf, rec->f[0].len);
	}
	crm_buf_addch(&b, '\n');
	if (!r->rej.failed && fwrite(b.buf, 1, b.len, r->rej.fp) != b.len) {
		r->rej.failed = 1;
		r->rej.err_no = errno;
	}
	crm_buf_release(&b);
}

/*
 * Write a rejected row to the rejects file as it came, with _line and
 * _error: in their own columns when the header has them (a rejects file
 * fixed and imported again), else after the others.  Fields beyond the
 * header are dropped there: the row is rejected for having them.  A
 * record that could not be split has its text whole in the first column.
 */
static void
reject(struct run *r, const struct crm_record *rec, const char *reason)
{
	char line[24];
	size_t i;
	int own = 0;

	r->im->rejected++;
	if (!r->im->quiet)
		crm_warn("line %lld: %s", (long long)rec->line, reason);
	plan(r, rec, "reject", reason);
	if (!r->im->rejects)
		return;
	snprintf(line, sizeof(line), "%lld", (long long)rec->line);
	if (!r->im->delim) {
		reject_json(r, rec, line, reason);
		return;
	}
	for (i = 0; i < r->header.n; i++) {
		const char *h = r->header.f[i].buf;

		if (!strcmp(h, "_line")) {
			crm_out_cell(&r->rej, CRM_CELL_NUM, line, strlen(line));
			own = 1;
		} else if (!strcmp(h, "_error")) {
			crm_out_cell(&r->rej, CRM_CELL_TEXT, reason,
				strlen(reason));
			own = 1;
		} else if (i < rec->n) {
			crm_out_cell(&r->rej, CRM_CELL_TEXT, rec->x[i].buf,
				rec->x[i].len);
		} else {
			crm_out_cell(&r->rej, CRM_CELL_NULL, NULL, 0);
		}
	}
	if (!own) {
		crm_out_cell(&r->rej, CRM_CELL_NUM, line, strlen(line));
		crm_out_cell(&r->rej, CRM_CELL_TEXT, reason, strlen(reason));
	}
	crm_out_row(&r->rej);
}

/*
 * The names of e's custom fields (custom.h), each followed by a NUL, into
 * names; their number.  They are columns of e's table like the built-in
 * ones, and a snapshot keeps them too.
 */
static size_t
custom_columns(struct crm_db *db, const struct crm_entity *e,
	struct crm_buf *names)
{
	static const char sql[] = "SELECT name FROM custom_fields "
		"WHERE entity = ?1 ORDER BY position";
	sqlite3_stmt *st = crm_db_stmt(db, sql, NULL);
	size_t n = 0;

	crm_buf_reset(names);
	if (!st)
		return 0;
	sqlite3_bind_text(st, 1, e->name, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);

		if (!crm_custom_name_ok(name))
			continue;	/* as crm_fieldset_load() */
		crm_buf_adds(names, name);
		crm_buf_addch(names, '\0');
		n++;
	}
	crm_db_put(st);
	return n;
}

/*
 * The SQL of a record of e (its table's row, as "t") as a JSON object of
 * its stored columns; an order's lines are part of it.  What a batch keeps
 * of a record before it changed it, and - digested - after.  Custom fields
 * are merged in with json_patch(), which leaves out the empty ones: a field
 * added or dropped while it holds nothing does not change a record's
 * digest, so a revert still finds the records as the batch left them.
 */
static void
json_expr(struct crm_db *db, const struct crm_entity *e, struct crm_buf *sql)
{
	struct crm_buf custom = CRM_BUF_INIT;
	size_t i, n = 0, nc = custom_columns(db, e, &custom);
	const char *c;

	if (nc)
		crm_buf_adds(sql, "json_patch(");
	crm_buf_adds(sql, "json_object(");
	for (i = 0; i < e->nfields; i++) {
		const struct crm_field *f = &e->fields[i];

		if (f->type == CRM_T_ID ||
		    (f->flags & (CRM_F_DERIVED | CRM_F_LINES)))
			continue;
		crm_buf_adds(sql, n++ ? ", '" : "'");
		crm_buf_adds(sql, f->name);
		crm_buf_adds(sql, "', t.");
		crm_sql_ident(sql, f->name);
	}
	if (!strcmp(e->name, "order"))
		crm_buf_adds(sql, ", 'lines', (SELECT json_group_array("
			"json_array(l.product, l.quantity, l.unit_price)) FROM "
			"order_lines AS l WHERE l.\"order\" = t.id "
			"ORDER BY l.id)");
	crm_buf_addch(sql, ')');
	if (nc) {
		crm_buf_adds(sql, ", json_object(");
		for (i = 0, c = custom.buf; i < nc; i++, c += strlen(c) + 1) {
			/* Names of custom fields are [a-z][a-z0-9_]*. */
			crm_buf_addf(sql, "%s'%s', t.", i ? ", " : "", c);
			crm_sql_ident(sql, c);
		}
		crm_buf_adds(sql, "))");
	}
	crm_buf_release(&custom);
}

/* Log a change of the batch: an insert, or an update with its old JSON. */
static int
log_change(struct run *r, const struct crm_entity *e, int64_t id,
	const char *action, const char *old)
{
	struct crm_buf sql = CRM_BUF_INIT;
	sqlite3_stmt *st;
	int rc;

	crm_buf_adds(&sql, "INSERT INTO import_changes\n"
		"       (batch, tbl, record, action, old, stamp)\n"
		"SELECT ?1, ?2, t.id, ?3, ?4, crm_digest(");
	json_expr(r->db, e, &sql);
	crm_buf_adds(&sql, ") FROM ");
	crm_sql_ident(&sql, e->table);
	crm_buf_adds(&sql, " AS t WHERE t.id = ?5");
	st = crm_db_stmt(r->db, sql.buf, r->err);
	crm_buf_release(&sql);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, r->im->batch);
	sqlite3_bind_text(st, 2, e->table, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, action, -1, SQLITE_STATIC);
	if (old)
		sqlite3_bind_text(st, 4, old, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 5, id);
	rc = sqlite3_step(st);
	crm_db_put(st);
	if (rc != SQLITE_DONE)
		return crm_db_fail(r->db, rc, "cannot log the change", r->err);
	return 0;
}

/* The stored columns of a record as a JSON object, into out. */
static int
snapshot(struct run *r, const struct crm_entity *e, int64_t id,
	struct crm_buf *out)
{
	struct crm_buf sql = CRM_BUF_INIT;
	sqlite3_stmt *st;
	int rc;

	crm_buf_adds(&sql, "SELECT ");
	json_expr(r->db, e, &sql);
	crm_buf_adds(&sql, " FROM ");
	crm_sql_ident(&sql, e->table);
	crm_buf_adds(&sql, " AS t WHERE t.id = ?1");
	st = crm_db_stmt(r->db, sql.buf, r->err);
	crm_buf_release(&sql);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	crm_buf_reset(out);
	if (rc == SQLITE_ROW)
		crm_buf_adds(out, (const char *)sqlite3_column_text(st, 0));
	crm_db_put(st);
	if (rc != SQLITE_ROW)
		return crm_db_fail(r->db, rc, "cannot read a record", r->err);
	return 0;
}

/* Run sql (a savepoint statement) through the statement cache. */
static int
savepoint(struct run *r, const char *sql)
{
	sqlite3_stmt *st = crm_db_stmt(r->db, sql, r->err);
	int rc;

	if (!st)
		return -1;
	rc = sqlite3_step(st);
	crm_db_put(st);
	if (rc != SQLITE_DONE)
		return crm_db_fail(r->db, rc, "database error", r->err);
	return 0;
}

/*
 * A row failed: reject it with the reason in e.  A record row writes one
 * statement, after every check, so it has nothing to undo (a savepoint
 * per row would make FTS5 flush its index at every row).  Database errors
 * that are not about the row (busy, disk) end the run.
 */
static int
row_failed(struct run *r, const struct crm_record *rec, struct crm_err *e)
{
	if (e->code != CRM_EX_DATAERR && e->code != CRM_EX_NOTFOUND &&
	    e->code != CRM_EX_USAGE) {
		crm_err_set(r->err, e->code, "line %lld: %s",
			(long long)rec->line, e->msg.buf);
		return -1;
	}
	reject(r, rec, e->msg.buf);
	return 0;
}

/* ---- one record --------------------------------------------------------- */

static void
append_val(struct crm_buf *b, const struct crm_val *v)
{
	if (v->kind == CRM_INT)
		crm_buf_addf(b, "%lld", (long long)v->i);
	else if (v->kind == CRM_TEXT)
		crm_buf_add(b, v->s.buf, v->s.len);
}

/* The column of field f in the row, or -1. */
static int
column_of(const struct run *r, const struct crm_record *rec,
	const struct crm_field *f)
{
	size_t i;

	for (i = 0; i < r->ncols && i < rec->n; i++)
		if (r->cols[i].t && r->cols[i].t->f == f &&
		    r->cols[i].t->role != R_NONE)
			return (int)i;
	return -1;
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
	sqlite3_stmt *st;
	int rc, n = 0;

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
	st = crm_db_stmt(r->db, sql.buf, e);
	crm_buf_release(&sql);
	if (!st) {
		crm_val_release(&v);
		return -1;
	}
	crm_val_bind(&v, st, 1);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		n++;
	}
	crm_db_put(st);
	crm_val_release(&v);
	if (rc != SQLITE_DONE)
		return crm_db_fail(r->db, rc, "cannot look up a reference", e);
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
static const struct crm_record *
resolve(struct run *r, const struct crm_record *rec, struct crm_err *e)
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

/* match() of a key of several fields, which must all hold. */
static int
match_compound(struct run *r, const struct crm_record *rec, int64_t *id,
	struct crm_err *e)
{
	struct crm_val v[8];
	struct crm_buf sql = CRM_BUF_INIT;
	sqlite3_stmt *st = NULL;
	size_t k;
	int rc, c, found = 0;

	memset(v, 0, sizeof(v));
	crm_buf_adds(&sql, "SELECT id FROM ");
	crm_sql_ident(&sql, r->e->table);
	for (k = 0; k < r->nkeys; k++) {
		c = column_of(r, rec, r->keys[k]);
		if (c < 0 || crm_field_parse(r->db, r->keys[k],
		    rec->f[c].buf, &v[k], e) < 0) {
			found = c < 0 ? 0 : -1;
			goto out;
		}
		if (v[k].kind == CRM_NULL)
			goto out;
		crm_buf_adds(&sql, k ? " AND " : " WHERE ");
		crm_sql_ident(&sql, r->keys[k]->name);
		crm_buf_addf(&sql, " = ?%zu", k + 1);
	}
	st = crm_db_stmt(r->db, sql.buf, e);
	if (!st) {
		found = -1;
		goto out;
	}
	for (k = 0; k < r->nkeys; k++)
		crm_val_bind(&v[k], st, (int)k + 1);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		found = 1;
	} else if (rc != SQLITE_DONE) {
		found = crm_db_fail(r->db, rc, "cannot match", e);
	}
	crm_db_put(st);
out:
	for (k = 0; k < r->nkeys; k++)
		crm_val_release(&v[k]);
	crm_buf_release(&sql);
	return found;
}

/*
 * Find the record a row names by its key; 1 found, 0 not, -1 error.
 * *keyed says whether the row has a key value at all.
 */
static int
match(struct run *r, const struct crm_record *rec, int64_t *id, int *keyed,
	struct crm_err *e)
{
	struct crm_val v = CRM_VAL_INIT;
	struct crm_buf sql = CRM_BUF_INIT;
	sqlite3_stmt *st;
	size_t i, k;
	int rc, found = 0;

	if (r->compound) {
		*keyed = 1;
		return match_compound(r, rec, id, e);
	}

	for (k = 0; k < r->nkeys; k++) {
		const struct crm_field *f = r->keys[k];

		for (i = 0; i < r->ncols && i < rec->n; i++)
			if (r->cols[i].t && r->cols[i].t->f == f &&
			    r->cols[i].t->role != R_NONE)
				break;
		if (i == r->ncols || i >= rec->n)
			continue;
		if (crm_field_parse(r->db, f, rec->f[i].buf, &v, e) < 0)
			return -1;
		if (v.kind == CRM_NULL)
			continue;
		*keyed = 1;
		crm_buf_reset(&sql);
		crm_buf_adds(&sql, "SELECT id FROM ");
		crm_sql_ident(&sql, r->e->table);
		crm_buf_adds(&sql, " WHERE ");
		crm_sql_ident(&sql, f->name);
		crm_buf_adds(&sql, " = ?1 LIMIT 2");
		st = crm_db_stmt(r->db, sql.buf, e);
		if (!st) {
			crm_val_release(&v);
			crm_buf_release(&sql);
			return -1;
		}
		crm_val_bind(&v, st, 1);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			*id = sqlite3_column_int64(st, 0);
			found++;
		}
		crm_db_put(st);
		if (rc != SQLITE_DONE) {
			crm_val_release(&v);
			crm_buf_release(&sql);
			return crm_db_fail(r->db, rc, "cannot match", e);
		}
		if (found > 1) {
			crm_err_set(e, CRM_EX_DATAERR, "%s '%s' names more "
				"than one %s", f->name, rec->f[i].buf,
				r->e->name);
			found = -1;
		}
		break;
	}
	crm_val_release(&v);
	crm_buf_release(&sql);
	return found;
}

/* The key's name in messages: "email", or "campaign+customer" for a key
 * of several fields. */
static const char *
key_name(const struct run *r)
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

/*
 * Does another record than self (0 for none) hold the value of one of
 * the unique fields assigned?  1 yes, 0 no, -1 with r->err set.
 */
static int
held_elsewhere(struct run *r, const struct crm_assigns *as, int64_t self)
{
	struct crm_val v = CRM_VAL_INIT;
	struct crm_err e = CRM_ERR_INIT;
	struct crm_buf sql = CRM_BUF_INIT;
	sqlite3_stmt *st;
	size_t i;
	int rc, held = 0;

	for (i = 0; i < as->n && !held; i++) {
		const struct crm_field *f = as->a[i].f;

		if (!(f->flags & CRM_F_UNIQUE) || f->type == CRM_T_REF ||
		    crm_field_parse(r->db, f, as->a[i].text, &v, &e) < 0 ||
		    v.kind == CRM_NULL) {
			crm_err_clear(&e);
			continue;
		}
		crm_buf_reset(&sql);
		crm_buf_adds(&sql, "SELECT id FROM ");
		crm_sql_ident(&sql, r->e->table);
		crm_buf_adds(&sql, " WHERE ");
		crm_sql_ident(&sql, f->name);
		crm_buf_adds(&sql, " = ?1 AND id <> ?2 LIMIT 1");
		st = crm_db_stmt(r->db, sql.buf, r->err);
		if (!st) {
			held = -1;
			break;
		}
		crm_val_bind(&v, st, 1);
		sqlite3_bind_int64(st, 2, self);
		rc = sqlite3_step(st);
		crm_db_put(st);
		if (rc == SQLITE_ROW)
			held = 1;
		else if (rc != SQLITE_DONE)
			held = crm_db_fail(r->db, rc, "cannot match", r->err);
		crm_val_release(&v);
	}
	crm_val_release(&v);
	crm_err_release(&e);
	crm_buf_release(&sql);
	return held;
}

/* Rows that wait are kept in memory: no more than these (a file of
 * values all held elsewhere has the rest rejected at once). */
#define LATER_MAX 100000

/* Append a copy of rec to the array *a of *n records (*alloc room). */
static void
push_record(struct crm_record **a, size_t *n, size_t *alloc,
	const struct crm_record *rec)
{
	if (*n == *alloc) {
		*alloc = *alloc ? *alloc * 2 : 8;
		*a = crm_xrealloc(*a, *alloc * sizeof(**a));
		memset(*a + *n, 0, (*alloc - *n) * sizeof(**a));
	}
	crm_record_copy(&(*a)[(*n)++], rec);
}

/* Keep a copy of rec for settle(). */
static void
keep_for_later(struct run *r, const struct crm_record *rec)
{
	push_record(&r->later, &r->nlater, &r->alater, rec);
}

static int import_record(struct run *r, const struct crm_record *rec);

/*
 * Values that go round, as when two records swap refs: each row that
 * waits wants a unique value that a record holds whose own row, waiting
 * too, gives it another.  Such a value is set aside (the field emptied)
 * so that the rows can be written in any order; the record's row writes
 * the field again.  Each is a change of the batch, which a revert undoes
 * last.  The number of values set aside, or -1.
 */
static int
park(struct run *r)
{
	struct crm_err e = CRM_ERR_INIT;
	struct crm_val v = CRM_VAL_INIT;
	struct crm_buf sql = CRM_BUF_INIT, old = CRM_BUF_INIT;
	size_t n = r->nlater, i, j, c;
	int64_t *targets = crm_xcalloc(n + 1, sizeof(*targets)), holder;
	sqlite3_stmt *st;
	int keyed, rc, count = -1;

	for (i = 0; i < n; i++) {
		const struct crm_record *row = resolve(r, &r->later[i], &e);

		if (!row || match(r, row, &targets[i], &keyed, &e) <= 0)
			targets[i] = 0;
		crm_err_clear(&e);
	}
	count = 0;
	for (i = 0; i < n && count >= 0; i++)
		for (c = 0; c < r->ncols && c < r->later[i].n; c++) {
			const struct target *t = r->cols[c].t;

			if (!t || t->role != R_FIELD || t->by ||
			    !(t->f->flags & CRM_F_UNIQUE) ||
			    t->f->type == CRM_T_REF ||
			    crm_field_parse(r->db, t->f, r->later[i].f[c].buf,
			    &v, &e) < 0 || v.kind == CRM_NULL) {
				crm_err_clear(&e);
				continue;
			}
			crm_buf_reset(&sql);
			crm_buf_adds(&sql, "SELECT id FROM ");
			crm_sql_ident(&sql, r->e->table);
			crm_buf_adds(&sql, " WHERE ");
			crm_sql_ident(&sql, t->f->name);
			crm_buf_adds(&sql, " = ?1 AND id <> ?2");
			st = crm_db_stmt(r->db, sql.buf, r->err);
			if (!st) {
				count = -1;
				break;
			}
			crm_val_bind(&v, st, 1);
			sqlite3_bind_int64(st, 2, targets[i]);
			rc = sqlite3_step(st);
			holder = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
			crm_db_put(st);
			crm_val_release(&v);
			if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
				count = crm_db_fail(r->db, rc, "cannot match",
					r->err);
				break;
			}
			/* The holder's own row must write the field again. */
			for (j = 0; holder && j < n; j++)
				if (j != i && targets[j] == holder &&
				    c < r->later[j].n &&
				    !crm_text_blank(r->later[j].f[c].buf))
					break;
			if (!holder || j == n)
				continue;
			if (snapshot(r, r->e, holder, &old) < 0) {
				count = -1;
				break;
			}
			crm_buf_reset(&sql);
			crm_buf_adds(&sql, "UPDATE ");
			crm_sql_ident(&sql, r->e->table);
			crm_buf_adds(&sql, " SET ");
			crm_sql_ident(&sql, t->f->name);
			crm_buf_adds(&sql, " = NULL WHERE id = ?1");
			st = crm_db_stmt(r->db, sql.buf, r->err);
			if (!st) {
				count = -1;
				break;
			}
			sqlite3_bind_int64(st, 1, holder);
			rc = sqlite3_step(st);
			crm_db_put(st);
			if (rc != SQLITE_DONE) {
				count = crm_db_fail(r->db, rc, "cannot set a "
					"value aside", r->err);
				break;
			}
			if (log_change(r, r->e, holder, "update", old.buf) < 0) {
				count = -1;
				break;
			}
			count++;
		}
	crm_val_release(&v);
	crm_err_release(&e);
	crm_buf_release(&sql);
	crm_buf_release(&old);
	free(targets);
	return count;
}

/*
 * One round over the rows that wait: each is tried again, and those that
 * still wait are kept for the next round (the two lists swap, their
 * buffers reused).  0, or -1 with r->err set.
 */
static int
round_later(struct run *r)
{
	struct crm_record *t = r->spare;
	size_t n = r->nlater, a = r->aspare, i;
	int ret = 0;

	r->spare = r->later;
	r->aspare = r->alater;
	r->later = t;
	r->alater = a;
	r->nlater = 0;
	for (i = 0; i < n && !ret && !r->im->aborted; i++) {
		ret = import_record(r, &r->spare[i]);
		if (!r->trial && r->im->max_rejects >= 0 &&
		    r->im->rejected > r->im->max_rejects)
			r->im->aborted = 1;
	}
	return ret;
}

/*
 * The rows wait for each other's values: set those aside (park()) and try
 * the rows, reporting nothing; when every one of them is written so, undo
 * the try and set the values aside for the next round to write them.  1
 * then, 0 when they cannot be (they are rejected), -1 on error.
 */
static int
free_cycle(struct run *r)
{
	struct crm_import *im = r->im;
	int64_t counts[4] = { im->inserted, im->updated, im->unchanged,
		im->rejected };
	struct crm_record *t;
	size_t n = r->nlater, a;
	int parked, ok = 0;

	if (savepoint(r, "SAVEPOINT cycle") < 0)
		return -1;
	parked = park(r);
	if (parked > 0) {
		r->trial = 1;
		r->trial_failed = 0;
		if (round_later(r) < 0)
			parked = -1;
		ok = !r->nlater && !r->trial_failed;
		r->trial = 0;
		im->inserted = counts[0];
		im->updated = counts[1];
		im->unchanged = counts[2];
		im->rejected = counts[3];
		/* The rows wait again, as they were. */
		t = r->later;
		a = r->alater;
		r->later = r->spare;
		r->alater = r->aspare;
		r->spare = t;
		r->aspare = a;
		r->nlater = n;
	}
	if (savepoint(r, "ROLLBACK TO cycle") < 0 ||
	    savepoint(r, "RELEASE cycle") < 0 || parked < 0)
		return -1;
	if (!parked || !ok)
		return 0;
	return park(r) < 0 ? -1 : 1;
}

/*
 * The rows that waited for a unique value, tried again while each round
 * writes some of them (a chain of refs moving on: each frees the next
 * one's); then, when they wait for each other (two records swapping
 * refs), with those values set aside; then once more, to be rejected.
 */
static int
settle(struct run *r)
{
	size_t n;
	int ret = 0, freed = 0;

	while (r->nlater && !ret && !r->im->aborted) {
		n = r->nlater;
		ret = round_later(r);
		if (ret || r->settling)
			break;
		if (r->nlater == n) {
			if (!freed) {
				freed = 1;
				ret = free_cycle(r);
				if (ret > 0) {
					ret = 0;
					continue;
				}
			}
			r->settling = 1;
		}
	}
	return ret < 0 ? -1 : 0;
}

static int
import_record(struct run *r, const struct crm_record *rec)
{
	struct crm_import *im = r->im;
	struct crm_assigns as = CRM_ASSIGNS_INIT;
	struct crm_err e = CRM_ERR_INIT;
	struct crm_buf old = CRM_BUF_INIT;
	const struct crm_record *row;
	const char *action = NULL;
	int64_t id = 0;
	size_t i;
	int found, keyed = 0, changed, ret = 0;

	/* The row as the fields take it (REF.FIELD as ids); rec as it came
	 * for what is written about it. */
	row = resolve(r, rec, &e);
	if (!row)
		goto failed;
	for (i = 0; i < r->ncols && i < row->n; i++)
		if (r->cols[i].t && r->cols[i].t->role != R_NONE)
			crm_assigns_add(&as, r->cols[i].t->f, row->f[i].buf);
	/* Into a table empty before the run only a row of this run could
	 * match, and the one row that holds a key is the one not
	 * superseded: no lookup finds anything. */
	found = r->max_id ? match(r, row, &id, &keyed, &e) : 0;
	/* A row without a key value is there already if a record holds
	 * all of its values: so running a file again adds nothing. */
	if (!found && !keyed && im->mode != CRM_IMPORT_UPDATE && r->max_id)
		found = crm_record_find_same(r->db, im->fs, &as, &id, &e);
	if (found < 0)
		goto failed;
	if (found && im->mode == CRM_IMPORT_INSERT) {
		if (keyed)
			crm_err_set(&e, CRM_EX_DATAERR, "%s '%s' exists "
				"already (%s %lld)", key_name(r),
				row_key(r, rec), r->e->name, (long long)id);
		else
			crm_err_set(&e, CRM_EX_DATAERR, "%s %lld holds these "
				"values already", r->e->name, (long long)id);
		goto failed;
	}
	if (found && !keyed) {
		im->unchanged++;
		if (!r->trial)
			plan(r, rec, "unchanged", NULL);
		goto out;
	}
	if (!found && im->mode == CRM_IMPORT_UPDATE) {
		crm_err_set(&e, CRM_EX_DATAERR, "no %s with %s '%s' to "
			"update", r->e->name, key_name(r), row_key(r, rec));
		goto failed;
	}
	if (found) {
		if (snapshot(r, r->e, id, &old) < 0)
			goto failed;
		if (crm_record_update(r->db, im->fs, id, &as, &changed,
		    &e) < 0)
			goto unwritten;
		if (changed && log_change(r, r->e, id, "update", old.buf) < 0)
			goto fatal;
		action = changed ? "update" : "unchanged";
		if (changed)
			im->updated++;
		else
			im->unchanged++;
	} else {
		/* A record it adds may keep the time it was created in the
		 * system the file comes from; one that exists keeps its own. */
		if (r->created >= 0 && (size_t)r->created < row->n)
			crm_assigns_add(&as, r->cols[r->created].t->f,
				row->f[r->created].buf);
		/* Logged all at once at the end: see log_inserts(). */
		if (crm_record_insert(r->db, im->fs, &as, &id, &e) < 0)
			goto unwritten;
		action = "insert";
		im->inserted++;
	}
	if (!r->trial)
		plan(r, rec, action, NULL);
	goto out;
unwritten:
	/* A unique value (a ref) another record holds may be one the file
	 * takes from it on a later row: a swap of two refs.  The row waits
	 * for the others, and is rejected only when they did not free it. */
	if (e.code == CRM_EX_DATAERR && !r->settling &&
	    r->nlater < LATER_MAX) {
		int held = held_elsewhere(r, &as, found ? id : 0);

		if (held < 0)
			goto fatal;
		if (held) {
			keep_for_later(r, rec);
			goto out;
		}
	}
failed:
	if (r->trial && (e.code == CRM_EX_DATAERR ||
	    e.code == CRM_EX_NOTFOUND || e.code == CRM_EX_USAGE)) {
		r->trial_failed = 1;
		goto out;
	}
	ret = row_failed(r, rec, &e);
	goto out;
fatal:
	ret = -1;
out:
	crm_assigns_release(&as);
	crm_err_release(&e);
	crm_buf_release(&old);
	return ret;
}

/* ---- inventory ---------------------------------------------------------- */

static int
import_stock(struct run *r, const struct crm_record *rec)
{
	struct crm_assigns as = CRM_ASSIGNS_INIT;
	struct crm_err e = CRM_ERR_INIT;
	struct crm_buf old = CRM_BUF_INIT;
	const char *sku = NULL, *stock = NULL;
	int64_t id;
	size_t i;
	int changed, ret = 0;

	for (i = 0; i < r->ncols && i < rec->n; i++) {
		if (!r->cols[i].t)
			continue;
		if (!strcmp(r->cols[i].t->name, "sku"))
			sku = rec->f[i].buf;
		else
			stock = rec->f[i].buf;
	}
	if (!sku || !*sku) {
		crm_err_set(&e, CRM_EX_DATAERR, "sku is required");
		goto failed;
	}
	if (crm_record_find_by(r->db, r->e, "sku", sku, &id, &e) < 0)
		goto failed;
	if (!stock || !*stock) {
		crm_err_set(&e, CRM_EX_DATAERR, "stock is required");
		goto failed;
	}
	crm_assigns_add(&as, crm_fieldset_find(r->im->fs, "stock"), stock);
	if (snapshot(r, r->e, id, &old) < 0 ||
	    crm_record_update(r->db, r->im->fs, id, &as, &changed, &e) < 0)
		goto failed;
	if (changed && log_change(r, r->e, id, "update", old.buf) < 0)
		goto fatal;
	if (changed)
		r->im->updated++;
	else
		r->im->unchanged++;
	plan(r, rec, changed ? "update" : "unchanged", NULL);
	goto out;
failed:
	if (e.code == CRM_EX_NOTFOUND)
		e.code = CRM_EX_DATAERR;
	ret = row_failed(r, rec, &e);
	goto out;
fatal:
	ret = -1;
out:
	crm_assigns_release(&as);
	crm_err_release(&e);
	crm_buf_release(&old);
	return ret;
}

/*
 * --missing zero: every product the file did not name goes to 0.  The
 * first pass noted every SKU the file names, rows rejected later too: a
 * row with a bad stock figure must not zero its product.
 */
static int
zero_missing(struct run *r)
{
	static const char sql[] =
		"SELECT id FROM products\n"
		"WHERE stock <> 0\n"
		"  AND sku NOT IN (SELECT key FROM temp.import_keys)";
	struct crm_assigns as = CRM_ASSIGNS_INIT;
	struct crm_buf old = CRM_BUF_INIT;
	sqlite3_stmt *st;
	int64_t *ids = NULL;
	size_t n = 0, i;
	int rc, changed, ret = -1;

	st = crm_db_prepare(r->db, sql, r->err);
	if (!st)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ids = crm_xrealloc(ids, (n + 1) * sizeof(*ids));
		ids[n++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		crm_db_fail(r->db, rc, "cannot find missing products", r->err);
		goto out;
	}
	crm_assigns_add(&as, crm_fieldset_find(r->im->fs, "stock"), "0");
	for (i = 0; i < n; i++) {
		if (snapshot(r, r->e, ids[i], &old) < 0 ||
		    crm_record_update(r->db, r->im->fs, ids[i], &as, &changed,
		    r->err) < 0)
			goto out;
		if (changed && log_change(r, r->e, ids[i], "update",
		    old.buf) < 0)
			goto out;
		r->im->updated += changed;
	}
	ret = 0;
out:
	free(ids);
	crm_assigns_release(&as);
	crm_buf_release(&old);
	return ret;
}

/* ---- orders ------------------------------------------------------------- */

/* The cell of the column that gives the target called name (or its
 * field, as REF.FIELD does: customer.email for customer). */
static const char *
cell(const struct run *r, const struct crm_record *rec, const char *name)
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

static void
group_add(struct run *r, const struct crm_record *rec)
{
	push_record(&r->group, &r->ngroup, &r->agroup, rec);
}

/* Reject every row of the order with one reason. */
static void
reject_group(struct run *r, const char *reason)
{
	size_t i;

	for (i = 0; i < r->ngroup; i++)
		reject(r, &r->group[i], reason);
}

/*
 * The products an order write may change the stock of: those of the new
 * lines and those of order id's present lines.  Their snapshots go to the
 * batch after the write, so that revert puts the stock back.
 */
struct stock_log {
	int64_t *ids;
	struct crm_buf *old;
	size_t n;
};

static int
stock_before(struct run *r, int64_t id, const struct crm_line *lines,
	size_t nlines, struct stock_log *sl)
{
	static const char sql[] =
		"SELECT DISTINCT product FROM order_lines WHERE \"order\" = ?1";
	const struct crm_entity *pe = crm_entity_find("product");
	sqlite3_stmt *st;
	size_t i, j, cap = nlines;
	int rc;

	sl->ids = crm_xcalloc(cap + 1, sizeof(*sl->ids));
	for (i = 0; i < nlines; i++) {
		for (j = 0; j < sl->n && sl->ids[j] != lines[i].product; j++)
			;
		if (j == sl->n)
			sl->ids[sl->n++] = lines[i].product;
	}
	if (id) {
		st = crm_db_stmt(r->db, sql, r->err);
		if (!st)
			return -1;
		sqlite3_bind_int64(st, 1, id);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			int64_t p = sqlite3_column_int64(st, 0);

			for (j = 0; j < sl->n && sl->ids[j] != p; j++)
				;
			if (j < sl->n)
				continue;
			if (sl->n == cap) {
				cap = cap * 2 + 4;
				sl->ids = crm_xrealloc(sl->ids,
					cap * sizeof(*sl->ids));
			}
			sl->ids[sl->n++] = p;
		}
		crm_db_put(st);
		if (rc != SQLITE_DONE)
			return crm_db_fail(r->db, rc, "cannot read lines",
				r->err);
	}
	sl->old = crm_xcalloc(sl->n + 1, sizeof(*sl->old));
	for (i = 0; i < sl->n; i++) {
		crm_buf_init(&sl->old[i]);
		if (snapshot(r, pe, sl->ids[i], &sl->old[i]) < 0)
			return -1;
	}
	return 0;
}

/* Log the products the write changed (their stock, or its time). */
static int
stock_after(struct run *r, struct stock_log *sl)
{
	const struct crm_entity *pe = crm_entity_find("product");
	struct crm_buf now = CRM_BUF_INIT;
	size_t i;
	int ret = 0;

	for (i = 0; i < sl->n && !ret; i++) {
		ret = snapshot(r, pe, sl->ids[i], &now);
		if (!ret && strcmp(now.buf, sl->old[i].buf))
			ret = log_change(r, pe, sl->ids[i], "update",
				sl->old[i].buf);
	}
	crm_buf_release(&now);
	return ret;
}

static void
stock_log_release(struct stock_log *sl)
{
	size_t i;

	for (i = 0; sl->old && i < sl->n; i++)
		crm_buf_release(&sl->old[i]);
	free(sl->old);
	free(sl->ids);
	memset(sl, 0, sizeof(*sl));
}

/* Does order id hold stock its lines took?  1 yes, 0 no, -1 error. */
static int
holds_stock(struct run *r, int64_t id)
{
	static const char sql[] = "SELECT stock_taken FROM orders WHERE id = ?1";
	sqlite3_stmt *st = crm_db_stmt(r->db, sql, r->err);
	int rc, held = 0;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		held = sqlite3_column_int(st, 0) != 0;
	crm_db_put(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return crm_db_fail(r->db, rc, "cannot read an order", r->err);
	return held;
}

static int unadd(struct crm_db *db, const struct crm_entity *e, int64_t id,
	struct crm_err *err);

static int
flush_order(struct run *r)
{
	static const char *const order_fields[] = {
		"customer", "ordered_at", "status", "campaign"
	};
	struct crm_import *im = r->im;
	struct crm_assigns as = CRM_ASSIGNS_INIT;
	struct crm_err e = CRM_ERR_INIT;
	struct crm_buf spec = CRM_BUF_INIT, old = CRM_BUF_INIT;
	struct crm_line *lines;
	struct stock_log sl = { NULL, NULL, 0 };
	const struct crm_record *first;
	const char *action, *status;
	int64_t id = 0;
	size_t i;
	int found, keyed = 0, ret = 0, take, cancelled, held = 0, saved = 0;

	if (!r->ngroup)
		return 0;
	lines = crm_xcalloc(r->ngroup, sizeof(*lines));
	crm_assigns_add(&as, crm_fieldset_find(im->fs, "ref"),
		r->group_ref.buf);
	/* The order's fields come from its first row, REF.FIELD as ids. */
	first = resolve(r, &r->group[0], &e);
	if (!first) {
		struct crm_err e2 = CRM_ERR_INIT;

		crm_err_set(&e2, e.code, "order '%s' rejected whole: %s",
			r->group_ref.buf, e.msg.buf);
		crm_err_clear(&e);
		crm_err_set(&e, e2.code, "%s", e2.msg.buf);
		crm_err_release(&e2);
		goto failed;
	}
	for (i = 0; i < sizeof(order_fields) / sizeof(order_fields[0]); i++) {
		const char *v = cell(r, first, order_fields[i]);

		if (v && *v)
			crm_assigns_add(&as, crm_fieldset_find(im->fs,
				order_fields[i]), v);
	}
	for (i = 0; i < im->fs->n; i++) {
		const struct crm_field *f = im->fs->f[i];
		const char *v;

		if ((f->flags & CRM_F_CUSTOM) &&
		    (v = cell(r, first, f->name)) && *v)
			crm_assigns_add(&as, f, v);
	}
	for (i = 0; i < r->ngroup; i++) {
		const char *sku = cell(r, &r->group[i], "sku");
		const char *qty = cell(r, &r->group[i], "quantity");
		const char *price = cell(r, &r->group[i], "unit_price");

		crm_buf_reset(&spec);
		crm_buf_addf(&spec, "%s:%s", sku ? sku : "", qty ? qty : "");
		if (price && *price)
			crm_buf_addf(&spec, ":%s", price);
		if (crm_line_parse(r->db, spec.buf, 1, &lines[i], &e) < 0) {
			struct crm_err e2 = CRM_ERR_INIT;
			const char *why = e.msg.buf, *p;

			/* "line 'SKU:QTY': reason" says less than the
			 * file's line number does. */
			if (!strncmp(why, "line '", 6) &&
			    (p = strstr(why, "': ")))
				why = p + 3;
			crm_err_set(&e2, CRM_EX_DATAERR, "order '%s' "
				"rejected whole: line %lld: %s",
				r->group_ref.buf, (long long)r->group[i].line,
				why);
			crm_err_clear(&e);
			crm_err_set(&e, CRM_EX_DATAERR, "%s", e2.msg.buf);
			crm_err_release(&e2);
			goto failed;
		}
	}
	status = cell(r, &r->group[0], "status");
	cancelled = status && !strcasecmp(status, "cancelled");
	take = im->take_stock && !cancelled;
	found = match(r, &r->group[0], &id, &keyed, &e);
	if (found < 0)
		goto failed;
	if (found && im->mode == CRM_IMPORT_INSERT) {
		crm_err_set(&e, CRM_EX_DATAERR, "order '%s' exists already "
			"(order %lld)", r->group_ref.buf, (long long)id);
		goto failed;
	}
	if (!found && im->mode == CRM_IMPORT_UPDATE) {
		crm_err_set(&e, CRM_EX_DATAERR, "no order '%s' to update",
			r->group_ref.buf);
		goto failed;
	}
	/* Stock moves with --take-stock, and when an order that took
	 * stock gets other lines (crm_order_replace() gives it back). */
	if (!im->take_stock && found) {
		held = holds_stock(r, id);
		if (held < 0)
			goto fatal;
	}
	if ((im->take_stock || held) &&
	    stock_before(r, found ? id : 0, lines, r->ngroup, &sl) < 0)
		goto fatal;
	/* A savepoint undoes a failed order's writes, at a price: SQLite
	 * copies each page the order changes into a statement journal, a
	 * file once it outgrows 64 KiB, and that took 40 % of a large
	 * import.  A new order that takes no stock does without: its first
	 * write is one INSERT, all or nothing, and should a line fail after
	 * it, unadd() deletes the order, its lines going along. */
	if (found || take) {
		if (savepoint(r, "SAVEPOINT row") < 0)
			goto fatal;
		saved = 1;
	}
	if (found) {
		int changed;

		if (snapshot(r, r->e, id, &old) < 0 ||
		    crm_order_replace(r->db, im->fs, id, &as, lines,
		    r->ngroup, im->take_stock, cancelled, &changed, &e) < 0)
			goto failed;
		if (changed && log_change(r, r->e, id, "update", old.buf) < 0)
			goto fatal;
		action = changed ? "update" : "unchanged";
		if (changed)
			im->updated += (int64_t)r->ngroup;
		else
			im->unchanged += (int64_t)r->ngroup;
	} else {
		id = 0;
		if (crm_order_add(r->db, im->fs, &as, lines, r->ngroup, take,
		    &id, &e) < 0) {
			if (!saved && id && unadd(r->db, r->e, id, r->err) < 0)
				goto fatal;
			goto failed;
		}
		/* Logged all at once at the end: see log_inserts(). */
		action = "insert";
		im->inserted += (int64_t)r->ngroup;
	}
	if (stock_after(r, &sl) < 0 ||
	    (saved && savepoint(r, "RELEASE row") < 0))
		goto fatal;
	for (i = 0; i < r->ngroup; i++)
		plan(r, &r->group[i], action, NULL);
	goto out;
failed:
	if (saved && (savepoint(r, "ROLLBACK TO row") < 0 ||
	    savepoint(r, "RELEASE row") < 0))
		goto fatal;
	if (e.code != CRM_EX_DATAERR && e.code != CRM_EX_NOTFOUND &&
	    e.code != CRM_EX_USAGE) {
		crm_err_set(r->err, e.code, "%s", e.msg.buf);
		goto fatal;
	}
	reject_group(r, e.msg.buf);
	goto out;
fatal:
	ret = -1;
out:
	stock_log_release(&sl);
	r->ngroup = 0;
	free(lines);
	crm_assigns_release(&as);
	crm_err_release(&e);
	crm_buf_release(&spec);
	crm_buf_release(&old);
	return ret;
}

static int
import_line(struct run *r, const struct crm_record *rec)
{
	const char *ref = cell(r, rec, "order_ref");

	if (!ref || !*ref) {
		if (flush_order(r) < 0)
			return -1;
		reject(r, rec, "order_ref is required");
		return 0;
	}
	if (r->ngroup && strcmp(ref, r->group_ref.buf) && flush_order(r) < 0)
		return -1;
	if (!r->ngroup)
		crm_buf_sets(&r->group_ref, ref);
	group_add(r, rec);
	return 0;
}

/* ---- repeated keys ------------------------------------------------------ */

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
		s = cell(r, rec, r->im->kind == CRM_IMPORT_ORDERS ?
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

static int all_empty(const struct crm_record *rec);

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

/* A key seen before on another line: line wins, the other loses. */
static int
key_again(struct run *r, const struct crm_buf *key, int64_t line)
{
	static const char *const sql[] = {
		"SELECT line FROM temp.import_keys WHERE key = ?1",
		"UPDATE temp.import_keys SET line = ?2 WHERE key = ?1"
	};
	size_t i;
	int rc = SQLITE_DONE;

	for (i = 0; i < 2 && rc == SQLITE_DONE; i++) {
		sqlite3_stmt *st = crm_db_stmt(r->db, sql[i], r->err);

		if (!st)
			return SQLITE_ERROR;
		sqlite3_bind_text(st, 1, key->buf, (int)key->len,
			SQLITE_STATIC);
		if (i)
			sqlite3_bind_int64(st, 2, line);
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			mark_lost(r, sqlite3_column_int64(st, 0));
			rc = SQLITE_DONE;
		}
		crm_db_put(st);
	}
	return rc;
}

/*
 * First pass: for each key, the line that wins - the last row with it, or
 * for orders the first row of the last group of rows with its order_ref.
 */
static int
scan_keys(struct run *r, struct crm_reader *rd)
{
	static const char sql[] =
		"INSERT OR IGNORE INTO temp.import_keys (key, line)\n"
		"VALUES (?1, ?2)";
	struct crm_record rec;
	struct crm_buf key = CRM_BUF_INIT;
	sqlite3_stmt *st;
	int got, rc, ret = -1;

	memset(&rec, 0, sizeof(rec));
	if (crm_db_exec(r->db, "CREATE TEMP TABLE IF NOT EXISTS import_keys "
	    "(key TEXT PRIMARY KEY, line INTEGER NOT NULL) WITHOUT ROWID;"
	    "DELETE FROM temp.import_keys", r->err) < 0)
		return -1;
	st = crm_db_stmt(r->db, sql, r->err);
	if (!st)
		return -1;
	while ((got = crm_reader_next(rd, &rec, r->err)) > 0) {
		/* Blank rows are passed over, as pass 2 does. */
		if (!rec.bad && all_empty(&rec))
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
		sqlite3_bind_text(st, 1, key.buf, (int)key.len, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, rec.line);
		rc = sqlite3_step(st);
		sqlite3_reset(st);
		/* Seen before (rare): this line wins over the one noted. */
		if (rc == SQLITE_DONE && sqlite3_changes(crm_db_sqlite(r->db)) == 0)
			rc = key_again(r, &key, rec.line);
		if (rc != SQLITE_DONE) {
			crm_db_fail(r->db, rc, "cannot note keys", r->err);
			goto out;
		}
	}
	if (got == 0)
		ret = 0;
out:
	crm_db_put(st);
	crm_record_release(&rec);
	crm_buf_release(&key);
	return ret;
}

/*
 * Does a later row with the same key win over this one?  *winner gets its
 * line.  For orders every row of the winning group wins.
 */
static int
superseded(struct run *r, const struct crm_record *rec, int64_t *winner)
{
	static const char sql[] =
		"SELECT line FROM temp.import_keys WHERE key = ?1";
	struct crm_buf key = CRM_BUF_INIT;
	sqlite3_stmt *st;
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
	st = crm_db_stmt(r->db, sql, r->err);
	if (st) {
		sqlite3_bind_text(st, 1, key.buf, (int)key.len, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW) {
			*winner = sqlite3_column_int64(st, 0);
			lost = r->im->kind == CRM_IMPORT_ORDERS ?
				rec->line < *winner : rec->line != *winner;
		}
		crm_db_put(st);
	}
	crm_buf_release(&key);
	return lost;
}

/* ---- the run ------------------------------------------------------------ */

static int
begin_batch(struct run *r)
{
	static const char sql[] =
		"INSERT INTO import_batches\n"
		"       (started_at, user, entity, file, sha256, rows_read,\n"
		"        inserted, updated, unchanged, rejected)\n"
		"VALUES (?1, ?2, ?3, ?4, '', 0, 0, 0, 0, 0)";
	sqlite3_stmt *st = crm_db_prepare(r->db, sql, r->err);
	const char *entity = r->im->kind == CRM_IMPORT_INVENTORY ?
		"inventory" : r->e->plural;
	struct crm_buf name = CRM_BUF_INIT;
	int rc;

	if (!st)
		return -1;
	/* A file name is bytes: the log keeps text (U+FFFD for the rest). */
	crm_text_repair(r->im->name, strlen(r->im->name), &name);
	sqlite3_bind_text(st, 1, r->now, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, crm_user(), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, entity, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, name.buf, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	crm_buf_release(&name);
	if (rc != SQLITE_DONE)
		return crm_db_fail(r->db, rc, "cannot start the batch", r->err);
	r->im->batch = sqlite3_last_insert_rowid(crm_db_sqlite(r->db));
	return 0;
}

static int
end_batch(struct run *r, const char *sha)
{
	static const char sql[] =
		"UPDATE import_batches\n"
		"SET sha256 = ?2, rows_read = ?3, inserted = ?4, updated = ?5,\n"
		"    unchanged = ?6, rejected = ?7\n"
		"WHERE id = ?1";
	sqlite3_stmt *st = crm_db_prepare(r->db, sql, r->err);
	const struct crm_import *im = r->im;
	int rc;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, im->batch);
	sqlite3_bind_text(st, 2, sha, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, im->read);
	sqlite3_bind_int64(st, 4, im->inserted);
	sqlite3_bind_int64(st, 5, im->updated);
	sqlite3_bind_int64(st, 6, im->unchanged);
	sqlite3_bind_int64(st, 7, im->rejected);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return crm_db_fail(r->db, rc, "cannot end the batch", r->err);
	return 0;
}

static int
all_empty(const struct crm_record *rec)
{
	size_t i;

	for (i = 0; i < rec->n; i++)
		if (rec->f[i].len)
			return 0;
	return 1;
}

/* A row's own problems, before any field is looked at. */
static const char *
row_problem(const struct run *r, const struct crm_record *rec)
{
	static char msg[96];
	size_t i;

	if (rec->bad)
		return rec->reason;
	if (rec->n != r->header.n) {
		snprintf(msg, sizeof(msg), "%zu fields, but the header has "
			"%zu", rec->n, r->header.n);
		return msg;
	}
	for (i = 0; i < rec->n; i++)
		if (memchr(rec->f[i].buf, '\0', rec->f[i].len) ||
		    !crm_text_valid(rec->f[i].buf, rec->f[i].len))
			return "not UTF-8 text (name the file's encoding "
				"with --encoding)";
	return NULL;
}

/*
 * The records of a run's entity that the run inserted: SQLite gives a new
 * row the largest id plus one, and nobody else writes during the run, so
 * they are those above the largest id before it.  One statement logs
 * them all, instead of one per row.
 */
static int
log_inserts(struct run *r)
{
	struct crm_buf sql = CRM_BUF_INIT;
	sqlite3_stmt *st;
	int rc;

	crm_buf_adds(&sql, "INSERT INTO import_changes\n"
		"       (batch, tbl, record, action, stamp)\n"
		"SELECT ?1, ?2, t.id, 'insert', crm_digest(");
	json_expr(r->db, r->e, &sql);
	crm_buf_adds(&sql, ") FROM ");
	crm_sql_ident(&sql, r->e->table);
	crm_buf_adds(&sql, " AS t\nWHERE t.id > ?3 ORDER BY t.id");
	st = crm_db_prepare(r->db, sql.buf, r->err);
	crm_buf_release(&sql);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, r->im->batch);
	sqlite3_bind_text(st, 2, r->e->table, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, r->max_id);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return crm_db_fail(r->db, rc, "cannot log the batch", r->err);
	return 0;
}

/* ---- the search index and the other indexes, in bulk ------------------ */

/*
 * A table with a full-text index notes its changed rows through triggers
 * for crm to fold into the index (search.h), one row at a time.  For a
 * run the triggers are set aside (inside the transaction, so a killed run
 * leaves them as they were) and the index is brought up to date at the end
 * in two statements: out go the old values of the records the batch
 * updated, in go the present values of every record it touched.
 *
 * A run into an empty table (the first load) sets aside its indexes that
 * enforce nothing, too, and builds them again at the end: one sort costs
 * less than a random B-tree insert per row once the index outgrows the
 * page cache.  The unique ones stay: they are what matches a row and
 * refuses a duplicate.  Into a table that holds records they stay, for
 * a row without a key is looked up by its values.
 */
struct hold {
	char **sql;		/* the triggers' and indexes' CREATE statements */
	size_t n;
};

static int
suspend(struct crm_db *db, const char *table, struct hold *h, int indexes,
	struct crm_err *err)
{
	static const char sql[] =
		"SELECT m.type, m.name, m.sql FROM sqlite_master AS m\n"
		"WHERE m.tbl_name = ?1 AND (m.type = 'trigger' OR\n"
		"       (?2 AND m.type = 'index' AND m.sql IS NOT NULL AND\n"
		"        NOT (SELECT i.\"unique\" FROM pragma_index_list(?1) AS i\n"
		"             WHERE i.name = m.name)))\n"
		/* Indexes first: put back in this order, a second run finds
		 * the schema as the first left it. */
		"ORDER BY m.type = 'trigger', m.rowid";
	struct crm_buf drop = CRM_BUF_INIT;
	sqlite3_stmt *st;
	int rc, ret = 0;

	/* Changes noted before the run go into the index first: from here
	 * on fts_batch() takes the index to be in step with the table. */
	if (crm_search_fold(db, err) < 0)
		return -1;
	st = crm_db_prepare(db, sql, err);
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, indexes);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		h->sql = crm_xrealloc(h->sql, (h->n + 1) * sizeof(*h->sql));
		h->sql[h->n++] = crm_strdup((const char *)
			sqlite3_column_text(st, 2));
		crm_buf_addf(&drop, "DROP %s ",
			!strcmp((const char *)sqlite3_column_text(st, 0),
			"index") ? "INDEX" : "TRIGGER");
		crm_sql_ident(&drop, (const char *)sqlite3_column_text(st, 1));
		crm_buf_adds(&drop, ";\n");
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		ret = crm_db_fail(db, rc, "cannot read the indexes", err);
	else if (drop.len)
		ret = crm_db_exec(db, drop.buf, err);
	crm_buf_release(&drop);
	return ret;
}

/* What fts_batch() does with the search index of a batch's records. */
enum fts_rows {
	FTS_OLD_OUT,	/* out: the records it updated, as they were */
	FTS_NOW_OUT,	/* out: all it changed, as the table holds them */
	FTS_NOW_IN	/* in: all it changed that the table holds */
};

/*
 * One statement over the search index of e for the records batch
 * changed (see above).  An import takes out what it updated, as the
 * snapshots hold it, and puts in all it changed; a revert takes out all
 * of it before, and puts in what is left after.
 */
static int
fts_batch(struct crm_db *db, const struct crm_entity *e, int64_t batch,
	enum fts_rows what, struct crm_err *err)
{
	/* FTS_OLD_OUT: each record's first snapshot in the batch */
	static const char snapshots[] =
		"FROM import_changes AS c\n"
		"WHERE c.batch = ?1 AND c.tbl = ?2 AND c.action = 'update'\n"
		"  AND c.rowid = (SELECT min(d.rowid) FROM import_changes AS d\n"
		"                 WHERE d.batch = c.batch AND d.tbl = c.tbl\n"
		"                   AND d.record = c.record)";
	/* the others: the table, as "t" */
	static const char records[] =
		" AS t\n"
		"WHERE t.id IN (SELECT record FROM import_changes\n"
		"               WHERE batch = ?1 AND tbl = ?2)";
	struct crm_buf cols = CRM_BUF_INIT, vals = CRM_BUF_INIT,
		sql = CRM_BUF_INIT;
	sqlite3_stmt *st;
	int rc, ret = -1;

	/* The index's columns, as the schema made it. */
	st = crm_db_prepare(db, "SELECT name FROM pragma_table_info(?1)", err);
	if (!st)
		goto out;
	sqlite3_bind_text(st, 1, e->fts, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *c = (const char *)sqlite3_column_text(st, 0);

		crm_buf_adds(&cols, ", ");
		crm_sql_ident(&cols, c);
		if (what == FTS_OLD_OUT) {
			crm_buf_addf(&vals, ", json_extract(c.old, '$.%s')", c);
		} else {
			crm_buf_adds(&vals, ", t.");
			crm_sql_ident(&vals, c);
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		crm_db_fail(db, rc, "cannot read the search index", err);
		goto out;
	}
	crm_buf_adds(&sql, "INSERT INTO ");
	crm_sql_ident(&sql, e->fts);
	crm_buf_adds(&sql, " (");
	if (what != FTS_NOW_IN) {
		crm_sql_ident(&sql, e->fts);
		crm_buf_adds(&sql, ", ");
	}
	crm_buf_addf(&sql, "rowid%s)\nSELECT %s%s%s\n", cols.buf,
		what == FTS_NOW_IN ? "" : "'delete', ",
		what == FTS_OLD_OUT ? "c.record" : "t.id", vals.buf);
	if (what == FTS_OLD_OUT) {
		crm_buf_adds(&sql, snapshots);
	} else {
		crm_buf_adds(&sql, "FROM ");
		crm_sql_ident(&sql, e->table);
		crm_buf_adds(&sql, records);
	}
	st = crm_db_prepare(db, sql.buf, err);
	if (!st)
		goto out;
	sqlite3_bind_int64(st, 1, batch);
	sqlite3_bind_text(st, 2, e->table, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		crm_db_fail(db, rc, "cannot update the search index", err);
		goto out;
	}
	ret = 0;
out:
	crm_buf_release(&cols);
	crm_buf_release(&vals);
	crm_buf_release(&sql);
	return ret;
}

/* Put back what suspend() set aside. */
static int
resume(struct crm_db *db, struct hold *h, struct crm_err *err)
{
	size_t i;

	for (i = 0; i < h->n; i++)
		if (crm_db_exec(db, h->sql[i], err) < 0)
			return -1;
	return 0;
}

static void
hold_release(struct hold *h)
{
	size_t i;

	for (i = 0; i < h->n; i++)
		free(h->sql[i]);
	free(h->sql);
}

/* Read the header and check it; 0, or -1 with r->err set. */
static int
read_header(struct run *r, struct crm_reader *rd)
{
	int got = crm_reader_next(rd, &r->header, r->err);

	if (got < 0)
		return -1;
	if (got && r->header.bad && r->header.n > CRM_READER_MAX_FIELDS)
		return crm_err_set(r->err, CRM_EX_USAGE, "line %lld: the "
			"header has more than %d columns", (long long)
			r->header.line, CRM_READER_MAX_FIELDS);
	if (got == 0)
		return crm_err_set(r->err, CRM_EX_DATAERR, "no header line: "
			"the file is empty");
	if (r->header.bad)
		return crm_err_set(r->err, CRM_EX_DATAERR, "line %lld: the "
			"header cannot be read: %s", (long long)r->header.line,
			r->header.reason);
	return 0;
}

/* Open the rejects and plan writers. */
static void
begin_outputs(struct run *r)
{
	static const char *const plan_cols[] = {
		"line", "action", "key", "reason"
	};
	const struct crm_import *im = r->im;

	if (im->rejects) {
		const char **names = crm_xcalloc(r->header.n + 2,
			sizeof(*names));
		struct crm_buf enc = CRM_BUF_INIT;
		size_t i, n = 0;
		enum crm_fmt fmt;
		int own = 0;

		for (i = 0; i < r->header.n; i++) {
			names[n++] = r->header.f[i].buf;
			own |= !strcmp(names[i], "_line") ||
				!strcmp(names[i], "_error");
		}
		if (!own) {
			names[n++] = "_line";
			names[n++] = "_error";
		}
		/* In the input's encoding, which the reader knew.  The rows'
		 * text came from it; a character of an _error that it lacks
		 * (a date message's 年) is written as iconv transliterates
		 * it, '?' at worst, so a reason never fails the file. */
		fmt = im->delim == '\t' ? CRM_FMT_TSV :
			im->delim ? CRM_FMT_CSV : CRM_FMT_JSON;
		if (im->encoding)
			crm_buf_addf(&enc, "%s//TRANSLIT", im->encoding);
		if (crm_out_begin_enc(&r->rej, im->rejects, fmt, 1, names, n,
		    im->encoding ? enc.buf : NULL, 0, r->err) < 0) {
			crm_err_clear(r->err);
			crm_out_begin(&r->rej, im->rejects, fmt, 1, names, n);
		}
		crm_buf_release(&enc);
		free(names);
	}
	if (im->plan)
		crm_out_begin(&r->plan, im->plan, CRM_FMT_TSV, 1, plan_cols, 4);
}

/* Second pass: every row, written. */
static int
write_rows(struct run *r, struct crm_reader *rd)
{
	struct crm_import *im = r->im;
	struct crm_record rec;
	char why[64];
	int64_t winner;
	int got, ret = -1;

	memset(&rec, 0, sizeof(rec));
	while ((got = crm_reader_next(rd, &rec, r->err)) > 0) {
		const char *problem;

		if (!rec.bad && all_empty(&rec))
			continue;
		im->read++;
		problem = row_problem(r, &rec);
		if (problem) {
			if (im->kind == CRM_IMPORT_ORDERS && flush_order(r) < 0)
				goto out;
			reject(r, &rec, problem);
		} else if (superseded(r, &rec, &winner)) {
			r->repeated++;
			snprintf(why, sizeof(why), "repeated key: line %lld "
				"wins", (long long)winner);
			plan(r, &rec, "skip", why);
		} else if ((im->kind == CRM_IMPORT_RECORDS ?
		    import_record(r, &rec) : im->kind == CRM_IMPORT_ORDERS ?
		    import_line(r, &rec) : import_stock(r, &rec)) < 0) {
			goto out;
		}
		if (r->err->code)
			goto out;
		if (im->max_rejects >= 0 && im->rejected > im->max_rejects) {
			im->aborted = 1;
			break;
		}
		if (im->progress && (im->read & 1023) == 0)
			im->progress(im->progress_arg, im->read,
				crm_reader_offset(rd));
	}
	if (got < 0)
		goto out;
	if (!im->aborted && settle(r) < 0)
		goto out;
	if (!im->aborted && im->kind == CRM_IMPORT_ORDERS && flush_order(r) < 0)
		goto out;
	if (!im->aborted && im->missing_zero && zero_missing(r) < 0)
		goto out;
	ret = 0;
out:
	crm_record_release(&rec);
	return ret;
}

int
crm_import_run(struct crm_db *db, struct crm_import *im, FILE *fp,
	struct crm_err *err)
{
	struct run r;
	struct crm_reader *rd = NULL;
	struct crm_buf now = CRM_BUF_INIT;
	struct stat st;
	FILE *spool = NULL, *again;
	struct hold hold = { NULL, 0 };
	char sha[65];
	int ret = -1, bulk = 0, cache = 0;

	memset(&r, 0, sizeof(r));
	crm_buf_init(&r.group_ref);
	crm_buf_init(&r.last_ref);
	r.db = db;
	r.im = im;
	r.err = err;
	r.e = im->fs->entity;
	crm_now(&now);
	snprintf(r.now, sizeof(r.now), "%s", now.buf);
	crm_buf_release(&now);
	im->read = im->inserted = im->updated = im->unchanged = 0;
	im->rejected = im->repeated = 0;
	im->aborted = 0;
	make_targets(&r);

	/* A page cache of 64 MiB (SQLite's default is 2 MiB) holds the
	 * indexes a large run writes at random, another pass 1's keys:
	 * memory bounded by them, not by the file.  Records' keys (emails)
	 * come in any order and want 32 MiB; orders' refs mostly rise, so
	 * their keys go in at the B-tree's right edge, and 8 MiB do (32
	 * would leave a run of a million lines with it half empty). */
	cache = crm_db_int(db, "PRAGMA cache_size", -2000);
	if (crm_db_exec(db, "PRAGMA cache_size = -65536", err) < 0 ||
	    crm_db_exec(db, im->kind == CRM_IMPORT_RECORDS ?
	    "PRAGMA temp.cache_size = -32768" :
	    "PRAGMA temp.cache_size = -8192", err) < 0)
		goto out;
	/* Pass 1 notes which row wins for each key; a stream that cannot
	 * be read twice is kept in a temporary file for pass 2. */
	rd = crm_reader_new(fp, im->delim, im->encoding, err);
	if (!rd)
		goto out;
	crm_reader_nohash(rd);
	if (fstat(fileno(fp), &st) < 0 || !S_ISREG(st.st_mode) ||
	    fseeko(fp, 0, SEEK_CUR) < 0) {
		spool = tmpfile();
		if (!spool) {
			crm_err_set(err, CRM_EX_CANTCREAT, "cannot create a "
				"temporary file: %s", strerror(errno));
			goto out;
		}
		crm_reader_tee(rd, spool);
	}
	if (read_header(&r, rd) < 0 || map_header(&r) < 0 ||
	    check_columns(&r) < 0 || scan_keys(&r, rd) < 0)
		goto out;
	crm_reader_free(rd);
	rd = NULL;
	again = spool ? spool : fp;
	if (fseeko(again, 0, SEEK_SET) < 0) {
		crm_err_set(err, CRM_EX_IOERR, "cannot read the input again: "
			"%s", strerror(errno));
		goto out;
	}
	rd = crm_reader_new(again, im->delim, im->encoding, err);
	crm_record_release(&r.header);
	if (!rd || read_header(&r, rd) < 0)
		goto out;

	if (begin_batch(&r) < 0)
		goto out;
	if (im->kind != CRM_IMPORT_INVENTORY) {
		struct crm_buf q = CRM_BUF_INIT;

		crm_buf_adds(&q, "SELECT coalesce(max(id), 0) FROM ");
		crm_sql_ident(&q, r.e->table);
		r.max_id = crm_db_int(db, q.buf, 0);
		crm_buf_release(&q);
	}
	bulk = im->kind == CRM_IMPORT_RECORDS;
	if (bulk && suspend(db, r.e->table, &hold, !r.max_id, err) < 0)
		goto out;
	begin_outputs(&r);
	ret = write_rows(&r, rd);
	if (ret == 0 && im->kind != CRM_IMPORT_INVENTORY)
		ret = log_inserts(&r);
	if (ret == 0 && bulk && r.e->fts)
		ret = fts_batch(db, r.e, im->batch, FTS_OLD_OUT, err) < 0 ||
		    fts_batch(db, r.e, im->batch, FTS_NOW_IN, err) < 0 ? -1 : 0;
	/* The indexes are sorted in a buffer the size of the page cache:
	 * 32 MiB, full at a million rows as at five. */
	if (ret == 0 && bulk)
		ret = crm_db_exec(db, "PRAGMA cache_size = -32768", err) < 0 ||
		    resume(db, &hold, err) < 0 ? -1 : 0;
	im->repeated = r.repeated;
	if (ret == 0 && im->progress)
		im->progress(im->progress_arg, im->read,
			crm_reader_offset(rd));
	if (ret == 0) {
		crm_reader_sha256(rd, sha);
		ret = end_batch(&r, sha);
	}
	if (im->rejects && crm_out_end(&r.rej) < 0 && ret == 0)
		ret = crm_err_set(err, CRM_EX_IOERR, "cannot write the "
			"rejects file");
	if (im->plan)
		crm_out_end(&r.plan);
out:
	if (cache) {
		char pragma[96];

		snprintf(pragma, sizeof(pragma), "PRAGMA cache_size = %d;"
			"PRAGMA temp.cache_size = %d", cache, cache);
		sqlite3_exec(crm_db_sqlite(db), pragma, NULL, NULL, NULL);
	}
	hold_release(&hold);
	if (spool)
		fclose(spool);
	crm_reader_free(rd);
	crm_record_release(&r.header);
	for (size_t i = 0; i < r.agroup; i++)
		crm_record_release(&r.group[i]);
	free(r.group);
	crm_buf_release(&r.group_ref);
	crm_buf_release(&r.last_ref);
	free(r.targets);
	for (size_t i = 0; i < r.ndotted; i++) {
		free((char *)r.dotted[i]->name);
		free(r.dotted[i]);
	}
	free(r.dotted);
	for (size_t i = 0; i < r.alater; i++)
		crm_record_release(&r.later[i]);
	free(r.later);
	for (size_t i = 0; i < r.aspare; i++)
		crm_record_release(&r.spare[i]);
	free(r.spare);
	for (size_t i = 0; r.ids && i < r.ncols; i++)
		crm_buf_release(&r.ids[i]);
	free(r.ids);
	free(r.resolved.f);
	free(r.cols);
	free(r.lost);
	return ret;
}

/* ---- the log and revert ------------------------------------------------- */

const char *const crm_import_log_cols[] = {
	"batch", "started_at", "user", "entity", "file", "read", "inserted",
	"updated", "unchanged", "rejected", "reverted_at"
};

int
crm_import_log(struct crm_db *db, struct crm_out *out, struct crm_err *err)
{
	static const char sql[] =
		"SELECT id, started_at, user, entity, file, rows_read,\n"
		"       inserted, updated, unchanged, rejected, reverted_at\n"
		"FROM import_batches\n"
		"ORDER BY id";
	sqlite3_stmt *st = crm_db_prepare(db, sql, err);
	int rc, i;

	if (!st)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && !out->failed) {
		for (i = 0; i < CRM_IMPORT_LOG_NCOLS; i++) {
			const char *s = (const char *)
				sqlite3_column_text(st, i);
			int num = i == 0 || (i >= 5 && i <= 9);

			crm_out_cell(out, !s ? CRM_CELL_NULL : num ?
				CRM_CELL_NUM : i == 1 || i == 10 ?
				CRM_CELL_TIME : CRM_CELL_TEXT, s,
				s ? strlen(s) : 0);
		}
		crm_out_row(out);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return crm_db_fail(db, rc, "cannot read the import log", err);
	return 0;
}

/* The entity whose table is tbl, from the log (never user text). */
static const struct crm_entity *
by_table(const char *tbl)
{
	size_t i;

	for (i = 0; crm_entities[i]; i++)
		if (!strcmp(crm_entities[i]->table, tbl))
			return crm_entities[i];
	return NULL;
}

/*
 * Records the batch changed that changed again since: the last change of
 * each record in the batch must still be what the record is.
 */
static int
revert_conflicts(struct crm_db *db, int64_t batch, struct crm_buf *names,
	int64_t *n, struct crm_err *err)
{
	static const char sql[] =
		"SELECT c.tbl, c.record, c.stamp\n"
		"FROM import_changes AS c\n"
		"WHERE c.batch = ?1 AND c.rowid =\n"
		"      (SELECT max(d.rowid) FROM import_changes AS d\n"
		"       WHERE d.batch = c.batch AND d.tbl = c.tbl\n"
		"         AND d.record = c.record)";
	struct crm_buf q = CRM_BUF_INIT;
	const struct crm_entity *qe = NULL;
	sqlite3_stmt *st = crm_db_prepare(db, sql, err), *cur;
	int rc, ret = 0;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, batch);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const struct crm_entity *e = by_table((const char *)
			sqlite3_column_text(st, 0));
		int64_t id = sqlite3_column_int64(st, 1);
		const char *stamp = (const char *)sqlite3_column_text(st, 2);
		const char *why = NULL;

		if (!e)
			continue;
		/* The SQL of the entity's digest, made once for its rows. */
		if (e != qe) {
			crm_buf_reset(&q);
			crm_buf_adds(&q, "SELECT crm_digest(");
			json_expr(db, e, &q);
			crm_buf_adds(&q, ") FROM ");
			crm_sql_ident(&q, e->table);
			crm_buf_adds(&q, " AS t WHERE t.id = ?1");
			qe = e;
		}
		cur = crm_db_stmt(db, q.buf, err);
		if (!cur) {
			ret = -1;
			break;
		}
		sqlite3_bind_int64(cur, 1, id);
		if (sqlite3_step(cur) != SQLITE_ROW)
			why = "deleted";
		else if (strcmp((const char *)sqlite3_column_text(cur, 0),
		    stamp))
			why = "changed";
		crm_db_put(cur);
		if (why) {
			if (++*n <= 10)
				crm_buf_addf(names, "%s%s %lld (%s)",
					names->len ? ", " : "", e->name,
					(long long)id, why);
		}
	}
	if (ret == 0 && rc != SQLITE_DONE)
		ret = crm_db_fail(db, rc, "cannot read the batch", err);
	sqlite3_finalize(st);
	crm_buf_release(&q);
	return ret;
}

/* The UPDATE that puts back a record of e from its JSON snapshot (?2). */
static void
restore_sql(struct crm_db *db, const struct crm_entity *e,
	struct crm_buf *sql)
{
	size_t i, n = 0;

	crm_buf_reset(sql);
	crm_buf_adds(sql, "UPDATE ");
	crm_sql_ident(sql, e->table);
	crm_buf_adds(sql, " SET ");
	for (i = 0; i < e->nfields; i++) {
		const struct crm_field *f = &e->fields[i];

		if (f->type == CRM_T_ID ||
		    (f->flags & (CRM_F_DERIVED | CRM_F_LINES)))
			continue;
		if (n++)
			crm_buf_adds(sql, ", ");
		crm_sql_ident(sql, f->name);
		crm_buf_addf(sql, " = json_extract(?2, '$.%s')", f->name);
	}
	/* Custom fields: one the snapshot lacks was empty. */
	{
		struct crm_buf custom = CRM_BUF_INIT;
		size_t k, nc = custom_columns(db, e, &custom);
		const char *c = custom.buf;

		for (k = 0; k < nc; k++, c += strlen(c) + 1) {
			crm_buf_adds(sql, ", ");
			crm_sql_ident(sql, c);
			crm_buf_addf(sql, " = json_extract(?2, '$.%s')", c);
		}
		crm_buf_release(&custom);
	}
	crm_buf_adds(sql, " WHERE id = ?1");
}

/*
 * Put back the columns of a record from its JSON snapshot.  sql holds the
 * UPDATE for the entity *built, made again only for another entity.
 */
static int
restore(struct crm_db *db, const struct crm_entity *e, int64_t id,
	const char *old, struct crm_buf *sql, const struct crm_entity **built,
	struct crm_err *err)
{
	sqlite3_stmt *st;
	int rc;

	if (*built != e) {
		restore_sql(db, e, sql);
		*built = e;
	}
	st = crm_db_stmt(db, sql->buf, err);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, old, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	crm_db_put(st);
	if (rc != SQLITE_DONE)
		return crm_db_fail(db, rc, "cannot restore a record", err);
	if (!strcmp(e->name, "order")) {
		static const char drop[] =
			"DELETE FROM order_lines WHERE \"order\" = ?1";
		static const char put[] =
			"INSERT INTO order_lines\n"
			"       (\"order\", product, quantity, unit_price,\n"
			"        created_at, updated_at)\n"
			"SELECT ?1, json_extract(value, '$[0]'),\n"
			"       json_extract(value, '$[1]'),\n"
			"       json_extract(value, '$[2]'),\n"
			"       json_extract(?2, '$.updated_at'),\n"
			"       json_extract(?2, '$.updated_at')\n"
			"FROM json_each(?2, '$.lines')";
		/* What the snapshot leaves out (CRM_F_LINES), summed
		 * from the lines put back. */
		static const char sums[] =
			"UPDATE orders\n"
			"SET units = (SELECT coalesce(sum(l.quantity), 0)\n"
			"             FROM order_lines AS l\n"
			"             WHERE l.\"order\" = orders.id)\n"
			"WHERE id = ?1";
		const char *const steps[] = { drop, put, sums };
		size_t k;

		for (k = 0; k < 3; k++) {
			st = crm_db_stmt(db, steps[k], err);
			if (!st)
				return -1;
			sqlite3_bind_int64(st, 1, id);
			if (k == 1)
				sqlite3_bind_text(st, 2, old, -1,
					SQLITE_STATIC);
			rc = sqlite3_step(st);
			crm_db_put(st);
			if (rc != SQLITE_DONE)
				return crm_db_fail(db, rc, "cannot restore "
					"order lines", err);
		}
	}
	return 0;
}

/* Delete a record the batch inserted (an order takes its lines along; the
 * stock they took comes back with the products' own snapshots). */
static int
unadd(struct crm_db *db, const struct crm_entity *e, int64_t id,
	struct crm_err *err)
{
	struct crm_buf sql = CRM_BUF_INIT;
	sqlite3_stmt *st;
	int rc;

	crm_buf_adds(&sql, "DELETE FROM ");
	crm_sql_ident(&sql, e->table);
	crm_buf_adds(&sql, " WHERE id = ?1");
	st = crm_db_stmt(db, sql.buf, err);
	crm_buf_release(&sql);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	crm_db_put(st);
	if (rc == SQLITE_CONSTRAINT)
		return crm_err_set(err, CRM_EX_DATAERR, "cannot revert: %s "
			"%lld is referred to by records added since", e->name,
			(long long)id);
	if (rc != SQLITE_DONE)
		return crm_db_fail(db, rc, "cannot revert", err);
	return 0;
}

/*
 * The search indexes of the tables batch changed, around its revert, as
 * around an import: before, the entries of its records go out and the
 * triggers are set aside into h (a trigger per row makes FTS5 flush and
 * merge its index at every row: 20,000 customers took 7G instructions);
 * after, the entries of the records left go in and the triggers come back.
 */
static int
revert_search(struct crm_db *db, int64_t batch, int after, struct hold *h,
	struct crm_err *err)
{
	static const char sql[] =
		"SELECT 1 FROM import_changes WHERE batch = ?1 AND tbl = ?2";
	size_t i;

	/* The index in step with the table first, as for an import. */
	if (!after && crm_search_fold(db, err) < 0)
		return -1;
	for (i = 0; crm_entities[i]; i++) {
		const struct crm_entity *e = crm_entities[i];
		sqlite3_stmt *st;
		int rc;

		if (!e->fts)
			continue;
		st = crm_db_stmt(db, sql, err);
		if (!st)
			return -1;
		sqlite3_bind_int64(st, 1, batch);
		sqlite3_bind_text(st, 2, e->table, -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
		crm_db_put(st);
		if (rc == SQLITE_DONE)
			continue;
		if (rc != SQLITE_ROW)
			return crm_db_fail(db, rc, "cannot read the batch", err);
		if (after ? fts_batch(db, e, batch, FTS_NOW_IN, err) < 0 :
		    fts_batch(db, e, batch, FTS_NOW_OUT, err) < 0 ||
		    suspend(db, e->table, h, 0, err) < 0)
			return -1;
	}
	return after ? resume(db, h, err) : 0;
}

int
crm_import_revert(struct crm_db *db, int64_t batch, int64_t *undone,
	struct crm_err *err)
{
	static const char batch_sql[] =
		"SELECT reverted_at FROM import_batches WHERE id = ?1";
	static const char changes_sql[] =
		"SELECT tbl, record, action, old FROM import_changes\n"
		"WHERE batch = ?1\n"
		"ORDER BY rowid DESC";
	static const char done_sql[] =
		"UPDATE import_batches SET reverted_at = ?2 WHERE id = ?1";
	struct crm_buf names = CRM_BUF_INIT, now = CRM_BUF_INIT,
		rsql = CRM_BUF_INIT;
	const struct crm_entity *rbuilt = NULL;
	struct hold hold = { NULL, 0 };
	sqlite3_stmt *st;
	int64_t conflicts = 0;
	int rc, ret = -1;

	*undone = 0;
	st = crm_db_prepare(db, batch_sql, err);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, batch);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE)
		crm_err_set(err, CRM_EX_NOTFOUND, "no batch %lld",
			(long long)batch);
	else if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
		crm_err_set(err, CRM_EX_DATAERR, "batch %lld was reverted "
			"at %s", (long long)batch, sqlite3_column_text(st, 0));
	else if (rc != SQLITE_ROW)
		crm_db_fail(db, rc, "cannot read the batch", err);
	sqlite3_finalize(st);
	if (err->code)
		return -1;
	if (revert_conflicts(db, batch, &names, &conflicts, err) < 0)
		goto out;
	if (conflicts) {
		crm_err_set(err, CRM_EX_DATAERR, "cannot revert batch %lld: "
			"%lld %s changed since: %s%s", (long long)batch,
			(long long)conflicts, conflicts == 1 ? "record" :
			"records", names.buf, conflicts > 10 ? ", ..." : "");
		goto out;
	}
	if (revert_search(db, batch, 0, &hold, err) < 0)
		goto out;
	st = crm_db_prepare(db, changes_sql, err);
	if (!st)
		goto out;
	sqlite3_bind_int64(st, 1, batch);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const struct crm_entity *e = by_table((const char *)
			sqlite3_column_text(st, 0));
		int64_t id = sqlite3_column_int64(st, 1);
		const char *action = (const char *)sqlite3_column_text(st, 2);
		const char *old = (const char *)sqlite3_column_text(st, 3);

		if (!e)
			continue;
		if (!strcmp(action, "insert") ? unadd(db, e, id, err) < 0 :
		    restore(db, e, id, old ? old : "{}", &rsql, &rbuilt,
		    err) < 0 ||
		    crm_activities_follow(db, e, id, err) < 0) {
			sqlite3_finalize(st);
			goto out;
		}
		++*undone;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		crm_db_fail(db, rc, "cannot revert", err);
		goto out;
	}
	if (revert_search(db, batch, 1, &hold, err) < 0)
		goto out;
	crm_now(&now);
	st = crm_db_prepare(db, done_sql, err);
	if (!st)
		goto out;
	sqlite3_bind_int64(st, 1, batch);
	sqlite3_bind_text(st, 2, now.buf, (int)now.len, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		crm_db_fail(db, rc, "cannot mark the batch", err);
		goto out;
	}
	ret = 0;
out:
	hold_release(&hold);
	crm_buf_release(&rsql);
	crm_buf_release(&names);
	crm_buf_release(&now);
	return ret;
}
