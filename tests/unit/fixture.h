/*
 * tests/unit/fixture.h - what the tests of a database share: a scratch
 * folder per test (under TMPDIR), the path of a database in it, and a
 * crm database opened there.
 *
 *	struct fixture fx;
 *	struct crm_db db;
 *
 *	if (fixture_open(&fx, &db) < 0)		(or fixture_dir(&fx))
 *		return -1;
 *	...
 *	fixture_close(&fx, &db);		(or fixture_done(&fx))
 *
 * and the records a test starts from, of a field set fs, each from
 * "FIELD=VALUE" strings:
 *
 *	fixture_add(&db, &fs, "name=Ada", "city=London", NULL);
 *
 * With $CRM_TEST_PGHOST (make check-pg: a throwaway server's socket
 * folder) fixture_open() makes a fresh PostgreSQL database instead, and
 * fx->path is its URI; fixture_close() drops it.  fixture_pg() says
 * which.
 *
 * It is included after <cmocka.h>, which fixture_add() fails the test
 * with.
 */
#ifndef CRM_TEST_FIXTURE_H
#define CRM_TEST_FIXTURE_H

#include <ftw.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "db.h"
#include "err.h"
#include "record.h"

struct fixture {
	char dir[64];		/* the scratch folder */
	struct crm_buf path;	/* dir/crm.db or a URI, by fixture_open() */
	char pgname[48];	/* the PostgreSQL database, or "" */
};

/* Is this run on PostgreSQL? */
static inline const char *
fixture_pg(void)
{
	const char *h = getenv("CRM_TEST_PGHOST");

	return h && *h ? h : NULL;
}

/* Run a client program of the test server's (createdb, dropdb) on name. */
static inline int
fixture_pg_run(const char *prog, const char *name)
{
	struct crm_buf cmd = CRM_BUF_INIT;
	int r;

	crm_buf_addf(&cmd, "%s -h '%s' -U crm %s%s >/dev/null 2>&1", prog,
		fixture_pg(), strcmp(prog, "dropdb") ? "" : "--if-exists ",
		name);
	r = system(cmd.buf);
	crm_buf_release(&cmd);
	return r == 0 ? 0 : -1;
}

static int
fixture_rm(const char *path, const struct stat *sb, int flag,
	struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Make the scratch folder; 0, or -1 with the reason on stderr. */
static inline int
fixture_dir(struct fixture *fx)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(fx->dir, sizeof(fx->dir), "%s/crm-test-XXXXXX",
		tmp && *tmp && strlen(tmp) < 40 ? tmp : "/tmp");
	crm_buf_init(&fx->path);
	fx->pgname[0] = '\0';
	if (!mkdtemp(fx->dir)) {
		perror(fx->dir);
		return -1;
	}
	crm_buf_addf(&fx->path, "%s/crm.db", fx->dir);
	return 0;
}

/* The folder and a new crm database in it, written by user "tester". */
static inline int
fixture_open(struct fixture *fx, struct crm_db *db)
{
	struct crm_err err = CRM_ERR_INIT;

	static unsigned n;

	if (fixture_dir(fx) < 0)
		return -1;
	fx->pgname[0] = '\0';
	if (fixture_pg()) {
		snprintf(fx->pgname, sizeof(fx->pgname), "u_%ld_%u",
			(long)getpid(), n++);
		if (fixture_pg_run("dropdb", fx->pgname) < 0 ||
		    fixture_pg_run("createdb", fx->pgname) < 0)
			return -1;
		crm_buf_reset(&fx->path);
		crm_buf_addf(&fx->path, "postgresql:///%s?host=%s&user=crm",
			fx->pgname, fixture_pg());
	}
	if (crm_db_open(db, fx->path.buf, CRM_DB_CREATE, &err) < 0) {
		fprintf(stderr, "# cannot open %s: %s\n", fx->path.buf,
			err.msg.buf);
		crm_err_release(&err);
		return -1;
	}
	setenv("CRM_USER", "tester", 1);
	return 0;
}

/* Remove the folder and all in it (close the database first). */
static inline void
fixture_done(struct fixture *fx)
{
	nftw(fx->dir, fixture_rm, 8, FTW_DEPTH | FTW_PHYS);
	if (fx->pgname[0])
		fixture_pg_run("dropdb", fx->pgname);
	fx->pgname[0] = '\0';
	crm_buf_release(&fx->path);
}

/* Close the database fixture_open() opened, then fixture_done(). */
static inline void
fixture_close(struct fixture *fx, struct crm_db *db)
{
	crm_db_close(db);
	fixture_done(fx);
}

/*
 * Insert a record of fs from "FIELD=VALUE" strings (ap, NULL-terminated),
 * as --set gives them.  Returns the id, or -1 with err set.
 */
static inline int64_t
fixture_vinsert(struct crm_db *db, const struct crm_fieldset *fs,
	struct crm_err *err, va_list ap)
{
	struct crm_assigns as = CRM_ASSIGNS_INIT;
	const char *s;
	int64_t id = -1;

	while ((s = va_arg(ap, const char *)))
		if (crm_assigns_set(&as, fs, s, err) < 0)
			goto out;
	if (crm_record_insert(db, fs, &as, &id, err) < 0)
		id = -1;
out:
	crm_assigns_release(&as);
	return id;
}

/* The same, "FIELD=VALUE" strings up to a NULL, and fail the test if the
 * record cannot be added.  Returns the id. */
static inline int64_t
fixture_add(struct crm_db *db, const struct crm_fieldset *fs, ...)
{
	struct crm_err err = CRM_ERR_INIT;
	va_list ap;
	int64_t id;

	va_start(ap, fs);
	id = fixture_vinsert(db, fs, &err, ap);
	va_end(ap);
	if (id < 0)
		fail_msg("insert failed: %s", err.msg.buf);
	crm_err_release(&err);
	return id;
}

#endif
