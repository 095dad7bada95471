/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libvrdma core: the library context, logging and error reporting.
 *
 * Include <vrdma/vrdma.h> rather than this file directly.
 */
#ifndef VRDMA_CORE_H
#define VRDMA_CORE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define VRDMA_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define VRDMA_PRINTF(fmt, args)
#endif

/**
 * Threading rule: a struct vrdma_ctx and every object created from it
 * (directly or indirectly) must be used by one thread at a time.  Distinct
 * contexts are fully independent and may be used concurrently from different
 * threads; the library keeps no global mutable state.  Immutable snapshots
 * (struct vrdma_host) may be read concurrently once created, as long as no
 * thread changes their reference count concurrently with another.
 */
struct vrdma_ctx;

/* Log function: priority is a syslog(3) level (LOG_ERR, LOG_INFO, LOG_DEBUG ...). */
typedef void (*vrdma_log_fn)(struct vrdma_ctx *ctx, int priority,
                             const char *file, int line, const char *fn,
                             const char *format, va_list args);

int vrdma_ctx_new(struct vrdma_ctx **ret);
struct vrdma_ctx *vrdma_ctx_ref(struct vrdma_ctx *ctx);
struct vrdma_ctx *vrdma_ctx_unref(struct vrdma_ctx *ctx);

/*
 * The log function (NULL silences the library) and the pointer handed back
 * by vrdma_ctx_get_log_data(): 0 and *ret, or -ENOENT when no data is set
 * (never, or NULL).  Calls made from inside the log function neither clear
 * nor record the context's error message.
 */
int vrdma_ctx_set_log_fn(struct vrdma_ctx *ctx, vrdma_log_fn fn, void *data);
int vrdma_ctx_get_log_data(struct vrdma_ctx *ctx, void **ret);
/* Messages up to this syslog priority (LOG_EMERG..LOG_DEBUG) are logged. */
int vrdma_ctx_get_log_priority(struct vrdma_ctx *ctx);
int vrdma_ctx_set_log_priority(struct vrdma_ctx *ctx, int priority);

/* A caller's pointer: 0 and *ret, or -ENOENT when none is set (never, or NULL). */
int vrdma_ctx_set_userdata(struct vrdma_ctx *ctx, void *userdata);
int vrdma_ctx_get_userdata(struct vrdma_ctx *ctx, void **ret);

/*
 * The message of the last call on this context, naming the object and what
 * was expected: "" after a successful call (every call returning int clears
 * it when it starts).  Valid until the next call on the context.
 */
const char *vrdma_ctx_get_error(struct vrdma_ctx *ctx);

/*
 * Paths used by the context.  The configuration file defaults to
 * $VRDMA_CONFIG or <sysconfdir>/vrdma/vrdma.json; the state directory (stable
 * alias assignments) to $VRDMA_STATE_DIR or <localstatedir>/lib/vrdma.
 */
int vrdma_ctx_set_config_path(struct vrdma_ctx *ctx, const char *path);
const char *vrdma_ctx_get_config_path(struct vrdma_ctx *ctx);
int vrdma_ctx_set_state_dir(struct vrdma_ctx *ctx, const char *path);
const char *vrdma_ctx_get_state_dir(struct vrdma_ctx *ctx);

/* The library's version string, e.g. "1.0.0". */
const char *vrdma_version(void);

#ifdef __cplusplus
}
#endif

#endif /* VRDMA_CORE_H */
