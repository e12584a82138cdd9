/*
 * archive.c - the backup file format (archive.h): the header, the zstd
 * stream cut into frames, each sealed or hashed, and the end mark.
 *
 * Memory stays flat whatever the size of the payload: a frame (at most
 * FRAME_MAX bytes) is the most either side holds.  The fd is written
 * and read with write(2) and read(2) only, so that the caller may fsync
 * and rename it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zstd.h>

#include "archive-int.h"
#include "outfile.h"
#include "banned.h"

#define FRAME_MAX (1024 * 1024)
#define LAST_BIT 0x80000000u
#define HEADER_MAX (16 * 1024)
#define READ_SIZE (64 * 1024)
#define WORKERS 2	/* threads compressing, beside the caller's */
#define LEVEL 3
#define DIGEST crypto_generichash_BYTES	/* BLAKE2b-256 */
#define ABYTES crypto_secretstream_xchacha20poly1305_ABYTES
#define STREAMBYTES crypto_secretstream_xchacha20poly1305_HEADERBYTES
#define TAG_MESSAGE crypto_secretstream_xchacha20poly1305_TAG_MESSAGE
#define TAG_FINAL crypto_secretstream_xchacha20poly1305_TAG_FINAL

/* What both sides keep: the header's bytes (the first message's
 * additional data), the hash of an unencrypted file or the stream state
 * of an encrypted one. */
struct ar_state {
	int fd;
	struct ar_seal seal;
	unsigned char key[CRM_ARCHIVE_KEYBYTES];
	unsigned char stream[STREAMBYTES];
	struct crm_buf header;
	int first;		/* the next message is the first */
	crypto_generichash_state hash;
	crypto_secretstream_xchacha20poly1305_state ss;
	uint64_t total;		/* payload bytes so far */
};

struct crm_archive_w {
	struct ar_state s;
	ZSTD_CCtx *z;
	unsigned char *out;	/* 4 bytes of length, then the frame */
	unsigned char *plain;	/* encrypted: the zstd bytes of a frame */
	size_t len;		/* zstd bytes waiting in the frame */
};

struct crm_archive_r {
	struct ar_state s;
	int unlocked, last, done;
	ZSTD_DCtx *z;
	size_t zret;		/* the last ZSTD_decompressStream()'s */
	int zfull;		/* it filled the output: more may wait */
	uint64_t length;	/* the payload's, from the end mark */
	unsigned char *in;	/* bytes read ahead of the frames */
	size_t in_pos, in_len;
	unsigned char *frame, *open;	/* as read, and opened */
	size_t frame_cap, open_cap;
	const unsigned char *plain;	/* the frame's zstd bytes */
	size_t plain_pos, plain_len;
};

static void
put_be(unsigned char *p, uint64_t x, int n)
{
	while (n-- > 0) {
		p[n] = (unsigned char)x;
		x >>= 8;
	}
}

static uint64_t
get_be(const unsigned char *p, int n)
{
	uint64_t x = 0;

	while (n-- > 0)
		x = x << 8 | *p++;
	return x;
}

static void
state_free(struct ar_state *s)
{
	sodium_memzero(s->key, sizeof(s->key));
	sodium_memzero(&s->ss, sizeof(s->ss));
	crm_buf_release(&s->header);
}

static int
damaged(struct crm_err *err, const char *what)
{
	return crm_err_set(err, CRM_EX_DATAERR, "the backup is damaged (%s)",
		what);
}

/* ---- writing ------------------------------------------------------------ */

static int
write_all(int fd, const unsigned char *p, size_t n, struct crm_err *err)
{
	if (crm_write_all(fd, p, n) < 0)
		return crm_err_set(err, CRM_EX_IOERR, "cannot write the "
			"backup: %s", strerror(errno));
	return 0;
}

/* Text of a header field on one line: a control character as '?'. */
static void
add_field(struct crm_buf *out, const char *name, const char *v, size_t max)
{
	size_t i;

	crm_buf_addf(out, "%s ", name);
	for (i = 0; i < max && v[i]; i++)
		crm_buf_addch(out, (unsigned char)v[i] < 0x20 || v[i] == 0x7f ?
			'?' : v[i]);
	crm_buf_addch(out, '\n');
}

static void
make_header(struct ar_state *s, const struct crm_archive_info *info)
{
	struct crm_buf *h = &s->header;

	crm_buf_addf(h, "crm-backup %d\nschema %d\n", CRM_ARCHIVE_FORMAT,
		info->schema);
	add_field(h, "created", info->created, sizeof(info->created));
	add_field(h, "source", info->source, sizeof(info->source));
	crm_buf_adds(h, "compression zstd\nencryption ");
	ar_seal_text(&s->seal, h);
	if (s->seal.seal != CRM_SEAL_NONE) {
		crm_buf_adds(h, "\nstream ");
		ar_hex(h, s->stream, sizeof(s->stream));
	}
	crm_buf_addch(h, '\n');
	add_field(h, "counts", info->counts, sizeof(info->counts));
	crm_buf_addch(h, '\n');
}

/* Frame n bytes (at w->out + 4, or w->plain to be sealed with tag) and
 * write it. */
static int
put_frame(struct crm_archive_w *w, size_t n, unsigned char tag,
	struct crm_err *err)
{
	struct ar_state *s = &w->s;
	unsigned long long clen = n;
	int last = tag == TAG_FINAL;

	if (s->seal.seal != CRM_SEAL_NONE) {
		crypto_secretstream_xchacha20poly1305_push(&s->ss, w->out + 4,
			&clen, w->plain, n,
			s->first ? (unsigned char *)s->header.buf : NULL,
			s->first ? s->header.len : 0, tag);
		s->first = 0;
	}
	put_be(w->out, clen | (last ? LAST_BIT : 0), 4);
	if (s->seal.seal == CRM_SEAL_NONE)
		crypto_generichash_update(&s->hash, w->out, clen + 4);
	w->len = 0;
	return write_all(s->fd, w->out, clen + 4, err);
}

/* Run zstd over in with op, writing each frame it fills. */
static int
compress(struct crm_archive_w *w, ZSTD_inBuffer *in, ZSTD_EndDirective op,
	struct crm_err *err)
{
	int sealed = w->s.seal.seal != CRM_SEAL_NONE;
	ZSTD_outBuffer out;
	size_t left;

	out.dst = sealed ? w->plain : w->out + 4;
	out.size = sealed ? FRAME_MAX - ABYTES : FRAME_MAX;
	for (;;) {
		out.pos = w->len;
		left = ZSTD_compressStream2(w->z, &out, in, op);
		w->len = out.pos;
		if (ZSTD_isError(left))
			return crm_err_set(err, CRM_EX_SOFTWARE, "zstd: %s",
				ZSTD_getErrorName(left));
		if (out.pos == out.size && put_frame(w, out.pos,
		    TAG_MESSAGE, err) < 0)
			return -1;
		if (op == ZSTD_e_end ? left == 0 : in->pos == in->size)
			return 0;
	}
}

struct crm_archive_w *
crm_archive_create(int fd, const struct crm_archive_info *info,
	const struct crm_keys *keys, struct crm_err *err)
{
	struct crm_archive_w *w = crm_xcalloc(1, sizeof(*w));
	struct ar_state *s = &w->s;

	ar_sodium();
	s->fd = fd;
	s->first = 1;
	crm_buf_init(&s->header);
	randombytes_buf(s->key, sizeof(s->key));
	if (ar_seal_key(&s->seal, keys, s->key, err) < 0)
		goto fail;
	if (s->seal.seal == CRM_SEAL_NONE)
		crypto_generichash_init(&s->hash, NULL, 0, DIGEST);
	else
		crypto_secretstream_xchacha20poly1305_init_push(&s->ss,
			s->stream, s->key);
	make_header(s, info);
	if (s->seal.seal == CRM_SEAL_NONE)
		crypto_generichash_update(&s->hash,
			(unsigned char *)s->header.buf, s->header.len);
	w->z = ZSTD_createCCtx();
	if (!w->z)
		abort();
	ZSTD_CCtx_setParameter(w->z, ZSTD_c_compressionLevel, LEVEL);
	ZSTD_CCtx_setParameter(w->z, ZSTD_c_checksumFlag, 1);
	/* zstd's own threads compress while this one reads, encrypts and
	 * writes (the shared library has them; where refused, one thread
	 * does it all). */
	ZSTD_CCtx_setParameter(w->z, ZSTD_c_nbWorkers, WORKERS);
	w->out = crm_xmalloc(4 + FRAME_MAX);
	if (s->seal.seal != CRM_SEAL_NONE)
		w->plain = crm_xmalloc(FRAME_MAX);
	if (write_all(fd, (unsigned char *)s->header.buf, s->header.len,
	    err) < 0)
		goto fail;
	return w;
fail:
	crm_archive_abort(w);
	return NULL;
}

int
crm_archive_write(struct crm_archive_w *w, const void *p, size_t n,
	struct crm_err *err)
{
	ZSTD_inBuffer in = { p, n, 0 };

	w->s.total += n;
	return n ? compress(w, &in, ZSTD_e_continue, err) : 0;
}

int
crm_archive_file_key(const struct crm_archive_w *w,
	unsigned char key[CRM_ARCHIVE_KEYBYTES])
{
	if (w->s.seal.seal == CRM_SEAL_NONE)
		return -1;
	memcpy(key, w->s.key, CRM_ARCHIVE_KEYBYTES);
	return 0;
}

int
crm_archive_finish(struct crm_archive_w *w, struct crm_err *err)
{
	struct ar_state *s = &w->s;
	ZSTD_inBuffer in = { NULL, 0, 0 };
	unsigned char *end;
	int r = -1;

	if (compress(w, &in, ZSTD_e_end, err) < 0 ||
	    (w->len && put_frame(w, w->len, TAG_MESSAGE, err) < 0))
		goto out;
	if (s->seal.seal == CRM_SEAL_NONE) {
		/* The length and the digest of all before it, this frame's
		 * length and the payload's length included. */
		end = w->out + 4;
		put_be(w->out, (8 + DIGEST) | LAST_BIT, 4);
		put_be(end, s->total, 8);
		crypto_generichash_update(&s->hash, w->out, 4 + 8);
		crypto_generichash_final(&s->hash, end + 8, DIGEST);
		r = write_all(s->fd, w->out, 4 + 8 + DIGEST, err);
	} else {
		put_be(w->plain, s->total, 8);
		r = put_frame(w, 8, TAG_FINAL, err);
	}
out:
	crm_archive_abort(w);
	return r;
}

void
crm_archive_abort(struct crm_archive_w *w)
{
	if (!w)
		return;
	state_free(&w->s);
	ZSTD_freeCCtx(w->z);
	free(w->out);
	free(w->plain);
	free(w);
}

/* ---- reading ------------------------------------------------------------ */

/* Up to n bytes from fd: how many, 0 at its end, -1 (err set). */
static ssize_t
read_some(int fd, void *p, size_t n, struct crm_err *err)
{
	ssize_t k;

	while ((k = read(fd, p, n)) < 0 && errno == EINTR)
		;
	if (k < 0)
		crm_err_set(err, CRM_EX_IOERR, "cannot read the backup: %s",
			strerror(errno));
	return k;
}

/* Exactly n bytes of the file at p: 0, or -1 (it ends before them). */
static int
read_exact(struct crm_archive_r *r, unsigned char *p, size_t n,
	struct crm_err *err)
{
	ssize_t k;
	size_t m;

	while (n > 0) {
		if (r->in_pos == r->in_len) {
			/* A big read goes straight where it is wanted. */
			k = n >= READ_SIZE ? read_some(r->s.fd, p, n, err) :
				read_some(r->s.fd, r->in, READ_SIZE, err);
			if (k < 0)
				return -1;
			if (k == 0)
				return crm_err_set(err, CRM_EX_DATAERR,
					"the backup is cut short");
			if (n >= READ_SIZE) {
				p += k;
				n -= (size_t)k;
				continue;
			}
			r->in_pos = 0;
			r->in_len = (size_t)k;
		}
		m = r->in_len - r->in_pos < n ? r->in_len - r->in_pos : n;
		memcpy(p, r->in + r->in_pos, m);
		r->in_pos += m;
		p += m;
		n -= m;
	}
	return 0;
}

/* The header's lines into info and r (text is the header, NUL for each
 * newline); 0 or -1. */
static int
parse_header(struct crm_archive_r *r, char *text, const char *end,
	struct crm_archive_info *info, struct crm_err *err)
{
	/* The fields a header must have, a bit each, none twice. */
	static const char *const names[] = { "schema", "created", "source",
		"compression", "encryption", "stream", "counts" };
	unsigned seen = 0, i;
	unsigned long long n;
	char *line, *v, *stop;

	for (line = text; line < end; line += strlen(line) + 1) {
		v = strchr(line, ' ');
		if (v)
			*v++ = '\0';
		for (i = 0; i < sizeof(names) / sizeof(*names); i++)
			if (!strcmp(line, names[i]))
				break;
		if (i == sizeof(names) / sizeof(*names))
			continue;	/* a later format's: ignored */
		if (!v || (seen & 1u << i))
			return damaged(err, "header");
		seen |= 1u << i;
		switch (i) {
		case 0:
			errno = 0;
			n = strtoull(v, &stop, 10);
			if (*v < '0' || *v > '9' || *stop || errno ||
			    n > 1000000)
				return damaged(err, "header");
			info->schema = (int)n;
			break;
#define TEXT(f) if (strlen(v) >= sizeof(f)) \
				return damaged(err, "header"); \
			memcpy(f, v, strlen(v) + 1); \
			break
		case 1:
			TEXT(info->created);
		case 2:
			TEXT(info->source);
		case 6:
			TEXT(info->counts);
#undef TEXT
		case 3:
			if (strcmp(v, "zstd"))
				return damaged(err, "unknown compression");
			break;
		case 4:
			if (ar_seal_parse(&r->s.seal, v, err) < 0)
				return -1;
			break;
		case 5:
			if (ar_unhex(r->s.stream, sizeof(r->s.stream), v,
			    strlen(v)) < 0)
				return damaged(err, "header");
			break;
		}
	}
	/* All but the stream, which only an encrypted file has. */
	if ((seen | 1u << 5) != (1u << 7) - 1 ||
	    !(seen & 1u << 5) != (r->s.seal.seal == CRM_SEAL_NONE))
		return damaged(err, "header");
	info->seal = r->s.seal.seal;
	return 0;
}

/* The header's bytes, read ahead into r->in, up to its empty line. */
static int
read_header(struct crm_archive_r *r, struct crm_err *err)
{
	static const char magic[] = "crm-backup ";
	const size_t ml = sizeof(magic) - 1;
	unsigned char *p;
	ssize_t k;

	for (;;) {
		if (memcmp(r->in, magic, r->in_len < ml ? r->in_len : ml))
			return crm_err_set(err, CRM_EX_DATAERR,
				"not a crm backup");
		p = memmem(r->in, r->in_len, "\n\n", 2);
		if (p)
			break;
		if (r->in_len >= HEADER_MAX)
			return crm_err_set(err, CRM_EX_DATAERR,
				"not a crm backup");
		k = read_some(r->s.fd, r->in + r->in_len,
			HEADER_MAX - r->in_len, err);
		if (k < 0)
			return -1;
		if (k == 0)
			return crm_err_set(err, CRM_EX_DATAERR,
				r->in_len < ml ? "not a crm backup" :
				"the backup's header is cut short");
		r->in_len += (size_t)k;
	}
	r->in_pos = (size_t)(p - r->in) + 2;
	crm_buf_add(&r->s.header, r->in, r->in_pos);
	return 0;
}

struct crm_archive_r *
crm_archive_open(int fd, struct crm_archive_info *info, struct crm_err *err)
{
	struct crm_archive_r *r = crm_xcalloc(1, sizeof(*r));
	unsigned long long n;
	size_t i, len;
	char *text, *p;
	int bad = 0, rc = -1;

	ar_sodium();
	memset(info, 0, sizeof(*info));
	r->s.fd = fd;
	r->s.first = 1;
	crm_buf_init(&r->s.header);
	r->in = crm_xmalloc(READ_SIZE);
	if (read_header(r, err) < 0)
		goto fail;
	/* Lines as strings; a control character is none of crm's. */
	len = r->s.header.len;
	text = crm_xmalloc(len + 1);
	memcpy(text, r->s.header.buf, len + 1);
	for (i = 0; i < len; i++)
		if (text[i] == '\n')
			text[i] = '\0';
		else if ((unsigned char)text[i] < 0x20 || text[i] == 0x7f)
			bad = 1;
	errno = 0;
	n = strtoull(text + 11, &p, 10);
	if (text[11] < '1' || text[11] > '9' || *p || errno)
		crm_err_set(err, CRM_EX_DATAERR, "not a crm backup");
	else if (n > CRM_ARCHIVE_FORMAT)
		crm_err_set(err, CRM_EX_CONFIG, "written by a newer crm "
			"(backup format %llu)", n);
	else if (bad)
		damaged(err, "header");
	else {
		info->format = (int)n;
		rc = parse_header(r, p + 1, text + len - 1, info, err);
	}
	free(text);
	if (rc < 0)
		goto fail;
	return r;
fail:
	crm_archive_close(r);
	return NULL;
}

int
crm_archive_unlock(struct crm_archive_r *r, const struct crm_keys *keys,
	struct crm_err *err)
{
	struct ar_state *s = &r->s;

	if (r->unlocked)
		return 0;
	if (s->seal.seal == CRM_SEAL_NONE) {
		crypto_generichash_init(&s->hash, NULL, 0, DIGEST);
		crypto_generichash_update(&s->hash,
			(unsigned char *)s->header.buf, s->header.len);
	} else {
		if (ar_unseal_key(&s->seal, keys, s->key, err) < 0)
			return -1;
		if (crypto_secretstream_xchacha20poly1305_init_pull(&s->ss,
		    s->stream, s->key) < 0)
			return damaged(err, "header");
	}
	r->z = ZSTD_createDCtx();
	if (!r->z)
		abort();
	r->zret = 1;	/* not a whole zstd frame yet */
	r->unlocked = 1;
	return 0;
}

/* Room for n bytes at *p (of *cap). */
static void
room(unsigned char **p, size_t *cap, size_t n)
{
	if (*cap < n) {
		free(*p);
		*p = crm_xmalloc(n);
		*cap = n;
	}
}

/* The next frame: its zstd bytes in r->plain, or the end mark checked
 * and its length in r->length (r->last). */
static int
next_frame(struct crm_archive_r *r, struct crm_err *err)
{
	struct ar_state *s = &r->s;
	unsigned char lenbuf[4], digest[DIGEST], tag;
	unsigned long long plen;
	size_t n;
	int last;

	if (read_exact(r, lenbuf, 4, err) < 0)
		return -1;
	n = get_be(lenbuf, 4) & ~LAST_BIT;
	last = !!(lenbuf[0] & 0x80);
	if (n > FRAME_MAX || (!last && n == 0) ||
	    (last && n != (s->seal.seal == CRM_SEAL_NONE ? 8 + DIGEST :
	    8 + ABYTES)))
		return damaged(err, "frame length");
	room(&r->frame, &r->frame_cap, n);
	if (read_exact(r, r->frame, n, err) < 0)
		return -1;
	r->plain_pos = 0;
	if (s->seal.seal == CRM_SEAL_NONE) {
		crypto_generichash_update(&s->hash, lenbuf, 4);
		crypto_generichash_update(&s->hash, r->frame,
			last ? 8 : n);
		r->plain = r->frame;
		r->plain_len = n;
		if (!last)
			return 0;
		crypto_generichash_final(&s->hash, digest, DIGEST);
		if (sodium_memcmp(digest, r->frame + 8, DIGEST))
			return damaged(err, "checksum");
	} else {
		room(&r->open, &r->open_cap, n);
		r->plain = r->open;
		if (crypto_secretstream_xchacha20poly1305_pull(&s->ss,
		    r->open, &plen, &tag, r->frame, n,
		    s->first ? (unsigned char *)s->header.buf : NULL,
		    s->first ? s->header.len : 0) < 0)
			return damaged(err, "authentication");
		s->first = 0;
		r->plain_len = plen;
		if ((tag == TAG_FINAL) != last ||
		    (tag != TAG_FINAL && tag != TAG_MESSAGE))
			return damaged(err, "end mark");
		if (!last)
			return 0;
	}
	r->length = get_be(r->plain, 8);
	r->plain_len = 0;
	r->last = 1;
	return 0;
}

/* After the end mark: the payload whole, and nothing more in the file. */
static int
check_end(struct crm_archive_r *r, struct crm_err *err)
{
	unsigned char c;
	ssize_t k;

	if (r->zret != 0)
		return damaged(err, "compressed data cut short");
	if (r->s.total != r->length)
		return damaged(err, "payload length");
	if (r->in_pos < r->in_len)
		k = 1;
	else if ((k = read_some(r->s.fd, &c, 1, err)) < 0)
		return -1;
	if (k > 0)
		return crm_err_set(err, CRM_EX_DATAERR,
			"the backup is damaged (bytes after the end mark)");
	r->done = 1;
	return 0;
}

ssize_t
crm_archive_read(struct crm_archive_r *r, void *buf, size_t n,
	struct crm_err *err)
{
	ZSTD_inBuffer in;
	ZSTD_outBuffer out = { buf, n, 0 };

	if (!r->unlocked)
		return crm_err_set(err, CRM_EX_SOFTWARE,
			"crm_archive_read() before crm_archive_unlock()");
	while (!r->done && n > 0) {
		/* zstd may hold output back when buf was full: ask again,
		 * unless it has said its frame is out whole. */
		if (r->plain_pos < r->plain_len || (r->zfull && r->zret)) {
			in.src = r->plain;
			in.size = r->plain_len;
			in.pos = r->plain_pos;
			r->zret = ZSTD_decompressStream(r->z, &out, &in);
			if (ZSTD_isError(r->zret))
				return damaged(err, "compressed data");
			r->plain_pos = in.pos;
			r->zfull = out.pos == out.size;
			if (out.pos > 0) {
				r->s.total += out.pos;
				return (ssize_t)out.pos;
			}
		} else if (r->last) {
			if (check_end(r, err) < 0)
				return -1;
		} else if (next_frame(r, err) < 0)
			return -1;
	}
	return 0;
}

void
crm_archive_close(struct crm_archive_r *r)
{
	if (!r)
		return;
	state_free(&r->s);
	ZSTD_freeDCtx(r->z);
	free(r->in);
	free(r->frame);
	free(r->open);
	free(r);
}
