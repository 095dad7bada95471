/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libvrdma apply: realise a configuration (switches, port groups, vmks) in
 * the Linux kernel of the caller's network namespace, through rtnetlink.
 * See vrdma_apply(3) and the REALISATION section of vrdma(7).
 *
 * Include <vrdma/vrdma.h> rather than this file directly.
 *
 * Realisation (summary; every vmk is stacked on ONE uplink: the first ACTIVE
 * uplink of its port group's effective teaming policy):
 *
 *   adapter on the uplink      untagged port group     tagged (VLAN N)
 *   -----------------------    --------------------    ---------------------
 *   none or hardware RNIC      macvlan "vmkN" on the   802.1Q device on the
 *                              uplink (vmk MAC, MTU)   uplink + macvlan "vmkN"
 *                                                      on it
 *   soft (rdma_rxe, siw)       the vmk's addresses on  802.1Q device "vmkN"
 *                              the uplink netdev       on the uplink (vmk MAC)
 *
 * A switch is no kernel object: its uplinks' MTU is raised to the switch MTU
 * when lower (never lowered); uplinks are never brought up or down (a plan
 * note says when a vmk's uplink is down).  Every netdev created
 * carries the interface alias "vrdma:..." and only such netdevs (and the
 * uplink addresses recorded in the state directory) are ever changed or
 * deleted.
 *
 * Per-vmk policy routing (like an ESXi vmk's own gateway): every vmk with
 * addresses gets routing table VRDMA_APPLY_TABLE_BASE + N (vmkN) holding
 * its connected subnets and, when it has a gateway of that family, a
 * default route via it, all out of the vmk's netdev; plus one rule
 * "from <address> lookup <table>" per address at priority
 * VRDMA_APPLY_RULE_PRIORITY_BASE + N.  Routes and rules carry rtm_protocol
 * VRDMA_APPLY_RT_PROTOCOL; only those are ever changed or deleted.  The
 * main routing table is never touched.
 *
 * RoCE settings (vrdma_roce_setting): each configured mode / ToS that
 * differs from rdma_cm's is a VRDMA_APPLY_OBJ_ROCE step written to
 * /sys/kernel/config/rdma_cm/<device>/ports/<port>/default_roce_{mode,tos}
 * (configfs mounted and rdma_cm loaded first when needed; a plan note says
 * so); see vrdma_apply(3), ROCE SETTINGS.
 *
 * Concurrency: vrdma_apply_plan() takes an exclusive flock(2) on
 * <state dir>/apply.lock and the plan holds it until it is executed or
 * released; vrdma_apply_check() takes a shared one while it reads.
 *
 * Ownership: a plan holds a reference on its context; steps, their text and
 * the notes are borrowed from their plan.
 */
#ifndef VRDMA_APPLY_H
#define VRDMA_APPLY_H

#include <stdbool.h>
#include <stddef.h>

#include <vrdma/core.h>
#include <vrdma/host.h>
#include <vrdma/model.h>

#ifdef __cplusplus
extern "C" {
#endif

struct vrdma_apply_plan;
struct vrdma_apply_step;

/* The prefix of the interface alias (IFLA_IFALIAS) marking owned netdevs. */
#define VRDMA_APPLY_ALIAS_PREFIX "vrdma:"
/* The name prefix of the soft RDMA adapters apply creates ("vrdmas0", ...):
 * only RDMA devices named VRDMA_APPLY_SOFT_PREFIX + digits are ever deleted. */
#define VRDMA_APPLY_SOFT_PREFIX "vrdmas"
/* Per-vmk policy routing for vmkN: table TABLE_BASE + N, rules at priority
 * RULE_PRIORITY_BASE + N (N < VRDMA_MAX_VMKS), and the rtm_protocol marking
 * the routes and rules made by apply. */
#define VRDMA_APPLY_TABLE_BASE          7600
#define VRDMA_APPLY_RULE_PRIORITY_BASE  7600
#define VRDMA_APPLY_RT_PROTOCOL          118

enum vrdma_apply_action {
	VRDMA_APPLY_CREATE = 0,
	VRDMA_APPLY_MODIFY = 1,
	VRDMA_APPLY_DELETE = 2,
};

enum vrdma_apply_object {
	VRDMA_APPLY_OBJ_LINK = 0,     /* a netdev */
	VRDMA_APPLY_OBJ_ADDRESS = 1,  /* an IPv4/IPv6 address on a netdev */
	VRDMA_APPLY_OBJ_ROUTE = 2,    /* a route in a per-vmk table */
	VRDMA_APPLY_OBJ_RULE = 3,     /* a "from <address> lookup <table>" rule */
	VRDMA_APPLY_OBJ_SOFT_ADAPTER = 4, /* a soft RDMA adapter (rxe, siw) */
	VRDMA_APPLY_OBJ_ROCE = 5,     /* an adapter port's rdma_cm RoCE default (configfs) */
};

/* How a vmk is carried by the kernel (see the table above). */
enum vrdma_apply_strategy {
	VRDMA_APPLY_STRATEGY_MACVLAN = 0,      /* macvlan vmkN on the uplink */
	VRDMA_APPLY_STRATEGY_VLAN_MACVLAN = 1, /* macvlan vmkN on uplink.VID */
	VRDMA_APPLY_STRATEGY_VLAN = 2,         /* 802.1Q device vmkN on the uplink */
	VRDMA_APPLY_STRATEGY_UPLINK = 3,       /* addresses on the uplink itself */
};

/*
 * Diff the configuration against the live kernel (links, addresses, per-vmk
 * routes and rules of the caller's network namespace) and return the
 * ordered list of changes.  host (required: vrdma_host_discover() or
 * vrdma_host_load()) resolves uplink names (vmnicN aliases) and tells which
 * RDMA adapter each uplink is paired with.  Reads only.  Fails with
 * -EINVAL for a NULL argument, -EEXIST when a netdev that libvrdma did not
 * create holds a name the realisation needs, -ENODEV when an uplink a vmk
 * needs is missing, -ENOLINK when a port group has no active uplink, -EBUSY
 * when a vmk's uplink is enslaved to a master, -EOPNOTSUPP for a
 * combination the realisation cannot carry, -EEXIST too when a per-vmk
 * routing table holds a route libvrdma did not make or a configured soft
 * RDMA adapter's netdev already carries an adapter libvrdma did not create
 * (-EOPNOTSUPP when the kernel lacks the soft adapter's type); the message on ctx
 * names the object.  Waits (up to 30 s, then -EBUSY) for the exclusive
 * apply lock, which the plan holds until executed or released; -errno when
 * the state directory cannot be created or the lock file opened.
 */
int vrdma_apply_plan(struct vrdma_ctx *ctx, struct vrdma_config *cfg,
                     struct vrdma_host *host, struct vrdma_apply_plan **ret);
struct vrdma_apply_plan *vrdma_apply_plan_ref(struct vrdma_apply_plan *plan);
struct vrdma_apply_plan *vrdma_apply_plan_unref(struct vrdma_apply_plan *plan);
struct vrdma_ctx *vrdma_apply_plan_get_ctx(struct vrdma_apply_plan *plan);

/* Steps in execution order, 0-based: -ENOENT past the end. */
int vrdma_apply_plan_get_n_steps(struct vrdma_apply_plan *plan);
int vrdma_apply_plan_get_step(struct vrdma_apply_plan *plan, unsigned int i,
                              struct vrdma_apply_step **ret);
/* Notes: things the plan does not change but the user should know. */
int vrdma_apply_plan_get_n_notes(struct vrdma_apply_plan *plan);
int vrdma_apply_plan_get_note(struct vrdma_apply_plan *plan, unsigned int i,
                              const char **ret);
/* The plan as text: one step per line numbered from 1 ("  1. ..."), or
 * "no changes", then one "note: ..." line per note (free() it). */
int vrdma_apply_plan_format(struct vrdma_apply_plan *plan, char **ret);

/*
 * Execute exactly the plan's steps, in order.  Needs CAP_NET_ADMIN (checked
 * first: -EPERM and nothing touched).  When a step fails every completed
 * step is undone in reverse order and the kernel's error is returned; the
 * message names the step and the kernel's reason.  A plan runs once
 * (-EALREADY afterwards).  An empty plan sends nothing.  Every netlink
 * message sent (steps and rollback) is logged at debug priority.
 */
int vrdma_apply_execute(struct vrdma_apply_plan *plan);
/* true once vrdma_apply_execute() has succeeded on the plan. */
bool vrdma_apply_plan_is_executed(struct vrdma_apply_plan *plan);

/*
 * Drift check: the number of differences between configuration and kernel
 * (the plan's step count), >= 0; never writes.  host is required, as for
 * vrdma_apply_plan().  Holds a shared apply lock while reading (the
 * returned plan holds none).  ret may be NULL, else it receives the plan
 * describing the differences.
 */
int vrdma_apply_check(struct vrdma_ctx *ctx, struct vrdma_config *cfg,
                      struct vrdma_host *host, struct vrdma_apply_plan **ret);

/* ---- steps (borrowed from their plan) --------------------------------------- */

/* The step's position in its plan, 0-based. */
int vrdma_apply_step_get_index(struct vrdma_apply_step *step);
int vrdma_apply_step_get_action(struct vrdma_apply_step *step);  /* enum vrdma_apply_action */
int vrdma_apply_step_get_object(struct vrdma_apply_step *step);  /* enum vrdma_apply_object */
/* The netdev concerned (for a route or rule: the vmk's netdev). */
const char *vrdma_apply_step_get_ifname(struct vrdma_apply_step *step);
/* "link", "mtu", "state", "mac", "address", "route", "rule", "soft-adapter",
 * "roce_mode", "roce_tos". */
const char *vrdma_apply_step_get_attribute(struct vrdma_apply_step *step);
/* Values as text; -ENOENT for the old value of a create and the new value
 * of a delete. */
int vrdma_apply_step_get_old_value(struct vrdma_apply_step *step, const char **ret);
int vrdma_apply_step_get_new_value(struct vrdma_apply_step *step, const char **ret);
/* One line: "create link vmk1: macvlan on eth1 mac ... mtu 1500 up". */
const char *vrdma_apply_step_get_description(struct vrdma_apply_step *step);

/* Names, or NULL for a value out of range. */
const char *vrdma_apply_action_to_string(int action);     /* "create", "modify", "delete" */
const char *vrdma_apply_object_to_string(int object);     /* "link", "address", "route", "rule", "soft-adapter", "roce" */
const char *vrdma_apply_strategy_to_string(int strategy); /* "macvlan", "vlan+macvlan", "vlan", "uplink" */

#ifdef __cplusplus
}
#endif

#endif /* VRDMA_APPLY_H */
