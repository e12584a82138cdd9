/*
 * reader.h - reading records from CSV or TSV, in any encoding, as a stream.
 *
 * CSV is parsed by libcsv (RFC 4180: quoted fields may hold commas, quotes
 * and newlines; CRLF, LF or - old Mac files - CR line ends, each counted
 * as one line in line numbers).  TSV is one record per line, split
 * at tabs, with \t \n \r \\ unescaped as crm's own TSV output writes them,
 * so that what crm writes it reads back.  Input in another encoding
 * (GB18030, GBK, Latin-1...: any that iconv knows and that keeps '\n' a
 * byte of its own) is converted to UTF-8 line by line; a UTF-8 byte order
 * mark is dropped.
 *
 * Memory holds one record (and, while a quoted field is open, the lines it
 * spans), never the file.
 *
 * A record that cannot be parsed - a stray quote, a quote never closed - is
 * returned with bad set and a reason; the reader then carries on with the
 * line after the one where that record started, so one broken quote costs
 * one record, not the rest of the file.
 */
#ifndef CRM_READER_H
#define CRM_READER_H

#include <stdint.h>
#include <stdio.h>

#include "buf.h"
#include "err.h"

struct crm_record {
	struct crm_buf *f;	/* the fields, UTF-8 (unless bad) */
	size_t n;		/* number of fields */
	size_t alloc;
	int64_t line;		/* the line where the record starts (1-based) */
	int bad;		/* malformed: reason says why */
	const char *reason;	/* static */
};

struct crm_reader;

/*
 * Start reading fp (not closed by the reader).  delim is ',' for CSV or
 * '\t' for TSV; encoding NULL (or "UTF-8") for UTF-8.  An encoding iconv
 * does not know fails with CRM_EX_USAGE.  Returns NULL with err set.
 */
struct crm_reader *crm_reader_new(FILE *fp, char delim, const char *encoding,
	struct crm_err *err);
void crm_reader_free(struct crm_reader *r);

/*
 * The next record into rec (its fields are valid until the next call).
 * Returns 1 for a record, 0 at the end, -1 on a read or conversion error
 * (err set: CRM_EX_IOERR, or CRM_EX_DATAERR for bytes the encoding does
 * not allow, naming the line).  Blank lines are skipped.
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

void crm_record_release(struct crm_record *rec);

#endif
