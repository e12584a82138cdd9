/* crm-admin - the database itself: create, migrate, check, count. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backup.h"
#include "cmd.h"
#include "copy.h"
#include "schema.h"
#include "search.h"

static int
cmd_init(struct crm_ctx *ctx)
{
	struct crm_db db;

	/* An existing file is refused in crm_db_open() unless empty. */
	if (ctx->argc)
		return crm_usage_error(ctx, "unexpected argument '%s'",
			ctx->argv[0]);
	if (!ctx->dbpath)
		return crm_usage_error(ctx, "no database path: use --db or "
			"set CRM_DB");
	if (crm_db_open(&db, ctx->dbpath, CRM_DB_CREATE, &ctx->err) < 0)
		return crm_fail(ctx);
	crm_note("created '%s' (schema %d)", ctx->dbpath, crm_db_version(&db));
	crm_db_close(&db);
	return CRM_EX_OK;
}

static int
cmd_migrate(struct crm_ctx *ctx)
{
	if (ctx->argc)
		return crm_usage_error(ctx, "unexpected argument '%s'",
			ctx->argv[0]);
	/* Opening the database has brought it up to date already. */
	crm_note("'%s' is at schema %d", ctx->dbpath,
		crm_db_version(&ctx->db));
	return CRM_EX_OK;
}

/* A problem crm_db_check() found: one line of the report. */
static void
problem(void *arg, const char *kind, const char *text)
{
	int *problems = arg;

	printf("%s\t%s\n", kind, text);
	(*problems)++;
}

static int
cmd_check(struct crm_ctx *ctx)
{
	struct crm_search_state search = { 0 };
	int problems = 0;

	if (ctx->argc)
		return crm_usage_error(ctx, "unexpected argument '%s'",
			ctx->argv[0]);
	if (crm_db_check(&ctx->db, problem, &problems, &ctx->err) < 0)
		return crm_fail(ctx);
	search.repair = crm_opt(ctx, "repair") != NULL;
	if (crm_search_check(&ctx->db, &search, &ctx->err) < 0)
		return crm_fail(ctx);
	if (search.repair) {
		if (search.pending)
			crm_note("search index: %lld changed customer%s "
				"taken in", search.pending,
				search.pending == 1 ? "" : "s");
		if (search.wrong)
			crm_note("search index: rebuilt");
	} else {
		if (search.pending)
			printf("search\t%lld customer%s changed outside crm "
				"not in the search index yet\n",
				search.pending,
				search.pending == 1 ? "" : "s");
		if (search.wrong)
			printf("search\tthe search index does not match the "
				"customers\n");
		problems += !!search.pending + search.wrong;
	}
	if (problems) {
		crm_warn("'%s': %d problem%s found", ctx->dbpath, problems,
			problems == 1 ? "" : "s");
		return CRM_EX_DATAERR;
	}
	crm_note("'%s' is ok", ctx->dbpath);
	return CRM_EX_OK;
}

static int
cmd_stats(struct crm_ctx *ctx)
{
	static const char *const cols[] = { "name", "value" };
	struct crm_buf sql = CRM_BUF_INIT, v = CRM_BUF_INIT;
	struct crm_out out;
	int64_t size;
	size_t i;

	if (ctx->argc)
		return crm_usage_error(ctx, "unexpected argument '%s'",
			ctx->argv[0]);
	crm_out_begin(&out, stdout, ctx->fmt, ctx->header, cols, 2);
	for (i = 0; crm_entities[i]; i++) {
		crm_buf_reset(&sql);
		crm_buf_adds(&sql, "SELECT count(*) FROM ");
		crm_sql_ident(&sql, crm_entities[i]->table);
		crm_buf_reset(&v);
		crm_buf_addf(&v, "%lld", crm_db_int(&ctx->db, sql.buf, 0));
		crm_out_cell(&out, CRM_CELL_TEXT, crm_entities[i]->table,
			strlen(crm_entities[i]->table));
		crm_out_cell(&out, CRM_CELL_NUM, v.buf, v.len);
		crm_out_row(&out);
	}
	crm_buf_reset(&v);
	crm_buf_addf(&v, "%d", crm_db_version(&ctx->db));
	crm_out_cell(&out, CRM_CELL_TEXT, "schema", 6);
	crm_out_cell(&out, CRM_CELL_NUM, v.buf, v.len);
	crm_out_row(&out);
	crm_buf_reset(&v);
	size = crm_db_size(&ctx->db);
	crm_buf_addf(&v, "%lld", size > 0 ? (long long)size : 0LL);
	crm_out_cell(&out, CRM_CELL_TEXT, "file_bytes", 10);
	crm_out_cell(&out, CRM_CELL_NUM, v.buf, v.len);
	crm_out_row(&out);
	crm_out_end(&out);
	crm_buf_release(&sql);
	crm_buf_release(&v);
	return CRM_EX_OK;
}

static int
cmd_copy(struct crm_ctx *ctx)
{
	static const char *const cols[] = { "table", "rows" };
	struct crm_copy c;
	struct crm_db src;
	struct crm_out out;
	char num[24];
	size_t i;
	int ret;

	if (ctx->argc != 2)
		return crm_usage_error(ctx, ctx->argc < 2 ? "copy needs SRC "
			"and DST" : "unexpected argument '%s'", ctx->argv[2]);
	if (crm_db_open(&src, ctx->argv[0], CRM_DB_READ, &ctx->err) < 0)
		return crm_fail(ctx);
	ret = crm_copy_db(&src, ctx->argv[1], 0, &c, &ctx->err);
	crm_db_close(&src);
	if (ret < 0)
		return crm_fail(ctx);
	crm_out_begin(&out, stdout, ctx->fmt, ctx->header, cols, 2);
	for (i = 0; i < c.n; i++) {
		snprintf(num, sizeof(num), "%lld", (long long)c.t[i].rows);
		crm_out_cell(&out, CRM_CELL_TEXT, c.t[i].table,
			strlen(c.t[i].table));
		crm_out_cell(&out, CRM_CELL_NUM, num, strlen(num));
		crm_out_row(&out);
	}
	crm_out_end(&out);
	return CRM_EX_OK;
}

/* The keys the verb's options and $CRM_BACKUP_PASSPHRASE give. */
static int
keys_of(struct crm_ctx *ctx, struct crm_keys *k)
{
	return crm_backup_keys(k, crm_opt(ctx, "passphrase-file"),
		crm_opt(ctx, "recipient"), crm_opt(ctx, "secret-key"),
		&ctx->err);
}

/* A whole number of backups to keep, from 1. */
static int
keep_of(struct crm_ctx *ctx, int *keep)
{
	const char *s = crm_opt(ctx, "keep");
	char *end;
	long v;

	*keep = 0;
	if (!s)
		return 0;
	v = strtol(s, &end, 10);
	if (*s < '0' || *s > '9' || *end || v < 1 || v > 100000)
		return crm_usage_error(ctx, "invalid --keep '%s': expected "
			"a whole number of backups from 1", s);
	*keep = (int)v;
	return 0;
}

/* What verify found, or restore put where. */
static void
note_backup(const char *file, const char *into,
	const struct crm_archive_info *info)
{
	crm_note("%s '%s'%s%s%s: schema %d, made %s from %s%s",
		into ? "restored" : "verified", file, into ? " into '" : "",
		into ? into : "", into ? "'" : "", info->schema,
		info->created, info->source,
		info->seal == CRM_SEAL_NONE ? "" : ", encrypted");
}

static int
cmd_backup(struct crm_ctx *ctx)
{
	struct crm_backup_opts o = { 0 };
	struct crm_buf written = CRM_BUF_INIT;
	struct crm_keys k;
	int ret;

	o.dir = crm_opt(ctx, "dir");
	o.force = crm_opt(ctx, "force") != NULL;
	if (keep_of(ctx, &o.keep))
		return CRM_EX_USAGE;
	if (o.keep && !o.dir)
		return crm_usage_error(ctx, "--keep is for --dir");
	if (o.dir ? ctx->argc > 0 : ctx->argc != 1)
		return crm_usage_error(ctx, o.dir ? "a FILE or --dir, not "
			"both" : ctx->argc ? "unexpected argument '%s'" :
			"backup needs a FILE, - or --dir", ctx->argv[1]);
	if (keys_of(ctx, &k) < 0)
		return crm_fail(ctx);
	o.keys = k.passphrase || k.has_public ? &k : NULL;
	ret = crm_backup(&ctx->db, o.dir ? NULL : ctx->argv[0], &o,
		&written, &ctx->err);
	crm_backup_keys_release(&k);
	if (ret == 0 && o.dir)
		printf("%s\n", written.buf);
	if (ret == 0)
		crm_note("backed up '%s' to '%s'", ctx->dbpath, written.buf);
	crm_buf_release(&written);
	return ret < 0 ? crm_fail(ctx) : CRM_EX_OK;
}

/* The one FILE operand of verify, restore and keygen: 0 or usage. */
static int
one_file(struct crm_ctx *ctx)
{
	if (ctx->argc == 1)
		return 0;
	return ctx->argc ? crm_usage_error(ctx, "unexpected argument '%s'",
		ctx->argv[1]) : crm_usage_error(ctx, "%s needs a FILE",
		ctx->verb->name);
}

/* verify, and restore: the same drill, then the swap. */
static int
drill(struct crm_ctx *ctx, int restore)
{
	struct crm_archive_info info;
	struct crm_keys k;
	int ret;

	if (one_file(ctx))
		return CRM_EX_USAGE;
	if (restore && !ctx->dbpath)
		return crm_usage_error(ctx, "no database path: use --db or "
			"set CRM_DB");
	if (keys_of(ctx, &k) < 0)
		return crm_fail(ctx);
	ret = restore ? crm_backup_restore(ctx->argv[0], ctx->dbpath, &k,
		crm_opt(ctx, "force") != NULL, &info, &ctx->err) :
		crm_backup_verify(ctx->argv[0], &k, crm_opt(ctx, "full") != NULL,
		&info, &ctx->err);
	crm_backup_keys_release(&k);
	if (ret < 0)
		return crm_fail(ctx);
	note_backup(ctx->argv[0], restore ? ctx->dbpath : NULL, &info);
	return CRM_EX_OK;
}

static int
cmd_verify(struct crm_ctx *ctx)
{
	return drill(ctx, 0);
}

static int
cmd_restore(struct crm_ctx *ctx)
{
	return drill(ctx, 1);
}

static int
cmd_keygen(struct crm_ctx *ctx)
{
	struct crm_buf pub = CRM_BUF_INIT;
	int ret;

	if (one_file(ctx))
		return CRM_EX_USAGE;
	ret = crm_backup_keygen(ctx->argv[0], crm_opt(ctx, "force") != NULL,
		&pub, &ctx->err);
	if (ret == 0)
		printf("%s\n", pub.buf);
	crm_buf_release(&pub);
	return ret < 0 ? crm_fail(ctx) : CRM_EX_OK;
}

#define PASSPHRASE_OPT \
	{ .name = "passphrase-file", .arg = "FILE", \
	  .help = "the passphrase is FILE's first line (else " \
		"$CRM_BACKUP_PASSPHRASE)" }
#define SECRET_KEY_OPT \
	{ .name = "secret-key", .arg = "FILE", \
	  .help = "the secret key of a --recipient backup" }

static const struct crm_optdef backup_opts[] = {
	{ .name = "dir", .arg = "DIR",
	  .help = "write crm-TIME.crmbak in DIR, checked before old ones go" },
	{ .name = "keep", .arg = "N",
	  .help = "with --dir: keep the newest N backups, remove the rest" },
	{ .name = "force", .help = "replace FILE if it exists" },
	PASSPHRASE_OPT,
	{ .name = "recipient", .arg = "KEY|FILE",
	  .help = "encrypt to a public key (crm-admin keygen)" },
	{ 0 }
};

static const struct crm_optdef verify_opts[] = {
	{ .name = "full",
	  .help = "check every index entry and reference too, as check does" },
	PASSPHRASE_OPT,
	SECRET_KEY_OPT,
	{ 0 }
};

static const struct crm_optdef restore_opts[] = {
	{ .name = "force",
	  .help = "replace a database that holds records" },
	PASSPHRASE_OPT,
	SECRET_KEY_OPT,
	{ 0 }
};

static const struct crm_optdef keygen_opts[] = {
	{ .name = "force", .help = "replace FILE and FILE.pub" },
	{ 0 }
};

static const struct crm_optdef check_opts[] = {
	{ .name = "repair",
	  .help = "bring the search index up to date, rebuilt if wrong" },
	{ 0 }
};

static const struct crm_verb verbs[] = {
	{ "init", cmd_init, 0, CRM_DB_NONE, NULL,
	  "Create a new database", NULL },
	{ "migrate", cmd_migrate, 0, CRM_DB_WRITER, NULL,
	  "Bring the database's schema up to date", NULL },
	{ "check", cmd_check, 0, CRM_DB_READER, NULL,
	  "Check integrity, references and the search index", check_opts },
	{ "stats", cmd_stats, CRM_O_FORMAT, CRM_DB_READER, NULL,
	  "Count the records of each kind and the file's size", NULL },
	{ "copy", cmd_copy, CRM_O_FORMAT, CRM_DB_NONE, "SRC DST",
	  "Copy a whole database into an empty one, on either backend",
	  NULL },
	{ "backup", cmd_backup, 0, CRM_DB_READER, "[FILE|-]",
	  "Write a compressed, checked, optionally encrypted backup",
	  backup_opts },
	{ "verify", cmd_verify, 0, CRM_DB_NONE, "FILE|-",
	  "Check a backup as a restore would, touching no database",
	  verify_opts },
	{ "restore", cmd_restore, 0, CRM_DB_NONE, "FILE|-",
	  "Put a backup in place of the database", restore_opts },
	{ "keygen", cmd_keygen, 0, CRM_DB_NONE, "FILE",
	  "Make a key pair for --recipient backups", keygen_opts },
	{ NULL, NULL, 0, CRM_DB_NONE, NULL, NULL, NULL }
};

static const struct crm_command command = {
	"crm-admin", NULL, "Look after the crm database", verbs
};

int
main(int argc, char **argv)
{
	return crm_main(argc, argv, &command);
}
