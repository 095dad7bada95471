/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* VMkernel interfaces: names, MAC, MTU, addresses, gateways and tags. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <unistd.h>

#include "model-private.h"

/* Start of a public call on vmk: NULL is -EINVAL, then clear the message. */
#define VMK_CHECK(vmk)                                                          \
	do {                                                                    \
		if (!(vmk))                                                     \
			return -EINVAL;                                         \
		vrdma_error_clear((vmk)->ctx);                                  \
	} while (0)

/* ---- MAC addresses ------------------------------------------------------------ */

static struct vrdma_vmk *mac_user(struct vrdma_config *cfg, const uint8_t mac[6],
                                  struct vrdma_vmk *except)
{
	unsigned int i;

	for (i = 0; i < cfg->n_vmks; i++)
		if (cfg->vmks[i] != except && memcmp(cfg->vmks[i]->mac, mac, 6) == 0)
			return cfg->vmks[i];
	return NULL;
}

static uint64_t fnv1a(uint64_t h, const void *data, size_t len)
{
	const uint8_t *p = data;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

/*
 * A locally administered unicast MAC derived from this host's machine-id and
 * the vmk name (so it is the same each time this host creates vmkN), random
 * when there is no machine-id; a collision with another vmk picks the next.
 */
static void mac_generate(struct vrdma_config *cfg, struct vrdma_vmk *vmk)
{
	char seed[64] = { 0 };
	uint64_t h;
	uint32_t n;
	int fd;

	fd = open("/etc/machine-id", O_RDONLY | O_CLOEXEC);
	if (fd < 0 || read(fd, seed, sizeof(seed) - 1) < 16) {
		if (getrandom(seed, sizeof(seed), 0) != (ssize_t)sizeof(seed))
			snprintf(seed, sizeof(seed), "%p-%ld", (void *)vmk, (long)getpid());
	}
	if (fd >= 0)
		close(fd);
	for (n = 0;; n++) {
		h = fnv1a(0xcbf29ce484222325ULL, seed, sizeof(seed));
		h = fnv1a(h, vmk->name, strlen(vmk->name));
		h = fnv1a(h, &n, sizeof(n));
		vmk->mac[0] = 0x02;
		vmk->mac[1] = (uint8_t)(h >> 8);
		vmk->mac[2] = (uint8_t)(h >> 16);
		vmk->mac[3] = (uint8_t)(h >> 24);
		vmk->mac[4] = (uint8_t)(h >> 32);
		vmk->mac[5] = (uint8_t)(h >> 40);
		if (!mac_user(cfg, vmk->mac, vmk))
			break;
	}
	vrdma_mac_format(vmk->mac, vmk->mac_text);
}

/* ---- lifetime --------------------------------------------------------------------- */

/* The name asked for, or the lowest free vmkN written to buf; its number in *num. */
static int pick_name(struct vrdma_config *cfg, const char *name, char buf[16],
                     unsigned int *num)
{
	unsigned int i;

	if (name) {
		if (!vrdma_model_is_vmk_name(name, num) || *num >= VRDMA_MAX_VMKS)
			return vrdma_error(cfg->ctx, -EINVAL,
			                   "vmk '%s': name must be vmkN with N 0-%d and no leading zero",
			                   name, VRDMA_MAX_VMKS - 1);
		for (i = 0; i < cfg->n_vmks; i++)
			if (strcmp(cfg->vmks[i]->name, name) == 0)
				return vrdma_error(cfg->ctx, -EEXIST, "vmk '%s': already exists", name);
		snprintf(buf, 16, "%s", name);
		return 0;
	}
	for (*num = 0; *num < VRDMA_MAX_VMKS; (*num)++) {
		snprintf(buf, 16, "vmk%u", *num);
		for (i = 0; i < cfg->n_vmks; i++)
			if (strcmp(cfg->vmks[i]->name, buf) == 0)
				break;
		if (i == cfg->n_vmks)
			return 0;
	}
	return vrdma_error(cfg->ctx, -ENOSPC, "vmk: limit of %d vmks reached", VRDMA_MAX_VMKS);
}

VRDMA_EXPORT int vrdma_config_add_vmk(struct vrdma_config *cfg, const char *name,
                                      struct vrdma_portgroup *pg, struct vrdma_vmk **ret)
{
	struct vrdma_ctx *ctx;
	struct vrdma_vmk *vmk, **nv;
	char buf[16];
	unsigned int num = 0, pos;
	int r;

	if (!cfg)
		return -EINVAL;
	ctx = cfg->ctx;
	vrdma_error_clear(ctx);
	if (!pg)
		return vrdma_error(ctx, -EINVAL, "vmk '%s': NULL port group", name ? name : "");
	if (pg->sw->cfg != cfg)
		return vrdma_error(ctx, -EINVAL, "port group '%s' belongs to another configuration",
		                   pg->name);
	r = pick_name(cfg, name, buf, &num);
	if (r < 0)
		return r;
	if (cfg->n_vmks >= VRDMA_MAX_VMKS)
		return vrdma_error(ctx, -ENOSPC, "vmk '%s': limit of %d vmks reached", buf,
		                   VRDMA_MAX_VMKS);
	nv = realloc(cfg->vmks, (cfg->n_vmks + 1) * sizeof(*nv));
	if (!nv)
		return vrdma_error(ctx, -ENOMEM, "vmk '%s': out of memory", buf);
	cfg->vmks = nv;
	vmk = calloc(1, sizeof(*vmk));
	if (!vmk)
		return vrdma_error(ctx, -ENOMEM, "vmk '%s': out of memory", buf);
	vmk->ctx = ctx;
	vmk->cfg = cfg;
	vmk->pg = pg;
	snprintf(vmk->name, sizeof(vmk->name), "%s", buf);
	vmk->mtu = pg->sw->mtu < VRDMA_MTU_DEFAULT ? pg->sw->mtu : VRDMA_MTU_DEFAULT;
	mac_generate(cfg, vmk);
	/* keep vmks sorted by number */
	for (pos = 0; pos < cfg->n_vmks; pos++) {
		unsigned int other = 0;
		vrdma_model_is_vmk_name(cfg->vmks[pos]->name, &other);
		if (other > num)
			break;
	}
	memmove(&cfg->vmks[pos + 1], &cfg->vmks[pos], (cfg->n_vmks - pos) * sizeof(*nv));
	cfg->vmks[pos] = vmk;
	cfg->n_vmks++;
	dbg(ctx, "vmk '%s' added on port group '%s', MAC %s", vmk->name, pg->name,
	    vmk->mac_text);
	if (ret)
		*ret = vmk;
	return 0;
}

void vrdma_vmk_free(struct vrdma_vmk *vmk)
{
	free(vmk);
}

VRDMA_EXPORT struct vrdma_config *vrdma_vmk_get_config(struct vrdma_vmk *vmk)
{
	return vmk ? vmk->cfg : NULL;
}

VRDMA_EXPORT int vrdma_vmk_remove(struct vrdma_vmk *vmk)
{
	struct vrdma_config *cfg;
	struct vrdma_vmk **keep;
	unsigned int i;

	VMK_CHECK(vmk);
	cfg = vmk->cfg;
	keep = realloc(cfg->removed_vmks, (cfg->n_removed_vmks + 1) * sizeof(*keep));
	if (!keep)
		return vrdma_error(vmk->ctx, -ENOMEM, "vmk '%s': out of memory", vmk->name);
	cfg->removed_vmks = keep;
	keep[cfg->n_removed_vmks++] = vmk;
	for (i = 0; i < cfg->n_vmks; i++)
		if (cfg->vmks[i] == vmk)
			break;
	memmove(&cfg->vmks[i], &cfg->vmks[i + 1], (cfg->n_vmks - i - 1) * sizeof(*cfg->vmks));
	cfg->n_vmks--;
	return 0;
}

VRDMA_EXPORT const char *vrdma_vmk_get_name(struct vrdma_vmk *vmk)
{
	return vmk ? vmk->name : NULL;
}

VRDMA_EXPORT struct vrdma_portgroup *vrdma_vmk_get_portgroup(struct vrdma_vmk *vmk)
{
	return vmk ? vmk->pg : NULL;
}

VRDMA_EXPORT int vrdma_vmk_set_portgroup(struct vrdma_vmk *vmk, struct vrdma_portgroup *pg)
{
	VMK_CHECK(vmk);
	if (!pg)
		return vrdma_error(vmk->ctx, -EINVAL, "vmk '%s': NULL port group", vmk->name);
	if (pg->sw->cfg != vmk->cfg)
		return vrdma_error(vmk->ctx, -EINVAL,
		                   "vmk '%s': port group '%s' belongs to another configuration",
		                   vmk->name, pg->name);
	if (vmk->mtu > pg->sw->mtu)
		return vrdma_error(vmk->ctx, -ERANGE,
		                   "vmk '%s': MTU %d is above switch '%s' MTU %d", vmk->name,
		                   vmk->mtu, pg->sw->name, pg->sw->mtu);
	vmk->pg = pg;
	return 0;
}

VRDMA_EXPORT const char *vrdma_vmk_get_mac(struct vrdma_vmk *vmk)
{
	return vmk ? vmk->mac_text : NULL;
}

VRDMA_EXPORT int vrdma_vmk_set_mac(struct vrdma_vmk *vmk, const char *mac)
{
	struct vrdma_vmk *o;
	uint8_t m[6];
	static const uint8_t zero[6];

	VMK_CHECK(vmk);
	if (!mac) {
		mac_generate(vmk->cfg, vmk);
		return 0;
	}
	if (vrdma_mac_parse(mac, m) < 0)
		return vrdma_error(vmk->ctx, -EINVAL,
		                   "vmk '%s': MAC '%s' is not of the form xx:xx:xx:xx:xx:xx",
		                   vmk->name, mac);
	if (m[0] & 1)
		return vrdma_error(vmk->ctx, -EINVAL,
		                   "vmk '%s': MAC '%s' is a multicast address", vmk->name, mac);
	if (memcmp(m, zero, 6) == 0)
		return vrdma_error(vmk->ctx, -EINVAL, "vmk '%s': MAC '%s' is all zeros",
		                   vmk->name, mac);
	o = mac_user(vmk->cfg, m, vmk);
	if (o)
		return vrdma_error(vmk->ctx, -EEXIST,
		                   "vmk '%s': MAC '%s' is already used by vmk '%s'", vmk->name,
		                   mac, o->name);
	memcpy(vmk->mac, m, 6);
	vrdma_mac_format(vmk->mac, vmk->mac_text);
	return 0;
}

VRDMA_EXPORT int vrdma_vmk_get_mtu(struct vrdma_vmk *vmk)
{
	return vmk ? vmk->mtu : -EINVAL;
}

VRDMA_EXPORT int vrdma_vmk_set_mtu(struct vrdma_vmk *vmk, int mtu)
{
	VMK_CHECK(vmk);
	if (mtu < VRDMA_MTU_MIN || mtu > VRDMA_MTU_MAX)
		return vrdma_error(vmk->ctx, -ERANGE, "vmk '%s': MTU %d out of range %d-%d",
		                   vmk->name, mtu, VRDMA_MTU_MIN, VRDMA_MTU_MAX);
	if (mtu > vmk->pg->sw->mtu)
		return vrdma_error(vmk->ctx, -ERANGE,
		                   "vmk '%s': MTU %d is above switch '%s' MTU %d", vmk->name,
		                   mtu, vmk->pg->sw->name, vmk->pg->sw->mtu);
	vmk->mtu = mtu;
	return 0;
}

/* ---- addresses ------------------------------------------------------------------- */

/*
 * Every call that changes an address or a gateway checks the gateway with the
 * rule set_gateway applies (gw4_problem, gw6_problem), and the loader builds
 * through these calls: an accepted change leaves a vmk that loads again.
 */

/* Are all the bits of `a` past a->prefix zero (ones false) or all one? */
static bool host_bits_are(const struct vrdma_inaddr *a, bool ones)
{
	unsigned int i, n = a->family == AF_INET ? 4 : 16;
	struct vrdma_inaddr x = *a, net;

	if (ones)
		for (i = 0; i < n; i++)
			x.raw[i] = (uint8_t)~x.raw[i];
	net = x;
	vrdma_inaddr_mask(&net, a->prefix);
	return memcmp(net.raw, x.raw, n) == 0;
}

/* a with a prefix length (for host_bits_are). */
static struct vrdma_inaddr with_prefix(const struct vrdma_inaddr *a, unsigned int prefix)
{
	struct vrdma_inaddr x = *a;

	x.prefix = prefix;
	return x;
}

/* Parse text of `family` into *ret (prefix set, canonical text); -EINVAL if it is not one. */
static int addr_parse(const char *text, int family, unsigned int prefix,
                      struct vrdma_vmk_addr *ret)
{
	struct vrdma_vmk_addr x;

	if (vrdma_inaddr_parse(text, &x.a) < 0 || x.a.family != family)
		return -EINVAL;
	x.a.prefix = prefix;
	vrdma_inaddr_format(&x.a, x.text);
	*ret = x;
	return 0;
}

/* Why an IPv4 address cannot be a host address, or NULL. */
static const char *bad_ip4(const struct vrdma_inaddr *a)
{
	uint32_t h = ntohl(a->v4.s_addr);

	if (h == 0)
		return "is the unspecified address";
	if (h == 0xffffffffu)
		return "is the broadcast address";
	if ((h >> 24) == 0)
		return "is in 0.0.0.0/8 (this network)";
	if ((h >> 24) == 127)
		return "is a loopback address";
	if ((h >> 28) == 0xe)
		return "is a multicast address";
	if ((h >> 28) == 0xf)
		return "is a reserved (240.0.0.0/4) address";
	if ((h >> 16) == 0xa9fe)
		return "is a link-local address (169.254.0.0/16)";
	return NULL;
}

/* Why an IPv6 address cannot be a host address, or NULL.  link_ok admits
 * fe80::/10 (for a gateway). */
static const char *bad_ip6(const struct vrdma_inaddr *a, bool link_ok)
{
	if (IN6_IS_ADDR_UNSPECIFIED(&a->v6))
		return "is the unspecified address";
	if (IN6_IS_ADDR_LOOPBACK(&a->v6))
		return "is the loopback address";
	if (IN6_IS_ADDR_MULTICAST(&a->v6))
		return "is a multicast address";
	if (IN6_IS_ADDR_V4MAPPED(&a->v6))
		return "is an IPv4-mapped address";
	if (IN6_IS_ADDR_LINKLOCAL(&a->v6) && !link_ok)
		return "is a link-local address (fe80::/10; every interface has one already)";
	return NULL;
}

/*
 * Why gw cannot be the IPv4 gateway of a vmk whose address is *ip (none when
 * !has_ip4), or NULL: the reason, without its verb, in buf.
 */
static const char *gw4_problem(const struct vrdma_vmk_addr *gw, bool has_ip4,
                               const struct vrdma_vmk_addr *ip, char *buf, size_t sz)
{
	struct vrdma_inaddr g;

	if (!has_ip4)
		return "outside every subnet (the vmk has no IPv4 address)";
	g = with_prefix(&gw->a, ip->a.prefix);
	if (ip->a.prefix == 32 || !vrdma_inaddr_in_subnet(&gw->a, &ip->a, ip->a.prefix))
		snprintf(buf, sz, "outside its subnet %s/%u", ip->text, ip->a.prefix);
	else if (gw->a.v4.s_addr == ip->a.v4.s_addr)
		snprintf(buf, sz, "the vmk's own address");
	else if (ip->a.prefix <= 30 && (host_bits_are(&g, false) || host_bits_are(&g, true)))
		snprintf(buf, sz, "the network or broadcast address of %s/%u", ip->text,
		         ip->a.prefix);
	else
		return NULL;
	return buf;
}

/* Why gw cannot be the IPv6 gateway of a vmk with the n addresses ip, or NULL. */
static const char *gw6_problem(const struct vrdma_vmk_addr *gw, const struct vrdma_vmk_addr *ip,
                               unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (IN6_ARE_ADDR_EQUAL(&gw->a.v6, &ip[i].a.v6))
			return "the vmk's own address";
	if (IN6_IS_ADDR_LINKLOCAL(&gw->a.v6))
		return NULL;
	for (i = 0; i < n; i++)
		if (ip[i].a.prefix < 128 && vrdma_inaddr_in_subnet(&gw->a, &ip[i].a, ip[i].a.prefix))
			return NULL;
	return "outside every IPv6 subnet of the vmk (and not link-local)";
}

/* The error of an address change (`change`, "cannot ...") that the gateway
 * gw would not survive (`why`). */
static int gateway_blocks(struct vrdma_vmk *vmk, const char *change,
                          const struct vrdma_vmk_addr *gw, const char *why)
{
	return vrdma_error(vmk->ctx, -EBUSY,
	                   "vmk '%s': %s: %s gateway %s would be %s (clear or change the "
	                   "gateway first)", vmk->name, change,
	                   gw->a.family == AF_INET ? "IPv4" : "IPv6", gw->text, why);
}

static struct vrdma_vmk *ip4_user(struct vrdma_config *cfg, const struct vrdma_inaddr *a,
                                  struct vrdma_vmk *except)
{
	unsigned int i;

	for (i = 0; i < cfg->n_vmks; i++)
		if (cfg->vmks[i] != except && cfg->vmks[i]->has_ip4 &&
		    cfg->vmks[i]->ip4.a.v4.s_addr == a->v4.s_addr)
			return cfg->vmks[i];
	return NULL;
}

static struct vrdma_vmk *ip6_user(struct vrdma_config *cfg, const struct vrdma_inaddr *a)
{
	unsigned int i, j;

	for (i = 0; i < cfg->n_vmks; i++)
		for (j = 0; j < cfg->vmks[i]->n_ip6; j++)
			if (IN6_ARE_ADDR_EQUAL(&cfg->vmks[i]->ip6[j].a.v6, &a->v6))
				return cfg->vmks[i];
	return NULL;
}

/* Can *a (with its prefix) be the IPv4 address of vmk? */
static int check_ip4(struct vrdma_vmk *vmk, const struct vrdma_vmk_addr *a)
{
	unsigned int prefix = a->a.prefix;
	struct vrdma_vmk *o;
	const char *why;

	why = bad_ip4(&a->a);
	if (why)
		return vrdma_error(vmk->ctx, -EINVAL, "vmk '%s': IPv4 address %s %s",
		                   vmk->name, a->text, why);
	if (prefix <= 30 && host_bits_are(&a->a, false))
		return vrdma_error(vmk->ctx, -EINVAL,
		                   "vmk '%s': IPv4 address %s is the network address of %s/%u",
		                   vmk->name, a->text, a->text, prefix);
	if (prefix <= 30 && host_bits_are(&a->a, true))
		return vrdma_error(vmk->ctx, -EINVAL,
		                   "vmk '%s': IPv4 address %s is the broadcast address of its /%u subnet",
		                   vmk->name, a->text, prefix);
	o = ip4_user(vmk->cfg, &a->a, vmk);
	if (o)
		return vrdma_error(vmk->ctx, -EEXIST,
		                   "vmk '%s': IPv4 address %s is already used by vmk '%s'",
		                   vmk->name, a->text, o->name);
	return 0;
}

VRDMA_EXPORT int vrdma_vmk_set_ipv4(struct vrdma_vmk *vmk, const char *addr,
                                    unsigned int prefix)
{
	struct vrdma_vmk_addr a;
	const char *why;
	char change[80], buf[96];
	int r;

	VMK_CHECK(vmk);
	if (!addr) {
		if (vmk->has_gw4)
			return vrdma_error(vmk->ctx, -EBUSY,
			                   "vmk '%s': cannot clear the IPv4 address: gateway %s "
			                   "needs it (clear the gateway first)",
			                   vmk->name, vmk->gw4.text);
		vmk->has_ip4 = false;
		vmk->ip4.text[0] = '\0';
		return 0;
	}
	if (addr_parse(addr, AF_INET, prefix, &a) < 0)
		return vrdma_error(vmk->ctx, -EINVAL,
		                   "vmk '%s': '%s' is not an IPv4 address", vmk->name, addr);
	if (prefix < 1 || prefix > 32)
		return vrdma_error(vmk->ctx, -ERANGE,
		                   "vmk '%s': IPv4 prefix length %u out of range 1-32",
		                   vmk->name, prefix);
	r = check_ip4(vmk, &a);
	if (r < 0)
		return r;
	why = vmk->has_gw4 ? gw4_problem(&vmk->gw4, true, &a, buf, sizeof(buf)) : NULL;
	if (why) {
		snprintf(change, sizeof(change), "cannot set IPv4 address %s/%u", a.text, prefix);
		return gateway_blocks(vmk, change, &vmk->gw4, why);
	}
	vmk->ip4 = a;
	vmk->has_ip4 = true;
	return 0;
}

VRDMA_EXPORT int vrdma_vmk_get_ipv4(struct vrdma_vmk *vmk, const char **addr,
                                    unsigned int *prefix)
{
	VMK_CHECK(vmk);
	if (!addr)
		return vrdma_error(vmk->ctx, -EINVAL, "vmk '%s': NULL result pointer", vmk->name);
	if (!vmk->has_ip4)
		return vrdma_error(vmk->ctx, -ENOENT, "vmk '%s': no IPv4 address", vmk->name);
	*addr = vmk->ip4.text;
	if (prefix)
		*prefix = vmk->ip4.a.prefix;
	return 0;
}

/* Can *a (with its prefix) become one more IPv6 address of vmk? */
static int check_ip6(struct vrdma_vmk *vmk, const struct vrdma_vmk_addr *a)
{
	struct vrdma_vmk *o;
	const char *why;

	why = bad_ip6(&a->a, false);
	if (why)
		return vrdma_error(vmk->ctx, -EINVAL, "vmk '%s': IPv6 address %s %s",
		                   vmk->name, a->text, why);
	if (a->a.prefix < 127 && host_bits_are(&a->a, false))
		return vrdma_error(vmk->ctx, -EINVAL,
		                   "vmk '%s': IPv6 address %s is the network (subnet-router "
		                   "anycast) address of its /%u prefix", vmk->name, a->text,
		                   a->a.prefix);
	o = ip6_user(vmk->cfg, &a->a);
	if (o == vmk)
		return vrdma_error(vmk->ctx, -EEXIST,
		                   "vmk '%s': IPv6 address %s is already one of its addresses",
		                   vmk->name, a->text);
	if (o)
		return vrdma_error(vmk->ctx, -EEXIST,
		                   "vmk '%s': IPv6 address %s is already used by vmk '%s'",
		                   vmk->name, a->text, o->name);
	if (vmk->n_ip6 >= VRDMA_MAX_IPV6_ADDRS)
		return vrdma_error(vmk->ctx, -ENOSPC,
		                   "vmk '%s': limit of %d IPv6 addresses reached", vmk->name,
		                   VRDMA_MAX_IPV6_ADDRS);
	return 0;
}

VRDMA_EXPORT int vrdma_vmk_add_ipv6(struct vrdma_vmk *vmk, const char *addr,
                                    unsigned int prefix)
{
	struct vrdma_vmk_addr a, list[VRDMA_MAX_IPV6_ADDRS];
	const char *why;
	char change[96];
	int r;

	VMK_CHECK(vmk);
	if (!addr)
		return vrdma_error(vmk->ctx, -EINVAL, "vmk '%s': NULL IPv6 address", vmk->name);
	if (addr_parse(addr, AF_INET6, prefix, &a) < 0)
		return vrdma_error(vmk->ctx, -EINVAL,
		                   "vmk '%s': '%s' is not an IPv6 address", vmk->name, addr);
	if (prefix < 1 || prefix > 128)
		return vrdma_error(vmk->ctx, -ERANGE,
		                   "vmk '%s': IPv6 prefix length %u out of range 1-128",
		                   vmk->name, prefix);
	r = check_ip6(vmk, &a);
	if (r < 0)
		return r;
	memcpy(list, vmk->ip6, vmk->n_ip6 * sizeof(list[0]));
	list[vmk->n_ip6] = a;
	why = vmk->has_gw6 ? gw6_problem(&vmk->gw6, list, vmk->n_ip6 + 1) : NULL;
	if (why) {
		snprintf(change, sizeof(change), "cannot add IPv6 address %s/%u", a.text, prefix);
		return gateway_blocks(vmk, change, &vmk->gw6, why);
	}
	vmk->ip6[vmk->n_ip6++] = a;
	return 0;
}

VRDMA_EXPORT int vrdma_vmk_remove_ipv6(struct vrdma_vmk *vmk, const char *addr)
{
	struct vrdma_vmk_addr a, list[VRDMA_MAX_IPV6_ADDRS];
	const char *why;
	char change[96];
	unsigned int i;

	VMK_CHECK(vmk);
	if (!addr)
		return vrdma_error(vmk->ctx, -EINVAL, "vmk '%s': NULL IPv6 address", vmk->name);
	if (addr_parse(addr, AF_INET6, 128, &a) < 0)
		return vrdma_error(vmk->ctx, -EINVAL,
		                   "vmk '%s': '%s' is not an IPv6 address", vmk->name, addr);
	for (i = 0; i < vmk->n_ip6; i++)
		if (IN6_ARE_ADDR_EQUAL(&vmk->ip6[i].a.v6, &a.a.v6))
			break;
	if (i == vmk->n_ip6)
		return vrdma_error(vmk->ctx, -ENOENT, "vmk '%s': no IPv6 address %s",
		                   vmk->name, addr);
	memcpy(list, vmk->ip6, i * sizeof(list[0]));
	memcpy(list + i, vmk->ip6 + i + 1, (vmk->n_ip6 - i - 1) * sizeof(list[0]));
	why = vmk->has_gw6 ? gw6_problem(&vmk->gw6, list, vmk->n_ip6 - 1) : NULL;
	if (why) {
		snprintf(change, sizeof(change), "cannot remove IPv6 address %s", a.text);
		return gateway_blocks(vmk, change, &vmk->gw6, why);
	}
	memcpy(vmk->ip6, list, (vmk->n_ip6 - 1) * sizeof(list[0]));
	vmk->n_ip6--;
	return 0;
}

VRDMA_EXPORT int vrdma_vmk_get_n_ipv6(struct vrdma_vmk *vmk)
{
	return vmk ? (int)vmk->n_ip6 : -EINVAL;
}

VRDMA_EXPORT int vrdma_vmk_get_ipv6(struct vrdma_vmk *vmk, unsigned int i,
                                    const char **addr, unsigned int *prefix)
{
	int r;

	VMK_CHECK(vmk);
	r = vrdma_index_check(vmk->ctx, addr, i, vmk->n_ip6, "IPv6 address", "vmk '%s'",
	                      vmk->name);
	if (r < 0)
		return r;
	*addr = vmk->ip6[i].text;
	if (prefix)
		*prefix = vmk->ip6[i].a.prefix;
	return 0;
}

VRDMA_EXPORT int vrdma_vmk_set_gateway(struct vrdma_vmk *vmk, const char *addr)
{
	struct vrdma_vmk_addr gw;
	const char *why, *fam;
	char buf[96];
	bool v4;

	VMK_CHECK(vmk);
	if (!addr)
		return vrdma_error(vmk->ctx, -EINVAL, "vmk '%s': NULL gateway", vmk->name);
	if (addr_parse(addr, AF_INET, 32, &gw) < 0 && addr_parse(addr, AF_INET6, 128, &gw) < 0)
		return vrdma_error(vmk->ctx, -EINVAL,
		                   "vmk '%s': gateway '%s' is not an IP address", vmk->name, addr);
	v4 = gw.a.family == AF_INET;
	fam = v4 ? "IPv4" : "IPv6";
	why = v4 ? bad_ip4(&gw.a) : bad_ip6(&gw.a, true);
	if (why)
		return vrdma_error(vmk->ctx, -EINVAL, "vmk '%s': %s gateway %s %s",
		                   vmk->name, fam, gw.text, why);
	why = v4 ? gw4_problem(&gw, vmk->has_ip4, &vmk->ip4, buf, sizeof(buf)) :
	           gw6_problem(&gw, vmk->ip6, vmk->n_ip6);
	if (why)
		return vrdma_error(vmk->ctx, -EINVAL, "vmk '%s': %s gateway %s is %s",
		                   vmk->name, fam, gw.text, why);
	if (v4) {
		vmk->gw4 = gw;
		vmk->has_gw4 = true;
	} else {
		vmk->gw6 = gw;
		vmk->has_gw6 = true;
	}
	return 0;
}

VRDMA_EXPORT int vrdma_vmk_clear_gateway(struct vrdma_vmk *vmk, int family)
{
	VMK_CHECK(vmk);
	if (family == AF_INET)
		vmk->has_gw4 = false;
	else if (family == AF_INET6)
		vmk->has_gw6 = false;
	else
		return vrdma_error(vmk->ctx, -EINVAL, "vmk '%s': unknown address family %d",
		                   vmk->name, family);
	return 0;
}

VRDMA_EXPORT int vrdma_vmk_get_gateway(struct vrdma_vmk *vmk, int family, const char **ret)
{
	VMK_CHECK(vmk);
	if (!ret)
		return vrdma_error(vmk->ctx, -EINVAL, "vmk '%s': NULL result pointer", vmk->name);
	if (family != AF_INET && family != AF_INET6)
		return vrdma_error(vmk->ctx, -EINVAL, "vmk '%s': unknown address family %d",
		                   vmk->name, family);
	if (!(family == AF_INET ? vmk->has_gw4 : vmk->has_gw6))
		return vrdma_error(vmk->ctx, -ENOENT, "vmk '%s': no %s gateway", vmk->name,
		                   family == AF_INET ? "IPv4" : "IPv6");
	*ret = family == AF_INET ? vmk->gw4.text : vmk->gw6.text;
	return 0;
}

/* ---- tags -------------------------------------------------------------------------- */

static const struct {
	unsigned int bit;
	const char *name;
	const char *esxi;
} tag_names[] = {
	{ VRDMA_VMK_TAG_MANAGEMENT, "management", "Management" },
	{ VRDMA_VMK_TAG_NVME_RDMA, "nvme-rdma", "NVMeRDMA" },
	{ VRDMA_VMK_TAG_NVME_TCP, "nvme-tcp", "NVMeTCP" },
	{ VRDMA_VMK_TAG_ISER, "iser", "iSER" },
};

VRDMA_EXPORT const char *vrdma_vmk_tag_to_string(unsigned int tag)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(tag_names); i++)
		if (tag_names[i].bit == tag)
			return tag_names[i].name;
	return NULL;
}

VRDMA_EXPORT int vrdma_vmk_tag_from_string(const char *text)
{
	size_t i;

	if (!text)
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(tag_names); i++)
		if (strcasecmp(text, tag_names[i].name) == 0 ||
		    strcasecmp(text, tag_names[i].esxi) == 0)
			return (int)tag_names[i].bit;
	return -EINVAL;
}

VRDMA_EXPORT int vrdma_vmk_add_tags(struct vrdma_vmk *vmk, unsigned int tags)
{
	VMK_CHECK(vmk);
	if (tags == 0 || (tags & ~(unsigned int)VRDMA_VMK_TAG_ALL))
		return vrdma_error(vmk->ctx, -EINVAL, "vmk '%s': unknown service tag bits 0x%x",
		                   vmk->name, tags);
	vmk->tags |= tags;
	return 0;
}

VRDMA_EXPORT int vrdma_vmk_remove_tags(struct vrdma_vmk *vmk, unsigned int tags)
{
	VMK_CHECK(vmk);
	if (tags == 0 || (tags & ~(unsigned int)VRDMA_VMK_TAG_ALL))
		return vrdma_error(vmk->ctx, -EINVAL, "vmk '%s': unknown service tag bits 0x%x",
		                   vmk->name, tags);
	vmk->tags &= ~tags;
	return 0;
}

VRDMA_EXPORT unsigned int vrdma_vmk_get_tags(struct vrdma_vmk *vmk)
{
	return vmk ? vmk->tags : 0;
}
