/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Small helpers shared by every layer: parsing, strings, files. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

int vrdma_parse_log_priority(const char *s)
{
	static const struct {
		const char *name;
		int prio;
	} names[] = {
		{ "emerg", LOG_EMERG }, { "alert", LOG_ALERT }, { "crit", LOG_CRIT },
		{ "err", LOG_ERR }, { "error", LOG_ERR }, { "warning", LOG_WARNING },
		{ "warn", LOG_WARNING }, { "notice", LOG_NOTICE }, { "info", LOG_INFO },
		{ "debug", LOG_DEBUG },
	};
	char *end;
	long v;
	size_t i;

	if (!s || !s[0])
		return -EINVAL;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno == 0 && end != s && *end == '\0')
		return (v >= LOG_EMERG && v <= LOG_DEBUG) ? (int)v : -ERANGE;
	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (strcasecmp(s, names[i].name) == 0)
			return names[i].prio;
	return -EINVAL;
}

char *vrdma_strdup_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

char *vrdma_asprintf(const char *format, ...)
{
	va_list ap;
	char *s;
	int r;

	va_start(ap, format);
	r = vasprintf(&s, format, ap);
	va_end(ap);
	return r < 0 ? NULL : s;
}

int vrdma_strdup_replace(char **dst, const char *src)
{
	char *n = NULL;

	if (src) {
		n = strdup(src);
		if (!n)
			return -ENOMEM;
	}
	free(*dst);
	*dst = n;
	return 0;
}

char *vrdma_dirname(const char *path)
{
	char *copy = strdup(path), *d, *r;

	if (!copy)
		return NULL;
	d = dirname(copy);
	r = strdup(d);
	free(copy);
	return r;
}

int vrdma_mkdir_p(const char *path, mode_t mode)
{
	char buf[PATH_MAX];
	char *p;

	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
		return -ENAMETOOLONG;
	for (p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, mode) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(buf, mode) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

/*
 * mkostemp() with a creation mode: replaces the trailing "XXXXXX" of tmpl
 * and creates the file exclusively with `mode` (less the umask).
 */
static int open_temp(char *tmpl, mode_t mode)
{
	static const char letters[] =
		"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	char *x = tmpl + strlen(tmpl) - 6;
	int tries, i, fd;

	for (tries = 0; tries < 100; tries++) {
		uint64_t v;

		if (getrandom(&v, sizeof(v), GRND_NONBLOCK) != (ssize_t)sizeof(v)) {
			struct timespec ts;

			clock_gettime(CLOCK_MONOTONIC, &ts);
			v = ((uint64_t)ts.tv_nsec ^ ((uint64_t)getpid() << 32)) +
			    (uint64_t)tries * 0x9e3779b97f4a7c15ull;
		}
		for (i = 0; i < 6; i++, v /= 62)
			x[i] = letters[v % 62];
		fd = open(tmpl, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
		if (fd >= 0 || errno != EEXIST)
			return fd;
	}
	errno = EEXIST;
	return -1;
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t k = write(fd, buf, len);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		buf += k;
		len -= (size_t)k;
	}
	return 0;
}

int vrdma_write_file_atomic(struct vrdma_ctx *ctx, const char *label, const char *path,
                            const char *data, size_t len, mode_t mode, unsigned int flags)
{
	const char *lb = label ? label : "", *sp = label ? " " : "";
	char *dir = vrdma_dirname(path), *bcopy = strdup(path), *tmp = NULL;
	int fd = -1, dfd, r = 0;

	if (!dir || !bcopy || asprintf(&tmp, "%s/.%s.XXXXXX", dir, basename(bcopy)) < 0) {
		tmp = NULL;
		r = -ENOMEM;
		goto out;
	}
	fd = open_temp(tmp, mode);
	if (fd < 0) {
		r = vrdma_error(ctx, -errno, "%s%s%s: cannot create temporary file in %s: %s", lb,
		                sp, path, dir, strerror(errno));
		free(tmp);
		tmp = NULL;
		goto out;
	}
	if (((flags & VRDMA_WRITE_EXACT_MODE) && fchmod(fd, mode) < 0) ||
	    (r = write_all(fd, data, len)) < 0 || fsync(fd) < 0) {
		if (r >= 0)
			r = -errno;
		r = vrdma_error(ctx, r, "%s%s%s: writing %s: %s", lb, sp, path, tmp, strerror(-r));
		goto out;
	}
	r = close(fd);
	fd = -1;
	if (r < 0) {
		r = vrdma_error(ctx, -errno, "%s%s%s: closing %s: %s", lb, sp, path, tmp,
		                strerror(errno));
		goto out;
	}
	if (rename(tmp, path) < 0) {
		r = vrdma_error(ctx, -errno, "%s%s%s: rename from %s: %s", lb, sp, path, tmp,
		                strerror(errno));
		goto out;
	}
	free(tmp);
	tmp = NULL;
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if ((dfd < 0 || fsync(dfd) < 0) && (flags & VRDMA_WRITE_SYNC_DIR))
		r = vrdma_error(ctx, -errno, "%s%s%s: syncing directory %s: %s", lb, sp, path, dir,
		                strerror(errno));
	if (dfd >= 0)
		close(dfd);
out:
	if (fd >= 0)
		close(fd);
	if (tmp)
		unlink(tmp);
	free(tmp);
	free(dir);
	free(bcopy);
	return r;
}
