/*
 * test-reader - lib/reader.h: reading CSV and TSV records as a stream.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "reader.h"
#include "banned.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Read all of text (len bytes) and describe each record as
 * "LINE:f1|f2|...;" ("LINE!reason;" for a bad one).  The reader's return
 * at the end goes to *ret.  Caller frees.
 */
static char *
read_all(const char *text, size_t len, char delim, const char *enc,
	int *ret, struct crm_err *err)
{
	struct crm_buf b = CRM_BUF_INIT;
	struct crm_record rec;
	struct crm_reader *r;
	FILE *fp = fmemopen((void *)text, len, "r");
	size_t i;
	int n;

	assert_non_null(fp);
	r = crm_reader_new(fp, delim, enc, err);
	assert_non_null(r);
	memset(&rec, 0, sizeof(rec));
	while ((n = crm_reader_next(r, &rec, err)) == 1) {
		crm_buf_addf(&b, "%lld", (long long)rec.line);
		if (rec.bad) {
			assert_non_null(rec.reason);
			crm_buf_adds(&b, "!bad;");
			continue;
		}
		for (i = 0; i < rec.n; i++)
			crm_buf_addf(&b, "%c%s", i ? '|' : ':', rec.f[i].buf);
		crm_buf_addch(&b, ';');
	}
	*ret = n;
	crm_record_release(&rec);
	crm_reader_free(r);
	fclose(fp);
	return crm_buf_detach(&b);
}

#define ASSERT_READ(text, delim, enc, want) do { \
	struct crm_err err_ = CRM_ERR_INIT; \
	int ret_; \
	char *got_ = read_all((text), sizeof(text) - 1, (delim), (enc), \
		&ret_, &err_); \
	if (ret_ != 0) \
		fail_msg("read ended with %d: %s", ret_, err_.msg.buf); \
	if (strcmp(got_, (want))) \
		fail_msg("read '%s', want '%s'", got_, (want)); \
	free(got_); \
	crm_err_release(&err_); \
} while (0)

static void
csv_records(void **state)
{
	(void)state;
	ASSERT_READ("name,email\nAda,ada@example.com\n", ',', NULL,
		"1:name|email;2:Ada|ada@example.com;");
	/* no newline at the end */
	ASSERT_READ("a,b\nc,d", ',', NULL, "1:a|b;2:c|d;");
	/* empty fields */
	ASSERT_READ("a,,c\n,,\n", ',', NULL, "1:a||c;2:||;");
}

/* RFC 4180: quotes hold commas, quotes and newlines; CRLF line ends. */
static void
csv_quoting(void **state)
{
	(void)state;
	ASSERT_READ("\"Zhang, San\",\"say \"\"hi\"\"\"\r\n"
		"\"1 Road\r\n2F\",x\r\n"
		"last,one\r\n", ',', NULL,
		"1:Zhang, San|say \"hi\";2:1 Road\r\n2F|x;4:last|one;");
}

/* TSV: split at tabs, \t \n \r \\ unescaped as crm writes them. */
static void
tsv_records(void **state)
{
	(void)state;
	ASSERT_READ("a\\tb\tc\\nd\\\\e\\r\n"
		"x\t\ty\r\n"
		"back\\slash\\q\n", '\t', NULL,
		"1:a\tb|c\nd\\e\r;2:x||y;3:back\\slash\\q;");
}

/* A UTF-8 byte order mark is dropped. */
static void
bom_dropped(void **state)
{
	(void)state;
	ASSERT_READ("\xef\xbb\xbfname,city\nA,B\n", ',', NULL,
		"1:name|city;2:A|B;");
	ASSERT_READ("\xef\xbb\xbfname\tcity\n", '\t', NULL, "1:name|city;");
}

/* Blank lines are skipped; line numbers still count them. */
static void
blank_lines_skipped(void **state)
{
	(void)state;
	ASSERT_READ("a,b\n\n\r\nc,d\n\n", ',', NULL, "1:a|b;4:c|d;");
	ASSERT_READ("a\tb\n\n\r\nc\td\n", '\t', NULL, "1:a|b;4:c|d;");
}

/* Another encoding is converted to UTF-8. */
static void
encodings(void **state)
{
	(void)state;
	ASSERT_READ("\xd5\xc5\xc8\xfd,z@example.cn\n", ',', "GB18030",
		"1:张三|z@example.cn;");
	ASSERT_READ("Jos\xe9,M\xe1laga\n", ',', "LATIN1",
		"1:Jos\xc3\xa9|M\xc3\xa1laga;");
	ASSERT_READ("plain,utf8\n", ',', "UTF-8", "1:plain|utf8;");
	ASSERT_READ("\xd5\xc5\tx\n", '\t', "GBK", "1:张|x;");
}

/* An encoding iconv does not know is CRM_EX_USAGE. */
static void
unknown_encoding(void **state)
{
	struct crm_err err = CRM_ERR_INIT;
	FILE *fp = tmpfile();

	(void)state;
	assert_null(crm_reader_new(fp, ',', "NO-SUCH-CHARSET", &err));
	assert_int_equal(err.code, CRM_EX_USAGE);
	assert_non_null(strstr(err.msg.buf, "NO-SUCH-CHARSET"));
	fclose(fp);
	crm_err_release(&err);
}

/* Bytes the encoding does not allow: -1, CRM_EX_DATAERR naming the line. */
static void
bad_bytes(void **state)
{
	static const char text[] = "ok,1\nbad\x81\n";
	struct crm_err err = CRM_ERR_INIT;
	int ret;
	char *got;

	(void)state;
	got = read_all(text, sizeof(text) - 1, ',', "GB18030", &ret, &err);
	assert_int_equal(ret, -1);
	assert_int_equal(err.code, CRM_EX_DATAERR);
	assert_non_null(strstr(err.msg.buf, "line 2"));
	assert_string_equal(got, "1:ok|1;");
	free(got);
	crm_err_release(&err);
}

/*
 * A broken record is returned bad, at its first line, and reading goes
 * on with the line after it: one broken quote costs one record.
 */
static void
broken_records(void **state)
{
	(void)state;
	/* a stray quote */
	ASSERT_READ("a,b\n\"q\"q,2\nc,d\n", ',', NULL,
		"1:a|b;2!bad;3:c|d;");
	/* a quote never closed */
	ASSERT_READ("a,b\n\"open,1\nc,d\ne,f\n", ',', NULL,
		"1:a|b;2!bad;3:c|d;4:e|f;");
	/* a quote never closed, and another line broken after it */
	ASSERT_READ("\"open\nx\"y,1\nc,d\n", ',', NULL,
		"1!bad;2!bad;3:c|d;");
}

/* Offset and SHA-256 of the bytes read; tee copies them. */
static void
offset_sha_tee(void **state)
{
	static const char text[] = "abc\n";
	struct crm_err err = CRM_ERR_INIT;
	struct crm_record rec;
	struct crm_reader *r;
	char hex[65], *spool = NULL;
	size_t spool_len = 0;
	FILE *fp = fmemopen((void *)text, 4, "r");
	FILE *tee = open_memstream(&spool, &spool_len);

	(void)state;
	memset(&rec, 0, sizeof(rec));
	r = crm_reader_new(fp, ',', NULL, &err);
	crm_reader_tee(r, tee);
	assert_int_equal(crm_reader_offset(r), 0);
	assert_int_equal(crm_reader_next(r, &rec, &err), 1);
	assert_int_equal(crm_reader_next(r, &rec, &err), 0);
	assert_int_equal(crm_reader_offset(r), 4);
	crm_reader_sha256(r, hex);
	assert_string_equal(hex, "edeaaff3f1774ad2888673770c6d64097e391bc3"
		"62d7d6fb34982ddf0efd18cb");
	fclose(tee);
	assert_int_equal(spool_len, 4);
	assert_memory_equal(spool, text, 4);
	free(spool);
	crm_record_release(&rec);
	crm_reader_free(r);
	fclose(fp);
}

/* Memory holds one record, not the file: many records, one at a time. */
static void
many_records(void **state)
{
	struct crm_buf text = CRM_BUF_INIT;
	struct crm_err err = CRM_ERR_INIT;
	struct crm_record rec;
	struct crm_reader *r;
	FILE *fp;
	int i, n = 0;

	(void)state;
	for (i = 0; i < 20000; i++)
		crm_buf_addf(&text, "%d,\"name %d\",x\n", i, i);
	fp = fmemopen(text.buf, text.len, "r");
	r = crm_reader_new(fp, ',', NULL, &err);
	memset(&rec, 0, sizeof(rec));
	while (crm_reader_next(r, &rec, &err) == 1) {
		if (rec.line != n + 1 || rec.n != 3 ||
		    strtol(rec.f[0].buf, NULL, 10) != n)
			fail_msg("record %d: line %lld", n,
				(long long)rec.line);
		n++;
	}
	assert_int_equal(n, 20000);
	crm_record_release(&rec);
	crm_reader_free(r);
	fclose(fp);
	crm_buf_release(&text);
}

/*
 * A freshly made reader, freed: nothing else.  crm_reader_free() computes
 * r->again + r->iagain with again NULL (lib/reader.c:216), undefined
 * behaviour that clang's -fsanitize=undefined reports (gcc's does not):
 * make check SANITIZE=1 CC=clang.
 */
static void
new_and_free(void **state)
{
	struct crm_err err = CRM_ERR_INIT;
	struct crm_reader *r;
	FILE *fp = tmpfile();

	(void)state;
	r = crm_reader_new(fp, ',', NULL, &err);
	assert_non_null(r);
	crm_reader_free(r);
	crm_reader_free(NULL);
	fclose(fp);
}

/* Read text in a child that must finish within two seconds. */
static void
read_in_time(const char *text, char delim)
{
	pid_t pid;
	int status;

	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct crm_err err = CRM_ERR_INIT;
		int ret;

		alarm(2);
		free(read_all(text, strlen(text), delim, NULL, &ret, &err));
		_exit(ret == 0 ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
		fail_msg("reading '%s' did not end", text);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* A line of blanks at the end of a CSV file must not hang the reader. */
static void
blank_last_line_ends(void **state)
{
	(void)state;
	read_in_time("a,b\n \n", ',');
	read_in_time("a,b\n\t\n", ',');
	read_in_time(" \n", ',');
}

/* ...nor move the next record's line number onto it. */
static void
blank_line_numbers(void **state)
{
	(void)state;
	ASSERT_READ("a,b\n \nc,d\n", ',', NULL, "1:a|b;3:c|d;");
}

/*
 * Old Mac line ends: a bare CR ends a line, in the numbers too, and no
 * record is at line 0; inside quotes it is part of the field.
 */
static void
bare_cr_line_numbers(void **state)
{
	(void)state;
	ASSERT_READ("a,b\rc,d\re,f\n", ',', NULL, "1:a|b;2:c|d;3:e|f;");
	ASSERT_READ("a,b\r\rc,d\r", ',', NULL, "1:a|b;3:c|d;");
	ASSERT_READ("a,b\r \rc,d\r\ne,f", ',', NULL, "1:a|b;3:c|d;4:e|f;");
	ASSERT_READ("\"x\ry\",z\r\nn,m\n", ',', NULL,
		"1:x\ry|z;3:n|m;");
	ASSERT_READ("a,b\r\"c\rd,e\n", ',', NULL, "1:a|b;2!bad;3:d|e;");
	/* A record broken before a bare CR: the lines it gives back come
	 * before the rest of that line (found by fuzz-reader). */
	ASSERT_READ("a,b\n\"x\",\"y\nz\"q\r,w\n", ',', NULL,
		"1:a|b;2!bad;3!bad;4:|w;");
}

int
main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(csv_records),
		cmocka_unit_test(csv_quoting),
		cmocka_unit_test(tsv_records),
		cmocka_unit_test(bom_dropped),
		cmocka_unit_test(blank_lines_skipped),
		cmocka_unit_test(encodings),
		cmocka_unit_test(unknown_encoding),
		cmocka_unit_test(bad_bytes),
		cmocka_unit_test(broken_records),
		cmocka_unit_test(offset_sha_tee),
		cmocka_unit_test(many_records),
		cmocka_unit_test(new_and_free),
		cmocka_unit_test(blank_last_line_ends),
		cmocka_unit_test(blank_line_numbers),
		cmocka_unit_test(bare_cr_line_numbers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
