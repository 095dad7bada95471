/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The monitor's API in a fresh network namespace (run by monitor-netns.sh,
 * inside unshare -n -m, with VRDMA_UPLINKS='eth*'): a veth added and deleted
 * gives NETDEV_ATTACHED/DETACHED from rtnetlink; an address added and
 * removed wakes the monitor and its view follows (checked against ip -j
 * addr) with no spurious event; set_config gives BINDING_STATE from
 * "config" with its finding; the event getters' -ENOENT/-EINVAL carry a
 * message naming the event; -EAGAIN when nothing happened.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vrdma/vrdma.h>

static int failed;

#define CHECK(cond, ...)                                                                 \
	do {                                                                             \
		if (!(cond)) {                                                           \
			fprintf(stderr, "FAIL line %d: %s: ", __LINE__, #cond);          \
			fprintf(stderr, __VA_ARGS__);                                    \
			fputc('\n', stderr);                                             \
			failed++;                                                        \
		}                                                                        \
	} while (0)

static void sh(const char *cmd)
{
	if (system(cmd) != 0) {
		fprintf(stderr, "FAIL: %s\n", cmd);
		exit(1);
	}
}

static bool wait_readable(struct vrdma_monitor *mon, int ms)
{
	struct pollfd p = { .fd = vrdma_monitor_get_fd(mon), .events = POLLIN };

	return poll(&p, 1, ms) == 1;
}

/* Every event until -EAGAIN (waiting up to 2 s for the first wake): how many
 * had `type` and netdev `netdev` (NULL: any), the others are counted in *other. */
static int collect(struct vrdma_monitor *mon, int type, const char *netdev, int *other)
{
	struct vrdma_monitor_event *ev;
	int n = 0, r;

	*other = 0;
	wait_readable(mon, 2000);
	/* a burst may come in several wakes: a short quiet period ends it */
	do {
		while ((r = vrdma_monitor_receive(mon, &ev)) == 0) {
			const char *nd = NULL;
			(void)vrdma_monitor_event_get_netdev_name(ev, &nd);
			printf("event %s source %s netdev %s\n",
			       vrdma_monitor_event_type_to_string(vrdma_monitor_event_get_type(ev)),
			       vrdma_monitor_source_to_string(vrdma_monitor_event_get_source(ev)),
			       nd ? nd : "-");
			if (vrdma_monitor_event_get_type(ev) == type &&
			    (!netdev || (nd && strcmp(nd, netdev) == 0)))
				n++;
			else
				(*other)++;
		}
		CHECK(r == -EAGAIN, "receive: %d (%s)", r,
		      vrdma_ctx_get_error(vrdma_monitor_get_ctx(mon)));
	} while (wait_readable(mon, 300));
	return n;
}

/* Does the monitor's view have `addr` on eth1, and does ip -j addr agree? */
static bool view_has_addr(struct vrdma_monitor *mon, const char *addr)
{
	struct vrdma_netdev *nd;
	struct vrdma_addr *a;
	int n;

	if (vrdma_host_find_netdev(vrdma_monitor_get_host(mon), "eth1", &nd) < 0)
		return false;
	n = vrdma_netdev_get_n_addrs(nd);
	for (int i = 0; i < n; i++)
		if (vrdma_netdev_get_addr(nd, (unsigned int)i, &a) == 0 &&
		    strcmp(vrdma_addr_get_string(a), addr) == 0)
			return true;
	return false;
}

static bool ip_has_addr(const char *addr)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "ip -j addr show dev eth1 | grep -q '\"local\":\"%s\"'", addr);
	return system(cmd) == 0;
}

static const char config_json[] =
	"{ \"schema\": \"vrdma-config/1\", \"generation\": 1,\n"
	"  \"switches\": [ { \"name\": \"vSwitch1\", \"type\": \"standard\", \"ifname\": \"vsw1\",\n"
	"    \"mtu\": 1500, \"uplinks\": [\"eth1\"],\n"
	"    \"failover\": { \"active\": [\"eth1\"], \"standby\": [] },\n"
	"    \"portgroups\": [ { \"name\": \"PG\", \"vlan\": 0 } ] } ],\n"
	"  \"vmks\": [ { \"name\": \"vmk1\", \"switch\": \"vSwitch1\", \"portgroup\": \"PG\",\n"
	"    \"mac\": \"02:12:34:56:78:9a\", \"mtu\": 1500, \"ipv4\": \"192.0.2.10/24\",\n"
	"    \"ipv6\": [], \"tags\": [] } ] }\n";

static void check_binding_event(struct vrdma_ctx *ctx, struct vrdma_monitor *mon)
{
	struct vrdma_monitor_event *ev = NULL;
	struct vrdma_diag *d;
	const char *s;
	unsigned int u;
	int st, r;

	r = vrdma_monitor_receive(mon, &ev);
	CHECK(r == 0, "receive after set_config: %d", r);
	if (r < 0)
		return;
	CHECK(vrdma_monitor_event_get_type(ev) == VRDMA_MONITOR_BINDING_STATE, "type %d",
	      vrdma_monitor_event_get_type(ev));
	CHECK(vrdma_monitor_event_get_source(ev) == VRDMA_MONITOR_SOURCE_CONFIG, "source %d",
	      vrdma_monitor_event_get_source(ev));
	CHECK(vrdma_monitor_event_get_monitor(ev) == mon, "event's monitor");
	CHECK(vrdma_monitor_event_get_vmk_name(ev, &s) == 0 && strcmp(s, "vmk1") == 0, "vmk");
	CHECK(vrdma_monitor_event_get_old_state(ev, &st) == -ENOENT, "old state of a new vmk");
	CHECK(strstr(vrdma_ctx_get_error(ctx), "binding-state") != NULL, "message '%s'",
	      vrdma_ctx_get_error(ctx));
	CHECK(vrdma_monitor_event_get_new_state(ev, &st) == 0 && st == VRDMA_BINDING_UNBOUND,
	      "new state");
	CHECK(vrdma_ctx_get_error(ctx)[0] == 0, "stale message '%s'", vrdma_ctx_get_error(ctx));
	CHECK(vrdma_monitor_event_get_diag(ev, &d) == 0 &&
	      vrdma_rule_get_severity(vrdma_diag_get_rule(d)) == VRDMA_SEVERITY_ERROR,
	      "the finding of an unbound binding is an error");
	CHECK(vrdma_monitor_event_get_address(ev, &s) == -ENOENT, "no address");
	CHECK(vrdma_monitor_event_get_old_gid_index(ev, &u) == -ENOENT, "no gid");
	CHECK(vrdma_monitor_event_get_port_number(ev, NULL) == -EINVAL, "NULL ret");
	CHECK(strstr(vrdma_ctx_get_error(ctx), "no place") != NULL, "message '%s'",
	      vrdma_ctx_get_error(ctx));
}

int main(void)
{
	struct vrdma_ctx *ctx;
	struct vrdma_monitor *mon;
	struct vrdma_monitor_event *ev;
	struct vrdma_config *cfg;
	struct vrdma_bindings *b;
	int other, n;

	if (vrdma_ctx_new(&ctx) < 0 || vrdma_monitor_new(ctx, NULL, &mon) < 0) {
		fprintf(stderr, "FAIL: monitor_new: %s\n", ctx ? vrdma_ctx_get_error(ctx) : "");
		return 1;
	}
	CHECK(vrdma_monitor_get_fd(mon) >= 0, "fd");
	CHECK(vrdma_monitor_receive(mon, &ev) == -EAGAIN, "nothing yet");
	CHECK(vrdma_monitor_receive(mon, NULL) == -EINVAL, "NULL ret");
	CHECK(vrdma_monitor_get_bindings(mon, &b) == -ENOENT, "no configuration");

	sh("ip link add eth1 type veth peer name peer1");
	n = collect(mon, VRDMA_MONITOR_NETDEV_ATTACHED, "eth1", &other);
	CHECK(n == 1 && other == 0, "veth added: %d attached, %d other", n, other);

	sh("ip addr add 198.51.100.7/24 dev eth1");
	n = collect(mon, -1, NULL, &other);
	CHECK(other == 0, "address added: %d events", other);
	CHECK(ip_has_addr("198.51.100.7") && view_has_addr(mon, "198.51.100.7"),
	      "the view has the added address");
	sh("ip addr del 198.51.100.7/24 dev eth1");
	n = collect(mon, -1, NULL, &other);
	CHECK(other == 0, "address removed: %d events", other);
	CHECK(!ip_has_addr("198.51.100.7") && !view_has_addr(mon, "198.51.100.7"),
	      "the view lost the removed address");

	CHECK(vrdma_config_parse(ctx, config_json, strlen(config_json), &cfg) == 0, "config: %s",
	      vrdma_ctx_get_error(ctx));
	CHECK(vrdma_monitor_set_config(mon, cfg) == 0, "set_config: %s", vrdma_ctx_get_error(ctx));
	check_binding_event(ctx, mon);
	CHECK(vrdma_monitor_receive(mon, &ev) == -EAGAIN, "one event for one vmk");
	CHECK(vrdma_monitor_get_bindings(mon, &b) == 0 && vrdma_bindings_get_n_bindings(b) == 1,
	      "bindings");

	sh("ip link del eth1");
	n = collect(mon, VRDMA_MONITOR_NETDEV_DETACHED, "eth1", &other);
	CHECK(n == 1, "veth deleted: %d detached", n);

	vrdma_config_unref(cfg);
	CHECK(vrdma_monitor_unref(vrdma_monitor_ref(mon)) == NULL, "unref with a reference left");
	CHECK(vrdma_monitor_unref(mon) == NULL, "unref");
	vrdma_ctx_unref(ctx);
	if (failed)
		fprintf(stderr, "%d check(s) failed\n", failed);
	return failed ? 1 : 0;
}
