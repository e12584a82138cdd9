/*
 * record-delete.c - deleting a record and merging one into another: what
 * refers to the record is counted, deleted with it (--cascade) or moved
 * to the record it is merged into.
 */
#include <stdlib.h>
#include <string.h>

#include "record-int.h"
#include "value.h"
#include "banned.h"

/* ---- deleting ----------------------------------------------------------- */

/* Count the records of e whose field f refers to id. */
static int64_t
count_refs(struct crm_db *db, const struct crm_entity *e,
	const struct crm_field *f, int64_t id, struct crm_err *err)
{
	struct crm_buf sql = CRM_BUF_INIT;
	int64_t n = 0;
	int r;

	crm_buf_adds(&sql, "SELECT count(*) FROM ");
	crm_sql_ident(&sql, e->table);
	crm_buf_adds(&sql, " WHERE ");
	crm_sql_ident(&sql, f->name);
	crm_buf_adds(&sql, " = ?1");
	r = crm_get_int(db, "cannot count", err, &n, sql.buf, "i", id);
	crm_buf_release(&sql);
	return r < 0 ? -1 : n;
}

static void
add_count(struct crm_buf *b, int64_t n, const struct crm_entity *e)
{
	if (!b || !n)
		return;
	crm_buf_addf(b, "%s%lld %s", b->len ? ", " : "", (long long)n,
		n == 1 ? e->name : e->plural);
}

/* Delete the records of re referring to id through f (cascading). */
static int
delete_referrers(struct crm_db *db, const struct crm_entity *re,
	const struct crm_field *f, int64_t id, struct crm_buf *removed,
	struct crm_err *err)
{
	struct crm_buf sql = CRM_BUF_INIT;
	struct crm_stmt *st;
	int64_t *ids = NULL, k;
	size_t n = 0, alloc = 0, i;
	int ret;

	crm_buf_adds(&sql, "SELECT id FROM ");
	crm_sql_ident(&sql, re->table);
	crm_buf_adds(&sql, " WHERE ");
	crm_sql_ident(&sql, f->name);
	crm_buf_adds(&sql, " = ?1");
	/* All of them first: deleting each runs statements of its own,
	 * this one among them for the next level down. */
	st = crm_sql(db, "cannot find references", sql.buf, err);
	crm_buf_release(&sql);
	crm_bind_int(st, 1, id);
	while (crm_step(st) > 0) {
		if (n == alloc) {
			alloc = alloc ? alloc * 2 : 16;
			ids = crm_xrealloc(ids, alloc * sizeof(*ids));
		}
		ids[n++] = crm_col_int(st, 0);
	}
	ret = crm_done(st);
	for (i = 0; i < n && !ret; i++)
		ret = crm_record_delete(db, re, ids[i], 1, removed, err);
	k = (int64_t)n;
	if (!ret)
		add_count(removed, k, re);
	free(ids);
	return ret;
}

int
crm_record_delete(struct crm_db *db, const struct crm_entity *e, int64_t id,
	int cascade, struct crm_buf *removed, struct crm_err *err)
{
	struct crm_buf refs = CRM_BUF_INIT, sql = CRM_BUF_INIT;
	int64_t n;
	size_t i, j;
	int ret = -1, restrict_ = 0;

	/* The entity's own rule first, while what refers to it is there
	 * (an order's lines tell what stock it holds). */
	if (e->before_delete && e->before_delete(db, id, err) < 0)
		goto out;
	for (i = 0; crm_entities[i]; i++) {
		const struct crm_entity *re = crm_entities[i];

		for (j = 0; j < re->nfields; j++) {
			const struct crm_field *f = &re->fields[j];

			if (f->type != CRM_T_REF || strcmp(f->ref, e->name))
				continue;
			if (cascade && !(f->flags & CRM_F_RESTRICT)) {
				if (delete_referrers(db, re, f, id, removed,
				    err) < 0)
					goto out;
				continue;
			}
			n = count_refs(db, re, f, id, err);
			if (n < 0)
				goto out;
			add_count(&refs, n, re);
			restrict_ |= n && (f->flags & CRM_F_RESTRICT);
		}
	}
	if (refs.len) {
		crm_err_set(err, CRM_EX_DATAERR, restrict_ ?
			"%s %lld is referred to by %s, which --cascade does not "
			"delete" :
			"%s %lld is referred to by %s; use --cascade to "
			"delete them too", e->name, (long long)id, refs.buf);
		goto out;
	}
	crm_buf_adds(&sql, "DELETE FROM ");
	crm_sql_ident(&sql, e->table);
	crm_buf_adds(&sql, " WHERE id = ?1");
	n = crm_run(db, "cannot delete", err, sql.buf, "i", id);
	if (n < 0)
		goto out;
	if (!n) {
		crm_err_set(err, CRM_EX_NOTFOUND, "no %s %lld", e->name,
			(long long)id);
		goto out;
	}
	ret = 0;
out:
	crm_buf_release(&refs);
	crm_buf_release(&sql);
	return ret;
}

/* ---- merging ------------------------------------------------------------ */

/*
 * Append to an UPDATE of re AS u that moves references in f to ?1: not
 * the rows whose compound key with f (a campaign member's
 * campaign+customer) ?1 has already.
 */
static void
not_twice(struct crm_buf *sql, const struct crm_entity *re,
	const struct crm_field *f)
{
	const char *k = re->keys, *end, *p, *q;
	size_t n = strlen(f->name);

	for (; k && *k; k = *end ? end + 1 : end) {
		end = k + strcspn(k, ",");
		/* a compound key that has f as a part */
		for (p = k; p < end; p = *q == '+' ? q + 1 : end) {
			q = p + strcspn(p, "+,");
			if ((size_t)(q - p) == n && !strncmp(p, f->name, n))
				break;
		}
		if (p >= end || !memchr(k, '+', (size_t)(end - k)))
			continue;
		crm_buf_adds(sql, "\n  AND NOT EXISTS (SELECT 1 FROM ");
		crm_sql_ident(sql, re->table);
		crm_buf_adds(sql, " AS k WHERE k.");
		crm_sql_ident(sql, f->name);
		crm_buf_adds(sql, " = ?1");
		for (p = k; p < end; p = *q == '+' ? q + 1 : end) {
			struct crm_buf part = CRM_BUF_INIT;

			q = p + strcspn(p, "+,");
			crm_buf_add(&part, p, (size_t)(q - p));
			if (strcmp(part.buf, f->name)) {
				crm_buf_adds(sql, " AND k.");
				crm_sql_ident(sql, part.buf);
				crm_buf_adds(sql, " = u.");
				crm_sql_ident(sql, part.buf);
			}
			crm_buf_release(&part);
		}
		crm_buf_adds(sql, ")");
	}
}

int
crm_record_merge(struct crm_db *db, const struct crm_fieldset *fs,
	int64_t keep, int64_t other, struct crm_buf *moved,
	struct crm_err *err)
{
	const struct crm_entity *e = fs->entity;
	struct crm_buf sql = CRM_BUF_INIT, now = CRM_BUF_INIT;
	struct crm_stmt *st;
	size_t i, j;
	int ret = -1;

	if (keep == other)
		return crm_err_set(err, CRM_EX_DATAERR,
			"cannot merge %s %lld into itself", e->name,
			(long long)keep);
	{
		struct crm_val k = CRM_VAL_INIT;
		int64_t found;
		int r;

		k.kind = CRM_INT;
		k.i = keep;
		r = rec_lookup(db, e, "id", &k, &found, err);
		if (r <= 0)
			return r < 0 ? -1 : crm_err_set(err, CRM_EX_NOTFOUND,
				"no %s %lld", e->name, (long long)keep);
	}
	crm_now(&now);
	/* Move every reference from other to keep. */
	for (i = 0; crm_entities[i]; i++) {
		const struct crm_entity *re = crm_entities[i];

		for (j = 0; j < re->nfields; j++) {
			const struct crm_field *f = &re->fields[j];
			int64_t n;

			if (f->type != CRM_T_REF || strcmp(f->ref, e->name))
				continue;
			/* A record that would then be one keep already
			 * has (a campaign both were members of) stays
			 * behind, and goes: keep's own is kept. */
			crm_buf_reset(&sql);
			crm_buf_adds(&sql, "UPDATE ");
			crm_sql_ident(&sql, re->table);
			crm_buf_adds(&sql, " AS u SET ");
			crm_sql_ident(&sql, f->name);
			crm_buf_adds(&sql, " = ?1, updated_at = ?3 WHERE u.");
			crm_sql_ident(&sql, f->name);
			crm_buf_adds(&sql, " = ?2");
			not_twice(&sql, re, f);
			n = crm_run(db, "cannot merge", err, sql.buf, "iit",
				keep, other, now.buf);
			if (n < 0)
				goto out;
			add_count(moved, n, re);
			{
				int64_t left = count_refs(db, re, f, other,
					err);

				if (left < 0 || (left > 0 &&
				    delete_referrers(db, re, f, other, NULL,
				    err) < 0))
					goto out;
			}
		}
	}
	/* Keep other's values where keep has none: read them first, since
	 * unique ones can only move once other is gone. */
	crm_buf_reset(&sql);
	crm_buf_adds(&sql, "SELECT ");
	for (i = 0, j = 0; i < fs->n; i++) {
		if (fs->f[i]->flags & CRM_F_READONLY)
			continue;
		if (j++)
			crm_buf_adds(&sql, ", ");
		crm_sql_ident(&sql, fs->f[i]->name);
	}
	crm_buf_adds(&sql, " FROM ");
	crm_sql_ident(&sql, e->table);
	crm_buf_adds(&sql, " WHERE id = ?1");
	{
		struct crm_val *v = crm_xcalloc(fs->n, sizeof(*v));
		struct crm_buf upd = CRM_BUF_INIT;
		size_t k;
		int r;

		st = crm_sql(db, "cannot merge", sql.buf, err);
		crm_bind_int(st, 1, other);
		r = crm_step(st);
		for (i = 0, k = 0; r > 0 && i < fs->n; i++) {
			if (fs->f[i]->flags & CRM_F_READONLY)
				continue;
			v[i].kind = crm_col_kind(st, (int)k);
			if (v[i].kind == CRM_INT)
				v[i].i = crm_col_int(st, (int)k);
			else if (v[i].kind != CRM_NULL) {
				v[i].kind = CRM_TEXT;
				crm_buf_add(&v[i].s, crm_col_text(st, (int)k),
					crm_col_len(st, (int)k));
			}
			k++;
		}
		if (crm_done(st) < 0 || r == 0) {
			if (r == 0)
				crm_err_set(err, CRM_EX_NOTFOUND,
					"no %s %lld", e->name,
					(long long)other);
			for (i = 0; i < fs->n; i++)
				crm_val_release(&v[i]);
			free(v);
			goto out;
		}
		ret = crm_record_delete(db, e, other, 0, NULL, err);
		crm_buf_adds(&upd, "UPDATE ");
		crm_sql_ident(&upd, e->table);
		crm_buf_adds(&upd, " SET ");
		for (i = 0; i < fs->n; i++) {
			if (fs->f[i]->flags & CRM_F_READONLY)
				continue;
			crm_sql_ident(&upd, fs->f[i]->name);
			crm_buf_adds(&upd, " = coalesce(");
			if (!crm_field_is_int(fs->f[i]))
				crm_buf_adds(&upd, "nullif(");
			crm_sql_ident(&upd, fs->f[i]->name);
			crm_buf_addf(&upd, "%s, ?%zu), ",
				crm_field_is_int(fs->f[i]) ? "" : ", '')", i + 3);
		}
		crm_buf_adds(&upd, "updated_at = ?1 WHERE id = ?2");
		if (ret == 0) {
			st = crm_sql(db, "cannot merge", upd.buf, err);
			crm_bind_textn(st, 1, now.buf, now.len);
			crm_bind_int(st, 2, keep);
			for (i = 0; i < fs->n; i++)
				if (v[i].kind != CRM_NULL)
					crm_bind_val(st, (int)i + 3, &v[i]);
			crm_step(st);
			ret = crm_done(st);
		}
		for (i = 0; i < fs->n; i++)
			crm_val_release(&v[i]);
		free(v);
		crm_buf_release(&upd);
	}
out:
	crm_buf_release(&sql);
	crm_buf_release(&now);
	return ret;
}
