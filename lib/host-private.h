/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libvrdma host discovery layer: private declarations.  Nothing here is part of the ABI. */
#ifndef VRDMA_HOST_PRIVATE_H
#define VRDMA_HOST_PRIVATE_H

#include "core-private.h"
#include <vrdma/host.h>

/* ==== host discovery (host*.c, alias.c, snapshot.c) =============== */

/*
 * Private layout of the host snapshot objects, shared by host.c (objects,
 * linking), host-get.c (the public getters), host-discover.c (live
 * discovery: host-net.c, host-sysfs.c, host-rdmanl.c, host-verbs.c,
 * alias.c) and snapshot.c.  Not part of the ABI.  Upper layers see it too
 * and may read fields directly where a public getter would record an
 * expected -ENOENT on the context.
 *
 * Build order: the discovery sources (or the snapshot loader) fill the raw
 * fields (names, numbers); vrdma_host_link() then sorts the objects,
 * resolves every name into a pointer and derives the uplink list, so live
 * and loaded hosts go through the same code.
 */

#define VRDMA_ADDRSTRLEN 46 /* INET6_ADDRSTRLEN */
#define VRDMA_GUIDSTRLEN 20 /* "xxxx:xxxx:xxxx:xxxx" + NUL */

struct vrdma_addr {
	struct vrdma_netdev *netdev;
	int family;
	uint8_t raw[16];
	char str[VRDMA_ADDRSTRLEN];
	int prefixlen;
	int flags; /* VRDMA_ADDR_* */
	int scope;
};

struct vrdma_uplink {
	struct vrdma_netdev *netdev;
	struct vrdma_port *paired_port;
};

struct vrdma_netdev {
	struct vrdma_host *host;
	int ifindex;
	char *name;
	char *kind;       /* NULL: none */
	bool physical;
	char *alias;      /* vmnicN, physical ones only */
	char *driver;
	char *pci;
	char *mac;
	int mtu;
	int oper_state;
	unsigned flags;
	int speed;        /* Mb/s, 0 unknown */
	int vlan_id;      /* -1 unless vlan */
	int dev_port;     /* sysfs dev_port (alias key), discovery only */
	char *master_name;
	char *link_name;
	/* discovery only: raw ifindexes before names are known */
	int master_ifindex;
	int link_ifindex;
	bool link_other_ns;

	struct vrdma_addr *addrs;
	int n_addrs;

	/* resolved by vrdma_host_link() */
	struct vrdma_netdev *master;
	struct vrdma_netdev *link;
	struct vrdma_netdev **uppers;
	int n_uppers;
	struct vrdma_netdev **lowers;
	int n_lowers;
	struct vrdma_uplink uplink;
};

struct vrdma_gid {
	struct vrdma_port *port;
	int index;
	uint8_t raw[16];
	char str[VRDMA_ADDRSTRLEN];
	int type;
	char *netdev_name;
	int netdev_ifindex; /* discovery only */
	/* derived */
	struct vrdma_netdev *netdev;
	char ip[VRDMA_ADDRSTRLEN];
	int family;
};

struct vrdma_port {
	struct vrdma_adapter *adapter;
	int num;
	int state;
	int phys_state;
	int active_mtu;
	int max_mtu;
	int speed;
	int width;
	int link_layer;
	int gid_tbl_len;
	char *netdev_name;
	int netdev_missing;
	int netdev_ifindex; /* discovery only (RDMA netlink) */
	bool have_nl;       /* discovery only: RDMA netlink described it */
	struct vrdma_gid *gids;
	int n_gids;
	/* resolved */
	struct vrdma_netdev *netdev;
};

struct vrdma_adapter {
	struct vrdma_host *host;
	char *name;
	char *alias;
	char *driver;
	char *description;
	char *fw_version;
	char *pci;
	uint64_t node_guid;
	uint64_t sys_image_guid;
	char node_guid_str[VRDMA_GUIDSTRLEN];
	char sys_image_guid_str[VRDMA_GUIDSTRLEN];
	int vendor_id;
	int vendor_part_id;
	int node_type;
	int protocols;
	int kernel_index; /* -1 unknown */
	char *nl_protocol; /* discovery only: RDMA netlink "roce", "iw", "ib" */
	struct vrdma_port *ports;
	int n_ports;
	/* resolved */
	struct vrdma_uplink *paired;
};

/*
 * A lookup table (open addressing, linear probing) from a name or a number
 * to an object; the name is borrowed from the object and must outlive the
 * entry.  Loading and linking go through these, so they stay linear in the
 * number of objects.
 */
struct vrdma_index_slot {
	uint32_t hash;
	int64_t num;      /* the key when name is NULL */
	const char *name; /* the key, or NULL */
	void *obj;        /* NULL: a free slot */
};

struct vrdma_index {
	struct vrdma_index_slot *slots;
	size_t cap, n;
};

/* The object under `name` (or, when it is NULL, `num`), or NULL. */
void *vrdma_index_get(const struct vrdma_index *x, const char *name, int64_t num);
/* Add obj under the key: 0, 1 when the key is taken (the first stays), or -ENOMEM. */
int vrdma_index_put(struct vrdma_index *x, const char *name, int64_t num, void *obj);
void vrdma_index_clear(struct vrdma_index *x);

struct vrdma_host {
	int refcount;
	struct vrdma_ctx *ctx;
	bool snapshot;
	char *hostname;
	char *kernel;
	struct vrdma_adapter **adapters;
	int n_adapters;
	struct vrdma_netdev **netdevs;
	int n_netdevs;
	/* derived */
	struct vrdma_uplink **uplinks;
	int n_uplinks;
	/* lookups, filled as objects are added (the first of a name or ifindex) */
	struct vrdma_index netdev_by_name;
	struct vrdma_index netdev_by_ifindex;
	struct vrdma_index adapter_by_name;
};

/* host.c */
int vrdma_host_new_empty(struct vrdma_ctx *ctx, struct vrdma_host **ret);
struct vrdma_adapter *vrdma_host_add_adapter(struct vrdma_host *host, const char *name);
struct vrdma_adapter *vrdma_host_lookup_adapter(struct vrdma_host *host, const char *name);
struct vrdma_netdev *vrdma_host_add_netdev(struct vrdma_host *host, int ifindex, const char *name);
struct vrdma_netdev *vrdma_host_lookup_netdev(struct vrdma_host *host, const char *name);
struct vrdma_netdev *vrdma_host_lookup_ifindex(struct vrdma_host *host, int ifindex);
int vrdma_adapter_set_n_ports(struct vrdma_adapter *a, int n);
int vrdma_guid_from_string(const char *s, uint64_t *ret);
int vrdma_mtu_enum_to_bytes(int mtu);
/* Sort, resolve names into pointers, derive uplinks; -EINVAL with an error
 * message (prefixed by `where`) on inconsistencies. */
int vrdma_host_link(struct vrdma_host *host, const char *where);
void vrdma_host_free(struct vrdma_host *host);
/* Parse "vmrdma12" with prefix "vmrdma": 12, or -1. */
int vrdma_alias_number(const char *alias, const char *prefix);

/* host-net.c: every netdev and address of the namespace (libnl-route). */
int vrdma_host_net_discover(struct vrdma_host *host);
/* host-sysfs.c */
/* Where sysfs is read: $VRDMA_SYSFS (tests), else /sys. */
const char *vrdma_sysfs_root(void);
int vrdma_host_sysfs_netdevs(struct vrdma_host *host);
int vrdma_host_sysfs_adapters(struct vrdma_host *host);
/* host-rdmanl.c: adapters and ports from RDMA netlink; 0 when the kernel
 * has no RDMA netlink. */
int vrdma_host_rdmanl_discover(struct vrdma_host *host);
/* libmnl attribute callback for RDMA netlink (nldev) messages: stores each
 * attribute of type < RDMA_NLDEV_ATTR_MAX in the table `data` (const struct
 * nlattr *tb[RDMA_NLDEV_ATTR_MAX]); shared by every RDMA netlink reader. */
struct nlattr;
int vrdma_rdmanl_attr_cb(const struct nlattr *attr, void *data);
/* host-verbs.c: attributes and GID tables from libibverbs. */
int vrdma_host_verbs_discover(struct vrdma_host *host, unsigned int flags);
/* alias.c */
int vrdma_alias_assign(struct vrdma_host *host, unsigned int flags);
/* snapshot.c */
int vrdma_snapshot_write(struct vrdma_host *host, char **ret);

#endif /* VRDMA_HOST_PRIVATE_H */
