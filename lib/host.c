/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Host snapshot objects: lifetime, linking (names -> pointers, uplinks,
 * upper/lower relations), lookups and getters; vrdma_host_discover().
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

/* ---- enum names ---------------------------------------------------------- */

#define NAME_OF(table, v) \
	((v) >= 0 && (size_t)(v) < ARRAY_SIZE(table) ? (table)[v] : NULL)

static const char *const port_state_names[] = {
	"Nop", "Down", "Init", "Armed", "Active", "ActiveDefer",
};
static const char *const phys_state_names[] = {
	"Unknown", "Sleep", "Polling", "Disabled", "PortConfigurationTraining",
	"LinkUp", "LinkErrorRecovery", "PhyTest",
};
static const char *const link_layer_names[] = { "Unspecified", "InfiniBand", "Ethernet" };
static const char *const node_type_names[] = {
	"Unknown", "CA", "Switch", "Router", "RNIC", "usNIC", "usNIC-UDP", "Unspecified",
};
static const char *const gid_type_names[] = { "IB", "RoCE v1", "RoCE v2" };
static const char *const oper_names[] = {
	"unknown", "notpresent", "down", "lowerlayerdown", "testing", "dormant", "up",
};
static const char *const missing_names[] = { "present", "none", "other-namespace", "unknown" };

VRDMA_EXPORT const char *vrdma_port_state_to_string(int s) { return NAME_OF(port_state_names, s); }
VRDMA_EXPORT const char *vrdma_port_phys_state_to_string(int s) { return NAME_OF(phys_state_names, s); }
VRDMA_EXPORT const char *vrdma_link_layer_to_string(int s) { return NAME_OF(link_layer_names, s); }
VRDMA_EXPORT const char *vrdma_node_type_to_string(int s) { return NAME_OF(node_type_names, s); }
VRDMA_EXPORT const char *vrdma_gid_type_to_string(int s) { return NAME_OF(gid_type_names, s); }
VRDMA_EXPORT const char *vrdma_oper_state_to_string(int s) { return NAME_OF(oper_names, s); }
VRDMA_EXPORT const char *vrdma_netdev_missing_to_string(int s) { return NAME_OF(missing_names, s); }

/* ---- helpers ---------------------------------------------------------------- */

void vrdma_guid_to_string(uint64_t g, char buf[VRDMA_GUIDSTRLEN])
{
	snprintf(buf, VRDMA_GUIDSTRLEN, "%04x:%04x:%04x:%04x",
	         (unsigned)(g >> 48) & 0xffff, (unsigned)(g >> 32) & 0xffff,
	         (unsigned)(g >> 16) & 0xffff, (unsigned)g & 0xffff);
}

int vrdma_guid_from_string(const char *s, uint64_t *ret)
{
	uint64_t v = 0;
	int i, g;

	if (!s || strlen(s) != 19)
		return -EINVAL;
	for (g = 0; g < 4; g++) {
		for (i = 0; i < 4; i++) {
			char c = s[g * 5 + i];
			int d;
			if (c >= '0' && c <= '9')
				d = c - '0';
			else if (c >= 'a' && c <= 'f')
				d = c - 'a' + 10;
			else
				return -EINVAL;
			v = (v << 4) | (uint64_t)d;
		}
		if (g < 3 && s[g * 5 + 4] != ':')
			return -EINVAL;
	}
	*ret = v;
	return 0;
}

int vrdma_mtu_enum_to_bytes(int mtu)
{
	return mtu >= 1 && mtu <= 5 ? 128 << mtu : 0;
}

/* IBTA active_speed code -> lane rate in Mb/s; active_width code -> lanes. */
int vrdma_ib_speed_mbps(int speed, int width, int *lanes)
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

void vrdma_gid_derive(struct vrdma_gid *gid)
{
	static const uint8_t v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	inet_ntop(AF_INET6, gid->raw, gid->str, sizeof(gid->str));
	gid->ip[0] = '\0';
	gid->family = 0;
	if (gid->type == VRDMA_GID_IB)
		return;
	if (memcmp(gid->raw, v4mapped, 12) == 0) {
		inet_ntop(AF_INET, gid->raw + 12, gid->ip, sizeof(gid->ip));
		gid->family = AF_INET;
	} else {
		memcpy(gid->ip, gid->str, sizeof(gid->ip));
		gid->family = AF_INET6;
	}
}

int vrdma_alias_number(const char *alias, const char *prefix)
{
	size_t pl = strlen(prefix);
	const char *p;
	long v = 0;

	if (!alias || strncmp(alias, prefix, pl) != 0 || !alias[pl])
		return -1;
	for (p = alias + pl; *p; p++) {
		if (*p < '0' || *p > '9' || (p == alias + pl && *p == '0' && p[1]))
			return -1;
		v = v * 10 + (*p - '0');
		if (v > 1000000)
			return -1;
	}
	return (int)v;
}

/* ---- construction --------------------------------------------------------- */

int vrdma_host_new_empty(struct vrdma_ctx *ctx, struct vrdma_host **ret)
{
	struct vrdma_host *h = calloc(1, sizeof(*h));

	if (!h)
		return -ENOMEM;
	h->refcount = 1;
	h->ctx = vrdma_ctx_ref(ctx);
	*ret = h;
	return 0;
}

struct vrdma_adapter *vrdma_host_add_adapter(struct vrdma_host *h, const char *name)
{
	struct vrdma_adapter **n, *a;

	n = realloc(h->adapters, sizeof(*n) * (size_t)(h->n_adapters + 1));
	if (!n)
		return NULL;
	h->adapters = n;
	a = calloc(1, sizeof(*a));
	if (!a)
		return NULL;
	a->name = strdup(name);
	if (!a->name) {
		free(a);
		return NULL;
	}
	a->host = h;
	a->kernel_index = -1;
	h->adapters[h->n_adapters++] = a;
	return a;
}

struct vrdma_adapter *vrdma_host_lookup_adapter(struct vrdma_host *h, const char *name)
{
	int i;

	for (i = 0; i < h->n_adapters; i++)
		if (strcmp(h->adapters[i]->name, name) == 0)
			return h->adapters[i];
	return NULL;
}

int vrdma_adapter_set_n_ports(struct vrdma_adapter *a, int n)
{
	int i;

	if (n <= a->n_ports)
		return 0;
	{
		struct vrdma_port *p = realloc(a->ports, sizeof(*p) * (size_t)n);
		if (!p)
			return -ENOMEM;
		a->ports = p;
	}
	for (i = a->n_ports; i < n; i++) {
		memset(&a->ports[i], 0, sizeof(a->ports[i]));
		a->ports[i].adapter = a;
		a->ports[i].num = i + 1;
		a->ports[i].netdev_missing = VRDMA_NETDEV_UNKNOWN;
	}
	a->n_ports = n;
	return 0;
}

struct vrdma_netdev *vrdma_host_add_netdev(struct vrdma_host *h, int ifindex, const char *name)
{
	struct vrdma_netdev **n, *d;

	n = realloc(h->netdevs, sizeof(*n) * (size_t)(h->n_netdevs + 1));
	if (!n)
		return NULL;
	h->netdevs = n;
	d = calloc(1, sizeof(*d));
	if (!d)
		return NULL;
	d->name = strdup(name);
	if (!d->name) {
		free(d);
		return NULL;
	}
	d->host = h;
	d->ifindex = ifindex;
	d->vlan_id = -1;
	d->dev_port = 0;
	d->uplink.netdev = d;
	h->netdevs[h->n_netdevs++] = d;
	return d;
}

struct vrdma_netdev *vrdma_host_lookup_netdev(struct vrdma_host *h, const char *name)
{
	int i;

	for (i = 0; i < h->n_netdevs; i++)
		if (strcmp(h->netdevs[i]->name, name) == 0)
			return h->netdevs[i];
	return NULL;
}

struct vrdma_netdev *vrdma_host_lookup_ifindex(struct vrdma_host *h, int ifindex)
{
	int i;

	for (i = 0; i < h->n_netdevs; i++)
		if (h->netdevs[i]->ifindex == ifindex)
			return h->netdevs[i];
	return NULL;
}

static void netdev_free(struct vrdma_netdev *d)
{
	free(d->name);
	free(d->kind);
	free(d->alias);
	free(d->driver);
	free(d->pci);
	free(d->mac);
	free(d->master_name);
	free(d->link_name);
	free(d->addrs);
	free(d->uppers);
	free(d->lowers);
	free(d);
}

static void adapter_free(struct vrdma_adapter *a)
{
	int i, j;

	for (i = 0; i < a->n_ports; i++) {
		struct vrdma_port *p = &a->ports[i];
		for (j = 0; j < p->n_gids; j++)
			free(p->gids[j].netdev_name);
		free(p->gids);
		free(p->netdev_name);
	}
	free(a->ports);
	free(a->name);
	free(a->alias);
	free(a->driver);
	free(a->description);
	free(a->fw_version);
	free(a->pci);
	free(a->nl_protocol);
	free(a);
}

void vrdma_host_free(struct vrdma_host *h)
{
	int i;

	if (!h)
		return;
	for (i = 0; i < h->n_adapters; i++)
		adapter_free(h->adapters[i]);
	for (i = 0; i < h->n_netdevs; i++)
		netdev_free(h->netdevs[i]);
	free(h->adapters);
	free(h->netdevs);
	free(h->uplinks);
	free(h->hostname);
	free(h->kernel);
	vrdma_ctx_unref(h->ctx);
	free(h);
}

/* ---- linking ------------------------------------------------------------------ */

static int cmp_netdev(const void *a, const void *b)
{
	const struct vrdma_netdev *x = *(struct vrdma_netdev *const *)a;
	const struct vrdma_netdev *y = *(struct vrdma_netdev *const *)b;

	return (x->ifindex > y->ifindex) - (x->ifindex < y->ifindex);
}

static int cmp_alias_then_name(const char *ax, const char *nx, const char *ay,
                               const char *ny, const char *prefix)
{
	int a = vrdma_alias_number(ax, prefix), b = vrdma_alias_number(ay, prefix);

	if (a < 0)
		a = 1 << 30;
	if (b < 0)
		b = 1 << 30;
	if (a != b)
		return (a > b) - (a < b);
	return strcmp(nx, ny);
}

static int cmp_adapter(const void *a, const void *b)
{
	const struct vrdma_adapter *x = *(struct vrdma_adapter *const *)a;
	const struct vrdma_adapter *y = *(struct vrdma_adapter *const *)b;

	return cmp_alias_then_name(x->alias, x->name, y->alias, y->name, "vmrdma");
}

static int cmp_uplink(const void *a, const void *b)
{
	const struct vrdma_uplink *x = *(struct vrdma_uplink *const *)a;
	const struct vrdma_uplink *y = *(struct vrdma_uplink *const *)b;

	return cmp_alias_then_name(x->netdev->alias, x->netdev->name, y->netdev->alias,
	                           y->netdev->name, "vmnic");
}

static int cmp_gid(const void *a, const void *b)
{
	const struct vrdma_gid *x = a, *y = b;

	return (x->index > y->index) - (x->index < y->index);
}

static int push_netdev(struct vrdma_netdev ***arr, int *n, struct vrdma_netdev *d)
{
	struct vrdma_netdev **a = realloc(*arr, sizeof(*a) * (size_t)(*n + 1));

	if (!a)
		return -ENOMEM;
	a[(*n)++] = d;
	*arr = a;
	return 0;
}

int vrdma_host_link(struct vrdma_host *h, const char *where)
{
	struct vrdma_ctx *ctx = h->ctx;
	int i, j, k, r;

	if (h->n_netdevs > 0)
		qsort(h->netdevs, (size_t)h->n_netdevs, sizeof(*h->netdevs), cmp_netdev);
	if (h->n_adapters > 0)
		qsort(h->adapters, (size_t)h->n_adapters, sizeof(*h->adapters), cmp_adapter);

	for (i = 0; i < h->n_netdevs; i++) {
		struct vrdma_netdev *d = h->netdevs[i];
		if (i > 0 && h->netdevs[i - 1]->ifindex == d->ifindex)
			return vrdma_error(ctx, -EINVAL, "%s: netdevs %s and %s share ifindex %d",
			                   where, h->netdevs[i - 1]->name, d->name, d->ifindex);
		for (j = 0; j < i; j++)
			if (strcmp(h->netdevs[j]->name, d->name) == 0)
				return vrdma_error(ctx, -EINVAL, "%s: netdev name %s appears twice",
				                   where, d->name);
		free(d->uppers);
		free(d->lowers);
		d->uppers = d->lowers = NULL;
		d->n_uppers = d->n_lowers = 0;
		d->uplink.paired_port = NULL;
	}
	for (i = 0; i < h->n_netdevs; i++) {
		struct vrdma_netdev *d = h->netdevs[i];
		d->master = d->master_name ? vrdma_host_lookup_netdev(h, d->master_name) : NULL;
		if (d->master_name && !d->master)
			return vrdma_error(ctx, -EINVAL, "%s: netdev %s: master %s is not a known netdev",
			                   where, d->name, d->master_name);
		d->link = d->link_name ? vrdma_host_lookup_netdev(h, d->link_name) : NULL;
		if (d->link_name && !d->link)
			return vrdma_error(ctx, -EINVAL, "%s: netdev %s: link %s is not a known netdev",
			                   where, d->name, d->link_name);
		if (d->master == d || d->link == d)
			return vrdma_error(ctx, -EINVAL, "%s: netdev %s: refers to itself", where, d->name);
		for (j = 0; j < d->n_addrs; j++)
			d->addrs[j].netdev = d;
	}
	/* Upper/lower relations: master first, then stacked devices. */
	for (i = 0; i < h->n_netdevs; i++) {
		struct vrdma_netdev *d = h->netdevs[i];
		if (d->master) {
			if ((r = push_netdev(&d->uppers, &d->n_uppers, d->master)) < 0 ||
			    (r = push_netdev(&d->master->lowers, &d->master->n_lowers, d)) < 0)
				return r;
		}
	}
	for (i = 0; i < h->n_netdevs; i++) {
		struct vrdma_netdev *d = h->netdevs[i];
		/* a veth's link is its peer, not a lower device */
		if (d->link && !(d->kind && strcmp(d->kind, "veth") == 0)) {
			if ((r = push_netdev(&d->lowers, &d->n_lowers, d->link)) < 0 ||
			    (r = push_netdev(&d->link->uppers, &d->link->n_uppers, d)) < 0)
				return r;
		}
	}

	/* Uplinks: physical netdevs in alias order. */
	free(h->uplinks);
	h->uplinks = NULL;
	h->n_uplinks = 0;
	for (i = 0; i < h->n_netdevs; i++)
		if (h->netdevs[i]->physical)
			h->n_uplinks++;
	if (h->n_uplinks) {
		h->uplinks = calloc((size_t)h->n_uplinks, sizeof(*h->uplinks));
		if (!h->uplinks)
			return -ENOMEM;
		for (i = 0, k = 0; i < h->n_netdevs; i++)
			if (h->netdevs[i]->physical)
				h->uplinks[k++] = &h->netdevs[i]->uplink;
		qsort(h->uplinks, (size_t)h->n_uplinks, sizeof(*h->uplinks), cmp_uplink);
	}

	/* Adapters: ports -> netdevs, GIDs -> netdevs, pairing. */
	for (i = 0; i < h->n_adapters; i++) {
		struct vrdma_adapter *a = h->adapters[i];
		a->paired = NULL;
		vrdma_guid_to_string(a->node_guid, a->node_guid_str);
		vrdma_guid_to_string(a->sys_image_guid, a->sys_image_guid_str);
		for (j = 0; j < a->n_ports; j++) {
			struct vrdma_port *p = &a->ports[j];
			p->adapter = a;
			p->netdev = p->netdev_name ? vrdma_host_lookup_netdev(h, p->netdev_name) : NULL;
			if (p->netdev_name && !p->netdev)
				return vrdma_error(ctx, -EINVAL,
				                   "%s: adapter %s port %d: netdev %s is not a known netdev",
				                   where, a->name, p->num, p->netdev_name);
			if (p->netdev)
				p->netdev_missing = VRDMA_NETDEV_PRESENT;
			if (p->n_gids > 0)
				qsort(p->gids, (size_t)p->n_gids, sizeof(*p->gids), cmp_gid);
			for (k = 0; k < p->n_gids; k++) {
				struct vrdma_gid *g = &p->gids[k];
				g->port = p;
				g->netdev = g->netdev_name ? vrdma_host_lookup_netdev(h, g->netdev_name) : NULL;
				if (g->netdev_name && !g->netdev)
					return vrdma_error(ctx, -EINVAL,
					                   "%s: adapter %s port %d GID %d: netdev %s is not a known netdev",
					                   where, a->name, p->num, g->index, g->netdev_name);
				vrdma_gid_derive(g);
			}
			if (p->netdev && p->netdev->physical) {
				if (!p->netdev->uplink.paired_port)
					p->netdev->uplink.paired_port = p;
				if (!a->paired)
					a->paired = &p->netdev->uplink;
			}
		}
	}
	return 0;
}

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

VRDMA_EXPORT int vrdma_host_discover(struct vrdma_ctx *ctx, unsigned flags,
                                     struct vrdma_host **ret)
{
	struct vrdma_host *h = NULL;
	struct utsname u;
	char hn[256];
	uint64_t t;
	int r, i;

	if (!ctx || !ret)
		return -EINVAL;
	vrdma_error_clear(ctx);
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

/* ---- host getters ------------------------------------------------------------------ */

VRDMA_EXPORT struct vrdma_host *vrdma_host_ref(struct vrdma_host *h)
{
	if (!h)
		return NULL;
	h->refcount++;
	return h;
}

VRDMA_EXPORT struct vrdma_host *vrdma_host_unref(struct vrdma_host *h)
{
	if (!h)
		return NULL;
	if (--h->refcount > 0)
		return NULL;
	vrdma_host_free(h);
	return NULL;
}

VRDMA_EXPORT struct vrdma_ctx *vrdma_host_get_ctx(struct vrdma_host *h) { return h ? h->ctx : NULL; }
VRDMA_EXPORT bool vrdma_host_is_snapshot(struct vrdma_host *h) { return h && h->snapshot; }
VRDMA_EXPORT const char *vrdma_host_get_hostname(struct vrdma_host *h) { return h ? h->hostname : NULL; }
VRDMA_EXPORT const char *vrdma_host_get_kernel(struct vrdma_host *h) { return h ? h->kernel : NULL; }

VRDMA_EXPORT int vrdma_host_get_n_adapters(struct vrdma_host *h)
{
	return h ? h->n_adapters : -EINVAL;
}

VRDMA_EXPORT struct vrdma_adapter *vrdma_host_get_adapter(struct vrdma_host *h, int i)
{
	return h && i >= 0 && i < h->n_adapters ? h->adapters[i] : NULL;
}

VRDMA_EXPORT int vrdma_host_find_adapter(struct vrdma_host *h, const char *name,
                                         struct vrdma_adapter **ret)
{
	int i;

	if (!h || !name || !ret)
		return -EINVAL;
	for (i = 0; i < h->n_adapters; i++) {
		struct vrdma_adapter *a = h->adapters[i];
		if (strcmp(a->name, name) == 0 || (a->alias && strcmp(a->alias, name) == 0)) {
			*ret = a;
			return 0;
		}
	}
	return -ENOENT;
}

VRDMA_EXPORT int vrdma_host_get_n_uplinks(struct vrdma_host *h)
{
	return h ? h->n_uplinks : -EINVAL;
}

VRDMA_EXPORT struct vrdma_uplink *vrdma_host_get_uplink(struct vrdma_host *h, int i)
{
	return h && i >= 0 && i < h->n_uplinks ? h->uplinks[i] : NULL;
}

VRDMA_EXPORT int vrdma_host_find_uplink(struct vrdma_host *h, const char *name,
                                        struct vrdma_uplink **ret)
{
	int i;

	if (!h || !name || !ret)
		return -EINVAL;
	for (i = 0; i < h->n_uplinks; i++) {
		struct vrdma_netdev *d = h->uplinks[i]->netdev;
		if (strcmp(d->name, name) == 0 || (d->alias && strcmp(d->alias, name) == 0)) {
			*ret = h->uplinks[i];
			return 0;
		}
	}
	return -ENOENT;
}

VRDMA_EXPORT int vrdma_host_get_n_netdevs(struct vrdma_host *h)
{
	return h ? h->n_netdevs : -EINVAL;
}

VRDMA_EXPORT struct vrdma_netdev *vrdma_host_get_netdev(struct vrdma_host *h, int i)
{
	return h && i >= 0 && i < h->n_netdevs ? h->netdevs[i] : NULL;
}

VRDMA_EXPORT int vrdma_host_find_netdev(struct vrdma_host *h, const char *name,
                                        struct vrdma_netdev **ret)
{
	struct vrdma_netdev *d;

	if (!h || !name || !ret)
		return -EINVAL;
	d = vrdma_host_lookup_netdev(h, name);
	if (!d)
		return -ENOENT;
	*ret = d;
	return 0;
}

VRDMA_EXPORT int vrdma_host_find_netdev_by_ifindex(struct vrdma_host *h, int ifindex,
                                                   struct vrdma_netdev **ret)
{
	struct vrdma_netdev *d;

	if (!h || !ret || ifindex <= 0)
		return -EINVAL;
	d = vrdma_host_lookup_ifindex(h, ifindex);
	if (!d)
		return -ENOENT;
	*ret = d;
	return 0;
}

/* ---- adapter --------------------------------------------------------------------- */

VRDMA_EXPORT struct vrdma_adapter *vrdma_adapter_ref(struct vrdma_adapter *a)
{
	if (a)
		vrdma_host_ref(a->host);
	return a;
}

VRDMA_EXPORT struct vrdma_adapter *vrdma_adapter_unref(struct vrdma_adapter *a)
{
	if (a)
		vrdma_host_unref(a->host);
	return NULL;
}

#define STR_GETTER(type, fn, field) \
	VRDMA_EXPORT const char *fn(struct type *o) { return o ? o->field : NULL; }
#define INT_GETTER(type, fn, field) \
	VRDMA_EXPORT int fn(struct type *o) { return o ? o->field : -EINVAL; }

VRDMA_EXPORT struct vrdma_host *vrdma_adapter_get_host(struct vrdma_adapter *a)
{
	return a ? a->host : NULL;
}
STR_GETTER(vrdma_adapter, vrdma_adapter_get_name, name)
STR_GETTER(vrdma_adapter, vrdma_adapter_get_alias, alias)
STR_GETTER(vrdma_adapter, vrdma_adapter_get_driver, driver)
STR_GETTER(vrdma_adapter, vrdma_adapter_get_description, description)
STR_GETTER(vrdma_adapter, vrdma_adapter_get_fw_version, fw_version)
STR_GETTER(vrdma_adapter, vrdma_adapter_get_pci_address, pci)
STR_GETTER(vrdma_adapter, vrdma_adapter_get_node_guid_string, node_guid_str)
STR_GETTER(vrdma_adapter, vrdma_adapter_get_sys_image_guid_string, sys_image_guid_str)
INT_GETTER(vrdma_adapter, vrdma_adapter_get_vendor_id, vendor_id)
INT_GETTER(vrdma_adapter, vrdma_adapter_get_vendor_part_id, vendor_part_id)
INT_GETTER(vrdma_adapter, vrdma_adapter_get_node_type, node_type)
INT_GETTER(vrdma_adapter, vrdma_adapter_get_protocols, protocols)
INT_GETTER(vrdma_adapter, vrdma_adapter_get_n_ports, n_ports)

VRDMA_EXPORT int vrdma_adapter_get_node_guid(struct vrdma_adapter *a, uint64_t *ret)
{
	if (!a || !ret)
		return -EINVAL;
	*ret = a->node_guid;
	return 0;
}

VRDMA_EXPORT int vrdma_adapter_get_sys_image_guid(struct vrdma_adapter *a, uint64_t *ret)
{
	if (!a || !ret)
		return -EINVAL;
	*ret = a->sys_image_guid;
	return 0;
}

VRDMA_EXPORT int vrdma_adapter_get_kernel_index(struct vrdma_adapter *a)
{
	if (!a)
		return -EINVAL;
	return a->kernel_index >= 0 ? a->kernel_index : -ENODATA;
}

VRDMA_EXPORT struct vrdma_port *vrdma_adapter_get_port(struct vrdma_adapter *a, int num)
{
	return a && num >= 1 && num <= a->n_ports ? &a->ports[num - 1] : NULL;
}

VRDMA_EXPORT struct vrdma_uplink *vrdma_adapter_get_paired_uplink(struct vrdma_adapter *a)
{
	return a ? a->paired : NULL;
}

VRDMA_EXPORT int vrdma_adapter_find_gid_index(struct vrdma_adapter *a, int port_num,
                                              const char *address, enum vrdma_gid_type type,
                                              int *ret)
{
	struct vrdma_port *p;
	uint8_t want[16];
	int i;

	if (!a || !address || !ret || (int)type < VRDMA_GID_IB || (int)type > VRDMA_GID_ROCE_V2)
		return -EINVAL;
	p = vrdma_adapter_get_port(a, port_num);
	if (!p)
		return -EINVAL;
	memset(want, 0, sizeof(want));
	if (inet_pton(AF_INET, address, want + 12) == 1) {
		want[10] = want[11] = 0xff;
	} else if (inet_pton(AF_INET6, address, want) != 1) {
		return -EINVAL;
	}
	for (i = 0; i < p->n_gids; i++)
		if (p->gids[i].type == (int)type && memcmp(p->gids[i].raw, want, 16) == 0) {
			*ret = p->gids[i].index;
			return 0;
		}
	return -ENOENT;
}

/* ---- port -------------------------------------------------------------------------- */

VRDMA_EXPORT struct vrdma_port *vrdma_port_ref(struct vrdma_port *p)
{
	if (p)
		vrdma_host_ref(p->adapter->host);
	return p;
}

VRDMA_EXPORT struct vrdma_port *vrdma_port_unref(struct vrdma_port *p)
{
	if (p)
		vrdma_host_unref(p->adapter->host);
	return NULL;
}

VRDMA_EXPORT struct vrdma_adapter *vrdma_port_get_adapter(struct vrdma_port *p)
{
	return p ? p->adapter : NULL;
}
INT_GETTER(vrdma_port, vrdma_port_get_number, num)
INT_GETTER(vrdma_port, vrdma_port_get_state, state)
INT_GETTER(vrdma_port, vrdma_port_get_phys_state, phys_state)
INT_GETTER(vrdma_port, vrdma_port_get_active_mtu, active_mtu)
INT_GETTER(vrdma_port, vrdma_port_get_max_mtu, max_mtu)
INT_GETTER(vrdma_port, vrdma_port_get_speed, speed)
INT_GETTER(vrdma_port, vrdma_port_get_width, width)
INT_GETTER(vrdma_port, vrdma_port_get_link_layer, link_layer)
INT_GETTER(vrdma_port, vrdma_port_get_gid_table_len, gid_tbl_len)
INT_GETTER(vrdma_port, vrdma_port_get_netdev_missing, netdev_missing)
INT_GETTER(vrdma_port, vrdma_port_get_n_gids, n_gids)
STR_GETTER(vrdma_port, vrdma_port_get_netdev_name, netdev_name)

VRDMA_EXPORT const char *vrdma_port_get_state_string(struct vrdma_port *p)
{
	return p ? vrdma_port_state_to_string(p->state) : NULL;
}

VRDMA_EXPORT struct vrdma_netdev *vrdma_port_get_netdev(struct vrdma_port *p)
{
	return p ? p->netdev : NULL;
}

VRDMA_EXPORT struct vrdma_uplink *vrdma_port_get_uplink(struct vrdma_port *p)
{
	return p && p->netdev && p->netdev->physical ? &p->netdev->uplink : NULL;
}

VRDMA_EXPORT struct vrdma_gid *vrdma_port_get_gid(struct vrdma_port *p, int i)
{
	return p && i >= 0 && i < p->n_gids ? &p->gids[i] : NULL;
}

VRDMA_EXPORT int vrdma_port_find_gid(struct vrdma_port *p, int index, struct vrdma_gid **ret)
{
	int i;

	if (!p || !ret || index < 0)
		return -EINVAL;
	for (i = 0; i < p->n_gids; i++)
		if (p->gids[i].index == index) {
			*ret = &p->gids[i];
			return 0;
		}
	return -ENOENT;
}

/* ---- GID ------------------------------------------------------------------------------ */

VRDMA_EXPORT struct vrdma_port *vrdma_gid_get_port(struct vrdma_gid *g) { return g ? g->port : NULL; }
INT_GETTER(vrdma_gid, vrdma_gid_get_index, index)
INT_GETTER(vrdma_gid, vrdma_gid_get_type, type)
INT_GETTER(vrdma_gid, vrdma_gid_get_family, family)
STR_GETTER(vrdma_gid, vrdma_gid_get_string, str)
STR_GETTER(vrdma_gid, vrdma_gid_get_netdev_name, netdev_name)

VRDMA_EXPORT const uint8_t *vrdma_gid_get_raw(struct vrdma_gid *g) { return g ? g->raw : NULL; }
VRDMA_EXPORT struct vrdma_netdev *vrdma_gid_get_netdev(struct vrdma_gid *g) { return g ? g->netdev : NULL; }

VRDMA_EXPORT const char *vrdma_gid_get_ip(struct vrdma_gid *g)
{
	return g && g->ip[0] ? g->ip : NULL;
}

/* ---- uplink ------------------------------------------------------------------------- */

VRDMA_EXPORT struct vrdma_uplink *vrdma_uplink_ref(struct vrdma_uplink *u)
{
	if (u)
		vrdma_host_ref(u->netdev->host);
	return u;
}

VRDMA_EXPORT struct vrdma_uplink *vrdma_uplink_unref(struct vrdma_uplink *u)
{
	if (u)
		vrdma_host_unref(u->netdev->host);
	return NULL;
}

VRDMA_EXPORT struct vrdma_host *vrdma_uplink_get_host(struct vrdma_uplink *u)
{
	return u ? u->netdev->host : NULL;
}
VRDMA_EXPORT struct vrdma_netdev *vrdma_uplink_get_netdev(struct vrdma_uplink *u)
{
	return u ? u->netdev : NULL;
}
VRDMA_EXPORT const char *vrdma_uplink_get_name(struct vrdma_uplink *u) { return u ? u->netdev->name : NULL; }
VRDMA_EXPORT const char *vrdma_uplink_get_alias(struct vrdma_uplink *u) { return u ? u->netdev->alias : NULL; }
VRDMA_EXPORT const char *vrdma_uplink_get_driver(struct vrdma_uplink *u) { return u ? u->netdev->driver : NULL; }
VRDMA_EXPORT const char *vrdma_uplink_get_pci_address(struct vrdma_uplink *u) { return u ? u->netdev->pci : NULL; }
VRDMA_EXPORT const char *vrdma_uplink_get_mac(struct vrdma_uplink *u) { return u ? u->netdev->mac : NULL; }
VRDMA_EXPORT int vrdma_uplink_get_mtu(struct vrdma_uplink *u) { return u ? u->netdev->mtu : -EINVAL; }
VRDMA_EXPORT int vrdma_uplink_get_oper_state(struct vrdma_uplink *u) { return u ? u->netdev->oper_state : -EINVAL; }
VRDMA_EXPORT int vrdma_uplink_get_speed(struct vrdma_uplink *u) { return u ? u->netdev->speed : -EINVAL; }
VRDMA_EXPORT struct vrdma_port *vrdma_uplink_get_paired_port(struct vrdma_uplink *u)
{
	return u ? u->paired_port : NULL;
}
VRDMA_EXPORT struct vrdma_adapter *vrdma_uplink_get_paired_adapter(struct vrdma_uplink *u)
{
	return u && u->paired_port ? u->paired_port->adapter : NULL;
}

/* ---- netdev ---------------------------------------------------------------------------- */

VRDMA_EXPORT struct vrdma_netdev *vrdma_netdev_ref(struct vrdma_netdev *d)
{
	if (d)
		vrdma_host_ref(d->host);
	return d;
}

VRDMA_EXPORT struct vrdma_netdev *vrdma_netdev_unref(struct vrdma_netdev *d)
{
	if (d)
		vrdma_host_unref(d->host);
	return NULL;
}

VRDMA_EXPORT struct vrdma_host *vrdma_netdev_get_host(struct vrdma_netdev *d) { return d ? d->host : NULL; }
STR_GETTER(vrdma_netdev, vrdma_netdev_get_name, name)
STR_GETTER(vrdma_netdev, vrdma_netdev_get_kind, kind)
STR_GETTER(vrdma_netdev, vrdma_netdev_get_mac, mac)
STR_GETTER(vrdma_netdev, vrdma_netdev_get_driver, driver)
STR_GETTER(vrdma_netdev, vrdma_netdev_get_pci_address, pci)
INT_GETTER(vrdma_netdev, vrdma_netdev_get_ifindex, ifindex)
INT_GETTER(vrdma_netdev, vrdma_netdev_get_mtu, mtu)
INT_GETTER(vrdma_netdev, vrdma_netdev_get_oper_state, oper_state)
INT_GETTER(vrdma_netdev, vrdma_netdev_get_speed, speed)
INT_GETTER(vrdma_netdev, vrdma_netdev_get_n_uppers, n_uppers)
INT_GETTER(vrdma_netdev, vrdma_netdev_get_n_lowers, n_lowers)
INT_GETTER(vrdma_netdev, vrdma_netdev_get_n_addrs, n_addrs)

VRDMA_EXPORT bool vrdma_netdev_is_physical(struct vrdma_netdev *d) { return d && d->physical; }

VRDMA_EXPORT struct vrdma_uplink *vrdma_netdev_get_uplink(struct vrdma_netdev *d)
{
	return d && d->physical ? &d->uplink : NULL;
}

VRDMA_EXPORT int vrdma_netdev_get_flags(struct vrdma_netdev *d, unsigned *ret)
{
	if (!d || !ret)
		return -EINVAL;
	*ret = d->flags;
	return 0;
}

VRDMA_EXPORT int vrdma_netdev_get_vlan_id(struct vrdma_netdev *d)
{
	if (!d)
		return -EINVAL;
	return d->vlan_id >= 0 ? d->vlan_id : -ENODATA;
}

VRDMA_EXPORT struct vrdma_netdev *vrdma_netdev_get_master(struct vrdma_netdev *d) { return d ? d->master : NULL; }
VRDMA_EXPORT struct vrdma_netdev *vrdma_netdev_get_link(struct vrdma_netdev *d) { return d ? d->link : NULL; }

VRDMA_EXPORT struct vrdma_netdev *vrdma_netdev_get_upper(struct vrdma_netdev *d, int i)
{
	return d && i >= 0 && i < d->n_uppers ? d->uppers[i] : NULL;
}

VRDMA_EXPORT struct vrdma_netdev *vrdma_netdev_get_lower(struct vrdma_netdev *d, int i)
{
	return d && i >= 0 && i < d->n_lowers ? d->lowers[i] : NULL;
}

VRDMA_EXPORT struct vrdma_addr *vrdma_netdev_get_addr(struct vrdma_netdev *d, int i)
{
	return d && i >= 0 && i < d->n_addrs ? &d->addrs[i] : NULL;
}

/* ---- address ----------------------------------------------------------------------------- */

VRDMA_EXPORT struct vrdma_netdev *vrdma_addr_get_netdev(struct vrdma_addr *a) { return a ? a->netdev : NULL; }
INT_GETTER(vrdma_addr, vrdma_addr_get_family, family)
INT_GETTER(vrdma_addr, vrdma_addr_get_prefixlen, prefixlen)
INT_GETTER(vrdma_addr, vrdma_addr_get_flags, flags)
INT_GETTER(vrdma_addr, vrdma_addr_get_scope, scope)
STR_GETTER(vrdma_addr, vrdma_addr_get_string, str)

VRDMA_EXPORT const uint8_t *vrdma_addr_get_raw(struct vrdma_addr *a, size_t *len)
{
	if (!a)
		return NULL;
	if (len)
		*len = a->family == AF_INET ? 4 : 16;
	return a->raw;
}

VRDMA_EXPORT bool vrdma_addr_is_tentative(struct vrdma_addr *a)
{
	return a && (a->flags & VRDMA_ADDR_TENTATIVE);
}

VRDMA_EXPORT bool vrdma_addr_is_dadfailed(struct vrdma_addr *a)
{
	return a && (a->flags & VRDMA_ADDR_DADFAILED);
}
