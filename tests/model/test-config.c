/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The configuration file: malformed documents (table driven, each with the
 * expected JSON path and rule, including the strict JSON syntax shared with
 * the host snapshot), loader robustness (FIFOs, directories, size limits,
 * linear time), round trips, generation/lost-update
 * protection, root path checks, crash consistency under SIGKILL and
 * concurrent writers in separate processes.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <dirent.h>
#include <time.h>
#include <unistd.h>

#include <vrdma/vrdma.h>

#include "testutil.h"

static struct vrdma_ctx *ctx;
static char dir[64];

static void setup(void)
{
	ck_assert_int_eq(vrdma_ctx_new(&ctx), 0);
	vrdma_ctx_set_log_fn(ctx, NULL, NULL);
	snprintf(dir, sizeof(dir), "/tmp/vrdma-config-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
	char cmd[128];

	ctx = vrdma_ctx_unref(ctx);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static char *path_in(const char *name)
{
	static char p[256];

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return p;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fputs(text, f) >= 0, 1);
	ck_assert_int_eq(fclose(f), 0);
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	static char buf[1 << 16];
	size_t n;

	ck_assert_msg(f != NULL, "cannot open %s", path);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return strdup(buf);
}

#define HEAD "{\"schema\": \"vrdma-config/1\", \"generation\": 1, "

/* A complete, valid document in canonical form (what vrdma_config_format() writes). */
static const char *seed_doc =
	"{\n"
	"  \"schema\": \"vrdma-config/1\",\n"
	"  \"generation\": 7,\n"
	"  \"switches\": [\n"
	"    {\n"
	"      \"name\": \"vSwitch1\",\n"
	"      \"type\": \"standard\",\n"
	"      \"mtu\": 9000,\n"
	"      \"uplinks\": [\n"
	"        \"vmnic1\",\n"
	"        \"vmnic2\"\n"
	"      ],\n"
	"      \"failover\": {\n"
	"        \"active\": [\n"
	"          \"vmnic1\"\n"
	"        ],\n"
	"        \"standby\": [\n"
	"          \"vmnic2\"\n"
	"        ]\n"
	"      },\n"
	"      \"portgroups\": [\n"
	"        {\n"
	"          \"name\": \"RDMA-PG\",\n"
	"          \"vlan\": 0,\n"
	"          \"failover\": {\n"
	"            \"active\": [\n"
	"              \"vmnic1\"\n"
	"            ],\n"
	"            \"standby\": [\n"
	"            ]\n"
	"          }\n"
	"        },\n"
	"        {\n"
	"          \"name\": \"Tagged\",\n"
	"          \"vlan\": 100\n"
	"        }\n"
	"      ]\n"
	"    },\n"
	"    {\n"
	"      \"name\": \"DSwitch Storage\",\n"
	"      \"type\": \"distributed\",\n"
	"      \"ifname\": \"dsstor\",\n"
	"      \"mtu\": 1500,\n"
	"      \"uplinks\": [\n"
	"        {\n"
	"          \"name\": \"Uplink 1\",\n"
	"          \"device\": \"vmnic3\"\n"
	"        },\n"
	"        {\n"
	"          \"name\": \"Uplink 2\"\n"
	"        }\n"
	"      ],\n"
	"      \"failover\": {\n"
	"        \"active\": [\n"
	"          \"Uplink 1\"\n"
	"        ],\n"
	"        \"standby\": [\n"
	"        ]\n"
	"      },\n"
	"      \"portgroups\": [\n"
	"        {\n"
	"          \"name\": \"DPortGroup\",\n"
	"          \"vlan\": \"10-20,30\"\n"
	"        }\n"
	"      ]\n"
	"    }\n"
	"  ],\n"
	"  \"vmks\": [\n"
	"    {\n"
	"      \"name\": \"vmk1\",\n"
	"      \"switch\": \"vSwitch1\",\n"
	"      \"portgroup\": \"RDMA-PG\",\n"
	"      \"mac\": \"02:00:00:00:00:01\",\n"
	"      \"mtu\": 9000,\n"
	"      \"ipv4\": \"192.168.100.11/24\",\n"
	"      \"ipv6\": [\n"
	"        \"fd00:100::11/64\"\n"
	"      ],\n"
	"      \"gateway4\": \"192.168.100.1\",\n"
	"      \"gateway6\": \"fe80::1\",\n"
	"      \"tags\": [\n"
	"        \"nvme-rdma\",\n"
	"        \"iser\"\n"
	"      ]\n"
	"    },\n"
	"    {\n"
	"      \"name\": \"vmk2\",\n"
	"      \"switch\": \"DSwitch Storage\",\n"
	"      \"portgroup\": \"DPortGroup\",\n"
	"      \"mac\": \"02:00:00:00:00:02\",\n"
	"      \"mtu\": 1500,\n"
	"      \"ipv6\": [\n"
	"      ],\n"
	"      \"tags\": [\n"
	"      ]\n"
	"    }\n"
	"  ]\n"
	"}\n";

/* The same document as written before the JSON layer (json.c): it still loads. */
static const char *old_layout_doc =
	"{\n"
	"  \"schema\": \"vrdma-config/1\",\n"
	"  \"generation\": 7,\n"
	"  \"switches\": [\n"
	"    {\n"
	"      \"name\": \"vSwitch1\",\n"
	"      \"type\": \"standard\",\n"
	"      \"mtu\": 9000,\n"
	"      \"uplinks\": [\"vmnic1\", \"vmnic2\"],\n"
	"      \"failover\": {\n"
	"        \"active\": [\"vmnic1\"],\n"
	"        \"standby\": [\"vmnic2\"]\n"
	"      },\n"
	"      \"portgroups\": [\n"
	"        {\n"
	"          \"name\": \"RDMA-PG\",\n"
	"          \"vlan\": 0,\n"
	"          \"failover\": {\n"
	"            \"active\": [\"vmnic1\"],\n"
	"            \"standby\": []\n"
	"          }\n"
	"        },\n"
	"        {\n"
	"          \"name\": \"Tagged\",\n"
	"          \"vlan\": 100\n"
	"        }\n"
	"      ]\n"
	"    },\n"
	"    {\n"
	"      \"name\": \"DSwitch Storage\",\n"
	"      \"type\": \"distributed\",\n"
	"      \"ifname\": \"dsstor\",\n"
	"      \"mtu\": 1500,\n"
	"      \"uplinks\": [\n"
	"        { \"name\": \"Uplink 1\", \"device\": \"vmnic3\" },\n"
	"        { \"name\": \"Uplink 2\" }\n"
	"      ],\n"
	"      \"failover\": {\n"
	"        \"active\": [\"Uplink 1\"],\n"
	"        \"standby\": []\n"
	"      },\n"
	"      \"portgroups\": [\n"
	"        {\n"
	"          \"name\": \"DPortGroup\",\n"
	"          \"vlan\": \"10-20,30\"\n"
	"        }\n"
	"      ]\n"
	"    }\n"
	"  ],\n"
	"  \"vmks\": [\n"
	"    {\n"
	"      \"name\": \"vmk1\",\n"
	"      \"switch\": \"vSwitch1\",\n"
	"      \"portgroup\": \"RDMA-PG\",\n"
	"      \"mac\": \"02:00:00:00:00:01\",\n"
	"      \"mtu\": 9000,\n"
	"      \"ipv4\": \"192.168.100.11/24\",\n"
	"      \"ipv6\": [\"fd00:100::11/64\"],\n"
	"      \"gateway4\": \"192.168.100.1\",\n"
	"      \"gateway6\": \"fe80::1\",\n"
	"      \"tags\": [\"nvme-rdma\", \"iser\"]\n"
	"    },\n"
	"    {\n"
	"      \"name\": \"vmk2\",\n"
	"      \"switch\": \"DSwitch Storage\",\n"
	"      \"portgroup\": \"DPortGroup\",\n"
	"      \"mac\": \"02:00:00:00:00:02\",\n"
	"      \"mtu\": 1500,\n"
	"      \"ipv6\": [],\n"
	"      \"tags\": []\n"
	"    }\n"
	"  ]\n"
	"}\n";

START_TEST(test_parse_seed)
{
	struct vrdma_config *cfg = NULL;
	struct vrdma_switch *sw;
	struct vrdma_portgroup *pg;
	struct vrdma_vmk *vmk;
	const char *s;
	unsigned int p;
	uint64_t gen;
	char *text;

	ck_assert_msg(vrdma_config_parse(ctx, seed_doc, strlen(seed_doc), &cfg) == 0, "%s",
	              vrdma_ctx_get_error(ctx));
	gen = vrdma_config_get_generation(cfg);
	ck_assert_uint_eq(gen, 7);
	ck_assert_int_eq(vrdma_config_get_n_switches(cfg), 2);
	ck_assert_int_eq(vrdma_config_find_switch(cfg, "DSwitch Storage", &sw), 0);
	ck_assert_str_eq(vrdma_switch_get_ifname(sw), "dsstor");
	ck_assert_int_eq(vrdma_switch_get_uplink_device(sw, "Uplink 1", &s), 0);
	ck_assert_str_eq(s, "vmnic3");
	ck_assert_int_eq(vrdma_config_find_vmk(cfg, "vmk1", &vmk), 0);
	ck_assert_int_eq(vrdma_vmk_get_ipv4(vmk, &s, &p), 0);
	ck_assert_str_eq(s, "192.168.100.11");
	ck_assert_uint_eq(vrdma_vmk_get_tags(vmk), VRDMA_VMK_TAG_NVME_RDMA | VRDMA_VMK_TAG_ISER);
	pg = vrdma_vmk_get_portgroup(vmk);
	ck_assert_str_eq(vrdma_portgroup_get_name(pg), "RDMA-PG");
	ck_assert(vrdma_portgroup_has_failover_override(pg));
	/* canonical form: format reproduces the document byte for byte */
	ck_assert_int_eq(vrdma_config_format(cfg, &text), 0);
	ck_assert_str_eq(text, seed_doc);
	free(text);
	vrdma_config_unref(cfg);
	/* a document in the layout written before the JSON layer loads the same */
	ck_assert_msg(vrdma_config_parse(ctx, old_layout_doc, strlen(old_layout_doc), &cfg) == 0,
	              "%s", vrdma_ctx_get_error(ctx));
	ck_assert_int_eq(vrdma_config_format(cfg, &text), 0);
	ck_assert_str_eq(text, seed_doc);
	free(text);
	vrdma_config_unref(cfg);
}
END_TEST

struct bad_doc {
	const char *text;
	const char *expect;   /* substring of the error message */
	size_t len;           /* 0: strlen(text) */
};

static const struct bad_doc bad_docs[] = {
	{ "", "<buffer>: $: invalid JSON at line 1, column 1: unexpected end of the document" },
	{ "   \n", "<buffer>: $: invalid JSON at line 2, column 1: unexpected end of the document" },
	{ "[]", "<buffer>: $: expected an object, got an array" },
	{ "{", "$: invalid JSON at line 1, column 2: expected a member name in double quotes" },
	{ "{\"schema\": 'x'}", "$.schema: invalid JSON at line 1, column 12: unexpected character ''' (strings are in double quotes)" },
	{ "{\"a\": 1,}", "$: invalid JSON at line 1, column 9: trailing comma" },
	{ "{} x", "$: invalid JSON at line 1, column 4: trailing data after the document" },
	{ "{}\n\n{}", "$: invalid JSON at line 3, column 1: trailing data after the document" },
	{ "{\"a\": 01}", "$.a: invalid JSON at line 1, column 7: bad number (leading zero)" },
	{ "{\"a\": \"\x01\"}", "$.a: invalid JSON at line 1, column 8: control character in a string" },
	{ "{\"a\": \"\\x\"}", "$.a: invalid JSON at line 1, column 8: bad escape in a string" },
	{ "{\"a\": tru}", "$.a: invalid JSON at line 1, column 7: unexpected character" },
	{ "{\"a\": \"unterminated}", "$.a: invalid JSON at line 1, column 21: unterminated string" },
	{ "{}", "<buffer>: 2 problems: $.schema: missing member: expected a string" },
	{ "{}", "$.generation: missing member: expected an integer" },
	{ "{\"schema\": \"vrdma-config/2\", \"generation\": 1}",
	  "<buffer>: $.schema: unsupported schema \"vrdma-config/2\": expected \"vrdma-config/1\"" },
	{ "{\"schema\": 1, \"generation\": 1}", "<buffer>: $.schema: expected a string, got an integer" },
	{ "{\"schema\": \"vrdma-config/1\", \"generation\": -1}", "$.generation: -1 is out of range: expected 0..9223372036854775806" },
	{ "{\"schema\": \"vrdma-config/1\", \"generation\": 1.5}", "$.generation: expected an integer, got a fractional number" },
	{ "{\"schema\": \"vrdma-config/1\", \"generation\": 99999999999999999999}", "$.generation: 18446744073709551615 is out of range" },
	{ HEAD "\"extra\": true}", "<buffer>: $.extra: unexpected member" },
	{ HEAD "\"switches\": {}}", "$.switches: expected an array, got an object" },
	{ HEAD "\"generation\": 2}", "<buffer>: $.generation: duplicate member at line 1" },
	{ HEAD "\"switches\": [1]}", "$.switches[0]: expected an object, got an integer" },
	{ HEAD "\"switches\": [{\"type\": \"standard\"}]}", "$.switches[0].name: missing member: expected a string" },
	{ HEAD "\"switches\": [{\"name\": \"a\", \"type\": \"virtual\"}]}",
	  "$.switches[0].type: unknown value \"virtual\": expected \"standard\" or \"distributed\"" },
	{ HEAD "\"switches\": [{\"name\": \"a\", \"type\": \"standard\", \"colour\": 1}]}",
	  "$.switches[0].colour: unexpected member" },
	{ HEAD "\"switches\": [{\"name\": \"a\", \"type\": \"standard\", \"mtu\": 99999}]}",
	  "$.switches[0].mtu: 99999 is out of range: expected 1280..9000" },
	{ HEAD "\"switches\": [{\"name\": \"a\", \"type\": \"standard\", \"mtu\": \"9000\"}]}",
	  "$.switches[0].mtu: expected an integer, got a string" },
	{ HEAD "\"switches\": [{\"name\": \"a\", \"type\": \"standard\"}, {\"name\": \"a\", \"type\": \"standard\"}]}",
	  "$.switches[1].name: switch 'a': a switch with this name exists" },
	{ HEAD "\"switches\": [{\"name\": \"vSwitchTooLongForLinux\", \"type\": \"standard\"}]}",
	  "$.switches[0].name: switch 'vSwitchTooLongForLinux': name is not usable as a Linux bridge name" },
	{ HEAD "\"switches\": [{\"name\": \"a\", \"type\": \"standard\", \"ifname\": \"x/y\"}]}",
	  "$.switches[0].ifname: switch 'a': character '/' not allowed" },
	{ HEAD "\"switches\": [{\"name\": \"a\", \"type\": \"standard\", \"uplinks\": [\"vmnic1\"]},"
	  " {\"name\": \"b\", \"type\": \"standard\", \"uplinks\": [\"vmnic1\"]}]}",
	  "$.switches[1].uplinks[0]: switch 'b': uplink 'vmnic1' is already used by switch 'a'" },
	{ HEAD "\"switches\": [{\"name\": \"a\", \"type\": \"standard\", \"uplinks\": [7]}]}",
	  "$.switches[0].uplinks[0]: expected an uplink name string" },
	{ HEAD "\"switches\": [{\"name\": \"a\", \"type\": \"distributed\", \"uplinks\": [\"vmnic1\"]}]}",
	  "$.switches[0].uplinks[0]: expected an uplink slot object" },
	{ HEAD "\"switches\": [{\"name\": \"a\", \"type\": \"distributed\", \"uplinks\": [{\"name\": \"Uplink 1\", \"dev\": \"x\"}]}]}",
	  "$.switches[0].uplinks[0].dev: unexpected member" },
	{ HEAD "\"switches\": [{\"name\": \"a\", \"type\": \"standard\", \"uplinks\": [\"vmnic1\"],"
	  " \"failover\": {\"active\": [\"vmnic1\"], \"standby\": [\"vmnic1\"]}}]}",
	  "$.switches[0].failover: switch 'a': failover: uplink 'vmnic1' is both active and standby" },
	{ HEAD "\"switches\": [{\"name\": \"a\", \"type\": \"standard\", \"failover\": {\"active\": []}}]}",
	  "$.switches[0].failover.standby: missing member: expected an array" },
	{ HEAD "\"switches\": [{\"name\": \"a\", \"type\": \"standard\", \"failover\": {\"active\": [], \"standby\": [], \"unused\": []}}]}",
	  "$.switches[0].failover.unused: unexpected member" },
	{ HEAD "\"switches\": [{\"name\": \"a\", \"type\": \"standard\", \"portgroups\": [{\"name\": \"p\", \"vlan\": 4096}]}]}",
	  "$.switches[0].portgroups[0].vlan: port group 'p': VLAN ID 4096 out of range 0-4095" },
	{ HEAD "\"switches\": [{\"name\": \"a\", \"type\": \"standard\", \"portgroups\": [{\"name\": \"p\", \"vlan\": true}]}]}",
	  "$.switches[0].portgroups[0].vlan: expected an integer VLAN ID or a trunk range string" },
	{ HEAD "\"switches\": [{\"name\": \"a\", \"type\": \"distributed\", \"portgroups\": [{\"name\": \"p\", \"vlan\": 4095}]}]}",
	  "use VLAN trunk ranges" },
	{ HEAD "\"switches\": [{\"name\": \"a\", \"type\": \"standard\", \"portgroups\": [{\"name\": \"p\"}, {\"name\": \"p\"}]}]}",
	  "$.switches[0].portgroups[1].name: port group 'p': already exists on switch 'a'" },
	{ HEAD "\"vmks\": [{\"name\": \"vmk1\", \"switch\": \"nope\", \"portgroup\": \"p\"}]}",
	  "$.vmks[0].switch: switch 'nope' not found" },
	{ HEAD "\"switches\": [{\"name\": \"a\", \"type\": \"standard\"}], \"vmks\": [{\"name\": \"vmk1\", \"switch\": \"a\", \"portgroup\": \"p\"}]}",
	  "$.vmks[0].portgroup: switch 'a': port group 'p' not found" },
#define VMK_PRE HEAD "\"switches\": [{\"name\": \"a\", \"type\": \"standard\", \"portgroups\": [{\"name\": \"p\"}]}], \"vmks\": [{\"name\": \"vmk1\", \"switch\": \"a\", \"portgroup\": \"p\", "
	{ VMK_PRE "\"ipv4\": \"10.0.0.0/24\"}]}", "$.vmks[0].ipv4: vmk 'vmk1': IPv4 address 10.0.0.0 is the network address" },
	{ VMK_PRE "\"ipv4\": \"10.0.0.1\"}]}", "$.vmks[0].ipv4: \"10.0.0.1\" is not of the form ADDRESS/PREFIX" },
	{ VMK_PRE "\"ipv4\": \"10.0.0.1/33\"}]}", "$.vmks[0].ipv4: vmk 'vmk1': IPv4 prefix length 33 out of range 1-32" },
	{ VMK_PRE "\"ipv4\": \"224.0.0.5/24\"}]}", "multicast" },
	{ VMK_PRE "\"ipv6\": [\"fe80::5/64\"]}]}", "$.vmks[0].ipv6[0]: vmk 'vmk1': IPv6 address fe80::5 is a link-local" },
	{ VMK_PRE "\"ipv6\": [\"fd00::5/129\"]}]}", "$.vmks[0].ipv6[0]: vmk 'vmk1': IPv6 prefix length 129 out of range" },
	{ VMK_PRE "\"ipv4\": \"10.0.0.5/24\", \"gateway4\": \"10.0.1.1\"}]}",
	  "$.vmks[0].gateway4: vmk 'vmk1': IPv4 gateway 10.0.1.1 is outside its subnet" },
	{ VMK_PRE "\"gateway4\": \"fd00::1\"}]}", "$.vmks[0].gateway4: \"fd00::1\" is not an IPv4 address" },
	{ VMK_PRE "\"gateway6\": \"fd00::1\"}]}", "$.vmks[0].gateway6: vmk 'vmk1': IPv6 gateway fd00::1 is outside every IPv6 subnet" },
	{ VMK_PRE "\"mtu\": 9000}]}", "$.vmks[0].mtu: vmk 'vmk1': MTU 9000 is above switch 'a' MTU 1500" },
	{ VMK_PRE "\"mac\": \"01:00:00:00:00:01\"}]}", "$.vmks[0].mac: vmk 'vmk1': MAC '01:00:00:00:00:01' is a multicast address" },
	{ VMK_PRE "\"tags\": [\"vmotion\"]}]}", "$.vmks[0].tags[0]: unknown service tag \"vmotion\"" },
	{ VMK_PRE "\"tags\": [\"NVMeRDMA\"]}]}", "unknown service tag \"NVMeRDMA\"" },
	{ VMK_PRE "\"tags\": [\"iser\", \"iser\"]}]}", "$.vmks[0].tags[1]: service tag \"iser\" listed twice" },
	{ VMK_PRE "\"speed\": 1}]}", "$.vmks[0].speed: unexpected member" },
	{ VMK_PRE "\"name\": \"vmk2\"}]}", "$.vmks[0].name: duplicate member at line 1" },
	{ VMK_PRE "\"ipv4\": \"10.0.0.5/24\"}, {\"name\": \"vmk1\", \"switch\": \"a\", \"portgroup\": \"p\"}]}",
	  "$.vmks[1].name: vmk 'vmk1': already exists" },
	{ VMK_PRE "\"ipv4\": \"10.0.0.5/24\"}, {\"name\": \"vmk2\", \"switch\": \"a\", \"portgroup\": \"p\", \"ipv4\": \"10.0.0.5/16\"}]}",
	  "$.vmks[1].ipv4: vmk 'vmk2': IPv4 address 10.0.0.5 is already used by vmk 'vmk1'" },
	{ VMK_PRE "\"name\": 5}]}", "$.vmks[0].name: duplicate member" },
	/* the strict syntax shared with the host snapshot (json.c) */
	{ HEAD "/* c */ \"vmks\": []}", "$: invalid JSON at line 1, column 47: expected a member name" },
	{ HEAD "\"vmks\": [] // c\n}", "$: invalid JSON at line 1, column 58: expected ',' or '}'" },
	{ HEAD "\"vmks\": /* c */ []}", "$.vmks: invalid JSON at line 1, column 55: unexpected character '/' (JSON has no comments)" },
	{ HEAD "'vmks': []}", "$: invalid JSON at line 1, column 47: expected a member name in double quotes" },
	{ HEAD "\"vmks\": [],}", "$: invalid JSON at line 1, column 58: trailing comma" },
	{ VMK_PRE "\"ipv6\": [\"fd00::1/64\",]}]}", "$.vmks[0].ipv6[1]: invalid JSON at line 1, column 208: trailing comma" },
	{ VMK_PRE "\"mac\": \"02:00\t\"}]}", "$.vmks[0].mac: invalid JSON at line 1, column 199: control character in a string" },
	{ VMK_PRE "\"mac\": \"\xc3\x28\"}]}", "$.vmks[0].mac: invalid JSON at line 1, column 194: invalid UTF-8 in a string" },
	{ VMK_PRE "\"mac\": \"\xed\xa0\x80\"}]}", "invalid UTF-8 in a string" },
	{ VMK_PRE "\"mac\": \"\xc0\xaf\"}]}", "invalid UTF-8 in a string" },
	{ VMK_PRE "\"mac\": \"a\\u0000b\"}]}", "$.vmks[0].mac: invalid JSON at line 1, column 195: \\u0000 in a string" },
	{ VMK_PRE "\"mac\": \"\\ud800\"}]}", "unpaired surrogate in a string" },
	{ VMK_PRE "\"mac\": \"\\udc00\\ud800\"}]}", "unpaired surrogate in a string" },
	{ HEAD "\"n\\u0061me\": 1, \"name\": 2}", "$.name: duplicate member at line 1" },
	{ HEAD "\"x\": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}",
	  "$.x[0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0]: "
	  "invalid JSON at line 1, column 83: nested deeper than 32 levels" },
	{ HEAD "\"x\": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}", "<buffer>: $.x: unexpected member" },
	{ "{}\x00", "$: invalid JSON at line 1, column 3: trailing data after the document", 3 },
	{ "\xef\xbb\xbf{}", "$: invalid JSON at line 1, column 1: unexpected byte 0xef" },
};

START_TEST(test_malformed)
{
	const struct bad_doc *d = &bad_docs[_i];
	struct vrdma_config *cfg = (struct vrdma_config *)0x1;
	int r;

	r = vrdma_config_parse(ctx, d->text, d->len ? d->len : strlen(d->text), &cfg);
	ck_assert_msg(r == -EINVAL, "doc %d: expected -EINVAL, got %d", _i, r);
	ck_assert_msg(cfg == NULL, "doc %d: half-loaded configuration returned", _i);
	ck_assert_msg(strstr(vrdma_ctx_get_error(ctx), d->expect) != NULL,
	              "doc %d: message '%s' lacks '%s'", _i, vrdma_ctx_get_error(ctx), d->expect);
}
END_TEST

START_TEST(test_every_problem)
{
	const char *doc =
		"{\n"
		"  \"schema\": \"vrdma-config/1\",\n"
		"  \"generation\": 1,\n"
		"  \"switches\": [\n"
		"    { \"name\": \"a\", \"type\": \"standard\",\n"
		"      \"mtu\": 100 },\n"
		"    { \"name\": \"b\", \"type\": \"standard\", \"bogus\": 1,\n"
		"      \"portgroups\": [ { \"name\": \"p\",\n"
		"                        \"vlan\": 5000 } ] }\n"
		"  ]\n"
		"}\n";
	struct vrdma_config *cfg = NULL;
	const char *e;

	ck_assert_int_eq(vrdma_config_parse(ctx, doc, strlen(doc), &cfg), -EINVAL);
	ck_assert_ptr_null(cfg);
	e = vrdma_ctx_get_error(ctx);
	ck_assert_msg(strstr(e, "<buffer>: 3 problems: ") == e, "%s", e);
	ck_assert_msg(strstr(e, "$.switches[0].mtu: 100 is out of range: expected 1280..9000") != NULL, "%s", e);
	ck_assert_msg(strstr(e, "; $.switches[1].bogus: unexpected member; ") != NULL, "%s", e);
	ck_assert_msg(strstr(e, "$.switches[1].portgroups[0].vlan: port group 'p': VLAN ID 5000") != NULL, "%s", e);
}
END_TEST

/* ---- loader robustness ---------------------------------------------------------- */

static void alarm_guard(int seconds)
{
	signal(SIGALRM, SIG_DFL);
	alarm((unsigned int)seconds);
}

/* A FIFO is refused without being opened for a blocking read (nor is a directory read). */
START_TEST(test_not_regular)
{
	struct vrdma_config *cfg = NULL;
	const char *fifo = path_in("fifo.json");

	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	alarm_guard(10);
	ck_assert_int_eq(vrdma_config_load(ctx, fifo, &cfg), -EINVAL);
	ck_assert_ptr_null(cfg);
	ck_assert_msg(strstr(vrdma_ctx_get_error(ctx), "is not a regular file") != NULL, "%s",
	              vrdma_ctx_get_error(ctx));
	ck_assert_ptr_nonnull(strstr(vrdma_ctx_get_error(ctx), fifo));
	ck_assert_int_eq(vrdma_host_load(ctx, fifo, &(struct vrdma_host *){ NULL }), -EINVAL);
	ck_assert_msg(strstr(vrdma_ctx_get_error(ctx), "is not a regular file") != NULL, "%s",
	              vrdma_ctx_get_error(ctx));
	ck_assert_int_eq(vrdma_config_load(ctx, dir, &cfg), -EISDIR);
	ck_assert_msg(strstr(vrdma_ctx_get_error(ctx), "is a directory") != NULL, "%s",
	              vrdma_ctx_get_error(ctx));
	ck_assert_int_eq(vrdma_host_load(ctx, dir, &(struct vrdma_host *){ NULL }), -EISDIR);
	ck_assert_msg(strstr(vrdma_ctx_get_error(ctx), "is a directory") != NULL, "%s",
	              vrdma_ctx_get_error(ctx));
	alarm(0);
}
END_TEST

/* 1 MiB for a configuration, 16 MiB for a snapshot, in a file or in memory. */
START_TEST(test_size_limit)
{
	size_t big = (16u << 20) + 1;
	char *text = malloc(big + 1);
	const char *p = path_in("big.json");
	struct vrdma_config *cfg = NULL;
	struct vrdma_host *h = NULL;
	FILE *f;

	ck_assert_ptr_nonnull(text);
	memset(text, ' ', big);
	text[0] = '{';
	text[big - 1] = '}';
	text[big] = '\0';
	ck_assert_int_eq(vrdma_config_parse(ctx, text, (1u << 20) + 1, &cfg), -EFBIG);
	ck_assert_msg(strstr(vrdma_ctx_get_error(ctx), "<buffer>: $: 1048577 bytes is larger than the limit of 1048576 bytes")
	              != NULL, "%s", vrdma_ctx_get_error(ctx));
	ck_assert_int_eq(vrdma_host_parse(ctx, text, big, &h), -EFBIG);
	ck_assert_msg(strstr(vrdma_ctx_get_error(ctx), "larger than the limit of 16777216 bytes") != NULL,
	              "%s", vrdma_ctx_get_error(ctx));
	f = fopen(p, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fwrite(text, 1, big, f), big);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(vrdma_config_load(ctx, p, &cfg), -EFBIG);
	ck_assert_msg(strstr(vrdma_ctx_get_error(ctx), p) && strstr(vrdma_ctx_get_error(ctx), "1048576"),
	              "%s", vrdma_ctx_get_error(ctx));
	ck_assert_int_eq(vrdma_host_load(ctx, p, &h), -EFBIG);
	ck_assert_msg(strstr(vrdma_ctx_get_error(ctx), p) && strstr(vrdma_ctx_get_error(ctx), "16777216"),
	              "%s", vrdma_ctx_get_error(ctx));
	ck_assert_ptr_null(cfg);
	ck_assert_ptr_null(h);
	free(text);
}
END_TEST

/* Loading is linear in the document: 90000 members of one object (each an
 * unknown member, each a problem) are checked in well under the guard (the
 * quadratic loader took over 30 s). */
START_TEST(test_linear)
{
	size_t n = 90000, i, len = 0;
	char *doc = malloc(n * 16 + 128);
	struct vrdma_config *cfg = NULL;

	ck_assert_ptr_nonnull(doc);
	len += (size_t)sprintf(doc, "{\"schema\": \"vrdma-config/1\", \"generation\": 1");
	for (i = 0; i < n; i++)
		len += (size_t)sprintf(doc + len, ",\"k%zu\":0", i);
	len += (size_t)sprintf(doc + len, "}");
	alarm_guard(10);
	ck_assert_int_eq(vrdma_config_parse(ctx, doc, len, &cfg), -EINVAL);
	ck_assert_msg(strstr(vrdma_ctx_get_error(ctx), "<buffer>: 90000 problems: $.k0: unexpected member; ")
	              != NULL, "%s", vrdma_ctx_get_error(ctx));
	/* the same with a duplicate at the very end */
	len += (size_t)sprintf(doc + len - 1, ",\"k0\": 1}") - 1;
	ck_assert_int_eq(vrdma_config_parse(ctx, doc, len, &cfg), -EINVAL);
	ck_assert_str_eq(vrdma_ctx_get_error(ctx), "<buffer>: $.k0: duplicate member at line 1");
	alarm(0);
	free(doc);
}
END_TEST

START_TEST(test_file_round_trip)
{
	struct vrdma_config *cfg = NULL, *again = NULL;
	char *a, *b, *c, *text;
	const char *p = path_in("vrdma.json"), *q;

	write_file(p, seed_doc);
	chmod(p, 0644);
	ck_assert_msg(vrdma_config_load(ctx, p, &cfg) == 0, "%s", vrdma_ctx_get_error(ctx));
	ck_assert_int_eq(vrdma_config_get_path(cfg, &q), 0);
	ck_assert_str_eq(q, p);
	ck_assert_int_eq(vrdma_config_save(cfg, NULL), 0);
	a = read_file(p);
	ck_assert_ptr_nonnull(strstr(a, "\"generation\": 8,"));
	ck_assert_int_eq(vrdma_config_load(ctx, p, &again), 0);
	ck_assert_int_eq(vrdma_config_format(again, &text), 0);
	ck_assert_str_eq(text, a); /* load -> format == file bytes */
	free(text);
	ck_assert_int_eq(vrdma_config_save(again, NULL), 0);
	b = read_file(p);
	/* identical apart from the generation */
	q = strstr(b, "\"generation\": 9,");
	ck_assert_ptr_nonnull(q);
	c = strdup(b);
	memcpy(c + (q - b), "\"generation\": 8,", 16);
	ck_assert_str_eq(c, a);
	/* and the second save round trips to the seed apart from the generation */
	memcpy(c + (q - b), "\"generation\": 7,", 16);
	ck_assert_str_eq(c, seed_doc);
	free(a);
	free(b);
	free(c);
	vrdma_config_unref(cfg);
	vrdma_config_unref(again);
}
END_TEST

START_TEST(test_missing_and_default_path)
{
	struct vrdma_config *cfg = NULL;
	struct vrdma_switch *sw;

	ck_assert_int_eq(vrdma_config_load(ctx, path_in("none.json"), &cfg), -ENOENT);
	ck_assert_ptr_nonnull(strstr(vrdma_ctx_get_error(ctx), "does not exist"));
	ck_assert_int_eq(vrdma_ctx_set_config_path(ctx, path_in("default.json")), 0);
	ck_assert_int_eq(vrdma_config_new(ctx, &cfg), 0);
	ck_assert_int_eq(vrdma_config_add_switch(cfg, "vSwitch1", VRDMA_SWITCH_STANDARD, NULL, &sw), 0);
	ck_assert_int_eq(vrdma_config_save(cfg, NULL), 0); /* NULL: the context's path */
	vrdma_config_unref(cfg);
	ck_assert_int_eq(vrdma_config_load(ctx, NULL, &cfg), 0);
	{
		const char *path;
		ck_assert_int_eq(vrdma_config_get_path(cfg, &path), 0);
		ck_assert_str_eq(path, path_in("default.json"));
	}
	ck_assert_int_eq(vrdma_config_get_n_switches(cfg), 1);
	vrdma_config_unref(cfg);
	/* a missing directory is an error, not created by the library */
	ck_assert_int_eq(vrdma_config_new(ctx, &cfg), 0);
	ck_assert_int_lt(vrdma_config_save(cfg, path_in("nodir/x.json")), 0);
	vrdma_config_unref(cfg);
}
END_TEST

START_TEST(test_stale_writer)
{
	struct vrdma_config *a = NULL, *b = NULL, *fresh = NULL;
	struct vrdma_switch *sw;
	const char *p = path_in("vrdma.json");
	uint64_t g;

	write_file(p, seed_doc);
	ck_assert_int_eq(vrdma_config_load(ctx, p, &a), 0);
	ck_assert_int_eq(vrdma_config_load(ctx, p, &b), 0);
	ck_assert_int_eq(vrdma_config_add_switch(a, "A", VRDMA_SWITCH_STANDARD, NULL, &sw), 0);
	ck_assert_int_eq(vrdma_config_add_switch(b, "B", VRDMA_SWITCH_STANDARD, NULL, &sw), 0);
	ck_assert_int_eq(vrdma_config_save(a, NULL), 0);
	ck_assert_int_eq(vrdma_config_save(b, NULL), -ESTALE);
	ck_assert_msg(strstr(vrdma_ctx_get_error(ctx), "another writer saved generation 8 since this "
	                     "configuration was loaded at generation 7") != NULL, "%s",
	              vrdma_ctx_get_error(ctx));
	/* the file still holds a's change, not b's */
	vrdma_config_unref(b);
	ck_assert_int_eq(vrdma_config_load(ctx, p, &b), 0);
	ck_assert_int_eq(vrdma_config_find_switch(b, "A", &sw), 0);
	ck_assert_int_eq(vrdma_config_find_switch(b, "B", &sw), -ENOENT);
	/* a continues from its own new generation */
	g = vrdma_config_get_generation(a);
	ck_assert_uint_eq(g, 8);
	ck_assert_int_eq(vrdma_config_save(a, NULL), 0);
	/* a brand new configuration may not overwrite an existing file */
	ck_assert_int_eq(vrdma_config_new(ctx, &fresh), 0);
	ck_assert_int_eq(vrdma_config_save(fresh, p), -ESTALE);
	ck_assert_ptr_nonnull(strstr(vrdma_ctx_get_error(ctx), "created at generation 0"));
	/* nor may anything overwrite a file that is not a configuration */
	write_file(p, "garbage");
	ck_assert_int_eq(vrdma_config_save(a, NULL), -EBADMSG);
	{
		char *now = read_file(p);
		ck_assert_str_eq(now, "garbage");
		free(now);
	}
	vrdma_config_unref(a);
	vrdma_config_unref(b);
	vrdma_config_unref(fresh);
}
END_TEST

START_TEST(test_root_path_checks)
{
	struct vrdma_config *cfg = NULL;
	const char *p = path_in("vrdma.json");
	char link[256];
	bool root = geteuid() == 0;

	write_file(p, seed_doc);
	chmod(p, 0644);
	snprintf(link, sizeof(link), "%s/link.json", dir);
	ck_assert_int_eq(symlink(p, link), 0);
	if (root) {
		ck_assert_int_eq(vrdma_config_load(ctx, link, &cfg), -EPERM);
		ck_assert_ptr_nonnull(strstr(vrdma_ctx_get_error(ctx), "is a symbolic link"));
		ck_assert_int_eq(vrdma_config_load(ctx, p, &cfg), 0);
		ck_assert_int_eq(vrdma_config_save(cfg, link), -EPERM);
		vrdma_config_unref(cfg);
		chmod(p, 0666);
		ck_assert_int_eq(vrdma_config_load(ctx, p, &cfg), -EPERM);
		ck_assert_ptr_nonnull(strstr(vrdma_ctx_get_error(ctx), "writable by group or others"));
		chmod(p, 0620);
		ck_assert_int_eq(vrdma_config_load(ctx, p, &cfg), -EPERM);
		chmod(p, 0644);
		ck_assert_int_eq(chown(p, 1, 0), 0);
		ck_assert_int_eq(vrdma_config_load(ctx, p, &cfg), -EPERM);
		ck_assert_ptr_nonnull(strstr(vrdma_ctx_get_error(ctx), "owned by uid 1"));
		ck_assert_int_eq(chown(p, 0, 0), 0);
		chmod(dir, 0777);
		ck_assert_int_eq(vrdma_config_load(ctx, p, &cfg), -EPERM);
		ck_assert_ptr_nonnull(strstr(vrdma_ctx_get_error(ctx), "directory"));
		chmod(dir, 0700);
	} else {
		/* the rule is for root only: an ordinary user may use a symlink */
		ck_assert_int_eq(vrdma_config_load(ctx, link, &cfg), 0);
		vrdma_config_unref(cfg);
		chmod(p, 0666);
		ck_assert_int_eq(vrdma_config_load(ctx, p, &cfg), 0);
		vrdma_config_unref(cfg);
	}
}
END_TEST

/* ---- crash consistency --------------------------------------------------------- */

/* The child saves forever; every generation G holds switches sw0..sw(G%8)
 * and port groups named after G, so a torn or mixed file is detectable. */
static void saver_child(const char *p)
{
	struct vrdma_config *cfg = NULL;
	struct vrdma_switch *sw;
	char name[32];
	uint64_t g;
	unsigned int i;

	for (;;) {
		if (vrdma_config_load(ctx, p, &cfg) < 0)
			_exit(3);
		g = vrdma_config_get_generation(cfg);
		while (vrdma_config_get_n_switches(cfg) > 0) {
			vrdma_config_get_switch(cfg, 0, &sw);
			vrdma_switch_remove(sw);
		}
		for (i = 0; i <= (g + 1) % 8; i++) {
			snprintf(name, sizeof(name), "sw%u", i);
			vrdma_config_add_switch(cfg, name, VRDMA_SWITCH_STANDARD, NULL, &sw);
			snprintf(name, sizeof(name), "gen%llu", (unsigned long long)(g + 1));
			vrdma_switch_add_portgroup(sw, name, NULL);
		}
		if (vrdma_config_save(cfg, NULL) < 0)
			_exit(4);
		cfg = vrdma_config_unref(cfg);
	}
}

static void check_consistent(const char *p, uint64_t *gen)
{
	struct vrdma_config *cfg = NULL;
	struct vrdma_switch *sw;
	struct vrdma_portgroup *pg;
	char name[32];
	int i, n;

	ck_assert_msg(vrdma_config_load(ctx, p, &cfg) == 0, "torn file: %s",
	              vrdma_ctx_get_error(ctx));
	*gen = vrdma_config_get_generation(cfg);
	n = vrdma_config_get_n_switches(cfg);
	ck_assert_int_eq(n, (int)(*gen % 8) + 1);
	snprintf(name, sizeof(name), "gen%llu", (unsigned long long)*gen);
	for (i = 0; i < n; i++) {
		vrdma_config_get_switch(cfg, (unsigned int)i, &sw);
		ck_assert_int_eq(vrdma_switch_find_portgroup(sw, name, &pg), 0);
	}
	vrdma_config_unref(cfg);
}

START_TEST(test_crash_consistency)
{
	const char *p = path_in("vrdma.json");
	struct vrdma_config *cfg = NULL;
	struct vrdma_switch *sw;
	uint64_t gen = 0, last = 0;
	int kills = 0, mid_save = 0, i;
	struct timespec ts;

	ck_assert_int_eq(vrdma_config_new(ctx, &cfg), 0);
	/* generation 1: two switches, each with port group "gen1" */
	vrdma_config_add_switch(cfg, "sw0", VRDMA_SWITCH_STANDARD, NULL, &sw);
	vrdma_switch_add_portgroup(sw, "gen1", NULL);
	vrdma_config_add_switch(cfg, "sw1", VRDMA_SWITCH_STANDARD, NULL, &sw);
	vrdma_switch_add_portgroup(sw, "gen1", NULL);
	ck_assert_int_eq(vrdma_config_save(cfg, p), 0);
	vrdma_config_unref(cfg);
	srand(12345);
	/* At least 300 kills; on a loaded machine (children slow to start)
	 * go on, with longer delays, until some kills landed inside a save and
	 * saves completed, up to a bound. */
	for (i = 0; i < 3000 && (i < 300 || mid_save == 0 || gen <= 10); i++) {
		pid_t pid = fork();
		int status;
		DIR *d;
		struct dirent *de;

		ck_assert_int_ge(pid, 0);
		if (pid == 0)
			saver_child(p);
		ts.tv_sec = 0;
		/* 0-3 ms: many points of a save (0-20 ms past the first 300) */
		ts.tv_nsec = (rand() % (i < 300 ? 3000 : 20000)) * 1000L;
		nanosleep(&ts, NULL);
		kill(pid, SIGKILL);
		ck_assert_int_eq(waitpid(pid, &status, 0), pid);
		ck_assert_msg(WIFSIGNALED(status), "saver exited early (%d)", WEXITSTATUS(status));
		kills++;
		/* a temporary file left behind shows the kill hit inside a save */
		d = opendir(dir);
		while ((de = readdir(d))) {
			if (strncmp(de->d_name, ".vrdma.json.", 12) == 0) {
				char t[512];
				mid_save++;
				snprintf(t, sizeof(t), "%s/%s", dir, de->d_name);
				unlink(t);
			}
		}
		closedir(d);
		check_consistent(p, &gen);
		ck_assert_uint_ge(gen, last);
		last = gen;
	}
	fprintf(stderr, "crash consistency: %d kills, %d inside a save (temp file left), "
	        "final generation %llu\n", kills, mid_save, (unsigned long long)gen);
	ck_assert_int_gt(mid_save, 0);
	ck_assert_uint_gt(gen, 10);
}
END_TEST

/* ---- concurrent writers ------------------------------------------------------ */

/* Two processes load the same generation, then both save at once: exactly
 * one wins, the other gets -ESTALE. */
START_TEST(test_concurrent_race)
{
	const char *p = path_in("vrdma.json");
	struct vrdma_config *cfg = NULL;
	int round, wins = 0, stale = 0;

	ck_assert_int_eq(vrdma_config_new(ctx, &cfg), 0);
	ck_assert_int_eq(vrdma_config_save(cfg, p), 0);
	vrdma_config_unref(cfg);
	for (round = 0; round < 40; round++) {
		int go[2], ready[2], k;
		pid_t pids[2];
		char buf[2];

		ck_assert_int_eq(pipe(go), 0);
		ck_assert_int_eq(pipe(ready), 0);
		for (k = 0; k < 2; k++) {
			pids[k] = fork();
			ck_assert_int_ge(pids[k], 0);
			if (pids[k] == 0) {
				char c, name[16];
				struct vrdma_switch *sw;
				int r;

				close(go[1]);
				close(ready[0]);
				if (vrdma_config_load(ctx, p, &cfg) < 0)
					_exit(10);
				snprintf(name, sizeof(name), "r%dw%d", round, k);
				vrdma_config_add_switch(cfg, name, VRDMA_SWITCH_STANDARD, NULL, &sw);
				if (write(ready[1], "x", 1) != 1)
					_exit(13);
				if (read(go[0], &c, 1) != 0)
					_exit(11);
				r = vrdma_config_save(cfg, NULL);
				_exit(r == 0 ? 0 : r == -ESTALE ? 1 : 12);
			}
		}
		close(go[0]);
		close(ready[1]);
		/* both have loaded the same generation */
		ck_assert_int_eq(read(ready[0], buf, 1) + read(ready[0], buf + 1, 1), 2);
		close(ready[0]);
		close(go[1]);  /* release both at once */
		for (k = 0; k < 2; k++) {
			int status;
			ck_assert_int_eq(waitpid(pids[k], &status, 0), pids[k]);
			ck_assert(WIFEXITED(status));
			ck_assert_msg(WEXITSTATUS(status) <= 1, "child failed: %d", WEXITSTATUS(status));
			if (WEXITSTATUS(status) == 0)
				wins++;
			else
				stale++;
		}
		ck_assert_int_eq(wins, round + 1);
		ck_assert_int_eq(stale, round + 1);
	}
	ck_assert_int_eq(vrdma_config_load(ctx, p, &cfg), 0);
	{
		uint64_t g = vrdma_config_get_generation(cfg);
		ck_assert_uint_eq(g, 41); /* one successful save per round */
	}
	vrdma_config_unref(cfg);
}
END_TEST

/* Two processes each add 40 port groups, retrying on -ESTALE: no update is lost. */
START_TEST(test_concurrent_no_lost_update)
{
	const char *p = path_in("vrdma.json");
	struct vrdma_config *cfg = NULL;
	struct vrdma_switch *sw;
	int k, retries_total = 0;
	pid_t pids[2];

	ck_assert_int_eq(vrdma_config_new(ctx, &cfg), 0);
	ck_assert_int_eq(vrdma_config_add_switch(cfg, "vSwitch1", VRDMA_SWITCH_STANDARD, NULL, &sw), 0);
	ck_assert_int_eq(vrdma_config_save(cfg, p), 0);
	cfg = vrdma_config_unref(cfg);
	for (k = 0; k < 2; k++) {
		pids[k] = fork();
		ck_assert_int_ge(pids[k], 0);
		if (pids[k] == 0) {
			int i, retries = 0;
			for (i = 0; i < 40; i++) {
				char name[16];
				int r;
				snprintf(name, sizeof(name), "w%d-%d", k, i);
				do {
					cfg = vrdma_config_unref(cfg);
					if (vrdma_config_load(ctx, p, &cfg) < 0 ||
					    vrdma_config_find_switch(cfg, "vSwitch1", &sw) < 0 ||
					    vrdma_switch_add_portgroup(sw, name, NULL) < 0)
						_exit(255);
					r = vrdma_config_save(cfg, NULL);
					if (r == -ESTALE)
						retries++;
				} while (r == -ESTALE);
				if (r < 0)
					_exit(254);
			}
			_exit(retries > 200 ? 200 : retries);
		}
	}
	for (k = 0; k < 2; k++) {
		int status;
		ck_assert_int_eq(waitpid(pids[k], &status, 0), pids[k]);
		ck_assert(WIFEXITED(status));
		ck_assert_int_lt(WEXITSTATUS(status), 250);
		retries_total += WEXITSTATUS(status);
	}
	ck_assert_int_eq(vrdma_config_load(ctx, p, &cfg), 0);
	ck_assert_int_eq(vrdma_config_find_switch(cfg, "vSwitch1", &sw), 0);
	ck_assert_int_eq(vrdma_switch_get_n_portgroups(sw), 80);
	fprintf(stderr, "concurrent writers: 80 updates, %d retries after -ESTALE, none lost\n",
	        retries_total);
	vrdma_config_unref(cfg);
}
END_TEST

static Suite *make_config_suite(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("file");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_parse_seed);
	tcase_add_loop_test(tc, test_malformed, 0, (int)(sizeof(bad_docs) / sizeof(bad_docs[0])));
	tcase_add_test(tc, test_every_problem);
	tcase_add_test(tc, test_not_regular);
	tcase_add_test(tc, test_size_limit);
	tcase_add_test(tc, test_linear);
	tcase_add_test(tc, test_file_round_trip);
	tcase_add_test(tc, test_missing_and_default_path);
	tcase_add_test(tc, test_stale_writer);
	tcase_add_test(tc, test_root_path_checks);
	tcase_add_test(tc, test_crash_consistency);
	tcase_add_test(tc, test_concurrent_race);
	tcase_add_test(tc, test_concurrent_no_lost_update);
	suite_add_tcase(s, tc);
	return s;
}

VRDMA_TEST_MAIN(make_config_suite)
