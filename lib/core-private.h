/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libvrdma core layer (ctx.c, util.c): private declarations.  Nothing here is part of the ABI. */
#ifndef VRDMA_CORE_PRIVATE_H
#define VRDMA_CORE_PRIVATE_H

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <syslog.h>
#include <sys/types.h>

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>

#include "config.h"
#include <vrdma/core.h>

#define VRDMA_EXPORT __attribute__((visibility("default")))

#define _cleanup_(f) __attribute__((cleanup(f)))
#define _unused_ __attribute__((unused))
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ---- core: context, logging, errors (ctx.c) ---------------------------- */

void vrdma_log(struct vrdma_ctx *ctx, int priority, const char *file, int line,
               const char *fn, const char *format, ...) VRDMA_PRINTF(6, 7);

#define vrdma_log_cond(ctx, prio, ...)                                          \
	do {                                                                    \
		if (vrdma_ctx_get_log_priority(ctx) >= (prio))                  \
			vrdma_log(ctx, prio, __FILE__, __LINE__, __func__,      \
			          __VA_ARGS__);                                 \
	} while (0)

#define dbg(ctx, ...) vrdma_log_cond(ctx, LOG_DEBUG, __VA_ARGS__)
#define info(ctx, ...) vrdma_log_cond(ctx, LOG_INFO, __VA_ARGS__)
#define err(ctx, ...) vrdma_log_cond(ctx, LOG_ERR, __VA_ARGS__)

/*
 * Record an error message on the context (retrievable with
 * vrdma_ctx_get_error()), log it at debug level and return `error`
 * (a negative errno).  Use as: return vrdma_error(ctx, -EINVAL, "...", ...);
 */
int vrdma_error(struct vrdma_ctx *ctx, int error, const char *format, ...)
	VRDMA_PRINTF(3, 4);
/* Forget the last error message (called at the start of a public operation). */
void vrdma_error_clear(struct vrdma_ctx *ctx);

/* ---- util.c ---------------------------------------------------------- */

/* Parse a syslog priority name ("err", "info", "debug", ...) or a number. */
int vrdma_parse_log_priority(const char *s);
/* strdup() that treats NULL as NULL and returns -ENOMEM-worthy NULL on OOM. */
char *vrdma_strdup_null(const char *s);
/* asprintf() that returns the string, or NULL on OOM. */
char *vrdma_asprintf(const char *format, ...) VRDMA_PRINTF(1, 2);
/* Replace *dst by a copy of src; 0 or -ENOMEM. */
int vrdma_strdup_replace(char **dst, const char *src);
/* Directory part of path ("." when none), malloc'ed; NULL on OOM. */
char *vrdma_dirname(const char *path);
/* mkdir -p: create path and its missing parents with `mode`; 0 or -errno. */
int vrdma_mkdir_p(const char *path, mode_t mode);

/* vrdma_write_file_atomic() flags */
#define VRDMA_WRITE_EXACT_MODE (1u << 0) /* fchmod to `mode`: the umask does not apply */
#define VRDMA_WRITE_SYNC_DIR (1u << 1)   /* a failed fsync of the directory is an error */
/*
 * Write `data` to `path` atomically: a temporary "<dir>/.<name>.XXXXXX"
 * created with `mode` (less the umask unless VRDMA_WRITE_EXACT_MODE),
 * fsync, rename over `path`, then fsync of the directory (best effort
 * unless VRDMA_WRITE_SYNC_DIR).  No temporary is left behind on failure.
 * Returns 0 or a negative errno and records a message naming `path` (after
 * `label`, as "config file", when not NULL) and the failed step.
 */
int vrdma_write_file_atomic(struct vrdma_ctx *ctx, const char *label, const char *path,
                            const char *data, size_t len, mode_t mode, unsigned int flags);


#endif /* VRDMA_CORE_PRIVATE_H */
