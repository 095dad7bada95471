/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * vrdma-perf: pure helpers -- latency statistics, peak bandwidth, the data
 * pattern and its verification.  No verbs: the unit tests compile this
 * file directly.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "perf.h"

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double perf_percentile_sorted(const double *v, size_t n, double p)
{
	double rank;
	size_t idx;

	if (n == 0)
		return 0.0;
	/* p = 99.9 is not exact in binary: keep 99.9% of 1000 at rank 999. */
	rank = ceil(p * (double)n / 100.0 - 1e-9);
	idx = rank < 1.0 ? 0 : (size_t)rank - 1;
	if (idx >= n)
		idx = n - 1;
	return v[idx];
}

double perf_median_sorted(const double *v, size_t n)
{
	if (n == 0)
		return 0.0;
	if (n % 2)
		return v[n / 2];
	return (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

int perf_lat_stats(double *v, size_t n, struct perf_lat_stats *out)
{
	double sum = 0.0, sq = 0.0, mean;
	size_t i;

	if (!v || !out || n == 0)
		return -EINVAL;
	qsort(v, n, sizeof(*v), cmp_double);
	for (i = 0; i < n; i++)
		sum += v[i];
	mean = sum / (double)n;
	/* Two passes: no cancellation for tightly clustered samples. */
	for (i = 0; i < n; i++)
		sq += (v[i] - mean) * (v[i] - mean);
	out->min = v[0];
	out->max = v[n - 1];
	out->mean = mean;
	out->stdev = sqrt(sq / (double)n);
	out->median = perf_median_sorted(v, n);
	out->p99 = perf_percentile_sorted(v, n, 99.0);
	out->p999 = perf_percentile_sorted(v, n, 99.9);
	return 0;
}

double perf_peak_rate(const struct perf_bw_sample *s, size_t n, uint64_t window)
{
	double best = 0.0;
	size_t i = 0, j;

	if (!s || n < 2)
		return 0.0;
	if (window == 0)
		window = 1;
	/* For each end j, the latest start i whose stretch still covers `window`
	 * messages: the shortest qualifying stretch ending at j. */
	for (j = 1; j < n; j++) {
		double dt, rate;

		if (s[j].msgs - s[0].msgs < window)
			continue;
		while (i + 1 < j && s[j].msgs - s[i + 1].msgs >= window)
			i++;
		dt = s[j].ns - s[i].ns;
		if (dt <= 0.0)
			continue;
		rate = (double)(s[j].msgs - s[i].msgs) * 1e9 / dt;
		if (rate > best)
			best = rate;
	}
	if (best == 0.0 && s[n - 1].ns > s[0].ns)
		best = (double)(s[n - 1].msgs - s[0].msgs) * 1e9 / (s[n - 1].ns - s[0].ns);
	return best;
}

void perf_pattern_fill(uint8_t *buf, size_t len, uint32_t seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = perf_pattern_byte(seed, i);
}

void perf_pattern_fill_inverse(uint8_t *buf, size_t len, uint32_t seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = (uint8_t)~perf_pattern_byte(seed, i);
}

static int cmp_range(const uint8_t *dst, const uint8_t *src, size_t from,
                     size_t to, size_t *bad_off)
{
	size_t i;

	if (from >= to || memcmp(dst + from, src + from, to - from) == 0)
		return 0;
	for (i = from; i < to; i++)
		if (dst[i] != src[i]) {
			*bad_off = i;
			return -1;
		}
	return 0;
}

int perf_verify(const uint8_t *dst, const uint8_t *src, size_t len, uint32_t seed,
                size_t *bad_off)
{
	size_t dummy, step, k, off;
	uint32_t x;

	if (!bad_off)
		bad_off = &dummy;
	if (len <= PERF_VERIFY_FULL)
		return cmp_range(dst, src, 0, len, bad_off);
	if (cmp_range(dst, src, 0, 4096, bad_off) < 0 ||
	    cmp_range(dst, src, len - 4096, len, bad_off) < 0)
		return -1;
	/* One position in each of PERF_VERIFY_SAMPLES equal strides, at a
	 * pseudo-random place inside the stride (xorshift on the seed). */
	step = len / PERF_VERIFY_SAMPLES;
	x = seed | 1;
	for (k = 0; k < PERF_VERIFY_SAMPLES; k++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		off = k * step + (step ? x % step : 0);
		if (off < len && dst[off] != src[off]) {
			*bad_off = off;
			return -1;
		}
	}
	return 0;
}
