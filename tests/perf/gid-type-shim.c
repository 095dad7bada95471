/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Test-only LD_PRELOAD shim: Soft-RoCE (rxe) has RoCE v2 GIDs only, so to see
 * vrdma-perf reject a RoCE v1 GID this reports the GID index named in
 * $VRDMA_TEST_GID_V1 as RoCE v1 (everything else is passed through).
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>

#include <infiniband/verbs.h>

typedef int (*query_fn)(struct ibv_context *, uint32_t, uint32_t, struct ibv_gid_entry *,
                        uint32_t, size_t);

int _ibv_query_gid_ex(struct ibv_context *context, uint32_t port_num, uint32_t gid_index,
                      struct ibv_gid_entry *entry, uint32_t flags, size_t entry_size);
int _ibv_query_gid_ex(struct ibv_context *context, uint32_t port_num, uint32_t gid_index,
                      struct ibv_gid_entry *entry, uint32_t flags, size_t entry_size)
{
	query_fn real = (query_fn)dlsym(RTLD_NEXT, "_ibv_query_gid_ex");
	const char *v1 = getenv("VRDMA_TEST_GID_V1");
	int r;

	if (!real)
		return ENOSYS;
	r = real(context, port_num, gid_index, entry, flags, entry_size);
	if (r == 0 && v1 && (uint32_t)atoi(v1) == gid_index)
		entry->gid_type = IBV_GID_TYPE_ROCE_V1;
	return r;
}
