/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vrdmactl: helpers shared by the command groups (host, options, output). */
#include <string.h>

#include "vrdmactl.h"

int vctl_open_host(struct vctl *v, unsigned int flags, struct vrdma_host **ret)
{
	int r;

	if (v->host_file) {
		r = vrdma_host_load(v->ctx, v->host_file, ret);
		if (r < 0)
			return vctl_fail(v, r, "cannot load host snapshot %s", v->host_file);
	} else {
		r = vrdma_host_discover(v->ctx, flags, ret);
		if (r < 0)
			return vctl_fail(v, r, "host discovery failed");
	}
	return 0;
}

int vctl_no_args(struct vctl *v, int argc, char **argv)
{
	if (argc > 1)
		return vctl_usage(v, "unexpected argument '%s'", argv[1]);
	return 0;
}

int vctl_device_opt(struct vctl *v, int argc, char **argv, const char **dev)
{
	int i;

	*dev = NULL;
	for (i = 1; i < argc; i++) {
		if ((strcmp(argv[i], "-d") == 0 || strcmp(argv[i], "--device") == 0) && i + 1 < argc)
			*dev = argv[++i];
		else if (strncmp(argv[i], "--device=", 9) == 0)
			*dev = argv[i] + 9;
		else
			return vctl_usage(v, "unexpected argument '%s'", argv[i]);
	}
	return 0;
}

const char *vctl_or_dash(const char *s)
{
	return s && s[0] ? s : "-";
}

struct json_object *vctl_jstr(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

void vctl_list_begin(struct vctl *v, struct vctl_list *l, const char *const *headers, int ncols)
{
	l->arr = v->json ? json_object_new_array() : NULL;
	l->t = v->json ? NULL : vctl_table_new(headers, ncols);
}

void vctl_list_end(struct vctl_list *l)
{
	if (l->arr) {
		vctl_print_json(l->arr);
		json_object_put(l->arr);
	} else {
		vctl_table_print(l->t, stdout);
		vctl_table_free(l->t);
	}
}
