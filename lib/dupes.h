/*
 * dupes.h - probable duplicate customers.
 *
 * Two customers are probable duplicates when they share
 *   email - the same address once the local part's "+tag" is dropped, and
 *           for gmail.com its dots;
 *   phone - the same last ten digits (the whole number when shorter), so
 *           "+86 138 0013 8000" and "13800138000" meet;
 *   name  - the same name after NFKC case folding with spaces and
 *           punctuation removed, so "ＡＣＭＥ Ltd." and "acme ltd" meet.
 */
#ifndef CRM_DUPES_H
#define CRM_DUPES_H

#include <stdint.h>

#include "db.h"

/* The keys above; each appends to out (nothing for an empty key). */
void crm_dupe_email_key(const char *email, struct crm_buf *out);
void crm_dupe_phone_key(const char *phone, struct crm_buf *out);
void crm_dupe_name_key(const char *name, struct crm_buf *out);

/*
 * Call fn once for each pair of probable duplicates (id < other, in id
 * order) with the reasons, comma-separated ("email,name").  Stops when fn
 * returns non-zero.  Returns 0, or -1 with err set.
 */
int crm_dupes(struct crm_db *db, int (*fn)(int64_t id, int64_t other,
	const char *reasons, void *arg), void *arg, struct crm_err *err);

#endif
