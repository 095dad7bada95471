/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The initiator side of bindings: for a target address and a storage
 * service (NVMe over RDMA, iSER) every usable path, each a source vmk,
 * address, adapter, port and RoCE v2 GID index, the way the kernel will
 * route with apply's per-vmk tables: through a connected subnet holding
 * the target, or else through the vmk's default gateway.  Paths are
 * ordered by preference; equally good ones are all kept (multipathing).
 * No usable path is a precise refusal naming the blocking finding.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "binding-private.h"

/* RT_SCOPE_LINK, as vrdma_addr_get_scope() reports it. */
#define SCOPE_LINK 253
/* Room for "fe80::1%" and a vmk or netdev name. */
#define TARGET_MAX (INET6_ADDRSTRLEN + 64)

struct vrdma_path {
	struct vrdma_source *source;
	struct vrdma_binding *bd;
	char address[INET6_ADDRSTRLEN]; /* "" when the vmk has none usable */
	int family;
	unsigned int src_prefix;        /* the source address's prefix */
	unsigned int prefix;            /* the connected subnet's, 0 via a gateway */
	int gid_index;                  /* -1 none */
	char gateway[INET6_ADDRSTRLEN]; /* "" connected */
	bool usable;
};

struct vrdma_source {
	int refcount;
	struct vrdma_bindings *set;
	char *target;
	int service;
	struct vrdma_path *paths; /* n_paths >= 1 */
	unsigned int n_paths;
	struct binding_diag_list diags;
};

/* A parsed target: the address and, for IPv6 link-local, its scope. */
struct target {
	struct vrdma_inaddr a;
	const char *scope; /* into text, NULL when none */
	char text[TARGET_MAX];
	char canon[TARGET_MAX];
};

static bool is_link_local(const struct vrdma_inaddr *a)
{
	return a->family == AF_INET6 && a->raw[0] == 0xfe && (a->raw[1] & 0xc0) == 0x80;
}

static int path_state(const struct vrdma_path *p)
{
	return p->bd->state == VRDMA_BINDING_BOUND ? VRDMA_PATH_HEALTHY : VRDMA_PATH_DEGRADED;
}

static bool addr_usable(const struct binding_addr *a)
{
	return a->live && a->gid_index >= 0 &&
	       !(vrdma_addr_get_flags(a->live) & (VRDMA_ADDR_TENTATIVE | VRDMA_ADDR_DADFAILED));
}

static int diag_severity(struct vrdma_diag *d)
{
	return vrdma_rule_get_severity(vrdma_diag_get_rule(d));
}

/* The finding that explains why a candidate cannot be used. */
static struct vrdma_diag *blocking_diag(const struct vrdma_path *c)
{
	struct vrdma_binding *bd = c->bd;
	unsigned int i;
	int sev;

	for (sev = VRDMA_SEVERITY_ERROR; sev >= VRDMA_SEVERITY_WARNING; sev--) {
		for (i = 0; c->address[0] && i < bd->n_diags; i++)
			if (diag_severity(bd->diags[i]) == sev &&
			    vrdma_diag_involves(bd->diags[i], c->address))
				return bd->diags[i];
		for (i = 0; i < bd->n_diags; i++)
			if (diag_severity(bd->diags[i]) == sev)
				return bd->diags[i];
	}
	return NULL;
}

static const char *adapter_label(struct vrdma_adapter *a)
{
	if (!a)
		return "no adapter";
	return vrdma_adapter_get_alias(a) ? vrdma_adapter_get_alias(a) : vrdma_adapter_get_name(a);
}

static void cand_label(const struct vrdma_path *c, char *buf, size_t len)
{
	char addr[INET6_ADDRSTRLEN + 8] = "no usable address";

	if (c->address[0])
		snprintf(addr, sizeof(addr), "%s/%u", c->address, c->src_prefix);
	snprintf(buf, len, "%s (%s%s%s, %s)", vrdma_vmk_get_name(c->bd->vmk), addr,
	         c->gateway[0] ? " via " : "", c->gateway, adapter_label(c->bd->adapter));
}

static int refuse_unhealthy(struct vrdma_bindings *b, const char *target,
                            const struct vrdma_path *cs, unsigned int n)
{
	char label[200];
	struct vrdma_diag *d = NULL;
	struct vrdma_rule *rule;
	unsigned int i;

	for (i = 0; i < n && !d; i++)
		d = blocking_diag(&cs[i]);
	cand_label(&cs[0], label, sizeof(label));
	if (!d)
		return vrdma_error(b->ctx, -EHOSTUNREACH,
		                   "target %s: %s reaches it but its address cannot be a source yet",
		                   target, label);
	rule = vrdma_diag_get_rule(d);
	return vrdma_error(b->ctx, -EHOSTUNREACH,
	                   "target %s: %s reaches it but is %s: %s %s: %s; fix: %s", target, label,
	                   vrdma_binding_state_to_string(cs[0].bd->state), vrdma_rule_get_code(rule),
	                   vrdma_rule_get_name(rule), vrdma_diag_get_message(d),
	                   vrdma_diag_get_hint(d));
}

static unsigned int service_tag(int service)
{
	switch (service) {
	case VRDMA_SERVICE_NVME_RDMA: return VRDMA_VMK_TAG_NVME_RDMA;
	case VRDMA_SERVICE_ISER: return VRDMA_VMK_TAG_ISER;
	default: return 0;
	}
}

static bool has_tag(struct vrdma_binding *bd, unsigned int tag)
{
	return tag == 0 || (vrdma_vmk_get_tags(bd->vmk) & tag);
}

/* ---- candidates: at most one per binding ---------------------------------------- */

/* The index of the RoCE v2 GID `raw` on the binding's port (on its netdev), -1 none. */
static int port_gid_index(struct vrdma_binding *bd, const uint8_t *raw)
{
	const char *netdev = vrdma_netdev_get_name(bd->netdev), *gdev;
	struct vrdma_gid *g;
	unsigned int k;

	for (k = 0; bd->port && vrdma_port_get_gid(bd->port, k, &g) == 0; k++) {
		if (vrdma_gid_get_type(g) != VRDMA_GID_ROCE_V2 ||
		    memcmp(vrdma_gid_get_raw(g), raw, 16) != 0)
			continue;
		if (vrdma_gid_get_netdev_name(g, &gdev) == 0 && strcmp(gdev, netdev) != 0)
			continue;
		return vrdma_gid_get_index(g);
	}
	return -1;
}

/* Link-local target: the scope names the vmk or its netdev; the source is
 * the link-local address on the vmk's netdev. */
static bool link_local_cand(struct vrdma_binding *bd, const struct target *t,
                            struct vrdma_path *c)
{
	const char *netdev = bd->netdev ? vrdma_netdev_get_name(bd->netdev) : NULL;
	struct vrdma_addr *la;
	unsigned int k;

	if (strcmp(vrdma_vmk_get_name(bd->vmk), t->scope) != 0 &&
	    !(netdev && strcmp(netdev, t->scope) == 0))
		return false;
	*c = (struct vrdma_path){ .bd = bd, .family = AF_INET6, .gid_index = -1 };
	for (k = 0; netdev && vrdma_netdev_get_addr(bd->netdev, k, &la) == 0; k++) {
		if (vrdma_addr_get_family(la) != AF_INET6 || vrdma_addr_get_scope(la) != SCOPE_LINK)
			continue;
		snprintf(c->address, sizeof(c->address), "%s", vrdma_addr_get_string(la));
		c->src_prefix = c->prefix = (unsigned int)vrdma_addr_get_prefixlen(la);
		c->gid_index = port_gid_index(bd, vrdma_addr_get_raw(la));
		c->usable = bd->state != VRDMA_BINDING_UNBOUND && c->gid_index >= 0 &&
		            !(vrdma_addr_get_flags(la) & (VRDMA_ADDR_TENTATIVE | VRDMA_ADDR_DADFAILED));
		if (c->usable)
			break;
	}
	return true;
}

static void cand_from_addr(struct vrdma_binding *bd, unsigned int k, unsigned int prefix,
                           const char *gateway, struct vrdma_path *c)
{
	const struct binding_addr *a = &bd->addrs[k];

	*c = (struct vrdma_path){ .bd = bd, .family = a->addr.family, .src_prefix = a->addr.prefix,
	                          .prefix = prefix, .gid_index = a->gid_index };
	snprintf(c->address, sizeof(c->address), "%s", a->str);
	snprintf(c->gateway, sizeof(c->gateway), "%s", gateway ? gateway : "");
	c->usable = bd->state != VRDMA_BINDING_UNBOUND && addr_usable(a);
}

/* The vmk address whose subnet holds the target, the longest prefix. */
static bool connected_cand(struct vrdma_binding *bd, const struct vrdma_inaddr *t,
                           struct vrdma_path *c)
{
	unsigned int k;
	int best = -1;

	for (k = 0; k < bd->n_addrs; k++) {
		const struct binding_addr *a = &bd->addrs[k];
		if (vrdma_inaddr_in_subnet(t, &a->addr, a->addr.prefix) &&
		    (best < 0 || a->addr.prefix > bd->addrs[best].addr.prefix))
			best = (int)k;
	}
	if (best < 0)
		return false;
	cand_from_addr(bd, (unsigned int)best, bd->addrs[best].addr.prefix, NULL, c);
	return true;
}

/* The vmk's default gateway of the family, with the address in its subnet. */
static bool gateway_cand(struct vrdma_binding *bd, int family, struct vrdma_path *c)
{
	struct vrdma_inaddr gw;
	const char *text = NULL;
	unsigned int k;
	int pick = -1;

	if (vrdma_vmk_get_gateway(bd->vmk, family, &text) < 0 ||
	    vrdma_inaddr_parse(text, &gw) < 0 || gw.family != family)
		return false;
	for (k = 0; k < bd->n_addrs; k++) {
		struct binding_addr *a = &bd->addrs[k];
		if (a->addr.family != family)
			continue;
		if (vrdma_inaddr_in_subnet(&gw, &a->addr, a->addr.prefix)) {
			pick = (int)k;
			break;
		}
		if (pick < 0)
			pick = (int)k; /* IPv6 link-local gateway: any address of the family */
	}
	if (pick < 0)
		return false;
	cand_from_addr(bd, (unsigned int)pick, 0, text, c);
	return true;
}

static unsigned int collect(struct vrdma_bindings *b, const struct target *t,
                            struct vrdma_path *cs)
{
	unsigned int i, n = 0;

	for (i = 0; i < b->n; i++) {
		struct vrdma_binding *bd = &b->items[i];
		if (t->scope ? link_local_cand(bd, t, &cs[n])
		             : connected_cand(bd, &t->a, &cs[n]) || gateway_cand(bd, t->a.family, &cs[n]))
			n++;
	}
	return n;
}

/* ---- ordering and narrowing ------------------------------------------------------ */

/* vmk names: "vmk2" before "vmk10" (shorter first), then bytes. */
static int name_cmp(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	if (la != lb)
		return la < lb ? -1 : 1;
	return strcmp(a, b);
}

/* Usable first, then healthy, connected, longer prefix, vmk name. */
static int path_cmp(const void *x, const void *y)
{
	const struct vrdma_path *a = x, *b = y;
	bool ca = !a->gateway[0], cb = !b->gateway[0];

	if (a->usable != b->usable)
		return a->usable ? -1 : 1;
	if (path_state(a) != path_state(b))
		return path_state(a) < path_state(b) ? -1 : 1;
	if (ca != cb)
		return ca ? -1 : 1;
	if (a->prefix != b->prefix)
		return a->prefix > b->prefix ? -1 : 1;
	return name_cmp(vrdma_vmk_get_name(a->bd->vmk), vrdma_vmk_get_name(b->bd->vmk));
}

/* Keep (in order) the paths for which keep() holds, unless that leaves none. */
static unsigned int narrow(struct vrdma_path *cs, unsigned int n,
                           bool (*keep)(const struct vrdma_path *, unsigned int),
                           unsigned int arg)
{
	unsigned int i, m = 0;

	for (i = 0; i < n; i++)
		if (keep(&cs[i], arg))
			m++;
	if (m == 0 || m == n)
		return n;
	for (i = 0, m = 0; i < n; i++)
		if (keep(&cs[i], arg))
			cs[m++] = cs[i];
	return m;
}

static bool keep_tagged(const struct vrdma_path *c, unsigned int tag)
{
	return has_tag(c->bd, tag);
}

static bool keep_healthy(const struct vrdma_path *c, unsigned int unused)
{
	(void)unused;
	return path_state(c) == VRDMA_PATH_HEALTHY;
}

static int no_path(struct vrdma_bindings *b, const struct target *t)
{
	const char *fam = t->a.family == AF_INET ? "IPv4" : "IPv6";

	if (t->scope)
		return vrdma_error(b->ctx, -ENETUNREACH, "target %s: no vmk reaches it: scope '%s' "
		                   "names no vmk and no vmk's netdev", t->canon, t->scope);
	return vrdma_error(b->ctx, -ENETUNREACH,
	                   "target %s: no vmk reaches it: no vmk has an %s address in a subnet "
	                   "containing it, and none has an %s default gateway", t->canon, fam, fam);
}

/* The usable paths, in order, at the start of cs (*n their number), or the refusal. */
static int pick(struct vrdma_bindings *b, const struct target *t, unsigned int tag,
                unsigned int flags, struct vrdma_path *cs, unsigned int *n)
{
	unsigned int all = collect(b, t, cs), m = 0;

	if (all == 0)
		return no_path(b, t);
	qsort(cs, all, sizeof(*cs), path_cmp);
	while (m < all && cs[m].usable)
		m++;
	if (m == 0)
		return refuse_unhealthy(b, t->canon, cs, all);
	m = narrow(cs, m, keep_tagged, tag);
	if (flags & VRDMA_SOURCE_PREFER_BOUND)
		m = narrow(cs, m, keep_healthy, 0);
	if (flags & VRDMA_SOURCE_SINGLE)
		m = 1;
	*n = m;
	return 0;
}

/* ---- the source -------------------------------------------------------------------- */

static void source_free(struct vrdma_source *s)
{
	binding_diag_list_clear(&s->diags);
	vrdma_bindings_unref(s->set);
	free(s->paths);
	free(s->target);
	free(s);
}

/* B060 on the source for a path whose vmk lacks the service's tag. */
static void add_tag_diag(struct vrdma_source *s, struct vrdma_binding *bd, unsigned int tag)
{
	const char *vmk = vrdma_vmk_get_name(bd->vmk);
	struct vrdma_diag *d;

	if (has_tag(bd, tag))
		return;
	d = binding_diag_new(&s->diags, bd, R_SERVICE_TAG);
	binding_diag_object(&s->diags, d, "vmk", vmk);
	binding_diag_message(&s->diags, d, "vmk '%s' is a source for %s target %s but is not "
	                     "tagged '%s'", vmk, vrdma_service_to_string(s->service), s->target,
	                     vrdma_vmk_tag_to_string(tag));
	binding_diag_hint(&s->diags, d, "vrdmactl network ip interface tag add -i %s -t %s", vmk,
	                  vrdma_vmk_tag_to_string(tag));
}

static int source_new(struct vrdma_bindings *b, const struct vrdma_path *cs, unsigned int n,
                      int service, const char *target, unsigned int tag,
                      struct vrdma_source **ret)
{
	struct vrdma_source *s = calloc(1, sizeof(*s));
	unsigned int i;

	if (!s)
		return -ENOMEM;
	s->refcount = 1;
	s->set = vrdma_bindings_ref(b);
	s->diags.ctx = b->ctx;
	s->service = service;
	s->target = strdup(target);
	s->paths = calloc(n, sizeof(*s->paths));
	if (!s->target || !s->paths) {
		source_free(s);
		return -ENOMEM;
	}
	s->n_paths = n;
	for (i = 0; i < n; i++) {
		s->paths[i] = cs[i];
		s->paths[i].source = s;
		add_tag_diag(s, cs[i].bd, tag);
	}
	if (s->diags.oom) {
		source_free(s);
		return -ENOMEM;
	}
	*ret = s;
	return 0;
}

/* "addr" or "fe80::x%scope": parsed, with its canonical text. */
static int parse_target(struct vrdma_ctx *ctx, const char *text, struct target *t)
{
	char addr[INET6_ADDRSTRLEN];
	char *pct;

	if (snprintf(t->text, sizeof(t->text), "%s", text) >= (int)sizeof(t->text))
		return vrdma_error(ctx, -EINVAL, "target '%s': not an IPv4 or IPv6 address", text);
	pct = strchr(t->text, '%');
	t->scope = NULL;
	if (pct) {
		*pct = 0;
		t->scope = pct + 1;
	}
	if (vrdma_inaddr_parse(t->text, &t->a) < 0)
		return vrdma_error(ctx, -EINVAL, "target '%s': not an IPv4 or IPv6 address", text);
	if (t->scope && (!t->scope[0] || !is_link_local(&t->a)))
		return vrdma_error(ctx, -EINVAL, "target '%s': a scope (%%VMK or %%NETDEV) belongs "
		                   "only to an IPv6 link-local address", text);
	if (!t->scope && is_link_local(&t->a))
		return vrdma_error(ctx, -EINVAL, "target '%s': a link-local target needs a scope: "
		                   "%s%%VMK or %s%%NETDEV", text, t->text, t->text);
	vrdma_inaddr_format(&t->a, addr);
	snprintf(t->canon, sizeof(t->canon), "%s%s%s", addr, t->scope ? "%" : "",
	         t->scope ? t->scope : "");
	return 0;
}

VRDMA_EXPORT int vrdma_bindings_choose_source(struct vrdma_bindings *b, const char *target,
                                              int service, unsigned int flags,
                                              struct vrdma_source **ret)
{
	unsigned int tag = service_tag(service), n = 0;
	struct vrdma_path *cs;
	struct target t;
	int r;

	if (!b)
		return -EINVAL;
	vrdma_error_clear(b->ctx);
	if (!target || !ret)
		return vrdma_error(b->ctx, -EINVAL, "target '%s': no target, or no place to return "
		                   "its source", target ? target : "(null)");
	if (service < 0 || service > VRDMA_SERVICE_ISER)
		return vrdma_error(b->ctx, -EINVAL, "target '%s': unknown service %d", target,
		                   service);
	r = parse_target(b->ctx, target, &t);
	if (r < 0)
		return r;
	cs = calloc(b->n ? b->n : 1, sizeof(*cs));
	if (!cs)
		return vrdma_error(b->ctx, -ENOMEM, "target %s: out of memory", t.canon);
	r = pick(b, &t, tag, flags, cs, &n);
	if (r == 0) {
		r = source_new(b, cs, n, service, t.canon, tag, ret);
		if (r < 0)
			r = vrdma_error(b->ctx, r, "target %s: out of memory", t.canon);
	}
	free(cs);
	return r < 0 ? r : vrdma_success(b->ctx, 0);
}

VRDMA_EXPORT const char *vrdma_path_state_to_string(int state)
{
	static const char *const names[] = { "healthy", "degraded" };

	return state >= 0 && state < (int)(sizeof(names) / sizeof(names[0])) ? names[state] : NULL;
}

VRDMA_EXPORT struct vrdma_source *vrdma_source_ref(struct vrdma_source *s)
{
	if (s)
		s->refcount++;
	return s;
}

VRDMA_EXPORT struct vrdma_source *vrdma_source_unref(struct vrdma_source *s)
{
	if (s && --s->refcount == 0)
		source_free(s);
	return NULL;
}

VRDMA_EXPORT const char *vrdma_source_get_target(struct vrdma_source *s)
{
	return s ? s->target : NULL;
}

VRDMA_EXPORT int vrdma_source_get_service(struct vrdma_source *s)
{
	return s ? s->service : -EINVAL;
}

VRDMA_EXPORT int vrdma_source_get_n_paths(struct vrdma_source *s)
{
	return s ? (int)s->n_paths : -EINVAL;
}

VRDMA_EXPORT int vrdma_source_get_path(struct vrdma_source *s, unsigned int i,
                                       struct vrdma_path **ret)
{
	int r;

	if (!s)
		return -EINVAL;
	vrdma_error_clear(s->set->ctx);
	r = vrdma_index_check(s->set->ctx, ret, i, s->n_paths, "path", "target %s", s->target);
	if (r < 0)
		return r;
	*ret = &s->paths[i];
	return 0;
}

/* The source's getters read its first path. */
VRDMA_EXPORT struct vrdma_binding *vrdma_source_get_binding(struct vrdma_source *s)
{
	return s ? vrdma_path_get_binding(&s->paths[0]) : NULL;
}

VRDMA_EXPORT const char *vrdma_source_get_address(struct vrdma_source *s)
{
	return s ? vrdma_path_get_address(&s->paths[0]) : NULL;
}

VRDMA_EXPORT int vrdma_source_get_family(struct vrdma_source *s)
{
	return s ? vrdma_path_get_family(&s->paths[0]) : -EINVAL;
}

VRDMA_EXPORT int vrdma_source_get_gateway(struct vrdma_source *s, const char **ret)
{
	return s ? vrdma_path_get_gateway(&s->paths[0], ret) : -EINVAL;
}

VRDMA_EXPORT const char *vrdma_source_get_netdev_name(struct vrdma_source *s)
{
	return s ? vrdma_path_get_netdev_name(&s->paths[0]) : NULL;
}

VRDMA_EXPORT struct vrdma_adapter *vrdma_source_get_adapter(struct vrdma_source *s)
{
	return s ? vrdma_path_get_adapter(&s->paths[0]) : NULL;
}

VRDMA_EXPORT int vrdma_source_get_port_number(struct vrdma_source *s)
{
	return s ? vrdma_path_get_port_number(&s->paths[0]) : -EINVAL;
}

VRDMA_EXPORT int vrdma_source_get_gid_index(struct vrdma_source *s)
{
	return s ? vrdma_path_get_gid_index(&s->paths[0]) : -EINVAL;
}

VRDMA_EXPORT int vrdma_source_get_n_diags(struct vrdma_source *s)
{
	return s ? (int)s->diags.n : -EINVAL;
}

VRDMA_EXPORT int vrdma_source_get_diag(struct vrdma_source *s, unsigned int i,
                                       struct vrdma_diag **ret)
{
	int r;

	if (!s)
		return -EINVAL;
	vrdma_error_clear(s->set->ctx);
	r = vrdma_index_check(s->set->ctx, ret, i, s->diags.n, "finding", "target %s", s->target);
	if (r < 0)
		return r;
	*ret = s->diags.items[i];
	return 0;
}

/* ---- one path: always realised (netdev, adapter, port, uplink, GID) ---------------- */

VRDMA_EXPORT struct vrdma_source *vrdma_path_get_source(struct vrdma_path *p)
{
	return p ? p->source : NULL;
}

VRDMA_EXPORT struct vrdma_binding *vrdma_path_get_binding(struct vrdma_path *p)
{
	return p ? p->bd : NULL;
}

VRDMA_EXPORT struct vrdma_adapter *vrdma_path_get_adapter(struct vrdma_path *p)
{
	return p ? p->bd->adapter : NULL;
}

VRDMA_EXPORT int vrdma_path_get_port_number(struct vrdma_path *p)
{
	return p ? vrdma_port_get_number(p->bd->port) : -EINVAL;
}

VRDMA_EXPORT struct vrdma_uplink *vrdma_path_get_uplink(struct vrdma_path *p)
{
	return p ? p->bd->uplink : NULL;
}

VRDMA_EXPORT const char *vrdma_path_get_netdev_name(struct vrdma_path *p)
{
	return p ? vrdma_netdev_get_name(p->bd->netdev) : NULL;
}

VRDMA_EXPORT const char *vrdma_path_get_address(struct vrdma_path *p)
{
	return p ? p->address : NULL;
}

VRDMA_EXPORT int vrdma_path_get_family(struct vrdma_path *p)
{
	return p ? p->family : -EINVAL;
}

VRDMA_EXPORT int vrdma_path_get_gid_index(struct vrdma_path *p)
{
	return p ? p->gid_index : -EINVAL;
}

VRDMA_EXPORT int vrdma_path_get_gateway(struct vrdma_path *p, const char **ret)
{
	struct vrdma_ctx *ctx;

	if (!p)
		return -EINVAL;
	ctx = p->source->set->ctx;
	vrdma_error_clear(ctx);
	if (!ret)
		return vrdma_error(ctx, -EINVAL, "target %s: no place to return the gateway",
		                   p->source->target);
	if (!p->gateway[0])
		return vrdma_error(ctx, -ENOENT, "target %s: on a connected subnet of vmk '%s', no "
		                   "gateway", p->source->target, vrdma_vmk_get_name(p->bd->vmk));
	*ret = p->gateway;
	return 0;
}

VRDMA_EXPORT int vrdma_path_get_state(struct vrdma_path *p)
{
	return p ? path_state(p) : -EINVAL;
}
