#include <stdlib.h>
#include <string.h>

#include "dupes.h"
#include "text.h"
#include "banned.h"

void
crm_dupe_email_key(const char *email, struct crm_buf *out)
{
	const char *at = strrchr(email, '@'), *p, *end;
	int gmail;

	if (!at || at == email)
		return;
	gmail = !strcmp(at + 1, "gmail.com") ||
		!strcmp(at + 1, "googlemail.com");
	end = memchr(email, '+', (size_t)(at - email));
	if (!end || end == email)
		end = at;
	for (p = email; p < end; p++)
		if (!(gmail && *p == '.'))
			crm_buf_addch(out, *p >= 'A' && *p <= 'Z' ?
				*p + 32 : *p);
	crm_buf_adds(out, gmail ? "@gmail.com" : at);
}

void
crm_dupe_phone_key(const char *phone, struct crm_buf *out)
{
	size_t n = 0, start;
	const char *p;

	for (p = phone; *p; p++)
		n += *p >= '0' && *p <= '9';
	start = n > 10 ? n - 10 : 0;
	for (p = phone, n = 0; *p; p++)
		if (*p >= '0' && *p <= '9' && n++ >= start)
			crm_buf_addch(out, *p);
}

void
crm_dupe_name_key(const char *name, struct crm_buf *out)
{
	struct crm_buf f = CRM_BUF_INIT;
	size_t i = 0;
	int cp;

	crm_text_fold(name, strlen(name), &f);
	while (i < f.len) {
		size_t n = crm_text_next(f.buf + i, f.len - i, &cp);

		/* Keep letters, digits and anything beyond ASCII that is
		 * not a space or punctuation mark of the CJK blocks. */
		if ((cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') ||
		    (cp >= 0x80 && cp != 0x3000 && !(cp >= 0x3001 &&
		    cp <= 0x303F) && !(cp >= 0xFF01 && cp <= 0xFF0F) &&
		    cp != 0xB7 && cp != 0x30FB))
			crm_buf_add(out, f.buf + i, n);
		i += n;
	}
	crm_buf_release(&f);
}

/*
 * The keys as SQL functions.  A function gets bytes that need not end
 * in a NUL, which the keys read to; NULL is for a value with no key (an
 * email without an '@'), which the query below makes of an empty one.
 */
static void
key_with(void (*key)(const char *, struct crm_buf *), const char *s,
	size_t n, struct crm_buf *out)
{
	struct crm_buf b = CRM_BUF_INIT;

	crm_buf_add(&b, s, n);
	key(b.buf ? b.buf : "", out);
	crm_buf_release(&b);
}

static void
sql_email_key(const char *s, size_t n, struct crm_buf *out)
{
	key_with(crm_dupe_email_key, s, n, out);
}

static void
sql_phone_key(const char *s, size_t n, struct crm_buf *out)
{
	key_with(crm_dupe_phone_key, s, n, out);
}

static void
sql_name_key(const char *s, size_t n, struct crm_buf *out)
{
	key_with(crm_dupe_name_key, s, n, out);
}

static const char dupes_sql[] =
	"WITH k (id, reason, key) AS (\n"
	"	SELECT id, 'email', nullif(crm_email_key(email), '')\n"
	"	FROM customers\n"
	"	UNION ALL\n"
	"	SELECT id, 'phone', nullif(crm_phone_key(phone), '')\n"
	"	FROM customers\n"
	"	UNION ALL\n"
	"	SELECT id, 'name', nullif(crm_name_key(name), '')\n"
	"	FROM customers\n"
	")\n"
	"SELECT a.id, b.id, group_concat(a.reason, ',')\n"
	"FROM k AS a JOIN k AS b\n"
	"  ON a.reason = b.reason AND a.key = b.key AND a.id < b.id\n"
	"WHERE a.key IS NOT NULL\n"
	"GROUP BY a.id, b.id\n"
	"ORDER BY a.id, b.id";

int
crm_dupes(struct crm_db *db, int (*fn)(int64_t id, int64_t other,
	const char *reasons, void *arg), void *arg, struct crm_err *err)
{
	static const struct {
		const char *name;
		crm_text_fn *key;
	} keys[] = {
		{ "crm_email_key", sql_email_key },
		{ "crm_phone_key", sql_phone_key },
		{ "crm_name_key", sql_name_key },
	};
	struct crm_stmt *st;
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (crm_db_function(db, keys[i].name, keys[i].key, err) < 0)
			return -1;
	st = crm_sql(db, "cannot look for duplicates", dupes_sql, err);
	while (crm_step(st) > 0)
		if (fn(crm_col_int(st, 0), crm_col_int(st, 1),
		    crm_col_text(st, 2), arg))
			break;
	return crm_done(st);
}
