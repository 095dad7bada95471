/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * apply, netns suite: every test runs (Check forks it) in a fresh network
 * namespace with its own /sys, veth ends standing in for uplinks.  The
 * kernel is observed independently with `ip -j` (iproute2), never through
 * libvrdma.  Needs root; exits 77 (skip) when namespaces cannot be made.
 *
 * Two test cases (CK_RUN_CASE selects one): "netns", and "hooks", the tests
 * that need the library's fault hooks (VRDMA_TEST_APPLY_SOFT_UPLINKS,
 * VRDMA_TEST_APPLY_FAIL_STEP), which exist only in a -Dtest_hooks=true
 * build; without them the "hooks" case is skipped (exit 77) with a message.
 */

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <syslog.h>
#include <unistd.h>
#include <linux/capability.h>

#include <json-c/json.h>
#include <vrdma/vrdma.h>

#include "testutil.h"

/* ---- helpers -------------------------------------------------------------- */

static void sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void sh(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;
	int r;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	r = system(cmd);
	ck_assert_msg(r == 0, "command failed (%d): %s", r, cmd);
}

static char *capture(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *capture(const char *fmt, ...)
{
	char cmd[1024], *buf = NULL;
	size_t len = 0, n;
	char chunk[4096];
	va_list ap;
	FILE *p;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	while ((n = fread(chunk, 1, sizeof(chunk), p)) > 0) {
		buf = realloc(buf, len + n + 1);
		memcpy(buf + len, chunk, n);
		len += n;
	}
	pclose(p);
	if (!buf)
		buf = calloc(1, 1);
	buf[len] = '\0';
	return buf;
}

/* Routes of every table as a sorted set: the kernel lists routes of one
 * prefix on several devices (fe80::/64) in insertion order, which a device
 * re-created by a rollback changes; that order is no state apply keeps. */
static int cmp_json_text(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *sorted_json_array(const char *cmd)
{
	char *out = capture("%s", cmd), **items, *res = NULL;
	struct json_object *arr = json_tokener_parse(out);
	size_t i, n, len = 3;

	ck_assert_msg(arr != NULL, "%s: not JSON: %s", cmd, out);
	free(out);
	n = json_object_array_length(arr);
	items = calloc(n + 1, sizeof(*items));
	for (i = 0; i < n; i++) {
		items[i] = strdup(json_object_to_json_string_ext(json_object_array_get_idx(arr, i),
		                                                 JSON_C_TO_STRING_PLAIN));
		len += strlen(items[i]) + 1;
	}
	qsort(items, n, sizeof(*items), cmp_json_text);
	res = calloc(1, len);
	strcat(res, "[");
	for (i = 0; i < n; i++) {
		strcat(res, items[i]);
		strcat(res, i + 1 < n ? "," : "");
		free(items[i]);
	}
	strcat(res, "]");
	free(items);
	json_object_put(arr);
	return res;
}

/* The full kernel state as iproute2 reports it (links, addresses, rules in
 * their order, every routing table). */
static char *dump_all(void)
{
	char *a = capture("ip -j -d link show; ip -j addr show; ip -j rule show; "
	                  "ip -j -6 rule show");
	char *r4 = sorted_json_array("ip -j route show table all");
	char *r6 = sorted_json_array("ip -j -6 route show table all");
	char *all;

	ck_assert_int_ge(asprintf(&all, "%s\n%s\n%s\n", a, r4, r6), 0);
	free(a);
	free(r4);
	free(r6);
	return all;
}

/* Link states settle asynchronously (linkwatch, up to a second): dump
 * until the state equals `want` or 3 s have passed. */
static char *dump_settled(const char *want)
{
	char *s = NULL;
	int i;

	for (i = 0; i < 30; i++) {
		free(s);
		s = dump_all();
		if (strcmp(s, want) == 0)
			break;
		usleep(100000);
	}
	return s;
}

/* Wait for linkwatch to settle before a reference dump. */
static char *dump_stable(void)
{
	usleep(1100000);
	return dump_all();
}

static char *dump_dev(const char *dev)
{
	return capture("ip -j -d link show dev %s; ip -j addr show dev %s", dev, dev);
}

/* `ip -j -d addr show dev X` parsed: the first (only) array element. */
static struct json_object *ip_dev(const char *dev)
{
	char *s = capture("ip -j -d addr show dev %s 2>/dev/null", dev);
	struct json_object *arr = json_tokener_parse(s), *o;

	free(s);
	if (!arr || json_object_array_length(arr) != 1) {
		json_object_put(arr);
		return NULL;
	}
	o = json_object_get(json_object_array_get_idx(arr, 0));
	json_object_put(arr);
	return o;
}

#ifdef VRDMA_TEST_HOOKS /* jstr(), has_flag(), has_addr(): used by the hook tests only */
static const char *jstr(struct json_object *o, const char *path)
{
	char buf[256], *save = NULL, *tok;
	struct json_object *cur = o;

	snprintf(buf, sizeof(buf), "%s", path);
	for (tok = strtok_r(buf, ".", &save); tok && cur; tok = strtok_r(NULL, ".", &save))
		if (!json_object_object_get_ex(cur, tok, &cur))
			return NULL;
	return cur ? json_object_get_string(cur) : NULL;
}

static bool has_flag(struct json_object *o, const char *flag)
{
	struct json_object *f;
	size_t i;

	if (!json_object_object_get_ex(o, "flags", &f))
		return false;
	for (i = 0; i < json_object_array_length(f); i++)
		if (strcmp(json_object_get_string(json_object_array_get_idx(f, i)), flag) == 0)
			return true;
	return false;
}

static bool has_addr(struct json_object *o, const char *local, int prefix)
{
	struct json_object *ai;
	size_t i;

	if (!json_object_object_get_ex(o, "addr_info", &ai))
		return false;
	for (i = 0; i < json_object_array_length(ai); i++) {
		struct json_object *a = json_object_array_get_idx(ai, i), *l, *p;
		if (json_object_object_get_ex(a, "local", &l) &&
		    json_object_object_get_ex(a, "prefixlen", &p) &&
		    strcmp(json_object_get_string(l), local) == 0 &&
		    json_object_get_int(p) == prefix)
			return true;
	}
	return false;
}
#endif

/* An element of the JSON array `cmd` prints whose members equal the
 * "key=value" pairs given (NULL-terminated); value "-" means absent. */
static bool ip_has(const char *cmd, ...)
{
	struct json_object *arr;
	char *out = capture("%s", cmd);
	bool found = false;
	size_t i;

	arr = json_tokener_parse(out);
	free(out);
	for (i = 0; arr && !found && i < json_object_array_length(arr); i++) {
		struct json_object *o = json_object_array_get_idx(arr, i), *m;
		const char *kv;
		va_list ap;
		bool ok = true;

		va_start(ap, cmd);
		while (ok && (kv = va_arg(ap, const char *)) != NULL) {
			char key[64];
			const char *eq = strchr(kv, '=');
			snprintf(key, sizeof(key), "%.*s", (int)(eq - kv), kv);
			if (strcmp(eq + 1, "-") == 0)
				ok = !json_object_object_get_ex(o, key, NULL);
			else
				ok = json_object_object_get_ex(o, key, &m) &&
				     strcmp(json_object_get_string(m), eq + 1) == 0;
		}
		va_end(ap);
		found = ok;
	}
	json_object_put(arr);
	return found;
}

#ifdef VRDMA_TEST_HOOKS /* n_routes(): used by the hook tests only */
/* Number of routes of family ("-4"/"-6") in routing table `table`
 * (`ip route show table N` fails for a table that does not exist). */
static int n_routes(const char *family, int table)
{
	char *out = capture("ip -j %s route show table all", family);
	struct json_object *arr = json_tokener_parse(out), *t;
	int n = 0;
	size_t i;

	free(out);
	ck_assert_ptr_nonnull(arr);
	for (i = 0; i < json_object_array_length(arr); i++)
		if (json_object_object_get_ex(json_object_array_get_idx(arr, i), "table", &t) &&
		    json_object_get_int(t) == table)
			n++;
	json_object_put(arr);
	return n;
}
#endif

static char state_dir[64];

/* Equal strings, else both go to files and their diff to stderr. */
static bool same_or_diff(const char *what, const char *a, const char *b)
{
	char cmd[512];
	FILE *f;

	if (strcmp(a, b) == 0)
		return true;
	f = fopen("/tmp/vrdma-apply-a.json", "w");
	fputs(a, f);
	fclose(f);
	f = fopen("/tmp/vrdma-apply-b.json", "w");
	fputs(b, f);
	fclose(f);
	fprintf(stderr, "%s: kernel state differs:\n", what);
	snprintf(cmd, sizeof(cmd), "cd /tmp && for f in a b; do python3 -m json.tool --json-lines "
	         "< vrdma-apply-$f.json > vrdma-apply-$f.pretty 2>/dev/null || cp vrdma-apply-$f.json "
	         "vrdma-apply-$f.pretty; done; diff vrdma-apply-a.pretty vrdma-apply-b.pretty >&2");
	if (system(cmd) < 0)
		fprintf(stderr, "diff failed\n");
	return false;
}

/* A fresh network namespace (with its own sysfs view) and state dir. */
static void netns_setup(void)
{
	ck_assert_int_eq(unshare(CLONE_NEWNET | CLONE_NEWNS), 0);
	ck_assert_int_eq(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL), 0);
	umount2("/sys", MNT_DETACH);
	ck_assert_int_eq(mount("sysfs", "/sys", "sysfs", 0, NULL), 0);
	snprintf(state_dir, sizeof(state_dir), "/tmp/vrdma-apply-test.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(state_dir));
	setenv("VRDMA_STATE_DIR", state_dir, 1);
	unsetenv("VRDMA_TEST_APPLY_FAIL_STEP");
	/* No DAD: addresses are final at once, dumps are stable. */
	sh("sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0");
	sh("ip link set lo up");
	sh("ip link add up0 type veth peer name up0p && ip link set up0p up");
	sh("ip link add up1 type veth peer name up1p && ip link set up1p up");
}

static void netns_teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", state_dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", state_dir);
}

/* Netlink messages sent, counted from the library's debug log: one line
 * "apply: netlink message N sent: TYPE" per message. */
static unsigned int n_sent;

static void count_log(struct vrdma_ctx *ctx, int priority, const char *file, int line,
                      const char *fn, const char *format, va_list args)
{
	(void)ctx;
	(void)priority;
	(void)file;
	(void)line;
	(void)fn;
	(void)args;
	if (strncmp(format, "apply: netlink message ", 23) == 0)
		n_sent++;
}

static struct vrdma_ctx *new_ctx(void)
{
	struct vrdma_ctx *ctx;

	ck_assert_int_eq(vrdma_ctx_new(&ctx), 0);
	ck_assert_int_eq(vrdma_ctx_set_log_fn(ctx, count_log, NULL), 0);
	ck_assert_int_eq(vrdma_ctx_set_log_priority(ctx, LOG_DEBUG), 0);
	return ctx;
}

/* The live host, discovered now (read-only, as vrdmactl apply does). */
static struct vrdma_host *live_host(struct vrdma_ctx *ctx)
{
	struct vrdma_host *host;
	int r;

	r = vrdma_host_discover(ctx, VRDMA_DISCOVER_READ_ONLY | VRDMA_DISCOVER_NO_GIDS, &host);
	ck_assert_msg(r == 0, "discover: %d %s", r, vrdma_ctx_get_error(ctx));
	return host;
}

/* vrdma_apply_plan() and vrdma_apply_check() on the live host. */
static int plan_live(struct vrdma_ctx *ctx, struct vrdma_config *cfg,
                     struct vrdma_apply_plan **ret)
{
	struct vrdma_host *host = live_host(ctx);
	int r = vrdma_apply_plan(ctx, cfg, host, ret);

	vrdma_host_unref(host);
	return r;
}

static int check_live(struct vrdma_ctx *ctx, struct vrdma_config *cfg,
                      struct vrdma_apply_plan **ret)
{
	struct vrdma_host *host = live_host(ctx);
	int r = vrdma_apply_check(ctx, cfg, host, ret);

	vrdma_host_unref(host);
	return r;
}

#ifdef VRDMA_TEST_HOOKS /* step(): used by the hook tests only */
/* Step i (0-based) of plan. */
static struct vrdma_apply_step *step(struct vrdma_apply_plan *plan, unsigned int i)
{
	struct vrdma_apply_step *st = NULL;

	ck_assert_int_eq(vrdma_apply_plan_get_step(plan, i, &st), 0);
	return st;
}
#endif

/* Execute plan, counting the netlink messages it sends into *sent. */
static int execute_counted(struct vrdma_apply_plan *plan, unsigned int *sent)
{
	int r;

	n_sent = 0;
	r = vrdma_apply_execute(plan);
	*sent = n_sent;
	return r;
}

/*
 * The test model:
 *   vSwitch1 (MTU 9000) <- up0: PG-A untagged: vmk1 192.0.2.10/24 + 2001:db8::10/64
 *                                               + 2001:db8::110/64, gateway 192.0.2.1
 *                                PG-A:          vmk3 192.0.2.13/24 + 2001:db8::13/64
 *   vSwitch2 (MTU 1500) <- up1 (soft RDMA when VRDMA_TEST_APPLY_SOFT_UPLINKS=up1):
 *                                PG-B untagged: vmk2 198.51.100.2/24 + 2001:db8:2::2/64
 */
static struct vrdma_config *model(struct vrdma_ctx *ctx, bool with_vmk3)
{
	struct vrdma_config *cfg;
	struct vrdma_switch *sw1, *sw2;
	struct vrdma_portgroup *pga, *pgb;
	struct vrdma_vmk *v;

	ck_assert_int_eq(vrdma_config_new(ctx, &cfg), 0);
	ck_assert_int_eq(vrdma_config_add_switch(cfg, "vSwitch1", VRDMA_SWITCH_STANDARD, "vsw1", &sw1), 0);
	ck_assert_int_eq(vrdma_switch_set_mtu(sw1, 9000), 0);
	ck_assert_int_eq(vrdma_switch_add_uplink(sw1, "up0"), 0);
	ck_assert_int_eq(vrdma_switch_add_portgroup(sw1, "PG-A", &pga), 0);
	ck_assert_int_eq(vrdma_config_add_switch(cfg, "vSwitch2", VRDMA_SWITCH_STANDARD, "vsw2", &sw2), 0);
	ck_assert_int_eq(vrdma_switch_add_uplink(sw2, "up1"), 0);
	ck_assert_int_eq(vrdma_switch_add_portgroup(sw2, "PG-B", &pgb), 0);

	ck_assert_int_eq(vrdma_config_add_vmk(cfg, "vmk1", pga, &v), 0);
	ck_assert_int_eq(vrdma_vmk_set_mac(v, "02:00:00:00:00:01"), 0);
	ck_assert_int_eq(vrdma_vmk_set_ipv4(v, "192.0.2.10", 24), 0);
	ck_assert_int_eq(vrdma_vmk_add_ipv6(v, "2001:db8::10", 64), 0);
	ck_assert_int_eq(vrdma_vmk_add_ipv6(v, "2001:db8::110", 64), 0);
	ck_assert_int_eq(vrdma_vmk_set_gateway(v, "192.0.2.1"), 0);
	ck_assert_int_eq(vrdma_config_add_vmk(cfg, "vmk2", pgb, &v), 0);
	ck_assert_int_eq(vrdma_vmk_set_mac(v, "02:00:00:00:00:02"), 0);
	ck_assert_int_eq(vrdma_vmk_set_ipv4(v, "198.51.100.2", 24), 0);
	ck_assert_int_eq(vrdma_vmk_add_ipv6(v, "2001:db8:2::2", 64), 0);
	if (with_vmk3) {
		ck_assert_int_eq(vrdma_config_add_vmk(cfg, "vmk3", pga, &v), 0);
		ck_assert_int_eq(vrdma_vmk_set_mac(v, "02:00:00:00:00:03"), 0);
		ck_assert_int_eq(vrdma_vmk_set_ipv4(v, "192.0.2.13", 24), 0);
		ck_assert_int_eq(vrdma_vmk_add_ipv6(v, "2001:db8::13", 64), 0);
	}
	return cfg;
}

/* Plan and execute; returns the number of steps, asserts success. */
static int apply(struct vrdma_ctx *ctx, struct vrdma_config *cfg, unsigned int *sent)
{
	struct vrdma_apply_plan *plan;
	unsigned int n_msgs;
	int n, r;

	r = plan_live(ctx, cfg, &plan);
	ck_assert_msg(r == 0, "plan: %d %s", r, vrdma_ctx_get_error(ctx));
	n = vrdma_apply_plan_get_n_steps(plan);
	ck_assert(!vrdma_apply_plan_is_executed(plan));
	r = execute_counted(plan, &n_msgs);
	ck_assert_msg(r == 0, "execute: %d %s", r, vrdma_ctx_get_error(ctx));
	ck_assert(vrdma_apply_plan_is_executed(plan));
	ck_assert_str_eq(vrdma_ctx_get_error(ctx), "");
	if (sent)
		*sent = n_msgs;
	vrdma_apply_plan_unref(plan);
	return n;
}

/* ---- tests ------------------------------------------------------------------ */

#ifdef VRDMA_TEST_HOOKS
/* vmk2 sits on a soft uplink: VRDMA_TEST_APPLY_SOFT_UPLINKS. */
START_TEST(test_realise)
{
	struct vrdma_ctx *ctx;
	struct vrdma_config *cfg;
	struct vrdma_host *host;
	struct vrdma_bindings *b;
	struct vrdma_binding *bd;
	struct json_object *o;
	const char *s;
	char *owned;
	int strategy = -1;

	netns_setup();
	setenv("VRDMA_TEST_APPLY_SOFT_UPLINKS", "up1", 1);
	ctx = new_ctx();
	cfg = model(ctx, true);
	ck_assert_int_gt(apply(ctx, cfg, NULL), 0);

	/* vmk1: a macvlan on up0, own MAC, MTU, alias, up, both addresses */
	o = ip_dev("vmk1");
	ck_assert_ptr_nonnull(o);
	ck_assert_str_eq(jstr(o, "linkinfo.info_kind"), "macvlan");
	ck_assert_str_eq(jstr(o, "linkinfo.info_data.mode"), "bridge");
	ck_assert_str_eq(jstr(o, "link"), "up0");
	ck_assert_str_eq(jstr(o, "address"), "02:00:00:00:00:01");
	ck_assert_str_eq(jstr(o, "mtu"), "1500");
	ck_assert_str_eq(jstr(o, "ifalias"), "vrdma:vmk1");
	ck_assert(has_flag(o, "UP"));
	ck_assert(has_addr(o, "192.0.2.10", 24));
	ck_assert(has_addr(o, "2001:db8::10", 64));
	json_object_put(o);
	o = ip_dev("vmk3");
	ck_assert_ptr_nonnull(o);
	ck_assert(has_addr(o, "192.0.2.13", 24));
	json_object_put(o);
	/* up0: raised to the switch MTU, never brought up; no vmk address */
	o = ip_dev("up0");
	ck_assert_str_eq(jstr(o, "mtu"), "9000");
	ck_assert(!has_flag(o, "UP"));
	ck_assert(!has_addr(o, "192.0.2.10", 24));
	json_object_put(o);
	/* vmk2 (soft adapter, untagged): addresses on the uplink itself */
	o = ip_dev("up1");
	ck_assert(has_addr(o, "198.51.100.2", 24));
	ck_assert(has_addr(o, "2001:db8:2::2", 64));
	ck_assert_str_eq(jstr(o, "mtu"), "1500");
	json_object_put(o);
	ck_assert_ptr_null(ip_dev("vmk2"));

	/* Per-vmk policy routing: table 7600+N, rules "from <address>". */
	ck_assert(ip_has("ip -j route show table 7601", "dst=192.0.2.0/24", "dev=vmk1",
	                 "protocol=118", "gateway=-", NULL));
	ck_assert(ip_has("ip -j route show table 7601", "dst=default", "gateway=192.0.2.1",
	                 "dev=vmk1", "protocol=118", NULL));
	ck_assert(ip_has("ip -j -6 route show table 7601", "dst=2001:db8::/64", "dev=vmk1",
	                 "protocol=118", NULL));
	ck_assert_int_eq(n_routes("-4", 7601), 2);
	ck_assert_int_eq(n_routes("-6", 7601), 1); /* no IPv6 gateway */
	ck_assert(ip_has("ip -j route show table 7603", "dst=192.0.2.0/24", "dev=vmk3", NULL));
	ck_assert_int_eq(n_routes("-4", 7603), 1);  /* no gateway */
	ck_assert(ip_has("ip -j rule show", "priority=7601", "src=192.0.2.10", "table=7601",
	                 "protocol=118", NULL));
	ck_assert(ip_has("ip -j -6 rule show", "priority=7601", "src=2001:db8::10",
	                 "table=7601", "protocol=118", NULL));
	ck_assert(ip_has("ip -j rule show", "src=192.0.2.13", "table=7603", "priority=7603", NULL));
	/* vmk2's addresses sit on up1, which is down: no routes possible */
	ck_assert_int_eq(n_routes("-4", 7602), 0);
	ck_assert(!ip_has("ip -j rule show", "src=198.51.100.2", NULL));
	/* the main table has no route of ours */
	ck_assert(!ip_has("ip -j route show", "protocol=118", NULL));
	ck_assert(!ip_has("ip -j -6 route show", "protocol=118", NULL));
	owned = capture("cat %s/apply-owned-addresses", state_dir);
	ck_assert_ptr_nonnull(strstr(owned, "up1 198.51.100.2/24"));
	ck_assert_ptr_nonnull(strstr(owned, "up1 2001:db8:2::2/64"));
	free(owned);

	/* The bindings (same realisation rules) agree with what was built. */
	host = live_host(ctx);
	ck_assert_int_eq(vrdma_bindings_new(host, cfg, &b), 0);
	ck_assert_int_eq(vrdma_bindings_find_binding(b, "vmk1", &bd), 0);
	ck_assert_int_eq(vrdma_binding_get_netdev_name(bd, &s), 0);
	ck_assert_str_eq(s, "vmk1");
	ck_assert_int_eq(vrdma_binding_get_uplink_name(bd, &s), 0);
	ck_assert_str_eq(s, "up0");
	ck_assert_int_eq(vrdma_binding_get_strategy(bd, &strategy), 0);
	ck_assert_int_eq(strategy, VRDMA_APPLY_STRATEGY_MACVLAN);
	ck_assert_int_eq(vrdma_bindings_find_binding(b, "vmk2", &bd), 0);
	ck_assert_int_eq(vrdma_binding_get_netdev_name(bd, &s), 0);
	ck_assert_str_eq(s, "up1");
	ck_assert_int_eq(vrdma_binding_get_strategy(bd, &strategy), 0);
	ck_assert_int_eq(strategy, VRDMA_APPLY_STRATEGY_UPLINK);
	vrdma_bindings_unref(b);
	vrdma_host_unref(host);

	vrdma_config_unref(cfg);
	vrdma_ctx_unref(ctx);
	netns_teardown();
}
END_TEST
#endif /* VRDMA_TEST_HOOKS */

/* _i = 1: with vmk2's addresses on a soft uplink (a test hook). */
START_TEST(test_idempotent)
{
	struct vrdma_ctx *ctx;
	struct vrdma_config *cfg;
	struct vrdma_apply_plan *plan;
	char *before, *after, *events;
	unsigned int sent = 0;
	int r;

	netns_setup();
	if (_i == 1)
		setenv("VRDMA_TEST_APPLY_SOFT_UPLINKS", "up1", 1);
	ctx = new_ctx();
	cfg = model(ctx, true);
	apply(ctx, cfg, &sent);
	ck_assert_uint_gt(sent, 0);
	before = dump_stable(); /* linkwatch's late events are not ours */

	/* Second run: empty plan, zero messages, and the kernel saw nothing. */
	sh("(ip -o monitor link address > %s/events 2>&1 & echo $! > %s/mon); sleep 0.3",
	   state_dir, state_dir);
	r = plan_live(ctx, cfg, &plan);
	ck_assert_int_eq(r, 0);
	ck_assert_int_eq(vrdma_apply_plan_get_n_steps(plan), 0);
	ck_assert_int_eq(execute_counted(plan, &sent), 0);
	ck_assert_uint_eq(sent, 0);
	ck_assert(vrdma_apply_plan_is_executed(plan));
	ck_assert_int_eq(vrdma_apply_execute(plan), -EALREADY);
	{
		struct vrdma_apply_step *st = NULL;
		char *text;
		ck_assert_int_eq(vrdma_apply_plan_get_step(plan, 0, &st), -ENOENT);
		ck_assert_ptr_null(st);
		ck_assert_msg(strstr(vrdma_ctx_get_error(ctx), "no step 0"), "%s",
		              vrdma_ctx_get_error(ctx));
		ck_assert_int_eq(vrdma_apply_plan_format(plan, &text), 0);
		ck_assert_str_eq(vrdma_ctx_get_error(ctx), "");
		ck_assert_msg(strncmp(text, "no changes\nnote: ", 17) == 0, "%s", text);
		free(text);
	}
	ck_assert_int_eq(check_live(ctx, cfg, NULL), 0);
	vrdma_apply_plan_unref(plan);
	sh("sleep 0.3; kill $(cat %s/mon)", state_dir);
	events = capture("cat %s/events", state_dir);
	ck_assert_msg(events[0] == '\0', "kernel events during a no-op apply: %s", events);
	after = dump_all();
	ck_assert_str_eq(before, after);

	free(events);
	free(before);
	free(after);
	vrdma_config_unref(cfg);
	vrdma_ctx_unref(ctx);
	netns_teardown();
}
END_TEST

#ifdef VRDMA_TEST_HOOKS
/*
 * A realistic plan with every kind of step: from an applied model with
 * vmk1..vmk3, go to one where vmk3 is gone (address and link deletions),
 * vmk1 has a new MAC and MTU, new gateways and one IPv6 address less, vmk2 (on the soft uplink, up)
 * a new IPv4 address (its kept route is re-created: the kernel flushes it
 * with the last IPv4 address), vmk4 is new and vSwitch2's MTU is raised:
 * links, addresses, routes and rules.  Make every step k = 1..N fail in turn
 * and compare the complete kernel dumps (links, addresses, rules, routes).
 */
static struct vrdma_config *model2(struct vrdma_ctx *ctx)
{
	struct vrdma_config *cfg = model(ctx, false);
	struct vrdma_switch *sw2;
	struct vrdma_portgroup *pga;
	struct vrdma_vmk *v;

	ck_assert_int_eq(vrdma_config_find_vmk(cfg, "vmk1", &v), 0);
	ck_assert_int_eq(vrdma_vmk_set_mac(v, "02:00:00:00:01:01"), 0);
	ck_assert_int_eq(vrdma_vmk_set_mtu(v, 4000), 0);
	ck_assert_int_eq(vrdma_vmk_set_gateway(v, "192.0.2.254"), 0);
	ck_assert_int_eq(vrdma_vmk_set_gateway(v, "fe80::1"), 0);
	/* the newest IPv6 address goes (re-adding another one would change
	 * the kernel's address order: see test_routes for rule order) */
	ck_assert_int_eq(vrdma_vmk_remove_ipv6(v, "2001:db8::110"), 0);
	ck_assert_int_eq(vrdma_config_find_vmk(cfg, "vmk2", &v), 0);
	ck_assert_int_eq(vrdma_vmk_set_ipv4(v, "198.51.100.22", 24), 0);
	ck_assert_int_eq(vrdma_config_find_switch(cfg, "vSwitch2", &sw2), 0);
	ck_assert_int_eq(vrdma_switch_set_mtu(sw2, 2000), 0);
	ck_assert_int_eq(vrdma_config_find_portgroup(cfg, "PG-A", &pga), 0);
	ck_assert_int_eq(vrdma_config_add_vmk(cfg, "vmk4", pga, &v), 0);
	ck_assert_int_eq(vrdma_vmk_set_mac(v, "02:00:00:00:00:04"), 0);
	ck_assert_int_eq(vrdma_vmk_set_ipv4(v, "192.0.2.14", 24), 0);
	ck_assert_int_eq(vrdma_vmk_add_ipv6(v, "2001:db8::14", 64), 0);
	ck_assert_int_eq(vrdma_vmk_set_gateway(v, "2001:db8::1"), 0);
	return cfg;
}

START_TEST(test_rollback_every_step)
{
	struct vrdma_ctx *ctx;
	struct vrdma_config *cfg1, *cfg2;
	struct vrdma_apply_plan *plan;
	char *before, *after, *owned_before, *owned_after, want[64];
	int n, k, r, kinds[3] = { 0 }, objs[4][3] = { { 0 } };

	netns_setup();
	setenv("VRDMA_TEST_APPLY_SOFT_UPLINKS", "up1", 1);
	sh("ip link set up1 up");
	ctx = new_ctx();
	cfg1 = model(ctx, true);
	apply(ctx, cfg1, NULL);
	cfg2 = model2(ctx);
	before = dump_stable();
	owned_before = capture("cat %s/apply-owned-addresses", state_dir);

	ck_assert_int_eq(plan_live(ctx, cfg2, &plan), 0);
	n = vrdma_apply_plan_get_n_steps(plan);
	for (k = 0; k < n; k++) {
		struct vrdma_apply_step *st = step(plan, (unsigned int)k);
		ck_assert_int_eq(vrdma_apply_step_get_index(st), k);
		kinds[vrdma_apply_step_get_action(st)]++;
		objs[vrdma_apply_step_get_object(st)][vrdma_apply_step_get_action(st)]++;
	}
	{
		char *text;
		ck_assert_int_eq(vrdma_apply_plan_format(plan, &text), 0);
		fprintf(stderr, "rollback plan:\n%s", text);
		free(text);
	}
	vrdma_apply_plan_unref(plan);
	ck_assert_int_ge(n, 10);
	ck_assert_int_gt(kinds[VRDMA_APPLY_CREATE], 0);
	ck_assert_int_gt(kinds[VRDMA_APPLY_MODIFY], 0);
	ck_assert_int_gt(kinds[VRDMA_APPLY_DELETE], 0);
	ck_assert_int_gt(objs[VRDMA_APPLY_OBJ_ROUTE][VRDMA_APPLY_CREATE], 0);
	ck_assert_int_gt(objs[VRDMA_APPLY_OBJ_ROUTE][VRDMA_APPLY_DELETE], 0);
	ck_assert_int_gt(objs[VRDMA_APPLY_OBJ_RULE][VRDMA_APPLY_CREATE], 0);
	ck_assert_int_gt(objs[VRDMA_APPLY_OBJ_RULE][VRDMA_APPLY_DELETE], 0);
	ck_assert_int_gt(n_routes("-4", 7602), 0); /* up1 is up */

	for (k = 1; k <= n; k++) {
		char num[16];
		snprintf(num, sizeof(num), "%d", k);
		setenv("VRDMA_TEST_APPLY_FAIL_STEP", num, 1);
		ck_assert_int_eq(plan_live(ctx, cfg2, &plan), 0);
		ck_assert_int_eq(vrdma_apply_plan_get_n_steps(plan), n);
		r = vrdma_apply_execute(plan);
		ck_assert_int_eq(r, -EIO);
		snprintf(want, sizeof(want), "step %d/%d (", k, n);
		ck_assert_msg(strstr(vrdma_ctx_get_error(ctx), want) &&
		              strstr(vrdma_ctx_get_error(ctx), "injected") &&
		              !strstr(vrdma_ctx_get_error(ctx), "INCOMPLETE"),
		              "k=%d: %s", k, vrdma_ctx_get_error(ctx));
		vrdma_apply_plan_unref(plan);
		after = dump_settled(before);
		ck_assert_msg(same_or_diff("rollback", before, after),
		              "kernel differs after rollback from step %d (diff on stderr)", k);
		free(after);
		owned_after = capture("cat %s/apply-owned-addresses", state_dir);
		ck_assert_str_eq(owned_before, owned_after);
		free(owned_after);
	}
	unsetenv("VRDMA_TEST_APPLY_FAIL_STEP");
	/* Without injection it goes through, and then it is in sync. */
	ck_assert_int_eq(apply(ctx, cfg2, NULL), n);
	ck_assert_int_eq(check_live(ctx, cfg2, NULL), 0);
	ck_assert_ptr_null(ip_dev("vmk3"));
	ck_assert_int_eq(n_routes("-4", 7603), 0);
	ck_assert(!ip_has("ip -j rule show", "src=192.0.2.13", NULL));
	ck_assert(ip_has("ip -j route show table 7601", "dst=default", "gateway=192.0.2.254",
	                 "dev=vmk1", NULL));
	ck_assert(ip_has("ip -j -6 route show table 7601", "dst=default", "gateway=fe80::1",
	                 "dev=vmk1", NULL));
	ck_assert(ip_has("ip -j route show table 7602", "dst=198.51.100.0/24", "dev=up1",
	                 "protocol=118", NULL));
	ck_assert(ip_has("ip -j rule show", "src=198.51.100.22", "table=7602", NULL));
	ck_assert(ip_has("ip -j -6 route show table 7604", "dst=default",
	                 "gateway=2001:db8::1", "dev=vmk4", NULL));

	free(before);
	free(owned_before);
	vrdma_config_unref(cfg1);
	vrdma_config_unref(cfg2);
	vrdma_ctx_unref(ctx);
	netns_teardown();
}
END_TEST
#endif /* VRDMA_TEST_HOOKS */

/* A real kernel refusal half way: the error carries the kernel's reason. */
START_TEST(test_rollback_kernel_error)
{
	struct vrdma_ctx *ctx;
	struct vrdma_config *cfg;
	struct vrdma_apply_plan *plan;
	char *before, *after;
	int r;

	netns_setup();
	ctx = new_ctx();
	cfg = model(ctx, true);
	ck_assert_int_eq(plan_live(ctx, cfg, &plan), 0);
	/* Someone takes the name vmk3 between plan and execute. */
	sh("ip link add vmk3 type veth peer name vmk3p");
	before = dump_stable();
	r = vrdma_apply_execute(plan);
	ck_assert_msg(r == -EEXIST, "%d %s", r, vrdma_ctx_get_error(ctx));
	ck_assert_msg(strstr(vrdma_ctx_get_error(ctx), "create link vmk3") &&
	              strstr(vrdma_ctx_get_error(ctx), "exists"), "%s",
	              vrdma_ctx_get_error(ctx));
	after = dump_settled(before);
	ck_assert(same_or_diff("kernel error rollback", before, after));
	vrdma_apply_plan_unref(plan);
	free(before);
	free(after);
	vrdma_config_unref(cfg);
	vrdma_ctx_unref(ctx);
	netns_teardown();
}
END_TEST

START_TEST(test_unmanaged_untouched)
{
	static const char *const devs[] = { "keep0", "other0", "other0p", "lo", "up0p" };
	struct vrdma_ctx *ctx;
	struct vrdma_config *cfg, *empty;
	char *before[5], *after;
	unsigned int i;

	netns_setup();
	/* The uplink is already as the switch wants it, so up0 is not touched
	 * either; an administrator's macvlan sits on it, with an address. */
	sh("ip link set up0 mtu 9000 up && ip link set up1 up");
	sh("ip link add keep0 link up0 type macvlan mode bridge && ip addr add 203.0.113.1/24 dev keep0 && ip link set keep0 up");
	sh("ip link add other0 type veth peer name other0p && ip addr add 203.0.113.9/24 dev other0 && ip link set other0 alias admin-thing");
	usleep(1100000); /* let linkwatch settle */
	for (i = 0; i < 5; i++)
		before[i] = dump_dev(devs[i]);
	ctx = new_ctx();
	cfg = model(ctx, true);
	apply(ctx, cfg, NULL);
	for (i = 0; i < 5; i++) {
		after = dump_dev(devs[i]);
		ck_assert_msg(same_or_diff(devs[i], before[i], after), "%s changed by apply", devs[i]);
		free(after);
	}
	/* An empty configuration removes what libvrdma made, nothing else. */
	ck_assert_int_eq(vrdma_config_new(ctx, &empty), 0);
	apply(ctx, empty, NULL);
	ck_assert_ptr_null(ip_dev("vmk1"));
	ck_assert_ptr_null(ip_dev("vmk3"));
	for (i = 0; i < 5; i++) {
		after = dump_dev(devs[i]);
		ck_assert_msg(same_or_diff(devs[i], before[i], after), "%s changed by removal", devs[i]);
		free(after);
		free(before[i]);
	}
	vrdma_config_unref(empty);
	vrdma_config_unref(cfg);
	vrdma_ctx_unref(ctx);
	netns_teardown();
}
END_TEST

START_TEST(test_name_clash)
{
	struct vrdma_ctx *ctx;
	struct vrdma_config *cfg;
	struct vrdma_apply_plan *plan = NULL;
	char *before, *after;

	netns_setup();
	sh("ip link add vmk1 link up0 type macvlan");
	before = dump_all();
	ctx = new_ctx();
	cfg = model(ctx, false);
	ck_assert_int_eq(plan_live(ctx, cfg, &plan), -EEXIST);
	ck_assert_ptr_null(plan);
	ck_assert_msg(strstr(vrdma_ctx_get_error(ctx), "'vmk1'") &&
	              strstr(vrdma_ctx_get_error(ctx), "not created by libvrdma"),
	              "%s", vrdma_ctx_get_error(ctx));
	ck_assert_int_eq(check_live(ctx, cfg, NULL), -EEXIST);
	after = dump_all();
	ck_assert_str_eq(before, after);
	free(before);
	free(after);
	vrdma_config_unref(cfg);
	vrdma_ctx_unref(ctx);
	netns_teardown();
}
END_TEST

#ifdef VRDMA_TEST_HOOKS
START_TEST(test_drift)
{
	struct vrdma_ctx *ctx;
	struct vrdma_config *cfg;
	struct vrdma_apply_plan *plan;
	char *text;

	netns_setup();
	setenv("VRDMA_TEST_APPLY_SOFT_UPLINKS", "up1", 1);
	ctx = new_ctx();
	cfg = model(ctx, false);
	apply(ctx, cfg, NULL);
	ck_assert_int_eq(check_live(ctx, cfg, NULL), 0);
	/* Someone deletes addresses and changes an MTU and the state. */
	sh("ip addr del 192.0.2.10/24 dev vmk1 && ip link set vmk1 mtu 1400 && ip link set vmk1 down");
	sh("ip addr del 198.51.100.2/24 dev up1");
	ck_assert_int_ge(check_live(ctx, cfg, &plan), 0);
	ck_assert_int_eq(vrdma_apply_plan_format(plan, &text), 0);
	/* (down removed vmk1's IPv6 address and its routes too: the kernel's doing) */
	ck_assert_msg(vrdma_apply_plan_get_n_steps(plan) == 9, "drift plan:\n%s", text);
	ck_assert_ptr_nonnull(strstr(text, "create route 192.0.2.0/24 dev vmk1 table 7601"));
	ck_assert_ptr_nonnull(strstr(text, "create route default via 192.0.2.1 dev vmk1 table 7601"));
	ck_assert_ptr_nonnull(strstr(text, "create route 2001:db8::/64 dev vmk1 table 7601"));
	ck_assert_ptr_nonnull(strstr(text, "modify link vmk1 mtu: 1400 -> 1500"));
	ck_assert_ptr_nonnull(strstr(text, "modify link vmk1 state: down -> up"));
	ck_assert_ptr_nonnull(strstr(text, "create address 192.0.2.10/24 on vmk1"));
	ck_assert_ptr_nonnull(strstr(text, "create address 198.51.100.2/24 on up1"));
	free(text);
	/* a check writes nothing (it sends no netlink message either) */
	ck_assert(!vrdma_apply_plan_is_executed(plan));
	vrdma_apply_plan_unref(plan);
	ck_assert_int_eq(apply(ctx, cfg, NULL), 9);
	ck_assert_int_eq(check_live(ctx, cfg, NULL), 0);
	vrdma_config_unref(cfg);
	vrdma_ctx_unref(ctx);
	netns_teardown();
}
END_TEST

/* An address that existed on a soft uplink before is used but never removed. */
START_TEST(test_uplink_address_ownership)
{
	struct vrdma_ctx *ctx;
	struct vrdma_config *cfg, *empty;
	struct json_object *o;

	netns_setup();
	setenv("VRDMA_TEST_APPLY_SOFT_UPLINKS", "up1", 1);
	sh("ip addr add 2001:db8:2::2/64 dev up1");
	ctx = new_ctx();
	cfg = model(ctx, false);
	apply(ctx, cfg, NULL);
	ck_assert_int_eq(vrdma_config_new(ctx, &empty), 0);
	apply(ctx, empty, NULL);
	o = ip_dev("up1");
	ck_assert(has_addr(o, "2001:db8:2::2", 64));      /* the admin's */
	ck_assert(!has_addr(o, "198.51.100.2", 24));      /* ours: removed */
	json_object_put(o);
	vrdma_config_unref(empty);
	vrdma_config_unref(cfg);
	vrdma_ctx_unref(ctx);
	netns_teardown();
}
END_TEST

/* Per-vmk routing: drift, gateway and vmk removal, ownership. */
START_TEST(test_routes)
{
	struct vrdma_ctx *ctx;
	struct vrdma_config *cfg, *empty;
	struct vrdma_apply_plan *plan;
	struct vrdma_vmk *v;
	char *text, *foreign_before, *foreign_after;
	unsigned int sent = 1;

	netns_setup();
	setenv("VRDMA_TEST_APPLY_SOFT_UPLINKS", "up1", 1);
	sh("ip link set up1 up");
	/* an administrator's rule and table next to ours: never touched */
	sh("ip rule add from 203.0.113.5 lookup 7601 pref 7600");
	sh("ip route add 203.0.113.0/24 dev up0p table 100");
	foreign_before = capture("ip -j rule show from 203.0.113.5; ip -j route show table 100");
	ctx = new_ctx();
	cfg = model(ctx, false);
	ck_assert_int_eq(vrdma_config_find_vmk(cfg, "vmk1", &v), 0);
	ck_assert_int_eq(vrdma_vmk_set_gateway(v, "2001:db8::1"), 0);
	apply(ctx, cfg, NULL);
	ck_assert(ip_has("ip -j -6 route show table 7601", "dst=default",
	                 "gateway=2001:db8::1", "dev=vmk1", "protocol=118", NULL));
	/* vmk2 on the soft uplink: its table routes out of up1 itself */
	ck_assert(ip_has("ip -j route show table 7602", "dst=198.51.100.0/24", "dev=up1",
	                 "protocol=118", NULL));
	ck_assert(ip_has("ip -j -6 rule show", "src=2001:db8:2::2", "table=7602", NULL));
	apply(ctx, cfg, &sent);
	ck_assert_uint_eq(sent, 0);

	/* drift: someone deletes a rule and the default route */
	sh("ip rule del from 192.0.2.10 lookup 7601 pref 7601");
	sh("ip -6 route del default table 7601");
	ck_assert_int_eq(check_live(ctx, cfg, &plan), 2);
	ck_assert_int_eq(vrdma_apply_plan_format(plan, &text), 0);
	ck_assert_msg(strstr(text, "create rule from 192.0.2.10 lookup 7601 pref 7601") &&
	              strstr(text, "create route default via 2001:db8::1 dev vmk1 table 7601"),
	              "%s", text);
	free(text);
	vrdma_apply_plan_unref(plan);
	ck_assert_int_eq(apply(ctx, cfg, NULL), 2);
	ck_assert(ip_has("ip -j rule show", "src=192.0.2.10", "table=7601", "protocol=118", NULL));

	/* the IPv4 gateway goes: only its default route is deleted */
	ck_assert_int_eq(vrdma_vmk_clear_gateway(v, AF_INET), 0);
	ck_assert_int_eq(plan_live(ctx, cfg, &plan), 0);
	ck_assert_int_eq(vrdma_apply_plan_get_n_steps(plan), 1);
	ck_assert_str_eq(vrdma_apply_step_get_description(step(plan, 0)),
	                 "delete route default via 192.0.2.1 dev vmk1 table 7601");
	{
		const char *val = NULL;
		ck_assert_int_eq(vrdma_apply_step_get_old_value(step(plan, 0), &val), 0);
		ck_assert_str_eq(val, "default via 192.0.2.1 dev vmk1 table 7601");
		val = NULL;
		ck_assert_int_eq(vrdma_apply_step_get_new_value(step(plan, 0), &val), -ENOENT);
		ck_assert_ptr_null(val);
		ck_assert_msg(strstr(vrdma_ctx_get_error(ctx), "step 0") &&
		              strstr(vrdma_ctx_get_error(ctx), "no new value"), "%s",
		              vrdma_ctx_get_error(ctx));
	}
	ck_assert_int_eq(vrdma_apply_execute(plan), 0);
	vrdma_apply_plan_unref(plan);
	ck_assert(!ip_has("ip -j route show table 7601", "dst=default", NULL));
	ck_assert(ip_has("ip -j route show table 7601", "dst=192.0.2.0/24", NULL));

	/* a foreign route in a table a vmk needs: reported, not taken over */
	sh("ip route add 10.9.9.0/24 dev vmk1 table 7601");
	ck_assert_int_eq(plan_live(ctx, cfg, &plan), -EEXIST);
	ck_assert_msg(strstr(vrdma_ctx_get_error(ctx), "table 7601") &&
	              strstr(vrdma_ctx_get_error(ctx), "not made by libvrdma"), "%s",
	              vrdma_ctx_get_error(ctx));
	sh("ip route del 10.9.9.0/24 dev vmk1 table 7601");

	/* rule order: vmk1's IPv6 rules are [::10, ::110, ::210]; ::110 goes,
	 * so ::210 is re-created after it; a rollback restores the exact order */
	{
		char *rules_before, *rules_after;
		struct vrdma_apply_plan *p2;
		int n;
		ck_assert_int_eq(vrdma_vmk_add_ipv6(v, "2001:db8::210", 64), 0);
		apply(ctx, cfg, NULL);
		rules_before = capture("ip -j -6 rule show");
		ck_assert_int_eq(vrdma_vmk_remove_ipv6(v, "2001:db8::110"), 0);
		ck_assert_int_eq(plan_live(ctx, cfg, &p2), 0);
		ck_assert_int_eq(vrdma_apply_plan_format(p2, &text), 0);
		ck_assert_msg(strstr(text, "delete rule from 2001:db8::210 lookup 7601 pref 7601") &&
		              strstr(text, "create rule from 2001:db8::210 lookup 7601 pref 7601"),
		              "%s", text);
		free(text);
		n = vrdma_apply_plan_get_n_steps(p2);
		vrdma_apply_plan_unref(p2);
		for (int k = 1; k <= n; k++) {
			char num[16];
			snprintf(num, sizeof(num), "%d", k);
			setenv("VRDMA_TEST_APPLY_FAIL_STEP", num, 1);
			ck_assert_int_eq(plan_live(ctx, cfg, &p2), 0);
			ck_assert_int_eq(vrdma_apply_execute(p2), -EIO);
			vrdma_apply_plan_unref(p2);
			rules_after = capture("ip -j -6 rule show");
			ck_assert_msg(same_or_diff("rules", rules_before, rules_after),
			              "rule order differs after rollback from step %d", k);
			free(rules_after);
		}
		unsetenv("VRDMA_TEST_APPLY_FAIL_STEP");
		apply(ctx, cfg, NULL);
		ck_assert_int_eq(check_live(ctx, cfg, NULL), 0);
		free(rules_before);
	}

	/* everything goes: no table, no rule of ours is left; foreign ones stay */
	ck_assert_int_eq(vrdma_config_new(ctx, &empty), 0);
	apply(ctx, empty, NULL);
	ck_assert(!ip_has("ip -j rule show", "protocol=118", NULL));
	ck_assert(!ip_has("ip -j -6 rule show", "protocol=118", NULL));
	ck_assert_int_eq(n_routes("-4", 7601), 0);
	ck_assert_int_eq(n_routes("-6", 7601), 0);
	ck_assert_int_eq(n_routes("-4", 7602), 0);
	ck_assert_int_eq(n_routes("-6", 7602), 0);
	foreign_after = capture("ip -j rule show from 203.0.113.5; ip -j route show table 100");
	ck_assert_str_eq(foreign_before, foreign_after);
	ck_assert(ip_has("ip -j rule show", "src=203.0.113.5", "table=7601", NULL));

	free(foreign_before);
	free(foreign_after);
	vrdma_config_unref(empty);
	vrdma_config_unref(cfg);
	vrdma_ctx_unref(ctx);
	netns_teardown();
}
END_TEST
#endif /* VRDMA_TEST_HOOKS */

static double now_s(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

/*
 * Two processes apply the same configuration at once.  Serialised by the
 * apply lock, one makes every change and the other, planning after it,
 * finds nothing to do; both succeed.  (Unserialised, both would plan the
 * same creations and one would fail on an existing vmk1.)
 */
START_TEST(test_lock_two_processes)
{
	int go[2], res[2], i, status, steps[2] = { -1, -1 }, total = 0;
	pid_t pid[2];

	netns_setup();
	ck_assert_int_eq(pipe(go), 0);
	ck_assert_int_eq(pipe(res), 0);
	for (i = 0; i < 2; i++) {
		pid[i] = fork();
		ck_assert_int_ge(pid[i], 0);
		if (pid[i] == 0) {
			struct vrdma_ctx *ctx = new_ctx();
			struct vrdma_config *cfg = model(ctx, true);
			struct vrdma_apply_plan *plan = NULL;
			char c;
			int n = -1, r;

			close(go[1]);
			if (read(go[0], &c, 1) != 0) /* EOF: both start together */
				_exit(3);
			r = plan_live(ctx, cfg, &plan);
			if (r == 0) {
				n = vrdma_apply_plan_get_n_steps(plan);
				r = vrdma_apply_execute(plan);
			}
			if (r < 0)
				fprintf(stderr, "child %d: %d %s\n", i, r, vrdma_ctx_get_error(ctx));
			if (write(res[1], &n, sizeof(n)) != sizeof(n))
				_exit(4);
			_exit(r < 0 ? 1 : 0);
		}
	}
	close(go[0]);
	close(go[1]);
	close(res[1]);
	for (i = 0; i < 2; i++) {
		ck_assert_int_eq(waitpid(pid[i], &status, 0), pid[i]);
		ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		              "apply process %d failed (status %d)", i, status);
	}
	for (i = 0; i < 2; i++)
		ck_assert_int_eq(read(res[0], &steps[i], sizeof(steps[i])), sizeof(steps[i]));
	close(res[0]);
	for (i = 0; i < 2; i++)
		total += steps[i];
	ck_assert_msg((steps[0] == 0) != (steps[1] == 0) && total > 0,
	              "steps %d and %d: the applies were not serialised", steps[0], steps[1]);
	ck_assert(ip_has("ip -j rule show", "src=192.0.2.13", "table=7603", NULL));
	netns_teardown();
}
END_TEST

/* The lock as flock(1) sees it: an apply waits for an exclusive or a shared
 * holder, a drift check only for an exclusive one. */
START_TEST(test_lock_flock)
{
	struct vrdma_ctx *ctx;
	struct vrdma_config *cfg;
	struct vrdma_apply_plan *plan;
	struct vrdma_host *host;
	double t0, dt;

	netns_setup();
	ctx = new_ctx();
	cfg = model(ctx, false);
	/* exclusive holder (1.5 s): both plan and check wait */
	sh("flock -x %s/apply.lock -c 'touch %s/held; sleep 1.5' & "
	   "while [ ! -e %s/held ]; do sleep 0.05; done", state_dir, state_dir, state_dir);
	t0 = now_s();
	ck_assert_int_gt(check_live(ctx, cfg, NULL), 0);
	dt = now_s() - t0;
	ck_assert_msg(dt > 1.0, "check did not wait for the exclusive lock (%.2f s)", dt);
	sh("sleep 0.2; rm -f %s/held", state_dir);

	/* shared holder: a check goes through at once, a plan waits */
	sh("flock -s %s/apply.lock -c 'touch %s/held; sleep 1.5' & "
	   "while [ ! -e %s/held ]; do sleep 0.05; done", state_dir, state_dir, state_dir);
	t0 = now_s();
	ck_assert_int_gt(check_live(ctx, cfg, NULL), 0);
	dt = now_s() - t0;
	ck_assert_msg(dt < 0.9, "check waited for a shared lock (%.2f s)", dt);
	ck_assert_int_eq(plan_live(ctx, cfg, &plan), 0);
	dt = now_s() - t0;
	ck_assert_msg(dt > 1.0, "plan did not wait for the shared lock (%.2f s)", dt);
	/* while this plan holds the lock, flock(1) cannot take it */
	sh("! flock -n -s %s/apply.lock true", state_dir);
	ck_assert_int_eq(vrdma_apply_execute(plan), 0);
	/* released after execution, although the plan still lives */
	sh("flock -n -x %s/apply.lock true", state_dir);
	vrdma_apply_plan_unref(plan);

	/* a state directory that cannot be created: a clear error, no change */
	host = live_host(ctx);
	ck_assert_int_eq(vrdma_ctx_set_state_dir(ctx, "/dev/null/vrdma"), 0);
	ck_assert_int_eq(vrdma_apply_plan(ctx, cfg, host, &plan), -ENOTDIR);
	ck_assert_msg(strstr(vrdma_ctx_get_error(ctx), "cannot create state directory "
	                     "/dev/null/vrdma"), "%s", vrdma_ctx_get_error(ctx));
	ck_assert_int_eq(vrdma_apply_check(ctx, cfg, host, NULL), -ENOTDIR);
	vrdma_host_unref(host);
	vrdma_config_unref(cfg);
	vrdma_ctx_unref(ctx);
	netns_teardown();
}
END_TEST

START_TEST(test_no_net_admin)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	struct vrdma_ctx *ctx;
	struct vrdma_config *cfg;
	struct vrdma_apply_plan *plan;
	char *before, *after;

	netns_setup();
	before = dump_all();
	ctx = new_ctx();
	cfg = model(ctx, false);
	ck_assert_int_eq(plan_live(ctx, cfg, &plan), 0);
	ck_assert_int_gt(vrdma_apply_plan_get_n_steps(plan), 0);
	/* Drop CAP_NET_ADMIN from the effective set of this (forked) test. */
	ck_assert_int_eq(syscall(SYS_capget, &h, d), 0);
	d[CAP_TO_INDEX(CAP_NET_ADMIN)].effective &= ~CAP_TO_MASK(CAP_NET_ADMIN);
	ck_assert_int_eq(syscall(SYS_capset, &h, d), 0);
	n_sent = 0;
	ck_assert_int_eq(vrdma_apply_execute(plan), -EPERM);
	ck_assert_ptr_nonnull(strstr(vrdma_ctx_get_error(ctx), "CAP_NET_ADMIN"));
	ck_assert_uint_eq(n_sent, 0);
	ck_assert(!vrdma_apply_plan_is_executed(plan));
	after = dump_settled(before);
	ck_assert(same_or_diff("kernel error rollback", before, after));
	vrdma_apply_plan_unref(plan);
	free(before);
	free(after);
	vrdma_config_unref(cfg);
	vrdma_ctx_unref(ctx);
}
END_TEST

START_TEST(test_args)
{
	struct vrdma_ctx *ctx = new_ctx();
	struct vrdma_config *cfg;
	struct vrdma_apply_plan *plan = NULL;
	struct vrdma_apply_step *st = NULL;
	const char *v = NULL;
	char *text = NULL;

	ck_assert_int_eq(vrdma_config_new(ctx, &cfg), 0);
	ck_assert_int_eq(vrdma_apply_plan(NULL, NULL, NULL, &plan), -EINVAL);
	ck_assert_int_eq(plan_live(ctx, NULL, &plan), -EINVAL);
	ck_assert_msg(strstr(vrdma_ctx_get_error(ctx), "no configuration"), "%s",
	              vrdma_ctx_get_error(ctx));
	/* the host is required: nothing is discovered behind the caller's back */
	ck_assert_int_eq(vrdma_apply_plan(ctx, cfg, NULL, &plan), -EINVAL);
	ck_assert_msg(strstr(vrdma_ctx_get_error(ctx), "no host"), "%s",
	              vrdma_ctx_get_error(ctx));
	ck_assert_int_eq(vrdma_apply_check(ctx, cfg, NULL, NULL), -EINVAL);
	ck_assert_msg(strstr(vrdma_ctx_get_error(ctx), "no host"), "%s",
	              vrdma_ctx_get_error(ctx));
	ck_assert_ptr_null(plan);
	ck_assert_int_eq(vrdma_apply_execute(NULL), -EINVAL);
	ck_assert(!vrdma_apply_plan_is_executed(NULL));
	ck_assert_int_eq(vrdma_apply_plan_get_n_steps(NULL), -EINVAL);
	ck_assert_int_eq(vrdma_apply_plan_get_n_notes(NULL), -EINVAL);
	ck_assert_int_eq(vrdma_apply_plan_get_step(NULL, 0, &st), -EINVAL);
	ck_assert_int_eq(vrdma_apply_plan_get_note(NULL, 0, &v), -EINVAL);
	ck_assert_int_eq(vrdma_apply_plan_format(NULL, &text), -EINVAL);
	ck_assert_ptr_null(st);
	ck_assert_ptr_null(v);
	ck_assert_ptr_null(text);
	ck_assert_ptr_null(vrdma_apply_plan_unref(NULL));
	ck_assert_ptr_null(vrdma_apply_plan_get_ctx(NULL));
	ck_assert_int_eq(vrdma_apply_step_get_index(NULL), -EINVAL);
	ck_assert_int_eq(vrdma_apply_step_get_old_value(NULL, &v), -EINVAL);
	ck_assert_int_eq(vrdma_apply_step_get_new_value(NULL, &v), -EINVAL);
	ck_assert_ptr_null(vrdma_apply_step_get_description(NULL));
	vrdma_config_unref(cfg);
	ck_assert_str_eq(vrdma_apply_action_to_string(VRDMA_APPLY_DELETE), "delete");
	ck_assert_ptr_null(vrdma_apply_action_to_string(3));
	ck_assert_str_eq(vrdma_apply_strategy_to_string(VRDMA_APPLY_STRATEGY_VLAN), "vlan");
	ck_assert_str_eq(vrdma_apply_object_to_string(VRDMA_APPLY_OBJ_RULE), "rule");
	ck_assert_str_eq(vrdma_apply_object_to_string(VRDMA_APPLY_OBJ_ROUTE), "route");
	ck_assert_str_eq(vrdma_apply_object_to_string(VRDMA_APPLY_OBJ_SOFT_ADAPTER), "soft-adapter");
	ck_assert_str_eq(vrdma_apply_object_to_string(VRDMA_APPLY_OBJ_ROCE), "roce");
	ck_assert_ptr_null(vrdma_apply_object_to_string(VRDMA_APPLY_OBJ_ROCE + 1));
	ck_assert_ptr_null(vrdma_apply_object_to_string(-1));
	vrdma_ctx_unref(ctx);
}
END_TEST

static Suite *make_apply_suite(void)
{
	Suite *s = suite_create("apply-netns");
	TCase *tc = tcase_create("netns");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_args);
	tcase_add_loop_test(tc, test_idempotent, 0, 1);
	tcase_add_test(tc, test_rollback_kernel_error);
	tcase_add_test(tc, test_unmanaged_untouched);
	tcase_add_test(tc, test_name_clash);
	tcase_add_test(tc, test_lock_two_processes);
	tcase_add_test(tc, test_lock_flock);
	tcase_add_test(tc, test_no_net_admin);
	suite_add_tcase(s, tc);
#ifdef VRDMA_TEST_HOOKS
	/* the tests that need the library's fault hooks */
	tc = tcase_create("hooks");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_realise);
	tcase_add_loop_test(tc, test_idempotent, 1, 2);
	tcase_add_test(tc, test_rollback_every_step);
	tcase_add_test(tc, test_drift);
	tcase_add_test(tc, test_uplink_address_ownership);
	tcase_add_test(tc, test_routes);
	suite_add_tcase(s, tc);
#endif
	return s;
}

static Suite *make_suite_or_skip(void)
{
	const char *only = getenv("CK_RUN_CASE");

	if (geteuid() != 0 || unshare(0) != 0 || system("ip -V >/dev/null 2>&1") != 0) {
		fprintf(stderr, "apply netns suite: needs root and iproute2; skipped\n");
		exit(77);
	}
#ifndef VRDMA_TEST_HOOKS
	if (only && strcmp(only, "hooks") == 0) {
		fprintf(stderr, "apply netns suite, case hooks: the library was built "
		        "without -Dtest_hooks=true (no fault hooks); skipped\n");
		exit(77);
	}
	if (!only)
		fprintf(stderr, "apply netns suite: 6 tests need -Dtest_hooks=true (fault "
		        "hooks) and are not built in; the others run\n");
#else
	(void)only;
#endif
	return make_apply_suite();
}

VRDMA_TEST_MAIN(make_suite_or_skip)
