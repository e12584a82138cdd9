/*
 * out.h - writing records as table, tsv, csv or JSON Lines (SPEC 3.4).
 *
 * A writer is begun with the column names, then fed cells row by row.  The
 * machine formats stream: each row is written as soon as it ends, so memory
 * stays flat however many rows there are.  The table format keeps the rows
 * it needs to size its columns and writes them at crm_out_end().
 *
 * Writes go through stdio to fp.  A write that fails (a closed pipe, a full
 * disk) sets out->failed and later writes are skipped; crm_out_end()
 * returns -1 then, with errno from the failed write.
 *
 * Output may be written in another encoding than UTF-8 and begin with a
 * byte-order mark (--encoding, --bom): crm_out_encoding() sets that for
 * stdout, crm_out_begin_enc() for another stream.  A character that the
 * encoding cannot hold fails the writer with errno EILSEQ and
 * crm_out_errmsg() says which.
 */
#ifndef CRM_OUT_H
#define CRM_OUT_H

#include <stdio.h>

#include "buf.h"
#include "err.h"

enum crm_fmt { CRM_FMT_TABLE, CRM_FMT_TSV, CRM_FMT_CSV, CRM_FMT_JSON };

/* What a cell holds, which decides how each format writes it. */
enum crm_cell {
	CRM_CELL_NULL,	/* empty: "" in tsv/csv, null in JSON */
	CRM_CELL_TEXT,	/* a string */
	CRM_CELL_NUM,	/* a number: bare in JSON, right-aligned in a table */
	CRM_CELL_BOOL,	/* "yes"/"no": true/false in JSON */
	CRM_CELL_TIME,	/* UTC YYYY-MM-DDTHH:MM:SSZ: local time in a table,
			 * as it is elsewhere */
	CRM_CELL_JSON	/* a JSON value (an array of a record's parts):
			 * as it is in JSON, as text elsewhere */
};

struct crm_enc;

struct crm_out {
	FILE *fp;
	enum crm_fmt fmt;
	int header;		/* write a header line (table, tsv, csv) */
	int vertical;		/* table: one "name value" line per field */
	size_t ncols;
	char **names;		/* owned copies of the column names */
	size_t col;		/* next cell's column */
	size_t rows;		/* rows ended so far */
	int failed;		/* a write failed; errno kept in err_no */
	int err_no;
	int width;		/* table: terminal width */
	/* Called by crm_out_row() before it ends a row, to add the cells
	 * of columns the row's writer does not know; or NULL. */
	void (*end_row)(struct crm_out *out, void *arg);
	void *end_row_arg;
	struct crm_enc *enc;	/* the encoding written, NULL for UTF-8 */
	int own_enc;		/* enc is this writer's, freed at the end */
	struct crm_buf line;	/* the row being built */
	/* table format: every cell, kept until crm_out_end() */
	struct crm_buf cells;	/* cell texts, each NUL-terminated */
	size_t *offs;		/* offset of each cell in cells */
	unsigned char *kinds;	/* enum crm_cell of each cell */
	size_t ncells, acells;
};

/*
 * Parse a format name ("table", "tsv", "csv", "json"); -1 with err set
 * (CRM_EX_USAGE) when unknown.
 */
int crm_out_parse_format(const char *name, enum crm_fmt *fmt,
	struct crm_err *err);

/*
 * The format to use when none was given: $CRM_FORMAT if set (a bad value
 * is an error), else table when fp is a terminal, else tsv.
 */
int crm_out_default_format(FILE *fp, enum crm_fmt *fmt, struct crm_err *err);

/* Start writing ncols columns with these names (copied).  On stdout, in
 * the encoding crm_out_encoding() set. */
void crm_out_begin(struct crm_out *out, FILE *fp, enum crm_fmt fmt,
	int header, const char *const *names, size_t ncols);

/*
 * The same on fp in the encoding named (NULL or "UTF-8" for UTF-8), after
 * a byte-order mark when bom is set.  -1 with err set (CRM_EX_USAGE) for
 * an encoding iconv does not know; out is not begun then.
 */
int crm_out_begin_enc(struct crm_out *out, FILE *fp, enum crm_fmt fmt,
	int header, const char *const *names, size_t ncols,
	const char *encoding, int bom, struct crm_err *err);

/*
 * What every writer on stdout writes: the encoding named (NULL for UTF-8)
 * and, when bom is set, a byte-order mark before the first byte.  -1 with
 * err set (CRM_EX_USAGE) for an encoding iconv does not know.
 */
int crm_out_encoding(const char *encoding, int bom, struct crm_err *err);

/* Write len bytes of UTF-8 text to stdout as the writers do (in the
 * encoding of crm_out_encoding()); -1 when it fails (errno set). */
int crm_out_text(const char *text, size_t len);

/* After a write to stdout failed with EILSEQ: which character could not
 * be written in which encoding, one line; "" otherwise. */
const char *crm_out_errmsg(void);

/* Add the next cell of the current row: len bytes of text (ignored for
 * CRM_CELL_NULL). */
void crm_out_cell(struct crm_out *out, enum crm_cell kind, const char *text,
	size_t len);

/* End the current row; it is written now except in table format. */
void crm_out_row(struct crm_out *out);

/*
 * Finish: write what the table kept, flush, free everything.  Returns 0, or
 * -1 when any write failed (errno set).
 */
int crm_out_end(struct crm_out *out);

/* The errno of the last write that failed in any writer, 0 if none: a
 * stream keeps its error flag but not the reason. */
extern int crm_out_errno;

/* Append s as a JSON string literal (with the quotes) to b.  A byte of s
 * that is not part of valid UTF-8 is written as U+FFFD. */
void crm_json_quote(struct crm_buf *b, const char *s, size_t len);

#endif
