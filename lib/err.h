/*
 * err.h - errors as the library reports them and as commands print them.
 *
 * The library never prints and never exits.  A function that fails fills a
 * struct crm_err with an exit status from exit.h and a one-line message
 * (no program name, no newline, no full stop) and returns -1.  The first
 * error set wins: later calls to crm_err_set() on a set error change
 * nothing, so a chain of calls can be checked once at the end.
 *
 * Commands print with crm_warn()/crm_die(), which add the program name.
 */
#ifndef CRM_ERR_H
#define CRM_ERR_H

#include "buf.h"
#include "exit.h"

struct crm_err {
	int code;		/* CRM_EX_*, 0 while no error is set */
	struct crm_buf msg;	/* the message, empty while code is 0 */
};
#define CRM_ERR_INIT { 0, CRM_BUF_INIT }

/* Set the error unless one is set already.  Always returns -1. */
int crm_err_set(struct crm_err *e, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Forget the error (keeps memory for reuse). */
void crm_err_clear(struct crm_err *e);
void crm_err_release(struct crm_err *e);

/* The program name used in messages; set once by crm_main() or main(). */
extern const char *crm_progname;

/* Verbosity: -1 quiet, 0 normal, 1.. verbose.  Set by option parsing. */
extern int crm_verbosity;

/*
 * Set by a command that keeps a status line on stderr (the progress bar
 * of an import on a terminal): called before each message is printed, to
 * clear that line, so that a message never lands in the middle of it.
 */
extern void (*crm_status_clear)(void);

/* "PROG: message" on stderr.  crm_note() only prints when not quiet. */
void crm_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void crm_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Print like crm_warn() and exit with code. */
void crm_die(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));

/* Print e's message and return its code (CRM_EX_SOFTWARE if unset). */
int crm_report(const struct crm_err *e);

#endif
