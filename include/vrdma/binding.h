/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libvrdma bindings: which RDMA adapter, port, uplink, switch, port group
 * and addresses (with their RoCE v2 GID indexes) each VMkernel interface is
 * bound to, validated by a catalogue of rules whose findings carry a stable
 * code ("VRDMA-B001"), a severity, a message, the objects involved and a fix
 * hint; and the initiator side: the paths (source vmk, address, adapter,
 * port, GID) an NVMe over RDMA or iSER connection to a given target can use.  See vrdma_binding(3) and
 * vrdma-diagnostics(7).
 *
 * Include <vrdma/vrdma.h> rather than this file directly.
 *
 * Inputs.  Bindings are computed from a host view (struct vrdma_host: live
 * vrdma_host_discover() or a loaded snapshot) plus a configuration (struct
 * vrdma_config: loaded or built in memory).  Nothing else is read, so a
 * snapshot + configuration pair gives the same answer on any machine.
 *
 * Ownership.  A struct vrdma_bindings holds references on its host and
 * configuration and owns its bindings and diagnostics, which are borrowed:
 * valid while the bindings object is referenced.  It never changes after
 * it is computed; compute again to see changes.  A struct vrdma_source
 * holds a reference on its bindings and owns its paths and findings
 * (borrowed from it).  A struct vrdma_storage (the host's storage sessions)
 * holds a reference on its bindings and owns its sessions and findings.
 * Rules (struct vrdma_rule) are static: valid forever.
 */
#ifndef VRDMA_BINDING_H
#define VRDMA_BINDING_H

#include <stdbool.h>

#include <vrdma/core.h>
#include <vrdma/host.h>
#include <vrdma/model.h>

#ifdef __cplusplus
extern "C" {
#endif

struct vrdma_bindings; /* every vmk's binding and every finding */
struct vrdma_binding;  /* one vmk's binding (borrowed) */
struct vrdma_diag;     /* one finding (borrowed) */
struct vrdma_rule;     /* one rule of the catalogue (static) */
struct vrdma_source;   /* the paths to a target (refcounted) */

enum vrdma_binding_state {
	VRDMA_BINDING_UNBOUND = 0,  /* at least one error: RDMA cannot use it */
	VRDMA_BINDING_DEGRADED = 1, /* usable, with warnings */
	VRDMA_BINDING_BOUND = 2,    /* no error, no warning */
};

enum vrdma_severity {
	VRDMA_SEVERITY_INFO = 0,
	VRDMA_SEVERITY_WARNING = 1,
	VRDMA_SEVERITY_ERROR = 2,
};

enum vrdma_service {
	VRDMA_SERVICE_NONE = 0,
	VRDMA_SERVICE_NVME_RDMA = 1, /* needs the vmk tag "nvme-rdma" */
	VRDMA_SERVICE_ISER = 2,      /* needs the vmk tag "iser" */
};

/* "bound", "degraded", "unbound"; NULL when out of range. */
const char *vrdma_binding_state_to_string(int state);
/* "info", "warning", "error"; NULL when out of range. */
const char *vrdma_severity_to_string(int severity);
/* "nvme-rdma", "iser" (NULL otherwise) and back (-EINVAL when unknown). */
const char *vrdma_service_to_string(int service);
int vrdma_service_from_string(const char *name);

/*
 * The RoCE MTU a netdev MTU allows: the largest of 256, 512, 1024, 2048 and
 * 4096 that fits `netdev_mtu` minus the headers the kernel budgets inside
 * it (GRH/IP 40 + UDP 8 + BTH 12 + XRCETH 4 + AtomicETH 28 + ICRC 4 = 96
 * bytes; Ethernet and 802.1Q headers are outside the netdev MTU).  -ERANGE
 * when even 256 does not fit (netdev_mtu < 352).
 */
int vrdma_roce_mtu_for_netdev_mtu(int netdev_mtu);

/* ---- the rule catalogue ---------------------------------------------------- */

/*
 * Rules are static: a struct vrdma_rule is borrowed and valid forever.  They
 * are enumerated through a context, 0-based in code order; find_rule takes
 * a code ("VRDMA-B001", case-insensitive, or just "B001") or a name
 * ("portgroup-no-active-uplink"): -ENOENT when no rule has it.
 */
int vrdma_ctx_get_n_rules(struct vrdma_ctx *ctx);
int vrdma_ctx_get_rule(struct vrdma_ctx *ctx, unsigned int i, struct vrdma_rule **ret);
int vrdma_ctx_find_rule(struct vrdma_ctx *ctx, const char *code_or_name,
                        struct vrdma_rule **ret);
const char *vrdma_rule_get_code(struct vrdma_rule *rule);    /* "VRDMA-B001" */
const char *vrdma_rule_get_name(struct vrdma_rule *rule);    /* "portgroup-no-active-uplink" */
int vrdma_rule_get_severity(struct vrdma_rule *rule);        /* enum vrdma_severity */
const char *vrdma_rule_get_summary(struct vrdma_rule *rule); /* one line */

/* ---- computing bindings ---------------------------------------------------- */

/*
 * Compute every vmk's binding and run every rule.  host and cfg must share
 * one context.  Findings are not failures: this fails only on bad arguments
 * (-EINVAL) or -ENOMEM.
 */
int vrdma_bindings_new(struct vrdma_host *host, struct vrdma_config *cfg,
                       struct vrdma_bindings **ret);
struct vrdma_bindings *vrdma_bindings_ref(struct vrdma_bindings *b);
struct vrdma_bindings *vrdma_bindings_unref(struct vrdma_bindings *b);
struct vrdma_ctx *vrdma_bindings_get_ctx(struct vrdma_bindings *b);
struct vrdma_host *vrdma_bindings_get_host(struct vrdma_bindings *b);
struct vrdma_config *vrdma_bindings_get_config(struct vrdma_bindings *b);

/* One binding per vmk of the configuration, in configuration order. */
int vrdma_bindings_get_n_bindings(struct vrdma_bindings *b);
int vrdma_bindings_get_binding(struct vrdma_bindings *b, unsigned int i,
                               struct vrdma_binding **ret);
/* The binding of the vmk named vmk_name: -ENOENT when there is none. */
int vrdma_bindings_find_binding(struct vrdma_bindings *b, const char *vmk_name,
                                struct vrdma_binding **ret);

/* Every finding, ordered by vmk (configuration order, findings about no
 * single vmk last) then rule code. */
int vrdma_bindings_get_n_diags(struct vrdma_bindings *b);
int vrdma_bindings_get_diag(struct vrdma_bindings *b, unsigned int i,
                            struct vrdma_diag **ret);

/* ---- one binding ------------------------------------------------------------ */

struct vrdma_bindings *vrdma_binding_get_bindings(struct vrdma_binding *bd);
/* Model objects (borrowed from the configuration): the vmk, its port group
 * and switch.  The vmk's name: vrdma_vmk_get_name(vrdma_binding_get_vmk(bd)). */
struct vrdma_vmk *vrdma_binding_get_vmk(struct vrdma_binding *bd);
struct vrdma_portgroup *vrdma_binding_get_portgroup(struct vrdma_binding *bd);
struct vrdma_switch *vrdma_binding_get_switch(struct vrdma_binding *bd);
/* The port group's (first) active uplink device as configured ("vmnic1"),
 * the one apply stacks the vmk on; -ENOENT when it has none. */
int vrdma_binding_get_uplink_name(struct vrdma_binding *bd, const char **ret);
/* Host objects: the active uplink, its paired adapter and port; -ENOENT
 * when the host has none. */
int vrdma_binding_get_uplink(struct vrdma_binding *bd, struct vrdma_uplink **ret);
int vrdma_binding_get_adapter(struct vrdma_binding *bd, struct vrdma_adapter **ret);
int vrdma_binding_get_port(struct vrdma_binding *bd, struct vrdma_port **ret);
/* How apply realises the vmk on this host (enum vrdma_apply_strategy);
 * -ENOENT when it cannot (no active uplink, an uplink the host lacks). */
int vrdma_binding_get_strategy(struct vrdma_binding *bd, int *ret);
/* The netdev that carries the vmk's addresses in the kernel ("vmk1",
 * "eth1", "eth1.20"); -ENOENT when the vmk is not realised on this host. */
int vrdma_binding_get_netdev_name(struct vrdma_binding *bd, const char **ret);
int vrdma_binding_get_state(struct vrdma_binding *bd); /* enum vrdma_binding_state */
/* The vmk's MTU: its netdev's when realised, else the configured one. */
int vrdma_binding_get_mtu(struct vrdma_binding *bd);
/* The RoCE path MTU: the smaller of the port's active MTU and what the
 * netdev MTU allows; -ENOENT without a port (or below 256). */
int vrdma_binding_get_roce_mtu(struct vrdma_binding *bd, int *ret);

/* The vmk's configured static addresses: IPv4 first, then IPv6.  Address i
 * (canonical text), its family (AF_INET/AF_INET6) and prefix length; any
 * output may be NULL.  -ENOENT past the end. */
int vrdma_binding_get_n_addrs(struct vrdma_binding *bd);
int vrdma_binding_get_addr(struct vrdma_binding *bd, unsigned int i, const char **address,
                           int *family, unsigned int *prefixlen);
/* The RoCE v2 GID index of address i on the binding's port; -ENOENT when
 * there is none (or i is past the end). */
int vrdma_binding_get_addr_gid_index(struct vrdma_binding *bd, unsigned int i,
                                     unsigned int *ret);

/* The findings concerning this binding. */
int vrdma_binding_get_n_diags(struct vrdma_binding *bd);
int vrdma_binding_get_diag(struct vrdma_binding *bd, unsigned int i, struct vrdma_diag **ret);

/* ---- one finding ------------------------------------------------------------- */

/* The rule it breaks: its code, name and severity are the finding's. */
struct vrdma_rule *vrdma_diag_get_rule(struct vrdma_diag *d);
/* What is wrong, and how to fix it (never empty). */
const char *vrdma_diag_get_message(struct vrdma_diag *d);
const char *vrdma_diag_get_hint(struct vrdma_diag *d);
/* Objects involved, most specific first: kind is one of "vmk",
 * "portgroup", "switch", "uplink", "adapter", "port", "netdev",
 * "address", "gid"; name its name ("vmk1", "vmrdma0", "vmrdma0/1", ...).
 * -ENOENT past the end. */
int vrdma_diag_get_n_objects(struct vrdma_diag *d);
int vrdma_diag_get_object(struct vrdma_diag *d, unsigned int i, const char **kind,
                          const char **name);
/*
 * true when `name` names one of its objects or, for a finding about a
 * binding, an object of that binding's chain (vmk, port group, switch,
 * uplink alias or netdev, adapter name or alias, the vmk's netdev).
 */
bool vrdma_diag_involves(struct vrdma_diag *d, const char *name);
/* The binding it concerns; -ENOENT for a finding about no single vmk. */
int vrdma_diag_get_binding(struct vrdma_diag *d, struct vrdma_binding **ret);

/* ---- initiator: the paths to a target ------------------------------------------ */

struct vrdma_path; /* one path of a source (borrowed from it) */

/* Flags for vrdma_bindings_choose_source(). */
enum {
	/* Keep degraded paths only when no healthy one reaches the target
	 * (default: degraded paths are kept, ordered after the healthy ones). */
	VRDMA_SOURCE_PREFER_BOUND = 1 << 0,
	/* Keep only the preferred path (path 0): for single-path callers. */
	VRDMA_SOURCE_SINGLE = 1 << 1,
};

/* A path's state: its binding's, without the unbound ones (never paths). */
enum vrdma_path_state {
	VRDMA_PATH_HEALTHY = 0,  /* its binding is bound: no error, no warning */
	VRDMA_PATH_DEGRADED = 1, /* its binding is degraded: usable, with warnings */
};

/* "healthy", "degraded"; NULL when out of range. */
const char *vrdma_path_state_to_string(int state);

/*
 * Every usable path from this host to `target` for `service`: at most one
 * per vmk, through the vmk whose connected subnet holds the target (its
 * longest prefix) or else through its default gateway of the target's
 * family; with its adapter, port, uplink and the RoCE v2 GID index of its
 * source address.  `target` is IPv4 or IPv6 text; an IPv6 link-local
 * target takes a scope, "fe80::1%vmk1" or "fe80::1%NETDEV" (the netdev
 * carrying the vmk), and is reached from that vmk's link-local address.
 * Bindings that are unbound give no path.  Paths are ordered by
 * preference: healthy before degraded, connected subnet before gateway,
 * longer prefix first, then by vmk name (vmk2 before vmk10); equally good
 * paths are all returned (multipathing: one controller or session per
 * path).  Errors:
 *   -EINVAL       bad arguments, a target that is not an address, or a
 *                 link-local one without a scope;
 *   -ENETUNREACH  no vmk reaches the target (message says so);
 *   -EHOSTUNREACH vmks reach it but none is usable: the message carries
 *                 the blocking finding's code, message and hint.
 * A vmk without the service's tag gives a path only when no tagged vmk
 * reaches the target, with a warning finding on the source.
 */
int vrdma_bindings_choose_source(struct vrdma_bindings *b, const char *target,
                                 int service, unsigned int flags,
                                 struct vrdma_source **ret);

/* A source has at least one path; the vrdma_source_get_* getters below
 * read its first (preferred) path.  A path is always realised: its binding
 * has the netdev, adapter, port and GID index returned here. */
struct vrdma_source *vrdma_source_ref(struct vrdma_source *s);
struct vrdma_source *vrdma_source_unref(struct vrdma_source *s);
struct vrdma_binding *vrdma_source_get_binding(struct vrdma_source *s);
/* The target as given, canonical ("fd00::1", "fe80::1%vmk1"). */
const char *vrdma_source_get_target(struct vrdma_source *s);
int vrdma_source_get_service(struct vrdma_source *s);
/* The source address (nvme connect -w / iface.ipaddress) and its family. */
const char *vrdma_source_get_address(struct vrdma_source *s);
int vrdma_source_get_family(struct vrdma_source *s);
/* The next hop: -ENOENT when the target is on a connected subnet. */
int vrdma_source_get_gateway(struct vrdma_source *s, const char **ret);
/* The netdev carrying the source address (iface.net_ifacename). */
const char *vrdma_source_get_netdev_name(struct vrdma_source *s);
struct vrdma_adapter *vrdma_source_get_adapter(struct vrdma_source *s);
int vrdma_source_get_port_number(struct vrdma_source *s);
int vrdma_source_get_gid_index(struct vrdma_source *s);
/* Warnings about the choice (missing service tag). */
int vrdma_source_get_n_diags(struct vrdma_source *s);
int vrdma_source_get_diag(struct vrdma_source *s, unsigned int i, struct vrdma_diag **ret);

/* The paths, in order of preference, 0-based; -ENOENT past the end. */
int vrdma_source_get_n_paths(struct vrdma_source *s);
int vrdma_source_get_path(struct vrdma_source *s, unsigned int i, struct vrdma_path **ret);

/* ---- one path ------------------------------------------------------------------ */

struct vrdma_source *vrdma_path_get_source(struct vrdma_path *p);
/* The vmk's binding: vrdma_vmk_get_name(vrdma_binding_get_vmk(...)). */
struct vrdma_binding *vrdma_path_get_binding(struct vrdma_path *p);
/* Host objects: the adapter, the port's number, the uplink (vmnic). */
struct vrdma_adapter *vrdma_path_get_adapter(struct vrdma_path *p);
int vrdma_path_get_port_number(struct vrdma_path *p);
struct vrdma_uplink *vrdma_path_get_uplink(struct vrdma_path *p);
/* The netdev carrying the source address ("vmk1", "eth1"). */
const char *vrdma_path_get_netdev_name(struct vrdma_path *p);
/* The source address (canonical, without scope) and its family. */
const char *vrdma_path_get_address(struct vrdma_path *p);
int vrdma_path_get_family(struct vrdma_path *p);
/* The RoCE v2 GID index of the source address on the port. */
int vrdma_path_get_gid_index(struct vrdma_path *p);
/* The next hop: -ENOENT when the target is on the path's connected subnet. */
int vrdma_path_get_gateway(struct vrdma_path *p, const char **ret);
int vrdma_path_get_state(struct vrdma_path *p); /* enum vrdma_path_state */


/* ---- storage: the NVMe over RDMA controllers and iSER sessions of the host ----- */

struct vrdma_storage;         /* the host's storage sessions (refcounted) */
struct vrdma_storage_session; /* one controller or session (borrowed from it) */

enum vrdma_storage_kind {
	VRDMA_STORAGE_NVME_RDMA = 0, /* an NVMe over Fabrics controller, transport rdma */
	VRDMA_STORAGE_ISER = 1,      /* an iSCSI session whose transport is iser */
};

/* "nvme-rdma", "iser"; NULL when out of range. */
const char *vrdma_storage_kind_to_string(int kind);

/* Flags for vrdma_storage_discover(). */
enum {
	/* Also report each bound vmk tagged for a storage service (nvme-rdma,
	 * iser) that carries no session of that service (VRDMA-B083). */
	VRDMA_STORAGE_CHECK_IDLE_VMKS = 1 << 0,
};

/*
 * Read every NVMe over RDMA controller (/sys/class/nvme/nvmeN: transport
 * "rdma", address, subsysnqn, state) and every iSER session
 * (/sys/class/iscsi_session/sessionN, its connection and its SCSI host's
 * transport) of the running kernel, with the source address each one uses:
 * a controller's host_traddr (nvme connect -w) or else the local address of
 * its RDMA CM connection (RDMA netlink), which is also the only source of
 * an iSER connection's local address.  Each session is matched to the
 * binding whose vmk has its source address, and through it to the adapter
 * port whose hw_counters are read.  The storage rules run over the result
 * (VRDMA-B080..B083, vrdma-diagnostics(7)); findings are not failures.
 * sysfs is read under $VRDMA_SYSFS when set (as host discovery does).
 * The object is a snapshot: discover again to see changes.  It holds a
 * reference on b.  Errors: -EINVAL (bad arguments, unknown flags), -ENOMEM;
 * a host without sysfs classes for NVMe or iSCSI has no session.
 */
int vrdma_storage_discover(struct vrdma_bindings *b, unsigned int flags,
                           struct vrdma_storage **ret);
struct vrdma_storage *vrdma_storage_ref(struct vrdma_storage *st);
struct vrdma_storage *vrdma_storage_unref(struct vrdma_storage *st);
struct vrdma_bindings *vrdma_storage_get_bindings(struct vrdma_storage *st);

/* The sessions: NVMe controllers in number order, then iSER sessions in
 * number order; 0-based, -ENOENT past the end. */
int vrdma_storage_get_n_sessions(struct vrdma_storage *st);
int vrdma_storage_get_session(struct vrdma_storage *st, unsigned int i,
                              struct vrdma_storage_session **ret);
/* The storage findings (VRDMA-B080..B083), ordered like the bindings'. */
int vrdma_storage_get_n_diags(struct vrdma_storage *st);
int vrdma_storage_get_diag(struct vrdma_storage *st, unsigned int i, struct vrdma_diag **ret);

/* ---- one storage session ----------------------------------------------------------- */

struct vrdma_storage *vrdma_storage_session_get_storage(struct vrdma_storage_session *s);
int vrdma_storage_session_get_kind(struct vrdma_storage_session *s); /* enum vrdma_storage_kind */
/* The kernel's name: "nvme0", "session1". */
const char *vrdma_storage_session_get_name(struct vrdma_storage_session *s);
/* The target's address (traddr, the connection's address; canonical) and
 * name (subsystem NQN, target IQN). */
const char *vrdma_storage_session_get_target_address(struct vrdma_storage_session *s);
int vrdma_storage_session_get_target_name(struct vrdma_storage_session *s, const char **ret);
/* The target's port (trsvcid, the connection's port): -ENOENT when not reported. */
int vrdma_storage_session_get_target_port(struct vrdma_storage_session *s, unsigned int *ret);
/* The source address (canonical): -ENOENT when the kernel reports none. */
int vrdma_storage_session_get_source_address(struct vrdma_storage_session *s,
                                             const char **ret);
/* The kernel's state word ("live", "connecting", "LOGGED_IN", "FAILED", ...):
 * -ENOENT when not reported. */
int vrdma_storage_session_get_state(struct vrdma_storage_session *s, const char **ret);
/* true when the controller is live / the session logged in. */
bool vrdma_storage_session_is_live(struct vrdma_storage_session *s);
/* The binding whose vmk has the source address: -ENOENT for none. */
int vrdma_storage_session_get_binding(struct vrdma_storage_session *s,
                                      struct vrdma_binding **ret);
/* The adapter and port it uses (its binding's, else the RDMA CM
 * connection's device): -ENOENT when unknown. */
int vrdma_storage_session_get_adapter(struct vrdma_storage_session *s,
                                      struct vrdma_adapter **ret);
int vrdma_storage_session_get_port(struct vrdma_storage_session *s, struct vrdma_port **ret);
/* That port's statistics: its hw_counters (as rdma statistic shows them),
 * read at discovery, in name order: none without a port.  find_statistic
 * reads one by name ("sent_pkts"): -ENOENT when the port has no such one. */
int vrdma_storage_session_get_n_statistics(struct vrdma_storage_session *s);
int vrdma_storage_session_get_statistic(struct vrdma_storage_session *s, unsigned int i,
                                      const char **name, uint64_t *count);
int vrdma_storage_session_find_statistic(struct vrdma_storage_session *s, const char *name,
                                       uint64_t *ret);

#ifdef __cplusplus
}
#endif

#endif /* VRDMA_BINDING_H */
