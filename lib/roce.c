/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * RoCE settings per adapter port (rdma_cm's default RoCE mode and ToS):
 * the model objects and their part of the configuration document ("roce").
 * apply-roce.c writes them through rdma_cm's configfs.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "model-private.h"

#define RS_CHECK(rs)                                                            \
	do {                                                                    \
		if (!(rs))                                                      \
			return -EINVAL;                                         \
		vrdma_error_clear((rs)->ctx);                                   \
	} while (0)

static const char *const mode_names[] = { "v1", "v2" };
/* rdma_cm's spellings (ib_cache_gid_type_str) */
static const char *const mode_kernel_names[] = { "IB/RoCE v1", "RoCE v2" };

VRDMA_EXPORT const char *vrdma_roce_mode_to_string(int mode)
{
	return mode >= 0 && (size_t)mode < ARRAY_SIZE(mode_names) ? mode_names[mode] : NULL;
}

VRDMA_EXPORT int vrdma_roce_mode_from_string(const char *text)
{
	unsigned int i;

	if (!text)
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(mode_names); i++)
		if (strcasecmp(text, mode_names[i]) == 0 ||
		    strcasecmp(text, mode_kernel_names[i]) == 0)
			return (int)i;
	return -EINVAL;
}

void vrdma_roce_free_all(struct vrdma_config *cfg)
{
	unsigned int i;

	for (i = 0; i < cfg->n_roce; i++) {
		free(cfg->roce[i]->adapter);
		free(cfg->roce[i]);
	}
	for (i = 0; i < cfg->n_removed_roce; i++) {
		free(cfg->removed_roce[i]->adapter);
		free(cfg->removed_roce[i]);
	}
	free(cfg->roce);
	free(cfg->removed_roce);
}

VRDMA_EXPORT int vrdma_config_get_n_roce_settings(struct vrdma_config *cfg)
{
	return cfg ? (int)cfg->n_roce : -EINVAL;
}

VRDMA_EXPORT int vrdma_config_get_roce_setting(struct vrdma_config *cfg, unsigned int i,
                                               struct vrdma_roce_setting **ret)
{
	int r;

	if (!cfg)
		return -EINVAL;
	vrdma_error_clear(cfg->ctx);
	r = vrdma_index_check(cfg->ctx, ret, i, cfg->n_roce, "RoCE setting", "configuration");
	if (r < 0)
		return r;
	*ret = cfg->roce[i];
	return 0;
}

static struct vrdma_roce_setting *roce_lookup(struct vrdma_config *cfg, const char *adapter,
                                              unsigned int port)
{
	unsigned int i;

	for (i = 0; i < cfg->n_roce; i++)
		if (cfg->roce[i]->port == port && strcmp(cfg->roce[i]->adapter, adapter) == 0)
			return cfg->roce[i];
	return NULL;
}

VRDMA_EXPORT int vrdma_config_find_roce_setting(struct vrdma_config *cfg, const char *adapter,
                                                unsigned int port,
                                                struct vrdma_roce_setting **ret)
{
	struct vrdma_roce_setting *rs;

	if (!cfg)
		return -EINVAL;
	vrdma_error_clear(cfg->ctx);
	if (!adapter || !ret)
		return vrdma_error(cfg->ctx, -EINVAL,
		                   "configuration: find RoCE setting: NULL adapter or result pointer");
	rs = roce_lookup(cfg, adapter, port);
	if (!rs)
		return vrdma_error(cfg->ctx, -ENOENT, "adapter '%s' port %u: no RoCE setting",
		                   adapter, port);
	*ret = rs;
	return 0;
}

static int check_adapter_name(struct vrdma_ctx *ctx, const char *name)
{
	size_t i, n = strlen(name);

	if (n == 0)
		return vrdma_error(ctx, -EINVAL, "RoCE setting: empty adapter name");
	if (n > VRDMA_ADAPTER_NAME_MAX)
		return vrdma_error(ctx, -ENAMETOOLONG,
		                   "RoCE setting: adapter name '%.16s...' is longer than %d characters",
		                   name, VRDMA_ADAPTER_NAME_MAX);
	for (i = 0; i < n; i++) {
		char c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '.' || c == ':' || c == '-'))
			return vrdma_error(ctx, -EINVAL, "RoCE setting: adapter name '%s': "
			                   "invalid character (use A-Z a-z 0-9 _ . : -)", name);
	}
	return 0;
}

VRDMA_EXPORT int vrdma_config_add_roce_setting(struct vrdma_config *cfg, const char *adapter,
                                               unsigned int port,
                                               struct vrdma_roce_setting **ret)
{
	struct vrdma_roce_setting *rs, **v;
	int r;

	if (!cfg)
		return -EINVAL;
	vrdma_error_clear(cfg->ctx);
	if (!adapter)
		return vrdma_error(cfg->ctx, -EINVAL, "RoCE setting: NULL adapter name");
	r = check_adapter_name(cfg->ctx, adapter);
	if (r < 0)
		return r;
	if (port < 1 || port > VRDMA_ROCE_PORT_MAX)
		return vrdma_error(cfg->ctx, -ERANGE, "adapter '%s': port %u is out of range 1-%d",
		                   adapter, port, VRDMA_ROCE_PORT_MAX);
	if (roce_lookup(cfg, adapter, port))
		return vrdma_error(cfg->ctx, -EEXIST, "adapter '%s' port %u: already has a RoCE "
		                   "setting", adapter, port);
	if (cfg->n_roce >= VRDMA_MAX_ROCE_SETTINGS)
		return vrdma_error(cfg->ctx, -ENOSPC, "adapter '%s' port %u: the configuration "
		                   "already has %d RoCE settings", adapter, port,
		                   VRDMA_MAX_ROCE_SETTINGS);
	rs = calloc(1, sizeof(*rs));
	v = rs ? realloc(cfg->roce, (cfg->n_roce + 1) * sizeof(*v)) : NULL;
	if (v)
		cfg->roce = v;
	if (!v || !(rs->adapter = strdup(adapter))) {
		free(rs);
		return vrdma_error(cfg->ctx, -ENOMEM, "adapter '%s': out of memory", adapter);
	}
	rs->ctx = cfg->ctx;
	rs->cfg = cfg;
	rs->port = port;
	cfg->roce[cfg->n_roce++] = rs;
	if (ret)
		*ret = rs;
	return 0;
}

VRDMA_EXPORT struct vrdma_config *vrdma_roce_setting_get_config(struct vrdma_roce_setting *rs)
{
	return rs ? rs->cfg : NULL;
}

VRDMA_EXPORT int vrdma_roce_setting_remove(struct vrdma_roce_setting *rs)
{
	struct vrdma_config *cfg;
	struct vrdma_roce_setting **keep;
	unsigned int i;

	RS_CHECK(rs);
	cfg = rs->cfg;
	keep = realloc(cfg->removed_roce, (cfg->n_removed_roce + 1) * sizeof(*keep));
	if (!keep)
		return vrdma_error(rs->ctx, -ENOMEM, "adapter '%s' port %u: out of memory",
		                   rs->adapter, rs->port);
	cfg->removed_roce = keep;
	keep[cfg->n_removed_roce++] = rs;
	for (i = 0; i < cfg->n_roce; i++)
		if (cfg->roce[i] == rs)
			break;
	memmove(&cfg->roce[i], &cfg->roce[i + 1], (cfg->n_roce - i - 1) * sizeof(*cfg->roce));
	cfg->n_roce--;
	return 0;
}

VRDMA_EXPORT const char *vrdma_roce_setting_get_adapter(struct vrdma_roce_setting *rs)
{
	return rs ? rs->adapter : NULL;
}

VRDMA_EXPORT int vrdma_roce_setting_get_port(struct vrdma_roce_setting *rs)
{
	return rs ? (int)rs->port : -EINVAL;
}

VRDMA_EXPORT int vrdma_roce_setting_set_mode(struct vrdma_roce_setting *rs, int mode)
{
	RS_CHECK(rs);
	if (!vrdma_roce_mode_to_string(mode))
		return vrdma_error(rs->ctx, -EINVAL, "adapter '%s' port %u: unknown RoCE mode %d "
		                   "(expected VRDMA_ROCE_V1 or VRDMA_ROCE_V2)", rs->adapter,
		                   rs->port, mode);
	rs->mode = mode;
	rs->has_mode = true;
	return 0;
}

VRDMA_EXPORT int vrdma_roce_setting_clear_mode(struct vrdma_roce_setting *rs)
{
	RS_CHECK(rs);
	rs->has_mode = false;
	rs->mode = 0;
	return 0;
}

VRDMA_EXPORT int vrdma_roce_setting_get_mode(struct vrdma_roce_setting *rs, int *ret)
{
	RS_CHECK(rs);
	if (!ret)
		return vrdma_error(rs->ctx, -EINVAL, "adapter '%s' port %u: NULL result pointer",
		                   rs->adapter, rs->port);
	if (!rs->has_mode)
		return vrdma_error(rs->ctx, -ENOENT, "adapter '%s' port %u: no RoCE mode set",
		                   rs->adapter, rs->port);
	*ret = rs->mode;
	return 0;
}

VRDMA_EXPORT int vrdma_roce_setting_set_tos(struct vrdma_roce_setting *rs, int tos)
{
	RS_CHECK(rs);
	if (tos < 0 || tos > VRDMA_ROCE_TOS_MAX)
		return vrdma_error(rs->ctx, -ERANGE, "adapter '%s' port %u: ToS %d is out of range "
		                   "0-%d", rs->adapter, rs->port, tos, VRDMA_ROCE_TOS_MAX);
	rs->tos = (unsigned int)tos;
	rs->has_tos = true;
	return 0;
}

VRDMA_EXPORT int vrdma_roce_setting_clear_tos(struct vrdma_roce_setting *rs)
{
	RS_CHECK(rs);
	rs->has_tos = false;
	rs->tos = 0;
	return 0;
}

VRDMA_EXPORT int vrdma_roce_setting_get_tos(struct vrdma_roce_setting *rs, unsigned int *ret)
{
	RS_CHECK(rs);
	if (!ret)
		return vrdma_error(rs->ctx, -EINVAL, "adapter '%s' port %u: NULL result pointer",
		                   rs->adapter, rs->port);
	if (!rs->has_tos)
		return vrdma_error(rs->ctx, -ENOENT, "adapter '%s' port %u: no ToS set",
		                   rs->adapter, rs->port);
	*ret = rs->tos;
	return 0;
}

/* ---- the document's "roce" array ------------------------------------------------ */

struct json_object *vrdma_roce_to_json(struct vrdma_config *cfg)
{
	struct json_object *a;
	unsigned int i;

	if (!cfg->n_roce)
		return NULL;
	a = json_object_new_array();
	for (i = 0; i < cfg->n_roce; i++) {
		struct vrdma_roce_setting *rs = cfg->roce[i];
		struct json_object *o = json_object_new_object();
		json_object_object_add(o, "adapter", json_object_new_string(rs->adapter));
		json_object_object_add(o, "port", json_object_new_int((int)rs->port));
		if (rs->has_mode)
			json_object_object_add(o, "mode",
			                       json_object_new_string(mode_names[rs->mode]));
		if (rs->has_tos)
			json_object_object_add(o, "tos", json_object_new_int((int)rs->tos));
		json_object_array_add(a, o);
	}
	return a;
}

static const char *const roce_keys[] = { "adapter", "port", "mode", "tos", NULL };

/* The last library error becomes a problem at `path`. */
static void problem_from_ctx(struct vrdma_json_reader *rd, int r, const char *path)
{
	const char *e = vrdma_ctx_get_error(rd->ctx);

	vrdma_json_problem(rd, r, path, NULL, "%s", e && e[0] ? e : strerror(-r));
}

static void load_mode(struct vrdma_json_reader *rd, struct vrdma_roce_setting *rs,
                      struct json_object *o, const char *path)
{
	struct json_object *m;
	const char *s;
	int mode;

	if (vrdma_json_member(rd, o, path, "mode", json_type_string, 0, &m) < 0 || !m)
		return;
	s = json_object_get_string(m);
	mode = vrdma_roce_mode_from_string(s);
	if (mode < 0 || strcmp(s, mode_names[mode]) != 0) {
		vrdma_json_problem(rd, -EINVAL, path, "mode",
		                   "unknown RoCE mode \"%s\": expected \"v1\" or \"v2\"", s);
		return;
	}
	vrdma_roce_setting_set_mode(rs, mode);
}

static void load_one(struct vrdma_json_reader *rd, struct vrdma_config *cfg,
                     struct json_object *o, const char *path)
{
	struct vrdma_roce_setting *rs;
	struct json_object *ad;
	int64_t port, tos;
	int r;

	if (vrdma_json_expect(rd, o, path, json_type_object) < 0)
		return;
	vrdma_json_check_members(rd, o, path, roce_keys);
	if (vrdma_json_member(rd, o, path, "adapter", json_type_string, VRDMA_JSON_REQUIRED,
	                      &ad) < 0 ||
	    vrdma_json_get_int(rd, o, path, "port", VRDMA_JSON_REQUIRED, 1, VRDMA_ROCE_PORT_MAX,
	                       &port) < 0)
		return;
	r = vrdma_config_add_roce_setting(cfg, json_object_get_string(ad), (unsigned int)port,
	                                  &rs);
	if (r < 0) {
		problem_from_ctx(rd, r, path);
		return;
	}
	load_mode(rd, rs, o, path);
	if (vrdma_json_get_int(rd, o, path, "tos", 0, 0, VRDMA_ROCE_TOS_MAX, &tos) == 0)
		vrdma_roce_setting_set_tos(rs, (int)tos);
}

void vrdma_roce_load(struct vrdma_json_reader *rd, struct vrdma_config *cfg,
                     struct json_object *arr, const char *path)
{
	size_t i, n = json_object_array_length(arr);
	char p[64];

	for (i = 0; i < n; i++) {
		snprintf(p, sizeof(p), "%s[%zu]", path, i);
		load_one(rd, cfg, json_object_array_get_idx(arr, i), p);
	}
}
