/*
 * db-sqlite-schema.c - the SQLite driver's schema: every table crm keeps,
 * as migrations from an empty file.
 *
 * Columns are named exactly like the fields in entity.c; an empty value is
 * stored as NULL, money as integer cents, booleans as 0/1, times as UTC
 * text "YYYY-MM-DDTHH:MM:SSZ".  Test test-schema checks that each table
 * has the columns its entity describes.
 */
#include <stddef.h>

#include "buf.h"
#include "db.h"
#include "driver.h"
#include "record.h"
#include "schema.h"
#include "banned.h"

/* 1: customers and their contacts. */
static const char v1[] =
	"CREATE TABLE customers (\n"
	"	id         INTEGER PRIMARY KEY,	-- the customer's number\n"
	"	name       TEXT NOT NULL CHECK (name <> ''),\n"
	"	kind       TEXT NOT NULL DEFAULT 'person'\n"
	"	           CHECK (kind IN ('person', 'company')),\n"
	"	email      TEXT UNIQUE,		-- lowercased; NULL if none\n"
	"	phone      TEXT,			-- digits, maybe a leading +\n"
	"	address    TEXT,			-- may hold newlines\n"
	"	city       TEXT,\n"
	"	country    TEXT,\n"
	"	segment    TEXT,\n"
	"	ref        TEXT UNIQUE,		-- another system's id\n"
	"	owner      TEXT,			-- user who looks after it\n"
	"	created_at TEXT NOT NULL,		-- UTC\n"
	"	updated_at TEXT NOT NULL		-- UTC\n"
	");\n"
	"CREATE INDEX customers_phone ON customers (phone);\n"
	"CREATE INDEX customers_segment ON customers (segment);\n"
	"\n"
	"CREATE TABLE contacts (\n"
	"	id         INTEGER PRIMARY KEY,\n"
	"	customer   INTEGER NOT NULL REFERENCES customers (id),\n"
	"	name       TEXT NOT NULL CHECK (name <> ''),\n"
	"	email      TEXT,			-- lowercased\n"
	"	phone      TEXT,\n"
	"	title      TEXT,			-- job title\n"
	"	created_at TEXT NOT NULL,\n"
	"	updated_at TEXT NOT NULL\n"
	");\n"
	"CREATE INDEX contacts_customer ON contacts (customer);\n"
	"CREATE INDEX contacts_email ON contacts (email);\n";

/*
 * 2: full-text search over customers.  The crm_bigram tokenizer (search.c)
 * indexes every pair of adjacent characters, so a substring of two or more
 * characters - the common case for Chinese names - is a phrase query.  The
 * index holds no copy of the text (external content); triggers keep it in
 * step with the table.
 */
static const char v2[] =
	"CREATE VIRTUAL TABLE customers_fts USING fts5 (\n"
	"	name, email, phone, city,\n"
	"	content = 'customers', content_rowid = 'id',\n"
	"	tokenize = 'crm_bigram'\n"
	");\n"
	"CREATE TRIGGER customers_fts_insert AFTER INSERT ON customers BEGIN\n"
	"	INSERT INTO customers_fts (rowid, name, email, phone, city)\n"
	"	VALUES (new.id, new.name, new.email, new.phone, new.city);\n"
	"END;\n"
	"CREATE TRIGGER customers_fts_delete AFTER DELETE ON customers BEGIN\n"
	"	INSERT INTO customers_fts\n"
	"	       (customers_fts, rowid, name, email, phone, city)\n"
	"	VALUES ('delete', old.id, old.name, old.email, old.phone,\n"
	"	        old.city);\n"
	"END;\n"
	"CREATE TRIGGER customers_fts_update\n"
	"AFTER UPDATE OF name, email, phone, city ON customers BEGIN\n"
	"	INSERT INTO customers_fts\n"
	"	       (customers_fts, rowid, name, email, phone, city)\n"
	"	VALUES ('delete', old.id, old.name, old.email, old.phone,\n"
	"	        old.city);\n"
	"	INSERT INTO customers_fts (rowid, name, email, phone, city)\n"
	"	VALUES (new.id, new.name, new.email, new.phone, new.city);\n"
	"END;\n"
	"INSERT INTO customers_fts (customers_fts) VALUES ('rebuild');\n";

/*
 * 3: products, orders and their lines.  Stock can never go below zero
 * (CHECK), whatever a caller does; an order's total is kept with it, as
 * the sum of its lines, so that reports need not add the lines up.
 */
static const char v3[] =
	"CREATE TABLE products (\n"
	"	id          INTEGER PRIMARY KEY,\n"
	"	sku         TEXT NOT NULL UNIQUE CHECK (sku <> ''),\n"
	"	name        TEXT NOT NULL CHECK (name <> ''),\n"
	"	description TEXT,\n"
	"	price       INTEGER NOT NULL CHECK (price >= 0),	-- cents\n"
	"	stock       INTEGER NOT NULL DEFAULT 0 CHECK (stock >= 0),\n"
	"	active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),\n"
	"	created_at  TEXT NOT NULL,\n"
	"	updated_at  TEXT NOT NULL\n"
	");\n"
	"\n"
	"CREATE TABLE orders (\n"
	"	id          INTEGER PRIMARY KEY,\n"
	"	ref         TEXT UNIQUE,		-- the shop's order number\n"
	"	customer    INTEGER NOT NULL REFERENCES customers (id),\n"
	"	status      TEXT NOT NULL DEFAULT 'pending' CHECK (status IN\n"
	"	            ('pending', 'paid', 'shipped', 'delivered',\n"
	"	             'cancelled')),\n"
	"	ordered_at  TEXT NOT NULL,		-- UTC\n"
	"	total       INTEGER NOT NULL DEFAULT 0,	-- cents, sum of lines\n"
	"	stock_taken INTEGER NOT NULL DEFAULT 1,	-- a cancel returns it\n"
	"	created_at  TEXT NOT NULL,\n"
	"	updated_at  TEXT NOT NULL\n"
	");\n"
	"CREATE INDEX orders_customer ON orders (customer, ordered_at);\n"
	"CREATE INDEX orders_ordered_at ON orders (ordered_at);\n"
	"\n"
	"CREATE TABLE order_lines (\n"
	"	id          INTEGER PRIMARY KEY,\n"
	"	\"order\"     INTEGER NOT NULL REFERENCES orders (id)\n"
	"	            ON DELETE CASCADE,\n"
	"	product     INTEGER NOT NULL REFERENCES products (id),\n"
	"	quantity    INTEGER NOT NULL CHECK (quantity > 0),\n"
	"	unit_price  INTEGER NOT NULL CHECK (unit_price >= 0),	-- cents\n"
	"	created_at  TEXT NOT NULL,\n"
	"	updated_at  TEXT NOT NULL\n"
	");\n"
	"CREATE INDEX order_lines_order ON order_lines (\"order\");\n"
	"CREATE INDEX order_lines_product ON order_lines (product);\n";

/*
 * 4: the import log.  A batch is one run of crm-import; its changes are
 * what it inserted, and what it updated with the values before (a JSON
 * object of the record's columns), so that a batch can be reverted.
 * stamp is the record's updated_at after the import: a record whose
 * updated_at differs has changed since, and revert leaves it alone.
 */
static const char v4[] =
	"CREATE TABLE import_batches (\n"
	"	id          INTEGER PRIMARY KEY,	-- the batch number\n"
	"	started_at  TEXT NOT NULL,		-- UTC\n"
	"	user        TEXT NOT NULL,\n"
	"	entity      TEXT NOT NULL,		-- customers, orders...\n"
	"	file        TEXT NOT NULL,		-- as named, '-' for stdin\n"
	"	sha256      TEXT NOT NULL,		-- of the bytes read\n"
	"	rows_read   INTEGER NOT NULL,\n"
	"	inserted    INTEGER NOT NULL,\n"
	"	updated     INTEGER NOT NULL,\n"
	"	unchanged   INTEGER NOT NULL,\n"
	"	rejected    INTEGER NOT NULL,\n"
	"	reverted_at TEXT			-- UTC, once reverted\n"
	");\n"
	"CREATE TABLE import_changes (\n"
	"	batch       INTEGER NOT NULL REFERENCES import_batches (id),\n"
	"	tbl         TEXT NOT NULL,		-- the record's table\n"
	"	record      INTEGER NOT NULL,		-- and its id\n"
	"	action      TEXT NOT NULL CHECK (action IN ('insert', 'update')),\n"
	"	old         TEXT,			-- JSON: columns before\n"
	"	stamp       TEXT NOT NULL		-- updated_at after\n"
	");\n"
	"CREATE INDEX import_changes_batch\n"
	"	ON import_changes (batch, tbl, record);\n";

/*
 * 5: a customer's orders read from the index alone.  A customer's order
 * count, total and last order (derived fields of every show) and the
 * customers report need customer, status, ordered_at and total; with
 * them all in the index, 1,000 orders cost no visit to the table.
 */
static const char v5[] =
	"CREATE INDEX orders_customer_totals\n"
	"	ON orders (customer, status, ordered_at, total);\n"
	"DROP INDEX orders_customer;\n";

/*
 * 6: and a customer's order list, too: its default columns add ref to
 * what v5 covers, so 'order list --where customer=' reads 1,000 orders
 * from the index alone.
 */
static const char v6[] =
	"CREATE INDEX orders_customer_list\n"
	"	ON orders (customer, status, ordered_at, total, ref);\n"
	"DROP INDEX orders_customer_totals;\n";

/*
 * 7: customers by name.  An imported row without an email or ref is
 * matched on all its values (so a file imported twice adds nothing);
 * the name, required, is where that lookup starts.  --where name= and
 * --sort name use it too.
 */
static const char v7[] =
	"CREATE INDEX customers_name ON customers (name);\n";

/*
 * 8: sales, service and marketing - campaigns and their members, deals,
 * tickets and activities - and the campaign an order is credited to.
 * The indexes serve the reports (a ticket's report columns and a deal's
 * stage and amounts are read from the index alone), the open tasks due
 * by a day, a customer's history, and the checks of a delete.
 */
static const char v8[] =
	"CREATE TABLE campaigns (\n"
	"	id          INTEGER PRIMARY KEY,\n"
	"	name        TEXT NOT NULL UNIQUE CHECK (name <> ''),\n"
	"	channel     TEXT CHECK (channel IN ('email', 'sms', 'phone',\n"
	"	            'event', 'ads', 'social', 'other')),\n"
	"	status      TEXT NOT NULL DEFAULT 'planned'\n"
	"	            CHECK (status IN ('planned', 'active', 'completed')),\n"
	"	starts_on   TEXT,			-- YYYY-MM-DD\n"
	"	ends_on     TEXT,\n"
	"	budget      INTEGER CHECK (budget >= 0),	-- cents\n"
	"	cost        INTEGER NOT NULL DEFAULT 0 CHECK (cost >= 0),\n"
	"	created_at  TEXT NOT NULL,\n"
	"	updated_at  TEXT NOT NULL\n"
	");\n"
	"\n"
	"CREATE TABLE campaign_members (\n"
	"	id           INTEGER PRIMARY KEY,\n"
	"	campaign     INTEGER NOT NULL REFERENCES campaigns (id),\n"
	"	customer     INTEGER NOT NULL REFERENCES customers (id),\n"
	"	status       TEXT NOT NULL DEFAULT 'targeted' CHECK (status IN\n"
	"	             ('targeted', 'sent', 'responded', 'converted')),\n"
	"	responded_at TEXT,			-- UTC\n"
	"	created_at   TEXT NOT NULL,\n"
	"	updated_at   TEXT NOT NULL,\n"
	"	UNIQUE (campaign, customer)\n"
	");\n"
	"CREATE INDEX campaign_members_customer ON campaign_members (customer);\n"
	"\n"
	"ALTER TABLE orders ADD COLUMN\n"
	"	campaign    INTEGER REFERENCES campaigns (id);\n"
	"CREATE INDEX orders_campaign ON orders (campaign, status, total)\n"
	"	WHERE campaign IS NOT NULL;\n"
	"\n"
	"CREATE TABLE deals (\n"
	"	id             INTEGER PRIMARY KEY,\n"
	"	customer       INTEGER NOT NULL REFERENCES customers (id),\n"
	"	title          TEXT NOT NULL CHECK (title <> ''),\n"
	"	amount         INTEGER NOT NULL DEFAULT 0 CHECK (amount >= 0),\n"
	"	stage          TEXT NOT NULL DEFAULT 'lead' CHECK (stage IN\n"
	"	               ('lead', 'qualified', 'proposal', 'negotiation',\n"
	"	                'won', 'lost')),\n"
	"	probability    INTEGER NOT NULL\n"
	"	               CHECK (probability BETWEEN 0 AND 100),\n"
	"	manual_probability INTEGER NOT NULL DEFAULT 0\n"
	"	               CHECK (manual_probability IN (0, 1)),\n"
	"	expected_close TEXT,			-- YYYY-MM-DD\n"
	"	owner          TEXT,\n"
	"	closed_at      TEXT,			-- UTC, won or lost\n"
	"	ref            TEXT UNIQUE,\n"
	"	created_at     TEXT NOT NULL,\n"
	"	updated_at     TEXT NOT NULL\n"
	");\n"
	"CREATE INDEX deals_customer ON deals (customer);\n"
	"CREATE INDEX deals_pipeline ON deals\n"
	"	(stage, amount, probability, expected_close, closed_at, customer);\n"
	"\n"
	"CREATE TABLE tickets (\n"
	"	id          INTEGER PRIMARY KEY,\n"
	"	customer    INTEGER NOT NULL REFERENCES customers (id),\n"
	"	subject     TEXT NOT NULL CHECK (subject <> ''),\n"
	"	description TEXT,\n"
	"	status      TEXT NOT NULL DEFAULT 'open' CHECK (status IN\n"
	"	            ('open', 'pending', 'resolved', 'closed')),\n"
	"	priority    TEXT NOT NULL DEFAULT 'normal' CHECK (priority IN\n"
	"	            ('low', 'normal', 'high', 'urgent')),\n"
	"	resolved_at TEXT,			-- UTC\n"
	"	rating      INTEGER CHECK (rating BETWEEN 1 AND 5),\n"
	"	ref         TEXT UNIQUE,\n"
	"	created_at  TEXT NOT NULL,\n"
	"	updated_at  TEXT NOT NULL\n"
	");\n"
	"CREATE INDEX tickets_customer ON tickets (customer);\n"
	"CREATE INDEX tickets_report ON tickets\n"
	"	(status, priority, created_at, resolved_at, rating, customer);\n"
	"\n"
	"CREATE TABLE activities (\n"
	"	id          INTEGER PRIMARY KEY,\n"
	"	kind        TEXT NOT NULL CHECK (kind IN\n"
	"	            ('call', 'email', 'meeting', 'note', 'task')),\n"
	"	subject     TEXT NOT NULL CHECK (subject <> ''),\n"
	"	body        TEXT,\n"
	"	customer    INTEGER REFERENCES customers (id),\n"
	"	contact     INTEGER REFERENCES contacts (id),\n"
	"	deal        INTEGER REFERENCES deals (id),\n"
	"	ticket      INTEGER REFERENCES tickets (id),\n"
	"	occurred_at TEXT NOT NULL,		-- UTC\n"
	"	due_at      TEXT,			-- UTC, tasks only\n"
	"	done        INTEGER NOT NULL DEFAULT 0 CHECK (done IN (0, 1)),\n"
	"	owner       TEXT,\n"
	"	ref         TEXT UNIQUE,\n"
	"	created_at  TEXT NOT NULL,\n"
	"	updated_at  TEXT NOT NULL\n"
	");\n"
	"CREATE INDEX activities_customer ON activities (customer, occurred_at);\n"
	"CREATE INDEX activities_contact ON activities (contact)\n"
	"	WHERE contact IS NOT NULL;\n"
	"CREATE INDEX activities_deal ON activities (deal)\n"
	"	WHERE deal IS NOT NULL;\n"
	"CREATE INDEX activities_ticket ON activities (ticket)\n"
	"	WHERE ticket IS NOT NULL;\n"
	"CREATE INDEX activities_due ON activities (kind, done, due_at)\n"
	"	WHERE due_at IS NOT NULL;\n";

/*
 * 9: sales read from an index alone.  An order keeps its units (the sum
 * of its lines' quantities) beside its total, and the orders by time
 * carry status, total and units: sales by period is one walk of that
 * index in time order, with no visit to the orders or their lines.  It
 * replaces the index of ordered_at alone, a prefix of it.
 */
static const char v9[] =
	"ALTER TABLE orders ADD COLUMN units INTEGER NOT NULL DEFAULT 0;\n"
	"UPDATE orders SET units = (SELECT coalesce(sum(l.quantity), 0)\n"
	"	FROM order_lines AS l WHERE l.\"order\" = orders.id);\n"
	"CREATE INDEX orders_sales\n"
	"	ON orders (ordered_at, status, total, units);\n"
	"DROP INDEX orders_ordered_at;\n";

/*
 * 10: custom fields (crm-field).  The catalog says which fields an entity
 * has besides its built-in ones; each is a real column of the entity's
 * table, added by crm-field add (ALTER TABLE ... ADD COLUMN) and removed
 * by crm-field drop, so that a custom field is read, filtered, sorted and
 * indexed exactly like a built-in one.  An enum's allowed values are rows
 * of their own, so that more can be added later.
 */
static const char v10[] =
	"CREATE TABLE custom_fields (\n"
	"	entity     TEXT NOT NULL,		-- customer, product...\n"
	"	name       TEXT NOT NULL,		-- its column in the table\n"
	"	type       TEXT NOT NULL CHECK (type IN ('text', 'int',\n"
	"	           'decimal', 'money', 'date', 'bool', 'enum')),\n"
	"	indexed    INTEGER NOT NULL DEFAULT 0 CHECK (indexed IN (0, 1)),\n"
	"	position   INTEGER NOT NULL,		-- order among the entity's\n"
	"	created_at TEXT NOT NULL,		-- UTC\n"
	"	PRIMARY KEY (entity, name)\n"
	") WITHOUT ROWID;\n"
	"CREATE TABLE custom_field_values (\n"
	"	entity     TEXT NOT NULL,\n"
	"	field      TEXT NOT NULL,\n"
	"	value      TEXT NOT NULL COLLATE NOCASE,\n"
	"	position   INTEGER NOT NULL,\n"
	"	PRIMARY KEY (entity, field, value),\n"
	"	FOREIGN KEY (entity, field) REFERENCES custom_fields (entity, name)\n"
	"	            ON DELETE CASCADE\n"
	") WITHOUT ROWID;\n";

/*
 * 11: the same rules, written so that SQLite checks them for free.  A
 * CHECK (x IN (a, b, c)) of more than two values makes SQLite build a
 * temporary index of the values every time a row is written (an order
 * insert spent a fifth of its time there); x = a OR x = b OR x = c is the
 * same rule, and costs a few comparisons.  No row changes: each table's
 * text is rewritten in place, as SQLite documents for changing a CHECK
 * (ALTER TABLE, "other kinds of table schema changes"), and the schema
 * version goes up so that every connection reads the new text.  A text
 * not found as written here (a table crm did not create) is left as it
 * is: still the same rule, only slower.
 */
static const struct {
	const char *table, *from, *to;
} v11_checks[] = {
	{ "orders",
	  "CHECK (status IN\n"
	  "\t            ('pending', 'paid', 'shipped', 'delivered',\n"
	  "\t             'cancelled'))",
	  "CHECK (status = 'pending' OR status = 'paid' OR\n"
	  "\t            status = 'shipped' OR status = 'delivered' OR\n"
	  "\t            status = 'cancelled')" },
	{ "campaigns",
	  "CHECK (channel IN ('email', 'sms', 'phone',\n"
	  "\t            'event', 'ads', 'social', 'other'))",
	  "CHECK (channel = 'email' OR channel = 'sms' OR\n"
	  "\t            channel = 'phone' OR channel = 'event' OR\n"
	  "\t            channel = 'ads' OR channel = 'social' OR\n"
	  "\t            channel = 'other')" },
	{ "campaigns",
	  "CHECK (status IN ('planned', 'active', 'completed'))",
	  "CHECK (status = 'planned' OR status = 'active' OR\n"
	  "\t            status = 'completed')" },
	{ "campaign_members",
	  "CHECK (status IN\n"
	  "\t             ('targeted', 'sent', 'responded', 'converted'))",
	  "CHECK (status = 'targeted' OR status = 'sent' OR\n"
	  "\t             status = 'responded' OR status = 'converted')" },
	{ "deals",
	  "CHECK (stage IN\n"
	  "\t               ('lead', 'qualified', 'proposal', 'negotiation',\n"
	  "\t                'won', 'lost'))",
	  "CHECK (stage = 'lead' OR stage = 'qualified' OR\n"
	  "\t               stage = 'proposal' OR stage = 'negotiation' OR\n"
	  "\t               stage = 'won' OR stage = 'lost')" },
	{ "tickets",
	  "CHECK (status IN\n"
	  "\t            ('open', 'pending', 'resolved', 'closed'))",
	  "CHECK (status = 'open' OR status = 'pending' OR\n"
	  "\t            status = 'resolved' OR status = 'closed')" },
	{ "tickets",
	  "CHECK (priority IN\n"
	  "\t            ('low', 'normal', 'high', 'urgent'))",
	  "CHECK (priority = 'low' OR priority = 'normal' OR\n"
	  "\t            priority = 'high' OR priority = 'urgent')" },
	{ "activities",
	  "CHECK (kind IN\n"
	  "\t            ('call', 'email', 'meeting', 'note', 'task'))",
	  "CHECK (kind = 'call' OR kind = 'email' OR kind = 'meeting' OR\n"
	  "\t            kind = 'note' OR kind = 'task')" },
};

static int
v11(struct crm_db *db, struct crm_err *err)
{
	static const char sql[] =
		"UPDATE sqlite_schema SET sql = replace(sql, ?2, ?3)\n"
		"WHERE type = 'table' AND name = ?1";
	struct crm_buf cookie = CRM_BUF_INIT;
	size_t i;
	int ret = -1, ok = 1;

	if (crm_db_exec(db, "PRAGMA writable_schema = ON", err) < 0)
		return -1;
	for (i = 0; ok && i < sizeof(v11_checks) / sizeof(v11_checks[0]);
	    i++)
		ok = crm_run(db, "cannot rewrite the tables' checks", err,
			sql, "ttt", v11_checks[i].table, v11_checks[i].from,
			v11_checks[i].to) >= 0;
	if (ok) {
		crm_buf_addf(&cookie, "PRAGMA schema_version = %lld",
			(long long)crm_db_int(db, "PRAGMA schema_version",
			0) + 1);
		if (crm_db_exec(db, cookie.buf, err) == 0)
			ret = 0;
	}
	crm_buf_release(&cookie);
	/* Off again in any case; the first error is the one reported. */
	if (crm_db_exec(db, "PRAGMA writable_schema = OFF", err) < 0)
		ret = -1;
	return ret;
}

/*
 * 12: the search index written by crm alone, so that sqlite3(1) without
 * crm's tokenizer can change customers.  The triggers only note, in
 * plain SQL, which customers changed: search_dirty holds each such id
 * once, with the values the index holds for it (held = 1), or none
 * (held = 0: the index has no entry for that id).  crm folds these notes
 * into the index (search.c) when it commits a write, before a search,
 * and in crm-admin check --repair.  A REPLACE deletes the rows in its
 * way without a delete trigger, so the triggers before an insert or an
 * update note those rows too (what the index holds for them is their
 * values: a row not yet noted is in step with the index).
 */
static const char v12[] =
	"DROP TRIGGER IF EXISTS customers_fts_insert;\n"
	"DROP TRIGGER IF EXISTS customers_fts_delete;\n"
	"DROP TRIGGER IF EXISTS customers_fts_update;\n"
	"CREATE TABLE search_dirty (\n"
	"	id         INTEGER PRIMARY KEY,	-- a customer's id\n"
	"	held       INTEGER NOT NULL,	-- 1: the index holds the values\n"
	"	name       TEXT,\n"
	"	email      TEXT,\n"
	"	phone      TEXT,\n"
	"	city       TEXT\n"
	");\n"
	"CREATE TRIGGER customers_search_replace\n"
	"BEFORE INSERT ON customers BEGIN\n"
	"	INSERT INTO search_dirty (id, held, name, email, phone, city)\n"
	"	SELECT id, 1, name, email, phone, city FROM customers\n"
	"	WHERE (id = new.id OR email = new.email OR ref = new.ref)\n"
	"	  AND id NOT IN (SELECT id FROM search_dirty);\n"
	"END;\n"
	"CREATE TRIGGER customers_search_insert\n"
	"AFTER INSERT ON customers BEGIN\n"
	"	INSERT INTO search_dirty (id, held)\n"
	"	SELECT new.id, 0\n"
	"	WHERE new.id NOT IN (SELECT id FROM search_dirty);\n"
	"END;\n"
	"CREATE TRIGGER customers_search_delete\n"
	"AFTER DELETE ON customers BEGIN\n"
	"	INSERT INTO search_dirty (id, held, name, email, phone, city)\n"
	"	SELECT old.id, 1, old.name, old.email, old.phone, old.city\n"
	"	WHERE old.id NOT IN (SELECT id FROM search_dirty);\n"
	"END;\n"
	"CREATE TRIGGER customers_search_update_replace\n"
	"BEFORE UPDATE OF id, email, ref ON customers BEGIN\n"
	"	INSERT INTO search_dirty (id, held, name, email, phone, city)\n"
	"	SELECT id, 1, name, email, phone, city FROM customers\n"
	"	WHERE (id = new.id OR email = new.email OR ref = new.ref)\n"
	"	  AND id <> old.id\n"
	"	  AND id NOT IN (SELECT id FROM search_dirty);\n"
	"END;\n"
	"CREATE TRIGGER customers_search_update\n"
	"AFTER UPDATE OF id, name, email, phone, city ON customers BEGIN\n"
	"	INSERT INTO search_dirty (id, held, name, email, phone, city)\n"
	"	SELECT old.id, 1, old.name, old.email, old.phone, old.city\n"
	"	WHERE old.id NOT IN (SELECT id FROM search_dirty);\n"
	"	INSERT INTO search_dirty (id, held)\n"
	"	SELECT new.id, 0\n"
	"	WHERE new.id NOT IN (SELECT id FROM search_dirty);\n"
	"END;\n";

/* 13: PostgreSQL's search index hashed into numbers; nothing here. */
static const char v13[] = "-- nothing on SQLite\n";

/* Each migration is SQL, or for the few that need more, a function. */
static const struct {
	const char *sql;
	int (*run)(struct crm_db *, struct crm_err *);
} migrations[] = {
	{ v1, NULL }, { v2, NULL }, { v3, NULL }, { v4, NULL }, { v5, NULL },
	{ v6, NULL }, { v7, NULL }, { v8, NULL }, { v9, NULL },
	{ v10, NULL }, { NULL, v11 }, { v12, NULL }, { v13, NULL },
};

_Static_assert(sizeof(migrations) / sizeof(migrations[0]) ==
	CRM_SCHEMA_LATEST, "a migration for every schema version");

/* Bring db from schema from up to schema to, in the caller's
 * transaction (schema.c). */
int
crm_sqlite_migrate(struct crm_db *db, int from, int to, struct crm_err *err)
{
	for (; from < to; from++)
		if (migrations[from].run ? migrations[from].run(db, err) < 0 :
		    crm_db_exec(db, migrations[from].sql, err) < 0)
			return -1;
	return 0;
}
