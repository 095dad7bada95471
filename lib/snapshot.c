/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Host snapshots: the versioned JSON document "vrdma-host/1" (see
 * vrdma_host(3) for the schema).  Saving is a pure function of the host's
 * fields with a fixed member order, so load -> save reproduces the bytes.
 * Loading checks every member's type, range and cross reference and names
 * the JSON path of the first problem.  Both go through the JSON layer
 * (json.c).
 */
#include <arpa/inet.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <json-c/json.h>

#include "host-private.h"

#define HOST_SCHEMA "vrdma-host/1"
#define HOST_MAX_SIZE (16u << 20) /* bytes of a snapshot: 16 MiB */

/* ---- shared tables --------------------------------------------------------------- */

static const char *const proto_names[] = { "IB", "RoCE v1", "RoCE v2", "iWARP" };
static const char *const addr_flag_names[] = {
	"secondary", "nodad", "optimistic", "dadfailed", "deprecated", "tentative", "permanent",
};
static const struct {
	unsigned bit;
	const char *name;
} iff_names[] = {
	{ IFF_UP, "UP" }, { IFF_BROADCAST, "BROADCAST" }, { IFF_DEBUG, "DEBUG" },
	{ IFF_LOOPBACK, "LOOPBACK" }, { IFF_POINTOPOINT, "POINTOPOINT" },
	{ IFF_NOTRAILERS, "NOTRAILERS" }, { IFF_RUNNING, "RUNNING" }, { IFF_NOARP, "NOARP" },
	{ IFF_PROMISC, "PROMISC" }, { IFF_ALLMULTI, "ALLMULTI" }, { IFF_MASTER, "MASTER" },
	{ IFF_SLAVE, "SLAVE" }, { IFF_MULTICAST, "MULTICAST" }, { IFF_PORTSEL, "PORTSEL" },
	{ IFF_AUTOMEDIA, "AUTOMEDIA" }, { IFF_DYNAMIC, "DYNAMIC" }, { 0x10000, "LOWER_UP" },
	{ 0x20000, "DORMANT" }, { 0x40000, "ECHO" },
};
static const struct {
	int scope;
	const char *name;
} scope_names[] = {
	{ 0, "global" }, { 200, "site" }, { 253, "link" }, { 254, "host" }, { 255, "nowhere" },
};

/* ---- writing ------------------------------------------------------------------------ */

static struct json_object *write_port(struct vrdma_port *p)
{
	struct json_object *o = json_object_new_object(), *gids = json_object_new_array();
	int k;

	json_object_object_add(o, "port", json_object_new_int(p->num));
	json_object_object_add(o, "state", vrdma_json_string_or_null(vrdma_port_state_to_string(p->state)));
	json_object_object_add(o, "phys_state", vrdma_json_string_or_null(vrdma_port_phys_state_to_string(p->phys_state)));
	json_object_object_add(o, "max_mtu", json_object_new_int(p->max_mtu));
	json_object_object_add(o, "active_mtu", json_object_new_int(p->active_mtu));
	json_object_object_add(o, "speed_mbps", json_object_new_int(p->speed));
	json_object_object_add(o, "width", json_object_new_int(p->width));
	json_object_object_add(o, "link_layer", vrdma_json_string_or_null(vrdma_link_layer_to_string(p->link_layer)));
	json_object_object_add(o, "gid_table_len", json_object_new_int(p->gid_tbl_len));
	json_object_object_add(o, "netdev", vrdma_json_string_or_null(p->netdev_name));
	json_object_object_add(o, "netdev_missing",
	                       vrdma_json_string_or_null(vrdma_netdev_missing_to_string(p->netdev_missing)));
	for (k = 0; k < p->n_gids; k++) {
		struct vrdma_gid *g = &p->gids[k];
		struct json_object *go = json_object_new_object();
		json_object_object_add(go, "index", json_object_new_int(g->index));
		json_object_object_add(go, "gid", json_object_new_string(g->str));
		json_object_object_add(go, "type", vrdma_json_string_or_null(vrdma_gid_type_to_string(g->type)));
		json_object_object_add(go, "netdev", vrdma_json_string_or_null(g->netdev_name));
		json_object_array_add(gids, go);
	}
	json_object_object_add(o, "gids", gids);
	return o;
}

static struct json_object *write_adapter(struct vrdma_adapter *a)
{
	struct json_object *o = json_object_new_object(), *pr = json_object_new_array(),
	                   *ports = json_object_new_array();
	size_t i;
	int j;

	json_object_object_add(o, "name", vrdma_json_string_or_null(a->name));
	json_object_object_add(o, "alias", vrdma_json_string_or_null(a->alias));
	json_object_object_add(o, "driver", vrdma_json_string_or_null(a->driver));
	json_object_object_add(o, "description", vrdma_json_string_or_null(a->description));
	json_object_object_add(o, "fw_version", vrdma_json_string_or_null(a->fw_version));
	json_object_object_add(o, "pci_address", vrdma_json_string_or_null(a->pci));
	json_object_object_add(o, "node_guid", vrdma_json_string_or_null(a->node_guid_str));
	json_object_object_add(o, "sys_image_guid", vrdma_json_string_or_null(a->sys_image_guid_str));
	json_object_object_add(o, "vendor_id", json_object_new_int(a->vendor_id));
	json_object_object_add(o, "vendor_part_id", json_object_new_int(a->vendor_part_id));
	json_object_object_add(o, "node_type", vrdma_json_string_or_null(vrdma_node_type_to_string(a->node_type)));
	for (i = 0; i < ARRAY_SIZE(proto_names); i++)
		if (a->protocols & (1 << i))
			json_object_array_add(pr, json_object_new_string(proto_names[i]));
	json_object_object_add(o, "protocols", pr);
	json_object_object_add(o, "kernel_index",
	                       a->kernel_index >= 0 ? json_object_new_int(a->kernel_index) : NULL);
	for (j = 0; j < a->n_ports; j++)
		json_object_array_add(ports, write_port(&a->ports[j]));
	json_object_object_add(o, "ports", ports);
	return o;
}

static const char *scope_name(int scope, char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(scope_names); i++)
		if (scope_names[i].scope == scope)
			return scope_names[i].name;
	snprintf(buf, len, "%d", scope);
	return buf;
}

static struct json_object *write_netdev(struct vrdma_netdev *d)
{
	struct json_object *o = json_object_new_object(), *fl = json_object_new_array(),
	                   *addrs = json_object_new_array();
	size_t i;
	int j;

	json_object_object_add(o, "ifindex", json_object_new_int(d->ifindex));
	json_object_object_add(o, "name", vrdma_json_string_or_null(d->name));
	json_object_object_add(o, "kind", vrdma_json_string_or_null(d->kind));
	json_object_object_add(o, "physical", json_object_new_boolean(d->physical));
	json_object_object_add(o, "alias", vrdma_json_string_or_null(d->alias));
	json_object_object_add(o, "driver", vrdma_json_string_or_null(d->driver));
	json_object_object_add(o, "pci_address", vrdma_json_string_or_null(d->pci));
	json_object_object_add(o, "mac", vrdma_json_string_or_null(d->mac));
	json_object_object_add(o, "mtu", json_object_new_int(d->mtu));
	json_object_object_add(o, "oper_state", vrdma_json_string_or_null(vrdma_oper_state_to_string(d->oper_state)));
	for (i = 0; i < ARRAY_SIZE(iff_names); i++)
		if (d->flags & iff_names[i].bit)
			json_object_array_add(fl, json_object_new_string(iff_names[i].name));
	json_object_object_add(o, "flags", fl);
	json_object_object_add(o, "speed_mbps", json_object_new_int(d->speed));
	json_object_object_add(o, "vlan_id", d->vlan_id >= 0 ? json_object_new_int(d->vlan_id) : NULL);
	json_object_object_add(o, "master", vrdma_json_string_or_null(d->master_name));
	json_object_object_add(o, "link", vrdma_json_string_or_null(d->link_name));
	for (j = 0; j < d->n_addrs; j++) {
		struct vrdma_addr *a = &d->addrs[j];
		struct json_object *ao = json_object_new_object(), *af = json_object_new_array();
		char buf[16];
		json_object_object_add(ao, "family",
		                       json_object_new_string(a->family == AF_INET ? "inet" : "inet6"));
		json_object_object_add(ao, "address", json_object_new_string(a->str));
		json_object_object_add(ao, "prefixlen", json_object_new_int(a->prefixlen));
		json_object_object_add(ao, "scope",
		                       json_object_new_string(scope_name(a->scope, buf, sizeof(buf))));
		for (i = 0; i < ARRAY_SIZE(addr_flag_names); i++)
			if (a->flags & (1 << i))
				json_object_array_add(af, json_object_new_string(addr_flag_names[i]));
		json_object_object_add(ao, "flags", af);
		json_object_array_add(addrs, ao);
	}
	json_object_object_add(o, "addresses", addrs);
	return o;
}

int vrdma_snapshot_write(struct vrdma_host *h, char **ret)
{
	struct json_object *root = json_object_new_object(), *ads = json_object_new_array(),
	                   *nds = json_object_new_array();
	int i;

	json_object_object_add(root, "schema", json_object_new_string(HOST_SCHEMA));
	json_object_object_add(root, "hostname", vrdma_json_string_or_null(h->hostname));
	json_object_object_add(root, "kernel", vrdma_json_string_or_null(h->kernel));
	for (i = 0; i < h->n_adapters; i++)
		json_object_array_add(ads, write_adapter(h->adapters[i]));
	json_object_object_add(root, "adapters", ads);
	for (i = 0; i < h->n_netdevs; i++)
		json_object_array_add(nds, write_netdev(h->netdevs[i]));
	json_object_object_add(root, "netdevs", nds);
	return vrdma_json_format(root, ret);
}

VRDMA_EXPORT int vrdma_host_format(struct vrdma_host *h, char **ret)
{
	if (!h)
		return -EINVAL;
	vrdma_error_clear(h->ctx);
	if (!ret)
		return vrdma_error(h->ctx, -EINVAL, "host snapshot: no place to return the text (ret is NULL)");
	return vrdma_snapshot_write(h, ret);
}

VRDMA_EXPORT int vrdma_host_save(struct vrdma_host *h, const char *path)
{
	char *data = NULL;
	int r;

	if (!h)
		return -EINVAL;
	vrdma_error_clear(h->ctx);
	if (!path)
		return vrdma_error(h->ctx, -EINVAL, "host snapshot: save: NULL path");
	r = vrdma_snapshot_write(h, &data);
	if (r < 0)
		return r;
	r = vrdma_write_file_atomic(h->ctx, NULL, path, data, strlen(data), 0644, 0);
	free(data);
	return r;
}

/* ---- loading ------------------------------------------------------------------------- */

/* Member `key` of `o`, required, of type `t` (or null when `nullable`: *out NULL). */
static int member(struct vrdma_json_reader *l, struct json_object *o, const char *path,
                  const char *key, enum json_type t, bool nullable, struct json_object **out)
{
	return vrdma_json_member(l, o, path, key, t,
	                         VRDMA_JSON_REQUIRED | (nullable ? VRDMA_JSON_NULLABLE : 0), out);
}

/* A JSON path "<path>.<key>[<i>]" (truncation is harmless: paths are for messages). */
static void subpath(char *out, size_t len, const char *fmt, ...) VRDMA_PRINTF(3, 4);
static void subpath(char *out, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(out, len, fmt, ap);
	va_end(ap);
}

#define PATHLEN 192

static int get_str(struct vrdma_json_reader *l, struct json_object *o, const char *path, const char *key,
                   bool nullable, char **out)
{
	struct json_object *v;
	int r = member(l, o, path, key, json_type_string, nullable, &v);

	if (r < 0)
		return r;
	free(*out);
	*out = NULL;
	if (!v)
		return 0;
	if (json_object_get_string_len(v) == 0)
		return vrdma_json_problem(l, -EINVAL, path, key, "expected a non-empty string");
	*out = strdup(json_object_get_string(v));
	return *out ? 0 : -ENOMEM;
}

static int get_int(struct vrdma_json_reader *l, struct json_object *o, const char *path,
                   const char *key, int64_t min, int64_t max, int *out)
{
	int64_t x = 0;
	int r = vrdma_json_get_int(l, o, path, key, VRDMA_JSON_REQUIRED, min, max, &x);

	*out = (int)x;
	return r;
}

static int get_enum(struct vrdma_json_reader *l, struct json_object *o, const char *path, const char *key,
                    const char *(*name_of)(int), int n, int *out)
{
	struct json_object *v;
	char choices[256] = "";
	const char *s;
	int i, r = member(l, o, path, key, json_type_string, false, &v);

	if (r < 0)
		return r;
	s = json_object_get_string(v);
	for (i = 0; i < n; i++)
		if (name_of(i) && strcmp(name_of(i), s) == 0) {
			*out = i;
			return 0;
		}
	for (i = 0; i < n; i++)
		if (name_of(i))
			snprintf(choices + strlen(choices), sizeof(choices) - strlen(choices), "%s\"%s\"",
			         i ? ", " : "", name_of(i));
	return vrdma_json_problem(l, -EINVAL, path, key, "unknown value \"%s\": expected one of %s", s, choices);
}

/* A list of flag names -> bitmask; `names[i]` is bit `bits[i]`. */
static int get_flags(struct vrdma_json_reader *l, struct json_object *o, const char *path, const char *key,
                     const char *const *names, const unsigned *bits, size_t n, unsigned *out)
{
	struct json_object *arr;
	size_t i, j;
	unsigned m = 0;
	int r = member(l, o, path, key, json_type_array, false, &arr);

	if (r < 0)
		return r;
	for (i = 0; i < json_object_array_length(arr); i++) {
		struct json_object *e = json_object_array_get_idx(arr, i);
		char p[PATHLEN];
		subpath(p, sizeof(p), "%s.%s[%zu]", path, key, i);
		if (!json_object_is_type(e, json_type_string))
			return vrdma_json_problem(l, -EINVAL, p, NULL, "expected a string, got %s",
			           vrdma_json_type_name(e));
		for (j = 0; j < n; j++)
			if (strcmp(names[j], json_object_get_string(e)) == 0)
				break;
		if (j == n)
			return vrdma_json_problem(l, -EINVAL, p, NULL, "unknown flag \"%s\"", json_object_get_string(e));
		if (m & bits[j])
			return vrdma_json_problem(l, -EINVAL, p, NULL, "flag \"%s\" listed twice", names[j]);
		m |= bits[j];
	}
	*out = m;
	return 0;
}

static int get_guid(struct vrdma_json_reader *l, struct json_object *o, const char *path, const char *key,
                    uint64_t *out)
{
	struct json_object *v;
	int r = member(l, o, path, key, json_type_string, false, &v);

	if (r < 0)
		return r;
	if (vrdma_guid_from_string(json_object_get_string(v), out) < 0)
		return vrdma_json_problem(l, -EINVAL, path, key, "\"%s\" is not a GUID: expected \"xxxx:xxxx:xxxx:xxxx\" (lower-case hex)",
		           json_object_get_string(v));
	return 0;
}

static int check_alias(struct vrdma_json_reader *l, const char *path, const char *key, const char *alias,
                       const char *prefix)
{
	if (alias && vrdma_alias_number(alias, prefix) < 0)
		return vrdma_json_problem(l, -EINVAL, path, key, "\"%s\" is not an alias: expected \"%sN\"", alias, prefix);
	return 0;
}

static const char *name_proto(int i) { return i >= 0 && i < 4 ? proto_names[i] : NULL; }

static int load_gid(struct vrdma_json_reader *l, struct json_object *o, const char *path, struct vrdma_port *p,
                    struct vrdma_gid *g)
{
	static const char *const keys[] = { "index", "gid", "type", "netdev", NULL };
	struct json_object *v;
	int r;

	if ((r = vrdma_json_check_members(l, o, path, keys)) < 0 ||
	    (r = get_int(l, o, path, "index", 0, INT32_MAX, &g->index)) < 0)
		return r;
	if (p->gid_tbl_len == 0)
		return vrdma_json_problem(l, -EINVAL, path, "index",
		                          "%d is out of range: the port has no GIDs (gid_table_len 0)",
		                          g->index);
	if (g->index >= p->gid_tbl_len)
		return vrdma_json_problem(l, -EINVAL, path, "index", "%d is out of range: expected 0..%d (gid_table_len %d)",
		           g->index, p->gid_tbl_len - 1, p->gid_tbl_len);
	if ((r = member(l, o, path, "gid", json_type_string, false, &v)) < 0)
		return r;
	if (inet_pton(AF_INET6, json_object_get_string(v), g->raw) != 1)
		return vrdma_json_problem(l, -EINVAL, path, "gid", "\"%s\" is not a GID: expected IPv6 notation",
		           json_object_get_string(v));
	if ((r = get_enum(l, o, path, "type", vrdma_gid_type_to_string, 3, &g->type)) < 0 ||
	    (r = get_str(l, o, path, "netdev", true, &g->netdev_name)) < 0)
		return r;
	if ((g->type == VRDMA_GID_IB) != (p->link_layer == VRDMA_LINK_LAYER_IB))
		return vrdma_json_problem(l, -EINVAL, path, "type", "a %s GID on a port with link layer %s",
		           vrdma_gid_type_to_string(g->type), vrdma_link_layer_to_string(p->link_layer));
	return 0;
}

static int load_port(struct vrdma_json_reader *l, struct json_object *o, const char *path, struct vrdma_port *p)
{
	static const char *const keys[] = {
		"port", "state", "phys_state", "max_mtu", "active_mtu", "speed_mbps", "width",
		"link_layer", "gid_table_len", "netdev", "netdev_missing", "gids", NULL,
	};
	struct vrdma_index seen = { 0 }; /* GID index -> the first GID of it */
	struct json_object *gids;
	int r, num;
	size_t i;

	if ((r = vrdma_json_check_members(l, o, path, keys)) < 0 ||
	    (r = get_int(l, o, path, "port", 1, 255, &num)) < 0)
		return r;
	if (num != p->num)
		return vrdma_json_problem(l, -EINVAL, path, "port", "%d: expected %d (ports are listed in order 1..N)", num, p->num);
	if ((r = get_enum(l, o, path, "state", vrdma_port_state_to_string, 6, &p->state)) < 0 ||
	    (r = get_enum(l, o, path, "phys_state", vrdma_port_phys_state_to_string, 8, &p->phys_state)) < 0 ||
	    (r = get_int(l, o, path, "max_mtu", 0, 4096, &p->max_mtu)) < 0 ||
	    (r = get_int(l, o, path, "active_mtu", 0, 4096, &p->active_mtu)) < 0 ||
	    (r = get_int(l, o, path, "speed_mbps", 0, INT32_MAX, &p->speed)) < 0 ||
	    (r = get_int(l, o, path, "width", 0, 12, &p->width)) < 0 ||
	    (r = get_enum(l, o, path, "link_layer", vrdma_link_layer_to_string, 3, &p->link_layer)) < 0 ||
	    (r = get_int(l, o, path, "gid_table_len", 0, 1 << 20, &p->gid_tbl_len)) < 0 ||
	    (r = get_str(l, o, path, "netdev", true, &p->netdev_name)) < 0 ||
	    (r = get_enum(l, o, path, "netdev_missing", vrdma_netdev_missing_to_string, 4,
	                  &p->netdev_missing)) < 0)
		return r;
	if (p->max_mtu && vrdma_mtu_enum_to_bytes(__builtin_ctz((unsigned)p->max_mtu) - 7) != p->max_mtu)
		return vrdma_json_problem(l, -EINVAL, path, "max_mtu", "%d: expected 256, 512, 1024, 2048 or 4096", p->max_mtu);
	if (p->active_mtu && vrdma_mtu_enum_to_bytes(__builtin_ctz((unsigned)p->active_mtu) - 7) != p->active_mtu)
		return vrdma_json_problem(l, -EINVAL, path, "active_mtu", "%d: expected 256, 512, 1024, 2048 or 4096", p->active_mtu);
	if (p->active_mtu > p->max_mtu)
		return vrdma_json_problem(l, -EINVAL, path, "active_mtu", "%d exceeds max_mtu %d", p->active_mtu, p->max_mtu);
	if ((p->netdev_name != NULL) != (p->netdev_missing == VRDMA_NETDEV_PRESENT))
		return vrdma_json_problem(l, -EINVAL, path, "netdev_missing", "\"%s\" contradicts netdev %s%s%s",
		           vrdma_netdev_missing_to_string(p->netdev_missing), p->netdev_name ? "\"" : "",
		           p->netdev_name ? p->netdev_name : "null", p->netdev_name ? "\"" : "");
	if ((r = member(l, o, path, "gids", json_type_array, false, &gids)) < 0)
		return r;
	p->n_gids = 0;
	p->gids = calloc(json_object_array_length(gids) + 1, sizeof(*p->gids));
	if (!p->gids)
		return -ENOMEM;
	for (i = 0; i < json_object_array_length(gids); i++) {
		struct json_object *go = json_object_array_get_idx(gids, i);
		char gp[PATHLEN];
		subpath(gp, sizeof(gp), "%s.gids[%zu]", path, i);
		if (!json_object_is_type(go, json_type_object)) {
			r = vrdma_json_problem(l, -EINVAL, gp, NULL, "expected an object, got %s",
			                       vrdma_json_type_name(go));
			break;
		}
		p->gids[i].port = p;
		p->n_gids++;
		if ((r = load_gid(l, go, gp, p, &p->gids[i])) < 0 ||
		    (r = vrdma_index_put(&seen, NULL, p->gids[i].index, &p->gids[i])) < 0)
			break;
		if (r > 0) {
			struct vrdma_gid *first = vrdma_index_get(&seen, NULL, p->gids[i].index);
			r = vrdma_json_problem(l, -EINVAL, gp, "index", "duplicate GID index %d (also %s.gids[%td])",
			                       p->gids[i].index, path, first - p->gids);
			break;
		}
	}
	vrdma_index_clear(&seen);
	return r < 0 ? r : 0;
}

static int load_adapter(struct vrdma_json_reader *l, struct json_object *o, const char *path,
                        struct vrdma_adapter *a)
{
	static const char *const keys[] = {
		"name", "alias", "driver", "description", "fw_version", "pci_address", "node_guid",
		"sys_image_guid", "vendor_id", "vendor_part_id", "node_type", "protocols",
		"kernel_index", "ports", NULL,
	};
	static const unsigned pbits[] = { VRDMA_PROTO_IB, VRDMA_PROTO_ROCE_V1, VRDMA_PROTO_ROCE_V2,
	                                  VRDMA_PROTO_IWARP };
	struct json_object *ports, *ki;
	unsigned prot;
	size_t i;
	int r;

	(void)name_proto;
	if ((r = vrdma_json_check_members(l, o, path, keys)) < 0 ||
	    (r = get_str(l, o, path, "alias", false, &a->alias)) < 0 ||
	    (r = check_alias(l, path, "alias", a->alias, "vmrdma")) < 0 ||
	    (r = get_str(l, o, path, "driver", true, &a->driver)) < 0 ||
	    (r = get_str(l, o, path, "description", false, &a->description)) < 0 ||
	    (r = get_str(l, o, path, "fw_version", true, &a->fw_version)) < 0 ||
	    (r = get_str(l, o, path, "pci_address", true, &a->pci)) < 0 ||
	    (r = get_guid(l, o, path, "node_guid", &a->node_guid)) < 0 ||
	    (r = get_guid(l, o, path, "sys_image_guid", &a->sys_image_guid)) < 0 ||
	    (r = get_int(l, o, path, "vendor_id", 0, 0xffffff, &a->vendor_id)) < 0 ||
	    (r = get_int(l, o, path, "vendor_part_id", 0, INT32_MAX, &a->vendor_part_id)) < 0 ||
	    (r = get_enum(l, o, path, "node_type", vrdma_node_type_to_string, 8, &a->node_type)) < 0 ||
	    (r = get_flags(l, o, path, "protocols", proto_names, pbits, 4, &prot)) < 0 ||
	    (r = member(l, o, path, "kernel_index", json_type_int, true, &ki)) < 0)
		return r;
	a->protocols = (int)prot;
	a->kernel_index = -1;
	if (ki) {
		int64_t x = json_object_get_int64(ki);
		if (x < 0 || x > INT32_MAX)
			return vrdma_json_problem(l, -EINVAL, path, "kernel_index", "%lld is out of range: expected 0..%d",
			           (long long)x, INT32_MAX);
		a->kernel_index = (int)x;
	}
	if ((r = member(l, o, path, "ports", json_type_array, false, &ports)) < 0)
		return r;
	if (json_object_array_length(ports) < 1 || json_object_array_length(ports) > 255)
		return vrdma_json_problem(l, -EINVAL, path, "ports", "expected 1..255 ports, got %zu",
		           json_object_array_length(ports));
	r = vrdma_adapter_set_n_ports(a, (int)json_object_array_length(ports));
	if (r < 0)
		return r;
	for (i = 0; i < json_object_array_length(ports); i++) {
		struct json_object *po = json_object_array_get_idx(ports, i);
		char pp[PATHLEN];
		subpath(pp, sizeof(pp), "%s.ports[%zu]", path, i);
		if (!json_object_is_type(po, json_type_object))
			return vrdma_json_problem(l, -EINVAL, pp, NULL, "expected an object, got %s",
			           vrdma_json_type_name(po));
		if ((r = load_port(l, po, pp, &a->ports[i])) < 0)
			return r;
	}
	return 0;
}

static const char *name_scope(int s)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(scope_names); i++)
		if (scope_names[i].scope == s)
			return scope_names[i].name;
	return NULL;
}

static int load_addr(struct vrdma_json_reader *l, struct json_object *o, const char *path, struct vrdma_addr *a)
{
	static const char *const keys[] = { "family", "address", "prefixlen", "scope", "flags", NULL };
	static const unsigned fbits[] = { 1, 2, 4, 8, 16, 32, 64 };
	struct json_object *v;
	const char *s;
	unsigned fl;
	char *end;
	int r, i;

	if ((r = vrdma_json_check_members(l, o, path, keys)) < 0 ||
	    (r = member(l, o, path, "family", json_type_string, false, &v)) < 0)
		return r;
	s = json_object_get_string(v);
	if (strcmp(s, "inet") == 0)
		a->family = AF_INET;
	else if (strcmp(s, "inet6") == 0)
		a->family = AF_INET6;
	else
		return vrdma_json_problem(l, -EINVAL, path, "family", "unknown value \"%s\": expected \"inet\" or \"inet6\"", s);
	if ((r = member(l, o, path, "address", json_type_string, false, &v)) < 0)
		return r;
	if (inet_pton(a->family, json_object_get_string(v), a->raw) != 1)
		return vrdma_json_problem(l, -EINVAL, path, "address", "\"%s\" is not an %s address", json_object_get_string(v),
		           a->family == AF_INET ? "IPv4" : "IPv6");
	inet_ntop(a->family, a->raw, a->str, sizeof(a->str));
	if ((r = get_int(l, o, path, "prefixlen", 0, a->family == AF_INET ? 32 : 128, &a->prefixlen)) < 0 ||
	    (r = member(l, o, path, "scope", json_type_string, false, &v)) < 0)
		return r;
	s = json_object_get_string(v);
	a->scope = -1;
	for (i = 0; i < 256; i++)
		if (name_scope(i) && strcmp(name_scope(i), s) == 0)
			a->scope = i;
	if (a->scope < 0) {
		long x = strtol(s, &end, 10);
		if (!*s || *end || x < 0 || x > 255 || name_scope((int)x))
			return vrdma_json_problem(l, -EINVAL, path, "scope", "unknown value \"%s\": expected \"global\", \"site\", "
			           "\"link\", \"host\", \"nowhere\" or a number 0..255", s);
		a->scope = (int)x;
	}
	if ((r = get_flags(l, o, path, "flags", addr_flag_names, fbits, 7, &fl)) < 0)
		return r;
	a->flags = (int)fl;
	return 0;
}

static const char *name_oper(int i) { return vrdma_oper_state_to_string(i); }

static int load_netdev(struct vrdma_json_reader *l, struct json_object *o, const char *path, struct vrdma_netdev *d)
{
	static const char *const keys[] = {
		"ifindex", "name", "kind", "physical", "alias", "driver", "pci_address", "mac", "mtu",
		"oper_state", "flags", "speed_mbps", "vlan_id", "master", "link", "addresses", NULL,
	};
	const char *fnames[ARRAY_SIZE(iff_names)];
	unsigned fbits[ARRAY_SIZE(iff_names)];
	struct json_object *v, *addrs;
	size_t i;
	int r;

	for (i = 0; i < ARRAY_SIZE(iff_names); i++) {
		fnames[i] = iff_names[i].name;
		fbits[i] = iff_names[i].bit;
	}
	if ((r = vrdma_json_check_members(l, o, path, keys)) < 0 ||
	    (r = get_str(l, o, path, "kind", true, &d->kind)) < 0 ||
	    (r = member(l, o, path, "physical", json_type_boolean, false, &v)) < 0)
		return r;
	d->physical = json_object_get_boolean(v);
	if ((r = get_str(l, o, path, "alias", true, &d->alias)) < 0 ||
	    (r = check_alias(l, path, "alias", d->alias, "vmnic")) < 0)
		return r;
	if (d->physical != (d->alias != NULL))
		return vrdma_json_problem(l, -EINVAL, path, "alias", d->physical ? "a physical netdev needs a vmnic alias"
		                                         : "only physical netdevs have a vmnic alias");
	if ((r = get_str(l, o, path, "driver", true, &d->driver)) < 0 ||
	    (r = get_str(l, o, path, "pci_address", true, &d->pci)) < 0 ||
	    (r = get_str(l, o, path, "mac", true, &d->mac)) < 0 ||
	    (r = get_int(l, o, path, "mtu", 0, 1 << 20, &d->mtu)) < 0 ||
	    (r = get_enum(l, o, path, "oper_state", name_oper, 7, &d->oper_state)) < 0 ||
	    (r = get_flags(l, o, path, "flags", fnames, fbits, ARRAY_SIZE(iff_names), &d->flags)) < 0 ||
	    (r = get_int(l, o, path, "speed_mbps", 0, INT32_MAX, &d->speed)) < 0 ||
	    (r = member(l, o, path, "vlan_id", json_type_int, true, &v)) < 0)
		return r;
	if (d->mac) {
		size_t n = strlen(d->mac);
		for (i = 0; i < n; i++)
			if (i % 3 == 2 ? d->mac[i] != ':' : !strchr("0123456789abcdef", d->mac[i]))
				break;
		if (i != n || n % 3 != 2)
			return vrdma_json_problem(l, -EINVAL, path, "mac", "\"%s\" is not a hardware address: expected \"aa:bb:cc:dd:ee:ff\"",
			           d->mac);
	}
	d->vlan_id = -1;
	if (v) {
		int64_t x = json_object_get_int64(v);
		if (!d->kind || strcmp(d->kind, "vlan") != 0)
			return vrdma_json_problem(l, -EINVAL, path, "vlan_id", "only netdevs of kind \"vlan\" have a VLAN id");
		if (x < 0 || x > 4095)
			return vrdma_json_problem(l, -EINVAL, path, "vlan_id", "%lld is out of range: expected 0..4095", (long long)x);
		d->vlan_id = (int)x;
	}
	if ((r = get_str(l, o, path, "master", true, &d->master_name)) < 0 ||
	    (r = get_str(l, o, path, "link", true, &d->link_name)) < 0 ||
	    (r = member(l, o, path, "addresses", json_type_array, false, &addrs)) < 0)
		return r;
	d->addrs = calloc(json_object_array_length(addrs) + 1, sizeof(*d->addrs));
	if (!d->addrs)
		return -ENOMEM;
	for (i = 0; i < json_object_array_length(addrs); i++) {
		struct json_object *ao = json_object_array_get_idx(addrs, i);
		char ap[PATHLEN];
		subpath(ap, sizeof(ap), "%s.addresses[%zu]", path, i);
		if (!json_object_is_type(ao, json_type_object))
			return vrdma_json_problem(l, -EINVAL, ap, NULL, "expected an object, got %s",
			           vrdma_json_type_name(ao));
		d->n_addrs++;
		if ((r = load_addr(l, ao, ap, &d->addrs[i])) < 0)
			return r;
	}
	return 0;
}

/* Cross references: names must resolve inside the document. */
static int check_refs(struct vrdma_json_reader *l, struct vrdma_host *h, struct json_object *nds)
{
	int i, j, k;

	for (i = 0; i < h->n_netdevs; i++) {
		struct vrdma_netdev *d = h->netdevs[i];
		char p[PATHLEN];
		subpath(p, sizeof(p), "$.netdevs[%d]", i);
		(void)nds;
		if (d->master_name && !vrdma_host_lookup_netdev(h, d->master_name))
			return vrdma_json_problem(l, -EINVAL, p, "master", "\"%s\" is not a netdev of this snapshot", d->master_name);
		if (d->link_name && !vrdma_host_lookup_netdev(h, d->link_name))
			return vrdma_json_problem(l, -EINVAL, p, "link", "\"%s\" is not a netdev of this snapshot", d->link_name);
		if ((d->master_name && strcmp(d->master_name, d->name) == 0) ||
		    (d->link_name && strcmp(d->link_name, d->name) == 0))
			return vrdma_json_problem(l, -EINVAL, p, d->link_name && strcmp(d->link_name, d->name) == 0 ? "link" : "master",
			           "a netdev cannot refer to itself");
	}
	for (i = 0; i < h->n_adapters; i++) {
		struct vrdma_adapter *a = h->adapters[i];
		for (j = 0; j < a->n_ports; j++) {
			struct vrdma_port *pt = &a->ports[j];
			char p[PATHLEN];
			subpath(p, sizeof(p), "$.adapters[%d].ports[%d]", i, j);
			if (pt->netdev_name && !vrdma_host_lookup_netdev(h, pt->netdev_name))
				return vrdma_json_problem(l, -EINVAL, p, "netdev", "\"%s\" is not a netdev of this snapshot",
				           pt->netdev_name);
			for (k = 0; k < pt->n_gids; k++) {
				char gp[PATHLEN + 32];
				subpath(gp, sizeof(gp), "%s.gids[%d]", p, k);
				if (pt->gids[k].netdev_name &&
				    !vrdma_host_lookup_netdev(h, pt->gids[k].netdev_name))
					return vrdma_json_problem(l, -EINVAL, gp, "netdev", "\"%s\" is not a netdev of this snapshot",
					           pt->gids[k].netdev_name);
			}
		}
	}
	return 0;
}

/* Where an object added by the loader is: they are appended in document order. */
static int netdev_pos(struct vrdma_host *h, struct vrdma_netdev *d)
{
	int i;

	for (i = 0; i < h->n_netdevs && h->netdevs[i] != d; i++)
		;
	return i;
}

static int adapter_pos(struct vrdma_host *h, struct vrdma_adapter *a)
{
	int i;

	for (i = 0; i < h->n_adapters && h->adapters[i] != a; i++)
		;
	return i;
}

/* A netdev's ifindex and name are not those of an earlier one (the earlier of the two is named). */
static int check_new_netdev(struct vrdma_json_reader *l, struct vrdma_host *h, const char *p,
                            int ifindex, const char *name)
{
	struct vrdma_netdev *by_ifindex = vrdma_host_lookup_ifindex(h, ifindex);
	struct vrdma_netdev *by_name = vrdma_host_lookup_netdev(h, name);
	int pi = by_ifindex ? netdev_pos(h, by_ifindex) : INT32_MAX;
	int pn = by_name ? netdev_pos(h, by_name) : INT32_MAX;

	if (by_ifindex && pi <= pn)
		return vrdma_json_problem(l, -EINVAL, p, "ifindex", "duplicate ifindex %d (also $.netdevs[%d])",
		                          ifindex, pi);
	if (by_name)
		return vrdma_json_problem(l, -EINVAL, p, "name", "duplicate netdev name \"%s\" (also $.netdevs[%d])",
		                          name, pn);
	return 0;
}

/* `alias` (checked "<prefix>N", or NULL) of `obj` is not that of an earlier object. */
static int check_alias_unique(struct vrdma_json_reader *l, struct vrdma_index *seen, const char *p,
                              const char *alias, const char *prefix, void *obj)
{
	struct vrdma_host *h;
	void *first;
	int r, num = vrdma_alias_number(alias, prefix);

	if (!alias)
		return 0;
	r = vrdma_index_put(seen, NULL, num, obj);
	if (r <= 0)
		return r;
	first = vrdma_index_get(seen, NULL, num);
	if (strcmp(prefix, "vmnic") == 0) {
		h = ((struct vrdma_netdev *)first)->host;
		return vrdma_json_problem(l, -EINVAL, p, "alias", "duplicate alias \"%s\" (also $.netdevs[%d])",
		                          alias, netdev_pos(h, first));
	}
	h = ((struct vrdma_adapter *)first)->host;
	return vrdma_json_problem(l, -EINVAL, p, "alias", "duplicate alias \"%s\" (also $.adapters[%d])",
	                          alias, adapter_pos(h, first));
}

static int load_objects(struct vrdma_json_reader *l, struct vrdma_host *h, struct json_object *nds,
                        struct json_object *ads, struct vrdma_index aliases[2]);

static int load_root(struct vrdma_json_reader *l, struct json_object *root, struct vrdma_host *h)
{
	static const char *const keys[] = { "schema", "hostname", "kernel", "adapters", "netdevs", NULL };
	struct vrdma_index aliases[2] = { { 0 }, { 0 } }; /* vmnic, vmrdma numbers */
	struct json_object *v, *ads, *nds;
	int r;

	if (!json_object_is_type(root, json_type_object))
		return vrdma_json_problem(l, -EINVAL, "$", NULL, "expected an object, got %s", vrdma_json_type_name(root));
	if ((r = member(l, root, "$", "schema", json_type_string, false, &v)) < 0)
		return r;
	if (strcmp(json_object_get_string(v), HOST_SCHEMA) != 0)
		return vrdma_json_problem(l, -EINVAL, "$", "schema", "unsupported schema \"%s\": expected \"%s\"",
		           json_object_get_string(v), HOST_SCHEMA);
	if ((r = vrdma_json_check_members(l, root, "$", keys)) < 0 ||
	    (r = get_str(l, root, "$", "hostname", true, &h->hostname)) < 0 ||
	    (r = get_str(l, root, "$", "kernel", true, &h->kernel)) < 0 ||
	    (r = member(l, root, "$", "netdevs", json_type_array, false, &nds)) < 0 ||
	    (r = member(l, root, "$", "adapters", json_type_array, false, &ads)) < 0)
		return r;
	r = load_objects(l, h, nds, ads, aliases);
	vrdma_index_clear(&aliases[0]);
	vrdma_index_clear(&aliases[1]);
	return r;
}

/* The netdevs, then the adapters (each checked against the earlier ones), then the cross references. */
static int load_objects(struct vrdma_json_reader *l, struct vrdma_host *h, struct json_object *nds,
                        struct json_object *ads, struct vrdma_index aliases[2])
{
	size_t i;
	int r;

	for (i = 0; i < json_object_array_length(nds); i++) {
		struct json_object *o = json_object_array_get_idx(nds, i), *nm;
		struct vrdma_netdev *d;
		char p[PATHLEN];
		int ifindex;

		subpath(p, sizeof(p), "$.netdevs[%zu]", i);
		if (!json_object_is_type(o, json_type_object))
			return vrdma_json_problem(l, -EINVAL, p, NULL, "expected an object, got %s", vrdma_json_type_name(o));
		if ((r = get_int(l, o, p, "ifindex", 1, INT32_MAX, &ifindex)) < 0 ||
		    (r = member(l, o, p, "name", json_type_string, false, &nm)) < 0)
			return r;
		if (json_object_get_string_len(nm) == 0 || json_object_get_string_len(nm) >= IFNAMSIZ)
			return vrdma_json_problem(l, -EINVAL, p, "name", "expected a netdev name of 1..%d characters", IFNAMSIZ - 1);
		if ((r = check_new_netdev(l, h, p, ifindex, json_object_get_string(nm))) < 0)
			return r;
		d = vrdma_host_add_netdev(h, ifindex, json_object_get_string(nm));
		if (!d)
			return -ENOMEM;
		if ((r = load_netdev(l, o, p, d)) < 0 ||
		    (r = check_alias_unique(l, aliases, p, d->alias, "vmnic", d)) < 0)
			return r;
	}
	for (i = 0; i < json_object_array_length(ads); i++) {
		struct json_object *o = json_object_array_get_idx(ads, i), *nm;
		struct vrdma_adapter *a;
		char p[PATHLEN];

		subpath(p, sizeof(p), "$.adapters[%zu]", i);
		if (!json_object_is_type(o, json_type_object))
			return vrdma_json_problem(l, -EINVAL, p, NULL, "expected an object, got %s", vrdma_json_type_name(o));
		if ((r = member(l, o, p, "name", json_type_string, false, &nm)) < 0)
			return r;
		if (json_object_get_string_len(nm) == 0 || json_object_get_string_len(nm) >= 64)
			return vrdma_json_problem(l, -EINVAL, p, "name", "expected an adapter name of 1..63 characters");
		a = vrdma_host_lookup_adapter(h, json_object_get_string(nm));
		if (a)
			return vrdma_json_problem(l, -EINVAL, p, "name", "duplicate adapter name \"%s\" (also $.adapters[%d])",
			           a->name, adapter_pos(h, a));
		a = vrdma_host_add_adapter(h, json_object_get_string(nm));
		if (!a)
			return -ENOMEM;
		if ((r = load_adapter(l, o, p, a)) < 0 ||
		    (r = check_alias_unique(l, aliases + 1, p, a->alias, "vmrdma", a)) < 0)
			return r;
	}
	return check_refs(l, h, nds);
}

static int host_parse(struct vrdma_ctx *ctx, const char *source, const char *text, size_t len,
                      struct vrdma_host **ret)
{
	struct vrdma_json_reader l;
	struct json_object *root = NULL;
	struct vrdma_host *h = NULL;
	int r, e;

	vrdma_json_reader_init(&l, ctx, source, false);
	r = vrdma_json_parse(&l, text, len, HOST_MAX_SIZE, &root);
	if (r >= 0)
		r = vrdma_host_new_empty(ctx, &h);
	if (r >= 0) {
		h->snapshot = true;
		r = load_root(&l, root, h);
	}
	json_object_put(root);
	e = vrdma_json_reader_finish(&l); /* the message and errno of a problem */
	if (e < 0)
		r = e;
	if (r >= 0)
		r = vrdma_host_link(h, source);
	if (r < 0) {
		vrdma_host_free(h);
		return r;
	}
	*ret = h;
	return 0;
}

VRDMA_EXPORT int vrdma_host_parse(struct vrdma_ctx *ctx, const char *text, size_t len,
                                  struct vrdma_host **ret)
{
	if (!ctx)
		return -EINVAL;
	vrdma_error_clear(ctx);
	if (!text || !ret)
		return vrdma_error(ctx, -EINVAL, "host snapshot <buffer>: NULL %s", !text ? "text" : "ret");
	return host_parse(ctx, "<buffer>", text, len, ret);
}

VRDMA_EXPORT int vrdma_host_load(struct vrdma_ctx *ctx, const char *path, struct vrdma_host **ret)
{
	char *text = NULL;
	size_t len;
	int fd, r;

	if (!ctx)
		return -EINVAL;
	vrdma_error_clear(ctx);
	if (!path || !ret)
		return vrdma_error(ctx, -EINVAL, "host snapshot %s: NULL %s", path ? path : "(null)",
		                   !path ? "path" : "ret");
	r = vrdma_json_open_file(ctx, NULL, path, 0, HOST_MAX_SIZE, &fd);
	if (r < 0)
		return r;
	r = vrdma_json_read_fd(ctx, NULL, path, fd, HOST_MAX_SIZE, &text, &len);
	close(fd);
	if (r < 0)
		return r;
	r = host_parse(ctx, path, text, len, ret);
	free(text);
	return r;
}
