/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libvrdma bindings: which RDMA adapter, port, uplink, switch, port group
 * and addresses (with their RoCE v2 GID indexes) each VMkernel interface is
 * bound to, validated by a catalogue of rules whose findings carry a stable
 * code ("VRDMA-B001"), a severity, a message, the objects involved and a fix
 * hint; and the initiator side: which source an NVMe over RDMA or iSER
 * connection to a given target must use.  See vrdma_binding(3) and
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
 * holds a reference on its bindings and owns its own findings (borrowed
 * from it).  Rules (struct vrdma_rule) are static: valid forever.
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
struct vrdma_source;   /* the source chosen for a target (refcounted) */

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

/* ---- initiator: choosing the source for a target ------------------------------ */

/* Flags for vrdma_bindings_choose_source(). */
enum {
	/* Accept degraded bindings only when no bound one reaches the target
	 * (default: bound and degraded bindings are equally candidates). */
	VRDMA_SOURCE_PREFER_BOUND = 1 << 0,
};

/*
 * Choose the source for a connection to `target` (IPv4 or IPv6 text) for
 * `service`: the vmk, among bindings that are not unbound, whose connected
 * subnet contains the target (longest prefix wins), or else whose default
 * gateway of the target's family can reach it; with its adapter, port and
 * the RoCE v2 GID index of its source address.  Errors:
 *   -EINVAL       bad arguments or a target that is not an address;
 *   -ENETUNREACH  no vmk reaches the target (message says so);
 *   -EHOSTUNREACH vmks reach it but none is healthy: the message carries
 *                 the blocking finding's code, message and hint;
 *   -ENOTUNIQ     several vmks reach it equally well: the message lists
 *                 the candidates (nothing is guessed).
 * A vmk without the service's tag is used only when no tagged vmk reaches
 * the target, with a warning finding on the source.
 */
int vrdma_bindings_choose_source(struct vrdma_bindings *b, const char *target,
                                 int service, unsigned int flags,
                                 struct vrdma_source **ret);

/* A source is always realised: its binding has the netdev, adapter, port
 * and GID index returned here. */
struct vrdma_source *vrdma_source_ref(struct vrdma_source *s);
struct vrdma_source *vrdma_source_unref(struct vrdma_source *s);
struct vrdma_binding *vrdma_source_get_binding(struct vrdma_source *s);
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

#ifdef __cplusplus
}
#endif

#endif /* VRDMA_BINDING_H */
