/*
 * cmd.c - every binary's main loop (crm_main(), cmd.h): the table of the
 * common options, the verb found among the words, the options parsed
 * with getopt_long, the database opened, --where, --sort and --fields
 * compiled, the verb run and stdout checked.  The help and usage text is
 * in cmd-help.c, the completion helper in cmd-complete.c, what verbs
 * call in cmd-verb.c; what they share with this file, in cmd-int.h.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd-int.h"
#include "custom.h"
#include "value.h"
#include "banned.h"

/* Common options: identifiers above any char, below field options. */
enum {
	O_DB = 256, O_QUIET, O_VERBOSE, O_HELP, O_VERSION,
	O_FORMAT, O_NOHEADER, O_FIELDS,
	O_WHERE, O_SORT, O_LIMIT, O_OFFSET,
	O_SET, O_BOM, O_ENCODING,
	O_VERB = 1000,		/* + index into verb->opts */
	O_FIELD = 2000		/* + index into the entity's fields */
};

const struct common cmd_commons[] = {
	{ "bom", 0, O_BOM, 0, CRM_O_FORMAT, NULL,
	  "start the output with a byte-order mark (for Excel)" },
	{ "db", 1, O_DB, 'd', 0, "DB",
	  "the database file (else $CRM_DB, else ~/.local/share/crm/crm.db)" },
	{ "encoding", 1, O_ENCODING, 0, CRM_O_FORMAT, "NAME",
	  "write in encoding NAME, not UTF-8 (GB18030, GBK, LATIN1...)" },
	{ "fields", 1, O_FIELDS, 'o', CRM_O_COLUMNS, "FIELDS",
	  "columns to write, comma-separated, or 'all'; REF.FIELD "
	  "writes a field of what a reference names" },
	{ "format", 1, O_FORMAT, 'f', CRM_O_FORMAT, "FORMAT",
	  "table, tsv, csv or json" },
	{ "help", 0, O_HELP, 'h', 0, NULL, "show this help" },
	{ "limit", 1, O_LIMIT, 0, CRM_O_SELECT, "N", "at most N records" },
	{ "no-header", 0, O_NOHEADER, 'H', CRM_O_FORMAT, NULL,
	  "no header line" },
	{ "offset", 1, O_OFFSET, 0, CRM_O_SELECT, "N", "skip N records" },
	{ "quiet", 0, O_QUIET, 'q', 0, NULL, "say less on stderr" },
	{ "set", 1, O_SET, 0, CRM_O_FIELDS, "FIELD=VALUE",
	  "set any field, custom fields too (repeatable)" },
	{ "sort", 1, O_SORT, 0, CRM_O_SELECT, "FIELDS",
	  "order by these fields, comma-separated; -FIELD descends" },
	{ "verbose", 0, O_VERBOSE, 'v', 0, NULL, "say more on stderr" },
	{ "version", 0, O_VERSION, 'V', 0, NULL, "show the version" },
	{ "where", 1, O_WHERE, 0, CRM_O_SELECT, "EXPR",
	  "only records where FIELD OP VALUE holds (repeatable)" },
	{ NULL, 0, 0, 0, 0, NULL, NULL }
};

/* A field's option name: its name with '_' written '-'.  Static. */
const char *
cmd_field_option(const struct crm_field *f)
{
	static char buf[64];
	size_t i;

	for (i = 0; f->name[i] && i + 1 < sizeof(buf); i++)
		buf[i] = f->name[i] == '_' ? '-' : f->name[i];
	buf[i] = '\0';
	return buf;
}

int
cmd_settable(const struct crm_field *f)
{
	return !(f->flags & (CRM_F_READONLY | CRM_F_CUSTOM));
}

const struct crm_verb *
cmd_find_verb(const struct crm_command *cmd, const char *name)
{
	const struct crm_verb *v;

	for (v = cmd->verbs; v->name; v++)
		if (!strcmp(v->name, name))
			return v;
	return NULL;
}

/* Is arg an option some verb of cmd knows (its name before any '=')? */
static int
known_option(const struct crm_command *cmd, const char *arg)
{
	const struct crm_entity *e = cmd->entity ?
		crm_entity_find(cmd->entity) : NULL;
	const struct crm_verb *v;
	const struct common *c;
	size_t n, i;

	if (arg[1] != '-') {
		for (c = cmd_commons; c->name; c++)
			if (c->shortopt && c->shortopt == arg[1])
				return 1;
		return arg[1] >= '0' && arg[1] <= '9';
	}
	arg += 2;
	n = strcspn(arg, "=");
	for (c = cmd_commons; c->name; c++)
		if (strlen(c->name) == n && !strncmp(c->name, arg, n))
			return 1;
	for (v = cmd->verbs; v->name; v++)
		if (v->opts) {
			const struct crm_optdef *o;

			for (o = v->opts; o->name; o++)
				if (strlen(o->name) == n &&
				    !strncmp(o->name, arg, n))
					return 1;
		}
	for (i = 0; e && i < e->nfields; i++) {
		const char *name = cmd_field_option(&e->fields[i]);

		if (strlen(name) == n && !strncmp(name, arg, n))
			return 1;
	}
	return 0;
}

/* Does option name (no dashes) of any verb take an argument? */
int
cmd_takes_arg(const struct crm_command *cmd, const char *arg)
{
	const struct crm_entity *e = cmd->entity ?
		crm_entity_find(cmd->entity) : NULL;
	const struct crm_verb *v;
	const struct common *c;
	size_t i;

	if (arg[1] != '-')	/* short: -d DB, -f FORMAT, -o LIST */
		return !arg[2] && (arg[1] == 'd' || arg[1] == 'f' ||
			arg[1] == 'o');
	arg += 2;
	if (strchr(arg, '='))
		return 0;
	for (c = cmd_commons; c->name; c++)
		if (!strcmp(c->name, arg))
			return c->has_arg;
	for (v = cmd->verbs; v->name; v++)
		if (v->opts) {
			const struct crm_optdef *o;

			for (o = v->opts; o->name; o++)
				if (!strcmp(o->name, arg))
					return o->arg != NULL;
		}
	for (i = 0; e && i < e->nfields; i++)
		if (!strcmp(cmd_field_option(&e->fields[i]), arg))
			return 1;
	return 0;
}

/* ---- parsing ----------------------------------------------------------- */

struct parsed {
	const char *db, *format, *fields, *sort, *limit, *offset, *encoding;
	const char **where, **sets;
	size_t nwhere, nsets;
	int help, version, noheader, bom;
};

static int
parse_count(const struct crm_ctx *ctx, const char *opt, const char *s,
	int64_t *v)
{
	struct crm_err e = CRM_ERR_INIT;

	if (crm_parse_count(s, 0, v, &e) < 0) {
		crm_err_release(&e);
		return crm_usage_error(ctx, "invalid --%s '%s': expected a "
			"whole number of 0 or more", opt, s);
	}
	return 0;
}

/* Add a value to a verb option's NULL-terminated list. */
static void
opt_push(const char ***list, const char *v)
{
	size_t n = 0;

	if (*list)
		while ((*list)[n])
			n++;
	*list = crm_xrealloc(*list, (n + 2) * sizeof(**list));
	(*list)[n] = v;
	(*list)[n + 1] = NULL;
}

static int
parse_options(struct crm_ctx *ctx, int argc, char **argv, struct parsed *p)
{
	const struct crm_verb *v = ctx->verb;
	const struct crm_entity *e = ctx->entity;
	struct option *lo;
	struct crm_buf shorts = CRM_BUF_INIT;
	const struct common *c;
	size_t n = 0, i, nopts = 0;
	int ch, ret = 0;

	if (v->opts)
		while (v->opts[nopts].name)
			nopts++;
	ctx->optvals = crm_xcalloc(nopts + 1, sizeof(*ctx->optvals));
	lo = crm_xcalloc(sizeof(cmd_commons) / sizeof(cmd_commons[0]) + nopts +
		(e ? e->nfields : 0) + 1, sizeof(*lo));
	crm_buf_adds(&shorts, ":");
	for (c = cmd_commons; c->name; c++) {
		if (c->group && !(c->group & v->groups))
			continue;
		lo[n].name = c->name;
		lo[n].has_arg = c->has_arg ? required_argument : no_argument;
		lo[n].val = c->id;
		n++;
		if (c->shortopt)
			crm_buf_addf(&shorts, "%c%s", c->shortopt,
				c->has_arg ? ":" : "");
	}
	for (i = 0; i < nopts; i++, n++) {
		lo[n].name = v->opts[i].name;
		lo[n].has_arg = v->opts[i].arg ? required_argument :
			no_argument;
		lo[n].val = O_VERB + (int)i;
	}
	if (e && (v->groups & CRM_O_FIELDS))
		for (i = 0; i < e->nfields; i++) {
			if (!cmd_settable(&e->fields[i]))
				continue;
			lo[n].name = crm_strdup(cmd_field_option(&e->fields[i]));
			lo[n].has_arg = required_argument;
			lo[n].val = O_FIELD + (int)i;
			n++;
		}

	opterr = 0;
	optind = 0;	/* glibc: reinitialize */
	while ((ch = getopt_long(argc, argv, shorts.buf, lo, NULL)) != -1) {
		switch (ch) {
		case 'd': case O_DB: p->db = optarg; break;
		case 'f': case O_FORMAT: p->format = optarg; break;
		case 'o': case O_FIELDS: p->fields = optarg; break;
		case 'H': case O_NOHEADER: p->noheader = 1; break;
		case 'q': case O_QUIET: crm_verbosity = -1; break;
		case 'v': case O_VERBOSE: crm_verbosity++; break;
		case 'h': case O_HELP: p->help = 1; break;
		case 'V': case O_VERSION: p->version = 1; break;
		case O_SORT: p->sort = optarg; break;
		case O_LIMIT: p->limit = optarg; break;
		case O_OFFSET: p->offset = optarg; break;
		case O_BOM: p->bom = 1; break;
		case O_ENCODING: p->encoding = optarg; break;
		case O_WHERE:
			p->where = crm_xrealloc(p->where,
				(p->nwhere + 1) * sizeof(char *));
			p->where[p->nwhere++] = optarg;
			break;
		case O_SET:
			p->sets = crm_xrealloc(p->sets,
				(p->nsets + 1) * sizeof(char *));
			p->sets[p->nsets++] = optarg;
			break;
		case ':':
			ret = crm_usage_error(ctx, "option '%s' needs a value",
				argv[optind - 1]);
			goto out;
		case '?':
			if (optopt && optopt < 256)
				ret = crm_usage_error(ctx,
					"unknown option '-%c'", optopt);
			else
				ret = crm_usage_error(ctx,
					"unknown option '%s'", argv[optind - 1]);
			goto out;
		default:
			if (ch >= O_FIELD)
				crm_assigns_add(&ctx->assigns,
					&e->fields[ch - O_FIELD], optarg);
			else if (ch >= O_VERB)
				opt_push(&ctx->optvals[ch - O_VERB],
					optarg ? optarg : "");
		}
	}
	ctx->argc = argc - optind;
	ctx->argv = argv + optind;
out:
	for (i = 0; i < n; i++)
		if (lo[i].val >= O_FIELD)
			free((char *)lo[i].name);
	free(lo);
	crm_buf_release(&shorts);
	return ret;
}

/* After the database is open: the fields, the query, the assignments. */
static int
compile(struct crm_ctx *ctx, const struct parsed *p)
{
	const struct crm_field **fields = NULL;
	size_t i, n;

	crm_query_init(&ctx->query, &ctx->fs);
	for (i = 0; i < p->nwhere; i++)
		if (crm_query_where(&ctx->query, &ctx->db, p->where[i],
		    &ctx->err) < 0)
			return crm_fail(ctx);
	if (p->sort && crm_query_sort(&ctx->query, p->sort, &ctx->err) < 0)
		return crm_fail(ctx);
	if (p->limit && parse_count(ctx, "limit", p->limit,
	    &ctx->query.limit))
		return CRM_EX_USAGE;
	if (p->offset && parse_count(ctx, "offset", p->offset,
	    &ctx->query.offset))
		return CRM_EX_USAGE;
	for (i = 0; i < p->nsets; i++)
		if (crm_assigns_set(&ctx->assigns, &ctx->fs, p->sets[i],
		    &ctx->err) < 0)
			return crm_fail(ctx);
	if (p->fields) {
		if (crm_fields_parse(&ctx->fs, p->fields, &fields, &n,
		    &ctx->err) < 0)
			return crm_fail(ctx);
		free(fields);
	}
	return 0;
}

/* Is stdout a pipe whose reader is gone?  (A failed write of stdio
 * keeps the error flag but not its errno.) */
static int
closed_pipe(void)
{
	struct pollfd p = { .fd = STDOUT_FILENO, .events = 0 };

	return poll(&p, 1, 0) == 1 && (p.revents & POLLERR);
}

static int
finish_stdout(int code)
{
	int e;

	errno = 0;
	if (*crm_out_errmsg()) {
		/* A character the encoding of --encoding has no place for. */
		fflush(stdout);
		crm_warn("%s", crm_out_errmsg());
		return code ? code : CRM_EX_DATAERR;
	}
	if (fflush(stdout) == EOF || ferror(stdout)) {
		e = crm_out_errno ? crm_out_errno : errno ? errno :
			closed_pipe() ? EPIPE : EIO;
		if (e == EPIPE)
			return code;
		crm_warn("cannot write output: %s", strerror(e));
		return code ? code : CRM_EX_IOERR;
	}
	return code;
}

/* Stands for the '-' of a negative number while getopt runs. */
#define NEGATIVE_MARK '\001'

/* A digit at s, ASCII or full width ("-１２" is a number too). */
static int
digit_at(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;

	return (u[0] >= '0' && u[0] <= '9') ||
		(u[0] == 0xEF && u[1] == 0xBC && u[2] >= 0x90 && u[2] <= 0x99);
}

int
crm_main(int argc, char **argv, const struct crm_command *cmd)
{
	struct crm_ctx ctx;
	struct parsed p;
	struct crm_buf path = CRM_BUF_INIT, help = CRM_BUF_INIT;
	char **args;
	int i, nargs = 0, verb = -1, code = 0;

	crm_progname = cmd->name;
	/* Output into a closed pipe ("| head") is an EPIPE on write, which
	 * ends the output quietly with status 0, not a kill by SIGPIPE. */
	signal(SIGPIPE, SIG_IGN);
	/* A file-size limit (ulimit -f) makes a write fail with EFBIG,
	 * reported and rolled back like a full disk, rather than kill the
	 * process without a word. */
	signal(SIGXFSZ, SIG_IGN);
	memset(&ctx, 0, sizeof(ctx));
	memset(&p, 0, sizeof(p));
	ctx.cmd = cmd;
	ctx.header = 1;
	ctx.entity = cmd->entity ? crm_entity_find(cmd->entity) : NULL;

	/* Find the verb: the first word that is no option or its value. */
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			break;
		if (!strcmp(argv[i], "--completion-helper")) {
			cmd_complete(cmd, argc - i - 1, argv + i + 1);
			return finish_stdout(0);
		}
		if (argv[i][0] == '-' && argv[i][1]) {
			if (cmd_takes_arg(cmd, argv[i]))
				i++;
			continue;
		}
		verb = i;
		break;
	}
	if (verb < 0) {
		for (i = 1; i < argc; i++) {
			if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
				cmd_command_help(&help, cmd);
				fputs(help.buf, stdout);
				crm_buf_release(&help);
				return finish_stdout(0);
			}
			if (!strcmp(argv[i], "--version") ||
			    !strcmp(argv[i], "-V")) {
				cmd_print_version(cmd);
				return finish_stdout(0);
			}
		}
		for (i = 1; i < argc && strcmp(argv[i], "--"); i++)
			if (argv[i][0] == '-' && !known_option(cmd, argv[i])) {
				crm_warn("unknown option '%s'; see '%s --help'",
					argv[i], cmd->name);
				return CRM_EX_USAGE;
			}
		crm_warn("no verb given");
		cmd_usage_lines(cmd, stderr);
		return CRM_EX_USAGE;
	}
	ctx.verb = cmd_find_verb(cmd, argv[verb]);
	if (!ctx.verb) {
		const struct crm_verb *v;

		for (v = cmd->verbs; v->name; v++)
			crm_buf_addf(&help, "%s%s", v == cmd->verbs ? "" : ", ",
				v->name);
		crm_warn("unknown verb '%s'; verbs: %s", argv[verb], help.buf);
		crm_buf_release(&help);
		return CRM_EX_USAGE;
	}

	/* A negative number ("stock SKU -5") is an operand, never an
	 * option: hide its dash from getopt behind a mark, restored after. */
	args = crm_xcalloc((size_t)argc + 1, sizeof(*args));
	for (i = 0; i < argc; i++)
		if (i != verb)
			args[nargs++] = argv[i];
	for (i = 1; i < nargs; i++)
		if (args[i][0] == '-' && digit_at(args[i] + 1))
			args[i][0] = NEGATIVE_MARK;
	code = parse_options(&ctx, nargs, args, &p);
	for (i = 0; i < nargs; i++)
		if (args[i][0] == NEGATIVE_MARK)
			args[i][0] = '-';
	if (code)
		goto out;
	if (p.help) {
		cmd_verb_help(&help, cmd, ctx.verb, ctx.entity);
		fputs(help.buf, stdout);
		goto out;
	}
	if (p.version) {
		cmd_print_version(cmd);
		goto out;
	}
	ctx.header = !p.noheader;
	ctx.fields = p.fields;
	if (p.format ? crm_out_parse_format(p.format, &ctx.fmt, &ctx.err) :
	    crm_out_default_format(stdout, &ctx.fmt, &ctx.err)) {
		code = crm_report(&ctx.err);
		goto out;
	}
	if (crm_out_encoding(p.encoding, p.bom, &ctx.err) < 0) {
		code = crm_usage_error(&ctx, "%s", ctx.err.msg.buf);
		goto out;
	}
	if (ctx.entity)
		crm_fieldset_builtin(&ctx.fs, ctx.entity);
	if (ctx.verb->access != CRM_DB_NONE) {
		if (crm_user_check(&ctx.err) < 0 ||
		    crm_db_resolve(p.db, &path, &ctx.err) < 0 ||
		    crm_db_open(&ctx.db, path.buf,
		    ctx.verb->access == CRM_DB_READER ? CRM_DB_READ : 0,
		    &ctx.err) < 0) {
			code = crm_report(&ctx.err);
			goto out;
		}
		/* The entity's fields as this database has them: the
		 * built-in ones and its custom fields. */
		if (ctx.entity) {
			crm_fieldset_release(&ctx.fs);
			if (crm_fieldset_load(&ctx.fs, &ctx.db, ctx.entity,
			    &ctx.err) < 0) {
				code = crm_report(&ctx.err);
				goto out;
			}
		}
	} else if (crm_db_resolve(p.db, &path, &ctx.err) < 0) {
		crm_err_clear(&ctx.err);
	}
	ctx.dbpath = path.buf;
	if (ctx.entity && (code = compile(&ctx, &p)) != 0)
		goto out;
	code = ctx.verb->fn(&ctx);
out:
	crm_db_close(&ctx.db);
	crm_query_release(&ctx.query);
	crm_assigns_release(&ctx.assigns);
	crm_fieldset_release(&ctx.fs);
	crm_err_release(&ctx.err);
	crm_buf_release(&path);
	crm_buf_release(&help);
	for (i = 0; ctx.optvals && ctx.verb->opts && ctx.verb->opts[i].name;
	    i++)
		free(ctx.optvals[i]);
	free(ctx.optvals);
	free(p.where);
	free(p.sets);
	free(args);
	return finish_stdout(code);
}
