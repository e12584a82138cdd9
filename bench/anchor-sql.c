/*
 * anchor-sql - the SELECT that crm runs for an entity's fields, for the
 * benchmarks' sqlite3 anchors.
 *
 * usage: anchor-sql ENTITY [FIELDS]
 *
 * Prints "SELECT <columns> FROM <table> AS t" on one line: FIELDS as -o
 * takes them ("all" for what show prints; default: list's columns),
 * stored fields as t."name", derived ones as their expression.  So the
 * sqlite3 shell is timed on the same columns, the same joins and
 * subqueries, as crm, whatever fields the entity grows.
 */
#include <stdio.h>
#include <stdlib.h>

#include "buf.h"
#include "entity.h"
#include "record.h"
#include "banned.h"

int
main(int argc, char **argv)
{
	struct crm_fieldset fs = CRM_FIELDSET_INIT;
	struct crm_err err = CRM_ERR_INIT;
	struct crm_buf sql = CRM_BUF_INIT;
	const struct crm_entity *e;
	const struct crm_field **fields;
	const char *p;
	size_t i, n;

	crm_progname = "anchor-sql";
	if (argc < 2 || argc > 3) {
		fputs("usage: anchor-sql ENTITY [FIELDS]\n", stderr);
		return CRM_EX_USAGE;
	}
	e = crm_entity_find(argv[1]);
	if (!e) {
		fprintf(stderr, "anchor-sql: no entity '%s'\n", argv[1]);
		return CRM_EX_USAGE;
	}
	crm_fieldset_builtin(&fs, e);
	if (crm_fields_parse(&fs, argc == 3 ? argv[2] : NULL, &fields, &n,
	    &err) < 0)
		return crm_report(&err);
	crm_buf_adds(&sql, "SELECT ");
	for (i = 0; i < n; i++) {
		if (i)
			crm_buf_adds(&sql, ", ");
		if (fields[i]->flags & CRM_F_DERIVED) {
			crm_buf_adds(&sql, fields[i]->expr);
		} else {
			crm_buf_adds(&sql, "t.");
			crm_sql_ident(&sql, fields[i]->name);
		}
	}
	crm_buf_adds(&sql, " FROM ");
	crm_sql_ident(&sql, e->table);
	crm_buf_adds(&sql, " AS t");
	/* One line: a shell word for hyperfine and the sqlite3 shell. */
	for (p = sql.buf; *p; p++)
		putchar(*p == '\n' || *p == '\t' ? ' ' : *p);
	putchar('\n');
	free(fields);
	crm_fieldset_release(&fs);
	crm_buf_release(&sql);
	return ferror(stdout) ? CRM_EX_IOERR : CRM_EX_OK;
}
