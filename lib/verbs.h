/*
 * verbs.h - the verbs every entity binary has, written once.
 *
 * Each is a struct crm_verb function (cmd.h) that works on ctx->entity
 * through the entity description, so crm-customer, crm-contact and the
 * rest list them in their verb tables instead of writing them again.
 *
 *   add                insert one record from --FIELD/--set; print its id
 *   show ID...|-       every field of each record (table: one per line)
 *   list               records selected by --where/--sort/--limit
 *   update ID...|-     change the given fields of each record
 *   delete ID...|-     delete each record (--cascade: and what refers to it)
 *
 * Writes run in one transaction: if any record fails, nothing changes.
 */
#ifndef CRM_VERBS_H
#define CRM_VERBS_H

#include "cmd.h"

int crm_verb_add(struct crm_ctx *ctx);
int crm_verb_show(struct crm_ctx *ctx);
int crm_verb_list(struct crm_ctx *ctx);
int crm_verb_update(struct crm_ctx *ctx);
int crm_verb_delete(struct crm_ctx *ctx);

/*
 * show for a record that has parts (an order its lines): in JSON each
 * record's object ends with a column name whose value fn writes, a JSON
 * array, for the record id.  fn returns 0, or -1 with err set.
 */
int crm_verb_show_parts(struct crm_ctx *ctx, const char *name,
	int (*fn)(struct crm_db *db, int64_t id, struct crm_buf *json,
	struct crm_err *err));

/*
 * A verb that moves one record to a value of one field: "ID VALUE"
 * (crm-deal stage, crm-ticket status, crm-ticket rate), run as update.
 * operands names them for the usage error ("DEAL and STAGE").  An empty
 * VALUE is refused (65) with what the field takes: where update clears a
 * field or gives it its default, a move needs somewhere to go.
 */
int crm_verb_set_one(struct crm_ctx *ctx, const char *field,
	const char *operands);

/*
 * Print notes, lines each ending in "\n", with crm_note(): what a write
 * did, said only once it has committed.
 */
void crm_notes(const struct crm_buf *notes);

/* The options of delete: --cascade. */
extern const struct crm_optdef crm_delete_opts[];

/*
 * Write the records the query selects (ctx->query, with ctx->fields or
 * the default columns) to stdout in ctx->fmt; vertical table when show.
 * Returns the number of rows, or -1 with ctx->err set.
 */
int64_t crm_list_records(struct crm_ctx *ctx, const struct crm_query *q,
	int show);

#endif
