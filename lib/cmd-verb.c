/*
 * cmd-verb.c - what a verb's function calls besides its own work (cmd.h):
 * its options' values, a usage error or ctx->err reported with the exit
 * status that goes with it, every id operand in turn (arguments, or the
 * lines of stdin after "-"), and the start of its output.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "banned.h"

int
crm_usage_error(const struct crm_ctx *ctx, const char *fmt, ...)
{
	struct crm_buf b = CRM_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	crm_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	if (ctx->verb)
		crm_warn("%s; see '%s %s --help'", b.buf, ctx->cmd->name,
			ctx->verb->name);
	else
		crm_warn("%s; see '%s --help'", b.buf, ctx->cmd->name);
	crm_buf_release(&b);
	return CRM_EX_USAGE;
}

int
crm_fail(struct crm_ctx *ctx)
{
	int code = crm_report(&ctx->err);

	crm_err_clear(&ctx->err);
	return code;
}

const char *const *
crm_opt_all(const struct crm_ctx *ctx, const char *name, size_t *n)
{
	size_t i;

	*n = 0;
	if (!ctx->verb->opts)
		return NULL;
	for (i = 0; ctx->verb->opts[i].name; i++)
		if (!strcmp(ctx->verb->opts[i].name, name)) {
			if (!ctx->optvals[i])
				return NULL;
			while (ctx->optvals[i][*n])
				(*n)++;
			return ctx->optvals[i];
		}
	return NULL;
}

const char *
crm_opt(const struct crm_ctx *ctx, const char *name)
{
	const char *const *v;
	size_t n;

	v = crm_opt_all(ctx, name, &n);
	return n ? v[n - 1] : NULL;
}

/* The header of a list piped in: "id", ctx->id_header, or the name of a
 * field that names a record as the id does (email, ref, sku). */
static int
is_header(const struct crm_ctx *ctx, const char *line)
{
	size_t i;

	if (!strcmp(line, "id") ||
	    (ctx->id_header && !strcmp(line, ctx->id_header)))
		return 1;
	for (i = 0; ctx->entity && !ctx->id_header &&
	    i < ctx->entity->nfields; i++)
		if ((ctx->entity->fields[i].flags & CRM_F_KEY) &&
		    !strcmp(ctx->entity->fields[i].name, line))
			return 1;
	return 0;
}

int
crm_each_id(struct crm_ctx *ctx, int (*fn)(struct crm_ctx *ctx,
	const char *key, void *arg), void *arg)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int i, worst = 0, code, first = 1;

	if (!ctx->argc)
		return crm_usage_error(ctx, "no %s given",
			ctx->verb->operands ? ctx->verb->operands : "id");
	for (i = 0; i < ctx->argc; i++) {
		if (strcmp(ctx->argv[i], "-")) {
			if (fn(ctx, ctx->argv[i], arg) < 0) {
				code = crm_fail(ctx);
				if (code > worst)
					worst = code;
			}
			continue;
		}
		while ((len = getline(&line, &cap, stdin)) > 0) {
			char *tab = strchr(line, '\t');

			if (tab)
				*tab = '\0';
			line[strcspn(line, "\r\n")] = '\0';
			/* Blank lines are skipped wherever they are, so
			 * the header is the first line that is not. */
			if (!*line)
				continue;
			if (first) {
				first = 0;
				if (is_header(ctx, line))
					continue;
			}
			if (fn(ctx, line, arg) < 0) {
				code = crm_fail(ctx);
				if (code > worst)
					worst = code;
			}
		}
		if (ferror(stdin)) {
			crm_warn("cannot read ids from stdin: %s",
				strerror(errno));
			worst = CRM_EX_IOERR;
		}
	}
	free(line);
	return worst;
}

void
crm_out_fields(struct crm_ctx *ctx, struct crm_out *out,
	const struct crm_field *const *fields, size_t n)
{
	const char **names = crm_xcalloc(n + 1, sizeof(*names));
	size_t i;

	for (i = 0; i < n; i++)
		names[i] = fields[i]->name;
	crm_out_begin(out, stdout, ctx->fmt, ctx->header, names, n);
	free(names);
}
