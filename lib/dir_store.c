/* The embedded default store (include/muc.h, "Durable state"): one file per
 * room in a directory, written atomically.
 *
 * File names: the room's bare JID with every byte outside [a-z0-9._@-] (and
 * a leading '.') written as %XX, plus ".xml" — reversible, and never a
 * hidden file. A name that would pass NAME_MAX becomes "~" + the SHA-256 of
 * the JID in hex + ".xml"; the JID is inside the file anyway.
 *
 * A save writes ".NAME.tmp", fsyncs it, renames it over NAME and fsyncs the
 * directory, so a crash leaves either the old or the new file, whole. A file
 * that fails to load is remembered and never written over or removed.
 *
 * The store belongs to the host, not to a service: plain malloc/free, and it
 * never includes mxml.h (it does not parse rooms; muc_service_restore_room
 * does). */
#define _DEFAULT_SOURCE /* flock, fsync, fdopendir, openat and friends */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "muc.h"
#include "sha256.h"

#define SUFFIX ".xml"
#define TMP_SUFFIX ".tmp"
#define MAX_NAME 240          /* below NAME_MAX (255) with room for ".tmp" */
#define MAX_FILE (64u << 20)  /* a room file larger than this is refused */

struct muc_dir_store {
	char *path;
	int dirfd;
	char **bad;     /* files that failed to load: hands off */
	size_t nbad, capbad;
};

/* ---- File names --------------------------------------------------------- */

static int keep_byte(unsigned char c, size_t pos)
{
	if (c == '.')
		return pos > 0;
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
	       c == '-' || c == '@';
}

/* The file name for a room JID, malloc'd; NULL on allocation failure. */
static char *encode_name(const char *jid)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = strlen(jid), i, o = 0;
	char *s = malloc(3 * n + sizeof SUFFIX + 66);
	if (!s)
		return NULL;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)jid[i];
		if (keep_byte(c, i)) {
			s[o++] = (char)c;
		} else {
			s[o++] = '%';
			s[o++] = hex[c >> 4];
			s[o++] = hex[c & 15];
		}
	}
	if (o + strlen(SUFFIX) > MAX_NAME) {
		sha256_ctx c;
		unsigned char d[32];
		sha256_init(&c);
		sha256_update(&c, jid, n);
		sha256_final(&c, d);
		o = 0;
		s[o++] = '~';
		for (i = 0; i < 32; i++) {
			s[o++] = hex[d[i] >> 4];
			s[o++] = hex[d[i] & 15];
		}
	}
	memcpy(s + o, SUFFIX, sizeof SUFFIX);
	return s;
}

/* 1 when 'name' is the file name of room 'jid'. */
static int name_matches(const char *name, const char *jid)
{
	char *want = encode_name(jid);
	int ok = want && strcmp(want, name) == 0;
	free(want);
	return ok;
}

static int hexval(char c)
{
	const char *h = "0123456789ABCDEF", *p = c ? strchr(h, c) : NULL;
	return p ? (int)(p - h) : -1;
}

/* 1 when 'name' is one of ours: a hashed name, or one that decodes to a
 * JID which encodes back to exactly 'name'. */
static int our_name(const char *name)
{
	size_t n = strlen(name), i, o = 0;
	char *jid;
	int ok;
	if (n <= strlen(SUFFIX) || strcmp(name + n - strlen(SUFFIX), SUFFIX))
		return 0;
	n -= strlen(SUFFIX);
	if (name[0] == '~') {
		for (i = 1; i < n; i++)
			if (hexval(name[i]) < 0)
				return 0;
		return n == 65;
	}
	if (!(jid = malloc(n + 1)))
		return 0;
	for (i = 0; i < n; i++) {
		if (name[i] == '%' && i + 2 < n && hexval(name[i + 1]) >= 0 &&
		    hexval(name[i + 2]) >= 0) {
			jid[o++] = (char)(hexval(name[i + 1]) * 16 +
					  hexval(name[i + 2]));
			i += 2;
		} else {
			jid[o++] = name[i];
		}
	}
	jid[o] = '\0';
	ok = o == strlen(jid) && name_matches(name, jid);
	free(jid);
	return ok;
}

/* The 'jid' attribute of the document's <room> start tag, copied into out
 * (capacity cap). 0 when found. Only what muc_room_save writes is expected;
 * anything else is left for muc_service_restore_room to judge. */
static int room_jid_of(const char *d, size_t len, char *out, size_t cap)
{
	const char *e = d + len, *p = d;
	while (p < e && strchr(" \t\r\n", *p))
		p++;
	if (e - p > 5 && !memcmp(p, "<?xml", 5)) {
		const char *q = p;
		while (q + 1 < e && !(q[0] == '?' && q[1] == '>'))
			q++;
		p = q + 2;
		while (p < e && strchr(" \t\r\n", *p))
			p++;
	}
	if (e - p < 6 || memcmp(p, "<room", 5) || !strchr(" \t\r\n", p[5]))
		return -1;
	p += 5;
	while (p < e) {
		const char *name, *val;
		size_t nlen;
		char q;
		while (p < e && strchr(" \t\r\n", *p))
			p++;
		if (p >= e || *p == '>' || *p == '/')
			return -1;
		name = p;
		while (p < e && !strchr("= \t\r\n>", *p))
			p++;
		nlen = (size_t)(p - name);
		while (p < e && strchr(" \t\r\n", *p))
			p++;
		if (p >= e || *p++ != '=')
			return -1;
		while (p < e && strchr(" \t\r\n", *p))
			p++;
		if (p >= e || (*p != '\'' && *p != '"'))
			return -1;
		q = *p++;
		val = p;
		while (p < e && *p != q)
			p++;
		if (p >= e)
			return -1;
		if (nlen == 3 && !memcmp(name, "jid", 3)) {
			if ((size_t)(p - val) >= cap)
				return -1;
			memcpy(out, val, (size_t)(p - val));
			out[p - val] = '\0';
			return 0;
		}
		p++;
	}
	return -1;
}

/* ---- Opening and closing ------------------------------------------------ */

/* Makes a new directory's own entry durable. Best effort: the rooms'
 * files are synced one by one anyway. */
static void sync_parent(const char *path)
{
	char *copy = strdup(path), *slash;
	int fd;
	if (!copy)
		return;
	while ((slash = strrchr(copy, '/')) && slash[1] == '\0' && slash != copy)
		*slash = '\0'; /* "a/b/" -> "a/b" */
	slash = strrchr(copy, '/');
	if (!slash)
		strcpy(copy, ".");
	else if (slash == copy)
		copy[1] = '\0'; /* "/x" -> "/" */
	else
		*slash = '\0';
	fd = open(copy, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	free(copy);
}

MUC_API int muc_dir_store_open(muc_dir_store **out, const char *path)
{
	muc_dir_store *st;
	int fd, e;
	if (!out || !path || !*path)
		return MUC_ERR_INVALID;
	*out = NULL;
	if (mkdir(path, 0700) == 0)
		sync_parent(path);
	else if (errno != EEXIST)
		return MUC_ERR_IO;
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return MUC_ERR_IO;
	/* One writer per directory: a second service on the same files
	 * would lose the other's changes. The lock dies with the process. */
	if (access(path, W_OK | X_OK) != 0 || flock(fd, LOCK_EX | LOCK_NB)) {
		e = errno;
		close(fd);
		errno = e;
		return MUC_ERR_IO;
	}
	st = calloc(1, sizeof *st);
	if (st)
		st->path = strdup(path);
	if (!st || !st->path) {
		free(st);
		close(fd);
		return MUC_ERR_NOMEM;
	}
	st->dirfd = fd;
	*out = st;
	return MUC_OK;
}

MUC_API void muc_dir_store_close(muc_dir_store *st)
{
	size_t i;
	if (!st)
		return;
	close(st->dirfd);
	for (i = 0; i < st->nbad; i++)
		free(st->bad[i]);
	free(st->bad);
	free(st->path);
	free(st);
}

static int is_bad(const muc_dir_store *st, const char *name)
{
	size_t i;
	for (i = 0; i < st->nbad; i++)
		if (strcmp(st->bad[i], name) == 0)
			return 1;
	return 0;
}

static int remember_bad(muc_dir_store *st, const char *name)
{
	if (is_bad(st, name))
		return 0;
	if (st->nbad == st->capbad) {
		size_t cap = st->capbad ? 2 * st->capbad : 8;
		char **v = realloc(st->bad, cap * sizeof *v);
		if (!v)
			return -1;
		st->bad = v;
		st->capbad = cap;
	}
	if (!(st->bad[st->nbad] = strdup(name)))
		return -1;
	st->nbad++;
	return 0;
}

/* ---- Saving and removing ------------------------------------------------ */

static int write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

MUC_API int muc_dir_store_save(const char *room_jid, const char *data,
			       size_t len, void *store)
{
	muc_dir_store *st = store;
	char *name, *tmp;
	int fd, rc = MUC_ERR_IO, e = 0;
	if (!st || !room_jid || !*room_jid || (!data && len))
		return MUC_ERR_INVALID;
	name = encode_name(room_jid);
	tmp = name ? malloc(strlen(name) + sizeof TMP_SUFFIX + 1) : NULL;
	if (!tmp) {
		free(name);
		return MUC_ERR_NOMEM;
	}
	sprintf(tmp, ".%s%s", name, TMP_SUFFIX);
	if (is_bad(st, name)) {
		/* It did not load: keep it for a person to look at. */
		e = EEXIST;
		goto done;
	}
	fd = openat(st->dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
		    0600);
	if (fd < 0) {
		e = errno;
		goto done;
	}
	if (write_all(fd, data, len) || fsync(fd)) {
		e = errno;
		close(fd);
		unlinkat(st->dirfd, tmp, 0);
		goto done;
	}
	if (close(fd) || renameat(st->dirfd, tmp, st->dirfd, name)) {
		e = errno;
		unlinkat(st->dirfd, tmp, 0);
		goto done;
	}
	/* The rename is durable only once the directory is. */
	if (fsync(st->dirfd)) {
		e = errno;
		goto done;
	}
	rc = MUC_OK;
done:
	free(tmp);
	free(name);
	if (rc)
		errno = e;
	return rc;
}

MUC_API int muc_dir_store_remove(const char *room_jid, void *store)
{
	muc_dir_store *st = store;
	char *name;
	int rc = MUC_OK, e = 0;
	if (!st || !room_jid || !*room_jid)
		return MUC_ERR_INVALID;
	if (!(name = encode_name(room_jid)))
		return MUC_ERR_NOMEM;
	if (is_bad(st, name)) {
		e = EEXIST;
		rc = MUC_ERR_IO;
	} else if (unlinkat(st->dirfd, name, 0) == 0) {
		if (fsync(st->dirfd)) {
			e = errno;
			rc = MUC_ERR_IO;
		}
	} else if (errno != ENOENT) {
		e = errno;
		rc = MUC_ERR_IO;
	}
	free(name);
	if (rc)
		errno = e;
	return rc;
}

/* ---- Loading ------------------------------------------------------------ */

typedef void (*report_fn)(const char *file, const char *reason, void *ud);

/* Reads a whole regular file; *why says what went wrong. */
static char *read_file(int dirfd, const char *name, size_t *len,
		       const char **why)
{
	struct stat sb;
	char *buf = NULL;
	size_t got = 0;
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 || fstat(fd, &sb)) {
		*why = strerror(errno);
		goto fail;
	}
	if (!S_ISREG(sb.st_mode)) {
		*why = "not a regular file";
		goto fail;
	}
	if ((unsigned long long)sb.st_size > MAX_FILE) {
		*why = "larger than 64 MiB";
		goto fail;
	}
	if (!(buf = malloc((size_t)sb.st_size + 1))) {
		*why = NULL; /* out of memory */
		goto fail;
	}
	while (got < (size_t)sb.st_size) {
		ssize_t r = read(fd, buf + got, (size_t)sb.st_size - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			*why = r ? strerror(errno) : "file shrank while read";
			goto fail;
		}
		got += (size_t)r;
	}
	buf[got] = '\0';
	close(fd);
	*len = got;
	return buf;
fail:
	if (fd >= 0)
		close(fd);
	free(buf);
	return NULL;
}

/* Loads one file. Returns 1 when a room was restored, 0 when the file was
 * reported, MUC_ERR_NOMEM. */
static int load_one(muc_dir_store *st, muc_service *svc, const char *name,
		    report_fn report, void *ud)
{
	char reason[3300], jid[3100]; /* a room JID: two parts of 1023 */
	const char *why = reason;
	size_t len = 0;
	char *data;
	int rc;
	if (!our_name(name)) {
		why = "not a room file (unexpected name)";
		goto bad;
	}
	data = read_file(st->dirfd, name, &len, &why);
	if (!data) {
		if (!why)
			return MUC_ERR_NOMEM;
		goto bad;
	}
	if (room_jid_of(data, len, jid, sizeof jid) == 0 &&
	    !name_matches(name, jid)) {
		snprintf(reason, sizeof reason,
			 "holds room %s, which is not the room its name says",
			 jid);
		free(data);
		goto bad;
	}
	rc = muc_service_restore_room(svc, data, len);
	free(data);
	switch (rc) {
	case MUC_OK:
		return 1;
	case MUC_ERR_NOMEM:
		return rc;
	case MUC_ERR_PARSE:
		why = len ? "not a valid room document (corrupt or truncated)"
			  : "empty file";
		break;
	case MUC_ERR_NOT_FOR_US:
		snprintf(reason, sizeof reason, "a room of another service, not %s",
			 muc_service_domain(svc));
		break;
	case MUC_ERR_CONFLICT:
		/* Loaded twice, or made before loading: the file is fine, and
		 * the room in the service will be saved over it. */
		if (report)
			report(name, "a room of that name is already in the "
				     "service; file not loaded", ud);
		return 0;
	default:
		why = muc_strerror(rc);
	}
bad:
	if (report)
		report(name, why, ud);
	return remember_bad(st, name) ? MUC_ERR_NOMEM : 0;
}

/* ".NAME.tmp" with NAME one of ours: what an interrupted save leaves. */
static int is_our_tmp(const char *nm, size_t l)
{
	char inner[NAME_MAX + 1];
	size_t n;
	if (l < 2 + strlen(TMP_SUFFIX) || l > NAME_MAX ||
	    strcmp(nm + l - strlen(TMP_SUFFIX), TMP_SUFFIX))
		return 0;
	n = l - 1 - strlen(TMP_SUFFIX);
	memcpy(inner, nm + 1, n);
	inner[n] = '\0';
	return our_name(inner);
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The directory's entries, sorted (rooms come back in a stable order);
 * leftovers of interrupted saves (".NAME.tmp") are removed. */
static int list_dir(muc_dir_store *st, char ***names, size_t *count)
{
	char **v = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	int fd = dup(st->dirfd);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		if (fd >= 0)
			close(fd);
		return MUC_ERR_IO;
	}
	rewinddir(d);
	while ((de = readdir(d))) {
		const char *nm = de->d_name;
		size_t l = strlen(nm);
		if (nm[0] == '.') {
			if (is_our_tmp(nm, l))
				unlinkat(st->dirfd, nm, 0);
			continue;
		}
		if (n == cap) {
			char **nv;
			cap = cap ? 2 * cap : 32;
			if (!(nv = realloc(v, cap * sizeof *nv)))
				goto nomem;
			v = nv;
		}
		if (!(v[n] = strdup(nm)))
			goto nomem;
		n++;
	}
	closedir(d);
	if (n)
		qsort(v, n, sizeof *v, cmp_names);
	*names = v;
	*count = n;
	return MUC_OK;
nomem:
	closedir(d);
	while (n)
		free(v[--n]);
	free(v);
	return MUC_ERR_NOMEM;
}

MUC_API int muc_dir_store_load(muc_dir_store *st, muc_service *svc,
			       report_fn report, void *ud)
{
	char **names;
	size_t n, i;
	int rc, loaded = 0;
	if (!st || !svc)
		return MUC_ERR_INVALID;
	rc = list_dir(st, &names, &n);
	if (rc)
		return rc;
	for (i = 0; i < n; i++) {
		if (rc >= 0)
			rc = load_one(st, svc, names[i], report, ud);
		if (rc > 0)
			loaded++;
		free(names[i]);
	}
	free(names);
	return rc < 0 ? rc : loaded;
}
