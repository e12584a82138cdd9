/*
 * import.h - batch import of records from CSV, TSV or JSON Lines (SPEC 5).
 *
 * One importer serves every entity through the entity description: the
 * header names fields (matched without regard to case, spaces, '_' or
 * '-', through English and Chinese aliases, or --map), each row is cleaned
 * and checked by the same rules as add, and the good rows are written in
 * the caller's one transaction.  Two kinds have a shape of their own:
 * orders (one row per order line, grouped by order_ref) and inventory
 * (sku and stock: the ERP's stock levels).
 *
 * Every run that commits is a batch: what it inserted and what it changed
 * (with the values before) is kept, so crm_import_revert() can undo it.
 */
#ifndef CRM_IMPORT_H
#define CRM_IMPORT_H

#include <stdint.h>
#include <stdio.h>

#include "record.h"

enum crm_import_mode { CRM_IMPORT_UPSERT, CRM_IMPORT_INSERT,
	CRM_IMPORT_UPDATE };
enum crm_import_kind { CRM_IMPORT_RECORDS, CRM_IMPORT_ORDERS,
	CRM_IMPORT_INVENTORY };

struct crm_import {
	/* set by the caller */
	enum crm_import_kind kind;
	const struct crm_fieldset *fs;	/* the entity imported into */
	const char *name;		/* file name for the log, "-" stdin */
	char delim;			/* ',' or '\t', 0 for JSON Lines */
	const char *encoding;		/* NULL for UTF-8 */
	const char *const *maps;	/* "Header=field", NULL-terminated */
	int ignore_unknown;
	enum crm_import_mode mode;
	const char *key;		/* --key FIELD, or NULL for the usual */
	int64_t max_rejects;		/* -1: no limit; 0 with --strict */
	int dry_run;			/* plan to stdout, commit nothing */
	int take_stock;			/* orders: take stock for their lines */
	int missing_zero;		/* inventory: unnamed products to 0 */
	FILE *rejects;			/* rejected rows go here, or NULL */
	FILE *plan;			/* dry run: the per-row plan */
	int quiet;			/* no per-row messages on stderr */
	void (*progress)(void *arg, int64_t rows, int64_t bytes);
	void *progress_arg;

	/* results */
	int64_t read, inserted, updated, unchanged, rejected;
	int64_t repeated;		/* rows whose key a later row has */
	int64_t batch;			/* the batch's number, 0 if none */
	int aborted;			/* --max-rejects was passed */
};

/*
 * Import everything fp holds.  The caller has begun the transaction and
 * commits it when this returns 0 and the rejects allow it (or rolls back
 * for a dry run).  Rejected rows are counted and written, not errors.
 * Returns 0, or -1 with err set: a header that cannot be used (unknown
 * column, missing key or required column: CRM_EX_USAGE), a file that is
 * not text (CRM_EX_DATAERR), a read error, a database error.
 */
int crm_import_run(struct crm_db *db, struct crm_import *im, FILE *fp,
	struct crm_err *err);

/* Write the list of batches (crm-import log) to out, newest last; out
 * begun with crm_import_log_cols. */
extern const char *const crm_import_log_cols[];
#define CRM_IMPORT_LOG_NCOLS 11
int crm_import_log(struct crm_db *db, struct crm_out *out,
	struct crm_err *err);

/*
 * Undo batch: delete what it inserted and put back what it updated.  If a
 * record changed since (or was deleted, or is referred to by a record
 * added since), nothing is undone and the error (CRM_EX_DATAERR) names
 * the records.  *undone gets the number of changes undone.
 */
int crm_import_revert(struct crm_db *db, int64_t batch, int64_t *undone,
	struct crm_err *err);

/* The entity names crm-import takes besides the entities: "orders"
 * (lines) and "inventory". */

#endif
