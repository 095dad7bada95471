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
 * name order.  The file is read through the JSON layer (strict syntax,
 * size limit, messages naming the file and JSON path; one that is not a
 * valid state is left untouched and the aliases are provisional) and
 * rewritten atomically under a lock on <state dir>/aliases.lock, waited
 * for at most VRDMA_LOCK_TIMEOUT_MS.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "host-private.h"

#define ALIAS_SCHEMA "vrdma-aliases/1"
#define ALIAS_MAX_SIZE (4u << 20) /* bytes of the state file: 4 MiB */
#define ALIAS_NUM_MAX 1000000     /* the largest N vrdma_alias_number() takes */

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

/* A set of numbers 0..ALIAS_NUM_MAX. */
static uint8_t *bits_new(void)
{
	return calloc(ALIAS_NUM_MAX / 8 + 1, 1);
}

static bool bit_test_set(uint8_t *bits, int n)
{
	bool was = bits[n / 8] & (1u << (n % 8));

	bits[n / 8] |= (uint8_t)(1u << (n % 8));
	return was;
}

/*
 * Phase 1: each item keeps its recorded number unless an item before it in
 * PCI/name order has it.  `used` gets every recorded number (absent
 * devices keep theirs).
 */
static void assign_recorded(struct json_object *map, struct item *items, int n, uint8_t *used,
                            uint8_t *taken)
{
	int i;

	json_object_object_foreach(map, k, v) {
		(void)k;
		bit_test_set(used, json_object_get_int(v)); /* checked: 0..ALIAS_NUM_MAX */
	}
	for (i = 0; i < n; i++) {
		struct json_object *rec;

		items[i].num = -1;
		if (json_object_object_get_ex(map, items[i].key, &rec) &&
		    !bit_test_set(taken, json_object_get_int(rec)))
			items[i].num = json_object_get_int(rec);
	}
}

/* Assign numbers for one family; returns 1 when `map` changed. */
static int assign(struct vrdma_ctx *ctx, struct json_object *map, struct item *items, int n,
                  const char *prefix)
{
	uint8_t *used = bits_new(), *taken = bits_new();
	int i, next = 0, changed = 0, r = 0;

	if (!used || !taken) {
		r = -ENOMEM;
		goto out;
	}
	qsort(items, (size_t)n, sizeof(*items), cmp_item);
	assign_recorded(map, items, n, used, taken);
	for (i = 0; i < n; i++) {
		if (items[i].num >= 0)
			continue;
		/* the lowest number neither recorded nor taken now */
		while (next <= ALIAS_NUM_MAX && bit_test_set(used, next))
			next++;
		if (next > ALIAS_NUM_MAX) {
			r = vrdma_error(ctx, -ENOSPC, "%s '%s': no free alias number (%s0..%s%d are taken)",
			                prefix, items[i].name, prefix, prefix, ALIAS_NUM_MAX);
			goto out;
		}
		items[i].num = next++;
		if (json_object_object_add(map, items[i].key, json_object_new_int(items[i].num)) < 0) {
			r = -ENOMEM;
			goto out;
		}
		changed = 1;
	}
	for (i = 0; i < n; i++) {
		char buf[32];
		snprintf(buf, sizeof(buf), "%s%d", prefix, items[i].num);
		if (vrdma_strdup_replace(items[i].alias, buf) < 0) {
			r = -ENOMEM;
			goto out;
		}
	}
	r = changed;
out:
	free(used);
	free(taken);
	return r;
}

/* Every member of a map is a number 0..ALIAS_NUM_MAX. */
static int check_map(struct vrdma_json_reader *rd, struct json_object *map, const char *path)
{
	int64_t x;
	int r;

	json_object_object_foreach(map, k, num) {
		(void)num;
		if ((r = vrdma_json_get_int(rd, map, path, k, VRDMA_JSON_REQUIRED, 0, ALIAS_NUM_MAX,
		                            &x)) < 0)
			return r;
	}
	return 0;
}

/* The state document: { "schema", "vmrdma": { KEY: N }, "vmnic": { KEY: N } }. */
static int check_state(struct vrdma_json_reader *rd, struct json_object *o)
{
	static const char *const keys[] = { "schema", "vmrdma", "vmnic", NULL };
	static const char *const maps[] = { "vmrdma", "vmnic" };
	struct json_object *v;
	size_t i;
	int r;

	if ((r = vrdma_json_expect(rd, o, "$", json_type_object)) < 0 ||
	    (r = vrdma_json_check_members(rd, o, "$", keys)) < 0 ||
	    (r = vrdma_json_member(rd, o, "$", "schema", json_type_string, VRDMA_JSON_REQUIRED,
	                           &v)) < 0)
		return r;
	if (strcmp(json_object_get_string(v), ALIAS_SCHEMA) != 0)
		return vrdma_json_problem(rd, -EINVAL, "$", "schema", "expected \"%s\", got \"%s\"",
		                          ALIAS_SCHEMA, json_object_get_string(v));
	for (i = 0; i < ARRAY_SIZE(maps); i++) {
		char path[16];

		if ((r = vrdma_json_member(rd, o, "$", maps[i], json_type_object, 0, &v)) < 0)
			return r;
		if (!v)
			continue;
		snprintf(path, sizeof(path), "$.%s", maps[i]);
		if ((r = check_map(rd, v, path)) < 0)
			return r;
	}
	return 0;
}

/*
 * Read and check the state file: 0 and *ret (NULL when there is none), or a
 * negative errno with the message ("alias state PATH: $.vmnic.KEY: ...").
 */
static int read_state(struct vrdma_ctx *ctx, const char *path, struct json_object **ret)
{
	struct vrdma_json_reader rd;
	struct json_object *o = NULL;
	char *text = NULL, *source = NULL;
	size_t len;
	int fd, r, e;

	*ret = NULL;
	r = vrdma_json_open_file(ctx, "alias state", path, 0, ALIAS_MAX_SIZE, &fd);
	if (r == -ENOENT) {
		vrdma_error_clear(ctx);
		return 0;
	}
	if (r < 0)
		return r;
	r = vrdma_json_read_fd(ctx, "alias state", path, fd, ALIAS_MAX_SIZE, &text, &len);
	close(fd);
	if (r < 0)
		return r;
	source = vrdma_asprintf("alias state %s", path);
	if (!source) {
		free(text);
		return -ENOMEM;
	}
	vrdma_json_reader_init(&rd, ctx, source, false);
	r = vrdma_json_parse(&rd, text, len, ALIAS_MAX_SIZE, &o);
	if (r >= 0)
		r = check_state(&rd, o);
	e = vrdma_json_reader_finish(&rd);
	free(source);
	free(text);
	if (e < 0 || r < 0) {
		json_object_put(o);
		return e < 0 ? e : r;
	}
	*ret = o;
	return 0;
}

/* Member `name` of the state, created (empty) when absent. */
static struct json_object *get_map(struct json_object *state, const char *name)
{
	struct json_object *m;

	if (json_object_object_get_ex(state, name, &m) && json_object_is_type(m, json_type_object))
		return m;
	m = json_object_new_object();
	if (m && json_object_object_add(state, name, m) < 0)
		return NULL;
	return m;
}

static void free_items(struct item *items, int n)
{
	int i;

	if (!items)
		return;
	for (i = 0; i < n; i++)
		free(items[i].key);
	free(items);
}

static bool same_pci(const struct item *a, const struct item *b)
{
	return b && a->pci && b->pci && strcmp(a->pci, b->pci) == 0;
}

/*
 * The adapters' items, keyed "pci:ADDR", "pci:ADDR/NAME" when several
 * adapters share a PCI function, else "name:NAME".
 */
static int adapter_items(struct vrdma_host *h, struct item **ret, int *ret_n)
{
	struct item *it = calloc((size_t)h->n_adapters + 1, sizeof(*it));
	int i, n = h->n_adapters;

	if (!it)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		it[i].pci = h->adapters[i]->pci;
		it[i].name = h->adapters[i]->name;
		it[i].alias = &h->adapters[i]->alias;
	}
	/* sorted by PCI address, adapters sharing one are neighbours */
	qsort(it, (size_t)n, sizeof(*it), cmp_item);
	for (i = 0; i < n; i++) {
		if (it[i].pci && (same_pci(&it[i], i > 0 ? &it[i - 1] : NULL) ||
		                  same_pci(&it[i], i + 1 < n ? &it[i + 1] : NULL)))
			it[i].key = vrdma_asprintf("pci:%s/%s", it[i].pci, it[i].name);
		else if (it[i].pci)
			it[i].key = vrdma_asprintf("pci:%s", it[i].pci);
		else
			it[i].key = vrdma_asprintf("name:%s", it[i].name);
		if (!it[i].key) {
			free_items(it, n);
			return -ENOMEM;
		}
	}
	*ret = it;
	*ret_n = n;
	return 0;
}

/* The physical netdevs' items, keyed "pci:ADDR/DEV_PORT" or "name:NAME". */
static int netdev_items(struct vrdma_host *h, struct item **ret, int *ret_n)
{
	struct item *it = calloc((size_t)h->n_netdevs + 1, sizeof(*it));
	int i, n = 0;

	if (!it)
		return -ENOMEM;
	for (i = 0; i < h->n_netdevs; i++) {
		struct vrdma_netdev *d = h->netdevs[i];
		if (!d->physical)
			continue;
		if (d->pci)
			it[n].key = vrdma_asprintf("pci:%s/%d", d->pci, d->dev_port);
		else
			it[n].key = vrdma_asprintf("name:%s", d->name);
		if (!it[n].key) {
			free_items(it, n);
			return -ENOMEM;
		}
		it[n].pci = d->pci;
		it[n].dev_port = d->dev_port;
		it[n].name = d->name;
		it[n].alias = &d->alias;
		n++;
	}
	*ret = it;
	*ret_n = n;
	return 0;
}

/*
 * Take the state directory's lock and read the state: *writable is cleared
 * when the lock cannot be had, *bad when the file exists but is not a valid
 * state (it is then left untouched).  Returns the state, a new empty one
 * when there is none, or NULL on OOM.
 */
static struct json_object *open_state(struct vrdma_ctx *ctx, const char *dir, const char *path,
                                      bool *writable, bool *bad, int *lockfd)
{
	struct json_object *state = NULL;
	char *lockpath;
	int r;

	*bad = false;
	if (*writable && vrdma_mkdir_p(dir, 0755) < 0)
		*writable = false;
	if (*writable) {
		lockpath = vrdma_asprintf("%s/aliases.lock", dir);
		if (!lockpath)
			return NULL;
		r = vrdma_lock_acquire(ctx, lockpath, LOCK_EX, vrdma_lock_timeout_ms(), lockfd);
		free(lockpath);
		if (r == -EBUSY)
			err(ctx, "%s: aliases are provisional", vrdma_ctx_get_error(ctx));
		if (r < 0) {
			vrdma_error_clear(ctx);
			*writable = false;
		}
	}
	if (!*writable)
		dbg(ctx, "alias state %s: not writable, aliases are provisional", dir);
	r = read_state(ctx, path, &state);
	if (r == -ENOMEM)
		return NULL;
	if (r < 0) {
		err(ctx, "%s: leaving it untouched, aliases are provisional", vrdma_ctx_get_error(ctx));
		vrdma_error_clear(ctx);
		*bad = true;
	}
	return state ? state : json_object_new_object();
}

/* Write the state atomically (a failure only leaves the aliases provisional). */
static int save_state(struct vrdma_ctx *ctx, const char *path, struct json_object *state)
{
	char *data = NULL;
	int r;

	r = vrdma_json_format(json_object_get(state), &data);
	if (r < 0)
		return r;
	if (vrdma_write_file_atomic(ctx, "alias state", path, data, strlen(data), 0644, 0) < 0) {
		dbg(ctx, "%s", vrdma_ctx_get_error(ctx));
		vrdma_error_clear(ctx);
	}
	free(data);
	return 0;
}

int vrdma_alias_assign(struct vrdma_host *h, unsigned int flags)
{
	struct vrdma_ctx *ctx = h->ctx;
	const char *dir = vrdma_ctx_get_state_dir(ctx);
	char *path = NULL;
	struct json_object *state = NULL, *map;
	struct item *ad = NULL, *nd = NULL;
	int nad = 0, nnd = 0, lockfd = -1, r, changed = 0;
	bool bad = false, writable = !(flags & VRDMA_DISCOVER_READ_ONLY) && dir && dir[0];

	if ((r = adapter_items(h, &ad, &nad)) < 0 || (r = netdev_items(h, &nd, &nnd)) < 0)
		goto out;
	if (dir && dir[0]) {
		path = vrdma_asprintf("%s/aliases.json", dir);
		state = path ? open_state(ctx, dir, path, &writable, &bad, &lockfd) : NULL;
	} else {
		state = json_object_new_object();
	}
	r = -ENOMEM;
	if (!state ||
	    json_object_object_add(state, "schema", json_object_new_string(ALIAS_SCHEMA)) < 0)
		goto out;
	if (!(map = get_map(state, "vmrdma")) || (r = assign(ctx, map, ad, nad, "vmrdma")) < 0)
		goto out;
	changed |= r;
	r = -ENOMEM;
	if (!(map = get_map(state, "vmnic")) || (r = assign(ctx, map, nd, nnd, "vmnic")) < 0)
		goto out;
	changed |= r;
	r = 0;
	if (changed && writable && !bad)
		r = save_state(ctx, path, state);
out:
	vrdma_lock_release(lockfd);
	json_object_put(state);
	free(path);
	free_items(ad, nad);
	free_items(nd, nnd);
	return r;
}
