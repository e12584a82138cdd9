/*
 * fuzz-out - libFuzzer target for the output writers (lib/out.h).
 *
 * Input: byte 0 picks the format (bits 0-1), the header (bit 2) and the
 * vertical table (bit 3); byte 1 the number of columns (1 to 8); byte 2
 * the terminal width; the rest is cells separated by 0x1f, filled into
 * rows.  An empty cell is NULL, "\x01y"/"\x01n" a boolean, a JSON number
 * a number, anything else text (valid UTF-8 without control characters
 * but newline and tab, as the database holds).
 *
 * It reads back what was written: tsv unescaped, csv through libcsv,
 * JSON through a small parser, and compares with the cells; a table must
 * fit the terminal when its columns can, and values that fit (a newline
 * or tab in them shown as a space) are shown whole.
 */
#include <csv.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "out.h"
#include "text.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAXCOLS 8
#define MAXCELLS 256


#define CHECK(cond, ...) do { \
	if (!(cond)) { \
		fprintf(stderr, "fuzz-out: " __VA_ARGS__); \
		fputc('\n', stderr); \
		abort(); \
	} \
} while (0)

struct cell {
	enum crm_cell kind;
	const char *s;		/* NUL-terminated in the input copy */
	size_t len;
};

/* What the test wrote, and what reading it back found. */
struct table {
	const char *const *names;
	size_t ncols, nrows;
	struct cell cells[MAXCELLS];
	/* csv read-back */
	size_t field, row;
	int bad;
};

static const char *const colnames[MAXCOLS] = {
	"id", "name", "a,b", "q\"t", "张三", "tab\there", "x", "back\\slash"
};

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

static int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)? over s[0..len) */
static int
is_json_number(const char *s, size_t len)
{
	const char *e = s + len;

	if (s < e && *s == '-')
		s++;
	if (s < e && *s == '0')
		s++;
	else if (s < e && *s >= '1' && *s <= '9')
		while (s < e && is_digit(*s))
			s++;
	else
		return 0;
	if (s < e && *s == '.') {
		s++;
		if (!(s < e && is_digit(*s)))
			return 0;
		while (s < e && is_digit(*s))
			s++;
	}
	return s == e;
}

/* The text a cell stands for in tsv and csv. */
static const char *
cell_text(const struct cell *c, size_t *len)
{
	if (c->kind == CRM_CELL_NULL) {
		*len = 0;
		return "";
	}
	if (c->kind == CRM_CELL_BOOL) {
		*len = c->s[1] == 'y' ? 3 : 2;
		return c->s[1] == 'y' ? "yes" : "no";
	}
	*len = c->len;
	return c->s;
}

/* ---- tsv -------------------------------------------------------------- */

static void
check_tsv_field(const struct cell *c, const char *f, size_t n)
{
	struct crm_buf b = CRM_BUF_INIT;
	const char *want;
	size_t wlen, i;

	for (i = 0; i < n; i++) {
		if (f[i] != '\\') {
			CHECK(f[i] != '\t' && f[i] != '\r', "tsv: raw control");
			crm_buf_addch(&b, f[i]);
			continue;
		}
		CHECK(i + 1 < n, "tsv: lone backslash");
		i++;
		CHECK(f[i] == 't' || f[i] == 'n' || f[i] == 'r' ||
			f[i] == '\\', "tsv: bad escape \\%c", f[i]);
		crm_buf_addch(&b, f[i] == 't' ? '\t' : f[i] == 'n' ? '\n' :
			f[i] == 'r' ? '\r' : '\\');
	}
	want = cell_text(c, &wlen);
	CHECK(b.len == wlen && !memcmp(b.buf, want, wlen),
		"tsv: '%s' read back as '%s'", want, b.buf);
	crm_buf_release(&b);
}

static void
check_tsv(struct table *t, const char *out, size_t len, int header)
{
	const char *p = out, *end = out + len;
	size_t row = 0, col;
	struct cell name;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));

		CHECK(nl, "tsv: last line without newline");
		for (col = 0; col < t->ncols; col++) {
			const char *tab = memchr(p, '\t', (size_t)(nl - p));
			const char *fe = col + 1 < t->ncols && tab ? tab : nl;

			CHECK(col + 1 == t->ncols || tab,
				"tsv: too few fields");
			if (header && row == 0) {
				name.kind = CRM_CELL_TEXT;
				name.s = t->names[col];
				name.len = strlen(name.s);
				check_tsv_field(&name, p, (size_t)(fe - p));
			} else {
				check_tsv_field(&t->cells[(row - !!header) *
					t->ncols + col], p, (size_t)(fe - p));
			}
			p = fe + 1;
		}
		CHECK(p == nl + 1, "tsv: too many fields");
		row++;
	}
	CHECK(row == t->nrows + !!header, "tsv: %zu lines for %zu rows", row,
		t->nrows);
}

/* ---- csv -------------------------------------------------------------- */

static void
csv_field(void *s, size_t n, void *arg)
{
	struct table *t = arg;
	const char *want;
	size_t wlen;

	if (t->bad)
		return;
	if (t->field >= t->ncols) {
		t->bad = 1;
		return;
	}
	if (t->row == 0) {
		want = t->names[t->field];
		wlen = strlen(want);
	} else {
		if (t->row > t->nrows) {
			t->bad = 2;
			return;
		}
		want = cell_text(&t->cells[(t->row - 1) * t->ncols + t->field],
			&wlen);
	}
	if (n != wlen || (n && memcmp(s, want, n)))
		t->bad = 3;
	t->field++;
}

static void
csv_row(int c, void *arg)
{
	struct table *t = arg;

	(void)c;
	if (t->field != t->ncols && !t->bad)
		t->bad = 4;
	t->field = 0;
	t->row++;
}

static int
no_space(unsigned char c)
{
	(void)c;
	return 0;
}

static void
check_csv(struct table *t, const char *out, size_t len, int header)
{
	struct csv_parser p;

	CHECK(csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) == 0, "csv_init");
	csv_set_space_func(&p, no_space);
	t->field = 0;
	t->row = header ? 0 : 1;
	t->bad = 0;
	CHECK(csv_parse(&p, out, len, csv_field, csv_row, t) == len,
		"csv: libcsv: %s", csv_strerror(csv_error(&p)));
	CHECK(csv_fini(&p, csv_field, csv_row, t) == 0, "csv: fini");
	csv_free(&p);
	CHECK(!t->bad, "csv: read back differs (%d) at row %zu field %zu",
		t->bad, t->row, t->field);
	CHECK(t->row == t->nrows + 1, "csv: %zu rows for %zu", t->row - 1,
		t->nrows);
}

/* ---- json ------------------------------------------------------------- */

/* Parse a JSON string at *p (at the quote) into b; 0 or -1. */
static int
json_string(const char **p, const char *end, struct crm_buf *b)
{
	const char *s = *p;

	if (s >= end || *s != '"')
		return -1;
	for (s++; s < end && *s != '"'; s++) {
		unsigned v = 0;
		int i;

		if ((unsigned char)*s < 0x20)
			return -1;
		if (*s != '\\') {
			crm_buf_addch(b, *s);
			continue;
		}
		if (++s >= end)
			return -1;
		switch (*s) {
		case '"': case '\\': case '/':
			crm_buf_addch(b, *s);
			break;
		case 'n': crm_buf_addch(b, '\n'); break;
		case 'r': crm_buf_addch(b, '\r'); break;
		case 't': crm_buf_addch(b, '\t'); break;
		case 'b': crm_buf_addch(b, '\b'); break;
		case 'f': crm_buf_addch(b, '\f'); break;
		case 'u':
			for (i = 0; i < 4; i++) {
				char c = ++s < end ? *s : 0;

				v = v * 16 + (unsigned)(is_digit(c) ? c - '0' :
					c >= 'a' && c <= 'f' ? c - 'a' + 10 :
					c >= 'A' && c <= 'F' ? c - 'A' + 10 :
					99);
				if (v > 0xffff)
					return -1;
			}
			/* the writer only escapes ASCII */
			if (v >= 0x80)
				return -1;
			crm_buf_addch(b, (int)v);
			break;
		default:
			return -1;
		}
	}
	if (s >= end)
		return -1;
	*p = s + 1;
	return 0;
}

static void
check_json(struct table *t, const char *out, size_t len)
{
	const char *p = out, *end = out + len;
	size_t row = 0, col;
	struct crm_buf b = CRM_BUF_INIT;

	while (p < end) {
		CHECK(*p == '{', "json: no object");
		p++;
		for (col = 0; col < t->ncols; col++) {
			const struct cell *c = &t->cells[row * t->ncols + col];

			CHECK(col == 0 || *p++ == ',', "json: no comma");
			crm_buf_reset(&b);
			CHECK(json_string(&p, end, &b) == 0, "json: bad key");
			CHECK(!strcmp(b.buf, t->names[col]), "json: key '%s'",
				b.buf);
			CHECK(p < end && *p++ == ':', "json: no colon");
			if (c->kind == CRM_CELL_NULL) {
				CHECK(end - p >= 4 && !memcmp(p, "null", 4),
					"json: no null");
				p += 4;
			} else if (c->kind == CRM_CELL_BOOL) {
				const char *w = c->s[1] == 'y' ? "true" :
					"false";

				CHECK((size_t)(end - p) >= strlen(w) &&
					!memcmp(p, w, strlen(w)), "json: bool");
				p += strlen(w);
			} else if (c->kind == CRM_CELL_NUM) {
				CHECK((size_t)(end - p) >= c->len &&
					!memcmp(p, c->s, c->len), "json: num");
				p += c->len;
			} else {
				crm_buf_reset(&b);
				CHECK(json_string(&p, end, &b) == 0,
					"json: bad string");
				CHECK(b.len == c->len && !memcmp(b.buf, c->s,
					c->len), "json: '%s' read back as '%s'",
					c->s, b.buf);
			}
		}
		CHECK(end - p >= 2 && p[0] == '}' && p[1] == '\n',
			"json: object not closed");
		p += 2;
		row++;
	}
	CHECK(row == t->nrows, "json: %zu lines for %zu rows", row, t->nrows);
	crm_buf_release(&b);
}

/* ---- table ------------------------------------------------------------ */

/* Newlines and tabs as spaces, as a table shows them. */
static void
flat(const char *s, size_t n, struct crm_buf *b)
{
	size_t i;

	for (i = 0; i < n; i++)
		crm_buf_addch(b, s[i] == '\n' || s[i] == '\t' ? ' ' : s[i]);
}

static void
check_table(struct table *t, const char *out, size_t len, int header,
	int vertical, size_t width)
{
	const char *p = out, *end = out + len;
	size_t lines = 0, i, total = 0, nat[MAXCOLS] = { 0 };
	struct crm_buf f = CRM_BUF_INIT;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t w;

		CHECK(nl, "table: last line without newline");
		w = crm_text_width(p, (size_t)(nl - p));
		if (!vertical && t->ncols * 8 + 2 * t->ncols <= width)
			CHECK(w <= width, "table: line of %zu columns in %zu",
				w, width);
		p = nl + 1;
		lines++;
	}
	if (vertical)
		CHECK(lines == t->nrows * t->ncols + (t->nrows ?
			t->nrows - 1 : 0), "table: %zu lines", lines);
	else
		CHECK(lines == t->nrows + !!header, "table: %zu lines for "
			"%zu rows", lines, t->nrows);
	if (vertical)
		return;
	/* Values that fit are shown whole. */
	/* Names are flattened as values are ("tab\there" is 8 wide). */
	for (i = 0; i < t->ncols && header; i++) {
		crm_buf_reset(&f);
		flat(t->names[i], strlen(t->names[i]), &f);
		nat[i] = crm_text_width(f.buf, f.len);
	}
	for (i = 0; i < t->nrows * t->ncols; i++) {
		size_t tl, w;
		const char *s = cell_text(&t->cells[i], &tl);

		crm_buf_reset(&f);
		flat(s, tl, &f);
		w = crm_text_width(f.buf, f.len);
		if (w > nat[i % t->ncols])
			nat[i % t->ncols] = w;
	}
	for (i = 0; i < t->ncols; i++)
		total += nat[i] + (i ? 2 : 0);
	if (total <= width)
		for (i = 0; i < t->nrows * t->ncols; i++) {
			size_t tl;
			const char *s = cell_text(&t->cells[i], &tl);

			crm_buf_reset(&f);
			flat(s, tl, &f);
			/* a row's line ends without its trailing spaces */
			while (f.len && f.buf[f.len - 1] == ' ')
				f.len--;
			CHECK(!f.len || memmem(out, len, f.buf, f.len), "table: '%s' "
				"cut though it fits", f.buf);
		}
	crm_buf_release(&f);
}

/* ---- driver ----------------------------------------------------------- */

/* Valid UTF-8 without control characters but newline and tab. */
static int
storable(const char *s, size_t n)
{
	size_t i = 0;
	int cp;

	while (i < n) {
		i += crm_text_next(s + i, n - i, &cp);
		if (cp < 0 || (cp < 0x20 && cp != '\n' && cp != '\t') ||
		    cp == 0x7f || (cp >= 0x80 && cp < 0xa0))
			return 0;
	}
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum crm_fmt fmts[] = { CRM_FMT_TABLE, CRM_FMT_TSV,
		CRM_FMT_CSV, CRM_FMT_JSON };
	struct table t;
	struct crm_out out;
	enum crm_fmt fmt;
	char *in, *p, *buf = NULL, cols[8];
	size_t n = 0, blen = 0, width, i;
	int header, vertical;
	FILE *fp;

	if (size < 3)
		return 0;
	fmt = fmts[data[0] & 3];
	header = !!(data[0] & 4);
	vertical = fmt == CRM_FMT_TABLE && (data[0] & 8);
	memset(&t, 0, sizeof(t));
	t.names = colnames;
	t.ncols = 1 + data[1] % MAXCOLS;
	width = 11 + data[2] % 190;
	in = malloc(size - 2);
	memcpy(in, data + 3, size - 3);
	in[size - 3] = '\0';
	/* cells */
	for (p = in; n < MAXCELLS;) {
		char *sep = memchr(p, 0x1f, (size_t)(in + size - 3 - p));
		size_t len = sep ? (size_t)(sep - p) : strlen(p);
		struct cell *c = &t.cells[n];

		if (sep)
			*sep = '\0';
		c->s = p;
		c->len = strlen(p);	/* a NUL inside ends it */
		if (len != c->len)
			goto out;
		if (!c->len)
			c->kind = CRM_CELL_NULL;
		else if (p[0] == 1 && (p[1] == 'y' || p[1] == 'n') && !p[2])
			c->kind = CRM_CELL_BOOL;
		else if (!storable(p, c->len))
			goto out;
		else if (is_json_number(p, c->len))
			c->kind = CRM_CELL_NUM;
		else
			c->kind = CRM_CELL_TEXT;
		n++;
		if (!sep)
			break;
		p = sep + 1;
	}
	t.nrows = n / t.ncols;
	snprintf(cols, sizeof(cols), "%zu", width);
	setenv("COLUMNS", cols, 1);
	fp = open_memstream(&buf, &blen);
	CHECK(fp, "open_memstream");
	crm_out_begin(&out, fp, fmt, header, t.names, t.ncols);
	out.vertical = vertical;
	for (i = 0; i < t.nrows * t.ncols; i++) {
		const struct cell *c = &t.cells[i];
		size_t tl;
		const char *s = cell_text(c, &tl);

		crm_out_cell(&out, c->kind, s, tl);
		if ((i + 1) % t.ncols == 0)
			crm_out_row(&out);
	}
	CHECK(out.rows == t.nrows, "rows %zu, want %zu", out.rows, t.nrows);
	CHECK(crm_out_end(&out) == 0, "crm_out_end failed");
	fclose(fp);
	switch (fmt) {
	case CRM_FMT_TSV: check_tsv(&t, buf, blen, header); break;
	case CRM_FMT_CSV: check_csv(&t, buf, blen, header); break;
	case CRM_FMT_JSON: check_json(&t, buf, blen); break;
	case CRM_FMT_TABLE:
		check_table(&t, buf, blen, header, vertical, width);
		break;
	}
	free(buf);
out:
	free(in);
	return 0;
}
