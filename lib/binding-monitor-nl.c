/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The monitor's kernel sockets (see binding-monitor.c for what is made of
 * them): one epoll fd over
 *   rtnetlink   NETLINK_ROUTE, groups RTMGRP_LINK, RTMGRP_IPV4_IFADDR,
 *               RTMGRP_IPV6_IFADDR (links appear, go, change state; addresses)
 *   uevent      NETLINK_KOBJECT_UEVENT, group 1 (the kernel's own uevents;
 *               only SUBSYSTEM=infiniband* ones count: adapters registered,
 *               unregistered, renamed)
 *   rdma-netlink NETLINK_RDMA, group RDMA_NL_GROUP_NOTIFY (4): the monitor
 *               of kernels that have it (`rdma monitor`, Linux 6.5 and
 *               later); skipped when the socket or the group is refused
 * and a timerfd, the settle timer: the kernel fills GID tables and port
 * states from work queues after the netdev event that caused them, and
 * sends no message when it is done, so the monitor looks again shortly
 * after each burst (binding-monitor.c arms it).
 * Messages are only counted, never decoded beyond the uevent's subsystem:
 * what changed is found by rediscovery.  recv() failing with ENOBUFS means
 * the socket overran and lost messages: reported as an overrun.
 *
 * Test hook (built only with -Dtest_hooks=true): $VRDMA_TEST_MONITOR_RCVBUF
 * sets every socket's receive buffer to that many bytes (SO_RCVBUFFORCE,
 * falling back to SO_RCVBUF), to provoke ENOBUFS with a burst.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "binding-private.h"

#define MONITOR_RDMA_NL_GROUP_NOTIFY 4
#define MONITOR_RCVBUF (4 * 1024 * 1024)
#define MONITOR_BUF 16384

static const char *const sock_names[MONITOR_N_SOCKS] = { "rtnetlink", "uevent", "rdma-netlink" };

static int rcvbuf_size(void)
{
#ifdef VRDMA_TEST_HOOKS
	const char *e = secure_getenv("VRDMA_TEST_MONITOR_RCVBUF");
	if (e && atoi(e) > 0)
		return atoi(e);
#endif
	return MONITOR_RCVBUF;
}

static int open_nl(int protocol, unsigned int groups, int *ret)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = groups };
	int size = rcvbuf_size();
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol);

	if (fd < 0)
		return -errno;
	/* best effort: FORCE needs CAP_NET_ADMIN, plain is capped at rmem_max */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int r = -errno;
		close(fd);
		return r;
	}
	*ret = fd;
	return 0;
}

static int add_epoll(struct monitor_socks *s, int source)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u32 = (uint32_t)source };

	if (epoll_ctl(s->epfd, EPOLL_CTL_ADD, s->fd[source], &ev) < 0)
		return -errno;
	return 0;
}

void monitor_socks_close(struct monitor_socks *s)
{
	for (int i = 0; i < MONITOR_N_SOCKS; i++)
		if (s->fd[i] >= 0)
			close(s->fd[i]);
	if (s->timer >= 0)
		close(s->timer);
	if (s->epfd >= 0)
		close(s->epfd);
	s->epfd = s->timer = -1;
	for (int i = 0; i < MONITOR_N_SOCKS; i++)
		s->fd[i] = -1;
}

int monitor_socks_open(struct vrdma_ctx *ctx, struct monitor_socks *s)
{
	const unsigned int rt = RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR;
	int r;

	struct epoll_event tev = { .events = EPOLLIN, .data.u32 = MONITOR_N_SOCKS };

	s->epfd = s->timer = -1;
	for (int i = 0; i < MONITOR_N_SOCKS; i++)
		s->fd[i] = -1;
	s->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (s->epfd < 0)
		return vrdma_error(ctx, -errno, "monitor: epoll_create1: %m");
	s->timer = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (s->timer < 0 || epoll_ctl(s->epfd, EPOLL_CTL_ADD, s->timer, &tev) < 0) {
		r = -errno;
		monitor_socks_close(s);
		return vrdma_error(ctx, r, "monitor: settle timer: %s", strerror(-r));
	}
	r = open_nl(NETLINK_ROUTE, rt, &s->fd[VRDMA_MONITOR_SOURCE_RTNETLINK]);
	if (r < 0) {
		monitor_socks_close(s);
		return vrdma_error(ctx, r, "monitor: rtnetlink socket: %s", strerror(-r));
	}
	r = open_nl(NETLINK_KOBJECT_UEVENT, 1, &s->fd[VRDMA_MONITOR_SOURCE_UEVENT]);
	if (r < 0) {
		monitor_socks_close(s);
		return vrdma_error(ctx, r, "monitor: uevent socket: %s", strerror(-r));
	}
	r = open_nl(NETLINK_RDMA, 1u << (MONITOR_RDMA_NL_GROUP_NOTIFY - 1),
	            &s->fd[VRDMA_MONITOR_SOURCE_RDMA_NETLINK]);
	if (r < 0)
		dbg(ctx, "monitor: no RDMA netlink monitor (%s): adapters from uevents only",
		    strerror(-r));
	for (int i = 0; i < MONITOR_N_SOCKS; i++) {
		if (s->fd[i] < 0)
			continue;
		r = add_epoll(s, i);
		if (r < 0) {
			monitor_socks_close(s);
			return vrdma_error(ctx, r, "monitor: epoll_ctl: %s", strerror(-r));
		}
	}
	return 0;
}

/* true for a uevent of the infiniband classes ("SUBSYSTEM=infiniband",
 * "SUBSYSTEM=infiniband_verbs", ...): the message is "ACTION@DEVPATH\0" then
 * KEY=VALUE\0 pairs. */
static bool uevent_counts(const char *buf, size_t len)
{
	size_t i = 0;

	while (i < len) {
		const char *kv = buf + i;
		size_t n = strnlen(kv, len - i);
		if (n >= 20 && strncmp(kv, "SUBSYSTEM=infiniband", 20) == 0)
			return true;
		i += n + 1;
	}
	return false;
}

/* Read one socket until it is empty. */
static int drain_one(struct monitor_socks *s, int source, char *buf, unsigned int *sources,
                     unsigned int *overrun)
{
	for (;;) {
		ssize_t n = recv(s->fd[source], buf, MONITOR_BUF, MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS) {
				*overrun |= 1u << source;
				continue;
			}
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			return -errno;
		}
		if (source == VRDMA_MONITOR_SOURCE_UEVENT && !uevent_counts(buf, (size_t)n))
			continue;
		*sources |= 1u << source;
	}
}

int monitor_socks_arm(struct vrdma_ctx *ctx, struct monitor_socks *s, unsigned int ms)
{
	struct itimerspec its = { .it_value = { .tv_sec = ms / 1000,
	                                        .tv_nsec = (long)(ms % 1000) * 1000000 } };

	if (timerfd_settime(s->timer, 0, &its, NULL) < 0)
		return vrdma_error(ctx, -errno, "monitor: settle timer: %m");
	return 0;
}

int monitor_socks_drain(struct vrdma_ctx *ctx, struct monitor_socks *s, unsigned int *sources,
                        unsigned int *overrun, bool *timer)
{
	char *buf = malloc(MONITOR_BUF);
	uint64_t expirations;

	*sources = *overrun = 0;
	*timer = read(s->timer, &expirations, sizeof(expirations)) == sizeof(expirations);
	if (!buf)
		return vrdma_error(ctx, -ENOMEM, "monitor: out of memory");
	for (int i = 0; i < MONITOR_N_SOCKS; i++) {
		int r;
		if (s->fd[i] < 0)
			continue;
		r = drain_one(s, i, buf, sources, overrun);
		if (r < 0) {
			free(buf);
			return vrdma_error(ctx, r, "monitor: reading the %s socket: %s",
			                   sock_names[i], strerror(-r));
		}
	}
	free(buf);
	return 0;
}
