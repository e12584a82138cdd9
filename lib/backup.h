/*
 * backup.h - backups of a whole database, their checks and restores
 * (crm-admin backup, verify, restore, keygen; SPEC 9).
 *
 * A backup is an archive (archive.h) whose payload is the database as
 * one SQLite file of crm's schema: on SQLite its pages, copied at one
 * moment (crm_db_image); on a server its records, copied into such a
 * file (copy.h).  The records, not the server's files: any backup
 * restores onto either backend.  Its header records the schema and
 * every table's rows.
 *
 * Temporary files (the image, uncompressed) go to $TMPDIR, else /tmp;
 * a file being written goes beside its final name and is renamed there
 * once whole and fsynced.
 */
#ifndef CRM_BACKUP_H
#define CRM_BACKUP_H

#include "archive.h"
#include "db.h"

/*
 * The keys a command was given (SPEC 9): a passphrase from the first
 * line of passfile (without its newline) or else $CRM_BACKUP_PASSPHRASE;
 * a recipient's public key, as text or a file holding it; a secret key
 * from a file.  Any of them NULL.  0, or -1 with err set (CRM_EX_USAGE:
 * an empty passphrase, a bad key; CRM_EX_NOINPUT: a missing file).
 * crm_backup_keys_release() wipes them.
 */
int crm_backup_keys(struct crm_keys *k, const char *passfile,
	const char *recipient, const char *secretfile, struct crm_err *err);
void crm_backup_keys_release(struct crm_keys *k);

/* Write a new key pair: the secret key to path (mode 0600, never over a
 * file unless force: CRM_EX_CANTCREAT), the public key to path.pub; the
 * public key's text appended to pub. */
int crm_backup_keygen(const char *path, int force, struct crm_buf *pub,
	struct crm_err *err);

struct crm_backup_opts {
	const struct crm_keys *keys;	/* passphrase or public key; or
					 * NULL: unencrypted */
	int force;		/* replace an existing file */
	const char *dir;	/* a new file in dir, named by its time */
	int keep;		/* with dir: the newest keep backups stay */
};

/*
 * Back db up to path ("-": standard output) or, with o->dir, to a new
 * file there (checked as crm_backup_verify() does before the oldest
 * beyond o->keep go).  The file's name is appended to written.  0, or -1
 * with err set; a failed backup leaves no file.
 */
int crm_backup(struct crm_db *db, const char *path,
	const struct crm_backup_opts *o, struct crm_buf *written,
	struct crm_err *err);

/*
 * The restore drill (path "-": standard input): decrypt, decompress,
 * the end mark, the database's own check of its structure (with full,
 * the whole check: every index entry, every reference;
 * crm_db_check_quick, crm_db_check), the rows of every table against
 * the header's counts; no database touched.  info gets the
 * header.  0, or -1 with err set: CRM_EX_DATAERR for a damaged backup,
 * CRM_EX_CONFIG for one of a newer schema, CRM_EX_USAGE for a missing
 * passphrase or key.
 */
int crm_backup_verify(const char *path, const struct crm_keys *keys, int full,
	struct crm_archive_info *info, struct crm_err *err);

/*
 * Put the backup at path in place of the database dbpath: checked
 * first as crm_backup_verify() does (not full), migrated when of an older schema,
 * then swapped in, in one transaction.  A database that holds records
 * is refused (CRM_EX_CANTCREAT) unless force; one that does not exist
 * is made.
 */
int crm_backup_restore(const char *path, const char *dbpath,
	const struct crm_keys *keys, int force,
	struct crm_archive_info *info, struct crm_err *err);

#endif
