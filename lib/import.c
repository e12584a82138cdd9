/*
 * import.c - an import's run (import.h): the two passes over the file,
 * and each record's row matched, inserted or updated, or rejected; rows
 * that wait for a unique value another row frees are tried again at the
 * end.  Its rejects and plan are in import-reject.c; the parts it
 * shares with the others are in import-int.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "import-int.h"
#include "search.h"
#include "text.h"
#include "value.h"
#include "banned.h"

/* imp_match() of a key of several fields, which must all hold. */
static int
match_compound(struct run *r, const struct crm_record *rec, int64_t *id,
	struct crm_err *e)
{
	struct crm_val v[8];
	struct crm_buf sql = CRM_BUF_INIT;
	struct crm_stmt *st;
	size_t k;
	int c, found = 0;

	memset(v, 0, sizeof(v));
	crm_buf_adds(&sql, "SELECT id FROM ");
	crm_sql_ident(&sql, r->e->table);
	for (k = 0; k < r->nkeys; k++) {
		c = imp_column_of(r, rec, r->keys[k]);
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
	st = crm_sql(r->db, "cannot match", sql.buf, e);
	for (k = 0; k < r->nkeys; k++)
		crm_bind_val(st, (int)k + 1, &v[k]);
	found = crm_step(st);
	if (found > 0)
		*id = crm_col_int(st, 0);
	if (crm_done(st) < 0)
		found = -1;
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
int
imp_match(struct run *r, const struct crm_record *rec, int64_t *id, int *keyed,
	struct crm_err *e)
{
	struct crm_val v = CRM_VAL_INIT;
	struct crm_buf sql = CRM_BUF_INIT;
	struct crm_stmt *st;
	size_t i, k;
	int found = 0;

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
		st = crm_sql(r->db, "cannot match", sql.buf, e);
		crm_bind_val(st, 1, &v);
		while (crm_step(st) > 0) {
			*id = crm_col_int(st, 0);
			found++;
		}
		if (crm_done(st) < 0) {
			crm_val_release(&v);
			crm_buf_release(&sql);
			return -1;
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
	int64_t other;
	size_t i;
	int held = 0;

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
		held = crm_get_int(r->db, "cannot match", r->err, &other,
			sql.buf, "vi", &v, self);
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
void
imp_push_record(struct crm_record **a, size_t *n, size_t *alloc,
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
	imp_push_record(&r->later, &r->nlater, &r->alater, rec);
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
	int keyed, count = -1;

	for (i = 0; i < n; i++) {
		const struct crm_record *row = imp_resolve(r, &r->later[i], &e);

		if (!row || imp_match(r, row, &targets[i], &keyed, &e) <= 0)
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
			holder = 0;
			count = crm_get_int(r->db, "cannot match", r->err,
				&holder, sql.buf, "vi", &v, targets[i]) < 0 ?
				-1 : count;
			crm_val_release(&v);
			if (count < 0)
				break;
			/* The holder's own row must write the field again. */
			for (j = 0; holder && j < n; j++)
				if (j != i && targets[j] == holder &&
				    c < r->later[j].n &&
				    !crm_text_blank(r->later[j].f[c].buf))
					break;
			if (!holder || j == n)
				continue;
			if (imp_snapshot(r, r->e, holder, &old) < 0) {
				count = -1;
				break;
			}
			crm_buf_reset(&sql);
			crm_buf_adds(&sql, "UPDATE ");
			crm_sql_ident(&sql, r->e->table);
			crm_buf_adds(&sql, " SET ");
			crm_sql_ident(&sql, t->f->name);
			crm_buf_adds(&sql, " = NULL WHERE id = ?1");
			if (crm_run(r->db, "cannot set a value aside", r->err,
			    sql.buf, "i", holder) < 0 ||
			    imp_log_change(r, r->e, holder, "update",
			    old.buf) < 0) {
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

	if (crm_db_savepoint(r->db, "cycle", CRM_SP_BEGIN, r->err) < 0)
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
	if (crm_db_savepoint(r->db, "cycle", CRM_SP_UNDO, r->err) < 0 ||
	    crm_db_savepoint(r->db, "cycle", CRM_SP_RELEASE, r->err) < 0 ||
	    parked < 0)
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

/*
 * New records in pieces, where loads stream (a server: a round trip
 * saved a row) and the table was empty when the run began, so that no
 * row of it is looked up (the rows it holds are the run's own).  Each
 * piece is loaded under a savepoint; its rows are counted when it is in.
 * A piece the database refuses (a unique value two rows of the file
 * share, say) is undone and its rows go again one by one, as they would
 * without a piece, each written or rejected with its reason - those
 * rejects come after the later rows' already written.
 */
#define IMP_PIECE_ROWS 5000

/* The largest id of the run's table into *id (0 when empty): 0 or -1. */
static int
max_id(struct run *r, int64_t *id)
{
	struct crm_buf sql = CRM_BUF_INIT;
	int got;

	crm_buf_adds(&sql, "SELECT coalesce(max(id), 0) FROM ");
	crm_sql_ident(&sql, r->e->table);
	got = crm_get_int(r->db, "cannot import", r->err, id, sql.buf, NULL);
	crm_buf_release(&sql);
	return got < 0 ? -1 : 0;
}

static int
flush_piece(struct run *r)
{
	size_t i;
	int ok;

	if (!r->piece)
		return 0;
	ok = crm_load_end(r->piece) == 0;
	r->piece = NULL;
	if (ok) {
		if (crm_db_savepoint(r->db, "crm_piece", CRM_SP_RELEASE,
		    r->err) < 0)
			return -1;
		r->im->inserted += (int64_t)r->npend;
		r->npend = 0;
		return 0;
	}
	crm_err_clear(&r->piece_err);
	if (crm_db_savepoint(r->db, "crm_piece", CRM_SP_UNDO, r->err) < 0)
		return -1;
	r->streaming = 0;
	for (i = 0; i < r->npend; i++)
		if (import_record(r, &r->pend[i]) < 0)
			return -1;
	r->streaming = 1;
	r->npend = 0;
	return max_id(r, &r->next_id);
}

/* A new record into the piece: 0, -1 with e set (the row's values), or
 * -2 with r->err set. */
static int
stream_insert(struct run *r, const struct crm_record *rec,
	const struct crm_assigns *as, struct crm_err *e)
{
	const struct crm_fieldset *fs = r->im->fs;
	struct crm_val *v = crm_xcalloc(fs->n, sizeof(*v));
	size_t i;
	int ret = 0;

	if (crm_record_new(r->db, fs, as, v, e) < 0) {
		ret = -1;
		goto out;
	}
	if (!r->piece) {
		if (crm_db_savepoint(r->db, "crm_piece", CRM_SP_BEGIN,
		    r->err) < 0) {
			ret = -2;
			goto out;
		}
		r->piece = crm_load_begin(r->db, r->e->table,
			r->piece_cols.buf, r->piece_ncols, &r->piece_err);
	}
	crm_record_load(r->piece, fs, ++r->next_id, v);
	imp_push_record(&r->pend, &r->npend, &r->apend, rec);
	if (r->npend >= IMP_PIECE_ROWS && flush_piece(r) < 0)
		ret = -2;
out:
	for (i = 0; i < fs->n; i++)
		crm_val_release(&v[i]);
	free(v);
	return ret;
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
	row = imp_resolve(r, rec, &e);
	if (!row)
		goto failed;
	for (i = 0; i < r->ncols && i < row->n; i++)
		if (r->cols[i].t && r->cols[i].t->role != R_NONE)
			crm_assigns_add(&as, r->cols[i].t->f, row->f[i].buf);
	/* Into a table empty before the run only a row of this run could
	 * match, and the one row that holds a key is the one not
	 * superseded: no lookup finds anything. */
	found = r->max_id ? imp_match(r, row, &id, &keyed, &e) : 0;
	/* A row without a key value is there already if a record holds
	 * all of its values: so running a file again adds nothing. */
	if (!found && !keyed && im->mode != CRM_IMPORT_UPDATE && r->max_id)
		found = crm_record_find_same(r->db, im->fs, &as, &id, &e);
	if (found < 0)
		goto failed;
	if (found && im->mode == CRM_IMPORT_INSERT) {
		if (keyed)
			crm_err_set(&e, CRM_EX_DATAERR, "%s '%s' exists "
				"already (%s %lld)", imp_key_name(r),
				imp_row_key(r, rec), r->e->name, (long long)id);
		else
			crm_err_set(&e, CRM_EX_DATAERR, "%s %lld holds these "
				"values already", r->e->name, (long long)id);
		goto failed;
	}
	if (found && !keyed) {
		im->unchanged++;
		if (!r->trial)
			imp_plan(r, rec, "unchanged", NULL);
		goto out;
	}
	if (!found && im->mode == CRM_IMPORT_UPDATE) {
		crm_err_set(&e, CRM_EX_DATAERR, "no %s with %s '%s' to "
			"update", r->e->name, imp_key_name(r),
			imp_row_key(r, rec));
		goto failed;
	}
	if (found) {
		if (imp_snapshot(r, r->e, id, &old) < 0)
			goto failed;
		if (crm_record_update(r->db, im->fs, id, &as, &changed,
		    &e) < 0)
			goto unwritten;
		if (changed && imp_log_change(r, r->e, id, "update",
		    old.buf) < 0)
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
		/* Logged all at once at the end: see imp_log_inserts(). */
		if (r->streaming && !r->trial && !r->settling) {
			int s = stream_insert(r, rec, &as, &e);

			if (s == -2)
				goto fatal;
			if (s < 0)
				goto unwritten;
			goto out;
		}
		if (crm_record_insert(r->db, im->fs, &as, &id, &e) < 0)
			goto unwritten;
		action = "insert";
		im->inserted++;
	}
	if (!r->trial)
		imp_plan(r, rec, action, NULL);
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
	ret = imp_row_failed(r, rec, &e);
	goto out;
fatal:
	ret = -1;
out:
	crm_assigns_release(&as);
	crm_err_release(&e);
	crm_buf_release(&old);
	return ret;
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

		if (!rec.bad && imp_all_empty(&rec))
			continue;
		im->read++;
		problem = row_problem(r, &rec);
		if (problem) {
			if (im->kind == CRM_IMPORT_ORDERS &&
			    imp_flush_order(r) < 0)
				goto out;
			imp_reject(r, &rec, problem);
		} else if (imp_superseded(r, &rec, &winner)) {
			r->repeated++;
			snprintf(why, sizeof(why), "repeated key: line %lld "
				"wins", (long long)winner);
			imp_plan(r, &rec, "skip", why);
		} else if ((im->kind == CRM_IMPORT_RECORDS ?
		    import_record(r, &rec) : im->kind == CRM_IMPORT_ORDERS ?
		    imp_line(r, &rec) : imp_stock(r, &rec)) < 0) {
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
	/* The rows that wait, and a trial of them, go one by one. */
	if (got < 0 || flush_piece(r) < 0)
		goto out;
	r->streaming = 0;
	if (!im->aborted && settle(r) < 0)
		goto out;
	if (!im->aborted && im->kind == CRM_IMPORT_ORDERS &&
	    imp_flush_order(r) < 0)
		goto out;
	if (!im->aborted && im->missing_zero && imp_zero_missing(r) < 0)
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
	struct crm_search_hold hold = CRM_SEARCH_HOLD_INIT;
	char sha[65];
	int ret = -1, bulk = 0;

	memset(&r, 0, sizeof(r));
	crm_buf_init(&r.piece_cols);
	r.piece_err = (struct crm_err)CRM_ERR_INIT;
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
	r.shapes.db = db;
	r.shapes.given = im->fs;
	imp_make_targets(&r);

	/* Memory for the indexes a large run writes at random, and for
	 * pass 1's keys: bounded by them, not by the file.  Records' keys
	 * (emails) come in any order; orders' refs mostly rise, so their
	 * keys go in at the B-tree's right edge and want less. */
	crm_db_bulk(db, im->kind == CRM_IMPORT_RECORDS ? 1 :
		IMP_BULK_KEYS_IN_ORDER);
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
	if (read_header(&r, rd) < 0 || imp_map_header(&r) < 0 ||
	    imp_check_columns(&r) < 0 || imp_scan_keys(&r, rd) < 0)
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

	if (imp_begin_batch(&r) < 0)
		goto out;
	if (im->kind != CRM_IMPORT_INVENTORY && max_id(&r, &r.max_id) < 0)
		goto out;
	bulk = im->kind == CRM_IMPORT_RECORDS;
	/* A row's rules may read the table (campaign members), and a
	 * plan lists the rows in their order: those go one by one. */
	r.streaming = bulk && !r.max_id && crm_db_streams(db) &&
		!r.e->rules && im->mode != CRM_IMPORT_UPDATE && !im->plan;
	if (r.streaming) {
		crm_record_load_columns(im->fs, &r.piece_cols);
		r.piece_ncols = crm_record_load_count(im->fs);
	}
	/* Into a table that holds records its indexes stay, for a row
	 * without a key is looked up by its values (search.h). */
	if (bulk && crm_search_suspend(db, r.e->table, !r.max_id, &hold,
	    err) < 0)
		goto out;
	begin_outputs(&r);
	ret = write_rows(&r, rd);
	if (ret == 0 && im->kind != CRM_IMPORT_INVENTORY)
		ret = imp_log_inserts(&r);
	if (ret == 0 && bulk)
		ret = crm_search_batch_out(db, r.e, im->batch, 1, err) < 0 ||
		    crm_search_batch_in(db, r.e, im->batch, err) < 0 ? -1 : 0;
	/* The indexes set aside are built again in a buffer of bounded
	 * size, full at a million rows as at five. */
	if (ret == 0 && bulk) {
		crm_db_bulk(db, IMP_BULK_SORT);
		ret = crm_search_resume(db, &hold, err);
	}
	im->repeated = r.repeated;
	if (ret == 0 && im->progress)
		im->progress(im->progress_arg, im->read,
			crm_reader_offset(rd));
	if (ret == 0) {
		crm_reader_sha256(rd, sha);
		ret = imp_end_batch(&r, sha);
	}
	if (im->rejects && crm_out_end(&r.rej) < 0 && ret == 0)
		ret = crm_err_set(err, CRM_EX_IOERR, "cannot write the "
			"rejects file");
	if (im->plan)
		crm_out_end(&r.plan);
out:
	if (r.piece)
		crm_load_end(r.piece);
	crm_err_release(&r.piece_err);
	crm_buf_release(&r.piece_cols);
	for (size_t i = 0; i < r.apend; i++)
		crm_record_release(&r.pend[i]);
	free(r.pend);
	crm_db_bulk(db, 0);
	crm_search_hold_release(&hold);
	imp_shapes_release(&r.shapes);
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
