/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The configuration document (schema "vrdma-config/1", see vrdma-config(5)):
 * a canonical writer, a strict syntax scanner that knows the line of every
 * JSON path and rejects duplicate keys, and a loader that builds the model
 * through the same setters the API uses, collecting every problem.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "internal.h"

#define JSON_MAX_DEPTH 32
#define MAX_PROBLEMS 200
#define PROBLEM_TEXT_MAX 900

/* ---- string builder --------------------------------------------------------- */

struct sb {
	char *buf;
	size_t len, cap;
	bool oom;
};

static void sb_add(struct sb *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 1024;
		char *nb;
		while (b->len + n + 1 > cap)
			cap *= 2;
		nb = realloc(b->buf, cap);
		if (!nb) {
			b->oom = true;
			return;
		}
		b->buf = nb;
		b->cap = cap;
	}
	memcpy(b->buf + b->len, s, n);
	b->len += n;
	b->buf[b->len] = '\0';
}

static void sb_puts(struct sb *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

static void sb_printf(struct sb *b, const char *fmt, ...) VRDMA_PRINTF(2, 3);
static void sb_printf(struct sb *b, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	sb_add(b, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

static void sb_str(struct sb *b, const char *s)
{
	sb_puts(b, "\"");
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\') {
			char e[2] = { '\\', (char)c };
			sb_add(b, e, 2);
		} else if (c < 0x20) {
			sb_printf(b, "\\u%04x", c);
		} else {
			sb_add(b, (const char *)&c, 1);
		}
	}
	sb_puts(b, "\"");
}

static void sb_indent(struct sb *b, int level)
{
	int i;

	for (i = 0; i < level; i++)
		sb_puts(b, "  ");
}

/* ---- writer ------------------------------------------------------------------- */

static void write_strv(struct sb *b, char *const *v, unsigned int n)
{
	unsigned int i;

	sb_puts(b, "[");
	for (i = 0; i < n; i++) {
		if (i)
			sb_puts(b, ", ");
		sb_str(b, v[i]);
	}
	sb_puts(b, "]");
}

static void write_failover(struct sb *b, const struct vrdma_failover *f, int level)
{
	sb_puts(b, "{\n");
	sb_indent(b, level + 1);
	sb_puts(b, "\"active\": ");
	write_strv(b, f->active, f->n_active);
	sb_puts(b, ",\n");
	sb_indent(b, level + 1);
	sb_puts(b, "\"standby\": ");
	write_strv(b, f->standby, f->n_standby);
	sb_puts(b, "\n");
	sb_indent(b, level);
	sb_puts(b, "}");
}

static void write_portgroup(struct sb *b, struct vrdma_portgroup *pg)
{
	unsigned int i;

	sb_puts(b, "        {\n          \"name\": ");
	sb_str(b, pg->name);
	sb_puts(b, ",\n          \"vlan\": ");
	if (pg->vlan_id == VRDMA_VLAN_ID_TRUNK && pg->n_ranges) {
		sb_puts(b, "\"");
		for (i = 0; i < pg->n_ranges; i++) {
			if (i)
				sb_puts(b, ",");
			if (pg->ranges[i].first == pg->ranges[i].last)
				sb_printf(b, "%u", pg->ranges[i].first);
			else
				sb_printf(b, "%u-%u", pg->ranges[i].first, pg->ranges[i].last);
		}
		sb_puts(b, "\"");
	} else {
		sb_printf(b, "%d", pg->vlan_id);
	}
	if (pg->has_override) {
		sb_puts(b, ",\n          \"failover\": ");
		write_failover(b, &pg->failover, 5);
	}
	sb_puts(b, "\n        }");
}

static void write_switch(struct sb *b, struct vrdma_switch *sw)
{
	unsigned int i;

	sb_puts(b, "    {\n      \"name\": ");
	sb_str(b, sw->name);
	sb_printf(b, ",\n      \"type\": \"%s\"",
	          sw->type == VRDMA_SWITCH_STANDARD ? "standard" : "distributed");
	if (sw->ifname_explicit) {
		sb_puts(b, ",\n      \"ifname\": ");
		sb_str(b, sw->ifname);
	}
	sb_printf(b, ",\n      \"mtu\": %d,\n      \"uplinks\": ", sw->mtu);
	if (sw->type == VRDMA_SWITCH_STANDARD) {
		sb_puts(b, "[");
		for (i = 0; i < sw->n_uplinks; i++) {
			if (i)
				sb_puts(b, ", ");
			sb_str(b, sw->uplinks[i].name);
		}
		sb_puts(b, "]");
	} else if (sw->n_uplinks == 0) {
		sb_puts(b, "[]");
	} else {
		sb_puts(b, "[\n");
		for (i = 0; i < sw->n_uplinks; i++) {
			sb_puts(b, "        { \"name\": ");
			sb_str(b, sw->uplinks[i].name);
			if (sw->uplinks[i].device) {
				sb_puts(b, ", \"device\": ");
				sb_str(b, sw->uplinks[i].device);
			}
			sb_puts(b, i + 1 < sw->n_uplinks ? " },\n" : " }\n");
		}
		sb_puts(b, "      ]");
	}
	sb_puts(b, ",\n      \"failover\": ");
	write_failover(b, &sw->failover, 3);
	sb_puts(b, ",\n      \"portgroups\": ");
	if (sw->n_pgs == 0) {
		sb_puts(b, "[]");
	} else {
		sb_puts(b, "[\n");
		for (i = 0; i < sw->n_pgs; i++) {
			write_portgroup(b, sw->pgs[i]);
			sb_puts(b, i + 1 < sw->n_pgs ? ",\n" : "\n");
		}
		sb_puts(b, "      ]");
	}
	sb_puts(b, "\n    }");
}

static void write_vmk(struct sb *b, struct vrdma_vmk *vmk)
{
	unsigned int i, n = 0;
	size_t k;
	static const unsigned int order[] = { VRDMA_VMK_TAG_MANAGEMENT, VRDMA_VMK_TAG_NVME_RDMA,
	                                      VRDMA_VMK_TAG_NVME_TCP, VRDMA_VMK_TAG_ISER };

	sb_puts(b, "    {\n      \"name\": ");
	sb_str(b, vmk->name);
	sb_puts(b, ",\n      \"switch\": ");
	sb_str(b, vmk->pg->sw->name);
	sb_puts(b, ",\n      \"portgroup\": ");
	sb_str(b, vmk->pg->name);
	sb_printf(b, ",\n      \"mac\": \"%s\",\n      \"mtu\": %d", vmk->mac_text, vmk->mtu);
	if (vmk->has_ip4)
		sb_printf(b, ",\n      \"ipv4\": \"%s/%u\"", vmk->ip4_text, vmk->ip4_prefix);
	sb_puts(b, ",\n      \"ipv6\": [");
	for (i = 0; i < vmk->n_ip6; i++)
		sb_printf(b, "%s\"%s/%u\"", i ? ", " : "", vmk->ip6[i].text, vmk->ip6[i].prefix);
	sb_puts(b, "]");
	if (vmk->has_gw4)
		sb_printf(b, ",\n      \"gateway4\": \"%s\"", vmk->gw4_text);
	if (vmk->has_gw6)
		sb_printf(b, ",\n      \"gateway6\": \"%s\"", vmk->gw6_text);
	sb_puts(b, ",\n      \"tags\": [");
	for (k = 0; k < ARRAY_SIZE(order); k++)
		if (vmk->tags & order[k])
			sb_printf(b, "%s\"%s\"", n++ ? ", " : "", vrdma_vmk_tag_to_name(order[k]));
	sb_puts(b, "]\n    }");
}

int vrdma_config_to_json_text(struct vrdma_config *cfg, uint64_t generation, char **ret)
{
	struct sb b = { 0 };
	unsigned int i;

	sb_printf(&b, "{\n  \"schema\": \"%s\",\n  \"generation\": %" PRIu64 ",\n  \"switches\": ",
	          VRDMA_CONFIG_SCHEMA, generation);
	if (cfg->n_switches == 0) {
		sb_puts(&b, "[]");
	} else {
		sb_puts(&b, "[\n");
		for (i = 0; i < cfg->n_switches; i++) {
			write_switch(&b, cfg->switches[i]);
			sb_puts(&b, i + 1 < cfg->n_switches ? ",\n" : "\n");
		}
		sb_puts(&b, "  ]");
	}
	sb_puts(&b, ",\n  \"vmks\": ");
	if (cfg->n_vmks == 0) {
		sb_puts(&b, "[]");
	} else {
		sb_puts(&b, "[\n");
		for (i = 0; i < cfg->n_vmks; i++) {
			write_vmk(&b, cfg->vmks[i]);
			sb_puts(&b, i + 1 < cfg->n_vmks ? ",\n" : "\n");
		}
		sb_puts(&b, "  ]");
	}
	sb_puts(&b, "\n}\n");
	if (b.oom) {
		free(b.buf);
		return -ENOMEM;
	}
	*ret = b.buf;
	return 0;
}

VRDMA_EXPORT int vrdma_config_format(struct vrdma_config *cfg, char **ret)
{
	if (!cfg || !ret)
		return -EINVAL;
	*ret = NULL;
	return vrdma_config_to_json_text(cfg, cfg->generation, ret);
}

/* ---- problems ------------------------------------------------------------------ */

struct pathline {
	char *path;
	int line;
};

struct loader {
	struct vrdma_ctx *ctx;
	const char *source;
	struct pathline *lines;
	size_t n_lines, cap_lines;
	struct sb msg;         /* the combined message */
	int count;             /* problems found */
	int first_err;
};

static int line_of(struct loader *ld, const char *path)
{
	size_t i;

	for (i = 0; i < ld->n_lines; i++)
		if (strcmp(ld->lines[i].path, path) == 0)
			return ld->lines[i].line;
	return 0;
}

static void problem(struct loader *ld, int err, const char *path, const char *fmt, ...)
	VRDMA_PRINTF(4, 5);
static void problem(struct loader *ld, int err, const char *path, const char *fmt, ...)
{
	char text[600], where[300];
	int line = path ? line_of(ld, path) : 0;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (line > 0)
		snprintf(where, sizeof(where), "%s (line %d)", path && path[0] ? path : "$", line);
	else
		snprintf(where, sizeof(where), "%s", path && path[0] ? path : "$");
	info(ld->ctx, "%s: %s: %s", ld->source, where, text);
	if (ld->count == 0)
		ld->first_err = err;
	ld->count++;
	if (ld->count > MAX_PROBLEMS)
		return;
	if (ld->msg.len + strlen(where) + strlen(text) + 4 < PROBLEM_TEXT_MAX) {
		if (ld->msg.len)
			sb_puts(&ld->msg, "; ");
		sb_printf(&ld->msg, "%s: %s", where, text);
	} else if (!ld->msg.oom && (ld->msg.len == 0 || ld->msg.buf[ld->msg.len - 1] != '.')) {
		sb_puts(&ld->msg, "; ...");
	}
}

/* The last library error becomes a problem at `path`. */
static void setter_problem(struct loader *ld, int r, const char *path)
{
	const char *e = vrdma_ctx_get_error(ld->ctx);

	problem(ld, r, path, "%s", e && e[0] ? e : strerror(-r));
}

/* ---- strict scanner: syntax, duplicate keys, lines of paths ---------------------- */

struct scan {
	struct loader *ld;
	const char *s, *end, *p;
	int line;
	bool failed;
};

static void scan_fail(struct scan *sc, const char *what)
{
	if (sc->failed)
		return;
	sc->failed = true;
	problem(sc->ld, -EINVAL, NULL, "line %d: JSON syntax error: %s", sc->line, what);
}

static void scan_ws(struct scan *sc)
{
	while (sc->p < sc->end) {
		char c = *sc->p;
		if (c == '\n')
			sc->line++;
		else if (c != ' ' && c != '\t' && c != '\r')
			break;
		sc->p++;
	}
}

static void record(struct scan *sc, const char *path)
{
	struct loader *ld = sc->ld;

	if (ld->n_lines == ld->cap_lines) {
		size_t cap = ld->cap_lines ? ld->cap_lines * 2 : 64;
		struct pathline *n = realloc(ld->lines, cap * sizeof(*n));
		if (!n)
			return;
		ld->lines = n;
		ld->cap_lines = cap;
	}
	ld->lines[ld->n_lines].path = strdup(path);
	if (!ld->lines[ld->n_lines].path)
		return;
	ld->lines[ld->n_lines].line = sc->line;
	ld->n_lines++;
}

/* Scan a string; with out != NULL copy its raw contents (bounded). */
static void scan_string(struct scan *sc, char *out, size_t outsz)
{
	size_t n = 0;

	sc->p++; /* opening quote */
	while (sc->p < sc->end && *sc->p != '"') {
		unsigned char c = (unsigned char)*sc->p;
		if (c < 0x20)
			return scan_fail(sc, "control character in a string");
		if (c == '\\') {
			sc->p++;
			if (sc->p >= sc->end)
				break;
			if (*sc->p == 'u') {
				int i;
				for (i = 1; i <= 4; i++)
					if (sc->p + i >= sc->end ||
					    !strchr("0123456789abcdefABCDEF", sc->p[i]) || !sc->p[i])
						return scan_fail(sc, "bad \\u escape in a string");
				sc->p += 4;
				c = '?';
			} else if (!strchr("\"\\/bfnrt", *sc->p) || !*sc->p) {
				return scan_fail(sc, "bad escape in a string");
			} else {
				c = (unsigned char)*sc->p;
			}
		}
		if (out && n + 1 < outsz)
			out[n++] = (char)c;
		sc->p++;
	}
	if (sc->p >= sc->end)
		return scan_fail(sc, "unterminated string");
	sc->p++;
	if (out)
		out[n] = '\0';
}

static void scan_number(struct scan *sc)
{
	const char *p = sc->p;

	if (p < sc->end && *p == '-')
		p++;
	if (p >= sc->end || *p < '0' || *p > '9')
		return scan_fail(sc, "bad number");
	if (*p == '0')
		p++;
	else
		while (p < sc->end && *p >= '0' && *p <= '9')
			p++;
	if (p < sc->end && *p == '.') {
		p++;
		if (p >= sc->end || *p < '0' || *p > '9')
			return scan_fail(sc, "bad number");
		while (p < sc->end && *p >= '0' && *p <= '9')
			p++;
	}
	if (p < sc->end && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < sc->end && (*p == '+' || *p == '-'))
			p++;
		if (p >= sc->end || *p < '0' || *p > '9')
			return scan_fail(sc, "bad number");
		while (p < sc->end && *p >= '0' && *p <= '9')
			p++;
	}
	sc->p = p;
}

static void scan_value(struct scan *sc, char *path, size_t pathsz, int depth);

static void scan_object(struct scan *sc, char *path, size_t pathsz, int depth)
{
	size_t base = strlen(path);
	char **keys = NULL;
	size_t nkeys = 0, i;
	bool first = true;

	sc->p++;
	for (;;) {
		char key[128];

		scan_ws(sc);
		if (sc->p < sc->end && *sc->p == '}' && first) {
			sc->p++;
			break;
		}
		if (sc->p >= sc->end || *sc->p != '"') {
			scan_fail(sc, "expected a double-quoted key");
			break;
		}
		scan_string(sc, key, sizeof(key));
		if (sc->failed)
			break;
		snprintf(path + base, pathsz - base, "%s%s", base ? "." : "", key);
		for (i = 0; i < nkeys; i++)
			if (strcmp(keys[i], key) == 0)
				problem(sc->ld, -EINVAL, path, "duplicate key '%s'", key);
		{
			char **nk = realloc(keys, (nkeys + 1) * sizeof(char *));
			if (nk) {
				keys = nk;
				keys[nkeys] = strdup(key);
				if (keys[nkeys])
					nkeys++;
			}
		}
		scan_ws(sc);
		if (sc->p >= sc->end || *sc->p != ':') {
			scan_fail(sc, "expected ':'");
			break;
		}
		sc->p++;
		scan_value(sc, path, pathsz, depth + 1);
		path[base] = '\0';
		if (sc->failed)
			break;
		scan_ws(sc);
		if (sc->p < sc->end && *sc->p == ',') {
			sc->p++;
			first = false;
			continue;
		}
		if (sc->p < sc->end && *sc->p == '}') {
			sc->p++;
			break;
		}
		scan_fail(sc, "expected ',' or '}'");
		break;
	}
	path[base] = '\0';
	for (i = 0; i < nkeys; i++)
		free(keys[i]);
	free(keys);
}

static void scan_array(struct scan *sc, char *path, size_t pathsz, int depth)
{
	size_t base = strlen(path);
	unsigned int idx = 0;

	sc->p++;
	scan_ws(sc);
	if (sc->p < sc->end && *sc->p == ']') {
		sc->p++;
		return;
	}
	for (;;) {
		snprintf(path + base, pathsz - base, "[%u]", idx++);
		scan_value(sc, path, pathsz, depth + 1);
		path[base] = '\0';
		if (sc->failed)
			return;
		scan_ws(sc);
		if (sc->p < sc->end && *sc->p == ',') {
			sc->p++;
			continue;
		}
		if (sc->p < sc->end && *sc->p == ']') {
			sc->p++;
			return;
		}
		return scan_fail(sc, "expected ',' or ']'");
	}
}

static void scan_value(struct scan *sc, char *path, size_t pathsz, int depth)
{
	scan_ws(sc);
	if (depth > JSON_MAX_DEPTH)
		return scan_fail(sc, "nested too deeply");
	if (sc->p >= sc->end)
		return scan_fail(sc, "unexpected end of document");
	record(sc, path);
	switch (*sc->p) {
	case '{':
		return scan_object(sc, path, pathsz, depth);
	case '[':
		return scan_array(sc, path, pathsz, depth);
	case '"':
		return scan_string(sc, NULL, 0);
	case 't':
		if (sc->end - sc->p >= 4 && memcmp(sc->p, "true", 4) == 0) {
			sc->p += 4;
			return;
		}
		break;
	case 'f':
		if (sc->end - sc->p >= 5 && memcmp(sc->p, "false", 5) == 0) {
			sc->p += 5;
			return;
		}
		break;
	case 'n':
		if (sc->end - sc->p >= 4 && memcmp(sc->p, "null", 4) == 0) {
			sc->p += 4;
			return;
		}
		break;
	default:
		if (*sc->p == '-' || (*sc->p >= '0' && *sc->p <= '9'))
			return scan_number(sc);
	}
	scan_fail(sc, "unexpected character");
}

/* ---- typed access ------------------------------------------------------------------ */

static const char *type_name(struct json_object *o)
{
	switch (json_object_get_type(o)) {
	case json_type_null: return "null";
	case json_type_boolean: return "a boolean";
	case json_type_double: return "a fractional number";
	case json_type_int: return "an integer";
	case json_type_object: return "an object";
	case json_type_array: return "an array";
	case json_type_string: return "a string";
	}
	return "unknown";
}

/* out = base + "." + key, truncated to sz (paths are for messages only). */
static void join(char *out, size_t sz, const char *base, const char *key)
{
	size_t n = 0;
	const char *parts[3] = { base, base[0] ? "." : "", key };
	size_t i;

	for (i = 0; i < 3; i++) {
		size_t l = strlen(parts[i]);
		if (n + l >= sz)
			l = sz - n - 1;
		memcpy(out + n, parts[i], l);
		n += l;
	}
	out[n] = '\0';
}

static bool check_keys(struct loader *ld, struct json_object *obj, const char *path,
                       const char *const *allowed)
{
	bool ok = true;

	json_object_object_foreach(obj, key, val) {
		size_t i;
		bool known = false;
		char p[512];
		(void)val;
		for (i = 0; allowed[i]; i++)
			if (strcmp(allowed[i], key) == 0)
				known = true;
		if (!known) {
			join(p, sizeof(p), path, key);
			problem(ld, -EINVAL, p, "unknown key '%s'", key);
			ok = false;
		}
	}
	return ok;
}

/* Get member `key` of obj expecting `type`; false (with a problem) when
 * absent-but-required or of the wrong type. *out NULL when absent. */
static bool get_member(struct loader *ld, struct json_object *obj, const char *path,
                       const char *key, enum json_type type, bool required,
                       struct json_object **out)
{
	struct json_object *v = NULL;
	char p[512];

	*out = NULL;
	join(p, sizeof(p), path, key);
	if (!json_object_object_get_ex(obj, key, &v)) {
		if (required) {
			problem(ld, -EINVAL, path, "missing required key '%s'", key);
			return false;
		}
		return true;
	}
	if (json_object_get_type(v) != type) {
		static const char *const names[] = {
			[json_type_null] = "null", [json_type_boolean] = "a boolean",
			[json_type_double] = "a number", [json_type_int] = "an integer",
			[json_type_object] = "an object", [json_type_array] = "an array",
			[json_type_string] = "a string",
		};
		problem(ld, -EINVAL, p, "expected %s, found %s", names[type], type_name(v));
		return false;
	}
	if (type == json_type_string &&
	    strlen(json_object_get_string(v)) != (size_t)json_object_get_string_len(v)) {
		problem(ld, -EINVAL, p, "string contains a NUL character");
		return false;
	}
	*out = v;
	return true;
}

static bool get_int(struct loader *ld, struct json_object *obj, const char *path,
                    const char *key, bool required, int64_t min, int64_t max, int64_t *out,
                    bool *present)
{
	struct json_object *v;
	char p[512];
	int64_t x;

	*present = false;
	if (!get_member(ld, obj, path, key, json_type_int, required, &v) || !v)
		return v == NULL && !required ? true : false;
	join(p, sizeof(p), path, key);
	x = json_object_get_int64(v);
	if (x == INT64_MAX || x == INT64_MIN || x < min || x > max) {
		problem(ld, -ERANGE, p, "%s out of range %" PRId64 "-%" PRId64, key, min, max);
		return false;
	}
	*out = x;
	*present = true;
	return true;
}

/* An array of strings; returns count or -1 (problem recorded). */
static int get_strv(struct loader *ld, struct json_object *arr, const char *path,
                    const char **out, int max)
{
	int n = (int)json_object_array_length(arr), i;
	char p[512];

	if (n > max) {
		problem(ld, -ENOSPC, path, "more than %d entries", max);
		return -1;
	}
	for (i = 0; i < n; i++) {
		struct json_object *e = json_object_array_get_idx(arr, (size_t)i);
		snprintf(p, sizeof(p), "%s[%d]", path, i);
		if (json_object_get_type(e) != json_type_string) {
			problem(ld, -EINVAL, p, "expected a string, found %s", type_name(e));
			return -1;
		}
		if (strlen(json_object_get_string(e)) != (size_t)json_object_get_string_len(e)) {
			problem(ld, -EINVAL, p, "string contains a NUL character");
			return -1;
		}
		out[i] = json_object_get_string(e);
	}
	return n;
}

/* Split "ADDR/PREFIX". */
static bool split_cidr(struct loader *ld, const char *path, const char *s, char *addr,
                       size_t addrsz, unsigned int *prefix)
{
	const char *slash = strrchr(s, '/');
	char *end;
	unsigned long v;

	if (!slash || slash == s || (size_t)(slash - s) >= addrsz || !slash[1]) {
		problem(ld, -EINVAL, path, "'%s' is not of the form ADDRESS/PREFIX", s);
		return false;
	}
	errno = 0;
	v = strtoul(slash + 1, &end, 10);
	if (*end || errno || slash[1] < '0' || slash[1] > '9' || v > 1000) {
		problem(ld, -EINVAL, path, "'%s': bad prefix length", s);
		return false;
	}
	memcpy(addr, s, (size_t)(slash - s));
	addr[slash - s] = '\0';
	*prefix = (unsigned int)v;
	return true;
}

/* ---- loader ------------------------------------------------------------------------ */

static const char *const failover_keys[] = { "active", "standby", NULL };

static void load_failover(struct loader *ld, struct json_object *f, const char *path,
                          struct vrdma_switch *sw, struct vrdma_portgroup *pg)
{
	const char *active[VRDMA_MAX_UPLINKS], *standby[VRDMA_MAX_UPLINKS];
	struct json_object *a, *s;
	int na = 0, ns = 0, r;
	char p[512];
	bool ok;

	if (!check_keys(ld, f, path, failover_keys))
		return;
	ok = get_member(ld, f, path, "active", json_type_array, true, &a);
	ok = get_member(ld, f, path, "standby", json_type_array, true, &s) && ok;
	if (!ok)
		return;
	join(p, sizeof(p), path, "active");
	na = get_strv(ld, a, p, active, VRDMA_MAX_UPLINKS);
	join(p, sizeof(p), path, "standby");
	ns = get_strv(ld, s, p, standby, VRDMA_MAX_UPLINKS);
	if (na < 0 || ns < 0)
		return;
	r = pg ? vrdma_portgroup_set_failover(pg, active, (size_t)na, standby, (size_t)ns) :
	         vrdma_switch_set_failover(sw, active, (size_t)na, standby, (size_t)ns);
	if (r < 0)
		setter_problem(ld, r, path);
}

static const char *const pg_keys[] = { "name", "vlan", "failover", NULL };

static void load_portgroup(struct loader *ld, struct vrdma_switch *sw,
                           struct json_object *o, const char *path)
{
	struct vrdma_portgroup *pg;
	struct json_object *name, *vlan = NULL, *f;
	char p[512];
	int r;

	if (json_object_get_type(o) != json_type_object) {
		problem(ld, -EINVAL, path, "expected an object, found %s", type_name(o));
		return;
	}
	check_keys(ld, o, path, pg_keys);
	if (!get_member(ld, o, path, "name", json_type_string, true, &name))
		return;
	r = vrdma_switch_add_portgroup(sw, json_object_get_string(name), &pg);
	if (r < 0) {
		join(p, sizeof(p), path, "name");
		setter_problem(ld, r, p);
		return;
	}
	join(p, sizeof(p), path, "vlan");
	if (json_object_object_get_ex(o, "vlan", &vlan)) {
		if (json_object_get_type(vlan) == json_type_int) {
			int64_t v = json_object_get_int64(vlan);
			r = vrdma_portgroup_set_vlan_id(pg, v < -1 ? -1 : v > 99999 ? 99999 : (int)v);
			if (r < 0)
				setter_problem(ld, r, p);
		} else if (json_object_get_type(vlan) == json_type_string) {
			r = vrdma_portgroup_set_vlan_trunk(pg, json_object_get_string(vlan));
			if (r < 0)
				setter_problem(ld, r, p);
		} else {
			problem(ld, -EINVAL, p, "expected an integer VLAN ID or a trunk range string, found %s",
			        type_name(vlan));
		}
	}
	if (get_member(ld, o, path, "failover", json_type_object, false, &f) && f) {
		join(p, sizeof(p), path, "failover");
		load_failover(ld, f, p, sw, pg);
	}
}

static const char *const switch_keys[] = { "name", "type", "ifname", "mtu", "uplinks",
	                                   "failover", "portgroups", NULL };
static const char *const slot_keys[] = { "name", "device", NULL };

static void load_switch(struct loader *ld, struct vrdma_config *cfg, struct json_object *o,
                        const char *path)
{
	struct json_object *name, *type, *ifname, *uplinks, *f, *pgs;
	enum vrdma_switch_type t;
	struct vrdma_switch *sw;
	int64_t mtu;
	bool present;
	char p[512];
	size_t i, n;
	int r;

	if (json_object_get_type(o) != json_type_object) {
		problem(ld, -EINVAL, path, "expected an object, found %s", type_name(o));
		return;
	}
	check_keys(ld, o, path, switch_keys);
	if (!get_member(ld, o, path, "name", json_type_string, true, &name) ||
	    !get_member(ld, o, path, "type", json_type_string, true, &type) ||
	    !get_member(ld, o, path, "ifname", json_type_string, false, &ifname))
		return;
	join(p, sizeof(p), path, "type");
	if (strcmp(json_object_get_string(type), "standard") == 0) {
		t = VRDMA_SWITCH_STANDARD;
	} else if (strcmp(json_object_get_string(type), "distributed") == 0) {
		t = VRDMA_SWITCH_DISTRIBUTED;
	} else {
		problem(ld, -EINVAL, p, "switch type must be \"standard\" or \"distributed\"");
		return;
	}
	r = vrdma_config_add_switch(cfg, json_object_get_string(name), t,
	                            ifname ? json_object_get_string(ifname) : NULL, &sw);
	if (r < 0) {
		join(p, sizeof(p), path, ifname && r != -EEXIST ? "ifname" : "name");
		setter_problem(ld, r, p);
		return;
	}
	if (get_int(ld, o, path, "mtu", false, 0, 1000000, &mtu, &present) && present) {
		r = vrdma_switch_set_mtu(sw, (int)mtu);
		if (r < 0) {
			join(p, sizeof(p), path, "mtu");
			setter_problem(ld, r, p);
		}
	}
	if (get_member(ld, o, path, "uplinks", json_type_array, false, &uplinks) && uplinks) {
		n = json_object_array_length(uplinks);
		for (i = 0; i < n; i++) {
			struct json_object *u = json_object_array_get_idx(uplinks, i), *un, *ud;
			snprintf(p, sizeof(p), "%s.uplinks[%zu]", path, i);
			if (t == VRDMA_SWITCH_STANDARD) {
				if (json_object_get_type(u) != json_type_string) {
					problem(ld, -EINVAL, p, "expected an uplink name string, found %s",
					        type_name(u));
					continue;
				}
				r = vrdma_switch_add_uplink(sw, json_object_get_string(u));
				if (r < 0)
					setter_problem(ld, r, p);
				continue;
			}
			if (json_object_get_type(u) != json_type_object) {
				problem(ld, -EINVAL, p, "expected an uplink slot object, found %s",
				        type_name(u));
				continue;
			}
			check_keys(ld, u, p, slot_keys);
			if (!get_member(ld, u, p, "name", json_type_string, true, &un) ||
			    !get_member(ld, u, p, "device", json_type_string, false, &ud))
				continue;
			r = vrdma_switch_add_uplink(sw, json_object_get_string(un));
			if (r < 0) {
				setter_problem(ld, r, p);
				continue;
			}
			if (ud) {
				r = vrdma_switch_set_uplink_device(sw, json_object_get_string(un),
				                                   json_object_get_string(ud));
				if (r < 0) {
					char q[512];
					join(q, sizeof(q), p, "device");
					setter_problem(ld, r, q);
				}
			}
		}
	}
	if (get_member(ld, o, path, "failover", json_type_object, false, &f) && f) {
		join(p, sizeof(p), path, "failover");
		load_failover(ld, f, p, sw, NULL);
	}
	if (get_member(ld, o, path, "portgroups", json_type_array, false, &pgs) && pgs) {
		n = json_object_array_length(pgs);
		for (i = 0; i < n; i++) {
			snprintf(p, sizeof(p), "%s.portgroups[%zu]", path, i);
			load_portgroup(ld, sw, json_object_array_get_idx(pgs, i), p);
		}
	}
}

static const char *const vmk_keys[] = { "name", "switch", "portgroup", "mac", "mtu", "ipv4",
	                                "ipv6", "gateway4", "gateway6", "tags", NULL };

static void load_vmk(struct loader *ld, struct vrdma_config *cfg, struct json_object *o,
                     const char *path)
{
	struct json_object *name, *swn, *pgn, *mac, *ip4, *ip6, *gw4, *gw6, *tags;
	struct vrdma_switch *sw;
	struct vrdma_portgroup *pg;
	struct vrdma_vmk *vmk;
	char p[512], addr[128];
	unsigned int prefix;
	int64_t mtu;
	bool present;
	size_t i, n;
	int r;

	if (json_object_get_type(o) != json_type_object) {
		problem(ld, -EINVAL, path, "expected an object, found %s", type_name(o));
		return;
	}
	check_keys(ld, o, path, vmk_keys);
	if (!get_member(ld, o, path, "name", json_type_string, true, &name) ||
	    !get_member(ld, o, path, "switch", json_type_string, true, &swn) ||
	    !get_member(ld, o, path, "portgroup", json_type_string, true, &pgn))
		return;
	join(p, sizeof(p), path, "switch");
	r = vrdma_config_find_switch(cfg, json_object_get_string(swn), &sw);
	if (r < 0) {
		setter_problem(ld, r, p);
		return;
	}
	join(p, sizeof(p), path, "portgroup");
	r = vrdma_switch_find_portgroup(sw, json_object_get_string(pgn), &pg);
	if (r < 0) {
		setter_problem(ld, r, p);
		return;
	}
	join(p, sizeof(p), path, "name");
	r = vrdma_config_add_vmk(cfg, json_object_get_string(name), pg, &vmk);
	if (r < 0) {
		setter_problem(ld, r, p);
		return;
	}
	if (get_member(ld, o, path, "mac", json_type_string, false, &mac) && mac) {
		join(p, sizeof(p), path, "mac");
		r = vrdma_vmk_set_mac(vmk, json_object_get_string(mac));
		if (r < 0)
			setter_problem(ld, r, p);
	}
	if (get_int(ld, o, path, "mtu", false, 0, 1000000, &mtu, &present) && present) {
		join(p, sizeof(p), path, "mtu");
		r = vrdma_vmk_set_mtu(vmk, (int)mtu);
		if (r < 0)
			setter_problem(ld, r, p);
	}
	if (get_member(ld, o, path, "ipv4", json_type_string, false, &ip4) && ip4) {
		join(p, sizeof(p), path, "ipv4");
		if (split_cidr(ld, p, json_object_get_string(ip4), addr, sizeof(addr), &prefix)) {
			r = vrdma_vmk_set_ipv4(vmk, addr, prefix);
			if (r < 0)
				setter_problem(ld, r, p);
		}
	}
	if (get_member(ld, o, path, "ipv6", json_type_array, false, &ip6) && ip6) {
		n = json_object_array_length(ip6);
		for (i = 0; i < n; i++) {
			struct json_object *e = json_object_array_get_idx(ip6, i);
			snprintf(p, sizeof(p), "%s.ipv6[%zu]", path, i);
			if (json_object_get_type(e) != json_type_string) {
				problem(ld, -EINVAL, p, "expected a string, found %s", type_name(e));
				continue;
			}
			if (!split_cidr(ld, p, json_object_get_string(e), addr, sizeof(addr), &prefix))
				continue;
			r = vrdma_vmk_add_ipv6(vmk, addr, prefix);
			if (r < 0)
				setter_problem(ld, r, p);
		}
	}
	if (get_member(ld, o, path, "gateway4", json_type_string, false, &gw4) && gw4) {
		join(p, sizeof(p), path, "gateway4");
		if (!strchr(json_object_get_string(gw4), '.') || strchr(json_object_get_string(gw4), ':'))
			problem(ld, -EINVAL, p, "'%s' is not an IPv4 address",
			        json_object_get_string(gw4));
		else if ((r = vrdma_vmk_set_gateway(vmk, json_object_get_string(gw4))) < 0)
			setter_problem(ld, r, p);
	}
	if (get_member(ld, o, path, "gateway6", json_type_string, false, &gw6) && gw6) {
		join(p, sizeof(p), path, "gateway6");
		if (!strchr(json_object_get_string(gw6), ':'))
			problem(ld, -EINVAL, p, "'%s' is not an IPv6 address",
			        json_object_get_string(gw6));
		else if ((r = vrdma_vmk_set_gateway(vmk, json_object_get_string(gw6))) < 0)
			setter_problem(ld, r, p);
	}
	if (get_member(ld, o, path, "tags", json_type_array, false, &tags) && tags) {
		n = json_object_array_length(tags);
		for (i = 0; i < n; i++) {
			struct json_object *e = json_object_array_get_idx(tags, i);
			int bit;
			snprintf(p, sizeof(p), "%s.tags[%zu]", path, i);
			if (json_object_get_type(e) != json_type_string) {
				problem(ld, -EINVAL, p, "expected a string, found %s", type_name(e));
				continue;
			}
			bit = vrdma_vmk_tag_from_name(json_object_get_string(e));
			if (bit < 0 || strcmp(vrdma_vmk_tag_to_name((unsigned int)bit),
			                      json_object_get_string(e)) != 0) {
				problem(ld, -EINVAL, p,
				        "unknown service tag '%s' (management, nvme-rdma, nvme-tcp, iser)",
				        json_object_get_string(e));
				continue;
			}
			if (vrdma_vmk_get_tags(vmk) & bit) {
				problem(ld, -EINVAL, p, "service tag '%s' listed twice",
				        json_object_get_string(e));
				continue;
			}
			vrdma_vmk_add_tags(vmk, (unsigned int)bit);
		}
	}
}

static const char *const top_keys[] = { "schema", "generation", "switches", "vmks", NULL };

static void loader_free(struct loader *ld)
{
	size_t i;

	for (i = 0; i < ld->n_lines; i++)
		free(ld->lines[i].path);
	free(ld->lines);
	free(ld->msg.buf);
}

int vrdma_config_from_text(struct vrdma_ctx *ctx, const char *source, const char *text,
                           size_t len, struct vrdma_config **ret)
{
	struct loader ld = { .ctx = ctx, .source = source };
	struct json_object *root = NULL, *schema, *arr;
	struct json_tokener *tok;
	struct vrdma_config *cfg = NULL;
	struct scan sc;
	char path[1024] = "";
	int64_t gen = 0;
	bool present;
	size_t i, n;
	int r;

	*ret = NULL;
	if (memchr(text, '\0', len)) {
		problem(&ld, -EINVAL, NULL, "document contains a NUL byte");
		goto out;
	}
	sc = (struct scan){ .ld = &ld, .s = text, .end = text + len, .p = text, .line = 1 };
	scan_value(&sc, path, sizeof(path), 0);
	if (!sc.failed) {
		scan_ws(&sc);
		if (sc.p != sc.end)
			scan_fail(&sc, "trailing characters after the document");
	}
	if (sc.failed)
		goto out;

	tok = json_tokener_new_ex(JSON_MAX_DEPTH + 2);
	if (!tok) {
		loader_free(&ld);
		return -ENOMEM;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	root = json_tokener_parse_ex(tok, text, (int)len);
	if (!root) {
		problem(&ld, -EINVAL, NULL, "JSON syntax error: %s",
		        json_tokener_error_desc(json_tokener_get_error(tok)));
		json_tokener_free(tok);
		goto out;
	}
	json_tokener_free(tok);
	if (json_object_get_type(root) != json_type_object) {
		problem(&ld, -EINVAL, "", "expected an object, found %s", type_name(root));
		goto out;
	}
	check_keys(&ld, root, "", top_keys);
	if (get_member(&ld, root, "", "schema", json_type_string, true, &schema) &&
	    strcmp(json_object_get_string(schema), VRDMA_CONFIG_SCHEMA) != 0)
		problem(&ld, -EINVAL, "schema", "unsupported schema '%s' (expected \"%s\")",
		        json_object_get_string(schema), VRDMA_CONFIG_SCHEMA);
	get_int(&ld, root, "", "generation", true, 0, INT64_MAX - 1, &gen, &present);

	r = vrdma_config_new(ctx, &cfg);
	if (r < 0) {
		json_object_put(root);
		loader_free(&ld);
		return r;
	}
	cfg->generation = (uint64_t)gen;
	if (get_member(&ld, root, "", "switches", json_type_array, false, &arr) && arr) {
		n = json_object_array_length(arr);
		for (i = 0; i < n; i++) {
			snprintf(path, sizeof(path), "switches[%zu]", i);
			load_switch(&ld, cfg, json_object_array_get_idx(arr, i), path);
		}
	}
	if (get_member(&ld, root, "", "vmks", json_type_array, false, &arr) && arr) {
		n = json_object_array_length(arr);
		for (i = 0; i < n; i++) {
			snprintf(path, sizeof(path), "vmks[%zu]", i);
			load_vmk(&ld, cfg, json_object_array_get_idx(arr, i), path);
		}
	}
out:
	json_object_put(root);
	if (ld.msg.oom)
		ld.count = ld.count ? ld.count : 1;
	if (ld.count) {
		int e = ld.first_err == -ENOMEM ? -ENOMEM : -EINVAL;
		vrdma_config_unref(cfg);
		vrdma_error(ctx, e, "%s: %d problem%s: %s", source, ld.count,
		            ld.count == 1 ? "" : "s", ld.msg.buf ? ld.msg.buf : "out of memory");
		loader_free(&ld);
		return e;
	}
	loader_free(&ld);
	vrdma_error_clear(ctx);
	*ret = cfg;
	return 0;
}

VRDMA_EXPORT int vrdma_config_parse(struct vrdma_ctx *ctx, const char *text, size_t len,
                                    struct vrdma_config **ret)
{
	if (!ctx || !text || !ret)
		return -EINVAL;
	vrdma_error_clear(ctx);
	return vrdma_config_from_text(ctx, "<buffer>", text, len, ret);
}

int vrdma_config_text_generation(const char *text, size_t len, uint64_t *ret)
{
	struct json_tokener *tok;
	struct json_object *root, *g;
	int r = -EBADMSG;

	if (memchr(text, '\0', len))
		return -EBADMSG;
	tok = json_tokener_new_ex(JSON_MAX_DEPTH + 2);
	if (!tok)
		return -ENOMEM;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	root = json_tokener_parse_ex(tok, text, (int)len);
	json_tokener_free(tok);
	if (root && json_object_get_type(root) == json_type_object &&
	    json_object_object_get_ex(root, "generation", &g) &&
	    json_object_get_type(g) == json_type_int && json_object_get_int64(g) >= 0 &&
	    json_object_get_int64(g) < INT64_MAX) {
		*ret = (uint64_t)json_object_get_int64(g);
		r = 0;
	}
	json_object_put(root);
	return r;
}
