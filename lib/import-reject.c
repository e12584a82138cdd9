/*
 * import-reject.c - what an import says of a row it does not write: the
 * rejects file (the row as the file had it, and why) and the dry run's
 * plan, a line a row (import.h).  A row that fails for a reason of its
 * own is rejected there; any other failure ends the run.
 */
#include <errno.h>
#include <string.h>

#include "import-int.h"
#include "banned.h"

void
imp_plan(struct run *r, const struct crm_record *rec, const char *action,
	const char *reason)
{
	char line[24];
	const char *key = imp_row_key(r, rec);

	if (!r->im->plan)
		return;
	snprintf(line, sizeof(line), "%lld", (long long)rec->line);
	crm_out_cell(&r->plan, CRM_CELL_NUM, line, strlen(line));
	crm_out_cell(&r->plan, CRM_CELL_TEXT, action, strlen(action));
	crm_out_cell(&r->plan, CRM_CELL_TEXT, key, strlen(key));
	crm_out_cell(&r->plan, reason ? CRM_CELL_TEXT : CRM_CELL_NULL,
		reason ? reason : "", reason ? strlen(reason) : 0);
	crm_out_row(&r->plan);
}

/*
 * JSON Lines: the object as it came (its members' text, but an old _line
 * and _error) with "_line" and "_error" members after them, so that it
 * imports again as JSON; a line that is no JSON object as it came.
 */
static void
reject_json(struct run *r, const struct crm_record *rec, const char *line,
	const char *reason)
{
	struct crm_buf b = CRM_BUF_INIT;

	if (rec->raw.len) {
		crm_buf_addch(&b, '{');
		crm_buf_add(&b, rec->raw.buf, rec->raw.len);
		crm_buf_addf(&b, ",\"_line\":%s,\"_error\":", line);
		crm_json_quote(&b, reason, strlen(reason));
		crm_buf_addch(&b, '}');
	} else if (rec->n) {
		crm_buf_add(&b, rec->f[0].buf, rec->f[0].len);
	}
	crm_buf_addch(&b, '\n');
	if (!r->rej.failed && fwrite(b.buf, 1, b.len, r->rej.fp) != b.len) {
		r->rej.failed = 1;
		r->rej.err_no = errno;
	}
	crm_buf_release(&b);
}

/*
 * Write a rejected row to the rejects file as it came, with _line and
 * _error: in their own columns when the header has them (a rejects file
 * fixed and imported again), else after the others.  Fields beyond the
 * header are dropped there: the row is rejected for having them.  A
 * record that could not be split has its text whole in the first column.
 */
void
imp_reject(struct run *r, const struct crm_record *rec, const char *reason)
{
	char line[24];
	size_t i;
	int own = 0;

	r->im->rejected++;
	if (!r->im->quiet)
		crm_warn("line %lld: %s", (long long)rec->line, reason);
	imp_plan(r, rec, "reject", reason);
	if (!r->im->rejects)
		return;
	snprintf(line, sizeof(line), "%lld", (long long)rec->line);
	if (!r->im->delim) {
		reject_json(r, rec, line, reason);
		return;
	}
	for (i = 0; i < r->header.n; i++) {
		const char *h = r->header.f[i].buf;

		if (!strcmp(h, "_line")) {
			crm_out_cell(&r->rej, CRM_CELL_NUM, line, strlen(line));
			own = 1;
		} else if (!strcmp(h, "_error")) {
			crm_out_cell(&r->rej, CRM_CELL_TEXT, reason,
				strlen(reason));
			own = 1;
		} else if (i < rec->n) {
			crm_out_cell(&r->rej, CRM_CELL_TEXT, rec->x[i].buf,
				rec->x[i].len);
		} else {
			crm_out_cell(&r->rej, CRM_CELL_NULL, NULL, 0);
		}
	}
	if (!own) {
		crm_out_cell(&r->rej, CRM_CELL_NUM, line, strlen(line));
		crm_out_cell(&r->rej, CRM_CELL_TEXT, reason, strlen(reason));
	}
	crm_out_row(&r->rej);
}

/*
 * A row failed: reject it with the reason in e.  A record row writes one
 * statement, after every check, so it has nothing to undo (a savepoint
 * per row would make FTS5 flush its index at every row).  Database errors
 * that are not about the row (busy, disk) end the run.
 */
int
imp_row_failed(struct run *r, const struct crm_record *rec, struct crm_err *e)
{
	if (e->code != CRM_EX_DATAERR && e->code != CRM_EX_NOTFOUND &&
	    e->code != CRM_EX_USAGE) {
		crm_err_set(r->err, e->code, "line %lld: %s",
			(long long)rec->line, e->msg.buf);
		return -1;
	}
	imp_reject(r, rec, e->msg.buf);
	return 0;
}
