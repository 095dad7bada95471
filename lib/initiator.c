/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The initiator side of bindings: for a target address and a storage
 * service (NVMe over RDMA, iSER) choose the source vmk, address, adapter,
 * port and RoCE v2 GID index, the way the kernel will route: a connected
 * subnet (longest prefix) first, a vmk default gateway otherwise.  It never
 * guesses: no healthy candidate is a precise refusal, several equal ones
 * are -ENOTUNIQ with the candidates listed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "binding-private.h"

#define MAX_CAND 64

struct cand {
	struct vrdma_binding *bd;
	unsigned int addr;   /* index into bd->addrs */
	const char *gateway; /* NULL: connected */
};

static bool addr_usable(const struct binding_addr *a)
{
	return a->live && a->gid_index >= 0 &&
	       !(vrdma_addr_get_flags(a->live) & (VRDMA_ADDR_TENTATIVE | VRDMA_ADDR_DADFAILED));
}

static bool cand_healthy(const struct cand *c)
{
	return c->bd->state != VRDMA_BINDING_UNBOUND && addr_usable(&c->bd->addrs[c->addr]);
}

static int diag_severity(struct vrdma_diag *d)
{
	return vrdma_rule_get_severity(vrdma_diag_get_rule(d));
}

/* The finding that explains why a candidate cannot be used. */
static struct vrdma_diag *blocking_diag(const struct cand *c)
{
	struct vrdma_binding *bd = c->bd;
	const char *addr = bd->addrs[c->addr].str;
	unsigned int i;
	int sev;

	for (sev = VRDMA_SEVERITY_ERROR; sev >= VRDMA_SEVERITY_WARNING; sev--) {
		for (i = 0; i < bd->n_diags; i++)
			if (diag_severity(bd->diags[i]) == sev &&
			    vrdma_diag_involves(bd->diags[i], addr))
				return bd->diags[i];
		for (i = 0; i < bd->n_diags; i++)
			if (diag_severity(bd->diags[i]) == sev)
				return bd->diags[i];
	}
	return NULL;
}

static void cand_label(const struct cand *c, char *buf, size_t len)
{
	struct vrdma_binding *bd = c->bd;
	const struct binding_addr *a = &bd->addrs[c->addr];

	snprintf(buf, len, "%s (%s/%u%s%s, %s)", vrdma_vmk_get_name(bd->vmk), a->str, a->addr.prefix,
	         c->gateway ? " via " : "", c->gateway ? c->gateway : "",
	         bd->adapter ? (vrdma_adapter_get_alias(bd->adapter)
	                                ? vrdma_adapter_get_alias(bd->adapter)
	                                : vrdma_adapter_get_name(bd->adapter))
	                     : "no adapter");
}

static int refuse_unhealthy(struct vrdma_bindings *b, const char *target, struct cand *cs, int n)
{
	char label[160];
	struct vrdma_diag *d = blocking_diag(&cs[0]);
	struct vrdma_rule *rule;
	int i;

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

/* Keep the candidates for which keep() holds, unless that leaves none. */
static int narrow(struct cand *cs, int n, bool (*keep)(const struct cand *, const void *),
                  const void *arg)
{
	int i, m = 0;

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

static bool keep_tagged(const struct cand *c, const void *arg)
{
	return has_tag(c->bd, *(const unsigned int *)arg);
}

static bool keep_bound(const struct cand *c, const void *arg)
{
	(void)arg;
	return c->bd->state == VRDMA_BINDING_BOUND;
}

/* Connected candidates: vmk addresses whose subnet holds the target, the
 * longest prefix only. */
static int connected_cands(struct vrdma_bindings *b, const struct vrdma_inaddr *t,
                           struct cand *cs)
{
	unsigned int i, k, best = 0;
	int n = 0;

	for (i = 0; i < b->n; i++) {
		struct vrdma_binding *bd = &b->items[i];
		for (k = 0; k < bd->n_addrs && n < MAX_CAND; k++) {
			struct binding_addr *a = &bd->addrs[k];
			if (!vrdma_inaddr_in_subnet(t, &a->addr, a->addr.prefix))
				continue;
			if (n == 0 || a->addr.prefix > best) {
				best = a->addr.prefix;
				n = 0;
			} else if (a->addr.prefix < best) {
				continue;
			}
			cs[n++] = (struct cand){ bd, k, NULL };
		}
	}
	return n;
}

/* Gateway candidates: vmks with a default gateway of the family. */
static int gateway_cands(struct vrdma_bindings *b, int family, struct cand *cs)
{
	unsigned int i, k;
	int n = 0;

	for (i = 0; i < b->n && n < MAX_CAND; i++) {
		struct vrdma_binding *bd = &b->items[i];
		struct vrdma_inaddr gw;
		const char *text = NULL;
		int pick = -1;

		if (vrdma_vmk_get_gateway(bd->vmk, family, &text) < 0 ||
		    vrdma_inaddr_parse(text, &gw) < 0 || gw.family != family)
			continue;
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
		if (pick >= 0)
			cs[n++] = (struct cand){ bd, (unsigned int)pick, text };
	}
	return n;
}

static int refuse_ambiguous(struct vrdma_bindings *b, const char *target, struct cand *cs, int n,
                            unsigned int tag)
{
	char list[1024] = "", label[160];
	int i;

	for (i = 0; i < n; i++) {
		cand_label(&cs[i], label, sizeof(label));
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s", i ? ", " : "",
		         label);
	}
	return vrdma_error(b->ctx, -ENOTUNIQ,
	                   "target %s: %d vmks reach it equally well: %s; make one subnet "
	                   "belong to one vmk%s", target, n, list,
	                   tag ? ", or tag only the one to use for the service" : "");
}

/* The one healthy candidate (in *ret), or the refusal. */
static int pick(struct vrdma_bindings *b, const char *target, int family, unsigned int tag,
                unsigned int flags, const struct vrdma_inaddr *t, struct cand *ret)
{
	struct cand all[MAX_CAND], ok[MAX_CAND];
	int i, n, m = 0;

	n = connected_cands(b, t, all);
	if (n == 0)
		n = gateway_cands(b, family, all);
	if (n == 0)
		return vrdma_error(b->ctx, -ENETUNREACH,
		                   "target %s: no vmk reaches it: no vmk has an %s address in a subnet "
		                   "containing it, and none has an %s default gateway",
		                   target, family == AF_INET ? "IPv4" : "IPv6",
		                   family == AF_INET ? "IPv4" : "IPv6");
	for (i = 0; i < n; i++)
		if (cand_healthy(&all[i]))
			ok[m++] = all[i];
	if (m == 0)
		return refuse_unhealthy(b, target, all, n);
	m = narrow(ok, m, keep_tagged, &tag);
	if (flags & VRDMA_SOURCE_PREFER_BOUND)
		m = narrow(ok, m, keep_bound, NULL);
	if (m > 1)
		return refuse_ambiguous(b, target, ok, m, tag);
	*ret = ok[0];
	return 0;
}

static void source_free(struct vrdma_source *s)
{
	binding_diag_list_clear(&s->diags);
	vrdma_bindings_unref(s->set);
	free(s->target);
	free(s->gateway);
	free(s);
}

/* B060 on the source when its vmk lacks the service's tag. */
static void add_tag_diag(struct vrdma_source *s, unsigned int tag)
{
	const char *vmk = vrdma_vmk_get_name(s->binding->vmk);
	struct vrdma_diag *d;

	if (has_tag(s->binding, tag))
		return;
	d = binding_diag_new(&s->diags, s->binding, R_SERVICE_TAG);
	binding_diag_object(&s->diags, d, "vmk", vmk);
	binding_diag_message(&s->diags, d, "vmk '%s' is the source for %s target %s but is not "
	                     "tagged '%s'", vmk, vrdma_service_to_string(s->service), s->target,
	                     vrdma_vmk_tag_to_string(tag));
	binding_diag_hint(&s->diags, d, "vrdmactl network ip interface tag add -i %s -t %s", vmk,
	                  vrdma_vmk_tag_to_string(tag));
}

static int source_new(struct vrdma_bindings *b, const struct cand *c, int service,
                      const char *target, unsigned int tag, struct vrdma_source **ret)
{
	struct vrdma_source *s = calloc(1, sizeof(*s));

	if (!s)
		return -ENOMEM;
	s->refcount = 1;
	s->set = vrdma_bindings_ref(b);
	s->diags.ctx = b->ctx;
	s->binding = c->bd;
	s->addr_index = c->addr;
	s->service = service;
	s->target = strdup(target);
	s->gateway = c->gateway ? strdup(c->gateway) : NULL;
	if (s->target && (!c->gateway || s->gateway))
		add_tag_diag(s, tag);
	if (!s->target || (c->gateway && !s->gateway) || s->diags.oom) {
		source_free(s);
		return -ENOMEM;
	}
	*ret = s;
	return 0;
}

VRDMA_EXPORT int vrdma_bindings_choose_source(struct vrdma_bindings *b, const char *target,
                                              int service, unsigned int flags,
                                              struct vrdma_source **ret)
{
	struct vrdma_inaddr t;
	char canon[INET6_ADDRSTRLEN];
	unsigned int tag = service_tag(service);
	struct cand c;
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
	if (vrdma_inaddr_parse(target, &t) < 0)
		return vrdma_error(b->ctx, -EINVAL, "target '%s': not an IPv4 or IPv6 address", target);
	vrdma_inaddr_format(&t, canon);
	r = pick(b, canon, t.family, tag, flags, &t, &c);
	if (r < 0)
		return r;
	r = source_new(b, &c, service, canon, tag, ret);
	if (r < 0)
		return vrdma_error(b->ctx, r, "target %s: out of memory", canon);
	return vrdma_success(b->ctx, 0);
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

VRDMA_EXPORT struct vrdma_binding *vrdma_source_get_binding(struct vrdma_source *s)
{
	return s ? s->binding : NULL;
}

VRDMA_EXPORT const char *vrdma_source_get_target(struct vrdma_source *s)
{
	return s ? s->target : NULL;
}

VRDMA_EXPORT int vrdma_source_get_service(struct vrdma_source *s)
{
	return s ? s->service : -EINVAL;
}

VRDMA_EXPORT const char *vrdma_source_get_address(struct vrdma_source *s)
{
	return s ? s->binding->addrs[s->addr_index].str : NULL;
}

VRDMA_EXPORT int vrdma_source_get_family(struct vrdma_source *s)
{
	return s ? s->binding->addrs[s->addr_index].addr.family : -EINVAL;
}

VRDMA_EXPORT int vrdma_source_get_gateway(struct vrdma_source *s, const char **ret)
{
	if (!s)
		return -EINVAL;
	vrdma_error_clear(s->set->ctx);
	if (!ret)
		return vrdma_error(s->set->ctx, -EINVAL, "target %s: no place to return the gateway",
		                   s->target);
	if (!s->gateway)
		return vrdma_error(s->set->ctx, -ENOENT, "target %s: on a connected subnet of vmk "
		                   "'%s', no gateway", s->target, vrdma_vmk_get_name(s->binding->vmk));
	*ret = s->gateway;
	return 0;
}

/* A source's binding is realised: netdev, adapter, port and GID are set. */
VRDMA_EXPORT const char *vrdma_source_get_netdev_name(struct vrdma_source *s)
{
	return s ? vrdma_netdev_get_name(s->binding->netdev) : NULL;
}

VRDMA_EXPORT struct vrdma_adapter *vrdma_source_get_adapter(struct vrdma_source *s)
{
	return s ? s->binding->adapter : NULL;
}

VRDMA_EXPORT int vrdma_source_get_port_number(struct vrdma_source *s)
{
	return s ? vrdma_port_get_number(s->binding->port) : -EINVAL;
}

VRDMA_EXPORT int vrdma_source_get_gid_index(struct vrdma_source *s)
{
	return s ? s->binding->addrs[s->addr_index].gid_index : -EINVAL;
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
