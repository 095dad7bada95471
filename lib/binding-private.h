/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libvrdma binding layer: private declarations.  Nothing here is part of the ABI.
 *
 * Files, each calling only the ones listed after it (no cycle):
 *   initiator.c      choosing the source for a target
 *   binding.c        resolving every vmk's binding; the public binding API
 *   binding-rules.c  the checks run over computed bindings
 *   binding-diag.c   the rule catalogue and the findings
 *   binding-storage.c the storage sessions (sysfs, RDMA netlink) and their rules' input
 *   binding-monitor.c the monitor: rediscovery and the difference as events
 *   binding-monitor-nl.c the monitor's sockets (rtnetlink, uevent, RDMA netlink)
 * This layer sees the host and the model only through their public API, and
 * apply through apply_resolve_vmk().
 */
#ifndef VRDMA_BINDING_PRIVATE_H
#define VRDMA_BINDING_PRIVATE_H

#include "apply-private.h"
#include <vrdma/binding.h>

/* Rule identifiers, in code order (the table is in binding-diag.c). */
enum binding_rule_id {
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
	R_ROCE_MODE_GID,       /* B046 */
	R_IPV6_TENTATIVE,      /* B050 */
	R_IPV6_DADFAILED,      /* B051 */
	R_OTHER_NAMESPACE,     /* B052 */
	R_SERVICE_TAG,         /* B060 */
	R_ADAPTER_NO_VMK,      /* B070 */
	R_STORAGE_NO_BINDING,  /* B080 */
	R_STORAGE_DEGRADED,    /* B081 */
	R_STORAGE_UNBOUND,     /* B082 */
	R_STORAGE_IDLE_VMK,    /* B083 */
	R__COUNT
};

#define BINDING_DIAG_MAX_OBJECTS 8
#define BINDING_ADDR_MAX (1 + VRDMA_MAX_IPV6_ADDRS)
/* Headers the kernel budgets inside a netdev MTU for RoCE (iboe_get_mtu). */
#define BINDING_ROCE_HEADERS (40 + 8 + 12 + 4 + 28 + 4)

struct vrdma_rule {
	const char *code;
	const char *name;
	int severity;
	const char *summary;
};

struct vrdma_diag {
	struct vrdma_ctx *ctx;         /* for error messages (the list's) */
	int rule;                      /* enum binding_rule_id */
	char *message;
	char *hint;
	unsigned int n_objects;
	char *kinds[BINDING_DIAG_MAX_OBJECTS];
	char *names[BINDING_DIAG_MAX_OBJECTS];
	struct vrdma_binding *binding; /* NULL: about no single vmk */
	int seq;                       /* creation order, for a stable sort */
};

struct binding_diag_list {
	struct vrdma_ctx *ctx;         /* borrowed from the list's owner */
	struct vrdma_diag **items;
	unsigned int n;
	bool oom;
};

/* One configured address of a vmk. */
struct binding_addr {
	struct vrdma_inaddr addr;      /* with its configured prefix */
	char str[INET6_ADDRSTRLEN];
	uint8_t gid[16];               /* its RoCE GID form (IPv4-mapped for IPv4) */
	struct vrdma_addr *live;       /* the address on the vmk's netdev, NULL if absent */
	int gid_index;                 /* RoCE v2 GID on the binding's port, -1 none */
};

struct vrdma_binding {
	struct vrdma_bindings *set;
	struct vrdma_vmk *vmk;
	struct vrdma_portgroup *pg;
	struct vrdma_switch *sw;
	int n_active, n_standby;
	char *uplink_name;             /* the first active uplink's device */
	struct vrdma_uplink *uplink;
	struct vrdma_netdev *uplink_netdev;
	struct vrdma_adapter *adapter;
	struct vrdma_port *port;
	int strategy;                  /* apply's, -1 when it cannot realise the vmk */
	struct vrdma_netdev *netdev;   /* carries the vmk's addresses (apply's choice) */
	int mtu;
	int mtu_fit;                   /* the RoCE MTU mtu allows, -ERANGE none */
	struct binding_addr addrs[BINDING_ADDR_MAX];
	unsigned int n_addrs;
	int state;
	struct vrdma_diag **diags;     /* borrowed from set->diags */
	unsigned int n_diags;
};

struct vrdma_bindings {
	int refcount;
	struct vrdma_ctx *ctx;
	struct vrdma_host *host;
	struct vrdma_config *cfg;
	struct vrdma_binding *items;
	unsigned int n;
	struct binding_diag_list diags;
};

/* struct vrdma_source and struct vrdma_path: initiator.c only. */

/* ---- binding-diag.c ------------------------------------------------------------ */

struct vrdma_diag *binding_diag_new(struct binding_diag_list *list, struct vrdma_binding *bd,
                                    int rule);
void binding_diag_object(struct binding_diag_list *list, struct vrdma_diag *d, const char *kind,
                         const char *name);
void binding_diag_message(struct binding_diag_list *list, struct vrdma_diag *d, const char *fmt,
                          ...) VRDMA_PRINTF(3, 4);
void binding_diag_hint(struct binding_diag_list *list, struct vrdma_diag *d, const char *fmt,
                       ...) VRDMA_PRINTF(3, 4);
void binding_diag_list_clear(struct binding_diag_list *list);
/* Sort by vmk (configuration order, host-level findings last) then code. */
void binding_diag_list_sort(struct binding_diag_list *list);

/* ---- binding-rules.c ----------------------------------------------------------- */

/* Run every rule over the computed bindings (findings go to b->diags). */
void binding_run_rules(struct vrdma_bindings *b);

/* The storage rules (binding-storage.c gives each session's facts). */
struct binding_storage_fact {
	const char *session;           /* "nvme0", "session1" */
	const char *kind;              /* "nvme-rdma", "iser" */
	const char *target;            /* "192.168.50.200 port 4420" */
	const char *source;            /* NULL: the kernel reports none */
	struct vrdma_binding *bd;      /* the binding with that source, NULL none */
};
void binding_rules_storage_session(struct binding_diag_list *list,
                                   const struct binding_storage_fact *f);
/* A bound vmk tagged for `service` (enum vrdma_service) with no session. */
void binding_rules_storage_idle(struct binding_diag_list *list, struct vrdma_binding *bd,
                                int service);

/* ---- binding-monitor-nl.c: the monitor's sockets ------------------------------ */

#include <vrdma/monitor.h>

/* One socket per kernel source (enum vrdma_monitor_source up to RDMA_NETLINK),
 * -1 when absent, the settle timer (a timerfd) and the epoll fd over them. */
#define MONITOR_N_SOCKS 3
struct monitor_socks {
	int epfd;
	int fd[MONITOR_N_SOCKS];
	int timer;
};
int monitor_socks_open(struct vrdma_ctx *ctx, struct monitor_socks *s);
void monitor_socks_close(struct monitor_socks *s);
/* Read every socket empty: *sources gets bit 1 << source for each one that
 * had a message that counts, *overrun for each one that overran (ENOBUFS);
 * *timer is true when the settle timer expired. */
int monitor_socks_drain(struct vrdma_ctx *ctx, struct monitor_socks *s, unsigned int *sources,
                        unsigned int *overrun, bool *timer);
/* Make the epoll fd readable in `ms` milliseconds (one shot; re-arming moves it). */
int monitor_socks_arm(struct vrdma_ctx *ctx, struct monitor_socks *s, unsigned int ms);

#endif /* VRDMA_BINDING_PRIVATE_H */
