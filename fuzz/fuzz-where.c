/*
 * fuzz-where - libFuzzer target for the selection compiler (lib/query.c):
 * --where, --sort and --fields against the customer and contact field
 * sets, then the compiled query run on a small database.
 *
 * Input: the first byte picks the entity; the rest is lines: the first
 * is a --sort spec, the second a --fields spec, every further line a
 * --where expression.  Beyond the sanitizers, it checks what record.h
 * promises: a refused filter is CRM_EX_USAGE with a message and adds no
 * condition, only = and != test for empty, and a query that compiled runs
 * without an error.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "record.h"

#define FUZZ_NAME "fuzz-where"
#include "fixture.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FILE *sink;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char *const c1[] = { "name=Ada Lovelace",
		"email=ada@example.com", "phone=+44 20 7946 0000",
		"city=London", "segment=retail", "ref=ERP-1", NULL };
	static const char *const c2[] = { "name=张三丰", "kind=company",
		"email=zhang@example.cn", "city=北京", "address=1 Road\n2F",
		NULL };
	static const char *const c3[] = { "name=x' OR 1=1 --", "ref=100%",
		NULL };
	static const char *const k1[] = { "customer=1", "name=Kim",
		"email=kim@example.com", "title=CEO", NULL };
	static const char *const k2[] = { "customer=zhang@example.cn",
		"name=Lee", NULL };
	static const char *const entities[] = { "customer", "contact",
		NULL };

	(void)argc;
	(void)argv;
	fuzz_open(entities);
	fuzz_add(&fuzz_sets[0], c1);
	fuzz_add(&fuzz_sets[0], c2);
	fuzz_add(&fuzz_sets[0], c3);
	fuzz_add(&fuzz_sets[1], k1);
	fuzz_add(&fuzz_sets[1], k2);
	sink = fopen("/dev/null", "w");
	CHECK(sink, "cannot open /dev/null");
	return 0;
}

/* The next line of *p (NUL-terminated in place), or NULL at the end. */
static char *
next_line(char **p)
{
	char *s = *p, *nl;

	if (!s)
		return NULL;
	nl = strchr(s, '\n');
	if (nl) {
		*nl = '\0';
		*p = nl + 1;
	} else {
		*p = NULL;
	}
	return s;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct crm_field **fields = NULL;
	const char **names = NULL;
	struct crm_fieldset *fs;
	struct crm_query q;
	struct crm_out out;
	struct crm_err err = CRM_ERR_INIT;
	char *buf, *p, *sort, *spec, *expr;
	size_t n = 0, i;
	int64_t rows;

	if (!size)
		return 0;
	fs = &fuzz_sets[data[0] & 1];
	buf = malloc(size);
	memcpy(buf, data + 1, size - 1);
	buf[size - 1] = '\0';
	p = buf;
	sort = next_line(&p);
	spec = next_line(&p);
	crm_query_init(&q, fs);
	q.limit = 5;
	if (crm_query_sort(&q, sort ? sort : "", &err) < 0) {
		CHECK(err.code == CRM_EX_USAGE && err.msg.len,
			"sort '%s': code %d '%s'", sort, err.code, err.msg.buf);
		goto out;
	}
	if (crm_fields_parse(fs, spec, &fields, &n, &err) < 0) {
		CHECK(err.code == CRM_EX_USAGE && err.msg.len,
			"fields '%s': code %d '%s'", spec, err.code,
			err.msg.buf);
		fields = NULL;
		goto out;
	}
	while ((expr = next_line(&p))) {
		size_t before = q.nconds;

		if (crm_query_where(&q, &fuzz_db, expr, &err) == 0) {
			const struct crm_cond *c = &q.conds[before];

			CHECK(q.nconds == before + 1, "where '%s' added %zu",
				expr, q.nconds - before);
			CHECK(!c->empty || c->op == CRM_OP_EQ ||
				c->op == CRM_OP_NE, "where '%s': op %d tests "
				"for empty", expr, (int)c->op);
			continue;
		}
		CHECK(err.code == CRM_EX_USAGE && err.msg.len,
			"where '%s': code %d '%s'", expr, err.code,
			err.msg.buf);
		CHECK(q.nconds == before, "refused where '%s' added one",
			expr);
		crm_err_clear(&err);
	}
	names = calloc(n + 1, sizeof(*names));
	for (i = 0; i < n; i++)
		names[i] = fields[i]->name;
	crm_out_begin(&out, sink, CRM_FMT_JSON, 1, names, n);
	rows = crm_query_run(&fuzz_db, &q, fields, n, &out, &err);
	CHECK(rows >= 0 && rows <= 5, "query failed (%lld): %s",
		(long long)rows, err.msg.buf);
	crm_out_end(&out);
out:
	crm_query_release(&q);
	crm_err_release(&err);
	free(names);
	free(fields);
	free(buf);
	return 0;
}
