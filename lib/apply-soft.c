/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * apply: soft RDMA adapters (rxe, siw), what `rdma link add NAME type rxe
 * netdev X` and `rdma link delete NAME` do, through RDMA netlink (libmnl):
 * the kernel view (a device dump, then a port dump per device), the plan's
 * steps and their execution.
 *
 * Ownership.  apply names every adapter it creates "vrdmasN" (N decimal):
 * the name travels in the creating RDMA_NLDEV_CMD_NEWLINK itself, so an
 * adapter exists only as an owned one whatever happens to the process, and
 * no state file is needed.  Only adapters named so are ever deleted; every
 * other RDMA device is the user's and is never touched (a configured soft
 * adapter whose netdev already carries one makes the plan fail).  An owned
 * adapter whose netdev is not in this network namespace (RDMA netlink
 * reports no netdev then) is another namespace's: it is left alone.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <rdma/rdma_netlink.h>

#include "apply-private.h"

#define SOFT_BUF 32768   /* bytes of one netlink receive */
#define SOFT_NODE_RNIC 4 /* RDMA_NODE_RNIC: iWARP (siw); rxe is a CA (1) */

bool apply_soft_is_owned_name(const char *name)
{
	size_t n = strlen(APPLY_SOFT_PREFIX);

	return strncmp(name, APPLY_SOFT_PREFIX, n) == 0 && name[n] &&
	       strspn(name + n, "0123456789") == strlen(name + n);
}

/* ---- RDMA netlink: kernel view ------------------------------------------------- */

struct soft_walk {
	struct apply_rdma *k;
	struct apply_rdev *dev;       /* port dump: the device asked about */
	int err;
};

static int dev_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[RDMA_NLDEV_ATTR_MAX] = { 0 };
	struct soft_walk *w = data;
	struct apply_rdev *d;

	mnl_attr_parse(nlh, 0, vrdma_rdmanl_attr_cb, tb);
	if (!tb[RDMA_NLDEV_ATTR_DEV_NAME] || !tb[RDMA_NLDEV_ATTR_DEV_INDEX])
		return MNL_CB_OK;
	d = realloc(w->k->devs, sizeof(*d) * (w->k->n_devs + 1));
	if (!d) {
		w->err = -ENOMEM;
		return MNL_CB_ERROR;
	}
	w->k->devs = d;
	d = &d[w->k->n_devs++];
	memset(d, 0, sizeof(*d));
	snprintf(d->name, sizeof(d->name), "%s", mnl_attr_get_str(tb[RDMA_NLDEV_ATTR_DEV_NAME]));
	d->index = mnl_attr_get_u32(tb[RDMA_NLDEV_ATTR_DEV_INDEX]);
	if (tb[RDMA_NLDEV_ATTR_DEV_NODE_TYPE])
		d->node_type = mnl_attr_get_u8(tb[RDMA_NLDEV_ATTR_DEV_NODE_TYPE]);
	return MNL_CB_OK;
}

static int port_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[RDMA_NLDEV_ATTR_MAX] = { 0 };
	struct soft_walk *w = data;

	mnl_attr_parse(nlh, 0, vrdma_rdmanl_attr_cb, tb);
	if (tb[RDMA_NLDEV_ATTR_NDEV_INDEX] && !w->dev->ndev_ifindex)
		w->dev->ndev_ifindex = (int)mnl_attr_get_u32(tb[RDMA_NLDEV_ATTR_NDEV_INDEX]);
	if (tb[RDMA_NLDEV_ATTR_NDEV_NAME] && !w->dev->ndev[0])
		snprintf(w->dev->ndev, IFNAMSIZ, "%s",
		         mnl_attr_get_str(tb[RDMA_NLDEV_ATTR_NDEV_NAME]));
	return MNL_CB_OK;
}

/* Send one message and run cb over the answers until the ACK / DONE. */
static int soft_talk(struct mnl_socket *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data,
                     int *cb_err)
{
	char buf[SOFT_BUF];
	unsigned int portid = mnl_socket_get_portid(nl), seq = nlh->nlmsg_seq;
	int r;

	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	for (;;) {
		ssize_t n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (n < 0)
			return -errno;
		r = mnl_cb_run(buf, (size_t)n, seq, portid, cb, data);
		if (r < 0)
			return cb_err && *cb_err < 0 ? *cb_err : -errno;
		if (r == MNL_CB_STOP)
			return 0;
	}
}

static struct nlmsghdr *soft_msg(char *buf, int cmd, unsigned int flags, unsigned int *seq)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);

	nlh->nlmsg_type = RDMA_NL_GET_TYPE(RDMA_NL_NLDEV, cmd);
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	nlh->nlmsg_seq = ++*seq;
	return nlh;
}

static int soft_open(struct mnl_socket **ret)
{
	struct mnl_socket *nl = mnl_socket_open(NETLINK_RDMA);
	int r;

	if (!nl)
		return -errno;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		r = -errno;
		mnl_socket_close(nl);
		return r;
	}
	*ret = nl;
	return 0;
}

static int soft_dump(struct mnl_socket *nl, struct apply_rdma *k, unsigned int *seq)
{
	char buf[SOFT_BUF];
	struct soft_walk w = { .k = k };
	struct nlmsghdr *nlh;
	unsigned int i;
	int r;

	nlh = soft_msg(buf, RDMA_NLDEV_CMD_GET, NLM_F_DUMP, seq);
	r = soft_talk(nl, nlh, dev_cb, &w, &w.err);
	for (i = 0; r >= 0 && i < k->n_devs; i++) {
		w.dev = &k->devs[i];
		nlh = soft_msg(buf, RDMA_NLDEV_CMD_PORT_GET, NLM_F_DUMP, seq);
		mnl_attr_put_u32(nlh, RDMA_NLDEV_ATTR_DEV_INDEX, k->devs[i].index);
		r = soft_talk(nl, nlh, port_cb, &w, &w.err);
		if (r < 0 && r != -ENOMEM)
			r = 0; /* the device went away between the dumps */
	}
	return r;
}

int apply_soft_read(struct vrdma_ctx *ctx, struct apply_rdma *k)
{
	struct mnl_socket *nl;
	unsigned int seq = (unsigned int)time(NULL);
	int r;

	memset(k, 0, sizeof(*k));
	r = soft_open(&nl);
	if (r < 0) {
		dbg(ctx, "apply: RDMA netlink unavailable: %s", strerror(-r));
		return 0; /* no RDMA in this kernel: no adapters */
	}
	k->available = true;
	r = soft_dump(nl, k, &seq);
	mnl_socket_close(nl);
	if (r < 0) {
		apply_soft_free(k);
		return vrdma_error(ctx, r, "apply: cannot read the RDMA adapters (RDMA "
		                   "netlink): %s", strerror(-r));
	}
	return 0;
}

void apply_soft_free(struct apply_rdma *k)
{
	free(k->devs);
	k->devs = NULL;
	k->n_devs = 0;
}

/* ---- execution ------------------------------------------------------------------ */

/* Count and log a message as apply-nl.c does for rtnetlink. */
static void soft_sent(struct vrdma_ctx *ctx, unsigned int *n_sent, const struct nlmsghdr *nlh,
                      const char *what)
{
	(*n_sent)++;
	dbg(ctx, "apply: netlink message %u sent: %s (%d)", *n_sent, what, nlh->nlmsg_type);
}

static int soft_create(struct vrdma_ctx *ctx, struct mnl_socket *nl, unsigned int *seq,
                       const struct apply_softspec *s, unsigned int *n_sent)
{
	char buf[SOFT_BUF];
	struct nlmsghdr *nlh = soft_msg(buf, RDMA_NLDEV_CMD_NEWLINK, 0, seq);

	mnl_attr_put_strz(nlh, RDMA_NLDEV_ATTR_DEV_NAME, s->name);
	mnl_attr_put_strz(nlh, RDMA_NLDEV_ATTR_LINK_TYPE, vrdma_soft_adapter_type_to_string(s->type));
	mnl_attr_put_strz(nlh, RDMA_NLDEV_ATTR_NDEV_NAME, s->netdev);
	soft_sent(ctx, n_sent, nlh, "RDMA_NLDEV_CMD_NEWLINK");
	return soft_talk(nl, nlh, NULL, NULL, NULL);
}

/* Delete by name: the index is looked up now (an undone deletion re-creates
 * the adapter under a new index). */
static int soft_delete(struct vrdma_ctx *ctx, struct mnl_socket *nl, unsigned int *seq,
                       const char *name, unsigned int *n_sent)
{
	char buf[SOFT_BUF];
	struct apply_rdma k = { 0 };
	struct soft_walk w = { .k = &k };
	struct nlmsghdr *nlh;
	unsigned int i;
	int r;

	nlh = soft_msg(buf, RDMA_NLDEV_CMD_GET, NLM_F_DUMP, seq);
	r = soft_talk(nl, nlh, dev_cb, &w, &w.err);
	for (i = 0; r >= 0 && i < k.n_devs; i++)
		if (strcmp(k.devs[i].name, name) == 0)
			break;
	if (r >= 0 && i == k.n_devs)
		r = -ENODEV;
	if (r >= 0) {
		nlh = soft_msg(buf, RDMA_NLDEV_CMD_DELLINK, 0, seq);
		mnl_attr_put_u32(nlh, RDMA_NLDEV_ATTR_DEV_INDEX, k.devs[i].index);
		soft_sent(ctx, n_sent, nlh, "RDMA_NLDEV_CMD_DELLINK");
		r = soft_talk(nl, nlh, NULL, NULL, NULL);
	}
	apply_soft_free(&k);
	return r;
}

int apply_soft_step(struct vrdma_ctx *ctx, const struct vrdma_apply_step *st, bool undo,
                    const char **reason, unsigned int *n_sent)
{
	bool create = (st->op == APPLY_OP_SOFT_CREATE) != undo;
	unsigned int seq = (unsigned int)time(NULL);
	struct mnl_socket *nl;
	int r;

	r = soft_open(&nl);
	if (r < 0) {
		*reason = "cannot open RDMA netlink";
		return r;
	}
	r = create ? soft_create(ctx, nl, &seq, &st->soft, n_sent)
	           : soft_delete(ctx, nl, &seq, st->soft.name, n_sent);
	mnl_socket_close(nl);
	if (r == -ENODEV && !create)
		*reason = "no such RDMA adapter";
	else if (r < 0)
		*reason = create ? "RDMA netlink refused RDMA_NLDEV_CMD_NEWLINK"
		                 : "RDMA netlink refused RDMA_NLDEV_CMD_DELLINK";
	dbg(ctx, "apply: RDMA netlink %s %s: %s", create ? "NEWLINK" : "DELLINK",
	    st->soft.name, r < 0 ? strerror(-r) : "done");
	return r;
}

/* ---- planning --------------------------------------------------------------------- */

/* The kernel module that provides link type `type`, and whether this kernel
 * has it (loaded, built in, or installed for auto-loading). */
static bool soft_kernel_has(int type)
{
	const char *mod = type == VRDMA_SOFT_ADAPTER_SIW ? "siw" : "rdma_rxe";
	char path[512], alias[64], line[512];
	struct utsname u;
	struct stat st;
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/module/%s", mod);
	if (stat(path, &st) == 0)
		return true;
	if (uname(&u) < 0)
		return true; /* cannot tell: let the kernel answer */
	snprintf(alias, sizeof(alias), "alias rdma-link-%s ",
	         vrdma_soft_adapter_type_to_string(type));
	snprintf(path, sizeof(path), "/lib/modules/%s/modules.alias", u.release);
	f = fopen(path, "re");
	if (!f)
		return true;
	while (!found && fgets(line, sizeof(line), f))
		found = strncmp(line, alias, strlen(alias)) == 0;
	fclose(f);
	return found;
}

static int soft_step(struct vrdma_apply_plan *plan, bool create, const struct apply_softspec *s,
                     const char *uplink)
{
	struct vrdma_apply_step *st;
	char *v;

	st = apply_step_new(plan, create ? VRDMA_APPLY_CREATE : VRDMA_APPLY_DELETE,
	                    VRDMA_APPLY_OBJ_SOFT_ADAPTER,
	                    create ? APPLY_OP_SOFT_CREATE : APPLY_OP_SOFT_DELETE,
	                    s->netdev, "soft-adapter");
	if (!st)
		return -ENOMEM;
	st->soft = *s;
	v = vrdma_asprintf("%s %s on %s", s->name, vrdma_soft_adapter_type_to_string(s->type),
	                   s->netdev);
	if (!v)
		return -ENOMEM;
	if (create)
		st->new_value = v;
	else
		st->old_value = v;
	if (uplink && strcmp(uplink, s->netdev) != 0)
		st->description = vrdma_asprintf("%s soft RDMA adapter %s (uplink %s)",
		                                 create ? "create" : "delete", v, uplink);
	else
		st->description = vrdma_asprintf("%s soft RDMA adapter %s",
		                                 create ? "create" : "delete", v);
	return st->description ? 0 : -ENOMEM;
}

static int soft_type_of(const struct apply_rdev *d)
{
	return d->node_type == SOFT_NODE_RNIC ? VRDMA_SOFT_ADAPTER_SIW : VRDMA_SOFT_ADAPTER_RXE;
}

/* An uplink name (vmnic alias or netdev name) to a netdev name of host, as
 * apply_resolve_device() does (apply-resolve.c calls this file). */
static int soft_device(struct vrdma_host *host, const char *dev, char out[IFNAMSIZ])
{
	struct vrdma_uplink *u;
	struct vrdma_netdev *nd;

	if (vrdma_host_find_uplink(host, dev, &u) == 0)
		nd = vrdma_uplink_get_netdev(u);
	else if (vrdma_host_find_netdev(host, dev, &nd) < 0)
		return -ENODEV;
	snprintf(out, IFNAMSIZ, "%s", vrdma_netdev_get_name(nd));
	return 0;
}

/* The wanted adapters, resolved: netdev and ifindex in this namespace. */
struct soft_want {
	struct vrdma_soft_adapter *sa;
	char netdev[IFNAMSIZ];
	int ifindex;
	const struct apply_rdev *have;   /* the owned adapter that realises it */
};

static int soft_resolve(struct vrdma_ctx *ctx, struct vrdma_host *host, struct apply_kernel *k,
                        struct apply_rdma *rk, struct soft_want *w, unsigned int n)
{
	unsigned int i, j;

	for (i = 0; i < n; i++) {
		const char *up = vrdma_soft_adapter_get_uplink(w[i].sa);
		int type = vrdma_soft_adapter_get_type(w[i].sa);
		struct apply_klink *kl;
		if (soft_device(host, up, w[i].netdev) < 0 ||
		    !(kl = apply_kernel_find(k, w[i].netdev)))
			return vrdma_error(ctx, -ENODEV, "soft adapter on uplink '%s': no "
			                   "such network device in this namespace", up);
		w[i].ifindex = kl->ifindex;
		for (j = 0; j < i; j++)
			if (w[j].ifindex == w[i].ifindex)
				return vrdma_error(ctx, -EEXIST, "soft adapter on uplink '%s': "
				                   "netdev '%s' already has one, on uplink '%s'",
				                   up, w[i].netdev,
				                   vrdma_soft_adapter_get_uplink(w[j].sa));
		for (j = 0; j < rk->n_devs; j++) {
			const struct apply_rdev *d = &rk->devs[j];
			if (d->ndev_ifindex != w[i].ifindex)
				continue;
			if (!apply_soft_is_owned_name(d->name))
				return vrdma_error(ctx, -EEXIST, "soft adapter on uplink '%s': "
				                   "netdev '%s' already has RDMA adapter '%s', "
				                   "not created by libvrdma; it is not taken "
				                   "over: remove it or this soft adapter from "
				                   "the configuration", up, w[i].netdev, d->name);
			if (soft_type_of(d) == type && !w[i].have)
				w[i].have = d;
		}
		if (!w[i].have && !rk->available)
			return vrdma_error(ctx, -EOPNOTSUPP, "soft adapter on uplink '%s': "
			                   "this kernel has no RDMA netlink (no RDMA support)", up);
		if (!w[i].have && !soft_kernel_has(type))
			return vrdma_error(ctx, -EOPNOTSUPP, "soft adapter on uplink '%s': "
			                   "type %s: this kernel has no %s module (no %s link "
			                   "type)", up, vrdma_soft_adapter_type_to_string(type),
			                   type == VRDMA_SOFT_ADAPTER_SIW ? "siw" : "rdma_rxe",
			                   vrdma_soft_adapter_type_to_string(type));
	}
	return 0;
}

static bool soft_wanted(const struct soft_want *w, unsigned int n, const struct apply_rdev *d)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (w[i].have == d)
			return true;
	return false;
}

static bool soft_name_taken(const struct apply_rdma *rk, const char *name)
{
	unsigned int i;

	for (i = 0; i < rk->n_devs; i++)
		if (strcmp(rk->devs[i].name, name) == 0)
			return true;
	return false;
}

static int soft_steps(struct vrdma_apply_plan *plan, struct apply_rdma *rk,
                      struct soft_want *w, unsigned int n)
{
	unsigned int i, next = 0;
	int r;

	for (i = 0; i < rk->n_devs; i++) {
		const struct apply_rdev *d = &rk->devs[i];
		struct apply_softspec s = { .type = soft_type_of(d) };
		if (!apply_soft_is_owned_name(d->name) || soft_wanted(w, n, d))
			continue;
		if (!d->ndev_ifindex) {
			apply_plan_add_note(plan, "soft RDMA adapter %s (created by libvrdma) "
			                    "has no netdev in this network namespace; left "
			                    "alone", d->name);
			continue;
		}
		snprintf(s.name, sizeof(s.name), "%s", d->name);
		snprintf(s.netdev, IFNAMSIZ, "%s", d->ndev);
		r = soft_step(plan, false, &s, NULL);
		if (r < 0)
			return r;
	}
	for (i = 0; i < n; i++) {
		struct apply_softspec s = { .type = vrdma_soft_adapter_get_type(w[i].sa) };
		if (w[i].have)
			continue;
		/* a fresh name, never one of an adapter there now (deleted or not) */
		do
			snprintf(s.name, sizeof(s.name), APPLY_SOFT_PREFIX "%u", next++);
		while (soft_name_taken(rk, s.name));
		snprintf(s.netdev, IFNAMSIZ, "%s", w[i].netdev);
		r = soft_step(plan, true, &s, vrdma_soft_adapter_get_uplink(w[i].sa));
		if (r < 0)
			return r;
	}
	return 0;
}

int apply_soft_plan(struct vrdma_ctx *ctx, struct vrdma_config *cfg, struct vrdma_host *host,
                    struct apply_kernel *k, struct vrdma_apply_plan *plan)
{
	unsigned int n = (unsigned int)vrdma_config_get_n_soft_adapters(cfg), i;
	struct apply_rdma rk;
	struct soft_want *w;
	int r;

	w = calloc(n + 1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		(void)vrdma_config_get_soft_adapter(cfg, i, &w[i].sa);
	r = apply_soft_read(ctx, &rk);
	if (r >= 0)
		r = soft_resolve(ctx, host, k, &rk, w, n);
	if (r >= 0)
		r = soft_steps(plan, &rk, w, n);
	apply_soft_free(&rk);
	free(w);
	return r;
}

bool apply_soft_configured_on(struct vrdma_host *host, struct vrdma_config *cfg,
                              const char *netdev)
{
	unsigned int i;

	for (i = 0; cfg && i < (unsigned int)vrdma_config_get_n_soft_adapters(cfg); i++) {
		struct vrdma_soft_adapter *sa;
		char nd[IFNAMSIZ];
		if (vrdma_config_get_soft_adapter(cfg, i, &sa) == 0 &&
		    soft_device(host, vrdma_soft_adapter_get_uplink(sa), nd) == 0 &&
		    strcmp(nd, netdev) == 0)
			return true;
	}
	return false;
}
