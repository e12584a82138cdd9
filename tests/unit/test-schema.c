/*
 * test-schema - lib/schema.h: migrations, and tables that match entity.c.
 *
 * Old versions are reached by migrating a plain SQLite file step by step:
 * crm_db_open() with CRM_DB_CREATE always makes the newest schema.
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

#include "sqlite-compat.h"
#include "fixture.h"

#include "entity.h"
#include "schema.h"
#include "search.h"
#include "banned.h"

struct ctx {
	struct fixture fx;
	struct crm_db db;	/* a plain connection, see raw_open() */
};

static int
setup(void **state)
{
	struct ctx *c = calloc(1, sizeof(*c));

	if (!c)
		return -1;
	if (fixture_dir(&c->fx) < 0)
		return -1;
	*state = c;
	return 0;
}

static void
raw_close(struct ctx *c)
{
	crm_db_sqlite_release(&c->db);
}

static int
teardown(void **state)
{
	struct ctx *c = *state;

	raw_close(c);
	fixture_done(&c->fx);
	free(c);
	return 0;
}

/*
 * Open (creating) c->fx.path with plain sqlite3_open, wrapped in a struct
 * crm_db; with tokenizer, register crm_bigram on it.
 */
static void
raw_open(struct ctx *c, int tokenizer)
{
	sqlite3 *h;

	assert_int_equal(sqlite3_open(c->fx.path.buf, &h), SQLITE_OK);
	crm_db_sqlite_adopt(&c->db, h, c->fx.path.buf);
	if (tokenizer)
		assert_int_equal(crm_search_register(crm_db_sqlite(&c->db)), SQLITE_OK);
}

static long long
q_int(struct ctx *c, const char *sql)
{
	return crm_db_int(&c->db, sql, -999);
}

static int
table_exists(struct ctx *c, const char *name)
{
	struct crm_buf sql = CRM_BUF_INIT;
	long long n;

	crm_buf_addf(&sql, "SELECT count(*) FROM sqlite_master WHERE name = "
		"'%s'", name);
	n = q_int(c, sql.buf);
	crm_buf_release(&sql);
	return n > 0;
}

/* The ids of customers whose FTS entry matches what a user searched. */
static char *
fts_ids(struct ctx *c, const char *text)
{
	struct crm_buf match = CRM_BUF_INIT, ids = CRM_BUF_INIT;
	struct crm_err err = CRM_ERR_INIT;
	sqlite3_stmt *st;
	int rc;

	if (crm_sqlite_search_match(text, &match, &err) < 0)
		fail_msg("search '%s': %s", text, err.msg.buf);
	rc = sqlite3_prepare_v2(crm_db_sqlite(&c->db), "SELECT rowid FROM customers_fts "
		"WHERE customers_fts MATCH ?1 ORDER BY rowid", -1, &st, NULL);
	if (rc != SQLITE_OK)
		fail_msg("%s", sqlite3_errmsg(crm_db_sqlite(&c->db)));
	sqlite3_bind_text(st, 1, match.buf, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		crm_buf_addf(&ids, "%s%lld", ids.len ? "," : "",
			(long long)sqlite3_column_int64(st, 0));
	if (rc != SQLITE_DONE)
		fail_msg("MATCH %s: %s", match.buf, sqlite3_errmsg(crm_db_sqlite(&c->db)));
	sqlite3_finalize(st);
	crm_buf_release(&match);
	return crm_buf_detach(&ids);
}

#define ASSERT_FTS(c, text, want) do { \
	char *got_ = fts_ids((c), (text)); \
	if (strcmp(got_, (want))) \
		fail_msg("search '%s': ids '%s', want '%s'", (text), got_, \
			(want)); \
	free(got_); \
} while (0)

static void
latest_is_positive(void **state)
{
	(void)state;
	assert_true(crm_schema_latest() >= 2);
}

/*
 * A version-1 database with a customer, migrated to the newest: the
 * customer is found by the full-text search that version 2 added.
 */
static void
migrate_v1_to_latest(void **state)
{
	struct ctx *c = *state;
	struct crm_err err = CRM_ERR_INIT;

	raw_open(c, 0);
	assert_int_equal(crm_schema_migrate(&c->db, 1, &err), 0);
	assert_int_equal(crm_db_version(&c->db), 1);
	assert_true(table_exists(c, "customers"));
	assert_true(table_exists(c, "contacts"));
	assert_false(table_exists(c, "customers_fts"));
	assert_true(sqlite3_get_autocommit(crm_db_sqlite(&c->db)));
	assert_int_equal(crm_db_exec(&c->db,
		"INSERT INTO customers (name, email, phone, city, created_at, "
		"updated_at) VALUES ('王小明', 'wang@example.cn', "
		"'13800138000', '上海', '2020-01-01T00:00:00Z', "
		"'2020-01-01T00:00:00Z');"
		"INSERT INTO customers (name, created_at, updated_at) VALUES "
		"('Ada Lovelace', '2020-01-01T00:00:00Z', "
		"'2020-01-01T00:00:00Z');", &err), 0);

	assert_int_equal(crm_search_register(crm_db_sqlite(&c->db)), SQLITE_OK);
	assert_int_equal(crm_schema_migrate(&c->db, 0, &err), 0);
	assert_int_equal(crm_db_version(&c->db), crm_schema_latest());
	assert_true(table_exists(c, "customers_fts"));
	assert_int_equal(q_int(c, "SELECT count(*) FROM customers"), 2);
	ASSERT_FTS(c, "小明", "1");
	ASSERT_FTS(c, "王", "1");
	ASSERT_FTS(c, "wang", "1");
	ASSERT_FTS(c, "上海", "1");
	ASSERT_FTS(c, "lovelace", "2");
	ASSERT_FTS(c, "nobody", "");
	/* and later rows are noted by the triggers, and indexed when crm
	 * folds the notes in */
	assert_int_equal(crm_db_exec(&c->db,
		"INSERT INTO customers (name, created_at, updated_at) VALUES "
		"('李小龙', 'x', 'y')", &err), 0);
	ASSERT_FTS(c, "小", "1");
	assert_int_equal(crm_search_fresh(&c->db, &err), 0);
	ASSERT_FTS(c, "小", "1,3");
	assert_int_equal(err.code, 0);
}

/*
 * A database at schema version (the search tokenizer registered), holding
 * the rows sql writes; then migrated to the newest.
 */
static void
migrate_from(struct ctx *c, int version, const char *sql)
{
	struct crm_err err = CRM_ERR_INIT;

	raw_open(c, 1);
	assert_int_equal(crm_schema_migrate(&c->db, version, &err), 0);
	if (crm_db_exec(&c->db, sql, &err) < 0 ||
	    crm_schema_migrate(&c->db, 0, &err) < 0)
		fail_msg("from version %d: %s", version, err.msg.buf);
	crm_err_release(&err);
}

/*
 * Orders of a database from before the orders kept their units get them
 * on migrating: the sum of their lines' quantities, 0 for an order
 * without lines.
 */
static void
migrate_sums_units(void **state)
{
	struct ctx *c = *state;

	/* 8: the last version before units (9). */
	migrate_from(c, 8,
		"INSERT INTO customers (name, created_at, updated_at) "
		"VALUES ('A', 'x', 'x');"
		"INSERT INTO products (sku, name, price, created_at, updated_at) "
		"VALUES ('P', 'P', 100, 'x', 'x');"
		"INSERT INTO orders (customer, ordered_at, total, created_at, "
		"updated_at) VALUES (1, '2026-01-01T00:00:00Z', 700, 'x', 'x'),"
		" (1, '2026-01-02T00:00:00Z', 0, 'x', 'x');"
		"INSERT INTO order_lines (\"order\", product, quantity, "
		"unit_price, created_at, updated_at) VALUES "
		"(1, 1, 3, 100, 'x', 'x'), (1, 1, 4, 100, 'x', 'x');");
	assert_int_equal(q_int(c, "SELECT units FROM orders WHERE id = 1"), 7);
	assert_int_equal(q_int(c, "SELECT units FROM orders WHERE id = 2"), 0);
	assert_int_equal(q_int(c, "SELECT count(*) FROM sqlite_schema WHERE "
		"name = 'orders_sales'"), 1);
}

/*
 * From version 12 the triggers on customers write no FTS5: a connection
 * without crm's tokenizer (sqlite3(1)) can insert, update and delete
 * customers of a migrated database, and the index, as the old triggers
 * kept it, takes those changes in when crm folds them.
 */
static void
migrate_search_without_tokenizer(void **state)
{
	struct ctx *c = *state;
	struct crm_err err = CRM_ERR_INIT;
	char *msg = NULL;

	/* 11: the last version whose triggers wrote the index. */
	migrate_from(c, 11,
		"INSERT INTO customers (name, city, created_at, updated_at) "
		"VALUES ('王小明', '上海', 'x', 'x'), ('张三丰', '北京', 'x', "
		"'x'), ('Ada', 'London', 'x', 'x');");
	assert_int_equal(q_int(c, "SELECT count(*) FROM sqlite_master WHERE "
		"type = 'trigger' AND name LIKE 'customers_fts_%'"), 0);
	assert_int_equal(q_int(c, "SELECT count(*) FROM search_dirty"), 0);
	ASSERT_FTS(c, "小明", "1");
	raw_close(c);

	raw_open(c, 0);
	if (sqlite3_exec(crm_db_sqlite(&c->db),
	    "UPDATE customers SET name = '李四', city = '深圳' WHERE id = 2;"
	    "DELETE FROM customers WHERE id = 1;"
	    "INSERT INTO customers (name, created_at, updated_at) VALUES "
	    "('赵小明', 'x', 'x');", NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("without the tokenizer: %s", msg);
	assert_int_equal(q_int(c, "SELECT count(*) FROM search_dirty"), 3);
	raw_close(c);

	raw_open(c, 1);
	assert_int_equal(crm_search_fresh(&c->db, &err), 0);
	ASSERT_FTS(c, "小明", "4");
	ASSERT_FTS(c, "上海", "");
	ASSERT_FTS(c, "三丰", "");
	ASSERT_FTS(c, "李四", "2");
	ASSERT_FTS(c, "深圳", "2");
	ASSERT_FTS(c, "ada", "3");
	assert_int_equal(q_int(c, "SELECT count(*) FROM search_dirty"), 0);
	assert_int_equal(err.code, 0);
}

/* UPDATE table SET column = 'value' on every row: SQLite's result code. */
static int
set_all(struct ctx *c, const char *table, const char *column,
	const char *value)
{
	struct crm_buf sql = CRM_BUF_INIT;
	int rc;

	crm_buf_addf(&sql, "UPDATE %s SET %s = '%s'", table, column, value);
	rc = sqlite3_exec(crm_db_sqlite(&c->db), sql.buf, NULL, NULL, NULL);
	crm_buf_release(&sql);
	return rc;
}

/*
 * Version 11 writes each CHECK of a list of values as comparisons: the
 * rows of a version-10 database stay, a new connection (which reads the
 * rewritten text) still refuses every value outside the list and takes
 * every one in it, and no insert builds a temporary index of the values.
 */
static void
migrate_checks_keep_their_rules(void **state)
{
	static const struct {
		const char *table, *column, *good, *bad;
	} checks[] = {
		{ "orders", "status", "delivered", "lost" },
		{ "campaigns", "channel", "social", "fax" },
		{ "campaigns", "status", "completed", "done" },
		{ "campaign_members", "status", "converted", "read" },
		{ "deals", "stage", "negotiation", "closed" },
		{ "tickets", "status", "resolved", "solved" },
		{ "tickets", "priority", "urgent", "critical" },
		{ "activities", "kind", "meeting", "fax" },
	};
	struct ctx *c = *state;
	struct crm_buf sql = CRM_BUF_INIT;
	sqlite3_stmt *st;
	size_t i;

	migrate_from(c, 10,
		"INSERT INTO customers (name, created_at, updated_at) "
		"VALUES ('A', 'x', 'x');"
		"INSERT INTO orders (customer, ordered_at, created_at, "
		"updated_at) VALUES (1, 'x', 'x', 'x');"
		"INSERT INTO campaigns (name, channel, created_at, updated_at) "
		"VALUES ('C', 'email', 'x', 'x');"
		"INSERT INTO campaign_members (campaign, customer, created_at, "
		"updated_at) VALUES (1, 1, 'x', 'x');"
		"INSERT INTO deals (customer, title, probability, created_at, "
		"updated_at) VALUES (1, 'D', 10, 'x', 'x');"
		"INSERT INTO tickets (customer, subject, created_at, "
		"updated_at) VALUES (1, 'T', 'x', 'x');"
		"INSERT INTO activities (kind, subject, occurred_at, "
		"created_at, updated_at) VALUES ('call', 'S', 'x', 'x', 'x');");
	raw_close(c);

	raw_open(c, 1);
	assert_int_equal(crm_db_int(&c->db, "SELECT count(*) FROM "
		"pragma_integrity_check WHERE integrity_check <> 'ok'", -1), 0);
	assert_int_equal(q_int(c, "SELECT (SELECT count(*) FROM orders) + "
		"(SELECT count(*) FROM deals) + (SELECT count(*) FROM "
		"activities)"), 3);
	for (i = 0; i < sizeof(checks) / sizeof(checks[0]); i++) {
		int ops = 0;

		if (set_all(c, checks[i].table, checks[i].column,
		    checks[i].bad) != SQLITE_CONSTRAINT)
			fail_msg("%s.%s took '%s'", checks[i].table,
				checks[i].column, checks[i].bad);
		if (set_all(c, checks[i].table, checks[i].column,
		    checks[i].good) != SQLITE_OK)
			fail_msg("%s.%s refused '%s': %s", checks[i].table,
				checks[i].column, checks[i].good,
				sqlite3_errmsg(crm_db_sqlite(&c->db)));
		crm_buf_reset(&sql);
		crm_buf_addf(&sql, "EXPLAIN INSERT INTO %s DEFAULT VALUES",
			checks[i].table);
		assert_int_equal(sqlite3_prepare_v2(crm_db_sqlite(&c->db), sql.buf, -1, &st,
			NULL), SQLITE_OK);
		while (sqlite3_step(st) == SQLITE_ROW)
			ops += !strcmp((const char *)sqlite3_column_text(st, 1),
				"OpenEphemeral");
		sqlite3_finalize(st);
		if (ops)
			fail_msg("an insert into %s builds %d temporary "
				"indexes", checks[i].table, ops);
	}
	/* A campaign's channel may stay empty. */
	assert_int_equal(sqlite3_exec(crm_db_sqlite(&c->db), "UPDATE campaigns SET "
		"channel = NULL", NULL, NULL, NULL), SQLITE_OK);
	crm_buf_release(&sql);
}

/* Migrating to the version the database has changes nothing. */
static void
migrate_to_same_version(void **state)
{
	struct ctx *c = *state;
	struct crm_err err = CRM_ERR_INIT;

	raw_open(c, 0);
	assert_int_equal(crm_schema_migrate(&c->db, 1, &err), 0);
	assert_int_equal(crm_schema_migrate(&c->db, 1, &err), 0);
	assert_int_equal(crm_db_version(&c->db), 1);
	assert_int_equal(err.code, 0);
}

/*
 * One transaction: when a step fails (here version 2, whose tokenizer
 * is not registered), nothing changes, the earlier steps included.
 */
static void
migrate_failure_changes_nothing(void **state)
{
	struct ctx *c = *state;
	struct crm_err err = CRM_ERR_INIT;

	raw_open(c, 0);
	assert_int_equal(crm_schema_migrate(&c->db, 0, &err), -1);
	assert_true(err.code != 0);
	assert_int_equal(crm_db_version(&c->db), 0);
	assert_false(table_exists(c, "customers"));
	assert_true(sqlite3_get_autocommit(crm_db_sqlite(&c->db)));
	crm_err_clear(&err);
	/* from version 1 */
	assert_int_equal(crm_schema_migrate(&c->db, 1, &err), 0);
	assert_int_equal(crm_schema_migrate(&c->db, 0, &err), -1);
	assert_int_equal(crm_db_version(&c->db), 1);
	assert_false(table_exists(c, "customers_fts"));
	crm_err_release(&err);
}

/* A database newer than this binary is refused with CRM_EX_CONFIG. */
static void
migrate_newer_refused(void **state)
{
	struct ctx *c = *state;
	struct crm_buf sql = CRM_BUF_INIT;
	struct crm_err err = CRM_ERR_INIT;

	raw_open(c, 1);
	crm_buf_addf(&sql, "PRAGMA user_version = %d",
		crm_schema_latest() + 1);
	assert_int_equal(crm_db_exec(&c->db, sql.buf, &err), 0);
	assert_int_equal(crm_schema_migrate(&c->db, 0, &err), -1);
	assert_int_equal(err.code, CRM_EX_CONFIG);
	assert_non_null(strstr(err.msg.buf, "newer"));
	assert_int_equal(crm_db_version(&c->db), crm_schema_latest() + 1);
	assert_false(table_exists(c, "customers"));
	crm_buf_release(&sql);
	crm_err_release(&err);
}

/* crm_db_open brings an older schema up to date, readers too. */
static void
open_migrates_older(void **state)
{
	static const unsigned flags[] = { 0, CRM_DB_READ };
	struct ctx *c = *state;
	struct crm_err err = CRM_ERR_INIT;
	struct crm_db db;
	size_t i;

	for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		remove(c->fx.path.buf);
		raw_open(c, 0);
		assert_int_equal(crm_schema_migrate(&c->db, 1, &err), 0);
		assert_int_equal(crm_db_exec(&c->db, "INSERT INTO customers "
			"(name, created_at, updated_at) VALUES ('张三丰', 'x', "
			"'y')", &err), 0);
		raw_close(c);
		if (crm_db_open(&db, c->fx.path.buf, flags[i], &err) < 0)
			fail_msg("open (flags %u): %s", flags[i], err.msg.buf);
		assert_int_equal(crm_db_version(&db), crm_schema_latest());
		crm_db_close(&db);
		raw_open(c, 1);
		ASSERT_FTS(c, "三丰", "1");
		raw_close(c);
	}
}

/* Each entity's table has exactly the columns its fields name. */
static void
tables_match_fields(void **state)
{
	struct ctx *c = *state;
	struct crm_err err = CRM_ERR_INIT;
	struct crm_db db;
	size_t i, j;

	if (crm_db_open(&db, c->fx.path.buf, CRM_DB_CREATE, &err) < 0)
		fail_msg("open: %s", err.msg.buf);
	for (i = 0; crm_entities[i]; i++) {
		const struct crm_entity *e = crm_entities[i];
		struct crm_buf sql = CRM_BUF_INIT;
		sqlite3_stmt *st;
		size_t ncols = 0, nstored = 0;

		crm_buf_addf(&sql, "PRAGMA table_info(\"%s\")", e->table);
		assert_int_equal(sqlite3_prepare_v2(crm_db_sqlite(&db), sql.buf, -1, &st,
			NULL), SQLITE_OK);
		while (sqlite3_step(st) == SQLITE_ROW) {
			const char *col = (const char *)
				sqlite3_column_text(st, 1);
			const struct crm_field *f = crm_entity_field(e, col);

			ncols++;
			if (!f)
				fail_msg("%s.%s: a column with no field",
					e->table, col);
#ifdef CRM_F_DERIVED
			if (f->flags & CRM_F_DERIVED)
				fail_msg("%s.%s: a derived field stored",
					e->table, col);
#endif
		}
		sqlite3_finalize(st);
		for (j = 0; j < e->nfields; j++) {
#ifdef CRM_F_DERIVED
			if (e->fields[j].flags & CRM_F_DERIVED)
				continue;
#endif
			nstored++;
		}
		if (ncols != nstored)
			fail_msg("%s: %zu columns for %zu fields", e->table,
				ncols, nstored);
		crm_buf_release(&sql);
	}
	crm_db_close(&db);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(latest_is_positive),
		cmocka_unit_test_setup_teardown(migrate_v1_to_latest, setup,
			teardown),
		cmocka_unit_test_setup_teardown(migrate_sums_units, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			migrate_checks_keep_their_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(
			migrate_search_without_tokenizer, setup, teardown),
		cmocka_unit_test_setup_teardown(migrate_to_same_version, setup,
			teardown),
		cmocka_unit_test_setup_teardown(migrate_failure_changes_nothing,
			setup, teardown),
		cmocka_unit_test_setup_teardown(migrate_newer_refused, setup,
			teardown),
		cmocka_unit_test_setup_teardown(open_migrates_older, setup,
			teardown),
		cmocka_unit_test_setup_teardown(tables_match_fields, setup,
			teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
