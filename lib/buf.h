/*
 * buf.h - a growable byte string.
 *
 * Invariants: buf is never NULL and always NUL-terminated; len is the
 * number of bytes before that NUL and may be read freely; the capacity is
 * private.  A struct crm_buf set to CRM_BUF_INIT is a valid empty string
 * that needs no release, and releasing it is safe.
 *
 * Any call that adds bytes may move buf: pointers into it taken before the
 * call are no longer valid after it.  Allocation failure aborts the program
 * (there is nothing sensible a command-line tool can do instead).
 */
#ifndef CRM_BUF_H
#define CRM_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct crm_buf {
	char *buf;		/* the bytes, NUL-terminated */
	size_t len;		/* bytes before the NUL */
	size_t alloc;		/* private: bytes allocated, 0 = static empty */
};

extern char crm_buf_empty[];
#define CRM_BUF_INIT { crm_buf_empty, 0, 0 }

/* Lifecycle. */
void crm_buf_init(struct crm_buf *b);
void crm_buf_release(struct crm_buf *b);	/* frees; b is then INIT */
void crm_buf_reset(struct crm_buf *b);		/* length 0, memory kept */

/* Make room for at least n more bytes. */
void crm_buf_grow(struct crm_buf *b, size_t n);

/* Append n bytes, a C string, one byte, or printf-formatted text. */
void crm_buf_add(struct crm_buf *b, const void *p, size_t n);
void crm_buf_adds(struct crm_buf *b, const char *s);
/* The folder of path: "." for a bare name, "/" for one in the root. */
void crm_buf_add_dir(struct crm_buf *b, const char *path);
void crm_buf_addch(struct crm_buf *b, int c);
void crm_buf_addf(struct crm_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void crm_buf_vaddf(struct crm_buf *b, const char *fmt, va_list ap);

/* Replace the contents with a copy of s. */
void crm_buf_sets(struct crm_buf *b, const char *s);

/* Shorten to n bytes (n <= len). */
void crm_buf_setlen(struct crm_buf *b, size_t n);

/*
 * Take the string: the caller owns the returned pointer and frees it with
 * free(); b is left INIT.  Never returns NULL.
 */
char *crm_buf_detach(struct crm_buf *b);

/* Duplicate a string; aborts on allocation failure.  Caller frees. */
char *crm_strdup(const char *s);
void *crm_xmalloc(size_t n);
void *crm_xrealloc(void *p, size_t n);
void *crm_xcalloc(size_t n, size_t size);

#endif
