/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * vrdma-perf: a perftest-style RoCE v2 loopback benchmark on libvrdma's
 * data-path module.  Prints perftest's table layout, or with -j one JSON
 * document (shape in vrdma-perf(1)).
 *
 * Exit status: 0 success, 1 the run failed, 2 usage error.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <vrdma/vrdma.h>

#include "opts.h"

#define LINE "---------------------------------------------------------------------------------------"

static const char *prog = "vrdma-perf";

static int report(struct vrdma_ctx *ctx, int r, const char *what)
{
	const char *msg = ctx ? vrdma_ctx_get_error(ctx) : "";

	fprintf(stderr, "%s: %s%s%s\n", prog, what ? what : "", what ? ": " : "",
	        msg && msg[0] ? msg : strerror(-r));
	return 1;
}

/*
 * --vmk NAME: resolve a VMkernel binding (live host + configuration) to
 * (device, port, RoCE v2 GID index) with the binding API and hand it to
 * vrdma_perf_set_gid().  An unbound vmk is refused with its first finding.
 */
static int resolve_vmk(struct vrdma_ctx *ctx, struct vrdma_perf *perf, const char *vmk)
{
	struct vrdma_host *host = NULL;
	struct vrdma_config *cfg = NULL;
	struct vrdma_bindings *b = NULL;
	struct vrdma_binding *bd = NULL;
	int r, i, idx = -1;

	r = vrdma_host_discover(ctx, VRDMA_DISCOVER_READ_ONLY, &host);
	if (r >= 0)
		r = vrdma_config_load(ctx, NULL, &cfg);
	if (r >= 0)
		r = vrdma_bindings_new(host, cfg, &b);
	if (r >= 0)
		r = vrdma_bindings_find_vmk(b, vmk, &bd);
	if (r < 0) {
		report(ctx, r, "--vmk");
		goto out;
	}
	if (vrdma_binding_get_state(bd) == VRDMA_BINDING_UNBOUND) {
		struct vrdma_diag *d = vrdma_binding_get_diag(bd, 0);
		fprintf(stderr, "%s: --vmk %s: unbound: %s %s (fix: %s)\n", prog, vmk,
		        vrdma_diag_get_code(d), vrdma_diag_get_message(d), vrdma_diag_get_hint(d));
		r = -ENOLINK;
		goto out;
	}
	for (i = 0; i < vrdma_binding_get_n_addrs(bd) && idx < 0; i++)
		if (vrdma_binding_get_addr_gid_index(bd, i, &idx) < 0)
			idx = -1;
	r = idx < 0 ? -ENOENT
	            : vrdma_perf_set_gid(perf, vrdma_adapter_get_name(vrdma_binding_get_adapter(bd)),
	                                 (unsigned)vrdma_port_get_number(vrdma_binding_get_port(bd)), idx);
	if (r < 0)
		report(ctx, r, "--vmk");
out:
	vrdma_bindings_unref(b);
	vrdma_config_unref(cfg);
	vrdma_host_unref(host);
	return r;
}

static int configure(struct vrdma_perf *perf, const struct vperf_opts *o)
{
	int r = 0;

	if (!o->vmk)
		r = vrdma_perf_set_gid(perf, o->device, o->port,
		                       o->gid_index >= 0 ? o->gid_index : VRDMA_PERF_AUTO);
	if (r == 0 && o->iters)
		r = vrdma_perf_set_iterations(perf, o->iters);
	if (r == 0 && o->duration > 0)
		r = vrdma_perf_set_duration(perf, o->duration);
	if (r == 0 && o->warmup >= 0)
		r = vrdma_perf_set_warmup(perf, o->warmup);
	if (r == 0)
		r = vrdma_perf_set_num_qps(perf, o->qps);
	if (r == 0 && o->tx_depth)
		r = vrdma_perf_set_tx_depth(perf, o->tx_depth);
	if (r == 0 && o->inline_size >= 0)
		r = vrdma_perf_set_inline_size(perf, o->inline_size);
	if (r == 0 && o->cq_mod)
		r = vrdma_perf_set_cq_moderation(perf, o->cq_mod);
	if (r == 0)
		r = vrdma_perf_set_use_events(perf, o->events);
	if (r == 0)
		r = vrdma_perf_set_size(perf, o->all ? 2 : o->size);
	return r;
}

static const char *title(int test)
{
	switch (test) {
	case VRDMA_PERF_WRITE_BW: return "RDMA_Write BW Test";
	case VRDMA_PERF_READ_BW: return "RDMA_Read BW Test";
	case VRDMA_PERF_SEND_BW: return "Send BW Test";
	case VRDMA_PERF_WRITE_LAT: return "RDMA_Write Latency Test";
	case VRDMA_PERF_READ_LAT: return "RDMA_Read Latency Test";
	default: return "Send Latency Test";
	}
}

/* The effective settings of a run, as the header and the JSON show them. */
struct settings {
	unsigned int port, depth, inl, cqmod, qps;
	uint64_t iters;
	int gid;
	bool lat;
};

static void get_settings(struct vrdma_perf *perf, const struct vperf_opts *o,
                         struct settings *st)
{
	unsigned int depth = 0, cqmod = 0, qps = 1;

	*st = (struct settings){ .port = 1, .gid = -1 };
	st->lat = vrdma_perf_test_is_latency(o->test) > 0;
	vrdma_perf_get_port(perf, &st->port);
	vrdma_perf_get_gid_index(perf, &st->gid);
	vrdma_perf_get_tx_depth(perf, o->test, &depth);
	vrdma_perf_get_inline_size(perf, o->test, &st->inl);
	vrdma_perf_get_cq_moderation(perf, &cqmod);
	vrdma_perf_get_num_qps(perf, &qps);
	vrdma_perf_get_iterations(perf, o->test, &st->iters);
	st->depth = depth;
	st->cqmod = cqmod < depth ? cqmod : depth; /* a CQ never waits past the depth */
	st->qps = st->lat ? 1 : qps;              /* latency tests use one QP pair */
}

static void print_header(struct vrdma_perf *perf, const struct vperf_opts *o)
{
	struct settings st;

	get_settings(perf, o, &st);

	printf("%s\n", LINE);
	printf("                    %s (vrdma-perf, RC loopback)\n", title(o->test));
	printf(" Device         : %s\n", vrdma_perf_get_device(perf));
	printf(" Port           : %u\n", st.port);
	printf(" GID index      : %d\n", st.gid);
	printf(" GID            : %s (RoCE v2)\n", vrdma_perf_get_gid_address(perf));
	printf(" Number of qps  : %u\t\tTransport type : IB\n", st.qps);
	printf(" Connection type: RC\t\tUsing SRQ      : OFF\n");
	printf(" TX depth       : %u\n", st.depth);
	if (!st.lat)
		printf(" CQ Moderation  : %u\n", st.cqmod);
	printf(" Inline data    : %u\n", st.inl);
	printf(" Completions    : %s\n", o->events ? "events" : "polling");
	if (o->duration > 0)
		printf(" Duration       : %g s\n", o->duration);
	else
		printf(" Iterations     : %llu\n", (unsigned long long)st.iters);
	printf("%s\n", LINE);
	if (st.lat)
		printf(" #bytes #iterations    t_min[usec]    t_max[usec]  t_typical[usec]    "
		       "t_avg[usec]    t_stdev[usec]   99%% percentile[usec]   99.9%% percentile[usec] \n");
	else if (o->gbits)
		printf(" #bytes     #iterations    BW peak[Gb/sec]    BW average[Gb/sec]   MsgRate[Mpps]\n");
	else
		printf(" #bytes     #iterations    BW peak[MB/sec]    BW average[MB/sec]   MsgRate[Mpps]\n");
	fflush(stdout);
}

struct row {
	uint64_t size, iters, bytes;
	double secs;
	int verified;
	double v[7];
};

static void get_row(struct vrdma_perf_result *res, bool lat, bool gbits, struct row *w)
{
	memset(w, 0, sizeof(*w));
	vrdma_perf_result_get_size(res, &w->size);
	vrdma_perf_result_get_iterations(res, &w->iters);
	vrdma_perf_result_get_bytes(res, &w->bytes);
	vrdma_perf_result_get_seconds(res, &w->secs);
	w->verified = vrdma_perf_result_get_verified(res);
	if (lat) {
		vrdma_perf_result_get_lat_min(res, &w->v[0]);
		vrdma_perf_result_get_lat_max(res, &w->v[1]);
		vrdma_perf_result_get_lat_typical(res, &w->v[2]);
		vrdma_perf_result_get_lat_avg(res, &w->v[3]);
		vrdma_perf_result_get_lat_stdev(res, &w->v[4]);
		vrdma_perf_result_get_lat_p99(res, &w->v[5]);
		vrdma_perf_result_get_lat_p999(res, &w->v[6]);
	} else {
		if (gbits) {
			vrdma_perf_result_get_bw_peak_gbps(res, &w->v[0]);
			vrdma_perf_result_get_bw_avg_gbps(res, &w->v[1]);
		} else {
			vrdma_perf_result_get_bw_peak(res, &w->v[0]);
			vrdma_perf_result_get_bw_avg(res, &w->v[1]);
		}
		vrdma_perf_result_get_msg_rate(res, &w->v[2]);
	}
}

static void print_row(const struct row *w, bool lat)
{
	if (lat)
		printf(" %-7llu %-10llu %-14.2f %-14.2f %-16.2f %-14.2f %-15.2f %-22.2f %-.2f\n",
		       (unsigned long long)w->size, (unsigned long long)w->iters, w->v[0], w->v[1],
		       w->v[2], w->v[3], w->v[4], w->v[5], w->v[6]);
	else
		printf(" %-10llu %-14llu %-18.2f %-20.2f %-.6f\n", (unsigned long long)w->size,
		       (unsigned long long)w->iters, w->v[0], w->v[1], w->v[2]);
	fflush(stdout);
}

static json_object *json_row(struct vrdma_perf_result *res, bool lat)
{
	json_object *o = json_object_new_object();
	struct row w;
	double gp = 0, ga = 0;

	get_row(res, lat, false, &w);
	json_object_object_add(o, "bytes", json_object_new_int64((int64_t)w.size));
	json_object_object_add(o, "iterations", json_object_new_int64((int64_t)w.iters));
	json_object_object_add(o, "total_bytes", json_object_new_int64((int64_t)w.bytes));
	json_object_object_add(o, "seconds", json_object_new_double(w.secs));
	json_object_object_add(o, "verified", json_object_new_boolean(w.verified > 0));
	if (lat) {
		static const char *const keys[] = { "t_min_usec", "t_max_usec", "t_typical_usec",
		                                    "t_avg_usec", "t_stdev_usec", "p99_usec",
		                                    "p99_9_usec" };
		size_t i;

		for (i = 0; i < 7; i++)
			json_object_object_add(o, keys[i], json_object_new_double(w.v[i]));
	} else {
		vrdma_perf_result_get_bw_peak_gbps(res, &gp);
		vrdma_perf_result_get_bw_avg_gbps(res, &ga);
		json_object_object_add(o, "bw_peak_mb_sec", json_object_new_double(w.v[0]));
		json_object_object_add(o, "bw_avg_mb_sec", json_object_new_double(w.v[1]));
		json_object_object_add(o, "bw_peak_gb_sec", json_object_new_double(gp));
		json_object_object_add(o, "bw_avg_gb_sec", json_object_new_double(ga));
		json_object_object_add(o, "msg_rate_mpps", json_object_new_double(w.v[2]));
	}
	return o;
}

static json_object *json_doc(struct vrdma_perf *perf, const struct vperf_opts *o)
{
	json_object *doc = json_object_new_object();
	struct settings st;

	get_settings(perf, o, &st);
	json_object_object_add(doc, "tool", json_object_new_string("vrdma-perf"));
	json_object_object_add(doc, "version", json_object_new_string(vrdma_version()));
	json_object_object_add(doc, "test", json_object_new_string(vrdma_perf_test_name(o->test)));
	json_object_object_add(doc, "kind", json_object_new_string(st.lat ? "latency" : "bandwidth"));
	json_object_object_add(doc, "device", json_object_new_string(vrdma_perf_get_device(perf)));
	json_object_object_add(doc, "port", json_object_new_int((int)st.port));
	json_object_object_add(doc, "gid_index", json_object_new_int(st.gid));
	json_object_object_add(doc, "gid", json_object_new_string(vrdma_perf_get_gid_address(perf)));
	json_object_object_add(doc, "qps", json_object_new_int((int)st.qps));
	json_object_object_add(doc, "tx_depth", json_object_new_int((int)st.depth));
	json_object_object_add(doc, "inline_size", json_object_new_int((int)st.inl));
	json_object_object_add(doc, "cq_moderation",
	                       json_object_new_int((int)st.cqmod));
	json_object_object_add(doc, "events", json_object_new_boolean(o->events));
	json_object_object_add(doc, "duration_sec",
	                       o->duration > 0 ? json_object_new_double(o->duration) : NULL);
	json_object_object_add(doc, "results", json_object_new_array());
	return doc;
}

int main(int argc, char **argv)
{
	struct vrdma_ctx *ctx = NULL;
	struct vrdma_perf *perf = NULL;
	json_object *doc = NULL, *results = NULL;
	struct vperf_opts o;
	size_t size, first, last;
	bool lat;
	int r, rc = 1;

	if (argc > 0 && argv[0] && strrchr(argv[0], '/'))
		prog = strrchr(argv[0], '/') + 1;
	if (vperf_parse(argc, argv, &o) < 0) {
		fprintf(stderr, "%s: %s\n", prog, o.err);
		return 2;
	}
	if (o.help) {
		vperf_usage(stdout, prog);
		return 0;
	}
	if (o.version) {
		printf("%s %s\n", prog, vrdma_version());
		return 0;
	}
	lat = vrdma_perf_test_is_latency(o.test) > 0;

	r = vrdma_ctx_new(&ctx);
	if (r < 0)
		return report(NULL, r, "cannot create a libvrdma context");
	r = vrdma_perf_new(ctx, &perf);
	if (r < 0) {
		report(ctx, r, NULL);
		goto out;
	}
	if (o.vmk) {
		r = resolve_vmk(ctx, perf, o.vmk);
		if (r < 0)
			goto out;
	}
	r = configure(perf, &o);
	if (r < 0) {
		report(ctx, r, NULL);
		rc = 2;
		goto out;
	}
	r = vrdma_perf_open(perf);
	if (r < 0) {
		report(ctx, r, NULL);
		goto out;
	}
	if (o.json) {
		doc = json_doc(perf, &o);
		results = json_object_object_get(doc, "results");
	} else {
		print_header(perf, &o);
	}

	first = o.all ? 2 : o.size;
	last = o.all ? VRDMA_PERF_SIZE_MAX : o.size;
	for (size = first; size <= last; size *= 2) {
		struct vrdma_perf_result *res = NULL;
		struct row w;

		r = vrdma_perf_set_size(perf, size);
		if (r == 0)
			r = vrdma_perf_run(perf, o.test, &res);
		if (r < 0) {
			if (!o.json)
				printf("%s\n", LINE);
			report(ctx, r, NULL);
			goto out;
		}
		if (o.json) {
			json_object_array_add(results, json_row(res, lat));
		} else {
			get_row(res, lat, o.gbits, &w);
			print_row(&w, lat);
		}
		vrdma_perf_result_unref(res);
	}
	if (o.json)
		printf("%s\n", json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PRETTY |
		                                                   JSON_C_TO_STRING_NOSLASHESCAPE));
	else
		printf("%s\n", LINE);
	rc = 0;
out:
	json_object_put(doc);
	vrdma_perf_unref(perf);
	vrdma_ctx_unref(ctx);
	return rc;
}
