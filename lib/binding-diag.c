/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The rule catalogue (stable codes, names, severities) and the finding
 * objects the checks (binding-rules.c) and the initiator make.  Every rule
 * is documented in vrdma-diagnostics(7); codes are never reused.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "binding-private.h"

#define E VRDMA_SEVERITY_ERROR
#define W VRDMA_SEVERITY_WARNING
#define I VRDMA_SEVERITY_INFO

static const struct vrdma_rule rules[R__COUNT] = {
	[R_PG_NO_ACTIVE] = { "VRDMA-B001", "portgroup-no-active-uplink", E,
		"the vmk's port group has no active uplink" },
	[R_PG_MULTI_ACTIVE] = { "VRDMA-B002", "portgroup-multiple-active-uplinks", E,
		"the vmk's port group has more than one active uplink" },
	[R_PG_STANDBY] = { "VRDMA-B003", "portgroup-standby-uplink", E,
		"the vmk's port group has a standby uplink" },
	[R_UPLINK_NOT_PAIRED] = { "VRDMA-B004", "uplink-not-paired", E,
		"the vmk reaches RDMA through an adapter not paired with its active uplink" },
	[R_UPLINK_NO_ADAPTER] = { "VRDMA-B005", "uplink-no-adapter", E,
		"the active uplink has no paired RDMA adapter" },
	[R_UPLINK_MISSING] = { "VRDMA-B006", "uplink-missing", E,
		"the active uplink is not a physical NIC of this host" },
	[R_VMK_NOT_REALISED] = { "VRDMA-B007", "vmk-not-realised", E,
		"no netdev carries the vmk on this host" },
	[R_VMK_NO_ADDRESS] = { "VRDMA-B010", "vmk-no-address", E,
		"the vmk has no static IPv4 or IPv6 address" },
	[R_DUP_ADDRESS] = { "VRDMA-B011", "duplicate-address", E,
		"the vmk's address is also used by another vmk or netdev" },
	[R_SUBNET_SPLIT] = { "VRDMA-B012", "subnet-split-switches", W,
		"vmks in one subnet are on different switches" },
	[R_ADDR_MISSING] = { "VRDMA-B013", "vmk-address-missing", E,
		"a configured address of the vmk is not on its netdev" },
	[R_MTU_VMK_SWITCH] = { "VRDMA-B020", "mtu-vmk-above-switch", E,
		"the vmk MTU is above its switch's MTU" },
	[R_MTU_SWITCH_UPLINK] = { "VRDMA-B021", "mtu-switch-above-uplink", E,
		"the switch MTU is above its active uplink's MTU" },
	[R_ROCE_MTU_LOW] = { "VRDMA-B022", "roce-mtu-low", W,
		"the port's RoCE active MTU is below what the vmk MTU allows" },
	[R_UPLINK_DOWN] = { "VRDMA-B030", "uplink-down", E,
		"the active uplink is down" },
	[R_PORT_DOWN] = { "VRDMA-B031", "port-down", E,
		"the paired RDMA port is not active" },
	[R_VMK_DOWN] = { "VRDMA-B032", "vmk-netdev-down", E,
		"the vmk's netdev is down" },
	[R_NOT_ROCEV2] = { "VRDMA-B040", "adapter-not-rocev2", E,
		"the paired adapter is not RoCE v2 capable" },
	[R_GID_MISSING] = { "VRDMA-B041", "gid-missing", E,
		"no RoCE v2 GID for a vmk address on the paired adapter" },
	[R_GID_WRONG_NETDEV] = { "VRDMA-B042", "gid-wrong-netdev", E,
		"the address's GID belongs to another netdev than the vmk's" },
	[R_GID_AMBIGUOUS] = { "VRDMA-B043", "gid-ambiguous", W,
		"the vmk's address is also a GID of another adapter" },
	[R_GID_TABLE_FULL] = { "VRDMA-B044", "gid-table-full", W,
		"the paired port's GID table is full" },
	[R_GID_NO_REMOTE] = { "VRDMA-B045", "gid-netdev-no-remote", E,
		"the GID's netdev cannot receive remote RDMA traffic on this adapter" },
	[R_ROCE_MODE_GID] = { "VRDMA-B046", "roce-mode-no-gid", W,
		"the port's configured RoCE mode makes rdma_cm pick a GID type the vmk's "
		"address has no GID of" },
	[R_IPV6_TENTATIVE] = { "VRDMA-B050", "ipv6-tentative", W,
		"a vmk IPv6 address is still tentative (DAD in progress)" },
	[R_IPV6_DADFAILED] = { "VRDMA-B051", "ipv6-dad-failed", E,
		"a vmk IPv6 address failed duplicate address detection" },
	[R_OTHER_NAMESPACE] = { "VRDMA-B052", "netdev-other-namespace", E,
		"an adapter's netdev is in another network namespace" },
	[R_SERVICE_TAG] = { "VRDMA-B060", "service-tag-missing", W,
		"the vmk used for a service lacks the service's tag" },
	[R_ADAPTER_NO_VMK] = { "VRDMA-B070", "adapter-no-vmk", I,
		"the RDMA adapter has no vmk bound" },
	[R_STORAGE_NO_BINDING] = { "VRDMA-B080", "storage-source-not-bound", W,
		"a storage session's source address is no vmk's: it bypasses the bindings" },
	[R_STORAGE_DEGRADED] = { "VRDMA-B081", "storage-binding-degraded", W,
		"a storage session rides a degraded binding" },
	[R_STORAGE_UNBOUND] = { "VRDMA-B082", "storage-binding-unbound", E,
		"a storage session rides an unbound binding" },
	[R_STORAGE_IDLE_VMK] = { "VRDMA-B083", "storage-vmk-no-session", W,
		"a bound vmk tagged for a storage service carries no session of it" },
};

#undef E
#undef W
#undef I

/* The static table is read-only; handles are not const for the API's sake. */
static struct vrdma_rule *rule_handle(int id)
{
	return (struct vrdma_rule *)&rules[id];
}

VRDMA_EXPORT int vrdma_ctx_get_n_rules(struct vrdma_ctx *ctx)
{
	return ctx ? R__COUNT : -EINVAL;
}

VRDMA_EXPORT int vrdma_ctx_get_rule(struct vrdma_ctx *ctx, unsigned int i, struct vrdma_rule **ret)
{
	int r;

	if (!ctx)
		return -EINVAL;
	vrdma_error_clear(ctx);
	r = vrdma_index_check(ctx, ret, i, R__COUNT, "rule", "rule catalogue");
	if (r < 0)
		return r;
	*ret = rule_handle((int)i);
	return 0;
}

VRDMA_EXPORT int vrdma_ctx_find_rule(struct vrdma_ctx *ctx, const char *code_or_name,
                                     struct vrdma_rule **ret)
{
	const char *s = code_or_name;
	int i;

	if (!ctx)
		return -EINVAL;
	vrdma_error_clear(ctx);
	if (!s || !ret)
		return vrdma_error(ctx, -EINVAL, "rule '%s': no code or name, or no place to return it",
		                   s ? s : "(null)");
	for (i = 0; i < R__COUNT; i++)
		if (strcasecmp(s, rules[i].code) == 0 || strcmp(s, rules[i].name) == 0 ||
		    strcasecmp(s, rules[i].code + 6) == 0) {
			*ret = rule_handle(i);
			return 0;
		}
	return vrdma_error(ctx, -ENOENT, "rule '%s': no rule has this code or name", s);
}

VRDMA_EXPORT const char *vrdma_rule_get_code(struct vrdma_rule *rule)
{
	return rule ? rule->code : NULL;
}

VRDMA_EXPORT const char *vrdma_rule_get_name(struct vrdma_rule *rule)
{
	return rule ? rule->name : NULL;
}

VRDMA_EXPORT int vrdma_rule_get_severity(struct vrdma_rule *rule)
{
	return rule ? rule->severity : -EINVAL;
}

VRDMA_EXPORT const char *vrdma_rule_get_summary(struct vrdma_rule *rule)
{
	return rule ? rule->summary : NULL;
}

static const char *const severity_names[] = { "info", "warning", "error" };

VRDMA_EXPORT const char *vrdma_severity_to_string(int severity)
{
	return severity >= 0 && severity < (int)ARRAY_SIZE(severity_names)
	               ? severity_names[severity]
	               : NULL;
}

/* ---- making findings ------------------------------------------------------------ */

struct vrdma_diag *binding_diag_new(struct binding_diag_list *list, struct vrdma_binding *bd,
                                    int rule)
{
	struct vrdma_diag *d, **items;

	if (list->oom)
		return NULL;
	d = calloc(1, sizeof(*d));
	items = realloc(list->items, sizeof(*items) * (list->n + 1));
	if (!d || !items) {
		free(d);
		if (items)
			list->items = items;
		list->oom = true;
		return NULL;
	}
	list->items = items;
	d->ctx = list->ctx;
	d->rule = rule;
	d->binding = bd;
	d->seq = (int)list->n;
	list->items[list->n++] = d;
	return d;
}

void binding_diag_object(struct binding_diag_list *list, struct vrdma_diag *d, const char *kind,
                         const char *name)
{
	unsigned int i;

	if (!d || !name || !name[0] || d->n_objects >= BINDING_DIAG_MAX_OBJECTS)
		return;
	for (i = 0; i < d->n_objects; i++)
		if (strcmp(d->kinds[i], kind) == 0 && strcmp(d->names[i], name) == 0)
			return;
	d->kinds[d->n_objects] = strdup(kind);
	d->names[d->n_objects] = strdup(name);
	if (!d->kinds[d->n_objects] || !d->names[d->n_objects]) {
		free(d->kinds[d->n_objects]);
		free(d->names[d->n_objects]);
		list->oom = true;
		return;
	}
	d->n_objects++;
}

static void set_text(struct binding_diag_list *list, char **dst, const char *fmt, va_list ap)
	VRDMA_PRINTF(3, 0);
static void set_text(struct binding_diag_list *list, char **dst, const char *fmt, va_list ap)
{
	char *s = NULL;

	if (vasprintf(&s, fmt, ap) < 0) {
		list->oom = true;
		return;
	}
	free(*dst);
	*dst = s;
}

void binding_diag_message(struct binding_diag_list *list, struct vrdma_diag *d, const char *fmt,
                          ...)
{
	va_list ap;

	if (!d)
		return;
	va_start(ap, fmt);
	set_text(list, &d->message, fmt, ap);
	va_end(ap);
}

void binding_diag_hint(struct binding_diag_list *list, struct vrdma_diag *d, const char *fmt, ...)
{
	va_list ap;

	if (!d)
		return;
	va_start(ap, fmt);
	set_text(list, &d->hint, fmt, ap);
	va_end(ap);
}

void binding_diag_list_clear(struct binding_diag_list *list)
{
	unsigned int i, k;

	for (i = 0; i < list->n; i++) {
		struct vrdma_diag *d = list->items[i];
		for (k = 0; k < d->n_objects; k++) {
			free(d->kinds[k]);
			free(d->names[k]);
		}
		free(d->message);
		free(d->hint);
		free(d);
	}
	free(list->items);
	memset(list, 0, sizeof(*list));
}

/* The binding's position in its set; findings about no vmk sort last. */
static long diag_order(const struct vrdma_diag *d)
{
	return d->binding ? (long)(d->binding - d->binding->set->items) : LONG_MAX;
}

static int diag_cmp(const void *pa, const void *pb)
{
	const struct vrdma_diag *a = *(struct vrdma_diag *const *)pa;
	const struct vrdma_diag *b = *(struct vrdma_diag *const *)pb;
	long ia = diag_order(a), ib = diag_order(b);

	if (ia != ib)
		return ia < ib ? -1 : 1;
	if (a->rule != b->rule)
		return a->rule < b->rule ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

void binding_diag_list_sort(struct binding_diag_list *list)
{
	if (list->n > 1)
		qsort(list->items, list->n, sizeof(*list->items), diag_cmp);
}

/* ---- reading findings ------------------------------------------------------------ */

VRDMA_EXPORT struct vrdma_rule *vrdma_diag_get_rule(struct vrdma_diag *d)
{
	return d ? rule_handle(d->rule) : NULL;
}

VRDMA_EXPORT const char *vrdma_diag_get_message(struct vrdma_diag *d)
{
	return d ? (d->message ? d->message : rules[d->rule].summary) : NULL;
}

VRDMA_EXPORT const char *vrdma_diag_get_hint(struct vrdma_diag *d)
{
	return d ? d->hint : NULL;
}

VRDMA_EXPORT int vrdma_diag_get_n_objects(struct vrdma_diag *d)
{
	return d ? (int)d->n_objects : -EINVAL;
}

VRDMA_EXPORT int vrdma_diag_get_object(struct vrdma_diag *d, unsigned int i, const char **kind,
                                       const char **name)
{
	int r;

	if (!d)
		return -EINVAL;
	vrdma_error_clear(d->ctx);
	r = vrdma_index_check(d->ctx, kind && name ? kind : NULL, i, d->n_objects, "object",
	                      "finding %s", rules[d->rule].code);
	if (r < 0)
		return r;
	*kind = d->kinds[i];
	*name = d->names[i];
	return 0;
}

/* Does `name` name an object of the binding's chain? */
static bool binding_involves(struct vrdma_binding *bd, const char *name)
{
	const char *names[9];
	size_t i, n = 0;

	names[n++] = vrdma_vmk_get_name(bd->vmk);
	names[n++] = vrdma_portgroup_get_name(bd->pg);
	names[n++] = vrdma_switch_get_name(bd->sw);
	names[n++] = bd->uplink_name;
	names[n++] = bd->uplink ? vrdma_uplink_get_alias(bd->uplink) : NULL;
	names[n++] = bd->uplink_netdev ? vrdma_netdev_get_name(bd->uplink_netdev) : NULL;
	names[n++] = bd->adapter ? vrdma_adapter_get_alias(bd->adapter) : NULL;
	names[n++] = bd->adapter ? vrdma_adapter_get_name(bd->adapter) : NULL;
	names[n++] = bd->netdev ? vrdma_netdev_get_name(bd->netdev) : NULL;
	for (i = 0; i < n; i++)
		if (names[i] && strcmp(names[i], name) == 0)
			return true;
	return false;
}

VRDMA_EXPORT bool vrdma_diag_involves(struct vrdma_diag *d, const char *name)
{
	unsigned int i;

	if (!d || !name)
		return false;
	for (i = 0; i < d->n_objects; i++)
		if (strcmp(d->names[i], name) == 0)
			return true;
	return d->binding && binding_involves(d->binding, name);
}

VRDMA_EXPORT int vrdma_diag_get_binding(struct vrdma_diag *d, struct vrdma_binding **ret)
{
	if (!d)
		return -EINVAL;
	vrdma_error_clear(d->ctx);
	if (!ret)
		return vrdma_error(d->ctx, -EINVAL, "finding %s: no place to return its binding",
		                   rules[d->rule].code);
	if (!d->binding)
		return vrdma_error(d->ctx, -ENOENT, "finding %s: it is about no single vmk",
		                   rules[d->rule].code);
	*ret = d->binding;
	return 0;
}
