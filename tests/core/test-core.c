/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests for the core: context lifetime, refcounting, logging, errors, paths. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include <vrdma/vrdma.h>

#include "testutil.h"

struct logrec {
	int count;
	int max_prio;
	int last_prio;
	char last[512];
};

static void capture(struct vrdma_ctx *ctx, int priority, const char *file,
                    int line, const char *fn, const char *format, va_list args)
	VRDMA_PRINTF(6, 0);
static void capture(struct vrdma_ctx *ctx, int priority, const char *file,
                    int line, const char *fn, const char *format, va_list args)
{
	struct logrec *rec;
	void *data;

	/* A getter called from the log function must not disturb the error. */
	if (vrdma_ctx_get_log_data(ctx, &data) < 0)
		return;
	rec = data;
	rec->count++;
	rec->last_prio = priority;
	if (priority > rec->max_prio)
		rec->max_prio = priority;
	vsnprintf(rec->last, sizeof(rec->last), format, args);
}

START_TEST(test_new_and_unref)
{
	struct vrdma_ctx *ctx = NULL;

	ck_assert_int_eq(vrdma_ctx_new(&ctx), 0);
	ck_assert_ptr_nonnull(ctx);
	ck_assert_ptr_null(vrdma_ctx_unref(ctx));
}
END_TEST

START_TEST(test_null_args)
{
	void *p = &p;

	ck_assert_int_eq(vrdma_ctx_new(NULL), -EINVAL);
	ck_assert_ptr_null(vrdma_ctx_ref(NULL));
	ck_assert_ptr_null(vrdma_ctx_unref(NULL));
	ck_assert_int_eq(vrdma_ctx_set_log_fn(NULL, NULL, NULL), -EINVAL);
	ck_assert_int_eq(vrdma_ctx_set_log_priority(NULL, LOG_DEBUG), -EINVAL);
	ck_assert_int_eq(vrdma_ctx_get_log_priority(NULL), -EINVAL);
	ck_assert_int_eq(vrdma_ctx_set_userdata(NULL, NULL), -EINVAL);
	ck_assert_int_eq(vrdma_ctx_get_userdata(NULL, &p), -EINVAL);
	ck_assert_int_eq(vrdma_ctx_get_log_data(NULL, &p), -EINVAL);
	ck_assert_ptr_eq(p, &p);
	ck_assert_str_eq(vrdma_ctx_get_error(NULL), "");
	ck_assert_int_eq(vrdma_ctx_set_config_path(NULL, "/x"), -EINVAL);
	ck_assert_ptr_null(vrdma_ctx_get_config_path(NULL));
	ck_assert_int_eq(vrdma_ctx_set_state_dir(NULL, "/x"), -EINVAL);
	ck_assert_ptr_null(vrdma_ctx_get_state_dir(NULL));
}
END_TEST

START_TEST(test_refcount)
{
	struct vrdma_ctx *ctx = NULL;
	struct logrec rec = { 0 };

	ck_assert_int_eq(vrdma_ctx_new(&ctx), 0);
	ck_assert_int_eq(vrdma_ctx_set_log_fn(ctx, capture, &rec), 0);
	ck_assert_int_eq(vrdma_ctx_set_log_priority(ctx, LOG_INFO), 0);
	ck_assert_ptr_eq(vrdma_ctx_ref(ctx), ctx);
	ck_assert_ptr_eq(vrdma_ctx_ref(ctx), ctx);
	/* Two extra references: the first two unrefs must not free it. */
	ck_assert_ptr_null(vrdma_ctx_unref(ctx));
	ck_assert_ptr_null(vrdma_ctx_unref(ctx));
	ck_assert_int_eq(rec.count, 0);
	ck_assert_int_eq(vrdma_ctx_get_log_priority(ctx), LOG_INFO);
	/* The last unref releases it and says so at info level. */
	ck_assert_ptr_null(vrdma_ctx_unref(ctx));
	ck_assert_int_eq(rec.count, 1);
	ck_assert_int_eq(rec.last_prio, LOG_INFO);
	ck_assert_ptr_nonnull(strstr(rec.last, "released"));
}
END_TEST

START_TEST(test_log_priority_filters)
{
	struct vrdma_ctx *ctx = NULL;
	struct logrec rec = { 0 };

	unsetenv("VRDMA_LOG");
	ck_assert_int_eq(vrdma_ctx_new(&ctx), 0);
	/* Default: errors only. */
	ck_assert_int_eq(vrdma_ctx_get_log_priority(ctx), LOG_ERR);
	ck_assert_int_eq(vrdma_ctx_set_log_fn(ctx, capture, &rec), 0);
	ck_assert_int_eq(rec.count, 0); /* the debug line was filtered */
	ck_assert_int_eq(vrdma_ctx_set_log_priority(ctx, LOG_DEBUG), 0);
	ck_assert_int_eq(vrdma_ctx_set_log_fn(ctx, capture, &rec), 0);
	ck_assert_int_eq(rec.count, 1);
	ck_assert_int_eq(rec.last_prio, LOG_DEBUG);
	ck_assert_int_eq(vrdma_ctx_set_log_priority(ctx, LOG_DEBUG + 1), -EINVAL);
	ck_assert_int_eq(vrdma_ctx_set_log_priority(ctx, -1), -EINVAL);
	ck_assert_int_eq(vrdma_ctx_get_log_priority(ctx), LOG_DEBUG);
	/* Each failure is logged at debug level. */
	ck_assert_int_eq(rec.count, 3);
	/* A NULL log function silences the library. */
	ck_assert_int_eq(vrdma_ctx_set_log_fn(ctx, NULL, NULL), 0);
	vrdma_ctx_unref(ctx);
	ck_assert_int_eq(rec.count, 3);
}
END_TEST

struct env_case {
	const char *value;
	int expected;
};

static const struct env_case env_cases[] = {
	{ "debug", LOG_DEBUG }, { "info", LOG_INFO }, { "err", LOG_ERR },
	{ "DEBUG", LOG_DEBUG }, { "6", LOG_INFO },   { "warning", LOG_WARNING },
	/* Garbage and out-of-range values keep the default. */
	{ "loud", LOG_ERR },    { "42", LOG_ERR },   { "", LOG_ERR },
};

START_TEST(test_env_override)
{
	struct vrdma_ctx *ctx = NULL;
	const struct env_case *c = &env_cases[_i];

	ck_assert_int_eq(setenv("VRDMA_LOG", c->value, 1), 0);
	ck_assert_int_eq(vrdma_ctx_new(&ctx), 0);
	ck_assert_msg(vrdma_ctx_get_log_priority(ctx) == c->expected,
	              "VRDMA_LOG=%s gave %d, expected %d", c->value,
	              vrdma_ctx_get_log_priority(ctx), c->expected);
	vrdma_ctx_unref(ctx);
	unsetenv("VRDMA_LOG");
}
END_TEST

START_TEST(test_userdata_and_paths)
{
	struct vrdma_ctx *ctx = NULL;
	int marker;
	void *p = NULL;

	ck_assert_int_eq(setenv("VRDMA_CONFIG", "/tmp/from-env.json", 1), 0);
	unsetenv("VRDMA_STATE_DIR");
	ck_assert_int_eq(vrdma_ctx_new(&ctx), 0);
	unsetenv("VRDMA_CONFIG");
	ck_assert_str_eq(vrdma_ctx_get_config_path(ctx), "/tmp/from-env.json");
	ck_assert_ptr_nonnull(strstr(vrdma_ctx_get_state_dir(ctx), "/lib/vrdma"));
	ck_assert_int_eq(vrdma_ctx_set_config_path(ctx, "/etc/x.json"), 0);
	ck_assert_str_eq(vrdma_ctx_get_config_path(ctx), "/etc/x.json");
	ck_assert_int_eq(vrdma_ctx_set_config_path(ctx, ""), -EINVAL);
	ck_assert_int_eq(vrdma_ctx_set_config_path(ctx, NULL), -EINVAL);
	ck_assert_str_eq(vrdma_ctx_get_config_path(ctx), "/etc/x.json");
	ck_assert_int_eq(vrdma_ctx_set_state_dir(ctx, "/run/vrdma"), 0);
	ck_assert_str_eq(vrdma_ctx_get_state_dir(ctx), "/run/vrdma");
	/* Never set: absent, *ret untouched. */
	ck_assert_int_eq(vrdma_ctx_get_userdata(ctx, &p), -ENOENT);
	ck_assert_ptr_null(p);
	ck_assert_int_eq(vrdma_ctx_get_userdata(ctx, NULL), -EINVAL);
	ck_assert_int_eq(vrdma_ctx_set_userdata(ctx, &marker), 0);
	ck_assert_int_eq(vrdma_ctx_get_userdata(ctx, &p), 0);
	ck_assert_ptr_eq(p, &marker);
	ck_assert_str_eq(vrdma_ctx_get_error(ctx), "");
	ck_assert_int_eq(vrdma_ctx_set_userdata(ctx, NULL), 0);
	ck_assert_int_eq(vrdma_ctx_get_userdata(ctx, &p), -ENOENT);
	ck_assert_int_eq(vrdma_ctx_get_log_data(ctx, &p), -ENOENT);
	vrdma_ctx_unref(ctx);
}
END_TEST

START_TEST(test_default_config_path)
{
	struct vrdma_ctx *ctx = NULL;
	const char *p;

	unsetenv("VRDMA_CONFIG");
	ck_assert_int_eq(vrdma_ctx_new(&ctx), 0);
	p = vrdma_ctx_get_config_path(ctx);
	ck_assert_ptr_nonnull(p);
	ck_assert_msg(strlen(p) > strlen("/vrdma/vrdma.json") &&
	              strcmp(p + strlen(p) - strlen("/vrdma/vrdma.json"), "/vrdma/vrdma.json") == 0,
	              "unexpected default config path %s", p);
	vrdma_ctx_unref(ctx);
}
END_TEST

START_TEST(test_errors)
{
	struct vrdma_ctx *ctx = NULL;
	struct logrec rec = { 0 };
	void *p = NULL;

	ck_assert_int_eq(vrdma_ctx_new(&ctx), 0);
	ck_assert_str_eq(vrdma_ctx_get_error(ctx), "");
	/* A failure names the context and what was expected ... */
	ck_assert_int_eq(vrdma_ctx_set_log_priority(ctx, 42), -EINVAL);
	ck_assert_ptr_nonnull(strstr(vrdma_ctx_get_error(ctx), "ctx: log priority 42: expected"));
	/* ... until the next int-returning call, which clears it when it starts. */
	ck_assert_int_eq(vrdma_ctx_set_config_path(ctx, ""), -EINVAL);
	ck_assert_ptr_nonnull(strstr(vrdma_ctx_get_error(ctx), "config path"));
	ck_assert_int_eq(vrdma_ctx_set_state_dir(ctx, "/run/x"), 0);
	ck_assert_str_eq(vrdma_ctx_get_error(ctx), "");
	/* Direct getters do not touch it. */
	ck_assert_int_eq(vrdma_ctx_get_userdata(ctx, &p), -ENOENT);
	ck_assert_str_eq(vrdma_ctx_get_error(ctx), "ctx: no user data set");
	(void)vrdma_ctx_get_log_priority(ctx);
	(void)vrdma_ctx_get_config_path(ctx);
	ck_assert_str_eq(vrdma_ctx_get_error(ctx), "ctx: no user data set");
	/* The error is logged at debug level; the log function reading its data
	 * (an int getter) neither clears nor replaces it. */
	ck_assert_int_eq(vrdma_ctx_set_log_fn(ctx, capture, &rec), 0);
	ck_assert_int_eq(vrdma_ctx_set_log_priority(ctx, LOG_DEBUG), 0);
	ck_assert_int_eq(vrdma_ctx_set_log_priority(ctx, -1), -EINVAL);
	ck_assert_ptr_nonnull(strstr(vrdma_ctx_get_error(ctx), "log priority -1"));
	ck_assert_ptr_nonnull(strstr(rec.last, "log priority -1"));
	ck_assert_int_eq(rec.last_prio, LOG_DEBUG);
	vrdma_ctx_unref(ctx);
}
END_TEST

START_TEST(test_version)
{
	ck_assert_str_eq(vrdma_version(), EXPECTED_VERSION);
}
END_TEST

static Suite *make_core_suite(void)
{
	Suite *s = suite_create("core");
	TCase *tc = tcase_create("ctx");

	tcase_add_test(tc, test_new_and_unref);
	tcase_add_test(tc, test_null_args);
	tcase_add_test(tc, test_refcount);
	tcase_add_test(tc, test_log_priority_filters);
	tcase_add_loop_test(tc, test_env_override, 0,
	                    (int)(sizeof(env_cases) / sizeof(env_cases[0])));
	tcase_add_test(tc, test_userdata_and_paths);
	tcase_add_test(tc, test_default_config_path);
	tcase_add_test(tc, test_errors);
	tcase_add_test(tc, test_version);
	suite_add_tcase(s, tc);
	return s;
}

VRDMA_TEST_MAIN(make_core_suite)
