#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "entity.h"
#include "order.h"
#include "rules.h"
#include "banned.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Shorthands that keep the tables below one line a field. */
#define ID { "id", CRM_T_ID, CRM_F_READONLY | CRM_F_LIST, NULL, NULL, NULL, \
	0, 0, "the record's number", NULL }
#define STAMPS \
	{ "created_at", CRM_T_TIME, CRM_F_READONLY, NULL, NULL, NULL, 0, 0, \
	  "when it was added (UTC)", NULL }, \
	{ "updated_at", CRM_T_TIME, CRM_F_READONLY, NULL, NULL, NULL, 0, 0, \
	  "when it last changed (UTC)", NULL }
/* A field; one with a default; an enum; a reference; an integer range;
 * a derived (computed, read-only) field. */
#define F(name, type, flags, help) \
	{ name, type, flags, NULL, NULL, NULL, 0, 0, help, NULL }
#define FD(name, type, flags, def, help) \
	{ name, type, flags, NULL, NULL, def, 0, 0, help, NULL }
#define E(name, values, flags, def, help) \
	{ name, CRM_T_ENUM, flags, values, NULL, def, 0, 0, help, NULL }
#define R(name, entity, flags, help) \
	{ name, CRM_T_REF, flags, NULL, entity, NULL, 0, 0, help, NULL }
#define I(name, flags, def, min, max, help) \
	{ name, CRM_T_INT, flags, NULL, NULL, def, min, max, help, NULL }
#define D(name, type, expr, help) \
	{ name, type, CRM_F_READONLY | CRM_F_DERIVED, NULL, NULL, NULL, 0, 0, \
	  help, expr }

#define REQ CRM_F_REQUIRED
#define UNIQ CRM_F_UNIQUE
#define LIST CRM_F_LIST
#define KEY CRM_F_KEY

static const char *const customer_kinds[] = { "person", "company", NULL };

static const struct crm_field customer_fields[] = {
	ID,
	F("name", CRM_T_TEXT, REQ | LIST, "the person's or company's name"),
	E("kind", customer_kinds, LIST, "person", "person or company"),
	F("email", CRM_T_EMAIL, UNIQ | KEY | LIST, "email address (unique)"),
	F("phone", CRM_T_PHONE, LIST, "phone number"),
	F("address", CRM_T_MLTEXT, 0, "postal address (may span lines)"),
	F("city", CRM_T_TEXT, LIST, "city"),
	F("country", CRM_T_TEXT, 0, "country"),
	F("segment", CRM_T_TEXT, LIST, "market segment"),
	F("ref", CRM_T_TEXT, UNIQ | KEY, "external id (unique)"),
	F("owner", CRM_T_TEXT, CRM_F_OWNER, "the user who looks after it"),
	STAMPS,
	D("orders", CRM_T_INT,
	  "(SELECT count(*) FROM orders AS o\n"
	  "  WHERE o.customer = t.id AND o.status <> 'cancelled')",
	  "number of orders, cancelled ones not counted"),
	D("order_total", CRM_T_MONEY,
	  "(SELECT coalesce(sum(o.total), 0) FROM orders AS o\n"
	  "  WHERE o.customer = t.id AND o.status <> 'cancelled')",
	  "sum of those orders"),
	D("last_order", CRM_T_TIME,
	  "(SELECT max(o.ordered_at) FROM orders AS o\n"
	  "  WHERE o.customer = t.id AND o.status <> 'cancelled')",
	  "when the last of them was ordered"),
};

static const struct crm_field contact_fields[] = {
	ID,
	R("customer", "customer", REQ | LIST, "the customer (id, email or ref)"),
	F("name", CRM_T_TEXT, REQ | LIST, "the contact's name"),
	F("email", CRM_T_EMAIL, LIST, "email address"),
	F("phone", CRM_T_PHONE, LIST, "phone number"),
	F("title", CRM_T_TEXT, LIST, "job title"),
	STAMPS,
};

static const struct crm_field product_fields[] = {
	ID,
	F("sku", CRM_T_TEXT, REQ | UNIQ | KEY | LIST,
	  "stock keeping unit (unique)"),
	F("name", CRM_T_TEXT, REQ | LIST, "the product's name"),
	F("description", CRM_T_MLTEXT, 0, "description (may span lines)"),
	F("price", CRM_T_MONEY, REQ | LIST, "unit price"),
	I("stock", LIST, "0", 0, 1000000000000LL, "units in stock"),
	FD("active", CRM_T_BOOL, LIST, "yes", "whether it can be ordered"),
	STAMPS,
};

/* The order of these is the lifecycle; order.c says which moves are
 * allowed. */
static const char *const order_statuses[] = {
	"pending", "paid", "shipped", "delivered", "cancelled", NULL
};

static const struct crm_field order_fields[] = {
	ID,
	F("ref", CRM_T_TEXT, UNIQ | KEY | LIST,
	  "the shop's order number (unique)"),
	R("customer", "customer", REQ | LIST, "the customer (id, email or ref)"),
	E("status", order_statuses, LIST | CRM_F_READONLY, "pending",
	  "pending, paid, shipped, delivered or cancelled"),
	FD("ordered_at", CRM_T_TIME, LIST, "now", "when it was ordered"),
	FD("total", CRM_T_MONEY, LIST | CRM_F_READONLY, "0",
	  "sum of quantity times unit price over its lines"),
	{ "stock_taken", CRM_T_BOOL, CRM_F_READONLY, NULL, NULL, "yes", 0, 0,
	  "whether its lines took stock (a cancel returns it)", NULL },
	{ "units", CRM_T_INT, CRM_F_READONLY | CRM_F_LINES, NULL, NULL, "0",
	  0, 0, "sum of the quantities of its lines", NULL },
	STAMPS,
	/* Added by schema v7: campaigns came after orders.  A campaign
	 * with orders cannot be deleted, not even with --cascade. */
	R("campaign", "campaign", CRM_F_RESTRICT,
	  "the campaign it is credited to (id or name)"),
};

static const struct crm_field line_fields[] = {
	ID,
	R("order", "order", REQ | LIST, "the order"),
	R("product", "product", REQ | LIST | CRM_F_RESTRICT,
	  "the product (id or SKU)"),
	I("quantity", REQ | LIST, NULL, 1, 1000000000, "units ordered"),
	F("unit_price", CRM_T_MONEY, LIST,
	  "price of one unit (default the product's price)"),
	STAMPS,
};

/* The order of stages is the pipeline's; rules.c gives each its default
 * probability. */
static const char *const deal_stages[] = {
	"lead", "qualified", "proposal", "negotiation", "won", "lost", NULL
};

static const struct crm_field deal_fields[] = {
	ID,
	R("customer", "customer", REQ | LIST, "the customer (id, email or ref)"),
	F("title", CRM_T_TEXT, REQ | LIST, "what is being sold"),
	FD("amount", CRM_T_MONEY, LIST, "0", "the deal's value"),
	E("stage", deal_stages, LIST, "lead",
	  "lead, qualified, proposal, negotiation, won or lost"),
	I("probability", LIST, NULL, 0, 100,
	  "chance of winning in percent (default by stage)"),
	{ "manual_probability", CRM_T_BOOL, CRM_F_READONLY, NULL, NULL, "no",
	  0, 0, "whether the probability was set by hand", NULL },
	F("expected_close", CRM_T_DATE, LIST, "when it is expected to close"),
	F("owner", CRM_T_TEXT, CRM_F_OWNER, "the user who looks after it"),
	F("closed_at", CRM_T_TIME, 0, "when it was won or lost"),
	F("ref", CRM_T_TEXT, UNIQ | KEY, "external id (unique)"),
	STAMPS,
};

static const char *const ticket_statuses[] = {
	"open", "pending", "resolved", "closed", NULL
};
static const char *const ticket_priorities[] = {
	"low", "normal", "high", "urgent", NULL
};

static const struct crm_field ticket_fields[] = {
	ID,
	R("customer", "customer", REQ | LIST, "the customer (id, email or ref)"),
	F("subject", CRM_T_TEXT, REQ | LIST, "what it is about"),
	F("description", CRM_T_MLTEXT, 0, "the request (may span lines)"),
	E("status", ticket_statuses, LIST, "open",
	  "open, pending, resolved or closed"),
	E("priority", ticket_priorities, LIST, "normal",
	  "low, normal, high or urgent"),
	F("resolved_at", CRM_T_TIME, 0, "when it was resolved"),
	I("rating", LIST, NULL, 1, 5,
	  "the customer's rating, 1 to 5 (resolved or closed only)"),
	F("ref", CRM_T_TEXT, UNIQ | KEY, "external id (unique)"),
	STAMPS,
};

static const char *const activity_kinds[] = {
	"call", "email", "meeting", "note", "task", NULL
};

static const struct crm_field activity_fields[] = {
	ID,
	E("kind", activity_kinds, REQ | LIST, NULL,
	  "call, email, meeting, note or task"),
	F("subject", CRM_T_TEXT, REQ | LIST, "what it was about"),
	F("body", CRM_T_MLTEXT, 0, "notes (may span lines)"),
	R("customer", "customer", LIST,
	  "the customer (default: that of the contact, deal or ticket)"),
	R("contact", "contact", 0, "the contact"),
	R("deal", "deal", 0, "the deal"),
	R("ticket", "ticket", 0, "the ticket"),
	FD("occurred_at", CRM_T_TIME, LIST, "now", "when it happened"),
	F("due_at", CRM_T_TIME, LIST, "when a task is due (tasks only)"),
	FD("done", CRM_T_BOOL, LIST, "no", "whether a task is done"),
	F("owner", CRM_T_TEXT, CRM_F_OWNER, "the user who did it or will"),
	F("ref", CRM_T_TEXT, UNIQ | KEY, "external id (unique)"),
	STAMPS,
};

static const char *const campaign_channels[] = {
	"email", "sms", "phone", "event", "ads", "social", "other", NULL
};
static const char *const campaign_statuses[] = {
	"planned", "active", "completed", NULL
};

static const struct crm_field campaign_fields[] = {
	ID,
	F("name", CRM_T_TEXT, REQ | UNIQ | KEY | LIST,
	  "the campaign's name (unique)"),
	E("channel", campaign_channels, LIST, NULL,
	  "email, sms, phone, event, ads, social or other"),
	E("status", campaign_statuses, LIST, "planned",
	  "planned, active or completed"),
	F("starts_on", CRM_T_DATE, LIST, "its first day"),
	F("ends_on", CRM_T_DATE, LIST, "its last day"),
	F("budget", CRM_T_MONEY, 0, "what may be spent"),
	FD("cost", CRM_T_MONEY, LIST, "0", "what was spent"),
	STAMPS,
	D("members", CRM_T_INT,
	  "(SELECT count(*) FROM campaign_members AS m\n"
	  "  WHERE m.campaign = t.id)",
	  "number of members"),
};

static const char *const member_statuses[] = {
	"targeted", "sent", "responded", "converted", NULL
};

static const struct crm_field member_fields[] = {
	ID,
	R("campaign", "campaign", REQ | LIST, "the campaign (id or name)"),
	R("customer", "customer", REQ | LIST, "the customer (id, email or ref)"),
	E("status", member_statuses, LIST, "targeted",
	  "targeted, sent, responded or converted"),
	F("responded_at", CRM_T_TIME, LIST, "when the customer responded"),
	STAMPS,
	D("name", CRM_T_TEXT,
	  "(SELECT c.name FROM customers AS c WHERE c.id = t.customer)",
	  "the customer's name"),
	D("email", CRM_T_EMAIL,
	  "(SELECT c.email FROM customers AS c WHERE c.id = t.customer)",
	  "the customer's email"),
};

#define ENTITY(var, name, p, t, fields, fts, keys, hook, rules) \
	static const struct crm_entity var##_entity = \
		{ name, p, t, fields, ARRAY_SIZE(fields), fts, keys, hook, \
		  rules }

ENTITY(customer, "customer", "customers", "customers", customer_fields,
    "customers_fts", "email,ref", NULL, NULL);
ENTITY(contact, "contact", "contacts", "contacts", contact_fields, NULL,
    "email", NULL, crm_contact_rules);
ENTITY(product, "product", "products", "products", product_fields, NULL,
    "sku", NULL, NULL);
ENTITY(order, "order", "orders", "orders", order_fields, NULL, "ref",
    crm_order_release, crm_order_rules);
ENTITY(line, "order line", "order lines", "order_lines", line_fields, NULL,
    NULL, NULL, NULL);
ENTITY(campaign, "campaign", "campaigns", "campaigns", campaign_fields,
    NULL, "name", NULL, crm_campaign_rules);
/* Members are matched on the pair: "a+b" is one key of two fields. */
ENTITY(member, "campaign member", "campaign members", "campaign_members",
    member_fields, NULL, "campaign+customer", NULL, crm_member_rules);
ENTITY(deal, "deal", "deals", "deals", deal_fields, NULL, "ref", NULL,
    crm_deal_rules);
ENTITY(ticket, "ticket", "tickets", "tickets", ticket_fields, NULL, "ref",
    NULL, crm_ticket_rules);
ENTITY(activity, "activity", "activities", "activities", activity_fields,
    NULL, "ref", NULL, crm_activity_rules);

/*
 * An entity joins this list with the migration that creates its table, in
 * the order of creation (referenced entities first).
 */
const struct crm_entity *const crm_entities[] = {
	&customer_entity, &contact_entity, &product_entity, &order_entity,
	&line_entity, &campaign_entity, &member_entity, &deal_entity,
	&ticket_entity, &activity_entity, NULL
};

int
crm_field_is_int(const struct crm_field *f)
{
	switch (f->type) {
	case CRM_T_ID:
	case CRM_T_INT:
	case CRM_T_MONEY:
	case CRM_T_BOOL:
	case CRM_T_REF:
		return 1;
	default:
		return 0;
	}
}

const struct crm_entity *
crm_entity_find(const char *name)
{
	size_t i;

	for (i = 0; crm_entities[i]; i++)
		if (!strcmp(crm_entities[i]->name, name) ||
		    !strcmp(crm_entities[i]->plural, name))
			return crm_entities[i];
	return NULL;
}

const struct crm_field *
crm_entity_field(const struct crm_entity *e, const char *name)
{
	size_t i;

	for (i = 0; i < e->nfields; i++)
		if (!strcmp(e->fields[i].name, name))
			return &e->fields[i];
	return NULL;
}

const char *
crm_type_name(enum crm_type t)
{
	static const char *const names[] = {
		"id", "int", "text", "text", "email", "phone", "money",
		"decimal", "date", "time", "bool", "enum", "reference"
	};

	return (size_t)t < ARRAY_SIZE(names) ? names[t] : "?";
}

void
crm_fieldset_builtin(struct crm_fieldset *fs, const struct crm_entity *e)
{
	size_t i;

	memset(fs, 0, sizeof(*fs));
	fs->entity = e;
	fs->f = crm_xcalloc(e->nfields, sizeof(*fs->f));
	for (i = 0; i < e->nfields; i++)
		fs->f[i] = &e->fields[i];
	fs->n = e->nfields;
}

void
crm_fieldset_release(struct crm_fieldset *fs)
{
	size_t i;

	free(fs->f);
	free(fs->custom);
	for (i = 0; i < fs->nstrings; i++)
		free(fs->strings[i]);
	free(fs->strings);
	free(fs->insert_sql);
	memset(fs, 0, sizeof(*fs));
}

const struct crm_field *
crm_fieldset_find(const struct crm_fieldset *fs, const char *name)
{
	size_t i;

	for (i = 0; i < fs->n; i++)
		if (!strcmp(fs->f[i]->name, name))
			return fs->f[i];
	return NULL;
}

void
crm_fieldset_names(const struct crm_fieldset *fs, struct crm_buf *out)
{
	size_t i;

	for (i = 0; i < fs->n; i++)
		crm_buf_addf(out, "%s%s", i ? ", " : "", fs->f[i]->name);
}
