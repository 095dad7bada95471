/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vrdma-perf: command-line options and what they mean for a run (apart, so unit tests can). */
#ifndef VRDMA_PERF_OPTS_H
#define VRDMA_PERF_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "perf.h"

struct vperf_opts {
	int test;             /* enum perf_test, -1 when not given */
	const char *device;   /* -d, NULL: first device */
	unsigned int port;    /* -i, default 1 */
	int gid_index;        /* -x, -1: automatic */
	size_t size;          /* -s, default 65536 (bw) / 2 (lat) when 0 */
	bool all;             /* -a: sweep 2 B .. 8 MiB */
	uint64_t iters;       /* -n, 0: test default */
	double duration;      /* -D, 0: iteration mode */
	int64_t warmup;       /* -w, -1: automatic */
	unsigned int qps;     /* -q */
	unsigned int tx_depth;/* -t, 0: test default */
	int inline_size;      /* -I, -1: test default */
	unsigned int cq_mod;  /* -Q, 0: default */
	bool events;          /* -e */
	bool gbits;           /* --report_gbits */
	bool json;            /* -j */
	const char *vmk;      /* --vmk NAME */
	bool help;
	bool version;
	char err[256];        /* why parsing failed */
};

/*
 * Parse argv (argv[0] is the program name).  0 on success; -EINVAL with
 * o->err set to a message naming the option and the rule.
 */
int vperf_parse(int argc, char **argv, struct vperf_opts *o);
/* Parse a size: digits with an optional K/M/G (binary) suffix, optional "B"/"iB". */
int vperf_parse_size(const char *s, size_t *ret);
void vperf_usage(FILE *out, const char *prog);

/* The parameters of test o->test at message size `size`: the options with
 * perftest's defaults filled in. */
void perf_params(const struct vperf_opts *o, size_t size, struct perf_params *pp);

/* "write_bw" ... "send_lat"; NULL for an unknown value. */
const char *perf_test_name(enum perf_test test);
/* The test named `name`, or -EINVAL. */
int perf_test_from_name(const char *name);

#endif
