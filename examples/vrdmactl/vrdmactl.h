/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * vrdmactl: an esxcli-shaped command line built only on libvrdma's public
 * API.  Each command group lives in its own cmd-*.c file and contributes a
 * table of commands; main.c dispatches on the longest matching word path.
 */
#ifndef VRDMACTL_H
#define VRDMACTL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

#include <json-c/json.h>
#include <vrdma/vrdma.h>

/* Exit codes (documented in vrdmactl(1)). */
enum {
	VCTL_EXIT_OK = 0,         /* success */
	VCTL_EXIT_FAILURE = 1,    /* the operation failed */
	VCTL_EXIT_USAGE = 2,      /* bad command line */
	VCTL_EXIT_PROBLEMS = 3,   /* validation ran and found problems */
	VCTL_EXIT_TIMEOUT = 4,    /* apply --wait: an uplink did not appear in time */
};

struct vctl {
	struct vrdma_ctx *ctx;
	bool json;              /* -j/--json */
	const char *host_file;  /* --host FILE: use a snapshot, not the live host */
	const char *config_file;/* --config FILE */
	const char *cmd_path;   /* the matched command, e.g. "rdma device list" */
	const struct vctl_cmd *cmd; /* its table entry (NULL before dispatch) */
	char **strs;            /* escaped copies made by vctl_str(), freed at the end */
	size_t n_strs;
};

struct vctl_cmd {
	const char *path;       /* words, e.g. "rdma device list" */
	int (*run)(struct vctl *v, int argc, char **argv); /* argv[0] = path */
	const char *summary;    /* one line */
	const char *usage;      /* options after the path, "" if none */
	const char *help;       /* longer description, may be NULL */
};

/* The whole command line (main() calls it): parse, dispatch, return the exit code. */
int vctl_main(int argc, char **argv);

/* Every command, each table terminated by an entry with path == NULL. */
extern const struct vctl_cmd *const vctl_cmd_tables[];
extern const size_t vctl_n_cmd_tables;

/* Command tables, each terminated by an entry with path == NULL. */
extern const struct vctl_cmd vctl_core_cmds[];
extern const struct vctl_cmd vctl_rdma_cmds[];
extern const struct vctl_cmd vctl_apply_cmds[];
extern const struct vctl_cmd vctl_network_cmds[];
extern const struct vctl_cmd vctl_binding_cmds[];
extern const struct vctl_cmd vctl_nvme_cmds[];
extern const struct vctl_cmd vctl_storage_cmds[];
extern const struct vctl_cmd vctl_monitor_cmds[];
extern const struct vctl_cmd vctl_soft_cmds[];
extern const struct vctl_cmd vctl_roce_cmds[];
/* rdma device show: a port's configured (cfg may be NULL) and live RoCE
 * mode and ToS, as lines, or as member "roce" of o with -j (cmd-roce.c). */
void vctl_roce_port_show(struct vctl *v, struct vrdma_config *cfg, struct vrdma_adapter *a,
                         unsigned int port, struct json_object *o);

/*
 * The words of the matched command, compared exactly: its last word (the
 * verb: "add", "remove", ...) and whether any word is `word` ("dvs").  A
 * handler shared by several commands tells them apart with these only.
 */
bool vctl_cmd_verb_is(const struct vctl *v, const char *verb);
bool vctl_cmd_has_word(const struct vctl *v, const char *word);

/*
 * Output sanitising (util.c).  Every string that comes from the library, the
 * kernel, a file or the command line is shown through one of these, so that
 * terminal escapes are never written raw: C0 controls, DEL and invalid UTF-8
 * bytes become \xHH; C1 controls (U+0080-U+009F), the line/paragraph
 * separators and the bidirectional overrides/isolates become \uHHHH.
 */
/* s itself when it needs no escape, else an escaped copy owned by v (freed by
 * vctl_release()); NULL stays NULL. */
const char *vctl_str(struct vctl *v, const char *s);
/* A malloc()ed escaped copy of s ("" for NULL); NULL only without memory. */
char *vctl_escape(const char *s);
/* Write s escaped; with keep_newlines, '\n' is written as is (multi-line text). */
void vctl_fputs(const char *s, bool keep_newlines, FILE *out);
/* Write serialised JSON with DEL, C1 and the above as \uHHHH escapes and an
 * invalid UTF-8 byte as \ufffd (json-c escapes only C0 controls). */
void vctl_fputs_json(const char *s, FILE *out);
/* Free what vctl_str() made. */
void vctl_release(struct vctl *v);
/* The library's log function for vrdmactl: "libvrdma: FN: message", escaped. */
void vctl_log_line(const char *fn, const char *format, va_list args)
	__attribute__((format(printf, 2, 0)));

/* Errors: print "vrdmactl: <cmd>: message" to stderr, return VCTL_EXIT_FAILURE. */
int vctl_fail(struct vctl *v, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Usage error: message plus the command's usage line, returns VCTL_EXIT_USAGE. */
int vctl_usage(struct vctl *v, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Print a JSON value (pretty, stable key order as inserted) to stdout. */
int vctl_print_json(struct json_object *obj);

/* ---- esxcli-style aligned tables ---------------------------------------- */
struct vctl_table;
struct vctl_table *vctl_table_new(const char *const *headers, int ncols);
/* Add a row: exactly ncols strings (NULL prints as empty). */
int vctl_table_add(struct vctl_table *t, const char *const *cells);
/* Convenience: printf-style cells given as separate strings. */
int vctl_table_addv(struct vctl_table *t, ...);
void vctl_table_print(struct vctl_table *t, FILE *out);
void vctl_table_free(struct vctl_table *t);

/* ---- shared command helpers (util.c) ------------------------------------- */
/* The host: --host FILE's snapshot, else discovery with `flags`; 0 or an exit code. */
int vctl_open_host(struct vctl *v, unsigned int flags, struct vrdma_host **ret);
/* The configuration file (--config, $VRDMA_CONFIG, the default): loaded, or
 * with `create` a new one when the file does not exist; 0 or an exit code. */
int vctl_cfg_open(struct vctl *v, bool create, struct vrdma_config **cfg);
/* A failed library call on cfg: print the library's message (else the
 * errno's), release cfg, return VCTL_EXIT_FAILURE. */
int vctl_cfg_fail(struct vctl *v, struct vrdma_config *cfg, int r);
/* Save cfg (creating the file's directories) and release it; an exit code. */
int vctl_cfg_commit(struct vctl *v, struct vrdma_config *cfg);
/* Accept no arguments beyond the command path: 0 or an exit code. */
int vctl_no_args(struct vctl *v, int argc, char **argv);
/* Accept only -d|--device NAME|--device=NAME (*dev NULL when absent): 0 or an exit code. */
int vctl_device_opt(struct vctl *v, int argc, char **argv, const char **dev);
/* s, or "-" when NULL or empty. */
const char *vctl_or_dash(const char *s);
/* A JSON string, or JSON null for NULL. */
struct json_object *vctl_jstr(const char *s);

/* A listing: a JSON array of objects with -j, else an aligned table. */
struct vctl_list {
	struct json_object *arr; /* with -j: add one object per row */
	struct vctl_table *t;    /* without: add one row per object */
};
void vctl_list_begin(struct vctl *v, struct vctl_list *l, const char *const *headers, int ncols);
/* Print the array or the table and free it. */
void vctl_list_end(struct vctl_list *l);

/* ---- bindings and paths (cmd-binding.c), shared with cmd-nvme.c ---------- */
/* The host (live or --host FILE) and configuration's bindings: 0 or an exit code. */
int vctl_open_bindings(struct vctl *v, struct vrdma_bindings **ret);
/* The paths to target for service (only the first with single), the source's
 * warnings printed on stderr: 0 or an exit code. */
int vctl_choose_paths(struct vctl *v, struct vrdma_bindings *b, const char *target, int service,
                      bool single, struct vrdma_source **ret);
/* addr as the kernel takes it: link-local with the scope of the path's netdev. */
void vctl_scoped_addr(const char *addr, struct vrdma_path *p, char *buf, size_t len);
const char *vctl_path_vmk(struct vrdma_path *p);
/* The adapter as ESXi shows it: its alias (vmrdmaN) when known, NULL for NULL. */
const char *vctl_adapter_label(struct vrdma_adapter *a);

/* ---- storage sessions (cmd-storage.c), shared with binding check ------------ */
/* Take --idle-vmks out of argv (argv[0] is the command): the storage flags. */
unsigned int vctl_storage_take_flags(int *argc, char **argv);
/* vrdma_storage_discover(b, flags, ret): 0 or an exit code. */
int vctl_storage_diags(struct vctl *v, struct vrdma_bindings *b, unsigned int flags,
                       struct vrdma_storage **ret);

#endif
