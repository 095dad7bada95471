/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libvrdma apply layer: private declarations.  Nothing here is part of the ABI. */
#ifndef VRDMA_APPLY_PRIVATE_H
#define VRDMA_APPLY_PRIVATE_H

#include "host-private.h"
#include "model-private.h"
#include <vrdma/apply.h>

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


#endif /* VRDMA_APPLY_PRIVATE_H */
