/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * vrdma_host_discover(): the live host, from rtnetlink, sysfs, RDMA
 * netlink and libibverbs, then aliases and linking.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "host-private.h"

/* ---- discovery ------------------------------------------------------------------ */

static void resolve_ifindexes(struct vrdma_host *h)
{
	int i, j, k;

	for (i = 0; i < h->n_netdevs; i++) {
		struct vrdma_netdev *d = h->netdevs[i], *o;
		if (d->master_ifindex > 0 && !d->master_name &&
		    (o = vrdma_host_lookup_ifindex(h, d->master_ifindex)))
			d->master_name = strdup(o->name);
		if (d->link_ifindex > 0 && !d->link_other_ns && !d->link_name &&
		    d->link_ifindex != d->ifindex &&
		    (o = vrdma_host_lookup_ifindex(h, d->link_ifindex)))
			d->link_name = strdup(o->name);
	}
	for (i = 0; i < h->n_adapters; i++) {
		struct vrdma_adapter *a = h->adapters[i];
		bool gid_elsewhere;
		for (j = 0; j < a->n_ports; j++) {
			struct vrdma_port *p = &a->ports[j];
			struct vrdma_netdev *o;
			gid_elsewhere = false;
			for (k = 0; k < p->n_gids; k++) {
				struct vrdma_gid *g = &p->gids[k];
				if (g->netdev_ifindex <= 0 || g->netdev_name)
					continue;
				o = vrdma_host_lookup_ifindex(h, g->netdev_ifindex);
				/* RDMA netlink names the port's netdev only when it is
				 * in our namespace: trust an ifindex only then. */
				if (o && (p->netdev_ifindex > 0 || !p->have_nl))
					g->netdev_name = strdup(o->name);
				else
					gid_elsewhere = true;
			}
			if (!p->netdev_name && p->netdev_ifindex > 0 &&
			    (o = vrdma_host_lookup_ifindex(h, p->netdev_ifindex))) {
				p->netdev_name = strdup(o->name);
				/* the netdev an RDMA port sits on is a NIC to
				 * the user (Soft-RoCE over a veth, ...) */
				if (!o->kind || strcmp(o->kind, "veth") == 0 ||
				    strcmp(o->kind, "dummy") == 0)
					o->physical = true;
			}
			if (p->netdev_name)
				p->netdev_missing = VRDMA_NETDEV_PRESENT;
			else if (p->link_layer == VRDMA_LINK_LAYER_IB)
				p->netdev_missing = VRDMA_NETDEV_NONE;
			else if (p->have_nl && gid_elsewhere)
				p->netdev_missing = VRDMA_NETDEV_OTHER_NAMESPACE;
			else if (p->have_nl)
				p->netdev_missing = VRDMA_NETDEV_NONE;
			else
				p->netdev_missing = VRDMA_NETDEV_UNKNOWN;
		}
	}
}

static void derive_protocols(struct vrdma_adapter *a)
{
	int j, k, p = 0;

	for (j = 0; j < a->n_ports; j++) {
		struct vrdma_port *port = &a->ports[j];
		if (port->link_layer == VRDMA_LINK_LAYER_IB)
			p |= VRDMA_PROTO_IB;
		for (k = 0; k < port->n_gids; k++) {
			if (port->gids[k].type == VRDMA_GID_ROCE_V1)
				p |= VRDMA_PROTO_ROCE_V1;
			else if (port->gids[k].type == VRDMA_GID_ROCE_V2)
				p |= VRDMA_PROTO_ROCE_V2;
		}
	}
	if (a->node_type == VRDMA_NODE_RNIC || (a->nl_protocol && strcmp(a->nl_protocol, "iw") == 0)) {
		p &= ~(VRDMA_PROTO_ROCE_V1 | VRDMA_PROTO_ROCE_V2);
		p |= VRDMA_PROTO_IWARP;
	} else if (!(p & (VRDMA_PROTO_ROCE_V1 | VRDMA_PROTO_ROCE_V2)) &&
	           ((a->nl_protocol && strcmp(a->nl_protocol, "roce") == 0) ||
	            (a->n_ports && a->ports[0].link_layer == VRDMA_LINK_LAYER_ETHERNET))) {
		/* no GID table read: Soft-RoCE does v2 only, hardware both */
		p |= VRDMA_PROTO_ROCE_V2;
		if (!a->driver || strcmp(a->driver, "rdma_rxe") != 0)
			p |= VRDMA_PROTO_ROCE_V1;
	} else if (a->nl_protocol && strcmp(a->nl_protocol, "ib") == 0) {
		p |= VRDMA_PROTO_IB;
	}
	a->protocols = p;
}

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* Log how long a discovery phase took (debug level). */
static uint64_t phase(struct vrdma_ctx *ctx, const char *what, uint64_t since)
{
	uint64_t t = now_us();

	dbg(ctx, "discovery: %s took %llu us", what, (unsigned long long)(t - since));
	return t;
}

VRDMA_EXPORT int vrdma_host_discover(struct vrdma_ctx *ctx, unsigned int flags,
                                     struct vrdma_host **ret)
{
	struct vrdma_host *h = NULL;
	struct utsname u;
	char hn[256];
	uint64_t t;
	int r, i;

	if (!ctx)
		return -EINVAL;
	vrdma_error_clear(ctx);
	if (!ret)
		return vrdma_error(ctx, -EINVAL, "host discovery: no place to return the host (ret is NULL)");
	if (flags & ~(unsigned)(VRDMA_DISCOVER_READ_ONLY | VRDMA_DISCOVER_NO_GIDS))
		return vrdma_error(ctx, -EINVAL, "host discovery: unknown flags 0x%x", flags);
	r = vrdma_host_new_empty(ctx, &h);
	if (r < 0)
		return r;
	if (gethostname(hn, sizeof(hn)) == 0) {
		hn[sizeof(hn) - 1] = '\0';
		h->hostname = strdup(hn);
	}
	if (uname(&u) == 0)
		h->kernel = strdup(u.release);

	t = now_us();
	if ((r = vrdma_host_net_discover(h)) < 0)
		goto fail;
	t = phase(ctx, "rtnetlink", t);
	if ((r = vrdma_host_sysfs_netdevs(h)) < 0)
		goto fail;
	t = phase(ctx, "sysfs netdevs", t);
	if ((r = vrdma_host_rdmanl_discover(h)) < 0)
		goto fail;
	t = phase(ctx, "RDMA netlink", t);
	if ((r = vrdma_host_verbs_discover(h, flags)) < 0)
		goto fail;
	t = phase(ctx, "verbs", t);
	if ((r = vrdma_host_sysfs_adapters(h)) < 0)
		goto fail;
	resolve_ifindexes(h);
	for (i = 0; i < h->n_adapters; i++)
		derive_protocols(h->adapters[i]);
	t = phase(ctx, "sysfs adapters", t);
	if ((r = vrdma_alias_assign(h, flags)) < 0)
		goto fail;
	t = phase(ctx, "aliases", t);
	if ((r = vrdma_host_link(h, "host discovery")) < 0)
		goto fail;
	phase(ctx, "linking", t);
	dbg(ctx, "discovered %d adapters, %d netdevs, %d uplinks", h->n_adapters,
	    h->n_netdevs, h->n_uplinks);
	*ret = h;
	return 0;
fail:
	vrdma_host_free(h);
	return r;
}
