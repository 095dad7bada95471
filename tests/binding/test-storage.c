/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Storage sessions (vrdma_storage_discover) on a fake sysfs tree
 * (tests/binding/fixtures/storage-sysfs, $VRDMA_SYSFS) with the multipath
 * fixture's bindings (vmk1 -> vmnic1 -> rxe0, vmk2 -> vmnic2 -> rxe1) and,
 * built with -Dtest_hooks, a file standing for the kernel's RDMA CM ids
 * (fixtures/storage-cm-ids, $VRDMA_TEST_STORAGE_CM_IDS).  Expected values
 * are the fixture files' own (read here with plain stdio), not the library's.
 *
 * The tree: nvme0 (rdma, -w 192.168.50.11 = vmk1), nvme1 (-w 192.168.50.12
 * = vmk2), nvme2 (no -w; its CM id's source 192.168.50.99 is no vmk's),
 * nvme3 (tcp) and nvme4 (pcie) not listed, nvme10 (IPv6, -w fd00:50::12 =
 * vmk2); session1 over iSER (its CM id from 192.168.50.11 = vmk1), session2
 * over iscsi_tcp not listed.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <vrdma/vrdma.h>

#include "testutil.h"

#ifndef FIXTURES_DIR
#error FIXTURES_DIR must be defined
#endif

#define SYSFS FIXTURES_DIR "/storage-sysfs"
#define CM_IDS FIXTURES_DIR "/storage-cm-ids"

struct fx {
	struct vrdma_ctx *ctx;
	struct json_object *host;
	struct vrdma_config *cfg;
	struct vrdma_bindings *b;
	struct vrdma_storage *st;
};

static void fx_load(struct fx *f, bool cm_ids)
{
	int r;

	memset(f, 0, sizeof(*f));
	setenv("VRDMA_SYSFS", SYSFS, 1);
	if (cm_ids)
		setenv("VRDMA_TEST_STORAGE_CM_IDS", CM_IDS, 1);
	else
		unsetenv("VRDMA_TEST_STORAGE_CM_IDS");
	ck_assert_int_eq(vrdma_ctx_new(&f->ctx), 0);
	f->host = json_object_from_file(FIXTURES_DIR "/multipath-host.json");
	ck_assert_ptr_nonnull(f->host);
	r = vrdma_config_load(f->ctx, FIXTURES_DIR "/multipath-config.json", &f->cfg);
	ck_assert_msg(r == 0, "config: %d %s", r, vrdma_ctx_get_error(f->ctx));
}

static void fx_free(struct fx *f)
{
	vrdma_storage_unref(f->st);
	vrdma_bindings_unref(f->b);
	vrdma_config_unref(f->cfg);
	json_object_put(f->host);
	vrdma_ctx_unref(f->ctx);
}

#ifdef VRDMA_TEST_HOOKS
/* JSON helpers of the hook tests (they change the snapshot's adapters). */
static struct json_object *jnamed(struct json_object *arr, const char *key, const char *name)
{
	size_t i;

	for (i = 0; i < json_object_array_length(arr); i++) {
		struct json_object *o = json_object_array_get_idx(arr, i), *v;
		if (json_object_object_get_ex(o, key, &v) &&
		    strcmp(json_object_get_string(v), name) == 0)
			return o;
	}
	ck_abort_msg("no %s '%s' in the fixture", key, name);
	return NULL;
}

static struct json_object *jget(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	ck_assert_msg(json_object_object_get_ex(o, key, &v), "no key %s", key);
	return v;
}
#endif

/* Compute the bindings from the (changed) snapshot, then discover. */
static struct vrdma_storage *discover(struct fx *f, unsigned int flags)
{
	const char *text = json_object_to_json_string(f->host);
	struct vrdma_host *h = NULL;
	int r;

	ck_assert_int_eq(vrdma_host_parse(f->ctx, text, strlen(text), &h), 0);
	vrdma_bindings_unref(f->b);
	ck_assert_int_eq(vrdma_bindings_new(h, f->cfg, &f->b), 0);
	vrdma_host_unref(h);
	vrdma_storage_unref(f->st);
	f->st = NULL;
	r = vrdma_storage_discover(f->b, flags, &f->st);
	ck_assert_msg(r == 0, "discover: %d %s", r, vrdma_ctx_get_error(f->ctx));
	ck_assert_str_eq(vrdma_ctx_get_error(f->ctx), "");
	ck_assert_ptr_eq(vrdma_storage_get_bindings(f->st), f->b);
	return f->st;
}

static struct vrdma_storage_session *session(struct fx *f, const char *name)
{
	struct vrdma_storage_session *s;
	unsigned int i;

	for (i = 0; vrdma_storage_get_session(f->st, i, &s) == 0; i++)
		if (strcmp(vrdma_storage_session_get_name(s), name) == 0)
			return s;
	ck_abort_msg("no session %s", name);
	return NULL;
}

static const char *session_vmk(struct vrdma_storage_session *s)
{
	struct vrdma_binding *bd = NULL;

	if (vrdma_storage_session_get_binding(s, &bd) < 0)
		return "none";
	return vrdma_vmk_get_name(vrdma_binding_get_vmk(bd));
}

/* "CODE:vmk:session,..." for every storage finding (vmk "-" when none). */
static const char *findings(struct fx *f)
{
	static char buf[1024];
	struct vrdma_diag *d;
	unsigned int i, k;

	buf[0] = 0;
	for (i = 0; vrdma_storage_get_diag(f->st, i, &d) == 0; i++) {
		struct vrdma_binding *bd = NULL;
		const char *kind, *name, *sess = "-";
		for (k = 0; vrdma_diag_get_object(d, k, &kind, &name) == 0; k++)
			if (strcmp(kind, "session") == 0)
				sess = name;
		ck_assert(strlen(vrdma_diag_get_message(d)) > 10);
		ck_assert(strlen(vrdma_diag_get_hint(d)) > 10);
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s%s:%s:%s", i ? "," : "",
		         vrdma_rule_get_code(vrdma_diag_get_rule(d)) + 6,
		         vrdma_diag_get_binding(d, &bd) == 0
		                 ? vrdma_vmk_get_name(vrdma_binding_get_vmk(bd)) : "-",
		         sess);
	}
	ck_assert_int_eq((int)i, vrdma_storage_get_n_diags(f->st));
	return buf;
}

/* A fixture file's first line (the observer). */
static const char *fixture_line(const char *rel)
{
	static char buf[256];
	char path[512];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", SYSFS, rel);
	fp = fopen(path, "r");
	ck_assert_msg(fp, "cannot open %s", path);
	ck_assert_ptr_nonnull(fgets(buf, sizeof(buf), fp));
	fclose(fp);
	buf[strcspn(buf, "\n")] = 0;
	return buf;
}

static uint64_t fixture_counter(const char *dev, const char *name)
{
	char rel[256];

	snprintf(rel, sizeof(rel), "class/infiniband/%s/ports/1/hw_counters/%s", dev, name);
	return strtoull(fixture_line(rel), NULL, 10);
}

START_TEST(test_storage_sessions)
{
	struct fx f;
	struct vrdma_storage_session *s;
	struct vrdma_adapter *a;
	struct vrdma_port *p;
	const char *str;
	unsigned int port, i;
	static const char *const order[] = { "nvme0", "nvme1", "nvme2", "nvme10", "session1" };

	fx_load(&f, false);
	discover(&f, 0);
	ck_assert_int_eq(vrdma_storage_get_n_sessions(f.st), 5);
	for (i = 0; i < 5; i++) {
		ck_assert_int_eq(vrdma_storage_get_session(f.st, i, &s), 0);
		ck_assert_str_eq(vrdma_storage_session_get_name(s), order[i]);
		ck_assert_ptr_eq(vrdma_storage_session_get_storage(s), f.st);
	}
	s = NULL;
	ck_assert_int_eq(vrdma_storage_get_session(f.st, 5, &s), -ENOENT);
	ck_assert_ptr_null(s);
	ck_assert(strstr(vrdma_ctx_get_error(f.ctx), "no session 5"));

	s = session(&f, "nvme0");
	ck_assert_int_eq(vrdma_storage_session_get_kind(s), VRDMA_STORAGE_NVME_RDMA);
	ck_assert_str_eq(vrdma_storage_kind_to_string(vrdma_storage_session_get_kind(s)),
	                 "nvme-rdma");
	ck_assert_str_eq(vrdma_storage_session_get_target_address(s), "192.168.50.200");
	ck_assert_int_eq(vrdma_storage_session_get_target_port(s, &port), 0);
	ck_assert_uint_eq(port, 4420);
	ck_assert_int_eq(vrdma_storage_session_get_target_name(s, &str), 0);
	ck_assert_str_eq(str, fixture_line("class/nvme/nvme0/subsysnqn"));
	ck_assert_int_eq(vrdma_storage_session_get_source_address(s, &str), 0);
	ck_assert_str_eq(str, "192.168.50.11");
	ck_assert_int_eq(vrdma_storage_session_get_state(s, &str), 0);
	ck_assert_str_eq(str, "live");
	ck_assert(vrdma_storage_session_is_live(s));
	ck_assert_str_eq(session_vmk(s), "vmk1");
	ck_assert_int_eq(vrdma_storage_session_get_adapter(s, &a), 0);
	ck_assert_str_eq(vrdma_adapter_get_name(a), "rxe0");
	ck_assert_int_eq(vrdma_storage_session_get_port(s, &p), 0);
	ck_assert_int_eq(vrdma_port_get_number(p), 1);

	/* nvme1 and nvme10 (IPv6, canonical target) ride vmk2 */
	ck_assert_str_eq(session_vmk(session(&f, "nvme1")), "vmk2");
	s = session(&f, "nvme10");
	ck_assert_str_eq(vrdma_storage_session_get_target_address(s), "fd00:50::abcd");
	ck_assert_int_eq(vrdma_storage_session_get_target_port(s, &port), 0);
	ck_assert_uint_eq(port, 4421);
	ck_assert_str_eq(session_vmk(s), "vmk2");

	/* nvme2: connected without -w and no CM id to tell: no source */
	s = session(&f, "nvme2");
	str = NULL;
	ck_assert_int_eq(vrdma_storage_session_get_source_address(s, &str), -ENOENT);
	ck_assert_ptr_null(str);
	ck_assert(strstr(vrdma_ctx_get_error(f.ctx), "nvme2"));
	ck_assert_str_eq(session_vmk(s), "none");
	ck_assert_int_eq(vrdma_storage_session_get_state(s, &str), 0);
	ck_assert_str_eq(str, "connecting");
	ck_assert(!vrdma_storage_session_is_live(s));
	ck_assert_int_eq(vrdma_storage_session_get_adapter(s, &a), -ENOENT);
	ck_assert_int_eq(vrdma_storage_session_get_n_statistics(s), 0);

	/* session1: iSER; sysfs has no local address */
	s = session(&f, "session1");
	ck_assert_int_eq(vrdma_storage_session_get_kind(s), VRDMA_STORAGE_ISER);
	ck_assert_str_eq(vrdma_storage_session_get_target_address(s),
	                 fixture_line("class/iscsi_connection/connection1:0/address"));
	ck_assert_int_eq(vrdma_storage_session_get_target_port(s, &port), 0);
	ck_assert_uint_eq(port, 3260);
	ck_assert_int_eq(vrdma_storage_session_get_target_name(s, &str), 0);
	ck_assert_str_eq(str, fixture_line("class/iscsi_session/session1/targetname"));
	ck_assert(vrdma_storage_session_is_live(s));
	ck_assert_int_eq(vrdma_storage_session_get_source_address(s, &str), -ENOENT);
	fx_free(&f);
}
END_TEST

START_TEST(test_storage_counters)
{
	struct fx f;
	struct vrdma_storage_session *s;
	const char *name, *prev = NULL;
	uint64_t v;
	unsigned int i;

	fx_load(&f, false);
	discover(&f, 0);
	s = session(&f, "nvme0"); /* rxe0: 3 counters, "lifespan" is a setting */
	ck_assert_int_eq(vrdma_storage_session_get_n_statistics(s), 3);
	for (i = 0; vrdma_storage_session_get_statistic(s, i, &name, &v) == 0; i++) {
		ck_assert_uint_eq(v, fixture_counter("rxe0", name));
		if (prev)
			ck_assert_int_lt(strcmp(prev, name), 0);
		prev = name;
	}
	ck_assert_uint_eq(i, 3);
	ck_assert(strstr(vrdma_ctx_get_error(f.ctx), "no counter 3"));
	ck_assert_int_eq(vrdma_storage_session_find_statistic(s, "sent_pkts", &v), 0);
	ck_assert_uint_eq(v, fixture_counter("rxe0", "sent_pkts"));
	ck_assert_int_eq(vrdma_storage_session_find_statistic(s, "lifespan", &v), -ENOENT);
	ck_assert(strstr(vrdma_ctx_get_error(f.ctx), "'lifespan'"));
	ck_assert_int_eq(vrdma_storage_session_find_statistic(s, NULL, &v), -EINVAL);
	ck_assert_int_eq(vrdma_storage_session_get_statistic(s, 0, NULL, &v), -EINVAL);

	s = session(&f, "nvme1"); /* rxe1 */
	ck_assert_int_eq(vrdma_storage_session_find_statistic(s, "rcvd_seq_err", &v), 0);
	ck_assert_uint_eq(v, fixture_counter("rxe1", "rcvd_seq_err"));
	ck_assert_int_eq(vrdma_storage_session_find_statistic(s, "retry_exceeded_err", &v), -ENOENT);
	fx_free(&f);
}
END_TEST

/* Without CM ids: nvme2 and session1 have no source: B080 for both. */
START_TEST(test_storage_b080_no_source)
{
	struct fx f;

	fx_load(&f, false);
	discover(&f, 0);
	ck_assert_str_eq(findings(&f), "B080:-:nvme2,B080:-:session1");
	fx_free(&f);
}
END_TEST

#ifdef VRDMA_TEST_HOOKS
/* With the CM ids: session1 rides vmk1; nvme2's source is no vmk's (B080),
 * its adapter the CM id's. */
START_TEST(test_storage_cm_ids)
{
	struct fx f;
	struct vrdma_storage_session *s;
	struct vrdma_adapter *a;
	struct vrdma_diag *d;
	const char *str;
	uint64_t v;

	fx_load(&f, true);
	discover(&f, 0);
	s = session(&f, "session1");
	ck_assert_int_eq(vrdma_storage_session_get_source_address(s, &str), 0);
	ck_assert_str_eq(str, "192.168.50.11");
	ck_assert_str_eq(session_vmk(s), "vmk1");
	s = session(&f, "nvme2");
	ck_assert_int_eq(vrdma_storage_session_get_source_address(s, &str), 0);
	ck_assert_str_eq(str, "192.168.50.99");
	ck_assert_str_eq(session_vmk(s), "none");
	ck_assert_int_eq(vrdma_storage_session_get_adapter(s, &a), 0);
	ck_assert_str_eq(vrdma_adapter_get_name(a), "rxe0");
	ck_assert_int_eq(vrdma_storage_session_find_statistic(s, "rcvd_pkts", &v), 0);
	ck_assert_uint_eq(v, fixture_counter("rxe0", "rcvd_pkts"));
	/* the given host_traddr wins over the CM ids */
	ck_assert_str_eq(session_vmk(session(&f, "nvme1")), "vmk2");
	ck_assert_str_eq(findings(&f), "B080:-:nvme2");
	ck_assert_int_eq(vrdma_storage_get_diag(f.st, 0, &d), 0);
	ck_assert(strstr(vrdma_diag_get_message(d), "192.168.50.99"));
	ck_assert(vrdma_diag_involves(d, "nvme2"));
	ck_assert_int_eq(vrdma_rule_get_severity(vrdma_diag_get_rule(d)), VRDMA_SEVERITY_WARNING);
	fx_free(&f);
}
END_TEST

static const char *binding_state(struct fx *f, const char *vmk)
{
	struct vrdma_binding *bd = NULL;

	ck_assert_int_eq(vrdma_bindings_find_binding(f->b, vmk, &bd), 0);
	return vrdma_binding_state_to_string(vrdma_binding_get_state(bd));
}

/* B081: vmk2's port runs a RoCE MTU below what its MTU allows (B022: degraded). */
START_TEST(test_storage_b081_degraded)
{
	struct fx f;
	struct json_object *port;

	fx_load(&f, true);
	discover(&f, 0);
	ck_assert_str_eq(binding_state(&f, "vmk2"), "bound"); /* near miss: no B081 */
	ck_assert_str_eq(findings(&f), "B080:-:nvme2");
	port = json_object_array_get_idx(
		jget(jnamed(jget(f.host, "adapters"), "name", "rxe1"), "ports"), 0);
	json_object_object_add(port, "active_mtu", json_object_new_int(512));
	discover(&f, 0);
	ck_assert_str_eq(binding_state(&f, "vmk2"), "degraded");
	ck_assert_str_eq(findings(&f), "B081:vmk2:nvme1,B081:vmk2:nvme10,B080:-:nvme2");
	fx_free(&f);
}
END_TEST

/* B082: vmk2's uplink is down (B030: unbound); the idle rule skips vmk2. */
START_TEST(test_storage_b082_unbound)
{
	struct fx f;
	struct vrdma_diag *d;

	fx_load(&f, true);
	json_object_object_add(jnamed(jget(f.host, "netdevs"), "name", "ens1f1"), "oper_state",
	                       json_object_new_string("down"));
	discover(&f, VRDMA_STORAGE_CHECK_IDLE_VMKS);
	ck_assert_str_eq(binding_state(&f, "vmk2"), "unbound");
	ck_assert_str_eq(findings(&f), "B082:vmk2:nvme1,B082:vmk2:nvme10,B080:-:nvme2");
	ck_assert_int_eq(vrdma_storage_get_diag(f.st, 0, &d), 0);
	ck_assert_int_eq(vrdma_rule_get_severity(vrdma_diag_get_rule(d)), VRDMA_SEVERITY_ERROR);
	ck_assert(strstr(vrdma_diag_get_message(d), "vmk2"));
	ck_assert(strstr(vrdma_diag_get_message(d), "unbound"));
	ck_assert(vrdma_diag_involves(d, "vmnic2")); /* the binding's chain */
	/* the session is still listed with its binding */
	ck_assert_str_eq(session_vmk(session(&f, "nvme1")), "vmk2");
	fx_free(&f);
}
END_TEST

/* B083 only when asked: vmk2 is tagged iser and carries no iSER session. */
START_TEST(test_storage_b083_idle)
{
	struct fx f;

	fx_load(&f, true);
	discover(&f, 0);
	ck_assert_str_eq(findings(&f), "B080:-:nvme2");
	discover(&f, VRDMA_STORAGE_CHECK_IDLE_VMKS);
	ck_assert_str_eq(findings(&f), "B083:vmk2:-,B080:-:nvme2");
	fx_free(&f);
}
END_TEST
#endif

START_TEST(test_storage_empty_tree)
{
	struct fx f;

	fx_load(&f, false);
	setenv("VRDMA_SYSFS", FIXTURES_DIR, 1); /* no class/ at all */
	discover(&f, VRDMA_STORAGE_CHECK_IDLE_VMKS);
	ck_assert_int_eq(vrdma_storage_get_n_sessions(f.st), 0);
	/* both vmks are tagged nvme-rdma and iser and carry nothing */
	ck_assert_str_eq(findings(&f), "B083:vmk1:-,B083:vmk1:-,B083:vmk2:-,B083:vmk2:-");
	fx_free(&f);
}
END_TEST

START_TEST(test_storage_args)
{
	struct fx f;
	struct vrdma_storage *st = NULL;
	struct vrdma_storage_session *sess = NULL;

	fx_load(&f, false);
	discover(&f, 0);
	ck_assert_int_eq(vrdma_storage_discover(NULL, 0, &st), -EINVAL);
	ck_assert_int_eq(vrdma_storage_discover(f.b, 0, NULL), -EINVAL);
	ck_assert(strstr(vrdma_ctx_get_error(f.ctx), "storage"));
	ck_assert_int_eq(vrdma_storage_discover(f.b, 1u << 7, &st), -EINVAL);
	ck_assert(strstr(vrdma_ctx_get_error(f.ctx), "flags"));
	ck_assert_ptr_null(st);
	ck_assert_int_eq(vrdma_storage_get_n_sessions(NULL), -EINVAL);
	ck_assert_int_eq(vrdma_storage_get_n_diags(NULL), -EINVAL);
	ck_assert_ptr_null(vrdma_storage_session_get_name(NULL));
	ck_assert_int_eq(vrdma_storage_session_get_kind(NULL), -EINVAL);
	ck_assert(!vrdma_storage_session_is_live(NULL));
	ck_assert_ptr_null(vrdma_storage_kind_to_string(2));
	ck_assert_ptr_null(vrdma_storage_kind_to_string(-1));
	ck_assert_str_eq(vrdma_storage_kind_to_string(VRDMA_STORAGE_ISER), "iser");
	ck_assert_ptr_null(vrdma_storage_unref(NULL));
	/* the storage outlives its bindings' and context's last other references */
	st = vrdma_storage_ref(f.st);
	vrdma_storage_unref(f.st);
	f.st = NULL;
	vrdma_bindings_unref(f.b);
	f.b = NULL;
	ck_assert_int_eq(vrdma_storage_get_n_sessions(st), 5);
	ck_assert_int_eq(vrdma_storage_get_session(st, 0, &sess), 0);
	ck_assert_str_eq(session_vmk(sess), "vmk1");
	vrdma_storage_unref(st);
	fx_free(&f);
}
END_TEST

static Suite *make_storage_suite(void)
{
	Suite *s = suite_create("storage");
	TCase *tc = tcase_create("storage");

	tcase_add_test(tc, test_storage_sessions);
	tcase_add_test(tc, test_storage_counters);
	tcase_add_test(tc, test_storage_b080_no_source);
#ifdef VRDMA_TEST_HOOKS
	tcase_add_test(tc, test_storage_cm_ids);
	tcase_add_test(tc, test_storage_b081_degraded);
	tcase_add_test(tc, test_storage_b082_unbound);
	tcase_add_test(tc, test_storage_b083_idle);
#endif
	tcase_add_test(tc, test_storage_empty_tree);
	tcase_add_test(tc, test_storage_args);
	suite_add_tcase(s, tc);
	return s;
}

VRDMA_TEST_MAIN(make_storage_suite)
