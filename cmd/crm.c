/*
 * crm - the dispatcher: "crm NOUN ..." runs "crm-NOUN ...", found next to
 * this binary first and then on PATH, as git runs its commands.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "cmd.h"
#include "err.h"

static const char *const nouns[][2] = {
	{ "admin", "the database: init, migrate, check, stats" },
	{ "customer", "customers: people and companies" },
	{ "contact", "the people at a customer" },
	{ "product", "the catalog and its stock" },
	{ "order", "orders, their lines and their lifecycle" },
	{ "deal", "sales opportunities and their stages" },
	{ "ticket", "service requests, their status and rating" },
	{ "activity", "calls, emails, meetings, notes and tasks" },
	{ "campaign", "marketing campaigns and their members" },
	{ "field", "custom fields: add, list, drop" },
	{ "import", "batch import from CSV or TSV, the log, revert" },
	{ "report", "reports and analytics" },
};

#define NNOUNS (sizeof(nouns) / sizeof(nouns[0]))

static void
usage(FILE *fp)
{
	size_t i;

	fputs("usage: crm NOUN VERB [OPTION...] [ARG...]\n"
		"       crm help [NOUN]\n"
		"       crm --version\n\nNouns:\n", fp);
	for (i = 0; i < NNOUNS; i++)
		fprintf(fp, "  %-10s %s\n", nouns[i][0], nouns[i][1]);
	fputs("\n'crm help NOUN' shows a noun's verbs; see crm(7).\n", fp);
}

/* Exec crm-NOUN from this binary's folder, else from PATH. */
static void
run(const char *noun, char **argv)
{
	struct crm_buf prog = CRM_BUF_INIT, self = CRM_BUF_INIT;
	char exe[PATH_MAX];
	ssize_t n;

	crm_buf_addf(&prog, "crm-%s", noun);
	argv[0] = prog.buf;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		char *slash;

		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash) {
			crm_buf_add(&self, exe, (size_t)(slash - exe) + 1);
			crm_buf_adds(&self, prog.buf);
			execv(self.buf, argv);
		}
	}
	execvp(prog.buf, argv);
	if (errno == ENOENT)
		crm_die(CRM_EX_USAGE, "'%s' is not a crm command; see "
			"'crm --help'", noun);
	crm_die(CRM_EX_SOFTWARE, "cannot run '%s': %s", prog.buf,
		strerror(errno));
}

int
main(int argc, char **argv)
{
	static char help[] = "--help";

	crm_progname = "crm";
	if (argc < 2) {
		usage(stderr);
		return CRM_EX_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    (!strcmp(argv[1], "help") && argc == 2)) {
		usage(stdout);
		return fflush(stdout) ? CRM_EX_IOERR : CRM_EX_OK;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		printf("crm (crm) %s\n", crm_version);
		return fflush(stdout) ? CRM_EX_IOERR : CRM_EX_OK;
	}
	if (!strcmp(argv[1], "help")) {
		char *args[] = { NULL, help, NULL };

		run(argv[2], args);
	}
	if (argv[1][0] == '-')
		crm_die(CRM_EX_USAGE, "unknown option '%s'; see 'crm --help'",
			argv[1]);
	if (strchr(argv[1], '/'))
		crm_die(CRM_EX_USAGE, "'%s' is not a crm command", argv[1]);
	run(argv[1], argv + 1);
	return CRM_EX_SOFTWARE;
}
