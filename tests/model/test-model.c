/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Unit tests for the model: every rule of switches, port groups and vmks,
 * each with a passing and a failing case, checking the errno and that the
 * message names the object and the rule.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <vrdma/vrdma.h>

#include "testutil.h"

static struct vrdma_ctx *ctx;
static struct vrdma_config *cfg;

static void setup(void)
{
	ck_assert_int_eq(vrdma_ctx_new(&ctx), 0);
	vrdma_ctx_set_log_fn(ctx, NULL, NULL);
	ck_assert_int_eq(vrdma_config_new(ctx, &cfg), 0);
}

static void teardown(void)
{
	cfg = vrdma_config_unref(cfg);
	ctx = vrdma_ctx_unref(ctx);
}

/* Assert a call fails with `err` and a message containing `sub`. */
#define FAILS(call, err, sub)                                                   \
	do {                                                                    \
		int r_ = (call);                                                \
		ck_assert_msg(r_ == (err), "%s: got %d (%s), expected %d",      \
		              #call, r_, vrdma_ctx_get_error(ctx), (err));      \
		ck_assert_msg(strstr(vrdma_ctx_get_error(ctx), (sub)) != NULL,  \
		              "%s: message '%s' lacks '%s'", #call,             \
		              vrdma_ctx_get_error(ctx), (sub));                 \
	} while (0)

#define OK(call)                                                                \
	do {                                                                    \
		int r_ = (call);                                                \
		ck_assert_msg(r_ == 0, "%s: got %d (%s)", #call, r_,            \
		              vrdma_ctx_get_error(ctx));                        \
	} while (0)

/* The canonical text of cfg (free() it). */
static char *text_of(struct vrdma_config *c)
{
	char *t = NULL;

	ck_assert_int_eq(vrdma_config_format(c, &t), 0);
	return t;
}

/* What cfg would save loads again and formats to the same bytes. */
static void assert_reloads(void)
{
	struct vrdma_config *again = NULL;
	char *t = text_of(cfg), *t2;
	int r = vrdma_config_parse(ctx, t, strlen(t), &again);

	ck_assert_msg(r == 0, "the configuration does not load again: %s\n%s",
	              vrdma_ctx_get_error(ctx), t);
	t2 = text_of(again);
	ck_assert_str_eq(t, t2);
	free(t);
	free(t2);
	vrdma_config_unref(again);
}

/* FAILS, and the configuration is unchanged (byte for byte). */
#define FAILS_UNCHANGED(call, err, sub)                                         \
	do {                                                                    \
		char *before_ = text_of(cfg), *after_;                          \
		FAILS(call, err, sub);                                          \
		after_ = text_of(cfg);                                          \
		ck_assert_str_eq(before_, after_);                              \
		free(before_);                                                  \
		free(after_);                                                   \
	} while (0)

static struct vrdma_switch *add_sw(const char *name)
{
	struct vrdma_switch *sw = NULL;

	OK(vrdma_config_add_switch(cfg, name, VRDMA_SWITCH_STANDARD, NULL, &sw));
	return sw;
}

static struct vrdma_portgroup *add_pg(struct vrdma_switch *sw, const char *name)
{
	struct vrdma_portgroup *pg = NULL;

	OK(vrdma_switch_add_portgroup(sw, name, &pg));
	return pg;
}

static struct vrdma_vmk *add_vmk(struct vrdma_portgroup *pg, const char *name)
{
	struct vrdma_vmk *vmk = NULL;

	OK(vrdma_config_add_vmk(cfg, name, pg, &vmk));
	return vmk;
}

START_TEST(test_null_args)
{
	struct vrdma_switch *sw;
	struct vrdma_vmk *vmk;
	const char *s;

	ck_assert_int_eq(vrdma_config_new(NULL, &cfg), -EINVAL);
	ck_assert_int_eq(vrdma_config_new(ctx, NULL), -EINVAL);
	ck_assert_ptr_null(vrdma_config_unref(NULL));
	ck_assert_int_eq(vrdma_config_add_switch(NULL, "a", 0, NULL, &sw), -EINVAL);
	ck_assert_int_eq(vrdma_config_add_switch(cfg, NULL, 0, NULL, &sw), -EINVAL);
	ck_assert_int_eq(vrdma_switch_set_mtu(NULL, 1500), -EINVAL);
	ck_assert_int_eq(vrdma_switch_add_uplink(NULL, "x"), -EINVAL);
	ck_assert_int_eq(vrdma_portgroup_set_vlan_id(NULL, 1), -EINVAL);
	ck_assert_int_eq(vrdma_vmk_set_ipv4(NULL, "10.0.0.1", 24), -EINVAL);
	ck_assert_int_eq(vrdma_vmk_get_ipv4(NULL, &s, NULL), -EINVAL);
	ck_assert_int_eq(vrdma_config_save(NULL, "/tmp/x"), -EINVAL);
	ck_assert_int_eq(vrdma_config_load(NULL, "/tmp/x", &cfg), -EINVAL);
	ck_assert_int_eq(vrdma_config_parse(ctx, NULL, 0, &cfg), -EINVAL);
	ck_assert_ptr_null(vrdma_switch_get_name(NULL));
	ck_assert_ptr_null(vrdma_portgroup_get_switch(NULL));
	ck_assert_ptr_null(vrdma_vmk_get_portgroup(NULL));
	ck_assert_uint_eq(vrdma_config_get_generation(NULL), 0);
	ck_assert_int_eq(vrdma_config_get_path(NULL, &s), -EINVAL);
	ck_assert_int_eq(vrdma_config_get_n_switches(NULL), -EINVAL);
	ck_assert_int_eq(vrdma_switch_get_n_uplinks(NULL), -EINVAL);
	ck_assert_int_eq(vrdma_switch_get_n_failover_uplinks(NULL, VRDMA_UPLINK_ACTIVE), -EINVAL);
	ck_assert_int_eq(vrdma_portgroup_get_n_vmks(NULL), -EINVAL);
	ck_assert_int_eq(vrdma_vmk_get_n_ipv6(NULL), -EINVAL);
	ck_assert(!vrdma_portgroup_has_failover_override(NULL));
	ck_assert_uint_eq(vrdma_vmk_get_tags(NULL), 0);
	ck_assert_int_eq(vrdma_vmk_tag_from_string(NULL), -EINVAL);
	ck_assert_ptr_null(vrdma_vmk_tag_to_string(0));
	/* a NULL argument besides the handle is reported on the context */
	FAILS(vrdma_config_find_switch(cfg, NULL, &sw), -EINVAL, "configuration: find switch");
	FAILS(vrdma_config_add_vmk(cfg, NULL, NULL, &vmk), -EINVAL, "NULL port group");
}
END_TEST

START_TEST(test_switch_names)
{
	struct vrdma_switch *sw, *found;

	sw = add_sw("vSwitch1");
	ck_assert_str_eq(vrdma_switch_get_name(sw), "vSwitch1");
	ck_assert_str_eq(vrdma_switch_get_ifname(sw), "vSwitch1");
	ck_assert_int_eq(vrdma_switch_get_type(sw), VRDMA_SWITCH_STANDARD);
	ck_assert_int_eq(vrdma_switch_get_mtu(sw), 1500);
	ck_assert_ptr_eq(vrdma_switch_get_config(sw), cfg);
	OK(vrdma_config_find_switch(cfg, "vSwitch1", &found));
	ck_assert_ptr_eq(found, sw);
	FAILS(vrdma_config_find_switch(cfg, "nope", &found), -ENOENT, "'nope' not found");

	FAILS(vrdma_config_add_switch(cfg, "vSwitch1", VRDMA_SWITCH_STANDARD, NULL, NULL),
	      -EEXIST, "switch 'vSwitch1': a switch with this name exists");
	FAILS(vrdma_config_add_switch(cfg, "", VRDMA_SWITCH_STANDARD, NULL, NULL),
	      -EINVAL, "name is empty");
	FAILS(vrdma_config_add_switch(cfg, "a23456789012345678901234567890123",
	                              VRDMA_SWITCH_STANDARD, "x", NULL),
	      -ENAMETOOLONG, "longer than 32");
	/* exactly 32 characters is fine with an explicit interface name */
	OK(vrdma_config_add_switch(cfg, "a2345678901234567890123456789012",
	                           VRDMA_SWITCH_STANDARD, "br32", NULL));
	FAILS(vrdma_config_add_switch(cfg, "bad/name", VRDMA_SWITCH_STANDARD, "x", NULL),
	      -EINVAL, "character '/' not allowed");
	FAILS(vrdma_config_add_switch(cfg, " lead", VRDMA_SWITCH_STANDARD, "x", NULL),
	      -EINVAL, "starts or ends with a space");
	FAILS(vrdma_config_add_switch(cfg, "x", (enum vrdma_switch_type)7, NULL, NULL),
	      -EINVAL, "unknown switch type");
}
END_TEST

START_TEST(test_switch_ifname_mapping)
{
	struct vrdma_switch *sw;

	/* Too long for a Linux bridge plus ".4094": never truncated, an error. */
	FAILS(vrdma_config_add_switch(cfg, "vSwitchStorage", VRDMA_SWITCH_STANDARD, NULL, NULL),
	      -ENAMETOOLONG, "give an interface name");
	ck_assert_int_eq(vrdma_config_get_n_switches(cfg), 0);
	FAILS(vrdma_config_add_switch(cfg, "VM Network", VRDMA_SWITCH_STANDARD, NULL, NULL),
	      -EINVAL, "not usable as a Linux bridge name");
	OK(vrdma_config_add_switch(cfg, "vSwitchStorage", VRDMA_SWITCH_STANDARD, "vsstor", &sw));
	ck_assert_str_eq(vrdma_switch_get_ifname(sw), "vsstor");
	FAILS(vrdma_config_add_switch(cfg, "other", VRDMA_SWITCH_STANDARD, "vsstor", NULL),
	      -EEXIST, "already used by switch 'vSwitchStorage'");
	FAILS(vrdma_config_add_switch(cfg, "other", VRDMA_SWITCH_STANDARD, "abcdefghijk", NULL),
	      -ENAMETOOLONG, "longer than 10");
	FAILS(vrdma_config_add_switch(cfg, "other", VRDMA_SWITCH_STANDARD, "br.1", NULL),
	      -EINVAL, "must not contain '.'");
	FAILS(vrdma_config_add_switch(cfg, "other", VRDMA_SWITCH_STANDARD, "vmk3", NULL),
	      -EINVAL, "reserved for vmks");
	FAILS(vrdma_config_add_switch(cfg, "other", VRDMA_SWITCH_STANDARD, "a b", NULL),
	      -EINVAL, "not allowed in interface name");
	FAILS(vrdma_config_add_switch(cfg, "vmk1", VRDMA_SWITCH_STANDARD, NULL, NULL),
	      -EINVAL, "reserved for vmks");
	OK(vrdma_switch_set_ifname(sw, "vsS"));
	ck_assert_str_eq(vrdma_switch_get_ifname(sw), "vsS");
	FAILS(vrdma_switch_set_ifname(sw, NULL), -ENAMETOOLONG, "give an interface name");
	ck_assert_str_eq(vrdma_switch_get_ifname(sw), "vsS");
}
END_TEST

START_TEST(test_switch_limit)
{
	char name[32];
	int i;

	for (i = 0; i < VRDMA_MAX_SWITCHES; i++) {
		snprintf(name, sizeof(name), "sw%d", i);
		OK(vrdma_config_add_switch(cfg, name, VRDMA_SWITCH_STANDARD, NULL, NULL));
	}
	FAILS(vrdma_config_add_switch(cfg, "one-more", VRDMA_SWITCH_STANDARD, NULL, NULL),
	      -ENOSPC, "limit of 64 switches");
	ck_assert_int_eq(vrdma_config_get_n_switches(cfg), VRDMA_MAX_SWITCHES);
}
END_TEST

START_TEST(test_switch_mtu)
{
	struct vrdma_switch *sw = add_sw("vSwitch1");
	struct vrdma_vmk *vmk;

	OK(vrdma_switch_set_mtu(sw, 1280));
	OK(vrdma_switch_set_mtu(sw, 9000));
	ck_assert_int_eq(vrdma_switch_get_mtu(sw), 9000);
	FAILS(vrdma_switch_set_mtu(sw, 1279), -ERANGE, "switch 'vSwitch1': MTU 1279 out of range 1280-9000");
	FAILS(vrdma_switch_set_mtu(sw, 9001), -ERANGE, "out of range");
	ck_assert_int_eq(vrdma_switch_get_mtu(sw), 9000);
	vmk = add_vmk(add_pg(sw, "PG"), NULL);
	OK(vrdma_vmk_set_mtu(vmk, 9000));
	FAILS(vrdma_switch_set_mtu(sw, 1500), -EBUSY, "below the MTU 9000 of its vmk 'vmk0'");
	OK(vrdma_vmk_set_mtu(vmk, 1500));
	OK(vrdma_switch_set_mtu(sw, 1500));
}
END_TEST

START_TEST(test_uplinks)
{
	struct vrdma_switch *a = add_sw("vSwitch1"), *b = add_sw("vSwitch2");
	const char *u;
	char name[16];
	int i;

	OK(vrdma_switch_add_uplink(a, "vmnic1"));
	OK(vrdma_switch_add_uplink(a, "veth0"));
	ck_assert_int_eq(vrdma_switch_get_n_uplinks(a), 2);
	OK(vrdma_switch_get_uplink(a, 1, &u));
	ck_assert_str_eq(u, "veth0");
	FAILS(vrdma_switch_get_uplink(a, 2, &u), -ENOENT, "switch 'vSwitch1': no uplink 2 (it has 2)");
	ck_assert_str_eq(u, "veth0"); /* untouched on failure */
	OK(vrdma_switch_get_uplink_device(a, "vmnic1", &u));
	ck_assert_str_eq(u, "vmnic1");
	/* added uplinks become active, in order */
	ck_assert_int_eq(vrdma_switch_get_n_failover_uplinks(a, VRDMA_UPLINK_ACTIVE), 2);
	OK(vrdma_switch_get_failover_uplink(a, VRDMA_UPLINK_ACTIVE, 0, &u));
	ck_assert_str_eq(u, "vmnic1");

	FAILS(vrdma_switch_add_uplink(a, "vmnic1"), -EEXIST, "already an uplink of this switch");
	FAILS(vrdma_switch_add_uplink(b, "vmnic1"), -EEXIST,
	      "switch 'vSwitch2': uplink 'vmnic1' is already used by switch 'vSwitch1'");
	FAILS(vrdma_switch_add_uplink(b, "vmk1"), -EINVAL, "a vmk cannot be an uplink");
	FAILS(vrdma_switch_add_uplink(b, "vSwitch1"), -EINVAL, "is the bridge of switch 'vSwitch1'");
	FAILS(vrdma_switch_add_uplink(b, "a-very-long-netdev"), -ENAMETOOLONG, "longer than 15");
	FAILS(vrdma_switch_add_uplink(b, "eth 0"), -EINVAL, "not allowed");
	/* a bridge name may not reuse an uplink either */
	FAILS(vrdma_config_add_switch(cfg, "vmnic1", VRDMA_SWITCH_STANDARD, NULL, NULL),
	      -EEXIST, "is an uplink of switch 'vSwitch1'");

	FAILS(vrdma_switch_remove_uplink(a, "vmnic9"), -ENOENT, "no uplink 'vmnic9'");
	OK(vrdma_switch_remove_uplink(a, "vmnic1"));
	ck_assert_int_eq(vrdma_switch_get_n_failover_uplinks(a, VRDMA_UPLINK_ACTIVE), 1);
	OK(vrdma_switch_add_uplink(b, "vmnic1"));

	for (i = vrdma_switch_get_n_uplinks(b); i < VRDMA_MAX_UPLINKS; i++) {
		snprintf(name, sizeof(name), "eth%d", i);
		OK(vrdma_switch_add_uplink(b, name));
	}
	FAILS(vrdma_switch_add_uplink(b, "eth99"), -ENOSPC, "limit of 32 uplinks");
}
END_TEST

START_TEST(test_failover)
{
	struct vrdma_switch *sw = add_sw("vSwitch1");
	struct vrdma_portgroup *pg;
	const char *act[] = { "vmnic2" }, *stb[] = { "vmnic1" }, *both[] = { "vmnic1" };
	const char *twice[] = { "vmnic1", "vmnic1" }, *unknown[] = { "vmnic7" };
	const char *u;

	OK(vrdma_switch_add_uplink(sw, "vmnic1"));
	OK(vrdma_switch_add_uplink(sw, "vmnic2"));
	OK(vrdma_switch_add_uplink(sw, "vmnic3"));
	OK(vrdma_switch_set_failover(sw, act, 1, stb, 1));
	ck_assert_int_eq(vrdma_switch_get_n_failover_uplinks(sw, VRDMA_UPLINK_ACTIVE), 1);
	ck_assert_int_eq(vrdma_switch_get_n_failover_uplinks(sw, VRDMA_UPLINK_STANDBY), 1);
	ck_assert_int_eq(vrdma_switch_get_n_failover_uplinks(sw, VRDMA_UPLINK_UNUSED), 1);
	OK(vrdma_switch_get_failover_uplink(sw, VRDMA_UPLINK_UNUSED, 0, &u));
	ck_assert_str_eq(u, "vmnic3");

	FAILS(vrdma_switch_set_failover(sw, both, 1, both, 1), -EINVAL,
	      "switch 'vSwitch1': failover: uplink 'vmnic1' is both active and standby");
	FAILS(vrdma_switch_set_failover(sw, twice, 2, NULL, 0), -EINVAL, "listed twice");
	FAILS(vrdma_switch_set_failover(sw, unknown, 1, NULL, 0), -EINVAL,
	      "'vmnic7' is not an uplink of switch 'vSwitch1'");
	FAILS(vrdma_switch_set_failover(sw, NULL, 1, NULL, 0), -EINVAL, "NULL uplink list");
	/* unchanged after the failures */
	OK(vrdma_switch_get_failover_uplink(sw, VRDMA_UPLINK_ACTIVE, 0, &u));
	ck_assert_str_eq(u, "vmnic2");

	/* port group inherits, then overrides */
	pg = add_pg(sw, "PG");
	ck_assert(!vrdma_portgroup_has_failover_override(pg));
	OK(vrdma_portgroup_get_failover_uplink(pg, VRDMA_UPLINK_ACTIVE, 0, &u));
	ck_assert_str_eq(u, "vmnic2");
	OK(vrdma_portgroup_set_failover(pg, stb, 1, NULL, 0));
	ck_assert(vrdma_portgroup_has_failover_override(pg));
	OK(vrdma_portgroup_get_failover_uplink(pg, VRDMA_UPLINK_ACTIVE, 0, &u));
	ck_assert_str_eq(u, "vmnic1");
	ck_assert_int_eq(vrdma_portgroup_get_n_failover_uplinks(pg, VRDMA_UPLINK_STANDBY), 0);
	ck_assert_int_eq(vrdma_portgroup_get_n_failover_uplinks(pg, VRDMA_UPLINK_UNUSED), 2);
	FAILS(vrdma_portgroup_set_failover(pg, both, 1, both, 1), -EINVAL,
	      "port group 'PG': failover: uplink 'vmnic1' is both active and standby");
	/* an uplink named by an override cannot be removed silently */
	FAILS(vrdma_switch_remove_uplink(sw, "vmnic1"), -EBUSY,
	      "failover override of port group 'PG' names it");
	OK(vrdma_portgroup_clear_failover(pg));
	OK(vrdma_portgroup_get_failover_uplink(pg, VRDMA_UPLINK_ACTIVE, 0, &u));
	ck_assert_str_eq(u, "vmnic2");
	OK(vrdma_switch_remove_uplink(sw, "vmnic1"));
	ck_assert_int_eq(vrdma_switch_get_n_failover_uplinks(sw, VRDMA_UPLINK_STANDBY), 0);
}
END_TEST

START_TEST(test_distributed)
{
	struct vrdma_switch *ds = NULL, *ss = add_sw("vSwitch1");
	struct vrdma_portgroup *pg;
	const char *u;
	const char *act[] = { "Uplink 1" };
	unsigned int f, l;

	OK(vrdma_config_add_switch(cfg, "DSwitch", VRDMA_SWITCH_DISTRIBUTED, NULL, &ds));
	OK(vrdma_switch_add_uplink(ds, "Uplink 1"));
	OK(vrdma_switch_add_uplink(ds, "Uplink 2"));
	FAILS(vrdma_switch_add_uplink(ds, "Uplink 1"), -EEXIST, "uplink slot 'Uplink 1' already exists");
	FAILS(vrdma_switch_get_uplink_device(ds, "Uplink 1", &u), -ENOENT, "not mapped");
	OK(vrdma_switch_set_uplink_device(ds, "Uplink 1", "vmnic1"));
	OK(vrdma_switch_get_uplink_device(ds, "Uplink 1", &u));
	ck_assert_str_eq(u, "vmnic1");
	FAILS(vrdma_switch_set_uplink_device(ds, "Uplink 2", "vmnic1"), -EEXIST,
	      "already an uplink of this switch as Uplink 1");
	FAILS(vrdma_switch_set_uplink_device(ds, "Uplink 9", "vmnic2"), -ENOENT, "no uplink slot");
	FAILS(vrdma_switch_set_uplink_device(ss, "vmnic1", "vmnic2"), -EOPNOTSUPP,
	      "only on a distributed switch");
	FAILS(vrdma_switch_add_uplink(ss, "vmnic1"), -EEXIST, "already used by switch 'DSwitch'");
	OK(vrdma_switch_set_failover(ds, act, 1, NULL, 0));

	pg = add_pg(ds, "DPortGroup");
	OK(vrdma_portgroup_set_vlan_id(pg, 100));
	FAILS(vrdma_portgroup_set_vlan_id(pg, 4095), -ERANGE, "use VLAN trunk ranges");
	OK(vrdma_portgroup_set_vlan_trunk(pg, "100-200, 10,150-300,5-9"));
	ck_assert_int_eq(vrdma_portgroup_get_vlan_mode(pg), VRDMA_VLAN_TRUNK);
	ck_assert_int_eq(vrdma_portgroup_get_n_vlan_trunk_ranges(pg), 2);
	OK(vrdma_portgroup_get_vlan_trunk_range(pg, 0, &f, &l));
	ck_assert_uint_eq(f, 5);
	ck_assert_uint_eq(l, 10);
	OK(vrdma_portgroup_get_vlan_trunk_range(pg, 1, &f, &l));
	ck_assert_uint_eq(f, 100);
	ck_assert_uint_eq(l, 300);
	FAILS(vrdma_portgroup_set_vlan_trunk(pg, "1-4095"), -ERANGE, "out of range 0-4094");
	FAILS(vrdma_portgroup_set_vlan_trunk(pg, "20-10"), -EINVAL, "reversed");
	FAILS(vrdma_portgroup_set_vlan_trunk(pg, "1,x"), -EINVAL, "expected a number");
	FAILS(vrdma_portgroup_set_vlan_trunk(pg, ""), -EINVAL, "expected a number");
	FAILS(vrdma_portgroup_set_vlan_trunk(pg, "1;2"), -EINVAL, "unexpected ';'");
	ck_assert_int_eq(vrdma_portgroup_get_n_vlan_trunk_ranges(pg), 2);
	ck_assert_str_eq(vrdma_portgroup_get_ifname(pg), "DSwitch");
	OK(vrdma_switch_set_uplink_device(ds, "Uplink 1", NULL));
	OK(vrdma_switch_add_uplink(ss, "vmnic1"));
}
END_TEST

START_TEST(test_portgroups)
{
	struct vrdma_switch *a = add_sw("vSwitch1"), *b = add_sw("vSwitch2");
	struct vrdma_portgroup *pg, *found;
	unsigned int f, l;

	pg = add_pg(a, "Storage PG");
	ck_assert_ptr_eq(vrdma_portgroup_get_switch(pg), a);
	FAILS(vrdma_switch_add_portgroup(a, "Storage PG", NULL), -EEXIST,
	      "port group 'Storage PG': already exists on switch 'vSwitch1'");
	FAILS(vrdma_switch_add_portgroup(a, "bad\"pg", NULL), -EINVAL, "not allowed");
	OK(vrdma_config_find_portgroup(cfg, "Storage PG", &found));
	ck_assert_ptr_eq(found, pg);
	/* the same name on another switch is allowed, a global lookup is then ambiguous */
	add_pg(b, "Storage PG");
	FAILS(vrdma_config_find_portgroup(cfg, "Storage PG", &found), -ENOTUNIQ, "name the switch");
	OK(vrdma_switch_find_portgroup(b, "Storage PG", &found));
	ck_assert_ptr_ne(found, pg);
	FAILS(vrdma_config_find_portgroup(cfg, "x", &found), -ENOENT, "not found");

	/* VLAN rules on a vSS */
	ck_assert_int_eq(vrdma_portgroup_get_vlan_mode(pg), VRDMA_VLAN_NONE);
	ck_assert_str_eq(vrdma_portgroup_get_ifname(pg), "vSwitch1");
	OK(vrdma_portgroup_set_vlan_id(pg, 1));
	OK(vrdma_portgroup_set_vlan_id(pg, 4094));
	ck_assert_int_eq(vrdma_portgroup_get_vlan_mode(pg), VRDMA_VLAN_TAGGED);
	ck_assert_str_eq(vrdma_portgroup_get_ifname(pg), "vSwitch1.4094");
	OK(vrdma_portgroup_set_vlan_id(pg, 4095));
	ck_assert_int_eq(vrdma_portgroup_get_vlan_mode(pg), VRDMA_VLAN_TRUNK);
	ck_assert_str_eq(vrdma_portgroup_get_ifname(pg), "vSwitch1");
	ck_assert_int_eq(vrdma_portgroup_get_n_vlan_trunk_ranges(pg), 1);
	OK(vrdma_portgroup_get_vlan_trunk_range(pg, 0, &f, &l));
	ck_assert_uint_eq(l, 4094);
	FAILS(vrdma_portgroup_set_vlan_id(pg, 4096), -ERANGE,
	      "port group 'Storage PG': VLAN ID 4096 out of range 0-4095");
	FAILS(vrdma_portgroup_set_vlan_id(pg, -1), -ERANGE, "out of range");
	FAILS(vrdma_portgroup_set_vlan_trunk(pg, "1-10"), -EOPNOTSUPP, "use VLAN ID 4095");
	ck_assert_int_eq(vrdma_portgroup_get_vlan_id(pg), 4095);
	OK(vrdma_portgroup_set_vlan_id(pg, 0));
	ck_assert_int_eq(vrdma_portgroup_get_vlan_mode(pg), VRDMA_VLAN_NONE);
}
END_TEST

START_TEST(test_portgroup_limit)
{
	struct vrdma_switch *a = add_sw("a"), *b = add_sw("b");
	char name[32];
	int i;

	for (i = 0; i < VRDMA_MAX_PORTGROUPS; i++) {
		snprintf(name, sizeof(name), "pg%d", i);
		OK(vrdma_switch_add_portgroup(i % 2 ? a : b, name, NULL));
	}
	FAILS(vrdma_switch_add_portgroup(a, "more", NULL), -ENOSPC, "limit of 512 port groups");
}
END_TEST

START_TEST(test_removal)
{
	struct vrdma_switch *sw = add_sw("vSwitch1");
	struct vrdma_portgroup *pg = add_pg(sw, "PG"), *pg2 = add_pg(sw, "Other");
	struct vrdma_vmk *vmk = add_vmk(pg, "vmk1");

	ck_assert_int_eq(vrdma_portgroup_get_n_vmks(pg), 1);
	FAILS(vrdma_portgroup_remove(pg), -EBUSY,
	      "port group 'PG': cannot remove: vmk 'vmk1' uses it");
	FAILS(vrdma_switch_remove(sw), -EBUSY, "port group 'PG' still has vmk 'vmk1'");
	ck_assert_int_eq(vrdma_switch_get_n_portgroups(sw), 2);
	OK(vrdma_portgroup_remove(pg2));
	ck_assert_int_eq(vrdma_switch_get_n_portgroups(sw), 1);

	/* a removed object is gone from its configuration; its handle is invalid */
	OK(vrdma_vmk_remove(vmk));
	ck_assert_int_eq(vrdma_config_get_n_vmks(cfg), 0);
	FAILS(vrdma_config_find_vmk(cfg, "vmk1", &vmk), -ENOENT, "vmk 'vmk1' not found");
	ck_assert_int_eq(vrdma_portgroup_get_n_vmks(pg), 0);
	OK(vrdma_switch_remove(sw));
	ck_assert_int_eq(vrdma_config_get_n_switches(cfg), 0);
	FAILS(vrdma_config_find_switch(cfg, "vSwitch1", &sw), -ENOENT, "switch 'vSwitch1' not found");
	FAILS(vrdma_config_find_portgroup(cfg, "PG", &pg), -ENOENT, "port group 'PG' not found");
	/* the names are free again */
	sw = add_sw("vSwitch1");
	add_vmk(add_pg(sw, "PG"), "vmk1");
}
END_TEST

/* Borrowed handles keep their address while other objects come and go. */
START_TEST(test_handles_stable)
{
	struct vrdma_switch *sw = add_sw("vSwitch1"), *found;
	struct vrdma_portgroup *pg = add_pg(sw, "PG"), *fpg;
	struct vrdma_vmk *vmk = add_vmk(pg, "vmk7"), *fvmk;
	char name[32];
	int i;

	for (i = 0; i < 40; i++) {
		snprintf(name, sizeof(name), "sw%d", i);
		add_pg(add_sw(name), "PG");
		add_vmk(pg, NULL);
	}
	snprintf(name, sizeof(name), "sw%d", 3);
	OK(vrdma_config_find_switch(cfg, name, &found));
	OK(vrdma_switch_remove(found));
	OK(vrdma_config_find_vmk(cfg, "vmk2", &fvmk));
	OK(vrdma_vmk_remove(fvmk));
	OK(vrdma_config_find_switch(cfg, "vSwitch1", &found));
	ck_assert_ptr_eq(found, sw);
	OK(vrdma_switch_find_portgroup(sw, "PG", &fpg));
	ck_assert_ptr_eq(fpg, pg);
	OK(vrdma_config_find_vmk(cfg, "vmk7", &fvmk));
	ck_assert_ptr_eq(fvmk, vmk);
	ck_assert_ptr_eq(vrdma_vmk_get_portgroup(vmk), pg);
	ck_assert_ptr_eq(vrdma_portgroup_get_switch(pg), sw);
	ck_assert_ptr_eq(vrdma_switch_get_config(sw), cfg);
	ck_assert_ptr_eq(vrdma_vmk_get_config(vmk), cfg);
	OK(vrdma_vmk_set_mtu(vmk, 1400));
}
END_TEST

/* Index getters: 0-based, -ENOENT past the end with a message naming the
 * object; *ret untouched on failure; a success clears the message. */
START_TEST(test_indexes)
{
	struct vrdma_switch *sw = add_sw("vSwitch1"), *s = NULL;
	struct vrdma_portgroup *pg = add_pg(sw, "PG"), *p = NULL;
	struct vrdma_vmk *v = NULL;
	const char *u = NULL, *path = NULL;
	unsigned int f = 7, l = 7;

	add_vmk(pg, "vmk3");
	OK(vrdma_config_get_switch(cfg, 0, &s));
	ck_assert_ptr_eq(s, sw);
	FAILS(vrdma_config_get_switch(cfg, 1, &s), -ENOENT, "configuration: no switch 1 (it has 1)");
	ck_assert_ptr_eq(s, sw);
	OK(vrdma_config_get_vmk(cfg, 0, &v));
	ck_assert_str_eq(vrdma_vmk_get_name(v), "vmk3");
	ck_assert_str_eq(vrdma_ctx_get_error(ctx), "");
	FAILS(vrdma_config_get_vmk(cfg, 1, &v), -ENOENT, "configuration: no vmk 1 (it has 1)");
	OK(vrdma_switch_get_portgroup(sw, 0, &p));
	ck_assert_ptr_eq(p, pg);
	FAILS(vrdma_switch_get_portgroup(sw, 1, &p), -ENOENT,
	      "switch 'vSwitch1': no port group 1 (it has 1)");
	FAILS(vrdma_switch_get_failover_uplink(sw, VRDMA_UPLINK_ACTIVE, 0, &u), -ENOENT,
	      "switch 'vSwitch1': no active uplink 0 (it has 0)");
	FAILS(vrdma_portgroup_get_failover_uplink(pg, VRDMA_UPLINK_UNUSED, 0, &u), -ENOENT,
	      "port group 'PG': no unused uplink 0 (it has 0)");
	FAILS(vrdma_switch_get_n_failover_uplinks(sw, (enum vrdma_uplink_role)9), -EINVAL,
	      "switch 'vSwitch1': unknown uplink role 9");
	ck_assert_ptr_null(u);
	ck_assert_int_eq(vrdma_portgroup_get_n_vlan_trunk_ranges(pg), 0);
	FAILS(vrdma_portgroup_get_vlan_trunk_range(pg, 0, &f, &l), -ENOENT,
	      "port group 'PG': no VLAN trunk range 0 (it has 0)");
	ck_assert_uint_eq(f, 7);
	FAILS(vrdma_config_get_path(cfg, &path), -ENOENT, "never loaded or saved");
	ck_assert_ptr_null(path);
	ck_assert_uint_eq(vrdma_config_get_generation(cfg), 0);
	/* the next successful call clears the message */
	OK(vrdma_config_find_switch(cfg, "vSwitch1", &s));
	ck_assert_str_eq(vrdma_ctx_get_error(ctx), "");
}
END_TEST

START_TEST(test_vmk_names)
{
	struct vrdma_switch *sw = add_sw("vSwitch1");
	struct vrdma_portgroup *pg = add_pg(sw, "PG");
	struct vrdma_vmk *v0, *v1, *v, *found;

	v0 = add_vmk(pg, NULL);
	v1 = add_vmk(pg, NULL);
	ck_assert_str_eq(vrdma_vmk_get_name(v0), "vmk0");
	ck_assert_str_eq(vrdma_vmk_get_name(v1), "vmk1");
	ck_assert_str_eq(vrdma_vmk_get_name(v1), "vmk1");
	v = add_vmk(pg, "vmk5");
	OK(vrdma_vmk_remove(v0));
	v = add_vmk(pg, NULL);
	ck_assert_str_eq(vrdma_vmk_get_name(v), "vmk0"); /* lowest free */
	v = add_vmk(pg, NULL);
	ck_assert_str_eq(vrdma_vmk_get_name(v), "vmk2");
	OK(vrdma_config_find_vmk(cfg, "vmk5", &found));
	/* iteration is ordered by number */
	OK(vrdma_config_get_vmk(cfg, 3, &found));
	ck_assert_str_eq(vrdma_vmk_get_name(found), "vmk5");
	FAILS(vrdma_config_find_vmk(cfg, "vmk9", &found), -ENOENT, "vmk 'vmk9' not found");
	FAILS(vrdma_config_add_vmk(cfg, "vmk1", pg, NULL), -EEXIST, "vmk 'vmk1': already exists");
	FAILS(vrdma_config_add_vmk(cfg, "vmk01", pg, NULL), -EINVAL, "name must be vmkN");
	FAILS(vrdma_config_add_vmk(cfg, "vmk256", pg, NULL), -EINVAL, "name must be vmkN with N 0-255");
	FAILS(vrdma_config_add_vmk(cfg, "eth0", pg, NULL), -EINVAL, "name must be vmkN");
	FAILS(vrdma_config_add_vmk(cfg, "vmk", pg, NULL), -EINVAL, "name must be vmkN");
	OK(vrdma_config_add_vmk(cfg, "vmk255", pg, NULL));
}
END_TEST

START_TEST(test_vmk_limit)
{
	struct vrdma_portgroup *pg = add_pg(add_sw("vSwitch1"), "PG");
	int i;

	for (i = 0; i < VRDMA_MAX_VMKS; i++)
		OK(vrdma_config_add_vmk(cfg, NULL, pg, NULL));
	FAILS(vrdma_config_add_vmk(cfg, NULL, pg, NULL), -ENOSPC, "limit of 256 vmks");
}
END_TEST

START_TEST(test_vmk_mac)
{
	struct vrdma_portgroup *pg = add_pg(add_sw("vSwitch1"), "PG");
	struct vrdma_vmk *a = add_vmk(pg, NULL), *b = add_vmk(pg, NULL);
	unsigned int m0;
	char saved[32];

	/* generated: locally administered, unicast, distinct */
	ck_assert_int_eq(strlen(vrdma_vmk_get_mac(a)), 17);
	ck_assert_int_eq(sscanf(vrdma_vmk_get_mac(a), "%2x", &m0), 1);
	ck_assert_uint_eq(m0 & 0x3, 0x2);
	ck_assert_str_ne(vrdma_vmk_get_mac(a), vrdma_vmk_get_mac(b));
	/* stable: the same host and name give the same MAC */
	snprintf(saved, sizeof(saved), "%s", vrdma_vmk_get_mac(a));
	OK(vrdma_vmk_remove(a));
	a = add_vmk(pg, NULL);
	ck_assert_str_eq(vrdma_vmk_get_mac(a), saved);

	OK(vrdma_vmk_set_mac(a, "00:11:22:33:44:55"));
	ck_assert_str_eq(vrdma_vmk_get_mac(a), "00:11:22:33:44:55");
	OK(vrdma_vmk_set_mac(a, "00-11-22-33-44-AA"));
	ck_assert_str_eq(vrdma_vmk_get_mac(a), "00:11:22:33:44:aa");
	FAILS(vrdma_vmk_set_mac(b, "00:11:22:33:44:aa"), -EEXIST, "already used by vmk 'vmk0'");
	FAILS(vrdma_vmk_set_mac(b, "01:00:5e:00:00:01"), -EINVAL, "multicast");
	FAILS(vrdma_vmk_set_mac(b, "00:00:00:00:00:00"), -EINVAL, "all zeros");
	FAILS(vrdma_vmk_set_mac(b, "00:11:22:33:44"), -EINVAL, "xx:xx:xx:xx:xx:xx");
	FAILS(vrdma_vmk_set_mac(b, "00:11:22:33:44:zz"), -EINVAL, "xx:xx:xx:xx:xx:xx");
	OK(vrdma_vmk_set_mac(a, NULL));
	ck_assert_str_eq(vrdma_vmk_get_mac(a), saved);
}
END_TEST

START_TEST(test_vmk_mtu)
{
	struct vrdma_switch *sw = add_sw("vSwitch1"), *jumbo = add_sw("vSwitch2");
	struct vrdma_portgroup *pg = add_pg(sw, "PG"), *jpg = add_pg(jumbo, "JPG");
	struct vrdma_vmk *vmk;

	OK(vrdma_switch_set_mtu(sw, 1400));
	vmk = add_vmk(pg, NULL);
	ck_assert_int_eq(vrdma_vmk_get_mtu(vmk), 1400); /* min(1500, switch) */
	FAILS(vrdma_vmk_set_mtu(vmk, 1500), -ERANGE, "vmk 'vmk0': MTU 1500 is above switch 'vSwitch1' MTU 1400");
	FAILS(vrdma_vmk_set_mtu(vmk, 1000), -ERANGE, "out of range 1280-9000");
	OK(vrdma_switch_set_mtu(jumbo, 9000));
	OK(vrdma_vmk_set_portgroup(vmk, jpg));
	OK(vrdma_vmk_set_mtu(vmk, 9000));
	FAILS(vrdma_vmk_set_portgroup(vmk, pg), -ERANGE, "MTU 9000 is above switch 'vSwitch1'");
	ck_assert_ptr_eq(vrdma_vmk_get_portgroup(vmk), jpg);
	FAILS(vrdma_vmk_set_mtu(vmk, 9001), -ERANGE, "out of range");
}
END_TEST

START_TEST(test_ipv4)
{
	struct vrdma_portgroup *pg = add_pg(add_sw("vSwitch1"), "PG");
	struct vrdma_vmk *a = add_vmk(pg, "vmk1"), *b = add_vmk(pg, "vmk2");
	const char *s;
	unsigned int p;

	FAILS(vrdma_vmk_get_ipv4(a, &s, &p), -ENOENT, "vmk 'vmk1': no IPv4 address");
	OK(vrdma_vmk_set_ipv4(a, "192.168.10.11", 24));
	OK(vrdma_vmk_get_ipv4(a, &s, &p));
	ck_assert_str_eq(s, "192.168.10.11");
	ck_assert_uint_eq(p, 24);
	FAILS(vrdma_vmk_set_ipv4(b, "192.168.10.11", 24), -EEXIST,
	      "vmk 'vmk2': IPv4 address 192.168.10.11 is already used by vmk 'vmk1'");
	FAILS(vrdma_vmk_set_ipv4(b, "192.168.10.0", 24), -EINVAL, "is the network address");
	FAILS(vrdma_vmk_set_ipv4(b, "192.168.10.255", 24), -EINVAL, "is the broadcast address of its /24");
	FAILS(vrdma_vmk_set_ipv4(b, "255.255.255.255", 24), -EINVAL, "broadcast");
	FAILS(vrdma_vmk_set_ipv4(b, "224.0.0.1", 24), -EINVAL, "multicast");
	FAILS(vrdma_vmk_set_ipv4(b, "127.0.0.1", 8), -EINVAL, "loopback");
	FAILS(vrdma_vmk_set_ipv4(b, "0.0.0.0", 24), -EINVAL, "unspecified");
	FAILS(vrdma_vmk_set_ipv4(b, "0.1.2.3", 24), -EINVAL, "this network");
	FAILS(vrdma_vmk_set_ipv4(b, "169.254.1.1", 16), -EINVAL, "link-local");
	FAILS(vrdma_vmk_set_ipv4(b, "240.0.0.1", 8), -EINVAL, "reserved");
	FAILS(vrdma_vmk_set_ipv4(b, "10.0.0.1", 0), -ERANGE, "prefix length 0 out of range 1-32");
	FAILS(vrdma_vmk_set_ipv4(b, "10.0.0.1", 33), -ERANGE, "out of range 1-32");
	FAILS(vrdma_vmk_set_ipv4(b, "10.0.0.300", 24), -EINVAL, "not an IPv4 address");
	FAILS(vrdma_vmk_set_ipv4(b, "fd00::1", 24), -EINVAL, "not an IPv4 address");
	ck_assert_int_eq(vrdma_vmk_get_ipv4(b, &s, &p), -ENOENT);
	/* /31 and /32 have no network/broadcast addresses */
	OK(vrdma_vmk_set_ipv4(b, "10.0.0.0", 31));
	OK(vrdma_vmk_set_ipv4(b, "10.0.0.255", 32));
	OK(vrdma_vmk_set_ipv4(b, NULL, 0));
	ck_assert_int_eq(vrdma_vmk_get_ipv4(b, &s, &p), -ENOENT);
	/* an address can move between vmks once freed */
	OK(vrdma_vmk_set_ipv4(a, "192.168.10.12", 24));
	OK(vrdma_vmk_set_ipv4(b, "192.168.10.11", 24));
}
END_TEST

START_TEST(test_ipv6)
{
	struct vrdma_portgroup *pg = add_pg(add_sw("vSwitch1"), "PG");
	struct vrdma_vmk *a = add_vmk(pg, "vmk1"), *b = add_vmk(pg, "vmk2");
	const char *s;
	unsigned int p, i;
	char addr[64];

	OK(vrdma_vmk_add_ipv6(a, "FD00:0:0:0::10", 64));
	OK(vrdma_vmk_add_ipv6(a, "2001:db8::10", 64));
	ck_assert_int_eq(vrdma_vmk_get_n_ipv6(a), 2);
	OK(vrdma_vmk_get_ipv6(a, 0, &s, &p));
	ck_assert_str_eq(s, "fd00::10"); /* canonical text */
	ck_assert_uint_eq(p, 64);
	FAILS(vrdma_vmk_get_ipv6(a, 2, &s, &p), -ENOENT, "vmk 'vmk1': no IPv6 address 2 (it has 2)");
	FAILS(vrdma_vmk_add_ipv6(a, "fd00::10", 64), -EEXIST, "already one of its addresses");
	FAILS(vrdma_vmk_add_ipv6(b, "fd00::10", 64), -EEXIST, "already used by vmk 'vmk1'");
	FAILS(vrdma_vmk_add_ipv6(b, "::", 64), -EINVAL, "unspecified");
	FAILS(vrdma_vmk_add_ipv6(b, "::1", 128), -EINVAL, "loopback");
	FAILS(vrdma_vmk_add_ipv6(b, "ff02::1", 64), -EINVAL, "multicast");
	FAILS(vrdma_vmk_add_ipv6(b, "fe80::1", 64), -EINVAL, "link-local");
	FAILS(vrdma_vmk_add_ipv6(b, "::ffff:10.0.0.1", 96), -EINVAL, "IPv4-mapped");
	FAILS(vrdma_vmk_add_ipv6(b, "fd00:1::", 64), -EINVAL, "network (subnet-router anycast)");
	FAILS(vrdma_vmk_add_ipv6(b, "fd00::20", 0), -ERANGE, "prefix length 0 out of range 1-128");
	FAILS(vrdma_vmk_add_ipv6(b, "fd00::20", 129), -ERANGE, "out of range 1-128");
	FAILS(vrdma_vmk_add_ipv6(b, "10.0.0.1", 64), -EINVAL, "not an IPv6 address");
	OK(vrdma_vmk_add_ipv6(b, "fd00:1::", 128)); /* a /128 is a host route */
	FAILS(vrdma_vmk_remove_ipv6(a, "fd00::99"), -ENOENT, "no IPv6 address fd00::99");
	OK(vrdma_vmk_remove_ipv6(a, "fd00::10"));
	ck_assert_int_eq(vrdma_vmk_get_n_ipv6(a), 1);
	OK(vrdma_vmk_add_ipv6(b, "fd00::10", 64));
	for (i = vrdma_vmk_get_n_ipv6(a); i < VRDMA_MAX_IPV6_ADDRS; i++) {
		snprintf(addr, sizeof(addr), "fd01::%u", i + 1);
		OK(vrdma_vmk_add_ipv6(a, addr, 64));
	}
	FAILS(vrdma_vmk_add_ipv6(a, "fd02::1", 64), -ENOSPC, "limit of 16 IPv6 addresses");
}
END_TEST

START_TEST(test_gateway)
{
	struct vrdma_portgroup *pg = add_pg(add_sw("vSwitch1"), "PG");
	struct vrdma_vmk *a = add_vmk(pg, "vmk1");
	const char *s;

	FAILS(vrdma_vmk_set_gateway(a, "192.168.1.1"), -EINVAL, "the vmk has no IPv4 address");
	OK(vrdma_vmk_set_ipv4(a, "192.168.1.10", 24));
	FAILS(vrdma_vmk_set_gateway(a, "192.168.2.1"), -EINVAL,
	      "vmk 'vmk1': IPv4 gateway 192.168.2.1 is outside its subnet 192.168.1.10/24");
	FAILS(vrdma_vmk_set_gateway(a, "192.168.1.10"), -EINVAL, "the vmk's own address");
	FAILS(vrdma_vmk_set_gateway(a, "192.168.1.255"), -EINVAL, "network or broadcast");
	FAILS(vrdma_vmk_set_gateway(a, "192.168.1.0"), -EINVAL, "network or broadcast");
	FAILS(vrdma_vmk_set_gateway(a, "gw.example"), -EINVAL, "not an IP address");
	FAILS(vrdma_vmk_get_gateway(a, AF_INET, &s), -ENOENT, "vmk 'vmk1': no IPv4 gateway");
	OK(vrdma_vmk_set_gateway(a, "192.168.1.1"));
	OK(vrdma_vmk_get_gateway(a, AF_INET, &s));
	ck_assert_str_eq(s, "192.168.1.1");
	/* the address the gateway depends on cannot silently go away */
	FAILS(vrdma_vmk_set_ipv4(a, NULL, 0), -EBUSY, "gateway 192.168.1.1 needs it");
	FAILS(vrdma_vmk_set_ipv4(a, "10.0.0.1", 24), -EBUSY, "would be outside its subnet 10.0.0.1/24");
	OK(vrdma_vmk_set_ipv4(a, "192.168.1.20", 16));

	FAILS(vrdma_vmk_set_gateway(a, "fd00::1"), -EINVAL, "outside every IPv6 subnet");
	OK(vrdma_vmk_set_gateway(a, "fe80::1")); /* link-local gateway is on-link */
	OK(vrdma_vmk_add_ipv6(a, "fd00::10", 64));
	OK(vrdma_vmk_set_gateway(a, "fd00::1"));
	OK(vrdma_vmk_get_gateway(a, AF_INET6, &s));
	ck_assert_str_eq(s, "fd00::1");
	FAILS(vrdma_vmk_set_gateway(a, "fd00::10"), -EINVAL, "own address");
	FAILS(vrdma_vmk_set_gateway(a, "ff02::2"), -EINVAL, "multicast");
	FAILS(vrdma_vmk_remove_ipv6(a, "fd00::10"), -EBUSY, "outside every IPv6 subnet");
	OK(vrdma_vmk_clear_gateway(a, AF_INET6));
	OK(vrdma_vmk_remove_ipv6(a, "fd00::10"));
	OK(vrdma_vmk_clear_gateway(a, AF_INET));
	OK(vrdma_vmk_set_ipv4(a, NULL, 0));
	FAILS(vrdma_vmk_clear_gateway(a, 12345), -EINVAL, "unknown address family");
}
END_TEST

START_TEST(test_tags)
{
	struct vrdma_vmk *a = add_vmk(add_pg(add_sw("vSwitch1"), "PG"), NULL);

	ck_assert_uint_eq(vrdma_vmk_get_tags(a), 0);
	OK(vrdma_vmk_add_tags(a, VRDMA_VMK_TAG_NVME_RDMA | VRDMA_VMK_TAG_ISER));
	OK(vrdma_vmk_add_tags(a, VRDMA_VMK_TAG_MANAGEMENT));
	ck_assert_uint_eq(vrdma_vmk_get_tags(a), VRDMA_VMK_TAG_NVME_RDMA | VRDMA_VMK_TAG_ISER |
	                                         VRDMA_VMK_TAG_MANAGEMENT);
	OK(vrdma_vmk_remove_tags(a, VRDMA_VMK_TAG_ISER));
	ck_assert_uint_eq(vrdma_vmk_get_tags(a), VRDMA_VMK_TAG_NVME_RDMA | VRDMA_VMK_TAG_MANAGEMENT);
	FAILS(vrdma_vmk_add_tags(a, 1u << 10), -EINVAL, "unknown service tag");
	FAILS(vrdma_vmk_add_tags(a, 0), -EINVAL, "unknown service tag");
	ck_assert_int_eq(vrdma_vmk_tag_from_string("nvme-rdma"), VRDMA_VMK_TAG_NVME_RDMA);
	ck_assert_int_eq(vrdma_vmk_tag_from_string("NVMeRDMA"), VRDMA_VMK_TAG_NVME_RDMA);
	ck_assert_int_eq(vrdma_vmk_tag_from_string("nvme-tcp"), VRDMA_VMK_TAG_NVME_TCP);
	ck_assert_int_eq(vrdma_vmk_tag_from_string("Management"), VRDMA_VMK_TAG_MANAGEMENT);
	ck_assert_int_eq(vrdma_vmk_tag_from_string("iser"), VRDMA_VMK_TAG_ISER);
	ck_assert_int_eq(vrdma_vmk_tag_from_string("vmotion"), -EINVAL);
	ck_assert_str_eq(vrdma_vmk_tag_to_string(VRDMA_VMK_TAG_NVME_RDMA), "nvme-rdma");
	ck_assert_ptr_null(vrdma_vmk_tag_to_string(VRDMA_VMK_TAG_NVME_RDMA | VRDMA_VMK_TAG_ISER));
}
END_TEST

START_TEST(test_vmk_other_config)
{
	struct vrdma_config *other;
	struct vrdma_portgroup *pg = add_pg(add_sw("vSwitch1"), "PG");
	struct vrdma_switch *osw;
	struct vrdma_portgroup *opg;
	struct vrdma_vmk *vmk = add_vmk(pg, NULL);

	OK(vrdma_config_new(ctx, &other));
	OK(vrdma_config_add_switch(other, "vSwitch1", VRDMA_SWITCH_STANDARD, NULL, &osw));
	OK(vrdma_switch_add_portgroup(osw, "PG", &opg));
	FAILS(vrdma_config_add_vmk(cfg, NULL, opg, NULL), -EINVAL, "belongs to another configuration");
	FAILS(vrdma_vmk_set_portgroup(vmk, opg), -EINVAL, "belongs to another configuration");
	vrdma_config_unref(other);
}
END_TEST

/* The seed configuration of the ESXi workflow, through the API. */
START_TEST(test_seed_workflow)
{
	struct vrdma_switch *sw = add_sw("vSwitch1");
	struct vrdma_portgroup *pg;
	struct vrdma_vmk *vmk;
	const char *act[] = { "vmnic1" };
	const char *s;

	OK(vrdma_switch_set_mtu(sw, 9000));
	OK(vrdma_switch_add_uplink(sw, "vmnic1"));
	pg = add_pg(sw, "RDMA-PG");
	OK(vrdma_portgroup_set_failover(pg, act, 1, NULL, 0));
	vmk = add_vmk(pg, "vmk1");
	OK(vrdma_vmk_set_ipv4(vmk, "192.168.100.11", 24));
	OK(vrdma_vmk_add_ipv6(vmk, "fd00:100::11", 64));
	OK(vrdma_vmk_add_tags(vmk, VRDMA_VMK_TAG_NVME_RDMA));
	ck_assert_str_eq(vrdma_vmk_get_name(vmk), "vmk1");
	ck_assert_str_eq(vrdma_portgroup_get_ifname(pg), "vSwitch1");
	ck_assert_int_eq(vrdma_portgroup_get_n_failover_uplinks(pg, VRDMA_UPLINK_ACTIVE), 1);
	OK(vrdma_portgroup_get_failover_uplink(pg, VRDMA_UPLINK_ACTIVE, 0, &s));
	ck_assert_str_eq(s, "vmnic1");
	ck_assert_str_eq(vrdma_ctx_get_error(ctx), "");
}
END_TEST

/* An address equal to the vmk's own gateway is refused (it would save a file
 * whose gateway is the vmk's own address, which nothing loads). */
START_TEST(test_address_is_gateway)
{
	struct vrdma_vmk *a = add_vmk(add_pg(add_sw("vSwitch1"), "PG"), "vmk1");

	OK(vrdma_vmk_set_ipv4(a, "192.168.1.10", 24));
	OK(vrdma_vmk_set_gateway(a, "192.168.1.1"));
	FAILS_UNCHANGED(vrdma_vmk_set_ipv4(a, "192.168.1.1", 24), -EBUSY,
	                "vmk 'vmk1': cannot set IPv4 address 192.168.1.1/24: IPv4 gateway "
	                "192.168.1.1 would be the vmk's own address");
	ck_assert_ptr_null(strstr(vrdma_ctx_get_error(ctx), "outside"));
	OK(vrdma_vmk_add_ipv6(a, "fd00::10", 64));
	OK(vrdma_vmk_set_gateway(a, "fd00::1"));
	FAILS_UNCHANGED(vrdma_vmk_add_ipv6(a, "fd00::1", 64), -EBUSY,
	                "IPv6 gateway fd00::1 would be the vmk's own address");
	FAILS_UNCHANGED(vrdma_vmk_add_ipv6(a, "fd00::1", 128), -EBUSY, "own address");
	ck_assert_int_eq(vrdma_vmk_get_n_ipv6(a), 1);
	/* a link-local gateway too */
	OK(vrdma_vmk_set_gateway(a, "fe80::1"));
	OK(vrdma_vmk_add_ipv6(a, "fd00::1", 64));
	assert_reloads();
}
END_TEST

/* A new subnet that makes the existing gateway its network or broadcast
 * address is refused. */
START_TEST(test_readdress_gateway_network_broadcast)
{
	struct vrdma_vmk *a = add_vmk(add_pg(add_sw("vSwitch1"), "PG"), "vmk1");

	OK(vrdma_vmk_set_ipv4(a, "192.168.1.10", 24));
	OK(vrdma_vmk_set_gateway(a, "192.168.1.8"));
	FAILS_UNCHANGED(vrdma_vmk_set_ipv4(a, "192.168.1.10", 30), -EBUSY,
	                "IPv4 gateway 192.168.1.8 would be the network or broadcast address "
	                "of 192.168.1.10/30");
	OK(vrdma_vmk_set_gateway(a, "192.168.1.11"));
	FAILS_UNCHANGED(vrdma_vmk_set_ipv4(a, "192.168.1.10", 30), -EBUSY,
	                "would be the network or broadcast address");
	/* /31 has neither: the other address of the pair is a valid gateway */
	OK(vrdma_vmk_set_ipv4(a, "192.168.1.10", 31));
	assert_reloads();
	FAILS_UNCHANGED(vrdma_vmk_set_ipv4(a, "192.168.1.10", 32), -EBUSY,
	                "would be outside its subnet 192.168.1.10/32");
	assert_reloads();
}
END_TEST

/* set_gateway takes the family from the text: an IPv6 gateway goes to the
 * IPv6 slot, never the IPv4 one, and the result loads. */
START_TEST(test_gateway_family)
{
	struct vrdma_vmk *a = add_vmk(add_pg(add_sw("vSwitch1"), "PG"), "vmk1");
	const char *s;

	OK(vrdma_vmk_set_ipv4(a, "192.168.1.10", 24));
	OK(vrdma_vmk_add_ipv6(a, "fd00::10", 64));
	OK(vrdma_vmk_set_gateway(a, "fd00::1"));
	FAILS(vrdma_vmk_get_gateway(a, AF_INET, &s), -ENOENT, "no IPv4 gateway");
	OK(vrdma_vmk_get_gateway(a, AF_INET6, &s));
	ck_assert_str_eq(s, "fd00::1");
	FAILS_UNCHANGED(vrdma_vmk_set_gateway(a, "::ffff:192.168.1.1"), -EINVAL, "IPv4-mapped");
	OK(vrdma_vmk_set_gateway(a, "192.168.1.1"));
	OK(vrdma_vmk_get_gateway(a, AF_INET6, &s));
	ck_assert_str_eq(s, "fd00::1");
	assert_reloads();
}
END_TEST

/* Saving at the largest generation a file can hold fails and writes nothing. */
START_TEST(test_generation_max)
{
	static const char doc[] = "{\"schema\": \"vrdma-config/1\", "
	                          "\"generation\": 9223372036854775806}";
	char dir[] = "/tmp/vrdma-model-XXXXXX", path[64], *t1, *t2;
	struct vrdma_config *c = NULL;
	FILE *f;
	long n;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/vrdma.json", dir);
	OK(vrdma_config_parse(ctx, doc, strlen(doc), &c));
	ck_assert_uint_eq(vrdma_config_get_generation(c), (uint64_t)INT64_MAX - 1);
	t1 = text_of(c);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(t1, f);
	fclose(f);
	FAILS(vrdma_config_save(c, path), -EOVERFLOW, "generation 9223372036854775806 is the largest");
	ck_assert_uint_eq(vrdma_config_get_generation(c), (uint64_t)INT64_MAX - 1);
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	t2 = calloc(1, 4096);
	n = (long)fread(t2, 1, 4095, f);
	fclose(f);
	ck_assert_int_gt(n, 0);
	ck_assert_str_eq(t1, t2);
	free(t1);
	free(t2);
	vrdma_config_unref(c);
	unlink(path);
	snprintf(path, sizeof(path), "%s/vrdma.json.lock", dir);
	unlink(path);
	ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

static Suite *make_model_suite(void)
{
	Suite *s = suite_create("model");
	TCase *tc = tcase_create("rules");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_null_args);
	tcase_add_test(tc, test_switch_names);
	tcase_add_test(tc, test_switch_ifname_mapping);
	tcase_add_test(tc, test_switch_limit);
	tcase_add_test(tc, test_switch_mtu);
	tcase_add_test(tc, test_uplinks);
	tcase_add_test(tc, test_failover);
	tcase_add_test(tc, test_distributed);
	tcase_add_test(tc, test_portgroups);
	tcase_add_test(tc, test_portgroup_limit);
	tcase_add_test(tc, test_removal);
	tcase_add_test(tc, test_handles_stable);
	tcase_add_test(tc, test_indexes);
	tcase_add_test(tc, test_vmk_names);
	tcase_add_test(tc, test_vmk_limit);
	tcase_add_test(tc, test_vmk_mac);
	tcase_add_test(tc, test_vmk_mtu);
	tcase_add_test(tc, test_ipv4);
	tcase_add_test(tc, test_ipv6);
	tcase_add_test(tc, test_gateway);
	tcase_add_test(tc, test_tags);
	tcase_add_test(tc, test_vmk_other_config);
	tcase_add_test(tc, test_seed_workflow);
	tcase_add_test(tc, test_address_is_gateway);
	tcase_add_test(tc, test_readdress_gateway_network_broadcast);
	tcase_add_test(tc, test_gateway_family);
	tcase_add_test(tc, test_generation_max);
	suite_add_tcase(s, tc);
	return s;
}

VRDMA_TEST_MAIN(make_model_suite)
