/*
 * record-int.h - what the parts of the record module share (private to
 * lib/record*.c; record.h is the public face).  Nothing else includes it.
 *
 * record.c has values, finding, assignments and adding; record-update.c
 * changes a record, record-delete.c deletes and merges.  They share the
 * lookup of a record by one column's value, the check of a unique value
 * an insert and an update both make, and which columns hold what was
 * given.  Names shared between them carry rec_.
 */
#ifndef CRM_RECORD_INT_H
#define CRM_RECORD_INT_H

#include <stdint.h>

#include "record.h"

/* Look up id by one column's value; 1 found, 0 not, -1 error. */
int rec_lookup(struct crm_db *db, const struct crm_entity *e,
	const char *col, const struct crm_val *v, int64_t *id,
	struct crm_err *err);

/*
 * Refuse (CRM_EX_DATAERR) a value v of a unique field f that a record of e
 * other than self holds; 0 when no other does, or f is not unique.
 */
int rec_check_unique(struct crm_db *db, const struct crm_entity *e,
	const struct crm_field *f, const struct crm_val *v, int64_t self,
	struct crm_err *err);

/* A column that holds what was given (custom ones too): not the id, a
 * derived field or a stamp. */
int rec_stored(const struct crm_field *f);

#endif
