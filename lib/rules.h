/*
 * rules.h - the rules of deals, tickets, activities, campaigns and their
 * members (SPEC 4), and of an order's campaign.
 *
 * Each crm_*_rules() is the rules hook of its entity (entity.h): it runs
 * inside crm_record_insert() and crm_record_update() on the values about
 * to be written (struct crm_change, record.h), so add, update, the verbs
 * that are updates (stage, status, rate, done, member update) and imports
 * all keep the same rules.  A refusal is CRM_EX_DATAERR with one line
 * naming the record, and nothing is written.
 *
 *   deal      stage lead 10, qualified 25, proposal 50, negotiation 75,
 *             won 100, lost 0: the probability follows the stage unless
 *             it was set by hand (manual_probability), which lasts until
 *             it is set by hand again (an empty value gives it back to
 *             the stage).  Moving to won or lost sets closed_at (now,
 *             unless given); a deal that is open again has none, and
 *             closed_at given to an open deal is refused.
 *   ticket    resolved or closed: resolved_at is set (now, unless given
 *             or already set).  Open or pending (again): no resolved_at
 *             and no rating; giving either to such a ticket is refused.
 *   activity  due_at and done belong to tasks: refused on other kinds.
 *             The customer is that of its contact, deal or ticket when
 *             not given, and must be theirs when given.
 *   contact, deal, ticket
 *             given to another customer: its activities go along (their
 *             customer and updated_at change in the same transaction); one
 *             also about a record of another customer is a refusal.
 *   campaign  a name is not digits only (those name an id); ends_on is
 *             not before starts_on; a starts_on after an order credited
 *             to it or a member's response is refused.
 *   member    one per customer and campaign; responded or converted sets
 *             responded_at (now, unless given or already set), targeted
 *             or sent has none; responded_at not before the campaign's
 *             starts_on.
 *   order     credited to a campaign: ordered_at not before its starts_on.
 *
 * Dates compare as UTC days: a time's first ten characters.
 */
#ifndef CRM_RULES_H
#define CRM_RULES_H

#include "record.h"

/* A stage's default probability in percent; -1 for no stage. */
int crm_deal_probability(const char *stage);

/*
 * After a contact, deal or ticket (entity e) was written without its
 * rules (an import's revert puts back a snapshot): its activities take
 * its customer again.  Nothing for other entities.  0, or -1 with err.
 */
int crm_activities_follow(struct crm_db *db, const struct crm_entity *e,
	int64_t id, struct crm_err *err);

int crm_contact_rules(struct crm_db *db, struct crm_change *c,
	struct crm_err *err);
int crm_deal_rules(struct crm_db *db, struct crm_change *c,
	struct crm_err *err);
int crm_ticket_rules(struct crm_db *db, struct crm_change *c,
	struct crm_err *err);
int crm_activity_rules(struct crm_db *db, struct crm_change *c,
	struct crm_err *err);
int crm_campaign_rules(struct crm_db *db, struct crm_change *c,
	struct crm_err *err);
int crm_member_rules(struct crm_db *db, struct crm_change *c,
	struct crm_err *err);
int crm_order_rules(struct crm_db *db, struct crm_change *c,
	struct crm_err *err);

#endif
