/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Stateful fuzzing of vrdmactl's command line, in-process: vctl_main() (the
 * tool's whole command line, examples/vrdmactl/main.c) runs a sequence of
 * random argument vectors against one configuration file in a private
 * directory, and a host snapshot (--host) so that nothing reads the kernel.
 *
 * Input: byte 0 chooses the starting state (bit 0 set: no configuration file,
 * else a seed configuration made by vrdmactl itself at start-up); the rest is
 * words separated by NUL bytes.  A word starting with byte 0x01 starts a
 * command: the rest of that word names it (a command path, exactly), else
 * picks one by its hash; the words up to the next such word are its
 * arguments.  At most MAX_CMDS commands of MAX_ARGS arguments each.
 * Commands that touch the kernel or write other files (apply, host save,
 * nvme discover/connect/disconnect, storage ...) are never run, and words
 * that would replace --host or --config or ask for other files to be written
 * (--write) are dropped.
 *
 * After each command:
 *  - the exit status is one of the documented ones (0-3);
 *  - status 0: the configuration file, if there is one, loads
 *    (vrdma_config_load); a file that existed still exists;
 *  - any other status: the file is byte-identical (or still absent);
 *  - stdout and stderr hold valid UTF-8 without C0 controls other than
 *    newline, DEL, C1 controls or bidirectional overrides (the sanitiser);
 * and a vrdmactl exit() would end the run as a finding ("fuzz target
 * exited"): the tool returns its exit code from every path.
 *
 * Suite fuzz (clang, libFuzzer); with -DVRDMA_FUZZ_REPLAY it gets a main()
 * that replays the files named on its command line (suite unit, any compiler).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <vrdma/vrdma.h>

#include "vrdmactl.h"

#ifndef FUZZ_HOST_SNAPSHOT
#error "FUZZ_HOST_SNAPSHOT (a host snapshot file) must be defined"
#endif

#define MAX_CMDS 8
#define MAX_ARGS 24
#define MAX_CMD_WORDS 8

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Set up once, read-only afterwards. */
static struct {
	char dir[64];
	char cfg[96];
	char *seed;             /* the seed configuration's bytes */
	size_t seed_len;
	const struct vctl_cmd *cmds[256]; /* the commands fuzzing may run */
	size_t n_cmds;
	struct vrdma_ctx *ctx;  /* for vrdma_config_load() */
	bool verbose;           /* $FUZZ_VRDMACTL_VERBOSE: show every command */
} H;

static void die(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz-vrdmactl: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
	abort();
}

/* ---- files ------------------------------------------------------------------ */

/* The whole file (malloc()ed, *len bytes), NULL when it does not exist. */
static char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0, k;

	*len = 0;
	if (!f) {
		if (errno != ENOENT)
			die("cannot read the configuration", strerror(errno));
		return NULL;
	}
	do {
		if (n == cap) {
			char *nb = realloc(buf, cap = cap ? cap * 2 : 4096);
			if (!nb)
				die("out of memory", NULL);
			buf = nb;
		}
		k = fread(buf + n, 1, cap - n, f);
		n += k;
	} while (k > 0);
	fclose(f);
	*len = n;
	return buf ? buf : strdup("");
}

static void write_all(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0)
		die("cannot write the configuration", path);
}

/* Start state: the seed configuration or none; no lock or temporary files. */
static void reset_state(bool without_config)
{
	char lock[128];

	snprintf(lock, sizeof(lock), "%s.lock", H.cfg);
	unlink(lock);
	if (without_config) {
		if (unlink(H.cfg) < 0 && errno != ENOENT)
			die("cannot remove the configuration", strerror(errno));
	} else {
		write_all(H.cfg, H.seed, H.seed_len);
	}
}

/* ---- running vrdmactl --------------------------------------------------------- */

/* Valid UTF-8 with nothing a terminal acts on; else what is wrong. */
static const char *output_problem(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned char c = s[i];
		uint32_t cp;
		size_t len, k;

		if (c < 0x80) {
			if ((c < 0x20 && c != '\n') || c == 0x7f)
				return "a raw control character";
			i++;
			continue;
		}
		len = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 :
		      c >= 0xf0 && c <= 0xf4 ? 4 : 0;
		if (!len || i + len > n)
			return "invalid UTF-8";
		cp = c & (0xff >> (len + 1));
		for (k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return "invalid UTF-8";
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return "invalid UTF-8";
		if (cp <= 0x9f)
			return "a raw C1 control";
		if ((cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) ||
		    cp == 0x2028 || cp == 0x2029)
			return "a raw bidirectional or separator character";
		i += len;
	}
	return NULL;
}

static void show_argv(int argc, char **argv)
{
	int i;

	fprintf(stderr, "fuzz-vrdmactl: command:");
	for (i = 0; i < argc; i++) {
		const unsigned char *p = (const unsigned char *)argv[i];
		fputs(" '", stderr);
		for (; *p; p++)
			fprintf(stderr, *p >= 0x20 && *p < 0x7f && *p != '\'' ? "%c" : "\\x%02x", *p);
		fputc('\'', stderr);
	}
	fputc('\n', stderr);
}

/* vctl_main() with stdout and stderr captured; returns its exit code. */
static int run_captured(int argc, char **argv, char **out, size_t *out_len)
{
	FILE *real_out = stdout, *real_err = stderr, *cap;
	int rc;

	cap = open_memstream(out, out_len);
	if (!cap)
		die("out of memory", NULL);
	stdout = cap;
	stderr = cap;
	rc = vctl_main(argc, argv);
	stdout = real_out;
	stderr = real_err;
	if (fclose(cap) != 0)
		die("cannot capture the output", NULL);
	return rc;
}

static void check_config(int rc, int argc, char **argv, const char *before, size_t blen)
{
	struct vrdma_config *cfg = NULL;
	size_t alen;
	char *after = read_all(H.cfg, &alen);
	int r;

	if (rc == VCTL_EXIT_OK) {
		if (before && !after) {
			show_argv(argc, argv);
			die("exit 0, and the configuration file is gone", NULL);
		}
		if (after && (r = vrdma_config_load(H.ctx, H.cfg, &cfg)) < 0) {
			show_argv(argc, argv);
			fprintf(stderr, "%.*s\n", (int)alen, after);
			die("exit 0, and the saved configuration does not load",
			    vrdma_ctx_get_error(H.ctx));
		}
		vrdma_config_unref(cfg);
	} else if (!before != !after || blen != alen || (before && memcmp(before, after, blen))) {
		show_argv(argc, argv);
		die("a failed command changed the configuration file", NULL);
	}
	free(after);
}

static void run_one(int argc, char **argv)
{
	char *out = NULL, *before;
	size_t out_len = 0, blen;
	const char *why;
	int rc;

	before = read_all(H.cfg, &blen);
	rc = run_captured(argc, argv, &out, &out_len);
	if (H.verbose) {
		show_argv(argc, argv);
		fprintf(stderr, "fuzz-vrdmactl: exit %d: %.*s", rc, (int)out_len, out);
	}
	if (rc < VCTL_EXIT_OK || rc > VCTL_EXIT_PROBLEMS) {
		show_argv(argc, argv);
		die("exit status out of 0-3", NULL);
	}
	why = output_problem((const unsigned char *)out, out_len);
	if (why) {
		show_argv(argc, argv);
		fprintf(stderr, "fuzz-vrdmactl: output (%zu bytes): %.*s\n", out_len, (int)out_len, out);
		die("the output holds", why);
	}
	check_config(rc, argc, argv, before, blen);
	free(before);
	free(out);
}

/* ---- commands ------------------------------------------------------------------ */

/* Commands that reach the kernel (apply; nvme discover, connect and
 * disconnect through /dev/nvme-fabrics; storage ..., which reads the host's
 * NVMe and iSCSI sessions from sysfs) or write a file they are given (host
 * save) are never run: the listed paths and everything under them.  A new
 * command of that kind must be listed here. */
static bool runnable(const struct vctl_cmd *c)
{
	static const char *const never[] = {
		"apply", "host save", "nvme discover", "nvme connect", "nvme disconnect", "storage",
		"monitor", /* waits for kernel events; --reapply applies */
	};
	size_t i, n;

	for (i = 0; i < sizeof(never) / sizeof(never[0]); i++) {
		n = strlen(never[i]);
		if (strncmp(c->path, never[i], n) == 0 && (c->path[n] == '\0' || c->path[n] == ' '))
			return false;
	}
	return true;
}

static const struct vctl_cmd *pick_cmd(const char *sel)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < H.n_cmds; i++)
		if (strcmp(H.cmds[i]->path, sel) == 0)
			return H.cmds[i];
	for (; *sel; sel++)
		h = (h ^ (unsigned char)*sel) * 16777619u;
	return H.cmds[h % H.n_cmds];
}

/* Words that would point vrdmactl at another host or configuration, or make
 * a command write other files (iser iface --write [DIR]). */
static bool dropped(const char *w)
{
	static const char *const opts[] = { "--host", "--config", "--write" };
	size_t i, n;

	for (i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
		n = strlen(opts[i]);
		if (strncmp(w, opts[i], n) == 0 && (w[n] == '\0' || w[n] == '='))
			return true;
	}
	return false;
}

/* Build "vrdmactl --host S --config C PATH... ARGS..." and run it. */
static void run_words(const struct vctl_cmd *c, char **args, int nargs)
{
	char *argv[5 + MAX_CMD_WORDS + MAX_ARGS + 1], path[128], *save = NULL, *w;
	int argc = 0, i;

	argv[argc++] = (char *)"vrdmactl";
	argv[argc++] = (char *)"--host";
	argv[argc++] = (char *)FUZZ_HOST_SNAPSHOT;
	argv[argc++] = (char *)"--config";
	argv[argc++] = H.cfg;
	snprintf(path, sizeof(path), "%s", c->path);
	for (w = strtok_r(path, " ", &save); w && argc < 5 + MAX_CMD_WORDS;
	     w = strtok_r(NULL, " ", &save))
		argv[argc++] = w;
	for (i = 0; i < nargs; i++)
		if (!dropped(args[i]))
			argv[argc++] = args[i];
	argv[argc] = NULL;
	run_one(argc, argv);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf, *p, *end, *args[MAX_ARGS];
	const struct vctl_cmd *c = NULL;
	int nargs = 0, ncmds = 0;

	if (size == 0)
		return 0;
	buf = malloc(size + 1);
	if (!buf)
		return 0;
	memcpy(buf, data + 1, size - 1);
	buf[size - 1] = '\0';
	reset_state(data[0] & 1);
	for (p = buf, end = buf + size - 1; p < end; p += strlen(p) + 1) {
		if (p[0] == '\x01') {
			if (c)
				run_words(c, args, nargs);
			c = ncmds++ < MAX_CMDS ? pick_cmd(p + 1) : NULL;
			nargs = 0;
		} else if (c && nargs < MAX_ARGS) {
			args[nargs++] = p;
		}
	}
	if (c)
		run_words(c, args, nargs);
	free(buf);
	return 0;
}

/* ---- set-up ------------------------------------------------------------------- */

/* The seed configuration, made by vrdmactl: every kind of object once. */
static void make_seed(void)
{
	static const char *const steps[][16] = {
		{ "network", "vswitch", "standard", "add", "-v", "vSwitch1" },
		{ "network", "vswitch", "standard", "uplink", "add", "-v", "vSwitch1", "-u", "vmnic1" },
		{ "network", "vswitch", "standard", "uplink", "add", "-v", "vSwitch1", "-u", "vmnic2" },
		{ "network", "vswitch", "standard", "portgroup", "add", "-v", "vSwitch1", "-p", "PG" },
		{ "network", "vswitch", "standard", "portgroup", "policy", "failover", "set", "-p", "PG",
		  "-a", "vmnic1" },
		{ "network", "ip", "interface", "add", "-i", "vmk1", "-p", "PG" },
		{ "network", "ip", "interface", "ipv4", "set", "-i", "vmk1", "-t", "static", "-I",
		  "192.168.50.11/24", "-g", "192.168.50.1" },
		{ "network", "ip", "interface", "ipv6", "address", "add", "-i", "vmk1", "-I",
		  "fd00:50::11/64" },
		{ "network", "ip", "interface", "tag", "add", "-i", "vmk1", "-t", "nvme-rdma" },
		{ "network", "vswitch", "dvs", "add", "-v", "DSwitch", "-n", "2" },
		{ "network", "vswitch", "dvs", "uplink", "set", "-v", "DSwitch", "-U", "Uplink 1", "-u",
		  "vmnic3" },
		{ "network", "vswitch", "dvs", "portgroup", "add", "-v", "DSwitch", "-p", "DPG",
		  "--vlan-trunk", "10-20,30" },
	};
	size_t i;

	reset_state(true);
	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		char *argv[24];
		char *out = NULL;
		size_t out_len = 0;
		int argc = 0, k;

		argv[argc++] = (char *)"vrdmactl";
		argv[argc++] = (char *)"--config";
		argv[argc++] = H.cfg;
		for (k = 0; k < 16 && steps[i][k]; k++)
			argv[argc++] = (char *)steps[i][k];
		argv[argc] = NULL;
		if (run_captured(argc, argv, &out, &out_len) != VCTL_EXIT_OK) {
			fprintf(stderr, "%.*s", (int)out_len, out);
			die("the seed configuration cannot be made", steps[i][3]);
		}
		free(out);
	}
	H.seed = read_all(H.cfg, &H.seed_len);
	if (!H.seed)
		die("no seed configuration", NULL);
}

static void cleanup(void)
{
	char lock[128];

	snprintf(lock, sizeof(lock), "%s.lock", H.cfg);
	unlink(lock);
	unlink(H.cfg);
	rmdir(H.dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	size_t t;

	(void)argc;
	(void)argv;
	H.verbose = getenv("FUZZ_VRDMACTL_VERBOSE") != NULL;
	snprintf(H.dir, sizeof(H.dir), "%s/fuzz-vrdmactl.XXXXXX",
	         access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
	if (!mkdtemp(H.dir))
		die("cannot make a directory", strerror(errno));
	snprintf(H.cfg, sizeof(H.cfg), "%s/vrdma.json", H.dir);
	atexit(cleanup);
	for (t = 0; t < vctl_n_cmd_tables; t++) {
		const struct vctl_cmd *c;
		for (c = vctl_cmd_tables[t]; c->path; c++)
			if (runnable(c) && H.n_cmds < sizeof(H.cmds) / sizeof(H.cmds[0]))
				H.cmds[H.n_cmds++] = c;
	}
	if (vrdma_ctx_new(&H.ctx) < 0)
		die("cannot make a context", NULL);
	vrdma_ctx_set_log_fn(H.ctx, NULL, NULL);
	make_seed();
	return 0;
}

#ifdef VRDMA_FUZZ_REPLAY
int main(int argc, char **argv)
{
	static uint8_t buf[1 << 16];
	int i;

	LLVMFuzzerInitialize(&argc, &argv);
	for (i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		size_t n;

		if (!f) {
			perror(argv[i]);
			return 1;
		}
		n = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		LLVMFuzzerTestOneInput(buf, n);
		printf("ok %s (%zu bytes)\n", argv[i], n);
	}
	return argc > 1 ? 0 : 77;
}
#endif
