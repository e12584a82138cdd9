/*
 * test-custom - lib/custom.h: the rules of custom fields (names, types,
 * enum values), adding and dropping them, and the field set that a
 * database's catalog gives an entity.
 *
 * Each test that needs one gets a fresh database in a temporary folder.
 */
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

#include "custom.h"
#include "record.h"
#include "banned.h"

struct ctx {
	struct fixture fx;
	struct crm_db db;
	const struct crm_entity *cust;
};

static int
setup(void **state)
{
	struct ctx *c = calloc(1, sizeof(*c));

	if (!c)
		return -1;
	if (fixture_open(&c->fx, &c->db) < 0)
		return -1;
	c->cust = crm_entity_find("customer");
	setenv("TZ", "UTC", 1);
	setenv("CRM_TODAY", "2026-11-22", 1);
	*state = c;
	return 0;
}

static int
teardown(void **state)
{
	struct ctx *c = *state;

	fixture_close(&c->fx, &c->db);
	free(c);
	return 0;
}

/* Add a field; the error code, 0 on success. */
static int
add(struct ctx *c, const char *name, const char *type, const char *values)
{
	struct crm_err err = CRM_ERR_INIT;
	char **vals = NULL;
	size_t n;
	int64_t added;
	int code = 0;

	if (values && crm_custom_values(values, &vals, &n, &err) < 0)
		code = err.code;
	else if (crm_custom_add(&c->db, c->cust, name, type, vals, 0, &added,
	    &err) < 0)
		code = err.code;
	crm_custom_values_free(vals);
	crm_err_release(&err);
	return code;
}

/* ---- names, types, values ------------------------------------------- */

static void
names(void **state)
{
	static const char *const good[] = {
		"industry", "credit_limit", "a", "x9", "a_b_c_",
		"abcdefghijklmnopqrstuvwxyzabcdefghijklmn",	/* 40 */
	};
	static const char *const bad[] = {
		"", "Industry", "9a", "_a", "credit-limit", "credit limit",
		"a\"b", "a;b", "é", "行业",
		"abcdefghijklmnopqrstuvwxyzabcdefghijklmno",	/* 41 */
		/* built-in fields, derived ones too */
		"name", "email", "created_at", "orders", "order_total",
		/* reserved */
		"id", "rowid", "oid", "all", "order_ref", "sku", "quantity",
		"unit_price", "product", "lines",
	};
	const struct crm_entity *e = crm_entity_find("customer");
	struct crm_err err = CRM_ERR_INIT;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (crm_custom_check_name(e, good[i], &err) < 0)
			fail_msg("'%s' refused: %s", good[i], err.msg.buf);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (crm_custom_check_name(e, bad[i], &err) == 0)
			fail_msg("'%s' accepted", bad[i]);
		assert_int_equal(err.code, CRM_EX_DATAERR);
		crm_err_clear(&err);
	}
	/* A built-in field of another entity is a fine name here. */
	assert_int_equal(crm_custom_check_name(e, "sku_x", &err), 0);
	assert_int_equal(crm_custom_check_name(crm_entity_find("product"),
		"city", &err), 0);
	assert_int_equal(crm_custom_check_name(crm_entity_find("product"),
		"price", &err), -1);
	crm_err_release(&err);
}

static void
types(void **state)
{
	struct crm_err err = CRM_ERR_INIT;
	enum crm_type t;

	(void)state;
	assert_int_equal(crm_custom_type("money", &t, &err), 0);
	assert_int_equal(t, CRM_T_MONEY);
	assert_int_equal(crm_custom_type("decimal", &t, &err), 0);
	assert_int_equal(t, CRM_T_DECIMAL);
	assert_int_equal(crm_custom_type("enum", &t, &err), 0);
	assert_int_equal(t, CRM_T_ENUM);
	assert_int_equal(crm_custom_type("Money", &t, &err), -1);
	assert_int_equal(err.code, CRM_EX_USAGE);
	crm_err_clear(&err);
	assert_int_equal(crm_custom_type("email", &t, &err), -1);
	crm_err_release(&err);
}

static void
values(void **state)
{
	struct crm_err err = CRM_ERR_INIT;
	char **v;
	size_t n;

	(void)state;
	assert_int_equal(crm_custom_values(" retail , 批发,tech", &v, &n,
		&err), 0);
	assert_int_equal(n, 3);
	assert_string_equal(v[0], "retail");
	assert_string_equal(v[1], "批发");
	assert_string_equal(v[2], "tech");
	assert_null(v[3]);
	crm_custom_values_free(v);
	assert_int_equal(crm_custom_values("a,,b", &v, &n, &err), -1);
	assert_int_equal(err.code, CRM_EX_DATAERR);
	assert_null(v);
	crm_err_clear(&err);
	assert_int_equal(crm_custom_values("a,A", &v, &n, &err), -1);
	crm_err_clear(&err);
	assert_int_equal(crm_custom_values("", &v, &n, &err), -1);
	crm_err_clear(&err);
	assert_int_equal(crm_custom_values("a,b\001", &v, &n, &err), -1);
	crm_err_release(&err);
}

/* ---- the catalog and the field set ----------------------------------- */

static void
load_gives_custom_fields_after_builtin(void **state)
{
	struct ctx *c = *state;
	struct crm_fieldset fs = CRM_FIELDSET_INIT;
	struct crm_err err = CRM_ERR_INIT;
	const struct crm_field *f;

	assert_int_equal(add(c, "industry", "enum", "retail,tech"), 0);
	assert_int_equal(add(c, "credit_limit", "money", NULL), 0);
	assert_int_equal(add(c, "seats", "int", NULL), 0);
	assert_int_equal(crm_fieldset_load(&fs, &c->db, c->cust, &err), 0);
	assert_int_equal(fs.n, c->cust->nfields + 3);
	assert_int_equal(fs.ncustom, 3);
	assert_string_equal(fs.f[c->cust->nfields]->name, "industry");
	assert_string_equal(fs.f[fs.n - 1]->name, "seats");
	f = crm_fieldset_find(&fs, "industry");
	assert_non_null(f);
	assert_true(f->flags & CRM_F_CUSTOM);
	assert_int_equal(f->type, CRM_T_ENUM);
	assert_string_equal(f->values[0], "retail");
	assert_string_equal(f->values[1], "tech");
	assert_null(f->values[2]);
	f = crm_fieldset_find(&fs, "credit_limit");
	assert_int_equal(f->type, CRM_T_MONEY);
	assert_true(f->flags & CRM_F_SIGNED);
	f = crm_fieldset_find(&fs, "seats");
	assert_int_equal(f->type, CRM_T_INT);
	assert_true(f->min < 0);
	crm_fieldset_release(&fs);
	/* Another entity has none of them. */
	assert_int_equal(crm_fieldset_load(&fs, &c->db,
		crm_entity_find("contact"), &err), 0);
	assert_int_equal(fs.ncustom, 0);
	assert_null(crm_fieldset_find(&fs, "industry"));
	crm_fieldset_release(&fs);
	crm_err_release(&err);
}

static void
insert_update_and_query_a_custom_field(void **state)
{
	struct ctx *c = *state;
	struct crm_fieldset fs = CRM_FIELDSET_INIT;
	struct crm_assigns as = CRM_ASSIGNS_INIT;
	struct crm_err err = CRM_ERR_INIT;
	struct crm_query q;
	struct crm_out out;
	const struct crm_field *cols[2];
	char *buf = NULL;
	size_t len = 0;
	FILE *fp;
	int64_t id;
	int changed;

	assert_int_equal(add(c, "score", "decimal", NULL), 0);
	assert_int_equal(crm_fieldset_load(&fs, &c->db, c->cust, &err), 0);
	assert_int_equal(crm_assigns_set(&as, &fs, "name=A", &err), 0);
	assert_int_equal(crm_assigns_set(&as, &fs, "score=9.5", &err), 0);
	assert_int_equal(crm_record_insert(&c->db, &fs, &as, &id, &err), 0);
	crm_assigns_release(&as);
	assert_int_equal(crm_assigns_set(&as, &fs, "name=B", &err), 0);
	assert_int_equal(crm_assigns_set(&as, &fs, "score=10", &err), 0);
	assert_int_equal(crm_record_insert(&c->db, &fs, &as, &id, &err), 0);
	crm_assigns_release(&as);
	assert_int_equal(crm_assigns_set(&as, &fs, "score=10.0", &err), 0);
	assert_int_equal(crm_record_update(&c->db, &fs, id, &as, &changed,
		&err), 0);
	assert_int_equal(changed, 1);
	crm_assigns_release(&as);
	assert_int_equal(crm_assigns_set(&as, &fs, "score=abc", &err), 0);
	assert_int_equal(crm_record_update(&c->db, &fs, id, &as, &changed,
		&err), -1);
	assert_int_equal(err.code, CRM_EX_DATAERR);
	crm_err_clear(&err);
	crm_assigns_release(&as);

	/* "10.0" > "9.5" as numbers, though not as text. */
	crm_query_init(&q, &fs);
	assert_int_equal(crm_query_where(&q, &c->db, "score>9.75", &err), 0);
	cols[0] = crm_fieldset_find(&fs, "name");
	cols[1] = crm_fieldset_find(&fs, "score");
	fp = open_memstream(&buf, &len);
	assert_non_null(fp);
	{
		const char *names[] = { "name", "score" };

		crm_out_begin(&out, fp, CRM_FMT_TSV, 0, names, 2);
	}
	assert_int_equal(crm_query_run(&c->db, &q, cols, 2, &out, &err), 1);
	crm_out_end(&out);
	fclose(fp);
	assert_string_equal(buf, "B\t10.0\n");
	free(buf);
	crm_query_release(&q);
	crm_fieldset_release(&fs);
	crm_err_release(&err);
}

static void
add_existing_and_values_later(void **state)
{
	struct ctx *c = *state;
	struct crm_err err = CRM_ERR_INIT;
	char **v;
	size_t n;
	int64_t added;

	assert_int_equal(add(c, "industry", "enum", "retail"), 0);
	assert_int_equal(crm_custom_values("Retail,tech,energy", &v, &n,
		&err), 0);
	assert_int_equal(crm_custom_add(&c->db, c->cust, "industry", NULL, v,
		0, &added, &err), 0);
	assert_int_equal(added, 2);
	crm_custom_values_free(v);
	/* At the end, in the order given; "Retail" was there. */
	assert_int_equal(crm_db_int(&c->db, "SELECT count(*) FROM "
		"custom_field_values WHERE (value, position) IN (VALUES "
		"('retail', 1), ('tech', 2), ('energy', 3))", -1), 3);
	assert_int_equal(crm_db_int(&c->db, "SELECT count(*) FROM "
		"custom_field_values", -1), 3);
	assert_int_equal(add(c, "industry", "text", NULL), CRM_EX_DATAERR);
	assert_int_equal(add(c, "seats", NULL, NULL), CRM_EX_USAGE);
	assert_int_equal(add(c, "seats", "int", "1,2"), CRM_EX_USAGE);
	assert_int_equal(add(c, "seats", "enum", NULL), CRM_EX_USAGE);
	assert_int_equal(add(c, "seats", "int", NULL), 0);
	assert_int_equal(add(c, "seats", "int", NULL), CRM_EX_DATAERR);
	crm_err_release(&err);
}

static void
drop_refuses_values_unless_forced(void **state)
{
	struct ctx *c = *state;
	struct crm_err err = CRM_ERR_INIT;
	int64_t had;

	assert_int_equal(add(c, "industry", "enum", "retail"), 0);
	assert_int_equal(crm_db_exec(&c->db, "INSERT INTO customers (name, "
		"industry, created_at, updated_at) VALUES ('A', 'retail', "
		"'x', 'x')", &err), 0);
	assert_int_equal(crm_custom_drop(&c->db, c->cust, "industry", 0, &had,
		&err), -1);
	assert_int_equal(err.code, CRM_EX_DATAERR);
	assert_int_equal(had, 1);
	crm_err_clear(&err);
	assert_int_equal(crm_custom_drop(&c->db, c->cust, "nosuch", 1, &had,
		&err), -1);
	assert_int_equal(err.code, CRM_EX_USAGE);
	crm_err_clear(&err);
	assert_int_equal(crm_custom_drop(&c->db, c->cust, "industry", 1, &had,
		&err), 0);
	assert_int_equal(crm_db_int(&c->db, fixture_pg() ?
		"SELECT count(*) FROM information_schema.columns WHERE "
		"table_name = 'customers' AND column_name = 'industry'" :
		"SELECT count(*) FROM "
		"pragma_table_info('customers') WHERE name = 'industry'", -1), 0);
	assert_int_equal(crm_db_int(&c->db, "SELECT count(*) FROM "
		"custom_fields", -1), 0);
	assert_int_equal(crm_db_int(&c->db, "SELECT count(*) FROM "
		"custom_field_values", -1), 0);
	assert_int_equal(crm_db_int(&c->db, fixture_pg() ?
		"SELECT count(*) FROM pg_class WHERE relname = "
		"'cf_customers_industry'" : "SELECT count(*) FROM "
		"sqlite_master WHERE name = 'cf_customers_industry'", -1), 0);
	crm_err_release(&err);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(names),
		cmocka_unit_test(types),
		cmocka_unit_test(values),
		cmocka_unit_test_setup_teardown(
			load_gives_custom_fields_after_builtin, setup, teardown),
		cmocka_unit_test_setup_teardown(
			insert_update_and_query_a_custom_field, setup, teardown),
		cmocka_unit_test_setup_teardown(
			add_existing_and_values_later, setup, teardown),
		cmocka_unit_test_setup_teardown(
			drop_refuses_values_unless_forced, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
