/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libvrdma datapath: private declarations.  Nothing here is part of the ABI. */
#ifndef VRDMA_PERF_PRIVATE_H
#define VRDMA_PERF_PRIVATE_H

#include <infiniband/verbs.h>
#include "host-private.h"
#include <vrdma/perf.h>

/* ==== datapath (perf*.c) ========================================== */

/*
 * Private declarations of the data-path module (perf*.c).  Nothing here is
 * part of the ABI.
 *
 *   perf.c        session and result objects, options, getters
 *   perf-res.c    verbs resources: device, port, GID, PD, CQs, QPs, MRs
 *   perf-run.c    the test loops, the clock, data verification
 *   perf-stats.c  pure helpers (statistics, data pattern, verification);
 *                 no verbs and no context, so unit tests compile it directly
 */



/* ---- perf-stats.c: pure helpers --------------------------------------- */

struct perf_lat_stats {
	double min, max, median, mean, stdev, p99, p999;
};

/* Sorts `v` in place; n >= 1.  Population standard deviation; percentiles
 * by nearest rank; median is the mean of the two middle values for even n. */
int perf_lat_stats(double *v, size_t n, struct perf_lat_stats *out);
/* Nearest-rank percentile of sorted v[0..n-1]: v[ceil(p/100*n)-1]. */
double perf_percentile_sorted(const double *v, size_t n, double p);
double perf_median_sorted(const double *v, size_t n);

/* One bandwidth sample: `msgs` messages completed at time `ns` (relative). */
struct perf_bw_sample {
	double ns;
	uint64_t msgs;
};
/*
 * Peak rate in messages per second: the highest rate over any stretch of
 * consecutive samples covering at least `window` messages (samples sorted by
 * time, s[0] is the start: 0 messages at 0 ns).  Falls back to the whole run
 * when no stretch qualifies.  0 when n < 2.
 */
double perf_peak_rate(const struct perf_bw_sample *s, size_t n, uint64_t window);

/* Data pattern: byte `off` of the pattern identified by `seed`. */
static inline uint8_t perf_pattern_byte(uint32_t seed, size_t off)
{
	uint32_t x = (uint32_t)off * 2654435761u + seed * 40503u + (uint32_t)(off >> 16);
	return (uint8_t)(x >> 24 ^ x >> 11);
}
void perf_pattern_fill(uint8_t *buf, size_t len, uint32_t seed);
/* Fill with the byte-wise complement of the pattern (never equal to it). */
void perf_pattern_fill_inverse(uint8_t *buf, size_t len, uint32_t seed);
/*
 * Does `dst` hold the same bytes as `src` (len bytes)?  Buffers up to
 * PERF_VERIFY_FULL bytes are compared completely; larger ones on a sample:
 * the first and last 4 KiB and PERF_VERIFY_SAMPLES positions spread over the
 * buffer with a pseudo-random offset derived from `seed`.  Returns 0 when
 * they match, -1 with *bad_off set to the first difference found.
 */
#define PERF_VERIFY_FULL (64u * 1024)
#define PERF_VERIFY_SAMPLES 4096u
int perf_verify(const uint8_t *dst, const uint8_t *src, size_t len, uint32_t seed,
                size_t *bad_off);

/* ---- perf-res.c / perf-run.c / perf.c --------------------------------- */

struct vrdma_perf;
struct vrdma_perf_result;
struct perf_res;

/* Effective parameters of one run, after defaults. */
struct perf_params {
	int test;            /* enum vrdma_perf_test */
	bool latency;
	size_t size;
	uint64_t iterations; /* 0 in duration mode */
	double duration;     /* seconds, 0 in iteration mode */
	uint64_t warmup;
	unsigned int tx_depth;
	unsigned int num_qps;
	unsigned int inline_size;
	unsigned int cq_mod;
	bool events;
	int fault;           /* PERF_FAULT_* (test hook, $VRDMA_PERF_FAULT) */
};

enum {
	PERF_FAULT_NONE = 0,
	PERF_FAULT_NO_DATA,  /* post zero-length work requests: fast but wrong */
	PERF_FAULT_CORRUPT,  /* flip one byte of the landed data before the check */
	PERF_FAULT_BAD_RKEY, /* use a wrong remote key: a completion error */
};

/* perf.c */
struct vrdma_ctx *perf_ctx(struct vrdma_perf *perf);
struct vrdma_perf_result *perf_result_new(struct vrdma_perf *perf,
                                          const struct perf_params *pp);
void perf_result_set_bw(struct vrdma_perf_result *r, uint64_t msgs, double seconds,
                        double peak_msgs_per_sec);
void perf_result_set_lat(struct vrdma_perf_result *r, uint64_t samples,
                         double seconds, const struct perf_lat_stats *st);
void perf_result_set_verified(struct vrdma_perf_result *r, bool verified);

/* perf-res.c */
struct perf_res_req {
	const char *device;   /* NULL: first device */
	unsigned int port;    /* 1-based */
	int gid_index;        /* VRDMA_PERF_AUTO or an index */
	unsigned int num_qps;
	unsigned int sq_depth;
	unsigned int rq_depth;
	unsigned int max_inline;
	size_t slot;          /* bytes per QP and direction */
	bool events;
};
/* Verbs resources: side A (the requester) and side B (the responder), one
 * RC QP each per pair, pair i connecting qa[i] <-> qb[i] over the same GID.
 * Each side's buffer holds, per QP, an rx slot then a tx slot. */
struct perf_res {
	struct perf_res_req req;  /* what it was made for (req.device copied) */
	char *devname;
	int gid_index;
	union ibv_gid gid;
	char gid_text[64];
	/*
	 * Side A's device context and PD; side B's (pd_b, cq_b, qb[], mr_b) live
	 * in a second context of the same device when the runs poll, as
	 * perftest's server and client do in two processes: the two sides'
	 * posts then share no uverbs file (its reference count and locks), which
	 * costs a ping-pong measurably under emulation.  With completion events
	 * both sides share one context and one channel (vctx_b NULL, pd_b == pd).
	 */
	struct ibv_context *vctx, *vctx_b;
	struct ibv_pd *pd, *pd_b;
	struct ibv_comp_channel *chan;
	struct ibv_cq *cq_a, *cq_b;
	struct ibv_qp **qa, **qb;
	/* The same QPs through the extended post API (ibv_wr_*), or NULL where
	 * the provider lacks it; the latency loops post through it, as
	 * perftest does by default: fewer steps than ibv_post_send's copy. */
	struct ibv_qp_ex **qxa, **qxb;
	uint8_t *buf_a, *buf_b;
	size_t buf_len;
	struct ibv_mr *mr_a, *mr_b;
	enum ibv_mtu mtu;
	unsigned int max_rd_atomic;
	unsigned int cq_size;
	unsigned int *rq_a, *rq_b; /* receives posted and not yet consumed, per QP */
	bool armed;
};
int perf_res_open(struct vrdma_ctx *ctx, const struct perf_res_req *req,
                  struct perf_res **ret);
void perf_res_free(struct perf_res *res);
/* Is `res` good for `req` (same endpoint and QP count, big enough)? */
bool perf_res_fits(const struct perf_res *res, const struct perf_res_req *req);
static inline uint8_t *perf_rx(const struct perf_res *r, uint8_t *buf, unsigned int qp)
{
	return buf + (size_t)qp * 2 * r->req.slot;
}
static inline uint8_t *perf_tx(const struct perf_res *r, uint8_t *buf, unsigned int qp)
{
	return buf + (size_t)qp * 2 * r->req.slot + r->req.slot;
}

/* perf-run.c */
/*
 * The clock: on x86-64 with an invariant TSC ("constant_tsc" in
 * /proc/cpuinfo), rdtsc calibrated once per session against
 * CLOCK_MONOTONIC_RAW; also without one when clock_gettime() is slow (the
 * kernel's clock source is hpet/acpi_pm, as in VMs whose TSC it marked
 * unstable) and two calibrations agree: runs then pin their timing thread
 * (`pin`) unless a warp check finds every CPU's TSC in step.  Otherwise
 * clock_gettime(CLOCK_MONOTONIC_RAW).
 * $VRDMA_PERF_CLOCK=monotonic|tsc overrides the choice.
 */
struct perf_clock {
	bool ready;
	bool tsc;
	bool pin;
	double ns_per_tick;
};
int perf_clock_init(struct perf_clock *clk);
int perf_run(struct vrdma_ctx *ctx, struct perf_res *res, const struct perf_clock *clk,
             const struct perf_params *pp, struct vrdma_perf_result *result);



#endif /* VRDMA_PERF_PRIVATE_H */
