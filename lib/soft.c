/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Soft RDMA adapters of the configuration: "an adapter of type rxe (or siw)
 * on uplink vmnicN", at most one per uplink name.  The model stores the
 * uplink as given (vmnic alias or netdev name); apply resolves it, creates
 * the adapter through RDMA netlink and tells two names of one netdev apart
 * (apply-soft.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "model-private.h"

#define SOFT_CHECK(sa)                                                          \
	do {                                                                    \
		if (!(sa))                                                      \
			return -EINVAL;                                         \
		vrdma_error_clear((sa)->ctx);                                   \
	} while (0)

static const char *const soft_type_names[] = {
	[VRDMA_SOFT_ADAPTER_RXE] = "rxe",
	[VRDMA_SOFT_ADAPTER_SIW] = "siw",
};

VRDMA_EXPORT const char *vrdma_soft_adapter_type_to_string(int type)
{
	if (type < 0 || (size_t)type >= ARRAY_SIZE(soft_type_names))
		return NULL;
	return soft_type_names[type];
}

VRDMA_EXPORT int vrdma_soft_adapter_type_from_string(const char *text)
{
	size_t i;

	if (!text)
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(soft_type_names); i++)
		if (strcmp(text, soft_type_names[i]) == 0)
			return (int)i;
	return -EINVAL;
}

void vrdma_soft_adapter_free(struct vrdma_soft_adapter *sa)
{
	free(sa);
}

VRDMA_EXPORT int vrdma_config_get_n_soft_adapters(struct vrdma_config *cfg)
{
	return cfg ? (int)cfg->n_softs : -EINVAL;
}

VRDMA_EXPORT int vrdma_config_get_soft_adapter(struct vrdma_config *cfg, unsigned int i,
                                               struct vrdma_soft_adapter **ret)
{
	int r;

	if (!cfg)
		return -EINVAL;
	vrdma_error_clear(cfg->ctx);
	r = vrdma_index_check(cfg->ctx, ret, i, cfg->n_softs, "soft adapter", "configuration");
	if (r < 0)
		return r;
	*ret = cfg->softs[i];
	return 0;
}

static struct vrdma_soft_adapter *soft_find(struct vrdma_config *cfg, const char *uplink)
{
	unsigned int i;

	for (i = 0; i < cfg->n_softs; i++)
		if (strcmp(cfg->softs[i]->uplink, uplink) == 0)
			return cfg->softs[i];
	return NULL;
}

VRDMA_EXPORT int vrdma_config_find_soft_adapter(struct vrdma_config *cfg, const char *uplink,
                                                struct vrdma_soft_adapter **ret)
{
	struct vrdma_soft_adapter *sa;

	if (!cfg)
		return -EINVAL;
	vrdma_error_clear(cfg->ctx);
	if (!uplink || !ret)
		return vrdma_error(cfg->ctx, -EINVAL, "configuration: find soft adapter: "
		                   "NULL uplink or result pointer");
	sa = soft_find(cfg, uplink);
	if (!sa)
		return vrdma_error(cfg->ctx, -ENOENT, "no soft adapter on uplink '%s'", uplink);
	*ret = sa;
	return 0;
}

static int soft_check_new(struct vrdma_config *cfg, const char *uplink, int type)
{
	struct vrdma_soft_adapter *o;
	int r;

	if (!uplink)
		return vrdma_error(cfg->ctx, -EINVAL, "soft adapter: NULL uplink name");
	r = vrdma_model_check_ifname(cfg->ctx, "soft adapter on uplink", uplink, uplink,
	                             VRDMA_IFNAME_MAX);
	if (r < 0)
		return r;
	if (vrdma_model_is_vmk_name(uplink, NULL))
		return vrdma_error(cfg->ctx, -EINVAL, "soft adapter on uplink '%s': a vmk "
		                   "cannot carry a soft RDMA adapter", uplink);
	if (!vrdma_soft_adapter_type_to_string(type))
		return vrdma_error(cfg->ctx, -EINVAL, "soft adapter on uplink '%s': unknown "
		                   "type %d (expected rxe or siw)", uplink, type);
	o = soft_find(cfg, uplink);
	if (o)
		return vrdma_error(cfg->ctx, -EEXIST, "soft adapter on uplink '%s': the "
		                   "uplink already has one (type %s); remove it first",
		                   uplink, vrdma_soft_adapter_type_to_string(o->type));
	if (cfg->n_softs >= VRDMA_MAX_SOFT_ADAPTERS)
		return vrdma_error(cfg->ctx, -ENOSPC, "soft adapter on uplink '%s': limit of "
		                   "%d soft adapters reached", uplink, VRDMA_MAX_SOFT_ADAPTERS);
	return 0;
}

VRDMA_EXPORT int vrdma_config_add_soft_adapter(struct vrdma_config *cfg, const char *uplink,
                                               enum vrdma_soft_adapter_type type,
                                               struct vrdma_soft_adapter **ret)
{
	struct vrdma_soft_adapter *sa, **v;
	int r;

	if (!cfg)
		return -EINVAL;
	vrdma_error_clear(cfg->ctx);
	r = soft_check_new(cfg, uplink, (int)type);
	if (r < 0)
		return r;
	sa = calloc(1, sizeof(*sa));
	v = sa ? realloc(cfg->softs, (cfg->n_softs + 1) * sizeof(*v)) : NULL;
	if (!v) {
		free(sa);
		return vrdma_error(cfg->ctx, -ENOMEM, "soft adapter on uplink '%s': out of "
		                   "memory", uplink);
	}
	cfg->softs = v;
	sa->ctx = cfg->ctx;
	sa->cfg = cfg;
	sa->type = type;
	memcpy(sa->uplink, uplink, strlen(uplink) + 1);
	v[cfg->n_softs++] = sa;
	if (ret)
		*ret = sa;
	return 0;
}

VRDMA_EXPORT struct vrdma_config *vrdma_soft_adapter_get_config(struct vrdma_soft_adapter *sa)
{
	return sa ? sa->cfg : NULL;
}

VRDMA_EXPORT const char *vrdma_soft_adapter_get_uplink(struct vrdma_soft_adapter *sa)
{
	return sa ? sa->uplink : NULL;
}

VRDMA_EXPORT int vrdma_soft_adapter_get_type(struct vrdma_soft_adapter *sa)
{
	return sa ? (int)sa->type : -EINVAL;
}

VRDMA_EXPORT int vrdma_soft_adapter_remove(struct vrdma_soft_adapter *sa)
{
	struct vrdma_config *cfg;
	struct vrdma_soft_adapter **keep;
	unsigned int i;

	SOFT_CHECK(sa);
	cfg = sa->cfg;
	keep = realloc(cfg->removed_softs, (cfg->n_removed_softs + 1) * sizeof(*keep));
	if (!keep)
		return vrdma_error(sa->ctx, -ENOMEM, "soft adapter on uplink '%s': out of "
		                   "memory", sa->uplink);
	cfg->removed_softs = keep;
	keep[cfg->n_removed_softs++] = sa;
	for (i = 0; i < cfg->n_softs; i++)
		if (cfg->softs[i] == sa)
			break;
	memmove(&cfg->softs[i], &cfg->softs[i + 1], (cfg->n_softs - i - 1) * sizeof(*cfg->softs));
	cfg->n_softs--;
	return 0;
}
