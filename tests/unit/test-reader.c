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
static int detail;	/* bad records as "LINE!reason=text;" */

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
			if (!detail) {
				crm_buf_adds(&b, "!bad;");
				continue;
			}
			crm_buf_addf(&b, "!%s=", rec.reason);
			for (i = 0; i < rec.n; i++)
				crm_buf_addf(&b, "%s%s", i ? "|" : "",
					rec.f[i].buf);
			crm_buf_addch(&b, ';');
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

#define ASSERT_WHY(text, delim, enc, want) do { \
	detail = 1; \
	ASSERT_READ(text, delim, enc, want); \
	detail = 0; \
} while (0)

/* Read the one record of text (JSON: its header, then it) and join its values (f) and its texts as
 * in the file (x), each with '|' between fields. */
static void
read_one(const char *text, size_t len, char delim, const char *want_f,
	const char *want_x)
{
	struct crm_buf f = CRM_BUF_INIT, x = CRM_BUF_INIT;
	struct crm_err err = CRM_ERR_INIT;
	struct crm_record rec;
	struct crm_reader *r;
	FILE *fp = fmemopen((void *)text, len, "r");
	size_t i;

	memset(&rec, 0, sizeof(rec));
	r = crm_reader_new(fp, delim, NULL, &err);
	assert_int_equal(crm_reader_next(r, &rec, &err), 1);
	if (!delim)	/* JSON: the header, then the line as a row */
		assert_int_equal(crm_reader_next(r, &rec, &err), 1);
	assert_false(rec.bad);
	for (i = 0; i < rec.n; i++) {
		crm_buf_addf(&f, "%s%s", i ? "|" : "", rec.f[i].buf);
		crm_buf_addf(&x, "%s%s", i ? "|" : "", rec.x[i].buf);
	}
	assert_string_equal(f.buf, want_f);
	assert_string_equal(x.buf, want_x);
	assert_int_equal(crm_reader_next(r, &rec, &err), 0);
	crm_buf_release(&f);
	crm_buf_release(&x);
	crm_record_release(&rec);
	crm_reader_free(r);
	fclose(fp);
}

/* An unquoted field's value is trimmed, its text kept as in the file for
 * the rejects; blanks around a quoted field belong to neither. */
static void
fields_as_they_came(void **state)
{
	static const char csv[] = " Bob@ ,\t x\t, \"q, r \" ,\"\",\n";
	static const char semi[] = "a;  b ; \"c\"\n";
	static const char tsv[] = "\"a\"\t \"b c\" \t x \n";
	static const char json[] = "{\"a\":\" x \",\"b\":1.50}\n";

	(void)state;
	read_one(csv, sizeof(csv) - 1, ',', "Bob@|x|q, r ||",
		" Bob@ |\t x\t|q, r ||");
	read_one(semi, sizeof(semi) - 1, ';', "a|b|c", "a|  b |c");
	/* TSV has no quoting, and keeps every byte, as crm writes it */
	read_one(tsv, sizeof(tsv) - 1, '\t', "\"a\"| \"b c\" | x ",
		"\"a\"| \"b c\" | x ");
	read_one(json, sizeof(json) - 1, 0, " x |1.50", " x |1.50");
}

/* A record that cannot be split: a plain reason, and its first line's
 * text whole (without the line end) as its one field. */
static void
broken_reasons(void **state)
{
	(void)state;
	ASSERT_WHY("a,b\nab\"c,1\r\nd,e\n", ',', NULL,
		"1:a|b;2!quote inside an unquoted field=ab\"c,1;3:d|e;");
	ASSERT_WHY("\"ab\"c,1\n \"x\" y\n", ',', NULL,
		"1!text after the closing quote of a field=\"ab\"c,1;"
		"2!text after the closing quote of a field= \"x\" y;");
	ASSERT_WHY("a,b\nc,\"open\n", ',', NULL,
		"1:a|b;2!unterminated quoted field=c,\"open;");
	/* A quote that closes lines later, before text: the line where it
	 * opened is the broken one; the next is read again. */
	ASSERT_WHY("x,\"1\ny\"2,3\nz,4\n", ',', NULL,
		"1!unterminated quoted field=x,\"1;"
		"2!quote inside an unquoted field=y\"2,3;3:z|4;");
}

/* UTF-16 with a byte order mark, as Excel's "Unicode Text" writes it, is
 * read without --encoding; tabs and no comma: tab-separated, with quotes. */
static void
utf16_bom(void **state)
{
	(void)state;
	ASSERT_READ("\xff\xfen\0a\0,\0\x20\x5f\n\0x\0,\0y\0\n\0",
		',', NULL, "1:na|\xe5\xbc\xa0;2:x|y;");
	ASSERT_READ("\xfe\xff\0n\0,\0b\0\n", ',', NULL, "1:n|b;");
	ASSERT_READ("\xff\xfe" "a\0\t\0b\0\r\0\n\0\"\0x\0\t\0y\0\"\0\t\0z\0",
		',', NULL, "1:a|b;2:x\ty|z;");
	ASSERT_READ("\xff\xfe" "a\0\t\0b\0\n\0", '\t', NULL, "1:a|b;");
	/* A '\n' byte inside a unit is no line end. */
	ASSERT_READ("\xff\xfe\x0a\x01,\0b\0\n\0", ',', NULL,
		"1:\xc4\x8a|b;");
	/* --encoding UTF-16: the order from the mark, else from the NULs */
	ASSERT_READ("\xfe\xff" "\0a\0\n", ',', "UTF-16", "1:a;");
	ASSERT_READ("a\0,\0b\0\n\0", ',', "utf-16", "1:a|b;");
	ASSERT_READ("\0a\0,\0b\0\n", ',', "UTF-16BE", "1:a|b;");
	ASSERT_READ("\xff\xfe" "a\0\n\0", ',', "UTF-16LE", "1:a;");
}

/* UTF-16 without a byte order mark and without --encoding: one error
 * saying what to pass, and no record. */
static void
utf16_without_bom(void **state)
{
	static const char le[] = "n\0a\0m\0e\0\n\0A\0\n\0";
	static const char be[] = "\0n\0a\0m\0e\0\n";
	struct crm_err err = CRM_ERR_INIT;
	int ret;
	char *got;

	(void)state;
	got = read_all(le, sizeof(le) - 1, ',', NULL, &ret, &err);
	assert_int_equal(ret, -1);
	assert_int_equal(err.code, CRM_EX_DATAERR);
	assert_string_equal(err.msg.buf, "the file looks like UTF-16LE "
		"without a byte order mark: name its encoding with "
		"--encoding UTF-16LE");
	assert_string_equal(got, "");
	free(got);
	crm_err_clear(&err);
	got = read_all(be, sizeof(be) - 1, '\t', NULL, &ret, &err);
	assert_int_equal(ret, -1);
	assert_non_null(strstr(err.msg.buf, "--encoding UTF-16BE"));
	free(got);
	crm_err_release(&err);
}

/* JSON Lines: the first object's names are the header, and that line the
 * first row; members in any order, some left out; numbers as written. */
static void
json_lines(void **state)
{
	(void)state;
	ASSERT_READ("{\"name\":\"A\",\"price\":12.50,\"on\":true,"
		"\"x\":null}\n"
		"\n"
		" { \"price\" : -1e+3 , \"name\" : \"B\\\"\\\\\\u00e9\\ud83d\\ude00"
		"\\n\", \"on\":false }\r\n"
		"{\"x\":\"only\"}\n{}\n", 0, NULL,
		"1:name|price|on|x;1:A|12.50|true|;"
		"3:B\"\\\xc3\xa9\xf0\x9f\x98\x80\n|-1e+3|false|;"
		"4:|||only;5:|||;");
}

/* A line that is no object, or not JSON, is a bad row with a plain
 * reason and its text as it came; so is a member the header lacks, one
 * given twice, or one that is an array or an object. */
static void
json_bad_lines(void **state)
{
	(void)state;
	ASSERT_WHY("{\"a\":1,\"b\":2}\n"
		"[1,2]\n"
		"{\"a\":1,\"b\"\n"
		"{\"a\":\"\xff\"}\n"
		"{\"a\":1} x\n"
		"{\"a\":01}\n"
		"\"s\"\n", 0, NULL,
		"1:a|b;1:1|2;"
		"2!not a JSON object but an array=[1,2];"
		"3!the JSON object is not closed: the line is cut short="
		"{\"a\":1,\"b\";"
		"4!a JSON string that is not UTF-8 text={\"a\":\"\xff\"};"
		"5!text after the JSON object={\"a\":1} x;"
		"6!malformed JSON: a ',' or '}' is missing={\"a\":01};"
		"7!not a JSON object=\"s\";");
	ASSERT_WHY("{\"a\":1}\n{\"c\":1}\n{\"a\":1,\"a\":2}\n"
		"{\"a\":[1,{\"x\":[]}]}\n{\"a\":{}}\n{\"a\":\"\\u0000\"}\n", 0, NULL,
		"1:a;1:1;"
		"2!member 'c' is not in the first object, the header=;"
		"3!member 'a' is given twice=1;"
		"4!member 'a' is an array: a value must be a string, a "
		"number, true, false or null=;"
		"5!member 'a' is an object: a value must be a string, a "
		"number, true, false or null=;"
		"6!a NUL character (\\u0000) in a JSON string="
		"{\"a\":\"\\u0000\"};");
	/* Lines before the first object: after the header, in order. */
	ASSERT_WHY("nope\n{\"a\":1}\n{\"a\":2}\n", 0, NULL,
		"2:a;1!not a JSON object=nope;2:1;3:2;");
	/* No object at all: the header is bad, for the first line's reason. */
	ASSERT_WHY("[{\"a\":1}]\n", 0, NULL,
		"1!not a JSON object but an array=[{\"a\":1}];");
}

/* The members of a row as they came, without _line and _error: what a
 * rejects file writes back. */
static void
json_raw(void **state)
{
	static const char text[] = "{\"a\": 12.50 ,\"_line\":3,\"b\":[1, 2],"
		"\"_error\":\"x\"}\n";
	struct crm_err err = CRM_ERR_INIT;
	struct crm_record rec;
	struct crm_reader *r;
	FILE *fp = fmemopen((void *)text, sizeof(text) - 1, "r");

	(void)state;
	memset(&rec, 0, sizeof(rec));
	r = crm_reader_new(fp, 0, NULL, &err);
	assert_int_equal(crm_reader_next(r, &rec, &err), 1);
	assert_int_equal(rec.n, 4);
	assert_int_equal(crm_reader_next(r, &rec, &err), 1);
	assert_true(rec.bad);
	assert_string_equal(rec.raw.buf, "\"a\": 12.50,\"b\":[1, 2]");
	assert_int_equal(crm_reader_next(r, &rec, &err), 0);
	crm_record_release(&rec);
	crm_reader_free(r);
	fclose(fp);
}

/* More than CRM_READER_MAX_FIELDS fields: bad, and no more kept. */
static void
too_many_fields(void **state)
{
	struct crm_buf text = CRM_BUF_INIT;
	struct crm_err err = CRM_ERR_INIT;
	struct crm_record rec;
	struct crm_reader *r;
	char delims[] = { ',', '\t', 0 };
	size_t d;
	FILE *fp;
	int i;

	(void)state;
	for (d = 0; d < sizeof(delims); d++) {
		crm_buf_reset(&text);
		if (!delims[d]) {
			crm_buf_addch(&text, '{');
			for (i = 0; i < 5000; i++)
				crm_buf_addf(&text, "%s\"c%d\":1", i ? "," : "",
					i);
			crm_buf_adds(&text, "}\n");
		} else {
			for (i = 0; i < 5000; i++)
				crm_buf_addf(&text, "%sc", i ? (delims[d] == ',' ?
					"," : "\t") : "");
			crm_buf_adds(&text, "\nx\n");
		}
		fp = fmemopen(text.buf, text.len, "r");
		r = crm_reader_new(fp, delims[d], NULL, &err);
		memset(&rec, 0, sizeof(rec));
		assert_int_equal(crm_reader_next(r, &rec, &err), 1);
		assert_true(rec.bad);
		assert_string_equal(rec.reason, "more than 2000 fields");
		assert_int_equal(rec.n, CRM_READER_MAX_FIELDS + 1);
		if (delims[d]) {
			assert_int_equal(crm_reader_next(r, &rec, &err), 1);
			assert_false(rec.bad);
			assert_int_equal(rec.line, 2);
		}
		crm_record_release(&rec);
		crm_reader_free(r);
		fclose(fp);
	}
	crm_buf_release(&text);
}

/* What a message shows of a name: 64 columns at most, then "…". */
static void
echo_short(void **state)
{
	struct crm_buf b = CRM_BUF_INIT, s = CRM_BUF_INIT;
	int i;

	(void)state;
	assert_string_equal(crm_reader_echo("email", 5, &b), "email");
	for (i = 0; i < 40; i++)
		crm_buf_adds(&s, "邮箱");	/* two columns each */
	crm_reader_echo(s.buf, s.len, &b);
	assert_int_equal(b.len, 32 * 3 + 3);
	assert_string_equal(b.buf + 32 * 3, "…");
	assert_string_equal(crm_reader_echo("a\nb\xff", 4, &b), "a?b?");
	crm_buf_reset(&s);
	for (i = 0; i < 64; i++)
		crm_buf_addch(&s, 'x');
	assert_string_equal(crm_reader_echo(s.buf, s.len, &b), s.buf);
	crm_buf_addch(&s, 'y');
	crm_reader_echo(s.buf, s.len, &b);
	assert_int_equal(b.len, 64 + 3);
	crm_buf_release(&b);
	crm_buf_release(&s);
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
 * r->again + r->iagain with again NULL (rd_free_lines()), undefined
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
		cmocka_unit_test(fields_as_they_came),
		cmocka_unit_test(broken_reasons),
		cmocka_unit_test(utf16_bom),
		cmocka_unit_test(utf16_without_bom),
		cmocka_unit_test(json_lines),
		cmocka_unit_test(json_bad_lines),
		cmocka_unit_test(json_raw),
		cmocka_unit_test(too_many_fields),
		cmocka_unit_test(echo_short),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
