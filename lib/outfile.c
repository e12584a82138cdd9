#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "outfile.h"
#include "banned.h"

/*
 * The temporary file of the open outfile, removed by a signal that ends
 * the process (^C, kill, a closed terminal) so that none is left behind.
 * One at a time: a command writes one such file.
 */
static const char *volatile pending;
static const int end_signals[] = { SIGHUP, SIGINT, SIGTERM };
static struct sigaction saved[3];

static void
on_signal(int sig)
{
	const char *p = pending;

	if (p)
		unlink(p);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void
guard(const char *tmp)
{
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	pending = tmp;
	for (i = 0; i < 3; i++)
		sigaction(end_signals[i], &sa, &saved[i]);
}

static void
unguard(void)
{
	size_t i;

	if (!pending)
		return;
	for (i = 0; i < 3; i++)
		sigaction(end_signals[i], &saved[i], NULL);
	pending = NULL;
}

/*
 * Is path in /dev or /proc, where /dev/stderr and /dev/fd/3 name a file
 * the caller opened?  Written directly, even when that is a regular
 * file: replacing the name would replace the system's link, and
 * replacing what it points to would cut the file from the descriptor.
 */
static int
system_name(const char *path)
{
	struct crm_buf dir = CRM_BUF_INIT;
	char *real;
	int sys = 0;

	crm_buf_add_dir(&dir, path);
	if ((real = realpath(dir.buf, NULL))) {
		sys = !strcmp(real, "/dev") || !strncmp(real, "/dev/", 5) ||
			!strcmp(real, "/proc") || !strncmp(real, "/proc/", 6);
		free(real);
	}
	crm_buf_release(&dir);
	return sys;
}

static int
create_error(const char *path, struct crm_err *err)
{
	return crm_err_set(err, errno == EACCES || errno == EPERM ||
		errno == EROFS ? CRM_EX_NOPERM : CRM_EX_CANTCREAT,
		"cannot create '%s': %s", path, strerror(errno));
}

int
crm_outfile_open(struct crm_outfile *o, const char *path,
	const struct stat *like, const struct crm_outfile_not *not, size_t n,
	struct crm_err *err)
{
	struct crm_buf tmp = CRM_BUF_INIT;
	struct stat st;
	const char *slash;
	mode_t mode = 0600;
	size_t i;
	int fd, exists;

	memset(o, 0, sizeof(*o));
	exists = stat(path, &st) == 0;
	for (i = 0; exists && i < n; i++)
		if (not[i].st && not[i].st->st_dev == st.st_dev &&
		    not[i].st->st_ino == st.st_ino)
			return crm_err_set(err, CRM_EX_USAGE, "'%s' is %s; "
				"choose another file", path, not[i].what);
	if (exists && S_ISDIR(st.st_mode))
		return crm_err_set(err, CRM_EX_CANTCREAT,
			"cannot create '%s': it is a folder", path);
	if ((exists && !S_ISREG(st.st_mode)) || system_name(path)) {
		/* A terminal, /dev/stdout, a pipe: nothing to keep. */
		if (!(o->fp = fopen(path, "w")))
			return create_error(path, err);
		o->path = crm_strdup(path);
		return 0;
	}
	slash = strrchr(path, '/');
	if (slash)
		crm_buf_add(&tmp, path, (size_t)(slash - path) + 1);
	crm_buf_addf(&tmp, ".%s.XXXXXX", slash ? slash + 1 : path);
	fd = mkstemp(tmp.buf);
	if (fd < 0) {
		create_error(path, err);
		crm_buf_release(&tmp);
		return -1;
	}
	o->tmp = crm_buf_detach(&tmp);
	o->path = crm_strdup(path);
	guard(o->tmp);
	if (like) {
		mode = like->st_mode & 0666;
		if (like->st_gid != getegid() &&
		    fchown(fd, (uid_t)-1, like->st_gid) < 0)
			mode &= ~(mode_t)0070;
	}
	if (fchmod(fd, mode) < 0 || !(o->fp = fdopen(fd, "w"))) {
		crm_err_set(err, CRM_EX_CANTCREAT, "cannot create '%s': %s",
			path, strerror(errno));
		close(fd);
		crm_outfile_abort(o);
		return -1;
	}
	return 0;
}

int
crm_outfile_close(struct crm_outfile *o, struct crm_err *err)
{
	int bad, e;

	if (!o->fp)
		return 0;
	errno = 0;
	bad = fflush(o->fp) == EOF || ferror(o->fp);
	e = errno ? errno : EIO;
	if (!bad && o->tmp && fsync(fileno(o->fp)) < 0) {
		bad = 1;
		e = errno;
	}
	if (fclose(o->fp) == EOF && !bad) {
		bad = 1;
		e = errno;
	}
	o->fp = NULL;
	if (bad)
		return crm_err_set(err, CRM_EX_IOERR, "cannot write '%s': %s",
			o->path, strerror(e));
	return 0;
}

int
crm_outfile_commit(struct crm_outfile *o, struct crm_err *err)
{
	if (o->fp && crm_outfile_close(o, err) < 0)
		return -1;
	if (o->tmp) {
		if (rename(o->tmp, o->path) < 0)
			return crm_err_set(err, CRM_EX_CANTCREAT,
				"cannot replace '%s': %s", o->path,
				strerror(errno));
		unguard();
		free(o->tmp);
		o->tmp = NULL;
	}
	return 0;
}

void
crm_outfile_abort(struct crm_outfile *o)
{
	if (o->fp)
		fclose(o->fp);
	if (o->tmp) {
		unlink(o->tmp);
		unguard();
	}
	free(o->tmp);
	free(o->path);
	memset(o, 0, sizeof(*o));
}

int
crm_write_all(int fd, const void *p, size_t n)
{
	const char *s = p;

	while (n) {
		ssize_t w = write(fd, s, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

int
crm_sync_dir(const char *dir, struct crm_err *err)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0 || (fsync(fd) < 0 && errno != EINVAL)) {
		crm_err_set(err, CRM_EX_IOERR, "cannot sync folder '%s': %s",
			dir, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	return 0;
}
