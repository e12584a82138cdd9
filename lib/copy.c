#include <stdlib.h>
#include <string.h>

#include "copy.h"
#include "custom.h"
#include "entity.h"
#include "record.h"
#include "search.h"
#include "banned.h"

/* Tables that are no entity's but go along: the import log, batches
 * before their changes. */
static const char *const log_tables[] = { "import_batches", "import_changes" };

/* The columns a table is read with, in the order of its rows: its own
 * (with its id), but the changes of a batch are ordered by SQLite's
 * rowid, a column of their own on a server, which "*" leaves out on
 * SQLite. */
static void
select_all(struct crm_buf *sql, const char *table)
{
	if (!strcmp(table, "import_changes")) {
		crm_buf_adds(sql, "SELECT rowid, batch, tbl, record, action, "
			"old, stamp FROM import_changes ORDER BY rowid");
		return;
	}
	crm_buf_adds(sql, "SELECT * FROM ");
	crm_sql_ident(sql, table);
	crm_buf_adds(sql, " ORDER BY id");
}

/* Has e been placed, or does it refer to no entity not yet placed? */
static int
ready(const struct crm_entity *e, const struct crm_entity **done, size_t n)
{
	size_t i, k;

	for (i = 0; i < e->nfields; i++) {
		const struct crm_field *f = &e->fields[i];

		if (f->type != CRM_T_REF || !strcmp(f->ref, e->name))
			continue;
		for (k = 0; k < n; k++)
			if (!strcmp(done[k]->name, f->ref))
				break;
		if (k == n)
			return 0;
	}
	return 1;
}

/* The entities in an order where each comes after those it refers to. */
static size_t
entity_order(const struct crm_entity **out, size_t max)
{
	size_t n = 0, i, k, total = 0;

	while (crm_entities[total])
		total++;
	while (n < total && n < max) {
		size_t before = n;

		for (i = 0; crm_entities[i]; i++) {
			for (k = 0; k < n; k++)
				if (out[k] == crm_entities[i])
					break;
			if (k == n && ready(crm_entities[i], out, n))
				out[n++] = crm_entities[i];
		}
		if (n == before)
			abort();	/* a cycle in entity.c */
	}
	return n;
}

/* The custom fields of src, made again at dst. */
static int
copy_fields(struct crm_db *src, struct crm_db *dst, struct crm_copy *c,
	struct crm_err *err)
{
	struct crm_stmt *st, *vs;
	char **vals = NULL;
	size_t nv = 0, av = 0, i;
	int ret = 0;

	st = crm_sql(src, "cannot read the custom fields", "SELECT entity, "
		"name, type, indexed, created_at FROM custom_fields\n"
		"ORDER BY entity, position", err);
	while (ret == 0 && crm_step(st) > 0) {
		const char *ename = crm_col_text(st, 0);
		const struct crm_entity *e = crm_entity_find(ename);
		const char *name = crm_col_text(st, 1);
		const char *type = crm_col_text(st, 2);
		int64_t added;

		if (!e) {
			ret = crm_err_set(err, CRM_EX_DATAERR, "custom field "
				"'%s' of an unknown entity '%s'", name, ename);
			break;
		}
		nv = 0;
		vs = crm_sql(src, "cannot read the custom fields", "SELECT "
			"value FROM custom_field_values\n"
			"WHERE entity = ?1 AND field = ?2 ORDER BY position",
			err);
		crm_bind_text(vs, 1, ename);
		crm_bind_text(vs, 2, name);
		while (crm_step(vs) > 0) {
			if (nv + 2 > av) {
				av = av ? 2 * av : 16;
				vals = crm_xrealloc(vals, av * sizeof(*vals));
			}
			vals[nv++] = crm_strdup(crm_col_text(vs, 0));
		}
		if (crm_done(vs) < 0)
			ret = -1;
		if (vals)
			vals[nv] = NULL;
		if (ret == 0 && crm_custom_add(dst, e, name, type,
		    nv ? vals : NULL, (int)crm_col_int(st, 3), &added,
		    err) < 0)
			ret = -1;
		/* made now, but made then */
		if (ret == 0 && crm_run(dst, "cannot copy the custom fields",
		    err, "UPDATE custom_fields SET created_at = ?3\n"
		    "WHERE entity = ?1 AND name = ?2", "ttt", ename, name,
		    crm_col_text(st, 4)) < 0)
			ret = -1;
		for (i = 0; i < nv; i++)
			free(vals[i]);
		c->fields++;
	}
	if (crm_done(st) < 0)
		ret = -1;
	free(vals);
	return ret;
}

/* Every row of table, ids included, from src to dst (a load: on a
 * server one COPY a piece); its count. */
static int64_t
copy_table(struct crm_db *src, struct crm_db *dst, const char *table,
	struct crm_err *err)
{
	struct crm_buf sel = CRM_BUF_INIT, cols = CRM_BUF_INIT;
	struct crm_load *ld = NULL;
	struct crm_stmt *st;
	int64_t rows = 0;
	int n = 0, i;

	select_all(&sel, table);
	st = crm_sql(src, "cannot read the records", sel.buf, err);
	crm_stmt_many(st);
	while (crm_step(st) > 0) {
		if (!ld) {
			/* The columns as src has them. */
			n = crm_col_count(st);
			for (i = 0; i < n; i++) {
				if (i)
					crm_buf_adds(&cols, ", ");
				crm_sql_ident(&cols, crm_col_name(st, i));
			}
			ld = crm_load_begin(dst, table, cols.buf, n, err);
		}
		for (i = 0; i < n; i++) {
			switch (crm_col_kind(st, i)) {
			case CRM_INT:
				crm_load_int(ld, crm_col_int(st, i));
				break;
			case CRM_REAL:
				crm_load_real(ld, crm_col_real(st, i));
				break;
			case CRM_TEXT:
				crm_load_text(ld, crm_col_text(st, i),
					crm_col_len(st, i));
				break;
			default:
				crm_load_text(ld, NULL, 0);
			}
		}
		rows++;
	}
	if (crm_done(st) < 0)
		rows = -1;
	if (ld && crm_load_end(ld) < 0)
		rows = -1;
	crm_buf_release(&sel);
	crm_buf_release(&cols);
	return rows;
}

/* Open dst, made when there is no crm database there yet. */
static int
open_dst(struct crm_db *dst, const char *path, struct crm_err *err)
{
	struct crm_err e = CRM_ERR_INIT;

	if (crm_db_open(dst, path, 0, &e) == 0) {
		crm_err_release(&e);
		return 0;
	}
	if (e.code != CRM_EX_NOINPUT) {
		crm_err_set(err, e.code, "%s", e.msg.buf);
		crm_err_release(&e);
		return -1;
	}
	crm_err_release(&e);
	return crm_db_open(dst, path, CRM_DB_CREATE, err);
}

int64_t
crm_copy_rows(struct crm_db *db, const char *table)
{
	struct crm_buf sql = CRM_BUF_INIT;
	int64_t n;

	crm_buf_adds(&sql, "SELECT count(*) FROM ");
	crm_sql_ident(&sql, table);
	n = crm_db_int(db, sql.buf, -1);
	crm_buf_release(&sql);
	return n;
}

static void
problem(void *arg, const char *kind, const char *text)
{
	struct crm_err *err = arg;

	crm_err_set(err, CRM_EX_SOFTWARE, "the copy fails its check: %s: %s",
		kind, text);
}

size_t
crm_copy_tables(const char **names, size_t max)
{
	const struct crm_entity *order[CRM_COPY_MAX];
	size_t ne, n = 0, i;

	ne = entity_order(order, CRM_COPY_MAX - 2);
	for (i = 0; i < ne && n < max; i++)
		names[n++] = order[i]->table;
	for (i = 0; i < sizeof(log_tables) / sizeof(log_tables[0]) &&
	    n < max; i++)
		names[n++] = log_tables[i];
	return n;
}

/* Empty dst, inside its transaction: its custom fields, then every
 * table's rows, those that refer to others first. */
static int
clear(struct crm_db *dst, const struct crm_copy *c, struct crm_err *err)
{
	struct crm_buf sql = CRM_BUF_INIT;
	struct crm_stmt *st;
	char *ename, *name;
	int64_t had;
	size_t i;
	int r = 0;

	for (;;) {
		st = crm_sql(dst, "cannot read the custom fields", "SELECT "
			"entity, name FROM custom_fields LIMIT 1", err);
		if (crm_step(st) <= 0) {
			r = crm_done(st);
			break;
		}
		ename = crm_strdup(crm_col_text(st, 0));
		name = crm_strdup(crm_col_text(st, 1));
		crm_done(st);
		r = crm_entity_find(ename) ? crm_custom_drop(dst,
			crm_entity_find(ename), name, 1, &had, err) :
			crm_err_set(err, CRM_EX_DATAERR, "custom field '%s' "
			"of an unknown entity '%s'", name, ename);
		free(ename);
		free(name);
		if (r < 0)
			break;
	}
	for (i = c->n; r == 0 && i-- > 0;) {
		crm_buf_reset(&sql);
		crm_buf_adds(&sql, "DELETE FROM ");
		crm_sql_ident(&sql, c->t[i].table);
		if (crm_run(dst, "cannot empty the database", err, sql.buf,
		    "") < 0)
			r = -1;
	}
	crm_buf_release(&sql);
	return r;
}

int
crm_copy_db(struct crm_db *src, const char *path, unsigned flags,
	struct crm_copy *c, struct crm_err *err)
{
	const char *names[CRM_COPY_MAX];
	struct crm_search_state search = { 0 };
	struct crm_db dst;
	size_t i;
	int ret = -1;

	memset(c, 0, sizeof(*c));
	c->n = crm_copy_tables(names, CRM_COPY_MAX);
	for (i = 0; i < c->n; i++)
		c->t[i].table = names[i];
	if (open_dst(&dst, path, err) < 0)
		return -1;
	for (i = 0; i < c->n && !(flags & CRM_COPY_REPLACE); i++)
		if (crm_copy_rows(&dst, c->t[i].table) != 0) {
			crm_err_set(err, CRM_EX_CANTCREAT, "cannot copy into "
				"'%s': it holds %s already; copy into an "
				"empty database", crm_db_name(&dst),
				c->t[i].table);
			goto out;
		}
	if (crm_db_begin_read(src, err) < 0 || crm_db_begin(&dst, err) < 0)
		goto out;
	if ((flags & CRM_COPY_REPLACE) && clear(&dst, c, err) < 0)
		goto out;
	if (copy_fields(src, &dst, c, err) < 0)
		goto out;
	for (i = 0; i < c->n; i++) {
		c->t[i].rows = copy_table(src, &dst, c->t[i].table, err);
		if (c->t[i].rows < 0 ||
		    crm_db_ids_taken(&dst, c->t[i].table, err) < 0)
			goto out;
	}
	if (crm_db_commit(&dst, err) < 0)
		goto out;
	/* Verified at both ends: the rows of every table, src still in its
	 * snapshot; then dst's own checks. */
	for (i = 0; i < c->n; i++) {
		int64_t a = crm_copy_rows(src, c->t[i].table);
		int64_t b = crm_copy_rows(&dst, c->t[i].table);

		if (a != c->t[i].rows || b != a) {
			crm_err_set(err, CRM_EX_SOFTWARE, "the copy does not "
				"match: %s has %lld rows, the copy %lld",
				c->t[i].table, (long long)a, (long long)b);
			goto out;
		}
	}
	if (crm_db_check(&dst, problem, err, err) < 0 || err->code ||
	    crm_search_check(&dst, &search, err) < 0)
		goto out;
	if (search.pending || search.wrong) {
		crm_err_set(err, CRM_EX_SOFTWARE, "the copy's search index "
			"does not match its customers");
		goto out;
	}
	ret = 0;
out:
	crm_db_rollback(src);
	crm_db_rollback(&dst);
	crm_db_close(&dst);
	return ret;
}
