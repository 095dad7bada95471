/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * vrdmactl host discovery commands: rdma device list | protocol list | show |
 * gid list, network nic list, host save.  Public API only.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "vrdmactl.h"

static void fmt_speed(int mbps, char *buf, size_t len)
{
	if (mbps <= 0)
		snprintf(buf, len, "-");
	else if (mbps % 1000 == 0)
		snprintf(buf, len, "%d Gbps", mbps / 1000);
	else if (mbps >= 1000)
		snprintf(buf, len, "%.1f Gbps", mbps / 1000.0);
	else
		snprintf(buf, len, "%d Mbps", mbps);
}

/* An optional value: what the getter `fn` stores, or `dflt` when it is absent. */
#define OPT(type, dflt, fn, obj) ({ type opt_ = (dflt); (void)fn(obj, &opt_); opt_; })

/* "0c42:a103:0065:b8a4" */
static const char *fmt_guid(uint64_t g, char buf[20])
{
	snprintf(buf, 20, "%04x:%04x:%04x:%04x", (unsigned)(g >> 48) & 0xffff,
	         (unsigned)(g >> 32) & 0xffff, (unsigned)(g >> 16) & 0xffff, (unsigned)g & 0xffff);
	return buf;
}

/* The first port: the one ESXi's one-line views describe. */
static struct vrdma_port *first_port(struct vrdma_adapter *a)
{
	struct vrdma_port *p;

	return vrdma_adapter_get_port(a, 0, &p) == 0 ? p : NULL;
}

/* Adapter i (0 <= i < vrdma_host_get_n_adapters()). */
static struct vrdma_adapter *adapter_at(struct vrdma_host *h, int i)
{
	struct vrdma_adapter *a = NULL;

	(void)vrdma_host_get_adapter(h, (unsigned int)i, &a);
	return a;
}

static const char *port_state(struct vrdma_port *p)
{
	return vrdma_port_state_to_string(vrdma_port_get_state(p));
}

/* ---- rdma device list ----------------------------------------------------- */

static struct json_object *gid_json(struct vrdma_adapter *a, int port, struct vrdma_gid *g)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "device", vctl_jstr(vrdma_adapter_get_alias(a)));
	json_object_object_add(o, "port", json_object_new_int(port));
	json_object_object_add(o, "index", json_object_new_int(vrdma_gid_get_index(g)));
	json_object_object_add(o, "gid", vctl_jstr(vrdma_gid_get_string(g)));
	json_object_object_add(o, "type", vctl_jstr(vrdma_gid_type_to_string(vrdma_gid_get_type(g))));
	json_object_object_add(o, "netdev", vctl_jstr(OPT(const char *, NULL, vrdma_gid_get_netdev_name, g)));
	json_object_object_add(o, "ip", vctl_jstr(OPT(const char *, NULL, vrdma_gid_get_ip, g)));
	return o;
}

/* Every GID of every port of an adapter, as in `rdma device gid list -j`. */
static struct json_object *gid_array(struct vrdma_adapter *a)
{
	struct json_object *arr = json_object_new_array();
	struct vrdma_port *p;
	struct vrdma_gid *g;
	unsigned int j, k;

	for (j = 0; vrdma_adapter_get_port(a, j, &p) == 0; j++)
		for (k = 0; vrdma_port_get_gid(p, k, &g) == 0; k++)
			json_object_array_add(arr, gid_json(a, vrdma_port_get_number(p), g));
	return arr;
}

static int cmd_device_list(struct vctl *v, int argc, char **argv)
{
	static const char *const hdr[] = { "Name", "Driver", "State", "MTU", "Speed",
	                                   "Paired Uplink", "Description" };
	struct vrdma_host *h = NULL;
	struct vctl_list l;
	bool gids = false;
	int i, n, r;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-g") == 0 || strcmp(argv[i], "--gids") == 0)
			gids = true;
		else
			return vctl_usage(v, "unexpected argument '%s'", argv[i]);
	}
	if ((r = vctl_open_host(v, 0, &h)))
		return r;
	n = vrdma_host_get_n_adapters(h);
	vctl_list_begin(v, &l, hdr, 7);
	for (i = 0; i < n; i++) {
		struct vrdma_adapter *a = adapter_at(h, i);
		struct vrdma_port *p = first_port(a);
		struct vrdma_uplink *u = OPT(struct vrdma_uplink *, NULL, vrdma_adapter_get_paired_uplink, a);
		const char *drv = OPT(const char *, NULL, vrdma_adapter_get_driver, a);
		int sp = p ? (int)OPT(unsigned int, 0, vrdma_port_get_speed, p) : 0;
		char mtu[16], speed[32];

		if (l.arr) {
			struct json_object *o = json_object_new_object();
			json_object_object_add(o, "name", vctl_jstr(vrdma_adapter_get_alias(a)));
			json_object_object_add(o, "device", vctl_jstr(vrdma_adapter_get_name(a)));
			json_object_object_add(o, "driver", vctl_jstr(drv));
			json_object_object_add(o, "state", vctl_jstr(p ? port_state(p) : NULL));
			json_object_object_add(o, "mtu", json_object_new_int(p ? vrdma_port_get_active_mtu(p) : 0));
			json_object_object_add(o, "speed_mbps", json_object_new_int(sp));
			json_object_object_add(o, "paired_uplink", vctl_jstr(u ? vrdma_uplink_get_alias(u) : NULL));
			json_object_object_add(o, "paired_netdev",
			                       vctl_jstr(p ? OPT(const char *, NULL, vrdma_port_get_netdev_name, p) : NULL));
			json_object_object_add(o, "description", vctl_jstr(vrdma_adapter_get_description(a)));
			if (gids)
				json_object_object_add(o, "gids", gid_array(a));
			json_object_array_add(l.arr, o);
			continue;
		}
		snprintf(mtu, sizeof(mtu), "%d", p ? vrdma_port_get_active_mtu(p) : 0);
		fmt_speed(sp, speed, sizeof(speed));
		vctl_table_addv(l.t, vrdma_adapter_get_alias(a), vctl_or_dash(drv),
		                p ? port_state(p) : "-", mtu, speed,
		                vctl_or_dash(u ? vrdma_uplink_get_alias(u) : NULL),
		                vctl_or_dash(vrdma_adapter_get_description(a)));
	}
	vctl_list_end(&l);
	vrdma_host_unref(h);
	return VCTL_EXIT_OK;
}

/* ---- rdma device protocol list --------------------------------------------- */

static int cmd_protocol_list(struct vctl *v, int argc, char **argv)
{
	static const char *const hdr[] = { "Device", "RoCE v1", "RoCE v2", "iWARP" };
	struct vrdma_host *h = NULL;
	struct vctl_list l;
	int i, n, r;

	if ((r = vctl_no_args(v, argc, argv)) || (r = vctl_open_host(v, 0, &h)))
		return r;
	n = vrdma_host_get_n_adapters(h);
	vctl_list_begin(v, &l, hdr, 4);
	for (i = 0; i < n; i++) {
		struct vrdma_adapter *a = adapter_at(h, i);
		int p = vrdma_adapter_get_protocols(a);
		if (l.arr) {
			struct json_object *o = json_object_new_object();
			json_object_object_add(o, "device", vctl_jstr(vrdma_adapter_get_alias(a)));
			json_object_object_add(o, "roce_v1", json_object_new_boolean(p & VRDMA_PROTO_ROCE_V1));
			json_object_object_add(o, "roce_v2", json_object_new_boolean(p & VRDMA_PROTO_ROCE_V2));
			json_object_object_add(o, "iwarp", json_object_new_boolean(p & VRDMA_PROTO_IWARP));
			json_object_object_add(o, "infiniband", json_object_new_boolean(p & VRDMA_PROTO_IB));
			json_object_array_add(l.arr, o);
		} else {
			vctl_table_addv(l.t, vrdma_adapter_get_alias(a),
			                p & VRDMA_PROTO_ROCE_V1 ? "true" : "false",
			                p & VRDMA_PROTO_ROCE_V2 ? "true" : "false",
			                p & VRDMA_PROTO_IWARP ? "true" : "false");
		}
	}
	vctl_list_end(&l);
	vrdma_host_unref(h);
	return VCTL_EXIT_OK;
}

/* ---- rdma device show ---------------------------------------------------------- */

/* A string from the host (sysfs, a snapshot) as it may be shown (vctl_str). */
#define S(s) vctl_str(v, (s))

static struct json_object *port_json(struct vrdma_port *p)
{
	struct json_object *o = json_object_new_object();
	struct vrdma_uplink *u = OPT(struct vrdma_uplink *, NULL, vrdma_port_get_uplink, p);

	json_object_object_add(o, "port", json_object_new_int(vrdma_port_get_number(p)));
	json_object_object_add(o, "state", vctl_jstr(port_state(p)));
	json_object_object_add(o, "phys_state",
	                       vctl_jstr(vrdma_port_phys_state_to_string(vrdma_port_get_phys_state(p))));
	json_object_object_add(o, "active_mtu", json_object_new_int(vrdma_port_get_active_mtu(p)));
	json_object_object_add(o, "max_mtu", json_object_new_int(vrdma_port_get_max_mtu(p)));
	json_object_object_add(o, "speed_mbps",
	                       json_object_new_int((int)OPT(unsigned int, 0, vrdma_port_get_speed, p)));
	json_object_object_add(o, "width",
	                       json_object_new_int((int)OPT(unsigned int, 0, vrdma_port_get_width, p)));
	json_object_object_add(o, "link_layer",
	                       vctl_jstr(vrdma_link_layer_to_string(vrdma_port_get_link_layer(p))));
	json_object_object_add(o, "gid_table_len", json_object_new_int(vrdma_port_get_gid_table_len(p)));
	json_object_object_add(o, "netdev", vctl_jstr(OPT(const char *, NULL, vrdma_port_get_netdev_name, p)));
	json_object_object_add(o, "netdev_missing",
	                       vctl_jstr(vrdma_netdev_missing_to_string(vrdma_port_get_netdev_missing(p))));
	json_object_object_add(o, "uplink", vctl_jstr(u ? vrdma_uplink_get_alias(u) : NULL));
	return o;
}

static int cmd_device_show(struct vctl *v, int argc, char **argv)
{
	struct vrdma_config *cfg = NULL;
	struct vrdma_host *h = NULL;
	struct vrdma_adapter *a;
	struct vrdma_uplink *u;
	struct vrdma_port *p;
	const char *name, *drv, *pci, *fw;
	char ng[20], sg[20];
	unsigned int i;
	int r, pr;

	if (argc != 2)
		return vctl_usage(v, argc < 2 ? "missing adapter name" : "unexpected argument '%s'",
		                  argc < 2 ? "" : argv[2]);
	name = argv[1];
	if ((r = vctl_open_host(v, 0, &h)))
		return r;
	r = vrdma_host_find_adapter(h, name, &a);
	if (r == 0 && vrdma_config_load(v->ctx, NULL, &cfg) < 0)
		cfg = NULL;   /* RoCE settings: none configured (or unreadable) */
	if (r < 0) {
		vrdma_host_unref(h);
		return vctl_fail(v, 0, "no RDMA adapter '%s' (see vrdmactl rdma device list)", name);
	}
	pr = vrdma_adapter_get_protocols(a);
	u = OPT(struct vrdma_uplink *, NULL, vrdma_adapter_get_paired_uplink, a);
	drv = OPT(const char *, NULL, vrdma_adapter_get_driver, a);
	pci = OPT(const char *, NULL, vrdma_adapter_get_pci_address, a);
	fw = OPT(const char *, NULL, vrdma_adapter_get_fw_version, a);
	fmt_guid(OPT(uint64_t, 0, vrdma_adapter_get_node_guid, a), ng);
	fmt_guid(OPT(uint64_t, 0, vrdma_adapter_get_sys_image_guid, a), sg);
	if (v->json) {
		struct json_object *o = json_object_new_object(), *ports = json_object_new_array(),
		                   *prs = json_object_new_array();
		json_object_object_add(o, "name", vctl_jstr(vrdma_adapter_get_alias(a)));
		json_object_object_add(o, "device", vctl_jstr(vrdma_adapter_get_name(a)));
		json_object_object_add(o, "driver", vctl_jstr(drv));
		json_object_object_add(o, "description", vctl_jstr(vrdma_adapter_get_description(a)));
		json_object_object_add(o, "pci_address", vctl_jstr(pci));
		json_object_object_add(o, "fw_version", vctl_jstr(fw));
		json_object_object_add(o, "node_guid", vctl_jstr(ng));
		json_object_object_add(o, "sys_image_guid", vctl_jstr(sg));
		json_object_object_add(o, "vendor_id",
		                       json_object_new_int((int)OPT(unsigned int, 0, vrdma_adapter_get_vendor_id, a)));
		json_object_object_add(o, "vendor_part_id",
		                       json_object_new_int((int)OPT(unsigned int, 0, vrdma_adapter_get_vendor_part_id, a)));
		json_object_object_add(o, "node_type",
		                       vctl_jstr(vrdma_node_type_to_string(vrdma_adapter_get_node_type(a))));
		if (pr & VRDMA_PROTO_IB)
			json_object_array_add(prs, json_object_new_string("InfiniBand"));
		if (pr & VRDMA_PROTO_ROCE_V1)
			json_object_array_add(prs, json_object_new_string("RoCE v1"));
		if (pr & VRDMA_PROTO_ROCE_V2)
			json_object_array_add(prs, json_object_new_string("RoCE v2"));
		if (pr & VRDMA_PROTO_IWARP)
			json_object_array_add(prs, json_object_new_string("iWARP"));
		json_object_object_add(o, "protocols", prs);
		json_object_object_add(o, "paired_uplink", vctl_jstr(u ? vrdma_uplink_get_alias(u) : NULL));
		for (i = 0; vrdma_adapter_get_port(a, i, &p) == 0; i++) {
			struct json_object *pj = port_json(p);
			vctl_roce_port_show(v, cfg, a, (unsigned int)vrdma_port_get_number(p), pj);
			json_object_array_add(ports, pj);
		}
		json_object_object_add(o, "ports", ports);
		vctl_print_json(o);
		json_object_put(o);
	} else {
		printf("%s\n", S(vrdma_adapter_get_alias(a)));
		printf("   Name: %s\n", S(vrdma_adapter_get_alias(a)));
		printf("   Device: %s\n", S(vrdma_adapter_get_name(a)));
		printf("   Driver: %s\n", S(vctl_or_dash(drv)));
		printf("   Description: %s\n", S(vctl_or_dash(vrdma_adapter_get_description(a))));
		printf("   PCI Address: %s\n", S(vctl_or_dash(pci)));
		printf("   Firmware Version: %s\n", S(vctl_or_dash(fw)));
		printf("   Node GUID: %s\n", ng);
		printf("   System Image GUID: %s\n", sg);
		printf("   Vendor ID: 0x%x\n", OPT(unsigned int, 0, vrdma_adapter_get_vendor_id, a));
		printf("   Vendor Part ID: %u\n", OPT(unsigned int, 0, vrdma_adapter_get_vendor_part_id, a));
		printf("   Node Type: %s\n", vrdma_node_type_to_string(vrdma_adapter_get_node_type(a)));
		printf("   RoCE v1 Capable: %s\n", pr & VRDMA_PROTO_ROCE_V1 ? "true" : "false");
		printf("   RoCE v2 Capable: %s\n", pr & VRDMA_PROTO_ROCE_V2 ? "true" : "false");
		printf("   iWARP Capable: %s\n", pr & VRDMA_PROTO_IWARP ? "true" : "false");
		printf("   InfiniBand Capable: %s\n", pr & VRDMA_PROTO_IB ? "true" : "false");
		printf("   Paired Uplink: %s\n", S(vctl_or_dash(u ? vrdma_uplink_get_alias(u) : NULL)));
		for (i = 0; vrdma_adapter_get_port(a, i, &p) == 0; i++) {
			const char *nd;
			char speed[32];
			fmt_speed((int)OPT(unsigned int, 0, vrdma_port_get_speed, p), speed, sizeof(speed));
			printf("   Port %d:\n", vrdma_port_get_number(p));
			printf("      State: %s\n", port_state(p));
			printf("      Physical State: %s\n",
			       vrdma_port_phys_state_to_string(vrdma_port_get_phys_state(p)));
			printf("      MTU: %d\n", vrdma_port_get_active_mtu(p));
			printf("      Max MTU: %d\n", vrdma_port_get_max_mtu(p));
			printf("      Speed: %s\n", speed);
			printf("      Link Layer: %s\n",
			       vrdma_link_layer_to_string(vrdma_port_get_link_layer(p)));
			if (vrdma_port_get_netdev_name(p, &nd) == 0)
				printf("      Netdev: %s\n", S(nd));
			else
				printf("      Netdev: - (%s)\n",
				       vrdma_netdev_missing_to_string(vrdma_port_get_netdev_missing(p)));
			printf("      GID Entries: %d of %d\n", vrdma_port_get_n_gids(p),
			       vrdma_port_get_gid_table_len(p));
			vctl_roce_port_show(v, cfg, a, (unsigned int)vrdma_port_get_number(p), NULL);
		}
	}
	vrdma_config_unref(cfg);
	vrdma_host_unref(h);
	return VCTL_EXIT_OK;
}

#undef S

/* ---- rdma device gid list -------------------------------------------------------- */

static int cmd_gid_list(struct vctl *v, int argc, char **argv)
{
	static const char *const hdr[] = { "Device", "Port", "Index", "GID", "Type", "Netdev", "IP Address" };
	struct vrdma_host *h = NULL;
	struct vrdma_adapter *only = NULL, *a;
	struct vrdma_port *p;
	struct vrdma_gid *g;
	struct vctl_list l;
	const char *dev = NULL;
	unsigned int i, j, k;
	int r;

	if ((r = vctl_device_opt(v, argc, argv, &dev)) || (r = vctl_open_host(v, 0, &h)))
		return r;
	if (dev && vrdma_host_find_adapter(h, dev, &only) < 0) {
		vrdma_host_unref(h);
		return vctl_fail(v, 0, "no RDMA adapter '%s' (see vrdmactl rdma device list)", dev);
	}
	vctl_list_begin(v, &l, hdr, 7);
	for (i = 0; vrdma_host_get_adapter(h, i, &a) == 0; i++) {
		if (only && a != only)
			continue;
		for (j = 0; vrdma_adapter_get_port(a, j, &p) == 0; j++) {
			for (k = 0; vrdma_port_get_gid(p, k, &g) == 0; k++) {
				const char *type = vrdma_gid_type_to_string(vrdma_gid_get_type(g));
				if (l.arr) {
					json_object_array_add(l.arr, gid_json(a, vrdma_port_get_number(p), g));
				} else {
					char pn[12], idx[12];
					snprintf(pn, sizeof(pn), "%d", vrdma_port_get_number(p));
					snprintf(idx, sizeof(idx), "%d", vrdma_gid_get_index(g));
					vctl_table_addv(l.t, vrdma_adapter_get_alias(a), pn, idx,
					                vrdma_gid_get_string(g), type,
					                vctl_or_dash(OPT(const char *, NULL, vrdma_gid_get_netdev_name, g)),
					                vctl_or_dash(OPT(const char *, NULL, vrdma_gid_get_ip, g)));
				}
			}
		}
	}
	vctl_list_end(&l);
	vrdma_host_unref(h);
	return VCTL_EXIT_OK;
}

/* ---- network nic list -------------------------------------------------------------- */

static int cmd_nic_list(struct vctl *v, int argc, char **argv)
{
	static const char *const hdr[] = { "Name", "PCI Device", "Driver", "Link Status", "Speed",
	                                   "MAC Address", "MTU", "Netdev", "Paired RDMA" };
	struct vrdma_host *h = NULL;
	struct vrdma_uplink *u;
	struct vctl_list l;
	unsigned int i;
	int r;

	if ((r = vctl_no_args(v, argc, argv)) || (r = vctl_open_host(v, 0, &h)))
		return r;
	vctl_list_begin(v, &l, hdr, 9);
	for (i = 0; vrdma_host_get_uplink(h, i, &u) == 0; i++) {
		struct vrdma_netdev *d = vrdma_uplink_get_netdev(u);
		struct vrdma_port *pp = OPT(struct vrdma_port *, NULL, vrdma_uplink_get_paired_port, u);
		struct vrdma_adapter *a = pp ? vrdma_port_get_adapter(pp) : NULL;
		const char *oper = vrdma_oper_state_to_string(vrdma_netdev_get_oper_state(d));
		struct vrdma_netdev *m = OPT(struct vrdma_netdev *, NULL, vrdma_netdev_get_master, d);
		const char *pci = OPT(const char *, NULL, vrdma_netdev_get_pci_address, d);
		const char *drv = OPT(const char *, NULL, vrdma_netdev_get_driver, d);
		const char *mac = OPT(const char *, NULL, vrdma_netdev_get_mac, d);
		int sp = (int)OPT(unsigned int, 0, vrdma_netdev_get_speed, d);
		if (l.arr) {
			struct json_object *o = json_object_new_object(), *up = json_object_new_array();
			struct vrdma_netdev *ud;
			unsigned int k;
			json_object_object_add(o, "name", vctl_jstr(vrdma_uplink_get_alias(u)));
			json_object_object_add(o, "netdev", vctl_jstr(vrdma_netdev_get_name(d)));
			json_object_object_add(o, "pci_address", vctl_jstr(pci));
			json_object_object_add(o, "driver", vctl_jstr(drv));
			json_object_object_add(o, "link_status", vctl_jstr(oper));
			json_object_object_add(o, "speed_mbps", json_object_new_int(sp));
			json_object_object_add(o, "mac", vctl_jstr(mac));
			json_object_object_add(o, "mtu", json_object_new_int(vrdma_netdev_get_mtu(d)));
			json_object_object_add(o, "master", vctl_jstr(m ? vrdma_netdev_get_name(m) : NULL));
			for (k = 0; vrdma_netdev_get_upper(d, k, &ud) == 0; k++)
				json_object_array_add(up, vctl_jstr(vrdma_netdev_get_name(ud)));
			json_object_object_add(o, "uppers", up);
			json_object_object_add(o, "paired_rdma", vctl_jstr(a ? vrdma_adapter_get_alias(a) : NULL));
			json_object_array_add(l.arr, o);
		} else {
			char speed[32], mtu[16];
			fmt_speed(sp, speed, sizeof(speed));
			snprintf(mtu, sizeof(mtu), "%d", vrdma_netdev_get_mtu(d));
			vctl_table_addv(l.t, vrdma_uplink_get_alias(u), vctl_or_dash(pci), vctl_or_dash(drv),
			                strcmp(oper, "up") == 0 ? "Up" : "Down", speed,
			                vctl_or_dash(mac), mtu, vrdma_netdev_get_name(d),
			                a ? vrdma_adapter_get_alias(a) : "-");
		}
	}
	vctl_list_end(&l);
	vrdma_host_unref(h);
	return VCTL_EXIT_OK;
}

/* ---- host save ----------------------------------------------------------------------- */

static int cmd_host_save(struct vctl *v, int argc, char **argv)
{
	struct vrdma_host *h = NULL;
	int r;

	if (argc != 2)
		return vctl_usage(v, argc < 2 ? "missing FILE" : "unexpected argument '%s'",
		                  argc < 2 ? "" : argv[2]);
	if ((r = vctl_open_host(v, 0, &h)))
		return r;
	r = vrdma_host_save(h, argv[1]);
	if (r < 0) {
		vrdma_host_unref(h);
		return vctl_fail(v, r, "cannot save %s", argv[1]);
	}
	if (v->json) {
		struct json_object *o = json_object_new_object();
		json_object_object_add(o, "file", json_object_new_string(argv[1]));
		json_object_object_add(o, "adapters", json_object_new_int(vrdma_host_get_n_adapters(h)));
		json_object_object_add(o, "uplinks", json_object_new_int(vrdma_host_get_n_uplinks(h)));
		json_object_object_add(o, "netdevs", json_object_new_int(vrdma_host_get_n_netdevs(h)));
		vctl_print_json(o);
		json_object_put(o);
	}
	vrdma_host_unref(h);
	return VCTL_EXIT_OK;
}

const struct vctl_cmd vctl_rdma_cmds[] = {
	{ "rdma device list", cmd_device_list,
	  "list RDMA adapters: state, MTU, speed, paired uplink", "[-g|--gids]",
	  "Columns: Name Driver State MTU Speed \"Paired Uplink\" Description (first port).\n"
	  "JSON: array of {name, device, driver, state, mtu, speed_mbps, paired_uplink,\n"
	  "paired_netdev, description}; with --gids each also carries \"gids\", its GID\n"
	  "table as `rdma device gid list -j` prints it (one discovery for both)." },
	{ "rdma device protocol list", cmd_protocol_list,
	  "list the protocols (RoCE v1, RoCE v2, iWARP) each adapter supports", "", NULL },
	{ "rdma device show", cmd_device_show,
	  "show one adapter's properties", "NAME",
	  "NAME is a kernel name (mlx5_0) or an alias (vmrdma0)." },
	{ "rdma device gid list", cmd_gid_list,
	  "list GID table entries with type, netdev and IP address", "[-d|--device NAME]", NULL },
	{ "network nic list", cmd_nic_list,
	  "list physical NICs (uplinks) and their paired RDMA adapters", "", NULL },
	{ "host save", cmd_host_save,
	  "save a snapshot of the host (adapters, GIDs, netdevs) as JSON", "FILE",
	  "The file can be used later with --host FILE on any command." },
	{ NULL, NULL, NULL, NULL, NULL },
};
