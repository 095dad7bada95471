/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * apply: the rtnetlink writes (libnl-route), one function per step kind and
 * its inverse.  Every message sent is counted (NL_CB_MSG_OUT).  Devices are
 * addressed by name, never by a cached ifindex, so undoing a deletion (which
 * re-creates the device under a new ifindex) keeps later undos valid.
 */
#include <stdlib.h>
#include <string.h>

#include <netlink/netlink.h>
#include <netlink/errno.h>
#include <netlink/route/link.h>
#include <netlink/route/addr.h>
#include <netlink/route/link/vlan.h>
#include <netlink/route/link/macvlan.h>
#include <linux/if_link.h>

#include "internal.h"

struct apply_nl {
	struct vrdma_ctx *ctx;
	struct nl_sock *sk;
	int writes;
};

static int count_out(struct nl_msg *msg, void *arg)
{
	struct apply_nl *nl = arg;

	(void)msg;
	nl->writes++;
	return NL_OK;
}

int apply_nl_open(struct vrdma_ctx *ctx, struct apply_nl **ret)
{
	struct apply_nl *nl = calloc(1, sizeof(*nl));
	int r;

	if (!nl)
		return -ENOMEM;
	nl->ctx = ctx;
	nl->sk = nl_socket_alloc();
	if (!nl->sk) {
		free(nl);
		return -ENOMEM;
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

int apply_nl_get_writes(struct apply_nl *nl)
{
	return nl->writes;
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

int apply_nl_fail(int nle, const char **reason)
{
	return fail(nle, reason);
}

struct nl_sock *apply_nl_sock(struct apply_nl *nl)
{
	return nl->sk;
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
 * Create a device in one message (kind, lower device, MAC, MTU, up), then
 * mark it with its alias (the kernel ignores IFLA_IFALIAS on creation).  If
 * the marking fails the device is deleted again, so the step is atomic.
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
                   const struct apply_addr *a, bool add, const char **reason)
{
	struct rtnl_addr *ra;
	struct nl_addr *local;
	int idx = ifindex_of(ifname, reason), r;

	if (idx < 0)
		return idx;
	ra = rtnl_addr_alloc();
	local = nl_addr_build(a->family, a->raw, a->family == AF_INET ? 4 : 16);
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

int apply_nl_step(struct apply_nl *nl, const struct vrdma_apply_step *st,
                  bool undo, const char **reason)
{
	struct rtnl_link *ch;
	int r;

	*reason = "";
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
	case APPLY_OP_ROUTE_DEL:
	case APPLY_OP_RULE_ADD:
	case APPLY_OP_RULE_DEL:
		return apply_route_nl_step(nl, st, undo, reason);
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
