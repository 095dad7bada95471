/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The configuration file on disk: safe opening (root refuses symlinks and
 * files or directories others can write), durable atomic replacement and
 * writer serialisation (flock on "<path>.lock" plus a generation compare).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

#define CONFIG_MAX_SIZE (16u << 20)

/* As root, refuse a directory that others may write into (unless sticky
 * and root-owned, as /tmp) and a directory not owned by root. */
static int check_dir(struct vrdma_ctx *ctx, const char *path)
{
	char *dir;
	struct stat st;
	int r = 0;

	if (geteuid() != 0)
		return 0;
	dir = vrdma_dirname(path);
	if (!dir)
		return -ENOMEM;
	if (stat(dir, &st) < 0) {
		r = vrdma_error(ctx, -errno, "config file %s: directory %s: %s", path, dir,
		                strerror(errno));
	} else if (st.st_uid != 0) {
		r = vrdma_error(ctx, -EPERM,
		                "config file %s: directory %s is owned by uid %u, not root; "
		                "refusing it while running as root", path, dir,
		                (unsigned int)st.st_uid);
	} else if ((st.st_mode & (S_IWGRP | S_IWOTH)) && !(st.st_mode & S_ISVTX)) {
		r = vrdma_error(ctx, -EPERM,
		                "config file %s: directory %s is writable by group or others; "
		                "refusing it while running as root", path, dir);
	}
	free(dir);
	return r;
}

/* As root, refuse a file others could have written. */
static int check_file_stat(struct vrdma_ctx *ctx, const char *path, const struct stat *st)
{
	if (!S_ISREG(st->st_mode))
		return vrdma_error(ctx, -EINVAL, "config file %s: not a regular file", path);
	if (geteuid() != 0)
		return 0;
	if (st->st_uid != 0)
		return vrdma_error(ctx, -EPERM,
		                   "config file %s: owned by uid %u, not root; refusing it while "
		                   "running as root", path, (unsigned int)st->st_uid);
	if (st->st_mode & (S_IWGRP | S_IWOTH))
		return vrdma_error(ctx, -EPERM,
		                   "config file %s: writable by group or others (mode %04o); "
		                   "refusing it while running as root (chmod go-w)", path,
		                   (unsigned int)(st->st_mode & 07777));
	return 0;
}

/* Open for reading; -ENOENT if missing.  *fd_out >= 0 on success. */
static int open_config(struct vrdma_ctx *ctx, const char *path, int *fd_out)
{
	struct stat st;
	int fd, r;

	*fd_out = -1;
	if (geteuid() == 0) {
		if (lstat(path, &st) < 0) {
			if (errno == ENOENT)
				return vrdma_error(ctx, -ENOENT, "config file %s does not exist", path);
			return vrdma_error(ctx, -errno, "config file %s: %s", path, strerror(errno));
		}
		if (S_ISLNK(st.st_mode))
			return vrdma_error(ctx, -EPERM,
			                   "config file %s is a symbolic link; refusing it while "
			                   "running as root", path);
		r = check_dir(ctx, path);
		if (r < 0)
			return r;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC | (geteuid() == 0 ? O_NOFOLLOW : 0));
	if (fd < 0) {
		if (errno == ENOENT)
			return vrdma_error(ctx, -ENOENT, "config file %s does not exist", path);
		if (errno == ELOOP)
			return vrdma_error(ctx, -EPERM, "config file %s is a symbolic link", path);
		return vrdma_error(ctx, -errno, "config file %s: %s", path, strerror(errno));
	}
	if (fstat(fd, &st) < 0) {
		r = -errno;
		close(fd);
		return vrdma_error(ctx, r, "config file %s: %s", path, strerror(-r));
	}
	r = check_file_stat(ctx, path, &st);
	if (r < 0) {
		close(fd);
		return r;
	}
	if ((uint64_t)st.st_size > CONFIG_MAX_SIZE) {
		close(fd);
		return vrdma_error(ctx, -EFBIG, "config file %s: larger than %u bytes", path,
		                   CONFIG_MAX_SIZE);
	}
	*fd_out = fd;
	return 0;
}

static int read_all(int fd, char **buf, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *b = malloc(cap);

	if (!b)
		return -ENOMEM;
	for (;;) {
		ssize_t k;
		if (n + 1 >= cap) {
			char *nb;
			if (cap >= CONFIG_MAX_SIZE + 4096) {
				free(b);
				return -EFBIG;
			}
			nb = realloc(b, cap * 2);
			if (!nb) {
				free(b);
				return -ENOMEM;
			}
			b = nb;
			cap *= 2;
		}
		k = read(fd, b + n, cap - n - 1);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			k = -errno;
			free(b);
			return (int)k;
		}
		if (k == 0)
			break;
		n += (size_t)k;
	}
	b[n] = '\0';
	*buf = b;
	*len = n;
	return 0;
}

VRDMA_EXPORT int vrdma_config_load(struct vrdma_ctx *ctx, const char *path,
                                   struct vrdma_config **ret)
{
	char *text = NULL;
	size_t len = 0;
	int fd, r;

	if (!ctx || !ret)
		return -EINVAL;
	*ret = NULL;
	vrdma_error_clear(ctx);
	if (!path)
		path = vrdma_ctx_get_config_path(ctx);
	if (!path || !path[0])
		return vrdma_error(ctx, -EINVAL, "no configuration path");
	r = open_config(ctx, path, &fd);
	if (r < 0)
		return r;
	r = read_all(fd, &text, &len);
	close(fd);
	if (r < 0)
		return vrdma_error(ctx, r, "config file %s: %s", path, strerror(-r));
	r = vrdma_config_from_text(ctx, path, text, len, ret);
	free(text);
	if (r < 0)
		return r;
	r = vrdma_strdup_replace(&(*ret)->path, path);
	if (r < 0) {
		*ret = vrdma_config_unref(*ret);
		return r;
	}
	dbg(ctx, "config %s loaded, generation %" PRIu64, path, (*ret)->generation);
	return 0;
}

/* Generation of the file at path now: 0 and *exists=false if missing. */
static int current_generation(struct vrdma_ctx *ctx, const char *path, bool *exists,
                              uint64_t *gen)
{
	char *text = NULL;
	size_t len;
	int fd, r;

	*exists = false;
	*gen = 0;
	r = open_config(ctx, path, &fd);
	if (r == -ENOENT) {
		vrdma_error_clear(ctx);
		return 0;
	}
	if (r < 0)
		return r;
	*exists = true;
	r = read_all(fd, &text, &len);
	close(fd);
	if (r < 0)
		return vrdma_error(ctx, r, "config file %s: %s", path, strerror(-r));
	r = vrdma_config_text_generation(text, len, gen);
	free(text);
	if (r < 0)
		return vrdma_error(ctx, -EBADMSG,
		                   "config file %s: cannot read its generation (not a valid "
		                   "configuration); refusing to overwrite it", path);
	return 0;
}

VRDMA_EXPORT int vrdma_config_save(struct vrdma_config *cfg, const char *path)
{
	struct vrdma_ctx *ctx;
	char *lockpath = NULL, *text = NULL;
	int lockfd = -1, r;
	uint64_t gen;
	bool exists;
	struct stat st;

	if (!cfg)
		return -EINVAL;
	ctx = cfg->ctx;
	vrdma_error_clear(ctx);
	if (!path)
		path = cfg->path ? cfg->path : vrdma_ctx_get_config_path(ctx);
	if (!path || !path[0])
		return vrdma_error(ctx, -EINVAL, "no configuration path");

	if (geteuid() == 0 && lstat(path, &st) == 0 && S_ISLNK(st.st_mode))
		return vrdma_error(ctx, -EPERM,
		                   "config file %s is a symbolic link; refusing to replace it "
		                   "while running as root", path);
	r = check_dir(ctx, path);
	if (r < 0)
		return r;
	if (asprintf(&lockpath, "%s.lock", path) < 0)
		return -ENOMEM;

	lockfd = open(lockpath, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (lockfd < 0) {
		r = vrdma_error(ctx, -errno, "config file %s: cannot open lock file %s: %s", path,
		                lockpath, strerror(errno));
		goto out;
	}
	while (flock(lockfd, LOCK_EX) < 0) {
		if (errno != EINTR) {
			r = vrdma_error(ctx, -errno, "config file %s: cannot lock %s: %s", path,
			                lockpath, strerror(errno));
			goto out;
		}
	}

	r = current_generation(ctx, path, &exists, &gen);
	if (r < 0)
		goto out;
	if (exists && gen != cfg->generation) {
		r = vrdma_error(ctx, -ESTALE,
		                "config file %s: another writer saved generation %" PRIu64
		                " since this configuration was %s at generation %" PRIu64
		                "; reload it, reapply the change and save again",
		                path, gen, cfg->path ? "loaded" : "created", cfg->generation);
		goto out;
	}

	r = vrdma_config_to_json_text(cfg, cfg->generation + 1, &text);
	if (r < 0)
		goto out;
	r = vrdma_write_file_atomic(ctx, "config file", path, text, strlen(text), 0644,
	                            VRDMA_WRITE_EXACT_MODE | VRDMA_WRITE_SYNC_DIR);
	if (r < 0)
		goto out;
	cfg->generation++;
	if (!cfg->path || strcmp(cfg->path, path) != 0) {
		r = vrdma_strdup_replace(&cfg->path, path);
		if (r < 0)
			goto out;
	}
	dbg(ctx, "config %s saved, generation %" PRIu64, path, cfg->generation);
	r = 0;
out:
	if (lockfd >= 0)
		close(lockfd); /* releases the lock */
	free(text);
	free(lockpath);
	return r;
}
