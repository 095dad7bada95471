/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * vrdma-perf: running one test.
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
 *
 * The latency tests are in perf-lat.c; the helpers both use are here.
 */
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "perf.h"

#define QP_SHIFT 48
#define IDX_MASK ((UINT64_C(1) << QP_SHIFT) - 1)

/* ---- helpers of both loops ------------------------------------------------ */

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

int run_wc_failed(struct run *r, const struct ibv_wc *wc)
{
	return perf_fail(r->msg, -EIO,
	                 "%s: completion error on %s QP 0x%x of %s: %s (status %d, vendor error 0x%x)",
	                 r->pp->name, side_of(r, wc->qp_num), wc->qp_num, r->res->ep->device,
	                 ibv_wc_status_str(wc->status), wc->status, wc->vendor_err);
}

int run_poll(struct run *r, struct ibv_cq *cq, int max)
{
	int k = ibv_poll_cq(cq, max, r->wc);

	if (k < 0)
		return perf_fail(r->msg, -EIO, "%s: polling a completion queue of %s failed",
		                 r->pp->name, r->res->ep->device);
	return k;
}

/*
 * Nothing progressed: with completion events, arm both CQs the first time
 * (the caller polls once more, closing the race), block for an event the
 * next time.  Without events, nothing to do: the caller spins.
 */
int run_idle(struct run *r)
{
	struct ibv_cq *cq;
	void *cq_ctx;

	if (!r->pp->events)
		return 0;
	if (!r->res->armed) {
		if (ibv_req_notify_cq(r->res->cq_a, 0) || ibv_req_notify_cq(r->res->cq_b, 0))
			return perf_fail(r->msg, -EIO, "%s: cannot request completion events on %s",
			                 r->pp->name, r->res->ep->device);
		r->res->armed = true;
		return 0;
	}
	if (ibv_get_cq_event(r->res->chan, &cq, &cq_ctx))
		return perf_fail(r->msg, -EIO, "%s: waiting for a completion event on %s failed: %m",
		                 r->pp->name, r->res->ep->device);
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
int run_post_send(struct run *r, struct ibv_qp *qp, struct ibv_qp_ex *qx,
                  struct ibv_send_wr *wr)
{
	struct ibv_send_wr *bad = NULL;
	int e = qx ? post_ex(qx, wr) : ibv_post_send(qp, wr, &bad);

	if (e)
		return perf_fail(r->msg, -e, "%s: posting to QP 0x%x of %s failed: %s",
		                 r->pp->name, qp->qp_num, r->res->ep->device, strerror(e));
	return 0;
}

/* Top up the receive queue of one QP of side A or B to rq_depth. */
int run_fill_recv(struct run *r, bool side_b, unsigned int q)
{
	struct perf_res *res = r->res;
	unsigned int *have = side_b ? &res->rq_b[q] : &res->rq_a[q];
	struct ibv_recv_wr wr[PERF_POST_BATCH], *bad = NULL;
	struct ibv_sge sge;
	struct ibv_qp *qp = side_b ? res->qb[q] : res->qa[q];
	unsigned int n, i;
	int e;

	sge.addr = (uintptr_t)perf_rx(res, side_b ? res->buf_b : res->buf_a, q);
	sge.length = (uint32_t)res->req.slot;
	sge.lkey = side_b ? res->mr_b->lkey : res->mr_a->lkey;
	while (*have < res->req.rq_depth) {
		n = res->req.rq_depth - *have;
		if (n > PERF_POST_BATCH)
			n = PERF_POST_BATCH;
		for (i = 0; i < n; i++) {
			wr[i].wr_id = q;
			wr[i].sg_list = &sge;
			wr[i].num_sge = 1;
			wr[i].next = i + 1 < n ? &wr[i + 1] : NULL;
		}
		e = ibv_post_recv(qp, wr, &bad);
		if (e)
			return perf_fail(r->msg, -e, "%s: posting receives to QP 0x%x of %s failed: %s",
			                 r->pp->name, qp->qp_num, res->ep->device, strerror(e));
		*have += n;
	}
	return 0;
}

/* One data work request of side A (or B for the latency pong) on QP q. */
void run_make_wr(struct run *r, bool side_b, unsigned int q, struct ibv_send_wr *wr,
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
	wr->num_sge = perf_fault(r->pp, PERF_FAULT_NO_DATA) ? 0 : 1;
	wr->opcode = (enum ibv_wr_opcode)r->opcode;
	if (!read && r->pp->size <= r->pp->inline_size)
		wr->send_flags |= IBV_SEND_INLINE;
	if (r->opcode != IBV_WR_SEND) {
		wr->wr.rdma.remote_addr = (uintptr_t)(read ? perf_tx(res, rbuf, q) :
		                                               perf_rx(res, rbuf, q));
		wr->wr.rdma.rkey = side_b ? res->mr_a->rkey : res->mr_b->rkey;
		if (perf_fault(r->pp, PERF_FAULT_BAD_RKEY))
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
	struct ibv_send_wr wr[PERF_POST_BATCH];
	struct ibv_sge sge[PERF_POST_BATCH];
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
			ret = run_fill_recv(r, true, q);
			if (ret < 0)
				goto out;
		}
	}
	ph->t0 = perf_clock_now(r->clk);
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
			if (avail > PERF_POST_BATCH)
				avail = PERF_POST_BATCH;
			if (avail == 0)
				continue;
			for (i = 0; i < avail; i++) {
				uint64_t idx = posted[q] + i + 1;

				run_make_wr(r, false, q, &wr[i], &sge[i]);
				wr[i].wr_id = ((uint64_t)q << QP_SHIFT) | idx;
				if (idx % pp->cq_mod == 0 || idx == target[q])
					wr[i].send_flags |= IBV_SEND_SIGNALED;
				wr[i].next = i + 1 < avail ? &wr[i + 1] : NULL;
			}
			ret = run_post_send(r, res->qa[q], NULL, wr);
			if (ret < 0)
				goto out;
			posted[q] += avail;
			progress = true;
		}

		k = run_poll(r, res->cq_a, PERF_POLL_BATCH);
		if (k < 0) {
			ret = k;
			goto out;
		}
		for (j = 0; j < k; j++) {
			uint64_t idx;

			if (r->wc[j].status != IBV_WC_SUCCESS) {
				ret = run_wc_failed(r, &r->wc[j]);
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
			ph->t_end = perf_clock_now(r->clk);
			progress = true;
			ret = add_sample(ph, perf_clock_ns(r->clk, ph->t_end - ph->t0), total_done);
			if (ret < 0)
				goto out;
		}

		if (is_send) {
			k = run_poll(r, res->cq_b, PERF_POLL_BATCH);
			if (k < 0) {
				ret = k;
				goto out;
			}
			for (j = 0; j < k; j++) {
				if (r->wc[j].status != IBV_WC_SUCCESS) {
					ret = run_wc_failed(r, &r->wc[j]);
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
					if (res->rq_b[q] + PERF_POST_BATCH / 2 <= res->req.rq_depth ||
					    res->rq_b[q] < res->req.rq_depth / 2) {
						ret = run_fill_recv(r, true, q);
						if (ret < 0)
							goto out;
					}
			}
		}

		if (!ph->count && !stopping && perf_clock_now(r->clk) >= ph->deadline) {
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
			ret = run_idle(r);
			if (ret < 0)
				goto out;
		}
	}
	if (is_send)
		for (q = 0; q < nq; q++) {
			ret = run_fill_recv(r, true, q);
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

static int run_bw(struct run *r, struct perf_result *result)
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
		meas.deadline = perf_clock_now(r->clk) +
		                (uint64_t)(pp->duration * 1e9 / r->clk->ns_per_tick);
	ret = bw_phase(r, &meas);
	if (ret < 0)
		goto out;
	secs = perf_clock_ns(r->clk, meas.t_end - meas.t0) / 1e9;
	window = (uint64_t)pp->tx_depth * pp->num_qps;
	if (window < meas.msgs / 32)
		window = meas.msgs / 32;
	peak = perf_peak_rate(meas.s, meas.ns, window);
	result->iterations = meas.msgs;
	result->seconds = secs;
	result->msg_rate = secs > 0 ? (double)meas.msgs / secs : 0.0;
	result->bw_avg = result->msg_rate * (double)pp->size;
	result->bw_peak = peak * (double)pp->size;
	if (result->bw_peak < result->bw_avg)
		result->bw_peak = result->bw_avg;
out:
	free(meas.s);
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

	if (perf_fault(r->pp, PERF_FAULT_CORRUPT))
		dst[r->pp->size - 1] ^= 0x5a;
	if (perf_verify(dst, src, r->pp->size, r->seed, &bad) == 0)
		return 0;
	return perf_fail(r->msg, -EBADMSG,
	                 "%s: data verification failed on QP pair %u: %s byte %zu is 0x%02x, expected 0x%02x (the %zu-byte messages did not land intact)",
	                 r->pp->name, q, what, bad, dst[bad], src[bad], r->pp->size);
}

static int verify(struct run *r)
{
	struct perf_res *res = r->res;
	unsigned int q, nq = r->pp->latency ? 1 : res->req.num_qps;
	int ret = 0;

	for (q = 0; q < nq && ret == 0; q++) {
		switch (r->pp->test) {
		case PERF_READ_BW:
		case PERF_READ_LAT:
			ret = check_one(r, "requester buffer", perf_rx(res, res->buf_a, q),
			                perf_tx(res, res->buf_b, q), q);
			break;
		case PERF_WRITE_LAT:
		case PERF_SEND_LAT:
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

int perf_run(struct perf_msg *m, struct perf_res *res, const struct perf_clock *clk,
             const struct perf_params *pp, struct perf_result *result)
{
	static const int opcodes[] = {
		[PERF_WRITE_BW] = IBV_WR_RDMA_WRITE,
		[PERF_READ_BW] = IBV_WR_RDMA_READ,
		[PERF_SEND_BW] = IBV_WR_SEND,
		[PERF_WRITE_LAT] = IBV_WR_RDMA_WRITE,
		[PERF_READ_LAT] = IBV_WR_RDMA_READ,
		[PERF_SEND_LAT] = IBV_WR_SEND,
	};
	struct run *r;
	int ret;

	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->msg = m;
	r->res = res;
	r->clk = clk;
	r->pp = pp;
	r->opcode = opcodes[pp->test];
	r->seed = (uint32_t)(perf_clock_now(clk) * 2654435761u) ^ (uint32_t)pp->size;

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
	ret = pp->latency ? perf_run_lat(r, result) : run_bw(r, result);
	if (r->pin)
		(void)sched_setaffinity(0, sizeof(r->allowed), &r->allowed);
	if (ret == 0) {
		ret = verify(r);
		result->verified = ret == 0;
	}
	free(r);
	return ret;
}
