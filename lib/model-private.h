/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libvrdma model layer: private declarations.  Nothing here is part of the ABI. */
#ifndef VRDMA_MODEL_PRIVATE_H
#define VRDMA_MODEL_PRIVATE_H

#include "core-private.h"
#include <vrdma/model.h>

/* ==== model (model.c, vmk.c, config-*.c) ========================== */

/*
 * Private structures of the model (model.c, vmk.c, config-json.c,
 * config-file.c).  Nothing here is part of the ABI; other layers use the
 * public API in <vrdma/model.h>.
 */



struct vrdma_failover {
	char **active;
	unsigned int n_active;
	char **standby;
	unsigned int n_standby;
};

struct vrdma_switch_uplink {
	char *name;     /* vSS: device; vDS: slot name */
	char *device;   /* vDS: mapped device or NULL; vSS: NULL (= name) */
};

struct vrdma_config {
	int refcount;
	struct vrdma_ctx *ctx;
	char *path;
	uint64_t generation;
	struct vrdma_switch **switches;
	unsigned int n_switches;
	struct vrdma_vmk **vmks;
	unsigned int n_vmks;
};

struct vrdma_switch {
	int refcount;
	struct vrdma_ctx *ctx;
	struct vrdma_config *cfg;       /* weak; NULL when detached */
	char *name;
	enum vrdma_switch_type type;
	char ifname[VRDMA_IFNAME_MAX + 1];
	bool ifname_explicit;
	int mtu;
	struct vrdma_switch_uplink *uplinks;
	unsigned int n_uplinks;
	struct vrdma_failover failover;
	struct vrdma_portgroup **pgs;
	unsigned int n_pgs;
};

struct vrdma_vlan_range {
	uint16_t first, last;
};

struct vrdma_portgroup {
	int refcount;
	struct vrdma_ctx *ctx;
	struct vrdma_switch *sw;        /* weak; NULL when the switch is gone */
	char *name;
	int vlan_id;                    /* 0-4094, 4095 = trunk */
	struct vrdma_vlan_range ranges[VRDMA_MAX_VLAN_RANGES]; /* vDS trunk */
	unsigned int n_ranges;
	bool has_override;
	struct vrdma_failover failover;
	char ifname[VRDMA_IFNAME_MAX + 1 + 8];
};

struct vrdma_ip6 {
	struct in6_addr addr;
	unsigned int prefix;
	char text[INET6_ADDRSTRLEN];
};

struct vrdma_vmk {
	int refcount;
	struct vrdma_ctx *ctx;
	struct vrdma_config *cfg;       /* weak; NULL when detached */
	struct vrdma_portgroup *pg;     /* weak; NULL when detached */
	char name[VRDMA_IFNAME_MAX + 1];
	uint8_t mac[6];
	char mac_text[18];
	int mtu;
	bool has_ip4;
	struct in_addr ip4;
	unsigned int ip4_prefix;
	char ip4_text[INET_ADDRSTRLEN];
	struct vrdma_ip6 ip6[VRDMA_MAX_IPV6_ADDRS];
	unsigned int n_ip6;
	bool has_gw4, has_gw6;
	struct in_addr gw4;
	struct in6_addr gw6;
	char gw4_text[INET_ADDRSTRLEN];
	char gw6_text[INET6_ADDRSTRLEN];
	unsigned int tags;
};

/* model.c */
int vrdma_model_check_name(struct vrdma_ctx *ctx, const char *what,
                           const char *name);
int vrdma_model_check_ifname(struct vrdma_ctx *ctx, const char *what,
                             const char *owner, const char *ifname,
                             size_t max);
bool vrdma_model_is_vmk_name(const char *name, unsigned int *num);
int vrdma_config_portgroup_total(struct vrdma_config *cfg);
bool vrdma_switch_has_uplink(struct vrdma_switch *sw, const char *name);
/* Effective failover of a port group. */
const struct vrdma_failover *vrdma_portgroup_effective(struct vrdma_portgroup *pg);
/* Which switch (other than `except`) uses device `dev`, NULL if none. */
struct vrdma_switch *vrdma_config_device_user(struct vrdma_config *cfg,
                                              const char *dev,
                                              struct vrdma_switch *except);

/* vmk.c */
void vrdma_vmk_detach(struct vrdma_vmk *vmk);
int vrdma_vmk_new_internal(struct vrdma_config *cfg, const char *name,
                           struct vrdma_portgroup *pg, struct vrdma_vmk **ret);
int vrdma_parse_mac(const char *s, uint8_t mac[6]);

/* config-json.c */
int vrdma_config_to_json_text(struct vrdma_config *cfg, uint64_t generation,
                              char **ret);
/* Parse; `source` names the file (or "<buffer>") in messages. */
int vrdma_config_from_text(struct vrdma_ctx *ctx, const char *source,
                           const char *text, size_t len,
                           struct vrdma_config **ret);
/* Read just the "generation" of a document: 0 or -EBADMSG. */
int vrdma_config_text_generation(const char *text, size_t len, uint64_t *ret);


#endif /* VRDMA_MODEL_PRIVATE_H */
