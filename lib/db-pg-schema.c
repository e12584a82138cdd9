/*
 * db-pg-schema.c - the PostgreSQL driver's schema: crm's tables as
 * db-sqlite-schema.c keeps them, in PostgreSQL's words.
 *
 * PostgreSQL databases start at schema 12 (the first crm that could use
 * a server); crm-admin init makes the newest at once, and a later schema
 * change is a migration here as in the SQLite driver (13 is one of this
 * driver's alone).  Where the dialects differ:
 * a new id is the highest plus one, as SQLite's INTEGER PRIMARY KEY
 * gives it (writers take turns, db-pg.c, so two never get the same),
 * and a given id is taken as it is; integers are bigint (SQLite's are 64 bits);
 * the import log's "user" column is quoted (a reserved word here); the
 * custom field values' case-blind uniqueness is an index on lower();
 * crm_fold() and crm_digest(), which SQLite gets from C, are SQL
 * functions; and the search index is crm's own bigrams, hashed, in a
 * bigint[] with a GIN index (db-pg-search.c), noted by triggers as on
 * SQLite.
 */
#include "db.h"
#include "driver.h"
#include "schema.h"
#include "banned.h"

static const char schema[] =
	/* A query of its own for each table: PL/pgSQL keeps its plan,
	 * where EXECUTE would plan it again for each row (a quarter of an
	 * imported row's time on the server). */
	"CREATE FUNCTION crm_next_id(t text) RETURNS bigint\n"
	"	LANGUAGE plpgsql VOLATILE AS $$\n"
	"DECLARE n bigint;\n"
	"BEGIN\n"
	"	CASE t\n"
	"	WHEN 'customers' THEN SELECT max(id) INTO n FROM customers;\n"
	"	WHEN 'contacts' THEN SELECT max(id) INTO n FROM contacts;\n"
	"	WHEN 'products' THEN SELECT max(id) INTO n FROM products;\n"
	"	WHEN 'orders' THEN SELECT max(id) INTO n FROM orders;\n"
	"	WHEN 'order_lines' THEN SELECT max(id) INTO n FROM order_lines;\n"
	"	WHEN 'import_batches' THEN SELECT max(id) INTO n FROM import_batches;\n"
	"	WHEN 'campaigns' THEN SELECT max(id) INTO n FROM campaigns;\n"
	"	WHEN 'campaign_members' THEN SELECT max(id) INTO n FROM campaign_members;\n"
	"	WHEN 'deals' THEN SELECT max(id) INTO n FROM deals;\n"
	"	WHEN 'tickets' THEN SELECT max(id) INTO n FROM tickets;\n"
	"	WHEN 'activities' THEN SELECT max(id) INTO n FROM activities;\n"
	"	ELSE EXECUTE format('SELECT max(id) FROM %I', t) INTO n;\n"
	"	END CASE;\n"
	"	RETURN coalesce(n, 0) + 1;\n"
	"END $$;\n"
	"CREATE TABLE customers (\n"
	"	id         bigint PRIMARY KEY DEFAULT crm_next_id('customers'),	-- the customer's number\n"
	"	name       TEXT COLLATE \"C\" NOT NULL CHECK (name <> ''),\n"
	"	kind       TEXT COLLATE \"C\" NOT NULL DEFAULT 'person'\n"
	"	           CHECK (kind IN ('person', 'company')),\n"
	"	email      TEXT COLLATE \"C\" UNIQUE,		-- lowercased; NULL if none\n"
	"	phone      TEXT COLLATE \"C\",			-- digits, maybe a leading +\n"
	"	address    TEXT COLLATE \"C\",			-- may hold newlines\n"
	"	city       TEXT COLLATE \"C\",\n"
	"	country    TEXT COLLATE \"C\",\n"
	"	segment    TEXT COLLATE \"C\",\n"
	"	ref        TEXT COLLATE \"C\" UNIQUE,		-- another system's id\n"
	"	owner      TEXT COLLATE \"C\",			-- user who looks after it\n"
	"	created_at TEXT COLLATE \"C\" NOT NULL,		-- UTC\n"
	"	updated_at TEXT COLLATE \"C\" NOT NULL		-- UTC\n"
	");\n"
	"CREATE INDEX customers_phone ON customers (phone);\n"
	"CREATE INDEX customers_segment ON customers (segment);\n"
	"CREATE TABLE contacts (\n"
	"	id         bigint PRIMARY KEY DEFAULT crm_next_id('contacts'),\n"
	"	customer   bigint NOT NULL REFERENCES customers (id),\n"
	"	name       TEXT COLLATE \"C\" NOT NULL CHECK (name <> ''),\n"
	"	email      TEXT COLLATE \"C\",			-- lowercased\n"
	"	phone      TEXT COLLATE \"C\",\n"
	"	title      TEXT COLLATE \"C\",			-- job title\n"
	"	created_at TEXT COLLATE \"C\" NOT NULL,\n"
	"	updated_at TEXT COLLATE \"C\" NOT NULL\n"
	");\n"
	"CREATE INDEX contacts_customer ON contacts (customer);\n"
	"CREATE INDEX contacts_email ON contacts (email);\n"
	"CREATE TABLE products (\n"
	"	id          bigint PRIMARY KEY DEFAULT crm_next_id('products'),\n"
	"	sku         TEXT COLLATE \"C\" NOT NULL UNIQUE CHECK (sku <> ''),\n"
	"	name        TEXT COLLATE \"C\" NOT NULL CHECK (name <> ''),\n"
	"	description TEXT COLLATE \"C\",\n"
	"	price       bigint NOT NULL CHECK (price >= 0),	-- cents\n"
	"	stock       bigint NOT NULL DEFAULT 0 CHECK (stock >= 0),\n"
	"	active      bigint NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),\n"
	"	created_at  TEXT COLLATE \"C\" NOT NULL,\n"
	"	updated_at  TEXT COLLATE \"C\" NOT NULL\n"
	");\n"
	"CREATE TABLE orders (\n"
	"	id          bigint PRIMARY KEY DEFAULT crm_next_id('orders'),\n"
	"	ref         TEXT COLLATE \"C\" UNIQUE,		-- the shop's order number\n"
	"	customer    bigint NOT NULL REFERENCES customers (id),\n"
	"	status      TEXT COLLATE \"C\" NOT NULL DEFAULT 'pending' CHECK (status = 'pending' OR status = 'paid' OR\n"
	"	            status = 'shipped' OR status = 'delivered' OR\n"
	"	            status = 'cancelled'),\n"
	"	ordered_at  TEXT COLLATE \"C\" NOT NULL,		-- UTC\n"
	"	total       bigint NOT NULL DEFAULT 0,	-- cents, sum of lines\n"
	"	stock_taken bigint NOT NULL DEFAULT 1,	-- a cancel returns it\n"
	"	created_at  TEXT COLLATE \"C\" NOT NULL,\n"
	"	updated_at  TEXT COLLATE \"C\" NOT NULL\n"
	");\n"
	"CREATE TABLE order_lines (\n"
	"	id          bigint PRIMARY KEY DEFAULT crm_next_id('order_lines'),\n"
	"	\"order\"     bigint NOT NULL REFERENCES orders (id)\n"
	"	            ON DELETE CASCADE,\n"
	"	product     bigint NOT NULL REFERENCES products (id),\n"
	"	quantity    bigint NOT NULL CHECK (quantity > 0),\n"
	"	unit_price  bigint NOT NULL CHECK (unit_price >= 0),	-- cents\n"
	"	created_at  TEXT COLLATE \"C\" NOT NULL,\n"
	"	updated_at  TEXT COLLATE \"C\" NOT NULL\n"
	");\n"
	"CREATE INDEX order_lines_order ON order_lines (\"order\");\n"
	"CREATE INDEX order_lines_product ON order_lines (product);\n"
	"CREATE TABLE import_batches (\n"
	"	id          bigint PRIMARY KEY DEFAULT crm_next_id('import_batches'),	-- the batch number\n"
	"	started_at  TEXT COLLATE \"C\" NOT NULL,		-- UTC\n"
	"	\"user\"      TEXT COLLATE \"C\" NOT NULL,\n"
	"	entity      TEXT COLLATE \"C\" NOT NULL,		-- customers, orders...\n"
	"	file        TEXT COLLATE \"C\" NOT NULL,		-- as named, '-' for stdin\n"
	"	sha256      TEXT NOT NULL,		-- of the bytes read\n"
	"	rows_read   bigint NOT NULL,\n"
	"	inserted    bigint NOT NULL,\n"
	"	updated     bigint NOT NULL,\n"
	"	unchanged   bigint NOT NULL,\n"
	"	rejected    bigint NOT NULL,\n"
	"	reverted_at TEXT COLLATE \"C\"			-- UTC, once reverted\n"
	");\n"
	"CREATE TABLE import_changes (\n"
	"	rowid       bigint GENERATED BY DEFAULT AS IDENTITY,\n"
	"	batch       bigint NOT NULL REFERENCES import_batches (id),\n"
	"	tbl         TEXT COLLATE \"C\" NOT NULL,		-- the record's table\n"
	"	record      bigint NOT NULL,		-- and its id\n"
	"	action      TEXT COLLATE \"C\" NOT NULL CHECK (action IN ('insert', 'update')),\n"
	"	old         TEXT COLLATE \"C\",			-- JSON: columns before\n"
	"	stamp       TEXT COLLATE \"C\" NOT NULL		-- updated_at after\n"
	");\n"
	"CREATE INDEX import_changes_batch\n"
	"	ON import_changes (batch, tbl, record);\n"
	"CREATE INDEX orders_customer_list\n"
	"	ON orders (customer, status, ordered_at, total, ref);\n"
	"CREATE INDEX customers_name ON customers (name);\n"
	"CREATE TABLE campaigns (\n"
	"	id          bigint PRIMARY KEY DEFAULT crm_next_id('campaigns'),\n"
	"	name        TEXT COLLATE \"C\" NOT NULL UNIQUE CHECK (name <> ''),\n"
	"	channel     TEXT COLLATE \"C\" CHECK (channel = 'email' OR channel = 'sms' OR\n"
	"	            channel = 'phone' OR channel = 'event' OR\n"
	"	            channel = 'ads' OR channel = 'social' OR\n"
	"	            channel = 'other'),\n"
	"	status      TEXT COLLATE \"C\" NOT NULL DEFAULT 'planned'\n"
	"	            CHECK (status = 'planned' OR status = 'active' OR\n"
	"	            status = 'completed'),\n"
	"	starts_on   TEXT COLLATE \"C\",			-- YYYY-MM-DD\n"
	"	ends_on     TEXT COLLATE \"C\",\n"
	"	budget      bigint CHECK (budget >= 0),	-- cents\n"
	"	cost        bigint NOT NULL DEFAULT 0 CHECK (cost >= 0),\n"
	"	created_at  TEXT COLLATE \"C\" NOT NULL,\n"
	"	updated_at  TEXT COLLATE \"C\" NOT NULL\n"
	");\n"
	"ALTER TABLE orders\n"
	"	ADD COLUMN campaign bigint REFERENCES campaigns (id),\n"
	"	ADD COLUMN units bigint NOT NULL DEFAULT 0;\n"
	"CREATE TABLE campaign_members (\n"
	"	id           bigint PRIMARY KEY DEFAULT crm_next_id('campaign_members'),\n"
	"	campaign     bigint NOT NULL REFERENCES campaigns (id),\n"
	"	customer     bigint NOT NULL REFERENCES customers (id),\n"
	"	status       TEXT COLLATE \"C\" NOT NULL DEFAULT 'targeted' CHECK (status = 'targeted' OR status = 'sent' OR\n"
	"	             status = 'responded' OR status = 'converted'),\n"
	"	responded_at TEXT COLLATE \"C\",			-- UTC\n"
	"	created_at   TEXT COLLATE \"C\" NOT NULL,\n"
	"	updated_at   TEXT COLLATE \"C\" NOT NULL,\n"
	"	UNIQUE (campaign, customer)\n"
	");\n"
	"CREATE INDEX campaign_members_customer ON campaign_members (customer);\n"
	"CREATE INDEX orders_campaign ON orders (campaign, status, total)\n"
	"	WHERE campaign IS NOT NULL;\n"
	"CREATE TABLE deals (\n"
	"	id             bigint PRIMARY KEY DEFAULT crm_next_id('deals'),\n"
	"	customer       bigint NOT NULL REFERENCES customers (id),\n"
	"	title          TEXT COLLATE \"C\" NOT NULL CHECK (title <> ''),\n"
	"	amount         bigint NOT NULL DEFAULT 0 CHECK (amount >= 0),\n"
	"	stage          TEXT COLLATE \"C\" NOT NULL DEFAULT 'lead' CHECK (stage = 'lead' OR stage = 'qualified' OR\n"
	"	               stage = 'proposal' OR stage = 'negotiation' OR\n"
	"	               stage = 'won' OR stage = 'lost'),\n"
	"	probability    bigint NOT NULL\n"
	"	               CHECK (probability BETWEEN 0 AND 100),\n"
	"	manual_probability bigint NOT NULL DEFAULT 0\n"
	"	               CHECK (manual_probability IN (0, 1)),\n"
	"	expected_close TEXT COLLATE \"C\",			-- YYYY-MM-DD\n"
	"	owner          TEXT COLLATE \"C\",\n"
	"	closed_at      TEXT COLLATE \"C\",			-- UTC, won or lost\n"
	"	ref            TEXT COLLATE \"C\" UNIQUE,\n"
	"	created_at     TEXT COLLATE \"C\" NOT NULL,\n"
	"	updated_at     TEXT COLLATE \"C\" NOT NULL\n"
	");\n"
	"CREATE INDEX deals_customer ON deals (customer);\n"
	"CREATE INDEX deals_pipeline ON deals\n"
	"	(stage, amount, probability, expected_close, closed_at, customer);\n"
	"CREATE TABLE tickets (\n"
	"	id          bigint PRIMARY KEY DEFAULT crm_next_id('tickets'),\n"
	"	customer    bigint NOT NULL REFERENCES customers (id),\n"
	"	subject     TEXT COLLATE \"C\" NOT NULL CHECK (subject <> ''),\n"
	"	description TEXT COLLATE \"C\",\n"
	"	status      TEXT COLLATE \"C\" NOT NULL DEFAULT 'open' CHECK (status = 'open' OR status = 'pending' OR\n"
	"	            status = 'resolved' OR status = 'closed'),\n"
	"	priority    TEXT COLLATE \"C\" NOT NULL DEFAULT 'normal' CHECK (priority = 'low' OR priority = 'normal' OR\n"
	"	            priority = 'high' OR priority = 'urgent'),\n"
	"	resolved_at TEXT COLLATE \"C\",			-- UTC\n"
	"	rating      bigint CHECK (rating BETWEEN 1 AND 5),\n"
	"	ref         TEXT COLLATE \"C\" UNIQUE,\n"
	"	created_at  TEXT COLLATE \"C\" NOT NULL,\n"
	"	updated_at  TEXT COLLATE \"C\" NOT NULL\n"
	");\n"
	"CREATE INDEX tickets_customer ON tickets (customer);\n"
	"CREATE INDEX tickets_report ON tickets\n"
	"	(status, priority, created_at, resolved_at, rating, customer);\n"
	"CREATE TABLE activities (\n"
	"	id          bigint PRIMARY KEY DEFAULT crm_next_id('activities'),\n"
	"	kind        TEXT COLLATE \"C\" NOT NULL CHECK (kind = 'call' OR kind = 'email' OR kind = 'meeting' OR\n"
	"	            kind = 'note' OR kind = 'task'),\n"
	"	subject     TEXT COLLATE \"C\" NOT NULL CHECK (subject <> ''),\n"
	"	body        TEXT COLLATE \"C\",\n"
	"	customer    bigint REFERENCES customers (id),\n"
	"	contact     bigint REFERENCES contacts (id),\n"
	"	deal        bigint REFERENCES deals (id),\n"
	"	ticket      bigint REFERENCES tickets (id),\n"
	"	occurred_at TEXT COLLATE \"C\" NOT NULL,		-- UTC\n"
	"	due_at      TEXT COLLATE \"C\",			-- UTC, tasks only\n"
	"	done        bigint NOT NULL DEFAULT 0 CHECK (done IN (0, 1)),\n"
	"	owner       TEXT COLLATE \"C\",\n"
	"	ref         TEXT COLLATE \"C\" UNIQUE,\n"
	"	created_at  TEXT COLLATE \"C\" NOT NULL,\n"
	"	updated_at  TEXT COLLATE \"C\" NOT NULL\n"
	");\n"
	"CREATE INDEX activities_customer ON activities (customer, occurred_at);\n"
	"CREATE INDEX activities_contact ON activities (contact)\n"
	"	WHERE contact IS NOT NULL;\n"
	"CREATE INDEX activities_deal ON activities (deal)\n"
	"	WHERE deal IS NOT NULL;\n"
	"CREATE INDEX activities_ticket ON activities (ticket)\n"
	"	WHERE ticket IS NOT NULL;\n"
	"CREATE INDEX activities_due ON activities (kind, done, due_at)\n"
	"	WHERE due_at IS NOT NULL;\n"
	"CREATE INDEX orders_sales\n"
	"	ON orders (ordered_at, status, total, units);\n"
	"CREATE TABLE custom_fields (\n"
	"	entity     TEXT COLLATE \"C\" NOT NULL,		-- customer, product...\n"
	"	name       TEXT COLLATE \"C\" NOT NULL,		-- its column in the table\n"
	"	type       TEXT COLLATE \"C\" NOT NULL CHECK (type IN ('text', 'int',\n"
	"	           'decimal', 'money', 'date', 'bool', 'enum')),\n"
	"	indexed    bigint NOT NULL DEFAULT 0 CHECK (indexed IN (0, 1)),\n"
	"	position   bigint NOT NULL,		-- order among the entity's\n"
	"	created_at TEXT COLLATE \"C\" NOT NULL,		-- UTC\n"
	"	PRIMARY KEY (entity, name)\n"
	");\n"
	"CREATE TABLE custom_field_values (\n"
	"	entity     TEXT COLLATE \"C\" NOT NULL,\n"
	"	field      TEXT COLLATE \"C\" NOT NULL,\n"
	"	value      TEXT COLLATE \"C\" NOT NULL,\n"
	"	position   bigint NOT NULL,\n"
	"	PRIMARY KEY (entity, field, value),\n"
	"	FOREIGN KEY (entity, field) REFERENCES custom_fields (entity, name)\n"
	"	            ON DELETE CASCADE\n"
	");\n"
	"CREATE UNIQUE INDEX custom_field_values_nocase\n"
	"	ON custom_field_values (entity, field, lower(value));\n"
	"CREATE TABLE crm_schema (\n"
	"	version    integer NOT NULL\n"
	");\n"
	"INSERT INTO crm_schema VALUES (0);\n"
	"CREATE INDEX import_changes_rowid ON import_changes (rowid);\n"
	"CREATE FUNCTION instr(text, text) RETURNS integer\n"
	"	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE\n"
	"	AS $$ SELECT strpos($1, $2) $$;\n"
	"CREATE FUNCTION crm_concat(acc text, s text, sep text) RETURNS text\n"
	"	LANGUAGE sql IMMUTABLE PARALLEL SAFE\n"
	"	AS $$ SELECT CASE WHEN s IS NULL THEN acc WHEN acc IS NULL THEN s\n"
	"	          ELSE acc || sep || s END $$;\n"
	"CREATE AGGREGATE group_concat(text, text) (\n"
	"	SFUNC = crm_concat, STYPE = text\n"
	");\n"
	"CREATE FUNCTION crm_fold(text) RETURNS text\n"
	"	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE\n"
	"	AS $$ SELECT lower(normalize($1, NFKC)) $$;\n"
	"CREATE FUNCTION crm_digest(s text) RETURNS text\n"
	"	LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$\n"
	"DECLARE\n"
	"	b bytea := convert_to(s, 'UTF8');\n"
	"	h bigint := -3750763034362895579;	-- 14695981039346656037\n"
	"	u numeric;\n"
	"	t numeric;\n"
	"	two64 numeric := 18446744073709551616;\n"
	"BEGIN\n"
	"	FOR i IN 0 .. length(b) - 1 LOOP\n"
	"		h := h # get_byte(b, i);\n"
	"		u := h::numeric;\n"
	"		IF u < 0 THEN u := u + two64; END IF;\n"
	"		t := (u * 435 + ((u * 1099511627776) % two64)) % two64;\n"
	"		IF t >= 9223372036854775808 THEN t := t - two64; END IF;\n"
	"		h := t::bigint;\n"
	"	END LOOP;\n"
	"	RETURN lpad(to_hex(h), 16, '0');\n"
	"END $$;\n"
	"CREATE TABLE search_dirty (\n"
	"	id         bigint PRIMARY KEY	-- a customer's id\n"
	");\n"
	"CREATE TABLE customer_search (\n"
	"	id         bigint PRIMARY KEY,	-- a customer's id\n"
	"	grams      bigint[] NOT NULL,	-- search.c's tokens, hashed\n"
	"	folded     text NOT NULL	-- the folded runs they come from\n"
	");\n"
	"CREATE INDEX customer_search_grams ON customer_search USING gin (grams);\n"
	"CREATE FUNCTION crm_search_note() RETURNS trigger\n"
	"	LANGUAGE plpgsql AS $$\n"
	"BEGIN\n"
	"	IF TG_OP <> 'INSERT' THEN\n"
	"		INSERT INTO search_dirty VALUES (OLD.id)\n"
	"		ON CONFLICT DO NOTHING;\n"
	"	END IF;\n"
	"	IF TG_OP <> 'DELETE' THEN\n"
	"		INSERT INTO search_dirty VALUES (NEW.id)\n"
	"		ON CONFLICT DO NOTHING;\n"
	"	END IF;\n"
	"	RETURN NULL;\n"
	"END $$;\n"
	"CREATE TRIGGER customers_search_insert AFTER INSERT ON customers\n"
	"	FOR EACH ROW EXECUTE FUNCTION crm_search_note();\n"
	"CREATE TRIGGER customers_search_delete AFTER DELETE ON customers\n"
	"	FOR EACH ROW EXECUTE FUNCTION crm_search_note();\n"
	"CREATE TRIGGER customers_search_update\n"
	"	AFTER UPDATE OF id, name, email, phone, city ON customers\n"
	"	FOR EACH ROW EXECUTE FUNCTION crm_search_note();\n";

/*
 * 13: the search index's grams hashed into numbers (db-pg-search.c), its
 * GIN index built in half the time.  Every entry is made again, and the
 * index built once, after them.
 */
static int
v13(struct crm_db *db, struct crm_err *err)
{
	if (crm_db_exec(db,
	    "DROP INDEX customer_search_grams;\n"
	    "DELETE FROM customer_search;\n"
	    "ALTER TABLE customer_search\n"
	    "	ALTER grams TYPE bigint[] USING '{}';\n"
	    "INSERT INTO search_dirty (id) SELECT id FROM customers\n"
	    "ON CONFLICT DO NOTHING;\n", err) < 0 ||
	    crm_pg_search_fold(db, err) < 0)
		return -1;
	return crm_db_exec(db, "CREATE INDEX customer_search_grams\n"
		"	ON customer_search USING gin (grams);\n", err);
}

/* The migrations from schema 12 on: [0] reaches 13. */
static int (*const migrations[])(struct crm_db *, struct crm_err *) = {
	v13,
};

_Static_assert(12 + sizeof(migrations) / sizeof(migrations[0]) ==
	CRM_SCHEMA_LATEST, "a migration for every schema version from 12");

int
crm_pg_migrate(struct crm_db *db, int from, int to, struct crm_err *err)
{
	if (from == 0 && to == CRM_SCHEMA_LATEST)
		return crm_db_exec(db, schema, err);
	if (from < 12 || to > CRM_SCHEMA_LATEST)
		return crm_err_set(err, CRM_EX_CONFIG, "cannot bring a "
			"PostgreSQL database from schema %d to %d", from, to);
	for (; from < to; from++)
		if (migrations[from - 12](db, err) < 0)
			return -1;
	return 0;
}

/*
 * crm-admin check: the server keeps its references itself, but not when
 * its triggers were set aside (session_replication_role = replica, as a
 * restore may run) or a reference was added NOT VALID.  So every foreign
 * key of the schema is read from the catalog and its rows looked up, as
 * SQLite's foreign_key_check does; and an index left invalid by a failed
 * CREATE INDEX CONCURRENTLY is one problem.  The SQL below is made of the
 * catalog's names, each quoted by the server (%I), never of user text.
 */
static const char foreign_keys[] =
	"SELECT c.conrelid::regclass::text, c.confrelid::regclass::text,\n"
	"       format('SELECT %s FROM %s AS c WHERE %s AND NOT EXISTS '\n"
	"              '(SELECT 1 FROM %s AS p WHERE %s) ORDER BY 1',\n"
	"              CASE WHEN EXISTS (SELECT 1 FROM pg_attribute\n"
	"                                WHERE attrelid = c.conrelid\n"
	"                                  AND attname = 'id')\n"
	"                   THEN 'c.id' ELSE '0' END,\n"
	"              c.conrelid::regclass,\n"
	"              string_agg(format('c.%I IS NOT NULL', a.attname),\n"
	"                         ' AND ' ORDER BY k.n),\n"
	"              c.confrelid::regclass,\n"
	"              string_agg(format('p.%I = c.%I', f.attname, a.attname),\n"
	"                         ' AND ' ORDER BY k.n))\n"
	"FROM pg_constraint AS c\n"
	"CROSS JOIN unnest(c.conkey, c.confkey) WITH ORDINALITY AS k (att, fatt, n)\n"
	"JOIN pg_attribute AS a ON a.attrelid = c.conrelid AND a.attnum = k.att\n"
	"JOIN pg_attribute AS f ON f.attrelid = c.confrelid AND f.attnum = k.fatt\n"
	"WHERE c.contype = 'f'\n"
	"  AND c.connamespace = current_schema()::regnamespace\n"
	"GROUP BY c.oid, c.conrelid, c.confrelid, c.conname\n"
	"ORDER BY 1, c.conname";

int
crm_pg_check(struct crm_db *db, crm_problem_fn *fn, void *arg,
	struct crm_err *err)
{
	struct crm_buf line = CRM_BUF_INIT;
	struct crm_stmt *st, *rows;
	int r;

	st = crm_sql(db, "cannot check", "SELECT i.indexrelid::regclass::text\n"
		"FROM pg_index AS i JOIN pg_class AS t ON t.oid = i.indrelid\n"
		"WHERE NOT i.indisvalid\n"
		"  AND t.relnamespace = current_schema()::regnamespace\n"
		"ORDER BY 1", err);
	while (crm_step(st) > 0) {
		crm_buf_reset(&line);
		crm_buf_addf(&line, "index %s is not valid: REINDEX it",
			crm_col_text(st, 0));
		fn(arg, "integrity", line.buf);
	}
	if (crm_done(st) < 0) {
		crm_buf_release(&line);
		return -1;
	}
	st = crm_sql(db, "cannot check", foreign_keys, err);
	while (!err->code && crm_step(st) > 0) {
		/* Each reference's own query: not cached, run once. */
		rows = crm_sql(db, "cannot check", crm_col_text(st, 2), err);
		while (crm_step(rows) > 0) {
			crm_buf_reset(&line);
			crm_buf_addf(&line, "%s row %lld refers to a missing %s",
				crm_col_text(st, 0),
				(long long)crm_col_int(rows, 0),
				crm_col_text(st, 1));
			fn(arg, "foreign-key", line.buf);
		}
		crm_done(rows);
	}
	r = crm_done(st);
	crm_buf_release(&line);
	return r < 0 || err->code ? -1 : 0;
}
