/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Unit tests for the soft RDMA adapters of the model (issue 15): add,
 * remove, find, limits, duplicates, type names, the error channel and the
 * round trip through format / parse (and the loader's messages).
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
		ck_assert_msg(r_ == 0, "%s: got %d (%s)", #call, r_,            \
		              vrdma_ctx_get_error(ctx));                        \
		ck_assert_str_eq(vrdma_ctx_get_error(ctx), "");                 \
	} while (0)

static char *text_of(struct vrdma_config *c)
{
	char *t = NULL;

	ck_assert_int_eq(vrdma_config_format(c, &t), 0);
	return t;
}

#define FAILS_UNCHANGED(call, err, sub)                                         \
	do {                                                                    \
		char *before_ = text_of(cfg), *after_;                          \
		FAILS(call, err, sub);                                          \
		after_ = text_of(cfg);                                          \
		ck_assert_str_eq(before_, after_);                              \
		free(before_);                                                  \
		free(after_);                                                   \
	} while (0)

START_TEST(test_soft_type_names)
{
	ck_assert_str_eq(vrdma_soft_adapter_type_to_string(VRDMA_SOFT_ADAPTER_RXE), "rxe");
	ck_assert_str_eq(vrdma_soft_adapter_type_to_string(VRDMA_SOFT_ADAPTER_SIW), "siw");
	ck_assert_ptr_null(vrdma_soft_adapter_type_to_string(2));
	ck_assert_ptr_null(vrdma_soft_adapter_type_to_string(-1));
	ck_assert_int_eq(vrdma_soft_adapter_type_from_string("rxe"), VRDMA_SOFT_ADAPTER_RXE);
	ck_assert_int_eq(vrdma_soft_adapter_type_from_string("siw"), VRDMA_SOFT_ADAPTER_SIW);
	ck_assert_int_eq(vrdma_soft_adapter_type_from_string("RXE"), -EINVAL);
	ck_assert_int_eq(vrdma_soft_adapter_type_from_string(""), -EINVAL);
	ck_assert_int_eq(vrdma_soft_adapter_type_from_string(NULL), -EINVAL);
}
END_TEST

START_TEST(test_soft_add_find_remove)
{
	struct vrdma_soft_adapter *a = NULL, *b = NULL, *f = NULL;

	ck_assert_int_eq(vrdma_config_get_n_soft_adapters(cfg), 0);
	OK(vrdma_config_add_soft_adapter(cfg, "vmnic0", VRDMA_SOFT_ADAPTER_RXE, &a));
	OK(vrdma_config_add_soft_adapter(cfg, "eth3", VRDMA_SOFT_ADAPTER_SIW, &b));
	OK(vrdma_config_add_soft_adapter(cfg, "vmnic7", VRDMA_SOFT_ADAPTER_RXE, NULL));
	ck_assert_int_eq(vrdma_config_get_n_soft_adapters(cfg), 3);
	ck_assert_str_eq(vrdma_soft_adapter_get_uplink(a), "vmnic0");
	ck_assert_int_eq(vrdma_soft_adapter_get_type(a), VRDMA_SOFT_ADAPTER_RXE);
	ck_assert_int_eq(vrdma_soft_adapter_get_type(b), VRDMA_SOFT_ADAPTER_SIW);
	ck_assert_ptr_eq(vrdma_soft_adapter_get_config(a), cfg);
	/* 0-based, in order, -ENOENT past the end */
	OK(vrdma_config_get_soft_adapter(cfg, 0, &f));
	ck_assert_ptr_eq(f, a);
	OK(vrdma_config_get_soft_adapter(cfg, 1, &f));
	ck_assert_ptr_eq(f, b);
	f = NULL;
	FAILS(vrdma_config_get_soft_adapter(cfg, 3, &f), -ENOENT, "soft adapter");
	ck_assert_ptr_null(f);
	OK(vrdma_config_find_soft_adapter(cfg, "eth3", &f));
	ck_assert_ptr_eq(f, b);
	FAILS(vrdma_config_find_soft_adapter(cfg, "vmnic9", &f), -ENOENT, "vmnic9");
	/* remove: gone, the others keep their handles */
	OK(vrdma_soft_adapter_remove(a));
	ck_assert_int_eq(vrdma_config_get_n_soft_adapters(cfg), 2);
	FAILS(vrdma_config_find_soft_adapter(cfg, "vmnic0", &f), -ENOENT, "vmnic0");
	OK(vrdma_config_get_soft_adapter(cfg, 0, &f));
	ck_assert_ptr_eq(f, b);
	ck_assert_str_eq(vrdma_soft_adapter_get_uplink(b), "eth3");
	/* and it can be added again */
	OK(vrdma_config_add_soft_adapter(cfg, "vmnic0", VRDMA_SOFT_ADAPTER_SIW, &a));
	ck_assert_int_eq(vrdma_soft_adapter_get_type(a), VRDMA_SOFT_ADAPTER_SIW);
}
END_TEST

START_TEST(test_soft_bad_input)
{
	char longname[32];

	OK(vrdma_config_add_soft_adapter(cfg, "vmnic1", VRDMA_SOFT_ADAPTER_RXE, NULL));
	/* one per uplink, whatever the type: names it, changes nothing */
	FAILS_UNCHANGED(vrdma_config_add_soft_adapter(cfg, "vmnic1", VRDMA_SOFT_ADAPTER_SIW, NULL),
	                -EEXIST, "soft adapter on uplink 'vmnic1': the uplink already has one (type rxe)");
	FAILS_UNCHANGED(vrdma_config_add_soft_adapter(cfg, "vmnic1", VRDMA_SOFT_ADAPTER_RXE, NULL),
	                -EEXIST, "already has one");
	FAILS_UNCHANGED(vrdma_config_add_soft_adapter(cfg, "vmnic2", (enum vrdma_soft_adapter_type)7,
	                                              NULL), -EINVAL, "unknown type 7");
	FAILS_UNCHANGED(vrdma_config_add_soft_adapter(cfg, "", VRDMA_SOFT_ADAPTER_RXE, NULL),
	                -EINVAL, "empty");
	FAILS_UNCHANGED(vrdma_config_add_soft_adapter(cfg, "bad name", VRDMA_SOFT_ADAPTER_RXE, NULL),
	                -EINVAL, "not allowed");
	memset(longname, 'a', 16);
	longname[16] = '\0';
	FAILS_UNCHANGED(vrdma_config_add_soft_adapter(cfg, longname, VRDMA_SOFT_ADAPTER_RXE, NULL),
	                -ENAMETOOLONG, "longer than 15");
	FAILS_UNCHANGED(vrdma_config_add_soft_adapter(cfg, "vmk1", VRDMA_SOFT_ADAPTER_RXE, NULL),
	                -EINVAL, "a vmk cannot carry");
	FAILS_UNCHANGED(vrdma_config_add_soft_adapter(cfg, NULL, VRDMA_SOFT_ADAPTER_RXE, NULL),
	                -EINVAL, "NULL uplink");
	FAILS(vrdma_config_find_soft_adapter(cfg, NULL, NULL), -EINVAL, "NULL");
	/* NULL handles */
	ck_assert_int_eq(vrdma_config_get_n_soft_adapters(NULL), -EINVAL);
	ck_assert_int_eq(vrdma_config_add_soft_adapter(NULL, "x", 0, NULL), -EINVAL);
	ck_assert_int_eq(vrdma_soft_adapter_remove(NULL), -EINVAL);
	ck_assert_int_eq(vrdma_soft_adapter_get_type(NULL), -EINVAL);
	ck_assert_ptr_null(vrdma_soft_adapter_get_uplink(NULL));
	ck_assert_ptr_null(vrdma_soft_adapter_get_config(NULL));
	/* a successful call clears the message */
	OK(vrdma_config_add_soft_adapter(cfg, "vmnic2", VRDMA_SOFT_ADAPTER_RXE, NULL));
}
END_TEST

START_TEST(test_soft_limit)
{
	char name[16];
	int i;

	for (i = 0; i < VRDMA_MAX_SOFT_ADAPTERS; i++) {
		snprintf(name, sizeof(name), "eth%d", i);
		OK(vrdma_config_add_soft_adapter(cfg, name, VRDMA_SOFT_ADAPTER_RXE, NULL));
	}
	FAILS_UNCHANGED(vrdma_config_add_soft_adapter(cfg, "vmnic0", VRDMA_SOFT_ADAPTER_RXE, NULL),
	                -ENOSPC, "limit of 64 soft adapters");
	ck_assert_int_eq(vrdma_config_get_n_soft_adapters(cfg), VRDMA_MAX_SOFT_ADAPTERS);
}
END_TEST

START_TEST(test_soft_round_trip)
{
	struct vrdma_config *again = NULL;
	struct vrdma_soft_adapter *sa;
	char *t, *t2, *empty;

	empty = text_of(cfg);
	/* no soft adapter: the document has no "soft_adapters" (older files
	 * stay byte-identical) */
	ck_assert_ptr_null(strstr(empty, "soft_adapters"));
	OK(vrdma_config_add_soft_adapter(cfg, "vmnic1", VRDMA_SOFT_ADAPTER_RXE, NULL));
	OK(vrdma_config_add_soft_adapter(cfg, "ens2", VRDMA_SOFT_ADAPTER_SIW, NULL));
	t = text_of(cfg);
	ck_assert_ptr_nonnull(strstr(t, "\"soft_adapters\""));
	ck_assert_ptr_nonnull(strstr(t, "\"uplink\": \"vmnic1\""));
	ck_assert_ptr_nonnull(strstr(t, "\"type\": \"siw\""));
	OK(vrdma_config_parse(ctx, t, strlen(t), &again));
	t2 = text_of(again);
	ck_assert_str_eq(t, t2);
	ck_assert_int_eq(vrdma_config_get_n_soft_adapters(again), 2);
	OK(vrdma_config_get_soft_adapter(again, 1, &sa));
	ck_assert_str_eq(vrdma_soft_adapter_get_uplink(sa), "ens2");
	ck_assert_int_eq(vrdma_soft_adapter_get_type(sa), VRDMA_SOFT_ADAPTER_SIW);
	/* removing them all gives the document without the key again */
	OK(vrdma_soft_adapter_remove(sa));
	OK(vrdma_config_find_soft_adapter(again, "vmnic1", &sa));
	OK(vrdma_soft_adapter_remove(sa));
	free(t2);
	t2 = text_of(again);
	ck_assert_str_eq(t2, empty);
	free(t);
	free(t2);
	free(empty);
	vrdma_config_unref(again);
}
END_TEST

/* Parsing `doc` fails with a message containing `sub`. */
static void parse_fails(const char *doc, const char *sub)
{
	struct vrdma_config *c = NULL;
	int r = vrdma_config_parse(ctx, doc, strlen(doc), &c);

	ck_assert_msg(r == -EINVAL, "parse of %s: got %d", doc, r);
	ck_assert_ptr_null(c);
	ck_assert_msg(strstr(vrdma_ctx_get_error(ctx), sub) != NULL,
	              "message '%s' lacks '%s'", vrdma_ctx_get_error(ctx), sub);
}

#define DOC(softs) "{\"schema\": \"vrdma-config/1\", \"generation\": 0, \"switches\": [], " \
                   "\"vmks\": [], \"soft_adapters\": " softs "}"

START_TEST(test_soft_loader)
{
	parse_fails(DOC("[{\"uplink\": \"vmnic1\", \"type\": \"rxe\"},"
	                " {\"uplink\": \"vmnic1\", \"type\": \"siw\"}]"),
	            "$.soft_adapters[1].uplink: soft adapter on uplink 'vmnic1': the uplink "
	            "already has one");
	parse_fails(DOC("[{\"uplink\": \"vmnic1\", \"type\": \"roce\"}]"),
	            "$.soft_adapters[0].type: unknown value \"roce\": expected \"rxe\" or \"siw\"");
	parse_fails(DOC("[{\"uplink\": \"vmnic1\"}]"), "$.soft_adapters[0]");
	parse_fails(DOC("[{\"uplink\": 3, \"type\": \"rxe\"}]"), "$.soft_adapters[0].uplink");
	parse_fails(DOC("[{\"uplink\": \"vmnic1\", \"type\": \"rxe\", \"name\": \"x\"}]"),
	            "$.soft_adapters[0]");
	parse_fails(DOC("[\"vmnic1\"]"), "$.soft_adapters[0]: expected an object, got a string");
	parse_fails(DOC("{}"), "$.soft_adapters");
}
END_TEST

static Suite *make_soft_suite(void)
{
	Suite *s = suite_create("soft");
	TCase *tc = tcase_create("soft adapters");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_soft_type_names);
	tcase_add_test(tc, test_soft_add_find_remove);
	tcase_add_test(tc, test_soft_bad_input);
	tcase_add_test(tc, test_soft_limit);
	tcase_add_test(tc, test_soft_round_trip);
	tcase_add_test(tc, test_soft_loader);
	suite_add_tcase(s, tc);
	return s;
}

VRDMA_TEST_MAIN(make_soft_suite)
