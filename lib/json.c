/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The JSON layer shared by the configuration (config-json.c) and the host
 * snapshot (snapshot.c): bounded reading of regular files, a strict
 * pre-scan (one pass, linear in the text) that json-c does not do itself,
 * parsing with json-c, typed member access with one error wording, and
 * canonical serialisation.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "core-private.h"

#define PROBLEM_TEXT_MAX 900 /* of the combined message */
#define PATH_MAX_LEN 256     /* of a path shown in a message */
#define KEY_SHOWN_MAX 64     /* of a member name inside such a path */
#define WHAT_SHOWN_MAX 400   /* of what one problem says */

/* ---- files ------------------------------------------------------------------- */

static const char *label_sep(const char *label)
{
	return label ? " " : "";
}

int vrdma_json_check_file(struct vrdma_ctx *ctx, const char *label, const char *path,
                          const struct stat *st, size_t max)
{
	if (S_ISDIR(st->st_mode))
		return vrdma_error(ctx, -EISDIR, "%s%s%s: is a directory, expected a regular file",
		                   label ? label : "", label_sep(label), path);
	if (!S_ISREG(st->st_mode))
		return vrdma_error(ctx, -EINVAL, "%s%s%s: is not a regular file", label ? label : "",
		                   label_sep(label), path);
	if ((uint64_t)st->st_size > max)
		return vrdma_error(ctx, -EFBIG, "%s%s%s: %" PRIu64 " bytes is larger than the limit of %zu bytes",
		                   label ? label : "", label_sep(label), path, (uint64_t)st->st_size, max);
	return 0;
}

int vrdma_json_open_file(struct vrdma_ctx *ctx, const char *label, const char *path, int flags,
                         size_t max, int *ret_fd)
{
	struct stat st;
	int fd, r;

	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY | flags);
	if (fd < 0)
		return vrdma_error(ctx, -errno, "%s%s%s: cannot open: %m", label ? label : "",
		                   label_sep(label), path);
	if (fstat(fd, &st) < 0) {
		r = vrdma_error(ctx, -errno, "%s%s%s: %m", label ? label : "", label_sep(label), path);
		close(fd);
		return r;
	}
	r = vrdma_json_check_file(ctx, label, path, &st, max);
	if (r < 0) {
		close(fd);
		return r;
	}
	*ret_fd = fd;
	return 0;
}

int vrdma_json_read_fd(struct vrdma_ctx *ctx, const char *label, const char *path, int fd,
                       size_t max, char **ret, size_t *ret_len)
{
	size_t cap = 4096, n = 0;
	char *b = malloc(cap);
	int r;

	if (!b)
		return -ENOMEM;
	for (;;) {
		ssize_t k;

		if (n + 1 >= cap) {
			char *nb;
			if (n > max)
				break;
			nb = realloc(b, cap * 2);
			if (!nb) {
				free(b);
				return -ENOMEM;
			}
			b = nb;
			cap *= 2;
		}
		k = read(fd, b + n, cap - n - 1);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			r = vrdma_error(ctx, -errno, "%s%s%s: read error: %m", label ? label : "",
			                label_sep(label), path);
			free(b);
			return r;
		}
		if (k == 0)
			break;
		n += (size_t)k;
	}
	if (n > max) {
		free(b);
		return vrdma_error(ctx, -EFBIG, "%s%s%s: larger than the limit of %zu bytes",
		                   label ? label : "", label_sep(label), path, max);
	}
	b[n] = '\0';
	*ret = b;
	*ret_len = n;
	return 0;
}

/* ---- problems ------------------------------------------------------------------ */

void vrdma_json_reader_init(struct vrdma_json_reader *rd, struct vrdma_ctx *ctx,
                            const char *source, bool collect)
{
	*rd = (struct vrdma_json_reader){ .ctx = ctx, .source = source, .collect = collect };
}

/*
 * Copy at most `max` bytes of `s` into buf (of size > max), cut on a UTF-8
 * character boundary and ending in "..." when `s` is longer.
 */
static const char *shorten(const char *s, size_t max, char *buf)
{
	size_t n = strlen(s);

	if (n <= max)
		return s;
	n = max - 3;
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	memcpy(buf, s, n);
	memcpy(buf + n, "...", 4);
	return buf;
}

/*
 * Append "; " (unless first) and `s` to the message, or "; ..." once it is
 * full.  The first problem always goes in (shortened to fit), so the
 * message is never empty.
 */
static void add_text(struct vrdma_json_reader *rd, const char *s)
{
	char buf[PROBLEM_TEXT_MAX + 1];
	size_t n, need;
	const char *sep = rd->len ? "; " : "";
	char *t;

	if (!rd->len)
		s = shorten(s, PROBLEM_TEXT_MAX, buf);
	n = strlen(s);
	if (rd->len && rd->len + n + 2 > PROBLEM_TEXT_MAX) {
		if (rd->len >= 3 && strcmp(rd->text + rd->len - 3, "...") == 0)
			return;
		s = "...";
		n = 3;
	}
	need = rd->len + n + 3;
	t = realloc(rd->text, need);
	if (!t)
		return;
	rd->text = t;
	rd->len += (size_t)sprintf(rd->text + rd->len, "%s%s", sep, s);
}

int vrdma_json_problem(struct vrdma_json_reader *rd, int error, const char *path,
                       const char *key, const char *format, ...)
{
	char kbuf[KEY_SHOWN_MAX + 1], pbuf[PATH_MAX_LEN + 1], wbuf[WHAT_SHOWN_MAX + 1];
	char *what = NULL, *line = NULL;
	va_list ap;
	int n;

	if (rd->n_problems++ == 0)
		rd->first_error = error;
	else if (!rd->collect)
		return error;
	va_start(ap, format);
	n = vasprintf(&what, format, ap);
	va_end(ap);
	if (n < 0)
		return error;
	/* a long member name, path or value is shortened, never dropped */
	if (asprintf(&line, "%s%s%s: %s", shorten(path, PATH_MAX_LEN, pbuf), key ? "." : "",
	             key ? shorten(key, KEY_SHOWN_MAX, kbuf) : "",
	             shorten(what, WHAT_SHOWN_MAX, wbuf)) >= 0) {
		info(rd->ctx, "%s: %s", rd->source, line);
		add_text(rd, line);
	}
	free(line);
	free(what);
	return error;
}

int vrdma_json_reader_finish(struct vrdma_json_reader *rd)
{
	int e = rd->first_error == -ENOMEM || rd->first_error == -EFBIG ? rd->first_error : -EINVAL;

	if (rd->n_problems == 0)
		e = 0;
	else if (!rd->text)
		e = -ENOMEM;
	else if (rd->n_problems == 1 || !rd->collect)
		vrdma_error(rd->ctx, e, "%s: %s", rd->source, rd->text);
	else
		vrdma_error(rd->ctx, e, "%s: %u problems: %s", rd->source, rd->n_problems, rd->text);
	free(rd->text);
	rd->text = NULL;
	rd->len = 0;
	return e;
}

/* ---- strict pre-scan ------------------------------------------------------------ */

/* One member name seen, for the duplicate check (open addressing). */
struct seen_key {
	uint32_t object; /* 0: free slot, else the object's number + 1 */
	uint32_t hash;
	size_t off, len; /* in scan.keys */
};

struct scan {
	struct vrdma_json_reader *rd;
	const char *p, *end, *line_start;
	unsigned int line;
	bool failed;
	char path[PATH_MAX_LEN];
	size_t path_len;
	/* member names decoded, and the table of (object, name) pairs */
	char *keys;
	size_t keys_len, keys_cap;
	struct seen_key *seen;
	size_t n_seen, cap_seen;
	uint32_t n_objects;
};

static int scan_fail(struct scan *sc, int error, const char *what)
{
	if (!sc->failed) {
		sc->failed = true;
		if (error == -ENOMEM)
			vrdma_json_problem(sc->rd, error, sc->path, NULL, "out of memory");
		else
			vrdma_json_problem(sc->rd, error, sc->path, NULL,
			                   "invalid JSON at line %u, column %zu: %s", sc->line,
			                   (size_t)(sc->p - sc->line_start) + 1, what);
	}
	return error;
}

/* Append ".key" (shortened) or "[index]" to the path of messages. */
static void path_push(struct scan *sc, const char *key, size_t key_len, unsigned int index)
{
	size_t room = sizeof(sc->path) - sc->path_len;
	int n;

	if (key && key_len > KEY_SHOWN_MAX)
		n = snprintf(sc->path + sc->path_len, room, ".%.*s...", KEY_SHOWN_MAX - 3, key);
	else if (key)
		n = snprintf(sc->path + sc->path_len, room, ".%.*s", (int)key_len, key);
	else
		n = snprintf(sc->path + sc->path_len, room, "[%u]", index);
	sc->path_len += n < 0 ? 0 : (size_t)n < room ? (size_t)n : room - 1;
}

static void path_pop(struct scan *sc, size_t len)
{
	sc->path_len = len;
	sc->path[len] = '\0';
}

static void skip_ws(struct scan *sc)
{
	for (; sc->p < sc->end; sc->p++) {
		if (*sc->p == '\n') {
			sc->line++;
			sc->line_start = sc->p + 1;
		} else if (*sc->p != ' ' && *sc->p != '\t' && *sc->p != '\r') {
			break;
		}
	}
}

/* Length of the valid UTF-8 sequence at p (first byte >= 0x80), 0 if invalid. */
static size_t utf8_len(const unsigned char *p, const unsigned char *end)
{
	unsigned char c = p[0];
	size_t n, i;
	uint32_t cp;

	if (c < 0xc2 || c > 0xf4)
		return 0;
	n = c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
	if ((size_t)(end - p) < n)
		return 0;
	cp = c & (0x3fu >> (n - 1));
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3fu);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

static int keep(struct scan *sc, const char *s, size_t n)
{
	if (sc->keys_len + n > sc->keys_cap) {
		size_t cap = sc->keys_cap;
		char *k;
		while (sc->keys_len + n > cap)
			cap *= 2;
		k = realloc(sc->keys, cap);
		if (!k)
			return -ENOMEM;
		sc->keys = k;
		sc->keys_cap = cap;
	}
	memcpy(sc->keys + sc->keys_len, s, n);
	sc->keys_len += n;
	return 0;
}

static int hex4(const char *p, const char *end, uint32_t *ret)
{
	uint32_t v = 0;
	int i;

	if (end - p < 4)
		return -1;
	for (i = 0; i < 4; i++) {
		char c = p[i];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (uint32_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (uint32_t)(c - 'A' + 10);
		else
			return -1;
	}
	*ret = v;
	return 0;
}

/* A \uXXXX escape (sc->p at the backslash), with its low surrogate if any; UTF-8 into out. */
static int scan_unicode(struct scan *sc, char out[4], size_t *n)
{
	const char *q = sc->p + 6;
	uint32_t cp, lo;

	if (hex4(sc->p + 2, sc->end, &cp) < 0)
		return scan_fail(sc, -EINVAL, "bad \\u escape in a string");
	if (cp == 0)
		return scan_fail(sc, -EINVAL, "\\u0000 in a string");
	if (cp >= 0xdc00 && cp <= 0xdfff)
		return scan_fail(sc, -EINVAL, "unpaired surrogate in a string");
	if (cp >= 0xd800 && cp <= 0xdbff) {
		if (sc->end - q < 6 || q[0] != '\\' || q[1] != 'u' || hex4(q + 2, sc->end, &lo) < 0 ||
		    lo < 0xdc00 || lo > 0xdfff)
			return scan_fail(sc, -EINVAL, "unpaired surrogate in a string");
		q += 6;
		cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
	}
	sc->p = q;
	if (cp < 0x80) {
		out[0] = (char)cp;
		*n = 1;
	} else if (cp < 0x800) {
		out[0] = (char)(0xc0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3f));
		*n = 2;
	} else if (cp < 0x10000) {
		out[0] = (char)(0xe0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		*n = 3;
	} else {
		out[0] = (char)(0xf0 | cp >> 18);
		out[1] = (char)(0x80 | (cp >> 12 & 0x3f));
		out[2] = (char)(0x80 | (cp >> 6 & 0x3f));
		out[3] = (char)(0x80 | (cp & 0x3f));
		*n = 4;
	}
	return 0;
}

/* A string (sc->p at the opening quote); a member name is decoded into sc->keys. */
static int scan_string(struct scan *sc, bool is_key)
{
	static const char unescape[] = "\"\"\\\\//b\bf\fn\nr\rt\t";

	sc->p++;
	while (sc->p < sc->end && *sc->p != '"') {
		unsigned char c = (unsigned char)*sc->p;
		const char *from = sc->p;
		char buf[4];
		size_t n = 1;
		int r;

		if (c < 0x20)
			return scan_fail(sc, -EINVAL, c == '\n' ? "unterminated string"
			                                        : "control character in a string");
		if (c == '\\') {
			const char *e = sc->p + 1 < sc->end ? strchr(unescape, sc->p[1]) : NULL;
			if (sc->p + 1 < sc->end && sc->p[1] == 'u') {
				if ((r = scan_unicode(sc, buf, &n)) < 0)
					return r;
				from = buf;
			} else if (!e || !sc->p[1] || (e - unescape) % 2) {
				return scan_fail(sc, -EINVAL, "bad escape in a string");
			} else {
				buf[0] = e[1];
				from = buf;
				sc->p += 2;
			}
		} else if (c >= 0x80) {
			n = utf8_len((const unsigned char *)sc->p, (const unsigned char *)sc->end);
			if (!n)
				return scan_fail(sc, -EINVAL, "invalid UTF-8 in a string");
			sc->p += n;
		} else {
			sc->p++;
		}
		if (is_key && keep(sc, from, n) < 0)
			return scan_fail(sc, -ENOMEM, NULL);
	}
	if (sc->p >= sc->end)
		return scan_fail(sc, -EINVAL, "unterminated string");
	sc->p++;
	return 0;
}

/*
 * FNV-1a of the name, then the object's number mixed in with a finaliser
 * (murmur3's): the table is shared by every object, and the same names
 * recur in thousands of them, so the low bits (the slot) must differ.
 */
static uint32_t key_hash(uint32_t object, const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	h ^= object * 0x9e3779b1u;
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	h ^= h >> 16;
	return h;
}

static int seen_grow(struct scan *sc)
{
	size_t cap = sc->cap_seen ? sc->cap_seen * 2 : 64, i, j;
	struct seen_key *t = calloc(cap, sizeof(*t));

	if (!t)
		return -ENOMEM;
	for (i = 0; i < sc->cap_seen; i++) {
		if (!sc->seen[i].object)
			continue;
		for (j = sc->seen[i].hash & (cap - 1); t[j].object; j = (j + 1) & (cap - 1))
			;
		t[j] = sc->seen[i];
	}
	free(sc->seen);
	sc->seen = t;
	sc->cap_seen = cap;
	return 0;
}

/* The name just decoded at keys[off..] is a member of `object`: 1 if seen before. */
static int seen_add(struct scan *sc, uint32_t object, size_t off)
{
	size_t len = sc->keys_len - off, i;
	uint32_t h = key_hash(object, sc->keys + off, len);

	if ((sc->n_seen + 1) * 2 > sc->cap_seen && seen_grow(sc) < 0)
		return -ENOMEM;
	for (i = h & (sc->cap_seen - 1); sc->seen[i].object; i = (i + 1) & (sc->cap_seen - 1)) {
		struct seen_key *k = &sc->seen[i];
		if (k->object == object + 1 && k->hash == h && k->len == len &&
		    memcmp(sc->keys + k->off, sc->keys + off, len) == 0)
			return 1;
	}
	sc->seen[i] = (struct seen_key){ .object = object + 1, .hash = h, .off = off, .len = len };
	sc->n_seen++;
	return 0;
}

static int scan_number(struct scan *sc)
{
	const char *p = sc->p;

	if (*p == '-')
		p++;
	if (p >= sc->end || *p < '0' || *p > '9')
		return scan_fail(sc, -EINVAL, "bad number");
	if (*p == '0' && p + 1 < sc->end && p[1] >= '0' && p[1] <= '9')
		return scan_fail(sc, -EINVAL, "bad number (leading zero)");
	while (p < sc->end && *p >= '0' && *p <= '9')
		p++;
	if (p < sc->end && *p == '.') {
		p++;
		if (p >= sc->end || *p < '0' || *p > '9')
			return scan_fail(sc, -EINVAL, "bad number");
		while (p < sc->end && *p >= '0' && *p <= '9')
			p++;
	}
	if (p < sc->end && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < sc->end && (*p == '+' || *p == '-'))
			p++;
		if (p >= sc->end || *p < '0' || *p > '9')
			return scan_fail(sc, -EINVAL, "bad number");
		while (p < sc->end && *p >= '0' && *p <= '9')
			p++;
	}
	sc->p = p;
	return 0;
}

static int scan_value(struct scan *sc, int depth);

static int scan_object(struct scan *sc, int depth)
{
	uint32_t object = sc->n_objects++;
	size_t base = sc->path_len;
	int r;

	sc->p++;
	skip_ws(sc);
	if (sc->p < sc->end && *sc->p == '}') {
		sc->p++;
		return 0;
	}
	for (;;) {
		size_t off = sc->keys_len;

		if (sc->p >= sc->end || *sc->p != '"')
			return scan_fail(sc, -EINVAL, sc->p < sc->end && *sc->p == '}' ? "trailing comma"
			                 : "expected a member name in double quotes");
		if ((r = scan_string(sc, true)) < 0)
			return r;
		path_push(sc, sc->keys + off, sc->keys_len - off, 0);
		r = seen_add(sc, object, off);
		if (r < 0)
			return scan_fail(sc, r, NULL);
		if (r > 0) {
			sc->failed = true;
			return vrdma_json_problem(sc->rd, -EINVAL, sc->path, NULL,
			                          "duplicate member at line %u", sc->line);
		}
		skip_ws(sc);
		if (sc->p >= sc->end || *sc->p != ':')
			return scan_fail(sc, -EINVAL, "expected ':'");
		sc->p++;
		if ((r = scan_value(sc, depth)) < 0)
			return r;
		path_pop(sc, base);
		skip_ws(sc);
		if (sc->p < sc->end && *sc->p == '}') {
			sc->p++;
			return 0;
		}
		if (sc->p >= sc->end || *sc->p != ',')
			return scan_fail(sc, -EINVAL, "expected ',' or '}'");
		sc->p++;
		skip_ws(sc);
	}
}

static int scan_array(struct scan *sc, int depth)
{
	size_t base = sc->path_len;
	unsigned int i;
	int r;

	sc->p++;
	skip_ws(sc);
	if (sc->p < sc->end && *sc->p == ']') {
		sc->p++;
		return 0;
	}
	for (i = 0;; i++) {
		path_push(sc, NULL, 0, i);
		skip_ws(sc);
		if (i > 0 && sc->p < sc->end && *sc->p == ']')
			return scan_fail(sc, -EINVAL, "trailing comma");
		if ((r = scan_value(sc, depth)) < 0)
			return r;
		path_pop(sc, base);
		skip_ws(sc);
		if (sc->p < sc->end && *sc->p == ']') {
			sc->p++;
			return 0;
		}
		if (sc->p >= sc->end || *sc->p != ',')
			return scan_fail(sc, -EINVAL, "expected ',' or ']'");
		sc->p++;
	}
}

static int scan_literal(struct scan *sc, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(sc->end - sc->p) < n || memcmp(sc->p, word, n) != 0)
		return scan_fail(sc, -EINVAL, "unexpected character");
	sc->p += n;
	return 0;
}

static int scan_value(struct scan *sc, int depth)
{
	char what[64];
	unsigned char c;

	skip_ws(sc);
	if (sc->p >= sc->end)
		return scan_fail(sc, -EINVAL, "unexpected end of the document");
	c = (unsigned char)*sc->p;
	if ((c == '{' || c == '[') && depth >= VRDMA_JSON_MAX_DEPTH) {
		snprintf(what, sizeof(what), "nested deeper than %d levels", VRDMA_JSON_MAX_DEPTH);
		return scan_fail(sc, -EINVAL, what);
	}
	switch (c) {
	case '{':
		return scan_object(sc, depth + 1);
	case '[':
		return scan_array(sc, depth + 1);
	case '"':
		return scan_string(sc, false);
	case 't':
		return scan_literal(sc, "true");
	case 'f':
		return scan_literal(sc, "false");
	case 'n':
		return scan_literal(sc, "null");
	case '-':
		return scan_number(sc);
	case '/':
		return scan_fail(sc, -EINVAL, "unexpected character '/' (JSON has no comments)");
	case '\'':
		return scan_fail(sc, -EINVAL, "unexpected character ''' (strings are in double quotes)");
	}
	if (c >= '0' && c <= '9')
		return scan_number(sc);
	if (c >= 0x21 && c < 0x7f)
		snprintf(what, sizeof(what), "unexpected character '%c'", c);
	else
		snprintf(what, sizeof(what), "unexpected byte 0x%02x", c);
	return scan_fail(sc, -EINVAL, what);
}

static int prescan(struct vrdma_json_reader *rd, const char *text, size_t len)
{
	struct scan sc = {
		.rd = rd, .p = text, .end = text + len, .line_start = text,
		.line = 1, .path = "$", .path_len = 1,
	};
	int r;

	sc.keys_cap = 1024;
	sc.keys = malloc(sc.keys_cap);
	if (!sc.keys)
		return vrdma_json_problem(rd, -ENOMEM, "$", NULL, "out of memory");
	r = scan_value(&sc, 0);
	if (r >= 0) {
		skip_ws(&sc);
		if (sc.p < sc.end)
			r = scan_fail(&sc, -EINVAL, "trailing data after the document");
	}
	free(sc.keys);
	free(sc.seen);
	return r;
}

int vrdma_json_parse(struct vrdma_json_reader *rd, const char *text, size_t len, size_t max,
                     struct json_object **ret)
{
	struct json_tokener *tok;
	struct json_object *root;
	int r;

	if (len > max || len > INT32_MAX)
		return vrdma_json_problem(rd, -EFBIG, "$", NULL,
		                          "%zu bytes is larger than the limit of %zu bytes", len, max);
	r = prescan(rd, text, len);
	if (r < 0)
		return r;
	tok = json_tokener_new_ex(VRDMA_JSON_MAX_DEPTH + 1);
	if (!tok)
		return vrdma_json_problem(rd, -ENOMEM, "$", NULL, "out of memory");
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	root = json_tokener_parse_ex(tok, text, (int)len);
	if (!root)
		r = vrdma_json_problem(rd, -EINVAL, "$", NULL, "invalid JSON: %s",
		                       json_tokener_error_desc(json_tokener_get_error(tok)));
	json_tokener_free(tok);
	if (r < 0)
		return r;
	*ret = root;
	return 0;
}

/* ---- typed access ----------------------------------------------------------------- */

static const char *type_word(enum json_type t)
{
	switch (t) {
	case json_type_null: return "null";
	case json_type_boolean: return "a boolean";
	case json_type_double: return "a fractional number";
	case json_type_int: return "an integer";
	case json_type_object: return "an object";
	case json_type_array: return "an array";
	case json_type_string: return "a string";
	}
	return "something else";
}

const char *vrdma_json_type_name(struct json_object *v)
{
	return type_word(json_object_get_type(v));
}

int vrdma_json_check_members(struct vrdma_json_reader *rd, struct json_object *o,
                             const char *path, const char *const *allowed)
{
	int r = 0;

	json_object_object_foreach(o, k, v) {
		const char *const *a;
		(void)v;
		for (a = allowed; *a; a++)
			if (strcmp(*a, k) == 0)
				break;
		if (!*a) {
			r = vrdma_json_problem(rd, -EINVAL, path, k, "unexpected member");
			if (!rd->collect)
				break;
		}
	}
	return r;
}

int vrdma_json_expect(struct vrdma_json_reader *rd, struct json_object *v, const char *path,
                      int type)
{
	if ((int)json_object_get_type(v) == type)
		return 0;
	return vrdma_json_problem(rd, -EINVAL, path, NULL, "expected %s, got %s", type_word(type),
	                          vrdma_json_type_name(v));
}

int vrdma_json_member(struct vrdma_json_reader *rd, struct json_object *o, const char *path,
                      const char *key, int type, unsigned int flags,
                      struct json_object **ret)
{
	const char *ornull = flags & VRDMA_JSON_NULLABLE ? " or null" : "";
	struct json_object *v;

	*ret = NULL;
	if (!json_object_object_get_ex(o, key, &v)) {
		if (!(flags & VRDMA_JSON_REQUIRED))
			return 0;
		return vrdma_json_problem(rd, -EINVAL, path, key, "missing member: expected %s%s",
		                          type_word(type), ornull);
	}
	if (!v && (flags & VRDMA_JSON_NULLABLE))
		return 0;
	if ((int)json_object_get_type(v) != type)
		return vrdma_json_problem(rd, -EINVAL, path, key, "expected %s%s, got %s",
		                          type_word(type), ornull, vrdma_json_type_name(v));
	*ret = v;
	return 0;
}

int vrdma_json_get_int(struct vrdma_json_reader *rd, struct json_object *o, const char *path,
                       const char *key, unsigned int flags, int64_t min, int64_t max,
                       int64_t *ret)
{
	struct json_object *v;
	int64_t x;
	int r = vrdma_json_member(rd, o, path, key, json_type_int, flags, &v);

	if (r < 0)
		return r;
	if (!v)
		return -ENOENT;
	/* json-c saturates what does not fit in 64 bits */
	x = json_object_get_int64(v);
	if (x == INT64_MAX || x == INT64_MIN || x < min || x > max)
		return vrdma_json_problem(rd, -ERANGE, path, key,
		                          "%s is out of range: expected %" PRId64 "..%" PRId64,
		                          json_object_get_string(v), min, max);
	*ret = x;
	return 0;
}

/* ---- writing ------------------------------------------------------------------------ */

struct json_object *vrdma_json_string_or_null(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

int vrdma_json_format(struct json_object *root, char **ret)
{
	const char *s;
	size_t n;
	char *t;

	if (!root)
		return -ENOMEM;
	s = json_object_to_json_string_length(root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
	                                                    JSON_C_TO_STRING_NOSLASHESCAPE, &n);
	t = s ? malloc(n + 2) : NULL;
	if (t) {
		memcpy(t, s, n);
		t[n] = '\n';
		t[n + 1] = '\0';
	}
	json_object_put(root);
	if (!t)
		return -ENOMEM;
	*ret = t;
	return 0;
}
