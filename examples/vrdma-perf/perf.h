/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * vrdma-perf: the benchmark's private declarations.  Nothing here is
 * libvrdma API: the tool links libibverbs directly and uses only libvrdma's
 * public discovery and binding API (endpoint.c).
 *
 *   main.c        command line, table and JSON output
 *   opts.c        option parser, test names, the run parameters (perftest's defaults)
 *   endpoint.c    device, port and RoCE v2 GID, chosen with libvrdma discovery
 *   perf.c        the session: run parameters, resources kept across runs, messages
 *   perf-res.c    verbs resources: PD, CQs, connected QP pairs, registered memory
 *   perf-run.c    running one test: shared helpers, bandwidth loop, verification
 *   perf-lat.c    the latency loops
 *   perf-clock.c  the clock (TSC or CLOCK_MONOTONIC_RAW)
 *   perf-stats.c  pure helpers (statistics, data pattern, verification): no
 *                 verbs, so the unit tests compile it directly
 */
#ifndef VRDMA_PERF_TOOL_H
#define VRDMA_PERF_TOOL_H

#include <sched.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#define PERF_HAVE_TSC 1
#else
#define PERF_HAVE_TSC 0
#endif

#include <infiniband/verbs.h>

#define PERF_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))

enum perf_test {
	PERF_WRITE_BW = 0,
	PERF_READ_BW,
	PERF_SEND_BW,
	PERF_WRITE_LAT,
	PERF_READ_LAT,
	PERF_SEND_LAT,
	PERF_N_TESTS,
};

static inline bool perf_test_is_latency(enum perf_test test)
{
	return test >= PERF_WRITE_LAT;
}

/* Message sizes (a sweep runs 2 B .. 8 MiB). */
#define PERF_SIZE_MIN 1
#define PERF_SIZE_MAX (8u * 1024 * 1024)

/* ---- perf.c: messages --------------------------------------------------- */

/* Where a failing call explains itself, and whether debug lines are printed
 * ($VRDMA_LOG=debug, as for libvrdma). */
struct perf_msg {
	bool debug;
	char err[512];
};
/* Store the message in m->err and return `error` (a negative errno). */
int perf_fail(struct perf_msg *m, int error, const char *fmt, ...) PERF_PRINTF(3, 4);
void perf_debug(const struct perf_msg *m, const char *fmt, ...) PERF_PRINTF(2, 3);

/* ---- perf-stats.c: pure helpers ----------------------------------------- */

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

/* ---- endpoint.c --------------------------------------------------------- */

/* Where the loopback runs: one port of one RDMA device and one RoCE v2 GID. */
struct perf_endpoint {
	char *device;         /* the adapter's kernel name ("rxe0") */
	unsigned int port;    /* port number, from 1 */
	int gid_index;
	union ibv_gid gid;
	char gid_text[64];    /* "::ffff:192.0.2.1" */
	enum ibv_mtu mtu;     /* the port's active MTU */
};
struct vperf_opts;
struct vrdma_ctx;
/* From -d/-i/-x or --vmk, on a live read-only discovery of the host. */
int perf_endpoint_resolve(struct vrdma_ctx *ctx, const struct vperf_opts *o,
                          struct perf_endpoint *ep, struct perf_msg *m);
void perf_endpoint_clear(struct perf_endpoint *ep);

/* ---- run parameters (opts.c) --------------------------------------------- */

/* Test hook ($VRDMA_PERF_FAULT, builds with -Dtest_hooks=true only). */
enum {
	PERF_FAULT_NONE = 0,
	PERF_FAULT_NO_DATA,  /* post zero-length work requests: fast but wrong */
	PERF_FAULT_CORRUPT,  /* flip one byte of the landed data before the check */
	PERF_FAULT_BAD_RKEY, /* use a wrong remote key: a completion error */
};

/* Effective parameters of one run, after defaults. */
struct perf_params {
	enum perf_test test;
	const char *name;    /* "write_bw" */
	bool latency;
	size_t size;
	uint64_t iterations; /* 0 in duration mode */
	double duration;     /* seconds, 0 in iteration mode */
	uint64_t warmup;
	unsigned int tx_depth;
	unsigned int num_qps;
	unsigned int inline_size;
	unsigned int cq_mod;  /* at most tx_depth */
	bool events;
#ifdef VRDMA_TEST_HOOKS
	int fault;            /* PERF_FAULT_* */
#endif
};
#ifdef VRDMA_TEST_HOOKS
#define perf_fault(pp, f) ((pp)->fault == (f))
#else
#define perf_fault(pp, f) false
#endif

/* ---- perf-res.c ---------------------------------------------------------- */

struct perf_res_req {
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
	struct perf_res_req req;          /* what it was made for */
	const struct perf_endpoint *ep;   /* where (the session's) */
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
	unsigned int max_rd_atomic;
	unsigned int cq_size;
	unsigned int *rq_a, *rq_b; /* receives posted and not yet consumed, per QP */
	bool armed;
};
int perf_res_open(struct perf_msg *m, const struct perf_endpoint *ep,
                  const struct perf_res_req *req, struct perf_res **ret);
void perf_res_free(struct perf_res *res);
/* Is `res` good for `req` (same QP count and completion mode, big enough)? */
bool perf_res_fits(const struct perf_res *res, const struct perf_res_req *req);
static inline uint8_t *perf_rx(const struct perf_res *r, uint8_t *buf, unsigned int qp)
{
	return buf + (size_t)qp * 2 * r->req.slot;
}
static inline uint8_t *perf_tx(const struct perf_res *r, uint8_t *buf, unsigned int qp)
{
	return buf + (size_t)qp * 2 * r->req.slot + r->req.slot;
}

/* ---- perf-clock.c -------------------------------------------------------- */

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
/* Choose and calibrate the clock (once: a ready clock is kept). */
void perf_clock_init(struct perf_clock *clk);

static inline uint64_t perf_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Now, in clock ticks (inline: the loops take a timestamp per iteration). */
static inline uint64_t perf_clock_now(const struct perf_clock *clk)
{
#if PERF_HAVE_TSC
	if (clk->tsc)
		return __rdtsc();
#endif
	return perf_mono_ns();
}

static inline double perf_clock_ns(const struct perf_clock *clk, uint64_t ticks)
{
	return (double)ticks * clk->ns_per_tick;
}

/* ---- perf-run.c / perf-lat.c --------------------------------------------- */

/* What one run measured. */
struct perf_result {
	uint64_t size;
	uint64_t iterations;      /* messages (bandwidth) or latency samples */
	double seconds;
	bool verified;            /* the data check ran and passed */
	double bw_peak, bw_avg;   /* bytes per second */
	double msg_rate;          /* messages per second */
	struct perf_lat_stats lat; /* microseconds */
};

/* Run one test on open resources; -EBADMSG when the data did not land. */
int perf_run(struct perf_msg *m, struct perf_res *res, const struct perf_clock *clk,
             const struct perf_params *pp, struct perf_result *result);

#define PERF_POLL_BATCH 64
#define PERF_POST_BATCH 128

/* The state of one run (perf-run.c), shared with the latency loops. */
struct run {
	struct perf_msg *msg; /* the responder thread has a message of its own */
	struct perf_res *res;
	const struct perf_clock *clk;
	const struct perf_params *pp;
	int opcode;           /* IBV_WR_* for the data WRs */
	uint32_t seed;
	int *abort_flag;      /* stop waiting when the other thread sets it */
	bool pin;             /* timestamps taken on one CPU (the TSC may differ between CPUs) */
	int cpu;              /* where this (requester) thread is pinned */
	cpu_set_t allowed;    /* its affinity before the run */
	struct ibv_wc wc[PERF_POLL_BATCH];
};
int run_wc_failed(struct run *r, const struct ibv_wc *wc);
/* Poll up to `max` completions into r->wc: their number, or an error. */
int run_poll(struct run *r, struct ibv_cq *cq, int max);
/* Nothing progressed: with events arm the CQs, or block for an event. */
int run_idle(struct run *r);
/* Post `wr` (a chain) to `qp`, or the single `wr` through `qx` when given. */
int run_post_send(struct run *r, struct ibv_qp *qp, struct ibv_qp_ex *qx,
                  struct ibv_send_wr *wr);
/* Top up the receive queue of one QP of side A or B to rq_depth. */
int run_fill_recv(struct run *r, bool side_b, unsigned int q);
/* One data work request of side A (or B for the latency pong) on QP q. */
void run_make_wr(struct run *r, bool side_b, unsigned int q, struct ibv_send_wr *wr,
                 struct ibv_sge *sge);
int perf_run_lat(struct run *r, struct perf_result *result);

/* ---- perf.c: the session -------------------------------------------------- */

/* One benchmark session: the endpoint, and resources kept across runs. */
struct perf {
	struct perf_msg msg;
	struct perf_endpoint ep;
	struct perf_res *res;
	struct perf_clock clock;
};
/* Create (or keep, when big enough) the resources for `pp`. */
int perf_open(struct perf *p, const struct perf_params *pp);
/* Run one test; resources whose QPs failed are released. */
int perf_measure(struct perf *p, const struct perf_params *pp, struct perf_result *ret);
void perf_close(struct perf *p);

#endif
