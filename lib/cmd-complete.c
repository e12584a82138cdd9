/*
 * cmd-complete.c - the hidden --completion-helper [VERB [WORD...]] that
 * the shells' completions ask (completions/): a binary's verbs, a verb's
 * options, an option's values, or the values of the next operand, read
 * from the same tables as the parsing and the help, so that nothing is
 * written twice.  Field names come from the database when it opens.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "cmd-int.h"
#include "custom.h"
#include "banned.h"

/*
 * The fields of e for completion: with the custom fields of the database
 * the command would use ($CRM_DB or the default), when there is one and it
 * opens; the built-in ones otherwise.  Never an error: a completion that
 * cannot read the database offers what it knows.
 */
static void
completion_fields(const struct crm_entity *e, struct crm_fieldset *fs)
{
	struct crm_buf path = CRM_BUF_INIT;
	struct crm_err err = CRM_ERR_INIT;
	struct crm_db db;

	memset(&db, 0, sizeof(db));
	crm_fieldset_builtin(fs, e);
	if (crm_db_resolve(NULL, &path, &err) == 0 &&
	    crm_db_open(&db, path.buf, CRM_DB_READ, &err) == 0) {
		crm_fieldset_release(fs);
		crm_fieldset_load(fs, &db, e, &err);
	}
	crm_db_close(&db);
	crm_err_release(&err);
	crm_buf_release(&path);
}

/*
 * The values of the next operand of verb v, given the words typed after
 * the verb (words[0..n-1], options among them).  Read from the verb's
 * usage operands, so that nothing is written twice: the k-th of them
 * ("[...]" stripped; the last repeats when it ends in "...") is
 *   a|b|c     the words a, b, c (lowercase: a sub-verb)
 *   N..M      the numbers N to M
 *   ENTITY    the entities that take custom fields
 *   NAME      after ENTITY, that entity's custom fields; where the verb
 *             makes a field (it has --type), a new name, so none: only
 *             the enum fields with --values, any with --index alone,
 *             which add to a field that exists
 *   FIELD     in capitals: the values of the entity's enum field
 * and anything else (an id, a file) has none.
 */
static void
complete_operand(const struct crm_command *cmd, const struct crm_verb *v,
	const struct crm_entity *e, int n, char **words)
{
	const char *ops = v->operands, *p, *tok = NULL;
	char t[64], prev[64] = "", *argv_ops[16];
	struct crm_fieldset fs = CRM_FIELDSET_INIT;
	const struct crm_entity *ent = NULL;
	size_t len = 0, i;
	int k = 0, nops = 0, j;
	long lo, hi;
	unsigned given = 0;
	enum { GIVEN_TYPE = 1, GIVEN_VALUES = 2, GIVEN_INDEX = 4 };

	if (!ops)
		return;
	for (j = 0; j < n; j++) {
		if (!strcmp(words[j], "--"))
			return;
		if (words[j][0] == '-' && words[j][1] == '-') {
			size_t l = strcspn(words[j] + 2, "=");

			if (l == 4 && !strncmp(words[j] + 2, "type", 4))
				given |= GIVEN_TYPE;
			else if (l == 6 && !strncmp(words[j] + 2, "values", 6))
				given |= GIVEN_VALUES;
			else if (l == 5 && !strncmp(words[j] + 2, "index", 5))
				given |= GIVEN_INDEX;
		}
		if (words[j][0] == '-' && words[j][1]) {
			/* The word being completed is the option's value. */
			if (cmd_takes_arg(cmd, words[j]) && ++j == n)
				return;
			continue;
		}
		if (k < 16)
			argv_ops[k] = words[j];
		k++;
	}
	/* The k-th operand token, and the one before it. */
	for (p = ops; *p; ) {
		size_t l;

		p += strspn(p, " ");
		l = strcspn(p, " ");
		if (!l)
			break;
		if (tok && len < sizeof(prev))
			snprintf(prev, sizeof(prev), "%.*s", (int)len, tok);
		tok = p;
		len = l;
		if (nops++ == k)
			break;
		p += l;
	}
	if (!tok || (nops <= k && !strstr(tok, "...")))
		return;
	/* "[X]" and "X...": the name alone ("1..5" keeps its dots). */
	if (*tok == '[') {
		tok++;
		len--;
	}
	snprintf(t, sizeof(t), "%.*s", (int)len, tok);
	t[strcspn(t, "]")] = '\0';
	if (strstr(t, "..."))
		*strstr(t, "...") = '\0';
	if (sscanf(t, "%ld..%ld", &lo, &hi) == 2) {
		for (; lo <= hi; lo++)
			printf("%ld\n", lo);
		return;
	}
	if (islower((unsigned char)t[0])) {
		for (p = t; *p; p += *p == '|') {
			size_t l = strcspn(p, "|");

			printf("%.*s\n", (int)l, p);
			p += l;
		}
		return;
	}
	if (!strcmp(t, "ENTITY")) {
		for (i = 0; crm_entities[i]; i++)
			if (!strchr(crm_entities[i]->name, ' '))
				printf("%s\n", crm_entities[i]->name);
		return;
	}
	if (!strcmp(t, "NAME") && !strcmp(prev, "ENTITY") && k > 0 &&
	    k <= 16 && (ent = crm_entity_find(argv_ops[k - 1]))) {
		int makes = 0;

		for (j = 0; v->opts && v->opts[j].name; j++)
			if (!strcmp(v->opts[j].name, "type"))
				makes = 1;
		if (makes && ((given & GIVEN_TYPE) ||
		    !(given & (GIVEN_VALUES | GIVEN_INDEX))))
			return;
		completion_fields(ent, &fs);
		for (i = 0; i < fs.n; i++)
			if ((fs.f[i]->flags & CRM_F_CUSTOM) &&
			    (!makes || !(given & GIVEN_VALUES) ||
			    fs.f[i]->type == CRM_T_ENUM))
				printf("%s\n", fs.f[i]->name);
		crm_fieldset_release(&fs);
		return;
	}
	if (!e)
		return;
	for (p = t; *p; p++)
		if (!isupper((unsigned char)*p) && *p != '_')
			return;
	for (j = 0; t[j]; j++)
		t[j] = (char)tolower((unsigned char)t[j]);
	completion_fields(e, &fs);
	for (i = 0; i < fs.n; i++)
		if (!strcmp(fs.f[i]->name, t) &&
		    fs.f[i]->type == CRM_T_ENUM) {
			const char *const *val;

			for (val = fs.f[i]->values; *val; val++)
				printf("%s\n", *val);
		}
	crm_fieldset_release(&fs);
}

void
cmd_complete(const struct crm_command *cmd, int argc, char **argv)
{
	const struct crm_entity *e = cmd->entity ?
		crm_entity_find(cmd->entity) : NULL;
	struct crm_fieldset fs = CRM_FIELDSET_INIT;
	const struct crm_verb *v;
	const struct common *c;
	const char *opt;
	size_t i;

	if (argc < 1) {
		for (v = cmd->verbs; v->name; v++)
			printf("%s\n", v->name);
		return;
	}
	v = cmd_find_verb(cmd, argv[0]);
	if (!v)
		return;
	if (argc < 2) {
		for (c = cmd_commons; c->name; c++)
			if (!c->group || (c->group & v->groups))
				printf("--%s\n", c->name);
		if (v->opts) {
			const struct crm_optdef *o;

			for (o = v->opts; o->name; o++)
				printf("--%s\n", o->name);
		}
		for (i = 0; e && (v->groups & CRM_O_FIELDS) &&
		    i < e->nfields; i++)
			if (cmd_settable(&e->fields[i]))
				printf("--%s\n", cmd_field_option(&e->fields[i]));
		return;
	}
	/* Values of the next operand, after the words typed so far. */
	if (!strcmp(argv[1], "--")) {
		complete_operand(cmd, v, e, argc - 2, argv + 2);
		return;
	}
	/* Values of an option. */
	opt = argv[1];
	while (*opt == '-')
		opt++;
	if (!strcmp(opt, "format") || !strcmp(opt, "f")) {
		printf("table\ntsv\ncsv\njson\n");
		return;
	}
	if (v->opts) {
		const struct crm_optdef *o;

		for (o = v->opts; o->name; o++)
			if (!strcmp(o->name, opt) && o->values) {
				const char *p = o->values;

				while (*p) {
					size_t n = strcspn(p, " ");

					printf("%.*s\n", (int)n, p);
					p += n + (p[n] == ' ');
				}
				return;
			}
	}
	if (!e)
		return;
	completion_fields(e, &fs);
	if (!strcmp(opt, "fields") || !strcmp(opt, "o") ||
	    !strcmp(opt, "sort") || !strcmp(opt, "where") ||
	    !strcmp(opt, "set")) {
		if (!strcmp(opt, "fields") || !strcmp(opt, "o"))
			printf("all\n");
		for (i = 0; i < fs.n; i++)
			if (strcmp(opt, "set") ||
			    !(fs.f[i]->flags & CRM_F_READONLY))
				printf("%s%s\n", fs.f[i]->name,
					!strcmp(opt, "set") ? "=" : "");
		/* REF.FIELD: the fields of what a reference names. */
		for (i = 0; strcmp(opt, "set") && i < fs.n; i++) {
			const struct crm_entity *re;
			size_t j;

			if (fs.f[i]->type != CRM_T_REF ||
			    !(re = crm_entity_find(fs.f[i]->ref)))
				continue;
			for (j = 0; j < re->nfields; j++)
				if (crm_ref_followable(&re->fields[j]))
					printf("%s.%s\n", fs.f[i]->name,
						re->fields[j].name);
		}
		crm_fieldset_release(&fs);
		return;
	}
	/* A field's values: its option's, or after FIELD= in --where and
	 * --set (the shells ask for "--FIELD" then). */
	for (i = 0; i < fs.n; i++) {
		const struct crm_field *f = fs.f[i];

		if (strcmp(cmd_field_option(f), opt) && strcmp(f->name, opt))
			continue;
		if (f->type == CRM_T_ENUM) {
			const char *const *val;

			for (val = f->values; *val; val++)
				printf("%s\n", *val);
		} else if (f->type == CRM_T_BOOL) {
			printf("yes\nno\n");
		}
		break;
	}
	crm_fieldset_release(&fs);
}
