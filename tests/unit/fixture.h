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
 *	crm_db_close(&db);
 *	fixture_done(&fx);
 */
#ifndef CRM_TEST_FIXTURE_H
#define CRM_TEST_FIXTURE_H

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "db.h"
#include "err.h"

struct fixture {
	char dir[64];		/* the scratch folder */
	struct crm_buf path;	/* dir/crm.db, made by fixture_open() only */
};

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

	if (fixture_dir(fx) < 0)
		return -1;
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
	crm_buf_release(&fx->path);
}

#endif
