/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libvrdma core layer: private declarations.  Nothing here is part of the ABI.
 *
 * util.c       pure helpers: strings, paths, addresses, MACs (no context)
 * ctx.c        the context: logging and error messages (uses util.c)
 * util-file.c  files reporting through the context: atomic writes, lock files
 * json.c       JSON documents: bounded reading, strict syntax, typed access, writing
 */
#ifndef VRDMA_CORE_PRIVATE_H
#define VRDMA_CORE_PRIVATE_H

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <syslog.h>
#include <sys/file.h>
#include <sys/types.h>

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>

#include "config.h"
#include <vrdma/core.h>

#define VRDMA_EXPORT __attribute__((visibility("default")))

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
/*
 * The success exit of a public call that made other public calls on its way
 * (lookups and getters that may answer -ENOENT, and record why): forget what
 * they recorded, so a call that succeeds never leaves a stale message
 * (HACKING.md rule 6).  Returns `r`.
 */
/*
 * The argument checks of an index getter (HACKING.md rules 3 and 6): 0 when
 * `ret` is not NULL and i < n, else -EINVAL ("<owner>: no place to return
 * <what> <i>") or -ENOENT ("<owner>: no <what> <i> (it has <n>)"), where
 * owner_fmt formats the owning object ("switch 'vSwitch1'").
 */
int vrdma_index_check(struct vrdma_ctx *ctx, const void *ret, unsigned int i, unsigned int n,
                      const char *what, const char *owner_fmt, ...) VRDMA_PRINTF(6, 7);
static inline int vrdma_success(struct vrdma_ctx *ctx, int r)
{
	vrdma_error_clear(ctx);
	return r;
}

/* ---- util.c: strings and paths --------------------------------------- */

/* asprintf() that returns the string, or NULL on OOM. */
char *vrdma_asprintf(const char *format, ...) VRDMA_PRINTF(1, 2);
/* Replace *dst by a copy of src; 0 or -ENOMEM. */
int vrdma_strdup_replace(char **dst, const char *src);
/* Directory part of path ("." when none), malloc'ed; NULL on OOM. */
char *vrdma_dirname(const char *path);
/* mkdir -p: create path and its missing parents with `mode`; 0 or -errno. */
int vrdma_mkdir_p(const char *path, mode_t mode);

/* ---- util.c: IP addresses and MAC addresses ----------------------------- */

/* An IPv4 or IPv6 address, with a prefix length when it denotes a network. */
struct vrdma_inaddr {
	int family;          /* AF_INET or AF_INET6 */
	unsigned int prefix; /* 0..32 or 0..128 */
	union {
		struct in_addr v4;
		struct in6_addr v6;
		uint8_t raw[16]; /* the first 4 bytes for AF_INET */
	};
};

/*
 * Parse an IPv4 or IPv6 address (no "/prefix": prefixes are separate
 * numbers everywhere in libvrdma); `prefix` is set to the full length (32
 * or 128).  0 and *ret written, or -EINVAL (NULL or not an address).
 */
int vrdma_inaddr_parse(const char *text, struct vrdma_inaddr *ret);
/* The canonical text of the address (inet_ntop) in buf; returns buf ("" for no family). */
const char *vrdma_inaddr_format(const struct vrdma_inaddr *a, char buf[INET6_ADDRSTRLEN]);
/* Clear the host bits beyond `prefix` (clamped to the family's length) and set a->prefix. */
void vrdma_inaddr_mask(struct vrdma_inaddr *a, unsigned int prefix);
/*
 * true when `a` lies in net/prefix: same family and the first `prefix` bits
 * equal; false for a prefix longer than the family's length.
 */
bool vrdma_inaddr_in_subnet(const struct vrdma_inaddr *a, const struct vrdma_inaddr *net,
                            unsigned int prefix);

/*
 * Parse "aa:bb:cc:dd:ee:ff" (hex digits of either case; '-' also accepted as
 * a separator): 0 and mac[] written, or -EINVAL.
 */
int vrdma_mac_parse(const char *s, uint8_t mac[6]);
/* Format as lower-case "aa:bb:cc:dd:ee:ff" into buf. */
void vrdma_mac_format(const uint8_t mac[6], char buf[18]);

/* ---- util-file.c: files, with errors recorded on the context ----------- */

/* The first line of a small file (a sysfs or configfs attribute) into buf,
 * without its newline: the number of bytes read (>= 0) or -errno. */
int vrdma_read_line(const char *path, char *buf, size_t len);

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

/*
 * Take a flock(2) on the lock file `path` (created 0644 when missing; opened
 * read-only when it cannot be written, flock works on that too; never
 * through a symbolic link, and only a regular file).  `operation` is
 * LOCK_SH or LOCK_EX.  Waits up to `timeout_ms` (0: one try; negative: no
 * limit), then fails with -EBUSY and a message naming the lock file and,
 * where /proc/locks tells, the process holding it.  On success *ret_fd is
 * the locked descriptor: release it with vrdma_lock_release().  Other
 * failures: -EINVAL (bad argument, not a regular file), -errno of open/flock.
 */
int vrdma_lock_acquire(struct vrdma_ctx *ctx, const char *path, int operation, int timeout_ms,
                       int *ret_fd);
/* Drop a lock taken by vrdma_lock_acquire() (closes fd; a negative fd is ignored). */
void vrdma_lock_release(int fd);
/*
 * How long a writer waits for a lock file held by someone else:
 * VRDMA_LOCK_TIMEOUT_MS (10 s), or with -Dtest_hooks the milliseconds in
 * $VRDMA_TEST_LOCK_TIMEOUT_MS when set.
 */
#define VRDMA_LOCK_TIMEOUT_MS 10000
int vrdma_lock_timeout_ms(void);


/* ---- json.c: the JSON documents (configuration, host snapshot) ---------- */

/*
 * The one way the library reads and writes its JSON documents.  Callers
 * include <json-c/json.h>; `type` arguments are enum json_type values.
 */
struct json_object;
struct stat;

#define VRDMA_JSON_MAX_DEPTH 32 /* nesting of objects and arrays */

/* ---- files ----------------------------------------------------------------- */

/*
 * Refuse anything but a regular file of at most `max` bytes, given its
 * fstat(2): -EISDIR "is a directory, expected a regular file", -EINVAL "is
 * not a regular file", -EFBIG naming the limit.  Messages start with
 * "<label> <path>" (just "<path>" when label is NULL).
 */
int vrdma_json_check_file(struct vrdma_ctx *ctx, const char *label, const char *path,
                          const struct stat *st, size_t max);
/*
 * Open `path` for reading without blocking on a FIFO or a device
 * (O_NONBLOCK, O_CLOEXEC, O_NOCTTY plus `flags`) and check it with
 * vrdma_json_check_file().  0 and *ret_fd, or a negative errno with a message.
 */
int vrdma_json_open_file(struct vrdma_ctx *ctx, const char *label, const char *path, int flags,
                         size_t max, int *ret_fd);
/* Read all of `fd`, at most `max` bytes (-EFBIG beyond): a NUL-terminated copy to free(). */
int vrdma_json_read_fd(struct vrdma_ctx *ctx, const char *label, const char *path, int fd,
                       size_t max, char **ret, size_t *ret_len);

/* ---- reading ------------------------------------------------------------------ */

/*
 * The problems found while reading one document, each "PATH: what", the
 * path in the form "$.adapters[0].ports[1].gids[3].index".  With `collect`
 * every problem is kept (up to a bound), else only the first.
 */
struct vrdma_json_reader {
	struct vrdma_ctx *ctx;
	const char *source;    /* the file name, or "<buffer>" */
	bool collect;
	unsigned int n_problems;
	int first_error;
	char *text;
	size_t len;
};

void vrdma_json_reader_init(struct vrdma_json_reader *rd, struct vrdma_ctx *ctx,
                            const char *source, bool collect);
/*
 * Record "PATH[.key]: what" and return `error` (negative).  A long key, path
 * or text is shortened with "..." (never dropped), so every message names
 * the member it is about.
 */
int vrdma_json_problem(struct vrdma_json_reader *rd, int error, const char *path,
                       const char *key, const char *format, ...) VRDMA_PRINTF(5, 6);
/*
 * Free the reader.  No problem: 0.  Else the context's error becomes
 * "SOURCE: PATH: what" (one problem) or "SOURCE: N problems: PATH: what;
 * ..." and the result is -ENOMEM or -EFBIG when the first problem was
 * that, -EINVAL otherwise.
 */
int vrdma_json_reader_finish(struct vrdma_json_reader *rd);

/*
 * Strict JSON: no duplicate member, comment, single quote, trailing comma,
 * control byte in a string, invalid UTF-8, \u0000, unpaired surrogate,
 * trailing data, nesting deeper than VRDMA_JSON_MAX_DEPTH, or more than
 * `max` bytes.  0 and *ret (json_object_put() it), or a negative errno
 * after a problem.
 */
int vrdma_json_parse(struct vrdma_json_reader *rd, const char *text, size_t len, size_t max,
                     struct json_object **ret);

/* "null", "a boolean", "a fractional number", "an integer", "an object", "an array", "a string" */
const char *vrdma_json_type_name(struct json_object *v);

#define VRDMA_JSON_REQUIRED (1u << 0) /* absent is a problem */
#define VRDMA_JSON_NULLABLE (1u << 1) /* null is accepted (as absent) */

/* Every member of object `o` at `path` must be listed in `allowed` (NULL-terminated). */
int vrdma_json_check_members(struct vrdma_json_reader *rd, struct json_object *o,
                             const char *path, const char *const *allowed);
/* `v` at `path` must be of `type`. */
int vrdma_json_expect(struct vrdma_json_reader *rd, struct json_object *v, const char *path,
                      int type);
/*
 * Member `key` of object `o` (at `path`) of `type`: 0 and *ret, NULL when
 * it is absent (and not required) or null (and nullable); a negative
 * errno after a problem.
 */
int vrdma_json_member(struct vrdma_json_reader *rd, struct json_object *o, const char *path,
                      const char *key, int type, unsigned int flags,
                      struct json_object **ret);
/* An integer member in min..max: 0 and *ret; -ENOENT (no problem) when absent or null. */
int vrdma_json_get_int(struct vrdma_json_reader *rd, struct json_object *o, const char *path,
                       const char *key, unsigned int flags, int64_t min, int64_t max,
                       int64_t *ret);

/* ---- writing -------------------------------------------------------------------- */

/* A new string, or null for NULL. */
struct json_object *vrdma_json_string_or_null(const char *s);
/*
 * The canonical text of a document: two-space indentation, members in
 * insertion order, a final newline.  Drops the reference to `root`.
 * 0 and *ret (free() it) or -ENOMEM.
 */
int vrdma_json_format(struct json_object *root, char **ret);

#endif /* VRDMA_CORE_PRIVATE_H */
