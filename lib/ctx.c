/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The library context: reference counting, logging, errors and paths. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define VRDMA_ERROR_MAX 1024

struct vrdma_ctx {
	int refcount;
	vrdma_log_fn log_fn;
	void *log_data;
	int log_priority;
	void *userdata;
	char *config_path;
	char *state_dir;
	char error[VRDMA_ERROR_MAX];
};

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

	if (!ctx->log_fn)
		return;
	va_start(args, format);
	ctx->log_fn(ctx, priority, file, line, fn, format, args);
	va_end(args);
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
		r = vrdma_parse_log_priority(env);
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
	ctx->log_fn = fn;
	ctx->log_data = data;
	dbg(ctx, "custom log function %p registered", (void *)(uintptr_t)fn);
	return 0;
}

VRDMA_EXPORT void *vrdma_ctx_get_log_data(struct vrdma_ctx *ctx)
{
	return ctx ? ctx->log_data : NULL;
}

VRDMA_EXPORT int vrdma_ctx_get_log_priority(struct vrdma_ctx *ctx)
{
	if (!ctx)
		return -EINVAL;
	return ctx->log_priority;
}

VRDMA_EXPORT int vrdma_ctx_set_log_priority(struct vrdma_ctx *ctx, int priority)
{
	if (!ctx || priority < LOG_EMERG || priority > LOG_DEBUG)
		return -EINVAL;
	ctx->log_priority = priority;
	return 0;
}

VRDMA_EXPORT int vrdma_ctx_set_userdata(struct vrdma_ctx *ctx, void *userdata)
{
	if (!ctx)
		return -EINVAL;
	ctx->userdata = userdata;
	return 0;
}

VRDMA_EXPORT void *vrdma_ctx_get_userdata(struct vrdma_ctx *ctx)
{
	return ctx ? ctx->userdata : NULL;
}

int vrdma_error(struct vrdma_ctx *ctx, int error, const char *format, ...)
{
	va_list args;

	if (!ctx)
		return error;
	va_start(args, format);
	vsnprintf(ctx->error, sizeof(ctx->error), format, args);
	va_end(args);
	dbg(ctx, "error %d: %s", error, ctx->error);
	return error;
}

void vrdma_error_clear(struct vrdma_ctx *ctx)
{
	if (ctx)
		ctx->error[0] = '\0';
}

VRDMA_EXPORT const char *vrdma_ctx_get_error(struct vrdma_ctx *ctx)
{
	return ctx ? ctx->error : "";
}

VRDMA_EXPORT int vrdma_ctx_set_config_path(struct vrdma_ctx *ctx, const char *path)
{
	if (!ctx || !path || !path[0])
		return -EINVAL;
	return vrdma_strdup_replace(&ctx->config_path, path);
}

VRDMA_EXPORT const char *vrdma_ctx_get_config_path(struct vrdma_ctx *ctx)
{
	return ctx ? ctx->config_path : NULL;
}

VRDMA_EXPORT int vrdma_ctx_set_state_dir(struct vrdma_ctx *ctx, const char *path)
{
	if (!ctx || !path || !path[0])
		return -EINVAL;
	return vrdma_strdup_replace(&ctx->state_dir, path);
}

VRDMA_EXPORT const char *vrdma_ctx_get_state_dir(struct vrdma_ctx *ctx)
{
	return ctx ? ctx->state_dir : NULL;
}

VRDMA_EXPORT const char *vrdma_version(void)
{
	return VRDMA_VERSION;
}
