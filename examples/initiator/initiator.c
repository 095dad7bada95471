/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * initiator: choose the RDMA source for an NVMe over RDMA or iSER target,
 * using only libvrdma's public API.
 *
 *   initiator TARGET [nvme-rdma|iser] [HOST.json CONFIG.json]
 *
 * Without the two files it discovers the live host and reads the default
 * configuration.  Prints the vmk, source address, adapter, port and RoCE v2
 * GID index, or the reason no source can be used.
 */
#include <stdio.h>
#include <stdlib.h>

#include <vrdma/vrdma.h>

int main(int argc, char **argv)
{
	struct vrdma_ctx *ctx = NULL;
	struct vrdma_host *host = NULL;
	struct vrdma_config *cfg = NULL;
	struct vrdma_bindings *b = NULL;
	struct vrdma_source *src = NULL;
	struct vrdma_diag *d;
	const char *gateway;
	unsigned int i;
	int service = VRDMA_SERVICE_NVME_RDMA, r, rc = EXIT_FAILURE;

	if (argc != 2 && argc != 3 && argc != 5) {
		fprintf(stderr, "usage: %s TARGET [nvme-rdma|iser] [HOST.json CONFIG.json]\n", argv[0]);
		return 2;
	}
	if (argc >= 3 && (service = vrdma_service_from_string(argv[2])) < 0) {
		fprintf(stderr, "unknown service '%s'\n", argv[2]);
		return 2;
	}
	if (vrdma_ctx_new(&ctx) < 0)
		return EXIT_FAILURE;

	/* The host view (live or a snapshot) and the configuration. */
	r = argc == 5 ? vrdma_host_load(ctx, argv[3], &host)
	              : vrdma_host_discover(ctx, VRDMA_DISCOVER_READ_ONLY, &host);
	if (r >= 0)
		r = vrdma_config_load(ctx, argc == 5 ? argv[4] : NULL, &cfg);
	if (r >= 0)
		r = vrdma_bindings_new(host, cfg, &b);
	if (r < 0) {
		fprintf(stderr, "error: %s\n", vrdma_ctx_get_error(ctx));
		goto out;
	}

	/* Ask for the paths; refusals come with a message.  The source's
	 * getters read the first (preferred) path. */
	r = vrdma_bindings_choose_source(b, argv[1], service, 0, &src);
	if (r < 0) {
		fprintf(stderr, "no source for %s: %s\n", argv[1], vrdma_ctx_get_error(ctx));
		goto out;
	}
	printf("target   %s (%s)\n", vrdma_source_get_target(src), vrdma_service_to_string(service));
	printf("vmk      %s on %s\n", vrdma_vmk_get_name(vrdma_binding_get_vmk(vrdma_source_get_binding(src))),
	       vrdma_source_get_netdev_name(src));
	if (vrdma_source_get_gateway(src, &gateway) < 0)
		gateway = NULL; /* the target is on a connected subnet */
	printf("source   %s%s%s\n", vrdma_source_get_address(src), gateway ? " via " : "",
	       gateway ? gateway : "");
	printf("adapter  %s (%s) port %d, RoCE v2 GID index %d\n",
	       vrdma_adapter_get_alias(vrdma_source_get_adapter(src)),
	       vrdma_adapter_get_name(vrdma_source_get_adapter(src)),
	       vrdma_source_get_port_number(src), vrdma_source_get_gid_index(src));
	for (i = 0; vrdma_source_get_diag(src, i, &d) == 0; i++)
		printf("warning  %s: %s (fix: %s)\n", vrdma_rule_get_code(vrdma_diag_get_rule(d)),
		       vrdma_diag_get_message(d), vrdma_diag_get_hint(d));
	rc = EXIT_SUCCESS;
out:
	vrdma_source_unref(src);
	vrdma_bindings_unref(b);
	vrdma_config_unref(cfg);
	vrdma_host_unref(host);
	vrdma_ctx_unref(ctx);
	return rc;
}
