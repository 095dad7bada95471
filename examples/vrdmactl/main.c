/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vrdmactl: command dispatch, global options, help and common output. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "vrdmactl.h"

/* Every command group registers its table here. */
const struct vctl_cmd *const vctl_cmd_tables[] = {
	vctl_core_cmds,
	vctl_rdma_cmds,
	vctl_apply_cmds,
	vctl_network_cmds,
	vctl_binding_cmds,
	vctl_nvme_cmds,
	vctl_storage_cmds,
	vctl_monitor_cmds,
	vctl_soft_cmds,
	vctl_roce_cmds,
};
const size_t vctl_n_cmd_tables = sizeof(vctl_cmd_tables) / sizeof(vctl_cmd_tables[0]);

static int words_match(const char *path, int argc, char **argv, int *nwords)
{
	const char *p = path;
	int i = 0;

	while (*p) {
		size_t len = strcspn(p, " ");
		if (i >= argc || strlen(argv[i]) != len || strncmp(argv[i], p, len) != 0)
			return 0;
		i++;
		p += len;
		while (*p == ' ')
			p++;
	}
	*nwords = i;
	return 1;
}

static const struct vctl_cmd *find_cmd(int argc, char **argv, int *nwords)
{
	const struct vctl_cmd *best = NULL;
	int best_n = 0;
	size_t t;

	for (t = 0; t < vctl_n_cmd_tables; t++) {
		const struct vctl_cmd *c;
		for (c = vctl_cmd_tables[t]; c->path; c++) {
			int n;
			if (words_match(c->path, argc, argv, &n) && n > best_n) {
				best = c;
				best_n = n;
			}
		}
	}
	*nwords = best_n;
	return best;
}

static int prefix_matches(const char *path, int argc, char **argv)
{
	int i;
	const char *p = path;

	for (i = 0; i < argc; i++) {
		size_t len = strcspn(p, " ");
		if (strlen(argv[i]) != len || strncmp(argv[i], p, len) != 0)
			return 0;
		p += len;
		while (*p == ' ')
			p++;
	}
	return 1;
}

static void list_commands(FILE *out, int argc, char **argv)
{
	size_t t;

	for (t = 0; t < vctl_n_cmd_tables; t++) {
		const struct vctl_cmd *c;
		for (c = vctl_cmd_tables[t]; c->path; c++)
			if (prefix_matches(c->path, argc, argv))
				fprintf(out, "  %-44s %s\n", c->path, c->summary);
	}
}

static void print_main_usage(FILE *out)
{
	struct vrdma_ctx *ctx = NULL;
	const char *cfg = "<sysconfdir>/vrdma/vrdma.json";
	char *esc;

	/* The library knows the default configuration path of this build. */
	if (vrdma_ctx_new(&ctx) == 0)
		cfg = vrdma_ctx_get_config_path(ctx);
	esc = vctl_escape(cfg); /* VRDMA_CONFIG is the user's */
	fprintf(out,
	        "Usage: vrdmactl [-j|--json] [--host FILE] [--config FILE] COMMAND... [OPTIONS]\n"
	        "\n"
	        "ESXi-style RDMA adapter, virtual switch and VMkernel binding management.\n"
	        "\n"
	        "Global options (accepted anywhere before --):\n"
	        "  -j, --json       print JSON instead of tables\n"
	        "  --host FILE      read a host snapshot instead of the live host\n"
	        "  --config FILE    configuration file (default: %s)\n"
	        "  -h, --help       show help for a command\n"
	        "  --version        print the version\n"
	        "\n"
	        "Commands:\n", esc ? esc : "?");
	free(esc);
	list_commands(out, 0, NULL);
	vrdma_ctx_unref(ctx);
	fprintf(out, "\nExit status: 0 ok, 1 failure, 2 usage error, 3 validation found problems.\n");
}

static void print_cmd_help(const struct vctl_cmd *c, FILE *out)
{
	fprintf(out, "Usage: vrdmactl %s%s%s\n\n%s\n", c->path, c->usage[0] ? " " : "",
	        c->usage, c->summary);
	if (c->help)
		fprintf(out, "\n%s\n", c->help);
	fprintf(out, "\nAlso accepts the global options -j/--json, --host FILE, --config FILE.\n");
}

/* "vrdmactl: <cmd>: <message>[: strerror][ (library message)]", escaped:
 * the message quotes names and arguments that may hold terminal escapes. */
static void print_error(struct vctl *v, const char *what, int err, const char *fmt, va_list ap)
	VRDMA_PRINTF(4, 0);
static void print_error(struct vctl *v, const char *what, int err, const char *fmt, va_list ap)
{
	char *msg = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&msg, &len);

	if (!f) {
		fprintf(stderr, "vrdmactl: out of memory\n");
		return;
	}
	fprintf(f, "vrdmactl: %s: ", v->cmd_path ? v->cmd_path : what);
	vfprintf(f, fmt, ap);
	if (err < 0)
		fprintf(f, ": %s", strerror(-err));
	if (err < 0 && v->ctx && vrdma_ctx_get_error(v->ctx)[0])
		fprintf(f, " (%s)", vrdma_ctx_get_error(v->ctx));
	if (fclose(f) == 0) {
		vctl_fputs(msg, false, stderr);
		fputc('\n', stderr);
	}
	free(msg);
}

int vctl_fail(struct vctl *v, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	print_error(v, "error", err, fmt, ap);
	va_end(ap);
	return VCTL_EXIT_FAILURE;
}

int vctl_usage(struct vctl *v, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	print_error(v, "usage", 0, fmt, ap);
	va_end(ap);
	if (v->cmd)
		fprintf(stderr, "Usage: vrdmactl %s %s\n", v->cmd->path, v->cmd->usage);
	return VCTL_EXIT_USAGE;
}

int vctl_print_json(struct json_object *obj)
{
	const char *s = json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PRETTY |
	                                                      JSON_C_TO_STRING_SPACED |
	                                                      JSON_C_TO_STRING_NOSLASHESCAPE);
	if (!s)
		return -ENOMEM;
	vctl_fputs_json(s, stdout);
	fputc('\n', stdout);
	return 0;
}

/* ---- core commands ---------------------------------------------------- */

static int cmd_version(struct vctl *v, int argc, char **argv)
{
	if (argc > 1)
		return vctl_usage(v, "unexpected argument '%s'", argv[1]);
	if (v->json) {
		struct json_object *o = json_object_new_object();
		json_object_object_add(o, "version", json_object_new_string(vrdma_version()));
		vctl_print_json(o);
		json_object_put(o);
	} else {
		printf("vrdmactl (libvrdma) %s\n", vrdma_version());
	}
	return VCTL_EXIT_OK;
}

static int cmd_commands(struct vctl *v, int argc, char **argv)
{
	size_t t;

	(void)v;
	(void)argc;
	(void)argv;
	for (t = 0; t < vctl_n_cmd_tables; t++) {
		const struct vctl_cmd *c;
		for (c = vctl_cmd_tables[t]; c->path; c++)
			printf("%s\n", c->path);
	}
	return VCTL_EXIT_OK;
}

const struct vctl_cmd vctl_core_cmds[] = {
	{ "version", cmd_version, "print the library version", "", NULL },
	{ "commands", cmd_commands, "list every command path, one per line (for completion)", "", NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

/* Global options may appear anywhere before "--"; the other words go to args. */
static int parse_globals(struct vctl *v, int argc, char **argv, char **args, int *nargs,
                         int *help)
{
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--") == 0) {
			for (; i < argc; i++)
				args[(*nargs)++] = argv[i];
			break;
		} else if (strcmp(a, "-j") == 0 || strcmp(a, "--json") == 0) {
			v->json = true;
		} else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			*help = 1;
		} else if (strcmp(a, "--version") == 0) {
			args[(*nargs)++] = (char *)"version";
		} else if (strcmp(a, "--host") == 0 || strcmp(a, "--config") == 0) {
			if (i + 1 >= argc) {
				fprintf(stderr, "vrdmactl: option %s needs a FILE argument\n", a);
				return VCTL_EXIT_USAGE;
			}
			if (a[2] == 'h')
				v->host_file = argv[++i];
			else
				v->config_file = argv[++i];
		} else if (strncmp(a, "--host=", 7) == 0) {
			v->host_file = a + 7;
		} else if (strncmp(a, "--config=", 9) == 0) {
			v->config_file = a + 9;
		} else {
			args[(*nargs)++] = argv[i];
		}
	}
	return 0;
}

/* No command matched: list a known prefix's sub-commands ("rdma device"). */
static int no_command(int nargs, char **args, int help)
{
	FILE *out = help ? stdout : stderr;
	size_t t;
	int any = 0, i;

	for (t = 0; t < vctl_n_cmd_tables && !any; t++) {
		const struct vctl_cmd *k;
		for (k = vctl_cmd_tables[t]; k->path; k++)
			if (prefix_matches(k->path, nargs, args))
				any = 1;
	}
	if (!any) {
		fprintf(stderr, "vrdmactl: unknown command '");
		for (i = 0; i < nargs; i++) {
			fputs(i ? " " : "", stderr);
			vctl_fputs(args[i], false, stderr);
		}
		fprintf(stderr, "' (see vrdmactl --help)\n");
		return VCTL_EXIT_USAGE;
	}
	fprintf(out, "Commands:\n");
	list_commands(out, nargs, args);
	return help ? VCTL_EXIT_OK : VCTL_EXIT_USAGE;
}

static void log_escaped(struct vrdma_ctx *ctx, int priority, const char *file, int line,
                        const char *fn, const char *format, va_list args)
	VRDMA_PRINTF(6, 0);
static void log_escaped(struct vrdma_ctx *ctx, int priority, const char *file, int line,
                        const char *fn, const char *format, va_list args)
{
	(void)ctx;
	(void)priority;
	(void)file;
	(void)line;
	vctl_log_line(fn, format, args);
}

/* Run command c with its arguments (cargv[0] is replaced by its path). */
static int run_cmd(struct vctl *v, const struct vctl_cmd *c, int cargc, char **cargv)
{
	char *saved = cargv[0];
	int r;

	r = vrdma_ctx_new(&v->ctx);
	if (r < 0) {
		fprintf(stderr, "vrdmactl: cannot create library context: %s\n", strerror(-r));
		return VCTL_EXIT_FAILURE;
	}
	/* the library's messages name objects, which may hold terminal escapes */
	if (vrdma_ctx_set_log_fn(v->ctx, log_escaped, NULL) < 0) {
		r = vctl_fail(v, -EINVAL, "cannot set the log function");
	} else if (v->config_file && (r = vrdma_ctx_set_config_path(v->ctx, v->config_file)) < 0) {
		r = vctl_fail(v, r, "invalid --config");
	} else {
		cargv[0] = (char *)c->path;
		r = c->run(v, cargc, cargv);
		cargv[0] = saved;
	}
	v->ctx = vrdma_ctx_unref(v->ctx);
	return r;
}

int vctl_main(int argc, char **argv)
{
	struct vctl v = { 0 };
	const struct vctl_cmd *c;
	char **args;
	int nargs = 0, nwords, help = 0, r;

	args = calloc((size_t)argc + 1, sizeof(char *));
	if (!args)
		return VCTL_EXIT_FAILURE;
	r = parse_globals(&v, argc, argv, args, &nargs, &help);
	if (r) {
		free(args);
		return r;
	}
	if (nargs == 0) {
		print_main_usage(help ? stdout : stderr);
		r = help ? VCTL_EXIT_OK : VCTL_EXIT_USAGE;
	} else if (!(c = find_cmd(nargs, args, &nwords))) {
		r = no_command(nargs, args, help);
	} else {
		v.cmd = c;
		v.cmd_path = c->path;
		if (help) {
			print_cmd_help(c, stdout);
			r = VCTL_EXIT_OK;
		} else {
			/* the command sees its own path as argv[0], then its arguments */
			r = run_cmd(&v, c, nargs - nwords + 1, args + nwords - 1);
		}
	}
	vctl_release(&v);
	free(args);
	return r;
}
