/*
 * custom.h - custom fields: fields a business adds to an entity at run time
 * (crm-field), which then behave like built-in ones everywhere.
 *
 * Storage.  The catalog (tables custom_fields and custom_field_values, see
 * schema.c) names each custom field, its type, whether it is indexed, its
 * place among the entity's custom fields, and an enum's allowed values.
 * The value itself is a real column of the entity's table, named like the
 * field and added with ALTER TABLE ... ADD COLUMN: a record's custom values
 * are in its row, so --where, --sort, --fields, import and reports cost
 * what they cost for a built-in field, and an index makes a filter on one
 * as fast as on an indexed built-in column.  Enum fields are indexed
 * always, other types when asked.
 *
 * crm_fieldset_load() reads the catalog when a command opens the database
 * and appends the custom fields to the entity's field set (entity.h): from
 * there on nothing tells them from built-in fields but CRM_F_CUSTOM.
 *
 * A name comes from user text, so it is checked before it ever reaches SQL:
 * [a-z][a-z0-9_]*, at most CRM_CUSTOM_NAME_MAX bytes, not a field the
 * entity has, not a reserved word.  It is still written as a quoted
 * identifier.  None of these functions opens or ends a transaction.
 */
#ifndef CRM_CUSTOM_H
#define CRM_CUSTOM_H

#include <stdint.h>

#include "db.h"
#include "entity.h"
#include "out.h"

#define CRM_CUSTOM_NAME_MAX 40

/* The types a custom field may have: "text int decimal money date bool
 * enum", in that order, space-separated (for messages and completion). */
extern const char crm_custom_types[];

/* A custom type's name to its crm_type; -1 with err (CRM_EX_USAGE) when
 * it is none of crm_custom_types. */
int crm_custom_type(const char *name, enum crm_type *t, struct crm_err *err);

/* Is name of the shape of a custom field's name, [a-z][a-z0-9_]*? */
int crm_custom_name_ok(const char *name);

/*
 * Check that name may be a new custom field of e: its shape, no built-in
 * field of e, nothing reserved (id, rowid, all...).  CRM_EX_DATAERR with
 * a message saying why.
 */
int crm_custom_check_name(const struct crm_entity *e, const char *name,
	struct crm_err *err);

/*
 * Split "a,b,c" (--values) into the values of an enum: trimmed, NFC, none
 * empty, none twice (without regard to case), no control characters.
 * *vals gets a NULL-terminated array of copies; free each and the array
 * with crm_custom_values_free().  CRM_EX_DATAERR on a bad list.
 */
int crm_custom_values(const char *list, char ***vals, size_t *n,
	struct crm_err *err);
void crm_custom_values_free(char **vals);

/*
 * Add custom field name of type to e, with enum values (NULL-terminated,
 * NULL for other types), indexed when index is set (enums always are).
 * When e already has an enum field of that name (and type is enum or
 * NULL), the values it lacks are added to it instead, and *added gets how
 * many (0 when it had them all); a new field sets *added to -1.  On a
 * field that exists, index alone (no values, type NULL or its own) adds
 * its index.  Any other field of that name already there is
 * CRM_EX_DATAERR.
 */
int crm_custom_add(struct crm_db *db, const struct crm_entity *e,
	const char *name, const char *type, char *const *values, int index,
	int64_t *added, struct crm_err *err);

/*
 * Drop custom field name of e: its column, its index, its catalog rows.
 * While a record holds a value it refuses (CRM_EX_DATAERR, saying how many)
 * unless force; *had gets that count.  An unknown field is CRM_EX_USAGE
 * listing the entity's custom fields.
 */
int crm_custom_drop(struct crm_db *db, const struct crm_entity *e,
	const char *name, int force, int64_t *had, struct crm_err *err);

/*
 * Write the catalog to out (begun by the caller with the columns
 * entity name type values indexed): every custom field of e, or of every
 * entity when e is NULL, in entity and position order.  Returns the number
 * of fields or -1.
 */
int64_t crm_custom_list(struct crm_db *db, const struct crm_entity *e,
	struct crm_out *out, struct crm_err *err);

/*
 * The fields of e as db sees them: the built-in ones, then its custom
 * fields.  fs is overwritten (release it first if it held a set).
 */
int crm_fieldset_load(struct crm_fieldset *fs, struct crm_db *db,
	const struct crm_entity *e, struct crm_err *err);

#endif
