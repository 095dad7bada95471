/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The configuration document (schema "vrdma-config/1", see vrdma-config(5)),
 * read and written through the JSON layer (json.c): a canonical writer and a
 * loader that builds the model through the same setters the API uses,
 * collecting every problem with its JSON path.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "model-private.h"

#define CONFIG_PARSE_MAX (1u << 20) /* bytes of a document */

/* ---- writer ------------------------------------------------------------------- */

static struct json_object *strv_json(char *const *v, unsigned int n)
{
	struct json_object *a = json_object_new_array();
	unsigned int i;

	for (i = 0; i < n; i++)
		json_object_array_add(a, json_object_new_string(v[i]));
	return a;
}

static struct json_object *failover_json(const struct vrdma_failover *f)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "active", strv_json(f->active, f->n_active));
	json_object_object_add(o, "standby", strv_json(f->standby, f->n_standby));
	return o;
}

/* A vDS trunk as "10-20,30", else the VLAN ID. */
static struct json_object *vlan_json(struct vrdma_portgroup *pg)
{
	char buf[VRDMA_MAX_VLAN_RANGES * 11 + 1];
	size_t n = 0;
	unsigned int i;

	if (pg->vlan_id != VRDMA_VLAN_ID_TRUNK || !pg->n_ranges)
		return json_object_new_int(pg->vlan_id);
	for (i = 0; i < pg->n_ranges; i++) {
		const struct vrdma_vlan_range *v = &pg->ranges[i];
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, v->first == v->last ? "%s%u" : "%s%u-%u",
		                      i ? "," : "", v->first, v->last);
	}
	return json_object_new_string(buf);
}

static struct json_object *portgroup_json(struct vrdma_portgroup *pg)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "name", json_object_new_string(pg->name));
	json_object_object_add(o, "vlan", vlan_json(pg));
	if (pg->has_override)
		json_object_object_add(o, "failover", failover_json(&pg->failover));
	return o;
}

static struct json_object *uplinks_json(struct vrdma_switch *sw)
{
	struct json_object *a = json_object_new_array();
	unsigned int i;

	for (i = 0; i < sw->n_uplinks; i++) {
		struct json_object *u;
		if (sw->type == VRDMA_SWITCH_STANDARD) {
			json_object_array_add(a, json_object_new_string(sw->uplinks[i].name));
			continue;
		}
		u = json_object_new_object();
		json_object_object_add(u, "name", json_object_new_string(sw->uplinks[i].name));
		if (sw->uplinks[i].device)
			json_object_object_add(u, "device", json_object_new_string(sw->uplinks[i].device));
		json_object_array_add(a, u);
	}
	return a;
}

static struct json_object *switch_json(struct vrdma_switch *sw)
{
	struct json_object *o = json_object_new_object(), *pgs = json_object_new_array();
	unsigned int i;

	json_object_object_add(o, "name", json_object_new_string(sw->name));
	json_object_object_add(o, "type", json_object_new_string(sw->type == VRDMA_SWITCH_STANDARD
	                                                         ? "standard" : "distributed"));
	if (sw->ifname_explicit)
		json_object_object_add(o, "ifname", json_object_new_string(sw->ifname));
	json_object_object_add(o, "mtu", json_object_new_int(sw->mtu));
	json_object_object_add(o, "uplinks", uplinks_json(sw));
	json_object_object_add(o, "failover", failover_json(&sw->failover));
	for (i = 0; i < sw->n_pgs; i++)
		json_object_array_add(pgs, portgroup_json(sw->pgs[i]));
	json_object_object_add(o, "portgroups", pgs);
	return o;
}

/* "ADDRESS/PREFIX" */
static struct json_object *cidr_json(const char *addr, unsigned int prefix)
{
	char buf[INET6_ADDRSTRLEN + 8];

	snprintf(buf, sizeof(buf), "%s/%u", addr, prefix);
	return json_object_new_string(buf);
}

static struct json_object *vmk_json(struct vrdma_vmk *vmk)
{
	static const unsigned int order[] = { VRDMA_VMK_TAG_MANAGEMENT, VRDMA_VMK_TAG_NVME_RDMA,
	                                      VRDMA_VMK_TAG_NVME_TCP, VRDMA_VMK_TAG_ISER };
	struct json_object *o = json_object_new_object(), *ip6 = json_object_new_array(),
	                   *tags = json_object_new_array();
	struct vrdma_portgroup *pg = vrdma_vmk_get_portgroup(vmk);
	const char *addr;
	unsigned int prefix;
	int i, n = vrdma_vmk_get_n_ipv6(vmk);
	size_t k;

	json_object_object_add(o, "name", json_object_new_string(vrdma_vmk_get_name(vmk)));
	json_object_object_add(o, "switch",
	                       json_object_new_string(vrdma_switch_get_name(vrdma_portgroup_get_switch(pg))));
	json_object_object_add(o, "portgroup", json_object_new_string(vrdma_portgroup_get_name(pg)));
	json_object_object_add(o, "mac", json_object_new_string(vrdma_vmk_get_mac(vmk)));
	json_object_object_add(o, "mtu", json_object_new_int(vrdma_vmk_get_mtu(vmk)));
	if (vrdma_vmk_get_ipv4(vmk, &addr, &prefix) == 0)
		json_object_object_add(o, "ipv4", cidr_json(addr, prefix));
	for (i = 0; i < n; i++)
		if (vrdma_vmk_get_ipv6(vmk, (unsigned int)i, &addr, &prefix) == 0)
			json_object_array_add(ip6, cidr_json(addr, prefix));
	json_object_object_add(o, "ipv6", ip6);
	if (vrdma_vmk_get_gateway(vmk, AF_INET, &addr) == 0)
		json_object_object_add(o, "gateway4", json_object_new_string(addr));
	if (vrdma_vmk_get_gateway(vmk, AF_INET6, &addr) == 0)
		json_object_object_add(o, "gateway6", json_object_new_string(addr));
	for (k = 0; k < ARRAY_SIZE(order); k++)
		if (vrdma_vmk_get_tags(vmk) & order[k])
			json_object_array_add(tags, json_object_new_string(vrdma_vmk_tag_to_string(order[k])));
	json_object_object_add(o, "tags", tags);
	return o;
}

/* "soft_adapters": written only when there is one (older files stay byte-identical). */
static struct json_object *softs_json(struct vrdma_config *cfg)
{
	struct json_object *a = json_object_new_array();
	unsigned int i;

	for (i = 0; i < cfg->n_softs; i++) {
		struct json_object *o = json_object_new_object();
		json_object_object_add(o, "uplink", json_object_new_string(cfg->softs[i]->uplink));
		json_object_object_add(o, "type", json_object_new_string(
			vrdma_soft_adapter_type_to_string((int)cfg->softs[i]->type)));
		json_object_array_add(a, o);
	}
	return a;
}

int vrdma_config_to_json_text(struct vrdma_config *cfg, uint64_t generation, char **ret)
{
	struct json_object *root = json_object_new_object(), *sws = json_object_new_array(),
	                   *vmks = json_object_new_array();
	unsigned int i;

	json_object_object_add(root, "schema", json_object_new_string(VRDMA_CONFIG_SCHEMA));
	json_object_object_add(root, "generation", json_object_new_int64((int64_t)generation));
	for (i = 0; i < cfg->n_switches; i++)
		json_object_array_add(sws, switch_json(cfg->switches[i]));
	json_object_object_add(root, "switches", sws);
	for (i = 0; i < cfg->n_vmks; i++)
		json_object_array_add(vmks, vmk_json(cfg->vmks[i]));
	json_object_object_add(root, "vmks", vmks);
	if (cfg->n_softs)
		json_object_object_add(root, "soft_adapters", softs_json(cfg));
	if (cfg->n_roce)
		json_object_object_add(root, "roce", vrdma_roce_to_json(cfg));
	/* the vmk getters above answer -ENOENT for absent values: forget it */
	if (vrdma_json_format(root, ret) < 0)
		return vrdma_error(cfg->ctx, -ENOMEM, "configuration: out of memory formatting it");
	return vrdma_success(cfg->ctx, 0);
}

VRDMA_EXPORT int vrdma_config_format(struct vrdma_config *cfg, char **ret)
{
	if (!cfg)
		return -EINVAL;
	vrdma_error_clear(cfg->ctx);
	if (!ret)
		return vrdma_error(cfg->ctx, -EINVAL,
		                   "configuration: no place to return the text (ret is NULL)");
	return vrdma_config_to_json_text(cfg, cfg->generation, ret);
}

/* ---- loader helpers ------------------------------------------------------------- */

/* The last library error becomes a problem at `path`. */
static void setter_problem(struct vrdma_json_reader *rd, int r, const char *path)
{
	const char *e = vrdma_ctx_get_error(rd->ctx);

	vrdma_json_problem(rd, r, path, NULL, "%s", e && e[0] ? e : strerror(-r));
}

/* An array of strings; returns the count or a negative errno (problem recorded). */
static int get_strv(struct vrdma_json_reader *rd, struct json_object *arr, const char *path,
                    const char **out, int max)
{
	int n = (int)json_object_array_length(arr), i, r;
	char p[512];

	if (n > max)
		return vrdma_json_problem(rd, -ENOSPC, path, NULL, "expected at most %d entries, got %d",
		                          max, n);
	for (i = 0; i < n; i++) {
		struct json_object *e = json_object_array_get_idx(arr, (size_t)i);
		snprintf(p, sizeof(p), "%s[%d]", path, i);
		if ((r = vrdma_json_expect(rd, e, p, json_type_string)) < 0)
			return r;
		out[i] = json_object_get_string(e);
	}
	return n;
}

/* Split "ADDR/PREFIX". */
static bool split_cidr(struct vrdma_json_reader *rd, const char *path, const char *s, char *addr,
                       size_t addrsz, unsigned int *prefix)
{
	const char *slash = strrchr(s, '/');
	char *end;
	unsigned long v;

	if (!slash || slash == s || (size_t)(slash - s) >= addrsz || !slash[1]) {
		vrdma_json_problem(rd, -EINVAL, path, NULL, "\"%s\" is not of the form ADDRESS/PREFIX", s);
		return false;
	}
	errno = 0;
	v = strtoul(slash + 1, &end, 10);
	if (*end || errno || slash[1] < '0' || slash[1] > '9' || v > 1000) {
		vrdma_json_problem(rd, -EINVAL, path, NULL, "\"%s\": bad prefix length", s);
		return false;
	}
	memcpy(addr, s, (size_t)(slash - s));
	addr[slash - s] = '\0';
	*prefix = (unsigned int)v;
	return true;
}

/* path.key into out (paths are for messages only: truncation is harmless). */
static void join(char *out, size_t sz, const char *path, const char *key)
{
	size_t a = strnlen(path, sz - 2), b = strnlen(key, sz - 2 - a);

	memcpy(out, path, a);
	out[a] = '.';
	memcpy(out + a + 1, key, b);
	out[a + 1 + b] = '\0';
}

/* true when member `key` is absent (and optional) or of `type`: *out is NULL when absent. */
static bool get_member(struct vrdma_json_reader *rd, struct json_object *obj, const char *path,
                       const char *key, enum json_type type, bool required,
                       struct json_object **out)
{
	return vrdma_json_member(rd, obj, path, key, type, required ? VRDMA_JSON_REQUIRED : 0,
	                         out) == 0;
}

/* true when member `key` is absent (and optional) or an integer in min..max. */
static bool get_int(struct vrdma_json_reader *rd, struct json_object *obj, const char *path,
                    const char *key, bool required, int64_t min, int64_t max, int64_t *out,
                    bool *present)
{
	int r = vrdma_json_get_int(rd, obj, path, key, required ? VRDMA_JSON_REQUIRED : 0, min,
	                           max, out);

	*present = r == 0;
	return r == 0 || r == -ENOENT;
}

/* ---- loader ------------------------------------------------------------------------ */

static const char *const failover_keys[] = { "active", "standby", NULL };

static void load_failover(struct vrdma_json_reader *rd, struct json_object *f, const char *path,
                          struct vrdma_switch *sw, struct vrdma_portgroup *pg)
{
	const char *active[VRDMA_MAX_UPLINKS], *standby[VRDMA_MAX_UPLINKS];
	struct json_object *a, *s;
	int na = 0, ns = 0, r;
	char p[512];
	bool ok;

	if (vrdma_json_check_members(rd, f, path, failover_keys) < 0)
		return;
	ok = get_member(rd, f, path, "active", json_type_array, true, &a);
	ok = get_member(rd, f, path, "standby", json_type_array, true, &s) && ok;
	if (!ok)
		return;
	join(p, sizeof(p), path, "active");
	na = get_strv(rd, a, p, active, VRDMA_MAX_UPLINKS);
	join(p, sizeof(p), path, "standby");
	ns = get_strv(rd, s, p, standby, VRDMA_MAX_UPLINKS);
	if (na < 0 || ns < 0)
		return;
	r = pg ? vrdma_portgroup_set_failover(pg, active, (size_t)na, standby, (size_t)ns) :
	         vrdma_switch_set_failover(sw, active, (size_t)na, standby, (size_t)ns);
	if (r < 0)
		setter_problem(rd, r, path);
}

static const char *const pg_keys[] = { "name", "vlan", "failover", NULL };

static void load_portgroup(struct vrdma_json_reader *rd, struct vrdma_switch *sw,
                           struct json_object *o, const char *path)
{
	struct vrdma_portgroup *pg;
	struct json_object *name, *vlan = NULL, *f;
	char p[512];
	int r;

	if (json_object_get_type(o) != json_type_object) {
		vrdma_json_problem(rd, -EINVAL, path, NULL, "expected an object, got %s", vrdma_json_type_name(o));
		return;
	}
	vrdma_json_check_members(rd, o, path, pg_keys);
	if (!get_member(rd, o, path, "name", json_type_string, true, &name))
		return;
	r = vrdma_switch_add_portgroup(sw, json_object_get_string(name), &pg);
	if (r < 0) {
		join(p, sizeof(p), path, "name");
		setter_problem(rd, r, p);
		return;
	}
	join(p, sizeof(p), path, "vlan");
	if (json_object_object_get_ex(o, "vlan", &vlan)) {
		if (json_object_get_type(vlan) == json_type_int) {
			int64_t v = json_object_get_int64(vlan);
			r = vrdma_portgroup_set_vlan_id(pg, v < -1 ? -1 : v > 99999 ? 99999 : (int)v);
			if (r < 0)
				setter_problem(rd, r, p);
		} else if (json_object_get_type(vlan) == json_type_string) {
			r = vrdma_portgroup_set_vlan_trunk(pg, json_object_get_string(vlan));
			if (r < 0)
				setter_problem(rd, r, p);
		} else {
			vrdma_json_problem(rd, -EINVAL, p, NULL, "expected an integer VLAN ID or a trunk range string, got %s",
			        vrdma_json_type_name(vlan));
		}
	}
	if (get_member(rd, o, path, "failover", json_type_object, false, &f) && f) {
		join(p, sizeof(p), path, "failover");
		load_failover(rd, f, p, sw, pg);
	}
}

static const char *const switch_keys[] = { "name", "type", "ifname", "mtu", "uplinks",
	                                   "failover", "portgroups", NULL };
static const char *const slot_keys[] = { "name", "device", NULL };

static void load_switch(struct vrdma_json_reader *rd, struct vrdma_config *cfg, struct json_object *o,
                        const char *path)
{
	struct json_object *name, *type, *ifname, *uplinks, *f, *pgs;
	enum vrdma_switch_type t;
	struct vrdma_switch *sw;
	int64_t mtu;
	bool present;
	char p[512];
	size_t i, n;
	int r;

	if (json_object_get_type(o) != json_type_object) {
		vrdma_json_problem(rd, -EINVAL, path, NULL, "expected an object, got %s", vrdma_json_type_name(o));
		return;
	}
	vrdma_json_check_members(rd, o, path, switch_keys);
	if (!get_member(rd, o, path, "name", json_type_string, true, &name) ||
	    !get_member(rd, o, path, "type", json_type_string, true, &type) ||
	    !get_member(rd, o, path, "ifname", json_type_string, false, &ifname))
		return;
	join(p, sizeof(p), path, "type");
	if (strcmp(json_object_get_string(type), "standard") == 0) {
		t = VRDMA_SWITCH_STANDARD;
	} else if (strcmp(json_object_get_string(type), "distributed") == 0) {
		t = VRDMA_SWITCH_DISTRIBUTED;
	} else {
		vrdma_json_problem(rd, -EINVAL, p, NULL,
		                   "unknown value \"%s\": expected \"standard\" or \"distributed\"",
		                   json_object_get_string(type));
		return;
	}
	r = vrdma_config_add_switch(cfg, json_object_get_string(name), t,
	                            ifname ? json_object_get_string(ifname) : NULL, &sw);
	if (r < 0) {
		join(p, sizeof(p), path, ifname && r != -EEXIST ? "ifname" : "name");
		setter_problem(rd, r, p);
		return;
	}
	if (get_int(rd, o, path, "mtu", false, VRDMA_MTU_MIN, VRDMA_MTU_MAX, &mtu,
	            &present) && present) {
		r = vrdma_switch_set_mtu(sw, (int)mtu);
		if (r < 0) {
			join(p, sizeof(p), path, "mtu");
			setter_problem(rd, r, p);
		}
	}
	if (get_member(rd, o, path, "uplinks", json_type_array, false, &uplinks) && uplinks) {
		n = json_object_array_length(uplinks);
		for (i = 0; i < n; i++) {
			struct json_object *u = json_object_array_get_idx(uplinks, i), *un, *ud;
			snprintf(p, sizeof(p), "%s.uplinks[%zu]", path, i);
			if (t == VRDMA_SWITCH_STANDARD) {
				if (json_object_get_type(u) != json_type_string) {
					vrdma_json_problem(rd, -EINVAL, p, NULL, "expected an uplink name string, got %s",
					        vrdma_json_type_name(u));
					continue;
				}
				r = vrdma_switch_add_uplink(sw, json_object_get_string(u));
				if (r < 0)
					setter_problem(rd, r, p);
				continue;
			}
			if (json_object_get_type(u) != json_type_object) {
				vrdma_json_problem(rd, -EINVAL, p, NULL, "expected an uplink slot object, got %s",
				        vrdma_json_type_name(u));
				continue;
			}
			vrdma_json_check_members(rd, u, p, slot_keys);
			if (!get_member(rd, u, p, "name", json_type_string, true, &un) ||
			    !get_member(rd, u, p, "device", json_type_string, false, &ud))
				continue;
			r = vrdma_switch_add_uplink(sw, json_object_get_string(un));
			if (r < 0) {
				setter_problem(rd, r, p);
				continue;
			}
			if (ud) {
				r = vrdma_switch_set_uplink_device(sw, json_object_get_string(un),
				                                   json_object_get_string(ud));
				if (r < 0) {
					char q[512];
					join(q, sizeof(q), p, "device");
					setter_problem(rd, r, q);
				}
			}
		}
	}
	if (get_member(rd, o, path, "failover", json_type_object, false, &f) && f) {
		join(p, sizeof(p), path, "failover");
		load_failover(rd, f, p, sw, NULL);
	}
	if (get_member(rd, o, path, "portgroups", json_type_array, false, &pgs) && pgs) {
		n = json_object_array_length(pgs);
		for (i = 0; i < n; i++) {
			snprintf(p, sizeof(p), "%s.portgroups[%zu]", path, i);
			load_portgroup(rd, sw, json_object_array_get_idx(pgs, i), p);
		}
	}
}

static const char *const vmk_keys[] = { "name", "switch", "portgroup", "mac", "mtu", "ipv4",
	                                "ipv6", "gateway4", "gateway6", "tags", NULL };

static void load_vmk(struct vrdma_json_reader *rd, struct vrdma_config *cfg, struct json_object *o,
                     const char *path)
{
	struct json_object *name, *swn, *pgn, *mac, *ip4, *ip6, *gw4, *gw6, *tags;
	struct vrdma_switch *sw;
	struct vrdma_portgroup *pg;
	struct vrdma_vmk *vmk;
	char p[512], addr[128];
	unsigned int prefix;
	int64_t mtu;
	bool present;
	size_t i, n;
	int r;

	if (json_object_get_type(o) != json_type_object) {
		vrdma_json_problem(rd, -EINVAL, path, NULL, "expected an object, got %s", vrdma_json_type_name(o));
		return;
	}
	vrdma_json_check_members(rd, o, path, vmk_keys);
	if (!get_member(rd, o, path, "name", json_type_string, true, &name) ||
	    !get_member(rd, o, path, "switch", json_type_string, true, &swn) ||
	    !get_member(rd, o, path, "portgroup", json_type_string, true, &pgn))
		return;
	join(p, sizeof(p), path, "switch");
	r = vrdma_config_find_switch(cfg, json_object_get_string(swn), &sw);
	if (r < 0) {
		setter_problem(rd, r, p);
		return;
	}
	join(p, sizeof(p), path, "portgroup");
	r = vrdma_switch_find_portgroup(sw, json_object_get_string(pgn), &pg);
	if (r < 0) {
		setter_problem(rd, r, p);
		return;
	}
	join(p, sizeof(p), path, "name");
	r = vrdma_config_add_vmk(cfg, json_object_get_string(name), pg, &vmk);
	if (r < 0) {
		setter_problem(rd, r, p);
		return;
	}
	if (get_member(rd, o, path, "mac", json_type_string, false, &mac) && mac) {
		join(p, sizeof(p), path, "mac");
		r = vrdma_vmk_set_mac(vmk, json_object_get_string(mac));
		if (r < 0)
			setter_problem(rd, r, p);
	}
	if (get_int(rd, o, path, "mtu", false, VRDMA_MTU_MIN, VRDMA_MTU_MAX, &mtu,
	            &present) && present) {
		join(p, sizeof(p), path, "mtu");
		r = vrdma_vmk_set_mtu(vmk, (int)mtu);
		if (r < 0)
			setter_problem(rd, r, p);
	}
	if (get_member(rd, o, path, "ipv4", json_type_string, false, &ip4) && ip4) {
		join(p, sizeof(p), path, "ipv4");
		if (split_cidr(rd, p, json_object_get_string(ip4), addr, sizeof(addr), &prefix)) {
			r = vrdma_vmk_set_ipv4(vmk, addr, prefix);
			if (r < 0)
				setter_problem(rd, r, p);
		}
	}
	if (get_member(rd, o, path, "ipv6", json_type_array, false, &ip6) && ip6) {
		n = json_object_array_length(ip6);
		for (i = 0; i < n; i++) {
			struct json_object *e = json_object_array_get_idx(ip6, i);
			snprintf(p, sizeof(p), "%s.ipv6[%zu]", path, i);
			if (json_object_get_type(e) != json_type_string) {
				vrdma_json_problem(rd, -EINVAL, p, NULL, "expected a string, got %s", vrdma_json_type_name(e));
				continue;
			}
			if (!split_cidr(rd, p, json_object_get_string(e), addr, sizeof(addr), &prefix))
				continue;
			r = vrdma_vmk_add_ipv6(vmk, addr, prefix);
			if (r < 0)
				setter_problem(rd, r, p);
		}
	}
	if (get_member(rd, o, path, "gateway4", json_type_string, false, &gw4) && gw4) {
		join(p, sizeof(p), path, "gateway4");
		if (!strchr(json_object_get_string(gw4), '.') || strchr(json_object_get_string(gw4), ':'))
			vrdma_json_problem(rd, -EINVAL, p, NULL, "\"%s\" is not an IPv4 address",
			        json_object_get_string(gw4));
		else if ((r = vrdma_vmk_set_gateway(vmk, json_object_get_string(gw4))) < 0)
			setter_problem(rd, r, p);
	}
	if (get_member(rd, o, path, "gateway6", json_type_string, false, &gw6) && gw6) {
		join(p, sizeof(p), path, "gateway6");
		if (!strchr(json_object_get_string(gw6), ':'))
			vrdma_json_problem(rd, -EINVAL, p, NULL, "\"%s\" is not an IPv6 address",
			        json_object_get_string(gw6));
		else if ((r = vrdma_vmk_set_gateway(vmk, json_object_get_string(gw6))) < 0)
			setter_problem(rd, r, p);
	}
	if (get_member(rd, o, path, "tags", json_type_array, false, &tags) && tags) {
		n = json_object_array_length(tags);
		for (i = 0; i < n; i++) {
			struct json_object *e = json_object_array_get_idx(tags, i);
			int bit;
			snprintf(p, sizeof(p), "%s.tags[%zu]", path, i);
			if (json_object_get_type(e) != json_type_string) {
				vrdma_json_problem(rd, -EINVAL, p, NULL, "expected a string, got %s", vrdma_json_type_name(e));
				continue;
			}
			bit = vrdma_vmk_tag_from_string(json_object_get_string(e));
			if (bit < 0 || strcmp(vrdma_vmk_tag_to_string((unsigned int)bit),
			                      json_object_get_string(e)) != 0) {
				vrdma_json_problem(rd, -EINVAL, p, NULL, "unknown service tag \"%s\": expected "
				                   "\"management\", \"nvme-rdma\", \"nvme-tcp\" or \"iser\"",
				        json_object_get_string(e));
				continue;
			}
			if (vrdma_vmk_get_tags(vmk) & bit) {
				vrdma_json_problem(rd, -EINVAL, p, NULL, "service tag \"%s\" listed twice",
				        json_object_get_string(e));
				continue;
			}
			vrdma_vmk_add_tags(vmk, (unsigned int)bit);
		}
	}
}

static const char *const soft_keys[] = { "uplink", "type", NULL };

static void load_soft(struct vrdma_json_reader *rd, struct vrdma_config *cfg,
                      struct json_object *o, const char *path)
{
	struct json_object *up, *type;
	char p[512];
	int t, r;

	if (json_object_get_type(o) != json_type_object) {
		vrdma_json_problem(rd, -EINVAL, path, NULL, "expected an object, got %s",
		                   vrdma_json_type_name(o));
		return;
	}
	vrdma_json_check_members(rd, o, path, soft_keys);
	if (!get_member(rd, o, path, "uplink", json_type_string, true, &up) ||
	    !get_member(rd, o, path, "type", json_type_string, true, &type))
		return;
	t = vrdma_soft_adapter_type_from_string(json_object_get_string(type));
	if (t < 0) {
		join(p, sizeof(p), path, "type");
		vrdma_json_problem(rd, -EINVAL, p, NULL, "unknown value \"%s\": expected "
		                   "\"rxe\" or \"siw\"", json_object_get_string(type));
		return;
	}
	r = vrdma_config_add_soft_adapter(cfg, json_object_get_string(up),
	                                  (enum vrdma_soft_adapter_type)t, NULL);
	if (r < 0) {
		join(p, sizeof(p), path, "uplink");
		setter_problem(rd, r, p);
	}
}

static const char *const top_keys[] = { "schema", "generation", "switches", "vmks",
	                                "soft_adapters", "roce", NULL };

static void load_root(struct vrdma_json_reader *rd, struct json_object *root,
                      struct vrdma_config *cfg)
{
	struct json_object *arr;
	char path[64];
	size_t i, n;

	if (get_member(rd, root, "$", "switches", json_type_array, false, &arr) && arr) {
		n = json_object_array_length(arr);
		for (i = 0; i < n; i++) {
			snprintf(path, sizeof(path), "$.switches[%zu]", i);
			load_switch(rd, cfg, json_object_array_get_idx(arr, i), path);
		}
	}
	if (get_member(rd, root, "$", "vmks", json_type_array, false, &arr) && arr) {
		n = json_object_array_length(arr);
		for (i = 0; i < n; i++) {
			snprintf(path, sizeof(path), "$.vmks[%zu]", i);
			load_vmk(rd, cfg, json_object_array_get_idx(arr, i), path);
		}
	}
	if (get_member(rd, root, "$", "soft_adapters", json_type_array, false, &arr) && arr) {
		n = json_object_array_length(arr);
		for (i = 0; i < n; i++) {
			snprintf(path, sizeof(path), "$.soft_adapters[%zu]", i);
			load_soft(rd, cfg, json_object_array_get_idx(arr, i), path);
		}
	}
	if (get_member(rd, root, "$", "roce", json_type_array, false, &arr) && arr)
		vrdma_roce_load(rd, cfg, arr, "$.roce");
}

int vrdma_config_from_text(struct vrdma_ctx *ctx, const char *source, const char *text,
                           size_t len, struct vrdma_config **ret)
{
	struct vrdma_json_reader rd;
	struct json_object *root = NULL, *schema;
	struct vrdma_config *cfg = NULL;
	int64_t gen = 0;
	bool present;
	int r;

	*ret = NULL;
	vrdma_json_reader_init(&rd, ctx, source, true);
	if (vrdma_json_parse(&rd, text, len, CONFIG_PARSE_MAX, &root) < 0 ||
	    vrdma_json_expect(&rd, root, "$", json_type_object) < 0)
		goto out;
	vrdma_json_check_members(&rd, root, "$", top_keys);
	if (get_member(&rd, root, "$", "schema", json_type_string, true, &schema) && schema &&
	    strcmp(json_object_get_string(schema), VRDMA_CONFIG_SCHEMA) != 0)
		vrdma_json_problem(&rd, -EINVAL, "$.schema", NULL,
		                   "unsupported schema \"%s\": expected \"%s\"",
		                   json_object_get_string(schema), VRDMA_CONFIG_SCHEMA);
	get_int(&rd, root, "$", "generation", true, 0, VRDMA_CONFIG_GENERATION_MAX, &gen,
	        &present);
	r = vrdma_config_new(ctx, &cfg);
	if (r < 0) {
		vrdma_json_problem(&rd, r, "$", NULL, "%s", strerror(-r));
		goto out;
	}
	cfg->generation = (uint64_t)gen;
	load_root(&rd, root, cfg);
out:
	json_object_put(root);
	r = vrdma_json_reader_finish(&rd);
	if (r < 0) {
		vrdma_config_unref(cfg);
		return r;
	}
	vrdma_error_clear(ctx);
	*ret = cfg;
	return 0;
}

VRDMA_EXPORT int vrdma_config_parse(struct vrdma_ctx *ctx, const char *text, size_t len,
                                    struct vrdma_config **ret)
{
	if (!ctx)
		return -EINVAL;
	vrdma_error_clear(ctx);
	if (!text || !ret)
		return vrdma_error(ctx, -EINVAL, "configuration <buffer>: NULL %s", !text ? "text" : "ret");
	return vrdma_config_from_text(ctx, "<buffer>", text, len, ret);
}

int vrdma_config_text_generation(struct vrdma_ctx *ctx, const char *source, const char *text,
                                 size_t len, uint64_t *ret)
{
	struct vrdma_json_reader rd;
	struct json_object *root = NULL;
	int64_t gen;
	int r;

	vrdma_json_reader_init(&rd, ctx, source, false);
	if (vrdma_json_parse(&rd, text, len, CONFIG_PARSE_MAX, &root) == 0 &&
	    vrdma_json_expect(&rd, root, "$", json_type_object) == 0 &&
	    vrdma_json_get_int(&rd, root, "$", "generation", VRDMA_JSON_REQUIRED, 0,
	                       VRDMA_CONFIG_GENERATION_MAX,
	                       &gen) == 0)
		*ret = (uint64_t)gen;
	json_object_put(root);
	r = vrdma_json_reader_finish(&rd);
	return r == -ENOMEM ? r : r < 0 ? -EBADMSG : 0;
}
