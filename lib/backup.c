/*
 * backup.c - a backup written, checked and restored (backup.h): where
 * the image comes from and goes to, the temporary files and their
 * renames, the checks of a restore drill.  The file format is
 * archive.c's; the database image is the driver's (crm_db_image,
 * crm_db_replace) or, on a backend without one, a copy of the records.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "backup.h"
#include "copy.h"
#include "outfile.h"
#include "record.h"
#include "schema.h"
#include "banned.h"

#define PIECE (1 << 20)		/* bytes read or written at a time */
#define KEYFILE_MAX 4096	/* a passphrase or key file's first bytes */

/* ---- files -------------------------------------------------------------- */

static const char *
tmp_dir(void)
{
	const char *d = getenv("TMPDIR");

	return d && *d ? d : "/tmp";
}

/* A new empty file dir/NAME-XXXXXX, mode 0600: its fd, its path in out. */
static int
make_temp(const char *dir, const char *name, struct crm_buf *out,
	struct crm_err *err)
{
	int fd;

	crm_buf_reset(out);
	crm_buf_addf(out, "%s/%s-XXXXXX", dir, name);
	fd = mkstemp(out->buf);
	if (fd < 0) {
		crm_err_set(err, errno == EACCES ? CRM_EX_NOPERM :
			CRM_EX_CANTCREAT, "cannot create a file in '%s': %s",
			dir, strerror(errno));
		crm_buf_reset(out);
	}
	return fd;
}

/* An image and whatever SQLite left beside it. */
static void
remove_image(const struct crm_buf *path)
{
	static const char *const side[] = { "", "-wal", "-shm", "-journal" };
	struct crm_buf p = CRM_BUF_INIT;
	size_t i;

	if (!path->len)
		return;
	for (i = 0; i < sizeof(side) / sizeof(side[0]); i++) {
		crm_buf_reset(&p);
		crm_buf_addf(&p, "%s%s", path->buf, side[i]);
		unlink(p.buf);
	}
	crm_buf_release(&p);
}

/* The first line of path (without its newline), for a passphrase or a
 * key: 0, or -1 with err set. */
static int
first_line(const char *path, struct crm_buf *out, struct crm_err *err)
{
	char buf[KEYFILE_MAX];
	ssize_t n;
	size_t len;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return crm_err_set(err, errno == ENOENT ? CRM_EX_NOINPUT :
			errno == EACCES ? CRM_EX_NOPERM : CRM_EX_IOERR,
			"cannot read '%s': %s", path, strerror(errno));
	do
		n = read(fd, buf, sizeof(buf));
	while (n < 0 && errno == EINTR);
	close(fd);
	if (n < 0)
		return crm_err_set(err, CRM_EX_IOERR, "cannot read '%s': %s",
			path, strerror(errno));
	len = (size_t)n;
	for (n = 0; (size_t)n < len && buf[n] != '\n'; n++)
		;
	len = (size_t)n;
	if (len && buf[len - 1] == '\r')
		len--;
	crm_buf_add(out, buf, len);
	sodium_memzero(buf, sizeof(buf));
	return 0;
}

/* ---- keys --------------------------------------------------------------- */

int
crm_backup_keys(struct crm_keys *k, const char *passfile,
	const char *recipient, const char *secretfile, struct crm_err *err)
{
	struct crm_buf line = CRM_BUF_INIT;
	const char *env = getenv("CRM_BACKUP_PASSPHRASE");
	int r = 0;

	memset(k, 0, sizeof(*k));
	if (passfile && recipient)
		return crm_err_set(err, CRM_EX_USAGE, "a backup is for a "
			"passphrase or for a recipient, not both");
	if (passfile) {
		if (first_line(passfile, &line, err) < 0)
			goto out;
		if (!line.len) {
			r = crm_err_set(err, CRM_EX_USAGE, "'%s' holds an "
				"empty passphrase", passfile);
			goto out;
		}
	} else if (env && *env && !recipient) {
		crm_buf_adds(&line, env);
	}
	if (line.len) {
		k->passphrase = crm_strdup(line.buf);
		k->passlen = line.len;
	}
	if (recipient) {
		crm_buf_reset(&line);
		if (!strncmp(recipient, "crmpk1", 6))
			crm_buf_adds(&line, recipient);
		else if (first_line(recipient, &line, err) < 0)
			goto out;
		if (crm_keys_parse_public(k, line.buf, err) < 0)
			goto out;
	}
	if (secretfile) {
		crm_buf_reset(&line);
		if (first_line(secretfile, &line, err) < 0 ||
		    crm_keys_parse_secret(k, line.buf, err) < 0)
			goto out;
	}
out:
	if (err->code)
		r = -1;
	if (line.buf)
		sodium_memzero(line.buf, line.len);
	crm_buf_release(&line);
	if (r < 0)
		crm_backup_keys_release(k);
	return r;
}

void
crm_backup_keys_release(struct crm_keys *k)
{
	if (k->passphrase) {
		sodium_memzero((char *)k->passphrase, k->passlen);
		free((char *)k->passphrase);
	}
	sodium_memzero(k, sizeof(*k));
}

/* text and a newline into a new file path of mode. */
static int
write_new(const char *path, int force, mode_t mode, const struct crm_buf *text,
	struct crm_err *err)
{
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW |
		(force ? O_TRUNC : O_EXCL), mode);
	if (fd < 0)
		return crm_err_set(err, errno == EEXIST ? CRM_EX_CANTCREAT :
			errno == EACCES ? CRM_EX_NOPERM : CRM_EX_CANTCREAT,
			errno == EEXIST ? "'%s' exists; --force replaces it" :
			"cannot create '%s': %s", path, strerror(errno));
	if (fchmod(fd, mode) < 0 ||
	    crm_write_all(fd, text->buf, text->len) < 0 ||
	    crm_write_all(fd, "\n", 1) < 0 || fsync(fd) < 0) {
		crm_err_set(err, CRM_EX_IOERR, "cannot write '%s': %s", path,
			strerror(errno));
		close(fd);
		return -1;
	}
	return close(fd) < 0 ? crm_err_set(err, CRM_EX_IOERR, "cannot write "
		"'%s': %s", path, strerror(errno)) : 0;
}

int
crm_backup_keygen(const char *path, int force, struct crm_buf *pub,
	struct crm_err *err)
{
	struct crm_buf sec = CRM_BUF_INIT, pubpath = CRM_BUF_INIT;
	struct crm_keys k;
	int r;

	crm_keys_generate(&k);
	crm_keys_secret_text(&k, &sec);
	crm_keys_public_text(&k, pub);
	crm_buf_addf(&pubpath, "%s.pub", path);
	r = write_new(path, force, 0600, &sec, err);
	if (r == 0 && (r = write_new(pubpath.buf, force, 0644, pub, err)) < 0)
		unlink(path);
	sodium_memzero(sec.buf, sec.len);
	crm_buf_release(&sec);
	crm_buf_release(&pubpath);
	sodium_memzero(&k, sizeof(k));
	return r;
}

/* ---- the header --------------------------------------------------------- */

/* The header of a backup of db whose image is at image. */
static int
describe(struct crm_db *db, const char *image, struct crm_archive_info *info,
	struct crm_err *err)
{
	const char *names[CRM_COPY_MAX];
	struct crm_db img;
	struct crm_buf counts = CRM_BUF_INIT;
	time_t now = time(NULL);
	struct tm tm;
	size_t n, i;

	memset(info, 0, sizeof(*info));
	info->format = CRM_ARCHIVE_FORMAT;
	gmtime_r(&now, &tm);
	strftime(info->created, sizeof(info->created), "%Y-%m-%dT%H:%M:%SZ",
		&tm);
	snprintf(info->source, sizeof(info->source), "%s %s",
		crm_db_backend(db), crm_db_name(db));
	if (crm_db_open(&img, image, CRM_DB_READ, err) < 0)
		return -1;
	info->schema = crm_db_version(&img);
	n = crm_copy_tables(names, CRM_COPY_MAX);
	for (i = 0; i < n; i++)
		crm_buf_addf(&counts, "%s%s=%lld", i ? " " : "", names[i],
			(long long)crm_copy_rows(&img, names[i]));
	crm_db_close(&img);
	snprintf(info->counts, sizeof(info->counts), "%s", counts.buf);
	crm_buf_release(&counts);
	return 0;
}

/* Does the header's counts line match the rows of db?  Every table it
 * names must be one of crm's. */
static int
check_counts(struct crm_db *db, const struct crm_archive_info *info,
	struct crm_err *err)
{
	const char *names[CRM_COPY_MAX];
	char buf[sizeof(info->counts)], *tok, *save = NULL, *eq, *end;
	size_t n, i;

	n = crm_copy_tables(names, CRM_COPY_MAX);
	snprintf(buf, sizeof(buf), "%s", info->counts);
	for (tok = strtok_r(buf, " ", &save); tok;
	    tok = strtok_r(NULL, " ", &save)) {
		long long want, have;

		if (!(eq = strchr(tok, '=')))
			goto bad;
		*eq = '\0';
		for (i = 0; i < n && strcmp(names[i], tok); i++)
			;
		errno = 0;
		want = strtoll(eq + 1, &end, 10);
		if (i == n || *end || errno || want < 0)
			goto bad;
		have = crm_copy_rows(db, names[i]);
		if (have != want)
			return crm_err_set(err, CRM_EX_DATAERR, "the backup "
				"should hold %lld rows of %s, it holds %lld",
				want, tok, have);
	}
	return 0;
bad:
	return crm_err_set(err, CRM_EX_DATAERR, "the backup's header has "
		"counts crm does not know: '%s'", info->counts);
}

/* ---- writing ------------------------------------------------------------ */

/* The image at image as an archive on fd.  An encrypted archive's file
 * key goes to fk (for the check of what was written). */
static int
write_archive(int fd, const char *image, const struct crm_archive_info *info,
	const struct crm_keys *keys, struct crm_keys *fk, struct crm_err *err)
{
	struct crm_archive_w *w;
	unsigned char *buf;
	ssize_t n;
	int in, r = 0;

	in = open(image, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return crm_err_set(err, CRM_EX_IOERR, "cannot read '%s': %s",
			image, strerror(errno));
	if (!(w = crm_archive_create(fd, info, keys, err))) {
		close(in);
		return -1;
	}
	buf = crm_xmalloc(PIECE);
	while (r == 0) {
		n = read(in, buf, PIECE);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			r = crm_err_set(err, CRM_EX_IOERR, "cannot read '%s': "
				"%s", image, strerror(errno));
		if (n <= 0)
			break;
		r = crm_archive_write(w, buf, (size_t)n, err);
	}
	free(buf);
	close(in);
	memset(fk, 0, sizeof(*fk));
	if (r == 0 && crm_archive_file_key(w, fk->file_key) == 0)
		fk->has_file_key = 1;
	if (r < 0) {
		crm_archive_abort(w);
		return -1;
	}
	return crm_archive_finish(w, err);
}

/* crm-YYYYMMDDTHHMMSSZ[-N].crmbak: its time and N (1 without), or 0
 * for a name of another kind. */
static int
backup_name(const char *name, char stamp[17], long *seq)
{
	const char *p = name + 20;
	char *end;
	int i;

	if (strncmp(name, "crm-", 4))
		return 0;
	for (i = 0; i < 16; i++) {
		char c = name[4 + i];

		if (i == 8 ? c != 'T' : i == 15 ? c != 'Z' :
		    (c < '0' || c > '9'))
			return 0;
	}
	memcpy(stamp, name + 4, 16);
	stamp[16] = '\0';
	*seq = 1;
	if (*p == '-') {
		if (p[1] < '1' || p[1] > '9')
			return 0;
		*seq = strtol(p + 1, &end, 10);
		p = end;
	}
	return !strcmp(p, ".crmbak");
}

struct kept {
	char stamp[17];
	long seq;
	char *name;
};

static int
newer_first(const void *a, const void *b)
{
	const struct kept *x = a, *y = b;
	int c = strcmp(y->stamp, x->stamp);

	return c ? c : (y->seq > x->seq) - (y->seq < x->seq);
}

/* Remove the backups of dir beyond the newest keep. */
static int
prune(const char *dir, int keep, struct crm_err *err)
{
	struct crm_buf path = CRM_BUF_INIT;
	struct kept *k = NULL;
	size_t n = 0, a = 0, i;
	struct dirent *de;
	DIR *d;
	int r = 0;

	if (!(d = opendir(dir)))
		return crm_err_set(err, CRM_EX_IOERR, "cannot read folder "
			"'%s': %s", dir, strerror(errno));
	while ((de = readdir(d))) {
		char stamp[17];
		long seq;

		if (!backup_name(de->d_name, stamp, &seq))
			continue;
		if (n == a) {
			a = a ? 2 * a : 16;
			k = crm_xrealloc(k, a * sizeof(*k));
		}
		memcpy(k[n].stamp, stamp, sizeof(stamp));
		k[n].seq = seq;
		k[n++].name = crm_strdup(de->d_name);
	}
	closedir(d);
	if (n)
		qsort(k, n, sizeof(*k), newer_first);
	for (i = 0; i < n; i++) {
		if (i >= (size_t)keep && r == 0) {
			crm_buf_reset(&path);
			crm_buf_addf(&path, "%s/%s", dir, k[i].name);
			if (unlink(path.buf) < 0 && errno != ENOENT)
				r = crm_err_set(err, CRM_EX_IOERR, "cannot "
					"remove old backup '%s': %s", path.buf,
					strerror(errno));
		}
		free(k[i].name);
	}
	free(k);
	crm_buf_release(&path);
	return r;
}

/* The written file tmp, given its name in dir by its time (-2, -3 ...
 * after a name taken in the same second): link() never replaces. */
static int
place_in_dir(const char *tmp, const char *dir,
	const struct crm_archive_info *info, struct crm_buf *written,
	struct crm_err *err)
{
	char stamp[17];
	int i, j = 0;

	for (i = 0; info->created[i] && j < 16; i++)
		if (info->created[i] != '-' && info->created[i] != ':')
			stamp[j++] = info->created[i];
	stamp[j] = '\0';
	for (i = 1; i < 1000; i++) {
		crm_buf_reset(written);
		crm_buf_addf(written, i == 1 ? "%s/crm-%s.crmbak" :
			"%s/crm-%s-%d.crmbak", dir, stamp, i);
		if (link(tmp, written->buf) == 0)
			return 0;
		if (errno != EEXIST)
			break;
	}
	crm_err_set(err, CRM_EX_CANTCREAT, "cannot create '%s': %s",
		written->buf, strerror(errno));
	crm_buf_reset(written);
	return -1;
}

/* The written file tmp, renamed to path: over a file only with force. */
static int
place(const char *tmp, const char *path, int force, struct crm_err *err)
{
	if (force ? rename(tmp, path) == 0 : link(tmp, path) == 0)
		return 0;
	return crm_err_set(err, errno == EEXIST ? CRM_EX_CANTCREAT :
		errno == EACCES ? CRM_EX_NOPERM : CRM_EX_CANTCREAT,
		errno == EEXIST ? "'%s' exists; --force replaces it" :
		"cannot create '%s': %s", path, strerror(errno));
}

int
crm_backup(struct crm_db *db, const char *path,
	const struct crm_backup_opts *o, struct crm_buf *written,
	struct crm_err *err)
{
	struct crm_buf image = CRM_BUF_INIT, tmp = CRM_BUF_INIT;
	struct crm_buf dir = CRM_BUF_INIT;
	struct crm_archive_info info, back;
	struct crm_keys fk;
	struct crm_copy c;
	struct stat st;
	int to_stdout = !o->dir && !strcmp(path, "-");
	int fd = -1, r = -1, made;

	if (to_stdout && isatty(STDOUT_FILENO))
		return crm_err_set(err, CRM_EX_USAGE, "a backup is not for a "
			"terminal: redirect standard output, or name a file");
	if (o->dir && (stat(o->dir, &st) < 0 || !S_ISDIR(st.st_mode)))
		return crm_err_set(err, CRM_EX_CANTCREAT, "'%s' is not a "
			"folder", o->dir);
	if (!o->dir && !to_stdout && !o->force && lstat(path, &st) == 0)
		return crm_err_set(err, CRM_EX_CANTCREAT, "'%s' exists; "
			"--force replaces it", path);

	/* The database at one moment, as one file. */
	fd = make_temp(tmp_dir(), "crm-image", &image, err);
	if (fd < 0)
		goto out;
	close(fd);
	fd = -1;
	made = crm_db_image(db, image.buf, err);
	if (made == 0)
		made = crm_copy_db(db, image.buf, 0, &c, err) < 0 ? -1 : 1;
	if (made < 0 || describe(db, image.buf, &info, err) < 0)
		goto out;

	if (to_stdout) {
		if (write_archive(STDOUT_FILENO, image.buf, &info, o->keys,
		    &fk, err) < 0)
			goto out;
		crm_buf_adds(written, "-");
		r = 0;
		goto out;
	}
	if (o->dir)
		crm_buf_adds(&dir, o->dir);
	else
		crm_buf_add_dir(&dir, path);
	if ((fd = make_temp(dir.buf, ".crm-backup", &tmp, err)) < 0)
		goto out;
	if (write_archive(fd, image.buf, &info, o->keys, &fk, err) < 0)
		goto out;
	if (fsync(fd) < 0 || close(fd) < 0) {
		crm_err_set(err, CRM_EX_IOERR, "cannot write '%s': %s",
			tmp.buf, strerror(errno));
		fd = -1;
		goto out;
	}
	fd = -1;
	if (o->dir) {
		/* Checked before any older backup goes: the file as it
		 * is on disk, opened as a restore would open it (an
		 * encrypted one with the key it was written with). */
		if (crm_backup_verify(tmp.buf, fk.has_file_key ? &fk : NULL, 0,
		    &back, err) < 0 || place_in_dir(tmp.buf, dir.buf, &info,
		    written, err) < 0)
			goto out;
	} else {
		if (place(tmp.buf, path, o->force, err) < 0)
			goto out;
		crm_buf_adds(written, path);
	}
	unlink(tmp.buf);
	crm_buf_reset(&tmp);
	if (crm_sync_dir(dir.buf, err) < 0)
		goto out;
	r = o->dir && o->keep > 0 ? prune(dir.buf, o->keep, err) : 0;
out:
	if (fd >= 0)
		close(fd);
	if (tmp.len)
		unlink(tmp.buf);
	remove_image(&image);
	sodium_memzero(&fk, sizeof(fk));
	crm_buf_release(&image);
	crm_buf_release(&tmp);
	crm_buf_release(&dir);
	return r;
}

/* ---- the drill ---------------------------------------------------------- */

/* The first problem the database's own check finds. */
static void
problem(void *arg, const char *kind, const char *text)
{
	struct crm_err *err = arg;

	if (!err->code)
		crm_err_set(err, CRM_EX_DATAERR, "the backup's database "
			"fails its check: %s: %s", kind, text);
}

/* The image at path checked: crm's, whole, with the rows the header
 * says.  An older schema is brought up to date here, in the image. */
static int
check_image(const char *path, const struct crm_archive_info *info, int full,
	struct crm_err *err)
{
	struct crm_err e = CRM_ERR_INIT;
	struct crm_db db;
	int r;

	if (crm_db_open(&db, path, 0, &e) < 0) {
		crm_err_set(err, e.code == CRM_EX_CONFIG ? CRM_EX_CONFIG :
			CRM_EX_DATAERR, "the backup holds no database crm "
			"can open: %s", e.msg.buf);
		crm_err_release(&e);
		return -1;
	}
	r = full ? crm_db_check(&db, problem, err, err) :
		crm_db_check_quick(&db, problem, err, err);
	if (r == 0 && err->code)
		r = -1;
	if (r == 0)
		r = check_counts(&db, info, err);
	crm_db_close(&db);
	return r;
}

/* What the archive layer found, said of the file, and how to give a
 * missing passphrase or key (seal: the file's). */
static void
about(const char *path, enum crm_seal seal, struct crm_err *err)
{
	struct crm_buf m = CRM_BUF_INIT;
	int code = err->code;

	crm_buf_addf(&m, "'%s': %s", strcmp(path, "-") ? path :
		"standard input", err->msg.buf);
	if (code == CRM_EX_USAGE)
		crm_buf_adds(&m, seal == CRM_SEAL_RECIPIENT ? ": give it with "
			"--secret-key FILE" : ": give it with --passphrase-file "
			"FILE or $CRM_BACKUP_PASSPHRASE");
	crm_err_clear(err);
	crm_err_set(err, code, "%s", m.buf);
	crm_buf_release(&m);
}

/*
 * The drill on path: the archive read whole into an image (its path in
 * image, kept when keep is set) and checked.
 */
static int
drill(const char *path, const struct crm_keys *keys, int full,
	struct crm_archive_info *info, const char *dir, struct crm_buf *image,
	int keep, struct crm_err *err)
{
	struct crm_archive_r *a = NULL;
	unsigned char *buf = NULL;
	int in, out = -1, r = -1;
	ssize_t n;

	if (!strcmp(path, "-"))
		in = STDIN_FILENO;
	else if ((in = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0)
		return crm_err_set(err, errno == ENOENT ? CRM_EX_NOINPUT :
			errno == EACCES ? CRM_EX_NOPERM : CRM_EX_IOERR,
			"cannot read '%s': %s", path, strerror(errno));
	if (!(a = crm_archive_open(in, info, err))) {
		about(path, CRM_SEAL_NONE, err);
		goto out;
	}
	if (info->schema > crm_schema_latest()) {
		crm_err_set(err, CRM_EX_CONFIG, "the backup has schema %d, "
			"newer than this binary's %d: upgrade crm",
			info->schema, crm_schema_latest());
		goto out;
	}
	if (crm_archive_unlock(a, keys, err) < 0) {
		about(path, info->seal, err);
		goto out;
	}
	if ((out = make_temp(dir ? dir : tmp_dir(), dir ? ".crm-restore" :
	    "crm-restore", image, err)) < 0)
		goto out;
	buf = crm_xmalloc(PIECE);
	while ((n = crm_archive_read(a, buf, PIECE, err)) > 0)
		if (crm_write_all(out, buf, (size_t)n) < 0) {
			crm_err_set(err, CRM_EX_IOERR, "cannot write '%s': %s",
				image->buf, strerror(errno));
			goto out;
		}
	if (n < 0) {
		about(path, info->seal, err);
		goto out;
	}
	if (close(out) < 0) {
		out = -1;
		crm_err_set(err, CRM_EX_IOERR, "cannot write '%s': %s",
			image->buf, strerror(errno));
		goto out;
	}
	out = -1;
	r = check_image(image->buf, info, full, err);
out:
	free(buf);
	if (out >= 0)
		close(out);
	if (a)
		crm_archive_close(a);
	if (in != STDIN_FILENO)
		close(in);
	if (r < 0 || !keep) {
		remove_image(image);
		crm_buf_reset(image);
	}
	return r;
}

int
crm_backup_verify(const char *path, const struct crm_keys *keys, int full,
	struct crm_archive_info *info, struct crm_err *err)
{
	struct crm_buf image = CRM_BUF_INIT;
	int r;

	r = drill(path, keys, full, info, NULL, &image, 0, err);
	crm_buf_release(&image);
	return r;
}

/* Does db hold anything a restore would replace: records, custom
 * fields, import batches? */
static int
holds_records(struct crm_db *db)
{
	const char *names[CRM_COPY_MAX];
	size_t n, i;

	if (crm_copy_rows(db, "custom_fields") != 0)
		return 1;
	n = crm_copy_tables(names, CRM_COPY_MAX);
	for (i = 0; i < n; i++)
		if (crm_copy_rows(db, names[i]) != 0)
			return 1;
	return 0;
}

/* Open the database a restore goes into, made when there is none: 0,
 * or -1 (refused when it holds records and not force). */
static int
open_target(struct crm_db *db, const char *dbpath, int force,
	struct crm_err *err)
{
	struct crm_err e = CRM_ERR_INIT;

	if (crm_db_open(db, dbpath, 0, &e) < 0) {
		if (e.code != CRM_EX_NOINPUT) {
			crm_err_set(err, e.code, "%s", e.msg.buf);
			crm_err_release(&e);
			return -1;
		}
		crm_err_release(&e);
		return crm_db_open(db, dbpath, CRM_DB_CREATE, err);
	}
	if (!force && holds_records(db)) {
		crm_err_set(err, CRM_EX_CANTCREAT, "'%s' holds records; "
			"--force replaces them with the backup's",
			crm_db_name(db));
		crm_db_close(db);
		return -1;
	}
	return 0;
}

int
crm_backup_restore(const char *path, const char *dbpath,
	const struct crm_keys *keys, int force,
	struct crm_archive_info *info, struct crm_err *err)
{
	struct crm_buf image = CRM_BUF_INIT, dir = CRM_BUF_INIT;
	struct crm_db db, src;
	struct crm_copy c;
	struct crm_err e = CRM_ERR_INIT;
	int r;

	/* Refused early, before the drill, when it would be at the end. */
	if (!force && crm_db_open(&db, dbpath, CRM_DB_READ, &e) == 0) {
		r = holds_records(&db);
		crm_db_close(&db);
		if (r)
			return crm_err_set(err, CRM_EX_CANTCREAT, "'%s' holds "
				"records; --force replaces them with the "
				"backup's", dbpath);
	}
	crm_err_release(&e);
	/* A new SQLite file is the image itself, renamed: made beside
	 * it. */
	if ((r = crm_db_install_dir(dbpath, &dir, err)) < 0 ||
	    drill(path, keys, 0, info, r ? dir.buf : NULL, &image, 1,
	    err) < 0)
		goto fail;
	r = crm_db_install(dbpath, image.buf, err);
	if (r == 0) {
		if (open_target(&db, dbpath, force, err) < 0)
			goto fail;
		r = crm_db_replace(&db, image.buf, err);
		crm_db_close(&db);
	}
	if (r == 0) {
		/* No image on this backend: the records, in one
		 * transaction that empties it first. */
		if (crm_db_open(&src, image.buf, CRM_DB_READ, err) < 0)
			goto fail;
		r = crm_copy_db(&src, dbpath, CRM_COPY_REPLACE, &c, err);
		crm_db_close(&src);
	}
	if (r < 0)
		goto fail;
	remove_image(&image);
	crm_buf_release(&image);
	crm_buf_release(&dir);
	return 0;
fail:
	remove_image(&image);
	crm_buf_release(&image);
	crm_buf_release(&dir);
	return -1;
}
