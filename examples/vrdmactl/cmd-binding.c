/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * vrdmactl binding commands: rdma device vmknic list, rdma device binding
 * check, nvme connect-args, iser iface.  Public API only.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "vrdmactl.h"

/* The network stack every vmk is on (ESXi's only one for RDMA). */
#define VCTL_NETSTACK "defaultTcpipStack"

/* Host (live or --host FILE) + configuration -> bindings. */
static int open_bindings(struct vctl *v, struct vrdma_bindings **ret)
{
	struct vrdma_host *host = NULL;
	struct vrdma_config *cfg = NULL;
	int r;

	r = vrdma_config_load(v->ctx, NULL, &cfg);
	if (r < 0)
		return vctl_fail(v, r, "cannot load configuration %s",
		                 vrdma_ctx_get_config_path(v->ctx));
	r = vctl_open_host(v, VRDMA_DISCOVER_READ_ONLY, &host);
	if (r) {
		vrdma_config_unref(cfg);
		return r;
	}
	r = vrdma_bindings_new(host, cfg, ret);
	vrdma_host_unref(host);
	vrdma_config_unref(cfg);
	if (r < 0)
		return vctl_fail(v, r, "cannot compute bindings");
	return 0;
}

static const char *adapter_label(struct vrdma_adapter *a)
{
	if (!a)
		return NULL;
	return vrdma_adapter_get_alias(a) ? vrdma_adapter_get_alias(a) : vrdma_adapter_get_name(a);
}

/* The uplink as ESXi shows it: its vmnic alias when the host knows it. */
static const char *uplink_label(struct vrdma_binding *bd)
{
	struct vrdma_uplink *u;
	const char *name = NULL;

	if (vrdma_binding_get_uplink(bd, &u) == 0 && vrdma_uplink_get_alias(u))
		return vrdma_uplink_get_alias(u);
	vrdma_binding_get_uplink_name(bd, &name);
	return name;
}

/* The binding's adapter and netdev name, NULL when it has none. */
static struct vrdma_adapter *binding_adapter(struct vrdma_binding *bd)
{
	struct vrdma_adapter *a = NULL;

	vrdma_binding_get_adapter(bd, &a);
	return a;
}

static const char *binding_netdev(struct vrdma_binding *bd)
{
	const char *name = NULL;

	vrdma_binding_get_netdev_name(bd, &name);
	return name;
}

static const char *binding_vmk(struct vrdma_binding *bd)
{
	return vrdma_vmk_get_name(vrdma_binding_get_vmk(bd));
}

/* "a/24, b/64" and "1, 2" (or "-" per address without a GID). */
static void addr_cells(struct vrdma_binding *bd, char *addrs, size_t alen, char *gids, size_t glen)
{
	const char *addr;
	unsigned int i, prefix, idx;

	addrs[0] = gids[0] = 0;
	for (i = 0; vrdma_binding_get_addr(bd, i, &addr, NULL, &prefix) == 0; i++) {
		snprintf(addrs + strlen(addrs), alen - strlen(addrs), "%s%s/%u", i ? ", " : "", addr,
		         prefix);
		if (vrdma_binding_get_addr_gid_index(bd, i, &idx) == 0)
			snprintf(gids + strlen(gids), glen - strlen(gids), "%s%u", i ? ", " : "", idx);
		else
			snprintf(gids + strlen(gids), glen - strlen(gids), "%s-", i ? ", " : "");
	}
}

static struct json_object *diag_json(struct vrdma_diag *d)
{
	struct json_object *o = json_object_new_object(), *objs = json_object_new_array();
	struct vrdma_rule *rule = vrdma_diag_get_rule(d);
	const char *kind, *name;
	unsigned int i;

	json_object_object_add(o, "code", json_object_new_string(vrdma_rule_get_code(rule)));
	json_object_object_add(o, "name", json_object_new_string(vrdma_rule_get_name(rule)));
	json_object_object_add(o, "severity",
	                       json_object_new_string(vrdma_severity_to_string(vrdma_rule_get_severity(rule))));
	json_object_object_add(o, "message", json_object_new_string(vrdma_diag_get_message(d)));
	json_object_object_add(o, "hint", json_object_new_string(vrdma_diag_get_hint(d)));
	for (i = 0; vrdma_diag_get_object(d, i, &kind, &name) == 0; i++) {
		struct json_object *x = json_object_new_object();
		json_object_object_add(x, "kind", json_object_new_string(kind));
		json_object_object_add(x, "name", json_object_new_string(name));
		json_object_array_add(objs, x);
	}
	json_object_object_add(o, "objects", objs);
	return o;
}

static void diag_print(FILE *out, struct vrdma_diag *d)
{
	struct vrdma_rule *rule = vrdma_diag_get_rule(d);

	fprintf(out, "%-7s %s %s: %s\n", vrdma_severity_to_string(vrdma_rule_get_severity(rule)),
	        vrdma_rule_get_code(rule), vrdma_rule_get_name(rule), vrdma_diag_get_message(d));
	fprintf(out, "        fix: %s\n", vrdma_diag_get_hint(d));
}

static struct json_object *binding_json(struct vrdma_binding *bd)
{
	struct json_object *o = json_object_new_object(), *addrs = json_object_new_array();
	struct vrdma_adapter *ad = binding_adapter(bd);
	struct vrdma_port *port = NULL;
	struct vrdma_uplink *u = NULL;
	const char *addr, *uplink = NULL;
	unsigned int i, prefix, idx;
	int mtu;

	vrdma_binding_get_port(bd, &port);
	vrdma_binding_get_uplink(bd, &u);
	vrdma_binding_get_uplink_name(bd, &uplink);
	json_object_object_add(o, "device", vctl_jstr(adapter_label(ad)));
	json_object_object_add(o, "adapter", vctl_jstr(ad ? vrdma_adapter_get_name(ad) : NULL));
	json_object_object_add(o, "port", port ? json_object_new_int(vrdma_port_get_number(port)) : NULL);
	json_object_object_add(o, "vmknic", vctl_jstr(binding_vmk(bd)));
	json_object_object_add(o, "netstack", vctl_jstr(VCTL_NETSTACK));
	json_object_object_add(o, "uplink", vctl_jstr(uplink_label(bd)));
	json_object_object_add(o, "uplink_configured", vctl_jstr(uplink));
	json_object_object_add(o, "uplink_netdev", vctl_jstr(u ? vrdma_netdev_get_name(vrdma_uplink_get_netdev(u)) : NULL));
	json_object_object_add(o, "switch", vctl_jstr(vrdma_switch_get_name(vrdma_binding_get_switch(bd))));
	json_object_object_add(o, "portgroup",
	                       vctl_jstr(vrdma_portgroup_get_name(vrdma_binding_get_portgroup(bd))));
	json_object_object_add(o, "netdev", vctl_jstr(binding_netdev(bd)));
	json_object_object_add(o, "mtu", json_object_new_int(vrdma_binding_get_mtu(bd)));
	json_object_object_add(o, "roce_mtu", vrdma_binding_get_roce_mtu(bd, &mtu) == 0
	                                              ? json_object_new_int(mtu) : NULL);
	for (i = 0; vrdma_binding_get_addr(bd, i, &addr, NULL, &prefix) == 0; i++) {
		struct json_object *a = json_object_new_object();
		json_object_object_add(a, "address", vctl_jstr(addr));
		json_object_object_add(a, "prefixlen", json_object_new_int((int)prefix));
		json_object_object_add(a, "gid_index", vrdma_binding_get_addr_gid_index(bd, i, &idx) == 0
		                                               ? json_object_new_int((int)idx) : NULL);
		json_object_array_add(addrs, a);
	}
	json_object_object_add(o, "addresses", addrs);
	json_object_object_add(o, "state",
	                       vctl_jstr(vrdma_binding_state_to_string(vrdma_binding_get_state(bd))));
	return o;
}

static int cmd_vmknic_list(struct vctl *v, int argc, char **argv)
{
	static const char *const hdr[] = { "Device", "Vmknic", "NetStack", "Uplink", "Port Group",
	                                   "Addresses", "GID Indexes", "State" };
	struct vrdma_bindings *b = NULL;
	struct vrdma_binding *bd;
	struct vctl_list l;
	unsigned int i;
	int r;

	if ((r = vctl_no_args(v, argc, argv)) || (r = open_bindings(v, &b)))
		return r;
	vctl_list_begin(v, &l, hdr, 8);
	for (i = 0; vrdma_bindings_get_binding(b, i, &bd) == 0; i++) {
		char addrs[512], gids[128];
		struct vrdma_portgroup *pg = vrdma_binding_get_portgroup(bd);

		if (l.arr) {
			json_object_array_add(l.arr, binding_json(bd));
			continue;
		}
		addr_cells(bd, addrs, sizeof(addrs), gids, sizeof(gids));
		vctl_table_addv(l.t, vctl_or_dash(adapter_label(binding_adapter(bd))), binding_vmk(bd),
		                VCTL_NETSTACK, vctl_or_dash(uplink_label(bd)),
		                vrdma_portgroup_get_name(pg), vctl_or_dash(addrs),
		                vctl_or_dash(gids),
		                vrdma_binding_state_to_string(vrdma_binding_get_state(bd)));
	}
	vctl_list_end(&l);
	vrdma_bindings_unref(b);
	return VCTL_EXIT_OK;
}

static int cmd_binding_check(struct vctl *v, int argc, char **argv)
{
	struct vrdma_bindings *b = NULL;
	struct vrdma_binding *bd;
	struct vrdma_diag *d;
	struct vrdma_adapter *dev_a = NULL;
	const char *dev = NULL, *object = NULL;
	struct json_object *o = NULL, *arr = NULL;
	unsigned int i;
	int r, problems, errors = 0, warnings = 0, bound = 0;

	if ((r = vctl_device_opt(v, argc, argv, &dev)) || (r = open_bindings(v, &b)))
		return r;
	if (dev) {
		r = vrdma_host_find_adapter(vrdma_bindings_get_host(b), dev, &dev_a);
		if (r < 0) {
			vrdma_bindings_unref(b);
			return vctl_fail(v, r, "no RDMA adapter '%s'", dev);
		}
		object = adapter_label(dev_a);
		for (i = 0; vrdma_bindings_get_binding(b, i, &bd) == 0; i++)
			if (binding_adapter(bd) == dev_a)
				bound++;
	}
	if (v->json) {
		o = json_object_new_object();
		arr = json_object_new_array();
	}
	/* Every finding, or those involving the device (its bindings' too). */
	for (i = 0; vrdma_bindings_get_diag(b, i, &d) == 0; i++) {
		int sev = vrdma_rule_get_severity(vrdma_diag_get_rule(d));
		if (object && !vrdma_diag_involves(d, object))
			continue;
		errors += sev == VRDMA_SEVERITY_ERROR;
		warnings += sev == VRDMA_SEVERITY_WARNING;
		if (arr)
			json_object_array_add(arr, diag_json(d));
		else
			diag_print(stdout, d);
	}
	problems = errors + warnings;
	/* A device that was asked about and has no binding at all is a problem. */
	if (dev && bound == 0)
		problems++;
	if (o) {
		struct json_object *bs = json_object_new_array();
		for (i = 0; vrdma_bindings_get_binding(b, i, &bd) == 0; i++) {
			if (dev_a && binding_adapter(bd) != dev_a)
				continue;
			json_object_array_add(bs, binding_json(bd));
		}
		json_object_object_add(o, "device", vctl_jstr(object));
		json_object_object_add(o, "bindings", bs);
		json_object_object_add(o, "findings", arr);
		json_object_object_add(o, "errors", json_object_new_int(errors));
		json_object_object_add(o, "warnings", json_object_new_int(warnings));
		json_object_object_add(o, "problems", json_object_new_int(problems));
		vctl_print_json(o);
		json_object_put(o);
	} else {
		for (i = 0; vrdma_bindings_get_binding(b, i, &bd) == 0; i++) {
			if (dev_a && binding_adapter(bd) != dev_a)
				continue;
			printf("%s <-> %s <-> %s (netdev %s): %s\n",
			       vctl_or_dash(adapter_label(binding_adapter(bd))),
			       vctl_or_dash(uplink_label(bd)), binding_vmk(bd),
			       vctl_or_dash(binding_netdev(bd)),
			       vrdma_binding_state_to_string(vrdma_binding_get_state(bd)));
		}
		if (dev && bound == 0)
			printf("%s: no vmk is bound to it\n", object);
		printf("%d error%s, %d warning%s\n", errors, errors == 1 ? "" : "s", warnings,
		       warnings == 1 ? "" : "s");
	}
	vrdma_bindings_unref(b);
	return problems ? VCTL_EXIT_PROBLEMS : VCTL_EXIT_OK;
}

/* Choose the source for --target; prints the source's warnings on stderr. */
static int choose(struct vctl *v, struct vrdma_bindings *b, const char *target, int service,
                  struct vrdma_source **ret)
{
	int r = vrdma_bindings_choose_source(b, target, service, 0, ret);
	struct vrdma_diag *d;
	unsigned int i;

	if (r < 0)
		return vctl_fail(v, r, "no source for target %s", target);
	for (i = 0; vrdma_source_get_diag(*ret, i, &d) == 0; i++)
		diag_print(stderr, d);
	return 0;
}

static int cmd_nvme_connect_args(struct vctl *v, int argc, char **argv)
{
	const char *target = NULL, *trsvcid = "4420", *nqn = NULL;
	struct vrdma_bindings *b = NULL;
	struct vrdma_source *s = NULL;
	int i, r;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		if ((strcmp(a, "--target") == 0 || strcmp(a, "-a") == 0) && i + 1 < argc)
			target = argv[++i];
		else if ((strcmp(a, "--trsvcid") == 0 || strcmp(a, "-s") == 0) && i + 1 < argc)
			trsvcid = argv[++i];
		else if ((strcmp(a, "--nqn") == 0 || strcmp(a, "-n") == 0) && i + 1 < argc)
			nqn = argv[++i];
		else
			return vctl_usage(v, "unexpected argument '%s'", a);
	}
	if (!target)
		return vctl_usage(v, "--target ADDR is required");
	if (strspn(trsvcid, "0123456789") != strlen(trsvcid) || !trsvcid[0] || atoi(trsvcid) > 65535)
		return vctl_usage(v, "--trsvcid '%s': expected a port number", trsvcid);
	r = open_bindings(v, &b);
	if (r)
		return r;
	r = choose(v, b, target, VRDMA_SERVICE_NVME_RDMA, &s);
	if (r) {
		vrdma_bindings_unref(b);
		return r;
	}
	if (v->json) {
		struct json_object *o = json_object_new_object();
		const char *gateway = NULL;
		vrdma_source_get_gateway(s, &gateway);
		json_object_object_add(o, "transport", json_object_new_string("rdma"));
		json_object_object_add(o, "traddr", vctl_jstr(vrdma_source_get_target(s)));
		json_object_object_add(o, "trsvcid", vctl_jstr(trsvcid));
		json_object_object_add(o, "host_traddr", vctl_jstr(vrdma_source_get_address(s)));
		json_object_object_add(o, "nqn", vctl_jstr(nqn));
		json_object_object_add(o, "vmknic", vctl_jstr(binding_vmk(vrdma_source_get_binding(s))));
		json_object_object_add(o, "device", vctl_jstr(adapter_label(vrdma_source_get_adapter(s))));
		json_object_object_add(o, "port", json_object_new_int(vrdma_source_get_port_number(s)));
		json_object_object_add(o, "gid_index", json_object_new_int(vrdma_source_get_gid_index(s)));
		json_object_object_add(o, "gateway", vctl_jstr(gateway));
		vctl_print_json(o);
		json_object_put(o);
	} else {
		printf("nvme connect -t rdma -a %s -s %s -w %s", vrdma_source_get_target(s), trsvcid,
		       vrdma_source_get_address(s));
		if (nqn)
			printf(" -n %s", nqn);
		printf("\n");
	}
	vrdma_source_unref(s);
	vrdma_bindings_unref(b);
	return VCTL_EXIT_OK;
}

static int cmd_iser_iface(struct vctl *v, int argc, char **argv)
{
	const char *target = NULL, *vmk = NULL, *addr, *a, *netdev, *name;
	struct vrdma_bindings *b = NULL;
	struct vrdma_source *s = NULL;
	struct vrdma_binding *bd = NULL;
	unsigned int idx;
	int i, r;

	for (i = 1; i < argc; i++) {
		if ((strcmp(argv[i], "--target") == 0 || strcmp(argv[i], "-a") == 0) && i + 1 < argc)
			target = argv[++i];
		else if ((strcmp(argv[i], "-i") == 0 || strcmp(argv[i], "--interface-name") == 0) &&
		         i + 1 < argc)
			vmk = argv[++i];
		else
			return vctl_usage(v, "unexpected argument '%s'", argv[i]);
	}
	if (!!target == !!vmk)
		return vctl_usage(v, "give exactly one of --target ADDR or -i VMK");
	r = open_bindings(v, &b);
	if (r)
		return r;
	if (target) {
		r = choose(v, b, target, VRDMA_SERVICE_ISER, &s);
		if (r)
			goto out;
		bd = vrdma_source_get_binding(s);
		addr = vrdma_source_get_address(s);
	} else {
		r = vrdma_bindings_find_binding(b, vmk, &bd);
		if (r < 0) {
			r = vctl_fail(v, r, "no vmk '%s'", vmk);
			goto out;
		}
		if (vrdma_binding_get_state(bd) == VRDMA_BINDING_UNBOUND) {
			r = vctl_fail(v, 0, "vmk '%s' is unbound: see vrdmactl rdma device binding check", vmk);
			goto out;
		}
		addr = NULL;
		for (i = 0; !addr && vrdma_binding_get_addr(bd, i, &a, NULL, NULL) == 0; i++)
			if (vrdma_binding_get_addr_gid_index(bd, i, &idx) == 0)
				addr = a;
		if (!addr) {
			r = vctl_fail(v, 0, "vmk '%s' has no address with a RoCE v2 GID", vmk);
			goto out;
		}
	}
	netdev = binding_netdev(bd);
	name = binding_vmk(bd);
	if (v->json) {
		struct json_object *o = json_object_new_object();
		char iname[64];
		snprintf(iname, sizeof(iname), "vrdma-%s", name);
		json_object_object_add(o, "iface.iscsi_ifacename", json_object_new_string(iname));
		json_object_object_add(o, "iface.transport_name", json_object_new_string("iser"));
		json_object_object_add(o, "iface.ipaddress", vctl_jstr(addr));
		json_object_object_add(o, "iface.net_ifacename", vctl_jstr(netdev));
		vctl_print_json(o);
		json_object_put(o);
	} else {
		printf("iface.iscsi_ifacename = vrdma-%s\n", name);
		printf("iface.transport_name = iser\n");
		printf("iface.ipaddress = %s\n", addr);
		printf("iface.net_ifacename = %s\n", vctl_or_dash(netdev));
	}
	r = VCTL_EXIT_OK;
out:
	vrdma_source_unref(s);
	vrdma_bindings_unref(b);
	return r;
}

const struct vctl_cmd vctl_binding_cmds[] = {
	{ "rdma device vmknic list", cmd_vmknic_list,
	  "list VMkernel adapter bindings: device, vmknic, uplink, addresses, GID indexes, state", "",
	  "Columns: Device Vmknic NetStack Uplink \"Port Group\" Addresses \"GID Indexes\" State.\n"
	  "GID Indexes lists the RoCE v2 GID index of each address in order (- for none).\n"
	  "State: bound, degraded (warnings) or unbound (errors: see binding check)." },
	{ "rdma device binding check", cmd_binding_check,
	  "validate VMkernel bindings; exit 3 when problems are found", "[-d|--device NAME]",
	  "Prints every finding (severity, code, name, message, fix), then each binding\n"
	  "and its state.  -d limits the check to one adapter (kernel name or alias); an\n"
	  "adapter without any binding is then a problem too.  Codes: vrdma-diagnostics(7)." },
	{ "nvme connect-args", cmd_nvme_connect_args,
	  "print the nvme connect arguments (source address) for an NVMe over RDMA target",
	  "--target ADDR [--trsvcid 4420] [--nqn NQN]",
	  "Chooses the bound vmk whose subnet (or default gateway) reaches ADDR and prints\n"
	  "  nvme connect -t rdma -a ADDR -s PORT -w HOST_TRADDR [-n NQN]\n"
	  "Fails with the blocking finding when no healthy binding reaches ADDR, and lists\n"
	  "the candidates when several reach it equally well." },
	{ "iser iface", cmd_iser_iface,
	  "print open-iscsi iface settings for iSER through a bound vmk", "--target ADDR | -i VMK",
	  "Prints iface.iscsi_ifacename, iface.transport_name = iser, iface.ipaddress and\n"
	  "iface.net_ifacename (the netdev carrying the vmk), in the iface file format." },
	{ NULL, NULL, NULL, NULL, NULL },
};
