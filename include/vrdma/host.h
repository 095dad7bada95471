/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libvrdma host discovery: RDMA adapters, their ports and GID tables, the
 * physical NICs (uplinks) they pair with and every other network device,
 * taken as one immutable snapshot of a host (live, or loaded from a saved
 * JSON document).
 *
 * Include <vrdma/vrdma.h> rather than this file directly.
 *
 * Ownership: a struct vrdma_host owns every adapter, port, GID entry,
 * uplink, netdev and address in it.  vrdma_adapter_ref()/_unref(),
 * vrdma_port_ref()/_unref(), vrdma_uplink_ref()/_unref() and
 * vrdma_netdev_ref()/_unref() act on the owning host's reference count, so
 * a child pointer stays valid as long as a reference is held on it or on its
 * host.  GID entries (struct vrdma_gid) and addresses (struct vrdma_addr)
 * are borrowed: valid while their host is referenced.  Nothing in a host
 * changes after it is created; take a new snapshot to see changes.
 *
 * Strings returned by getters belong to the host.  Getters of optional
 * values return NULL (strings/objects) when the value is absent.
 */
#ifndef VRDMA_HOST_H
#define VRDMA_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <vrdma/core.h>

#ifdef __cplusplus
extern "C" {
#endif

struct vrdma_host;
struct vrdma_adapter;  /* an RDMA device: mlx5_0, rxe0, siw0 (alias vmrdmaN) */
struct vrdma_port;     /* one port of an adapter, numbered from 1 */
struct vrdma_gid;      /* one valid entry of a port's GID table */
struct vrdma_uplink;   /* a physical NIC (alias vmnicN) */
struct vrdma_netdev;   /* any network device: physical, bridge, vlan, ... */
struct vrdma_addr;     /* an IPv4/IPv6 address on a netdev */

/* ---- enumerations ------------------------------------------------------ */

/* Protocols an adapter supports (bitmask). */
enum {
	VRDMA_PROTO_IB      = 1 << 0,
	VRDMA_PROTO_ROCE_V1 = 1 << 1,
	VRDMA_PROTO_ROCE_V2 = 1 << 2,
	VRDMA_PROTO_IWARP   = 1 << 3,
};

/* GID entry types. */
enum vrdma_gid_type {
	VRDMA_GID_IB = 0,
	VRDMA_GID_ROCE_V1 = 1,
	VRDMA_GID_ROCE_V2 = 2,
};

/* Node types (values as in libibverbs' enum ibv_node_type, UNKNOWN = 0). */
enum vrdma_node_type {
	VRDMA_NODE_UNKNOWN = 0,
	VRDMA_NODE_CA = 1,
	VRDMA_NODE_SWITCH = 2,
	VRDMA_NODE_ROUTER = 3,
	VRDMA_NODE_RNIC = 4,
	VRDMA_NODE_USNIC = 5,
	VRDMA_NODE_USNIC_UDP = 6,
	VRDMA_NODE_UNSPECIFIED = 7,
};

/* Port logical states (values as in enum ibv_port_state). */
enum vrdma_port_state {
	VRDMA_PORT_NOP = 0,
	VRDMA_PORT_DOWN = 1,
	VRDMA_PORT_INIT = 2,
	VRDMA_PORT_ARMED = 3,
	VRDMA_PORT_ACTIVE = 4,
	VRDMA_PORT_ACTIVE_DEFER = 5,
};

/* Port physical states (IBTA values, as in ibv_port_attr.phys_state). */
enum vrdma_port_phys_state {
	VRDMA_PHYS_UNKNOWN = 0,
	VRDMA_PHYS_SLEEP = 1,
	VRDMA_PHYS_POLLING = 2,
	VRDMA_PHYS_DISABLED = 3,
	VRDMA_PHYS_TRAINING = 4,
	VRDMA_PHYS_LINK_UP = 5,
	VRDMA_PHYS_ERROR_RECOVERY = 6,
	VRDMA_PHYS_PHY_TEST = 7,
};

/* Link layers (values as in IBV_LINK_LAYER_*). */
enum vrdma_link_layer {
	VRDMA_LINK_LAYER_UNSPECIFIED = 0,
	VRDMA_LINK_LAYER_IB = 1,
	VRDMA_LINK_LAYER_ETHERNET = 2,
};

/* Why a port has no paired netdev in this view. */
enum vrdma_netdev_missing {
	VRDMA_NETDEV_PRESENT = 0,         /* it has one */
	VRDMA_NETDEV_NONE = 1,            /* the port has no netdev (IB link layer, ...) */
	VRDMA_NETDEV_OTHER_NAMESPACE = 2, /* it lives in another network namespace */
	VRDMA_NETDEV_UNKNOWN = 3,         /* the kernel did not say */
};

/* Network device operational states (values as in IF_OPER_*, RFC 2863). */
enum vrdma_oper_state {
	VRDMA_OPER_UNKNOWN = 0,
	VRDMA_OPER_NOTPRESENT = 1,
	VRDMA_OPER_DOWN = 2,
	VRDMA_OPER_LOWERLAYERDOWN = 3,
	VRDMA_OPER_TESTING = 4,
	VRDMA_OPER_DORMANT = 5,
	VRDMA_OPER_UP = 6,
};

/* Address flags (bitmask; a subset of the kernel's IFA_F_*). */
enum {
	VRDMA_ADDR_SECONDARY  = 1 << 0,
	VRDMA_ADDR_NODAD      = 1 << 1,
	VRDMA_ADDR_OPTIMISTIC = 1 << 2,
	VRDMA_ADDR_DADFAILED  = 1 << 3,
	VRDMA_ADDR_DEPRECATED = 1 << 4,
	VRDMA_ADDR_TENTATIVE  = 1 << 5,
	VRDMA_ADDR_PERMANENT  = 1 << 6,
};

/* Names, or NULL for a value out of range. */
const char *vrdma_port_state_to_string(int state);      /* "Active", "Down", "Init", "Armed", "ActiveDefer", "Nop" */
const char *vrdma_port_phys_state_to_string(int state); /* "LinkUp", "Polling", "Disabled", ... */
const char *vrdma_link_layer_to_string(int ll);         /* "Ethernet", "InfiniBand", "Unspecified" */
const char *vrdma_node_type_to_string(int type);        /* "CA", "RNIC", ... */
const char *vrdma_gid_type_to_string(int type);         /* "RoCE v1", "RoCE v2", "IB" */
const char *vrdma_oper_state_to_string(int state);      /* "up", "down", "lowerlayerdown", ... */
const char *vrdma_netdev_missing_to_string(int reason); /* "present", "none", "other-namespace", "unknown" */

/* ---- host --------------------------------------------------------------- */

/* Flags for vrdma_host_discover(). */
enum {
	/* Read the alias state file but never write it: devices not yet
	 * recorded get provisional aliases (the next free numbers). */
	VRDMA_DISCOVER_READ_ONLY = 1 << 0,
	/* Skip GID tables (ports report zero GID entries). */
	VRDMA_DISCOVER_NO_GIDS = 1 << 1,
};

/*
 * Discover the live host in the caller's network namespace: every RDMA
 * device libibverbs and RDMA netlink know, every network device, address
 * and relation.  Stable aliases come from (and new ones are recorded in)
 * the alias state file in vrdma_ctx_get_state_dir(); when that directory
 * is not writable, aliases are assigned in memory and a debug message is
 * logged.  A host without RDMA yields zero adapters, not an error.
 */
int vrdma_host_discover(struct vrdma_ctx *ctx, unsigned flags, struct vrdma_host **ret);

/*
 * Load a snapshot written by vrdma_host_save() (schema "vrdma-host/1").
 * Malformed or inconsistent documents fail with -EINVAL (-ENOENT etc. for
 * file errors) and an error message on ctx naming the JSON path
 * ("$.adapters[0].ports[1].gids[3].index") and what was expected.
 * vrdma_host_load_string() parses a document held in memory; `name` is used
 * in messages in place of the file name (may be NULL).
 */
int vrdma_host_load(struct vrdma_ctx *ctx, const char *path, struct vrdma_host **ret);
int vrdma_host_load_string(struct vrdma_ctx *ctx, const char *json, const char *name,
                           struct vrdma_host **ret);

/*
 * Save the snapshot as JSON, atomically (temporary file, fsync, rename,
 * directory fsync).  Loading the file and saving it again produces the
 * same bytes.  vrdma_host_to_json() returns the document as a newly
 * allocated string (free() it).
 */
int vrdma_host_save(struct vrdma_host *host, const char *path);
int vrdma_host_to_json(struct vrdma_host *host, char **ret);

struct vrdma_host *vrdma_host_ref(struct vrdma_host *host);
struct vrdma_host *vrdma_host_unref(struct vrdma_host *host);
struct vrdma_ctx *vrdma_host_get_ctx(struct vrdma_host *host);

/* true for a host loaded from a snapshot, false for a live discovery. */
bool vrdma_host_is_snapshot(struct vrdma_host *host);
/* The host name and kernel release recorded at discovery (may be NULL). */
const char *vrdma_host_get_hostname(struct vrdma_host *host);
const char *vrdma_host_get_kernel(struct vrdma_host *host);

/* Adapters, in alias order.  get_* return NULL for an index out of range. */
int vrdma_host_get_n_adapters(struct vrdma_host *host);
struct vrdma_adapter *vrdma_host_get_adapter(struct vrdma_host *host, int i);
/* By kernel name ("mlx5_0") or alias ("vmrdma0"): 0, -ENOENT or -EINVAL. */
int vrdma_host_find_adapter(struct vrdma_host *host, const char *name,
                            struct vrdma_adapter **ret);

/* Uplinks (physical NICs), in alias order. */
int vrdma_host_get_n_uplinks(struct vrdma_host *host);
struct vrdma_uplink *vrdma_host_get_uplink(struct vrdma_host *host, int i);
/* By netdev name ("eth1") or alias ("vmnic1"): 0, -ENOENT or -EINVAL. */
int vrdma_host_find_uplink(struct vrdma_host *host, const char *name,
                           struct vrdma_uplink **ret);

/* Every network device of the namespace, in ifindex order. */
int vrdma_host_get_n_netdevs(struct vrdma_host *host);
struct vrdma_netdev *vrdma_host_get_netdev(struct vrdma_host *host, int i);
int vrdma_host_find_netdev(struct vrdma_host *host, const char *name,
                           struct vrdma_netdev **ret);
int vrdma_host_find_netdev_by_ifindex(struct vrdma_host *host, int ifindex,
                                      struct vrdma_netdev **ret);

/* ---- adapter ------------------------------------------------------------ */

struct vrdma_adapter *vrdma_adapter_ref(struct vrdma_adapter *adapter);
struct vrdma_adapter *vrdma_adapter_unref(struct vrdma_adapter *adapter);
struct vrdma_host *vrdma_adapter_get_host(struct vrdma_adapter *adapter);

const char *vrdma_adapter_get_name(struct vrdma_adapter *adapter);        /* "mlx5_0" */
const char *vrdma_adapter_get_alias(struct vrdma_adapter *adapter);       /* "vmrdma0" */
const char *vrdma_adapter_get_driver(struct vrdma_adapter *adapter);      /* "mlx5_core", "rdma_rxe", "siw" */
const char *vrdma_adapter_get_description(struct vrdma_adapter *adapter);
const char *vrdma_adapter_get_fw_version(struct vrdma_adapter *adapter);  /* may be NULL */
const char *vrdma_adapter_get_pci_address(struct vrdma_adapter *adapter); /* "0000:03:00.0" or NULL */
/* GUIDs in host byte order; the string form is "0c42:a103:0065:b8a4". */
int vrdma_adapter_get_node_guid(struct vrdma_adapter *adapter, uint64_t *ret);
int vrdma_adapter_get_sys_image_guid(struct vrdma_adapter *adapter, uint64_t *ret);
const char *vrdma_adapter_get_node_guid_string(struct vrdma_adapter *adapter);
const char *vrdma_adapter_get_sys_image_guid_string(struct vrdma_adapter *adapter);
/* PCI vendor and device (part) ids, 0 when unknown; negative on error. */
int vrdma_adapter_get_vendor_id(struct vrdma_adapter *adapter);
int vrdma_adapter_get_vendor_part_id(struct vrdma_adapter *adapter);
int vrdma_adapter_get_node_type(struct vrdma_adapter *adapter);   /* enum vrdma_node_type */
int vrdma_adapter_get_protocols(struct vrdma_adapter *adapter);   /* VRDMA_PROTO_* mask */
/* The kernel's RDMA device index (RDMA netlink), -ENODATA when unknown. */
int vrdma_adapter_get_kernel_index(struct vrdma_adapter *adapter);

/* Ports are numbered 1..n. */
int vrdma_adapter_get_n_ports(struct vrdma_adapter *adapter);
struct vrdma_port *vrdma_adapter_get_port(struct vrdma_adapter *adapter, int port_num);
/* The uplink paired with the adapter: that of its first port that has one. */
struct vrdma_uplink *vrdma_adapter_get_paired_uplink(struct vrdma_adapter *adapter);

/*
 * Find the GID index on (adapter, port) that carries IP `address` (IPv4 or
 * IPv6 text form) with the given type.  0 and *ret set, -ENOENT when none,
 * -EINVAL for bad arguments.
 */
int vrdma_adapter_find_gid_index(struct vrdma_adapter *adapter, int port_num,
                                 const char *address, enum vrdma_gid_type type,
                                 int *ret);

/* ---- port --------------------------------------------------------------- */

struct vrdma_port *vrdma_port_ref(struct vrdma_port *port);
struct vrdma_port *vrdma_port_unref(struct vrdma_port *port);
struct vrdma_adapter *vrdma_port_get_adapter(struct vrdma_port *port);

int vrdma_port_get_number(struct vrdma_port *port);
int vrdma_port_get_state(struct vrdma_port *port);        /* enum vrdma_port_state */
const char *vrdma_port_get_state_string(struct vrdma_port *port);
int vrdma_port_get_phys_state(struct vrdma_port *port);   /* enum vrdma_port_phys_state */
int vrdma_port_get_active_mtu(struct vrdma_port *port);   /* bytes: 256..4096 */
int vrdma_port_get_max_mtu(struct vrdma_port *port);      /* bytes */
int vrdma_port_get_speed(struct vrdma_port *port);        /* Mb/s (width x lane rate), 0 unknown */
int vrdma_port_get_width(struct vrdma_port *port);        /* lanes: 1, 2, 4, 8, 12; 0 unknown */
int vrdma_port_get_link_layer(struct vrdma_port *port);   /* enum vrdma_link_layer */
/* The size of the hardware GID table (not the number of valid entries). */
int vrdma_port_get_gid_table_len(struct vrdma_port *port);

/* The paired netdev: name (NULL when absent) and, when absent, why. */
const char *vrdma_port_get_netdev_name(struct vrdma_port *port);
int vrdma_port_get_netdev_missing(struct vrdma_port *port); /* enum vrdma_netdev_missing */
/* The netdev object (NULL when absent) and its uplink (NULL when the
 * netdev is not a physical NIC). */
struct vrdma_netdev *vrdma_port_get_netdev(struct vrdma_port *port);
struct vrdma_uplink *vrdma_port_get_uplink(struct vrdma_port *port);

/* The valid GID entries, in index order. */
int vrdma_port_get_n_gids(struct vrdma_port *port);
struct vrdma_gid *vrdma_port_get_gid(struct vrdma_port *port, int i);
/* By GID table index: 0, -ENOENT (not a valid entry) or -EINVAL. */
int vrdma_port_find_gid(struct vrdma_port *port, int index, struct vrdma_gid **ret);

/* ---- GID entry (borrowed from its host) ---------------------------------- */

struct vrdma_port *vrdma_gid_get_port(struct vrdma_gid *gid);
int vrdma_gid_get_index(struct vrdma_gid *gid);
/* 16 bytes, network order. */
const uint8_t *vrdma_gid_get_raw(struct vrdma_gid *gid);
/* IPv6 text form, e.g. "fe80::5054:ff:fe12:3456" or "::ffff:192.0.2.1". */
const char *vrdma_gid_get_string(struct vrdma_gid *gid);
int vrdma_gid_get_type(struct vrdma_gid *gid);            /* enum vrdma_gid_type */
/* The netdev the entry belongs to (NULL when none or not in this namespace). */
const char *vrdma_gid_get_netdev_name(struct vrdma_gid *gid);
struct vrdma_netdev *vrdma_gid_get_netdev(struct vrdma_gid *gid);
/* The IP address a RoCE GID encodes ("192.0.2.1", "fe80::..."), NULL for IB.
 * vrdma_gid_get_family() gives AF_INET, AF_INET6 or 0. */
const char *vrdma_gid_get_ip(struct vrdma_gid *gid);
int vrdma_gid_get_family(struct vrdma_gid *gid);

/* ---- uplink (physical NIC) ---------------------------------------------- */

struct vrdma_uplink *vrdma_uplink_ref(struct vrdma_uplink *uplink);
struct vrdma_uplink *vrdma_uplink_unref(struct vrdma_uplink *uplink);
struct vrdma_host *vrdma_uplink_get_host(struct vrdma_uplink *uplink);
struct vrdma_netdev *vrdma_uplink_get_netdev(struct vrdma_uplink *uplink);

const char *vrdma_uplink_get_name(struct vrdma_uplink *uplink);        /* "eth1" */
const char *vrdma_uplink_get_alias(struct vrdma_uplink *uplink);       /* "vmnic1" */
const char *vrdma_uplink_get_driver(struct vrdma_uplink *uplink);      /* may be NULL */
const char *vrdma_uplink_get_pci_address(struct vrdma_uplink *uplink); /* may be NULL */
const char *vrdma_uplink_get_mac(struct vrdma_uplink *uplink);
int vrdma_uplink_get_mtu(struct vrdma_uplink *uplink);
int vrdma_uplink_get_oper_state(struct vrdma_uplink *uplink);          /* enum vrdma_oper_state */
int vrdma_uplink_get_speed(struct vrdma_uplink *uplink);               /* Mb/s, 0 unknown */
/* The adapter port paired with this uplink, or NULL. */
struct vrdma_port *vrdma_uplink_get_paired_port(struct vrdma_uplink *uplink);
struct vrdma_adapter *vrdma_uplink_get_paired_adapter(struct vrdma_uplink *uplink);

/* ---- netdev (any network device) ---------------------------------------- */

struct vrdma_netdev *vrdma_netdev_ref(struct vrdma_netdev *netdev);
struct vrdma_netdev *vrdma_netdev_unref(struct vrdma_netdev *netdev);
struct vrdma_host *vrdma_netdev_get_host(struct vrdma_netdev *netdev);

const char *vrdma_netdev_get_name(struct vrdma_netdev *netdev);
int vrdma_netdev_get_ifindex(struct vrdma_netdev *netdev);
/* rtnetlink kind: "bridge", "vlan", "macvlan", "veth", "bond", "dummy", ...;
 * NULL for devices without one (physical NICs, loopback). */
const char *vrdma_netdev_get_kind(struct vrdma_netdev *netdev);
/* true when backed by a device (PCI, virtio, ...): such netdevs are uplinks. */
bool vrdma_netdev_is_physical(struct vrdma_netdev *netdev);
struct vrdma_uplink *vrdma_netdev_get_uplink(struct vrdma_netdev *netdev); /* NULL unless physical */
int vrdma_netdev_get_mtu(struct vrdma_netdev *netdev);
int vrdma_netdev_get_oper_state(struct vrdma_netdev *netdev); /* enum vrdma_oper_state */
/* IFF_* flags (IFF_UP, IFF_LOWER_UP, ...) as reported by rtnetlink. */
int vrdma_netdev_get_flags(struct vrdma_netdev *netdev, unsigned *ret);
/* "aa:bb:cc:dd:ee:ff" (NULL when the device has no hardware address). */
const char *vrdma_netdev_get_mac(struct vrdma_netdev *netdev);
const char *vrdma_netdev_get_driver(struct vrdma_netdev *netdev);      /* may be NULL */
const char *vrdma_netdev_get_pci_address(struct vrdma_netdev *netdev); /* may be NULL */
int vrdma_netdev_get_speed(struct vrdma_netdev *netdev);               /* Mb/s, 0 unknown */
/* 802.1Q VLAN id for kind "vlan", else -ENODATA. */
int vrdma_netdev_get_vlan_id(struct vrdma_netdev *netdev);

/* The master (bridge, bond, vrf) or NULL. */
struct vrdma_netdev *vrdma_netdev_get_master(struct vrdma_netdev *netdev);
/* The device this one is stacked on (IFLA_LINK: the parent of a vlan or
 * macvlan) or NULL (none, or in another namespace). */
struct vrdma_netdev *vrdma_netdev_get_link(struct vrdma_netdev *netdev);
/*
 * Upper devices: its master and every device whose link is this one.
 * Lower devices: its link and every device whose master is this one.
 * (The same relation as /sys/class/net/X/upper_* and lower_*.)
 */
int vrdma_netdev_get_n_uppers(struct vrdma_netdev *netdev);
struct vrdma_netdev *vrdma_netdev_get_upper(struct vrdma_netdev *netdev, int i);
int vrdma_netdev_get_n_lowers(struct vrdma_netdev *netdev);
struct vrdma_netdev *vrdma_netdev_get_lower(struct vrdma_netdev *netdev, int i);

/* IPv4 then IPv6 addresses, in kernel order within each family. */
int vrdma_netdev_get_n_addrs(struct vrdma_netdev *netdev);
struct vrdma_addr *vrdma_netdev_get_addr(struct vrdma_netdev *netdev, int i);

/* ---- address (borrowed from its host) ------------------------------------ */

struct vrdma_netdev *vrdma_addr_get_netdev(struct vrdma_addr *addr);
int vrdma_addr_get_family(struct vrdma_addr *addr);      /* AF_INET or AF_INET6 */
/* 4 or 16 bytes, network order; *len set when len is not NULL. */
const uint8_t *vrdma_addr_get_raw(struct vrdma_addr *addr, size_t *len);
const char *vrdma_addr_get_string(struct vrdma_addr *addr); /* "192.0.2.1" */
int vrdma_addr_get_prefixlen(struct vrdma_addr *addr);
int vrdma_addr_get_flags(struct vrdma_addr *addr);       /* VRDMA_ADDR_* mask */
int vrdma_addr_get_scope(struct vrdma_addr *addr);       /* RT_SCOPE_*: 0 global, 253 link, 254 host */
bool vrdma_addr_is_tentative(struct vrdma_addr *addr);
bool vrdma_addr_is_dadfailed(struct vrdma_addr *addr);

#ifdef __cplusplus
}
#endif

#endif /* VRDMA_HOST_H */
