/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * vrdmactl storage: the host's NVMe over RDMA controllers and iSER sessions
 * (esxcli storage core path list / esxcli nvme controller list), each with
 * the binding it rides on and its adapter port's counters.  Public API only.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vrdmactl.h"

static const char *session_target_name(struct vrdma_storage_session *s)
{
	const char *n = NULL;

	return vrdma_storage_session_get_target_name(s, &n) == 0 ? n : NULL;
}

static const char *session_source(struct vrdma_storage_session *s)
{
	const char *a = NULL;

	return vrdma_storage_session_get_source_address(s, &a) == 0 ? a : NULL;
}

static const char *session_state(struct vrdma_storage_session *s)
{
	const char *st = NULL;

	return vrdma_storage_session_get_state(s, &st) == 0 ? st : NULL;
}

static struct vrdma_binding *session_binding(struct vrdma_storage_session *s)
{
	struct vrdma_binding *bd = NULL;

	return vrdma_storage_session_get_binding(s, &bd) == 0 ? bd : NULL;
}

static struct vrdma_adapter *session_adapter(struct vrdma_storage_session *s)
{
	struct vrdma_adapter *a = NULL;

	return vrdma_storage_session_get_adapter(s, &a) == 0 ? a : NULL;
}

static int session_port(struct vrdma_storage_session *s)
{
	struct vrdma_port *p = NULL;

	return vrdma_storage_session_get_port(s, &p) == 0 ? vrdma_port_get_number(p) : -1;
}

/* The uplink (vmnic) the path leaves through: its binding's. */
static const char *session_uplink(struct vrdma_storage_session *s)
{
	struct vrdma_binding *bd = session_binding(s);
	struct vrdma_uplink *u = NULL;
	const char *name = NULL;

	if (!bd)
		return NULL;
	if (vrdma_binding_get_uplink(bd, &u) == 0 && vrdma_uplink_get_alias(u))
		return vrdma_uplink_get_alias(u);
	return vrdma_binding_get_uplink_name(bd, &name) == 0 ? name : NULL;
}

static const char *session_vmk(struct vrdma_storage_session *s)
{
	struct vrdma_binding *bd = session_binding(s);

	return bd ? vrdma_vmk_get_name(vrdma_binding_get_vmk(bd)) : NULL;
}

static const char *binding_state(struct vrdma_storage_session *s)
{
	struct vrdma_binding *bd = session_binding(s);

	return bd ? vrdma_binding_state_to_string(vrdma_binding_get_state(bd)) : "none";
}

/* The table's summary of the counters: sent and received packets (rxe's
 * names), and the sum of those whose name says "err". */
static void counter_cells(struct vrdma_storage_session *s, char *tx, char *rx, char *errs,
                          size_t len)
{
	const char *name;
	uint64_t v, sum = 0;
	unsigned int i;
	bool any = false;

	snprintf(tx, len, "%s", "-");
	snprintf(rx, len, "%s", "-");
	snprintf(errs, len, "%s", "-");
	if (vrdma_storage_session_find_statistic(s, "sent_pkts", &v) == 0)
		snprintf(tx, len, "%" PRIu64, v);
	if (vrdma_storage_session_find_statistic(s, "rcvd_pkts", &v) == 0)
		snprintf(rx, len, "%" PRIu64, v);
	for (i = 0; vrdma_storage_session_get_statistic(s, i, &name, &v) == 0; i++)
		if (strstr(name, "err")) {
			sum += v;
			any = true;
		}
	if (any)
		snprintf(errs, len, "%" PRIu64, sum);
}

static struct json_object *session_json(struct vrdma_storage *st,
                                        struct vrdma_storage_session *s)
{
	struct json_object *o = json_object_new_object(), *ctrs = json_object_new_object();
	struct json_object *codes = json_object_new_array();
	struct vrdma_adapter *a = session_adapter(s);
	struct vrdma_diag *d;
	const char *name;
	unsigned int port, i;
	uint64_t v;
	int pn = session_port(s);

	json_object_object_add(o, "name", vctl_jstr(vrdma_storage_session_get_name(s)));
	json_object_object_add(o, "transport",
	                       vctl_jstr(vrdma_storage_kind_to_string(vrdma_storage_session_get_kind(s))));
	json_object_object_add(o, "target_address",
	                       vctl_jstr(vrdma_storage_session_get_target_address(s)));
	json_object_object_add(o, "target_port", vrdma_storage_session_get_target_port(s, &port) == 0
	                                                 ? json_object_new_int((int)port) : NULL);
	json_object_object_add(o, "target_name", vctl_jstr(session_target_name(s)));
	json_object_object_add(o, "source_address", vctl_jstr(session_source(s)));
	json_object_object_add(o, "state", vctl_jstr(session_state(s)));
	json_object_object_add(o, "live", json_object_new_boolean(vrdma_storage_session_is_live(s)));
	json_object_object_add(o, "vmknic", vctl_jstr(session_vmk(s)));
	json_object_object_add(o, "binding", vctl_jstr(binding_state(s)));
	json_object_object_add(o, "device", vctl_jstr(vctl_adapter_label(a)));
	json_object_object_add(o, "adapter", vctl_jstr(a ? vrdma_adapter_get_name(a) : NULL));
	json_object_object_add(o, "port", pn >= 0 ? json_object_new_int(pn) : NULL);
	json_object_object_add(o, "uplink", vctl_jstr(session_uplink(s)));
	for (i = 0; vrdma_storage_session_get_statistic(s, i, &name, &v) == 0; i++)
		json_object_object_add(ctrs, name, json_object_new_int64((int64_t)v));
	json_object_object_add(o, "counters", ctrs);
	for (i = 0; vrdma_storage_get_diag(st, i, &d) == 0; i++)
		if (vrdma_diag_involves(d, vrdma_storage_session_get_name(s)))
			json_object_array_add(codes,
			                      vctl_jstr(vrdma_rule_get_code(vrdma_diag_get_rule(d))));
	json_object_object_add(o, "findings", codes);
	return o;
}

/* The bindings, as binding check computes them; without a configuration file
 * (none written yet, no --config), an empty one: every session rides "none". */
static int open_bindings(struct vctl *v, struct vrdma_bindings **ret)
{
	struct vrdma_config *cfg = NULL;
	struct vrdma_host *host = NULL;
	int r;

	if (v->config_file || access(vrdma_ctx_get_config_path(v->ctx), F_OK) == 0)
		return vctl_open_bindings(v, ret);
	if ((r = vrdma_config_new(v->ctx, &cfg)) < 0)
		return vctl_fail(v, r, "cannot make an empty configuration");
	r = vctl_open_host(v, VRDMA_DISCOVER_READ_ONLY, &host);
	if (r) {
		vrdma_config_unref(cfg);
		return r;
	}
	r = vrdma_bindings_new(host, cfg, ret);
	vrdma_host_unref(host);
	vrdma_config_unref(cfg);
	return r < 0 ? vctl_fail(v, r, "cannot compute bindings") : 0;
}

static int cmd_path_list(struct vctl *v, int argc, char **argv)
{
	static const char *const hdr[] = { "Name", "Transport", "Target", "Port", "Target Name",
	                                   "Source", "Vmknic", "Device", "Uplink", "State",
	                                   "Binding", "Tx Pkts", "Rx Pkts", "Errors" };
	struct vrdma_bindings *b = NULL;
	struct vrdma_storage *st = NULL;
	struct vrdma_storage_session *s;
	struct vctl_list l;
	unsigned int i;
	int r;

	if ((r = vctl_no_args(v, argc, argv)) || (r = open_bindings(v, &b)))
		return r;
	r = vrdma_storage_discover(b, 0, &st);
	vrdma_bindings_unref(b);
	if (r < 0)
		return vctl_fail(v, r, "cannot read the storage sessions");
	vctl_list_begin(v, &l, hdr, 14);
	for (i = 0; vrdma_storage_get_session(st, i, &s) == 0; i++) {
		char port[16] = "-", tx[32], rx[32], errs[32];
		unsigned int pn;

		if (l.arr) {
			json_object_array_add(l.arr, session_json(st, s));
			continue;
		}
		if (vrdma_storage_session_get_target_port(s, &pn) == 0)
			snprintf(port, sizeof(port), "%u", pn);
		counter_cells(s, tx, rx, errs, sizeof(tx));
		vctl_table_addv(l.t, vrdma_storage_session_get_name(s),
		                vrdma_storage_kind_to_string(vrdma_storage_session_get_kind(s)),
		                vrdma_storage_session_get_target_address(s), port,
		                vctl_or_dash(session_target_name(s)), vctl_or_dash(session_source(s)),
		                vctl_or_dash(session_vmk(s)),
		                vctl_or_dash(vctl_adapter_label(session_adapter(s))),
		                vctl_or_dash(session_uplink(s)), vctl_or_dash(session_state(s)),
		                binding_state(s), tx, rx, errs);
	}
	vctl_list_end(&l);
	vrdma_storage_unref(st);
	return VCTL_EXIT_OK;
}

unsigned int vctl_storage_take_flags(int *argc, char **argv)
{
	unsigned int flags = 0;
	int i, k;

	for (i = k = 1; i < *argc; i++) {
		if (strcmp(argv[i], "--idle-vmks") == 0)
			flags |= VRDMA_STORAGE_CHECK_IDLE_VMKS;
		else
			argv[k++] = argv[i];
	}
	*argc = k;
	return flags;
}

int vctl_storage_diags(struct vctl *v, struct vrdma_bindings *b, unsigned int flags,
                       struct vrdma_storage **ret)
{
	int r = vrdma_storage_discover(b, flags, ret);

	if (r < 0)
		return vctl_fail(v, r, "cannot read the storage sessions");
	return 0;
}

const struct vctl_cmd vctl_storage_cmds[] = {
	{ "storage path list", cmd_path_list,
	  "list the NVMe over RDMA controllers and iSER sessions, with the binding each rides on",
	  "",
	  "One line per NVMe over RDMA controller and iSER session of the running kernel:\n"
	  "its target (address, port, NQN or IQN), its source address and the binding it\n"
	  "rides on (the vmk with that address, its adapter and uplink; 'none' when the\n"
	  "source is no vmk's), the kernel's state and the adapter port's counters\n"
	  "(hw_counters: sent and received packets, the sum of the error counters; -j\n"
	  "gives every counter and the codes of the session's findings).  binding check\n"
	  "reports the sessions' findings (VRDMA-B080..B083)." },
	{ NULL, NULL, NULL, NULL, NULL },
};
