/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Adapter, port and GID table attributes from libibverbs: one
 * ibv_query_device_ex(), one ibv_query_port() per port and one
 * ibv_query_gid_table() call for the whole GID table of an adapter.
 */
#include <endian.h>
#include <stdlib.h>
#include <string.h>

#include <infiniband/verbs.h>

#include "host-private.h"

/* IBTA active_speed code -> lane rate in Mb/s; active_width code -> lanes. */
static int ib_speed_mbps(int speed, int width, int *lanes)
{
	int rate, n;

	switch (speed) {
	case 1: rate = 2500; break;     /* SDR */
	case 2: rate = 5000; break;     /* DDR */
	case 4: rate = 10000; break;    /* QDR */
	case 8: rate = 10000; break;    /* FDR10 */
	case 16: rate = 14000; break;   /* FDR */
	case 32: rate = 25000; break;   /* EDR */
	case 64: rate = 50000; break;   /* HDR */
	case 128: rate = 100000; break; /* NDR */
	case 256: rate = 200000; break; /* XDR */
	default: rate = 0; break;
	}
	switch (width) {
	case 1: n = 1; break;
	case 2: n = 4; break;
	case 4: n = 8; break;
	case 8: n = 12; break;
	case 16: n = 2; break;
	default: n = 0; break;
	}
	if (lanes)
		*lanes = n;
	return rate * n;
}

static int add_gids(struct vrdma_host *h, struct vrdma_adapter *a, struct ibv_context *c,
                    size_t total)
{
	struct ibv_gid_entry *e;
	ssize_t n, i;

	if (total == 0)
		return 0;
	e = calloc(total, sizeof(*e));
	if (!e)
		return -ENOMEM;
	n = ibv_query_gid_table(c, e, total, 0);
	if (n < 0) {
		dbg(h->ctx, "%s: ibv_query_gid_table failed: %s", a->name, strerror((int)-n));
		free(e);
		return 0;
	}
	for (i = 0; i < n; i++) {
		struct vrdma_port *p;
		struct vrdma_gid *g, *ng;

		if (e[i].port_num < 1 || (int)e[i].port_num > a->n_ports)
			continue;
		p = &a->ports[e[i].port_num - 1];
		ng = realloc(p->gids, sizeof(*ng) * (size_t)(p->n_gids + 1));
		if (!ng) {
			free(e);
			return -ENOMEM;
		}
		p->gids = ng;
		g = &ng[p->n_gids++];
		memset(g, 0, sizeof(*g));
		g->index = (int)e[i].gid_index;
		memcpy(g->raw, e[i].gid.raw, 16);
		switch (e[i].gid_type) {
		case IBV_GID_TYPE_ROCE_V1: g->type = VRDMA_GID_ROCE_V1; break;
		case IBV_GID_TYPE_ROCE_V2: g->type = VRDMA_GID_ROCE_V2; break;
		default: g->type = VRDMA_GID_IB; break;
		}
		g->netdev_ifindex = (int)e[i].ndev_ifindex;
	}
	free(e);
	return 0;
}

static int query_one(struct vrdma_host *h, struct ibv_device *dev, unsigned int flags)
{
	struct ibv_device_attr_ex attr;
	struct vrdma_adapter *a;
	struct ibv_context *c;
	size_t total = 0;
	int r, i;

	a = vrdma_host_lookup_adapter(h, ibv_get_device_name(dev));
	if (!a)
		a = vrdma_host_add_adapter(h, ibv_get_device_name(dev));
	if (!a)
		return -ENOMEM;
	if (dev->node_type >= IBV_NODE_CA && dev->node_type <= IBV_NODE_UNSPECIFIED && !a->node_type)
		a->node_type = dev->node_type;

	c = ibv_open_device(dev);
	if (!c) {
		dbg(h->ctx, "%s: cannot open verbs device: %s", a->name, strerror(errno));
		return 0;
	}
	memset(&attr, 0, sizeof(attr));
	r = ibv_query_device_ex(c, NULL, &attr);
	if (r) {
		dbg(h->ctx, "%s: ibv_query_device_ex failed: %s", a->name, strerror(r));
		ibv_close_device(c);
		return 0;
	}
	if (attr.orig_attr.fw_ver[0]) {
		free(a->fw_version);
		a->fw_version = strdup(attr.orig_attr.fw_ver);
	}
	a->node_guid = be64toh(attr.orig_attr.node_guid);
	a->sys_image_guid = be64toh(attr.orig_attr.sys_image_guid);
	a->vendor_id = (int)attr.orig_attr.vendor_id;
	a->vendor_part_id = (int)attr.orig_attr.vendor_part_id;
	r = vrdma_adapter_set_n_ports(a, attr.orig_attr.phys_port_cnt);
	if (r < 0)
		goto out;
	for (i = 1; i <= attr.orig_attr.phys_port_cnt; i++) {
		struct vrdma_port *p = &a->ports[i - 1];
		struct ibv_port_attr pa;

		memset(&pa, 0, sizeof(pa));
		if (ibv_query_port(c, (uint8_t)i, &pa)) {
			dbg(h->ctx, "%s: ibv_query_port %d failed", a->name, i);
			continue;
		}
		p->state = pa.state;
		p->phys_state = pa.phys_state;
		p->active_mtu = vrdma_mtu_enum_to_bytes(pa.active_mtu);
		p->max_mtu = vrdma_mtu_enum_to_bytes(pa.max_mtu);
		p->speed = ib_speed_mbps(pa.active_speed, pa.active_width, &p->width);
		p->link_layer = pa.link_layer;
		p->gid_tbl_len = pa.gid_tbl_len;
		total += (size_t)pa.gid_tbl_len;
	}
	if (!(flags & VRDMA_DISCOVER_NO_GIDS))
		r = add_gids(h, a, c, total);
out:
	ibv_close_device(c);
	return r;
}

int vrdma_host_verbs_discover(struct vrdma_host *h, unsigned int flags)
{
	struct ibv_device **list;
	int n = 0, i, r = 0;

	list = ibv_get_device_list(&n);
	if (!list) {
		/* no uverbs support: zero devices from verbs */
		dbg(h->ctx, "libibverbs device list unavailable: %s", strerror(errno));
		return 0;
	}
	for (i = 0; i < n && r >= 0; i++)
		r = query_one(h, list[i], flags);
	ibv_free_device_list(list);
	return r;
}
