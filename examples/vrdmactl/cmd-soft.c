/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * vrdmactl soft RDMA adapters in the configuration: rdma device soft add |
 * remove | list (esxcli-shaped; `vrdmactl apply` creates and deletes them).
 * Public API only.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "vrdmactl.h"

/* -u|--uplink NAME and -t|--type rxe|siw (when allowed): 0 or an exit code. */
static int soft_opts(struct vctl *v, int argc, char **argv, bool with_type,
                     const char **uplink, int *type)
{
	int i;

	*uplink = NULL;
	*type = VRDMA_SOFT_ADAPTER_RXE;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *val = NULL;
		bool is_u = strcmp(a, "-u") == 0 || strcmp(a, "--uplink") == 0;
		bool is_t = strcmp(a, "-t") == 0 || strcmp(a, "--type") == 0;
		if (strncmp(a, "--uplink=", 9) == 0)
			is_u = true, val = a + 9;
		else if (strncmp(a, "--type=", 7) == 0)
			is_t = true, val = a + 7;
		if (!is_u && !(is_t && with_type))
			return vctl_usage(v, "unexpected argument '%s'", vctl_str(v, a));
		if (!val) {
			if (i + 1 >= argc)
				return vctl_usage(v, "option %s needs a value", a);
			val = argv[++i];
		}
		if (is_u) {
			*uplink = val;
			continue;
		}
		*type = vrdma_soft_adapter_type_from_string(val);
		if (*type < 0)
			return vctl_usage(v, "-t needs a soft adapter type (rxe or siw), not '%s'",
			                  vctl_str(v, val));
	}
	if (!*uplink)
		return vctl_usage(v, "missing required option -u|--uplink");
	return 0;
}

static int cmd_soft_add(struct vctl *v, int argc, char **argv)
{
	struct vrdma_config *cfg;
	const char *uplink;
	int type, r;

	if ((r = soft_opts(v, argc, argv, true, &uplink, &type)))
		return r;
	if ((r = vctl_cfg_open(v, true, &cfg)))
		return r;
	r = vrdma_config_add_soft_adapter(cfg, uplink, (enum vrdma_soft_adapter_type)type, NULL);
	if (r < 0)
		return vctl_cfg_fail(v, cfg, r);
	return vctl_cfg_commit(v, cfg);
}

static int cmd_soft_remove(struct vctl *v, int argc, char **argv)
{
	struct vrdma_soft_adapter *sa;
	struct vrdma_config *cfg;
	const char *uplink;
	int type, r;

	if ((r = soft_opts(v, argc, argv, false, &uplink, &type)))
		return r;
	if ((r = vctl_cfg_open(v, false, &cfg)))
		return r;
	r = vrdma_config_find_soft_adapter(cfg, uplink, &sa);
	if (r == 0)
		r = vrdma_soft_adapter_remove(sa);
	if (r < 0)
		return vctl_cfg_fail(v, cfg, r);
	return vctl_cfg_commit(v, cfg);
}

/* The live RDMA adapter on the uplink's netdev, or NULL. */
static struct vrdma_adapter *soft_live(struct vrdma_host *h, const char *uplink,
                                       const char **netdev)
{
	struct vrdma_uplink *u;
	struct vrdma_netdev *nd;
	int i, n;

	*netdev = NULL;
	if (!h)
		return NULL;
	if (vrdma_host_find_uplink(h, uplink, &u) == 0)
		nd = vrdma_uplink_get_netdev(u);
	else if (vrdma_host_find_netdev(h, uplink, &nd) < 0)
		return NULL;
	*netdev = vrdma_netdev_get_name(nd);
	n = vrdma_host_get_n_adapters(h);
	for (i = 0; i < n; i++) {
		struct vrdma_adapter *a;
		unsigned int p;
		if (vrdma_host_get_adapter(h, (unsigned int)i, &a) < 0)
			continue;
		for (p = 0; p < (unsigned int)vrdma_adapter_get_n_ports(a); p++) {
			struct vrdma_port *port;
			const char *name;
			if (vrdma_adapter_get_port(a, p, &port) == 0 &&
			    vrdma_port_get_netdev_name(port, &name) == 0 &&
			    strcmp(name, *netdev) == 0)
				return a;
		}
	}
	return NULL;
}

static int cmd_soft_list(struct vctl *v, int argc, char **argv)
{
	static const char *const hdr[] = { "Uplink", "Type", "Netdev", "Adapter", "Alias" };
	struct vrdma_config *cfg;
	struct vrdma_host *h = NULL;
	struct vctl_list l;
	int i, n, r;

	if ((r = vctl_no_args(v, argc, argv)))
		return r;
	r = vrdma_config_load(v->ctx, NULL, &cfg);
	if (r == -ENOENT)
		r = vrdma_config_new(v->ctx, &cfg);
	if (r < 0)
		return vctl_fail(v, r, "cannot load configuration %s",
		                 vrdma_ctx_get_config_path(v->ctx));
	n = vrdma_config_get_n_soft_adapters(cfg);
	if (n > 0 && (r = vctl_open_host(v, 0, &h))) {
		vrdma_config_unref(cfg);
		return r;
	}
	vctl_list_begin(v, &l, hdr, 5);
	for (i = 0; i < n; i++) {
		struct vrdma_soft_adapter *sa;
		struct vrdma_adapter *a;
		const char *up, *type, *nd;
		if (vrdma_config_get_soft_adapter(cfg, (unsigned int)i, &sa) < 0)
			continue;
		up = vrdma_soft_adapter_get_uplink(sa);
		type = vrdma_soft_adapter_type_to_string(vrdma_soft_adapter_get_type(sa));
		a = soft_live(h, up, &nd);
		if (l.arr) {
			struct json_object *o = json_object_new_object();
			json_object_object_add(o, "uplink", vctl_jstr(up));
			json_object_object_add(o, "type", vctl_jstr(type));
			json_object_object_add(o, "netdev", vctl_jstr(nd));
			json_object_object_add(o, "adapter", vctl_jstr(a ? vrdma_adapter_get_name(a) : NULL));
			json_object_object_add(o, "alias", vctl_jstr(a ? vrdma_adapter_get_alias(a) : NULL));
			json_object_array_add(l.arr, o);
			continue;
		}
		vctl_table_addv(l.t, vctl_str(v, up), type, vctl_str(v, vctl_or_dash(nd)),
		                vctl_str(v, a ? vrdma_adapter_get_name(a) : "-"),
		                vctl_str(v, a ? vrdma_adapter_get_alias(a) : "-"));
	}
	vctl_list_end(&l);
	vrdma_host_unref(h);
	vrdma_config_unref(cfg);
	return VCTL_EXIT_OK;
}

const struct vctl_cmd vctl_soft_cmds[] = {
	{ "rdma device soft add", cmd_soft_add,
	  "configure a soft RDMA adapter (rxe or siw) on an uplink",
	  "-u|--uplink NAME [-t|--type rxe|siw]",
	  "NAME is a vmnic alias (vmnic0) or a netdev name; one soft adapter per uplink.\n"
	  "The type defaults to rxe (Soft-RoCE).  `vrdmactl apply` creates it, as\n"
	  "\"vrdmasN\", through RDMA netlink." },
	{ "rdma device soft remove", cmd_soft_remove,
	  "remove an uplink's soft RDMA adapter from the configuration", "-u|--uplink NAME",
	  "`vrdmactl apply` then deletes the adapter it created (never another one)." },
	{ "rdma device soft list", cmd_soft_list,
	  "list the configured soft RDMA adapters and the adapters now on their uplinks", "",
	  "Columns: Uplink Type Netdev Adapter Alias (Adapter: the RDMA adapter now on the\n"
	  "uplink's netdev, \"-\" when none).  JSON: array of {uplink, type, netdev,\n"
	  "adapter, alias}." },
	{ NULL, NULL, NULL, NULL, NULL },
};
