/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Unit tests for the RoCE settings per adapter port (issue 15): add, find,
 * remove, mode and ToS with their ranges, absent values, the error channel,
 * mode names, and the "roce" array of the document (round trip, loader
 * messages with their JSON paths).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vrdma/vrdma.h>

#include "testutil.h"

static struct vrdma_ctx *ctx;
static struct vrdma_config *cfg;

static void setup(void)
{
	ck_assert_int_eq(vrdma_ctx_new(&ctx), 0);
	vrdma_ctx_set_log_fn(ctx, NULL, NULL);
	ck_assert_int_eq(vrdma_config_new(ctx, &cfg), 0);
}

static void teardown(void)
{
	cfg = vrdma_config_unref(cfg);
	ctx = vrdma_ctx_unref(ctx);
}

#define FAILS(call, err, sub)                                                   \
	do {                                                                    \
		int r_ = (call);                                                \
		ck_assert_msg(r_ == (err), "%s: got %d (%s), expected %d",      \
		              #call, r_, vrdma_ctx_get_error(ctx), (err));      \
		ck_assert_msg(strstr(vrdma_ctx_get_error(ctx), (sub)) != NULL,  \
		              "%s: message '%s' lacks '%s'", #call,             \
		              vrdma_ctx_get_error(ctx), (sub));                 \
	} while (0)

#define OK(call)                                                                \
	do {                                                                    \
		int r_ = (call);                                                \
		ck_assert_msg(r_ == 0, "%s: %d (%s)", #call, r_,                \
		              vrdma_ctx_get_error(ctx));                        \
		ck_assert_str_eq(vrdma_ctx_get_error(ctx), "");                 \
	} while (0)

START_TEST(test_roce_mode_names)
{
	ck_assert_str_eq(vrdma_roce_mode_to_string(VRDMA_ROCE_V1), "v1");
	ck_assert_str_eq(vrdma_roce_mode_to_string(VRDMA_ROCE_V2), "v2");
	ck_assert_ptr_null(vrdma_roce_mode_to_string(2));
	ck_assert_ptr_null(vrdma_roce_mode_to_string(-1));
	ck_assert_int_eq(vrdma_roce_mode_from_string("v1"), VRDMA_ROCE_V1);
	ck_assert_int_eq(vrdma_roce_mode_from_string("V2"), VRDMA_ROCE_V2);
	ck_assert_int_eq(vrdma_roce_mode_from_string("IB/RoCE v1"), VRDMA_ROCE_V1);
	ck_assert_int_eq(vrdma_roce_mode_from_string("roce v2"), VRDMA_ROCE_V2);
	ck_assert_int_eq(vrdma_roce_mode_from_string("v3"), -EINVAL);
	ck_assert_int_eq(vrdma_roce_mode_from_string(""), -EINVAL);
	ck_assert_int_eq(vrdma_roce_mode_from_string(NULL), -EINVAL);
}
END_TEST

START_TEST(test_roce_add_find_remove)
{
	struct vrdma_roce_setting *a, *b, *got;
	unsigned int tos;
	int mode;

	ck_assert_int_eq(vrdma_config_get_n_roce_settings(cfg), 0);
	OK(vrdma_config_add_roce_setting(cfg, "rxe0", 1, &a));
	OK(vrdma_config_add_roce_setting(cfg, "vmrdma1", 2, &b));
	OK(vrdma_config_add_roce_setting(cfg, "rxe0", 2, NULL));
	ck_assert_int_eq(vrdma_config_get_n_roce_settings(cfg), 3);
	ck_assert_ptr_eq(vrdma_roce_setting_get_config(a), cfg);
	ck_assert_str_eq(vrdma_roce_setting_get_adapter(b), "vmrdma1");
	ck_assert_int_eq(vrdma_roce_setting_get_port(b), 2);
	OK(vrdma_config_get_roce_setting(cfg, 1, &got));
	ck_assert_ptr_eq(got, b);
	OK(vrdma_config_find_roce_setting(cfg, "rxe0", 1, &got));
	ck_assert_ptr_eq(got, a);
	FAILS(vrdma_config_find_roce_setting(cfg, "rxe0", 3, &got), -ENOENT,
	      "adapter 'rxe0' port 3: no RoCE setting");
	FAILS(vrdma_config_get_roce_setting(cfg, 3, &got), -ENOENT, "RoCE setting");

	/* both optional: absent until set, absent again after clear */
	FAILS(vrdma_roce_setting_get_mode(a, &mode), -ENOENT, "adapter 'rxe0' port 1: no RoCE mode");
	FAILS(vrdma_roce_setting_get_tos(a, &tos), -ENOENT, "adapter 'rxe0' port 1: no ToS");
	OK(vrdma_roce_setting_set_mode(a, VRDMA_ROCE_V1));
	OK(vrdma_roce_setting_set_tos(a, 106));
	OK(vrdma_roce_setting_get_mode(a, &mode));
	ck_assert_int_eq(mode, VRDMA_ROCE_V1);
	OK(vrdma_roce_setting_get_tos(a, &tos));
	ck_assert_uint_eq(tos, 106);
	OK(vrdma_roce_setting_set_tos(a, 0));
	OK(vrdma_roce_setting_set_tos(a, 255));
	OK(vrdma_roce_setting_clear_mode(a));
	FAILS(vrdma_roce_setting_get_mode(a, &mode), -ENOENT, "no RoCE mode");
	OK(vrdma_roce_setting_get_tos(a, &tos));
	ck_assert_uint_eq(tos, 255);
	OK(vrdma_roce_setting_clear_tos(a));
	FAILS(vrdma_roce_setting_get_tos(a, &tos), -ENOENT, "no ToS");

	OK(vrdma_roce_setting_remove(b));
	ck_assert_int_eq(vrdma_config_get_n_roce_settings(cfg), 2);
	FAILS(vrdma_config_find_roce_setting(cfg, "vmrdma1", 2, &got), -ENOENT, "vmrdma1");
	/* its place can be taken again */
	OK(vrdma_config_add_roce_setting(cfg, "vmrdma1", 2, NULL));
}
END_TEST

START_TEST(test_roce_bad_input)
{
	struct vrdma_roce_setting *a;
	char longname[80];
	unsigned int tos;
	int mode;

	OK(vrdma_config_add_roce_setting(cfg, "rxe0", 1, &a));
	OK(vrdma_roce_setting_set_tos(a, 26));
	/* out of range: refused, nothing changed */
	FAILS(vrdma_roce_setting_set_tos(a, 256), -ERANGE, "adapter 'rxe0' port 1: ToS 256 is out of range 0-255");
	FAILS(vrdma_roce_setting_set_tos(a, -1), -ERANGE, "ToS -1");
	OK(vrdma_roce_setting_get_tos(a, &tos));
	ck_assert_uint_eq(tos, 26);
	FAILS(vrdma_roce_setting_set_mode(a, 2), -EINVAL, "adapter 'rxe0' port 1: unknown RoCE mode 2");
	FAILS(vrdma_roce_setting_get_mode(a, &mode), -ENOENT, "no RoCE mode");
	FAILS(vrdma_config_add_roce_setting(cfg, "rxe0", 1, NULL), -EEXIST,
	      "adapter 'rxe0' port 1: already has a RoCE setting");
	FAILS(vrdma_config_add_roce_setting(cfg, "rxe0", 0, NULL), -ERANGE,
	      "adapter 'rxe0': port 0 is out of range 1-255");
	FAILS(vrdma_config_add_roce_setting(cfg, "rxe0", 256, NULL), -ERANGE, "port 256");
	FAILS(vrdma_config_add_roce_setting(cfg, "", 1, NULL), -EINVAL, "empty adapter name");
	FAILS(vrdma_config_add_roce_setting(cfg, "rx e0", 1, NULL), -EINVAL, "invalid character");
	FAILS(vrdma_config_add_roce_setting(cfg, "rxe/0", 1, NULL), -EINVAL, "'rxe/0'");
	memset(longname, 'a', 64);
	longname[64] = '\0';
	FAILS(vrdma_config_add_roce_setting(cfg, longname, 1, NULL), -ENAMETOOLONG, "longer than 63");
	longname[63] = '\0';
	OK(vrdma_config_add_roce_setting(cfg, longname, 1, NULL));
	FAILS(vrdma_config_add_roce_setting(cfg, NULL, 1, NULL), -EINVAL, "NULL adapter");
	FAILS(vrdma_config_find_roce_setting(cfg, NULL, 1, &a), -EINVAL, "NULL");
	FAILS(vrdma_roce_setting_get_tos(a, NULL), -EINVAL, "NULL result");
	ck_assert_int_eq(vrdma_config_get_n_roce_settings(cfg), 2);
	/* NULL handles */
	ck_assert_int_eq(vrdma_config_get_n_roce_settings(NULL), -EINVAL);
	ck_assert_int_eq(vrdma_roce_setting_get_port(NULL), -EINVAL);
	ck_assert_ptr_null(vrdma_roce_setting_get_adapter(NULL));
	ck_assert_ptr_null(vrdma_roce_setting_get_config(NULL));
	ck_assert_int_eq(vrdma_roce_setting_set_tos(NULL, 1), -EINVAL);
	ck_assert_int_eq(vrdma_roce_setting_remove(NULL), -EINVAL);
}
END_TEST

START_TEST(test_roce_limit)
{
	char name[16];
	int i;

	for (i = 0; i < VRDMA_MAX_ROCE_SETTINGS; i++) {
		snprintf(name, sizeof(name), "dev%d", i);
		OK(vrdma_config_add_roce_setting(cfg, name, 1, NULL));
	}
	FAILS(vrdma_config_add_roce_setting(cfg, "one-more", 1, NULL), -ENOSPC,
	      "already has 256 RoCE settings");
}
END_TEST

static const char doc_head[] =
	"{\n  \"schema\": \"vrdma-config/1\",\n  \"generation\": 0,\n"
	"  \"switches\": [],\n  \"vmks\": []";

START_TEST(test_roce_round_trip)
{
	struct vrdma_roce_setting *a;
	struct vrdma_config *back;
	char *text, *again;

	OK(vrdma_config_format(cfg, &text));
	ck_assert_ptr_null(strstr(text, "roce"));      /* none: no key (older files unchanged) */
	free(text);
	OK(vrdma_config_add_roce_setting(cfg, "rxe0", 1, &a));
	OK(vrdma_roce_setting_set_mode(a, VRDMA_ROCE_V1));
	OK(vrdma_roce_setting_set_tos(a, 106));
	OK(vrdma_config_add_roce_setting(cfg, "vmrdma1", 2, &a));
	OK(vrdma_roce_setting_set_tos(a, 0));
	OK(vrdma_config_add_roce_setting(cfg, "mlx5_0", 1, NULL));  /* empty one kept */
	OK(vrdma_config_format(cfg, &text));
	ck_assert_ptr_nonnull(strstr(text, "\"roce\": [\n    {\n      \"adapter\": \"rxe0\",\n"
	                                   "      \"port\": 1,\n      \"mode\": \"v1\",\n"
	                                   "      \"tos\": 106\n    },"));
	OK(vrdma_config_parse(ctx, text, strlen(text), &back));
	OK(vrdma_config_format(back, &again));
	ck_assert_str_eq(text, again);
	ck_assert_int_eq(vrdma_config_get_n_roce_settings(back), 3);
	free(again);
	free(text);
	vrdma_config_unref(back);
}
END_TEST

static void parse_fails(const char *roce, const char *sub)
{
	struct vrdma_config *c = NULL;
	char doc[1024];

	snprintf(doc, sizeof(doc), "%s,\n  \"roce\": %s\n}\n", doc_head, roce);
	FAILS(vrdma_config_parse(ctx, doc, strlen(doc), &c), -EINVAL, sub);
	ck_assert_ptr_null(c);
}

START_TEST(test_roce_loader)
{
	struct vrdma_config *c = NULL;
	char doc[512];

	snprintf(doc, sizeof(doc), "%s,\n  \"roce\": [{\"adapter\": \"rxe0\", \"port\": 1, "
	         "\"mode\": \"v2\", \"tos\": 255}]\n}\n", doc_head);
	OK(vrdma_config_parse(ctx, doc, strlen(doc), &c));
	ck_assert_int_eq(vrdma_config_get_n_roce_settings(c), 1);
	vrdma_config_unref(c);
	parse_fails("[{\"adapter\": \"rxe0\", \"port\": 1, \"tos\": 256}]", "$.roce[0].tos");
	parse_fails("[{\"adapter\": \"rxe0\", \"port\": 1, \"tos\": -1}]", "$.roce[0].tos");
	parse_fails("[{\"adapter\": \"rxe0\", \"port\": 1, \"mode\": \"RoCE v2\"}]",
	            "$.roce[0].mode: unknown RoCE mode \"RoCE v2\": expected \"v1\" or \"v2\"");
	parse_fails("[{\"adapter\": \"rxe0\", \"port\": 0}]", "$.roce[0].port");
	parse_fails("[{\"adapter\": \"rxe0\"}]", "$.roce[0].port");
	parse_fails("[{\"port\": 1}]", "$.roce[0].adapter");
	parse_fails("[{\"adapter\": \"rxe0\", \"port\": 1}, {\"adapter\": \"rxe0\", \"port\": 1}]",
	            "$.roce[1]: adapter 'rxe0' port 1: already has a RoCE setting");
	parse_fails("[{\"adapter\": \"rxe0\", \"port\": 1, \"dscp\": 3}]", "$.roce[0]");
	parse_fails("[\"rxe0\"]", "$.roce[0]");
	parse_fails("{}", "$.roce");
}
END_TEST

static Suite *make_roce_suite(void)
{
	Suite *s = suite_create("roce");
	TCase *tc = tcase_create("roce settings");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_roce_mode_names);
	tcase_add_test(tc, test_roce_add_find_remove);
	tcase_add_test(tc, test_roce_bad_input);
	tcase_add_test(tc, test_roce_limit);
	tcase_add_test(tc, test_roce_round_trip);
	tcase_add_test(tc, test_roce_loader);
	suite_add_tcase(s, tc);
	return s;
}

VRDMA_TEST_MAIN(make_roce_suite)
