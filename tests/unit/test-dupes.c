/* test-dupes - lib/dupes.h: probable duplicate customers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "fixture.h"

#include "dupes.h"
#include "record.h"
#include "banned.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

typedef void (*key_fn)(const char *, struct crm_buf *);

struct key_case {
	const char *in;
	const char *want;
};

static void
run_keys(const char *what, key_fn fn, const struct key_case *cases,
	size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		struct crm_buf out = CRM_BUF_INIT;

		crm_buf_adds(&out, "|");	/* keys are appended */
		fn(cases[i].in, &out);
		if (strcmp(out.buf + 1, cases[i].want))
			fail_msg("%s key of '%s': '%s', want '%s'", what,
				cases[i].in, out.buf + 1, cases[i].want);
		assert_int_equal(out.buf[0], '|');
		crm_buf_release(&out);
	}
}

/* email: "+tag" dropped, and for gmail.com the dots too. */
static void
email_keys(void **state)
{
	static const struct key_case cases[] = {
		{ "ada@example.com", "ada@example.com" },
		{ "ada+crm@example.com", "ada@example.com" },
		{ "ada+a+b@example.com", "ada@example.com" },
		{ "a.d.a@example.com", "a.d.a@example.com" },
		{ "a.d.a+x@gmail.com", "ada@gmail.com" },
		{ "ada@googlemail.com", "ada@gmail.com" },
		{ "+tag@example.com", "+tag@example.com" },
		{ "", "" },
		{ "no-at-sign", "" },
	};

	(void)state;
	run_keys("email", crm_dupe_email_key, cases, ARRAY_SIZE(cases));
}

/* phone: the last ten digits, the whole number when shorter. */
static void
phone_keys(void **state)
{
	static const struct key_case cases[] = {
		{ "+8613800138000", "3800138000" },
		{ "13800138000", "3800138000" },
		{ "0013800138000", "3800138000" },
		{ "12345", "12345" },
		{ "+15550109999", "5550109999" },
		{ "5550109999", "5550109999" },
		{ "", "" },
	};

	(void)state;
	run_keys("phone", crm_dupe_phone_key, cases, ARRAY_SIZE(cases));
}

/* name: NFKC case folded, spaces and punctuation removed. */
static void
name_keys(void **state)
{
	static const struct key_case cases[] = {
		{ "ACME Ltd.", "acmeltd" },
		{ "\xef\xbc\xa1\xef\xbc\xa3\xef\xbc\xad\xef\xbc\xa5 Ltd.",
		  "acmeltd" },
		{ "acme ltd", "acmeltd" },
		{ "A.C.M.E. (Ltd)", "acmeltd" },
		{ "张 三", "张三" },
		{ "张\xe3\x80\x80三", "张三" },			/* U+3000 */
		{ "张三\xe3\x80\x82", "张三" },			/* 。 */
		{ "阿里巴巴\xef\xbc\x88中国\xef\xbc\x89", "阿里巴巴中国" },
		{ "Jean-Luc", "jeanluc" },
		{ "R2D2", "r2d2" },
		{ "", "" },
		{ " ... ", "" },
	};

	(void)state;
	run_keys("name", crm_dupe_name_key, cases, ARRAY_SIZE(cases));
}

/* The keys that should meet do; ones that should not, do not. */
static void
keys_meet(void **state)
{
	static const struct {
		key_fn fn;
		const char *a, *b;
		int same;
	} pairs[] = {
		{ crm_dupe_email_key, "jo.doe+shop@gmail.com",
		  "jodoe@gmail.com", 1 },
		{ crm_dupe_email_key, "jo.doe@example.com", "jodoe@example.com",
		  0 },
		{ crm_dupe_phone_key, "+86 138 0013 8000", "13800138000", 1 },
		{ crm_dupe_phone_key, "13800138000", "13800138001", 0 },
		{ crm_dupe_name_key, "\xef\xbc\xa1\xef\xbc\xa3\xef\xbc\xad"
		  "\xef\xbc\xa5 Ltd.", "acme ltd", 1 },
		{ crm_dupe_name_key, "Acme", "Acme Ltd", 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(pairs); i++) {
		struct crm_buf a = CRM_BUF_INIT, b = CRM_BUF_INIT;

		pairs[i].fn(pairs[i].a, &a);
		pairs[i].fn(pairs[i].b, &b);
		if ((strcmp(a.buf, b.buf) == 0) != pairs[i].same)
			fail_msg("pair %zu: '%s' -> '%s', '%s' -> '%s'", i,
				pairs[i].a, a.buf, pairs[i].b, b.buf);
		crm_buf_release(&a);
		crm_buf_release(&b);
	}
}

/* ---- crm_dupes over a database ----------------------------------------- */

struct ctx {
	struct fixture fx;
	struct crm_db db;
	struct crm_fieldset fs;
	struct crm_buf seen;	/* "id other reasons;" per pair */
	int stop_after;		/* 0: never */
	int calls;
};

static int
setup(void **state)
{
	struct ctx *c = calloc(1, sizeof(*c));

	if (!c)
		return -1;
	if (fixture_open(&c->fx, &c->db) < 0)
		return -1;
	crm_buf_init(&c->seen);
	crm_fieldset_builtin(&c->fs, crm_entity_find("customer"));
	*state = c;
	return 0;
}

static int
teardown(void **state)
{
	struct ctx *c = *state;

	crm_fieldset_release(&c->fs);
	fixture_close(&c->fx, &c->db);
	crm_buf_release(&c->seen);
	free(c);
	return 0;
}

/* Sort the comma-separated reasons so the test does not depend on the
 * order group_concat happens to give. */
static void
add_sorted(struct crm_buf *b, const char *reasons)
{
	static const char *const all[] = { "email", "name", "phone" };
	size_t i, n = 0;

	for (i = 0; i < ARRAY_SIZE(all); i++)
		if (strstr(reasons, all[i]))
			crm_buf_addf(b, "%s%s", n++ ? "," : "", all[i]);
}

static int
collect(int64_t id, int64_t other, const char *reasons, void *arg)
{
	struct ctx *c = arg;

	crm_buf_addf(&c->seen, "%lld %lld ", (long long)id,
		(long long)other);
	add_sorted(&c->seen, reasons);
	crm_buf_addch(&c->seen, ';');
	c->calls++;
	return c->stop_after && c->calls >= c->stop_after;
}

/* Each pair once, id < other, in id order, with its reasons. */
static void
dupes_pairs(void **state)
{
	struct ctx *c = *state;
	struct crm_err err = CRM_ERR_INIT;

	fixture_add(&c->db, &c->fs, "name=ACME Ltd.",
		"email=jo.doe+shop@gmail.com", NULL);			/* 1 */
	fixture_add(&c->db, &c->fs, "name=Zhang San",
		"phone=+86 138 0013 8000", NULL);			/* 2 */
	fixture_add(&c->db, &c->fs,					/* 3 */
		"name=\xef\xbc\xa1\xef\xbc\xa3\xef\xbc\xad\xef\xbc\xa5 ltd",
		"email=jodoe@gmail.com", NULL);
	fixture_add(&c->db, &c->fs, "name=Someone Else", "phone=13800138000",
		NULL);							/* 4 */
	fixture_add(&c->db, &c->fs, "name=Unrelated", "email=u@example.com",
		"phone=5550109999", NULL);				/* 5 */
	assert_int_equal(crm_dupes(&c->db, collect, c, &err), 0);
	assert_string_equal(c->seen.buf, "1 3 email,name;2 4 phone;");
	assert_int_equal(err.code, 0);
}

/* No duplicates: fn is not called. */
static void
dupes_none(void **state)
{
	struct ctx *c = *state;
	struct crm_err err = CRM_ERR_INIT;

	assert_int_equal(crm_dupes(&c->db, collect, c, &err), 0);
	fixture_add(&c->db, &c->fs, "name=One", "email=one@example.com",
		"phone=12345", NULL);
	fixture_add(&c->db, &c->fs, "name=Two", "email=two@example.com",
		"phone=54321", NULL);
	assert_int_equal(crm_dupes(&c->db, collect, c, &err), 0);
	assert_int_equal(c->calls, 0);
}

/* fn returning non-zero stops the walk. */
static void
dupes_stop(void **state)
{
	struct ctx *c = *state;
	struct crm_err err = CRM_ERR_INIT;

	fixture_add(&c->db, &c->fs, "name=Same", NULL);
	fixture_add(&c->db, &c->fs, "name=Same", NULL);
	fixture_add(&c->db, &c->fs, "name=Same", NULL);
	c->stop_after = 1;
	assert_int_equal(crm_dupes(&c->db, collect, c, &err), 0);
	assert_int_equal(c->calls, 1);
	assert_string_equal(c->seen.buf, "1 2 name;");
	c->stop_after = 0;
	c->calls = 0;
	crm_buf_reset(&c->seen);
	assert_int_equal(crm_dupes(&c->db, collect, c, &err), 0);
	assert_string_equal(c->seen.buf, "1 2 name;1 3 name;2 3 name;");
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(email_keys),
		cmocka_unit_test(phone_keys),
		cmocka_unit_test(name_keys),
		cmocka_unit_test(keys_meet),
		T(dupes_pairs),
		T(dupes_none),
		T(dupes_stop),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
