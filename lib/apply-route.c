/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * apply: per-vmk policy routing, the Linux form of an ESXi vmk's own default
 * gateway.  vmkN with addresses gets routing table VRDMA_APPLY_TABLE_BASE + N
 * holding its connected subnets and, per family with a gateway, a default
 * route via the gateway, all out of the vmk's netdev; and one rule
 * "from <address> lookup <table>" per address (priority
 * VRDMA_APPLY_RULE_PRIORITY_BASE + N).  Traffic sourced from a vmk address leaves
 * through that vmk's netdev, as on ESXi; the main table is never touched.
 *
 * Ownership: routes and rules made here carry rtm_protocol
 * VRDMA_APPLY_RT_PROTOCOL; only those (in the per-vmk table range) are ever
 * deleted.  A foreign route in a table a vmk needs fails the plan (-EEXIST).
 *
 * Kernel facts this follows (measured on the build host's kernel):
 *  - a route needs its output device administratively up (-ENETDOWN), and
 *    taking a device down flushes every route through it: a vmk whose
 *    addresses sit on a down uplink gets no routes (a plan note says so);
 *  - a device losing its last IPv4 address flushes its IPv4 routes, and a
 *    deleted device takes its routes along: kept routes on such a netdev
 *    are deleted before and re-created after (see apply_route_plan());
 *  - rules of equal priority are evaluated in insertion order and a rule
 *    is always inserted after its equals: one priority per vmk makes the
 *    order canonical, and when one of a vmk's rules goes, the kept rules
 *    after it (same family) are re-created too, so that a rollback
 *    restores the exact order.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply-private.h"

static bool ip_equal(const struct vrdma_inaddr *a, const struct vrdma_inaddr *b)
{
	return a->family == b->family && a->prefix == b->prefix &&
	       (a->family == 0 || memcmp(a->raw, b->raw, apply_addr_len(a->family)) == 0);
}

/* The network of an address (host bits cleared), same prefix. */
static struct vrdma_inaddr network_of(const struct vrdma_inaddr *a)
{
	struct vrdma_inaddr n = *a;

	vrdma_inaddr_mask(&n, a->prefix);
	return n;
}

static char *route_text(const struct apply_route *r)
{
	char dst[INET6_ADDRSTRLEN + 16], a[INET6_ADDRSTRLEN];

	if (r->dst.prefix == 0)
		snprintf(dst, sizeof(dst), "default");
	else
		snprintf(dst, sizeof(dst), "%s/%u", vrdma_inaddr_format(&r->dst, a),
		         r->dst.prefix);
	if (r->gw.family)
		return vrdma_asprintf("%s via %s dev %s table %u", dst,
		                      vrdma_inaddr_format(&r->gw, a), r->dev, r->table);
	return vrdma_asprintf("%s dev %s table %u", dst, r->dev, r->table);
}

static char *rule_text(const struct apply_rule *r)
{
	char a[INET6_ADDRSTRLEN];

	return vrdma_asprintf("from %s lookup %u pref %u", vrdma_inaddr_format(&r->src, a),
	                      r->table, r->prio);
}

/* ---- wanted state ---------------------------------------------------------------- */

struct rwant {
	struct apply_route *routes;
	unsigned int n_routes;
	struct apply_rule *rules;
	unsigned int n_rules;
};

static void rwant_free(struct rwant *w)
{
	free(w->routes);
	free(w->rules);
}

static bool route_same(const struct apply_route *a, const struct apply_route *b)
{
	return a->family == b->family && a->table == b->table &&
	       ip_equal(&a->dst, &b->dst) && a->gw.family == b->gw.family &&
	       (!a->gw.family || memcmp(a->gw.raw, b->gw.raw, apply_addr_len(a->gw.family)) == 0) &&
	       strcmp(a->dev, b->dev) == 0;
}

static bool rule_same(const struct apply_rule *a, const struct apply_rule *b)
{
	return a->family == b->family && a->prio == b->prio && a->table == b->table &&
	       ip_equal(&a->src, &b->src);
}

static int want_route(struct rwant *w, const struct apply_route *r)
{
	struct apply_route *n;
	unsigned int i;

	for (i = 0; i < w->n_routes; i++)
		if (route_same(&w->routes[i], r))
			return 0;
	n = realloc(w->routes, sizeof(*n) * (w->n_routes + 1));
	if (!n)
		return -ENOMEM;
	w->routes = n;
	w->routes[w->n_routes++] = *r;
	return 0;
}

static int want_rule(struct rwant *w, const struct apply_rule *r)
{
	struct apply_rule *n = realloc(w->rules, sizeof(*n) * (w->n_rules + 1));

	if (!n)
		return -ENOMEM;
	w->rules = n;
	w->rules[w->n_rules++] = *r;
	return 0;
}

/* Is the table of vmk v holding a foreign route (not ours)? */
static const struct apply_route *foreign_in(struct apply_kernel *k, uint32_t table)
{
	unsigned int i;

	for (i = 0; i < k->n_routes; i++)
		if (k->routes[i].table == table && !apply_rt_is_ours(k->routes[i].protocol, table))
			return &k->routes[i];
	return NULL;
}

static int want_build(struct vrdma_ctx *ctx, struct vrdma_apply_plan *plan,
                      struct apply_kernel *k, const struct apply_vmk_routing *v,
                      unsigned int n_v, struct rwant *w, bool notes)
{
	unsigned int i, j, f;
	int r;

	for (i = 0; i < n_v; i++) {
		const struct apply_vmk_routing *vr = &v[i];
		uint32_t table = VRDMA_APPLY_TABLE_BASE + vr->number;
		const struct apply_route *alien;
		struct apply_klink *kl;

		if (vr->n_addrs == 0)
			continue;
		kl = apply_kernel_find(k, vr->netdev);
		if (vr->uplink && (!kl || !(kl->flags & IFF_UP))) {
			if (notes)
				apply_plan_add_note(plan, "vmk '%s': uplink '%s' is down: routes "
				                    "can only go through an up device, so table %u "
				                    "and its rules are made by an apply once it is up",
				                    vr->vmk, vr->netdev, table);
			continue;
		}
		alien = foreign_in(k, table);
		if (alien) {
			char *t = route_text(alien);
			r = vrdma_error(ctx, -EEXIST, "vmk '%s': routing table %u holds route "
			                "'%s' (protocol %d), not made by libvrdma; it is not "
			                "taken over: remove it or renumber the vmk", vr->vmk,
			                table, t ? t : "?", alien->protocol);
			free(t);
			return r;
		}
		/* connected subnets, then default routes (creation order) */
		for (j = 0; j < vr->n_addrs; j++) {
			struct apply_route rt = { 0 };
			rt.family = vr->addrs[j].family;
			rt.table = table;
			rt.dst = network_of(&vr->addrs[j]);
			rt.protocol = VRDMA_APPLY_RT_PROTOCOL;
			snprintf(rt.dev, IFNAMSIZ, "%s", vr->netdev);
			r = want_route(w, &rt);
			if (r < 0)
				return r;
		}
		for (f = 0; f < 2; f++) {
			struct apply_route rt = { 0 };
			bool has_family = false;
			if (!vr->gw[f].family)
				continue;
			for (j = 0; j < vr->n_addrs; j++)
				has_family |= vr->addrs[j].family == vr->gw[f].family;
			if (!has_family)
				continue;
			rt.family = vr->gw[f].family;
			rt.table = table;
			rt.dst.family = rt.family;
			rt.gw = vr->gw[f];
			rt.gw.prefix = 0;
			rt.protocol = VRDMA_APPLY_RT_PROTOCOL;
			snprintf(rt.dev, IFNAMSIZ, "%s", vr->netdev);
			r = want_route(w, &rt);
			if (r < 0)
				return r;
		}
		for (j = 0; j < vr->n_addrs; j++) {
			struct apply_rule ru = { 0 };
			ru.family = vr->addrs[j].family;
			ru.prio = VRDMA_APPLY_RULE_PRIORITY_BASE + vr->number;
			ru.table = table;
			ru.src = vr->addrs[j];
			ru.src.prefix = apply_addr_len(ru.family) * 8;
			snprintf(ru.dev, IFNAMSIZ, "%s", vr->netdev);
			r = want_rule(w, &ru);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

/* ---- steps -------------------------------------------------------------------------- */

static int route_step(struct vrdma_apply_plan *plan, bool add, const struct apply_route *rt)
{
	struct vrdma_apply_step *st = apply_step_new(plan, add ? VRDMA_APPLY_CREATE : VRDMA_APPLY_DELETE,
	                                             VRDMA_APPLY_OBJ_ROUTE,
	                                             add ? APPLY_OP_ROUTE_ADD : APPLY_OP_ROUTE_DEL,
	                                             rt->dev, "route");
	char *t;

	if (!st)
		return -ENOMEM;
	st->route = *rt;
	st->route.protocol = VRDMA_APPLY_RT_PROTOCOL;
	t = route_text(rt);
	if (!t)
		return -ENOMEM;
	return add ? apply_step_text(st, NULL, t) : apply_step_text(st, t, NULL);
}

static int rule_step(struct vrdma_apply_plan *plan, bool add, const struct apply_rule *ru,
                     const char *dev)
{
	struct vrdma_apply_step *st = apply_step_new(plan, add ? VRDMA_APPLY_CREATE : VRDMA_APPLY_DELETE,
	                                             VRDMA_APPLY_OBJ_RULE,
	                                             add ? APPLY_OP_RULE_ADD : APPLY_OP_RULE_DEL,
	                                             dev, "rule");
	char *t;

	if (!st)
		return -ENOMEM;
	st->rule = *ru;
	t = rule_text(ru);
	if (!t)
		return -ENOMEM;
	return add ? apply_step_text(st, NULL, t) : apply_step_text(st, t, NULL);
}

/* Will the plan's deletion steps make the kernel drop routes of this family
 * through dev (a device deleted, or an IPv4 address removed from it)? */
static bool disturbed(struct vrdma_apply_plan *plan, unsigned int b_first,
                      unsigned int b_end, const char *dev, int family)
{
	unsigned int i;

	for (i = b_first; i < b_end && i < plan->n_steps; i++) {
		const struct vrdma_apply_step *st = &plan->steps[i];
		if (strcmp(st->ifname, dev) != 0)
			continue;
		if (st->op == APPLY_OP_LINK_DELETE)
			return true;
		if (st->op == APPLY_OP_ADDR_DEL && st->addr.family == AF_INET && family == AF_INET)
			return true;
	}
	return false;
}

static bool route_kept(struct vrdma_apply_plan *plan, unsigned int b_first,
                       unsigned int b_end, const struct apply_route *rt)
{
	return !disturbed(plan, b_first, b_end, rt->dev, rt->family);
}

static const struct apply_route *kernel_route(struct apply_kernel *k, const struct apply_route *rt)
{
	unsigned int i;

	for (i = 0; i < k->n_routes; i++)
		if (apply_rt_is_ours(k->routes[i].protocol, k->routes[i].table) &&
		    route_same(&k->routes[i], rt))
			return &k->routes[i];
	return NULL;
}

static bool wanted_route(struct rwant *w, const struct apply_route *rt)
{
	unsigned int i;

	for (i = 0; i < w->n_routes; i++)
		if (route_same(&w->routes[i], rt))
			return true;
	return false;
}

static const char *rule_dev(struct rwant *w, const struct apply_rule *ru)
{
	unsigned int i;

	for (i = 0; i < w->n_rules; i++)
		if (w->rules[i].table == ru->table)
			return w->rules[i].dev;
	return "";
}

static bool rule_wanted(struct rwant *w, const struct apply_rule *ru)
{
	unsigned int i;

	for (i = 0; i < w->n_rules; i++)
		if (rule_same(&w->rules[i], ru))
			return true;
	return false;
}

/* Kernel rule i (ours) goes: not wanted, or listed after one of its
 * family and priority that goes (it is re-created to keep the order). */
static bool rule_doomed(struct apply_kernel *k, struct rwant *w, unsigned int i)
{
	unsigned int j;

	if (!rule_wanted(w, &k->rules[i]))
		return true;
	for (j = 0; j < i; j++)
		if (k->rules[j].family == k->rules[i].family &&
		    k->rules[j].prio == k->rules[i].prio && !rule_wanted(w, &k->rules[j]))
			return true;
	return false;
}

int apply_route_plan(struct vrdma_ctx *ctx, struct vrdma_apply_plan *plan,
                     struct apply_kernel *k, const struct apply_vmk_routing *v,
                     unsigned int n_v, unsigned int b_first, unsigned int b_end,
                     bool deletions)
{
	struct rwant w = { 0 };
	unsigned int i, j, pass;
	int r;

	r = want_build(ctx, plan, k, v, n_v, &w, deletions);
	if (r < 0)
		goto out;
	if (deletions) {
		/* rules first (last listed first, so that undoing re-inserts them
		 * in their order), then default routes, then connected routes */
		for (i = k->n_rules; i-- > 0 && r >= 0;)
			if (rule_doomed(k, &w, i))
				r = rule_step(plan, false, &k->rules[i], rule_dev(&w, &k->rules[i]));
		for (pass = 0; pass < 2; pass++) {
			for (i = 0; i < k->n_routes && r >= 0; i++) {
				const struct apply_route *kr = &k->routes[i];
				if (!apply_rt_is_ours(kr->protocol, kr->table) || (kr->dst.prefix == 0) != (pass == 0))
					continue;
				if (wanted_route(&w, kr) && route_kept(plan, b_first, b_end, kr))
					continue;
				r = route_step(plan, false, kr);
			}
		}
		goto out;
	}
	/* connected routes first (a gateway must be reachable), then rules */
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < w.n_routes && r >= 0; i++) {
			const struct apply_route *rt = &w.routes[i];
			if ((rt->dst.prefix == 0) != (pass == 1))
				continue;
			if (kernel_route(k, rt) && route_kept(plan, b_first, b_end, rt))
				continue;
			r = route_step(plan, true, rt);
		}
	}
	for (i = 0; i < w.n_rules && r >= 0; i++) {
		bool have = false;
		for (j = 0; j < k->n_rules; j++)
			have |= rule_same(&k->rules[j], &w.rules[i]) && !rule_doomed(k, &w, j);
		if (!have)
			r = rule_step(plan, true, &w.rules[i], w.rules[i].dev);
	}
out:
	rwant_free(&w);
	return r;
}
