#include <stdlib.h>
#include <string.h>

#include "record.h"
#include "snapshot.h"
#include "text.h"
#include "banned.h"

static const struct crm_val null = CRM_VAL_INIT;

/* Does the snapshot keep field f of its entity's own fields? */
static int
kept(const struct crm_field *f)
{
	return f->type != CRM_T_ID &&
		!(f->flags & (CRM_F_DERIVED | CRM_F_LINES | CRM_F_CUSTOM));
}

static int
is_order(const struct crm_fieldset *fs)
{
	return !strcmp(fs->entity->name, "order");
}

/* SELECT t.id, the kept fields, the custom ones FROM the table AS t. */
static void
select_sql(const struct crm_fieldset *fs, struct crm_buf *sql)
{
	const struct crm_entity *e = fs->entity;
	size_t i;

	crm_buf_adds(sql, "SELECT t.id");
	for (i = 0; i < e->nfields; i++)
		if (kept(&e->fields[i])) {
			crm_buf_adds(sql, ", t.");
			crm_sql_ident(sql, e->fields[i].name);
		}
	for (i = 0; i < fs->n; i++)
		if (fs->f[i]->flags & CRM_F_CUSTOM) {
			crm_buf_adds(sql, ", t.");
			crm_sql_ident(sql, fs->f[i]->name);
		}
	crm_buf_adds(sql, " FROM ");
	crm_sql_ident(sql, e->table);
	crm_buf_adds(sql, " AS t");
}

/* Append s as a JSON string, escaped as SQLite's json_quote() does. */
static void
json_str(struct crm_buf *out, const char *s, size_t n)
{
	static const char special[32] = {
		['\b'] = 'b', ['\t'] = 't', ['\n'] = 'n', ['\f'] = 'f',
		['\r'] = 'r',
	};
	size_t i, from = 0;

	crm_buf_addch(out, '"');
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		crm_buf_add(out, s + from, i - from);
		from = i + 1;
		if (c == '"' || c == '\\')
			crm_buf_addf(out, "\\%c", c);
		else if (special[c])
			crm_buf_addf(out, "\\%c", special[c]);
		else
			crm_buf_addf(out, "\\u%04x", c);
	}
	crm_buf_add(out, s + from, n - from);
	crm_buf_addch(out, '"');
}

/* Append column col of st as a JSON value. */
static void
json_col(struct crm_buf *out, struct crm_stmt *st, int col)
{
	switch (crm_col_kind(st, col)) {
	case CRM_NULL:
		crm_buf_adds(out, "null");
		break;
	case CRM_INT:
		crm_buf_addf(out, "%lld", (long long)crm_col_int(st, col));
		break;
	case CRM_REAL:
		crm_buf_addf(out, "%.15g", crm_col_real(st, col));
		break;
	default:
		json_str(out, crm_col_text(st, col), crm_col_len(st, col));
	}
}

/* "lines":[[product,quantity,unit_price],...] of order id. */
static int
lines_json(struct crm_db *db, int64_t id, struct crm_buf *out,
	struct crm_err *err)
{
	struct crm_stmt *st;
	int n = 0;

	st = crm_sql(db, "cannot read a record", "SELECT product, quantity, "
		"unit_price FROM order_lines\n"
		"WHERE \"order\" = ?1 ORDER BY id", err);
	crm_bind_int(st, 1, id);
	crm_buf_adds(out, ",\"lines\":[");
	while (crm_step(st) > 0) {
		crm_buf_adds(out, n++ ? ",[" : "[");
		json_col(out, st, 0);
		crm_buf_addch(out, ',');
		json_col(out, st, 1);
		crm_buf_addch(out, ',');
		json_col(out, st, 2);
		crm_buf_addch(out, ']');
	}
	crm_buf_addch(out, ']');
	return crm_done(st);
}

/* The JSON of the row st is on (select_sql()'s columns). */
static int
row_json(struct crm_db *db, const struct crm_fieldset *fs,
	struct crm_stmt *st, struct crm_buf *out, struct crm_err *err)
{
	const struct crm_entity *e = fs->entity;
	size_t i;
	int col = 1, n = 0;

	crm_buf_addch(out, '{');
	for (i = 0; i < e->nfields; i++) {
		if (!kept(&e->fields[i]))
			continue;
		crm_buf_adds(out, n++ ? ",\"" : "\"");
		crm_buf_adds(out, e->fields[i].name);
		crm_buf_adds(out, "\":");
		json_col(out, st, col++);
	}
	if (is_order(fs) && lines_json(db, crm_col_int(st, 0), out, err) < 0)
		return -1;
	for (i = 0; i < fs->n; i++) {
		if (!(fs->f[i]->flags & CRM_F_CUSTOM))
			continue;
		/* Names of custom fields are [a-z][a-z0-9_]*. */
		if (crm_col_kind(st, col) != CRM_NULL) {
			crm_buf_addf(out, "%s\"%s\":", n++ ? "," : "",
				fs->f[i]->name);
			json_col(out, st, col);
		}
		col++;
	}
	crm_buf_addch(out, '}');
	return 0;
}

int
crm_snapshot(struct crm_db *db, const struct crm_fieldset *fs, int64_t id,
	struct crm_buf *out, struct crm_err *err)
{
	struct crm_buf sql = CRM_BUF_INIT;
	struct crm_stmt *st;
	int got;

	select_sql(fs, &sql);
	crm_buf_adds(&sql, " WHERE t.id = ?1");
	st = crm_sql(db, "cannot read a record", sql.buf, err);
	crm_bind_int(st, 1, id);
	got = crm_step(st);
	if (got > 0 && row_json(db, fs, st, out, err) < 0)
		got = -1;
	if (crm_done(st) < 0)
		got = -1;
	crm_buf_release(&sql);
	return got;
}

int
crm_snapshot_each(struct crm_db *db, const struct crm_fieldset *fs,
	int64_t after, crm_snapshot_fn *fn, void *arg, struct crm_err *err)
{
	struct crm_buf sql = CRM_BUF_INIT, json = CRM_BUF_INIT;
	struct crm_stmt *st;
	int ret = 0;

	select_sql(fs, &sql);
	crm_buf_adds(&sql, " WHERE t.id > ?1 ORDER BY t.id");
	st = crm_sql(db, "cannot read a record", sql.buf, err);
	crm_bind_int(st, 1, after);
	crm_stmt_many(st);
	while (ret == 0 && crm_step(st) > 0) {
		crm_buf_reset(&json);
		if (row_json(db, fs, st, &json, err) < 0 ||
		    fn(arg, crm_col_int(st, 0), json.buf, json.len))
			ret = -1;
	}
	if (crm_done(st) < 0)
		ret = -1;
	crm_buf_release(&sql);
	crm_buf_release(&json);
	return ret;
}

void
crm_snapshot_digest(const char *json, size_t len, struct crm_buf *out)
{
	crm_text_digest(json, len, out);
}

/* ---- reading a snapshot back ------------------------------------------ */

/* One value of a snapshot: null, an integer, text, or the lines. */
struct jval {
	const char *key;	/* into the parser's copy */
	size_t keylen;
	struct crm_val v;
	int64_t *lines;		/* owned: product, quantity, price, ... */
	size_t nlines;		/* of three numbers each */
};

struct jparse {
	const char *p;
	struct jval *v;
	size_t n;
	int bad;
};

static void
ws(struct jparse *j)
{
	while (*j->p == ' ' || *j->p == '\n' || *j->p == '\t' ||
	    *j->p == '\r')
		j->p++;
}

static int
hexval(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ?
		c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* A JSON string at j->p into out (as UTF-8). */
static void
jstring(struct jparse *j, struct crm_buf *out)
{
	if (*j->p++ != '"') {
		j->bad = 1;
		return;
	}
	while (*j->p && *j->p != '"') {
		if (*j->p != '\\') {
			crm_buf_addch(out, *j->p++);
			continue;
		}
		j->p++;
		switch (*j->p) {
		case 'b': crm_buf_addch(out, '\b'); break;
		case 't': crm_buf_addch(out, '\t'); break;
		case 'n': crm_buf_addch(out, '\n'); break;
		case 'f': crm_buf_addch(out, '\f'); break;
		case 'r': crm_buf_addch(out, '\r'); break;
		case 'u': {
			int k, c = 0;

			for (k = 1; k <= 4; k++) {
				int h = hexval(j->p[k]);

				if (h < 0) {
					j->bad = 1;
					return;
				}
				c = c * 16 + h;
			}
			/* Only what json_str() escapes: below U+0020. */
			if (c >= 0x80) {
				j->bad = 1;
				return;
			}
			crm_buf_addch(out, c);
			j->p += 4;
			break;
		}
		case '\0':
			j->bad = 1;
			return;
		default:
			crm_buf_addch(out, *j->p);
		}
		j->p++;
	}
	if (*j->p != '"')
		j->bad = 1;
	else
		j->p++;
}

static int64_t
jnumber(struct jparse *j)
{
	char *end;
	long long v = strtoll(j->p, &end, 10);

	if (end == j->p)
		j->bad = 1;
	j->p = end;
	return v;
}

/* [[a,b,c],...] into v->lines. */
static void
jlines(struct jparse *j, struct jval *v)
{
	j->p++;
	ws(j);
	while (!j->bad && *j->p == '[') {
		int k;

		v->lines = crm_xrealloc(v->lines, (v->nlines + 1) * 3 *
			sizeof(*v->lines));
		j->p++;
		for (k = 0; k < 3 && !j->bad; k++) {
			ws(j);
			v->lines[v->nlines * 3 + k] = jnumber(j);
			ws(j);
			if (*j->p == (k < 2 ? ',' : ']'))
				j->p++;
			else
				j->bad = 1;
		}
		v->nlines++;
		ws(j);
		if (*j->p == ',') {
			j->p++;
			ws(j);
		}
	}
	if (*j->p == ']')
		j->p++;
	else
		j->bad = 1;
}

static void
jparse(struct jparse *j)
{
	ws(j);
	if (*j->p++ != '{') {
		j->bad = 1;
		return;
	}
	ws(j);
	while (!j->bad && *j->p == '"') {
		struct crm_buf key = CRM_BUF_INIT;
		struct jval *v;

		jstring(j, &key);
		j->v = crm_xrealloc(j->v, (j->n + 1) * sizeof(*j->v));
		v = &j->v[j->n++];
		memset(v, 0, sizeof(*v));
		v->keylen = key.len;
		v->key = crm_buf_detach(&key);
		ws(j);
		if (*j->p++ != ':') {
			j->bad = 1;
			break;
		}
		ws(j);
		if (!strncmp(j->p, "null", 4)) {
			j->p += 4;
		} else if (*j->p == '"') {
			jstring(j, &v->v.s);
			v->v.kind = CRM_TEXT;
		} else if (*j->p == '[') {
			jlines(j, v);
		} else {
			v->v.i = jnumber(j);
			v->v.kind = CRM_INT;
		}
		ws(j);
		if (*j->p == ',') {
			j->p++;
			ws(j);
		}
	}
	if (*j->p != '}')
		j->bad = 1;
}

static void
jrelease(struct jparse *j)
{
	size_t i;

	for (i = 0; i < j->n; i++) {
		free((char *)j->v[i].key);
		crm_val_release(&j->v[i].v);
		free(j->v[i].lines);
	}
	free(j->v);
}

static struct jval *
jfind(struct jparse *j, const char *key)
{
	size_t i, n = strlen(key);

	for (i = 0; i < j->n; i++)
		if (j->v[i].keylen == n && !memcmp(j->v[i].key, key, n))
			return &j->v[i];
	return NULL;
}

/* An order's lines as the snapshot has them, and its sums of them. */
static int
restore_lines(struct crm_db *db, int64_t id, struct jparse *j,
	struct crm_err *err)
{
	static const char what[] = "cannot restore order lines";
	static const char put[] =
		"INSERT INTO order_lines\n"
		"       (\"order\", product, quantity, unit_price,\n"
		"        created_at, updated_at)\n"
		"VALUES (?1, ?2, ?3, ?4, ?5, ?5)";
	/* What the snapshot leaves out (CRM_F_LINES), summed from the
	 * lines put back. */
	static const char sums[] =
		"UPDATE orders\n"
		"SET units = (SELECT coalesce(sum(l.quantity), 0)\n"
		"             FROM order_lines AS l\n"
		"             WHERE l.\"order\" = orders.id)\n"
		"WHERE id = ?1";
	struct jval *lines = jfind(j, "lines"), *at = jfind(j, "updated_at");
	size_t i;

	if (crm_run(db, what, err, "DELETE FROM order_lines WHERE "
	    "\"order\" = ?1", "i", id) < 0)
		return -1;
	for (i = 0; lines && i < lines->nlines; i++)
		if (crm_run(db, what, err, put, "iiiiv", id,
		    lines->lines[i * 3], lines->lines[i * 3 + 1],
		    lines->lines[i * 3 + 2], at ? &at->v : &null) < 0)
			return -1;
	return crm_run(db, what, err, sums, "i", id) < 0 ? -1 : 0;
}

int
crm_snapshot_restore(struct crm_db *db, const struct crm_fieldset *fs,
	int64_t id, const char *json, struct crm_err *err)
{
	const struct crm_entity *e = fs->entity;
	struct jparse j = { json, NULL, 0, 0 };
	struct crm_buf sql = CRM_BUF_INIT;
	struct crm_stmt *st;
	size_t i;
	int k = 2, ret = -1;

	jparse(&j);
	if (j.bad) {
		crm_err_set(err, CRM_EX_DATAERR, "cannot restore %s %lld: its "
			"snapshot in the import log is damaged", e->name,
			(long long)id);
		goto out;
	}
	crm_buf_adds(&sql, "UPDATE ");
	crm_sql_ident(&sql, e->table);
	crm_buf_adds(&sql, " SET ");
	for (i = 0; i < fs->n; i++) {
		const struct crm_field *f = fs->f[i];

		if (!kept(f) && !(f->flags & CRM_F_CUSTOM))
			continue;
		crm_buf_adds(&sql, k > 2 ? ", " : "");
		crm_sql_ident(&sql, f->name);
		crm_buf_addf(&sql, " = ?%d", k++);
	}
	crm_buf_adds(&sql, " WHERE id = ?1");
	st = crm_sql(db, "cannot restore a record", sql.buf, err);
	crm_bind_int(st, 1, id);
	for (i = 0, k = 2; i < fs->n; i++) {
		const struct crm_field *f = fs->f[i];
		struct jval *v;

		if (!kept(f) && !(f->flags & CRM_F_CUSTOM))
			continue;
		/* A custom field the snapshot lacks was empty. */
		v = jfind(&j, f->name);
		crm_bind_val(st, k++, v ? &v->v : &null);
	}
	crm_step(st);
	if (crm_done(st) < 0)
		goto out;
	if (is_order(fs) && restore_lines(db, id, &j, err) < 0)
		goto out;
	ret = 0;
out:
	jrelease(&j);
	crm_buf_release(&sql);
	return ret;
}
