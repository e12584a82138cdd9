/*
 * test-out - lib/out.h: table, tsv, csv and JSON Lines writers.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "out.h"
#include "banned.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* A cell of a test table; a NULL text ends a row. */
struct cell {
	enum crm_cell kind;
	const char *text;
};
#define T(s) { CRM_CELL_TEXT, s }
#define N(s) { CRM_CELL_NUM, s }
#define B(s) { CRM_CELL_BOOL, s }
#define Z { CRM_CELL_NULL, "" }
#define EOR { CRM_CELL_NULL, NULL }

/* Write cells (rows ended by EOR, ncells in all) and return the output. */
static char *
render(enum crm_fmt fmt, int header, int vertical, const char *const *names,
	size_t ncols, const struct cell *cells, size_t ncells)
{
	struct crm_out out;
	char *buf = NULL;
	size_t len = 0, i;
	FILE *fp = open_memstream(&buf, &len);

	assert_non_null(fp);
	crm_out_begin(&out, fp, fmt, header, names, ncols);
	out.vertical = vertical;
	for (i = 0; i < ncells; i++) {
		if (!cells[i].text)
			crm_out_row(&out);
		else
			crm_out_cell(&out, cells[i].kind, cells[i].text,
				strlen(cells[i].text));
	}
	assert_int_equal(crm_out_end(&out), 0);
	fclose(fp);
	return buf;
}

static int
setup(void **state)
{
	(void)state;
	unsetenv("COLUMNS");
	unsetenv("CRM_FORMAT");
	return 0;
}

/* Drop the spaces at the end of each line of s (in place). */
static void
rstrip_lines(char *s)
{
	char *w = s, *r;

	for (r = s; *r; r++) {
		if (*r == ' ') {
			char *q = r;

			while (*q == ' ')
				q++;
			if (*q == '\n' || !*q) {
				r = q - 1;
				continue;
			}
		}
		*w++ = *r;
	}
	*w = '\0';
}

/*
 * A case of the writers: the cells (rows ended by EOR) of columns names,
 * written in fmt, with a header line or not, vertically (crm show) or
 * not, on a terminal of columns (0: $COLUMNS unset); expect is the whole
 * output, after rstrip_lines() for a vertical one.  The names and cells
 * are given as NAMES() and CELLS(), which add their counts.
 */
struct render_case {
	const char *what;
	enum crm_fmt fmt;
	int header, vertical;
	const char *columns;
	const char *const *names;
	size_t ncols;
	const struct cell *cells;
	size_t ncells;
	const char *expect;
};

#define NAMES(...) (const char *const[]){ __VA_ARGS__ }, \
	ARRAY_SIZE(((const char *const[]){ __VA_ARGS__ }))
#define CELLS(...) (const struct cell[]){ __VA_ARGS__ }, \
	ARRAY_SIZE(((const struct cell[]){ __VA_ARGS__ }))

#define ARRAY(a) (a), ARRAY_SIZE(a)

/* Cells that two cases write, with a header and without. */
static const struct cell tsv_cells[] = {
	N("1"), T("Ada"), EOR,
	N("2"), T("张三"), EOR,
};
static const struct cell csv_cells[] = {
	T("plain"), T("he said \"hi\""), EOR,
	T("a,b"), T("l1\nl2"), EOR,
	T("cr\rhere"), T("  spaced  "), EOR,
	Z, T(""), EOR,
	N("12.50"), B("yes"), EOR,
};

static const struct render_case render_cases[] = {
	/* ---- tsv ---- */
	{ "tsv header and rows", CRM_FMT_TSV, 1, 0, NULL,
		NAMES("id", "name"),
		ARRAY(tsv_cells),
		"id\tname\n1\tAda\n2\t张三\n" },
	{ "tsv rows without the header", CRM_FMT_TSV, 0, 0, NULL,
		NAMES("id", "name"),
		ARRAY(tsv_cells),
		"1\tAda\n2\t张三\n" },
	/* Tab, newline, carriage return and backslash are escaped. */
	{ "tsv escaping", CRM_FMT_TSV, 1, 0, NULL,
		NAMES("a\tb", "c"),
		CELLS(T("x\ty"), T("l1\nl2\r\\end"), EOR,
			T("\\t is not a tab"), T("a\r\nb"), EOR),
		"a\\tb\tc\n"
		"x\\ty\tl1\\nl2\\r\\\\end\n"
		"\\\\t is not a tab\ta\\r\\nb\n" },
	/* An empty value is an empty field, NULL or ""; so are missing
	 * cells. */
	{ "tsv empty fields", CRM_FMT_TSV, 0, 0, NULL,
		NAMES("a", "b", "c"),
		CELLS(Z, T(""), N("3"), EOR, T("x"), EOR),
		"\t\t3\nx\t\t\n" },
	/* Cells past the last column are ignored. */
	{ "extra cells ignored", CRM_FMT_TSV, 1, 0, NULL,
		NAMES("a"),
		CELLS(T("x"), T("too many"), EOR),
		"a\nx\n" },

	/* ---- csv ---- */
	{ "csv quoting", CRM_FMT_CSV, 1, 0, NULL,
		NAMES("name", "note,x"),
		ARRAY(csv_cells),
		"name,\"note,x\"\n"
		"plain,\"he said \"\"hi\"\"\"\n"
		"\"a,b\",\"l1\nl2\"\n"
		"\"cr\rhere\",  spaced  \n"
		",\n"
		"12.50,yes\n" },
	{ "csv quoting without the header", CRM_FMT_CSV, 0, 0, NULL,
		NAMES("name", "note,x"),
		ARRAY(csv_cells),
		"plain,\"he said \"\"hi\"\"\"\n"
		"\"a,b\",\"l1\nl2\"\n"
		"\"cr\rhere\",  spaced  \n"
		",\n"
		"12.50,yes\n" },
	/* A row of one empty field must still be a row: an empty line is no
	 * record to most CSV readers (libcsv skips it), so it is written
	 * "". */
	{ "csv single empty field", CRM_FMT_CSV, 1, 0, NULL,
		NAMES("city"),
		CELLS(T("Paris"), EOR, Z, EOR, T(""), EOR),
		"city\nParis\n\"\"\n\"\"\n" },

	/* ---- json ---- */
	/* No header line whatever header says. */
	{ "json kinds", CRM_FMT_JSON, 1, 0, NULL,
		NAMES("id", "name", "total", "active", "email"),
		CELLS(N("1"), T("Ada"), N("1234.50"), B("yes"), Z, EOR,
			N("2"), T("张三"), N("0.00"), B("no"),
			T("z@example.com"), EOR),
		"{\"id\":1,\"name\":\"Ada\",\"total\":1234.50,"
		"\"active\":true,\"email\":null}\n"
		"{\"id\":2,\"name\":\"张三\",\"total\":0.00,"
		"\"active\":false,\"email\":\"z@example.com\"}\n" },
	/* Strings are escaped; control characters as \u00XX. */
	{ "json escaping", CRM_FMT_JSON, 1, 0, NULL,
		NAMES("k\"ey"),
		CELLS(T("q\"b\\s/n\nt\tr\rB\bF\f"), EOR,
			T("\x01\x1f\x7f" "end"), EOR),
		"{\"k\\\"ey\":\"q\\\"b\\\\s/n\\nt\\tr\\rB\\bF\\f\"}\n"
		"{\"k\\\"ey\":\"\\u0001\\u001f\x7f" "end\"}\n" },
	/* Missing cells are null; an empty text is "" (not null). */
	{ "json missing cells", CRM_FMT_JSON, 0, 0, NULL,
		NAMES("a", "b", "c"),
		CELLS(T(""), EOR),
		"{\"a\":\"\",\"b\":null,\"c\":null}\n" },

	/* ---- table ---- */
	/* Columns sized by display width (CJK is two columns). */
	{ "table CJK alignment", CRM_FMT_TABLE, 1, 0, NULL,
		NAMES("name", "city"),
		CELLS(T("张三"), T("北京"), EOR, T("Bob"), T("NYC"), EOR),
		"name  city\n"
		"张三  北京\n"
		"Bob   NYC\n" },
	/* Numeric columns are right-aligned; a NULL does not spoil that. */
	{ "table numbers right", CRM_FMT_TABLE, 1, 0, NULL,
		NAMES("id", "name", "total"),
		CELLS(N("1"), T("张三"), N("12.50"), EOR,
			N("10"), T("Ada"), Z, EOR),
		"id  name  total\n"
		" 1  张三  12.50\n"
		"10  Ada\n" },
	/* ...but a column with a text in it is not numeric. */
	{ "table numbers mixed with text", CRM_FMT_TABLE, 1, 0, NULL,
		NAMES("id", "name", "total"),
		CELLS(N("5"), T("x"), N("1"), EOR,
			T("abc"), T("y"), N("2"), EOR),
		"id   name  total\n"
		"5    x         1\n"
		"abc  y         2\n" },
	/* Long values are cut with an ellipsis to fit the terminal width. */
	{ "table cut to width", CRM_FMT_TABLE, 1, 0, "20",
		NAMES("a", "b"),
		CELLS(T("abcdefghijklmnopqrstuvwxyz"), T("x"), EOR),
		"a                  b\n"
		"abcdefghijklmnop\xe2\x80\xa6  x\n" },
	/* Five columns that fit fifteen exactly, separators included, are
	 * not cut, though fifteen is not more than three a column. */
	{ "table fits a narrow width exactly", CRM_FMT_TABLE, 1, 0, "15",
		NAMES("a", "b", "c", "d", "e"),
		CELLS(T("x"), T("y"), T("z"), T("w"), T("#\"q"), EOR),
		"a  b  c  d  e\n"
		"x  y  z  w  #\"q\n" },
	/* A wide character is never split: 17 columns, 8 characters + …. */
	{ "table cut to width, wide", CRM_FMT_TABLE, 0, 0, "20",
		NAMES("a", "b"),
		CELLS(T("张三丰张三丰张三丰张三丰"), T("x"), EOR),
		"张三丰张三丰张三\xe2\x80\xa6  x\n" },
	/* Newlines and tabs in a cell keep the table one line a row; they
	 * are shown as spaces, so the column is as wide as the text with
	 * spaces. */
	{ "table flattens lines", CRM_FMT_TABLE, 0, 0, NULL,
		NAMES("address"),
		CELLS(T("1 Main St\nSpringfield\tUSA"), EOR),
		"1 Main St Springfield USA\n" },
	/* The next column starts where the flattened text ends. */
	{ "table flattens lines, next column", CRM_FMT_TABLE, 0, 0, NULL,
		NAMES("address", "city"),
		CELLS(T("a\tb\nc"), T("X"), EOR, T("xy"), T("Y"), EOR),
		"a b c  X\nxy     Y\n" },
	/* show: one "name value" line per field, a blank line between
	 * records. */
	{ "table vertical", CRM_FMT_TABLE, 1, 1, NULL,
		NAMES("id", "name", "email"),
		CELLS(N("1"), T("Ada"), Z, EOR,
			N("2"), T("张三"), T("z@example.com"), EOR),
		"id     1\n"
		"name   Ada\n"
		"email\n"
		"\n"
		"id     2\n"
		"name   张三\n"
		"email  z@example.com\n" },
};

static void
render_table(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(render_cases); i++) {
		const struct render_case *c = &render_cases[i];
		char *s;

		if (c->columns)
			setenv("COLUMNS", c->columns, 1);
		else
			unsetenv("COLUMNS");
		s = render(c->fmt, c->header, c->vertical, c->names, c->ncols,
			c->cells, c->ncells);
		if (c->vertical)
			rstrip_lines(s);
		if (strcmp(s, c->expect)) {
			print_error("case %zu '%s': got\n%s\nwant\n%s\n", i,
				c->what, s, c->expect);
			free(s);
			unsetenv("COLUMNS");
			fail_msg("case %zu '%s': output differs", i, c->what);
		}
		free(s);
	}
	unsetenv("COLUMNS");
}

static void
json_quote_function(void **state)
{
	struct crm_buf b = CRM_BUF_INIT;

	(void)state;
	crm_buf_adds(&b, "x=");
	crm_json_quote(&b, "a\0b\"", 4);	/* len, not NUL, ends it */
	assert_string_equal(b.buf, "x=\"a\\u0000b\\\"\"");
	crm_buf_reset(&b);
	crm_json_quote(&b, "", 0);
	assert_string_equal(b.buf, "\"\"");
	crm_buf_reset(&b);
	crm_json_quote(&b, "\x1b[0m", 4);
	assert_string_equal(b.buf, "\"\\u001b[0m\"");
	crm_buf_release(&b);
}

/* JSON is UTF-8: valid text is written as it is, a byte that is not
 * UTF-8 as U+FFFD, so that a reader never meets invalid UTF-8. */
static void
json_quote_invalid_utf8(void **state)
{
	struct crm_buf b = CRM_BUF_INIT;

	(void)state;
	crm_json_quote(&b, "\xe5\xbc\xa0\xe4\xb8\x89", 6);	/* 张三 */
	assert_string_equal(b.buf, "\"\xe5\xbc\xa0\xe4\xb8\x89\"");
	crm_buf_reset(&b);
	crm_json_quote(&b, "a\xff.csv", 6);
	assert_string_equal(b.buf, "\"a\xef\xbf\xbd.csv\"");
	crm_buf_reset(&b);
	crm_json_quote(&b, "\xe5\xbc\"", 3);	/* cut short, then a quote */
	assert_string_equal(b.buf, "\"\xef\xbf\xbd\xef\xbf\xbd\\\"\"");
	crm_buf_reset(&b);
	crm_json_quote(&b, "\xe5\xbc\xa0", 2);	/* len ends it mid-character */
	assert_string_equal(b.buf, "\"\xef\xbf\xbd\xef\xbf\xbd\"");
	crm_buf_release(&b);
}

/* ---- streaming and errors --------------------------------------------- */

/* Machine formats write each row when it ends; table waits for the end. */
static void
rows_stream(void **state)
{
	static const char *const names[] = { "a" };
	static const enum crm_fmt fmts[] = { CRM_FMT_TSV, CRM_FMT_CSV,
		CRM_FMT_JSON, CRM_FMT_TABLE };
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(fmts); i++) {
		struct crm_out out;
		char *buf = NULL;
		size_t len = 0, before;
		FILE *fp = open_memstream(&buf, &len);

		crm_out_begin(&out, fp, fmts[i], 0, names, 1);
		crm_out_cell(&out, CRM_CELL_TEXT, "row1", 4);
		fflush(fp);
		before = len;
		crm_out_row(&out);
		fflush(fp);
		if (fmts[i] == CRM_FMT_TABLE)
			assert_int_equal(len, before);
		else if (len == before)
			fail_msg("format %d: row not written when it ended",
				(int)fmts[i]);
		assert_int_equal(out.rows, 1);
		assert_int_equal(crm_out_end(&out), 0);
		fclose(fp);
		assert_non_null(strstr(buf, "row1"));
		free(buf);
	}
}

/*
 * A failed write sets failed; crm_out_end returns -1 with errno: a
 * failure found at once (unbuffered, the header line), or only at the
 * final flush.
 */
static void
write_failures_reported(void **state)
{
	static const char *const names[] = { "a" };
	static const struct {
		const char *what;
		enum crm_fmt fmt;
		int unbuffered;		/* and so failed from the header on */
		int rows;
	} cases[] = {
		{ "tsv, unbuffered", CRM_FMT_TSV, 1, 3 },
		{ "csv, at the final flush", CRM_FMT_CSV, 0, 1 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct crm_out out;
		FILE *fp = fopen("/dev/full", "w");
		int r;

		assert_non_null(fp);
		if (cases[i].unbuffered)
			setvbuf(fp, NULL, _IONBF, 0);
		crm_out_begin(&out, fp, cases[i].fmt, 1, names, 1);
		if (cases[i].unbuffered && out.failed != 1)
			fail_msg("case '%s': failed is %d after the header",
				cases[i].what, out.failed);
		for (r = 0; r < cases[i].rows; r++) {
			crm_out_cell(&out, CRM_CELL_TEXT, "x", 1);
			crm_out_row(&out);
		}
		errno = 0;
		r = crm_out_end(&out);
		if (r != -1 || errno != ENOSPC)
			fail_msg("case '%s': crm_out_end gave %d, errno %d",
				cases[i].what, r, errno);
		fclose(fp);
	}
}

/* ---- times and encodings ---------------------------------------------- */

/* A time is local (TZ) in a table only; anything else is kept as it is. */
static void
time_cells(void **state)
{
	static const char *const names[] = { "at" };
	static const struct cell cells[] = {
		{ CRM_CELL_TIME, "2026-01-02T20:04:05Z" }, EOR,
		{ CRM_CELL_TIME, "not a time" }, EOR,
	};
	char *s;

	(void)state;
	setenv("TZ", "Asia/Shanghai", 1);
	s = render(CRM_FMT_TABLE, 1, 0, names, 1, cells, ARRAY_SIZE(cells));
	assert_string_equal(s, "at\n2026-01-03 04:04:05\nnot a time\n");
	free(s);
	s = render(CRM_FMT_TSV, 1, 0, names, 1, cells, ARRAY_SIZE(cells));
	assert_string_equal(s, "at\n2026-01-02T20:04:05Z\nnot a time\n");
	free(s);
	s = render(CRM_FMT_JSON, 1, 0, names, 1, cells, 2);
	assert_string_equal(s, "{\"at\":\"2026-01-02T20:04:05Z\"}\n");
	free(s);
	unsetenv("TZ");
}

/* Write one csv row of text in an encoding; the bytes and their number. */
static int
render_enc(const char *encoding, int bom, const char *text, char **buf,
	size_t *len, struct crm_err *err)
{
	static const char *const names[] = { "name" };
	struct crm_out out;
	FILE *fp = open_memstream(buf, len);
	int ret;

	assert_non_null(fp);
	if (crm_out_begin_enc(&out, fp, CRM_FMT_CSV, 1, names, 1, encoding,
	    bom, err) < 0) {
		fclose(fp);
		return -2;
	}
	crm_out_cell(&out, CRM_CELL_TEXT, text, strlen(text));
	crm_out_row(&out);
	ret = crm_out_end(&out);
	fclose(fp);
	return ret;
}

static void
encodings(void **state)
{
	struct crm_err err = CRM_ERR_INIT;
	char *buf = NULL;
	size_t len = 0;

	(void)state;
	/* 张伟 in GB18030: D5C5 CEB0. */
	assert_int_equal(render_enc("GB18030", 0, "\xe5\xbc\xa0\xe4\xbc\x9f",
		&buf, &len, &err), 0);
	assert_int_equal(len, 10);
	assert_memory_equal(buf, "name\n\xd5\xc5\xce\xb0\n", 10);
	free(buf);
	/* A UTF-8 mark first, when asked. */
	assert_int_equal(render_enc(NULL, 1, "a", &buf, &len, &err), 0);
	assert_int_equal(len, 10);
	assert_memory_equal(buf, "\xef\xbb\xbfname\na\n", 10);
	free(buf);
	/* The mark in the encoding written: U+FEFF in GB18030. */
	assert_int_equal(render_enc("gb18030", 1, "a", &buf, &len, &err), 0);
	assert_int_equal(len, 11);
	assert_memory_equal(buf, "\x84\x31\x95\x33name\na\n", 11);
	free(buf);
	/* Latin-1 as people write it. */
	assert_int_equal(render_enc("Latin-1", 0, "caf\xc3\xa9", &buf, &len,
		&err), 0);
	assert_int_equal(len, 10);
	assert_memory_equal(buf, "name\ncaf\xe9\n", 10);
	free(buf);
	/* A character Latin-1 has no place for fails the writer: EILSEQ. */
	assert_int_equal(render_enc("LATIN1", 0, "\xe5\xbc\xa0", &buf, &len,
		&err), -1);
	assert_int_equal(errno, EILSEQ);
	assert_int_equal(len, 5);		/* the header only */
	free(buf);
	/* An unknown name is a usage error. */
	assert_int_equal(render_enc("NO-SUCH-CODE", 0, "a", &buf, &len,
		&err), -2);
	free(buf);
	assert_int_equal(err.code, CRM_EX_USAGE);
	assert_non_null(strstr(err.msg.buf, "'NO-SUCH-CODE'"));
	crm_err_release(&err);
}

/* ---- choosing a format ------------------------------------------------ */

static void
parse_format_names(void **state)
{
	static const struct {
		const char *name;
		enum crm_fmt fmt;
	} ok[] = {
		{ "table", CRM_FMT_TABLE }, { "tsv", CRM_FMT_TSV },
		{ "csv", CRM_FMT_CSV }, { "json", CRM_FMT_JSON },
	};
	struct crm_err err = CRM_ERR_INIT;
	enum crm_fmt fmt;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(ok); i++) {
		fmt = (enum crm_fmt)-1;
		assert_int_equal(crm_out_parse_format(ok[i].name, &fmt, &err),
			0);
		assert_int_equal(fmt, ok[i].fmt);
	}
	assert_int_equal(crm_out_parse_format("xml", &fmt, &err), -1);
	assert_int_equal(err.code, CRM_EX_USAGE);
	assert_non_null(strstr(err.msg.buf, "'xml'"));
	crm_err_clear(&err);
	assert_int_equal(crm_out_parse_format("", &fmt, &err), -1);
	crm_err_release(&err);
}

/* $CRM_FORMAT wins; a bad value is an error; else tsv off a terminal. */
static void
default_format(void **state)
{
	struct crm_err err = CRM_ERR_INIT;
	enum crm_fmt fmt;
	FILE *fp = tmpfile();

	(void)state;
	assert_non_null(fp);
	unsetenv("CRM_FORMAT");
	assert_int_equal(crm_out_default_format(fp, &fmt, &err), 0);
	assert_int_equal(fmt, CRM_FMT_TSV);
	setenv("CRM_FORMAT", "json", 1);
	assert_int_equal(crm_out_default_format(fp, &fmt, &err), 0);
	assert_int_equal(fmt, CRM_FMT_JSON);
	setenv("CRM_FORMAT", "yaml", 1);
	assert_int_equal(crm_out_default_format(fp, &fmt, &err), -1);
	assert_int_equal(err.code, CRM_EX_USAGE);
	unsetenv("CRM_FORMAT");
	fclose(fp);
	crm_err_release(&err);
}

/* ...and table on a terminal. */
static void
default_format_terminal(void **state)
{
	struct crm_err err = CRM_ERR_INIT;
	enum crm_fmt fmt = CRM_FMT_TSV;
	const char *name;
	FILE *fp;
	int m;

	(void)state;
	m = posix_openpt(O_RDWR | O_NOCTTY);
	assert_true(m >= 0);
	assert_int_equal(grantpt(m), 0);
	assert_int_equal(unlockpt(m), 0);
	name = ptsname(m);
	assert_non_null(name);
	fp = fopen(name, "w");
	assert_non_null(fp);
	unsetenv("CRM_FORMAT");
	assert_int_equal(crm_out_default_format(fp, &fmt, &err), 0);
	assert_int_equal(fmt, CRM_FMT_TABLE);
	fclose(fp);
	close(m);
}

int
main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(render_table),
		cmocka_unit_test(json_quote_function),
		cmocka_unit_test(json_quote_invalid_utf8),
		cmocka_unit_test(rows_stream),
		cmocka_unit_test(write_failures_reported),
		cmocka_unit_test(parse_format_names),
		cmocka_unit_test(default_format),
		cmocka_unit_test(default_format_terminal),
		cmocka_unit_test(time_cells),
		cmocka_unit_test(encodings),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
