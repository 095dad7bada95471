/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The public getters and lookups of the host snapshot objects (host,
 * adapter, port, GID, uplink, netdev, address).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "host-private.h"

/* ---- getter helpers ------------------------------------------------------------- */

/*
 * The int getters: OPT() returns 0 and stores `value` in *ret when
 * `present`, else -ENOENT with "<object>: no <what>" on the object's
 * context.  A NULL object or ret is -EINVAL; a key (the rest of the
 * format's arguments) is checked by the caller.
 */
static struct vrdma_ctx *host_ctx(struct vrdma_host *h) { return h->ctx; }
static struct vrdma_ctx *adapter_ctx(struct vrdma_adapter *a) { return a->host->ctx; }
static struct vrdma_ctx *port_ctx(struct vrdma_port *p) { return p->adapter->host->ctx; }
static struct vrdma_ctx *gid_ctx(struct vrdma_gid *g) { return port_ctx(g->port); }
static struct vrdma_ctx *netdev_ctx(struct vrdma_netdev *d) { return d->host->ctx; }
static struct vrdma_ctx *uplink_ctx(struct vrdma_uplink *u) { return u->netdev->host->ctx; }

#define LABELLEN 96
static const char *host_label(struct vrdma_host *h, char *b)
{
	snprintf(b, LABELLEN, "host%s%s%s", h->hostname ? " '" : "", h->hostname ? h->hostname : "",
	         h->hostname ? "'" : "");
	return b;
}
static const char *adapter_label(struct vrdma_adapter *a, char *b)
{
	snprintf(b, LABELLEN, "adapter '%s'", a->name);
	return b;
}
static const char *port_label(struct vrdma_port *p, char *b)
{
	snprintf(b, LABELLEN, "adapter '%s' port %d", p->adapter->name, p->num);
	return b;
}
static const char *gid_label(struct vrdma_gid *g, char *b)
{
	snprintf(b, LABELLEN, "adapter '%s' port %d GID %d", g->port->adapter->name, g->port->num,
	         g->index);
	return b;
}
static const char *netdev_label(struct vrdma_netdev *d, char *b)
{
	snprintf(b, LABELLEN, "netdev '%s'", d->name);
	return b;
}
static const char *uplink_label(struct vrdma_uplink *u, char *b)
{
	snprintf(b, LABELLEN, "uplink '%s'", u->netdev->alias ? u->netdev->alias : u->netdev->name);
	return b;
}

#define OBJ_CTX(o) _Generic((o), struct vrdma_host *: host_ctx, \
	struct vrdma_adapter *: adapter_ctx, struct vrdma_port *: port_ctx, \
	struct vrdma_gid *: gid_ctx, struct vrdma_netdev *: netdev_ctx, \
	struct vrdma_uplink *: uplink_ctx)(o)
#define OBJ_LABEL(o, b) _Generic((o), struct vrdma_host *: host_label, \
	struct vrdma_adapter *: adapter_label, struct vrdma_port *: port_label, \
	struct vrdma_gid *: gid_label, struct vrdma_netdev *: netdev_label, \
	struct vrdma_uplink *: uplink_label)(o, b)

#define OPT(o, present, value, fmt, ...)                                                      \
	do {                                                                              \
		char label_[LABELLEN];                                                    \
		if (!(o))                                                                 \
			return -EINVAL;                                                   \
		vrdma_error_clear(OBJ_CTX(o));                                            \
		if (!ret)                                                                 \
			return vrdma_error(OBJ_CTX(o), -EINVAL, "%s: NULL ret",           \
			                   OBJ_LABEL(o, label_));                          \
		if (!(present))                                                           \
			return vrdma_error(OBJ_CTX(o), -ENOENT, "%s: no " fmt,             \
			                   OBJ_LABEL(o, label_), ##__VA_ARGS__);           \
		*ret = (value);                                                           \
		return 0;                                                                 \
	} while (0)

/* The i-th of n children (0-based). */
#define NTH(o, i, n, value, what)                                                         \
	OPT(o, (i) < (unsigned int)(n), value, what " %u (it has %d)", i, n)

/* `o->field` when not NULL / non-zero. */
#define OPT_FIELD(type, fn, T, field, what) \
	VRDMA_EXPORT int fn(struct type *o, T *ret) { OPT(o, o->field, o->field, what); }

#define DIRECT(type, fn, T, field, null) \
	VRDMA_EXPORT T fn(struct type *o) { return o ? o->field : null; }

/* ---- host ------------------------------------------------------------------------- */

VRDMA_EXPORT struct vrdma_ctx *vrdma_host_get_ctx(struct vrdma_host *h) { return h ? h->ctx : NULL; }
VRDMA_EXPORT bool vrdma_host_is_snapshot(struct vrdma_host *h) { return h && h->snapshot; }
OPT_FIELD(vrdma_host, vrdma_host_get_hostname, const char *, hostname, "host name recorded")
OPT_FIELD(vrdma_host, vrdma_host_get_kernel, const char *, kernel, "kernel release recorded")
DIRECT(vrdma_host, vrdma_host_get_n_adapters, int, n_adapters, -EINVAL)
DIRECT(vrdma_host, vrdma_host_get_n_uplinks, int, n_uplinks, -EINVAL)
DIRECT(vrdma_host, vrdma_host_get_n_netdevs, int, n_netdevs, -EINVAL)

VRDMA_EXPORT int vrdma_host_get_adapter(struct vrdma_host *h, unsigned int i,
                                        struct vrdma_adapter **ret)
{
	NTH(h, i, h->n_adapters, h->adapters[i], "adapter");
}

VRDMA_EXPORT int vrdma_host_get_uplink(struct vrdma_host *h, unsigned int i,
                                       struct vrdma_uplink **ret)
{
	NTH(h, i, h->n_uplinks, h->uplinks[i], "uplink");
}

VRDMA_EXPORT int vrdma_host_get_netdev(struct vrdma_host *h, unsigned int i,
                                       struct vrdma_netdev **ret)
{
	NTH(h, i, h->n_netdevs, h->netdevs[i], "netdev");
}

static int no_name(struct vrdma_host *h, const char *kind)
{
	vrdma_error_clear(h->ctx);
	return vrdma_error(h->ctx, -EINVAL, "host: no %s name to look up", kind);
}

static bool is_name(const char *name, const char *alias, const char *want)
{
	return strcmp(name, want) == 0 || (alias && strcmp(alias, want) == 0);
}

static struct vrdma_adapter *adapter_named(struct vrdma_host *h, const char *name)
{
	int i;

	for (i = 0; i < h->n_adapters; i++)
		if (is_name(h->adapters[i]->name, h->adapters[i]->alias, name))
			return h->adapters[i];
	return NULL;
}

static struct vrdma_uplink *uplink_named(struct vrdma_host *h, const char *name)
{
	int i;

	for (i = 0; i < h->n_uplinks; i++)
		if (is_name(h->uplinks[i]->netdev->name, h->uplinks[i]->netdev->alias, name))
			return h->uplinks[i];
	return NULL;
}

VRDMA_EXPORT int vrdma_host_find_adapter(struct vrdma_host *h, const char *name,
                                         struct vrdma_adapter **ret)
{
	struct vrdma_adapter *a = h && name ? adapter_named(h, name) : NULL;

	if (h && !name)
		return no_name(h, "adapter");
	OPT(h, a, a, "adapter '%s'", name);
}

VRDMA_EXPORT int vrdma_host_find_uplink(struct vrdma_host *h, const char *name,
                                        struct vrdma_uplink **ret)
{
	struct vrdma_uplink *u = h && name ? uplink_named(h, name) : NULL;

	if (h && !name)
		return no_name(h, "uplink");
	OPT(h, u, u, "uplink '%s'", name);
}

VRDMA_EXPORT int vrdma_host_find_netdev(struct vrdma_host *h, const char *name,
                                        struct vrdma_netdev **ret)
{
	struct vrdma_netdev *d = h && name ? vrdma_host_lookup_netdev(h, name) : NULL;

	if (h && !name)
		return no_name(h, "netdev");
	OPT(h, d, d, "netdev '%s'", name);
}

VRDMA_EXPORT int vrdma_host_find_netdev_by_ifindex(struct vrdma_host *h, int ifindex,
                                                   struct vrdma_netdev **ret)
{
	struct vrdma_netdev *d = h && ifindex > 0 ? vrdma_host_lookup_ifindex(h, ifindex) : NULL;

	OPT(h, d, d, "netdev with ifindex %d", ifindex);
}

/* ---- adapter --------------------------------------------------------------------- */

DIRECT(vrdma_adapter, vrdma_adapter_get_host, struct vrdma_host *, host, NULL)
DIRECT(vrdma_adapter, vrdma_adapter_get_name, const char *, name, NULL)
DIRECT(vrdma_adapter, vrdma_adapter_get_alias, const char *, alias, NULL)
DIRECT(vrdma_adapter, vrdma_adapter_get_description, const char *, description, NULL)
DIRECT(vrdma_adapter, vrdma_adapter_get_node_type, int, node_type, -EINVAL)
DIRECT(vrdma_adapter, vrdma_adapter_get_protocols, int, protocols, -EINVAL)
DIRECT(vrdma_adapter, vrdma_adapter_get_n_ports, int, n_ports, -EINVAL)
OPT_FIELD(vrdma_adapter, vrdma_adapter_get_driver, const char *, driver, "driver known")
OPT_FIELD(vrdma_adapter, vrdma_adapter_get_fw_version, const char *, fw_version, "firmware version")
OPT_FIELD(vrdma_adapter, vrdma_adapter_get_pci_address, const char *, pci, "PCI address")
OPT_FIELD(vrdma_adapter, vrdma_adapter_get_paired_uplink, struct vrdma_uplink *, paired,
          "port paired with an uplink")

VRDMA_EXPORT int vrdma_adapter_get_node_guid(struct vrdma_adapter *a, uint64_t *ret)
{
	OPT(a, true, a->node_guid, "node GUID");
}

VRDMA_EXPORT int vrdma_adapter_get_sys_image_guid(struct vrdma_adapter *a, uint64_t *ret)
{
	OPT(a, true, a->sys_image_guid, "system image GUID");
}

VRDMA_EXPORT int vrdma_adapter_get_vendor_id(struct vrdma_adapter *a, unsigned int *ret)
{
	OPT(a, a->vendor_id > 0, (unsigned int)a->vendor_id, "vendor id known");
}

VRDMA_EXPORT int vrdma_adapter_get_vendor_part_id(struct vrdma_adapter *a, unsigned int *ret)
{
	OPT(a, a->vendor_part_id > 0, (unsigned int)a->vendor_part_id, "vendor part id known");
}

VRDMA_EXPORT int vrdma_adapter_get_kernel_index(struct vrdma_adapter *a, unsigned int *ret)
{
	OPT(a, a->kernel_index >= 0, (unsigned int)a->kernel_index, "kernel index known");
}

VRDMA_EXPORT bool vrdma_adapter_is_software(struct vrdma_adapter *a)
{
	static const char *const drivers[] = { "rdma_rxe", "rxe", "siw" };
	size_t i;

	if (!a)
		return false;
	if (!a->driver)
		return strncmp(a->name, "rxe", 3) == 0 || strncmp(a->name, "siw", 3) == 0;
	for (i = 0; i < ARRAY_SIZE(drivers); i++)
		if (strcmp(a->driver, drivers[i]) == 0)
			return true;
	return false;
}

VRDMA_EXPORT int vrdma_adapter_get_port(struct vrdma_adapter *a, unsigned int i,
                                        struct vrdma_port **ret)
{
	NTH(a, i, a->n_ports, &a->ports[i], "port index");
}

VRDMA_EXPORT int vrdma_adapter_find_port(struct vrdma_adapter *a, unsigned int num,
                                         struct vrdma_port **ret)
{
	OPT(a, num >= 1 && num <= (unsigned int)a->n_ports, &a->ports[num - 1], "port %u", num);
}

static int gid_raw_of(const char *address, uint8_t want[16])
{
	memset(want, 0, 16);
	if (inet_pton(AF_INET, address, want + 12) == 1) {
		want[10] = want[11] = 0xff;
		return 0;
	}
	return inet_pton(AF_INET6, address, want) == 1 ? 0 : -EINVAL;
}

VRDMA_EXPORT int vrdma_adapter_find_gid_index(struct vrdma_adapter *a, unsigned int port_num,
                                              const char *address, enum vrdma_gid_type type,
                                              unsigned int *ret)
{
	struct vrdma_port *p;
	uint8_t want[16];
	int i, r;

	r = vrdma_adapter_find_port(a, port_num, &p);
	if (r < 0)
		return r;
	if (!address || !ret || gid_raw_of(address, want) < 0)
		return vrdma_error(adapter_ctx(a), -EINVAL, "adapter '%s': \"%s\" is not an IP address",
		                   a->name, address ? address : "(null)");
	if ((int)type < VRDMA_GID_IB || (int)type > VRDMA_GID_ROCE_V2)
		return vrdma_error(adapter_ctx(a), -EINVAL, "adapter '%s': unknown GID type %d",
		                   a->name, (int)type);
	for (i = 0; i < p->n_gids; i++)
		if (p->gids[i].type == (int)type && memcmp(p->gids[i].raw, want, 16) == 0) {
			*ret = (unsigned int)p->gids[i].index;
			return 0;
		}
	return vrdma_error(adapter_ctx(a), -ENOENT, "adapter '%s' port %u: no %s GID for %s",
	                   a->name, port_num, vrdma_gid_type_to_string(type), address);
}

/* ---- port -------------------------------------------------------------------------- */

DIRECT(vrdma_port, vrdma_port_get_adapter, struct vrdma_adapter *, adapter, NULL)
DIRECT(vrdma_port, vrdma_port_get_number, int, num, -EINVAL)
DIRECT(vrdma_port, vrdma_port_get_state, int, state, -EINVAL)
DIRECT(vrdma_port, vrdma_port_get_phys_state, int, phys_state, -EINVAL)
DIRECT(vrdma_port, vrdma_port_get_active_mtu, int, active_mtu, -EINVAL)
DIRECT(vrdma_port, vrdma_port_get_max_mtu, int, max_mtu, -EINVAL)
DIRECT(vrdma_port, vrdma_port_get_link_layer, int, link_layer, -EINVAL)
DIRECT(vrdma_port, vrdma_port_get_gid_table_len, int, gid_tbl_len, -EINVAL)
DIRECT(vrdma_port, vrdma_port_get_netdev_missing, int, netdev_missing, -EINVAL)
DIRECT(vrdma_port, vrdma_port_get_n_gids, int, n_gids, -EINVAL)
OPT_FIELD(vrdma_port, vrdma_port_get_netdev_name, const char *, netdev_name, "netdev")
OPT_FIELD(vrdma_port, vrdma_port_get_netdev, struct vrdma_netdev *, netdev, "netdev")

VRDMA_EXPORT int vrdma_port_get_speed(struct vrdma_port *p, unsigned int *ret)
{
	OPT(p, p->speed > 0, (unsigned int)p->speed, "speed known");
}

VRDMA_EXPORT int vrdma_port_get_width(struct vrdma_port *p, unsigned int *ret)
{
	OPT(p, p->width > 0, (unsigned int)p->width, "width known");
}

VRDMA_EXPORT int vrdma_port_get_uplink(struct vrdma_port *p, struct vrdma_uplink **ret)
{
	OPT(p, p->netdev && p->netdev->physical, &p->netdev->uplink, "physical netdev");
}

VRDMA_EXPORT int vrdma_port_get_gid(struct vrdma_port *p, unsigned int i, struct vrdma_gid **ret)
{
	NTH(p, i, p->n_gids, &p->gids[i], "GID entry");
}

static struct vrdma_gid *gid_at(struct vrdma_port *p, unsigned int index)
{
	int i;

	for (i = 0; i < p->n_gids; i++)
		if ((unsigned int)p->gids[i].index == index)
			return &p->gids[i];
	return NULL;
}

VRDMA_EXPORT int vrdma_port_find_gid(struct vrdma_port *p, unsigned int index,
                                     struct vrdma_gid **ret)
{
	struct vrdma_gid *g = p ? gid_at(p, index) : NULL;

	OPT(p, g, g, "valid GID at index %u", index);
}

/* ---- GID ------------------------------------------------------------------------------ */

DIRECT(vrdma_gid, vrdma_gid_get_port, struct vrdma_port *, port, NULL)
DIRECT(vrdma_gid, vrdma_gid_get_index, int, index, -EINVAL)
DIRECT(vrdma_gid, vrdma_gid_get_type, int, type, -EINVAL)
DIRECT(vrdma_gid, vrdma_gid_get_string, const char *, str, NULL)
DIRECT(vrdma_gid, vrdma_gid_get_raw, const uint8_t *, raw, NULL)
OPT_FIELD(vrdma_gid, vrdma_gid_get_netdev_name, const char *, netdev_name, "netdev")
OPT_FIELD(vrdma_gid, vrdma_gid_get_netdev, struct vrdma_netdev *, netdev, "netdev")
OPT_FIELD(vrdma_gid, vrdma_gid_get_family, int, family, "IP address (an IB GID)")

VRDMA_EXPORT int vrdma_gid_get_ip(struct vrdma_gid *g, const char **ret)
{
	OPT(g, g->ip[0], g->ip, "IP address (an IB GID)");
}

/* ---- uplink ------------------------------------------------------------------------- */

VRDMA_EXPORT struct vrdma_host *vrdma_uplink_get_host(struct vrdma_uplink *u)
{
	return u ? u->netdev->host : NULL;
}
DIRECT(vrdma_uplink, vrdma_uplink_get_netdev, struct vrdma_netdev *, netdev, NULL)
VRDMA_EXPORT const char *vrdma_uplink_get_alias(struct vrdma_uplink *u)
{
	return u ? u->netdev->alias : NULL;
}
OPT_FIELD(vrdma_uplink, vrdma_uplink_get_paired_port, struct vrdma_port *, paired_port,
          "paired RDMA port")

/* ---- netdev ---------------------------------------------------------------------------- */

DIRECT(vrdma_netdev, vrdma_netdev_get_host, struct vrdma_host *, host, NULL)
DIRECT(vrdma_netdev, vrdma_netdev_get_name, const char *, name, NULL)
DIRECT(vrdma_netdev, vrdma_netdev_get_ifindex, int, ifindex, -EINVAL)
DIRECT(vrdma_netdev, vrdma_netdev_get_mtu, int, mtu, -EINVAL)
DIRECT(vrdma_netdev, vrdma_netdev_get_oper_state, int, oper_state, -EINVAL)
DIRECT(vrdma_netdev, vrdma_netdev_get_flags, unsigned int, flags, 0)
DIRECT(vrdma_netdev, vrdma_netdev_get_n_uppers, int, n_uppers, -EINVAL)
DIRECT(vrdma_netdev, vrdma_netdev_get_n_lowers, int, n_lowers, -EINVAL)
DIRECT(vrdma_netdev, vrdma_netdev_get_n_addrs, int, n_addrs, -EINVAL)
OPT_FIELD(vrdma_netdev, vrdma_netdev_get_kind, const char *, kind, "rtnetlink kind")
OPT_FIELD(vrdma_netdev, vrdma_netdev_get_mac, const char *, mac, "hardware address")
OPT_FIELD(vrdma_netdev, vrdma_netdev_get_driver, const char *, driver, "driver")
OPT_FIELD(vrdma_netdev, vrdma_netdev_get_pci_address, const char *, pci, "PCI address")
OPT_FIELD(vrdma_netdev, vrdma_netdev_get_master, struct vrdma_netdev *, master, "master")
OPT_FIELD(vrdma_netdev, vrdma_netdev_get_link, struct vrdma_netdev *, link,
          "link (lower device) in this namespace")

VRDMA_EXPORT bool vrdma_netdev_is_physical(struct vrdma_netdev *d) { return d && d->physical; }

VRDMA_EXPORT int vrdma_netdev_get_uplink(struct vrdma_netdev *d, struct vrdma_uplink **ret)
{
	OPT(d, d->physical, &d->uplink, "uplink (not a physical NIC)");
}

VRDMA_EXPORT int vrdma_netdev_get_speed(struct vrdma_netdev *d, unsigned int *ret)
{
	OPT(d, d->speed > 0, (unsigned int)d->speed, "speed known");
}

VRDMA_EXPORT int vrdma_netdev_get_vlan_id(struct vrdma_netdev *d, unsigned int *ret)
{
	OPT(d, d->vlan_id >= 0, (unsigned int)d->vlan_id, "VLAN id (not a vlan)");
}

VRDMA_EXPORT int vrdma_netdev_get_upper(struct vrdma_netdev *d, unsigned int i,
                                        struct vrdma_netdev **ret)
{
	NTH(d, i, d->n_uppers, d->uppers[i], "upper device");
}

VRDMA_EXPORT int vrdma_netdev_get_lower(struct vrdma_netdev *d, unsigned int i,
                                        struct vrdma_netdev **ret)
{
	NTH(d, i, d->n_lowers, d->lowers[i], "lower device");
}

VRDMA_EXPORT int vrdma_netdev_get_addr(struct vrdma_netdev *d, unsigned int i,
                                       struct vrdma_addr **ret)
{
	NTH(d, i, d->n_addrs, &d->addrs[i], "address");
}

/* ---- address ----------------------------------------------------------------------------- */

DIRECT(vrdma_addr, vrdma_addr_get_netdev, struct vrdma_netdev *, netdev, NULL)
DIRECT(vrdma_addr, vrdma_addr_get_family, int, family, -EINVAL)
DIRECT(vrdma_addr, vrdma_addr_get_prefixlen, int, prefixlen, -EINVAL)
DIRECT(vrdma_addr, vrdma_addr_get_flags, int, flags, -EINVAL)
DIRECT(vrdma_addr, vrdma_addr_get_scope, int, scope, -EINVAL)
DIRECT(vrdma_addr, vrdma_addr_get_string, const char *, str, NULL)
DIRECT(vrdma_addr, vrdma_addr_get_raw, const uint8_t *, raw, NULL)
