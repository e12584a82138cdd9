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
 * The pairs are found here in C, not by SQL: each customer's three keys
 * are worked out once, sorted, and every run of equal keys gives its
 * pairs.  The same code serves every backend, and a reader needs nothing
 * of the database but one plain SELECT.
 */
enum { R_EMAIL, R_PHONE, R_NAME, R_COUNT };
static const char *const reason_names[R_COUNT] = { "email", "phone", "name" };

struct key {
	size_t off;		/* the key in the pool, while it grows */
	const char *s;		/* then the key itself */
	int64_t id;
	int reason;
};

struct pair {
	int64_t id, other;
	int reason;
};

static int
key_cmp(const void *a, const void *b)
{
	const struct key *x = a, *y = b;
	int c;

	if (x->reason != y->reason)
		return x->reason < y->reason ? -1 : 1;
	c = strcmp(x->s, y->s);
	if (c)
		return c;
	return x->id < y->id ? -1 : x->id > y->id;
}

static int
pair_cmp(const void *a, const void *b)
{
	const struct pair *x = a, *y = b;

	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	if (x->other != y->other)
		return x->other < y->other ? -1 : 1;
	return (x->reason > y->reason) - (x->reason < y->reason);
}

static void
add_key(struct key **k, size_t *n, size_t *cap, struct crm_buf *pool,
	int64_t id, int reason, const char *value,
	void (*fn)(const char *, struct crm_buf *))
{
	size_t off = pool->len;

	if (!value)
		return;
	fn(value, pool);
	if (pool->len == off)
		return;
	crm_buf_addch(pool, '\0');
	if (*n == *cap) {
		*cap = *cap ? 2 * *cap : 1024;
		*k = crm_xrealloc(*k, *cap * sizeof(**k));
	}
	(*k)[(*n)++] = (struct key){ off, NULL, id, reason };
}

int
crm_dupes(struct crm_db *db, int (*fn)(int64_t id, int64_t other,
	const char *reasons, void *arg), void *arg, struct crm_err *err)
{
	struct crm_stmt *st;
	struct crm_buf pool = CRM_BUF_INIT, reasons = CRM_BUF_INIT;
	struct key *k = NULL;
	struct pair *p = NULL;
	size_t nk = 0, kcap = 0, np = 0, pcap = 0, i, j, a, b;
	int ret;

	st = crm_sql(db, "cannot look for duplicates",
		"SELECT id, email, phone, name FROM customers", err);
	while (crm_step(st) > 0) {
		int64_t id = crm_col_int(st, 0);

		add_key(&k, &nk, &kcap, &pool, id, R_EMAIL,
			crm_col_text(st, 1), crm_dupe_email_key);
		add_key(&k, &nk, &kcap, &pool, id, R_PHONE,
			crm_col_text(st, 2), crm_dupe_phone_key);
		add_key(&k, &nk, &kcap, &pool, id, R_NAME,
			crm_col_text(st, 3), crm_dupe_name_key);
	}
	ret = crm_done(st);
	for (i = 0; i < nk; i++)
		k[i].s = pool.buf + k[i].off;
	if (!ret && nk)
		qsort(k, nk, sizeof(*k), key_cmp);
	for (i = 0; !ret && i < nk; i = j) {
		for (j = i + 1; j < nk && k[j].reason == k[i].reason &&
		    !strcmp(k[j].s, k[i].s); j++)
			;
		for (a = i; a < j; a++)
			for (b = a + 1; b < j; b++) {
				if (np == pcap) {
					pcap = pcap ? 2 * pcap : 1024;
					p = crm_xrealloc(p, pcap * sizeof(*p));
				}
				p[np++] = (struct pair){ k[a].id, k[b].id,
					k[a].reason };
			}
	}
	if (np)
		qsort(p, np, sizeof(*p), pair_cmp);
	for (i = 0; !ret && i < np; i = j) {
		crm_buf_reset(&reasons);
		for (j = i; j < np && p[j].id == p[i].id &&
		    p[j].other == p[i].other; j++)
			if (j == i || p[j].reason != p[j - 1].reason)
				crm_buf_addf(&reasons, "%s%s", j > i ? "," : "",
					reason_names[p[j].reason]);
		if (fn(p[i].id, p[i].other, reasons.buf, arg))
			break;
	}
	free(k);
	free(p);
	crm_buf_release(&pool);
	crm_buf_release(&reasons);
	return ret;
}
