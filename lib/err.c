#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "err.h"
#include "banned.h"

const char *crm_progname = "crm";
int crm_verbosity;

int
crm_err_set(struct crm_err *e, int code, const char *fmt, ...)
{
	va_list ap;

	if (!e || e->code)
		return -1;
	e->code = code;
	crm_buf_reset(&e->msg);
	va_start(ap, fmt);
	crm_buf_vaddf(&e->msg, fmt, ap);
	va_end(ap);
	return -1;
}

void
crm_err_clear(struct crm_err *e)
{
	e->code = 0;
	crm_buf_reset(&e->msg);
}

void
crm_err_release(struct crm_err *e)
{
	e->code = 0;
	crm_buf_release(&e->msg);
}

void (*crm_status_clear)(void);

static void
vwarn(const char *fmt, va_list ap)
{
	struct crm_buf b = CRM_BUF_INIT;

	crm_buf_addf(&b, "%s: ", crm_progname);
	crm_buf_vaddf(&b, fmt, ap);
	crm_buf_addch(&b, '\n');
	fflush(stdout);
	if (crm_status_clear)
		crm_status_clear();
	fwrite(b.buf, 1, b.len, stderr);
	crm_buf_release(&b);
}

void
crm_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn(fmt, ap);
	va_end(ap);
}

void
crm_note(const char *fmt, ...)
{
	va_list ap;

	if (crm_verbosity < 0)
		return;
	va_start(ap, fmt);
	vwarn(fmt, ap);
	va_end(ap);
}

void
crm_die(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn(fmt, ap);
	va_end(ap);
	exit(code);
}

int
crm_report(const struct crm_err *e)
{
	if (!e->code) {
		crm_warn("internal error: failure without a message");
		return CRM_EX_SOFTWARE;
	}
	crm_warn("%s", e->msg.buf);
	return e->code;
}
