/*
 * test-rules - lib/rules.h: deals, tickets, activities, campaigns and
 * members keep their rules through crm_record_insert() and
 * crm_record_update().
 *
 * Each test gets a fresh database with two customers and a contact of the
 * second.
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

#include "rules.h"
#include "value.h"
#include "banned.h"

struct ctx {
	struct fixture fx;
	struct crm_db db;
};

/* Assign "field=value" texts (NULL-terminated) to as. */
static void
assigns(struct crm_fieldset *fs, struct crm_assigns *as, va_list ap)
{
	struct crm_err err = CRM_ERR_INIT;
	const char *s;

	while ((s = va_arg(ap, const char *))) {
		const char *eq = strchr(s, '=');
		char name[64];

		snprintf(name, sizeof(name), "%.*s", (int)(eq - s), s);
		/* Read-only fields too: the rules must hold whatever writes. */
		if (!crm_fieldset_find(fs, name))
			fail_msg("no field %s", name);
		crm_assigns_add(as, crm_fieldset_find(fs, name), eq + 1);
	}
	crm_err_release(&err);
}

/* Insert a record of entity; its id, or -1 with err set. */
static int64_t
add(struct ctx *c, const char *entity, struct crm_err *err, ...)
{
	struct crm_fieldset fs = CRM_FIELDSET_INIT;
	struct crm_assigns as = CRM_ASSIGNS_INIT;
	va_list ap;
	int64_t id = -1;

	crm_fieldset_builtin(&fs, crm_entity_find(entity));
	va_start(ap, err);
	assigns(&fs, &as, ap);
	va_end(ap);
	if (crm_record_insert(&c->db, &fs, &as, &id, err) < 0)
		id = -1;
	crm_assigns_release(&as);
	crm_fieldset_release(&fs);
	return id;
}

/* Update record id; 0 or -1 with err set; *changed as the library says. */
static int
upd(struct ctx *c, const char *entity, int64_t id, int *changed,
	struct crm_err *err, ...)
{
	struct crm_fieldset fs = CRM_FIELDSET_INIT;
	struct crm_assigns as = CRM_ASSIGNS_INIT;
	va_list ap;
	int r;

	crm_fieldset_builtin(&fs, crm_entity_find(entity));
	va_start(ap, err);
	assigns(&fs, &as, ap);
	va_end(ap);
	r = crm_record_update(&c->db, &fs, id, &as, changed, err);
	crm_assigns_release(&as);
	crm_fieldset_release(&fs);
	return r;
}

/* The first row of a query as text: its columns run together, "" for
 * NULL; static. */
static const char *
q(struct ctx *c, const char *sql)
{
	static char buf[128];
	struct crm_err err = CRM_ERR_INIT;
	struct crm_stmt *st = crm_sql(&c->db, NULL, sql, &err);
	int i;

	buf[0] = '\0';
	if (crm_step(st) > 0)
		for (i = 0; i < crm_col_count(st); i++)
			if (crm_col_kind(st, i) != CRM_NULL)
				snprintf(buf + strlen(buf), sizeof(buf) -
					strlen(buf), "%s", crm_col_text(st, i));
	if (crm_done(st) < 0)
		fail_msg("%s: %s", sql, err.msg.buf);
	crm_err_release(&err);
	return buf;
}

static int
setup(void **state)
{
	struct ctx *c = calloc(1, sizeof(*c));
	struct crm_err err = CRM_ERR_INIT;

	if (!c)
		return -1;
	if (fixture_open(&c->fx, &c->db) < 0)
		return -1;
	if (add(c, "customer", &err, "name=Ada", NULL) != 1 ||
	    add(c, "customer", &err, "name=Bob", NULL) != 2 ||
	    add(c, "contact", &err, "customer=2", "name=Cy", NULL) != 1)
		return -1;
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

static void
stage_probabilities(void **state)
{
	(void)state;
	assert_int_equal(crm_deal_probability("lead"), 10);
	assert_int_equal(crm_deal_probability("qualified"), 25);
	assert_int_equal(crm_deal_probability("proposal"), 50);
	assert_int_equal(crm_deal_probability("negotiation"), 75);
	assert_int_equal(crm_deal_probability("won"), 100);
	assert_int_equal(crm_deal_probability("lost"), 0);
	assert_int_equal(crm_deal_probability("maybe"), -1);
	assert_int_equal(crm_deal_probability(NULL), -1);
}

static void
deal_probability(void **state)
{
	struct ctx *c = *state;
	struct crm_err err = CRM_ERR_INIT;
	int changed;

	assert_int_equal(add(c, "deal", &err, "customer=1", "title=A", NULL),
		1);
	assert_string_equal(q(c, "SELECT probability, stage, "
		"manual_probability FROM deals"), "10lead0");
	assert_int_equal(upd(c, "deal", 1, &changed, &err,
		"stage=proposal", NULL), 0);
	assert_true(changed);
	assert_string_equal(q(c, "SELECT probability FROM deals"), "50");
	/* By hand: it stays through stages. */
	assert_int_equal(upd(c, "deal", 1, &changed, &err,
		"probability=42", NULL), 0);
	assert_int_equal(upd(c, "deal", 1, &changed, &err, "stage=won",
		NULL), 0);
	assert_string_equal(q(c, "SELECT probability, manual_probability "
		"FROM deals"), "421");
	/* The same values again change nothing. */
	assert_int_equal(upd(c, "deal", 1, &changed, &err, "stage=won",
		"probability=42", NULL), 0);
	assert_false(changed);
	/* Empty: back to the stage. */
	assert_int_equal(upd(c, "deal", 1, &changed, &err, "probability=",
		NULL), 0);
	assert_string_equal(q(c, "SELECT probability, manual_probability "
		"FROM deals"), "1000");
	crm_err_release(&err);
}

static void
deal_closed_at(void **state)
{
	struct ctx *c = *state;
	struct crm_err err = CRM_ERR_INIT;
	int changed;

	assert_int_equal(add(c, "deal", &err, "customer=1", "title=A",
		"stage=won", "closed_at=2026-01-02T00:00:00Z", NULL), 1);
	assert_string_equal(q(c, "SELECT closed_at FROM deals"),
		"2026-01-02T00:00:00Z");
	assert_int_equal(upd(c, "deal", 1, &changed, &err, "title=B", NULL),
		0);
	assert_string_equal(q(c, "SELECT closed_at FROM deals"),
		"2026-01-02T00:00:00Z");
	assert_int_equal(upd(c, "deal", 1, &changed, &err, "stage=lost",
		NULL), 0);
	assert_string_not_equal(q(c, "SELECT closed_at FROM deals"),
		"2026-01-02T00:00:00Z");
	assert_string_not_equal(q(c, "SELECT closed_at FROM deals"), "");
	assert_int_equal(upd(c, "deal", 1, &changed, &err, "stage=lead",
		NULL), 0);
	assert_string_equal(q(c, "SELECT closed_at FROM deals"), "");
	assert_int_equal(upd(c, "deal", 1, &changed, &err,
		"closed_at=2026-01-01T00:00:00Z", NULL), -1);
	assert_int_equal(err.code, CRM_EX_DATAERR);
	assert_string_equal(err.msg.buf, "deal 1 is lead: closed_at is only "
		"for won or lost deals");
	crm_err_release(&err);
}

static void
ticket_rating(void **state)
{
	struct ctx *c = *state;
	struct crm_err err = CRM_ERR_INIT;
	int changed;

	assert_int_equal(add(c, "ticket", &err, "customer=1", "subject=S",
		"rating=3", NULL), -1);
	assert_string_equal(err.msg.buf, "a new ticket is open: a rating "
		"only on a resolved or closed ticket");
	crm_err_clear(&err);
	assert_int_equal(add(c, "ticket", &err, "customer=1", "subject=S",
		NULL), 1);
	assert_int_equal(upd(c, "ticket", 1, &changed, &err,
		"status=resolved", "rating=4", NULL), 0);
	assert_string_equal(q(c, "SELECT rating, CASE WHEN resolved_at "
		"IS NULL THEN 0 ELSE 1 END FROM tickets"), "41");
	assert_int_equal(upd(c, "ticket", 1, &changed, &err,
		"status=pending", NULL), 0);
	assert_string_equal(q(c, "SELECT count(*) FROM tickets "
		"WHERE rating IS NULL AND resolved_at IS NULL"), "1");
	crm_err_release(&err);
}

static void
activity_links(void **state)
{
	struct ctx *c = *state;
	struct crm_err err = CRM_ERR_INIT;
	int changed;

	assert_int_equal(add(c, "activity", &err, "kind=call", "subject=x",
		"contact=1", NULL), 1);
	assert_string_equal(q(c, "SELECT customer FROM activities"), "2");
	assert_int_equal(add(c, "activity", &err, "kind=call", "subject=x",
		"contact=1", "customer=1", NULL), -1);
	assert_string_equal(err.msg.buf, "contact 1 belongs to customer 2, "
		"not to customer 1");
	crm_err_clear(&err);
	assert_int_equal(upd(c, "activity", 1, &changed, &err, "done=yes",
		NULL), -1);
	assert_string_equal(err.msg.buf, "activity 1 is a call: only a task "
		"can be done");
	crm_err_clear(&err);
	/* A task turned into a note loses what only tasks have. */
	assert_int_equal(add(c, "activity", &err, "kind=task", "subject=t",
		"due_at=2026-01-01", "done=yes", NULL), 2);
	assert_int_equal(upd(c, "activity", 2, &changed, &err, "kind=note",
		NULL), 0);
	assert_string_equal(q(c, "SELECT done, coalesce(due_at, '-') FROM "
		"activities WHERE id = 2"), "0-");
	crm_err_release(&err);
}

static void
members(void **state)
{
	struct ctx *c = *state;
	struct crm_err err = CRM_ERR_INIT;
	int changed;

	assert_int_equal(add(c, "campaign", &err, "name=Spring",
		"starts_on=2026-03-01", NULL), 1);
	assert_int_equal(add(c, "campaign member", &err, "campaign=Spring",
		"customer=1", NULL), 1);
	assert_int_equal(add(c, "campaign member", &err, "campaign=1",
		"customer=1", NULL), -1);
	assert_string_equal(err.msg.buf, "customer 1 is already a member of "
		"campaign 1");
	crm_err_clear(&err);
	assert_int_equal(upd(c, "campaign member", 1, &changed, &err,
		"status=converted", "responded_at=2026-02-28T23:59:00Z", NULL),
	    -1);
	assert_string_equal(err.msg.buf, "responded_at 2026-02-28T23:59:00Z "
		"is before campaign 1's start 2026-03-01");
	crm_err_clear(&err);
	assert_int_equal(upd(c, "campaign member", 1, &changed, &err,
		"status=converted", NULL), 0);
	assert_string_not_equal(q(c, "SELECT coalesce(responded_at, '') FROM "
		"campaign_members"), "");
	assert_int_equal(upd(c, "campaign", 1, &changed, &err,
		"ends_on=2026-02-01", NULL), -1);
	assert_string_equal(err.msg.buf, "campaign 1: ends_on 2026-02-01 is "
		"before starts_on 2026-03-01");
	crm_err_release(&err);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(stage_probabilities),
		T(deal_probability),
		T(deal_closed_at),
		T(ticket_rating),
		T(activity_links),
		T(members),
	};

	return cmocka_run_group_tests_name("test-rules", tests, NULL, NULL);
}
