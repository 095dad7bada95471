/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * apply: the rtnetlink writes (libnl-route), one function per step kind and
 * its inverse: links, addresses, and the routes and rules of the per-vmk
 * tables.  Every message sent is counted and logged at debug priority
 * (NL_CB_MSG_OUT), one line "apply: netlink message N sent: TYPE" each.
 * Devices are addressed by name, never by a cached ifindex, so undoing a
 * deletion (which re-creates the device under a new ifindex) keeps later
 * undos valid.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/netlink.h>
#include <netlink/errno.h>
#include <netlink/route/link.h>
#include <netlink/route/addr.h>
#include <netlink/route/link/vlan.h>
#include <netlink/route/link/macvlan.h>
#include <netlink/route/route.h>
#include <netlink/route/rule.h>
#include <linux/fib_rules.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include "apply-private.h"

struct apply_nl {
	struct vrdma_ctx *ctx;
	struct nl_sock *sk;
	unsigned int n_sent;
	unsigned int kill_after;     /* test hook: 0 none */
};

#ifdef VRDMA_TEST_HOOKS
/* Test hook: VRDMA_TEST_APPLY_KILL_AFTER_MSG=N (N > 0), else 0. */
static unsigned int test_kill_after(void)
{
	const char *e = secure_getenv("VRDMA_TEST_APPLY_KILL_AFTER_MSG");
	char *end;
	long v;

	if (!e || !e[0])
		return 0;
	v = strtol(e, &end, 10);
	return *end == '\0' && v > 0 && v < 1000000 ? (unsigned int)v : 0;
}
#else
static unsigned int test_kill_after(void)
{
	return 0;
}
#endif

/* A kill point: the process dies once kill_after messages were sent (and,
 * each being acknowledged before the next is built, done by the kernel). */
static void kill_point(struct apply_nl *nl)
{
	if (nl->kill_after && nl->n_sent >= nl->kill_after) {
		dbg(nl->ctx, "apply: test hook: SIGKILL after netlink message %u",
		    nl->n_sent);
		raise(SIGKILL);
	}
}

static const char *msg_type_name(int type)
{
	switch (type) {
	case RTM_NEWLINK: return "RTM_NEWLINK";
	case RTM_DELLINK: return "RTM_DELLINK";
	case RTM_SETLINK: return "RTM_SETLINK";
	case RTM_NEWADDR: return "RTM_NEWADDR";
	case RTM_DELADDR: return "RTM_DELADDR";
	case RTM_NEWROUTE: return "RTM_NEWROUTE";
	case RTM_DELROUTE: return "RTM_DELROUTE";
	case RTM_NEWRULE: return "RTM_NEWRULE";
	case RTM_DELRULE: return "RTM_DELRULE";
	default: return "other";
	}
}

static int count_out(struct nl_msg *msg, void *arg)
{
	struct apply_nl *nl = arg;
	int type = nlmsg_hdr(msg)->nlmsg_type;

	kill_point(nl); /* before the next message leaves */
	nl->n_sent++;
	dbg(nl->ctx, "apply: netlink message %u sent: %s (%d)", nl->n_sent,
	    msg_type_name(type), type);
	return NL_OK;
}

int apply_nl_open(struct vrdma_ctx *ctx, struct apply_nl **ret)
{
	struct apply_nl *nl = calloc(1, sizeof(*nl));
	int r;

	if (!nl)
		return vrdma_error(ctx, -ENOMEM, "apply: out of memory");
	nl->ctx = ctx;
	nl->kill_after = test_kill_after();
	nl->sk = nl_socket_alloc();
	if (!nl->sk) {
		free(nl);
		return vrdma_error(ctx, -ENOMEM, "apply: out of memory");
	}
	r = nl_connect(nl->sk, NETLINK_ROUTE);
	if (r < 0) {
		nl_socket_free(nl->sk);
		free(nl);
		return vrdma_error(ctx, -EIO, "apply: cannot open rtnetlink: %s",
		                   nl_geterror(r));
	}
	nl_socket_modify_cb(nl->sk, NL_CB_MSG_OUT, NL_CB_CUSTOM, count_out, nl);
	*ret = nl;
	return 0;
}

void apply_nl_close(struct apply_nl *nl)
{
	if (!nl)
		return;
	nl_socket_free(nl->sk);
	free(nl);
}

unsigned int apply_nl_get_n_sent(struct apply_nl *nl)
{
	return nl->n_sent;
}

/* libnl folds the kernel's errno into its own codes: map them back. */
static int nle_to_errno(int nle)
{
	switch (nle < 0 ? -nle : nle) {
	case NLE_SUCCESS: return 0;
	case NLE_INTR: return -EINTR;
	case NLE_BAD_SOCK: return -EBADF;
	case NLE_AGAIN: return -EAGAIN;
	case NLE_NOMEM: return -ENOMEM;
	case NLE_EXIST: return -EEXIST;
	case NLE_INVAL: return -EINVAL;
	case NLE_RANGE: return -ERANGE;
	case NLE_MSGSIZE: return -EMSGSIZE;
	case NLE_OPNOTSUPP: return -EOPNOTSUPP;
	case NLE_AF_NOSUPPORT: return -EAFNOSUPPORT;
	case NLE_OBJ_NOTFOUND: return -ENOENT;
	case NLE_NOATTR: return -ENOENT;
	case NLE_BUSY: return -EBUSY;
	case NLE_PERM: return -EPERM;
	case NLE_NOACCESS: return -EACCES;
	case NLE_NODEV: return -ENODEV;
	case NLE_NOADDR: return -EADDRNOTAVAIL;
	case NLE_MSG_OVERFLOW: return -ENOBUFS;
	default: return -EIO;
	}
}

static int fail(int nle, const char **reason)
{
	*reason = nl_geterror(nle);
	return nle_to_errno(nle);
}

static int ifindex_of(const char *name, const char **reason)
{
	unsigned int idx = if_nametoindex(name);

	if (!idx) {
		*reason = "no such network device";
		return -ENODEV;
	}
	return (int)idx;
}

/* A link object naming an existing device for rtnl_link_change(). */
static int link_ref(const char *name, struct rtnl_link **ret, const char **reason)
{
	struct rtnl_link *l;
	int idx = ifindex_of(name, reason);

	if (idx < 0)
		return idx;
	l = rtnl_link_alloc();
	if (!l)
		return -ENOMEM;
	rtnl_link_set_ifindex(l, idx);
	*ret = l;
	return 0;
}

static int link_change(struct apply_nl *nl, const char *name,
                       struct rtnl_link *changes, const char **reason)
{
	struct rtnl_link *orig = NULL;
	int r = link_ref(name, &orig, reason);

	if (r < 0)
		return r;
	r = rtnl_link_change(nl->sk, orig, changes, 0);
	rtnl_link_put(orig);
	return r < 0 ? fail(r, reason) : 0;
}

static int set_mac(struct rtnl_link *l, const uint8_t mac[6])
{
	struct nl_addr *a = nl_addr_build(AF_LLC, mac, 6);

	if (!a)
		return -ENOMEM;
	rtnl_link_set_addr(l, a);
	nl_addr_put(a);
	return 0;
}

static int link_delete(struct apply_nl *nl, const char *name, const char **reason)
{
	struct rtnl_link *l = NULL;
	int r = link_ref(name, &l, reason);

	if (r < 0)
		return r;
	r = rtnl_link_delete(nl->sk, l);
	rtnl_link_put(l);
	return r < 0 ? fail(r, reason) : 0;
}

/*
 * Create a device in one message (kind, lower device, MAC, MTU, up, and the
 * ownership mark APPLY_LINK_GROUP), then give it its alias (the kernel
 * ignores IFLA_IFALIAS on creation).  If that fails the device is deleted
 * again, so the step is atomic; if the process dies in between, the device
 * is still owned (the group) and the next apply re-creates it.
 */
static int link_create(struct apply_nl *nl, const struct apply_linkspec *s,
                       const char **reason)
{
	struct rtnl_link *l = NULL, *mark = NULL;
	int lower, r;

	lower = ifindex_of(s->lower, reason);
	if (lower < 0)
		return lower;
	if (strcmp(s->kind, "vlan") == 0) {
		l = rtnl_link_vlan_alloc();
		if (l)
			rtnl_link_vlan_set_id(l, s->vid);
	} else {
		l = rtnl_link_macvlan_alloc();
		if (l)
			rtnl_link_macvlan_set_mode(l, s->macvlan_mode ? (uint32_t)s->macvlan_mode
			                                              : MACVLAN_MODE_BRIDGE);
	}
	if (!l)
		return -ENOMEM;
	rtnl_link_set_name(l, s->name);
	if (s->ifindex > 0) /* undoing a deletion: same ifindex as before */
		rtnl_link_set_ifindex(l, s->ifindex);
	rtnl_link_set_link(l, lower);
	if (s->mtu > 0)
		rtnl_link_set_mtu(l, (unsigned int)s->mtu);
	if (s->has_mac && set_mac(l, s->mac) < 0) {
		rtnl_link_put(l);
		return -ENOMEM;
	}
	if (s->up)
		rtnl_link_set_flags(l, IFF_UP);
	if (s->group)
		rtnl_link_set_group(l, s->group);
	r = rtnl_link_add(nl->sk, l, NLM_F_CREATE | NLM_F_EXCL);
	rtnl_link_put(l);
	if (r < 0)
		return fail(r, reason);

	mark = rtnl_link_alloc();
	if (!mark) {
		r = -ENOMEM;
		*reason = "out of memory";
	} else {
		rtnl_link_set_ifalias(mark, s->alias);
		r = link_change(nl, s->name, mark, reason);
		rtnl_link_put(mark);
	}
	if (r < 0) {
		const char *ignored;
		link_delete(nl, s->name, &ignored);
	}
	return r;
}

static int addr_op(struct apply_nl *nl, const char *ifname,
                   const struct vrdma_inaddr *a, bool add, const char **reason)
{
	struct rtnl_addr *ra;
	struct nl_addr *local;
	int idx = ifindex_of(ifname, reason), r;

	if (idx < 0)
		return idx;
	ra = rtnl_addr_alloc();
	local = nl_addr_build(a->family, a->raw, apply_addr_len(a->family));
	if (!ra || !local) {
		rtnl_addr_put(ra);
		nl_addr_put(local);
		return -ENOMEM;
	}
	nl_addr_set_prefixlen(local, (int)a->prefix);
	rtnl_addr_set_ifindex(ra, idx);
	rtnl_addr_set_family(ra, a->family);
	rtnl_addr_set_local(ra, local);
	rtnl_addr_set_prefixlen(ra, (int)a->prefix);
	if (add)
		r = rtnl_addr_add(nl->sk, ra, NLM_F_EXCL);
	else
		r = rtnl_addr_delete(nl->sk, ra, 0);
	nl_addr_put(local);
	rtnl_addr_put(ra);
	return r < 0 ? fail(r, reason) : 0;
}

/* ---- routes and rules of the per-vmk tables ---------------------------------- */

static struct nl_addr *nladdr(const struct vrdma_inaddr *a, int family, unsigned int prefix)
{
	struct nl_addr *n = nl_addr_build(family, a->raw, apply_addr_len(family));

	if (n)
		nl_addr_set_prefixlen(n, (int)prefix);
	return n;
}

static int route_op(struct apply_nl *nl, const struct apply_route *rt, bool add,
                    const char **reason)
{
	struct rtnl_route *route = rtnl_route_alloc();
	struct rtnl_nexthop *nh = rtnl_route_nh_alloc();
	struct nl_addr *dst = nladdr(&rt->dst, rt->family, rt->dst.prefix), *gw = NULL;
	unsigned int idx = if_nametoindex(rt->dev);
	int r;

	if (!idx && add) {
		r = -ENODEV;
		*reason = "no such network device";
		goto out;
	}
	if (!route || !nh || !dst ||
	    (rt->gw.family &&
	     !(gw = nladdr(&rt->gw, rt->family, apply_addr_len(rt->family) * 8)))) {
		r = -ENOMEM;
		*reason = "out of memory";
		goto out;
	}
	rtnl_route_set_family(route, (uint8_t)rt->family);
	rtnl_route_set_table(route, rt->table);
	rtnl_route_set_protocol(route, VRDMA_APPLY_RT_PROTOCOL);
	rtnl_route_set_type(route, RTN_UNICAST);
	rtnl_route_set_scope(route, rt->family == AF_INET && !rt->gw.family ?
	                            RT_SCOPE_LINK : RT_SCOPE_UNIVERSE);
	r = rtnl_route_set_dst(route, dst);
	if (r < 0) {
		r = fail(r, reason);
		goto out;
	}
	if (idx)
		rtnl_route_nh_set_ifindex(nh, (int)idx);
	if (gw)
		rtnl_route_nh_set_gateway(nh, gw);
	if (idx || gw) {
		rtnl_route_add_nexthop(route, nh);
		nh = NULL; /* owned by the route now */
	}
	r = add ? rtnl_route_add(nl->sk, route, NLM_F_CREATE | NLM_F_EXCL)
	        : rtnl_route_delete(nl->sk, route, 0);
	r = r < 0 ? fail(r, reason) : 0;
out:
	if (nh)
		rtnl_route_nh_free(nh);
	nl_addr_put(gw);
	nl_addr_put(dst);
	rtnl_route_put(route);
	return r;
}

static int rule_op(struct apply_nl *nl, const struct apply_rule *ru, bool add,
                   const char **reason)
{
	struct rtnl_rule *rule = rtnl_rule_alloc();
	struct nl_addr *src = nladdr(&ru->src, ru->family, apply_addr_len(ru->family) * 8);
	int r;

	if (!rule || !src) {
		r = -ENOMEM;
		*reason = "out of memory";
		goto out;
	}
	rtnl_rule_set_family(rule, ru->family);
	rtnl_rule_set_prio(rule, ru->prio);
	rtnl_rule_set_table(rule, ru->table);
	rtnl_rule_set_action(rule, FR_ACT_TO_TBL);
	rtnl_rule_set_protocol(rule, VRDMA_APPLY_RT_PROTOCOL);
	r = rtnl_rule_set_src(rule, src);
	if (r >= 0)
		r = add ? rtnl_rule_add(nl->sk, rule, NLM_F_EXCL)
		        : rtnl_rule_delete(nl->sk, rule, 0);
	r = r < 0 ? fail(r, reason) : 0;
out:
	nl_addr_put(src);
	rtnl_rule_put(rule);
	return r;
}

/* ---- steps ---------------------------------------------------------------------- */

static int step_op(struct apply_nl *nl, const struct vrdma_apply_step *st,
                   bool undo, const char **reason)
{
	struct rtnl_link *ch;
	int r;

	switch (st->op) {
	case APPLY_OP_LINK_CREATE:
		return undo ? link_delete(nl, st->ifname, reason)
		            : link_create(nl, &st->spec, reason);
	case APPLY_OP_LINK_DELETE:
		return undo ? link_create(nl, &st->spec, reason)
		            : link_delete(nl, st->ifname, reason);
	case APPLY_OP_ADDR_ADD:
		return addr_op(nl, st->ifname, &st->addr, !undo, reason);
	case APPLY_OP_ADDR_DEL:
		return addr_op(nl, st->ifname, &st->addr, undo, reason);
	case APPLY_OP_ROUTE_ADD:
		return route_op(nl, &st->route, !undo, reason);
	case APPLY_OP_ROUTE_DEL:
		return route_op(nl, &st->route, undo, reason);
	case APPLY_OP_RULE_ADD:
		return rule_op(nl, &st->rule, !undo, reason);
	case APPLY_OP_RULE_DEL:
		return rule_op(nl, &st->rule, undo, reason);
	case APPLY_OP_SOFT_CREATE:
	case APPLY_OP_SOFT_DELETE:
		return apply_soft_step(nl->ctx, st, undo, reason, &nl->n_sent);
	case APPLY_OP_ROCE_MODE:
	case APPLY_OP_ROCE_TOS:
		return apply_roce_step(nl->ctx, st, undo, reason);   /* configfs */
	case APPLY_OP_LINK_MTU:
	case APPLY_OP_LINK_UP:
	case APPLY_OP_LINK_MAC:
		break;
	}
	ch = rtnl_link_alloc();
	if (!ch)
		return -ENOMEM;
	r = 0;
	if (st->op == APPLY_OP_LINK_MTU) {
		rtnl_link_set_mtu(ch, (unsigned int)(undo ? st->old_mtu : st->new_mtu));
	} else if (st->op == APPLY_OP_LINK_UP) {
		if (undo ? st->old_up : st->new_up)
			rtnl_link_set_flags(ch, IFF_UP);
		else
			rtnl_link_unset_flags(ch, IFF_UP);
	} else {
		r = set_mac(ch, undo ? st->old_mac : st->new_mac);
	}
	if (r == 0)
		r = link_change(nl, st->ifname, ch, reason);
	rtnl_link_put(ch);
	return r;
}

int apply_nl_step(struct apply_nl *nl, const struct vrdma_apply_step *st,
                  bool undo, const char **reason)
{
	int r;

	*reason = "";
	r = step_op(nl, st, undo, reason);
	if (r == -ENOMEM && !(*reason)[0])
		*reason = "out of memory";
	kill_point(nl); /* after the step's last message */
	return r;
}
