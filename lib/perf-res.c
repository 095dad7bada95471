/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Data path: verbs resources for the loopback benchmark.  Opens the device,
 * checks the port and the RoCE v2 GID, and builds a PD, two CQs (side A and
 * side B), `num_qps` pairs of RC QPs connected to each other over the GID
 * (address handle with a GRH whose destination is the same GID) and two
 * registered buffers.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

static const char *port_state_name(enum ibv_port_state s)
{
	switch (s) {
	case IBV_PORT_NOP: return "NOP";
	case IBV_PORT_DOWN: return "DOWN";
	case IBV_PORT_INIT: return "INIT";
	case IBV_PORT_ARMED: return "ARMED";
	case IBV_PORT_ACTIVE: return "ACTIVE";
	case IBV_PORT_ACTIVE_DEFER: return "ACTIVE_DEFER";
	}
	return "unknown";
}

static const char *gid_type_name(enum ibv_gid_type t)
{
	switch (t) {
	case IBV_GID_TYPE_IB: return "IB";
	case IBV_GID_TYPE_ROCE_V1: return "RoCE v1";
	case IBV_GID_TYPE_ROCE_V2: return "RoCE v2";
	}
	return "unknown";
}

static bool gid_is_v4mapped(const union ibv_gid *g)
{
	static const uint8_t prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	return memcmp(g->raw, prefix, sizeof(prefix)) == 0;
}

static void gid_to_text(const union ibv_gid *g, char *buf, size_t len)
{
	if (!inet_ntop(AF_INET6, g->raw, buf, (socklen_t)len))
		snprintf(buf, len, "?");
}

static int open_device(struct vrdma_ctx *ctx, struct perf_res *res, const char *want)
{
	struct ibv_device **list;
	char names[256] = "";
	size_t used = 0;
	int i, n = 0, found = -1;

	list = ibv_get_device_list(&n);
	if (!list)
		return vrdma_error(ctx, -errno ? -errno : -ENODEV,
		                   "cannot list RDMA devices: %m (is the kernel's RDMA stack loaded?)");
	for (i = 0; i < n; i++) {
		const char *name = ibv_get_device_name(list[i]);

		if (found < 0 && (!want || strcmp(want, name) == 0))
			found = i;
		if (used < sizeof(names))
			used += (size_t)snprintf(names + used, sizeof(names) - used,
			                         "%s%s", i ? ", " : "", name);
	}
	if (found < 0) {
		ibv_free_device_list(list);
		if (!want)
			return vrdma_error(ctx, -ENODEV, "no RDMA device found");
		return vrdma_error(ctx, -ENODEV, "RDMA device '%s' not found (available: %s)",
		                   want, n ? names : "none");
	}
	res->devname = strdup(ibv_get_device_name(list[found]));
	res->vctx = ibv_open_device(list[found]);
	/* Side B gets a device context of its own when it polls (see
	 * perf_res): its posts then share no kernel file with side A's. */
	if (res->vctx && !res->req.events)
		res->vctx_b = ibv_open_device(list[found]);
	ibv_free_device_list(list);
	if (!res->devname)
		return -ENOMEM;
	if (!res->vctx || (!res->req.events && !res->vctx_b))
		return vrdma_error(ctx, errno ? -errno : -ENODEV,
		                   "cannot open RDMA device %s: %m", res->devname);
	return 0;
}

/* Check the port and choose/validate the GID. */
static int check_port_gid(struct vrdma_ctx *ctx, struct perf_res *res,
                          struct ibv_port_attr *pa)
{
	unsigned int port = res->req.port;
	struct ibv_gid_entry ge;
	int first_v2 = -1, r, i;

	r = ibv_query_port(res->vctx, (uint8_t)port, pa);
	if (r)
		return vrdma_error(ctx, r > 0 ? -r : -EINVAL,
		                   "RDMA device %s has no port %u", res->devname, port);
	if (pa->state != IBV_PORT_ACTIVE)
		return vrdma_error(ctx, -ENETDOWN,
		                   "port %u of RDMA device %s is %s, not ACTIVE (is its network interface up?)",
		                   port, res->devname, port_state_name(pa->state));
	if (pa->link_layer != IBV_LINK_LAYER_ETHERNET)
		return vrdma_error(ctx, -EPROTONOSUPPORT,
		                   "port %u of RDMA device %s is not Ethernet (RoCE)", port, res->devname);

	if (res->req.gid_index != VRDMA_PERF_AUTO) {
		int idx = res->req.gid_index;

		if (idx < 0 || idx >= pa->gid_tbl_len)
			return vrdma_error(ctx, -ERANGE,
			                   "GID index %d out of range: port %u of %s has GID indexes 0-%d",
			                   idx, port, res->devname, pa->gid_tbl_len - 1);
		r = ibv_query_gid_ex(res->vctx, port, (uint32_t)idx, &ge, 0);
		if (r == ENODATA)
			return vrdma_error(ctx, -ENODATA,
			                   "GID index %d of %s port %u is empty (no address behind it)",
			                   idx, res->devname, port);
		if (r)
			return vrdma_error(ctx, -abs(r), "cannot read GID %d of %s port %u: %s",
			                   idx, res->devname, port, strerror(abs(r)));
		if (ge.gid_type != IBV_GID_TYPE_ROCE_V2) {
			gid_to_text(&ge.gid, res->gid_text, sizeof(res->gid_text));
			return vrdma_error(ctx, -EPROTONOSUPPORT,
			                   "GID index %d of %s port %u (%s) is %s, not RoCE v2",
			                   idx, res->devname, port, res->gid_text,
			                   gid_type_name(ge.gid_type));
		}
		res->gid_index = idx;
		res->gid = ge.gid;
	} else {
		res->gid_index = -1;
		for (i = 0; i < pa->gid_tbl_len; i++) {
			if (ibv_query_gid_ex(res->vctx, port, (uint32_t)i, &ge, 0))
				continue;
			if (ge.gid_type != IBV_GID_TYPE_ROCE_V2)
				continue;
			if (first_v2 < 0) {
				first_v2 = i;
				res->gid = ge.gid;
			}
			if (gid_is_v4mapped(&ge.gid)) {
				res->gid_index = i;
				res->gid = ge.gid;
				break;
			}
		}
		if (res->gid_index < 0)
			res->gid_index = first_v2;
		if (res->gid_index < 0)
			return vrdma_error(ctx, -EADDRNOTAVAIL,
			                   "port %u of %s has no RoCE v2 GID: add an IP address to its network interface",
			                   port, res->devname);
	}
	gid_to_text(&res->gid, res->gid_text, sizeof(res->gid_text));
	return 0;
}

static int create_qp(struct vrdma_ctx *ctx, struct perf_res *res, struct ibv_pd *pd,
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
		.port_num = (uint8_t)res->req.port,
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
		return vrdma_error(ctx, errno ? -errno : -ENOMEM,
		                   "cannot create an RC QP on %s (send depth %u, receive depth %u, inline %u): %m",
		                   res->devname, res->req.sq_depth, res->req.rq_depth,
		                   res->req.max_inline);
	r = ibv_modify_qp(*ret, &a, IBV_QP_STATE | IBV_QP_PKEY_INDEX | IBV_QP_PORT |
	                  IBV_QP_ACCESS_FLAGS);
	if (r)
		return vrdma_error(ctx, -r, "cannot move QP 0x%x on %s to INIT: %s",
		                   (*ret)->qp_num, res->devname, strerror(r));
	return 0;
}

static int connect_qp(struct vrdma_ctx *ctx, struct perf_res *res, struct ibv_qp *qp,
                      uint32_t remote_qpn)
{
	struct ibv_qp_attr a = {
		.qp_state = IBV_QPS_RTR,
		.path_mtu = res->mtu,
		.dest_qp_num = remote_qpn,
		.rq_psn = 0,
		.max_dest_rd_atomic = (uint8_t)res->max_rd_atomic,
		.min_rnr_timer = 1,
		.ah_attr = {
			.is_global = 1,
			.grh = {
				.dgid = res->gid,
				.sgid_index = (uint8_t)res->gid_index,
				.hop_limit = 64,
			},
			.port_num = (uint8_t)res->req.port,
		},
	};
	int r;

	r = ibv_modify_qp(qp, &a, IBV_QP_STATE | IBV_QP_AV | IBV_QP_PATH_MTU |
	                  IBV_QP_DEST_QPN | IBV_QP_RQ_PSN | IBV_QP_MAX_DEST_RD_ATOMIC |
	                  IBV_QP_MIN_RNR_TIMER);
	if (r)
		return vrdma_error(ctx, -r, "cannot move QP 0x%x on %s to RTR (GID %d %s): %s",
		                   qp->qp_num, res->devname, res->gid_index, res->gid_text,
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
		return vrdma_error(ctx, -r, "cannot move QP 0x%x on %s to RTS: %s",
		                   qp->qp_num, res->devname, strerror(r));
	return 0;
}

static int alloc_buffer(struct vrdma_ctx *ctx, struct perf_res *res, struct ibv_pd *pd,
                        uint8_t **buf, struct ibv_mr **mr)
{
	long page = sysconf(_SC_PAGESIZE);
	int r;

	r = posix_memalign((void **)buf, page > 0 ? (size_t)page : 4096, res->buf_len);
	if (r) {
		*buf = NULL;
		return vrdma_error(ctx, -r, "cannot allocate %zu bytes for the buffers", res->buf_len);
	}
	memset(*buf, 0, res->buf_len);
	*mr = ibv_reg_mr(pd, *buf, res->buf_len, IBV_ACCESS_LOCAL_WRITE |
	                 IBV_ACCESS_REMOTE_WRITE | IBV_ACCESS_REMOTE_READ);
	if (!*mr) {
		r = errno ? -errno : -ENOMEM;
		return vrdma_error(ctx, r,
		                   "memory registration of %zu bytes on %s failed: %s%s",
		                   res->buf_len, res->devname, strerror(-r),
		                   r == -ENOMEM || r == -EPERM || r == -EAGAIN ?
		                   " (locked-memory limit: see ulimit -l / RLIMIT_MEMLOCK)" : "");
	}
	return 0;
}

int perf_res_open(struct vrdma_ctx *ctx, const struct perf_res_req *req,
                  struct perf_res **ret)
{
	struct ibv_device_attr da;
	struct ibv_port_attr pa;
	struct perf_res *res;
	unsigned int i, max_wr;
	int r;

	*ret = NULL;
	res = calloc(1, sizeof(*res));
	if (!res)
		return -ENOMEM;
	res->req = *req;
	res->req.device = NULL;
	res->gid_index = -1;

	r = open_device(ctx, res, req->device);
	if (r < 0)
		goto fail;
	r = ibv_query_device(res->vctx, &da);
	if (r) {
		r = vrdma_error(ctx, -r, "cannot query RDMA device %s: %s", res->devname, strerror(r));
		goto fail;
	}
	if (req->port < 1 || req->port > da.phys_port_cnt) {
		r = vrdma_error(ctx, -ENODEV, "RDMA device %s has no port %u (it has %u)",
		                res->devname, req->port, da.phys_port_cnt);
		goto fail;
	}
	r = check_port_gid(ctx, res, &pa);
	if (r < 0)
		goto fail;
	res->mtu = pa.active_mtu;
	res->max_rd_atomic = (unsigned int)(da.max_qp_rd_atom < da.max_qp_init_rd_atom ?
	                                    da.max_qp_rd_atom : da.max_qp_init_rd_atom);
	if (res->max_rd_atomic < 1)
		res->max_rd_atomic = 1;
	if (res->max_rd_atomic > 255)
		res->max_rd_atomic = 255;
	max_wr = (unsigned int)da.max_qp_wr;
	if (res->req.sq_depth > max_wr || res->req.rq_depth > max_wr) {
		r = vrdma_error(ctx, -EINVAL, "TX depth %u exceeds the %u work requests a QP of %s can hold",
		                res->req.sq_depth, max_wr, res->devname);
		goto fail;
	}
	if (res->req.num_qps > (unsigned int)da.max_qp / 2) {
		r = vrdma_error(ctx, -EINVAL, "%u QP pairs exceed the %d QPs of %s",
		                res->req.num_qps, da.max_qp, res->devname);
		goto fail;
	}

	res->pd = ibv_alloc_pd(res->vctx);
	res->pd_b = res->pd && res->vctx_b ? ibv_alloc_pd(res->vctx_b) : res->pd;
	if (!res->pd || !res->pd_b) {
		r = vrdma_error(ctx, errno ? -errno : -ENOMEM,
		                "cannot allocate a protection domain on %s: %m", res->devname);
		goto fail;
	}
	if (req->events) {
		res->chan = ibv_create_comp_channel(res->vctx);
		if (!res->chan) {
			r = vrdma_error(ctx, errno ? -errno : -ENOMEM,
			                "cannot create a completion channel on %s: %m", res->devname);
			goto fail;
		}
	}
	res->cq_size = req->num_qps * (req->sq_depth + req->rq_depth) + 16;
	if ((int)res->cq_size > da.max_cqe) {
		r = vrdma_error(ctx, -EINVAL,
		                "%u QPs x (TX depth %u + receive depth %u) exceed the %d CQ entries of %s",
		                req->num_qps, req->sq_depth, req->rq_depth, da.max_cqe, res->devname);
		goto fail;
	}
	res->cq_a = ibv_create_cq(res->vctx, (int)res->cq_size, NULL, res->chan, 0);
	res->cq_b = res->cq_a ? ibv_create_cq(res->vctx_b ? res->vctx_b : res->vctx,
	                                      (int)res->cq_size, NULL, res->chan, 0) : NULL;
	if (!res->cq_a || !res->cq_b) {
		r = vrdma_error(ctx, errno ? -errno : -ENOMEM,
		                "cannot create a completion queue of %u entries on %s: %m",
		                res->cq_size, res->devname);
		goto fail;
	}

	res->qa = calloc(req->num_qps, sizeof(*res->qa));
	res->qb = calloc(req->num_qps, sizeof(*res->qb));
	res->rq_a = calloc(req->num_qps, sizeof(*res->rq_a));
	res->rq_b = calloc(req->num_qps, sizeof(*res->rq_b));
	res->qxa = calloc(req->num_qps, sizeof(*res->qxa));
	res->qxb = calloc(req->num_qps, sizeof(*res->qxb));
	if (!res->qa || !res->qb || !res->rq_a || !res->rq_b || !res->qxa || !res->qxb) {
		r = -ENOMEM;
		goto fail;
	}
	for (i = 0; i < req->num_qps; i++) {
		r = create_qp(ctx, res, res->pd, res->cq_a, &res->qa[i], &res->qxa[i]);
		if (r < 0)
			goto fail;
		r = create_qp(ctx, res, res->pd_b, res->cq_b, &res->qb[i], &res->qxb[i]);
		if (r < 0)
			goto fail;
	}
	for (i = 0; i < req->num_qps; i++) {
		r = connect_qp(ctx, res, res->qa[i], res->qb[i]->qp_num);
		if (r < 0)
			goto fail;
		r = connect_qp(ctx, res, res->qb[i], res->qa[i]->qp_num);
		if (r < 0)
			goto fail;
	}

	res->buf_len = (size_t)req->num_qps * 2 * req->slot;
	r = alloc_buffer(ctx, res, res->pd, &res->buf_a, &res->mr_a);
	if (r < 0)
		goto fail;
	r = alloc_buffer(ctx, res, res->pd_b, &res->buf_b, &res->mr_b);
	if (r < 0)
		goto fail;

	dbg(ctx, "perf: %s port %u GID %d (%s), %u QP pair(s), MTU %d, buffers 2 x %zu bytes",
	    res->devname, req->port, res->gid_index, res->gid_text, req->num_qps,
	    128 << res->mtu, res->buf_len);
	*ret = res;
	return 0;
fail:
	perf_res_free(res);
	return r;
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
	free(res->devname);
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
