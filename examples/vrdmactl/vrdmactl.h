/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * vrdmactl: an esxcli-shaped command line built only on libvrdma's public
 * API.  Each command group lives in its own cmd-*.c file and contributes a
 * table of commands; main.c dispatches on the longest matching word path.
 */
#ifndef VRDMACTL_H
#define VRDMACTL_H

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
};

struct vctl {
	struct vrdma_ctx *ctx;
	bool json;              /* -j/--json */
	const char *host_file;  /* --host FILE: use a snapshot, not the live host */
	const char *config_file;/* --config FILE */
	const char *cmd_path;   /* the matched command, e.g. "rdma device list" */
};

struct vctl_cmd {
	const char *path;       /* words, e.g. "rdma device list" */
	int (*run)(struct vctl *v, int argc, char **argv); /* argv[0] = path */
	const char *summary;    /* one line */
	const char *usage;      /* options after the path, "" if none */
	const char *help;       /* longer description, may be NULL */
};

/* Command tables, each terminated by an entry with path == NULL. */
extern const struct vctl_cmd vctl_core_cmds[];
extern const struct vctl_cmd vctl_rdma_cmds[];
extern const struct vctl_cmd vctl_apply_cmds[];
extern const struct vctl_cmd vctl_network_cmds[];
extern const struct vctl_cmd vctl_binding_cmds[];

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

#endif
