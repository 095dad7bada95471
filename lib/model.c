/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The model: configuration object, switches and port groups, with every
 * rule checked on every mutation (vmks live in vmk.c, the file format in
 * config-json.c and config-file.c).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* ---- names ---------------------------------------------------------------- */

int vrdma_model_check_name(struct vrdma_ctx *ctx, const char *what,
                           const char *name)
{
	size_t len, i;

	if (!name || !name[0])
		return vrdma_error(ctx, -EINVAL, "%s: name is empty", what);
	len = strlen(name);
	if (len > VRDMA_NAME_MAX)
		return vrdma_error(ctx, -ENAMETOOLONG,
		                   "%s '%s': name longer than %d characters", what,
		                   name, VRDMA_NAME_MAX);
	if (name[0] == ' ' || name[len - 1] == ' ')
		return vrdma_error(ctx, -EINVAL,
		                   "%s '%s': name starts or ends with a space", what, name);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];
		if (!(isascii(c) && isalnum(c)) && !strchr(" -_.()", c))
			return vrdma_error(ctx, -EINVAL,
			                   "%s '%s': character '%c' not allowed in a name "
			                   "(letters, digits, space and -_.() only)",
			                   what, name, isprint(c) ? c : '?');
	}
	return 0;
}

bool vrdma_model_is_vmk_name(const char *name, unsigned int *num)
{
	unsigned long v = 0;
	const char *p;

	if (!name || strncmp(name, "vmk", 3) != 0 || !name[3])
		return false;
	p = name + 3;
	if (p[0] == '0' && p[1])
		return false;
	for (; *p; p++) {
		if (*p < '0' || *p > '9')
			return false;
		v = v * 10 + (unsigned long)(*p - '0');
		if (v > 100000)
			return false;
	}
	if (num)
		*num = (unsigned int)v;
	return true;
}

int vrdma_model_check_ifname(struct vrdma_ctx *ctx, const char *what,
                             const char *owner, const char *ifname, size_t max)
{
	size_t len, i;

	if (!ifname || !ifname[0])
		return vrdma_error(ctx, -EINVAL, "%s '%s': interface name is empty",
		                   what, owner);
	len = strlen(ifname);
	if (len > max)
		return vrdma_error(ctx, -ENAMETOOLONG,
		                   "%s '%s': interface name '%s' longer than %zu characters",
		                   what, owner, ifname, max);
	if (strcmp(ifname, ".") == 0 || strcmp(ifname, "..") == 0)
		return vrdma_error(ctx, -EINVAL, "%s '%s': interface name '%s' is reserved",
		                   what, owner, ifname);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)ifname[i];
		if (!(isascii(c) && isalnum(c)) && !strchr("-_.", c))
			return vrdma_error(ctx, -EINVAL,
			                   "%s '%s': character '%c' not allowed in interface "
			                   "name '%s' (letters, digits and -_. only)",
			                   what, owner, isprint(c) ? c : '?', ifname);
	}
	return 0;
}

/* ---- failover lists --------------------------------------------------------- */

static void strv_free(char **v, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void failover_clear(struct vrdma_failover *f)
{
	strv_free(f->active, f->n_active);
	strv_free(f->standby, f->n_standby);
	memset(f, 0, sizeof(*f));
}

static int strv_copy(char ***dst, const char *const *src, size_t n)
{
	char **v;
	size_t i;

	*dst = NULL;
	if (n == 0)
		return 0;
	v = calloc(n, sizeof(char *));
	if (!v)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		v[i] = strdup(src[i]);
		if (!v[i]) {
			strv_free(v, (unsigned int)i);
			return -ENOMEM;
		}
	}
	*dst = v;
	return 0;
}

static bool strv_contains(char *const *v, unsigned int n, const char *s)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i], s) == 0)
			return true;
	return false;
}

static void strv_remove(char **v, unsigned int *n, const char *s)
{
	unsigned int i;

	for (i = 0; i < *n; i++)
		if (strcmp(v[i], s) == 0) {
			free(v[i]);
			memmove(&v[i], &v[i + 1], (*n - i - 1) * sizeof(char *));
			(*n)--;
			return;
		}
}

static int strv_append(char ***v, unsigned int *n, const char *s)
{
	char **nv = realloc(*v, (*n + 1) * sizeof(char *));

	if (!nv)
		return -ENOMEM;
	*v = nv;
	nv[*n] = strdup(s);
	if (!nv[*n])
		return -ENOMEM;
	(*n)++;
	return 0;
}

/* Validate and build a failover policy over the uplinks of sw. */
static int failover_build(struct vrdma_switch *sw, const char *what,
                          const char *owner, const char *const *active,
                          size_t n_active, const char *const *standby,
                          size_t n_standby, struct vrdma_failover *out)
{
	struct vrdma_ctx *ctx = sw->ctx;
	size_t i, j;
	int r;

	memset(out, 0, sizeof(*out));
	if ((n_active && !active) || (n_standby && !standby))
		return vrdma_error(ctx, -EINVAL, "%s '%s': failover: NULL uplink list",
		                   what, owner);
	if (n_active + n_standby > VRDMA_MAX_UPLINKS)
		return vrdma_error(ctx, -ENOSPC,
		                   "%s '%s': failover: more than %d uplinks listed",
		                   what, owner, VRDMA_MAX_UPLINKS);
	for (i = 0; i < n_active + n_standby; i++) {
		const char *n = i < n_active ? active[i] : standby[i - n_active];
		if (!n)
			return vrdma_error(ctx, -EINVAL,
			                   "%s '%s': failover: NULL uplink name", what, owner);
		if (!vrdma_switch_has_uplink(sw, n))
			return vrdma_error(ctx, -EINVAL,
			                   "%s '%s': failover: '%s' is not an uplink of switch '%s'",
			                   what, owner, n, sw->name);
		for (j = 0; j < i; j++) {
			const char *m = j < n_active ? active[j] : standby[j - n_active];
			if (strcmp(m, n) != 0)
				continue;
			if ((j < n_active) != (i < n_active))
				return vrdma_error(ctx, -EINVAL,
				                   "%s '%s': failover: uplink '%s' is both active and standby",
				                   what, owner, n);
			return vrdma_error(ctx, -EINVAL,
			                   "%s '%s': failover: uplink '%s' listed twice as %s",
			                   what, owner, n, i < n_active ? "active" : "standby");
		}
	}
	r = strv_copy(&out->active, active, n_active);
	if (r < 0)
		return r;
	out->n_active = (unsigned int)n_active;
	r = strv_copy(&out->standby, standby, n_standby);
	if (r < 0) {
		failover_clear(out);
		return r;
	}
	out->n_standby = (unsigned int)n_standby;
	return 0;
}

static int failover_count(struct vrdma_switch *sw, const struct vrdma_failover *f,
                          enum vrdma_uplink_role role)
{
	unsigned int i, n = 0;

	switch (role) {
	case VRDMA_UPLINK_ACTIVE:
		return (int)f->n_active;
	case VRDMA_UPLINK_STANDBY:
		return (int)f->n_standby;
	case VRDMA_UPLINK_UNUSED:
		if (!sw)
			return 0;
		for (i = 0; i < sw->n_uplinks; i++)
			if (!strv_contains(f->active, f->n_active, sw->uplinks[i].name) &&
			    !strv_contains(f->standby, f->n_standby, sw->uplinks[i].name))
				n++;
		return (int)n;
	}
	return -EINVAL;
}

static int failover_get(struct vrdma_switch *sw, const struct vrdma_failover *f,
                        enum vrdma_uplink_role role, unsigned int index,
                        const char **ret)
{
	unsigned int i, n = 0;

	if (!ret)
		return -EINVAL;
	*ret = NULL;
	switch (role) {
	case VRDMA_UPLINK_ACTIVE:
		if (index >= f->n_active)
			return -ENOENT;
		*ret = f->active[index];
		return 0;
	case VRDMA_UPLINK_STANDBY:
		if (index >= f->n_standby)
			return -ENOENT;
		*ret = f->standby[index];
		return 0;
	case VRDMA_UPLINK_UNUSED:
		if (!sw)
			return -ENOENT;
		for (i = 0; i < sw->n_uplinks; i++) {
			const char *u = sw->uplinks[i].name;
			if (strv_contains(f->active, f->n_active, u) ||
			    strv_contains(f->standby, f->n_standby, u))
				continue;
			if (n++ == index) {
				*ret = u;
				return 0;
			}
		}
		return -ENOENT;
	}
	return -EINVAL;
}

/* ---- configuration ------------------------------------------------------------ */

VRDMA_EXPORT int vrdma_config_new(struct vrdma_ctx *ctx, struct vrdma_config **ret)
{
	struct vrdma_config *cfg;

	if (!ctx || !ret)
		return -EINVAL;
	*ret = NULL;
	cfg = calloc(1, sizeof(*cfg));
	if (!cfg)
		return -ENOMEM;
	cfg->refcount = 1;
	cfg->ctx = vrdma_ctx_ref(ctx);
	*ret = cfg;
	return 0;
}

VRDMA_EXPORT struct vrdma_config *vrdma_config_ref(struct vrdma_config *cfg)
{
	if (!cfg)
		return NULL;
	cfg->refcount++;
	return cfg;
}

VRDMA_EXPORT struct vrdma_config *vrdma_config_unref(struct vrdma_config *cfg)
{
	unsigned int i;

	if (!cfg)
		return NULL;
	if (--cfg->refcount > 0)
		return NULL;
	for (i = 0; i < cfg->n_vmks; i++) {
		vrdma_vmk_detach(cfg->vmks[i]);
		vrdma_vmk_unref(cfg->vmks[i]);
	}
	free(cfg->vmks);
	for (i = 0; i < cfg->n_switches; i++) {
		cfg->switches[i]->cfg = NULL;
		vrdma_switch_unref(cfg->switches[i]);
	}
	free(cfg->switches);
	free(cfg->path);
	vrdma_ctx_unref(cfg->ctx);
	free(cfg);
	return NULL;
}

VRDMA_EXPORT struct vrdma_ctx *vrdma_config_get_ctx(struct vrdma_config *cfg)
{
	return cfg ? cfg->ctx : NULL;
}

VRDMA_EXPORT int vrdma_config_get_generation(struct vrdma_config *cfg, uint64_t *ret)
{
	if (!cfg || !ret)
		return -EINVAL;
	*ret = cfg->generation;
	return 0;
}

VRDMA_EXPORT const char *vrdma_config_get_path(struct vrdma_config *cfg)
{
	return cfg ? cfg->path : NULL;
}

VRDMA_EXPORT int vrdma_config_get_switch_count(struct vrdma_config *cfg)
{
	return cfg ? (int)cfg->n_switches : -EINVAL;
}

VRDMA_EXPORT int vrdma_config_get_switch(struct vrdma_config *cfg, unsigned int index,
                                         struct vrdma_switch **ret)
{
	if (!cfg || !ret)
		return -EINVAL;
	*ret = NULL;
	if (index >= cfg->n_switches)
		return -ENOENT;
	*ret = cfg->switches[index];
	return 0;
}

VRDMA_EXPORT int vrdma_config_find_switch(struct vrdma_config *cfg, const char *name,
                                          struct vrdma_switch **ret)
{
	unsigned int i;

	if (!cfg || !name || !ret)
		return -EINVAL;
	*ret = NULL;
	for (i = 0; i < cfg->n_switches; i++)
		if (strcmp(cfg->switches[i]->name, name) == 0) {
			*ret = cfg->switches[i];
			return 0;
		}
	return vrdma_error(cfg->ctx, -ENOENT, "switch '%s' not found", name);
}

int vrdma_config_portgroup_total(struct vrdma_config *cfg)
{
	unsigned int i, n = 0;

	for (i = 0; i < cfg->n_switches; i++)
		n += cfg->switches[i]->n_pgs;
	return (int)n;
}

struct vrdma_switch *vrdma_config_device_user(struct vrdma_config *cfg,
                                              const char *dev,
                                              struct vrdma_switch *except)
{
	unsigned int i, j;

	if (!cfg)
		return NULL;
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

	if (!cfg)
		return NULL;
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
	o = vrdma_config_device_user(cfg, ifname, NULL);
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

	if (ret)
		*ret = NULL;
	if (!cfg || !name)
		return -EINVAL;
	ctx = cfg->ctx;
	vrdma_error_clear(ctx);
	if (type != VRDMA_SWITCH_STANDARD && type != VRDMA_SWITCH_DISTRIBUTED)
		return vrdma_error(ctx, -EINVAL, "switch '%s': unknown switch type %d",
		                   name, (int)type);
	r = vrdma_model_check_name(ctx, "switch", name);
	if (r < 0)
		return r;
	if (vrdma_config_find_switch(cfg, name, &sw) == 0)
		return vrdma_error(ctx, -EEXIST, "switch '%s': a switch with this name exists",
		                   name);
	vrdma_error_clear(ctx);
	if (cfg->n_switches >= VRDMA_MAX_SWITCHES)
		return vrdma_error(ctx, -ENOSPC, "switch '%s': limit of %d switches reached",
		                   name, VRDMA_MAX_SWITCHES);
	r = check_switch_ifname(cfg, NULL, name, ifname ? ifname : name, ifname != NULL);
	if (r < 0)
		return r;

	nsw = realloc(cfg->switches, (cfg->n_switches + 1) * sizeof(*nsw));
	if (!nsw)
		return -ENOMEM;
	cfg->switches = nsw;
	sw = calloc(1, sizeof(*sw));
	if (!sw)
		return -ENOMEM;
	sw->name = strdup(name);
	if (!sw->name) {
		free(sw);
		return -ENOMEM;
	}
	sw->refcount = 1;
	sw->ctx = vrdma_ctx_ref(ctx);
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

VRDMA_EXPORT int vrdma_config_find_portgroup(struct vrdma_config *cfg, const char *name,
                                             struct vrdma_portgroup **ret)
{
	struct vrdma_portgroup *found = NULL;
	unsigned int i, j, n = 0;

	if (!cfg || !name || !ret)
		return -EINVAL;
	*ret = NULL;
	for (i = 0; i < cfg->n_switches; i++)
		for (j = 0; j < cfg->switches[i]->n_pgs; j++)
			if (strcmp(cfg->switches[i]->pgs[j]->name, name) == 0) {
				if (!found)
					found = cfg->switches[i]->pgs[j];
				n++;
			}
	if (!found)
		return vrdma_error(cfg->ctx, -ENOENT, "port group '%s' not found", name);
	if (n > 1)
		return vrdma_error(cfg->ctx, -ENOTUNIQ,
		                   "port group '%s' exists on %u switches; name the switch",
		                   name, n);
	*ret = found;
	return 0;
}

VRDMA_EXPORT int vrdma_config_get_vmk_count(struct vrdma_config *cfg)
{
	return cfg ? (int)cfg->n_vmks : -EINVAL;
}

VRDMA_EXPORT int vrdma_config_get_vmk(struct vrdma_config *cfg, unsigned int index,
                                      struct vrdma_vmk **ret)
{
	if (!cfg || !ret)
		return -EINVAL;
	*ret = NULL;
	if (index >= cfg->n_vmks)
		return -ENOENT;
	*ret = cfg->vmks[index];
	return 0;
}

VRDMA_EXPORT int vrdma_config_find_vmk(struct vrdma_config *cfg, const char *name,
                                       struct vrdma_vmk **ret)
{
	unsigned int i;

	if (!cfg || !name || !ret)
		return -EINVAL;
	*ret = NULL;
	for (i = 0; i < cfg->n_vmks; i++)
		if (strcmp(cfg->vmks[i]->name, name) == 0) {
			*ret = cfg->vmks[i];
			return 0;
		}
	return vrdma_error(cfg->ctx, -ENOENT, "vmk '%s' not found", name);
}

VRDMA_EXPORT int vrdma_config_add_vmk(struct vrdma_config *cfg, const char *name,
                                      struct vrdma_portgroup *pg, struct vrdma_vmk **ret)
{
	if (ret)
		*ret = NULL;
	if (!cfg || !pg)
		return -EINVAL;
	vrdma_error_clear(cfg->ctx);
	return vrdma_vmk_new_internal(cfg, name, pg, ret);
}

/* ---- switches ---------------------------------------------------------------- */

#define SW_CHECK(sw)                                                            \
	do {                                                                    \
		if (!(sw))                                                      \
			return -EINVAL;                                         \
		vrdma_error_clear((sw)->ctx);                                   \
		if (!(sw)->cfg)                                                 \
			return vrdma_error((sw)->ctx, -ENODEV,                  \
			                   "switch '%s' was removed from its configuration", \
			                   (sw)->name);                         \
	} while (0)

VRDMA_EXPORT struct vrdma_switch *vrdma_switch_ref(struct vrdma_switch *sw)
{
	if (!sw)
		return NULL;
	sw->refcount++;
	return sw;
}

VRDMA_EXPORT struct vrdma_switch *vrdma_switch_unref(struct vrdma_switch *sw)
{
	unsigned int i;

	if (!sw)
		return NULL;
	if (--sw->refcount > 0)
		return NULL;
	for (i = 0; i < sw->n_pgs; i++) {
		sw->pgs[i]->sw = NULL;
		vrdma_portgroup_unref(sw->pgs[i]);
	}
	free(sw->pgs);
	for (i = 0; i < sw->n_uplinks; i++) {
		free(sw->uplinks[i].name);
		free(sw->uplinks[i].device);
	}
	free(sw->uplinks);
	failover_clear(&sw->failover);
	free(sw->name);
	vrdma_ctx_unref(sw->ctx);
	free(sw);
	return NULL;
}

VRDMA_EXPORT struct vrdma_config *vrdma_switch_get_config(struct vrdma_switch *sw)
{
	return sw ? sw->cfg : NULL;
}

static struct vrdma_vmk *first_vmk_on(struct vrdma_config *cfg, struct vrdma_portgroup *pg)
{
	unsigned int i;

	if (!cfg)
		return NULL;
	for (i = 0; i < cfg->n_vmks; i++)
		if (cfg->vmks[i]->pg == pg)
			return cfg->vmks[i];
	return NULL;
}

VRDMA_EXPORT int vrdma_switch_remove(struct vrdma_switch *sw)
{
	struct vrdma_config *cfg;
	unsigned int i;

	SW_CHECK(sw);
	cfg = sw->cfg;
	for (i = 0; i < sw->n_pgs; i++) {
		struct vrdma_vmk *vmk = first_vmk_on(cfg, sw->pgs[i]);
		if (vmk)
			return vrdma_error(sw->ctx, -EBUSY,
			                   "switch '%s': cannot remove: port group '%s' still has "
			                   "vmk '%s' (remove or move it first)",
			                   sw->name, sw->pgs[i]->name, vmk->name);
	}
	for (i = 0; i < cfg->n_switches; i++)
		if (cfg->switches[i] == sw)
			break;
	memmove(&cfg->switches[i], &cfg->switches[i + 1],
	        (cfg->n_switches - i - 1) * sizeof(*cfg->switches));
	cfg->n_switches--;
	sw->cfg = NULL;
	dbg(sw->ctx, "switch '%s' removed", sw->name);
	vrdma_switch_unref(sw);
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
		if (vmk->pg && vmk->pg->sw == sw && vmk->mtu > mtu)
			return vrdma_error(sw->ctx, -EBUSY,
			                   "switch '%s': MTU %d is below the MTU %d of its vmk '%s'",
			                   sw->name, mtu, vmk->mtu, vmk->name);
	}
	sw->mtu = mtu;
	return 0;
}

VRDMA_EXPORT int vrdma_switch_get_uplink_count(struct vrdma_switch *sw)
{
	return sw ? (int)sw->n_uplinks : -EINVAL;
}

VRDMA_EXPORT int vrdma_switch_get_uplink(struct vrdma_switch *sw, unsigned int index,
                                         const char **ret)
{
	if (!sw || !ret)
		return -EINVAL;
	*ret = NULL;
	if (index >= sw->n_uplinks)
		return -ENOENT;
	*ret = sw->uplinks[index].name;
	return 0;
}

bool vrdma_switch_has_uplink(struct vrdma_switch *sw, const char *name)
{
	unsigned int i;

	for (i = 0; i < sw->n_uplinks; i++)
		if (strcmp(sw->uplinks[i].name, name) == 0)
			return true;
	return false;
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
	o = vrdma_config_device_user(sw->cfg, dev, sw);
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
		return -EINVAL;
	if (sw->type == VRDMA_SWITCH_STANDARD) {
		r = check_uplink_device(sw, name);
	} else {
		r = vrdma_model_check_name(sw->ctx, "uplink slot", name);
		if (r == 0 && vrdma_switch_has_uplink(sw, name))
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
		return -ENOMEM;
	sw->uplinks = nu;
	nu[sw->n_uplinks].name = strdup(name);
	nu[sw->n_uplinks].device = NULL;
	if (!nu[sw->n_uplinks].name)
		return -ENOMEM;
	r = strv_append(&sw->failover.active, &sw->failover.n_active, name);
	if (r < 0) {
		free(nu[sw->n_uplinks].name);
		return r;
	}
	sw->n_uplinks++;
	return 0;
}

VRDMA_EXPORT int vrdma_switch_remove_uplink(struct vrdma_switch *sw, const char *name)
{
	unsigned int i;

	SW_CHECK(sw);
	if (!name)
		return -EINVAL;
	for (i = 0; i < sw->n_uplinks; i++)
		if (strcmp(sw->uplinks[i].name, name) == 0)
			break;
	if (i == sw->n_uplinks)
		return vrdma_error(sw->ctx, -ENOENT, "switch '%s': no uplink '%s'",
		                   sw->name, name);
	{
		unsigned int j;
		for (j = 0; j < sw->n_pgs; j++) {
			struct vrdma_portgroup *pg = sw->pgs[j];
			if (pg->has_override &&
			    (strv_contains(pg->failover.active, pg->failover.n_active, name) ||
			     strv_contains(pg->failover.standby, pg->failover.n_standby, name)))
				return vrdma_error(sw->ctx, -EBUSY,
				                   "switch '%s': cannot remove uplink '%s': the "
				                   "failover override of port group '%s' names it",
				                   sw->name, name, pg->name);
		}
	}
	strv_remove(sw->failover.active, &sw->failover.n_active, name);
	strv_remove(sw->failover.standby, &sw->failover.n_standby, name);
	free(sw->uplinks[i].name);
	free(sw->uplinks[i].device);
	memmove(&sw->uplinks[i], &sw->uplinks[i + 1],
	        (sw->n_uplinks - i - 1) * sizeof(*sw->uplinks));
	sw->n_uplinks--;
	return 0;
}

VRDMA_EXPORT int vrdma_switch_set_uplink_device(struct vrdma_switch *sw, const char *slot,
                                                const char *device)
{
	unsigned int i;
	char *d = NULL;
	int r;

	SW_CHECK(sw);
	if (!slot)
		return -EINVAL;
	if (sw->type != VRDMA_SWITCH_DISTRIBUTED)
		return vrdma_error(sw->ctx, -EOPNOTSUPP,
		                   "switch '%s': uplink slots exist only on a distributed switch",
		                   sw->name);
	for (i = 0; i < sw->n_uplinks; i++)
		if (strcmp(sw->uplinks[i].name, slot) == 0)
			break;
	if (i == sw->n_uplinks)
		return vrdma_error(sw->ctx, -ENOENT, "switch '%s': no uplink slot '%s'",
		                   sw->name, slot);
	if (device) {
		if (sw->uplinks[i].device && strcmp(sw->uplinks[i].device, device) == 0)
			return 0;
		r = check_uplink_device(sw, device);
		if (r < 0)
			return r;
		d = strdup(device);
		if (!d)
			return -ENOMEM;
	}
	free(sw->uplinks[i].device);
	sw->uplinks[i].device = d;
	return 0;
}

VRDMA_EXPORT int vrdma_switch_get_uplink_device(struct vrdma_switch *sw, const char *name,
                                                const char **ret)
{
	unsigned int i;

	if (!sw || !name || !ret)
		return -EINVAL;
	*ret = NULL;
	for (i = 0; i < sw->n_uplinks; i++) {
		if (strcmp(sw->uplinks[i].name, name) != 0)
			continue;
		if (sw->type == VRDMA_SWITCH_STANDARD) {
			*ret = sw->uplinks[i].name;
			return 0;
		}
		if (!sw->uplinks[i].device)
			return vrdma_error(sw->ctx, -ENOENT,
			                   "switch '%s': uplink slot '%s' is not mapped to a device",
			                   sw->name, name);
		*ret = sw->uplinks[i].device;
		return 0;
	}
	return vrdma_error(sw->ctx, -ENOENT, "switch '%s': no uplink '%s'", sw->name, name);
}

VRDMA_EXPORT int vrdma_switch_set_failover(struct vrdma_switch *sw,
                                           const char *const *active, size_t n_active,
                                           const char *const *standby, size_t n_standby)
{
	struct vrdma_failover f;
	int r;

	SW_CHECK(sw);
	r = failover_build(sw, "switch", sw->name, active, n_active, standby, n_standby, &f);
	if (r < 0)
		return r;
	failover_clear(&sw->failover);
	sw->failover = f;
	return 0;
}

VRDMA_EXPORT int vrdma_switch_get_failover_count(struct vrdma_switch *sw,
                                                 enum vrdma_uplink_role role)
{
	if (!sw)
		return -EINVAL;
	return failover_count(sw, &sw->failover, role);
}

VRDMA_EXPORT int vrdma_switch_get_failover_uplink(struct vrdma_switch *sw,
                                                  enum vrdma_uplink_role role,
                                                  unsigned int index, const char **ret)
{
	if (!sw)
		return -EINVAL;
	return failover_get(sw, &sw->failover, role, index, ret);
}

VRDMA_EXPORT int vrdma_switch_get_portgroup_count(struct vrdma_switch *sw)
{
	return sw ? (int)sw->n_pgs : -EINVAL;
}

VRDMA_EXPORT int vrdma_switch_get_portgroup(struct vrdma_switch *sw, unsigned int index,
                                            struct vrdma_portgroup **ret)
{
	if (!sw || !ret)
		return -EINVAL;
	*ret = NULL;
	if (index >= sw->n_pgs)
		return -ENOENT;
	*ret = sw->pgs[index];
	return 0;
}

VRDMA_EXPORT int vrdma_switch_find_portgroup(struct vrdma_switch *sw, const char *name,
                                             struct vrdma_portgroup **ret)
{
	unsigned int i;

	if (!sw || !name || !ret)
		return -EINVAL;
	*ret = NULL;
	for (i = 0; i < sw->n_pgs; i++)
		if (strcmp(sw->pgs[i]->name, name) == 0) {
			*ret = sw->pgs[i];
			return 0;
		}
	return vrdma_error(sw->ctx, -ENOENT, "switch '%s': port group '%s' not found",
	                   sw->name, name);
}

VRDMA_EXPORT int vrdma_switch_add_portgroup(struct vrdma_switch *sw, const char *name,
                                            struct vrdma_portgroup **ret)
{
	struct vrdma_portgroup *pg, **npg;
	unsigned int i;
	int r;

	if (ret)
		*ret = NULL;
	SW_CHECK(sw);
	r = vrdma_model_check_name(sw->ctx, "port group", name);
	if (r < 0)
		return r;
	for (i = 0; i < sw->n_pgs; i++)
		if (strcmp(sw->pgs[i]->name, name) == 0)
			return vrdma_error(sw->ctx, -EEXIST,
			                   "port group '%s': already exists on switch '%s'",
			                   name, sw->name);
	if (vrdma_config_portgroup_total(sw->cfg) >= VRDMA_MAX_PORTGROUPS)
		return vrdma_error(sw->ctx, -ENOSPC,
		                   "port group '%s': limit of %d port groups reached",
		                   name, VRDMA_MAX_PORTGROUPS);
	npg = realloc(sw->pgs, (sw->n_pgs + 1) * sizeof(*npg));
	if (!npg)
		return -ENOMEM;
	sw->pgs = npg;
	pg = calloc(1, sizeof(*pg));
	if (!pg)
		return -ENOMEM;
	pg->name = strdup(name);
	if (!pg->name) {
		free(pg);
		return -ENOMEM;
	}
	pg->refcount = 1;
	pg->ctx = vrdma_ctx_ref(sw->ctx);
	pg->sw = sw;
	sw->pgs[sw->n_pgs++] = pg;
	if (ret)
		*ret = pg;
	return 0;
}

/* ---- port groups ------------------------------------------------------------- */

#define PG_CHECK(pg)                                                            \
	do {                                                                    \
		if (!(pg))                                                      \
			return -EINVAL;                                         \
		vrdma_error_clear((pg)->ctx);                                   \
		if (!(pg)->sw || !(pg)->sw->cfg)                                \
			return vrdma_error((pg)->ctx, -ENODEV,                  \
			                   "port group '%s' was removed from its configuration", \
			                   (pg)->name);                         \
	} while (0)

VRDMA_EXPORT struct vrdma_portgroup *vrdma_portgroup_ref(struct vrdma_portgroup *pg)
{
	if (!pg)
		return NULL;
	pg->refcount++;
	return pg;
}

VRDMA_EXPORT struct vrdma_portgroup *vrdma_portgroup_unref(struct vrdma_portgroup *pg)
{
	if (!pg)
		return NULL;
	if (--pg->refcount > 0)
		return NULL;
	failover_clear(&pg->failover);
	free(pg->name);
	vrdma_ctx_unref(pg->ctx);
	free(pg);
	return NULL;
}

VRDMA_EXPORT struct vrdma_switch *vrdma_portgroup_get_switch(struct vrdma_portgroup *pg)
{
	return pg && pg->sw && pg->sw->cfg ? pg->sw : NULL;
}

VRDMA_EXPORT int vrdma_portgroup_remove(struct vrdma_portgroup *pg)
{
	struct vrdma_switch *sw;
	struct vrdma_vmk *vmk;
	unsigned int i;

	PG_CHECK(pg);
	sw = pg->sw;
	vmk = first_vmk_on(sw->cfg, pg);
	if (vmk)
		return vrdma_error(pg->ctx, -EBUSY,
		                   "port group '%s': cannot remove: vmk '%s' uses it "
		                   "(remove or move the vmk first)", pg->name, vmk->name);
	for (i = 0; i < sw->n_pgs; i++)
		if (sw->pgs[i] == pg)
			break;
	memmove(&sw->pgs[i], &sw->pgs[i + 1], (sw->n_pgs - i - 1) * sizeof(*sw->pgs));
	sw->n_pgs--;
	pg->sw = NULL;
	vrdma_portgroup_unref(pg);
	return 0;
}

VRDMA_EXPORT const char *vrdma_portgroup_get_name(struct vrdma_portgroup *pg)
{
	return pg ? pg->name : NULL;
}

VRDMA_EXPORT const char *vrdma_portgroup_get_ifname(struct vrdma_portgroup *pg)
{
	if (!pg || !pg->sw)
		return NULL;
	if (pg->vlan_id >= 1 && pg->vlan_id <= 4094)
		snprintf(pg->ifname, sizeof(pg->ifname), "%s.%d", pg->sw->ifname, pg->vlan_id);
	else
		snprintf(pg->ifname, sizeof(pg->ifname), "%s", pg->sw->ifname);
	return pg->ifname;
}

VRDMA_EXPORT int vrdma_portgroup_get_vmk_count(struct vrdma_portgroup *pg)
{
	unsigned int i, n = 0;

	if (!pg)
		return -EINVAL;
	if (!pg->sw || !pg->sw->cfg)
		return 0;
	for (i = 0; i < pg->sw->cfg->n_vmks; i++)
		if (pg->sw->cfg->vmks[i]->pg == pg)
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
		return -EINVAL;
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

VRDMA_EXPORT int vrdma_portgroup_get_vlan_trunk_count(struct vrdma_portgroup *pg)
{
	if (!pg)
		return -EINVAL;
	if (pg->vlan_id != VRDMA_VLAN_ID_TRUNK)
		return 0;
	return pg->n_ranges ? (int)pg->n_ranges : 1;
}

VRDMA_EXPORT int vrdma_portgroup_get_vlan_trunk_range(struct vrdma_portgroup *pg,
                                                      unsigned int index,
                                                      unsigned int *first,
                                                      unsigned int *last)
{
	if (!pg || !first || !last)
		return -EINVAL;
	if (pg->vlan_id != VRDMA_VLAN_ID_TRUNK)
		return -ENOENT;
	if (pg->n_ranges == 0) {
		if (index != 0)
			return -ENOENT;
		*first = 0;
		*last = 4094;
		return 0;
	}
	if (index >= pg->n_ranges)
		return -ENOENT;
	*first = pg->ranges[index].first;
	*last = pg->ranges[index].last;
	return 0;
}

VRDMA_EXPORT int vrdma_portgroup_set_failover(struct vrdma_portgroup *pg,
                                              const char *const *active, size_t n_active,
                                              const char *const *standby, size_t n_standby)
{
	struct vrdma_failover f;
	int r;

	PG_CHECK(pg);
	r = failover_build(pg->sw, "port group", pg->name, active, n_active, standby,
	                   n_standby, &f);
	if (r < 0)
		return r;
	failover_clear(&pg->failover);
	pg->failover = f;
	pg->has_override = true;
	return 0;
}

VRDMA_EXPORT int vrdma_portgroup_clear_failover(struct vrdma_portgroup *pg)
{
	PG_CHECK(pg);
	failover_clear(&pg->failover);
	pg->has_override = false;
	return 0;
}

VRDMA_EXPORT int vrdma_portgroup_has_failover_override(struct vrdma_portgroup *pg)
{
	return pg ? (pg->has_override ? 1 : 0) : -EINVAL;
}

const struct vrdma_failover *vrdma_portgroup_effective(struct vrdma_portgroup *pg)
{
	if (pg->has_override || !pg->sw)
		return &pg->failover;
	return &pg->sw->failover;
}

VRDMA_EXPORT int vrdma_portgroup_get_failover_count(struct vrdma_portgroup *pg,
                                                    enum vrdma_uplink_role role)
{
	if (!pg)
		return -EINVAL;
	return failover_count(pg->sw, vrdma_portgroup_effective(pg), role);
}

VRDMA_EXPORT int vrdma_portgroup_get_failover_uplink(struct vrdma_portgroup *pg,
                                                     enum vrdma_uplink_role role,
                                                     unsigned int index,
                                                     const char **ret)
{
	if (!pg)
		return -EINVAL;
	return failover_get(pg->sw, vrdma_portgroup_effective(pg), role, index, ret);
}
