/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vrdmactl: helpers shared by the command groups (host, options, output). */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "vrdmactl.h"

int vctl_open_host(struct vctl *v, unsigned int flags, struct vrdma_host **ret)
{
	int r;

	if (v->host_file) {
		r = vrdma_host_load(v->ctx, v->host_file, ret);
		if (r < 0)
			return vctl_fail(v, r, "cannot load host snapshot %s", v->host_file);
	} else {
		r = vrdma_host_discover(v->ctx, flags, ret);
		if (r < 0)
			return vctl_fail(v, r, "host discovery failed");
	}
	return 0;
}

int vctl_no_args(struct vctl *v, int argc, char **argv)
{
	if (argc > 1)
		return vctl_usage(v, "unexpected argument '%s'", argv[1]);
	return 0;
}

int vctl_device_opt(struct vctl *v, int argc, char **argv, const char **dev)
{
	int i;

	*dev = NULL;
	for (i = 1; i < argc; i++) {
		if ((strcmp(argv[i], "-d") == 0 || strcmp(argv[i], "--device") == 0) && i + 1 < argc)
			*dev = argv[++i];
		else if (strncmp(argv[i], "--device=", 9) == 0)
			*dev = argv[i] + 9;
		else
			return vctl_usage(v, "unexpected argument '%s'", argv[i]);
	}
	return 0;
}

const char *vctl_or_dash(const char *s)
{
	return s && s[0] ? s : "-";
}

struct json_object *vctl_jstr(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

void vctl_list_begin(struct vctl *v, struct vctl_list *l, const char *const *headers, int ncols)
{
	l->arr = v->json ? json_object_new_array() : NULL;
	l->t = v->json ? NULL : vctl_table_new(headers, ncols);
}

void vctl_list_end(struct vctl_list *l)
{
	if (l->arr) {
		vctl_print_json(l->arr);
		json_object_put(l->arr);
	} else {
		vctl_table_print(l->t, stdout);
		vctl_table_free(l->t);
	}
}

/* ---- command words ------------------------------------------------------- */

bool vctl_cmd_verb_is(const struct vctl *v, const char *verb)
{
	const char *last;

	if (!v->cmd_path)
		return false;
	last = strrchr(v->cmd_path, ' ');
	return strcmp(last ? last + 1 : v->cmd_path, verb) == 0;
}

bool vctl_cmd_has_word(const struct vctl *v, const char *word)
{
	const char *p = v->cmd_path;
	size_t len = strlen(word);

	while (p && *p) {
		size_t n = strcspn(p, " ");
		if (n == len && strncmp(p, word, n) == 0)
			return true;
		p += n;
		p += strspn(p, " ");
	}
	return false;
}

/* ---- output sanitising --------------------------------------------------- */

enum {
	ESC_KEEP_NL = 1,        /* multi-line text: '\n' stays */
	ESC_JSON = 2,           /* serialised JSON: C0 is structure or already escaped */
};

/* The valid UTF-8 sequence at s: its length (1-4) and code point, 0 if invalid. */
static size_t utf8_seq(const unsigned char *s, uint32_t *cp)
{
	size_t n, i;
	uint32_t c;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		c = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		c = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		c = s[0] & 0x07;
	} else {
		return 0;
	}
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80) /* also stops at the terminating NUL */
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 || c > 0x10ffff)) ||
	    (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

/* Code points a terminal would act on (or that reorder or break the line). */
static bool cp_unsafe(uint32_t c)
{
	return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x2028 || c == 0x2029 ||
	       (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

static bool cp_kept(uint32_t c, int flags)
{
	if (!cp_unsafe(c))
		return true;
	if (c == '\n' && (flags & ESC_KEEP_NL))
		return true;
	return c < 0x20 && (flags & ESC_JSON);
}

static bool needs_escape(const char *s, int flags)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t c;
	size_t n;

	for (; *p; p += n) {
		n = utf8_seq(p, &c);
		if (!n || !cp_kept(c, flags))
			return true;
	}
	return false;
}

/* Text: \xHH for C0, DEL and invalid bytes, \uHHHH for other code points.
 * JSON: \uHHHH, and U+FFFD for an invalid byte (JSON text is UTF-8). */
static char *escape(const char *s, int flags)
{
	const unsigned char *p = (const unsigned char *)s;
	char *out = malloc(strlen(s) * 6 + 1), *o = out;
	uint32_t c;
	size_t n;

	if (!out)
		return NULL;
	for (; *p; p += n) {
		n = utf8_seq(p, &c);
		if (!n) {
			o += flags & ESC_JSON ? sprintf(o, "\\ufffd") : sprintf(o, "\\x%02x", *p);
			n = 1;
		} else if (cp_kept(c, flags)) {
			memcpy(o, p, n);
			o += n;
		} else if (c < 0x80 && !(flags & ESC_JSON)) {
			o += sprintf(o, "\\x%02x", (unsigned int)c);
		} else {
			o += sprintf(o, "\\u%04x", (unsigned int)c);
		}
	}
	*o = '\0';
	return out;
}

char *vctl_escape(const char *s)
{
	return escape(s ? s : "", 0);
}

const char *vctl_str(struct vctl *v, const char *s)
{
	char **n, *e;

	if (!s || !needs_escape(s, 0))
		return s;
	n = realloc(v->strs, (v->n_strs + 1) * sizeof(*n));
	if (!n)
		return "?";
	v->strs = n;
	e = escape(s, 0);
	if (!e)
		return "?";
	v->strs[v->n_strs++] = e;
	return e;
}

void vctl_release(struct vctl *v)
{
	size_t i;

	for (i = 0; i < v->n_strs; i++)
		free(v->strs[i]);
	free(v->strs);
	v->strs = NULL;
	v->n_strs = 0;
}

static void put_escaped(const char *s, int flags, FILE *out)
{
	char *e;

	if (!needs_escape(s, flags)) {
		fputs(s, out);
		return;
	}
	e = escape(s, flags);
	fputs(e ? e : "?", out);
	free(e);
}

void vctl_fputs(const char *s, bool keep_newlines, FILE *out)
{
	put_escaped(s ? s : "", keep_newlines ? ESC_KEEP_NL : 0, out);
}

/* Serialised JSON: json-c escapes C0 controls but writes DEL, C1 controls and
 * invalid UTF-8 as they are. */
void vctl_fputs_json(const char *s, FILE *out)
{
	put_escaped(s, ESC_JSON, out);
}

void vctl_log_line(const char *fn, const char *format, va_list args)
{
	char *msg = NULL;

	if (vasprintf(&msg, format, args) < 0)
		msg = NULL;
	fputs("libvrdma: ", stderr);
	vctl_fputs(fn, false, stderr);
	fputs(": ", stderr);
	vctl_fputs(msg ? msg : format, false, stderr);
	fputc('\n', stderr);
	free(msg);
}

/* ---- the configuration file ---------------------------------------------- */

int vctl_cfg_open(struct vctl *v, bool create, struct vrdma_config **cfg)
{
	int r = vrdma_config_load(v->ctx, NULL, cfg);

	if (r == -ENOENT && create)
		r = vrdma_config_new(v->ctx, cfg);
	if (r < 0)
		return vctl_fail(v, r, "cannot load configuration %s",
		                 vrdma_ctx_get_config_path(v->ctx));
	return 0;
}

int vctl_cfg_fail(struct vctl *v, struct vrdma_config *cfg, int r)
{
	vctl_fail(v, 0, "%s", vrdma_ctx_get_error(v->ctx)[0] ? vrdma_ctx_get_error(v->ctx) :
	                                                     strerror(-r));
	vrdma_config_unref(cfg);
	return VCTL_EXIT_FAILURE;
}

static int mkdir_p(const char *dir)
{
	char buf[PATH_MAX], *p;

	if (snprintf(buf, sizeof(buf), "%s", dir) >= (int)sizeof(buf))
		return -ENAMETOOLONG;
	for (p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(buf, 0755) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

int vctl_cfg_commit(struct vctl *v, struct vrdma_config *cfg)
{
	const char *p;
	char path[PATH_MAX], dir[PATH_MAX], *slash;
	int r;

	/* a copy: the configuration's path goes with its last reference */
	if (vrdma_config_get_path(cfg, &p) < 0)
		p = vrdma_ctx_get_config_path(v->ctx);
	snprintf(path, sizeof(path), "%s", p);
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		r = mkdir_p(dir);
		if (r < 0) {
			vrdma_config_unref(cfg);
			return vctl_fail(v, r, "cannot create directory %s", dir);
		}
	}
	r = vrdma_config_save(cfg, NULL);
	vrdma_config_unref(cfg);
	if (r < 0)
		return vctl_fail(v, r, "cannot save configuration %s", path);
	return VCTL_EXIT_OK;
}
