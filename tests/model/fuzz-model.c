/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Stateful libFuzzer harness for the model: the input is a program, one
 * operation per step on one configuration, through the public API only
 * (add/remove switches, uplinks, port groups, vmks and soft RDMA adapters; MTUs, VLANs, teaming,
 * MACs, addresses, gateways, tags; a reload through the loader).  Values come
 * from small pools with the edge cases in them: the other family's address,
 * the vmk's own address and its subnet's network and broadcast addresses as
 * a gateway, the documented limits and one past them, empty, long and
 * escape-carrying names.  After every step (HACKING.md rules 5 and 6, the
 * "Validation" paragraph of <vrdma/model.h>):
 *   success: the message is empty, the formatted configuration loads with
 *            vrdma_config_parse() and formats to the same bytes;
 *   failure: the message is not empty and the formatted configuration is
 *            byte-identical to the one before the step.
 * A violation abort()s with the step and both texts.
 *
 * Program bytes: an opcode, then the operands it reads (see step()); a
 * missing byte reads as 0.  Suite fuzz (clang); with -DVRDMA_FUZZ_REPLAY a
 * main() runs the seed corpus files (suite unit, any compiler).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "fuzz-roundtrip.h" /* LLVMFuzzerTestOneInput's prototype, the replay main() */

struct prog {
	const uint8_t *p;
	size_t n, i;
};

static uint8_t next(struct prog *pr)
{
	return pr->i < pr->n ? pr->p[pr->i++] : 0;
}

#define PICK(pr, pool) ((pool)[next(pr) % (sizeof(pool) / sizeof((pool)[0]))])

static const char *const names[] = {
	"vSwitch1", "vSwitch2", "dvs", "a", "", " lead", "trail ", "Uplink 1", "Uplink 2",
	"(x).y-z_0", "PG", "RDMA-PG", "vmk1", "vmnic1", "bad\"quote", "back\\slash",
	"tab\there", "nl\nx", "\xc3\xa9t\xc3\xa9", "0123456789abcdef0123456789abcdef",
	"0123456789abcdef0123456789abcdefX", "eth0", "br0", "x.y",
};
static const char *const ifnames[] = {
	NULL, "br0", "br1", "vmnic1", "vmk3", "a.b", "verylongna", "verylongnam", "eth0",
	"..", "-", "b r", "vSwitch1", "vSwitch2", "dvs",
};
static const char *const devices[] = {
	"vmnic1", "vmnic2", "eth0", "eth1", "vmk1", "br0", "vSwitch1", "", "a.b",
	"0123456789abcde", "0123456789abcdef", "x\"y", NULL,
};
static const int mtus[] = { 0, -1, 1279, 1280, 1400, 1500, 4000, 8999, 9000, 9001, INT_MAX };
static const int vlans[] = { -1, 0, 1, 100, 4094, 4095, 4096, INT_MIN };
static const char *const trunks[] = {
	"0-4094", "1,2,3", "10-20,15-30", "", "5-1", "4095", " 1 , 2 ", "1-2,4-5",
	"1,3,5,7,9,11,13,15,17,19,21,23,25,27,29,31,33,35,37,39,41,43,45,47,49,51,53,55,57,59,61,63",
	"1,3,5,7,9,11,13,15,17,19,21,23,25,27,29,31,33,35,37,39,41,43,45,47,49,51,53,55,57,59,61,63,65",
	"1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33",
	"7", "x", "1-", "-1", "99999999999999999999",
};
static const char *const macs[] = {
	NULL, "02:00:00:00:00:01", "02:00:00:00:00:02", "01:00:5e:00:00:01",
	"00:00:00:00:00:00", "02-00-00-00-00-03", "02:AA:bb:CC:dd:EE", "zz", "02:00:00:00:00",
};
static const char *const ip4s[] = {
	"192.168.1.10", "192.168.1.1", "192.168.1.0", "192.168.1.255", "192.168.1.8",
	"192.168.1.11", "192.168.1.9", "10.0.0.1", "10.0.0.0", "0.0.0.0", "255.255.255.255",
	"127.0.0.1", "169.254.1.1", "224.0.0.1", "fd00::1", "192.168.1.300", NULL,
};
static const unsigned int prefixes4[] = { 0, 1, 8, 16, 24, 29, 30, 31, 32, 33 };
static const char *const ip6s[] = {
	"fd00::10", "fd00::1", "fd00::", "fd00::ffff:ffff:ffff:ffff", "fd00::11", "fe80::1",
	"::1", "::", "::ffff:1.2.3.4", "::1.2.3.4", "2001:db8::1", "2001:db8::", "ff02::1",
	"192.168.1.1", "FD00:0::10", NULL,
};
static const unsigned int prefixes6[] = { 0, 1, 48, 64, 96, 126, 127, 128, 129 };
static const char *const gateways[] = {
	"192.168.1.1", "192.168.1.254", "192.168.1.8", "192.168.1.11", "10.0.0.2", "fd00::1",
	"fd00::2", "fe80::1", "2001:db8::2", "::ffff:192.168.1.1", "::1.2.3.4", "ff02::2",
	"gw.example", "", "0.0.0.0",
};
static const char *const vmk_names[] = {
	NULL, "vmk0", "vmk1", "vmk2", "vmk255", "vmk256", "vmk01", "vmk", "eth0", "vmk100000",
};

static struct vrdma_switch *pick_switch(struct vrdma_config *cfg, struct prog *pr)
{
	struct vrdma_switch *sw = NULL;
	int n = vrdma_config_get_n_switches(cfg);
	uint8_t b = next(pr);

	if (n <= 0 || vrdma_config_get_switch(cfg, (unsigned int)(b % n), &sw) < 0)
		return NULL;
	return sw;
}

static struct vrdma_portgroup *pick_portgroup(struct vrdma_config *cfg, struct prog *pr)
{
	struct vrdma_switch *sw = pick_switch(cfg, pr);
	struct vrdma_portgroup *pg = NULL;
	int n = sw ? vrdma_switch_get_n_portgroups(sw) : 0;
	uint8_t b = next(pr);

	if (n <= 0 || vrdma_switch_get_portgroup(sw, (unsigned int)(b % n), &pg) < 0)
		return NULL;
	return pg;
}

static struct vrdma_vmk *pick_vmk(struct vrdma_config *cfg, struct prog *pr)
{
	struct vrdma_vmk *vmk = NULL;
	int n = vrdma_config_get_n_vmks(cfg);
	uint8_t b = next(pr);

	if (n <= 0 || vrdma_config_get_vmk(cfg, (unsigned int)(b % n), &vmk) < 0)
		return NULL;
	return vmk;
}

/* An uplink name of sw (by the next byte), else one from the pool. */
static const char *pick_uplink(struct vrdma_switch *sw, struct prog *pr)
{
	const char *u = NULL;
	int n = vrdma_switch_get_n_uplinks(sw);
	uint8_t b = next(pr);

	if (n > 0 && b < 0xc0 && vrdma_switch_get_uplink(sw, (unsigned int)(b % n), &u) == 0)
		return u;
	return devices[b % (sizeof(devices) / sizeof(devices[0]) - 1)];
}

/* Failover lists of up to 7 names each (sizes from the next byte). */
static void pick_lists(struct vrdma_switch *sw, struct prog *pr, const char **act, size_t *na,
                       const char **stb, size_t *ns)
{
	uint8_t b = next(pr);
	size_t i;

	*na = b & 7;
	*ns = (b >> 3) & 7;
	for (i = 0; i < *na; i++)
		act[i] = pick_uplink(sw, pr);
	for (i = 0; i < *ns; i++)
		stb[i] = pick_uplink(sw, pr);
}

/* A gateway for vmk: from the pool, or made from its own addresses (itself,
 * its subnet's network and broadcast address, the next address). */
static const char *pick_gateway(struct vrdma_vmk *vmk, struct prog *pr, char buf[64])
{
	uint8_t b = next(pr), how = b & 7;
	const char *addr;
	unsigned int prefix;
	struct in_addr a;
	uint32_t h, m;

	if (how >= 5)
		return PICK(pr, gateways);
	if (how == 4) {
		if (vrdma_vmk_get_ipv6(vmk, (unsigned int)(b >> 3) % 16, &addr, &prefix) < 0)
			return PICK(pr, gateways);
		snprintf(buf, 64, "%s", addr);
		return buf;
	}
	if (vrdma_vmk_get_ipv4(vmk, &addr, &prefix) < 0 || inet_pton(AF_INET, addr, &a) != 1)
		return PICK(pr, gateways);
	h = ntohl(a.s_addr);
	m = prefix ? 0xffffffffu << (32 - prefix) : 0;
	if (how == 1)
		h &= m;             /* network */
	else if (how == 2)
		h |= ~m;            /* broadcast */
	else if (how == 3)
		h += 1;             /* a neighbour */
	a.s_addr = htonl(h);
	inet_ntop(AF_INET, &a, buf, 64);
	return buf;
}

static char *format_or_die(struct vrdma_config *cfg)
{
	char *t = NULL;

	if (vrdma_config_format(cfg, &t) < 0 || !t)
		abort();
	return t;
}

static void fail(unsigned int n, const char *what, const char *err, const char *before,
                 const char *after)
{
	fprintf(stderr, "step %u: %s\nmessage: %s\n--- before:\n%s\n--- after:\n%s\n", n, what,
	        err, before, after);
	abort();
}

/* The checks after one call that returned r; *before becomes the text after it. */
static void check_step(struct vrdma_config *cfg, int r, unsigned int n, char **before)
{
	struct vrdma_ctx *ctx = vrdma_config_get_ctx(cfg);
	struct vrdma_config *again = NULL;
	char *after, *t2, err[4096];

	snprintf(err, sizeof(err), "%s", vrdma_ctx_get_error(ctx));
	after = format_or_die(cfg);
	if (r < 0) {
		if (!err[0])
			fail(n, "a failure without a message", err, *before, after);
		if (strcmp(*before, after) != 0)
			fail(n, "a failed call changed the configuration", err, *before, after);
		free(after);
		return;
	}
	if (r != 0 || err[0])
		fail(n, "a success with a message or a positive value", err, *before, after);
	if (vrdma_config_parse(ctx, after, strlen(after), &again) < 0)
		fail(n, "an accepted change saves a configuration that does not load",
		     vrdma_ctx_get_error(ctx), *before, after);
	t2 = format_or_die(again);
	if (strcmp(after, t2) != 0)
		fail(n, "the reloaded configuration formats differently", t2, *before, after);
	free(t2);
	vrdma_config_unref(again);
	free(*before);
	*before = after;
}

/* Add switches (or uplinks) named from a counter until a limit answers,
 * each call checked: returns 1 (nothing left to check). */
static int bulk(struct vrdma_config *cfg, struct prog *pr, unsigned int n, char **before)
{
	struct vrdma_switch *sw;
	uint8_t what = next(pr), count = next(pr);
	char name[32];
	unsigned int i;
	int r = 0;

	sw = what & 1 ? pick_switch(cfg, pr) : NULL;
	for (i = 0; i < count && r == 0; i++) {
		snprintf(name, sizeof(name), "s%u", i);
		if (sw)
			r = vrdma_switch_add_uplink(sw, name);
		else
			r = vrdma_config_add_switch(cfg, name, VRDMA_SWITCH_STANDARD, NULL, NULL);
		check_step(cfg, r, n, before);
	}
	return 1;
}

/* One operation: its return value, or 1 when it did not apply (no object). */
static int step(struct vrdma_config **cfgp, struct prog *pr, unsigned int n, char **before)
{
	struct vrdma_config *cfg = *cfgp;
	const char *act[8], *stb[8];
	struct vrdma_switch *sw;
	struct vrdma_portgroup *pg;
	struct vrdma_vmk *vmk;
	enum vrdma_switch_type type;
	const char *s1;
	size_t na, ns;
	char buf[64];
	uint8_t op = next(pr) % 30;

	switch (op) {
	case 0:
		s1 = PICK(pr, names);
		type = next(pr) & 1 ? VRDMA_SWITCH_DISTRIBUTED : VRDMA_SWITCH_STANDARD;
		return vrdma_config_add_switch(cfg, s1, type, PICK(pr, ifnames), NULL);
	case 1:
		return (sw = pick_switch(cfg, pr)) ? vrdma_switch_remove(sw) : 1;
	case 2:
		return (sw = pick_switch(cfg, pr)) ? vrdma_switch_set_ifname(sw, PICK(pr, ifnames)) : 1;
	case 3:
		return (sw = pick_switch(cfg, pr)) ? vrdma_switch_set_mtu(sw, PICK(pr, mtus)) : 1;
	case 4:
		if (!(sw = pick_switch(cfg, pr)))
			return 1;
		return vrdma_switch_add_uplink(sw, next(pr) & 1 ? PICK(pr, names) : pick_uplink(sw, pr));
	case 5:
		return (sw = pick_switch(cfg, pr)) ? vrdma_switch_remove_uplink(sw, pick_uplink(sw, pr)) : 1;
	case 6:
		if (!(sw = pick_switch(cfg, pr)))
			return 1;
		s1 = pick_uplink(sw, pr);
		return vrdma_switch_set_uplink_device(sw, s1, PICK(pr, devices));
	case 7:
		if (!(sw = pick_switch(cfg, pr)))
			return 1;
		pick_lists(sw, pr, act, &na, stb, &ns);
		return vrdma_switch_set_failover(sw, act, na, stb, ns);
	case 8:
		return (sw = pick_switch(cfg, pr)) ? vrdma_switch_add_portgroup(sw, PICK(pr, names), NULL) : 1;
	case 9:
		return (pg = pick_portgroup(cfg, pr)) ? vrdma_portgroup_remove(pg) : 1;
	case 10:
		return (pg = pick_portgroup(cfg, pr)) ? vrdma_portgroup_set_vlan_id(pg, PICK(pr, vlans)) : 1;
	case 11:
		return (pg = pick_portgroup(cfg, pr)) ? vrdma_portgroup_set_vlan_trunk(pg, PICK(pr, trunks)) : 1;
	case 12:
		if (!(pg = pick_portgroup(cfg, pr)))
			return 1;
		pick_lists(vrdma_portgroup_get_switch(pg), pr, act, &na, stb, &ns);
		return vrdma_portgroup_set_failover(pg, act, na, stb, ns);
	case 13:
		return (pg = pick_portgroup(cfg, pr)) ? vrdma_portgroup_clear_failover(pg) : 1;
	case 14:
		if (!(pg = pick_portgroup(cfg, pr)))
			return 1;
		return vrdma_config_add_vmk(cfg, PICK(pr, vmk_names), pg, NULL);
	case 15:
		return (vmk = pick_vmk(cfg, pr)) ? vrdma_vmk_remove(vmk) : 1;
	case 16:
		if (!(vmk = pick_vmk(cfg, pr)) || !(pg = pick_portgroup(cfg, pr)))
			return 1;
		return vrdma_vmk_set_portgroup(vmk, pg);
	case 17:
		return (vmk = pick_vmk(cfg, pr)) ? vrdma_vmk_set_mac(vmk, PICK(pr, macs)) : 1;
	case 18:
		return (vmk = pick_vmk(cfg, pr)) ? vrdma_vmk_set_mtu(vmk, PICK(pr, mtus)) : 1;
	case 19:
		if (!(vmk = pick_vmk(cfg, pr)))
			return 1;
		s1 = PICK(pr, ip4s);
		return vrdma_vmk_set_ipv4(vmk, s1, PICK(pr, prefixes4));
	case 20:
		if (!(vmk = pick_vmk(cfg, pr)))
			return 1;
		s1 = next(pr) & 1 ? pick_gateway(vmk, pr, buf) : PICK(pr, ip6s);
		return vrdma_vmk_add_ipv6(vmk, s1, PICK(pr, prefixes6));
	case 21:
		return (vmk = pick_vmk(cfg, pr)) ? vrdma_vmk_remove_ipv6(vmk, PICK(pr, ip6s)) : 1;
	case 22:
		return (vmk = pick_vmk(cfg, pr)) ? vrdma_vmk_set_gateway(vmk, pick_gateway(vmk, pr, buf)) : 1;
	case 23:
		if (!(vmk = pick_vmk(cfg, pr)))
			return 1;
		return vrdma_vmk_clear_gateway(vmk, next(pr) % 3 == 0 ? AF_INET :
		                                    next(pr) & 1 ? AF_INET6 : AF_UNSPEC);
	case 24:
		return (vmk = pick_vmk(cfg, pr)) ? vrdma_vmk_add_tags(vmk, next(pr) & 0x1f) : 1;
	case 25:
		return (vmk = pick_vmk(cfg, pr)) ? vrdma_vmk_remove_tags(vmk, next(pr) & 0x1f) : 1;
	case 26:
		return bulk(cfg, pr, n, before);
	case 27: /* soft RDMA adapters (issue 15): one per uplink, bad names, bad types */
		return vrdma_config_add_soft_adapter(cfg, next(pr) & 1 ? PICK(pr, devices) : PICK(pr, names),
		                                     (enum vrdma_soft_adapter_type)(next(pr) % 3), NULL);
	case 28: {
		struct vrdma_soft_adapter *sa;
		int k = vrdma_config_get_n_soft_adapters(cfg);
		if (k <= 0 || vrdma_config_get_soft_adapter(cfg, next(pr) % (unsigned int)k, &sa) < 0)
			return 1;
		return vrdma_soft_adapter_remove(sa);
	}
	default: {
		/* continue on the configuration the loader builds from the text */
		struct vrdma_config *again = NULL;
		char *t = NULL;
		int r;

		if (vrdma_config_format(cfg, &t) < 0)
			abort();
		r = vrdma_config_parse(vrdma_config_get_ctx(cfg), t, strlen(t), &again);
		free(t);
		if (r < 0)
			return r;
		vrdma_config_unref(cfg);
		*cfgp = again;
		return 0;
	}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct prog pr = { data, size, 0 };
	struct vrdma_config *cfg = NULL;
	struct vrdma_ctx *ctx = NULL;
	unsigned int n;
	char *before;
	int r;

	if (vrdma_ctx_new(&ctx) < 0)
		return 0;
	vrdma_ctx_set_log_fn(ctx, NULL, NULL);
	if (vrdma_config_new(ctx, &cfg) < 0)
		abort();
	before = format_or_die(cfg);
	for (n = 0; pr.i < pr.n && n < 128; n++) {
		r = step(&cfg, &pr, n, &before);
#ifdef VRDMA_FUZZ_TRACE
		fprintf(stderr, "step %u: %d %s\n", n, r, vrdma_ctx_get_error(ctx));
#endif
		if (r != 1)
			check_step(cfg, r, n, &before);
	}
	free(before);
	vrdma_config_unref(cfg);
	vrdma_ctx_unref(ctx);
	return 0;
}
