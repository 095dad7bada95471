/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The initiator side of bindings: for a target address and a storage
 * service (NVMe over RDMA, iSER) choose the source vmk, address, adapter,
 * port and RoCE v2 GID index, the way the kernel will route: a connected
 * subnet (longest prefix) first, a vmk default gateway otherwise.  It never
 * guesses: no healthy candidate is a precise refusal, several equal ones
 * are -ENOTUNIQ with the candidates listed.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "internal.h"

#define MAX_CAND 64

struct cand {
	struct vrdma_binding *bd;
	int addr;       /* index into bd->addrs */
	int prefixlen;  /* match quality (connected), -1 for a gateway */
	const char *gateway;
};

static bool addr_usable(const struct vrdma_baddr *a)
{
	return a->live && a->gid_index >= 0 && !vrdma_addr_is_tentative(a->live) &&
	       !vrdma_addr_is_dadfailed(a->live);
}

static bool cand_healthy(const struct cand *c)
{
	return c->bd->state != VRDMA_BINDING_UNBOUND && addr_usable(&c->bd->addrs[c->addr]);
}

/* The finding that explains why a candidate cannot be used. */
static struct vrdma_diag *blocking_diag(const struct cand *c)
{
	struct vrdma_binding *bd = c->bd;
	const char *addr = bd->addrs[c->addr].str;
	int i, sev;

	for (sev = VRDMA_SEVERITY_ERROR; sev >= VRDMA_SEVERITY_WARNING; sev--) {
		for (i = 0; i < bd->n_diags; i++)
			if (vrdma_diag_get_severity(bd->diags[i]) == sev &&
			    vrdma_diag_involves(bd->diags[i], addr))
				return bd->diags[i];
		for (i = 0; i < bd->n_diags; i++)
			if (vrdma_diag_get_severity(bd->diags[i]) == sev)
				return bd->diags[i];
	}
	return NULL;
}

static void cand_label(const struct cand *c, char *buf, size_t len)
{
	struct vrdma_binding *bd = c->bd;
	const struct vrdma_baddr *a = &bd->addrs[c->addr];

	snprintf(buf, len, "%s (%s/%d%s%s, %s)", vrdma_vmk_get_name(bd->vmk), a->str, a->prefixlen,
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
	int i;

	for (i = 0; i < n && !d; i++)
		d = blocking_diag(&cs[i]);
	cand_label(&cs[0], label, sizeof(label));
	if (!d)
		return vrdma_error(b->ctx, -EHOSTUNREACH,
		                   "target %s: %s reaches it but its address cannot be a source yet",
		                   target, label);
	return vrdma_error(b->ctx, -EHOSTUNREACH,
	                   "target %s: %s reaches it but is %s: %s %s: %s; fix: %s", target, label,
	                   vrdma_binding_state_to_string(cs[0].bd->state), vrdma_diag_get_code(d),
	                   vrdma_diag_get_name(d), vrdma_diag_get_message(d), vrdma_diag_get_hint(d));
}

static unsigned service_tag(int service)
{
	switch (service) {
	case VRDMA_SERVICE_NVME_RDMA: return VRDMA_VMK_TAG_NVME_RDMA;
	case VRDMA_SERVICE_ISER: return VRDMA_VMK_TAG_ISER;
	default: return 0;
	}
}

static bool has_tag(struct vrdma_binding *bd, unsigned tag)
{
	int t = vrdma_vmk_get_tags(bd->vmk);

	return tag == 0 || (t > 0 && ((unsigned)t & tag));
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
	return has_tag(c->bd, *(const unsigned *)arg);
}

static bool keep_bound(const struct cand *c, const void *arg)
{
	(void)arg;
	return c->bd->state == VRDMA_BINDING_BOUND;
}

static void source_free(struct vrdma_source *s)
{
	vrdma_diag_list_clear(&s->diags);
	vrdma_bindings_unref(s->set);
	free(s->target);
	free(s->gateway);
	free(s);
}

/* Gateway candidates: vmks with a default gateway of the family. */
static int gateway_cands(struct vrdma_bindings *b, int family, struct cand *cs)
{
	int i, k, n = 0;

	for (i = 0; i < b->n && n < MAX_CAND; i++) {
		struct vrdma_binding *bd = &b->items[i];
		const char *gw = NULL;
		uint8_t graw[16];
		int pick = -1;

		if (vrdma_vmk_get_gateway(bd->vmk, family, &gw) < 0 || !gw ||
		    inet_pton(family, gw, graw) != 1)
			continue;
		for (k = 0; k < bd->n_addrs; k++) {
			struct vrdma_baddr *a = &bd->addrs[k];
			if (a->family != family)
				continue;
			if (vrdma_prefix_contains(family, a->raw, a->prefixlen, graw)) {
				pick = k;
				break;
			}
			if (pick < 0)
				pick = k; /* IPv6 link-local gateway: any address of the family */
		}
		if (pick < 0)
			continue;
		cs[n].bd = bd;
		cs[n].addr = pick;
		cs[n].prefixlen = -1;
		cs[n].gateway = gw;
		n++;
	}
	return n;
}

VRDMA_EXPORT int vrdma_bindings_choose_source(struct vrdma_bindings *b, const char *target,
                                              int service, unsigned flags,
                                              struct vrdma_source **ret)
{
	struct cand all[MAX_CAND], ok[MAX_CAND];
	struct vrdma_source *s;
	uint8_t traw[16];
	char canon[INET6_ADDRSTRLEN];
	int family, i, k, n = 0, m = 0, best = -1;
	unsigned tag = service_tag(service);

	if (!b || !target || !ret || service < 0 || service > VRDMA_SERVICE_ISER)
		return -EINVAL;
	vrdma_error_clear(b->ctx);
	if (inet_pton(AF_INET, target, traw) == 1)
		family = AF_INET;
	else if (inet_pton(AF_INET6, target, traw) == 1)
		family = AF_INET6;
	else
		return vrdma_error(b->ctx, -EINVAL, "target '%s': not an IPv4 or IPv6 address", target);
	inet_ntop(family, traw, canon, sizeof(canon));

	/* Connected subnets, longest prefix first. */
	for (i = 0; i < b->n; i++) {
		struct vrdma_binding *bd = &b->items[i];
		for (k = 0; k < bd->n_addrs && n < MAX_CAND; k++) {
			struct vrdma_baddr *a = &bd->addrs[k];
			if (a->family != family ||
			    !vrdma_prefix_contains(family, a->raw, a->prefixlen, traw))
				continue;
			if (a->prefixlen > best) {
				best = a->prefixlen;
				n = 0;
			} else if (a->prefixlen < best) {
				continue;
			}
			all[n].bd = bd;
			all[n].addr = k;
			all[n].prefixlen = a->prefixlen;
			all[n].gateway = NULL;
			n++;
		}
	}
	if (n == 0)
		n = gateway_cands(b, family, all);
	if (n == 0)
		return vrdma_error(b->ctx, -ENETUNREACH,
		                   "target %s: no vmk reaches it: no vmk has an %s address in a subnet "
		                   "containing it, and none has an %s default gateway",
		                   canon, family == AF_INET ? "IPv4" : "IPv6",
		                   family == AF_INET ? "IPv4" : "IPv6");
	for (i = 0; i < n; i++)
		if (cand_healthy(&all[i]))
			ok[m++] = all[i];
	if (m == 0)
		return refuse_unhealthy(b, canon, all, n);
	m = narrow(ok, m, keep_tagged, &tag);
	if (flags & VRDMA_SOURCE_PREFER_BOUND)
		m = narrow(ok, m, keep_bound, NULL);
	if (m > 1) {
		char list[1024] = "", label[160];
		for (i = 0; i < m; i++) {
			cand_label(&ok[i], label, sizeof(label));
			snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s", i ? ", " : "",
			         label);
		}
		return vrdma_error(b->ctx, -ENOTUNIQ,
		                   "target %s: %d vmks reach it equally well: %s; make one subnet "
		                   "belong to one vmk%s", canon, m, list,
		                   tag ? ", or tag only the one to use for the service" : "");
	}

	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->refcount = 1;
	s->set = vrdma_bindings_ref(b);
	s->binding = ok[0].bd;
	s->addr_index = ok[0].addr;
	s->service = service;
	s->target = strdup(canon);
	s->gateway = ok[0].gateway ? strdup(ok[0].gateway) : NULL;
	if (!s->target || (ok[0].gateway && !s->gateway)) {
		source_free(s);
		return -ENOMEM;
	}
	if (!has_tag(s->binding, tag)) {
		struct vrdma_diag *d = vrdma_diag_new(&s->diags, s->binding, R_SERVICE_TAG);
		const char *vmk = vrdma_vmk_get_name(s->binding->vmk);
		vrdma_diag_object(&s->diags, d, "vmk", vmk);
		vrdma_diag_message(&s->diags, d, "vmk '%s' is the source for %s target %s but is not "
		                   "tagged '%s'", vmk, vrdma_service_to_string(service), canon,
		                   vrdma_vmk_tag_to_name(tag));
		vrdma_diag_hint(&s->diags, d, "vrdmactl network ip interface tag add -i %s -t %s",
		                vmk, vrdma_vmk_tag_to_name(tag));
		if (s->diags.oom) {
			source_free(s);
			return -ENOMEM;
		}
	}
	*ret = s;
	return 0;
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
	return s ? s->binding->addrs[s->addr_index].family : -EINVAL;
}

VRDMA_EXPORT const char *vrdma_source_get_gateway(struct vrdma_source *s)
{
	return s ? s->gateway : NULL;
}

VRDMA_EXPORT const char *vrdma_source_get_netdev_name(struct vrdma_source *s)
{
	return s ? vrdma_binding_get_netdev_name(s->binding) : NULL;
}

VRDMA_EXPORT struct vrdma_adapter *vrdma_source_get_adapter(struct vrdma_source *s)
{
	return s ? s->binding->adapter : NULL;
}

VRDMA_EXPORT int vrdma_source_get_port_number(struct vrdma_source *s)
{
	return s && s->binding->port ? vrdma_port_get_number(s->binding->port) : -EINVAL;
}

VRDMA_EXPORT int vrdma_source_get_gid_index(struct vrdma_source *s)
{
	return s ? s->binding->addrs[s->addr_index].gid_index : -EINVAL;
}

VRDMA_EXPORT int vrdma_source_get_n_diags(struct vrdma_source *s)
{
	return s ? s->diags.n : -EINVAL;
}

VRDMA_EXPORT struct vrdma_diag *vrdma_source_get_diag(struct vrdma_source *s, int i)
{
	return s && i >= 0 && i < s->diags.n ? s->diags.items[i] : NULL;
}
