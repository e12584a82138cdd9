/*
 * test-order - lib/order.h: order lines, the lifecycle and stock.
 *
 * Each test gets a fresh database with two customers and three products.
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

#include "order.h"
#include "value.h"
#include "banned.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

struct ctx {
	struct fixture fx;
	struct crm_db db;
	struct crm_fieldset cust, prod, ord;
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
	crm_fieldset_builtin(&c->prod, crm_entity_find("product"));
	crm_fieldset_builtin(&c->ord, crm_entity_find("order"));
	fixture_add(&c->db, &c->cust, "name=Ada", "email=ada@example.com",
		NULL);
	fixture_add(&c->db, &c->cust, "name=Bob", NULL);
	fixture_add(&c->db, &c->prod, "sku=PEN", "name=Pen", "price=1.50",
		"stock=10", NULL);				/* 1 */
	fixture_add(&c->db, &c->prod, "sku=INK:BLUE", "name=Blue ink",
		"price=4.25", "stock=3", NULL);			/* 2 */
	fixture_add(&c->db, &c->prod, "sku=OLD", "name=Old pen", "price=1",
		"stock=5", "active=no", NULL);			/* 3 */
	*state = c;
	return 0;
}

static int
teardown(void **state)
{
	struct ctx *c = *state;

	crm_fieldset_release(&c->cust);
	crm_fieldset_release(&c->prod);
	crm_fieldset_release(&c->ord);
	fixture_close(&c->fx, &c->db);
	free(c);
	return 0;
}

static long long
q_int(struct ctx *c, const char *sql)
{
	return crm_db_int(&c->db, sql, -999);
}

static long long
stock(struct ctx *c, int id)
{
	struct crm_buf sql = CRM_BUF_INIT;
	long long n;

	crm_buf_addf(&sql, "SELECT stock FROM products WHERE id = %d", id);
	n = q_int(c, sql.buf);
	crm_buf_release(&sql);
	return n;
}

/* Add an order for customer 1 with lines given as specs; returns its id
 * or -1 with err set. */
static int64_t
order(struct ctx *c, int take, struct crm_err *err, ...)
{
	struct crm_assigns as = CRM_ASSIGNS_INIT;
	struct crm_line lines[8];
	const char *s;
	size_t n = 0;
	va_list ap;
	int64_t id = -1;

	crm_assigns_add(&as, crm_fieldset_find(&c->ord, "customer"), "1");
	va_start(ap, err);
	while ((s = va_arg(ap, const char *)))
		if (crm_line_parse(&c->db, s, 0, &lines[n++], err) < 0)
			fail_msg("line %s: %s", s, err->msg.buf);
	va_end(ap);
	if (crm_order_add(&c->db, &c->ord, &as, lines, n, take, &id, err) < 0)
		id = -1;
	crm_assigns_release(&as);
	return id;
}

/* ---- moves and stock changes ------------------------------------------ */

static void
moves(void **state)
{
	static const char *const st[] = { "pending", "paid", "shipped",
		"delivered", "cancelled" };
	static const int ok[5][5] = {
		/* to: pend paid ship deli canc */
		{ 0, 1, 0, 0, 1 },	/* pending */
		{ 0, 0, 1, 0, 1 },	/* paid */
		{ 0, 0, 0, 1, 0 },	/* shipped */
		{ 0, 0, 0, 0, 0 },	/* delivered */
		{ 0, 0, 0, 0, 0 },	/* cancelled */
	};
	size_t i, j;

	(void)state;
	for (i = 0; i < 5; i++)
		for (j = 0; j < 5; j++)
			if (crm_order_move_ok(st[i], st[j]) != ok[i][j])
				fail_msg("%s -> %s: %d", st[i], st[j],
					crm_order_move_ok(st[i], st[j]));
	assert_int_equal(crm_order_move_ok("pending", "PAID"), 0);
	assert_int_equal(crm_order_move_ok("nosuch", "paid"), 0);
}

static void
stock_parse(void **state)
{
	static const struct {
		const char *in;
		int op;
		int64_t n;
	} good[] = {
		{ "+5", '+', 5 }, { "-3", '-', 3 }, { "=0", '=', 0 },
		{ "=1000000000000", '=', 1000000000000LL },
	};
	static const char *const bad[] = { "5", "+", "-", "+-5", "+5x",
		"= 5", "+1000000000001", "*2", "", "+ 5", "--5" };
	struct crm_err err = CRM_ERR_INIT;
	size_t i;
	int op;
	int64_t n;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(good); i++) {
		if (crm_stock_parse(good[i].in, &op, &n, &err) < 0 ||
		    op != good[i].op || n != good[i].n)
			fail_msg("'%s': %s", good[i].in, err.msg.buf);
	}
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		if (crm_stock_parse(bad[i], &op, &n, &err) == 0)
			fail_msg("'%s' accepted", bad[i]);
		assert_int_equal(err.code, CRM_EX_USAGE);
		crm_err_clear(&err);
	}
	crm_err_release(&err);
}

/* Never below zero (naming the SKU); *stock gets the new level. */
static void
stock_adjust(void **state)
{
	struct ctx *c = *state;
	struct crm_err err = CRM_ERR_INIT;
	int64_t level = -1;

	assert_int_equal(crm_stock_adjust(&c->db, 1, '+', 5, &level, &err), 0);
	assert_int_equal(level, 15);
	assert_int_equal(crm_stock_adjust(&c->db, 1, '-', 15, &level, &err),
		0);
	assert_int_equal(level, 0);
	assert_int_equal(crm_stock_adjust(&c->db, 1, '=', 7, &level, &err), 0);
	assert_int_equal(level, 7);
	assert_int_equal(stock(c, 1), 7);
	assert_int_equal(crm_stock_adjust(&c->db, 1, '-', 8, &level, &err),
		-1);
	assert_int_equal(err.code, CRM_EX_DATAERR);
	assert_non_null(strstr(err.msg.buf, "'PEN'"));
	assert_non_null(strstr(err.msg.buf, "7 in stock"));
	assert_int_equal(stock(c, 1), 7);
	crm_err_clear(&err);
	assert_int_equal(crm_stock_adjust(&c->db, 99, '+', 1, &level, &err),
		-1);
	assert_int_equal(err.code, CRM_EX_DATAERR);
	assert_string_equal(err.msg.buf, "no product 99");
	crm_err_release(&err);
}

/* ---- lines ------------------------------------------------------------ */

static void
line_parse(void **state)
{
	struct ctx *c = *state;
	struct crm_err err = CRM_ERR_INIT;
	struct crm_line l;

	assert_int_equal(crm_line_parse(&c->db, "PEN:2", 0, &l, &err), 0);
	assert_true(l.product == 1 && l.quantity == 2 && l.unit_price == 150);
	assert_int_equal(crm_line_parse(&c->db, "1:3:0.99", 0, &l, &err), 0);
	assert_true(l.product == 1 && l.quantity == 3 && l.unit_price == 99);
	/* a SKU with a colon of its own */
	assert_int_equal(crm_line_parse(&c->db, "INK:BLUE:1", 0, &l, &err), 0);
	assert_true(l.product == 2 && l.quantity == 1 && l.unit_price == 425);
	assert_int_equal(crm_line_parse(&c->db, "INK:BLUE:2:4", 0, &l, &err),
		0);
	assert_true(l.product == 2 && l.quantity == 2 && l.unit_price == 400);
	assert_int_equal(err.code, 0);
}

static void
line_refusals(void **state)
{
	static const struct {
		const char *spec;
		int code;
	} bad[] = {
		{ "PEN", CRM_EX_USAGE },
		{ ":3", CRM_EX_USAGE },
		{ "PEN:", CRM_EX_USAGE },
		{ "NOSUCH:1", CRM_EX_DATAERR },
		{ "99:1", CRM_EX_DATAERR },
		{ "OLD:1", CRM_EX_DATAERR },		/* not active */
		{ "PEN:0", CRM_EX_DATAERR },
		{ "PEN:-1", CRM_EX_DATAERR },
		{ "PEN:1.5", CRM_EX_DATAERR },
		{ "PEN:1000000001", CRM_EX_DATAERR },
		{ "PEN:1:1.005", CRM_EX_DATAERR },
		{ "PEN:1:-2", CRM_EX_DATAERR },
	};
	struct ctx *c = *state;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		struct crm_err err = CRM_ERR_INIT;
		struct crm_line l;

		if (crm_line_parse(&c->db, bad[i].spec, 0, &l, &err) == 0)
			fail_msg("line '%s' accepted", bad[i].spec);
		if (err.code != bad[i].code)
			fail_msg("line '%s': code %d (%s), want %d",
				bad[i].spec, err.code, err.msg.buf,
				bad[i].code);
		crm_err_release(&err);
	}
}

/* ---- orders ----------------------------------------------------------- */

static void
add_takes_stock(void **state)
{
	struct ctx *c = *state;
	struct crm_err err = CRM_ERR_INIT;
	int64_t id;

	id = order(c, 1, &err, "PEN:2", "INK:BLUE:1:4", "PEN:1:1", NULL);
	assert_int_equal(id, 1);
	assert_int_equal(stock(c, 1), 7);	/* 2 + 1 pens */
	assert_int_equal(stock(c, 2), 2);
	assert_int_equal(q_int(c, "SELECT total FROM orders"),
		2 * 150 + 400 + 100);
	assert_int_equal(q_int(c, "SELECT units FROM orders"), 2 + 1 + 1);
	assert_int_equal(q_int(c, "SELECT count(*) FROM order_lines WHERE "
		"\"order\" = 1"), 3);
	assert_int_equal(q_int(c, "SELECT status = 'pending' AND "
		"stock_taken = 1 FROM orders"), 1);
	/* without taking stock */
	id = order(c, 0, &err, "PEN:4", NULL);
	assert_int_equal(id, 2);
	assert_int_equal(stock(c, 1), 7);
	assert_int_equal(q_int(c, "SELECT stock_taken FROM orders WHERE "
		"id = 2"), 0);
	assert_int_equal(err.code, 0);
}

/* Not enough stock: refused naming the SKU, what is there and what was
 * asked (the lines of one product counted together); the caller's
 * transaction rolls back whatever was taken. */
static void
add_lacks_stock(void **state)
{
	struct ctx *c = *state;
	struct crm_err err = CRM_ERR_INIT;

	assert_int_equal(crm_db_begin(&c->db, &err), 0);
	assert_int_equal(order(c, 1, &err, "PEN:2", "INK:BLUE:2",
		"INK:BLUE:2", NULL), -1);
	assert_int_equal(err.code, CRM_EX_DATAERR);
	assert_string_equal(err.msg.buf, "not enough stock of 'INK:BLUE': "
		"3 in stock, 4 asked");
	crm_db_rollback(&c->db);
	assert_int_equal(stock(c, 1), 10);
	assert_int_equal(stock(c, 2), 3);
	assert_int_equal(q_int(c, "SELECT count(*) FROM orders"), 0);
	crm_err_release(&err);
}

static void
add_refusals(void **state)
{
	struct ctx *c = *state;
	struct crm_assigns as = CRM_ASSIGNS_INIT;
	struct crm_err err = CRM_ERR_INIT;
	struct crm_line big[2] = { { 1, 1000000000, CRM_MONEY_MAX / 1000 },
		{ 1, 1000000000, CRM_MONEY_MAX / 1000 } };
	struct crm_line one = { 1, 1, 150 };
	int64_t id;

	crm_assigns_add(&as, crm_fieldset_find(&c->ord, "customer"), "1");
	assert_int_equal(crm_order_add(&c->db, &c->ord, &as, NULL, 0, 1, &id,
		&err), -1);
	assert_int_equal(err.code, CRM_EX_USAGE);
	crm_err_clear(&err);
	assert_int_equal(crm_order_add(&c->db, &c->ord, &as, big, 2, 0, &id,
		&err), -1);
	assert_int_equal(err.code, CRM_EX_DATAERR);
	assert_non_null(strstr(err.msg.buf, "too large"));
	crm_err_clear(&err);
	/* a customer that does not exist */
	crm_assigns_add(&as, crm_fieldset_find(&c->ord, "customer"), "99");
	assert_int_equal(crm_order_add(&c->db, &c->ord, &as, &one, 1, 0, &id,
		&err), -1);
	assert_int_equal(err.code, CRM_EX_DATAERR);
	assert_non_null(strstr(err.msg.buf, "customer"));
	assert_int_equal(q_int(c, "SELECT count(*) FROM orders"), 0);
	crm_assigns_release(&as);
	crm_err_release(&err);
}

/* pending -> paid -> shipped -> delivered; others refused. */
static void
status_lifecycle(void **state)
{
	struct ctx *c = *state;
	struct crm_err err = CRM_ERR_INIT;
	const char *from = NULL;
	int64_t id = order(c, 1, &err, "PEN:1", NULL);

	assert_int_equal(crm_order_status(&c->db, id, "paid", &from, &err), 0);
	assert_string_equal(from, "pending");
	assert_int_equal(crm_order_status(&c->db, id, "pending", &from, &err),
		-1);
	assert_int_equal(err.code, CRM_EX_DATAERR);
	assert_non_null(strstr(err.msg.buf, "paid"));
	crm_err_clear(&err);
	assert_int_equal(crm_order_status(&c->db, id, "SHIPPED", NULL, &err),
		0);
	assert_int_equal(crm_order_status(&c->db, id, "cancelled", &from,
		&err), -1);
	assert_string_equal(from, "shipped");
	crm_err_clear(&err);
	assert_int_equal(crm_order_status(&c->db, id, "delivered", NULL, &err),
		0);
	assert_int_equal(q_int(c, "SELECT status = 'delivered' FROM orders"),
		1);
	assert_int_equal(stock(c, 1), 9);
	/* unknown status, unknown order */
	assert_int_equal(crm_order_status(&c->db, id, "lost", NULL, &err), -1);
	assert_int_equal(err.code, CRM_EX_DATAERR);
	assert_non_null(strstr(err.msg.buf, "pending, paid"));
	crm_err_clear(&err);
	assert_int_equal(crm_order_status(&c->db, 99, "paid", NULL, &err), -1);
	assert_int_equal(err.code, CRM_EX_NOTFOUND);
	crm_err_release(&err);
}

/* Cancelling returns the stock the order took, and only that. */
static void
cancel_returns_stock(void **state)
{
	struct ctx *c = *state;
	struct crm_err err = CRM_ERR_INIT;
	int64_t a, b;

	a = order(c, 1, &err, "PEN:2", "INK:BLUE:1", "PEN:1", NULL);
	b = order(c, 0, &err, "PEN:5", NULL);
	assert_int_equal(stock(c, 1), 7);
	assert_int_equal(crm_order_status(&c->db, a, "paid", NULL, &err), 0);
	assert_int_equal(crm_order_status(&c->db, a, "cancelled", NULL, &err),
		0);
	assert_int_equal(stock(c, 1), 10);
	assert_int_equal(stock(c, 2), 3);
	/* an order that took none returns none */
	assert_int_equal(crm_order_status(&c->db, b, "cancelled", NULL, &err),
		0);
	assert_int_equal(stock(c, 1), 10);
	assert_int_equal(err.code, 0);
}

/* Replacing lines gives back what the old ones took. */
static void
replace_lines(void **state)
{
	struct ctx *c = *state;
	struct crm_assigns as = CRM_ASSIGNS_INIT;
	struct crm_err err = CRM_ERR_INIT;
	struct crm_line l[2];
	int changed = -1;
	int64_t id = order(c, 1, &err, "PEN:2", NULL);

	assert_int_equal(stock(c, 1), 8);
	assert_int_equal(crm_line_parse(&c->db, "PEN:2", 0, &l[0], &err), 0);
	assert_int_equal(crm_order_replace(&c->db, &c->ord, id, &as, l, 1, 1, 0,
		&changed, &err), 0);
	assert_int_equal(changed, 0);
	assert_int_equal(stock(c, 1), 8);
	assert_int_equal(crm_line_parse(&c->db, "PEN:3", 0, &l[0], &err), 0);
	assert_int_equal(crm_line_parse(&c->db, "INK:BLUE:1", 0, &l[1], &err),
		0);
	assert_int_equal(crm_order_replace(&c->db, &c->ord, id, &as, l, 2, 1, 0,
		&changed, &err), 0);
	assert_int_equal(changed, 1);
	assert_int_equal(stock(c, 1), 7);
	assert_int_equal(stock(c, 2), 2);
	assert_int_equal(q_int(c, "SELECT total FROM orders"), 3 * 150 + 425);
	assert_int_equal(q_int(c, "SELECT count(*) FROM order_lines"), 2);
	assert_int_equal(q_int(c, "SELECT units FROM orders"), 3 + 1);
	crm_assigns_release(&as);
	crm_err_release(&err);
}

/*
 * A cancelled order has given its stock back: replacing its lines must
 * not give it back a second time.
 */
static void
replace_cancelled(void **state)
{
	struct ctx *c = *state;
	struct crm_assigns as = CRM_ASSIGNS_INIT;
	struct crm_err err = CRM_ERR_INIT;
	struct crm_line l;
	int changed = -1;
	int64_t id = order(c, 1, &err, "PEN:4", NULL);

	assert_int_equal(crm_order_status(&c->db, id, "cancelled", NULL, &err),
		0);
	assert_int_equal(stock(c, 1), 10);
	assert_int_equal(crm_line_parse(&c->db, "PEN:1", 0, &l, &err), 0);
	assert_int_equal(crm_order_replace(&c->db, &c->ord, id, &as, &l, 1, 1,
		1, &changed, &err), 0);
	if (stock(c, 1) != 10)
		fail_msg("stock of PEN is %lld after replacing the lines of a "
			"cancelled order, want 10", stock(c, 1));
	crm_assigns_release(&as);
	crm_err_release(&err);
}

/*
 * Without stock, an order that took stock and gets other lines gives
 * back what the old ones took and holds nothing: a cancel then returns
 * nothing, where it used to return the new lines, never taken.
 */
static void
replace_without_stock(void **state)
{
	struct ctx *c = *state;
	struct crm_assigns as = CRM_ASSIGNS_INIT;
	struct crm_err err = CRM_ERR_INIT;
	struct crm_line l;
	int changed = -1;
	int64_t id = order(c, 1, &err, "PEN:2", NULL);

	assert_int_equal(stock(c, 1), 8);
	/* the same lines: what it holds stays */
	assert_int_equal(crm_line_parse(&c->db, "PEN:2", 0, &l, &err), 0);
	assert_int_equal(crm_order_replace(&c->db, &c->ord, id, &as, &l, 1, 0,
		0, &changed, &err), 0);
	assert_int_equal(stock(c, 1), 8);
	assert_int_equal(q_int(c, "SELECT stock_taken FROM orders"), 1);
	/* other lines: the old ones' stock comes back, the new take none */
	assert_int_equal(crm_line_parse(&c->db, "PEN:5", 0, &l, &err), 0);
	assert_int_equal(crm_order_replace(&c->db, &c->ord, id, &as, &l, 1, 0,
		0, &changed, &err), 0);
	assert_int_equal(changed, 1);
	assert_int_equal(stock(c, 1), 10);
	assert_int_equal(q_int(c, "SELECT stock_taken FROM orders"), 0);
	assert_int_equal(q_int(c, "SELECT units FROM orders"), 5);
	assert_int_equal(crm_order_status(&c->db, id, "cancelled", NULL, &err),
		0);
	assert_int_equal(stock(c, 1), 10);
	crm_assigns_release(&as);
	crm_err_release(&err);
}

static void
lines_output(void **state)
{
	struct ctx *c = *state;
	struct crm_err err = CRM_ERR_INIT;
	struct crm_out out;
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	int64_t id = order(c, 0, &err, "PEN:2", "INK:BLUE:1:4", NULL);

	crm_out_begin(&out, fp, CRM_FMT_TSV, 1, crm_order_line_cols,
		CRM_ORDER_LINE_NCOLS);
	assert_int_equal(crm_order_lines(&c->db, id, &out, &err), 0);
	crm_out_end(&out);
	fclose(fp);
	assert_string_equal(buf,
		"order\tproduct\tsku\tname\tquantity\tunit_price\tamount\n"
		"1\t1\tPEN\tPen\t2\t1.50\t3.00\n"
		"1\t2\tINK:BLUE\tBlue ink\t1\t4.00\t4.00\n");
	free(buf);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(moves),
		cmocka_unit_test(stock_parse),
		T(stock_adjust),
		T(line_parse),
		T(line_refusals),
		T(add_takes_stock),
		T(add_lacks_stock),
		T(add_refusals),
		T(status_lifecycle),
		T(cancel_returns_stock),
		T(replace_lines),
		T(replace_without_stock),
		T(lines_output),
		T(replace_cancelled),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
