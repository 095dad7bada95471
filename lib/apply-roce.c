/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * apply: rdma_cm's default RoCE mode and ToS per adapter port, through its
 * configfs (drivers/infiniband/core/cma_configfs.c):
 *   /sys/kernel/config/rdma_cm/<ibdev>/ports/<port>/default_roce_mode
 *   /sys/kernel/config/rdma_cm/<ibdev>/ports/<port>/default_roce_tos
 * The <ibdev> directory is only a handle: mkdir makes it, rmdir drops it,
 * and the values live in rdma_cm's per-device state (kept until the device
 * or rdma_cm goes).  So reading and writing make the directory when it is
 * absent and remove it again afterwards, leaving the tree as found.
 * Without rdma_cm loaded the values are the kernel's defaults (RoCE v2
 * where the adapter does RoCE v2, ToS 0): a setting equal to them needs no
 * step; otherwise executing the first step mounts configfs and loads
 * rdma_cm (modprobe) before writing.
 */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "apply-private.h"

#define CONFIGFS_DIR "/sys/kernel/config"
#define RDMA_CM_DIR CONFIGFS_DIR "/rdma_cm"

extern char **environ;

static const char *const kernel_mode[] = { "IB/RoCE v1", "RoCE v2" };

/* The rdma_cm configfs directory; with -Dtest_hooks VRDMA_TEST_RDMA_CM_DIR
 * names another (a plain directory tree: nothing is loaded or mounted). */
static const char *cm_dir(bool *real)
{
#ifdef VRDMA_TEST_HOOKS
	const char *e = secure_getenv("VRDMA_TEST_RDMA_CM_DIR");

	if (e && e[0]) {
		*real = false;
		return e;
	}
#endif
	*real = true;
	return RDMA_CM_DIR;
}

/* The live values of one port. */
struct roce_live {
	bool loaded;                 /* rdma_cm's configfs is there */
	bool known;                  /* mode and tos below are the kernel's */
	int mode;
	unsigned int tos;
};

static int write_text(const char *path, const char *text)
{
	ssize_t n;
	int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);   /* as `echo V > FILE` */

	if (fd < 0)
		return -errno;
	n = write(fd, text, strlen(text));
	if (n < 0) {
		int e = -errno;
		close(fd);
		return e;
	}
	if (close(fd) < 0)
		return -errno;
	return (size_t)n == strlen(text) ? 0 : -EIO;
}

/* Make <dir>/<dev> when absent: 1 when made (rmdir it afterwards), 0 when
 * it was there, or -errno. */
static int dev_dir_open(const char *dir, const char *dev, char *path, size_t size)
{
	struct stat st;

	snprintf(path, size, "%s/%s", dir, dev);
	if (stat(path, &st) == 0)
		return 0;
	if (mkdir(path, 0755) < 0)
		return errno == EEXIST ? 0 : -errno;
	return 1;
}

static void read_port(const char *dir, const char *dev, unsigned int port, struct roce_live *l)
{
	char path[512], base[400], buf[64];
	int made, mode;
	char *end;
	unsigned long tos;

	made = dev_dir_open(dir, dev, base, sizeof(base));
	if (made < 0)
		return;
	snprintf(path, sizeof(path), "%s/ports/%u/default_roce_mode", base, port);
	if (vrdma_read_line(path, buf, sizeof(buf)) >= 0 && (mode = vrdma_roce_mode_from_string(buf)) >= 0) {
		snprintf(path, sizeof(path), "%s/ports/%u/default_roce_tos", base, port);
		if (vrdma_read_line(path, buf, sizeof(buf)) >= 0) {
			errno = 0;
			tos = strtoul(buf, &end, 0);
			if (!errno && end != buf && !*end && tos <= VRDMA_ROCE_TOS_MAX) {
				l->known = true;
				l->mode = mode;
				l->tos = (unsigned int)tos;
			}
		}
	}
	if (made > 0)
		rmdir(base);
}

static bool port_has_gid_type(struct vrdma_port *p, int type)
{
	int i, n = vrdma_port_get_n_gids(p);

	for (i = 0; i < n; i++) {
		struct vrdma_gid *g;
		if (vrdma_port_get_gid(p, (unsigned int)i, &g) == 0 && vrdma_gid_get_type(g) == type)
			return true;
	}
	return false;
}

static int gid_type_of(int mode)
{
	return mode == VRDMA_ROCE_V1 ? VRDMA_GID_ROCE_V1 : VRDMA_GID_ROCE_V2;
}

/* Can the port have GIDs of the mode's type?  The adapter's protocols say
 * (Soft-RoCE: RoCE v2 only; rdma_cm refuses a mode the port does not
 * support); a port that has GIDs must have one of that type. */
static bool port_has_mode(struct vrdma_adapter *a, struct vrdma_port *p, int mode)
{
	int proto = mode == VRDMA_ROCE_V1 ? VRDMA_PROTO_ROCE_V1 : VRDMA_PROTO_ROCE_V2;

	if (!(vrdma_adapter_get_protocols(a) & proto))
		return false;
	return vrdma_port_get_n_gids(p) == 0 || port_has_gid_type(p, gid_type_of(mode));
}

/* A soft adapter step of this plan creates `name`. */
static bool plan_creates(struct vrdma_apply_plan *plan, const char *name)
{
	unsigned int i;

	for (i = 0; i < plan->n_steps; i++)
		if (plan->steps[i].op == APPLY_OP_SOFT_CREATE &&
		    strcmp(plan->steps[i].soft.name, name) == 0)
			return true;
	return false;
}

static int add_step(struct vrdma_apply_plan *plan, const char *dev, unsigned int port,
                    bool tos, const struct roce_live *l, int value)
{
	struct vrdma_apply_step *st = apply_step_new(plan, VRDMA_APPLY_MODIFY, VRDMA_APPLY_OBJ_ROCE,
	                                             tos ? APPLY_OP_ROCE_TOS : APPLY_OP_ROCE_MODE,
	                                             dev, tos ? "roce_tos" : "roce_mode");
	char *old = NULL, *new = NULL;

	if (!st)
		return -ENOMEM;
	snprintf(st->roce_dev, sizeof(st->roce_dev), "%s", dev);
	st->roce_port = port;
	if (!l->known)
		old = strdup("unknown");
	else if (tos && asprintf(&old, "%u", l->tos) < 0)
		old = NULL;
	else if (!tos)
		old = strdup(kernel_mode[l->mode]);
	if (tos && asprintf(&new, "%d", value) < 0)
		new = NULL;
	else if (!tos)
		new = strdup(kernel_mode[value]);
	st->old_value = old;
	st->new_value = new;
	if (!old || !new ||
	    asprintf(&st->description, "modify roce %s port %u %s: %s -> %s", dev, port,
	             tos ? "tos" : "mode", old, new) < 0) {
		st->description = NULL;
		return -ENOMEM;
	}
	return 0;
}

/* Resolve one setting to (kernel name, port) and its live values. */
static int resolve(struct vrdma_ctx *ctx, struct vrdma_host *host, struct vrdma_apply_plan *plan,
                   struct vrdma_roce_setting *rs, const char **dev, struct roce_live *l)
{
	const char *name = vrdma_roce_setting_get_adapter(rs);
	unsigned int pn = (unsigned int)vrdma_roce_setting_get_port(rs);
	struct vrdma_adapter *a;
	struct vrdma_port *p;
	bool real;
	const char *dir = cm_dir(&real);
	struct stat st;
	int mode;

	if (vrdma_host_find_adapter(host, name, &a) < 0) {
		if (!plan_creates(plan, name))
			return vrdma_error(ctx, -ENODEV, "RoCE setting for adapter '%s' port %u: no "
			                   "such RDMA adapter on this host", name, pn);
		/* made by this plan (a soft adapter): rdma_cm starts it at its defaults */
		*dev = name;
		l->loaded = stat(dir, &st) == 0;
		l->known = true;
		l->mode = VRDMA_ROCE_V2;
		l->tos = 0;
		return 0;
	}
	*dev = vrdma_adapter_get_name(a);
	if (vrdma_adapter_find_port(a, pn, &p) < 0)
		return vrdma_error(ctx, -ENODEV, "RoCE setting for adapter '%s' port %u: the "
		                   "adapter has no port %u", name, pn, pn);
	if (vrdma_roce_setting_get_mode(rs, &mode) == 0 && !port_has_mode(a, p, mode))
		return vrdma_error(ctx, -EOPNOTSUPP, "RoCE setting for adapter '%s' port %u: mode %s: "
		                   "the port has no %s GID (%s supports %s)", name, pn,
		                   vrdma_roce_mode_to_string(mode),
		                   vrdma_gid_type_to_string(gid_type_of(mode)), *dev,
		                   (vrdma_adapter_get_protocols(a) & VRDMA_PROTO_ROCE_V1) ?
		                   ((vrdma_adapter_get_protocols(a) & VRDMA_PROTO_ROCE_V2) ?
		                    "RoCE v1 and v2" : "RoCE v1 only") :
		                   (vrdma_adapter_get_protocols(a) & VRDMA_PROTO_ROCE_V2) ?
		                   "RoCE v2 only" : "no RoCE");
	l->loaded = stat(dir, &st) == 0;
	if (!l->loaded) {
		l->known = true;
		l->mode = (vrdma_adapter_get_protocols(a) & VRDMA_PROTO_ROCE_V2) ? VRDMA_ROCE_V2 :
		          VRDMA_ROCE_V1;
		l->tos = 0;
	} else {
		read_port(dir, *dev, pn, l);
	}
	return 0;
}

/* The ports planned so far (kernel names borrowed from the host). */
struct roce_seen {
	const char *dev[VRDMA_MAX_ROCE_SETTINGS];
	unsigned int port[VRDMA_MAX_ROCE_SETTINGS];
	unsigned int n;
};

static int plan_one(struct vrdma_ctx *ctx, struct vrdma_host *host, struct vrdma_apply_plan *plan,
                    struct vrdma_roce_setting *rs, struct roce_seen *seen, bool *load)
{
	unsigned int pn = (unsigned int)vrdma_roce_setting_get_port(rs), tos, i, n0 = plan->n_steps;
	struct roce_live l = { 0 };
	const char *dev;
	int mode, r;

	r = resolve(ctx, host, plan, rs, &dev, &l);
	if (r < 0)
		return r;
	/* two settings (a name and an alias) for one port */
	for (i = 0; i < seen->n; i++)
		if (seen->port[i] == pn && strcmp(seen->dev[i], dev) == 0)
			return vrdma_error(ctx, -EEXIST, "RoCE setting for adapter '%s' port %u: "
			                   "another setting names the same port (%s port %u)",
			                   vrdma_roce_setting_get_adapter(rs), pn, dev, pn);
	if (seen->n < VRDMA_MAX_ROCE_SETTINGS) {
		seen->dev[seen->n] = dev;
		seen->port[seen->n++] = pn;
	}
	if (vrdma_roce_setting_get_mode(rs, &mode) == 0 && (!l.known || l.mode != mode) &&
	    (r = add_step(plan, dev, pn, false, &l, mode)) < 0)
		return r;
	if (vrdma_roce_setting_get_tos(rs, &tos) == 0 && (!l.known || l.tos != tos) &&
	    (r = add_step(plan, dev, pn, true, &l, (int)tos)) < 0)
		return r;
	if (plan->n_steps > n0 && !l.loaded)
		*load = true;
	if (!l.known)
		apply_plan_add_note(plan, "adapter %s port %u: rdma_cm's current RoCE settings "
		                    "cannot be read (needs root): shown as unknown", dev, pn);
	return 0;
}

int apply_roce_plan(struct vrdma_ctx *ctx, struct vrdma_config *cfg, struct vrdma_host *host,
                    struct vrdma_apply_plan *plan)
{
	int i, n = vrdma_config_get_n_roce_settings(cfg), r;
	struct roce_seen *seen;
	bool load = false;

	if (n <= 0)
		return 0;
	seen = calloc(1, sizeof(*seen));
	if (!seen)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		struct vrdma_roce_setting *rs;
		r = vrdma_config_get_roce_setting(cfg, (unsigned int)i, &rs);
		if (r >= 0)
			r = plan_one(ctx, host, plan, rs, seen, &load);
		if (r < 0) {
			free(seen);
			return r;
		}
	}
	free(seen);
	if (load)
		apply_plan_add_note(plan, "rdma_cm is not loaded: apply mounts configfs on %s and "
		                    "loads rdma_cm (modprobe) before its RoCE steps; neither is "
		                    "undone", CONFIGFS_DIR);
	return 0;
}

/* ---- execution ----------------------------------------------------------------------- */

static int run_modprobe(const char *module)
{
	char *argv[] = { (char *)"modprobe", (char *)"-q", (char *)module, NULL };
	pid_t pid;
	int status;

	if (posix_spawnp(&pid, "modprobe", NULL, NULL, argv, environ) != 0)
		return -ENOENT;
	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -ENOENT;
}

/* Mount configfs and load rdma_cm when its directory is missing. */
static int ensure_rdma_cm(struct vrdma_ctx *ctx, const char **reason)
{
	struct stat st;

	if (stat(RDMA_CM_DIR, &st) == 0)
		return 0;
	run_modprobe("configfs");                  /* may be built in */
	if (mount("configfs", CONFIGFS_DIR, "configfs", 0, NULL) < 0 && errno != EBUSY) {
		*reason = "cannot mount configfs on " CONFIGFS_DIR;
		return -errno;
	}
	if (stat(RDMA_CM_DIR, &st) < 0 && run_modprobe("rdma_cm") < 0) {
		*reason = "modprobe rdma_cm failed";
		return -ENOENT;
	}
	if (stat(RDMA_CM_DIR, &st) < 0) {
		*reason = "rdma_cm has no configfs directory " RDMA_CM_DIR
		          " (kernel without CONFIG_INFINIBAND_ADDR_TRANS_CONFIGFS?)";
		return -EOPNOTSUPP;
	}
	dbg(ctx, "apply: loaded rdma_cm and mounted configfs");
	return 0;
}

int apply_roce_step(struct vrdma_ctx *ctx, const struct vrdma_apply_step *st, bool undo,
                    const char **reason)
{
	const char *value = undo ? st->old_value : st->new_value;
	char base[400], path[512];
	bool real;
	const char *dir = cm_dir(&real);
	int r, made;

	*reason = "";
	if (!value || strcmp(value, "unknown") == 0) {
		*reason = "the old value is unknown";
		return -ENODATA;
	}
	if (real && (r = ensure_rdma_cm(ctx, reason)) < 0)
		return r;
	made = dev_dir_open(dir, st->roce_dev, base, sizeof(base));
	if (made < 0) {
		*reason = "cannot make the adapter's rdma_cm configfs directory";
		return made;
	}
	snprintf(path, sizeof(path), "%s/ports/%u/%s", base, st->roce_port,
	         st->op == APPLY_OP_ROCE_TOS ? "default_roce_tos" : "default_roce_mode");
	r = write_text(path, value);
	if (r < 0)
		*reason = r == -ENOENT ? "rdma_cm has no such port" :
		          "rdma_cm refused the value";
	dbg(ctx, "apply: wrote '%s' to %s: %d", value, path, r);
	if (made > 0)
		rmdir(base);
	return r;
}
