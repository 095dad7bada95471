/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The JSON layer's files and messages, through both documents (the
 * configuration and the host snapshot): a long member name is shortened,
 * never dropped; a directory is named as one; a configuration file whose
 * lock someone else holds is not saved, after a bounded wait, with a
 * message naming the lock file and its holder, and is left as it was.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <vrdma/vrdma.h>

#include "testutil.h"

#define ERROR_MAX 1024 /* the context's message buffer (ctx.c) */

static struct vrdma_ctx *ctx;
static char dir[64];

static void setup(void)
{
	ck_assert_int_eq(vrdma_ctx_new(&ctx), 0);
	vrdma_ctx_set_log_fn(ctx, NULL, NULL);
	strcpy(dir, "/tmp/vrdma-documents-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
	char cmd[128];

	vrdma_ctx_unref(ctx);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static char *long_key(char c, size_t n)
{
	char *k = malloc(n + 1);

	ck_assert_ptr_nonnull(k);
	memset(k, c, n);
	k[n] = '\0';
	return k;
}

/* The message holds "$.<first 61 letters>...: <what>" and fits the context. */
static void assert_names_key(const char *msg, char c, const char *what)
{
	char want[160];

	memset(want, 0, sizeof(want));
	strcpy(want, "$.");
	memset(want + 2, c, 61);
	strcat(want, "...: ");
	strcat(want, what);
	ck_assert_msg(strstr(msg, want) != NULL, "no '%s' in '%s'", want, msg);
	ck_assert_msg(strlen(msg) < ERROR_MAX - 1, "message truncated (%zu bytes)", strlen(msg));
}

static const char *const config_head = "{\"schema\": \"vrdma-config/1\", \"generation\": 1";
static const char *const host_head =
	"{\"schema\": \"vrdma-host/1\", \"hostname\": null, \"kernel\": null, "
	"\"adapters\": [], \"netdevs\": []";

/* issue 16 item 9: a long unknown member name gave a message without the name */
START_TEST(test_long_unknown_key)
{
	char *k = long_key('k', 2000), *text = NULL;
	struct vrdma_config *cfg = NULL;
	struct vrdma_host *h = NULL;

	ck_assert_int_gt(asprintf(&text, "%s, \"%s\": 1}", config_head, k), 0);
	ck_assert_int_eq(vrdma_config_parse(ctx, text, strlen(text), &cfg), -EINVAL);
	ck_assert_ptr_null(cfg);
	assert_names_key(vrdma_ctx_get_error(ctx), 'k', "unexpected member");
	free(text);

	ck_assert_int_gt(asprintf(&text, "%s, \"%s\": 1}", host_head, k), 0);
	ck_assert_int_eq(vrdma_host_parse(ctx, text, strlen(text), &h), -EINVAL);
	ck_assert_ptr_null(h);
	assert_names_key(vrdma_ctx_get_error(ctx), 'k', "unexpected member");
	free(text);
	free(k);
}
END_TEST

/* Several long names: every problem that fits is named, the rest is "...". */
START_TEST(test_long_unknown_keys)
{
	char *a = long_key('a', 900), *b = long_key('b', 900), *c = long_key('c', 900);
	char *text = NULL;
	struct vrdma_config *cfg = NULL;
	const char *e;

	ck_assert_int_gt(asprintf(&text, "%s, \"%s\": 1, \"%s\": 2, \"%s\": 3}", config_head, a, b,
	                          c), 0);
	ck_assert_int_eq(vrdma_config_parse(ctx, text, strlen(text), &cfg), -EINVAL);
	e = vrdma_ctx_get_error(ctx);
	ck_assert_msg(strstr(e, "3 problems: ") != NULL, "%s", e);
	assert_names_key(e, 'a', "unexpected member; ");
	assert_names_key(e, 'b', "unexpected member; ");
	assert_names_key(e, 'c', "unexpected member");
	free(text);
	free(a);
	free(b);
	free(c);
}
END_TEST

/* A duplicate long name, found by the strict pre-scan. */
START_TEST(test_long_duplicate_key)
{
	char *k = long_key('d', 300), *text = NULL;
	struct vrdma_host *h = NULL;

	ck_assert_int_gt(asprintf(&text, "{\"%s\": 1, \"%s\": 2}", k, k), 0);
	ck_assert_int_eq(vrdma_host_parse(ctx, text, strlen(text), &h), -EINVAL);
	assert_names_key(vrdma_ctx_get_error(ctx), 'd', "duplicate member at line 1");
	free(text);
	free(k);
}
END_TEST

/* A long value inside a message is shortened too, the path and key stay. */
START_TEST(test_long_value)
{
	char *v = long_key('v', 3000), *text = NULL;
	struct vrdma_config *cfg = NULL;
	const char *e;

	ck_assert_int_gt(asprintf(&text, "{\"schema\": \"%s\", \"generation\": 1}", v), 0);
	ck_assert_int_eq(vrdma_config_parse(ctx, text, strlen(text), &cfg), -EINVAL);
	e = vrdma_ctx_get_error(ctx);
	ck_assert_msg(strncmp(e, "<buffer>: $.schema: unsupported schema \"vvv", 43) == 0, "%s", e);
	ck_assert_msg(strstr(e, "...") != NULL && strlen(e) < ERROR_MAX - 1, "%s", e);
	free(text);
	free(v);
}
END_TEST

/* issue 16 item 9: a directory given as --config or --host */
START_TEST(test_directory)
{
	struct vrdma_config *cfg = NULL;
	struct vrdma_host *h = NULL;
	char want[256];

	ck_assert_int_eq(vrdma_config_load(ctx, dir, &cfg), -EISDIR);
	snprintf(want, sizeof(want), "config file %s: is a directory, expected a regular file", dir);
	ck_assert_str_eq(vrdma_ctx_get_error(ctx), want);
	ck_assert_int_eq(vrdma_host_load(ctx, dir, &h), -EISDIR);
	snprintf(want, sizeof(want), "%s: is a directory, expected a regular file", dir);
	ck_assert_str_eq(vrdma_ctx_get_error(ctx), want);
	ck_assert_ptr_null(cfg);
	ck_assert_ptr_null(h);
}
END_TEST

#ifdef VRDMA_TEST_HOOKS
static char *read_all(const char *path)
{
	FILE *f = fopen(path, "re");
	char *b = calloc(1, 1 << 16);
	size_t n;

	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(b);
	n = fread(b, 1, (1 << 16) - 1, f);
	b[n] = '\0';
	fclose(f);
	return b;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * issue 16 item 6: a lock file held by someone else blocked a writer
 * forever, without a message.  Now the save fails with -EBUSY after the
 * bound ($VRDMA_TEST_LOCK_TIMEOUT_MS here, 10 s by default), naming the
 * lock file and the holder's pid, and leaves the file as it was.
 */
START_TEST(test_save_lock_held)
{
	struct vrdma_config *cfg = NULL;
	char path[128], lock[160], want[512], *before, *after;
	int pipefd[2], fd;
	int64_t t0, waited;
	pid_t child;
	char c;

	snprintf(path, sizeof(path), "%s/vrdma.json", dir);
	snprintf(lock, sizeof(lock), "%s.lock", path);
	ck_assert_int_eq(vrdma_config_new(ctx, &cfg), 0);
	ck_assert_int_eq(vrdma_config_save(cfg, path), 0);
	vrdma_config_unref(cfg);
	ck_assert_int_eq(vrdma_config_load(ctx, path, &cfg), 0);
	before = read_all(path);

	ck_assert_int_eq(pipe(pipefd), 0);
	child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0) {
		signal(SIGTERM, SIG_DFL);
		fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
		if (fd < 0 || flock(fd, LOCK_EX) < 0)
			_exit(1);
		if (write(pipefd[1], "x", 1) != 1)
			_exit(1);
		pause(); /* holds the lock until killed */
		_exit(0);
	}
	close(pipefd[1]);
	ck_assert_int_eq(read(pipefd[0], &c, 1), 1);
	close(pipefd[0]);

	alarm(30); /* before the fix: blocked here forever */
	setenv("VRDMA_TEST_LOCK_TIMEOUT_MS", "300", 1);
	t0 = now_ms();
	ck_assert_int_eq(vrdma_config_save(cfg, path), -EBUSY);
	waited = now_ms() - t0;
	alarm(0);
	ck_assert_msg(waited >= 300 && waited < 5000, "waited %lld ms", (long long)waited);
	snprintf(want, sizeof(want), "config file %s: not saved: lock file '%s': still locked by pid %d (",
	         path, lock, (int)child);
	ck_assert_msg(strstr(vrdma_ctx_get_error(ctx), want) != NULL, "no '%s' in '%s'", want,
	              vrdma_ctx_get_error(ctx));
	ck_assert_msg(strstr(vrdma_ctx_get_error(ctx), "after 300 ms") != NULL, "%s",
	              vrdma_ctx_get_error(ctx));
	after = read_all(path);
	ck_assert_str_eq(after, before);
	free(after);

	/* once the holder is gone the same configuration saves */
	/* SIGKILL: the child inherited Check's SIGTERM handler, which kills the group */
	kill(child, SIGKILL);
	ck_assert_int_eq(waitpid(child, NULL, 0), child);
	ck_assert_int_eq(vrdma_config_save(cfg, path), 0);
	ck_assert_str_eq(vrdma_ctx_get_error(ctx), "");
	after = read_all(path);
	ck_assert_str_ne(after, before);
	free(after);
	free(before);
	vrdma_config_unref(cfg);
}
END_TEST
#endif

static Suite *make_documents_suite(void)
{
	Suite *s = suite_create("documents");
	TCase *tc = tcase_create("messages");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_long_unknown_key);
	tcase_add_test(tc, test_long_unknown_keys);
	tcase_add_test(tc, test_long_duplicate_key);
	tcase_add_test(tc, test_long_value);
	tcase_add_test(tc, test_directory);
#ifdef VRDMA_TEST_HOOKS
	tcase_add_test(tc, test_save_lock_held);
#endif
	suite_add_tcase(s, tc);
	return s;
}

VRDMA_TEST_MAIN(make_documents_suite)
