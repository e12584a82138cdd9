/*
 * record-int.h - what the parts of the record module share (private to
 * lib/record*.c; record.h is the public face).  Nothing else includes it.
 *
 * record.c has values, finding, assignments and adding; record-delete.c
 * deletes and merges; both look a record up by one column's value.
 * Names shared between them carry rec_.
 */
#ifndef CRM_RECORD_INT_H
#define CRM_RECORD_INT_H

#include <stdint.h>

#include "record.h"

/* Look up id by one column's value; 1 found, 0 not, -1 error. */
int rec_lookup(struct crm_db *db, const struct crm_entity *e,
	const char *col, const struct crm_val *v, int64_t *id,
	struct crm_err *err);

#endif
