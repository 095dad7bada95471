/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Small helpers shared by every layer: strings, paths, IP and MAC addresses.
 * Nothing here takes a context (util-file.c has the helpers that report
 * through one), so every other file may call into this one.
 */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core-private.h"

/* ---- strings and paths ------------------------------------------------------- */

char *vrdma_asprintf(const char *format, ...)
{
	va_list ap;
	char *s;
	int r;

	va_start(ap, format);
	r = vasprintf(&s, format, ap);
	va_end(ap);
	return r < 0 ? NULL : s;
}

int vrdma_strdup_replace(char **dst, const char *src)
{
	char *n = NULL;

	if (src) {
		n = strdup(src);
		if (!n)
			return -ENOMEM;
	}
	free(*dst);
	*dst = n;
	return 0;
}

char *vrdma_dirname(const char *path)
{
	char *copy = strdup(path), *d, *r;

	if (!copy)
		return NULL;
	d = dirname(copy);
	r = strdup(d);
	free(copy);
	return r;
}

int vrdma_mkdir_p(const char *path, mode_t mode)
{
	char buf[PATH_MAX];
	char *p;

	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
		return -ENAMETOOLONG;
	for (p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, mode) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(buf, mode) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

/* ---- IP addresses --------------------------------------------------------------- */

static unsigned int inaddr_bits(int family)
{
	return family == AF_INET ? 32 : family == AF_INET6 ? 128 : 0;
}

int vrdma_inaddr_parse(const char *text, struct vrdma_inaddr *ret)
{
	struct vrdma_inaddr a = { 0 };

	if (!text || !ret)
		return -EINVAL;
	if (inet_pton(AF_INET, text, &a.v4) == 1)
		a.family = AF_INET;
	else if (inet_pton(AF_INET6, text, &a.v6) == 1)
		a.family = AF_INET6;
	else
		return -EINVAL;
	a.prefix = inaddr_bits(a.family);
	*ret = a;
	return 0;
}

const char *vrdma_inaddr_format(const struct vrdma_inaddr *a, char buf[INET6_ADDRSTRLEN])
{
	if (!inet_ntop(a->family, a->raw, buf, INET6_ADDRSTRLEN))
		buf[0] = '\0';
	return buf;
}

void vrdma_inaddr_mask(struct vrdma_inaddr *a, unsigned int prefix)
{
	unsigned int i, bits = inaddr_bits(a->family);

	if (prefix > bits)
		prefix = bits;
	for (i = 0; i < bits / 8; i++) {
		if (prefix >= 8 * (i + 1))
			continue;
		a->raw[i] &= prefix > 8 * i ? (uint8_t)(0xff00u >> (prefix - 8 * i)) : 0;
	}
	a->prefix = prefix;
}

bool vrdma_inaddr_in_subnet(const struct vrdma_inaddr *a, const struct vrdma_inaddr *net,
                            unsigned int prefix)
{
	struct vrdma_inaddr x = *a, n = *net;

	if (a->family != net->family || prefix > inaddr_bits(a->family))
		return false;
	vrdma_inaddr_mask(&x, prefix);
	vrdma_inaddr_mask(&n, prefix);
	return memcmp(x.raw, n.raw, inaddr_bits(a->family) / 8) == 0;
}

/* ---- MAC addresses ---------------------------------------------------------------- */

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int vrdma_mac_parse(const char *s, uint8_t mac[6])
{
	uint8_t m[6];
	unsigned int i;

	if (!s || strlen(s) != 17)
		return -EINVAL;
	for (i = 0; i < 6; i++) {
		int hi = hexval(s[i * 3]), lo = hexval(s[i * 3 + 1]);

		if (hi < 0 || lo < 0)
			return -EINVAL;
		if (i < 5 && s[i * 3 + 2] != ':' && s[i * 3 + 2] != '-')
			return -EINVAL;
		m[i] = (uint8_t)(hi << 4 | lo);
	}
	memcpy(mac, m, sizeof(m));
	return 0;
}

void vrdma_mac_format(const uint8_t mac[6], char buf[18])
{
	snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3],
	         mac[4], mac[5]);
}
