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
 * holds a reference on its bindings.
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

/* Number of rules; rules are numbered 0..n-1 in code order. */
int vrdma_rule_get_count(void);
/* Rule i's code ("VRDMA-B001"), name ("portgroup-no-active-uplink"),
 * severity and one-line summary; any out pointer may be NULL.  -ENOENT when
 * i is out of range. */
int vrdma_rule_get(int i, const char **code, const char **name, int *severity,
                   const char **summary);
/* Rule index by code or name: >= 0, or -ENOENT / -EINVAL. */
int vrdma_rule_find(const char *code_or_name);

/* ---- computing bindings ---------------------------------------------------- */

/*
 * Compute every vmk's binding and run every rule.  Findings are not
 * failures: this fails only on bad arguments (-EINVAL) or -ENOMEM.
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
struct vrdma_binding *vrdma_bindings_get_binding(struct vrdma_bindings *b, int i);
/* By vmk name: 0, -ENOENT or -EINVAL. */
int vrdma_bindings_find_vmk(struct vrdma_bindings *b, const char *vmk,
                            struct vrdma_binding **ret);

/* Every finding, ordered by vmk then rule code. */
int vrdma_bindings_get_n_diags(struct vrdma_bindings *b);
struct vrdma_diag *vrdma_bindings_get_diag(struct vrdma_bindings *b, int i);
/*
 * Iterator: the first finding after `prev` (NULL: from the start) that
 * concerns an object named `object` (NULL: any) with a severity of at least
 * `min_severity`; NULL at the end.  A finding concerns the objects it lists
 * and, when it is about a binding, every object of that binding's chain
 * (adapter name or alias, uplink alias or netdev, switch, port group, vmk,
 * the vmk's netdev).
 */
struct vrdma_diag *vrdma_bindings_next_diag(struct vrdma_bindings *b,
                                            struct vrdma_diag *prev,
                                            const char *object, int min_severity);
/* Number of findings of at least warning severity involving `object`
 * (NULL: any): the "problems" of vrdmactl rdma device binding check. */
int vrdma_bindings_count_problems(struct vrdma_bindings *b, const char *object);

/* ---- one binding ------------------------------------------------------------ */

struct vrdma_bindings *vrdma_binding_get_bindings(struct vrdma_binding *bd);
const char *vrdma_binding_get_vmk_name(struct vrdma_binding *bd);
/* Model objects (borrowed from the configuration). */
struct vrdma_vmk *vrdma_binding_get_vmk(struct vrdma_binding *bd);
struct vrdma_portgroup *vrdma_binding_get_portgroup(struct vrdma_binding *bd);
struct vrdma_switch *vrdma_binding_get_switch(struct vrdma_binding *bd);
/* The port group's (first) active uplink device as configured ("vmnic1"),
 * the one apply stacks the vmk on; NULL when it has none. */
const char *vrdma_binding_get_uplink_name(struct vrdma_binding *bd);
/* Host objects (NULL when absent): the active uplink, its paired adapter
 * and port. */
struct vrdma_uplink *vrdma_binding_get_uplink(struct vrdma_binding *bd);
struct vrdma_adapter *vrdma_binding_get_adapter(struct vrdma_binding *bd);
struct vrdma_port *vrdma_binding_get_port(struct vrdma_binding *bd);
/* The netdev that carries the vmk's addresses in the kernel ("vmk1",
 * "eth1", "eth1.20"), NULL when the vmk is not realised on this host. */
const char *vrdma_binding_get_netdev_name(struct vrdma_binding *bd);
/* The network stack: always "defaultTcpipStack". */
const char *vrdma_binding_get_netstack(struct vrdma_binding *bd);
int vrdma_binding_get_state(struct vrdma_binding *bd); /* enum vrdma_binding_state */
/* The vmk's MTU: its netdev's when realised, else the configured one. */
int vrdma_binding_get_mtu(struct vrdma_binding *bd);
/* The RoCE path MTU: the smaller of the port's active MTU and what the
 * netdev MTU allows; -ENODATA without a port. */
int vrdma_binding_get_roce_mtu(struct vrdma_binding *bd, int *ret);

/* The vmk's configured static addresses: IPv4 first, then IPv6. */
int vrdma_binding_get_n_addrs(struct vrdma_binding *bd);
const char *vrdma_binding_get_addr(struct vrdma_binding *bd, int i);
int vrdma_binding_get_addr_family(struct vrdma_binding *bd, int i); /* AF_INET/AF_INET6 */
int vrdma_binding_get_addr_prefixlen(struct vrdma_binding *bd, int i);
/* The RoCE v2 GID index of address i on the binding's port: 0 and *ret,
 * -ENOENT when there is none, -EINVAL for a bad i. */
int vrdma_binding_get_addr_gid_index(struct vrdma_binding *bd, int i, int *ret);

/* The findings concerning this binding. */
int vrdma_binding_get_n_diags(struct vrdma_binding *bd);
struct vrdma_diag *vrdma_binding_get_diag(struct vrdma_binding *bd, int i);

/* ---- one finding ------------------------------------------------------------- */

const char *vrdma_diag_get_code(struct vrdma_diag *d);     /* "VRDMA-B001" */
const char *vrdma_diag_get_name(struct vrdma_diag *d);     /* "portgroup-no-active-uplink" */
int vrdma_diag_get_severity(struct vrdma_diag *d);         /* enum vrdma_severity */
const char *vrdma_diag_get_message(struct vrdma_diag *d);
const char *vrdma_diag_get_hint(struct vrdma_diag *d);
/* Objects involved, most specific first: kind is one of "vmk",
 * "portgroup", "switch", "uplink", "adapter", "port", "netdev",
 * "address", "gid"; name its name ("vmk1", "vmrdma0", "vmrdma0/1", ...). */
int vrdma_diag_get_n_objects(struct vrdma_diag *d);
int vrdma_diag_get_object(struct vrdma_diag *d, int i, const char **kind,
                          const char **name);
/* true when `name` names one of its objects. */
bool vrdma_diag_involves(struct vrdma_diag *d, const char *name);
/* The binding it concerns, NULL for findings about no single vmk. */
struct vrdma_binding *vrdma_diag_get_binding(struct vrdma_diag *d);

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
                                 int service, unsigned flags,
                                 struct vrdma_source **ret);

struct vrdma_source *vrdma_source_ref(struct vrdma_source *s);
struct vrdma_source *vrdma_source_unref(struct vrdma_source *s);
struct vrdma_binding *vrdma_source_get_binding(struct vrdma_source *s);
const char *vrdma_source_get_target(struct vrdma_source *s);
int vrdma_source_get_service(struct vrdma_source *s);
/* The source address (nvme connect -w / iface.ipaddress) and its family. */
const char *vrdma_source_get_address(struct vrdma_source *s);
int vrdma_source_get_family(struct vrdma_source *s);
/* The next hop: NULL when the target is on a connected subnet. */
const char *vrdma_source_get_gateway(struct vrdma_source *s);
/* The netdev carrying the source address (iface.net_ifacename). */
const char *vrdma_source_get_netdev_name(struct vrdma_source *s);
struct vrdma_adapter *vrdma_source_get_adapter(struct vrdma_source *s);
int vrdma_source_get_port_number(struct vrdma_source *s);
int vrdma_source_get_gid_index(struct vrdma_source *s);
/* Warnings about the choice (missing service tag, degraded binding). */
int vrdma_source_get_n_diags(struct vrdma_source *s);
struct vrdma_diag *vrdma_source_get_diag(struct vrdma_source *s, int i);

#ifdef __cplusplus
}
#endif

#endif /* VRDMA_BINDING_H */
