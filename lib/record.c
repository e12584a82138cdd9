/*
 * record.c - records of any entity, the part the others build on: values
 * (what a user typed, parsed for a field; a stored one as a cell), finding
 * a record by id or key, assignments (--set), and adding a record: its
 * values, its insert and its load, and the record that already holds what
 * an insert would store.  Changing is in record-update.c, deleting and
 * merging in record-delete.c.
 */
#include <ctype.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "record-int.h"
#include "text.h"
#include "value.h"
#include "banned.h"

/* ---- values ------------------------------------------------------------- */

void
crm_val_release(struct crm_val *v)
{
	crm_buf_release(&v->s);
	v->kind = CRM_NULL;
	v->i = 0;
}

void
crm_sql_ident(struct crm_buf *sql, const char *name)
{
	crm_buf_addch(sql, '"');
	for (; *name; name++) {
		if (*name == '"')
			crm_buf_addch(sql, '"');
		crm_buf_addch(sql, *name);
	}
	crm_buf_addch(sql, '"');
}

const char *
crm_user(void)
{
	static char name[256];
	const char *s = getenv("CRM_USER");
	struct passwd *pw;

	if (s && *s)
		return s;
	if (name[0])
		return name;
	if ((s = getenv("LOGNAME")) && *s) {
		snprintf(name, sizeof(name), "%s", s);
		return name;
	}
	pw = getpwuid(getuid());
	snprintf(name, sizeof(name), "%s", pw ? pw->pw_name : "unknown");
	return name;
}

int
crm_user_check(struct crm_err *err)
{
	struct crm_err e = CRM_ERR_INIT;
	const char *s = getenv("CRM_USER");

	if (!s || crm_text_check(s, strlen(s), &e) == 0)
		return 0;
	crm_err_set(err, CRM_EX_USAGE, "invalid CRM_USER: %s", e.msg.buf);
	crm_err_release(&e);
	return -1;
}

int
crm_field_parse(struct crm_db *db, const struct crm_field *f,
	const char *text, struct crm_val *v, struct crm_err *err)
{
	struct crm_err e = CRM_ERR_INIT;
	const struct crm_entity *re;
	int b, idx, r = 0;

	crm_val_release(v);
	if (!text || crm_text_blank(text))
		return 0;
	switch (f->type) {
	case CRM_T_TEXT:
	case CRM_T_MLTEXT:
		r = crm_text_clean(text, strlen(text), f->type == CRM_T_MLTEXT ?
			CRM_TEXT_MULTILINE : 0, &v->s, &e);
		break;
	case CRM_T_EMAIL:
		r = crm_parse_email(text, &v->s, &e);
		break;
	case CRM_T_PHONE:
		r = crm_parse_phone(text, &v->s, &e);
		break;
	case CRM_T_DECIMAL:
		r = crm_parse_decimal(text, &v->s, &e);
		break;
	case CRM_T_DATE:
		r = crm_parse_date(text, &v->s, &e);
		break;
	case CRM_T_TIME:
		r = crm_parse_time(text, &v->s, &e);
		break;
	case CRM_T_MONEY:
		r = crm_parse_money(text, !!(f->flags & CRM_F_SIGNED), &v->i,
			&e);
		v->kind = CRM_INT;
		break;
	case CRM_T_ID:
		r = crm_parse_int(text, INT64_MIN, INT64_MAX, &v->i, &e);
		v->kind = CRM_INT;
		break;
	case CRM_T_INT:
		r = crm_parse_int(text, f->min, f->max ? f->max : INT64_MAX,
			&v->i, &e);
		v->kind = CRM_INT;
		break;
	case CRM_T_BOOL:
		r = crm_parse_bool(text, &b, &e);
		v->i = b;
		v->kind = CRM_INT;
		break;
	case CRM_T_ENUM:
		r = crm_parse_enum(text, f->values, &idx, &e);
		if (r == 0)
			crm_buf_adds(&v->s, f->values[idx]);
		break;
	case CRM_T_REF:
		re = crm_entity_find(f->ref);
		if (!re || !db) {
			r = crm_err_set(&e, CRM_EX_SOFTWARE,
				"no entity '%s'", f->ref);
			break;
		}
		r = crm_record_find(db, re, text, &v->i, &e);
		if (r < 0 && e.code == CRM_EX_NOTFOUND)
			e.code = CRM_EX_DATAERR;
		v->kind = CRM_INT;
		break;
	}
	if (r < 0) {
		crm_err_set(err, e.code, "%s: %s", f->name, e.msg.buf);
		crm_err_release(&e);
		crm_val_release(v);
		return -1;
	}
	if (v->kind == CRM_NULL && v->s.len)
		v->kind = CRM_TEXT;
	return 0;
}

void
crm_field_cell(const struct crm_field *f, struct crm_stmt *st, int col,
	struct crm_out *out)
{
	struct crm_buf b = CRM_BUF_INIT;
	const char *s;

	if (crm_col_kind(st, col) == CRM_NULL) {
		crm_out_cell(out, CRM_CELL_NULL, NULL, 0);
		return;
	}
	switch (f->type) {
	case CRM_T_MONEY:
		crm_format_money(crm_col_int(st, col), &b);
		crm_out_cell(out, CRM_CELL_NUM, b.buf, b.len);
		crm_buf_release(&b);
		return;
	case CRM_T_BOOL:
		s = crm_col_int(st, col) ? "yes" : "no";
		crm_out_cell(out, CRM_CELL_BOOL, s, strlen(s));
		return;
	case CRM_T_ID:
	case CRM_T_INT:
	case CRM_T_REF:
	case CRM_T_DECIMAL:
		s = crm_col_text(st, col);
		crm_out_cell(out, CRM_CELL_NUM, s,
			crm_col_len(st, col));
		return;
	case CRM_T_TIME:
		s = crm_col_text(st, col);
		crm_out_cell(out, CRM_CELL_TIME, s,
			crm_col_len(st, col));
		return;
	default:
		s = crm_col_text(st, col);
		crm_out_cell(out, CRM_CELL_TEXT, s ? s : "",
			crm_col_len(st, col));
	}
}

/* ---- finding ------------------------------------------------------------ */

/* Digits alone, blanks around them aside (a hand-edited list, "7 "). */
int
crm_record_key_is_id(const char *key)
{
	size_t n;

	while (*key == ' ' || *key == '\t')
		key++;
	n = strspn(key, "0123456789");
	if (!n || n >= 19)
		return 0;
	for (key += n; *key == ' ' || *key == '\t' || *key == '\r'; key++)
		;
	return !*key;
}

/* Look up id by one column's value; 1 found, 0 not, -1 error. */
int
rec_lookup(struct crm_db *db, const struct crm_entity *e, const char *col,
	const struct crm_val *v, int64_t *id, struct crm_err *err)
{
	struct crm_buf sql = CRM_BUF_INIT;
	int r;

	/* crm_find_id() but for a value of any kind (a unique number). */
	crm_buf_adds(&sql, "SELECT id FROM ");
	crm_sql_ident(&sql, e->table);
	crm_buf_adds(&sql, " WHERE ");
	crm_sql_ident(&sql, col);
	crm_buf_adds(&sql, " = ?1 LIMIT 1");
	r = crm_get_int(db, "cannot look up a record", err, id, sql.buf, "v",
		v);
	crm_buf_release(&sql);
	return r;
}

int
crm_record_find(struct crm_db *db, const struct crm_entity *e,
	const char *key, int64_t *id, struct crm_err *err)
{
	struct crm_val v = CRM_VAL_INIT;
	struct crm_err ignore = CRM_ERR_INIT;
	const char *k = key;
	size_t i;
	int r;

	while (*k == ' ' || *k == '\t')
		k++;
	if (crm_record_key_is_id(k)) {
		v.kind = CRM_INT;
		v.i = strtoll(k, NULL, 10);
		r = rec_lookup(db, e, "id", &v, id, err);
		if (r != 0)
			return r < 0 ? -1 : 0;
	}
	for (i = 0; i < e->nfields; i++) {
		const struct crm_field *f = &e->fields[i];

		if (!(f->flags & CRM_F_KEY))
			continue;
		/* A value the key's type cannot hold matches nothing. */
		if (crm_field_parse(db, f, k, &v, &ignore) < 0 ||
		    v.kind == CRM_NULL) {
			crm_err_clear(&ignore);
			continue;
		}
		r = rec_lookup(db, e, f->name, &v, id, err);
		crm_val_release(&v);
		if (r != 0) {
			crm_err_release(&ignore);
			return r < 0 ? -1 : 0;
		}
	}
	crm_err_release(&ignore);
	return crm_err_set(err, CRM_EX_NOTFOUND, "no %s '%s'", e->name, key);
}

int
crm_record_find_by(struct crm_db *db, const struct crm_entity *e,
	const char *field, const char *text, int64_t *id, struct crm_err *err)
{
	const struct crm_field *f = crm_entity_field(e, field);
	struct crm_val v = CRM_VAL_INIT;
	int r;

	if (!f)
		return crm_err_set(err, CRM_EX_SOFTWARE, "no field %s", field);
	if (crm_field_parse(db, f, text, &v, err) < 0)
		return -1;
	r = v.kind == CRM_NULL ? 0 : rec_lookup(db, e, f->name, &v, id, err);
	crm_val_release(&v);
	if (r < 0)
		return -1;
	if (r == 0)
		return crm_err_set(err, CRM_EX_NOTFOUND, "no %s with %s '%s'",
			e->name, field, text);
	return 0;
}

/* ---- assignments -------------------------------------------------------- */

void
crm_assigns_add(struct crm_assigns *as, const struct crm_field *f,
	const char *text)
{
	size_t i;

	/* A later assignment to the same field wins. */
	for (i = 0; i < as->n; i++)
		if (as->a[i].f == f) {
			as->a[i].text = text;
			return;
		}
	if (as->n == as->alloc) {
		as->alloc = as->alloc ? as->alloc * 2 : 16;
		as->a = crm_xrealloc(as->a, as->alloc * sizeof(*as->a));
	}
	as->a[as->n].f = f;
	as->a[as->n].text = text;
	as->n++;
}

void
crm_assigns_release(struct crm_assigns *as)
{
	free(as->a);
	as->a = NULL;
	as->n = as->alloc = 0;
}

static int
unknown_field(const struct crm_fieldset *fs, const char *name,
	struct crm_err *err)
{
	struct crm_buf names = CRM_BUF_INIT;

	crm_fieldset_names(fs, &names);
	crm_err_set(err, CRM_EX_USAGE, "unknown field '%s' for %s; known: %s",
		name, fs->entity->name, names.buf);
	crm_buf_release(&names);
	return -1;
}

/* The field named by s[0..n), or NULL with err set. */
static const struct crm_field *
field_named(const struct crm_fieldset *fs, const char *s, size_t n,
	struct crm_err *err)
{
	struct crm_buf name = CRM_BUF_INIT;
	const struct crm_field *f;
	size_t i;

	crm_buf_add(&name, s, n);
	for (i = 0; i < name.len; i++)
		if (name.buf[i] == '-')
			name.buf[i] = '_';
	f = crm_fieldset_find(fs, name.buf);
	if (!f)
		unknown_field(fs, name.buf, err);
	crm_buf_release(&name);
	return f;
}

int
crm_assigns_set(struct crm_assigns *as, const struct crm_fieldset *fs,
	const char *expr, struct crm_err *err)
{
	const char *eq = strchr(expr, '=');
	const struct crm_field *f;

	if (!eq || eq == expr)
		return crm_err_set(err, CRM_EX_USAGE,
			"invalid --set '%s': expected FIELD=VALUE", expr);
	f = field_named(fs, expr, (size_t)(eq - expr), err);
	if (!f)
		return -1;
	if (f->flags & CRM_F_READONLY)
		return crm_err_set(err, CRM_EX_USAGE,
			"field '%s' cannot be set", f->name);
	crm_assigns_add(as, f, eq + 1);
	return 0;
}

/* ---- writing ------------------------------------------------------------ */

/* Refuse a value of a unique field that another record holds. */
int
rec_check_unique(struct crm_db *db, const struct crm_entity *e,
	const struct crm_field *f, const struct crm_val *v, int64_t self,
	struct crm_err *err)
{
	int64_t other;
	int r;

	if (!(f->flags & CRM_F_UNIQUE) || v->kind == CRM_NULL)
		return 0;
	r = rec_lookup(db, e, f->name, v, &other, err);
	if (r < 0)
		return -1;
	if (r == 1 && other != self)
		return crm_err_set(err, CRM_EX_DATAERR,
			"%s '%s' already belongs to %s %lld", f->name,
			v->kind == CRM_TEXT ? v->s.buf : "?", e->name,
			(long long)other);
	return 0;
}

static const struct crm_assign *
assigned(const struct crm_assigns *as, const struct crm_field *f)
{
	size_t i;

	for (i = 0; i < as->n; i++)
		if (as->a[i].f == f)
			return &as->a[i];
	return NULL;
}

/*
 * The INSERT of a record of the set's entity: every stored column, built-in
 * and custom, parameter ?N for the field at index N-1, giving the new
 * id.  Made once per set
 * and kept in it (it depends on the set alone), so an import of a million
 * rows builds it once; the set is logically const, the cache is not.
 */
static const char *
insert_sql(const struct crm_fieldset *fs)
{
	struct crm_buf sql = CRM_BUF_INIT, vals = CRM_BUF_INIT;
	size_t i, n = 0;

	if (fs->insert_sql)
		return fs->insert_sql;
	crm_buf_adds(&sql, "INSERT INTO ");
	crm_sql_ident(&sql, fs->entity->table);
	crm_buf_adds(&sql, " (");
	for (i = 0; i < fs->n; i++) {
		const struct crm_field *f = fs->f[i];

		if (f->type == CRM_T_ID || (f->flags & CRM_F_DERIVED))
			continue;
		if (n++) {
			crm_buf_adds(&sql, ", ");
			crm_buf_adds(&vals, ", ");
		}
		crm_sql_ident(&sql, f->name);
		crm_buf_addf(&vals, "?%zu", n);
	}
	crm_buf_addf(&sql, ")\nVALUES (%s)\nRETURNING id", vals.buf);
	crm_buf_release(&vals);
	((struct crm_fieldset *)fs)->insert_sql = crm_buf_detach(&sql);
	return fs->insert_sql;
}

static int
is_stamp(const struct crm_field *f)
{
	return f->type == CRM_T_TIME && (f->flags & CRM_F_READONLY) &&
		(!strcmp(f->name, "created_at") ||
		!strcmp(f->name, "updated_at"));
}

/*
 * The value a new record gets for field f (index i of fs): the one
 * assigned, else the default, the user for the owner, the time for the
 * stamps.  Only an import assigns a stamp: created_at, the time a record
 * brought over from another system was created there, not in the future.
 * 0, or -1 with err set.
 */
static int
new_value(struct crm_db *db, const struct crm_field *f,
	const struct crm_assign *a, const struct crm_buf *now,
	struct crm_val *v, struct crm_err *err)
{
	const char *text = a ? a->text : f->def;

	/* An empty value (an empty cell) means the default. */
	if (a && f->def && crm_text_blank(a->text))
		text = f->def;
	if (is_stamp(f) && a && !crm_text_blank(a->text) &&
	    !strcmp(f->name, "created_at")) {
		if (crm_field_parse(db, f, a->text, v, err) < 0)
			return -1;
		if (strcmp(v->s.buf, now->buf) > 0)
			return crm_err_set(err, CRM_EX_DATAERR, "created_at: "
				"%s is in the future", v->s.buf);
		return 0;
	}
	if (is_stamp(f)) {
		v->kind = CRM_TEXT;
		crm_buf_add(&v->s, now->buf, now->len);
		return 0;
	}
	if (!a && (f->flags & CRM_F_OWNER))
		text = crm_user();
	if (crm_field_parse(db, f, text, v, err) < 0)
		return -1;
	if (v->kind == CRM_NULL && (f->flags & CRM_F_REQUIRED))
		return crm_err_set(err, CRM_EX_DATAERR, "%s is required%s",
			f->name, a ? ", it must not be empty" : "");
	return 0;
}

/* A column an insert writes (insert_sql): custom ones and the stamps
 * too. */
static int
written(const struct crm_field *f)
{
	return f->type != CRM_T_ID && !(f->flags & CRM_F_DERIVED);
}

int
crm_record_new(struct crm_db *db, const struct crm_fieldset *fs,
	const struct crm_assigns *as, struct crm_val *v, struct crm_err *err)
{
	const struct crm_entity *e = fs->entity;
	struct crm_buf now = CRM_BUF_INIT;
	size_t i;
	int ret = -1;

	crm_now(&now);
	for (i = 0; i < fs->n; i++)
		if (written(fs->f[i]) && new_value(db, fs->f[i],
		    assigned(as, fs->f[i]), &now, &v[i], err) < 0)
			goto out;
	if (e->rules) {
		unsigned char *set = crm_xcalloc(fs->n, 1);
		struct crm_change c;
		int r;

		for (i = 0; i < fs->n; i++)
			set[i] = assigned(as, fs->f[i]) != NULL;
		c.e = e;
		c.id = 0;
		c.v = v;
		c.old = NULL;
		c.set = set;
		r = e->rules(db, &c, err);
		free(set);
		if (r < 0)
			goto out;
	}
	ret = 0;
out:
	crm_buf_release(&now);
	return ret;
}

int
crm_record_insert(struct crm_db *db, const struct crm_fieldset *fs,
	const struct crm_assigns *as, int64_t *id, struct crm_err *err)
{
	const struct crm_entity *e = fs->entity;
	struct crm_err fail = CRM_ERR_INIT;
	struct crm_stmt *st;
	struct crm_val *v;
	size_t i, k;
	int ret = -1;

	v = crm_xcalloc(fs->n, sizeof(*v));
	if (crm_record_new(db, fs, as, v, err) < 0)
		goto out;
	/* The parameters are the written fields in turn (every one
	 * used: a server types each from its place). */
	st = crm_sql(db, "cannot add", insert_sql(fs), &fail);
	for (i = 0, k = 0; i < fs->n; i++) {
		if (!written(fs->f[i]))
			continue;
		k++;
		if (v[i].kind != CRM_NULL)
			crm_bind_val(st, (int)k, &v[i]);
	}
	if (crm_step(st) > 0)
		*id = crm_col_int(st, 0);
	if (crm_done(st) < 0) {
		/* A constraint refused it, the unique indexes likely: say
		 * which value.  Looking only now spares every insert a
		 * lookup per unique field. */
		if (fail.code == CRM_EX_DATAERR)
			for (i = 0; i < fs->n; i++)
				if (rec_check_unique(db, e, fs->f[i], &v[i], 0,
				    err) < 0)
					goto out;
		crm_err_set(err, fail.code, "%s", fail.msg.buf);
		goto out;
	}
	ret = 0;
out:
	crm_err_release(&fail);
	for (i = 0; i < fs->n; i++)
		crm_val_release(&v[i]);
	free(v);
	return ret;
}

void
crm_record_load_columns(const struct crm_fieldset *fs, struct crm_buf *out)
{
	size_t i;

	crm_buf_adds(out, "id");
	for (i = 0; i < fs->n; i++)
		if (written(fs->f[i])) {
			crm_buf_adds(out, ", ");
			crm_sql_ident(out, fs->f[i]->name);
		}
}

int
crm_record_load_count(const struct crm_fieldset *fs)
{
	size_t i;
	int n = 1;

	for (i = 0; i < fs->n; i++)
		n += written(fs->f[i]);
	return n;
}

void
crm_record_load(struct crm_load *ld, const struct crm_fieldset *fs,
	int64_t id, const struct crm_val *v)
{
	size_t i;

	crm_load_int(ld, id);
	for (i = 0; i < fs->n; i++) {
		if (!written(fs->f[i]))
			continue;
		if (v[i].kind == CRM_INT)
			crm_load_int(ld, v[i].i);
		else if (v[i].kind == CRM_TEXT)
			crm_load_text(ld, v[i].s.buf, v[i].s.len);
		else
			crm_load_text(ld, NULL, 0);
	}
}

int
crm_field_index(const struct crm_entity *e, const char *name)
{
	const struct crm_field *f = crm_entity_field(e, name);

	return f ? (int)(f - e->fields) : -1;
}

/* A column that holds what was given (custom ones too, as they are
 * columns like the others): not the id, a derived field or a stamp. */
int
rec_stored(const struct crm_field *f)
{
	return f->type != CRM_T_ID && !(f->flags & CRM_F_DERIVED) &&
		!is_stamp(f);
}

int
crm_record_find_same(struct crm_db *db, const struct crm_fieldset *fs,
	const struct crm_assigns *as, int64_t *id, struct crm_err *err)
{
	struct crm_buf sql = CRM_BUF_INIT, now = CRM_BUF_INIT;
	struct crm_stmt *st;
	struct crm_val *v;
	size_t i, lead = as->n;
	int r, n = 0, ret = -1;

	/* Bound values must live until the step: one per assignment. */
	v = crm_xcalloc(as->n + 1, sizeof(*v));
	/* The lookup starts from a required field (a customer's name):
	 * the others are compared as expressions (col || '', col + 0),
	 * which keeps the planner off their indexes, where NULL, the value
	 * a row without a key has for a key, is common. */
	for (i = 0; i < as->n && lead == as->n; i++)
		if (rec_stored(as->a[i].f) &&
		    (as->a[i].f->flags & CRM_F_REQUIRED))
			lead = i;
	crm_buf_adds(&sql, "SELECT id FROM ");
	crm_sql_ident(&sql, fs->entity->table);
	for (i = 0; i < as->n; i++) {
		if (!rec_stored(as->a[i].f))
			continue;
		if (new_value(db, as->a[i].f, &as->a[i], &now, &v[i],
		    err) < 0)
			goto out;
		crm_buf_adds(&sql, n++ ? " AND " : " WHERE ");
		if (lead < as->n && i != lead)
			crm_buf_addch(&sql, '(');
		crm_sql_ident(&sql, as->a[i].f->name);
		if (lead < as->n && i != lead)
			crm_buf_adds(&sql, crm_field_is_int(as->a[i].f) ?
				" + 0)" : " || '')");
		crm_buf_addf(&sql, " IS NOT DISTINCT FROM ?%zu", i + 1);
	}
	crm_buf_adds(&sql, " LIMIT 1");
	ret = 0;
	if (!n)
		goto out;
	st = crm_sql(db, "cannot look for the record", sql.buf, err);
	for (i = 0; i < as->n; i++)
		if (v[i].kind != CRM_NULL)
			crm_bind_val(st, (int)i + 1, &v[i]);
	r = crm_step(st);
	if (r > 0)
		*id = crm_col_int(st, 0);
	ret = crm_done(st) < 0 ? -1 : r;
out:
	for (i = 0; i < as->n; i++)
		crm_val_release(&v[i]);
	free(v);
	crm_buf_release(&sql);
	crm_buf_release(&now);
	return ret;
}
