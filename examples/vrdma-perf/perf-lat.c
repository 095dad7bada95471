/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * vrdma-perf: the latency tests.
 *
 *   write_lat ping-pong of RDMA WRITEs, each side polling the last byte of
 *             its rx slot; reported latency is half the round trip
 *   send_lat  ping-pong of SENDs; half the round trip
 *   read_lat  one RDMA READ at a time; the full read
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "perf.h"

#define WR_DRAIN (UINT64_MAX - 1)

static bool aborted(const struct run *r)
{
	return r->abort_flag && __atomic_load_n(r->abort_flag, __ATOMIC_ACQUIRE);
}


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
	run_make_wr(r, side_b, 0, &sd->wr, &sd->sge);
	sd->flags = sd->wr.send_flags;
	sd->rx_mark = perf_rx(res, buf, 0) + r->pp->size - 1;
	sd->tx_mark = perf_tx(res, buf, 0) + r->pp->size - 1;
}

/* Poll one side's CQ once: count receives, free send slots. */
static int lat_poll(struct run *r, struct lat_side *sd)
{
	int k = run_poll(r, sd->cq, PERF_POLL_BATCH), j;

	for (j = 0; j < k; j++) {
		const struct ibv_wc *wc = &r->wc[j];

		if (wc->status != IBV_WC_SUCCESS)
			return run_wc_failed(r, wc);
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
	return run_idle(r);
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
	ret = run_post_send(r, sd->qp, sd->qx, &sd->wr);
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
		ret = run_post_send(r, sd->qp, NULL, &wr);
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

	if (pp->test == PERF_WRITE_LAT) {
		ret = lat_wait_byte(r, b, b->rx_mark, marker(i));
		if (ret < 0)
			return ret;
		*b->tx_mark = marker(i);
		return lat_post(r, b);
	}
	ret = lat_wait_recv(r, b);
	if (ret < 0)
		return ret;
	if (res->rq_b[0] < res->req.rq_depth / 2 && (ret = run_fill_recv(r, true, 0)) < 0)
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
	case PERF_WRITE_LAT:
		*a->tx_mark = marker(i);
		if ((ret = lat_post(r, a)) < 0)
			return ret;
		if (b && (ret = pong(r, b, i)) < 0)
			return ret;
		return lat_wait_byte(r, a, a->rx_mark, marker(i));
	case PERF_SEND_LAT:
		if ((ret = lat_post(r, a)) < 0)
			return ret;
		if (b && (ret = pong(r, b, i)) < 0)
			return ret;
		if ((ret = lat_wait_recv(r, a)) < 0)
			return ret;
		if (res->rq_a[0] < res->req.rq_depth / 2 && (ret = run_fill_recv(r, false, 0)) < 0)
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
 * other.  The thread reports through a message of its own, which the
 * requester takes over when the thread failed.
 */
struct responder {
	pthread_t thread;
	struct run r;
	struct perf_msg msg; /* why it failed (r.msg) */
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
	const char *env = secure_getenv("PERF_RESPONDER");

	CPU_ZERO(set);
	if (r->pp->test == PERF_READ_LAT || r->pp->events)
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

/* send_lat: both sides' receive queues full. */
static int fill_recvs(struct run *r)
{
	int ret = 0;

	if (r->pp->test == PERF_SEND_LAT && (ret = run_fill_recv(r, false, 0)) == 0)
		ret = run_fill_recv(r, true, 0);
	return ret;
}

/* The statistics of the n timestamps tv[] (n - 1 iterations). */
static int lat_result(struct run *r, const uint64_t *tv, uint64_t n, struct perf_result *result)
{
	double *d, halve = r->pp->test == PERF_READ_LAT ? 1.0 : 2.0;
	uint64_t i;

	if (n < 2)
		return perf_fail(r->msg, -ERANGE, "%s: no complete iteration was measured", r->pp->name);
	d = malloc((n - 1) * sizeof(*d));
	if (!d)
		return -ENOMEM;
	for (i = 0; i + 1 < n; i++)
		d[i] = perf_clock_ns(r->clk, tv[i + 1] - tv[i]) / 1000.0 / halve;
	perf_lat_stats(d, n - 1, &result->lat);
	result->iterations = n - 1;
	result->seconds = perf_clock_ns(r->clk, tv[n - 1] - tv[0]) / 1e9;
	free(d);
	return 0;
}

int perf_run_lat(struct run *r, struct perf_result *result)
{
	const struct perf_params *pp = r->pp;
	struct lat_side a, b0, *b = &b0;
	struct responder *t = NULL;
	uint64_t *tv = NULL, cap, n = 0, i, deadline = 0, total;
	bool timed = pp->iterations == 0;
	int ret = 0, e;
	pthread_attr_t attr;
	cpu_set_t cpus;

	lat_side_init(r, &a, false);
	lat_side_init(r, &b0, true);
	cap = timed ? 4096 : pp->iterations + 1;
	tv = malloc(cap * sizeof(*tv));
	if (!tv)
		return -ENOMEM;
	if ((ret = fill_recvs(r)) < 0)
		goto out;
	total = timed ? UINT64_MAX : pp->warmup + pp->iterations;

	if (responder_cpus(r, &cpus)) {
		t = calloc(1, sizeof(*t));
		if (!t) {
			ret = -ENOMEM;
			goto out;
		}
		t->r = *r;
		t->msg.debug = r->msg->debug;
		t->r.msg = &t->msg;
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
			perf_debug(r->msg, "%s: no responder thread (%s), responding inline", r->pp->name,
			           strerror(e));
		} else {
			b = NULL;
		}
	}

	for (i = 0; i < total; i++) {
		if (i == pp->warmup && timed)
			deadline = perf_clock_now(r->clk) + (uint64_t)(pp->duration * 1e9 / r->clk->ns_per_tick);
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
			tv[n] = perf_clock_now(r->clk);
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
		tv[n++] = perf_clock_now(r->clk);
	if (t) {
		__atomic_store_n(&t->stop, 1, __ATOMIC_RELEASE);
		pthread_join(t->thread, NULL);
		r->abort_flag = NULL;
		b = &b0;
		b0 = t->b;
		b0.wr.sg_list = &b0.sge;
		if (t->ret < 0) {
			/* The responder's failure explains the requester's abort. */
			ret = perf_fail(r->msg, t->ret, "%s", t->msg.err);
		}
	}
	if (ret < 0)
		goto out;
	if ((ret = lat_drain(r, &a)) < 0 || (ret = lat_drain(r, b)) < 0)
		goto out;
	if ((ret = fill_recvs(r)) < 0)
		goto out;
	ret = lat_result(r, tv, n, result);
out:
	free(t);
	free(tv);
	return ret;
}

