/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The library context: reference counting, logging, errors and paths. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core-private.h"

#define VRDMA_ERROR_MAX 1024

struct vrdma_ctx {
	int refcount;
	vrdma_log_fn log_fn;
	void *log_data;
	int log_priority;
	void *userdata;
	char *config_path;
	char *state_dir;
	/* The log function is running: calls it makes (a getter reading its
	 * data, ...) neither clear nor record the error of the call in progress. */
	bool in_log_fn;
	char error[VRDMA_ERROR_MAX];
};

/* A syslog priority name ("err", "info", "debug", ...) or number 0-7; -EINVAL / -ERANGE. */
static int parse_log_priority(const char *s)
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

static void log_stderr(struct vrdma_ctx *ctx, int priority, const char *file,
                       int line, const char *fn, const char *format,
                       va_list args) VRDMA_PRINTF(6, 0);
static void log_stderr(struct vrdma_ctx *ctx, int priority, const char *file,
                       int line, const char *fn, const char *format,
                       va_list args)
{
	fprintf(stderr, "libvrdma: %s: ", fn);
	vfprintf(stderr, format, args);
	fputc('\n', stderr);
}

void vrdma_log(struct vrdma_ctx *ctx, int priority, const char *file, int line,
               const char *fn, const char *format, ...)
{
	va_list args;
	bool nested;

	if (!ctx->log_fn)
		return;
	nested = ctx->in_log_fn;
	ctx->in_log_fn = true;
	va_start(args, format);
	ctx->log_fn(ctx, priority, file, line, fn, format, args);
	va_end(args);
	ctx->in_log_fn = nested;
}

VRDMA_EXPORT int vrdma_ctx_new(struct vrdma_ctx **ret)
{
	struct vrdma_ctx *ctx;
	const char *env;
	int r;

	if (!ret)
		return -EINVAL;
	*ret = NULL;

	ctx = calloc(1, sizeof(*ctx));
	if (!ctx)
		return -ENOMEM;
	ctx->refcount = 1;
	ctx->log_fn = log_stderr;
	ctx->log_priority = LOG_ERR;

	env = secure_getenv("VRDMA_LOG");
	if (env && env[0]) {
		r = parse_log_priority(env);
		if (r >= 0)
			ctx->log_priority = r;
	}

	env = secure_getenv("VRDMA_CONFIG");
	r = vrdma_strdup_replace(&ctx->config_path,
	                         env && env[0] ? env : VRDMA_SYSCONFDIR "/vrdma/vrdma.json");
	if (r < 0)
		goto fail;
	env = secure_getenv("VRDMA_STATE_DIR");
	r = vrdma_strdup_replace(&ctx->state_dir,
	                         env && env[0] ? env : VRDMA_LOCALSTATEDIR "/lib/vrdma");
	if (r < 0)
		goto fail;

	info(ctx, "ctx %p created (libvrdma %s)", (void *)ctx, VRDMA_VERSION);
	dbg(ctx, "log priority %d", ctx->log_priority);
	*ret = ctx;
	return 0;
fail:
	free(ctx->config_path);
	free(ctx->state_dir);
	free(ctx);
	return r;
}

VRDMA_EXPORT struct vrdma_ctx *vrdma_ctx_ref(struct vrdma_ctx *ctx)
{
	if (!ctx)
		return NULL;
	ctx->refcount++;
	return ctx;
}

VRDMA_EXPORT struct vrdma_ctx *vrdma_ctx_unref(struct vrdma_ctx *ctx)
{
	if (!ctx)
		return NULL;
	if (--ctx->refcount > 0)
		return NULL;
	info(ctx, "ctx %p released", (void *)ctx);
	free(ctx->config_path);
	free(ctx->state_dir);
	free(ctx);
	return NULL;
}

VRDMA_EXPORT int vrdma_ctx_set_log_fn(struct vrdma_ctx *ctx, vrdma_log_fn fn,
                                      void *data)
{
	if (!ctx)
		return -EINVAL;
	vrdma_error_clear(ctx);
	ctx->log_fn = fn;
	ctx->log_data = data;
	dbg(ctx, "custom log function %p registered", (void *)(uintptr_t)fn);
	return 0;
}

VRDMA_EXPORT int vrdma_ctx_get_log_data(struct vrdma_ctx *ctx, void **ret)
{
	if (!ctx)
		return -EINVAL;
	vrdma_error_clear(ctx);
	if (!ret)
		return vrdma_error(ctx, -EINVAL, "ctx: log data: expected an output pointer");
	if (!ctx->log_data)
		return vrdma_error(ctx, -ENOENT, "ctx: no log data set");
	*ret = ctx->log_data;
	return 0;
}

VRDMA_EXPORT int vrdma_ctx_get_log_priority(struct vrdma_ctx *ctx)
{
	if (!ctx)
		return -EINVAL;
	return ctx->log_priority;
}

VRDMA_EXPORT int vrdma_ctx_set_log_priority(struct vrdma_ctx *ctx, int priority)
{
	if (!ctx)
		return -EINVAL;
	vrdma_error_clear(ctx);
	if (priority < LOG_EMERG || priority > LOG_DEBUG)
		return vrdma_error(ctx, -EINVAL, "ctx: log priority %d: expected %d (LOG_EMERG) "
		                   "to %d (LOG_DEBUG)", priority, LOG_EMERG, LOG_DEBUG);
	ctx->log_priority = priority;
	return 0;
}

VRDMA_EXPORT int vrdma_ctx_set_userdata(struct vrdma_ctx *ctx, void *userdata)
{
	if (!ctx)
		return -EINVAL;
	vrdma_error_clear(ctx);
	ctx->userdata = userdata;
	return 0;
}

VRDMA_EXPORT int vrdma_ctx_get_userdata(struct vrdma_ctx *ctx, void **ret)
{
	if (!ctx)
		return -EINVAL;
	vrdma_error_clear(ctx);
	if (!ret)
		return vrdma_error(ctx, -EINVAL, "ctx: user data: expected an output pointer");
	if (!ctx->userdata)
		return vrdma_error(ctx, -ENOENT, "ctx: no user data set");
	*ret = ctx->userdata;
	return 0;
}

int vrdma_error(struct vrdma_ctx *ctx, int error, const char *format, ...)
{
	va_list args;

	if (!ctx || ctx->in_log_fn)
		return error;
	va_start(args, format);
	vsnprintf(ctx->error, sizeof(ctx->error), format, args);
	va_end(args);
	dbg(ctx, "error %d: %s", error, ctx->error);
	return error;
}

void vrdma_error_clear(struct vrdma_ctx *ctx)
{
	if (ctx && !ctx->in_log_fn)
		ctx->error[0] = '\0';
}

VRDMA_EXPORT const char *vrdma_ctx_get_error(struct vrdma_ctx *ctx)
{
	return ctx ? ctx->error : "";
}

VRDMA_EXPORT int vrdma_ctx_set_config_path(struct vrdma_ctx *ctx, const char *path)
{
	if (!ctx)
		return -EINVAL;
	vrdma_error_clear(ctx);
	if (!path || !path[0])
		return vrdma_error(ctx, -EINVAL, "ctx: config path: expected a non-empty path");
	if (vrdma_strdup_replace(&ctx->config_path, path) < 0)
		return vrdma_error(ctx, -ENOMEM, "ctx: config path '%s': out of memory", path);
	return 0;
}

VRDMA_EXPORT const char *vrdma_ctx_get_config_path(struct vrdma_ctx *ctx)
{
	return ctx ? ctx->config_path : NULL;
}

VRDMA_EXPORT int vrdma_ctx_set_state_dir(struct vrdma_ctx *ctx, const char *path)
{
	if (!ctx)
		return -EINVAL;
	vrdma_error_clear(ctx);
	if (!path || !path[0])
		return vrdma_error(ctx, -EINVAL, "ctx: state directory: expected a non-empty path");
	if (vrdma_strdup_replace(&ctx->state_dir, path) < 0)
		return vrdma_error(ctx, -ENOMEM, "ctx: state directory '%s': out of memory", path);
	return 0;
}

VRDMA_EXPORT const char *vrdma_ctx_get_state_dir(struct vrdma_ctx *ctx)
{
	return ctx ? ctx->state_dir : NULL;
}

VRDMA_EXPORT const char *vrdma_version(void)
{
	return VRDMA_VERSION;
}
