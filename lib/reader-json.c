/*
 * reader-json.c - JSON Lines for the record reader: a line's object
 * checked and read (strings decoded, numbers kept as written), the first
 * object's member names as the header, and each later object as a row of
 * the header's columns.  Lines come from reader.c (rd_next_line()).
 */
#include <stdlib.h>
#include <string.h>

#include "reader-int.h"
#include "text.h"
#include "banned.h"

/* Arrays and objects inside a JSON member, nested no deeper than this. */
#define JSON_DEPTH 64
/* Lines that are no JSON object kept while looking for the first one. */
#define JSON_BEFORE 1000

enum jkind { J_BAD, J_STRING, J_NUMBER, J_TRUE, J_FALSE, J_NULL, J_ARRAY,
	J_OBJECT };

struct json {
	const char *s;
	size_t len, i;
	const char *why;	/* static, when J_BAD */
};

static void
json_ws(struct json *j)
{
	while (j->i < j->len && (j->s[j->i] == ' ' || j->s[j->i] == '\t' ||
	    j->s[j->i] == '\r' || j->s[j->i] == '\n'))
		j->i++;
}

static int
json_bad(struct json *j, const char *why)
{
	if (!j->why)
		j->why = j->i >= j->len ? "the JSON object is not closed: the "
			"line is cut short" : why;
	return J_BAD;
}

static int
hex4(const char *s, unsigned *v)
{
	int i;

	*v = 0;
	for (i = 0; i < 4; i++) {
		char c = s[i];

		*v <<= 4;
		if (c >= '0' && c <= '9')
			*v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			*v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			*v |= (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	return 0;
}

static void
put_utf8(struct crm_buf *b, unsigned cp)
{
	if (cp < 0x80) {
		crm_buf_addch(b, (int)cp);
	} else if (cp < 0x800) {
		crm_buf_addch(b, (int)(0xc0 | cp >> 6));
		crm_buf_addch(b, (int)(0x80 | (cp & 0x3f)));
	} else if (cp < 0x10000) {
		crm_buf_addch(b, (int)(0xe0 | cp >> 12));
		crm_buf_addch(b, (int)(0x80 | (cp >> 6 & 0x3f)));
		crm_buf_addch(b, (int)(0x80 | (cp & 0x3f)));
	} else {
		crm_buf_addch(b, (int)(0xf0 | cp >> 18));
		crm_buf_addch(b, (int)(0x80 | (cp >> 12 & 0x3f)));
		crm_buf_addch(b, (int)(0x80 | (cp >> 6 & 0x3f)));
		crm_buf_addch(b, (int)(0x80 | (cp & 0x3f)));
	}
}

/* A string at j->i (its opening quote), decoded into out. */
static int
json_string(struct json *j, struct crm_buf *out)
{
	crm_buf_reset(out);
	j->i++;
	while (j->i < j->len) {
		unsigned char c = (unsigned char)j->s[j->i];
		unsigned cp, lo;

		if (c == '"') {
			j->i++;
			if (!crm_text_valid(out->buf, out->len))
				return json_bad(j, "a JSON string that is not "
					"UTF-8 text");
			return J_STRING;
		}
		if (c < 0x20)
			return json_bad(j, "a control character inside a "
				"JSON string");
		if (c != '\\') {
			crm_buf_addch(out, c);
			j->i++;
			continue;
		}
		if (j->i + 1 >= j->len)
			break;
		c = (unsigned char)j->s[j->i + 1];
		j->i += 2;
		switch (c) {
		case '"': case '\\': case '/':
			crm_buf_addch(out, c);
			continue;
		case 'b': crm_buf_addch(out, '\b'); continue;
		case 'f': crm_buf_addch(out, '\f'); continue;
		case 'n': crm_buf_addch(out, '\n'); continue;
		case 'r': crm_buf_addch(out, '\r'); continue;
		case 't': crm_buf_addch(out, '\t'); continue;
		case 'u':
			break;
		default:
			return json_bad(j, "an unknown escape in a JSON "
				"string");
		}
		if (j->i + 4 > j->len)
			break;
		if (hex4(j->s + j->i, &cp) < 0)
			return json_bad(j, "a bad \\u escape in a JSON string");
		j->i += 4;
		if (cp >= 0xd800 && cp < 0xdc00) {
			if (j->i + 6 > j->len)
				break;
			if (j->s[j->i] != '\\' || j->s[j->i + 1] != 'u' ||
			    hex4(j->s + j->i + 2, &lo) < 0 ||
			    lo < 0xdc00 || lo >= 0xe000)
				return json_bad(j, "a bad \\u escape in a JSON "
					"string");
			j->i += 6;
			cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
		} else if (cp >= 0xdc00 && cp < 0xe000) {
			return json_bad(j, "a bad \\u escape in a JSON string");
		}
		if (!cp)
			return json_bad(j, "a NUL character (\\u0000) in a "
				"JSON string");
		put_utf8(out, cp);
	}
	j->i = j->len;
	return json_bad(j, "");
}

static int
digits(struct json *j)
{
	size_t from = j->i;

	while (j->i < j->len && j->s[j->i] >= '0' && j->s[j->i] <= '9')
		j->i++;
	return j->i > from;
}

/* Any value at j->i; a string's text into out. */
static int
json_value(struct json *j, struct crm_buf *out, int depth)
{
	static const char bad[] = "malformed JSON";
	char c;

	json_ws(j);
	if (j->i >= j->len)
		return json_bad(j, bad);
	c = j->s[j->i];
	if (c == '"')
		return json_string(j, out);
	if (c == '-' || (c >= '0' && c <= '9')) {
		if (c == '-')
			j->i++;
		if (j->i < j->len && j->s[j->i] == '0')
			j->i++;
		else if (!digits(j))
			return json_bad(j, bad);
		if (j->i < j->len && j->s[j->i] == '.') {
			j->i++;
			if (!digits(j))
				return json_bad(j, bad);
		}
		if (j->i < j->len && (j->s[j->i] == 'e' || j->s[j->i] == 'E')) {
			j->i++;
			if (j->i < j->len && (j->s[j->i] == '+' ||
			    j->s[j->i] == '-'))
				j->i++;
			if (!digits(j))
				return json_bad(j, bad);
		}
		return J_NUMBER;
	}
	if (j->len - j->i >= 4 && !memcmp(j->s + j->i, "true", 4)) {
		j->i += 4;
		return J_TRUE;
	}
	if (j->len - j->i >= 5 && !memcmp(j->s + j->i, "false", 5)) {
		j->i += 5;
		return J_FALSE;
	}
	if (j->len - j->i >= 4 && !memcmp(j->s + j->i, "null", 4)) {
		j->i += 4;
		return J_NULL;
	}
	if (c != '[' && c != '{')
		return json_bad(j, bad);
	/* An array or an object: checked, not kept. */
	if (depth >= JSON_DEPTH)
		return json_bad(j, "JSON nested too deep");
	j->i++;
	json_ws(j);
	if (j->i < j->len && j->s[j->i] == (c == '[' ? ']' : '}')) {
		j->i++;
		return c == '[' ? J_ARRAY : J_OBJECT;
	}
	for (;;) {
		if (c == '{') {
			json_ws(j);
			if (j->i >= j->len || j->s[j->i] != '"' ||
			    json_string(j, out) == J_BAD)
				return json_bad(j, bad);
			json_ws(j);
			if (j->i >= j->len || j->s[j->i] != ':')
				return json_bad(j, bad);
			j->i++;
		}
		if (json_value(j, out, depth + 1) == J_BAD)
			return J_BAD;
		json_ws(j);
		if (j->i < j->len && j->s[j->i] == ',') {
			j->i++;
			continue;
		}
		if (j->i < j->len && j->s[j->i] == (c == '[' ? ']' : '}')) {
			j->i++;
			return c == '[' ? J_ARRAY : J_OBJECT;
		}
		return json_bad(j, bad);
	}
}

/* Make r->jwhy a reason naming a member. */
static const char *
member_why(struct crm_reader *r, const char *fmt, const char *name,
	size_t len)
{
	struct crm_buf shown = CRM_BUF_INIT;

	crm_reader_echo(name, len, &shown);
	crm_buf_reset(&r->jwhy);
	crm_buf_addf(&r->jwhy, fmt, shown.buf);
	crm_buf_release(&shown);
	return r->jwhy.buf;
}

/* The header's column of a member name, or -1: where the last one was
 * found plus one first (members mostly come in the same order). */
static long
json_column(const struct crm_reader *r, const char *name, size_t len,
	size_t hint)
{
	const struct crm_record *h = &r->jhead;
	size_t k;

	if (!h->n)
		return -1;
	for (k = 0; k < h->n; k++) {
		size_t i = (hint + k) % h->n;

		if (h->f[i].len == len && !memcmp(h->f[i].buf, name, len))
			return (long)i;
	}
	return -1;
}

/*
 * Read the object s (one line, its end cut off) into rec: as the header
 * (its member names), or as a row of the header's columns.
 */
static void
json_line(struct crm_reader *r, struct crm_record *rec, const char *s,
	size_t len, int64_t no, int header)
{
	struct json j = { s, len, 0, NULL };
	const char *why = NULL;
	size_t hint = 0, i;
	int kind;

	rec->n = 0;
	rec->line = no;
	rec->bad = 0;
	rec->reason = NULL;
	crm_buf_reset(&rec->raw);
	r->fields = 0;
	if (!header) {
		for (i = 0; i < r->jhead.n; i++)
			rd_rec_add(rec, "", 0);
		r->jseen = crm_xrealloc(r->jseen, r->jhead.n + 1);
		memset(r->jseen, 0, r->jhead.n + 1);
	}
	json_ws(&j);
	if (j.i >= len || s[j.i] != '{') {
		why = j.i < len && s[j.i] == '[' ? "not a JSON object but an "
			"array" : "not a JSON object";
		goto bad;
	}
	j.i++;
	json_ws(&j);
	if (j.i < len && s[j.i] == '}') {
		j.i++;
		goto end;
	}
	for (;;) {
		size_t from, vfrom;
		long col;

		json_ws(&j);
		from = j.i;
		if (j.i >= len || s[j.i] != '"' ||
		    json_string(&j, &r->jname) == J_BAD) {
			json_bad(&j, "malformed JSON");
			why = j.why;
			goto bad;
		}
		json_ws(&j);
		if (j.i >= len || s[j.i] != ':') {
			json_bad(&j, "malformed JSON");
			why = j.why;
			goto bad;
		}
		j.i++;
		json_ws(&j);
		vfrom = j.i;
		kind = json_value(&j, &r->jtmp, 0);
		if (kind == J_BAD) {
			why = j.why;
			goto bad;
		}
		if (header) {
			rd_add_field(r, rec, r->jname.buf, r->jname.len);
		} else if (!strcmp(r->jname.buf, "_line") ||
		    !strcmp(r->jname.buf, "_error")) {
			/* What a rejects file adds: ignored, not kept. */
			if ((col = json_column(r, r->jname.buf,
			    r->jname.len, hint)) >= 0)
				r->jseen[col] = 1;
		} else {
			if (rec->raw.len)
				crm_buf_addch(&rec->raw, ',');
			crm_buf_add(&rec->raw, s + from, j.i - from);
			col = json_column(r, r->jname.buf, r->jname.len, hint);
			if (!rec->bad && col < 0) {
				rec->bad = 1;
				rec->reason = member_why(r, "member '%s' is not "
					"in the first object, the header",
					r->jname.buf,
					r->jname.len);
			} else if (!rec->bad && r->jseen[col]) {
				rec->bad = 1;
				rec->reason = member_why(r, "member '%s' is "
					"given twice", r->jname.buf,
					r->jname.len);
			} else if (!rec->bad && (kind == J_ARRAY ||
			    kind == J_OBJECT)) {
				rec->bad = 1;
				rec->reason = member_why(r, kind == J_ARRAY ?
					"member '%s' is an array: a value "
					"must be a string, a number, true, "
					"false or null" : "member '%s' is an "
					"object: a value must be a string, a "
					"number, true, false or null",
					r->jname.buf, r->jname.len);
			} else if (!rec->bad) {
				struct crm_buf *f = &rec->f[col];

				r->jseen[col] = 1;
				hint = (size_t)col + 1;
				crm_buf_reset(f);
				if (kind == J_STRING)
					crm_buf_add(f, r->jtmp.buf,
						r->jtmp.len);
				else if (kind == J_NUMBER)	/* 12.50 too */
					crm_buf_add(f, s + vfrom, j.i - vfrom);
				else if (kind == J_TRUE)
					crm_buf_adds(f, "true");
				else if (kind == J_FALSE)
					crm_buf_adds(f, "false");
				crm_buf_reset(&rec->x[col]);
				crm_buf_add(&rec->x[col], f->buf, f->len);
			}
		}
		json_ws(&j);
		if (j.i < len && s[j.i] == ',') {
			j.i++;
			continue;
		}
		if (j.i < len && s[j.i] == '}') {
			j.i++;
			break;
		}
		json_bad(&j, "malformed JSON: a ',' or '}' is missing");
		why = j.why;
		goto bad;
	}
end:
	json_ws(&j);
	if (j.i < len) {
		why = "text after the JSON object";
		goto bad;
	}
	if (header && r->fields > CRM_READER_MAX_FIELDS) {
		rec->bad = 1;
		rec->reason = rd_too_wide;
	}
	return;
bad:
	/* The line as it came, whole. */
	rec->n = 0;
	rd_rec_add(rec, s, len);
	crm_buf_reset(&rec->raw);
	rec->bad = 1;
	rec->reason = why;
}

/* The header's record into rec. */
static int
json_header(struct crm_reader *r, struct crm_record *rec)
{
	size_t i;

	rec->n = 0;
	for (i = 0; i < r->jhead.n; i++)
		rd_rec_add(rec, r->jhead.f[i].buf, r->jhead.f[i].len);
	rec->line = r->jhead.line;
	rec->bad = r->jhead.bad;
	rec->reason = r->jhead.reason;
	crm_buf_reset(&rec->raw);
	return 1;
}

/*
 * JSON Lines: the header is the member names of the first line that is a
 * JSON object; lines before it that are none (at most JSON_BEFORE) are
 * kept and returned after it, as bad rows, then that line as a row.
 */
int
rd_json_next(struct crm_reader *r, struct crm_record *rec, struct crm_err *err)
{
	int got;
	size_t len;

	if (r->jstate == 1) {
		if (r->iagain < r->nagain) {
			struct line l = r->again[r->iagain++];

			json_line(r, rec, l.s, l.len, l.no, 0);
			free(l.s);
			return 1;
		}
		r->jstate = 2;
		json_line(r, rec, r->jfirst.buf, r->jfirst.len, r->jfirst_no,
			0);
		crm_buf_release(&r->jfirst);
		return 1;
	}
	for (;;) {
		got = rd_next_line(r, err);
		if (got < 0)
			return -1;
		if (got == 0) {
			struct line *l = r->again;

			if (r->jstate == 2 || r->iagain == r->nagain)
				return 0;
			/* No line is a JSON object: the first says why. */
			json_line(r, &r->jhead, l->s, l->len, l->no, 1);
			rd_free_lines(r->again + r->iagain,
				r->nagain - r->iagain);
			r->iagain = r->nagain = 0;
			r->jstate = 2;
			return json_header(r, rec);
		}
		len = rd_chomp(r->conv.buf, r->conv.len);
		if (rd_blank(r->conv.buf, len))
			continue;
		if (r->jstate == 2) {
			json_line(r, rec, r->conv.buf, len, r->lineno, 0);
			return 1;
		}
		json_line(r, &r->jhead, r->conv.buf, len, r->lineno, 1);
		if (!r->jhead.bad || r->jhead.n > CRM_READER_MAX_FIELDS ||
		    r->nagain >= JSON_BEFORE)
			break;
		r->again = crm_xrealloc(r->again,
			(r->nagain + 1) * sizeof(*r->again));
		r->again[r->nagain].s = crm_xmalloc(len + 1);
		memcpy(r->again[r->nagain].s, r->conv.buf, len);
		r->again[r->nagain].s[len] = '\0';
		r->again[r->nagain].len = len;
		r->again[r->nagain].no = r->lineno;
		r->nagain++;
	}
	if (!r->jhead.bad) {
		/* The header, and the same line as the first row after the
		 * lines kept. */
		crm_buf_reset(&r->jfirst);
		crm_buf_add(&r->jfirst, r->conv.buf, len);
		r->jfirst_no = r->lineno;
		r->jstate = 1;
	}
	return json_header(r, rec);
}
