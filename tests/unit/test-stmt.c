/*
 * test-stmt - lib/db.h's statements, on whichever backend the run is on
 * (an SQLite file, or with CRM_TEST_PGHOST a PostgreSQL database): the
 * same calls must give the same answers and the same errors on both.
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

#include "db.h"
#include "banned.h"

struct ctx {
	struct fixture fx;
	struct crm_db db;
	struct crm_err err;
};

static int
setup(void **state)
{
	struct ctx *c = calloc(1, sizeof(*c));

	if (!c)
		return -1;
	if (fixture_open(&c->fx, &c->db) < 0)
		return -1;
	c->err = (struct crm_err)CRM_ERR_INIT;
	*state = c;
	return 0;
}

static int
teardown(void **state)
{
	struct ctx *c = *state;

	fixture_close(&c->fx, &c->db);
	crm_err_release(&c->err);
	free(c);
	return 0;
}

static const char add_sql[] =
	"INSERT INTO customers (name, email, city, created_at, updated_at)\n"
	"VALUES (?1, ?2, ?3, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')\n"
	"RETURNING id";

static int64_t
add(struct ctx *c, const char *name, const char *email, const char *city)
{
	int64_t id = 0;

	assert_int_equal(crm_get_int(&c->db, "cannot add", &c->err, &id,
		add_sql, "ttt", name, email, city), 1);
	return id;
}

/* New ids come back from RETURNING, one more each time. */
static void
returning_gives_new_ids(void **state)
{
	struct ctx *c = *state;
	int64_t a = add(c, "Ada", "ada@example.com", "London");
	int64_t b = add(c, "张伟", NULL, "上海");

	assert_true(a > 0);
	assert_int_equal(b, a + 1);
	assert_int_equal(c->err.code, 0);
}

/* A row read column by column: kinds, numbers, text and its length. */
static void
columns_read_back(void **state)
{
	struct ctx *c = *state;
	int64_t id = add(c, "张伟", NULL, "上海");
	struct crm_stmt *st;

	st = crm_sql(&c->db, NULL, "SELECT id, name, email, city\n"
		"FROM customers WHERE id = ?1", &c->err);
	assert_non_null(st);
	assert_int_equal(crm_stmt_params(st), 1);
	crm_bind_int(st, 1, id);
	assert_int_equal(crm_step(st), 1);
	assert_int_equal(crm_col_count(st), 4);
	assert_int_equal(crm_col_kind(st, 0), CRM_INT);
	assert_int_equal(crm_col_int(st, 0), id);
	assert_int_equal(crm_col_kind(st, 1), CRM_TEXT);
	assert_string_equal(crm_col_text(st, 1), "张伟");
	assert_int_equal(crm_col_len(st, 1), strlen("张伟"));
	assert_int_equal(crm_col_kind(st, 2), CRM_NULL);
	assert_null(crm_col_text(st, 2));
	assert_int_equal(crm_col_len(st, 2), 0);
	assert_int_equal(crm_step(st), 0);
	assert_int_equal(crm_done(st), 0);
}

/* Text bound with a length stops there; NULL text binds NULL. */
static void
text_with_length_and_null(void **state)
{
	struct ctx *c = *state;
	struct crm_buf name = CRM_BUF_INIT;
	struct crm_stmt *st;
	int64_t n = -1;

	st = crm_sql(&c->db, NULL, add_sql, &c->err);
	crm_bind_textn(st, 1, "Adameter", 3);
	crm_bind_text(st, 2, NULL);
	crm_bind_null(st, 3);
	assert_int_equal(crm_step(st), 1);
	assert_int_equal(crm_done(st), 0);
	assert_int_equal(crm_get_text(&c->db, NULL, &c->err, &name,
		"SELECT name FROM customers", NULL), 1);
	assert_string_equal(name.buf, "Ada");
	assert_int_equal(crm_get_int(&c->db, NULL, &c->err, &n,
		"SELECT count(*) FROM customers\n"
		"WHERE email IS NULL AND city IS NULL", NULL), 1);
	assert_int_equal(n, 1);
	crm_buf_release(&name);
}

/* crm_run says how many rows it changed, and so does the statement. */
static void
rows_changed(void **state)
{
	struct ctx *c = *state;
	struct crm_stmt *st;

	add(c, "A", "a@example.com", "Paris");
	add(c, "B", "b@example.com", "Paris");
	add(c, "C", "c@example.com", "Rome");
	assert_int_equal(crm_run(&c->db, NULL, &c->err,
		"UPDATE customers SET segment = ?1 WHERE city = ?2", "tt",
		"vip", "Paris"), 2);
	st = crm_sql(&c->db, NULL, "DELETE FROM customers WHERE city = ?1",
		&c->err);
	crm_bind_text(st, 1, "Rome");
	assert_int_equal(crm_step(st), 0);
	assert_int_equal(crm_stmt_changes(st), 1);
	assert_int_equal(crm_done(st), 0);
	assert_int_equal(crm_run(&c->db, NULL, &c->err,
		"DELETE FROM customers WHERE city = ?1", "t", "Oslo"), 0);
}

/* Finding an id by a column's value: found, not found. */
static void
find_id(void **state)
{
	struct ctx *c = *state;
	int64_t id = add(c, "Ada", "ada@example.com", NULL), got = 0;

	assert_int_equal(crm_find_id(&c->db, "customers", "email",
		"ada@example.com", &got, &c->err), 1);
	assert_int_equal(got, id);
	got = 0;
	assert_int_equal(crm_find_id(&c->db, "customers", "email",
		"nobody@example.com", &got, &c->err), 0);
	assert_int_equal(got, 0);
	assert_int_equal(c->err.code, 0);
}

/* SQL the database refuses fails at crm_sql() (NULL) or at the first
 * step (a server plans when it knows the parameters' types); either
 * way the error is set once and the rest of the sequence does nothing. */
static void
bad_sql_is_sticky(void **state)
{
	struct ctx *c = *state;
	struct crm_stmt *st;

	st = crm_sql(&c->db, "cannot look", "SELECT nosuchcolumn FROM "
		"customers WHERE id = ?1", &c->err);
	crm_bind_int(st, 1, 1);
	assert_int_equal(crm_step(st), -1);
	assert_int_equal(c->err.code, CRM_EX_SOFTWARE);
	assert_int_equal(crm_step(st), -1);
	assert_int_equal(crm_done(st), -1);
}

/* A broken constraint is a data error naming what was being done; the
 * statement's next use starts clean. */
static void
constraint_is_dataerr(void **state)
{
	struct ctx *c = *state;
	struct crm_err e = CRM_ERR_INIT;
	int64_t id;

	add(c, "Ada", "ada@example.com", NULL);
	assert_int_equal(crm_get_int(&c->db, "cannot add", &e, &id, add_sql,
		"ttt", "Ada 2", "ada@example.com", NULL), -1);
	assert_int_equal(e.code, CRM_EX_DATAERR);
	assert_true(strncmp(e.msg.buf, "cannot add: ", 12) == 0);
	crm_err_release(&e);
	assert_true(add(c, "Bob", "bob@example.com", NULL) > 0);
}

/* A savepoint undone takes back only what came after it; a
 * transaction rolled back takes back everything. */
static void
savepoints_and_rollback(void **state)
{
	struct ctx *c = *state;

	assert_int_equal(crm_db_begin(&c->db, &c->err), 0);
	assert_true(crm_db_in_transaction(&c->db));
	add(c, "Kept", NULL, NULL);
	assert_int_equal(crm_db_savepoint(&c->db, "row", CRM_SP_BEGIN,
		&c->err), 0);
	add(c, "Undone", NULL, NULL);
	assert_int_equal(crm_db_savepoint(&c->db, "row", CRM_SP_UNDO,
		&c->err), 0);
	assert_int_equal(crm_db_savepoint(&c->db, "row", CRM_SP_RELEASE,
		&c->err), 0);
	assert_int_equal(crm_db_int(&c->db, "SELECT count(*) FROM customers",
		-1), 1);
	assert_int_equal(crm_db_commit(&c->db, &c->err), 0);
	assert_false(crm_db_in_transaction(&c->db));

	assert_int_equal(crm_db_begin(&c->db, &c->err), 0);
	add(c, "Gone", NULL, NULL);
	crm_db_rollback(&c->db);
	assert_int_equal(crm_db_int(&c->db, "SELECT count(*) FROM customers",
		-1), 1);
	assert_int_equal(c->err.code, 0);
}

/* One writer at a time: a second connection that cannot have the
 * write lock within the busy timeout is told to try again later. */
static void
second_writer_waits_then_fails(void **state)
{
	struct ctx *c = *state;
	struct crm_db other;
	struct crm_err e = CRM_ERR_INIT;

	assert_int_equal(crm_db_begin(&c->db, &c->err), 0);
	setenv("CRM_BUSY_TIMEOUT", "100", 1);
	assert_int_equal(crm_db_open(&other, c->fx.path.buf, 0, &e), 0);
	unsetenv("CRM_BUSY_TIMEOUT");
	assert_int_equal(crm_db_begin(&other, &e), -1);
	assert_int_equal(e.code, CRM_EX_TEMPFAIL);
	assert_non_null(strstr(e.msg.buf, "busy"));
	crm_db_close(&other);
	crm_db_rollback(&c->db);
	crm_err_release(&e);
}

/* The schema version is the newest, and the backend is named. */
static void
version_and_backend(void **state)
{
	struct ctx *c = *state;

	assert_int_equal(crm_db_version(&c->db), crm_db_version(&c->db));
	assert_true(crm_db_version(&c->db) >= 12);
	assert_string_equal(crm_db_backend(&c->db),
		fixture_pg() ? "postgresql" : "sqlite");
}

/* A server that is not there: 75, one line, no password in it. */
static void
unreachable_server_hides_password(void **state)
{
	struct crm_db db;
	struct crm_err e = CRM_ERR_INIT;

	(void)state;
	assert_int_equal(crm_db_open(&db, "postgresql://crm:s3cret@/crm"
		"?host=/nonexistent/socket/dir", 0, &e), -1);
	assert_int_equal(e.code, CRM_EX_TEMPFAIL);
	assert_null(strstr(e.msg.buf, "s3cret"));
	assert_null(strchr(e.msg.buf, '\n'));
	assert_non_null(strstr(e.msg.buf, "***"));
	crm_err_release(&e);
}

/* On a server: a role it does not know is refused (77), a database it
 * does not have is missing (66). */
static void
server_refusals(void **state)
{
	struct crm_buf uri = CRM_BUF_INIT;
	struct crm_err e = CRM_ERR_INIT;
	struct crm_db db;

	(void)state;
	/* Only a server has roles (cmocka's skip() reads as a failure to
	 * prove: the test passes on SQLite, having nothing to check). */
	if (!fixture_pg())
		return;
	crm_buf_addf(&uri, "postgresql:///postgres?host=%s&user=nobody_here",
		fixture_pg());
	assert_int_equal(crm_db_open(&db, uri.buf, 0, &e), -1);
	assert_int_equal(e.code, CRM_EX_NOPERM);
	crm_err_clear(&e);
	crm_buf_reset(&uri);
	crm_buf_addf(&uri, "postgresql:///no_such_db?host=%s&user=crm",
		fixture_pg());
	assert_int_equal(crm_db_open(&db, uri.buf, 0, &e), -1);
	assert_int_equal(e.code, CRM_EX_NOINPUT);
	crm_err_release(&e);
	crm_buf_release(&uri);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(returning_gives_new_ids,
			setup, teardown),
		cmocka_unit_test_setup_teardown(columns_read_back,
			setup, teardown),
		cmocka_unit_test_setup_teardown(text_with_length_and_null,
			setup, teardown),
		cmocka_unit_test_setup_teardown(rows_changed, setup, teardown),
		cmocka_unit_test_setup_teardown(find_id, setup, teardown),
		cmocka_unit_test_setup_teardown(bad_sql_is_sticky,
			setup, teardown),
		cmocka_unit_test_setup_teardown(constraint_is_dataerr,
			setup, teardown),
		cmocka_unit_test_setup_teardown(savepoints_and_rollback,
			setup, teardown),
		cmocka_unit_test_setup_teardown(second_writer_waits_then_fails,
			setup, teardown),
		cmocka_unit_test_setup_teardown(version_and_backend,
			setup, teardown),
		cmocka_unit_test(unreachable_server_hides_password),
		cmocka_unit_test(server_refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
