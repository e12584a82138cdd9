/*
 * import-orders.c - the two imports with a shape of their own: orders (a
 * row per order line, grouped by order_ref) and inventory (sku and stock).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "import-int.h"
#include "order.h"
#include "text.h"
#include "banned.h"

int
imp_stock(struct run *r, const struct crm_record *rec)
{
	struct crm_assigns as = CRM_ASSIGNS_INIT;
	struct crm_err e = CRM_ERR_INIT;
	struct crm_buf old = CRM_BUF_INIT;
	const char *sku = NULL, *stock = NULL;
	int64_t id;
	size_t i;
	int changed, ret = 0;

	for (i = 0; i < r->ncols && i < rec->n; i++) {
		if (!r->cols[i].t)
			continue;
		if (!strcmp(r->cols[i].t->name, "sku"))
			sku = rec->f[i].buf;
		else
			stock = rec->f[i].buf;
	}
	if (!sku || !*sku) {
		crm_err_set(&e, CRM_EX_DATAERR, "sku is required");
		goto failed;
	}
	if (crm_record_find_by(r->db, r->e, "sku", sku, &id, &e) < 0)
		goto failed;
	if (!stock || !*stock) {
		crm_err_set(&e, CRM_EX_DATAERR, "stock is required");
		goto failed;
	}
	crm_assigns_add(&as, crm_fieldset_find(r->im->fs, "stock"), stock);
	if (imp_snapshot(r, r->e, id, &old) < 0 ||
	    crm_record_update(r->db, r->im->fs, id, &as, &changed, &e) < 0)
		goto failed;
	if (changed && imp_log_change(r, r->e, id, "update", old.buf) < 0)
		goto fatal;
	if (changed)
		r->im->updated++;
	else
		r->im->unchanged++;
	imp_plan(r, rec, changed ? "update" : "unchanged", NULL);
	goto out;
failed:
	if (e.code == CRM_EX_NOTFOUND)
		e.code = CRM_EX_DATAERR;
	ret = imp_row_failed(r, rec, &e);
	goto out;
fatal:
	ret = -1;
out:
	crm_assigns_release(&as);
	crm_err_release(&e);
	crm_buf_release(&old);
	return ret;
}

/*
 * --missing zero: every product the file did not name goes to 0.  The
 * first pass noted every SKU the file names, rows rejected later too: a
 * row with a bad stock figure must not zero its product.
 */
int
imp_zero_missing(struct run *r)
{
	static const char sql[] =
		"SELECT id FROM products\n"
		"WHERE stock <> 0\n"
		"  AND sku NOT IN (SELECT key FROM import_keys)";
	struct crm_assigns as = CRM_ASSIGNS_INIT;
	struct crm_buf old = CRM_BUF_INIT;
	struct crm_stmt *st;
	int64_t *ids = NULL;
	size_t n = 0, i;
	int changed, ret = -1;

	st = crm_sql(r->db, "cannot find missing products", sql, r->err);
	while (crm_step(st) > 0) {
		ids = crm_xrealloc(ids, (n + 1) * sizeof(*ids));
		ids[n++] = crm_col_int(st, 0);
	}
	if (crm_done(st) < 0)
		goto out;
	crm_assigns_add(&as, crm_fieldset_find(r->im->fs, "stock"), "0");
	for (i = 0; i < n; i++) {
		if (imp_snapshot(r, r->e, ids[i], &old) < 0 ||
		    crm_record_update(r->db, r->im->fs, ids[i], &as, &changed,
		    r->err) < 0)
			goto out;
		if (changed && imp_log_change(r, r->e, ids[i], "update",
		    old.buf) < 0)
			goto out;
		r->im->updated += changed;
	}
	ret = 0;
out:
	free(ids);
	crm_assigns_release(&as);
	crm_buf_release(&old);
	return ret;
}

static void
group_add(struct run *r, const struct crm_record *rec)
{
	imp_push_record(&r->group, &r->ngroup, &r->agroup, rec);
}

/* Reject every row of the order with one reason. */
static void
reject_group(struct run *r, const char *reason)
{
	size_t i;

	for (i = 0; i < r->ngroup; i++)
		imp_reject(r, &r->group[i], reason);
}

/*
 * The products an order write may change the stock of: those of the new
 * lines and those of order id's present lines.  Their snapshots go to the
 * batch after the write, so that revert puts the stock back.
 */
struct stock_log {
	int64_t *ids;
	struct crm_buf *old;
	size_t n;
};

static int
stock_before(struct run *r, int64_t id, const struct crm_line *lines,
	size_t nlines, struct stock_log *sl)
{
	static const char sql[] =
		"SELECT DISTINCT product FROM order_lines WHERE \"order\" = ?1";
	const struct crm_entity *pe = crm_entity_find("product");
	struct crm_stmt *st;
	size_t i, j, cap = nlines;

	sl->ids = crm_xcalloc(cap + 1, sizeof(*sl->ids));
	for (i = 0; i < nlines; i++) {
		for (j = 0; j < sl->n && sl->ids[j] != lines[i].product; j++)
			;
		if (j == sl->n)
			sl->ids[sl->n++] = lines[i].product;
	}
	if (id) {
		st = crm_sql(r->db, "cannot read lines", sql, r->err);
		crm_bind_int(st, 1, id);
		while (crm_step(st) > 0) {
			int64_t p = crm_col_int(st, 0);

			for (j = 0; j < sl->n && sl->ids[j] != p; j++)
				;
			if (j < sl->n)
				continue;
			if (sl->n == cap) {
				cap = cap * 2 + 4;
				sl->ids = crm_xrealloc(sl->ids,
					cap * sizeof(*sl->ids));
			}
			sl->ids[sl->n++] = p;
		}
		if (crm_done(st) < 0)
			return -1;
	}
	sl->old = crm_xcalloc(sl->n + 1, sizeof(*sl->old));
	for (i = 0; i < sl->n; i++) {
		crm_buf_init(&sl->old[i]);
		if (imp_snapshot(r, pe, sl->ids[i], &sl->old[i]) < 0)
			return -1;
	}
	return 0;
}

/* Log the products the write changed (their stock, or its time). */
static int
stock_after(struct run *r, struct stock_log *sl)
{
	const struct crm_entity *pe = crm_entity_find("product");
	struct crm_buf now = CRM_BUF_INIT;
	size_t i;
	int ret = 0;

	for (i = 0; i < sl->n && !ret; i++) {
		ret = imp_snapshot(r, pe, sl->ids[i], &now);
		if (!ret && strcmp(now.buf, sl->old[i].buf))
			ret = imp_log_change(r, pe, sl->ids[i], "update",
				sl->old[i].buf);
	}
	crm_buf_release(&now);
	return ret;
}

static void
stock_log_release(struct stock_log *sl)
{
	size_t i;

	for (i = 0; sl->old && i < sl->n; i++)
		crm_buf_release(&sl->old[i]);
	free(sl->old);
	free(sl->ids);
	memset(sl, 0, sizeof(*sl));
}

/* Does order id hold stock its lines took?  1 yes, 0 no, -1 error. */
static int
holds_stock(struct run *r, int64_t id)
{
	static const char sql[] =
		"SELECT stock_taken FROM orders WHERE id = ?1";
	int64_t taken = 0;

	if (crm_get_int(r->db, "cannot read an order", r->err, &taken, sql,
	    "i", id) < 0)
		return -1;
	return taken != 0;
}

int
imp_flush_order(struct run *r)
{
	static const char *const order_fields[] = {
		"customer", "ordered_at", "status", "campaign"
	};
	struct crm_import *im = r->im;
	struct crm_assigns as = CRM_ASSIGNS_INIT;
	struct crm_err e = CRM_ERR_INIT;
	struct crm_buf spec = CRM_BUF_INIT, old = CRM_BUF_INIT;
	struct crm_line *lines;
	struct stock_log sl = { NULL, NULL, 0 };
	const struct crm_record *first;
	const char *action, *status;
	int64_t id = 0;
	size_t i;
	int found, keyed = 0, ret = 0, take, cancelled, held = 0, saved = 0;

	if (!r->ngroup)
		return 0;
	lines = crm_xcalloc(r->ngroup, sizeof(*lines));
	crm_assigns_add(&as, crm_fieldset_find(im->fs, "ref"),
		r->group_ref.buf);
	/* The order's fields come from its first row, REF.FIELD as ids. */
	first = imp_resolve(r, &r->group[0], &e);
	if (!first) {
		struct crm_err e2 = CRM_ERR_INIT;

		crm_err_set(&e2, e.code, "order '%s' rejected whole: %s",
			r->group_ref.buf, e.msg.buf);
		crm_err_clear(&e);
		crm_err_set(&e, e2.code, "%s", e2.msg.buf);
		crm_err_release(&e2);
		goto failed;
	}
	for (i = 0; i < sizeof(order_fields) / sizeof(order_fields[0]); i++) {
		const char *v = imp_cell(r, first, order_fields[i]);

		if (v && *v)
			crm_assigns_add(&as, crm_fieldset_find(im->fs,
				order_fields[i]), v);
	}
	for (i = 0; i < im->fs->n; i++) {
		const struct crm_field *f = im->fs->f[i];
		const char *v;

		if ((f->flags & CRM_F_CUSTOM) &&
		    (v = imp_cell(r, first, f->name)) && *v)
			crm_assigns_add(&as, f, v);
	}
	for (i = 0; i < r->ngroup; i++) {
		const char *sku = imp_cell(r, &r->group[i], "sku");
		const char *qty = imp_cell(r, &r->group[i], "quantity");
		const char *price = imp_cell(r, &r->group[i], "unit_price");

		crm_buf_reset(&spec);
		crm_buf_addf(&spec, "%s:%s", sku ? sku : "", qty ? qty : "");
		if (price && *price)
			crm_buf_addf(&spec, ":%s", price);
		if (crm_line_parse(r->db, spec.buf, 1, &lines[i], &e) < 0) {
			struct crm_err e2 = CRM_ERR_INIT;
			const char *why = e.msg.buf, *p;

			/* "line 'SKU:QTY': reason" says less than the
			 * file's line number does. */
			if (!strncmp(why, "line '", 6) &&
			    (p = strstr(why, "': ")))
				why = p + 3;
			crm_err_set(&e2, CRM_EX_DATAERR, "order '%s' "
				"rejected whole: line %lld: %s",
				r->group_ref.buf, (long long)r->group[i].line,
				why);
			crm_err_clear(&e);
			crm_err_set(&e, CRM_EX_DATAERR, "%s", e2.msg.buf);
			crm_err_release(&e2);
			goto failed;
		}
	}
	status = imp_cell(r, &r->group[0], "status");
	cancelled = status && !strcasecmp(status, "cancelled");
	take = im->take_stock && !cancelled;
	found = imp_match(r, &r->group[0], &id, &keyed, &e);
	if (found < 0)
		goto failed;
	if (found && im->mode == CRM_IMPORT_INSERT) {
		crm_err_set(&e, CRM_EX_DATAERR, "order '%s' exists already "
			"(order %lld)", r->group_ref.buf, (long long)id);
		goto failed;
	}
	if (!found && im->mode == CRM_IMPORT_UPDATE) {
		crm_err_set(&e, CRM_EX_DATAERR, "no order '%s' to update",
			r->group_ref.buf);
		goto failed;
	}
	/* Stock moves with --take-stock, and when an order that took
	 * stock gets other lines (crm_order_replace() gives it back). */
	if (!im->take_stock && found) {
		held = holds_stock(r, id);
		if (held < 0)
			goto fatal;
	}
	if ((im->take_stock || held) &&
	    stock_before(r, found ? id : 0, lines, r->ngroup, &sl) < 0)
		goto fatal;
	/* A savepoint undoes a failed order's writes, at a price: SQLite
	 * copies each page the order changes into a statement journal, a
	 * file once it outgrows 64 KiB, and that took 40 % of a large
	 * import.  A new order that takes no stock does without: its first
	 * write is one INSERT, all or nothing, and should a line fail after
	 * it, imp_unadd() deletes the order, its lines going along. */
	if (found || take) {
		if (crm_db_savepoint(r->db, "row", CRM_SP_BEGIN, r->err) < 0)
			goto fatal;
		saved = 1;
	}
	if (found) {
		int changed;

		if (imp_snapshot(r, r->e, id, &old) < 0 ||
		    crm_order_replace(r->db, im->fs, id, &as, lines,
		    r->ngroup, im->take_stock, cancelled, &changed, &e) < 0)
			goto failed;
		if (changed && imp_log_change(r, r->e, id, "update",
		    old.buf) < 0)
			goto fatal;
		action = changed ? "update" : "unchanged";
		if (changed)
			im->updated += (int64_t)r->ngroup;
		else
			im->unchanged += (int64_t)r->ngroup;
	} else {
		id = 0;
		if (crm_order_add(r->db, im->fs, &as, lines, r->ngroup, take,
		    &id, &e) < 0) {
			if (!saved && id &&
			    imp_unadd(r->db, r->e, id, r->err) < 0)
				goto fatal;
			goto failed;
		}
		/* Logged all at once at the end: see imp_log_inserts(). */
		action = "insert";
		im->inserted += (int64_t)r->ngroup;
	}
	if (stock_after(r, &sl) < 0 ||
	    (saved && crm_db_savepoint(r->db, "row", CRM_SP_RELEASE,
	    r->err) < 0))
		goto fatal;
	for (i = 0; i < r->ngroup; i++)
		imp_plan(r, &r->group[i], action, NULL);
	goto out;
failed:
	if (saved && (crm_db_savepoint(r->db, "row", CRM_SP_UNDO,
	    r->err) < 0 ||
	    crm_db_savepoint(r->db, "row", CRM_SP_RELEASE, r->err) < 0))
		goto fatal;
	if (e.code != CRM_EX_DATAERR && e.code != CRM_EX_NOTFOUND &&
	    e.code != CRM_EX_USAGE) {
		crm_err_set(r->err, e.code, "%s", e.msg.buf);
		goto fatal;
	}
	reject_group(r, e.msg.buf);
	goto out;
fatal:
	ret = -1;
out:
	stock_log_release(&sl);
	r->ngroup = 0;
	free(lines);
	crm_assigns_release(&as);
	crm_err_release(&e);
	crm_buf_release(&spec);
	crm_buf_release(&old);
	return ret;
}

int
imp_line(struct run *r, const struct crm_record *rec)
{
	const char *ref = imp_cell(r, rec, "order_ref");

	if (!ref || !*ref) {
		if (imp_flush_order(r) < 0)
			return -1;
		imp_reject(r, rec, "order_ref is required");
		return 0;
	}
	if (r->ngroup && strcmp(ref, r->group_ref.buf) &&
	    imp_flush_order(r) < 0)
		return -1;
	if (!r->ngroup)
		crm_buf_sets(&r->group_ref, ref);
	group_add(r, rec);
	return 0;
}
