/*
 * outfile.h - an output file that is replaced whole, or left alone.
 *
 * A command that writes a file it is named (crm-import --rejects FILE)
 * writes it as sort -o does: into a temporary file beside FILE (the same
 * folder, so on the same file system), renamed over FILE only once the
 * command has succeeded.  Until then FILE keeps what it held, whatever
 * fails: bad usage, bad data, a full disk, a failed commit, a kill.
 * FILE that names a symbolic link replaces the link, not its target.
 * FILE that exists and is no regular file (a terminal, a pipe), or is in
 * /dev or /proc (/dev/stderr, /dev/fd/3), is written directly: there is
 * nothing there to keep, or a descriptor the caller opened.
 */
#ifndef CRM_OUTFILE_H
#define CRM_OUTFILE_H

#include <stdio.h>
#include <sys/stat.h>

#include "err.h"

struct crm_outfile {
	char *path;		/* owned: the file named */
	char *tmp;		/* owned: the temporary file, NULL when none */
	FILE *fp;		/* write here; NULL when closed */
};
#define CRM_OUTFILE_INIT { NULL, NULL, NULL }

/* A file an output must not be (the input, the database). */
struct crm_outfile_not {
	const char *what;	/* "the input file" */
	const struct stat *st;	/* its stat, or NULL: skipped */
};

/*
 * Open path for writing.  The new file gets the permission bits and the
 * group of like (the database, whose records it may hold), 0600 when
 * like is NULL; the group's bits are dropped when the group cannot be
 * given.  path naming one of the n files in not (the same file, by
 * device and inode, whatever the name) is CRM_EX_USAGE; a folder, or a
 * folder that cannot be written, CRM_EX_CANTCREAT (CRM_EX_NOPERM when
 * permission is denied).
 */
int crm_outfile_open(struct crm_outfile *o, const char *path,
	const struct stat *like, const struct crm_outfile_not *not, size_t n,
	struct crm_err *err);

/*
 * Flush what was written to the disk and close it: CRM_EX_IOERR when
 * anything failed (a full disk, a file-size limit).  Call before the
 * transaction whose result it records commits, so that a file that
 * cannot be written stops the commit.
 */
int crm_outfile_close(struct crm_outfile *o, struct crm_err *err);

/* Rename the closed file over path: the last step, after the commit. */
int crm_outfile_commit(struct crm_outfile *o, struct crm_err *err);

/* Forget it: the temporary file is removed, path is left as it was.
 * Safe after commit, and on an outfile never opened. */
void crm_outfile_abort(struct crm_outfile *o);

/* ---- file descriptors, for files written without stdio (a backup) --- */

/* All n bytes at p to fd, through short writes and signals: 0, or -1
 * with errno set. */
int crm_write_all(int fd, const void *p, size_t n);

/* A rename into folder dir made durable, the folder synced: 0, or -1
 * (CRM_EX_IOERR). */
int crm_sync_dir(const char *dir, struct crm_err *err);

#endif
