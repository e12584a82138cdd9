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
 */
#ifndef CRM_SEARCH_H
#define CRM_SEARCH_H

#include <sqlite3.h>

#include "buf.h"
#include "err.h"

/* Register the crm_bigram tokenizer on h.  Returns a SQLite code. */
int crm_search_register(sqlite3 *h);

/*
 * Turn what a user searches for into an FTS5 MATCH expression: each run of
 * letters and digits in text must occur (AND).  Appends to match.  Fails
 * with CRM_EX_USAGE when text holds no letter or digit.
 */
int crm_search_query(const char *text, struct crm_buf *match,
	struct crm_err *err);

#endif
