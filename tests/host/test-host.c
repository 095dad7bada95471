/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Unit tests for host snapshots: hand-written fixtures for shapes no test
 * VM can make (dual-port ConnectX-4 with RoCE v1+v2 GID pairs, an
 * InfiniBand adapter, an adapter whose netdev is in another namespace),
 * byte-identical round trips, a table of malformed documents with their
 * expected errors, and a live discovery of this (RDMA-less) machine
 * checked against if_nametoindex(3) and sysfs.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <vrdma/vrdma.h>

#include "testutil.h"

#ifndef FIXTURES
#error FIXTURES must be defined
#endif

static struct vrdma_ctx *ctx;

static void setup(void)
{
	ck_assert_int_eq(vrdma_ctx_new(&ctx), 0);
	vrdma_ctx_set_log_fn(ctx, NULL, NULL);
}

static void teardown(void)
{
	ctx = vrdma_ctx_unref(ctx);
}

static struct vrdma_host *load(const char *name)
{
	struct vrdma_host *h = NULL;
	char path[512];
	int r;

	snprintf(path, sizeof(path), "%s/%s", FIXTURES, name);
	r = vrdma_host_load(ctx, path, &h);
	ck_assert_msg(r == 0, "load %s: %d %s", name, r, vrdma_ctx_get_error(ctx));
	return h;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "re");
	char *buf;
	long n;

	ck_assert_ptr_nonnull(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	ck_assert_int_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* The value an int-form getter stores; the call must succeed. */
#define OK(type, fn, ...) ({ type ok_; ck_assert_int_eq(fn(__VA_ARGS__, &ok_), 0); ok_; })

/* An int-form getter that must fail with -ENOENT and a message containing `msg`. */
#define ABSENT(fn, msg, ...)                                                        \
	do {                                                                        \
		void *absent_ = NULL;                                               \
		ck_assert_int_eq(fn(__VA_ARGS__, (void *)&absent_), -ENOENT);       \
		ck_assert_ptr_null(absent_);                                        \
		ck_assert_msg(strstr(vrdma_ctx_get_error(ctx), msg) != NULL,        \
		              "error [%s] lacks [%s]", vrdma_ctx_get_error(ctx), msg); \
	} while (0)

/* ---- ConnectX-4 dual port ----------------------------------------------------- */

START_TEST(test_connectx4)
{
	struct vrdma_host *h = load("connectx4-dual.json");
	struct vrdma_adapter *a, *b;
	struct vrdma_port *p;
	struct vrdma_gid *g;
	struct vrdma_uplink *u;
	unsigned int idx;
	uint64_t guid;

	ck_assert(vrdma_host_is_snapshot(h));
	ck_assert_str_eq(OK(const char *, vrdma_host_get_hostname, h), "esx-like-01");
	ck_assert_int_eq(vrdma_host_get_n_adapters(h), 2);
	ck_assert_int_eq(vrdma_host_find_adapter(h, "vmrdma0", &a), 0);
	ck_assert_int_eq(vrdma_host_find_adapter(h, "mlx5_0", &b), 0);
	ck_assert_ptr_eq(a, b);
	ck_assert_ptr_eq(OK(struct vrdma_adapter *, vrdma_host_get_adapter, h, 0), a);
	ABSENT(vrdma_host_get_adapter, "no adapter 2 (it has 2)", h, 2);
	ABSENT(vrdma_host_find_adapter, "host 'esx-like-01': no adapter 'mlx5_9'", h, "mlx5_9");
	ck_assert_str_eq(OK(const char *, vrdma_adapter_get_driver, a), "mlx5_core");
	ck_assert_str_eq(vrdma_ctx_get_error(ctx), ""); /* cleared by the call */
	ck_assert(!vrdma_adapter_is_software(a));
	ck_assert_str_eq(vrdma_adapter_get_description(a),
	                 "Mellanox Technologies MT27700 Family [ConnectX-4]");
	ck_assert_str_eq(OK(const char *, vrdma_adapter_get_pci_address, a), "0000:03:00.0");
	ck_assert_int_eq(vrdma_adapter_get_node_guid(a, &guid), 0);
	ck_assert_uint_eq(guid, 0x0c42a1030065b8a4ULL);
	ck_assert_uint_eq(OK(unsigned int, vrdma_adapter_get_vendor_id, a), 0x2c9);
	ck_assert_uint_eq(OK(unsigned int, vrdma_adapter_get_vendor_part_id, a), 4115);
	ck_assert_int_eq(vrdma_adapter_get_node_type(a), VRDMA_NODE_CA);
	ck_assert_int_eq(vrdma_adapter_get_protocols(a), VRDMA_PROTO_ROCE_V1 | VRDMA_PROTO_ROCE_V2);
	ck_assert_uint_eq(OK(unsigned int, vrdma_adapter_get_kernel_index, a), 0);
	ck_assert_int_eq(vrdma_adapter_get_n_ports(a), 1);
	/* index 0 is port number 1 */
	ABSENT(vrdma_adapter_get_port, "adapter 'mlx5_0': no port index 1 (it has 1)", a, 1);
	ABSENT(vrdma_adapter_find_port, "adapter 'mlx5_0': no port 0", a, 0);
	ABSENT(vrdma_adapter_find_port, "adapter 'mlx5_0': no port 2", a, 2);
	p = OK(struct vrdma_port *, vrdma_adapter_get_port, a, 0);
	ck_assert_ptr_eq(OK(struct vrdma_port *, vrdma_adapter_find_port, a, 1), p);
	ck_assert_int_eq(vrdma_port_get_number(p), 1);

	ck_assert_ptr_eq(vrdma_port_get_adapter(p), a);
	ck_assert_int_eq(vrdma_port_get_state(p), VRDMA_PORT_ACTIVE);
	ck_assert_str_eq(vrdma_port_state_to_string(vrdma_port_get_state(p)), "Active");
	ck_assert_int_eq(vrdma_port_get_phys_state(p), VRDMA_PHYS_LINK_UP);
	ck_assert_int_eq(vrdma_port_get_active_mtu(p), 4096);
	ck_assert_int_eq(vrdma_port_get_max_mtu(p), 4096);
	ck_assert_uint_eq(OK(unsigned int, vrdma_port_get_speed, p), 100000);
	ck_assert_uint_eq(OK(unsigned int, vrdma_port_get_width, p), 4);
	ck_assert_int_eq(vrdma_port_get_link_layer(p), VRDMA_LINK_LAYER_ETHERNET);
	ck_assert_int_eq(vrdma_port_get_gid_table_len(p), 256);
	ck_assert_str_eq(OK(const char *, vrdma_port_get_netdev_name, p), "ens1f0np0");
	ck_assert_int_eq(vrdma_port_get_netdev_missing(p), VRDMA_NETDEV_PRESENT);
	ck_assert_str_eq(vrdma_netdev_get_name(OK(struct vrdma_netdev *, vrdma_port_get_netdev, p)),
	                 "ens1f0np0");
	ck_assert_str_eq(vrdma_uplink_get_alias(OK(struct vrdma_uplink *, vrdma_port_get_uplink, p)),
	                 "vmnic1");
	ck_assert_str_eq(vrdma_uplink_get_alias(OK(struct vrdma_uplink *, vrdma_adapter_get_paired_uplink, a)),
	                 "vmnic1");

	/* RoCE v1 + v2 pairs */
	ck_assert_int_eq(vrdma_port_get_n_gids(p), 8);
	g = OK(struct vrdma_gid *, vrdma_port_get_gid, p, 0);
	ABSENT(vrdma_port_get_gid, "adapter 'mlx5_0' port 1: no GID entry 8 (it has 8)", p, 8);
	ck_assert_int_eq(vrdma_gid_get_index(g), 0);
	ck_assert_int_eq(vrdma_gid_get_type(g), VRDMA_GID_ROCE_V1);
	ck_assert_str_eq(OK(const char *, vrdma_gid_get_ip, g), "fe80::e42:a1ff:fe65:b8a4");
	ck_assert_int_eq(OK(int, vrdma_gid_get_family, g), AF_INET6);
	ck_assert_int_eq(vrdma_port_find_gid(p, 3, &g), 0);
	ck_assert_int_eq(vrdma_gid_get_type(g), VRDMA_GID_ROCE_V2);
	ck_assert_str_eq(vrdma_gid_get_string(g), "::ffff:192.0.2.10");
	ck_assert_str_eq(OK(const char *, vrdma_gid_get_ip, g), "192.0.2.10");
	ck_assert_int_eq(OK(int, vrdma_gid_get_family, g), AF_INET);
	ck_assert_int_eq(vrdma_gid_get_raw(g)[15], 10);
	ck_assert_int_eq(vrdma_gid_get_raw(g)[10], 0xff);
	ck_assert_str_eq(OK(const char *, vrdma_gid_get_netdev_name, g), "ens1f0np0");
	ck_assert_ptr_eq(vrdma_gid_get_port(g), p);
	ABSENT(vrdma_port_find_gid, "adapter 'mlx5_0' port 1: no valid GID at index 8", p, 8);
	ck_assert_int_eq(vrdma_port_find_gid(p, 7, &g), 0);
	ck_assert_str_eq(vrdma_ctx_get_error(ctx), "");
	ck_assert_str_eq(vrdma_netdev_get_name(OK(struct vrdma_netdev *, vrdma_gid_get_netdev, g)),
	                 "ens1f0np0.100");

	/* GID index lookup by (adapter, port number, address, type) */
	ck_assert_int_eq(vrdma_adapter_find_gid_index(a, 1, "192.0.2.10", VRDMA_GID_ROCE_V2, &idx), 0);
	ck_assert_uint_eq(idx, 3);
	ck_assert_int_eq(vrdma_adapter_find_gid_index(a, 1, "192.0.2.10", VRDMA_GID_ROCE_V1, &idx), 0);
	ck_assert_uint_eq(idx, 2);
	ck_assert_int_eq(vrdma_adapter_find_gid_index(a, 1, "2001:db8:10::10", VRDMA_GID_ROCE_V2, &idx), 0);
	ck_assert_uint_eq(idx, 5);
	ck_assert_int_eq(vrdma_adapter_find_gid_index(a, 1, "203.0.113.10", VRDMA_GID_ROCE_V2, &idx), 0);
	ck_assert_uint_eq(idx, 7);
	ck_assert_int_eq(vrdma_adapter_find_gid_index(a, 1, "192.0.2.11", VRDMA_GID_ROCE_V2, &idx), -ENOENT);
	ck_assert_str_eq(vrdma_ctx_get_error(ctx), "adapter 'mlx5_0' port 1: no RoCE v2 GID for 192.0.2.11");
	ck_assert_int_eq(vrdma_adapter_find_gid_index(a, 1, "192.0.2.10", VRDMA_GID_IB, &idx), -ENOENT);
	ck_assert_int_eq(vrdma_adapter_find_gid_index(a, 2, "192.0.2.10", VRDMA_GID_ROCE_V2, &idx), -ENOENT);
	ck_assert_str_eq(vrdma_ctx_get_error(ctx), "adapter 'mlx5_0': no port 2");
	ck_assert_int_eq(vrdma_adapter_find_gid_index(a, 1, "not-an-ip", VRDMA_GID_ROCE_V2, &idx), -EINVAL);
	ck_assert_ptr_nonnull(strstr(vrdma_ctx_get_error(ctx), "not-an-ip"));

	/* second adapter: port down, GIDs on the bridge above its netdev */
	ck_assert_int_eq(vrdma_host_find_adapter(h, "vmrdma1", &b), 0);
	ck_assert_str_eq(vrdma_adapter_get_name(b), "mlx5_1");
	p = OK(struct vrdma_port *, vrdma_adapter_find_port, b, 1);
	ck_assert_str_eq(vrdma_port_state_to_string(vrdma_port_get_state(p)), "Down");
	ck_assert_int_eq(vrdma_port_get_phys_state(p), VRDMA_PHYS_DISABLED);
	ck_assert_int_eq(vrdma_port_get_active_mtu(p), 1024);
	ck_assert_int_eq(vrdma_adapter_find_gid_index(b, 1, "198.51.100.5", VRDMA_GID_ROCE_V2, &idx), 0);
	ck_assert_uint_eq(idx, 3);
	ck_assert_int_eq(vrdma_port_find_gid(p, 3, &g), 0);
	ck_assert_str_eq(OK(const char *, vrdma_gid_get_netdev_name, g), "br0");

	/* uplinks: vmnic0 plain, vmnic1/2 paired; their netdev carries the rest */
	ck_assert_int_eq(vrdma_host_get_n_uplinks(h), 3);
	u = OK(struct vrdma_uplink *, vrdma_host_get_uplink, h, 0);
	ABSENT(vrdma_host_get_uplink, "no uplink 3 (it has 3)", h, 3);
	ck_assert_str_eq(vrdma_uplink_get_alias(u), "vmnic0");
	ck_assert_ptr_eq(vrdma_uplink_get_host(u), h);
	ck_assert_str_eq(vrdma_netdev_get_name(vrdma_uplink_get_netdev(u)), "eno1");
	ck_assert_str_eq(OK(const char *, vrdma_netdev_get_driver, vrdma_uplink_get_netdev(u)), "tg3");
	ck_assert_uint_eq(OK(unsigned int, vrdma_netdev_get_speed, vrdma_uplink_get_netdev(u)), 1000);
	ABSENT(vrdma_uplink_get_paired_port, "uplink 'vmnic0': no paired RDMA port", u);
	ck_assert_int_eq(vrdma_host_find_uplink(h, "vmnic2", &u), 0);
	ck_assert_str_eq(vrdma_netdev_get_name(vrdma_uplink_get_netdev(u)), "ens1f1np1");
	ck_assert_ptr_eq(vrdma_port_get_adapter(OK(struct vrdma_port *, vrdma_uplink_get_paired_port, u)), b);
	ck_assert_int_eq(vrdma_netdev_get_oper_state(vrdma_uplink_get_netdev(u)), VRDMA_OPER_DOWN);
	ck_assert_str_eq(OK(const char *, vrdma_netdev_get_mac, vrdma_uplink_get_netdev(u)),
	                 "0c:42:a1:65:b8:a5");
	ck_assert_int_eq(vrdma_host_find_uplink(h, "ens1f0np0", &u), 0);
	ck_assert_str_eq(vrdma_uplink_get_alias(u), "vmnic1");
	ck_assert_int_eq(vrdma_netdev_get_mtu(vrdma_uplink_get_netdev(u)), 9000);
	ck_assert_str_eq(OK(const char *, vrdma_netdev_get_pci_address, vrdma_uplink_get_netdev(u)),
	                 "0000:03:00.0");
	ck_assert_ptr_eq(OK(struct vrdma_port *, vrdma_uplink_get_paired_port, u),
	                 OK(struct vrdma_port *, vrdma_adapter_find_port, a, 1));
	ABSENT(vrdma_host_find_uplink, "host 'esx-like-01': no uplink 'br0'", h, "br0");
	ABSENT(vrdma_host_find_uplink, "no uplink 'vmnic9'", h, "vmnic9");

	vrdma_host_unref(h);
}
END_TEST

START_TEST(test_netdevs)
{
	struct vrdma_host *h = load("connectx4-dual.json");
	struct vrdma_netdev *d, *br, *vl, *mv;
	struct vrdma_addr *ad;

	ck_assert_int_eq(vrdma_host_get_n_netdevs(h), 7);
	ck_assert_ptr_eq(vrdma_netdev_get_host(OK(struct vrdma_netdev *, vrdma_host_get_netdev, h, 6)), h);
	ABSENT(vrdma_host_get_netdev, "no netdev 7 (it has 7)", h, 7);
	ck_assert_int_eq(vrdma_host_find_netdev(h, "ens1f0np0", &d), 0);
	ABSENT(vrdma_host_find_netdev, "host 'esx-like-01': no netdev 'ens9'", h, "ens9");
	ck_assert_int_eq(vrdma_netdev_get_ifindex(d), 3);
	ck_assert(vrdma_netdev_is_physical(d));
	ABSENT(vrdma_netdev_get_kind, "netdev 'ens1f0np0': no rtnetlink kind", d);
	ck_assert(vrdma_netdev_get_flags(d) & IFF_UP);
	ABSENT(vrdma_netdev_get_vlan_id, "netdev 'ens1f0np0': no VLAN id", d);
	ABSENT(vrdma_netdev_get_master, "netdev 'ens1f0np0': no master", d);
	ABSENT(vrdma_netdev_get_link, "netdev 'ens1f0np0': no link", d);
	/* uppers: the VLAN and the macvlan stacked on it, in ifindex order */
	ck_assert_int_eq(vrdma_netdev_get_n_uppers(d), 2);
	vl = OK(struct vrdma_netdev *, vrdma_netdev_get_upper, d, 0);
	mv = OK(struct vrdma_netdev *, vrdma_netdev_get_upper, d, 1);
	ABSENT(vrdma_netdev_get_upper, "netdev 'ens1f0np0': no upper device 2 (it has 2)", d, 2);
	ck_assert_str_eq(vrdma_netdev_get_name(vl), "ens1f0np0.100");
	ck_assert_str_eq(OK(const char *, vrdma_netdev_get_kind, vl), "vlan");
	ck_assert_uint_eq(OK(unsigned int, vrdma_netdev_get_vlan_id, vl), 100);
	ck_assert_ptr_eq(OK(struct vrdma_netdev *, vrdma_netdev_get_link, vl), d);
	ck_assert_int_eq(vrdma_netdev_get_n_lowers(vl), 1);
	ck_assert_ptr_eq(OK(struct vrdma_netdev *, vrdma_netdev_get_lower, vl, 0), d);
	ABSENT(vrdma_netdev_get_uplink, "netdev 'ens1f0np0.100': no uplink", vl);
	ck_assert_str_eq(OK(const char *, vrdma_netdev_get_kind, mv), "macvlan");
	ck_assert_int_eq(vrdma_netdev_get_n_lowers(d), 0);
	ABSENT(vrdma_netdev_get_lower, "no lower device 0 (it has 0)", d, 0);

	/* bridge master */
	ck_assert_int_eq(vrdma_host_find_netdev(h, "ens1f1np1", &d), 0);
	br = OK(struct vrdma_netdev *, vrdma_netdev_get_master, d);
	ck_assert_str_eq(vrdma_netdev_get_name(br), "br0");
	ck_assert_int_eq(vrdma_netdev_get_n_uppers(d), 1);
	ck_assert_ptr_eq(OK(struct vrdma_netdev *, vrdma_netdev_get_upper, d, 0), br);
	ck_assert_int_eq(vrdma_netdev_get_n_lowers(br), 1);
	ck_assert_ptr_eq(OK(struct vrdma_netdev *, vrdma_netdev_get_lower, br, 0), d);

	/* addresses with flags */
	ck_assert_int_eq(vrdma_netdev_get_n_addrs(d), 2);
	ad = OK(struct vrdma_addr *, vrdma_netdev_get_addr, d, 0);
	ck_assert_str_eq(vrdma_addr_get_string(ad), "2001:db8:20::7");
	ck_assert(vrdma_addr_get_flags(ad) & VRDMA_ADDR_DADFAILED);
	ck_assert(vrdma_addr_get_flags(ad) & VRDMA_ADDR_TENTATIVE);
	ck_assert_int_eq(vrdma_addr_get_family(ad), AF_INET6);
	ck_assert_ptr_eq(vrdma_addr_get_netdev(ad), d);
	ad = OK(struct vrdma_addr *, vrdma_netdev_get_addr, d, 1);
	ck_assert_int_eq(vrdma_addr_get_scope(ad), 253);
	ck_assert(!(vrdma_addr_get_flags(ad) & VRDMA_ADDR_TENTATIVE));

	ck_assert_int_eq(vrdma_host_find_netdev_by_ifindex(h, 2, &d), 0);
	ck_assert_str_eq(vrdma_netdev_get_name(d), "eno1");
	ad = OK(struct vrdma_addr *, vrdma_netdev_get_addr, d, 0);
	ck_assert_str_eq(vrdma_addr_get_string(ad), "10.0.0.5");
	ck_assert_int_eq(vrdma_addr_get_prefixlen(ad), 24);
	ck_assert_int_eq(vrdma_addr_get_raw(ad)[3], 5);
	ck_assert_int_eq(vrdma_addr_get_flags(ad), VRDMA_ADDR_PERMANENT);
	ABSENT(vrdma_netdev_get_addr, "netdev 'eno1': no address 1 (it has 1)", d, 1);
	ABSENT(vrdma_host_find_netdev_by_ifindex, "no netdev with ifindex 99", h, 99);

	ck_assert_int_eq(vrdma_host_find_netdev(h, "ens1f0np0", &d), 0);
	ck_assert_int_eq(vrdma_netdev_get_n_addrs(d), 4);
	ad = OK(struct vrdma_addr *, vrdma_netdev_get_addr, d, 2);
	ck_assert(vrdma_addr_get_flags(ad) & VRDMA_ADDR_TENTATIVE);
	ck_assert(!(vrdma_addr_get_flags(ad) & VRDMA_ADDR_DADFAILED));
	vrdma_host_unref(h);
}
END_TEST

START_TEST(test_ib_adapter)
{
	struct vrdma_host *h = load("ib-adapter.json");
	struct vrdma_adapter *a = OK(struct vrdma_adapter *, vrdma_host_get_adapter, h, 0);
	struct vrdma_port *p = OK(struct vrdma_port *, vrdma_adapter_get_port, a, 0);
	struct vrdma_gid *g = OK(struct vrdma_gid *, vrdma_port_get_gid, p, 0);
	unsigned int idx;

	ck_assert_str_eq(vrdma_adapter_get_alias(a), "vmrdma0");
	ck_assert_int_eq(vrdma_adapter_get_protocols(a), VRDMA_PROTO_IB);
	ck_assert_int_eq(vrdma_port_get_link_layer(p), VRDMA_LINK_LAYER_IB);
	ck_assert_str_eq(vrdma_link_layer_to_string(vrdma_port_get_link_layer(p)), "InfiniBand");
	ck_assert_uint_eq(OK(unsigned int, vrdma_port_get_speed, p), 200000);
	ABSENT(vrdma_port_get_netdev_name, "port 1: no netdev", p);
	ABSENT(vrdma_port_get_netdev, "port 1: no netdev", p);
	ABSENT(vrdma_port_get_uplink, "port 1: no physical netdev", p);
	ck_assert_int_eq(vrdma_port_get_netdev_missing(p), VRDMA_NETDEV_NONE);
	ABSENT(vrdma_adapter_get_paired_uplink, "no port paired with an uplink", a);
	ck_assert_int_eq(vrdma_gid_get_type(g), VRDMA_GID_IB);
	ck_assert_str_eq(vrdma_gid_type_to_string(vrdma_gid_get_type(g)), "IB");
	ABSENT(vrdma_gid_get_ip, "GID 0: no IP address (an IB GID)", g);
	{
		int fam = -1;
		ck_assert_int_eq(vrdma_gid_get_family(g, &fam), -ENOENT);
		ck_assert_int_eq(fam, -1); /* *ret written only on success */
	}
	ABSENT(vrdma_gid_get_netdev_name, "no netdev", g);
	ck_assert_int_eq(vrdma_adapter_find_gid_index(a, 1, "fe80::b859:9f03:d4:1e20", VRDMA_GID_IB, &idx), 0);
	ck_assert_uint_eq(idx, 0);
	ck_assert_int_eq(vrdma_host_get_n_uplinks(h), 1);
	ABSENT(vrdma_uplink_get_paired_port, "no paired RDMA port",
	       OK(struct vrdma_uplink *, vrdma_host_get_uplink, h, 0));
	vrdma_host_unref(h);
}
END_TEST

START_TEST(test_other_netns)
{
	struct vrdma_host *h = load("other-netns.json");
	struct vrdma_adapter *a;
	struct vrdma_port *p;
	unsigned int idx;

	ck_assert_int_eq(vrdma_host_find_adapter(h, "rxe0", &a), 0);
	ck_assert(vrdma_adapter_is_software(a));
	p = OK(struct vrdma_port *, vrdma_adapter_find_port, a, 1);
	ABSENT(vrdma_port_get_netdev_name, "adapter 'rxe0' port 1: no netdev", p);
	ck_assert_int_eq(vrdma_port_get_netdev_missing(p), VRDMA_NETDEV_OTHER_NAMESPACE);
	ck_assert_str_eq(vrdma_netdev_missing_to_string(vrdma_port_get_netdev_missing(p)),
	                 "other-namespace");
	ABSENT(vrdma_adapter_get_paired_uplink, "adapter 'rxe0': no port paired", a);
	ABSENT(vrdma_adapter_get_fw_version, "adapter 'rxe0': no firmware version", a);
	ABSENT(vrdma_adapter_get_pci_address, "adapter 'rxe0': no PCI address", a);
	ck_assert_int_eq(vrdma_adapter_get_protocols(a), VRDMA_PROTO_ROCE_V2);
	/* GIDs are still known and usable, their netdev is not */
	ck_assert_int_eq(vrdma_adapter_find_gid_index(a, 1, "192.168.50.2", VRDMA_GID_ROCE_V2, &idx), 0);
	ck_assert_uint_eq(idx, 1);
	ABSENT(vrdma_gid_get_netdev, "adapter 'rxe0' port 1 GID 1: no netdev",
	       OK(struct vrdma_gid *, vrdma_port_get_gid, p, 1));
	ck_assert_int_eq(vrdma_host_get_n_uplinks(h), 0);
	vrdma_host_unref(h);
}
END_TEST

/* ---- round trips ------------------------------------------------------------------ */

static const char *const good[] = { "connectx4-dual.json", "ib-adapter.json", "other-netns.json" };

START_TEST(test_round_trip)
{
	char path[512], tmpl[] = "/tmp/vrdma-host-XXXXXX", out[600];
	struct vrdma_host *h = load(good[_i]), *h2 = NULL;
	char *orig, *a = NULL, *b = NULL, *file;

	snprintf(path, sizeof(path), "%s/%s", FIXTURES, good[_i]);
	orig = slurp(path);
	ck_assert_int_eq(vrdma_host_format(h, &a), 0);
	/* the fixtures are stored in canonical form: load -> save gives them back */
	ck_assert_str_eq(a, orig);
	ck_assert_int_eq(vrdma_host_parse(ctx, a, strlen(a), &h2), 0);
	ck_assert_int_eq(vrdma_host_format(h2, &b), 0);
	ck_assert_str_eq(a, b);
	/* vrdma_host_save() writes the same bytes and leaves no temporary */
	ck_assert_ptr_nonnull(mkdtemp(tmpl));
	snprintf(out, sizeof(out), "%s/snap.json", tmpl);
	ck_assert_int_eq(vrdma_host_save(h2, out), 0);
	file = slurp(out);
	ck_assert_str_eq(file, a);
	ck_assert_int_eq(unlink(out), 0);
	ck_assert_int_eq(rmdir(tmpl), 0); /* fails if a temporary was left */
	ck_assert_int_eq(vrdma_host_save(h2, "/nonexistent-dir/x.json"), -ENOENT);
	ck_assert_ptr_nonnull(strstr(vrdma_ctx_get_error(ctx), "/nonexistent-dir/x.json"));
	free(file);
	free(orig);
	free(a);
	free(b);
	vrdma_host_unref(h);
	vrdma_host_unref(h2);
}
END_TEST

/* ---- malformed documents ------------------------------------------------------------ */

static const struct {
	const char *file;
	const char *error; /* expected substring of the message */
} bad_docs[] = {
	{ "truncated", "$.adapters[0].ports[0].gids[3]: invalid JSON at line 55, column 12: unexpected end of the document" },
	{ "empty", "$: invalid JSON at line 1, column 1: unexpected end of the document" },
	{ "syntax", "$.netdevs[2]: invalid JSON at line 235, column 19: expected a member name in double quotes" },
	{ "trailing", "$: invalid JSON at line 426, column 1: trailing data after the document" },
	{ "not-object", "$: expected an object, got an array" },
	{ "wrong-type-mtu", "$.adapters[0].ports[0].active_mtu: expected an integer, got a string" },
	{ "wrong-type-netdevs", "$.netdevs: expected an array, got an object" },
	{ "wrong-type-physical", "$.netdevs[2].physical: expected a boolean, got a string" },
	{ "wrong-type-gids", "$.adapters[0].ports[0].gids[1]: expected an object, got a string" },
	{ "dup-gid-index", "$.adapters[0].ports[0].gids[3].index: duplicate GID index 2 (also $.adapters[0].ports[0].gids[2])" },
	{ "dup-ifindex", "$.netdevs[3].ifindex: duplicate ifindex 3 (also $.netdevs[2])" },
	{ "dup-netdev-name", "$.netdevs[3].name: duplicate netdev name \"ens1f0np0\" (also $.netdevs[2])" },
	{ "dup-adapter-name", "$.adapters[1].name: duplicate adapter name \"mlx5_0\" (also $.adapters[0])" },
	{ "dup-adapter-alias", "$.adapters[1].alias: duplicate alias \"vmrdma0\" (also $.adapters[0])" },
	{ "dup-uplink-alias", "$.netdevs[3].alias: duplicate alias \"vmnic1\" (also $.netdevs[2])" },
	{ "gid-index-range", "$.adapters[0].ports[0].gids[7].index: 256 is out of range: expected 0..255 (gid_table_len 256)" },
	{ "gid-index-negative", "$.adapters[0].ports[0].gids[0].index: -1 is out of range" },
	{ "gid-table-empty", "$.adapters[0].ports[0].gids[0].index: 0 is out of range: the port has no GIDs (gid_table_len 0)" },
	{ "schema-v2", "$.schema: unsupported schema \"vrdma-host/2\": expected \"vrdma-host/1\"" },
	{ "schema-missing", "$.schema: missing member: expected a string" },
	{ "missing-link-layer", "$.adapters[0].ports[0].link_layer: missing member" },
	{ "bad-netdev-ref", "$.adapters[0].ports[0].netdev: \"ens9\" is not a netdev of this snapshot" },
	{ "bad-gid-netdev-ref", "$.adapters[0].ports[0].gids[6].netdev: \"ens1f0np0.200\" is not a netdev" },
	{ "bad-master-ref", "$.netdevs[3].master: \"br9\" is not a netdev of this snapshot" },
	{ "bad-port-state", "$.adapters[0].ports[0].state: unknown value \"Up\": expected one of" },
	{ "unknown-member", "$.adapters[0].speed: unexpected member" },
	{ "port-order", "$.adapters[0].ports[0].port: 2: expected 1" },
	{ "bad-gid-string", "$.adapters[0].ports[0].gids[0].gid: \"zz::zz::1\" is not a GID" },
	{ "bad-guid", "$.adapters[0].node_guid: \"0c42a1030065b8a4\" is not a GUID" },
	{ "bad-mtu-value", "$.adapters[0].ports[0].active_mtu: 1500: expected 256, 512, 1024, 2048 or 4096" },
	{ "roce-gid-on-ib", "$.adapters[0].ports[0].gids[0].type: a RoCE v2 GID on a port with link layer InfiniBand" },
	{ "missing-contradiction", "$.adapters[0].ports[0].netdev_missing: \"other-namespace\" contradicts netdev \"ens1f0np0\"" },
	{ "alias-format", "$.adapters[0].alias: \"rdma0\" is not an alias: expected \"vmrdmaN\"" },
	{ "physical-no-alias", "$.netdevs[1].alias: a physical netdev needs a vmnic alias" },
	{ "vlan-id-range", "$.netdevs[4].vlan_id: 5000 is out of range: expected 0..4095" },
	{ "address-family", "$.netdevs[1].addresses[0].address: \"2001:db8::1\" is not an IPv4 address" },
	{ "address-flag", "$.netdevs[1].addresses[0].flags[1]: unknown flag \"sticky\"" },
	{ "prefixlen-range", "$.netdevs[1].addresses[0].prefixlen: 33 is out of range: expected 0..32" },
};

START_TEST(test_malformed)
{
	struct vrdma_host *h = NULL;
	char path[512];
	int r;

	snprintf(path, sizeof(path), "%s/bad/%s.json", FIXTURES, bad_docs[_i].file);
	r = vrdma_host_load(ctx, path, &h);
	ck_assert_msg(r == -EINVAL, "%s: expected -EINVAL, got %d", bad_docs[_i].file, r);
	ck_assert_ptr_null(h);
	ck_assert_msg(strstr(vrdma_ctx_get_error(ctx), bad_docs[_i].error) != NULL,
	              "%s: error [%s] lacks [%s]", bad_docs[_i].file, vrdma_ctx_get_error(ctx),
	              bad_docs[_i].error);
	/* the message names the file */
	ck_assert_ptr_nonnull(strstr(vrdma_ctx_get_error(ctx), path));
}
END_TEST

START_TEST(test_load_errors)
{
	struct vrdma_host *h = NULL;

	ck_assert_int_eq(vrdma_host_load(ctx, "/nonexistent/snap.json", &h), -ENOENT);
	ck_assert_ptr_nonnull(strstr(vrdma_ctx_get_error(ctx), "/nonexistent/snap.json"));
	ck_assert_int_eq(vrdma_host_load(ctx, NULL, &h), -EINVAL);
	ck_assert_int_eq(vrdma_host_load(NULL, "/x", &h), -EINVAL);
	ck_assert_int_eq(vrdma_host_parse(ctx, "{}", 2, NULL), -EINVAL);
	ck_assert_int_eq(vrdma_host_parse(ctx, "{\"schema\": 1}", 13, &h), -EINVAL);
	ck_assert_str_eq(vrdma_ctx_get_error(ctx), "<buffer>: $.schema: expected a string, got an integer");
	ck_assert_ptr_null(h);
}
END_TEST

START_TEST(test_null_args)
{
	struct vrdma_host *h = NULL;
	unsigned int u;

	ck_assert_int_eq(vrdma_host_discover(NULL, 0, &h), -EINVAL);
	ck_assert_int_eq(vrdma_host_discover(ctx, 0, NULL), -EINVAL);
	ck_assert_int_eq(vrdma_host_discover(ctx, 1u << 20, &h), -EINVAL);
	ck_assert_int_eq(vrdma_host_save(NULL, "/tmp/x"), -EINVAL);
	ck_assert_int_eq(vrdma_host_format(NULL, NULL), -EINVAL);
	ck_assert_ptr_null(vrdma_host_ref(NULL));
	ck_assert_ptr_null(vrdma_host_unref(NULL));
	ck_assert_int_eq(vrdma_host_get_n_adapters(NULL), -EINVAL);
	ck_assert_int_eq(vrdma_host_get_n_uplinks(NULL), -EINVAL);
	ck_assert_int_eq(vrdma_host_get_n_netdevs(NULL), -EINVAL);
	ck_assert_int_eq(vrdma_host_get_hostname(NULL, NULL), -EINVAL);
	ck_assert_int_eq(vrdma_host_get_adapter(NULL, 0, NULL), -EINVAL);
	ck_assert_int_eq(vrdma_host_find_adapter(NULL, "x", NULL), -EINVAL);
	ck_assert_int_eq(vrdma_host_find_uplink(NULL, "x", NULL), -EINVAL);
	ck_assert_int_eq(vrdma_host_find_netdev(NULL, "x", NULL), -EINVAL);
	ck_assert_ptr_null(vrdma_adapter_get_name(NULL));
	ck_assert(!vrdma_adapter_is_software(NULL));
	ck_assert_int_eq(vrdma_adapter_get_n_ports(NULL), -EINVAL);
	ck_assert_int_eq(vrdma_adapter_get_node_guid(NULL, NULL), -EINVAL);
	ck_assert_int_eq(vrdma_adapter_get_kernel_index(NULL, &u), -EINVAL);
	ck_assert_int_eq(vrdma_adapter_find_port(NULL, 1, NULL), -EINVAL);
	ck_assert_int_eq(vrdma_adapter_find_gid_index(NULL, 1, "::1", VRDMA_GID_ROCE_V2, &u), -EINVAL);
	ck_assert_int_eq(vrdma_port_get_state(NULL), -EINVAL);
	ck_assert_int_eq(vrdma_port_get_gid(NULL, 0, NULL), -EINVAL);
	ck_assert_int_eq(vrdma_port_find_gid(NULL, 0, NULL), -EINVAL);
	ck_assert_ptr_null(vrdma_gid_get_raw(NULL));
	ck_assert_int_eq(vrdma_gid_get_index(NULL), -EINVAL);
	ck_assert_ptr_null(vrdma_uplink_get_alias(NULL));
	ck_assert_ptr_null(vrdma_uplink_get_netdev(NULL));
	ck_assert_int_eq(vrdma_netdev_get_mtu(NULL), -EINVAL);
	ck_assert_uint_eq(vrdma_netdev_get_flags(NULL), 0);
	ck_assert_int_eq(vrdma_netdev_get_vlan_id(NULL, &u), -EINVAL);
	ck_assert_ptr_null(vrdma_addr_get_raw(NULL));
	ck_assert_ptr_null(vrdma_port_state_to_string(42));
	ck_assert_ptr_null(vrdma_gid_type_to_string(-1));
	ck_assert_str_eq(vrdma_oper_state_to_string(VRDMA_OPER_UP), "up");
	ck_assert_str_eq(vrdma_port_phys_state_to_string(VRDMA_PHYS_POLLING), "Polling");
	ck_assert_str_eq(vrdma_node_type_to_string(VRDMA_NODE_RNIC), "RNIC");
}
END_TEST

/* A NULL ret or key on a valid handle: -EINVAL with a message. */
START_TEST(test_bad_args)
{
	struct vrdma_host *h = load("connectx4-dual.json");
	struct vrdma_adapter *a;
	unsigned int u;

	ck_assert_int_eq(vrdma_host_get_adapter(h, 0, NULL), -EINVAL);
	ck_assert_str_ne(vrdma_ctx_get_error(ctx), "");
	ck_assert_int_eq(vrdma_host_find_adapter(h, NULL, &a), -EINVAL);
	ck_assert_ptr_nonnull(strstr(vrdma_ctx_get_error(ctx), "no adapter name"));
	ck_assert_int_eq(vrdma_host_find_netdev_by_ifindex(h, 0, NULL), -EINVAL);
	a = OK(struct vrdma_adapter *, vrdma_host_get_adapter, h, 0);
	ck_assert_int_eq(vrdma_adapter_find_gid_index(a, 1, NULL, VRDMA_GID_ROCE_V2, &u), -EINVAL);
	ck_assert_int_eq(vrdma_adapter_find_gid_index(a, 1, "::1", (enum vrdma_gid_type)7, &u), -EINVAL);
	ck_assert_ptr_nonnull(strstr(vrdma_ctx_get_error(ctx), "unknown GID type 7"));
	vrdma_host_unref(h);
}
END_TEST

/* Children are borrowed: valid while the host is referenced. */
START_TEST(test_borrowed)
{
	struct vrdma_host *h = load("connectx4-dual.json");
	struct vrdma_host *extra = vrdma_host_ref(h);
	struct vrdma_adapter *a = OK(struct vrdma_adapter *, vrdma_host_get_adapter, h, 0);
	struct vrdma_netdev *d = OK(struct vrdma_netdev *, vrdma_host_get_netdev, h, 2);

	ck_assert_ptr_null(vrdma_host_unref(h));
	/* still valid through the second reference (ASan would flag a use after free) */
	ck_assert_str_eq(vrdma_adapter_get_name(a), "mlx5_0");
	ck_assert_ptr_eq(vrdma_adapter_get_host(a), extra);
	ck_assert_ptr_eq(vrdma_host_get_ctx(extra), ctx);
	ck_assert_str_eq(vrdma_netdev_get_name(d), "ens1f0np0");
	ck_assert_str_eq(vrdma_uplink_get_alias(OK(struct vrdma_uplink *, vrdma_netdev_get_uplink, d)),
	                 "vmnic1");
	ck_assert_ptr_null(vrdma_host_unref(extra));
}
END_TEST

static const char *uplink_name(struct vrdma_host *h, int i)
{
	return vrdma_netdev_get_name(vrdma_uplink_get_netdev(
		OK(struct vrdma_uplink *, vrdma_host_get_uplink, h, (unsigned int)i)));
}

/* ---- live discovery of this machine --------------------------------------------------- */

START_TEST(test_discover_live)
{
	char tmpl[] = "/tmp/vrdma-state-XXXXXX", path[600];
	struct vrdma_host *h = NULL, *h2 = NULL;
	struct if_nameindex *ifs, *it;
	int n = 0, i;
	struct stat st;

	ck_assert_ptr_nonnull(mkdtemp(tmpl));
	ck_assert_int_eq(vrdma_ctx_set_state_dir(ctx, tmpl), 0);
	ck_assert_int_eq(vrdma_host_discover(ctx, 0, &h), 0);
	ck_assert(!vrdma_host_is_snapshot(h));
	/* every netdev if_nameindex(3) knows, with the same ifindex */
	ifs = if_nameindex();
	ck_assert_ptr_nonnull(ifs);
	for (it = ifs; it->if_index; it++) {
		struct vrdma_netdev *d;
		ck_assert_msg(vrdma_host_find_netdev(h, it->if_name, &d) == 0, "%s missing", it->if_name);
		ck_assert_int_eq(vrdma_netdev_get_ifindex(d), (int)it->if_index);
		n++;
	}
	if_freenameindex(ifs);
	ck_assert_int_eq(vrdma_host_get_n_netdevs(h), n);
	/* uplinks: exactly the netdevs with a device link in sysfs, aliases
	 * vmnic0..N-1 */
	for (i = 0; i < vrdma_host_get_n_uplinks(h); i++) {
		struct vrdma_uplink *u = OK(struct vrdma_uplink *, vrdma_host_get_uplink, h, (unsigned int)i);
		char want[32];
		snprintf(path, sizeof(path), "/sys/class/net/%s/device",
		         vrdma_netdev_get_name(vrdma_uplink_get_netdev(u)));
		ck_assert_msg(stat(path, &st) == 0 || getenv("VRDMA_UPLINKS"), "%s", path);
		snprintf(want, sizeof(want), "vmnic%d", i);
		ck_assert_str_eq(vrdma_uplink_get_alias(u), want);
	}
	/* the alias state file was written */
	snprintf(path, sizeof(path), "%s/aliases.json", tmpl);
	ck_assert_int_eq(stat(path, &st), 0);
	/* a second discovery gives the same aliases and same document */
	ck_assert_int_eq(vrdma_host_discover(ctx, VRDMA_DISCOVER_READ_ONLY, &h2), 0);
	ck_assert_int_eq(vrdma_host_get_n_uplinks(h2), vrdma_host_get_n_uplinks(h));
	for (i = 0; i < vrdma_host_get_n_uplinks(h); i++)
		ck_assert_str_eq(uplink_name(h2, i), uplink_name(h, i));
	{
		char *a = NULL, *b = NULL;
		struct vrdma_host *h3 = NULL;
		ck_assert_int_eq(vrdma_host_format(h, &a), 0);
		ck_assert_int_eq(vrdma_host_parse(ctx, a, strlen(a), &h3), 0);
		ck_assert_int_eq(vrdma_host_format(h3, &b), 0);
		ck_assert_str_eq(a, b);
		free(a);
		free(b);
		vrdma_host_unref(h3);
	}
	vrdma_host_unref(h);
	vrdma_host_unref(h2);
	unlink(path);
	snprintf(path, sizeof(path), "%s/aliases.lock", tmpl);
	unlink(path);
	ck_assert_int_eq(rmdir(tmpl), 0);
}
END_TEST

static Suite *make_host_suite(void)
{
	Suite *s = suite_create("host");
	TCase *tc = tcase_create("snapshots");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_connectx4);
	tcase_add_test(tc, test_netdevs);
	tcase_add_test(tc, test_ib_adapter);
	tcase_add_test(tc, test_other_netns);
	tcase_add_loop_test(tc, test_round_trip, 0, (int)(sizeof(good) / sizeof(good[0])));
	tcase_add_loop_test(tc, test_malformed, 0, (int)(sizeof(bad_docs) / sizeof(bad_docs[0])));
	tcase_add_test(tc, test_load_errors);
	tcase_add_test(tc, test_null_args);
	tcase_add_test(tc, test_bad_args);
	tcase_add_test(tc, test_borrowed);
	tcase_add_test(tc, test_discover_live);
	suite_add_tcase(s, tc);
	return s;
}

VRDMA_TEST_MAIN(make_host_suite)
