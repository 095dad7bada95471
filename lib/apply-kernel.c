/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * apply: the live kernel view (links with kind, lower device, VLAN id,
 * macvlan mode, MAC, MTU, flags, group and interface alias, plus their
 * addresses),
 * read with two rtnetlink dumps; then the routes of the per-vmk table range
 * and the rules apply made, two more dumps.  Discovery's host view has no
 * interface aliases and may be a saved snapshot, so apply reads the kernel
 * itself.
 */
#include <stdlib.h>
#include <string.h>

#include <netlink/netlink.h>
#include <netlink/cache.h>
#include <netlink/route/link.h>
#include <netlink/route/addr.h>
#include <netlink/route/link/vlan.h>
#include <netlink/route/link/macvlan.h>
#include <netlink/route/route.h>
#include <netlink/route/rule.h>

#include "apply-private.h"

/* Owned: created with apply's device group, or (devices created before the
 * group mark existed) carrying its alias. */
bool apply_klink_is_managed(const struct apply_klink *l)
{
	return l->group == APPLY_LINK_GROUP ||
	       strncmp(l->alias, VRDMA_APPLY_ALIAS_PREFIX,
	               strlen(VRDMA_APPLY_ALIAS_PREFIX)) == 0;
}

struct apply_klink *apply_kernel_find(struct apply_kernel *k, const char *name)
{
	unsigned int i;

	for (i = 0; i < k->n_links; i++)
		if (strcmp(k->links[i].name, name) == 0)
			return &k->links[i];
	return NULL;
}

static struct apply_klink *find_index(struct apply_kernel *k, int ifindex)
{
	unsigned int i;

	for (i = 0; i < k->n_links; i++)
		if (k->links[i].ifindex == ifindex)
			return &k->links[i];
	return NULL;
}

void apply_kernel_free(struct apply_kernel *k)
{
	unsigned int i;

	if (!k)
		return;
	for (i = 0; i < k->n_links; i++)
		free(k->links[i].addrs);
	free(k->links);
	free(k->routes);
	free(k->rules);
	memset(k, 0, sizeof(*k));
}

static void fill_link(struct apply_klink *l, struct rtnl_link *link)
{
	const char *s;
	struct nl_addr *a;

	l->ifindex = rtnl_link_get_ifindex(link);
	snprintf(l->name, sizeof(l->name), "%s", rtnl_link_get_name(link) ?: "");
	s = rtnl_link_get_type(link);
	snprintf(l->kind, sizeof(l->kind), "%s", s ? s : "");
	l->link_ifindex = rtnl_link_get_link(link);
	l->master = rtnl_link_get_master(link);
	l->vid = rtnl_link_is_vlan(link) ? rtnl_link_vlan_get_id(link) : -1;
	l->macvlan_mode = rtnl_link_is_macvlan(link) ?
	                  (int)rtnl_link_macvlan_get_mode(link) : -1;
	a = rtnl_link_get_addr(link);
	if (a && nl_addr_get_len(a) == 6) {
		memcpy(l->mac, nl_addr_get_binary_addr(a), 6);
		l->has_mac = true;
	}
	l->mtu = (int)rtnl_link_get_mtu(link);
	l->flags = rtnl_link_get_flags(link);
	l->group = rtnl_link_get_group(link);
	s = rtnl_link_get_ifalias(link);
	snprintf(l->alias, sizeof(l->alias), "%s", s ? s : "");
}

static int add_addr(struct apply_kernel *k, struct rtnl_addr *ra)
{
	struct apply_klink *l = find_index(k, rtnl_addr_get_ifindex(ra));
	struct nl_addr *local = rtnl_addr_get_local(ra);
	struct vrdma_inaddr *n, a = { 0 };

	if (!l || !local)
		return 0;
	a.family = rtnl_addr_get_family(ra);
	if (a.family != AF_INET && a.family != AF_INET6)
		return 0;
	if (nl_addr_get_len(local) != apply_addr_len(a.family))
		return 0;
	memcpy(a.raw, nl_addr_get_binary_addr(local), nl_addr_get_len(local));
	/* Kernel-made IPv6 link-local addresses are nobody's business here. */
	if (a.family == AF_INET6 && a.raw[0] == 0xfe && (a.raw[1] & 0xc0) == 0x80)
		return 0;
	a.prefix = (unsigned int)rtnl_addr_get_prefixlen(ra);
	n = realloc(l->addrs, sizeof(*n) * (l->n_addrs + 1));
	if (!n)
		return -ENOMEM;
	l->addrs = n;
	l->addrs[l->n_addrs++] = a;
	return 0;
}

/* ---- routes and rules ------------------------------------------------------------ */

static int nladdr_get(struct nl_addr *a, int family, struct vrdma_inaddr *out)
{
	unsigned int len = apply_addr_len(family);

	memset(out, 0, sizeof(*out));
	out->family = family;
	out->prefix = a ? nl_addr_get_prefixlen(a) : 0;
	if (a && nl_addr_get_len(a) == len)
		memcpy(out->raw, nl_addr_get_binary_addr(a), len);
	else if (a && nl_addr_get_len(a) != 0)
		return -EINVAL;
	return 0;
}

static int add_kroute(struct apply_kernel *k, struct rtnl_route *rt)
{
	struct apply_route r = { 0 }, *n;
	struct rtnl_nexthop *nh;
	struct apply_klink *l;
	int family = rtnl_route_get_family(rt);

	if (family != AF_INET && family != AF_INET6)
		return 0;
	r.table = rtnl_route_get_table(rt);
	if (r.table < VRDMA_APPLY_TABLE_BASE ||
	    r.table - VRDMA_APPLY_TABLE_BASE >= APPLY_TABLE_SPAN)
		return 0;
	r.family = family;
	r.protocol = rtnl_route_get_protocol(rt);
	if (nladdr_get(rtnl_route_get_dst(rt), family, &r.dst) < 0)
		return 0;
	nh = rtnl_route_get_nnexthops(rt) > 0 ? rtnl_route_nexthop_n(rt, 0) : NULL;
	if (nh) {
		struct nl_addr *gw = rtnl_route_nh_get_gateway(nh);
		l = find_index(k, rtnl_route_nh_get_ifindex(nh));
		snprintf(r.dev, IFNAMSIZ, "%s", l ? l->name : "");
		if (gw && nl_addr_get_len(gw) == apply_addr_len(family) &&
		    nladdr_get(gw, family, &r.gw) == 0)
			r.gw.prefix = 0;
	}
	n = realloc(k->routes, sizeof(*n) * (k->n_routes + 1));
	if (!n)
		return -ENOMEM;
	k->routes = n;
	k->routes[k->n_routes++] = r;
	return 0;
}

static int add_krule(struct apply_kernel *k, struct rtnl_rule *ru)
{
	struct apply_rule r = { 0 }, *n;
	struct nl_addr *src = rtnl_rule_get_src(ru);
	uint8_t proto = 0;
	int family = rtnl_rule_get_family(ru);

	if (family != AF_INET && family != AF_INET6)
		return 0;
	if (rtnl_rule_get_protocol(ru, &proto) < 0 ||
	    !apply_rt_is_ours(proto, rtnl_rule_get_table(ru)))
		return 0;
	r.family = family;
	r.prio = rtnl_rule_get_prio(ru);
	r.table = rtnl_rule_get_table(ru);
	if (nladdr_get(src, family, &r.src) < 0)
		return 0;
	n = realloc(k->rules, sizeof(*n) * (k->n_rules + 1));
	if (!n)
		return -ENOMEM;
	k->rules = n;
	k->rules[k->n_rules++] = r;
	return 0;
}

static int read_routing(struct vrdma_ctx *ctx, struct nl_sock *sk, struct apply_kernel *k)
{
	struct nl_cache *routes = NULL, *rules = NULL;
	struct nl_object *o;
	int r;

	r = rtnl_route_alloc_cache(sk, AF_UNSPEC, 0, &routes);
	if (r >= 0)
		r = rtnl_rule_alloc_cache(sk, AF_UNSPEC, &rules);
	if (r < 0) {
		r = vrdma_error(ctx, -EIO, "apply: cannot dump routes/rules: %s",
		                nl_geterror(r));
		goto out;
	}
	for (o = nl_cache_get_first(routes); o && r >= 0; o = nl_cache_get_next(o))
		r = add_kroute(k, (struct rtnl_route *)o);
	for (o = nl_cache_get_first(rules); o && r >= 0; o = nl_cache_get_next(o))
		r = add_krule(k, (struct rtnl_rule *)o);
out:
	nl_cache_free(rules);
	nl_cache_free(routes);
	return r < 0 ? r : 0;
}

/* ---- links and addresses ------------------------------------------------------------ */

int apply_kernel_read(struct vrdma_ctx *ctx, struct apply_kernel *k)
{
	struct nl_sock *sk;
	struct nl_cache *links = NULL, *addrs = NULL;
	struct nl_object *o;
	unsigned int i, n;
	int r;

	memset(k, 0, sizeof(*k));
	sk = nl_socket_alloc();
	if (!sk)
		return vrdma_error(ctx, -ENOMEM, "apply: out of memory reading the kernel view");
	r = nl_connect(sk, NETLINK_ROUTE);
	if (r < 0) {
		r = vrdma_error(ctx, -EIO, "apply: cannot open rtnetlink: %s",
		                nl_geterror(r));
		goto out;
	}
	r = rtnl_link_alloc_cache(sk, AF_UNSPEC, &links);
	if (r >= 0)
		r = rtnl_addr_alloc_cache(sk, &addrs);
	if (r < 0) {
		r = vrdma_error(ctx, -EIO, "apply: cannot dump links/addresses: %s",
		                nl_geterror(r));
		goto out;
	}
	n = (unsigned int)nl_cache_nitems(links);
	k->links = calloc(n ? n : 1, sizeof(*k->links));
	if (!k->links) {
		r = -ENOMEM;
		goto out;
	}
	for (o = nl_cache_get_first(links); o; o = nl_cache_get_next(o))
		fill_link(&k->links[k->n_links++], (struct rtnl_link *)o);
	for (i = 0; i < k->n_links; i++) {
		struct apply_klink *low;
		if (k->links[i].link_ifindex &&
		    (low = find_index(k, k->links[i].link_ifindex)) != NULL)
			snprintf(k->links[i].lower, IFNAMSIZ, "%s", low->name);
	}
	for (o = nl_cache_get_first(addrs); o; o = nl_cache_get_next(o)) {
		r = add_addr(k, (struct rtnl_addr *)o);
		if (r < 0)
			goto out;
	}
	r = read_routing(ctx, sk, k);
out:
	if (r == -ENOMEM)
		r = vrdma_error(ctx, r, "apply: out of memory reading the kernel view");
	if (r < 0)
		apply_kernel_free(k);
	nl_cache_free(addrs);
	nl_cache_free(links);
	nl_socket_free(sk);
	return r;
}
