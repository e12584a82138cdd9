#include <errno.h>
#include <iconv.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "reader-int.h"
#include "text.h"
#include "banned.h"

/* Lines a quoted field may span before the record is given up as broken. */
#define MAX_RECORD_LINES 100000
/* Bytes read from the file at a time. */
#define INBUF (64 * 1024)
/* Display columns of file text a message shows. */
#define ECHO_WIDTH 64

static const char unterminated[] = "unterminated quoted field";
static const char stray_quote[] = "quote inside an unquoted field";
static const char after_quote[] = "text after the closing quote of a field";
const char rd_too_wide[] = "more than 2000 fields";

/* Add a field: its value s, and its text x as the file has it. */
static void
rec_add2(struct crm_record *rec, const char *s, size_t len, const char *x,
	size_t xlen)
{
	if (rec->n == rec->alloc) {
		size_t i, old = rec->alloc;

		rec->alloc = old ? old * 2 : 16;
		rec->f = crm_xrealloc(rec->f, rec->alloc * sizeof(*rec->f));
		rec->x = crm_xrealloc(rec->x, rec->alloc * sizeof(*rec->x));
		for (i = old; i < rec->alloc; i++) {
			crm_buf_init(&rec->f[i]);
			crm_buf_init(&rec->x[i]);
		}
	}
	crm_buf_reset(&rec->f[rec->n]);
	crm_buf_add(&rec->f[rec->n], s, len);
	crm_buf_reset(&rec->x[rec->n]);
	crm_buf_add(&rec->x[rec->n], x, xlen);
	rec->n++;
}

void
rd_rec_add(struct crm_record *rec, const char *s, size_t len)
{
	rec_add2(rec, s, len, s, len);
}

void
crm_record_copy(struct crm_record *dst, const struct crm_record *src)
{
	size_t i;

	dst->n = 0;
	for (i = 0; i < src->n; i++)
		rec_add2(dst, src->f[i].buf, src->f[i].len, src->x[i].buf,
			src->x[i].len);
	crm_buf_reset(&dst->raw);
	if (src->raw.len)
		crm_buf_add(&dst->raw, src->raw.buf, src->raw.len);
	dst->line = src->line;
	dst->bad = src->bad;
	dst->reason = NULL;
}

void
crm_record_release(struct crm_record *rec)
{
	size_t i;

	for (i = 0; i < rec->alloc; i++) {
		crm_buf_release(&rec->f[i]);
		crm_buf_release(&rec->x[i]);
	}
	free(rec->f);
	free(rec->x);
	crm_buf_release(&rec->raw);
	memset(rec, 0, sizeof(*rec));
	crm_buf_init(&rec->raw);
}

const char *
crm_reader_echo(const char *s, size_t len, struct crm_buf *b)
{
	size_t i = 0, width = 0;

	crm_buf_reset(b);
	while (i < len) {
		int cp;
		size_t n = crm_text_next(s + i, len - i, &cp), w;

		if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0)) {
			w = 1;
			if (width + w > ECHO_WIDTH)
				break;
			crm_buf_addch(b, '?');
		} else {
			w = crm_text_width(s + i, n);
			if (width + w > ECHO_WIDTH)
				break;
			crm_buf_add(b, s + i, n);
		}
		width += w;
		i += n;
	}
	if (i < len)
		crm_buf_adds(b, "\xe2\x80\xa6");
	return b->buf;
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
		for (i = r->ndone; i < r->adone; i++)
			crm_buf_init(&r->done[i].raw);
	}
	if (!bad && r->fields > CRM_READER_MAX_FIELDS) {
		bad = 1;
		reason = rd_too_wide;
	}
	d = &r->done[r->ndone++];
	d->n = 0;
	for (i = 0; i < r->cur.n; i++)
		rec_add2(d, r->cur.f[i].buf, r->cur.f[i].len,
			r->cur.x[i].buf, r->cur.x[i].len);
	crm_buf_reset(&d->raw);
	d->line = r->start;
	d->bad = bad;
	d->reason = reason;
	r->cur.n = 0;
	r->fields = 0;
	r->start = 0;
}

void
rd_free_lines(struct line *l, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(l[i].s);
}

/* A field of the record being parsed ends: keep it (up to the limit). */
void
rd_add_field(struct crm_reader *r, struct crm_record *rec, const char *s,
	size_t len)
{
	if (++r->fields <= CRM_READER_MAX_FIELDS + 1)
		rd_rec_add(rec, s, len);
}

/* The line's length without its line end. */
size_t
rd_chomp(const char *s, size_t len)
{
	while (len && (s[len - 1] == '\n' || s[len - 1] == '\r'))
		len--;
	return len;
}

/*
 * The record in progress cannot be parsed: return it as bad (at its first
 * line, that line's text its one field) and parse its other lines again.
 */
static void
broken(struct crm_reader *r, const char *reason)
{
	size_t i;

	r->cur.n = 0;
	if (r->nlines) {
		r->start = r->lines[0].no;
		rd_rec_add(&r->cur, r->lines[0].s,
			rd_chomp(r->lines[0].s, r->lines[0].len));
	}
	r->fields = 0;
	finish(r, 1, reason);
	crm_buf_reset(&r->field);
	r->state = S_START;
	r->quoted = 0;
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
	r->mode = !delim ? M_JSON : delim == '\t' ? M_TSV : M_CSV;
	r->first = 1;
	r->unit = 1;
	r->cd = (iconv_t)-1;
	crm_buf_init(&r->raw);
	crm_buf_init(&r->conv);
	crm_buf_init(&r->field);
	crm_buf_init(&r->cur.raw);
	crm_buf_init(&r->jhead.raw);
	crm_buf_init(&r->jfirst);
	crm_buf_init(&r->jtmp);
	crm_buf_init(&r->jwhy);
	crm_buf_init(&r->jname);
	crypto_hash_sha256_init(&r->sha);
	if (encoding && (!strcasecmp(encoding, "UTF-16") ||
	    !strcasecmp(encoding, "UTF16"))) {
		r->unit = 2;	/* its byte order mark says which */
		r->be = -1;
	} else if (encoding && (!strcasecmp(encoding, "UTF-16LE") ||
	    !strcasecmp(encoding, "UTF16LE"))) {
		r->unit = 2;
	} else if (encoding && (!strcasecmp(encoding, "UTF-16BE") ||
	    !strcasecmp(encoding, "UTF16BE"))) {
		r->unit = 2;
		r->be = 1;
	} else if (encoding && strcasecmp(encoding, "UTF-8") &&
	    strcasecmp(encoding, "UTF8")) {
		r->cd = iconv_open("UTF-8", encoding);
		if (r->cd == (iconv_t)-1) {
			crm_err_set(err, CRM_EX_USAGE, "unknown encoding '%s'",
				encoding);
			free(r);
			return NULL;
		}
	} else {
		r->be = -2;	/* UTF-8, unless a UTF-16 BOM says so */
	}
	r->in = crm_xmalloc(INBUF);
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
	free(r->in);
	crm_buf_release(&r->raw);
	crm_buf_release(&r->conv);
	crm_buf_release(&r->field);
	crm_record_release(&r->cur);
	for (i = 0; i < r->adone; i++)
		crm_record_release(&r->done[i]);
	free(r->done);
	rd_free_lines(r->lines, r->nlines);
	free(r->lines);
	if (r->again)
		rd_free_lines(r->again + r->iagain, r->nagain - r->iagain);
	free(r->again);
	crm_record_release(&r->jhead);
	crm_buf_release(&r->jfirst);
	crm_buf_release(&r->jtmp);
	crm_buf_release(&r->jwhy);
	crm_buf_release(&r->jname);
	free(r->jseen);
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

/* ---- bytes and lines ---------------------------------------------------- */

/* Read more of fp after what is left in r->in; -1 on a read error. */
static int
fill(struct crm_reader *r)
{
	size_t want, n;

	if (r->ipos) {
		memmove(r->in, r->in + r->ipos, r->ilen - r->ipos);
		r->ilen -= r->ipos;
		r->ipos = 0;
	}
	want = INBUF - r->ilen;
	if (r->eof || !want)
		return 0;
	n = fread(r->in + r->ilen, 1, want, r->fp);
	r->ilen += n;
	if (n < want) {
		if (ferror(r->fp))
			return -1;
		r->eof = 1;
	}
	return 0;
}

/*
 * The next line of the file, its line end included, into r->raw: up to a
 * '\n' byte, or for UTF-16 a '\n' unit.  1, 0 at the end, -1 on error.
 */
static int
read_line(struct crm_reader *r, struct crm_err *err)
{
	crm_buf_reset(&r->raw);
	for (;;) {
		const unsigned char *p = r->in + r->ipos, *nl;
		size_t avail = r->ilen - r->ipos, take, i;
		int found = 0;

		if (r->unit == 1) {
			nl = memchr(p, '\n', avail);
			found = nl != NULL;
			take = found ? (size_t)(nl - p) + 1 : avail;
		} else {
			for (i = 0; i + 1 < avail && !found; i += 2)
				found = p[i + !!r->be] == '\n' &&
					p[i + !r->be] == 0;
			take = found ? i : avail & ~(size_t)1;
		}
		crm_buf_add(&r->raw, p, take);
		r->ipos += take;
		if (found)
			return 1;
		if (r->eof) {
			/* An odd byte left at the end of UTF-16 goes to
			 * the converter, which refuses it. */
			crm_buf_add(&r->raw, r->in + r->ipos,
				r->ilen - r->ipos);
			r->ipos = r->ilen;
			return r->raw.len > 0;
		}
		if (fill(r) < 0)
			return crm_err_set(err, CRM_EX_IOERR,
				"cannot read: %s", strerror(errno));
	}
}

/* 'L' or 'B' if the bytes look like UTF-16 (LE or BE) without a byte
 * order mark - NUL bytes, all at odd (LE) or even (BE) offsets - else 0. */
static int
utf16_like(const unsigned char *p, size_t n)
{
	size_t i, odd = 0, even = 0;

	if (n > 512)
		n = 512;
	n &= ~(size_t)1;
	for (i = 0; i < n; i += 2) {
		even += p[i] == 0;
		odd += p[i + 1] == 0;
	}
	if (n < 4 || (odd && even))
		return 0;
	if (odd * 4 >= n / 2)
		return 'L';
	if (even * 4 >= n / 2)
		return 'B';
	return 0;
}

/* Before the first line: a UTF-16 byte order mark, or UTF-16 without one. */
static int
detect(struct crm_reader *r, struct crm_err *err)
{
	const unsigned char *p = r->in;
	int le, be, like;

	if (fill(r) < 0)
		return crm_err_set(err, CRM_EX_IOERR, "cannot read: %s",
			strerror(errno));
	le = r->ilen >= 2 && p[0] == 0xff && p[1] == 0xfe;
	be = r->ilen >= 2 && p[0] == 0xfe && p[1] == 0xff;
	like = utf16_like(p, r->ilen);
	if (r->be == -2) {		/* UTF-8 by default */
		r->be = 0;
		if (le || be) {
			r->unit = 2;
			r->be = be;
		} else if (like) {
			return crm_err_set(err, CRM_EX_DATAERR, "the file looks "
				"like UTF-16%s without a byte order mark: name "
				"its encoding with --encoding UTF-16%s",
				like == 'L' ? "LE" : "BE",
				like == 'L' ? "LE" : "BE");
		}
	} else if (r->be == -1) {	/* UTF-16, the order to be found */
		r->be = be || (!le && like == 'B');
	}
	if (r->unit == 2) {
		r->bom16 = r->be ? be : le;
		r->cd = iconv_open("UTF-8", r->be ? "UTF-16BE" : "UTF-16LE");
		if (r->cd == (iconv_t)-1)
			return crm_err_set(err, CRM_EX_SOFTWARE, "cannot read "
				"UTF-16: %s", strerror(errno));
	}
	return 0;
}

/* Convert len bytes of line number no into r->conv. */
static int
convert(struct crm_reader *r, char *in, size_t len, int64_t no,
	struct crm_err *err)
{
	crm_buf_reset(&r->conv);
	if (r->cd == (iconv_t)-1) {
		/* UTF-8 already: the line read is the line. */
		struct crm_buf t = r->conv;

		(void)in;
		(void)len;
		r->conv = r->raw;
		r->raw = t;
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
				"%s", (long long)no, r->unit == 2 ? (r->be ?
				"UTF-16BE" : "UTF-16LE") : "given");
		}
		r->conv.len += done - room;
		r->conv.buf[r->conv.len] = '\0';
	}
	return 0;
}

/*
 * Read the next line of the file into r->conv, in UTF-8, without a byte
 * order mark.  1, 0 at the end, -1 on error.
 */
int
rd_next_line(struct crm_reader *r, struct crm_err *err)
{
	int got;

	if (r->first && detect(r, err) < 0)
		return -1;
	got = read_line(r, err);
	if (got <= 0)
		return got;
	r->offset += (int64_t)r->raw.len;
	r->lineno++;
	if (!r->nohash)
		crypto_hash_sha256_update(&r->sha, (unsigned char *)r->raw.buf,
			(unsigned long long)r->raw.len);
	if (r->tee && fwrite(r->raw.buf, 1, r->raw.len, r->tee) != r->raw.len)
		return crm_err_set(err, CRM_EX_IOERR, "cannot keep a copy of "
			"the input: %s", strerror(errno));
	if (convert(r, r->raw.buf, r->raw.len, r->lineno + r->crs, err) < 0)
		return -1;
	if (r->first) {
		r->first = 0;
		if (r->conv.len >= 3 && !memcmp(r->conv.buf, "\xef\xbb\xbf", 3)) {
			memmove(r->conv.buf, r->conv.buf + 3, r->conv.len - 2);
			r->conv.len -= 3;
		}
		/* Excel's "Unicode Text" is tab-separated, with the quotes
		 * of CSV. */
		if (r->bom16 && r->mode == M_TSV) {
			r->mode = M_CSV;
		} else if (r->bom16 && r->mode == M_CSV && r->delim == ',' &&
		    memchr(r->conv.buf, '\t', r->conv.len) &&
		    !memchr(r->conv.buf, ',', r->conv.len)) {
			r->delim = '\t';
		}
	}
	return 1;
}

/* ---- TSV ---------------------------------------------------------------- */

static void
tsv_record(struct crm_reader *r, const char *s, size_t len, int64_t no)
{
	size_t i;

	len = rd_chomp(s, len);
	if (!len)
		return;
	r->start = no;
	crm_buf_reset(&r->field);
	for (i = 0; i <= len; i++) {
		if (i == len || s[i] == '\t') {
			rd_add_field(r, &r->cur, r->field.buf, r->field.len);
			crm_buf_reset(&r->field);
			continue;
		}
		if (s[i] == '\\' && i + 1 < len) {
			char c = s[i + 1];

			if (c == 't' || c == 'n' || c == 'r' || c == '\\') {
				crm_buf_addch(&r->field, c == 't' ? '\t' :
					c == 'n' ? '\n' : c == 'r' ? '\r' :
					'\\');
				i++;
				continue;
			}
		}
		crm_buf_addch(&r->field, s[i]);
	}
	finish(r, 0, NULL);
}

/* ---- CSV ---------------------------------------------------------------- */

int
rd_blank(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (s[i] != '\n' && s[i] != '\r' && s[i] != ' ' &&
		    s[i] != '\t')
			return 0;
	return 1;
}

/*
 * The field ends.  An unquoted one's value is without the blanks at its
 * ends (spaces and tabs, unless the separator is a tab), as spreadsheets
 * and libcsv read it; its text as the file has it is kept for the
 * rejects file.
 */
static void
end_field(struct crm_reader *r)
{
	const char *s = r->field.buf;
	size_t from = 0, len = r->field.len;

	if (!r->quoted) {
		while (from < len && (s[from] == ' ' || (s[from] == '\t' &&
		    r->delim != '\t')))
			from++;
		while (len > from && (s[len - 1] == ' ' || (s[len - 1] ==
		    '\t' && r->delim != '\t')))
			len--;
	}
	if (++r->fields <= CRM_READER_MAX_FIELDS + 1)
		rec_add2(&r->cur, s + from, len - from, s, r->field.len);
	crm_buf_reset(&r->field);
	r->state = S_START;
	r->quoted = 0;
}

/*
 * Split one line (its line end included) into fields of the record in
 * progress.  Returns NULL, or why the record cannot be split.  The record
 * ends at the line's end unless a quoted field is open.
 */
static const char *
csv_split(struct crm_reader *r, const char *s, size_t len)
{
	size_t i;
	char d = r->delim;

	for (i = 0; i < len; i++) {
		char c;
		int eol, space;

		/* The plain bytes of a field in one go. */
		if (r->state == S_PLAIN || r->state == S_QUOTED) {
			size_t j = i;

			while (j < len && s[j] != '"' && (r->state == S_QUOTED ||
			    (s[j] != d && s[j] != '\n' && s[j] != '\r')))
				j++;
			crm_buf_add(&r->field, s + i, j - i);
			i = j;
			if (i == len)
				break;
		}
		c = s[i];
		eol = c == '\n' || c == '\r';
		space = (c == ' ' || c == '\t') && c != d;
		switch (r->state) {
		case S_START:
			if (c == '"') {
				/* Blanks before a quote are not the field's. */
				crm_buf_reset(&r->field);
				r->state = S_QUOTED;
				r->quoted = 1;
				continue;
			}
			if (space) {
				crm_buf_addch(&r->field, c);
				continue;
			}
			/* FALLTHROUGH */
		case S_PLAIN:
			if (c == d) {
				end_field(r);
			} else if (eol) {
				end_field(r);
				finish(r, 0, NULL);
				return NULL;
			} else if (c == '"') {
				return stray_quote;
			} else {
				crm_buf_addch(&r->field, c);
				r->state = S_PLAIN;
			}
			break;
		case S_QUOTED:
			if (c == '"')
				r->state = S_QUOTE;
			else
				crm_buf_addch(&r->field, c);
			break;
		case S_QUOTE:
		case S_AFTER:
			if (c == '"' && r->state == S_QUOTE) {
				crm_buf_addch(&r->field, '"');
				r->state = S_QUOTED;
			} else if (c == d) {
				end_field(r);
			} else if (eol) {
				end_field(r);
				finish(r, 0, NULL);
				return NULL;
			} else if (space) {
				r->state = S_AFTER;
			} else {
				return after_quote;
			}
			break;
		}
	}
	return NULL;
}

/* Parse one line (UTF-8, owned by the caller) as part of the CSV. */
static void
csv_line(struct crm_reader *r, char *s, size_t len, int64_t no)
{
	struct line *l;
	const char *why;

	if (!r->nlines && rd_blank(s, len))
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
	why = csv_split(r, s, len);
	if (why) {
		/* A quote opened on an earlier line closed on this one
		 * before text: most likely it was never meant to span
		 * lines, and this line is read again on its own. */
		broken(r, r->nlines > 1 ? unterminated : why);
		return;
	}
	if (!r->start) {	/* the record ended with this line */
		rd_free_lines(r->lines, r->nlines);
		r->nlines = 0;
	} else if (r->nlines > MAX_RECORD_LINES) {
		broken(r, unterminated);
	}
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

/* The end of the file inside a record. */
static void
csv_end(struct crm_reader *r)
{
	if (r->state == S_QUOTED) {
		broken(r, unterminated);
		return;
	}
	/* The last line had no line end. */
	end_field(r);
	finish(r, 0, NULL);
	rd_free_lines(r->lines, r->nlines);
	r->nlines = 0;
}

/* ---- the next record ---------------------------------------------------- */

int
crm_reader_next(struct crm_reader *r, struct crm_record *rec,
	struct crm_err *err)
{
	int got;

	if (r->mode == M_JSON)
		return rd_json_next(r, rec, err);
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
		got = rd_next_line(r, err);
		if (got < 0)
			return -1;
		if (got == 0) {
			if (r->mode == M_TSV || !r->nlines)
				return 0;
			csv_end(r);
			continue;
		}
		if (r->mode == M_TSV)
			tsv_record(r, r->conv.buf, r->conv.len, r->lineno);
		else
			csv_lines(r, r->conv.buf, r->conv.len);
	}
}
