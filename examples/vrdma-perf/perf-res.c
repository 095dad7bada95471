/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * vrdma-perf: verbs resources for the loopback benchmark.  Opens the
 * endpoint's device by its kernel name and builds a PD, two CQs (side A and
 * side B), `num_qps` pairs of RC QPs connected to each other over the GID
 * (address handle with a GRH whose destination is the same GID) and two
 * registered buffers.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "perf.h"

static int open_device(struct perf_msg *m, struct perf_res *res)
{
	const char *name = res->ep->device;
	struct ibv_device **list;
	int i, n = 0, e = ENODEV;

	list = ibv_get_device_list(&n);
	if (!list)
		return perf_fail(m, errno ? -errno : -ENODEV, "cannot list RDMA devices: %m");
	for (i = 0; i < n && strcmp(ibv_get_device_name(list[i]), name) != 0; i++)
		;
	if (i < n) {
		res->vctx = ibv_open_device(list[i]);
		/* Side B gets a device context of its own when it polls (see
		 * perf_res): its posts then share no kernel file with side A's. */
		if (res->vctx && !res->req.events)
			res->vctx_b = ibv_open_device(list[i]);
		if (errno)
			e = errno;
	}
	ibv_free_device_list(list);
	if (i == n)
		return perf_fail(m, -ENODEV, "RDMA device %s has no verbs device", name);
	if (!res->vctx || (!res->req.events && !res->vctx_b))
		return perf_fail(m, -e, "cannot open RDMA device %s: %s", name, strerror(e));
	return 0;
}

static int create_qp(struct perf_msg *m, struct perf_res *res, struct ibv_pd *pd,
                     struct ibv_cq *cq, struct ibv_qp **ret, struct ibv_qp_ex **ret_ex)
{
	struct ibv_qp_init_attr_ex iax = {
		.send_cq = cq,
		.recv_cq = cq,
		.qp_type = IBV_QPT_RC,
		.cap = {
			.max_send_wr = res->req.sq_depth,
			.max_recv_wr = res->req.rq_depth,
			.max_send_sge = 1,
			.max_recv_sge = 1,
			.max_inline_data = res->req.max_inline,
		},
		.comp_mask = IBV_QP_INIT_ATTR_PD | IBV_QP_INIT_ATTR_SEND_OPS_FLAGS,
		.pd = pd,
		.send_ops_flags = IBV_QP_EX_WITH_RDMA_WRITE | IBV_QP_EX_WITH_RDMA_READ |
		                  IBV_QP_EX_WITH_SEND,
	};
	struct ibv_qp_init_attr ia = {
		.send_cq = cq,
		.recv_cq = cq,
		.qp_type = IBV_QPT_RC,
		.cap = iax.cap,
	};
	struct ibv_qp_attr a = {
		.qp_state = IBV_QPS_INIT,
		.pkey_index = 0,
		.port_num = (uint8_t)res->ep->port,
		.qp_access_flags = IBV_ACCESS_LOCAL_WRITE | IBV_ACCESS_REMOTE_WRITE |
		                   IBV_ACCESS_REMOTE_READ,
	};
	int r;

	/* The extended post API where the provider has it, else the classic QP. */
	*ret_ex = NULL;
	*ret = ibv_create_qp_ex(pd->context, &iax);
	if (*ret)
		*ret_ex = ibv_qp_to_qp_ex(*ret);
	else
		*ret = ibv_create_qp(pd, &ia);
	if (!*ret)
		return perf_fail(m, errno ? -errno : -ENOMEM,
		                 "cannot create an RC QP on %s (send depth %u, receive depth %u, inline %u): %m",
		                 res->ep->device, res->req.sq_depth, res->req.rq_depth,
		                 res->req.max_inline);
	r = ibv_modify_qp(*ret, &a, IBV_QP_STATE | IBV_QP_PKEY_INDEX | IBV_QP_PORT |
	                  IBV_QP_ACCESS_FLAGS);
	if (r)
		return perf_fail(m, -r, "cannot move QP 0x%x on %s to INIT: %s",
		                 (*ret)->qp_num, res->ep->device, strerror(r));
	return 0;
}

static int connect_qp(struct perf_msg *m, struct perf_res *res, struct ibv_qp *qp,
                      uint32_t remote_qpn)
{
	struct ibv_qp_attr a = {
		.qp_state = IBV_QPS_RTR,
		.path_mtu = res->ep->mtu,
		.dest_qp_num = remote_qpn,
		.rq_psn = 0,
		.max_dest_rd_atomic = (uint8_t)res->max_rd_atomic,
		.min_rnr_timer = 1,
		.ah_attr = {
			.is_global = 1,
			.grh = {
				.dgid = res->ep->gid,
				.sgid_index = (uint8_t)res->ep->gid_index,
				.hop_limit = 64,
			},
			.port_num = (uint8_t)res->ep->port,
		},
	};
	int r;

	r = ibv_modify_qp(qp, &a, IBV_QP_STATE | IBV_QP_AV | IBV_QP_PATH_MTU |
	                  IBV_QP_DEST_QPN | IBV_QP_RQ_PSN | IBV_QP_MAX_DEST_RD_ATOMIC |
	                  IBV_QP_MIN_RNR_TIMER);
	if (r)
		return perf_fail(m, -r, "cannot move QP 0x%x on %s to RTR (GID %d %s): %s",
		                 qp->qp_num, res->ep->device, res->ep->gid_index, res->ep->gid_text,
		                 strerror(r));
	memset(&a, 0, sizeof(a));
	a.qp_state = IBV_QPS_RTS;
	a.timeout = 14;
	a.retry_cnt = 7;
	a.rnr_retry = 7;
	a.sq_psn = 0;
	a.max_rd_atomic = (uint8_t)res->max_rd_atomic;
	r = ibv_modify_qp(qp, &a, IBV_QP_STATE | IBV_QP_TIMEOUT | IBV_QP_RETRY_CNT |
	                  IBV_QP_RNR_RETRY | IBV_QP_SQ_PSN | IBV_QP_MAX_QP_RD_ATOMIC);
	if (r)
		return perf_fail(m, -r, "cannot move QP 0x%x on %s to RTS: %s",
		                 qp->qp_num, res->ep->device, strerror(r));
	return 0;
}

static int alloc_buffer(struct perf_msg *m, struct perf_res *res, struct ibv_pd *pd,
                        uint8_t **buf, struct ibv_mr **mr)
{
	long page = sysconf(_SC_PAGESIZE);
	int r;

	r = posix_memalign((void **)buf, page > 0 ? (size_t)page : 4096, res->buf_len);
	if (r) {
		*buf = NULL;
		return perf_fail(m, -r, "cannot allocate %zu bytes for the buffers", res->buf_len);
	}
	memset(*buf, 0, res->buf_len);
	*mr = ibv_reg_mr(pd, *buf, res->buf_len, IBV_ACCESS_LOCAL_WRITE |
	                 IBV_ACCESS_REMOTE_WRITE | IBV_ACCESS_REMOTE_READ);
	if (!*mr) {
		r = errno ? -errno : -ENOMEM;
		return perf_fail(m, r,
		                 "memory registration of %zu bytes on %s failed: %s%s",
		                 res->buf_len, res->ep->device, strerror(-r),
		                 r == -ENOMEM || r == -EPERM || r == -EAGAIN ?
		                 " (locked-memory limit: see ulimit -l / RLIMIT_MEMLOCK)" : "");
	}
	return 0;
}

/* Check the request against the device's limits; note what the QPs need. */
static int check_limits(struct perf_msg *m, struct perf_res *res)
{
	const struct perf_res_req *req = &res->req;
	const char *dev = res->ep->device;
	struct ibv_device_attr da;
	int r;

	r = ibv_query_device(res->vctx, &da);
	if (r)
		return perf_fail(m, -r, "cannot query RDMA device %s: %s", dev, strerror(r));
	res->max_rd_atomic = (unsigned int)(da.max_qp_rd_atom < da.max_qp_init_rd_atom ?
	                                    da.max_qp_rd_atom : da.max_qp_init_rd_atom);
	if (res->max_rd_atomic < 1)
		res->max_rd_atomic = 1;
	if (res->max_rd_atomic > 255)
		res->max_rd_atomic = 255;
	if (req->sq_depth > (unsigned int)da.max_qp_wr || req->rq_depth > (unsigned int)da.max_qp_wr)
		return perf_fail(m, -EINVAL, "TX depth %u exceeds the %d work requests a QP of %s can hold",
		                 req->sq_depth, da.max_qp_wr, dev);
	if (req->num_qps > (unsigned int)da.max_qp / 2)
		return perf_fail(m, -EINVAL, "%u QP pairs exceed the %d QPs of %s", req->num_qps,
		                 da.max_qp, dev);
	res->cq_size = req->num_qps * (req->sq_depth + req->rq_depth) + 16;
	if ((int)res->cq_size > da.max_cqe)
		return perf_fail(m, -EINVAL,
		                 "%u QPs x (TX depth %u + receive depth %u) exceed the %d CQ entries of %s",
		                 req->num_qps, req->sq_depth, req->rq_depth, da.max_cqe, dev);
	return 0;
}

/* The PDs, the completion channel (with events) and both sides' CQs. */
static int create_pds_cqs(struct perf_msg *m, struct perf_res *res)
{
	const char *dev = res->ep->device;

	res->pd = ibv_alloc_pd(res->vctx);
	res->pd_b = res->pd && res->vctx_b ? ibv_alloc_pd(res->vctx_b) : res->pd;
	if (!res->pd || !res->pd_b)
		return perf_fail(m, errno ? -errno : -ENOMEM,
		                 "cannot allocate a protection domain on %s: %m", dev);
	if (res->req.events) {
		res->chan = ibv_create_comp_channel(res->vctx);
		if (!res->chan)
			return perf_fail(m, errno ? -errno : -ENOMEM,
			                 "cannot create a completion channel on %s: %m", dev);
	}
	res->cq_a = ibv_create_cq(res->vctx, (int)res->cq_size, NULL, res->chan, 0);
	res->cq_b = res->cq_a ? ibv_create_cq(res->vctx_b ? res->vctx_b : res->vctx,
	                                      (int)res->cq_size, NULL, res->chan, 0) : NULL;
	if (!res->cq_a || !res->cq_b)
		return perf_fail(m, errno ? -errno : -ENOMEM,
		                 "cannot create a completion queue of %u entries on %s: %m",
		                 res->cq_size, dev);
	return 0;
}

/* Every QP pair, created then connected to each other. */
static int create_qps(struct perf_msg *m, struct perf_res *res)
{
	unsigned int i, n = res->req.num_qps;
	int r;

	res->qa = calloc(n, sizeof(*res->qa));
	res->qb = calloc(n, sizeof(*res->qb));
	res->rq_a = calloc(n, sizeof(*res->rq_a));
	res->rq_b = calloc(n, sizeof(*res->rq_b));
	res->qxa = calloc(n, sizeof(*res->qxa));
	res->qxb = calloc(n, sizeof(*res->qxb));
	if (!res->qa || !res->qb || !res->rq_a || !res->rq_b || !res->qxa || !res->qxb)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		r = create_qp(m, res, res->pd, res->cq_a, &res->qa[i], &res->qxa[i]);
		if (r < 0)
			return r;
		r = create_qp(m, res, res->pd_b, res->cq_b, &res->qb[i], &res->qxb[i]);
		if (r < 0)
			return r;
	}
	for (i = 0; i < n; i++) {
		r = connect_qp(m, res, res->qa[i], res->qb[i]->qp_num);
		if (r < 0)
			return r;
		r = connect_qp(m, res, res->qb[i], res->qa[i]->qp_num);
		if (r < 0)
			return r;
	}
	return 0;
}

int perf_res_open(struct perf_msg *m, const struct perf_endpoint *ep,
                  const struct perf_res_req *req, struct perf_res **ret)
{
	struct perf_res *res;
	int r;

	*ret = NULL;
	res = calloc(1, sizeof(*res));
	if (!res)
		return -ENOMEM;
	res->req = *req;
	res->ep = ep;
	res->buf_len = (size_t)req->num_qps * 2 * req->slot;
	r = open_device(m, res);
	if (r == 0)
		r = check_limits(m, res);
	if (r == 0)
		r = create_pds_cqs(m, res);
	if (r == 0)
		r = create_qps(m, res);
	if (r == 0)
		r = alloc_buffer(m, res, res->pd, &res->buf_a, &res->mr_a);
	if (r == 0)
		r = alloc_buffer(m, res, res->pd_b, &res->buf_b, &res->mr_b);
	if (r < 0) {
		perf_res_free(res);
		return r;
	}
	perf_debug(m, "%s port %u GID %d (%s), %u QP pair(s), MTU %d, buffers 2 x %zu bytes",
	           ep->device, ep->port, ep->gid_index, ep->gid_text, req->num_qps,
	           128 << ep->mtu, res->buf_len);
	*ret = res;
	return 0;
}

void perf_res_free(struct perf_res *res)
{
	unsigned int i;

	if (!res)
		return;
	if (res->mr_a)
		ibv_dereg_mr(res->mr_a);
	if (res->mr_b)
		ibv_dereg_mr(res->mr_b);
	free(res->buf_a);
	free(res->buf_b);
	for (i = 0; i < res->req.num_qps; i++) {
		if (res->qa && res->qa[i])
			ibv_destroy_qp(res->qa[i]);
		if (res->qb && res->qb[i])
			ibv_destroy_qp(res->qb[i]);
	}
	free(res->qa);
	free(res->qb);
	free(res->rq_a);
	free(res->rq_b);
	free(res->qxa);
	free(res->qxb);
	if (res->cq_a)
		ibv_destroy_cq(res->cq_a);
	if (res->cq_b)
		ibv_destroy_cq(res->cq_b);
	if (res->chan)
		ibv_destroy_comp_channel(res->chan);
	if (res->pd_b && res->pd_b != res->pd)
		ibv_dealloc_pd(res->pd_b);
	if (res->pd)
		ibv_dealloc_pd(res->pd);
	if (res->vctx_b)
		ibv_close_device(res->vctx_b);
	if (res->vctx)
		ibv_close_device(res->vctx);
	free(res);
}

bool perf_res_fits(const struct perf_res *res, const struct perf_res_req *req)
{
	return res->req.num_qps == req->num_qps &&
	       res->req.sq_depth >= req->sq_depth &&
	       res->req.rq_depth >= req->rq_depth &&
	       res->req.max_inline >= req->max_inline &&
	       res->req.slot >= req->slot &&
	       res->req.events == req->events;
}
