/*
 * exit.h - the exit statuses of every crm binary (SPEC 3.7).
 *
 * The values follow sysexits(3).  cmd/ never returns a bare number; the
 * library never exits, it returns one of these through its callers.
 */
#ifndef CRM_EXIT_H
#define CRM_EXIT_H

enum crm_exit {
	CRM_EX_OK = 0,		/* success, a list with no rows too */
	CRM_EX_NOTFOUND = 1,	/* show of an unknown id, search with no match */
	CRM_EX_USAGE = 64,	/* unknown option, verb or field; bad filter */
	CRM_EX_DATAERR = 65,	/* a value fails validation, a rule is broken */
	CRM_EX_NOINPUT = 66,	/* an input file or the database is missing */
	CRM_EX_SOFTWARE = 70,	/* internal error */
	CRM_EX_CANTCREAT = 73,	/* cannot create an output file or database */
	CRM_EX_IOERR = 74,	/* input/output error, stdout included */
	CRM_EX_TEMPFAIL = 75,	/* database busy: try again later */
	CRM_EX_NOPERM = 77,	/* permission denied */
	CRM_EX_CONFIG = 78	/* database schema newer than this binary */
};

#endif
