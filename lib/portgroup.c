/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Port groups: VLAN, trunk ranges and the teaming override of a switch's
 * port group. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model-private.h"

/* Start of a public call on pg: NULL is -EINVAL, then clear the message. */
#define PG_CHECK(pg)                                                            \
	do {                                                                    \
		if (!(pg))                                                      \
			return -EINVAL;                                         \
		vrdma_error_clear((pg)->ctx);                                   \
	} while (0)

static unsigned int portgroup_total(struct vrdma_config *cfg)
{
	unsigned int i, n = 0;

	for (i = 0; i < cfg->n_switches; i++)
		n += cfg->switches[i]->n_pgs;
	return n;
}

VRDMA_EXPORT int vrdma_switch_add_portgroup(struct vrdma_switch *sw, const char *name,
                                            struct vrdma_portgroup **ret)
{
	struct vrdma_portgroup *pg, **npg;
	unsigned int i;
	int r;

	if (!sw)
		return -EINVAL;
	vrdma_error_clear(sw->ctx);
	r = vrdma_model_check_name(sw->ctx, "port group", name);
	if (r < 0)
		return r;
	for (i = 0; i < sw->n_pgs; i++)
		if (strcmp(sw->pgs[i]->name, name) == 0)
			return vrdma_error(sw->ctx, -EEXIST,
			                   "port group '%s': already exists on switch '%s'",
			                   name, sw->name);
	if (portgroup_total(sw->cfg) >= VRDMA_MAX_PORTGROUPS)
		return vrdma_error(sw->ctx, -ENOSPC,
		                   "port group '%s': limit of %d port groups reached",
		                   name, VRDMA_MAX_PORTGROUPS);
	npg = realloc(sw->pgs, (sw->n_pgs + 1) * sizeof(*npg));
	if (!npg)
		return vrdma_error(sw->ctx, -ENOMEM, "port group '%s': out of memory", name);
	sw->pgs = npg;
	pg = calloc(1, sizeof(*pg));
	if (!pg)
		return vrdma_error(sw->ctx, -ENOMEM, "port group '%s': out of memory", name);
	pg->name = strdup(name);
	if (!pg->name) {
		free(pg);
		return vrdma_error(sw->ctx, -ENOMEM, "port group '%s': out of memory", name);
	}
	pg->ctx = sw->ctx;
	pg->sw = sw;
	sw->pgs[sw->n_pgs++] = pg;
	if (ret)
		*ret = pg;
	return 0;
}

void vrdma_portgroup_free(struct vrdma_portgroup *pg)
{
	vrdma_failover_clear(&pg->failover);
	free(pg->name);
	free(pg);
}

VRDMA_EXPORT struct vrdma_switch *vrdma_portgroup_get_switch(struct vrdma_portgroup *pg)
{
	return pg ? pg->sw : NULL;
}

VRDMA_EXPORT int vrdma_portgroup_remove(struct vrdma_portgroup *pg)
{
	struct vrdma_portgroup **keep;
	struct vrdma_switch *sw;
	struct vrdma_vmk *vmk;
	unsigned int i;

	PG_CHECK(pg);
	sw = pg->sw;
	vmk = vrdma_model_first_vmk_on(pg);
	if (vmk)
		return vrdma_error(pg->ctx, -EBUSY,
		                   "port group '%s': cannot remove: vmk '%s' uses it "
		                   "(remove or move the vmk first)", pg->name, vmk->name);
	keep = realloc(sw->removed_pgs, (sw->n_removed_pgs + 1) * sizeof(*keep));
	if (!keep)
		return vrdma_error(pg->ctx, -ENOMEM, "port group '%s': out of memory", pg->name);
	sw->removed_pgs = keep;
	keep[sw->n_removed_pgs++] = pg;
	for (i = 0; i < sw->n_pgs; i++)
		if (sw->pgs[i] == pg)
			break;
	memmove(&sw->pgs[i], &sw->pgs[i + 1], (sw->n_pgs - i - 1) * sizeof(*sw->pgs));
	sw->n_pgs--;
	return 0;
}

VRDMA_EXPORT const char *vrdma_portgroup_get_name(struct vrdma_portgroup *pg)
{
	return pg ? pg->name : NULL;
}

VRDMA_EXPORT const char *vrdma_portgroup_get_ifname(struct vrdma_portgroup *pg)
{
	if (!pg)
		return NULL;
	if (pg->vlan_id >= 1 && pg->vlan_id <= 4094)
		snprintf(pg->ifname, sizeof(pg->ifname), "%s.%d", pg->sw->ifname, pg->vlan_id);
	else
		snprintf(pg->ifname, sizeof(pg->ifname), "%s", pg->sw->ifname);
	return pg->ifname;
}

VRDMA_EXPORT int vrdma_portgroup_get_n_vmks(struct vrdma_portgroup *pg)
{
	struct vrdma_config *cfg;
	unsigned int i, n = 0;

	if (!pg)
		return -EINVAL;
	cfg = pg->sw->cfg;
	for (i = 0; i < cfg->n_vmks; i++)
		if (cfg->vmks[i]->pg == pg)
			n++;
	return (int)n;
}

VRDMA_EXPORT int vrdma_portgroup_set_vlan_id(struct vrdma_portgroup *pg, int vlan_id)
{
	PG_CHECK(pg);
	if (pg->sw->type == VRDMA_SWITCH_STANDARD) {
		if (vlan_id < 0 || vlan_id > VRDMA_VLAN_ID_TRUNK)
			return vrdma_error(pg->ctx, -ERANGE,
			                   "port group '%s': VLAN ID %d out of range 0-4095 "
			                   "(0 none, 1-4094 tagged, 4095 all VLANs)",
			                   pg->name, vlan_id);
	} else {
		if (vlan_id == VRDMA_VLAN_ID_TRUNK)
			return vrdma_error(pg->ctx, -ERANGE,
			                   "port group '%s': VLAN ID 4095 is not valid on a "
			                   "distributed switch (use VLAN trunk ranges)", pg->name);
		if (vlan_id < 0 || vlan_id > 4094)
			return vrdma_error(pg->ctx, -ERANGE,
			                   "port group '%s': VLAN ID %d out of range 0-4094",
			                   pg->name, vlan_id);
	}
	pg->vlan_id = vlan_id;
	pg->n_ranges = 0;
	return 0;
}

VRDMA_EXPORT int vrdma_portgroup_get_vlan_mode(struct vrdma_portgroup *pg)
{
	if (!pg)
		return -EINVAL;
	if (pg->vlan_id == 0)
		return VRDMA_VLAN_NONE;
	if (pg->vlan_id == VRDMA_VLAN_ID_TRUNK)
		return VRDMA_VLAN_TRUNK;
	return VRDMA_VLAN_TAGGED;
}

VRDMA_EXPORT int vrdma_portgroup_get_vlan_id(struct vrdma_portgroup *pg)
{
	return pg ? pg->vlan_id : -EINVAL;
}

static int range_cmp(const void *a, const void *b)
{
	const struct vrdma_vlan_range *x = a, *y = b;

	return (int)x->first - (int)y->first;
}

static int parse_vlan_number(const char *s, const char **end, long *v)
{
	char *e;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	*v = strtol(s, &e, 10);
	if (errno || e == s)
		return -EINVAL;
	*end = e;
	return 0;
}

VRDMA_EXPORT int vrdma_portgroup_set_vlan_trunk(struct vrdma_portgroup *pg,
                                                const char *ranges)
{
	struct vrdma_vlan_range r[VRDMA_MAX_VLAN_RANGES + 1];
	unsigned int n = 0, i, m;
	const char *p;

	PG_CHECK(pg);
	if (!ranges)
		return vrdma_error(pg->ctx, -EINVAL, "port group '%s': NULL VLAN trunk", pg->name);
	if (pg->sw->type != VRDMA_SWITCH_DISTRIBUTED)
		return vrdma_error(pg->ctx, -EOPNOTSUPP,
		                   "port group '%s': VLAN trunk ranges exist only on a distributed "
		                   "switch (use VLAN ID 4095 on a standard switch)", pg->name);
	p = ranges;
	for (;;) {
		long a, b;
		const char *e;

		while (*p == ' ')
			p++;
		if (parse_vlan_number(p, &e, &a) < 0)
			return vrdma_error(pg->ctx, -EINVAL,
			                   "port group '%s': VLAN trunk '%s': expected a number at '%s'",
			                   pg->name, ranges, p);
		b = a;
		p = e;
		if (*p == '-') {
			p++;
			if (parse_vlan_number(p, &e, &b) < 0)
				return vrdma_error(pg->ctx, -EINVAL,
				                   "port group '%s': VLAN trunk '%s': expected a number at '%s'",
				                   pg->name, ranges, p);
			p = e;
		}
		if (a < 0 || a > 4094 || b < 0 || b > 4094)
			return vrdma_error(pg->ctx, -ERANGE,
			                   "port group '%s': VLAN trunk '%s': VLAN ID out of range 0-4094",
			                   pg->name, ranges);
		if (a > b)
			return vrdma_error(pg->ctx, -EINVAL,
			                   "port group '%s': VLAN trunk '%s': range %ld-%ld is reversed",
			                   pg->name, ranges, a, b);
		if (n >= VRDMA_MAX_VLAN_RANGES)
			return vrdma_error(pg->ctx, -ENOSPC,
			                   "port group '%s': VLAN trunk '%s': more than %d ranges",
			                   pg->name, ranges, VRDMA_MAX_VLAN_RANGES);
		r[n].first = (uint16_t)a;
		r[n].last = (uint16_t)b;
		n++;
		while (*p == ' ')
			p++;
		if (*p == '\0')
			break;
		if (*p != ',')
			return vrdma_error(pg->ctx, -EINVAL,
			                   "port group '%s': VLAN trunk '%s': unexpected '%c'",
			                   pg->name, ranges, *p);
		p++;
	}
	qsort(r, n, sizeof(r[0]), range_cmp);
	for (i = 1, m = 0; i < n; i++) {
		if (r[i].first <= r[m].last + 1) {
			if (r[i].last > r[m].last)
				r[m].last = r[i].last;
		} else {
			r[++m] = r[i];
		}
	}
	n = m + 1;
	memcpy(pg->ranges, r, n * sizeof(r[0]));
	pg->n_ranges = n;
	pg->vlan_id = VRDMA_VLAN_ID_TRUNK;
	return 0;
}

VRDMA_EXPORT int vrdma_portgroup_get_n_vlan_trunk_ranges(struct vrdma_portgroup *pg)
{
	if (!pg)
		return -EINVAL;
	if (pg->vlan_id != VRDMA_VLAN_ID_TRUNK)
		return 0;
	return pg->n_ranges ? (int)pg->n_ranges : 1;
}

VRDMA_EXPORT int vrdma_portgroup_get_vlan_trunk_range(struct vrdma_portgroup *pg,
                                                      unsigned int i,
                                                      unsigned int *first,
                                                      unsigned int *last)
{
	int n;

	PG_CHECK(pg);
	n = vrdma_portgroup_get_n_vlan_trunk_ranges(pg);
	n = vrdma_index_check(pg->ctx, first && last ? first : NULL, i, (unsigned int)n,
	                      "VLAN trunk range", "port group '%s'", pg->name);
	if (n < 0)
		return n;
	if (pg->n_ranges == 0) {
		/* a vSS trunk (VLAN ID 4095) */
		*first = 0;
		*last = 4094;
		return 0;
	}
	*first = pg->ranges[i].first;
	*last = pg->ranges[i].last;
	return 0;
}

VRDMA_EXPORT int vrdma_portgroup_set_failover(struct vrdma_portgroup *pg,
                                              const char *const *active, size_t n_active,
                                              const char *const *standby, size_t n_standby)
{
	struct vrdma_failover f;
	int r;

	PG_CHECK(pg);
	r = vrdma_failover_build(pg->sw, "port group", pg->name, active, n_active, standby,
	                         n_standby, &f);
	if (r < 0)
		return r;
	vrdma_failover_clear(&pg->failover);
	pg->failover = f;
	pg->has_override = true;
	return 0;
}

VRDMA_EXPORT int vrdma_portgroup_clear_failover(struct vrdma_portgroup *pg)
{
	PG_CHECK(pg);
	vrdma_failover_clear(&pg->failover);
	pg->has_override = false;
	return 0;
}

VRDMA_EXPORT bool vrdma_portgroup_has_failover_override(struct vrdma_portgroup *pg)
{
	return pg && pg->has_override;
}

static const struct vrdma_failover *effective(struct vrdma_portgroup *pg)
{
	return pg->has_override ? &pg->failover : &pg->sw->failover;
}

VRDMA_EXPORT int vrdma_portgroup_get_n_failover_uplinks(struct vrdma_portgroup *pg,
                                                        enum vrdma_uplink_role role)
{
	if (!pg)
		return -EINVAL;
	return vrdma_failover_count(pg->sw, effective(pg), "port group", pg->name, role);
}

VRDMA_EXPORT int vrdma_portgroup_get_failover_uplink(struct vrdma_portgroup *pg,
                                                     enum vrdma_uplink_role role,
                                                     unsigned int i,
                                                     const char **ret)
{
	if (!pg)
		return -EINVAL;
	return vrdma_failover_get(pg->sw, effective(pg), "port group", pg->name, role, i, ret);
}
