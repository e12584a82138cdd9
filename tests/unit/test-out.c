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

#define RENDER(fmt, header, names, cells) render(fmt, header, 0, names, \
	ARRAY_SIZE(names), cells, ARRAY_SIZE(cells))

static int
setup(void **state)
{
	(void)state;
	unsetenv("COLUMNS");
	unsetenv("CRM_FORMAT");
	return 0;
}

/* ---- tsv ------------------------------------------------------------- */

static void
tsv_header_and_rows(void **state)
{
	static const char *const names[] = { "id", "name" };
	static const struct cell cells[] = {
		N("1"), T("Ada"), EOR,
		N("2"), T("张三"), EOR,
	};
	char *s;

	(void)state;
	s = RENDER(CRM_FMT_TSV, 1, names, cells);
	assert_string_equal(s, "id\tname\n1\tAda\n2\t张三\n");
	free(s);
	s = RENDER(CRM_FMT_TSV, 0, names, cells);
	assert_string_equal(s, "1\tAda\n2\t张三\n");
	free(s);
}

/* Tab, newline, carriage return and backslash are escaped. */
static void
tsv_escaping(void **state)
{
	static const char *const names[] = { "a\tb", "c" };
	static const struct cell cells[] = {
		T("x\ty"), T("l1\nl2\r\\end"), EOR,
		T("\\t is not a tab"), T("a\r\nb"), EOR,
	};
	char *s;

	(void)state;
	s = RENDER(CRM_FMT_TSV, 1, names, cells);
	assert_string_equal(s,
		"a\\tb\tc\n"
		"x\\ty\tl1\\nl2\\r\\\\end\n"
		"\\\\t is not a tab\ta\\r\\nb\n");
	free(s);
}

/* An empty value is an empty field, NULL or "". */
static void
tsv_empty_fields(void **state)
{
	static const char *const names[] = { "a", "b", "c" };
	static const struct cell cells[] = {
		Z, T(""), N("3"), EOR,
		T("x"), EOR,			/* missing cells: empty */
	};
	char *s;

	(void)state;
	s = RENDER(CRM_FMT_TSV, 0, names, cells);
	assert_string_equal(s, "\t\t3\nx\t\t\n");
	free(s);
}

/* Cells past the last column are ignored. */
static void
extra_cells_ignored(void **state)
{
	static const char *const names[] = { "a" };
	static const struct cell cells[] = {
		T("x"), T("too many"), EOR,
	};
	char *s;

	(void)state;
	s = RENDER(CRM_FMT_TSV, 1, names, cells);
	assert_string_equal(s, "a\nx\n");
	free(s);
}

/* ---- csv ------------------------------------------------------------- */

static void
csv_quoting(void **state)
{
	static const char *const names[] = { "name", "note,x" };
	static const struct cell cells[] = {
		T("plain"), T("he said \"hi\""), EOR,
		T("a,b"), T("l1\nl2"), EOR,
		T("cr\rhere"), T("  spaced  "), EOR,
		Z, T(""), EOR,
		N("12.50"), B("yes"), EOR,
	};
	char *s;

	(void)state;
	s = RENDER(CRM_FMT_CSV, 1, names, cells);
	assert_string_equal(s,
		"name,\"note,x\"\n"
		"plain,\"he said \"\"hi\"\"\"\n"
		"\"a,b\",\"l1\nl2\"\n"
		"\"cr\rhere\",  spaced  \n"
		",\n"
		"12.50,yes\n");
	free(s);
	s = RENDER(CRM_FMT_CSV, 0, names, cells);
	assert_int_equal(strncmp(s, "plain,", 6), 0);
	free(s);
}

/*
 * A row of one empty field must still be a row: an empty line is no
 * record to most CSV readers (libcsv skips it), so it is written "".
 */
static void
csv_single_empty_field(void **state)
{
	static const char *const names[] = { "city" };
	static const struct cell cells[] = {
		T("Paris"), EOR,
		Z, EOR,
		T(""), EOR,
	};
	char *s;

	(void)state;
	s = RENDER(CRM_FMT_CSV, 1, names, cells);
	assert_string_equal(s, "city\nParis\n\"\"\n\"\"\n");
	free(s);
}

/* ---- json ------------------------------------------------------------ */

static void
json_kinds(void **state)
{
	static const char *const names[] = { "id", "name", "total", "active",
		"email" };
	static const struct cell cells[] = {
		N("1"), T("Ada"), N("1234.50"), B("yes"), Z, EOR,
		N("2"), T("张三"), N("0.00"), B("no"), T("z@example.com"), EOR,
	};
	char *s;

	(void)state;
	/* no header line whatever header says */
	s = RENDER(CRM_FMT_JSON, 1, names, cells);
	assert_string_equal(s,
		"{\"id\":1,\"name\":\"Ada\",\"total\":1234.50,"
		"\"active\":true,\"email\":null}\n"
		"{\"id\":2,\"name\":\"张三\",\"total\":0.00,"
		"\"active\":false,\"email\":\"z@example.com\"}\n");
	free(s);
}

/* Strings are escaped; control characters as \u00XX. */
static void
json_escaping(void **state)
{
	static const char *const names[] = { "k\"ey" };
	static const struct cell cells[] = {
		T("q\"b\\s/n\nt\tr\rB\bF\f"), EOR,
		T("\x01\x1f\x7f" "end"), EOR,
	};
	char *s;

	(void)state;
	s = RENDER(CRM_FMT_JSON, 1, names, cells);
	assert_string_equal(s,
		"{\"k\\\"ey\":\"q\\\"b\\\\s/n\\nt\\tr\\rB\\bF\\f\"}\n"
		"{\"k\\\"ey\":\"\\u0001\\u001f\x7f" "end\"}\n");
	free(s);
}

/* Missing cells are null; an empty text is "" (not null). */
static void
json_missing_cells(void **state)
{
	static const char *const names[] = { "a", "b", "c" };
	static const struct cell cells[] = {
		T(""), EOR,
	};
	char *s;

	(void)state;
	s = RENDER(CRM_FMT_JSON, 0, names, cells);
	assert_string_equal(s, "{\"a\":\"\",\"b\":null,\"c\":null}\n");
	free(s);
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

/* ---- table ----------------------------------------------------------- */

/* Columns sized by display width (CJK is two columns). */
static void
table_cjk_alignment(void **state)
{
	static const char *const names[] = { "name", "city" };
	static const struct cell cells[] = {
		T("张三"), T("北京"), EOR,
		T("Bob"), T("NYC"), EOR,
	};
	char *s;

	(void)state;
	s = RENDER(CRM_FMT_TABLE, 1, names, cells);
	assert_string_equal(s,
		"name  city\n"
		"张三  北京\n"
		"Bob   NYC\n");
	free(s);
}

/* Numeric columns are right-aligned; a NULL does not spoil that. */
static void
table_numbers_right(void **state)
{
	static const char *const names[] = { "id", "name", "total" };
	static const struct cell cells[] = {
		N("1"), T("张三"), N("12.50"), EOR,
		N("10"), T("Ada"), Z, EOR,
	};
	static const struct cell mixed[] = {
		N("5"), T("x"), N("1"), EOR,
		T("abc"), T("y"), N("2"), EOR,
	};
	char *s;

	(void)state;
	s = RENDER(CRM_FMT_TABLE, 1, names, cells);
	assert_string_equal(s,
		"id  name  total\n"
		" 1  张三  12.50\n"
		"10  Ada\n");
	free(s);
	s = RENDER(CRM_FMT_TABLE, 1, names, mixed);
	assert_string_equal(s,
		"id   name  total\n"
		"5    x         1\n"
		"abc  y         2\n");
	free(s);
}

/* Long values are cut with an ellipsis to fit the terminal width. */
static void
table_cut_to_width(void **state)
{
	static const char *const names[] = { "a", "b" };
	static const struct cell cells[] = {
		T("abcdefghijklmnopqrstuvwxyz"), T("x"), EOR,
	};
	static const struct cell wide[] = {
		T("张三丰张三丰张三丰张三丰"), T("x"), EOR,
	};
	char *s;

	(void)state;
	setenv("COLUMNS", "20", 1);
	s = RENDER(CRM_FMT_TABLE, 1, names, cells);
	assert_string_equal(s,
		"a                  b\n"
		"abcdefghijklmnop\xe2\x80\xa6  x\n");
	free(s);
	/* a wide character never split: 17 columns, 8 characters + … */
	s = RENDER(CRM_FMT_TABLE, 0, names, wide);
	assert_string_equal(s, "张三丰张三丰张三\xe2\x80\xa6  x\n");
	free(s);
	unsetenv("COLUMNS");
}

/*
 * Newlines and tabs in a cell keep the table one line a row; they are
 * shown as spaces, so the column is as wide as the text with spaces.
 */
static void
table_flattens_lines(void **state)
{
	static const char *const names[] = { "address" };
	static const struct cell cells[] = {
		T("1 Main St\nSpringfield\tUSA"), EOR,
	};
	static const char *const names2[] = { "address", "city" };
	static const struct cell cells2[] = {
		T("a\tb\nc"), T("X"), EOR,
		T("xy"), T("Y"), EOR,
	};
	char *s;

	(void)state;
	s = RENDER(CRM_FMT_TABLE, 0, names, cells);
	assert_string_equal(s, "1 Main St Springfield USA\n");
	free(s);
	/* The next column starts where the flattened text ends. */
	s = RENDER(CRM_FMT_TABLE, 0, names2, cells2);
	assert_string_equal(s, "a b c  X\nxy     Y\n");
	free(s);
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

/* show: one "name value" line per field, a blank line between records. */
static void
table_vertical(void **state)
{
	static const char *const names[] = { "id", "name", "email" };
	static const struct cell cells[] = {
		N("1"), T("Ada"), Z, EOR,
		N("2"), T("张三"), T("z@example.com"), EOR,
	};
	char *s;

	(void)state;
	s = render(CRM_FMT_TABLE, 1, 1, names, ARRAY_SIZE(names), cells,
		ARRAY_SIZE(cells));
	rstrip_lines(s);
	assert_string_equal(s,
		"id     1\n"
		"name   Ada\n"
		"email\n"
		"\n"
		"id     2\n"
		"name   张三\n"
		"email  z@example.com\n");
	free(s);
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

/* A failed write sets failed; crm_out_end returns -1 with errno. */
static void
write_failure_reported(void **state)
{
	static const char *const names[] = { "a" };
	struct crm_out out;
	FILE *fp;
	int i;

	(void)state;
	fp = fopen("/dev/full", "w");
	assert_non_null(fp);
	setvbuf(fp, NULL, _IONBF, 0);
	crm_out_begin(&out, fp, CRM_FMT_TSV, 1, names, 1);
	assert_int_equal(out.failed, 1);
	for (i = 0; i < 3; i++) {
		crm_out_cell(&out, CRM_CELL_TEXT, "x", 1);
		crm_out_row(&out);
	}
	errno = 0;
	assert_int_equal(crm_out_end(&out), -1);
	assert_int_equal(errno, ENOSPC);
	fclose(fp);
}

/* A failure found only at the final flush counts too. */
static void
flush_failure_reported(void **state)
{
	static const char *const names[] = { "a" };
	struct crm_out out;
	FILE *fp;

	(void)state;
	fp = fopen("/dev/full", "w");
	assert_non_null(fp);
	crm_out_begin(&out, fp, CRM_FMT_CSV, 1, names, 1);
	crm_out_cell(&out, CRM_CELL_TEXT, "x", 1);
	crm_out_row(&out);
	errno = 0;
	assert_int_equal(crm_out_end(&out), -1);
	assert_int_equal(errno, ENOSPC);
	fclose(fp);
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
		cmocka_unit_test(tsv_header_and_rows),
		cmocka_unit_test(tsv_escaping),
		cmocka_unit_test(tsv_empty_fields),
		cmocka_unit_test(extra_cells_ignored),
		cmocka_unit_test(csv_quoting),
		cmocka_unit_test(csv_single_empty_field),
		cmocka_unit_test(json_kinds),
		cmocka_unit_test(json_escaping),
		cmocka_unit_test(json_missing_cells),
		cmocka_unit_test(json_quote_function),
		cmocka_unit_test(table_cjk_alignment),
		cmocka_unit_test(table_numbers_right),
		cmocka_unit_test(table_cut_to_width),
		cmocka_unit_test(table_vertical),
		cmocka_unit_test(rows_stream),
		cmocka_unit_test(write_failure_reported),
		cmocka_unit_test(flush_failure_reported),
		cmocka_unit_test(parse_format_names),
		cmocka_unit_test(default_format),
		cmocka_unit_test(default_format_terminal),
		cmocka_unit_test(table_flattens_lines),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
