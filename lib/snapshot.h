/*
 * snapshot.h - a record as the JSON an import's batch keeps of it, its
 * digest, and putting it back (import-log.c's revert).
 *
 * The JSON is made here, in C, the same on either backend and byte for
 * byte what SQLite's json_object() wrote for batches logged before:
 * {"name":"Ada","email":null,"price":150}, the built-in stored fields
 * in the entity's order (never the id, derived fields or sums of an
 * order's lines), then an order's "lines" as [[product,quantity,
 * unit_price],...], then the custom fields that hold a value (one
 * added or dropped while empty changes no record's digest).  Numbers
 * are integers, text is a JSON string ("\u000b" for a control
 * character, as SQLite spells it).  A batch copied between backends
 * (crm-admin copy) is reverted as it would be where it was made.
 */
#ifndef CRM_SNAPSHOT_H
#define CRM_SNAPSHOT_H

#include <stdint.h>

#include "db.h"
#include "entity.h"

/* Append record id of fs's entity as JSON to out: 1, 0 when there is no
 * such record, -1 with err set. */
int crm_snapshot(struct crm_db *db, const struct crm_fieldset *fs,
	int64_t id, struct crm_buf *out, struct crm_err *err);

/* The same for every record of fs's entity with an id above after, in
 * id order: fn gets each id and its JSON; a non-zero return stops. */
typedef int crm_snapshot_fn(void *arg, int64_t id, const char *json,
	size_t len);
int crm_snapshot_each(struct crm_db *db, const struct crm_fieldset *fs,
	int64_t after, crm_snapshot_fn *fn, void *arg, struct crm_err *err);

/* The digest of a snapshot: 16 hex digits (FNV-1a, 64 bits). */
void crm_snapshot_digest(const char *json, size_t len, struct crm_buf *out);

/*
 * Write record id back as the snapshot json holds it: its fields (a
 * custom field the snapshot lacks was empty), and an order's lines,
 * with its sums of them.  A snapshot that is not one of these is
 * CRM_EX_DATAERR.
 */
int crm_snapshot_restore(struct crm_db *db, const struct crm_fieldset *fs,
	int64_t id, const char *json, struct crm_err *err);

#endif
