/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * vrdma-perf: where the benchmark runs -- the RDMA device, the port and the
 * RoCE v2 GID -- chosen on libvrdma's read-only discovery of the live host:
 * from -d/-i/-x, or for --vmk from the vmk's binding (its adapter and port
 * and the GID index of its first address that has one).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <vrdma/vrdma.h>

#include "opts.h"
#include "perf.h"

static const char *port_state_name(int state)
{
	switch (state) {
	case VRDMA_PORT_NOP: return "NOP";
	case VRDMA_PORT_DOWN: return "DOWN";
	case VRDMA_PORT_INIT: return "INIT";
	case VRDMA_PORT_ARMED: return "ARMED";
	case VRDMA_PORT_ACTIVE: return "ACTIVE";
	case VRDMA_PORT_ACTIVE_DEFER: return "ACTIVE_DEFER";
	}
	return "unknown";
}

static enum ibv_mtu mtu_of(int bytes)
{
	switch (bytes) {
	case 256: return IBV_MTU_256;
	case 512: return IBV_MTU_512;
	case 1024: return IBV_MTU_1024;
	case 2048: return IBV_MTU_2048;
	}
	return IBV_MTU_4096;
}

/* A failed libvrdma call: its message, after `what` (may be NULL). */
static int lib_fail(struct perf_msg *m, struct vrdma_ctx *ctx, int r, const char *what)
{
	const char *e = vrdma_ctx_get_error(ctx);

	return perf_fail(m, r, "%s%s%s", what ? what : "", what ? ": " : "",
	                 e && e[0] ? e : strerror(-r));
}

/* The adapter named `name` (kernel name or alias), or the first one. */
static int find_adapter(struct perf_msg *m, struct vrdma_host *host, const char *name,
                        struct vrdma_adapter **ret)
{
	struct vrdma_adapter *a;
	char names[256] = "none";
	size_t used = 0;
	unsigned int i;

	if (!name) {
		if (vrdma_host_get_adapter(host, 0, ret) == 0)
			return 0;
		return perf_fail(m, -ENODEV, "no RDMA device found (is the kernel's RDMA stack loaded?)");
	}
	if (vrdma_host_find_adapter(host, name, ret) == 0)
		return 0;
	for (i = 0; used < sizeof(names) && vrdma_host_get_adapter(host, i, &a) == 0; i++)
		used += (size_t)snprintf(names + used, sizeof(names) - used, "%s%s", i ? ", " : "",
		                         vrdma_adapter_get_name(a));
	return perf_fail(m, -ENODEV, "RDMA device '%s' not found (available: %s)", name, names);
}

/* Port `num` of the adapter, active and Ethernet. */
static int find_port(struct perf_msg *m, struct vrdma_adapter *a, unsigned int num,
                     struct vrdma_port **ret)
{
	const char *dev = vrdma_adapter_get_name(a);
	struct vrdma_port *p;
	int state;

	if (vrdma_adapter_find_port(a, num, &p) < 0)
		return perf_fail(m, -ENODEV, "RDMA device %s has no port %u (it has %d)", dev, num,
		                 vrdma_adapter_get_n_ports(a));
	state = vrdma_port_get_state(p);
	if (state != VRDMA_PORT_ACTIVE)
		return perf_fail(m, -ENETDOWN,
		                 "port %u of RDMA device %s is %s, not ACTIVE (is its network interface up?)",
		                 num, dev, port_state_name(state));
	if (vrdma_port_get_link_layer(p) != VRDMA_LINK_LAYER_ETHERNET)
		return perf_fail(m, -EPROTONOSUPPORT, "port %u of RDMA device %s is not Ethernet (RoCE)",
		                 num, dev);
	*ret = p;
	return 0;
}

/* GID `index` of the port, which must be RoCE v2. */
static int find_gid(struct perf_msg *m, struct vrdma_port *p, unsigned int index,
                    struct vrdma_gid **ret)
{
	const char *dev = vrdma_adapter_get_name(vrdma_port_get_adapter(p));
	int num = vrdma_port_get_number(p), len = vrdma_port_get_gid_table_len(p);
	struct vrdma_gid *g;

	if (index >= (unsigned int)len)
		return perf_fail(m, -ERANGE,
		                 "GID index %u out of range: port %d of %s has GID indexes 0-%d",
		                 index, num, dev, len - 1);
	if (vrdma_port_find_gid(p, index, &g) < 0)
		return perf_fail(m, -ENODATA, "GID index %u of %s port %d is empty (no address behind it)",
		                 index, dev, num);
	if (vrdma_gid_get_type(g) != VRDMA_GID_ROCE_V2)
		return perf_fail(m, -EPROTONOSUPPORT, "GID index %u of %s port %d (%s) is %s, not RoCE v2",
		                 index, dev, num, vrdma_gid_get_string(g),
		                 vrdma_gid_type_to_string(vrdma_gid_get_type(g)));
	*ret = g;
	return 0;
}

/* The first RoCE v2 GID of the port with an IPv4 address, else the first RoCE v2 GID. */
static int pick_gid(struct perf_msg *m, struct vrdma_port *p, struct vrdma_gid **ret)
{
	struct vrdma_gid *g, *first = NULL;
	unsigned int i;
	int family;

	for (i = 0; vrdma_port_get_gid(p, i, &g) == 0; i++) {
		if (vrdma_gid_get_type(g) != VRDMA_GID_ROCE_V2)
			continue;
		if (vrdma_gid_get_family(g, &family) == 0 && family == AF_INET) {
			*ret = g;
			return 0;
		}
		if (!first)
			first = g;
	}
	if (!first)
		return perf_fail(m, -EADDRNOTAVAIL,
		                 "port %d of %s has no RoCE v2 GID: add an IP address to its network interface",
		                 vrdma_port_get_number(p),
		                 vrdma_adapter_get_name(vrdma_port_get_adapter(p)));
	*ret = first;
	return 0;
}

/* The vmk's adapter, port number and the GID index of its first address that has one. */
static int binding_endpoint(struct perf_msg *m, struct vrdma_binding *bd, const char *vmk,
                            struct vrdma_adapter **adapter, unsigned int *port,
                            unsigned int *gid_index)
{
	struct vrdma_port *p;
	struct vrdma_diag *d;
	unsigned int i;

	if (vrdma_binding_get_state(bd) == VRDMA_BINDING_UNBOUND &&
	    vrdma_binding_get_diag(bd, 0, &d) == 0)
		return perf_fail(m, -ENOLINK, "--vmk %s: unbound: %s %s (fix: %s)", vmk,
		                 vrdma_rule_get_code(vrdma_diag_get_rule(d)),
		                 vrdma_diag_get_message(d), vrdma_diag_get_hint(d));
	if (vrdma_binding_get_adapter(bd, adapter) < 0 || vrdma_binding_get_port(bd, &p) < 0)
		return perf_fail(m, -ENOLINK, "--vmk %s: not bound to an RDMA adapter port", vmk);
	*port = (unsigned int)vrdma_port_get_number(p);
	for (i = 0; i < (unsigned int)vrdma_binding_get_n_addrs(bd); i++)
		if (vrdma_binding_get_addr_gid_index(bd, i, gid_index) == 0)
			return 0;
	return perf_fail(m, -EADDRNOTAVAIL,
	                 "--vmk %s: none of its addresses has a RoCE v2 GID on %s port %u", vmk,
	                 vrdma_adapter_get_name(*adapter), *port);
}

/*
 * --vmk NAME: the vmk's binding, computed from the live host and the
 * configuration.  An unbound vmk is refused with its first finding.
 */
static int vmk_endpoint(struct vrdma_ctx *ctx, struct perf_msg *m, struct vrdma_host *host,
                        const char *vmk, struct vrdma_adapter **adapter, unsigned int *port,
                        unsigned int *gid_index)
{
	struct vrdma_config *cfg = NULL;
	struct vrdma_bindings *b = NULL;
	struct vrdma_binding *bd;
	int r;

	r = vrdma_config_load(ctx, NULL, &cfg);
	if (r >= 0)
		r = vrdma_bindings_new(host, cfg, &b);
	if (r >= 0)
		r = vrdma_bindings_find_binding(b, vmk, &bd);
	if (r < 0)
		r = lib_fail(m, ctx, r, "--vmk");
	else
		r = binding_endpoint(m, bd, vmk, adapter, port, gid_index);
	vrdma_bindings_unref(b);
	vrdma_config_unref(cfg);
	return r;
}

static int resolve(struct vrdma_ctx *ctx, const struct vperf_opts *o, struct vrdma_host *host,
                   struct perf_endpoint *ep, struct perf_msg *m)
{
	unsigned int port = o->port, gid_index = (unsigned int)o->gid_index;
	struct vrdma_adapter *a = NULL;
	struct vrdma_port *p = NULL;
	struct vrdma_gid *g = NULL;
	int r;

	if (o->vmk)
		r = vmk_endpoint(ctx, m, host, o->vmk, &a, &port, &gid_index);
	else
		r = find_adapter(m, host, o->device, &a);
	if (r < 0)
		return r;
	r = find_port(m, a, port, &p);
	if (r < 0)
		return r;
	if (o->vmk || o->gid_index >= 0)
		r = find_gid(m, p, gid_index, &g);
	else
		r = pick_gid(m, p, &g);
	if (r < 0)
		return r;
	ep->device = strdup(vrdma_adapter_get_name(a));
	if (!ep->device)
		return -ENOMEM;
	ep->port = port;
	ep->gid_index = vrdma_gid_get_index(g);
	memcpy(ep->gid.raw, vrdma_gid_get_raw(g), sizeof(ep->gid.raw));
	snprintf(ep->gid_text, sizeof(ep->gid_text), "%s", vrdma_gid_get_string(g));
	ep->mtu = mtu_of(vrdma_port_get_active_mtu(p));
	return 0;
}

int perf_endpoint_resolve(struct vrdma_ctx *ctx, const struct vperf_opts *o,
                          struct perf_endpoint *ep, struct perf_msg *m)
{
	struct vrdma_host *host = NULL;
	int r;

	memset(ep, 0, sizeof(*ep));
	r = vrdma_host_discover(ctx, VRDMA_DISCOVER_READ_ONLY, &host);
	if (r < 0)
		return lib_fail(m, ctx, r, NULL);
	r = resolve(ctx, o, host, ep, m);
	vrdma_host_unref(host);
	return r;
}

void perf_endpoint_clear(struct perf_endpoint *ep)
{
	free(ep->device);
	ep->device = NULL;
}
