/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libvrdma monitor: a pollable source of events about the host's RDMA
 * adapters, their ports and GID tables, the netdevs they ride on and the
 * bindings of a configuration's vmks, in the style of libudev's and
 * sd-device's monitors (one file descriptor, a receive call, event objects).
 * See vrdma_monitor(3), which says which kernel source reports each event.
 *
 * Include <vrdma/vrdma.h> rather than this file directly.
 *
 * How it works.  The monitor listens on rtnetlink (links, IPv4 and IPv6
 * addresses), on kobject uevents (the infiniband classes) and, where
 * the kernel has it, on RDMA netlink's monitor group.  Each receive that
 * finds nothing queued drains every readable message (a burst costs one
 * pass), then discovers the host again, computes the bindings again and
 * reports the difference from the previous view as events; a settle pass
 * 300 ms after each burst catches what the kernel finishes later (GID
 * tables, port states).  A socket that
 * overran (ENOBUFS: messages were lost) gives a RESYNC event first, then the
 * same difference: a lost message never means a missed change.
 *
 * Ownership.  A struct vrdma_monitor is referenced (_ref/_unref); it holds
 * references on its context and configuration.  An event is borrowed from
 * its monitor: valid until the next vrdma_monitor_receive() on it, or until
 * the monitor is dropped; so are its strings and its finding.
 */
#ifndef VRDMA_MONITOR_H
#define VRDMA_MONITOR_H

#include <vrdma/core.h>
#include <vrdma/host.h>
#include <vrdma/model.h>
#include <vrdma/binding.h>

#ifdef __cplusplus
extern "C" {
#endif

struct vrdma_monitor;       /* the event source (refcounted) */
struct vrdma_monitor_event; /* one event (borrowed from the monitor) */

enum vrdma_monitor_event_type {
	VRDMA_MONITOR_ADAPTER_ADDED = 0,   /* an RDMA adapter appeared */
	VRDMA_MONITOR_ADAPTER_REMOVED = 1, /* an RDMA adapter went away */
	VRDMA_MONITOR_ADAPTER_RENAMED = 2, /* same kernel device, new name */
	VRDMA_MONITOR_NETDEV_ATTACHED = 3, /* an uplink, port or vmk netdev appeared */
	VRDMA_MONITOR_NETDEV_DETACHED = 4, /* such a netdev went away */
	VRDMA_MONITOR_PORT_STATE = 5,      /* an adapter port's state changed */
	VRDMA_MONITOR_GID_CHANGED = 6,     /* a vmk address's GID index changed */
	VRDMA_MONITOR_BINDING_STATE = 7,   /* a vmk's binding state changed */
	VRDMA_MONITOR_RESYNC = 8,          /* messages were lost: full rediscovery */
};

enum vrdma_monitor_source {
	VRDMA_MONITOR_SOURCE_RTNETLINK = 0,    /* NETLINK_ROUTE: links, addresses */
	VRDMA_MONITOR_SOURCE_UEVENT = 1,       /* NETLINK_KOBJECT_UEVENT: infiniband, net */
	VRDMA_MONITOR_SOURCE_RDMA_NETLINK = 2, /* NETLINK_RDMA monitor group */
	VRDMA_MONITOR_SOURCE_CONFIG = 3,       /* vrdma_monitor_set_config() */
};

/* "adapter-added", "adapter-removed", "adapter-renamed", "netdev-attached",
 * "netdev-detached", "port-state", "gid-changed", "binding-state",
 * "resync"; NULL when out of range. */
const char *vrdma_monitor_event_type_to_string(int type);
/* "rtnetlink", "uevent", "rdma-netlink", "config"; NULL when out of range. */
const char *vrdma_monitor_source_to_string(int source);

/*
 * Open the sockets, discover the host once (the baseline: no event for what
 * is already there) and compute cfg's bindings.  cfg may be NULL: no binding
 * or GID events then.  cfg must share ctx.  Errors: -EINVAL (bad
 * arguments), -ENOMEM, or the errno of a socket or discovery that failed.
 * The RDMA netlink monitor is used when the kernel offers it, silently
 * skipped otherwise.
 */
int vrdma_monitor_new(struct vrdma_ctx *ctx, struct vrdma_config *cfg,
                      struct vrdma_monitor **ret);
struct vrdma_monitor *vrdma_monitor_ref(struct vrdma_monitor *mon);
struct vrdma_monitor *vrdma_monitor_unref(struct vrdma_monitor *mon);
/* The context it was made with. */
struct vrdma_ctx *vrdma_monitor_get_ctx(struct vrdma_monitor *mon);

/* One epoll file descriptor over every socket: readable (poll(2) POLLIN)
 * when a receive may have something.  Owned by the monitor: never close it. */
int vrdma_monitor_get_fd(struct vrdma_monitor *mon);

/*
 * The next event: 0 and *ret (borrowed: valid until the next receive), or -EAGAIN when nothing happened (poll the fd), -EINVAL for
 * bad arguments, -ENOMEM, or the errno of a rediscovery that failed (the
 * previous view is kept and the next receive tries again).  Never blocks.
 */
int vrdma_monitor_receive(struct vrdma_monitor *mon, struct vrdma_monitor_event **ret);

/*
 * Replace the configuration (NULL: none) whose bindings are watched: the
 * bindings are computed again against the current host view and their
 * changes queued as BINDING_STATE and GID_CHANGED events from source
 * "config".  cfg must share the monitor's context.
 */
int vrdma_monitor_set_config(struct vrdma_monitor *mon, struct vrdma_config *cfg);

/* The current view: the host of the last rediscovery (borrowed: take a
 * vrdma_host_ref() to keep it past the next receive), and its bindings
 * (-ENOENT without a configuration). */
struct vrdma_host *vrdma_monitor_get_host(struct vrdma_monitor *mon);
int vrdma_monitor_get_bindings(struct vrdma_monitor *mon, struct vrdma_bindings **ret);

/* ---- one event ------------------------------------------------------------- */

struct vrdma_monitor *vrdma_monitor_event_get_monitor(struct vrdma_monitor_event *ev);
int vrdma_monitor_event_get_type(struct vrdma_monitor_event *ev);   /* enum vrdma_monitor_event_type */
/* The kernel source whose messages led to it (enum vrdma_monitor_source; for
 * RESYNC, the socket that overran). */
int vrdma_monitor_event_get_source(struct vrdma_monitor_event *ev);

/*
 * The objects of the event; -ENOENT when the event has none of that kind:
 *   adapter_name      the adapter (ADAPTER_*, PORT_STATE, GID_CHANGED,
 *                     BINDING_STATE when bound to one, NETDEV_* of a port's
 *                     netdev); for ADAPTER_RENAMED the new name
 *   old_adapter_name  ADAPTER_RENAMED: the previous name
 *   port_number       the RDMA port number (from 1) next to adapter_name
 *   netdev_name       NETDEV_*, PORT_STATE (the port's netdev), GID_CHANGED
 *                     and BINDING_STATE (the vmk's netdev)
 *   vmk_name          GID_CHANGED, BINDING_STATE, NETDEV_* of a vmk's netdev
 *   address           GID_CHANGED: the vmk address (canonical text)
 */
int vrdma_monitor_event_get_adapter_name(struct vrdma_monitor_event *ev, const char **ret);
int vrdma_monitor_event_get_old_adapter_name(struct vrdma_monitor_event *ev, const char **ret);
int vrdma_monitor_event_get_port_number(struct vrdma_monitor_event *ev, unsigned int *ret);
int vrdma_monitor_event_get_netdev_name(struct vrdma_monitor_event *ev, const char **ret);
int vrdma_monitor_event_get_vmk_name(struct vrdma_monitor_event *ev, const char **ret);
int vrdma_monitor_event_get_address(struct vrdma_monitor_event *ev, const char **ret);

/* PORT_STATE (enum vrdma_port_state) and BINDING_STATE (enum
 * vrdma_binding_state): the state before and after; -ENOENT for other
 * events, and for the old state of a vmk new to the configuration. */
int vrdma_monitor_event_get_old_state(struct vrdma_monitor_event *ev, int *ret);
int vrdma_monitor_event_get_new_state(struct vrdma_monitor_event *ev, int *ret);
/* GID_CHANGED: the RoCE v2 GID index of the address before and after;
 * -ENOENT when it had none (then) or has none (now). */
int vrdma_monitor_event_get_old_gid_index(struct vrdma_monitor_event *ev, unsigned int *ret);
int vrdma_monitor_event_get_new_gid_index(struct vrdma_monitor_event *ev, unsigned int *ret);
/* BINDING_STATE: the finding that caused the change (borrowed like the
 * event): for a binding that got worse, the new view's most severe finding;
 * for one that recovered, the previous view's most severe finding (the one
 * that went away).  -ENOENT for other events and when there is none. */
int vrdma_monitor_event_get_diag(struct vrdma_monitor_event *ev, struct vrdma_diag **ret);

#ifdef __cplusplus
}
#endif

#endif /* VRDMA_MONITOR_H */
