/* test-archive - lib/archive.h: the backup file format. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "archive.h"
#include "banned.h"

static const struct crm_archive_info sample = {
	.schema = 13,
	.created = "2026-12-08T01:02:03Z",
	.source = "sqlite /var/lib/crm/crm.db",
	.counts = "customers=3 orders=5",
};

/* Pieces of sizes that fall across every boundary sooner or later. */
static const size_t pieces[] = { 1, 7, 4093, 65537, 333, 131072, 2 };
#define NPIECES (sizeof(pieces) / sizeof(*pieces))

/* A file that is gone once closed. */
static int
tmpfd(void)
{
	const char *tmp = getenv("TMPDIR");
	char path[128];
	int fd;

	snprintf(path, sizeof(path), "%s/crm-archive-XXXXXX",
		tmp && *tmp && strlen(tmp) < 80 ? tmp : "/tmp");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	unlink(path);
	return fd;
}

static void
put(int fd, const void *p, size_t n)
{
	assert_int_equal(write(fd, p, n), (ssize_t)n);
}

/* Bytes half text-like (zstd shrinks them), half noise (it cannot). */
static unsigned char *
payload(size_t n)
{
	unsigned char *p = malloc(n ? n : 1);
	uint32_t x = 2463534242u;
	size_t i;

	assert_non_null(p);
	for (i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		p[i] = (i / 1024) % 2 ? (unsigned char)x :
			(unsigned char)"customer,order,Ada Lovelace\n"[i % 28];
	}
	return p;
}

/* An archive of n bytes at p as file; its file key into fkey if set. */
static void
make(struct crm_buf *file, const struct crm_keys *keys, const void *p,
	size_t n, unsigned char *fkey)
{
	struct crm_err err = CRM_ERR_INIT;
	struct crm_archive_w *w;
	char buf[4096];
	size_t at = 0, k, i = 0;
	ssize_t got;
	int fd = tmpfd();

	w = crm_archive_create(fd, &sample, keys, &err);
	assert_non_null(w);
	while (at < n) {
		k = pieces[i++ % NPIECES];
		k = k < n - at ? k : n - at;
		assert_int_equal(crm_archive_write(w, (const char *)p + at, k,
			&err), 0);
		at += k;
	}
	if (fkey)
		assert_int_equal(crm_archive_file_key(w, fkey), 0);
	assert_int_equal(crm_archive_finish(w, &err), 0);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	crm_buf_reset(file);
	while ((got = read(fd, buf, sizeof(buf))) > 0)
		crm_buf_add(file, buf, (size_t)got);
	close(fd);
	crm_err_release(&err);
}

/* Read the archive of len bytes at p with keys: 0 with the payload in
 * out and the header in info, or the error's code (its message said). */
static int
take(const void *p, size_t len, const struct crm_keys *keys,
	struct crm_buf *out, struct crm_archive_info *info,
	struct crm_buf *msg)
{
	struct crm_err err = CRM_ERR_INIT;
	struct crm_archive_info tmp;
	struct crm_archive_r *r;
	char buf[80000];
	ssize_t got;
	size_t i = 0;
	int fd = tmpfd(), code;

	put(fd, p, len);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	if (out)
		crm_buf_reset(out);
	r = crm_archive_open(fd, info ? info : &tmp, &err);
	if (r && crm_archive_unlock(r, keys, &err) == 0)
		do {
			got = crm_archive_read(r, buf,
				pieces[i++ % NPIECES] % sizeof(buf) + 1, &err);
			if (got > 0 && out)
				crm_buf_add(out, buf, (size_t)got);
		} while (got > 0);
	crm_archive_close(r);
	close(fd);
	code = err.code;
	if (code)
		assert_true(err.msg.len > 0);
	if (msg) {
		crm_buf_reset(msg);
		crm_buf_adds(msg, err.msg.buf);
	}
	crm_err_release(&err);
	return code;
}

static void
pass_keys(struct crm_keys *k, const char *pass)
{
	memset(k, 0, sizeof(*k));
	k->passphrase = pass;
	k->passlen = strlen(pass);
}

/* A new key pair, and its public key alone (a recipient). */
static void
new_pair(struct crm_keys *pair, struct crm_keys *pub)
{
	memset(pair, 0, sizeof(*pair));
	memset(pub, 0, sizeof(*pub));
	crm_keys_generate(pair);
	pub->has_public = 1;
	memcpy(pub->public_key, pair->public_key, sizeof(pub->public_key));
}

static void
round_trip(const struct crm_keys *wk, const struct crm_keys *rk, size_t n)
{
	struct crm_buf file = CRM_BUF_INIT, out = CRM_BUF_INIT;
	struct crm_archive_info info;
	unsigned char *p = payload(n);

	make(&file, wk, p, n, NULL);
	assert_int_equal(take(file.buf, file.len, rk, &out, &info, NULL), 0);
	assert_int_equal(out.len, n);
	assert_memory_equal(out.buf, p, n);
	assert_int_equal(info.format, CRM_ARCHIVE_FORMAT);
	assert_int_equal(info.schema, sample.schema);
	assert_string_equal(info.created, sample.created);
	assert_string_equal(info.source, sample.source);
	assert_string_equal(info.counts, sample.counts);
	assert_int_equal(info.seal, !wk ? CRM_SEAL_NONE : wk->passphrase ?
		CRM_SEAL_PASSPHRASE : wk->has_public ? CRM_SEAL_RECIPIENT :
		CRM_SEAL_NONE);
	free(p);
	crm_buf_release(&file);
	crm_buf_release(&out);
}

static void
round_trips(void **state)
{
	struct crm_keys none, pass, pair, pub;

	(void)state;
	memset(&none, 0, sizeof(none));
	pass_keys(&pass, "correct horse battery staple");
	new_pair(&pair, &pub);
	round_trip(NULL, NULL, 300000);
	round_trip(&none, &pass, 300000);	/* a passphrase ignored */
	round_trip(&pass, &pass, 300000);
	round_trip(&pub, &pair, 300000);
	round_trip(NULL, NULL, 0);
	round_trip(&pass, &pass, 0);
	round_trip(&pub, &pair, 0);
	/* Several frames of a megabyte each, noise that zstd keeps big. */
	round_trip(&pub, &pair, 3 * 1024 * 1024 + 5);
	round_trip(NULL, NULL, 3 * 1024 * 1024 + 5);
}

/* Through a pipe, where reads come short. */
static void
through_a_pipe(void **state)
{
	struct crm_buf file = CRM_BUF_INIT;
	struct crm_err err = CRM_ERR_INIT;
	struct crm_archive_info info;
	struct crm_archive_r *r;
	char buf[16];
	int fds[2];

	(void)state;
	make(&file, NULL, "hello", 5, NULL);
	assert_int_equal(pipe(fds), 0);
	put(fds[1], file.buf, file.len);
	close(fds[1]);
	r = crm_archive_open(fds[0], &info, &err);
	assert_non_null(r);
	assert_int_equal(crm_archive_unlock(r, NULL, &err), 0);
	assert_int_equal(crm_archive_read(r, buf, sizeof(buf), &err), 5);
	assert_memory_equal(buf, "hello", 5);
	assert_int_equal(crm_archive_read(r, buf, sizeof(buf), &err), 0);
	assert_int_equal(err.code, 0);
	crm_archive_close(r);
	close(fds[0]);
	crm_buf_release(&file);
}

/* Control characters in text fields are written as '?'. */
static void
control_characters(void **state)
{
	struct crm_archive_info in = sample, out;
	struct crm_buf file = CRM_BUF_INIT;
	struct crm_err err = CRM_ERR_INIT;
	struct crm_archive_w *w;
	int fd = tmpfd();

	(void)state;
	memcpy(in.source, "sqlite /a\nb\tc\x7f", 15);
	w = crm_archive_create(fd, &in, NULL, &err);
	assert_non_null(w);
	assert_int_equal(crm_archive_finish(w, &err), 0);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	crm_buf_grow(&file, 4096);
	file.len = (size_t)read(fd, file.buf, 4096);
	assert_int_equal(take(file.buf, file.len, NULL, NULL, &out, NULL), 0);
	assert_string_equal(out.source, "sqlite /a?b?c?");
	close(fd);
	crm_buf_release(&file);
}

/* Every flip of a byte, every cut and an added byte fail. */
static void
damage(const struct crm_keys *wk, const struct crm_keys *rk,
	const struct crm_keys *cut_keys, size_t step)
{
	static const unsigned char flips[] = { 0x01, 0xff };
	struct crm_buf file = CRM_BUF_INIT, bad = CRM_BUF_INIT,
		msg = CRM_BUF_INIT;
	unsigned char *p = payload(2000);
	size_t at, f;

	make(&file, wk, p, 2000, NULL);
	assert_int_equal(take(file.buf, file.len, rk, NULL, NULL, NULL), 0);
	crm_buf_add(&bad, file.buf, file.len);
	for (at = step / 2; at < file.len; at += step)
		for (f = 0; f < sizeof(flips); f++) {
			/* Argon2 is slow: one flip a place when sparse. */
			if (step > 1 && f != (at / step) % 2)
				continue;
			bad.buf[at] ^= flips[f];
			if (take(bad.buf, bad.len, rk, NULL, NULL, NULL) == 0)
				fail_msg("flip %#x at %zu of %zu not found",
					flips[f], at, file.len);
			bad.buf[at] = file.buf[at];
		}
	for (at = 0; at < file.len; at++)
		if (take(file.buf, at, cut_keys, NULL, NULL, &msg) !=
		    CRM_EX_DATAERR)
			fail_msg("cut at %zu of %zu not found (%s)", at,
				file.len, msg.buf);
	crm_buf_addch(&bad, 'x');
	assert_int_equal(take(bad.buf, bad.len, rk, NULL, NULL, &msg),
		CRM_EX_DATAERR);
	assert_non_null(strstr(msg.buf, "bytes after the end mark"));
	free(p);
	crm_buf_release(&file);
	crm_buf_release(&bad);
	crm_buf_release(&msg);
}

static void
damage_none(void **state)
{
	(void)state;
	damage(NULL, NULL, NULL, 1);
}

static void
damage_recipient(void **state)
{
	struct crm_keys pair, pub;

	(void)state;
	new_pair(&pair, &pub);
	damage(&pub, &pair, &pair, 1);
}

/* Argon2 makes each try slow: flips at some 50 places, and the cuts
 * opened with a file key of the right length (a cut is found before
 * the key is needed, or by the stream). */
static void
damage_passphrase(void **state)
{
	struct crm_keys pass, fk;

	(void)state;
	pass_keys(&pass, "s3cret");
	memset(&fk, 0, sizeof(fk));
	fk.has_file_key = 1;
	damage(&pass, &pass, &fk, 1400 / 50);
}

/* A flip where the parser does not look still fails the end. */
static void
ignored_header_changes(void **state)
{
	struct crm_buf file = CRM_BUF_INIT, msg = CRM_BUF_INIT;
	struct crm_keys pair, pub;
	char *at;
	int i;

	(void)state;
	new_pair(&pair, &pub);
	for (i = 0; i < 2; i++) {
		make(&file, i ? &pub : NULL, "payload", 7, NULL);
		at = strstr(file.buf, "orders=5");
		assert_non_null(at);
		at[7] = '6';
		assert_int_equal(take(file.buf, file.len, &pair, NULL, NULL,
			&msg), CRM_EX_DATAERR);
	}
	crm_buf_release(&file);
	crm_buf_release(&msg);
}

static void
keys_needed(void **state)
{
	struct crm_buf file = CRM_BUF_INIT, msg = CRM_BUF_INIT,
		pk = CRM_BUF_INIT;
	struct crm_keys pass, wrong, none, pair, other, pub, fk;

	(void)state;
	memset(&none, 0, sizeof(none));
	pass_keys(&pass, "right");
	pass_keys(&wrong, "wrong");
	make(&file, &pass, "data", 4, NULL);
	assert_int_equal(take(file.buf, file.len, &wrong, NULL, NULL, &msg),
		CRM_EX_DATAERR);
	assert_string_equal(msg.buf,
		"wrong passphrase, or the backup is damaged");
	assert_int_equal(take(file.buf, file.len, &none, NULL, NULL, NULL),
		CRM_EX_USAGE);
	assert_int_equal(take(file.buf, file.len, NULL, NULL, NULL, NULL),
		CRM_EX_USAGE);

	memset(&pair, 0, sizeof(pair));
	new_pair(&pair, &pub);
	new_pair(&other, &fk);
	memset(&fk, 0, sizeof(fk));
	make(&file, &pub, "data", 4, fk.file_key);
	fk.has_file_key = 1;
	assert_int_equal(take(file.buf, file.len, &other, NULL, NULL, &msg),
		CRM_EX_DATAERR);
	crm_keys_public_text(&pair, &pk);
	assert_non_null(strstr(msg.buf, pk.buf));
	assert_int_equal(take(file.buf, file.len, &none, NULL, NULL, NULL),
		CRM_EX_USAGE);
	assert_int_equal(take(file.buf, file.len, &pass, NULL, NULL, NULL),
		CRM_EX_USAGE);
	/* The writer's check opens it without the secret key. */
	assert_int_equal(take(file.buf, file.len, &fk, &msg, NULL, NULL), 0);
	assert_string_equal(msg.buf, "data");
	/* A public key of the caller's that does not match its secret
	 * one is not believed. */
	memcpy(other.public_key, pair.public_key, sizeof(pair.public_key));
	assert_int_equal(take(file.buf, file.len, &other, NULL, NULL, NULL),
		CRM_EX_DATAERR);
	crm_buf_release(&file);
	crm_buf_release(&msg);
	crm_buf_release(&pk);
}

/* 32 hex digits. */
#define Z32 "00000000000000000000000000000000"

static void
key_text(void **state)
{
	struct crm_keys k, back;
	struct crm_err err = CRM_ERR_INIT;
	struct crm_buf t = CRM_BUF_INIT;
	static const char *const bad[] = { "", "crmpk1",
		"crmpk1" Z32 "0000000000000000000000000000000",	/* short */
		"crmpk1" Z32 "000000000000000000000000000000g",
		"crmpk1" Z32 Z32 " x",
	};
	size_t i;

	(void)state;
	memset(&k, 0, sizeof(k));
	memset(&back, 0, sizeof(back));
	crm_keys_generate(&k);
	crm_buf_adds(&t, "  ");
	crm_keys_public_text(&k, &t);
	assert_int_equal(t.len, 2 + 6 + 64);
	assert_memory_equal(t.buf, "  crmpk1", 8);
	crm_buf_adds(&t, "\n");
	assert_int_equal(crm_keys_parse_public(&back, t.buf, &err), 0);
	assert_true(back.has_public);
	assert_memory_equal(back.public_key, k.public_key, 32);
	crm_buf_reset(&t);
	crm_keys_secret_text(&k, &t);
	assert_memory_equal(t.buf, "crmsk1", 6);
	memset(&back, 0, sizeof(back));
	assert_int_equal(crm_keys_parse_secret(&back, t.buf, &err), 0);
	assert_true(back.has_secret && back.has_public);
	assert_memory_equal(back.secret_key, k.secret_key, 32);
	assert_memory_equal(back.public_key, k.public_key, 32);
	/* A secret key is not a public one, nor the other way round. */
	assert_int_equal(crm_keys_parse_public(&back, t.buf, &err), -1);
	assert_int_equal(err.code, CRM_EX_USAGE);
	for (i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		crm_err_clear(&err);
		assert_int_equal(crm_keys_parse_public(&back, bad[i], &err),
			-1);
		assert_int_equal(err.code, CRM_EX_USAGE);
		crm_err_clear(&err);
		assert_int_equal(crm_keys_parse_secret(&back, bad[i], &err),
			-1);
		assert_int_equal(err.code, CRM_EX_USAGE);
	}
	crm_err_release(&err);
	crm_buf_release(&t);
}

/* A header this crm cannot read, or not a header at all. */
static void
headers(void **state)
{
	struct crm_buf file = CRM_BUF_INIT, msg = CRM_BUF_INIT,
		t = CRM_BUF_INIT;
	char *big;

	(void)state;
	make(&file, NULL, "x", 1, NULL);
	file.buf[11] = '2';
	assert_int_equal(take(file.buf, file.len, NULL, NULL, NULL, &msg),
		CRM_EX_CONFIG);
	assert_string_equal(msg.buf,
		"written by a newer crm (backup format 2)");
	assert_int_equal(take("hello\n\n", 7, NULL, NULL, NULL, NULL),
		CRM_EX_DATAERR);
	/* A key of a later format is ignored: the header opens (and the
	 * digest, over the bytes as written, is what fails). */
	make(&file, NULL, "x", 1, NULL);
	crm_buf_adds(&t, "crm-backup 1\nlater thing\n");
	crm_buf_add(&t, file.buf + 13, file.len - 13);
	assert_int_equal(take(t.buf, t.len, NULL, NULL, NULL, &msg),
		CRM_EX_DATAERR);
	assert_null(strstr(msg.buf, "header"));
	/* No end of the header in 16 KiB. */
	big = malloc(20000);
	assert_non_null(big);
	memset(big, 'a', 20000);
	memcpy(big, "crm-backup 1\n", 13);
	assert_int_equal(take(big, 20000, NULL, NULL, NULL, &msg),
		CRM_EX_DATAERR);
	assert_string_equal(msg.buf, "not a crm backup");
	free(big);
	crm_buf_release(&file);
	crm_buf_release(&msg);
	crm_buf_release(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trips),
		cmocka_unit_test(through_a_pipe),
		cmocka_unit_test(control_characters),
		cmocka_unit_test(damage_none),
		cmocka_unit_test(damage_recipient),
		cmocka_unit_test(damage_passphrase),
		cmocka_unit_test(ignored_header_changes),
		cmocka_unit_test(keys_needed),
		cmocka_unit_test(key_text),
		cmocka_unit_test(headers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
