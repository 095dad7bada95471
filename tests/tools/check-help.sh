#!/bin/sh
# Every vrdmactl command answers --help with its usage and exit status 0, and
# the exit statuses documented in vrdmactl(1) are reachable:
# 0 ok, 1 failure, 2 usage, 3 validation found problems (checked by the
# binding suites, which own a configuration with problems).
# usage: check-help.sh VRDMACTL [HOST_SNAPSHOT]
set -u
tool=$1
snapshot=${2:-}
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }

cmds=$("$tool" commands) || { echo "vrdmactl commands failed" >&2; exit 1; }
[ -n "$cmds" ] || { echo "no commands listed" >&2; exit 1; }
echo "$cmds" | while IFS= read -r c; do
	# shellcheck disable=SC2086
	out=$("$tool" $c --help 2>&1)
	rc=$?
	if [ $rc -ne 0 ]; then echo "FAIL: '$c --help' exited $rc" >&2; exit 1; fi
	case $out in *"Usage: vrdmactl $c"*) ;; *) echo "FAIL: '$c --help' shows no usage" >&2; exit 1 ;; esac
done && ok || bad "some --help"

"$tool" --help >/dev/null 2>&1 && ok || bad "--help"
"$tool" version >/dev/null 2>&1 && ok || bad "exit 0 (version)"
"$tool" no-such-command >/dev/null 2>&1; [ $? -eq 2 ] && ok || bad "exit 2 for an unknown command"
"$tool" version extra >/dev/null 2>&1; [ $? -eq 2 ] && ok || bad "exit 2 for an extra argument"
"$tool" --host >/dev/null 2>&1; [ $? -eq 2 ] && ok || bad "exit 2 for --host without FILE"
# Exit 1: a real failure (unreadable snapshot), where the command exists.
if echo "$cmds" | grep -qx 'rdma device list'; then
	"$tool" --host /nonexistent/snapshot.json rdma device list >/dev/null 2>&1
	[ $? -eq 1 ] && ok || bad "exit 1 for a missing snapshot"
fi
# Exit 3: validation ran and found problems.  Offline, on a saved host
# snapshot: vmk1's port group has a standby uplink (ESXi port-binding
# compliance, VRDMA-B003).
if [ -n "$snapshot" ]; then
	cfgdir=$(mktemp -d)
	cfg="$cfgdir/vrdma.json"
	c() { "$tool" --config "$cfg" "$@" >/dev/null || bad "setup: $*"; }
	c network vswitch standard add -v vSwitch1
	c network vswitch standard uplink add -v vSwitch1 -u vmnic1
	c network vswitch standard uplink add -v vSwitch1 -u vmnic2
	c network vswitch standard policy failover set -v vSwitch1 -a vmnic1 -s vmnic2
	c network vswitch standard portgroup add -v vSwitch1 -p PG
	c network ip interface add -i vmk1 -p PG
	c network ip interface ipv4 set -i vmk1 -t static -I 192.168.50.11/24
	out=$("$tool" --host "$snapshot" --config "$cfg" rdma device binding check 2>&1)
	rc=$?
	if [ $rc -eq 3 ] && printf '%s' "$out" | grep -q 'VRDMA-B003'; then ok; else
		bad "exit 3 with VRDMA-B003 for a standby uplink (got $rc: $out)"
	fi
	rm -rf "$cfgdir"
fi
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
