/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * check-json: validate a `vrdma-perf -j` document against the shape
 * documented in vrdma-perf(1).  Reads FILE (or standard input), exits 0 when
 * the document conforms, 1 with one line per violation otherwise.
 */
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

static int errors;

static void bad(const char *path, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void bad(const char *path, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "check-json: %s: ", path);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	errors++;
}

static json_object *member(json_object *o, const char *path, const char *key,
                           json_type type, bool nullable)
{
	json_object *v;
	char p[256];

	snprintf(p, sizeof(p), "%s.%s", path, key);
	if (!json_object_object_get_ex(o, key, &v)) {
		bad(p, "missing");
		return NULL;
	}
	if (!v && nullable)
		return NULL;
	if (type == json_type_double && json_object_is_type(v, json_type_int))
		return v;
	if (!json_object_is_type(v, type)) {
		bad(p, "expected %s, got %s", json_type_to_name(type),
		    v ? json_type_to_name(json_object_get_type(v)) : "null");
		return NULL;
	}
	return v;
}

static bool get_num(json_object *o, const char *path, const char *key, double min, double *ret)
{
	json_object *v = member(o, path, key, json_type_double, false);
	double d;

	if (!v)
		return false;
	d = json_object_get_double(v);
	if (!isfinite(d) || d < min) {
		bad(path, "%s = %g: expected a finite number >= %g", key, d, min);
		return false;
	}
	*ret = d;
	return true;
}

static bool get_int(json_object *o, const char *path, const char *key, int64_t min, int64_t *ret)
{
	json_object *v = member(o, path, key, json_type_int, false);
	int64_t i;

	if (!v)
		return false;
	i = json_object_get_int64(v);
	if (i < min) {
		bad(path, "%s = %lld: expected an integer >= %lld", key, (long long)i, (long long)min);
		return false;
	}
	*ret = i;
	return true;
}

static void only_keys(json_object *o, const char *path, const char *const *keys)
{
	json_object_object_foreach(o, k, v) {
		const char *const *p;
		bool ok = false;

		(void)v;
		for (p = keys; *p; p++)
			if (strcmp(*p, k) == 0)
				ok = true;
		if (!ok)
			bad(path, "unexpected member \"%s\"", k);
	}
}

static const char *const top_keys[] = {
	"tool", "version", "test", "kind", "device", "port", "gid_index", "gid", "qps",
	"tx_depth", "inline_size", "cq_moderation", "events", "duration_sec", "results", NULL,
};
static const char *const bw_keys[] = {
	"bytes", "iterations", "total_bytes", "seconds", "verified", "bw_peak_mb_sec",
	"bw_avg_mb_sec", "bw_peak_gb_sec", "bw_avg_gb_sec", "msg_rate_mpps", NULL,
};
static const char *const lat_keys[] = {
	"bytes", "iterations", "total_bytes", "seconds", "verified", "t_min_usec",
	"t_max_usec", "t_typical_usec", "t_avg_usec", "t_stdev_usec", "p99_usec",
	"p99_9_usec", NULL,
};

static void check_result(json_object *r, const char *path, bool lat)
{
	int64_t bytes = 0, iters = 0, total = 0;
	double secs, a[7];
	json_object *v;

	if (!json_object_is_type(r, json_type_object)) {
		bad(path, "expected an object");
		return;
	}
	only_keys(r, path, lat ? lat_keys : bw_keys);
	if (get_int(r, path, "bytes", 1, &bytes) && bytes > 8 * 1024 * 1024)
		bad(path, "bytes = %lld: expected at most 8 MiB", (long long)bytes);
	get_int(r, path, "iterations", 1, &iters);
	if (get_int(r, path, "total_bytes", 1, &total) && total != bytes * iters)
		bad(path, "total_bytes %lld != bytes * iterations", (long long)total);
	if (get_num(r, path, "seconds", 0, &secs) && secs <= 0)
		bad(path, "seconds: expected > 0");
	v = member(r, path, "verified", json_type_boolean, false);
	if (v && !json_object_get_boolean(v))
		bad(path, "verified is false");
	if (lat) {
		static const char *const k[] = { "t_min_usec", "t_max_usec", "t_typical_usec",
		                                 "t_avg_usec", "t_stdev_usec", "p99_usec",
		                                 "p99_9_usec" };
		int i, ok = 1;

		for (i = 0; i < 7; i++)
			ok &= get_num(r, path, k[i], 0, &a[i]);
		if (!ok)
			return;
		if (a[0] <= 0)
			bad(path, "t_min_usec: expected > 0");
		if (!(a[0] <= a[2] && a[2] <= a[1]))
			bad(path, "expected t_min <= t_typical <= t_max");
		if (!(a[0] <= a[3] && a[3] <= a[1]))
			bad(path, "expected t_min <= t_avg <= t_max");
		if (!(a[0] <= a[5] && a[5] <= a[6] && a[6] <= a[1]))
			bad(path, "expected t_min <= 99%% <= 99.9%% <= t_max");
		if (a[4] > a[1] - a[0])
			bad(path, "t_stdev larger than the range");
	} else {
		double pk, av, pkg, avg, rate;
		int ok = 1;

		/* all five, so every missing one is reported */
		ok &= get_num(r, path, "bw_peak_mb_sec", 0, &pk);
		ok &= get_num(r, path, "bw_avg_mb_sec", 0, &av);
		ok &= get_num(r, path, "bw_peak_gb_sec", 0, &pkg);
		ok &= get_num(r, path, "bw_avg_gb_sec", 0, &avg);
		ok &= get_num(r, path, "msg_rate_mpps", 0, &rate);
		if (!ok)
			return;
		if (av <= 0)
			bad(path, "bw_avg_mb_sec: expected > 0");
		if (pk < av)
			bad(path, "bw_peak_mb_sec < bw_avg_mb_sec");
		/* MB = 2^20 bytes, Gb = 10^9 bits */
		if (fabs(avg - av * 1048576.0 * 8 / 1e9) > 1e-6 * (avg + 1))
			bad(path, "bw_avg_gb_sec does not match bw_avg_mb_sec");
		if (fabs(rate * 1e6 * (double)bytes - av * 1048576.0) > 1e-6 * av * 1048576.0 + 1)
			bad(path, "msg_rate_mpps * bytes does not match bw_avg_mb_sec");
	}
}

int main(int argc, char **argv)
{
	static const char *const tests[] = { "write_bw", "read_bw", "send_bw",
	                                     "write_lat", "read_lat", "send_lat", NULL };
	json_object *doc, *v, *results;
	const char *test = NULL;
	int64_t i64;
	bool lat = false;
	size_t i, n;

	doc = argc > 1 && strcmp(argv[1], "-") != 0 ? json_object_from_file(argv[1])
	                                             : json_object_from_fd(0);
	if (!doc) {
		fprintf(stderr, "check-json: %s: not a JSON document: %s\n",
		        argc > 1 ? argv[1] : "stdin", json_util_get_last_err());
		return 1;
	}
	if (!json_object_is_type(doc, json_type_object)) {
		bad("$", "expected an object");
		goto out;
	}
	only_keys(doc, "$", top_keys);
	if ((v = member(doc, "$", "tool", json_type_string, false)) &&
	    strcmp(json_object_get_string(v), "vrdma-perf") != 0)
		bad("$.tool", "expected \"vrdma-perf\"");
	member(doc, "$", "version", json_type_string, false);
	if ((v = member(doc, "$", "test", json_type_string, false))) {
		test = json_object_get_string(v);
		for (i = 0; tests[i] && strcmp(tests[i], test); i++)
			;
		if (!tests[i])
			bad("$.test", "\"%s\": expected one of write_bw ... send_lat", test);
		lat = strstr(test, "_lat") != NULL;
	}
	if ((v = member(doc, "$", "kind", json_type_string, false)) &&
	    strcmp(json_object_get_string(v), lat ? "latency" : "bandwidth") != 0)
		bad("$.kind", "\"%s\" does not match test %s", json_object_get_string(v),
		    test ? test : "?");
	if ((v = member(doc, "$", "device", json_type_string, false)) && !json_object_get_string_len(v))
		bad("$.device", "empty");
	get_int(doc, "$", "port", 1, &i64);
	get_int(doc, "$", "gid_index", 0, &i64);
	if ((v = member(doc, "$", "gid", json_type_string, false)) &&
	    !strchr(json_object_get_string(v), ':'))
		bad("$.gid", "expected an IPv6-form GID");
	if (get_int(doc, "$", "qps", 1, &i64) && lat && i64 != 1)
		bad("$.qps", "latency tests use one QP pair");
	get_int(doc, "$", "tx_depth", 1, &i64);
	get_int(doc, "$", "inline_size", 0, &i64);
	get_int(doc, "$", "cq_moderation", 1, &i64);
	member(doc, "$", "events", json_type_boolean, false);
	if ((v = member(doc, "$", "duration_sec", json_type_double, true)) &&
	    json_object_get_double(v) <= 0)
		bad("$.duration_sec", "expected null or > 0");
	results = member(doc, "$", "results", json_type_array, false);
	if (results) {
		n = json_object_array_length(results);
		if (n == 0)
			bad("$.results", "empty");
		for (i = 0; i < n; i++) {
			char path[64];

			snprintf(path, sizeof(path), "$.results[%zu]", i);
			check_result(json_object_array_get_idx(results, i), path, lat);
		}
	}
out:
	json_object_put(doc);
	return errors ? 1 : 0;
}
