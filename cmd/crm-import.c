/* crm-import - batch import from CSV, TSV or JSON Lines, the log, revert. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "custom.h"
#include "import.h"
#include "outfile.h"
#include "value.h"

struct progress {
	int64_t size;		/* bytes in the file, 0 if unknown */
	struct timespec start;
	double last;
};

static double
since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) +
		(double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Whether the progress line is on the terminal: messages clear it. */
static int progress_shown;

static void
clear_progress(void)
{
	if (progress_shown)
		fputs("\r\033[K", stderr);
	progress_shown = 0;
}

static void
show_progress(void *arg, int64_t rows, int64_t bytes)
{
	struct progress *p = arg;
	struct crm_buf line = CRM_BUF_INIT;
	struct winsize ws;
	double s = since(&p->start), rate;

	if (s - p->last < 0.2)
		return;
	p->last = s;
	rate = s > 0 ? (double)rows / s : 0;
	crm_buf_addf(&line, "%s: %lld rows  %.0f rows/s", crm_progname,
		(long long)rows, rate);
	if (p->size > 0 && bytes > 0) {
		double done = (double)bytes / (double)p->size;
		double left = done > 0 ? s / done - s : 0;

		crm_buf_addf(&line, "  %3.0f%%  %d:%02d left", done * 100,
			(int)left / 60, (int)left % 60);
	}
	/* One line, however narrow the terminal: a line that wrapped
	 * would leave its first part on the screen. */
	if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 1 &&
	    line.len >= ws.ws_col)
		line.len = (size_t)ws.ws_col - 1;
	fprintf(stderr, "\r%.*s\033[K", (int)line.len, line.buf);
	progress_shown = 1;
	crm_buf_release(&line);
}

static int
import(struct crm_ctx *ctx, enum crm_import_kind kind, const char *entity)
{
	struct crm_import im;
	struct crm_fieldset fs = CRM_FIELDSET_INIT;
	struct progress prog;
	struct crm_outfile rej = CRM_OUTFILE_INIT;
	struct stat st, inst, dbst;
	const char *path, *opt, *mode;
	const char *const *maps;
	FILE *in = NULL;
	size_t n;
	int code = CRM_EX_OK, r;
	int64_t v;

	memset(&im, 0, sizeof(im));
	if (ctx->argc != 1)
		return crm_usage_error(ctx, "give one FILE, or - for stdin");
	path = ctx->argv[0];
	if (crm_fieldset_load(&fs, &ctx->db, crm_entity_find(entity),
	    &ctx->err) < 0) {
		crm_fieldset_release(&fs);
		return crm_fail(ctx);
	}
	im.kind = kind;
	im.fs = &fs;
	im.name = path;
	im.delim = ',';
	n = strlen(path);
	if (crm_opt(ctx, "tsv") || (n > 4 && !strcmp(path + n - 4, ".tsv")))
		im.delim = '\t';
	if ((opt = crm_opt(ctx, "delimiter"))) {
		if (!strcmp(opt, "tab") || !strcmp(opt, "\\t"))
			im.delim = '\t';
		else if (strlen(opt) == 1 && opt[0] != '"' && opt[0] != '\n')
			im.delim = opt[0];
		else {
			code = crm_usage_error(ctx, "invalid --delimiter '%s': "
				"expected one character or 'tab'", opt);
			goto out;
		}
	}
	if (crm_opt(ctx, "json") || (n > 5 && !strcmp(path + n - 5,
	    ".json")) || (n > 6 && !strcmp(path + n - 6, ".jsonl"))) {
		if (crm_opt(ctx, "tsv") || crm_opt(ctx, "delimiter")) {
			code = crm_usage_error(ctx, "--json reads JSON Lines, "
				"which have no --tsv or --delimiter");
			goto out;
		}
		im.delim = 0;
	}
	im.encoding = crm_opt(ctx, "encoding");
	maps = crm_opt_all(ctx, "map", &n);
	im.maps = maps;
	im.ignore_unknown = crm_opt(ctx, "ignore-unknown") != NULL;
	im.key = crm_opt(ctx, "key");
	im.mode = CRM_IMPORT_UPSERT;
	if ((mode = crm_opt(ctx, "mode"))) {
		if (!strcmp(mode, "insert"))
			im.mode = CRM_IMPORT_INSERT;
		else if (!strcmp(mode, "update"))
			im.mode = CRM_IMPORT_UPDATE;
		else if (strcmp(mode, "upsert")) {
			code = crm_usage_error(ctx, "invalid --mode '%s': "
				"expected upsert, insert or update", mode);
			goto out;
		}
	}
	im.max_rejects = -1;
	if ((opt = crm_opt(ctx, "max-rejects"))) {
		if (crm_parse_count(opt, 0, &v, &ctx->err) < 0) {
			crm_err_clear(&ctx->err);
			code = crm_usage_error(ctx, "invalid --max-rejects "
				"'%s': expected a whole number of 0 or more",
				opt);
			goto out;
		}
		im.max_rejects = v;
	}
	if (crm_opt(ctx, "strict"))
		im.max_rejects = 0;
	im.dry_run = crm_opt(ctx, "dry-run") != NULL;
	im.take_stock = crm_opt(ctx, "take-stock") != NULL;
	if ((opt = crm_opt(ctx, "missing"))) {
		if (strcmp(opt, "zero") && strcmp(opt, "keep")) {
			code = crm_usage_error(ctx, "invalid --missing '%s': "
				"expected zero or keep", opt);
			goto out;
		}
		im.missing_zero = !strcmp(opt, "zero");
	}
	im.quiet = crm_verbosity < 0;
	im.plan = im.dry_run ? stdout : NULL;

	if (!strcmp(path, "-")) {
		in = stdin;
		im.name = "-";
	} else if (!(in = fopen(path, "r"))) {
		crm_warn("cannot open '%s': %s", path, strerror(errno));
		code = errno == EACCES ? CRM_EX_NOPERM : CRM_EX_NOINPUT;
		goto out;
	}
	/* Written beside its name and renamed over it once the import is
	 * committed (or the dry run done): until then the file named keeps
	 * what it held.  Mode and group are the database's, whose records
	 * it holds. */
	if ((opt = crm_opt(ctx, "rejects"))) {
		struct crm_outfile_not not[] = {
			{ "the input file", NULL }, { "the database", NULL }
		};
		int have_db = stat(ctx->dbpath, &dbst) == 0;

		if (fstat(fileno(in), &inst) == 0)
			not[0].st = &inst;
		if (have_db)
			not[1].st = &dbst;
		if (crm_outfile_open(&rej, opt, have_db ? &dbst : NULL, not,
		    2, &ctx->err) < 0) {
			code = crm_fail(ctx);
			goto out;
		}
	}
	im.rejects = rej.fp;
	if (isatty(STDERR_FILENO) && crm_verbosity >= 0) {
		memset(&prog, 0, sizeof(prog));
		clock_gettime(CLOCK_MONOTONIC, &prog.start);
		if (fstat(fileno(in), &st) == 0 && S_ISREG(st.st_mode))
			prog.size = st.st_size;
		im.progress = show_progress;
		im.progress_arg = &prog;
		crm_status_clear = clear_progress;
	}

	if (crm_db_begin(&ctx->db, &ctx->err) < 0) {
		code = crm_fail(ctx);
		goto out;
	}
	r = crm_import_run(&ctx->db, &im, in, &ctx->err);
	clear_progress();
	if (r < 0 || (!im.aborted && crm_outfile_close(&rej, &ctx->err) < 0)) {
		crm_db_rollback(&ctx->db);
		code = crm_fail(ctx);
		goto out;
	}
	if (im.dry_run || im.aborted) {
		crm_db_rollback(&ctx->db);
	} else if (crm_db_commit(&ctx->db, &ctx->err) < 0) {
		code = crm_fail(ctx);
		goto out;
	}
	/* A run that wrote nothing for --max-rejects leaves no rejects. */
	if (!im.aborted && crm_outfile_commit(&rej, &ctx->err) < 0)
		code = crm_fail(ctx);
	if (im.aborted)
		crm_warn("%s: more than %lld rows rejected: nothing written",
			fs.entity->plural, (long long)im.max_rejects);
	else
		crm_note("%s: %lld read, %lld inserted, %lld updated, "
			"%lld unchanged, %lld rejected, %lld repeated; %s %lld",
			kind == CRM_IMPORT_INVENTORY ? "inventory" :
			fs.entity->plural, (long long)im.read,
			(long long)im.inserted, (long long)im.updated,
			(long long)im.unchanged, (long long)im.rejected,
			(long long)im.repeated,
			im.dry_run ? "dry run, nothing written, would be batch" :
			"batch", (long long)im.batch);
	if (im.rejected && !code)
		code = CRM_EX_DATAERR;
out:
	if (in && in != stdin)
		fclose(in);
	crm_outfile_abort(&rej);
	clear_progress();
	crm_status_clear = NULL;
	crm_fieldset_release(&fs);
	return code;
}

static int
cmd_customers(struct crm_ctx *ctx)
{
	return import(ctx, CRM_IMPORT_RECORDS, "customer");
}

static int
cmd_contacts(struct crm_ctx *ctx)
{
	return import(ctx, CRM_IMPORT_RECORDS, "contact");
}

static int
cmd_products(struct crm_ctx *ctx)
{
	return import(ctx, CRM_IMPORT_RECORDS, "product");
}

static int
cmd_orders(struct crm_ctx *ctx)
{
	return import(ctx, CRM_IMPORT_ORDERS, "order");
}

static int
cmd_inventory(struct crm_ctx *ctx)
{
	return import(ctx, CRM_IMPORT_INVENTORY, "product");
}

static int
cmd_deals(struct crm_ctx *ctx)
{
	return import(ctx, CRM_IMPORT_RECORDS, "deal");
}

static int
cmd_tickets(struct crm_ctx *ctx)
{
	return import(ctx, CRM_IMPORT_RECORDS, "ticket");
}

static int
cmd_activities(struct crm_ctx *ctx)
{
	return import(ctx, CRM_IMPORT_RECORDS, "activity");
}

static int
cmd_members(struct crm_ctx *ctx)
{
	return import(ctx, CRM_IMPORT_RECORDS, "campaign member");
}

static int
cmd_log(struct crm_ctx *ctx)
{
	struct crm_out out;
	int r;

	if (ctx->argc)
		return crm_usage_error(ctx, "unexpected argument '%s'",
			ctx->argv[0]);
	crm_out_begin(&out, stdout, ctx->fmt, ctx->header,
		crm_import_log_cols, CRM_IMPORT_LOG_NCOLS);
	r = crm_import_log(&ctx->db, &out, &ctx->err);
	crm_out_end(&out);
	return r < 0 ? crm_fail(ctx) : CRM_EX_OK;
}

static int
cmd_revert(struct crm_ctx *ctx)
{
	int64_t batch, undone;

	if (ctx->argc != 1)
		return crm_usage_error(ctx, "give one batch number");
	if (crm_parse_count(ctx->argv[0], 1, &batch, &ctx->err) < 0) {
		crm_err_clear(&ctx->err);
		return crm_usage_error(ctx, "invalid batch '%s': expected "
			"its number", ctx->argv[0]);
	}
	if (crm_db_begin(&ctx->db, &ctx->err) < 0 ||
	    crm_import_revert(&ctx->db, batch, &undone, &ctx->err) < 0 ||
	    crm_db_commit(&ctx->db, &ctx->err) < 0) {
		crm_db_rollback(&ctx->db);
		return crm_fail(ctx);
	}
	crm_note("batch %lld reverted: %lld changes undone", (long long)batch,
		(long long)undone);
	return CRM_EX_OK;
}

/* Each verb's options, sorted by name as the man page lists them. */
#define O_DELIMITER { .name = "delimiter", .arg = "C", \
	.help = "fields are separated by C (or 'tab')" }
#define O_DRY_RUN { .name = "dry-run", \
	.help = "check everything, write nothing; print the plan" }
#define O_ENCODING { .name = "encoding", .arg = "NAME", \
	.values = "GB18030 GBK LATIN1 UTF-16", \
	.help = "the file's encoding (GB18030, GBK, LATIN1, UTF-16...)" }
#define O_IGNORE { .name = "ignore-unknown", \
	.help = "skip columns that name no field" }
#define O_JSON { .name = "json", \
	.help = "the file is JSON Lines (so is a .jsonl or .json name)" }
#define O_KEY { .name = "key", .arg = "FIELD", \
	.help = "match existing records on FIELD" }
#define O_MAP { .name = "map", .arg = "HEADER=FIELD", .multi = 1, \
	.help = "read column HEADER as FIELD" }
#define O_MAX { .name = "max-rejects", .arg = "N", \
	.help = "more than N rows rejected: write nothing" }
#define O_MISSING { .name = "missing", .arg = "zero|keep", \
	.values = "zero keep", .help = "products the file does not name: " \
	"set their stock to 0, or keep it (default)" }
#define O_MODE { .name = "mode", .arg = "MODE", \
	.values = "upsert insert update", \
	.help = "upsert (default), insert or update" }
#define O_REJECTS { .name = "rejects", .arg = "FILE", \
	.help = "write rejected rows to FILE, with _line, _error" }
#define O_STRICT { .name = "strict", \
	.help = "any row rejected: write nothing" }
#define O_TAKE { .name = "take-stock", \
	.help = "take stock for the lines of new orders" }
#define O_TSV { .name = "tsv", .help = "the file is TSV (so is a .tsv name)" }

/* Records match on their key fields or --key; orders on order_ref, and
 * inventory on sku, only. */
static const struct crm_optdef record_opts[] = {
	O_DELIMITER, O_DRY_RUN, O_ENCODING, O_IGNORE, O_JSON, O_KEY, O_MAP,
	O_MAX, O_MODE, O_REJECTS, O_STRICT, O_TSV,
	{ 0 }
};

static const struct crm_optdef order_opts[] = {
	O_DELIMITER, O_DRY_RUN, O_ENCODING, O_IGNORE, O_JSON, O_MAP, O_MAX,
	O_MODE, O_REJECTS, O_STRICT, O_TAKE, O_TSV,
	{ 0 }
};

static const struct crm_optdef inventory_opts[] = {
	O_DELIMITER, O_DRY_RUN, O_ENCODING, O_IGNORE, O_JSON, O_MAP, O_MAX,
	O_MISSING, O_REJECTS, O_STRICT, O_TSV,
	{ 0 }
};

#define W CRM_DB_WRITER

static const struct crm_verb verbs[] = {
	{ "customers", cmd_customers, 0, W, "FILE|-",
	  "Import customers", record_opts },
	{ "contacts", cmd_contacts, 0, W, "FILE|-",
	  "Import contacts", record_opts },
	{ "products", cmd_products, 0, W, "FILE|-",
	  "Import products", record_opts },
	{ "orders", cmd_orders, 0, W, "FILE|-",
	  "Import orders, one row per order line", order_opts },
	{ "inventory", cmd_inventory, 0, W, "FILE|-",
	  "Set the stock of products by SKU (the ERP's stock sync)",
	  inventory_opts },
	{ "deals", cmd_deals, 0, W, "FILE|-",
	  "Import deals", record_opts },
	{ "tickets", cmd_tickets, 0, W, "FILE|-",
	  "Import tickets", record_opts },
	{ "activities", cmd_activities, 0, W, "FILE|-",
	  "Import activities", record_opts },
	{ "campaign-members", cmd_members, 0, W, "FILE|-",
	  "Import the members of campaigns", record_opts },
	{ "log", cmd_log, CRM_O_FORMAT, CRM_DB_READER, NULL,
	  "List the import batches", NULL },
	{ "revert", cmd_revert, 0, W, "BATCH",
	  "Undo a batch, unless its records changed since", NULL },
	{ NULL, NULL, 0, CRM_DB_NONE, NULL, NULL, NULL }
};

static const struct crm_command command = {
	"crm-import", NULL, "Import records in batches, and undo them", verbs
};

int
main(int argc, char **argv)
{
	return crm_main(argc, argv, &command);
}
