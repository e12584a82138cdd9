/*
 * query.c - selecting records: --where, --sort, --fields, and running it.
 * Declared in record.h.
 */
#include <stdlib.h>
#include <string.h>

#include "record.h"
#include "search.h"
#include "text.h"
#include "banned.h"

void
crm_query_init(struct crm_query *q, const struct crm_fieldset *fs)
{
	memset(q, 0, sizeof(*q));
	q->fs = fs;
	q->limit = -1;
}

void
crm_query_release(struct crm_query *q)
{
	size_t i;

	for (i = 0; i < q->nconds; i++)
		crm_val_release(&q->conds[i].v);
	free(q->conds);
	free(q->sort);
	q->conds = NULL;
	q->sort = NULL;
	q->nconds = q->nsort = 0;
}

static int
unknown(const struct crm_fieldset *fs, const char *name, size_t n,
	struct crm_err *err)
{
	struct crm_buf names = CRM_BUF_INIT;

	crm_fieldset_names(fs, &names);
	crm_err_set(err, CRM_EX_USAGE, "unknown field '%.*s' for %s; known: %s",
		(int)n, name, fs->entity->name, names.buf);
	crm_buf_release(&names);
	return -1;
}

static const struct crm_field *
find_n(const struct crm_fieldset *fs, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < fs->n; i++)
		if (strlen(fs->f[i]->name) == n &&
		    !memcmp(fs->f[i]->name, s, n))
			return fs->f[i];
	return NULL;
}

int
crm_ref_followable(const struct crm_field *f)
{
	return f->type != CRM_T_REF && !(f->flags & CRM_F_DERIVED);
}

/*
 * The REF.FIELD fields made so far: each is made once and kept for the
 * life of the process (there are a few hundred at most, one for each
 * pair of a reference and a field of what it refers to).
 */
struct ref_field {
	struct crm_field f;
	const struct crm_field *ref, *target;
	struct ref_field *next;
};
static struct ref_field *ref_fields;

const struct crm_field *
crm_ref_field(const struct crm_field *ref, const struct crm_field *target)
{
	const struct crm_entity *e = crm_entity_find(ref->ref);
	struct ref_field *rf;
	struct crm_buf name = CRM_BUF_INIT, expr = CRM_BUF_INIT;

	for (rf = ref_fields; rf; rf = rf->next)
		if (rf->ref == ref && rf->target == target)
			return &rf->f;
	rf = crm_xcalloc(1, sizeof(*rf));
	rf->ref = ref;
	rf->target = target;
	rf->f = *target;
	crm_buf_addf(&name, "%s.%s", ref->name, target->name);
	/* The referenced record is "x_ref" inside, so that the record
	 * listed stays "t" to the rest of the query. */
	crm_buf_adds(&expr, "(SELECT x_ref.");
	crm_sql_ident(&expr, target->name);
	crm_buf_adds(&expr, " FROM ");
	crm_sql_ident(&expr, e->table);
	crm_buf_adds(&expr, " AS x_ref WHERE x_ref.id = t.");
	crm_sql_ident(&expr, ref->name);
	crm_buf_adds(&expr, ")");
	rf->f.name = crm_buf_detach(&name);
	rf->f.expr = crm_buf_detach(&expr);
	rf->f.flags = (target->flags & CRM_F_SIGNED) | CRM_F_READONLY |
		CRM_F_DERIVED;
	rf->f.def = NULL;
	rf->next = ref_fields;
	ref_fields = rf;
	return &rf->f;
}

/*
 * A field of fs by name, REF.FIELD included; NULL with err set (usage,
 * listing what is known) when there is none.
 */
static const struct crm_field *
field_n(const struct crm_fieldset *fs, const char *s, size_t n,
	struct crm_err *err)
{
	const struct crm_field *ref, *f = find_n(fs, s, n);
	const struct crm_entity *e;
	const char *dot = memchr(s, '.', n);
	struct crm_buf names = CRM_BUF_INIT;
	size_t i, rest;

	if (f)
		return f;
	if (!dot || !(ref = find_n(fs, s, (size_t)(dot - s))) ||
	    ref->type != CRM_T_REF || !(e = crm_entity_find(ref->ref))) {
		unknown(fs, s, n, err);
		return NULL;
	}
	rest = n - (size_t)(dot - s) - 1;
	for (i = 0; i < e->nfields; i++)
		if (crm_ref_followable(&e->fields[i]) &&
		    strlen(e->fields[i].name) == rest &&
		    !memcmp(e->fields[i].name, dot + 1, rest))
			return crm_ref_field(ref, &e->fields[i]);
	for (i = 0; i < e->nfields; i++)
		if (crm_ref_followable(&e->fields[i]))
			crm_buf_addf(&names, "%s%s.%s", names.len ? ", " : "",
				ref->name, e->fields[i].name);
	crm_err_set(err, CRM_EX_USAGE, "unknown field '%.*s' for %s; %s "
		"refers to a %s: known: %s", (int)n, s, fs->entity->name,
		ref->name, e->name, names.buf);
	crm_buf_release(&names);
	return NULL;
}

static int
textlike(const struct crm_field *f)
{
	switch (f->type) {
	case CRM_T_TEXT: case CRM_T_MLTEXT: case CRM_T_EMAIL:
	case CRM_T_PHONE: case CRM_T_ENUM: case CRM_T_DATE: case CRM_T_TIME:
		return 1;
	default:
		return 0;
	}
}

int
crm_query_where(struct crm_query *q, struct crm_db *db, const char *expr,
	struct crm_err *err)
{
	static const struct { const char *s; enum crm_op op; } ops[] = {
		{ "!=", CRM_OP_NE }, { "<=", CRM_OP_LE }, { ">=", CRM_OP_GE },
		{ "=", CRM_OP_EQ }, { "<", CRM_OP_LT }, { ">", CRM_OP_GT },
		{ "~", CRM_OP_LIKE },
	};
	struct crm_err e = CRM_ERR_INIT;
	struct crm_cond c;
	const char *p = expr, *name, *val;
	size_t nlen, i;

	memset(&c, 0, sizeof(c));
	while (*p == ' ')
		p++;
	name = p;
	while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
	    (*p >= '0' && *p <= '9') || *p == '_' || *p == '-' || *p == '.')
		p++;
	nlen = (size_t)(p - name);
	while (*p == ' ')
		p++;
	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (!strncmp(p, ops[i].s, strlen(ops[i].s)))
			break;
	if (!nlen || i == sizeof(ops) / sizeof(ops[0]))
		return crm_err_set(err, CRM_EX_USAGE,
			"invalid filter '%s': expected FIELD OP VALUE with OP "
			"one of = != < <= > >= ~", expr);
	c.op = ops[i].op;
	val = p + strlen(ops[i].s);
	if (c.op == CRM_OP_LIKE)
		while (*val == ' ')
			val++;
	c.f = find_n(q->fs, name, nlen);
	if (!c.f) {
		struct crm_buf n = CRM_BUF_INIT;

		/* Option spelling: expected-close for expected_close. */
		crm_buf_add(&n, name, nlen);
		for (i = 0; i < n.len; i++)
			if (n.buf[i] == '-')
				n.buf[i] = '_';
		c.f = field_n(q->fs, n.buf, n.len, &e);
		crm_buf_release(&n);
		if (!c.f) {
			/* The message names the field as it was typed. */
			crm_err_release(&e);
			c.f = field_n(q->fs, name, nlen, err);
			if (!c.f)
				return -1;
		}
	}
	if (!*val) {
		if (c.op != CRM_OP_EQ && c.op != CRM_OP_NE)
			return crm_err_set(err, CRM_EX_USAGE,
				"invalid filter '%s': only = and != take an "
				"empty value", expr);
		c.empty = 1;
	} else if (c.op == CRM_OP_LIKE) {
		if (!textlike(c.f) && c.f->type != CRM_T_DECIMAL)
			return crm_err_set(err, CRM_EX_USAGE,
				"invalid filter '%s': ~ needs a text field, "
				"%s is %s", expr, c.f->name,
				crm_type_name(c.f->type));
		c.v.kind = CRM_TEXT;
		crm_text_fold(val, strlen(val), &c.v.s);
	} else if (c.f->type == CRM_T_REF) {
		/* A record that does not exist is referred to by nothing. */
		c.v.kind = CRM_INT;
		if (crm_record_find(db, crm_entity_find(c.f->ref), val,
		    &c.v.i, &e) < 0) {
			if (e.code != CRM_EX_NOTFOUND) {
				crm_err_set(err, e.code, "%s", e.msg.buf);
				crm_err_release(&e);
				return -1;
			}
			c.v.i = -1;
			crm_err_release(&e);
		}
	} else if (c.op != CRM_OP_EQ && c.op != CRM_OP_NE &&
	    strspn(val, " \t") == strlen(val)) {
		return crm_err_set(err, CRM_EX_USAGE,
			"invalid filter '%s': only = and != take an "
			"empty value", expr);
	} else if (crm_field_parse(db, c.f, val, &c.v, &e) < 0) {
		crm_err_set(err, e.code == CRM_EX_DATAERR ? CRM_EX_USAGE :
			e.code, "invalid filter '%s': %s", expr, e.msg.buf);
		crm_err_release(&e);
		return -1;
	} else if (c.v.kind == CRM_NULL) {
		/* The value cleaned to nothing (white space of any kind). */
		if (c.op != CRM_OP_EQ && c.op != CRM_OP_NE)
			return crm_err_set(err, CRM_EX_USAGE,
				"invalid filter '%s': only = and != take an "
				"empty value", expr);
		c.empty = 1;
	}
	q->conds = crm_xrealloc(q->conds, (q->nconds + 1) * sizeof(c));
	q->conds[q->nconds++] = c;
	return 0;
}

int
crm_query_sort(struct crm_query *q, const char *spec, struct crm_err *err)
{
	const char *p = spec;

	while (*p) {
		const char *end = strchr(p, ',');
		struct crm_sortkey k = { NULL, 0 };
		size_t n;

		if (!end)
			end = p + strlen(p);
		if (*p == '-' || *p == '+') {
			k.desc = *p == '-';
			p++;
		}
		n = (size_t)(end - p);
		if (!n)
			return crm_err_set(err, CRM_EX_USAGE,
				"invalid --sort '%s': empty field name", spec);
		k.f = field_n(q->fs, p, n, err);
		if (!k.f)
			return -1;
		q->sort = crm_xrealloc(q->sort, (q->nsort + 1) * sizeof(k));
		q->sort[q->nsort++] = k;
		p = *end ? end + 1 : end;
	}
	return 0;
}

int
crm_fields_parse(const struct crm_fieldset *fs, const char *spec,
	const struct crm_field ***fields, size_t *n, struct crm_err *err)
{
	const struct crm_field **out;
	const char *p;
	size_t i, k = 0, cap;

	cap = fs->n + 1;
	if (spec)
		for (p = spec; *p; p++)
			cap += *p == ',';
	out = crm_xcalloc(cap, sizeof(*out));
	if (!spec || !*spec) {
		for (i = 0; i < fs->n; i++)
			if (fs->f[i]->flags & CRM_F_LIST)
				out[k++] = fs->f[i];
	} else if (!strcmp(spec, "all")) {
		for (i = 0; i < fs->n; i++)
			out[k++] = fs->f[i];
	} else {
		for (p = spec; *p;) {
			const char *end = strchr(p, ',');
			const struct crm_field *f;

			if (!end)
				end = p + strlen(p);
			if (end == p) {
				free(out);
				return crm_err_set(err, CRM_EX_USAGE,
					"invalid --fields '%s': empty field "
					"name", spec);
			}
			f = field_n(fs, p, (size_t)(end - p), err);
			if (!f) {
				free(out);
				return -1;
			}
			if (k < cap)
				out[k++] = f;
			p = *end ? end + 1 : end;
		}
	}
	*fields = out;
	*n = k;
	return 0;
}

void
crm_query_field_sql(struct crm_buf *sql, const struct crm_field *f)
{
	if (f->expr) {
		crm_buf_adds(sql, f->expr);
		return;
	}
	crm_buf_adds(sql, "t.");
	crm_sql_ident(sql, f->name);
}

void
crm_query_cond_sql(struct crm_buf *sql, const struct crm_cond *c, int param)
{
	/* NULL-safe: stage!=won keeps the deals with no stage. */
	static const char *const cmp[] = { "IS NOT DISTINCT FROM",
		"IS DISTINCT FROM", "<", "<=", ">", ">=" };

	if (c->empty && crm_field_is_int(c->f)) {
		crm_query_field_sql(sql, c->f);
		crm_buf_adds(sql, c->op == CRM_OP_EQ ? " IS NULL" :
			" IS NOT NULL");
		return;
	}
	if (c->empty) {
		crm_buf_adds(sql, c->op == CRM_OP_EQ ? "coalesce(" :
			"NOT coalesce(");
		crm_query_field_sql(sql, c->f);
		crm_buf_adds(sql, ", '') = ''");
		return;
	}
	if (c->op == CRM_OP_LIKE) {
		crm_buf_adds(sql, "instr(crm_fold(");
		crm_query_field_sql(sql, c->f);
		crm_buf_addf(sql, "), ?%d) > 0", param);
		return;
	}
	/* A decimal is kept as the text it was given ("1.50"): compared
	 * as a number, not as text ("10" > "9"). */
	if (c->f->type == CRM_T_DECIMAL) {
		crm_buf_adds(sql, "CAST(");
		crm_query_field_sql(sql, c->f);
		crm_buf_addf(sql, " AS DOUBLE PRECISION) %s "
			"CAST(?%d AS DOUBLE PRECISION)", cmp[c->op], param);
		return;
	}
	crm_query_field_sql(sql, c->f);
	crm_buf_addf(sql, " %s ?%d", cmp[c->op], param);
}

int64_t
crm_query_run(struct crm_db *db, const struct crm_query *q,
	const struct crm_field *const *fields, size_t nfields,
	struct crm_out *out, struct crm_err *err)
{
	struct crm_buf sql = CRM_BUF_INIT;
	struct crm_stmt *st;
	const char *and = "\nWHERE ";
	int64_t rows = -1;
	size_t i;
	int param = 1, nmatch = 0;

	crm_buf_adds(&sql, "SELECT ");
	for (i = 0; i < nfields; i++) {
		if (i)
			crm_buf_adds(&sql, ", ");
		crm_query_field_sql(&sql, fields[i]);
	}
	if (!nfields)
		crm_buf_adds(&sql, "t.id");
	crm_buf_adds(&sql, "\nFROM ");
	crm_sql_ident(&sql, q->fs->entity->table);
	crm_buf_adds(&sql, " AS t");
	if (q->only_id > 0) {
		crm_buf_addf(&sql, "%st.id = ?%d", and, param++);
		and = "\n  AND ";
	}
	if (q->match) {
		crm_buf_adds(&sql, and);
		nmatch = crm_search_where(db, &sql, "t.id", param);
		param += nmatch;
		and = "\n  AND ";
	}
	for (i = 0; i < q->nconds; i++) {
		crm_buf_adds(&sql, and);
		crm_query_cond_sql(&sql, &q->conds[i], param++);
		and = "\n  AND ";
	}
	crm_buf_adds(&sql, "\nORDER BY ");
	for (i = 0; i < q->nsort; i++) {
		if (q->sort[i].f->type == CRM_T_DECIMAL) {
			crm_buf_adds(&sql, "CAST(");
			crm_query_field_sql(&sql, q->sort[i].f);
			crm_buf_adds(&sql, " AS DOUBLE PRECISION)");
		} else {
			crm_query_field_sql(&sql, q->sort[i].f);
		}
		/* Empty values first, as SQLite sorts them (PostgreSQL
		 * would put them last). */
		crm_buf_adds(&sql, q->sort[i].desc ? " DESC NULLS LAST, " :
			" NULLS FIRST, ");
	}
	crm_buf_adds(&sql, "t.id");
	if (q->limit >= 0 || q->offset > 0)
		crm_buf_addf(&sql, "\nLIMIT %lld OFFSET %lld",
			(long long)(q->limit >= 0 ? q->limit : INT64_MAX),
			(long long)q->offset);
	st = crm_sql(db, "cannot list", sql.buf, err);
	/* A whole table, or a large part of it; a search finds few. */
	if (q->only_id <= 0 && !q->match &&
	    (q->limit < 0 || q->limit > 10000))
		crm_stmt_many(st);
	param = 1;
	if (q->only_id > 0)
		crm_bind_int(st, param++, q->only_id);
	if (q->match) {
		crm_search_bind(db, st, param, q->match);
		param += nmatch;
	}
	for (i = 0; i < q->nconds; i++, param++)
		if (!q->conds[i].empty)
			crm_bind_val(st, param, &q->conds[i].v);
	rows = 0;
	while (crm_step(st) > 0 && !out->failed) {
		for (i = 0; i < nfields; i++)
			crm_field_cell(fields[i], st, (int)i, out);
		crm_out_row(out);
		rows++;
	}
	if (crm_done(st) < 0)
		rows = -1;
	crm_buf_release(&sql);
	return rows;
}
