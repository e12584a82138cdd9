/*
 * fuzz-archive - libFuzzer target for the backup file format
 * (lib/archive.h), the reader of every file crm-admin verify and restore
 * are given.
 *
 * Input: byte 0 picks the mode.  Even: the rest is a backup file, opened,
 * unlocked with this target's secret key and read to its end; whatever
 * it holds, reading ends (a damaged file with an error code set), and a
 * file read to its verified end came out of crm_archive_create() with
 * that key or none.  Odd: the rest is a payload, written as an archive
 * (bit 1: sealed to this target's public key) in pieces of byte 1's
 * size, and read back: the same bytes.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "archive.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond, ...) do { \
	if (!(cond)) { \
		fprintf(stderr, "fuzz-archive: " __VA_ARGS__); \
		fputc('\n', stderr); \
		abort(); \
	} \
} while (0)

/* The key pair the seed fuzz/corpus/fuzz-archive/recipient was sealed
 * to (a test key, nothing else's). */
static const char secret_text[] =
	"crmsk1b1b8c4f9ca7addbcbe74d594ddbabf5f5c7e3d6ec9c0c02e179682c6a09cfc44";
static struct crm_keys keys;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct crm_err err = CRM_ERR_INIT;

	(void)argc;
	(void)argv;
	CHECK(crm_keys_parse_secret(&keys, secret_text, &err) == 0,
		"the secret key does not parse");
	return 0;
}

/* A file of size bytes at data, at its start. */
static int
file_of(const uint8_t *data, size_t size)
{
	int fd = memfd_create("fuzz-archive", 0);

	CHECK(fd >= 0, "memfd_create failed");
	CHECK(size == 0 || write(fd, data, size) == (ssize_t)size,
		"write failed");
	CHECK(lseek(fd, 0, SEEK_SET) == 0, "lseek failed");
	return fd;
}

/* The payload of the archive on fd read whole into out: 0 at its
 * verified end, -1 (err set) on a failure. */
static int
read_all(int fd, const struct crm_keys *k, struct crm_buf *out,
	struct crm_err *err)
{
	struct crm_archive_info info;
	struct crm_archive_r *r;
	char buf[4096];
	ssize_t n;

	if (!(r = crm_archive_open(fd, &info, err)))
		return -1;
	if (crm_archive_unlock(r, k, err) < 0) {
		crm_archive_close(r);
		return -1;
	}
	while ((n = crm_archive_read(r, buf, sizeof(buf), err)) > 0)
		crm_buf_add(out, buf, (size_t)n);
	crm_archive_close(r);
	return n < 0 ? -1 : 0;
}

static void
raw(const uint8_t *data, size_t size)
{
	struct crm_err err = CRM_ERR_INIT;
	struct crm_buf out = CRM_BUF_INIT;
	int fd = file_of(data, size);

	if (read_all(fd, &keys, &out, &err) < 0)
		CHECK(err.code != 0, "a failure without an error code");
	else
		CHECK(err.code == 0, "an error code on success");
	close(fd);
	crm_buf_release(&out);
	crm_err_release(&err);
}

static void
round_trip(const uint8_t *data, size_t size, int sealed, size_t piece)
{
	struct crm_archive_info info = { 0 };
	struct crm_err err = CRM_ERR_INIT;
	struct crm_buf out = CRM_BUF_INIT;
	struct crm_keys wk = { 0 };
	struct crm_archive_w *w;
	size_t at;
	int fd = memfd_create("fuzz-archive", 0);

	CHECK(fd >= 0, "memfd_create failed");
	info.schema = 13;
	snprintf(info.created, sizeof(info.created), "2026-01-01T00:00:00Z");
	snprintf(info.source, sizeof(info.source), "sqlite fuzz");
	snprintf(info.counts, sizeof(info.counts), "customers=0");
	if (sealed) {
		wk.has_public = 1;
		memcpy(wk.public_key, keys.public_key, sizeof(wk.public_key));
	}
	w = crm_archive_create(fd, &info, &wk, &err);
	CHECK(w, "cannot create: %s", err.msg.buf);
	for (at = 0; at < size; at += piece)
		CHECK(crm_archive_write(w, data + at, size - at < piece ?
			size - at : piece, &err) == 0, "cannot write: %s",
			err.msg.buf);
	CHECK(crm_archive_finish(w, &err) == 0, "cannot finish: %s",
		err.msg.buf);
	CHECK(lseek(fd, 0, SEEK_SET) == 0, "lseek failed");
	CHECK(read_all(fd, &keys, &out, &err) == 0, "cannot read back: %s",
		err.msg.buf);
	CHECK(out.len == size && (size == 0 ||
		memcmp(out.buf, data, size) == 0),
		"read back %zu bytes, not the %zu written", out.len, size);
	close(fd);
	crm_buf_release(&out);
	crm_err_release(&err);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	if (data[0] & 1)
		round_trip(data + 2, size - 2, (data[0] >> 1) & 1,
			(size_t)data[1] + 1);
	else
		raw(data + 1, size - 1);
	return 0;
}
