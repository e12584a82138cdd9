/*
 * search.h - substring search for names in any script (FTS5 + bigrams).
 *
 * FTS5's own trigram tokenizer needs three characters, but a Chinese name
 * is found by two.  crm_bigram, registered on every connection, folds text
 * (NFKD, case folded, accents dropped, full width made ASCII) and cuts it
 * into runs of letters and digits; it indexes each pair of adjacent
 * characters in a run, and the run's last character alone.  A run of two
 * or more characters in a query is then a phrase of its pairs, and a
 * single character a prefix query: every substring of a run is found
 * whatever its length.
 *
 * sqlite3(1) has no crm_bigram, so no trigger may write the index: the
 * triggers on customers (schema.c, version 12) only note the ids that
 * changed, in the plain table search_dirty, and crm folds those notes
 * into the index: at the commit of each of its writes, before a search,
 * and in crm-admin check --repair.  An import sets the triggers aside and
 * does the same in bulk (import.c).
 */
#ifndef CRM_SEARCH_H
#define CRM_SEARCH_H

#include "buf.h"
#include "db.h"
#include "err.h"

/*
 * Turn what a user searches for into an FTS5 MATCH expression: each run of
 * letters and digits in text must occur (AND).  Appends to match.  Fails
 * with CRM_EX_USAGE when text holds no letter or digit.
 */
int crm_search_query(const char *text, struct crm_buf *match,
	struct crm_err *err);

/*
 * Fold the changes noted in search_dirty into the index, inside db's
 * write transaction.  Nothing to do (nor any error) when nothing is
 * noted, or before the schema has search_dirty.
 */
int crm_search_fold(struct crm_db *db, struct crm_err *err);

/*
 * Before a search: fold what is noted, in a write transaction of its
 * own, or of db's when db is in one.  A reader (CRM_DB_READ) opens a
 * short-lived writer for it; when nothing is noted, nothing is written.
 */
int crm_search_fresh(struct crm_db *db, struct crm_err *err);

/* What crm_search_check() found. */
struct crm_search_state {
	int repair;		/* in: mend what is found */
	long long pending;	/* out: customers noted, not yet folded in */
	int wrong;		/* out: the index disagrees with customers */
};

/*
 * Check the search index: how many changes are noted and not yet in it,
 * and whether, with them folded in, it agrees with the table (FTS5's
 * integrity-check).  Takes the write lock (FTS5 checks only there; a
 * reader opens a writer of its own).  Without s->repair nothing changes;
 * with it the notes are folded in and a wrong index rebuilt.
 */
int crm_search_check(struct crm_db *db, struct crm_search_state *s,
	struct crm_err *err);

#endif
