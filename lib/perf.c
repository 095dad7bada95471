/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Data path: the benchmark session and result objects. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* perftest's defaults. */
#define DEF_ITERS_BW 5000
#define DEF_ITERS_LAT 1000
#define DEF_TX_DEPTH_BW 128
#define DEF_TX_DEPTH_LAT 1
#define DEF_CQ_MOD 100
#define DEF_INLINE_LAT 220
#define MAX_QPS 1024
#define MAX_TX_DEPTH 16384

struct vrdma_perf {
	int refcount;
	struct vrdma_ctx *ctx;
	char *device;
	unsigned int port;
	int gid_index;
	size_t size;
	uint64_t iterations;   /* 0: test default */
	double duration;       /* 0: iteration mode */
	int64_t warmup;        /* VRDMA_PERF_AUTO or a count */
	unsigned int tx_depth; /* 0: test default */
	unsigned int num_qps;
	int inline_size;       /* VRDMA_PERF_AUTO or a size */
	unsigned int cq_mod;   /* 0: default */
	bool events;
	struct perf_res *res;
	struct perf_clock clock;
};

struct vrdma_perf_result {
	int refcount;
	int test;
	bool latency;
	bool verified;
	uint64_t size;
	uint64_t iterations;
	double seconds;
	double bw_peak, bw_avg;   /* bytes per second */
	double msg_rate;          /* messages per second */
	struct perf_lat_stats lat;
};

static const char *const test_names[] = {
	[VRDMA_PERF_WRITE_BW] = "write_bw",
	[VRDMA_PERF_READ_BW] = "read_bw",
	[VRDMA_PERF_SEND_BW] = "send_bw",
	[VRDMA_PERF_WRITE_LAT] = "write_lat",
	[VRDMA_PERF_READ_LAT] = "read_lat",
	[VRDMA_PERF_SEND_LAT] = "send_lat",
};

static bool test_valid(int test)
{
	return test >= 0 && (size_t)test < ARRAY_SIZE(test_names);
}

VRDMA_EXPORT const char *vrdma_perf_test_name(enum vrdma_perf_test test)
{
	return test_valid((int)test) ? test_names[test] : NULL;
}

VRDMA_EXPORT int vrdma_perf_test_from_name(const char *name)
{
	size_t i;

	if (!name)
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(test_names); i++)
		if (strcmp(name, test_names[i]) == 0)
			return (int)i;
	return -EINVAL;
}

VRDMA_EXPORT int vrdma_perf_test_is_latency(enum vrdma_perf_test test)
{
	if (!test_valid((int)test))
		return -EINVAL;
	return test >= VRDMA_PERF_WRITE_LAT;
}

VRDMA_EXPORT int vrdma_perf_new(struct vrdma_ctx *ctx, struct vrdma_perf **ret)
{
	struct vrdma_perf *p;

	if (!ret)
		return -EINVAL;
	*ret = NULL;
	if (!ctx)
		return -EINVAL;
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->refcount = 1;
	p->ctx = vrdma_ctx_ref(ctx);
	p->port = 1;
	p->gid_index = VRDMA_PERF_AUTO;
	p->size = 65536;
	p->warmup = VRDMA_PERF_AUTO;
	p->num_qps = 1;
	p->inline_size = VRDMA_PERF_AUTO;
	*ret = p;
	return 0;
}

VRDMA_EXPORT struct vrdma_perf *vrdma_perf_ref(struct vrdma_perf *perf)
{
	if (!perf)
		return NULL;
	perf->refcount++;
	return perf;
}

VRDMA_EXPORT int vrdma_perf_close(struct vrdma_perf *perf)
{
	if (!perf)
		return -EINVAL;
	perf_res_free(perf->res);
	perf->res = NULL;
	return 0;
}

VRDMA_EXPORT struct vrdma_perf *vrdma_perf_unref(struct vrdma_perf *perf)
{
	if (!perf || --perf->refcount > 0)
		return NULL;
	vrdma_perf_close(perf);
	free(perf->device);
	vrdma_ctx_unref(perf->ctx);
	free(perf);
	return NULL;
}

VRDMA_EXPORT struct vrdma_ctx *vrdma_perf_get_ctx(struct vrdma_perf *perf)
{
	return perf ? perf->ctx : NULL;
}

struct vrdma_ctx *perf_ctx(struct vrdma_perf *perf)
{
	return perf->ctx;
}

/* ---- endpoint ----------------------------------------------------------- */

VRDMA_EXPORT int vrdma_perf_set_device(struct vrdma_perf *perf, const char *device)
{
	int r;

	if (!perf || (device && !device[0]))
		return -EINVAL;
	r = vrdma_strdup_replace(&perf->device, device);
	if (r < 0)
		return r;
	vrdma_perf_close(perf);
	return 0;
}

VRDMA_EXPORT int vrdma_perf_set_port(struct vrdma_perf *perf, unsigned int port)
{
	if (!perf || port > 255)
		return -EINVAL;
	perf->port = port ? port : 1;
	vrdma_perf_close(perf);
	return 0;
}

VRDMA_EXPORT int vrdma_perf_set_gid_index(struct vrdma_perf *perf, int gid_index)
{
	if (!perf || (gid_index < 0 && gid_index != VRDMA_PERF_AUTO))
		return -EINVAL;
	perf->gid_index = gid_index;
	vrdma_perf_close(perf);
	return 0;
}

VRDMA_EXPORT int vrdma_perf_set_gid(struct vrdma_perf *perf, const char *device,
                                    unsigned int port, int gid_index)
{
	int r;

	if (!perf || port > 255 || (gid_index < 0 && gid_index != VRDMA_PERF_AUTO) ||
	    (device && !device[0]))
		return -EINVAL;
	r = vrdma_perf_set_device(perf, device);
	if (r < 0)
		return r;
	vrdma_perf_set_port(perf, port);
	return vrdma_perf_set_gid_index(perf, gid_index);
}

VRDMA_EXPORT const char *vrdma_perf_get_device(struct vrdma_perf *perf)
{
	if (!perf)
		return NULL;
	return perf->res ? perf->res->devname : perf->device;
}

VRDMA_EXPORT int vrdma_perf_get_port(struct vrdma_perf *perf, unsigned int *ret)
{
	if (!perf || !ret)
		return -EINVAL;
	*ret = perf->port;
	return 0;
}

VRDMA_EXPORT int vrdma_perf_get_gid_index(struct vrdma_perf *perf, int *ret)
{
	if (!perf || !ret)
		return -EINVAL;
	*ret = perf->res ? perf->res->gid_index : perf->gid_index;
	return 0;
}

VRDMA_EXPORT const char *vrdma_perf_get_gid_address(struct vrdma_perf *perf)
{
	return perf && perf->res ? perf->res->gid_text : NULL;
}

/* ---- options ------------------------------------------------------------ */

VRDMA_EXPORT int vrdma_perf_set_size(struct vrdma_perf *perf, size_t size)
{
	if (!perf)
		return -EINVAL;
	if (size < VRDMA_PERF_SIZE_MIN || size > VRDMA_PERF_SIZE_MAX)
		return vrdma_error(perf->ctx, -EINVAL, "message size %zu: expected %u to %u bytes",
		                   size, VRDMA_PERF_SIZE_MIN, VRDMA_PERF_SIZE_MAX);
	perf->size = size;
	return 0;
}

VRDMA_EXPORT int vrdma_perf_get_size(struct vrdma_perf *perf, size_t *ret)
{
	if (!perf || !ret)
		return -EINVAL;
	*ret = perf->size;
	return 0;
}

VRDMA_EXPORT int vrdma_perf_set_iterations(struct vrdma_perf *perf, uint64_t iterations)
{
	if (!perf)
		return -EINVAL;
	if (iterations > (UINT64_C(1) << 40))
		return vrdma_error(perf->ctx, -EINVAL, "iterations %" PRIu64 ": expected at most 2^40",
		                   iterations);
	perf->iterations = iterations;
	if (iterations)
		perf->duration = 0;
	return 0;
}

VRDMA_EXPORT int vrdma_perf_get_iterations(struct vrdma_perf *perf,
                                           enum vrdma_perf_test test, uint64_t *ret)
{
	if (!perf || !ret || !test_valid((int)test))
		return -EINVAL;
	if (perf->duration > 0)
		*ret = 0;
	else if (perf->iterations)
		*ret = perf->iterations;
	else
		*ret = test >= VRDMA_PERF_WRITE_LAT ? DEF_ITERS_LAT : DEF_ITERS_BW;
	return 0;
}

VRDMA_EXPORT int vrdma_perf_set_duration(struct vrdma_perf *perf, double seconds)
{
	if (!perf)
		return -EINVAL;
	if (!(seconds >= 0.0 && seconds <= 86400.0))
		return vrdma_error(perf->ctx, -EINVAL, "duration %g s: expected 0 to 86400 seconds",
		                   seconds);
	perf->duration = seconds;
	return 0;
}

VRDMA_EXPORT int vrdma_perf_get_duration(struct vrdma_perf *perf, double *ret)
{
	if (!perf || !ret)
		return -EINVAL;
	*ret = perf->duration;
	return 0;
}

VRDMA_EXPORT int vrdma_perf_set_warmup(struct vrdma_perf *perf, int64_t iterations)
{
	if (!perf || (iterations < 0 && iterations != VRDMA_PERF_AUTO))
		return -EINVAL;
	perf->warmup = iterations;
	return 0;
}

VRDMA_EXPORT int vrdma_perf_set_tx_depth(struct vrdma_perf *perf, unsigned int depth)
{
	if (!perf)
		return -EINVAL;
	if (depth > MAX_TX_DEPTH)
		return vrdma_error(perf->ctx, -EINVAL, "TX depth %u: expected 1 to %u", depth,
		                   MAX_TX_DEPTH);
	perf->tx_depth = depth;
	return 0;
}

VRDMA_EXPORT int vrdma_perf_get_tx_depth(struct vrdma_perf *perf,
                                         enum vrdma_perf_test test, unsigned int *ret)
{
	if (!perf || !ret || !test_valid((int)test))
		return -EINVAL;
	if (test >= VRDMA_PERF_WRITE_LAT)
		*ret = DEF_TX_DEPTH_LAT;
	else
		*ret = perf->tx_depth ? perf->tx_depth : DEF_TX_DEPTH_BW;
	return 0;
}

VRDMA_EXPORT int vrdma_perf_set_num_qps(struct vrdma_perf *perf, unsigned int num)
{
	if (!perf)
		return -EINVAL;
	if (num < 1 || num > MAX_QPS)
		return vrdma_error(perf->ctx, -EINVAL, "number of QPs %u: expected 1 to %u", num,
		                   MAX_QPS);
	perf->num_qps = num;
	return 0;
}

VRDMA_EXPORT int vrdma_perf_get_num_qps(struct vrdma_perf *perf, unsigned int *ret)
{
	if (!perf || !ret)
		return -EINVAL;
	*ret = perf->num_qps;
	return 0;
}

VRDMA_EXPORT int vrdma_perf_set_inline_size(struct vrdma_perf *perf, int size)
{
	if (!perf)
		return -EINVAL;
	if (size != VRDMA_PERF_AUTO && (size < 0 || size > 65536))
		return vrdma_error(perf->ctx, -EINVAL, "inline size %d: expected 0 to 65536", size);
	perf->inline_size = size;
	return 0;
}

VRDMA_EXPORT int vrdma_perf_get_inline_size(struct vrdma_perf *perf,
                                            enum vrdma_perf_test test, unsigned int *ret)
{
	if (!perf || !ret || !test_valid((int)test))
		return -EINVAL;
	if (test == VRDMA_PERF_READ_BW || test == VRDMA_PERF_READ_LAT)
		*ret = 0;
	else if (perf->inline_size != VRDMA_PERF_AUTO)
		*ret = (unsigned int)perf->inline_size;
	else
		*ret = test >= VRDMA_PERF_WRITE_LAT ? DEF_INLINE_LAT : 0;
	return 0;
}

VRDMA_EXPORT int vrdma_perf_set_cq_moderation(struct vrdma_perf *perf, unsigned int every)
{
	if (!perf)
		return -EINVAL;
	if (every > MAX_TX_DEPTH)
		return vrdma_error(perf->ctx, -EINVAL, "CQ moderation %u: expected 1 to %u", every,
		                   MAX_TX_DEPTH);
	perf->cq_mod = every;
	return 0;
}

VRDMA_EXPORT int vrdma_perf_get_cq_moderation(struct vrdma_perf *perf, unsigned int *ret)
{
	if (!perf || !ret)
		return -EINVAL;
	*ret = perf->cq_mod ? perf->cq_mod : DEF_CQ_MOD;
	return 0;
}

VRDMA_EXPORT int vrdma_perf_set_use_events(struct vrdma_perf *perf, bool events)
{
	if (!perf)
		return -EINVAL;
	perf->events = events;
	return 0;
}

VRDMA_EXPORT int vrdma_perf_get_use_events(struct vrdma_perf *perf)
{
	if (!perf)
		return -EINVAL;
	return perf->events;
}

/* ---- running ------------------------------------------------------------ */

static int fault_from_env(void)
{
	const char *s = secure_getenv("VRDMA_PERF_FAULT");

	if (!s)
		return PERF_FAULT_NONE;
	if (strcmp(s, "no-data") == 0)
		return PERF_FAULT_NO_DATA;
	if (strcmp(s, "corrupt") == 0)
		return PERF_FAULT_CORRUPT;
	if (strcmp(s, "bad-rkey") == 0)
		return PERF_FAULT_BAD_RKEY;
	return PERF_FAULT_NONE;
}

static int make_params(struct vrdma_perf *p, enum vrdma_perf_test test,
                       struct perf_params *pp)
{
	memset(pp, 0, sizeof(*pp));
	pp->test = (int)test;
	pp->latency = test >= VRDMA_PERF_WRITE_LAT;
	pp->size = p->size;
	pp->duration = p->duration;
	vrdma_perf_get_iterations(p, test, &pp->iterations);
	vrdma_perf_get_tx_depth(p, test, &pp->tx_depth);
	vrdma_perf_get_inline_size(p, test, &pp->inline_size);
	vrdma_perf_get_cq_moderation(p, &pp->cq_mod);
	pp->num_qps = pp->latency ? 1 : p->num_qps;
	pp->events = p->events;
	pp->fault = fault_from_env();

	if (pp->latency && p->num_qps > 1)
		return vrdma_error(p->ctx, -EINVAL, "%s: latency tests use one QP pair, not %u",
		                   test_names[test], p->num_qps);
	if (test == VRDMA_PERF_WRITE_LAT && p->events)
		return vrdma_error(p->ctx, -EOPNOTSUPP,
		                   "write_lat: completion events do not apply (the responder polls memory)");
	if (pp->cq_mod > pp->tx_depth)
		pp->cq_mod = pp->tx_depth;
	if (p->warmup != VRDMA_PERF_AUTO)
		pp->warmup = (uint64_t)p->warmup;
	else if (pp->iterations)
		pp->warmup = pp->iterations / 10 < 1000 ? pp->iterations / 10 : 1000;
	else
		pp->warmup = pp->latency ? 100 : 2 * (uint64_t)pp->tx_depth * pp->num_qps;
	return 0;
}

static void res_request(struct vrdma_perf *p, const struct perf_params *pp,
                        struct perf_res_req *req)
{
	unsigned int depth = pp->tx_depth < 16 ? 16 : pp->tx_depth;

	memset(req, 0, sizeof(*req));
	req->device = p->device;
	req->port = p->port;
	req->gid_index = p->gid_index;
	req->num_qps = pp->num_qps;
	req->sq_depth = depth;
	req->rq_depth = 2 * depth;
	req->max_inline = pp->inline_size;
	req->slot = (pp->size + 63) & ~(size_t)63;
	req->events = pp->events;
	/* Keep what is open when it is big enough, so a sweep does not
	 * rebuild the QPs for every size. */
	if (p->res) {
		if (p->res->req.sq_depth > req->sq_depth)
			req->sq_depth = p->res->req.sq_depth;
		if (p->res->req.rq_depth > req->rq_depth)
			req->rq_depth = p->res->req.rq_depth;
		if (p->res->req.max_inline > req->max_inline)
			req->max_inline = p->res->req.max_inline;
		if (p->res->req.slot > req->slot)
			req->slot = p->res->req.slot;
	}
}

static int ensure_open(struct vrdma_perf *p, const struct perf_params *pp)
{
	struct perf_res_req req;

	res_request(p, pp, &req);
	if (p->res && perf_res_fits(p->res, &req))
		return 0;
	vrdma_perf_close(p);
	return perf_res_open(p->ctx, &req, &p->res);
}

VRDMA_EXPORT int vrdma_perf_open(struct vrdma_perf *perf)
{
	struct perf_params pp;
	int r;

	if (!perf)
		return -EINVAL;
	vrdma_error_clear(perf->ctx);
	r = make_params(perf, VRDMA_PERF_WRITE_BW, &pp);
	if (r < 0)
		return r;
	return ensure_open(perf, &pp);
}

VRDMA_EXPORT int vrdma_perf_run(struct vrdma_perf *perf, enum vrdma_perf_test test,
                                struct vrdma_perf_result **ret)
{
	struct vrdma_perf_result *res;
	struct perf_params pp;
	int r;

	if (!perf || !ret || !test_valid((int)test))
		return -EINVAL;
	*ret = NULL;
	vrdma_error_clear(perf->ctx);
	r = make_params(perf, test, &pp);
	if (r < 0)
		return r;
	r = ensure_open(perf, &pp);
	if (r < 0)
		return r;
	if (!perf->clock.ready) {
		perf_clock_init(&perf->clock);
		dbg(perf->ctx, "perf: clock %s%s (%.4f ns per tick)",
		    perf->clock.tsc ? "TSC" : "CLOCK_MONOTONIC_RAW",
		    perf->clock.pin ? ", timing thread pinned (TSCs not proven in step)" : "",
		    perf->clock.ns_per_tick);
	}
	res = perf_result_new(perf, &pp);
	if (!res)
		return -ENOMEM;
	r = perf_run(perf->ctx, perf->res, &perf->clock, &pp, res);
	if (r < 0) {
		/* QPs in error state are of no further use. */
		if (r != -EBADMSG)
			vrdma_perf_close(perf);
		vrdma_perf_result_unref(res);
		return r;
	}
	*ret = res;
	return 0;
}

/* ---- results ------------------------------------------------------------ */

struct vrdma_perf_result *perf_result_new(struct vrdma_perf *perf,
                                          const struct perf_params *pp)
{
	struct vrdma_perf_result *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->refcount = 1;
	r->test = pp->test;
	r->latency = pp->latency;
	r->size = pp->size;
	return r;
}

void perf_result_set_bw(struct vrdma_perf_result *r, uint64_t msgs, double seconds,
                        double peak_msgs_per_sec)
{
	r->iterations = msgs;
	r->seconds = seconds;
	r->msg_rate = seconds > 0 ? (double)msgs / seconds : 0.0;
	r->bw_avg = r->msg_rate * (double)r->size;
	r->bw_peak = peak_msgs_per_sec * (double)r->size;
	if (r->bw_peak < r->bw_avg)
		r->bw_peak = r->bw_avg;
}

void perf_result_set_lat(struct vrdma_perf_result *r, uint64_t samples, double seconds,
                         const struct perf_lat_stats *st)
{
	r->iterations = samples;
	r->seconds = seconds;
	r->lat = *st;
}

void perf_result_set_verified(struct vrdma_perf_result *r, bool verified)
{
	r->verified = verified;
}

VRDMA_EXPORT struct vrdma_perf_result *vrdma_perf_result_ref(struct vrdma_perf_result *res)
{
	if (!res)
		return NULL;
	res->refcount++;
	return res;
}

VRDMA_EXPORT struct vrdma_perf_result *vrdma_perf_result_unref(struct vrdma_perf_result *res)
{
	if (!res || --res->refcount > 0)
		return NULL;
	free(res);
	return NULL;
}

VRDMA_EXPORT int vrdma_perf_result_get_test(struct vrdma_perf_result *res)
{
	return res ? res->test : -EINVAL;
}

VRDMA_EXPORT int vrdma_perf_result_get_verified(struct vrdma_perf_result *res)
{
	return res ? res->verified : -EINVAL;
}

#define U64_GETTER(name, expr)                                                  \
	VRDMA_EXPORT int vrdma_perf_result_get_##name(struct vrdma_perf_result *res, \
	                                              uint64_t *ret)            \
	{                                                                       \
		if (!res || !ret)                                               \
			return -EINVAL;                                         \
		*ret = (expr);                                                  \
		return 0;                                                       \
	}

U64_GETTER(size, res->size)
U64_GETTER(iterations, res->iterations)
U64_GETTER(bytes, res->iterations * res->size)

VRDMA_EXPORT int vrdma_perf_result_get_seconds(struct vrdma_perf_result *res, double *ret)
{
	if (!res || !ret)
		return -EINVAL;
	*ret = res->seconds;
	return 0;
}

/* Getters of one kind of test: -ENODATA for the other kind. */
#define DBL_GETTER(name, want_latency, expr)                                    \
	VRDMA_EXPORT int vrdma_perf_result_get_##name(struct vrdma_perf_result *res, \
	                                              double *ret)              \
	{                                                                       \
		if (!res || !ret)                                               \
			return -EINVAL;                                         \
		if (res->latency != (want_latency))                             \
			return -ENODATA;                                        \
		*ret = (expr);                                                  \
		return 0;                                                       \
	}

#define MB (1024.0 * 1024.0)
DBL_GETTER(bw_peak, false, res->bw_peak / MB)
DBL_GETTER(bw_avg, false, res->bw_avg / MB)
DBL_GETTER(bw_peak_gbps, false, res->bw_peak * 8.0 / 1e9)
DBL_GETTER(bw_avg_gbps, false, res->bw_avg * 8.0 / 1e9)
DBL_GETTER(msg_rate, false, res->msg_rate / 1e6)
DBL_GETTER(lat_min, true, res->lat.min)
DBL_GETTER(lat_max, true, res->lat.max)
DBL_GETTER(lat_typical, true, res->lat.median)
DBL_GETTER(lat_avg, true, res->lat.mean)
DBL_GETTER(lat_stdev, true, res->lat.stdev)
DBL_GETTER(lat_p99, true, res->lat.p99)
DBL_GETTER(lat_p999, true, res->lat.p999)
