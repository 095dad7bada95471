/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Storage sessions: the NVMe over RDMA controllers and iSER sessions of the
 * running kernel, the binding each rides on (its source address is a vmk's)
 * and its adapter port's hw_counters.
 *
 * sysfs layout read (under $VRDMA_SYSFS, default /sys):
 *   class/nvme/nvmeN/{transport,address,subsysnqn,state}
 *       address: "traddr=A,trsvcid=P[,host_traddr=S][,host_iface=I][,src_addr=S]"
 *       (drivers/nvme/host/fabrics.c nvmf_get_address; src_addr from TCP)
 *   class/iscsi_session/sessionN/{targetname,state}, a link into
 *       devices/.../hostH/sessionN/iscsi_session/sessionN
 *   class/iscsi_connection/connectionN:C/{address,port}   (the target's)
 *   class/scsi_host/hostH/proc_name   "iscsi_iser" (open-iscsi strips "iscsi_")
 *   class/infiniband/DEV/ports/P/hw_counters/NAME
 * iSER reports no local address in sysfs (only the connection's
 * destination), and nvme-rdma only the host_traddr it was given: the
 * source of a connection is the local address of its RDMA CM id, dumped
 * per device through RDMA netlink (RDMA_NLDEV_CMD_RES_CM_ID_GET, as
 * `rdma resource show cm_id`).  That dump describes the running kernel: it
 * is skipped when $VRDMA_SYSFS points elsewhere.  Test hook (-Dtest_hooks):
 * $VRDMA_TEST_STORAGE_CM_IDS names a file standing for the dump, one CM id
 * a line: "DEV PORT KERN_NAME SRC DST DST_PORT".
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <rdma/rdma_netlink.h>

#include "binding-private.h"

struct storage_counters {
	struct vrdma_port *port;
	char **names;
	uint64_t *values;
	unsigned int n;
};

struct vrdma_storage_session {
	struct vrdma_storage *st;
	int kind;
	unsigned int number;           /* N of nvmeN / sessionN: the sort key */
	char *name;
	char *target_addr;
	char *target_name;
	int target_port;               /* -1: not reported */
	char *source;
	bool source_given;             /* host_traddr / src_addr, not the CM id's */
	char *state;
	bool live;
	struct vrdma_binding *bd;
	struct vrdma_adapter *adapter;
	struct vrdma_port *port;
	struct storage_counters *ctrs; /* NULL without a port */
};

struct vrdma_storage {
	int refcount;
	struct vrdma_ctx *ctx;
	struct vrdma_bindings *b;
	struct vrdma_storage_session **items;
	unsigned int n;
	struct storage_counters **ctrs;
	unsigned int n_ctrs;
	struct binding_diag_list diags;
};

/* One RDMA CM id of the kernel. */
struct cm_rec {
	char dev[64];
	unsigned int port;
	int kind;                      /* enum vrdma_storage_kind, -1 another user */
	char src[INET6_ADDRSTRLEN];
	char dst[INET6_ADDRSTRLEN];
	int dst_port;
};

struct cm_list {
	struct cm_rec *items;
	unsigned int n;
	bool oom;
};

/* ---- small helpers ------------------------------------------------------------------ */

/* The first line of a sysfs attribute, trimmed; -errno when unreadable. */
static int read_attr(const char *dir, const char *name, char *buf, size_t len)
{
	char path[PATH_MAX];
	size_t l;
	int r;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	r = vrdma_read_line(path, buf, len);
	if (r < 0)
		return r;
	for (l = strlen(buf); l > 0 && isspace((unsigned char)buf[l - 1]); l--)
		buf[l - 1] = '\0';
	return 0;
}

/* Canonical text of an IP address (scope and brackets dropped) into out;
 * false when s is no address. */
static bool canon_ip(const char *s, char *out, size_t len)
{
	char tmp[INET6_ADDRSTRLEN + 8];
	unsigned char raw[16];
	size_t l;

	if (!s)
		return false;
	if (s[0] == '[')
		s++;
	snprintf(tmp, sizeof(tmp), "%s", s);
	tmp[strcspn(tmp, "%]")] = '\0';
	l = strlen(tmp);
	if (l == 0)
		return false;
	if (inet_pton(AF_INET, tmp, raw) == 1)
		return inet_ntop(AF_INET, raw, out, (socklen_t)len) != NULL;
	if (inet_pton(AF_INET6, tmp, raw) == 1)
		return inet_ntop(AF_INET6, raw, out, (socklen_t)len) != NULL;
	return false;
}

static int parse_port(const char *s)
{
	char *end;
	long v;

	if (!s || !s[0])
		return -1;
	v = strtol(s, &end, 10);
	return *end || v < 0 || v > 65535 ? -1 : (int)v;
}

static int number_of(const char *name, const char *prefix, unsigned int *ret)
{
	size_t l = strlen(prefix);
	char *end;
	unsigned long v;

	if (strncmp(name, prefix, l) != 0 || !isdigit((unsigned char)name[l]))
		return -1;
	v = strtoul(name + l, &end, 10);
	if (*end || v > UINT_MAX)
		return -1;
	*ret = (unsigned int)v;
	return 0;
}

/* ---- RDMA CM ids ---------------------------------------------------------------------- */

/* The initiator a kernel CM id belongs to, by its owner module: ib_iser,
 * nvme_rdma (not the targets' ib_isert, nvmet_rdma). */
static int cm_kind(const char *kern_name)
{
	if (strstr(kern_name, "isert") || strstr(kern_name, "nvmet"))
		return -1;
	if (strstr(kern_name, "iser"))
		return VRDMA_STORAGE_ISER;
	if (strstr(kern_name, "nvme"))
		return VRDMA_STORAGE_NVME_RDMA;
	return -1;
}

static struct cm_rec *cm_add(struct cm_list *l)
{
	struct cm_rec *items = realloc(l->items, sizeof(*items) * (l->n + 1));

	if (!items) {
		l->oom = true;
		return NULL;
	}
	l->items = items;
	memset(&items[l->n], 0, sizeof(items[l->n]));
	items[l->n].kind = -1;
	items[l->n].dst_port = -1;
	return &items[l->n++];
}

#ifdef VRDMA_TEST_HOOKS
/* Test hook: $VRDMA_TEST_STORAGE_CM_IDS, a file standing for the dump. */
static bool cm_from_test_file(struct vrdma_ctx *ctx, struct cm_list *l)
{
	const char *path = secure_getenv("VRDMA_TEST_STORAGE_CM_IDS");
	char line[512], dev[64], kern[64], src[64], dst[64];
	unsigned int port;
	int dport;
	FILE *f;

	if (!path || !path[0])
		return false;
	f = fopen(path, "re");
	if (!f) {
		dbg(ctx, "%s: %s", path, strerror(errno));
		return true;
	}
	while (fgets(line, sizeof(line), f)) {
		struct cm_rec *c;
		if (line[0] == '#' || sscanf(line, "%63s %u %63s %63s %63s %d", dev, &port, kern, src,
		                             dst, &dport) != 6)
			continue;
		if (!(c = cm_add(l)))
			break;
		snprintf(c->dev, sizeof(c->dev), "%s", dev);
		c->port = port;
		c->kind = cm_kind(kern);
		c->dst_port = dport;
		if (!canon_ip(src, c->src, sizeof(c->src)) || !canon_ip(dst, c->dst, sizeof(c->dst)))
			l->n--;
	}
	fclose(f);
	return true;
}
#endif

struct cm_walk {
	struct cm_list *list;
	unsigned int dev_index[64];
	char dev_name[64][64];
	unsigned int n_devs;
	const char *dev;               /* the device of the CM id dump */
};

static int dev_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[RDMA_NLDEV_ATTR_MAX] = { 0 };
	struct cm_walk *w = data;

	mnl_attr_parse(nlh, 0, vrdma_rdmanl_attr_cb, tb);
	if (!tb[RDMA_NLDEV_ATTR_DEV_NAME] || !tb[RDMA_NLDEV_ATTR_DEV_INDEX] ||
	    w->n_devs >= ARRAY_SIZE(w->dev_index))
		return MNL_CB_OK;
	w->dev_index[w->n_devs] = mnl_attr_get_u32(tb[RDMA_NLDEV_ATTR_DEV_INDEX]);
	snprintf(w->dev_name[w->n_devs], sizeof(w->dev_name[0]), "%s",
	         mnl_attr_get_str(tb[RDMA_NLDEV_ATTR_DEV_NAME]));
	w->n_devs++;
	return MNL_CB_OK;
}

/* A __kernel_sockaddr_storage attribute: address text and port. */
static bool sockaddr_attr(const struct nlattr *a, char *out, size_t len, int *port)
{
	const struct sockaddr *sa = mnl_attr_get_payload(a);
	size_t n = mnl_attr_get_payload_len(a);

	if (n >= sizeof(struct sockaddr_in) && sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const void *)sa;
		*port = ntohs(in->sin_port);
		return inet_ntop(AF_INET, &in->sin_addr, out, (socklen_t)len) != NULL;
	}
	if (n >= sizeof(struct sockaddr_in6) && sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const void *)sa;
		*port = ntohs(in6->sin6_port);
		return inet_ntop(AF_INET6, &in6->sin6_addr, out, (socklen_t)len) != NULL;
	}
	return false;
}

static void cm_entry(struct cm_walk *w, const struct nlattr *entry)
{
	const struct nlattr *tb[RDMA_NLDEV_ATTR_MAX] = { 0 };
	struct cm_rec *c;
	int sport;

	mnl_attr_parse_nested(entry, vrdma_rdmanl_attr_cb, tb);
	if (!tb[RDMA_NLDEV_ATTR_RES_SRC_ADDR] || !tb[RDMA_NLDEV_ATTR_RES_DST_ADDR] ||
	    !tb[RDMA_NLDEV_ATTR_RES_KERN_NAME])
		return; /* a listener, or a user-space id */
	if (!(c = cm_add(w->list)))
		return;
	snprintf(c->dev, sizeof(c->dev), "%s", w->dev);
	c->port = tb[RDMA_NLDEV_ATTR_PORT_INDEX] ? mnl_attr_get_u32(tb[RDMA_NLDEV_ATTR_PORT_INDEX])
	                                         : 0;
	c->kind = cm_kind(mnl_attr_get_str(tb[RDMA_NLDEV_ATTR_RES_KERN_NAME]));
	if (!sockaddr_attr(tb[RDMA_NLDEV_ATTR_RES_SRC_ADDR], c->src, sizeof(c->src), &sport) ||
	    !sockaddr_attr(tb[RDMA_NLDEV_ATTR_RES_DST_ADDR], c->dst, sizeof(c->dst), &c->dst_port))
		w->list->n--;
}

static int cm_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[RDMA_NLDEV_ATTR_MAX] = { 0 };
	const struct nlattr *e;

	mnl_attr_parse(nlh, 0, vrdma_rdmanl_attr_cb, tb);
	if (!tb[RDMA_NLDEV_ATTR_RES_CM_ID])
		return MNL_CB_OK;
	mnl_attr_for_each_nested(e, tb[RDMA_NLDEV_ATTR_RES_CM_ID])
		cm_entry(data, e);
	return MNL_CB_OK;
}

static int nl_dump(struct mnl_socket *nl, unsigned int *seq, int cmd, int dev_index, mnl_cb_t cb,
                   void *data)
{
	char buf[32768];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	unsigned int portid = mnl_socket_get_portid(nl);

	nlh->nlmsg_type = RDMA_NL_GET_TYPE(RDMA_NL_NLDEV, cmd);
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_DUMP;
	nlh->nlmsg_seq = ++*seq;
	if (dev_index >= 0)
		mnl_attr_put_u32(nlh, RDMA_NLDEV_ATTR_DEV_INDEX, (uint32_t)dev_index);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	for (;;) {
		ssize_t n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		int r;
		if (n < 0)
			return -errno;
		r = mnl_cb_run(buf, (size_t)n, *seq, portid, cb, data);
		if (r < 0)
			return -errno;
		if (r == MNL_CB_STOP)
			return 0;
	}
}

/* Every kernel RDMA CM id with both ends; nothing when netlink cannot say. */
static void cm_discover(struct vrdma_ctx *ctx, struct cm_list *l)
{
	struct cm_walk w = { .list = l };
	unsigned int seq = (unsigned int)time(NULL), i;
	struct mnl_socket *nl;
	int r;

#ifdef VRDMA_TEST_HOOKS
	if (cm_from_test_file(ctx, l))
		return;
#endif
	if (secure_getenv("VRDMA_SYSFS") && strcmp(vrdma_sysfs_root(), "/sys") != 0)
		return; /* sysfs of another system: the kernel's CM ids are not its */
	nl = mnl_socket_open(NETLINK_RDMA);
	if (!nl) {
		dbg(ctx, "RDMA netlink unavailable: %s", strerror(errno));
		return;
	}
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0 ||
	    (r = nl_dump(nl, &seq, RDMA_NLDEV_CMD_GET, -1, dev_cb, &w)) < 0) {
		dbg(ctx, "RDMA netlink device dump failed: %s", strerror(errno));
		mnl_socket_close(nl);
		return;
	}
	for (i = 0; i < w.n_devs; i++) {
		w.dev = w.dev_name[i];
		r = nl_dump(nl, &seq, RDMA_NLDEV_CMD_RES_CM_ID_GET, (int)w.dev_index[i], cm_cb, &w);
		if (r < 0)
			dbg(ctx, "RDMA netlink CM id dump of %s failed: %s", w.dev, strerror(-r));
	}
	mnl_socket_close(nl);
}

/* ---- sessions ------------------------------------------------------------------------ */

static void session_free(struct vrdma_storage_session *s)
{
	if (!s)
		return;
	free(s->name);
	free(s->target_addr);
	free(s->target_name);
	free(s->source);
	free(s->state);
	free(s);
}

static int storage_add(struct vrdma_storage *st, struct vrdma_storage_session *s)
{
	struct vrdma_storage_session **items = realloc(st->items, sizeof(*items) * (st->n + 1));

	if (!items) {
		session_free(s);
		return -ENOMEM;
	}
	st->items = items;
	s->st = st;
	items[st->n++] = s;
	return 0;
}

static struct vrdma_storage_session *session_new(int kind, const char *name, unsigned int number)
{
	struct vrdma_storage_session *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->kind = kind;
	s->number = number;
	s->target_port = -1;
	s->name = strdup(name);
	if (!s->name) {
		free(s);
		return NULL;
	}
	return s;
}

/* Set *dst to a copy of src (NULL stays NULL); false on OOM. */
static bool set_str(char **dst, const char *src)
{
	free(*dst);
	*dst = src ? strdup(src) : NULL;
	return !src || *dst;
}

/* "traddr=A,trsvcid=P,host_traddr=S,src_addr=S" */
static bool nvme_address(struct vrdma_storage_session *s, char *addr)
{
	char *save = NULL, *tok, ip[INET6_ADDRSTRLEN];
	const char *host_traddr = NULL, *src_addr = NULL;

	for (tok = strtok_r(addr, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *v = strchr(tok, '=');
		if (!v)
			continue;
		*v++ = '\0';
		if (strcmp(tok, "traddr") == 0 && canon_ip(v, ip, sizeof(ip))) {
			if (!set_str(&s->target_addr, ip))
				return false;
		} else if (strcmp(tok, "trsvcid") == 0) {
			s->target_port = parse_port(v);
		} else if (strcmp(tok, "host_traddr") == 0) {
			host_traddr = v;
		} else if (strcmp(tok, "src_addr") == 0) {
			src_addr = v;
		}
	}
	if (canon_ip(host_traddr, ip, sizeof(ip)) || canon_ip(src_addr, ip, sizeof(ip))) {
		s->source_given = true;
		return set_str(&s->source, ip);
	}
	return true;
}

static int nvme_one(struct vrdma_storage *st, const char *dir, const char *name,
                    unsigned int number)
{
	struct vrdma_storage_session *s;
	char buf[1024];

	if (read_attr(dir, "transport", buf, sizeof(buf)) < 0 || strcmp(buf, "rdma") != 0)
		return 0;
	if (read_attr(dir, "address", buf, sizeof(buf)) < 0)
		return 0;
	if (!(s = session_new(VRDMA_STORAGE_NVME_RDMA, name, number)))
		return -ENOMEM;
	if (!nvme_address(s, buf))
		goto oom;
	if (!s->target_addr) {
		dbg(st->ctx, "nvme controller %s: no target address in '%s'", name, buf);
		session_free(s);
		return 0;
	}
	if (read_attr(dir, "subsysnqn", buf, sizeof(buf)) == 0 && buf[0] &&
	    !set_str(&s->target_name, buf))
		goto oom;
	if (read_attr(dir, "state", buf, sizeof(buf)) == 0 && buf[0]) {
		if (!set_str(&s->state, buf))
			goto oom;
		s->live = strcmp(buf, "live") == 0;
	}
	return storage_add(st, s);
oom:
	session_free(s);
	return -ENOMEM;
}

/* Entries of root/class/<cls> named <prefix>N, with N, in number order. */
struct entry {
	char name[NAME_MAX + 1];
	unsigned int number;
};

static int entry_cmp(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;

	return x->number < y->number ? -1 : x->number > y->number;
}

static int list_class(const char *cls, const char *prefix, struct entry **ret, unsigned int *n)
{
	char path[PATH_MAX];
	struct dirent *de;
	struct entry *items = NULL;
	DIR *d;

	*n = 0;
	snprintf(path, sizeof(path), "%s/class/%s", vrdma_sysfs_root(), cls);
	d = opendir(path);
	if (!d) {
		*ret = NULL;
		return 0; /* no such class: the driver is not loaded */
	}
	while ((de = readdir(d))) {
		unsigned int num;
		struct entry *e;
		if (number_of(de->d_name, prefix, &num) < 0)
			continue;
		e = realloc(items, sizeof(*items) * (*n + 1));
		if (!e) {
			free(items);
			closedir(d);
			return -ENOMEM;
		}
		items = e;
		snprintf(items[*n].name, sizeof(items[*n].name), "%s", de->d_name);
		items[(*n)++].number = num;
	}
	closedir(d);
	if (*n > 1)
		qsort(items, *n, sizeof(*items), entry_cmp);
	*ret = items;
	return 0;
}

static int nvme_discover(struct vrdma_storage *st)
{
	struct entry *e = NULL;
	unsigned int n, i;
	int r = list_class("nvme", "nvme", &e, &n);

	for (i = 0; r == 0 && i < n; i++) {
		char dir[PATH_MAX];
		snprintf(dir, sizeof(dir), "%s/class/nvme/%s", vrdma_sysfs_root(), e[i].name);
		r = nvme_one(st, dir, e[i].name, e[i].number);
	}
	free(e);
	return r;
}

/* The SCSI host of an iSCSI session from its device path ".../hostH/sessionN/..."
 * and whether its transport is iser (proc_name "iscsi_iser"). */
static bool iscsi_is_iser(const char *session_dir)
{
	char real[PATH_MAX], dir[PATH_MAX], buf[64];
	char *save = NULL, *tok, *host = NULL;

	if (!realpath(session_dir, real))
		return false;
	for (tok = strtok_r(real, "/", &save); tok; tok = strtok_r(NULL, "/", &save)) {
		unsigned int h;
		if (number_of(tok, "host", &h) == 0)
			host = tok;
	}
	if (!host)
		return false;
	snprintf(dir, sizeof(dir), "%s/class/scsi_host/%s", vrdma_sysfs_root(), host);
	if (read_attr(dir, "proc_name", buf, sizeof(buf)) < 0)
		return false;
	return strcmp(strncmp(buf, "iscsi_", 6) == 0 ? buf + 6 : buf, "iser") == 0;
}

/* The session's (first) connection, "connectionN:C": its target address and port. */
static bool iscsi_connection(struct vrdma_storage_session *s, struct entry *conns,
                             unsigned int n_conns)
{
	char dir[PATH_MAX], buf[256], ip[INET6_ADDRSTRLEN], want[32];
	unsigned int i;

	snprintf(want, sizeof(want), "connection%u:", s->number);
	for (i = 0; i < n_conns; i++) {
		if (strncmp(conns[i].name, want, strlen(want)) != 0)
			continue;
		snprintf(dir, sizeof(dir), "%s/class/iscsi_connection/%s", vrdma_sysfs_root(),
		         conns[i].name);
		if ((read_attr(dir, "address", buf, sizeof(buf)) == 0 &&
		     canon_ip(buf, ip, sizeof(ip))) ||
		    (read_attr(dir, "persistent_address", buf, sizeof(buf)) == 0 &&
		     canon_ip(buf, ip, sizeof(ip)))) {
			if (!set_str(&s->target_addr, ip))
				return false;
			if (read_attr(dir, "port", buf, sizeof(buf)) == 0 ||
			    read_attr(dir, "persistent_port", buf, sizeof(buf)) == 0)
				s->target_port = parse_port(buf);
			return true;
		}
	}
	return true;
}

/* "connectionN:C" entries sort by N only: list them by name. */
static int list_connections(struct entry **ret, unsigned int *n)
{
	char path[PATH_MAX];
	struct dirent *de;
	struct entry *items = NULL, *e;
	DIR *d;

	*n = 0;
	*ret = NULL;
	snprintf(path, sizeof(path), "%s/class/iscsi_connection", vrdma_sysfs_root());
	if (!(d = opendir(path)))
		return 0;
	while ((de = readdir(d))) {
		if (strncmp(de->d_name, "connection", 10) != 0)
			continue;
		if (!(e = realloc(items, sizeof(*items) * (*n + 1)))) {
			free(items);
			closedir(d);
			return -ENOMEM;
		}
		items = e;
		snprintf(items[*n].name, sizeof(items[*n].name), "%s", de->d_name);
		items[(*n)++].number = 0;
	}
	closedir(d);
	*ret = items;
	return 0;
}

static int iser_one(struct vrdma_storage *st, const char *dir, const struct entry *e,
                    struct entry *conns, unsigned int n_conns)
{
	struct vrdma_storage_session *s;
	char buf[1024];

	if (!iscsi_is_iser(dir))
		return 0;
	if (!(s = session_new(VRDMA_STORAGE_ISER, e->name, e->number)))
		return -ENOMEM;
	if (!iscsi_connection(s, conns, n_conns))
		goto oom;
	if (!s->target_addr) {
		dbg(st->ctx, "iSCSI %s: no connection with a target address", e->name);
		session_free(s);
		return 0;
	}
	if (read_attr(dir, "targetname", buf, sizeof(buf)) == 0 && buf[0] &&
	    !set_str(&s->target_name, buf))
		goto oom;
	if (read_attr(dir, "state", buf, sizeof(buf)) == 0 && buf[0]) {
		if (!set_str(&s->state, buf))
			goto oom;
		s->live = strcmp(buf, "LOGGED_IN") == 0;
	}
	return storage_add(st, s);
oom:
	session_free(s);
	return -ENOMEM;
}

static int iser_discover(struct vrdma_storage *st)
{
	struct entry *e = NULL, *conns = NULL;
	unsigned int n, n_conns = 0, i;
	int r = list_class("iscsi_session", "session", &e, &n);

	if (r == 0 && n > 0)
		r = list_connections(&conns, &n_conns);
	for (i = 0; r == 0 && i < n; i++) {
		char dir[PATH_MAX];
		snprintf(dir, sizeof(dir), "%s/class/iscsi_session/%s", vrdma_sysfs_root(), e[i].name);
		r = iser_one(st, dir, &e[i], conns, n_conns);
	}
	free(conns);
	free(e);
	return r;
}

/* ---- sources, bindings, ports --------------------------------------------------------- */

/* The CM id of session s: the one of its kind to its target whose source is
 * its given one, or else the only source such CM ids have. */
static const struct cm_rec *cm_match(const struct vrdma_storage_session *s,
                                     const struct cm_list *l)
{
	const struct cm_rec *found = NULL;
	unsigned int i;

	for (i = 0; i < l->n; i++) {
		const struct cm_rec *c = &l->items[i];
		if (c->kind != s->kind || strcmp(c->dst, s->target_addr) != 0 ||
		    (s->target_port >= 0 && c->dst_port != s->target_port))
			continue;
		if (s->source && strcmp(c->src, s->source) == 0)
			return c;
		if (s->source)
			continue;
		if (found && strcmp(found->src, c->src) != 0)
			return NULL; /* several sessions to this target: cannot tell which */
		found = c;
	}
	return found;
}

static bool binding_has_source(struct vrdma_binding *bd, const char *src)
{
	struct vrdma_host *host = bd->set->host;
	struct vrdma_netdev *nd = NULL;
	struct vrdma_addr *a;
	unsigned int i;

	for (i = 0; i < bd->n_addrs; i++)
		if (strcmp(bd->addrs[i].str, src) == 0)
			return true;
	/* a link-local source: the vmk's netdev's own */
	if (strncmp(src, "fe80:", 5) != 0 || !bd->netdev)
		return false;
	if (vrdma_host_find_netdev(host, vrdma_netdev_get_name(bd->netdev), &nd) < 0)
		return false;
	for (i = 0; vrdma_netdev_get_addr(nd, i, &a) == 0; i++)
		if (strcmp(vrdma_addr_get_string(a), src) == 0)
			return true;
	return false;
}

static int resolve_source(struct vrdma_storage *st, struct vrdma_storage_session *s,
                          const struct cm_list *cms)
{
	struct vrdma_bindings *b = st->b;
	const struct cm_rec *c = cm_match(s, cms);
	unsigned int i;

	if (c && !s->source && !set_str(&s->source, c->src))
		return -ENOMEM;
	if (s->source)
		for (i = 0; i < b->n && !s->bd; i++)
			if (binding_has_source(&b->items[i], s->source))
				s->bd = &b->items[i];
	if (s->bd && s->bd->adapter && s->bd->port) {
		s->adapter = s->bd->adapter;
		s->port = s->bd->port;
	} else if (c && vrdma_host_find_adapter(b->host, c->dev, &s->adapter) == 0) {
		if (vrdma_adapter_find_port(s->adapter, c->port, &s->port) < 0)
			s->adapter = NULL;
	}
	return 0;
}

static void counters_free(struct storage_counters *c)
{
	unsigned int i;

	if (!c)
		return;
	for (i = 0; i < c->n; i++)
		free(c->names[i]);
	free(c->names);
	free(c->values);
	free(c);
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* root/class/infiniband/DEV/ports/N/hw_counters/<name>, but "lifespan" (a
 * setting), in name order. */
static int counters_read(struct vrdma_port *port, struct storage_counters *c)
{
	char dir[PATH_MAX], buf[64];
	struct dirent *de;
	unsigned int i;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/class/infiniband/%s/ports/%d/hw_counters", vrdma_sysfs_root(),
	         vrdma_adapter_get_name(vrdma_port_get_adapter(port)), vrdma_port_get_number(port));
	if (!(d = opendir(dir)))
		return 0;
	while ((de = readdir(d))) {
		char **names;
		if (de->d_name[0] == '.' || strcmp(de->d_name, "lifespan") == 0)
			continue;
		if (read_attr(dir, de->d_name, buf, sizeof(buf)) < 0 ||
		    !isdigit((unsigned char)buf[0]))
			continue;
		names = realloc(c->names, sizeof(*names) * (c->n + 1));
		if (!names)
			goto oom;
		c->names = names;
		if (!(c->names[c->n] = strdup(de->d_name)))
			goto oom;
		c->n++;
	}
	closedir(d);
	if (c->n > 1)
		qsort(c->names, c->n, sizeof(*c->names), name_cmp);
	if (c->n && !(c->values = calloc(c->n, sizeof(*c->values))))
		return -ENOMEM;
	for (i = 0; i < c->n; i++)
		if (read_attr(dir, c->names[i], buf, sizeof(buf)) == 0)
			c->values[i] = strtoull(buf, NULL, 10);
	return 0;
oom:
	closedir(d);
	return -ENOMEM;
}

/* The counters of port, read once per port. */
static int port_counters(struct vrdma_storage *st, struct vrdma_port *port,
                         struct storage_counters **ret)
{
	struct storage_counters *c, **items;
	unsigned int i;
	int r;

	for (i = 0; i < st->n_ctrs; i++)
		if (st->ctrs[i]->port == port) {
			*ret = st->ctrs[i];
			return 0;
		}
	if (!(c = calloc(1, sizeof(*c))))
		return -ENOMEM;
	c->port = port;
	items = realloc(st->ctrs, sizeof(*items) * (st->n_ctrs + 1));
	if (!items || (r = counters_read(port, c)) < 0) {
		if (items)
			st->ctrs = items;
		counters_free(c);
		return -ENOMEM;
	}
	st->ctrs = items;
	st->ctrs[st->n_ctrs++] = c;
	*ret = c;
	return 0;
}

/* ---- rules ---------------------------------------------------------------------------- */

static void storage_rules(struct vrdma_storage *st, unsigned int flags)
{
	struct vrdma_bindings *b = st->b;
	unsigned int i, k;

	for (i = 0; i < st->n; i++) {
		struct vrdma_storage_session *s = st->items[i];
		char target[INET6_ADDRSTRLEN + 16];
		struct binding_storage_fact f = {
			.session = s->name,
			.kind = vrdma_storage_kind_to_string(s->kind),
			.target = target,
			.source = s->source,
			.bd = s->bd,
		};
		if (s->target_port >= 0)
			snprintf(target, sizeof(target), "%s port %d", s->target_addr, s->target_port);
		else
			snprintf(target, sizeof(target), "%s", s->target_addr);
		binding_rules_storage_session(&st->diags, &f);
	}
	if (!(flags & VRDMA_STORAGE_CHECK_IDLE_VMKS))
		return;
	for (i = 0; i < b->n; i++) {
		struct vrdma_binding *bd = &b->items[i];
		static const struct { unsigned int tag; int service, kind; } svc[] = {
			{ VRDMA_VMK_TAG_NVME_RDMA, VRDMA_SERVICE_NVME_RDMA, VRDMA_STORAGE_NVME_RDMA },
			{ VRDMA_VMK_TAG_ISER, VRDMA_SERVICE_ISER, VRDMA_STORAGE_ISER },
		};
		if (bd->state == VRDMA_BINDING_UNBOUND)
			continue; /* its own errors say it cannot carry a session */
		for (k = 0; k < ARRAY_SIZE(svc); k++) {
			bool used = false;
			unsigned int j;
			if (!(vrdma_vmk_get_tags(bd->vmk) & svc[k].tag))
				continue;
			for (j = 0; j < st->n; j++)
				used |= st->items[j]->bd == bd && st->items[j]->kind == svc[k].kind;
			if (!used)
				binding_rules_storage_idle(&st->diags, bd, svc[k].service);
		}
	}
}

/* ---- the public API --------------------------------------------------------------------- */

static void storage_free(struct vrdma_storage *st)
{
	unsigned int i;

	for (i = 0; i < st->n; i++)
		session_free(st->items[i]);
	free(st->items);
	for (i = 0; i < st->n_ctrs; i++)
		counters_free(st->ctrs[i]);
	free(st->ctrs);
	binding_diag_list_clear(&st->diags);
	vrdma_bindings_unref(st->b);
	free(st);
}

static int storage_fill(struct vrdma_storage *st, unsigned int flags)
{
	struct cm_list cms = { 0 };
	unsigned int i;
	int r;

	if ((r = nvme_discover(st)) < 0 || (r = iser_discover(st)) < 0)
		return r;
	if (st->n)
		cm_discover(st->ctx, &cms);
	for (i = 0; r == 0 && i < st->n; i++) {
		struct vrdma_storage_session *s = st->items[i];
		r = resolve_source(st, s, &cms);
		if (r == 0 && s->port)
			r = port_counters(st, s->port, &s->ctrs);
	}
	free(cms.items);
	if (r < 0 || cms.oom)
		return -ENOMEM;
	storage_rules(st, flags);
	binding_diag_list_sort(&st->diags);
	return st->diags.oom ? -ENOMEM : 0;
}

VRDMA_EXPORT int vrdma_storage_discover(struct vrdma_bindings *b, unsigned int flags,
                                        struct vrdma_storage **ret)
{
	struct vrdma_storage *st;
	int r;

	if (!b)
		return -EINVAL;
	vrdma_error_clear(b->ctx);
	if (!ret)
		return vrdma_error(b->ctx, -EINVAL, "storage: no place to return the sessions");
	if (flags & ~(unsigned int)VRDMA_STORAGE_CHECK_IDLE_VMKS)
		return vrdma_error(b->ctx, -EINVAL, "storage: unknown flags 0x%x",
		                   flags & ~(unsigned int)VRDMA_STORAGE_CHECK_IDLE_VMKS);
	st = calloc(1, sizeof(*st));
	if (!st)
		return vrdma_error(b->ctx, -ENOMEM, "storage: out of memory");
	st->refcount = 1;
	st->ctx = b->ctx;
	st->b = vrdma_bindings_ref(b);
	st->diags.ctx = b->ctx;
	r = storage_fill(st, flags);
	if (r < 0) {
		storage_free(st);
		return vrdma_error(b->ctx, r, "storage: reading the sessions under %s: %s",
		                   vrdma_sysfs_root(), strerror(-r));
	}
	*ret = st;
	return vrdma_success(b->ctx, 0);
}

VRDMA_EXPORT struct vrdma_storage *vrdma_storage_ref(struct vrdma_storage *st)
{
	if (st)
		st->refcount++;
	return st;
}

VRDMA_EXPORT struct vrdma_storage *vrdma_storage_unref(struct vrdma_storage *st)
{
	if (st && --st->refcount == 0)
		storage_free(st);
	return NULL;
}

VRDMA_EXPORT struct vrdma_bindings *vrdma_storage_get_bindings(struct vrdma_storage *st)
{
	return st ? st->b : NULL;
}

VRDMA_EXPORT int vrdma_storage_get_n_sessions(struct vrdma_storage *st)
{
	return st ? (int)st->n : -EINVAL;
}

VRDMA_EXPORT int vrdma_storage_get_session(struct vrdma_storage *st, unsigned int i,
                                           struct vrdma_storage_session **ret)
{
	int r;

	if (!st)
		return -EINVAL;
	vrdma_error_clear(st->ctx);
	r = vrdma_index_check(st->ctx, ret, i, st->n, "session", "storage");
	if (r < 0)
		return r;
	*ret = st->items[i];
	return 0;
}

VRDMA_EXPORT int vrdma_storage_get_n_diags(struct vrdma_storage *st)
{
	return st ? (int)st->diags.n : -EINVAL;
}

VRDMA_EXPORT int vrdma_storage_get_diag(struct vrdma_storage *st, unsigned int i,
                                        struct vrdma_diag **ret)
{
	int r;

	if (!st)
		return -EINVAL;
	vrdma_error_clear(st->ctx);
	r = vrdma_index_check(st->ctx, ret, i, st->diags.n, "finding", "storage");
	if (r < 0)
		return r;
	*ret = st->diags.items[i];
	return 0;
}

static const char *const kind_names[] = { "nvme-rdma", "iser" };

VRDMA_EXPORT const char *vrdma_storage_kind_to_string(int kind)
{
	return kind >= 0 && kind < (int)ARRAY_SIZE(kind_names) ? kind_names[kind] : NULL;
}

/* ---- one session ------------------------------------------------------------------------ */

VRDMA_EXPORT struct vrdma_storage *vrdma_storage_session_get_storage(
	struct vrdma_storage_session *s)
{
	return s ? s->st : NULL;
}

VRDMA_EXPORT int vrdma_storage_session_get_kind(struct vrdma_storage_session *s)
{
	return s ? s->kind : -EINVAL;
}

VRDMA_EXPORT const char *vrdma_storage_session_get_name(struct vrdma_storage_session *s)
{
	return s ? s->name : NULL;
}

VRDMA_EXPORT const char *vrdma_storage_session_get_target_address(struct vrdma_storage_session *s)
{
	return s ? s->target_addr : NULL;
}

/* The shared shape of the optional getters: -EINVAL without ret, -ENOENT absent. */
static int session_opt(struct vrdma_storage_session *s, const void *ret, bool present,
                       const char *what)
{
	if (!ret)
		return vrdma_error(s->st->ctx, -EINVAL, "%s %s: no place to return its %s",
		                   kind_names[s->kind], s->name, what);
	if (!present)
		return vrdma_error(s->st->ctx, -ENOENT, "%s %s: the kernel reports no %s",
		                   kind_names[s->kind], s->name, what);
	return 0;
}

VRDMA_EXPORT int vrdma_storage_session_get_target_name(struct vrdma_storage_session *s,
                                                       const char **ret)
{
	int r;

	if (!s)
		return -EINVAL;
	vrdma_error_clear(s->st->ctx);
	if ((r = session_opt(s, ret, s->target_name, "target name")) < 0)
		return r;
	*ret = s->target_name;
	return 0;
}

VRDMA_EXPORT int vrdma_storage_session_get_target_port(struct vrdma_storage_session *s,
                                                       unsigned int *ret)
{
	int r;

	if (!s)
		return -EINVAL;
	vrdma_error_clear(s->st->ctx);
	if ((r = session_opt(s, ret, s->target_port >= 0, "target port")) < 0)
		return r;
	*ret = (unsigned int)s->target_port;
	return 0;
}

VRDMA_EXPORT int vrdma_storage_session_get_source_address(struct vrdma_storage_session *s,
                                                          const char **ret)
{
	int r;

	if (!s)
		return -EINVAL;
	vrdma_error_clear(s->st->ctx);
	if ((r = session_opt(s, ret, s->source, "source address")) < 0)
		return r;
	*ret = s->source;
	return 0;
}

VRDMA_EXPORT int vrdma_storage_session_get_state(struct vrdma_storage_session *s,
                                                 const char **ret)
{
	int r;

	if (!s)
		return -EINVAL;
	vrdma_error_clear(s->st->ctx);
	if ((r = session_opt(s, ret, s->state, "state")) < 0)
		return r;
	*ret = s->state;
	return 0;
}

VRDMA_EXPORT bool vrdma_storage_session_is_live(struct vrdma_storage_session *s)
{
	return s && s->live;
}

VRDMA_EXPORT int vrdma_storage_session_get_binding(struct vrdma_storage_session *s,
                                                   struct vrdma_binding **ret)
{
	int r;

	if (!s)
		return -EINVAL;
	vrdma_error_clear(s->st->ctx);
	if (!ret)
		return session_opt(s, ret, false, "binding");
	if (!s->bd)
		return vrdma_error(s->st->ctx, -ENOENT, "%s %s: its source %s is no vmk's address",
		                   kind_names[s->kind], s->name, s->source ? s->source : "(unknown)");
	r = 0;
	*ret = s->bd;
	return r;
}

VRDMA_EXPORT int vrdma_storage_session_get_adapter(struct vrdma_storage_session *s,
                                                   struct vrdma_adapter **ret)
{
	int r;

	if (!s)
		return -EINVAL;
	vrdma_error_clear(s->st->ctx);
	if ((r = session_opt(s, ret, s->adapter, "RDMA adapter")) < 0)
		return r;
	*ret = s->adapter;
	return 0;
}

VRDMA_EXPORT int vrdma_storage_session_get_port(struct vrdma_storage_session *s,
                                                struct vrdma_port **ret)
{
	int r;

	if (!s)
		return -EINVAL;
	vrdma_error_clear(s->st->ctx);
	if ((r = session_opt(s, ret, s->port, "RDMA port")) < 0)
		return r;
	*ret = s->port;
	return 0;
}

VRDMA_EXPORT int vrdma_storage_session_get_n_statistics(struct vrdma_storage_session *s)
{
	if (!s)
		return -EINVAL;
	return s->ctrs ? (int)s->ctrs->n : 0;
}

VRDMA_EXPORT int vrdma_storage_session_get_statistic(struct vrdma_storage_session *s,
                                                   unsigned int i, const char **name,
                                                   uint64_t *count)
{
	int r;

	if (!s)
		return -EINVAL;
	vrdma_error_clear(s->st->ctx);
	r = vrdma_index_check(s->st->ctx, name && count ? name : NULL, i,
	                      s->ctrs ? s->ctrs->n : 0, "counter", "%s %s", kind_names[s->kind],
	                      s->name);
	if (r < 0)
		return r;
	*name = s->ctrs->names[i];
	*count = s->ctrs->values[i];
	return 0;
}

VRDMA_EXPORT int vrdma_storage_session_find_statistic(struct vrdma_storage_session *s,
                                                    const char *name, uint64_t *ret)
{
	unsigned int i;

	if (!s)
		return -EINVAL;
	vrdma_error_clear(s->st->ctx);
	if (!name || !ret)
		return vrdma_error(s->st->ctx, -EINVAL, "%s %s: no counter name, or no place to "
		                   "return its value", kind_names[s->kind], s->name);
	for (i = 0; s->ctrs && i < s->ctrs->n; i++)
		if (strcmp(s->ctrs->names[i], name) == 0) {
			*ret = s->ctrs->values[i];
			return 0;
		}
	return vrdma_error(s->st->ctx, -ENOENT, "%s %s: %s has no counter '%s'",
	                   kind_names[s->kind], s->name,
	                   s->port ? "its port" : "it uses no known RDMA port", name);
}
