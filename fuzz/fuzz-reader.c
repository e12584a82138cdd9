/*
 * fuzz-reader - libFuzzer target for the CSV/TSV/JSON Lines reader
 * (lib/reader.h), the parser of every file crm-import is given.
 *
 * Input: byte 0 picks CSV or TSV (bit 0), the encoding (bits 1-2: UTF-8,
 * GB18030, Latin-1; bit 5: UTF-16), the mode (bit 3) and JSON Lines
 * (bit 4).  In raw mode the rest is the file: every record must come back
 * in order of its first line (JSON: after the header, which may come
 * from a later line), with a reason when bad, and the reader must read
 * the whole file.  In round trip mode the rest is cells (separated by
 * 0x1f, rows of byte 1 % 4 + 1 of them) written by crm's own writer
 * (lib/out.h) and read back: what crm writes it reads back (reader.h),
 * field for field.  Lines end at LF, and in CSV at a CR not followed by
 * LF too (old Mac files).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "out.h"
#include "reader.h"
#include "text.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAXCELLS 64


#define CHECK(cond, ...) do { \
	if (!(cond)) { \
		fprintf(stderr, "fuzz-reader: " __VA_ARGS__); \
		fputc('\n', stderr); \
		abort(); \
	} \
} while (0)

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

static void
raw(const uint8_t *data, size_t size, char delim, const char *enc)
{
	struct crm_record rec;
	struct crm_err err = CRM_ERR_INIT;
	struct crm_reader *r;
	int64_t last = 0, lines = 0;
	size_t i, nrec = 0, width = 0;
	FILE *fp;
	int ret, utf16;

	if (!size)
		return;
	/* UTF-16 (named, or found by its byte-order mark) is read with the
	 * rules of CSV whatever the separator, so a lone CR ends a line
	 * there too; counted on the bytes, an upper bound. */
	utf16 = (enc && !strcmp(enc, "UTF-16")) || (size >= 2 &&
		((data[0] == 0xFF && data[1] == 0xFE) ||
		(data[0] == 0xFE && data[1] == 0xFF)));
	for (i = 0; i < size; i++)
		lines += data[i] == '\n' || ((delim == ',' || utf16) &&
			data[i] == '\r' && i + 1 < size && data[i + 1] != '\n');
	lines += data[size - 1] != '\n';
	fp = fmemopen((void *)data, size, "r");
	CHECK(fp, "fmemopen");
	r = crm_reader_new(fp, delim, enc, &err);
	CHECK(r, "reader: %s", err.msg.buf);
	memset(&rec, 0, sizeof(rec));
	while ((ret = crm_reader_next(r, &rec, &err)) == 1) {
		CHECK(!delim || rec.line > last, "record at line %lld after "
			"%lld", (long long)rec.line, (long long)last);
		CHECK(rec.line >= 1 && rec.line <= lines, "record at line %lld "
			"of %lld", (long long)rec.line, (long long)lines);
		CHECK(!rec.bad || rec.reason, "bad record without a reason");
		CHECK(!delim || rec.bad || rec.n >= 1, "record without fields");
		CHECK(rec.n <= CRM_READER_MAX_FIELDS + 1, "%zu fields", rec.n);
		if (!delim && !nrec)
			width = rec.n;
		CHECK(delim || rec.bad || rec.n == width, "JSON row of %zu "
			"fields, header of %zu", rec.n, width);
		last = rec.line;
		nrec++;
	}
	CHECK(ret == 0 || (ret == -1 && err.code == CRM_EX_DATAERR),
		"reader returned %d (%d %s)", ret, err.code, err.msg.buf);
	if (ret == 0)
		CHECK(crm_reader_offset(r) == (int64_t)size, "read %lld of %zu",
			(long long)crm_reader_offset(r), size);
	crm_record_release(&rec);
	crm_reader_free(r);
	crm_err_release(&err);
	fclose(fp);
}

/* Text as the database holds it: what crm_text_clean() gives back
 * unchanged (multi-line, as an address or a description). */
static int
storable(const char *s, size_t n)
{
	struct crm_buf out = CRM_BUF_INIT;
	struct crm_err err = CRM_ERR_INIT;
	int ok;

	ok = crm_text_clean(s, n, CRM_TEXT_MULTILINE, &out, &err) == 0 &&
		out.len == n && !memcmp(out.buf, s, n);
	crm_buf_release(&out);
	crm_err_release(&err);
	return ok;
}

static void
round_trip(const uint8_t *data, size_t size, enum crm_fmt fmt,
	size_t ncols)
{
	static const char *const names[] = { "a", "b", "c", "d" };
	const char *cells[MAXCELLS];
	size_t lens[MAXCELLS], n = 0, nrows, i, row = 0;
	struct crm_record rec;
	struct crm_err err = CRM_ERR_INIT;
	struct crm_reader *r;
	struct crm_out out;
	char *in, *p, *buf = NULL;
	size_t blen = 0;
	FILE *fp;
	int ret, skip = 0;

	if (memchr(data, '\0', size))
		return;
	in = malloc(size + 1);
	memcpy(in, data, size);
	in[size] = '\0';
	for (p = in; n < MAXCELLS;) {
		char *sep = strchr(p, 0x1f);

		if (sep)
			*sep = '\0';
		cells[n] = p;
		lens[n] = strlen(p);
		if (!storable(p, lens[n]))
			goto out;
		n++;
		if (!sep)
			break;
		p = sep + 1;
	}
	nrows = n / ncols;
	/* A TSV row of one empty field is a blank line, which the reader
	 * skips: TSV has no quotes to say otherwise. */
	for (i = 0; i < nrows && ncols == 1; i++)
		skip |= !lens[i];
	if (skip && fmt == CRM_FMT_TSV)
		goto out;
	fp = open_memstream(&buf, &blen);
	CHECK(fp, "open_memstream");
	crm_out_begin(&out, fp, fmt, 0, names, ncols);
	for (i = 0; i < nrows * ncols; i++) {
		crm_out_cell(&out, lens[i] ? CRM_CELL_TEXT : CRM_CELL_NULL,
			cells[i], lens[i]);
		if ((i + 1) % ncols == 0)
			crm_out_row(&out);
	}
	CHECK(crm_out_end(&out) == 0, "write");
	fclose(fp);
	fp = fmemopen(buf, blen ? blen : 1, "r");
	CHECK(fp, "fmemopen");
	r = crm_reader_new(fp, fmt == CRM_FMT_TSV ? '\t' : fmt == CRM_FMT_JSON ?
		0 : ',', NULL, &err);
	CHECK(r, "reader");
	memset(&rec, 0, sizeof(rec));
	/* JSON Lines: the first object's names come first, as a header. */
	if (fmt == CRM_FMT_JSON && blen) {
		CHECK(crm_reader_next(r, &rec, &err) == 1, "no header");
		CHECK(!rec.bad && rec.n == ncols, "header: %s",
			rec.bad ? rec.reason : "");
		for (i = 0; i < ncols; i++)
			CHECK(!strcmp(rec.f[i].buf, names[i]), "header %zu: %s",
				i, rec.f[i].buf);
	}
	while (blen && (ret = crm_reader_next(r, &rec, &err)) == 1) {
		CHECK(!rec.bad, "row %zu read as bad: %s", row, rec.reason);
		CHECK(row < nrows, "more rows read than written");
		CHECK(rec.n == ncols, "row %zu: %zu fields of %zu", row,
			rec.n, ncols);
		for (i = 0; i < ncols; i++) {
			size_t k = row * ncols + i;

			CHECK(rec.f[i].len == lens[k] &&
				!memcmp(rec.f[i].buf, cells[k], lens[k]),
				"row %zu field %zu: wrote '%s', read '%s'",
				row, i, cells[k], rec.f[i].buf);
		}
		row++;
	}
	CHECK(row == nrows, "%zu rows read of %zu written:\n%.*s", row, nrows,
		(int)blen, buf);
	crm_record_release(&rec);
	crm_reader_free(r);
	fclose(fp);
	free(buf);
out:
	free(in);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const encs[] = { NULL, "GB18030", "LATIN1",
		"UTF-8" };

	if (size < 2)
		return 0;
	if (data[0] & 8)
		round_trip(data + 2, size - 2, data[0] & 16 ? CRM_FMT_JSON :
			data[0] & 1 ? CRM_FMT_TSV : CRM_FMT_CSV, 1 + data[1] % 4);
	else
		raw(data + 1, size - 1, data[0] & 16 ? 0 : data[0] & 1 ?
			'\t' : ',', data[0] & 32 ? "UTF-16" :
			encs[(data[0] >> 1) & 3]);
	return 0;
}
