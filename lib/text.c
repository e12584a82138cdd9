#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <utf8proc.h>

#include "text.h"
#include "banned.h"

size_t
crm_text_next(const char *s, size_t len, int *cp)
{
	utf8proc_int32_t c;
	utf8proc_ssize_t n;

	if ((unsigned char)s[0] < 0x80) {
		*cp = (unsigned char)s[0];
		return 1;
	}
	n = utf8proc_iterate((const utf8proc_uint8_t *)s,
		(utf8proc_ssize_t)len, &c);
	if (n < 1) {
		*cp = -1;
		return 1;
	}
	*cp = c;
	return (size_t)n;
}

int
crm_text_valid(const char *s, size_t len)
{
	size_t i = 0;
	int cp;

	while (i < len) {
		i += crm_text_next(s + i, len - i, &cp);
		if (cp < 0)
			return 0;
	}
	return 1;
}

void
crm_text_repair(const char *s, size_t len, struct crm_buf *out)
{
	size_t i = 0;
	int cp;

	while (i < len) {
		size_t n = crm_text_next(s + i, len - i, &cp);

		if (cp < 0)
			crm_buf_adds(out, "\xef\xbf\xbd");	/* U+FFFD */
		else
			crm_buf_add(out, s + i, n);
		i += n;
	}
}

static int
is_space(int cp)
{
	if (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' ||
	    cp == '\v' || cp == '\f')
		return 1;
	if (cp < 0x80)
		return 0;
	return utf8proc_category(cp) == UTF8PROC_CATEGORY_ZS ||
		cp == 0x85 || cp == 0x2028 || cp == 0x2029 || cp == 0xFEFF;
}

static int
is_control(int cp)
{
	return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0);
}

/*
 * Code points that NFC leaves alone whatever stands beside them: printable
 * ASCII, the CJK ideographs, kana (without the combining sound marks),
 * Hangul syllables and the full-width forms.  Text made only of these is
 * in NFC already, which is most names, emails and phones crm sees.
 */
static int
nfc_stable(int cp)
{
	return (cp >= 0x20 && cp < 0x7F) ||
		(cp >= 0x3000 && cp <= 0x30FF && cp != 0x3099 &&
		 cp != 0x309A) ||
		(cp >= 0x3400 && cp <= 0x4DBF) ||
		(cp >= 0x4E00 && cp <= 0x9FFF) ||
		(cp >= 0xAC00 && cp <= 0xD7A3) ||
		(cp >= 0xFF01 && cp <= 0xFF5E);
}

int
crm_text_check(const char *s, size_t len, struct crm_err *err)
{
	size_t i = 0;
	int cp;

	while (i < len) {
		size_t n = crm_text_next(s + i, len - i, &cp);

		if (cp < 0)
			return crm_err_set(err, CRM_EX_DATAERR,
				"invalid UTF-8 at byte %zu", i + 1);
		if (is_control(cp))
			return crm_err_set(err, CRM_EX_DATAERR,
				"control character U+%04X not allowed", cp);
		i += n;
	}
	return 0;
}

int
crm_text_blank(const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	return !*s;
}

int
crm_text_clean(const char *in, size_t len, unsigned flags,
	struct crm_buf *out, struct crm_err *err)
{
	struct crm_buf tmp = CRM_BUF_INIT;
	utf8proc_uint8_t *nfc;
	size_t i, start, end;
	int cp;

	/* Trim: find the first and last non-space code points. */
	start = len;
	end = 0;
	for (i = 0; i < len;) {
		size_t n = crm_text_next(in + i, len - i, &cp);

		if (cp < 0)
			return crm_err_set(err, CRM_EX_DATAERR,
				"invalid UTF-8 at byte %zu", i + 1);
		if (!is_space(cp)) {
			if (start == len)
				start = i;
			end = i + n;
		}
		i += n;
	}
	if (start == len)
		return 0;
	/* Most text needs no more than the trimming. */
	for (i = start; i < end;) {
		size_t n = crm_text_next(in + i, end - i, &cp);

		if (!nfc_stable(cp))
			break;
		i += n;
	}
	if (i == end) {
		crm_buf_add(out, in + start, end - start);
		return 0;
	}
	for (i = start; i < end;) {
		size_t n = crm_text_next(in + i, end - i, &cp);

		if (cp == '\r' && (flags & CRM_TEXT_MULTILINE)) {
			crm_buf_addch(&tmp, '\n');
			if (i + 1 < end && in[i + 1] == '\n')
				n++;
		} else if ((cp == '\n' || cp == '\t') &&
		    (flags & CRM_TEXT_MULTILINE)) {
			crm_buf_addch(&tmp, cp);
		} else if (is_control(cp)) {
			crm_buf_release(&tmp);
			return crm_err_set(err, CRM_EX_DATAERR,
				"control character U+%04X not allowed", cp);
		} else {
			crm_buf_add(&tmp, in + i, n);
		}
		i += n;
	}
	nfc = utf8proc_NFC((const utf8proc_uint8_t *)tmp.buf);
	if (!nfc) {
		crm_buf_release(&tmp);
		return crm_err_set(err, CRM_EX_DATAERR, "invalid Unicode text");
	}
	crm_buf_adds(out, (const char *)nfc);
	free(nfc);
	crm_buf_release(&tmp);
	return 0;
}

void
crm_text_fold(const char *s, size_t len, struct crm_buf *out)
{
	utf8proc_uint8_t *res = NULL;
	utf8proc_ssize_t n;
	size_t i;

	/* ASCII folds to its lower case, and nothing else changes it. */
	for (i = 0; i < len && (unsigned char)s[i] < 0x80; i++)
		;
	if (i == len) {
		crm_buf_grow(out, len);
		for (i = 0; i < len; i++)
			out->buf[out->len + i] = s[i] >= 'A' && s[i] <= 'Z' ?
				(char)(s[i] + 32) : s[i];
		out->len += len;
		out->buf[out->len] = '\0';
		return;
	}
	n = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len,
		&res, UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT |
		UTF8PROC_CASEFOLD | UTF8PROC_IGNORE);
	if (n >= 0) {
		crm_buf_add(out, res, (size_t)n);
		free(res);
		return;
	}
	free(res);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		crm_buf_addch(out, c >= 'A' && c <= 'Z' ? c + 32 : c);
	}
}

static size_t
cp_width(int cp)
{
	int w;

	if (cp < 0)
		return 1;
	if (cp >= 0x20 && cp < 0x7F)
		return 1;
	w = utf8proc_charwidth(cp);
	if (w < 0)
		return 0;
	/* Ambiguous and private-use characters: one column. */
	if (w == 0 && utf8proc_category(cp) == UTF8PROC_CATEGORY_CO)
		return 1;
	return (size_t)w;
}

size_t
crm_text_width(const char *s, size_t len)
{
	size_t i = 0, w = 0;
	int cp;

	while (i < len) {
		i += crm_text_next(s + i, len - i, &cp);
		w += cp_width(cp);
	}
	return w;
}

size_t
crm_text_cut(const char *s, size_t len, size_t width, struct crm_buf *out)
{
	size_t i = 0, w = 0;
	int cp;

	while (i < len) {
		size_t n = crm_text_next(s + i, len - i, &cp);
		size_t cw = cp_width(cp);

		if (w + cw > width)
			break;
		crm_buf_add(out, s + i, n);
		w += cw;
		i += n;
	}
	return w;
}

uint64_t
crm_text_hash(const char *s, size_t n)
{
	uint64_t h = 14695981039346656037ULL;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

void
crm_text_digest(const char *s, size_t n, struct crm_buf *out)
{
	crm_buf_addf(out, "%016llx", (unsigned long long)crm_text_hash(s, n));
}
