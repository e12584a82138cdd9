/*
 * test-query - lib/record.h: records (find, insert, update, delete, merge)
 * and selecting them (lib/query.c: --where, --sort, --fields, running).
 *
 * Each test gets a fresh database in a temporary folder.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "fixture.h"

#include "record.h"
#include "banned.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

struct ctx {
	struct fixture fx;
	struct crm_db db;
	struct crm_fieldset cust, cont;
	struct crm_query q;
};

static int
setup(void **state)
{
	struct ctx *c = calloc(1, sizeof(*c));

	if (!c)
		return -1;
	if (fixture_open(&c->fx, &c->db) < 0)
		return -1;
	crm_fieldset_builtin(&c->cust, crm_entity_find("customer"));
	crm_fieldset_builtin(&c->cont, crm_entity_find("contact"));
	crm_query_init(&c->q, &c->cust);
	setenv("TZ", "UTC", 1);
	setenv("CRM_TODAY", "2026-11-22", 1);
	*state = c;
	return 0;
}

static int
teardown(void **state)
{
	struct ctx *c = *state;

	crm_query_release(&c->q);
	crm_fieldset_release(&c->cust);
	crm_fieldset_release(&c->cont);
	fixture_close(&c->fx, &c->db);
	free(c);
	return 0;
}

/* Insert expecting a failure; returns the error code, message in msg. */
static int
add_fails(struct ctx *c, struct crm_fieldset *fs, struct crm_buf *msg, ...)
{
	struct crm_err err = CRM_ERR_INIT;
	va_list ap;
	int64_t id;
	int code;

	va_start(ap, msg);
	id = fixture_vinsert(&c->db, fs, &err, ap);
	va_end(ap);
	if (id >= 0)
		fail_msg("insert succeeded (id %lld)", (long long)id);
	code = err.code;
	if (msg)
		crm_buf_sets(msg, err.msg.buf);
	crm_err_release(&err);
	return code;
}

/* Run c->q, writing fields (spec as --fields) as headerless TSV. */
static char *
run(struct ctx *c, const char *spec)
{
	const struct crm_field **fields = NULL;
	struct crm_err err = CRM_ERR_INIT;
	struct crm_out out;
	const char **names;
	char *buf = NULL;
	size_t len = 0, n = 0, i;
	FILE *fp = open_memstream(&buf, &len);
	int64_t rows;

	assert_non_null(fp);
	if (crm_fields_parse(c->q.fs, spec, &fields, &n, &err) < 0)
		fail_msg("fields '%s': %s", spec, err.msg.buf);
	names = calloc(n + 1, sizeof(*names));
	for (i = 0; i < n; i++)
		names[i] = fields[i]->name;
	crm_out_begin(&out, fp, CRM_FMT_TSV, 0, names, n);
	rows = crm_query_run(&c->db, &c->q, fields, n, &out, &err);
	if (rows < 0)
		fail_msg("query: %s", err.msg.buf);
	crm_out_end(&out);
	fclose(fp);
	free(names);
	free(fields);
	return buf;
}

/* A fresh query on c's customers with one --where, run for field spec. */
static char *
where1(struct ctx *c, const char *expr, const char *spec)
{
	struct crm_err err = CRM_ERR_INIT;

	crm_query_release(&c->q);
	crm_query_init(&c->q, &c->cust);
	if (crm_query_where(&c->q, &c->db, expr, &err) < 0)
		fail_msg("where '%s': %s", expr, err.msg.buf);
	return run(c, spec);
}

#define ASSERT_WHERE(c, expr, spec, want) do { \
	char *got_ = where1((c), (expr), (spec)); \
	if (strcmp(got_, (want))) \
		fail_msg("where '%s': got '%s', want '%s'", (expr), got_, \
			(want)); \
	free(got_); \
} while (0)

/* Expect crm_query_where to refuse expr; returns the error. */
static void
where_fails(struct ctx *c, const char *expr, int code, const char *part)
{
	struct crm_err err = CRM_ERR_INIT;

	crm_query_release(&c->q);
	crm_query_init(&c->q, &c->cust);
	if (crm_query_where(&c->q, &c->db, expr, &err) == 0)
		fail_msg("where '%s' accepted", expr);
	if (err.code != code)
		fail_msg("where '%s': code %d (%s), want %d", expr, err.code,
			err.msg.buf, code);
	if (part && !strstr(err.msg.buf, part))
		fail_msg("where '%s': message '%s' lacks '%s'", expr,
			err.msg.buf, part);
	assert_int_equal(c->q.nconds, 0);
	crm_err_release(&err);
}

/* An integer from SQL. */
static long long
sql_int(struct ctx *c, const char *sql)
{
	return crm_db_int(&c->db, sql, -999);
}

/* Three customers most tests can use: 1 Ada, 2 张三, 3 Bob. */
static void
three(struct ctx *c)
{
	fixture_add(&c->db, &c->cust, "name=Ada Lovelace",
		"email=ada@example.com", "city=London",
		"phone=+44 20 7946 0000", NULL);
	fixture_add(&c->db, &c->cust, "name=张三", "email=zhang@example.cn",
		"city=北京", "kind=company", NULL);
	fixture_add(&c->db, &c->cust, "name=Bob", "segment=retail", NULL);
}

/* ---- --where --------------------------------------------------------- */

/* An unknown field is CRM_EX_USAGE and lists the known ones. */
static void
where_unknown_field(void **state)
{
	struct ctx *c = *state;

	where_fails(c, "nosuch=1", CRM_EX_USAGE, "unknown field 'nosuch'");
	where_fails(c, "nosuch=1", CRM_EX_USAGE,
		"id, name, kind, email, phone");
	where_fails(c, "Name=Ada", CRM_EX_USAGE, "unknown field 'Name'");
}

/* No operator, no field: a malformed filter is CRM_EX_USAGE. */
static void
where_malformed(void **state)
{
	static const char *const bad[] = {
		"name", "=Ada", "name Ada", "", "   ", "name!Ada", "~x",
		"na me=Ada", "名字=x",
	};
	struct ctx *c = *state;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		where_fails(c, bad[i], CRM_EX_USAGE, NULL);
	where_fails(c, "name", CRM_EX_USAGE, "'name'");
}

/* '~' needs a text field. */
static void
where_like_needs_text(void **state)
{
	struct ctx *c = *state;
	struct crm_err err = CRM_ERR_INIT;

	where_fails(c, "id~1", CRM_EX_USAGE, "~");
	crm_query_release(&c->q);
	crm_query_init(&c->q, &c->cont);
	assert_int_equal(crm_query_where(&c->q, &c->db, "customer~1", &err),
		-1);
	assert_int_equal(err.code, CRM_EX_USAGE);
	crm_err_release(&err);
}

/* Only = and != take an empty value. */
static void
where_empty_value_ops(void **state)
{
	struct ctx *c = *state;

	where_fails(c, "name<", CRM_EX_USAGE, NULL);
	where_fails(c, "name>=", CRM_EX_USAGE, NULL);
	where_fails(c, "name~", CRM_EX_USAGE, NULL);
}

/* ...and a value that is only blanks is no value either. */
static void
where_blank_value_ops(void **state)
{
	struct ctx *c = *state;

	three(c);
	where_fails(c, "name<   ", CRM_EX_USAGE, NULL);
	where_fails(c, "id>  ", CRM_EX_USAGE, NULL);
	/* white space that the field's cleaning drops */
	where_fails(c, "created_at>=\r", CRM_EX_USAGE, "only = and !=");
	where_fails(c, "name<\n", CRM_EX_USAGE, "only = and !=");
	ASSERT_WHERE(c, "name=\r", "id", "");
}

/* The value is checked by the field's type. */
static void
where_value_checked(void **state)
{
	struct ctx *c = *state;

	where_fails(c, "id=abc", CRM_EX_USAGE, "'abc'");
	where_fails(c, "email=not-an-email", CRM_EX_USAGE, "not-an-email");
	where_fails(c, "kind=robot", CRM_EX_USAGE, "person, company");
	where_fails(c, "created_at>someday", CRM_EX_USAGE, NULL);
	where_fails(c, "phone=12", CRM_EX_USAGE, NULL);
}

/* Every operator, values normalized like stored ones. */
static void
where_operators(void **state)
{
	struct ctx *c = *state;

	three(c);
	ASSERT_WHERE(c, "name=Bob", "id", "3\n");
	ASSERT_WHERE(c, "name=bob", "id", "");		/* = is exact */
	ASSERT_WHERE(c, "name!=Bob", "id", "1\n2\n");
	ASSERT_WHERE(c, "id<2", "id", "1\n");
	ASSERT_WHERE(c, "id<=2", "id", "1\n2\n");
	ASSERT_WHERE(c, "id>2", "id", "3\n");
	ASSERT_WHERE(c, "id>=2", "id", "2\n3\n");
	ASSERT_WHERE(c, "email=ADA@Example.COM", "id", "1\n");
	ASSERT_WHERE(c, "phone=+44 (20) 7946-0000", "id", "1\n");
	ASSERT_WHERE(c, "kind=COMPANY", "id", "2\n");
	ASSERT_WHERE(c, "kind=person", "id", "1\n3\n");
	ASSERT_WHERE(c, "created_at>=2000-01-01", "id", "1\n2\n3\n");
	ASSERT_WHERE(c, "created_at<2000-01-01", "id", "");
	ASSERT_WHERE(c, "city=北京", "id", "2\n");
	ASSERT_WHERE(c, "name = Bob", "id", "3\n");	/* spaces */
	ASSERT_WHERE(c, "created-at>2000-01-01", "id", "1\n2\n3\n");
}

/* '~': case-insensitive substring, full width folded. */
static void
where_like(void **state)
{
	struct ctx *c = *state;

	three(c);
	ASSERT_WHERE(c, "name~love", "id", "1\n");
	ASSERT_WHERE(c, "name~LOVE", "id", "1\n");
	/* full width ＬＯ */
	ASSERT_WHERE(c, "name~\xef\xbc\xac\xef\xbc\xaf", "id", "1\n");
	ASSERT_WHERE(c, "name~三", "id", "2\n");
	ASSERT_WHERE(c, "name~o", "id", "1\n3\n");
	ASSERT_WHERE(c, "email~EXAMPLE", "id", "1\n2\n");
	ASSERT_WHERE(c, "city~don", "id", "1\n");
	ASSERT_WHERE(c, "name~zzz", "id", "");
}

/* Spaces around '~' are spaces around the operator, as for '='. */
static void
where_like_spaces(void **state)
{
	struct ctx *c = *state;

	three(c);
	ASSERT_WHERE(c, "name ~ ada", "id", "1\n");
	ASSERT_WHERE(c, "city ~ don", "id", "1\n");
}

/* FIELD= matches an empty field; FIELD!= a non-empty one. */
static void
where_empty_field(void **state)
{
	struct ctx *c = *state;

	three(c);
	ASSERT_WHERE(c, "city=", "id", "3\n");
	ASSERT_WHERE(c, "city!=", "id", "1\n2\n");
	ASSERT_WHERE(c, "segment=", "id", "1\n2\n");
	ASSERT_WHERE(c, "email=", "id", "3\n");
	ASSERT_WHERE(c, "phone!=", "id", "1\n");
}

/* Values are bound, never pasted: SQL and LIKE characters are literal. */
static void
where_values_literal(void **state)
{
	static const char *const names[] = {
		"x' OR 1=1 --", "100%", "100 percent", "a_b", "axb",
		"Robert'); DROP TABLE customers;--", "back\\slash",
		"quote\"d",
	};
	struct ctx *c = *state;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		struct crm_buf s = CRM_BUF_INIT;

		crm_buf_addf(&s, "name=%s", names[i]);
		fixture_add(&c->db, &c->cust, s.buf, NULL);
		crm_buf_release(&s);
	}
	ASSERT_WHERE(c, "name=x' OR 1=1 --", "id", "1\n");
	ASSERT_WHERE(c, "name!=x' OR 1=1 --", "id", "2\n3\n4\n5\n6\n7\n8\n");
	ASSERT_WHERE(c, "name~%", "id", "2\n");
	ASSERT_WHERE(c, "name~_", "id", "4\n");
	ASSERT_WHERE(c, "name~'", "id", "1\n6\n");
	ASSERT_WHERE(c, "name~\\", "id", "7\n");
	ASSERT_WHERE(c, "name~\"", "id", "8\n");
	ASSERT_WHERE(c, "name~' OR '1'='1", "id", "");
	ASSERT_WHERE(c, "name=Robert'); DROP TABLE customers;--", "id",
		"6\n");
	ASSERT_WHERE(c, "name>x' OR 1=1 --", "id", "");
	assert_int_equal(sql_int(c, "SELECT count(*) FROM customers"), 8);
}

/* Several conditions: all must hold. */
static void
where_all_hold(void **state)
{
	struct ctx *c = *state;
	struct crm_err err = CRM_ERR_INIT;
	char *s;

	three(c);
	crm_query_release(&c->q);
	crm_query_init(&c->q, &c->cust);
	assert_int_equal(crm_query_where(&c->q, &c->db, "kind=person", &err),
		0);
	assert_int_equal(crm_query_where(&c->q, &c->db, "name~o", &err), 0);
	assert_int_equal(crm_query_where(&c->q, &c->db, "city!=", &err), 0);
	assert_int_equal(c->q.nconds, 3);
	s = run(c, "id");
	assert_string_equal(s, "1\n");
	free(s);
	/* a failing one adds nothing and keeps the others */
	assert_int_equal(crm_query_where(&c->q, &c->db, "bad", &err), -1);
	assert_int_equal(c->q.nconds, 3);
	crm_err_release(&err);
}

/* A reference is matched by id or by the referred record's key. */
static void
where_reference(void **state)
{
	struct ctx *c = *state;
	struct crm_err err = CRM_ERR_INIT;
	char *s;

	three(c);
	fixture_add(&c->db, &c->cont, "customer=1", "name=Kim", NULL);
	fixture_add(&c->db, &c->cont, "customer=2", "name=Lee", NULL);
	crm_query_release(&c->q);
	crm_query_init(&c->q, &c->cont);
	assert_int_equal(crm_query_where(&c->q, &c->db,
		"customer=zhang@example.cn", &err), 0);
	s = run(c, "name");
	assert_string_equal(s, "Lee\n");
	free(s);
	/* a record that does not exist is referred to by nothing */
	crm_query_release(&c->q);
	crm_query_init(&c->q, &c->cont);
	assert_int_equal(crm_query_where(&c->q, &c->db,
		"customer=nobody@example.com", &err), 0);
	s = run(c, "name");
	assert_string_equal(s, "");
	free(s);
	crm_query_release(&c->q);
	crm_query_init(&c->q, &c->cont);
	assert_int_equal(crm_query_where(&c->q, &c->db, "customer!=2", &err),
		0);
	s = run(c, "name");
	assert_string_equal(s, "Kim\n");
	free(s);
	assert_int_equal(err.code, 0);
}

/* REF.FIELD: a field of the record a reference names, in --fields,
 * --where and --sort alike; empty where the reference is. */
static void
ref_field(void **state)
{
	struct ctx *c = *state;
	struct crm_err err = CRM_ERR_INIT;
	const struct crm_field **fields = NULL;
	size_t n;
	char *s;

	three(c);
	fixture_add(&c->db, &c->cont, "customer=2", "name=Kim", NULL);
	fixture_add(&c->db, &c->cont, "customer=1", "name=Lee", NULL);
	fixture_add(&c->db, &c->cont, "customer=3", "name=Max", NULL);
	crm_query_release(&c->q);
	crm_query_init(&c->q, &c->cont);
	s = run(c, "name,customer.email,customer.city");
	assert_string_equal(s, "Kim\tzhang@example.cn\t北京\n"
		"Lee\tada@example.com\tLondon\nMax\t\t\n");
	free(s);
	/* the same pair is the same field */
	assert_int_equal(crm_fields_parse(&c->cont, "customer.email,"
		"customer.email", &fields, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_ptr_equal(fields[0], fields[1]);
	assert_true(fields[0]->flags & CRM_F_READONLY);
	free(fields);
	/* a value is cleaned as the referenced field's: an email lowercased */
	assert_int_equal(crm_query_where(&c->q, &c->db,
		"customer.email=ADA@Example.com", &err), 0);
	s = run(c, "name");
	assert_string_equal(s, "Lee\n");
	free(s);
	crm_query_release(&c->q);
	crm_query_init(&c->q, &c->cont);
	assert_int_equal(crm_query_sort(&c->q, "-customer.name", &err), 0);
	s = run(c, "name");
	assert_string_equal(s, "Kim\nMax\nLee\n");
	free(s);
	/* unknown: the fields of what the reference names are listed */
	assert_int_equal(crm_fields_parse(&c->cont, "name,customer.nosuch",
		&fields, &n, &err), -1);
	assert_int_equal(err.code, CRM_EX_USAGE);
	assert_non_null(strstr(err.msg.buf, "customer.email"));
	crm_err_clear(&err);
	/* a derived field of it is not one: its SQL is over "t" */
	assert_int_equal(crm_query_sort(&c->q, "customer.orders", &err), -1);
	assert_int_equal(err.code, CRM_EX_USAGE);
	crm_err_clear(&err);
	/* a field that is no reference has no fields */
	assert_int_equal(crm_query_where(&c->q, &c->db, "name.x=1", &err),
		-1);
	assert_int_equal(err.code, CRM_EX_USAGE);
	assert_non_null(strstr(err.msg.buf, "unknown field 'name.x'"));
	crm_err_release(&err);
}

/* ---- --sort, limit, offset ------------------------------------------- */

static void
sort_keys(void **state)
{
	struct ctx *c = *state;
	struct crm_err err = CRM_ERR_INIT;
	char *s;

	fixture_add(&c->db, &c->cust, "name=b", "city=X", NULL);
	fixture_add(&c->db, &c->cust, "name=a", "city=Y", NULL);
	fixture_add(&c->db, &c->cust, "name=c", "city=X", NULL);
	fixture_add(&c->db, &c->cust, "name=a", "city=X", NULL);

	assert_int_equal(crm_query_sort(&c->q, "name", &err), 0);
	s = run(c, "id");
	assert_string_equal(s, "2\n4\n1\n3\n");	/* ties by id */
	free(s);

	crm_query_release(&c->q);
	crm_query_init(&c->q, &c->cust);
	assert_int_equal(crm_query_sort(&c->q, "-name", &err), 0);
	s = run(c, "id");
	assert_string_equal(s, "3\n1\n2\n4\n");
	free(s);

	crm_query_release(&c->q);
	crm_query_init(&c->q, &c->cust);
	assert_int_equal(crm_query_sort(&c->q, "city,-name", &err), 0);
	assert_int_equal(c->q.nsort, 2);
	s = run(c, "id");
	assert_string_equal(s, "3\n1\n4\n2\n");
	free(s);

	crm_query_release(&c->q);
	crm_query_init(&c->q, &c->cust);
	assert_int_equal(crm_query_sort(&c->q, "+city", &err), 0);
	assert_int_equal(crm_query_sort(&c->q, "-id", &err), 0);
	s = run(c, "id");
	assert_string_equal(s, "4\n3\n1\n2\n");
	free(s);
	crm_err_release(&err);
}

static void
sort_errors(void **state)
{
	static const char *const bad[] = { "nosuch", "name,nosuch", ",name",
		"-", "name,,id" };
	struct ctx *c = *state;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		struct crm_err err = CRM_ERR_INIT;

		if (crm_query_sort(&c->q, bad[i], &err) == 0)
			fail_msg("sort '%s' accepted", bad[i]);
		assert_int_equal(err.code, CRM_EX_USAGE);
		crm_err_release(&err);
	}
	{
		struct crm_err err = CRM_ERR_INIT;

		crm_query_sort(&c->q, "nosuch", &err);
		assert_non_null(strstr(err.msg.buf, "'nosuch'"));
		assert_non_null(strstr(err.msg.buf, "id, name"));
		crm_err_release(&err);
	}
}

static void
limit_offset_only_id(void **state)
{
	struct ctx *c = *state;
	char *s;

	three(c);
	c->q.limit = 2;
	s = run(c, "id");
	assert_string_equal(s, "1\n2\n");
	free(s);
	c->q.offset = 1;
	s = run(c, "id");
	assert_string_equal(s, "2\n3\n");
	free(s);
	c->q.limit = -1;
	c->q.offset = 2;
	s = run(c, "id");
	assert_string_equal(s, "3\n");
	free(s);
	c->q.offset = 0;
	c->q.only_id = 2;
	s = run(c, "name");
	assert_string_equal(s, "张三\n");
	free(s);
}

/* crm_query_run returns the number of rows, 0 for none. */
static void
run_counts_rows(void **state)
{
	struct ctx *c = *state;
	const struct crm_field *f = crm_fieldset_find(&c->cust, "id");
	struct crm_err err = CRM_ERR_INIT;
	struct crm_out out;
	FILE *fp = tmpfile();

	crm_out_begin(&out, fp, CRM_FMT_TSV, 0, &f->name, 1);
	assert_int_equal(crm_query_run(&c->db, &c->q, &f, 1, &out, &err), 0);
	three(c);
	assert_int_equal(crm_query_run(&c->db, &c->q, &f, 1, &out, &err), 3);
	crm_out_end(&out);
	fclose(fp);
}

/* Cells by type: money and numbers bare in JSON, empty as null. */
static void
run_cells_json(void **state)
{
	struct ctx *c = *state;
	const struct crm_field *fields[3];
	static const char *const names[] = { "id", "name", "city" };
	struct crm_err err = CRM_ERR_INIT;
	struct crm_out out;
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	fixture_add(&c->db, &c->cust, "name=Bob", NULL);
	fields[0] = crm_fieldset_find(&c->cust, "id");
	fields[1] = crm_fieldset_find(&c->cust, "name");
	fields[2] = crm_fieldset_find(&c->cust, "city");
	crm_out_begin(&out, fp, CRM_FMT_JSON, 1, names, 3);
	assert_int_equal(crm_query_run(&c->db, &c->q, fields, 3, &out, &err),
		1);
	crm_out_end(&out);
	fclose(fp);
	assert_string_equal(buf, "{\"id\":1,\"name\":\"Bob\",\"city\":null}\n");
	free(buf);
}

/* ---- --fields -------------------------------------------------------- */

static void
fields_parse(void **state)
{
	struct ctx *c = *state;
	const struct crm_field **f = NULL;
	struct crm_err err = CRM_ERR_INIT;
	size_t n = 99, i, k;

	/* NULL and "": the list columns */
	assert_int_equal(crm_fields_parse(&c->cust, NULL, &f, &n, &err), 0);
	for (i = 0, k = 0; i < c->cust.n; i++)
		if (c->cust.f[i]->flags & CRM_F_LIST)
			assert_ptr_equal(f[k++], c->cust.f[i]);
	assert_int_equal(n, k);
	assert_string_equal(f[0]->name, "id");
	free(f);
	assert_int_equal(crm_fields_parse(&c->cust, "", &f, &n, &err), 0);
	assert_int_equal(n, k);
	free(f);
	/* "all": every field */
	assert_int_equal(crm_fields_parse(&c->cust, "all", &f, &n, &err), 0);
	assert_int_equal(n, c->cust.n);
	for (i = 0; i < n; i++)
		assert_ptr_equal(f[i], c->cust.f[i]);
	free(f);
	/* a list, in its order, repeats allowed */
	assert_int_equal(crm_fields_parse(&c->cust, "email,name,email", &f, &n,
		&err), 0);
	assert_int_equal(n, 3);
	assert_string_equal(f[0]->name, "email");
	assert_string_equal(f[1]->name, "name");
	assert_string_equal(f[2]->name, "email");
	free(f);
	assert_int_equal(err.code, 0);
}

static void
fields_errors(void **state)
{
	static const char *const bad[] = { "name,nosuch", "name,,id", ",",
		"ALL", "all,name", "name id" };
	struct ctx *c = *state;
	const struct crm_field **f = NULL;
	size_t i, n;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		struct crm_err err = CRM_ERR_INIT;

		f = NULL;
		if (crm_fields_parse(&c->cust, bad[i], &f, &n, &err) == 0)
			fail_msg("--fields '%s' accepted", bad[i]);
		assert_int_equal(err.code, CRM_EX_USAGE);
		crm_err_release(&err);
	}
	{
		struct crm_err err = CRM_ERR_INIT;

		crm_fields_parse(&c->cust, "name,nosuch", &f, &n, &err);
		assert_non_null(strstr(err.msg.buf, "'nosuch'"));
		assert_non_null(strstr(err.msg.buf, "known: id, name"));
		crm_err_release(&err);
	}
}

/* ---- values, assignments, finding ------------------------------------- */

static void
field_parse_types(void **state)
{
	struct ctx *c = *state;
	struct crm_val v = CRM_VAL_INIT;
	struct crm_err err = CRM_ERR_INIT;
	const struct crm_field *f;

	f = crm_fieldset_find(&c->cust, "name");
	assert_int_equal(crm_field_parse(NULL, f, "  Ada ", &v, &err), 0);
	assert_int_equal(v.kind, CRM_TEXT);
	assert_string_equal(v.s.buf, "Ada");
	/* empty text gives NULL */
	assert_int_equal(crm_field_parse(NULL, f, "", &v, &err), 0);
	assert_int_equal(v.kind, CRM_NULL);
	assert_int_equal(crm_field_parse(NULL, f, " \t", &v, &err), 0);
	assert_int_equal(v.kind, CRM_NULL);
	assert_int_equal(crm_field_parse(NULL, f, NULL, &v, &err), 0);
	assert_int_equal(v.kind, CRM_NULL);
	assert_int_equal(crm_field_parse(NULL, f, "\xe3\x80\x80", &v, &err), 0);
	assert_int_equal(v.kind, CRM_NULL);
	f = crm_fieldset_find(&c->cust, "kind");
	assert_int_equal(crm_field_parse(NULL, f, "Company", &v, &err), 0);
	assert_string_equal(v.s.buf, "company");
	f = crm_fieldset_find(&c->cust, "address");
	assert_int_equal(crm_field_parse(NULL, f, "a\r\nb", &v, &err), 0);
	assert_string_equal(v.s.buf, "a\nb");
	f = crm_fieldset_find(&c->cust, "id");
	assert_int_equal(crm_field_parse(NULL, f, "12", &v, &err), 0);
	assert_int_equal(v.kind, CRM_INT);
	assert_int_equal(v.i, 12);
	f = crm_fieldset_find(&c->cust, "created_at");
	assert_int_equal(crm_field_parse(NULL, f, "2026-11-22 10:00+08:00", &v,
		&err), 0);
	assert_string_equal(v.s.buf, "2026-11-22T02:00:00Z");
	assert_int_equal(err.code, 0);
	crm_val_release(&v);
	assert_int_equal(v.kind, CRM_NULL);
}

/* Errors name the field and are CRM_EX_DATAERR. */
static void
field_parse_errors(void **state)
{
	struct ctx *c = *state;
	struct crm_val v = CRM_VAL_INIT;
	struct crm_err err = CRM_ERR_INIT;

	assert_int_equal(crm_field_parse(NULL, crm_fieldset_find(&c->cust,
		"email"), "a@", &v, &err), -1);
	assert_int_equal(err.code, CRM_EX_DATAERR);
	assert_int_equal(strncmp(err.msg.buf, "email: ", 7), 0);
	assert_int_equal(v.kind, CRM_NULL);
	crm_err_clear(&err);
	assert_int_equal(crm_field_parse(NULL, crm_fieldset_find(&c->cust,
		"name"), "a\x01", &v, &err), -1);
	assert_int_equal(err.code, CRM_EX_DATAERR);
	assert_int_equal(strncmp(err.msg.buf, "name: ", 6), 0);
	crm_err_clear(&err);
	assert_int_equal(crm_field_parse(NULL, crm_fieldset_find(&c->cust,
		"id"), "1x", &v, &err), -1);
	assert_int_equal(err.code, CRM_EX_DATAERR);
	crm_err_release(&err);
}

/* A reference is looked up by id or key and stored as the id. */
static void
field_parse_reference(void **state)
{
	struct ctx *c = *state;
	const struct crm_field *f = crm_fieldset_find(&c->cont, "customer");
	struct crm_val v = CRM_VAL_INIT;
	struct crm_err err = CRM_ERR_INIT;

	three(c);
	assert_int_equal(crm_field_parse(&c->db, f, "2", &v, &err), 0);
	assert_int_equal(v.kind, CRM_INT);
	assert_int_equal(v.i, 2);
	assert_int_equal(crm_field_parse(&c->db, f, "ADA@example.com", &v,
		&err), 0);
	assert_int_equal(v.i, 1);
	assert_int_equal(crm_field_parse(&c->db, f, "99", &v, &err), -1);
	assert_int_equal(err.code, CRM_EX_DATAERR);
	assert_non_null(strstr(err.msg.buf, "customer"));
	crm_val_release(&v);
	crm_err_release(&err);
}

static void
record_find(void **state)
{
	struct ctx *c = *state;
	const struct crm_entity *e = c->cust.entity;
	struct crm_err err = CRM_ERR_INIT;
	int64_t id = 0;

	three(c);
	fixture_add(&c->db, &c->cust, "name=Ref", "ref=ERP-7", NULL);
	fixture_add(&c->db, &c->cust, "name=Digits", "ref=12345", NULL);
	assert_int_equal(crm_record_find(&c->db, e, "2", &id, &err), 0);
	assert_int_equal(id, 2);
	assert_int_equal(crm_record_find(&c->db, e, " 3", &id, &err), 0);
	assert_int_equal(id, 3);
	assert_int_equal(crm_record_find(&c->db, e, "zhang@example.cn", &id,
		&err), 0);
	assert_int_equal(id, 2);
	assert_int_equal(crm_record_find(&c->db, e, "Ada@EXAMPLE.com", &id,
		&err), 0);
	assert_int_equal(id, 1);
	assert_int_equal(crm_record_find(&c->db, e, "ERP-7", &id, &err), 0);
	assert_int_equal(id, 4);
	/* digits that are no id: a key */
	assert_int_equal(crm_record_find(&c->db, e, "12345", &id, &err), 0);
	assert_int_equal(id, 5);
	assert_int_equal(err.code, 0);
	id = 77;
	assert_int_equal(crm_record_find(&c->db, e, "nobody@example.com", &id,
		&err), -1);
	assert_int_equal(err.code, CRM_EX_NOTFOUND);
	assert_non_null(strstr(err.msg.buf, "'nobody@example.com'"));
	crm_err_clear(&err);
	assert_int_equal(crm_record_find(&c->db, e, "99", &id, &err), -1);
	assert_int_equal(err.code, CRM_EX_NOTFOUND);
	crm_err_clear(&err);
	assert_int_equal(crm_record_find(&c->db, e, "", &id, &err), -1);
	assert_int_equal(err.code, CRM_EX_NOTFOUND);
	crm_err_release(&err);
}

static void
assigns_set(void **state)
{
	struct ctx *c = *state;
	struct crm_assigns as = CRM_ASSIGNS_INIT;
	struct crm_err err = CRM_ERR_INIT;

	assert_int_equal(crm_assigns_set(&as, &c->cust, "name=Bob", &err), 0);
	assert_int_equal(crm_assigns_set(&as, &c->cust, "city=a=b", &err), 0);
	assert_int_equal(as.n, 2);
	assert_string_equal(as.a[1].text, "a=b");
	/* a later assignment to the same field wins */
	assert_int_equal(crm_assigns_set(&as, &c->cust, "name=Ann", &err), 0);
	assert_int_equal(as.n, 2);
	assert_string_equal(as.a[0].text, "Ann");
	/* option spelling */
	crm_assigns_add(&as, crm_fieldset_find(&c->cust, "segment"), "x");
	assert_int_equal(as.n, 3);
	assert_int_equal(err.code, 0);

	assert_int_equal(crm_assigns_set(&as, &c->cust, "nosuch=1", &err), -1);
	assert_int_equal(err.code, CRM_EX_USAGE);
	assert_non_null(strstr(err.msg.buf, "known: id, name"));
	crm_err_clear(&err);
	assert_int_equal(crm_assigns_set(&as, &c->cust, "id=5", &err), -1);
	assert_int_equal(err.code, CRM_EX_USAGE);
	crm_err_clear(&err);
	assert_int_equal(crm_assigns_set(&as, &c->cust, "created-at=now", &err),
		-1);
	assert_int_equal(err.code, CRM_EX_USAGE);
	crm_err_clear(&err);
	assert_int_equal(crm_assigns_set(&as, &c->cust, "=x", &err), -1);
	assert_int_equal(err.code, CRM_EX_USAGE);
	crm_err_clear(&err);
	assert_int_equal(crm_assigns_set(&as, &c->cust, "name", &err), -1);
	assert_int_equal(err.code, CRM_EX_USAGE);
	assert_int_equal(as.n, 3);
	crm_assigns_release(&as);
	assert_int_equal(as.n, 0);
	crm_err_release(&err);
}

static void
sql_ident_quotes(void **state)
{
	struct crm_buf b = CRM_BUF_INIT;

	(void)state;
	crm_sql_ident(&b, "name");
	assert_string_equal(b.buf, "\"name\"");
	crm_buf_reset(&b);
	crm_sql_ident(&b, "a\"b");
	assert_string_equal(b.buf, "\"a\"\"b\"");
	crm_buf_release(&b);
}

static void
user_from_env(void **state)
{
	(void)state;
	setenv("CRM_USER", "alice", 1);
	assert_string_equal(crm_user(), "alice");
	unsetenv("CRM_USER");
	assert_true(strlen(crm_user()) > 0);
	setenv("CRM_USER", "tester", 1);
}

/* ---- insert ---------------------------------------------------------- */

static void
insert_defaults(void **state)
{
	struct ctx *c = *state;
	int64_t id;
	char *s;

	id = fixture_add(&c->db, &c->cust, "name=  Ada  ",
		"email= ADA@Example.com ", NULL);
	assert_int_equal(id, 1);
	c->q.only_id = id;
	s = run(c, "name,kind,email,owner,city");
	assert_string_equal(s, "Ada\tperson\tada@example.com\ttester\t\n");
	free(s);
	/* stamps set, equal, in the storage form */
	assert_int_equal(sql_int(c, "SELECT count(*) FROM customers "
		"WHERE created_at = updated_at"), 1);
	{
		struct crm_buf at = CRM_BUF_INIT;
		struct crm_err err = CRM_ERR_INIT;

		assert_int_equal(crm_get_text(&c->db, "stamp", &err, &at,
			"SELECT created_at FROM customers", ""), 1);
		assert_int_equal(fnmatch("[0-9][0-9][0-9][0-9]-[0-9][0-9]-"
			"[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z",
			at.buf, 0), 0);
		crm_buf_release(&at);
	}
	/* an empty value is stored as NULL */
	assert_int_equal(sql_int(c, "SELECT city IS NULL FROM customers"), 1);
	id = fixture_add(&c->db, &c->cust, "name=Co", "kind=company",
		"owner=boss", NULL);
	assert_int_equal(id, 2);
	c->q.only_id = id;
	s = run(c, "kind,owner");
	assert_string_equal(s, "company\tboss\n");
	free(s);
}

/* A required field left out is CRM_EX_DATAERR. */
static void
insert_required(void **state)
{
	struct ctx *c = *state;
	struct crm_buf msg = CRM_BUF_INIT;

	assert_int_equal(add_fails(c, &c->cust, &msg, "email=a@b.cd", NULL),
		CRM_EX_DATAERR);
	assert_non_null(strstr(msg.buf, "name is required"));
	assert_int_equal(add_fails(c, &c->cust, &msg, "name=  ", NULL),
		CRM_EX_DATAERR);
	assert_int_equal(add_fails(c, &c->cont, &msg, "name=Kim", NULL),
		CRM_EX_DATAERR);
	assert_non_null(strstr(msg.buf, "customer"));
	assert_int_equal(sql_int(c, "SELECT count(*) FROM customers"), 0);
	crm_buf_release(&msg);
}

/* Unique values: refused naming the record that has it, any case. */
static void
insert_unique(void **state)
{
	struct ctx *c = *state;
	struct crm_buf msg = CRM_BUF_INIT;

	three(c);
	assert_int_equal(add_fails(c, &c->cust, &msg, "name=Other",
		"email=ADA@example.com", NULL), CRM_EX_DATAERR);
	assert_string_equal(msg.buf,
		"email 'ada@example.com' already belongs to customer 1");
	fixture_add(&c->db, &c->cust, "name=R", "ref=X1", NULL);
	assert_int_equal(add_fails(c, &c->cust, &msg, "name=S", "ref=X1",
		NULL), CRM_EX_DATAERR);
	assert_non_null(strstr(msg.buf, "customer 4"));
	/* several records without an email are fine */
	fixture_add(&c->db, &c->cust, "name=T", NULL);
	assert_int_equal(sql_int(c, "SELECT count(*) FROM customers"), 5);
	crm_buf_release(&msg);
}

/* Bad values and missing references are CRM_EX_DATAERR. */
static void
insert_bad_values(void **state)
{
	struct ctx *c = *state;
	struct crm_buf msg = CRM_BUF_INIT;

	assert_int_equal(add_fails(c, &c->cust, &msg, "name=A", "email=a@",
		NULL), CRM_EX_DATAERR);
	assert_int_equal(add_fails(c, &c->cust, &msg, "name=A", "kind=robot",
		NULL), CRM_EX_DATAERR);
	assert_non_null(strstr(msg.buf, "person, company"));
	assert_int_equal(add_fails(c, &c->cust, &msg, "name=A", "phone=12",
		NULL), CRM_EX_DATAERR);
	assert_int_equal(add_fails(c, &c->cust, &msg, "name=A\x01", NULL),
		CRM_EX_DATAERR);
	assert_int_equal(add_fails(c, &c->cont, &msg, "customer=5",
		"name=Kim", NULL), CRM_EX_DATAERR);
	assert_int_equal(add_fails(c, &c->cont, &msg,
		"customer=nobody@example.com", "name=Kim", NULL),
		CRM_EX_DATAERR);
	assert_int_equal(sql_int(c, "SELECT count(*) FROM customers"), 0);
	assert_int_equal(sql_int(c, "SELECT count(*) FROM contacts"), 0);
	crm_buf_release(&msg);
}

/* The functions open and end no transaction: the command's rolls back. */
static void
insert_inside_transaction(void **state)
{
	struct ctx *c = *state;
	struct crm_err err = CRM_ERR_INIT;

	fixture_add(&c->db, &c->cust, "name=Kept", NULL);
	assert_false(crm_db_in_transaction(&c->db));
	assert_int_equal(crm_db_begin(&c->db, &err), 0);
	fixture_add(&c->db, &c->cust, "name=Gone", NULL);
	assert_true(crm_db_in_transaction(&c->db));
	crm_db_rollback(&c->db);
	assert_int_equal(sql_int(c, "SELECT count(*) FROM customers"), 1);
	crm_err_release(&err);
}

/* ---- update ---------------------------------------------------------- */

static int
update(struct ctx *c, int64_t id, int *changed, struct crm_err *err, ...)
{
	struct crm_assigns as = CRM_ASSIGNS_INIT;
	const char *s;
	va_list ap;
	int r = 0;

	va_start(ap, err);
	while ((s = va_arg(ap, const char *)))
		if (crm_assigns_set(&as, &c->cust, s, err) < 0)
			r = -1;
	va_end(ap);
	if (r == 0)
		r = crm_record_update(&c->db, &c->cust, id, &as, changed, err);
	crm_assigns_release(&as);
	return r;
}

/* changed is 1 when a value differed, 0 when it did not; an unchanged
 * record keeps its updated_at. */
static void
update_changed_unchanged(void **state)
{
	struct ctx *c = *state;
	struct crm_err err = CRM_ERR_INIT;
	int changed = -1;

	three(c);
	crm_db_exec(&c->db, "UPDATE customers SET updated_at = "
		"'2000-01-01T00:00:00Z'", &err);
	assert_int_equal(update(c, 1, &changed, &err, "name=Ada Lovelace",
		"email=ADA@example.com", "city= London ", NULL), 0);
	assert_int_equal(changed, 0);
	assert_int_equal(sql_int(c, "SELECT updated_at = "
		"'2000-01-01T00:00:00Z' FROM customers WHERE id = 1"), 1);
	assert_int_equal(update(c, 1, &changed, &err, "name=Ada King",
		NULL), 0);
	assert_int_equal(changed, 1);
	assert_int_equal(sql_int(c, "SELECT updated_at > "
		"'2000-01-01T00:00:00Z' FROM customers WHERE id = 1"), 1);
	assert_int_equal(sql_int(c, "SELECT name = 'Ada King' FROM "
		"customers WHERE id = 1"), 1);
	/* only record 1 moved */
	assert_int_equal(sql_int(c, "SELECT count(*) FROM customers WHERE "
		"updated_at = '2000-01-01T00:00:00Z'"), 2);
	/* setting an empty field to empty changes nothing; and back */
	assert_int_equal(update(c, 3, &changed, &err, "city=", NULL), 0);
	assert_int_equal(changed, 0);
	assert_int_equal(update(c, 3, &changed, &err, "city=Paris", NULL), 0);
	assert_int_equal(changed, 1);
	assert_int_equal(update(c, 3, &changed, &err, "city=", NULL), 0);
	assert_int_equal(changed, 1);
	assert_int_equal(sql_int(c, "SELECT city IS NULL FROM customers "
		"WHERE id = 3"), 1);
	/* changed may be NULL; no assignments change nothing */
	assert_int_equal(update(c, 3, NULL, &err, "city=Rome", NULL), 0);
	assert_int_equal(update(c, 3, &changed, &err, NULL), 0);
	assert_int_equal(changed, 0);
	assert_int_equal(err.code, 0);
	crm_err_release(&err);
}

static void
update_refusals(void **state)
{
	struct ctx *c = *state;
	struct crm_err err = CRM_ERR_INIT;
	int changed = -1;

	three(c);
	/* a unique value another record holds */
	assert_int_equal(update(c, 3, &changed, &err,
		"email=zhang@example.cn", NULL), -1);
	assert_int_equal(err.code, CRM_EX_DATAERR);
	assert_non_null(strstr(err.msg.buf, "customer 2"));
	crm_err_clear(&err);
	/* its own value is no conflict */
	assert_int_equal(update(c, 2, &changed, &err,
		"email=ZHANG@example.cn", NULL), 0);
	assert_int_equal(changed, 0);
	/* a required field emptied */
	assert_int_equal(update(c, 1, &changed, &err, "name= ", NULL), -1);
	assert_int_equal(err.code, CRM_EX_DATAERR);
	crm_err_clear(&err);
	/* a bad value */
	assert_int_equal(update(c, 1, &changed, &err, "kind=robot", NULL), -1);
	assert_int_equal(err.code, CRM_EX_DATAERR);
	assert_int_equal(sql_int(c, "SELECT count(*) FROM customers WHERE "
		"name = 'Ada Lovelace' AND kind = 'person'"), 1);
	crm_err_release(&err);
}

/* ---- delete ---------------------------------------------------------- */

static void
delete_refused_when_referred(void **state)
{
	struct ctx *c = *state;
	struct crm_err err = CRM_ERR_INIT;
	struct crm_buf removed = CRM_BUF_INIT;

	three(c);
	fixture_add(&c->db, &c->cont, "customer=1", "name=Kim", NULL);
	assert_int_equal(crm_record_delete(&c->db, c->cust.entity, 1, 0,
		&removed, &err), -1);
	assert_int_equal(err.code, CRM_EX_DATAERR);
	assert_non_null(strstr(err.msg.buf, "1 contact"));
	assert_non_null(strstr(err.msg.buf, "--cascade"));
	assert_int_equal(sql_int(c, "SELECT count(*) FROM customers"), 3);
	assert_int_equal(sql_int(c, "SELECT count(*) FROM contacts"), 1);
	/* one without references goes */
	crm_err_clear(&err);
	assert_int_equal(crm_record_delete(&c->db, c->cust.entity, 3, 0,
		&removed, &err), 0);
	assert_string_equal(removed.buf, "");
	assert_int_equal(sql_int(c, "SELECT count(*) FROM customers"), 2);
	crm_buf_release(&removed);
	crm_err_release(&err);
}

static void
delete_cascade(void **state)
{
	struct ctx *c = *state;
	struct crm_err err = CRM_ERR_INIT;
	struct crm_buf removed = CRM_BUF_INIT;

	three(c);
	fixture_add(&c->db, &c->cont, "customer=1", "name=Kim", NULL);
	fixture_add(&c->db, &c->cont, "customer=1", "name=Lee", NULL);
	fixture_add(&c->db, &c->cont, "customer=2", "name=Other", NULL);
	assert_int_equal(crm_record_delete(&c->db, c->cust.entity, 1, 1,
		&removed, &err), 0);
	assert_string_equal(removed.buf, "2 contacts");
	assert_int_equal(sql_int(c, "SELECT count(*) FROM customers "
		"WHERE id = 1"), 0);
	assert_int_equal(sql_int(c, "SELECT count(*) FROM contacts"), 1);
	crm_buf_reset(&removed);
	assert_int_equal(crm_record_delete(&c->db, c->cust.entity, 2, 1,
		&removed, &err), 0);
	assert_string_equal(removed.buf, "1 contact");
	/* removed may be NULL */
	assert_int_equal(crm_record_delete(&c->db, c->cust.entity, 3, 1,
		NULL, &err), 0);
	assert_int_equal(sql_int(c, "SELECT count(*) FROM customers"), 0);
	assert_int_equal(err.code, 0);
	crm_buf_release(&removed);
}

static void
delete_unknown(void **state)
{
	struct ctx *c = *state;
	struct crm_err err = CRM_ERR_INIT;

	three(c);
	assert_int_equal(crm_record_delete(&c->db, c->cust.entity, 42, 0, NULL,
		&err), -1);
	assert_int_equal(err.code, CRM_EX_NOTFOUND);
	crm_err_clear(&err);
	assert_int_equal(crm_record_delete(&c->db, c->cust.entity, 42, 1, NULL,
		&err), -1);
	assert_int_equal(err.code, CRM_EX_NOTFOUND);
	assert_int_equal(sql_int(c, "SELECT count(*) FROM customers"), 3);
	crm_err_release(&err);
}

/* ---- merge ----------------------------------------------------------- */

static void
merge_moves_and_fills(void **state)
{
	struct ctx *c = *state;
	struct crm_err err = CRM_ERR_INIT;
	struct crm_buf moved = CRM_BUF_INIT;
	char *s;

	fixture_add(&c->db, &c->cust, "name=Keep", "city=Paris", NULL);
	fixture_add(&c->db, &c->cust, "name=Other", "email=o@example.com",
		"phone=13800138000", "city=Rome", NULL);
	fixture_add(&c->db, &c->cust, "name=Third", NULL);
	fixture_add(&c->db, &c->cont, "customer=2", "name=Kim", NULL);
	fixture_add(&c->db, &c->cont, "customer=2", "name=Lee", NULL);
	fixture_add(&c->db, &c->cont, "customer=3", "name=Stay", NULL);
	assert_int_equal(crm_record_merge(&c->db, &c->cust, 1, 2, &moved,
		&err), 0);
	assert_string_equal(moved.buf, "2 contacts");
	assert_int_equal(sql_int(c, "SELECT count(*) FROM customers "
		"WHERE id = 2"), 0);
	assert_int_equal(sql_int(c, "SELECT count(*) FROM contacts "
		"WHERE customer = 1"), 2);
	assert_int_equal(sql_int(c, "SELECT count(*) FROM contacts "
		"WHERE customer = 3"), 1);
	/* keep's values stay; its empty ones come from other (the unique
	 * email too) */
	c->q.only_id = 1;
	s = run(c, "name,email,phone,city");
	assert_string_equal(s, "Keep\to@example.com\t13800138000\tParis\n");
	free(s);
	/* the moved email still finds the record, in the index too */
	{
		int64_t id = 0;

		assert_int_equal(crm_record_find(&c->db, c->cust.entity,
			"o@example.com", &id, &err), 0);
		assert_int_equal(id, 1);
	}
	assert_int_equal(err.code, 0);
	crm_buf_release(&moved);
}

static void
merge_refusals(void **state)
{
	struct ctx *c = *state;
	struct crm_err err = CRM_ERR_INIT;

	three(c);
	assert_int_equal(crm_record_merge(&c->db, &c->cust, 1, 1, NULL, &err),
		-1);
	assert_int_equal(err.code, CRM_EX_DATAERR);
	crm_err_clear(&err);
	assert_int_equal(crm_record_merge(&c->db, &c->cust, 1, 99, NULL, &err),
		-1);
	assert_int_equal(err.code, CRM_EX_NOTFOUND);
	assert_int_equal(sql_int(c, "SELECT count(*) FROM customers"), 3);
	crm_err_release(&err);
}

/* Merging into a record that does not exist must fail, not lose other. */
static void
merge_into_missing(void **state)
{
	struct ctx *c = *state;
	struct crm_err err = CRM_ERR_INIT;
	int r;

	three(c);
	r = crm_record_merge(&c->db, &c->cust, 99, 2, NULL, &err);
	if (r == 0)
		fail_msg("merge into missing customer 99 succeeded; customers "
			"left: %lld", sql_int(c, "SELECT count(*) FROM "
			"customers"));
	assert_int_equal(err.code, CRM_EX_NOTFOUND);
	crm_err_release(&err);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	static const struct CMUnitTest tests[] = {
		T(where_unknown_field),
		T(where_malformed),
		T(where_like_needs_text),
		T(where_empty_value_ops),
		T(where_value_checked),
		T(where_operators),
		T(where_like),
		T(where_empty_field),
		T(where_values_literal),
		T(where_all_hold),
		T(where_reference),
		T(ref_field),
		T(sort_keys),
		T(sort_errors),
		T(limit_offset_only_id),
		T(run_counts_rows),
		T(run_cells_json),
		T(fields_parse),
		T(fields_errors),
		T(field_parse_types),
		T(field_parse_errors),
		T(field_parse_reference),
		T(record_find),
		T(assigns_set),
		T(sql_ident_quotes),
		T(user_from_env),
		T(insert_defaults),
		T(insert_required),
		T(insert_unique),
		T(insert_bad_values),
		T(insert_inside_transaction),
		T(update_changed_unchanged),
		T(update_refusals),
		T(delete_refused_when_referred),
		T(delete_cascade),
		T(delete_unknown),
		T(merge_moves_and_fills),
		T(merge_refusals),
		T(where_blank_value_ops),
		T(where_like_spaces),
		T(merge_into_missing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
