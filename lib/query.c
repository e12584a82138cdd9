/*
 * query.c - selecting records: --where, --sort, --fields, and running it.
 * Declared in record.h.
 */
#include <stdlib.h>
#include <string.h>

#include "record.h"
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
	    (*p >= '0' && *p <= '9') || *p == '_' || *p == '-')
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
		c.f = find_n(q->fs, n.buf, n.len);
		crm_buf_release(&n);
		if (!c.f)
			return unknown(q->fs, name, nlen, err);
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
		c.v.kind = SQLITE_TEXT;
		crm_text_fold(val, strlen(val), &c.v.s);
	} else if (c.f->type == CRM_T_REF) {
		/* A record that does not exist is referred to by nothing. */
		c.v.kind = SQLITE_INTEGER;
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
	} else if (c.v.kind == SQLITE_NULL) {
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
		k.f = find_n(q->fs, p, n);
		if (!k.f)
			return unknown(q->fs, p, n, err);
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
			f = find_n(fs, p, (size_t)(end - p));
			if (!f) {
				free(out);
				if (end == p)
					return crm_err_set(err, CRM_EX_USAGE,
						"invalid --fields '%s': empty "
						"field name", spec);
				return unknown(fs, p, (size_t)(end - p), err);
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
	static const char *const cmp[] = { "IS", "IS NOT", "<", "<=", ">",
		">=" };

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
		crm_buf_addf(sql, " AS REAL) %s CAST(?%d AS REAL)",
			cmp[c->op], param);
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
	sqlite3_stmt *st = NULL;
	const char *and = "\nWHERE ";
	int64_t rows = -1;
	size_t i;
	int rc, param = 1;

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
		crm_buf_addf(&sql, "%st.id IN (SELECT rowid FROM ", and);
		crm_sql_ident(&sql, q->fs->entity->fts);
		crm_buf_adds(&sql, " WHERE ");
		crm_sql_ident(&sql, q->fs->entity->fts);
		crm_buf_addf(&sql, " MATCH ?%d)", param++);
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
			crm_buf_adds(&sql, " AS REAL)");
		} else {
			crm_query_field_sql(&sql, q->sort[i].f);
		}
		crm_buf_adds(&sql, q->sort[i].desc ? " DESC, " : ", ");
	}
	crm_buf_adds(&sql, "t.id");
	if (q->limit >= 0 || q->offset > 0)
		crm_buf_addf(&sql, "\nLIMIT %lld OFFSET %lld",
			(long long)q->limit, (long long)q->offset);
	st = crm_db_prepare(db, sql.buf, err);
	if (!st)
		goto out;
	param = 1;
	if (q->only_id > 0)
		sqlite3_bind_int64(st, param++, q->only_id);
	if (q->match)
		sqlite3_bind_text(st, param++, q->match, -1, SQLITE_STATIC);
	for (i = 0; i < q->nconds; i++, param++)
		if (!q->conds[i].empty)
			crm_val_bind(&q->conds[i].v, st, param);
	rows = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && !out->failed) {
		for (i = 0; i < nfields; i++)
			crm_field_cell(fields[i], st, (int)i, out);
		crm_out_row(out);
		rows++;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		crm_db_fail(db, rc, "cannot list", err);
		rows = -1;
	}
out:
	sqlite3_finalize(st);
	crm_buf_release(&sql);
	return rows;
}
