/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libvrdma data path: a perftest-style RoCE v2 loopback benchmark.
 *
 * A struct vrdma_perf is a benchmark session: an endpoint (RDMA device, port
 * and RoCE v2 GID index), the run options, and -- once opened -- the verbs
 * resources: protection domain, completion queues, pairs of RC queue pairs
 * connected to each other in loopback over the chosen GID, and registered
 * memory.  vrdma_perf_run() runs one test and returns a struct
 * vrdma_perf_result.
 *
 * Include <vrdma/vrdma.h> rather than this file directly.
 */
#ifndef VRDMA_PERF_H
#define VRDMA_PERF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <vrdma/core.h>

#ifdef __cplusplus
extern "C" {
#endif

struct vrdma_perf;
struct vrdma_perf_result;

enum vrdma_perf_test {
	VRDMA_PERF_WRITE_BW = 0,
	VRDMA_PERF_READ_BW,
	VRDMA_PERF_SEND_BW,
	VRDMA_PERF_WRITE_LAT,
	VRDMA_PERF_READ_LAT,
	VRDMA_PERF_SEND_LAT,
};

/* Message sizes accepted by vrdma_perf_set_size() (a sweep runs 2 B .. 8 MiB). */
#define VRDMA_PERF_SIZE_MIN 1
#define VRDMA_PERF_SIZE_MAX (8u * 1024 * 1024)
/* "Choose automatically" for the GID index, warm-up, inline size. */
#define VRDMA_PERF_AUTO (-1)

/* "write_bw" ... "send_lat"; NULL for an unknown value. */
const char *vrdma_perf_test_name(enum vrdma_perf_test test);
/* The test named `name`, or -EINVAL. */
int vrdma_perf_test_from_name(const char *name);
/* 1 for the latency tests, 0 for the bandwidth tests, -EINVAL otherwise. */
int vrdma_perf_test_is_latency(enum vrdma_perf_test test);

int vrdma_perf_new(struct vrdma_ctx *ctx, struct vrdma_perf **ret);
struct vrdma_perf *vrdma_perf_ref(struct vrdma_perf *perf);
struct vrdma_perf *vrdma_perf_unref(struct vrdma_perf *perf);
struct vrdma_ctx *vrdma_perf_get_ctx(struct vrdma_perf *perf);

/*
 * Endpoint.  `device` NULL means the first RDMA device; `port` 0 means port
 * 1; `gid_index` VRDMA_PERF_AUTO means the first RoCE v2 GID of the port
 * holding an IPv4-mapped address (else the first RoCE v2 GID).  Changing the
 * endpoint closes open resources.
 */
int vrdma_perf_set_gid(struct vrdma_perf *perf, const char *device,
                       unsigned int port, int gid_index);
int vrdma_perf_set_device(struct vrdma_perf *perf, const char *device);
int vrdma_perf_set_port(struct vrdma_perf *perf, unsigned int port);
int vrdma_perf_set_gid_index(struct vrdma_perf *perf, int gid_index);
/* The device name: the resolved one once opened, else the configured one (or NULL). */
const char *vrdma_perf_get_device(struct vrdma_perf *perf);
int vrdma_perf_get_port(struct vrdma_perf *perf, unsigned int *ret);
/* The GID index in use once opened, else the configured one (maybe VRDMA_PERF_AUTO). */
int vrdma_perf_get_gid_index(struct vrdma_perf *perf, int *ret);
/* The GID in use as text ("::ffff:192.0.2.1"); NULL until opened. */
const char *vrdma_perf_get_gid_address(struct vrdma_perf *perf);

/* Run options (see vrdma_perf(3) for defaults). */
int vrdma_perf_set_size(struct vrdma_perf *perf, size_t size);
int vrdma_perf_get_size(struct vrdma_perf *perf, size_t *ret);
int vrdma_perf_set_iterations(struct vrdma_perf *perf, uint64_t iterations);
int vrdma_perf_get_iterations(struct vrdma_perf *perf, enum vrdma_perf_test test,
                              uint64_t *ret);
int vrdma_perf_set_duration(struct vrdma_perf *perf, double seconds);
int vrdma_perf_get_duration(struct vrdma_perf *perf, double *ret);
int vrdma_perf_set_warmup(struct vrdma_perf *perf, int64_t iterations);
int vrdma_perf_set_tx_depth(struct vrdma_perf *perf, unsigned int depth);
int vrdma_perf_get_tx_depth(struct vrdma_perf *perf, enum vrdma_perf_test test,
                            unsigned int *ret);
int vrdma_perf_set_num_qps(struct vrdma_perf *perf, unsigned int num);
int vrdma_perf_get_num_qps(struct vrdma_perf *perf, unsigned int *ret);
int vrdma_perf_set_inline_size(struct vrdma_perf *perf, int size);
int vrdma_perf_get_inline_size(struct vrdma_perf *perf, enum vrdma_perf_test test,
                               unsigned int *ret);
int vrdma_perf_set_cq_moderation(struct vrdma_perf *perf, unsigned int every);
int vrdma_perf_get_cq_moderation(struct vrdma_perf *perf, unsigned int *ret);
int vrdma_perf_set_use_events(struct vrdma_perf *perf, bool events);
int vrdma_perf_get_use_events(struct vrdma_perf *perf);

/* Open the device and create the resources now (vrdma_perf_run() does it on demand). */
int vrdma_perf_open(struct vrdma_perf *perf);
/* Release the verbs resources (the session stays configured). */
int vrdma_perf_close(struct vrdma_perf *perf);

/* Run one test with the current options. */
int vrdma_perf_run(struct vrdma_perf *perf, enum vrdma_perf_test test,
                   struct vrdma_perf_result **ret);

struct vrdma_perf_result *vrdma_perf_result_ref(struct vrdma_perf_result *res);
struct vrdma_perf_result *vrdma_perf_result_unref(struct vrdma_perf_result *res);
int vrdma_perf_result_get_test(struct vrdma_perf_result *res);
int vrdma_perf_result_get_size(struct vrdma_perf_result *res, uint64_t *ret);
int vrdma_perf_result_get_iterations(struct vrdma_perf_result *res, uint64_t *ret);
int vrdma_perf_result_get_bytes(struct vrdma_perf_result *res, uint64_t *ret);
int vrdma_perf_result_get_seconds(struct vrdma_perf_result *res, double *ret);
int vrdma_perf_result_get_verified(struct vrdma_perf_result *res);
/* Bandwidth tests: MB/s (2^20 bytes per second, as perftest), Gb/s (10^9 bits), Mpps. */
int vrdma_perf_result_get_bw_peak(struct vrdma_perf_result *res, double *ret);
int vrdma_perf_result_get_bw_avg(struct vrdma_perf_result *res, double *ret);
int vrdma_perf_result_get_bw_peak_gbps(struct vrdma_perf_result *res, double *ret);
int vrdma_perf_result_get_bw_avg_gbps(struct vrdma_perf_result *res, double *ret);
int vrdma_perf_result_get_msg_rate(struct vrdma_perf_result *res, double *ret);
/* Latency tests, microseconds. */
int vrdma_perf_result_get_lat_min(struct vrdma_perf_result *res, double *ret);
int vrdma_perf_result_get_lat_max(struct vrdma_perf_result *res, double *ret);
int vrdma_perf_result_get_lat_typical(struct vrdma_perf_result *res, double *ret);
int vrdma_perf_result_get_lat_avg(struct vrdma_perf_result *res, double *ret);
int vrdma_perf_result_get_lat_stdev(struct vrdma_perf_result *res, double *ret);
int vrdma_perf_result_get_lat_p99(struct vrdma_perf_result *res, double *ret);
int vrdma_perf_result_get_lat_p999(struct vrdma_perf_result *res, double *ret);

#ifdef __cplusplus
}
#endif

#endif /* VRDMA_PERF_H */
