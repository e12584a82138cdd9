/*
 * archive-int.h - what archive.c and archive-key.c share (private to
 * lib/archive*.c; archive.h is the public face).
 *
 * archive.c frames, compresses and checks the stream; archive-key.c
 * knows the keys: their text, and how a file key is wrapped by a
 * passphrase or sealed to a recipient, which is the header's
 * "encryption" line.
 */
#ifndef CRM_ARCHIVE_INT_H
#define CRM_ARCHIVE_INT_H

#include <sodium.h>

#include "archive.h"

/* The file key wrapped (nonce, then secretbox) or sealed. */
#define AR_WRAPBYTES (crypto_secretbox_NONCEBYTES + \
	crypto_secretbox_MACBYTES + CRM_ARCHIVE_KEYBYTES)
#define AR_SEALBYTES (crypto_box_SEALBYTES + CRM_ARCHIVE_KEYBYTES)
#define AR_BLOBMAX (AR_WRAPBYTES > AR_SEALBYTES ? AR_WRAPBYTES : AR_SEALBYTES)

/* The "encryption" line, parsed or about to be written. */
struct ar_seal {
	enum crm_seal seal;
	unsigned long long ops;		/* passphrase: Argon2id's limits */
	size_t mem;
	unsigned char salt[crypto_pwhash_SALTBYTES];
	unsigned char to[CRM_ARCHIVE_KEYBYTES];	/* recipient */
	unsigned char blob[AR_BLOBMAX];		/* the file key, wrapped */
	size_t bloblen;
};

/* libsodium ready (sodium_init() is idempotent and thread-safe). */
void ar_sodium(void);

/* Hex of n bytes appended to out; and len hex digits at s to exactly n
 * bytes (0, or -1 when they are not). */
void ar_hex(struct crm_buf *out, const unsigned char *p, size_t n);
int ar_unhex(unsigned char *bin, size_t n, const char *s, size_t len);

/* Wrap (passphrase) or seal (public key) key for keys into s: 0, or -1
 * (the passphrase's key could not be made). */
int ar_seal_key(struct ar_seal *s, const struct crm_keys *keys,
	const unsigned char key[CRM_ARCHIVE_KEYBYTES], struct crm_err *err);
/* s as the encryption line's value, appended to out; and parsed from
 * the value v (0, or -1 when it is damaged or unknown). */
void ar_seal_text(const struct ar_seal *s, struct crm_buf *out);
int ar_seal_parse(struct ar_seal *s, const char *v, struct crm_err *err);
/* The file key of a file sealed as s, from keys: 0, or -1 (USAGE: keys
 * lack what it needs; DATAERR: wrong passphrase or key, or damage). */
int ar_unseal_key(const struct ar_seal *s, const struct crm_keys *keys,
	unsigned char key[CRM_ARCHIVE_KEYBYTES], struct crm_err *err);

#endif
