/*
 * reader-int.h - what the record reader's files share (private to
 * lib/reader*.c; reader.h is the public face).  Nothing else includes it.
 *
 * reader.c reads the bytes and lines of the file in its encoding, splits
 * CSV and TSV, and hands out the next record; reader-json.c reads JSON
 * Lines, called from there for a reader in M_JSON mode.  Both work on
 * the one struct crm_reader below.  Names shared between them carry rd_.
 */
#ifndef CRM_READER_INT_H
#define CRM_READER_INT_H

#include <iconv.h>
#include <sodium.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "buf.h"
#include "err.h"
#include "reader.h"

enum mode { M_CSV, M_TSV, M_JSON };

/* Where the CSV parser is in a field. */
enum state {
	S_START,	/* at its start (blanks seen: they may precede a quote) */
	S_PLAIN,	/* in an unquoted field */
	S_QUOTED,	/* inside quotes */
	S_QUOTE,	/* a quote inside quotes: the end, or "" */
	S_AFTER		/* blanks after the closing quote */
};

struct line {
	char *s;
	size_t len;
	int64_t no;
};

struct crm_reader {
	FILE *fp;
	enum mode mode;
	char delim;
	iconv_t cd;		/* (iconv_t)-1 for UTF-8 */
	int unit;		/* bytes in a code unit: 1, or 2 for UTF-16 */
	int be;			/* UTF-16: big-endian (-1 before it is known) */
	int bom16;		/* UTF-16 with a byte order mark */
	int64_t lineno;		/* lines read */
	int64_t crs;		/* bare CRs read: line ends too */
	int64_t no;		/* the number of the line being parsed */
	int64_t offset;		/* bytes read */
	int first;		/* the first line is still to come (BOM) */
	crypto_hash_sha256_state sha;	/* of the bytes read */
	FILE *tee;		/* a copy of the bytes read, or NULL */
	int nohash;		/* skip the SHA-256 */
	unsigned char *in;	/* bytes read from fp, not yet taken */
	size_t ipos, ilen;
	int eof;
	struct crm_buf raw;	/* the line as read */
	struct crm_buf conv;	/* the line in UTF-8 */
	/* the record being parsed */
	struct crm_record cur;
	struct crm_buf field;	/* the field being parsed */
	enum state state;
	int quoted;		/* the field began with a quote */
	size_t fields;		/* fields the record has, kept or not */
	int64_t start;		/* its first line, 0 before it begins */
	struct line *lines;	/* its lines, for recovery */
	size_t nlines, alines;
	/* records parsed and not yet returned */
	struct crm_record *done;
	size_t ndone, adone, taken;
	/* lines to parse again after a broken record */
	struct line *again;
	size_t nagain, iagain;
	/* JSON Lines */
	int jstate;		/* 0 before the header, 1 its line again, 2 */
	struct crm_record jhead;	/* the member names */
	struct crm_buf jfirst;	/* the first object's line */
	int64_t jfirst_no;
	unsigned char *jseen;	/* members given by the line being read */
	struct crm_buf jtmp, jwhy, jname;
};

/* The reason of a record with more than CRM_READER_MAX_FIELDS fields. */
extern const char rd_too_wide[];

/* ---- reader.c ----------------------------------------------------------- */

/* Add a field to rec, its value and its text the same. */
void rd_rec_add(struct crm_record *rec, const char *s, size_t len);
/* A field of the record being parsed ends: keep it (up to the limit). */
void rd_add_field(struct crm_reader *r, struct crm_record *rec,
	const char *s, size_t len);
/* Free the text of n lines (not the array). */
void rd_free_lines(struct line *l, size_t n);
/* The line's length without its line end. */
size_t rd_chomp(const char *s, size_t len);
/* Is the line only spaces, tabs and line ends? */
int rd_blank(const char *s, size_t len);
/* Read the next line of the file into r->conv, in UTF-8, without a byte
 * order mark.  1, 0 at the end, -1 on error. */
int rd_next_line(struct crm_reader *r, struct crm_err *err);

/* ---- reader-json.c ------------------------------------------------------ */

/* The next record of a JSON Lines reader: crm_reader_next() for M_JSON. */
int rd_json_next(struct crm_reader *r, struct crm_record *rec,
	struct crm_err *err);

#endif
