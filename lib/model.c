/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The rules the model's objects share: names, interface names, vmk names and
 * teaming (failover) lists.  The objects are in config.c, switch.c,
 * portgroup.c and vmk.c; the file format in config-json.c and config-file.c.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model-private.h"

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

struct vrdma_vmk *vrdma_model_first_vmk_on(struct vrdma_portgroup *pg)
{
	struct vrdma_config *cfg = pg->sw->cfg;
	unsigned int i;

	for (i = 0; i < cfg->n_vmks; i++)
		if (cfg->vmks[i]->pg == pg)
			return cfg->vmks[i];
	return NULL;
}

/* ---- failover lists --------------------------------------------------------- */

static void strv_free(char **v, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void vrdma_failover_clear(struct vrdma_failover *f)
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

static bool has_uplink(struct vrdma_switch *sw, const char *name)
{
	unsigned int i;

	for (i = 0; i < sw->n_uplinks; i++)
		if (strcmp(sw->uplinks[i].name, name) == 0)
			return true;
	return false;
}

/* Validate and build a failover policy over the uplinks of sw. */
int vrdma_failover_build(struct vrdma_switch *sw, const char *what,
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
		if (!has_uplink(sw, n))
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
		return vrdma_error(ctx, r, "%s '%s': out of memory", what, owner);
	out->n_active = (unsigned int)n_active;
	r = strv_copy(&out->standby, standby, n_standby);
	if (r < 0) {
		vrdma_failover_clear(out);
		return vrdma_error(ctx, r, "%s '%s': out of memory", what, owner);
	}
	out->n_standby = (unsigned int)n_standby;
	return 0;
}

bool vrdma_failover_names(const struct vrdma_failover *f, const char *uplink)
{
	return strv_contains(f->active, f->n_active, uplink) ||
	       strv_contains(f->standby, f->n_standby, uplink);
}

int vrdma_failover_append_active(struct vrdma_failover *f, const char *uplink)
{
	return strv_append(&f->active, &f->n_active, uplink);
}

void vrdma_failover_remove(struct vrdma_failover *f, const char *uplink)
{
	strv_remove(f->active, &f->n_active, uplink);
	strv_remove(f->standby, &f->n_standby, uplink);
}

static const char *role_name(enum vrdma_uplink_role role)
{
	switch (role) {
	case VRDMA_UPLINK_ACTIVE:
		return "active";
	case VRDMA_UPLINK_STANDBY:
		return "standby";
	case VRDMA_UPLINK_UNUSED:
		return "unused";
	}
	return NULL;
}

/* Count the uplinks of sw in neither list of f; store the n-th of them in
 * *ret when ret is not NULL. */
static unsigned int unused_uplinks(struct vrdma_switch *sw, const struct vrdma_failover *f,
                                   unsigned int n, const char **ret)
{
	unsigned int i, k = 0;

	for (i = 0; i < sw->n_uplinks; i++) {
		if (vrdma_failover_names(f, sw->uplinks[i].name))
			continue;
		if (k == n && ret)
			*ret = sw->uplinks[i].name;
		k++;
	}
	return k;
}

int vrdma_failover_count(struct vrdma_switch *sw, const struct vrdma_failover *f,
                         const char *what, const char *owner,
                         enum vrdma_uplink_role role)
{
	vrdma_error_clear(sw->ctx);
	switch (role) {
	case VRDMA_UPLINK_ACTIVE:
		return (int)f->n_active;
	case VRDMA_UPLINK_STANDBY:
		return (int)f->n_standby;
	case VRDMA_UPLINK_UNUSED:
		return (int)unused_uplinks(sw, f, 0, NULL);
	}
	return vrdma_error(sw->ctx, -EINVAL, "%s '%s': unknown uplink role %d", what, owner,
	                   (int)role);
}

int vrdma_failover_get(struct vrdma_switch *sw, const struct vrdma_failover *f,
                       const char *what, const char *owner,
                       enum vrdma_uplink_role role, unsigned int i,
                       const char **ret)
{
	const char *u = NULL;
	int n;

	n = vrdma_failover_count(sw, f, what, owner, role);
	if (n < 0)
		return n;
	if (!ret)
		return vrdma_error(sw->ctx, -EINVAL, "%s '%s': NULL result pointer", what, owner);
	if (i >= (unsigned int)n)
		return vrdma_error(sw->ctx, -ENOENT, "%s '%s': no %s uplink %u (it has %d)",
		                   what, owner, role_name(role), i, n);
	if (role == VRDMA_UPLINK_ACTIVE)
		u = f->active[i];
	else if (role == VRDMA_UPLINK_STANDBY)
		u = f->standby[i];
	else
		unused_uplinks(sw, f, i, &u);
	*ret = u;
	return 0;
}
