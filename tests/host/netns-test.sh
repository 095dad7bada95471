#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# netns suite (needs veth, bridge, macvlan, ifb): the netdev side of host discovery on a real kernel, in a fresh
# network namespace (and a mount namespace with its own sysfs), compared
# with `ip -j link`, `ip -j addr` and sysfs by compare-netdevs.py; then
# stable vmnic aliases across removal and re-add.
# usage: netns-test.sh VRDMACTL COMPARE_SCRIPT
set -eu
if [ "$(id -u)" != 0 ]; then
	echo "SKIP: needs root for unshare -n" >&2
	exit 77
fi
if [ -z "${VRDMA_IN_NETNS-}" ]; then
	export VRDMA_IN_NETNS=1
	exec unshare -n -m --propagation private "$0" "$@"
fi
vrdmactl=$1
compare=$2
mount -t sysfs sysfs /sys
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export VRDMA_STATE_DIR=$tmp/state
fail() { echo "FAIL: $*" >&2; exit 1; }

ip link set lo up
ip link add v0 type veth peer name v1
ip link add br0 type bridge
ip link set v1 master br0
ip link add link v0 name mv0 type macvlan mode bridge
ip link add d0 type ifb
ip link set d0 mtu 9000
for d in v0 v1 br0 mv0 d0; do ip link set $d up; done
ip addr add 192.0.2.1/24 dev v0
ip addr add 192.0.2.9/32 dev v0
ip addr add 2001:db8::1/64 dev v0 nodad
ip addr add 198.51.100.1/24 dev br0
ip addr add 203.0.113.7/24 dev mv0
ip addr add 2001:db8:1::5/64 dev d0
# A real DAD failure: the same IPv6 address on both ends of a veth of their
# own (v1 is a bridge port, whose stack never sees v0's probes).  Whichever
# end probes first makes the other, still tentative, end fail: at least one
# address ends up dadfailed, whatever the timing.
ip link add v2 type veth peer name v3
ip link set v2 up
ip link set v3 up
ip addr add 2001:db8:2::1/64 dev v2
ip addr add 2001:db8:2::1/64 dev v3
# Wait (bounded) until the kernel's DAD has finished everywhere: every
# carrier-up netdev has its link-local address (br0's comes with its carrier,
# up to a second late), none is still tentative without having failed.
dad_settled() {
	local d
	for d in v0 v1 br0 mv0 v2 v3; do
		[ -n "$(ip -o -6 addr show dev $d scope link)" ] || return 1
	done
	[ -z "$(ip -o -6 addr show tentative -dadfailed)" ]
}
for i in $(seq 100); do
	dad_settled && break
	[ "$i" -lt 100 ] || fail "IPv6 DAD did not finish in 10 s: $(ip -o -6 addr show tentative)"
	sleep 0.1
done
dadfailed=$(ip -o -6 addr show to 2001:db8:2::1 dadfailed | awk '{ print $2 }')
[ -n "$dadfailed" ] || fail "no dadfailed address on v2/v3: $(ip -o -6 addr show to 2001:db8:2::1)"
# and one address still tentative: DAD waits while the carrier is down (peer v9 down)
ip link add v8 type veth peer name v9
ip link set v8 up
ip addr add 2001:db8:3::8/64 dev v8
ip -6 addr show dev v8 | grep -q tentative || fail "expected a tentative address on v8"

"$vrdmactl" host save "$tmp/snap.json" || fail "host save"
python3 "$compare" "$tmp/snap.json" || fail "snapshot differs from ip/sysfs"
# the snapshot reports the failed address as ip -j addr does (compare-netdevs.py
# compares every flag): dadfailed on exactly the netdevs the kernel says
python3 - "$tmp/snap.json" $dadfailed <<'PY' || fail "dadfailed: the snapshot differs from ip"
import json, sys
snap = json.load(open(sys.argv[1]))
got = sorted(n["name"] for n in snap["netdevs"] for a in n["addresses"]
             if a["address"] == "2001:db8:2::1" and "dadfailed" in a["flags"])
if got != sorted(sys.argv[2:]):
    sys.exit("dadfailed 2001:db8:2::1: ip says %s, the snapshot %s" % (sorted(sys.argv[2:]), got))
PY
grep -q '"tentative"' "$tmp/snap.json" || fail "tentative flag missing from the snapshot"
# uppers of v0 include mv0; br0 is v1's master; the snapshot round-trips
"$vrdmactl" --host "$tmp/snap.json" host save "$tmp/snap2.json"
cmp "$tmp/snap.json" "$tmp/snap2.json" || fail "save -> load -> save is not byte-identical"

# no device-backed NIC in a fresh namespace: no uplinks
n=$("$vrdmactl" -j network nic list | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
[ "$n" = 0 ] || fail "expected no uplinks in a fresh netns, got $n"
"$vrdmactl" -j rdma device list >"$tmp/rdma.json"

# stable aliases: VRDMA_UPLINKS turns ifb devices into uplinks
ip link add d1 type ifb
export VRDMA_UPLINKS="d0 d1 d2"
nic() { "$vrdmactl" -j network nic list | python3 -c 'import json,sys; print(" ".join("%s=%s" % (n["netdev"], n["name"]) for n in json.load(sys.stdin)))'; }
[ "$(nic)" = "d0=vmnic0 d1=vmnic1" ] || fail "aliases: $(nic)"
ip link del d0
[ "$(nic)" = "d1=vmnic1" ] || fail "after removing d0: $(nic)"
ip link add d2 type ifb
[ "$(nic)" = "d1=vmnic1 d2=vmnic2" ] || fail "a new NIC must take the next free number: $(nic)"
ip link add d0 type ifb
[ "$(nic)" = "d0=vmnic0 d1=vmnic1 d2=vmnic2" ] || fail "re-added d0 must get vmnic0 back: $(nic)"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["schema"]=="vrdma-aliases/1", d' "$VRDMA_STATE_DIR/aliases.json"

# a directory given as --host or --config is named as one (issue 16 item 9:
# it read "Input/output error")
mkdir "$tmp/dir.json"
for opt in --host --config; do
	cmd="network nic list"
	[ "$opt" = --config ] && cmd="network vswitch standard list"
	# shellcheck disable=SC2086 # $cmd is words
	if "$vrdmactl" "$opt" "$tmp/dir.json" $cmd >"$tmp/out" 2>&1; then
		fail "$opt DIR: succeeded"
	fi
	grep -q "$tmp/dir.json: is a directory, expected a regular file" "$tmp/out" ||
		fail "$opt DIR: $(cat "$tmp/out")"
done
echo "netns host discovery: OK"
