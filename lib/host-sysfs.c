/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sysfs facts: which netdevs are backed by a device (physical NICs), PCI
 * addresses, drivers, link speeds, and PCI naming of RDMA adapters.
 */
#include <ctype.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host-private.h"

const char *vrdma_sysfs_root(void)
{
	const char *e = secure_getenv("VRDMA_SYSFS");
	return e && e[0] ? e : "/sys";
}

static bool is_pci_bdf(const char *s)
{
	unsigned dom, bus, dev, fn;
	char tail;

	return strlen(s) == 12 && sscanf(s, "%4x:%2x:%2x.%1x%c", &dom, &bus, &dev, &fn, &tail) == 4;
}

/* The PCI address among the path components of a resolved device path
 * (the nearest one to the device), or NULL. */
static char *pci_of(const char *real)
{
	char *copy = strdup(real), *save = NULL, *tok, *found = NULL;

	if (!copy)
		return NULL;
	for (tok = strtok_r(copy, "/", &save); tok; tok = strtok_r(NULL, "/", &save))
		if (is_pci_bdf(tok))
			found = tok;
	found = found ? strdup(found) : NULL;
	free(copy);
	return found;
}

static char *driver_of(const char *devpath)
{
	char p[PATH_MAX], real[PATH_MAX];
	const char *b;

	snprintf(p, sizeof(p), "%s/driver", devpath);
	if (!realpath(p, real))
		return NULL;
	b = strrchr(real, '/');
	return strdup(b ? b + 1 : real);
}

/* $VRDMA_UPLINKS: extra netdevs (fnmatch patterns, separated by spaces or
 * commas) to treat as physical NICs, for hosts whose NICs are virtual. */
static bool listed_uplink(const char *name)
{
	const char *e = secure_getenv("VRDMA_UPLINKS");
	char buf[1024], *save = NULL, *tok;

	if (!e || !e[0] || strlen(e) >= sizeof(buf))
		return false;
	strcpy(buf, e);
	for (tok = strtok_r(buf, " ,\t", &save); tok; tok = strtok_r(NULL, " ,\t", &save))
		if (fnmatch(tok, name, 0) == 0)
			return true;
	return false;
}

int vrdma_host_sysfs_netdevs(struct vrdma_host *h)
{
	const char *root = vrdma_sysfs_root();
	int i;

	for (i = 0; i < h->n_netdevs; i++) {
		struct vrdma_netdev *d = h->netdevs[i];
		char p[PATH_MAX], real[PATH_MAX], buf[64];
		ssize_t n;

		/* sysfs shows the namespace it was mounted in: make sure it
		 * describes our device before trusting it. */
		if (listed_uplink(d->name))
			d->physical = true;
		snprintf(p, sizeof(p), "%s/class/net/%s/ifindex", root, d->name);
		if (vrdma_read_line(p, buf, sizeof(buf)) < 0 || atoi(buf) != d->ifindex) {
			dbg(h->ctx, "sysfs does not describe netdev %s (other namespace?)", d->name);
			continue;
		}
		/* One readlink tells a device-backed netdev from a virtual one
		 * (.../devices/virtual/net/NAME) before any costlier lookup. */
		snprintf(p, sizeof(p), "%s/class/net/%s", root, d->name);
		n = readlink(p, real, sizeof(real) - 1);
		real[n > 0 ? n : 0] = '\0';
		if (n > 0 && !strstr(real, "/devices/virtual/")) {
			snprintf(p, sizeof(p), "%s/class/net/%s/device", root, d->name);
			if (realpath(p, real)) {
				d->physical = true;
				d->pci = pci_of(real);
				d->driver = driver_of(real);
			}
			snprintf(p, sizeof(p), "%s/class/net/%s/dev_port", root, d->name);
			if (vrdma_read_line(p, buf, sizeof(buf)) > 0)
				d->dev_port = atoi(buf);
		}
		/* link speed: NICs and what may stand for one (veth, dummy) */
		if (!d->physical && d->kind && strcmp(d->kind, "veth") != 0 &&
		    strcmp(d->kind, "dummy") != 0 && !listed_uplink(d->name))
			continue;
		snprintf(p, sizeof(p), "%s/class/net/%s/speed", root, d->name);
		if (vrdma_read_line(p, buf, sizeof(buf)) > 0 && atoi(buf) > 0)
			d->speed = atoi(buf);
	}
	return 0;
}

/* ---- PCI naming ------------------------------------------------------------ */

static const struct {
	uint16_t vendor;
	const char *name;
} pci_vendors[] = {
	{ 0x15b3, "Mellanox Technologies" },
	{ 0x14e4, "Broadcom Inc." },
	{ 0x8086, "Intel Corporation" },
	{ 0x1137, "Cisco Systems Inc" },
	{ 0x1077, "QLogic Corp." },
	{ 0x1425, "Chelsio Communications Inc" },
	{ 0x1dd8, "Pensando Systems" },
	{ 0x1af4, "Red Hat, Inc." },
	{ 0x1d0f, "Amazon.com, Inc." },
};

static const struct {
	uint16_t vendor, device;
	const char *name;
} pci_devices[] = {
	{ 0x15b3, 0x1003, "MT27500 Family [ConnectX-3]" },
	{ 0x15b3, 0x1007, "MT27520 Family [ConnectX-3 Pro]" },
	{ 0x15b3, 0x1013, "MT27700 Family [ConnectX-4]" },
	{ 0x15b3, 0x1014, "MT27700 Family [ConnectX-4 Virtual Function]" },
	{ 0x15b3, 0x1015, "MT27710 Family [ConnectX-4 Lx]" },
	{ 0x15b3, 0x1016, "MT27710 Family [ConnectX-4 Lx Virtual Function]" },
	{ 0x15b3, 0x1017, "MT27800 Family [ConnectX-5]" },
	{ 0x15b3, 0x1018, "MT27800 Family [ConnectX-5 Virtual Function]" },
	{ 0x15b3, 0x1019, "MT28800 Family [ConnectX-5 Ex]" },
	{ 0x15b3, 0x101b, "MT28908 Family [ConnectX-6]" },
	{ 0x15b3, 0x101d, "MT2892 Family [ConnectX-6 Dx]" },
	{ 0x15b3, 0x101e, "ConnectX Family mlx5Gen Virtual Function" },
	{ 0x15b3, 0x101f, "MT2894 Family [ConnectX-6 Lx]" },
	{ 0x15b3, 0x1021, "MT2910 Family [ConnectX-7]" },
	{ 0x15b3, 0x1023, "CX8 Family [ConnectX-8]" },
	{ 0x15b3, 0xa2d6, "MT42822 BlueField-2 integrated ConnectX-6 Dx network controller" },
	{ 0x14e4, 0x16d7, "BCM57414 NetXtreme-E 10Gb/25Gb RDMA Ethernet Controller" },
	{ 0x14e4, 0x16d8, "BCM57416 NetXtreme-E Dual-Media 10G RDMA Ethernet Controller" },
	{ 0x14e4, 0x16e2, "BCM57417 NetXtreme-E 10Gb/25Gb RDMA Ethernet Controller" },
	{ 0x14e4, 0x1750, "BCM57508 NetXtreme-E 10Gb/25Gb/40Gb/50Gb/100Gb/200Gb Ethernet" },
	{ 0x14e4, 0x1751, "BCM57504 NetXtreme-E 10Gb/25Gb/40Gb/50Gb/100Gb/200Gb Ethernet" },
	{ 0x8086, 0x1591, "Ethernet Controller E810-C for backplane" },
	{ 0x8086, 0x1592, "Ethernet Controller E810-C for QSFP" },
	{ 0x8086, 0x1593, "Ethernet Controller E810-C for SFP" },
	{ 0x8086, 0x159b, "Ethernet Controller E810-XXV for SFP" },
	{ 0x8086, 0x1889, "Ethernet Adaptive Virtual Function" },
	{ 0x8086, 0x37d2, "Ethernet Connection X722 for 10GBASE-T" },
	{ 0x1137, 0x0043, "VIC Ethernet NIC" },
	{ 0x1137, 0x0071, "VIC SR-IOV VF" },
	{ 0x1077, 0x8070, "FastLinQ QL41000 Series 10/25/40/50GbE Controller" },
	{ 0x1425, 0x6408, "T62100-CR Unified Wire Ethernet Controller" },
	{ 0x1d0f, 0xefa0, "Elastic Fabric Adapter (EFA)" },
};

static const char *pci_describe(int vendor, int device, char *buf, size_t len)
{
	const char *vn = NULL, *dn = NULL;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(pci_vendors); i++)
		if (pci_vendors[i].vendor == vendor)
			vn = pci_vendors[i].name;
	for (i = 0; i < ARRAY_SIZE(pci_devices); i++)
		if (pci_devices[i].vendor == vendor && pci_devices[i].device == device)
			dn = pci_devices[i].name;
	if (vn && dn)
		snprintf(buf, len, "%s %s", vn, dn);
	else if (vn)
		snprintf(buf, len, "%s Device %04x", vn, (unsigned)device);
	else
		snprintf(buf, len, "PCI device %04x:%04x", (unsigned)vendor, (unsigned)device);
	return buf;
}

static int read_hex(const char *path, int *ret)
{
	char buf[32];

	if (vrdma_read_line(path, buf, sizeof(buf)) <= 0)
		return -ENOENT;
	*ret = (int)strtol(buf, NULL, 16);
	return 0;
}

int vrdma_host_sysfs_adapters(struct vrdma_host *h)
{
	const char *root = vrdma_sysfs_root();
	int i;

	for (i = 0; i < h->n_adapters; i++) {
		struct vrdma_adapter *a = h->adapters[i];
		char p[PATH_MAX], real[PATH_MAX], desc[256], buf[128];
		int vendor = -1, device = -1;

		snprintf(p, sizeof(p), "%s/class/infiniband/%s/device", root, a->name);
		if (realpath(p, real)) {
			free(a->pci);
			a->pci = pci_of(real);
			if (!a->driver)
				a->driver = driver_of(real);
			snprintf(p, sizeof(p), "%s/class/infiniband/%s/device/vendor", root, a->name);
			read_hex(p, &vendor);
			snprintf(p, sizeof(p), "%s/class/infiniband/%s/device/device", root, a->name);
			read_hex(p, &device);
		}
		if (!a->driver) {
			/* software devices have no parent device: name the module */
			if (strncmp(a->name, "rxe", 3) == 0)
				a->driver = strdup("rdma_rxe");
			else if (strncmp(a->name, "siw", 3) == 0)
				a->driver = strdup("siw");
		}
		if (a->description)
			continue;
		if (a->pci && vendor >= 0 && device >= 0) {
			a->description = strdup(pci_describe(vendor, device, desc, sizeof(desc)));
		} else if (a->driver && strcmp(a->driver, "rdma_rxe") == 0) {
			a->description = strdup("Soft-RoCE");
		} else if (a->driver && strcmp(a->driver, "siw") == 0) {
			a->description = strdup("Soft-iWARP");
		} else {
			snprintf(p, sizeof(p), "%s/class/infiniband/%s/node_desc", root, a->name);
			if (vrdma_read_line(p, buf, sizeof(buf)) > 0)
				a->description = strdup(buf);
			else
				a->description = strdup(a->driver ? a->driver : a->name);
		}
	}
	return 0;
}
