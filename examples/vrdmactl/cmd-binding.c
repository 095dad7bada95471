/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * vrdmactl binding commands: rdma device vmknic list, rdma device binding
 * check, iser iface; the path helpers the nvme commands (cmd-nvme.c) share.
 * Public API only.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vrdmactl.h"

/* The network stack every vmk is on (ESXi's only one for RDMA). */
#define VCTL_NETSTACK "defaultTcpipStack"

/* Host (live or --host FILE) + configuration -> bindings. */
int vctl_open_bindings(struct vctl *v, struct vrdma_bindings **ret)
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

const char *vctl_adapter_label(struct vrdma_adapter *a)
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

	fprintf(out, "%-7s %s %s: ", vrdma_severity_to_string(vrdma_rule_get_severity(rule)),
	        vrdma_rule_get_code(rule), vrdma_rule_get_name(rule));
	vctl_fputs(vrdma_diag_get_message(d), false, out); /* names host and file objects */
	fputs("\n        fix: ", out);
	vctl_fputs(vrdma_diag_get_hint(d), false, out);
	fputc('\n', out);
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
	json_object_object_add(o, "device", vctl_jstr(vctl_adapter_label(ad)));
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

	if ((r = vctl_no_args(v, argc, argv)) || (r = vctl_open_bindings(v, &b)))
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
		vctl_table_addv(l.t, vctl_or_dash(vctl_adapter_label(binding_adapter(bd))),
		                binding_vmk(bd), VCTL_NETSTACK, vctl_or_dash(uplink_label(bd)),
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
	unsigned int storage_flags = vctl_storage_take_flags(&argc, argv);
	struct vrdma_storage *st = NULL;

	if ((r = vctl_device_opt(v, argc, argv, &dev)) || (r = vctl_open_bindings(v, &b)))
		return r;
	if ((r = vctl_storage_diags(v, b, storage_flags, &st))) {
		vrdma_bindings_unref(b);
		return r;
	}
	if (dev) {
		r = vrdma_host_find_adapter(vrdma_bindings_get_host(b), dev, &dev_a);
		if (r < 0) {
			vrdma_storage_unref(st);
			vrdma_bindings_unref(b);
			return vctl_fail(v, r, "no RDMA adapter '%s'", dev);
		}
		object = vctl_adapter_label(dev_a);
		for (i = 0; vrdma_bindings_get_binding(b, i, &bd) == 0; i++)
			if (binding_adapter(bd) == dev_a)
				bound++;
	}
	if (v->json) {
		o = json_object_new_object();
		arr = json_object_new_array();
	}
	/* Every finding, or those involving the device (its bindings' too), then
	 * the storage sessions' (cmd-storage.c). */
	for (i = 0; vrdma_bindings_get_diag(b, i, &d) == 0 ||
	            vrdma_storage_get_diag(st, i - (unsigned int)vrdma_bindings_get_n_diags(b), &d) == 0;
	     i++) {
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
			       vctl_str(v, vctl_or_dash(vctl_adapter_label(binding_adapter(bd)))),
			       vctl_str(v, vctl_or_dash(uplink_label(bd))), vctl_str(v, binding_vmk(bd)),
			       vctl_str(v, vctl_or_dash(binding_netdev(bd))),
			       vrdma_binding_state_to_string(vrdma_binding_get_state(bd)));
		}
		if (dev && bound == 0)
			printf("%s: no vmk is bound to it\n", vctl_str(v, object));
		printf("%d error%s, %d warning%s\n", errors, errors == 1 ? "" : "s", warnings,
		       warnings == 1 ? "" : "s");
	}
	vrdma_storage_unref(st);
	vrdma_bindings_unref(b);
	return problems ? VCTL_EXIT_PROBLEMS : VCTL_EXIT_OK;
}

/* The paths to --target (only the first with `single`); prints the source's
 * warnings on stderr. */
int vctl_choose_paths(struct vctl *v, struct vrdma_bindings *b, const char *target, int service,
                      bool single, struct vrdma_source **ret)
{
	int r = vrdma_bindings_choose_source(b, target, service, single ? VRDMA_SOURCE_SINGLE : 0,
	                                     ret);
	struct vrdma_diag *d;
	unsigned int i;

	if (r < 0)
		return vctl_fail(v, r, "no path to target %s", target);
	for (i = 0; vrdma_source_get_diag(*ret, i, &d) == 0; i++)
		diag_print(stderr, d);
	return 0;
}

/*
 * An address as the kernel takes it: a link-local one with the scope of
 * the netdev carrying the path ("fe80::1%ens1f1"); others as they are.
 */
void vctl_scoped_addr(const char *addr, struct vrdma_path *p, char *buf, size_t len)
{
	size_t n = strcspn(addr, "%");
	bool ll = strncasecmp(addr, "fe8", 3) == 0 || strncasecmp(addr, "fe9", 3) == 0 ||
	          strncasecmp(addr, "fea", 3) == 0 || strncasecmp(addr, "feb", 3) == 0;

	if (ll)
		snprintf(buf, len, "%.*s%%%s", (int)n, addr, vrdma_path_get_netdev_name(p));
	else
		snprintf(buf, len, "%s", addr);
}

const char *vctl_path_vmk(struct vrdma_path *p)
{
	return binding_vmk(vrdma_path_get_binding(p));
}

/* ---- iser iface ------------------------------------------------------------ */

/* Where iscsiadm(8) keeps its iface records. */
#define VCTL_ISER_IFACE_DIR "/etc/iscsi/ifaces"

/* One open-iscsi iface: named after its vmk, bound to its source address and
 * netdev. */
struct iser_iface {
	char name[72];      /* "vrdma-vmk1": the iface and its file's name */
	char addr[128];     /* iface.ipaddress (with the scope when link-local) */
	char netdev[64];    /* iface.net_ifacename ("" when unknown) */
	char *tmp;          /* --write: the temporary file until it is renamed */
};

struct iser_ifaces {
	struct iser_iface *v;
	size_t n;
};

static int iface_add(struct iser_ifaces *l, const char *vmk, const char *addr, const char *netdev)
{
	struct iser_iface *f = realloc(l->v, (l->n + 1) * sizeof(*l->v));

	if (!f)
		return -ENOMEM;
	l->v = f;
	f = &l->v[l->n++];
	memset(f, 0, sizeof(*f));
	snprintf(f->name, sizeof(f->name), "vrdma-%s", vmk);
	snprintf(f->addr, sizeof(f->addr), "%s", addr);
	snprintf(f->netdev, sizeof(f->netdev), "%s", netdev ? netdev : "");
	return 0;
}

static void ifaces_free(struct iser_ifaces *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		if (l->v[i].tmp)
			unlink(l->v[i].tmp);
		free(l->v[i].tmp);
	}
	free(l->v);
}

static struct json_object *iface_json(const struct iser_iface *f, const char *file)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "iface.iscsi_ifacename", json_object_new_string(f->name));
	json_object_object_add(o, "iface.transport_name", json_object_new_string("iser"));
	json_object_object_add(o, "iface.ipaddress", vctl_jstr(f->addr));
	json_object_object_add(o, "iface.net_ifacename", vctl_jstr(f->netdev[0] ? f->netdev : NULL));
	if (file)
		json_object_object_add(o, "file", vctl_jstr(file));
	return o;
}

/* The four settings, one "name = value" line each (escaped on a terminal). */
static void iface_print(const struct iser_iface *f, FILE *out)
{
	fputs("iface.iscsi_ifacename = ", out);
	vctl_fputs(f->name, false, out);
	fputs("\niface.transport_name = iser\niface.ipaddress = ", out);
	vctl_fputs(f->addr, false, out);
	fputs("\niface.net_ifacename = ", out);
	vctl_fputs(vctl_or_dash(f->netdev), false, out);
	fputc('\n', out);
}

/* One iface per path to the target. */
static int ifaces_of_target(struct vctl *v, struct vrdma_bindings *b, const char *target,
                            bool single, struct iser_ifaces *l)
{
	struct vrdma_source *s = NULL;
	struct vrdma_path *p;
	unsigned int k;
	int r = vctl_choose_paths(v, b, target, VRDMA_SERVICE_ISER, single, &s);

	for (k = 0; r == 0 && vrdma_source_get_path(s, k, &p) == 0; k++) {
		char addr[128];

		vctl_scoped_addr(vrdma_path_get_address(p), p, addr, sizeof(addr));
		if (iface_add(l, vctl_path_vmk(p), addr, vrdma_path_get_netdev_name(p)) < 0)
			r = vctl_fail(v, 0, "target %s: out of memory", target);
	}
	/* Linux's iSER initiator (ib_iser) resolves the connection with the
	 * destination only: open-iscsi's iface.ipaddress and net_ifacename do
	 * not choose the source, the main routing table does (measured in the
	 * two-host test vm-storage-iser). */
	if (r == 0 && l->n > 1)
		fprintf(stderr, "vrdmactl: warning: %zu paths reach %s, but the kernel's iSER "
		        "initiator binds no source address: every session to it leaves through "
		        "the route the main table picks; for iSER multipath give each vmk its "
		        "own subnet and target address\n", l->n, vctl_str(v, target));
	vrdma_source_unref(s);
	return r;
}

/* The binding's first address with a RoCE v2 GID, NULL when it has none. */
static const char *binding_roce_addr(struct vrdma_binding *bd)
{
	const char *a;
	unsigned int i, idx;

	for (i = 0; vrdma_binding_get_addr(bd, i, &a, NULL, NULL) == 0; i++)
		if (vrdma_binding_get_addr_gid_index(bd, i, &idx) == 0)
			return a;
	return NULL;
}

/* The iface of one vmk, named: it must be bound and have a RoCE address. */
static int ifaces_of_vmk(struct vctl *v, struct vrdma_bindings *b, const char *vmk,
                         struct iser_ifaces *l)
{
	struct vrdma_binding *bd = NULL;
	const char *addr;
	int r = vrdma_bindings_find_binding(b, vmk, &bd);

	if (r < 0)
		return vctl_fail(v, r, "no vmk '%s'", vmk);
	if (vrdma_binding_get_state(bd) == VRDMA_BINDING_UNBOUND)
		return vctl_fail(v, 0, "vmk '%s' is unbound: see vrdmactl rdma device binding check", vmk);
	addr = binding_roce_addr(bd);
	if (!addr)
		return vctl_fail(v, 0, "vmk '%s' has no address with a RoCE v2 GID", vmk);
	if (iface_add(l, binding_vmk(bd), addr, binding_netdev(bd)) < 0)
		return vctl_fail(v, 0, "vmk '%s': out of memory", vmk);
	return 0;
}

/* Every bound vmk with a RoCE address: those tagged iser, when any is. */
static int ifaces_of_all(struct vctl *v, struct vrdma_bindings *b, struct iser_ifaces *l)
{
	struct vrdma_binding *bd;
	unsigned int i, tags = 0;

	for (i = 0; vrdma_bindings_get_binding(b, i, &bd) == 0; i++)
		if (vrdma_binding_get_state(bd) != VRDMA_BINDING_UNBOUND)
			tags |= vrdma_vmk_get_tags(vrdma_binding_get_vmk(bd));
	for (i = 0; vrdma_bindings_get_binding(b, i, &bd) == 0; i++) {
		const char *addr = binding_roce_addr(bd);

		if ((tags & VRDMA_VMK_TAG_ISER) &&
		    !(vrdma_vmk_get_tags(vrdma_binding_get_vmk(bd)) & VRDMA_VMK_TAG_ISER))
			continue;
		if (vrdma_binding_get_state(bd) == VRDMA_BINDING_UNBOUND || !addr) {
			bool unbound = vrdma_binding_get_state(bd) == VRDMA_BINDING_UNBOUND;

			fprintf(stderr, "vrdmactl: %s: vmk '%s': %s, no iface (see rdma device binding check)\n",
			        v->cmd_path, vctl_str(v, binding_vmk(bd)),
			        unbound ? "unbound" : "no address with a RoCE v2 GID");
			continue;
		}
		if (iface_add(l, binding_vmk(bd), addr, binding_netdev(bd)) < 0)
			return vctl_fail(v, 0, "vmk '%s': out of memory", binding_vmk(bd));
	}
	if (l->n == 0)
		return vctl_fail(v, 0, "no bound vmk with a RoCE v2 address%s: see rdma device binding check",
		                 (tags & VRDMA_VMK_TAG_ISER) ? " tagged iser" : "");
	return 0;
}

/* A value iscsiadm reads back as it is: one word, no control byte. */
static bool iface_value_ok(const char *s)
{
	if (!s[0])
		return false;
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || *s == 0x7f)
			return false;
	return true;
}

/* The record as iscsiadm -o new writes one (settings left out keep their
 * defaults); mode 0600 in a fresh temporary file next to its final name. */
static int iface_write_tmp(struct vctl *v, const char *dir, struct iser_iface *f)
{
	FILE *out;
	int fd, r = 0;

	if (!iface_value_ok(f->addr) || !iface_value_ok(f->netdev))
		return vctl_fail(v, 0, "iface %s: address '%s' or netdev '%s' cannot be written to an iface file",
		                 f->name, f->addr, vctl_or_dash(f->netdev));
	if (asprintf(&f->tmp, "%s/.%s.XXXXXX", dir, f->name) < 0) {
		f->tmp = NULL;
		return vctl_fail(v, 0, "iface %s: out of memory", f->name);
	}
	fd = mkstemp(f->tmp);
	if (fd < 0) {
		r = -errno;
		free(f->tmp);
		f->tmp = NULL;
		return vctl_fail(v, 0, "iface directory '%s': cannot create a file: %s", dir,
		                 strerror(-r));
	}
	out = fdopen(fd, "w");
	if (!out) {
		r = -errno;
		close(fd);
		return vctl_fail(v, 0, "iface directory '%s': %s", dir, strerror(-r));
	}
	fprintf(out, "# BEGIN RECORD\n# written by vrdmactl iser iface --write\n"
	        "iface.iscsi_ifacename = %s\niface.net_ifacename = %s\niface.ipaddress = %s\n"
	        "iface.transport_name = iser\n# END RECORD\n", f->name, f->netdev, f->addr);
	if (fflush(out) != 0 || fsync(fileno(out)) != 0)
		r = -errno;
	if (fclose(out) != 0 && r == 0)
		r = -errno;
	if (r < 0)
		return vctl_fail(v, 0, "iface file '%s/%s': %s", dir, f->name, strerror(-r));
	return 0;
}

/*
 * Write every iface as DIR/NAME atomically, all or none: each into a
 * temporary file first, then each renamed over its name.  DIR is created
 * (mode 0700, as iscsiadm does) when its parent exists.
 */
static int ifaces_write(struct vctl *v, const char *dir, struct iser_ifaces *l)
{
	size_t i;
	int dfd, r;

	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return vctl_fail(v, 0, "iface directory '%s': %s", dir, strerror(errno));
	for (i = 0; i < l->n; i++)
		if ((r = iface_write_tmp(v, dir, &l->v[i])))
			return r; /* ifaces_free() removes the temporary files */
	for (i = 0; i < l->n; i++) {
		char path[PATH_MAX];

		snprintf(path, sizeof(path), "%s/%s", dir, l->v[i].name);
		if (rename(l->v[i].tmp, path) < 0)
			return vctl_fail(v, 0, "iface file '%s': %s", path, strerror(errno));
		free(l->v[i].tmp);
		l->v[i].tmp = NULL;
	}
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	return 0;
}

static void ifaces_show(struct vctl *v, const struct iser_ifaces *l, const char *dir)
{
	struct json_object *arr = v->json ? json_object_new_array() : NULL;
	size_t i;

	for (i = 0; i < l->n; i++) {
		char path[PATH_MAX];

		snprintf(path, sizeof(path), "%s/%s", dir ? dir : "", l->v[i].name);
		if (arr)
			json_object_array_add(arr, iface_json(&l->v[i], dir ? path : NULL));
		else if (dir)
			printf("%s: wrote %s\n", vctl_str(v, l->v[i].name), vctl_str(v, path));
		else {
			if (i)
				printf("\n");
			iface_print(&l->v[i], stdout);
		}
	}
	if (arr) {
		vctl_print_json(arr);
		json_object_put(arr);
	}
}

static int cmd_iser_iface(struct vctl *v, int argc, char **argv)
{
	const char *target = NULL, *vmk = NULL, *dir = NULL;
	struct vrdma_bindings *b = NULL;
	struct iser_ifaces l = { NULL, 0 };
	bool single = false;
	int i, r;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		if ((strcmp(a, "--target") == 0 || strcmp(a, "-a") == 0) && i + 1 < argc)
			target = argv[++i];
		else if ((strcmp(a, "-i") == 0 || strcmp(a, "--interface-name") == 0) && i + 1 < argc)
			vmk = argv[++i];
		else if (strcmp(a, "--single") == 0)
			single = true;
		else if (strcmp(a, "--write") == 0)
			dir = i + 1 < argc && argv[i + 1][0] != '-' ? argv[++i] : VCTL_ISER_IFACE_DIR;
		else if (strncmp(a, "--write=", 8) == 0)
			dir = a + 8;
		else
			return vctl_usage(v, "unexpected argument '%s'", a);
	}
	if (target && vmk)
		return vctl_usage(v, "give --target ADDR or -i VMK, not both");
	if (single && !target)
		return vctl_usage(v, "--single goes with --target ADDR");
	if (dir && !dir[0])
		return vctl_usage(v, "--write DIR: the directory name is empty");
	r = vctl_open_bindings(v, &b);
	if (r)
		return r;
	if (target)
		r = ifaces_of_target(v, b, target, single, &l);
	else if (vmk)
		r = ifaces_of_vmk(v, b, vmk, &l);
	else
		r = ifaces_of_all(v, b, &l);
	if (r == 0 && dir)
		r = ifaces_write(v, dir, &l);
	if (r == 0)
		ifaces_show(v, &l, dir);
	ifaces_free(&l);
	vrdma_bindings_unref(b);
	return r ? r : VCTL_EXIT_OK;
}

const struct vctl_cmd vctl_binding_cmds[] = {
	{ "rdma device vmknic list", cmd_vmknic_list,
	  "list VMkernel adapter bindings: device, vmknic, uplink, addresses, GID indexes, state", "",
	  "Columns: Device Vmknic NetStack Uplink \"Port Group\" Addresses \"GID Indexes\" State.\n"
	  "GID Indexes lists the RoCE v2 GID index of each address in order (- for none).\n"
	  "State: bound, degraded (warnings) or unbound (errors: see binding check)." },
	{ "rdma device binding check", cmd_binding_check,
	  "validate VMkernel bindings; exit 3 when problems are found",
	  "[-d|--device NAME] [--idle-vmks]",
	  "Prints every finding (severity, code, name, message, fix), then each binding\n"
	  "and its state.  -d limits the check to one adapter (kernel name or alias); an\n"
	  "adapter without any binding is then a problem too.  The storage sessions'\n"
	  "findings follow (VRDMA-B080..B083); --idle-vmks adds a warning for each bound\n"
	  "vmk tagged nvme-rdma or iser without a session.  Codes: vrdma-diagnostics(7)." },
	{ "iser iface", cmd_iser_iface,
	  "print or write open-iscsi ifaces for iSER through bound vmks",
	  "[--target ADDR [--single] | -i VMK] [--write [DIR]]",
	  "One iface per bound vmk (those tagged iser, when any is), per path to ADDR\n"
	  "with --target (--single: the first only), or the vmk's own with -i:\n"
	  "iface.iscsi_ifacename = vrdma-vmkN, iface.transport_name = iser,\n"
	  "iface.ipaddress (the vmk's address) and iface.net_ifacename (the netdev\n"
	  "carrying the vmk), a blank line between; -j: a JSON array.  --write writes\n"
	  "each as an iface record DIR/vrdma-vmkN (default " VCTL_ISER_IFACE_DIR "),\n"
	  "all or none, each atomically, for iscsiadm -m node -I vrdma-vmkN." },
	{ NULL, NULL, NULL, NULL, NULL },
};
