/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * apply: the realisation rules (which netdev carries which vmk) and the plan
 * (the ordered diff between the desired kernel state and the live one).
 *
 * Step order, chosen so that every prefix of the plan can be undone in
 * reverse order exactly (MTUs never clamp a child, deletions free names
 * before creations reuse them):
 *   A  uplinks: MTU raised to the switch MTU (never brought up or down)
 *   B0 unwanted per-vmk rules and routes removed (default routes before
 *      connected ones), and kept routes the kernel would flush in B
 *      (apply-route.c)
 *   B  unwanted addresses removed; unwanted owned links removed (addresses
 *      first, each as its own step, then macvlans, then 802.1Q devices)
 *   C  MTU decreases of kept owned links (vmk devices, then 802.1Q devices)
 *   D  shared 802.1Q devices created / modified
 *   E  vmk devices created / modified (MAC, MTU increase, up)
 *   F  addresses added
 *   G  per-vmk routes (connected, then default via the gateway), then the
 *      "from <address>" rules (apply-route.c)
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/if_link.h>

#include "internal.h"

/* ---- small helpers -------------------------------------------------------- */

void apply_mac_to_string(const uint8_t mac[6], char buf[18])
{
	snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x",
	         mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
}

static int parse_mac(const char *s, uint8_t mac[6])
{
	unsigned int b[6];
	int i;

	if (!s || sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x", &b[0], &b[1], &b[2],
	                 &b[3], &b[4], &b[5]) != 6)
		return -EINVAL;
	for (i = 0; i < 6; i++)
		mac[i] = (uint8_t)b[i];
	return 0;
}

int apply_addr_parse(const char *text, unsigned int prefix, struct apply_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, text, a->raw) == 1)
		a->family = AF_INET;
	else if (inet_pton(AF_INET6, text, a->raw) == 1)
		a->family = AF_INET6;
	else
		return -EINVAL;
	a->prefix = prefix;
	inet_ntop(a->family, a->raw, a->text, sizeof(a->text));
	return 0;
}

static bool addr_same_ip(const struct apply_addr *a, const struct apply_addr *b)
{
	return a->family == b->family &&
	       memcmp(a->raw, b->raw, a->family == AF_INET ? 4 : 16) == 0;
}

static bool addr_equal(const struct apply_addr *a, const struct apply_addr *b)
{
	return addr_same_ip(a, b) && a->prefix == b->prefix;
}

static const struct apply_addr *addr_find(const struct apply_addr *v, unsigned int n,
                                          const struct apply_addr *a, bool exact)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (exact ? addr_equal(&v[i], a) : addr_same_ip(&v[i], a))
			return &v[i];
	return NULL;
}

int apply_plan_add_note(struct vrdma_apply_plan *plan, const char *fmt, ...)
{
	char **n, *s;
	va_list ap;
	int r;

	if (!plan)
		return 0;
	va_start(ap, fmt);
	r = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (r < 0)
		return -ENOMEM;
	n = realloc(plan->notes, sizeof(*n) * (plan->n_notes + 1));
	if (!n) {
		free(s);
		return -ENOMEM;
	}
	plan->notes = n;
	plan->notes[plan->n_notes++] = s;
	return 0;
}

/* ---- realisation rules ------------------------------------------------------ */

/* Resolve an uplink device name (vmnic alias or netdev name) to a netdev. */
static int resolve_device(struct vrdma_host *host, const char *dev,
                          char out[IFNAMSIZ], int *ifindex)
{
	struct vrdma_uplink *u;
	struct vrdma_netdev *nd = NULL;

	if (vrdma_host_find_uplink(host, dev, &u) == 0)
		nd = vrdma_uplink_get_netdev(u);
	if (!nd && vrdma_host_find_netdev(host, dev, &nd) < 0)
		return -ENODEV;
	if (!nd)
		return -ENODEV;
	snprintf(out, IFNAMSIZ, "%s", vrdma_netdev_get_name(nd));
	*ifindex = vrdma_netdev_get_ifindex(nd);
	return 0;
}

/* The RDMA adapter whose port is paired with netdev `name`, or NULL. */
static struct vrdma_adapter *paired_adapter(struct vrdma_host *host, const char *name)
{
	int i, n = vrdma_host_get_n_adapters(host);

	for (i = 0; i < n; i++) {
		struct vrdma_adapter *a = vrdma_host_get_adapter(host, i);
		int p, np = vrdma_adapter_get_n_ports(a);
		for (p = 1; p <= np; p++) {
			const char *nd = vrdma_port_get_netdev_name(vrdma_adapter_get_port(a, p));
			if (nd && strcmp(nd, name) == 0)
				return a;
		}
	}
	return NULL;
}

static bool word_in_list(const char *list, const char *word)
{
	size_t len = strlen(word);
	const char *p = list;

	while (p && *p) {
		size_t l;
		p += strspn(p, " ,");
		l = strcspn(p, " ,");
		if (l == len && strncmp(p, word, len) == 0)
			return true;
		p += l;
	}
	return false;
}

/* Soft-RoCE and soft-iWARP only receive remote traffic for addresses on
 * their own netdev or on an 802.1Q device directly on it. */
static bool adapter_is_soft(struct vrdma_adapter *a)
{
	const char *drv, *name;

	if (!a)
		return false;
	drv = vrdma_adapter_get_driver(a);
	name = vrdma_adapter_get_name(a);
	if (drv && (strcmp(drv, "rdma_rxe") == 0 || strcmp(drv, "rxe") == 0 ||
	            strcmp(drv, "siw") == 0))
		return true;
	return name && (strncmp(name, "rxe", 3) == 0 || strncmp(name, "siw", 3) == 0);
}

int apply_resolve_vmk(struct vrdma_ctx *ctx, struct vrdma_host *host,
                      struct vrdma_vmk *vmk, struct apply_vmk_real *r,
                      struct vrdma_apply_plan *notes)
{
	const char *vname = vrdma_vmk_get_name(vmk), *up, *dev, *test;
	struct vrdma_portgroup *pg = vrdma_vmk_get_portgroup(vmk);
	struct vrdma_switch *sw = pg ? vrdma_portgroup_get_switch(pg) : NULL;
	struct vrdma_adapter *ad;
	int n, ifindex = 0, mode;

	memset(r, 0, sizeof(*r));
	if (!pg || !sw)
		return vrdma_error(ctx, -ENODEV, "vmk '%s': not in a configuration", vname);
	n = vrdma_portgroup_get_failover_count(pg, VRDMA_UPLINK_ACTIVE);
	if (n <= 0 || vrdma_portgroup_get_failover_uplink(pg, VRDMA_UPLINK_ACTIVE, 0, &up) < 0)
		return vrdma_error(ctx, -ENOLINK,
		                   "vmk '%s': port group '%s' has no active uplink",
		                   vname, vrdma_portgroup_get_name(pg));
	if (n > 1)
		apply_plan_add_note(notes, "vmk '%s': port group '%s' has %d active uplinks; "
		                    "the vmk is stacked on the first, '%s' (RDMA port "
		                    "binding wants exactly one active uplink)",
		                    vname, vrdma_portgroup_get_name(pg), n, up);
	if (vrdma_switch_get_uplink_device(sw, up, &dev) < 0 || !dev)
		return vrdma_error(ctx, -ENODEV,
		                   "vmk '%s': uplink slot '%s' of switch '%s' is not mapped to a device",
		                   vname, up, vrdma_switch_get_name(sw));
	if (resolve_device(host, dev, r->uplink, &ifindex) < 0)
		return vrdma_error(ctx, -ENODEV,
		                   "vmk '%s': uplink '%s' of switch '%s' does not exist on this host",
		                   vname, dev, vrdma_switch_get_name(sw));
	ad = paired_adapter(host, r->uplink);
	r->adapter = ad ? vrdma_adapter_get_name(ad) : NULL;
	r->soft = adapter_is_soft(ad);
	test = secure_getenv("VRDMA_TEST_APPLY_SOFT_UPLINKS");
	if (test && word_in_list(test, r->uplink))
		r->soft = true;

	mode = vrdma_portgroup_get_vlan_mode(pg);
	r->vid = mode == VRDMA_VLAN_TAGGED ? vrdma_portgroup_get_vlan_id(pg) : 0;
	if (mode == VRDMA_VLAN_TRUNK)
		apply_plan_add_note(notes, "vmk '%s': port group '%s' is a VLAN trunk; "
		                    "the vmk sends untagged", vname,
		                    vrdma_portgroup_get_name(pg));
	snprintf(r->netdev, IFNAMSIZ, "%s", vrdma_vmk_get_ifname(vmk));
	if (r->vid == 0) {
		snprintf(r->lower, IFNAMSIZ, "%s", r->uplink);
		if (r->soft) {
			r->strategy = VRDMA_APPLY_STRATEGY_UPLINK;
			snprintf(r->netdev, IFNAMSIZ, "%s", r->uplink);
		} else {
			r->strategy = VRDMA_APPLY_STRATEGY_MACVLAN;
		}
	} else if (r->soft) {
		r->strategy = VRDMA_APPLY_STRATEGY_VLAN;
		snprintf(r->lower, IFNAMSIZ, "%s", r->uplink);
	} else {
		char name[64];

		r->strategy = VRDMA_APPLY_STRATEGY_VLAN_MACVLAN;
		/* "<uplink>.<vid>" when it fits in IFNAMSIZ, else "vrdma<ifindex>.<vid>" */
		snprintf(name, sizeof(name), "%s.%d", r->uplink, r->vid);
		if (strlen(name) > VRDMA_IFNAME_MAX)
			snprintf(name, sizeof(name), "vrdma%d.%d", ifindex % 100000, r->vid);
		memcpy(r->vlandev, name, IFNAMSIZ - 1);
		memcpy(r->lower, name, IFNAMSIZ - 1);
	}
	return 0;
}

/* ---- desired state ---------------------------------------------------------- */

struct want_link {
	struct apply_linkspec spec;
	struct apply_addr addrs[1 + VRDMA_MAX_IPV6_ADDRS];
	unsigned int n_addrs;
	bool vlandev;                /* a shared 802.1Q device (no addresses) */
	const char *vmk;             /* for messages */
};

struct want_uplink {
	char name[IFNAMSIZ];
	int mtu;
	struct apply_addr *addrs;    /* soft untagged vmks' addresses */
	unsigned int n_addrs;
	bool carries_vmk;
};

struct want {
	struct want_link *links;
	unsigned int n_links;
	struct want_uplink *uplinks;
	unsigned int n_uplinks;
	struct apply_vmk_routing *routing;
	unsigned int n_routing;
};

static void want_free(struct want *w)
{
	unsigned int i;

	for (i = 0; i < w->n_uplinks; i++)
		free(w->uplinks[i].addrs);
	free(w->uplinks);
	free(w->links);
	free(w->routing);
}

static struct want_link *want_find_link(struct want *w, const char *name)
{
	unsigned int i;

	for (i = 0; i < w->n_links; i++)
		if (strcmp(w->links[i].spec.name, name) == 0)
			return &w->links[i];
	return NULL;
}

static struct want_uplink *want_find_uplink(struct want *w, const char *name)
{
	unsigned int i;

	for (i = 0; i < w->n_uplinks; i++)
		if (strcmp(w->uplinks[i].name, name) == 0)
			return &w->uplinks[i];
	return NULL;
}

static struct want_link *want_add_link(struct want *w)
{
	struct want_link *n = realloc(w->links, sizeof(*n) * (w->n_links + 1));

	if (!n)
		return NULL;
	w->links = n;
	memset(&n[w->n_links], 0, sizeof(*n));
	return &n[w->n_links++];
}

static int vmk_addrs(struct vrdma_vmk *vmk, struct apply_addr *v, unsigned int *n)
{
	const char *a;
	unsigned int p;
	int i, c;

	*n = 0;
	if (vrdma_vmk_get_ipv4(vmk, &a, &p) == 0 && apply_addr_parse(a, p, &v[*n]) == 0)
		(*n)++;
	c = vrdma_vmk_get_ipv6_count(vmk);
	for (i = 0; i < c && *n < 1 + VRDMA_MAX_IPV6_ADDRS; i++)
		if (vrdma_vmk_get_ipv6(vmk, (unsigned int)i, &a, &p) == 0 &&
		    apply_addr_parse(a, p, &v[*n]) == 0)
			(*n)++;
	return 0;
}

static int want_uplinks(struct vrdma_ctx *ctx, struct vrdma_config *cfg,
                        struct vrdma_host *host, struct want *w,
                        struct vrdma_apply_plan *plan)
{
	int s, ns = vrdma_config_get_switch_count(cfg);

	for (s = 0; s < ns; s++) {
		struct vrdma_switch *sw;
		int u, nu;
		if (vrdma_config_get_switch(cfg, (unsigned int)s, &sw) < 0)
			continue;
		nu = vrdma_switch_get_uplink_count(sw);
		for (u = 0; u < nu; u++) {
			const char *name, *dev;
			char ifname[IFNAMSIZ];
			int idx;
			struct want_uplink *wu;
			if (vrdma_switch_get_uplink(sw, (unsigned int)u, &name) < 0)
				continue;
			if (vrdma_switch_get_uplink_device(sw, name, &dev) < 0 || !dev)
				continue; /* unmapped vDS slot */
			if (resolve_device(host, dev, ifname, &idx) < 0) {
				apply_plan_add_note(plan, "switch '%s': uplink '%s' does not "
				                    "exist on this host; skipped",
				                    vrdma_switch_get_name(sw), dev);
				continue;
			}
			if (want_find_uplink(w, ifname))
				continue;
			wu = realloc(w->uplinks, sizeof(*wu) * (w->n_uplinks + 1));
			if (!wu)
				return -ENOMEM;
			w->uplinks = wu;
			wu = &w->uplinks[w->n_uplinks++];
			memset(wu, 0, sizeof(*wu));
			snprintf(wu->name, IFNAMSIZ, "%s", ifname);
			wu->mtu = vrdma_switch_get_mtu(sw);
		}
	}
	(void)ctx;
	return 0;
}

/* What the vmk's policy routing table needs (apply-route.c plans it). */
static int want_routing(struct want *w, struct vrdma_vmk *vmk,
                        const struct apply_vmk_real *r,
                        const struct apply_addr *addrs, unsigned int n_addrs)
{
	struct apply_vmk_routing *n, *v;
	const char *name = vrdma_vmk_get_name(vmk), *gw;
	int f;

	n = realloc(w->routing, sizeof(*n) * (w->n_routing + 1));
	if (!n)
		return -ENOMEM;
	w->routing = n;
	v = &n[w->n_routing++];
	memset(v, 0, sizeof(*v));
	v->vmk = name;
	v->number = (unsigned int)strtoul(name + 3, NULL, 10); /* the model checks "vmkN" */
	snprintf(v->netdev, IFNAMSIZ, "%s", r->netdev);
	v->uplink = r->strategy == VRDMA_APPLY_STRATEGY_UPLINK;
	memcpy(v->addrs, addrs, sizeof(*addrs) * n_addrs);
	v->n_addrs = n_addrs;
	for (f = 0; f < 2; f++)
		if (vrdma_vmk_get_gateway(vmk, f ? AF_INET6 : AF_INET, &gw) == 0 && gw)
			apply_addr_parse(gw, 0, &v->gw[f]);
	return 0;
}

static int want_vmk(struct vrdma_ctx *ctx, struct vrdma_host *host, struct want *w,
                    struct vrdma_vmk *vmk, struct vrdma_apply_plan *plan)
{
	struct apply_vmk_real r;
	struct apply_addr addrs[1 + VRDMA_MAX_IPV6_ADDRS];
	unsigned int n_addrs, i;
	struct want_link *wl;
	const char *vname = vrdma_vmk_get_name(vmk);
	int rc;

	rc = apply_resolve_vmk(ctx, host, vmk, &r, plan);
	if (rc < 0)
		return rc;
	vmk_addrs(vmk, addrs, &n_addrs);
	rc = want_routing(w, vmk, &r, addrs, n_addrs);
	if (rc < 0)
		return rc;

	if (r.strategy == VRDMA_APPLY_STRATEGY_UPLINK) {
		struct want_uplink *wu = want_find_uplink(w, r.uplink);
		struct apply_addr *n;
		if (!wu)
			return vrdma_error(ctx, -ENODEV, "vmk '%s': uplink '%s' is not "
			                   "an uplink of a switch", vname, r.uplink);
		n = realloc(wu->addrs, sizeof(*n) * (wu->n_addrs + n_addrs + 1));
		if (!n)
			return -ENOMEM;
		wu->addrs = n;
		for (i = 0; i < n_addrs; i++)
			wu->addrs[wu->n_addrs++] = addrs[i];
		if (wu->carries_vmk)
			apply_plan_add_note(plan, "vmk '%s': shares uplink '%s' (soft RDMA "
			                    "adapter %s) with another untagged vmk",
			                    vname, r.uplink, r.adapter ? r.adapter : "?");
		wu->carries_vmk = true;
		if (vrdma_vmk_get_mtu(vmk) != wu->mtu)
			apply_plan_add_note(plan, "vmk '%s': its addresses are carried by "
			                    "uplink '%s' (soft RDMA adapter %s), whose MTU "
			                    "is the switch's (%d), not the vmk's (%d)",
			                    vname, r.uplink, r.adapter ? r.adapter : "?",
			                    wu->mtu, vrdma_vmk_get_mtu(vmk));
		return 0;
	}
	if (want_find_uplink(w, r.uplink))
		want_find_uplink(w, r.uplink)->carries_vmk = true;

	if (r.strategy == VRDMA_APPLY_STRATEGY_VLAN) {
		for (i = 0; i < w->n_links; i++)
			if (!w->links[i].vlandev && strcmp(w->links[i].spec.kind, "vlan") == 0 &&
			    strcmp(w->links[i].spec.lower, r.uplink) == 0 &&
			    w->links[i].spec.vid == r.vid)
				return vrdma_error(ctx, -EOPNOTSUPP,
				                   "vmk '%s': VLAN %d on uplink '%s' (soft RDMA "
				                   "adapter %s) already carries vmk '%s'; a soft "
				                   "adapter takes one vmk per VLAN and uplink",
				                   vname, r.vid, r.uplink,
				                   r.adapter ? r.adapter : "?", w->links[i].vmk);
	}
	if (r.strategy == VRDMA_APPLY_STRATEGY_VLAN_MACVLAN) {
		struct vrdma_portgroup *pg = vrdma_vmk_get_portgroup(vmk);
		struct vrdma_switch *sw = vrdma_portgroup_get_switch(pg);
		wl = want_find_link(w, r.vlandev);
		if (!wl) {
			wl = want_add_link(w);
			if (!wl)
				return -ENOMEM;
			wl->vlandev = true;
			wl->vmk = vname;
			snprintf(wl->spec.name, IFNAMSIZ, "%s", r.vlandev);
			snprintf(wl->spec.kind, sizeof(wl->spec.kind), "vlan");
			snprintf(wl->spec.lower, IFNAMSIZ, "%s", r.uplink);
			wl->spec.vid = r.vid;
			wl->spec.mtu = vrdma_switch_get_mtu(sw);
			wl->spec.up = true;
			snprintf(wl->spec.alias, APPLY_ALIAS_MAX, VRDMA_APPLY_ALIAS_PREFIX "vlan");
		} else if (!wl->vlandev) {
			return vrdma_error(ctx, -EEXIST, "vmk '%s': VLAN device name '%s' "
			                   "is also the name of vmk '%s'", vname,
			                   r.vlandev, wl->vmk);
		}
	}
	if (want_find_link(w, r.netdev))
		return vrdma_error(ctx, -EEXIST, "vmk '%s': interface name '%s' is "
		                   "needed twice", vname, r.netdev);
	wl = want_add_link(w);
	if (!wl)
		return -ENOMEM;
	wl->vmk = vname;
	snprintf(wl->spec.name, IFNAMSIZ, "%s", r.netdev);
	snprintf(wl->spec.kind, sizeof(wl->spec.kind), "%s",
	         r.strategy == VRDMA_APPLY_STRATEGY_VLAN ? "vlan" : "macvlan");
	snprintf(wl->spec.lower, IFNAMSIZ, "%s", r.lower);
	wl->spec.vid = r.strategy == VRDMA_APPLY_STRATEGY_VLAN ? r.vid : 0;
	wl->spec.has_mac = parse_mac(vrdma_vmk_get_mac(vmk), wl->spec.mac) == 0;
	wl->spec.mtu = vrdma_vmk_get_mtu(vmk);
	wl->spec.up = true;
	snprintf(wl->spec.alias, APPLY_ALIAS_MAX, VRDMA_APPLY_ALIAS_PREFIX "%s", vname);
	memcpy(wl->addrs, addrs, sizeof(addrs[0]) * n_addrs);
	wl->n_addrs = n_addrs;
	return 0;
}

/* ---- steps ------------------------------------------------------------------- */

static const char *const action_names[] = { "create", "modify", "delete" };

struct vrdma_apply_step *apply_step_new(struct vrdma_apply_plan *plan,
                                        enum vrdma_apply_action action,
                                        enum vrdma_apply_object object,
                                        enum apply_op op, const char *ifname,
                                        const char *attribute)
{
	struct vrdma_apply_step *st;

	if (plan->n_steps == plan->cap_steps) {
		unsigned int ncap = plan->cap_steps ? plan->cap_steps * 2 : 16;
		st = realloc(plan->steps, sizeof(*st) * ncap);
		if (!st)
			return NULL;
		plan->steps = st;
		plan->cap_steps = ncap;
	}
	st = &plan->steps[plan->n_steps];
	memset(st, 0, sizeof(*st));
	st->number = (int)plan->n_steps + 1;
	st->action = action;
	st->object = object;
	st->op = op;
	snprintf(st->ifname, IFNAMSIZ, "%s", ifname);
	st->attribute = attribute;
	plan->n_steps++;
	return st;
}

int apply_step_text(struct vrdma_apply_step *st, char *old, char *new)
{
	const char *obj = vrdma_apply_object_to_string(st->object);
	int r;

	st->old_value = old;
	st->new_value = new;
	if (!old && !new)
		return -ENOMEM;
	if (st->object == VRDMA_APPLY_OBJ_ROUTE || st->object == VRDMA_APPLY_OBJ_RULE)
		r = asprintf(&st->description, "%s %s %s", action_names[st->action], obj,
		             st->action == VRDMA_APPLY_DELETE ? old : new);
	else if (st->object == VRDMA_APPLY_OBJ_ADDRESS)
		r = asprintf(&st->description, "%s address %s on %s",
		             action_names[st->action],
		             st->action == VRDMA_APPLY_DELETE ? old : new, st->ifname);
	else if (st->action == VRDMA_APPLY_MODIFY)
		r = asprintf(&st->description, "modify link %s %s: %s -> %s",
		             st->ifname, st->attribute, old, new);
	else
		r = asprintf(&st->description, "%s %s %s: %s", action_names[st->action],
		             obj, st->ifname, st->action == VRDMA_APPLY_DELETE ? old : new);
	if (r < 0) {
		st->description = NULL;
		return -ENOMEM;
	}
	return 0;
}

static char *spec_text(const struct apply_linkspec *s)
{
	char mac[18] = "", *t;
	char vid[16] = "";

	if (s->has_mac)
		apply_mac_to_string(s->mac, mac);
	if (strcmp(s->kind, "vlan") == 0)
		snprintf(vid, sizeof(vid), " %d", s->vid);
	if (asprintf(&t, "%s%s on %s%s%s mtu %d %s", s->kind, vid, s->lower,
	             s->has_mac ? " mac " : "", mac, s->mtu, s->up ? "up" : "down") < 0)
		return NULL;
	return t;
}

static int add_link_step(struct vrdma_apply_plan *plan, bool create,
                         const struct apply_linkspec *spec)
{
	struct vrdma_apply_step *st = apply_step_new(plan, create ? VRDMA_APPLY_CREATE : VRDMA_APPLY_DELETE,
	                                       VRDMA_APPLY_OBJ_LINK,
	                                       create ? APPLY_OP_LINK_CREATE : APPLY_OP_LINK_DELETE,
	                                       spec->name, "link");
	char *t;

	if (!st)
		return -ENOMEM;
	st->spec = *spec;
	t = spec_text(spec);
	if (!t)
		return -ENOMEM;
	return create ? apply_step_text(st, NULL, t) : apply_step_text(st, t, NULL);
}

static int add_addr_step(struct vrdma_apply_plan *plan, bool add, const char *ifname,
                         const struct apply_addr *a, bool owned)
{
	struct vrdma_apply_step *st = apply_step_new(plan, add ? VRDMA_APPLY_CREATE : VRDMA_APPLY_DELETE,
	                                       VRDMA_APPLY_OBJ_ADDRESS,
	                                       add ? APPLY_OP_ADDR_ADD : APPLY_OP_ADDR_DEL,
	                                       ifname, "address");
	char *t;

	if (!st)
		return -ENOMEM;
	st->addr = *a;
	st->owned_uplink_addr = owned;
	t = vrdma_asprintf("%s/%u", a->text, a->prefix);
	if (!t)
		return -ENOMEM;
	return add ? apply_step_text(st, NULL, t) : apply_step_text(st, t, NULL);
}

static int add_mtu_step(struct vrdma_apply_plan *plan, const char *ifname, int old, int new)
{
	struct vrdma_apply_step *st = apply_step_new(plan, VRDMA_APPLY_MODIFY, VRDMA_APPLY_OBJ_LINK,
	                                       APPLY_OP_LINK_MTU, ifname, "mtu");
	if (!st)
		return -ENOMEM;
	st->old_mtu = old;
	st->new_mtu = new;
	return apply_step_text(st, vrdma_asprintf("%d", old), vrdma_asprintf("%d", new));
}

static int add_up_step(struct vrdma_apply_plan *plan, const char *ifname, bool old, bool new)
{
	struct vrdma_apply_step *st = apply_step_new(plan, VRDMA_APPLY_MODIFY, VRDMA_APPLY_OBJ_LINK,
	                                       APPLY_OP_LINK_UP, ifname, "state");
	if (!st)
		return -ENOMEM;
	st->old_up = old;
	st->new_up = new;
	return apply_step_text(st, strdup(old ? "up" : "down"), strdup(new ? "up" : "down"));
}

static int add_mac_step(struct vrdma_apply_plan *plan, const char *ifname,
                        const uint8_t old[6], const uint8_t new[6])
{
	struct vrdma_apply_step *st = apply_step_new(plan, VRDMA_APPLY_MODIFY, VRDMA_APPLY_OBJ_LINK,
	                                       APPLY_OP_LINK_MAC, ifname, "mac");
	char o[18], n[18];

	if (!st)
		return -ENOMEM;
	memcpy(st->old_mac, old, 6);
	memcpy(st->new_mac, new, 6);
	apply_mac_to_string(old, o);
	apply_mac_to_string(new, n);
	return apply_step_text(st, strdup(o), strdup(n));
}

/* ---- diff -------------------------------------------------------------------- */

static bool is_owned_kind(const struct apply_klink *l)
{
	return apply_klink_is_managed(l) &&
	       (strcmp(l->kind, "macvlan") == 0 || strcmp(l->kind, "vlan") == 0);
}

/* Does the kernel link realise the wanted one (same identity)? */
static bool link_matches(const struct apply_klink *k, const struct want_link *w)
{
	if (!is_owned_kind(k) || strcmp(k->alias, w->spec.alias) != 0 ||
	    strcmp(k->kind, w->spec.kind) != 0 || strcmp(k->lower, w->spec.lower) != 0)
		return false;
	if (strcmp(k->kind, "vlan") == 0)
		return k->vid == w->spec.vid;
	return k->macvlan_mode == MACVLAN_MODE_BRIDGE;
}

static void klink_spec(const struct apply_klink *k, struct apply_linkspec *s)
{
	memset(s, 0, sizeof(*s));
	snprintf(s->name, IFNAMSIZ, "%s", k->name);
	snprintf(s->kind, sizeof(s->kind), "%s", k->kind);
	snprintf(s->lower, IFNAMSIZ, "%s", k->lower);
	s->vid = k->vid;
	s->macvlan_mode = k->macvlan_mode > 0 ? k->macvlan_mode : 0;
	s->ifindex = k->ifindex;
	memcpy(s->mac, k->mac, 6);
	s->has_mac = k->has_mac;
	s->mtu = k->mtu;
	s->up = (k->flags & IFF_UP) != 0;
	snprintf(s->alias, APPLY_ALIAS_MAX, "%s", k->alias);
}

/* Is kernel link k going away (an owned link not matched by the wanted state)? */
static bool doomed(struct want *w, const struct apply_klink *k)
{
	struct want_link *wl;

	if (!is_owned_kind(k))
		return false;
	wl = want_find_link(w, k->name);
	return !wl || !link_matches(k, wl);
}

static int plan_deletions(struct vrdma_ctx *ctx, struct vrdma_apply_plan *plan,
                          struct apply_kernel *k, struct want *w)
{
	unsigned int i, j, pass;
	int r;

	/* B1: owned uplink addresses that are no longer wanted. */
	for (i = 0; i < k->n_links; i++) {
		struct apply_klink *kl = &k->links[i];
		struct want_uplink *wu = want_find_uplink(w, kl->name);
		for (j = 0; j < kl->n_addrs; j++) {
			if (!apply_owned_contains(plan, kl->name, &kl->addrs[j]))
				continue;
			if (wu && addr_find(wu->addrs, wu->n_addrs, &kl->addrs[j], true))
				continue;
			r = add_addr_step(plan, false, kl->name, &kl->addrs[j], true);
			if (r < 0)
				return r;
		}
	}
	/* B2: unwanted addresses on kept owned links. */
	for (i = 0; i < k->n_links; i++) {
		struct apply_klink *kl = &k->links[i];
		struct want_link *wl;
		if (doomed(w, kl) || !is_owned_kind(kl))
			continue;
		wl = want_find_link(w, kl->name);
		for (j = 0; j < kl->n_addrs; j++) {
			if (addr_find(wl->addrs, wl->n_addrs, &kl->addrs[j], true))
				continue;
			r = add_addr_step(plan, false, kl->name, &kl->addrs[j], false);
			if (r < 0)
				return r;
		}
	}
	/* B3: doomed links, macvlans first (they may sit on an owned VLAN device). */
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < k->n_links; i++) {
			struct apply_klink *kl = &k->links[i];
			struct apply_linkspec spec;
			if (!doomed(w, kl) || (strcmp(kl->kind, "macvlan") == 0) != (pass == 0))
				continue;
			for (j = 0; j < k->n_links; j++) {
				struct apply_klink *up = &k->links[j];
				if ((up->link_ifindex == kl->ifindex || up->master == kl->ifindex) &&
				    up != kl && !doomed(w, up))
					return vrdma_error(ctx, -EBUSY,
					                   "apply: cannot remove '%s' (created by libvrdma, "
					                   "no longer configured): interface '%s' is "
					                   "stacked on it", kl->name, up->name);
			}
			for (j = 0; j < kl->n_addrs; j++) {
				r = add_addr_step(plan, false, kl->name, &kl->addrs[j], false);
				if (r < 0)
					return r;
			}
			klink_spec(kl, &spec);
			r = add_link_step(plan, false, &spec);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

/* Create or modify the wanted links of one class (vlandev or vmk device). */
static int plan_links(struct vrdma_ctx *ctx, struct vrdma_apply_plan *plan,
                      struct apply_kernel *k, struct want *w, bool vlandevs,
                      bool decreases)
{
	unsigned int i;
	int r;

	for (i = 0; i < w->n_links; i++) {
		struct want_link *wl = &w->links[i];
		struct apply_klink *kl = apply_kernel_find(k, wl->spec.name);
		if (wl->vlandev != vlandevs)
			continue;
		if (kl && !is_owned_kind(kl))
			return vrdma_error(ctx, -EEXIST,
			                   "%s '%s': interface '%s' already exists and was "
			                   "not created by libvrdma (alias '%s'); it is not "
			                   "taken over: rename or remove it",
			                   wl->vlandev ? "VLAN device for vmk" : "vmk",
			                   wl->vmk, wl->spec.name, kl->alias);
		if (decreases) {
			if (kl && link_matches(kl, wl) && kl->mtu > wl->spec.mtu) {
				r = add_mtu_step(plan, kl->name, kl->mtu, wl->spec.mtu);
				if (r < 0)
					return r;
			}
			continue;
		}
		if (!kl || !link_matches(kl, wl)) {
			struct apply_klink *low = apply_kernel_find(k, wl->spec.lower);
			if (low && low->master)
				return vrdma_error(ctx, -EBUSY,
				                   "vmk '%s': uplink '%s' is enslaved to a master "
				                   "(ifindex %d): cannot stack '%s' on it",
				                   wl->vmk, low->name, low->master, wl->spec.name);
			r = add_link_step(plan, true, &wl->spec);
			if (r < 0)
				return r;
			continue;
		}
		if (wl->spec.has_mac && (!kl->has_mac || memcmp(kl->mac, wl->spec.mac, 6))) {
			r = add_mac_step(plan, kl->name, kl->mac, wl->spec.mac);
			if (r < 0)
				return r;
		}
		if (kl->mtu < wl->spec.mtu) {
			r = add_mtu_step(plan, kl->name, kl->mtu, wl->spec.mtu);
			if (r < 0)
				return r;
		}
		if (!(kl->flags & IFF_UP)) {
			r = add_up_step(plan, kl->name, false, true);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

static int plan_addr_adds(struct vrdma_ctx *ctx, struct vrdma_apply_plan *plan,
                          struct apply_kernel *k, struct want *w)
{
	unsigned int i, j;
	int r;

	for (i = 0; i < w->n_links; i++) {
		struct want_link *wl = &w->links[i];
		struct apply_klink *kl = apply_kernel_find(k, wl->spec.name);
		bool kept = kl && link_matches(kl, wl);
		for (j = 0; j < wl->n_addrs; j++) {
			if (kept && addr_find(kl->addrs, kl->n_addrs, &wl->addrs[j], true))
				continue;
			r = add_addr_step(plan, true, wl->spec.name, &wl->addrs[j], false);
			if (r < 0)
				return r;
		}
	}
	for (i = 0; i < w->n_uplinks; i++) {
		struct want_uplink *wu = &w->uplinks[i];
		struct apply_klink *kl = apply_kernel_find(k, wu->name);
		for (j = 0; j < wu->n_addrs; j++) {
			const struct apply_addr *have = kl ?
				addr_find(kl->addrs, kl->n_addrs, &wu->addrs[j], false) : NULL;
			bool owned = apply_owned_contains(plan, wu->name, &wu->addrs[j]);
			if (have && have->prefix == wu->addrs[j].prefix) {
				if (!owned)
					apply_plan_add_note(plan, "address %s/%u on uplink '%s' "
					                    "existed before; used but not owned",
					                    have->text, have->prefix, wu->name);
				continue;
			}
			if (have && !apply_owned_contains(plan, wu->name, have))
				return vrdma_error(ctx, -EEXIST,
				                   "uplink '%s': address %s is already there "
				                   "with prefix %u (not created by libvrdma); "
				                   "the configuration wants /%u",
				                   wu->name, have->text, have->prefix,
				                   wu->addrs[j].prefix);
			r = add_addr_step(plan, true, wu->name, &wu->addrs[j], true);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

static int plan_uplinks(struct vrdma_ctx *ctx, struct vrdma_apply_plan *plan,
                        struct apply_kernel *k, struct want *w)
{
	unsigned int i;
	int r;

	for (i = 0; i < w->n_uplinks; i++) {
		struct want_uplink *wu = &w->uplinks[i];
		struct apply_klink *kl = apply_kernel_find(k, wu->name);
		if (!kl)
			return vrdma_error(ctx, -ENODEV, "uplink '%s': no such network "
			                   "device in this namespace", wu->name);
		if (wu->carries_vmk && kl->master && wu->n_addrs)
			return vrdma_error(ctx, -EBUSY, "uplink '%s' is enslaved to a "
			                   "master (ifindex %d): cannot carry vmk addresses",
			                   wu->name, kl->master);
		if (kl->mtu < wu->mtu) {
			r = add_mtu_step(plan, kl->name, kl->mtu, wu->mtu);
			if (r < 0)
				return r;
		}
		/* Uplinks are never brought up or down by apply: an up/down cycle
		 * leaves traces (qdisc, link-local addresses) that no rollback
		 * can remove.  Say so instead. */
		if (!(kl->flags & IFF_UP) && wu->carries_vmk)
			apply_plan_add_note(plan, "uplink '%s' is down: the vmks on it "
			                    "carry no traffic until it is brought up",
			                    wu->name);
	}
	return 0;
}

/* The owned-address list after a successful execution. */
static int plan_owned_after(struct vrdma_apply_plan *plan, struct apply_kernel *k,
                            struct want *w, char ***ret, unsigned int *n_ret)
{
	char **v = NULL;
	unsigned int n = 0, i, j;

	for (i = 0; i < w->n_uplinks; i++) {
		struct want_uplink *wu = &w->uplinks[i];
		struct apply_klink *kl = apply_kernel_find(k, wu->name);
		for (j = 0; j < wu->n_addrs; j++) {
			const struct apply_addr *a = &wu->addrs[j];
			const struct apply_addr *have = kl ?
				addr_find(kl->addrs, kl->n_addrs, a, true) : NULL;
			char **nv;
			if (have && !apply_owned_contains(plan, wu->name, a))
				continue; /* pre-existing, not ours */
			nv = realloc(v, sizeof(*v) * (n + 1));
			if (!nv)
				goto oom;
			v = nv;
			v[n] = vrdma_asprintf("%s %s/%u", wu->name, a->text, a->prefix);
			if (!v[n])
				goto oom;
			n++;
		}
	}
	*ret = v;
	*n_ret = n;
	return 0;
oom:
	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
	return -ENOMEM;
}

static bool strv_same_set(char **a, unsigned int na, char **b, unsigned int nb)
{
	unsigned int i, j;

	if (na != nb)
		return false;
	for (i = 0; i < na; i++) {
		for (j = 0; j < nb; j++)
			if (strcmp(a[i], b[j]) == 0)
				break;
		if (j == nb)
			return false;
	}
	return true;
}

/* Move steps [from, n_steps) to position `to` (< from), renumbering. */
static void steps_move_tail(struct vrdma_apply_plan *plan, unsigned int to, unsigned int from)
{
	unsigned int n = plan->n_steps - from, i;
	struct vrdma_apply_step *tmp;

	if (n == 0 || to >= from)
		return;
	tmp = malloc(sizeof(*tmp) * n);
	if (tmp) {
		memcpy(tmp, &plan->steps[from], sizeof(*tmp) * n);
		memmove(&plan->steps[to + n], &plan->steps[to], sizeof(*tmp) * (from - to));
		memcpy(&plan->steps[to], tmp, sizeof(*tmp) * n);
		free(tmp);
	} else {
		/* no memory for the buffer: rotate one step at a time */
		unsigned int j;
		for (j = 0; j < n; j++) {
			struct vrdma_apply_step one = plan->steps[from + j];
			memmove(&plan->steps[to + j + 1], &plan->steps[to + j],
			        sizeof(one) * (from - to));
			plan->steps[to + j] = one;
		}
	}
	for (i = 0; i < plan->n_steps; i++)
		plan->steps[i].number = (int)i + 1;
}

int apply_plan_build(struct vrdma_ctx *ctx, struct vrdma_config *cfg,
                     struct vrdma_host *host, struct vrdma_apply_plan *plan)
{
	struct want w = { 0 };
	struct apply_kernel k = { 0 };
	unsigned int b_first = 0, b_end = 0, n_b0 = 0;
	int r, i, n;

	r = apply_owned_load(plan);
	if (r < 0)
		return r;
	r = want_uplinks(ctx, cfg, host, &w, plan);
	n = vrdma_config_get_vmk_count(cfg);
	for (i = 0; r >= 0 && i < n; i++) {
		struct vrdma_vmk *vmk;
		if (vrdma_config_get_vmk(cfg, (unsigned int)i, &vmk) == 0)
			r = want_vmk(ctx, host, &w, vmk, plan);
	}
	if (r >= 0)
		r = apply_kernel_read(ctx, &k);
	if (r >= 0)
		r = plan_uplinks(ctx, plan, &k, &w);                  /* A */
	b_first = plan->n_steps;
	if (r >= 0)
		r = plan_deletions(ctx, plan, &k, &w);                /* B */
	b_end = plan->n_steps;
	if (r >= 0)
		r = apply_route_plan(ctx, plan, &k, w.routing, w.n_routing,
		                     b_first, b_end, true);           /* B0 */
	if (r >= 0) {
		n_b0 = plan->n_steps - b_end;
		steps_move_tail(plan, b_first, b_end);
	}
	if (r >= 0)
		r = plan_links(ctx, plan, &k, &w, false, true);       /* C */
	if (r >= 0)
		r = plan_links(ctx, plan, &k, &w, true, true);
	if (r >= 0)
		r = plan_links(ctx, plan, &k, &w, true, false);       /* D */
	if (r >= 0)
		r = plan_links(ctx, plan, &k, &w, false, false);      /* E */
	if (r >= 0)
		r = plan_addr_adds(ctx, plan, &k, &w);                /* F */
	if (r >= 0)
		r = apply_route_plan(ctx, plan, &k, w.routing, w.n_routing,
		                     b_first + n_b0, b_end + n_b0, false); /* G */
	if (r >= 0)
		r = plan_owned_after(plan, &k, &w, &plan->owned_after,
		                     &plan->n_owned_after);
	if (r >= 0)
		plan->owned_changed = !strv_same_set(plan->owned, plan->n_owned,
		                                     plan->owned_after,
		                                     plan->n_owned_after);
	apply_kernel_free(&k);
	want_free(&w);
	if (r == -ENOMEM)
		return vrdma_error(ctx, -ENOMEM, "apply: out of memory while planning");
	return r;
}
