/* test-buf - lib/buf.h: the growable byte string. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"
#include "banned.h"

/* CRM_BUF_INIT is a valid empty string that needs no release. */
static void
init_is_empty_string(void **state)
{
	struct crm_buf b = CRM_BUF_INIT;

	(void)state;
	assert_non_null(b.buf);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.buf, "");
	crm_buf_release(&b);	/* safe on INIT */
	assert_string_equal(b.buf, "");
	assert_int_equal(b.len, 0);
}

static void
init_function_matches_macro(void **state)
{
	struct crm_buf b;

	(void)state;
	memset(&b, 0x5a, sizeof(b));
	crm_buf_init(&b);
	assert_ptr_equal(b.buf, crm_buf_empty);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.alloc, 0);
}

/* Adding bytes keeps the string NUL-terminated with len before the NUL. */
static void
add_bytes_and_strings(void **state)
{
	struct crm_buf b = CRM_BUF_INIT;

	(void)state;
	crm_buf_add(&b, "abcdef", 3);
	assert_int_equal(b.len, 3);
	assert_string_equal(b.buf, "abc");
	crm_buf_adds(&b, "-xyz");
	assert_int_equal(b.len, 7);
	assert_string_equal(b.buf, "abc-xyz");
	crm_buf_addch(&b, '!');
	assert_string_equal(b.buf, "abc-xyz!");
	assert_int_equal(b.len, strlen(b.buf));
	crm_buf_release(&b);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.buf, "");
}

/* Adding nothing to an INIT buffer leaves it INIT (no allocation). */
static void
add_nothing_keeps_static(void **state)
{
	struct crm_buf b = CRM_BUF_INIT;

	(void)state;
	crm_buf_add(&b, "x", 0);
	crm_buf_adds(&b, "");
	assert_ptr_equal(b.buf, crm_buf_empty);
	assert_int_equal(b.len, 0);
	assert_int_equal(crm_buf_empty[0], '\0');
}

/* Bytes may include NUL: len counts them, the terminator follows. */
static void
add_embedded_nul(void **state)
{
	struct crm_buf b = CRM_BUF_INIT;

	(void)state;
	crm_buf_add(&b, "a\0b", 3);
	crm_buf_addch(&b, '\0');
	assert_int_equal(b.len, 4);
	assert_memory_equal(b.buf, "a\0b\0", 5);
	crm_buf_release(&b);
}

/* Many additions grow the buffer; content is intact across moves. */
static void
grow_keeps_content(void **state)
{
	struct crm_buf b = CRM_BUF_INIT;
	size_t i;

	(void)state;
	for (i = 0; i < 10000; i++)
		crm_buf_addch(&b, 'a' + (int)(i % 26));
	assert_int_equal(b.len, 10000);
	assert_int_equal(strlen(b.buf), 10000);
	for (i = 0; i < 10000; i++)
		if (b.buf[i] != 'a' + (int)(i % 26))
			fail_msg("byte %zu is '%c'", i, b.buf[i]);
	crm_buf_release(&b);
}

/* crm_buf_grow makes room: adding that many bytes does not move buf. */
static void
grow_reserves_room(void **state)
{
	struct crm_buf b = CRM_BUF_INIT;
	char *before, more[1000];

	(void)state;
	memset(more, 'y', sizeof(more));
	crm_buf_adds(&b, "x");
	crm_buf_grow(&b, sizeof(more));
	before = b.buf;
	crm_buf_add(&b, more, sizeof(more));
	assert_ptr_equal(b.buf, before);
	assert_int_equal(b.buf[1000], 'y');
	assert_int_equal(b.len, 1001);
	crm_buf_release(&b);
}

/* printf-formatted text, short and longer than the first allocation. */
static void
addf_formats(void **state)
{
	struct crm_buf b = CRM_BUF_INIT;
	struct crm_buf want = CRM_BUF_INIT;
	int i;

	(void)state;
	crm_buf_addf(&b, "%d-%s", 42, "x");
	assert_string_equal(b.buf, "42-x");
	crm_buf_addf(&b, "%s", "");
	assert_string_equal(b.buf, "42-x");
	/* Longer than what is allocated: the retry path. */
	crm_buf_addf(&b, "%0100d|%s", 7, "end");
	assert_int_equal(b.len, 4 + 100 + 4);
	for (i = 0; i < 99; i++)
		crm_buf_addch(&want, '0');
	crm_buf_adds(&want, "7|end");
	assert_string_equal(b.buf + 4, want.buf);
	crm_buf_release(&b);
	crm_buf_release(&want);
}

/* addf on an INIT buffer must not write into the shared empty string. */
static void
addf_on_init(void **state)
{
	struct crm_buf b = CRM_BUF_INIT;

	(void)state;
	crm_buf_addf(&b, "%s", "hello");
	assert_string_equal(b.buf, "hello");
	assert_ptr_not_equal(b.buf, crm_buf_empty);
	assert_int_equal(crm_buf_empty[0], '\0');
	crm_buf_release(&b);
}

static void
vaddf_helper(struct crm_buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	crm_buf_vaddf(b, fmt, ap);
	va_end(ap);
}

static void
vaddf_formats(void **state)
{
	struct crm_buf b = CRM_BUF_INIT;

	(void)state;
	vaddf_helper(&b, "%s=%lld", "n", 12345678901LL);
	assert_string_equal(b.buf, "n=12345678901");
	vaddf_helper(&b, "%64s|", "r");
	assert_int_equal(b.len, 13 + 65);
	assert_int_equal(b.buf[b.len - 2], 'r');
	crm_buf_release(&b);
}

/* Reset: length 0, memory kept. */
static void
reset_keeps_memory(void **state)
{
	struct crm_buf b = CRM_BUF_INIT;
	char *p;
	size_t alloc;

	(void)state;
	crm_buf_adds(&b, "some text");
	p = b.buf;
	alloc = b.alloc;
	crm_buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.buf, "");
	assert_ptr_equal(b.buf, p);
	assert_int_equal(b.alloc, alloc);
	crm_buf_reset(&b);
	crm_buf_release(&b);
	crm_buf_reset(&b);	/* on INIT: no write to the static */
	assert_string_equal(b.buf, "");
}

/* Replace the contents with a copy of s. */
static void
sets_replaces(void **state)
{
	struct crm_buf b = CRM_BUF_INIT;

	(void)state;
	crm_buf_adds(&b, "old contents");
	crm_buf_sets(&b, "new");
	assert_string_equal(b.buf, "new");
	assert_int_equal(b.len, 3);
	crm_buf_sets(&b, "");
	assert_string_equal(b.buf, "");
	assert_int_equal(b.len, 0);
	crm_buf_release(&b);
}

/* Shorten to n bytes (n <= len); a longer n changes nothing. */
static void
setlen_shortens(void **state)
{
	struct crm_buf b = CRM_BUF_INIT;

	(void)state;
	crm_buf_adds(&b, "abcdef");
	crm_buf_setlen(&b, 2);
	assert_string_equal(b.buf, "ab");
	assert_int_equal(b.len, 2);
	crm_buf_setlen(&b, 10);
	assert_int_equal(b.len, 2);
	assert_string_equal(b.buf, "ab");
	crm_buf_setlen(&b, 0);
	assert_string_equal(b.buf, "");
	crm_buf_release(&b);
	crm_buf_setlen(&b, 0);	/* INIT */
	assert_string_equal(b.buf, "");
}

/* Detach: the caller owns the string; b is left INIT; never NULL. */
static void
detach_gives_ownership(void **state)
{
	struct crm_buf b = CRM_BUF_INIT;
	char *s;

	(void)state;
	crm_buf_adds(&b, "mine");
	s = crm_buf_detach(&b);
	assert_string_equal(s, "mine");
	assert_ptr_equal(b.buf, crm_buf_empty);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.alloc, 0);
	free(s);
	s = crm_buf_detach(&b);	/* INIT: a fresh "" */
	assert_non_null(s);
	assert_string_equal(s, "");
	assert_ptr_not_equal(s, crm_buf_empty);
	free(s);
	/* b is usable again after detach */
	crm_buf_adds(&b, "again");
	assert_string_equal(b.buf, "again");
	crm_buf_release(&b);
}

static void
strdup_and_alloc(void **state)
{
	char *s, *p;
	int *z;

	(void)state;
	s = crm_strdup("copy me");
	assert_string_equal(s, "copy me");
	free(s);
	p = crm_xmalloc(0);	/* zero bytes is still a pointer */
	assert_non_null(p);
	p = crm_xrealloc(p, 64);
	memset(p, 1, 64);
	free(p);
	z = crm_xcalloc(8, sizeof(*z));
	assert_int_equal(z[0] | z[7], 0);
	free(z);
	z = crm_xcalloc(0, 0);
	assert_non_null(z);
	free(z);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(init_is_empty_string),
		cmocka_unit_test(init_function_matches_macro),
		cmocka_unit_test(add_bytes_and_strings),
		cmocka_unit_test(add_nothing_keeps_static),
		cmocka_unit_test(add_embedded_nul),
		cmocka_unit_test(grow_keeps_content),
		cmocka_unit_test(grow_reserves_room),
		cmocka_unit_test(addf_formats),
		cmocka_unit_test(addf_on_init),
		cmocka_unit_test(vaddf_formats),
		cmocka_unit_test(reset_keeps_memory),
		cmocka_unit_test(sets_replaces),
		cmocka_unit_test(setlen_shortens),
		cmocka_unit_test(detach_gives_ownership),
		cmocka_unit_test(strdup_and_alloc),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
