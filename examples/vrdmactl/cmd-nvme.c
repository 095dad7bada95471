/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * vrdmactl NVMe over RDMA commands: nvme connect-args (the nvme-cli command
 * lines of every path to a target), and, built on libnvme (the library
 * nvme-cli uses; -Dnvme), nvme discover, nvme connect and nvme disconnect
 * over the bound paths.  The paths come from libvrdma's public API
 * (vrdma_bindings_choose_source); libnvme is the tool's dependency only.
 *
 * One controller per path: its traddr is the target, its host_traddr the
 * path's source address (the vmk's), both with the scope of the netdev
 * carrying the vmk when link-local.  nvme-rdma takes no host_iface (a TCP
 * option); the source address alone binds the connection to its vmk.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vrdmactl.h"

#ifdef VCTL_HAVE_LIBNVME
#include <endian.h>
#include <syslog.h>

#include <libnvme.h>
#endif

#define VCTL_NVME_PORT "4420"
/* NVMe base specification: an NQN is at most 223 bytes. */
#define VCTL_NQN_MAX 223

/* ---- options ---------------------------------------------------------------- */

enum {
	OPT_TARGET = 1 << 0,  /* --target|-a ADDR */
	OPT_TRSVCID = 1 << 1, /* --trsvcid|-s PORT */
	OPT_NQN = 1 << 2,     /* --nqn|-n NQN */
	OPT_SINGLE = 1 << 3,  /* --single */
	OPT_KEEP = 1 << 4,    /* --keep-partial */
	OPT_HOSTNQN = 1 << 5, /* --hostnqn NQN */
};

struct nvme_opts {
	const char *target;
	const char *trsvcid;
	const char *nqn;
	const char *hostnqn;
	bool single;
	bool keep_partial;
};

/*
 * Text the kernel's nvme-fabrics option string ("nqn=...,traddr=...") takes
 * as one value: printable, no blank, no ',' or '=' (which would start another
 * option).
 */
static bool option_value_ok(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || *s == 0x7f || *s == ',' || *s == '=')
			return false;
	return true;
}

static int check_nqn(struct vctl *v, const char *opt, const char *nqn)
{
	if (!nqn[0])
		return vctl_usage(v, "%s: the NQN is empty", opt);
	if (strlen(nqn) > VCTL_NQN_MAX)
		return vctl_usage(v, "%s: the NQN is %zu bytes, at most %d are allowed", opt,
		                  strlen(nqn), VCTL_NQN_MAX);
	if (!option_value_ok(nqn))
		return vctl_usage(v, "%s '%s': an NQN has no blank, control byte, ',' or '='", opt, nqn);
	return 0;
}

static bool port_ok(const char *s)
{
	return s[0] && strlen(s) <= 5 && strspn(s, "0123456789") == strlen(s) && atoi(s) >= 1 &&
	       atoi(s) <= 65535;
}

static int check_opts(struct vctl *v, unsigned int required, const struct nvme_opts *o)
{
	int r;

	if ((required & OPT_TARGET) && !o->target)
		return vctl_usage(v, "--target ADDR is required");
	if ((required & OPT_NQN) && !o->nqn)
		return vctl_usage(v, "--nqn NQN is required");
	if (!port_ok(o->trsvcid))
		return vctl_usage(v, "--trsvcid '%s': expected a port number 1-65535", o->trsvcid);
	if (o->nqn && (r = check_nqn(v, "--nqn", o->nqn)))
		return r;
	if (o->hostnqn && (r = check_nqn(v, "--hostnqn", o->hostnqn)))
		return r;
	return 0;
}

/* The options in `accepted`; those in `required` must be given.  0 or an exit code. */
static int parse_opts(struct vctl *v, int argc, char **argv, unsigned int accepted,
                      unsigned int required, struct nvme_opts *o)
{
	int i;

	memset(o, 0, sizeof(*o));
	o->trsvcid = VCTL_NVME_PORT;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		bool arg = i + 1 < argc;
		if ((accepted & OPT_TARGET) && arg && (!strcmp(a, "--target") || !strcmp(a, "-a")))
			o->target = argv[++i];
		else if ((accepted & OPT_TRSVCID) && arg && (!strcmp(a, "--trsvcid") || !strcmp(a, "-s")))
			o->trsvcid = argv[++i];
		else if ((accepted & OPT_NQN) && arg && (!strcmp(a, "--nqn") || !strcmp(a, "-n")))
			o->nqn = argv[++i];
		else if ((accepted & OPT_HOSTNQN) && arg && !strcmp(a, "--hostnqn"))
			o->hostnqn = argv[++i];
		else if ((accepted & OPT_SINGLE) && !strcmp(a, "--single"))
			o->single = true;
		else if ((accepted & OPT_KEEP) && !strcmp(a, "--keep-partial"))
			o->keep_partial = true;
		else
			return vctl_usage(v, "unexpected argument '%s'", a);
	}
	return check_opts(v, required, o);
}

/* ---- paths -------------------------------------------------------------------- */

static const char *path_uplink(struct vrdma_path *p)
{
	struct vrdma_uplink *u = vrdma_path_get_uplink(p);

	return vrdma_uplink_get_alias(u) ? vrdma_uplink_get_alias(u)
	                                 : vrdma_netdev_get_name(vrdma_uplink_get_netdev(u));
}

static struct json_object *path_json(struct vrdma_path *p, const char *trsvcid, const char *nqn)
{
	struct json_object *o = json_object_new_object();
	struct vrdma_source *s = vrdma_path_get_source(p);
	struct vrdma_adapter *ad = vrdma_path_get_adapter(p);
	char traddr[128], host[128];
	const char *gateway = NULL;

	vctl_scoped_addr(vrdma_source_get_target(s), p, traddr, sizeof(traddr));
	vctl_scoped_addr(vrdma_path_get_address(p), p, host, sizeof(host));
	vrdma_path_get_gateway(p, &gateway);
	json_object_object_add(o, "transport", json_object_new_string("rdma"));
	json_object_object_add(o, "traddr", vctl_jstr(traddr));
	json_object_object_add(o, "trsvcid", vctl_jstr(trsvcid));
	json_object_object_add(o, "host_traddr", vctl_jstr(host));
	json_object_object_add(o, "nqn", vctl_jstr(nqn));
	json_object_object_add(o, "vmknic", vctl_jstr(vctl_path_vmk(p)));
	json_object_object_add(o, "device", vctl_jstr(vctl_adapter_label(ad)));
	json_object_object_add(o, "adapter", vctl_jstr(vrdma_adapter_get_name(ad)));
	json_object_object_add(o, "port", json_object_new_int(vrdma_path_get_port_number(p)));
	json_object_object_add(o, "uplink", vctl_jstr(path_uplink(p)));
	json_object_object_add(o, "netdev", vctl_jstr(vrdma_path_get_netdev_name(p)));
	json_object_object_add(o, "gid_index", json_object_new_int(vrdma_path_get_gid_index(p)));
	json_object_object_add(o, "gateway", vctl_jstr(gateway));
	json_object_object_add(o, "state",
	                       vctl_jstr(vrdma_path_state_to_string(vrdma_path_get_state(p))));
	return o;
}

/* The bindings and the paths to o->target: 0 or an exit code. */
static int open_paths(struct vctl *v, const struct nvme_opts *o, struct vrdma_bindings **b,
                      struct vrdma_source **s)
{
	int r = vctl_open_bindings(v, b);

	if (r)
		return r;
	r = vctl_choose_paths(v, *b, o->target, VRDMA_SERVICE_NVME_RDMA, o->single, s);
	if (r)
		*b = vrdma_bindings_unref(*b);
	return r;
}

static int cmd_nvme_connect_args(struct vctl *v, int argc, char **argv)
{
	struct vrdma_bindings *b = NULL;
	struct vrdma_source *s = NULL;
	struct json_object *arr = NULL;
	struct vrdma_path *p;
	struct nvme_opts o;
	unsigned int k;
	int r;

	r = parse_opts(v, argc, argv, OPT_TARGET | OPT_TRSVCID | OPT_NQN | OPT_SINGLE, OPT_TARGET, &o);
	if (r || (r = open_paths(v, &o, &b, &s)))
		return r;
	if (v->json)
		arr = json_object_new_array();
	for (k = 0; vrdma_source_get_path(s, k, &p) == 0; k++) {
		char traddr[128], host[128];

		if (arr) {
			json_object_array_add(arr, path_json(p, o.trsvcid, o.nqn));
			continue;
		}
		vctl_scoped_addr(vrdma_source_get_target(s), p, traddr, sizeof(traddr));
		vctl_scoped_addr(vrdma_path_get_address(p), p, host, sizeof(host));
		printf("nvme connect -t rdma -a %s -s %s -w %s", vctl_str(v, traddr), o.trsvcid,
		       vctl_str(v, host));
		if (o.nqn)
			printf(" -n %s", vctl_str(v, o.nqn));
		printf("\n");
	}
	if (arr) {
		vctl_print_json(arr);
		json_object_put(arr);
	}
	vrdma_source_unref(s);
	vrdma_bindings_unref(b);
	return VCTL_EXIT_OK;
}

#ifdef VCTL_HAVE_LIBNVME

/* ---- libnvme ------------------------------------------------------------------- */

/* A libnvme tree with the host NQN, its log kept to attach to errors. */
struct nvme_session {
	nvme_root_t root;
	nvme_host_t host;
	FILE *log;      /* libnvme's messages (open_memstream) */
	char *log_buf;
	size_t log_len;
	size_t log_seen; /* the part already taken by log_take() */
};

/* The last line libnvme logged since the previous call ("" for none). */
static void log_take(struct nvme_session *n, char *buf, size_t len)
{
	char *text, *nl;

	buf[0] = 0;
	if (!n->log || fflush(n->log) != 0 || !n->log_buf || n->log_seen >= n->log_len)
		return;
	text = n->log_buf + n->log_seen;
	n->log_seen = n->log_len;
	while ((nl = strrchr(text, '\n')) && nl[1] == 0)
		*nl = 0;
	if ((nl = strrchr(text, '\n')))
		text = nl + 1;
	snprintf(buf, len, "%s", text);
}

static void session_close(struct nvme_session *n)
{
	if (n->root)
		nvme_free_tree(n->root);
	if (n->log)
		fclose(n->log);
	free(n->log_buf);
}

/* scan: read the kernel's controllers too (disconnect). */
static int session_open(struct vctl *v, const char *hostnqn, bool scan, struct nvme_session *n)
{
	memset(n, 0, sizeof(*n));
	n->log = open_memstream(&n->log_buf, &n->log_len);
	if (!n->log)
		return vctl_fail(v, 0, "libnvme: %s", strerror(errno));
	n->root = nvme_create_root(n->log, LOG_ERR);
	if (!n->root)
		return vctl_fail(v, 0, "libnvme: cannot create its tree: %s", strerror(errno));
	/* No /sys/class/nvme-subsystem (no NVMe module loaded): no controller. */
	if (scan && nvme_scan_topology(n->root, NULL, NULL) < 0 && errno != ENOENT) {
		int err = errno;
		char msg[256];

		log_take(n, msg, sizeof(msg));
		return vctl_fail(v, 0, "libnvme: cannot read the NVMe controllers: %s%s%s",
		                 strerror(err), msg[0] ? "; libnvme: " : "", msg);
	}
	if (hostnqn) {
		char *hostid = nvmf_hostid_from_file();

		n->host = nvme_lookup_host(n->root, hostnqn, hostid);
		free(hostid);
	} else {
		n->host = nvme_default_host(n->root);
	}
	if (!n->host || !nvme_host_get_hostnqn(n->host))
		return vctl_fail(v, 0, "no host NQN: write /etc/nvme/hostnqn (nvme gen-hostnqn) "
		                 "or give --hostnqn");
	return 0;
}

/* libnvme's connect errors (ENVME_CONNECT_*, errno values from 1000) in words. */
static const char *connect_error(int err)
{
	switch (err) {
	case ENVME_CONNECT_RESOLVE: return "cannot resolve the address";
	case ENVME_CONNECT_ADDRFAM: return "unrecognised address family";
	case ENVME_CONNECT_TRADDR: return "bad transport address";
	case ENVME_CONNECT_TARG: return "no transport";
	case ENVME_CONNECT_AARG: return "no address";
	case ENVME_CONNECT_OPEN: return "cannot open /dev/nvme-fabrics (is the nvme-rdma module loaded?)";
	case ENVME_CONNECT_WRITE: return "the kernel refused the connection (see its log, dmesg)";
	case ENVME_CONNECT_READ: return "cannot read the new controller from /dev/nvme-fabrics";
	case ENVME_CONNECT_PARSE: return "cannot parse the new controller from /dev/nvme-fabrics";
	case ENVME_CONNECT_INVAL_TR: return "transport rdma unknown to the kernel (load nvme-rdma)";
	case ENVME_CONNECT_LOOKUP_SUBSYS_NAME:
	case ENVME_CONNECT_LOOKUP_SUBSYS: return "cannot find the controller's subsystem in sysfs";
	case ENVME_CONNECT_ALREADY: return "already connected";
	case ENVME_CONNECT_INVAL: return "the kernel rejected the options (invalid argument)";
	case ENVME_CONNECT_ADDRINUSE: return "the host NQN is already in use";
	case ENVME_CONNECT_NODEV: return "no such interface";
	case ENVME_CONNECT_OPNOTSUPP: return "not supported by the kernel";
	case ENVME_CONNECT_CONNREFUSED: return "connection refused";
	default: return err > 0 ? strerror(err) : "failed";
	}
}

/* What happened on one path. */
enum path_result {
	PATH_FAILED = 0,
	PATH_CONNECTED,   /* connect: connected by this command */
	PATH_ALREADY,     /* connect: the kernel has this controller already */
	PATH_ROLLED_BACK, /* connect: connected, then disconnected (another path failed) */
	PATH_DISCOVERED,  /* discover: the log page was read */
};

static const char *const result_names[] = {
	[PATH_FAILED] = "failed",
	[PATH_CONNECTED] = "connected",
	[PATH_ALREADY] = "already-connected",
	[PATH_ROLLED_BACK] = "disconnected",
	[PATH_DISCOVERED] = "discovered",
};

struct nvme_path {
	struct vrdma_path *p;
	char traddr[128];
	char host_traddr[128];
	enum path_result result;
	char ctrl[32];    /* the kernel's controller name ("nvme0"), "" when none */
	char error[512];  /* why it failed, "" when it did not */
	nvme_ctrl_t c;    /* connect: the controller this command connected */
	struct nvmf_discovery_log *log; /* discover: the log page (free()) */
};

/* Record err (an errno or ENVME_CONNECT_*) and what libnvme logged about it. */
static void path_error(struct nvme_session *n, struct nvme_path *np, const char *what, int err)
{
	char msg[256];

	log_take(n, msg, sizeof(msg));
	snprintf(np->error, sizeof(np->error), "%s%s%s%s%s", what, what[0] ? ": " : "",
	         connect_error(err), msg[0] ? "; libnvme: " : "", msg);
}

/* Addresses for the kernel; false (with the error set) when they cannot be passed. */
static bool path_addrs(struct vrdma_source *s, struct nvme_path *np)
{
	vctl_scoped_addr(vrdma_source_get_target(s), np->p, np->traddr, sizeof(np->traddr));
	vctl_scoped_addr(vrdma_path_get_address(np->p), np->p, np->host_traddr,
	                 sizeof(np->host_traddr));
	if (option_value_ok(np->traddr) && option_value_ok(np->host_traddr))
		return true;
	snprintf(np->error, sizeof(np->error),
	         "address '%s' or '%s' (netdev scope) cannot be passed to nvme-fabrics",
	         np->traddr, np->host_traddr);
	return false;
}

/* Connect np's controller for nqn; np->c is set when this call connected it. */
static void path_connect(struct nvme_session *n, const char *nqn, const char *trsvcid,
                         struct nvme_path *np)
{
	struct nvme_fabrics_config cfg;
	nvme_ctrl_t c;

	c = nvme_create_ctrl(n->root, nqn, "rdma", np->traddr, np->host_traddr, NULL, trsvcid);
	if (!c) {
		path_error(n, np, "cannot describe the controller", errno);
		return;
	}
	nvmf_default_config(&cfg);
	if (nvmf_add_ctrl(n->host, c, &cfg) < 0) {
		int err = errno;

		nvme_free_ctrl(c);
		if (err == ENVME_CONNECT_ALREADY || err == EALREADY) {
			log_take(n, np->error, sizeof(np->error));
			np->error[0] = 0;
			np->result = PATH_ALREADY;
			return;
		}
		path_error(n, np, "", err);
		return;
	}
	log_take(n, np->error, sizeof(np->error));
	np->error[0] = 0;
	snprintf(np->ctrl, sizeof(np->ctrl), "%s", nvme_ctrl_get_name(c) ? nvme_ctrl_get_name(c) : "");
	np->c = c;
	np->result = PATH_CONNECTED;
}

/* Disconnect what path_connect connected; false when the kernel keeps it. */
static bool path_disconnect(struct nvme_session *n, struct nvme_path *np)
{
	if (nvme_disconnect_ctrl(np->c) < 0) {
		path_error(n, np, "connected, but cannot disconnect it after another path failed", errno);
		return false;
	}
	np->result = PATH_ROLLED_BACK;
	snprintf(np->error, sizeof(np->error), "another path failed");
	return true;
}

/* Read the discovery log through np's discovery controller, then drop it. */
static void path_discover(struct nvme_session *n, const char *trsvcid, struct nvme_path *np)
{
	struct nvme_fabrics_config cfg;
	nvme_ctrl_t c;
	int r;

	c = nvme_create_ctrl(n->root, NVME_DISC_SUBSYS_NAME, "rdma", np->traddr, np->host_traddr,
	                     NULL, trsvcid);
	if (!c) {
		path_error(n, np, "cannot describe the discovery controller", errno);
		return;
	}
	nvmf_default_config(&cfg);
	if (nvmf_add_ctrl(n->host, c, &cfg) < 0) {
		path_error(n, np, "cannot connect the discovery controller", errno);
		nvme_free_ctrl(c);
		return;
	}
	snprintf(np->ctrl, sizeof(np->ctrl), "%s", nvme_ctrl_get_name(c) ? nvme_ctrl_get_name(c) : "");
	r = nvmf_get_discovery_log(c, &np->log, 4);
	if (r != 0) {
		if (r > 0)
			snprintf(np->error, sizeof(np->error), "cannot read the discovery log: %s",
			         nvme_status_to_string(r, true));
		else
			path_error(n, np, "cannot read the discovery log", errno);
		np->log = NULL;
	} else {
		np->result = PATH_DISCOVERED;
	}
	if (nvme_disconnect_ctrl(c) < 0) {
		np->result = PATH_FAILED;
		path_error(n, np, "the discovery controller stays connected", errno);
	}
	nvme_free_ctrl(c);
}

/* ---- output ---------------------------------------------------------------------- */

/* A fixed-size log page field (NUL- or space-padded) as a C string. */
static const char *field(const char *f, size_t size, char *buf, size_t len)
{
	size_t n = strnlen(f, size);

	while (n && f[n - 1] == ' ')
		n--;
	snprintf(buf, len, "%.*s", (int)n, f);
	return buf;
}

static uint64_t log_records(const struct nvmf_discovery_log *log)
{
	return log ? le64toh(log->numrec) : 0;
}

struct log_entry {
	char traddr[NVMF_TRADDR_SIZE + 1];
	char trsvcid[NVMF_TRSVCID_SIZE + 1];
	char subnqn[NVME_NQN_LENGTH + 1];
	const char *trtype, *adrfam, *subtype;
	int portid;
};

static void log_entry(const struct nvmf_disc_log_entry *e, struct log_entry *x)
{
	field(e->traddr, sizeof(e->traddr), x->traddr, sizeof(x->traddr));
	field(e->trsvcid, sizeof(e->trsvcid), x->trsvcid, sizeof(x->trsvcid));
	field(e->subnqn, sizeof(e->subnqn), x->subnqn, sizeof(x->subnqn));
	x->trtype = nvmf_trtype_str(e->trtype);
	x->adrfam = nvmf_adrfam_str(e->adrfam);
	x->subtype = nvmf_subtype_str(e->subtype);
	x->portid = le16toh(e->portid);
}

static struct json_object *entries_json(const struct nvmf_discovery_log *log)
{
	struct json_object *arr = json_object_new_array();
	uint64_t i;

	for (i = 0; i < log_records(log); i++) {
		struct json_object *o = json_object_new_object();
		struct log_entry x;

		log_entry(&log->entries[i], &x);
		json_object_object_add(o, "trtype", vctl_jstr(x.trtype));
		json_object_object_add(o, "adrfam", vctl_jstr(x.adrfam));
		json_object_object_add(o, "subtype", vctl_jstr(x.subtype));
		json_object_object_add(o, "portid", json_object_new_int(x.portid));
		json_object_object_add(o, "traddr", vctl_jstr(x.traddr));
		json_object_object_add(o, "trsvcid", vctl_jstr(x.trsvcid));
		json_object_object_add(o, "subnqn", vctl_jstr(x.subnqn));
		json_object_array_add(arr, o);
	}
	return arr;
}

static void entries_print(const struct nvmf_discovery_log *log)
{
	static const char *const hdr[] = { "Trtype", "Adrfam", "Subtype", "Traddr", "Trsvcid",
	                                   "Subnqn" };
	struct vctl_table *t = vctl_table_new(hdr, 6);
	uint64_t i;

	if (!t)
		return;
	for (i = 0; i < log_records(log); i++) {
		struct log_entry x;

		log_entry(&log->entries[i], &x);
		vctl_table_addv(t, x.trtype, x.adrfam, x.subtype, x.traddr, x.trsvcid, x.subnqn);
	}
	vctl_table_print(t, stdout);
	vctl_table_free(t);
}

static struct json_object *result_json(const struct nvme_path *np, const struct nvme_opts *o,
                                       const char *nqn)
{
	struct json_object *j = path_json(np->p, o->trsvcid, nqn);

	json_object_object_add(j, "result", json_object_new_string(result_names[np->result]));
	json_object_object_add(j, "controller", vctl_jstr(np->ctrl[0] ? np->ctrl : NULL));
	json_object_object_add(j, "error", vctl_jstr(np->error[0] ? np->error : NULL));
	if (np->result == PATH_DISCOVERED)
		json_object_object_add(j, "entries", entries_json(np->log));
	return j;
}

/* "vmk1 192.168.50.11 -> 192.168.50.200:4420 (vmrdma0 port 1, vmnic1): connected nvme0";
 * an IPv6 target in brackets ("[fd00::1]:4420"). */
static void result_print(struct vctl *v, const struct nvme_path *np, const struct nvme_opts *o)
{
	bool v6 = strchr(np->traddr, ':') != NULL;

	printf("%s %s -> %s%s%s:%s (%s port %d, %s): %s", vctl_str(v, vctl_path_vmk(np->p)),
	       vctl_str(v, np->host_traddr), v6 ? "[" : "", vctl_str(v, np->traddr), v6 ? "]" : "",
	       o->trsvcid, vctl_str(v, vctl_adapter_label(vrdma_path_get_adapter(np->p))),
	       vrdma_path_get_port_number(np->p), vctl_str(v, path_uplink(np->p)),
	       result_names[np->result]);
	if (np->ctrl[0] && np->result != PATH_FAILED)
		printf(" %s", vctl_str(v, np->ctrl));
	if (np->result == PATH_DISCOVERED)
		printf(", %llu entr%s", (unsigned long long)log_records(np->log),
		       log_records(np->log) == 1 ? "y" : "ies");
	if (np->error[0])
		printf(": %s", vctl_str(v, np->error));
	printf("\n");
	if (np->result == PATH_DISCOVERED && log_records(np->log))
		entries_print(np->log);
}

static void results_show(struct vctl *v, const struct nvme_path *ps, size_t n,
                         const struct nvme_opts *o, const char *nqn)
{
	struct json_object *arr = v->json ? json_object_new_array() : NULL;
	size_t i;

	for (i = 0; i < n; i++) {
		if (arr)
			json_object_array_add(arr, result_json(&ps[i], o, nqn));
		else
			result_print(v, &ps[i], o);
	}
	if (arr) {
		vctl_print_json(arr);
		json_object_put(arr);
	}
}

/* ---- commands ---------------------------------------------------------------------- */

/* Everything nvme discover and nvme connect share: options, paths, libnvme. */
struct nvme_run {
	struct nvme_opts o;
	struct vrdma_bindings *b;
	struct vrdma_source *s;
	struct nvme_session n;
	struct nvme_path *ps;
	size_t n_ps;
};

static void run_close(struct nvme_run *run)
{
	size_t i;

	for (i = 0; i < run->n_ps; i++)
		free(run->ps[i].log);
	free(run->ps);
	session_close(&run->n);
	vrdma_source_unref(run->s);
	vrdma_bindings_unref(run->b);
}

static int run_open(struct vctl *v, int argc, char **argv, unsigned int accepted,
                    unsigned int required, struct nvme_run *run)
{
	struct vrdma_path *p;
	int r;

	memset(run, 0, sizeof(*run));
	if ((r = parse_opts(v, argc, argv, accepted, required, &run->o)) ||
	    (r = open_paths(v, &run->o, &run->b, &run->s)) ||
	    (r = session_open(v, run->o.hostnqn, false, &run->n)))
		return r;
	run->ps = calloc((size_t)vrdma_source_get_n_paths(run->s), sizeof(*run->ps));
	if (!run->ps)
		return vctl_fail(v, 0, "target %s: out of memory", run->o.target);
	for (; vrdma_source_get_path(run->s, (unsigned int)run->n_ps, &p) == 0; run->n_ps++)
		run->ps[run->n_ps].p = p;
	return 0;
}

static int cmd_nvme_discover(struct vctl *v, int argc, char **argv)
{
	struct nvme_run run;
	size_t i, ok = 0;
	int r = run_open(v, argc, argv, OPT_TARGET | OPT_TRSVCID | OPT_SINGLE | OPT_HOSTNQN,
	                 OPT_TARGET, &run);

	if (r == 0) {
		for (i = 0; i < run.n_ps; i++) {
			if (path_addrs(run.s, &run.ps[i]))
				path_discover(&run.n, run.o.trsvcid, &run.ps[i]);
			ok += run.ps[i].result == PATH_DISCOVERED;
		}
		results_show(v, run.ps, run.n_ps, &run.o, NULL);
		if (ok < run.n_ps)
			r = vctl_fail(v, 0, "target %s: %zu of %zu paths could not read the discovery log",
			              run.o.target, run.n_ps - ok, run.n_ps);
	}
	run_close(&run);
	return r;
}

/* After a failed path: disconnect what this command connected; the count kept. */
static size_t connect_rollback(struct nvme_run *run)
{
	size_t i, kept = 0;

	for (i = 0; i < run->n_ps; i++)
		if (run->ps[i].result == PATH_CONNECTED && !path_disconnect(&run->n, &run->ps[i]))
			kept++;
	return kept;
}

/* The exit code, with a line on stderr when a path failed. */
static int connect_summary(struct vctl *v, const struct nvme_run *run, size_t failed, size_t kept)
{
	const char *nqn = run->o.nqn;

	if (kept)
		return vctl_fail(v, 0, "nqn %s: %zu of %zu paths failed, and %zu connected path%s "
		                 "could not be disconnected", nqn, failed, run->n_ps, kept,
		                 kept == 1 ? "" : "s");
	if (failed && run->o.keep_partial)
		return vctl_fail(v, 0, "nqn %s: %zu of %zu paths failed (--keep-partial: the others "
		                 "stay connected)", nqn, failed, run->n_ps);
	if (failed)
		return vctl_fail(v, 0, "nqn %s: %zu of %zu paths failed; nothing is left connected", nqn,
		                 failed, run->n_ps);
	return VCTL_EXIT_OK;
}

static int cmd_nvme_connect(struct vctl *v, int argc, char **argv)
{
	struct nvme_run run;
	size_t i, failed = 0, kept = 0;
	int r = run_open(v, argc, argv,
	                 OPT_TARGET | OPT_TRSVCID | OPT_NQN | OPT_SINGLE | OPT_KEEP | OPT_HOSTNQN,
	                 OPT_TARGET | OPT_NQN, &run);

	if (r == 0) {
		for (i = 0; i < run.n_ps; i++) {
			if (path_addrs(run.s, &run.ps[i]))
				path_connect(&run.n, run.o.nqn, run.o.trsvcid, &run.ps[i]);
			failed += run.ps[i].result == PATH_FAILED;
		}
		if (failed && !run.o.keep_partial)
			kept = connect_rollback(&run);
		results_show(v, run.ps, run.n_ps, &run.o, run.o.nqn);
		r = connect_summary(v, &run, failed, kept);
	}
	run_close(&run);
	return r;
}

static struct json_object *disconnect_json(nvme_ctrl_t c, int err)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "controller", vctl_jstr(nvme_ctrl_get_name(c)));
	json_object_object_add(o, "traddr", vctl_jstr(nvme_ctrl_get_traddr(c)));
	json_object_object_add(o, "trsvcid", vctl_jstr(nvme_ctrl_get_trsvcid(c)));
	json_object_object_add(o, "host_traddr", vctl_jstr(nvme_ctrl_get_host_traddr(c)));
	json_object_object_add(o, "result", json_object_new_string(err ? "failed" : "disconnected"));
	json_object_object_add(o, "error", err ? vctl_jstr(strerror(err)) : NULL);
	return o;
}

/* Disconnect every RDMA controller of the subsystem; counts in *n and *failed. */
static void disconnect_subsys(struct vctl *v, nvme_subsystem_t sub, struct json_object *arr,
                              unsigned int *n, unsigned int *failed)
{
	nvme_ctrl_t c, next;

	nvme_subsystem_for_each_ctrl_safe(sub, c, next) {
		const char *tr = nvme_ctrl_get_transport(c);
		int err = 0;

		if (!tr || strcmp(tr, "rdma") != 0)
			continue;
		if (nvme_disconnect_ctrl(c) < 0)
			err = errno ? errno : EIO;
		(*n)++;
		*failed += err != 0;
		if (arr) {
			json_object_array_add(arr, disconnect_json(c, err));
			continue;
		}
		printf("%s %s -> %s:%s: %s%s%s\n", vctl_str(v, nvme_ctrl_get_name(c)),
		       vctl_str(v, vctl_or_dash(nvme_ctrl_get_host_traddr(c))),
		       vctl_str(v, vctl_or_dash(nvme_ctrl_get_traddr(c))),
		       vctl_str(v, vctl_or_dash(nvme_ctrl_get_trsvcid(c))),
		       err ? "failed" : "disconnected", err ? ": " : "", err ? strerror(err) : "");
	}
}

static int cmd_nvme_disconnect(struct vctl *v, int argc, char **argv)
{
	struct json_object *arr = NULL;
	struct nvme_session n;
	struct nvme_opts o;
	nvme_host_t h;
	nvme_subsystem_t sub;
	unsigned int count = 0, failed = 0;
	int r;

	if ((r = parse_opts(v, argc, argv, OPT_NQN, OPT_NQN, &o)))
		return r;
	if ((r = session_open(v, NULL, true, &n))) {
		session_close(&n);
		return r;
	}
	if (v->json)
		arr = json_object_new_array();
	nvme_for_each_host(n.root, h)
		nvme_for_each_subsystem(h, sub)
			if (nvme_subsystem_get_nqn(sub) && strcmp(nvme_subsystem_get_nqn(sub), o.nqn) == 0)
				disconnect_subsys(v, sub, arr, &count, &failed);
	if (arr) {
		vctl_print_json(arr);
		json_object_put(arr);
	} else if (count == 0) {
		printf("nqn %s: no RDMA controller is connected\n", vctl_str(v, o.nqn));
	}
	session_close(&n);
	if (failed)
		return vctl_fail(v, 0, "nqn %s: %u of %u controllers could not be disconnected", o.nqn,
		                 failed, count);
	return VCTL_EXIT_OK;
}

#else /* !VCTL_HAVE_LIBNVME */

/* Arguments are checked as with libnvme; then the command says what it lacks. */
static int without_libnvme(struct vctl *v, int argc, char **argv, unsigned int accepted,
                           unsigned int required)
{
	struct nvme_opts o;
	int r = parse_opts(v, argc, argv, accepted, required, &o);

	if (r)
		return r;
	return vctl_fail(v, 0, "vrdmactl was built without libnvme (meson -Dnvme=enabled, Debian "
	                 "libnvme-dev); nvme connect-args prints the nvme-cli commands instead");
}

static int cmd_nvme_discover(struct vctl *v, int argc, char **argv)
{
	return without_libnvme(v, argc, argv, OPT_TARGET | OPT_TRSVCID | OPT_SINGLE | OPT_HOSTNQN,
	                       OPT_TARGET);
}

static int cmd_nvme_connect(struct vctl *v, int argc, char **argv)
{
	return without_libnvme(v, argc, argv,
	                       OPT_TARGET | OPT_TRSVCID | OPT_NQN | OPT_SINGLE | OPT_KEEP | OPT_HOSTNQN,
	                       OPT_TARGET | OPT_NQN);
}

static int cmd_nvme_disconnect(struct vctl *v, int argc, char **argv)
{
	return without_libnvme(v, argc, argv, OPT_NQN, OPT_NQN);
}

#endif /* VCTL_HAVE_LIBNVME */

const struct vctl_cmd vctl_nvme_cmds[] = {
	{ "nvme connect-args", cmd_nvme_connect_args,
	  "print the nvme connect command of every path to an NVMe over RDMA target",
	  "--target ADDR [--trsvcid 4420] [--nqn NQN] [--single]",
	  "Prints one line per path, the bound vmks whose subnet (or default gateway)\n"
	  "reaches ADDR, in order of preference (healthy before degraded, connected\n"
	  "subnet before gateway, longest prefix first, then vmk name):\n"
	  "  nvme connect -t rdma -a ADDR -s PORT -w HOST_TRADDR [-n NQN]\n"
	  "one controller per path (multipath).  --single prints the first only.\n"
	  "ADDR may be IPv6 link-local with a scope: fe80::1%vmk1 or fe80::1%NETDEV.\n"
	  "-j prints a JSON array of paths.  Fails with the blocking finding when no\n"
	  "usable binding reaches ADDR." },
	{ "nvme discover", cmd_nvme_discover,
	  "read the discovery log of an NVMe over RDMA target over every bound path",
	  "--target ADDR [--trsvcid 4420] [--single] [--hostnqn NQN]",
	  "Per path (as nvme connect-args chooses them): connects the discovery\n"
	  "controller from the path's source address, reads the discovery log, prints\n"
	  "its entries (trtype, adrfam, subtype, traddr, trsvcid, subnqn) and\n"
	  "disconnects it again.  Exit 1 when any path fails (each names its error).\n"
	  "-j: a JSON array of paths with result, controller, error and entries.\n"
	  "Needs libnvme (built with -Dnvme) and the kernel's nvme-rdma." },
	{ "nvme connect", cmd_nvme_connect,
	  "connect one NVMe over RDMA controller per bound path to a target",
	  "--target ADDR --nqn NQN [--trsvcid 4420] [--single] [--keep-partial] [--hostnqn NQN]",
	  "Connects subsystem NQN over every path (multipath: one controller per\n"
	  "path, host_traddr the path's source address) and prints per path\n"
	  "connected CTRL, already-connected, failed: REASON or disconnected.  When a\n"
	  "path fails, the controllers this command connected are disconnected\n"
	  "again (exit 1, nothing half-connected); --keep-partial keeps them.\n"
	  "--hostnqn replaces /etc/nvme/hostnqn.  -j: a JSON array of paths with\n"
	  "result, controller and error.  Needs libnvme and the kernel's nvme-rdma." },
	{ "nvme disconnect", cmd_nvme_disconnect,
	  "disconnect every NVMe over RDMA controller of a subsystem",
	  "--nqn NQN",
	  "Disconnects each RDMA controller of subsystem NQN and prints it; none\n"
	  "connected is no error.  Exit 1 when one stays connected.  -j: a JSON\n"
	  "array of controllers with result and error.  Needs libnvme." },
	{ NULL, NULL, NULL, NULL, NULL },
};
