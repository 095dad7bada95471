/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Binding rules: the checks run over computed bindings, each finding
 * carrying a code of the catalogue (binding-diag.c).
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

#include "binding-private.h"

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
	struct vrdma_diag *d = binding_diag_new(&c->b->diags, c->bd, rule);

	if (c->bd)
		binding_diag_object(&c->b->diags, d, "vmk", c->vmk);
	return d;
}

#define OBJ(d, kind, name) binding_diag_object(&c->b->diags, (d), (kind), (name))
#define MSG(d, ...) binding_diag_message(&c->b->diags, (d), __VA_ARGS__)
#define HINT(d, ...) binding_diag_hint(&c->b->diags, (d), __VA_ARGS__)

static const char *adapter_label(struct vrdma_adapter *a)
{
	const char *s = vrdma_adapter_get_alias(a);

	return s ? s : vrdma_adapter_get_name(a);
}

static const char *uplink_label(struct vrdma_uplink *u)
{
	const char *s = vrdma_uplink_get_alias(u);

	return s ? s : vrdma_netdev_get_name(vrdma_uplink_get_netdev(u));
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
		OBJ(d, "netdev", vrdma_netdev_get_name(vrdma_uplink_get_netdev(c->bd->uplink)));
	} else if (c->bd->uplink_name) {
		OBJ(d, "uplink", c->bd->uplink_name);
	}
}

static bool netdev_down(struct vrdma_netdev *d)
{
	int st = vrdma_netdev_get_oper_state(d);

	if (!(vrdma_netdev_get_flags(d) & IFF_UP))
		return true;
	return st == VRDMA_OPER_DOWN || st == VRDMA_OPER_LOWERLAYERDOWN ||
	       st == VRDMA_OPER_NOTPRESENT;
}

/* Failover list of a port group as "a, b" (device names). */
static void failover_list(struct vrdma_binding *bd, int role, char *buf, size_t len)
{
	int i, n = vrdma_portgroup_get_n_failover_uplinks(bd->pg, role);

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

	for (i = 0; i < h->n_adapters; i++) {
		struct vrdma_adapter *a = h->adapters[i];
		for (p = 0; p < a->n_ports; p++)
			if (a->ports[p].netdev_missing == VRDMA_NETDEV_OTHER_NAMESPACE)
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
			    nd->kind ? nd->kind : "virtual");
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
		    uplink_label(bd->uplink), vrdma_netdev_get_name(vrdma_uplink_get_netdev(bd->uplink)));
		HINT(d, "use an uplink that 'vrdmactl rdma device list' shows as a Paired Uplink, or "
		        "give this NIC an RDMA function (Soft-RoCE: rdma link add rxe0 type rxe netdev %s)",
		     vrdma_netdev_get_name(vrdma_uplink_get_netdev(bd->uplink)));
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

static bool has_rule(struct vrdma_binding *bd, int rule)
{
	struct binding_diag_list *l = &bd->set->diags;
	unsigned int i;

	for (i = 0; i < l->n; i++)
		if (l->items[i]->binding == bd && l->items[i]->rule == rule)
			return true;
	return false;
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
	for (i = 0; i < d->n_lowers; i++)
		n = collect_lowers(d->lowers[i], out, n, max, depth + 1);
	return n;
}

/* Lowest physical netdevs under `d` (via link and lower devices). */
static int physical_lowers(struct vrdma_netdev *d, struct vrdma_netdev **out, int max)
{
	return collect_lowers(d, out, 0, max, 0);
}

/* Lower physical netdevs of the vmk's netdev as "eth1, eth2". */
static bool stacked_on_uplink(struct vrdma_binding *bd, char *buf, size_t len)
{
	struct vrdma_netdev *low[8];
	int i, n = physical_lowers(bd->netdev, low, 8);
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
                                           const struct binding_addr *a, int *port, int *index)
{
	int i, p, k;

	for (i = 0; i < h->n_adapters; i++) {
		struct vrdma_adapter *ad = h->adapters[i];
		if (ad == not)
			continue;
		for (p = 0; p < ad->n_ports; p++) {
			struct vrdma_port *pt = &ad->ports[p];
			for (k = 0; k < pt->n_gids; k++) {
				struct vrdma_gid *g = &pt->gids[k];
				if (vrdma_gid_get_type(g) != VRDMA_GID_IB &&
				    memcmp(vrdma_gid_get_raw(g), a->gid, 16) == 0) {
					*port = vrdma_port_get_number(pt);
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
	unsigned int i;

	if (!bd->netdev) {
		d = add(c, R_VMK_NOT_REALISED);
		add_uplink_objs(c, d);
		MSG(d, "vmk '%s': no netdev carries it on this host (expected '%s' stacked on %s)",
		    c->vmk, vrdma_vmk_get_name(bd->vmk), vrdma_netdev_get_name(vrdma_uplink_get_netdev(bd->uplink)));
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
		    vrdma_netdev_get_name(vrdma_uplink_get_netdev(bd->uplink)), adapter_label(bd->adapter));
		HINT(d, "re-apply the configuration (vrdmactl apply) so that %s is stacked on %s, or "
		        "make the uplink it is stacked on the port group's active uplink",
		     vrdma_netdev_get_name(bd->netdev), vrdma_netdev_get_name(vrdma_uplink_get_netdev(bd->uplink)));
		return;
	}
	/* Addresses whose GID lives only on an adapter of another uplink. */
	for (i = 0; i < bd->n_addrs; i++) {
		struct binding_addr *a = &bd->addrs[i];
		struct vrdma_adapter *other;
		struct vrdma_uplink *ou;
		int p = 0, idx = 0;
		unsigned int gi;

		if (a->gid_index >= 0 || !a->live)
			continue;
		if (vrdma_adapter_find_gid_index(bd->adapter, (unsigned int)vrdma_port_get_number(bd->port),
		                                 a->str, VRDMA_GID_ROCE_V2, &gi) == 0)
			continue;
		other = gid_elsewhere(c->b->host, bd->adapter, a, &p, &idx);
		if (!other)
			continue;
		ou = other->paired;
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
		     vrdma_netdev_get_name(vrdma_uplink_get_netdev(bd->uplink)));
		return;
	}
}

static bool same_raw(const struct binding_addr *a, int family, const uint8_t *raw)
{
	return a->addr.family == family && memcmp(a->addr.raw, raw, family == AF_INET ? 4 : 16) == 0;
}

/* Another vmk of the configuration with the same address. */
static void check_dup_in_config(struct chk *c, const struct binding_addr *a)
{
	struct vrdma_diag *d;
	unsigned int j, k;

	for (j = 0; j < c->b->n; j++) {
		struct vrdma_binding *o = &c->b->items[j];
		if (o == c->bd)
			continue;
		for (k = 0; k < o->n_addrs; k++)
			if (same_raw(&o->addrs[k], a->addr.family, a->addr.raw)) {
				d = add(c, R_DUP_ADDRESS);
				OBJ(d, "address", a->str);
				OBJ(d, "vmk", vrdma_vmk_get_name(o->vmk));
				MSG(d, "vmk '%s': address %s is also configured on vmk '%s'",
				    c->vmk, a->str, vrdma_vmk_get_name(o->vmk));
				HINT(d, "give each vmk its own address");
			}
	}
}

/* Another netdev of the host with the same address (only once the vmk is
 * realised: before that, an old realisation may hold it). */
static void check_dup_on_host(struct chk *c, const struct binding_addr *a)
{
	struct vrdma_binding *bd = c->bd;
	struct vrdma_bindings *b = c->b;
	struct vrdma_diag *d;
	int j, k, n = bd->netdev ? vrdma_host_get_n_netdevs(b->host) : 0;

	for (j = 0; j < n; j++) {
		struct vrdma_netdev *nd = b->host->netdevs[j];
		if (nd == bd->netdev)
			continue;
		for (k = 0; k < vrdma_netdev_get_n_addrs(nd); k++) {
			struct vrdma_addr *la = &nd->addrs[k];
			if (!same_raw(a, vrdma_addr_get_family(la), vrdma_addr_get_raw(la)))
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
}

static void check_addresses(struct chk *c)
{
	struct vrdma_binding *bd = c->bd;
	struct vrdma_diag *d;
	unsigned int i;

	if (bd->n_addrs == 0) {
		d = add(c, R_VMK_NO_ADDRESS);
		MSG(d, "vmk '%s': no static IPv4 or IPv6 address: an RDMA adapter needs one to "
		       "reach NVMe over RDMA or iSER targets", c->vmk);
		HINT(d, "vrdmactl network ip interface ipv4 set -i %s -t static -I ADDR -N MASK "
		        "(or: ... ipv6 address add -i %s -I ADDR/PREFIX)", c->vmk, c->vmk);
		return;
	}
	for (i = 0; i < bd->n_addrs; i++) {
		struct binding_addr *a = &bd->addrs[i];

		check_dup_in_config(c, a);
		check_dup_on_host(c, a);
		if (!bd->netdev)
			continue;
		/* The kernel flushes IPv6 addresses of a netdev that goes down
		 * (net.ipv6.conf.*.keep_addr_on_down=0): B030/B032 say why. */
		if (!a->live && a->addr.family == AF_INET6 &&
		    (netdev_down(bd->netdev) ||
		     (bd->uplink_netdev && netdev_down(bd->uplink_netdev))))
			continue;
		if (!a->live) {
			d = add(c, R_ADDR_MISSING);
			OBJ(d, "address", a->str);
			OBJ(d, "netdev", vrdma_netdev_get_name(bd->netdev));
			MSG(d, "vmk '%s': configured address %s/%u is not on its netdev %s", c->vmk,
			    a->str, a->addr.prefix, vrdma_netdev_get_name(bd->netdev));
			HINT(d, "re-apply the configuration (vrdmactl apply) to restore it");
			continue;
		}
		if (a->addr.family != AF_INET6)
			continue;
		if (vrdma_addr_get_flags(a->live) & VRDMA_ADDR_DADFAILED) {
			d = add(c, R_IPV6_DADFAILED);
			OBJ(d, "address", a->str);
			OBJ(d, "netdev", vrdma_netdev_get_name(bd->netdev));
			MSG(d, "vmk '%s': IPv6 address %s on %s failed duplicate address detection: "
			       "another node uses it", c->vmk, a->str, vrdma_netdev_get_name(bd->netdev));
			HINT(d, "choose an unused address: vrdmactl network ip interface ipv6 address "
			        "remove -i %s -I %s, then add another", c->vmk, a->str);
		} else if ((vrdma_addr_get_flags(a->live) & VRDMA_ADDR_TENTATIVE) && !netdev_down(bd->netdev)) {
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

/* B012, at most once per vmk: against the first earlier vmk of another
 * switch that shares a subnet with it (n findings, not n^2, for n vmks of
 * one subnet split over two switches). */
static void check_subnets(struct vrdma_bindings *b)
{
	unsigned int i, j, x, y;

	for (j = 0; j < b->n; j++) {
		struct vrdma_binding *bj = &b->items[j];
		bool found = false;
		for (i = 0; i < j && !found; i++) {
			struct vrdma_binding *bi = &b->items[i];
			if (!bi->sw || !bj->sw || bi->sw == bj->sw)
				continue;
			for (x = 0; x < bi->n_addrs; x++)
				for (y = 0; y < bj->n_addrs; y++) {
					struct binding_addr *a = &bi->addrs[x], *c2 = &bj->addrs[y];
					struct chk cc = { b, bj, vrdma_vmk_get_name(bj->vmk), NULL,
					                  vrdma_switch_get_name(bj->sw) };
					struct chk *c = &cc;
					struct vrdma_diag *d;
					if (!vrdma_inaddr_in_subnet(&c2->addr, &a->addr, a->addr.prefix) ||
					    !vrdma_inaddr_in_subnet(&a->addr, &c2->addr, c2->addr.prefix))
						continue;
					d = add(c, R_SUBNET_SPLIT);
					OBJ(d, "vmk", vrdma_vmk_get_name(bi->vmk));
					OBJ(d, "switch", c->sw);
					OBJ(d, "switch", vrdma_switch_get_name(bi->sw));
					MSG(d, "vmk '%s' (%s/%u, switch '%s') and vmk '%s' (%s/%u, switch "
					       "'%s') share a subnet on different switches (vSphere binding "
					       "rule): traffic that does not choose its source leaves through "
					       "whichever the main table picks", c->vmk, c2->str, c2->addr.prefix, c->sw,
					    vrdma_vmk_get_name(bi->vmk), a->str, a->addr.prefix,
					    vrdma_switch_get_name(bi->sw));
					HINT(d, "put vmks of one subnet on one switch, or give each switch "
					        "its own subnet");
					found = true;
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
	int swmtu = vrdma_switch_get_mtu(bd->sw);
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
		    c->vmk, c->sw, swmtu, uplink_label(bd->uplink), vrdma_netdev_get_name(vrdma_uplink_get_netdev(bd->uplink)),
		    upmtu);
		HINT(d, "raise the uplink MTU (vrdmactl apply raises it to the switch MTU; or ip link "
		        "set %s mtu %d) or lower the switch MTU to %d",
		     vrdma_netdev_get_name(vrdma_uplink_get_netdev(bd->uplink)), swmtu, upmtu);
		chain_ok = false;
	}
	if (!bd->port || !chain_ok)
		return;
	expect = bd->mtu_fit;
	active = vrdma_port_get_active_mtu(bd->port);
	if (expect > 0 && active > 0 && active < expect) {
		d = add(c, R_ROCE_MTU_LOW);
		add_adapter_objs(c, d);
		add_uplink_objs(c, d);
		MSG(d, "vmk '%s': %s port %d runs at RoCE MTU %d, below the %d that the vmk MTU %d "
		       "allows (MTU - %d bytes of RoCE headers)", c->vmk, adapter_label(bd->adapter),
		    vrdma_port_get_number(bd->port), active, expect, bd->mtu, BINDING_ROCE_HEADERS);
		HINT(d, "the port follows its netdev %s (MTU %d): raise that netdev's MTU to at least "
		        "%d, or check the adapter's maximum (%d)",
		     bd->port->netdev_name ? bd->port->netdev_name : "?",
		     upmtu, expect + BINDING_ROCE_HEADERS, vrdma_port_get_max_mtu(bd->port));
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
		    vrdma_netdev_get_name(vrdma_uplink_get_netdev(bd->uplink)),
		    vrdma_oper_state_to_string(vrdma_netdev_get_oper_state(bd->uplink_netdev)));
		HINT(d, "bring it up (ip link set %s up) and check its cable or peer port",
		     vrdma_netdev_get_name(vrdma_uplink_get_netdev(bd->uplink)));
		return false; /* the port and the vmk's netdev follow it */
	}
	if (bd->port && vrdma_port_get_state(bd->port) != VRDMA_PORT_ACTIVE) {
		d = add(c, R_PORT_DOWN);
		add_adapter_objs(c, d);
		MSG(d, "vmk '%s': %s port %d is %s (physical state %s)", c->vmk,
		    adapter_label(bd->adapter), vrdma_port_get_number(bd->port),
		    vrdma_port_state_to_string(vrdma_port_get_state(bd->port)),
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
	struct vrdma_netdev *own = port->netdev;

	if (!own || nd == own)
		return true;
	return nd->kind && strcmp(nd->kind, "vlan") == 0 && nd->link == own;
}

static void check_gids(struct chk *c)
{
	struct vrdma_binding *bd = c->bd;
	struct vrdma_diag *d;
	int len = vrdma_port_get_gid_table_len(bd->port);
	int ngids = vrdma_port_get_n_gids(bd->port);
	bool full = len > 0 && ngids >= len;
	unsigned int i;
	int k;

	if (full) {
		d = add(c, R_GID_TABLE_FULL);
		add_adapter_objs(c, d);
		MSG(d, "vmk '%s': %s port %d GID table is full (%d of %d entries): new addresses get "
		       "no GID", c->vmk, adapter_label(bd->adapter), vrdma_port_get_number(bd->port),
		    ngids, len);
		HINT(d, "remove unused addresses (and VLAN/macvlan devices) stacked on %s",
		     bd->port->netdev_name ? bd->port->netdev_name : "the uplink");
	}
	for (i = 0; i < bd->n_addrs; i++) {
		struct binding_addr *a = &bd->addrs[i];
		struct vrdma_adapter *other;
		int p = 0, idx = 0;

		if (!a->live || (vrdma_addr_get_flags(a->live) & VRDMA_ADDR_DADFAILED))
			continue;
		if (a->gid_index >= 0) {
			struct vrdma_gid *g = NULL;
			if (vrdma_adapter_is_software(bd->adapter) &&
			    vrdma_port_find_gid(bd->port, (unsigned int)a->gid_index, &g) == 0 && g->netdev &&
			    !rxe_remote_ok(bd->port, g->netdev)) {
				struct vrdma_netdev *gn = g->netdev;
				d = add(c, R_GID_NO_REMOTE);
				add_adapter_objs(c, d);
				OBJ(d, "gid", a->str);
				OBJ(d, "netdev", vrdma_netdev_get_name(gn));
				MSG(d, "vmk '%s': address %s is GID %d of %s on %s netdev %s: Soft-RoCE "
				       "drops remote traffic for GIDs on anything but its own netdev %s or "
				       "an 802.1Q device on it (loopback only)", c->vmk, a->str,
				    a->gid_index, adapter_label(bd->adapter),
				    gn->kind ? gn->kind : "a", vrdma_netdev_get_name(gn),
				    bd->port->netdev_name);
				HINT(d, "carry the vmk on %s itself (untagged port group) or on an 802.1Q "
				        "device directly on it (tagged port group), then vrdmactl apply",
				     bd->port->netdev_name);
			}
			goto ambiguous;
		}
		/* No GID on the vmk's netdev: one on another netdev of this port? */
		for (k = 0; k < ngids; k++) {
			struct vrdma_gid *g = &bd->port->gids[k];
			if (vrdma_gid_get_type(g) == VRDMA_GID_ROCE_V2 &&
			    memcmp(vrdma_gid_get_raw(g), a->gid, 16) == 0)
				break;
		}
		if (k < ngids) {
			struct vrdma_gid *g = &bd->port->gids[k];
			const char *gn = g->netdev_name;
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
		if (has_rule(bd, R_UPLINK_NOT_PAIRED))
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
			        "netdevs of %s)", vrdma_netdev_get_name(vrdma_uplink_get_netdev(bd->uplink)), adapter_label(other));
		}
	}
}

/* The configuration's RoCE setting for the binding's port (by name or alias). */
static struct vrdma_roce_setting *roce_setting_of(struct chk *c)
{
	struct vrdma_binding *bd = c->bd;
	unsigned int pn = (unsigned int)vrdma_port_get_number(bd->port);
	const char *alias = vrdma_adapter_get_alias(bd->adapter);
	struct vrdma_roce_setting *rs;

	if (vrdma_config_find_roce_setting(c->b->cfg, vrdma_adapter_get_name(bd->adapter), pn,
	                                   &rs) == 0)
		return rs;
	if (alias && vrdma_config_find_roce_setting(c->b->cfg, alias, pn, &rs) == 0)
		return rs;
	return NULL;
}

static bool port_has_gid(struct vrdma_port *port, int type, const uint8_t *raw)
{
	int k, n = vrdma_port_get_n_gids(port);

	for (k = 0; k < n; k++)
		if (vrdma_gid_get_type(&port->gids[k]) == type &&
		    memcmp(vrdma_gid_get_raw(&port->gids[k]), raw, 16) == 0)
			return true;
	return false;
}

/* B046: rdma_cm picks the configured mode's GID type for the vmk's address:
 * it needs a GID of that type, not only one of the other RoCE type. */
static void check_roce_mode(struct chk *c)
{
	struct vrdma_binding *bd = c->bd;
	struct vrdma_roce_setting *rs = roce_setting_of(c);
	struct vrdma_diag *d;
	int mode, want, other;
	unsigned int i;

	if (!rs || vrdma_roce_setting_get_mode(rs, &mode) < 0)
		return;
	want = mode == VRDMA_ROCE_V1 ? VRDMA_GID_ROCE_V1 : VRDMA_GID_ROCE_V2;
	other = mode == VRDMA_ROCE_V1 ? VRDMA_GID_ROCE_V2 : VRDMA_GID_ROCE_V1;
	for (i = 0; i < bd->n_addrs; i++) {
		struct binding_addr *a = &bd->addrs[i];
		if (!a->live || port_has_gid(bd->port, want, a->gid) ||
		    !port_has_gid(bd->port, other, a->gid))
			continue;
		d = add(c, R_ROCE_MODE_GID);
		add_adapter_objs(c, d);
		OBJ(d, "address", a->str);
		MSG(d, "vmk '%s': %s port %d's RoCE mode is %s (configured), but address %s has "
		       "only a %s GID there: rdma_cm connections from it find no %s GID",
		    c->vmk, adapter_label(bd->adapter), vrdma_port_get_number(bd->port),
		    vrdma_roce_mode_to_string(mode), a->str, vrdma_gid_type_to_string(other),
		    vrdma_gid_type_to_string(want));
		HINT(d, "vrdmactl rdma device roce set -d %s -p %d --mode %s (or clear it), then "
		        "vrdmactl apply", vrdma_adapter_get_name(bd->adapter),
		     vrdma_port_get_number(bd->port), mode == VRDMA_ROCE_V1 ? "v2" : "v1");
	}
}

static void check_binding(struct vrdma_bindings *b, struct vrdma_binding *bd)
{
	struct chk c = {
		.b = b,
		.bd = bd,
		.vmk = vrdma_vmk_get_name(bd->vmk),
		.pg = vrdma_portgroup_get_name(bd->pg),
		.sw = vrdma_switch_get_name(bd->sw),
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
	    !has_rule(bd, R_UPLINK_NOT_PAIRED))
		check_gids(&c);
	if (bd->netdev && bd->port && links && !has_rule(bd, R_UPLINK_NOT_PAIRED))
		check_roce_mode(&c);
}

static void check_host(struct vrdma_bindings *b)
{
	struct chk cc = { b, NULL, NULL, NULL, NULL };
	struct chk *c = &cc;
	unsigned int j;
	int i, p;

	for (i = 0; i < b->host->n_adapters; i++) {
		struct vrdma_adapter *a = b->host->adapters[i];
		struct vrdma_uplink *u = a->paired;
		struct vrdma_diag *d;
		bool used = false;

		for (p = 0; p < a->n_ports; p++) {
			struct vrdma_port *pt = &a->ports[p];
			if (vrdma_port_get_netdev_missing(pt) != VRDMA_NETDEV_OTHER_NAMESPACE)
				continue;
			d = add(c, R_OTHER_NAMESPACE);
			OBJ(d, "adapter", adapter_label(a));
			OBJ(d, "adapter", vrdma_adapter_get_name(a));
			MSG(d, "adapter %s (%s) port %d: its netdev is in another network namespace: "
			       "it cannot be paired with an uplink here", adapter_label(a),
			    vrdma_adapter_get_name(a), vrdma_port_get_number(pt));
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

void binding_run_rules(struct vrdma_bindings *b)
{
	unsigned int i;

	for (i = 0; i < b->n; i++)
		check_binding(b, &b->items[i]);
	check_subnets(b);
	check_host(b);
}

/* ---- storage sessions (facts from binding-storage.c) ------------------------------- */

#define SOBJ(d, kind, name) binding_diag_object(list, (d), (kind), (name))

static struct vrdma_diag *storage_add(struct binding_diag_list *list, struct vrdma_binding *bd,
                                      int rule)
{
	struct vrdma_diag *d = binding_diag_new(list, bd, rule);

	if (bd)
		SOBJ(d, "vmk", vrdma_vmk_get_name(bd->vmk));
	return d;
}

static const char *storage_connect_hint(const char *kind)
{
	return strcmp(kind, "iser") == 0
	               ? "log in through an iface of a bound vmk (vrdmactl iser iface) and log "
	                 "this session out"
	               : "reconnect with the source of a bound vmk (vrdmactl nvme connect-args "
	                 "gives nvme connect ... -w ADDRESS) and disconnect this controller";
}

void binding_rules_storage_session(struct binding_diag_list *list,
                                   const struct binding_storage_fact *f)
{
	struct vrdma_diag *d;
	const char *vmk;

	if (!f->bd) {
		d = storage_add(list, NULL, R_STORAGE_NO_BINDING);
		SOBJ(d, "session", f->session);
		if (f->source)
			SOBJ(d, "address", f->source);
		if (f->source)
			binding_diag_message(list, d, "%s %s to %s: its source %s is no vmk's "
			                     "address: the path bypasses the bindings", f->kind,
			                     f->session, f->target, f->source);
		else
			binding_diag_message(list, d, "%s %s to %s: the kernel reports no source "
			                     "address (connected without one): the path may bypass "
			                     "the bindings", f->kind, f->session, f->target);
		binding_diag_hint(list, d, "%s", storage_connect_hint(f->kind));
		return;
	}
	if (f->bd->state == VRDMA_BINDING_BOUND)
		return;
	vmk = vrdma_vmk_get_name(f->bd->vmk);
	d = storage_add(list, f->bd, f->bd->state == VRDMA_BINDING_UNBOUND ? R_STORAGE_UNBOUND
	                                                                    : R_STORAGE_DEGRADED);
	SOBJ(d, "session", f->session);
	if (f->bd->adapter)
		SOBJ(d, "adapter", vrdma_adapter_get_alias(f->bd->adapter)
		                           ? vrdma_adapter_get_alias(f->bd->adapter)
		                           : vrdma_adapter_get_name(f->bd->adapter));
	binding_diag_message(list, d, "%s %s to %s rides %s (source %s), whose binding is %s",
	                     f->kind, f->session, f->target, vmk, f->source,
	                     f->bd->state == VRDMA_BINDING_UNBOUND ? "unbound" : "degraded");
	binding_diag_hint(list, d, "fix the %s of %s (its own findings name them)%s",
	                  f->bd->state == VRDMA_BINDING_UNBOUND ? "errors" : "warnings", vmk,
	                  f->bd->state == VRDMA_BINDING_UNBOUND
	                          ? "; until then the other paths carry the I/O" : "");
}

void binding_rules_storage_idle(struct binding_diag_list *list, struct vrdma_binding *bd,
                                int service)
{
	const char *vmk = vrdma_vmk_get_name(bd->vmk);
	const char *svc = service == VRDMA_SERVICE_ISER ? "iser" : "nvme-rdma";
	struct vrdma_diag *d = storage_add(list, bd, R_STORAGE_IDLE_VMK);

	binding_diag_message(list, d, "%s is tagged %s and bound, but no %s session uses it",
	                     vmk, svc, svc);
	binding_diag_hint(list, d, "%s through %s (one path per bound vmk), or remove its tag "
	                  "(vrdmactl network ip interface tag remove -i %s -t %s)",
	                  service == VRDMA_SERVICE_ISER ? "log in an iSER session"
	                                                : "connect a controller",
	                  vmk, vmk, svc);
}
