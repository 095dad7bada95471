/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vrdmactl: command dispatch, global options, help and common output. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "vrdmactl.h"

/* Every command group registers its table here. */
static const struct vctl_cmd *const cmd_tables[] = {
	vctl_core_cmds,
	vctl_rdma_cmds,
	vctl_apply_cmds,
	vctl_network_cmds,
	vctl_binding_cmds,
};

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

	for (t = 0; t < sizeof(cmd_tables) / sizeof(cmd_tables[0]); t++) {
		const struct vctl_cmd *c;
		for (c = cmd_tables[t]; c->path; c++) {
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

	for (t = 0; t < sizeof(cmd_tables) / sizeof(cmd_tables[0]); t++) {
		const struct vctl_cmd *c;
		for (c = cmd_tables[t]; c->path; c++)
			if (prefix_matches(c->path, argc, argv))
				fprintf(out, "  %-44s %s\n", c->path, c->summary);
	}
}

static void print_main_usage(FILE *out)
{
	struct vrdma_ctx *ctx = NULL;
	const char *cfg = "<sysconfdir>/vrdma/vrdma.json";

	/* The library knows the default configuration path of this build. */
	if (vrdma_ctx_new(&ctx) == 0)
		cfg = vrdma_ctx_get_config_path(ctx);
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
	        "Commands:\n", cfg);
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

static const struct vctl_cmd *current_cmd;

int vctl_fail(struct vctl *v, int err, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "vrdmactl: %s: ", v->cmd_path ? v->cmd_path : "error");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (err < 0)
		fprintf(stderr, ": %s", strerror(-err));
	if (err < 0 && v->ctx && vrdma_ctx_get_error(v->ctx)[0])
		fprintf(stderr, " (%s)", vrdma_ctx_get_error(v->ctx));
	fputc('\n', stderr);
	return VCTL_EXIT_FAILURE;
}

int vctl_usage(struct vctl *v, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "vrdmactl: %s: ", v->cmd_path ? v->cmd_path : "usage");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (current_cmd)
		fprintf(stderr, "Usage: vrdmactl %s %s\n", current_cmd->path, current_cmd->usage);
	return VCTL_EXIT_USAGE;
}

int vctl_print_json(struct json_object *obj)
{
	const char *s = json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PRETTY |
	                                                      JSON_C_TO_STRING_SPACED |
	                                                      JSON_C_TO_STRING_NOSLASHESCAPE);
	if (!s)
		return -ENOMEM;
	printf("%s\n", s);
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
	for (t = 0; t < sizeof(cmd_tables) / sizeof(cmd_tables[0]); t++) {
		const struct vctl_cmd *c;
		for (c = cmd_tables[t]; c->path; c++)
			printf("%s\n", c->path);
	}
	return VCTL_EXIT_OK;
}

const struct vctl_cmd vctl_core_cmds[] = {
	{ "version", cmd_version, "print the library version", "", NULL },
	{ "commands", cmd_commands, "list every command path, one per line (for completion)", "", NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

int main(int argc, char **argv)
{
	struct vctl v = { 0 };
	const struct vctl_cmd *c;
	char **args;
	int nargs = 0, i, nwords, help = 0, r;

	args = calloc((size_t)argc + 1, sizeof(char *));
	if (!args)
		return VCTL_EXIT_FAILURE;
	/* Global options may appear anywhere before "--". */
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--") == 0) {
			for (; i < argc; i++)
				args[nargs++] = argv[i];
			break;
		} else if (strcmp(a, "-j") == 0 || strcmp(a, "--json") == 0) {
			v.json = true;
		} else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			help = 1;
		} else if (strcmp(a, "--version") == 0) {
			args[nargs++] = (char *)"version";
		} else if (strcmp(a, "--host") == 0 || strcmp(a, "--config") == 0) {
			if (i + 1 >= argc) {
				fprintf(stderr, "vrdmactl: option %s needs a FILE argument\n", a);
				free(args);
				return VCTL_EXIT_USAGE;
			}
			if (a[2] == 'h')
				v.host_file = argv[++i];
			else
				v.config_file = argv[++i];
		} else if (strncmp(a, "--host=", 7) == 0) {
			v.host_file = a + 7;
		} else if (strncmp(a, "--config=", 9) == 0) {
			v.config_file = a + 9;
		} else {
			args[nargs++] = argv[i];
		}
	}

	if (nargs == 0) {
		print_main_usage(help ? stdout : stderr);
		free(args);
		return help ? VCTL_EXIT_OK : VCTL_EXIT_USAGE;
	}

	c = find_cmd(nargs, args, &nwords);
	if (!c) {
		/* A known prefix ("rdma device") lists its sub-commands. */
		FILE *out = help ? stdout : stderr;
		size_t t;
		int any = 0;
		for (t = 0; t < sizeof(cmd_tables) / sizeof(cmd_tables[0]) && !any; t++) {
			const struct vctl_cmd *k;
			for (k = cmd_tables[t]; k->path; k++)
				if (prefix_matches(k->path, nargs, args))
					any = 1;
		}
		if (!any) {
			fprintf(stderr, "vrdmactl: unknown command '");
			for (i = 0; i < nargs; i++)
				fprintf(stderr, "%s%s", i ? " " : "", args[i]);
			fprintf(stderr, "' (see vrdmactl --help)\n");
			free(args);
			return VCTL_EXIT_USAGE;
		}
		fprintf(out, "Commands:\n");
		list_commands(out, nargs, args);
		free(args);
		return help ? VCTL_EXIT_OK : VCTL_EXIT_USAGE;
	}
	current_cmd = c;
	v.cmd_path = c->path;
	if (help) {
		print_cmd_help(c, stdout);
		free(args);
		return VCTL_EXIT_OK;
	}

	r = vrdma_ctx_new(&v.ctx);
	if (r < 0) {
		fprintf(stderr, "vrdmactl: cannot create library context: %s\n", strerror(-r));
		free(args);
		return VCTL_EXIT_FAILURE;
	}
	if (v.config_file) {
		r = vrdma_ctx_set_config_path(v.ctx, v.config_file);
		if (r < 0) {
			vrdma_ctx_unref(v.ctx);
			free(args);
			return vctl_fail(&v, r, "invalid --config");
		}
	}

	/* The command sees its own path as argv[0], then its arguments. */
	{
		int cargc = nargs - nwords + 1;
		char **cargv = args + nwords - 1;
		char *saved = cargv[0];
		cargv[0] = (char *)c->path;
		r = c->run(&v, cargc, cargv);
		cargv[0] = saved;
	}
	vrdma_ctx_unref(v.ctx);
	free(args);
	return r;
}
