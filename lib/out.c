#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "out.h"
#include "text.h"
#include "banned.h"

int
crm_out_parse_format(const char *name, enum crm_fmt *fmt, struct crm_err *err)
{
	static const char *const names[] = { "table", "tsv", "csv", "json" };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(name, names[i])) {
			*fmt = (enum crm_fmt)i;
			return 0;
		}
	return crm_err_set(err, CRM_EX_USAGE,
		"unknown format '%s': expected table, tsv, csv or json", name);
}

int
crm_out_default_format(FILE *fp, enum crm_fmt *fmt, struct crm_err *err)
{
	const char *s = getenv("CRM_FORMAT");

	if (s && *s)
		return crm_out_parse_format(s, fmt, err);
	*fmt = isatty(fileno(fp)) ? CRM_FMT_TABLE : CRM_FMT_TSV;
	return 0;
}

/* The width a table fits: $COLUMNS, else the terminal's, else 80. */
static int
term_width(FILE *fp)
{
	struct winsize ws;
	const char *s = getenv("COLUMNS");
	long v;
	char *end;

	if (s && *s) {
		v = strtol(s, &end, 10);
		if (!*end && v > 10 && v < 10000)
			return (int)v;
	}
	if (ioctl(fileno(fp), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	return 80;
}

int crm_out_errno;

/* ---- encodings ---------------------------------------------------------- */

struct crm_enc {
	iconv_t cd;		/* from UTF-8; (iconv_t)-1 to keep UTF-8 */
	char *name;
	int bom;		/* a byte-order mark is still to be written */
	struct crm_buf buf;	/* the bytes converted */
};

static struct crm_enc *stdout_enc;	/* crm_out_encoding() */
static char errmsg[160];		/* the last character not written */
static int stdout_unwritable;		/* ... and it was on stdout */

static int
is_utf8(const char *name)
{
	return !strcasecmp(name, "UTF-8") || !strcasecmp(name, "UTF8");
}

/* Does iconv begin this encoding with a byte-order mark of its own?
 * UTF-16 and UTF-32 do; their LE and BE forms do not. */
static int
own_mark(const char *name)
{
	static const char *const own[] = {
		"UTF-16", "UTF16", "UTF-32", "UTF32"
	};
	size_t i;

	for (i = 0; i < sizeof(own) / sizeof(own[0]); i++)
		if (!strcasecmp(name, own[i]))
			return 1;
	return 0;
}

/* The encoding name (NULL: UTF-8), with a mark to write first when bom
 * is set; NULL with err set when iconv does not know it. */
static struct crm_enc *
enc_open(const char *name, int bom, struct crm_err *err)
{
	struct crm_enc *e;
	char bare[64];
	iconv_t cd = (iconv_t)-1;
	size_t i, n = 0;

	if (name && !is_utf8(name)) {
		cd = iconv_open(name, "UTF-8");
		if (cd == (iconv_t)-1 && strlen(name) < sizeof(bare)) {
			/* "Latin-1", "ISO_8859-1": iconv knows LATIN1. */
			for (i = 0; name[i]; i++)
				if (name[i] != '-' && name[i] != '_')
					bare[n++] = name[i];
			bare[n] = '\0';
			if (n)
				cd = iconv_open(bare, "UTF-8");
		}
		if (cd == (iconv_t)-1) {
			crm_err_set(err, CRM_EX_USAGE, "unknown encoding "
				"'%s': expected a name of 'iconv -l' (GB18030, "
				"GBK, LATIN1, UTF-16...)", name);
			return NULL;
		}
	}
	e = crm_xcalloc(1, sizeof(*e));
	e->cd = cd;
	e->name = crm_strdup(name ? name : "UTF-8");
	e->bom = bom && !(name && own_mark(name));
	crm_buf_init(&e->buf);
	return e;
}

static void
enc_close(struct crm_enc *e)
{
	if (!e)
		return;
	if (e->cd != (iconv_t)-1)
		iconv_close(e->cd);
	free(e->name);
	crm_buf_release(&e->buf);
	free(e);
}

/* Say which character at s could not be written in e. */
static void
enc_failed(const struct crm_enc *e, const char *s, size_t len)
{
	int cp;
	size_t n = crm_text_next(s, len, &cp);

	if (cp < 0)
		snprintf(errmsg, sizeof(errmsg), "cannot write byte 0x%02x "
			"in %s: it is not UTF-8 text", (unsigned char)*s,
			e->name);
	else
		snprintf(errmsg, sizeof(errmsg), "cannot write '%.*s' "
			"(U+%04X) in %s: the encoding has no such character",
			(int)n, s, (unsigned)cp, e->name);
}

/* Convert len bytes of s into e->buf; -1 with errno EILSEQ when a
 * character has no place in the encoding. */
static int
enc_convert(struct crm_enc *e, const char *s, size_t len)
{
	static const char bom[] = "\xef\xbb\xbf";
	char chunk[1024], *in, *o;
	size_t il, ol;

	crm_buf_reset(&e->buf);
	if (e->bom) {
		e->bom = 0;
		if (enc_convert(e, bom, 3) < 0)
			return -1;
	}
	if (e->cd == (iconv_t)-1) {
		crm_buf_add(&e->buf, s, len);
		return 0;
	}
	in = (char *)s;
	il = len;
	while (il) {
		o = chunk;
		ol = sizeof(chunk);
		if (iconv(e->cd, &in, &il, &o, &ol) == (size_t)-1 &&
		    errno != E2BIG) {
			crm_buf_add(&e->buf, chunk, (size_t)(o - chunk));
			enc_failed(e, in, il);
			errno = EILSEQ;
			return -1;
		}
		crm_buf_add(&e->buf, chunk, (size_t)(o - chunk));
	}
	return 0;
}

int
crm_out_encoding(const char *encoding, int bom, struct crm_err *err)
{
	enc_close(stdout_enc);
	stdout_enc = NULL;
	if (!encoding && !bom)
		return 0;
	stdout_enc = enc_open(encoding, bom, err);
	return stdout_enc ? 0 : -1;
}

const char *
crm_out_errmsg(void)
{
	return stdout_unwritable ? errmsg : "";
}

/* Write len bytes of UTF-8 to fp in e (NULL: as they are); -1 with errno
 * set when that fails. */
static int
put(FILE *fp, struct crm_enc *e, const char *s, size_t len)
{
	if (e) {
		if (enc_convert(e, s, len) < 0)
			return -1;
		s = e->buf.buf;
		len = e->buf.len;
	}
	if (len && fwrite(s, 1, len, fp) != len)
		return -1;
	return 0;
}

int
crm_out_text(const char *text, size_t len)
{
	if (put(stdout, stdout_enc, text, len) < 0) {
		crm_out_errno = errno;
		stdout_unwritable = errno == EILSEQ;
		return -1;
	}
	return 0;
}

static void
flush_line(struct crm_out *out)
{
	if (!out->failed && out->line.len &&
	    put(out->fp, out->enc, out->line.buf, out->line.len) < 0) {
		out->failed = 1;
		out->err_no = crm_out_errno = errno;
		if (errno == EILSEQ && out->fp == stdout)
			stdout_unwritable = 1;
	}
	crm_buf_reset(&out->line);
}

void
crm_json_quote(struct crm_buf *b, const char *s, size_t len)
{
	size_t i, run = 0;

	crm_buf_addch(b, '"');
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		const char *esc = NULL;

		switch (c) {
		case '"': esc = "\\\""; break;
		case '\\': esc = "\\\\"; break;
		case '\n': esc = "\\n"; break;
		case '\r': esc = "\\r"; break;
		case '\t': esc = "\\t"; break;
		case '\b': esc = "\\b"; break;
		case '\f': esc = "\\f"; break;
		}
		if (!esc && c >= 0x80) {
			int cp;
			size_t n = crm_text_next(s + i, len - i, &cp);

			if (cp >= 0) {
				i += n - 1;
				continue;
			}
			esc = "\xef\xbf\xbd";	/* U+FFFD: JSON is UTF-8 */
		}
		if (!esc && c >= 0x20)
			continue;
		crm_buf_add(b, s + run, i - run);
		run = i + 1;
		if (esc)
			crm_buf_adds(b, esc);
		else
			crm_buf_addf(b, "\\u%04x", c);
	}
	crm_buf_add(b, s + run, len - run);
	crm_buf_addch(b, '"');
}

static void
tsv_escape(struct crm_buf *b, const char *s, size_t len)
{
	size_t i, run = 0;

	for (i = 0; i < len; i++) {
		const char *esc;

		switch (s[i]) {
		case '\t': esc = "\\t"; break;
		case '\n': esc = "\\n"; break;
		case '\r': esc = "\\r"; break;
		case '\\': esc = "\\\\"; break;
		default: continue;
		}
		crm_buf_add(b, s + run, i - run);
		crm_buf_adds(b, esc);
		run = i + 1;
	}
	crm_buf_add(b, s + run, len - run);
}

static void
csv_escape(struct crm_buf *b, const char *s, size_t len)
{
	size_t i;

	if (!memchr(s, ',', len) && !memchr(s, '"', len) &&
	    !memchr(s, '\n', len) && !memchr(s, '\r', len)) {
		crm_buf_add(b, s, len);
		return;
	}
	crm_buf_addch(b, '"');
	for (i = 0; i < len; i++) {
		if (s[i] == '"')
			crm_buf_addch(b, '"');
		crm_buf_addch(b, s[i]);
	}
	crm_buf_addch(b, '"');
}

/* A stored UTC time as local time (TZ), "YYYY-MM-DD HH:MM:SS", into b;
 * -1 when text is no such time (it is then shown as it is). */
static int
local_time(const char *text, size_t len, struct crm_buf *b)
{
	struct tm tm;
	char s[32], *end;
	time_t t;

	if (len != 20 || text[10] != 'T' || text[19] != 'Z')
		return -1;
	memcpy(s, text, len);
	s[len] = '\0';
	memset(&tm, 0, sizeof(tm));
	end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (!end || *end)
		return -1;
	t = timegm(&tm);
	if (!localtime_r(&t, &tm) ||
	    !strftime(s, sizeof(s), "%Y-%m-%d %H:%M:%S", &tm))
		return -1;
	crm_buf_adds(b, s);
	return 0;
}

static void
keep_cell(struct crm_out *out, enum crm_cell kind, const char *text,
	size_t len)
{
	if (out->ncells == out->acells) {
		out->acells = out->acells ? out->acells * 2 : 64;
		out->offs = crm_xrealloc(out->offs,
			out->acells * sizeof(*out->offs));
		out->kinds = crm_xrealloc(out->kinds, out->acells);
	}
	out->offs[out->ncells] = out->cells.len;
	out->kinds[out->ncells] = (unsigned char)kind;
	out->ncells++;
	crm_buf_add(&out->cells, text, len);
	crm_buf_addch(&out->cells, '\0');
}

static void
begin(struct crm_out *out, FILE *fp, enum crm_fmt fmt, int header,
	const char *const *names, size_t ncols, struct crm_enc *enc, int own)
{
	size_t i;

	memset(out, 0, sizeof(*out));
	out->fp = fp;
	out->enc = enc;
	out->own_enc = own;
	out->fmt = fmt;
	out->header = header;
	out->ncols = ncols;
	out->names = crm_xcalloc(ncols, sizeof(*out->names));
	for (i = 0; i < ncols; i++)
		out->names[i] = crm_strdup(names[i]);
	crm_buf_init(&out->line);
	crm_buf_init(&out->cells);
	if (fmt == CRM_FMT_TABLE) {
		out->width = term_width(fp);
		return;
	}
	if (!header || fmt == CRM_FMT_JSON)
		return;
	for (i = 0; i < ncols; i++) {
		if (i)
			crm_buf_addch(&out->line, fmt == CRM_FMT_CSV ? ',' : '\t');
		if (fmt == CRM_FMT_CSV)
			csv_escape(&out->line, names[i], strlen(names[i]));
		else
			tsv_escape(&out->line, names[i], strlen(names[i]));
	}
	crm_buf_addch(&out->line, '\n');
	flush_line(out);
}

void
crm_out_begin(struct crm_out *out, FILE *fp, enum crm_fmt fmt, int header,
	const char *const *names, size_t ncols)
{
	begin(out, fp, fmt, header, names, ncols,
		fp == stdout ? stdout_enc : NULL, 0);
}

int
crm_out_begin_enc(struct crm_out *out, FILE *fp, enum crm_fmt fmt,
	int header, const char *const *names, size_t ncols,
	const char *encoding, int bom, struct crm_err *err)
{
	struct crm_enc *e = NULL;

	if ((encoding || bom) && !(e = enc_open(encoding, bom, err)))
		return -1;
	begin(out, fp, fmt, header, names, ncols, e, e != NULL);
	return 0;
}

void
crm_out_cell(struct crm_out *out, enum crm_cell kind, const char *text,
	size_t len)
{
	struct crm_buf *b = &out->line;

	if (out->col >= out->ncols)
		return;
	if (kind == CRM_CELL_NULL) {
		text = "";
		len = 0;
	}
	switch (out->fmt) {
	case CRM_FMT_TABLE:
		if (kind == CRM_CELL_TIME) {
			struct crm_buf t = CRM_BUF_INIT;

			if (local_time(text, len, &t) == 0)
				keep_cell(out, kind, t.buf, t.len);
			else
				keep_cell(out, kind, text, len);
			crm_buf_release(&t);
			break;
		}
		keep_cell(out, kind, text, len);
		break;
	case CRM_FMT_TSV:
		if (out->col)
			crm_buf_addch(b, '\t');
		tsv_escape(b, text, len);
		break;
	case CRM_FMT_CSV:
		if (out->col)
			crm_buf_addch(b, ',');
		/* A record of one empty field would be a blank line, which
		 * readers skip: quote it. */
		if (out->ncols == 1 && !len)
			crm_buf_adds(b, "\"\"");
		else
			csv_escape(b, text, len);
		break;
	case CRM_FMT_JSON:
		crm_buf_adds(b, out->col ? "," : "{");
		crm_json_quote(b, out->names[out->col],
			strlen(out->names[out->col]));
		crm_buf_addch(b, ':');
		if (kind == CRM_CELL_NULL)
			crm_buf_adds(b, "null");
		else if (kind == CRM_CELL_NUM)
			crm_buf_add(b, text, len);
		else if (kind == CRM_CELL_JSON)
			crm_buf_add(b, text, len);
		else if (kind == CRM_CELL_BOOL)
			crm_buf_adds(b, len && (text[0] == 'y' ||
				text[0] == '1' || text[0] == 't') ?
				"true" : "false");
		else
			crm_json_quote(b, text, len);
		break;
	}
	out->col++;
}

void
crm_out_row(struct crm_out *out)
{
	if (out->end_row && out->col < out->ncols)
		out->end_row(out, out->end_row_arg);
	while (out->col < out->ncols)
		crm_out_cell(out, CRM_CELL_NULL, NULL, 0);
	out->col = 0;
	out->rows++;
	if (out->fmt == CRM_FMT_TABLE)
		return;
	if (out->fmt == CRM_FMT_JSON)
		crm_buf_adds(&out->line, out->ncols ? "}\n" : "{}\n");
	else
		crm_buf_addch(&out->line, '\n');
	flush_line(out);
}

/* Table cells: one line each; newlines and tabs shown as spaces. */
static void
flat(const char *s, struct crm_buf *b)
{
	for (; *s; s++)
		crm_buf_addch(b, *s == '\n' || *s == '\t' || *s == '\r' ?
			' ' : *s);
}

/* The width of s as fit() prints it: flattened (tmp is scratch). */
static size_t
flat_width(const char *s, struct crm_buf *tmp)
{
	crm_buf_reset(tmp);
	flat(s, tmp);
	return crm_text_width(tmp->buf, tmp->len);
}

static void
pad(struct crm_buf *b, size_t n)
{
	while (n--)
		crm_buf_addch(b, ' ');
}

/* Write s in exactly w columns: cut with an ellipsis, padded. */
static void
fit(struct crm_buf *b, const char *s, size_t w, int right, int last)
{
	struct crm_buf t = CRM_BUF_INIT;
	size_t sw;

	flat(s, &t);
	sw = crm_text_width(t.buf, t.len);
	if (sw > w) {
		sw = crm_text_cut(t.buf, t.len, w ? w - 1 : 0, b);
		if (w) {
			crm_buf_adds(b, "\xe2\x80\xa6");	/* … */
			sw++;
		}
		if (!last)
			pad(b, w - sw);
	} else {
		if (right)
			pad(b, w - sw);
		crm_buf_add(b, t.buf, t.len);
		if (!right && !last)
			pad(b, w - sw);
	}
	crm_buf_release(&t);
}

/* show: one "name  value" line per field; a value is never cut. */
static void
table_vertical(struct crm_out *out)
{
	struct crm_buf tmp = CRM_BUF_INIT;
	size_t i, r, nw = 0;

	for (i = 0; i < out->ncols; i++) {
		size_t w = flat_width(out->names[i], &tmp);

		if (w > nw)
			nw = w;
	}
	for (r = 0; r < out->rows; r++) {
		if (r)
			crm_buf_addch(&out->line, '\n');
		for (i = 0; i < out->ncols; i++) {
			size_t c = r * out->ncols + i;

			fit(&out->line, out->names[i], nw, 0, 0);
			crm_buf_adds(&out->line, "  ");
			crm_buf_reset(&tmp);
			flat(out->cells.buf + out->offs[c], &tmp);
			crm_buf_add(&out->line, tmp.buf, tmp.len);
			crm_buf_addch(&out->line, '\n');
			flush_line(out);
		}
	}
	crm_buf_release(&tmp);
}

/* A line of more columns than even one each fits: cut at the width. */
static void
clip(struct crm_out *out, struct crm_buf *tmp)
{
	size_t w = (size_t)out->width;

	if (crm_text_width(out->line.buf, out->line.len) <= w)
		return;
	crm_buf_reset(tmp);
	crm_text_cut(out->line.buf, out->line.len, w - 1, tmp);
	crm_buf_adds(tmp, "\xe2\x80\xa6");	/* … */
	crm_buf_reset(&out->line);
	crm_buf_add(&out->line, tmp->buf, tmp->len);
}

static void
table_rows(struct crm_out *out)
{
	struct crm_buf tmp = CRM_BUF_INIT;
	size_t *w, *nat, i, r, total, avail, floor;
	int *right;

	w = crm_xcalloc(out->ncols, sizeof(*w));
	nat = crm_xcalloc(out->ncols, sizeof(*nat));
	right = crm_xcalloc(out->ncols, sizeof(*right));
	for (i = 0; i < out->ncols; i++) {
		nat[i] = out->header ? flat_width(out->names[i], &tmp) : 0;
		right[i] = out->rows > 0;
	}
	for (r = 0; r < out->rows; r++)
		for (i = 0; i < out->ncols; i++) {
			size_t c = r * out->ncols + i;
			const char *s = out->cells.buf + out->offs[c];
			size_t cw = flat_width(s, &tmp);

			if (cw > nat[i])
				nat[i] = cw;
			if (out->kinds[c] != CRM_CELL_NUM &&
			    out->kinds[c] != CRM_CELL_NULL)
				right[i] = 0;
		}
	/* Shrink the widest columns until the row fits the terminal: to 6
	 * columns each first, then, when that is not enough, to 1. */
	avail = (size_t)out->width + 2 >= 3 * out->ncols ?
		(size_t)out->width - 2 * (out->ncols - 1) : out->ncols;
	for (floor = 6; ; ) {
		size_t widest = 0, wi = 0;

		total = 0;
		for (i = 0; i < out->ncols; i++) {
			w[i] = nat[i];
			total += nat[i];
			if (nat[i] > widest) {
				widest = nat[i];
				wi = i;
			}
		}
		if (total <= avail)
			break;
		if (widest <= floor) {
			if (floor == 1)
				break;
			floor = 1;
			continue;
		}
		nat[wi]--;
	}
	if (out->header) {
		for (i = 0; i < out->ncols; i++) {
			if (i)
				crm_buf_adds(&out->line, "  ");
			fit(&out->line, out->names[i], w[i], right[i],
				i + 1 == out->ncols);
		}
		clip(out, &tmp);
		crm_buf_addch(&out->line, '\n');
		flush_line(out);
	}
	for (r = 0; r < out->rows && !out->failed; r++) {
		for (i = 0; i < out->ncols; i++) {
			size_t c = r * out->ncols + i;

			if (i)
				crm_buf_adds(&out->line, "  ");
			fit(&out->line, out->cells.buf + out->offs[c], w[i],
				right[i] && out->kinds[c] == CRM_CELL_NUM,
				i + 1 == out->ncols);
		}
		while (out->line.len && out->line.buf[out->line.len - 1] == ' ')
			crm_buf_setlen(&out->line, out->line.len - 1);
		clip(out, &tmp);
		crm_buf_addch(&out->line, '\n');
		flush_line(out);
	}
	free(w);
	free(nat);
	free(right);
	crm_buf_release(&tmp);
}

int
crm_out_end(struct crm_out *out)
{
	size_t i;
	int ret;

	if (out->fmt == CRM_FMT_TABLE) {
		if (out->vertical)
			table_vertical(out);
		else
			table_rows(out);
	}
	if (!out->failed && fflush(out->fp) == EOF) {
		out->failed = 1;
		out->err_no = crm_out_errno = errno;
	}
	ret = out->failed ? -1 : 0;
	if (out->failed)
		errno = out->err_no;
	for (i = 0; i < out->ncols; i++)
		free(out->names[i]);
	free(out->names);
	free(out->offs);
	free(out->kinds);
	crm_buf_release(&out->line);
	crm_buf_release(&out->cells);
	if (out->own_enc)
		enc_close(out->enc);
	out->enc = NULL;
	out->names = NULL;
	out->offs = NULL;
	out->kinds = NULL;
	return ret;
}
