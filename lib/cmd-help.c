/*
 * cmd-help.c - what a binary says about itself, made from the same tables
 * it parses with: the usage lines (SPEC 3.1), --help for the binary and
 * for each verb (the man pages' SYNOPSIS, checked by tests/cli/docs.bats),
 * and --version.
 */
#include <stdio.h>
#include <string.h>

#include "cmd-int.h"
#include "banned.h"

#ifndef CRM_VERSION
#define CRM_VERSION "0.1.0"
#endif
const char crm_version[] = CRM_VERSION;

static void
verb_synopsis(struct crm_buf *b, const struct crm_command *cmd,
	const struct crm_verb *v)
{
	crm_buf_addf(b, "%s %s", cmd->name, v->name);
	if (v->groups & CRM_O_FORMAT)
		crm_buf_adds(b, " [-H] [-f FORMAT]");
	if (v->groups & CRM_O_COLUMNS)
		crm_buf_adds(b, " [-o FIELDS]");
	crm_buf_adds(b, " [-d DB]");
	if (v->groups & CRM_O_SELECT)
		crm_buf_adds(b, " [--where EXPR]... [--sort FIELDS]"
			" [--limit N] [--offset N]");
	if (v->opts) {
		const struct crm_optdef *o;

		for (o = v->opts; o->name; o++) {
			crm_buf_addf(b, o->required ? " --%s" : " [--%s",
				o->name);
			if (o->arg)
				crm_buf_addf(b, " %s", o->arg);
			crm_buf_adds(b, o->required ? "" : "]");
			if (o->multi)
				crm_buf_adds(b, "...");
		}
	}
	if (v->groups & CRM_O_FIELDS)
		crm_buf_adds(b, " [--FIELD VALUE]... [--set FIELD=VALUE]...");
	if (v->operands)
		crm_buf_addf(b, " %s", v->operands);
}

static void
opt_line(struct crm_buf *b, int shortopt, const char *name, const char *arg,
	const char *help)
{
	size_t start = b->len, w;

	if (shortopt)
		crm_buf_addf(b, "  -%c, --%s", shortopt, name);
	else
		crm_buf_addf(b, "      --%s", name);
	if (arg)
		crm_buf_addf(b, " %s", arg);
	w = b->len - start;
	if (w < 27) {
		while (w++ < 28)
			crm_buf_addch(b, ' ');
	} else {
		crm_buf_adds(b, "\n                            ");
	}
	crm_buf_addf(b, "%s\n", help);
}

/* A field option's argument in help: its values, or its type's name. */
static void
field_arg(const struct crm_field *f, struct crm_buf *arg)
{
	const char *const *v;
	size_t i;

	switch (f->type) {
	case CRM_T_ENUM:
		for (v = f->values; *v; v++)
			crm_buf_addf(arg, "%s%s", v == f->values ? "" : "|", *v);
		return;
	case CRM_T_BOOL:
		crm_buf_adds(arg, "yes|no");
		return;
	case CRM_T_REF:
		crm_buf_adds(arg, f->ref);
		break;
	case CRM_T_MLTEXT:
		crm_buf_adds(arg, "text");
		break;
	default:
		crm_buf_adds(arg, crm_type_name(f->type));
	}
	for (i = 0; i < arg->len; i++)
		if (arg->buf[i] >= 'a' && arg->buf[i] <= 'z')
			arg->buf[i] = (char)(arg->buf[i] - 32);
		else if (arg->buf[i] == ' ')
			arg->buf[i] = '_';
}

void
cmd_verb_help(struct crm_buf *b, const struct crm_command *cmd,
	const struct crm_verb *v, const struct crm_entity *e)
{
	const struct common *c;
	size_t i;

	crm_buf_adds(b, "usage: ");
	verb_synopsis(b, cmd, v);
	crm_buf_addf(b, "\n\n%s.\n\nOptions:\n", v->summary);
	for (c = cmd_commons; c->name; c++)
		if (!c->group || (c->group & v->groups))
			opt_line(b, c->shortopt, c->name, c->arg, c->help);
	if (v->opts) {
		const struct crm_optdef *o;

		for (o = v->opts; o->name; o++)
			opt_line(b, 0, o->name, o->arg, o->help);
	}
	if (e && (v->groups & CRM_O_FIELDS)) {
		int add = !strcmp(v->name, "add");

		crm_buf_adds(b, add ? "\nFields (required ones marked *):\n" :
			"\nFields (an empty VALUE clears one):\n");
		for (i = 0; i < e->nfields; i++) {
			const struct crm_field *f = &e->fields[i];
			struct crm_buf h = CRM_BUF_INIT, arg = CRM_BUF_INIT;

			if (!cmd_settable(f))
				continue;
			crm_buf_addf(&h, "%s%s", add &&
				(f->flags & CRM_F_REQUIRED) ? "* " : "",
				f->help);
			if (add && f->def && strcmp(f->def, "now"))
				crm_buf_addf(&h, " (default %s)", f->def);
			field_arg(f, &arg);
			opt_line(b, 0, cmd_field_option(f), arg.buf, h.buf);
			crm_buf_release(&h);
			crm_buf_release(&arg);
		}
	}
	if (e && (v->groups & (CRM_O_COLUMNS | CRM_O_SELECT))) {
		crm_buf_adds(b, "\nFields:");
		for (i = 0; i < e->nfields; i++)
			crm_buf_addf(b, " %s", e->fields[i].name);
		crm_buf_addch(b, '\n');
	}
	crm_buf_addf(b, "\nSee %s(1).\n", cmd->name);
}

void
cmd_command_help(struct crm_buf *b, const struct crm_command *cmd)
{
	const struct crm_verb *v;

	crm_buf_adds(b, "usage:");
	for (v = cmd->verbs; v->name; v++) {
		crm_buf_adds(b, v == cmd->verbs ? " " : "       ");
		verb_synopsis(b, cmd, v);
		crm_buf_addch(b, '\n');
	}
	crm_buf_addf(b, "\n%s.\n\nVerbs:\n", cmd->summary);
	for (v = cmd->verbs; v->name; v++)
		crm_buf_addf(b, "  %-10s %s\n", v->name, v->summary);
	crm_buf_addf(b, "\n'%s VERB --help' shows a verb's options; "
		"see %s(1).\n", cmd->name, cmd->name);
}

/* The usage lines of every verb, as a missing or unknown verb shows
 * them (SPEC 3.1). */
void
cmd_usage_lines(const struct crm_command *cmd, FILE *fp)
{
	struct crm_buf b = CRM_BUF_INIT;
	const struct crm_verb *v;

	for (v = cmd->verbs; v->name; v++) {
		crm_buf_adds(&b, v == cmd->verbs ? "usage: " : "       ");
		verb_synopsis(&b, cmd, v);
		crm_buf_addch(&b, '\n');
	}
	fputs(b.buf, fp);
	crm_buf_release(&b);
}

void
cmd_print_version(const struct crm_command *cmd)
{
	struct crm_buf libs = CRM_BUF_INIT;

	crm_db_libraries(&libs);
	printf("%s (crm) %s\n%s", cmd->name, crm_version, libs.buf);
	crm_buf_release(&libs);
}
