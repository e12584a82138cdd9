#include <csv.h>
#include <errno.h>
#include <iconv.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "reader.h"
#include "banned.h"

/* Lines a quoted field may span before the record is given up as broken. */
#define MAX_RECORD_LINES 100000

struct line {
	char *s;
	size_t len;
	int64_t no;
};

struct crm_reader {
	FILE *fp;
	char delim;
	iconv_t cd;		/* (iconv_t)-1 for UTF-8 */
	struct csv_parser csv;
	int csv_open;
	int64_t lineno;		/* lines read */
	int64_t crs;		/* bare CRs read: line ends too */
	int64_t no;		/* the number of the line being parsed */
	int64_t offset;		/* bytes read */
	int first;		/* the first line is still to come (BOM) */
	crypto_hash_sha256_state sha;	/* of the bytes read */
	FILE *tee;		/* a copy of the bytes read, or NULL */
	int nohash;		/* skip the SHA-256 */
	char *raw;		/* getline's buffer */
	size_t rawcap;
	struct crm_buf conv;	/* the line in UTF-8 */
	/* the record being parsed */
	struct crm_record cur;
	int64_t start;		/* its first line, 0 before it begins */
	struct line *lines;	/* its lines, for recovery */
	size_t nlines, alines;
	/* records parsed and not yet returned */
	struct crm_record *done;
	size_t ndone, adone, taken;
	/* lines to parse again after a broken record */
	struct line *again;
	size_t nagain, iagain;
};

static void
rec_add(struct crm_record *rec, const char *s, size_t len)
{
	if (rec->n == rec->alloc) {
		size_t i, old = rec->alloc;

		rec->alloc = old ? old * 2 : 16;
		rec->f = crm_xrealloc(rec->f, rec->alloc * sizeof(*rec->f));
		for (i = old; i < rec->alloc; i++)
			crm_buf_init(&rec->f[i]);
	}
	crm_buf_reset(&rec->f[rec->n]);
	crm_buf_add(&rec->f[rec->n], s, len);
	rec->n++;
}

void
crm_record_release(struct crm_record *rec)
{
	size_t i;

	for (i = 0; i < rec->alloc; i++)
		crm_buf_release(&rec->f[i]);
	free(rec->f);
	memset(rec, 0, sizeof(*rec));
}

/* Move the current record to the queue of finished ones. */
static void
finish(struct crm_reader *r, int bad, const char *reason)
{
	struct crm_record *d;
	size_t i;

	if (r->ndone == r->adone) {
		r->adone = r->adone ? r->adone * 2 : 4;
		r->done = crm_xrealloc(r->done, r->adone * sizeof(*r->done));
		memset(r->done + r->ndone, 0,
			(r->adone - r->ndone) * sizeof(*r->done));
	}
	d = &r->done[r->ndone++];
	d->n = 0;
	for (i = 0; i < r->cur.n; i++)
		rec_add(d, r->cur.f[i].buf, r->cur.f[i].len);
	d->line = r->start;
	d->bad = bad;
	d->reason = reason;
	r->cur.n = 0;
	r->start = 0;
}

static void
free_lines(struct line *l, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(l[i].s);
}

static void
cb_field(void *s, size_t len, void *data)
{
	struct crm_reader *r = data;

	/* A record starts with its first field, on the line parsed now. */
	if (!r->start)
		r->start = r->no;
	rec_add(&r->cur, s ? s : "", s ? len : 0);
}

static void
cb_record(int c, void *data)
{
	struct crm_reader *r = data;

	(void)c;
	finish(r, 0, NULL);
	free_lines(r->lines, r->nlines);
	r->nlines = 0;
}

static void
csv_restart(struct crm_reader *r)
{
	if (r->csv_open)
		csv_free(&r->csv);
	csv_init(&r->csv, CSV_STRICT | CSV_STRICT_FINI);
	csv_set_delim(&r->csv, (unsigned char)r->delim);
	/* libcsv grows a field by this much at a time: a small step makes
	 * a 10 MB field cost a quadratic number of copies. */
	csv_set_blk_size(&r->csv, 1 << 20);
	r->csv_open = 1;
}

/*
 * The record in progress cannot be parsed: return it as bad (the fields
 * seen so far, at its first line) and parse its other lines again.
 */
static void
broken(struct crm_reader *r, const char *reason)
{
	size_t i;

	if (!r->start && r->nlines)
		r->start = r->lines[0].no;
	if (!r->cur.n && r->nlines)
		rec_add(&r->cur, r->lines[0].s, r->lines[0].len);
	finish(r, 1, reason);
	csv_restart(r);
	if (r->nlines > 1) {
		/* Lines still waiting to be read again go after these. */
		struct line *again = crm_xcalloc(r->nlines - 1 +
			r->nagain - r->iagain, sizeof(*again));
		size_t n = 0;

		for (i = 1; i < r->nlines; i++)
			again[n++] = r->lines[i];
		for (i = r->iagain; i < r->nagain; i++)
			again[n++] = r->again[i];
		free(r->again);
		r->again = again;
		r->nagain = n;
		r->iagain = 0;
	}
	if (r->nlines)
		free(r->lines[0].s);
	r->nlines = 0;
}

struct crm_reader *
crm_reader_new(FILE *fp, char delim, const char *encoding, struct crm_err *err)
{
	struct crm_reader *r = crm_xcalloc(1, sizeof(*r));

	r->fp = fp;
	r->delim = delim;
	r->first = 1;
	r->cd = (iconv_t)-1;
	crypto_hash_sha256_init(&r->sha);
	if (encoding && strcasecmp(encoding, "UTF-8") &&
	    strcasecmp(encoding, "UTF8")) {
		r->cd = iconv_open("UTF-8", encoding);
		if (r->cd == (iconv_t)-1) {
			crm_err_set(err, CRM_EX_USAGE, "unknown encoding '%s'",
				encoding);
			free(r);
			return NULL;
		}
	}
	if (delim != '\t')
		csv_restart(r);
	return r;
}

void
crm_reader_free(struct crm_reader *r)
{
	size_t i;

	if (!r)
		return;
	if (r->cd != (iconv_t)-1)
		iconv_close(r->cd);
	if (r->csv_open)
		csv_free(&r->csv);
	free(r->raw);
	crm_buf_release(&r->conv);
	crm_record_release(&r->cur);
	for (i = 0; i < r->adone; i++)
		crm_record_release(&r->done[i]);
	free(r->done);
	free_lines(r->lines, r->nlines);
	free(r->lines);
	if (r->again)
		free_lines(r->again + r->iagain, r->nagain - r->iagain);
	free(r->again);
	free(r);
}

void
crm_reader_nohash(struct crm_reader *r)
{
	r->nohash = 1;
}

void
crm_reader_tee(struct crm_reader *r, FILE *spool)
{
	r->tee = spool;
}

int64_t
crm_reader_offset(const struct crm_reader *r)
{
	return r->offset;
}

void
crm_reader_sha256(struct crm_reader *r, char hex[65])
{
	crypto_hash_sha256_state copy = r->sha;
	unsigned char sum[crypto_hash_sha256_BYTES];

	crypto_hash_sha256_final(&copy, sum);
	sodium_bin2hex(hex, 65, sum, sizeof(sum));
}

/* Convert len bytes of line number no into r->conv. */
static int
convert(struct crm_reader *r, char *in, size_t len, int64_t no,
	struct crm_err *err)
{
	crm_buf_reset(&r->conv);
	if (r->cd == (iconv_t)-1) {
		crm_buf_add(&r->conv, in, len);
		return 0;
	}
	while (len) {
		char *out;
		size_t room, done;

		crm_buf_grow(&r->conv, len * 2 + 16);
		out = r->conv.buf + r->conv.len;
		room = r->conv.alloc - r->conv.len - 1;
		done = room;
		if (iconv(r->cd, &in, &len, &out, &room) == (size_t)-1 &&
		    errno != E2BIG) {
			iconv(r->cd, NULL, NULL, NULL, NULL);
			return crm_err_set(err, CRM_EX_DATAERR,
				"line %lld: bytes not valid in the encoding "
				"given", (long long)no);
		}
		r->conv.len += done - room;
		r->conv.buf[r->conv.len] = '\0';
	}
	return 0;
}

static void
tsv_record(struct crm_reader *r, const char *s, size_t len, int64_t no)
{
	size_t i;
	struct crm_buf f = CRM_BUF_INIT;

	while (len && (s[len - 1] == '\n' || s[len - 1] == '\r'))
		len--;
	if (!len)
		return;
	r->start = no;
	for (i = 0; i <= len; i++) {
		if (i == len || s[i] == '\t') {
			rec_add(&r->cur, f.buf, f.len);
			crm_buf_reset(&f);
			continue;
		}
		if (s[i] == '\\' && i + 1 < len) {
			char c = s[i + 1];

			if (c == 't' || c == 'n' || c == 'r' || c == '\\') {
				crm_buf_addch(&f, c == 't' ? '\t' : c == 'n' ?
					'\n' : c == 'r' ? '\r' : '\\');
				i++;
				continue;
			}
		}
		crm_buf_addch(&f, s[i]);
	}
	crm_buf_release(&f);
	finish(r, 0, NULL);
}

static int
blank(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (s[i] != '\n' && s[i] != '\r' && s[i] != ' ' &&
		    s[i] != '\t')
			return 0;
	return 1;
}

/* Parse one line (UTF-8, owned by the caller) as part of the CSV. */
static void
csv_line(struct crm_reader *r, char *s, size_t len, int64_t no)
{
	struct line *l;

	if (!r->start && !r->nlines && blank(s, len))
		return;
	if (r->nlines == r->alines) {
		r->alines = r->alines ? r->alines * 2 : 8;
		r->lines = crm_xrealloc(r->lines,
			r->alines * sizeof(*r->lines));
	}
	l = &r->lines[r->nlines++];
	l->s = crm_xmalloc(len + 1);
	memcpy(l->s, s, len);
	l->s[len] = '\0';
	l->len = len;
	l->no = no;
	r->no = no;
	if (!r->start)
		r->start = no;
	if (csv_parse(&r->csv, s, len, cb_field, cb_record, r) != len) {
		broken(r, csv_strerror(csv_error(&r->csv)));
		return;
	}
	if (r->nlines > MAX_RECORD_LINES)
		broken(r, "quoted field never closed");
}

/*
 * Parse a line read from the file.  A CR not followed by LF (old Mac line
 * ends) ends a line too: each piece is parsed as a line of its own, so
 * that records are numbered as an editor shows them.
 */
static void
csv_piece(struct crm_reader *r, char *s, size_t len, int64_t no)
{
	struct line l;

	/* A broken record left lines to parse again: this piece goes after
	 * them, or records would come out of order. */
	if (r->iagain < r->nagain) {
		l.s = crm_xmalloc(len + 1);
		memcpy(l.s, s, len);
		l.s[len] = '\0';
		l.len = len;
		l.no = no;
		r->again = crm_xrealloc(r->again,
			(r->nagain + 1) * sizeof(*r->again));
		r->again[r->nagain++] = l;
		return;
	}
	csv_line(r, s, len, no);
}

static void
csv_lines(struct crm_reader *r, char *s, size_t len)
{
	size_t i, from = 0;

	for (i = 0; i + 1 < len; i++) {
		if (s[i] != '\r' || s[i + 1] == '\n')
			continue;
		csv_piece(r, s + from, i + 1 - from, r->lineno + r->crs);
		r->crs++;
		from = i + 1;
	}
	csv_piece(r, s + from, len - from, r->lineno + r->crs);
}

int
crm_reader_next(struct crm_reader *r, struct crm_record *rec,
	struct crm_err *err)
{
	ssize_t n;

	for (;;) {
		if (r->taken < r->ndone) {
			struct crm_record tmp = r->done[r->taken];

			/* Hand the record over by swapping buffers. */
			r->done[r->taken] = *rec;
			*rec = tmp;
			r->taken++;
			if (r->taken == r->ndone)
				r->taken = r->ndone = 0;
			return 1;
		}
		if (r->iagain < r->nagain) {
			struct line l = r->again[r->iagain++];

			csv_line(r, l.s, l.len, l.no);
			free(l.s);
			continue;
		}
		n = getline(&r->raw, &r->rawcap, r->fp);
		if (n < 0) {
			if (ferror(r->fp))
				return crm_err_set(err, CRM_EX_IOERR,
					"cannot read: %s", strerror(errno));
			if (r->delim == '\t' || !r->nlines)
				return 0;
			/* End of file inside a record: a quote never
			 * closed, or a last line without its newline. */
			if (csv_fini(&r->csv, cb_field, cb_record, r) != 0) {
				broken(r, "quoted field never closed");
			} else if (r->nlines) {
				/* Nothing came of the last lines (white
				 * space only): they are no record. */
				free_lines(r->lines, r->nlines);
				r->nlines = 0;
				r->start = 0;
				r->cur.n = 0;
			}
			continue;
		}
		r->offset += n;
		r->lineno++;
		if (!r->nohash)
			crypto_hash_sha256_update(&r->sha,
				(unsigned char *)r->raw, (unsigned long long)n);
		if (r->tee && fwrite(r->raw, 1, (size_t)n, r->tee) !=
		    (size_t)n)
			return crm_err_set(err, CRM_EX_IOERR, "cannot keep a "
				"copy of the input: %s", strerror(errno));
		if (convert(r, r->raw, (size_t)n, r->lineno + r->crs, err) < 0)
			return -1;
		if (r->first) {
			r->first = 0;
			if (r->conv.len >= 3 &&
			    !memcmp(r->conv.buf, "\xef\xbb\xbf", 3)) {
				memmove(r->conv.buf, r->conv.buf + 3,
					r->conv.len - 2);
				r->conv.len -= 3;
			}
		}
		if (r->delim == '\t')
			tsv_record(r, r->conv.buf, r->conv.len, r->lineno);
		else
			csv_lines(r, r->conv.buf, r->conv.len);
	}
}
