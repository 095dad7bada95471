/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libvrdma: the ESXi "RDMA network adapter" workflow for Linux hosts.
 *
 * Conventions (all headers; HACKING.md in the source tree gives the rules
 * and their reasons):
 *  - every type is an opaque, forward-declared struct vrdma_*; only the
 *    context, host, configuration, bindings, apply plan, source, storage and monitor are
 *    reference counted (vrdma_<object>_ref()/_unref(); _unref() accepts
 *    NULL and returns NULL); every other handle and string is borrowed from
 *    the object it came from;
 *  - functions that can fail return int: 0 (or a count) on success, a
 *    negative errno on failure (-EINVAL for a bad argument); the failing
 *    call leaves a message naming the object in vrdma_ctx_get_error(), and
 *    every int-returning call clears that message when it starts;
 *  - a getter returns a value that is always present directly; a value that
 *    may be absent, and anything read by index or key, comes through a last
 *    `ret` out-parameter with -ENOENT when absent; indexes are unsigned int
 *    from 0, counts are _get_n_<xs>();
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
#include <vrdma/monitor.h>

#endif /* VRDMA_VRDMA_H */
