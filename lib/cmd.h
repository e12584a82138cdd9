/*
 * cmd.h - the anatomy every crm-NOUN binary shares.
 *
 * A binary describes itself in a struct crm_command: its name, its entity,
 * and a table of verbs.  A verb names the option groups it takes (output,
 * selection, field options), its own options, the database access it
 * needs, and the function that does the work.  crm_main() does the rest
 * the same way for every binary (SPEC 3): finds the verb, parses options
 * with getopt_long (GNU order, "--" ends them), prints --help from the same
 * tables, answers --completion-helper, opens the database, compiles
 * --where/--sort/--fields, runs the verb, checks stdout, and returns the
 * exit status.
 */
#ifndef CRM_CMD_H
#define CRM_CMD_H

#include <stdint.h>

#include "db.h"
#include "entity.h"
#include "out.h"
#include "record.h"

/* Option groups a verb takes besides -d, -q, -v, -h. */
#define CRM_O_FORMAT	0x01	/* -f FORMAT, -H */
#define CRM_O_COLUMNS	0x08	/* -o FIELDS: the entity's fields */
#define CRM_O_OUTPUT	(CRM_O_FORMAT | CRM_O_COLUMNS)
#define CRM_O_SELECT	0x02	/* --where, --sort, --limit, --offset */
#define CRM_O_FIELDS	0x04	/* --FIELD VALUE for each field, --set */

/* Database access of a verb. */
enum crm_access { CRM_DB_NONE, CRM_DB_READER, CRM_DB_WRITER };

/* A verb's own option: "--cascade", "--status S". */
struct crm_optdef {
	const char *name;	/* long name without dashes */
	const char *arg;	/* argument's name in help, NULL for a flag */
	const char *help;
	const char *values;	/* its values, space-separated, for
				 * completion; or NULL */
	int multi;		/* may be given more than once */
	int required;		/* must be given (shown without brackets) */
};

struct crm_ctx;

struct crm_verb {
	const char *name;
	int (*fn)(struct crm_ctx *ctx);	/* returns an exit status */
	unsigned groups;		/* CRM_O_* */
	enum crm_access access;
	const char *operands;		/* "ID|EMAIL..." for usage, or NULL */
	const char *summary;		/* one line */
	const struct crm_optdef *opts;	/* ends with { 0 }; may be NULL */
};

struct crm_command {
	const char *name;		/* "crm-customer" */
	const char *entity;		/* entity name, or NULL */
	const char *summary;
	const struct crm_verb *verbs;	/* ends with { NULL } */
};

/* What a verb function gets: everything parsed and opened. */
struct crm_ctx {
	const struct crm_command *cmd;
	const struct crm_verb *verb;
	const struct crm_entity *entity;	/* NULL for no entity */
	struct crm_fieldset fs;		/* the entity's fields */
	struct crm_db db;		/* open as verb->access says */
	const char *dbpath;		/* resolved path of the database */
	int argc;			/* operands after the verb */
	char **argv;
	enum crm_fmt fmt;		/* -f, $CRM_FORMAT, or by terminal */
	int header;			/* 0 with -H */
	const char *fields;		/* -o as given, or NULL */
	struct crm_query query;		/* --where, --sort, --limit, --offset */
	struct crm_assigns assigns;	/* --FIELD VALUE and --set */
	const char ***optvals;		/* verb->opts[i]'s values in order,
					 * NULL-terminated; "" for a flag */
	struct crm_err err;		/* scratch for the verb */
	const char *id_header;		/* crm_each_id skips a first line
					 * reading this too, besides "id"
					 * (the header of the list whose
					 * first column it reads), or NULL */
};

/* The whole of a binary's main(). */
int crm_main(int argc, char **argv, const struct crm_command *cmd);

/* The value of the verb's own option name (the last, when it was given
 * more than once), NULL when not given ("" for a flag that was given). */
const char *crm_opt(const struct crm_ctx *ctx, const char *name);

/* Every value given to the verb's option name, in order; *n gets their
 * number.  Static for the run of the verb, do not free. */
const char *const *crm_opt_all(const struct crm_ctx *ctx, const char *name,
	size_t *n);

/*
 * Call fn for every id operand: each argument, or with "-" each line of
 * stdin (its first tab-separated column; blank lines and a header line
 * skipped: "id", ctx->id_header, or else the name of a field that names
 * a record of ctx->entity, "email", "ref", "sku").  Keeps going after a failure: each failure is printed
 * (one line) and the highest exit status is returned, 0 when all went
 * well.  fn returns 0 or -1 with ctx->err set.  Without operands, usage.
 */
int crm_each_id(struct crm_ctx *ctx, int (*fn)(struct crm_ctx *ctx,
	const char *key, void *arg), void *arg);

/* Begin ctx->fmt output on stdout with the given fields as columns. */
void crm_out_fields(struct crm_ctx *ctx, struct crm_out *out,
	const struct crm_field *const *fields, size_t n);

/*
 * Print a usage error for the current verb ("PROG: msg" and a hint to
 * --help) and return CRM_EX_USAGE.
 */
int crm_usage_error(const struct crm_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Print ctx->err and return its code; clears it for reuse. */
int crm_fail(struct crm_ctx *ctx);

/* The version string of crm. */
extern const char crm_version[];

#endif
