/*
 * gen-sales - write deals, tickets or activities as CSV, for crm-import.
 *
 * usage: gen-sales deals N CUSTOMERS [SEED]
 *        gen-sales tickets N CUSTOMERS [SEED]
 *        gen-sales activities N CUSTOMERS [SEED]
 *
 * N rows for customers 1 to CUSTOMERS (ids: the customers of a database
 * that has them all, "SELECT max(id) FROM customers"), each keyed by a
 * ref (D0000001, T0000001, A0000001) so that an import is an upsert and
 * a second one changes nothing.
 *
 * deals: "ref,customer,title,amount,stage,probability,expected_close"; the
 * stages spread over the pipeline, one in ten with a probability of its
 * own, amounts from 100.00 to 100,000.00, expected within 2026.
 * tickets: "ref,customer,subject,status,priority,created_at,resolved_at,
 * rating"; created 2026-01-01 + (row % 300) days, 30% open or pending, the
 * rest resolved or closed 1 to 200 hours after, most of those rated.
 * activities: "ref,kind,subject,customer,occurred_at,due_at,done"; the
 * five kinds alike, tasks due from 2026-10-01 over 120 days, about half
 * of those before 2026-11-22 done.
 *
 * Every row is a pure function of (SEED, its kind, its number): the same
 * arguments give the same bytes.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "gen.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Streams of their own: 0 is gen-customers', 1 and 2 gen-orders'. */
enum { K_DEALS = 3, K_TICKETS, K_ACTIVITIES };

static const char *const goods[] = {
	"龙井茶", "普洱茶饼", "青瓷茶杯", "紫砂壶", "Office chairs",
	"Laptops", "Printer paper", "Coffee beans", "茶叶礼盒", "Desks",
};

static const char *const problems[] = {
	"发票抬头错误", "Delivery late", "商品破损", "Wrong colour",
	"退货申请", "Invoice missing", "无法登录", "Refund request",
};

/* Days since 1970-01-01 to "YYYY-MM-DD" (Howard Hinnant's civil_from_days). */
static void
ymd(int64_t z, char *out, size_t n)
{
	int64_t era, doe, yoe, y, doy, mp, d, m;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	snprintf(out, n, "%04lld-%02lld-%02lld", (long long)(y + (m <= 2)),
		(long long)m, (long long)d);
}

#define D2026 20454	/* 2026-01-01 */
#define TODAY 20779	/* 2026-11-22, the benchmark's CRM_TODAY */

static void
deals(uint64_t n, uint64_t customers, uint64_t seed)
{
	static const char *const stages[] = {
		"lead", "lead", "lead", "qualified", "qualified", "proposal",
		"negotiation", "won", "won", "lost",
	};
	struct rng r;
	char day[32];
	uint64_t i;

	outf("ref,customer,title,amount,stage,probability,expected_close\n");
	for (i = 1; i <= n; i++) {
		gen_rng_seed(&r, seed, K_DEALS, i);
		ymd(D2026 + rnd(&r, 365), day, sizeof(day));
		outf("D%07llu,%llu,%s x %u,%u.%02u,%s,", (unsigned long long)i,
			(unsigned long long)(1 + rnd(&r, (uint32_t)customers)),
			goods[rnd(&r, ARRAY_SIZE(goods))], 1 + rnd(&r, 500),
			100 + rnd(&r, 99900), rnd(&r, 100),
			stages[rnd(&r, ARRAY_SIZE(stages))]);
		if (chance(&r, 100))
			outf("%u", rnd(&r, 101));
		outf(",%s\n", day);
	}
}

static void
tickets(uint64_t n, uint64_t customers, uint64_t seed)
{
	static const char *const statuses[] = {
		"open", "open", "pending", "resolved", "resolved",
		"resolved", "resolved", "closed", "closed", "closed",
	};
	static const char *const priorities[] = {
		"low", "normal", "normal", "normal", "high", "urgent",
	};
	struct rng r;
	char day[32];
	const char *status;
	uint64_t i;
	uint32_t hours;

	outf("ref,customer,subject,status,priority,created_at,resolved_at,"
		"rating\n");
	for (i = 1; i <= n; i++) {
		gen_rng_seed(&r, seed, K_TICKETS, i);
		status = statuses[rnd(&r, ARRAY_SIZE(statuses))];
		outf("T%07llu,%llu,%s,%s,%s,", (unsigned long long)i,
			(unsigned long long)(1 + rnd(&r, (uint32_t)customers)),
			problems[rnd(&r, ARRAY_SIZE(problems))], status,
			priorities[rnd(&r, ARRAY_SIZE(priorities))]);
		ymd(D2026 + (int64_t)(i % 300), day, sizeof(day));
		outf("%s,", day);
		if (status[0] == 'o' || status[0] == 'p') {
			outf(",\n");
			continue;
		}
		hours = 1 + rnd(&r, 200);
		ymd(D2026 + (int64_t)(i % 300) + hours / 24, day, sizeof(day));
		outf("%sT%02u:%02u:00Z,", day, hours % 24, rnd(&r, 60));
		if (chance(&r, 800))
			outf("%u", 1 + rnd(&r, 5));
		outf("\n");
	}
}

static void
activities(uint64_t n, uint64_t customers, uint64_t seed)
{
	static const char *const kinds[] = {
		"call", "email", "meeting", "note", "task",
	};
	static const char *const subjects[] = {
		"回电", "Sent the quote", "拜访客户", "Follow up", "确认发货",
		"Renewal", "Demo", "催款",
	};
	struct rng r;
	char day[32], due[32];
	const char *kind;
	uint64_t i;
	int64_t d;

	outf("ref,kind,subject,customer,occurred_at,due_at,done\n");
	for (i = 1; i <= n; i++) {
		gen_rng_seed(&r, seed, K_ACTIVITIES, i);
		kind = kinds[rnd(&r, ARRAY_SIZE(kinds))];
		ymd(D2026 + rnd(&r, 320), day, sizeof(day));
		outf("A%07llu,%s,%s,%llu,%sT%02u:%02u:00Z,",
			(unsigned long long)i, kind,
			subjects[rnd(&r, ARRAY_SIZE(subjects))],
			(unsigned long long)(1 + rnd(&r, (uint32_t)customers)),
			day, 8 + rnd(&r, 10), rnd(&r, 60));
		if (strcmp(kind, "task")) {
			outf(",no\n");
			continue;
		}
		d = D2026 + 273 + rnd(&r, 120);		/* from 2026-10-01 */
		ymd(d, due, sizeof(due));
		outf("%sT%02u:00:00Z,%s\n", due, 9 + rnd(&r, 9),
			d < TODAY && chance(&r, 500) ? "yes" : "no");
	}
}

static void
usage(void)
{
	fputs("usage: gen-sales deals|tickets|activities N CUSTOMERS [SEED]\n",
		stderr);
	exit(64);
}

int
main(int argc, char **argv)
{
	uint64_t n, customers, seed = 1;

	gen_name = "gen-sales";
	if (argc < 4 || argc > 5)
		usage();
	n = gen_number(argv[2]);
	customers = gen_number(argv[3]);
	if (argc == 5)
		seed = gen_number(argv[4]);
	if (!customers || customers >= (1ULL << 32) || n > 9999999) {
		fprintf(stderr, "gen-sales: N must be below 10,000,000 and "
			"CUSTOMERS from 1 to 4294967295\n");
		return 64;
	}
	if (!strcmp(argv[1], "deals"))
		deals(n, customers, seed);
	else if (!strcmp(argv[1], "tickets"))
		tickets(n, customers, seed);
	else if (!strcmp(argv[1], "activities"))
		activities(n, customers, seed);
	else
		usage();
	return gen_finish();
}
