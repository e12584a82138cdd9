#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "banned.h"

char crm_buf_empty[1];

static void
oom(void)
{
	fputs("crm: out of memory\n", stderr);
	abort();
}

void *
crm_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		oom();
	return p;
}

void *
crm_xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		oom();
	return p;
}

void *
crm_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		oom();
	return p;
}

char *
crm_strdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(crm_xmalloc(n), s, n);
}

void
crm_buf_init(struct crm_buf *b)
{
	b->buf = crm_buf_empty;
	b->len = 0;
	b->alloc = 0;
}

void
crm_buf_release(struct crm_buf *b)
{
	if (b->alloc)
		free(b->buf);
	crm_buf_init(b);
}

void
crm_buf_reset(struct crm_buf *b)
{
	if (b->alloc)
		b->buf[0] = '\0';
	b->len = 0;
}

void
crm_buf_grow(struct crm_buf *b, size_t n)
{
	size_t want;

	if (n > (size_t)-1 / 2 - b->len)
		oom();
	want = b->len + n + 1;
	if (want <= b->alloc)
		return;
	if (want < b->alloc * 2)
		want = b->alloc * 2;
	if (want < 32)
		want = 32;
	if (b->alloc) {
		b->buf = crm_xrealloc(b->buf, want);
	} else {
		b->buf = crm_xmalloc(want);
		b->buf[0] = '\0';
	}
	b->alloc = want;
}

void
crm_buf_add(struct crm_buf *b, const void *p, size_t n)
{
	if (!n)
		return;
	crm_buf_grow(b, n);
	memcpy(b->buf + b->len, p, n);
	b->len += n;
	b->buf[b->len] = '\0';
}

void
crm_buf_adds(struct crm_buf *b, const char *s)
{
	crm_buf_add(b, s, strlen(s));
}

void
crm_buf_add_dir(struct crm_buf *b, const char *path)
{
	const char *slash = strrchr(path, '/');

	if (slash)
		crm_buf_add(b, path, (size_t)(slash - path) + (slash == path));
	else
		crm_buf_adds(b, ".");
}

void
crm_buf_addch(struct crm_buf *b, int c)
{
	crm_buf_grow(b, 1);
	b->buf[b->len++] = (char)c;
	b->buf[b->len] = '\0';
}

void
crm_buf_vaddf(struct crm_buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	va_copy(cp, ap);
	n = vsnprintf(b->buf + b->len, b->alloc ? b->alloc - b->len : 0,
		fmt, cp);
	va_end(cp);
	if (n < 0)
		return;
	if (b->alloc && (size_t)n < b->alloc - b->len) {
		b->len += (size_t)n;
		return;
	}
	crm_buf_grow(b, (size_t)n);
	vsnprintf(b->buf + b->len, b->alloc - b->len, fmt, ap);
	b->len += (size_t)n;
}

void
crm_buf_addf(struct crm_buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	crm_buf_vaddf(b, fmt, ap);
	va_end(ap);
}

void
crm_buf_sets(struct crm_buf *b, const char *s)
{
	crm_buf_reset(b);
	crm_buf_adds(b, s);
}

void
crm_buf_setlen(struct crm_buf *b, size_t n)
{
	if (n > b->len)
		return;
	b->len = n;
	if (b->alloc)
		b->buf[n] = '\0';
}

char *
crm_buf_detach(struct crm_buf *b)
{
	char *p;

	if (!b->alloc)
		return crm_strdup("");
	p = b->buf;
	crm_buf_init(b);
	return p;
}
