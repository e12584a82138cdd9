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
#include "snapshot.h"
#include "text.h"
#include "value.h"
#include "banned.h"

/* The field set of e's records, loaded on first use (import-int.h). */
static struct imp_shape *
shape_of(struct imp_shapes *sh, const struct crm_entity *e,
	struct crm_err *err)
{
	struct imp_shape *s;
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
	}
	free(sh->s);
	sh->s = NULL;
	sh->n = 0;
}

/* ---- the batch of a run ------------------------------------------------- */

static const char log_sql[] =
	"INSERT INTO import_changes\n"
	"       (batch, tbl, record, action, old, stamp)\n"
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6)";

/* Log a change of record id, stamped with the digest of json, what the
 * record holds now. */
static int
log_row(struct crm_db *db, int64_t batch, const struct crm_entity *e,
	int64_t id, const char *action, const char *old, const char *json,
	size_t len, struct crm_err *err)
{
	struct crm_buf stamp = CRM_BUF_INIT;
	int64_t n;

	crm_snapshot_digest(json, len, &stamp);
	n = crm_run(db, "cannot log the change", err, log_sql, "itittt",
		batch, e->table, id, action, old, stamp.buf);
	crm_buf_release(&stamp);
	return n < 0 ? -1 : 0;
}

int
imp_log_change(struct run *r, const struct crm_entity *e, int64_t id,
	const char *action, const char *old)
{
	struct imp_shape *s = shape_of(&r->shapes, e, r->err);
	struct crm_buf json = CRM_BUF_INIT;
	int got, ret = 0;

	if (!s)
		return -1;
	got = crm_snapshot(r->db, s->fs, id, &json, r->err);
	if (got < 0 || (got > 0 && log_row(r->db, r->im->batch, e, id,
	    action, old, json.buf, json.len, r->err) < 0))
		ret = -1;
	crm_buf_release(&json);
	return ret;
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
	got = crm_snapshot(r->db, s->fs, id, out, r->err);
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

/* The inserts of a run are logged LOG_ROWS to a statement. */
#define LOG_ROWS 128

struct log_inserts {
	struct run *r;
	struct crm_load *ld;	/* where loads stream: each row into it */
	int64_t id[LOG_ROWS];
	char stamp[LOG_ROWS][17];
	size_t n;
};

static int
flush_inserts(struct log_inserts *li)
{
	struct run *r = li->r;
	struct crm_buf sql = CRM_BUF_INIT;
	struct crm_stmt *st;
	size_t i;

	if (!li->n)
		return 0;
	crm_buf_adds(&sql, "INSERT INTO import_changes\n"
		"       (batch, tbl, record, action, stamp)\nVALUES ");
	for (i = 0; i < li->n; i++)
		crm_buf_addf(&sql, "%s(?1, ?2, ?%zu, 'insert', ?%zu)",
			i ? ", " : "", 3 + 2 * i, 4 + 2 * i);
	st = crm_sql(r->db, "cannot log the batch", sql.buf, r->err);
	crm_bind_int(st, 1, r->im->batch);
	crm_bind_text(st, 2, r->e->table);
	for (i = 0; i < li->n; i++) {
		crm_bind_int(st, (int)(3 + 2 * i), li->id[i]);
		crm_bind_text(st, (int)(4 + 2 * i), li->stamp[i]);
	}
	crm_step(st);
	li->n = 0;
	crm_buf_release(&sql);
	return crm_done(st);
}

static int
log_insert(void *arg, int64_t id, const char *json, size_t len)
{
	struct log_inserts *li = arg;
	struct crm_buf stamp = CRM_BUF_INIT;

	crm_snapshot_digest(json, len, &stamp);
	if (li->ld) {
		crm_load_int(li->ld, li->r->im->batch);
		crm_load_text(li->ld, li->r->e->table, strlen(li->r->e->table));
		crm_load_int(li->ld, id);
		crm_load_text(li->ld, "insert", 6);
		crm_load_text(li->ld, stamp.buf, stamp.len < 16 ?
			stamp.len : 16);
		crm_buf_release(&stamp);
		return 0;
	}
	li->id[li->n] = id;
	memcpy(li->stamp[li->n], stamp.buf, sizeof(li->stamp[0]) - 1);
	li->stamp[li->n][16] = '\0';
	crm_buf_release(&stamp);
	return ++li->n == LOG_ROWS ? flush_inserts(li) : 0;
}

/*
 * The records of a run's entity that the run inserted: a new row gets
 * the largest id plus one, and nobody else writes during the run, so
 * they are those above the largest id before it.  Logged many to a
 * statement: one per row would cost an import a tenth of its time; on a
 * server, where that is still a round trip each, as a load.
 */
int
imp_log_inserts(struct run *r)
{
	struct imp_shape *s = shape_of(&r->shapes, r->e, r->err);
	struct log_inserts *li;
	int ret;

	if (!s)
		return -1;
	li = crm_xcalloc(1, sizeof(*li));
	li->r = r;
	if (crm_db_streams(r->db))
		li->ld = crm_load_begin(r->db, "import_changes",
			"batch, tbl, record, action, stamp", 5, r->err);
	ret = crm_snapshot_each(r->db, s->fs, r->max_id, log_insert, li,
		r->err);
	if (ret == 0)
		ret = flush_inserts(li);
	if (li->ld && crm_load_end(li->ld) < 0)
		ret = -1;
	free(li);
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
	struct crm_buf json = CRM_BUF_INIT, now = CRM_BUF_INIT;
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
		crm_buf_reset(&json);
		crm_buf_reset(&now);
		got = crm_snapshot(db, s->fs, id, &json, err);
		if (got < 0) {
			ret = -1;
			break;
		}
		crm_snapshot_digest(json.buf, json.len, &now);
		if (got == 0)
			why = "deleted";
		else if (strcmp(now.buf, stamp))
			why = "changed";
		if (why) {
			if (++*n <= 10)
				crm_buf_addf(names, "%s%s %lld (%s)",
					names->len ? ", " : "", e->name,
					(long long)id, why);
		}
	}
	if (crm_done(st) < 0)
		ret = -1;
	crm_buf_release(&json);
	crm_buf_release(&now);
	return ret;
}

/* Put back the columns of a record from its JSON snapshot. */
static int
restore(struct crm_db *db, struct imp_shapes *sh,
	const struct crm_entity *e, int64_t id, const char *old,
	struct crm_err *err)
{
	struct imp_shape *s = shape_of(sh, e, err);

	return s ? crm_snapshot_restore(db, s->fs, id, old, err) : -1;
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
