/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The configuration file on disk: safe opening (root refuses symlinks and
 * files or directories others can write), durable atomic replacement and
 * writer serialisation (flock on "<path>.lock", waited for at most
 * VRDMA_LOCK_TIMEOUT_MS, plus a generation compare).
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

#include "model-private.h"

#define CONFIG_MAX_SIZE (1u << 20) /* bytes: 1 MiB */

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

/* A regular file of at most CONFIG_MAX_SIZE bytes; as root, refuse one
 * others could have written. */
static int check_file_stat(struct vrdma_ctx *ctx, const char *path, const struct stat *st)
{
	int r = vrdma_json_check_file(ctx, "config file", path, st, CONFIG_MAX_SIZE);

	if (r < 0 || geteuid() != 0)
		return r;
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

/* Open for reading (never blocking on a FIFO: O_NONBLOCK, then fstat);
 * -ENOENT if missing.  *fd_out >= 0 on success. */
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
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY |
	                (geteuid() == 0 ? O_NOFOLLOW : 0));
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
	*fd_out = fd;
	return 0;
}

/* The whole file, at most CONFIG_MAX_SIZE bytes. */
static int read_config(struct vrdma_ctx *ctx, const char *path, char **text, size_t *len)
{
	int fd, r;

	r = open_config(ctx, path, &fd);
	if (r < 0)
		return r;
	r = vrdma_json_read_fd(ctx, "config file", path, fd, CONFIG_MAX_SIZE, text, len);
	close(fd);
	return r;
}

VRDMA_EXPORT int vrdma_config_load(struct vrdma_ctx *ctx, const char *path,
                                   struct vrdma_config **ret)
{
	char *text = NULL;
	size_t len = 0;
	int r;

	if (!ctx)
		return -EINVAL;
	vrdma_error_clear(ctx);
	if (!ret)
		return vrdma_error(ctx, -EINVAL, "configuration %s: no place to return it (ret is NULL)",
		                   path ? path : vrdma_ctx_get_config_path(ctx));
	*ret = NULL;
	if (!path)
		path = vrdma_ctx_get_config_path(ctx);
	if (!path || !path[0])
		return vrdma_error(ctx, -EINVAL, "no configuration path");
	r = read_config(ctx, path, &text, &len);
	if (r < 0)
		return r;
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
	int r;

	*exists = false;
	*gen = 0;
	r = read_config(ctx, path, &text, &len);
	if (r == -ENOENT) {
		vrdma_error_clear(ctx);
		return 0;
	}
	if (r < 0)
		return r;
	*exists = true;
	r = vrdma_config_text_generation(ctx, path, text, len, gen);
	free(text);
	if (r == -ENOMEM)
		return r;
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

	/* bounded: a lock file held by someone else must not block us forever */
	r = vrdma_lock_acquire(ctx, lockpath, LOCK_EX, vrdma_lock_timeout_ms(), &lockfd);
	if (r < 0) {
		char why[512];

		snprintf(why, sizeof(why), "%s", vrdma_ctx_get_error(ctx));
		r = vrdma_error(ctx, r, "config file %s: not saved: %s", path, why);
		goto out;
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

	if (cfg->generation >= (uint64_t)VRDMA_CONFIG_GENERATION_MAX) {
		r = vrdma_error(ctx, -EOVERFLOW,
		                "config file %s: generation %" PRIu64 " is the largest a file "
		                "can hold (0..%" PRIu64 "); nothing written", path,
		                cfg->generation, (uint64_t)VRDMA_CONFIG_GENERATION_MAX);
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
	vrdma_lock_release(lockfd);
	free(text);
	free(lockpath);
	return r;
}
