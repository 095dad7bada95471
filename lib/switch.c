/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Switches: names, MTU, uplinks, teaming; each rule checked on every change. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model-private.h"

/* Start of a public call on sw: NULL is -EINVAL, then clear the message. */
#define SW_CHECK(sw)                                                            \
	do {                                                                    \
		if (!(sw))                                                      \
			return -EINVAL;                                         \
		vrdma_error_clear((sw)->ctx);                                   \
	} while (0)

static struct vrdma_switch *find_switch(struct vrdma_config *cfg, const char *name)
{
	unsigned int i;

	for (i = 0; i < cfg->n_switches; i++)
		if (strcmp(cfg->switches[i]->name, name) == 0)
			return cfg->switches[i];
	return NULL;
}

/* Which switch (other than `except`) uses device `dev`, NULL if none. */
static struct vrdma_switch *device_user(struct vrdma_config *cfg, const char *dev,
                                        struct vrdma_switch *except)
{
	unsigned int i, j;

	for (i = 0; i < cfg->n_switches; i++) {
		struct vrdma_switch *sw = cfg->switches[i];
		if (sw == except)
			continue;
		for (j = 0; j < sw->n_uplinks; j++) {
			const char *d = sw->type == VRDMA_SWITCH_STANDARD ?
			                sw->uplinks[j].name : sw->uplinks[j].device;
			if (d && strcmp(d, dev) == 0)
				return sw;
		}
	}
	return NULL;
}

/* Is `ifname` a switch's bridge name (other than `except`)? */

static struct vrdma_switch *ifname_user(struct vrdma_config *cfg, const char *ifname,
                                        struct vrdma_switch *except)
{
	unsigned int i;

	for (i = 0; i < cfg->n_switches; i++)
		if (cfg->switches[i] != except &&
		    strcmp(cfg->switches[i]->ifname, ifname) == 0)
			return cfg->switches[i];
	return NULL;
}

/* Check a bridge name for switch `swname` (sw may be NULL while adding). */
static int check_switch_ifname(struct vrdma_config *cfg, struct vrdma_switch *sw,
                               const char *swname, const char *ifname,
                               bool explicit)
{
	struct vrdma_ctx *ctx = cfg->ctx;
	struct vrdma_switch *o;
	int r;

	if (!explicit) {
		size_t len = strlen(swname), i;
		for (i = 0; i < len; i++) {
			unsigned char c = (unsigned char)swname[i];
			if (!(isascii(c) && isalnum(c)) && c != '-' && c != '_')
				return vrdma_error(ctx, -EINVAL,
				                   "switch '%s': name is not usable as a Linux bridge "
				                   "name (character '%c'); give an interface name "
				                   "(ifname, letters, digits, - and _, at most %d characters)",
				                   swname, c, VRDMA_SWITCH_IFNAME_MAX);
		}
		if (len > VRDMA_SWITCH_IFNAME_MAX)
			return vrdma_error(ctx, -ENAMETOOLONG,
			                   "switch '%s': name is not usable as a Linux bridge name "
			                   "(longer than %d characters, room is kept for a "
			                   "\".<vlan>\" suffix); give an interface name (ifname)",
			                   swname, VRDMA_SWITCH_IFNAME_MAX);
	}
	r = vrdma_model_check_ifname(ctx, "switch", swname, ifname,
	                             VRDMA_SWITCH_IFNAME_MAX);
	if (r < 0)
		return r;
	if (strchr(ifname, '.'))
		return vrdma_error(ctx, -EINVAL,
		                   "switch '%s': interface name '%s' must not contain '.' "
		                   "(reserved for VLAN devices)", swname, ifname);
	if (vrdma_model_is_vmk_name(ifname, NULL))
		return vrdma_error(ctx, -EINVAL,
		                   "switch '%s': interface name '%s' is reserved for vmks",
		                   swname, ifname);
	o = ifname_user(cfg, ifname, sw);
	if (o)
		return vrdma_error(ctx, -EEXIST,
		                   "switch '%s': interface name '%s' is already used by switch '%s'",
		                   swname, ifname, o->name);
	o = device_user(cfg, ifname, NULL);
	if (o)
		return vrdma_error(ctx, -EEXIST,
		                   "switch '%s': interface name '%s' is an uplink of switch '%s'",
		                   swname, ifname, o->name);
	return 0;
}

VRDMA_EXPORT int vrdma_config_add_switch(struct vrdma_config *cfg, const char *name,
                                         enum vrdma_switch_type type,
                                         const char *ifname,
                                         struct vrdma_switch **ret)
{
	struct vrdma_switch *sw, **nsw;
	struct vrdma_ctx *ctx;
	int r;

	if (!cfg)
		return -EINVAL;
	ctx = cfg->ctx;
	vrdma_error_clear(ctx);
	if (!name)
		return vrdma_error(ctx, -EINVAL, "configuration: add switch: NULL name");
	if (type != VRDMA_SWITCH_STANDARD && type != VRDMA_SWITCH_DISTRIBUTED)
		return vrdma_error(ctx, -EINVAL, "switch '%s': unknown switch type %d",
		                   name, (int)type);
	r = vrdma_model_check_name(ctx, "switch", name);
	if (r < 0)
		return r;
	if (find_switch(cfg, name))
		return vrdma_error(ctx, -EEXIST, "switch '%s': a switch with this name exists",
		                   name);
	if (cfg->n_switches >= VRDMA_MAX_SWITCHES)
		return vrdma_error(ctx, -ENOSPC, "switch '%s': limit of %d switches reached",
		                   name, VRDMA_MAX_SWITCHES);
	r = check_switch_ifname(cfg, NULL, name, ifname ? ifname : name, ifname != NULL);
	if (r < 0)
		return r;

	nsw = realloc(cfg->switches, (cfg->n_switches + 1) * sizeof(*nsw));
	if (!nsw)
		return vrdma_error(ctx, -ENOMEM, "switch '%s': out of memory", name);
	cfg->switches = nsw;
	sw = calloc(1, sizeof(*sw));
	if (!sw)
		return vrdma_error(ctx, -ENOMEM, "switch '%s': out of memory", name);
	sw->name = strdup(name);
	if (!sw->name) {
		free(sw);
		return vrdma_error(ctx, -ENOMEM, "switch '%s': out of memory", name);
	}
	sw->ctx = ctx;
	sw->cfg = cfg;
	sw->type = type;
	sw->mtu = VRDMA_MTU_DEFAULT;
	snprintf(sw->ifname, sizeof(sw->ifname), "%s", ifname ? ifname : name);
	sw->ifname_explicit = ifname != NULL;
	cfg->switches[cfg->n_switches++] = sw;
	dbg(ctx, "switch '%s' (%s) added, bridge '%s'", name,
	    type == VRDMA_SWITCH_STANDARD ? "standard" : "distributed", sw->ifname);
	if (ret)
		*ret = sw;
	return 0;
}

void vrdma_switch_free(struct vrdma_switch *sw)
{
	unsigned int i;

	for (i = 0; i < sw->n_pgs; i++)
		vrdma_portgroup_free(sw->pgs[i]);
	free(sw->pgs);
	for (i = 0; i < sw->n_removed_pgs; i++)
		vrdma_portgroup_free(sw->removed_pgs[i]);
	free(sw->removed_pgs);
	for (i = 0; i < sw->n_uplinks; i++) {
		free(sw->uplinks[i].name);
		free(sw->uplinks[i].device);
	}
	free(sw->uplinks);
	vrdma_failover_clear(&sw->failover);
	free(sw->name);
	free(sw);
}

VRDMA_EXPORT struct vrdma_config *vrdma_switch_get_config(struct vrdma_switch *sw)
{
	return sw ? sw->cfg : NULL;
}

VRDMA_EXPORT int vrdma_switch_remove(struct vrdma_switch *sw)
{
	struct vrdma_config *cfg;
	struct vrdma_switch **keep;
	unsigned int i;

	SW_CHECK(sw);
	cfg = sw->cfg;
	for (i = 0; i < sw->n_pgs; i++) {
		struct vrdma_vmk *vmk = vrdma_model_first_vmk_on(sw->pgs[i]);
		if (vmk)
			return vrdma_error(sw->ctx, -EBUSY,
			                   "switch '%s': cannot remove: port group '%s' still has "
			                   "vmk '%s' (remove or move it first)",
			                   sw->name, sw->pgs[i]->name, vmk->name);
	}
	keep = realloc(cfg->removed_switches, (cfg->n_removed_switches + 1) * sizeof(*keep));
	if (!keep)
		return vrdma_error(sw->ctx, -ENOMEM, "switch '%s': out of memory", sw->name);
	cfg->removed_switches = keep;
	keep[cfg->n_removed_switches++] = sw;
	for (i = 0; i < cfg->n_switches; i++)
		if (cfg->switches[i] == sw)
			break;
	memmove(&cfg->switches[i], &cfg->switches[i + 1],
	        (cfg->n_switches - i - 1) * sizeof(*cfg->switches));
	cfg->n_switches--;
	dbg(sw->ctx, "switch '%s' removed", sw->name);
	return 0;
}

VRDMA_EXPORT const char *vrdma_switch_get_name(struct vrdma_switch *sw)
{
	return sw ? sw->name : NULL;
}

VRDMA_EXPORT int vrdma_switch_get_type(struct vrdma_switch *sw)
{
	return sw ? (int)sw->type : -EINVAL;
}

VRDMA_EXPORT const char *vrdma_switch_get_ifname(struct vrdma_switch *sw)
{
	return sw ? sw->ifname : NULL;
}

VRDMA_EXPORT int vrdma_switch_set_ifname(struct vrdma_switch *sw, const char *ifname)
{
	int r;

	SW_CHECK(sw);
	r = check_switch_ifname(sw->cfg, sw, sw->name, ifname ? ifname : sw->name,
	                        ifname != NULL);
	if (r < 0)
		return r;
	snprintf(sw->ifname, sizeof(sw->ifname), "%s", ifname ? ifname : sw->name);
	sw->ifname_explicit = ifname != NULL;
	return 0;
}

VRDMA_EXPORT int vrdma_switch_get_mtu(struct vrdma_switch *sw)
{
	return sw ? sw->mtu : -EINVAL;
}

VRDMA_EXPORT int vrdma_switch_set_mtu(struct vrdma_switch *sw, int mtu)
{
	unsigned int i;

	SW_CHECK(sw);
	if (mtu < VRDMA_MTU_MIN || mtu > VRDMA_MTU_MAX)
		return vrdma_error(sw->ctx, -ERANGE,
		                   "switch '%s': MTU %d out of range %d-%d", sw->name, mtu,
		                   VRDMA_MTU_MIN, VRDMA_MTU_MAX);
	for (i = 0; i < sw->cfg->n_vmks; i++) {
		struct vrdma_vmk *vmk = sw->cfg->vmks[i];
		if (vmk->pg->sw == sw && vmk->mtu > mtu)
			return vrdma_error(sw->ctx, -EBUSY,
			                   "switch '%s': MTU %d is below the MTU %d of its vmk '%s'",
			                   sw->name, mtu, vmk->mtu, vmk->name);
	}
	sw->mtu = mtu;
	return 0;
}

VRDMA_EXPORT int vrdma_switch_get_n_uplinks(struct vrdma_switch *sw)
{
	return sw ? (int)sw->n_uplinks : -EINVAL;
}

VRDMA_EXPORT int vrdma_switch_get_uplink(struct vrdma_switch *sw, unsigned int i,
                                         const char **ret)
{
	int r;

	SW_CHECK(sw);
	r = vrdma_index_check(sw->ctx, ret, i, sw->n_uplinks, "uplink", "switch '%s'", sw->name);
	if (r < 0)
		return r;
	*ret = sw->uplinks[i].name;
	return 0;
}

static struct vrdma_switch_uplink *find_uplink(struct vrdma_switch *sw, const char *name)
{
	unsigned int i;

	for (i = 0; i < sw->n_uplinks; i++)
		if (strcmp(sw->uplinks[i].name, name) == 0)
			return &sw->uplinks[i];
	return NULL;
}

/* Can `dev` become an uplink device of `sw`? */
static int check_uplink_device(struct vrdma_switch *sw, const char *dev)
{
	struct vrdma_ctx *ctx = sw->ctx;
	struct vrdma_switch *o;
	unsigned int i;
	int r;

	r = vrdma_model_check_ifname(ctx, "switch", sw->name, dev, VRDMA_IFNAME_MAX);
	if (r < 0)
		return r;
	if (vrdma_model_is_vmk_name(dev, NULL))
		return vrdma_error(ctx, -EINVAL,
		                   "switch '%s': uplink '%s': a vmk cannot be an uplink",
		                   sw->name, dev);
	o = ifname_user(sw->cfg, dev, NULL);
	if (o)
		return vrdma_error(ctx, -EINVAL,
		                   "switch '%s': uplink '%s' is the bridge of switch '%s'",
		                   sw->name, dev, o->name);
	o = device_user(sw->cfg, dev, sw);
	if (o)
		return vrdma_error(ctx, -EEXIST,
		                   "switch '%s': uplink '%s' is already used by switch '%s'",
		                   sw->name, dev, o->name);
	for (i = 0; i < sw->n_uplinks; i++) {
		const char *d = sw->type == VRDMA_SWITCH_STANDARD ? sw->uplinks[i].name :
		                                                    sw->uplinks[i].device;
		if (d && strcmp(d, dev) == 0)
			return vrdma_error(ctx, -EEXIST,
			                   "switch '%s': uplink '%s' is already an uplink of this switch%s%s",
			                   sw->name, dev,
			                   sw->type == VRDMA_SWITCH_DISTRIBUTED ? " as " : "",
			                   sw->type == VRDMA_SWITCH_DISTRIBUTED ? sw->uplinks[i].name : "");
	}
	return 0;
}

VRDMA_EXPORT int vrdma_switch_add_uplink(struct vrdma_switch *sw, const char *name)
{
	struct vrdma_switch_uplink *nu;
	int r;

	SW_CHECK(sw);
	if (!name)
		return vrdma_error(sw->ctx, -EINVAL, "switch '%s': NULL uplink name", sw->name);
	if (sw->type == VRDMA_SWITCH_STANDARD) {
		r = check_uplink_device(sw, name);
	} else {
		r = vrdma_model_check_name(sw->ctx, "uplink slot", name);
		if (r == 0 && find_uplink(sw, name))
			r = vrdma_error(sw->ctx, -EEXIST,
			                "switch '%s': uplink slot '%s' already exists",
			                sw->name, name);
	}
	if (r < 0)
		return r;
	if (sw->n_uplinks >= VRDMA_MAX_UPLINKS)
		return vrdma_error(sw->ctx, -ENOSPC,
		                   "switch '%s': limit of %d uplinks reached", sw->name,
		                   VRDMA_MAX_UPLINKS);
	nu = realloc(sw->uplinks, (sw->n_uplinks + 1) * sizeof(*nu));
	if (!nu)
		return vrdma_error(sw->ctx, -ENOMEM, "switch '%s': out of memory", sw->name);
	sw->uplinks = nu;
	nu[sw->n_uplinks].name = strdup(name);
	nu[sw->n_uplinks].device = NULL;
	if (!nu[sw->n_uplinks].name ||
	    vrdma_failover_append_active(&sw->failover, name) < 0) {
		free(nu[sw->n_uplinks].name);
		return vrdma_error(sw->ctx, -ENOMEM, "switch '%s': out of memory", sw->name);
	}
	sw->n_uplinks++;
	return 0;
}

VRDMA_EXPORT int vrdma_switch_remove_uplink(struct vrdma_switch *sw, const char *name)
{
	struct vrdma_switch_uplink *u;
	unsigned int i;

	SW_CHECK(sw);
	if (!name)
		return vrdma_error(sw->ctx, -EINVAL, "switch '%s': NULL uplink name", sw->name);
	u = find_uplink(sw, name);
	if (!u)
		return vrdma_error(sw->ctx, -ENOENT, "switch '%s': no uplink '%s'",
		                   sw->name, name);
	for (i = 0; i < sw->n_pgs; i++) {
		struct vrdma_portgroup *pg = sw->pgs[i];
		if (pg->has_override && vrdma_failover_names(&pg->failover, name))
			return vrdma_error(sw->ctx, -EBUSY,
			                   "switch '%s': cannot remove uplink '%s': the "
			                   "failover override of port group '%s' names it",
			                   sw->name, name, pg->name);
	}
	vrdma_failover_remove(&sw->failover, name);
	free(u->name);
	free(u->device);
	i = (unsigned int)(u - sw->uplinks);
	memmove(u, u + 1, (sw->n_uplinks - i - 1) * sizeof(*u));
	sw->n_uplinks--;
	return 0;
}

VRDMA_EXPORT int vrdma_switch_set_uplink_device(struct vrdma_switch *sw, const char *slot,
                                                const char *device)
{
	struct vrdma_switch_uplink *u;
	char *d = NULL;
	int r;

	SW_CHECK(sw);
	if (!slot)
		return vrdma_error(sw->ctx, -EINVAL, "switch '%s': NULL uplink slot", sw->name);
	if (sw->type != VRDMA_SWITCH_DISTRIBUTED)
		return vrdma_error(sw->ctx, -EOPNOTSUPP,
		                   "switch '%s': uplink slots exist only on a distributed switch",
		                   sw->name);
	u = find_uplink(sw, slot);
	if (!u)
		return vrdma_error(sw->ctx, -ENOENT, "switch '%s': no uplink slot '%s'",
		                   sw->name, slot);
	if (device) {
		if (u->device && strcmp(u->device, device) == 0)
			return 0;
		r = check_uplink_device(sw, device);
		if (r < 0)
			return r;
		d = strdup(device);
		if (!d)
			return vrdma_error(sw->ctx, -ENOMEM, "switch '%s': out of memory", sw->name);
	}
	free(u->device);
	u->device = d;
	return 0;
}

VRDMA_EXPORT int vrdma_switch_get_uplink_device(struct vrdma_switch *sw, const char *name,
                                                const char **ret)
{
	struct vrdma_switch_uplink *u;

	SW_CHECK(sw);
	if (!name || !ret)
		return vrdma_error(sw->ctx, -EINVAL,
		                   "switch '%s': NULL uplink name or result pointer", sw->name);
	u = find_uplink(sw, name);
	if (!u)
		return vrdma_error(sw->ctx, -ENOENT, "switch '%s': no uplink '%s'", sw->name, name);
	if (sw->type == VRDMA_SWITCH_STANDARD) {
		*ret = u->name;
		return 0;
	}
	if (!u->device)
		return vrdma_error(sw->ctx, -ENOENT,
		                   "switch '%s': uplink slot '%s' is not mapped to a device",
		                   sw->name, name);
	*ret = u->device;
	return 0;
}

VRDMA_EXPORT int vrdma_switch_set_failover(struct vrdma_switch *sw,
                                           const char *const *active, size_t n_active,
                                           const char *const *standby, size_t n_standby)
{
	struct vrdma_failover f;
	int r;

	SW_CHECK(sw);
	r = vrdma_failover_build(sw, "switch", sw->name, active, n_active, standby,
	                         n_standby, &f);
	if (r < 0)
		return r;
	vrdma_failover_clear(&sw->failover);
	sw->failover = f;
	return 0;
}

VRDMA_EXPORT int vrdma_switch_get_n_failover_uplinks(struct vrdma_switch *sw,
                                                     enum vrdma_uplink_role role)
{
	if (!sw)
		return -EINVAL;
	return vrdma_failover_count(sw, &sw->failover, "switch", sw->name, role);
}

VRDMA_EXPORT int vrdma_switch_get_failover_uplink(struct vrdma_switch *sw,
                                                  enum vrdma_uplink_role role,
                                                  unsigned int i, const char **ret)
{
	if (!sw)
		return -EINVAL;
	return vrdma_failover_get(sw, &sw->failover, "switch", sw->name, role, i, ret);
}

VRDMA_EXPORT int vrdma_switch_get_n_portgroups(struct vrdma_switch *sw)
{
	return sw ? (int)sw->n_pgs : -EINVAL;
}

VRDMA_EXPORT int vrdma_switch_get_portgroup(struct vrdma_switch *sw, unsigned int i,
                                            struct vrdma_portgroup **ret)
{
	int r;

	SW_CHECK(sw);
	r = vrdma_index_check(sw->ctx, ret, i, sw->n_pgs, "port group", "switch '%s'", sw->name);
	if (r < 0)
		return r;
	*ret = sw->pgs[i];
	return 0;
}

VRDMA_EXPORT int vrdma_switch_find_portgroup(struct vrdma_switch *sw, const char *name,
                                             struct vrdma_portgroup **ret)
{
	unsigned int i;

	SW_CHECK(sw);
	if (!name || !ret)
		return vrdma_error(sw->ctx, -EINVAL,
		                   "switch '%s': find port group: NULL name or result pointer",
		                   sw->name);
	for (i = 0; i < sw->n_pgs; i++)
		if (strcmp(sw->pgs[i]->name, name) == 0) {
			*ret = sw->pgs[i];
			return 0;
		}
	return vrdma_error(sw->ctx, -ENOENT, "switch '%s': port group '%s' not found",
	                   sw->name, name);
}
