/*
 * cmd-int.h - what the parts of every binary's main loop share (private
 * to lib/cmd*.c; cmd.h is the public face).  Nothing else includes it.
 *
 * cmd.c parses the command line and runs the verb (crm_main()); cmd-help.c
 * writes the usage lines, --help and --version from the same tables, and
 * cmd-complete.c answers --completion-helper from them.  They share the
 * table of the common options, how a field is named as an option, and
 * the lookups of a verb and of whether an option takes a value.  Names
 * shared between them carry cmd_.
 */
#ifndef CRM_CMD_INT_H
#define CRM_CMD_INT_H

#include <stdio.h>

#include "cmd.h"

/* An option every verb takes, or every verb of an option group. */
struct common {
	const char *name;
	int has_arg, id, shortopt;
	unsigned group;		/* 0: every verb */
	const char *arg, *help;
};

/* The common options, sorted by name; ends with { NULL }. */
extern const struct common cmd_commons[];

/* A field's option name: its name with '_' written '-'.  Static storage,
 * until the next call. */
const char *cmd_field_option(const struct crm_field *f);

/* Can a verb's --FIELD option set field f (not read-only, not custom)? */
int cmd_settable(const struct crm_field *f);

/* The verb of cmd called name, or NULL. */
const struct crm_verb *cmd_find_verb(const struct crm_command *cmd,
	const char *name);

/* Does option arg ("-d", "--status") of any verb of cmd take a value
 * in the next word? */
int cmd_takes_arg(const struct crm_command *cmd, const char *arg);

/* ---- what a binary says about itself (cmd-help.c) ---------------------- */

/* A verb's --help into b: its usage, options, and fields of e (or NULL). */
void cmd_verb_help(struct crm_buf *b, const struct crm_command *cmd,
	const struct crm_verb *v, const struct crm_entity *e);

/* The binary's --help into b: every verb's usage and summary. */
void cmd_command_help(struct crm_buf *b, const struct crm_command *cmd);

/* The usage lines of every verb to fp, as a missing verb shows them. */
void cmd_usage_lines(const struct crm_command *cmd, FILE *fp);

/* --version on stdout: crm's version and the libraries it runs on. */
void cmd_print_version(const struct crm_command *cmd);

/* ---- the completion helper (cmd-complete.c) ---------------------------- */

/* Answer --completion-helper on stdout, given the words after it. */
void cmd_complete(const struct crm_command *cmd, int argc, char **argv);

#endif
