/*
 * archive.h - the backup file format (SPEC 9): a readable header, the
 * payload compressed with zstd, encrypted when asked, and an
 * authenticated end mark.  What the payload is (a database image) is
 * backup.c's business; this file only frames, compresses, seals and
 * checks bytes.
 *
 * The file:
 *
 *	crm-backup 1			format version
 *	schema 13
 *	created 2026-12-08T01:02:03Z
 *	source sqlite /var/lib/crm/crm.db
 *	compression zstd
 *	encryption none | passphrase argon2id ops=N mem=N salt=HEX key=HEX
 *	           | recipient x25519 to=HEX key=HEX
 *	stream HEX			(encrypted only)
 *	counts customers=3 orders=5 ...
 *	(an empty line)
 *	frames...
 *
 * Every frame is a 4-byte big-endian length, its high bit set on the
 * last frame, and that many bytes.  Unencrypted, a frame is a piece of
 * the zstd stream and the last frame holds the payload's length (8
 * bytes, big-endian) and a BLAKE2b-256 digest of every byte of the file
 * before the digest.  Encrypted, the payload goes through one random
 * file key in libsodium's crypto_secretstream_xchacha20poly1305: the
 * first message has the header as additional data, the last one is
 * tagged FINAL and holds the payload's length; the file key is in the
 * header, wrapped by a key from the passphrase (Argon2id,
 * crypto_secretbox) or sealed to the recipient's public key
 * (crypto_box_seal).  Any changed, removed or appended byte, and a file
 * cut anywhere, fails crm_archive_read() (CRM_EX_DATAERR).
 */
#ifndef CRM_ARCHIVE_H
#define CRM_ARCHIVE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "err.h"

#define CRM_ARCHIVE_FORMAT 1
#define CRM_ARCHIVE_KEYBYTES 32

enum crm_seal { CRM_SEAL_NONE, CRM_SEAL_PASSPHRASE, CRM_SEAL_RECIPIENT };

/* The header's fields.  Text is one line each: a control character is
 * written as '?'. */
struct crm_archive_info {
	int format;		/* read: the file's; written: CRM_ARCHIVE_FORMAT */
	int schema;
	char created[32];	/* UTC, ISO 8601 basic: 2026-12-08T01:02:03Z */
	char source[512];	/* "sqlite /path" or "postgresql URI" */
	enum crm_seal seal;	/* read from the file; written from keys */
	char counts[2048];	/* "table=rows ..." */
};

/*
 * The keys at hand.  Writing: a passphrase, or a recipient's public
 * key, or neither (unencrypted).  Reading: a passphrase or a secret key
 * (with its public key), whichever the file needs; file_key, when set,
 * opens any encrypted file written with that file key (the writer's own
 * check of what it wrote, crm_archive_file_key()).
 */
struct crm_keys {
	const char *passphrase;	/* NULL: none */
	size_t passlen;
	int has_public;
	unsigned char public_key[CRM_ARCHIVE_KEYBYTES];
	int has_secret;
	unsigned char secret_key[CRM_ARCHIVE_KEYBYTES];
	int has_file_key;
	unsigned char file_key[CRM_ARCHIVE_KEYBYTES];
};

/* ---- keys ---------------------------------------------------------------
 * A public key is written "crmpk1" and 64 hex digits, a secret key
 * "crmsk1" and 64 hex digits, each on a line of its own. */

/* A new key pair into k, which is cleared first. */
void crm_keys_generate(struct crm_keys *k);
/* k's public (or secret) key as its text, appended to out. */
void crm_keys_public_text(const struct crm_keys *k, struct crm_buf *out);
void crm_keys_secret_text(const struct crm_keys *k, struct crm_buf *out);
/* Parse text (a key's line; surrounding blanks and a newline ignored)
 * into k: 0, or -1 (CRM_EX_USAGE: not a key of that kind).  A secret
 * key sets its public key too. */
int crm_keys_parse_public(struct crm_keys *k, const char *text,
	struct crm_err *err);
int crm_keys_parse_secret(struct crm_keys *k, const char *text,
	struct crm_err *err);

/* ---- writing ------------------------------------------------------------ */

struct crm_archive_w;

/*
 * Begin an archive on fd: the header is made from info and keys
 * (passphrase: encryption passphrase; public key: recipient; else
 * none) and written.  NULL with err set on failure (CRM_EX_IOERR).
 */
struct crm_archive_w *crm_archive_create(int fd,
	const struct crm_archive_info *info, const struct crm_keys *keys,
	struct crm_err *err);
/* The payload, in pieces of any size: 0 or -1 (err set). */
int crm_archive_write(struct crm_archive_w *w, const void *p, size_t n,
	struct crm_err *err);
/* The random file key of an encrypted archive (0), or -1 unencrypted. */
int crm_archive_file_key(const struct crm_archive_w *w,
	unsigned char key[CRM_ARCHIVE_KEYBYTES]);
/* The end mark, everything written to fd (not fsynced): 0 or -1.  Frees
 * w either way.  crm_archive_abort() frees it without an end. */
int crm_archive_finish(struct crm_archive_w *w, struct crm_err *err);
void crm_archive_abort(struct crm_archive_w *w);

/* ---- reading ------------------------------------------------------------ */

struct crm_archive_r;

/*
 * Read the header from fd into info: NULL with err set when it is not a
 * crm backup or not a whole header (CRM_EX_DATAERR), or of a newer
 * format (CRM_EX_CONFIG).  Nothing is authenticated yet.
 */
struct crm_archive_r *crm_archive_open(int fd, struct crm_archive_info *info,
	struct crm_err *err);
/*
 * Ready to read the payload with keys (NULL: none).  An encrypted file
 * without what it needs is CRM_EX_USAGE ("needs a passphrase", "needs
 * the secret key"); a wrong passphrase or key is CRM_EX_DATAERR (it
 * cannot be told from damage).  0 or -1.
 */
int crm_archive_unlock(struct crm_archive_r *r, const struct crm_keys *keys,
	struct crm_err *err);
/* Payload bytes into buf: how many (> 0), 0 at the end once the end mark
 * and the end of the file are checked, -1 (err set: CRM_EX_DATAERR for
 * a damaged, cut or extended file, CRM_EX_IOERR for a read error). */
ssize_t crm_archive_read(struct crm_archive_r *r, void *buf, size_t n,
	struct crm_err *err);
void crm_archive_close(struct crm_archive_r *r);

#endif
