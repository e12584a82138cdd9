/*
 * schema.h - the schema's version and bringing a database up to it.
 *
 * Each driver keeps its backend's tables (db-sqlite-schema.c, ...): the
 * same tables, columns and rules, written in its dialect.  Version N of
 * the schema is reached by running migrations 1..N in order; a migration
 * is never edited once released: a change is a new migration, in every
 * driver.
 */
#ifndef CRM_SCHEMA_H
#define CRM_SCHEMA_H

#include "db.h"

/* The newest schema version this binary knows; every driver's schema
 * reaches it. */
#define CRM_SCHEMA_LATEST 13
int crm_schema_latest(void);

/*
 * Bring db from its version to target (crm_schema_latest() when target is
 * 0) in one transaction.  A database newer than this binary is refused
 * with CRM_EX_CONFIG.  Returns 0, or -1 with err set (nothing changed).
 */
int crm_schema_migrate(struct crm_db *db, int target, struct crm_err *err);

#endif
