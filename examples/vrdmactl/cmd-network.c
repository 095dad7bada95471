/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * vrdmactl network commands in esxcli's shapes: virtual switches (standard
 * and distributed), port groups, failover policies and VMkernel interfaces.
 * Every mutating command loads the configuration file (--config FILE or the
 * default), changes it through the library (which validates every rule) and
 * saves it atomically.  Public API only.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "vrdmactl.h"

#define MAX_LIST 32

enum {
	OPT_VLAN_ID = 1001,
	OPT_VLAN_TRUNK,
	OPT_IFNAME,
	OPT_USE_VSWITCH,
	OPT_UNMAP,
	OPT_CLEAR_GW,
};

struct opts {
	const char *v, *p, *u, *i, *I, *N, *t, *M, *a, *s, *g, *U, *trunk, *ifname;
	int m, vlan, n;
	bool has_m, has_vlan, has_n, has_a, has_s, use_vswitch, unmap, clear_gw;
};

static const struct option long_opts[] = {
	{ "vswitch-name", required_argument, NULL, 'v' },
	{ "mtu", required_argument, NULL, 'm' },
	{ "uplink-name", required_argument, NULL, 'u' },
	{ "portgroup-name", required_argument, NULL, 'p' },
	{ "interface-name", required_argument, NULL, 'i' },
	{ "ipv4", required_argument, NULL, 'I' },
	{ "ipv6", required_argument, NULL, 'I' },
	{ "netmask", required_argument, NULL, 'N' },
	{ "type", required_argument, NULL, 't' },
	{ "tagname", required_argument, NULL, 't' },
	{ "mac-address", required_argument, NULL, 'M' },
	{ "active-uplinks", required_argument, NULL, 'a' },
	{ "standby-uplinks", required_argument, NULL, 's' },
	{ "gateway", required_argument, NULL, 'g' },
	{ "uplink-slot", required_argument, NULL, 'U' },
	{ "uplinks", required_argument, NULL, 'n' },
	{ "vlan-id", required_argument, NULL, OPT_VLAN_ID },
	{ "vlan-trunk", required_argument, NULL, OPT_VLAN_TRUNK },
	{ "ifname", required_argument, NULL, OPT_IFNAME },
	{ "use-vswitch", no_argument, NULL, OPT_USE_VSWITCH },
	{ "unmap", no_argument, NULL, OPT_UNMAP },
	{ "clear-gateway", no_argument, NULL, OPT_CLEAR_GW },
	{ NULL, 0, NULL, 0 },
};

static int parse_int(const char *s, int *out)
{
	char *end;
	long x;

	errno = 0;
	x = strtol(s, &end, 10);
	if (errno || end == s || *end || x < INT_MIN || x > INT_MAX)
		return -EINVAL;
	*out = (int)x;
	return 0;
}

static const char *opt_name(int c)
{
	size_t k;

	for (k = 0; long_opts[k].name; k++)
		if (long_opts[k].val == c)
			return long_opts[k].name;
	return "?";
}

/* Each option in `required` (of v p i u U t) must be given: 0 or an exit code. */
static int need(struct vctl *v, const struct opts *o, const char *required)
{
	for (; *required; required++) {
		const char *val = NULL, *name = "?";

		switch (*required) {
		case 'v': val = o->v; name = "-v/--vswitch-name"; break;
		case 'p': val = o->p; name = "-p/--portgroup-name"; break;
		case 'i': val = o->i; name = "-i/--interface-name"; break;
		case 'u': val = o->u; name = "-u/--uplink-name"; break;
		case 'U': val = o->U; name = "-U/--uplink-slot"; break;
		case 't': val = o->t; name = "-t/--tagname"; break;
		}
		if (!val)
			return vctl_usage(v, "missing required option %s", name);
	}
	return 0;
}

/*
 * Parse options.  `allowed`: the short letters accepted, plus for long-only
 * options: 'V' vlan-id, 'T' vlan-trunk, 'F' ifname, 'W' use-vswitch,
 * 'X' unmap, 'C' clear-gateway.  `required`: see need().  Returns 0 or an
 * exit code.
 */
static int parse_opts(struct vctl *v, int argc, char **argv, const char *allowed,
                      const char *required, struct opts *o)
{
	int c;

	memset(o, 0, sizeof(*o));
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+v:m:u:p:i:I:N:t:M:a:s:g:U:n:", long_opts, NULL)) != -1) {
		char key = (char)c;

		if (c == '?' || c == ':')
			return vctl_usage(v, "unknown option or missing argument near '%s'",
			                  argv[optind - 1]);
		switch (c) {
		case OPT_VLAN_ID: key = 'V'; break;
		case OPT_VLAN_TRUNK: key = 'T'; break;
		case OPT_IFNAME: key = 'F'; break;
		case OPT_USE_VSWITCH: key = 'W'; break;
		case OPT_UNMAP: key = 'X'; break;
		case OPT_CLEAR_GW: key = 'C'; break;
		}
		if (!strchr(allowed, key))
			return c >= 1000 ? vctl_usage(v, "option --%s does not apply here", opt_name(c)) :
			                   vctl_usage(v, "option -%c does not apply here", c);
		switch (c) {
		case 'v': o->v = optarg; break;
		case 'p': o->p = optarg; break;
		case 'u': o->u = optarg; break;
		case 'i': o->i = optarg; break;
		case 'I': o->I = optarg; break;
		case 'N': o->N = optarg; break;
		case 't': o->t = optarg; break;
		case 'M': o->M = optarg; break;
		case 'g': o->g = optarg; break;
		case 'U': o->U = optarg; break;
		case 'a': o->a = optarg; o->has_a = true; break;
		case 's': o->s = optarg; o->has_s = true; break;
		case 'm':
			if (parse_int(optarg, &o->m) < 0)
				return vctl_usage(v, "-m needs an MTU (%d-%d), not '%s'", VRDMA_MTU_MIN,
				                  VRDMA_MTU_MAX, optarg);
			o->has_m = true;
			break;
		case 'n':
			if (parse_int(optarg, &o->n) < 0 || o->n < 0)
				return vctl_usage(v, "-n needs a number of uplink slots (0-%d), not '%s'",
				                  VRDMA_MAX_UPLINKS, optarg);
			o->has_n = true;
			break;
		case OPT_VLAN_ID:
			if (parse_int(optarg, &o->vlan) < 0)
				return vctl_usage(v, "--vlan-id needs a VLAN ID (0-4095), not '%s'", optarg);
			o->has_vlan = true;
			break;
		case OPT_VLAN_TRUNK: o->trunk = optarg; break;
		case OPT_IFNAME: o->ifname = optarg; break;
		case OPT_USE_VSWITCH: o->use_vswitch = true; break;
		case OPT_UNMAP: o->unmap = true; break;
		case OPT_CLEAR_GW: o->clear_gw = true; break;
		}
	}
	if (optind < argc)
		return vctl_usage(v, "unexpected argument '%s'", argv[optind]);
	return need(v, o, required);
}

#define NEED(o, field, flag)                                                    \
	do {                                                                    \
		if (!(o).field)                                                 \
			return vctl_usage(v, "missing required option %s", flag); \
	} while (0)

/* ---- configuration file ---------------------------------------------------- */

/* A "network vswitch dvs ..." command (else "... standard ..." or a vmk's). */
static bool is_dvs(const struct vctl *v)
{
	return vctl_cmd_has_word(v, "dvs");
}

static int find_sw(struct vctl *v, struct vrdma_config *cfg, const char *name,
                   struct vrdma_switch **sw)
{
	int r = vrdma_config_find_switch(cfg, name, sw);
	bool want_dvs = is_dvs(v);

	if (r < 0)
		return r;
	if ((vrdma_switch_get_type(*sw) == VRDMA_SWITCH_DISTRIBUTED) != want_dvs) {
		vctl_fail(v, 0, "switch '%s' is a %s switch; use 'network vswitch %s'", name,
		          want_dvs ? "standard" : "distributed", want_dvs ? "standard" : "dvs");
		return -EMEDIUMTYPE;
	}
	return 0;
}

static int find_pg(struct vctl *v, struct vrdma_config *cfg, const struct opts *o,
                   struct vrdma_portgroup **pg)
{
	struct vrdma_switch *sw;
	int r;

	if (o->v) {
		r = find_sw(v, cfg, o->v, &sw);
		if (r < 0)
			return r;
		return vrdma_switch_find_portgroup(sw, o->p, pg);
	}
	return vrdma_config_find_portgroup(cfg, o->p, pg);
}

/* Report a failed lookup or change (find_sw() has already reported a switch
 * of the wrong type), release cfg and return the exit code. */
static int cfg_fail(struct vctl *v, struct vrdma_config *cfg, int r)
{
	if (r == -EMEDIUMTYPE) {
		vrdma_config_unref(cfg);
		return VCTL_EXIT_FAILURE;
	}
	return vctl_cfg_fail(v, cfg, r);
}

/* Run a lookup/mutation; on failure report and return the exit code. */
#define TRY(expr)                                                               \
	do {                                                                    \
		int r_ = (expr);                                                \
		if (r_ < 0)                                                     \
			return cfg_fail(v, cfg, r_);                            \
	} while (0)

/* Load the configuration and find the switch -v: 0 or an exit code. */
static int open_sw(struct vctl *v, const struct opts *o, struct vrdma_config **cfg,
                   struct vrdma_switch **sw)
{
	int r = vctl_cfg_open(v, true, cfg);

	if (r)
		return r;
	r = find_sw(v, *cfg, o->v, sw);
	return r < 0 ? cfg_fail(v, *cfg, r) : 0;
}

/* Load the configuration and find the port group -p (of switch -v if given). */
static int open_pg(struct vctl *v, const struct opts *o, struct vrdma_config **cfg,
                   struct vrdma_portgroup **pg)
{
	int r = vctl_cfg_open(v, true, cfg);

	if (r)
		return r;
	r = find_pg(v, *cfg, o, pg);
	return r < 0 ? cfg_fail(v, *cfg, r) : 0;
}

/* Load the configuration and find the VMkernel interface -i. */
static int open_vmk(struct vctl *v, const struct opts *o, struct vrdma_config **cfg,
                    struct vrdma_vmk **vmk)
{
	int r = vctl_cfg_open(v, true, cfg);

	if (r)
		return r;
	r = vrdma_config_find_vmk(*cfg, o->i, vmk);
	return r < 0 ? cfg_fail(v, *cfg, r) : 0;
}

/* Split "a,b,c" (modifies s). */
static int split_list(char *s, const char **out)
{
	int n = 0;
	char *save = NULL, *tok;

	if (!s || !s[0])
		return 0;
	for (tok = strtok_r(s, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (n >= MAX_LIST)
			return -E2BIG;
		out[n++] = tok;
	}
	return n;
}

/* ---- switches ---------------------------------------------------------------- */

static int cmd_sw_add(struct vctl *v, int argc, char **argv)
{
	struct vrdma_config *cfg = NULL;
	struct vrdma_switch *sw;
	struct opts o;
	bool dvs = is_dvs(v);
	int r, k;

	if ((r = parse_opts(v, argc, argv, dvs ? "vmFn" : "vmF", "v", &o)) ||
	    (r = vctl_cfg_open(v, true, &cfg)))
		return r;
	TRY(vrdma_config_add_switch(cfg, o.v, dvs ? VRDMA_SWITCH_DISTRIBUTED : VRDMA_SWITCH_STANDARD,
	                            o.ifname, &sw));
	if (o.has_m)
		TRY(vrdma_switch_set_mtu(sw, o.m));
	if (dvs) {
		int slots = o.has_n ? o.n : 1;
		for (k = 1; k <= slots; k++) {
			char name[32];
			snprintf(name, sizeof(name), "Uplink %d", k);
			TRY(vrdma_switch_add_uplink(sw, name));
		}
	}
	return vctl_cfg_commit(v, cfg);
}

static int cmd_sw_remove(struct vctl *v, int argc, char **argv)
{
	struct vrdma_config *cfg = NULL;
	struct vrdma_switch *sw;
	struct opts o;
	int r;

	if ((r = parse_opts(v, argc, argv, "v", "v", &o)) || (r = open_sw(v, &o, &cfg, &sw)))
		return r;
	TRY(vrdma_switch_remove(sw));
	return vctl_cfg_commit(v, cfg);
}

static int cmd_sw_set(struct vctl *v, int argc, char **argv)
{
	struct vrdma_config *cfg = NULL;
	struct vrdma_switch *sw;
	struct opts o;
	int r;

	if ((r = parse_opts(v, argc, argv, "vmF", "v", &o)))
		return r;
	if (!o.has_m && !o.ifname)
		return vctl_usage(v, "nothing to set (give -m MTU or --ifname NAME)");
	if ((r = open_sw(v, &o, &cfg, &sw)))
		return r;
	if (o.has_m)
		TRY(vrdma_switch_set_mtu(sw, o.m));
	if (o.ifname)
		TRY(vrdma_switch_set_ifname(sw, o.ifname));
	return vctl_cfg_commit(v, cfg);
}

/* The failover order of the port group pg when given, else of the switch sw. */
static int fo_count(struct vrdma_switch *sw, struct vrdma_portgroup *pg,
                    enum vrdma_uplink_role role)
{
	return pg ? vrdma_portgroup_get_n_failover_uplinks(pg, role) :
	            vrdma_switch_get_n_failover_uplinks(sw, role);
}

static int fo_uplink(struct vrdma_switch *sw, struct vrdma_portgroup *pg,
                     enum vrdma_uplink_role role, int k, const char **u)
{
	return pg ? vrdma_portgroup_get_failover_uplink(pg, role, (unsigned int)k, u) :
	            vrdma_switch_get_failover_uplink(sw, role, (unsigned int)k, u);
}

static char *join_role(struct vrdma_switch *sw, struct vrdma_portgroup *pg,
                       enum vrdma_uplink_role role, char *buf, size_t len)
{
	int n = fo_count(sw, pg, role), k;
	const char *u;

	buf[0] = '\0';
	for (k = 0; k < n; k++) {
		if (fo_uplink(sw, pg, role, k, &u) < 0)
			continue;
		if (k)
			strncat(buf, ", ", len - strlen(buf) - 1);
		strncat(buf, u, len - strlen(buf) - 1);
	}
	return buf;
}

static struct json_object *role_json(struct vrdma_switch *sw, struct vrdma_portgroup *pg,
                                     enum vrdma_uplink_role role)
{
	struct json_object *a = json_object_new_array();
	int n = fo_count(sw, pg, role), k;
	const char *u;

	for (k = 0; k < n; k++)
		if (fo_uplink(sw, pg, role, k, &u) == 0)
			json_object_array_add(a, json_object_new_string(u));
	return a;
}

static int cmd_sw_list(struct vctl *v, int argc, char **argv)
{
	static const char *const hdr[] = { "Name", "Ifname", "MTU", "Uplinks", "Active",
	                                   "Standby", "Portgroups" };
	struct vrdma_config *cfg = NULL;
	struct vctl_list l;
	bool dvs = is_dvs(v);
	struct opts o;
	int r, i, k, n;

	if ((r = parse_opts(v, argc, argv, "", "", &o)) || (r = vctl_cfg_open(v, true, &cfg)))
		return r;
	vctl_list_begin(v, &l, hdr, 7);
	n = vrdma_config_get_n_switches(cfg);
	for (i = 0; i < n; i++) {
		struct vrdma_switch *sw;
		char ups[512] = "", pgs[1024] = "", act[512], stb[512], mtu[16];
		struct json_object *o1, *ju, *jp;
		const char *u;

		vrdma_config_get_switch(cfg, (unsigned int)i, &sw);
		if ((vrdma_switch_get_type(sw) == VRDMA_SWITCH_DISTRIBUTED) != dvs)
			continue;
		ju = json_object_new_array();
		jp = json_object_new_array();
		for (k = 0; k < vrdma_switch_get_n_uplinks(sw); k++) {
			const char *dev = NULL;
			vrdma_switch_get_uplink(sw, (unsigned int)k, &u);
			if (k)
				strncat(ups, ", ", sizeof(ups) - strlen(ups) - 1);
			strncat(ups, u, sizeof(ups) - strlen(ups) - 1);
			if (dvs) {
				struct json_object *slot = json_object_new_object();
				json_object_object_add(slot, "name", json_object_new_string(u));
				if (vrdma_switch_get_uplink_device(sw, u, &dev) == 0) {
					strncat(ups, "=", sizeof(ups) - strlen(ups) - 1);
					strncat(ups, dev, sizeof(ups) - strlen(ups) - 1);
				}
				json_object_object_add(slot, "device",
				                       dev ? json_object_new_string(dev) : NULL);
				json_object_array_add(ju, slot);
			} else {
				json_object_array_add(ju, json_object_new_string(u));
			}
		}
		for (k = 0; k < vrdma_switch_get_n_portgroups(sw); k++) {
			struct vrdma_portgroup *pg;
			vrdma_switch_get_portgroup(sw, (unsigned int)k, &pg);
			if (k)
				strncat(pgs, ", ", sizeof(pgs) - strlen(pgs) - 1);
			strncat(pgs, vrdma_portgroup_get_name(pg), sizeof(pgs) - strlen(pgs) - 1);
			json_object_array_add(jp, json_object_new_string(vrdma_portgroup_get_name(pg)));
		}
		if (v->json) {
			o1 = json_object_new_object();
			json_object_object_add(o1, "name", json_object_new_string(vrdma_switch_get_name(sw)));
			json_object_object_add(o1, "type", json_object_new_string(dvs ? "distributed" : "standard"));
			json_object_object_add(o1, "ifname", json_object_new_string(vrdma_switch_get_ifname(sw)));
			json_object_object_add(o1, "mtu", json_object_new_int(vrdma_switch_get_mtu(sw)));
			json_object_object_add(o1, "uplinks", ju);
			json_object_object_add(o1, "active", role_json(sw, NULL, VRDMA_UPLINK_ACTIVE));
			json_object_object_add(o1, "standby", role_json(sw, NULL, VRDMA_UPLINK_STANDBY));
			json_object_object_add(o1, "unused", role_json(sw, NULL, VRDMA_UPLINK_UNUSED));
			json_object_object_add(o1, "portgroups", jp);
			json_object_array_add(l.arr, o1);
		} else {
			json_object_put(ju);
			json_object_put(jp);
			snprintf(mtu, sizeof(mtu), "%d", vrdma_switch_get_mtu(sw));
			vctl_table_addv(l.t, vrdma_switch_get_name(sw), vrdma_switch_get_ifname(sw), mtu,
			                ups, join_role(sw, NULL, VRDMA_UPLINK_ACTIVE, act, sizeof(act)),
			                join_role(sw, NULL, VRDMA_UPLINK_STANDBY, stb, sizeof(stb)), pgs);
		}
	}
	vctl_list_end(&l);
	vrdma_config_unref(cfg);
	return VCTL_EXIT_OK;
}

/* uplink add | uplink remove: a vmnic on a standard switch, a slot on a dvs. */
static int cmd_uplink(struct vctl *v, int argc, char **argv)
{
	struct vrdma_config *cfg = NULL;
	struct vrdma_switch *sw;
	bool dvs = is_dvs(v), add = vctl_cmd_verb_is(v, "add");
	struct opts o;
	int r;

	if ((r = parse_opts(v, argc, argv, dvs ? "vU" : "vu", dvs ? "vU" : "vu", &o)) ||
	    (r = open_sw(v, &o, &cfg, &sw)))
		return r;
	TRY(add ? vrdma_switch_add_uplink(sw, dvs ? o.U : o.u) :
	          vrdma_switch_remove_uplink(sw, dvs ? o.U : o.u));
	return vctl_cfg_commit(v, cfg);
}

static int cmd_dvs_uplink_set(struct vctl *v, int argc, char **argv)
{
	struct vrdma_config *cfg = NULL;
	struct vrdma_switch *sw;
	struct opts o;
	int r;

	if ((r = parse_opts(v, argc, argv, "vUuX", "vU", &o)))
		return r;
	if (!o.u == !o.unmap)
		return vctl_usage(v, "give exactly one of -u/--uplink-name and --unmap");
	if ((r = open_sw(v, &o, &cfg, &sw)))
		return r;
	TRY(vrdma_switch_set_uplink_device(sw, o.U, o.unmap ? NULL : o.u));
	return vctl_cfg_commit(v, cfg);
}

/* "... portgroup policy failover ...": the port group's policy, else the switch's. */
static bool on_portgroup(struct vctl *v)
{
	return vctl_cmd_has_word(v, "portgroup");
}

/* Load the configuration and find the policy's owner: *pg NULL for a switch. */
static int open_fo_owner(struct vctl *v, const struct opts *o, struct vrdma_config **cfg,
                         struct vrdma_switch **sw, struct vrdma_portgroup **pg)
{
	int r;

	*pg = NULL;
	if (!on_portgroup(v))
		return open_sw(v, o, cfg, sw);
	if ((r = open_pg(v, o, cfg, pg)))
		return r;
	*sw = vrdma_portgroup_get_switch(*pg);
	return 0;
}

static int cmd_failover_set(struct vctl *v, int argc, char **argv)
{
	struct vrdma_config *cfg = NULL;
	struct vrdma_switch *sw = NULL;
	struct vrdma_portgroup *pg = NULL;
	const char *act[MAX_LIST], *stb[MAX_LIST];
	char *abuf = NULL, *sbuf = NULL;
	struct opts o;
	int r, na, ns;

	if ((r = parse_opts(v, argc, argv, on_portgroup(v) ? "vpasW" : "vas",
	                    on_portgroup(v) ? "p" : "v", &o)))
		return r;
	if (o.use_vswitch && (o.has_a || o.has_s))
		return vctl_usage(v, "--use-vswitch cannot be combined with -a/-s");
	if (!o.use_vswitch && !o.has_a && !o.has_s)
		return vctl_usage(v, "give -a/--active-uplinks and/or -s/--standby-uplinks");
	if ((r = open_fo_owner(v, &o, &cfg, &sw, &pg)))
		return r;
	if (pg) {
		if ((vrdma_switch_get_type(sw) == VRDMA_SWITCH_DISTRIBUTED) != is_dvs(v))
			TRY(find_sw(v, cfg, vrdma_switch_get_name(sw), &sw));
		if (o.use_vswitch) {
			TRY(vrdma_portgroup_clear_failover(pg));
			return vctl_cfg_commit(v, cfg);
		}
	}
	abuf = o.a ? strdup(o.a) : NULL;
	sbuf = o.s ? strdup(o.s) : NULL;
	na = split_list(abuf, act);
	ns = split_list(sbuf, stb);
	if (na < 0 || ns < 0) {
		free(abuf);
		free(sbuf);
		vrdma_config_unref(cfg);
		return vctl_usage(v, "more than %d uplinks listed", MAX_LIST);
	}
	/* -a alone keeps nothing on standby; -s alone keeps the current active list */
	if (!o.has_a) {
		na = 0;
		while (na < MAX_LIST && fo_uplink(sw, pg, VRDMA_UPLINK_ACTIVE, na, &act[na]) == 0)
			na++;
	}
	r = pg ? vrdma_portgroup_set_failover(pg, act, (size_t)na, stb, (size_t)ns) :
	         vrdma_switch_set_failover(sw, act, (size_t)na, stb, (size_t)ns);
	free(abuf);
	free(sbuf);
	if (r < 0)
		return vctl_cfg_fail(v, cfg, r);
	return vctl_cfg_commit(v, cfg);
}

static int cmd_failover_get(struct vctl *v, int argc, char **argv)
{
	struct vrdma_config *cfg = NULL;
	struct vrdma_switch *sw = NULL;
	struct vrdma_portgroup *pg = NULL;
	char a[512], s[512], u[512];
	struct opts o;
	int r;

	if ((r = parse_opts(v, argc, argv, on_portgroup(v) ? "vp" : "v", on_portgroup(v) ? "p" : "v",
	                    &o)) || (r = open_fo_owner(v, &o, &cfg, &sw, &pg)))
		return r;
	if (v->json) {
		struct json_object *j = json_object_new_object();
		json_object_object_add(j, "active", role_json(sw, pg, VRDMA_UPLINK_ACTIVE));
		json_object_object_add(j, "standby", role_json(sw, pg, VRDMA_UPLINK_STANDBY));
		json_object_object_add(j, "unused", role_json(sw, pg, VRDMA_UPLINK_UNUSED));
		if (pg)
			json_object_object_add(j, "override",
			                       json_object_new_boolean(vrdma_portgroup_has_failover_override(pg)));
		vctl_print_json(j);
		json_object_put(j);
	} else {
		printf("   Active Adapters: %s\n   Standby Adapters: %s\n   Unused Adapters: %s\n",
		       vctl_str(v, join_role(sw, pg, VRDMA_UPLINK_ACTIVE, a, sizeof(a))),
		       vctl_str(v, join_role(sw, pg, VRDMA_UPLINK_STANDBY, s, sizeof(s))),
		       vctl_str(v, join_role(sw, pg, VRDMA_UPLINK_UNUSED, u, sizeof(u))));
		if (pg)
			printf("   Override Vswitch Policy: %s\n",
			       vrdma_portgroup_has_failover_override(pg) ? "true" : "false");
	}
	vrdma_config_unref(cfg);
	return VCTL_EXIT_OK;
}

/* ---- port groups ------------------------------------------------------------- */

static void vlan_text(struct vrdma_portgroup *pg, char *buf, size_t len)
{
	int n = vrdma_portgroup_get_n_vlan_trunk_ranges(pg), k;
	unsigned int f, l;

	if (vrdma_portgroup_get_vlan_mode(pg) != VRDMA_VLAN_TRUNK ||
	    vrdma_switch_get_type(vrdma_portgroup_get_switch(pg)) == VRDMA_SWITCH_STANDARD) {
		snprintf(buf, len, "%d", vrdma_portgroup_get_vlan_id(pg));
		return;
	}
	buf[0] = '\0';
	for (k = 0; k < n; k++) {
		char part[24];
		vrdma_portgroup_get_vlan_trunk_range(pg, (unsigned int)k, &f, &l);
		if (f == l)
			snprintf(part, sizeof(part), "%s%u", k ? "," : "", f);
		else
			snprintf(part, sizeof(part), "%s%u-%u", k ? "," : "", f, l);
		strncat(buf, part, len - strlen(buf) - 1);
	}
}

static int set_vlan(struct vrdma_portgroup *pg, const struct opts *o)
{
	if (o->trunk)
		return vrdma_portgroup_set_vlan_trunk(pg, o->trunk);
	if (o->has_vlan)
		return vrdma_portgroup_set_vlan_id(pg, o->vlan);
	return 0;
}

static int cmd_pg_add(struct vctl *v, int argc, char **argv)
{
	struct vrdma_config *cfg = NULL;
	struct vrdma_switch *sw;
	struct vrdma_portgroup *pg;
	bool dvs = is_dvs(v);
	struct opts o;
	int r;

	if ((r = parse_opts(v, argc, argv, dvs ? "vpVT" : "vpV", "vp", &o)) ||
	    (r = open_sw(v, &o, &cfg, &sw)))
		return r;
	TRY(vrdma_switch_add_portgroup(sw, o.p, &pg));
	TRY(set_vlan(pg, &o));
	return vctl_cfg_commit(v, cfg);
}

static int cmd_pg_remove(struct vctl *v, int argc, char **argv)
{
	struct vrdma_config *cfg = NULL;
	struct vrdma_portgroup *pg;
	struct opts o;
	int r;

	if ((r = parse_opts(v, argc, argv, "vp", "p", &o)) || (r = open_pg(v, &o, &cfg, &pg)))
		return r;
	TRY(vrdma_portgroup_remove(pg));
	return vctl_cfg_commit(v, cfg);
}

static int cmd_pg_set(struct vctl *v, int argc, char **argv)
{
	struct vrdma_config *cfg = NULL;
	struct vrdma_portgroup *pg;
	bool dvs = is_dvs(v);
	struct opts o;
	int r;

	if ((r = parse_opts(v, argc, argv, dvs ? "vpVT" : "vpV", "p", &o)))
		return r;
	if (!o.has_vlan && !o.trunk)
		return vctl_usage(v, "nothing to set (give --vlan-id N%s)", dvs ? " or --vlan-trunk RANGES" : "");
	if ((r = open_pg(v, &o, &cfg, &pg)))
		return r;
	TRY(set_vlan(pg, &o));
	return vctl_cfg_commit(v, cfg);
}

static int cmd_pg_list(struct vctl *v, int argc, char **argv)
{
	static const char *const hdr[] = { "Name", "Virtual Switch", "Active Clients", "VLAN ID",
	                                   "Device" };
	struct vrdma_config *cfg = NULL;
	struct vctl_list l;
	bool dvs = is_dvs(v);
	struct opts o;
	int r, i, k;

	if ((r = parse_opts(v, argc, argv, "", "", &o)) || (r = vctl_cfg_open(v, true, &cfg)))
		return r;
	vctl_list_begin(v, &l, hdr, 5);
	for (i = 0; i < vrdma_config_get_n_switches(cfg); i++) {
		struct vrdma_switch *sw;
		vrdma_config_get_switch(cfg, (unsigned int)i, &sw);
		if ((vrdma_switch_get_type(sw) == VRDMA_SWITCH_DISTRIBUTED) != dvs)
			continue;
		for (k = 0; k < vrdma_switch_get_n_portgroups(sw); k++) {
			struct vrdma_portgroup *pg;
			char vlan[256], clients[16];
			vrdma_switch_get_portgroup(sw, (unsigned int)k, &pg);
			vlan_text(pg, vlan, sizeof(vlan));
			snprintf(clients, sizeof(clients), "%d", vrdma_portgroup_get_n_vmks(pg));
			if (v->json) {
				struct json_object *j = json_object_new_object();
				json_object_object_add(j, "name", json_object_new_string(vrdma_portgroup_get_name(pg)));
				json_object_object_add(j, "vswitch", json_object_new_string(vrdma_switch_get_name(sw)));
				json_object_object_add(j, "active_clients", json_object_new_int(vrdma_portgroup_get_n_vmks(pg)));
				json_object_object_add(j, "vlan", json_object_new_string(vlan));
				json_object_object_add(j, "device", json_object_new_string(vrdma_portgroup_get_ifname(pg)));
				json_object_object_add(j, "failover_override",
				                       json_object_new_boolean(vrdma_portgroup_has_failover_override(pg)));
				json_object_array_add(l.arr, j);
			} else {
				vctl_table_addv(l.t, vrdma_portgroup_get_name(pg), vrdma_switch_get_name(sw),
				                clients, vlan, vrdma_portgroup_get_ifname(pg));
			}
		}
	}
	vctl_list_end(&l);
	vrdma_config_unref(cfg);
	return VCTL_EXIT_OK;
}

/* ---- VMkernel interfaces --------------------------------------------------------- */

/* A vmk's port group -p, on switch -v if given (of either type). */
static int vmk_portgroup(struct vrdma_config *cfg, const struct opts *o,
                         struct vrdma_portgroup **pg)
{
	struct vrdma_switch *sw;
	int r;

	if (!o->v)
		return vrdma_config_find_portgroup(cfg, o->p, pg);
	r = vrdma_config_find_switch(cfg, o->v, &sw);
	return r < 0 ? r : vrdma_switch_find_portgroup(sw, o->p, pg);
}

/* Copy the address of "ADDR[/PREFIX]" into addr; returns "/PREFIX" or NULL. */
static const char *split_addr(const char *s, char *addr, size_t len)
{
	const char *slash = strchr(s, '/');

	snprintf(addr, len, "%.*s", slash ? (int)(slash - s) : (int)strlen(s), s);
	return slash;
}

static int cmd_if_add(struct vctl *v, int argc, char **argv)
{
	struct vrdma_config *cfg = NULL;
	struct vrdma_portgroup *pg;
	struct vrdma_vmk *vmk;
	struct opts o;
	int r;

	if ((r = parse_opts(v, argc, argv, "ipvmM", "p", &o)) || (r = vctl_cfg_open(v, true, &cfg)))
		return r;
	TRY(vmk_portgroup(cfg, &o, &pg));
	TRY(vrdma_config_add_vmk(cfg, o.i, pg, &vmk));
	if (o.has_m)
		TRY(vrdma_vmk_set_mtu(vmk, o.m));
	if (o.M)
		TRY(vrdma_vmk_set_mac(vmk, o.M));
	{
		/* Report the (possibly allocated) name once it is saved. */
		char name[64];

		snprintf(name, sizeof(name), "%s", vrdma_vmk_get_name(vmk));
		r = vctl_cfg_commit(v, cfg);
		if (r != VCTL_EXIT_OK)
			return r;
		if (v->json) {
			struct json_object *j = json_object_new_object();

			json_object_object_add(j, "name", json_object_new_string(name));
			vctl_print_json(j);
			json_object_put(j);
		} else if (!o.i) {
			printf("%s\n", vctl_str(v, name));
		}
		return VCTL_EXIT_OK;
	}
}

static int cmd_if_remove(struct vctl *v, int argc, char **argv)
{
	struct vrdma_config *cfg = NULL;
	struct vrdma_vmk *vmk;
	struct opts o;
	int r;

	if ((r = parse_opts(v, argc, argv, "i", "i", &o)) || (r = open_vmk(v, &o, &cfg, &vmk)))
		return r;
	TRY(vrdma_vmk_remove(vmk));
	return vctl_cfg_commit(v, cfg);
}

static int cmd_if_set(struct vctl *v, int argc, char **argv)
{
	struct vrdma_config *cfg = NULL;
	struct vrdma_vmk *vmk;
	struct vrdma_portgroup *pg;
	struct opts o;
	int r;

	if ((r = parse_opts(v, argc, argv, "ipvmM", "i", &o)))
		return r;
	if (!o.has_m && !o.M && !o.p)
		return vctl_usage(v, "nothing to set (give -m MTU, -M MAC or -p PORTGROUP)");
	if ((r = open_vmk(v, &o, &cfg, &vmk)))
		return r;
	if (o.p) {
		TRY(vmk_portgroup(cfg, &o, &pg));
		/* lower the MTU first when moving to a smaller switch with -m */
		if (o.has_m && o.m < vrdma_vmk_get_mtu(vmk))
			TRY(vrdma_vmk_set_mtu(vmk, o.m));
		TRY(vrdma_vmk_set_portgroup(vmk, pg));
	}
	if (o.has_m)
		TRY(vrdma_vmk_set_mtu(vmk, o.m));
	if (o.M)
		TRY(vrdma_vmk_set_mac(vmk, strcmp(o.M, "auto") == 0 ? NULL : o.M));
	return vctl_cfg_commit(v, cfg);
}

/* "-N 255.255.255.0" or "-N /24" or "-N 24"; or ADDR/PREFIX in -I. */
static int parse_prefix4(const char *s, unsigned int *prefix)
{
	struct in_addr m;
	uint32_t h;
	int p;

	if (s[0] == '/')
		s++;
	if (strchr(s, '.')) {
		if (inet_pton(AF_INET, s, &m) != 1)
			return -EINVAL;
		h = ntohl(m.s_addr);
		for (p = 0; p < 32 && (h & (0x80000000u >> p)); p++)
			;
		if (p < 32 && (h << p) != 0)
			return -EINVAL; /* not contiguous */
		*prefix = (unsigned int)p;
		return 0;
	}
	if (parse_int(s, &p) < 0 || p < 0 || p > 128)
		return -EINVAL;
	*prefix = (unsigned int)p;
	return 0;
}

/* -g of `ipv4 set` / `ipv6 set` must be an address of that command's family. */
static int check_gateway_family(struct vctl *v, const char *gw, int family)
{
	unsigned char buf[sizeof(struct in6_addr)];

	if (!gw || inet_pton(family, gw, buf) == 1)
		return 0;
	if (family == AF_INET)
		return vctl_usage(v, "-g %s is not an IPv4 address (an IPv6 gateway is set with "
		                  "'network ip interface ipv6 set -g')", gw);
	return vctl_usage(v, "-g %s is not an IPv6 address (an IPv4 gateway is set with "
	                  "'network ip interface ipv4 set -g')", gw);
}

static int cmd_ipv4_set(struct vctl *v, int argc, char **argv)
{
	struct vrdma_config *cfg = NULL;
	struct vrdma_vmk *vmk;
	char addr[64];
	unsigned int prefix = 0;
	struct opts o;
	const char *slash;
	int r;

	if ((r = parse_opts(v, argc, argv, "iINtgC", "i", &o)))
		return r;
	if ((r = check_gateway_family(v, o.g, AF_INET)))
		return r;
	if (!o.t)
		o.t = "static";
	if (strcmp(o.t, "static") != 0 && strcmp(o.t, "none") != 0)
		return vctl_usage(v, "-t must be 'static' or 'none' (DHCP is not modelled)");
	if (strcmp(o.t, "static") == 0) {
		NEED(o, I, "-I/--ipv4");
		slash = split_addr(o.I, addr, sizeof(addr));
		if (slash && o.N)
			return vctl_usage(v, "give the prefix in -I ADDR/PREFIX or in -N, not both");
		if (!slash && !o.N)
			return vctl_usage(v, "missing -N/--netmask (MASK or /PREFIX)");
		if (parse_prefix4(slash ? slash + 1 : o.N, &prefix) < 0)
			return vctl_usage(v, "bad netmask or prefix '%s'", slash ? slash + 1 : o.N);
	}
	if ((r = open_vmk(v, &o, &cfg, &vmk)))
		return r;
	if (strcmp(o.t, "none") == 0 || o.clear_gw)
		TRY(vrdma_vmk_clear_gateway(vmk, AF_INET));
	if (strcmp(o.t, "none") == 0) {
		TRY(vrdma_vmk_set_ipv4(vmk, NULL, 0));
	} else {
		const char *old = NULL;
		unsigned int oldp;
		/* a changed subnet takes the old gateway with it only when -g replaces it */
		if (o.g && vrdma_vmk_get_ipv4(vmk, &old, &oldp) == 0)
			TRY(vrdma_vmk_clear_gateway(vmk, AF_INET));
		TRY(vrdma_vmk_set_ipv4(vmk, addr, prefix));
		if (o.g)
			TRY(vrdma_vmk_set_gateway(vmk, o.g));
	}
	return vctl_cfg_commit(v, cfg);
}

static int cmd_ipv6_set(struct vctl *v, int argc, char **argv)
{
	struct vrdma_config *cfg = NULL;
	struct vrdma_vmk *vmk;
	struct opts o;
	int r;

	if ((r = parse_opts(v, argc, argv, "igC", "i", &o)))
		return r;
	if (!o.g == !o.clear_gw)
		return vctl_usage(v, "give exactly one of -g/--gateway and --clear-gateway");
	if ((r = check_gateway_family(v, o.g, AF_INET6)))
		return r;
	if ((r = open_vmk(v, &o, &cfg, &vmk)))
		return r;
	if (o.g)
		TRY(vrdma_vmk_set_gateway(vmk, o.g));
	else
		TRY(vrdma_vmk_clear_gateway(vmk, AF_INET6));
	return vctl_cfg_commit(v, cfg);
}

/* The prefix length vmk has for addr, -ENOENT when addr is none of its addresses. */
static int ipv6_prefix_of(struct vrdma_vmk *vmk, const char *addr, unsigned int *ret)
{
	struct in6_addr want, have;
	unsigned int k, p;
	const char *a;

	if (inet_pton(AF_INET6, addr, &want) != 1)
		return -EINVAL;
	for (k = 0; vrdma_vmk_get_ipv6(vmk, k, &a, &p) == 0; k++)
		if (inet_pton(AF_INET6, a, &have) == 1 && memcmp(&want, &have, sizeof(want)) == 0) {
			*ret = p;
			return 0;
		}
	return -ENOENT;
}

/* ipv6 address add -I ADDR/PREFIX | ipv6 address remove -I ADDR[/PREFIX] */
static int cmd_ipv6_addr(struct vctl *v, int argc, char **argv)
{
	struct vrdma_config *cfg = NULL;
	struct vrdma_vmk *vmk;
	bool add = vctl_cmd_verb_is(v, "add");
	char addr[INET6_ADDRSTRLEN + 8];
	unsigned int prefix = 0, has;
	const char *slash;
	struct opts o;
	int r, p;

	if ((r = parse_opts(v, argc, argv, "iI", "i", &o)))
		return r;
	NEED(o, I, "-I/--ipv6");
	slash = split_addr(o.I, addr, sizeof(addr));
	if (add && !slash)
		return vctl_usage(v, "-I needs ADDR/PREFIX, not '%s'", o.I);
	if (slash) {
		if (parse_int(slash + 1, &p) < 0 || p < 1 || p > 128)
			return vctl_usage(v, "-I '%s': the prefix length must be 1-128", o.I);
		prefix = (unsigned int)p;
	}
	if ((r = open_vmk(v, &o, &cfg, &vmk)))
		return r;
	if (add) {
		TRY(vrdma_vmk_add_ipv6(vmk, addr, prefix));
	} else {
		/* a prefix given with the address must be the one it has */
		if (slash && ipv6_prefix_of(vmk, addr, &has) == 0 && has != prefix) {
			vrdma_config_unref(cfg);
			return vctl_fail(v, 0, "vmk '%s': IPv6 address %s has prefix length %u, not %u",
			                 o.i, addr, has, prefix);
		}
		TRY(vrdma_vmk_remove_ipv6(vmk, addr));
	}
	return vctl_cfg_commit(v, cfg);
}

static int cmd_tag(struct vctl *v, int argc, char **argv)
{
	struct vrdma_config *cfg = NULL;
	struct vrdma_vmk *vmk;
	bool add = vctl_cmd_verb_is(v, "add");
	struct opts o;
	int r, bit;

	if ((r = parse_opts(v, argc, argv, "it", "it", &o)))
		return r;
	bit = vrdma_vmk_tag_from_string(o.t);
	if (bit < 0)
		return vctl_usage(v, "unknown tag '%s' (management, nvme-rdma, nvme-tcp, iser)", o.t);
	if ((r = open_vmk(v, &o, &cfg, &vmk)))
		return r;
	TRY(add ? vrdma_vmk_add_tags(vmk, (unsigned int)bit) :
	          vrdma_vmk_remove_tags(vmk, (unsigned int)bit));
	return vctl_cfg_commit(v, cfg);
}

static void tags_text(int tags, char *buf, size_t len, struct json_object *arr)
{
	unsigned int bit;

	buf[0] = '\0';
	for (bit = 1; bit <= VRDMA_VMK_TAG_ALL; bit <<= 1) {
		if (!(tags & (int)bit))
			continue;
		if (buf[0])
			strncat(buf, ", ", len - strlen(buf) - 1);
		strncat(buf, vrdma_vmk_tag_to_string(bit), len - strlen(buf) - 1);
		if (arr)
			json_object_array_add(arr, json_object_new_string(vrdma_vmk_tag_to_string(bit)));
	}
}

static int cmd_tag_get(struct vctl *v, int argc, char **argv)
{
	struct vrdma_config *cfg = NULL;
	struct vrdma_vmk *vmk;
	struct json_object *arr = NULL;
	char buf[128];
	struct opts o;
	int r;

	if ((r = parse_opts(v, argc, argv, "i", "i", &o)) || (r = open_vmk(v, &o, &cfg, &vmk)))
		return r;
	if (v->json)
		arr = json_object_new_array();
	tags_text(vrdma_vmk_get_tags(vmk), buf, sizeof(buf), arr);
	if (v->json) {
		vctl_print_json(arr);
		json_object_put(arr);
	} else {
		printf("   Tags: %s\n", buf);
	}
	vrdma_config_unref(cfg);
	return VCTL_EXIT_OK;
}

static int cmd_if_list(struct vctl *v, int argc, char **argv)
{
	static const char *const hdr[] = { "Name", "Portgroup", "Switch", "MAC Address", "MTU",
	                                   "IPv4", "IPv6", "Tags" };
	struct vrdma_config *cfg = NULL;
	struct vctl_list l;
	struct opts o;
	int r, i, k;

	if ((r = parse_opts(v, argc, argv, "", "", &o)) || (r = vctl_cfg_open(v, true, &cfg)))
		return r;
	vctl_list_begin(v, &l, hdr, 8);
	for (i = 0; i < vrdma_config_get_n_vmks(cfg); i++) {
		struct vrdma_vmk *vmk;
		struct vrdma_portgroup *pg;
		struct vrdma_switch *sw;
		char ip4[64] = "", ip6[1024] = "", tags[128], mtu[16], one[64];
		const char *a, *gw;
		unsigned int p;
		struct json_object *j = NULL, *j6 = NULL, *jt = NULL;

		vrdma_config_get_vmk(cfg, (unsigned int)i, &vmk);
		pg = vrdma_vmk_get_portgroup(vmk);
		sw = vrdma_portgroup_get_switch(pg);
		if (v->json) {
			j = json_object_new_object();
			j6 = json_object_new_array();
			jt = json_object_new_array();
		}
		if (vrdma_vmk_get_ipv4(vmk, &a, &p) == 0)
			snprintf(ip4, sizeof(ip4), "%s/%u", a, p);
		for (k = 0; k < vrdma_vmk_get_n_ipv6(vmk); k++) {
			vrdma_vmk_get_ipv6(vmk, (unsigned int)k, &a, &p);
			snprintf(one, sizeof(one), "%s/%u", a, p);
			if (k)
				strncat(ip6, ", ", sizeof(ip6) - strlen(ip6) - 1);
			strncat(ip6, one, sizeof(ip6) - strlen(ip6) - 1);
			if (j6)
				json_object_array_add(j6, json_object_new_string(one));
		}
		tags_text(vrdma_vmk_get_tags(vmk), tags, sizeof(tags), jt);
		snprintf(mtu, sizeof(mtu), "%d", vrdma_vmk_get_mtu(vmk));
		if (v->json) {
			json_object_object_add(j, "name", json_object_new_string(vrdma_vmk_get_name(vmk)));
			json_object_object_add(j, "portgroup", json_object_new_string(vrdma_portgroup_get_name(pg)));
			json_object_object_add(j, "vswitch", json_object_new_string(vrdma_switch_get_name(sw)));
			json_object_object_add(j, "mac", json_object_new_string(vrdma_vmk_get_mac(vmk)));
			json_object_object_add(j, "mtu", json_object_new_int(vrdma_vmk_get_mtu(vmk)));
			json_object_object_add(j, "ipv4", ip4[0] ? json_object_new_string(ip4) : NULL);
			json_object_object_add(j, "ipv6", j6);
			json_object_object_add(j, "gateway4", vrdma_vmk_get_gateway(vmk, AF_INET, &gw) == 0 ?
			                                      json_object_new_string(gw) : NULL);
			json_object_object_add(j, "gateway6", vrdma_vmk_get_gateway(vmk, AF_INET6, &gw) == 0 ?
			                                      json_object_new_string(gw) : NULL);
			json_object_object_add(j, "tags", jt);
			json_object_object_add(j, "ifname", json_object_new_string(vrdma_vmk_get_name(vmk)));
			json_object_object_add(j, "lower", json_object_new_string(vrdma_portgroup_get_ifname(pg)));
			json_object_array_add(l.arr, j);
		} else {
			vctl_table_addv(l.t, vrdma_vmk_get_name(vmk), vrdma_portgroup_get_name(pg),
			                vrdma_switch_get_name(sw), vrdma_vmk_get_mac(vmk), mtu,
			                ip4[0] ? ip4 : "-", ip6[0] ? ip6 : "-", tags[0] ? tags : "-");
		}
	}
	vctl_list_end(&l);
	vrdma_config_unref(cfg);
	return VCTL_EXIT_OK;
}

#define SS "network vswitch standard "
#define DS "network vswitch dvs "

const struct vctl_cmd vctl_network_cmds[] = {
	{ SS "add", cmd_sw_add, "add a standard switch", "-v NAME [-m MTU] [--ifname IFNAME]",
	  "A switch is no kernel object (vrdma(7), REALISATION): its vmks are stacked on\n"
	  "their port group's active uplink.  Its Linux name is reserved: the switch name\n"
	  "when it has at most 10 characters (letters, digits, - and _), else --ifname." },
	{ SS "remove", cmd_sw_remove, "remove a standard switch and its port groups", "-v NAME", NULL },
	{ SS "set", cmd_sw_set, "change a standard switch's MTU or reserved Linux name",
	  "-v NAME [-m MTU] [--ifname IFNAME]", NULL },
	{ SS "list", cmd_sw_list, "list standard switches", "", NULL },
	{ SS "uplink add", cmd_uplink, "add an uplink (vmnic alias or netdev)", "-v NAME -u UPLINK", NULL },
	{ SS "uplink remove", cmd_uplink, "remove an uplink", "-v NAME -u UPLINK", NULL },
	{ SS "policy failover set", cmd_failover_set, "set the switch's active/standby uplinks",
	  "-v NAME [-a UPLINK[,...]] [-s UPLINK[,...]]", "Uplinks in neither list are unused." },
	{ SS "policy failover get", cmd_failover_get, "show the switch's failover order", "-v NAME", NULL },
	{ SS "portgroup add", cmd_pg_add, "add a port group", "-v SWITCH -p NAME [--vlan-id N]", NULL },
	{ SS "portgroup remove", cmd_pg_remove, "remove a port group (refused while a vmk uses it)",
	  "[-v SWITCH] -p NAME", NULL },
	{ SS "portgroup set", cmd_pg_set, "set a port group's VLAN ID (0, 1-4094, 4095 = all)",
	  "[-v SWITCH] -p NAME --vlan-id N", NULL },
	{ SS "portgroup list", cmd_pg_list, "list port groups of standard switches", "", NULL },
	{ SS "portgroup policy failover set", cmd_failover_set,
	  "override the failover order for a port group",
	  "[-v SWITCH] -p NAME [-a UPLINK[,...]] [-s UPLINK[,...]] | --use-vswitch", NULL },
	{ SS "portgroup policy failover get", cmd_failover_get,
	  "show a port group's effective failover order", "[-v SWITCH] -p NAME", NULL },
	{ DS "add", cmd_sw_add, "add a distributed switch with N uplink slots",
	  "-v NAME [-m MTU] [-n SLOTS] [--ifname IFNAME]", "Slots are named \"Uplink 1\" .. \"Uplink N\" (default 1)." },
	{ DS "remove", cmd_sw_remove, "remove a distributed switch", "-v NAME", NULL },
	{ DS "set", cmd_sw_set, "change a distributed switch's MTU or reserved Linux name",
	  "-v NAME [-m MTU] [--ifname IFNAME]", NULL },
	{ DS "list", cmd_sw_list, "list distributed switches", "", NULL },
	{ DS "uplink add", cmd_uplink, "add an uplink slot", "-v NAME -U SLOT", NULL },
	{ DS "uplink remove", cmd_uplink, "remove an uplink slot", "-v NAME -U SLOT", NULL },
	{ DS "uplink set", cmd_dvs_uplink_set, "map an uplink slot to this host's vmnic",
	  "-v NAME -U SLOT (-u UPLINK | --unmap)", NULL },
	{ DS "policy failover set", cmd_failover_set, "set the switch's active/standby uplink slots",
	  "-v NAME [-a SLOT[,...]] [-s SLOT[,...]]", NULL },
	{ DS "policy failover get", cmd_failover_get, "show the switch's failover order", "-v NAME", NULL },
	{ DS "portgroup add", cmd_pg_add, "add a distributed port group",
	  "-v SWITCH -p NAME [--vlan-id N | --vlan-trunk A-B,C]", NULL },
	{ DS "portgroup remove", cmd_pg_remove, "remove a distributed port group", "[-v SWITCH] -p NAME", NULL },
	{ DS "portgroup set", cmd_pg_set, "set a distributed port group's VLAN",
	  "[-v SWITCH] -p NAME (--vlan-id N | --vlan-trunk A-B,C)", NULL },
	{ DS "portgroup list", cmd_pg_list, "list distributed port groups", "", NULL },
	{ DS "portgroup policy failover set", cmd_failover_set,
	  "override the failover order for a distributed port group",
	  "[-v SWITCH] -p NAME [-a SLOT[,...]] [-s SLOT[,...]] | --use-vswitch", NULL },
	{ DS "portgroup policy failover get", cmd_failover_get,
	  "show a distributed port group's effective failover order", "[-v SWITCH] -p NAME", NULL },
	{ "network ip interface add", cmd_if_add, "add a VMkernel interface",
	  "[-i vmkN] -p PORTGROUP [-v SWITCH] [-m MTU] [-M MAC]",
	  "Without -i the lowest free vmkN is allocated and printed." },
	{ "network ip interface remove", cmd_if_remove, "remove a VMkernel interface", "-i vmkN", NULL },
	{ "network ip interface set", cmd_if_set, "change MTU, MAC or port group of a vmk",
	  "-i vmkN [-m MTU] [-M MAC|auto] [-p PORTGROUP [-v SWITCH]]", NULL },
	{ "network ip interface list", cmd_if_list, "list VMkernel interfaces", "", NULL },
	{ "network ip interface ipv4 set", cmd_ipv4_set, "set the static IPv4 address of a vmk",
	  "-i vmkN -t static -I ADDR[/PREFIX] [-N MASK|/PREFIX] [-g GATEWAY] | -t none", NULL },
	{ "network ip interface ipv6 set", cmd_ipv6_set, "set or clear the IPv6 default gateway",
	  "-i vmkN (-g GATEWAY | --clear-gateway)", NULL },
	{ "network ip interface ipv6 address add", cmd_ipv6_addr, "add a static IPv6 address",
	  "-i vmkN -I ADDR/PREFIX", NULL },
	{ "network ip interface ipv6 address remove", cmd_ipv6_addr, "remove a static IPv6 address",
	  "-i vmkN -I ADDR[/PREFIX]", "A prefix length, when given, must be the address's." },
	{ "network ip interface tag add", cmd_tag, "tag a vmk for a service",
	  "-i vmkN -t management|nvme-rdma|nvme-tcp|iser", NULL },
	{ "network ip interface tag remove", cmd_tag, "remove a service tag", "-i vmkN -t TAG", NULL },
	{ "network ip interface tag get", cmd_tag_get, "show a vmk's service tags", "-i vmkN", NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};
