/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libvrdma model: virtual switches (standard / distributed), port groups,
 * VMkernel interfaces (vmkN) and the durable JSON configuration file that
 * holds them.  See vrdma_config(3), vrdma_switch(3), vrdma_portgroup(3),
 * vrdma_vmk(3) and vrdma-config(5).
 *
 * Include <vrdma/vrdma.h> rather than this file directly.
 *
 * Ownership.  Only the configuration is referenced (vrdma_config_ref/
 * _unref).  Switches, port groups and vmks are BORROWED from their
 * configuration: a handle returned by an add/get/find function stays valid,
 * at the same address, while the configuration is referenced and the object
 * is not removed.  A removed object's handle is invalid: pass it to no
 * function (its memory is released with the configuration, so handles kept
 * elsewhere, e.g. by vrdma_bindings, never point to freed memory).
 *
 * Validation.  Every mutation checks every rule and, on failure, changes
 * nothing and returns a negative errno with a message, retrievable with
 * vrdma_ctx_get_error(), naming the object and the rule, e.g.
 *   "vmk 'vmk1': MTU 9000 is above switch 'vSwitch1' MTU 1500".
 * Typical errors: -EINVAL (malformed value), -ERANGE (number out of range),
 * -EEXIST (duplicate name / address / uplink), -EBUSY (still in use),
 * -ENOENT (no such object, index past the end, absent value), -ENOSPC (a
 * documented limit reached), -ENAMETOOLONG (name too long), -EOPNOTSUPP
 * (not valid for this switch type).  Every int function clears the message
 * when it starts; direct getters and counts do not touch it.
 *
 * Linux realisation (see vrdma(7), REALISATION, and vrdma_apply(3)): a switch
 * is no kernel object and its uplinks are never bridged; each vmk is stacked
 * on its port group's first active uplink, as a macvlan "vmkN" (hardware or
 * plain NIC), an 802.1Q device "vmkN" (Soft-RoCE, tagged) or addresses on the
 * uplink itself (Soft-RoCE, untagged).  Which netdev carries a vmk's
 * addresses is answered by vrdma_binding_get_netdev_name(), not by the model.
 *   vrdma_switch_get_ifname()    reserved name; no device of that name is
 *                                created (never truncated or invented)
 *   vrdma_portgroup_get_ifname() informational "<switch ifname>.<vid>"
 */
#ifndef VRDMA_MODEL_H
#define VRDMA_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <vrdma/core.h>

#ifdef __cplusplus
extern "C" {
#endif

struct vrdma_config;
struct vrdma_switch;
struct vrdma_portgroup;
struct vrdma_vmk;
struct vrdma_soft_adapter;

/* ---- documented limits --------------------------------------------------- */
#define VRDMA_MAX_SWITCHES           64   /* switches per configuration */
#define VRDMA_MAX_PORTGROUPS        512   /* port groups per configuration */
#define VRDMA_MAX_VMKS              256   /* vmk0 .. vmk255 */
#define VRDMA_MAX_UPLINKS            32   /* uplinks (or vDS slots) per switch */
#define VRDMA_MAX_IPV6_ADDRS         16   /* static IPv6 addresses per vmk */
#define VRDMA_MAX_VLAN_RANGES        32   /* trunk ranges per vDS port group */
#define VRDMA_NAME_MAX               32   /* switch / port group / slot names */
#define VRDMA_IFNAME_MAX             15   /* Linux IFNAMSIZ - 1 */
#define VRDMA_SWITCH_IFNAME_MAX      10   /* leaves room for ".4094" */
#define VRDMA_MTU_MIN              1280
#define VRDMA_MTU_MAX              9000
#define VRDMA_MTU_DEFAULT          1500
#define VRDMA_VLAN_ID_TRUNK        4095   /* vSS "all VLANs" */
#define VRDMA_MAX_SOFT_ADAPTERS      64   /* soft RDMA adapters per configuration */

/* The configuration file's schema identifier ("schema" key). */
#define VRDMA_CONFIG_SCHEMA "vrdma-config/1"

enum vrdma_switch_type {
	VRDMA_SWITCH_STANDARD = 0,      /* vSphere standard switch (vSS) */
	VRDMA_SWITCH_DISTRIBUTED = 1,   /* vSphere distributed switch (vDS) */
};

enum vrdma_uplink_role {
	VRDMA_UPLINK_ACTIVE = 0,
	VRDMA_UPLINK_STANDBY = 1,
	VRDMA_UPLINK_UNUSED = 2,        /* computed: uplinks in neither list */
};

enum vrdma_vlan_mode {
	VRDMA_VLAN_NONE = 0,            /* VLAN ID 0: untagged */
	VRDMA_VLAN_TAGGED = 1,          /* VLAN ID 1-4094 */
	VRDMA_VLAN_TRUNK = 2,           /* vSS 4095, or vDS trunk ranges */
};

/* Service tags of a vmk (a bit set). */
enum vrdma_vmk_tag {
	VRDMA_VMK_TAG_MANAGEMENT = 1u << 0,  /* "management" (ESXi Management) */
	VRDMA_VMK_TAG_NVME_RDMA = 1u << 1,   /* "nvme-rdma"  (ESXi NVMeRDMA) */
	VRDMA_VMK_TAG_NVME_TCP = 1u << 2,    /* "nvme-tcp"   (ESXi NVMeTCP) */
	VRDMA_VMK_TAG_ISER = 1u << 3,        /* "iser" */
	VRDMA_VMK_TAG_ALL = 0xfu,
};

/* ---- configuration ------------------------------------------------------- */

/* An empty configuration (generation 0, no file yet). */
int vrdma_config_new(struct vrdma_ctx *ctx, struct vrdma_config **ret);
/*
 * Load and validate a configuration file; path NULL means
 * vrdma_ctx_get_config_path().  -ENOENT when it does not exist; -EINVAL
 * when it is invalid, the message listing every problem with its JSON path
 * ("FILE: $.switches[0].mtu: expected an integer, got a string"; strict
 * JSON, see vrdma-config(5)) or when it is not a regular file (a FIFO is
 * never read); -EISDIR for a directory; -EFBIG over 1 MiB; -EPERM when
 * running as root and the path is a symlink or writable by group/other.
 * Nothing is returned on failure.
 */
int vrdma_config_load(struct vrdma_ctx *ctx, const char *path,
                      struct vrdma_config **ret);
/* Same validation on `len` bytes in memory ("<buffer>" in messages; no
 * file, generation as given). */
int vrdma_config_parse(struct vrdma_ctx *ctx, const char *text, size_t len,
                       struct vrdma_config **ret);
/*
 * Save atomically and durably (temporary file in the same directory, fsync,
 * rename, fsync of the directory), serialised with writers by an flock(2)ed
 * "<path>.lock".  path NULL means the path the configuration was loaded from
 * or last saved to, else vrdma_ctx_get_config_path().  The file must still
 * hold the generation this configuration was loaded at (none for a new
 * configuration), else -ESTALE and nothing is written; on success the
 * generation is incremented.  The directory must exist.
 */
int vrdma_config_save(struct vrdma_config *cfg, const char *path);
/* The canonical JSON text that save would write (malloc'ed, free() it). */
int vrdma_config_format(struct vrdma_config *cfg, char **ret);

struct vrdma_config *vrdma_config_ref(struct vrdma_config *cfg);
struct vrdma_config *vrdma_config_unref(struct vrdma_config *cfg);
struct vrdma_ctx *vrdma_config_get_ctx(struct vrdma_config *cfg);
/* 0 for a new configuration (and for NULL). */
uint64_t vrdma_config_get_generation(struct vrdma_config *cfg);
/* Path loaded from / last saved to; -ENOENT when never loaded or saved. */
int vrdma_config_get_path(struct vrdma_config *cfg, const char **ret);

int vrdma_config_get_n_switches(struct vrdma_config *cfg);
int vrdma_config_get_switch(struct vrdma_config *cfg, unsigned int i,
                            struct vrdma_switch **ret);
int vrdma_config_find_switch(struct vrdma_config *cfg, const char *name,
                             struct vrdma_switch **ret);
/*
 * Add a switch.  ifname: reserved Linux name (see above), NULL to use the switch name
 * (which must then be a valid interface name of at most
 * VRDMA_SWITCH_IFNAME_MAX characters).  ret may be NULL.
 */
int vrdma_config_add_switch(struct vrdma_config *cfg, const char *name,
                            enum vrdma_switch_type type, const char *ifname,
                            struct vrdma_switch **ret);
/* Port group by name over every switch: -ENOENT none, -ENOTUNIQ several. */
int vrdma_config_find_portgroup(struct vrdma_config *cfg, const char *name,
                                struct vrdma_portgroup **ret);

int vrdma_config_get_n_vmks(struct vrdma_config *cfg);
/* vmks are ordered by number. */
int vrdma_config_get_vmk(struct vrdma_config *cfg, unsigned int i,
                         struct vrdma_vmk **ret);
int vrdma_config_find_vmk(struct vrdma_config *cfg, const char *name,
                          struct vrdma_vmk **ret);
/*
 * Add a vmk on a port group.  name NULL allocates the lowest free vmkN.
 * MTU defaults to min(1500, switch MTU); the MAC is generated (locally
 * administered, unicast, stable once saved).  ret may be NULL.
 */
int vrdma_config_add_vmk(struct vrdma_config *cfg, const char *name,
                         struct vrdma_portgroup *pg, struct vrdma_vmk **ret);

/* ---- switches ------------------------------------------------------------ */

struct vrdma_config *vrdma_switch_get_config(struct vrdma_switch *sw);
/* Remove from the configuration and invalidate sw; its port groups go with
 * it.  -EBUSY if any of them still carries a vmk. */
int vrdma_switch_remove(struct vrdma_switch *sw);

const char *vrdma_switch_get_name(struct vrdma_switch *sw);
int vrdma_switch_get_type(struct vrdma_switch *sw); /* enum vrdma_switch_type */
/* Reserved Linux name of the switch (no device is created). */
const char *vrdma_switch_get_ifname(struct vrdma_switch *sw);
/* NULL: derive from the name again. */
int vrdma_switch_set_ifname(struct vrdma_switch *sw, const char *ifname);
int vrdma_switch_get_mtu(struct vrdma_switch *sw);
/* 1280-9000 and not below any of its vmks' MTU. */
int vrdma_switch_set_mtu(struct vrdma_switch *sw, int mtu);

/*
 * Uplinks, in order.  vSS: the names are devices (vmnic alias or netdev
 * name, stored as given).  vDS: the names are uplink slots ("Uplink 1"...),
 * each mapped to at most one device with vrdma_switch_set_uplink_device().
 * A device may serve only one switch.  Adding an uplink appends it to the
 * switch's active list; removing one takes it out of the switch's lists
 * (-EBUSY if a port group's teaming override names it).
 */
int vrdma_switch_get_n_uplinks(struct vrdma_switch *sw);
int vrdma_switch_get_uplink(struct vrdma_switch *sw, unsigned int i,
                            const char **ret);
int vrdma_switch_add_uplink(struct vrdma_switch *sw, const char *name);
int vrdma_switch_remove_uplink(struct vrdma_switch *sw, const char *name);
/* vDS only: map a slot to a device (NULL unmaps). */
int vrdma_switch_set_uplink_device(struct vrdma_switch *sw, const char *slot,
                                   const char *device);
/* The device behind an uplink: itself on a vSS; the mapped device on a vDS
 * (-ENOENT when the slot is unmapped). */
int vrdma_switch_get_uplink_device(struct vrdma_switch *sw, const char *name,
                                   const char **ret);

/*
 * Teaming and failover order.  Every listed name must be an uplink of the
 * switch, at most once over both lists; uplinks in neither list are unused.
 * The count is -EINVAL for an unknown role.
 */
int vrdma_switch_set_failover(struct vrdma_switch *sw,
                              const char *const *active, size_t n_active,
                              const char *const *standby, size_t n_standby);
int vrdma_switch_get_n_failover_uplinks(struct vrdma_switch *sw,
                                        enum vrdma_uplink_role role);
int vrdma_switch_get_failover_uplink(struct vrdma_switch *sw,
                                     enum vrdma_uplink_role role,
                                     unsigned int i, const char **ret);

int vrdma_switch_get_n_portgroups(struct vrdma_switch *sw);
int vrdma_switch_get_portgroup(struct vrdma_switch *sw, unsigned int i,
                               struct vrdma_portgroup **ret);
int vrdma_switch_find_portgroup(struct vrdma_switch *sw, const char *name,
                                struct vrdma_portgroup **ret);
/* ret may be NULL. */
int vrdma_switch_add_portgroup(struct vrdma_switch *sw, const char *name,
                               struct vrdma_portgroup **ret);

/* ---- port groups --------------------------------------------------------- */

struct vrdma_switch *vrdma_portgroup_get_switch(struct vrdma_portgroup *pg);
/* Remove from its switch and invalidate pg.  -EBUSY (with the vmk's name in
 * the message) while a vmk uses it. */
int vrdma_portgroup_remove(struct vrdma_portgroup *pg);

const char *vrdma_portgroup_get_name(struct vrdma_portgroup *pg);
/* Informational Linux name of the port group: the switch's ifname (VLAN 0
 * or trunk) or "<switch ifname>.<vid>"; apply creates no device of that
 * name (see vrdma(7), REALISATION). */
const char *vrdma_portgroup_get_ifname(struct vrdma_portgroup *pg);
/* Number of vmks on this port group. */
int vrdma_portgroup_get_n_vmks(struct vrdma_portgroup *pg);

/* vSS: 0, 1-4094, 4095 (trunk).  vDS: 0 or 1-4094. */
int vrdma_portgroup_set_vlan_id(struct vrdma_portgroup *pg, int vlan_id);
int vrdma_portgroup_get_vlan_mode(struct vrdma_portgroup *pg); /* enum vrdma_vlan_mode */
/* 0, 1-4094, or VRDMA_VLAN_ID_TRUNK for either kind of trunk. */
int vrdma_portgroup_get_vlan_id(struct vrdma_portgroup *pg);
/* vDS only: trunk ranges "A-B,C,..." within 0-4094, sorted and merged. */
int vrdma_portgroup_set_vlan_trunk(struct vrdma_portgroup *pg,
                                   const char *ranges);
/* Trunk ranges: none unless trunked (a vSS 4095 trunk reads as one range
 * 0-4094). */
int vrdma_portgroup_get_n_vlan_trunk_ranges(struct vrdma_portgroup *pg);
int vrdma_portgroup_get_vlan_trunk_range(struct vrdma_portgroup *pg,
                                         unsigned int i,
                                         unsigned int *first,
                                         unsigned int *last);

/* Teaming override (same rules as the switch's); clear to inherit. */
int vrdma_portgroup_set_failover(struct vrdma_portgroup *pg,
                                 const char *const *active, size_t n_active,
                                 const char *const *standby, size_t n_standby);
int vrdma_portgroup_clear_failover(struct vrdma_portgroup *pg);
/* Whether the port group overrides the switch policy (false: it inherits). */
bool vrdma_portgroup_has_failover_override(struct vrdma_portgroup *pg);
/* The EFFECTIVE policy: the override if any, else the switch's. */
int vrdma_portgroup_get_n_failover_uplinks(struct vrdma_portgroup *pg,
                                           enum vrdma_uplink_role role);
int vrdma_portgroup_get_failover_uplink(struct vrdma_portgroup *pg,
                                        enum vrdma_uplink_role role,
                                        unsigned int i, const char **ret);

/* ---- VMkernel interfaces ------------------------------------------------- */

struct vrdma_config *vrdma_vmk_get_config(struct vrdma_vmk *vmk);
/* Remove from the configuration and invalidate vmk. */
int vrdma_vmk_remove(struct vrdma_vmk *vmk);

/* "vmkN"; also the name of the vmk's own netdev when it has one (use
 * vrdma_binding_get_netdev_name() for the netdev that carries its addresses). */
const char *vrdma_vmk_get_name(struct vrdma_vmk *vmk);
struct vrdma_portgroup *vrdma_vmk_get_portgroup(struct vrdma_vmk *vmk);
/* Move to another port group (its switch MTU must allow the vmk's). */
int vrdma_vmk_set_portgroup(struct vrdma_vmk *vmk, struct vrdma_portgroup *pg);

/* "02:xx:xx:xx:xx:xx", lower case. */
const char *vrdma_vmk_get_mac(struct vrdma_vmk *vmk);
/* A unicast MAC not used by another vmk; NULL generates a new one. */
int vrdma_vmk_set_mac(struct vrdma_vmk *vmk, const char *mac);
int vrdma_vmk_get_mtu(struct vrdma_vmk *vmk);
int vrdma_vmk_set_mtu(struct vrdma_vmk *vmk, int mtu);

/*
 * Addresses are text in canonical inet_ntop(3) form.  Rejected: network,
 * broadcast, multicast, loopback, unspecified, link-local (169.254/16,
 * fe80::/10), reserved (0/8, 240/4, ::ffff:0:0/96) addresses and addresses
 * used by another vmk.  Prefixes: IPv4 1-32, IPv6 1-128.
 */
/* addr NULL clears the IPv4 address (-EBUSY if the IPv4 gateway needs it). */
int vrdma_vmk_set_ipv4(struct vrdma_vmk *vmk, const char *addr,
                       unsigned int prefix);
/* -ENOENT when none; prefix may be NULL. */
int vrdma_vmk_get_ipv4(struct vrdma_vmk *vmk, const char **addr,
                       unsigned int *prefix);
int vrdma_vmk_add_ipv6(struct vrdma_vmk *vmk, const char *addr,
                       unsigned int prefix);
int vrdma_vmk_remove_ipv6(struct vrdma_vmk *vmk, const char *addr);
int vrdma_vmk_get_n_ipv6(struct vrdma_vmk *vmk);
/* prefix may be NULL. */
int vrdma_vmk_get_ipv6(struct vrdma_vmk *vmk, unsigned int i,
                       const char **addr, unsigned int *prefix);
/*
 * Default gateway per family (family taken from the text).  It must lie in
 * one of the vmk's subnets of that family (an IPv6 gateway may also be
 * link-local).  Clear with vrdma_vmk_clear_gateway(vmk, AF_INET/AF_INET6).
 */
int vrdma_vmk_set_gateway(struct vrdma_vmk *vmk, const char *addr);
int vrdma_vmk_clear_gateway(struct vrdma_vmk *vmk, int family);
/* -ENOENT when none. */
int vrdma_vmk_get_gateway(struct vrdma_vmk *vmk, int family,
                          const char **ret);

/* Service tags: a set of enum vrdma_vmk_tag bits. */
int vrdma_vmk_add_tags(struct vrdma_vmk *vmk, unsigned int tags);
int vrdma_vmk_remove_tags(struct vrdma_vmk *vmk, unsigned int tags);
/* The tag bits (0 for NULL). */
unsigned int vrdma_vmk_get_tags(struct vrdma_vmk *vmk);
/* "nvme-rdma" for VRDMA_VMK_TAG_NVME_RDMA (one bit), NULL otherwise. */
const char *vrdma_vmk_tag_to_string(unsigned int tag);
/* Tag bit from "nvme-rdma" or an ESXi spelling ("NVMeRDMA"), case
 * insensitive; -EINVAL if unknown. */
int vrdma_vmk_tag_from_string(const char *text);

/* ---- soft RDMA adapters ---------------------------------------------------- */

/*
 * A soft RDMA adapter: "an adapter of type rxe (Soft-RoCE) or siw
 * (soft-iWARP) on uplink vmnicN", what `rdma link add NAME type rxe netdev
 * X` makes, gone at every reboot unless configured here.  At most one per
 * uplink name (vmnic alias or netdev name, stored as given; apply also
 * refuses two names of one netdev).  apply creates it as "vrdmasN" (see
 * vrdma_apply(3)); the model does not require the uplink to serve a switch.
 * Handles are borrowed from the configuration, like a vmk's.
 */
enum vrdma_soft_adapter_type {
	VRDMA_SOFT_ADAPTER_RXE = 0,     /* "rxe": Soft-RoCE (rdma_rxe) */
	VRDMA_SOFT_ADAPTER_SIW = 1,     /* "siw": soft-iWARP (siw) */
};

int vrdma_config_get_n_soft_adapters(struct vrdma_config *cfg);
/* In the order added (or listed in the file). */
int vrdma_config_get_soft_adapter(struct vrdma_config *cfg, unsigned int i,
                                  struct vrdma_soft_adapter **ret);
/* By uplink name, exactly as given when added; -ENOENT when none. */
int vrdma_config_find_soft_adapter(struct vrdma_config *cfg, const char *uplink,
                                   struct vrdma_soft_adapter **ret);
/* -EEXIST when the uplink already has one, -ENOSPC past
 * VRDMA_MAX_SOFT_ADAPTERS; ret may be NULL. */
int vrdma_config_add_soft_adapter(struct vrdma_config *cfg, const char *uplink,
                                  enum vrdma_soft_adapter_type type,
                                  struct vrdma_soft_adapter **ret);

struct vrdma_config *vrdma_soft_adapter_get_config(struct vrdma_soft_adapter *sa);
/* Remove from the configuration and invalidate sa. */
int vrdma_soft_adapter_remove(struct vrdma_soft_adapter *sa);
/* The uplink name as given. */
const char *vrdma_soft_adapter_get_uplink(struct vrdma_soft_adapter *sa);
int vrdma_soft_adapter_get_type(struct vrdma_soft_adapter *sa); /* enum vrdma_soft_adapter_type */
/* "rxe", "siw"; NULL out of range. */
const char *vrdma_soft_adapter_type_to_string(int type);
/* The type of "rxe" / "siw" (exact), -EINVAL otherwise. */
int vrdma_soft_adapter_type_from_string(const char *text);

/* ---- RoCE settings per adapter port ---------------------------------------- */

/*
 * rdma_cm's defaults for one port of an RDMA adapter: the RoCE mode (the
 * GID type rdma_cm picks for connections that do not choose one: NVMe over
 * RDMA, iSER, ...) and the ToS (DSCP << 2 | ECN) of its connections, both
 * optional.  The adapter is named as given (device name "rxe0" or vmrdmaN
 * alias) and resolved by apply, which writes them through rdma_cm's
 * configfs (see vrdma_apply(3)).  At most one setting per adapter name and
 * port.  Handles are borrowed from the configuration, like a vmk's.
 */
struct vrdma_roce_setting;

#define VRDMA_MAX_ROCE_SETTINGS     256   /* settings per configuration */
#define VRDMA_ROCE_PORT_MAX         255   /* port numbers 1..255 */
#define VRDMA_ROCE_TOS_MAX          255   /* ToS 0..255 */
#define VRDMA_ADAPTER_NAME_MAX       63   /* IB_DEVICE_NAME_MAX - 1 */

enum vrdma_roce_mode {
	VRDMA_ROCE_V1 = 0,              /* "v1": rdma_cm's "IB/RoCE v1" */
	VRDMA_ROCE_V2 = 1,              /* "v2": rdma_cm's "RoCE v2" */
};

/* "v1", "v2"; NULL out of range. */
const char *vrdma_roce_mode_to_string(int mode);
/* The mode of "v1"/"v2" or rdma_cm's "IB/RoCE v1"/"RoCE v2" (case
 * insensitive); -EINVAL otherwise. */
int vrdma_roce_mode_from_string(const char *text);

int vrdma_config_get_n_roce_settings(struct vrdma_config *cfg);
/* In the order added (or listed in the file). */
int vrdma_config_get_roce_setting(struct vrdma_config *cfg, unsigned int i,
                                  struct vrdma_roce_setting **ret);
/* By adapter name exactly as given and port number; -ENOENT when none. */
int vrdma_config_find_roce_setting(struct vrdma_config *cfg, const char *adapter,
                                   unsigned int port,
                                   struct vrdma_roce_setting **ret);
/* A setting with neither mode nor ToS.  adapter: 1-VRDMA_ADAPTER_NAME_MAX
 * characters of [A-Za-z0-9_.:-]; port 1-VRDMA_ROCE_PORT_MAX (-ERANGE);
 * -EEXIST when that adapter name and port have one, -ENOSPC past
 * VRDMA_MAX_ROCE_SETTINGS; ret may be NULL. */
int vrdma_config_add_roce_setting(struct vrdma_config *cfg, const char *adapter,
                                  unsigned int port,
                                  struct vrdma_roce_setting **ret);

struct vrdma_config *vrdma_roce_setting_get_config(struct vrdma_roce_setting *rs);
/* Remove from the configuration and invalidate rs. */
int vrdma_roce_setting_remove(struct vrdma_roce_setting *rs);
/* The adapter name as given. */
const char *vrdma_roce_setting_get_adapter(struct vrdma_roce_setting *rs);
/* The port number, 1..VRDMA_ROCE_PORT_MAX. */
int vrdma_roce_setting_get_port(struct vrdma_roce_setting *rs);
/* enum vrdma_roce_mode; -EINVAL for another value. */
int vrdma_roce_setting_set_mode(struct vrdma_roce_setting *rs, int mode);
int vrdma_roce_setting_clear_mode(struct vrdma_roce_setting *rs);
/* -ENOENT when no mode is set. */
int vrdma_roce_setting_get_mode(struct vrdma_roce_setting *rs, int *ret);
/* 0..VRDMA_ROCE_TOS_MAX, else -ERANGE. */
int vrdma_roce_setting_set_tos(struct vrdma_roce_setting *rs, int tos);
int vrdma_roce_setting_clear_tos(struct vrdma_roce_setting *rs);
/* -ENOENT when no ToS is set. */
int vrdma_roce_setting_get_tos(struct vrdma_roce_setting *rs, unsigned int *ret);

#ifdef __cplusplus
}
#endif

#endif /* VRDMA_MODEL_H */
