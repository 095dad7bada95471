#!/bin/sh
# vrdmactl nvme connect-args and iser iface on the multipath fixture (two
# vmks in one subnet, each through its own port group, uplink and adapter):
# one line (one iface) per path, --single the first, -j an array.  The
# expected addresses are the fixture's (tests/binding/fixtures/multipath-*);
# the JSON is read with Python's own parser.
# usage: cli-paths.sh VRDMACTL FIXTURES_DIR
set -u
tool=$1
fx=$2
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }
v() { "$tool" --host "$fx/multipath-host.json" --config "$fx/multipath-config.json" "$@"; }

# expect WHAT WANT GOT
expect() { [ "$3" = "$2" ] && ok || bad "$1: got '$3', want '$2'"; }

want="nvme connect -t rdma -a 192.168.50.200 -s 4420 -w 192.168.50.11 -n nqn.2014-08.org.example:d1
nvme connect -t rdma -a 192.168.50.200 -s 4420 -w 192.168.50.12 -n nqn.2014-08.org.example:d1"
expect "multipath, one subnet" "$want" \
	"$(v nvme connect-args --target 192.168.50.200 --nqn nqn.2014-08.org.example:d1)"
expect "--single" "nvme connect -t rdma -a 192.168.50.200 -s 4420 -w 192.168.50.11" \
	"$(v nvme connect-args --single --target 192.168.50.200)"
want="nvme connect -t rdma -a fd00:50::abcd -s 4421 -w fd00:50::11
nvme connect -t rdma -a fd00:50::abcd -s 4421 -w fd00:50::12"
expect "IPv6" "$want" "$(v nvme connect-args -a fd00:50:0::ABCD -s 4421)"
expect "link-local, scoped by vmk" \
	"nvme connect -t rdma -a fe80::1%ens1f1 -s 4420 -w fe80::5054:ff:fe00:102%ens1f1" \
	"$(v nvme connect-args --target fe80::1%vmk2)"

# -j: an array of paths, every field.
got=$(v -j nvme connect-args --target 192.168.50.200 | python3 -c '
import json, sys
a = json.load(sys.stdin)
print(";".join(",".join(str(p[k]) for k in ("vmknic", "host_traddr", "adapter", "device", "port",
      "uplink", "netdev", "gid_index", "gateway", "state", "traddr", "trsvcid")) for p in a))')
expect "-j" "vmk1,192.168.50.11,rxe0,vmrdma0,1,vmnic1,ens1f0,1,None,healthy,192.168.50.200,4420;vmk2,192.168.50.12,rxe1,vmrdma1,1,vmnic2,ens1f1,1,None,healthy,192.168.50.200,4420" "$got"
got=$(v -j nvme connect-args --single --target 192.168.50.200 | python3 -c '
import json, sys; print(len(json.load(sys.stdin)))')
expect "-j --single" "1" "$got"

# iser iface --target: one iface per path, blank line between.
want="iface.iscsi_ifacename = vrdma-vmk1
iface.transport_name = iser
iface.ipaddress = 192.168.50.11
iface.net_ifacename = ens1f0

iface.iscsi_ifacename = vrdma-vmk2
iface.transport_name = iser
iface.ipaddress = 192.168.50.12
iface.net_ifacename = ens1f1"
expect "iser iface --target" "$want" "$(v iser iface --target 192.168.50.9)"
expect "iser iface --single" "vrdma-vmk1" \
	"$(v iser iface --single --target 192.168.50.9 | sed -n 's/^iface.iscsi_ifacename = //p')"
# ib_iser binds no source address: several paths to one target get a warning
case $(v iser iface --target 192.168.50.9 2>&1 >/dev/null) in
*"2 paths reach 192.168.50.9, but the kernel's iSER initiator binds no source"*) ok ;;
*) bad "iser iface --target: no warning about ib_iser's source address" ;;
esac
[ -z "$(v iser iface --single --target 192.168.50.9 2>&1 >/dev/null)" ] && ok ||
	bad "iser iface --single: warned for one path"

# Refusals: no path (exit 1, named), bad input (exit 2 or 1), nothing printed.
out=$(v nvme connect-args --target 2001:db8::1 2>&1); rc=$?
[ $rc -eq 1 ] && printf '%s' "$out" | grep -q "no vmk reaches it" && ok ||
	bad "no path: rc $rc: $out"
out=$(v nvme connect-args --target fe80::1 2>&1); rc=$?
[ $rc -eq 1 ] && printf '%s' "$out" | grep -q "needs a scope" && ok || bad "unscoped: rc $rc: $out"
out=$(v nvme connect-args --target not-an-address 2>&1); rc=$?
[ $rc -eq 1 ] && printf '%s' "$out" | grep -q "'not-an-address'" && ok || bad "bad target: rc $rc"
out=$(v nvme connect-args --target 192.168.50.200 -s 65536 2>&1); rc=$?
[ $rc -eq 2 ] && ok || bad "port out of range: rc $rc: $out"
out=$(v nvme connect-args --target 192.168.50.200 --bogus 2>&1); rc=$?
[ $rc -eq 2 ] && ok || bad "unknown option: rc $rc"
out=$(v iser iface -i vmk1 --single 2>&1); rc=$?
[ $rc -eq 2 ] && ok || bad "iser iface -i --single: rc $rc"
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
