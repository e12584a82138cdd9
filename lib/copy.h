/*
 * copy.h - a whole database into an empty one, between any two backends
 * (crm-admin copy, SPEC 10).
 */
#ifndef CRM_COPY_H
#define CRM_COPY_H

#include <stdint.h>

#include "db.h"

/* What was copied: each table and its rows, in the order copied. */
struct crm_copied {
	const char *table;	/* static */
	int64_t rows;
};
#define CRM_COPY_MAX 32

struct crm_copy {
	struct crm_copied t[CRM_COPY_MAX];
	size_t n;
	int64_t fields;		/* custom fields made */
};

/* The tables a copy fills, each after those it refers to: their names
 * (static) into names, how many. */
size_t crm_copy_tables(const char **names, size_t max);

/* The rows of table (one of those, or another of crm's own), -1 when
 * they cannot be counted. */
int64_t crm_copy_rows(struct crm_db *db, const char *table);

/* dst may hold records: they go, with its custom fields, in the same
 * transaction (a restore with --force). */
#define CRM_COPY_REPLACE 0x1

/*
 * Copy src, read at one moment, into the database dst names: every
 * record with its id, the custom fields and their values, the import
 * log; the search index is built afresh.  dst is created when it does
 * not exist or has no crm tables, and must hold no records when it has
 * (CRM_EX_CANTCREAT), unless flags has CRM_COPY_REPLACE.  All in one transaction at dst: a failure leaves
 * it as it was.  Afterwards the rows of every table are counted at both
 * ends and dst is checked (crm_db_check, the search index): a
 * difference is CRM_EX_SOFTWARE.
 */
int crm_copy_db(struct crm_db *src, const char *dst, unsigned flags,
	struct crm_copy *c, struct crm_err *err);

#endif
