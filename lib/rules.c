/*
 * rules.c - the rules of deals, tickets, activities, campaigns, members
 * and an order's campaign, as entity rules hooks.  Declared in rules.h.
 */
#include <stdio.h>
#include <string.h>

#include "rules.h"
#include "value.h"
#include "banned.h"

static const struct {
	const char *stage;
	int probability;
} stages[] = {
	{ "lead", 10 }, { "qualified", 25 }, { "proposal", 50 },
	{ "negotiation", 75 }, { "won", 100 }, { "lost", 0 },
};

int
crm_deal_probability(const char *stage)
{
	size_t i;

	for (i = 0; stage && i < sizeof(stages) / sizeof(stages[0]); i++)
		if (!strcmp(stages[i].stage, stage))
			return stages[i].probability;
	return -1;
}

/* ---- the values of a change ---------------------------------------- */

static struct crm_val *
val(const struct crm_change *c, const char *name)
{
	return &c->v[crm_field_index(c->e, name)];
}

static const struct crm_val *
old_val(const struct crm_change *c, const char *name)
{
	return c->old ? &c->old[crm_field_index(c->e, name)] : NULL;
}

static int
set(const struct crm_change *c, const char *name)
{
	return c->set[crm_field_index(c->e, name)];
}

static const char *
text(const struct crm_change *c, const char *name)
{
	const struct crm_val *v = val(c, name);

	return v->kind == CRM_TEXT ? v->s.buf : NULL;
}

static const char *
old_text(const struct crm_change *c, const char *name)
{
	const struct crm_val *v = old_val(c, name);

	return v && v->kind == CRM_TEXT ? v->s.buf : NULL;
}

static int
is_null(const struct crm_change *c, const char *name)
{
	return val(c, name)->kind == CRM_NULL;
}

static void
put_int(const struct crm_change *c, const char *name, int64_t i)
{
	struct crm_val *v = val(c, name);

	crm_val_release(v);
	v->kind = CRM_INT;
	v->i = i;
}

static void
put_null(const struct crm_change *c, const char *name)
{
	crm_val_release(val(c, name));
}

static void
put_text(const struct crm_change *c, const char *name, const char *s)
{
	struct crm_val *v = val(c, name);

	crm_val_release(v);
	v->kind = CRM_TEXT;
	crm_buf_adds(&v->s, s);
}

/* A time that is set when a record enters a state: kept when the record
 * was in that state already with one (an import run again changes
 * nothing), else now. */
static void
put_stamp(const struct crm_change *c, const char *name, int was)
{
	struct crm_buf now = CRM_BUF_INIT;
	const char *o = old_text(c, name);

	if (was && o) {
		put_text(c, name, o);
		return;
	}
	crm_now(&now);
	put_text(c, name, now.buf);
	crm_buf_release(&now);
}

/* "deal 5", or "a new deal" before it has an id. */
static const char *
what(const struct crm_change *c)
{
	static char buf[96];

	if (c->id)
		snprintf(buf, sizeof(buf), "%s %lld", c->e->name,
			(long long)c->id);
	else
		snprintf(buf, sizeof(buf), "a new %s", c->e->name);
	return buf;
}

static int
one_of(const char *s, const char *a, const char *b)
{
	return s && (!strcmp(s, a) || !strcmp(s, b));
}

/* The first row of sql run with ?1 = id and ?2 = arg, the first record
 * that breaks a rule: its first column as text into out (empty when no
 * row or NULL), its second, which record it is, into *n. */
static int
first_break(struct crm_db *db, const char *sql, int64_t id, const char *arg,
	struct crm_buf *out, int64_t *n, struct crm_err *err)
{
	struct crm_stmt *st = crm_sql(db, "cannot check a rule", sql, err);

	crm_bind_int(st, 1, id);
	crm_bind_text(st, 2, arg);
	crm_buf_reset(out);
	if (crm_step(st) > 0) {
		if (crm_col_kind(st, 0) != CRM_NULL)
			crm_buf_add(out, crm_col_text(st, 0),
				crm_col_len(st, 0));
		*n = crm_col_int(st, 1);
	}
	return crm_done(st);
}

/* The starts_on of campaign id (empty when it has none). */
static int
campaign_start(struct crm_db *db, int64_t id, struct crm_buf *out,
	struct crm_err *err)
{
	crm_buf_reset(out);
	return crm_get_text(db, "cannot check a rule", err, out,
		"SELECT starts_on FROM campaigns WHERE id = ?1", "i", id) < 0 ?
		-1 : 0;
}

/* ---- what follows a record to another customer ----------------------- */

/*
 * A contact, deal or ticket (link) given to another customer takes its
 * activities along: an activity's customer is that of what it is about,
 * and one left behind could not be changed again.  An activity also about
 * a record of a customer other than the new one cannot follow: refused,
 * naming it.
 */
static int
move_activities(struct crm_db *db, const struct crm_change *c,
	const char *link, struct crm_err *err)
{
	static const struct {
		const char *field, *table;
	} links[] = {
		{ "contact", "contacts" }, { "deal", "deals" },
		{ "ticket", "tickets" },
	};
	const struct crm_val *to = val(c, "customer");
	const struct crm_val *from = old_val(c, "customer");
	struct crm_buf sql = CRM_BUF_INIT, now = CRM_BUF_INIT;
	struct crm_stmt *st;
	size_t i;
	int r, ret = -1;

	if (!c->id || !from || to->kind != CRM_INT ||
	    (from->kind == CRM_INT && from->i == to->i))
		return 0;
	for (i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
		if (!strcmp(links[i].field, link))
			continue;
		crm_buf_addf(&sql, "%sSELECT a.id, '%s', x.id, x.customer\n"
			"FROM activities AS a JOIN %s AS x ON x.id = a.%s\n"
			"WHERE a.%s = ?1 AND x.customer IS DISTINCT FROM ?2\n",
			sql.len ? "UNION ALL\n" : "", links[i].field,
			links[i].table, links[i].field, link);
	}
	crm_buf_adds(&sql, "LIMIT 1");
	st = crm_sql(db, "cannot check a rule", sql.buf, err);
	crm_bind_int(st, 1, c->id);
	crm_bind_int(st, 2, to->i);
	r = crm_step(st);
	if (r > 0)
		crm_err_set(err, CRM_EX_DATAERR, "%s cannot go to customer "
			"%lld: its activity %lld is also about %s %lld of "
			"customer %lld", what(c), (long long)to->i,
			(long long)crm_col_int(st, 0), crm_col_text(st, 1),
			(long long)crm_col_int(st, 2),
			(long long)crm_col_int(st, 3));
	if (crm_done(st) < 0 || r != 0)
		goto out;
	crm_buf_reset(&sql);
	crm_buf_addf(&sql, "UPDATE activities SET customer = ?2, "
		"updated_at = ?3\n"
		"WHERE %s = ?1 AND customer IS DISTINCT FROM ?2", link);
	crm_now(&now);
	if (crm_run(db, "cannot move activities", err, sql.buf, "iit", c->id,
	    to->i, now.buf) < 0)
		goto out;
	ret = 0;
out:
	crm_buf_release(&sql);
	crm_buf_release(&now);
	return ret;
}

int
crm_activities_follow(struct crm_db *db, const struct crm_entity *e,
	int64_t id, struct crm_err *err)
{
	struct crm_buf sql = CRM_BUF_INIT, now = CRM_BUF_INIT;
	int64_t r;

	if (strcmp(e->name, "contact") && strcmp(e->name, "deal") &&
	    strcmp(e->name, "ticket"))
		return 0;
	crm_buf_addf(&sql, "UPDATE activities SET updated_at = ?2,\n"
		"       customer = (SELECT customer FROM %s WHERE id = ?1)\n"
		"WHERE %s = ?1\n"
		"  AND customer IS DISTINCT FROM\n"
		"      (SELECT customer FROM %s WHERE id = ?1)",
		e->table, e->name, e->table);
	crm_now(&now);
	r = crm_run(db, "cannot move activities", err, sql.buf, "it", id,
		now.buf);
	crm_buf_release(&sql);
	crm_buf_release(&now);
	return r < 0 ? -1 : 0;
}

int
crm_contact_rules(struct crm_db *db, struct crm_change *c,
	struct crm_err *err)
{
	return move_activities(db, c, "contact", err);
}

/* ---- deals ---------------------------------------------------------- */

int
crm_deal_rules(struct crm_db *db, struct crm_change *c, struct crm_err *err)
{
	const char *stage = text(c, "stage"), *was = old_text(c, "stage");
	int closed = one_of(stage, "won", "lost");

	if (set(c, "probability"))
		put_int(c, "manual_probability", !is_null(c, "probability"));
	if (!val(c, "manual_probability")->i || is_null(c, "probability")) {
		put_int(c, "manual_probability", 0);
		put_int(c, "probability", crm_deal_probability(stage));
	}
	if (closed) {
		int same = was && !strcmp(was, stage);

		if (is_null(c, "closed_at"))
			put_stamp(c, "closed_at", same);
		else if (!set(c, "closed_at") && !same)
			put_stamp(c, "closed_at", 0);
	} else {
		if (set(c, "closed_at") && !is_null(c, "closed_at"))
			return crm_err_set(err, CRM_EX_DATAERR, "%s is %s: "
				"closed_at is only for won or lost deals",
				what(c), stage);
		put_null(c, "closed_at");
	}
	return move_activities(db, c, "deal", err);
}

/* ---- tickets -------------------------------------------------------- */

int
crm_ticket_rules(struct crm_db *db, struct crm_change *c,
	struct crm_err *err)
{
	const char *status = text(c, "status");

	if (one_of(status, "resolved", "closed")) {
		if (is_null(c, "resolved_at"))
			put_stamp(c, "resolved_at", one_of(old_text(c,
				"status"), "resolved", "closed"));
		return move_activities(db, c, "ticket", err);
	}
	if (set(c, "rating") && !is_null(c, "rating"))
		return crm_err_set(err, CRM_EX_DATAERR, "%s is %s: a rating "
			"only on a resolved or closed ticket", what(c), status);
	if (set(c, "resolved_at") && !is_null(c, "resolved_at"))
		return crm_err_set(err, CRM_EX_DATAERR, "%s is %s: "
			"resolved_at only on a resolved or closed ticket",
			what(c), status);
	put_null(c, "resolved_at");
	put_null(c, "rating");
	return move_activities(db, c, "ticket", err);
}

/* ---- activities ----------------------------------------------------- */

int
crm_activity_rules(struct crm_db *db, struct crm_change *c,
	struct crm_err *err)
{
	static const struct {
		const char *field, *sql;
	} links[] = {
		{ "contact", "SELECT customer FROM contacts WHERE id = ?1" },
		{ "deal", "SELECT customer FROM deals WHERE id = ?1" },
		{ "ticket", "SELECT customer FROM tickets WHERE id = ?1" },
	};
	const char *kind = text(c, "kind");
	size_t i;
	int ret = 0;

	if (kind && strcmp(kind, "task")) {
		if (val(c, "done")->kind == CRM_INT &&
		    val(c, "done")->i) {
			if (set(c, "done"))
				return crm_err_set(err, CRM_EX_DATAERR,
					"%s is a %s: only a task can be done",
					what(c), kind);
			put_int(c, "done", 0);
		}
		if (!is_null(c, "due_at")) {
			if (set(c, "due_at"))
				return crm_err_set(err, CRM_EX_DATAERR,
					"%s is a %s: only a task has due_at",
					what(c), kind);
			put_null(c, "due_at");
		}
	}
	for (i = 0; i < sizeof(links) / sizeof(links[0]) && !ret; i++) {
		const struct crm_val *v = val(c, links[i].field);
		int64_t cust;
		int r;

		if (v->kind != CRM_INT)
			continue;
		r = crm_get_int(db, "cannot check a rule", err, &cust,
			links[i].sql, "i", v->i);
		if (r < 0) {
			ret = -1;
			break;
		}
		if (!r)
			continue;
		if (is_null(c, "customer"))
			put_int(c, "customer", cust);
		else if (val(c, "customer")->i != cust)
			ret = crm_err_set(err, CRM_EX_DATAERR, "%s %lld "
				"belongs to customer %lld, not to customer "
				"%lld", links[i].field, (long long)v->i,
				(long long)cust,
				(long long)val(c, "customer")->i);
	}
	return ret;
}

/* ---- campaigns and members ------------------------------------------ */

int
crm_campaign_rules(struct crm_db *db, struct crm_change *c,
	struct crm_err *err)
{
	const char *starts = text(c, "starts_on"), *ends = text(c, "ends_on");
	const char *was = old_text(c, "starts_on");
	struct crm_buf first = CRM_BUF_INIT;
	int64_t n = 0;
	int ret = 0;

	const char *name = set(c, "name") ? text(c, "name") : NULL;

	/* An operand of digits only is looked up as an id first: such a
	 * name could not be told from one (a name given before this rule
	 * is still found by it, when no campaign has that id). */
	if (name && crm_record_key_is_id(name))
		return crm_err_set(err, CRM_EX_DATAERR, "name: '%s' is digits "
			"only, which reads as a campaign id; add a word",
			name);
	if (starts && ends && strcmp(ends, starts) < 0)
		return crm_err_set(err, CRM_EX_DATAERR, "%s: ends_on %s is "
			"before starts_on %s", what(c), ends, starts);
	if (!c->id || !starts || (was && !strcmp(was, starts)))
		return 0;
	ret = first_break(db, "SELECT ordered_at, id FROM orders\n"
		"WHERE campaign = ?1 AND substr(ordered_at, 1, 10) < ?2\n"
		"ORDER BY ordered_at LIMIT 1", c->id, starts, &first, &n, err);
	if (!ret && first.len)
		ret = crm_err_set(err, CRM_EX_DATAERR, "%s: order %lld of %s "
			"is before starts_on %s", what(c), (long long)n,
			first.buf, starts);
	if (!ret)
		ret = first_break(db, "SELECT responded_at, customer\n"
			"FROM campaign_members\n"
			"WHERE campaign = ?1 AND substr(responded_at, 1, 10) < ?2\n"
			"ORDER BY responded_at LIMIT 1", c->id, starts, &first,
			&n, err);
	if (!ret && first.len)
		ret = crm_err_set(err, CRM_EX_DATAERR, "%s: customer %lld "
			"responded at %s, before starts_on %s", what(c),
			(long long)n, first.buf, starts);
	crm_buf_release(&first);
	return ret;
}

int
crm_member_rules(struct crm_db *db, struct crm_change *c,
	struct crm_err *err)
{
	static const char dup_sql[] =
		"SELECT id FROM campaign_members\n"
		"WHERE campaign = ?2 AND customer = ?3 AND id <> ?1";
	const char *status = text(c, "status"), *at;
	int64_t campaign = val(c, "campaign")->i;
	int64_t customer = val(c, "customer")->i, dup;
	struct crm_buf start = CRM_BUF_INIT;
	int r, ret = 0;

	r = crm_get_int(db, "cannot check a rule", err, &dup, dup_sql, "iii",
		c->id, campaign, customer);
	if (r < 0)
		return -1;
	if (r > 0)
		return crm_err_set(err, CRM_EX_DATAERR, "customer %lld is "
			"already a member of campaign %lld",
			(long long)customer, (long long)campaign);
	if (one_of(status, "responded", "converted")) {
		if (is_null(c, "responded_at"))
			put_stamp(c, "responded_at", one_of(old_text(c,
				"status"), "responded", "converted"));
	} else {
		if (set(c, "responded_at") && !is_null(c, "responded_at"))
			return crm_err_set(err, CRM_EX_DATAERR, "customer "
				"%lld of campaign %lld is %s: responded_at "
				"only for members who responded or converted",
				(long long)customer, (long long)campaign,
				status);
		put_null(c, "responded_at");
	}
	at = text(c, "responded_at");
	if (at && campaign_start(db, campaign, &start, err) < 0)
		return -1;
	if (at && start.len && strncmp(at, start.buf, 10) < 0)
		ret = crm_err_set(err, CRM_EX_DATAERR, "responded_at %s is "
			"before campaign %lld's start %s", at,
			(long long)campaign, start.buf);
	crm_buf_release(&start);
	return ret;
}

/* ---- orders --------------------------------------------------------- */

int
crm_order_rules(struct crm_db *db, struct crm_change *c, struct crm_err *err)
{
	const struct crm_val *camp = val(c, "campaign");
	const char *at = text(c, "ordered_at");
	struct crm_buf start = CRM_BUF_INIT;
	int ret = 0;

	if (camp->kind != CRM_INT || !at)
		return 0;
	if (campaign_start(db, camp->i, &start, err) < 0)
		return -1;
	if (start.len && strncmp(at, start.buf, 10) < 0)
		ret = crm_err_set(err, CRM_EX_DATAERR, "ordered_at %s is "
			"before campaign %lld's start %s", at,
			(long long)camp->i, start.buf);
	crm_buf_release(&start);
	return ret;
}
