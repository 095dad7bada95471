/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * apply: the public entry points: plan objects and their getters,
 * transactional execution with rollback, the drift check, the capability
 * check, saving the owned-address state file and the apply lock.
 *
 * Test hooks (built only with -Dtest_hooks=true, see vrdma_apply(3)):
 * VRDMA_TEST_APPLY_FAIL_STEP=k makes step k (counted from 1, as the plan's
 * text shows) fail as if the kernel refused it;
 * VRDMA_TEST_APPLY_KILL_AFTER_MSG=n (apply-nl.c) kills the process after
 * the nth netlink message.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/capability.h>

#include "apply-private.h"

/* ---- owned uplink addresses ------------------------------------------------- */

static void strv_free(char **v, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static bool strv_has(char **v, unsigned int n, const char *s)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i], s) == 0)
			return true;
	return false;
}

/*
 * Write the state file: the other namespaces' lines as read, then this
 * namespace's records a, then those of b not in a (apply-plan.c describes
 * the format).
 */
static int owned_save(struct vrdma_apply_plan *plan, char **a, unsigned int na,
                      char **b, unsigned int nb, const char **reason)
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
		fprintf(f, "# uplink addresses added by libvrdma apply "
		        "(netns ifname address/prefix)\n");
		for (i = 0; i < plan->n_foreign; i++)
			fprintf(f, "%s\n", plan->foreign[i]);
		for (i = 0; i < na; i++)
			fprintf(f, "%s %s\n", plan->netns_id, a[i]);
		for (i = 0; i < nb; i++)
			if (!strv_has(a, na, b[i]))
				fprintf(f, "%s %s\n", plan->netns_id, b[i]);
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

/* Does the plan add an uplink address that the state file must own? */
static bool plan_adds_owned(const struct vrdma_apply_plan *plan)
{
	unsigned int i;

	for (i = 0; i < plan->n_steps; i++)
		if (plan->steps[i].op == APPLY_OP_ADDR_ADD && plan->steps[i].owned_uplink_addr)
			return true;
	return false;
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
	char path[4096], msg[1024];
	int fd, r;

	if (!dir || !dir[0])
		return vrdma_error(ctx, -EINVAL, "apply: no state directory set");
	r = vrdma_mkdir_p(dir, 0755);
	if (r < 0)
		return vrdma_error(ctx, r, "apply: cannot create state directory %s: %s "
		                   "(it holds the apply lock; set VRDMA_STATE_DIR or "
		                   "vrdma_ctx_set_state_dir())", dir, strerror(-r));
	snprintf(path, sizeof(path), "%s/%s", dir, APPLY_LOCK_FILE);
	r = vrdma_lock_acquire(ctx, path, exclusive ? LOCK_EX : LOCK_SH,
	                       APPLY_LOCK_TIMEOUT_MS, &fd);
	if (r == -EBUSY) {
		snprintf(msg, sizeof(msg), "%s", vrdma_ctx_get_error(ctx));
		return vrdma_error(ctx, r, "apply: %s (another apply holds it: a plan "
		                   "holds the lock until it is executed or released)", msg);
	}
	return r < 0 ? r : fd;
}

static void apply_unlock(int *fd)
{
	vrdma_lock_release(*fd);
	*fd = -1;
}

/* ---- plan objects ---------------------------------------------------------- */

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
	strv_free(plan->foreign, plan->n_foreign);
	strv_free(plan->owned, plan->n_owned);
	strv_free(plan->owned_after, plan->n_owned_after);
	free(plan->owned_path);
	apply_unlock(&plan->lock_fd);
	vrdma_ctx_unref(plan->ctx);
	free(plan);
}

/* Plan under the lock: exclusive (kept by the plan) or shared (dropped). */
static int plan_locked(struct vrdma_ctx *ctx, struct vrdma_config *cfg,
                       struct vrdma_host *host, bool exclusive,
                       struct vrdma_apply_plan **ret)
{
	struct vrdma_apply_plan *plan;
	int r, fd;

	if (!cfg)
		return vrdma_error(ctx, -EINVAL, "apply: no configuration given");
	if (!host)
		return vrdma_error(ctx, -EINVAL, "apply: no host given (discover or load "
		                   "one: vrdma_host_discover(), vrdma_host_load())");
	fd = apply_lock(ctx, exclusive);
	if (fd < 0)
		return fd;
	plan = calloc(1, sizeof(*plan));
	if (!plan) {
		apply_unlock(&fd);
		return vrdma_error(ctx, -ENOMEM, "apply: out of memory");
	}
	plan->refcount = 1;
	plan->lock_fd = fd;
	plan->ctx = vrdma_ctx_ref(ctx);
	if (asprintf(&plan->owned_path, "%s/%s", vrdma_ctx_get_state_dir(ctx),
	             APPLY_OWNED_FILE) < 0) {
		plan->owned_path = NULL;
		r = vrdma_error(ctx, -ENOMEM, "apply: out of memory");
	} else {
		r = apply_plan_build(ctx, cfg, host, plan);
	}
	if (!exclusive)
		apply_unlock(&plan->lock_fd);
	if (r < 0) {
		plan_free(plan);
		return r;
	}
	dbg(ctx, "apply plan: %u steps, %u notes", plan->n_steps, plan->n_notes);
	*ret = plan;
	return vrdma_success(ctx, 0); /* absent optional values read while planning */
}

VRDMA_EXPORT int vrdma_apply_plan(struct vrdma_ctx *ctx, struct vrdma_config *cfg,
                                  struct vrdma_host *host,
                                  struct vrdma_apply_plan **ret)
{
	if (!ctx)
		return -EINVAL;
	vrdma_error_clear(ctx);
	if (!ret)
		return vrdma_error(ctx, -EINVAL, "apply: no place for the plan (ret is NULL)");
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

VRDMA_EXPORT int vrdma_apply_plan_get_step(struct vrdma_apply_plan *plan, unsigned int i,
                                           struct vrdma_apply_step **ret)
{
	int r;

	if (!plan)
		return -EINVAL;
	vrdma_error_clear(plan->ctx);
	r = vrdma_index_check(plan->ctx, ret, i, plan->n_steps, "step", "apply plan");
	if (r < 0)
		return r;
	*ret = &plan->steps[i];
	return 0;
}

VRDMA_EXPORT int vrdma_apply_plan_get_n_notes(struct vrdma_apply_plan *plan)
{
	return plan ? (int)plan->n_notes : -EINVAL;
}

VRDMA_EXPORT int vrdma_apply_plan_get_note(struct vrdma_apply_plan *plan, unsigned int i,
                                           const char **ret)
{
	int r;

	if (!plan)
		return -EINVAL;
	vrdma_error_clear(plan->ctx);
	r = vrdma_index_check(plan->ctx, ret, i, plan->n_notes, "note", "apply plan");
	if (r < 0)
		return r;
	*ret = plan->notes[i];
	return 0;
}

VRDMA_EXPORT int vrdma_apply_plan_format(struct vrdma_apply_plan *plan, char **ret)
{
	char *buf = NULL;
	size_t len = 0;
	unsigned int i;
	FILE *f;

	if (!plan)
		return -EINVAL;
	vrdma_error_clear(plan->ctx);
	if (!ret)
		return vrdma_error(plan->ctx, -EINVAL, "apply plan: no place for the text "
		                   "(ret is NULL)");
	f = open_memstream(&buf, &len);
	if (!f)
		return vrdma_error(plan->ctx, -ENOMEM, "apply plan: out of memory");
	if (plan->n_steps == 0)
		fprintf(f, "no changes\n");
	for (i = 0; i < plan->n_steps; i++)
		fprintf(f, "%3u. %s\n", i + 1, plan->steps[i].description);
	for (i = 0; i < plan->n_notes; i++)
		fprintf(f, "note: %s\n", plan->notes[i]);
	if (fclose(f) != 0) {
		free(buf);
		return vrdma_error(plan->ctx, -ENOMEM, "apply plan: out of memory");
	}
	*ret = buf;
	return 0;
}

VRDMA_EXPORT bool vrdma_apply_plan_is_executed(struct vrdma_apply_plan *plan)
{
	return plan && plan->executed;
}

/* ---- steps --------------------------------------------------------------------- */

VRDMA_EXPORT int vrdma_apply_step_get_index(struct vrdma_apply_step *step)
{
	return step ? (int)step->index : -EINVAL;
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

/* Old or new value of a step: -ENOENT for the old of a create, the new of a delete. */
static int step_value(struct vrdma_apply_step *step, bool new, const char **ret)
{
	const char *v;

	if (!step)
		return -EINVAL;
	vrdma_error_clear(step->plan->ctx);
	if (!ret)
		return vrdma_error(step->plan->ctx, -EINVAL, "apply step %u: no place for "
		                   "the value (ret is NULL)", step->index);
	v = new ? step->new_value : step->old_value;
	if (!v)
		return vrdma_error(step->plan->ctx, -ENOENT, "apply step %u (%s): a %s has "
		                   "no %s value", step->index, step->description,
		                   vrdma_apply_action_to_string((int)step->action),
		                   new ? "new" : "old");
	*ret = v;
	return 0;
}

VRDMA_EXPORT int vrdma_apply_step_get_old_value(struct vrdma_apply_step *step,
                                                const char **ret)
{
	return step_value(step, false, ret);
}

VRDMA_EXPORT int vrdma_apply_step_get_new_value(struct vrdma_apply_step *step,
                                                const char **ret)
{
	return step_value(step, true, ret);
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

#ifdef VRDMA_TEST_HOOKS
/* Test hook: the index of the step VRDMA_TEST_APPLY_FAIL_STEP (counted from
 * 1) names, or -1. */
static int test_fail_step(void)
{
	const char *e = secure_getenv("VRDMA_TEST_APPLY_FAIL_STEP");
	char *end;
	long v;

	if (!e || !e[0])
		return -1;
	v = strtol(e, &end, 10);
	return *end == '\0' && v > 0 && v < 1000000 ? (int)v - 1 : -1;
}
#else
static int test_fail_step(void)
{
	return -1;
}
#endif

/* Do steps in order; the index of the one that failed (its error in *r and
 * *reason), or n_steps when all were done. */
static unsigned int run_steps(struct vrdma_apply_plan *plan, struct apply_nl *nl,
                              int *r, const char **reason)
{
	int fail_at = test_fail_step();
	unsigned int i;

	for (i = 0; i < plan->n_steps; i++) {
		struct vrdma_apply_step *st = &plan->steps[i];
		if ((int)i == fail_at) {
			*r = -EIO;
			*reason = "injected failure (VRDMA_TEST_APPLY_FAIL_STEP)";
		} else {
			*r = apply_nl_step(nl, st, false, reason);
		}
		if (*r < 0)
			return i;
		dbg(plan->ctx, "apply: step %u done: %s", i + 1, st->description);
	}
	return i;
}

/* Undo steps [0, n) in reverse order; the number undone, and the first
 * failure in undo_msg. */
static int undo_steps(struct vrdma_apply_plan *plan, struct apply_nl *nl, unsigned int n,
                      char *undo_msg, size_t size)
{
	int rolled = 0;

	while (n-- > 0) {
		const char *why = "";
		int u = apply_nl_step(nl, &plan->steps[n], true, &why);
		if (u >= 0)
			rolled++;
		else if (!undo_msg[0])
			snprintf(undo_msg, size, "; ROLLBACK INCOMPLETE: undoing step %u "
			         "(%s) failed: %s", n + 1, plan->steps[n].description, why);
	}
	return rolled;
}

/*
 * Ownership of uplink addresses is recorded before they exist: the state
 * file first names the union of the records before and after the plan
 * (write-ahead), then the steps run, then the file names the records after
 * it (or, after a rollback, before it again).  A process killed anywhere
 * leaves a file that owns every address it added; a record whose address
 * is absent is harmless (the next apply adds the address or drops the
 * record).
 */
static int execute_locked(struct vrdma_apply_plan *plan)
{
	struct vrdma_ctx *ctx = plan->ctx;
	struct apply_nl *nl = NULL;
	const char *reason = "";
	char undo_msg[512] = "";
	bool ahead = plan_adds_owned(plan);
	unsigned int failed = 0;
	int r = 0, rolled = 0;

	r = apply_nl_open(ctx, &nl);
	if (r < 0)
		return r;
	if (ahead)
		r = owned_save(plan, plan->owned, plan->n_owned, plan->owned_after,
		               plan->n_owned_after, &reason);
	if (r < 0) {
		apply_nl_close(nl);
		return vrdma_error(ctx, r, "apply: cannot record owned addresses in %s: "
		                   "%s; nothing was changed", plan->owned_path, reason);
	}
	failed = run_steps(plan, nl, &r, &reason);
	if (failed == plan->n_steps && (plan->owned_changed || ahead))
		r = owned_save(plan, plan->owned_after, plan->n_owned_after, NULL, 0,
		               &reason);
	if (r < 0) {
		const char *ignored;
		rolled = undo_steps(plan, nl, failed, undo_msg, sizeof(undo_msg));
		/* a failure here leaves the union: absent records are harmless */
		if (ahead)
			owned_save(plan, plan->owned, plan->n_owned, NULL, 0, &ignored);
	}
	else
		info(ctx, "apply: %u steps done, %u netlink messages", plan->n_steps,
		     apply_nl_get_n_sent(nl));
	apply_nl_close(nl);
	if (r >= 0)
		return 0;
	if (failed == plan->n_steps)
		return vrdma_error(ctx, r, "apply: cannot record owned addresses in %s: %s; "
		                   "rolled back %d step(s)%s", plan->owned_path, reason,
		                   rolled, undo_msg);
	return vrdma_error(ctx, r, "apply: step %u/%u (%s) failed: %s (%s); rolled back "
	                   "%d completed step(s)%s", failed + 1, plan->n_steps,
	                   plan->steps[failed].description, reason, strerror(-r),
	                   rolled, undo_msg);
}

VRDMA_EXPORT int vrdma_apply_execute(struct vrdma_apply_plan *plan)
{
	struct vrdma_ctx *ctx;
	int r;

	if (!plan)
		return -EINVAL;
	ctx = plan->ctx;
	vrdma_error_clear(ctx);
	if (plan->ran)
		return vrdma_error(ctx, -EALREADY, "apply: this plan was already executed");
	if (plan->n_steps > 0 || plan->owned_changed) {
		if (!have_net_admin()) {
			apply_unlock(&plan->lock_fd);
			return vrdma_error(ctx, -EPERM, "apply: CAP_NET_ADMIN is needed to "
			                   "change network devices (run as root); nothing "
			                   "was changed");
		}
		/* A plan from vrdma_apply_check() (or one whose lock was dropped)
		 * takes the exclusive lock now. */
		if (plan->lock_fd < 0) {
			r = apply_lock(ctx, true);
			if (r < 0)
				return r;
			plan->lock_fd = r;
		}
	}
	plan->ran = true;
	r = plan->n_steps > 0 || plan->owned_changed ? execute_locked(plan) : 0;
	apply_unlock(&plan->lock_fd);
	plan->executed = r == 0;
	return r;
}

VRDMA_EXPORT int vrdma_apply_check(struct vrdma_ctx *ctx, struct vrdma_config *cfg,
                                   struct vrdma_host *host,
                                   struct vrdma_apply_plan **ret)
{
	struct vrdma_apply_plan *plan = NULL;
	int r;

	if (!ctx)
		return -EINVAL;
	vrdma_error_clear(ctx);
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
