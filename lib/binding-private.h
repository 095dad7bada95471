/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libvrdma binding layer: private declarations.  Nothing here is part of the ABI. */
#ifndef VRDMA_BINDING_PRIVATE_H
#define VRDMA_BINDING_PRIVATE_H

#include "apply-private.h"
#include <vrdma/binding.h>

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


#endif /* VRDMA_BINDING_PRIVATE_H */
