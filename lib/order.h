/*
 * order.h - the rules of orders and stock (SPEC 4).
 *
 * Stock is an invariant: it never goes below zero.  Adding an order takes
 * the stock of all its lines in the caller's write transaction (which
 * crm_db_begin() took up front), each product once with a conditional
 * decrement, so two processes racing for the last unit cannot both win;
 * if any line lacks stock nothing is taken.  Cancelling returns what the
 * order took.  Totals are integer cents, summed with overflow checks.
 *
 * Statuses move pending -> paid -> shipped -> delivered; pending or paid
 * may move to cancelled.  Every other move is refused (CRM_EX_DATAERR).
 */
#ifndef CRM_ORDER_H
#define CRM_ORDER_H

#include <stdint.h>

#include "record.h"

/* One line as given: PRODUCT:QUANTITY[:UNIT_PRICE]. */
struct crm_line {
	int64_t product;	/* product id */
	int64_t quantity;	/* > 0 */
	int64_t unit_price;	/* cents */
};

/*
 * Parse "PRODUCT:QUANTITY[:UNIT_PRICE]" (PRODUCT by id or SKU, or with
 * by_sku by SKU only; a SKU may itself hold colons) and look the product
 * up: it must exist and be active; the unit price defaults to the
 * product's price.
 */
int crm_line_parse(struct crm_db *db, const char *spec, int by_sku,
	struct crm_line *l, struct crm_err *err);

/*
 * Add an order with the fields in as (customer, ref, ordered_at...) and
 * nlines lines, taking stock when take_stock.  *id gets the order's id.
 * Errors: no lines (CRM_EX_USAGE), insufficient stock naming the SKU, what
 * is there and what was asked, a total beyond CRM_MONEY_MAX
 * (CRM_EX_DATAERR), and whatever crm_record_insert() refuses.
 */
int crm_order_add(struct crm_db *db, const struct crm_fieldset *fs,
	const struct crm_assigns *as, const struct crm_line *lines,
	size_t nlines, int take_stock, int64_t *id, struct crm_err *err);

/*
 * Make order id hold the fields in as and exactly these lines, as an
 * import of an order seen before does.  With stock, the order holds stock
 * for its lines unless cancelled: what it held is returned and taken anew
 * where the lines or that changed.  Without stock, an order whose lines
 * stay holds what it held; new lines take no stock, and what the old
 * ones took is returned (stock_taken becomes no).  *changed is 0 when
 * the order already was so (then nothing is written).
 */
int crm_order_replace(struct crm_db *db, const struct crm_fieldset *fs,
	int64_t id, const struct crm_assigns *as, const struct crm_line *lines,
	size_t nlines, int stock, int cancelled, int *changed,
	struct crm_err *err);

/*
 * Move order id to status (one of the order statuses).  Moving to
 * cancelled returns the stock the order took.  *from (may be NULL) gets
 * the old status, static storage.
 */
int crm_order_status(struct crm_db *db, int64_t id, const char *status,
	const char **from, struct crm_err *err);

/*
 * Before order id is deleted (a customer's delete --cascade): a pending or
 * paid order that took stock gives it back, as a cancel would.
 */
int crm_order_release(struct crm_db *db, int64_t id, struct crm_err *err);

/* Is the move from -> to allowed?  1 yes, 0 no. */
int crm_order_move_ok(const char *from, const char *to);

/*
 * Change product id's stock: op '+' adds n, '-' takes n, '=' sets it to n
 * (n >= 0).  Never below zero (CRM_EX_DATAERR naming the SKU).  *stock
 * gets the new level.
 */
int crm_stock_adjust(struct crm_db *db, int64_t id, int op, int64_t n,
	int64_t *stock, struct crm_err *err);

/* Parse "+N", "-N" or "=N" for crm_stock_adjust(). */
int crm_stock_parse(const char *s, int *op, int64_t *n, struct crm_err *err);

/*
 * Write the lines of order id to out, which the caller began with the
 * columns crm_order_line_cols names: order product sku name quantity
 * unit_price amount.
 */
extern const char *const crm_order_line_cols[];
#define CRM_ORDER_LINE_NCOLS 7
int crm_order_lines(struct crm_db *db, int64_t id, struct crm_out *out,
	struct crm_err *err);

/*
 * The lines of order id as a JSON array of objects, each as
 * crm_order_lines() writes it in JSON, appended to json.  -1 with err set.
 */
int crm_order_lines_json(struct crm_db *db, int64_t id, struct crm_buf *json,
	struct crm_err *err);

#endif
