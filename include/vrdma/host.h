/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libvrdma host discovery: RDMA adapters, their ports and GID tables, the
 * physical NICs (uplinks) they pair with and every other network device,
 * taken as one immutable snapshot of a host (live, or loaded from a saved
 * JSON document).
 *
 * Include <vrdma/vrdma.h> rather than this file directly.
 *
 * Ownership: a struct vrdma_host is the only referenced object here.  Every
 * adapter, port, GID entry, uplink, netdev and address, and every string a
 * getter returns, is borrowed from its host: valid while the host is
 * referenced.  Nothing in a host changes after it is created; take a new
 * snapshot to see changes.
 *
 * Getters: values every object has are returned directly.  Values that can
 * be absent, and children read by index or key, use the form
 * int vrdma_X_get_Y(X, ..., T *ret): 0 and *ret set, -ENOENT when absent
 * (or past the end), with a message naming the object in
 * vrdma_ctx_get_error(); -EINVAL for a bad argument.  Indexes are 0-based.
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
struct vrdma_port;     /* one port of an adapter (port numbers start at 1) */
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

/* Names of enum values; NULL for a value out of range. */
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
int vrdma_host_discover(struct vrdma_ctx *ctx, unsigned int flags, struct vrdma_host **ret);

/*
 * Load a snapshot written by vrdma_host_save() (schema "vrdma-host/1"),
 * a regular file of at most 16 MiB (-EFBIG beyond; -EISDIR for a
 * directory, -EINVAL for a FIFO or device, which is never read).
 * Malformed or inconsistent documents fail with -EINVAL (-ENOENT etc. for
 * file errors) and an error message on ctx naming the file, the JSON path
 * and what was expected:
 * "FILE: $.adapters[0].ports[1].gids[3].index: expected an integer, got a string".
 * The syntax is strict JSON (no duplicate members, comments, trailing
 * commas, control bytes, invalid UTF-8 or \u0000).
 * vrdma_host_parse() does the same on `len` bytes in memory ("<buffer>"
 * in messages).
 */
int vrdma_host_load(struct vrdma_ctx *ctx, const char *path, struct vrdma_host **ret);
int vrdma_host_parse(struct vrdma_ctx *ctx, const char *text, size_t len,
                     struct vrdma_host **ret);

/*
 * Save the snapshot as JSON, atomically (temporary file, fsync, rename,
 * directory fsync).  Loading the file and saving it again produces the
 * same bytes.  vrdma_host_format() returns those bytes as a newly
 * allocated string (free() it).
 */
int vrdma_host_save(struct vrdma_host *host, const char *path);
int vrdma_host_format(struct vrdma_host *host, char **ret);

struct vrdma_host *vrdma_host_ref(struct vrdma_host *host);
struct vrdma_host *vrdma_host_unref(struct vrdma_host *host);
struct vrdma_ctx *vrdma_host_get_ctx(struct vrdma_host *host);

/* true for a host loaded from a snapshot, false for a live discovery. */
bool vrdma_host_is_snapshot(struct vrdma_host *host);
/* The host name and kernel release recorded at discovery; -ENOENT when
 * they were not recorded (gethostname()/uname() failed, or a snapshot
 * without them). */
int vrdma_host_get_hostname(struct vrdma_host *host, const char **ret);
int vrdma_host_get_kernel(struct vrdma_host *host, const char **ret);

/* Adapters, in alias order; -ENOENT past the end. */
int vrdma_host_get_n_adapters(struct vrdma_host *host);
int vrdma_host_get_adapter(struct vrdma_host *host, unsigned int i, struct vrdma_adapter **ret);
/* By kernel name ("mlx5_0") or alias ("vmrdma0"); -ENOENT when none. */
int vrdma_host_find_adapter(struct vrdma_host *host, const char *name,
                            struct vrdma_adapter **ret);

/* Uplinks (physical NICs), in alias order; -ENOENT past the end. */
int vrdma_host_get_n_uplinks(struct vrdma_host *host);
int vrdma_host_get_uplink(struct vrdma_host *host, unsigned int i, struct vrdma_uplink **ret);
/* By netdev name ("eth1") or alias ("vmnic1"); -ENOENT when none. */
int vrdma_host_find_uplink(struct vrdma_host *host, const char *name,
                           struct vrdma_uplink **ret);

/* Every network device of the namespace, in ifindex order; -ENOENT past
 * the end. */
int vrdma_host_get_n_netdevs(struct vrdma_host *host);
int vrdma_host_get_netdev(struct vrdma_host *host, unsigned int i, struct vrdma_netdev **ret);
/* By name or by ifindex (> 0); -ENOENT when none. */
int vrdma_host_find_netdev(struct vrdma_host *host, const char *name,
                           struct vrdma_netdev **ret);
int vrdma_host_find_netdev_by_ifindex(struct vrdma_host *host, int ifindex,
                                      struct vrdma_netdev **ret);

/* ---- adapter ------------------------------------------------------------ */

struct vrdma_host *vrdma_adapter_get_host(struct vrdma_adapter *adapter);

const char *vrdma_adapter_get_name(struct vrdma_adapter *adapter);        /* "mlx5_0" */
const char *vrdma_adapter_get_alias(struct vrdma_adapter *adapter);       /* "vmrdma0" */
/* "ConnectX-4 Lx", "Soft-RoCE on eth1", ... */
const char *vrdma_adapter_get_description(struct vrdma_adapter *adapter);
/* The kernel driver ("mlx5_core", "rdma_rxe", "siw"); -ENOENT when the
 * kernel does not say. */
int vrdma_adapter_get_driver(struct vrdma_adapter *adapter, const char **ret);
/* -ENOENT when the device reports no firmware version. */
int vrdma_adapter_get_fw_version(struct vrdma_adapter *adapter, const char **ret);
/* "0000:03:00.0"; -ENOENT for a device not on PCI (Soft-RoCE, siw). */
int vrdma_adapter_get_pci_address(struct vrdma_adapter *adapter, const char **ret);
/* GUIDs in host byte order (shown as "0c42:a103:0065:b8a4"); every adapter
 * has them. */
int vrdma_adapter_get_node_guid(struct vrdma_adapter *adapter, uint64_t *ret);
int vrdma_adapter_get_sys_image_guid(struct vrdma_adapter *adapter, uint64_t *ret);
/* PCI vendor and device (part) ids; -ENOENT when unknown. */
int vrdma_adapter_get_vendor_id(struct vrdma_adapter *adapter, unsigned int *ret);
int vrdma_adapter_get_vendor_part_id(struct vrdma_adapter *adapter, unsigned int *ret);
int vrdma_adapter_get_node_type(struct vrdma_adapter *adapter);   /* enum vrdma_node_type */
int vrdma_adapter_get_protocols(struct vrdma_adapter *adapter);   /* VRDMA_PROTO_* mask */
/* The kernel's RDMA device index (RDMA netlink); -ENOENT when unknown. */
int vrdma_adapter_get_kernel_index(struct vrdma_adapter *adapter, unsigned int *ret);
/* true for a software RDMA device (Soft-RoCE rdma_rxe, soft-iWARP siw). */
bool vrdma_adapter_is_software(struct vrdma_adapter *adapter);

/* Ports by index 0..n-1 (-ENOENT past the end), or by RDMA port number
 * 1..n (-ENOENT when the adapter has no such port). */
int vrdma_adapter_get_n_ports(struct vrdma_adapter *adapter);
int vrdma_adapter_get_port(struct vrdma_adapter *adapter, unsigned int i, struct vrdma_port **ret);
int vrdma_adapter_find_port(struct vrdma_adapter *adapter, unsigned int port_num,
                            struct vrdma_port **ret);
/* The uplink paired with the adapter (that of its first port that has
 * one); -ENOENT when no port is paired with a physical NIC. */
int vrdma_adapter_get_paired_uplink(struct vrdma_adapter *adapter, struct vrdma_uplink **ret);

/*
 * Find the GID index on (adapter, port number) that carries IP `address`
 * (IPv4 or IPv6 text form) with the given type.  -ENOENT when the adapter
 * has no such port or the port no such GID, -EINVAL for bad arguments.
 */
int vrdma_adapter_find_gid_index(struct vrdma_adapter *adapter, unsigned int port_num,
                                 const char *address, enum vrdma_gid_type type,
                                 unsigned int *ret);

/* ---- port --------------------------------------------------------------- */

struct vrdma_adapter *vrdma_port_get_adapter(struct vrdma_port *port);

int vrdma_port_get_number(struct vrdma_port *port);       /* 1..n */
int vrdma_port_get_state(struct vrdma_port *port);        /* enum vrdma_port_state */
int vrdma_port_get_phys_state(struct vrdma_port *port);   /* enum vrdma_port_phys_state */
int vrdma_port_get_active_mtu(struct vrdma_port *port);   /* bytes: 256..4096 */
int vrdma_port_get_max_mtu(struct vrdma_port *port);      /* bytes */
/* Mb/s (width x lane rate) and lanes (1, 2, 4, 8, 12); -ENOENT when the
 * kernel does not report them. */
int vrdma_port_get_speed(struct vrdma_port *port, unsigned int *ret);
int vrdma_port_get_width(struct vrdma_port *port, unsigned int *ret);
int vrdma_port_get_link_layer(struct vrdma_port *port);   /* enum vrdma_link_layer */
/* The size of the hardware GID table (not the number of valid entries). */
int vrdma_port_get_gid_table_len(struct vrdma_port *port);

/* The paired netdev's name, the netdev object and its uplink; -ENOENT
 * when the port has no netdev in this view (vrdma_port_get_netdev_missing()
 * says why) or, for the uplink, when the netdev is not a physical NIC. */
int vrdma_port_get_netdev_name(struct vrdma_port *port, const char **ret);
int vrdma_port_get_netdev(struct vrdma_port *port, struct vrdma_netdev **ret);
int vrdma_port_get_uplink(struct vrdma_port *port, struct vrdma_uplink **ret);
int vrdma_port_get_netdev_missing(struct vrdma_port *port); /* enum vrdma_netdev_missing */

/* The valid GID entries, in index order; -ENOENT past the end. */
int vrdma_port_get_n_gids(struct vrdma_port *port);
int vrdma_port_get_gid(struct vrdma_port *port, unsigned int i, struct vrdma_gid **ret);
/* By GID table index; -ENOENT when that entry is not valid. */
int vrdma_port_find_gid(struct vrdma_port *port, unsigned int index, struct vrdma_gid **ret);

/* ---- GID entry ------------------------------------------------------------ */

struct vrdma_port *vrdma_gid_get_port(struct vrdma_gid *gid);
int vrdma_gid_get_index(struct vrdma_gid *gid);
/* 16 bytes, network order. */
const uint8_t *vrdma_gid_get_raw(struct vrdma_gid *gid);
/* IPv6 text form, e.g. "fe80::5054:ff:fe12:3456" or "::ffff:192.0.2.1". */
const char *vrdma_gid_get_string(struct vrdma_gid *gid);
int vrdma_gid_get_type(struct vrdma_gid *gid);            /* enum vrdma_gid_type */
/* The netdev the entry belongs to: its name and the object; -ENOENT when
 * it has none in this namespace. */
int vrdma_gid_get_netdev_name(struct vrdma_gid *gid, const char **ret);
int vrdma_gid_get_netdev(struct vrdma_gid *gid, struct vrdma_netdev **ret);
/* The IP address a RoCE GID encodes ("192.0.2.1", "fe80::...") and its
 * family (AF_INET or AF_INET6); -ENOENT for an IB GID. */
int vrdma_gid_get_ip(struct vrdma_gid *gid, const char **ret);
int vrdma_gid_get_family(struct vrdma_gid *gid, int *ret);

/* ---- uplink (physical NIC) ---------------------------------------------- */

/* An uplink is a physical netdev with an alias: read its name, MAC, MTU,
 * driver, ... with the netdev getters on vrdma_uplink_get_netdev(). */
struct vrdma_host *vrdma_uplink_get_host(struct vrdma_uplink *uplink);
struct vrdma_netdev *vrdma_uplink_get_netdev(struct vrdma_uplink *uplink);
const char *vrdma_uplink_get_alias(struct vrdma_uplink *uplink);       /* "vmnic1" */
/* The adapter port paired with this uplink (its adapter is
 * vrdma_port_get_adapter()); -ENOENT when no RDMA port is paired. */
int vrdma_uplink_get_paired_port(struct vrdma_uplink *uplink, struct vrdma_port **ret);

/* ---- netdev (any network device) ---------------------------------------- */

struct vrdma_host *vrdma_netdev_get_host(struct vrdma_netdev *netdev);

const char *vrdma_netdev_get_name(struct vrdma_netdev *netdev);
int vrdma_netdev_get_ifindex(struct vrdma_netdev *netdev);
/* rtnetlink kind: "bridge", "vlan", "macvlan", "veth", "bond", "dummy", ...;
 * -ENOENT for devices without one (physical NICs, loopback). */
int vrdma_netdev_get_kind(struct vrdma_netdev *netdev, const char **ret);
/* true when backed by a device (PCI, virtio, ...): such netdevs are uplinks. */
bool vrdma_netdev_is_physical(struct vrdma_netdev *netdev);
/* Its uplink; -ENOENT unless it is physical. */
int vrdma_netdev_get_uplink(struct vrdma_netdev *netdev, struct vrdma_uplink **ret);
int vrdma_netdev_get_mtu(struct vrdma_netdev *netdev);
int vrdma_netdev_get_oper_state(struct vrdma_netdev *netdev); /* enum vrdma_oper_state */
/* IFF_* flags (IFF_UP, IFF_LOWER_UP, ...) as reported by rtnetlink. */
unsigned int vrdma_netdev_get_flags(struct vrdma_netdev *netdev);
/* "aa:bb:cc:dd:ee:ff"; -ENOENT when the device has no hardware address. */
int vrdma_netdev_get_mac(struct vrdma_netdev *netdev, const char **ret);
/* The driver and PCI address of the backing device; -ENOENT when it has
 * none (virtual devices) or, for the PCI address, it is not on PCI. */
int vrdma_netdev_get_driver(struct vrdma_netdev *netdev, const char **ret);
int vrdma_netdev_get_pci_address(struct vrdma_netdev *netdev, const char **ret);
/* Mb/s; -ENOENT when unknown (no carrier, virtual devices). */
int vrdma_netdev_get_speed(struct vrdma_netdev *netdev, unsigned int *ret);
/* The 802.1Q VLAN id; -ENOENT unless kind is "vlan". */
int vrdma_netdev_get_vlan_id(struct vrdma_netdev *netdev, unsigned int *ret);

/* The master (bridge, bond, vrf); -ENOENT when it has none. */
int vrdma_netdev_get_master(struct vrdma_netdev *netdev, struct vrdma_netdev **ret);
/* The device this one is stacked on (IFLA_LINK: the parent of a vlan or
 * macvlan); -ENOENT when none, or it is in another namespace. */
int vrdma_netdev_get_link(struct vrdma_netdev *netdev, struct vrdma_netdev **ret);
/*
 * Upper devices: its master and every device whose link is this one.
 * Lower devices: its link and every device whose master is this one.
 * (The same relation as /sys/class/net/X/upper_* and lower_*.)
 * -ENOENT past the end.
 */
int vrdma_netdev_get_n_uppers(struct vrdma_netdev *netdev);
int vrdma_netdev_get_upper(struct vrdma_netdev *netdev, unsigned int i, struct vrdma_netdev **ret);
int vrdma_netdev_get_n_lowers(struct vrdma_netdev *netdev);
int vrdma_netdev_get_lower(struct vrdma_netdev *netdev, unsigned int i, struct vrdma_netdev **ret);

/* IPv4 then IPv6 addresses, in kernel order within each family; -ENOENT
 * past the end. */
int vrdma_netdev_get_n_addrs(struct vrdma_netdev *netdev);
int vrdma_netdev_get_addr(struct vrdma_netdev *netdev, unsigned int i, struct vrdma_addr **ret);

/* ---- address -------------------------------------------------------------- */

struct vrdma_netdev *vrdma_addr_get_netdev(struct vrdma_addr *addr);
int vrdma_addr_get_family(struct vrdma_addr *addr);      /* AF_INET or AF_INET6 */
/* Network order: 4 bytes for AF_INET, 16 for AF_INET6. */
const uint8_t *vrdma_addr_get_raw(struct vrdma_addr *addr);
const char *vrdma_addr_get_string(struct vrdma_addr *addr); /* "192.0.2.1" */
int vrdma_addr_get_prefixlen(struct vrdma_addr *addr);
/* VRDMA_ADDR_* mask: test VRDMA_ADDR_TENTATIVE, VRDMA_ADDR_DADFAILED, ... */
int vrdma_addr_get_flags(struct vrdma_addr *addr);
int vrdma_addr_get_scope(struct vrdma_addr *addr);       /* RT_SCOPE_*: 0 global, 253 link, 254 host */

#ifdef __cplusplus
}
#endif

#endif /* VRDMA_HOST_H */
