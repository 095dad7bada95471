/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The alias state file (<state dir>/aliases.json) through live discovery:
 * "lo" is made the only uplink ($VRDMA_UPLINKS, and $VRDMA_SYSFS pointing
 * nowhere), so its vmnic alias comes from the state.  A recorded number is kept; a new device takes the lowest free
 * one and the file is written; a file that is not a valid state (strict
 * JSON, its schema, a directory) is left untouched with a message naming
 * the file and JSON path, the alias being provisional; a lock held by
 * someone else is waited for a bounded time (test hook), then the aliases
 * are provisional and the message names the lock file and its holder.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <syslog.h>
#include <unistd.h>

#include <vrdma/vrdma.h>

#include "testutil.h"

static struct vrdma_ctx *ctx;
static char dir[64], state[128], lockpath[128];
static char logged[8192];

static void collect(struct vrdma_ctx *c, int priority, const char *file, int line,
                    const char *fn, const char *format, va_list args)
{
	size_t n = strlen(logged);

	(void)c;
	(void)priority;
	(void)file;
	(void)line;
	(void)fn;
	if (n + 2 < sizeof(logged)) {
		vsnprintf(logged + n, sizeof(logged) - n - 1, format, args);
		strcat(logged, "\n");
	}
}

static void setup(void)
{
	ck_assert_int_eq(vrdma_ctx_new(&ctx), 0);
	logged[0] = '\0';
	vrdma_ctx_set_log_fn(ctx, collect, NULL);
	vrdma_ctx_set_log_priority(ctx, LOG_ERR);
	strcpy(dir, "/tmp/vrdma-alias-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(state, sizeof(state), "%s/aliases.json", dir);
	snprintf(lockpath, sizeof(lockpath), "%s/aliases.lock", dir);
	ck_assert_int_eq(vrdma_ctx_set_state_dir(ctx, dir), 0);
	setenv("VRDMA_UPLINKS", "lo", 1);
	/* no sysfs: the machine's own NICs are not uplinks, only "lo" is */
	setenv("VRDMA_SYSFS", "/nonexistent", 1);
}

static void teardown(void)
{
	char cmd[128];

	vrdma_ctx_unref(ctx);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "we");

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fputs(text, f) >= 0, 1);
	ck_assert_int_eq(fclose(f), 0);
}

/* The file's text, or NULL when there is none. */
static char *get(const char *path)
{
	FILE *f = fopen(path, "re");
	char *b;
	size_t n;

	if (!f)
		return NULL;
	b = calloc(1, 1 << 16);
	ck_assert_ptr_nonnull(b);
	n = fread(b, 1, (1 << 16) - 1, f);
	b[n] = '\0';
	fclose(f);
	return b;
}

/* Discover and return the alias of "lo" (static buffer). */
static const char *lo_alias(unsigned int flags)
{
	static char alias[32];
	struct vrdma_host *h = NULL;
	struct vrdma_netdev *d;
	struct vrdma_uplink *u;
	int r;

	r = vrdma_host_discover(ctx, flags, &h);
	ck_assert_msg(r == 0, "discover: %d %s", r, vrdma_ctx_get_error(ctx));
	ck_assert_str_eq(vrdma_ctx_get_error(ctx), "");
	ck_assert_int_eq(vrdma_host_find_netdev(h, "lo", &d), 0);
	ck_assert_int_eq(vrdma_netdev_get_uplink(d, &u), 0);
	snprintf(alias, sizeof(alias), "%s", vrdma_uplink_get_alias(u));
	vrdma_host_unref(h);
	return alias;
}

START_TEST(test_new_state)
{
	char *text;

	ck_assert_str_eq(lo_alias(0), "vmnic0");
	text = get(state);
	ck_assert_ptr_nonnull(text);
	ck_assert_str_eq(text, "{\n"
	                       "  \"schema\": \"vrdma-aliases/1\",\n"
	                       "  \"vmrdma\": {\n"
	                       "  },\n"
	                       "  \"vmnic\": {\n"
	                       "    \"name:lo\": 0\n"
	                       "  }\n"
	                       "}\n");
	free(text);
	ck_assert_str_eq(logged, "");
	/* read-only discovery reads it and writes nothing */
	unlink(state);
	ck_assert_str_eq(lo_alias(VRDMA_DISCOVER_READ_ONLY), "vmnic0");
	ck_assert_ptr_null(get(state));
}
END_TEST

/* A recorded number is kept, and numbers of absent devices stay reserved. */
START_TEST(test_recorded)
{
	static const char *const doc =
		"{\"schema\": \"vrdma-aliases/1\", \"vmnic\": {\"name:gone\": 0, \"name:lo\": 7}}";
	char *text;

	put(state, doc);
	ck_assert_str_eq(lo_alias(0), "vmnic7");
	text = get(state);
	ck_assert_str_eq(text, doc); /* nothing new: not rewritten */
	free(text);
	put(state, "{\"schema\": \"vrdma-aliases/1\", \"vmnic\": {\"name:a\": 0, \"name:b\": 1}}");
	ck_assert_str_eq(lo_alias(0), "vmnic2");
	text = get(state);
	ck_assert_msg(strstr(text, "\"name:a\": 0,\n    \"name:b\": 1,\n    \"name:lo\": 2\n"), "%s",
	              text);
	free(text);
}
END_TEST

static const struct {
	const char *doc; /* NULL: a directory */
	const char *message; /* after "alias state <path>: " */
} bad_states[] = {
	/* json-c alone took the last of two members (vmnic4) */
	{ "{\"schema\": \"vrdma-aliases/1\", \"vmnic\": {\"name:lo\": 3, \"name:lo\": 4}}",
	  "$.vmnic.name:lo: duplicate member at line 1" },
	{ "{\"schema\": \"vrdma-aliases/1\", \"vmnic\": {\"name:lo\": 3,}}",
	  "$.vmnic: invalid JSON at line 1, column 54: trailing comma" },
	{ "{\"schema\": \"vrdma-aliases/1\", \"vmnic\": {\"name:lo\": \"3\"}}",
	  "$.vmnic.name:lo: expected an integer, got a string" },
	{ "{\"schema\": \"vrdma-aliases/1\", \"vmnic\": {\"name:lo\": -1}}",
	  "$.vmnic.name:lo: -1 is out of range: expected 0..1000000" },
	{ "{\"schema\": \"vrdma-aliases/1\", \"vmnic\": [], \"x\": 1}", "$.x: unexpected member" },
	{ "{\"schema\": \"vrdma-aliases/1\", \"vmnic\": []}",
	  "$.vmnic: expected an object, got an array" },
	{ "{\"schema\": \"vrdma-aliases/2\"}",
	  "$.schema: expected \"vrdma-aliases/1\", got \"vrdma-aliases/2\"" },
	{ "[]", "$: expected an object, got an array" },
	{ "", "$: invalid JSON at line 1, column 1: unexpected end of the document" },
	{ NULL, "is a directory, expected a regular file" },
};

/* A file that is not a valid state is left untouched; the alias is provisional. */
START_TEST(test_bad_state)
{
	char want[512], *text;

	if (bad_states[_i].doc)
		put(state, bad_states[_i].doc);
	else
		ck_assert_int_eq(mkdir(state, 0755), 0);
	ck_assert_str_eq(lo_alias(0), "vmnic0");
	snprintf(want, sizeof(want),
	         "alias state %s: %s: leaving it untouched, aliases are provisional\n", state,
	         bad_states[_i].message);
	ck_assert_str_eq(logged, want);
	text = get(state);
	if (bad_states[_i].doc)
		ck_assert_str_eq(text, bad_states[_i].doc);
	free(text);
	if (!bad_states[_i].doc)
		ck_assert_int_eq(rmdir(state), 0);
}
END_TEST

/* More than the size limit (4 MiB) is refused without being parsed. */
START_TEST(test_too_large)
{
	int fd = open(state, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	char want[256];

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, (4 << 20) + 1), 0);
	close(fd);
	ck_assert_str_eq(lo_alias(0), "vmnic0");
	snprintf(want, sizeof(want), "alias state %s: 4194305 bytes is larger than the limit of "
	         "4194304 bytes", state);
	ck_assert_msg(strstr(logged, want), "%s", logged);
}
END_TEST

#ifdef VRDMA_TEST_HOOKS
/* A lock held by someone else: a bounded wait, then provisional aliases. */
START_TEST(test_lock_held)
{
	int pipefd[2], fd;
	char want[256], c, *text;
	pid_t child;

	ck_assert_int_eq(pipe(pipefd), 0);
	child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0) {
		signal(SIGTERM, SIG_DFL);
		fd = open(lockpath, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
		if (fd < 0 || flock(fd, LOCK_EX) < 0 || write(pipefd[1], "x", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	close(pipefd[1]);
	ck_assert_int_eq(read(pipefd[0], &c, 1), 1);
	close(pipefd[0]);
	setenv("VRDMA_TEST_LOCK_TIMEOUT_MS", "200", 1);
	alarm(30); /* before the fix: blocked here forever */
	ck_assert_str_eq(lo_alias(0), "vmnic0");
	alarm(0);
	snprintf(want, sizeof(want), "lock file '%s': still locked by pid %d (", lockpath, (int)child);
	ck_assert_msg(strstr(logged, want), "no '%s' in '%s'", want, logged);
	ck_assert_msg(strstr(logged, "after 200 ms: aliases are provisional\n"), "%s", logged);
	ck_assert_ptr_null(get(state)); /* not written without the lock */
	kill(child, SIGKILL); /* not SIGTERM: Check's handler would kill the group */
	ck_assert_int_eq(waitpid(child, NULL, 0), child);
	ck_assert_str_eq(lo_alias(0), "vmnic0");
	text = get(state);
	ck_assert_ptr_nonnull(text);
	free(text);
}
END_TEST
#endif

static Suite *make_alias_suite(void)
{
	Suite *s = suite_create("alias");
	TCase *tc = tcase_create("state");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_new_state);
	tcase_add_test(tc, test_recorded);
	tcase_add_loop_test(tc, test_bad_state, 0, (int)(sizeof(bad_states) / sizeof(bad_states[0])));
	tcase_add_test(tc, test_too_large);
#ifdef VRDMA_TEST_HOOKS
	tcase_add_test(tc, test_lock_held);
#endif
	suite_add_tcase(s, tc);
	return s;
}

VRDMA_TEST_MAIN(make_alias_suite)
