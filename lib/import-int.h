/*
 * import-int.h - what the parts of the importer share (private to
 * lib/import*.c; import.h is the public face).
 *
 * import-map.c maps the header to fields and keys, and finds the rows a
 * later row with the same key supersedes (pass 1); import.c runs over the
 * records (match, insert, update, the rows that wait for a unique value);
 * import-orders.c does orders and inventory; import-log.c keeps the
 * batch: what it inserted, its snapshots and digests, and its revert.
 * Names shared between them carry imp_.
 */
#ifndef CRM_IMPORT_INT_H
#define CRM_IMPORT_INT_H

#include <stddef.h>
#include <stdint.h>

#include "import.h"
#include "out.h"
#include "reader.h"

/* What a column is for. */
enum role {
	R_NONE,		/* ignored: _line, _error, read-only fields */
	R_FIELD,	/* a field of the entity (or of the order) */
	R_LINE		/* orders: a field of the order line */
};

/* A field the file may give, by the name a header uses. */
struct target {
	const char *name;		/* as headers spell it */
	const struct crm_field *f;
	enum role role;
	/* REF.FIELD (customer.email): f is the reference, by the field of
	 * the referenced entity its value is looked up by; else NULL. */
	const struct crm_field *by;
};

struct column {
	const struct target *t;		/* NULL: ignored */
};

/*
 * The statements of the batch log for the records of one entity, made
 * once per run or revert (import-log.c): a record as JSON is its stored
 * columns, the custom ones as the entity's field set has them.
 */
struct imp_shape {
	const struct crm_fieldset *fs;	/* the run's, or own */
	struct crm_fieldset own;	/* loaded for another entity */
	int loaded;			/* own is */
};

/* One imp_shape per entity (crm_entities), made as needed. */
struct imp_shapes {
	struct crm_db *db;
	const struct crm_fieldset *given;	/* the run's, or NULL */
	struct imp_shape *s;
	size_t n;
};
void imp_shapes_release(struct imp_shapes *sh);

/* The state of one run. */
struct run {
	struct crm_db *db;
	struct crm_import *im;
	struct crm_err *err;
	const struct crm_entity *e;
	struct target *targets;
	size_t ntargets;
	struct target **dotted;	/* REF.FIELD targets, made as named */
	size_t ndotted;
	struct crm_buf *ids;	/* a row's REF.FIELD columns, as ids */
	struct crm_record resolved;	/* a row with those (imp_resolve()) */
	/* Rows whose unique value another record holds, tried again at
	 * the end (settle()); settling: the last try, which rejects. */
	struct crm_record *later;
	size_t nlater, alater;
	struct crm_record *spare;	/* the round's rows (round_later()) */
	size_t aspare;
	int settling;
	int trial;		/* free_cycle()'s trial: nothing reported */
	int trial_failed;	/* a row of the trial was not written */
	struct column *cols;
	size_t ncols;
	struct crm_record header;
	struct crm_out rej, plan;
	const struct crm_field *keys[8];	/* matched on, in order */
	size_t nkeys;
	int compound;		/* the keys are one key together
				 * ("campaign+customer"), not choices */
	char now[32];
	int64_t repeated;	/* rows a later row with their key wins */
	int64_t max_id;		/* the entity's largest id before the run */
	int created;		/* the column of created_at, or -1 */
	/* Pass 1, all but orders: a bit per line, set where a later row
	 * with the same key wins (a bit a line: 5M lines in 640 KiB). */
	unsigned char *lost;
	size_t nlost;		/* bytes in lost */
	struct crm_buf last_ref;	/* pass 1, orders: the previous ref */
	/* orders: the order being gathered */
	struct crm_record *group;
	size_t ngroup, agroup;
	struct crm_buf group_ref;
	struct imp_shapes shapes;	/* the batch log's statements */
	/* Where loads stream (a server) and the table was empty, new
	 * records wait in a piece of up to IMP_PIECE_ROWS, loaded at once
	 * (import.c, stream_insert()). */
	int streaming;
	struct crm_load *piece;
	struct crm_err piece_err;	/* the piece's load's failure */
	struct crm_buf piece_cols;
	int piece_ncols;
	struct crm_record *pend;	/* the piece's rows, as they came */
	size_t npend, apend;
	int64_t next_id;		/* the last id given */
};

/*
 * crm_db_bulk() stages beyond on (1) and off (0), which the SQLite
 * driver takes (sq_bulk()): a run whose keys come mostly in order, and
 * the indexes set aside being built again.
 */
#define IMP_BULK_KEYS_IN_ORDER	2
#define IMP_BULK_SORT		3

/* ---- the header and the keys (import-map.c) ---------------------------- */

/* The fields a file may give for this kind of import. */
void imp_make_targets(struct run *r);
/* Map the header's columns to fields; every check that can refuse the
 * whole file before anything is written. */
int imp_map_header(struct run *r);
/* The key fields, and the columns every row must have. */
int imp_check_columns(struct run *r);
/* The key a row is known by in messages and the plan.  Static storage,
 * until the next call. */
const char *imp_row_key(const struct run *r, const struct crm_record *rec);
/* The key's name in messages ("email", "campaign+customer").  Static
 * storage, until the next call. */
const char *imp_key_name(const struct run *r);
/* The column of field f in the row, or -1. */
int imp_column_of(const struct run *r, const struct crm_record *rec,
	const struct crm_field *f);
/* The row with each REF.FIELD value replaced by the id it names; rec
 * itself when the file has none.  Valid until the next call; NULL with
 * e set when a value names no record (or several). */
const struct crm_record *imp_resolve(struct run *r,
	const struct crm_record *rec, struct crm_err *e);
/* The cell of the column that gives the target called name, or NULL. */
const char *imp_cell(const struct run *r, const struct crm_record *rec,
	const char *name);
/* Pass 1: note the line that wins for each key. */
int imp_scan_keys(struct run *r, struct crm_reader *rd);
/* Does a later row with the same key win over rec?  *winner gets its
 * line. */
int imp_superseded(struct run *r, const struct crm_record *rec,
	int64_t *winner);
int imp_all_empty(const struct crm_record *rec);

/* ---- rows (import.c, import-reject.c) -------------------------------- */

void imp_plan(struct run *r, const struct crm_record *rec,
	const char *action, const char *reason);
void imp_reject(struct run *r, const struct crm_record *rec,
	const char *reason);
/* A row failed with the reason in e: rejected, or the run ends (-1) on
 * an error that is not the row's. */
int imp_row_failed(struct run *r, const struct crm_record *rec,
	struct crm_err *e);
/* The record a row names by its key: 1 found, 0 not, -1 error. */
int imp_match(struct run *r, const struct crm_record *rec, int64_t *id,
	int *keyed, struct crm_err *e);
/* Append a copy of rec to the array *a of *n records (*alloc room). */
void imp_push_record(struct crm_record **a, size_t *n, size_t *alloc,
	const struct crm_record *rec);

/* ---- orders and inventory (import-orders.c) ---------------------------- */

int imp_stock(struct run *r, const struct crm_record *rec);
int imp_zero_missing(struct run *r);
/* Write the order gathered in r->group. */
int imp_flush_order(struct run *r);
/* An order line: gathered with the others of its order. */
int imp_line(struct run *r, const struct crm_record *rec);

/* ---- the batch log (import-log.c) -------------------------------------- */

/* Log a change of the batch: an insert, or an update with its old JSON. */
int imp_log_change(struct run *r, const struct crm_entity *e, int64_t id,
	const char *action, const char *old);
/* The stored columns of a record as a JSON object, into out. */
int imp_snapshot(struct run *r, const struct crm_entity *e, int64_t id,
	struct crm_buf *out);
int imp_begin_batch(struct run *r);
int imp_end_batch(struct run *r, const char *sha);
/* Log every record the run inserted, in one statement. */
int imp_log_inserts(struct run *r);
/* Delete a record the batch inserted. */
int imp_unadd(struct crm_db *db, const struct crm_entity *e, int64_t id,
	struct crm_err *err);

#endif
