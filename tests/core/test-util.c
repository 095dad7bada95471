/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Unit tests for the core's private helpers (util.c, util-file.c), built
 * from the library's sources: addresses, MACs, lock files.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core-private.h"
#include "testutil.h"

static struct vrdma_inaddr addr(const char *text)
{
	struct vrdma_inaddr a;

	ck_assert_msg(vrdma_inaddr_parse(text, &a) == 0, "cannot parse %s", text);
	return a;
}

START_TEST(test_inaddr_parse_format)
{
	struct vrdma_inaddr a = { .family = 99 };
	char buf[INET6_ADDRSTRLEN];

	a = addr("192.0.2.10");
	ck_assert_int_eq(a.family, AF_INET);
	ck_assert_uint_eq(a.prefix, 32);
	ck_assert_str_eq(vrdma_inaddr_format(&a, buf), "192.0.2.10");
	a = addr("2001:DB8:0:0::1");
	ck_assert_int_eq(a.family, AF_INET6);
	ck_assert_uint_eq(a.prefix, 128);
	ck_assert_str_eq(vrdma_inaddr_format(&a, buf), "2001:db8::1");
	/* Address only: a prefix, garbage or NULL is -EINVAL, *ret untouched. */
	ck_assert_int_eq(vrdma_inaddr_parse("192.0.2.0/24", &a), -EINVAL);
	ck_assert_int_eq(vrdma_inaddr_parse("300.1.1.1", &a), -EINVAL);
	ck_assert_int_eq(vrdma_inaddr_parse("", &a), -EINVAL);
	ck_assert_int_eq(vrdma_inaddr_parse(NULL, &a), -EINVAL);
	ck_assert_int_eq(a.family, AF_INET6);
	a.family = 0;
	ck_assert_str_eq(vrdma_inaddr_format(&a, buf), "");
}
END_TEST

START_TEST(test_inaddr_mask)
{
	struct vrdma_inaddr a = addr("192.0.2.130");
	char buf[INET6_ADDRSTRLEN];

	vrdma_inaddr_mask(&a, 25);
	ck_assert_str_eq(vrdma_inaddr_format(&a, buf), "192.0.2.128");
	ck_assert_uint_eq(a.prefix, 25);
	vrdma_inaddr_mask(&a, 0);
	ck_assert_str_eq(vrdma_inaddr_format(&a, buf), "0.0.0.0");
	a = addr("10.1.2.3");
	vrdma_inaddr_mask(&a, 40); /* clamped */
	ck_assert_str_eq(vrdma_inaddr_format(&a, buf), "10.1.2.3");
	ck_assert_uint_eq(a.prefix, 32);
	a = addr("2001:db8:abcd:12ff::1");
	vrdma_inaddr_mask(&a, 57);
	ck_assert_str_eq(vrdma_inaddr_format(&a, buf), "2001:db8:abcd:1280::");
	vrdma_inaddr_mask(&a, 48);
	ck_assert_str_eq(vrdma_inaddr_format(&a, buf), "2001:db8:abcd::");
}
END_TEST

static bool in_subnet(const char *a, const char *net, unsigned int prefix)
{
	struct vrdma_inaddr x = addr(a), n = addr(net);

	return vrdma_inaddr_in_subnet(&x, &n, prefix);
}

START_TEST(test_inaddr_in_subnet)
{
	ck_assert(in_subnet("192.0.2.77", "192.0.2.0", 24));
	ck_assert(!in_subnet("192.0.3.1", "192.0.2.0", 24));
	ck_assert(in_subnet("192.0.3.1", "192.0.2.0", 23));
	ck_assert(in_subnet("8.8.8.8", "192.0.2.0", 0));
	ck_assert(in_subnet("192.0.2.1", "192.0.2.1", 32));
	ck_assert(!in_subnet("192.0.2.1", "192.0.2.1", 33));
	ck_assert(in_subnet("fd00:1::5", "fd00:1::", 64));
	ck_assert(!in_subnet("fd00:2::5", "fd00:1::", 64));
	ck_assert(in_subnet("fd00:1:ffff::", "fd00:1::", 32));
	ck_assert(in_subnet("fd00:1::", "fd00:1::", 128));
	ck_assert(!in_subnet("fd00:1::", "fd00:1::", 129));
	/* Families never mix. */
	ck_assert(!in_subnet("0.0.0.0", "::", 0));
}
END_TEST

START_TEST(test_mac)
{
	static const char *const bad[] = {
		"", "00:11:22:33:44", "00:11:22:33:44:55:66", "0:11:22:33:44:55",
		"00:11:22:33:44:5g", "00.11.22.33.44.55", "00:11:22:33:44:55 ",
	};
	uint8_t mac[6] = { 1, 2, 3, 4, 5, 6 };
	char buf[18];
	size_t i;

	ck_assert_int_eq(vrdma_mac_parse("0A:1b:2C:3d:4E:ff", mac), 0);
	vrdma_mac_format(mac, buf);
	ck_assert_str_eq(buf, "0a:1b:2c:3d:4e:ff");
	ck_assert_int_eq(vrdma_mac_parse("00-11-22-33-44-55", mac), 0);
	vrdma_mac_format(mac, buf);
	ck_assert_str_eq(buf, "00:11:22:33:44:55");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(vrdma_mac_parse(bad[i], mac) == -EINVAL, "accepted '%s'", bad[i]);
	ck_assert_int_eq(vrdma_mac_parse(NULL, mac), -EINVAL);
	vrdma_mac_format(mac, buf); /* unchanged by the failures */
	ck_assert_str_eq(buf, "00:11:22:33:44:55");
}
END_TEST

/* ---- lock files ---------------------------------------------------------------- */

static struct vrdma_ctx *ctx;
static char dir[64], path[128];

static void lock_setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/vrdma-test-lock.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/x.lock", dir);
	ck_assert_int_eq(vrdma_ctx_new(&ctx), 0);
	vrdma_ctx_set_log_fn(ctx, NULL, NULL);
}

static void lock_teardown(void)
{
	char cmd[128];

	vrdma_ctx_unref(ctx);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

START_TEST(test_lock_exclusive)
{
	char want[64];
	int a = -1, b = -1;

	ck_assert_int_eq(vrdma_lock_acquire(ctx, path, LOCK_EX, 0, &a), 0);
	ck_assert_int_ge(a, 0);
	ck_assert(fcntl(a, F_GETFD) & FD_CLOEXEC);
	/* A second open file description conflicts, even in this process. */
	ck_assert_int_eq(vrdma_lock_acquire(ctx, path, LOCK_SH, 50, &b), -EBUSY);
	ck_assert_int_eq(b, -1);
	ck_assert_ptr_nonnull(strstr(vrdma_ctx_get_error(ctx), path));
	ck_assert_ptr_nonnull(strstr(vrdma_ctx_get_error(ctx), "still locked"));
	ck_assert_ptr_nonnull(strstr(vrdma_ctx_get_error(ctx), "after 50 ms"));
	/* The holder, from /proc/locks: this process. */
	snprintf(want, sizeof(want), " by pid %ld (", (long)getpid());
	if (access("/proc/locks", R_OK) == 0)
		ck_assert_msg(strstr(vrdma_ctx_get_error(ctx), want), "no holder in '%s'",
		              vrdma_ctx_get_error(ctx));
	vrdma_lock_release(a);
	ck_assert_int_eq(vrdma_lock_acquire(ctx, path, LOCK_EX, -1, &b), 0);
	vrdma_lock_release(b);
	vrdma_lock_release(-1);
}
END_TEST

START_TEST(test_lock_shared)
{
	struct stat st;
	int a = -1, b = -1, c = -1;

	ck_assert_int_eq(vrdma_lock_acquire(ctx, path, LOCK_SH, 0, &a), 0);
	ck_assert_int_eq(vrdma_lock_acquire(ctx, path, LOCK_SH, 0, &b), 0);
	ck_assert_int_eq(vrdma_lock_acquire(ctx, path, LOCK_EX, 0, &c), -EBUSY);
	vrdma_lock_release(a);
	vrdma_lock_release(b);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert(S_ISREG(st.st_mode));
}
END_TEST

START_TEST(test_lock_refuses)
{
	char link[160], fifo[160];
	int fd = -1;

	ck_assert_int_eq(vrdma_lock_acquire(ctx, path, LOCK_UN, 0, &fd), -EINVAL);
	ck_assert_int_eq(vrdma_lock_acquire(ctx, path, LOCK_EX | LOCK_NB, 0, &fd), -EINVAL);
	ck_assert_int_eq(vrdma_lock_acquire(ctx, NULL, LOCK_EX, 0, &fd), -EINVAL);
	ck_assert_int_eq(vrdma_lock_acquire(ctx, path, LOCK_EX, 0, NULL), -EINVAL);
	/* Never through a symbolic link (even a dangling one). */
	snprintf(link, sizeof(link), "%s/link.lock", dir);
	ck_assert_int_eq(symlink(path, link), 0);
	ck_assert_int_eq(vrdma_lock_acquire(ctx, link, LOCK_EX, 0, &fd), -ELOOP);
	ck_assert_ptr_nonnull(strstr(vrdma_ctx_get_error(ctx), "symbolic link"));
	ck_assert_int_eq(access(path, F_OK), -1);
	/* Only a regular file. */
	snprintf(fifo, sizeof(fifo), "%s/fifo.lock", dir);
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	ck_assert_int_eq(vrdma_lock_acquire(ctx, fifo, LOCK_EX, 0, &fd), -EINVAL);
	ck_assert_ptr_nonnull(strstr(vrdma_ctx_get_error(ctx), "regular file"));
	ck_assert_int_lt(vrdma_lock_acquire(ctx, dir, LOCK_EX, 0, &fd), 0);
	ck_assert_int_eq(fd, -1);
}
END_TEST

static Suite *make_util_suite(void)
{
	Suite *s = suite_create("core-util");
	TCase *tc = tcase_create("addresses");
	TCase *tl = tcase_create("locks");

	tcase_add_test(tc, test_inaddr_parse_format);
	tcase_add_test(tc, test_inaddr_mask);
	tcase_add_test(tc, test_inaddr_in_subnet);
	tcase_add_test(tc, test_mac);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(tl, lock_setup, lock_teardown);
	tcase_add_test(tl, test_lock_exclusive);
	tcase_add_test(tl, test_lock_shared);
	tcase_add_test(tl, test_lock_refuses);
	suite_add_tcase(s, tl);
	return s;
}

VRDMA_TEST_MAIN(make_util_suite)
