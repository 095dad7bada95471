/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * apply: plan objects and their getters, transactional execution with
 * rollback, drift check, the capability check, the owned-address state file,
 * the apply lock and vrdma_apply_get_vmk_netdev().
 *
 * Test aids (documented in vrdma_apply(3)): VRDMA_TEST_APPLY_FAIL_STEP=k
 * makes step k fail as if the kernel refused it; VRDMA_TEST_APPLY_SOFT_UPLINKS
 * lists uplink netdevs to treat as paired with a soft RDMA adapter.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <linux/capability.h>

#include "internal.h"

/* ---- owned uplink addresses ------------------------------------------------- */

static void strv_free(char **v, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

int apply_owned_load(struct vrdma_apply_plan *plan)
{
	FILE *f;
	char line[256];

	f = fopen(plan->owned_path, "re");
	if (!f) {
		if (errno == ENOENT)
			return 0;
		return vrdma_error(plan->ctx, -errno, "apply: cannot read %s: %s",
		                   plan->owned_path, strerror(errno));
	}
	while (fgets(line, sizeof(line), f)) {
		char **n;
		line[strcspn(line, "\n")] = '\0';
		if (!line[0] || line[0] == '#')
			continue;
		n = realloc(plan->owned, sizeof(*n) * (plan->n_owned + 1));
		if (!n || !(n[plan->n_owned] = strdup(line))) {
			if (n)
				plan->owned = n;
			fclose(f);
			return -ENOMEM;
		}
		plan->owned = n;
		plan->n_owned++;
	}
	fclose(f);
	return 0;
}

bool apply_owned_contains(struct vrdma_apply_plan *plan, const char *ifname,
                          const struct apply_addr *a)
{
	char key[IFNAMSIZ + INET6_ADDRSTRLEN + 8];
	unsigned int i;

	snprintf(key, sizeof(key), "%s %s/%u", ifname, a->text, a->prefix);
	for (i = 0; i < plan->n_owned; i++)
		if (strcmp(plan->owned[i], key) == 0)
			return true;
	return false;
}

static int owned_save(struct vrdma_apply_plan *plan, const char **reason)
{
	char *text = NULL;
	size_t len = 0;
	unsigned int i;
	FILE *f = NULL;
	int r;

	r = vrdma_mkdir_p(vrdma_ctx_get_state_dir(plan->ctx), 0755);
	if (r == 0) {
		f = open_memstream(&text, &len);
		if (!f)
			r = -ENOMEM;
	}
	if (r == 0) {
		fprintf(f, "# uplink addresses added by libvrdma apply (ifname address/prefix)\n");
		for (i = 0; i < plan->n_owned_after; i++)
			fprintf(f, "%s\n", plan->owned_after[i]);
		if (fclose(f) != 0)
			r = -ENOMEM;
	}
	if (r == 0)
		r = vrdma_write_file_atomic(plan->ctx, NULL, plan->owned_path, text, len, 0666, 0);
	free(text);
	if (r < 0)
		*reason = strerror(-r);
	return r;
}

/* ---- the apply lock ------------------------------------------------------------ */

/*
 * flock(2) on <state dir>/apply.lock: exclusive from planning to the end of
 * execution (or the plan's release), shared for a drift check, so two
 * applies never interleave and a check never reads a half-applied kernel.
 * Waits up to APPLY_LOCK_TIMEOUT_MS.  Returns the locked fd.
 */
static int apply_lock(struct vrdma_ctx *ctx, bool exclusive)
{
	const char *dir = vrdma_ctx_get_state_dir(ctx);
	struct timespec pause = { 0, 20 * 1000 * 1000 };
	char path[4096];
	int fd, waited = 0, e;

	if (!dir || !dir[0])
		return vrdma_error(ctx, -EINVAL, "apply: no state directory set");
	e = vrdma_mkdir_p(dir, 0755);
	if (e < 0)
		return vrdma_error(ctx, e, "apply: cannot create state directory %s: %s "
		                   "(it holds the apply lock; set VRDMA_STATE_DIR or "
		                   "vrdma_ctx_set_state_dir())", dir, strerror(-e));
	snprintf(path, sizeof(path), "%s/%s", dir, APPLY_LOCK_FILE);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0 && (errno == EACCES || errno == EROFS || errno == EPERM))
		fd = open(path, O_RDONLY | O_CLOEXEC); /* flock works on it too */
	if (fd < 0) {
		e = errno;
		return vrdma_error(ctx, -e, "apply: cannot open lock file %s: %s", path,
		                   strerror(e));
	}
	for (;;) {
		if (flock(fd, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) == 0)
			break;
		e = errno;
		if (e != EWOULDBLOCK && e != EINTR) {
			close(fd);
			return vrdma_error(ctx, -e, "apply: cannot lock %s: %s", path,
			                   strerror(e));
		}
		if (waited >= APPLY_LOCK_TIMEOUT_MS) {
			close(fd);
			return vrdma_error(ctx, -EBUSY, "apply: %s is still locked by another "
			                   "apply after %d s (a plan holds the lock until it "
			                   "is executed or released)", path,
			                   APPLY_LOCK_TIMEOUT_MS / 1000);
		}
		if (waited == 0)
			info(ctx, "apply: waiting for %s (another apply is running)", path);
		nanosleep(&pause, NULL);
		waited += 20;
	}
	dbg(ctx, "apply: %s lock on %s taken", exclusive ? "exclusive" : "shared", path);
	return fd;
}

static void apply_unlock(int *fd)
{
	if (*fd >= 0)
		close(*fd); /* releases the flock */
	*fd = -1;
}

/* ---- plan objects ---------------------------------------------------------- */

static const char *const action_names[] = { "create", "modify", "delete" };
static const char *const strategy_names[] = { "macvlan", "vlan+macvlan", "vlan", "uplink" };
static const char *const object_names[] = { "link", "address", "route", "rule" };

VRDMA_EXPORT const char *vrdma_apply_object_to_string(int object)
{
	return object >= 0 && (size_t)object < ARRAY_SIZE(object_names) ?
	       object_names[object] : NULL;
}

VRDMA_EXPORT const char *vrdma_apply_action_to_string(int action)
{
	return action >= 0 && (size_t)action < ARRAY_SIZE(action_names) ?
	       action_names[action] : NULL;
}

VRDMA_EXPORT const char *vrdma_apply_strategy_to_string(int strategy)
{
	return strategy >= 0 && (size_t)strategy < ARRAY_SIZE(strategy_names) ?
	       strategy_names[strategy] : NULL;
}

static void plan_free(struct vrdma_apply_plan *plan)
{
	unsigned int i;

	for (i = 0; i < plan->n_steps; i++) {
		free(plan->steps[i].old_value);
		free(plan->steps[i].new_value);
		free(plan->steps[i].description);
	}
	free(plan->steps);
	strv_free(plan->notes, plan->n_notes);
	strv_free(plan->owned, plan->n_owned);
	strv_free(plan->owned_after, plan->n_owned_after);
	free(plan->owned_path);
	apply_unlock(&plan->lock_fd);
	vrdma_ctx_unref(plan->ctx);
	free(plan);
}

static int discover(struct vrdma_ctx *ctx, struct vrdma_host **host)
{
	int r = vrdma_host_discover(ctx, VRDMA_DISCOVER_READ_ONLY | VRDMA_DISCOVER_NO_GIDS,
	                            host);
	if (r < 0 && !vrdma_ctx_get_error(ctx)[0])
		return vrdma_error(ctx, r, "apply: host discovery failed: %s", strerror(-r));
	return r;
}

/* Plan under the lock: exclusive (kept by the plan) or shared (dropped). */
static int plan_locked(struct vrdma_ctx *ctx, struct vrdma_config *cfg,
                       struct vrdma_host *host, bool exclusive,
                       struct vrdma_apply_plan **ret)
{
	struct vrdma_host *own = NULL;
	struct vrdma_apply_plan *plan;
	int r, fd;

	if (!ctx || !cfg || !ret)
		return -EINVAL;
	*ret = NULL;
	vrdma_error_clear(ctx);
	fd = apply_lock(ctx, exclusive);
	if (fd < 0)
		return fd;
	if (!host) {
		r = discover(ctx, &own);
		if (r < 0) {
			apply_unlock(&fd);
			return r;
		}
		host = own;
	}
	plan = calloc(1, sizeof(*plan));
	if (!plan) {
		vrdma_host_unref(own);
		apply_unlock(&fd);
		return -ENOMEM;
	}
	plan->refcount = 1;
	plan->lock_fd = fd;
	plan->ctx = vrdma_ctx_ref(ctx);
	if (asprintf(&plan->owned_path, "%s/%s", vrdma_ctx_get_state_dir(ctx),
	             APPLY_OWNED_FILE) < 0) {
		plan->owned_path = NULL;
		r = -ENOMEM;
	} else {
		r = apply_plan_build(ctx, cfg, host, plan);
	}
	vrdma_host_unref(own);
	if (!exclusive)
		apply_unlock(&plan->lock_fd);
	if (r < 0) {
		plan_free(plan);
		return r;
	}
	dbg(ctx, "apply plan: %u steps, %u notes", plan->n_steps, plan->n_notes);
	*ret = plan;
	return 0;
}

VRDMA_EXPORT int vrdma_apply_plan(struct vrdma_ctx *ctx, struct vrdma_config *cfg,
                                  struct vrdma_host *host,
                                  struct vrdma_apply_plan **ret)
{
	return plan_locked(ctx, cfg, host, true, ret);
}

VRDMA_EXPORT struct vrdma_apply_plan *vrdma_apply_plan_ref(struct vrdma_apply_plan *plan)
{
	if (plan)
		plan->refcount++;
	return plan;
}

VRDMA_EXPORT struct vrdma_apply_plan *vrdma_apply_plan_unref(struct vrdma_apply_plan *plan)
{
	if (plan && --plan->refcount == 0)
		plan_free(plan);
	return NULL;
}

VRDMA_EXPORT struct vrdma_ctx *vrdma_apply_plan_get_ctx(struct vrdma_apply_plan *plan)
{
	return plan ? plan->ctx : NULL;
}

VRDMA_EXPORT int vrdma_apply_plan_get_n_steps(struct vrdma_apply_plan *plan)
{
	return plan ? (int)plan->n_steps : -EINVAL;
}

VRDMA_EXPORT struct vrdma_apply_step *vrdma_apply_plan_get_step(struct vrdma_apply_plan *plan,
                                                                int number)
{
	if (!plan || number < 1 || (unsigned int)number > plan->n_steps)
		return NULL;
	return &plan->steps[number - 1];
}

VRDMA_EXPORT int vrdma_apply_plan_get_n_notes(struct vrdma_apply_plan *plan)
{
	return plan ? (int)plan->n_notes : -EINVAL;
}

VRDMA_EXPORT const char *vrdma_apply_plan_get_note(struct vrdma_apply_plan *plan, int i)
{
	if (!plan || i < 0 || (unsigned int)i >= plan->n_notes)
		return NULL;
	return plan->notes[i];
}

VRDMA_EXPORT int vrdma_apply_plan_to_string(struct vrdma_apply_plan *plan, char **ret)
{
	char *buf = NULL;
	size_t len = 0;
	unsigned int i;
	FILE *f;

	if (!plan || !ret)
		return -EINVAL;
	f = open_memstream(&buf, &len);
	if (!f)
		return -ENOMEM;
	if (plan->n_steps == 0)
		fprintf(f, "no changes\n");
	for (i = 0; i < plan->n_steps; i++)
		fprintf(f, "%3d. %s\n", plan->steps[i].number, plan->steps[i].description);
	for (i = 0; i < plan->n_notes; i++)
		fprintf(f, "note: %s\n", plan->notes[i]);
	if (fclose(f) != 0) {
		free(buf);
		return -ENOMEM;
	}
	*ret = buf;
	return 0;
}

VRDMA_EXPORT int vrdma_apply_plan_get_n_writes(struct vrdma_apply_plan *plan)
{
	return plan ? plan->n_writes : -EINVAL;
}

VRDMA_EXPORT int vrdma_apply_plan_get_result(struct vrdma_apply_plan *plan)
{
	return plan ? plan->result : -EINVAL;
}

/* ---- steps --------------------------------------------------------------------- */

VRDMA_EXPORT int vrdma_apply_step_get_number(struct vrdma_apply_step *step)
{
	return step ? step->number : -EINVAL;
}

VRDMA_EXPORT int vrdma_apply_step_get_action(struct vrdma_apply_step *step)
{
	return step ? (int)step->action : -EINVAL;
}

VRDMA_EXPORT int vrdma_apply_step_get_object(struct vrdma_apply_step *step)
{
	return step ? (int)step->object : -EINVAL;
}

VRDMA_EXPORT const char *vrdma_apply_step_get_ifname(struct vrdma_apply_step *step)
{
	return step ? step->ifname : NULL;
}

VRDMA_EXPORT const char *vrdma_apply_step_get_attribute(struct vrdma_apply_step *step)
{
	return step ? step->attribute : NULL;
}

VRDMA_EXPORT const char *vrdma_apply_step_get_old_value(struct vrdma_apply_step *step)
{
	return step ? step->old_value : NULL;
}

VRDMA_EXPORT const char *vrdma_apply_step_get_new_value(struct vrdma_apply_step *step)
{
	return step ? step->new_value : NULL;
}

VRDMA_EXPORT const char *vrdma_apply_step_get_description(struct vrdma_apply_step *step)
{
	return step ? step->description : NULL;
}

/* ---- execution ------------------------------------------------------------------ */

static bool have_net_admin(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];

	memset(d, 0, sizeof(d));
	if (syscall(SYS_capget, &h, d) < 0)
		return true; /* cannot tell: let the kernel decide */
	return (d[CAP_TO_INDEX(CAP_NET_ADMIN)].effective & CAP_TO_MASK(CAP_NET_ADMIN)) != 0;
}

static int fail_step_from_env(void)
{
	const char *e = secure_getenv("VRDMA_TEST_APPLY_FAIL_STEP");
	char *end;
	long v;

	if (!e || !e[0])
		return 0;
	v = strtol(e, &end, 10);
	return *end == '\0' && v > 0 && v < 1000000 ? (int)v : 0;
}

VRDMA_EXPORT int vrdma_apply_execute(struct vrdma_apply_plan *plan)
{
	struct vrdma_ctx *ctx;
	struct apply_nl *nl = NULL;
	const char *reason = "";
	char undo_msg[512] = "";
	int r = 0, fail_at, i, failed = -1, rolled = 0;

	if (!plan)
		return -EINVAL;
	ctx = plan->ctx;
	vrdma_error_clear(ctx);
	if (plan->result != 0)
		return vrdma_error(ctx, -EALREADY, "apply: this plan was already executed");
	if (plan->n_steps == 0 && !plan->owned_changed) {
		plan->result = 1;
		apply_unlock(&plan->lock_fd);
		return 0;
	}
	if (!have_net_admin()) {
		apply_unlock(&plan->lock_fd);
		return vrdma_error(ctx, -EPERM, "apply: CAP_NET_ADMIN is needed to change "
		                   "network devices (run as root); nothing was changed");
	}
	/* A plan from vrdma_apply_check() (or one whose lock was dropped)
	 * takes the exclusive lock now. */
	if (plan->lock_fd < 0) {
		r = apply_lock(ctx, true);
		if (r < 0)
			return r;
		plan->lock_fd = r;
	}
	fail_at = fail_step_from_env();
	r = apply_nl_open(ctx, &nl);
	if (r < 0) {
		plan->result = r;
		apply_unlock(&plan->lock_fd);
		return r;
	}
	for (i = 0; i < (int)plan->n_steps; i++) {
		struct vrdma_apply_step *st = &plan->steps[i];
		if (st->number == fail_at) {
			r = -EIO;
			reason = "injected failure (VRDMA_TEST_APPLY_FAIL_STEP)";
		} else {
			r = apply_nl_step(nl, st, false, &reason);
		}
		if (r < 0) {
			failed = i;
			break;
		}
		dbg(ctx, "apply: step %d done: %s", st->number, st->description);
	}
	if (failed < 0 && plan->owned_changed) {
		r = owned_save(plan, &reason);
		if (r < 0)
			failed = (int)plan->n_steps;
	}
	if (failed >= 0) {
		for (i = failed - 1; i >= 0; i--) {
			const char *why = "";
			int u = apply_nl_step(nl, &plan->steps[i], true, &why);
			if (u < 0 && !undo_msg[0])
				snprintf(undo_msg, sizeof(undo_msg),
				         "; ROLLBACK INCOMPLETE: undoing step %d (%s) failed: %s",
				         plan->steps[i].number, plan->steps[i].description, why);
			else if (u >= 0)
				rolled++;
		}
	}
	plan->n_writes = apply_nl_get_writes(nl);
	apply_nl_close(nl);
	apply_unlock(&plan->lock_fd);
	if (failed < 0) {
		plan->result = 1;
		info(ctx, "apply: %u steps done, %d netlink messages", plan->n_steps,
		     plan->n_writes);
		return 0;
	}
	plan->result = r;
	if (failed == (int)plan->n_steps)
		return vrdma_error(ctx, r, "apply: cannot record owned addresses in %s: %s; "
		                   "rolled back %d step(s)%s", plan->owned_path, reason,
		                   rolled, undo_msg);
	return vrdma_error(ctx, r, "apply: step %d/%u (%s) failed: %s (%s); rolled back "
	                   "%d completed step(s)%s", plan->steps[failed].number,
	                   plan->n_steps, plan->steps[failed].description, reason,
	                   strerror(-r), rolled, undo_msg);
}

VRDMA_EXPORT int vrdma_apply_check(struct vrdma_ctx *ctx, struct vrdma_config *cfg,
                                   struct vrdma_host *host,
                                   struct vrdma_apply_plan **ret)
{
	struct vrdma_apply_plan *plan = NULL;
	int r;

	if (ret)
		*ret = NULL;
	r = plan_locked(ctx, cfg, host, false, &plan);
	if (r < 0)
		return r;
	r = (int)plan->n_steps;
	if (ret)
		*ret = plan;
	else
		vrdma_apply_plan_unref(plan);
	return r;
}

VRDMA_EXPORT int vrdma_apply_get_vmk_netdev(struct vrdma_vmk *vmk, struct vrdma_host *host,
                                            char **netdev, char **uplink, int *strategy)
{
	struct vrdma_config *cfg;
	struct vrdma_ctx *ctx;
	struct vrdma_host *own = NULL;
	struct apply_vmk_real real;
	char *nd = NULL, *up = NULL;
	int r;

	if (!vmk || !(cfg = vrdma_vmk_get_config(vmk)) || !(ctx = vrdma_config_get_ctx(cfg)))
		return -EINVAL;
	vrdma_error_clear(ctx);
	if (!host) {
		r = discover(ctx, &own);
		if (r < 0)
			return r;
		host = own;
	}
	r = apply_resolve_vmk(ctx, host, vmk, &real, NULL);
	vrdma_host_unref(own);
	if (r < 0)
		return r;
	if ((netdev && !(nd = strdup(real.netdev))) || (uplink && !(up = strdup(real.uplink)))) {
		free(nd);
		return -ENOMEM;
	}
	if (netdev)
		*netdev = nd;
	if (uplink)
		*uplink = up;
	if (strategy)
		*strategy = real.strategy;
	return 0;
}
