/*
 * text.h - Unicode text: cleaning, folding and display width (utf8proc).
 *
 * All strings are UTF-8.  Functions that take an input string and an output
 * buffer append to the buffer; on failure they append nothing useful, set
 * err and return -1.
 */
#ifndef CRM_TEXT_H
#define CRM_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "err.h"

/* Flags for crm_text_clean(). */
#define CRM_TEXT_MULTILINE 1	/* keep LF and TAB; CRLF and lone CR become LF */

/*
 * Clean a text value as SPEC 4 says: check it is valid UTF-8, trim white
 * space (Unicode's, the ideographic space included) at both ends, normalize
 * to NFC, and refuse control characters (with CRM_TEXT_MULTILINE, LF and
 * TAB are allowed and CRLF is stored as LF).  The result, possibly empty,
 * is appended to out.  Errors (code CRM_EX_DATAERR): invalid UTF-8, a
 * control character.
 */
int crm_text_clean(const char *in, size_t len, unsigned flags,
	struct crm_buf *out, struct crm_err *err);

/* 1 if s holds nothing but blanks (spaces, tabs, line ends), else 0. */
int crm_text_blank(const char *s);

/* 1 if s[0..len) is valid UTF-8, else 0. */
int crm_text_valid(const char *s, size_t len);

/*
 * Check that s[0..len) may stand as a name taken from outside (a user's
 * name from the environment): valid UTF-8 with no control characters.
 * Returns 0, or -1 with err (CRM_EX_DATAERR) saying what is wrong: "invalid
 * UTF-8 at byte N" or "control character U+XXXX not allowed".
 */
int crm_text_check(const char *s, size_t len, struct crm_err *err);

/*
 * Append s[0..len) to out with each byte that is not part of valid UTF-8
 * replaced by U+FFFD (the replacement character), so that what is appended
 * is valid UTF-8 and valid text is appended as it is.
 */
void crm_text_repair(const char *s, size_t len, struct crm_buf *out);

/*
 * Fold for comparison: NFKC, case folded, so that "ＡＢＣ", "abc" and "ABC"
 * fold alike.  Invalid UTF-8 is folded bytewise (ASCII lowercased).
 * Appends to out.
 */
void crm_text_fold(const char *s, size_t len, struct crm_buf *out);

/*
 * Display width in terminal columns: East Asian wide characters count 2,
 * combining marks 0, other printable characters 1.
 */
size_t crm_text_width(const char *s, size_t len);

/*
 * Append to out the longest prefix of s whose display width is at most
 * width.  Returns the width appended.
 */
size_t crm_text_cut(const char *s, size_t len, size_t width,
	struct crm_buf *out);

/* Decode one code point at s (len > 0).  Returns its byte length (>= 1);
 * *cp is -1 for an invalid sequence. */
size_t crm_text_next(const char *s, size_t len, int *cp);

/* FNV-1a, 64 bits, of the n bytes at s. */
uint64_t crm_text_hash(const char *s, size_t n);

/* Its 16 hex digits, appended to out: what tells that a record changed
 * (snapshot.h). */
void crm_text_digest(const char *s, size_t n, struct crm_buf *out);

#endif
