#include <stdlib.h>
#include <string.h>

#include "sqlite-compat.h"
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

static void
sql_key(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	void (*key)(const char *, struct crm_buf *) =
		(void (*)(const char *, struct crm_buf *))
		sqlite3_user_data(ctx);
	struct crm_buf b = CRM_BUF_INIT;
	const unsigned char *s = sqlite3_value_text(argv[0]);

	(void)argc;
	if (s)
		key((const char *)s, &b);
	if (!b.len)
		sqlite3_result_null(ctx);
	else
		sqlite3_result_text(ctx, crm_buf_detach(&b), -1, free);
	crm_buf_release(&b);
}

static const char dupes_sql[] =
	"WITH k (id, reason, key) AS (\n"
	"	SELECT id, 'email', crm_email_key(email) FROM customers\n"
	"	UNION ALL\n"
	"	SELECT id, 'phone', crm_phone_key(phone) FROM customers\n"
	"	UNION ALL\n"
	"	SELECT id, 'name', crm_name_key(name) FROM customers\n"
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
		void (*key)(const char *, struct crm_buf *);
	} keys[] = {
		{ "crm_email_key", crm_dupe_email_key },
		{ "crm_phone_key", crm_dupe_phone_key },
		{ "crm_name_key", crm_dupe_name_key },
	};
	sqlite3_stmt *st;
	size_t i;
	int rc;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		rc = sqlite3_create_function(crm_db_sqlite(db), keys[i].name, 1,
			SQLITE_UTF8 | SQLITE_DETERMINISTIC, (void *)keys[i].key,
			sql_key, NULL, NULL);
		if (rc != SQLITE_OK)
			return crm_db_fail(db, rc, "cannot look for "
				"duplicates", err);
	}
	st = crm_db_prepare(db, dupes_sql, err);
	if (!st)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (fn(sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1),
		    (const char *)sqlite3_column_text(st, 2), arg))
			break;
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		sqlite3_finalize(st);
		return crm_db_fail(db, rc, "cannot look for duplicates", err);
	}
	sqlite3_finalize(st);
	return 0;
}
