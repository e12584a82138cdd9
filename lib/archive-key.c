/*
 * archive-key.c - the keys of encrypted backups: their text, and the
 * file key wrapped by a passphrase or sealed to a public key, which the
 * header's "encryption" line carries (archive-int.h).
 */
#include <stdlib.h>
#include <string.h>

#include "archive-int.h"
#include "banned.h"

#define PK_PREFIX "crmpk1"
#define SK_PREFIX "crmsk1"
#define PREFIX_LEN 6

/* Argon2id's limits beyond which a header is damage, not a choice: a
 * flipped digit must not make a restore eat the machine. */
#define OPS_MAX 10
#define MEM_MAX (1024UL * 1024 * 1024)

void
ar_sodium(void)
{
	if (sodium_init() < 0)
		abort();	/* no randomness: nothing safe to do */
}

void
ar_hex(struct crm_buf *out, const unsigned char *p, size_t n)
{
	char hex[2 * 32 + 1];
	size_t k;

	for (; n > 0; p += k, n -= k) {
		k = n < 32 ? n : 32;
		crm_buf_adds(out, sodium_bin2hex(hex, sizeof(hex), p, k));
	}
}

int
ar_unhex(unsigned char *bin, size_t n, const char *s, size_t len)
{
	size_t got;

	if (len != 2 * n ||
	    sodium_hex2bin(bin, n, s, len, NULL, &got, NULL) < 0 || got != n)
		return -1;
	return 0;
}

void
crm_keys_generate(struct crm_keys *k)
{
	ar_sodium();
	memset(k, 0, sizeof(*k));
	crypto_box_keypair(k->public_key, k->secret_key);
	k->has_public = k->has_secret = 1;
}

static void
key_text(const char *prefix, const unsigned char *key, struct crm_buf *out)
{
	crm_buf_adds(out, prefix);
	ar_hex(out, key, CRM_ARCHIVE_KEYBYTES);
}

void
crm_keys_public_text(const struct crm_keys *k, struct crm_buf *out)
{
	key_text(PK_PREFIX, k->public_key, out);
}

void
crm_keys_secret_text(const struct crm_keys *k, struct crm_buf *out)
{
	key_text(SK_PREFIX, k->secret_key, out);
}

/* The key after prefix in text, blanks around it ignored: 0 or -1. */
static int
key_parse(unsigned char *key, const char *prefix, const char *text)
{
	const char *end;

	while (*text == ' ' || *text == '\t')
		text++;
	end = text + strlen(text);
	while (end > text && strchr(" \t\r\n", end[-1]))
		end--;
	if ((size_t)(end - text) < PREFIX_LEN ||
	    memcmp(text, prefix, PREFIX_LEN))
		return -1;
	text += PREFIX_LEN;
	return ar_unhex(key, CRM_ARCHIVE_KEYBYTES, text, (size_t)(end - text));
}

int
crm_keys_parse_public(struct crm_keys *k, const char *text,
	struct crm_err *err)
{
	ar_sodium();
	if (key_parse(k->public_key, PK_PREFIX, text) < 0)
		return crm_err_set(err, CRM_EX_USAGE, "not a public key (one "
			"line: " PK_PREFIX " and 64 hex digits)");
	k->has_public = 1;
	return 0;
}

int
crm_keys_parse_secret(struct crm_keys *k, const char *text,
	struct crm_err *err)
{
	ar_sodium();
	if (key_parse(k->secret_key, SK_PREFIX, text) < 0 ||
	    crypto_scalarmult_base(k->public_key, k->secret_key) < 0) {
		sodium_memzero(k->secret_key, sizeof(k->secret_key));
		return crm_err_set(err, CRM_EX_USAGE, "not a secret key (one "
			"line: " SK_PREFIX " and 64 hex digits)");
	}
	k->has_secret = k->has_public = 1;
	return 0;
}

/* The key that wraps the file key, from the passphrase and s's salt and
 * limits: 0 or -1 (out of memory). */
static int
pass_key(unsigned char *wk, const struct ar_seal *s, const struct crm_keys *k)
{
	return crypto_pwhash(wk, CRM_ARCHIVE_KEYBYTES, k->passphrase,
		k->passlen, s->salt, s->ops, s->mem,
		crypto_pwhash_ALG_ARGON2ID13);
}

int
ar_seal_key(struct ar_seal *s, const struct crm_keys *keys,
	const unsigned char key[CRM_ARCHIVE_KEYBYTES], struct crm_err *err)
{
	unsigned char wk[CRM_ARCHIVE_KEYBYTES];
	unsigned char *nonce = s->blob;

	memset(s, 0, sizeof(*s));
	if (keys && keys->passphrase) {
		s->seal = CRM_SEAL_PASSPHRASE;
		s->ops = crypto_pwhash_OPSLIMIT_INTERACTIVE;
		s->mem = crypto_pwhash_MEMLIMIT_INTERACTIVE;
		randombytes_buf(s->salt, sizeof(s->salt));
		if (pass_key(wk, s, keys) < 0)
			return crm_err_set(err, CRM_EX_SOFTWARE, "not enough "
				"memory to derive a key from the passphrase");
		randombytes_buf(nonce, crypto_secretbox_NONCEBYTES);
		crypto_secretbox_easy(nonce + crypto_secretbox_NONCEBYTES,
			key, CRM_ARCHIVE_KEYBYTES, nonce, wk);
		sodium_memzero(wk, sizeof(wk));
		s->bloblen = AR_WRAPBYTES;
	} else if (keys && keys->has_public) {
		s->seal = CRM_SEAL_RECIPIENT;
		memcpy(s->to, keys->public_key, sizeof(s->to));
		if (crypto_box_seal(s->blob, key, CRM_ARCHIVE_KEYBYTES,
		    s->to) < 0)
			return crm_err_set(err, CRM_EX_USAGE,
				"not a usable public key");
		s->bloblen = AR_SEALBYTES;
	} else
		s->seal = CRM_SEAL_NONE;
	return 0;
}

void
ar_seal_text(const struct ar_seal *s, struct crm_buf *out)
{
	switch (s->seal) {
	case CRM_SEAL_NONE:
		crm_buf_adds(out, "none");
		return;
	case CRM_SEAL_PASSPHRASE:
		crm_buf_addf(out, "passphrase argon2id ops=%llu mem=%zu salt=",
			s->ops, s->mem);
		ar_hex(out, s->salt, sizeof(s->salt));
		break;
	case CRM_SEAL_RECIPIENT:
		crm_buf_adds(out, "recipient x25519 to=");
		ar_hex(out, s->to, sizeof(s->to));
		break;
	}
	crm_buf_adds(out, " key=");
	ar_hex(out, s->blob, s->bloblen);
}

/* A decimal number of at most 19 digits at v, n long: 0 or -1. */
static int
number(unsigned long long *x, const char *v, size_t n)
{
	size_t i;

	if (n == 0 || n > 19)
		return -1;
	for (i = 0, *x = 0; i < n; i++) {
		if (v[i] < '0' || v[i] > '9')
			return -1;
		*x = *x * 10 + (unsigned)(v[i] - '0');
	}
	return 0;
}

/* One "name=value" word (n long) of the line into s: its bit if known
 * and good, 0 if unknown (a later format's: ignored), -1 if bad. */
static int
param(struct ar_seal *s, const char *w, size_t n)
{
	const char *eq = memchr(w, '=', n);
	size_t nl, vl;
	unsigned long long x;

	if (!eq)
		return -1;
	nl = (size_t)(eq - w);
	vl = n - nl - 1;
#define IS(name) (nl == strlen(name) && !memcmp(w, name, nl))
	if (IS("key"))
		return ar_unhex(s->blob, s->bloblen, eq + 1, vl) < 0 ? -1 : 1;
	if (s->seal == CRM_SEAL_RECIPIENT)
		return !IS("to") ? 0 : ar_unhex(s->to, sizeof(s->to),
			eq + 1, vl) < 0 ? -1 : 2;
	if (IS("salt"))
		return ar_unhex(s->salt, sizeof(s->salt), eq + 1, vl) < 0 ?
			-1 : 2;
	if (!IS("ops") && !IS("mem"))
		return 0;
	if (number(&x, eq + 1, vl) < 0)
		return -1;
	if (IS("ops")) {
		s->ops = x;
		return x >= crypto_pwhash_OPSLIMIT_MIN && x <= OPS_MAX ?
			4 : -1;
	}
	s->mem = (size_t)x;
	return x >= crypto_pwhash_MEMLIMIT_MIN && x <= MEM_MAX ? 8 : -1;
#undef IS
}

int
ar_seal_parse(struct ar_seal *s, const char *v, struct crm_err *err)
{
	/* Each of the words a method needs, once: a bit each. */
	unsigned need, seen = 0;
	const char *w, *e;
	int r;

	memset(s, 0, sizeof(*s));
	if (!strcmp(v, "none")) {
		s->seal = CRM_SEAL_NONE;
		return 0;
	}
	if (!strncmp(v, "passphrase argon2id ", 20)) {
		s->seal = CRM_SEAL_PASSPHRASE;
		s->bloblen = AR_WRAPBYTES;
		need = 15;
		v += 20;
	} else if (!strncmp(v, "recipient x25519 ", 17)) {
		s->seal = CRM_SEAL_RECIPIENT;
		s->bloblen = AR_SEALBYTES;
		need = 3;
		v += 17;
	} else
		return crm_err_set(err, CRM_EX_DATAERR, "the backup's header "
			"is damaged (unknown encryption)");
	for (w = v; *w; w = *e ? e + 1 : e) {
		e = strchr(w, ' ');
		if (!e)
			e = w + strlen(w);
		if ((r = param(s, w, (size_t)(e - w))) < 0 ||
		    (seen & (unsigned)r))
			break;
		seen |= (unsigned)r;
	}
	if (*w || seen != need)
		return crm_err_set(err, CRM_EX_DATAERR, "the backup's header "
			"is damaged (encryption)");
	return 0;
}

int
ar_unseal_key(const struct ar_seal *s, const struct crm_keys *keys,
	unsigned char key[CRM_ARCHIVE_KEYBYTES], struct crm_err *err)
{
	unsigned char wk[CRM_ARCHIVE_KEYBYTES], pk[CRM_ARCHIVE_KEYBYTES];
	struct crm_buf t = CRM_BUF_INIT;
	int r;

	if (keys && keys->has_file_key) {
		memcpy(key, keys->file_key, CRM_ARCHIVE_KEYBYTES);
		return 0;
	}
	if (s->seal == CRM_SEAL_PASSPHRASE) {
		if (!keys || !keys->passphrase)
			return crm_err_set(err, CRM_EX_USAGE,
				"needs a passphrase");
		if (pass_key(wk, s, keys) < 0)
			return crm_err_set(err, CRM_EX_SOFTWARE, "not enough "
				"memory to derive a key from the passphrase");
		r = crypto_secretbox_open_easy(key,
			s->blob + crypto_secretbox_NONCEBYTES,
			s->bloblen - crypto_secretbox_NONCEBYTES, s->blob, wk);
		sodium_memzero(wk, sizeof(wk));
		if (r < 0)
			return crm_err_set(err, CRM_EX_DATAERR, "wrong "
				"passphrase, or the backup is damaged");
		return 0;
	}
	if (!keys || !keys->has_secret)
		return crm_err_set(err, CRM_EX_USAGE, "needs the secret key");
	/* The public key from the secret one: the caller's may be stale. */
	if (crypto_scalarmult_base(pk, keys->secret_key) < 0 ||
	    sodium_memcmp(pk, s->to, sizeof(pk))) {
		key_text(PK_PREFIX, s->to, &t);
		crm_err_set(err, CRM_EX_DATAERR, "written for the key %s, "
			"not this one", t.buf);
		crm_buf_release(&t);
		return -1;
	}
	if (crypto_box_seal_open(key, s->blob, s->bloblen, pk,
	    keys->secret_key) < 0)
		return crm_err_set(err, CRM_EX_DATAERR, "not the key this "
			"backup was written for, or the backup is damaged");
	return 0;
}
