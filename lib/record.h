/*
 * record.h - records of any entity: values, finding, adding, changing,
 * deleting, merging, and selecting with --where/--sort/--limit.
 *
 * Everything here works from the entity description (entity.h); a verb of
 * any binary is a few calls to these.  None of these functions opens or
 * ends a transaction: the command wraps its whole work in one
 * (crm_db_begin ... crm_db_commit) so that a failure changes nothing.
 *
 * Values bound into SQL are always parameters; identifiers come only from
 * the entity tables, written by crm_sql_ident().
 */
#ifndef CRM_RECORD_H
#define CRM_RECORD_H

#include <stdint.h>

#include "db.h"
#include "entity.h"
#include "out.h"

/* A value in storage form, ready to bind. */
struct crm_val {
	enum crm_kind kind;	/* CRM_NULL, CRM_INT or CRM_TEXT */
	int64_t i;		/* CRM_INT */
	struct crm_buf s;	/* CRM_TEXT */
};
#define CRM_VAL_INIT { CRM_NULL, 0, CRM_BUF_INIT }
void crm_val_release(struct crm_val *v);

/* Bind v to parameter i of st.  Text is not copied: v must stay as it is
 * until crm_done(). */
void crm_bind_val(struct crm_stmt *st, int i, const struct crm_val *v);

/* Append name as a quoted SQL identifier ("name", quotes doubled). */
void crm_sql_ident(struct crm_buf *sql, const char *name);

/*
 * Check and normalize what a user typed for field f (SPEC 4) into v.  Empty
 * text gives NULL.  A reference (CRM_T_REF) is looked up in db by id or key
 * and stored as the id; db may be NULL only for other types.  Errors are
 * CRM_EX_DATAERR with a message naming the field.
 */
int crm_field_parse(struct crm_db *db, const struct crm_field *f,
	const char *text, struct crm_val *v, struct crm_err *err);

/* Write column col of st, a value of field f, as the next cell of out. */
void crm_field_cell(const struct crm_field *f, struct crm_stmt *st, int col,
	struct crm_out *out);

/* The acting user: $CRM_USER, else the login name.  Static storage. */
const char *crm_user(void);

/*
 * Check $CRM_USER before crm_user() takes it: a name that is not valid
 * UTF-8 or holds a control character is refused (CRM_EX_USAGE, the
 * message says what is wrong with it), so that it never reaches the
 * records, the import log or the output.  0 when it is fine or unset.
 */
int crm_user_check(struct crm_err *err);

/* Does a key a user typed name a record by its id (digits only, fewer
 * than 19, blanks around them aside)?  crm_record_find() tries it as one
 * first. */
int crm_record_key_is_id(const char *key);

/*
 * Find a record by what a user typed: its id, or the value of one of the
 * entity's key fields (a customer's email or ref).  Returns 0 and *id, or
 * -1 with err set: CRM_EX_NOTFOUND when nothing matches.
 */
int crm_record_find(struct crm_db *db, const struct crm_entity *e,
	const char *key, int64_t *id, struct crm_err *err);

/*
 * Find a record by one field's value only (an import's SKU column: "1"
 * is the SKU 1, never the id 1).  Errors as crm_record_find().
 */
int crm_record_find_by(struct crm_db *db, const struct crm_entity *e,
	const char *field, const char *text, int64_t *id, struct crm_err *err);

/* Field assignments, as options and --set give them (text not copied). */
struct crm_assign {
	const struct crm_field *f;
	const char *text;
};
struct crm_assigns {
	struct crm_assign *a;
	size_t n, alloc;
};
#define CRM_ASSIGNS_INIT { NULL, 0, 0 }
void crm_assigns_add(struct crm_assigns *as, const struct crm_field *f,
	const char *text);
void crm_assigns_release(struct crm_assigns *as);

/*
 * Parse "FIELD=VALUE" (--set) against fs and add it.  An unknown field is
 * CRM_EX_USAGE listing the known ones; a read-only field CRM_EX_USAGE.
 */
int crm_assigns_set(struct crm_assigns *as, const struct crm_fieldset *fs,
	const char *expr, struct crm_err *err);

/*
 * Add a record with the assigned fields and the defaults of the rest.
 * Checks required fields, uniqueness (naming the record that has the
 * value) and references.  *id gets the new id.
 */
int crm_record_insert(struct crm_db *db, const struct crm_fieldset *fs,
	const struct crm_assigns *as, int64_t *id, struct crm_err *err);

/*
 * crm_record_insert() in two halves, for many new records in a load
 * (db.h): crm_record_new() works out the values a new record would be
 * stored with (defaults, stamps, the entity's rules) into v[fs->n],
 * which the caller releases; 0, or -1 with err set.  crm_record_load()
 * adds them with the record's id as one row of a load of the columns
 * crm_record_load_columns() names, crm_record_load_count() of them.
 * The load checks no unique value: the database does, at its end.
 */
int crm_record_new(struct crm_db *db, const struct crm_fieldset *fs,
	const struct crm_assigns *as, struct crm_val *v, struct crm_err *err);
void crm_record_load_columns(const struct crm_fieldset *fs,
	struct crm_buf *out);
int crm_record_load_count(const struct crm_fieldset *fs);
void crm_record_load(struct crm_load *ld, const struct crm_fieldset *fs,
	int64_t id, const struct crm_val *v);

/*
 * A record holding exactly what crm_record_insert() would store for the
 * assigned fields (the others are not compared): 1 and *id set, 0 none,
 * -1 with err set (a value that does not parse, for one).  How an import
 * knows a row without a key is there already.
 */
int crm_record_find_same(struct crm_db *db, const struct crm_fieldset *fs,
	const struct crm_assigns *as, int64_t *id, struct crm_err *err);

/*
 * Change the assigned fields of record id.  *changed (may be NULL) is 1
 * when a value differed, 0 when the record already held them all; an
 * unchanged record keeps its updated_at.
 */
int crm_record_update(struct crm_db *db, const struct crm_fieldset *fs,
	int64_t id, const struct crm_assigns *as, int *changed,
	struct crm_err *err);

/*
 * Delete record id.  When other records refer to it, refuse (CRM_EX_DATAERR,
 * naming them) unless cascade, which deletes them first, and theirs.
 * Appends "2 contacts, 1 order" (what the cascade removed) to removed,
 * which may be NULL.
 */
int crm_record_delete(struct crm_db *db, const struct crm_entity *e,
	int64_t id, int cascade, struct crm_buf *removed, struct crm_err *err);

/*
 * Merge record other into keep: every reference to other moves to keep,
 * fields empty in keep are filled from other, and other is deleted.
 * Appends what moved ("3 contacts") to moved (may be NULL).
 */
int crm_record_merge(struct crm_db *db, const struct crm_fieldset *fs,
	int64_t keep, int64_t other, struct crm_buf *moved,
	struct crm_err *err);

/*
 * A write as an entity's rules see it (entity.h, rules): the values about
 * to be stored, in storage form, indexed like the record's field set:
 * the built-in fields as in e->fields (derived fields and the id stay
 * NULL), then its custom fields, which rules leave alone; the values
 * stored before, NULL for a new record; and which fields the write
 * assigns (set by hand: an option, --set, an import column).  Rules may
 * change v (release a value before they give it another); what differs
 * from old is written.
 */
struct crm_change {
	const struct crm_entity *e;
	int64_t id;			/* 0 for a new record */
	struct crm_val *v;
	const struct crm_val *old;	/* NULL for a new record */
	const unsigned char *set;
};

/* The index of e's field name in e->fields; -1 if it has none. */
int crm_field_index(const struct crm_entity *e, const char *name);

/* ---- selecting -------------------------------------------------------- */

enum crm_op { CRM_OP_EQ, CRM_OP_NE, CRM_OP_LT, CRM_OP_LE, CRM_OP_GT,
	CRM_OP_GE, CRM_OP_LIKE };

struct crm_cond {
	const struct crm_field *f;
	enum crm_op op;
	int empty;		/* FIELD= or FIELD!= with nothing after it */
	struct crm_val v;
};

struct crm_sortkey {
	const struct crm_field *f;
	int desc;
};

/*
 * What a list selects: conditions (all must hold), order, window, and
 * optionally the ids of a full-text match.
 */
struct crm_query {
	const struct crm_fieldset *fs;
	struct crm_cond *conds;
	size_t nconds;
	struct crm_sortkey *sort;
	size_t nsort;
	int64_t limit;		/* -1: no limit */
	int64_t offset;
	const char *match;	/* what a search looks for, or NULL */
	int64_t only_id;	/* > 0: just this record */
};

void crm_query_init(struct crm_query *q, const struct crm_fieldset *fs);
void crm_query_release(struct crm_query *q);

/*
 * Add --where EXPR: "FIELD OP VALUE" with OP one of = != < <= > >= ~.  The
 * value is checked by the field's type (a money value as money, a date as
 * a date); "~" is a case-insensitive substring match.  Errors are
 * CRM_EX_USAGE: unknown field (listing the known ones), no operator, a
 * value the field's type cannot hold.
 */
int crm_query_where(struct crm_query *q, struct crm_db *db, const char *expr,
	struct crm_err *err);

/* Add --sort "[-]FIELD[,...]". */
int crm_query_sort(struct crm_query *q, const char *spec, struct crm_err *err);

/*
 * Parse --fields "a,b,c" or "all" into fields (caller frees the array with
 * free()).  NULL or "" gives the entity's default list columns.
 */
int crm_fields_parse(const struct crm_fieldset *fs, const char *spec,
	const struct crm_field ***fields, size_t *n, struct crm_err *err);

/*
 * REF.FIELD (customer.email): a field of the record a reference field
 * names, as a read-only derived field of the record that holds the
 * reference, so that --fields, --where and --sort take it like any other
 * (the referenced record is looked up by a subquery on the id, which
 * gives NULL where the reference is empty).  crm_fields_parse(),
 * crm_query_where() and crm_query_sort() know these names; these two are
 * for the other places that follow references (the importer, the
 * completions).  crm_ref_followable() says whether field target of the
 * referenced entity may follow the dot: any stored field but another
 * reference.  crm_ref_field() returns the same field for the same pair,
 * made once and kept for the life of the process.
 */
int crm_ref_followable(const struct crm_field *target);
const struct crm_field *crm_ref_field(const struct crm_field *ref,
	const struct crm_field *target);

/*
 * Append the SQL of a field of the record "t" (its column, or a derived
 * field's expression), and of a --where condition with its value as
 * parameter ?param: for queries of their own (reports) over "t".
 */
void crm_query_field_sql(struct crm_buf *sql, const struct crm_field *f);
void crm_query_cond_sql(struct crm_buf *sql, const struct crm_cond *c,
	int param);

/*
 * Run the query and write the chosen fields of every row to out (begun by
 * the caller with the same columns).  Returns the number of rows, or -1
 * with err set.
 */
int64_t crm_query_run(struct crm_db *db, const struct crm_query *q,
	const struct crm_field *const *fields, size_t nfields,
	struct crm_out *out, struct crm_err *err);

#endif
