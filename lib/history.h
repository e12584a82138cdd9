/*
 * history.h - a customer's history: its orders, deals, tickets,
 * activities and campaign memberships in time order (crm-customer
 * timeline).
 *
 * One row per record, at the time it happened: an order at ordered_at, a
 * deal and a ticket when they were added, an activity at occurred_at, a
 * membership when the customer responded (else when it was added).  The
 * columns (crm_history_cols):
 *
 *   at      that time, UTC
 *   kind    order, deal, ticket, campaign, or the activity's kind (call,
 *           email, meeting, note, task)
 *   id      the record's id (a membership: the campaign's)
 *   what    an order's ref, a deal's title, a ticket's or activity's
 *           subject, a campaign's name
 *   status  an order's or ticket's status, a deal's stage, a member's
 *           status, a task's "open" or "done"
 *   amount  an order's total, a deal's amount
 *
 * Ties in time are ordered by kind and id.  Every part is read through
 * an index on the customer, so the cost is that of the customer's rows.
 */
#ifndef CRM_HISTORY_H
#define CRM_HISTORY_H

#include <stdint.h>

#include "record.h"

extern const char *const crm_history_cols[];
#define CRM_HISTORY_NCOLS 6

/* Write customer id's history to out (begun with crm_history_cols);
 * the number of rows, or -1 with err set. */
int64_t crm_customer_history(struct crm_db *db, int64_t id,
	struct crm_out *out, struct crm_err *err);

#endif
