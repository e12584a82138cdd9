#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "entity.h"
#include "order.h"
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

#define ENTITY(var, name, p, t, fields, fts, keys, hook) \
	static const struct crm_entity var##_entity = \
		{ name, p, t, fields, ARRAY_SIZE(fields), fts, keys, hook }

ENTITY(customer, "customer", "customers", "customers", customer_fields,
    "customers_fts", "email,ref", NULL);
ENTITY(contact, "contact", "contacts", "contacts", contact_fields, NULL,
    "email", NULL);
ENTITY(product, "product", "products", "products", product_fields, NULL,
    "sku", NULL);
ENTITY(order, "order", "orders", "orders", order_fields, NULL, "ref",
    crm_order_release);
ENTITY(line, "order line", "order lines", "order_lines", line_fields, NULL,
    NULL, NULL);

/*
 * An entity joins this list with the migration that creates its table, in
 * the order of creation (referenced entities first).
 */
const struct crm_entity *const crm_entities[] = {
	&customer_entity, &contact_entity, &product_entity, &order_entity,
	&line_entity, NULL
};

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
