/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libvrdma: the ESXi "RDMA network adapter" workflow for Linux hosts.
 *
 * Conventions (all headers):
 *  - every type is an opaque, forward-declared struct vrdma_*; objects are
 *    reference counted with vrdma_<object>_ref()/_unref(); _unref() accepts
 *    NULL and returns NULL; children hold a reference on their context;
 *  - functions that can fail return 0 (or a count) on success and a negative
 *    errno value on failure; argument errors give -EINVAL;
 *  - getters that can fail return int and hand the value back through a
 *    `ret` out-parameter;
 *  - threading: see struct vrdma_ctx in <vrdma/core.h>: one thread at a
 *    time per context and its objects, no global state.
 */
#ifndef VRDMA_VRDMA_H
#define VRDMA_VRDMA_H

#include <vrdma/core.h>
#include <vrdma/host.h>
#include <vrdma/model.h>
#include <vrdma/apply.h>
#include <vrdma/binding.h>
#include <vrdma/perf.h>

#endif /* VRDMA_VRDMA_H */
