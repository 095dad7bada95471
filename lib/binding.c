/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Bindings: for every vmk of a configuration, resolve its port group's
 * teaming policy to an uplink of the host, the RDMA adapter and port paired
 * with it, the netdev carrying the vmk in the kernel, its addresses and
 * their RoCE v2 GID indexes.  The rules (binding-rules.c) then judge each
 * binding.  Only the public host and model API is used, so a live host and
 * a loaded snapshot are treated alike.
 */
#include <arpa/inet.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "internal.h"

/* ---- small helpers ----------------------------------------------------------- */

void vrdma_addr_to_gid_raw(int family, const uint8_t *raw, uint8_t gid[16])
{
	if (family == AF_INET) {
		memset(gid, 0, 10);
		gid[10] = 0xff;
		gid[11] = 0xff;
		memcpy(gid + 12, raw, 4);
	} else {
		memcpy(gid, raw, 16);
	}
}

bool vrdma_prefix_contains(int family, const uint8_t *net, int prefixlen, const uint8_t *target)
{
	int len = family == AF_INET ? 4 : 16, i, bits = prefixlen;

	if (prefixlen < 0 || prefixlen > len * 8)
		return false;
	for (i = 0; i < len && bits > 0; i++, bits -= 8) {
		uint8_t mask = bits >= 8 ? 0xff : (uint8_t)(0xff << (8 - bits));
		if ((net[i] & mask) != (target[i] & mask))
			return false;
	}
	return true;
}

static int collect_lowers(struct vrdma_netdev *d, struct vrdma_netdev **out, int n, int max,
                          int depth)
{
	int i, k;

	if (!d || depth > 8)
		return n;
	if (vrdma_netdev_is_physical(d)) {
		for (k = 0; k < n; k++)
			if (out[k] == d)
				return n;
		if (n < max)
			out[n++] = d;
		return n;
	}
	for (i = 0; i < vrdma_netdev_get_n_lowers(d); i++)
		n = collect_lowers(vrdma_netdev_get_lower(d, i), out, n, max, depth + 1);
	return n;
}

int vrdma_netdev_physical_lowers(struct vrdma_netdev *d, struct vrdma_netdev **out, int max)
{
	return collect_lowers(d, out, 0, max, 0);
}

bool vrdma_binding_has_rule(struct vrdma_binding *bd, int rule)
{
	struct vrdma_diag_list *l = &bd->set->diags;
	int i;

	for (i = 0; i < l->n; i++)
		if (l->items[i]->binding == bd && l->items[i]->rule == rule)
			return true;
	return false;
}

int vrdma_binding_ref_index(struct vrdma_binding *bd)
{
	return (int)(bd - bd->set->items);
}

VRDMA_EXPORT int vrdma_roce_mtu_for_netdev_mtu(int netdev_mtu)
{
	int m;

	for (m = 4096; m >= 256; m /= 2)
		if (netdev_mtu - VRDMA_ROCE_HEADERS >= m)
			return m;
	return -ERANGE;
}

static const char *const state_names[] = { "unbound", "degraded", "bound" };

VRDMA_EXPORT const char *vrdma_binding_state_to_string(int state)
{
	return state >= 0 && state < (int)ARRAY_SIZE(state_names) ? state_names[state] : NULL;
}

static const char *const service_names[] = { NULL, "nvme-rdma", "iser" };

VRDMA_EXPORT const char *vrdma_service_to_string(int service)
{
	return service > 0 && service < (int)ARRAY_SIZE(service_names) ? service_names[service]
	                                                                : NULL;
}

VRDMA_EXPORT int vrdma_service_from_string(const char *name)
{
	size_t i;

	if (!name)
		return -EINVAL;
	for (i = 1; i < ARRAY_SIZE(service_names); i++)
		if (strcasecmp(name, service_names[i]) == 0)
			return (int)i;
	if (strcasecmp(name, "NVMeRDMA") == 0 || strcasecmp(name, "nvme") == 0)
		return VRDMA_SERVICE_NVME_RDMA;
	return -EINVAL;
}

/* ---- resolution ---------------------------------------------------------------- */

/*
 * Which netdev carries the vmk's addresses: the single place that knows how
 * apply realises a vmk.  Apply answers (vrdma_apply_get_vmk_netdev(), on
 * the same host view, so a snapshot works offline); when it cannot (no
 * usable uplink, an enslaved uplink), the same rule is applied here: each
 * vmk is stacked on its port group's first active uplink; for a
 * Soft-RoCE/siw uplink and an untagged port group the vmk's addresses sit
 * on the uplink netdev itself; in every other case a netdev named after the
 * vmk carries them (a macvlan on the uplink or on uplink.VID, or for soft
 * adapters an 802.1Q device on the uplink).
 */
static bool soft_adapter(struct vrdma_adapter *a)
{
	const char *drv = a ? vrdma_adapter_get_driver(a) : NULL;

	return drv && (strcmp(drv, "rdma_rxe") == 0 || strcmp(drv, "siw") == 0);
}

static struct vrdma_netdev *vmk_netdev(struct vrdma_binding *bd)
{
	struct vrdma_netdev *d = NULL;
	const char *ifname = vrdma_vmk_get_ifname(bd->vmk);
	char *name = NULL;
	int r;

	r = vrdma_apply_get_vmk_netdev(bd->vmk, bd->set->host, &name, NULL, NULL);
	vrdma_error_clear(bd->set->ctx);
	if (r == 0) {
		r = vrdma_host_find_netdev(bd->set->host, name, &d);
		dbg(bd->set->ctx, "vmk %s: apply realises it on %s%s", ifname, name,
		    r < 0 ? " (absent)" : "");
		free(name);
		return r == 0 ? d : NULL;
	}
	if (bd->uplink_netdev && soft_adapter(bd->adapter) && bd->pg &&
	    vrdma_portgroup_get_vlan_mode(bd->pg) == VRDMA_VLAN_NONE)
		return bd->uplink_netdev;
	if (ifname && vrdma_host_find_netdev(bd->set->host, ifname, &d) == 0)
		return d;
	return NULL;
}

static int add_addr(struct vrdma_binding *bd, const char *text, unsigned prefix)
{
	struct vrdma_baddr *a;

	if (bd->n_addrs >= VRDMA_BADDR_MAX || !text)
		return 0;
	a = &bd->addrs[bd->n_addrs];
	memset(a, 0, sizeof(*a));
	a->family = strchr(text, ':') ? AF_INET6 : AF_INET;
	if (inet_pton(a->family, text, a->raw) != 1)
		return 0;
	inet_ntop(a->family, a->raw, a->str, sizeof(a->str));
	a->prefixlen = (int)prefix;
	a->gid_index = -1;
	bd->n_addrs++;
	return 0;
}

static void resolve_uplink(struct vrdma_binding *bd)
{
	struct vrdma_host *host = bd->set->host;
	const char *name = NULL, *dev = NULL;

	if (!bd->pg || !bd->sw)
		return;
	bd->n_active = vrdma_portgroup_get_failover_count(bd->pg, VRDMA_UPLINK_ACTIVE);
	bd->n_standby = vrdma_portgroup_get_failover_count(bd->pg, VRDMA_UPLINK_STANDBY);
	if (bd->n_active < 0)
		bd->n_active = 0;
	if (bd->n_standby < 0)
		bd->n_standby = 0;
	if (bd->n_active < 1 ||
	    vrdma_portgroup_get_failover_uplink(bd->pg, VRDMA_UPLINK_ACTIVE, 0, &name) < 0)
		return;
	if (vrdma_switch_get_uplink_device(bd->sw, name, &dev) < 0 || !dev)
		dev = name;
	bd->uplink_name = strdup(dev);
	if (vrdma_host_find_uplink(host, dev, &bd->uplink) < 0) {
		bd->uplink = NULL;
		return;
	}
	bd->uplink_netdev = vrdma_uplink_get_netdev(bd->uplink);
	bd->adapter = vrdma_uplink_get_paired_adapter(bd->uplink);
	bd->port = vrdma_uplink_get_paired_port(bd->uplink);
}

static void resolve_addrs(struct vrdma_binding *bd)
{
	const char *a;
	unsigned prefix;
	int i, k, n;

	if (vrdma_vmk_get_ipv4(bd->vmk, &a, &prefix) == 0)
		add_addr(bd, a, prefix);
	n = vrdma_vmk_get_ipv6_count(bd->vmk);
	for (i = 0; i < n; i++)
		if (vrdma_vmk_get_ipv6(bd->vmk, (unsigned)i, &a, &prefix) == 0)
			add_addr(bd, a, prefix);

	for (i = 0; i < bd->n_addrs; i++) {
		struct vrdma_baddr *ba = &bd->addrs[i];
		uint8_t want[16];

		if (bd->netdev) {
			n = vrdma_netdev_get_n_addrs(bd->netdev);
			for (k = 0; k < n; k++) {
				struct vrdma_addr *la = vrdma_netdev_get_addr(bd->netdev, k);
				size_t len = 0;
				const uint8_t *raw = vrdma_addr_get_raw(la, &len);
				if (vrdma_addr_get_family(la) == ba->family && raw &&
				    memcmp(raw, ba->raw, len) == 0) {
					ba->live = la;
					break;
				}
			}
		}
		if (!bd->port)
			continue;
		/* The RoCE v2 GID of this address, preferring the vmk's netdev. */
		vrdma_addr_to_gid_raw(ba->family, ba->raw, want);
		n = vrdma_port_get_n_gids(bd->port);
		for (k = 0; k < n; k++) {
			struct vrdma_gid *g = vrdma_port_get_gid(bd->port, k);
			const char *gdev = vrdma_gid_get_netdev_name(g);
			if (vrdma_gid_get_type(g) != VRDMA_GID_ROCE_V2 ||
			    memcmp(vrdma_gid_get_raw(g), want, 16) != 0)
				continue;
			if (bd->netdev && gdev &&
			    strcmp(gdev, vrdma_netdev_get_name(bd->netdev)) != 0)
				continue;
			ba->gid_index = vrdma_gid_get_index(g);
			break;
		}
	}
}

static void binding_clear(struct vrdma_binding *bd)
{
	free(bd->uplink_name);
	free(bd->diags);
	vrdma_vmk_unref(bd->vmk);
	vrdma_portgroup_unref(bd->pg);
	vrdma_switch_unref(bd->sw);
}

static void bindings_free(struct vrdma_bindings *b)
{
	int i;

	for (i = 0; i < b->n; i++)
		binding_clear(&b->items[i]);
	free(b->items);
	vrdma_diag_list_clear(&b->diags);
	vrdma_config_unref(b->cfg);
	vrdma_host_unref(b->host);
	vrdma_ctx_unref(b->ctx);
	free(b);
}

/* Attach sorted findings to their bindings and derive each state. */
static int finish(struct vrdma_bindings *b)
{
	int i, k;

	for (k = 0; k < b->diags.n; k++) {
		struct vrdma_diag *d = b->diags.items[k];
		struct vrdma_binding *bd = d->binding;
		struct vrdma_diag **nd;
		int sev = vrdma_rule_severity(d->rule);

		if (!bd)
			continue;
		nd = realloc(bd->diags, sizeof(*nd) * (size_t)(bd->n_diags + 1));
		if (!nd)
			return -ENOMEM;
		bd->diags = nd;
		bd->diags[bd->n_diags++] = d;
		if (sev == VRDMA_SEVERITY_ERROR)
			bd->state = VRDMA_BINDING_UNBOUND;
		else if (sev == VRDMA_SEVERITY_WARNING && bd->state == VRDMA_BINDING_BOUND)
			bd->state = VRDMA_BINDING_DEGRADED;
	}
	for (i = 0; i < b->n; i++)
		dbg(b->ctx, "binding %s: %s, %d findings", vrdma_vmk_get_name(b->items[i].vmk),
		    state_names[b->items[i].state], b->items[i].n_diags);
	return 0;
}

VRDMA_EXPORT int vrdma_bindings_new(struct vrdma_host *host, struct vrdma_config *cfg,
                                    struct vrdma_bindings **ret)
{
	struct vrdma_ctx *ctx;
	struct vrdma_bindings *b;
	int i, n, r;

	if (!host || !cfg || !ret)
		return -EINVAL;
	ctx = vrdma_host_get_ctx(host);
	vrdma_error_clear(ctx);
	b = calloc(1, sizeof(*b));
	if (!b)
		return -ENOMEM;
	b->refcount = 1;
	b->ctx = vrdma_ctx_ref(ctx);
	b->host = vrdma_host_ref(host);
	b->cfg = vrdma_config_ref(cfg);

	n = vrdma_config_get_vmk_count(cfg);
	if (n > 0) {
		b->items = calloc((size_t)n, sizeof(*b->items));
		if (!b->items) {
			bindings_free(b);
			return -ENOMEM;
		}
	}
	for (i = 0; i < n; i++) {
		struct vrdma_binding *bd = &b->items[b->n];
		struct vrdma_vmk *vmk = NULL;

		if (vrdma_config_get_vmk(cfg, (unsigned)i, &vmk) < 0 || !vmk)
			continue;
		bd->set = b;
		bd->state = VRDMA_BINDING_BOUND;
		bd->vmk = vrdma_vmk_ref(vmk);
		bd->pg = vrdma_portgroup_ref(vrdma_vmk_get_portgroup(vmk));
		bd->sw = bd->pg ? vrdma_switch_ref(vrdma_portgroup_get_switch(bd->pg)) : NULL;
		resolve_uplink(bd);
		bd->netdev = vmk_netdev(bd);
		bd->mtu = bd->netdev ? vrdma_netdev_get_mtu(bd->netdev) : vrdma_vmk_get_mtu(vmk);
		resolve_addrs(bd);
		b->n++;
	}

	vrdma_bindings_run_rules(b);
	if (b->diags.oom) {
		bindings_free(b);
		return -ENOMEM;
	}
	vrdma_diag_list_sort(&b->diags);
	r = finish(b);
	if (r < 0) {
		bindings_free(b);
		return r;
	}
	*ret = b;
	return 0;
}

VRDMA_EXPORT struct vrdma_bindings *vrdma_bindings_ref(struct vrdma_bindings *b)
{
	if (b)
		b->refcount++;
	return b;
}

VRDMA_EXPORT struct vrdma_bindings *vrdma_bindings_unref(struct vrdma_bindings *b)
{
	if (b && --b->refcount == 0)
		bindings_free(b);
	return NULL;
}

VRDMA_EXPORT struct vrdma_ctx *vrdma_bindings_get_ctx(struct vrdma_bindings *b)
{
	return b ? b->ctx : NULL;
}

VRDMA_EXPORT struct vrdma_host *vrdma_bindings_get_host(struct vrdma_bindings *b)
{
	return b ? b->host : NULL;
}

VRDMA_EXPORT struct vrdma_config *vrdma_bindings_get_config(struct vrdma_bindings *b)
{
	return b ? b->cfg : NULL;
}

VRDMA_EXPORT int vrdma_bindings_get_n_bindings(struct vrdma_bindings *b)
{
	return b ? b->n : -EINVAL;
}

VRDMA_EXPORT struct vrdma_binding *vrdma_bindings_get_binding(struct vrdma_bindings *b, int i)
{
	return b && i >= 0 && i < b->n ? &b->items[i] : NULL;
}

VRDMA_EXPORT int vrdma_bindings_find_vmk(struct vrdma_bindings *b, const char *vmk,
                                         struct vrdma_binding **ret)
{
	int i;

	if (!b || !vmk || !ret)
		return -EINVAL;
	for (i = 0; i < b->n; i++)
		if (strcmp(vrdma_vmk_get_name(b->items[i].vmk), vmk) == 0) {
			*ret = &b->items[i];
			return 0;
		}
	return vrdma_error(b->ctx, -ENOENT, "vmk '%s': not in the configuration", vmk);
}

VRDMA_EXPORT int vrdma_bindings_get_n_diags(struct vrdma_bindings *b)
{
	return b ? b->diags.n : -EINVAL;
}

VRDMA_EXPORT struct vrdma_diag *vrdma_bindings_get_diag(struct vrdma_bindings *b, int i)
{
	return b && i >= 0 && i < b->diags.n ? b->diags.items[i] : NULL;
}

/* Does `name` name one of the binding's objects (vmk, port group, switch,
 * uplink, adapter, netdev)? */
static bool binding_involves(struct vrdma_binding *bd, const char *name)
{
	const char *names[9];
	size_t i, n = 0;

	if (!bd)
		return false;
	names[n++] = vrdma_vmk_get_name(bd->vmk);
	names[n++] = bd->pg ? vrdma_portgroup_get_name(bd->pg) : NULL;
	names[n++] = bd->sw ? vrdma_switch_get_name(bd->sw) : NULL;
	names[n++] = bd->uplink_name;
	names[n++] = bd->uplink ? vrdma_uplink_get_alias(bd->uplink) : NULL;
	names[n++] = bd->uplink ? vrdma_uplink_get_name(bd->uplink) : NULL;
	names[n++] = bd->adapter ? vrdma_adapter_get_alias(bd->adapter) : NULL;
	names[n++] = bd->adapter ? vrdma_adapter_get_name(bd->adapter) : NULL;
	names[n++] = bd->netdev ? vrdma_netdev_get_name(bd->netdev) : NULL;
	for (i = 0; i < n; i++)
		if (names[i] && strcmp(names[i], name) == 0)
			return true;
	return false;
}

VRDMA_EXPORT struct vrdma_diag *vrdma_bindings_next_diag(struct vrdma_bindings *b,
                                                         struct vrdma_diag *prev,
                                                         const char *object, int min_severity)
{
	int i = 0;

	if (!b)
		return NULL;
	if (prev) {
		for (i = 0; i < b->diags.n && b->diags.items[i] != prev; i++)
			;
		i++;
	}
	for (; i < b->diags.n; i++) {
		struct vrdma_diag *d = b->diags.items[i];
		if (vrdma_rule_severity(d->rule) < min_severity)
			continue;
		if (object && !vrdma_diag_involves(d, object) &&
		    !binding_involves(d->binding, object))
			continue;
		return d;
	}
	return NULL;
}

VRDMA_EXPORT int vrdma_bindings_count_problems(struct vrdma_bindings *b, const char *object)
{
	struct vrdma_diag *d = NULL;
	int n = 0;

	if (!b)
		return -EINVAL;
	while ((d = vrdma_bindings_next_diag(b, d, object, VRDMA_SEVERITY_WARNING)))
		n++;
	return n;
}

/* ---- binding getters -------------------------------------------------------------- */

VRDMA_EXPORT struct vrdma_bindings *vrdma_binding_get_bindings(struct vrdma_binding *bd)
{
	return bd ? bd->set : NULL;
}

VRDMA_EXPORT const char *vrdma_binding_get_vmk_name(struct vrdma_binding *bd)
{
	return bd ? vrdma_vmk_get_name(bd->vmk) : NULL;
}

VRDMA_EXPORT struct vrdma_vmk *vrdma_binding_get_vmk(struct vrdma_binding *bd)
{
	return bd ? bd->vmk : NULL;
}

VRDMA_EXPORT struct vrdma_portgroup *vrdma_binding_get_portgroup(struct vrdma_binding *bd)
{
	return bd ? bd->pg : NULL;
}

VRDMA_EXPORT struct vrdma_switch *vrdma_binding_get_switch(struct vrdma_binding *bd)
{
	return bd ? bd->sw : NULL;
}

VRDMA_EXPORT const char *vrdma_binding_get_uplink_name(struct vrdma_binding *bd)
{
	return bd ? bd->uplink_name : NULL;
}

VRDMA_EXPORT struct vrdma_uplink *vrdma_binding_get_uplink(struct vrdma_binding *bd)
{
	return bd ? bd->uplink : NULL;
}

VRDMA_EXPORT struct vrdma_adapter *vrdma_binding_get_adapter(struct vrdma_binding *bd)
{
	return bd ? bd->adapter : NULL;
}

VRDMA_EXPORT struct vrdma_port *vrdma_binding_get_port(struct vrdma_binding *bd)
{
	return bd ? bd->port : NULL;
}

VRDMA_EXPORT const char *vrdma_binding_get_netdev_name(struct vrdma_binding *bd)
{
	return bd && bd->netdev ? vrdma_netdev_get_name(bd->netdev) : NULL;
}

VRDMA_EXPORT const char *vrdma_binding_get_netstack(struct vrdma_binding *bd)
{
	return bd ? VRDMA_NETSTACK : NULL;
}

VRDMA_EXPORT int vrdma_binding_get_state(struct vrdma_binding *bd)
{
	return bd ? bd->state : -EINVAL;
}

VRDMA_EXPORT int vrdma_binding_get_mtu(struct vrdma_binding *bd)
{
	return bd ? bd->mtu : -EINVAL;
}

VRDMA_EXPORT int vrdma_binding_get_roce_mtu(struct vrdma_binding *bd, int *ret)
{
	int active, fit;

	if (!bd || !ret)
		return -EINVAL;
	if (!bd->port)
		return -ENODATA;
	active = vrdma_port_get_active_mtu(bd->port);
	fit = vrdma_roce_mtu_for_netdev_mtu(bd->mtu);
	if (fit < 0)
		return -ENODATA;
	*ret = active > 0 && active < fit ? active : fit;
	return 0;
}

VRDMA_EXPORT int vrdma_binding_get_n_addrs(struct vrdma_binding *bd)
{
	return bd ? bd->n_addrs : -EINVAL;
}

VRDMA_EXPORT const char *vrdma_binding_get_addr(struct vrdma_binding *bd, int i)
{
	return bd && i >= 0 && i < bd->n_addrs ? bd->addrs[i].str : NULL;
}

VRDMA_EXPORT int vrdma_binding_get_addr_family(struct vrdma_binding *bd, int i)
{
	return bd && i >= 0 && i < bd->n_addrs ? bd->addrs[i].family : -EINVAL;
}

VRDMA_EXPORT int vrdma_binding_get_addr_prefixlen(struct vrdma_binding *bd, int i)
{
	return bd && i >= 0 && i < bd->n_addrs ? bd->addrs[i].prefixlen : -EINVAL;
}

VRDMA_EXPORT int vrdma_binding_get_addr_gid_index(struct vrdma_binding *bd, int i, int *ret)
{
	if (!bd || i < 0 || i >= bd->n_addrs || !ret)
		return -EINVAL;
	if (bd->addrs[i].gid_index < 0)
		return -ENOENT;
	*ret = bd->addrs[i].gid_index;
	return 0;
}

VRDMA_EXPORT int vrdma_binding_get_n_diags(struct vrdma_binding *bd)
{
	return bd ? bd->n_diags : -EINVAL;
}

VRDMA_EXPORT struct vrdma_diag *vrdma_binding_get_diag(struct vrdma_binding *bd, int i)
{
	return bd && i >= 0 && i < bd->n_diags ? bd->diags[i] : NULL;
}
