/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Network devices and addresses of the caller's namespace, from rtnetlink
 * through libnl-route: one link dump and one address dump.
 */
#include <arpa/inet.h>
#include <linux/if_addr.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/vlan.h>

#include "host-private.h"

static char *format_hwaddr(struct nl_addr *a)
{
	const uint8_t *b;
	unsigned len, i;
	char *s;

	if (!a)
		return NULL;
	len = nl_addr_get_len(a);
	if (len != 6 && len != 20 && len != 8)
		return NULL;
	b = nl_addr_get_binary_addr(a);
	s = malloc(len * 3);
	if (!s)
		return NULL;
	for (i = 0; i < len; i++)
		snprintf(s + i * 3, 4, "%02x%s", b[i], i + 1 < len ? ":" : "");
	return s;
}

struct net_walk {
	struct vrdma_host *host;
	int err;
	int pass_family; /* address pass: AF_INET, then AF_INET6 */
};

static void add_link(struct nl_object *obj, void *data)
{
	struct net_walk *w = data;
	struct rtnl_link *l = (struct rtnl_link *)obj;
	struct vrdma_netdev *d;
	const char *kind;
	int32_t nsid;

	if (w->err < 0)
		return;
	d = vrdma_host_add_netdev(w->host, rtnl_link_get_ifindex(l), rtnl_link_get_name(l));
	if (!d) {
		w->err = -ENOMEM;
		return;
	}
	kind = rtnl_link_get_type(l);
	if (kind && !(d->kind = strdup(kind)))
		w->err = -ENOMEM;
	d->mtu = (int)rtnl_link_get_mtu(l);
	d->oper_state = rtnl_link_get_operstate(l);
	d->flags = rtnl_link_get_flags(l);
	d->mac = format_hwaddr(rtnl_link_get_addr(l));
	d->master_ifindex = rtnl_link_get_master(l);
	d->link_ifindex = rtnl_link_get_link(l);
	if (rtnl_link_get_link_netnsid(l, &nsid) == 0)
		d->link_other_ns = true;
	if (rtnl_link_is_vlan(l))
		d->vlan_id = rtnl_link_vlan_get_id(l);
}

static int addr_flags(unsigned f)
{
	int r = 0;

	if (f & IFA_F_SECONDARY)
		r |= VRDMA_ADDR_SECONDARY;
	if (f & IFA_F_NODAD)
		r |= VRDMA_ADDR_NODAD;
	if (f & IFA_F_OPTIMISTIC)
		r |= VRDMA_ADDR_OPTIMISTIC;
	if (f & IFA_F_DADFAILED)
		r |= VRDMA_ADDR_DADFAILED;
	if (f & IFA_F_DEPRECATED)
		r |= VRDMA_ADDR_DEPRECATED;
	if (f & IFA_F_TENTATIVE)
		r |= VRDMA_ADDR_TENTATIVE;
	if (f & IFA_F_PERMANENT)
		r |= VRDMA_ADDR_PERMANENT;
	return r;
}

static void add_addr(struct nl_object *obj, void *data)
{
	struct net_walk *w = data;
	struct rtnl_addr *a = (struct rtnl_addr *)obj;
	struct vrdma_netdev *d;
	struct vrdma_addr *n, *x;
	struct nl_addr *local;
	int family = rtnl_addr_get_family(a);
	unsigned len;

	if (w->err < 0 || family != w->pass_family)
		return;
	d = vrdma_host_lookup_ifindex(w->host, rtnl_addr_get_ifindex(a));
	local = rtnl_addr_get_local(a);
	if (!d || !local)
		return;
	len = nl_addr_get_len(local);
	if ((family == AF_INET && len != 4) || (family == AF_INET6 && len != 16))
		return;
	/* capacity doubles at each power of two: linear, not quadratic, in
	 * the number of addresses (a netdev with thousands of them) */
	if ((d->n_addrs & (d->n_addrs - 1)) == 0) {
		n = realloc(d->addrs, sizeof(*n) * (size_t)(d->n_addrs ? d->n_addrs * 2 : 1));
		if (!n) {
			w->err = -ENOMEM;
			return;
		}
		d->addrs = n;
	}
	n = d->addrs;
	x = &n[d->n_addrs++];
	memset(x, 0, sizeof(*x));
	x->family = family;
	memcpy(x->raw, nl_addr_get_binary_addr(local), len);
	inet_ntop(family, x->raw, x->str, sizeof(x->str));
	x->prefixlen = rtnl_addr_get_prefixlen(a);
	x->flags = addr_flags(rtnl_addr_get_flags(a));
	x->scope = rtnl_addr_get_scope(a);
}

int vrdma_host_net_discover(struct vrdma_host *h)
{
	struct nl_sock *sk;
	struct nl_cache *links = NULL, *addrs = NULL;
	struct net_walk w = { .host = h };
	int r;

	sk = nl_socket_alloc();
	if (!sk)
		return -ENOMEM;
	r = nl_connect(sk, NETLINK_ROUTE);
	if (r < 0) {
		r = vrdma_error(h->ctx, -EIO, "rtnetlink: cannot connect: %s", nl_geterror(r));
		goto out;
	}
	r = rtnl_link_alloc_cache(sk, AF_UNSPEC, &links);
	if (r < 0) {
		r = vrdma_error(h->ctx, -EIO, "rtnetlink: link dump failed: %s", nl_geterror(r));
		goto out;
	}
	r = rtnl_addr_alloc_cache(sk, &addrs);
	if (r < 0) {
		r = vrdma_error(h->ctx, -EIO, "rtnetlink: address dump failed: %s", nl_geterror(r));
		goto out;
	}
	nl_cache_foreach(links, add_link, &w);
	w.pass_family = AF_INET;
	nl_cache_foreach(addrs, add_addr, &w);
	w.pass_family = AF_INET6;
	nl_cache_foreach(addrs, add_addr, &w);
	r = w.err;
out:
	nl_cache_free(addrs);
	nl_cache_free(links);
	nl_socket_free(sk);
	return r;
}
