/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Stable ESXi-style aliases: vmrdmaN for RDMA adapters, vmnicN for
 * physical NICs.  Assignments live in <state dir>/aliases.json:
 *
 *   { "schema": "vrdma-aliases/1",
 *     "vmrdma": { "pci:0000:03:00.0": 0, "name:rxe0": 1 },
 *     "vmnic":  { "pci:0000:03:00.0/0": 0 } }
 *
 * A device is identified by its PCI address (plus dev_port for NICs) or,
 * without one, by its name.  A recorded device keeps its number while it
 * is absent; new devices take the lowest free numbers in PCI order, then
 * name order.  The file is rewritten atomically under an flock.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include <json-c/json.h>

#include "host-private.h"

#define ALIAS_SCHEMA "vrdma-aliases/1"

struct item {
	char *key;
	const char *pci;
	int dev_port;
	const char *name;
	char **alias; /* where to store "vmrdmaN" */
	int num;
};

static int cmp_item(const void *a, const void *b)
{
	const struct item *x = a, *y = b;
	int r;

	if (!!x->pci != !!y->pci)
		return x->pci ? -1 : 1;
	if (x->pci && (r = strcmp(x->pci, y->pci)) != 0)
		return r;
	if (x->dev_port != y->dev_port)
		return x->dev_port - y->dev_port;
	return strcmp(x->name, y->name);
}

static bool num_used(struct json_object *map, struct item *items, int n, int num)
{
	int i;

	json_object_object_foreach(map, k, v) {
		(void)k;
		if (json_object_is_type(v, json_type_int) && json_object_get_int(v) == num)
			return true;
	}
	for (i = 0; i < n; i++)
		if (items[i].num == num)
			return true;
	return false;
}

/* Assign numbers for one family; returns 1 when `map` changed. */
static int assign(struct json_object *map, struct item *items, int n, const char *prefix)
{
	int i, changed = 0;

	qsort(items, (size_t)n, sizeof(*items), cmp_item);
	for (i = 0; i < n; i++) {
		struct json_object *v;
		items[i].num = -1;
		if (json_object_object_get_ex(map, items[i].key, &v) &&
		    json_object_is_type(v, json_type_int) && json_object_get_int(v) >= 0) {
			int num = json_object_get_int(v), j;
			bool dup = false;
			for (j = 0; j < i; j++)
				if (items[j].num == num)
					dup = true;
			if (!dup)
				items[i].num = num;
		}
	}
	for (i = 0; i < n; i++) {
		int num = 0;
		if (items[i].num >= 0)
			continue;
		/* lowest number neither recorded nor taken now */
		while (num_used(map, items, n, num))
			num++;
		items[i].num = num;
		json_object_object_add(map, items[i].key, json_object_new_int(num));
		changed = 1;
	}
	for (i = 0; i < n; i++) {
		char buf[32];
		snprintf(buf, sizeof(buf), "%s%d", prefix, items[i].num);
		free(*items[i].alias);
		*items[i].alias = strdup(buf);
		if (!*items[i].alias)
			return -ENOMEM;
	}
	return changed;
}

static struct json_object *load_state(struct vrdma_ctx *ctx, const char *path, bool *bad)
{
	struct json_object *o = json_object_from_file(path), *s;

	*bad = false;
	if (!o) {
		if (access(path, F_OK) == 0) {
			err(ctx, "alias state %s is not valid JSON: leaving it untouched", path);
			*bad = true;
		}
		return json_object_new_object();
	}
	if (!json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, "schema", &s) ||
	    !json_object_is_type(s, json_type_string) ||
	    strcmp(json_object_get_string(s), ALIAS_SCHEMA) != 0) {
		err(ctx, "alias state %s: $.schema: expected \"%s\": leaving it untouched", path,
		    ALIAS_SCHEMA);
		*bad = true;
		json_object_put(o);
		return json_object_new_object();
	}
	return o;
}

static struct json_object *get_map(struct json_object *state, const char *name)
{
	struct json_object *m;

	if (json_object_object_get_ex(state, name, &m) && json_object_is_type(m, json_type_object))
		return m;
	m = json_object_new_object();
	json_object_object_add(state, name, m);
	return m;
}

static void free_items(struct item *items, int n)
{
	int i;

	for (i = 0; i < n; i++)
		free(items[i].key);
	free(items);
}

int vrdma_alias_assign(struct vrdma_host *h, unsigned int flags)
{
	struct vrdma_ctx *ctx = h->ctx;
	const char *dir = vrdma_ctx_get_state_dir(ctx);
	char path[PATH_MAX], lockpath[PATH_MAX];
	struct json_object *state = NULL;
	struct item *ad = NULL, *nd = NULL;
	int nad = 0, nnd = 0, i, j, lockfd = -1, r, changed = 0;
	bool bad = false, writable = !(flags & VRDMA_DISCOVER_READ_ONLY);

	ad = calloc((size_t)h->n_adapters + 1, sizeof(*ad));
	nd = calloc((size_t)h->n_netdevs + 1, sizeof(*nd));
	if (!ad || !nd) {
		r = -ENOMEM;
		goto out;
	}
	for (i = 0; i < h->n_adapters; i++) {
		struct vrdma_adapter *a = h->adapters[i];
		bool shared = false;
		for (j = 0; j < h->n_adapters && a->pci; j++)
			if (j != i && h->adapters[j]->pci && strcmp(h->adapters[j]->pci, a->pci) == 0)
				shared = true;
		if (a->pci && !shared)
			r = asprintf(&ad[nad].key, "pci:%s", a->pci);
		else if (a->pci)
			r = asprintf(&ad[nad].key, "pci:%s/%s", a->pci, a->name);
		else
			r = asprintf(&ad[nad].key, "name:%s", a->name);
		if (r < 0) {
			r = -ENOMEM;
			goto out;
		}
		ad[nad].pci = a->pci;
		ad[nad].name = a->name;
		ad[nad].alias = &a->alias;
		nad++;
	}
	for (i = 0; i < h->n_netdevs; i++) {
		struct vrdma_netdev *d = h->netdevs[i];
		if (!d->physical)
			continue;
		if (d->pci)
			r = asprintf(&nd[nnd].key, "pci:%s/%d", d->pci, d->dev_port);
		else
			r = asprintf(&nd[nnd].key, "name:%s", d->name);
		if (r < 0) {
			r = -ENOMEM;
			goto out;
		}
		nd[nnd].pci = d->pci;
		nd[nnd].dev_port = d->dev_port;
		nd[nnd].name = d->name;
		nd[nnd].alias = &d->alias;
		nnd++;
	}

	if (dir && dir[0]) {
		snprintf(path, sizeof(path), "%s/aliases.json", dir);
		snprintf(lockpath, sizeof(lockpath), "%s/aliases.lock", dir);
		if (writable && vrdma_mkdir_p(dir, 0755) < 0)
			writable = false;
		if (writable) {
			lockfd = open(lockpath, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
			if (lockfd < 0 || flock(lockfd, LOCK_EX) < 0)
				writable = false;
		}
		if (!writable)
			dbg(ctx, "alias state %s: not writable, aliases are provisional", dir);
		state = load_state(ctx, path, &bad);
	} else {
		state = json_object_new_object();
		writable = false;
	}
	if (!state) {
		r = -ENOMEM;
		goto out;
	}
	json_object_object_add(state, "schema", json_object_new_string(ALIAS_SCHEMA));
	if ((r = assign(get_map(state, "vmrdma"), ad, nad, "vmrdma")) < 0)
		goto out;
	changed |= r;
	if ((r = assign(get_map(state, "vmnic"), nd, nnd, "vmnic")) < 0)
		goto out;
	changed |= r;
	r = 0;
	if (changed && writable && !bad) {
		const char *s = json_object_to_json_string_ext(state, JSON_C_TO_STRING_PRETTY |
		                                                      JSON_C_TO_STRING_SPACED |
		                                                      JSON_C_TO_STRING_NOSLASHESCAPE);
		char *data;
		if (!s || asprintf(&data, "%s\n", s) < 0) {
			r = -ENOMEM;
			goto out;
		}
		if (vrdma_write_file_atomic(ctx, NULL, path, data, strlen(data), 0644, 0) < 0) {
			dbg(ctx, "alias state %s not saved: %s", path, vrdma_ctx_get_error(ctx));
			vrdma_error_clear(ctx);
		}
		free(data);
	}
out:
	if (lockfd >= 0)
		close(lockfd);
	json_object_put(state);
	free_items(ad, nad);
	free_items(nd, nnd);
	return r;
}
