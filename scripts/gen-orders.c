/*
 * gen-orders - write a product catalog, or order lines for it, as CSV.
 *
 * usage: gen-orders products N [SEED]
 *        gen-orders orders LINES PRODUCTS EMAILS [SEED]
 *
 * products: N products, header "sku,name,description,price,stock,active".
 * SKUs are "P000001".. (never digits only: crm takes those for an id).
 * About 2% are inactive; the first three are always active and have a
 * large stock, for "crm-order add" in the benchmarks.
 *
 * orders: LINES order lines for the first PRODUCTS products of the same
 * SEED (only active ones), header
 * "order_ref,customer,sku,quantity,unit_price,ordered_at,status", one row
 * per line, the lines of an order adjacent, as "crm-import orders" reads
 * them.  The customers are the emails of the file EMAILS, one a line, as
 * the database stores them (lowercased): "sqlite3 DB 'SELECT email FROM
 * customers WHERE email IS NOT NULL ORDER BY id'".  An order has 1 to 5
 * lines (2.5 on average), so LINES / 2.5 orders; one customer, the email on
 * the middle line of EMAILS (line count / 2 + 1, the "hot" one), has 1,000
 * of them, spread evenly over the file and over time (fewer when there
 * are fewer than about 3,000 orders), and no other order; the others go
 * to customers drawn at random.  Orders run from 2023-01-01 over about
 * three years, in order; some emails are written in upper case, some
 * times with an offset, some lines at a price of their own.
 *
 * Every product and every order is a pure function of (SEED, its number)
 * and of EMAILS, so the same arguments give the same bytes.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define HOT_ORDERS 1000

#include "gen.h"

/* ---- products ----------------------------------------------------------- */

static const char *const goods[] = {
	"无线鼠标", "机械键盘", "蓝牙耳机", "移动电源", "USB-C 数据线",
	"保温杯", "帆布包", "笔记本", "中性笔", "台灯", "显示器支架",
	"电热水壶", "空气净化器滤网", "运动水壶", "瑜伽垫", "雨伞",
	"Phone Case", "Desk Mat", "Coffee Beans 500g", "Green Tea 250g",
	"收纳盒", "毛巾", "拖鞋", "充电器 65W", "HDMI Cable 2m",
};

static const char *const variants[] = {
	"黑色", "白色", "灰色", "蓝色", "红色", "大号", "小号", "Pro", "Lite",
	"2 件装", "家庭装",
};

struct product {
	uint32_t price;		/* cents */
	uint32_t stock;
	int active;
	const char *good, *variant;
	int has_desc;
};

static void
gen_product(uint64_t seed, uint64_t i, struct product *p)
{
	struct rng r;

	gen_rng_seed(&r, seed, 1, i);
	p->good = goods[rnd(&r, ARRAY_SIZE(goods))];
	p->variant = variants[rnd(&r, ARRAY_SIZE(variants))];
	/* Mostly cheap things, a few dear ones. */
	p->price = chance(&r, 900) ? 100 + rnd(&r, 19900) :
		20000 + rnd(&r, 480000);
	if (chance(&r, 300))
		p->price = p->price / 100 * 100 + 99;
	p->stock = chance(&r, 50) ? 0 : rnd(&r, 5000);
	p->active = !chance(&r, 20);
	p->has_desc = chance(&r, 600);
	if (i <= 3) {
		p->active = 1;
		p->stock = 100000000;
	}
}

static void
products(uint64_t n, uint64_t seed)
{
	struct product p;
	uint64_t i;

	outf("sku,name,description,price,stock,active\n");
	for (i = 1; i <= n; i++) {
		gen_product(seed, i, &p);
		outf("P%06llu,%s %s,", (unsigned long long)i, p.good,
			p.variant);
		if (p.has_desc)
			outf("\"%s, %s; ships in 24h\"", p.good, p.variant);
		outf(",%u.%02u,%u,%s\n", p.price / 100, p.price % 100,
			p.stock, p.active ? "yes" : "no");
	}
}

/* ---- orders ------------------------------------------------------------- */

struct emails {
	char *text;
	char **v;
	size_t n;
};

static void
read_emails(const char *path, struct emails *em)
{
	FILE *f = fopen(path, "r");
	size_t cap = 0, len = 0, vcap = 0, i;
	size_t got;
	char *p;

	if (!f) {
		fprintf(stderr, "gen-orders: %s: %s\n", path, strerror(errno));
		exit(66);
	}
	em->text = NULL;
	for (;;) {
		if (len + 65536 + 1 > cap) {
			cap = cap ? 2 * cap : 1 << 20;
			em->text = realloc(em->text, cap);
			if (!em->text) {
				fputs("gen-orders: out of memory\n", stderr);
				exit(71);
			}
		}
		got = fread(em->text + len, 1, 65536, f);
		len += got;
		if (got < 65536)
			break;
	}
	if (ferror(f)) {
		fprintf(stderr, "gen-orders: %s: read error\n", path);
		exit(74);
	}
	fclose(f);
	em->text[len] = '\0';
	em->v = NULL;
	em->n = 0;
	for (p = em->text, i = 0; i < len;) {
		char *nl = memchr(p, '\n', len - i);
		size_t l = nl ? (size_t)(nl - p) : len - i;

		if (nl)
			*nl = '\0';
		if (l && p[l - 1] == '\r')
			p[l - 1] = '\0';
		if (*p) {
			if (em->n == vcap) {
				vcap = vcap ? 2 * vcap : 1024;
				em->v = realloc(em->v, vcap * sizeof(*em->v));
				if (!em->v) {
					fputs("gen-orders: out of memory\n",
						stderr);
					exit(71);
				}
			}
			em->v[em->n++] = p;
		}
		i += l + 1;
		p += l + 1;
	}
	if (!em->n) {
		fprintf(stderr, "gen-orders: %s: no emails\n", path);
		exit(65);
	}
}

/* The email as the shop wrote it: in upper case when upper. */
static void
out_email(int upper, const char *e)
{
	const char *s;

	if (!upper) {
		outf("%s", e);
		return;
	}
	if (gen_olen + 4096 > sizeof(gen_obuf))
		gen_flush();
	for (s = e; *s && gen_olen < sizeof(gen_obuf) - 1; s++)
		gen_obuf[gen_olen++] = *s >= 'a' && *s <= 'z' ?
			*s - 'a' + 'A' : *s;
}

static const char *const statuses[] = {
	"delivered", "shipped", "paid", "pending", "cancelled",
};

static void
orders(uint64_t lines, uint64_t nproducts, const char *path, uint64_t seed)
{
	struct emails em;
	struct product p;
	char *active;
	uint64_t i, written = 0, stride, hot, nactive = 0, norders;
	const time_t start = 1672531200;	/* 2023-01-01T00:00:00Z */
	const uint64_t span = 3ULL * 365 * 86400;

	read_emails(path, &em);
	if (em.n < 2) {
		fputs("gen-orders: EMAILS needs two emails at least\n",
			stderr);
		exit(65);
	}
	hot = em.n / 2;
	active = malloc(nproducts + 1);
	if (!active) {
		fputs("gen-orders: out of memory\n", stderr);
		exit(71);
	}
	for (i = 1; i <= nproducts; i++) {
		gen_product(seed, i, &p);
		active[i] = (char)p.active;
		nactive += p.active;
	}
	if (!nactive) {
		fputs("gen-orders: no active product\n", stderr);
		exit(65);
	}
	/* At least LINES / 3 orders (2.5 lines each on average): every
	 * stride-th of the first HOT_ORDERS * stride is the hot customer's. */
	norders = lines * 2 / 5;
	stride = lines / 3 / HOT_ORDERS;
	if (!stride)
		stride = 1;
	outf("order_ref,customer,sku,quantity,unit_price,ordered_at,"
		"status\n");
	for (i = 1; written < lines; i++) {
		struct rng r;
		uint32_t n, k, c;
		uint64_t t, prod;
		time_t when;
		struct tm tm;
		const char *status;
		char at[40];
		int upper;

		gen_rng_seed(&r, seed, 2, i);
		k = rnd(&r, 100);
		n = k < 30 ? 1 : k < 55 ? 2 : k < 75 ? 3 : k < 90 ? 4 : 5;
		if (n > lines - written)
			n = (uint32_t)(lines - written);
		if (i % stride == 0 && i / stride <= HOT_ORDERS) {
			c = (uint32_t)hot;
		} else {
			c = rnd(&r, (uint32_t)em.n);
			if (c == hot)
				c = (uint32_t)(hot + 1) % (uint32_t)em.n;
		}
		/* In time order, a few minutes apart on average. */
		t = i * span / (norders ? norders : 1) + rnd(&r, 600);
		when = start + (time_t)t;
		/* The last weeks' orders are still on their way. */
		k = rnd(&r, 1000);
		if (t > span - 14 * 86400)
			status = statuses[1 + k % 4];
		else
			status = k < 40 ? "cancelled" : "delivered";
		if (chance(&r, 300)) {
			when += 8 * 3600;
			gmtime_r(&when, &tm);
			strftime(at, sizeof(at), "%Y-%m-%dT%H:%M:%S+08:00",
				&tm);
		} else {
			gmtime_r(&when, &tm);
			strftime(at, sizeof(at), "%Y-%m-%dT%H:%M:%SZ", &tm);
		}
		upper = chance(&r, 20);
		for (k = 0; k < n; k++) {
			uint32_t q = chance(&r, 800) ? 1 : 2 + rnd(&r, 9);

			do
				prod = 1 + rnd(&r, (uint32_t)nproducts);
			while (!active[prod]);
			outf("W%09llu,", (unsigned long long)i);
			out_email(upper, em.v[c]);
			outf(",P%06llu,%u,", (unsigned long long)prod, q);
			if (chance(&r, 150)) {
				gen_product(seed, prod, &p);
				p.price = p.price * (70 + rnd(&r, 30)) / 100;
				outf("%u.%02u", p.price / 100, p.price % 100);
			}
			outf(",%s,%s\n", at, status);
		}
		written += n;
	}
	free(active);
	free(em.v);
	free(em.text);
}

/* ---- main --------------------------------------------------------------- */

static void
usage(void)
{
	fputs("usage: gen-orders products N [SEED]\n"
		"       gen-orders orders LINES PRODUCTS EMAILS [SEED]\n",
		stderr);
	exit(64);
}

static uint64_t
number(const char *s)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || !*s || *end || *s == '-' || v >= (1ULL << 40))
		usage();
	return v;
}

int
main(int argc, char **argv)
{
	uint64_t seed = 1;

	gen_name = "gen-orders";
	if (argc >= 3 && argc <= 4 && !strcmp(argv[1], "products")) {
		if (argc == 4)
			seed = number(argv[3]);
		products(number(argv[2]), seed);
	} else if (argc >= 5 && argc <= 6 && !strcmp(argv[1], "orders")) {
		uint64_t n = number(argv[3]);

		if (!n || n >= (1ULL << 31))
			usage();
		if (argc == 6)
			seed = number(argv[5]);
		orders(number(argv[2]), n, argv[4], seed);
	} else {
		usage();
	}
	gen_flush();
	if (fflush(stdout) == EOF || ferror(stdout)) {
		fprintf(stderr, "gen-orders: write error: %s\n",
			strerror(errno));
		return 74;
	}
	return 0;
}
