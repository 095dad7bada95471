/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The kernel's RDMA netlink (NETLINK_RDMA, client NLDEV) through libmnl:
 * one device dump, then one port dump per device.  It names the adapters,
 * their kernel index, firmware, GUIDs, node type and protocol, and for each
 * port its state and the paired netdev (present only when that netdev is
 * in the caller's network namespace).
 */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <rdma/rdma_netlink.h>

#include "host-private.h"

struct nl_walk {
	struct vrdma_host *host;
	struct vrdma_adapter *adapter; /* port dump: the device asked about */
	int err;
};

int vrdma_rdmanl_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(attr);

	if (type >= 0 && type < RDMA_NLDEV_ATTR_MAX)
		tb[type] = attr;
	return MNL_CB_OK;
}

static int dev_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[RDMA_NLDEV_ATTR_MAX] = { 0 };
	struct nl_walk *w = data;
	struct vrdma_adapter *a;
	const char *name;
	int r;

	mnl_attr_parse(nlh, 0, vrdma_rdmanl_attr_cb, tb);
	if (!tb[RDMA_NLDEV_ATTR_DEV_NAME] || !tb[RDMA_NLDEV_ATTR_DEV_INDEX])
		return MNL_CB_OK;
	name = mnl_attr_get_str(tb[RDMA_NLDEV_ATTR_DEV_NAME]);
	a = vrdma_host_lookup_adapter(w->host, name);
	if (!a)
		a = vrdma_host_add_adapter(w->host, name);
	if (!a) {
		w->err = -ENOMEM;
		return MNL_CB_ERROR;
	}
	a->kernel_index = (int)mnl_attr_get_u32(tb[RDMA_NLDEV_ATTR_DEV_INDEX]);
	if (tb[RDMA_NLDEV_ATTR_PORT_INDEX]) {
		r = vrdma_adapter_set_n_ports(a, (int)mnl_attr_get_u32(tb[RDMA_NLDEV_ATTR_PORT_INDEX]));
		if (r < 0) {
			w->err = r;
			return MNL_CB_ERROR;
		}
	}
	if (tb[RDMA_NLDEV_ATTR_FW_VERSION] && !a->fw_version)
		a->fw_version = strdup(mnl_attr_get_str(tb[RDMA_NLDEV_ATTR_FW_VERSION]));
	if (tb[RDMA_NLDEV_ATTR_NODE_GUID])
		a->node_guid = mnl_attr_get_u64(tb[RDMA_NLDEV_ATTR_NODE_GUID]);
	if (tb[RDMA_NLDEV_ATTR_SYS_IMAGE_GUID])
		a->sys_image_guid = mnl_attr_get_u64(tb[RDMA_NLDEV_ATTR_SYS_IMAGE_GUID]);
	if (tb[RDMA_NLDEV_ATTR_DEV_NODE_TYPE])
		a->node_type = mnl_attr_get_u8(tb[RDMA_NLDEV_ATTR_DEV_NODE_TYPE]);
	if (tb[RDMA_NLDEV_ATTR_DEV_PROTOCOL] && !a->nl_protocol)
		a->nl_protocol = strdup(mnl_attr_get_str(tb[RDMA_NLDEV_ATTR_DEV_PROTOCOL]));
	return MNL_CB_OK;
}

static int port_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[RDMA_NLDEV_ATTR_MAX] = { 0 };
	struct nl_walk *w = data;
	struct vrdma_port *p;
	int num, r;

	mnl_attr_parse(nlh, 0, vrdma_rdmanl_attr_cb, tb);
	if (!tb[RDMA_NLDEV_ATTR_PORT_INDEX])
		return MNL_CB_OK;
	num = (int)mnl_attr_get_u32(tb[RDMA_NLDEV_ATTR_PORT_INDEX]);
	if (num < 1 || num > 255)
		return MNL_CB_OK;
	r = vrdma_adapter_set_n_ports(w->adapter, num);
	if (r < 0) {
		w->err = r;
		return MNL_CB_ERROR;
	}
	p = &w->adapter->ports[num - 1];
	p->have_nl = true;
	if (tb[RDMA_NLDEV_ATTR_PORT_STATE])
		p->state = mnl_attr_get_u8(tb[RDMA_NLDEV_ATTR_PORT_STATE]);
	if (tb[RDMA_NLDEV_ATTR_PORT_PHYS_STATE])
		p->phys_state = mnl_attr_get_u8(tb[RDMA_NLDEV_ATTR_PORT_PHYS_STATE]);
	if (tb[RDMA_NLDEV_ATTR_NDEV_INDEX])
		p->netdev_ifindex = (int)mnl_attr_get_u32(tb[RDMA_NLDEV_ATTR_NDEV_INDEX]);
	return MNL_CB_OK;
}

static int request(struct vrdma_host *h, struct mnl_socket *nl, unsigned *seq, int cmd,
                   int dev_index, mnl_cb_t cb, struct nl_walk *w)
{
	char buf[32768];
	struct nlmsghdr *nlh;
	unsigned portid = mnl_socket_get_portid(nl);
	int r;

	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RDMA_NL_GET_TYPE(RDMA_NL_NLDEV, cmd);
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_DUMP;
	nlh->nlmsg_seq = ++*seq;
	if (dev_index >= 0)
		mnl_attr_put_u32(nlh, RDMA_NLDEV_ATTR_DEV_INDEX, (uint32_t)dev_index);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	for (;;) {
		ssize_t n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (n < 0)
			return -errno;
		r = mnl_cb_run(buf, (size_t)n, *seq, portid, cb, w);
		if (r < 0)
			return w->err < 0 ? w->err : -errno;
		if (r == MNL_CB_STOP)
			return 0;
	}
}

int vrdma_host_rdmanl_discover(struct vrdma_host *h)
{
	struct nl_walk w = { .host = h };
	struct mnl_socket *nl;
	unsigned seq = (unsigned)time(NULL);
	int r, i;

	nl = mnl_socket_open(NETLINK_RDMA);
	if (!nl) {
		/* no RDMA support in this kernel at all: zero adapters */
		dbg(h->ctx, "RDMA netlink unavailable: %s", strerror(errno));
		return 0;
	}
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		r = -errno;
		dbg(h->ctx, "RDMA netlink bind failed: %s", strerror(-r));
		mnl_socket_close(nl);
		return 0;
	}
	r = request(h, nl, &seq, RDMA_NLDEV_CMD_GET, -1, dev_cb, &w);
	if (r < 0) {
		dbg(h->ctx, "RDMA netlink device dump failed: %s", strerror(-r));
		mnl_socket_close(nl);
		return r == -ENOMEM ? r : 0;
	}
	for (i = 0; i < h->n_adapters; i++) {
		struct vrdma_adapter *a = h->adapters[i];
		if (a->kernel_index < 0)
			continue;
		w.adapter = a;
		r = request(h, nl, &seq, RDMA_NLDEV_CMD_PORT_GET, a->kernel_index, port_cb, &w);
		if (r == -ENOMEM)
			break;
		if (r < 0) {
			/* the device went away between the dumps */
			dbg(h->ctx, "RDMA netlink port dump of %s failed: %s", a->name, strerror(-r));
			r = 0;
		}
	}
	mnl_socket_close(nl);
	return r < 0 ? r : 0;
}
