/*
 * gen.h - what the data generators (gen-customers, gen-orders, gen-sales)
 * share: a seeded random stream per row, and buffered output.
 *
 * Every row a generator writes is a pure function of (SEED, its kind, its
 * number): gen_rng_seed() gives each its own xoshiro256** stream, seeded
 * through splitmix64, so the same arguments give the same bytes and a
 * row does not depend on the rows before it.  The functions are static:
 * each generator is one file and this header.
 */
#ifndef CRM_GEN_H
#define CRM_GEN_H

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct rng {
	uint64_t s[4];
};

static inline uint64_t
splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9E3779B97F4A7C15ULL);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

/* The stream of row n of kind (kinds do not share streams; kind 0 is the
 * customers' stream). */
static inline void
gen_rng_seed(struct rng *r, uint64_t seed, uint64_t kind, uint64_t n)
{
	uint64_t x = (seed * 0xD1B54A32D192ED03ULL) ^ (kind << 56) ^ n;
	int i;

	for (i = 0; i < 4; i++)
		r->s[i] = splitmix64(&x);
}

static inline uint64_t
rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static inline uint64_t
rng_next(struct rng *r)
{
	uint64_t *s = r->s;
	uint64_t res = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return res;
}

/* A number in [0, n), n > 0 (the bias is far below what matters here). */
static inline uint32_t
rnd(struct rng *r, uint32_t n)
{
	return (uint32_t)(((rng_next(r) >> 32) * n) >> 32);
}

/* True with probability num/1000. */
static inline int
chance(struct rng *r, uint32_t num)
{
	return rnd(r, 1000) < num;
}

/* ---- output: a buffer in front of stdout --------------------------------- */

static const char *gen_name = "gen";	/* for messages */
static char gen_obuf[1 << 20];
static size_t gen_olen;

static inline void
gen_flush(void)
{
	if (gen_olen && fwrite(gen_obuf, 1, gen_olen, stdout) != gen_olen) {
		fprintf(stderr, "%s: write error: %s\n", gen_name,
			strerror(errno));
		exit(74);
	}
	gen_olen = 0;
}

static inline void
outf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static inline void
outf(const char *fmt, ...)
{
	va_list ap;
	int n;

	if (gen_olen + 4096 > sizeof(gen_obuf))
		gen_flush();
	va_start(ap, fmt);
	n = vsnprintf(gen_obuf + gen_olen, sizeof(gen_obuf) - gen_olen, fmt,
		ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(gen_obuf) - gen_olen) {
		fprintf(stderr, "%s: line too long\n", gen_name);
		exit(70);
	}
	gen_olen += (size_t)n;
}

/* Flush and check stdout at the end: 0, or 74 after a write error. */
static inline int
gen_finish(void)
{
	gen_flush();
	if (fflush(stdout) == EOF || ferror(stdout)) {
		fprintf(stderr, "%s: write error: %s\n", gen_name,
			strerror(errno));
		return 74;
	}
	return 0;
}

/* A whole number argument, or exit 64. */
static inline uint64_t
gen_number(const char *s)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (!*s || *end || errno || *s == '-') {
		fprintf(stderr, "%s: invalid number '%s'\n", gen_name, s);
		exit(64);
	}
	return v;
}

#endif
