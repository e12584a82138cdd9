/*
 * search.h - substring search for names in any script, on either
 * backend.
 *
 * A trigram index needs three characters, but a Chinese name is found by
 * two.  crm folds text (NFKD, case folded, accents dropped, full width
 * made ASCII), cuts it into runs of letters and digits, and indexes each
 * pair of adjacent characters in a run, and the run's last character
 * alone.  A run of two or more characters in a query is then a phrase of
 * its pairs, and a single character a prefix: every substring of a run
 * is found whatever its length.  The SQLite driver keeps these tokens in
 * FTS5 (the crm_bigram tokenizer), the PostgreSQL driver in a text[]
 * with a GIN index beside the folded runs that confirm a phrase; both
 * find the same customers.
 *
 * Only crm can cut tokens (the databases' own shells cannot), so no trigger
 * writes the index: triggers on customers only note the ids that
 * changed, in the plain table search_dirty, and crm folds those notes
 * into the index: at the commit of each of its writes, before a search,
 * and in crm-admin check --repair.  A bulk write on SQLite sets the
 * triggers aside and does the same for its batch (below).
 */
#ifndef CRM_SEARCH_H
#define CRM_SEARCH_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "db.h"
#include "err.h"

/*
 * The tokens the index holds for the n bytes at text (query 0), or looks
 * up for a search (query 1: a run of one character alone, no last
 * character of a longer run): fn gets each, folded, with the bytes of
 * text it came from.  A non-zero return from fn stops, and is returned.
 */
typedef int crm_token_fn(void *arg, const char *tok, size_t n,
	size_t start, size_t end);
int crm_search_tokens(const char *text, size_t n, int query,
	crm_token_fn *fn, void *arg);

/* Each letter or digit of text alone, folded, to fn as above. */
int crm_search_chars(const char *text, size_t n, crm_token_fn *fn,
	void *arg);

/* Append the runs of letters and digits of text, folded or as typed,
 * each followed by a newline.  Returns how many. */
size_t crm_search_runs(const char *text, size_t n, int folded,
	struct crm_buf *out);

/* Is text something to search for?  CRM_EX_USAGE when it holds no
 * letter or digit. */
int crm_search_text_ok(const char *text, struct crm_err *err);

/*
 * Append a condition on col, an expression giving a customer's id, that
 * holds for the customers a search for text finds (each run of it
 * occurs in the name, email, phone or city), with its parameters
 * numbered from param; returns how many it takes.  crm_search_bind()
 * binds them for text.
 */
int crm_search_where(struct crm_db *db, struct crm_buf *sql, const char *col,
	int param);
void crm_search_bind(struct crm_db *db, struct crm_stmt *st, int param,
	const char *text);

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
 * and whether, with them folded in, it agrees with the table.  Takes
 * the write lock (FTS5 checks only there; a reader opens a writer of its
 * own).  Without s->repair nothing changes;
 * with it the notes are folded in and a wrong index rebuilt.
 */
int crm_search_check(struct crm_db *db, struct crm_search_state *s,
	struct crm_err *err);

/* ---- bulk writes --------------------------------------------------------
 *
 * A table with a search index notes its changed rows through triggers,
 * one row at a time, and a trigger per row makes FTS5 flush and merge
 * its index at every row.  A bulk write (an import, the revert of one)
 * sets the triggers aside for its run, inside its transaction (a killed
 * run leaves them as they were), and brings the index up to date at its
 * end in a few statements over the records of its batch (the import's
 * log, import.h): out go the entries of the records as they were, in go
 * those of the records as the table holds them.
 *
 * A run into an empty table (the first load) sets aside the table's
 * indexes that enforce nothing, too, and builds them again at the end:
 * one sort costs less than a random B-tree insert per row once the index
 * outgrows the page cache.  The unique ones stay: they are what matches
 * a row and refuses a duplicate.
 */

/* What a bulk write set aside, to be put back. */
struct crm_search_hold {
	char **sql;	/* owned: the statements that put each back */
	size_t n;
};
#define CRM_SEARCH_HOLD_INIT { NULL, 0 }

/*
 * Before a bulk write into table: fold the changes noted so far into the
 * index (from here on the batch's statements take it to be in step with
 * the table), then set the table's triggers aside, and with indexes its
 * indexes that enforce nothing, adding them to h.
 */
int crm_search_suspend(struct crm_db *db, const char *table, int indexes,
	struct crm_search_hold *h, struct crm_err *err);

/* After it: put back what crm_search_suspend() set aside into h, in the
 * order it was taken (indexes first, then triggers). */
int crm_search_resume(struct crm_db *db, const struct crm_search_hold *h,
	struct crm_err *err);
void crm_search_hold_release(struct crm_search_hold *h);

/* For a driver's suspend: each row of st is what DROP takes ("INDEX" or
 * "TRIGGER"), a name, the statement that makes it again and, where the
 * dialect names a trigger within its table, that table (else NULL or no
 * fourth column); each is dropped and its statement kept in h.  0, or -1
 * with err set. */
int crm_search_set_aside(struct crm_db *db, struct crm_stmt *st,
	struct crm_search_hold *h, struct crm_err *err);

struct crm_entity;

/* What crm_search_batch_out() and _in() ask of the driver. */
enum crm_search_rows {
	CRM_SEARCH_OLD_OUT,	/* out: the records updated, as they were */
	CRM_SEARCH_NOW_OUT,	/* out: all changed, as the table holds them */
	CRM_SEARCH_NOW_IN	/* in: all changed that the table holds */
};

/*
 * Take the records of e that batch changed out of e's search index:
 * before set, those it updated, as the batch's snapshots hold them (an
 * import, at its end); else all of them, as the table holds them now (a
 * revert, before it starts).  Nothing to do for an entity without one.
 */
int crm_search_batch_out(struct crm_db *db, const struct crm_entity *e,
	int64_t batch, int before, struct crm_err *err);

/* Put the records of e that batch changed and the table still holds
 * into e's search index, as the table holds them. */
int crm_search_batch_in(struct crm_db *db, const struct crm_entity *e,
	int64_t batch, struct crm_err *err);

#endif
