/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libvrdma private declarations.  Nothing here is part of the ABI.
 *
 * Layering (calls only go downward):
 *   core (ctx.c, util.c)
 *     -> host discovery (host*.c, rdma netlink, sysfs, snapshots)
 *       -> model (switches, port groups, vmks, configuration file)
 *         -> apply / binding
 *           -> datapath (perf)
 */
#ifndef VRDMA_INTERNAL_H
#define VRDMA_INTERNAL_H

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <syslog.h>
#include <sys/types.h>

#include <arpa/inet.h>
#include <infiniband/verbs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <vrdma/apply.h>
#include <vrdma/binding.h>

#include "config.h"
#include <vrdma/vrdma.h>

#define VRDMA_EXPORT __attribute__((visibility("default")))

#define _cleanup_(f) __attribute__((cleanup(f)))
#define _unused_ __attribute__((unused))
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ---- core: context, logging, errors (ctx.c) ---------------------------- */

void vrdma_log(struct vrdma_ctx *ctx, int priority, const char *file, int line,
               const char *fn, const char *format, ...) VRDMA_PRINTF(6, 7);

#define vrdma_log_cond(ctx, prio, ...)                                          \
	do {                                                                    \
		if (vrdma_ctx_get_log_priority(ctx) >= (prio))                  \
			vrdma_log(ctx, prio, __FILE__, __LINE__, __func__,      \
			          __VA_ARGS__);                                 \
	} while (0)

#define dbg(ctx, ...) vrdma_log_cond(ctx, LOG_DEBUG, __VA_ARGS__)
#define info(ctx, ...) vrdma_log_cond(ctx, LOG_INFO, __VA_ARGS__)
#define err(ctx, ...) vrdma_log_cond(ctx, LOG_ERR, __VA_ARGS__)

/*
 * Record an error message on the context (retrievable with
 * vrdma_ctx_get_error()), log it at debug level and return `error`
 * (a negative errno).  Use as: return vrdma_error(ctx, -EINVAL, "...", ...);
 */
int vrdma_error(struct vrdma_ctx *ctx, int error, const char *format, ...)
	VRDMA_PRINTF(3, 4);
/* Forget the last error message (called at the start of a public operation). */
void vrdma_error_clear(struct vrdma_ctx *ctx);

/* ---- util.c ---------------------------------------------------------- */

/* Parse a syslog priority name ("err", "info", "debug", ...) or a number. */
int vrdma_parse_log_priority(const char *s);
/* strdup() that treats NULL as NULL and returns -ENOMEM-worthy NULL on OOM. */
char *vrdma_strdup_null(const char *s);
/* asprintf() that returns the string, or NULL on OOM. */
char *vrdma_asprintf(const char *format, ...) VRDMA_PRINTF(1, 2);
/* Replace *dst by a copy of src; 0 or -ENOMEM. */
int vrdma_strdup_replace(char **dst, const char *src);
/* Directory part of path ("." when none), malloc'ed; NULL on OOM. */
char *vrdma_dirname(const char *path);
/* mkdir -p: create path and its missing parents with `mode`; 0 or -errno. */
int vrdma_mkdir_p(const char *path, mode_t mode);

/* vrdma_write_file_atomic() flags */
#define VRDMA_WRITE_EXACT_MODE (1u << 0) /* fchmod to `mode`: the umask does not apply */
#define VRDMA_WRITE_SYNC_DIR (1u << 1)   /* a failed fsync of the directory is an error */
/*
 * Write `data` to `path` atomically: a temporary "<dir>/.<name>.XXXXXX"
 * created with `mode` (less the umask unless VRDMA_WRITE_EXACT_MODE),
 * fsync, rename over `path`, then fsync of the directory (best effort
 * unless VRDMA_WRITE_SYNC_DIR).  No temporary is left behind on failure.
 * Returns 0 or a negative errno and records a message naming `path` (after
 * `label`, as "config file", when not NULL) and the failed step.
 */
int vrdma_write_file_atomic(struct vrdma_ctx *ctx, const char *label, const char *path,
                            const char *data, size_t len, mode_t mode, unsigned int flags);

/* ==== host discovery (host*.c, alias.c, snapshot.c) =============== */

/*
 * Private layout of the host snapshot objects, shared by host.c (objects,
 * getters, linking), host-net.c, host-sysfs.c, host-verbs.c,
 * host-rdmanl.c, alias.c and snapshot.c.  Not part of the ABI.
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
};

/* host.c */
int vrdma_host_new_empty(struct vrdma_ctx *ctx, struct vrdma_host **ret);
struct vrdma_adapter *vrdma_host_add_adapter(struct vrdma_host *host, const char *name);
struct vrdma_adapter *vrdma_host_lookup_adapter(struct vrdma_host *host, const char *name);
struct vrdma_netdev *vrdma_host_add_netdev(struct vrdma_host *host, int ifindex, const char *name);
struct vrdma_netdev *vrdma_host_lookup_netdev(struct vrdma_host *host, const char *name);
struct vrdma_netdev *vrdma_host_lookup_ifindex(struct vrdma_host *host, int ifindex);
int vrdma_adapter_set_n_ports(struct vrdma_adapter *a, int n);
void vrdma_guid_to_string(uint64_t guid, char buf[VRDMA_GUIDSTRLEN]);
int vrdma_guid_from_string(const char *s, uint64_t *ret);
int vrdma_mtu_enum_to_bytes(int mtu);
int vrdma_ib_speed_mbps(int active_speed, int active_width, int *lanes);
/* Fill gid->str/ip/family from gid->raw. */
void vrdma_gid_derive(struct vrdma_gid *gid);
/* Sort, resolve names into pointers, derive uplinks; -EINVAL with an error
 * message (prefixed by `where`) on inconsistencies. */
int vrdma_host_link(struct vrdma_host *host, const char *where);
void vrdma_host_free(struct vrdma_host *host);
/* Parse "vmrdma12" with prefix "vmrdma": 12, or -1. */
int vrdma_alias_number(const char *alias, const char *prefix);

/* host-net.c: every netdev and address of the namespace (libnl-route). */
int vrdma_host_net_discover(struct vrdma_host *host);
/* host-sysfs.c */
int vrdma_host_sysfs_netdevs(struct vrdma_host *host);
int vrdma_host_sysfs_adapters(struct vrdma_host *host);
const char *vrdma_pci_describe(int vendor, int device, char *buf, size_t len);
/* host-rdmanl.c: adapters and ports from RDMA netlink; 0 when the kernel
 * has no RDMA netlink. */
int vrdma_host_rdmanl_discover(struct vrdma_host *host);
/* host-verbs.c: attributes and GID tables from libibverbs. */
int vrdma_host_verbs_discover(struct vrdma_host *host, unsigned flags);
/* alias.c */
int vrdma_alias_assign(struct vrdma_host *host, unsigned flags);
/* snapshot.c */
int vrdma_snapshot_write(struct vrdma_host *host, char **ret);

/* ==== model (model.c, vmk.c, config-*.c) ========================== */

/*
 * Private structures of the model (model.c, vmk.c, config-json.c,
 * config-file.c).  Nothing here is part of the ABI; other layers use the
 * public API in <vrdma/model.h>.
 */



struct vrdma_failover {
	char **active;
	unsigned int n_active;
	char **standby;
	unsigned int n_standby;
};

struct vrdma_switch_uplink {
	char *name;     /* vSS: device; vDS: slot name */
	char *device;   /* vDS: mapped device or NULL; vSS: NULL (= name) */
};

struct vrdma_config {
	int refcount;
	struct vrdma_ctx *ctx;
	char *path;
	uint64_t generation;
	struct vrdma_switch **switches;
	unsigned int n_switches;
	struct vrdma_vmk **vmks;
	unsigned int n_vmks;
};

struct vrdma_switch {
	int refcount;
	struct vrdma_ctx *ctx;
	struct vrdma_config *cfg;       /* weak; NULL when detached */
	char *name;
	enum vrdma_switch_type type;
	char ifname[VRDMA_IFNAME_MAX + 1];
	bool ifname_explicit;
	int mtu;
	struct vrdma_switch_uplink *uplinks;
	unsigned int n_uplinks;
	struct vrdma_failover failover;
	struct vrdma_portgroup **pgs;
	unsigned int n_pgs;
};

struct vrdma_vlan_range {
	uint16_t first, last;
};

struct vrdma_portgroup {
	int refcount;
	struct vrdma_ctx *ctx;
	struct vrdma_switch *sw;        /* weak; NULL when the switch is gone */
	char *name;
	int vlan_id;                    /* 0-4094, 4095 = trunk */
	struct vrdma_vlan_range ranges[VRDMA_MAX_VLAN_RANGES]; /* vDS trunk */
	unsigned int n_ranges;
	bool has_override;
	struct vrdma_failover failover;
	char ifname[VRDMA_IFNAME_MAX + 1 + 8];
};

struct vrdma_ip6 {
	struct in6_addr addr;
	unsigned int prefix;
	char text[INET6_ADDRSTRLEN];
};

struct vrdma_vmk {
	int refcount;
	struct vrdma_ctx *ctx;
	struct vrdma_config *cfg;       /* weak; NULL when detached */
	struct vrdma_portgroup *pg;     /* weak; NULL when detached */
	char name[VRDMA_IFNAME_MAX + 1];
	uint8_t mac[6];
	char mac_text[18];
	int mtu;
	bool has_ip4;
	struct in_addr ip4;
	unsigned int ip4_prefix;
	char ip4_text[INET_ADDRSTRLEN];
	struct vrdma_ip6 ip6[VRDMA_MAX_IPV6_ADDRS];
	unsigned int n_ip6;
	bool has_gw4, has_gw6;
	struct in_addr gw4;
	struct in6_addr gw6;
	char gw4_text[INET_ADDRSTRLEN];
	char gw6_text[INET6_ADDRSTRLEN];
	unsigned int tags;
};

/* model.c */
int vrdma_model_check_name(struct vrdma_ctx *ctx, const char *what,
                           const char *name);
int vrdma_model_check_ifname(struct vrdma_ctx *ctx, const char *what,
                             const char *owner, const char *ifname,
                             size_t max);
bool vrdma_model_is_vmk_name(const char *name, unsigned int *num);
int vrdma_config_portgroup_total(struct vrdma_config *cfg);
bool vrdma_switch_has_uplink(struct vrdma_switch *sw, const char *name);
/* Effective failover of a port group. */
const struct vrdma_failover *vrdma_portgroup_effective(struct vrdma_portgroup *pg);
/* Which switch (other than `except`) uses device `dev`, NULL if none. */
struct vrdma_switch *vrdma_config_device_user(struct vrdma_config *cfg,
                                              const char *dev,
                                              struct vrdma_switch *except);

/* vmk.c */
void vrdma_vmk_detach(struct vrdma_vmk *vmk);
int vrdma_vmk_new_internal(struct vrdma_config *cfg, const char *name,
                           struct vrdma_portgroup *pg, struct vrdma_vmk **ret);
int vrdma_parse_mac(const char *s, uint8_t mac[6]);

/* config-json.c */
int vrdma_config_to_json_text(struct vrdma_config *cfg, uint64_t generation,
                              char **ret);
/* Parse; `source` names the file (or "<buffer>") in messages. */
int vrdma_config_from_text(struct vrdma_ctx *ctx, const char *source,
                           const char *text, size_t len,
                           struct vrdma_config **ret);
/* Read just the "generation" of a document: 0 or -EBADMSG. */
int vrdma_config_text_generation(const char *text, size_t len, uint64_t *ret);

/* ==== apply (apply*.c) ============================================ */

/*
 * Private structures of apply (apply.c, apply-plan.c, apply-kernel.c,
 * apply-nl.c, apply-route.c).  Nothing here is part of the ABI.
 */



#define APPLY_ALIAS_MAX 128
#define APPLY_OWNED_FILE "apply-owned-addresses"
#define APPLY_LOCK_FILE "apply.lock"
#define APPLY_LOCK_TIMEOUT_MS 30000
/* vmk0 .. vmk255 (model): tables and rule priorities BASE .. BASE + 255 */
#define APPLY_TABLE_SPAN ((unsigned int)VRDMA_MAX_VMKS)

/* An IPv4/IPv6 address with its prefix. */
struct apply_addr {
	int family;
	uint8_t raw[16];
	unsigned int prefix;
	char text[INET6_ADDRSTRLEN];
};

/* Everything needed to create (or re-create) a netdev. */
struct apply_linkspec {
	char name[IFNAMSIZ];
	char kind[16];               /* "macvlan" or "vlan" */
	char lower[IFNAMSIZ];        /* the device it is stacked on */
	int vid;                     /* vlan */
	int macvlan_mode;            /* macvlan; 0 means bridge */
	int ifindex;                 /* re-create under this index; 0: any */
	uint8_t mac[6];
	bool has_mac;
	int mtu;
	bool up;
	char alias[APPLY_ALIAS_MAX];
};

/* Step operations (what apply-nl.c executes). */
enum apply_op {
	APPLY_OP_LINK_CREATE,
	APPLY_OP_LINK_DELETE,
	APPLY_OP_LINK_MTU,
	APPLY_OP_LINK_UP,
	APPLY_OP_LINK_MAC,
	APPLY_OP_ADDR_ADD,
	APPLY_OP_ADDR_DEL,
	APPLY_OP_ROUTE_ADD,
	APPLY_OP_ROUTE_DEL,
	APPLY_OP_RULE_ADD,
	APPLY_OP_RULE_DEL,
};

/* A route in one of the per-vmk tables (apply-route.c). */
struct apply_route {
	int family;
	uint32_t table;
	struct apply_addr dst;       /* prefix 0: default */
	struct apply_addr gw;        /* family 0: none */
	char dev[IFNAMSIZ];          /* the output netdev */
	int protocol;                /* kernel view: rtm_protocol */
};

/* A "from <address> lookup <table>" rule (apply-route.c). */
struct apply_rule {
	int family;
	uint32_t prio;
	uint32_t table;
	struct apply_addr src;       /* full-length prefix */
	char dev[IFNAMSIZ];          /* wanted rules: the vmk's netdev (messages) */
};

struct vrdma_apply_step {
	int number;                  /* 1-based */
	enum vrdma_apply_action action;
	enum vrdma_apply_object object;
	enum apply_op op;
	char ifname[IFNAMSIZ];
	const char *attribute;       /* static string */
	char *old_value;
	char *new_value;
	char *description;
	/* link create / delete: the full description */
	struct apply_linkspec spec;
	/* modify: old and new */
	int old_mtu, new_mtu;
	bool old_up, new_up;
	uint8_t old_mac[6], new_mac[6];
	/* address add / delete */
	struct apply_addr addr;
	bool owned_uplink_addr;      /* an uplink address tracked in the state file */
	/* route / rule add / delete */
	struct apply_route route;
	struct apply_rule rule;
};

struct vrdma_apply_plan {
	int refcount;
	struct vrdma_ctx *ctx;
	struct vrdma_apply_step *steps;
	unsigned int n_steps, cap_steps;
	char **notes;
	unsigned int n_notes;
	/* owned uplink addresses ("ifname addr/prefix") before the plan */
	char **owned;
	unsigned int n_owned;
	/* ... and after a successful execution */
	char **owned_after;
	unsigned int n_owned_after;
	bool owned_changed;
	char *owned_path;
	int n_writes;
	int result;                  /* 0 not run, 1 ok, -errno failed */
	int lock_fd;                 /* exclusive apply.lock held, or -1 */
};

/* ---- kernel view (apply-kernel.c) ------------------------------------------ */

struct apply_klink {
	int ifindex;
	char name[IFNAMSIZ];
	char kind[16];
	int link_ifindex;            /* IFLA_LINK, 0 none */
	char lower[IFNAMSIZ];        /* its name, "" if none */
	int master;                  /* ifindex, 0 none */
	int vid;                     /* vlan, else -1 */
	int macvlan_mode;            /* macvlan, else -1 */
	uint8_t mac[6];
	bool has_mac;
	int mtu;
	unsigned int flags;
	char alias[APPLY_ALIAS_MAX];
	struct apply_addr *addrs;    /* global-scope and non-link-local only */
	unsigned int n_addrs;
};

struct apply_kernel {
	struct apply_klink *links;
	unsigned int n_links;
	/* every route in the per-vmk table range (ours and foreign) */
	struct apply_route *routes;
	unsigned int n_routes;
	/* rules marked with VRDMA_APPLY_RT_PROTOCOL and a per-vmk table */
	struct apply_rule *rules;
	unsigned int n_rules;
};

int apply_kernel_read(struct vrdma_ctx *ctx, struct apply_kernel *k);
void apply_kernel_free(struct apply_kernel *k);
struct apply_klink *apply_kernel_find(struct apply_kernel *k, const char *name);
bool apply_klink_is_managed(const struct apply_klink *l);

/* ---- netlink writes (apply-nl.c) --------------------------------------------- */

struct apply_nl;
struct nl_sock;
int apply_nl_open(struct vrdma_ctx *ctx, struct apply_nl **ret);
void apply_nl_close(struct apply_nl *nl);
/* Messages sent so far. */
int apply_nl_get_writes(struct apply_nl *nl);
/* Do a step (undo = false) or its inverse (undo = true).  On failure a
 * negative errno; *reason receives the kernel's/libnl's text (static). */
int apply_nl_step(struct apply_nl *nl, const struct vrdma_apply_step *step,
                  bool undo, const char **reason);
struct nl_sock *apply_nl_sock(struct apply_nl *nl);
/* A libnl error as -errno, with its text in *reason. */
int apply_nl_fail(int nle, const char **reason);

/* ---- realisation rules (apply-plan.c) ---------------------------------------- */

struct apply_vmk_real {
	int strategy;                /* enum vrdma_apply_strategy */
	char uplink[IFNAMSIZ];       /* the uplink netdev */
	char lower[IFNAMSIZ];        /* what vmkN is stacked on */
	char vlandev[IFNAMSIZ];      /* VLAN_MACVLAN: the shared 802.1Q device */
	char netdev[IFNAMSIZ];       /* carries the addresses */
	int vid;                     /* 0 untagged */
	const char *adapter;         /* paired adapter name or NULL (host string) */
	bool soft;
};

/* Resolve a vmk's realisation; notes (may be NULL) receive remarks. */
int apply_resolve_vmk(struct vrdma_ctx *ctx, struct vrdma_host *host,
                      struct vrdma_vmk *vmk, struct apply_vmk_real *r,
                      struct vrdma_apply_plan *notes);
/* Fill an empty plan: desired state, kernel view, steps. */
int apply_plan_build(struct vrdma_ctx *ctx, struct vrdma_config *cfg,
                     struct vrdma_host *host, struct vrdma_apply_plan *plan);
int apply_plan_add_note(struct vrdma_apply_plan *plan, const char *fmt, ...)
	VRDMA_PRINTF(2, 3);
int apply_addr_parse(const char *text, unsigned int prefix, struct apply_addr *a);
void apply_mac_to_string(const uint8_t mac[6], char buf[18]);
struct vrdma_apply_step *apply_step_new(struct vrdma_apply_plan *plan,
                                        enum vrdma_apply_action action,
                                        enum vrdma_apply_object object,
                                        enum apply_op op, const char *ifname,
                                        const char *attribute);
/* Set old/new values and the description (takes ownership of old/new). */
int apply_step_text(struct vrdma_apply_step *st, char *old, char *new);

/* ---- per-vmk policy routing (apply-route.c) ----------------------------------- */

/* What one vmk wants routed (collected while planning). */
struct apply_vmk_routing {
	const char *vmk;             /* name, for messages */
	unsigned int number;         /* N of vmkN */
	char netdev[IFNAMSIZ];       /* carries its addresses */
	bool uplink;                 /* the netdev is the uplink (not ours to bring up) */
	struct apply_addr addrs[1 + VRDMA_MAX_IPV6_ADDRS];
	unsigned int n_addrs;
	struct apply_addr gw[2];     /* [0] IPv4, [1] IPv6; family 0: none */
};

/* Add the routes and rules of the per-vmk tables to the kernel view. */
int apply_kernel_read_routing(struct vrdma_ctx *ctx, struct nl_sock *sk,
                              struct apply_kernel *k);
/*
 * Plan the routing steps.  deletions: the rule and route deletions (they go
 * before every other deletion); else the route and rule creations (after
 * the addresses).  Steps [b_first, b_end) of the plan are the link and
 * address deletions: a netdev that loses an IPv4 address or is deleted has
 * its kept routes re-created, because the kernel flushes IPv4 routes when a
 * device loses its last IPv4 address, and all routes with the device.
 */
int apply_route_plan(struct vrdma_ctx *ctx, struct vrdma_apply_plan *plan,
                     struct apply_kernel *k, const struct apply_vmk_routing *v,
                     unsigned int n_v, unsigned int b_first, unsigned int b_end,
                     bool deletions);
/* Execute (or undo) a route or rule step. */
int apply_route_nl_step(struct apply_nl *nl, const struct vrdma_apply_step *st,
                        bool undo, const char **reason);

/* ---- owned uplink addresses (apply.c) ---------------------------------------- */

int apply_owned_load(struct vrdma_apply_plan *plan);
bool apply_owned_contains(struct vrdma_apply_plan *plan, const char *ifname,
                          const struct apply_addr *a);

/* ==== binding (binding*.c, initiator.c) =========================== */

/*
 * Private layout of bindings, findings and initiator sources (binding.c,
 * binding-rules.c, initiator.c).  Not part of the ABI.  This layer sees the
 * host and the model only through their public API.
 */



/* Rule identifiers, in code order (the table is in binding-rules.c). */
enum vrdma_rule_id {
	R_PG_NO_ACTIVE,        /* B001 */
	R_PG_MULTI_ACTIVE,     /* B002 */
	R_PG_STANDBY,          /* B003 */
	R_UPLINK_NOT_PAIRED,   /* B004 */
	R_UPLINK_NO_ADAPTER,   /* B005 */
	R_UPLINK_MISSING,      /* B006 */
	R_VMK_NOT_REALISED,    /* B007 */
	R_VMK_NO_ADDRESS,      /* B010 */
	R_DUP_ADDRESS,         /* B011 */
	R_SUBNET_SPLIT,        /* B012 */
	R_ADDR_MISSING,        /* B013 */
	R_MTU_VMK_SWITCH,      /* B020 */
	R_MTU_SWITCH_UPLINK,   /* B021 */
	R_ROCE_MTU_LOW,        /* B022 */
	R_UPLINK_DOWN,         /* B030 */
	R_PORT_DOWN,           /* B031 */
	R_VMK_DOWN,            /* B032 */
	R_NOT_ROCEV2,          /* B040 */
	R_GID_MISSING,         /* B041 */
	R_GID_WRONG_NETDEV,    /* B042 */
	R_GID_AMBIGUOUS,       /* B043 */
	R_GID_TABLE_FULL,      /* B044 */
	R_GID_NO_REMOTE,       /* B045 */
	R_IPV6_TENTATIVE,      /* B050 */
	R_IPV6_DADFAILED,      /* B051 */
	R_OTHER_NAMESPACE,     /* B052 */
	R_SERVICE_TAG,         /* B060 */
	R_ADAPTER_NO_VMK,      /* B070 */
	R__COUNT
};

#define VRDMA_DIAG_MAX_OBJECTS 8
#define VRDMA_BADDR_MAX (1 + VRDMA_MAX_IPV6_ADDRS)
#define VRDMA_NETSTACK "defaultTcpipStack"
/* Headers the kernel budgets inside a netdev MTU for RoCE (iboe_get_mtu). */
#define VRDMA_ROCE_HEADERS (40 + 8 + 12 + 4 + 28 + 4)

struct vrdma_diag {
	int rule;
	char *message;
	char *hint;
	int n_objects;
	char *kinds[VRDMA_DIAG_MAX_OBJECTS];
	char *names[VRDMA_DIAG_MAX_OBJECTS];
	struct vrdma_binding *binding;
	int seq; /* creation order, for a stable sort */
};

struct vrdma_diag_list {
	struct vrdma_diag **items;
	int n;
	bool oom;
};

/* One configured address of a vmk. */
struct vrdma_baddr {
	char str[INET6_ADDRSTRLEN];
	int family;
	uint8_t raw[16];
	int prefixlen;
	struct vrdma_addr *live; /* the address on the vmk's netdev, NULL if absent */
	int gid_index;           /* RoCE v2 GID on the binding's port, -1 none */
};

struct vrdma_binding {
	struct vrdma_bindings *set;
	struct vrdma_vmk *vmk;
	struct vrdma_portgroup *pg;
	struct vrdma_switch *sw;
	int n_active, n_standby;
	char *uplink_name;             /* the single active uplink's device */
	struct vrdma_uplink *uplink;
	struct vrdma_netdev *uplink_netdev;
	struct vrdma_adapter *adapter;
	struct vrdma_port *port;
	struct vrdma_netdev *netdev;   /* carries the vmk's addresses */
	int mtu;
	struct vrdma_baddr addrs[VRDMA_BADDR_MAX];
	int n_addrs;
	int state;
	struct vrdma_diag **diags;     /* borrowed from set->diags */
	int n_diags;
};

struct vrdma_bindings {
	int refcount;
	struct vrdma_ctx *ctx;
	struct vrdma_host *host;
	struct vrdma_config *cfg;
	struct vrdma_binding *items;
	int n;
	struct vrdma_diag_list diags;
};

struct vrdma_source {
	int refcount;
	struct vrdma_bindings *set;
	struct vrdma_binding *binding;
	char *target;
	int service;
	int addr_index;
	char *gateway;
	struct vrdma_diag_list diags;
};

/* binding-rules.c */
struct vrdma_diag *vrdma_diag_new(struct vrdma_diag_list *list, struct vrdma_binding *bd,
                                  int rule);
void vrdma_diag_object(struct vrdma_diag_list *list, struct vrdma_diag *d, const char *kind,
                       const char *name);
void vrdma_diag_message(struct vrdma_diag_list *list, struct vrdma_diag *d, const char *fmt,
                        ...) VRDMA_PRINTF(3, 4);
void vrdma_diag_hint(struct vrdma_diag_list *list, struct vrdma_diag *d, const char *fmt,
                     ...) VRDMA_PRINTF(3, 4);
void vrdma_diag_list_clear(struct vrdma_diag_list *list);
/* Sort by vmk (configuration order, host-level findings last) then code. */
void vrdma_diag_list_sort(struct vrdma_diag_list *list);
int vrdma_rule_severity(int rule);
const char *vrdma_rule_code(int rule);
/* Run every rule over the computed bindings. */
void vrdma_bindings_run_rules(struct vrdma_bindings *b);

/* binding.c */
bool vrdma_binding_has_rule(struct vrdma_binding *bd, int rule);
/* Lowest physical netdevs under `d` (via link and lower devices). */
int vrdma_netdev_physical_lowers(struct vrdma_netdev *d, struct vrdma_netdev **out, int max);
/* 16-byte GID form of an address (IPv4-mapped for IPv4). */
void vrdma_addr_to_gid_raw(int family, const uint8_t *raw, uint8_t gid[16]);
/* Does addr/prefix (raw, family) contain target? */
bool vrdma_prefix_contains(int family, const uint8_t *net, int prefixlen, const uint8_t *target);
int vrdma_binding_ref_index(struct vrdma_binding *bd);

/* ==== datapath (perf*.c) ========================================== */

/*
 * Private declarations of the data-path module (perf*.c).  Nothing here is
 * part of the ABI.
 *
 *   perf.c        session and result objects, options, getters
 *   perf-res.c    verbs resources: device, port, GID, PD, CQs, QPs, MRs
 *   perf-run.c    the test loops, the clock, data verification
 *   perf-stats.c  pure helpers (statistics, data pattern, verification);
 *                 no verbs and no context, so unit tests compile it directly
 */



/* ---- perf-stats.c: pure helpers --------------------------------------- */

struct perf_lat_stats {
	double min, max, median, mean, stdev, p99, p999;
};

/* Sorts `v` in place; n >= 1.  Population standard deviation; percentiles
 * by nearest rank; median is the mean of the two middle values for even n. */
int perf_lat_stats(double *v, size_t n, struct perf_lat_stats *out);
/* Nearest-rank percentile of sorted v[0..n-1]: v[ceil(p/100*n)-1]. */
double perf_percentile_sorted(const double *v, size_t n, double p);
double perf_median_sorted(const double *v, size_t n);

/* One bandwidth sample: `msgs` messages completed at time `ns` (relative). */
struct perf_bw_sample {
	double ns;
	uint64_t msgs;
};
/*
 * Peak rate in messages per second: the highest rate over any stretch of
 * consecutive samples covering at least `window` messages (samples sorted by
 * time, s[0] is the start: 0 messages at 0 ns).  Falls back to the whole run
 * when no stretch qualifies.  0 when n < 2.
 */
double perf_peak_rate(const struct perf_bw_sample *s, size_t n, uint64_t window);

/* Data pattern: byte `off` of the pattern identified by `seed`. */
static inline uint8_t perf_pattern_byte(uint32_t seed, size_t off)
{
	uint32_t x = (uint32_t)off * 2654435761u + seed * 40503u + (uint32_t)(off >> 16);
	return (uint8_t)(x >> 24 ^ x >> 11);
}
void perf_pattern_fill(uint8_t *buf, size_t len, uint32_t seed);
/* Fill with the byte-wise complement of the pattern (never equal to it). */
void perf_pattern_fill_inverse(uint8_t *buf, size_t len, uint32_t seed);
/*
 * Does `dst` hold the same bytes as `src` (len bytes)?  Buffers up to
 * PERF_VERIFY_FULL bytes are compared completely; larger ones on a sample:
 * the first and last 4 KiB and PERF_VERIFY_SAMPLES positions spread over the
 * buffer with a pseudo-random offset derived from `seed`.  Returns 0 when
 * they match, -1 with *bad_off set to the first difference found.
 */
#define PERF_VERIFY_FULL (64u * 1024)
#define PERF_VERIFY_SAMPLES 4096u
int perf_verify(const uint8_t *dst, const uint8_t *src, size_t len, uint32_t seed,
                size_t *bad_off);

/* ---- perf-res.c / perf-run.c / perf.c --------------------------------- */

struct vrdma_perf;
struct vrdma_perf_result;
struct perf_res;

/* Effective parameters of one run, after defaults. */
struct perf_params {
	int test;            /* enum vrdma_perf_test */
	bool latency;
	size_t size;
	uint64_t iterations; /* 0 in duration mode */
	double duration;     /* seconds, 0 in iteration mode */
	uint64_t warmup;
	unsigned int tx_depth;
	unsigned int num_qps;
	unsigned int inline_size;
	unsigned int cq_mod;
	bool events;
	int fault;           /* PERF_FAULT_* (test hook, $VRDMA_PERF_FAULT) */
};

enum {
	PERF_FAULT_NONE = 0,
	PERF_FAULT_NO_DATA,  /* post zero-length work requests: fast but wrong */
	PERF_FAULT_CORRUPT,  /* flip one byte of the landed data before the check */
	PERF_FAULT_BAD_RKEY, /* use a wrong remote key: a completion error */
};

/* perf.c */
struct vrdma_ctx *perf_ctx(struct vrdma_perf *perf);
struct vrdma_perf_result *perf_result_new(struct vrdma_perf *perf,
                                          const struct perf_params *pp);
void perf_result_set_bw(struct vrdma_perf_result *r, uint64_t msgs, double seconds,
                        double peak_msgs_per_sec);
void perf_result_set_lat(struct vrdma_perf_result *r, uint64_t samples,
                         double seconds, const struct perf_lat_stats *st);
void perf_result_set_verified(struct vrdma_perf_result *r, bool verified);

/* perf-res.c */
struct perf_res_req {
	const char *device;   /* NULL: first device */
	unsigned int port;    /* 1-based */
	int gid_index;        /* VRDMA_PERF_AUTO or an index */
	unsigned int num_qps;
	unsigned int sq_depth;
	unsigned int rq_depth;
	unsigned int max_inline;
	size_t slot;          /* bytes per QP and direction */
	bool events;
};
/* Verbs resources: side A (the requester) and side B (the responder), one
 * RC QP each per pair, pair i connecting qa[i] <-> qb[i] over the same GID.
 * Each side's buffer holds, per QP, an rx slot then a tx slot. */
struct perf_res {
	struct perf_res_req req;  /* what it was made for (req.device copied) */
	char *devname;
	int gid_index;
	union ibv_gid gid;
	char gid_text[64];
	/*
	 * Side A's device context and PD; side B's (pd_b, cq_b, qb[], mr_b) live
	 * in a second context of the same device when the runs poll, as
	 * perftest's server and client do in two processes: the two sides'
	 * posts then share no uverbs file (its reference count and locks), which
	 * costs a ping-pong measurably under emulation.  With completion events
	 * both sides share one context and one channel (vctx_b NULL, pd_b == pd).
	 */
	struct ibv_context *vctx, *vctx_b;
	struct ibv_pd *pd, *pd_b;
	struct ibv_comp_channel *chan;
	struct ibv_cq *cq_a, *cq_b;
	struct ibv_qp **qa, **qb;
	/* The same QPs through the extended post API (ibv_wr_*), or NULL where
	 * the provider lacks it; the latency loops post through it, as
	 * perftest does by default: fewer steps than ibv_post_send's copy. */
	struct ibv_qp_ex **qxa, **qxb;
	uint8_t *buf_a, *buf_b;
	size_t buf_len;
	struct ibv_mr *mr_a, *mr_b;
	enum ibv_mtu mtu;
	unsigned int max_rd_atomic;
	unsigned int cq_size;
	unsigned int *rq_a, *rq_b; /* receives posted and not yet consumed, per QP */
	bool armed;
};
int perf_res_open(struct vrdma_ctx *ctx, const struct perf_res_req *req,
                  struct perf_res **ret);
void perf_res_free(struct perf_res *res);
/* Is `res` good for `req` (same endpoint and QP count, big enough)? */
bool perf_res_fits(const struct perf_res *res, const struct perf_res_req *req);
static inline uint8_t *perf_rx(const struct perf_res *r, uint8_t *buf, unsigned int qp)
{
	return buf + (size_t)qp * 2 * r->req.slot;
}
static inline uint8_t *perf_tx(const struct perf_res *r, uint8_t *buf, unsigned int qp)
{
	return buf + (size_t)qp * 2 * r->req.slot + r->req.slot;
}

/* perf-run.c */
/*
 * The clock: on x86-64 with an invariant TSC ("constant_tsc" in
 * /proc/cpuinfo), rdtsc calibrated once per session against
 * CLOCK_MONOTONIC_RAW; also without one when clock_gettime() is slow (the
 * kernel's clock source is hpet/acpi_pm, as in VMs whose TSC it marked
 * unstable) and two calibrations agree: runs then pin their timing thread
 * (`pin`) unless a warp check finds every CPU's TSC in step.  Otherwise
 * clock_gettime(CLOCK_MONOTONIC_RAW).
 * $VRDMA_PERF_CLOCK=monotonic|tsc overrides the choice.
 */
struct perf_clock {
	bool ready;
	bool tsc;
	bool pin;
	double ns_per_tick;
};
int perf_clock_init(struct perf_clock *clk);
int perf_run(struct vrdma_ctx *ctx, struct perf_res *res, const struct perf_clock *clk,
             const struct perf_params *pp, struct vrdma_perf_result *result);

#endif /* VRDMA_INTERNAL_H */
