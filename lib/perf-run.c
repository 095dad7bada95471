/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Data path: the test loops.
 *
 * Side A (qa[], cq_a, buf_a) is the requester, side B (qb[], cq_b, buf_b)
 * the responder; pair i connects qa[i] and qb[i] in loopback.  Every buffer
 * holds, per QP, an rx slot and a tx slot.  Before a run the tx slots are
 * filled with a fresh pattern and the rx slots with its complement; after
 * it the destination is compared with the source (perf_verify), so a loop
 * that moves no data, or the wrong data, fails.
 *
 *   write_bw  qa[i] RDMA WRITEs A.tx -> B.rx
 *   read_bw   qa[i] RDMA READs  B.tx -> A.rx
 *   send_bw   qa[i] SENDs A.tx, qb[i] receives into B.rx
 *   write_lat ping-pong of RDMA WRITEs, each side polling the last byte of
 *             its rx slot; reported latency is half the round trip
 *   send_lat  ping-pong of SENDs; half the round trip
 *   read_lat  one RDMA READ at a time; the full read
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#define HAVE_TSC 1
#else
#define HAVE_TSC 0
#endif

#include "internal.h"

#define POLL_BATCH 64
#define POST_BATCH 128
#define QP_SHIFT 48
#define IDX_MASK ((UINT64_C(1) << QP_SHIFT) - 1)
#define WR_DRAIN (UINT64_MAX - 1)

/* ---- clock ------------------------------------------------------------- */

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static inline uint64_t clk_now(const struct perf_clock *c)
{
#if HAVE_TSC
	if (c->tsc)
		return __rdtsc();
#endif
	return mono_ns();
}

static inline double clk_ns(const struct perf_clock *c, uint64_t ticks)
{
	return (double)ticks * c->ns_per_tick;
}

static bool cpu_has_invariant_tsc(void)
{
	char line[4096];
	bool found = false;
	FILE *f = fopen("/proc/cpuinfo", "re");

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "flags", 5) != 0)
			continue;
		found = strstr(line, " constant_tsc") != NULL;
		break;
	}
	fclose(f);
	return found;
}

/*
 * Is clock_gettime() served by the vDSO here?  Only with a clock source the
 * vDSO can read; with hpet or acpi_pm (virtual machines whose TSC the kernel
 * marked unstable) every call is a system call plus a device register read.
 */
static bool clocksource_is_slow(void)
{
	static const char *const fast[] = { "tsc", "kvm-clock", "hyperv_clocksource_tsc_page",
	                                    "arch_sys_counter" };
	char name[64] = "";
	FILE *f = fopen("/sys/devices/system/clocksource/clocksource0/current_clocksource", "re");
	size_t i;

	if (!f)
		return false;
	if (!fgets(name, sizeof(name), f))
		name[0] = 0;
	fclose(f);
	name[strcspn(name, "\n")] = 0;
	if (!name[0])
		return false;
	for (i = 0; i < sizeof(fast) / sizeof(fast[0]); i++)
		if (strcmp(name, fast[i]) == 0)
			return false;
	return true;
}

#if HAVE_TSC
/* A TSC reading and the clock's time at it: the tightest of a few brackets. */
static void tsc_stamp(uint64_t *tsc, uint64_t *ns)
{
	uint64_t best = UINT64_MAX;
	int i;

	for (i = 0; i < 5; i++) {
		uint64_t t0 = mono_ns(), c = __rdtsc(), t1 = mono_ns();

		if (t1 - t0 < best) {
			best = t1 - t0;
			*tsc = c;
			*ns = t0 + (t1 - t0) / 2;
		}
	}
}

/* TSC ticks per ns against CLOCK_MONOTONIC_RAW over `ns`; 0 when it went backwards. */
static double tsc_rate(uint64_t ns)
{
	uint64_t t0 = 0, t1 = 0, c0 = 0, c1 = 0;

	tsc_stamp(&c0, &t0);
	do
		t1 = mono_ns();
	while (t1 - t0 < ns);
	tsc_stamp(&c1, &t1);
	return c1 > c0 && t1 > t0 ? (double)(c1 - c0) / (double)(t1 - t0) : 0.0;
}

/*
 * Are the TSCs of two CPUs in step?  A thread on each takes turns, under a
 * lock, reading the TSC and checking it against the last value read on
 * either CPU: time may never run backwards between them.  A warp (or a
 * check that could not interleave the two often enough) fails it.  An
 * offset smaller than one lock hand-over escapes the check, and is then
 * below what one ping-pong takes.
 */
struct tsc_warp {
	int lock;
	uint64_t last;
	uint64_t deadline;
	bool warped;
	int go;
	unsigned int turns[2];
};

static void warp_turns(struct tsc_warp *w, unsigned int who)
{
	for (;;) {
		uint64_t now;
		bool done;

		while (__atomic_exchange_n(&w->lock, 1, __ATOMIC_ACQUIRE))
			;
		_mm_lfence();
		now = __rdtsc();
		if (now < w->last)
			w->warped = true;
		w->last = now;
		w->turns[who]++;
		done = w->warped || now > w->deadline;
		__atomic_store_n(&w->lock, 0, __ATOMIC_RELEASE);
		if (done)
			return;
	}
}

static void *warp_main(void *arg)
{
	struct tsc_warp *w = arg;

	while (!__atomic_load_n(&w->go, __ATOMIC_ACQUIRE))
		;
	warp_turns(w, 1);
	return NULL;
}

/* Run on a thread pinned to one CPU: is every other allowed CPU's TSC in step? */
static bool tsc_synchronized(const cpu_set_t *allowed, int self, double ticks_per_ns)
{
	int cpu, checked = 0;

	for (cpu = 0; cpu < CPU_SETSIZE && checked < 8; cpu++) {
		struct tsc_warp w = { .lock = 0 };
		pthread_attr_t attr;
		pthread_t th;
		cpu_set_t one;
		int e;

		if (cpu == self || !CPU_ISSET(cpu, allowed))
			continue;
		checked++;
		CPU_ZERO(&one);
		CPU_SET(cpu, &one);
		if (pthread_attr_init(&attr))
			return false;
		e = pthread_attr_setaffinity_np(&attr, sizeof(one), &one);
		if (!e)
			e = pthread_create(&th, &attr, warp_main, &w);
		pthread_attr_destroy(&attr);
		if (e)
			return false;
		w.deadline = __rdtsc() + (uint64_t)(2e6 * ticks_per_ns);  /* 2 ms */
		__atomic_store_n(&w.go, 1, __ATOMIC_RELEASE);
		warp_turns(&w, 0);
		pthread_join(th, NULL);
		if (w.warped || w.turns[0] < 50 || w.turns[1] < 50)
			return false;
	}
	return true;
}
#endif

int perf_clock_init(struct perf_clock *clk)
{
	const char *env = secure_getenv("VRDMA_PERF_CLOCK");
	bool invariant = HAVE_TSC && cpu_has_invariant_tsc();
	bool tsc = invariant, steady = false;

	if (clk->ready)
		return 0;
	if (!tsc && HAVE_TSC && clocksource_is_slow())
		steady = tsc = true;  /* kept only if its rate proves steady */
	if (env && strcmp(env, "monotonic") == 0)
		steady = tsc = false;
	else if (env && strcmp(env, "tsc") == 0)
		tsc = HAVE_TSC, steady = !invariant;
	clk->tsc = false;
	clk->pin = false;
	clk->ns_per_tick = 1.0;
#if HAVE_TSC
	if (tsc) {
		/* Calibrate once: TSC ticks against CLOCK_MONOTONIC_RAW over 20 ms.
		 * Without an invariant TSC, the calibration pins this thread and
		 * is done twice; the TSC is used only when both rates agree within
		 * 0.2%.  Runs then take their timestamps on one CPU (pin), unless
		 * a warp check finds every CPU's TSC in step with this one's. */
		cpu_set_t saved, one;
		bool pinned = false;
		int self = -1;
		double a, b = 0.0;

		if (steady && sched_getaffinity(0, sizeof(saved), &saved) == 0 &&
		    (self = sched_getcpu()) >= 0) {
			CPU_ZERO(&one);
			CPU_SET(self, &one);
			pinned = sched_setaffinity(0, sizeof(one), &one) == 0;
		}
		a = tsc_rate(steady ? 10000000u : 20000000u);
		if (steady)
			b = tsc_rate(10000000u);
		if (a > 0 && (!steady || (b > 0 && (a > b ? a / b : b / a) < 1.002))) {
			clk->tsc = true;
			clk->pin = steady && !(pinned && tsc_synchronized(&saved, self, (a + b) / 2));
			clk->ns_per_tick = steady ? 2.0 / (a + b) : 1.0 / a;
		}
		if (pinned)
			(void)sched_setaffinity(0, sizeof(saved), &saved);
	}
#endif
	clk->ready = true;
	return 0;
}

/* ---- run state --------------------------------------------------------- */

struct run {
	struct vrdma_ctx *ctx;
	struct perf_res *res;
	const struct perf_clock *clk;
	const struct perf_params *pp;
	const char *name;
	int opcode;          /* IBV_WR_* for the data WRs */
	uint32_t seed;
	/* Responder thread: ctx is NULL there and messages go to err[]. */
	char err[512];
	int *abort_flag;     /* stop waiting when the other thread sets it */
	bool pin;            /* timestamps taken on one CPU (the TSC may differ between CPUs) */
	int cpu;             /* where this (requester) thread is pinned */
	cpu_set_t allowed;   /* its affinity before the run */
	struct ibv_wc wc[POLL_BATCH];
};


static int run_err(struct run *r, int error, const char *fmt, ...) VRDMA_PRINTF(3, 4);
static int run_err(struct run *r, int error, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->err, sizeof(r->err), fmt, ap);
	va_end(ap);
	if (r->ctx)
		return vrdma_error(r->ctx, error, "%s", r->err);
	return error;
}

static bool aborted(const struct run *r)
{
	return r->abort_flag && __atomic_load_n(r->abort_flag, __ATOMIC_ACQUIRE);
}

static const char *side_of(const struct run *r, uint32_t qpn)
{
	unsigned int i;

	for (i = 0; i < r->res->req.num_qps; i++) {
		if (r->res->qa[i]->qp_num == qpn)
			return "requester";
		if (r->res->qb[i]->qp_num == qpn)
			return "responder";
	}
	return "unknown";
}

static int wc_failed(struct run *r, const struct ibv_wc *wc)
{
	return run_err(r, -EIO,
	                   "%s: completion error on %s QP 0x%x of %s: %s (status %d, vendor error 0x%x)",
	                   r->name, side_of(r, wc->qp_num), wc->qp_num, r->res->devname,
	                   ibv_wc_status_str(wc->status), wc->status, wc->vendor_err);
}

static int poll(struct run *r, struct ibv_cq *cq, int max)
{
	int k = ibv_poll_cq(cq, max, r->wc);

	if (k < 0)
		return run_err(r, -EIO, "%s: polling a completion queue of %s failed",
		                   r->name, r->res->devname);
	return k;
}

/*
 * Nothing progressed: with completion events, arm both CQs the first time
 * (the caller polls once more, closing the race), block for an event the
 * next time.  Without events, nothing to do: the caller spins.
 */
static int idle(struct run *r)
{
	struct ibv_cq *cq;
	void *cq_ctx;

	if (!r->pp->events)
		return 0;
	if (!r->res->armed) {
		if (ibv_req_notify_cq(r->res->cq_a, 0) || ibv_req_notify_cq(r->res->cq_b, 0))
			return run_err(r, -EIO, "%s: cannot request completion events on %s",
			                   r->name, r->res->devname);
		r->res->armed = true;
		return 0;
	}
	if (ibv_get_cq_event(r->res->chan, &cq, &cq_ctx))
		return run_err(r, -EIO, "%s: waiting for a completion event on %s failed: %m",
		                   r->name, r->res->devname);
	ibv_ack_cq_events(cq, 1);
	r->res->armed = false;
	return 0;
}

/* Post one WR through the extended API: the same request, built in place. */
static int post_ex(struct ibv_qp_ex *qx, const struct ibv_send_wr *wr)
{
	const struct ibv_sge *sge = wr->sg_list;

	ibv_wr_start(qx);
	qx->wr_id = wr->wr_id;
	/* rxe reads IBV_SEND_INLINE here too, not only from set_inline_data */
	qx->wr_flags = wr->send_flags & (IBV_SEND_SIGNALED | IBV_SEND_INLINE);
	switch (wr->opcode) {
	case IBV_WR_RDMA_WRITE:
		ibv_wr_rdma_write(qx, wr->wr.rdma.rkey, wr->wr.rdma.remote_addr);
		break;
	case IBV_WR_RDMA_READ:
		ibv_wr_rdma_read(qx, wr->wr.rdma.rkey, wr->wr.rdma.remote_addr);
		break;
	default:
		ibv_wr_send(qx);
		break;
	}
	if (wr->num_sge == 0)
		ibv_wr_set_sge_list(qx, 0, NULL);
	else if (wr->send_flags & IBV_SEND_INLINE)
		ibv_wr_set_inline_data(qx, (void *)(uintptr_t)sge->addr, sge->length);
	else
		ibv_wr_set_sge(qx, sge->lkey, sge->addr, sge->length);
	return ibv_wr_complete(qx);
}

/* Post `wr` (a chain) to `qp`, or the single `wr` through `qx` when given. */
static int post_send(struct run *r, struct ibv_qp *qp, struct ibv_qp_ex *qx,
                     struct ibv_send_wr *wr)
{
	struct ibv_send_wr *bad = NULL;
	int e = qx ? post_ex(qx, wr) : ibv_post_send(qp, wr, &bad);

	if (e)
		return run_err(r, -e, "%s: posting to QP 0x%x of %s failed: %s",
		                   r->name, qp->qp_num, r->res->devname, strerror(e));
	return 0;
}

/* Top up the receive queue of one QP of side A or B to rq_depth. */
static int fill_recv(struct run *r, bool side_b, unsigned int q)
{
	struct perf_res *res = r->res;
	unsigned int *have = side_b ? &res->rq_b[q] : &res->rq_a[q];
	struct ibv_recv_wr wr[POST_BATCH], *bad = NULL;
	struct ibv_sge sge;
	struct ibv_qp *qp = side_b ? res->qb[q] : res->qa[q];
	unsigned int n, i;
	int e;

	sge.addr = (uintptr_t)perf_rx(res, side_b ? res->buf_b : res->buf_a, q);
	sge.length = (uint32_t)res->req.slot;
	sge.lkey = side_b ? res->mr_b->lkey : res->mr_a->lkey;
	while (*have < res->req.rq_depth) {
		n = res->req.rq_depth - *have;
		if (n > POST_BATCH)
			n = POST_BATCH;
		for (i = 0; i < n; i++) {
			wr[i].wr_id = q;
			wr[i].sg_list = &sge;
			wr[i].num_sge = 1;
			wr[i].next = i + 1 < n ? &wr[i + 1] : NULL;
		}
		e = ibv_post_recv(qp, wr, &bad);
		if (e)
			return run_err(r, -e, "%s: posting receives to QP 0x%x of %s failed: %s",
			                   r->name, qp->qp_num, res->devname, strerror(e));
		*have += n;
	}
	return 0;
}

/* One data work request of side A (or B for the latency pong) on QP q. */
static void make_wr(struct run *r, bool side_b, unsigned int q, struct ibv_send_wr *wr,
                    struct ibv_sge *sge)
{
	struct perf_res *res = r->res;
	uint8_t *lbuf = side_b ? res->buf_b : res->buf_a;
	uint8_t *rbuf = side_b ? res->buf_a : res->buf_b;
	bool read = r->opcode == IBV_WR_RDMA_READ;

	memset(wr, 0, sizeof(*wr));
	sge->addr = (uintptr_t)(read ? perf_rx(res, lbuf, q) : perf_tx(res, lbuf, q));
	sge->length = (uint32_t)r->pp->size;
	sge->lkey = side_b ? res->mr_b->lkey : res->mr_a->lkey;
	wr->sg_list = sge;
	wr->num_sge = r->pp->fault == PERF_FAULT_NO_DATA ? 0 : 1;
	wr->opcode = (enum ibv_wr_opcode)r->opcode;
	if (!read && r->pp->size <= r->pp->inline_size)
		wr->send_flags |= IBV_SEND_INLINE;
	if (r->opcode != IBV_WR_SEND) {
		wr->wr.rdma.remote_addr = (uintptr_t)(read ? perf_tx(res, rbuf, q) :
		                                               perf_rx(res, rbuf, q));
		wr->wr.rdma.rkey = side_b ? res->mr_a->rkey : res->mr_b->rkey;
		if (r->pp->fault == PERF_FAULT_BAD_RKEY)
			wr->wr.rdma.rkey ^= 0x5a5a00u;
	}
}

/* ---- bandwidth ---------------------------------------------------------- */

struct bw_phase {
	uint64_t count;          /* messages in total; 0: until the deadline */
	uint64_t deadline;       /* clock ticks, duration mode */
	bool measure;
	/* out */
	struct perf_bw_sample *s;
	size_t ns, cap;
	uint64_t msgs;
	uint64_t t0, t_end;
};

static int add_sample(struct bw_phase *ph, double ns, uint64_t msgs)
{
	if (!ph->measure)
		return 0;
	if (ph->ns == ph->cap) {
		size_t cap = ph->cap ? ph->cap * 2 : 1024;
		struct perf_bw_sample *s = realloc(ph->s, cap * sizeof(*s));

		if (!s)
			return -ENOMEM;
		ph->s = s;
		ph->cap = cap;
	}
	ph->s[ph->ns].ns = ns;
	ph->s[ph->ns].msgs = msgs;
	ph->ns++;
	return 0;
}

static int bw_phase(struct run *r, struct bw_phase *ph)
{
	struct perf_res *res = r->res;
	const struct perf_params *pp = r->pp;
	unsigned int nq = res->req.num_qps, q, i;
	bool is_send = r->opcode == IBV_WR_SEND, stopping = false;
	uint64_t *posted, *done, *target, *recvd, total_done = 0;
	struct ibv_send_wr wr[POST_BATCH];
	struct ibv_sge sge[POST_BATCH];
	int ret = 0, k, j;

	posted = calloc(nq, sizeof(*posted));
	done = calloc(nq, sizeof(*done));
	target = calloc(nq, sizeof(*target));
	recvd = calloc(nq, sizeof(*recvd));
	if (!posted || !done || !target || !recvd) {
		ret = -ENOMEM;
		goto out;
	}
	for (q = 0; q < nq; q++) {
		target[q] = ph->count ? ph->count / nq + (q < ph->count % nq) : UINT64_MAX;
		if (is_send) {
			ret = fill_recv(r, true, q);
			if (ret < 0)
				goto out;
		}
	}
	ph->t0 = clk_now(r->clk);
	ph->t_end = ph->t0;
	ret = add_sample(ph, 0.0, 0);
	if (ret < 0)
		goto out;

	for (;;) {
		bool progress = false, finished = true;

		/* Post as much as the send queue (and, for SEND, the peer's
		 * receive queue) allows, in one chain per QP. */
		for (q = 0; q < nq; q++) {
			uint64_t avail = pp->tx_depth - (posted[q] - done[q]);

			if (is_send && res->req.rq_depth - (posted[q] - recvd[q]) < avail)
				avail = res->req.rq_depth - (posted[q] - recvd[q]);
			if (target[q] - posted[q] < avail)
				avail = target[q] - posted[q];
			if (avail > POST_BATCH)
				avail = POST_BATCH;
			if (avail == 0)
				continue;
			for (i = 0; i < avail; i++) {
				uint64_t idx = posted[q] + i + 1;

				make_wr(r, false, q, &wr[i], &sge[i]);
				wr[i].wr_id = ((uint64_t)q << QP_SHIFT) | idx;
				if (idx % pp->cq_mod == 0 || idx == target[q])
					wr[i].send_flags |= IBV_SEND_SIGNALED;
				wr[i].next = i + 1 < avail ? &wr[i + 1] : NULL;
			}
			ret = post_send(r, res->qa[q], NULL, wr);
			if (ret < 0)
				goto out;
			posted[q] += avail;
			progress = true;
		}

		k = poll(r, res->cq_a, POLL_BATCH);
		if (k < 0) {
			ret = k;
			goto out;
		}
		for (j = 0; j < k; j++) {
			uint64_t idx;

			if (r->wc[j].status != IBV_WC_SUCCESS) {
				ret = wc_failed(r, &r->wc[j]);
				goto out;
			}
			q = (unsigned int)(r->wc[j].wr_id >> QP_SHIFT);
			idx = r->wc[j].wr_id & IDX_MASK;
			if (q >= nq || idx <= done[q] || idx > posted[q])
				continue;
			total_done += idx - done[q];
			done[q] = idx;
		}
		if (k > 0) {
			ph->t_end = clk_now(r->clk);
			progress = true;
			ret = add_sample(ph, clk_ns(r->clk, ph->t_end - ph->t0), total_done);
			if (ret < 0)
				goto out;
		}

		if (is_send) {
			k = poll(r, res->cq_b, POLL_BATCH);
			if (k < 0) {
				ret = k;
				goto out;
			}
			for (j = 0; j < k; j++) {
				if (r->wc[j].status != IBV_WC_SUCCESS) {
					ret = wc_failed(r, &r->wc[j]);
					goto out;
				}
				q = (unsigned int)r->wc[j].wr_id;
				if (q < nq && (r->wc[j].opcode & IBV_WC_RECV)) {
					recvd[q]++;
					res->rq_b[q]--;
				}
			}
			if (k > 0) {
				progress = true;
				for (q = 0; q < nq; q++)
					if (res->rq_b[q] + POST_BATCH / 2 <= res->req.rq_depth ||
					    res->rq_b[q] < res->req.rq_depth / 2) {
						ret = fill_recv(r, true, q);
						if (ret < 0)
							goto out;
					}
			}
		}

		if (!ph->count && !stopping && clk_now(r->clk) >= ph->deadline) {
			/* Stop at the next signaled request of every QP. */
			stopping = true;
			for (q = 0; q < nq; q++)
				target[q] = (posted[q] + pp->cq_mod - 1) / pp->cq_mod * pp->cq_mod;
		}
		for (q = 0; q < nq; q++)
			if (done[q] != target[q] || (is_send && recvd[q] != target[q]))
				finished = false;
		if (finished)
			break;
		if (!progress) {
			ret = idle(r);
			if (ret < 0)
				goto out;
		}
	}
	if (is_send)
		for (q = 0; q < nq; q++) {
			ret = fill_recv(r, true, q);
			if (ret < 0)
				goto out;
		}
	ph->msgs = total_done;
out:
	free(posted);
	free(done);
	free(target);
	free(recvd);
	return ret;
}

static int run_bw(struct run *r, struct vrdma_perf_result *result)
{
	const struct perf_params *pp = r->pp;
	struct bw_phase warm = { .count = pp->warmup }, meas = { .measure = true };
	uint64_t window;
	double secs, peak;
	int ret;

	if (warm.count) {
		ret = bw_phase(r, &warm);
		if (ret < 0)
			return ret;
	}
	meas.count = pp->iterations;
	if (!pp->iterations)
		meas.deadline = clk_now(r->clk) +
		                (uint64_t)(pp->duration * 1e9 / r->clk->ns_per_tick);
	ret = bw_phase(r, &meas);
	if (ret < 0)
		goto out;
	secs = clk_ns(r->clk, meas.t_end - meas.t0) / 1e9;
	window = (uint64_t)pp->tx_depth * pp->num_qps;
	if (window < meas.msgs / 32)
		window = meas.msgs / 32;
	peak = perf_peak_rate(meas.s, meas.ns, window);
	perf_result_set_bw(result, meas.msgs, secs, peak);
out:
	free(meas.s);
	return ret;
}

/* ---- latency ------------------------------------------------------------ */

struct lat_side {
	struct ibv_qp *qp;
	struct ibv_qp_ex *qx;   /* NULL: post with ibv_post_send */
	struct ibv_cq *cq;
	bool side_b;
	unsigned int sq_used;   /* send WRs whose slots are not yet known free */
	unsigned int unsignaled;/* since the last signaled one */
	unsigned int recvs;     /* receive completions seen and not yet consumed */
	unsigned int sig;       /* signal one WR in every `sig` */
	unsigned int depth;     /* send queue depth */
	unsigned int flags;     /* send flags of an unsignaled data WR */
	/* The data WR, built once (lat_side_init): the loop only reposts it. */
	struct ibv_send_wr wr;
	struct ibv_sge sge;
	volatile uint8_t *rx_mark; /* last byte of this side's rx slot */
	uint8_t *tx_mark;          /* last byte of its tx slot */
};

static unsigned int sig_every(const struct run *r)
{
	unsigned int s = r->res->req.sq_depth / 2;

	if (r->opcode == IBV_WR_RDMA_READ)
		return 1;  /* read_lat waits for every read */
	return s < 1 ? 1 : s > 16 ? 16 : s;
}

/* Set up a side in place (its WR points at its own SGE). */
static void lat_side_init(struct run *r, struct lat_side *sd, bool side_b)
{
	struct perf_res *res = r->res;
	uint8_t *buf = side_b ? res->buf_b : res->buf_a;

	memset(sd, 0, sizeof(*sd));
	sd->side_b = side_b;
	sd->qp = side_b ? res->qb[0] : res->qa[0];
	sd->qx = side_b ? res->qxb[0] : res->qxa[0];
	sd->cq = side_b ? res->cq_b : res->cq_a;
	sd->sig = sig_every(r);
	sd->depth = res->req.sq_depth;
	make_wr(r, side_b, 0, &sd->wr, &sd->sge);
	sd->flags = sd->wr.send_flags;
	sd->rx_mark = perf_rx(res, buf, 0) + r->pp->size - 1;
	sd->tx_mark = perf_tx(res, buf, 0) + r->pp->size - 1;
}

/* Poll one side's CQ once: count receives, free send slots. */
static int lat_poll(struct run *r, struct lat_side *sd)
{
	int k = poll(r, sd->cq, POLL_BATCH), j;

	for (j = 0; j < k; j++) {
		const struct ibv_wc *wc = &r->wc[j];

		if (wc->status != IBV_WC_SUCCESS)
			return wc_failed(r, wc);
		if (wc->opcode & IBV_WC_RECV) {
			sd->recvs++;
			if (sd->side_b)
				r->res->rq_b[0]--;
			else
				r->res->rq_a[0]--;
		} else if (wc->wr_id == WR_DRAIN) {
			sd->sq_used = 0;
		} else {
			sd->sq_used = (unsigned int)(sd->sq_used > wc->wr_id ? sd->sq_used - wc->wr_id : 0);
		}
	}
	return k;
}

/* One round of waiting: poll; when idle, block for an event or notice an abort. */
static int lat_step(struct run *r, struct lat_side *sd)
{
	int ret = lat_poll(r, sd);

	if (ret != 0)
		return ret;
	if (aborted(r))
		return -ECANCELED;
	return idle(r);
}

/* Post the data WR; signaled every few, the count of WRs it frees in wr_id. */
static int lat_post(struct run *r, struct lat_side *sd)
{
	int ret;

	while (sd->sq_used >= sd->depth)
		if ((ret = lat_step(r, sd)) < 0)
			return ret;
	if (++sd->unsignaled >= sd->sig) {
		sd->wr.send_flags = sd->flags | IBV_SEND_SIGNALED;
		sd->wr.wr_id = sd->unsignaled;
		sd->unsignaled = 0;
	} else {
		sd->wr.send_flags = sd->flags;
	}
	ret = post_send(r, sd->qp, sd->qx, &sd->wr);
	if (ret < 0)
		return ret;
	sd->sq_used++;
	return 0;
}

/* Leave no unsignaled WR behind: a signaled zero-length write frees them. */
static int lat_drain(struct run *r, struct lat_side *sd)
{
	struct ibv_send_wr wr;
	int ret;

	if (sd->sq_used == 0)
		return 0;
	if (sd->unsignaled) {
		memset(&wr, 0, sizeof(wr));
		wr.wr_id = WR_DRAIN;
		wr.opcode = IBV_WR_RDMA_WRITE;
		wr.send_flags = IBV_SEND_SIGNALED;
		wr.wr.rdma.remote_addr = (uintptr_t)perf_rx(r->res, sd->side_b ? r->res->buf_a :
		                                             r->res->buf_b, 0);
		wr.wr.rdma.rkey = sd->side_b ? r->res->mr_a->rkey : r->res->mr_b->rkey;
		ret = post_send(r, sd->qp, NULL, &wr);
		if (ret < 0)
			return ret;
		sd->unsignaled = 0;
	}
	while (sd->sq_used > 0)
		if ((ret = lat_step(r, sd)) < 0)
			return ret;
	return 0;
}

static int lat_wait_recv(struct run *r, struct lat_side *sd)
{
	int ret;

	while (sd->recvs == 0)
		if ((ret = lat_step(r, sd)) < 0)
			return ret;
	sd->recvs--;
	return 0;
}

/* Wait until the last byte of an rx slot shows `m`, watching the CQ for errors. */
static int lat_wait_byte(struct run *r, struct lat_side *sd, volatile uint8_t *p, uint8_t m)
{
	unsigned int spins = 0;
	int ret;

	while (*p != m) {
		if (++spins % 256 == 0) {
			ret = lat_poll(r, sd);
			if (ret < 0)
				return ret;
			if (aborted(r))
				return -ECANCELED;
		}
	}
	return 0;
}

static inline uint8_t marker(uint64_t i)
{
	return (uint8_t)(i % 255 + 1);
}

/* The responder's half of one ping-pong (side B). */
static int pong(struct run *r, struct lat_side *b, uint64_t i)
{
	struct perf_res *res = r->res;
	const struct perf_params *pp = r->pp;
	int ret;

	if (pp->test == VRDMA_PERF_WRITE_LAT) {
		ret = lat_wait_byte(r, b, b->rx_mark, marker(i));
		if (ret < 0)
			return ret;
		*b->tx_mark = marker(i);
		return lat_post(r, b);
	}
	ret = lat_wait_recv(r, b);
	if (ret < 0)
		return ret;
	if (res->rq_b[0] < res->req.rq_depth / 2 && (ret = fill_recv(r, true, 0)) < 0)
		return ret;
	return lat_post(r, b);
}

/* The requester's half (side A): ping, then wait for the pong. */
static int ping(struct run *r, struct lat_side *a, struct lat_side *b, uint64_t i)
{
	struct perf_res *res = r->res;
	const struct perf_params *pp = r->pp;
	int ret;

	switch (pp->test) {
	case VRDMA_PERF_WRITE_LAT:
		*a->tx_mark = marker(i);
		if ((ret = lat_post(r, a)) < 0)
			return ret;
		if (b && (ret = pong(r, b, i)) < 0)
			return ret;
		return lat_wait_byte(r, a, a->rx_mark, marker(i));
	case VRDMA_PERF_SEND_LAT:
		if ((ret = lat_post(r, a)) < 0)
			return ret;
		if (b && (ret = pong(r, b, i)) < 0)
			return ret;
		if ((ret = lat_wait_recv(r, a)) < 0)
			return ret;
		if (res->rq_a[0] < res->req.rq_depth / 2 && (ret = fill_recv(r, false, 0)) < 0)
			return ret;
		return 0;
	default: /* read_lat: lat_post signals every read */
		if ((ret = lat_post(r, a)) < 0)
			return ret;
		while (a->sq_used > 0)
			if ((ret = lat_step(r, a)) < 0)
				return ret;
		return 0;
	}
}

/*
 * With two or more CPUs (and polling), the responder runs in its own
 * thread, as perftest's server process does: each side's completions and
 * acknowledgements are then processed in parallel instead of one after the
 * other.  The thread has no context: it reports through its run's err[].
 */
struct responder {
	pthread_t thread;
	struct run r;
	struct lat_side b;
	uint64_t total;  /* UINT64_MAX: until stopped */
	int stop;        /* set by the requester */
	int failed;      /* set by the responder */
	int ret;
};

static void *responder_main(void *arg)
{
	struct responder *t = arg;
	uint64_t i;
	int ret = 0;

	for (i = 0; i < t->total; i++) {
		ret = pong(&t->r, &t->b, i);
		if (ret < 0)
			break;
	}
	if (ret == -ECANCELED)
		ret = 0;  /* stopped by the requester */
	t->ret = ret;
	if (ret < 0)
		__atomic_store_n(&t->failed, 1, __ATOMIC_RELEASE);
	return NULL;
}

/*
 * The CPUs the responder thread may use: those the caller allowed, less the
 * one the requester is pinned to (when the run pins it).  Empty: respond
 * inline.  Decided from the affinity before the run pinned the requester.
 */
static bool responder_cpus(const struct run *r, cpu_set_t *set)
{
	const char *env = secure_getenv("VRDMA_PERF_RESPONDER");

	CPU_ZERO(set);
	if (r->pp->test == VRDMA_PERF_READ_LAT || r->pp->events)
		return false;
	if (env && strcmp(env, "inline") == 0)
		return false;
	if (r->pin)
		*set = r->allowed;
	else if (sched_getaffinity(0, sizeof(*set), set) < 0)
		return false;
	if (env && strcmp(env, "thread") == 0)
		return true;
	if (CPU_COUNT(set) < 2)
		return false;
	if (r->pin)
		CPU_CLR(r->cpu, set);
	return CPU_COUNT(set) >= 1;
}

static int run_lat(struct run *r, struct vrdma_perf_result *result)
{
	const struct perf_params *pp = r->pp;
	struct lat_side a, b0, *b = &b0;
	struct responder *t = NULL;
	uint64_t *tv = NULL, cap, n = 0, i, deadline = 0, total;
	bool timed = pp->iterations == 0;
	int ret = 0, e;
	double *d = NULL, halve;
	struct perf_lat_stats st;
	pthread_attr_t attr;
	cpu_set_t cpus;

	lat_side_init(r, &a, false);
	lat_side_init(r, &b0, true);
	cap = timed ? 4096 : pp->iterations + 1;
	tv = malloc(cap * sizeof(*tv));
	if (!tv)
		return -ENOMEM;
	if (pp->test == VRDMA_PERF_SEND_LAT &&
	    ((ret = fill_recv(r, false, 0)) < 0 || (ret = fill_recv(r, true, 0)) < 0))
		goto out;
	total = timed ? UINT64_MAX : pp->warmup + pp->iterations;

	if (responder_cpus(r, &cpus)) {
		t = calloc(1, sizeof(*t));
		if (!t) {
			ret = -ENOMEM;
			goto out;
		}
		t->r = *r;
		t->r.ctx = NULL;
		t->r.abort_flag = &t->stop;
		t->b = b0;
		t->b.wr.sg_list = &t->b.sge;
		t->total = total;
		r->abort_flag = &t->failed;
		e = pthread_attr_init(&attr);
		if (e == 0) {
			/* Off the requester's CPU: pthread_create would copy its pinning. */
			if (CPU_COUNT(&cpus) > 0)
				(void)pthread_attr_setaffinity_np(&attr, sizeof(cpus), &cpus);
			e = pthread_create(&t->thread, &attr, responder_main, t);
			pthread_attr_destroy(&attr);
		}
		if (e) {
			free(t);
			t = NULL;
			r->abort_flag = NULL;
			dbg(r->ctx, "%s: no responder thread (%s), responding inline", r->name,
			    strerror(e));
		} else {
			b = NULL;
		}
	}

	for (i = 0; i < total; i++) {
		if (i == pp->warmup && timed)
			deadline = clk_now(r->clk) + (uint64_t)(pp->duration * 1e9 / r->clk->ns_per_tick);
		if (i >= pp->warmup) {
			if (n == cap) {
				uint64_t *nt = realloc(tv, cap * 2 * sizeof(*tv));

				if (!nt) {
					ret = -ENOMEM;
					break;
				}
				tv = nt;
				cap *= 2;
			}
			tv[n] = clk_now(r->clk);
			if (timed && n > 0 && tv[n] >= deadline) {
				n++;
				break;
			}
			n++;
		}
		ret = ping(r, &a, b, i);
		if (ret < 0)
			break;
	}
	if (ret == 0 && !timed)
		tv[n++] = clk_now(r->clk);
	if (t) {
		__atomic_store_n(&t->stop, 1, __ATOMIC_RELEASE);
		pthread_join(t->thread, NULL);
		r->abort_flag = NULL;
		b = &b0;
		b0 = t->b;
		b0.wr.sg_list = &b0.sge;
		if (t->ret < 0) {
			/* The responder's failure explains the requester's abort. */
			ret = r->ctx ? vrdma_error(r->ctx, t->ret, "%s", t->r.err) : t->ret;
		}
	}
	if (ret < 0)
		goto out;
	if ((ret = lat_drain(r, &a)) < 0 || (ret = lat_drain(r, b)) < 0)
		goto out;
	if (pp->test == VRDMA_PERF_SEND_LAT &&
	    ((ret = fill_recv(r, false, 0)) < 0 || (ret = fill_recv(r, true, 0)) < 0))
		goto out;
	if (n < 2) {
		ret = run_err(r, -ERANGE, "%s: no complete iteration was measured", r->name);
		goto out;
	}
	d = malloc((n - 1) * sizeof(*d));
	if (!d) {
		ret = -ENOMEM;
		goto out;
	}
	halve = pp->test == VRDMA_PERF_READ_LAT ? 1.0 : 2.0;
	for (i = 0; i + 1 < n; i++)
		d[i] = clk_ns(r->clk, tv[i + 1] - tv[i]) / 1000.0 / halve;
	perf_lat_stats(d, n - 1, &st);
	perf_result_set_lat(result, n - 1, clk_ns(r->clk, tv[n - 1] - tv[0]) / 1e9, &st);
out:
	free(t);
	free(tv);
	free(d);
	return ret;
}

/* ---- verification ------------------------------------------------------- */

static void prepare_buffers(struct run *r)
{
	struct perf_res *res = r->res;
	size_t size = r->pp->size;
	unsigned int q;

	for (q = 0; q < res->req.num_qps; q++) {
		uint32_t sa = r->seed + 2 * q, sb = r->seed + 2 * q + 1;

		perf_pattern_fill(perf_tx(res, res->buf_a, q), size, sa);
		perf_pattern_fill(perf_tx(res, res->buf_b, q), size, sb);
		/* rx holds the complement of what should land there. */
		perf_pattern_fill_inverse(perf_rx(res, res->buf_b, q), size, sa);
		perf_pattern_fill_inverse(perf_rx(res, res->buf_a, q), size, sb);
		/* The latency markers (last byte) count 1..255: start at 0. */
		perf_rx(res, res->buf_a, q)[size - 1] = 0;
		perf_rx(res, res->buf_b, q)[size - 1] = 0;
	}
}

static int check_one(struct run *r, const char *what, uint8_t *dst, const uint8_t *src,
                     unsigned int q)
{
	size_t bad = 0;

	if (r->pp->fault == PERF_FAULT_CORRUPT)
		dst[r->pp->size - 1] ^= 0x5a;
	if (perf_verify(dst, src, r->pp->size, r->seed, &bad) == 0)
		return 0;
	return run_err(r, -EBADMSG,
	                   "%s: data verification failed on QP pair %u: %s byte %zu is 0x%02x, expected 0x%02x (the %zu-byte messages did not land intact)",
	                   r->name, q, what, bad, dst[bad], src[bad], r->pp->size);
}

static int verify(struct run *r)
{
	struct perf_res *res = r->res;
	unsigned int q, nq = r->pp->latency ? 1 : res->req.num_qps;
	int ret = 0;

	for (q = 0; q < nq && ret == 0; q++) {
		switch (r->pp->test) {
		case VRDMA_PERF_READ_BW:
		case VRDMA_PERF_READ_LAT:
			ret = check_one(r, "requester buffer", perf_rx(res, res->buf_a, q),
			                perf_tx(res, res->buf_b, q), q);
			break;
		case VRDMA_PERF_WRITE_LAT:
		case VRDMA_PERF_SEND_LAT:
			ret = check_one(r, "requester buffer", perf_rx(res, res->buf_a, q),
			                perf_tx(res, res->buf_b, q), q);
			/* fall through */
		default:
			if (ret == 0)
				ret = check_one(r, "responder buffer", perf_rx(res, res->buf_b, q),
				                perf_tx(res, res->buf_a, q), q);
			break;
		}
	}
	return ret;
}

int perf_run(struct vrdma_ctx *ctx, struct perf_res *res, const struct perf_clock *clk,
             const struct perf_params *pp, struct vrdma_perf_result *result)
{
	static const int opcodes[] = {
		[VRDMA_PERF_WRITE_BW] = IBV_WR_RDMA_WRITE,
		[VRDMA_PERF_READ_BW] = IBV_WR_RDMA_READ,
		[VRDMA_PERF_SEND_BW] = IBV_WR_SEND,
		[VRDMA_PERF_WRITE_LAT] = IBV_WR_RDMA_WRITE,
		[VRDMA_PERF_READ_LAT] = IBV_WR_RDMA_READ,
		[VRDMA_PERF_SEND_LAT] = IBV_WR_SEND,
	};
	struct run *r;
	int ret;

	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->ctx = ctx;
	r->res = res;
	r->clk = clk;
	r->pp = pp;
	r->name = vrdma_perf_test_name(pp->test);
	r->opcode = opcodes[pp->test];
	r->seed = (uint32_t)(clk_now(clk) * 2654435761u) ^ (uint32_t)pp->size;

	/* A TSC that is not known to be synchronized between CPUs: take every
	 * timestamp of the run on this CPU (the responder thread uses another). */
	if (clk->tsc && clk->pin && sched_getaffinity(0, sizeof(r->allowed), &r->allowed) == 0 &&
	    (r->cpu = sched_getcpu()) >= 0) {
		cpu_set_t one;

		CPU_ZERO(&one);
		CPU_SET(r->cpu, &one);
		r->pin = sched_setaffinity(0, sizeof(one), &one) == 0;
	}
	prepare_buffers(r);
	ret = pp->latency ? run_lat(r, result) : run_bw(r, result);
	if (r->pin)
		(void)sched_setaffinity(0, sizeof(r->allowed), &r->allowed);
	if (ret == 0) {
		ret = verify(r);
		perf_result_set_verified(result, ret == 0);
	}
	free(r);
	return ret;
}
