/*
 * entity.h - the description of every entity: one table of fields each.
 *
 * This is the one place that says what a customer, a product or an order
 * is made of.  Every verb, --where, --sort, --fields, the output writers,
 * the importer and the completions work from these tables; nothing about a
 * field is written out again per command.  The database columns are named
 * exactly like the fields (see schema.c).
 *
 * The tables are static and read-only.  Custom fields (defined at run time
 * with crm-field) join an entity through struct crm_fieldset, which lists
 * the built-in fields first and custom ones after them.
 */
#ifndef CRM_ENTITY_H
#define CRM_ENTITY_H

#include <stddef.h>
#include <stdint.h>

struct crm_db;
struct crm_err;
struct crm_change;

enum crm_type {
	CRM_T_ID,	/* integer primary key */
	CRM_T_INT,	/* integer within [min, max] */
	CRM_T_TEXT,	/* one line of text */
	CRM_T_MLTEXT,	/* text that may hold newlines and tabs */
	CRM_T_EMAIL,	/* email address, stored lowercased */
	CRM_T_PHONE,	/* phone number, stored as digits and a leading + */
	CRM_T_MONEY,	/* stored as integer cents, shown as 1234.50 */
	CRM_T_DECIMAL,	/* a decimal number, stored as text */
	CRM_T_DATE,	/* YYYY-MM-DD */
	CRM_T_TIME,	/* UTC YYYY-MM-DDTHH:MM:SSZ */
	CRM_T_BOOL,	/* stored 0/1, shown yes/no */
	CRM_T_ENUM,	/* one of values[] */
	CRM_T_REF	/* the id of a record of entity ref */
};

/* Field flags. */
#define CRM_F_REQUIRED	0x01	/* add refuses a record without it */
#define CRM_F_UNIQUE	0x02	/* no two records share a non-empty value */
#define CRM_F_READONLY	0x04	/* set by crm itself, never by --set */
#define CRM_F_LIST	0x08	/* among list's default columns */
#define CRM_F_KEY	0x10	/* names a record, as the id does (email, sku) */
#define CRM_F_SIGNED	0x20	/* money or int may be negative */
#define CRM_F_CUSTOM	0x40	/* a custom field (crm-field), not built in */
#define CRM_F_OWNER	0x80	/* defaults to the acting user ($CRM_USER) */
#define CRM_F_DERIVED	0x100	/* computed by expr, not stored (read-only) */
#define CRM_F_RESTRICT	0x200	/* a reference that keeps its target from
				 * being deleted, even with --cascade */
#define CRM_F_LINES	0x400	/* a sum over an order's lines, stored and
				 * kept by crm (read-only); what the lines
				 * hold, so an import's snapshot leaves it
				 * out and a revert sums the lines again */

struct crm_field {
	const char *name;		/* column and option name (_ for -) */
	enum crm_type type;
	unsigned flags;			/* CRM_F_* */
	const char *const *values;	/* CRM_T_ENUM: NULL-terminated */
	const char *ref;		/* CRM_T_REF: the entity's name */
	const char *def;		/* default as input text, or NULL */
	long long min, max;		/* CRM_T_INT: the allowed range */
	const char *help;		/* one line for --help and completion */
	const char *expr;		/* CRM_F_DERIVED: SQL over the record,
					 * which is "t" */
};

struct crm_entity {
	const char *name;		/* "customer": the noun */
	const char *plural;		/* "customers": import's word */
	const char *table;		/* SQL table, named like plural */
	const struct crm_field *fields;	/* id first, then the rest */
	size_t nfields;
	const char *fts;		/* FTS5 table for search, or NULL */
	const char *keys;		/* import matches records on these
					 * fields, the first one a row has
					 * ("email,ref"), or NULL */
	/* A rule to keep when a record goes (an order gives back the stock
	 * it holds), run by crm_record_delete(); NULL for none. */
	int (*before_delete)(struct crm_db *db, int64_t id,
		struct crm_err *err);
	/* The rules a record keeps (a deal's probability follows its stage,
	 * a rating only on a resolved ticket), run by crm_record_insert()
	 * and crm_record_update() on the values about to be written, after
	 * each value passed its field's check and before anything is
	 * written: it may change them (struct crm_change, record.h) or
	 * refuse (-1, CRM_EX_DATAERR).  NULL for none. */
	int (*rules)(struct crm_db *db, struct crm_change *c,
		struct crm_err *err);
};

/* Every entity, in the order their tables are created; NULL-terminated. */
extern const struct crm_entity *const crm_entities[];

/* The entities by name ("customer" or "customers"); NULL if unknown. */
const struct crm_entity *crm_entity_find(const char *name);

/* Does field f keep an integer (or NULL), never text? */
int crm_field_is_int(const struct crm_field *f);

/* A built-in field by name, or NULL. */
const struct crm_field *crm_entity_field(const struct crm_entity *e,
	const char *name);

/* The type's name as users see it: "text", "money", "date"... */
const char *crm_type_name(enum crm_type t);

/*
 * The fields of an entity as one list: its built-in fields, then the custom
 * fields defined for it with crm-field, in the order they were added.
 * crm_fieldset_builtin() makes one from the entity's table alone;
 * crm_fieldset_load() (custom.h) adds the custom fields a database's
 * catalog holds.  The field pointers point into the static tables or into
 * memory the set owns; crm_fieldset_release() frees that.  A custom field
 * is a column of the entity's table named like the field, so everything
 * that works from the set treats it like a built-in one.
 */
struct crm_fieldset {
	const struct crm_entity *entity;
	const struct crm_field **f;	/* the fields, in order */
	size_t n;
	struct crm_field *custom;	/* owned: custom fields */
	size_t ncustom;
	char **strings;			/* owned: their names, their enum
					 * values and the arrays of those */
	size_t nstrings;
	char *insert_sql;		/* owned: the INSERT of a record,
					 * made on first use (record.c) */
};
#define CRM_FIELDSET_INIT { NULL, NULL, 0, NULL, 0, NULL, 0, NULL }

void crm_fieldset_builtin(struct crm_fieldset *fs, const struct crm_entity *e);
void crm_fieldset_release(struct crm_fieldset *fs);

/* A field of the set by name (built-in or custom), or NULL. */
const struct crm_field *crm_fieldset_find(const struct crm_fieldset *fs,
	const char *name);

/* Append "a, b, c" (the names of fields of the set) to out: for messages
 * that list the known fields. */
struct crm_buf;
void crm_fieldset_names(const struct crm_fieldset *fs, struct crm_buf *out);

#endif
