/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Host snapshot objects: construction, lifetime, linking (names ->
 * pointers, uplinks, upper/lower relations), enum names and references.
 * The getters are in host-get.c, vrdma_host_discover() in host-discover.c.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "host-private.h"

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

static void guid_to_string(uint64_t g, char buf[VRDMA_GUIDSTRLEN])
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

static void gid_derive(struct vrdma_gid *gid)
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

/* ---- lookup tables ------------------------------------------------------------ */

static uint32_t index_hash(const char *name, int64_t num)
{
	uint64_t h = 14695981039346656037ull;
	size_t i;

	if (!name) {
		h ^= (uint64_t)num;
		h *= 0x9e3779b97f4a7c15ull;
		return (uint32_t)(h >> 32);
	}
	for (i = 0; name[i]; i++)
		h = (h ^ (unsigned char)name[i]) * 1099511628211ull;
	return (uint32_t)(h ^ (h >> 32));
}

static bool slot_matches(const struct vrdma_index_slot *s, uint32_t hash, const char *name,
                         int64_t num)
{
	if (s->hash != hash || !s->name != !name)
		return false;
	return name ? strcmp(s->name, name) == 0 : s->num == num;
}

/* The slot holding the key, or the free slot where it would go. */
static struct vrdma_index_slot *index_slot(const struct vrdma_index *x, uint32_t hash,
                                           const char *name, int64_t num)
{
	size_t i;

	for (i = hash & (x->cap - 1); x->slots[i].obj; i = (i + 1) & (x->cap - 1))
		if (slot_matches(&x->slots[i], hash, name, num))
			break;
	return &x->slots[i];
}

static int index_grow(struct vrdma_index *x)
{
	struct vrdma_index old = *x;
	size_t i;

	x->cap = old.cap ? old.cap * 2 : 64;
	x->slots = calloc(x->cap, sizeof(*x->slots));
	if (!x->slots) {
		*x = old;
		return -ENOMEM;
	}
	for (i = 0; i < old.cap; i++)
		if (old.slots[i].obj)
			*index_slot(x, old.slots[i].hash, old.slots[i].name, old.slots[i].num) =
				old.slots[i];
	free(old.slots);
	return 0;
}

/* Room for one more entry: 0 or -ENOMEM. */
static int index_reserve(struct vrdma_index *x)
{
	return (x->n + 1) * 2 > x->cap ? index_grow(x) : 0;
}

void *vrdma_index_get(const struct vrdma_index *x, const char *name, int64_t num)
{
	if (!x->n)
		return NULL;
	return index_slot(x, index_hash(name, num), name, num)->obj;
}

int vrdma_index_put(struct vrdma_index *x, const char *name, int64_t num, void *obj)
{
	uint32_t hash = index_hash(name, num);
	struct vrdma_index_slot *s;

	if (index_reserve(x) < 0)
		return -ENOMEM;
	s = index_slot(x, hash, name, num);
	if (s->obj)
		return 1;
	*s = (struct vrdma_index_slot){ .hash = hash, .num = num, .name = name, .obj = obj };
	x->n++;
	return 0;
}

void vrdma_index_clear(struct vrdma_index *x)
{
	free(x->slots);
	*x = (struct vrdma_index){ 0 };
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
	if (!a->name || vrdma_index_put(&h->adapter_by_name, a->name, 0, a) < 0) {
		free(a->name);
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
	return vrdma_index_get(&h->adapter_by_name, name, 0);
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
	/* room in both tables first, so that neither put can fail */
	if (!d->name || index_reserve(&h->netdev_by_name) < 0 ||
	    index_reserve(&h->netdev_by_ifindex) < 0) {
		free(d->name);
		free(d);
		return NULL;
	}
	vrdma_index_put(&h->netdev_by_name, d->name, 0, d);
	vrdma_index_put(&h->netdev_by_ifindex, NULL, ifindex, d);
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
	return vrdma_index_get(&h->netdev_by_name, name, 0);
}

struct vrdma_netdev *vrdma_host_lookup_ifindex(struct vrdma_host *h, int ifindex)
{
	return vrdma_index_get(&h->netdev_by_ifindex, NULL, ifindex);
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
	vrdma_index_clear(&h->netdev_by_name);
	vrdma_index_clear(&h->netdev_by_ifindex);
	vrdma_index_clear(&h->adapter_by_name);
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

/* Append d; the array doubles when its length reaches a power of two (amortised O(1)). */
static int push_netdev(struct vrdma_netdev ***arr, int *n, struct vrdma_netdev *d)
{
	struct vrdma_netdev **a = *arr;

	if ((*n & (*n - 1)) == 0) {
		a = realloc(*arr, sizeof(*a) * (size_t)(*n ? *n * 2 : 1));
		if (!a)
			return -ENOMEM;
		*arr = a;
	}
	a[(*n)++] = d;
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
		/* the table keeps the first netdev of a name */
		if (vrdma_host_lookup_netdev(h, d->name) != d)
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
		guid_to_string(a->node_guid, a->node_guid_str);
		guid_to_string(a->sys_image_guid, a->sys_image_guid_str);
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
				gid_derive(g);
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

/* ---- references --------------------------------------------------------------- */

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
