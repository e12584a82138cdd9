/*
 * import-log.c - an import's batch: the log of what it inserted and what
 * it changed (with snapshots and digests), the list of batches, and
 * revert.
 */
#include <stdlib.h>
#include <string.h>

#include "custom.h"
#include "import-int.h"
#include "rules.h"
#include "search.h"
#include "text.h"
#include "value.h"
#include "banned.h"

/* ---- records as JSON ---------------------------------------------------- */

/*
 * The SQL of a record of fs's entity (its table's row, as "t") as a JSON
 * object of its stored columns; an order's lines are part of it.  What a
 * batch keeps of a record before it changed it, and - digested - after.
 * Custom fields are merged in with json_patch(), which leaves out the
 * empty ones: a field added or dropped while it holds nothing does not
 * change a record's digest, so a revert still finds the records as the
 * batch left them.
 */
static void
json_expr(const struct crm_fieldset *fs, struct crm_buf *sql)
{
	const struct crm_entity *e = fs->entity;
	size_t i, n = 0, nc = 0;

	for (i = 0; i < fs->n; i++)
		nc += (fs->f[i]->flags & CRM_F_CUSTOM) != 0;
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
		for (i = 0, n = 0; i < fs->n; i++) {
			const char *c = fs->f[i]->name;

			if (!(fs->f[i]->flags & CRM_F_CUSTOM))
				continue;
			/* Names of custom fields are [a-z][a-z0-9_]*. */
			crm_buf_addf(sql, "%s'%s', t.", n++ ? ", " : "", c);
			crm_sql_ident(sql, c);
		}
		crm_buf_adds(sql, "))");
	}
}

/* The UPDATE that puts back a record from its JSON snapshot (?2). */
static void
restore_sql(const struct crm_fieldset *fs, struct crm_buf *sql)
{
	const struct crm_entity *e = fs->entity;
	size_t i, n = 0;

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
	for (i = 0; i < fs->n; i++) {
		const char *c = fs->f[i]->name;

		if (!(fs->f[i]->flags & CRM_F_CUSTOM))
			continue;
		crm_buf_adds(sql, ", ");
		crm_sql_ident(sql, c);
		crm_buf_addf(sql, " = json_extract(?2, '$.%s')", c);
	}
	crm_buf_adds(sql, " WHERE id = ?1");
}

/* The statements of e's records, made on first use (import-int.h). */
static struct imp_shape *
shape_of(struct imp_shapes *sh, const struct crm_entity *e,
	struct crm_err *err)
{
	struct imp_shape *s;
	struct crm_buf json = CRM_BUF_INIT;
	size_t i, n;

	if (!sh->s) {
		for (n = 0; crm_entities[n]; n++)
			;
		sh->s = crm_xcalloc(n + 1, sizeof(*sh->s));
		sh->n = n;
	}
	for (i = 0; i < sh->n && crm_entities[i] != e; i++)
		;
	if (i == sh->n)
		return NULL;	/* no entity of crm's: never */
	s = &sh->s[i];
	if (s->fs)
		return s;
	if (sh->given && sh->given->entity == e) {
		s->fs = sh->given;
	} else {
		if (crm_fieldset_load(&s->own, sh->db, e, err) < 0) {
			crm_fieldset_release(&s->own);
			return NULL;
		}
		s->loaded = 1;
		s->fs = &s->own;
	}
	json_expr(s->fs, &json);
	crm_buf_addf(&s->snapshot, "SELECT %s FROM ", json.buf);
	crm_sql_ident(&s->snapshot, e->table);
	crm_buf_adds(&s->snapshot, " AS t WHERE t.id = ?1");
	crm_buf_addf(&s->digest, "SELECT crm_digest(%s) FROM ", json.buf);
	crm_sql_ident(&s->digest, e->table);
	crm_buf_adds(&s->digest, " AS t WHERE t.id = ?1");
	crm_buf_adds(&s->log, "INSERT INTO import_changes\n"
		"       (batch, tbl, record, action, old, stamp)\n"
		"SELECT ?1, ?2, t.id, ?3, ?4, crm_digest(");
	crm_buf_adds(&s->log, json.buf);
	crm_buf_adds(&s->log, ") FROM ");
	crm_sql_ident(&s->log, e->table);
	crm_buf_adds(&s->log, " AS t WHERE t.id = ?5");
	crm_buf_adds(&s->inserts, "INSERT INTO import_changes\n"
		"       (batch, tbl, record, action, stamp)\n"
		"SELECT ?1, ?2, t.id, 'insert', crm_digest(");
	crm_buf_adds(&s->inserts, json.buf);
	crm_buf_adds(&s->inserts, ") FROM ");
	crm_sql_ident(&s->inserts, e->table);
	crm_buf_adds(&s->inserts, " AS t\nWHERE t.id > ?3 ORDER BY t.id");
	restore_sql(s->fs, &s->restore);
	crm_buf_release(&json);
	return s;
}

void
imp_shapes_release(struct imp_shapes *sh)
{
	size_t i;

	for (i = 0; sh->s && i < sh->n; i++) {
		struct imp_shape *s = &sh->s[i];

		if (s->loaded)
			crm_fieldset_release(&s->own);
		crm_buf_release(&s->snapshot);
		crm_buf_release(&s->digest);
		crm_buf_release(&s->log);
		crm_buf_release(&s->inserts);
		crm_buf_release(&s->restore);
	}
	free(sh->s);
	sh->s = NULL;
	sh->n = 0;
}

/* ---- the batch of a run ------------------------------------------------- */

int
imp_log_change(struct run *r, const struct crm_entity *e, int64_t id,
	const char *action, const char *old)
{
	struct imp_shape *s = shape_of(&r->shapes, e, r->err);
	struct crm_stmt *st;

	if (!s)
		return -1;
	st = crm_sql(r->db, "cannot log the change", s->log.buf, r->err);
	crm_bind_int(st, 1, r->im->batch);
	crm_bind_text(st, 2, e->table);
	crm_bind_text(st, 3, action);
	crm_bind_text(st, 4, old);
	crm_bind_int(st, 5, id);
	crm_step(st);
	return crm_done(st);
}

int
imp_snapshot(struct run *r, const struct crm_entity *e, int64_t id,
	struct crm_buf *out)
{
	struct imp_shape *s = shape_of(&r->shapes, e, r->err);
	int got;

	crm_buf_reset(out);
	if (!s)
		return -1;
	got = crm_get_text(r->db, "cannot read a record", r->err, out,
		s->snapshot.buf, "i", id);
	if (got == 0)
		return crm_err_set(r->err, CRM_EX_SOFTWARE, "cannot read a "
			"record: %s %lld is not there", e->name,
			(long long)id);
	return got < 0 ? -1 : 0;
}

int
imp_begin_batch(struct run *r)
{
	static const char sql[] =
		"INSERT INTO import_batches\n"
		"       (started_at, \"user\", entity, file, sha256,\n"
		"        rows_read, inserted, updated, unchanged, rejected)\n"
		"VALUES (?1, ?2, ?3, ?4, '', 0, 0, 0, 0, 0)\n"
		"RETURNING id";
	const char *entity = r->im->kind == CRM_IMPORT_INVENTORY ?
		"inventory" : r->e->plural;
	struct crm_buf name = CRM_BUF_INIT;
	int got;

	/* A file name is bytes: the log keeps text (U+FFFD for the rest). */
	crm_text_repair(r->im->name, strlen(r->im->name), &name);
	got = crm_get_int(r->db, "cannot start the batch", r->err,
		&r->im->batch, sql, "tttt", r->now, crm_user(), entity,
		name.buf);
	crm_buf_release(&name);
	return got < 0 ? -1 : 0;
}

int
imp_end_batch(struct run *r, const char *sha)
{
	static const char sql[] =
		"UPDATE import_batches\n"
		"SET sha256 = ?2, rows_read = ?3, inserted = ?4,\n"
		"    updated = ?5, unchanged = ?6, rejected = ?7\n"
		"WHERE id = ?1";
	const struct crm_import *im = r->im;

	return crm_run(r->db, "cannot end the batch", r->err, sql, "itiiiii",
		im->batch, sha, im->read, im->inserted, im->updated,
		im->unchanged, im->rejected) < 0 ? -1 : 0;
}

/*
 * The records of a run's entity that the run inserted: a new row gets
 * the largest id plus one, and nobody else writes during the run, so
 * they are those above the largest id before it.  One statement logs
 * them all, instead of one per row.
 */
int
imp_log_inserts(struct run *r)
{
	struct imp_shape *s = shape_of(&r->shapes, r->e, r->err);

	if (!s)
		return -1;
	return crm_run(r->db, "cannot log the batch", r->err, s->inserts.buf,
		"iti", r->im->batch, r->e->table, r->max_id) < 0 ? -1 : 0;
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
		"SELECT id, started_at, \"user\", entity, file, rows_read,\n"
		"       inserted, updated, unchanged, rejected, reverted_at\n"
		"FROM import_batches\n"
		"ORDER BY id";
	struct crm_stmt *st = crm_sql(db, "cannot read the import log", sql,
		err);
	int i;

	while (!out->failed && crm_step(st) > 0) {
		for (i = 0; i < CRM_IMPORT_LOG_NCOLS; i++) {
			const char *s = crm_col_text(st, i);
			int num = i == 0 || (i >= 5 && i <= 9);

			crm_out_cell(out, !s ? CRM_CELL_NULL : num ?
				CRM_CELL_NUM : i == 1 || i == 10 ?
				CRM_CELL_TIME : CRM_CELL_TEXT, s,
				s ? strlen(s) : 0);
		}
		crm_out_row(out);
	}
	return crm_done(st);
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
revert_conflicts(struct crm_db *db, struct imp_shapes *sh, int64_t batch,
	struct crm_buf *names, int64_t *n, struct crm_err *err)
{
	static const char sql[] =
		"SELECT c.tbl, c.record, c.stamp\n"
		"FROM import_changes AS c\n"
		"WHERE c.batch = ?1 AND c.rowid =\n"
		"      (SELECT max(d.rowid) FROM import_changes AS d\n"
		"       WHERE d.batch = c.batch AND d.tbl = c.tbl\n"
		"         AND d.record = c.record)";
	struct crm_stmt *st = crm_sql(db, "cannot read the batch", sql, err);
	struct crm_stmt *cur;
	int ret = 0, got;

	crm_bind_int(st, 1, batch);
	while (crm_step(st) > 0) {
		const struct crm_entity *e = by_table(crm_col_text(st, 0));
		int64_t id = crm_col_int(st, 1);
		const char *stamp = crm_col_text(st, 2);
		const char *why = NULL;
		struct imp_shape *s;

		if (!e)
			continue;
		s = shape_of(sh, e, err);
		if (!s) {
			ret = -1;
			break;
		}
		cur = crm_sql(db, "cannot read the batch", s->digest.buf, err);
		crm_bind_int(cur, 1, id);
		got = crm_step(cur);
		if (got == 0)
			why = "deleted";
		else if (got > 0 && strcmp(crm_col_text(cur, 0), stamp))
			why = "changed";
		if (crm_done(cur) < 0) {
			ret = -1;
			break;
		}
		if (why) {
			if (++*n <= 10)
				crm_buf_addf(names, "%s%s %lld (%s)",
					names->len ? ", " : "", e->name,
					(long long)id, why);
		}
	}
	if (crm_done(st) < 0)
		ret = -1;
	return ret;
}

/* Put back the columns of a record from its JSON snapshot. */
static int
restore(struct crm_db *db, struct imp_shapes *sh,
	const struct crm_entity *e, int64_t id, const char *old,
	struct crm_err *err)
{
	struct imp_shape *s = shape_of(sh, e, err);

	if (!s || crm_run(db, "cannot restore a record", err, s->restore.buf,
	    "it", id, old) < 0)
		return -1;
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
		static const char what[] = "cannot restore order lines";

		if (crm_run(db, what, err, drop, "i", id) < 0 ||
		    crm_run(db, what, err, put, "it", id, old) < 0 ||
		    crm_run(db, what, err, sums, "i", id) < 0)
			return -1;
	}
	return 0;
}

/* Delete a record the batch inserted (an order takes its lines along; the
 * stock they took comes back with the products' own snapshots). */
int
imp_unadd(struct crm_db *db, const struct crm_entity *e, int64_t id,
	struct crm_err *err)
{
	struct crm_buf sql = CRM_BUF_INIT;
	struct crm_err e2 = CRM_ERR_INIT;
	int ret = 0;

	crm_buf_adds(&sql, "DELETE FROM ");
	crm_sql_ident(&sql, e->table);
	crm_buf_adds(&sql, " WHERE id = ?1");
	if (crm_run(db, "cannot revert", &e2, sql.buf, "i", id) < 0) {
		/* A constraint: a foreign key of a record added since. */
		if (e2.code == CRM_EX_DATAERR)
			crm_err_set(err, CRM_EX_DATAERR, "cannot revert: %s "
				"%lld is referred to by records added since",
				e->name, (long long)id);
		else
			crm_err_set(err, e2.code, "%s", e2.msg.buf);
		ret = -1;
	}
	crm_err_release(&e2);
	crm_buf_release(&sql);
	return ret;
}

/*
 * The search indexes of the tables batch changed, around its revert, as
 * around an import: before, the entries of its records go out and the
 * triggers are set aside into h (a trigger per row makes FTS5 flush and
 * merge its index at every row: 20,000 customers took 7G instructions);
 * after, the entries of the records left go in and the triggers come back.
 */
static int
revert_search(struct crm_db *db, int64_t batch, int after,
	struct crm_search_hold *h, struct crm_err *err)
{
	static const char sql[] =
		"SELECT 1 FROM import_changes WHERE batch = ?1 AND tbl = ?2";
	size_t i;

	/* The index in step with the table first, as for an import. */
	if (!after && crm_search_fold(db, err) < 0)
		return -1;
	for (i = 0; crm_entities[i]; i++) {
		const struct crm_entity *e = crm_entities[i];
		int64_t one;
		int got;

		if (!e->fts)
			continue;
		got = crm_get_int(db, "cannot read the batch", err, &one, sql,
			"it", batch, e->table);
		if (got < 0)
			return -1;
		if (!got)
			continue;
		if (after ? crm_search_batch_in(db, e, batch, err) < 0 :
		    crm_search_batch_out(db, e, batch, 0, err) < 0 ||
		    crm_search_suspend(db, e->table, 0, h, err) < 0)
			return -1;
	}
	return after ? crm_search_resume(db, h, err) : 0;
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
	struct crm_buf names = CRM_BUF_INIT, now = CRM_BUF_INIT;
	struct crm_search_hold hold = CRM_SEARCH_HOLD_INIT;
	struct imp_shapes sh;
	struct crm_stmt *st;
	int64_t conflicts = 0;
	int got, ret = -1;

	*undone = 0;
	memset(&sh, 0, sizeof(sh));
	sh.db = db;
	st = crm_sql(db, "cannot read the batch", batch_sql, err);
	crm_bind_int(st, 1, batch);
	got = crm_step(st);
	if (got == 0)
		crm_err_set(err, CRM_EX_NOTFOUND, "no batch %lld",
			(long long)batch);
	else if (got > 0 && crm_col_kind(st, 0) != CRM_NULL)
		crm_err_set(err, CRM_EX_DATAERR, "batch %lld was reverted "
			"at %s", (long long)batch, crm_col_text(st, 0));
	crm_done(st);
	if (err->code)
		return -1;
	if (revert_conflicts(db, &sh, batch, &names, &conflicts, err) < 0)
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
	st = crm_sql(db, "cannot revert", changes_sql, err);
	crm_bind_int(st, 1, batch);
	while (crm_step(st) > 0) {
		const struct crm_entity *e = by_table(crm_col_text(st, 0));
		int64_t id = crm_col_int(st, 1);
		const char *action = crm_col_text(st, 2);
		const char *old = crm_col_text(st, 3);

		if (!e)
			continue;
		if (!strcmp(action, "insert") ? imp_unadd(db, e, id, err) < 0 :
		    restore(db, &sh, e, id, old ? old : "{}", err) < 0 ||
		    crm_activities_follow(db, e, id, err) < 0) {
			crm_done(st);
			goto out;
		}
		++*undone;
	}
	if (crm_done(st) < 0)
		goto out;
	if (revert_search(db, batch, 1, &hold, err) < 0)
		goto out;
	crm_now(&now);
	if (crm_run(db, "cannot mark the batch", err, done_sql, "it", batch,
	    now.buf) < 0)
		goto out;
	ret = 0;
out:
	crm_search_hold_release(&hold);
	imp_shapes_release(&sh);
	crm_buf_release(&names);
	crm_buf_release(&now);
	return ret;
}
