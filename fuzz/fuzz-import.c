/*
 * fuzz-import - libFuzzer target for the whole row path of crm-import
 * (lib/import.h): the bytes of a file are read, their header mapped, each
 * row cleaned, validated and matched, and the rows written, into a
 * database made once per process and holding a few customers, contacts
 * and products.  Every input is imported in a transaction that is rolled
 * back, so no input sees what another wrote.
 *
 * Input: byte 0 picks the kind (bits 0-2: customers, contacts, products,
 * orders, inventory), TSV (bit 3), the mode (bits 4-5: upsert, insert,
 * update, upsert), --ignore-unknown (bit 6) and --take-stock for orders
 * or --missing zero for inventory (bit 7).  Byte 1: --dry-run (bit 0),
 * --strict (bit 1), the file read from a stream rather than a regular
 * file (bit 2), Latin-1 (bit 3).  The rest is the file.
 *
 * Beyond the sanitizers, it checks what SPEC 5 promises: a refused file
 * is a usage or data error with a message; every row read is inserted,
 * updated, unchanged, rejected or repeated; the rejects file reads back
 * as one record per rejected row with its _line and _error; a dry run
 * plans one line per row; and importing the same file again in upsert
 * mode writes nothing: no row inserts or updates, not even one without
 * a key value, which matches a record holding all its values.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "import.h"
#include "reader.h"

#define FUZZ_NAME "fuzz-import"
#include "fixture.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char file[96];			/* the input as a regular file */

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char *const c1[] = { "name=Ada Lovelace",
		"email=ada@example.com", "phone=+44 20 7946 0000",
		"city=London", "ref=ERP-1", NULL };
	static const char *const c2[] = { "name=张三丰", "kind=company",
		"email=zhang@example.cn", "city=北京", "ref=ERP-2", NULL };
	static const char *const c3[] = { "name=No Mail", "ref=ERP-3", NULL };
	static const char *const k1[] = { "customer=1", "name=Kim",
		"email=kim@example.com", "title=CEO", NULL };
	static const char *const p1[] = { "sku=SKU-1", "name=Tea",
		"price=10.00", "stock=5", NULL };
	static const char *const p2[] = { "sku=SKU-2", "name=Cup",
		"price=3.50", "stock=0", NULL };
	static const char *const p3[] = { "sku=sku-3", "name=Pot",
		"price=0", "stock=100", "active=no", NULL };
	static const char *const entities[] = { "customer", "contact",
		"product", NULL };

	(void)argc;
	(void)argv;
	fuzz_open(entities);
	snprintf(file, sizeof(file), "%s/in.csv", fuzz_dir);
	fuzz_add(&fuzz_sets[0], c1);
	fuzz_add(&fuzz_sets[0], c2);
	fuzz_add(&fuzz_sets[0], c3);
	fuzz_add(&fuzz_sets[1], k1);
	fuzz_add(&fuzz_sets[2], p1);
	fuzz_add(&fuzz_sets[2], p2);
	fuzz_add(&fuzz_sets[2], p3);
	return 0;
}

/* The input as crm-import gets it: a regular file or a stream. */
static FILE *
input(const uint8_t *data, size_t size, int stream)
{
	FILE *fp;

	if (stream && size)	/* (fmemopen takes no empty buffer) */
		return fmemopen((void *)data, size, "r");
	fp = fopen(file, "w+");
	CHECK(fp, "cannot write %s", file);
	CHECK(fwrite(data, 1, size, fp) == size && fflush(fp) == 0 &&
		fseek(fp, 0, SEEK_SET) == 0, "cannot write %s", file);
	return fp;
}

/* Records in text (a CSV or TSV file crm wrote), header included;
 * every one must read as good and have n fields (0: as many as the
 * header). */
static int64_t
records(const char *text, size_t len, char delim, size_t n)
{
	struct crm_err err = CRM_ERR_INIT;
	struct crm_record rec;
	struct crm_reader *r;
	int64_t count = 0;
	FILE *fp;
	int got;

	if (!len)
		return 0;
	fp = fmemopen((void *)text, len, "r");
	CHECK(fp, "fmemopen");
	r = crm_reader_new(fp, delim, NULL, &err);
	CHECK(r, "reader");
	memset(&rec, 0, sizeof(rec));
	while ((got = crm_reader_next(r, &rec, &err)) == 1) {
		CHECK(!rec.bad, "written record at line %lld reads as bad: "
			"%s\n%.*s", (long long)rec.line, rec.reason,
			(int)len, text);
		if (!n)
			n = rec.n;
		CHECK(rec.n == n, "written record at line %lld has %zu "
			"fields of %zu\n%.*s", (long long)rec.line, rec.n, n,
			(int)len, text);
		count++;
	}
	CHECK(got == 0, "reading back: %s", err.msg.buf);
	crm_record_release(&rec);
	crm_reader_free(r);
	fclose(fp);
	return count;
}

/*
 * The plan of an import of a file imported before: no row inserts or
 * updates.  Returns the rows planned.
 */
static int64_t
check_again(const char *plan, size_t len)
{
	struct crm_err err = CRM_ERR_INIT;
	struct crm_record rec;
	struct crm_reader *r;
	int64_t rows = 0;
	FILE *fp;
	int got;

	fp = fmemopen((void *)plan, len ? len : 1, "r");
	CHECK(fp, "fmemopen");
	r = crm_reader_new(fp, '\t', NULL, &err);
	CHECK(r, "reader");
	memset(&rec, 0, sizeof(rec));
	while (len && (got = crm_reader_next(r, &rec, &err)) == 1) {
		const char *action, *key;

		CHECK(!rec.bad && rec.n == 4, "plan line %lld",
			(long long)rec.line);
		action = rec.f[1].buf;
		key = rec.f[2].buf;
		CHECK(strcmp(action, "update") && strcmp(action, "insert"),
			"importing again: line %s: %s %s", rec.f[0].buf,
			action, key);
		rows++;
	}
	crm_record_release(&rec);
	crm_reader_free(r);
	fclose(fp);
	return rows;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum crm_import_kind kinds[] = { CRM_IMPORT_RECORDS,
		CRM_IMPORT_RECORDS, CRM_IMPORT_RECORDS, CRM_IMPORT_ORDERS,
		CRM_IMPORT_INVENTORY };
	static const enum crm_import_mode modes[] = { CRM_IMPORT_UPSERT,
		CRM_IMPORT_INSERT, CRM_IMPORT_UPDATE, CRM_IMPORT_UPSERT };
	struct crm_import im, again;
	struct crm_fieldset order;
	struct crm_err err = CRM_ERR_INIT;
	char *rej = NULL, *plan = NULL;
	size_t rejlen = 0, planlen = 0;
	unsigned k;
	int64_t sum;
	FILE *fp;
	int r, stream;

	if (size < 2)
		return 0;
	k = (data[0] & 7) % 5;
	memset(&im, 0, sizeof(im));
	im.kind = kinds[k];
	if (k < 3 || k == 4) {
		im.fs = &fuzz_sets[k == 4 ? 2 : k];
	} else {
		crm_fieldset_builtin(&order, crm_entity_find("order"));
		im.fs = &order;
	}
	im.name = "fuzz.csv";
	im.delim = data[0] & 8 ? '\t' : ',';
	im.encoding = data[1] & 8 ? "LATIN1" : NULL;
	im.mode = modes[(data[0] >> 4) & 3];
	im.ignore_unknown = !!(data[0] & 64);
	im.take_stock = k == 3 && (data[0] & 128);
	im.missing_zero = k == 4 && (data[0] & 128);
	im.dry_run = data[1] & 1;
	im.max_rejects = data[1] & 2 ? 0 : -1;
	im.quiet = 1;
	stream = !!(data[1] & 4);
	data += 2;
	size -= 2;

	im.rejects = open_memstream(&rej, &rejlen);
	CHECK(im.rejects, "open_memstream");
	if (im.dry_run) {
		im.plan = open_memstream(&plan, &planlen);
		CHECK(im.plan, "open_memstream");
	}
	fp = input(data, size, stream);
	CHECK(fp, "input");
	CHECK(crm_db_begin(&fuzz_db, &err) == 0, "begin: %s", err.msg.buf);
	r = crm_import_run(&fuzz_db, &im, fp, &err);
	fclose(fp);
	fclose(im.rejects);
	if (im.plan)
		fclose(im.plan);
	if (r < 0) {
		CHECK((err.code == CRM_EX_USAGE ||
			err.code == CRM_EX_DATAERR) && err.msg.len,
			"import failed with code %d: '%s'", err.code,
			err.msg.buf);
		goto out;
	}
	CHECK(!err.code, "import returned 0 with error %d '%s'", err.code,
		err.msg.buf);
	sum = im.inserted + im.updated + im.unchanged + im.rejected +
		im.repeated;
	if (!im.aborted) {
		/* --missing zero counts the products it zeroes as updated. */
		CHECK(im.missing_zero ? im.read <= sum : im.read == sum,
			"%lld read, %lld inserted, %lld updated, %lld "
			"unchanged, %lld rejected, %lld repeated",
			(long long)im.read, (long long)im.inserted,
			(long long)im.updated, (long long)im.unchanged,
			(long long)im.rejected, (long long)im.repeated);
		CHECK(!im.dry_run || records(plan, planlen, '\t', 4) ==
			im.read + 1, "%lld rows read, a plan of:\n%.*s",
			(long long)im.read, (int)planlen, plan);
	} else {
		CHECK(im.rejected > im.max_rejects, "aborted after %lld "
			"rejects", (long long)im.rejected);
	}
	CHECK(records(rej, rejlen, im.delim, 0) ==
		(im.rejected ? im.rejected + 1 : 1), "%lld rejected, a "
		"rejects file of:\n%.*s", (long long)im.rejected,
		(int)rejlen, rej);

	/* The same file again changes nothing (SPEC 5). */
	if (im.mode == CRM_IMPORT_UPSERT && !im.dry_run && !im.aborted) {
		again = im;
		again.rejects = NULL;
		free(plan);
		plan = NULL;
		again.plan = open_memstream(&plan, &planlen);
		CHECK(again.plan, "open_memstream");
		fp = input(data, size, stream);
		r = crm_import_run(&fuzz_db, &again, fp, &err);
		fclose(fp);
		fclose(again.plan);
		CHECK(r == 0, "importing again failed: %s", err.msg.buf);
		check_again(plan, planlen);
		CHECK(!again.updated && !again.inserted, "importing again: %lld inserted, %lld "
			"updated (first: %lld inserted, %lld updated, %lld "
			"unchanged, %lld rejected)", (long long)again.inserted,
			(long long)again.updated, (long long)im.inserted,
			(long long)im.updated, (long long)im.unchanged,
			(long long)im.rejected);
	}
out:
	crm_db_rollback(&fuzz_db);
	if (k == 3)
		crm_fieldset_release(&order);
	free(rej);
	free(plan);
	crm_err_release(&err);
	return 0;
}
