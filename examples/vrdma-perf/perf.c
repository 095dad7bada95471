/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * vrdma-perf: the session -- messages, and the verbs resources kept from
 * one run to the next.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "perf.h"

/* ---- messages --------------------------------------------------------------- */

int perf_fail(struct perf_msg *m, int error, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(m->err, sizeof(m->err), fmt, ap);
	va_end(ap);
	return error;
}

void perf_debug(const struct perf_msg *m, const char *fmt, ...)
{
	va_list ap;

	if (!m->debug)
		return;
	fputs("vrdma-perf: debug: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* ---- resources -------------------------------------------------------------- */

static void res_request(const struct perf *p, const struct perf_params *pp,
                        struct perf_res_req *req)
{
	unsigned int depth = pp->tx_depth < 16 ? 16 : pp->tx_depth;

	memset(req, 0, sizeof(*req));
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

int perf_open(struct perf *p, const struct perf_params *pp)
{
	struct perf_res_req req;

	res_request(p, pp, &req);
	if (p->res && perf_res_fits(p->res, &req))
		return 0;
	perf_close(p);
	return perf_res_open(&p->msg, &p->ep, &req, &p->res);
}

void perf_close(struct perf *p)
{
	perf_res_free(p->res);
	p->res = NULL;
}

int perf_measure(struct perf *p, const struct perf_params *pp, struct perf_result *ret)
{
	int r;

	r = perf_open(p, pp);
	if (r < 0)
		return r;
	if (!p->clock.ready) {
		perf_clock_init(&p->clock);
		perf_debug(&p->msg, "clock %s%s (%.4f ns per tick)",
		           p->clock.tsc ? "TSC" : "CLOCK_MONOTONIC_RAW",
		           p->clock.pin ? ", timing thread pinned (TSCs not proven in step)" : "",
		           p->clock.ns_per_tick);
	}
	memset(ret, 0, sizeof(*ret));
	ret->size = pp->size;
	r = perf_run(&p->msg, p->res, &p->clock, pp, ret);
	/* QPs in error state are of no further use. */
	if (r < 0 && r != -EBADMSG)
		perf_close(p);
	return r;
}
