/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The configuration object: its reference count, its switches and vmks by
 * index and by name.  Adding them is in switch.c and vmk.c; the file format
 * in config-json.c and config-file.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "model-private.h"

VRDMA_EXPORT int vrdma_config_new(struct vrdma_ctx *ctx, struct vrdma_config **ret)
{
	struct vrdma_config *cfg;

	if (!ctx)
		return -EINVAL;
	vrdma_error_clear(ctx);
	if (!ret)
		return vrdma_error(ctx, -EINVAL, "configuration: NULL result pointer");
	cfg = calloc(1, sizeof(*cfg));
	if (!cfg)
		return vrdma_error(ctx, -ENOMEM, "configuration: out of memory");
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

static void free_switches(struct vrdma_switch **v, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		vrdma_switch_free(v[i]);
	free(v);
}

static void free_vmks(struct vrdma_vmk **v, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		vrdma_vmk_free(v[i]);
	free(v);
}

VRDMA_EXPORT struct vrdma_config *vrdma_config_unref(struct vrdma_config *cfg)
{
	if (!cfg)
		return NULL;
	if (--cfg->refcount > 0)
		return NULL;
	free_vmks(cfg->vmks, cfg->n_vmks);
	free_vmks(cfg->removed_vmks, cfg->n_removed_vmks);
	for (unsigned int i = 0; i < cfg->n_softs; i++)
		vrdma_soft_adapter_free(cfg->softs[i]);
	for (unsigned int i = 0; i < cfg->n_removed_softs; i++)
		vrdma_soft_adapter_free(cfg->removed_softs[i]);
	free(cfg->softs);
	free(cfg->removed_softs);
	vrdma_roce_free_all(cfg);
	free_switches(cfg->switches, cfg->n_switches);
	free_switches(cfg->removed_switches, cfg->n_removed_switches);
	free(cfg->path);
	vrdma_ctx_unref(cfg->ctx);
	free(cfg);
	return NULL;
}

VRDMA_EXPORT struct vrdma_ctx *vrdma_config_get_ctx(struct vrdma_config *cfg)
{
	return cfg ? cfg->ctx : NULL;
}

VRDMA_EXPORT uint64_t vrdma_config_get_generation(struct vrdma_config *cfg)
{
	return cfg ? cfg->generation : 0;
}

VRDMA_EXPORT int vrdma_config_get_path(struct vrdma_config *cfg, const char **ret)
{
	if (!cfg)
		return -EINVAL;
	vrdma_error_clear(cfg->ctx);
	if (!ret)
		return vrdma_error(cfg->ctx, -EINVAL, "configuration: NULL result pointer");
	if (!cfg->path)
		return vrdma_error(cfg->ctx, -ENOENT,
		                   "configuration: no file (never loaded or saved)");
	*ret = cfg->path;
	return 0;
}

VRDMA_EXPORT int vrdma_config_get_n_switches(struct vrdma_config *cfg)
{
	return cfg ? (int)cfg->n_switches : -EINVAL;
}

VRDMA_EXPORT int vrdma_config_get_switch(struct vrdma_config *cfg, unsigned int i,
                                         struct vrdma_switch **ret)
{
	int r;

	if (!cfg)
		return -EINVAL;
	vrdma_error_clear(cfg->ctx);
	r = vrdma_index_check(cfg->ctx, ret, i, cfg->n_switches, "switch", "configuration");
	if (r < 0)
		return r;
	*ret = cfg->switches[i];
	return 0;
}

VRDMA_EXPORT int vrdma_config_find_switch(struct vrdma_config *cfg, const char *name,
                                          struct vrdma_switch **ret)
{
	unsigned int i;

	if (!cfg)
		return -EINVAL;
	vrdma_error_clear(cfg->ctx);
	if (!name || !ret)
		return vrdma_error(cfg->ctx, -EINVAL,
		                   "configuration: find switch: NULL name or result pointer");
	for (i = 0; i < cfg->n_switches; i++)
		if (strcmp(cfg->switches[i]->name, name) == 0) {
			*ret = cfg->switches[i];
			return 0;
		}
	return vrdma_error(cfg->ctx, -ENOENT, "switch '%s' not found", name);
}

VRDMA_EXPORT int vrdma_config_find_portgroup(struct vrdma_config *cfg, const char *name,
                                             struct vrdma_portgroup **ret)
{
	struct vrdma_portgroup *found = NULL;
	unsigned int i, j, n = 0;

	if (!cfg)
		return -EINVAL;
	vrdma_error_clear(cfg->ctx);
	if (!name || !ret)
		return vrdma_error(cfg->ctx, -EINVAL,
		                   "configuration: find port group: NULL name or result pointer");
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

VRDMA_EXPORT int vrdma_config_get_n_vmks(struct vrdma_config *cfg)
{
	return cfg ? (int)cfg->n_vmks : -EINVAL;
}

VRDMA_EXPORT int vrdma_config_get_vmk(struct vrdma_config *cfg, unsigned int i,
                                      struct vrdma_vmk **ret)
{
	int r;

	if (!cfg)
		return -EINVAL;
	vrdma_error_clear(cfg->ctx);
	r = vrdma_index_check(cfg->ctx, ret, i, cfg->n_vmks, "vmk", "configuration");
	if (r < 0)
		return r;
	*ret = cfg->vmks[i];
	return 0;
}

VRDMA_EXPORT int vrdma_config_find_vmk(struct vrdma_config *cfg, const char *name,
                                       struct vrdma_vmk **ret)
{
	unsigned int i;

	if (!cfg)
		return -EINVAL;
	vrdma_error_clear(cfg->ctx);
	if (!name || !ret)
		return vrdma_error(cfg->ctx, -EINVAL,
		                   "configuration: find vmk: NULL name or result pointer");
	for (i = 0; i < cfg->n_vmks; i++)
		if (strcmp(cfg->vmks[i]->name, name) == 0) {
			*ret = cfg->vmks[i];
			return 0;
		}
	return vrdma_error(cfg->ctx, -ENOENT, "vmk '%s' not found", name);
}
