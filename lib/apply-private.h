/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libvrdma apply layer: private declarations.  Nothing here is part of the ABI.
 *
 * Files, each calling only the ones listed after it (no cycle):
 *   apply.c         public entry points: plan objects, lock, execute, check
 *   apply-plan.c    the plan (links and addresses)
 *   apply-route.c   per-vmk policy routing: planning routes and rules
 *   apply-resolve.c realisation rules: which netdev carries a vmk
 *   apply-step.c    step and note construction, enum names
 *   apply-kernel.c  the kernel view (links, addresses, routes, rules)
 *   apply-nl.c      the rtnetlink writes of every step and its inverse
 *   apply-soft.c    soft RDMA adapters: RDMA netlink view, plan, writes
 *   apply-roce.c    RoCE mode and ToS per adapter port: rdma_cm configfs
 */
#ifndef VRDMA_APPLY_PRIVATE_H
#define VRDMA_APPLY_PRIVATE_H

#include "host-private.h"
#include "model-private.h"
#include <vrdma/apply.h>

#define APPLY_ALIAS_MAX 128
#define APPLY_OWNED_FILE "apply-owned-addresses"
#define APPLY_LOCK_FILE "apply.lock"
#define APPLY_LOCK_TIMEOUT_MS 30000
/*
 * The device group (IFLA_GROUP) of every netdev apply creates: the ownership
 * mark that travels in the creating RTM_NEWLINK itself, so a device exists
 * only as an owned one.  The interface alias "vrdma:vmkN" / "vrdma:vlan"
 * (its identity) follows in a second message, because the kernel ignores
 * IFLA_IFALIAS on creation; a device with the group but without the alias
 * (killed between the two) is owned, matches nothing and is re-created.
 */
#define APPLY_LINK_GROUP 0x7672646du      /* "vrdm" */
/* A network namespace identity in the owned-address state file:
 * "net:<boot_id>:<st_dev>:<st_ino>:<netns cookie>" (apply-plan.c). */
#define APPLY_NETNS_ID_MAX 128
/* vmk0 .. vmk255 (model): tables and rule priorities BASE .. BASE + 255 */
#define APPLY_TABLE_SPAN ((unsigned int)VRDMA_MAX_VMKS)

/* Addresses are struct vrdma_inaddr (core), with their prefix. */

/* Bytes of an address of `family` (AF_INET or AF_INET6). */
static inline unsigned int apply_addr_len(int family)
{
	return family == AF_INET ? 4u : 16u;
}

/* A route or rule apply made: its protocol mark and a per-vmk table. */
static inline bool apply_rt_is_ours(int protocol, uint32_t table)
{
	return protocol == VRDMA_APPLY_RT_PROTOCOL &&
	       table >= VRDMA_APPLY_TABLE_BASE &&
	       table - VRDMA_APPLY_TABLE_BASE < APPLY_TABLE_SPAN;
}

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
	uint32_t group;              /* IFLA_GROUP; 0 (default) is not sent */
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
	APPLY_OP_SOFT_CREATE,        /* RDMA netlink (apply-soft.c) */
	APPLY_OP_SOFT_DELETE,
	APPLY_OP_ROCE_MODE,          /* rdma_cm configfs writes (apply-roce.c) */
	APPLY_OP_ROCE_TOS,
};

#define APPLY_SOFT_PREFIX VRDMA_APPLY_SOFT_PREFIX
#define APPLY_RDMA_NAME_MAX 64       /* IB_DEVICE_NAME_MAX */

/* A soft RDMA adapter to create or delete. */
struct apply_softspec {
	char name[APPLY_RDMA_NAME_MAX];
	char netdev[IFNAMSIZ];
	int type;                    /* enum vrdma_soft_adapter_type */
};

/* A route in one of the per-vmk tables. */
struct apply_route {
	int family;
	uint32_t table;
	struct vrdma_inaddr dst;       /* prefix 0: default */
	struct vrdma_inaddr gw;        /* family 0: none */
	char dev[IFNAMSIZ];          /* the output netdev */
	int protocol;                /* kernel view: rtm_protocol */
};

/* A "from <address> lookup <table>" rule. */
struct apply_rule {
	int family;
	uint32_t prio;
	uint32_t table;
	struct vrdma_inaddr src;       /* full-length prefix */
	char dev[IFNAMSIZ];          /* wanted rules: the vmk's netdev (messages) */
};

struct vrdma_apply_step {
	struct vrdma_apply_plan *plan; /* its plan (not a reference) */
	unsigned int index;          /* 0-based */
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
	struct vrdma_inaddr addr;
	bool owned_uplink_addr;      /* an uplink address tracked in the state file */
	/* route / rule add / delete */
	struct apply_route route;
	struct apply_rule rule;
	/* soft RDMA adapter create / delete */
	struct apply_softspec soft;
	/* RoCE mode / ToS: the adapter's kernel name and port number */
	char roce_dev[VRDMA_ADAPTER_NAME_MAX + 1];
	unsigned int roce_port;
};

struct vrdma_apply_plan {
	int refcount;
	struct vrdma_ctx *ctx;
	struct vrdma_apply_step *steps;
	unsigned int n_steps, cap_steps;
	char **notes;
	unsigned int n_notes;
	bool notes_oom;              /* a note could not be added: planning fails */
	/* this network namespace's identity in the state file */
	char netns_id[APPLY_NETNS_ID_MAX];
	/* state file lines of other namespaces (this boot), kept verbatim */
	char **foreign;
	unsigned int n_foreign;
	/* owned uplink addresses of this namespace ("ifname addr/prefix")
	 * before the plan */
	char **owned;
	unsigned int n_owned;
	/* ... and after a successful execution */
	char **owned_after;
	unsigned int n_owned_after;
	bool owned_rewrite;          /* the file needs rewriting (adopted or dropped records) */
	bool owned_changed;
	char *owned_path;
	bool ran;                    /* vrdma_apply_execute() was called */
	bool executed;               /* ... and succeeded */
	int lock_fd;                 /* exclusive apply.lock held, or -1 */
};

/* ---- netlink writes (apply-nl.c) --------------------------------------------- */

struct apply_nl;
int apply_nl_open(struct vrdma_ctx *ctx, struct apply_nl **ret);
void apply_nl_close(struct apply_nl *nl);
/* Messages sent so far (each is also logged at debug priority).  With
 * -Dtest_hooks, VRDMA_TEST_APPLY_KILL_AFTER_MSG=N raises SIGKILL once N
 * messages have been sent and answered (before the next one, or when the
 * step that sent the Nth returns). */
unsigned int apply_nl_get_n_sent(struct apply_nl *nl);
/* Do a step (undo = false) or its inverse (undo = true).  On failure a
 * negative errno; *reason receives the kernel's/libnl's text (static). */
int apply_nl_step(struct apply_nl *nl, const struct vrdma_apply_step *step,
                  bool undo, const char **reason);

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
	uint32_t group;
	char alias[APPLY_ALIAS_MAX];
	struct vrdma_inaddr *addrs;    /* global-scope and non-link-local only */
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

/* Read links, addresses and the per-vmk routes and rules (four dumps). */
int apply_kernel_read(struct vrdma_ctx *ctx, struct apply_kernel *k);
void apply_kernel_free(struct apply_kernel *k);
struct apply_klink *apply_kernel_find(struct apply_kernel *k, const char *name);
bool apply_klink_is_managed(const struct apply_klink *l);

/* ---- steps and notes (apply-step.c) ------------------------------------------ */

/* Add a note to plan (NULL: none is kept); out of memory sets notes_oom. */
void apply_plan_add_note(struct vrdma_apply_plan *plan, const char *fmt, ...)
	VRDMA_PRINTF(2, 3);
/* Append a step; NULL on OOM. */
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
	struct vrdma_inaddr addrs[1 + VRDMA_MAX_IPV6_ADDRS];
	unsigned int n_addrs;
	struct vrdma_inaddr gw[2];     /* [0] IPv4, [1] IPv6; family 0: none */
};

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

/* ---- realisation rules (apply-resolve.c) --------------------------------------- */

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

/* Resolve an uplink device name (vmnic alias or netdev name) to a netdev
 * of host: its name and ifindex, or -ENODEV. */
int apply_resolve_device(struct vrdma_host *host, const char *dev,
                         char out[IFNAMSIZ], int *ifindex);
/* Resolve a vmk's realisation on host; notes (may be NULL) receive remarks. */
int apply_resolve_vmk(struct vrdma_ctx *ctx, struct vrdma_host *host,
                      struct vrdma_vmk *vmk, struct apply_vmk_real *r,
                      struct vrdma_apply_plan *notes);

/* ---- soft RDMA adapters (apply-soft.c) ------------------------------------------ */

/* An RDMA device as RDMA netlink shows it. */
struct apply_rdev {
	char name[APPLY_RDMA_NAME_MAX];
	uint32_t index;
	uint8_t node_type;
	int ndev_ifindex;            /* a port's netdev in this namespace, 0 none */
	char ndev[IFNAMSIZ];
};

struct apply_rdma {
	struct apply_rdev *devs;
	unsigned int n_devs;
	bool available;              /* the kernel has RDMA netlink */
};

/* Is it a name apply gives the adapters it creates ("vrdmasN")? */
bool apply_soft_is_owned_name(const char *name);
int apply_soft_read(struct vrdma_ctx *ctx, struct apply_rdma *k);
void apply_soft_free(struct apply_rdma *k);
/* Plan the soft adapter deletions, then creations (k: the links). */
int apply_soft_plan(struct vrdma_ctx *ctx, struct vrdma_config *cfg, struct vrdma_host *host,
                    struct apply_kernel *k, struct vrdma_apply_plan *plan);
/* Do (or undo) a soft adapter step; *n_sent counts the messages. */
int apply_soft_step(struct vrdma_ctx *ctx, const struct vrdma_apply_step *st, bool undo,
                    const char **reason, unsigned int *n_sent);
/* Does cfg configure a soft adapter on netdev (a netdev name of host)? */
bool apply_soft_configured_on(struct vrdma_host *host, struct vrdma_config *cfg,
                              const char *netdev);

/* ---- RoCE settings through rdma_cm's configfs (apply-roce.c) -------------------- */

/* Plan the RoCE mode and ToS writes of every setting of cfg (after the
 * other steps); a setting naming no adapter or port of host, or a mode the
 * port has no GID of, fails with the setting named. */
int apply_roce_plan(struct vrdma_ctx *ctx, struct vrdma_config *cfg,
                    struct vrdma_host *host, struct vrdma_apply_plan *plan);
/* Whether the step is one of apply-roce.c's (not a netlink step). */
static inline bool apply_roce_is_step(const struct vrdma_apply_step *st)
{
	return st->op == APPLY_OP_ROCE_MODE || st->op == APPLY_OP_ROCE_TOS;
}
/* Do (or undo: write the old value) a RoCE step, loading configfs and
 * rdma_cm first when needed; *reason receives the failure's text. */
int apply_roce_step(struct vrdma_ctx *ctx, const struct vrdma_apply_step *st, bool undo,
                    const char **reason);

/* ---- the plan (apply-plan.c) ---------------------------------------------------- */

/* Fill an empty plan: owned addresses, desired state, kernel view, steps. */
int apply_plan_build(struct vrdma_ctx *ctx, struct vrdma_config *cfg,
                     struct vrdma_host *host, struct vrdma_apply_plan *plan);

#endif /* VRDMA_APPLY_PRIVATE_H */
