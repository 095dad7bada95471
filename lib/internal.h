/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libvrdma private declarations.  Nothing here is part of the ABI.
 *
 * Layering (calls only go downward):
 *   core (ctx.c, util.c)
 *     -> host discovery (host*.c, rdma netlink, sysfs, snapshots)
 *       -> model (switches, port groups, vmks, configuration file)
 *         -> apply / binding
 *           -> datapath (perf)
 */
#ifndef VRDMA_INTERNAL_H
#define VRDMA_INTERNAL_H

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <syslog.h>

#include "config.h"
#include <vrdma/vrdma.h>

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
/* Replace *dst by a copy of src; 0 or -ENOMEM. */
int vrdma_strdup_replace(char **dst, const char *src);

/* ---- host discovery (host*.c, alias.c, snapshot.c) ----------------------- */

#include <sys/types.h>
/*
 * Write `data` to `path` atomically: a temporary file in the same
 * directory, fsync, rename over `path`, fsync of the directory.  Records an
 * error message on ctx on failure.
 */
int vrdma_write_file_atomic(struct vrdma_ctx *ctx, const char *path, const char *data,
                            size_t len, mode_t mode);

#endif /* VRDMA_INTERNAL_H */
