/*
 * fuzz/fixture.h - what the fuzz targets of a database share (fuzz-import,
 * fuzz-where): a scratch folder made once per process (under TMPDIR), a
 * crm database opened in it, the built-in field sets of the entities the
 * target names, a way to add the records it starts from, and CHECK, which
 * aborts with a message.  The folder is removed at exit.  A target defines
 * FUZZ_NAME, its name for CHECK's messages, before it includes this.
 *
 *	static const char *const entities[] = { "customer", NULL };
 *	static const char *const c1[] = { "name=Ada", NULL };
 *
 *	fuzz_open(entities);		(in LLVMFuzzerInitialize)
 *	fuzz_add(&fuzz_sets[0], c1);
 *	... &fuzz_db, fuzz_dir ...
 */
#ifndef CRM_FUZZ_FIXTURE_H
#define CRM_FUZZ_FIXTURE_H

#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"

#ifndef FUZZ_NAME
#error "define FUZZ_NAME, the target's name, before including fixture.h"
#endif

#define CHECK(cond, ...) do { \
	if (!(cond)) { \
		fprintf(stderr, FUZZ_NAME ": " __VA_ARGS__); \
		fputc('\n', stderr); \
		abort(); \
	} \
} while (0)

#define FUZZ_MAX_SETS 4

static struct crm_db fuzz_db;
static struct crm_fieldset fuzz_sets[FUZZ_MAX_SETS];	/* as named */
static size_t fuzz_nsets;
static char fuzz_dir[64];				/* the scratch folder */

static int
fuzz_rm(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static inline void
fuzz_cleanup(void)
{
	size_t i;

	for (i = 0; i < fuzz_nsets; i++)
		crm_fieldset_release(&fuzz_sets[i]);
	crm_db_close(&fuzz_db);
	if (fuzz_dir[0])
		nftw(fuzz_dir, fuzz_rm, 8, FTW_DEPTH | FTW_PHYS);
}

/*
 * The scratch folder and a new database in it, with the time zone, today
 * and the user pinned, and fuzz_sets[i] the built-in field set of
 * entities[i] (NULL-terminated); aborts on failure.
 */
static inline void
fuzz_open(const char *const *entities)
{
	struct crm_buf path = CRM_BUF_INIT;
	struct crm_err err = CRM_ERR_INIT;
	const char *tmp = getenv("TMPDIR");

	setenv("TZ", "UTC", 1);
	setenv("CRM_TODAY", "2026-11-22", 1);
	setenv("CRM_USER", "fuzz", 1);
	snprintf(fuzz_dir, sizeof(fuzz_dir), "%s/crm-fuzz-XXXXXX",
		tmp && *tmp && strlen(tmp) < 40 ? tmp : "/tmp");
	CHECK(mkdtemp(fuzz_dir), "cannot make a temporary folder");
	crm_buf_addf(&path, "%s/crm.db", fuzz_dir);
	CHECK(crm_db_open(&fuzz_db, path.buf, CRM_DB_CREATE, &err) == 0,
		"%s", err.msg.buf);
	crm_buf_release(&path);
	atexit(fuzz_cleanup);
	for (; *entities; entities++) {
		CHECK(fuzz_nsets < FUZZ_MAX_SETS, "more than %d field sets",
			FUZZ_MAX_SETS);
		crm_fieldset_builtin(&fuzz_sets[fuzz_nsets++],
			crm_entity_find(*entities));
	}
}

/* Add a record of fs from "FIELD=VALUE" strings, NULL-terminated. */
static inline void
fuzz_add(struct crm_fieldset *fs, const char *const *kv)
{
	struct crm_assigns as = CRM_ASSIGNS_INIT;
	struct crm_err err = CRM_ERR_INIT;
	int64_t id;

	for (; *kv; kv++)
		CHECK(crm_assigns_set(&as, fs, *kv, &err) == 0, "%s",
			err.msg.buf);
	CHECK(crm_record_insert(&fuzz_db, fs, &as, &id, &err) == 0, "%s",
		err.msg.buf);
	crm_assigns_release(&as);
}

#endif
