/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Test-only LD_PRELOAD shim: Soft-RoCE (rxe) has RoCE v2 GIDs only, so to see
 * vrdma-perf reject a RoCE v1 GID this reports the GID index named in
 * $VRDMA_TEST_GID_V1 as RoCE v1 (everything else is passed through).
 * vrdma-perf reads the GID table through libvrdma's discovery, which asks
 * libibverbs for it with ibv_query_gid_table().
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <sys/types.h>

#include <infiniband/verbs.h>

typedef ssize_t (*query_table_fn)(struct ibv_context *, struct ibv_gid_entry *, size_t,
                                  uint32_t, size_t);

ssize_t _ibv_query_gid_table(struct ibv_context *context, struct ibv_gid_entry *entries,
                             size_t max_entries, uint32_t flags, size_t entry_size);
ssize_t _ibv_query_gid_table(struct ibv_context *context, struct ibv_gid_entry *entries,
                             size_t max_entries, uint32_t flags, size_t entry_size)
{
	query_table_fn real = (query_table_fn)dlsym(RTLD_NEXT, "_ibv_query_gid_table");
	const char *v1 = getenv("VRDMA_TEST_GID_V1");
	ssize_t n, i;

	if (!real)
		return -ENOSYS;
	n = real(context, entries, max_entries, flags, entry_size);
	for (i = 0; v1 && i < n; i++)
		if (entries[i].gid_index == (uint32_t)atoi(v1))
			entries[i].gid_type = IBV_GID_TYPE_ROCE_V1;
	return n;
}
