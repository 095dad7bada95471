/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Bindings: for every vmk of a configuration, resolve its port group's
 * teaming policy to an uplink of the host, the RDMA adapter and port paired
 * with it, the netdev carrying the vmk in the kernel (apply's answer), its
 * addresses and their RoCE v2 GID indexes.  The rules (binding-rules.c)
 * then judge each binding.  Only the host view is read, so a live host and
 * a loaded snapshot are treated alike.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "binding-private.h"

VRDMA_EXPORT int vrdma_roce_mtu_for_netdev_mtu(int netdev_mtu)
{
	int m;

	for (m = 4096; m >= 256; m /= 2)
		if (netdev_mtu - BINDING_ROCE_HEADERS >= m)
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
 * Which netdev carries the vmk's addresses is apply's decision, made once
 * (apply_resolve_vmk() on the same host view, so a snapshot works
 * offline).  When apply cannot realise the vmk (no active uplink, an uplink
 * the host lacks) only a netdev left with the vmk's own name (an earlier
 * realisation) can carry it.
 */
static void resolve_netdev(struct vrdma_binding *bd)
{
	struct vrdma_ctx *ctx = bd->set->ctx;
	const char *name = vrdma_vmk_get_name(bd->vmk);
	struct apply_vmk_real real;

	bd->strategy = -1;
	if (apply_resolve_vmk(ctx, bd->set->host, bd->vmk, &real, NULL) < 0) {
		dbg(ctx, "vmk %s: not realisable: %s", name, vrdma_ctx_get_error(ctx));
		if (vrdma_host_find_netdev(bd->set->host, name, &bd->netdev) < 0)
			bd->netdev = NULL;
		return;
	}
	bd->strategy = real.strategy;
	if (vrdma_host_find_netdev(bd->set->host, real.netdev, &bd->netdev) < 0)
		bd->netdev = NULL;
	dbg(ctx, "vmk %s: apply realises it on %s%s", name, real.netdev,
	    bd->netdev ? "" : " (absent)");
}

/* The 16-byte RoCE GID form of an address (IPv4-mapped for IPv4). */
static void gid_form(const struct vrdma_inaddr *a, uint8_t gid[16])
{
	if (a->family == AF_INET) {
		memset(gid, 0, 10);
		gid[10] = 0xff;
		gid[11] = 0xff;
		memcpy(gid + 12, a->raw, 4);
	} else {
		memcpy(gid, a->raw, 16);
	}
}

static void add_addr(struct vrdma_binding *bd, const char *text, unsigned int prefix)
{
	struct binding_addr *a;

	if (bd->n_addrs >= BINDING_ADDR_MAX)
		return;
	a = &bd->addrs[bd->n_addrs];
	memset(a, 0, sizeof(*a));
	if (vrdma_inaddr_parse(text, &a->addr) < 0)
		return;
	a->addr.prefix = prefix;
	vrdma_inaddr_format(&a->addr, a->str);
	gid_form(&a->addr, a->gid);
	a->gid_index = -1;
	bd->n_addrs++;
}

static void resolve_uplink(struct vrdma_binding *bd)
{
	struct vrdma_host *host = bd->set->host;
	const char *name = NULL, *dev = NULL;

	bd->n_active = vrdma_portgroup_get_n_failover_uplinks(bd->pg, VRDMA_UPLINK_ACTIVE);
	bd->n_standby = vrdma_portgroup_get_n_failover_uplinks(bd->pg, VRDMA_UPLINK_STANDBY);
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
		bd->uplink = NULL; /* not a NIC of this host */
		return;
	}
	bd->uplink_netdev = vrdma_uplink_get_netdev(bd->uplink);
	bd->port = bd->uplink->paired_port;
	bd->adapter = bd->port ? bd->port->adapter : NULL;
}

/* The address on the vmk's netdev and the RoCE v2 GID of each address. */
static void resolve_addr(struct vrdma_binding *bd, struct binding_addr *ba)
{
	int k, n;

	if (bd->netdev) {
		n = vrdma_netdev_get_n_addrs(bd->netdev);
		for (k = 0; k < n; k++) {
			struct vrdma_addr *la = &bd->netdev->addrs[k];
			if (la->family == ba->addr.family &&
			    memcmp(la->raw, ba->addr.raw, la->family == AF_INET ? 4 : 16) == 0) {
				ba->live = la;
				break;
			}
		}
	}
	if (!bd->port)
		return;
	/* Preferring the vmk's netdev. */
	n = vrdma_port_get_n_gids(bd->port);
	for (k = 0; k < n; k++) {
		struct vrdma_gid *g = &bd->port->gids[k];
		const char *gdev = g->netdev_name;
		if (vrdma_gid_get_type(g) != VRDMA_GID_ROCE_V2 ||
		    memcmp(vrdma_gid_get_raw(g), ba->gid, 16) != 0)
			continue;
		if (bd->netdev && gdev && strcmp(gdev, vrdma_netdev_get_name(bd->netdev)) != 0)
			continue;
		ba->gid_index = vrdma_gid_get_index(g);
		break;
	}
}

static void resolve_addrs(struct vrdma_binding *bd)
{
	const char *a;
	unsigned int prefix, i;
	int n;

	if (vrdma_vmk_get_ipv4(bd->vmk, &a, &prefix) == 0)
		add_addr(bd, a, prefix);
	n = vrdma_vmk_get_n_ipv6(bd->vmk);
	for (i = 0; n > 0 && i < (unsigned int)n; i++)
		if (vrdma_vmk_get_ipv6(bd->vmk, i, &a, &prefix) == 0)
			add_addr(bd, a, prefix);
	for (i = 0; i < bd->n_addrs; i++)
		resolve_addr(bd, &bd->addrs[i]);
}

static void resolve(struct vrdma_bindings *b, struct vrdma_binding *bd, struct vrdma_vmk *vmk)
{
	bd->set = b;
	bd->state = VRDMA_BINDING_BOUND;
	bd->vmk = vmk;
	bd->pg = vrdma_vmk_get_portgroup(vmk);
	bd->sw = vrdma_portgroup_get_switch(bd->pg);
	resolve_uplink(bd);
	resolve_netdev(bd);
	bd->mtu = bd->netdev ? vrdma_netdev_get_mtu(bd->netdev) : vrdma_vmk_get_mtu(vmk);
	bd->mtu_fit = vrdma_roce_mtu_for_netdev_mtu(bd->mtu);
	resolve_addrs(bd);
}

static void bindings_free(struct vrdma_bindings *b)
{
	unsigned int i;

	for (i = 0; i < b->n; i++) {
		free(b->items[i].uplink_name);
		free(b->items[i].diags);
	}
	free(b->items);
	binding_diag_list_clear(&b->diags);
	vrdma_config_unref(b->cfg);
	vrdma_host_unref(b->host);
	vrdma_ctx_unref(b->ctx);
	free(b);
}

/* Attach sorted findings to their bindings and derive each state. */
static int finish(struct vrdma_bindings *b)
{
	unsigned int i, k;

	for (k = 0; k < b->diags.n; k++) {
		struct vrdma_diag *d = b->diags.items[k];
		struct vrdma_binding *bd = d->binding;
		struct vrdma_diag **nd;
		int sev = vrdma_rule_get_severity(vrdma_diag_get_rule(d));

		if (!bd)
			continue;
		nd = realloc(bd->diags, sizeof(*nd) * (bd->n_diags + 1));
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
		dbg(b->ctx, "binding %s: %s, %u findings", vrdma_vmk_get_name(b->items[i].vmk),
		    state_names[b->items[i].state], b->items[i].n_diags);
	return 0;
}

static int compute(struct vrdma_bindings *b)
{
	int n = vrdma_config_get_n_vmks(b->cfg);
	unsigned int i;

	if (n > 0) {
		b->items = calloc((size_t)n, sizeof(*b->items));
		if (!b->items)
			return -ENOMEM;
	}
	for (i = 0; n > 0 && i < (unsigned int)n; i++) {
		struct vrdma_vmk *vmk = NULL;

		if (vrdma_config_get_vmk(b->cfg, i, &vmk) < 0)
			continue;
		resolve(b, &b->items[b->n++], vmk);
	}
	binding_run_rules(b);
	if (b->diags.oom)
		return -ENOMEM;
	binding_diag_list_sort(&b->diags);
	return finish(b);
}

VRDMA_EXPORT int vrdma_bindings_new(struct vrdma_host *host, struct vrdma_config *cfg,
                                    struct vrdma_bindings **ret)
{
	struct vrdma_ctx *ctx;
	struct vrdma_bindings *b;
	int r;

	if (!host)
		return -EINVAL;
	ctx = vrdma_host_get_ctx(host);
	vrdma_error_clear(ctx);
	if (!cfg || !ret)
		return vrdma_error(ctx, -EINVAL, "bindings: no %s given",
		                   cfg ? "place to return them" : "configuration");
	if (vrdma_config_get_ctx(cfg) != ctx)
		return vrdma_error(ctx, -EINVAL,
		                   "bindings: the host and the configuration belong to different "
		                   "contexts");
	b = calloc(1, sizeof(*b));
	if (!b)
		return vrdma_error(ctx, -ENOMEM, "bindings: out of memory");
	b->refcount = 1;
	b->ctx = vrdma_ctx_ref(ctx);
	b->host = vrdma_host_ref(host);
	b->cfg = vrdma_config_ref(cfg);
	b->diags.ctx = ctx;
	r = compute(b);
	if (r < 0) {
		bindings_free(b);
		return vrdma_error(ctx, r, "bindings: out of memory");
	}
	*ret = b;
	return vrdma_success(ctx, 0);
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
	return b ? (int)b->n : -EINVAL;
}

VRDMA_EXPORT int vrdma_bindings_get_binding(struct vrdma_bindings *b, unsigned int i,
                                            struct vrdma_binding **ret)
{
	int r;

	if (!b)
		return -EINVAL;
	vrdma_error_clear(b->ctx);
	r = vrdma_index_check(b->ctx, ret, i, b->n, "binding", "bindings");
	if (r < 0)
		return r;
	*ret = &b->items[i];
	return 0;
}

VRDMA_EXPORT int vrdma_bindings_find_binding(struct vrdma_bindings *b, const char *vmk_name,
                                             struct vrdma_binding **ret)
{
	unsigned int i;

	if (!b)
		return -EINVAL;
	vrdma_error_clear(b->ctx);
	if (!vmk_name || !ret)
		return vrdma_error(b->ctx, -EINVAL, "vmk '%s': no name, or no place to return its "
		                   "binding", vmk_name ? vmk_name : "(null)");
	for (i = 0; i < b->n; i++)
		if (strcmp(vrdma_vmk_get_name(b->items[i].vmk), vmk_name) == 0) {
			*ret = &b->items[i];
			return 0;
		}
	return vrdma_error(b->ctx, -ENOENT, "vmk '%s': not in the configuration", vmk_name);
}

VRDMA_EXPORT int vrdma_bindings_get_n_diags(struct vrdma_bindings *b)
{
	return b ? (int)b->diags.n : -EINVAL;
}

VRDMA_EXPORT int vrdma_bindings_get_diag(struct vrdma_bindings *b, unsigned int i,
                                         struct vrdma_diag **ret)
{
	int r;

	if (!b)
		return -EINVAL;
	vrdma_error_clear(b->ctx);
	r = vrdma_index_check(b->ctx, ret, i, b->diags.n, "finding", "bindings");
	if (r < 0)
		return r;
	*ret = b->diags.items[i];
	return 0;
}

/* ---- one binding ---------------------------------------------------------------- */

VRDMA_EXPORT struct vrdma_bindings *vrdma_binding_get_bindings(struct vrdma_binding *bd)
{
	return bd ? bd->set : NULL;
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

/*
 * The int getters of a binding: clear the message, then store `value` or
 * fail with -ENOENT and "vmk 'NAME': <absent>".
 */
static int binding_ret(struct vrdma_binding *bd, const void *value, const void **ret,
                       const char *absent)
{
	if (!bd)
		return -EINVAL;
	vrdma_error_clear(bd->set->ctx);
	if (!ret)
		return vrdma_error(bd->set->ctx, -EINVAL, "vmk '%s': no place to return %s",
		                   vrdma_vmk_get_name(bd->vmk), absent);
	if (!value)
		return vrdma_error(bd->set->ctx, -ENOENT, "vmk '%s': no %s",
		                   vrdma_vmk_get_name(bd->vmk), absent);
	*ret = value;
	return 0;
}

VRDMA_EXPORT int vrdma_binding_get_uplink_name(struct vrdma_binding *bd, const char **ret)
{
	return binding_ret(bd, bd ? bd->uplink_name : NULL, (const void **)ret,
	                   "active uplink in its port group");
}

VRDMA_EXPORT int vrdma_binding_get_uplink(struct vrdma_binding *bd, struct vrdma_uplink **ret)
{
	return binding_ret(bd, bd ? bd->uplink : NULL, (const void **)ret,
	                   "active uplink on this host");
}

VRDMA_EXPORT int vrdma_binding_get_adapter(struct vrdma_binding *bd, struct vrdma_adapter **ret)
{
	return binding_ret(bd, bd ? bd->adapter : NULL, (const void **)ret,
	                   "RDMA adapter paired with its active uplink");
}

VRDMA_EXPORT int vrdma_binding_get_port(struct vrdma_binding *bd, struct vrdma_port **ret)
{
	return binding_ret(bd, bd ? bd->port : NULL, (const void **)ret,
	                   "RDMA port paired with its active uplink");
}

VRDMA_EXPORT int vrdma_binding_get_netdev_name(struct vrdma_binding *bd, const char **ret)
{
	return binding_ret(bd, bd && bd->netdev ? vrdma_netdev_get_name(bd->netdev) : NULL,
	                   (const void **)ret, "netdev carrying it on this host");
}

/* The same for an int value; absent when negative. */
static int binding_ret_int(struct vrdma_binding *bd, int value, int *ret, const char *absent)
{
	if (!bd)
		return -EINVAL;
	vrdma_error_clear(bd->set->ctx);
	if (!ret)
		return vrdma_error(bd->set->ctx, -EINVAL, "vmk '%s': no place to return %s",
		                   vrdma_vmk_get_name(bd->vmk), absent);
	if (value < 0)
		return vrdma_error(bd->set->ctx, -ENOENT, "vmk '%s': no %s",
		                   vrdma_vmk_get_name(bd->vmk), absent);
	*ret = value;
	return 0;
}

VRDMA_EXPORT int vrdma_binding_get_strategy(struct vrdma_binding *bd, int *ret)
{
	return binding_ret_int(bd, bd ? bd->strategy : -1, ret,
	                       "realisation strategy: apply cannot realise it on this host");
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
	int active, mtu = -1;

	if (bd && bd->port && bd->mtu_fit > 0) {
		active = vrdma_port_get_active_mtu(bd->port);
		mtu = active > 0 && active < bd->mtu_fit ? active : bd->mtu_fit;
	}
	return binding_ret_int(bd, mtu, ret, "RoCE MTU: no paired RDMA port, or an MTU below 352");
}

VRDMA_EXPORT int vrdma_binding_get_n_addrs(struct vrdma_binding *bd)
{
	return bd ? (int)bd->n_addrs : -EINVAL;
}

/* Address i, or NULL with -ENOENT recorded. */
static struct binding_addr *binding_addr(struct vrdma_binding *bd, unsigned int i)
{
	vrdma_error_clear(bd->set->ctx);
	if (i < bd->n_addrs)
		return &bd->addrs[i];
	vrdma_error(bd->set->ctx, -ENOENT, "vmk '%s': no address %u (it has %u)",
	            vrdma_vmk_get_name(bd->vmk), i, bd->n_addrs);
	return NULL;
}

VRDMA_EXPORT int vrdma_binding_get_addr(struct vrdma_binding *bd, unsigned int i,
                                        const char **address, int *family,
                                        unsigned int *prefixlen)
{
	struct binding_addr *a;

	if (!bd)
		return -EINVAL;
	a = binding_addr(bd, i);
	if (!a)
		return -ENOENT;
	if (address)
		*address = a->str;
	if (family)
		*family = a->addr.family;
	if (prefixlen)
		*prefixlen = a->addr.prefix;
	return 0;
}

VRDMA_EXPORT int vrdma_binding_get_addr_gid_index(struct vrdma_binding *bd, unsigned int i,
                                                  unsigned int *ret)
{
	struct binding_addr *a;

	if (!bd)
		return -EINVAL;
	a = binding_addr(bd, i);
	if (!a)
		return -ENOENT;
	if (!ret)
		return vrdma_error(bd->set->ctx, -EINVAL, "vmk '%s': no place to return a GID index",
		                   vrdma_vmk_get_name(bd->vmk));
	if (a->gid_index < 0)
		return vrdma_error(bd->set->ctx, -ENOENT, "vmk '%s': address %s has no RoCE v2 GID%s",
		                   vrdma_vmk_get_name(bd->vmk), a->str,
		                   bd->port ? " on its paired port" : ": no paired RDMA port");
	*ret = (unsigned int)a->gid_index;
	return 0;
}

VRDMA_EXPORT int vrdma_binding_get_n_diags(struct vrdma_binding *bd)
{
	return bd ? (int)bd->n_diags : -EINVAL;
}

VRDMA_EXPORT int vrdma_binding_get_diag(struct vrdma_binding *bd, unsigned int i,
                                        struct vrdma_diag **ret)
{
	int r;

	if (!bd)
		return -EINVAL;
	vrdma_error_clear(bd->set->ctx);
	r = vrdma_index_check(bd->set->ctx, ret, i, bd->n_diags, "finding", "vmk '%s'",
	                      vrdma_vmk_get_name(bd->vmk));
	if (r < 0)
		return r;
	*ret = bd->diags[i];
	return 0;
}
