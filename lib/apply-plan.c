/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * apply: the plan, the ordered diff between the desired kernel state (from
 * the configuration and the realisation rules of apply-resolve.c) and the
 * live one (apply-kernel.c); routes and rules are planned by apply-route.c.
 *
 * Step order, chosen so that every prefix of the plan can be undone in
 * reverse order exactly (MTUs never clamp a child, deletions free names
 * before creations reuse them):
 *   S  soft RDMA adapters: owned ones not wanted deleted, wanted ones
 *      created (apply-soft.c), before the addresses their GIDs come from
 *   A  uplinks: MTU raised to the switch MTU (never brought up or down)
 *   B0 unwanted per-vmk rules and routes removed (default routes before
 *      connected ones), and kept routes the kernel would flush in B
 *      (apply-route.c)
 *   B  unwanted addresses removed; unwanted owned links removed (addresses
 *      first, each as its own step, then macvlans, then 802.1Q devices)
 *   C  MTU decreases of kept owned links (vmk devices, then 802.1Q devices)
 *   D  shared 802.1Q devices created / modified
 *   E  vmk devices created / modified (MAC, MTU increase, up)
 *   F  addresses added
 *   G  per-vmk routes (connected, then default via the gateway), then the
 *      "from <address>" rules (apply-route.c)
 *   H  RoCE mode and ToS per adapter port through rdma_cm's configfs
 *      (apply-roce.c)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/if_link.h>

#include "apply-private.h"

/* ---- small helpers -------------------------------------------------------- */

/* A vmk's address with its prefix. */
static int addr_parse(const char *text, unsigned int prefix, struct vrdma_inaddr *a)
{
	int r = vrdma_inaddr_parse(text, a);

	if (r == 0)
		a->prefix = prefix;
	return r;
}

static bool addr_same_ip(const struct vrdma_inaddr *a, const struct vrdma_inaddr *b)
{
	return a->family == b->family &&
	       memcmp(a->raw, b->raw, a->family == AF_INET ? 4 : 16) == 0;
}

static bool addr_equal(const struct vrdma_inaddr *a, const struct vrdma_inaddr *b)
{
	return addr_same_ip(a, b) && a->prefix == b->prefix;
}

static const struct vrdma_inaddr *addr_find(const struct vrdma_inaddr *v, unsigned int n,
                                          const struct vrdma_inaddr *a, bool exact)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (exact ? addr_equal(&v[i], a) : addr_same_ip(&v[i], a))
			return &v[i];
	return NULL;
}

/* ---- owned uplink addresses (the state file) ---------------------------------- */

/*
 * Each record is "<netns> <ifname> <address>/<prefix>", <netns> being
 * "net:<boot_id>:<st_dev>:<st_ino>:<cookie>" of the namespace the address
 * was added in (stat(2) of /proc/self/ns/net and SO_NETNS_COOKIE, 0 where
 * the kernel has none; the cookie tells apart namespaces that reuse an
 * inode).  A plan sees only its own namespace's records; the others are
 * written back verbatim, except those of an earlier boot (the kernel keeps
 * no address across a reboot, so they describe nothing), which are dropped.
 * Records without a namespace (files written before records had one) were
 * made by an apply that knew no namespaces, i.e. in the host's: they belong
 * to the namespace of PID 1 and are adopted (and rewritten) there only; any
 * other namespace, or one that cannot tell (no access to /proc/1/ns/net),
 * leaves them alone, so it never deletes an address it cannot prove is its
 * own.
 */

static int netns_stat(const char *path, struct stat *st)
{
	return stat(path, st) < 0 ? -errno : 0;
}

static int netns_identify(struct vrdma_apply_plan *plan, char boot[40])
{
	uint64_t cookie = 0;
	socklen_t len = sizeof(cookie);
	struct stat st;
	FILE *f;
	int fd, r;

	r = netns_stat("/proc/self/ns/net", &st);
	if (r < 0)
		return vrdma_error(plan->ctx, r, "apply: cannot identify the network "
		                   "namespace (/proc/self/ns/net): %s", strerror(-r));
	f = fopen("/proc/sys/kernel/random/boot_id", "re");
	if (!f || !fgets(boot, 40, f)) {
		r = -errno ?: -EIO;
		if (f)
			fclose(f);
		return vrdma_error(plan->ctx, r, "apply: cannot read "
		                   "/proc/sys/kernel/random/boot_id: %s", strerror(-r));
	}
	fclose(f);
	boot[strcspn(boot, "\n")] = '\0';
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd >= 0) {
		if (getsockopt(fd, SOL_SOCKET, SO_NETNS_COOKIE, &cookie, &len) < 0)
			cookie = 0;
		close(fd);
	}
	snprintf(plan->netns_id, sizeof(plan->netns_id), "net:%s:%ju:%ju:%ju", boot,
	         (uintmax_t)st.st_dev, (uintmax_t)st.st_ino, (uintmax_t)cookie);
	return 0;
}

/* Is this process in PID 1's network namespace?  false when it cannot tell. */
static bool netns_is_pid1s(void)
{
	struct stat a, b;

	return netns_stat("/proc/self/ns/net", &a) == 0 &&
	       netns_stat("/proc/1/ns/net", &b) == 0 &&
	       a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

static int strv_push(char ***v, unsigned int *n, const char *s)
{
	char **nv = realloc(*v, sizeof(**v) * (*n + 1));

	if (!nv)
		return -ENOMEM;
	*v = nv;
	nv[*n] = strdup(s);
	if (!nv[*n])
		return -ENOMEM;
	(*n)++;
	return 0;
}

/* Sort one state file line into owned, foreign or dropped. */
static int owned_line(struct vrdma_apply_plan *plan, const char *line,
                      const char *boot, int *pid1s)
{
	size_t idlen = strlen(plan->netns_id);

	if (strncmp(line, "net:", 4) != 0) { /* no namespace: see above */
		if (*pid1s < 0)
			*pid1s = netns_is_pid1s();
		if (!*pid1s)
			return strv_push(&plan->foreign, &plan->n_foreign, line);
		plan->owned_rewrite = true;
		return strv_push(&plan->owned, &plan->n_owned, line);
	}
	if (strncmp(line, plan->netns_id, idlen) == 0 && line[idlen] == ' ')
		return strv_push(&plan->owned, &plan->n_owned, line + idlen + 1);
	if (strncmp(line + 4, boot, strlen(boot)) != 0 || line[4 + strlen(boot)] != ':') {
		plan->owned_rewrite = true; /* an earlier boot's: dropped */
		return 0;
	}
	return strv_push(&plan->foreign, &plan->n_foreign, line);
}

static int owned_load(struct vrdma_apply_plan *plan)
{
	char line[512], boot[40];
	int r, pid1s = -1;
	FILE *f;

	r = netns_identify(plan, boot);
	if (r < 0)
		return r;
	f = fopen(plan->owned_path, "re");
	if (!f) {
		if (errno == ENOENT)
			return 0;
		return vrdma_error(plan->ctx, -errno, "apply: cannot read %s: %s",
		                   plan->owned_path, strerror(errno));
	}
	while (r == 0 && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0] && line[0] != '#')
			r = owned_line(plan, line, boot, &pid1s);
	}
	fclose(f);
	return r;
}

static bool owned_contains(struct vrdma_apply_plan *plan, const char *ifname,
                           const struct vrdma_inaddr *a)
{
	char key[IFNAMSIZ + INET6_ADDRSTRLEN + 8], b[INET6_ADDRSTRLEN];
	unsigned int i;

	snprintf(key, sizeof(key), "%s %s/%u", ifname, vrdma_inaddr_format(a, b), a->prefix);
	for (i = 0; i < plan->n_owned; i++)
		if (strcmp(plan->owned[i], key) == 0)
			return true;
	return false;
}

/* ---- desired state ---------------------------------------------------------- */

struct want_link {
	struct apply_linkspec spec;
	struct vrdma_inaddr addrs[1 + VRDMA_MAX_IPV6_ADDRS];
	unsigned int n_addrs;
	bool vlandev;                /* a shared 802.1Q device (no addresses) */
	const char *vmk;             /* for messages */
};

struct want_uplink {
	char name[IFNAMSIZ];
	int mtu;
	struct vrdma_inaddr *addrs;    /* soft untagged vmks' addresses */
	unsigned int n_addrs;
	bool carries_vmk;
};

struct want {
	struct want_link *links;
	unsigned int n_links;
	struct want_uplink *uplinks;
	unsigned int n_uplinks;
	struct apply_vmk_routing *routing;
	unsigned int n_routing;
};

static void want_free(struct want *w)
{
	unsigned int i;

	for (i = 0; i < w->n_uplinks; i++)
		free(w->uplinks[i].addrs);
	free(w->uplinks);
	free(w->links);
	free(w->routing);
}

static struct want_link *want_find_link(struct want *w, const char *name)
{
	unsigned int i;

	for (i = 0; i < w->n_links; i++)
		if (strcmp(w->links[i].spec.name, name) == 0)
			return &w->links[i];
	return NULL;
}

static struct want_uplink *want_find_uplink(struct want *w, const char *name)
{
	unsigned int i;

	for (i = 0; i < w->n_uplinks; i++)
		if (strcmp(w->uplinks[i].name, name) == 0)
			return &w->uplinks[i];
	return NULL;
}

static struct want_link *want_add_link(struct want *w)
{
	struct want_link *n = realloc(w->links, sizeof(*n) * (w->n_links + 1));

	if (!n)
		return NULL;
	w->links = n;
	memset(&n[w->n_links], 0, sizeof(*n));
	return &n[w->n_links++];
}

/* The vmk's addresses: the IPv4 one first, then the IPv6 ones. */
static int vmk_addrs(struct vrdma_ctx *ctx, struct vrdma_vmk *vmk, struct vrdma_inaddr *v,
                     unsigned int *n)
{
	const char *a;
	unsigned int i, p;
	int r;

	*n = 0;
	r = vrdma_vmk_get_ipv4(vmk, &a, &p);
	if (r == 0)
		r = addr_parse(a, p, &v[(*n)++]);
	for (i = 0; r >= 0 || r == -ENOENT; i++) {
		if (i >= (unsigned int)vrdma_vmk_get_n_ipv6(vmk) || *n >= 1 + VRDMA_MAX_IPV6_ADDRS)
			return 0;
		r = vrdma_vmk_get_ipv6(vmk, i, &a, &p);
		if (r == 0)
			r = addr_parse(a, p, &v[(*n)++]);
	}
	return vrdma_error(ctx, r, "vmk '%s': cannot read its addresses: %s",
	                   vrdma_vmk_get_name(vmk), strerror(-r));
}

static int want_uplink(struct vrdma_host *host, struct want *w, struct vrdma_switch *sw,
                       const char *name, struct vrdma_apply_plan *plan)
{
	const char *dev;
	char ifname[IFNAMSIZ];
	struct want_uplink *wu;
	int idx;

	if (vrdma_switch_get_uplink_device(sw, name, &dev) < 0)
		return 0; /* unmapped vDS slot */
	if (apply_resolve_device(host, dev, ifname, &idx) < 0) {
		apply_plan_add_note(plan, "switch '%s': uplink '%s' does not exist on this "
		                    "host; skipped", vrdma_switch_get_name(sw), dev);
		return 0;
	}
	if (want_find_uplink(w, ifname))
		return 0;
	wu = realloc(w->uplinks, sizeof(*wu) * (w->n_uplinks + 1));
	if (!wu)
		return -ENOMEM;
	w->uplinks = wu;
	wu = &w->uplinks[w->n_uplinks++];
	memset(wu, 0, sizeof(*wu));
	snprintf(wu->name, IFNAMSIZ, "%s", ifname);
	wu->mtu = vrdma_switch_get_mtu(sw);
	return 0;
}

static int want_uplinks(struct vrdma_config *cfg, struct vrdma_host *host,
                        struct want *w, struct vrdma_apply_plan *plan)
{
	unsigned int s, u;
	int r;

	for (s = 0; s < (unsigned int)vrdma_config_get_n_switches(cfg); s++) {
		struct vrdma_switch *sw;
		r = vrdma_config_get_switch(cfg, s, &sw);
		if (r < 0)
			return r;
		for (u = 0; u < (unsigned int)vrdma_switch_get_n_uplinks(sw); u++) {
			const char *name;
			r = vrdma_switch_get_uplink(sw, u, &name);
			if (r < 0)
				return r;
			r = want_uplink(host, w, sw, name, plan);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

/* What the vmk's policy routing table needs (apply-route.c plans it). */
static int want_routing(struct want *w, struct vrdma_vmk *vmk,
                        const struct apply_vmk_real *r,
                        const struct vrdma_inaddr *addrs, unsigned int n_addrs)
{
	struct apply_vmk_routing *n, *v;
	const char *name = vrdma_vmk_get_name(vmk), *gw;
	int f;

	n = realloc(w->routing, sizeof(*n) * (w->n_routing + 1));
	if (!n)
		return -ENOMEM;
	w->routing = n;
	v = &n[w->n_routing++];
	memset(v, 0, sizeof(*v));
	v->vmk = name;
	v->number = (unsigned int)strtoul(name + 3, NULL, 10); /* the model checks "vmkN" */
	snprintf(v->netdev, IFNAMSIZ, "%s", r->netdev);
	v->uplink = r->strategy == VRDMA_APPLY_STRATEGY_UPLINK;
	memcpy(v->addrs, addrs, sizeof(*addrs) * n_addrs);
	v->n_addrs = n_addrs;
	for (f = 0; f < 2; f++)
		if (vrdma_vmk_get_gateway(vmk, f ? AF_INET6 : AF_INET, &gw) == 0 &&
		    addr_parse(gw, 0, &v->gw[f]) < 0)
			return -EINVAL; /* the model only stores valid addresses */
	return 0;
}

static int want_vmk(struct vrdma_ctx *ctx, struct vrdma_host *host, struct want *w,
                    struct vrdma_vmk *vmk, struct vrdma_apply_plan *plan)
{
	struct apply_vmk_real r;
	struct vrdma_inaddr addrs[1 + VRDMA_MAX_IPV6_ADDRS];
	unsigned int n_addrs, i;
	struct want_link *wl;
	const char *vname = vrdma_vmk_get_name(vmk);
	int rc;

	rc = apply_resolve_vmk(ctx, host, vmk, &r, plan);
	if (rc < 0)
		return rc;
	rc = vmk_addrs(ctx, vmk, addrs, &n_addrs);
	if (rc < 0)
		return rc;
	rc = want_routing(w, vmk, &r, addrs, n_addrs);
	if (rc < 0)
		return rc;

	if (r.strategy == VRDMA_APPLY_STRATEGY_UPLINK) {
		struct want_uplink *wu = want_find_uplink(w, r.uplink);
		struct vrdma_inaddr *n;
		if (!wu)
			return vrdma_error(ctx, -ENODEV, "vmk '%s': uplink '%s' is not "
			                   "an uplink of a switch", vname, r.uplink);
		n = realloc(wu->addrs, sizeof(*n) * (wu->n_addrs + n_addrs + 1));
		if (!n)
			return -ENOMEM;
		wu->addrs = n;
		for (i = 0; i < n_addrs; i++)
			wu->addrs[wu->n_addrs++] = addrs[i];
		if (wu->carries_vmk)
			apply_plan_add_note(plan, "vmk '%s': shares uplink '%s' (soft RDMA "
			                    "adapter %s) with another untagged vmk",
			                    vname, r.uplink, r.adapter ? r.adapter : "?");
		wu->carries_vmk = true;
		if (vrdma_vmk_get_mtu(vmk) != wu->mtu)
			apply_plan_add_note(plan, "vmk '%s': its addresses are carried by "
			                    "uplink '%s' (soft RDMA adapter %s), whose MTU "
			                    "is the switch's (%d), not the vmk's (%d)",
			                    vname, r.uplink, r.adapter ? r.adapter : "?",
			                    wu->mtu, vrdma_vmk_get_mtu(vmk));
		return 0;
	}
	if (want_find_uplink(w, r.uplink))
		want_find_uplink(w, r.uplink)->carries_vmk = true;

	if (r.strategy == VRDMA_APPLY_STRATEGY_VLAN) {
		for (i = 0; i < w->n_links; i++)
			if (!w->links[i].vlandev && strcmp(w->links[i].spec.kind, "vlan") == 0 &&
			    strcmp(w->links[i].spec.lower, r.uplink) == 0 &&
			    w->links[i].spec.vid == r.vid)
				return vrdma_error(ctx, -EOPNOTSUPP,
				                   "vmk '%s': VLAN %d on uplink '%s' (soft RDMA "
				                   "adapter %s) already carries vmk '%s'; a soft "
				                   "adapter takes one vmk per VLAN and uplink",
				                   vname, r.vid, r.uplink,
				                   r.adapter ? r.adapter : "?", w->links[i].vmk);
	}
	if (r.strategy == VRDMA_APPLY_STRATEGY_VLAN_MACVLAN) {
		struct vrdma_portgroup *pg = vrdma_vmk_get_portgroup(vmk);
		struct vrdma_switch *sw = vrdma_portgroup_get_switch(pg);
		wl = want_find_link(w, r.vlandev);
		if (!wl) {
			wl = want_add_link(w);
			if (!wl)
				return -ENOMEM;
			wl->vlandev = true;
			wl->vmk = vname;
			snprintf(wl->spec.name, IFNAMSIZ, "%s", r.vlandev);
			snprintf(wl->spec.kind, sizeof(wl->spec.kind), "vlan");
			snprintf(wl->spec.lower, IFNAMSIZ, "%s", r.uplink);
			wl->spec.vid = r.vid;
			wl->spec.mtu = vrdma_switch_get_mtu(sw);
			wl->spec.up = true;
			wl->spec.group = APPLY_LINK_GROUP;
			snprintf(wl->spec.alias, APPLY_ALIAS_MAX, VRDMA_APPLY_ALIAS_PREFIX "vlan");
		} else if (!wl->vlandev) {
			return vrdma_error(ctx, -EEXIST, "vmk '%s': VLAN device name '%s' "
			                   "is also the name of vmk '%s'", vname,
			                   r.vlandev, wl->vmk);
		}
	}
	if (want_find_link(w, r.netdev))
		return vrdma_error(ctx, -EEXIST, "vmk '%s': interface name '%s' is "
		                   "needed twice", vname, r.netdev);
	wl = want_add_link(w);
	if (!wl)
		return -ENOMEM;
	wl->vmk = vname;
	snprintf(wl->spec.name, IFNAMSIZ, "%s", r.netdev);
	snprintf(wl->spec.kind, sizeof(wl->spec.kind), "%s",
	         r.strategy == VRDMA_APPLY_STRATEGY_VLAN ? "vlan" : "macvlan");
	snprintf(wl->spec.lower, IFNAMSIZ, "%s", r.lower);
	wl->spec.vid = r.strategy == VRDMA_APPLY_STRATEGY_VLAN ? r.vid : 0;
	wl->spec.has_mac = vrdma_mac_parse(vrdma_vmk_get_mac(vmk), wl->spec.mac) == 0;
	wl->spec.mtu = vrdma_vmk_get_mtu(vmk);
	wl->spec.up = true;
	wl->spec.group = APPLY_LINK_GROUP;
	snprintf(wl->spec.alias, APPLY_ALIAS_MAX, VRDMA_APPLY_ALIAS_PREFIX "%s", vname);
	memcpy(wl->addrs, addrs, sizeof(addrs[0]) * n_addrs);
	wl->n_addrs = n_addrs;
	return 0;
}

/* ---- steps ------------------------------------------------------------------- */

static char *spec_text(const struct apply_linkspec *s)
{
	char mac[18] = "", *t;
	char vid[16] = "";

	if (s->has_mac)
		vrdma_mac_format(s->mac, mac);
	if (strcmp(s->kind, "vlan") == 0)
		snprintf(vid, sizeof(vid), " %d", s->vid);
	if (asprintf(&t, "%s%s on %s%s%s mtu %d %s", s->kind, vid, s->lower,
	             s->has_mac ? " mac " : "", mac, s->mtu, s->up ? "up" : "down") < 0)
		return NULL;
	return t;
}

static int add_link_step(struct vrdma_apply_plan *plan, bool create,
                         const struct apply_linkspec *spec)
{
	struct vrdma_apply_step *st;
	char *t;

	st = apply_step_new(plan, create ? VRDMA_APPLY_CREATE : VRDMA_APPLY_DELETE,
	                    VRDMA_APPLY_OBJ_LINK,
	                    create ? APPLY_OP_LINK_CREATE : APPLY_OP_LINK_DELETE,
	                    spec->name, "link");
	if (!st)
		return -ENOMEM;
	st->spec = *spec;
	t = spec_text(spec);
	if (!t)
		return -ENOMEM;
	return create ? apply_step_text(st, NULL, t) : apply_step_text(st, t, NULL);
}

static int add_addr_step(struct vrdma_apply_plan *plan, bool add, const char *ifname,
                         const struct vrdma_inaddr *a, bool owned)
{
	struct vrdma_apply_step *st = apply_step_new(plan, add ? VRDMA_APPLY_CREATE : VRDMA_APPLY_DELETE,
	                                       VRDMA_APPLY_OBJ_ADDRESS,
	                                       add ? APPLY_OP_ADDR_ADD : APPLY_OP_ADDR_DEL,
	                                       ifname, "address");
	char *t, b[INET6_ADDRSTRLEN];

	if (!st)
		return -ENOMEM;
	st->addr = *a;
	st->owned_uplink_addr = owned;
	t = vrdma_asprintf("%s/%u", vrdma_inaddr_format(a, b), a->prefix);
	if (!t)
		return -ENOMEM;
	return add ? apply_step_text(st, NULL, t) : apply_step_text(st, t, NULL);
}

static int add_mtu_step(struct vrdma_apply_plan *plan, const char *ifname, int old, int new)
{
	struct vrdma_apply_step *st = apply_step_new(plan, VRDMA_APPLY_MODIFY, VRDMA_APPLY_OBJ_LINK,
	                                       APPLY_OP_LINK_MTU, ifname, "mtu");
	if (!st)
		return -ENOMEM;
	st->old_mtu = old;
	st->new_mtu = new;
	return apply_step_text(st, vrdma_asprintf("%d", old), vrdma_asprintf("%d", new));
}

static int add_up_step(struct vrdma_apply_plan *plan, const char *ifname, bool old, bool new)
{
	struct vrdma_apply_step *st = apply_step_new(plan, VRDMA_APPLY_MODIFY, VRDMA_APPLY_OBJ_LINK,
	                                       APPLY_OP_LINK_UP, ifname, "state");
	if (!st)
		return -ENOMEM;
	st->old_up = old;
	st->new_up = new;
	return apply_step_text(st, strdup(old ? "up" : "down"), strdup(new ? "up" : "down"));
}

static int add_mac_step(struct vrdma_apply_plan *plan, const char *ifname,
                        const uint8_t old[6], const uint8_t new[6])
{
	struct vrdma_apply_step *st = apply_step_new(plan, VRDMA_APPLY_MODIFY, VRDMA_APPLY_OBJ_LINK,
	                                       APPLY_OP_LINK_MAC, ifname, "mac");
	char o[18], n[18];

	if (!st)
		return -ENOMEM;
	memcpy(st->old_mac, old, 6);
	memcpy(st->new_mac, new, 6);
	vrdma_mac_format(old, o);
	vrdma_mac_format(new, n);
	return apply_step_text(st, strdup(o), strdup(n));
}

/* ---- diff -------------------------------------------------------------------- */

static bool is_owned_kind(const struct apply_klink *l)
{
	return apply_klink_is_managed(l) &&
	       (strcmp(l->kind, "macvlan") == 0 || strcmp(l->kind, "vlan") == 0);
}

/* Does the kernel link realise the wanted one (same identity)? */
static bool link_matches(const struct apply_klink *k, const struct want_link *w)
{
	if (!is_owned_kind(k) || strcmp(k->alias, w->spec.alias) != 0 ||
	    strcmp(k->kind, w->spec.kind) != 0 || strcmp(k->lower, w->spec.lower) != 0)
		return false;
	if (strcmp(k->kind, "vlan") == 0)
		return k->vid == w->spec.vid;
	return k->macvlan_mode == MACVLAN_MODE_BRIDGE;
}

static void klink_spec(const struct apply_klink *k, struct apply_linkspec *s)
{
	memset(s, 0, sizeof(*s));
	snprintf(s->name, IFNAMSIZ, "%s", k->name);
	snprintf(s->kind, sizeof(s->kind), "%s", k->kind);
	snprintf(s->lower, IFNAMSIZ, "%s", k->lower);
	s->vid = k->vid;
	s->macvlan_mode = k->macvlan_mode > 0 ? k->macvlan_mode : 0;
	s->ifindex = k->ifindex;
	memcpy(s->mac, k->mac, 6);
	s->has_mac = k->has_mac;
	s->mtu = k->mtu;
	s->up = (k->flags & IFF_UP) != 0;
	s->group = k->group;
	snprintf(s->alias, APPLY_ALIAS_MAX, "%s", k->alias);
}

/* Is kernel link k going away (an owned link not matched by the wanted state)? */
static bool doomed(struct want *w, const struct apply_klink *k)
{
	struct want_link *wl;

	if (!is_owned_kind(k))
		return false;
	wl = want_find_link(w, k->name);
	return !wl || !link_matches(k, wl);
}

static int plan_deletions(struct vrdma_ctx *ctx, struct vrdma_apply_plan *plan,
                          struct apply_kernel *k, struct want *w)
{
	unsigned int i, j, pass;
	int r;

	/* B1: owned uplink addresses that are no longer wanted. */
	for (i = 0; i < k->n_links; i++) {
		struct apply_klink *kl = &k->links[i];
		struct want_uplink *wu = want_find_uplink(w, kl->name);
		for (j = 0; j < kl->n_addrs; j++) {
			if (!owned_contains(plan, kl->name, &kl->addrs[j]))
				continue;
			if (wu && addr_find(wu->addrs, wu->n_addrs, &kl->addrs[j], true))
				continue;
			r = add_addr_step(plan, false, kl->name, &kl->addrs[j], true);
			if (r < 0)
				return r;
		}
	}
	/* B2: unwanted addresses on kept owned links. */
	for (i = 0; i < k->n_links; i++) {
		struct apply_klink *kl = &k->links[i];
		struct want_link *wl;
		if (doomed(w, kl) || !is_owned_kind(kl))
			continue;
		wl = want_find_link(w, kl->name);
		for (j = 0; j < kl->n_addrs; j++) {
			if (addr_find(wl->addrs, wl->n_addrs, &kl->addrs[j], true))
				continue;
			r = add_addr_step(plan, false, kl->name, &kl->addrs[j], false);
			if (r < 0)
				return r;
		}
	}
	/* B3: doomed links, macvlans first (they may sit on an owned VLAN device). */
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < k->n_links; i++) {
			struct apply_klink *kl = &k->links[i];
			struct apply_linkspec spec;
			if (!doomed(w, kl) || (strcmp(kl->kind, "macvlan") == 0) != (pass == 0))
				continue;
			for (j = 0; j < k->n_links; j++) {
				struct apply_klink *up = &k->links[j];
				if ((up->link_ifindex == kl->ifindex || up->master == kl->ifindex) &&
				    up != kl && !doomed(w, up))
					return vrdma_error(ctx, -EBUSY,
					                   "apply: cannot remove '%s' (created by libvrdma, "
					                   "no longer configured): interface '%s' is "
					                   "stacked on it", kl->name, up->name);
			}
			for (j = 0; j < kl->n_addrs; j++) {
				r = add_addr_step(plan, false, kl->name, &kl->addrs[j], false);
				if (r < 0)
					return r;
			}
			klink_spec(kl, &spec);
			r = add_link_step(plan, false, &spec);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

/* Create or modify the wanted links of one class (vlandev or vmk device). */
static int plan_links(struct vrdma_ctx *ctx, struct vrdma_apply_plan *plan,
                      struct apply_kernel *k, struct want *w, bool vlandevs,
                      bool decreases)
{
	unsigned int i;
	int r;

	for (i = 0; i < w->n_links; i++) {
		struct want_link *wl = &w->links[i];
		struct apply_klink *kl = apply_kernel_find(k, wl->spec.name);
		if (wl->vlandev != vlandevs)
			continue;
		if (kl && !is_owned_kind(kl))
			return vrdma_error(ctx, -EEXIST,
			                   "%s '%s': interface '%s' already exists and was "
			                   "not created by libvrdma (alias '%s'); it is not "
			                   "taken over: rename or remove it",
			                   wl->vlandev ? "VLAN device for vmk" : "vmk",
			                   wl->vmk, wl->spec.name, kl->alias);
		if (decreases) {
			if (kl && link_matches(kl, wl) && kl->mtu > wl->spec.mtu) {
				r = add_mtu_step(plan, kl->name, kl->mtu, wl->spec.mtu);
				if (r < 0)
					return r;
			}
			continue;
		}
		if (!kl || !link_matches(kl, wl)) {
			struct apply_klink *low = apply_kernel_find(k, wl->spec.lower);
			if (low && low->master)
				return vrdma_error(ctx, -EBUSY,
				                   "vmk '%s': uplink '%s' is enslaved to a master "
				                   "(ifindex %d): cannot stack '%s' on it",
				                   wl->vmk, low->name, low->master, wl->spec.name);
			r = add_link_step(plan, true, &wl->spec);
			if (r < 0)
				return r;
			continue;
		}
		if (wl->spec.has_mac && (!kl->has_mac || memcmp(kl->mac, wl->spec.mac, 6))) {
			r = add_mac_step(plan, kl->name, kl->mac, wl->spec.mac);
			if (r < 0)
				return r;
		}
		if (kl->mtu < wl->spec.mtu) {
			r = add_mtu_step(plan, kl->name, kl->mtu, wl->spec.mtu);
			if (r < 0)
				return r;
		}
		if (!(kl->flags & IFF_UP)) {
			r = add_up_step(plan, kl->name, false, true);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

static int plan_addr_adds(struct vrdma_ctx *ctx, struct vrdma_apply_plan *plan,
                          struct apply_kernel *k, struct want *w)
{
	unsigned int i, j;
	int r;

	for (i = 0; i < w->n_links; i++) {
		struct want_link *wl = &w->links[i];
		struct apply_klink *kl = apply_kernel_find(k, wl->spec.name);
		bool kept = kl && link_matches(kl, wl);
		for (j = 0; j < wl->n_addrs; j++) {
			if (kept && addr_find(kl->addrs, kl->n_addrs, &wl->addrs[j], true))
				continue;
			r = add_addr_step(plan, true, wl->spec.name, &wl->addrs[j], false);
			if (r < 0)
				return r;
		}
	}
	for (i = 0; i < w->n_uplinks; i++) {
		struct want_uplink *wu = &w->uplinks[i];
		struct apply_klink *kl = apply_kernel_find(k, wu->name);
		for (j = 0; j < wu->n_addrs; j++) {
			const struct vrdma_inaddr *have = kl ?
				addr_find(kl->addrs, kl->n_addrs, &wu->addrs[j], false) : NULL;
			bool owned = owned_contains(plan, wu->name, &wu->addrs[j]);
			char b[INET6_ADDRSTRLEN];
			if (have && have->prefix == wu->addrs[j].prefix) {
				if (!owned)
					apply_plan_add_note(plan, "address %s/%u on uplink '%s' "
					                    "existed before; used but not owned",
					                    vrdma_inaddr_format(have, b),
					                    have->prefix, wu->name);
				continue;
			}
			if (have && !owned_contains(plan, wu->name, have))
				return vrdma_error(ctx, -EEXIST,
				                   "uplink '%s': address %s is already there "
				                   "with prefix %u (not created by libvrdma); "
				                   "the configuration wants /%u",
				                   wu->name, vrdma_inaddr_format(have, b),
				                   have->prefix,
				                   wu->addrs[j].prefix);
			r = add_addr_step(plan, true, wu->name, &wu->addrs[j], true);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

static int plan_uplinks(struct vrdma_ctx *ctx, struct vrdma_apply_plan *plan,
                        struct apply_kernel *k, struct want *w)
{
	unsigned int i;
	int r;

	for (i = 0; i < w->n_uplinks; i++) {
		struct want_uplink *wu = &w->uplinks[i];
		struct apply_klink *kl = apply_kernel_find(k, wu->name);
		if (!kl)
			return vrdma_error(ctx, -ENODEV, "uplink '%s': no such network "
			                   "device in this namespace", wu->name);
		if (wu->carries_vmk && kl->master && wu->n_addrs)
			return vrdma_error(ctx, -EBUSY, "uplink '%s' is enslaved to a "
			                   "master (ifindex %d): cannot carry vmk addresses",
			                   wu->name, kl->master);
		if (kl->mtu < wu->mtu) {
			r = add_mtu_step(plan, kl->name, kl->mtu, wu->mtu);
			if (r < 0)
				return r;
		}
		/* Uplinks are never brought up or down by apply: an up/down cycle
		 * leaves traces (qdisc, link-local addresses) that no rollback
		 * can remove.  Say so instead. */
		if (!(kl->flags & IFF_UP) && wu->carries_vmk)
			apply_plan_add_note(plan, "uplink '%s' is down: the vmks on it "
			                    "carry no traffic until it is brought up",
			                    wu->name);
	}
	return 0;
}

/* The owned-address list after a successful execution. */
static int plan_owned_after(struct vrdma_apply_plan *plan, struct apply_kernel *k,
                            struct want *w, char ***ret, unsigned int *n_ret)
{
	char **v = NULL;
	unsigned int n = 0, i, j;

	for (i = 0; i < w->n_uplinks; i++) {
		struct want_uplink *wu = &w->uplinks[i];
		struct apply_klink *kl = apply_kernel_find(k, wu->name);
		for (j = 0; j < wu->n_addrs; j++) {
			const struct vrdma_inaddr *a = &wu->addrs[j];
			const struct vrdma_inaddr *have = kl ?
				addr_find(kl->addrs, kl->n_addrs, a, true) : NULL;
			char **nv, b[INET6_ADDRSTRLEN];
			if (have && !owned_contains(plan, wu->name, a))
				continue; /* pre-existing, not ours */
			nv = realloc(v, sizeof(*v) * (n + 1));
			if (!nv)
				goto oom;
			v = nv;
			v[n] = vrdma_asprintf("%s %s/%u", wu->name, vrdma_inaddr_format(a, b),
			                      a->prefix);
			if (!v[n])
				goto oom;
			n++;
		}
	}
	*ret = v;
	*n_ret = n;
	return 0;
oom:
	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
	return -ENOMEM;
}

static bool strv_same_set(char **a, unsigned int na, char **b, unsigned int nb)
{
	unsigned int i, j;

	if (na != nb)
		return false;
	for (i = 0; i < na; i++) {
		for (j = 0; j < nb; j++)
			if (strcmp(a[i], b[j]) == 0)
				break;
		if (j == nb)
			return false;
	}
	return true;
}

/* Move steps [from, n_steps) to position `to` (< from), renumbering. */
static void steps_move_tail(struct vrdma_apply_plan *plan, unsigned int to, unsigned int from)
{
	unsigned int n = plan->n_steps - from, i;
	struct vrdma_apply_step *tmp;

	if (n == 0 || to >= from)
		return;
	tmp = malloc(sizeof(*tmp) * n);
	if (tmp) {
		memcpy(tmp, &plan->steps[from], sizeof(*tmp) * n);
		memmove(&plan->steps[to + n], &plan->steps[to], sizeof(*tmp) * (from - to));
		memcpy(&plan->steps[to], tmp, sizeof(*tmp) * n);
		free(tmp);
	} else {
		/* no memory for the buffer: rotate one step at a time */
		unsigned int j;
		for (j = 0; j < n; j++) {
			struct vrdma_apply_step one = plan->steps[from + j];
			memmove(&plan->steps[to + j + 1], &plan->steps[to + j],
			        sizeof(one) * (from - to));
			plan->steps[to + j] = one;
		}
	}
	for (i = 0; i < plan->n_steps; i++)
		plan->steps[i].index = i;
}

int apply_plan_build(struct vrdma_ctx *ctx, struct vrdma_config *cfg,
                     struct vrdma_host *host, struct vrdma_apply_plan *plan)
{
	struct want w = { 0 };
	struct apply_kernel k = { 0 };
	unsigned int b_first = 0, b_end = 0, n_b0 = 0;
	unsigned int i;
	int r;

	r = owned_load(plan);
	if (r < 0)
		return r;
	r = want_uplinks(cfg, host, &w, plan);
	for (i = 0; r >= 0 && i < (unsigned int)vrdma_config_get_n_vmks(cfg); i++) {
		struct vrdma_vmk *vmk;
		r = vrdma_config_get_vmk(cfg, i, &vmk);
		if (r >= 0)
			r = want_vmk(ctx, host, &w, vmk, plan);
	}
	if (r >= 0)
		r = apply_kernel_read(ctx, &k);
	if (r >= 0)
		r = apply_soft_plan(ctx, cfg, host, &k, plan);        /* S */
	if (r >= 0)
		r = plan_uplinks(ctx, plan, &k, &w);                  /* A */
	b_first = plan->n_steps;
	if (r >= 0)
		r = plan_deletions(ctx, plan, &k, &w);                /* B */
	b_end = plan->n_steps;
	if (r >= 0)
		r = apply_route_plan(ctx, plan, &k, w.routing, w.n_routing,
		                     b_first, b_end, true);           /* B0 */
	if (r >= 0) {
		n_b0 = plan->n_steps - b_end;
		steps_move_tail(plan, b_first, b_end);
	}
	if (r >= 0)
		r = plan_links(ctx, plan, &k, &w, false, true);       /* C */
	if (r >= 0)
		r = plan_links(ctx, plan, &k, &w, true, true);
	if (r >= 0)
		r = plan_links(ctx, plan, &k, &w, true, false);       /* D */
	if (r >= 0)
		r = plan_links(ctx, plan, &k, &w, false, false);      /* E */
	if (r >= 0)
		r = plan_addr_adds(ctx, plan, &k, &w);                /* F */
	if (r >= 0)
		r = apply_route_plan(ctx, plan, &k, w.routing, w.n_routing,
		                     b_first + n_b0, b_end + n_b0, false); /* G */
	if (r >= 0)
		r = apply_roce_plan(ctx, cfg, host, plan);            /* H: RoCE */
	if (r >= 0)
		r = plan_owned_after(plan, &k, &w, &plan->owned_after,
		                     &plan->n_owned_after);
	if (r >= 0)
		plan->owned_changed = plan->owned_rewrite ||
		                      !strv_same_set(plan->owned, plan->n_owned,
		                                     plan->owned_after,
		                                     plan->n_owned_after);
	apply_kernel_free(&k);
	want_free(&w);
	if (r >= 0 && plan->notes_oom)
		r = -ENOMEM;
	if (r == -ENOMEM)
		return vrdma_error(ctx, -ENOMEM, "apply: out of memory while planning");
	return r;
}
