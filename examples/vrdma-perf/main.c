/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * vrdma-perf: a perftest-style RoCE v2 loopback benchmark on libibverbs,
 * its endpoint chosen with libvrdma's discovery.  Prints perftest's table
 * layout, or with -j one JSON document (shape in vrdma-perf(1)).
 *
 * Exit status: 0 success, 1 the run failed, 2 usage error.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <syslog.h>

#include <json-c/json.h>
#include <vrdma/vrdma.h>

#include "opts.h"
#include "perf.h"

#define LINE "---------------------------------------------------------------------------------------"

static const char *prog = "vrdma-perf";

static int report(const char *msg)
{
	fprintf(stderr, "%s: %s\n", prog, msg);
	return 1;
}

static const char *title(int test)
{
	switch (test) {
	case PERF_WRITE_BW: return "RDMA_Write BW Test";
	case PERF_READ_BW: return "RDMA_Read BW Test";
	case PERF_SEND_BW: return "Send BW Test";
	case PERF_WRITE_LAT: return "RDMA_Write Latency Test";
	case PERF_READ_LAT: return "RDMA_Read Latency Test";
	default: return "Send Latency Test";
	}
}

static void print_header(const struct perf_endpoint *ep, const struct perf_params *pp,
                         const struct vperf_opts *o)
{
	printf("%s\n", LINE);
	printf("                    %s (vrdma-perf, RC loopback)\n", title(pp->test));
	printf(" Device         : %s\n", ep->device);
	printf(" Port           : %u\n", ep->port);
	printf(" GID index      : %d\n", ep->gid_index);
	printf(" GID            : %s (RoCE v2)\n", ep->gid_text);
	printf(" Number of qps  : %u\t\tTransport type : IB\n", pp->num_qps);
	printf(" Connection type: RC\t\tUsing SRQ      : OFF\n");
	printf(" TX depth       : %u\n", pp->tx_depth);
	if (!pp->latency)
		printf(" CQ Moderation  : %u\n", pp->cq_mod);
	printf(" Inline data    : %u\n", pp->inline_size);
	printf(" Completions    : %s\n", o->events ? "events" : "polling");
	if (o->duration > 0)
		printf(" Duration       : %g s\n", o->duration);
	else
		printf(" Iterations     : %llu\n", (unsigned long long)pp->iterations);
	printf("%s\n", LINE);
	if (pp->latency)
		printf(" #bytes #iterations    t_min[usec]    t_max[usec]  t_typical[usec]    "
		       "t_avg[usec]    t_stdev[usec]   99%% percentile[usec]   99.9%% percentile[usec] \n");
	else if (o->gbits)
		printf(" #bytes     #iterations    BW peak[Gb/sec]    BW average[Gb/sec]   MsgRate[Mpps]\n");
	else
		printf(" #bytes     #iterations    BW peak[MB/sec]    BW average[MB/sec]   MsgRate[Mpps]\n");
	fflush(stdout);
}

#define MB (1024.0 * 1024.0)

static double gbps(double bytes_per_sec)
{
	return bytes_per_sec * 8.0 / 1e9;
}

static void print_row(const struct perf_result *res, bool lat, bool gbits)
{
	unsigned long long size = res->size, iters = res->iterations;
	const struct perf_lat_stats *l = &res->lat;

	if (lat)
		printf(" %-7llu %-10llu %-14.2f %-14.2f %-16.2f %-14.2f %-15.2f %-22.2f %-.2f\n",
		       size, iters, l->min, l->max, l->median, l->mean, l->stdev, l->p99, l->p999);
	else if (gbits)
		printf(" %-10llu %-14llu %-18.2f %-20.2f %-.6f\n", size, iters, gbps(res->bw_peak),
		       gbps(res->bw_avg), res->msg_rate / 1e6);
	else
		printf(" %-10llu %-14llu %-18.2f %-20.2f %-.6f\n", size, iters, res->bw_peak / MB,
		       res->bw_avg / MB, res->msg_rate / 1e6);
	fflush(stdout);
}

static void json_add(json_object *o, const char *key, json_object *v)
{
	json_object_object_add(o, key, v);
}

static json_object *json_row(const struct perf_result *res, bool lat)
{
	json_object *o = json_object_new_object();
	const struct perf_lat_stats *l = &res->lat;

	json_add(o, "bytes", json_object_new_int64((int64_t)res->size));
	json_add(o, "iterations", json_object_new_int64((int64_t)res->iterations));
	json_add(o, "total_bytes", json_object_new_int64((int64_t)(res->iterations * res->size)));
	json_add(o, "seconds", json_object_new_double(res->seconds));
	json_add(o, "verified", json_object_new_boolean(res->verified));
	if (lat) {
		json_add(o, "t_min_usec", json_object_new_double(l->min));
		json_add(o, "t_max_usec", json_object_new_double(l->max));
		json_add(o, "t_typical_usec", json_object_new_double(l->median));
		json_add(o, "t_avg_usec", json_object_new_double(l->mean));
		json_add(o, "t_stdev_usec", json_object_new_double(l->stdev));
		json_add(o, "p99_usec", json_object_new_double(l->p99));
		json_add(o, "p99_9_usec", json_object_new_double(l->p999));
	} else {
		json_add(o, "bw_peak_mb_sec", json_object_new_double(res->bw_peak / MB));
		json_add(o, "bw_avg_mb_sec", json_object_new_double(res->bw_avg / MB));
		json_add(o, "bw_peak_gb_sec", json_object_new_double(gbps(res->bw_peak)));
		json_add(o, "bw_avg_gb_sec", json_object_new_double(gbps(res->bw_avg)));
		json_add(o, "msg_rate_mpps", json_object_new_double(res->msg_rate / 1e6));
	}
	return o;
}

static json_object *json_doc(const struct perf_endpoint *ep, const struct perf_params *pp,
                             const struct vperf_opts *o)
{
	json_object *doc = json_object_new_object();

	json_add(doc, "tool", json_object_new_string("vrdma-perf"));
	json_add(doc, "version", json_object_new_string(vrdma_version()));
	json_add(doc, "test", json_object_new_string(pp->name));
	json_add(doc, "kind", json_object_new_string(pp->latency ? "latency" : "bandwidth"));
	json_add(doc, "device", json_object_new_string(ep->device));
	json_add(doc, "port", json_object_new_int((int)ep->port));
	json_add(doc, "gid_index", json_object_new_int(ep->gid_index));
	json_add(doc, "gid", json_object_new_string(ep->gid_text));
	json_add(doc, "qps", json_object_new_int((int)pp->num_qps));
	json_add(doc, "tx_depth", json_object_new_int((int)pp->tx_depth));
	json_add(doc, "inline_size", json_object_new_int((int)pp->inline_size));
	json_add(doc, "cq_moderation", json_object_new_int((int)pp->cq_mod));
	json_add(doc, "events", json_object_new_boolean(o->events));
	json_add(doc, "duration_sec", o->duration > 0 ? json_object_new_double(o->duration) : NULL);
	json_add(doc, "results", json_object_new_array());
	return doc;
}

/* Every size of the run (one, or the sweep), as rows of the table or the document. */
static int run_sizes(struct perf *p, const struct vperf_opts *o, json_object *results)
{
	size_t size, first = o->all ? 2 : o->size, last = o->all ? PERF_SIZE_MAX : o->size;
	struct perf_params pp;
	struct perf_result res;
	int r;

	for (size = first; size <= last; size *= 2) {
		perf_params(o, size, &pp);
		r = perf_measure(p, &pp, &res);
		if (r < 0)
			return r;
		if (results)
			json_object_array_add(results, json_row(&res, pp.latency));
		else
			print_row(&res, pp.latency, o->gbits);
	}
	return 0;
}

static bool debug_enabled(struct vrdma_ctx *ctx)
{
	return vrdma_ctx_get_log_priority(ctx) >= LOG_DEBUG;
}

int main(int argc, char **argv)
{
	struct vrdma_ctx *ctx = NULL;
	struct perf p = { .res = NULL };
	json_object *doc = NULL;
	struct perf_params pp;
	struct vperf_opts o;
	int r;

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

	r = vrdma_ctx_new(&ctx);
	if (r < 0) {
		fprintf(stderr, "%s: cannot create a libvrdma context: %s\n", prog, strerror(-r));
		return 1;
	}
	p.msg.debug = debug_enabled(ctx);
	r = perf_endpoint_resolve(ctx, &o, &p.ep, &p.msg);
	vrdma_ctx_unref(ctx);
	if (r < 0)
		goto out;
	/* Resources now: errors come before the header. */
	perf_params(&o, o.all ? 2 : o.size, &pp);
	r = perf_open(&p, &pp);
	if (r < 0)
		goto out;
	if (o.json)
		doc = json_doc(&p.ep, &pp, &o);
	else
		print_header(&p.ep, &pp, &o);
	r = run_sizes(&p, &o, doc ? json_object_object_get(doc, "results") : NULL);
	if (!o.json)
		printf("%s\n", LINE);
	else if (r == 0)
		printf("%s\n", json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PRETTY |
		                                                   JSON_C_TO_STRING_NOSLASHESCAPE));
out:
	if (r < 0)
		report(p.msg.err[0] ? p.msg.err : strerror(-r));
	json_object_put(doc);
	perf_close(&p);
	perf_endpoint_clear(&p.ep);
	return r < 0 ? 1 : 0;
}
