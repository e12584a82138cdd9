#include <stdlib.h>
#include <string.h>

#include "custom.h"
#include "record.h"
#include "text.h"
#include "value.h"
#include "banned.h"

const char crm_custom_types[] = "text int decimal money date bool enum";

static const struct {
	const char *name;
	enum crm_type type;
	const char *column;	/* the column's declared type: words both
				 * backends give 64-bit integers and text */
	const char *help;
} types[] = {
	{ "text", CRM_T_TEXT, "TEXT", "custom field: text" },
	{ "int", CRM_T_INT, "BIGINT", "custom field: a whole number" },
	{ "decimal", CRM_T_DECIMAL, "TEXT", "custom field: a number" },
	{ "money", CRM_T_MONEY, "BIGINT", "custom field: money" },
	{ "date", CRM_T_DATE, "TEXT", "custom field: a date" },
	{ "bool", CRM_T_BOOL, "BIGINT", "custom field: yes or no" },
	{ "enum", CRM_T_ENUM, "TEXT", "custom field: one of a list" },
};
#define NTYPES (sizeof(types) / sizeof(types[0]))

/*
 * Names no custom field may take: the rowid's other names, the word
 * --fields takes for every field, and the columns an orders file gives
 * besides the order's fields (import.c).
 */
static const char *const reserved[] = {
	"id", "rowid", "oid", "all", "order_ref", "sku", "product",
	"quantity", "unit_price", "lines", NULL
};

static int
type_index(const char *name)
{
	size_t i;

	for (i = 0; i < NTYPES; i++)
		if (!strcmp(types[i].name, name))
			return (int)i;
	return -1;
}

int
crm_custom_type(const char *name, enum crm_type *t, struct crm_err *err)
{
	int i = type_index(name);

	if (i < 0)
		return crm_err_set(err, CRM_EX_USAGE, "invalid --type '%s': "
			"expected one of %s", name, crm_custom_types);
	*t = types[i].type;
	return 0;
}

int
crm_custom_name_ok(const char *name)
{
	const char *p;

	if (!(*name >= 'a' && *name <= 'z'))
		return 0;
	for (p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    *p == '_'))
			return 0;
	return 1;
}

int
crm_custom_check_name(const struct crm_entity *e, const char *name,
	struct crm_err *err)
{
	size_t i;

	if (!crm_custom_name_ok(name))
		return crm_err_set(err, CRM_EX_DATAERR, "invalid field name "
			"'%s': it must start with a letter a-z and hold only "
			"a-z, 0-9 and _", name);
	if (strlen(name) > CRM_CUSTOM_NAME_MAX)
		return crm_err_set(err, CRM_EX_DATAERR, "invalid field name "
			"'%s': longer than %d characters", name,
			CRM_CUSTOM_NAME_MAX);
	if (crm_entity_field(e, name))
		return crm_err_set(err, CRM_EX_DATAERR, "invalid field name "
			"'%s': %s has a built-in field of that name", name,
			e->name);
	for (i = 0; reserved[i]; i++)
		if (!strcmp(reserved[i], name))
			return crm_err_set(err, CRM_EX_DATAERR, "invalid field "
				"name '%s': the name is reserved", name);
	return 0;
}

void
crm_custom_values_free(char **vals)
{
	size_t i;

	for (i = 0; vals && vals[i]; i++)
		free(vals[i]);
	free(vals);
}

int
crm_custom_values(const char *list, char ***vals, size_t *n,
	struct crm_err *err)
{
	struct crm_buf v = CRM_BUF_INIT;
	struct crm_err e = CRM_ERR_INIT;
	char **out = NULL;
	const char *p = list;
	size_t k = 0, i;

	*vals = NULL;
	*n = 0;
	for (;;) {
		size_t len = strcspn(p, ",");

		crm_buf_reset(&v);
		if (crm_text_clean(p, len, 0, &v, &e) < 0) {
			crm_err_set(err, CRM_EX_DATAERR, "invalid --values "
				"'%s': %s", list, e.msg.buf);
			goto fail;
		}
		if (!v.len) {
			crm_err_set(err, CRM_EX_DATAERR, "invalid --values "
				"'%s': an empty value", list);
			goto fail;
		}
		for (i = 0; i < k; i++)
			if (!strcasecmp(out[i], v.buf)) {
				crm_err_set(err, CRM_EX_DATAERR, "invalid "
					"--values '%s': '%s' twice", list,
					v.buf);
				goto fail;
			}
		out = crm_xrealloc(out, (k + 2) * sizeof(*out));
		out[k++] = crm_buf_detach(&v);
		out[k] = NULL;
		if (!p[len])
			break;
		p += len + 1;
	}
	crm_buf_release(&v);
	*vals = out;
	*n = k;
	return 0;
fail:
	crm_err_release(&e);
	crm_buf_release(&v);
	crm_custom_values_free(out);
	return -1;
}

/* The custom field's type in the catalog into *type (index into types[]);
 * 1 found, 0 not, -1 error. */
static int
field_type(struct crm_db *db, const struct crm_entity *e, const char *name,
	int *type, struct crm_err *err)
{
	static const char sql[] =
		"SELECT type FROM custom_fields\n"
		"WHERE entity = ?1 AND name = ?2";
	struct crm_buf t = CRM_BUF_INIT;
	int r;

	r = crm_get_text(db, "cannot read the custom fields", err, &t, sql,
		"tt", e->name, name);
	if (r > 0 && (*type = type_index(t.buf)) < 0)
		r = crm_err_set(err, CRM_EX_SOFTWARE, "custom field %s has an "
			"unknown type", name);
	crm_buf_release(&t);
	return r;
}

/* Add the values an enum lacks at the end of its list; *added counts. */
static int
add_values(struct crm_db *db, const struct crm_entity *e, const char *name,
	char *const *values, int64_t *added, struct crm_err *err)
{
	static const char sql[] =
		"INSERT INTO custom_field_values (entity, field, value, "
		"position)\n"
		"SELECT ?1, ?2, ?3, coalesce(max(position), 0) + 1\n"
		"FROM custom_field_values WHERE entity = ?1 AND field = ?2\n"
		"ON CONFLICT DO NOTHING";
	size_t i;
	int64_t n;

	*added = 0;
	for (i = 0; values && values[i]; i++) {
		/* A value there already, in any case, changes no row. */
		n = crm_run(db, "cannot add the values", err, sql, "ttt",
			e->name, name, values[i]);
		if (n < 0)
			return -1;
		*added += n;
	}
	return 0;
}

/* The name of a custom field's index: "cf_TABLE_FIELD". */
static void
index_name(const struct crm_entity *e, const char *name, struct crm_buf *b)
{
	struct crm_buf n = CRM_BUF_INIT;

	crm_buf_addf(&n, "cf_%s_%s", e->table, name);
	crm_sql_ident(b, n.buf);
	crm_buf_release(&n);
}

/* Index custom field name of e (once: an index that is there stays). */
static int
add_index(struct crm_db *db, const struct crm_entity *e, const char *name,
	struct crm_err *err)
{
	struct crm_buf sql = CRM_BUF_INIT;
	int ret;

	crm_buf_adds(&sql, "CREATE INDEX IF NOT EXISTS ");
	index_name(e, name, &sql);
	crm_buf_adds(&sql, " ON ");
	crm_sql_ident(&sql, e->table);
	crm_buf_adds(&sql, " (");
	crm_sql_ident(&sql, name);
	crm_buf_adds(&sql, ")");
	ret = crm_db_exec(db, sql.buf, err);
	crm_buf_release(&sql);
	if (ret == 0 && crm_run(db, "cannot change the custom fields", err,
	    "UPDATE custom_fields SET indexed = 1 "
	    "WHERE entity = ?1 AND name = ?2", "tt", e->name, name) < 0)
		ret = -1;
	return ret;
}

int
crm_custom_add(struct crm_db *db, const struct crm_entity *e,
	const char *name, const char *type, char *const *values, int index,
	int64_t *added, struct crm_err *err)
{
	struct crm_buf sql = CRM_BUF_INIT, now = CRM_BUF_INIT;
	enum crm_type t;
	int have, ti, ret = -1;

	*added = -1;
	if (type && crm_custom_type(type, &t, err) < 0)
		return -1;
	have = field_type(db, e, name, &ti, err);
	if (have < 0)
		return -1;
	if (have) {
		if (types[ti].type == CRM_T_ENUM && values &&
		    (!type || t == CRM_T_ENUM))
			return add_values(db, e, name, values, added, err);
		/* --index alone on a field that has none: the index. */
		if (index && !values && (!type || t == types[ti].type)) {
			*added = 0;
			return add_index(db, e, name, err);
		}
		return crm_err_set(err, CRM_EX_DATAERR, "%s already has a "
			"field '%s' (%s)%s", e->name, name, types[ti].name,
			types[ti].type == CRM_T_ENUM ? "; --values adds "
			"values to it" : "; --index alone indexes it");
	}
	if (crm_custom_check_name(e, name, err) < 0)
		return -1;
	if (!type)
		return crm_err_set(err, CRM_EX_USAGE, "a new field needs "
			"--type: one of %s", crm_custom_types);
	ti = type_index(type);
	if (t == CRM_T_ENUM && !values)
		return crm_err_set(err, CRM_EX_USAGE, "an enum field needs "
			"--values a,b,c");
	if (t != CRM_T_ENUM && values)
		return crm_err_set(err, CRM_EX_USAGE, "--values goes with "
			"--type enum");
	crm_now(&now);
	if (crm_run(db, "cannot add the field", err,
	    "INSERT INTO custom_fields\n"
	    "       (entity, name, type, indexed, position, created_at)\n"
	    "SELECT ?1, ?2, ?3, ?4, coalesce(max(position), 0) + 1, ?5\n"
	    "FROM custom_fields WHERE entity = ?1", "tttdt", e->name, name,
	    types[ti].name, index || t == CRM_T_ENUM, now.buf) < 0)
		goto out;
	/* The column: identifiers from the entity table and a name that
	 * passed crm_custom_check_name(), quoted all the same. */
	crm_buf_adds(&sql, "ALTER TABLE ");
	crm_sql_ident(&sql, e->table);
	crm_buf_adds(&sql, " ADD COLUMN ");
	crm_sql_ident(&sql, name);
	crm_buf_addf(&sql, " %s", types[ti].column);
	if (crm_db_exec(db, sql.buf, err) < 0)
		goto out;
	if ((index || t == CRM_T_ENUM) && add_index(db, e, name, err) < 0)
		goto out;
	if (values && add_values(db, e, name, values, added, err) < 0)
		goto out;
	*added = -1;
	ret = 0;
out:
	crm_buf_release(&sql);
	crm_buf_release(&now);
	return ret;
}

/* "a, b" (the custom fields of e), or "none", into b. */
static void
custom_names(struct crm_db *db, const struct crm_entity *e,
	struct crm_buf *b)
{
	static const char sql[] = "SELECT name FROM custom_fields "
		"WHERE entity = ?1 ORDER BY position";
	/* For a message about another error: none of its own. */
	struct crm_stmt *st = crm_sql(db, NULL, sql, NULL);

	crm_bind_text(st, 1, e->name);
	while (crm_step(st) > 0)
		crm_buf_addf(b, "%s%s", b->len ? ", " : "",
			crm_col_text(st, 0));
	crm_done(st);
	if (!b->len)
		crm_buf_adds(b, "none");
}

int
crm_custom_drop(struct crm_db *db, const struct crm_entity *e,
	const char *name, int force, int64_t *had, struct crm_err *err)
{
	struct crm_buf sql = CRM_BUF_INIT;
	int have, ti, ret = -1;

	*had = 0;
	have = field_type(db, e, name, &ti, err);
	if (have < 0)
		return -1;
	if (!have) {
		custom_names(db, e, &sql);
		crm_err_set(err, CRM_EX_USAGE, "no custom field '%s' for %s; "
			"its custom fields: %s", name, e->name, sql.buf);
		goto out;
	}
	crm_buf_adds(&sql, "SELECT count(*) FROM ");
	crm_sql_ident(&sql, e->table);
	crm_buf_adds(&sql, " WHERE ");
	crm_sql_ident(&sql, name);
	crm_buf_adds(&sql, " IS NOT NULL");
	if (crm_get_int(db, "cannot count values", err, had, sql.buf,
	    NULL) < 0)
		goto out;
	if (*had && !force) {
		crm_err_set(err, CRM_EX_DATAERR, "%s field '%s' holds a value "
			"in %lld %s; --force drops it with them", e->name,
			name, (long long)*had, *had == 1 ? e->name : e->plural);
		goto out;
	}
	crm_buf_reset(&sql);
	crm_buf_adds(&sql, "DROP INDEX IF EXISTS ");
	index_name(e, name, &sql);
	crm_buf_adds(&sql, ";\nALTER TABLE ");
	crm_sql_ident(&sql, e->table);
	crm_buf_adds(&sql, " DROP COLUMN ");
	crm_sql_ident(&sql, name);
	if (crm_db_exec(db, sql.buf, err) < 0 ||
	    crm_run(db, "cannot change the custom fields", err,
	    "DELETE FROM custom_field_values "
	    "WHERE entity = ?1 AND field = ?2", "tt", e->name, name) < 0 ||
	    crm_run(db, "cannot change the custom fields", err,
	    "DELETE FROM custom_fields "
	    "WHERE entity = ?1 AND name = ?2", "tt", e->name, name) < 0)
		goto out;
	ret = 0;
out:
	crm_buf_release(&sql);
	return ret;
}

int64_t
crm_custom_list(struct crm_db *db, const struct crm_entity *e,
	struct crm_out *out, struct crm_err *err)
{
	static const char sql[] =
		"SELECT f.entity, f.name, f.type,\n"
		"       (SELECT group_concat(value, ',') FROM\n"
		"        (SELECT v.value FROM custom_field_values AS v\n"
		"         WHERE v.entity = f.entity AND v.field = f.name\n"
		"         ORDER BY v.position) AS o),\n"
		"       f.indexed\n"
		"FROM custom_fields AS f\n"
		"WHERE ?1 IS NULL OR f.entity = ?1\n"
		"ORDER BY f.entity, f.position";
	struct crm_stmt *st = crm_sql(db, "cannot list the custom fields",
		sql, err);
	int64_t n = 0;
	int i, yes;

	crm_bind_text(st, 1, e ? e->name : NULL);
	while (crm_step(st) > 0 && !out->failed) {
		for (i = 0; i < 4; i++) {
			if (crm_col_kind(st, i) == CRM_NULL)
				crm_out_cell(out, CRM_CELL_NULL, NULL, 0);
			else
				crm_out_cell(out, CRM_CELL_TEXT,
					crm_col_text(st, i),
					crm_col_len(st, i));
		}
		yes = crm_col_int(st, 4) != 0;
		crm_out_cell(out, CRM_CELL_BOOL, yes ? "yes" : "no",
			yes ? 3 : 2);
		crm_out_row(out);
		n++;
	}
	return crm_done(st) < 0 ? -1 : n;
}

/* Keep an allocation in the set, to be freed with it. */
static void *
own(struct crm_fieldset *fs, void *p)
{
	fs->strings = crm_xrealloc(fs->strings,
		(fs->nstrings + 1) * sizeof(*fs->strings));
	fs->strings[fs->nstrings++] = p;
	return p;
}

/* The allowed values of enum field name of e, as a NULL-terminated array
 * the set owns. */
static const char *const *
enum_values(struct crm_fieldset *fs, struct crm_db *db, const char *name,
	struct crm_err *err)
{
	static const char sql[] =
		"SELECT value FROM custom_field_values\n"
		"WHERE entity = ?1 AND field = ?2 ORDER BY position";
	struct crm_stmt *st = crm_sql(db, "cannot read the custom fields",
		sql, err);
	char **vals = NULL;
	size_t n = 0;

	if (!st)
		return NULL;
	crm_bind_text(st, 1, fs->entity->name);
	crm_bind_text(st, 2, name);
	vals = crm_xcalloc(1, sizeof(*vals));
	while (crm_step(st) > 0) {
		vals = crm_xrealloc(vals, (n + 2) * sizeof(*vals));
		vals[n++] = own(fs, crm_strdup(crm_col_text(st, 0)));
		vals[n] = NULL;
	}
	own(fs, vals);
	if (crm_done(st) < 0)
		return NULL;
	return (const char *const *)vals;
}

int
crm_fieldset_load(struct crm_fieldset *fs, struct crm_db *db,
	const struct crm_entity *e, struct crm_err *err)
{
	static const char sql[] =
		"SELECT name, type FROM custom_fields\n"
		"WHERE entity = ?1 ORDER BY position";
	struct crm_stmt *st;
	size_t alloc = 0, i;

	crm_fieldset_builtin(fs, e);
	st = crm_sql(db, "cannot read the custom fields", sql, err);
	crm_bind_text(st, 1, e->name);
	while (crm_step(st) > 0) {
		struct crm_field *f;
		int ti = type_index(crm_col_text(st, 1));

		/* A type this binary does not know, or a name that is no
		 * name (the catalog edited by hand): not a field. */
		if (ti < 0 || !crm_custom_name_ok(crm_col_text(st, 0)))
			continue;
		if (fs->ncustom == alloc) {
			alloc = alloc ? alloc * 2 : 8;
			fs->custom = crm_xrealloc(fs->custom,
				alloc * sizeof(*fs->custom));
		}
		f = &fs->custom[fs->ncustom++];
		memset(f, 0, sizeof(*f));
		f->name = own(fs, crm_strdup(crm_col_text(st, 0)));
		f->type = types[ti].type;
		f->flags = CRM_F_CUSTOM;
		f->help = types[ti].help;
		if (f->type == CRM_T_INT) {
			f->min = INT64_MIN;
			f->max = INT64_MAX;
		} else if (f->type == CRM_T_MONEY) {
			f->flags |= CRM_F_SIGNED;
		}
	}
	if (crm_done(st) < 0)
		goto fail;
	/* The values after the fields: the statement above is done. */
	for (i = 0; i < fs->ncustom; i++)
		if (fs->custom[i].type == CRM_T_ENUM &&
		    !(fs->custom[i].values = enum_values(fs, db,
		    fs->custom[i].name, err)))
			goto fail;
	if (fs->ncustom) {
		fs->f = crm_xrealloc(fs->f, (fs->n + fs->ncustom) *
			sizeof(*fs->f));
		for (i = 0; i < fs->ncustom; i++)
			fs->f[fs->n++] = &fs->custom[i];
	}
	return 0;
fail:
	crm_fieldset_release(fs);
	crm_fieldset_builtin(fs, e);
	return -1;
}
