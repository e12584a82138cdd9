#include <errno.h>
#include <iconv.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "reader.h"
#include "text.h"
#include "banned.h"

/* Lines a quoted field may span before the record is given up as broken. */
#define MAX_RECORD_LINES 100000
/* Bytes read from the file at a time. */
#define INBUF (64 * 1024)
/* Arrays and objects inside a JSON member, nested no deeper than this. */
#define JSON_DEPTH 64
/* Lines that are no JSON object kept while looking for the first one. */
#define JSON_BEFORE 1000
/* Display columns of file text a message shows. */
#define ECHO_WIDTH 64

static const char unterminated[] = "unterminated quoted field";
static const char stray_quote[] = "quote inside an unquoted field";
static const char after_quote[] = "text after the closing quote of a field";
static const char too_wide[] = "more than 2000 fields";

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

static void
rec_add(struct crm_record *rec, const char *s, size_t len)
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
		reason = too_wide;
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

static void
free_lines(struct line *l, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(l[i].s);
}

/* A field of the record being parsed ends: keep it (up to the limit). */
static void
add_field(struct crm_reader *r, struct crm_record *rec, const char *s,
	size_t len)
{
	if (++r->fields <= CRM_READER_MAX_FIELDS + 1)
		rec_add(rec, s, len);
}

/* The line's length without its line end. */
static size_t
chomp(const char *s, size_t len)
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
		rec_add(&r->cur, r->lines[0].s,
			chomp(r->lines[0].s, r->lines[0].len));
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
	free_lines(r->lines, r->nlines);
	free(r->lines);
	if (r->again)
		free_lines(r->again + r->iagain, r->nagain - r->iagain);
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
static int
next_line(struct crm_reader *r, struct crm_err *err)
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

	len = chomp(s, len);
	if (!len)
		return;
	r->start = no;
	crm_buf_reset(&r->field);
	for (i = 0; i <= len; i++) {
		if (i == len || s[i] == '\t') {
			add_field(r, &r->cur, r->field.buf, r->field.len);
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

	if (!r->nlines && blank(s, len))
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
		free_lines(r->lines, r->nlines);
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
	free_lines(r->lines, r->nlines);
	r->nlines = 0;
}

/* ---- JSON Lines --------------------------------------------------------- */

enum jkind { J_BAD, J_STRING, J_NUMBER, J_TRUE, J_FALSE, J_NULL, J_ARRAY,
	J_OBJECT };

struct json {
	const char *s;
	size_t len, i;
	const char *why;	/* static, when J_BAD */
};

static void
json_ws(struct json *j)
{
	while (j->i < j->len && (j->s[j->i] == ' ' || j->s[j->i] == '\t' ||
	    j->s[j->i] == '\r' || j->s[j->i] == '\n'))
		j->i++;
}

static int
json_bad(struct json *j, const char *why)
{
	if (!j->why)
		j->why = j->i >= j->len ? "the JSON object is not closed: the "
			"line is cut short" : why;
	return J_BAD;
}

static int
hex4(const char *s, unsigned *v)
{
	int i;

	*v = 0;
	for (i = 0; i < 4; i++) {
		char c = s[i];

		*v <<= 4;
		if (c >= '0' && c <= '9')
			*v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			*v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			*v |= (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	return 0;
}

static void
put_utf8(struct crm_buf *b, unsigned cp)
{
	if (cp < 0x80) {
		crm_buf_addch(b, (int)cp);
	} else if (cp < 0x800) {
		crm_buf_addch(b, (int)(0xc0 | cp >> 6));
		crm_buf_addch(b, (int)(0x80 | (cp & 0x3f)));
	} else if (cp < 0x10000) {
		crm_buf_addch(b, (int)(0xe0 | cp >> 12));
		crm_buf_addch(b, (int)(0x80 | (cp >> 6 & 0x3f)));
		crm_buf_addch(b, (int)(0x80 | (cp & 0x3f)));
	} else {
		crm_buf_addch(b, (int)(0xf0 | cp >> 18));
		crm_buf_addch(b, (int)(0x80 | (cp >> 12 & 0x3f)));
		crm_buf_addch(b, (int)(0x80 | (cp >> 6 & 0x3f)));
		crm_buf_addch(b, (int)(0x80 | (cp & 0x3f)));
	}
}

/* A string at j->i (its opening quote), decoded into out. */
static int
json_string(struct json *j, struct crm_buf *out)
{
	crm_buf_reset(out);
	j->i++;
	while (j->i < j->len) {
		unsigned char c = (unsigned char)j->s[j->i];
		unsigned cp, lo;

		if (c == '"') {
			j->i++;
			if (!crm_text_valid(out->buf, out->len))
				return json_bad(j, "a JSON string that is not "
					"UTF-8 text");
			return J_STRING;
		}
		if (c < 0x20)
			return json_bad(j, "a control character inside a "
				"JSON string");
		if (c != '\\') {
			crm_buf_addch(out, c);
			j->i++;
			continue;
		}
		if (j->i + 1 >= j->len)
			break;
		c = (unsigned char)j->s[j->i + 1];
		j->i += 2;
		switch (c) {
		case '"': case '\\': case '/':
			crm_buf_addch(out, c);
			continue;
		case 'b': crm_buf_addch(out, '\b'); continue;
		case 'f': crm_buf_addch(out, '\f'); continue;
		case 'n': crm_buf_addch(out, '\n'); continue;
		case 'r': crm_buf_addch(out, '\r'); continue;
		case 't': crm_buf_addch(out, '\t'); continue;
		case 'u':
			break;
		default:
			return json_bad(j, "an unknown escape in a JSON "
				"string");
		}
		if (j->i + 4 > j->len)
			break;
		if (hex4(j->s + j->i, &cp) < 0)
			return json_bad(j, "a bad \\u escape in a JSON string");
		j->i += 4;
		if (cp >= 0xd800 && cp < 0xdc00) {
			if (j->i + 6 > j->len)
				break;
			if (j->s[j->i] != '\\' || j->s[j->i + 1] != 'u' ||
			    hex4(j->s + j->i + 2, &lo) < 0 ||
			    lo < 0xdc00 || lo >= 0xe000)
				return json_bad(j, "a bad \\u escape in a JSON "
					"string");
			j->i += 6;
			cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
		} else if (cp >= 0xdc00 && cp < 0xe000) {
			return json_bad(j, "a bad \\u escape in a JSON string");
		}
		if (!cp)
			return json_bad(j, "a NUL character (\\u0000) in a "
				"JSON string");
		put_utf8(out, cp);
	}
	j->i = j->len;
	return json_bad(j, "");
}

static int
digits(struct json *j)
{
	size_t from = j->i;

	while (j->i < j->len && j->s[j->i] >= '0' && j->s[j->i] <= '9')
		j->i++;
	return j->i > from;
}

/* Any value at j->i; a string's text into out. */
static int
json_value(struct json *j, struct crm_buf *out, int depth)
{
	static const char bad[] = "malformed JSON";
	char c;

	json_ws(j);
	if (j->i >= j->len)
		return json_bad(j, bad);
	c = j->s[j->i];
	if (c == '"')
		return json_string(j, out);
	if (c == '-' || (c >= '0' && c <= '9')) {
		if (c == '-')
			j->i++;
		if (j->i < j->len && j->s[j->i] == '0')
			j->i++;
		else if (!digits(j))
			return json_bad(j, bad);
		if (j->i < j->len && j->s[j->i] == '.') {
			j->i++;
			if (!digits(j))
				return json_bad(j, bad);
		}
		if (j->i < j->len && (j->s[j->i] == 'e' || j->s[j->i] == 'E')) {
			j->i++;
			if (j->i < j->len && (j->s[j->i] == '+' ||
			    j->s[j->i] == '-'))
				j->i++;
			if (!digits(j))
				return json_bad(j, bad);
		}
		return J_NUMBER;
	}
	if (j->len - j->i >= 4 && !memcmp(j->s + j->i, "true", 4)) {
		j->i += 4;
		return J_TRUE;
	}
	if (j->len - j->i >= 5 && !memcmp(j->s + j->i, "false", 5)) {
		j->i += 5;
		return J_FALSE;
	}
	if (j->len - j->i >= 4 && !memcmp(j->s + j->i, "null", 4)) {
		j->i += 4;
		return J_NULL;
	}
	if (c != '[' && c != '{')
		return json_bad(j, bad);
	/* An array or an object: checked, not kept. */
	if (depth >= JSON_DEPTH)
		return json_bad(j, "JSON nested too deep");
	j->i++;
	json_ws(j);
	if (j->i < j->len && j->s[j->i] == (c == '[' ? ']' : '}')) {
		j->i++;
		return c == '[' ? J_ARRAY : J_OBJECT;
	}
	for (;;) {
		if (c == '{') {
			json_ws(j);
			if (j->i >= j->len || j->s[j->i] != '"' ||
			    json_string(j, out) == J_BAD)
				return json_bad(j, bad);
			json_ws(j);
			if (j->i >= j->len || j->s[j->i] != ':')
				return json_bad(j, bad);
			j->i++;
		}
		if (json_value(j, out, depth + 1) == J_BAD)
			return J_BAD;
		json_ws(j);
		if (j->i < j->len && j->s[j->i] == ',') {
			j->i++;
			continue;
		}
		if (j->i < j->len && j->s[j->i] == (c == '[' ? ']' : '}')) {
			j->i++;
			return c == '[' ? J_ARRAY : J_OBJECT;
		}
		return json_bad(j, bad);
	}
}

/* Make r->jwhy a reason naming a member. */
static const char *
member_why(struct crm_reader *r, const char *fmt, const char *name,
	size_t len)
{
	struct crm_buf shown = CRM_BUF_INIT;

	crm_reader_echo(name, len, &shown);
	crm_buf_reset(&r->jwhy);
	crm_buf_addf(&r->jwhy, fmt, shown.buf);
	crm_buf_release(&shown);
	return r->jwhy.buf;
}

/* The header's column of a member name, or -1: where the last one was
 * found plus one first (members mostly come in the same order). */
static long
json_column(const struct crm_reader *r, const char *name, size_t len,
	size_t hint)
{
	const struct crm_record *h = &r->jhead;
	size_t k;

	if (!h->n)
		return -1;
	for (k = 0; k < h->n; k++) {
		size_t i = (hint + k) % h->n;

		if (h->f[i].len == len && !memcmp(h->f[i].buf, name, len))
			return (long)i;
	}
	return -1;
}

/*
 * Read the object s (one line, its end cut off) into rec: as the header
 * (its member names), or as a row of the header's columns.
 */
static void
json_line(struct crm_reader *r, struct crm_record *rec, const char *s,
	size_t len, int64_t no, int header)
{
	struct json j = { s, len, 0, NULL };
	const char *why = NULL;
	size_t hint = 0, i;
	int kind;

	rec->n = 0;
	rec->line = no;
	rec->bad = 0;
	rec->reason = NULL;
	crm_buf_reset(&rec->raw);
	r->fields = 0;
	if (!header) {
		for (i = 0; i < r->jhead.n; i++)
			rec_add(rec, "", 0);
		r->jseen = crm_xrealloc(r->jseen, r->jhead.n + 1);
		memset(r->jseen, 0, r->jhead.n + 1);
	}
	json_ws(&j);
	if (j.i >= len || s[j.i] != '{') {
		why = j.i < len && s[j.i] == '[' ? "not a JSON object but an "
			"array" : "not a JSON object";
		goto bad;
	}
	j.i++;
	json_ws(&j);
	if (j.i < len && s[j.i] == '}') {
		j.i++;
		goto end;
	}
	for (;;) {
		size_t from, vfrom;
		long col;

		json_ws(&j);
		from = j.i;
		if (j.i >= len || s[j.i] != '"' ||
		    json_string(&j, &r->jname) == J_BAD) {
			json_bad(&j, "malformed JSON");
			why = j.why;
			goto bad;
		}
		json_ws(&j);
		if (j.i >= len || s[j.i] != ':') {
			json_bad(&j, "malformed JSON");
			why = j.why;
			goto bad;
		}
		j.i++;
		json_ws(&j);
		vfrom = j.i;
		kind = json_value(&j, &r->jtmp, 0);
		if (kind == J_BAD) {
			why = j.why;
			goto bad;
		}
		if (header) {
			add_field(r, rec, r->jname.buf, r->jname.len);
		} else if (!strcmp(r->jname.buf, "_line") ||
		    !strcmp(r->jname.buf, "_error")) {
			/* What a rejects file adds: ignored, not kept. */
			if ((col = json_column(r, r->jname.buf,
			    r->jname.len, hint)) >= 0)
				r->jseen[col] = 1;
		} else {
			if (rec->raw.len)
				crm_buf_addch(&rec->raw, ',');
			crm_buf_add(&rec->raw, s + from, j.i - from);
			col = json_column(r, r->jname.buf, r->jname.len, hint);
			if (!rec->bad && col < 0) {
				rec->bad = 1;
				rec->reason = member_why(r, "member '%s' is not "
					"in the first object, the header",
					r->jname.buf,
					r->jname.len);
			} else if (!rec->bad && r->jseen[col]) {
				rec->bad = 1;
				rec->reason = member_why(r, "member '%s' is "
					"given twice", r->jname.buf,
					r->jname.len);
			} else if (!rec->bad && (kind == J_ARRAY ||
			    kind == J_OBJECT)) {
				rec->bad = 1;
				rec->reason = member_why(r, kind == J_ARRAY ?
					"member '%s' is an array: a value "
					"must be a string, a number, true, "
					"false or null" : "member '%s' is an "
					"object: a value must be a string, a "
					"number, true, false or null",
					r->jname.buf, r->jname.len);
			} else if (!rec->bad) {
				struct crm_buf *f = &rec->f[col];

				r->jseen[col] = 1;
				hint = (size_t)col + 1;
				crm_buf_reset(f);
				if (kind == J_STRING)
					crm_buf_add(f, r->jtmp.buf,
						r->jtmp.len);
				else if (kind == J_NUMBER)	/* 12.50 too */
					crm_buf_add(f, s + vfrom, j.i - vfrom);
				else if (kind == J_TRUE)
					crm_buf_adds(f, "true");
				else if (kind == J_FALSE)
					crm_buf_adds(f, "false");
				crm_buf_reset(&rec->x[col]);
				crm_buf_add(&rec->x[col], f->buf, f->len);
			}
		}
		json_ws(&j);
		if (j.i < len && s[j.i] == ',') {
			j.i++;
			continue;
		}
		if (j.i < len && s[j.i] == '}') {
			j.i++;
			break;
		}
		json_bad(&j, "malformed JSON: a ',' or '}' is missing");
		why = j.why;
		goto bad;
	}
end:
	json_ws(&j);
	if (j.i < len) {
		why = "text after the JSON object";
		goto bad;
	}
	if (header && r->fields > CRM_READER_MAX_FIELDS) {
		rec->bad = 1;
		rec->reason = too_wide;
	}
	return;
bad:
	/* The line as it came, whole. */
	rec->n = 0;
	rec_add(rec, s, len);
	crm_buf_reset(&rec->raw);
	rec->bad = 1;
	rec->reason = why;
}

/* The header's record into rec. */
static int
json_header(struct crm_reader *r, struct crm_record *rec)
{
	size_t i;

	rec->n = 0;
	for (i = 0; i < r->jhead.n; i++)
		rec_add(rec, r->jhead.f[i].buf, r->jhead.f[i].len);
	rec->line = r->jhead.line;
	rec->bad = r->jhead.bad;
	rec->reason = r->jhead.reason;
	crm_buf_reset(&rec->raw);
	return 1;
}

/*
 * JSON Lines: the header is the member names of the first line that is a
 * JSON object; lines before it that are none (at most JSON_BEFORE) are
 * kept and returned after it, as bad rows, then that line as a row.
 */
static int
json_next(struct crm_reader *r, struct crm_record *rec, struct crm_err *err)
{
	int got;
	size_t len;

	if (r->jstate == 1) {
		if (r->iagain < r->nagain) {
			struct line l = r->again[r->iagain++];

			json_line(r, rec, l.s, l.len, l.no, 0);
			free(l.s);
			return 1;
		}
		r->jstate = 2;
		json_line(r, rec, r->jfirst.buf, r->jfirst.len, r->jfirst_no,
			0);
		crm_buf_release(&r->jfirst);
		return 1;
	}
	for (;;) {
		got = next_line(r, err);
		if (got < 0)
			return -1;
		if (got == 0) {
			struct line *l = r->again;

			if (r->jstate == 2 || r->iagain == r->nagain)
				return 0;
			/* No line is a JSON object: the first says why. */
			json_line(r, &r->jhead, l->s, l->len, l->no, 1);
			free_lines(r->again + r->iagain, r->nagain - r->iagain);
			r->iagain = r->nagain = 0;
			r->jstate = 2;
			return json_header(r, rec);
		}
		len = chomp(r->conv.buf, r->conv.len);
		if (blank(r->conv.buf, len))
			continue;
		if (r->jstate == 2) {
			json_line(r, rec, r->conv.buf, len, r->lineno, 0);
			return 1;
		}
		json_line(r, &r->jhead, r->conv.buf, len, r->lineno, 1);
		if (!r->jhead.bad || r->jhead.n > CRM_READER_MAX_FIELDS ||
		    r->nagain >= JSON_BEFORE)
			break;
		r->again = crm_xrealloc(r->again,
			(r->nagain + 1) * sizeof(*r->again));
		r->again[r->nagain].s = crm_xmalloc(len + 1);
		memcpy(r->again[r->nagain].s, r->conv.buf, len);
		r->again[r->nagain].s[len] = '\0';
		r->again[r->nagain].len = len;
		r->again[r->nagain].no = r->lineno;
		r->nagain++;
	}
	if (!r->jhead.bad) {
		/* The header, and the same line as the first row after the
		 * lines kept. */
		crm_buf_reset(&r->jfirst);
		crm_buf_add(&r->jfirst, r->conv.buf, len);
		r->jfirst_no = r->lineno;
		r->jstate = 1;
	}
	return json_header(r, rec);
}

/* ---- the next record ---------------------------------------------------- */

int
crm_reader_next(struct crm_reader *r, struct crm_record *rec,
	struct crm_err *err)
{
	int got;

	if (r->mode == M_JSON)
		return json_next(r, rec, err);
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
		got = next_line(r, err);
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
