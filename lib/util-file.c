/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Files, with failures recorded on the context: atomic writes and lock
 * files.  Above ctx.c and util.c (core layer).
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "core-private.h"

/* How often a bounded vrdma_lock_acquire() tries the lock again. */
#define LOCK_POLL_MS 10

int vrdma_read_line(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return (int)n;
}

/* ---- atomic writes ---------------------------------------------------------- */

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

/* ---- lock files ----------------------------------------------------------------- */

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * The pid holding a flock on the file `st` describes, from /proc/locks
 * ("1: FLOCK  ADVISORY  WRITE 1234 08:01:5678 0 EOF"; waiters are marked
 * "->"), or 0.  An entry for the inode on another device number is taken
 * when no exact one exists (overlay and btrfs report their own st_dev).
 */
static long lock_holder_pid(const struct stat *st)
{
	FILE *f = fopen("/proc/locks", "re");
	long exact = 0, inode_only = 0;
	char line[256];

	if (!f)
		return 0;
	while (!exact && fgets(line, sizeof(line), f)) {
		unsigned int maj, min;
		unsigned long ino;
		char type[16];
		long pid;

		if (strstr(line, "->") ||
		    sscanf(line, "%*d: %15s %*s %*s %ld %x:%x:%lu", type, &pid, &maj, &min,
		           &ino) != 5 ||
		    strcmp(type, "FLOCK") != 0 || pid <= 0 || ino != (unsigned long)st->st_ino)
			continue;
		if (maj == major(st->st_dev) && min == minor(st->st_dev))
			exact = pid;
		else if (!inode_only)
			inode_only = pid;
	}
	fclose(f);
	return exact ? exact : inode_only;
}

/* " by pid 1234 (vrdmactl)", or "" when the holder cannot be found. */
static void lock_holder(const struct stat *st, char *buf, size_t len)
{
	long pid = lock_holder_pid(st);
	char path[64], comm[64] = "?";
	FILE *f;

	buf[0] = '\0';
	if (pid <= 0)
		return;
	snprintf(path, sizeof(path), "/proc/%ld/comm", pid);
	f = fopen(path, "re");
	if (f) {
		if (fgets(comm, sizeof(comm), f))
			comm[strcspn(comm, "\n")] = '\0';
		fclose(f);
	}
	snprintf(buf, len, " by pid %ld (%s)", pid, comm);
}

static int lock_open(struct vrdma_ctx *ctx, const char *path)
{
	const int flags = O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK;
	struct stat st;
	int fd, e;

	fd = open(path, O_RDWR | O_CREAT | flags, 0644);
	if (fd < 0 && (errno == EACCES || errno == EROFS || errno == EPERM))
		fd = open(path, O_RDONLY | flags); /* flock works on it too */
	if (fd < 0) {
		e = errno;
		return vrdma_error(ctx, -e, "lock file '%s': cannot open it: %s", path,
		                   e == ELOOP ? "it is a symbolic link" : strerror(e));
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return vrdma_error(ctx, -EINVAL, "lock file '%s': expected a regular file", path);
	}
	return fd;
}

int vrdma_lock_acquire(struct vrdma_ctx *ctx, const char *path, int operation, int timeout_ms,
                       int *ret_fd)
{
	const struct timespec pause = { 0, LOCK_POLL_MS * 1000 * 1000 };
	const char *what = operation == LOCK_SH ? "shared" : "exclusive";
	int fd, e, nb = timeout_ms < 0 ? 0 : LOCK_NB;
	bool waiting = false;
	int64_t start;

	if (!path || !path[0] || !ret_fd || (operation != LOCK_SH && operation != LOCK_EX))
		return vrdma_error(ctx, -EINVAL, "lock file '%s': expected a path, LOCK_SH or "
		                   "LOCK_EX and an output descriptor", path ? path : "");
	fd = lock_open(ctx, path);
	if (fd < 0)
		return fd;
	start = now_ms();
	while (flock(fd, operation | nb) < 0) {
		struct stat st;
		char holder[128];

		e = errno;
		if (e == EINTR)
			continue;
		if (e != EWOULDBLOCK) {
			close(fd);
			return vrdma_error(ctx, -e, "lock file '%s': cannot lock it: %s", path,
			                   strerror(e));
		}
		if (now_ms() - start >= timeout_ms) {
			if (fstat(fd, &st) == 0)
				lock_holder(&st, holder, sizeof(holder));
			else
				holder[0] = '\0';
			close(fd);
			return vrdma_error(ctx, -EBUSY, "lock file '%s': still locked%s after %d ms",
			                   path, holder, timeout_ms);
		}
		if (!waiting)
			info(ctx, "lock file %s: waiting for a %s lock", path, what);
		waiting = true;
		nanosleep(&pause, NULL);
	}
	dbg(ctx, "lock file %s: %s lock taken", path, what);
	*ret_fd = fd;
	return 0;
}

void vrdma_lock_release(int fd)
{
	if (fd >= 0)
		close(fd); /* releases the flock */
}

int vrdma_lock_timeout_ms(void)
{
#ifdef VRDMA_TEST_HOOKS
	/* Test hook: a shorter (or longer) bound, so a test need not wait 10 s. */
	const char *e = secure_getenv("VRDMA_TEST_LOCK_TIMEOUT_MS");
	char *end;
	long v;

	if (e && e[0]) {
		errno = 0;
		v = strtol(e, &end, 10);
		if (!*end && errno == 0 && v >= 0 && v <= 3600 * 1000)
			return (int)v;
	}
#endif
	return VRDMA_LOCK_TIMEOUT_MS;
}

int vrdma_index_check(struct vrdma_ctx *ctx, const void *ret, unsigned int i, unsigned int n,
                      const char *what, const char *owner_fmt, ...)
{
	char owner[160];
	va_list ap;

	if (ret && i < n)
		return 0;
	va_start(ap, owner_fmt);
	vsnprintf(owner, sizeof(owner), owner_fmt, ap);
	va_end(ap);
	if (!ret)
		return vrdma_error(ctx, -EINVAL, "%s: no place to return %s %u", owner, what, i);
	return vrdma_error(ctx, -ENOENT, "%s: no %s %u (it has %u)", owner, what, i, n);
}
