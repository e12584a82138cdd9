/*
 * schema.c - bringing a database's schema up to date, whatever its
 * backend: the version is read inside the write lock, the driver runs
 * its migrations (db-sqlite-schema.c and the like), and the new version
 * is kept, in one transaction.
 */
#include "db.h"
#include "driver.h"
#include "schema.h"
#include "banned.h"

int
crm_schema_latest(void)
{
	return CRM_SCHEMA_LATEST;
}

int
crm_schema_migrate(struct crm_db *db, int target, struct crm_err *err)
{
	int v, ret = -1;

	if (!target)
		target = CRM_SCHEMA_LATEST;
	if (crm_db_begin(db, err) < 0)
		return -1;
	/* Read the version inside the write lock: another process may
	 * have migrated while we waited. */
	v = db->drv->version(db, err);
	if (v < 0)
		goto out;
	if (v > CRM_SCHEMA_LATEST) {
		crm_err_set(err, CRM_EX_CONFIG,
			"database '%s' has schema %d, newer than this "
			"binary's %d: upgrade crm", crm_db_name(db), v,
			CRM_SCHEMA_LATEST);
		goto out;
	}
	if (v < target && (db->drv->migrate(db, v, target, err) < 0 ||
	    crm_db_set_version(db, target, err) < 0))
		goto out;
	if (crm_db_commit(db, err) < 0)
		goto out;
	ret = 0;
out:
	if (ret < 0)
		crm_db_rollback(db);
	return ret;
}
