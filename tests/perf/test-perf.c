/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Unit tests of vrdma-perf that need no RDMA: the statistics and the data
 * verifier (examples/vrdma-perf/perf-stats.c) and the option parser and
 * test names (examples/vrdma-perf/opts.c), compiled in.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "opts.h"
#include "perf.h"
#include "testutil.h"

#define EPS 1e-9

/* ---- statistics ----------------------------------------------------------- */

START_TEST(test_stats_known_array)
{
	/* Population stdev of this classic array is exactly 2, mean 5. */
	double v[] = { 9, 2, 5, 4, 4, 7, 4, 5 };
	struct perf_lat_stats st;

	ck_assert_int_eq(perf_lat_stats(v, 8, &st), 0);
	ck_assert_double_eq_tol(st.min, 2.0, EPS);
	ck_assert_double_eq_tol(st.max, 9.0, EPS);
	ck_assert_double_eq_tol(st.mean, 5.0, EPS);
	ck_assert_double_eq_tol(st.stdev, 2.0, EPS);
	/* even count: mean of the two middle values (4 and 5) */
	ck_assert_double_eq_tol(st.median, 4.5, EPS);
	/* sorted in place */
	ck_assert_double_eq_tol(v[0], 2.0, EPS);
	ck_assert_double_eq_tol(v[7], 9.0, EPS);
}
END_TEST

START_TEST(test_stats_odd_median_and_fraction)
{
	double v[] = { 3.25, 1.5, 2.75 };
	struct perf_lat_stats st;

	ck_assert_int_eq(perf_lat_stats(v, 3, &st), 0);
	ck_assert_double_eq_tol(st.median, 2.75, EPS);
	ck_assert_double_eq_tol(st.mean, 2.5, EPS);
	/* stdev is not truncated: sqrt(((1)^2 + 0.25^2 + 0.75^2) / 3) */
	ck_assert_double_eq_tol(st.stdev, sqrt((1.0 + 0.0625 + 0.5625) / 3.0), 1e-12);
	ck_assert(st.stdev != floor(st.stdev));
}
END_TEST

START_TEST(test_stats_percentiles)
{
	double *v = malloc(1000 * sizeof(*v));
	struct perf_lat_stats st;
	int i;

	/* 1000 values 1..1000 in reverse order */
	for (i = 0; i < 1000; i++)
		v[i] = 1000 - i;
	ck_assert_int_eq(perf_lat_stats(v, 1000, &st), 0);
	ck_assert_double_eq_tol(st.p99, 990.0, EPS);   /* nearest rank ceil(990) */
	ck_assert_double_eq_tol(st.p999, 999.0, EPS);
	ck_assert_double_eq_tol(st.median, 500.5, EPS);
	ck_assert_double_eq_tol(st.mean, 500.5, EPS);
	ck_assert_double_eq_tol(st.stdev, sqrt((1000.0 * 1000.0 - 1.0) / 12.0), 1e-9);
	free(v);

	{
		double w[] = { 10, 20, 30, 40, 50, 60, 70, 80, 90, 100 };

		ck_assert_double_eq_tol(perf_percentile_sorted(w, 10, 99.0), 100.0, EPS);
		ck_assert_double_eq_tol(perf_percentile_sorted(w, 10, 50.0), 50.0, EPS);
		ck_assert_double_eq_tol(perf_percentile_sorted(w, 10, 10.0), 10.0, EPS);
		ck_assert_double_eq_tol(perf_percentile_sorted(w, 10, 0.0), 10.0, EPS);
		ck_assert_double_eq_tol(perf_percentile_sorted(w, 10, 100.0), 100.0, EPS);
		ck_assert_double_eq_tol(perf_percentile_sorted(w, 10, 11.0), 20.0, EPS);
	}
}
END_TEST

START_TEST(test_stats_single_and_invalid)
{
	double v[] = { 7.5 };
	struct perf_lat_stats st;

	ck_assert_int_eq(perf_lat_stats(v, 1, &st), 0);
	ck_assert_double_eq_tol(st.min, 7.5, EPS);
	ck_assert_double_eq_tol(st.p999, 7.5, EPS);
	ck_assert_double_eq_tol(st.stdev, 0.0, EPS);
	ck_assert_int_eq(perf_lat_stats(v, 0, &st), -EINVAL);
	ck_assert_int_eq(perf_lat_stats(NULL, 1, &st), -EINVAL);
}
END_TEST

START_TEST(test_peak_rate)
{
	/* 100 msgs/s for 1 s, then 400 msgs/s for 0.5 s, then 100 msgs/s. */
	struct perf_bw_sample s[] = {
		{ 0, 0 }, { 0.5e9, 50 }, { 1.0e9, 100 }, { 1.25e9, 200 },
		{ 1.5e9, 300 }, { 2.0e9, 350 },
	};

	ck_assert_double_eq_tol(perf_peak_rate(s, 6, 200), 400.0, 1e-6);
	/* a window wider than the burst averages it with its neighbours */
	ck_assert_double_eq_tol(perf_peak_rate(s, 6, 250), 250.0 / 1.0, 1e-6);
	/* no stretch covers the window: the whole run */
	ck_assert_double_eq_tol(perf_peak_rate(s, 6, 10000), 175.0, 1e-6);
	ck_assert_double_eq_tol(perf_peak_rate(s, 1, 1), 0.0, EPS);
}
END_TEST

/* ---- data verification -------------------------------------------------- */

static void check_sizes(size_t len)
{
	uint8_t *src = malloc(len), *dst = malloc(len);
	size_t bad = 12345, i;

	perf_pattern_fill(src, len, 77);
	memcpy(dst, src, len);
	ck_assert_int_eq(perf_verify(dst, src, len, 77, &bad), 0);

	/* nothing landed: the destination still holds the complement */
	perf_pattern_fill_inverse(dst, len, 77);
	for (i = 0; i < len && dst[i] != src[i]; i++)
		;
	ck_assert_uint_eq(i, len);
	ck_assert_int_eq(perf_verify(dst, src, len, 77, &bad), -1);
	ck_assert_uint_eq(bad, 0);

	/* stale data of another run (other seed) */
	perf_pattern_fill(dst, len, 78);
	ck_assert_int_eq(perf_verify(dst, src, len, 77, &bad), -1);

	/* zeros */
	memset(dst, 0, len);
	ck_assert_int_eq(perf_verify(dst, src, len, 77, NULL), -1);

	/* one wrong byte at the end, and at the start */
	memcpy(dst, src, len);
	dst[len - 1] ^= 1;
	ck_assert_int_eq(perf_verify(dst, src, len, 77, &bad), -1);
	ck_assert_uint_eq(bad, len - 1);
	dst[len - 1] ^= 1;
	dst[0] ^= 0x80;
	ck_assert_int_eq(perf_verify(dst, src, len, 77, &bad), -1);
	ck_assert_uint_eq(bad, 0);
	dst[0] ^= 0x80;

	/* shifted by one byte */
	if (len > 1) {
		memcpy(dst + 1, src, len - 1);
		dst[0] = src[0];
		ck_assert_int_eq(perf_verify(dst, src, len, 77, &bad), -1);
	}
	free(src);
	free(dst);
}

START_TEST(test_verify_small_sizes)
{
	size_t sizes[] = { 1, 2, 3, 64, 4096, 65536 };
	size_t i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		check_sizes(sizes[i]);
}
END_TEST

START_TEST(test_verify_large_sizes)
{
	check_sizes(65537);
	check_sizes(1024 * 1024);
	check_sizes(8 * 1024 * 1024);
}
END_TEST

START_TEST(test_verify_small_every_byte)
{
	/* Up to PERF_VERIFY_FULL bytes every single corrupted byte is found. */
	size_t len = 4096, i, bad;
	uint8_t *src = malloc(len), *dst = malloc(len);

	perf_pattern_fill(src, len, 5);
	for (i = 0; i < len; i++) {
		memcpy(dst, src, len);
		dst[i] ^= 0x10;
		ck_assert_int_eq(perf_verify(dst, src, len, 5, &bad), -1);
		ck_assert_uint_eq(bad, i);
	}
	free(src);
	free(dst);
}
END_TEST

START_TEST(test_verify_large_half_missing)
{
	/* A large message of which only the head and tail landed. */
	size_t len = 8 * 1024 * 1024, bad;
	uint8_t *src = malloc(len), *dst = malloc(len);

	perf_pattern_fill(src, len, 9);
	perf_pattern_fill_inverse(dst, len, 9);
	memcpy(dst, src, 8192);
	memcpy(dst + len - 8192, src + len - 8192, 8192);
	ck_assert_int_eq(perf_verify(dst, src, len, 9, &bad), -1);
	ck_assert_uint_ge(bad, 8192);
	ck_assert_uint_lt(bad, len - 8192);
	free(src);
	free(dst);
}
END_TEST

START_TEST(test_pattern_depends_on_seed)
{
	uint8_t a[256], b[256];

	perf_pattern_fill(a, sizeof(a), 1);
	perf_pattern_fill(b, sizeof(b), 2);
	ck_assert(memcmp(a, b, sizeof(a)) != 0);
	/* not a constant fill */
	ck_assert(memchr(a + 1, a[0] ^ 0xff, sizeof(a) - 1) != NULL || a[0] != a[1] || a[1] != a[2]);
}
END_TEST

/* ---- option parsing ----------------------------------------------------- */

static int parse(struct vperf_opts *o, int argc, const char **args)
{
	char *argv[32];
	int i;

	ck_assert_int_lt(argc, 31);
	argv[0] = (char *)"vrdma-perf";
	for (i = 0; i < argc; i++)
		argv[i + 1] = (char *)args[i];
	argv[argc + 1] = NULL;
	return vperf_parse(argc + 1, argv, o);
}

#define PARSE(o, ...)                                                           \
	({                                                                      \
		const char *a_[] = { __VA_ARGS__ };                             \
		parse(o, (int)(sizeof(a_) / sizeof(a_[0])), a_);                \
	})

START_TEST(test_opts_defaults)
{
	struct vperf_opts o;

	ck_assert_int_eq(PARSE(&o, "write_bw"), 0);
	ck_assert_int_eq(o.test, PERF_WRITE_BW);
	ck_assert_ptr_null(o.device);
	ck_assert_uint_eq(o.port, 1);
	ck_assert_int_eq(o.gid_index, -1);
	ck_assert_uint_eq(o.size, 65536);
	ck_assert_uint_eq(o.qps, 1);
	ck_assert(!o.all && !o.events && !o.json && !o.gbits);
	ck_assert_ptr_null(o.vmk);

	ck_assert_int_eq(PARSE(&o, "send_lat"), 0);
	ck_assert_int_eq(o.test, PERF_SEND_LAT);
	ck_assert_uint_eq(o.size, 2);
}
END_TEST

START_TEST(test_opts_perftest_style)
{
	struct vperf_opts o;

	ck_assert_int_eq(PARSE(&o, "-d", "rxe0", "-i", "1", "-x", "3", "-s", "4096", "-n",
	                       "2000", "-q", "4", "-t", "64", "-I", "128", "-Q", "16", "-e",
	                       "--report_gbits", "-j", "read_bw"), 0);
	ck_assert_int_eq(o.test, PERF_READ_BW);
	ck_assert_str_eq(o.device, "rxe0");
	ck_assert_int_eq(o.gid_index, 3);
	ck_assert_uint_eq(o.size, 4096);
	ck_assert_uint_eq(o.iters, 2000);
	ck_assert_uint_eq(o.qps, 4);
	ck_assert_uint_eq(o.tx_depth, 64);
	ck_assert_int_eq(o.inline_size, 128);
	ck_assert_uint_eq(o.cq_mod, 16);
	ck_assert(o.events && o.gbits && o.json);

	/* TEST first, options after it */
	ck_assert_int_eq(PARSE(&o, "send_bw", "-a", "-D", "2.5"), 0);
	ck_assert_int_eq(o.test, PERF_SEND_BW);
	ck_assert(o.all);
	ck_assert_double_eq_tol(o.duration, 2.5, EPS);
}
END_TEST

START_TEST(test_opts_sizes)
{
	struct vperf_opts o;
	size_t v;

	ck_assert_int_eq(PARSE(&o, "write_bw", "-s", "4K"), 0);
	ck_assert_uint_eq(o.size, 4096);
	ck_assert_int_eq(PARSE(&o, "write_bw", "-s", "8MiB"), 0);
	ck_assert_uint_eq(o.size, 8u << 20);
	ck_assert_int_eq(PARSE(&o, "write_bw", "-s", "9M"), -EINVAL);
	ck_assert_ptr_nonnull(strstr(o.err, "-s 9M"));
	ck_assert_int_eq(PARSE(&o, "write_bw", "-s", "0"), -EINVAL);
	ck_assert_int_eq(PARSE(&o, "write_bw", "-s", "12x"), -EINVAL);
	ck_assert_int_eq(PARSE(&o, "write_bw", "-s", "-5"), -EINVAL);
	ck_assert_int_eq(vperf_parse_size("64KB", &v), 0);
	ck_assert_uint_eq(v, 65536);
	ck_assert_int_eq(vperf_parse_size("", &v), -EINVAL);
}
END_TEST

START_TEST(test_opts_gid_index_any)
{
	struct vperf_opts o;

	/* perftest stops at 64; any index the table has is fine here */
	ck_assert_int_eq(PARSE(&o, "write_bw", "-x", "200"), 0);
	ck_assert_int_eq(o.gid_index, 200);
	ck_assert_int_eq(PARSE(&o, "write_bw", "-x", "-1"), -EINVAL);
	ck_assert_int_eq(PARSE(&o, "write_bw", "-x", "abc"), -EINVAL);
	ck_assert_ptr_nonnull(strstr(o.err, "GID index"));
}
END_TEST

START_TEST(test_opts_errors)
{
	struct vperf_opts o;

	ck_assert_int_eq(PARSE(&o, "-s", "64"), -EINVAL);
	ck_assert_ptr_nonnull(strstr(o.err, "missing TEST"));
	ck_assert_int_eq(PARSE(&o, "atomic_bw"), -EINVAL);
	ck_assert_ptr_nonnull(strstr(o.err, "unknown test"));
	ck_assert_int_eq(PARSE(&o, "write_bw", "read_bw"), -EINVAL);
	ck_assert_ptr_nonnull(strstr(o.err, "unexpected argument"));
	ck_assert_int_eq(PARSE(&o, "write_bw", "-a", "-s", "64"), -EINVAL);
	ck_assert_int_eq(PARSE(&o, "write_bw", "-n", "10", "-D", "1"), -EINVAL);
	ck_assert_int_eq(PARSE(&o, "write_bw", "-n", "0"), -EINVAL);
	ck_assert_int_eq(PARSE(&o, "write_bw", "-D", "0"), -EINVAL);
	ck_assert_int_eq(PARSE(&o, "send_lat", "-q", "2"), -EINVAL);
	ck_assert_ptr_nonnull(strstr(o.err, "one QP pair"));
	ck_assert_int_eq(PARSE(&o, "write_lat", "-e"), -EINVAL);
	ck_assert_int_eq(PARSE(&o, "write_bw", "-t", "8", "-Q", "16"), -EINVAL);
	ck_assert_int_eq(PARSE(&o, "write_bw", "-i", "0"), -EINVAL);
	ck_assert_int_eq(PARSE(&o, "write_bw", "--bogus"), -EINVAL);
	ck_assert_ptr_nonnull(strstr(o.err, "unknown option"));
	ck_assert_int_eq(PARSE(&o, "write_bw", "-d"), -EINVAL);
	ck_assert_ptr_nonnull(strstr(o.err, "missing argument"));
}
END_TEST

START_TEST(test_opts_vmk)
{
	struct vperf_opts o;

	ck_assert_int_eq(PARSE(&o, "write_bw", "--vmk", "vmk1"), 0);
	ck_assert_str_eq(o.vmk, "vmk1");
	ck_assert_int_eq(PARSE(&o, "write_bw", "--vmk", "vmk1", "-d", "rxe0"), -EINVAL);
	ck_assert_ptr_nonnull(strstr(o.err, "--vmk"));
	ck_assert_int_eq(PARSE(&o, "write_bw", "--vmk", "vmk1", "-x", "1"), -EINVAL);
}
END_TEST

START_TEST(test_opts_test_names)
{
	int t;

	for (t = PERF_WRITE_BW; t <= PERF_SEND_LAT; t++) {
		const char *n = perf_test_name(t);

		ck_assert_ptr_nonnull(n);
		ck_assert_int_eq(perf_test_from_name(n), t);
		ck_assert_int_eq(perf_test_is_latency(t), t >= PERF_WRITE_LAT);
	}
	ck_assert_ptr_null(perf_test_name(PERF_N_TESTS));
	ck_assert_ptr_null(perf_test_name(99));
	ck_assert_int_eq(perf_test_from_name("nope"), -EINVAL);
	ck_assert_int_eq(perf_test_from_name(NULL), -EINVAL);
}
END_TEST

/* ---- run parameters (perftest's defaults) ------------------------------- */

START_TEST(test_params_defaults)
{
	struct vperf_opts o;
	struct perf_params pp;

	ck_assert_int_eq(PARSE(&o, "write_bw"), 0);
	perf_params(&o, o.size, &pp);
	ck_assert_str_eq(pp.name, "write_bw");
	ck_assert(!pp.latency);
	ck_assert_uint_eq(pp.size, 65536);
	ck_assert_uint_eq(pp.iterations, 5000);
	ck_assert_uint_eq(pp.warmup, 500);
	ck_assert_uint_eq(pp.tx_depth, 128);
	ck_assert_uint_eq(pp.inline_size, 0);
	ck_assert_uint_eq(pp.cq_mod, 100);
	ck_assert_uint_eq(pp.num_qps, 1);

	ck_assert_int_eq(PARSE(&o, "send_lat"), 0);
	perf_params(&o, o.size, &pp);
	ck_assert(pp.latency);
	ck_assert_uint_eq(pp.size, 2);
	ck_assert_uint_eq(pp.iterations, 1000);
	ck_assert_uint_eq(pp.warmup, 100);
	ck_assert_uint_eq(pp.tx_depth, 1);
	ck_assert_uint_eq(pp.inline_size, 220);
	ck_assert_uint_eq(pp.cq_mod, 1); /* never past the depth */

	ck_assert_int_eq(PARSE(&o, "read_lat", "-I", "64"), 0);
	perf_params(&o, o.size, &pp);
	ck_assert_uint_eq(pp.inline_size, 0); /* reads are never inline */
}
END_TEST

START_TEST(test_params_options)
{
	struct vperf_opts o;
	struct perf_params pp;

	ck_assert_int_eq(PARSE(&o, "send_bw", "-t", "16", "-q", "3", "-I", "64", "-e"), 0);
	perf_params(&o, 4096, &pp);
	ck_assert_uint_eq(pp.size, 4096);
	ck_assert_uint_eq(pp.tx_depth, 16);
	ck_assert_uint_eq(pp.cq_mod, 16);
	ck_assert_uint_eq(pp.num_qps, 3);
	ck_assert_uint_eq(pp.inline_size, 64);
	ck_assert(pp.events);

	/* duration mode: no iteration count, warm-up 2 x depth x QPs */
	ck_assert_int_eq(PARSE(&o, "write_bw", "-D", "2", "-q", "2"), 0);
	perf_params(&o, o.size, &pp);
	ck_assert_uint_eq(pp.iterations, 0);
	ck_assert_double_eq_tol(pp.duration, 2.0, EPS);
	ck_assert_uint_eq(pp.warmup, 2 * 128 * 2);

	ck_assert_int_eq(PARSE(&o, "write_bw", "-n", "50000", "-w", "7"), 0);
	perf_params(&o, o.size, &pp);
	ck_assert_uint_eq(pp.iterations, 50000);
	ck_assert_uint_eq(pp.warmup, 7);
	ck_assert_int_eq(PARSE(&o, "write_bw", "-n", "50000"), 0);
	perf_params(&o, o.size, &pp);
	ck_assert_uint_eq(pp.warmup, 1000); /* 10%, at most 1000 */
}
END_TEST

static Suite *make_perf_suite(void)
{
	Suite *s = suite_create("perf");
	TCase *tc = tcase_create("stats");

	tcase_add_test(tc, test_stats_known_array);
	tcase_add_test(tc, test_stats_odd_median_and_fraction);
	tcase_add_test(tc, test_stats_percentiles);
	tcase_add_test(tc, test_stats_single_and_invalid);
	tcase_add_test(tc, test_peak_rate);
	suite_add_tcase(s, tc);

	tc = tcase_create("verify");
	tcase_add_test(tc, test_verify_small_sizes);
	tcase_add_test(tc, test_verify_large_sizes);
	tcase_add_test(tc, test_verify_small_every_byte);
	tcase_add_test(tc, test_verify_large_half_missing);
	tcase_add_test(tc, test_pattern_depends_on_seed);
	suite_add_tcase(s, tc);

	tc = tcase_create("options");
	tcase_add_test(tc, test_opts_defaults);
	tcase_add_test(tc, test_opts_perftest_style);
	tcase_add_test(tc, test_opts_sizes);
	tcase_add_test(tc, test_opts_gid_index_any);
	tcase_add_test(tc, test_opts_errors);
	tcase_add_test(tc, test_opts_vmk);
	tcase_add_test(tc, test_opts_test_names);
	suite_add_tcase(s, tc);

	tc = tcase_create("params");
	tcase_add_test(tc, test_params_defaults);
	tcase_add_test(tc, test_params_options);
	suite_add_tcase(s, tc);
	return s;
}

VRDMA_TEST_MAIN(make_perf_suite)
