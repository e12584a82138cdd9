/*
 * history.c - a customer's history in time order.  Declared in history.h.
 */
#include <string.h>

#include "history.h"
#include "value.h"
#include "banned.h"

const char *const crm_history_cols[] = {
	"at", "kind", "id", "what", "status", "amount"
};

static const char history_sql[] =
	"SELECT ordered_at AS at, 'order' AS kind, id, ref AS what, status,\n"
	"       total AS amount\n"
	"FROM orders WHERE customer = ?1\n"
	"UNION ALL\n"
	"SELECT created_at, 'deal', id, title, stage, amount\n"
	"FROM deals WHERE customer = ?1\n"
	"UNION ALL\n"
	"SELECT created_at, 'ticket', id, subject, status, NULL\n"
	"FROM tickets WHERE customer = ?1\n"
	"UNION ALL\n"
	"SELECT occurred_at, kind, id, subject,\n"
	"       CASE WHEN kind = 'task' THEN\n"
	"            CASE WHEN done <> 0 THEN 'done' ELSE 'open' END END,\n"
	"       NULL\n"
	"FROM activities WHERE customer = ?1\n"
	"UNION ALL\n"
	"SELECT coalesce(m.responded_at, m.created_at), 'campaign', c.id,\n"
	"       c.name, m.status, NULL\n"
	"FROM campaign_members AS m JOIN campaigns AS c ON c.id = m.campaign\n"
	"WHERE m.customer = ?1\n"
	"ORDER BY at, kind, id";

int64_t
crm_customer_history(struct crm_db *db, int64_t id, struct crm_out *out,
	struct crm_err *err)
{
	struct crm_buf b = CRM_BUF_INIT;
	struct crm_stmt *st = crm_sql(db, "cannot read the history",
		history_sql, err);
	int64_t rows = 0;
	int i;

	crm_bind_int(st, 1, id);
	while (!out->failed && crm_step(st) > 0) {
		for (i = 0; i < CRM_HISTORY_NCOLS; i++) {
			const char *s = crm_col_text(st, i);

			if (!s) {
				crm_out_cell(out, CRM_CELL_NULL, NULL, 0);
			} else if (i == 5) {
				crm_buf_reset(&b);
				crm_format_money(crm_col_int(st, i), &b);
				crm_out_cell(out, CRM_CELL_NUM, b.buf, b.len);
			} else {
				crm_out_cell(out, i == 2 ? CRM_CELL_NUM :
					i == 0 ? CRM_CELL_TIME :
					CRM_CELL_TEXT, s, strlen(s));
			}
		}
		crm_out_row(out);
		rows++;
	}
	crm_buf_release(&b);
	return crm_done(st) < 0 ? -1 : rows;
}
