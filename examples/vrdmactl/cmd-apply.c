/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vrdmactl apply [--dry-run] [--check] [--wait SECONDS]: realise the configuration. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <net/if.h>

#include "vrdmactl.h"

/*
 * The netlink messages an execution sends are counted from the library's
 * log: one debug line "apply: netlink message N sent: ..." per message.
 * The log function counts those and prints the messages the user asked for
 * (VRDMA_LOG) as the library's default logger does, escaped (vctl_log_line).
 */
struct msg_count {
	int priority;           /* the user's log priority */
	unsigned int n;         /* netlink messages seen */
};

static void count_log(struct vrdma_ctx *ctx, int priority, const char *file, int line,
                      const char *fn, const char *format, va_list args)
	VRDMA_PRINTF(6, 0);
static void count_log(struct vrdma_ctx *ctx, int priority, const char *file, int line,
                      const char *fn, const char *format, va_list args)
{
	struct msg_count *c = NULL;
	void *data;

	(void)file;
	(void)line;
	if (vrdma_ctx_get_log_data(ctx, &data) == 0)
		c = data;
	if (c && strncmp(format, "apply: netlink message ", 23) == 0)
		c->n++;
	if (c && priority > c->priority)
		return;
	vctl_log_line(fn, format, args);
}

static int count_messages(struct vctl *v, struct msg_count *c)
{
	c->priority = vrdma_ctx_get_log_priority(v->ctx);
	c->n = 0;
	if (vrdma_ctx_set_log_fn(v->ctx, count_log, c) < 0 ||
	    vrdma_ctx_set_log_priority(v->ctx, LOG_DEBUG) < 0)
		return vctl_fail(v, -EINVAL, "cannot count netlink messages");
	return 0;
}

/* Stop counting before `c` goes out of scope (the context outlives it):
 * the same log function without data, at the user's priority again. */
static void uncount_messages(struct vctl *v, struct msg_count *c)
{
	/* the priority first: setting the log function logs at debug */
	vrdma_ctx_set_log_priority(v->ctx, c->priority);
	vrdma_ctx_set_log_fn(v->ctx, count_log, NULL);
}

static struct json_object *plan_json(struct vrdma_apply_plan *plan, const char *mode)
{
	struct json_object *o = json_object_new_object(), *steps, *notes;
	unsigned int i, n = (unsigned int)vrdma_apply_plan_get_n_steps(plan);

	json_object_object_add(o, "mode", json_object_new_string(mode));
	steps = json_object_new_array();
	for (i = 0; i < n; i++) {
		struct vrdma_apply_step *st;
		struct json_object *s;
		const char *old, *new;

		if (vrdma_apply_plan_get_step(plan, i, &st) < 0)
			break;
		s = json_object_new_object();
		if (vrdma_apply_step_get_old_value(st, &old) < 0)
			old = NULL; /* a create */
		if (vrdma_apply_step_get_new_value(st, &new) < 0)
			new = NULL; /* a delete */
		json_object_object_add(s, "step", json_object_new_int((int)i + 1));
		json_object_object_add(s, "action", json_object_new_string(
			vrdma_apply_action_to_string(vrdma_apply_step_get_action(st))));
		json_object_object_add(s, "object", json_object_new_string(
			vrdma_apply_object_to_string(vrdma_apply_step_get_object(st))));
		json_object_object_add(s, "ifname",
		                       json_object_new_string(vrdma_apply_step_get_ifname(st)));
		json_object_object_add(s, "attribute",
		                       json_object_new_string(vrdma_apply_step_get_attribute(st)));
		json_object_object_add(s, "old", old ? json_object_new_string(old) : NULL);
		json_object_object_add(s, "new", new ? json_object_new_string(new) : NULL);
		json_object_array_add(steps, s);
	}
	json_object_object_add(o, "steps", steps);
	notes = json_object_new_array();
	for (i = 0; i < (unsigned int)vrdma_apply_plan_get_n_notes(plan); i++) {
		const char *note;
		if (vrdma_apply_plan_get_note(plan, i, &note) == 0)
			json_object_array_add(notes, json_object_new_string(note));
	}
	json_object_object_add(o, "notes", notes);
	return o;
}

/*
 * --wait SECONDS: before planning, wait for every uplink the configuration's
 * switches name (a vSS uplink as given, vmnicN alias or netdev name; a vDS
 * slot's mapped device) to exist, resolved the way apply resolves it: an
 * uplink by name or alias, else a netdev by name; then, within the same
 * time, for each vmk's uplink to be administratively up.  Each poll is a
 * fresh discovery; the last one is the host the plan uses.
 */
#define WAIT_POLL_NS 200000000L  /* 200 ms between discoveries */
#define WAIT_MAX_SECONDS 3600

/* The netdev of a configured uplink device, resolved the way apply resolves
 * it: an uplink by name or alias, else a netdev by name; NULL when absent. */
static struct vrdma_netdev *device_netdev(struct vrdma_host *host, const char *dev)
{
	struct vrdma_uplink *u;
	struct vrdma_netdev *nd;

	if (vrdma_host_find_uplink(host, dev, &u) == 0)
		return vrdma_uplink_get_netdev(u);
	return vrdma_host_find_netdev(host, dev, &nd) == 0 ? nd : NULL;
}

static bool device_present(struct vrdma_host *host, const char *dev)
{
	return device_netdev(host, dev) != NULL;
}

/* The number of configured uplinks `host` lacks; with `v`, each is named
 * on stderr. */
/* Whether a switch of cfg names dev as one of its uplinks' devices. */
static bool switch_names_device(struct vrdma_config *cfg, const char *dev)
{
	unsigned int s, u;

	for (s = 0; s < (unsigned int)vrdma_config_get_n_switches(cfg); s++) {
		struct vrdma_switch *sw;
		if (vrdma_config_get_switch(cfg, s, &sw) < 0)
			continue;
		for (u = 0; u < (unsigned int)vrdma_switch_get_n_uplinks(sw); u++) {
			const char *name, *d;
			if (vrdma_switch_get_uplink(sw, u, &name) == 0 &&
			    vrdma_switch_get_uplink_device(sw, name, &d) == 0 && strcmp(d, dev) == 0)
				return true;
		}
	}
	return false;
}

static unsigned int missing_uplinks(struct vctl *v, struct vrdma_config *cfg,
                                    struct vrdma_host *host, long seconds)
{
	unsigned int s, u, missing = 0;

	for (s = 0; s < (unsigned int)vrdma_config_get_n_switches(cfg); s++) {
		struct vrdma_switch *sw;
		if (vrdma_config_get_switch(cfg, s, &sw) < 0)
			continue;
		for (u = 0; u < (unsigned int)vrdma_switch_get_n_uplinks(sw); u++) {
			const char *name, *dev;
			if (vrdma_switch_get_uplink(sw, u, &name) < 0 ||
			    vrdma_switch_get_uplink_device(sw, name, &dev) < 0)
				continue; /* an unmapped vDS slot names no device */
			if (device_present(host, dev))
				continue;
			missing++;
			if (v)
				vctl_fail(v, 0, "uplink '%s' (switch '%s') did not appear within %ld s",
				          dev, vrdma_switch_get_name(sw), seconds);
		}
	}
	/* a soft adapter's uplink, whether or not a switch names it */
	for (s = 0; s < (unsigned int)vrdma_config_get_n_soft_adapters(cfg); s++) {
		struct vrdma_soft_adapter *sa;
		const char *dev;
		if (vrdma_config_get_soft_adapter(cfg, s, &sa) < 0)
			continue;
		dev = vrdma_soft_adapter_get_uplink(sa);
		if (device_present(host, dev) || switch_names_device(cfg, dev))
			continue;
		missing++;
		if (v)
			vctl_fail(v, 0, "uplink '%s' (soft adapter %s) did not appear within %ld s", dev,
			          vrdma_soft_adapter_type_to_string(vrdma_soft_adapter_get_type(sa)),
			          seconds);
	}
	return missing;
}

/* The number of vmks whose uplink (the first active one of the port group's
 * effective policy: the one apply stacks the vmk on) is present but
 * administratively down: such a vmk carries no traffic, and when realised on
 * the uplink itself (a soft adapter's) gets no routes (they need an up
 * device; the plan says so).  With `v`, each is named on stderr as a
 * warning. */
static unsigned int down_uplinks(struct vctl *v, struct vrdma_config *cfg,
                                 struct vrdma_host *host, long seconds)
{
	unsigned int i, down = 0;

	for (i = 0; i < (unsigned int)vrdma_config_get_n_vmks(cfg); i++) {
		struct vrdma_vmk *vmk;
		struct vrdma_portgroup *pg;
		struct vrdma_netdev *nd;
		const char *name, *dev;

		if (vrdma_config_get_vmk(cfg, i, &vmk) < 0)
			continue;
		pg = vrdma_vmk_get_portgroup(vmk);
		if (vrdma_portgroup_get_failover_uplink(pg, VRDMA_UPLINK_ACTIVE, 0, &name) < 0 ||
		    vrdma_switch_get_uplink_device(vrdma_portgroup_get_switch(pg), name, &dev) < 0)
			continue;
		nd = device_netdev(host, dev);
		if (!nd || (vrdma_netdev_get_flags(nd) & IFF_UP))
			continue;
		down++;
		if (v)
			fprintf(stderr, "vrdmactl: warning: uplink '%s' of vmk '%s' is still down "
			        "after %ld s: applying anyway; the vmk carries no traffic until "
			        "it is up\n", vctl_str(v, dev),
			        vctl_str(v, vrdma_vmk_get_name(vmk)), seconds);
	}
	return down;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Discover until every configured uplink exists and those carrying a vmk
 * are up: 0 and the host, or an exit code (VCTL_EXIT_TIMEOUT when an uplink
 * never appeared).  An uplink that appeared but is still down when time
 * runs out is a warning only: it exists, the host's network configuration
 * brings it up (apply never does), and vrdmactl monitor --reapply completes
 * what needs it up. */
static int wait_uplinks(struct vctl *v, struct vrdma_config *cfg, long seconds,
                        unsigned int flags, struct vrdma_host **ret)
{
	const struct timespec poll = { 0, WAIT_POLL_NS };
	double deadline = now_s() + (double)seconds;

	for (;;) {
		struct vrdma_host *host;
		bool late = now_s() >= deadline;
		int rc = vctl_open_host(v, flags, &host);

		if (rc != VCTL_EXIT_OK)
			return rc;
		if (missing_uplinks(NULL, cfg, host, seconds) == 0 &&
		    (down_uplinks(NULL, cfg, host, seconds) == 0 || late)) {
			if (late)
				down_uplinks(v, cfg, host, seconds);
			*ret = host;
			return VCTL_EXIT_OK;
		}
		if (late) {
			missing_uplinks(v, cfg, host, seconds);
			vrdma_host_unref(host);
			return VCTL_EXIT_TIMEOUT;
		}
		vrdma_host_unref(host);
		nanosleep(&poll, NULL);
	}
}

static int parse_wait(struct vctl *v, const char *arg, long *ret)
{
	char *end;
	long n;

	if (!arg)
		return vctl_usage(v, "--wait needs SECONDS");
	errno = 0;
	n = strtol(arg, &end, 10);
	if (errno || end == arg || *end || n < 0 || n > WAIT_MAX_SECONDS)
		return vctl_usage(v, "--wait: '%s' is not a number of seconds (0-%d)",
		                  arg, WAIT_MAX_SECONDS);
	*ret = n;
	return VCTL_EXIT_OK;
}

static int cmd_apply(struct vctl *v, int argc, char **argv)
{
	struct vrdma_config *cfg = NULL;
	struct vrdma_host *host = NULL;
	struct vrdma_apply_plan *plan = NULL;
	struct msg_count sent = { 0, 0 };
	bool counting = false;
	const unsigned int flags = VRDMA_DISCOVER_READ_ONLY | VRDMA_DISCOVER_NO_GIDS;
	bool dry_run = false, check = false;
	long wait = -1;
	char *text = NULL;
	int i, r, rc = VCTL_EXIT_OK, n;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--dry-run") == 0 || strcmp(argv[i], "-n") == 0)
			dry_run = true;
		else if (strcmp(argv[i], "--check") == 0)
			check = true;
		else if (strcmp(argv[i], "--wait") == 0)
			rc = parse_wait(v, i + 1 < argc ? argv[++i] : NULL, &wait);
		else if (strncmp(argv[i], "--wait=", 7) == 0)
			rc = parse_wait(v, argv[i] + 7, &wait);
		else
			return vctl_usage(v, "unexpected argument '%s'", argv[i]);
		if (rc != VCTL_EXIT_OK)
			return rc;
	}
	if (dry_run && check)
		return vctl_usage(v, "--dry-run and --check exclude each other");
	if (wait >= 0 && v->host_file)
		return vctl_usage(v, "--wait waits for the live host: not with --host");

	r = vrdma_config_load(v->ctx, NULL, &cfg);
	if (r < 0)
		return vctl_fail(v, r, "cannot load configuration %s",
		                 vrdma_ctx_get_config_path(v->ctx));
	if (wait >= 0)
		rc = wait_uplinks(v, cfg, wait, flags, &host);
	else
		rc = vctl_open_host(v, flags, &host);
	if (rc != VCTL_EXIT_OK)
		goto out;
	/* --check reads under a shared apply lock; a plan to execute or show
	 * holds the exclusive one */
	if (check)
		r = vrdma_apply_check(v->ctx, cfg, host, &plan);
	else
		r = vrdma_apply_plan(v->ctx, cfg, host, &plan);
	if (r < 0) {
		rc = vctl_fail(v, r, "cannot plan");
		goto out;
	}
	n = vrdma_apply_plan_get_n_steps(plan);
	if (!dry_run && !check) {
		counting = true;
		rc = count_messages(v, &sent);
		if (rc != VCTL_EXIT_OK)
			goto out;
		r = vrdma_apply_execute(plan);
		if (r < 0) {
			rc = vctl_fail(v, r, "apply failed");
			goto out;
		}
	}
	if (v->json) {
		struct json_object *o = plan_json(plan, check ? "check" : dry_run ? "dry-run" : "apply");
		if (check)
			json_object_object_add(o, "drift", json_object_new_boolean(n > 0));
		if (!dry_run && !check) {
			json_object_object_add(o, "applied", json_object_new_boolean(true));
			json_object_object_add(o, "netlink_messages",
			                       json_object_new_int((int)sent.n));
		}
		vctl_print_json(o);
		json_object_put(o);
	} else {
		r = vrdma_apply_plan_format(plan, &text);
		if (r < 0) {
			rc = vctl_fail(v, r, "cannot format the plan");
			goto out;
		}
		if (check)
			printf("%s", n > 0 ? "drift: the kernel differs from the configuration:\n"
			                   : "in sync: the kernel matches the configuration\n");
		if (!check || n > 0)
			vctl_fputs(text, true, stdout);
		if (!dry_run && !check)
			printf("applied %d change(s) with %u netlink message(s)\n", n, sent.n);
	}
	if (check && n > 0)
		rc = VCTL_EXIT_PROBLEMS;
out:
	free(text);
	vrdma_apply_plan_unref(plan);
	if (counting)
		uncount_messages(v, &sent);
	vrdma_host_unref(host);
	vrdma_config_unref(cfg);
	return rc;
}

const struct vctl_cmd vctl_apply_cmds[] = {
	{ "apply", cmd_apply, "realise the configuration in the kernel (planned, transactional)",
	  "[--dry-run|--check] [--wait SECONDS]",
	  "Compares the configuration with the kernel's network devices, addresses and\n"
	  "per-vmk policy routes and rules (tables 7600+N) and executes the resulting\n"
	  "plan; concurrent applies are serialised by a lock in the state directory.\n"
	  "If a step fails, the completed steps are undone.  Applying twice changes\n"
	  "nothing the second time.\n"
	  "  --dry-run  print the plan, change nothing\n"
	  "  --check    report drift (differences) and exit 3 when there is any\n"
	  "  --wait SECONDS  first wait up to SECONDS (0-3600) for every uplink the\n"
	  "             configuration names to appear (boot, hotplug); exit 4 naming\n"
	  "             each one that did not; then, in the same time, for each vmk's\n"
	  "             uplink to be up (one still down is a warning, not a failure)\n"
	  "Needs CAP_NET_ADMIN to apply.  See vrdma(7), REALISATION." },
	{ NULL, NULL, NULL, NULL, NULL },
};
