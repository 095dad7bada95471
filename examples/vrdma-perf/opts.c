/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vrdma-perf: perftest-like command-line options, and the run parameters they mean. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "opts.h"

/* perftest's defaults. */
#define DEF_ITERS_BW 5000
#define DEF_ITERS_LAT 1000
#define DEF_TX_DEPTH_BW 128
#define DEF_TX_DEPTH_LAT 1
#define DEF_CQ_MOD 100
#define DEF_INLINE_LAT 220

enum {
	OPT_REPORT_GBITS = 0x100,
	OPT_VMK,
	OPT_VERSION,
};

static const char *const test_names[PERF_N_TESTS] = {
	[PERF_WRITE_BW] = "write_bw",
	[PERF_READ_BW] = "read_bw",
	[PERF_SEND_BW] = "send_bw",
	[PERF_WRITE_LAT] = "write_lat",
	[PERF_READ_LAT] = "read_lat",
	[PERF_SEND_LAT] = "send_lat",
};

const char *perf_test_name(enum perf_test test)
{
	return (unsigned int)test < PERF_N_TESTS ? test_names[test] : NULL;
}

int perf_test_from_name(const char *name)
{
	int i;

	for (i = 0; name && i < PERF_N_TESTS; i++)
		if (strcmp(name, test_names[i]) == 0)
			return i;
	return -EINVAL;
}

static const struct option long_opts[] = {
	{ "ib-dev", required_argument, NULL, 'd' },
	{ "ib-port", required_argument, NULL, 'i' },
	{ "gid-index", required_argument, NULL, 'x' },
	{ "size", required_argument, NULL, 's' },
	{ "all", no_argument, NULL, 'a' },
	{ "iters", required_argument, NULL, 'n' },
	{ "duration", required_argument, NULL, 'D' },
	{ "warmup", required_argument, NULL, 'w' },
	{ "qp", required_argument, NULL, 'q' },
	{ "tx-depth", required_argument, NULL, 't' },
	{ "inline_size", required_argument, NULL, 'I' },
	{ "cq-mod", required_argument, NULL, 'Q' },
	{ "events", no_argument, NULL, 'e' },
	{ "report_gbits", no_argument, NULL, OPT_REPORT_GBITS },
	{ "json", no_argument, NULL, 'j' },
	{ "vmk", required_argument, NULL, OPT_VMK },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

void vperf_usage(FILE *out, const char *prog)
{
	fprintf(out,
	        "usage: %s TEST [options]\n"
	        "\n"
	        "RoCE v2 loopback benchmark. TEST: write_bw read_bw send_bw write_lat read_lat send_lat\n"
	        "\n"
	        "  -d, --ib-dev DEV         RDMA device (default: the first one)\n"
	        "  -i, --ib-port PORT       port (default: 1)\n"
	        "  -x, --gid-index INDEX    RoCE v2 GID index (default: the first RoCE v2 GID\n"
	        "                           with an IPv4 address)\n"
	        "      --vmk NAME           run over the VMkernel binding NAME\n"
	        "  -s, --size SIZE          message size, 1 B .. 8 MiB, K/M suffixes (default:\n"
	        "                           65536 for bandwidth, 2 for latency tests)\n"
	        "  -a, --all                sweep sizes 2 B .. 8 MiB (powers of two)\n"
	        "  -n, --iters N            iterations (default: 5000 bandwidth, 1000 latency)\n"
	        "  -D, --duration SECONDS   run for SECONDS instead of a number of iterations\n"
	        "  -w, --warmup N           warm-up iterations (default: 10%% of the\n"
	        "                           iterations, at most 1000)\n"
	        "  -q, --qp N               QP pairs (bandwidth tests, default 1)\n"
	        "  -t, --tx-depth N         outstanding requests per QP (default 128; latency 1)\n"
	        "  -I, --inline_size N      largest message sent inline (default 0; latency 220)\n"
	        "  -Q, --cq-mod N           signal one completion every N requests (default 100)\n"
	        "  -e, --events             wait with completion events instead of polling\n"
	        "      --report_gbits       bandwidth in Gb/s instead of MB/s\n"
	        "  -j, --json               print one JSON document (see vrdma-perf(1))\n"
	        "  -h, --help               this text\n"
	        "      --version            print the version\n",
	        prog);
}

static int fail(struct vperf_opts *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct vperf_opts *o, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(o->err, sizeof(o->err), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static int parse_u64(const char *s, uint64_t max, uint64_t *ret)
{
	char *end;
	unsigned long long v;

	if (!s || !*s || *s == '-' || *s == '+')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v > max)
		return -EINVAL;
	*ret = v;
	return 0;
}

int vperf_parse_size(const char *s, size_t *ret)
{
	char *end;
	unsigned long long v, mul = 1;

	if (!s || !*s || *s == '-' || *s == '+' || !ret)
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s)
		return -EINVAL;
	switch (*end) {
	case 'k': case 'K': mul = 1024; end++; break;
	case 'm': case 'M': mul = 1024 * 1024; end++; break;
	case 'g': case 'G': mul = 1024ull * 1024 * 1024; end++; break;
	default: break;
	}
	if (mul > 1 && (strcasecmp(end, "ib") == 0 || strcasecmp(end, "b") == 0))
		end += strlen(end);
	else if (mul == 1 && strcasecmp(end, "b") == 0)
		end++;
	if (*end || v > SIZE_MAX / mul)
		return -EINVAL;
	*ret = (size_t)(v * mul);
	return 0;
}

int vperf_parse(int argc, char **argv, struct vperf_opts *o)
{
	uint64_t v;
	char *end;
	int c, i;

	memset(o, 0, sizeof(*o));
	o->test = -1;
	o->port = 1;
	o->gid_index = -1;
	o->warmup = -1;
	o->qps = 1;
	o->inline_size = -1;

	/* GNU getopt permutes: TEST may come before, between or after the
	 * options.  optind = 0 re-initialises it, so it can run more than once. */
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":d:i:x:s:an:D:w:q:t:I:Q:ejh", long_opts, NULL)) != -1) {
		const char *name = optind > 0 && optind <= argc ? argv[optind - 1] : "?";

		switch (c) {
		case 'd':
			if (!optarg[0])
				return fail(o, "-d: expected an RDMA device name");
			o->device = optarg;
			break;
		case 'i':
			if (parse_u64(optarg, 255, &v) < 0 || v < 1)
				return fail(o, "-i %s: expected a port number 1-255", optarg);
			o->port = (unsigned int)v;
			break;
		case 'x':
			/* Any index the GID table has: the endpoint checks the range. */
			if (parse_u64(optarg, INT32_MAX, &v) < 0)
				return fail(o, "-x %s: expected a GID index (a number >= 0)", optarg);
			o->gid_index = (int)v;
			break;
		case 's':
			if (vperf_parse_size(optarg, &o->size) < 0 ||
			    o->size < PERF_SIZE_MIN || o->size > PERF_SIZE_MAX)
				return fail(o, "-s %s: expected a message size of 1 B to 8 MiB", optarg);
			break;
		case 'a':
			o->all = true;
			break;
		case 'n':
			if (parse_u64(optarg, UINT64_C(1) << 40, &v) < 0 || v < 1)
				return fail(o, "-n %s: expected a number of iterations >= 1", optarg);
			o->iters = v;
			break;
		case 'D':
			errno = 0;
			o->duration = strtod(optarg, &end);
			if (errno || end == optarg || *end || !(o->duration > 0 && o->duration <= 86400))
				return fail(o, "-D %s: expected a duration in seconds (0 < D <= 86400)", optarg);
			break;
		case 'w':
			if (parse_u64(optarg, UINT64_C(1) << 40, &v) < 0)
				return fail(o, "-w %s: expected a number of warm-up iterations >= 0", optarg);
			o->warmup = (int64_t)v;
			break;
		case 'q':
			if (parse_u64(optarg, 1024, &v) < 0 || v < 1)
				return fail(o, "-q %s: expected a number of QPs 1-1024", optarg);
			o->qps = (unsigned int)v;
			break;
		case 't':
			if (parse_u64(optarg, 16384, &v) < 0 || v < 1)
				return fail(o, "-t %s: expected a TX depth 1-16384", optarg);
			o->tx_depth = (unsigned int)v;
			break;
		case 'I':
			if (parse_u64(optarg, 65536, &v) < 0)
				return fail(o, "-I %s: expected an inline size 0-65536", optarg);
			o->inline_size = (int)v;
			break;
		case 'Q':
			if (parse_u64(optarg, 16384, &v) < 0 || v < 1)
				return fail(o, "-Q %s: expected a CQ moderation 1-16384", optarg);
			o->cq_mod = (unsigned int)v;
			break;
		case 'e':
			o->events = true;
			break;
		case 'j':
			o->json = true;
			break;
		case OPT_REPORT_GBITS:
			o->gbits = true;
			break;
		case OPT_VMK:
			if (!optarg[0])
				return fail(o, "--vmk: expected a VMkernel adapter name (vmk1)");
			o->vmk = optarg;
			break;
		case 'h':
			o->help = true;
			return 0;
		case OPT_VERSION:
			o->version = true;
			return 0;
		case ':':
			return fail(o, "%s: missing argument", name);
		default:
			if (optopt && optopt < 0x100)
				return fail(o, "-%c: unknown option (see --help)", optopt);
			return fail(o, "%s: unknown option (see --help)", name);
		}
	}
	for (i = optind; i < argc; i++) {
		if (o->test >= 0)
			return fail(o, "%s: unexpected argument (TEST is %s)", argv[i],
			            perf_test_name(o->test));
		o->test = perf_test_from_name(argv[i]);
		if (o->test < 0)
			return fail(o, "%s: unknown test (expected write_bw, read_bw, send_bw, write_lat, read_lat or send_lat)",
			            argv[i]);
	}
	if (o->test < 0)
		return fail(o, "missing TEST (write_bw, read_bw, send_bw, write_lat, read_lat or send_lat)");
	if (o->all && o->size)
		return fail(o, "-a and -s exclude each other");
	if (o->iters && o->duration > 0)
		return fail(o, "-n and -D exclude each other");
	if (o->vmk && (o->device || o->gid_index >= 0 || o->port != 1))
		return fail(o, "--vmk names the device, port and GID: do not combine it with -d, -i or -x");
	if (perf_test_is_latency(o->test) && o->qps > 1)
		return fail(o, "-q %u: latency tests use one QP pair", o->qps);
	if (o->test == PERF_WRITE_LAT && o->events)
		return fail(o, "-e: write_lat polls memory; completion events do not apply");
	if (o->cq_mod && o->tx_depth && o->cq_mod > o->tx_depth)
		return fail(o, "-Q %u: CQ moderation must not exceed the TX depth (%u)", o->cq_mod,
		            o->tx_depth);
	if (!o->size && !o->all)
		o->size = perf_test_is_latency(o->test) ? 2 : 65536;
	return 0;
}

/* ---- run parameters --------------------------------------------------------- */

#ifdef VRDMA_TEST_HOOKS
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
#endif

void perf_params(const struct vperf_opts *o, size_t size, struct perf_params *pp)
{
	enum perf_test test = (enum perf_test)o->test;
	bool lat = perf_test_is_latency(test);

	memset(pp, 0, sizeof(*pp));
	pp->test = test;
	pp->name = perf_test_name(test);
	pp->latency = lat;
	pp->size = size;
	pp->duration = o->duration;
	if (o->duration <= 0)
		pp->iterations = o->iters ? o->iters : lat ? DEF_ITERS_LAT : DEF_ITERS_BW;
	if (lat)
		pp->tx_depth = DEF_TX_DEPTH_LAT;
	else
		pp->tx_depth = o->tx_depth ? o->tx_depth : DEF_TX_DEPTH_BW;
	if (test == PERF_READ_BW || test == PERF_READ_LAT)
		pp->inline_size = 0;
	else if (o->inline_size >= 0)
		pp->inline_size = (unsigned int)o->inline_size;
	else
		pp->inline_size = lat ? DEF_INLINE_LAT : 0;
	pp->cq_mod = o->cq_mod ? o->cq_mod : DEF_CQ_MOD;
	if (pp->cq_mod > pp->tx_depth)
		pp->cq_mod = pp->tx_depth; /* a CQ never waits past the depth */
	pp->num_qps = lat ? 1 : o->qps;
	pp->events = o->events;
	if (o->warmup >= 0)
		pp->warmup = (uint64_t)o->warmup;
	else if (pp->iterations)
		pp->warmup = pp->iterations / 10 < 1000 ? pp->iterations / 10 : 1000;
	else
		pp->warmup = lat ? 100 : 2 * (uint64_t)pp->tx_depth * pp->num_qps;
#ifdef VRDMA_TEST_HOOKS
	pp->fault = fault_from_env();
#endif
}
