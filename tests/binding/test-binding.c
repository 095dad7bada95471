/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Bindings, rules and the initiator API on snapshot + configuration
 * fixtures (tests/binding/fixtures).  Each rule has a test that triggers it
 * (a fixture changed in exactly one way) and one that does not: a near
 * miss, the smallest change to the triggering fixture that must not
 * trigger it, so that a rule that over-triggers fails.  The fixtures are
 * the observer: every expected
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

static const char *diag_code(struct vrdma_diag *d)
{
	return vrdma_rule_get_code(vrdma_diag_get_rule(d));
}

static int diag_severity(struct vrdma_diag *d)
{
	return vrdma_rule_get_severity(vrdma_diag_get_rule(d));
}

/* Every finding must carry a message, a fix hint and its objects. */
static void check_diag_shape(struct vrdma_diag *d)
{
	const char *code = diag_code(d);

	ck_assert_ptr_nonnull(code);
	ck_assert_int_eq((int)strlen(code), 10);
	ck_assert(strncmp(code, "VRDMA-B", 7) == 0);
	ck_assert(strlen(vrdma_diag_get_message(d)) > 10);
	ck_assert_msg(strlen(vrdma_diag_get_hint(d)) > 5, "%s has no hint", code);
	ck_assert_int_ge(vrdma_diag_get_n_objects(d), 1);
	ck_assert_int_ge(diag_severity(d), VRDMA_SEVERITY_INFO);
	ck_assert_int_le(diag_severity(d), VRDMA_SEVERITY_ERROR);
}

static const char *vmk_name(struct vrdma_binding *bd)
{
	return vrdma_vmk_get_name(vrdma_binding_get_vmk(bd));
}

static struct vrdma_bindings *compute(struct fx *f)
{
	const char *text = json_object_to_json_string(f->host);
	struct vrdma_host *h = NULL;
	struct vrdma_diag *d;
	unsigned int i;
	int r;

	r = vrdma_host_parse(f->ctx, text, strlen(text), &h);
	ck_assert_msg(r == 0, "snapshot: %d %s", r, vrdma_ctx_get_error(f->ctx));
	vrdma_bindings_unref(f->b);
	f->b = NULL;
	ck_assert_int_eq(vrdma_bindings_new(h, f->cfg, &f->b), 0);
	vrdma_host_unref(h);
	for (i = 0; vrdma_bindings_get_diag(f->b, i, &d) == 0; i++)
		check_diag_shape(d);
	ck_assert_int_eq((int)i, vrdma_bindings_get_n_diags(f->b));
	return f->b;
}

/* Codes of the findings about `vmk` (NULL: host-level ones), "B001,B013". */
static const char *codes(struct fx *f, const char *vmk)
{
	static char buf[512];
	struct vrdma_diag *d;
	unsigned int i;

	buf[0] = 0;
	for (i = 0; vrdma_bindings_get_diag(f->b, i, &d) == 0; i++) {
		struct vrdma_binding *bd = NULL;
		int r = vrdma_diag_get_binding(d, &bd);
		ck_assert(r == 0 || r == -ENOENT);
		if (vmk ? !bd || strcmp(vmk_name(bd), vmk) != 0 : bd != NULL)
			continue;
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s%s", buf[0] ? "," : "",
		         diag_code(d) + 6);
	}
	return buf;
}

static bool has_code(struct fx *f, const char *vmk, const char *code)
{
	char list[520];

	snprintf(list, sizeof(list), ",%s,", codes(f, vmk));
	return strstr(list, code) != NULL;
}

static struct vrdma_binding *binding_of(struct fx *f, const char *vmk)
{
	struct vrdma_binding *bd = NULL;

	ck_assert_int_eq(vrdma_bindings_find_binding(f->b, vmk, &bd), 0);
	return bd;
}

static int state_of(struct fx *f, const char *vmk)
{
	return vrdma_binding_get_state(binding_of(f, vmk));
}

/* The first finding of at least min_severity involving object (NULL: any). */
static struct vrdma_diag *first_diag(struct fx *f, const char *object, int min_severity)
{
	struct vrdma_diag *d;
	unsigned int i;

	for (i = 0; vrdma_bindings_get_diag(f->b, i, &d) == 0; i++)
		if (diag_severity(d) >= min_severity && (!object || vrdma_diag_involves(d, object)))
			return d;
	return NULL;
}

/* vrdmactl binding check's problems: warnings and errors involving object. */
static int problems(struct fx *f, const char *object)
{
	struct vrdma_diag *d;
	unsigned int i;
	int n = 0;

	for (i = 0; vrdma_bindings_get_diag(f->b, i, &d) == 0; i++)
		if (diag_severity(d) >= VRDMA_SEVERITY_WARNING &&
		    (!object || vrdma_diag_involves(d, object)))
			n++;
	return n;
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

static struct vrdma_switch *sw_of(struct fx *f, const char *name)
{
	struct vrdma_switch *sw = NULL;

	ck_assert_int_eq(vrdma_config_find_switch(f->cfg, name, &sw), 0);
	return sw;
}

/* The switch's own failover order (port groups without override inherit it). */
static void sw_failover(struct fx *f, const char *sw, const char *a1, const char *s1)
{
	const char *act[1] = { a1 }, *stb[1] = { s1 };
	int r = vrdma_switch_set_failover(sw_of(f, sw), act, a1 ? 1 : 0, stb, s1 ? 1 : 0);

	ck_assert_msg(r == 0, "switch failover: %d %s", r, vrdma_ctx_get_error(f->ctx));
}

static void vmk_mtu(struct fx *f, const char *vmk, int mtu)
{
	int r = vrdma_vmk_set_mtu(vmk_of(f, vmk), mtu);

	ck_assert_msg(r == 0, "vmk MTU: %d %s", r, vrdma_ctx_get_error(f->ctx));
}

static void sw_mtu(struct fx *f, const char *sw, int mtu)
{
	int r = vrdma_switch_set_mtu(sw_of(f, sw), mtu);

	ck_assert_msg(r == 0, "switch MTU: %d %s", r, vrdma_ctx_get_error(f->ctx));
}

/* ---- the intact fixtures ---------------------------------------------------- */

START_TEST(test_rxe_seed_bound)
{
	struct fx f;
	struct vrdma_binding *bd;
	struct vrdma_adapter *a;
	struct vrdma_uplink *u;
	struct vrdma_port *p;
	const char *s;
	unsigned int idx, prefix;
	int x, family;

	fx_load(&f, "rxe");
	compute(&f);
	ck_assert_int_eq(vrdma_bindings_get_n_bindings(f.b), 2);
	ck_assert_int_eq(vrdma_bindings_get_n_diags(f.b), 0);
	ck_assert_int_eq(problems(&f, NULL), 0);
	bd = binding_of(&f, "vmk1");
	ck_assert_int_eq(vrdma_binding_get_state(bd), VRDMA_BINDING_BOUND);
	ck_assert_int_eq(vrdma_binding_get_adapter(bd, &a), 0);
	ck_assert_str_eq(vrdma_adapter_get_alias(a), "vmrdma0");
	ck_assert_str_eq(vrdma_adapter_get_name(a), "rxe0");
	ck_assert_int_eq(vrdma_binding_get_uplink_name(bd, &s), 0);
	ck_assert_str_eq(s, "vmnic1");
	ck_assert_int_eq(vrdma_binding_get_uplink(bd, &u), 0);
	ck_assert_str_eq(vrdma_netdev_get_name(vrdma_uplink_get_netdev(u)), "ens1f0");
	ck_assert_int_eq(vrdma_binding_get_netdev_name(bd, &s), 0);
	ck_assert_str_eq(s, "ens1f0"); /* untagged Soft-RoCE */
	ck_assert_int_eq(vrdma_binding_get_strategy(bd, &x), 0);
	ck_assert_int_eq(x, VRDMA_APPLY_STRATEGY_UPLINK);
	ck_assert_str_eq(vrdma_switch_get_name(vrdma_binding_get_switch(bd)), "vSwitch1");
	ck_assert_str_eq(vrdma_portgroup_get_name(vrdma_binding_get_portgroup(bd)), "RDMA-PG");
	ck_assert_int_eq(vrdma_binding_get_port(bd, &p), 0);
	ck_assert_int_eq(vrdma_port_get_number(p), 1);
	ck_assert_int_eq(vrdma_binding_get_n_addrs(bd), 2);
	ck_assert_int_eq(vrdma_binding_get_addr(bd, 0, &s, &family, &prefix), 0);
	ck_assert_str_eq(s, "192.168.50.11");
	ck_assert_int_eq(family, AF_INET);
	ck_assert_int_eq(prefix, 24);
	ck_assert_int_eq(vrdma_binding_get_addr_gid_index(bd, 0, &idx), 0);
	ck_assert_int_eq(idx, 1); /* fixture: gids[1] = ::ffff:192.168.50.11 */
	ck_assert_int_eq(vrdma_binding_get_addr(bd, 1, &s, &family, NULL), 0);
	ck_assert_str_eq(s, "fd00:50::11");
	ck_assert_int_eq(family, AF_INET6);
	ck_assert_int_eq(vrdma_binding_get_addr_gid_index(bd, 1, &idx), 0);
	ck_assert_int_eq(idx, 2);
	ck_assert_int_eq(vrdma_binding_get_mtu(bd), 1500);
	ck_assert_int_eq(vrdma_binding_get_roce_mtu(bd, &x), 0);
	ck_assert_int_eq(x, 1024);
	ck_assert_int_eq(vrdma_binding_get_n_diags(bd), 0);
	ck_assert_str_eq(vrdma_ctx_get_error(f.ctx), "");
	ck_assert_int_eq(state_of(&f, "vmk2"), VRDMA_BINDING_BOUND);
	fx_free(&f);
}
END_TEST

START_TEST(test_hw_seed_bound)
{
	struct fx f;
	struct vrdma_binding *bd;
	const char *s;
	unsigned int idx;
	int x;

	fx_load(&f, "hw");
	compute(&f);
	ck_assert_str_eq(codes(&f, "vmk1"), "");
	bd = binding_of(&f, "vmk1");
	ck_assert_int_eq(vrdma_binding_get_state(bd), VRDMA_BINDING_BOUND);
	ck_assert_int_eq(vrdma_binding_get_netdev_name(bd, &s), 0);
	ck_assert_str_eq(s, "vmk1"); /* macvlan on ens3f0.20 */
	ck_assert_int_eq(vrdma_binding_get_strategy(bd, &x), 0);
	ck_assert_int_eq(x, VRDMA_APPLY_STRATEGY_VLAN_MACVLAN);
	ck_assert_int_eq(vrdma_binding_get_addr_gid_index(bd, 0, &idx), 0);
	ck_assert_int_eq(idx, 3); /* the RoCE v2 entry, not the v1 one at 2 */
	ck_assert_int_eq(vrdma_binding_get_roce_mtu(bd, &x), 0);
	ck_assert_int_eq(x, 4096);
	fx_free(&f);
}
END_TEST

/* Absent values are -ENOENT with a message naming the vmk, never NULL. */
START_TEST(test_absent_values)
{
	struct fx f;
	struct vrdma_binding *bd;
	struct vrdma_adapter *a = NULL;
	struct vrdma_uplink *u = NULL;
	struct vrdma_port *p = NULL;
	const char *s = NULL;
	unsigned int idx;
	int x = -1;

	fx_load(&f, "rxe");
	failover(&f, "RDMA-PG", NULL, NULL, NULL); /* B001: nothing resolves */
	compute(&f);
	bd = binding_of(&f, "vmk1");
	ck_assert_int_eq(vrdma_binding_get_uplink_name(bd, &s), -ENOENT);
	ck_assert(strstr(vrdma_ctx_get_error(f.ctx), "vmk 'vmk1'"));
	ck_assert_int_eq(vrdma_binding_get_uplink(bd, &u), -ENOENT);
	ck_assert_int_eq(vrdma_binding_get_adapter(bd, &a), -ENOENT);
	ck_assert_int_eq(vrdma_binding_get_port(bd, &p), -ENOENT);
	ck_assert_int_eq(vrdma_binding_get_netdev_name(bd, &s), -ENOENT);
	ck_assert_int_eq(vrdma_binding_get_strategy(bd, &x), -ENOENT);
	ck_assert_int_eq(vrdma_binding_get_roce_mtu(bd, &x), -ENOENT);
	ck_assert_int_eq(vrdma_binding_get_addr_gid_index(bd, 0, &idx), -ENOENT);
	ck_assert(strstr(vrdma_ctx_get_error(f.ctx), "192.168.50.11"));
	/* *ret is written only on success. */
	ck_assert_ptr_null(s);
	ck_assert_ptr_null(u);
	ck_assert_ptr_null(a);
	ck_assert_ptr_null(p);
	ck_assert_int_eq(x, -1);
	ck_assert_int_eq(vrdma_binding_get_mtu(bd), 1500); /* the configured one */
	fx_free(&f);
}
END_TEST

/* ---- one test pair per rule ------------------------------------------------------ */

/*
 * A rule's pair: `mutate` breaks the fixture in exactly one way and must
 * yield `code`; `near` is the near miss, the smallest change to the
 * triggering fixture that must NOT yield it (the boundary value, the
 * object present, ...), so the rule fails its test when it over-triggers.
 */
#define PAIR(name, fixture, vmk, code, mutate, near)                                   \
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
		near;                                                                  \
		compute(&f);                                                           \
		ck_assert_msg(!has_code(&f, vmk, code), "%s: unexpected %s in '%s'",   \
		              #name, code, codes(&f, vmk));                            \
		fx_free(&f);                                                           \
	}                                                                              \
	END_TEST

#define FLAGS(...) jflags((const char *const[]){ __VA_ARGS__, NULL })
#define ADDR(f, netdev, ip) jfind(jnetdev(f, netdev), "addresses", "address", ip)
#define GID(f, adapter, gid) jfind(jport(f, adapter), "gids", "gid", gid)

/* B001 near miss: the switch has no active uplink, the port group's
 * override exactly one. */
PAIR(b001, "rxe", "vmk1", "B001", failover(&f, "RDMA-PG", NULL, NULL, NULL),
     (sw_failover(&f, "vSwitch1", NULL, NULL), failover(&f, "RDMA-PG", "vmnic1", NULL, NULL)))
/* B002 near miss: the second uplink is in the order, but standby. */
PAIR(b002, "rxe", "vmk1", "B002", failover(&f, "RDMA-PG", "vmnic1", "vmnic3", NULL),
     failover(&f, "RDMA-PG", "vmnic1", NULL, "vmnic3"))
/* B003 near miss: the switch has a standby uplink, the port group overrides
 * it with none. */
PAIR(b003, "rxe", "vmk1", "B003", failover(&f, "RDMA-PG", "vmnic1", NULL, "vmnic3"),
     (sw_failover(&f, "vSwitch1", "vmnic1", "vmnic3"),
      failover(&f, "RDMA-PG", "vmnic1", NULL, NULL)))
/* B004 near miss: the macvlan directly on the paired uplink, not on its VLAN. */
PAIR(b004_stacking, "hw", "vmk1", "B004", jset_str(jnetdev(&f, "vmk1"), "link", "eno1"),
     jset_str(jnetdev(&f, "vmk1"), "link", "ens3f0"))
/* B004 near miss: the address is a GID of the other adapter too, but still
 * of its own (B043 instead). */
PAIR(b004_gid_elsewhere, "rxe", "vmk1", "B004",
     (del_gid(&f, "rxe0", "192.168.50.11"), add_gid(&f, "rxe1", 5, "192.168.50.11", "ens1f1")),
     add_gid(&f, "rxe1", 5, "192.168.50.11", "ens1f1"))
/* B005 near miss: the same active uplink once an adapter is paired with it. */
PAIR(b005, "rxe", "vmk1", "B005", failover(&f, "RDMA-PG", "vmnic3", NULL, NULL),
     (failover(&f, "RDMA-PG", "vmnic3", NULL, NULL),
      jset_str(jport(&f, "rxe1"), "netdev", "ens2")))
/* B007 near miss: the netdev is there without its GIDs (B041 instead). */
PAIR(b007, "hw", "vmk1", "B007",
     (jremove(jport(&f, "mlx5_0"), "gids", "netdev", "vmk1"),
      jremove(f.host, "netdevs", "name", "vmk1")),
     jremove(jport(&f, "mlx5_0"), "gids", "netdev", "vmk1"))
/* B011 near miss: the neighbouring address on another netdev. */
PAIR(b011, "rxe", "vmk1", "B011", add_addr(&f, "eno1", "192.168.50.11", 24),
     add_addr(&f, "eno1", "192.168.50.12", 24))
/* B013 near miss: an address of the netdev that no vmk configures is gone. */
PAIR(b013, "rxe", "vmk1", "B013", del_addr(&f, "ens1f0", "192.168.50.11"),
     del_addr(&f, "ens1f0", "fe80::5054:ff:fe00:101"))
/* B020 near miss: the netdev's MTU 9000 exactly at a 9000 switch MTU. */
PAIR(b020, "rxe", "vmk1", "B020", jset_int(jnetdev(&f, "ens1f0"), "mtu", 9000),
     (jset_int(jnetdev(&f, "ens1f0"), "mtu", 9000), sw_mtu(&f, "vSwitch1", 9000)))
/* B021 near miss: the uplink's MTU 1500 exactly at a 1500 switch MTU. */
PAIR(b021, "hw", "vmk1", "B021", jset_int(jnetdev(&f, "ens3f0"), "mtu", 1500),
     (jset_int(jnetdev(&f, "ens3f0"), "mtu", 1500),
      vmk_mtu(&f, "vmk1", 1500),
      sw_mtu(&f, "vSwitch1", 1500)))
/* B022 near miss: RoCE MTU 1024 exactly what a 1120-byte vmk MTU allows. */
PAIR(b022, "hw", "vmk1", "B022", jset_int(jport(&f, "mlx5_0"), "active_mtu", 1024),
     (jset_int(jport(&f, "mlx5_0"), "active_mtu", 1024),
      jset_int(jnetdev(&f, "vmk1"), "mtu", 1024 + 96)))
/* B030 near miss: an UP uplink whose operational state is unknown. */
PAIR(b030, "rxe", "vmk1", "B030", set_down(jnetdev(&f, "ens1f0")),
     jset_str(jnetdev(&f, "ens1f0"), "oper_state", "unknown"))
/* B031 near miss: an active port whose physical state changed. */
PAIR(b031, "hw", "vmk1", "B031", jset_str(jport(&f, "mlx5_0"), "state", "Down"),
     jset_str(jport(&f, "mlx5_0"), "phys_state", "Polling"))
/* B032 near miss: an UP vmk netdev whose operational state is unknown. */
PAIR(b032, "hw", "vmk1", "B032", set_down(jnetdev(&f, "vmk1")),
     jset_str(jnetdev(&f, "vmk1"), "oper_state", "unknown"))
/* B040 near miss: RoCE v1 and v2. */
PAIR(b040, "rxe", "vmk1", "B040", jset(jadapter(&f, "rxe0"), "protocols", FLAGS("RoCE v1")),
     jset(jadapter(&f, "rxe0"), "protocols", FLAGS("RoCE v1", "RoCE v2")))
/* B041 near miss: the GID of an address no vmk configures is gone. */
PAIR(b041, "rxe", "vmk1", "B041", del_gid(&f, "rxe0", "192.168.50.11"),
     del_gid(&f, "rxe0", "fe80::5054:ff:fe00:101"))
/* B042 near miss: a second GID on another netdev, the vmk's one still there. */
PAIR(b042, "rxe", "vmk1", "B042",
     jset_str(GID(&f, "rxe0", "::ffff:192.168.50.11"), "netdev", "eno1"),
     add_gid(&f, "rxe0", 5, "192.168.50.11", "eno1"))
/* B043 near miss: the neighbouring address is a GID of the other adapter. */
PAIR(b043, "rxe", "vmk1", "B043", add_gid(&f, "rxe1", 7, "192.168.50.11", "ens1f1"),
     add_gid(&f, "rxe1", 7, "192.168.50.12", "ens1f1"))
/* B044 near miss: one free entry left (4 GIDs, a table of 5). */
PAIR(b044, "hw", "vmk1", "B044", jset_int(jport(&f, "mlx5_0"), "gid_table_len", 4),
     jset_int(jport(&f, "mlx5_0"), "gid_table_len", 5))
/* B050 near miss: a tentative address that no vmk configures. */
PAIR(b050, "rxe", "vmk1", "B050",
     jset(ADDR(&f, "ens1f0", "fd00:50::11"), "flags", FLAGS("tentative")),
     jset(ADDR(&f, "ens1f0", "fe80::5054:ff:fe00:101"), "flags", FLAGS("tentative")))
/* B051 near miss: tentative, DAD not failed (B050 instead). */
PAIR(b051, "rxe", "vmk1", "B051",
     jset(ADDR(&f, "ens1f0", "fd00:50::11"), "flags", FLAGS("tentative", "dadfailed")),
     jset(ADDR(&f, "ens1f0", "fd00:50::11"), "flags", FLAGS("tentative")))

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

/* B012 once per vmk: vmk4 (vSwitch2) shares its subnet with vmk1 and vmk3,
 * both on vSwitch1: one finding, not one per pair (n vmks, n findings). */
START_TEST(test_b012_once_per_vmk)
{
	struct vrdma_portgroup *pg1 = NULL, *pg2 = NULL;
	struct vrdma_vmk *v3 = NULL, *v4 = NULL;
	struct fx f;

	fx_load(&f, "rxe");
	ck_assert_int_eq(vrdma_config_find_portgroup(f.cfg, "RDMA-PG", &pg1), 0);
	ck_assert_int_eq(vrdma_config_find_portgroup(f.cfg, "RDMA-PG2", &pg2), 0);
	ck_assert_int_eq(vrdma_config_add_vmk(f.cfg, "vmk3", pg1, &v3), 0);
	ck_assert_int_eq(vrdma_vmk_set_ipv4(v3, "192.168.50.13", 24), 0);
	add_addr(&f, "ens1f0", "192.168.50.13", 24);
	add_gid(&f, "rxe0", 5, "192.168.50.13", "ens1f0");
	ck_assert_int_eq(vrdma_config_add_vmk(f.cfg, "vmk4", pg2, &v4), 0);
	ck_assert_int_eq(vrdma_vmk_set_ipv4(v4, "192.168.50.14", 24), 0);
	add_addr(&f, "ens1f1", "192.168.50.14", 24);
	add_gid(&f, "rxe1", 5, "192.168.50.14", "ens1f1");
	compute(&f);
	ck_assert_str_eq(codes(&f, "vmk4"), "B012");
	ck_assert(!has_code(&f, "vmk1", "B012"));
	ck_assert(!has_code(&f, "vmk3", "B012"));
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
	const char *s;
	int x;

	fx_load(&f, "rxe");
	tagged_rxe(&f, "vlan");
	compute(&f);
	ck_assert_str_eq(codes(&f, "vmk1"), "");
	bd = binding_of(&f, "vmk1");
	ck_assert_int_eq(vrdma_binding_get_netdev_name(bd, &s), 0);
	ck_assert_str_eq(s, "vmk1");
	ck_assert_int_eq(vrdma_binding_get_strategy(bd, &x), 0);
	ck_assert_int_eq(x, VRDMA_APPLY_STRATEGY_VLAN);
	fx_free(&f);
}
END_TEST

/* B046 (fixture "rxe-rocev1": vmrdma0 port 1 configured to RoCE v1, by its
 * alias): vmk1's addresses have only RoCE v2 GIDs there. */
static void add_v1_gid(struct fx *f, int index, const char *ip)
{
	struct json_object *gids;

	add_gid(f, "rxe0", index, ip, "ens1f0");
	gids = jarr(jport(f, "rxe0"), "gids");
	jset_str(json_object_array_get_idx(gids, json_object_array_length(gids) - 1), "type",
	         "RoCE v1");
}

START_TEST(test_b046_triggers)
{
	struct fx f;

	fx_load(&f, "rxe-rocev1");
	compute(&f);
	ck_assert_str_eq(codes(&f, "vmk1"), "B046,B046");
	ck_assert_int_eq(state_of(&f, "vmk1"), VRDMA_BINDING_DEGRADED);
	ck_assert_str_eq(codes(&f, "vmk2"), "");
	fx_free(&f);
}
END_TEST

/* Near misses: a RoCE v1 GID for each address; and the same setting as v2. */
START_TEST(test_b046_quiet)
{
	struct vrdma_roce_setting *rs;
	struct fx f;

	fx_load(&f, "rxe-rocev1");
	add_v1_gid(&f, 3, "192.168.50.11");
	add_v1_gid(&f, 4, "fd00:50::11");
	compute(&f);
	ck_assert_str_eq(codes(&f, "vmk1"), "");
	fx_free(&f);
	fx_load(&f, "rxe-rocev1");
	ck_assert_int_eq(vrdma_config_find_roce_setting(f.cfg, "vmrdma0", 1, &rs), 0);
	ck_assert_int_eq(vrdma_roce_setting_set_mode(rs, VRDMA_ROCE_V2), 0);
	compute(&f);
	ck_assert_str_eq(codes(&f, "vmk1"), "");
	fx_free(&f);
}
END_TEST

/* B046 the other way: mode v2, one address with only a RoCE v1 GID (its v2
 * GID gone: B041 as well, the root cause). */
START_TEST(test_b046_v2)
{
	struct vrdma_roce_setting *rs;
	struct fx f;

	fx_load(&f, "rxe-rocev1");
	ck_assert_int_eq(vrdma_config_find_roce_setting(f.cfg, "vmrdma0", 1, &rs), 0);
	ck_assert_int_eq(vrdma_roce_setting_set_mode(rs, VRDMA_ROCE_V2), 0);
	del_gid(&f, "rxe0", "192.168.50.11");
	add_v1_gid(&f, 3, "192.168.50.11");
	compute(&f);
	ck_assert_str_eq(codes(&f, "vmk1"), "B041,B046");
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
	ck_assert(first_diag(&f, "vmrdma1", VRDMA_SEVERITY_ERROR) != NULL);
	ck_assert(first_diag(&f, "rxe1", VRDMA_SEVERITY_ERROR) != NULL);
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
	ck_assert(first_diag(&f, "vmrdma1", VRDMA_SEVERITY_INFO) != NULL);
	ck_assert(first_diag(&f, "vmrdma0", VRDMA_SEVERITY_INFO) == NULL);
	ck_assert_int_eq(problems(&f, NULL), 0);
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
	const char *gw;

	fx_load(&f, "rxe");
	compute(&f);
	ck_assert_int_eq(choose(&f, "192.168.50.200", VRDMA_SERVICE_NVME_RDMA, &s), 0);
	ck_assert_str_eq(vrdma_source_get_address(s), "192.168.50.11");
	ck_assert_int_eq(vrdma_source_get_family(s), AF_INET);
	ck_assert_str_eq(vrdma_source_get_netdev_name(s), "ens1f0");
	ck_assert_str_eq(vrdma_adapter_get_name(vrdma_source_get_adapter(s)), "rxe0");
	ck_assert_int_eq(vrdma_source_get_port_number(s), 1);
	ck_assert_int_eq(vrdma_source_get_gid_index(s), 1);
	ck_assert_int_eq(vrdma_source_get_gateway(s, &gw), -ENOENT);
	ck_assert(strstr(vrdma_ctx_get_error(f.ctx), "192.168.50.200"));
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
	const char *gw;

	fx_load(&f, "rxe");
	compute(&f);
	ck_assert_int_eq(choose(&f, "10.99.0.1", VRDMA_SERVICE_NVME_RDMA, &s), 0);
	/* vmks without a gateway were looked at: success leaves no message */
	ck_assert_str_eq(vrdma_ctx_get_error(f.ctx), "");
	ck_assert_int_eq(vrdma_source_get_gateway(s, &gw), 0);
	ck_assert_str_eq(gw, "192.168.50.1");
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

/* Two vmks in one subnet on two switches: vmk2 is degraded (B012), both are
 * paths, the healthy one first (no -ENOTUNIQ: equal paths are the answer). */
START_TEST(test_source_same_subnet_two_switches)
{
	struct fx f;
	struct vrdma_source *s;
	struct vrdma_path *p;

	fx_load(&f, "rxe");
	same_subnet(&f, "192.168.50.12", 24);
	compute(&f);
	ck_assert(has_code(&f, "vmk2", "B012"));
	ck_assert_int_eq(choose(&f, "192.168.50.200", VRDMA_SERVICE_NVME_RDMA, &s), 0);
	ck_assert_int_eq(vrdma_source_get_n_paths(s), 2);
	ck_assert_int_eq(vrdma_source_get_path(s, 0, &p), 0);
	ck_assert_str_eq(vmk_name(vrdma_path_get_binding(p)), "vmk1");
	ck_assert_int_eq(vrdma_path_get_state(p), VRDMA_PATH_HEALTHY);
	ck_assert_int_eq(vrdma_source_get_path(s, 1, &p), 0);
	ck_assert_str_eq(vmk_name(vrdma_path_get_binding(p)), "vmk2");
	ck_assert_int_eq(vrdma_path_get_state(p), VRDMA_PATH_DEGRADED);
	ck_assert_str_eq(vrdma_path_get_address(p), "192.168.50.12");
	vrdma_source_unref(s);
	/* Only vmk1 carries the iser tag: the service decides. */
	ck_assert_int_eq(choose(&f, "192.168.50.200", VRDMA_SERVICE_ISER, &s), 0);
	ck_assert_int_eq(vrdma_source_get_n_paths(s), 1);
	ck_assert_str_eq(vmk_name(vrdma_source_get_binding(s)), "vmk1");
	vrdma_source_unref(s);
	/* PREFER_BOUND: vmk2 is degraded (B012), vmk1 bound. */
	ck_assert_int_eq(vrdma_bindings_choose_source(f.b, "192.168.50.200", VRDMA_SERVICE_NVME_RDMA,
	                                              VRDMA_SOURCE_PREFER_BOUND, &s), 0);
	ck_assert_int_eq(vrdma_source_get_n_paths(s), 1);
	ck_assert_str_eq(vmk_name(vrdma_source_get_binding(s)), "vmk1");
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
	/* vmk1 (tagged iser) reaches 192.168.60.9 through its gateway: it is the
	 * one path, with no finding. */
	ck_assert_int_eq(choose(&f, "192.168.60.9", VRDMA_SERVICE_ISER, &s), 0);
	ck_assert_int_eq(vrdma_source_get_n_paths(s), 1);
	ck_assert_str_eq(vmk_name(vrdma_source_get_binding(s)), "vmk1");
	ck_assert_int_eq(vrdma_source_get_n_diags(s), 0);
	vrdma_source_unref(s);
	/* Without that gateway only vmk2, untagged, reaches it. */
	ck_assert_int_eq(vrdma_vmk_clear_gateway(vmk_of(&f, "vmk1"), AF_INET), 0);
	compute(&f);
	ck_assert_int_eq(choose(&f, "192.168.60.9", VRDMA_SERVICE_ISER, &s), 0);
	ck_assert_int_eq(vrdma_source_get_n_diags(s), 1);
	ck_assert_int_eq(vrdma_source_get_diag(s, 0, &d), 0);
	ck_assert_int_eq(vrdma_source_get_diag(s, 1, &d), -ENOENT);
	ck_assert_int_eq(vrdma_source_get_diag(s, 0, &d), 0);
	check_diag_shape(d);
	ck_assert_str_eq(diag_code(d), "VRDMA-B060");
	ck_assert_int_eq(diag_severity(d), VRDMA_SEVERITY_WARNING);
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

/* ---- paths: multipathing over bound vmks (fixture "multipath") -------------------- */

/*
 * The ESXi multipath layout: one switch, two port groups each with one
 * active uplink (vmk1 -> vmnic1 -> vmrdma0, vmk2 -> vmnic2 -> vmrdma1), both
 * vmks in 192.168.50.0/24 and fd00:50::/64.
 */

/* The RoCE v2 GID index of `ip` on the adapter's port, read from the fixture. */
static int fixture_gid_index(struct fx *f, const char *adapter, const char *ip)
{
	struct json_object *g, *idx;
	char buf[64];

	g = jfind(jport(f, adapter), "gids", "gid", gid_text(ip, buf, sizeof(buf)));
	ck_assert(json_object_object_get_ex(g, "index", &idx));
	return json_object_get_int(idx);
}

static struct vrdma_path *path_of(struct vrdma_source *s, unsigned int i)
{
	struct vrdma_path *p = NULL;

	ck_assert_int_eq(vrdma_source_get_path(s, i, &p), 0);
	ck_assert_ptr_eq(vrdma_path_get_source(p), s);
	return p;
}

static const char *path_vmk(struct vrdma_source *s, unsigned int i)
{
	return vmk_name(vrdma_path_get_binding(path_of(s, i)));
}

/* Every getter of a connected path against the fixture. */
static void check_path(struct fx *f, struct vrdma_path *p, const char *vmk, const char *addr,
                       const char *adapter, const char *netdev, const char *vmnic)
{
	const char *gw = NULL;

	ck_assert_str_eq(vmk_name(vrdma_path_get_binding(p)), vmk);
	ck_assert_str_eq(vrdma_path_get_address(p), addr);
	ck_assert_int_eq(vrdma_path_get_family(p), strchr(addr, ':') ? AF_INET6 : AF_INET);
	ck_assert_str_eq(vrdma_adapter_get_name(vrdma_path_get_adapter(p)), adapter);
	ck_assert_int_eq(vrdma_path_get_port_number(p), 1);
	ck_assert_str_eq(vrdma_path_get_netdev_name(p), netdev);
	ck_assert_str_eq(vrdma_uplink_get_alias(vrdma_path_get_uplink(p)), vmnic);
	ck_assert_str_eq(vrdma_netdev_get_name(vrdma_uplink_get_netdev(vrdma_path_get_uplink(p))),
	                 netdev);
	ck_assert_int_eq(vrdma_path_get_gid_index(p), fixture_gid_index(f, adapter, addr));
	ck_assert_int_eq(vrdma_path_get_gateway(p, &gw), -ENOENT);
	ck_assert_ptr_null(gw);
	ck_assert_int_eq(vrdma_path_get_state(p), VRDMA_PATH_HEALTHY);
}

START_TEST(test_paths_one_subnet)
{
	struct fx f;
	struct vrdma_source *s;
	struct vrdma_path *p;

	fx_load(&f, "multipath");
	compute(&f);
	ck_assert_str_eq(codes(&f, "vmk1"), "");
	ck_assert_str_eq(codes(&f, "vmk2"), "");
	ck_assert_int_eq(choose(&f, "192.168.50.200", VRDMA_SERVICE_NVME_RDMA, &s), 0);
	ck_assert_str_eq(vrdma_ctx_get_error(f.ctx), "");
	ck_assert_int_eq(vrdma_source_get_n_paths(s), 2);
	check_path(&f, path_of(s, 0), "vmk1", "192.168.50.11", "rxe0", "ens1f0", "vmnic1");
	check_path(&f, path_of(s, 1), "vmk2", "192.168.50.12", "rxe1", "ens1f1", "vmnic2");
	p = NULL;
	ck_assert_int_eq(vrdma_source_get_path(s, 2, &p), -ENOENT);
	ck_assert_ptr_null(p);
	ck_assert_str_eq(vrdma_ctx_get_error(f.ctx), "target 192.168.50.200: no path 2 (it has 2)");
	ck_assert_int_eq(vrdma_source_get_path(s, 0, NULL), -EINVAL);
	/* The source's own getters are its first path's. */
	p = path_of(s, 0);
	ck_assert_ptr_eq(vrdma_source_get_binding(s), vrdma_path_get_binding(p));
	ck_assert_str_eq(vrdma_source_get_address(s), vrdma_path_get_address(p));
	ck_assert_ptr_eq(vrdma_source_get_adapter(s), vrdma_path_get_adapter(p));
	ck_assert_int_eq(vrdma_source_get_gid_index(s), vrdma_path_get_gid_index(p));
	ck_assert_str_eq(vrdma_source_get_netdev_name(s), vrdma_path_get_netdev_name(p));
	ck_assert_int_eq(vrdma_source_get_n_diags(s), 0);
	vrdma_source_unref(s);

	/* IPv6: the same two paths, with their IPv6 GIDs. */
	ck_assert_int_eq(choose(&f, "fd00:50::abcd", VRDMA_SERVICE_ISER, &s), 0);
	ck_assert_int_eq(vrdma_source_get_n_paths(s), 2);
	check_path(&f, path_of(s, 0), "vmk1", "fd00:50::11", "rxe0", "ens1f0", "vmnic1");
	check_path(&f, path_of(s, 1), "vmk2", "fd00:50::12", "rxe1", "ens1f1", "vmnic2");
	vrdma_source_unref(s);

	/* A single-path caller gets path 0 only. */
	ck_assert_int_eq(vrdma_bindings_choose_source(f.b, "192.168.50.200", VRDMA_SERVICE_NVME_RDMA,
	                                              VRDMA_SOURCE_SINGLE, &s), 0);
	ck_assert_int_eq(vrdma_source_get_n_paths(s), 1);
	ck_assert_str_eq(path_vmk(s, 0), "vmk1");
	vrdma_source_unref(s);
	fx_free(&f);
}
END_TEST

static void readd_vmk(struct fx *f, const char *name, const char *pg, const char *ip)
{
	struct vrdma_vmk *v = NULL;
	int r = vrdma_config_add_vmk(f->cfg, name, pg_of(f, pg), &v);

	ck_assert_msg(r == 0, "add vmk %s: %d %s", name, r, vrdma_ctx_get_error(f->ctx));
	ck_assert_int_eq(vrdma_vmk_set_ipv4(v, ip, 24), 0);
	ck_assert_int_eq(vrdma_vmk_add_tags(v, VRDMA_VMK_TAG_NVME_RDMA), 0);
}

/* Equal paths are ordered by vmk name, numerically: vmk2 before vmk10
 * (added first). */
START_TEST(test_paths_stable_order)
{
	struct fx f;
	struct vrdma_source *s;

	fx_load(&f, "multipath");
	ck_assert_int_eq(vrdma_vmk_remove(vmk_of(&f, "vmk1")), 0);
	ck_assert_int_eq(vrdma_vmk_remove(vmk_of(&f, "vmk2")), 0);
	readd_vmk(&f, "vmk10", "RDMA-A", "192.168.50.11");
	readd_vmk(&f, "vmk2", "RDMA-B", "192.168.50.12");
	compute(&f);
	ck_assert_int_eq(choose(&f, "192.168.50.200", VRDMA_SERVICE_NVME_RDMA, &s), 0);
	ck_assert_int_eq(vrdma_source_get_n_paths(s), 2);
	ck_assert_str_eq(path_vmk(s, 0), "vmk2");
	ck_assert_str_eq(path_vmk(s, 1), "vmk10");
	vrdma_source_unref(s);
	fx_free(&f);
}
END_TEST

START_TEST(test_paths_degraded_after_healthy)
{
	struct fx f;
	struct vrdma_source *s;

	fx_load(&f, "multipath");
	jset_int(jport(&f, "rxe0"), "active_mtu", 512); /* B022: vmk1 degraded */
	compute(&f);
	ck_assert_str_eq(codes(&f, "vmk1"), "B022");
	ck_assert_int_eq(state_of(&f, "vmk1"), VRDMA_BINDING_DEGRADED);
	ck_assert_int_eq(choose(&f, "192.168.50.200", VRDMA_SERVICE_NVME_RDMA, &s), 0);
	ck_assert_int_eq(vrdma_source_get_n_paths(s), 2);
	ck_assert_str_eq(path_vmk(s, 0), "vmk2");
	ck_assert_int_eq(vrdma_path_get_state(path_of(s, 0)), VRDMA_PATH_HEALTHY);
	ck_assert_str_eq(path_vmk(s, 1), "vmk1");
	ck_assert_int_eq(vrdma_path_get_state(path_of(s, 1)), VRDMA_PATH_DEGRADED);
	vrdma_source_unref(s);
	ck_assert_int_eq(vrdma_bindings_choose_source(f.b, "192.168.50.200", VRDMA_SERVICE_NVME_RDMA,
	                                              VRDMA_SOURCE_PREFER_BOUND, &s), 0);
	ck_assert_int_eq(vrdma_source_get_n_paths(s), 1);
	ck_assert_str_eq(path_vmk(s, 0), "vmk2");
	vrdma_source_unref(s);
	fx_free(&f);
}
END_TEST

/* vmk2 moves to 192.168.70.0/24 with a gateway: a path through it comes
 * after vmk1's connected one; two gateway paths are both kept. */
START_TEST(test_paths_gateway_after_connected)
{
	struct fx f;
	struct vrdma_source *s;
	const char *gw;

	fx_load(&f, "multipath");
	ck_assert_int_eq(vrdma_vmk_set_ipv4(vmk_of(&f, "vmk2"), "192.168.70.12", 24), 0);
	ck_assert_int_eq(vrdma_vmk_set_gateway(vmk_of(&f, "vmk2"), "192.168.70.1"), 0);
	del_addr(&f, "ens1f1", "192.168.50.12");
	add_addr(&f, "ens1f1", "192.168.70.12", 24);
	del_gid(&f, "rxe1", "192.168.50.12");
	add_gid(&f, "rxe1", 1, "192.168.70.12", "ens1f1");
	compute(&f);
	ck_assert_int_eq(choose(&f, "192.168.50.200", VRDMA_SERVICE_NVME_RDMA, &s), 0);
	ck_assert_int_eq(vrdma_source_get_n_paths(s), 2);
	ck_assert_str_eq(path_vmk(s, 0), "vmk1");
	ck_assert_int_eq(vrdma_path_get_gateway(path_of(s, 0), &gw), -ENOENT);
	ck_assert_str_eq(path_vmk(s, 1), "vmk2");
	ck_assert_int_eq(vrdma_path_get_gateway(path_of(s, 1), &gw), 0);
	ck_assert_str_eq(gw, "192.168.70.1");
	ck_assert_str_eq(vrdma_path_get_address(path_of(s, 1)), "192.168.70.12");
	ck_assert_int_eq(vrdma_path_get_gid_index(path_of(s, 1)),
	                 fixture_gid_index(&f, "rxe1", "192.168.70.12"));
	vrdma_source_unref(s);
	/* Beyond both subnets: two gateway paths, by vmk name. */
	ck_assert_int_eq(choose(&f, "10.1.2.3", VRDMA_SERVICE_NVME_RDMA, &s), 0);
	ck_assert_int_eq(vrdma_source_get_n_paths(s), 2);
	ck_assert_int_eq(vrdma_path_get_gateway(path_of(s, 0), &gw), 0);
	ck_assert_str_eq(gw, "192.168.50.1");
	ck_assert_int_eq(vrdma_path_get_gateway(path_of(s, 1), &gw), 0);
	ck_assert_str_eq(gw, "192.168.70.1");
	ck_assert_int_eq(vrdma_source_get_gateway(s, &gw), 0);
	ck_assert_str_eq(gw, "192.168.50.1");
	vrdma_source_unref(s);
	fx_free(&f);
}
END_TEST

START_TEST(test_paths_longest_prefix_first)
{
	struct fx f;
	struct vrdma_source *s;

	fx_load(&f, "multipath");
	ck_assert_int_eq(vrdma_vmk_set_ipv4(vmk_of(&f, "vmk2"), "192.168.50.130", 25), 0);
	del_addr(&f, "ens1f1", "192.168.50.12");
	add_addr(&f, "ens1f1", "192.168.50.130", 25);
	del_gid(&f, "rxe1", "192.168.50.12");
	add_gid(&f, "rxe1", 1, "192.168.50.130", "ens1f1");
	compute(&f);
	ck_assert_int_eq(choose(&f, "192.168.50.200", VRDMA_SERVICE_NVME_RDMA, &s), 0);
	ck_assert_int_eq(vrdma_source_get_n_paths(s), 2);
	ck_assert_str_eq(vrdma_path_get_address(path_of(s, 0)), "192.168.50.130");
	ck_assert_str_eq(vrdma_path_get_address(path_of(s, 1)), "192.168.50.11");
	vrdma_source_unref(s);
	fx_free(&f);
}
END_TEST

START_TEST(test_paths_none)
{
	struct fx f;
	struct vrdma_source *s;

	fx_load(&f, "multipath");
	compute(&f);
	ck_assert_int_eq(choose(&f, "2001:db8::1", VRDMA_SERVICE_NVME_RDMA, &s), -ENETUNREACH);
	ck_assert_ptr_null(s);
	ck_assert(strstr(vrdma_ctx_get_error(f.ctx), "target 2001:db8::1: no vmk reaches it"));
	fx_free(&f);

	/* One uplink down: the other path stays. */
	fx_load(&f, "multipath");
	set_down(jnetdev(&f, "ens1f0"));
	compute(&f);
	ck_assert_int_eq(choose(&f, "192.168.50.200", VRDMA_SERVICE_NVME_RDMA, &s), 0);
	ck_assert_int_eq(vrdma_source_get_n_paths(s), 1);
	ck_assert_str_eq(path_vmk(s, 0), "vmk2");
	vrdma_source_unref(s);
	/* Both down: the refusal names the blocking finding. */
	set_down(jnetdev(&f, "ens1f1"));
	compute(&f);
	ck_assert_int_eq(choose(&f, "192.168.50.200", VRDMA_SERVICE_NVME_RDMA, &s), -EHOSTUNREACH);
	ck_assert_ptr_null(s);
	ck_assert_msg(strstr(vrdma_ctx_get_error(f.ctx), "vmk1 (192.168.50.11/24, vmrdma0) reaches "
	                     "it but is unbound: VRDMA-B030"), "%s", vrdma_ctx_get_error(f.ctx));
	fx_free(&f);
}
END_TEST

/* fe80::1%vmk2 or %ens1f1: vmk2's link-local address and its GID. */
START_TEST(test_paths_link_local)
{
	struct fx f;
	struct vrdma_source *s;
	const char *gw;

	fx_load(&f, "multipath");
	compute(&f);
	ck_assert_int_eq(choose(&f, "fe80::1%vmk2", VRDMA_SERVICE_NVME_RDMA, &s), 0);
	ck_assert_str_eq(vrdma_source_get_target(s), "fe80::1%vmk2");
	ck_assert_int_eq(vrdma_source_get_n_paths(s), 1);
	ck_assert_str_eq(path_vmk(s, 0), "vmk2");
	ck_assert_str_eq(vrdma_path_get_address(path_of(s, 0)), "fe80::5054:ff:fe00:102");
	ck_assert_int_eq(vrdma_path_get_family(path_of(s, 0)), AF_INET6);
	ck_assert_int_eq(vrdma_path_get_gid_index(path_of(s, 0)),
	                 fixture_gid_index(&f, "rxe1", "fe80::5054:ff:fe00:102"));
	ck_assert_str_eq(vrdma_path_get_netdev_name(path_of(s, 0)), "ens1f1");
	ck_assert_int_eq(vrdma_path_get_gateway(path_of(s, 0), &gw), -ENOENT);
	vrdma_source_unref(s);
	ck_assert_int_eq(choose(&f, "FE80:0::1%ens1f0", VRDMA_SERVICE_ISER, &s), 0);
	ck_assert_str_eq(vrdma_source_get_target(s), "fe80::1%ens1f0");
	ck_assert_str_eq(vrdma_source_get_address(s), "fe80::5054:ff:fe00:101");
	ck_assert_str_eq(vrdma_adapter_get_name(vrdma_source_get_adapter(s)), "rxe0");
	vrdma_source_unref(s);
	ck_assert_int_eq(choose(&f, "fe80::1", VRDMA_SERVICE_NVME_RDMA, &s), -EINVAL);
	ck_assert(strstr(vrdma_ctx_get_error(f.ctx), "needs a scope"));
	ck_assert_int_eq(choose(&f, "192.168.50.200%vmk1", VRDMA_SERVICE_NVME_RDMA, &s), -EINVAL);
	ck_assert_int_eq(choose(&f, "fe80::1%", VRDMA_SERVICE_NVME_RDMA, &s), -EINVAL);
	ck_assert_int_eq(choose(&f, "fe80::1%vmk9", VRDMA_SERVICE_NVME_RDMA, &s), -ENETUNREACH);
	ck_assert(strstr(vrdma_ctx_get_error(f.ctx), "scope 'vmk9'"));
	ck_assert_ptr_null(s);
	fx_free(&f);

	/* Without the link-local GID the path cannot be used: refused, named. */
	fx_load(&f, "multipath");
	del_gid(&f, "rxe1", "fe80::5054:ff:fe00:102");
	compute(&f);
	ck_assert_int_eq(choose(&f, "fe80::1%vmk2", VRDMA_SERVICE_NVME_RDMA, &s), -EHOSTUNREACH);
	ck_assert(strstr(vrdma_ctx_get_error(f.ctx), "target fe80::1%vmk2: vmk2"));
	fx_free(&f);
}
END_TEST

/* Tags pick among paths: tagged ones only, unless none is (B060 per path). */
START_TEST(test_paths_service_tags)
{
	struct fx f;
	struct vrdma_source *s;

	fx_load(&f, "multipath");
	ck_assert_int_eq(vrdma_vmk_remove_tags(vmk_of(&f, "vmk2"), VRDMA_VMK_TAG_ISER), 0);
	compute(&f);
	ck_assert_int_eq(choose(&f, "192.168.50.200", VRDMA_SERVICE_ISER, &s), 0);
	ck_assert_int_eq(vrdma_source_get_n_paths(s), 1);
	ck_assert_str_eq(path_vmk(s, 0), "vmk1");
	ck_assert_int_eq(vrdma_source_get_n_diags(s), 0);
	vrdma_source_unref(s);
	ck_assert_int_eq(vrdma_vmk_remove_tags(vmk_of(&f, "vmk1"), VRDMA_VMK_TAG_ISER), 0);
	compute(&f);
	ck_assert_int_eq(choose(&f, "192.168.50.200", VRDMA_SERVICE_ISER, &s), 0);
	ck_assert_int_eq(vrdma_source_get_n_paths(s), 2);
	ck_assert_int_eq(vrdma_source_get_n_diags(s), 2);
	vrdma_source_unref(s);
	fx_free(&f);
}
END_TEST

START_TEST(test_paths_args)
{
	struct vrdma_path *p = NULL;

	ck_assert_int_eq(vrdma_source_get_n_paths(NULL), -EINVAL);
	ck_assert_int_eq(vrdma_source_get_path(NULL, 0, &p), -EINVAL);
	ck_assert_ptr_null(vrdma_path_get_source(NULL));
	ck_assert_ptr_null(vrdma_path_get_binding(NULL));
	ck_assert_ptr_null(vrdma_path_get_adapter(NULL));
	ck_assert_ptr_null(vrdma_path_get_uplink(NULL));
	ck_assert_ptr_null(vrdma_path_get_netdev_name(NULL));
	ck_assert_ptr_null(vrdma_path_get_address(NULL));
	ck_assert_int_eq(vrdma_path_get_family(NULL), -EINVAL);
	ck_assert_int_eq(vrdma_path_get_port_number(NULL), -EINVAL);
	ck_assert_int_eq(vrdma_path_get_gid_index(NULL), -EINVAL);
	ck_assert_int_eq(vrdma_path_get_state(NULL), -EINVAL);
	ck_assert_int_eq(vrdma_path_get_gateway(NULL, NULL), -EINVAL);
	ck_assert_str_eq(vrdma_path_state_to_string(VRDMA_PATH_HEALTHY), "healthy");
	ck_assert_str_eq(vrdma_path_state_to_string(VRDMA_PATH_DEGRADED), "degraded");
	ck_assert_ptr_null(vrdma_path_state_to_string(2));
	ck_assert_ptr_null(vrdma_path_state_to_string(-1));
}
END_TEST

/* ---- catalogue, helpers, argument checks ------------------------------------------ */

START_TEST(test_rule_catalogue)
{
	struct vrdma_ctx *ctx;
	struct vrdma_rule *rule, *prev = NULL, *found;
	int n, sev;
	unsigned int i;
	const char *code, *name;

	ck_assert_int_eq(vrdma_ctx_new(&ctx), 0);
	n = vrdma_ctx_get_n_rules(ctx);
	ck_assert_int_ge(n, 27);
	for (i = 0; vrdma_ctx_get_rule(ctx, i, &rule) == 0; i++) {
		code = vrdma_rule_get_code(rule);
		name = vrdma_rule_get_name(rule);
		sev = vrdma_rule_get_severity(rule);
		ck_assert_int_eq((int)strlen(code), 10);
		ck_assert(strncmp(code, "VRDMA-B", 7) == 0);
		ck_assert(strlen(name) > 3 && strlen(vrdma_rule_get_summary(rule)) > 10);
		ck_assert_ptr_nonnull(vrdma_severity_to_string(sev));
		ck_assert_int_eq(vrdma_ctx_find_rule(ctx, code, &found), 0);
		ck_assert_ptr_eq(found, rule);
		ck_assert_int_eq(vrdma_ctx_find_rule(ctx, name, &found), 0);
		ck_assert_ptr_eq(found, rule);
		ck_assert_int_eq(vrdma_ctx_find_rule(ctx, code + 6, &found), 0); /* "B030" */
		ck_assert_ptr_eq(found, rule);
		if (prev) /* sorted, unique */
			ck_assert_int_lt(strcmp(vrdma_rule_get_code(prev), code), 0);
		prev = rule;
	}
	ck_assert_int_eq((int)i, n);
	found = NULL;
	ck_assert_int_eq(vrdma_ctx_get_rule(ctx, (unsigned int)n, &found), -ENOENT);
	ck_assert(strstr(vrdma_ctx_get_error(ctx), "rule"));
	ck_assert_int_eq(vrdma_ctx_find_rule(ctx, "VRDMA-B999", &found), -ENOENT);
	ck_assert(strstr(vrdma_ctx_get_error(ctx), "VRDMA-B999"));
	ck_assert_ptr_null(found);
	ck_assert_int_eq(vrdma_ctx_find_rule(ctx, NULL, &found), -EINVAL);
	ck_assert_int_eq(vrdma_ctx_get_n_rules(NULL), -EINVAL);
	ck_assert_int_eq(vrdma_ctx_get_rule(NULL, 0, &found), -EINVAL);
	ck_assert_ptr_null(vrdma_rule_get_code(NULL));
	ck_assert_int_eq(vrdma_rule_get_severity(NULL), -EINVAL);
	vrdma_ctx_unref(ctx);
}
END_TEST

/* Every rule is documented in vrdma-diagnostics(7) with its code and name. */
START_TEST(test_rules_documented)
{
	FILE *fp = fopen(MAN_PAGE, "r");
	static char text[1 << 17];
	struct vrdma_ctx *ctx;
	struct vrdma_rule *rule;
	size_t len;
	unsigned int i;

	ck_assert_msg(fp, "cannot open %s", MAN_PAGE);
	len = fread(text, 1, sizeof(text) - 1, fp);
	fclose(fp);
	text[len] = 0;
	ck_assert_int_eq(vrdma_ctx_new(&ctx), 0);
	for (i = 0; vrdma_ctx_get_rule(ctx, i, &rule) == 0; i++) {
		const char *code = vrdma_rule_get_code(rule), *name = vrdma_rule_get_name(rule);
		ck_assert_msg(strstr(text, code), "%s not in %s", code, MAN_PAGE);
		ck_assert_msg(strstr(text, name), "%s not in %s", name, MAN_PAGE);
	}
	vrdma_ctx_unref(ctx);
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
	struct vrdma_diag *d;
	const char *s;
	unsigned int idx;

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
	ck_assert_int_eq(vrdma_bindings_get_binding(NULL, 0, &bd), -EINVAL);
	ck_assert_ptr_null(vrdma_binding_get_vmk(NULL));
	ck_assert_int_eq(vrdma_binding_get_state(NULL), -EINVAL);
	ck_assert_int_eq(vrdma_binding_get_addr_gid_index(NULL, 0, &idx), -EINVAL);
	ck_assert_int_eq(vrdma_binding_get_netdev_name(NULL, &s), -EINVAL);
	ck_assert_ptr_null(vrdma_diag_get_rule(NULL));
	ck_assert_int_eq(vrdma_diag_get_object(NULL, 0, &s, &s), -EINVAL);
	ck_assert_int_eq(vrdma_diag_get_binding(NULL, &bd), -EINVAL);
	ck_assert(!vrdma_diag_involves(NULL, "x"));

	fx_load(&f, "rxe");
	ck_assert_int_eq(vrdma_bindings_new(NULL, f.cfg, &f.b), -EINVAL);
	compute(&f);
	ck_assert_int_eq(vrdma_bindings_find_binding(f.b, "vmk9", &bd), -ENOENT);
	ck_assert(strstr(vrdma_ctx_get_error(f.ctx), "vmk 'vmk9'"));
	ck_assert_int_eq(vrdma_bindings_find_binding(f.b, NULL, &bd), -EINVAL);
	ck_assert_int_eq(vrdma_bindings_get_binding(f.b, 2, &bd), -ENOENT);
	ck_assert(strstr(vrdma_ctx_get_error(f.ctx), "binding 2"));
	ck_assert_int_eq(vrdma_bindings_get_diag(f.b, 0, &d), -ENOENT);
	ck_assert_int_eq(vrdma_bindings_get_binding(f.b, 1, &bd), 0);
	ck_assert_str_eq(vmk_name(bd), "vmk2");
	ck_assert_str_eq(vrdma_ctx_get_error(f.ctx), ""); /* cleared by the success */
	bd = binding_of(&f, "vmk1");
	ck_assert_int_eq(vrdma_binding_get_addr_gid_index(bd, 2, &idx), -ENOENT);
	ck_assert(strstr(vrdma_ctx_get_error(f.ctx), "vmk 'vmk1': no address 2"));
	ck_assert_int_eq(vrdma_binding_get_addr(bd, 2, &s, NULL, NULL), -ENOENT);
	ck_assert_int_eq(vrdma_binding_get_diag(bd, 0, &d), -ENOENT);
	ck_assert(strstr(vrdma_ctx_get_error(f.ctx), "vmk 'vmk1'"));
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

/* A finding lists its objects; involves() covers its binding's chain too. */
START_TEST(test_diag_objects_and_involves)
{
	struct fx f;
	struct vrdma_diag *d;
	struct vrdma_binding *bd;
	const char *kind, *name;

	fx_load(&f, "rxe");
	set_down(jnetdev(&f, "ens1f0"));
	add_addr(&f, "eno1", "192.168.60.12", 24); /* B011 on vmk2 */
	compute(&f);
	d = first_diag(&f, "vmk1", VRDMA_SEVERITY_ERROR);
	ck_assert_ptr_nonnull(d);
	ck_assert_str_eq(diag_code(d), "VRDMA-B030");
	ck_assert_str_eq(vrdma_rule_get_name(vrdma_diag_get_rule(d)), "uplink-down");
	ck_assert_int_eq(vrdma_diag_get_object(d, 0, &kind, &name), 0);
	ck_assert_str_eq(kind, "vmk");
	ck_assert_str_eq(name, "vmk1");
	ck_assert_int_eq(vrdma_diag_get_object(d, (unsigned int)vrdma_diag_get_n_objects(d), &kind,
	                                       &name), -ENOENT);
	ck_assert(strstr(vrdma_ctx_get_error(f.ctx), "VRDMA-B030"));
	ck_assert(vrdma_diag_involves(d, "vmnic1"));
	ck_assert(vrdma_diag_involves(d, "ens1f0"));
	ck_assert(vrdma_diag_involves(d, "vmrdma0"));
	ck_assert(vrdma_diag_involves(d, "rxe0"));
	ck_assert(!vrdma_diag_involves(d, "vmk2"));
	ck_assert_int_eq(vrdma_diag_get_binding(d, &bd), 0);
	ck_assert_str_eq(vmk_name(bd), "vmk1");
	ck_assert_int_eq(vrdma_binding_get_n_diags(bd), 1);
	ck_assert_int_eq(vrdma_binding_get_diag(bd, 0, &d), 0);
	ck_assert_str_eq(diag_code(d), "VRDMA-B030");
	/* The chain's objects select a binding's findings too: B011 lists
	 * vmk2 and eno1, not vmrdma1, but it is about vmrdma1's binding. */
	ck_assert_int_eq(problems(&f, "vmrdma1"), 1);
	ck_assert_int_eq(problems(&f, "ens1f1"), 1);
	ck_assert_int_eq(problems(&f, "vmnic1"), 1);
	ck_assert_int_eq(problems(&f, "vSwitch2"), 1);
	ck_assert_int_eq(problems(&f, "nothing"), 0);
	ck_assert_int_eq(problems(&f, "vmk2"), 1);
	ck_assert_int_eq(problems(&f, "eno1"), 1);
	fx_free(&f);

	/* A finding about no single vmk has no binding. */
	fx_load(&f, "rxe");
	ck_assert_int_eq(vrdma_vmk_remove(vmk_of(&f, "vmk2")), 0);
	compute(&f);
	d = first_diag(&f, "vmrdma1", VRDMA_SEVERITY_INFO);
	ck_assert_ptr_nonnull(d);
	ck_assert_int_eq(vrdma_diag_get_binding(d, &bd), -ENOENT);
	ck_assert(strstr(vrdma_ctx_get_error(f.ctx), "VRDMA-B070"));
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
	tcase_add_test(tc, test_diag_objects_and_involves);
	tcase_add_test(tc, test_absent_values);
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
	tcase_add_test(rules, test_b012_once_per_vmk);
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
	ADD_PAIR(b046);
	tcase_add_test(rules, test_b046_v2);
	ADD_PAIR(b050);
	ADD_PAIR(b051);
	ADD_PAIR(b052);
	ADD_PAIR(b060);
	ADD_PAIR(b070);
	suite_add_tcase(s, rules);

	tcase_add_test(init, test_source_connected);
	tcase_add_test(init, test_source_gateway_and_unreachable);
	tcase_add_test(init, test_source_refuses_unhealthy);
	tcase_add_test(init, test_source_same_subnet_two_switches);
	tcase_add_test(init, test_source_longest_prefix);
	tcase_add_test(init, test_paths_one_subnet);
	tcase_add_test(init, test_paths_stable_order);
	tcase_add_test(init, test_paths_degraded_after_healthy);
	tcase_add_test(init, test_paths_gateway_after_connected);
	tcase_add_test(init, test_paths_longest_prefix_first);
	tcase_add_test(init, test_paths_none);
	tcase_add_test(init, test_paths_link_local);
	tcase_add_test(init, test_paths_service_tags);
	tcase_add_test(init, test_paths_args);
	suite_add_tcase(s, init);
	return s;
}

VRDMA_TEST_MAIN(make_binding_suite)
