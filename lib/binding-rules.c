/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Binding rules: the catalogue (stable codes, names, severities), the
 * finding objects and the checks run over computed bindings.  Every rule
 * is documented in vrdma-diagnostics(7); codes are never reused.
 *
 * Root causes win: a finding that only follows from another one on the
 * same binding is not reported (no port-down finding while the uplink is
 * down, no GID findings for an address that is not on its netdev, ...), so
 * each breakage yields the codes that name what to fix.
 */
#include <arpa/inet.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "internal.h"

#define E VRDMA_SEVERITY_ERROR
#define W VRDMA_SEVERITY_WARNING
#define I VRDMA_SEVERITY_INFO

static const struct rule_def {
	const char *code;
	const char *name;
	int severity;
	const char *summary;
} rules[R__COUNT] = {
	[R_PG_NO_ACTIVE] = { "VRDMA-B001", "portgroup-no-active-uplink", E,
		"the vmk's port group has no active uplink" },
	[R_PG_MULTI_ACTIVE] = { "VRDMA-B002", "portgroup-multiple-active-uplinks", E,
		"the vmk's port group has more than one active uplink" },
	[R_PG_STANDBY] = { "VRDMA-B003", "portgroup-standby-uplink", E,
		"the vmk's port group has a standby uplink" },
	[R_UPLINK_NOT_PAIRED] = { "VRDMA-B004", "uplink-not-paired", E,
		"the vmk reaches RDMA through an adapter not paired with its active uplink" },
	[R_UPLINK_NO_ADAPTER] = { "VRDMA-B005", "uplink-no-adapter", E,
		"the active uplink has no paired RDMA adapter" },
	[R_UPLINK_MISSING] = { "VRDMA-B006", "uplink-missing", E,
		"the active uplink is not a physical NIC of this host" },
	[R_VMK_NOT_REALISED] = { "VRDMA-B007", "vmk-not-realised", E,
		"no netdev carries the vmk on this host" },
	[R_VMK_NO_ADDRESS] = { "VRDMA-B010", "vmk-no-address", E,
		"the vmk has no static IPv4 or IPv6 address" },
	[R_DUP_ADDRESS] = { "VRDMA-B011", "duplicate-address", E,
		"the vmk's address is also used by another vmk or netdev" },
	[R_SUBNET_SPLIT] = { "VRDMA-B012", "subnet-split-switches", W,
		"vmks in one subnet are on different switches" },
	[R_ADDR_MISSING] = { "VRDMA-B013", "vmk-address-missing", E,
		"a configured address of the vmk is not on its netdev" },
	[R_MTU_VMK_SWITCH] = { "VRDMA-B020", "mtu-vmk-above-switch", E,
		"the vmk MTU is above its switch's MTU" },
	[R_MTU_SWITCH_UPLINK] = { "VRDMA-B021", "mtu-switch-above-uplink", E,
		"the switch MTU is above its active uplink's MTU" },
	[R_ROCE_MTU_LOW] = { "VRDMA-B022", "roce-mtu-low", W,
		"the port's RoCE active MTU is below what the vmk MTU allows" },
	[R_UPLINK_DOWN] = { "VRDMA-B030", "uplink-down", E,
		"the active uplink is down" },
	[R_PORT_DOWN] = { "VRDMA-B031", "port-down", E,
		"the paired RDMA port is not active" },
	[R_VMK_DOWN] = { "VRDMA-B032", "vmk-netdev-down", E,
		"the vmk's netdev is down" },
	[R_NOT_ROCEV2] = { "VRDMA-B040", "adapter-not-rocev2", E,
		"the paired adapter is not RoCE v2 capable" },
	[R_GID_MISSING] = { "VRDMA-B041", "gid-missing", E,
		"no RoCE v2 GID for a vmk address on the paired adapter" },
	[R_GID_WRONG_NETDEV] = { "VRDMA-B042", "gid-wrong-netdev", E,
		"the address's GID belongs to another netdev than the vmk's" },
	[R_GID_AMBIGUOUS] = { "VRDMA-B043", "gid-ambiguous", W,
		"the vmk's address is also a GID of another adapter" },
	[R_GID_TABLE_FULL] = { "VRDMA-B044", "gid-table-full", W,
		"the paired port's GID table is full" },
	[R_GID_NO_REMOTE] = { "VRDMA-B045", "gid-netdev-no-remote", E,
		"the GID's netdev cannot receive remote RDMA traffic on this adapter" },
	[R_IPV6_TENTATIVE] = { "VRDMA-B050", "ipv6-tentative", W,
		"a vmk IPv6 address is still tentative (DAD in progress)" },
	[R_IPV6_DADFAILED] = { "VRDMA-B051", "ipv6-dad-failed", E,
		"a vmk IPv6 address failed duplicate address detection" },
	[R_OTHER_NAMESPACE] = { "VRDMA-B052", "netdev-other-namespace", E,
		"an adapter's netdev is in another network namespace" },
	[R_SERVICE_TAG] = { "VRDMA-B060", "service-tag-missing", W,
		"the vmk used for a service lacks the service's tag" },
	[R_ADAPTER_NO_VMK] = { "VRDMA-B070", "adapter-no-vmk", I,
		"the RDMA adapter has no vmk bound" },
};

#undef E
#undef W
#undef I

int vrdma_rule_severity(int rule)
{
	return rule >= 0 && rule < R__COUNT ? rules[rule].severity : VRDMA_SEVERITY_INFO;
}

const char *vrdma_rule_code(int rule)
{
	return rule >= 0 && rule < R__COUNT ? rules[rule].code : NULL;
}

VRDMA_EXPORT int vrdma_rule_get_count(void)
{
	return R__COUNT;
}

VRDMA_EXPORT int vrdma_rule_get(int i, const char **code, const char **name, int *severity,
                                const char **summary)
{
	if (i < 0 || i >= R__COUNT)
		return -ENOENT;
	if (code)
		*code = rules[i].code;
	if (name)
		*name = rules[i].name;
	if (severity)
		*severity = rules[i].severity;
	if (summary)
		*summary = rules[i].summary;
	return 0;
}

VRDMA_EXPORT int vrdma_rule_find(const char *s)
{
	int i;

	if (!s)
		return -EINVAL;
	for (i = 0; i < R__COUNT; i++)
		if (strcasecmp(s, rules[i].code) == 0 || strcmp(s, rules[i].name) == 0 ||
		    strcasecmp(s, rules[i].code + 6) == 0)
			return i;
	return -ENOENT;
}

static const char *const severity_names[] = { "info", "warning", "error" };

VRDMA_EXPORT const char *vrdma_severity_to_string(int severity)
{
	return severity >= 0 && severity < (int)ARRAY_SIZE(severity_names)
	               ? severity_names[severity]
	               : NULL;
}

/* ---- findings ------------------------------------------------------------------ */

struct vrdma_diag *vrdma_diag_new(struct vrdma_diag_list *list, struct vrdma_binding *bd,
                                  int rule)
{
	struct vrdma_diag *d, **items;

	if (list->oom)
		return NULL;
	d = calloc(1, sizeof(*d));
	items = realloc(list->items, sizeof(*items) * (size_t)(list->n + 1));
	if (!d || !items) {
		free(d);
		if (items)
			list->items = items;
		list->oom = true;
		return NULL;
	}
	list->items = items;
	d->rule = rule;
	d->binding = bd;
	d->seq = list->n;
	list->items[list->n++] = d;
	return d;
}

void vrdma_diag_object(struct vrdma_diag_list *list, struct vrdma_diag *d, const char *kind,
                       const char *name)
{
	int i;

	if (!d || !name || !name[0] || d->n_objects >= VRDMA_DIAG_MAX_OBJECTS)
		return;
	for (i = 0; i < d->n_objects; i++)
		if (strcmp(d->kinds[i], kind) == 0 && strcmp(d->names[i], name) == 0)
			return;
	d->kinds[d->n_objects] = strdup(kind);
	d->names[d->n_objects] = strdup(name);
	if (!d->kinds[d->n_objects] || !d->names[d->n_objects]) {
		free(d->kinds[d->n_objects]);
		free(d->names[d->n_objects]);
		list->oom = true;
		return;
	}
	d->n_objects++;
}

static void set_text(struct vrdma_diag_list *list, char **dst, const char *fmt, va_list ap)
{
	char *s = NULL;

	if (vasprintf(&s, fmt, ap) < 0) {
		list->oom = true;
		return;
	}
	free(*dst);
	*dst = s;
}

void vrdma_diag_message(struct vrdma_diag_list *list, struct vrdma_diag *d, const char *fmt, ...)
{
	va_list ap;

	if (!d)
		return;
	va_start(ap, fmt);
	set_text(list, &d->message, fmt, ap);
	va_end(ap);
}

void vrdma_diag_hint(struct vrdma_diag_list *list, struct vrdma_diag *d, const char *fmt, ...)
{
	va_list ap;

	if (!d)
		return;
	va_start(ap, fmt);
	set_text(list, &d->hint, fmt, ap);
	va_end(ap);
}

void vrdma_diag_list_clear(struct vrdma_diag_list *list)
{
	int i, k;

	for (i = 0; i < list->n; i++) {
		struct vrdma_diag *d = list->items[i];
		for (k = 0; k < d->n_objects; k++) {
			free(d->kinds[k]);
			free(d->names[k]);
		}
		free(d->message);
		free(d->hint);
		free(d);
	}
	free(list->items);
	memset(list, 0, sizeof(*list));
}

static int diag_cmp(const void *pa, const void *pb)
{
	const struct vrdma_diag *a = *(struct vrdma_diag *const *)pa;
	const struct vrdma_diag *b = *(struct vrdma_diag *const *)pb;
	int ia = a->binding ? vrdma_binding_ref_index(a->binding) : 1 << 30;
	int ib = b->binding ? vrdma_binding_ref_index(b->binding) : 1 << 30;

	if (ia != ib)
		return ia < ib ? -1 : 1;
	if (a->rule != b->rule)
		return a->rule < b->rule ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

void vrdma_diag_list_sort(struct vrdma_diag_list *list)
{
	if (list->n > 1)
		qsort(list->items, (size_t)list->n, sizeof(*list->items), diag_cmp);
}

VRDMA_EXPORT const char *vrdma_diag_get_code(struct vrdma_diag *d)
{
	return d ? rules[d->rule].code : NULL;
}

VRDMA_EXPORT const char *vrdma_diag_get_name(struct vrdma_diag *d)
{
	return d ? rules[d->rule].name : NULL;
}

VRDMA_EXPORT int vrdma_diag_get_severity(struct vrdma_diag *d)
{
	return d ? rules[d->rule].severity : -EINVAL;
}

VRDMA_EXPORT const char *vrdma_diag_get_message(struct vrdma_diag *d)
{
	return d ? (d->message ? d->message : rules[d->rule].summary) : NULL;
}

VRDMA_EXPORT const char *vrdma_diag_get_hint(struct vrdma_diag *d)
{
	return d ? (d->hint ? d->hint : "") : NULL;
}

VRDMA_EXPORT int vrdma_diag_get_n_objects(struct vrdma_diag *d)
{
	return d ? d->n_objects : -EINVAL;
}

VRDMA_EXPORT int vrdma_diag_get_object(struct vrdma_diag *d, int i, const char **kind,
                                       const char **name)
{
	if (!d || i < 0 || i >= d->n_objects)
		return -EINVAL;
	if (kind)
		*kind = d->kinds[i];
	if (name)
		*name = d->names[i];
	return 0;
}

VRDMA_EXPORT bool vrdma_diag_involves(struct vrdma_diag *d, const char *name)
{
	int i;

	if (!d || !name)
		return false;
	for (i = 0; i < d->n_objects; i++)
		if (strcmp(d->names[i], name) == 0)
			return true;
	return false;
}

VRDMA_EXPORT struct vrdma_binding *vrdma_diag_get_binding(struct vrdma_diag *d)
{
	return d ? d->binding : NULL;
}

/* ---- the checks ------------------------------------------------------------------ */

struct chk {
	struct vrdma_bindings *b;
	struct vrdma_binding *bd;
	const char *vmk;
	const char *pg;
	const char *sw;
};

/* A finding on the current binding, its vmk always involved first. */
static struct vrdma_diag *add(struct chk *c, int rule)
{
	struct vrdma_diag *d = vrdma_diag_new(&c->b->diags, c->bd, rule);

	if (c->bd)
		vrdma_diag_object(&c->b->diags, d, "vmk", c->vmk);
	return d;
}

#define OBJ(d, kind, name) vrdma_diag_object(&c->b->diags, (d), (kind), (name))
#define MSG(d, ...) vrdma_diag_message(&c->b->diags, (d), __VA_ARGS__)
#define HINT(d, ...) vrdma_diag_hint(&c->b->diags, (d), __VA_ARGS__)

static const char *adapter_label(struct vrdma_adapter *a)
{
	const char *s = vrdma_adapter_get_alias(a);

	return s ? s : vrdma_adapter_get_name(a);
}

static const char *uplink_label(struct vrdma_uplink *u)
{
	const char *s = vrdma_uplink_get_alias(u);

	return s ? s : vrdma_uplink_get_name(u);
}

static void add_adapter_objs(struct chk *c, struct vrdma_diag *d)
{
	char buf[64];

	if (c->bd->adapter) {
		OBJ(d, "adapter", adapter_label(c->bd->adapter));
		OBJ(d, "adapter", vrdma_adapter_get_name(c->bd->adapter));
	}
	if (c->bd->port) {
		snprintf(buf, sizeof(buf), "%s/%d", adapter_label(c->bd->adapter),
		         vrdma_port_get_number(c->bd->port));
		OBJ(d, "port", buf);
	}
}

static void add_uplink_objs(struct chk *c, struct vrdma_diag *d)
{
	if (c->bd->uplink) {
		OBJ(d, "uplink", uplink_label(c->bd->uplink));
		OBJ(d, "netdev", vrdma_uplink_get_name(c->bd->uplink));
	} else if (c->bd->uplink_name) {
		OBJ(d, "uplink", c->bd->uplink_name);
	}
}

static bool netdev_down(struct vrdma_netdev *d)
{
	unsigned flags = 0;
	int st = vrdma_netdev_get_oper_state(d);

	if (vrdma_netdev_get_flags(d, &flags) == 0 && !(flags & IFF_UP))
		return true;
	return st == VRDMA_OPER_DOWN || st == VRDMA_OPER_LOWERLAYERDOWN ||
	       st == VRDMA_OPER_NOTPRESENT;
}

/* Failover list of a port group as "a, b" (device names). */
static void failover_list(struct vrdma_binding *bd, int role, char *buf, size_t len)
{
	int i, n = vrdma_portgroup_get_failover_count(bd->pg, role);

	buf[0] = 0;
	for (i = 0; i < n; i++) {
		const char *name = NULL, *dev = NULL;
		if (vrdma_portgroup_get_failover_uplink(bd->pg, role, (unsigned)i, &name) < 0)
			continue;
		if (vrdma_switch_get_uplink_device(bd->sw, name, &dev) < 0 || !dev)
			dev = name;
		snprintf(buf + strlen(buf), len - strlen(buf), "%s%s", i ? ", " : "", dev);
	}
}

static const char *switch_cmd(struct vrdma_switch *sw)
{
	return vrdma_switch_get_type(sw) == VRDMA_SWITCH_DISTRIBUTED ? "vswitch distributed"
	                                                              : "vswitch standard";
}

static void check_teaming(struct chk *c)
{
	struct vrdma_binding *bd = c->bd;
	struct vrdma_diag *d;
	char list[256];
	const char *paired = bd->uplink_name ? bd->uplink_name : "vmnicN";

	if (!bd->pg || !bd->sw)
		return;
	if (bd->n_active == 0) {
		d = add(c, R_PG_NO_ACTIVE);
		OBJ(d, "portgroup", c->pg);
		OBJ(d, "switch", c->sw);
		MSG(d, "vmk '%s': port group '%s' on switch '%s' has no active uplink: RDMA port "
		       "binding needs exactly one", c->vmk, c->pg, c->sw);
		HINT(d, "make the RDMA adapter's paired uplink the only active uplink: vrdmactl network "
		        "%s portgroup policy failover set -p '%s' -a vmnicN",
		     switch_cmd(bd->sw), c->pg);
	} else if (bd->n_active > 1) {
		failover_list(bd, VRDMA_UPLINK_ACTIVE, list, sizeof(list));
		d = add(c, R_PG_MULTI_ACTIVE);
		OBJ(d, "portgroup", c->pg);
		OBJ(d, "switch", c->sw);
		MSG(d, "vmk '%s': port group '%s' has %d active uplinks (%s): RDMA port binding needs "
		       "exactly one", c->vmk, c->pg, bd->n_active, list);
		HINT(d, "keep only the paired uplink active and leave the others unused: vrdmactl "
		        "network %s portgroup policy failover set -p '%s' -a %s",
		     switch_cmd(bd->sw), c->pg, paired);
	}
	if (bd->n_standby > 0) {
		failover_list(bd, VRDMA_UPLINK_STANDBY, list, sizeof(list));
		d = add(c, R_PG_STANDBY);
		OBJ(d, "portgroup", c->pg);
		OBJ(d, "switch", c->sw);
		MSG(d, "vmk '%s': port group '%s' has standby uplink%s %s: a bound vmk may fail over "
		       "only to nothing (other uplinks must be unused)", c->vmk, c->pg,
		    bd->n_standby > 1 ? "s" : "", list);
		HINT(d, "move the standby uplinks to unused: vrdmactl network %s portgroup policy "
		        "failover set -p '%s' -a %s (without -s)",
		     switch_cmd(bd->sw), c->pg, paired);
	}
}

static bool any_other_namespace(struct vrdma_host *h)
{
	int i, p;

	for (i = 0; i < vrdma_host_get_n_adapters(h); i++) {
		struct vrdma_adapter *a = vrdma_host_get_adapter(h, i);
		for (p = 1; p <= vrdma_adapter_get_n_ports(a); p++)
			if (vrdma_port_get_netdev_missing(vrdma_adapter_get_port(a, p)) ==
			    VRDMA_NETDEV_OTHER_NAMESPACE)
				return true;
	}
	return false;
}

/* Uplink presence and pairing; false when nothing further can be judged. */
static bool check_uplink(struct chk *c)
{
	struct vrdma_binding *bd = c->bd;
	struct vrdma_diag *d;

	if (!bd->uplink_name)
		return false;
	if (!bd->uplink) {
		struct vrdma_netdev *nd = NULL;
		bool exists = vrdma_host_find_netdev(c->b->host, bd->uplink_name, &nd) == 0;
		d = add(c, R_UPLINK_MISSING);
		OBJ(d, "uplink", bd->uplink_name);
		OBJ(d, "switch", c->sw);
		if (exists)
			MSG(d, "vmk '%s': active uplink '%s' of switch '%s' is a %s netdev, not a "
			       "physical NIC", c->vmk, bd->uplink_name, c->sw,
			    vrdma_netdev_get_kind(nd) ? vrdma_netdev_get_kind(nd) : "virtual");
		else
			MSG(d, "vmk '%s': active uplink '%s' of switch '%s' is not a NIC of this host",
			    c->vmk, bd->uplink_name, c->sw);
		HINT(d, "name a physical NIC (vrdmactl network nic list) as the switch's uplink%s",
		     any_other_namespace(c->b->host)
		             ? ", or move the NIC back from the other network namespace that holds "
		               "an adapter's netdev (see VRDMA-B052)"
		             : "");
		return false;
	}
	if (!bd->adapter) {
		d = add(c, R_UPLINK_NO_ADAPTER);
		add_uplink_objs(c, d);
		MSG(d, "vmk '%s': active uplink %s (%s) has no paired RDMA adapter", c->vmk,
		    uplink_label(bd->uplink), vrdma_uplink_get_name(bd->uplink));
		HINT(d, "use an uplink that 'vrdmactl rdma device list' shows as a Paired Uplink, or "
		        "give this NIC an RDMA function (Soft-RoCE: rdma link add rxe0 type rxe netdev %s)",
		     vrdma_uplink_get_name(bd->uplink));
		return false;
	}
	if (!(vrdma_adapter_get_protocols(bd->adapter) & VRDMA_PROTO_ROCE_V2)) {
		d = add(c, R_NOT_ROCEV2);
		add_adapter_objs(c, d);
		add_uplink_objs(c, d);
		MSG(d, "vmk '%s': adapter %s (%s, paired with %s) does not support RoCE v2", c->vmk,
		    adapter_label(bd->adapter), vrdma_adapter_get_name(bd->adapter),
		    uplink_label(bd->uplink));
		HINT(d, "bind the vmk through a RoCE v2 capable adapter (vrdmactl rdma device protocol "
		        "list) or enable RoCE v2 in the adapter's firmware");
	}
	return true;
}

/* Lower physical netdevs of the vmk's netdev as "eth1, eth2". */
static bool stacked_on_uplink(struct vrdma_binding *bd, char *buf, size_t len)
{
	struct vrdma_netdev *low[8];
	int i, n = vrdma_netdev_physical_lowers(bd->netdev, low, 8);
	bool found = false;

	buf[0] = 0;
	for (i = 0; i < n; i++) {
		if (low[i] == bd->uplink_netdev)
			found = true;
		snprintf(buf + strlen(buf), len - strlen(buf), "%s%s", i ? ", " : "",
		         vrdma_netdev_get_name(low[i]));
	}
	return found;
}

/* The adapter (other than `not`) holding a RoCE GID for the address, or NULL. */
static struct vrdma_adapter *gid_elsewhere(struct vrdma_host *h, struct vrdma_adapter *not,
                                           const struct vrdma_baddr *a, int *port, int *index)
{
	uint8_t want[16];
	int i, p, k;

	vrdma_addr_to_gid_raw(a->family, a->raw, want);
	for (i = 0; i < vrdma_host_get_n_adapters(h); i++) {
		struct vrdma_adapter *ad = vrdma_host_get_adapter(h, i);
		if (ad == not)
			continue;
		for (p = 1; p <= vrdma_adapter_get_n_ports(ad); p++) {
			struct vrdma_port *pt = vrdma_adapter_get_port(ad, p);
			for (k = 0; k < vrdma_port_get_n_gids(pt); k++) {
				struct vrdma_gid *g = vrdma_port_get_gid(pt, k);
				if (vrdma_gid_get_type(g) != VRDMA_GID_IB &&
				    memcmp(vrdma_gid_get_raw(g), want, 16) == 0) {
					*port = p;
					*index = vrdma_gid_get_index(g);
					return ad;
				}
			}
		}
	}
	return NULL;
}

static void check_realisation(struct chk *c)
{
	struct vrdma_binding *bd = c->bd;
	struct vrdma_diag *d;
	char low[128];
	int i;

	if (!bd->netdev) {
		d = add(c, R_VMK_NOT_REALISED);
		add_uplink_objs(c, d);
		MSG(d, "vmk '%s': no netdev carries it on this host (expected '%s' stacked on %s)",
		    c->vmk, vrdma_vmk_get_ifname(bd->vmk), vrdma_uplink_get_name(bd->uplink));
		HINT(d, "apply the configuration: vrdmactl apply");
		return;
	}
	if (!stacked_on_uplink(bd, low, sizeof(low))) {
		d = add(c, R_UPLINK_NOT_PAIRED);
		OBJ(d, "netdev", vrdma_netdev_get_name(bd->netdev));
		add_uplink_objs(c, d);
		add_adapter_objs(c, d);
		MSG(d, "vmk '%s': its netdev %s is stacked on %s, not on the active uplink %s (%s) "
		       "paired with %s", c->vmk, vrdma_netdev_get_name(bd->netdev),
		    low[0] ? low : "no physical NIC", uplink_label(bd->uplink),
		    vrdma_uplink_get_name(bd->uplink), adapter_label(bd->adapter));
		HINT(d, "re-apply the configuration (vrdmactl apply) so that %s is stacked on %s, or "
		        "make the uplink it is stacked on the port group's active uplink",
		     vrdma_netdev_get_name(bd->netdev), vrdma_uplink_get_name(bd->uplink));
		return;
	}
	/* Addresses whose GID lives only on an adapter of another uplink. */
	for (i = 0; i < bd->n_addrs; i++) {
		struct vrdma_baddr *a = &bd->addrs[i];
		struct vrdma_adapter *other;
		struct vrdma_uplink *ou;
		int p = 0, idx = 0;

		if (a->gid_index >= 0 || !a->live)
			continue;
		if (vrdma_adapter_find_gid_index(bd->adapter, vrdma_port_get_number(bd->port),
		                                 a->str, VRDMA_GID_ROCE_V2, &idx) == 0)
			continue;
		other = gid_elsewhere(c->b->host, bd->adapter, a, &p, &idx);
		if (!other)
			continue;
		ou = vrdma_adapter_get_paired_uplink(other);
		d = add(c, R_UPLINK_NOT_PAIRED);
		OBJ(d, "address", a->str);
		add_uplink_objs(c, d);
		add_adapter_objs(c, d);
		OBJ(d, "adapter", adapter_label(other));
		MSG(d, "vmk '%s': address %s is GID %d of %s port %d (paired with %s), not of %s "
		       "paired with the active uplink %s", c->vmk, a->str, idx, adapter_label(other),
		    p, ou ? uplink_label(ou) : "no uplink", adapter_label(bd->adapter),
		    uplink_label(bd->uplink));
		HINT(d, "set the port group's active uplink to %s, or move the address onto %s's "
		        "stack (vrdmactl apply)",
		     ou ? uplink_label(ou) : "the adapter's paired uplink",
		     vrdma_uplink_get_name(bd->uplink));
		return;
	}
}

static bool same_raw(const struct vrdma_baddr *a, int family, const uint8_t *raw)
{
	return a->family == family && memcmp(a->raw, raw, family == AF_INET ? 4 : 16) == 0;
}

static void check_addresses(struct chk *c)
{
	struct vrdma_binding *bd = c->bd;
	struct vrdma_bindings *b = c->b;
	struct vrdma_diag *d;
	int i, j, k, n;

	if (bd->n_addrs == 0) {
		d = add(c, R_VMK_NO_ADDRESS);
		MSG(d, "vmk '%s': no static IPv4 or IPv6 address: an RDMA adapter needs one to "
		       "reach NVMe over RDMA or iSER targets", c->vmk);
		HINT(d, "vrdmactl network ip interface ipv4 set -i %s -t static -I ADDR -N MASK "
		        "(or: ... ipv6 address add -i %s -I ADDR/PREFIX)", c->vmk, c->vmk);
		return;
	}
	for (i = 0; i < bd->n_addrs; i++) {
		struct vrdma_baddr *a = &bd->addrs[i];

		/* Another vmk of the configuration with the same address. */
		for (j = 0; j < b->n; j++) {
			struct vrdma_binding *o = &b->items[j];
			if (o == bd)
				continue;
			for (k = 0; k < o->n_addrs; k++)
				if (same_raw(&o->addrs[k], a->family, a->raw)) {
					d = add(c, R_DUP_ADDRESS);
					OBJ(d, "address", a->str);
					OBJ(d, "vmk", vrdma_vmk_get_name(o->vmk));
					MSG(d, "vmk '%s': address %s is also configured on vmk '%s'",
					    c->vmk, a->str, vrdma_vmk_get_name(o->vmk));
					HINT(d, "give each vmk its own address");
				}
		}
		/* Another netdev of the host with the same address (only once the
		 * vmk is realised: before that, an old realisation may hold it). */
		n = bd->netdev ? vrdma_host_get_n_netdevs(b->host) : 0;
		for (j = 0; j < n; j++) {
			struct vrdma_netdev *nd = vrdma_host_get_netdev(b->host, j);
			if (nd == bd->netdev)
				continue;
			for (k = 0; k < vrdma_netdev_get_n_addrs(nd); k++) {
				struct vrdma_addr *la = vrdma_netdev_get_addr(nd, k);
				if (vrdma_addr_get_family(la) != a->family ||
				    !same_raw(a, a->family, vrdma_addr_get_raw(la, NULL)))
					continue;
				d = add(c, R_DUP_ADDRESS);
				OBJ(d, "address", a->str);
				OBJ(d, "netdev", vrdma_netdev_get_name(nd));
				MSG(d, "vmk '%s': address %s is also on netdev %s", c->vmk, a->str,
				    vrdma_netdev_get_name(nd));
				HINT(d, "remove it there (ip address del %s/%d dev %s) or give the vmk "
				        "another address", a->str, vrdma_addr_get_prefixlen(la),
				     vrdma_netdev_get_name(nd));
			}
		}
		if (!bd->netdev)
			continue;
		/* The kernel flushes IPv6 addresses of a netdev that goes down
		 * (net.ipv6.conf.*.keep_addr_on_down=0): B030/B032 say why. */
		if (!a->live && a->family == AF_INET6 &&
		    (netdev_down(bd->netdev) ||
		     (bd->uplink_netdev && netdev_down(bd->uplink_netdev))))
			continue;
		if (!a->live) {
			d = add(c, R_ADDR_MISSING);
			OBJ(d, "address", a->str);
			OBJ(d, "netdev", vrdma_netdev_get_name(bd->netdev));
			MSG(d, "vmk '%s': configured address %s/%d is not on its netdev %s", c->vmk,
			    a->str, a->prefixlen, vrdma_netdev_get_name(bd->netdev));
			HINT(d, "re-apply the configuration (vrdmactl apply) to restore it");
			continue;
		}
		if (a->family != AF_INET6)
			continue;
		if (vrdma_addr_is_dadfailed(a->live)) {
			d = add(c, R_IPV6_DADFAILED);
			OBJ(d, "address", a->str);
			OBJ(d, "netdev", vrdma_netdev_get_name(bd->netdev));
			MSG(d, "vmk '%s': IPv6 address %s on %s failed duplicate address detection: "
			       "another node uses it", c->vmk, a->str, vrdma_netdev_get_name(bd->netdev));
			HINT(d, "choose an unused address: vrdmactl network ip interface ipv6 address "
			        "remove -i %s -I %s, then add another", c->vmk, a->str);
		} else if (vrdma_addr_is_tentative(a->live) && !netdev_down(bd->netdev)) {
			d = add(c, R_IPV6_TENTATIVE);
			OBJ(d, "address", a->str);
			OBJ(d, "netdev", vrdma_netdev_get_name(bd->netdev));
			MSG(d, "vmk '%s': IPv6 address %s on %s is tentative (duplicate address "
			       "detection not finished): it cannot be a source yet", c->vmk, a->str,
			    vrdma_netdev_get_name(bd->netdev));
			HINT(d, "wait a few seconds and check again; if it stays tentative the link "
			        "has no carrier (ip -6 address show dev %s)",
			     vrdma_netdev_get_name(bd->netdev));
		}
	}
}

static void check_subnets(struct vrdma_bindings *b)
{
	int i, j, x, y;

	for (j = 0; j < b->n; j++) {
		struct vrdma_binding *bj = &b->items[j];
		for (i = 0; i < j; i++) {
			struct vrdma_binding *bi = &b->items[i];
			if (!bi->sw || !bj->sw || bi->sw == bj->sw)
				continue;
			for (x = 0; x < bi->n_addrs; x++)
				for (y = 0; y < bj->n_addrs; y++) {
					struct vrdma_baddr *a = &bi->addrs[x], *c2 = &bj->addrs[y];
					struct chk cc = { b, bj, vrdma_vmk_get_name(bj->vmk), NULL,
					                  vrdma_switch_get_name(bj->sw) };
					struct chk *c = &cc;
					struct vrdma_diag *d;
					if (a->family != c2->family ||
					    !vrdma_prefix_contains(a->family, a->raw, a->prefixlen, c2->raw) ||
					    !vrdma_prefix_contains(a->family, c2->raw, c2->prefixlen, a->raw))
						continue;
					d = add(c, R_SUBNET_SPLIT);
					OBJ(d, "vmk", vrdma_vmk_get_name(bi->vmk));
					OBJ(d, "switch", c->sw);
					OBJ(d, "switch", vrdma_switch_get_name(bi->sw));
					MSG(d, "vmk '%s' (%s/%d, switch '%s') and vmk '%s' (%s/%d, switch "
					       "'%s') share a subnet on different switches (vSphere binding "
					       "rule): traffic that does not choose its source leaves through "
					       "whichever the main table picks", c->vmk, c2->str, c2->prefixlen, c->sw,
					    vrdma_vmk_get_name(bi->vmk), a->str, a->prefixlen,
					    vrdma_switch_get_name(bi->sw));
					HINT(d, "put vmks of one subnet on one switch, or give each switch "
					        "its own subnet");
					x = bi->n_addrs;
					break;
				}
		}
	}
}

static void check_mtu(struct chk *c)
{
	struct vrdma_binding *bd = c->bd;
	struct vrdma_diag *d;
	int swmtu = bd->sw ? vrdma_switch_get_mtu(bd->sw) : 0;
	int upmtu = bd->uplink_netdev ? vrdma_netdev_get_mtu(bd->uplink_netdev) : 0;
	int expect, active;
	bool chain_ok = true;

	if (swmtu > 0 && bd->mtu > swmtu) {
		d = add(c, R_MTU_VMK_SWITCH);
		OBJ(d, "switch", c->sw);
		if (bd->netdev)
			OBJ(d, "netdev", vrdma_netdev_get_name(bd->netdev));
		MSG(d, "vmk '%s': MTU %d%s%s is above switch '%s' MTU %d", c->vmk, bd->mtu,
		    bd->netdev ? " on netdev " : "", bd->netdev ? vrdma_netdev_get_name(bd->netdev) : "",
		    c->sw, swmtu);
		HINT(d, "lower the vmk MTU (vrdmactl network ip interface set -i %s -m %d, then "
		        "vrdmactl apply) or raise the switch MTU (vrdmactl network %s set -v '%s' -m %d)",
		     c->vmk, swmtu, switch_cmd(bd->sw), c->sw, bd->mtu);
		chain_ok = false;
	}
	if (swmtu > 0 && upmtu > 0 && swmtu > upmtu) {
		d = add(c, R_MTU_SWITCH_UPLINK);
		OBJ(d, "switch", c->sw);
		add_uplink_objs(c, d);
		MSG(d, "vmk '%s': switch '%s' MTU %d is above its active uplink %s (%s) MTU %d",
		    c->vmk, c->sw, swmtu, uplink_label(bd->uplink), vrdma_uplink_get_name(bd->uplink),
		    upmtu);
		HINT(d, "raise the uplink MTU (vrdmactl apply raises it to the switch MTU; or ip link "
		        "set %s mtu %d) or lower the switch MTU to %d",
		     vrdma_uplink_get_name(bd->uplink), swmtu, upmtu);
		chain_ok = false;
	}
	if (!bd->port || !chain_ok)
		return;
	expect = vrdma_roce_mtu_for_netdev_mtu(bd->mtu);
	active = vrdma_port_get_active_mtu(bd->port);
	if (expect > 0 && active > 0 && active < expect) {
		d = add(c, R_ROCE_MTU_LOW);
		add_adapter_objs(c, d);
		add_uplink_objs(c, d);
		MSG(d, "vmk '%s': %s port %d runs at RoCE MTU %d, below the %d that the vmk MTU %d "
		       "allows (MTU - %d bytes of RoCE headers)", c->vmk, adapter_label(bd->adapter),
		    vrdma_port_get_number(bd->port), active, expect, bd->mtu, VRDMA_ROCE_HEADERS);
		HINT(d, "the port follows its netdev %s (MTU %d): raise that netdev's MTU to at least "
		        "%d, or check the adapter's maximum (%d)",
		     vrdma_port_get_netdev_name(bd->port) ? vrdma_port_get_netdev_name(bd->port) : "?",
		     upmtu, expect + VRDMA_ROCE_HEADERS, vrdma_port_get_max_mtu(bd->port));
	}
}

/* Link states; true when the path is up enough to judge GIDs. */
static bool check_links(struct chk *c)
{
	struct vrdma_binding *bd = c->bd;
	struct vrdma_diag *d;
	bool ok = true;

	if (bd->uplink_netdev && netdev_down(bd->uplink_netdev)) {
		d = add(c, R_UPLINK_DOWN);
		add_uplink_objs(c, d);
		add_adapter_objs(c, d);
		MSG(d, "vmk '%s': active uplink %s (%s) is %s", c->vmk, uplink_label(bd->uplink),
		    vrdma_uplink_get_name(bd->uplink),
		    vrdma_oper_state_to_string(vrdma_netdev_get_oper_state(bd->uplink_netdev)));
		HINT(d, "bring it up (ip link set %s up) and check its cable or peer port",
		     vrdma_uplink_get_name(bd->uplink));
		return false; /* the port and the vmk's netdev follow it */
	}
	if (bd->port && vrdma_port_get_state(bd->port) != VRDMA_PORT_ACTIVE) {
		d = add(c, R_PORT_DOWN);
		add_adapter_objs(c, d);
		MSG(d, "vmk '%s': %s port %d is %s (physical state %s)", c->vmk,
		    adapter_label(bd->adapter), vrdma_port_get_number(bd->port),
		    vrdma_port_get_state_string(bd->port),
		    vrdma_port_phys_state_to_string(vrdma_port_get_phys_state(bd->port))
		            ? vrdma_port_phys_state_to_string(vrdma_port_get_phys_state(bd->port))
		            : "unknown");
		HINT(d, "check the adapter (rdma link show %s/%d) and its firmware; the port state "
		        "follows the paired netdev's carrier", vrdma_adapter_get_name(bd->adapter),
		     vrdma_port_get_number(bd->port));
		ok = false;
	}
	if (bd->netdev && bd->netdev != bd->uplink_netdev && netdev_down(bd->netdev)) {
		d = add(c, R_VMK_DOWN);
		OBJ(d, "netdev", vrdma_netdev_get_name(bd->netdev));
		MSG(d, "vmk '%s': its netdev %s is %s", c->vmk, vrdma_netdev_get_name(bd->netdev),
		    vrdma_oper_state_to_string(vrdma_netdev_get_oper_state(bd->netdev)));
		HINT(d, "bring it up: vrdmactl apply (or ip link set %s up)",
		     vrdma_netdev_get_name(bd->netdev));
		ok = false;
	}
	return ok;
}

/* Can Soft-RoCE on `port` receive remote traffic for a GID on `nd`? */
static bool rxe_remote_ok(struct vrdma_port *port, struct vrdma_netdev *nd)
{
	struct vrdma_netdev *own = vrdma_port_get_netdev(port);
	const char *kind = vrdma_netdev_get_kind(nd);

	if (!own || nd == own)
		return true;
	return kind && strcmp(kind, "vlan") == 0 && vrdma_netdev_get_link(nd) == own;
}

static void check_gids(struct chk *c)
{
	struct vrdma_binding *bd = c->bd;
	struct vrdma_diag *d;
	const char *drv = vrdma_adapter_get_driver(bd->adapter);
	int len = vrdma_port_get_gid_table_len(bd->port);
	int ngids = vrdma_port_get_n_gids(bd->port);
	bool full = len > 0 && ngids >= len;
	int i, k;

	if (full) {
		d = add(c, R_GID_TABLE_FULL);
		add_adapter_objs(c, d);
		MSG(d, "vmk '%s': %s port %d GID table is full (%d of %d entries): new addresses get "
		       "no GID", c->vmk, adapter_label(bd->adapter), vrdma_port_get_number(bd->port),
		    ngids, len);
		HINT(d, "remove unused addresses (and VLAN/macvlan devices) stacked on %s",
		     vrdma_port_get_netdev_name(bd->port) ? vrdma_port_get_netdev_name(bd->port)
		                                          : "the uplink");
	}
	for (i = 0; i < bd->n_addrs; i++) {
		struct vrdma_baddr *a = &bd->addrs[i];
		uint8_t want[16];
		struct vrdma_adapter *other;
		int p = 0, idx = 0;

		if (!a->live || vrdma_addr_is_dadfailed(a->live))
			continue;
		if (a->gid_index >= 0) {
			struct vrdma_gid *g = NULL;
			if (drv && strcmp(drv, "rdma_rxe") == 0 &&
			    vrdma_port_find_gid(bd->port, a->gid_index, &g) == 0 &&
			    vrdma_gid_get_netdev(g) && !rxe_remote_ok(bd->port, vrdma_gid_get_netdev(g))) {
				struct vrdma_netdev *gn = vrdma_gid_get_netdev(g);
				d = add(c, R_GID_NO_REMOTE);
				add_adapter_objs(c, d);
				OBJ(d, "gid", a->str);
				OBJ(d, "netdev", vrdma_netdev_get_name(gn));
				MSG(d, "vmk '%s': address %s is GID %d of %s on %s netdev %s: Soft-RoCE "
				       "drops remote traffic for GIDs on anything but its own netdev %s or "
				       "an 802.1Q device on it (loopback only)", c->vmk, a->str,
				    a->gid_index, adapter_label(bd->adapter),
				    vrdma_netdev_get_kind(gn) ? vrdma_netdev_get_kind(gn) : "a",
				    vrdma_netdev_get_name(gn), vrdma_port_get_netdev_name(bd->port));
				HINT(d, "carry the vmk on %s itself (untagged port group) or on an 802.1Q "
				        "device directly on it (tagged port group), then vrdmactl apply",
				     vrdma_port_get_netdev_name(bd->port));
			}
			goto ambiguous;
		}
		/* No GID on the vmk's netdev: one on another netdev of this port? */
		vrdma_addr_to_gid_raw(a->family, a->raw, want);
		for (k = 0; k < ngids; k++) {
			struct vrdma_gid *g = vrdma_port_get_gid(bd->port, k);
			if (vrdma_gid_get_type(g) == VRDMA_GID_ROCE_V2 &&
			    memcmp(vrdma_gid_get_raw(g), want, 16) == 0)
				break;
		}
		if (k < ngids) {
			struct vrdma_gid *g = vrdma_port_get_gid(bd->port, k);
			const char *gn = vrdma_gid_get_netdev_name(g);
			d = add(c, R_GID_WRONG_NETDEV);
			add_adapter_objs(c, d);
			OBJ(d, "gid", a->str);
			OBJ(d, "netdev", vrdma_netdev_get_name(bd->netdev));
			if (gn)
				OBJ(d, "netdev", gn);
			MSG(d, "vmk '%s': address %s is GID %d of %s port %d owned by netdev %s, not by "
			       "the vmk's netdev %s", c->vmk, a->str, vrdma_gid_get_index(g),
			    adapter_label(bd->adapter), vrdma_port_get_number(bd->port),
			    gn ? gn : "(none)", vrdma_netdev_get_name(bd->netdev));
			HINT(d, "the address sits on the wrong netdev: remove it from %s (ip address del "
			        "%s dev %s) and vrdmactl apply", gn ? gn : "it", a->str, gn ? gn : "DEV");
			continue;
		}
		if (vrdma_binding_has_rule(bd, R_UPLINK_NOT_PAIRED))
			continue;
		d = add(c, R_GID_MISSING);
		add_adapter_objs(c, d);
		OBJ(d, "address", a->str);
		OBJ(d, "netdev", vrdma_netdev_get_name(bd->netdev));
		MSG(d, "vmk '%s': address %s on %s has no RoCE v2 GID on %s port %d", c->vmk, a->str,
		    vrdma_netdev_get_name(bd->netdev), adapter_label(bd->adapter),
		    vrdma_port_get_number(bd->port));
		HINT(d, "%s", full ? "the GID table is full (VRDMA-B044): free entries first"
		                   : "the kernel makes the GID only for addresses on the adapter's netdev "
		                     "or a device stacked on it: vrdmactl apply, then check "
		                     "'rdma -j link' and the GID table");
		continue;
ambiguous:
		other = gid_elsewhere(c->b->host, bd->adapter, a, &p, &idx);
		if (other) {
			d = add(c, R_GID_AMBIGUOUS);
			add_adapter_objs(c, d);
			OBJ(d, "adapter", adapter_label(other));
			OBJ(d, "address", a->str);
			MSG(d, "vmk '%s': address %s is GID %d of %s and also GID %d of %s port %d: "
			       "the source adapter is ambiguous", c->vmk, a->str, a->gid_index,
			    adapter_label(bd->adapter), idx, adapter_label(other), p);
			HINT(d, "keep the address only on netdevs stacked on %s (remove it from the "
			        "netdevs of %s)", vrdma_uplink_get_name(bd->uplink), adapter_label(other));
		}
	}
}

static void check_binding(struct vrdma_bindings *b, struct vrdma_binding *bd)
{
	struct chk c = {
		.b = b,
		.bd = bd,
		.vmk = vrdma_vmk_get_name(bd->vmk),
		.pg = bd->pg ? vrdma_portgroup_get_name(bd->pg) : "?",
		.sw = bd->sw ? vrdma_switch_get_name(bd->sw) : "?",
	};
	bool links;

	check_teaming(&c);
	check_addresses(&c);
	if (!check_uplink(&c))
		return;
	check_realisation(&c);
	check_mtu(&c);
	links = check_links(&c);
	if (bd->netdev && bd->port && links &&
	    (vrdma_adapter_get_protocols(bd->adapter) & VRDMA_PROTO_ROCE_V2) &&
	    !vrdma_binding_has_rule(bd, R_UPLINK_NOT_PAIRED))
		check_gids(&c);
}

static void check_host(struct vrdma_bindings *b)
{
	struct chk cc = { b, NULL, NULL, NULL, NULL };
	struct chk *c = &cc;
	int i, j, p;

	for (i = 0; i < vrdma_host_get_n_adapters(b->host); i++) {
		struct vrdma_adapter *a = vrdma_host_get_adapter(b->host, i);
		struct vrdma_uplink *u = vrdma_adapter_get_paired_uplink(a);
		struct vrdma_diag *d;
		bool used = false;

		for (p = 1; p <= vrdma_adapter_get_n_ports(a); p++) {
			struct vrdma_port *pt = vrdma_adapter_get_port(a, p);
			if (vrdma_port_get_netdev_missing(pt) != VRDMA_NETDEV_OTHER_NAMESPACE)
				continue;
			d = add(c, R_OTHER_NAMESPACE);
			OBJ(d, "adapter", adapter_label(a));
			OBJ(d, "adapter", vrdma_adapter_get_name(a));
			MSG(d, "adapter %s (%s) port %d: its netdev is in another network namespace: "
			       "it cannot be paired with an uplink here", adapter_label(a),
			    vrdma_adapter_get_name(a), p);
			HINT(d, "move the netdev back into this namespace (ip -n NS link set DEV netns "
			        "1); Soft-RoCE works only in the initial network namespace");
		}
		for (j = 0; j < b->n; j++)
			if (b->items[j].adapter == a)
				used = true;
		if (used)
			continue;
		d = add(c, R_ADAPTER_NO_VMK);
		OBJ(d, "adapter", adapter_label(a));
		OBJ(d, "adapter", vrdma_adapter_get_name(a));
		if (u)
			OBJ(d, "uplink", uplink_label(u));
		MSG(d, "adapter %s (%s) has no VMkernel binding%s%s", adapter_label(a),
		    vrdma_adapter_get_name(a), u ? ": no vmk's port group has its paired uplink " : "",
		    u ? uplink_label(u) : "");
		if (u)
			HINT(d, "add a vmk on a port group whose only active uplink is %s",
			     uplink_label(u));
		else
			HINT(d, "the adapter has no paired uplink in this namespace");
	}
}

void vrdma_bindings_run_rules(struct vrdma_bindings *b)
{
	int i;

	for (i = 0; i < b->n; i++)
		check_binding(b, &b->items[i]);
	check_subnets(b);
	check_host(b);
}
