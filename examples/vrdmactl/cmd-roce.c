/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * vrdmactl RoCE settings per adapter port in the configuration: rdma device
 * roce set | clear | list (`vrdmactl apply` writes them to rdma_cm's
 * configfs), and the configured and live values `rdma device show` prints.
 * The live values are read from rdma_cm's configfs, as the kernel shows
 * them (the library models only the configured ones).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vrdmactl.h"

#define RDMA_CM_DIR "/sys/kernel/config/rdma_cm"

struct roce_opts {
	const char *dev;
	unsigned int port;
	int mode;                  /* -1: not given */
	int tos;                   /* -1: not given */
	bool clear_mode, clear_tos;
};

static int parse_uint(const char *s, long max, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 0 || v > max)
		return -1;
	*out = v;
	return 0;
}

/* -d DEV [-p PORT] and, for set, --mode v1|v2 --tos N; for clear, the
 * flags --mode / --tos. */
static int roce_opts(struct vctl *v, int argc, char **argv, bool set, struct roce_opts *o)
{
	int i;
	long n;

	memset(o, 0, sizeof(*o));
	o->port = 1;
	o->mode = o->tos = -1;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *val;
		bool flag_only = !set && (strcmp(a, "--mode") == 0 || strcmp(a, "--tos") == 0);
		if (flag_only) {
			if (strcmp(a, "--mode") == 0)
				o->clear_mode = true;
			else
				o->clear_tos = true;
			continue;
		}
		if (strcmp(a, "-d") && strcmp(a, "--device") && strcmp(a, "-p") && strcmp(a, "--port") &&
		    (!set || (strcmp(a, "--mode") && strcmp(a, "--tos"))))
			return vctl_usage(v, "unexpected argument '%s'", vctl_str(v, a));
		if (i + 1 >= argc)
			return vctl_usage(v, "option %s needs a value", a);
		val = argv[++i];
		if (a[1] == 'd' || strcmp(a, "--device") == 0) {
			o->dev = val;
		} else if (a[1] == 'p' || strcmp(a, "--port") == 0) {
			if (parse_uint(val, VRDMA_ROCE_PORT_MAX, &n) < 0 || n < 1)
				return vctl_usage(v, "-p needs a port number 1-%d, not '%s'",
				                  VRDMA_ROCE_PORT_MAX, vctl_str(v, val));
			o->port = (unsigned int)n;
		} else if (strcmp(a, "--mode") == 0) {
			o->mode = vrdma_roce_mode_from_string(val);
			if (o->mode < 0)
				return vctl_usage(v, "--mode needs v1 or v2, not '%s'", vctl_str(v, val));
		} else {
			if (parse_uint(val, INT_MAX, &n) < 0)
				return vctl_usage(v, "--tos needs a number 0-%d, not '%s'",
				                  VRDMA_ROCE_TOS_MAX, vctl_str(v, val));
			o->tos = (int)n;  /* the library checks 0-255 */
		}
	}
	if (!o->dev)
		return vctl_usage(v, "missing required option -d|--device");
	if (set && o->mode < 0 && o->tos < 0)
		return vctl_usage(v, "give --mode and/or --tos");
	if (!set && !o->clear_mode && !o->clear_tos)
		o->clear_mode = o->clear_tos = true;
	return 0;
}

static int cmd_roce_set(struct vctl *v, int argc, char **argv)
{
	struct vrdma_roce_setting *rs;
	struct vrdma_config *cfg;
	struct roce_opts o;
	int r;

	if ((r = roce_opts(v, argc, argv, true, &o)))
		return r;
	if ((r = vctl_cfg_open(v, true, &cfg)))
		return r;
	r = vrdma_config_find_roce_setting(cfg, o.dev, o.port, &rs);
	if (r == -ENOENT)
		r = vrdma_config_add_roce_setting(cfg, o.dev, o.port, &rs);
	if (r == 0 && o.mode >= 0)
		r = vrdma_roce_setting_set_mode(rs, o.mode);
	if (r == 0 && o.tos >= 0)
		r = vrdma_roce_setting_set_tos(rs, o.tos);
	if (r < 0)   /* nothing is saved: the file stays as it was */
		return vctl_cfg_fail(v, cfg, r);
	return vctl_cfg_commit(v, cfg);
}

static int cmd_roce_clear(struct vctl *v, int argc, char **argv)
{
	struct vrdma_roce_setting *rs;
	struct vrdma_config *cfg;
	struct roce_opts o;
	unsigned int tos;
	int r, mode;

	if ((r = roce_opts(v, argc, argv, false, &o)))
		return r;
	if ((r = vctl_cfg_open(v, false, &cfg)))
		return r;
	r = vrdma_config_find_roce_setting(cfg, o.dev, o.port, &rs);
	if (r == 0 && o.clear_mode)
		r = vrdma_roce_setting_clear_mode(rs);
	if (r == 0 && o.clear_tos)
		r = vrdma_roce_setting_clear_tos(rs);
	if (r == 0 && vrdma_roce_setting_get_mode(rs, &mode) == -ENOENT &&
	    vrdma_roce_setting_get_tos(rs, &tos) == -ENOENT)
		r = vrdma_roce_setting_remove(rs);  /* nothing left to set */
	if (r < 0)
		return vctl_cfg_fail(v, cfg, r);
	return vctl_cfg_commit(v, cfg);
}

/* ---- live values ----------------------------------------------------------- */

static int read_line(const char *path, char *buf, size_t size)
{
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

/* rdma_cm's values for dev/port ("" when they cannot be read: rdma_cm not
 * loaded, configfs not mounted, not root).  The device's configfs directory
 * is a handle: made when absent, removed again. */
static void roce_live(const char *dev, unsigned int port, char *mode, size_t mlen, char *tos,
                      size_t tlen)
{
	char base[PATH_MAX], path[PATH_MAX + 64];
	struct stat st;
	bool made = false;

	mode[0] = tos[0] = '\0';
	if (stat(RDMA_CM_DIR, &st) < 0)
		return;
	snprintf(base, sizeof(base), RDMA_CM_DIR "/%s", dev);
	if (stat(base, &st) < 0) {
		if (mkdir(base, 0755) < 0)
			return;
		made = true;
	}
	snprintf(path, sizeof(path), "%s/ports/%u/default_roce_mode", base, port);
	if (read_line(path, mode, mlen) < 0)
		mode[0] = '\0';
	snprintf(path, sizeof(path), "%s/ports/%u/default_roce_tos", base, port);
	if (read_line(path, tos, tlen) < 0)
		tos[0] = '\0';
	if (made)
		rmdir(base);
}

/* The configuration's setting for adapter a port `port` (by name or alias). */
static struct vrdma_roce_setting *roce_configured(struct vrdma_config *cfg,
                                                  struct vrdma_adapter *a, unsigned int port)
{
	struct vrdma_roce_setting *rs;
	const char *alias = vrdma_adapter_get_alias(a);

	if (!cfg)
		return NULL;
	if (vrdma_config_find_roce_setting(cfg, vrdma_adapter_get_name(a), port, &rs) == 0)
		return rs;
	if (alias && vrdma_config_find_roce_setting(cfg, alias, port, &rs) == 0)
		return rs;
	return NULL;
}

void vctl_roce_port_show(struct vctl *v, struct vrdma_config *cfg, struct vrdma_adapter *a,
                         unsigned int port, struct json_object *o)
{
	struct vrdma_roce_setting *rs = roce_configured(cfg, a, port);
	char lmode[32], ltos[16], ctos[16] = "";
	const char *cmode = NULL;
	unsigned int tos;
	int mode;

	roce_live(vrdma_adapter_get_name(a), port, lmode, sizeof(lmode), ltos, sizeof(ltos));
	if (rs && vrdma_roce_setting_get_mode(rs, &mode) == 0)
		cmode = vrdma_roce_mode_to_string(mode);
	if (rs && vrdma_roce_setting_get_tos(rs, &tos) == 0)
		snprintf(ctos, sizeof(ctos), "%u", tos);
	if (o) {
		struct json_object *r = json_object_new_object();
		json_object_object_add(r, "mode", vctl_jstr(cmode));
		json_object_object_add(r, "tos", ctos[0] ? json_object_new_int((int)tos) : NULL);
		json_object_object_add(r, "live_mode", vctl_jstr(lmode[0] ? lmode : NULL));
		json_object_object_add(r, "live_tos", ltos[0] ? json_object_new_int(atoi(ltos)) : NULL);
		json_object_object_add(o, "roce", r);
		return;
	}
	printf("      RoCE Mode: %s (live: %s)\n", vctl_or_dash(cmode),
	       vctl_or_dash(vctl_str(v, lmode)));
	printf("      RoCE ToS: %s (live: %s)\n", vctl_or_dash(ctos), vctl_or_dash(vctl_str(v, ltos)));
}

static int cmd_roce_list(struct vctl *v, int argc, char **argv)
{
	static const char *const hdr[] = { "Adapter", "Port", "Mode", "ToS", "Live Mode",
	                                   "Live ToS" };
	struct vrdma_config *cfg;
	struct vrdma_host *h = NULL;
	struct vctl_list l;
	int i, n, r;

	if ((r = vctl_no_args(v, argc, argv)))
		return r;
	r = vrdma_config_load(v->ctx, NULL, &cfg);
	if (r == -ENOENT)
		r = vrdma_config_new(v->ctx, &cfg);
	if (r < 0)
		return vctl_fail(v, r, "cannot load configuration %s",
		                 vrdma_ctx_get_config_path(v->ctx));
	n = vrdma_config_get_n_roce_settings(cfg);
	if (n > 0 && (r = vctl_open_host(v, 0, &h))) {
		vrdma_config_unref(cfg);
		return r;
	}
	vctl_list_begin(v, &l, hdr, 6);
	for (i = 0; i < n; i++) {
		struct vrdma_roce_setting *rs;
		struct vrdma_adapter *a;
		char lmode[32] = "", ltos[16] = "", port[8], ctos[8] = "";
		const char *cmode = NULL;
		unsigned int tos;
		int mode;
		if (vrdma_config_get_roce_setting(cfg, (unsigned int)i, &rs) < 0)
			continue;
		if (vrdma_host_find_adapter(h, vrdma_roce_setting_get_adapter(rs), &a) == 0)
			roce_live(vrdma_adapter_get_name(a),
			          (unsigned int)vrdma_roce_setting_get_port(rs), lmode, sizeof(lmode),
			          ltos, sizeof(ltos));
		if (vrdma_roce_setting_get_mode(rs, &mode) == 0)
			cmode = vrdma_roce_mode_to_string(mode);
		if (vrdma_roce_setting_get_tos(rs, &tos) == 0)
			snprintf(ctos, sizeof(ctos), "%u", tos);
		snprintf(port, sizeof(port), "%d", vrdma_roce_setting_get_port(rs));
		if (l.arr) {
			struct json_object *o = json_object_new_object();
			json_object_object_add(o, "adapter", vctl_jstr(vrdma_roce_setting_get_adapter(rs)));
			json_object_object_add(o, "port", json_object_new_int(vrdma_roce_setting_get_port(rs)));
			json_object_object_add(o, "mode", vctl_jstr(cmode));
			json_object_object_add(o, "tos", ctos[0] ? json_object_new_int((int)tos) : NULL);
			json_object_object_add(o, "live_mode", vctl_jstr(lmode[0] ? lmode : NULL));
			json_object_object_add(o, "live_tos", ltos[0] ? json_object_new_int(atoi(ltos)) : NULL);
			json_object_array_add(l.arr, o);
		} else {
			vctl_table_addv(l.t, vctl_str(v, vrdma_roce_setting_get_adapter(rs)), port,
			                vctl_or_dash(cmode), vctl_or_dash(ctos),
			                vctl_or_dash(vctl_str(v, lmode)), vctl_or_dash(vctl_str(v, ltos)));
		}
	}
	vctl_list_end(&l);
	vrdma_host_unref(h);
	vrdma_config_unref(cfg);
	return VCTL_EXIT_OK;
}

const struct vctl_cmd vctl_roce_cmds[] = {
	{ "rdma device roce set", cmd_roce_set,
	  "set an adapter port's default RoCE mode and/or ToS in the configuration",
	  "-d|--device NAME [-p|--port N] [--mode v1|v2] [--tos 0-255]",
	  "rdma_cm's defaults for connections on that port (NVMe over RDMA, iSER...):\n"
	  "the RoCE mode picks the GID type, the ToS the DSCP/ECN byte.  NAME is a kernel\n"
	  "name (rxe0) or an alias (vmrdma0); the port defaults to 1.  vrdmactl apply\n"
	  "writes them through rdma_cm's configfs (loading rdma_cm when needed)." },
	{ "rdma device roce clear", cmd_roce_clear,
	  "clear an adapter port's RoCE mode and/or ToS from the configuration",
	  "-d|--device NAME [-p|--port N] [--mode] [--tos]",
	  "Without --mode/--tos both are cleared; a setting left empty is removed.\n"
	  "apply leaves rdma_cm's values as they are." },
	{ "rdma device roce list", cmd_roce_list,
	  "list the configured RoCE settings with rdma_cm's live values", "",
	  "JSON: array of {adapter, port, mode, tos, live_mode, live_tos} (null: not set /\n"
	  "not readable)." },
	{ NULL, NULL, NULL, NULL, NULL },
};
