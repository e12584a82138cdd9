/*
 * reader.h - reading records from CSV, TSV or JSON Lines, in any encoding,
 * as a stream.
 *
 * CSV (RFC 4180: quoted fields may hold the delimiter, quotes and
 * newlines; CRLF, LF or - old Mac files - CR line ends, each counted as
 * one line in line numbers) is split by the small parser here rather than
 * by libcsv, for two things libcsv cannot give: each field exactly as in
 * the file (libcsv trims the spaces of unquoted fields, so a rejected
 * " Bob@ " came back "Bob@") beside its value, and a reason a person understands for a
 * record that cannot be split (libcsv has one message for every case).
 * An unquoted field's value is without the blanks at its ends, as
 * spreadsheets read it, and its text as it came is kept beside it; spaces
 * around a quoted field are not part of it (' "a" ' is "a").  TSV is one
 * record per line, split at tabs, with \t \n \r \\ unescaped as crm's own
 * TSV output writes them, so that what crm writes it reads back.
 *
 * JSON Lines (what -f json writes) is one object per line: its first
 * object's member names are the header, and each line gives the values of
 * those members (any order, some left out); a string, a number (its text
 * exactly as written: 12.50 stays 12.50), true or false, or null (empty).
 * The object reader is crm's own (reader-json.c) rather than a library
 * (json-c, jansson): those build a tree of every line and turn numbers
 * into doubles, and the text of a number and the span of each member
 * as it came are what an import needs.
 *
 * Input in another encoding (GB18030, GBK, Latin-1...: any that iconv
 * knows and that keeps '\n' a byte of its own) is converted to UTF-8 line
 * by line; a UTF-8 byte order mark is dropped.  UTF-16 is read by its
 * 16-bit units: a UTF-16 byte order mark says so without --encoding (and
 * a file of Excel's "Unicode Text" whose first line has tabs and no comma
 * is read as tab-separated, with Excel's quotes); a file that looks like
 * UTF-16 without a byte order mark is refused, saying what to pass.
 *
 * Memory holds one line and one record (and, while a quoted field is
 * open, the lines it spans), never the file.  A record holds at most
 * CRM_READER_MAX_FIELDS fields: one with more is returned bad, with the
 * first CRM_READER_MAX_FIELDS + 1, and the rest of it is not kept.
 *
 * A record that cannot be parsed - a stray quote, a quote never closed, a
 * line that is no JSON object - is returned with bad set, a reason, and
 * its first line's text (without the line end) as its one field; the
 * reader then carries on with the line after the one where that record
 * started, so one broken quote costs one record, not the rest of the
 * file.
 */
#ifndef CRM_READER_H
#define CRM_READER_H

#include <stdint.h>
#include <stdio.h>

#include "buf.h"
#include "err.h"

/* The most fields a record may have: SQLite's default number of columns
 * in a table (SQLITE_MAX_COLUMN), far beyond any real file. */
#define CRM_READER_MAX_FIELDS 2000

struct crm_record {
	struct crm_buf *f;	/* the fields, UTF-8 (unless bad) */
	struct crm_buf *x;	/* each field's text exactly as in the file
				 * (f without the blanks around an unquoted
				 * CSV field), for the rejects file */
	size_t n;		/* number of fields */
	size_t alloc;
	int64_t line;		/* the line where the record starts (1-based) */
	int bad;		/* malformed: reason says why */
	const char *reason;	/* valid until the next crm_reader_next() */
	/* JSON Lines: the object's members as they came (each "name":value
	 * as in the line, but _line and _error), joined by ','; empty for a
	 * line that is no JSON object. */
	struct crm_buf raw;
};

struct crm_reader;

/*
 * Start reading fp (not closed by the reader).  delim is ',' for CSV (or
 * any other separator), '\t' for TSV, 0 for JSON Lines; encoding NULL (or
 * "UTF-8") for UTF-8.  An encoding iconv does not know fails with
 * CRM_EX_USAGE.  Returns NULL with err set.
 */
struct crm_reader *crm_reader_new(FILE *fp, char delim, const char *encoding,
	struct crm_err *err);
void crm_reader_free(struct crm_reader *r);

/*
 * The next record into rec (its fields are valid until the next call).
 * Returns 1 for a record, 0 at the end, -1 on a read or conversion error
 * (err set: CRM_EX_IOERR, or CRM_EX_DATAERR for bytes the encoding does
 * not allow, naming the line, or for UTF-16 without a byte order mark).
 * Blank lines are skipped.
 */
int crm_reader_next(struct crm_reader *r, struct crm_record *rec,
	struct crm_err *err);

/* Copy every byte read from now on to spool (for a second pass over a
 * stream that cannot be read again); NULL stops it. */
void crm_reader_tee(struct crm_reader *r, FILE *spool);

/* Bytes read from fp so far, for progress. */
int64_t crm_reader_offset(const struct crm_reader *r);

/* Do not compute the SHA-256 (a first pass that a second one repeats). */
void crm_reader_nohash(struct crm_reader *r);

/* The SHA-256 of the bytes read so far, as 64 hex digits and a NUL. */
void crm_reader_sha256(struct crm_reader *r, char hex[65]);

/*
 * Copy src into dst, reusing dst's buffers (dst zeroed or released at
 * first): the fields, their text as in the file, a JSON line's members,
 * the line number.  Not the reason of a malformed record, which lives in
 * the reader.
 */
void crm_record_copy(struct crm_record *dst, const struct crm_record *src);
void crm_record_release(struct crm_record *rec);

/*
 * What a message shows of text from a file (a column's name, a member's):
 * its first 64 display columns, and "…" when it is longer, so that a
 * 100 MB name makes a one-line message.  Bytes that are not UTF-8 are
 * shown as '?'.  Returns b's text (b reset first).
 */
const char *crm_reader_echo(const char *s, size_t len, struct crm_buf *b);

#endif
