/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libvrdma model layer: private declarations.  Nothing here is part of the ABI. */
#ifndef VRDMA_MODEL_PRIVATE_H
#define VRDMA_MODEL_PRIVATE_H

#include "core-private.h"
#include <vrdma/model.h>

/*
 * Private structures of the model (model.c, config.c, switch.c,
 * portgroup.c, vmk.c, config-json.c, config-file.c).  Nothing here is part
 * of the ABI; other layers use the public API in <vrdma/model.h>.
 *
 * Files and who calls whom (no cycle; config-*.c use the public API):
 *   config.c      the configuration object      -> switch.c, vmk.c
 *   switch.c      vrdma_config_add_switch, ...  -> portgroup.c, model.c
 *   portgroup.c   vrdma_switch_add_portgroup... -> model.c
 *   vmk.c         vrdma_config_add_vmk, ...     -> model.c
 *   soft.c        vrdma_config_add_soft_adapter -> model.c
 *   roce.c        vrdma_config_add_roce_setting, the "roce" array (core only)
 *   model.c       rules they share: names, failover lists
 *
 * Children are borrowed from the configuration and never counted.  A
 * removed switch or vmk moves to its configuration's "removed" list, a
 * removed port group to its switch's, and is freed with the configuration:
 * handles kept elsewhere (vrdma_bindings) never dangle.
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
	struct vrdma_switch **removed_switches;
	unsigned int n_removed_switches;
	struct vrdma_vmk **removed_vmks;
	unsigned int n_removed_vmks;
	/* soft RDMA adapters (soft.c) */
	struct vrdma_soft_adapter **softs;
	unsigned int n_softs;
	struct vrdma_soft_adapter **removed_softs;
	unsigned int n_removed_softs;
	/* RoCE settings per adapter port (roce.c); removed ones kept as above */
	struct vrdma_roce_setting **roce;
	unsigned int n_roce;
	struct vrdma_roce_setting **removed_roce;
	unsigned int n_removed_roce;
};

/* A soft RDMA adapter of the configuration (soft.c). */
struct vrdma_soft_adapter {
	struct vrdma_ctx *ctx;          /* the configuration's */
	struct vrdma_config *cfg;
	char uplink[VRDMA_IFNAME_MAX + 1];
	enum vrdma_soft_adapter_type type;
};

struct vrdma_switch {
	struct vrdma_ctx *ctx;          /* the configuration's */
	struct vrdma_config *cfg;
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
	struct vrdma_portgroup **removed_pgs;
	unsigned int n_removed_pgs;
};

struct vrdma_vlan_range {
	uint16_t first, last;
};

struct vrdma_portgroup {
	struct vrdma_ctx *ctx;          /* the configuration's */
	struct vrdma_switch *sw;
	char *name;
	int vlan_id;                    /* 0-4094, 4095 = trunk */
	struct vrdma_vlan_range ranges[VRDMA_MAX_VLAN_RANGES]; /* vDS trunk */
	unsigned int n_ranges;
	bool has_override;
	struct vrdma_failover failover;
	char ifname[VRDMA_IFNAME_MAX + 1 + 8];
};

/* An address of a vmk (with its prefix length) or a gateway (full length),
 * and its canonical text. */
struct vrdma_vmk_addr {
	struct vrdma_inaddr a;
	char text[INET6_ADDRSTRLEN];
};

struct vrdma_vmk {
	struct vrdma_ctx *ctx;          /* the configuration's */
	struct vrdma_config *cfg;
	struct vrdma_portgroup *pg;
	char name[VRDMA_IFNAME_MAX + 1];
	uint8_t mac[6];
	char mac_text[18];
	int mtu;
	bool has_ip4;
	struct vrdma_vmk_addr ip4;
	struct vrdma_vmk_addr ip6[VRDMA_MAX_IPV6_ADDRS];
	unsigned int n_ip6;
	bool has_gw4, has_gw6;
	struct vrdma_vmk_addr gw4, gw6;
	unsigned int tags;
};

/* model.c: names */
int vrdma_model_check_name(struct vrdma_ctx *ctx, const char *what,
                           const char *name);
int vrdma_model_check_ifname(struct vrdma_ctx *ctx, const char *what,
                             const char *owner, const char *ifname,
                             size_t max);
bool vrdma_model_is_vmk_name(const char *name, unsigned int *num);
/* The first vmk on pg, NULL if none. */
struct vrdma_vmk *vrdma_model_first_vmk_on(struct vrdma_portgroup *pg);

/* model.c: failover lists.  `what` and `owner` name the object in messages
 * ("switch", "vSwitch1"). */
void vrdma_failover_clear(struct vrdma_failover *f);
/* Validate and build a policy over the uplinks of sw. */
int vrdma_failover_build(struct vrdma_switch *sw, const char *what,
                         const char *owner, const char *const *active,
                         size_t n_active, const char *const *standby,
                         size_t n_standby, struct vrdma_failover *out);
bool vrdma_failover_names(const struct vrdma_failover *f, const char *uplink);
int vrdma_failover_append_active(struct vrdma_failover *f, const char *uplink);
void vrdma_failover_remove(struct vrdma_failover *f, const char *uplink);
int vrdma_failover_count(struct vrdma_switch *sw, const struct vrdma_failover *f,
                         const char *what, const char *owner,
                         enum vrdma_uplink_role role);
int vrdma_failover_get(struct vrdma_switch *sw, const struct vrdma_failover *f,
                       const char *what, const char *owner,
                       enum vrdma_uplink_role role, unsigned int i,
                       const char **ret);

/* switch.c, portgroup.c, vmk.c: free an object and what it owns. */
void vrdma_switch_free(struct vrdma_switch *sw);
void vrdma_portgroup_free(struct vrdma_portgroup *pg);
void vrdma_vmk_free(struct vrdma_vmk *vmk);
void vrdma_soft_adapter_free(struct vrdma_soft_adapter *sa);

/* roce.c: RoCE settings of an adapter port (rdma_cm defaults). */
struct vrdma_roce_setting {
	struct vrdma_ctx *ctx;          /* the configuration's */
	struct vrdma_config *cfg;
	char *adapter;                  /* as given: name or vmrdmaN alias */
	unsigned int port;              /* 1..VRDMA_ROCE_PORT_MAX */
	bool has_mode, has_tos;
	int mode;                       /* enum vrdma_roce_mode */
	unsigned int tos;               /* 0..VRDMA_ROCE_TOS_MAX */
};
/* Free every setting of cfg (its configuration's unref). */
void vrdma_roce_free_all(struct vrdma_config *cfg);
/* The "roce" array of the document (NULL when there is none to write). */
struct json_object *vrdma_roce_to_json(struct vrdma_config *cfg);
/* Load the "roce" array at `path` ("$.roce"), problems recorded on rd. */
void vrdma_roce_load(struct vrdma_json_reader *rd, struct vrdma_config *cfg,
                     struct json_object *arr, const char *path);

/* config-json.c */
/* The largest "generation" a file may hold (the loader's range is 0..this);
 * save refuses to go past it. */
#define VRDMA_CONFIG_GENERATION_MAX (INT64_MAX - 1)
int vrdma_config_to_json_text(struct vrdma_config *cfg, uint64_t generation,
                              char **ret);
/* Parse; `source` names the file (or "<buffer>") in messages. */
int vrdma_config_from_text(struct vrdma_ctx *ctx, const char *source,
                           const char *text, size_t len,
                           struct vrdma_config **ret);
/* Read just the "generation" of a document: 0, -EBADMSG (message naming
 * `source` on ctx) or -ENOMEM. */
int vrdma_config_text_generation(struct vrdma_ctx *ctx, const char *source,
                                 const char *text, size_t len, uint64_t *ret);


#endif /* VRDMA_MODEL_PRIVATE_H */
