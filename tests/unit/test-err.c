/* test-err - lib/err.h: errors as the library reports them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "err.h"
#include "banned.h"

/*
 * Run fn with stderr going to a temporary file; return what it wrote
 * (caller frees).
 */
static char *
capture_stderr(void (*fn)(void *), void *arg)
{
	FILE *tmp = tmpfile();
	struct crm_buf b = CRM_BUF_INIT;
	char chunk[256];
	size_t n;
	int saved;

	assert_non_null(tmp);
	fflush(stderr);
	saved = dup(2);
	assert_true(saved >= 0);
	assert_true(dup2(fileno(tmp), 2) >= 0);
	fn(arg);
	fflush(stderr);
	assert_true(dup2(saved, 2) >= 0);
	close(saved);
	rewind(tmp);
	while ((n = fread(chunk, 1, sizeof(chunk), tmp)) > 0)
		crm_buf_add(&b, chunk, n);
	fclose(tmp);
	return crm_buf_detach(&b);
}

/* CRM_ERR_INIT: no error, empty message. */
static void
init_is_unset(void **state)
{
	struct crm_err e = CRM_ERR_INIT;

	(void)state;
	assert_int_equal(e.code, 0);
	assert_string_equal(e.msg.buf, "");
	crm_err_release(&e);
}

/* crm_err_set fills code and message and always returns -1. */
static void
set_fills_and_returns_minus_one(void **state)
{
	struct crm_err e = CRM_ERR_INIT;

	(void)state;
	assert_int_equal(crm_err_set(&e, CRM_EX_DATAERR, "bad '%s' (%d)",
		"x", 3), -1);
	assert_int_equal(e.code, CRM_EX_DATAERR);
	assert_string_equal(e.msg.buf, "bad 'x' (3)");
	crm_err_release(&e);
}

/* The first error set wins. */
static void
first_error_wins(void **state)
{
	struct crm_err e = CRM_ERR_INIT;

	(void)state;
	crm_err_set(&e, CRM_EX_USAGE, "first");
	assert_int_equal(crm_err_set(&e, CRM_EX_DATAERR, "second"), -1);
	assert_int_equal(e.code, CRM_EX_USAGE);
	assert_string_equal(e.msg.buf, "first");
	crm_err_release(&e);
}

/* A NULL error is allowed: the call only returns -1. */
static void
set_on_null(void **state)
{
	(void)state;
	assert_int_equal(crm_err_set(NULL, CRM_EX_USAGE, "ignored"), -1);
}

/* Clear forgets the error; the next set is taken. */
static void
clear_forgets(void **state)
{
	struct crm_err e = CRM_ERR_INIT;

	(void)state;
	crm_err_set(&e, CRM_EX_USAGE, "first");
	crm_err_clear(&e);
	assert_int_equal(e.code, 0);
	assert_string_equal(e.msg.buf, "");
	crm_err_set(&e, CRM_EX_NOINPUT, "second");
	assert_int_equal(e.code, CRM_EX_NOINPUT);
	assert_string_equal(e.msg.buf, "second");
	crm_err_release(&e);
	assert_int_equal(e.code, 0);
	assert_string_equal(e.msg.buf, "");
}

static void
do_warn(void *arg)
{
	(void)arg;
	crm_warn("cannot open '%s': %s", "f.csv", "gone");
}

/* crm_warn: "PROG: message" and a newline on stderr. */
static void
warn_adds_progname(void **state)
{
	char *s;

	(void)state;
	crm_progname = "crm-test";
	s = capture_stderr(do_warn, NULL);
	assert_string_equal(s, "crm-test: cannot open 'f.csv': gone\n");
	free(s);
}

static void
do_note(void *arg)
{
	(void)arg;
	crm_note("%d rows", 3);
}

/* crm_note prints only when not quiet. */
static void
note_respects_quiet(void **state)
{
	char *s;

	(void)state;
	crm_progname = "crm-test";
	crm_verbosity = 0;
	s = capture_stderr(do_note, NULL);
	assert_string_equal(s, "crm-test: 3 rows\n");
	free(s);
	crm_verbosity = -1;
	s = capture_stderr(do_note, NULL);
	assert_string_equal(s, "");
	free(s);
	crm_verbosity = 0;
}

struct report_arg {
	struct crm_err *e;
	int code;
};

static void
do_report(void *arg)
{
	struct report_arg *r = arg;

	r->code = crm_report(r->e);
}

/* crm_report prints the message and returns its code. */
static void
report_returns_code(void **state)
{
	struct crm_err e = CRM_ERR_INIT;
	struct report_arg r = { &e, 0 };
	char *s;

	(void)state;
	crm_progname = "crm-test";
	crm_err_set(&e, CRM_EX_NOINPUT, "database 'x' not found");
	s = capture_stderr(do_report, &r);
	assert_int_equal(r.code, CRM_EX_NOINPUT);
	assert_string_equal(s, "crm-test: database 'x' not found\n");
	free(s);
	crm_err_release(&e);
}

/* ...and CRM_EX_SOFTWARE when no error is set. */
static void
report_unset_is_software(void **state)
{
	struct crm_err e = CRM_ERR_INIT;
	struct report_arg r = { &e, 0 };
	char *s;

	(void)state;
	s = capture_stderr(do_report, &r);
	assert_int_equal(r.code, CRM_EX_SOFTWARE);
	assert_non_null(strstr(s, "internal error"));
	free(s);
}

/* crm_die prints like crm_warn and exits with the code. */
static void
die_exits_with_code(void **state)
{
	int fds[2], status;
	char buf[256];
	ssize_t n;
	pid_t pid;

	(void)state;
	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(fds[1], 2);
		close(fds[0]);
		crm_progname = "crm-die";
		crm_die(CRM_EX_TEMPFAIL, "busy %d", 5);
	}
	close(fds[1]);
	n = read(fds[0], buf, sizeof(buf) - 1);
	close(fds[0]);
	assert_true(n > 0);
	buf[n] = '\0';
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), CRM_EX_TEMPFAIL);
	assert_string_equal(buf, "crm-die: busy 5\n");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(init_is_unset),
		cmocka_unit_test(set_fills_and_returns_minus_one),
		cmocka_unit_test(first_error_wins),
		cmocka_unit_test(set_on_null),
		cmocka_unit_test(clear_forgets),
		cmocka_unit_test(warn_adds_progname),
		cmocka_unit_test(note_respects_quiet),
		cmocka_unit_test(report_returns_code),
		cmocka_unit_test(report_unset_is_software),
		cmocka_unit_test(die_exits_with_code),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
