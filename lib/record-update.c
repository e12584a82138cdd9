/*
 * record-update.c - changing a record: each assigned value checked as an
 * update takes it, and written where it differs from what is stored; for
 * an entity with rules, the record read first, so that the rules see it
 * whole with the assignments laid over it.
 */
#include <stdlib.h>
#include <string.h>

#include "record-int.h"
#include "text.h"
#include "value.h"
#include "banned.h"

/* The stored columns of record id into old[] (by index in fs: the built-in
 * fields, then the custom ones); 1 found, 0 not, -1 error. */
static int
read_stored(struct crm_db *db, const struct crm_fieldset *fs, int64_t id,
	struct crm_val *old, struct crm_err *err)
{
	struct crm_buf sql = CRM_BUF_INIT;
	struct crm_stmt *st;
	size_t i, k = 0;
	int r;

	crm_buf_adds(&sql, "SELECT id");
	for (i = 0; i < fs->n; i++)
		if (rec_stored(fs->f[i])) {
			crm_buf_adds(&sql, ", ");
			crm_sql_ident(&sql, fs->f[i]->name);
		}
	crm_buf_adds(&sql, " FROM ");
	crm_sql_ident(&sql, fs->entity->table);
	crm_buf_adds(&sql, " WHERE id = ?1");
	st = crm_sql(db, "cannot read a record", sql.buf, err);
	crm_buf_release(&sql);
	crm_bind_int(st, 1, id);
	r = crm_step(st);
	if (r > 0)
		for (i = 0; i < fs->n; i++) {
			int col;

			if (!rec_stored(fs->f[i]))
				continue;
			col = (int)++k;
			old[i].kind = crm_col_kind(st, col);
			if (old[i].kind == CRM_INT) {
				old[i].i = crm_col_int(st, col);
			} else if (old[i].kind != CRM_NULL) {
				old[i].kind = CRM_TEXT;
				crm_buf_add(&old[i].s, crm_col_text(st, col),
					crm_col_len(st, col));
			}
		}
	return crm_done(st) < 0 ? -1 : r;
}

static int
val_same(const struct crm_val *a, const struct crm_val *b)
{
	if (a->kind != b->kind)
		return 0;
	if (a->kind == CRM_INT)
		return a->i == b->i;
	if (a->kind == CRM_TEXT)
		return a->s.len == b->s.len &&
			!memcmp(a->s.buf, b->s.buf, a->s.len);
	return 1;
}

/* The index of f in fs, fs->n if it is not one of them. */
static size_t
fs_index(const struct crm_fieldset *fs, const struct crm_field *f)
{
	size_t i;

	for (i = 0; i < fs->n; i++)
		if (fs->f[i] == f)
			break;
	return i;
}

/*
 * The value an update gives field f (the new value of an assignment, text):
 * emptying a field that has a default sets the default; a required field
 * cannot be emptied, and a unique one cannot take a value another record
 * than self holds.  0, or -1 with err set.
 */
static int
update_value(struct crm_db *db, const struct crm_entity *e,
	const struct crm_field *f, const char *text, int64_t self,
	struct crm_val *v, struct crm_err *err)
{
	if (crm_field_parse(db, f, f->def && crm_text_blank(text) ? f->def : text,
	    v, err) < 0)
		return -1;
	if (v->kind == CRM_NULL && (f->flags & CRM_F_REQUIRED))
		return crm_err_set(err, CRM_EX_DATAERR,
			"%s is required, it must not be empty", f->name);
	return rec_check_unique(db, e, f, v, self, err);
}

/*
 * crm_record_update() of an entity with rules: the record is read, the
 * assignments laid over it, the rules run on the whole, and every field
 * assigned or changed by the rules is written.  The values are indexed
 * like fs: the built-in fields as in e->fields, which is what the rules
 * read, then the custom fields, which they leave alone.
 */
static int
update_ruled(struct crm_db *db, const struct crm_fieldset *fs, int64_t id,
	const struct crm_assigns *as, int *changed, struct crm_err *err)
{
	const struct crm_entity *e = fs->entity;
	struct crm_buf sql = CRM_BUF_INIT, differs = CRM_BUF_INIT,
		now = CRM_BUF_INIT;
	struct crm_val *old, *v;
	unsigned char *set;
	struct crm_change c;
	struct crm_stmt *st;
	size_t i, n = fs->n;
	int k = 1, r, ret = -1;

	old = crm_xcalloc(n, sizeof(*old));
	v = crm_xcalloc(n, sizeof(*v));
	set = crm_xcalloc(n, 1);
	r = read_stored(db, fs, id, old, err);
	if (r <= 0) {
		if (r == 0)
			crm_err_set(err, CRM_EX_NOTFOUND, "no %s %lld",
				e->name, (long long)id);
		goto out;
	}
	for (i = 0; i < n; i++) {
		v[i].kind = old[i].kind;
		v[i].i = old[i].i;
		if (old[i].kind == CRM_TEXT)
			crm_buf_add(&v[i].s, old[i].s.buf, old[i].s.len);
	}
	for (i = 0; i < as->n; i++) {
		const struct crm_field *f = as->a[i].f;
		size_t x = fs_index(fs, f);

		if (x == n) {
			crm_err_set(err, CRM_EX_SOFTWARE, "field '%s' is not "
				"a field of %s", f->name, e->name);
			goto out;
		}
		if (update_value(db, e, f, as->a[i].text, id, &v[x], err) < 0)
			goto out;
		set[x] = 1;
	}
	c.e = e;
	c.id = id;
	c.v = v;
	c.old = old;
	c.set = set;
	if (e->rules(db, &c, err) < 0)
		goto out;
	crm_buf_adds(&sql, "UPDATE ");
	crm_sql_ident(&sql, e->table);
	crm_buf_adds(&sql, "\nSET ");
	for (i = 0; i < n; i++) {
		if (!rec_stored(fs->f[i]) ||
		    (!set[i] && val_same(&v[i], &old[i])))
			continue;
		k++;
		crm_sql_ident(&sql, fs->f[i]->name);
		crm_buf_addf(&sql, " = ?%d, ", k);
		if (differs.len)
			crm_buf_adds(&differs, " OR ");
		crm_sql_ident(&differs, fs->f[i]->name);
		crm_buf_addf(&differs, " IS DISTINCT FROM ?%d", k);
	}
	if (k == 1) {
		ret = 0;	/* nothing to write */
		goto out;
	}
	crm_now(&now);
	crm_buf_addf(&sql, "\"updated_at\" = ?%d\nWHERE id = ?1 AND (%s)",
		k + 1, differs.buf);
	st = crm_sql(db, "cannot update", sql.buf, err);
	crm_bind_int(st, 1, id);
	for (i = 0, k = 1; i < n; i++) {
		if (!rec_stored(fs->f[i]) ||
		    (!set[i] && val_same(&v[i], &old[i])))
			continue;
		crm_bind_val(st, ++k, &v[i]);
	}
	crm_bind_textn(st, k + 1, now.buf, now.len);
	crm_step(st);
	if (changed)
		*changed = crm_stmt_changes(st) > 0;
	ret = crm_done(st);
out:
	for (i = 0; i < n; i++) {
		crm_val_release(&old[i]);
		crm_val_release(&v[i]);
	}
	free(old);
	free(v);
	free(set);
	crm_buf_release(&sql);
	crm_buf_release(&differs);
	crm_buf_release(&now);
	return ret;
}

int
crm_record_update(struct crm_db *db, const struct crm_fieldset *fs,
	int64_t id, const struct crm_assigns *as, int *changed,
	struct crm_err *err)
{
	const struct crm_entity *e = fs->entity;
	struct crm_buf sql = CRM_BUF_INIT, differs = CRM_BUF_INIT,
		now = CRM_BUF_INIT;
	struct crm_stmt *st;
	struct crm_val *v;
	size_t i;
	int ret = -1;

	if (changed)
		*changed = 0;
	if (!as->n)
		return 0;
	if (e->rules)
		return update_ruled(db, fs, id, as, changed, err);
	v = crm_xcalloc(as->n, sizeof(*v));
	crm_now(&now);
	crm_buf_adds(&sql, "UPDATE ");
	crm_sql_ident(&sql, e->table);
	crm_buf_adds(&sql, "\nSET ");
	for (i = 0; i < as->n; i++) {
		const struct crm_field *f = as->a[i].f;

		if (update_value(db, e, f, as->a[i].text, id, &v[i], err) < 0)
			goto out;
		crm_sql_ident(&sql, f->name);
		crm_buf_addf(&sql, " = ?%zu, ", i + 2);
		if (i)
			crm_buf_adds(&differs, " OR ");
		crm_sql_ident(&differs, f->name);
		crm_buf_addf(&differs, " IS DISTINCT FROM ?%zu", i + 2);
	}
	crm_buf_addf(&sql, "\"updated_at\" = ?%zu\nWHERE id = ?1 AND (%s)",
		as->n + 2, differs.buf);
	st = crm_sql(db, "cannot update", sql.buf, err);
	crm_bind_int(st, 1, id);
	for (i = 0; i < as->n; i++)
		crm_bind_val(st, (int)i + 2, &v[i]);
	crm_bind_textn(st, (int)as->n + 2, now.buf, now.len);
	crm_step(st);
	if (changed)
		*changed = crm_stmt_changes(st) > 0;
	ret = crm_done(st);
out:
	for (i = 0; i < as->n; i++)
		crm_val_release(&v[i]);
	free(v);
	crm_buf_release(&sql);
	crm_buf_release(&differs);
	crm_buf_release(&now);
	return ret;
}
