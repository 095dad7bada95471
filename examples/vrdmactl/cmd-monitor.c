/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * vrdmactl monitor [-j] [--count N] [--timeout SECONDS] [--reapply [--interval SECONDS]]:
 * print the library monitor's events (vrdma_monitor(3)) one a line, JSON
 * lines with -j; with --reapply, keep the kernel converged with the
 * configuration: apply again (at most once per --interval) when an uplink,
 * adapter or vmk netdev comes or goes, a binding gets worse or a socket
 * overran.  A configuration that fails to load is never applied: the last
 * good one is kept and the failure reported.  Apply itself touches only what
 * it owns.  Public API only.
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "vrdmactl.h"

struct mon_opts {
	long count;      /* exit after this many events; -1: never */
	long timeout_ms; /* exit after this long; -1: never */
	bool reapply;
	long interval_ms;
};

struct reapply {
	struct vrdma_config *cfg; /* the last good configuration */
	bool pending;
	char trigger[160];        /* what asked for it (the first event) */
	long long last_ms;        /* the last apply; LLONG_MIN: never */
	long long start_ms;       /* when the monitor started (log times) */
	long interval_ms;
};

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static const char *ev_str(int (*get)(struct vrdma_monitor_event *, const char **),
                          struct vrdma_monitor_event *ev)
{
	const char *s = NULL;

	return get(ev, &s) == 0 ? s : NULL;
}

static const char *state_name(int type, int state)
{
	return type == VRDMA_MONITOR_PORT_STATE ? vrdma_port_state_to_string(state)
	                                        : vrdma_binding_state_to_string(state);
}

/* ---- printing ----------------------------------------------------------------- */

static void text_kv(struct vctl *v, const char *key, const char *val)
{
	if (val)
		printf(" %s=%s", key, vctl_str(v, val));
}

static void text_uint(const char *key, int (*get)(struct vrdma_monitor_event *, unsigned int *),
                      struct vrdma_monitor_event *ev, bool dash)
{
	unsigned int u;

	if (get(ev, &u) == 0)
		printf(" %s=%u", key, u);
	else if (dash)
		printf(" %s=-", key);
}

static void print_text(struct vctl *v, struct vrdma_monitor_event *ev)
{
	int type = vrdma_monitor_event_get_type(ev), st;
	struct vrdma_diag *d;

	printf("%s source=%s", vrdma_monitor_event_type_to_string(type),
	       vrdma_monitor_source_to_string(vrdma_monitor_event_get_source(ev)));
	text_kv(v, "adapter", ev_str(vrdma_monitor_event_get_adapter_name, ev));
	text_kv(v, "old-adapter", ev_str(vrdma_monitor_event_get_old_adapter_name, ev));
	text_uint("port", vrdma_monitor_event_get_port_number, ev, false);
	text_kv(v, "netdev", ev_str(vrdma_monitor_event_get_netdev_name, ev));
	text_kv(v, "vmk", ev_str(vrdma_monitor_event_get_vmk_name, ev));
	text_kv(v, "address", ev_str(vrdma_monitor_event_get_address, ev));
	if (type == VRDMA_MONITOR_GID_CHANGED) {
		text_uint("old-gid", vrdma_monitor_event_get_old_gid_index, ev, true);
		text_uint("new-gid", vrdma_monitor_event_get_new_gid_index, ev, true);
	}
	if (type == VRDMA_MONITOR_PORT_STATE || type == VRDMA_MONITOR_BINDING_STATE) {
		printf(" old=%s", vrdma_monitor_event_get_old_state(ev, &st) == 0
		                          ? state_name(type, st) : "-");
		if (vrdma_monitor_event_get_new_state(ev, &st) == 0)
			printf(" new=%s", state_name(type, st));
	}
	if (vrdma_monitor_event_get_diag(ev, &d) == 0) {
		printf(" finding=%s message=\"", vrdma_rule_get_code(vrdma_diag_get_rule(d)));
		vctl_fputs(vrdma_diag_get_message(d), false, stdout);
		putchar('"');
	}
	putchar('\n');
}

static void json_str(struct json_object *o, const char *key, const char *val)
{
	if (val)
		json_object_object_add(o, key, json_object_new_string(val));
}

static void json_uint(struct json_object *o, const char *key,
                      int (*get)(struct vrdma_monitor_event *, unsigned int *),
                      struct vrdma_monitor_event *ev, bool null)
{
	unsigned int u;

	if (get(ev, &u) == 0)
		json_object_object_add(o, key, json_object_new_int((int)u));
	else if (null)
		json_object_object_add(o, key, NULL);
}

static void json_state(struct json_object *o, const char *key, int type,
                       int (*get)(struct vrdma_monitor_event *, int *),
                       struct vrdma_monitor_event *ev)
{
	int st;

	json_object_object_add(o, key, get(ev, &st) == 0 ? vctl_jstr(state_name(type, st)) : NULL);
}

static void print_json(struct vrdma_monitor_event *ev)
{
	struct json_object *o = json_object_new_object();
	int type = vrdma_monitor_event_get_type(ev);
	struct vrdma_diag *d;

	json_str(o, "type", vrdma_monitor_event_type_to_string(type));
	json_str(o, "source", vrdma_monitor_source_to_string(vrdma_monitor_event_get_source(ev)));
	json_str(o, "adapter", ev_str(vrdma_monitor_event_get_adapter_name, ev));
	json_str(o, "old_adapter", ev_str(vrdma_monitor_event_get_old_adapter_name, ev));
	json_uint(o, "port", vrdma_monitor_event_get_port_number, ev, false);
	json_str(o, "netdev", ev_str(vrdma_monitor_event_get_netdev_name, ev));
	json_str(o, "vmk", ev_str(vrdma_monitor_event_get_vmk_name, ev));
	json_str(o, "address", ev_str(vrdma_monitor_event_get_address, ev));
	if (type == VRDMA_MONITOR_GID_CHANGED) {
		json_uint(o, "old_gid_index", vrdma_monitor_event_get_old_gid_index, ev, true);
		json_uint(o, "new_gid_index", vrdma_monitor_event_get_new_gid_index, ev, true);
	}
	if (type == VRDMA_MONITOR_PORT_STATE || type == VRDMA_MONITOR_BINDING_STATE) {
		json_state(o, "old_state", type, vrdma_monitor_event_get_old_state, ev);
		json_state(o, "new_state", type, vrdma_monitor_event_get_new_state, ev);
	}
	if (vrdma_monitor_event_get_diag(ev, &d) == 0) {
		struct json_object *f = json_object_new_object();
		json_str(f, "code", vrdma_rule_get_code(vrdma_diag_get_rule(d)));
		json_str(f, "message", vrdma_diag_get_message(d));
		json_object_object_add(o, "finding", f);
	}
	vctl_fputs_json(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
	                                                  JSON_C_TO_STRING_NOSLASHESCAPE),
	                stdout);
	putchar('\n');
	json_object_put(o);
}

/* ---- reapply -------------------------------------------------------------------- */

/* Does this event call for applying again?  Uplinks, adapters and vmk
 * netdevs that come or go, a binding that gets worse, lost messages; not
 * the vmk netdevs apply itself creates (an uplink that carries a vmk, as an
 * untagged vmk on a soft adapter does, is still an uplink). */
static bool wants_reapply(struct vrdma_monitor *mon, struct vrdma_monitor_event *ev)
{
	int type = vrdma_monitor_event_get_type(ev), o, n;
	struct vrdma_uplink *u;
	const char *vmk, *nd;

	switch (type) {
	case VRDMA_MONITOR_ADAPTER_ADDED:
	case VRDMA_MONITOR_ADAPTER_RENAMED:
	case VRDMA_MONITOR_NETDEV_DETACHED:
	case VRDMA_MONITOR_RESYNC:
		return true;
	case VRDMA_MONITOR_NETDEV_ATTACHED:
		return vrdma_monitor_event_get_vmk_name(ev, &vmk) < 0 ||
		       ((nd = ev_str(vrdma_monitor_event_get_netdev_name, ev)) &&
		        vrdma_host_find_uplink(vrdma_monitor_get_host(mon), nd, &u) == 0);
	case VRDMA_MONITOR_BINDING_STATE:
		return vrdma_monitor_event_get_old_state(ev, &o) == 0 &&
		       vrdma_monitor_event_get_new_state(ev, &n) == 0 && n < o;
	default:
		return false;
	}
}

/* The event's main object: the vmk of a binding change, the adapter of an
 * adapter's, the netdev of a netdev's. */
static const char *trigger_object(struct vrdma_monitor_event *ev)
{
	int type = vrdma_monitor_event_get_type(ev);
	const char *name = NULL;

	if (type == VRDMA_MONITOR_BINDING_STATE)
		name = ev_str(vrdma_monitor_event_get_vmk_name, ev);
	else if (type <= VRDMA_MONITOR_ADAPTER_RENAMED)
		name = ev_str(vrdma_monitor_event_get_adapter_name, ev);
	return name ? name : ev_str(vrdma_monitor_event_get_netdev_name, ev);
}

static void note_trigger(struct vctl *v, struct reapply *ra, struct vrdma_monitor_event *ev)
{
	const char *name = trigger_object(ev);

	if (ra->pending)
		return;
	snprintf(ra->trigger, sizeof(ra->trigger), "%s%s%s",
	         vrdma_monitor_event_type_to_string(vrdma_monitor_event_get_type(ev)),
	         name ? " " : "", name ? name : "");
	ra->pending = true;
	if (ra->last_ms != LLONG_MIN && now_ms() - ra->last_ms < ra->interval_ms)
		fprintf(stderr, "vrdmactl: monitor: reapply (trigger: %s) deferred %lld ms "
		        "(at most one apply per %ld s)\n", vctl_str(v, ra->trigger),
		        ra->last_ms + ra->interval_ms - now_ms(), ra->interval_ms / 1000);
}

/* Load the configuration again; keep the last good one when it fails. */
static void reload_config(struct vctl *v, struct vrdma_monitor *mon, struct reapply *ra)
{
	struct vrdma_config *cfg = NULL;
	int r = vrdma_config_load(v->ctx, NULL, &cfg);

	if (r < 0) {
		vctl_fail(v, r, "reapply: configuration %s fails to load; keeping the last good "
		          "one (generation %llu)", vrdma_ctx_get_config_path(v->ctx),
		          (unsigned long long)vrdma_config_get_generation(ra->cfg));
		return;
	}
	r = vrdma_monitor_set_config(mon, cfg);
	if (r < 0) {
		vctl_fail(v, r, "reapply: cannot watch the new configuration");
		vrdma_config_unref(cfg);
		return;
	}
	vrdma_config_unref(ra->cfg);
	ra->cfg = cfg;
}

static void do_reapply(struct vctl *v, struct vrdma_monitor *mon, struct reapply *ra)
{
	struct vrdma_host *host = NULL;
	struct vrdma_apply_plan *plan = NULL;
	int r;

	ra->pending = false;
	ra->last_ms = now_ms();
	reload_config(v, mon, ra);
	r = vrdma_host_discover(v->ctx, VRDMA_DISCOVER_READ_ONLY | VRDMA_DISCOVER_NO_GIDS, &host);
	if (r >= 0)
		r = vrdma_apply_plan(v->ctx, ra->cfg, host, &plan);
	if (r >= 0)
		r = vrdma_apply_execute(plan);
	if (r < 0)
		vctl_fail(v, r, "reapply at %.1f s (trigger: %s) failed",
		          (double)(ra->last_ms - ra->start_ms) / 1000, ra->trigger);
	else
		fprintf(stderr, "vrdmactl: monitor: reapply at %.1f s (trigger: %s): applied %d "
		        "change(s)\n", (double)(ra->last_ms - ra->start_ms) / 1000,
		        vctl_str(v, ra->trigger), vrdma_apply_plan_get_n_steps(plan));
	vrdma_apply_plan_unref(plan);
	vrdma_host_unref(host);
}

/* ---- the loop -------------------------------------------------------------------- */

/* Receive and print every queued event: -1 on failure (printed), else the
 * number printed (capped at *left when counting). */
static int drain(struct vctl *v, struct vrdma_monitor *mon, struct reapply *ra, long *left)
{
	struct vrdma_monitor_event *ev;
	int n = 0, r;

	while (*left != 0 && (r = vrdma_monitor_receive(mon, &ev)) == 0) {
		if (v->json)
			print_json(ev);
		else
			print_text(v, ev);
		if (ra && wants_reapply(mon, ev))
			note_trigger(v, ra, ev);
		if (*left > 0)
			(*left)--;
		n++;
	}
	fflush(stdout);
	if (*left != 0 && r != -EAGAIN) {
		vctl_fail(v, r, "cannot receive");
		return -1;
	}
	return n;
}

/* How long poll() may wait: the timeout left and a pending reapply's turn. */
static int poll_wait(const struct mon_opts *o, const struct reapply *ra, long long end)
{
	long long now = now_ms(), w = -1;

	if (o->timeout_ms >= 0)
		w = end > now ? end - now : 0;
	if (ra && ra->pending) {
		long long due = ra->last_ms == LLONG_MIN ? now : ra->last_ms + o->interval_ms;
		long long d = due > now ? due - now : 0;
		if (w < 0 || d < w)
			w = d;
	}
	return w > INT_MAX ? INT_MAX : (int)w;
}

static int run_loop(struct vctl *v, struct vrdma_monitor *mon, const struct mon_opts *o,
                    struct reapply *ra)
{
	long long end = o->timeout_ms >= 0 ? now_ms() + o->timeout_ms : 0;
	long left = o->count;
	struct pollfd pfd = { .fd = vrdma_monitor_get_fd(mon), .events = POLLIN };

	for (;;) {
		int w;
		if (drain(v, mon, ra, &left) < 0)
			return VCTL_EXIT_FAILURE;
		if (left == 0)
			return VCTL_EXIT_OK;
		if (ra && ra->pending &&
		    (ra->last_ms == LLONG_MIN || now_ms() - ra->last_ms >= o->interval_ms)) {
			do_reapply(v, mon, ra);
			continue;
		}
		if (o->timeout_ms >= 0 && now_ms() >= end)
			return VCTL_EXIT_OK;
		w = poll_wait(o, ra, end);
		if (poll(&pfd, 1, w) < 0 && errno != EINTR)
			return vctl_fail(v, -errno, "poll");
	}
}

static int parse_num(struct vctl *v, const char *opt, const char *arg, long max, long *ret)
{
	char *end;
	long n;

	if (!arg)
		return vctl_usage(v, "%s needs a number", opt);
	errno = 0;
	n = strtol(arg, &end, 10);
	if (errno || end == arg || *end || n < 0 || n > max)
		return vctl_usage(v, "%s: '%s' is not a number (0-%ld)", opt, arg, max);
	*ret = n;
	return VCTL_EXIT_OK;
}

static int parse_opts(struct vctl *v, int argc, char **argv, struct mon_opts *o)
{
	long n;
	int rc = VCTL_EXIT_OK;

	*o = (struct mon_opts){ -1, -1, false, 5000 };
	for (int i = 1; i < argc && rc == VCTL_EXIT_OK; i++) {
		const char *a = argv[i], *next = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(a, "--reapply") == 0) {
			o->reapply = true;
		} else if (strcmp(a, "--count") == 0) {
			rc = parse_num(v, a, next, 1000000000L, &o->count);
			i++;
		} else if (strcmp(a, "--timeout") == 0 || strcmp(a, "--interval") == 0) {
			rc = parse_num(v, a, next, 86400L, &n);
			i++;
			if (a[2] == 't')
				o->timeout_ms = n * 1000;
			else
				o->interval_ms = n * 1000;
		} else {
			return vctl_usage(v, "unexpected argument '%s'", a);
		}
	}
	if (rc == VCTL_EXIT_OK && o->count == 0)
		return vctl_usage(v, "--count: 0 events would end at once");
	return rc;
}

static int cmd_monitor(struct vctl *v, int argc, char **argv)
{
	struct mon_opts o;
	struct reapply ra = { NULL, false, "", LLONG_MIN, now_ms(), 0 };
	struct vrdma_config *cfg = NULL;
	struct vrdma_monitor *mon = NULL;
	int rc = parse_opts(v, argc, argv, &o), r;

	if (rc != VCTL_EXIT_OK)
		return rc;
	if (v->host_file)
		return vctl_usage(v, "monitor watches the live host: not with --host");
	if (o.reapply || v->config_file || access(vrdma_ctx_get_config_path(v->ctx), F_OK) == 0) {
		r = vrdma_config_load(v->ctx, NULL, &cfg);
		if (r < 0)
			return vctl_fail(v, r, "cannot load configuration %s",
			                 vrdma_ctx_get_config_path(v->ctx));
	}
	r = vrdma_monitor_new(v->ctx, cfg, &mon);
	if (r < 0) {
		vrdma_config_unref(cfg);
		return vctl_fail(v, r, "cannot start the monitor");
	}
	fprintf(stderr, "vrdmactl: monitor: watching %d adapter(s), %d uplink(s)%s%s\n",
	        vrdma_host_get_n_adapters(vrdma_monitor_get_host(mon)),
	        vrdma_host_get_n_uplinks(vrdma_monitor_get_host(mon)),
	        cfg ? ", the configuration's bindings" : "", o.reapply ? ", reapplying" : "");
	if (o.reapply) {
		ra.interval_ms = o.interval_ms;
		ra.cfg = cfg;
		cfg = NULL;
	}
	rc = run_loop(v, mon, &o, o.reapply ? &ra : NULL);
	vrdma_monitor_unref(mon);
	vrdma_config_unref(ra.cfg);
	vrdma_config_unref(cfg);
	return rc;
}

const struct vctl_cmd vctl_monitor_cmds[] = {
	{ "monitor", cmd_monitor,
	  "print adapter, netdev, port, GID and binding events as they happen",
	  "[--count N] [--timeout SECONDS] [--reapply [--interval SECONDS]]",
	  "One line per event of the library's monitor (vrdma_monitor(3)): adapters\n"
	  "added, removed or renamed, uplink, port and vmk netdevs attached or\n"
	  "detached, port state changes, GID index changes of the vmks' addresses,\n"
	  "binding state changes with the finding that caused them, and 'resync' when\n"
	  "the kernel dropped messages (the view is then rebuilt: no change is lost).\n"
	  "-j prints one JSON object a line.  With a configuration (--config, or the\n"
	  "default file when it exists) the vmks' bindings are watched.\n"
	  "  --count N          exit after N events\n"
	  "  --timeout SECONDS  exit after SECONDS\n"
	  "  --reapply          apply the configuration again when an uplink, adapter or\n"
	  "                     vmk netdev comes or goes or a binding gets worse; the\n"
	  "                     file is loaded again each time, and one that fails to\n"
	  "                     load is reported and never applied (the last good one is)\n"
	  "  --interval SECONDS at most one apply per SECONDS (default 5); a later\n"
	  "                     trigger waits for its turn, it is never dropped\n"
	  "Needs CAP_NET_ADMIN with --reapply.  Logs each apply on stderr." },
	{ NULL, NULL, NULL, NULL, NULL },
};
