/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The monitor (vrdma_monitor(3)): the kernel's messages (binding-monitor-nl.c)
 * only say *that* something changed; each receive that finds its queue empty
 * drains them all, discovers the host again, computes the bindings again
 * and turns the difference from the previous view into events, in this
 * order: RESYNC (a socket overran), ADAPTER_REMOVED, NETDEV_DETACHED,
 * ADAPTER_RENAMED, ADAPTER_ADDED, NETDEV_ATTACHED, PORT_STATE, GID_CHANGED,
 * BINDING_STATE.  Adapters are matched by their kernel index (the name when
 * unknown): a new index is a new adapter, the same index under another name
 * a rename.  The netdevs watched are the uplinks, the ports' netdevs and the
 * vmks' netdevs, matched by name and ifindex.
 *
 * The kernel fills GID tables and port states from work queues after the
 * netdev event that causes them and says nothing when done: each burst is
 * followed by a settle pass MONITOR_SETTLE_MS later (the settle timer of
 * binding-monitor-nl.c), repeated while passes find changes (at most
 * MONITOR_SETTLE_PASSES times); its events are put down to the burst's
 * sources.
 *
 * Only the public host, model and binding API is used on the views.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "binding-private.h"

/* The settle timer: a pass this long after each burst of kernel messages,
 * and again after a pass that found changes, at most this many times. */
#define MONITOR_SETTLE_MS 300
#define MONITOR_SETTLE_PASSES 5

struct vrdma_monitor_event {
	struct vrdma_monitor *mon;
	int type;
	int source;
	char *adapter, *old_adapter, *netdev, *vmk, *address;
	unsigned int port;            /* 0: none */
	bool has_old_state, has_new_state, has_old_gid, has_new_gid;
	int old_state, new_state;
	unsigned int old_gid, new_gid;
	struct vrdma_diag *diag;      /* NULL: none */
	struct vrdma_bindings *diag_owner; /* a reference keeping diag valid */
};

struct vrdma_monitor {
	int refcount;
	struct vrdma_ctx *ctx;
	struct vrdma_config *cfg;     /* NULL: no bindings */
	struct monitor_socks socks;
	struct vrdma_host *host;      /* the current view */
	struct vrdma_bindings *bindings; /* NULL without cfg */
	struct vrdma_monitor_event **queue;
	size_t n_queue, head, cap;
	struct vrdma_monitor_event *current; /* returned by the last receive */
	unsigned int sources;         /* the sources of the batch being diffed */
	unsigned int settle_left;     /* settle passes left that may re-arm the timer */
	unsigned int overrun;         /* overruns not reported yet (a pass failed) */
	bool oom;
};

static const char *const type_names[] = {
	[VRDMA_MONITOR_ADAPTER_ADDED] = "adapter-added",
	[VRDMA_MONITOR_ADAPTER_REMOVED] = "adapter-removed",
	[VRDMA_MONITOR_ADAPTER_RENAMED] = "adapter-renamed",
	[VRDMA_MONITOR_NETDEV_ATTACHED] = "netdev-attached",
	[VRDMA_MONITOR_NETDEV_DETACHED] = "netdev-detached",
	[VRDMA_MONITOR_PORT_STATE] = "port-state",
	[VRDMA_MONITOR_GID_CHANGED] = "gid-changed",
	[VRDMA_MONITOR_BINDING_STATE] = "binding-state",
	[VRDMA_MONITOR_RESYNC] = "resync",
};

static const char *const source_names[] = {
	[VRDMA_MONITOR_SOURCE_RTNETLINK] = "rtnetlink",
	[VRDMA_MONITOR_SOURCE_UEVENT] = "uevent",
	[VRDMA_MONITOR_SOURCE_RDMA_NETLINK] = "rdma-netlink",
	[VRDMA_MONITOR_SOURCE_CONFIG] = "config",
};

VRDMA_EXPORT const char *vrdma_monitor_event_type_to_string(int type)
{
	if (type < 0 || (size_t)type >= ARRAY_SIZE(type_names))
		return NULL;
	return type_names[type];
}

VRDMA_EXPORT const char *vrdma_monitor_source_to_string(int source)
{
	if (source < 0 || (size_t)source >= ARRAY_SIZE(source_names))
		return NULL;
	return source_names[source];
}

/* ---- events ---------------------------------------------------------------- */

static void event_free(struct vrdma_monitor_event *ev)
{
	if (!ev)
		return;
	free(ev->adapter);
	free(ev->old_adapter);
	free(ev->netdev);
	free(ev->vmk);
	free(ev->address);
	vrdma_bindings_unref(ev->diag_owner);
	free(ev);
}

/* The source an event of `type` is put down to, among those of the batch:
 * the one that reports such changes first, else any that spoke; "config"
 * when none did (vrdma_monitor_set_config). */
static int pick_source(unsigned int sources, int type)
{
	static const int adapter_order[] = { VRDMA_MONITOR_SOURCE_RDMA_NETLINK,
		VRDMA_MONITOR_SOURCE_UEVENT, VRDMA_MONITOR_SOURCE_RTNETLINK };
	static const int net_order[] = { VRDMA_MONITOR_SOURCE_RTNETLINK,
		VRDMA_MONITOR_SOURCE_RDMA_NETLINK, VRDMA_MONITOR_SOURCE_UEVENT };
	bool adapter = type == VRDMA_MONITOR_ADAPTER_ADDED ||
	               type == VRDMA_MONITOR_ADAPTER_REMOVED ||
	               type == VRDMA_MONITOR_ADAPTER_RENAMED;
	const int *order = adapter ? adapter_order : net_order;

	for (int i = 0; i < 3; i++)
		if (sources & (1u << order[i]))
			return order[i];
	return VRDMA_MONITOR_SOURCE_CONFIG;
}

static bool set_str(struct vrdma_monitor *mon, char **dst, const char *s)
{
	if (!s)
		return true;
	*dst = strdup(s);
	if (!*dst)
		mon->oom = true;
	return *dst != NULL;
}

/* A new queued event of `type` (NULL on OOM: mon->oom set). */
static struct vrdma_monitor_event *event_add(struct vrdma_monitor *mon, int type)
{
	struct vrdma_monitor_event *ev;

	if (mon->n_queue == mon->cap) {
		size_t cap = mon->cap ? mon->cap * 2 : 16;
		void *q = realloc(mon->queue, cap * sizeof(*mon->queue));
		if (!q) {
			mon->oom = true;
			return NULL;
		}
		mon->queue = q;
		mon->cap = cap;
	}
	ev = calloc(1, sizeof(*ev));
	if (!ev) {
		mon->oom = true;
		return NULL;
	}
	ev->mon = mon;
	ev->type = type;
	ev->source = pick_source(mon->sources, type);
	mon->queue[mon->n_queue++] = ev;
	return ev;
}

static void event_port(struct vrdma_monitor *mon, struct vrdma_monitor_event *ev,
                       struct vrdma_port *p)
{
	const char *nd;

	if (!p)
		return;
	set_str(mon, &ev->adapter, vrdma_adapter_get_name(vrdma_port_get_adapter(p)));
	ev->port = (unsigned int)vrdma_port_get_number(p);
	if (!ev->netdev && vrdma_port_get_netdev_name(p, &nd) == 0)
		set_str(mon, &ev->netdev, nd);
}

/* ---- adapters and ports -------------------------------------------------------- */

/* Is b `a`?  pass 0: the same kernel index; pass 1 (a name match): when
 * one of them has no index (a device only libibverbs listed), by name. */
static bool same_adapter(struct vrdma_adapter *a, struct vrdma_adapter *b, int pass)
{
	unsigned int ia, ib;
	bool ha = vrdma_adapter_get_kernel_index(a, &ia) == 0;
	bool hb = vrdma_adapter_get_kernel_index(b, &ib) == 0;

	if (pass == 0)
		return ha && hb && ia == ib;
	return (!ha || !hb) && strcmp(vrdma_adapter_get_name(a), vrdma_adapter_get_name(b)) == 0;
}

/* The adapter of `other` that is `a`, NULL when none: by kernel index
 * (stable across renames, new on every registration), else by name for an
 * adapter without one.  Two adapters with indexes never match by name: an
 * adapter deleted and added again is a removal and an addition. */
static struct vrdma_adapter *match_adapter(struct vrdma_host *other, struct vrdma_adapter *a)
{
	int n = vrdma_host_get_n_adapters(other);

	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < n; i++) {
			struct vrdma_adapter *b;
			if (vrdma_host_get_adapter(other, (unsigned int)i, &b) == 0 &&
			    same_adapter(a, b, pass))
				return b;
		}
	return NULL;
}

static void adapter_event(struct vrdma_monitor *mon, int type, struct vrdma_adapter *a,
                          struct vrdma_adapter *old)
{
	struct vrdma_monitor_event *ev = event_add(mon, type);

	if (!ev)
		return;
	set_str(mon, &ev->adapter, vrdma_adapter_get_name(a));
	if (old)
		set_str(mon, &ev->old_adapter, vrdma_adapter_get_name(old));
}

/* type REMOVED: adapters of `from` missing in `to`; ADDED the converse. */
static void diff_adapters(struct vrdma_monitor *mon, struct vrdma_host *from,
                          struct vrdma_host *to, int type)
{
	int n = vrdma_host_get_n_adapters(from);

	for (int i = 0; i < n; i++) {
		struct vrdma_adapter *a;
		if (vrdma_host_get_adapter(from, (unsigned int)i, &a) == 0 && !match_adapter(to, a))
			adapter_event(mon, type, a, NULL);
	}
}

static void diff_renames(struct vrdma_monitor *mon, struct vrdma_host *old,
                         struct vrdma_host *new)
{
	int n = vrdma_host_get_n_adapters(new);

	for (int i = 0; i < n; i++) {
		struct vrdma_adapter *a, *o;
		if (vrdma_host_get_adapter(new, (unsigned int)i, &a) < 0)
			continue;
		o = match_adapter(old, a);
		if (o && strcmp(vrdma_adapter_get_name(o), vrdma_adapter_get_name(a)) != 0)
			adapter_event(mon, VRDMA_MONITOR_ADAPTER_RENAMED, a, o);
	}
}

static void diff_ports(struct vrdma_monitor *mon, struct vrdma_host *old, struct vrdma_host *new)
{
	int n = vrdma_host_get_n_adapters(new);

	for (int i = 0; i < n; i++) {
		struct vrdma_adapter *a, *o;
		int np;
		if (vrdma_host_get_adapter(new, (unsigned int)i, &a) < 0 || !(o = match_adapter(old, a)))
			continue;
		np = vrdma_adapter_get_n_ports(a);
		for (int k = 0; k < np; k++) {
			struct vrdma_port *p, *op;
			struct vrdma_monitor_event *ev;
			if (vrdma_adapter_get_port(a, (unsigned int)k, &p) < 0 ||
			    vrdma_adapter_find_port(o, (unsigned int)vrdma_port_get_number(p), &op) < 0 ||
			    vrdma_port_get_state(p) == vrdma_port_get_state(op))
				continue;
			ev = event_add(mon, VRDMA_MONITOR_PORT_STATE);
			if (!ev)
				return;
			event_port(mon, ev, p);
			ev->has_old_state = ev->has_new_state = true;
			ev->old_state = vrdma_port_get_state(op);
			ev->new_state = vrdma_port_get_state(p);
		}
	}
}

/* ---- netdevs ----------------------------------------------------------------- */

/* A watched netdev of a view: an uplink, a port's netdev or a vmk's. */
struct watched {
	const char *name;
	int ifindex;
	struct vrdma_port *port;      /* the port it is paired with, NULL none */
	const char *vmk;              /* the vmk it carries, NULL none */
};

struct watch_list {
	struct watched *items;
	size_t n, cap;
};

static struct watched *watch_add(struct watch_list *l, struct vrdma_host *h, const char *name)
{
	struct vrdma_netdev *nd;

	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->items[i].name, name) == 0)
			return &l->items[i];
	if (vrdma_host_find_netdev(h, name, &nd) < 0)
		return NULL;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		void *p = realloc(l->items, cap * sizeof(*l->items));
		if (!p)
			return NULL;
		l->items = p;
		l->cap = cap;
	}
	l->items[l->n] = (struct watched){ vrdma_netdev_get_name(nd), vrdma_netdev_get_ifindex(nd),
	                                   NULL, NULL };
	return &l->items[l->n++];
}

static void watch_ports(struct watch_list *l, struct vrdma_host *h)
{
	int n = vrdma_host_get_n_adapters(h);

	for (int i = 0; i < n; i++) {
		struct vrdma_adapter *a;
		if (vrdma_host_get_adapter(h, (unsigned int)i, &a) < 0)
			continue;
		for (int k = 0; k < vrdma_adapter_get_n_ports(a); k++) {
			struct vrdma_port *p;
			const char *name;
			struct watched *w;
			if (vrdma_adapter_get_port(a, (unsigned int)k, &p) == 0 &&
			    vrdma_port_get_netdev_name(p, &name) == 0 && (w = watch_add(l, h, name)) &&
			    !w->port)
				w->port = p;
		}
	}
}

static void watch_collect(struct watch_list *l, struct vrdma_host *h, struct vrdma_bindings *b)
{
	int n = vrdma_host_get_n_uplinks(h);

	for (int i = 0; i < n; i++) {
		struct vrdma_uplink *u;
		if (vrdma_host_get_uplink(h, (unsigned int)i, &u) == 0)
			watch_add(l, h, vrdma_netdev_get_name(vrdma_uplink_get_netdev(u)));
	}
	watch_ports(l, h);
	n = b ? vrdma_bindings_get_n_bindings(b) : 0;
	for (int i = 0; i < n; i++) {
		struct vrdma_binding *bd;
		const char *name;
		struct watched *w;
		if (vrdma_bindings_get_binding(b, (unsigned int)i, &bd) == 0 &&
		    vrdma_binding_get_netdev_name(bd, &name) == 0 && (w = watch_add(l, h, name)) &&
		    !w->vmk)
			w->vmk = vrdma_vmk_get_name(vrdma_binding_get_vmk(bd));
	}
}

static bool watch_has(const struct watch_list *l, const struct watched *w)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->items[i].ifindex == w->ifindex && strcmp(l->items[i].name, w->name) == 0)
			return true;
	return false;
}

/* Netdevs of `from` not in `to`: events of `type`. */
static void diff_watch(struct vrdma_monitor *mon, const struct watch_list *from,
                       const struct watch_list *to, int type)
{
	for (size_t i = 0; i < from->n; i++) {
		const struct watched *w = &from->items[i];
		struct vrdma_monitor_event *ev;
		if (watch_has(to, w))
			continue;
		ev = event_add(mon, type);
		if (!ev)
			return;
		set_str(mon, &ev->netdev, w->name);
		set_str(mon, &ev->vmk, w->vmk);
		event_port(mon, ev, w->port);
	}
}

/* ---- bindings ------------------------------------------------------------------ */

static void event_binding(struct vrdma_monitor *mon, struct vrdma_monitor_event *ev,
                          struct vrdma_binding *bd)
{
	const char *nd;
	struct vrdma_port *p;

	set_str(mon, &ev->vmk, vrdma_vmk_get_name(vrdma_binding_get_vmk(bd)));
	if (vrdma_binding_get_netdev_name(bd, &nd) == 0)
		set_str(mon, &ev->netdev, nd);
	if (vrdma_binding_get_port(bd, &p) == 0)
		event_port(mon, ev, p);
}

/* The gid index of `address` in binding bd (NULL: none): true when it has one. */
static bool addr_gid(struct vrdma_binding *bd, const char *address, unsigned int *ret)
{
	int n = bd ? vrdma_binding_get_n_addrs(bd) : 0;

	for (int i = 0; i < n; i++) {
		const char *a;
		if (vrdma_binding_get_addr(bd, (unsigned int)i, &a, NULL, NULL) == 0 &&
		    strcmp(a, address) == 0)
			return vrdma_binding_get_addr_gid_index(bd, (unsigned int)i, ret) == 0;
	}
	return false;
}

static void diff_gids(struct vrdma_monitor *mon, struct vrdma_binding *old,
                      struct vrdma_binding *bd)
{
	int n = vrdma_binding_get_n_addrs(bd);

	for (int i = 0; i < n; i++) {
		const char *a;
		unsigned int oi = 0, ni = 0;
		bool ho, hn;
		struct vrdma_monitor_event *ev;
		if (vrdma_binding_get_addr(bd, (unsigned int)i, &a, NULL, NULL) < 0)
			continue;
		ho = addr_gid(old, a, &oi);
		hn = vrdma_binding_get_addr_gid_index(bd, (unsigned int)i, &ni) == 0;
		if (ho == hn && oi == ni)
			continue;
		ev = event_add(mon, VRDMA_MONITOR_GID_CHANGED);
		if (!ev)
			return;
		event_binding(mon, ev, bd);
		set_str(mon, &ev->address, a);
		ev->has_old_gid = ho;
		ev->old_gid = oi;
		ev->has_new_gid = hn;
		ev->new_gid = ni;
	}
}

/* The binding's most severe finding (the first of them), NULL when none. */
static struct vrdma_diag *worst_diag(struct vrdma_binding *bd)
{
	struct vrdma_diag *best = NULL, *d;
	int n = vrdma_binding_get_n_diags(bd);

	for (int i = 0; i < n; i++)
		if (vrdma_binding_get_diag(bd, (unsigned int)i, &d) == 0 &&
		    (!best || vrdma_rule_get_severity(vrdma_diag_get_rule(d)) >
		                      vrdma_rule_get_severity(vrdma_diag_get_rule(best))))
			best = d;
	return best;
}

static void diff_state(struct vrdma_monitor *mon, struct vrdma_binding *old,
                       struct vrdma_binding *bd)
{
	int ns = vrdma_binding_get_state(bd);
	struct vrdma_binding *cause;
	struct vrdma_monitor_event *ev;

	if (old && vrdma_binding_get_state(old) == ns)
		return;
	ev = event_add(mon, VRDMA_MONITOR_BINDING_STATE);
	if (!ev)
		return;
	event_binding(mon, ev, bd);
	ev->has_new_state = true;
	ev->new_state = ns;
	ev->has_old_state = old != NULL;
	ev->old_state = old ? vrdma_binding_get_state(old) : 0;
	cause = old && ns > ev->old_state ? old : bd;
	ev->diag = worst_diag(cause);
	if (ev->diag)
		ev->diag_owner = vrdma_bindings_ref(vrdma_binding_get_bindings(cause));
}

static void diff_bindings(struct vrdma_monitor *mon, struct vrdma_bindings *old,
                          struct vrdma_bindings *new, int pass)
{
	int n = new ? vrdma_bindings_get_n_bindings(new) : 0;

	for (int i = 0; i < n; i++) {
		struct vrdma_binding *bd, *ob = NULL;
		if (vrdma_bindings_get_binding(new, (unsigned int)i, &bd) < 0)
			continue;
		if (old)
			(void)vrdma_bindings_find_binding(
				old, vrdma_vmk_get_name(vrdma_binding_get_vmk(bd)), &ob);
		if (pass == 0)
			diff_gids(mon, ob, bd);
		else
			diff_state(mon, ob, bd);
	}
}

/* ---- the difference of two views --------------------------------------------- */

static void diff_views(struct vrdma_monitor *mon, struct vrdma_host *oh, struct vrdma_bindings *ob,
                       struct vrdma_host *nh, struct vrdma_bindings *nb)
{
	struct watch_list ow = { 0 }, nw = { 0 };

	watch_collect(&ow, oh, ob);
	watch_collect(&nw, nh, nb);
	diff_adapters(mon, oh, nh, VRDMA_MONITOR_ADAPTER_REMOVED);
	diff_watch(mon, &ow, &nw, VRDMA_MONITOR_NETDEV_DETACHED);
	diff_renames(mon, oh, nh);
	diff_adapters(mon, nh, oh, VRDMA_MONITOR_ADAPTER_ADDED);
	diff_watch(mon, &nw, &ow, VRDMA_MONITOR_NETDEV_ATTACHED);
	diff_ports(mon, oh, nh);
	diff_bindings(mon, ob, nb, 0);
	diff_bindings(mon, ob, nb, 1);
	free(ow.items);
	free(nw.items);
}

static void queue_drop(struct vrdma_monitor *mon, size_t from)
{
	for (size_t i = from; i < mon->n_queue; i++)
		event_free(mon->queue[i]);
	mon->n_queue = from;
}

/* Discover again and queue the difference; the view is replaced only on
 * success (on OOM the events of this pass are dropped: none half-made). */
static int rediscover(struct vrdma_monitor *mon, unsigned int overrun)
{
	struct vrdma_host *h = NULL;
	struct vrdma_bindings *b = NULL;
	size_t first = mon->n_queue;
	int r;

	r = vrdma_host_discover(mon->ctx, VRDMA_DISCOVER_READ_ONLY, &h);
	if (r < 0)
		return r;
	if (mon->cfg && (r = vrdma_bindings_new(h, mon->cfg, &b)) < 0) {
		vrdma_host_unref(h);
		return r;
	}
	for (int s = 0; s < MONITOR_N_SOCKS; s++) {
		struct vrdma_monitor_event *ev;
		if (!(overrun & (1u << s)) || !(ev = event_add(mon, VRDMA_MONITOR_RESYNC)))
			continue;
		ev->source = s;
		info(mon->ctx, "monitor: the %s socket overran: full resynchronisation",
		     source_names[s]);
	}
	diff_views(mon, mon->host, mon->bindings, h, b);
	if (mon->oom) {
		mon->oom = false;
		queue_drop(mon, first);
		vrdma_bindings_unref(b);
		vrdma_host_unref(h);
		return vrdma_error(mon->ctx, -ENOMEM, "monitor: out of memory");
	}
	vrdma_bindings_unref(mon->bindings);
	vrdma_host_unref(mon->host);
	mon->host = h;
	mon->bindings = b;
	return 0;
}

/* ---- the public API --------------------------------------------------------- */

static int check_cfg(struct vrdma_ctx *ctx, struct vrdma_config *cfg)
{
	if (cfg && vrdma_config_get_ctx(cfg) != ctx)
		return vrdma_error(ctx, -EINVAL,
		                   "monitor: the configuration belongs to another context");
	return 0;
}

VRDMA_EXPORT int vrdma_monitor_new(struct vrdma_ctx *ctx, struct vrdma_config *cfg,
                                   struct vrdma_monitor **ret)
{
	struct vrdma_monitor *mon;
	int r;

	if (!ctx)
		return -EINVAL;
	vrdma_error_clear(ctx);
	if (!ret)
		return vrdma_error(ctx, -EINVAL, "monitor: no place to return the monitor");
	r = check_cfg(ctx, cfg);
	if (r < 0)
		return r;
	mon = calloc(1, sizeof(*mon));
	if (!mon)
		return vrdma_error(ctx, -ENOMEM, "monitor: out of memory");
	mon->refcount = 1;
	mon->ctx = vrdma_ctx_ref(ctx);
	mon->cfg = vrdma_config_ref(cfg);
	/* sockets first: a change during the first discovery is seen later */
	r = monitor_socks_open(ctx, &mon->socks);
	if (r >= 0)
		r = vrdma_host_discover(ctx, VRDMA_DISCOVER_READ_ONLY, &mon->host);
	if (r >= 0 && cfg)
		r = vrdma_bindings_new(mon->host, cfg, &mon->bindings);
	if (r < 0) {
		vrdma_monitor_unref(mon);
		return r;
	}
	*ret = mon;
	return vrdma_success(ctx, 0);
}

VRDMA_EXPORT struct vrdma_monitor *vrdma_monitor_ref(struct vrdma_monitor *mon)
{
	if (mon)
		mon->refcount++;
	return mon;
}

VRDMA_EXPORT struct vrdma_monitor *vrdma_monitor_unref(struct vrdma_monitor *mon)
{
	if (!mon || --mon->refcount > 0)
		return NULL;
	event_free(mon->current);
	queue_drop(mon, mon->head);
	free(mon->queue);
	monitor_socks_close(&mon->socks);
	vrdma_bindings_unref(mon->bindings);
	vrdma_host_unref(mon->host);
	vrdma_config_unref(mon->cfg);
	vrdma_ctx_unref(mon->ctx);
	free(mon);
	return NULL;
}

VRDMA_EXPORT struct vrdma_ctx *vrdma_monitor_get_ctx(struct vrdma_monitor *mon)
{
	return mon ? mon->ctx : NULL;
}

VRDMA_EXPORT int vrdma_monitor_get_fd(struct vrdma_monitor *mon)
{
	return mon ? mon->socks.epfd : -EINVAL;
}

VRDMA_EXPORT struct vrdma_host *vrdma_monitor_get_host(struct vrdma_monitor *mon)
{
	return mon ? mon->host : NULL;
}

VRDMA_EXPORT int vrdma_monitor_get_bindings(struct vrdma_monitor *mon,
                                            struct vrdma_bindings **ret)
{
	if (!mon)
		return -EINVAL;
	vrdma_error_clear(mon->ctx);
	if (!ret)
		return vrdma_error(mon->ctx, -EINVAL, "monitor: no place to return the bindings");
	if (!mon->bindings)
		return vrdma_error(mon->ctx, -ENOENT, "monitor: no configuration, no bindings");
	*ret = mon->bindings;
	return 0;
}

/* The next queued event, NULL when the queue is empty (then reset). */
static struct vrdma_monitor_event *queue_pop(struct vrdma_monitor *mon)
{
	if (mon->head < mon->n_queue)
		return mon->queue[mon->head++];
	mon->head = mon->n_queue = 0;
	return NULL;
}

VRDMA_EXPORT int vrdma_monitor_receive(struct vrdma_monitor *mon,
                                       struct vrdma_monitor_event **ret)
{
	unsigned int sources, overrun;
	bool timer;
	size_t before;
	int r;

	if (!mon)
		return -EINVAL;
	vrdma_error_clear(mon->ctx);
	if (!ret)
		return vrdma_error(mon->ctx, -EINVAL, "monitor: no place to return the event");
	event_free(mon->current);
	mon->current = queue_pop(mon);
	if (!mon->current) {
		r = monitor_socks_drain(mon->ctx, &mon->socks, &sources, &overrun, &timer);
		if (r < 0)
			return r;
		if (!sources && !overrun && !timer)
			return -EAGAIN;
		if (sources || overrun) {
			/* kernel messages: a new batch, and a settle pass after it */
			mon->sources = sources | overrun;
			mon->settle_left = MONITOR_SETTLE_PASSES;
		}
		before = mon->n_queue;
		mon->overrun |= overrun;
		r = rediscover(mon, mon->overrun);
		if (r < 0) {
			/* the messages are read: look again soon, or a change is missed */
			(void)monitor_socks_arm(mon->ctx, &mon->socks, MONITOR_SETTLE_MS);
			mon->settle_left = MONITOR_SETTLE_PASSES;
			return r;
		}
		mon->overrun = 0;
		if (sources || overrun || (mon->n_queue > before && mon->settle_left > 0 && mon->settle_left--))
			r = monitor_socks_arm(mon->ctx, &mon->socks, MONITOR_SETTLE_MS);
		if (r < 0)
			return r;
		mon->current = queue_pop(mon);
		if (!mon->current)
			return vrdma_success(mon->ctx, -EAGAIN);
	}
	*ret = mon->current;
	return vrdma_success(mon->ctx, 0);
}

VRDMA_EXPORT int vrdma_monitor_set_config(struct vrdma_monitor *mon, struct vrdma_config *cfg)
{
	struct vrdma_bindings *b = NULL;
	unsigned int sources;
	int r;

	if (!mon)
		return -EINVAL;
	vrdma_error_clear(mon->ctx);
	r = check_cfg(mon->ctx, cfg);
	if (r < 0)
		return r;
	if (cfg && (r = vrdma_bindings_new(mon->host, cfg, &b)) < 0)
		return r;
	sources = mon->sources; /* the kernel batch's, for its settle passes */
	mon->sources = 0;
	diff_bindings(mon, mon->bindings, b, 0);
	diff_bindings(mon, mon->bindings, b, 1);
	mon->sources = sources;
	if (mon->oom) {
		mon->oom = false;
		vrdma_bindings_unref(b);
		return vrdma_error(mon->ctx, -ENOMEM, "monitor: out of memory");
	}
	vrdma_bindings_unref(mon->bindings);
	mon->bindings = b;
	vrdma_config_ref(cfg);
	vrdma_config_unref(mon->cfg);
	mon->cfg = cfg;
	return vrdma_success(mon->ctx, 0);
}

/* ---- event getters ------------------------------------------------------------ */

VRDMA_EXPORT struct vrdma_monitor *vrdma_monitor_event_get_monitor(struct vrdma_monitor_event *ev)
{
	return ev ? ev->mon : NULL;
}

VRDMA_EXPORT int vrdma_monitor_event_get_type(struct vrdma_monitor_event *ev)
{
	return ev ? ev->type : -EINVAL;
}

VRDMA_EXPORT int vrdma_monitor_event_get_source(struct vrdma_monitor_event *ev)
{
	return ev ? ev->source : -EINVAL;
}

/* The common checks of an optional getter: 0 when the value is there. */
static int ev_check(struct vrdma_monitor_event *ev, const void *ret, bool present,
                    const char *what)
{
	vrdma_error_clear(ev->mon->ctx);
	if (!ret)
		return vrdma_error(ev->mon->ctx, -EINVAL, "monitor event '%s': no place to return %s",
		                   type_names[ev->type], what);
	if (!present)
		return vrdma_error(ev->mon->ctx, -ENOENT, "monitor event '%s': no %s",
		                   type_names[ev->type], what);
	return 0;
}

static int ev_str(struct vrdma_monitor_event *ev, const char *s, const char *what,
                  const char **ret)
{
	int r;

	if (!ev)
		return -EINVAL;
	r = ev_check(ev, ret, s != NULL, what);
	if (r < 0)
		return r;
	*ret = s;
	return 0;
}

VRDMA_EXPORT int vrdma_monitor_event_get_adapter_name(struct vrdma_monitor_event *ev,
                                                      const char **ret)
{
	return ev_str(ev, ev ? ev->adapter : NULL, "adapter", ret);
}

VRDMA_EXPORT int vrdma_monitor_event_get_old_adapter_name(struct vrdma_monitor_event *ev,
                                                          const char **ret)
{
	return ev_str(ev, ev ? ev->old_adapter : NULL, "old adapter name", ret);
}

VRDMA_EXPORT int vrdma_monitor_event_get_netdev_name(struct vrdma_monitor_event *ev,
                                                     const char **ret)
{
	return ev_str(ev, ev ? ev->netdev : NULL, "netdev", ret);
}

VRDMA_EXPORT int vrdma_monitor_event_get_vmk_name(struct vrdma_monitor_event *ev,
                                                  const char **ret)
{
	return ev_str(ev, ev ? ev->vmk : NULL, "vmk", ret);
}

VRDMA_EXPORT int vrdma_monitor_event_get_address(struct vrdma_monitor_event *ev,
                                                 const char **ret)
{
	return ev_str(ev, ev ? ev->address : NULL, "address", ret);
}

static int ev_uint(struct vrdma_monitor_event *ev, bool present, unsigned int v,
                   const char *what, unsigned int *ret)
{
	int r;

	if (!ev)
		return -EINVAL;
	r = ev_check(ev, ret, present, what);
	if (r < 0)
		return r;
	*ret = v;
	return 0;
}

VRDMA_EXPORT int vrdma_monitor_event_get_port_number(struct vrdma_monitor_event *ev,
                                                     unsigned int *ret)
{
	return ev_uint(ev, ev && ev->port > 0, ev ? ev->port : 0, "port", ret);
}

VRDMA_EXPORT int vrdma_monitor_event_get_old_gid_index(struct vrdma_monitor_event *ev,
                                                       unsigned int *ret)
{
	return ev_uint(ev, ev && ev->has_old_gid, ev ? ev->old_gid : 0, "old GID index", ret);
}

VRDMA_EXPORT int vrdma_monitor_event_get_new_gid_index(struct vrdma_monitor_event *ev,
                                                       unsigned int *ret)
{
	return ev_uint(ev, ev && ev->has_new_gid, ev ? ev->new_gid : 0, "new GID index", ret);
}

static int ev_int(struct vrdma_monitor_event *ev, bool present, int v, const char *what,
                  int *ret)
{
	int r;

	if (!ev)
		return -EINVAL;
	r = ev_check(ev, ret, present, what);
	if (r < 0)
		return r;
	*ret = v;
	return 0;
}

VRDMA_EXPORT int vrdma_monitor_event_get_old_state(struct vrdma_monitor_event *ev, int *ret)
{
	return ev_int(ev, ev && ev->has_old_state, ev ? ev->old_state : 0, "old state", ret);
}

VRDMA_EXPORT int vrdma_monitor_event_get_new_state(struct vrdma_monitor_event *ev, int *ret)
{
	return ev_int(ev, ev && ev->has_new_state, ev ? ev->new_state : 0, "new state", ret);
}

VRDMA_EXPORT int vrdma_monitor_event_get_diag(struct vrdma_monitor_event *ev,
                                              struct vrdma_diag **ret)
{
	int r;

	if (!ev)
		return -EINVAL;
	r = ev_check(ev, ret, ev->diag != NULL, "finding");
	if (r < 0)
		return r;
	*ret = ev->diag;
	return 0;
}
