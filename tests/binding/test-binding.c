/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Bindings, rules and the initiator API on snapshot + configuration
 * fixtures (tests/binding/fixtures).  Each rule has a test that triggers it
 * (a fixture changed in exactly one way) and one that does not (the intact
 * fixture, or a near miss).  The fixtures are the observer: every expected
 * value (GID index, uplink, address) is read from them, not from the library.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <json-c/json.h>
#include <vrdma/vrdma.h>

#include "testutil.h"

#ifndef FIXTURES_DIR
#error FIXTURES_DIR must be defined
#endif

struct fx {
	struct vrdma_ctx *ctx;
	struct json_object *host;
	struct vrdma_config *cfg;
	struct vrdma_bindings *b;
};

static void fx_load(struct fx *f, const char *name)
{
	char path[512];
	int r;

	memset(f, 0, sizeof(*f));
	ck_assert_int_eq(vrdma_ctx_new(&f->ctx), 0);
	snprintf(path, sizeof(path), "%s/%s-host.json", FIXTURES_DIR, name);
	f->host = json_object_from_file(path);
	ck_assert_msg(f->host, "cannot read %s", path);
	snprintf(path, sizeof(path), "%s/%s-config.json", FIXTURES_DIR, name);
	r = vrdma_config_load(f->ctx, path, &f->cfg);
	ck_assert_msg(r == 0, "config %s: %d %s", path, r, vrdma_ctx_get_error(f->ctx));
}

static void fx_free(struct fx *f)
{
	vrdma_bindings_unref(f->b);
	vrdma_config_unref(f->cfg);
	json_object_put(f->host);
	vrdma_ctx_unref(f->ctx);
}

/* Every finding must carry a message, a fix hint and its objects. */
static void check_diag_shape(struct vrdma_diag *d)
{
	const char *code = vrdma_diag_get_code(d);

	ck_assert_ptr_nonnull(code);
	ck_assert_int_eq((int)strlen(code), 10);
	ck_assert(strncmp(code, "VRDMA-B", 7) == 0);
	ck_assert(strlen(vrdma_diag_get_message(d)) > 10);
	ck_assert_msg(strlen(vrdma_diag_get_hint(d)) > 5, "%s has no hint", code);
	ck_assert_int_ge(vrdma_diag_get_n_objects(d), 1);
	ck_assert_int_ge(vrdma_diag_get_severity(d), VRDMA_SEVERITY_INFO);
	ck_assert_int_le(vrdma_diag_get_severity(d), VRDMA_SEVERITY_ERROR);
}

static struct vrdma_bindings *compute(struct fx *f)
{
	struct vrdma_host *h = NULL;
	int r, i;

	r = vrdma_host_load_string(f->ctx, json_object_to_json_string(f->host), "fixture", &h);
	ck_assert_msg(r == 0, "snapshot: %d %s", r, vrdma_ctx_get_error(f->ctx));
	vrdma_bindings_unref(f->b);
	f->b = NULL;
	ck_assert_int_eq(vrdma_bindings_new(h, f->cfg, &f->b), 0);
	vrdma_host_unref(h);
	for (i = 0; i < vrdma_bindings_get_n_diags(f->b); i++)
		check_diag_shape(vrdma_bindings_get_diag(f->b, i));
	return f->b;
}

/* Codes of the findings about `vmk` (NULL: host-level ones), "B001,B013". */
static const char *codes(struct fx *f, const char *vmk)
{
	static char buf[512];
	int i;

	buf[0] = 0;
	for (i = 0; i < vrdma_bindings_get_n_diags(f->b); i++) {
		struct vrdma_diag *d = vrdma_bindings_get_diag(f->b, i);
		struct vrdma_binding *bd = vrdma_diag_get_binding(d);
		if (vmk ? !bd || strcmp(vrdma_binding_get_vmk_name(bd), vmk) != 0 : bd != NULL)
			continue;
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s%s", buf[0] ? "," : "",
		         vrdma_diag_get_code(d) + 6);
	}
	return buf;
}

static bool has_code(struct fx *f, const char *vmk, const char *code)
{
	char list[520];

	snprintf(list, sizeof(list), ",%s,", codes(f, vmk));
	return strstr(list, code) != NULL;
}

static int state_of(struct fx *f, const char *vmk)
{
	struct vrdma_binding *bd = NULL;

	ck_assert_int_eq(vrdma_bindings_find_vmk(f->b, vmk, &bd), 0);
	return vrdma_binding_get_state(bd);
}

/* ---- JSON fixture editing --------------------------------------------------- */

static struct json_object *jarr(struct json_object *o, const char *key)
{
	struct json_object *a = NULL;

	ck_assert(json_object_object_get_ex(o, key, &a));
	return a;
}

static struct json_object *jnetdev(struct fx *f, const char *name)
{
	struct json_object *a = jarr(f->host, "netdevs");
	size_t i;

	for (i = 0; i < json_object_array_length(a); i++) {
		struct json_object *o = json_object_array_get_idx(a, i), *n;
		if (json_object_object_get_ex(o, "name", &n) &&
		    strcmp(json_object_get_string(n), name) == 0)
			return o;
	}
	ck_abort_msg("no netdev %s in fixture", name);
	return NULL;
}

static struct json_object *jadapter(struct fx *f, const char *name)
{
	struct json_object *a = jarr(f->host, "adapters");
	size_t i;

	for (i = 0; i < json_object_array_length(a); i++) {
		struct json_object *o = json_object_array_get_idx(a, i), *n;
		if (json_object_object_get_ex(o, "name", &n) &&
		    strcmp(json_object_get_string(n), name) == 0)
			return o;
	}
	ck_abort_msg("no adapter %s in fixture", name);
	return NULL;
}

static struct json_object *jport(struct fx *f, const char *adapter)
{
	return json_object_array_get_idx(jarr(jadapter(f, adapter), "ports"), 0);
}

static void jset(struct json_object *o, const char *key, struct json_object *v)
{
	json_object_object_add(o, key, v);
}

static void jset_str(struct json_object *o, const char *key, const char *s)
{
	jset(o, key, s ? json_object_new_string(s) : NULL);
}

static void jset_int(struct json_object *o, const char *key, int v)
{
	jset(o, key, json_object_new_int(v));
}

static struct json_object *jflags(const char *const *names)
{
	struct json_object *a = json_object_new_array();

	for (; *names; names++)
		json_object_array_add(a, json_object_new_string(*names));
	return a;
}

/* Remove entries of array o[key] whose member `field` equals `value`. */
static int jremove(struct json_object *o, const char *key, const char *field, const char *value)
{
	struct json_object *a = jarr(o, key), *keep = json_object_new_array(), *v;
	size_t i;
	int removed = 0;

	for (i = 0; i < json_object_array_length(a); i++) {
		struct json_object *e = json_object_array_get_idx(a, i);
		if (json_object_object_get_ex(e, field, &v) && v &&
		    strcmp(json_object_get_string(v), value) == 0) {
			removed++;
			continue;
		}
		json_object_array_add(keep, json_object_get(e));
	}
	jset(o, key, keep);
	return removed;
}

static struct json_object *jfind(struct json_object *o, const char *key, const char *field,
                                 const char *value)
{
	struct json_object *a = jarr(o, key), *v;
	size_t i;

	for (i = 0; i < json_object_array_length(a); i++) {
		struct json_object *e = json_object_array_get_idx(a, i);
		if (json_object_object_get_ex(e, field, &v) && v &&
		    strcmp(json_object_get_string(v), value) == 0)
			return e;
	}
	ck_abort_msg("no %s with %s=%s", key, field, value);
	return NULL;
}

static void add_addr(struct fx *f, const char *netdev, const char *addr, int prefix)
{
	struct json_object *a = json_object_new_object();
	static const char *const perm[] = { "permanent", NULL };

	jset_str(a, "family", strchr(addr, ':') ? "inet6" : "inet");
	jset_str(a, "address", addr);
	jset_int(a, "prefixlen", prefix);
	jset_str(a, "scope", "global");
	jset(a, "flags", jflags(perm));
	json_object_array_add(jarr(jnetdev(f, netdev), "addresses"), a);
}

static void del_addr(struct fx *f, const char *netdev, const char *addr)
{
	ck_assert_int_eq(jremove(jnetdev(f, netdev), "addresses", "address", addr), 1);
}

/* The GID text of an IP ("::ffff:a.b.c.d" for IPv4). */
static const char *gid_text(const char *ip, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s", strchr(ip, ':') ? "" : "::ffff:", ip);
	return buf;
}

static void add_gid(struct fx *f, const char *adapter, int index, const char *ip,
                    const char *netdev)
{
	struct json_object *g = json_object_new_object();
	char buf[64];

	jset_int(g, "index", index);
	jset_str(g, "gid", gid_text(ip, buf, sizeof(buf)));
	jset_str(g, "type", "RoCE v2");
	jset_str(g, "netdev", netdev);
	json_object_array_add(jarr(jport(f, adapter), "gids"), g);
}

static void del_gid(struct fx *f, const char *adapter, const char *ip)
{
	char buf[64];

	ck_assert_int_ge(jremove(jport(f, adapter), "gids", "gid", gid_text(ip, buf, sizeof(buf))), 1);
}

static void add_netdev(struct fx *f, const char *json)
{
	struct json_object *o = json_tokener_parse(json);

	ck_assert_ptr_nonnull(o);
	json_object_array_add(jarr(f->host, "netdevs"), o);
}

static void set_down(struct json_object *nd)
{
	static const char *const fl[] = { "BROADCAST", "MULTICAST", NULL };

	jset_str(nd, "oper_state", "down");
	jset(nd, "flags", jflags(fl));
}

/* ---- configuration editing (public model API) ------------------------------ */

static struct vrdma_vmk *vmk_of(struct fx *f, const char *name)
{
	struct vrdma_vmk *v = NULL;

	ck_assert_int_eq(vrdma_config_find_vmk(f->cfg, name, &v), 0);
	return v;
}

static struct vrdma_portgroup *pg_of(struct fx *f, const char *name)
{
	struct vrdma_portgroup *pg = NULL;

	ck_assert_int_eq(vrdma_config_find_portgroup(f->cfg, name, &pg), 0);
	return pg;
}

static void failover(struct fx *f, const char *pg, const char *a1, const char *a2,
                     const char *s1)
{
	const char *act[2] = { a1, a2 }, *stb[1] = { s1 };
	int r = vrdma_portgroup_set_failover(pg_of(f, pg), act, a1 ? (a2 ? 2 : 1) : 0, stb,
	                                     s1 ? 1 : 0);

	ck_assert_msg(r == 0, "failover: %d %s", r, vrdma_ctx_get_error(f->ctx));
}

/* ---- the intact fixtures ---------------------------------------------------- */

START_TEST(test_rxe_seed_bound)
{
	struct fx f;
	struct vrdma_binding *bd;
	int idx;

	fx_load(&f, "rxe");
	compute(&f);
	ck_assert_int_eq(vrdma_bindings_get_n_bindings(f.b), 2);
	ck_assert_int_eq(vrdma_bindings_get_n_diags(f.b), 0);
	ck_assert_int_eq(vrdma_bindings_count_problems(f.b, NULL), 0);
	ck_assert_int_eq(vrdma_bindings_find_vmk(f.b, "vmk1", &bd), 0);
	ck_assert_int_eq(vrdma_binding_get_state(bd), VRDMA_BINDING_BOUND);
	ck_assert_str_eq(vrdma_adapter_get_alias(vrdma_binding_get_adapter(bd)), "vmrdma0");
	ck_assert_str_eq(vrdma_adapter_get_name(vrdma_binding_get_adapter(bd)), "rxe0");
	ck_assert_str_eq(vrdma_binding_get_uplink_name(bd), "vmnic1");
	ck_assert_str_eq(vrdma_uplink_get_name(vrdma_binding_get_uplink(bd)), "ens1f0");
	ck_assert_str_eq(vrdma_binding_get_netdev_name(bd), "ens1f0"); /* untagged Soft-RoCE */
	ck_assert_str_eq(vrdma_binding_get_netstack(bd), "defaultTcpipStack");
	ck_assert_str_eq(vrdma_switch_get_name(vrdma_binding_get_switch(bd)), "vSwitch1");
	ck_assert_str_eq(vrdma_portgroup_get_name(vrdma_binding_get_portgroup(bd)), "RDMA-PG");
	ck_assert_int_eq(vrdma_port_get_number(vrdma_binding_get_port(bd)), 1);
	ck_assert_int_eq(vrdma_binding_get_n_addrs(bd), 2);
	ck_assert_str_eq(vrdma_binding_get_addr(bd, 0), "192.168.50.11");
	ck_assert_int_eq(vrdma_binding_get_addr_family(bd, 0), AF_INET);
	ck_assert_int_eq(vrdma_binding_get_addr_prefixlen(bd, 0), 24);
	ck_assert_int_eq(vrdma_binding_get_addr_gid_index(bd, 0, &idx), 0);
	ck_assert_int_eq(idx, 1); /* fixture: gids[1] = ::ffff:192.168.50.11 */
	ck_assert_str_eq(vrdma_binding_get_addr(bd, 1), "fd00:50::11");
	ck_assert_int_eq(vrdma_binding_get_addr_gid_index(bd, 1, &idx), 0);
	ck_assert_int_eq(idx, 2);
	ck_assert_int_eq(vrdma_binding_get_mtu(bd), 1500);
	ck_assert_int_eq(vrdma_binding_get_roce_mtu(bd, &idx), 0);
	ck_assert_int_eq(idx, 1024);
	ck_assert_int_eq(vrdma_binding_get_n_diags(bd), 0);
	ck_assert_int_eq(state_of(&f, "vmk2"), VRDMA_BINDING_BOUND);
	fx_free(&f);
}
END_TEST

START_TEST(test_hw_seed_bound)
{
	struct fx f;
	struct vrdma_binding *bd;
	int idx;

	fx_load(&f, "hw");
	compute(&f);
	ck_assert_str_eq(codes(&f, "vmk1"), "");
	ck_assert_int_eq(vrdma_bindings_find_vmk(f.b, "vmk1", &bd), 0);
	ck_assert_int_eq(vrdma_binding_get_state(bd), VRDMA_BINDING_BOUND);
	ck_assert_str_eq(vrdma_binding_get_netdev_name(bd), "vmk1"); /* macvlan on ens3f0.20 */
	ck_assert_int_eq(vrdma_binding_get_addr_gid_index(bd, 0, &idx), 0);
	ck_assert_int_eq(idx, 3); /* the RoCE v2 entry, not the v1 one at 2 */
	ck_assert_int_eq(vrdma_binding_get_roce_mtu(bd, &idx), 0);
	ck_assert_int_eq(idx, 4096);
	fx_free(&f);
}
END_TEST

/* ---- one test pair per rule ------------------------------------------------------ */

#define PAIR(name, fixture, vmk, code, mutate)                                         \
	START_TEST(test_##name##_triggers)                                             \
	{                                                                              \
		struct fx f;                                                           \
		fx_load(&f, fixture);                                                  \
		mutate;                                                                \
		compute(&f);                                                           \
		ck_assert_msg(has_code(&f, vmk, code), "%s: expected %s, got '%s'",    \
		              #name, code, codes(&f, vmk));                            \
		fx_free(&f);                                                           \
	}                                                                              \
	END_TEST                                                                       \
	START_TEST(test_##name##_quiet)                                                \
	{                                                                              \
		struct fx f;                                                           \
		fx_load(&f, fixture);                                                  \
		compute(&f);                                                           \
		ck_assert_msg(!has_code(&f, vmk, code), "%s: unexpected %s in '%s'",   \
		              #name, code, codes(&f, vmk));                            \
		fx_free(&f);                                                           \
	}                                                                              \
	END_TEST

PAIR(b001, "rxe", "vmk1", "B001", failover(&f, "RDMA-PG", NULL, NULL, NULL))
PAIR(b002, "rxe", "vmk1", "B002", failover(&f, "RDMA-PG", "vmnic1", "vmnic3", NULL))
PAIR(b003, "rxe", "vmk1", "B003", failover(&f, "RDMA-PG", "vmnic1", NULL, "vmnic3"))
PAIR(b004_stacking, "hw", "vmk1", "B004", jset_str(jnetdev(&f, "vmk1"), "link", "eno1"))
PAIR(b004_gid_elsewhere, "rxe", "vmk1", "B004",
     (del_gid(&f, "rxe0", "192.168.50.11"), add_gid(&f, "rxe1", 5, "192.168.50.11", "ens1f1")))
PAIR(b005, "rxe", "vmk1", "B005", failover(&f, "RDMA-PG", "vmnic3", NULL, NULL))
PAIR(b007, "hw", "vmk1", "B007",
     (jremove(jport(&f, "mlx5_0"), "gids", "netdev", "vmk1"),
      jremove(f.host, "netdevs", "name", "vmk1")))
PAIR(b011, "rxe", "vmk1", "B011", add_addr(&f, "eno1", "192.168.50.11", 24))
PAIR(b013, "rxe", "vmk1", "B013", del_addr(&f, "ens1f0", "192.168.50.11"))
PAIR(b020, "rxe", "vmk1", "B020", jset_int(jnetdev(&f, "ens1f0"), "mtu", 9000))
PAIR(b021, "hw", "vmk1", "B021", jset_int(jnetdev(&f, "ens3f0"), "mtu", 1500))
PAIR(b022, "hw", "vmk1", "B022", jset_int(jport(&f, "mlx5_0"), "active_mtu", 1024))
PAIR(b030, "rxe", "vmk1", "B030", set_down(jnetdev(&f, "ens1f0")))
PAIR(b031, "hw", "vmk1", "B031", jset_str(jport(&f, "mlx5_0"), "state", "Down"))
PAIR(b032, "hw", "vmk1", "B032", set_down(jnetdev(&f, "vmk1")))
PAIR(b040, "rxe", "vmk1", "B040",
     jset(jadapter(&f, "rxe0"), "protocols", jflags((const char *const[]){ "RoCE v1", NULL })))
PAIR(b041, "rxe", "vmk1", "B041", del_gid(&f, "rxe0", "192.168.50.11"))
PAIR(b042, "rxe", "vmk1", "B042",
     jset_str(jfind(jport(&f, "rxe0"), "gids", "gid", "::ffff:192.168.50.11"), "netdev", "eno1"))
PAIR(b043, "rxe", "vmk1", "B043", add_gid(&f, "rxe1", 7, "192.168.50.11", "ens1f1"))
PAIR(b044, "hw", "vmk1", "B044", jset_int(jport(&f, "mlx5_0"), "gid_table_len", 4))
PAIR(b050, "rxe", "vmk1", "B050",
     jset(jfind(jnetdev(&f, "ens1f0"), "addresses", "address", "fd00:50::11"), "flags",
          jflags((const char *const[]){ "tentative", NULL })))
PAIR(b051, "rxe", "vmk1", "B051",
     jset(jfind(jnetdev(&f, "ens1f0"), "addresses", "address", "fd00:50::11"), "flags",
          jflags((const char *const[]){ "tentative", "dadfailed", NULL })))

/* B006: the active uplink is no NIC of this host. */
START_TEST(test_b006_triggers)
{
	struct fx f;
	struct vrdma_switch *sw = NULL;

	fx_load(&f, "rxe");
	ck_assert_int_eq(vrdma_config_find_switch(f.cfg, "vSwitch1", &sw), 0);
	ck_assert_int_eq(vrdma_switch_add_uplink(sw, "vmnic9"), 0);
	failover(&f, "RDMA-PG", "vmnic9", NULL, NULL);
	compute(&f);
	ck_assert_str_eq(codes(&f, "vmk1"), "B006");
	ck_assert_int_eq(state_of(&f, "vmk1"), VRDMA_BINDING_UNBOUND);
	fx_free(&f);
}
END_TEST

/* B010: no static address at all. */
START_TEST(test_b010_triggers)
{
	struct fx f;
	struct vrdma_vmk *v;

	fx_load(&f, "rxe");
	v = vmk_of(&f, "vmk1");
	ck_assert_int_eq(vrdma_vmk_clear_gateway(v, AF_INET), 0);
	ck_assert_int_eq(vrdma_vmk_set_ipv4(v, NULL, 0), 0);
	ck_assert_int_eq(vrdma_vmk_remove_ipv6(v, "fd00:50::11"), 0);
	compute(&f);
	ck_assert(has_code(&f, "vmk1", "B010"));
	ck_assert_int_eq(state_of(&f, "vmk1"), VRDMA_BINDING_UNBOUND);
	fx_free(&f);
}
END_TEST

/* B006 near miss: the switch names a missing NIC, but not as the active uplink. */
START_TEST(test_b006_quiet)
{
	struct fx f;
	struct vrdma_switch *sw = NULL;

	fx_load(&f, "rxe");
	ck_assert_int_eq(vrdma_config_find_switch(f.cfg, "vSwitch1", &sw), 0);
	ck_assert_int_eq(vrdma_switch_add_uplink(sw, "vmnic9"), 0);
	failover(&f, "RDMA-PG", "vmnic1", NULL, NULL);
	compute(&f);
	ck_assert_str_eq(codes(&f, "vmk1"), "");
	fx_free(&f);
}
END_TEST

/* B010 near miss: an IPv6 address only is a static address. */
START_TEST(test_b010_quiet)
{
	struct fx f;
	struct vrdma_vmk *v;

	fx_load(&f, "rxe");
	v = vmk_of(&f, "vmk1");
	ck_assert_int_eq(vrdma_vmk_clear_gateway(v, AF_INET), 0);
	ck_assert_int_eq(vrdma_vmk_set_ipv4(v, NULL, 0), 0);
	del_addr(&f, "ens1f0", "192.168.50.11");
	del_gid(&f, "rxe0", "192.168.50.11");
	compute(&f);
	ck_assert_str_eq(codes(&f, "vmk1"), "");
	fx_free(&f);
}
END_TEST

/* B012: vmk2 moves into vmk1's subnet while on another switch. */
START_TEST(test_b012_triggers)
{
	struct fx f;

	fx_load(&f, "rxe");
	ck_assert_int_eq(vrdma_vmk_set_ipv4(vmk_of(&f, "vmk2"), "192.168.50.12", 24), 0);
	del_addr(&f, "ens1f1", "192.168.60.12");
	add_addr(&f, "ens1f1", "192.168.50.12", 24);
	del_gid(&f, "rxe1", "192.168.60.12");
	add_gid(&f, "rxe1", 1, "192.168.50.12", "ens1f1");
	compute(&f);
	ck_assert_str_eq(codes(&f, "vmk2"), "B012");
	ck_assert_int_eq(state_of(&f, "vmk2"), VRDMA_BINDING_DEGRADED);
	fx_free(&f);
}
END_TEST

/* B012 near miss: different subnets (vmk2 in 192.168.51.0/24). */
START_TEST(test_b012_quiet)
{
	struct fx f;

	fx_load(&f, "rxe");
	ck_assert_int_eq(vrdma_vmk_set_ipv4(vmk_of(&f, "vmk2"), "192.168.51.12", 24), 0);
	compute(&f);
	ck_assert(!has_code(&f, "vmk2", "B012"));
	ck_assert(!has_code(&f, "vmk1", "B012"));
	fx_free(&f);
}
END_TEST

/* B045: Soft-RoCE, tagged port group, vmk carried by a macvlan (loopback only)
 * versus an 802.1Q device directly on the uplink (carries remote traffic). */
static void tagged_rxe(struct fx *f, const char *kind)
{
	char json[1024];

	ck_assert_int_eq(vrdma_portgroup_set_vlan_id(pg_of(f, "RDMA-PG"), 50), 0);
	del_addr(f, "ens1f0", "192.168.50.11");
	del_addr(f, "ens1f0", "fd00:50::11");
	snprintf(json, sizeof(json),
	         "{\"ifindex\": 10, \"name\": \"vmk1\", \"kind\": \"%s\", \"physical\": false, "
	         "\"alias\": null, \"driver\": null, \"pci_address\": null, "
	         "\"mac\": \"02:00:00:00:00:01\", \"mtu\": 1500, \"oper_state\": \"up\", "
	         "\"flags\": [\"UP\", \"BROADCAST\", \"RUNNING\", \"MULTICAST\", \"LOWER_UP\"], "
	         "\"speed_mbps\": 0, \"vlan_id\": %s, \"master\": null, \"link\": \"ens1f0\", "
	         "\"addresses\": []}",
	         kind, strcmp(kind, "vlan") == 0 ? "50" : "null");
	add_netdev(f, json);
	add_addr(f, "vmk1", "192.168.50.11", 24);
	add_addr(f, "vmk1", "fd00:50::11", 64);
	jset_str(jfind(jport(f, "rxe0"), "gids", "gid", "::ffff:192.168.50.11"), "netdev", "vmk1");
	jset_str(jfind(jport(f, "rxe0"), "gids", "gid", "fd00:50::11"), "netdev", "vmk1");
}

START_TEST(test_b045_triggers)
{
	struct fx f;

	fx_load(&f, "rxe");
	tagged_rxe(&f, "macvlan");
	compute(&f);
	ck_assert_str_eq(codes(&f, "vmk1"), "B045,B045");
	fx_free(&f);
}
END_TEST

START_TEST(test_b045_quiet)
{
	struct fx f;
	struct vrdma_binding *bd;

	fx_load(&f, "rxe");
	tagged_rxe(&f, "vlan");
	compute(&f);
	ck_assert_str_eq(codes(&f, "vmk1"), "");
	ck_assert_int_eq(vrdma_bindings_find_vmk(f.b, "vmk1", &bd), 0);
	ck_assert_str_eq(vrdma_binding_get_netdev_name(bd), "vmk1");
	fx_free(&f);
}
END_TEST

/* B052: rxe1's netdev moved to another namespace. */
START_TEST(test_b052_triggers)
{
	struct fx f;
	struct json_object *p;

	fx_load(&f, "rxe");
	p = jport(&f, "rxe1");
	jset_str(p, "netdev", NULL);
	jset_str(p, "netdev_missing", "other-namespace");
	jset_str(jfind(p, "gids", "gid", "::ffff:192.168.60.12"), "netdev", NULL);
	jset_str(jfind(p, "gids", "gid", "fe80::5054:ff:fe00:102"), "netdev", NULL);
	jremove(f.host, "netdevs", "name", "ens1f1");
	compute(&f);
	ck_assert(has_code(&f, NULL, "B052"));
	ck_assert_str_eq(codes(&f, "vmk2"), "B006");
	ck_assert(vrdma_bindings_next_diag(f.b, NULL, "vmrdma1", VRDMA_SEVERITY_ERROR) != NULL);
	ck_assert(vrdma_bindings_next_diag(f.b, NULL, "rxe1", VRDMA_SEVERITY_ERROR) != NULL);
	fx_free(&f);
}
END_TEST

START_TEST(test_b052_quiet)
{
	struct fx f;

	fx_load(&f, "rxe");
	compute(&f);
	ck_assert(!has_code(&f, NULL, "B052"));
	fx_free(&f);
}
END_TEST

/* B070 (info): an adapter without any vmk; not a problem, binding stays bound. */
START_TEST(test_b070_triggers)
{
	struct fx f;

	fx_load(&f, "rxe");
	ck_assert_int_eq(vrdma_vmk_remove(vmk_of(&f, "vmk2")), 0);
	compute(&f);
	ck_assert_str_eq(codes(&f, NULL), "B070");
	ck_assert(vrdma_bindings_next_diag(f.b, NULL, "vmrdma1", VRDMA_SEVERITY_INFO) != NULL);
	ck_assert(vrdma_bindings_next_diag(f.b, NULL, "vmrdma0", VRDMA_SEVERITY_INFO) == NULL);
	ck_assert_int_eq(vrdma_bindings_count_problems(f.b, NULL), 0);
	ck_assert_int_eq(state_of(&f, "vmk1"), VRDMA_BINDING_BOUND);
	fx_free(&f);
}
END_TEST

START_TEST(test_b070_quiet)
{
	struct fx f;

	fx_load(&f, "rxe");
	compute(&f);
	ck_assert_str_eq(codes(&f, NULL), "");
	fx_free(&f);
}
END_TEST

/* ---- root causes: each breakage yields exactly its own code ------------------- */

START_TEST(test_exact_codes)
{
	struct fx f;

	fx_load(&f, "rxe");
	set_down(jnetdev(&f, "ens1f0"));
	jset_str(jport(&f, "rxe0"), "state", "Down");
	jset_str(jport(&f, "rxe0"), "phys_state", "Disabled");
	compute(&f);
	ck_assert_str_eq(codes(&f, "vmk1"), "B030"); /* not B031 too: the port follows */
	ck_assert_int_eq(state_of(&f, "vmk1"), VRDMA_BINDING_UNBOUND);
	/* The kernel flushes IPv6 addresses of a down netdev: still only B030. */
	del_addr(&f, "ens1f0", "fd00:50::11");
	compute(&f);
	ck_assert_str_eq(codes(&f, "vmk1"), "B030");
	ck_assert_int_eq(state_of(&f, "vmk1"), VRDMA_BINDING_UNBOUND);
	ck_assert_int_eq(state_of(&f, "vmk2"), VRDMA_BINDING_BOUND);
	fx_free(&f);

	fx_load(&f, "rxe");
	del_addr(&f, "ens1f0", "192.168.50.11");
	del_gid(&f, "rxe0", "192.168.50.11");
	compute(&f);
	ck_assert_str_eq(codes(&f, "vmk1"), "B013"); /* not B041: the address is the cause */
	fx_free(&f);

	fx_load(&f, "rxe");
	failover(&f, "RDMA-PG", "vmnic1", NULL, "vmnic3");
	compute(&f);
	ck_assert_str_eq(codes(&f, "vmk1"), "B003");
	fx_free(&f);

	fx_load(&f, "rxe");
	jset_int(jnetdev(&f, "ens1f0"), "mtu", 9000);
	jset_int(jport(&f, "rxe0"), "active_mtu", 4096);
	compute(&f);
	ck_assert_str_eq(codes(&f, "vmk1"), "B020");
	fx_free(&f);
}
END_TEST

/* ---- the initiator API ----------------------------------------------------------- */

static int choose(struct fx *f, const char *target, int service, struct vrdma_source **s)
{
	*s = NULL;
	return vrdma_bindings_choose_source(f->b, target, service, 0, s);
}

START_TEST(test_source_connected)
{
	struct fx f;
	struct vrdma_source *s;

	fx_load(&f, "rxe");
	compute(&f);
	ck_assert_int_eq(choose(&f, "192.168.50.200", VRDMA_SERVICE_NVME_RDMA, &s), 0);
	ck_assert_str_eq(vrdma_source_get_address(s), "192.168.50.11");
	ck_assert_int_eq(vrdma_source_get_family(s), AF_INET);
	ck_assert_str_eq(vrdma_source_get_netdev_name(s), "ens1f0");
	ck_assert_str_eq(vrdma_adapter_get_name(vrdma_source_get_adapter(s)), "rxe0");
	ck_assert_int_eq(vrdma_source_get_port_number(s), 1);
	ck_assert_int_eq(vrdma_source_get_gid_index(s), 1);
	ck_assert_ptr_null(vrdma_source_get_gateway(s));
	ck_assert_int_eq(vrdma_source_get_n_diags(s), 0);
	ck_assert_str_eq(vrdma_source_get_target(s), "192.168.50.200");
	ck_assert_int_eq(vrdma_source_get_service(s), VRDMA_SERVICE_NVME_RDMA);
	vrdma_source_unref(s);

	ck_assert_int_eq(choose(&f, "fd00:50:0::abcd", VRDMA_SERVICE_ISER, &s), 0);
	ck_assert_str_eq(vrdma_source_get_address(s), "fd00:50::11");
	ck_assert_int_eq(vrdma_source_get_gid_index(s), 2);
	ck_assert_str_eq(vrdma_source_get_target(s), "fd00:50::abcd");
	vrdma_source_unref(s);

	ck_assert_int_eq(choose(&f, "192.168.60.9", VRDMA_SERVICE_NVME_RDMA, &s), 0);
	ck_assert_str_eq(vrdma_adapter_get_name(vrdma_source_get_adapter(s)), "rxe1");
	ck_assert_str_eq(vrdma_source_get_address(s), "192.168.60.12");
	vrdma_source_unref(s);
	fx_free(&f);
}
END_TEST

START_TEST(test_source_gateway_and_unreachable)
{
	struct fx f;
	struct vrdma_source *s;

	fx_load(&f, "rxe");
	compute(&f);
	ck_assert_int_eq(choose(&f, "10.99.0.1", VRDMA_SERVICE_NVME_RDMA, &s), 0);
	ck_assert_str_eq(vrdma_source_get_gateway(s), "192.168.50.1");
	ck_assert_str_eq(vrdma_source_get_address(s), "192.168.50.11");
	vrdma_source_unref(s);
	ck_assert_int_eq(choose(&f, "2001:db8::1", VRDMA_SERVICE_NVME_RDMA, &s), -ENETUNREACH);
	ck_assert_ptr_null(s);
	ck_assert(strstr(vrdma_ctx_get_error(f.ctx), "2001:db8::1"));
	ck_assert_int_eq(choose(&f, "not-an-address", VRDMA_SERVICE_NVME_RDMA, &s), -EINVAL);
	ck_assert_int_eq(vrdma_bindings_choose_source(NULL, "1.2.3.4", 0, 0, &s), -EINVAL);
	ck_assert_int_eq(vrdma_bindings_choose_source(f.b, NULL, 0, 0, &s), -EINVAL);
	ck_assert_int_eq(vrdma_bindings_choose_source(f.b, "1.2.3.4", 0, 0, NULL), -EINVAL);
	fx_free(&f);
}
END_TEST

START_TEST(test_source_refuses_unhealthy)
{
	struct fx f;
	struct vrdma_source *s;

	fx_load(&f, "rxe");
	set_down(jnetdev(&f, "ens1f0"));
	compute(&f);
	ck_assert_int_eq(choose(&f, "192.168.50.200", VRDMA_SERVICE_NVME_RDMA, &s), -EHOSTUNREACH);
	ck_assert_msg(strstr(vrdma_ctx_get_error(f.ctx), "VRDMA-B030"), "%s",
	              vrdma_ctx_get_error(f.ctx));
	ck_assert(strstr(vrdma_ctx_get_error(f.ctx), "ip link set ens1f0 up"));
	/* A connected subnet that is broken is not bypassed through a gateway. */
	ck_assert_int_eq(choose(&f, "192.168.50.1", VRDMA_SERVICE_NVME_RDMA, &s), -EHOSTUNREACH);
	fx_free(&f);

	fx_load(&f, "rxe");
	del_gid(&f, "rxe0", "fd00:50::11");
	compute(&f);
	ck_assert_int_eq(choose(&f, "fd00:50::99", VRDMA_SERVICE_NVME_RDMA, &s), -EHOSTUNREACH);
	ck_assert(strstr(vrdma_ctx_get_error(f.ctx), "VRDMA-B041"));
	fx_free(&f);
}
END_TEST

static void same_subnet(struct fx *f, const char *addr, int prefix)
{
	ck_assert_int_eq(vrdma_vmk_set_ipv4(vmk_of(f, "vmk2"), addr, (unsigned)prefix), 0);
	del_addr(f, "ens1f1", "192.168.60.12");
	add_addr(f, "ens1f1", addr, prefix);
	del_gid(f, "rxe1", "192.168.60.12");
	add_gid(f, "rxe1", 1, addr, "ens1f1");
}

START_TEST(test_source_ambiguous)
{
	struct fx f;
	struct vrdma_source *s;

	fx_load(&f, "rxe");
	same_subnet(&f, "192.168.50.12", 24);
	compute(&f);
	ck_assert_int_eq(choose(&f, "192.168.50.200", VRDMA_SERVICE_NVME_RDMA, &s), -ENOTUNIQ);
	ck_assert_ptr_null(s);
	ck_assert(strstr(vrdma_ctx_get_error(f.ctx), "vmk1 (192.168.50.11/24"));
	ck_assert(strstr(vrdma_ctx_get_error(f.ctx), "vmk2 (192.168.50.12/24"));
	/* Only vmk1 carries the iser tag: the service decides, with no guess. */
	ck_assert_int_eq(choose(&f, "192.168.50.200", VRDMA_SERVICE_ISER, &s), 0);
	ck_assert_str_eq(vrdma_binding_get_vmk_name(vrdma_source_get_binding(s)), "vmk1");
	vrdma_source_unref(s);
	/* PREFER_BOUND: vmk2 is degraded (B012), vmk1 bound. */
	ck_assert_int_eq(vrdma_bindings_choose_source(f.b, "192.168.50.200", VRDMA_SERVICE_NVME_RDMA,
	                                              VRDMA_SOURCE_PREFER_BOUND, &s), 0);
	ck_assert_str_eq(vrdma_binding_get_vmk_name(vrdma_source_get_binding(s)), "vmk1");
	vrdma_source_unref(s);
	fx_free(&f);
}
END_TEST

START_TEST(test_source_longest_prefix)
{
	struct fx f;
	struct vrdma_source *s;

	fx_load(&f, "rxe");
	same_subnet(&f, "192.168.50.130", 25);
	compute(&f);
	ck_assert_int_eq(choose(&f, "192.168.50.200", VRDMA_SERVICE_NVME_RDMA, &s), 0);
	ck_assert_str_eq(vrdma_source_get_address(s), "192.168.50.130");
	ck_assert_str_eq(vrdma_adapter_get_name(vrdma_source_get_adapter(s)), "rxe1");
	vrdma_source_unref(s);
	ck_assert_int_eq(choose(&f, "192.168.50.100", VRDMA_SERVICE_NVME_RDMA, &s), 0);
	ck_assert_str_eq(vrdma_source_get_address(s), "192.168.50.11");
	vrdma_source_unref(s);
	fx_free(&f);
}
END_TEST

/* B060: the source's vmk lacks the service tag (vmk2 is nvme-rdma only). */
START_TEST(test_b060_triggers)
{
	struct fx f;
	struct vrdma_source *s;
	struct vrdma_diag *d;

	fx_load(&f, "rxe");
	compute(&f);
	ck_assert_int_eq(choose(&f, "192.168.60.9", VRDMA_SERVICE_ISER, &s), 0);
	ck_assert_int_eq(vrdma_source_get_n_diags(s), 1);
	d = vrdma_source_get_diag(s, 0);
	check_diag_shape(d);
	ck_assert_str_eq(vrdma_diag_get_code(d), "VRDMA-B060");
	ck_assert_int_eq(vrdma_diag_get_severity(d), VRDMA_SEVERITY_WARNING);
	ck_assert(strstr(vrdma_diag_get_hint(d), "tag add -i vmk2 -t iser"));
	ck_assert(vrdma_diag_involves(d, "vmk2"));
	vrdma_source_unref(s);
	fx_free(&f);
}
END_TEST

START_TEST(test_b060_quiet)
{
	struct fx f;
	struct vrdma_source *s;

	fx_load(&f, "rxe");
	compute(&f);
	ck_assert_int_eq(choose(&f, "192.168.60.9", VRDMA_SERVICE_NVME_RDMA, &s), 0);
	ck_assert_int_eq(vrdma_source_get_n_diags(s), 0);
	vrdma_source_unref(s);
	fx_free(&f);
}
END_TEST

/* ---- catalogue, helpers, argument checks ------------------------------------------ */

START_TEST(test_rule_catalogue)
{
	int i, j, n = vrdma_rule_get_count(), sev;
	const char *code, *name, *sum, *c2;

	ck_assert_int_ge(n, 27);
	for (i = 0; i < n; i++) {
		ck_assert_int_eq(vrdma_rule_get(i, &code, &name, &sev, &sum), 0);
		ck_assert_int_eq((int)strlen(code), 10);
		ck_assert(strncmp(code, "VRDMA-B", 7) == 0);
		ck_assert(strlen(name) > 3 && strlen(sum) > 10);
		ck_assert_ptr_nonnull(vrdma_severity_to_string(sev));
		ck_assert_int_eq(vrdma_rule_find(code), i);
		ck_assert_int_eq(vrdma_rule_find(name), i);
		for (j = 0; j < i; j++) {
			ck_assert_int_eq(vrdma_rule_get(j, &c2, NULL, NULL, NULL), 0);
			ck_assert_int_lt(strcmp(c2, code), 0); /* sorted, unique */
		}
	}
	ck_assert_int_eq(vrdma_rule_get(n, &code, NULL, NULL, NULL), -ENOENT);
	ck_assert_int_eq(vrdma_rule_get(-1, NULL, NULL, NULL, NULL), -ENOENT);
	ck_assert_int_eq(vrdma_rule_find("VRDMA-B999"), -ENOENT);
	ck_assert_int_eq(vrdma_rule_find(NULL), -EINVAL);
}
END_TEST

/* Every rule is documented in vrdma-diagnostics(7) with its code and name. */
START_TEST(test_rules_documented)
{
	FILE *fp = fopen(MAN_PAGE, "r");
	static char text[1 << 17];
	size_t len;
	int i;

	ck_assert_msg(fp, "cannot open %s", MAN_PAGE);
	len = fread(text, 1, sizeof(text) - 1, fp);
	fclose(fp);
	text[len] = 0;
	for (i = 0; i < vrdma_rule_get_count(); i++) {
		const char *code, *name;
		vrdma_rule_get(i, &code, &name, NULL, NULL);
		ck_assert_msg(strstr(text, code), "%s not in %s", code, MAN_PAGE);
		ck_assert_msg(strstr(text, name), "%s not in %s", name, MAN_PAGE);
	}
}
END_TEST

START_TEST(test_roce_mtu)
{
	/* netdev MTU - 96 bytes of headers, rounded down to a RoCE MTU. */
	ck_assert_int_eq(vrdma_roce_mtu_for_netdev_mtu(1500), 1024);
	ck_assert_int_eq(vrdma_roce_mtu_for_netdev_mtu(9000), 4096);
	ck_assert_int_eq(vrdma_roce_mtu_for_netdev_mtu(4192), 4096);
	ck_assert_int_eq(vrdma_roce_mtu_for_netdev_mtu(4191), 2048);
	ck_assert_int_eq(vrdma_roce_mtu_for_netdev_mtu(2144), 2048);
	ck_assert_int_eq(vrdma_roce_mtu_for_netdev_mtu(2143), 1024);
	ck_assert_int_eq(vrdma_roce_mtu_for_netdev_mtu(352), 256);
	ck_assert_int_eq(vrdma_roce_mtu_for_netdev_mtu(351), -ERANGE);
}
END_TEST

START_TEST(test_names_and_args)
{
	struct fx f;
	struct vrdma_binding *bd = NULL;
	int x;

	ck_assert_str_eq(vrdma_binding_state_to_string(VRDMA_BINDING_BOUND), "bound");
	ck_assert_str_eq(vrdma_binding_state_to_string(VRDMA_BINDING_DEGRADED), "degraded");
	ck_assert_str_eq(vrdma_binding_state_to_string(VRDMA_BINDING_UNBOUND), "unbound");
	ck_assert_ptr_null(vrdma_binding_state_to_string(3));
	ck_assert_str_eq(vrdma_severity_to_string(VRDMA_SEVERITY_ERROR), "error");
	ck_assert_ptr_null(vrdma_severity_to_string(-1));
	ck_assert_str_eq(vrdma_service_to_string(VRDMA_SERVICE_ISER), "iser");
	ck_assert_int_eq(vrdma_service_from_string("nvme-rdma"), VRDMA_SERVICE_NVME_RDMA);
	ck_assert_int_eq(vrdma_service_from_string("NVMeRDMA"), VRDMA_SERVICE_NVME_RDMA);
	ck_assert_int_eq(vrdma_service_from_string("ISER"), VRDMA_SERVICE_ISER);
	ck_assert_int_eq(vrdma_service_from_string("nfs"), -EINVAL);
	ck_assert_int_eq(vrdma_service_from_string(NULL), -EINVAL);

	ck_assert_int_eq(vrdma_bindings_new(NULL, NULL, NULL), -EINVAL);
	ck_assert_ptr_null(vrdma_bindings_unref(NULL));
	ck_assert_ptr_null(vrdma_source_unref(NULL));
	ck_assert_int_eq(vrdma_bindings_get_n_bindings(NULL), -EINVAL);
	ck_assert_ptr_null(vrdma_bindings_get_binding(NULL, 0));
	ck_assert_ptr_null(vrdma_binding_get_vmk_name(NULL));
	ck_assert_int_eq(vrdma_binding_get_state(NULL), -EINVAL);
	ck_assert_int_eq(vrdma_binding_get_addr_gid_index(NULL, 0, &x), -EINVAL);
	ck_assert_ptr_null(vrdma_diag_get_code(NULL));
	ck_assert_int_eq(vrdma_diag_get_object(NULL, 0, NULL, NULL), -EINVAL);
	ck_assert(!vrdma_diag_involves(NULL, "x"));

	fx_load(&f, "rxe");
	compute(&f);
	ck_assert_int_eq(vrdma_bindings_find_vmk(f.b, "vmk9", &bd), -ENOENT);
	ck_assert_int_eq(vrdma_bindings_find_vmk(f.b, NULL, &bd), -EINVAL);
	ck_assert_ptr_null(vrdma_bindings_get_binding(f.b, 2));
	ck_assert_ptr_null(vrdma_bindings_get_binding(f.b, -1));
	ck_assert_int_eq(vrdma_bindings_find_vmk(f.b, "vmk1", &bd), 0);
	ck_assert_int_eq(vrdma_binding_get_addr_gid_index(bd, 2, &x), -EINVAL);
	ck_assert_ptr_null(vrdma_binding_get_addr(bd, 2));
	ck_assert_ptr_eq(vrdma_binding_get_bindings(bd), f.b);
	ck_assert_ptr_eq(vrdma_bindings_get_config(f.b), f.cfg);
	ck_assert_ptr_eq(vrdma_bindings_get_ctx(f.b), f.ctx);
	ck_assert(vrdma_host_is_snapshot(vrdma_bindings_get_host(f.b)));
	/* The bindings keep host and configuration alive. */
	ck_assert_ptr_eq(vrdma_bindings_ref(f.b), f.b);
	vrdma_bindings_unref(f.b);
	fx_free(&f);
}
END_TEST

/* A finding lists its objects; the iterator filters by object and severity. */
START_TEST(test_diag_objects_and_iterator)
{
	struct fx f;
	struct vrdma_diag *d;
	const char *kind, *name;
	int n = 0;

	fx_load(&f, "rxe");
	set_down(jnetdev(&f, "ens1f0"));
	add_addr(&f, "eno1", "192.168.60.12", 24); /* B011 on vmk2 */
	compute(&f);
	d = vrdma_bindings_next_diag(f.b, NULL, "vmk1", VRDMA_SEVERITY_ERROR);
	ck_assert_ptr_nonnull(d);
	ck_assert_str_eq(vrdma_diag_get_code(d), "VRDMA-B030");
	ck_assert_str_eq(vrdma_diag_get_name(d), "uplink-down");
	ck_assert_int_eq(vrdma_diag_get_object(d, 0, &kind, &name), 0);
	ck_assert_str_eq(kind, "vmk");
	ck_assert_str_eq(name, "vmk1");
	ck_assert(vrdma_diag_involves(d, "vmnic1"));
	ck_assert(vrdma_diag_involves(d, "ens1f0"));
	ck_assert(vrdma_diag_involves(d, "vmrdma0"));
	ck_assert(vrdma_diag_involves(d, "rxe0"));
	ck_assert(!vrdma_diag_involves(d, "vmk2"));
	ck_assert_ptr_null(vrdma_bindings_next_diag(f.b, d, "vmk1", VRDMA_SEVERITY_ERROR));
	ck_assert_str_eq(vrdma_binding_get_vmk_name(vrdma_diag_get_binding(d)), "vmk1");
	d = NULL;
	while ((d = vrdma_bindings_next_diag(f.b, d, NULL, VRDMA_SEVERITY_INFO)))
		n++;
	ck_assert_int_eq(n, vrdma_bindings_get_n_diags(f.b));
	/* The chain's objects select a binding's findings too: B011 lists
	 * vmk2 and eno1, not vmrdma1, but it is about vmrdma1's binding. */
	ck_assert_int_eq(vrdma_bindings_count_problems(f.b, "vmrdma1"), 1);
	ck_assert_int_eq(vrdma_bindings_count_problems(f.b, "ens1f1"), 1);
	ck_assert_int_eq(vrdma_bindings_count_problems(f.b, "vmnic1"), 1);
	ck_assert_int_eq(vrdma_bindings_count_problems(f.b, "vSwitch2"), 1);
	ck_assert_int_eq(vrdma_bindings_count_problems(f.b, "nothing"), 0);
	ck_assert_int_eq(vrdma_bindings_count_problems(f.b, "vmk2"), 1);
	ck_assert_int_eq(vrdma_bindings_count_problems(f.b, "eno1"), 1);
	fx_free(&f);
}
END_TEST

static Suite *make_binding_suite(void)
{
	Suite *s = suite_create("binding");
	TCase *tc = tcase_create("fixtures");
	TCase *rules = tcase_create("rules");
	TCase *init = tcase_create("initiator");

	tcase_add_test(tc, test_rxe_seed_bound);
	tcase_add_test(tc, test_hw_seed_bound);
	tcase_add_test(tc, test_rule_catalogue);
	tcase_add_test(tc, test_rules_documented);
	tcase_add_test(tc, test_roce_mtu);
	tcase_add_test(tc, test_names_and_args);
	tcase_add_test(tc, test_diag_objects_and_iterator);
	tcase_add_test(tc, test_exact_codes);
	suite_add_tcase(s, tc);

#define ADD_PAIR(n)                                                                    \
	tcase_add_test(rules, test_##n##_triggers);                                    \
	tcase_add_test(rules, test_##n##_quiet)
	ADD_PAIR(b001);
	ADD_PAIR(b002);
	ADD_PAIR(b003);
	ADD_PAIR(b004_stacking);
	ADD_PAIR(b004_gid_elsewhere);
	ADD_PAIR(b005);
	ADD_PAIR(b006);
	ADD_PAIR(b007);
	ADD_PAIR(b010);
	ADD_PAIR(b011);
	ADD_PAIR(b012);
	ADD_PAIR(b013);
	ADD_PAIR(b020);
	ADD_PAIR(b021);
	ADD_PAIR(b022);
	ADD_PAIR(b030);
	ADD_PAIR(b031);
	ADD_PAIR(b032);
	ADD_PAIR(b040);
	ADD_PAIR(b041);
	ADD_PAIR(b042);
	ADD_PAIR(b043);
	ADD_PAIR(b044);
	ADD_PAIR(b045);
	ADD_PAIR(b050);
	ADD_PAIR(b051);
	ADD_PAIR(b052);
	ADD_PAIR(b060);
	ADD_PAIR(b070);
	suite_add_tcase(s, rules);

	tcase_add_test(init, test_source_connected);
	tcase_add_test(init, test_source_gateway_and_unreachable);
	tcase_add_test(init, test_source_refuses_unhealthy);
	tcase_add_test(init, test_source_ambiguous);
	tcase_add_test(init, test_source_longest_prefix);
	suite_add_tcase(s, init);
	return s;
}

VRDMA_TEST_MAIN(make_binding_suite)
