/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * apply: the realisation rules, which netdev carries which vmk (see the
 * table in <vrdma/apply.h>).  Used by the plan and, through the same
 * function, by binding, so that both agree.
 *
 * Test hook (built only with -Dtest_hooks=true, see vrdma_apply(3)):
 * VRDMA_TEST_APPLY_SOFT_UPLINKS lists uplink netdevs to treat as paired
 * with a soft RDMA adapter.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply-private.h"

int apply_resolve_device(struct vrdma_host *host, const char *dev,
                         char out[IFNAMSIZ], int *ifindex)
{
	struct vrdma_uplink *u;
	struct vrdma_netdev *nd;

	if (vrdma_host_find_uplink(host, dev, &u) == 0)
		nd = vrdma_uplink_get_netdev(u);
	else if (vrdma_host_find_netdev(host, dev, &nd) < 0)
		return -ENODEV;
	snprintf(out, IFNAMSIZ, "%s", vrdma_netdev_get_name(nd));
	*ifindex = vrdma_netdev_get_ifindex(nd);
	return 0;
}

/* The RDMA adapter whose port is paired with netdev `name`: 0 or -ENOENT. */
static int paired_adapter(struct vrdma_host *host, const char *name,
                          struct vrdma_adapter **ret)
{
	unsigned int i, p;
	int r;

	for (i = 0; i < (unsigned int)vrdma_host_get_n_adapters(host); i++) {
		struct vrdma_adapter *a;
		r = vrdma_host_get_adapter(host, i, &a);
		if (r < 0)
			return r;
		for (p = 0; p < (unsigned int)vrdma_adapter_get_n_ports(a); p++) {
			struct vrdma_port *port;
			const char *nd;
			r = vrdma_adapter_get_port(a, p, &port);
			if (r < 0)
				return r;
			if (vrdma_port_get_netdev_name(port, &nd) == 0 && strcmp(nd, name) == 0) {
				*ret = a;
				return 0;
			}
		}
	}
	return -ENOENT;
}

#ifdef VRDMA_TEST_HOOKS
static bool word_in_list(const char *list, const char *word)
{
	size_t len = strlen(word);
	const char *p = list;

	while (p && *p) {
		size_t l;
		p += strspn(p, " ,");
		l = strcspn(p, " ,");
		if (l == len && strncmp(p, word, len) == 0)
			return true;
		p += l;
	}
	return false;
}

/* Test hook: VRDMA_TEST_APPLY_SOFT_UPLINKS lists uplink netdevs to treat as
 * paired with a soft RDMA adapter. */
static bool test_soft_uplink(const char *uplink)
{
	const char *test = secure_getenv("VRDMA_TEST_APPLY_SOFT_UPLINKS");

	return test && word_in_list(test, uplink);
}
#else
static bool test_soft_uplink(const char *uplink _unused_)
{
	return false;
}
#endif

int apply_resolve_vmk(struct vrdma_ctx *ctx, struct vrdma_host *host,
                      struct vrdma_vmk *vmk, struct apply_vmk_real *r,
                      struct vrdma_apply_plan *notes)
{
	const char *vname = vrdma_vmk_get_name(vmk), *up, *dev;
	struct vrdma_portgroup *pg = vrdma_vmk_get_portgroup(vmk);
	struct vrdma_switch *sw = pg ? vrdma_portgroup_get_switch(pg) : NULL;
	struct vrdma_adapter *ad;
	int n, ifindex = 0, mode, rc;

	memset(r, 0, sizeof(*r));
	if (!pg || !sw)
		return vrdma_error(ctx, -ENODEV, "vmk '%s': not in a configuration", vname);
	n = vrdma_portgroup_get_n_failover_uplinks(pg, VRDMA_UPLINK_ACTIVE);
	if (n <= 0 || vrdma_portgroup_get_failover_uplink(pg, VRDMA_UPLINK_ACTIVE, 0, &up) < 0)
		return vrdma_error(ctx, -ENOLINK,
		                   "vmk '%s': port group '%s' has no active uplink",
		                   vname, vrdma_portgroup_get_name(pg));
	if (n > 1)
		apply_plan_add_note(notes, "vmk '%s': port group '%s' has %d active uplinks; "
		                    "the vmk is stacked on the first, '%s' (RDMA port "
		                    "binding wants exactly one active uplink)",
		                    vname, vrdma_portgroup_get_name(pg), n, up);
	if (vrdma_switch_get_uplink_device(sw, up, &dev) < 0)
		return vrdma_error(ctx, -ENODEV,
		                   "vmk '%s': uplink slot '%s' of switch '%s' is not mapped to a device",
		                   vname, up, vrdma_switch_get_name(sw));
	if (apply_resolve_device(host, dev, r->uplink, &ifindex) < 0)
		return vrdma_error(ctx, -ENODEV,
		                   "vmk '%s': uplink '%s' of switch '%s' does not exist on this host",
		                   vname, dev, vrdma_switch_get_name(sw));
	/* Soft-RoCE and soft-iWARP only receive remote traffic for addresses on
	 * their own netdev or on an 802.1Q device directly on it. */
	rc = paired_adapter(host, r->uplink, &ad);
	if (rc < 0 && rc != -ENOENT)
		return vrdma_error(ctx, rc, "vmk '%s': cannot read the adapters of the "
		                   "host: %s", vname, strerror(-rc));
	r->adapter = rc == 0 ? vrdma_adapter_get_name(ad) : NULL;
	r->soft = (rc == 0 && vrdma_adapter_is_software(ad)) || test_soft_uplink(r->uplink) ||
	          apply_soft_configured_on(host, vrdma_vmk_get_config(vmk), r->uplink);

	mode = vrdma_portgroup_get_vlan_mode(pg);
	r->vid = mode == VRDMA_VLAN_TAGGED ? vrdma_portgroup_get_vlan_id(pg) : 0;
	if (mode == VRDMA_VLAN_TRUNK)
		apply_plan_add_note(notes, "vmk '%s': port group '%s' is a VLAN trunk; "
		                    "the vmk sends untagged", vname,
		                    vrdma_portgroup_get_name(pg));
	snprintf(r->netdev, IFNAMSIZ, "%s", vrdma_vmk_get_name(vmk));
	if (r->vid == 0) {
		snprintf(r->lower, IFNAMSIZ, "%s", r->uplink);
		if (r->soft) {
			r->strategy = VRDMA_APPLY_STRATEGY_UPLINK;
			snprintf(r->netdev, IFNAMSIZ, "%s", r->uplink);
		} else {
			r->strategy = VRDMA_APPLY_STRATEGY_MACVLAN;
		}
	} else if (r->soft) {
		r->strategy = VRDMA_APPLY_STRATEGY_VLAN;
		snprintf(r->lower, IFNAMSIZ, "%s", r->uplink);
	} else {
		char name[64];

		r->strategy = VRDMA_APPLY_STRATEGY_VLAN_MACVLAN;
		/* "<uplink>.<vid>" when it fits in IFNAMSIZ, else "vrdma<ifindex>.<vid>" */
		snprintf(name, sizeof(name), "%s.%d", r->uplink, r->vid);
		if (strlen(name) > VRDMA_IFNAME_MAX)
			snprintf(name, sizeof(name), "vrdma%d.%d", ifindex % 100000, r->vid);
		memcpy(r->vlandev, name, IFNAMSIZ - 1);
		memcpy(r->lower, name, IFNAMSIZ - 1);
	}
	return 0;
}
