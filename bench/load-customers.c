/*
 * load-customers - build a benchmark database from gen-customers' CSV.
 *
 * usage: load-customers [-r] DB [CSV]
 *
 * Creates DB (it must not exist) and adds every CSV row (stdin without CSV)
 * through crm_record_insert(), the same checks as "crm-customer add", in
 * one transaction.  Rows that fail are counted by reason and skipped; with
 * -r each is also printed.  The header names the fields.
 *
 * This is a tool for the benchmarks only, until crm-import exists.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <csv.h>

#include "db.h"
#include "entity.h"
#include "record.h"
#include "banned.h"

#define MAX_COLS 64
#define MAX_REASONS 64

struct reason {
	char *text;		/* the message with values and numbers masked */
	long long n;
};

struct loader {
	struct crm_db db;
	struct crm_fieldset fs;
	const struct crm_field *cols[MAX_COLS];
	struct crm_buf cells[MAX_COLS];
	size_t ncols;		/* columns of the header */
	size_t ncell;		/* cells of the current row so far */
	long long row;		/* records read, the header included */
	long long inserted, rejected;
	struct reason reasons[MAX_REASONS];
	size_t nreasons;
	int print_rejects;
	int fatal;		/* an exit status that stops the load */
};

static void
on_cell(void *s, size_t len, void *data)
{
	struct loader *l = data;

	if (l->ncell < MAX_COLS) {
		crm_buf_reset(&l->cells[l->ncell]);
		if (s)
			crm_buf_add(&l->cells[l->ncell], s, len);
	}
	l->ncell++;
}

/* "email 'A@b.com' already belongs to customer 12" becomes
 * "email '…' already belongs to customer N": one line per kind. */
static void
count_reason(struct loader *l, const char *msg)
{
	struct crm_buf m = CRM_BUF_INIT;
	const char *p;
	size_t i;

	for (p = msg; *p; p++) {
		if (*p == '\'') {
			const char *end = strchr(p + 1, '\'');

			if (end) {
				crm_buf_adds(&m, "'…'");
				p = end;
				continue;
			}
		}
		if (*p >= '0' && *p <= '9') {
			while (p[1] >= '0' && p[1] <= '9')
				p++;
			crm_buf_addch(&m, 'N');
			continue;
		}
		crm_buf_addch(&m, *p);
	}
	for (i = 0; i < l->nreasons; i++)
		if (!strcmp(l->reasons[i].text, m.buf))
			break;
	if (i == l->nreasons && i < MAX_REASONS) {
		l->reasons[i].text = crm_buf_detach(&m);
		l->nreasons++;
	}
	if (i < l->nreasons)
		l->reasons[i].n++;
	crm_buf_release(&m);
}

static void
header(struct loader *l)
{
	size_t i;

	if (l->ncell > MAX_COLS) {
		fprintf(stderr, "load-customers: more than %d columns\n",
			MAX_COLS);
		l->fatal = CRM_EX_DATAERR;
		return;
	}
	for (i = 0; i < l->ncell; i++) {
		const struct crm_field *f = crm_fieldset_find(&l->fs,
			l->cells[i].buf);

		if (!f || (f->flags & CRM_F_READONLY)) {
			fprintf(stderr, "load-customers: unknown column '%s'\n",
				l->cells[i].buf);
			l->fatal = CRM_EX_USAGE;
			return;
		}
		l->cols[i] = f;
	}
	l->ncols = l->ncell;
}

static void
on_row(int c, void *data)
{
	struct loader *l = data;
	struct crm_assigns as = CRM_ASSIGNS_INIT;
	struct crm_err err = CRM_ERR_INIT;
	int64_t id;
	size_t i;

	(void)c;
	l->row++;
	if (l->fatal) {
		l->ncell = 0;
		return;
	}
	if (l->row == 1) {
		header(l);
		l->ncell = 0;
		return;
	}
	if (l->ncell != l->ncols) {
		crm_err_set(&err, CRM_EX_DATAERR, "%zu cells, expected %zu",
			l->ncell, l->ncols);
	} else {
		/* An empty cell is a field left out, as an option not given
		 * would be: the default applies. */
		for (i = 0; i < l->ncols; i++)
			if (l->cells[i].len)
				crm_assigns_add(&as, l->cols[i],
					l->cells[i].buf);
		if (crm_record_insert(&l->db, &l->fs, &as, &id, &err) == 0)
			l->inserted++;
	}
	if (err.code) {
		if (err.code != CRM_EX_DATAERR) {
			fprintf(stderr, "load-customers: record %lld: %s\n",
				l->row, err.msg.buf);
			l->fatal = err.code;
		} else {
			l->rejected++;
			count_reason(l, err.msg.buf);
			if (l->print_rejects)
				fprintf(stderr, "load-customers: record %lld: "
					"%s\n", l->row, err.msg.buf);
		}
	}
	crm_assigns_release(&as);
	crm_err_release(&err);
	l->ncell = 0;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
usage(void)
{
	fputs("usage: load-customers [-r] DB [CSV]\n", stderr);
	return CRM_EX_USAGE;
}

int
main(int argc, char **argv)
{
	static struct loader l;
	struct crm_err err = CRM_ERR_INIT;
	struct csv_parser p;
	FILE *in = stdin;
	char buf[1 << 16];
	size_t n, i;
	double t0 = now(), t;
	int opt, code = CRM_EX_OK;

	crm_progname = "load-customers";
	while ((opt = getopt(argc, argv, "r")) != -1) {
		if (opt != 'r')
			return usage();
		l.print_rejects = 1;
	}
	if (argc - optind < 1 || argc - optind > 2)
		return usage();
	if (argc - optind == 2 && strcmp(argv[optind + 1], "-") &&
	    !(in = fopen(argv[optind + 1], "rb"))) {
		fprintf(stderr, "load-customers: cannot open '%s': %s\n",
			argv[optind + 1], strerror(errno));
		return CRM_EX_NOINPUT;
	}
	if (access(argv[optind], F_OK) == 0) {
		fprintf(stderr, "load-customers: '%s' exists; remove it "
			"first\n", argv[optind]);
		return CRM_EX_CANTCREAT;
	}
	for (i = 0; i < MAX_COLS; i++)
		crm_buf_init(&l.cells[i]);
	if (crm_db_open(&l.db, argv[optind], CRM_DB_CREATE, &err) < 0)
		return crm_report(&err);
	crm_fieldset_builtin(&l.fs, crm_entity_find("customer"));
	/* A bigger page cache only makes the load faster; the file is
	 * the same. */
	if (crm_db_exec(&l.db, "PRAGMA cache_size = -524288", &err) < 0 ||
	    crm_db_begin(&l.db, &err) < 0) {
		code = crm_report(&err);
		goto out;
	}
	if (csv_init(&p, CSV_APPEND_NULL) != 0) {
		fputs("load-customers: cannot set up the CSV parser\n",
			stderr);
		code = CRM_EX_SOFTWARE;
		goto out;
	}
	while (!l.fatal && (n = fread(buf, 1, sizeof(buf), in)) > 0)
		if (csv_parse(&p, buf, n, on_cell, on_row, &l) != n) {
			fprintf(stderr, "load-customers: %s\n",
				csv_strerror(csv_error(&p)));
			l.fatal = CRM_EX_DATAERR;
		}
	if (ferror(in)) {
		fprintf(stderr, "load-customers: read error: %s\n",
			strerror(errno));
		l.fatal = CRM_EX_IOERR;
	}
	if (!l.fatal)
		csv_fini(&p, on_cell, on_row, &l);
	csv_free(&p);
	if (l.fatal) {
		code = l.fatal;
		crm_db_rollback(&l.db);
		goto out;
	}
	/* Commit, then move everything into the database file: the WAL
	 * file is kept (crm persists it), and left empty. */
	if (crm_db_commit(&l.db, &err) < 0 ||
	    crm_db_exec(&l.db, "PRAGMA wal_checkpoint(TRUNCATE)", &err) < 0) {
		code = crm_report(&err);
		goto out;
	}
	t = now() - t0;
	fprintf(stderr, "load-customers: %lld records: %lld inserted, %lld "
		"rejected, in %.1f s (%.0f records/s)\n", l.row - 1,
		l.inserted, l.rejected, t, t > 0 ? (double)(l.row - 1) / t : 0);
	for (i = 0; i < l.nreasons; i++)
		fprintf(stderr, "load-customers: %8lld rejected: %s\n",
			l.reasons[i].n, l.reasons[i].text);
out:
	crm_db_close(&l.db);
	if (code != CRM_EX_OK)
		unlink(argv[optind]);
	crm_fieldset_release(&l.fs);
	for (i = 0; i < MAX_COLS; i++)
		crm_buf_release(&l.cells[i]);
	for (i = 0; i < l.nreasons; i++)
		free(l.reasons[i].text);
	crm_err_release(&err);
	if (in != stdin)
		fclose(in);
	return code;
}
