/*
 * test-search - lib/search.h: substring search with the bigram tokenizer.
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

#include "record.h"
#include "search.h"
#include "banned.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ---- the MATCH expression --------------------------------------------- */

struct query_case {
	const char *in;
	const char *want;	/* NULL: refused with CRM_EX_USAGE */
};

/*
 * Fold-neutral inputs only (lowercase ASCII, CJK, digits): how case, width
 * and accents are dealt with is checked by real matches below, not by
 * the spelling of the expression.
 */
static const struct query_case query_cases[] = {
	{ "张三", "\"张三\"" },
	{ "张", "\"张\" *" },
	{ "王小明", "\"王小明\"" },
	{ "ada", "\"ada\"" },
	{ "a", "\"a\" *" },
	{ "ada love", "\"ada\" AND \"love\"" },
	{ "  ada  ", "\"ada\"" },
	{ "o'brien", "\"o\" * AND \"brien\"" },
	{ "a-b", "\"a\" * AND \"b\" *" },
	{ "138 0013", "\"138\" AND \"0013\"" },
	{ "张三 北京", "\"张三\" AND \"北京\"" },
	{ "张三，北京。", "\"张三\" AND \"北京\"" },
	{ "x\" or \"y", "\"x\" * AND \"or\" AND \"y\" *" },	/* quotes */
	{ "near(a b)", "\"near\" AND \"a\" * AND \"b\" *" },
	{ "ada*", "\"ada\"" },
	{ "", NULL },
	{ "   ", NULL },
	{ "!!! ---", NULL },
	{ "\"\"", NULL },
	{ "\xe3\x80\x80", NULL },				/* U+3000 */
};

static void
query_table(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(query_cases); i++) {
		const struct query_case *c = &query_cases[i];
		struct crm_buf m = CRM_BUF_INIT;
		struct crm_err err = CRM_ERR_INIT;
		int r = crm_sqlite_search_match(c->in, &m, &err);

		if (c->want && (r != 0 || strcmp(m.buf, c->want)))
			fail_msg("case %zu '%s': r=%d '%s' (%s), want '%s'",
				i, c->in, r, m.buf, err.msg.buf, c->want);
		if (!c->want && (r != -1 || err.code != CRM_EX_USAGE))
			fail_msg("case %zu '%s': accepted as '%s'", i, c->in,
				m.buf);
		crm_buf_release(&m);
		crm_err_release(&err);
	}
}

/* The expression is appended. */
static void
query_appends(void **state)
{
	struct crm_buf m = CRM_BUF_INIT;
	struct crm_err err = CRM_ERR_INIT;

	(void)state;
	crm_buf_adds(&m, "name : ");
	assert_int_equal(crm_sqlite_search_match("ada", &m, &err), 0);
	assert_string_equal(m.buf, "name : \"ada\"");
	crm_buf_release(&m);
}

/* ---- real matches ----------------------------------------------------- */

struct ctx {
	struct fixture fx;
	struct crm_db db;
	struct crm_fieldset fs;
};

static int
setup(void **state)
{
	struct ctx *c = calloc(1, sizeof(*c));

	if (!c)
		return -1;
	if (fixture_open(&c->fx, &c->db) < 0)
		return -1;
	crm_fieldset_builtin(&c->fs, crm_entity_find("customer"));
	fixture_add(&c->db, &c->fs, "name=王小明", "email=wang@example.cn",
		"city=上海", NULL);					/* 1 */
	fixture_add(&c->db, &c->fs, "name=张三丰", "phone=+86 138 0013 8000",
		"city=北京", NULL);					/* 2 */
	fixture_add(&c->db, &c->fs, "name=Ada Lovelace",
		"email=ada@example.com", "city=London", NULL);		/* 3 */
	fixture_add(&c->db, &c->fs,					/* 4 */
		"name=\xef\xbc\xa1\xef\xbc\xa2\xef\xbc\xa3 Trading", NULL);
	fixture_add(&c->db, &c->fs, "name=Jos\xc3\xa9 N\xc3\xba\xc3\xb1" "ez",
		"city=M\xc3\xa1laga", NULL);				/* 5 */
	fixture_add(&c->db, &c->fs, "name=O'Brien & Sons", NULL);	/* 6 */
	fixture_add(&c->db, &c->fs, "name=Bob", NULL);			/* 7 */
	*state = c;
	return 0;
}

static int
teardown(void **state)
{
	struct ctx *c = *state;

	crm_fieldset_release(&c->fs);
	fixture_close(&c->fx, &c->db);
	free(c);
	return 0;
}

/* The ids a search finds, as crm-customer search runs it: "1,3". */
static char *
search(struct ctx *c, const char *text)
{
	struct crm_err err = CRM_ERR_INIT;
	struct crm_query q;
	struct crm_out out;
	const struct crm_field *id = crm_fieldset_find(&c->fs, "id");
	char *buf = NULL, *p;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	if (crm_search_text_ok(text, &err) < 0 ||
	    crm_search_fresh(&c->db, &err) < 0)
		fail_msg("search '%s': %s", text, err.msg.buf);
	crm_query_init(&q, &c->fs);
	q.match = text;
	crm_out_begin(&out, fp, CRM_FMT_TSV, 0, &id->name, 1);
	if (crm_query_run(&c->db, &q, &id, 1, &out, &err) < 0)
		fail_msg("search '%s': %s", text, err.msg.buf);
	crm_out_end(&out);
	fclose(fp);
	crm_query_release(&q);
	for (p = buf; *p; p++)
		if (*p == '\n')
			*p = p[1] ? ',' : '\0';
	return buf;
}

#define ASSERT_SEARCH(c, text, want) do { \
	char *got_ = search((c), (text)); \
	if (strcmp(got_, (want))) \
		fail_msg("search '%s': ids '%s', want '%s'", (text), got_, \
			(want)); \
	free(got_); \
} while (0)

/* What a search of the records setup() adds finds. */
static const struct query_case search_cases[] = {
	/* Every substring of a Chinese name is found, of two characters... */
	{ "小明", "1" },
	{ "王小", "1" },
	{ "王小明", "1" },
	{ "张三", "2" },
	{ "三丰", "2" },
	{ "张三丰", "2" },
	{ "上海", "1" },
	{ "北京", "2" },
	/* characters of the name, but not a substring */
	{ "王明", "" },
	{ "丰三", "" },
	{ "李四", "" },
	/* ...and of one, wherever it stands. */
	{ "王", "1" },		/* first */
	{ "小", "1" },		/* middle */
	{ "明", "1" },		/* last */
	{ "丰", "2" },
	{ "海", "1" },
	{ "李", "" },
	/* ASCII substrings, any case, any length. */
	{ "lovelace", "3" },
	{ "LOVE", "3" },
	{ "ovel", "3" },
	{ "ace", "3" },
	{ "ov", "3" },
	{ "Ada Lovelace", "3" },
	{ "lovelace ada", "3" },	/* words in any order */
	{ "ada london", "3" },		/* across fields */
	{ "ada paris", "" },
	{ "b", "4,6,7" },		/* one letter anywhere */
	{ "bob", "7" },
	{ "brien", "6" },
	{ "o'brien", "6" },
	{ "example", "1,3" },		/* email */
	{ "wang", "1" },
	{ "zzz", "" },
	/* Full-width letters match ASCII, both ways; accents are dropped. */
	{ "abc", "4" },
	{ "ABC", "4" },
	{ "bc", "4" },
	{ "\xef\xbc\xa1\xef\xbc\xa2", "4" },			/* ＡＢ */
	{ "\xef\xbd\x81\xef\xbd\x84\xef\xbd\x81", "3" },	/* ａｄａ */
	{ "trading", "4" },
	{ "jose", "5" },
	{ "Jos\xc3\xa9", "5" },
	{ "nunez", "5" },
	{ "malaga", "5" },
	/* Digits: phone numbers as stored. */
	{ "13800138000", "2" },
	{ "0013", "2" },
	{ "8613", "2" },
	{ "\xef\xbc\x91\xef\xbc\x93\xef\xbc\x98", "2" },	/* １３８ */
	{ "99", "" },
};

static void
search_table(void **state)
{
	struct ctx *c = *state;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(search_cases); i++) {
		const struct query_case *sc = &search_cases[i];
		char *got = search(c, sc->in);

		if (strcmp(got, sc->want)) {
			print_error("case %zu: search '%s': ids '%s', want "
				"'%s'\n", i, sc->in, got, sc->want);
			free(got);
			fail_msg("case %zu '%s': other ids", i, sc->in);
		}
		free(got);
	}
}

/*
 * A name is found by itself, whatever its script: also where folding
 * makes one character several (Hangul syllables to jamo, ß to ss, the
 * ﬁ ligature to fi).
 */
static void
found_by_itself(void **state)
{
	static const char *const names[] = {
		"김민준", "한국", "가나", "Stra\303\237e", "\xef\xac\x81sh",
	};
	struct ctx *c = *state;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		struct crm_buf kv = CRM_BUF_INIT, id = CRM_BUF_INIT;

		crm_buf_addf(&kv, "name=%s", names[i]);
		fixture_add(&c->db, &c->fs, kv.buf, NULL);
		crm_buf_addf(&id, "%zu", 8 + i);
		ASSERT_SEARCH(c, names[i], id.buf);
		crm_buf_release(&kv);
		crm_buf_release(&id);
	}
	ASSERT_SEARCH(c, "민준", "8");
	ASSERT_SEARCH(c, "stra\xc3\x9f" "e", "11");
}

/* The index follows updates and deletes. */
static void
follows_changes(void **state)
{
	struct ctx *c = *state;
	struct crm_assigns as = CRM_ASSIGNS_INIT;
	struct crm_err err = CRM_ERR_INIT;
	int changed;

	crm_assigns_add(&as, crm_fieldset_find(&c->fs, "name"), "李四");
	assert_int_equal(crm_record_update(&c->db, &c->fs, 2, &as, &changed,
		&err), 0);
	assert_int_equal(changed, 1);
	ASSERT_SEARCH(c, "张三", "");
	ASSERT_SEARCH(c, "李四", "2");
	ASSERT_SEARCH(c, "北京", "2");
	assert_int_equal(crm_record_delete(&c->db, c->fs.entity, 1, 0, NULL,
		&err), 0);
	ASSERT_SEARCH(c, "小明", "");
	ASSERT_SEARCH(c, "上海", "");
	crm_assigns_release(&as);
}

/*
 * SQL on the database from a connection without crm's code, as
 * sqlite3(1) or psql runs it: every statement succeeds.
 */
static void
plain_sql(struct ctx *c, const char *sql)
{
	sqlite3 *h;
	char *msg = NULL;

	if (fixture_pg()) {
		struct crm_buf file = CRM_BUF_INIT, cmd = CRM_BUF_INIT;
		FILE *fp;

		crm_buf_addf(&file, "%s/plain.sql", c->fx.dir);
		fp = fopen(file.buf, "w");
		assert_non_null(fp);
		fputs(sql, fp);
		fclose(fp);
		crm_buf_addf(&cmd, "psql -X -q -v ON_ERROR_STOP=1 -h '%s' "
			"-U crm -d %s -f %s >/dev/null", fixture_pg(),
			c->fx.pgname, file.buf);
		if (system(cmd.buf) != 0)
			fail_msg("psql: %s", sql);
		crm_buf_release(&file);
		crm_buf_release(&cmd);
		return;
	}
	assert_int_equal(sqlite3_open(c->fx.path.buf, &h), SQLITE_OK);
	if (sqlite3_exec(h, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg);
	sqlite3_close(h);
}

/* What sqlite3 changes in customers is found, and what it replaced not. */
static void
plain_sql_edits(void **state)
{
	struct ctx *c = *state;

	plain_sql(c,
		"UPDATE customers SET name = '李四', email = 'li@example.org' "
		"WHERE id = 2;"
		"DELETE FROM customers WHERE id = 1;"
		"INSERT INTO customers (name, city, created_at, updated_at) "
		"VALUES ('赵六', '深圳', 'x', 'x');"			/* 8 */
		"UPDATE customers SET city = 'Paris' WHERE id = 3;"
		"UPDATE customers SET phone = '+442079460958' "
		"WHERE id = 6;");
	ASSERT_SEARCH(c, "张三", "");
	ASSERT_SEARCH(c, "李四", "2");
	ASSERT_SEARCH(c, "北京", "2");		/* not changed */
	ASSERT_SEARCH(c, "li@example", "2");
	ASSERT_SEARCH(c, "小明", "");
	ASSERT_SEARCH(c, "上海", "");
	ASSERT_SEARCH(c, "wang", "");
	ASSERT_SEARCH(c, "赵六", "8");
	ASSERT_SEARCH(c, "深圳", "8");
	ASSERT_SEARCH(c, "london", "");
	ASSERT_SEARCH(c, "paris", "3");
	ASSERT_SEARCH(c, "ada", "3");
	ASSERT_SEARCH(c, "79460958", "6");
	assert_int_equal(crm_db_int(&c->db, "SELECT count(*) FROM "
		"search_dirty", -1), 0);
}

/*
 * A REPLACE deletes the rows in its way without a delete trigger, and an
 * update may change an id: the index follows both, and one customer
 * changed many times before a search is found by its last values.
 */
static void
plain_sql_replaces(void **state)
{
	struct ctx *c = *state;

	/* REPLACE is SQLite's: nothing to check on PostgreSQL (cmocka's
	 * skip() reads as a failure to prove). */
	if (fixture_pg())
		return;
	plain_sql(c,
		/* in place of 7 (Bob), by its id */
		"INSERT OR REPLACE INTO customers (id, name, created_at, "
		"updated_at) VALUES (7, 'Carol', 'x', 'x');"
		/* in place of 3 (Ada), by her email: a new id, 8 */
		"INSERT OR REPLACE INTO customers (name, email, created_at, "
		"updated_at) VALUES ('Ann', 'ada@example.com', 'x', 'x');"
		/* 5 takes 1's email: 1 goes */
		"UPDATE OR REPLACE customers SET email = 'wang@example.cn' "
		"WHERE id = 5;"
		"UPDATE customers SET id = 100 WHERE id = 7;"
		"UPDATE customers SET name = '甲乙' WHERE id = 2;"
		"UPDATE customers SET name = '丙丁' WHERE id = 2;"
		"UPDATE customers SET city = '广州' WHERE id = 2;");
	ASSERT_SEARCH(c, "bob", "");
	ASSERT_SEARCH(c, "carol", "100");
	ASSERT_SEARCH(c, "lovelace", "");
	ASSERT_SEARCH(c, "ann", "8");
	ASSERT_SEARCH(c, "example.com", "8");
	ASSERT_SEARCH(c, "小明", "");
	ASSERT_SEARCH(c, "wang", "5");
	ASSERT_SEARCH(c, "jose", "5");
	ASSERT_SEARCH(c, "张三", "");
	ASSERT_SEARCH(c, "甲乙", "");
	ASSERT_SEARCH(c, "丙丁", "2");
	ASSERT_SEARCH(c, "北京", "");
	ASSERT_SEARCH(c, "广州", "2");
}

/*
 * crm's own writes take their changes into the index as they commit: no
 * note is left for a search to fold, and the index matches the table.
 */
static void
commit_folds(void **state)
{
	struct ctx *c = *state;
	struct crm_assigns as = CRM_ASSIGNS_INIT;
	struct crm_err err = CRM_ERR_INIT;
	struct crm_search_state s = { 0 };
	int changed;

	assert_int_equal(crm_db_begin(&c->db, &err), 0);
	crm_assigns_add(&as, crm_fieldset_find(&c->fs, "city"), "深圳");
	assert_int_equal(crm_record_update(&c->db, &c->fs, 2, &as, &changed,
		&err), 0);
	assert_int_equal(crm_record_delete(&c->db, c->fs.entity, 3, 0, NULL,
		&err), 0);
	assert_true(crm_db_int(&c->db, "SELECT count(*) FROM search_dirty",
		-1) > 0);
	assert_int_equal(crm_db_commit(&c->db, &err), 0);
	assert_int_equal(crm_db_int(&c->db, "SELECT count(*) FROM "
		"search_dirty", -1), 0);
	assert_int_equal(crm_search_check(&c->db, &s, &err), 0);
	assert_int_equal(s.pending, 0);
	assert_int_equal(s.wrong, 0);
	ASSERT_SEARCH(c, "深圳", "2");
	ASSERT_SEARCH(c, "北京", "");
	ASSERT_SEARCH(c, "lovelace", "");
	crm_assigns_release(&as);
	assert_int_equal(err.code, 0);
}

/*
 * A reader folds what sqlite3 changed through a writer of its own, and
 * the search it then runs finds the new values.
 */
static void
reader_folds(void **state)
{
	struct ctx *c = *state;
	struct crm_err err = CRM_ERR_INIT;
	struct crm_db r;

	/* setup()'s records, written without crm_db_commit(), first */
	assert_int_equal(crm_search_fresh(&c->db, &err), 0);
	plain_sql(c, "UPDATE customers SET name = '李四' WHERE id = 2");
	if (crm_db_open(&r, c->fx.path.buf, CRM_DB_READ, &err) < 0)
		fail_msg("open: %s", err.msg.buf);
	assert_int_equal(crm_db_int(&r, "SELECT count(*) FROM search_dirty",
		-1), 1);
	assert_int_equal(crm_search_fresh(&r, &err), 0);
	assert_int_equal(crm_db_int(&r, "SELECT count(*) FROM search_dirty",
		-1), 0);
	crm_db_close(&r);
	ASSERT_SEARCH(c, "李四", "2");
	assert_int_equal(err.code, 0);
}

/*
 * crm_search_check: changes not yet folded in and an index that differs
 * from the table are found, and left as they are; with repair, mended.
 */
static void
check_and_repair(void **state)
{
	struct ctx *c = *state;
	struct crm_err err = CRM_ERR_INIT;
	struct crm_search_state s = { 0 };

	assert_int_equal(crm_search_fresh(&c->db, &err), 0);
	assert_int_equal(crm_search_check(&c->db, &s, &err), 0);
	assert_int_equal(s.pending, 0);
	assert_int_equal(s.wrong, 0);

	plain_sql(c, "UPDATE customers SET city = '深圳' WHERE id IN (1, 2)");
	assert_int_equal(crm_search_check(&c->db, &s, &err), 0);
	assert_int_equal(s.pending, 2);
	assert_int_equal(s.wrong, 0);
	/* a check changes nothing */
	assert_int_equal(crm_db_int(&c->db, "SELECT count(*) FROM "
		"search_dirty", -1), 2);

	/* Index entries gone behind crm's back: 1's (now 深圳), and 3's
	 * sizes. */
	plain_sql(c, fixture_pg() ? "DELETE FROM customer_search WHERE id = 3" :
		"DELETE FROM customers_fts_docsize WHERE id = 3");
	assert_int_equal(crm_search_check(&c->db, &s, &err), 0);
	assert_int_equal(s.pending, 2);
	assert_int_equal(s.wrong, 1);

	s.repair = 1;
	assert_int_equal(crm_search_check(&c->db, &s, &err), 0);
	assert_int_equal(s.pending, 2);
	assert_int_equal(s.wrong, 1);
	s.repair = 0;
	assert_int_equal(crm_search_check(&c->db, &s, &err), 0);
	assert_int_equal(s.pending, 0);
	assert_int_equal(s.wrong, 0);
	ASSERT_SEARCH(c, "深圳", "1,2");
	ASSERT_SEARCH(c, "lovelace", "3");
	assert_int_equal(err.code, 0);
}

/* The tokenizer can be registered on any connection. */
static void
register_on_connection(void **state)
{
	sqlite3 *h;
	struct crm_buf m = CRM_BUF_INIT;
	struct crm_err err = CRM_ERR_INIT;
	sqlite3_stmt *st;

	(void)state;
	assert_int_equal(sqlite3_open(":memory:", &h), SQLITE_OK);
	assert_int_equal(crm_search_register(h), SQLITE_OK);
	assert_int_equal(sqlite3_exec(h, "CREATE VIRTUAL TABLE t USING fts5 "
		"(x, tokenize = 'crm_bigram'); INSERT INTO t VALUES "
		"('深圳市腾讯'), ('abc');", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(crm_sqlite_search_match("腾讯", &m, &err), 0);
	assert_int_equal(sqlite3_prepare_v2(h, "SELECT rowid FROM t WHERE t "
		"MATCH ?", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, m.buf, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 1);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	sqlite3_close(h);
	crm_buf_release(&m);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(query_table),
		cmocka_unit_test(query_appends),
		T(search_table),
		T(follows_changes),
		cmocka_unit_test(register_on_connection),
		T(found_by_itself),
		T(plain_sql_edits),
		T(plain_sql_replaces),
		T(commit_folds),
		T(reader_folds),
		T(check_and_repair),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
