#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "order.h"
#include "value.h"
#include "banned.h"

#define QUANTITY_MAX 1000000000

int
crm_order_move_ok(const char *from, const char *to)
{
	static const char *const moves[][2] = {
		{ "pending", "paid" }, { "paid", "shipped" },
		{ "shipped", "delivered" }, { "pending", "cancelled" },
		{ "paid", "cancelled" },
	};
	size_t i;

	for (i = 0; i < sizeof(moves) / sizeof(moves[0]); i++)
		if (!strcmp(moves[i][0], from) && !strcmp(moves[i][1], to))
			return 1;
	return 0;
}

/* The product's SKU, price, activity and stock; 0, or -1 with err. */
static int
product_info(struct crm_db *db, int64_t id, struct crm_buf *sku,
	int64_t *price, int *active, int64_t *stock, struct crm_err *err)
{
	static const char sql[] =
		"SELECT sku, price, active, stock\n"
		"FROM products\n"
		"WHERE id = ?1";
	struct crm_stmt *st = crm_sql(db, "cannot read product", sql, err);
	int r;

	crm_bind_int(st, 1, id);
	r = crm_step(st);
	if (r > 0) {
		if (sku)
			crm_buf_sets(sku, crm_col_text(st, 0));
		if (price)
			*price = crm_col_int(st, 1);
		if (active)
			*active = (int)crm_col_int(st, 2);
		if (stock)
			*stock = crm_col_int(st, 3);
	}
	if (crm_done(st) < 0)
		return -1;
	if (r == 0)
		return crm_err_set(err, CRM_EX_DATAERR, "no product %lld",
			(long long)id);
	return 0;
}

/* Try one reading of a line: product text, quantity text, price or NULL. */
static int
line_try(struct crm_db *db, const char *spec, int by_sku, const char *product,
	const char *qty, const char *price, struct crm_line *l,
	struct crm_err *err)
{
	struct crm_err e = CRM_ERR_INIT;
	struct crm_buf sku = CRM_BUF_INIT;
	int active, ret = -1;

	if ((by_sku ? crm_record_find_by(db, crm_entity_find("product"),
	    "sku", product, &l->product, &e) :
	    crm_record_find(db, crm_entity_find("product"), product,
	    &l->product, &e)) < 0) {
		crm_err_set(err, e.code == CRM_EX_NOTFOUND ? CRM_EX_DATAERR :
			e.code, "line '%s': %s", spec, e.msg.buf);
		goto out;
	}
	if (product_info(db, l->product, &sku, &l->unit_price, &active,
	    NULL, err) < 0)
		goto out;
	if (!active) {
		crm_err_set(err, CRM_EX_DATAERR, "line '%s': product '%s' is "
			"not active", spec, sku.buf);
		goto out;
	}
	if (crm_parse_int(qty, 1, QUANTITY_MAX, &l->quantity, &e) < 0) {
		crm_err_set(err, CRM_EX_DATAERR, "line '%s': quantity must be "
			"a whole number from 1 to %d", spec, QUANTITY_MAX);
		goto out;
	}
	if (price && crm_parse_money(price, 0, &l->unit_price, &e) < 0) {
		crm_err_set(err, CRM_EX_DATAERR, "line '%s': unit price: %s",
			spec, e.msg.buf);
		goto out;
	}
	ret = 0;
out:
	crm_err_release(&e);
	crm_buf_release(&sku);
	return ret;
}

int
crm_line_parse(struct crm_db *db, const char *spec, int by_sku,
	struct crm_line *l, struct crm_err *err)
{
	struct crm_err first = CRM_ERR_INIT;
	char *s = crm_strdup(spec), *last, *mid;
	int ret = -1;

	last = strrchr(s, ':');
	if (!last || last == s || !last[1]) {
		crm_err_set(err, CRM_EX_USAGE, "invalid --line '%s': expected "
			"PRODUCT:QUANTITY[:UNIT_PRICE]", spec);
		goto out;
	}
	*last++ = '\0';
	/* PRODUCT:QUANTITY:PRICE first, then PRODUCT:QUANTITY, since a SKU
	 * may hold colons of its own. */
	mid = strrchr(s, ':');
	if (mid && mid != s && mid[1]) {
		*mid++ = '\0';
		if (line_try(db, spec, by_sku, s, mid, last, l,
		    &first) == 0) {
			ret = 0;
			goto out;
		}
		mid[-1] = ':';
	}
	crm_err_clear(err);
	ret = line_try(db, spec, by_sku, s, last, NULL, l, err);
	if (ret < 0 && first.code && mid) {
		/* Both readings failed: the first one's reason is clearer
		 * when the product part named a product. */
		crm_err_clear(err);
		crm_err_set(err, first.code, "%s", first.msg.buf);
	}
out:
	crm_err_release(&first);
	free(s);
	return ret;
}

static int
take_stock(struct crm_db *db, const struct crm_line *lines, size_t n,
	const char *now, struct crm_err *err)
{
	static const char sql[] =
		"UPDATE products\n"
		"SET stock = stock - ?2, updated_at = ?3\n"
		"WHERE id = ?1 AND stock >= ?2";
	size_t i, j;
	int ret = 0;

	for (i = 0; i < n && !ret; i++) {
		int64_t want = 0, have, changed;
		struct crm_buf sku = CRM_BUF_INIT;
		int seen = 0;

		/* Each product once, with the units of all its lines. */
		for (j = 0; j < i; j++)
			seen |= lines[j].product == lines[i].product;
		if (seen)
			continue;
		for (j = i; j < n; j++)
			if (lines[j].product == lines[i].product)
				want += lines[j].quantity;
		/* The check and the decrement are one statement: no row
		 * changed is too little stock, whoever took it. */
		changed = crm_run(db, "cannot take stock", err, sql, "iit",
			lines[i].product, want, now);
		if (changed < 0) {
			ret = -1;
		} else if (changed == 0) {
			ret = product_info(db, lines[i].product, &sku, NULL,
				NULL, &have, err);
			if (!ret)
				ret = crm_err_set(err, CRM_EX_DATAERR,
					"not enough stock of '%s': %lld in "
					"stock, %lld asked", sku.buf,
					(long long)have, (long long)want);
		}
		crm_buf_release(&sku);
	}
	return ret;
}

/* The sum of the lines in cents, refusing a total beyond the maximum,
 * and of their quantities. */
static int
lines_total(const struct crm_line *lines, size_t n, int64_t *sum,
	int64_t *units, struct crm_err *err)
{
	int64_t amount;
	size_t i;

	*sum = *units = 0;
	if (!n)
		return crm_err_set(err, CRM_EX_USAGE,
			"an order needs at least one line");
	for (i = 0; i < n; i++) {
		if (__builtin_mul_overflow(lines[i].quantity,
		    lines[i].unit_price, &amount) ||
		    __builtin_add_overflow(*sum, amount, sum) ||
		    *sum > CRM_MONEY_MAX)
			return crm_err_set(err, CRM_EX_DATAERR,
				"order total too large: more than %lld.00",
				CRM_MONEY_MAX / 100);
		if (__builtin_add_overflow(*units, lines[i].quantity, units))
			return crm_err_set(err, CRM_EX_DATAERR,
				"order of too many units");
	}
	return 0;
}

static int
insert_lines(struct crm_db *db, int64_t id, const struct crm_line *lines,
	size_t n, const char *now, struct crm_err *err)
{
	static const char sql[] =
		"INSERT INTO order_lines\n"
		"       (\"order\", product, quantity, unit_price,\n"
		"        created_at, updated_at)\n"
		"VALUES (?1, ?2, ?3, ?4, ?5, ?5)";
	size_t i;

	for (i = 0; i < n; i++)
		if (crm_run(db, "cannot add order line", err, sql, "iiiit",
		    id, lines[i].product, lines[i].quantity,
		    lines[i].unit_price, now) < 0)
			return -1;
	return 0;
}

/* as, with the total, units and stock_taken an order of these lines has
 * (total holds the texts of the first two). */
static void
order_assigns(const struct crm_fieldset *fs, const struct crm_assigns *as,
	int64_t sum, int64_t units, int take, struct crm_buf *total,
	struct crm_assigns *all)
{
	size_t i, at;

	for (i = 0; i < as->n; i++)
		crm_assigns_add(all, as->a[i].f, as->a[i].text);
	crm_format_money(sum, total);
	crm_buf_addch(total, '\0');
	at = total->len;
	crm_buf_addf(total, "%lld", (long long)units);
	crm_assigns_add(all, crm_fieldset_find(fs, "total"), total->buf);
	crm_assigns_add(all, crm_fieldset_find(fs, "units"), total->buf + at);
	crm_assigns_add(all, crm_fieldset_find(fs, "stock_taken"),
		take ? "yes" : "no");
}

int
crm_order_add(struct crm_db *db, const struct crm_fieldset *fs,
	const struct crm_assigns *as, const struct crm_line *lines,
	size_t nlines, int take, int64_t *id, struct crm_err *err)
{
	struct crm_assigns all = CRM_ASSIGNS_INIT;
	struct crm_buf total = CRM_BUF_INIT, now = CRM_BUF_INIT;
	int64_t sum, units;
	int ret = -1;

	if (lines_total(lines, nlines, &sum, &units, err) < 0)
		return -1;
	crm_now(&now);
	if (take && take_stock(db, lines, nlines, now.buf, err) < 0)
		goto out;
	order_assigns(fs, as, sum, units, take, &total, &all);
	if (crm_record_insert(db, fs, &all, id, err) < 0 ||
	    insert_lines(db, *id, lines, nlines, now.buf, err) < 0)
		goto out;
	ret = 0;
out:
	crm_assigns_release(&all);
	crm_buf_release(&total);
	crm_buf_release(&now);
	return ret;
}

/* Do the order's lines equal these?  1 yes, 0 no, -1 error. */
static int
same_lines(struct crm_db *db, int64_t id, const struct crm_line *lines,
	size_t n, struct crm_err *err)
{
	static const char sql[] =
		"SELECT product, quantity, unit_price\n"
		"FROM order_lines WHERE \"order\" = ?1 ORDER BY id";
	struct crm_stmt *st = crm_sql(db, "cannot read order lines", sql, err);
	size_t i = 0;
	int same = 1;

	crm_bind_int(st, 1, id);
	while (crm_step(st) > 0) {
		if (i >= n || crm_col_int(st, 0) != lines[i].product ||
		    crm_col_int(st, 1) != lines[i].quantity ||
		    crm_col_int(st, 2) != lines[i].unit_price)
			same = 0;
		i++;
	}
	if (crm_done(st) < 0)
		return -1;
	return same && i == n;
}

static int return_stock(struct crm_db *db, int64_t id, const char *now,
	struct crm_err *err);

int
crm_order_replace(struct crm_db *db, const struct crm_fieldset *fs,
	int64_t id, const struct crm_assigns *as, const struct crm_line *lines,
	size_t nlines, int stock, int cancelled, int *changed,
	struct crm_err *err)
{
	static const char taken_sql[] =
		"SELECT stock_taken FROM orders WHERE id = ?1";
	static const char drop_sql[] =
		"DELETE FROM order_lines WHERE \"order\" = ?1";
	static const char touch_sql[] =
		"UPDATE orders SET updated_at = ?2 WHERE id = ?1";
	struct crm_assigns all = CRM_ASSIGNS_INIT;
	struct crm_buf total = CRM_BUF_INIT, now = CRM_BUF_INIT;
	int64_t sum, units, taken = 0;
	size_t i;
	int same, hold, ret = -1;

	*changed = 0;
	if (lines_total(lines, nlines, &sum, &units, err) < 0)
		return -1;
	same = same_lines(db, id, lines, nlines, err);
	if (same < 0)
		return -1;
	crm_now(&now);
	if (crm_get_int(db, "cannot read order", err, &taken, taken_sql,
	    "i", id) < 0)
		goto out;
	/* With stock, the order holds stock unless cancelled.  Without,
	 * it holds what it held while its lines stay; new lines take
	 * none, and what the old ones took is given back, or a cancel
	 * would return what was never taken. */
	hold = stock ? !cancelled : same && taken;
	if (taken && (!same || !hold) &&
	    return_stock(db, id, now.buf, err) < 0)
		goto out;
	if (!same) {
		if (crm_run(db, "cannot replace order lines", err, drop_sql,
		    "i", id) < 0 ||
		    insert_lines(db, id, lines, nlines, now.buf, err) < 0)
			goto out;
	}
	if (stock && hold && (!same || !taken) &&
	    take_stock(db, lines, nlines, now.buf, err) < 0)
		goto out;
	if (same)
		for (i = 0; i < as->n; i++)
			crm_assigns_add(&all, as->a[i].f, as->a[i].text);
	else
		order_assigns(fs, as, sum, units, hold, &total, &all);
	crm_assigns_add(&all, crm_fieldset_find(fs, "stock_taken"),
		hold ? "yes" : "no");
	if (crm_record_update(db, fs, id, &all, changed, err) < 0)
		goto out;
	if (!same) {
		/* New lines are a change even when the total is not. */
		if (crm_run(db, "cannot update order", err, touch_sql, "it",
		    id, now.buf) < 0)
			goto out;
		*changed = 1;
	}
	ret = 0;
out:
	crm_assigns_release(&all);
	crm_buf_release(&total);
	crm_buf_release(&now);
	return ret;
}

/* Give back the stock order id took. */
static int
return_stock(struct crm_db *db, int64_t id, const char *now,
	struct crm_err *err)
{
	static const char sql[] =
		"UPDATE products\n"
		"SET stock = stock + l.units, updated_at = ?2\n"
		"FROM (SELECT product, sum(quantity) AS units\n"
		"      FROM order_lines WHERE \"order\" = ?1\n"
		"      GROUP BY product) AS l\n"
		"WHERE products.id = l.product";
	return crm_run(db, "cannot return stock", err, sql, "it", id,
		now) < 0 ? -1 : 0;
}

int
crm_order_release(struct crm_db *db, int64_t id, struct crm_err *err)
{
	static const char sql[] =
		"SELECT CASE WHEN stock_taken <> 0 AND\n"
		"            status IN ('pending', 'paid') THEN 1 ELSE 0 END\n"
		"FROM orders WHERE id = ?1";
	struct crm_buf now = CRM_BUF_INIT;
	int64_t holds = 0;
	int ret = 0;

	if (crm_get_int(db, "cannot read order", err, &holds, sql, "i",
	    id) < 0)
		return -1;
	if (holds) {
		crm_now(&now);
		ret = return_stock(db, id, now.buf, err);
		crm_buf_release(&now);
	}
	return ret;
}

int
crm_order_status(struct crm_db *db, int64_t id, const char *status,
	const char **from, struct crm_err *err)
{
	static const char get_sql[] =
		"SELECT status, stock_taken FROM orders WHERE id = ?1";
	static const char set_sql[] =
		"UPDATE orders\n"
		"SET status = ?2, updated_at = ?3,\n"
		"    stock_taken = CASE WHEN stock_taken <> 0 AND ?2 <> 'cancelled'\n"
		"                       THEN 1 ELSE 0 END\n"
		"WHERE id = ?1";
	static char old[16];
	const struct crm_field *f = crm_entity_field(crm_entity_find("order"),
		"status");
	struct crm_buf now = CRM_BUF_INIT;
	struct crm_stmt *st;
	int64_t taken = 0;
	int idx, r, ret = -1;

	if (crm_parse_enum(status, f->values, &idx, err) < 0)
		return -1;
	status = f->values[idx];
	st = crm_sql(db, "cannot read order", get_sql, err);
	crm_bind_int(st, 1, id);
	r = crm_step(st);
	if (r > 0) {
		snprintf(old, sizeof(old), "%s", crm_col_text(st, 0));
		taken = crm_col_int(st, 1);
	}
	if (crm_done(st) < 0)
		return -1;
	if (r == 0)
		return crm_err_set(err, CRM_EX_NOTFOUND, "no order %lld",
			(long long)id);
	if (from)
		*from = old;
	if (!crm_order_move_ok(old, status))
		return crm_err_set(err, CRM_EX_DATAERR,
			"order %lld cannot move from %s to %s", (long long)id,
			old, status);
	crm_now(&now);
	if (!strcmp(status, "cancelled") && taken &&
	    return_stock(db, id, now.buf, err) < 0)
		goto out;
	if (crm_run(db, "cannot change order status", err, set_sql, "itt",
	    id, status, now.buf) < 0)
		goto out;
	ret = 0;
out:
	crm_buf_release(&now);
	return ret;
}

int
crm_stock_parse(const char *s, int *op, int64_t *n, struct crm_err *err)
{
	struct crm_err e = CRM_ERR_INIT;

	/* A digit next, or a full-width one (crm_parse_int() reads it). */
	if ((*s != '+' && *s != '-' && *s != '=') ||
	    (!isdigit((unsigned char)s[1]) && (unsigned char)s[1] < 0x80) ||
	    crm_parse_int(s + 1, 0, 1000000000000LL, n, &e) < 0) {
		crm_err_release(&e);
		return crm_err_set(err, CRM_EX_USAGE, "invalid stock change "
			"'%s': expected +N, -N or =N", s);
	}
	*op = *s;
	return 0;
}

int
crm_stock_adjust(struct crm_db *db, int64_t id, int op, int64_t n,
	int64_t *stock, struct crm_err *err)
{
	static const char sql[] =
		"UPDATE products\n"
		"SET stock = CASE ?3 WHEN '=' THEN ?2\n"
		"                    WHEN '+' THEN stock + ?2\n"
		"                    ELSE stock - ?2 END,\n"
		"    updated_at = ?4\n"
		"WHERE id = ?1 AND (?3 <> '-' OR stock >= ?2)\n"
		"  AND (?3 <> '+' OR stock + ?2 <= 1000000000000)\n"
		"RETURNING stock";
	struct crm_buf now = CRM_BUF_INIT, sku = CRM_BUF_INIT;
	char opstr[2] = { (char)op, '\0' };
	int64_t have;
	int r;

	crm_now(&now);
	/* No row back: the change would break a bound, the same statement
	 * checked it. */
	r = crm_get_int(db, "cannot change stock", err, stock, sql, "iitt",
		id, n, opstr, now.buf);
	crm_buf_release(&now);
	if (r != 0)
		return r > 0 ? 0 : -1;
	if (product_info(db, id, &sku, NULL, NULL, &have, err) == 0)
		crm_err_set(err, CRM_EX_DATAERR, op == '-' ?
			"stock of '%s' cannot go below zero: %lld in stock, "
			"%lld taken" : "stock of '%s' too large: %lld in "
			"stock, %lld added", sku.buf, (long long)have,
			(long long)n);
	crm_buf_release(&sku);
	return -1;
}

const char *const crm_order_line_cols[] = {
	"order", "product", "sku", "name", "quantity", "unit_price", "amount"
};

int
crm_order_lines(struct crm_db *db, int64_t id, struct crm_out *out,
	struct crm_err *err)
{
	static const char sql[] =
		"SELECT l.\"order\", l.product, p.sku, p.name, l.quantity,\n"
		"       l.unit_price, l.quantity * l.unit_price\n"
		"FROM order_lines AS l JOIN products AS p ON p.id = l.product\n"
		"WHERE l.\"order\" = ?1\n"
		"ORDER BY l.id";
	struct crm_buf b = CRM_BUF_INIT;
	struct crm_stmt *st = crm_sql(db, "cannot read order lines", sql, err);
	int i;

	crm_bind_int(st, 1, id);
	while (crm_step(st) > 0) {
		for (i = 0; i < CRM_ORDER_LINE_NCOLS; i++) {
			if (i == 5 || i == 6) {
				crm_buf_reset(&b);
				crm_format_money(crm_col_int(st, i), &b);
				crm_out_cell(out, CRM_CELL_NUM, b.buf, b.len);
			} else {
				crm_out_cell(out, i == 2 || i == 3 ?
					CRM_CELL_TEXT : CRM_CELL_NUM,
					crm_col_text(st, i),
					crm_col_len(st, i));
			}
		}
		crm_out_row(out);
	}
	crm_buf_release(&b);
	return crm_done(st);
}

int
crm_order_lines_json(struct crm_db *db, int64_t id, struct crm_buf *json,
	struct crm_err *err)
{
	struct crm_out out;
	char *buf = NULL, *p, *nl;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	int ret, first = 1;

	if (!fp)
		return crm_err_set(err, CRM_EX_SOFTWARE, "out of memory");
	crm_out_begin(&out, fp, CRM_FMT_JSON, 0, crm_order_line_cols,
		CRM_ORDER_LINE_NCOLS);
	ret = crm_order_lines(db, id, &out, err);
	if (crm_out_end(&out) < 0 && ret == 0)
		ret = crm_err_set(err, CRM_EX_SOFTWARE, "cannot write the "
			"lines of order %lld", (long long)id);
	fclose(fp);
	/* One object a line, made one array. */
	crm_buf_addch(json, '[');
	for (p = buf; ret == 0 && (nl = strchr(p, '\n')); p = nl + 1) {
		if (!first)
			crm_buf_addch(json, ',');
		first = 0;
		crm_buf_add(json, p, (size_t)(nl - p));
	}
	crm_buf_addch(json, ']');
	free(buf);
	return ret;
}
