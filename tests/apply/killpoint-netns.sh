#!/bin/bash
# Kill-point test of apply (libvrdma issue 16): SIGKILL at every netlink
# message boundary of a realistic plan, in a fresh network namespace.
#
# The configuration: three switches on veth uplinks, four vmks (macvlans
# with and without a fixed MAC, MTU 1500 and 9000, one soft-adapter vmk
# whose addresses go on its uplink and into the state file), IPv4 and IPv6
# addresses, IPv4 and IPv6 gateways, per-vmk routing tables and rules,
# service tags, and an uplink MTU to raise.  (No 802.1Q: the build kernel has
# no 8021q; the VLAN strategies are covered in the vm suite.)
#
# Create phase: a full apply sends N messages.  For every k in 1..N, from
# the namespace as it was: apply killed after message k (the test hook
# VRDMA_TEST_APPLY_KILL_AFTER_MSG raises SIGKILL once k messages were sent
# and answered); --check says drift (3) or in sync (0), never fails (1); the
# next apply exits 0; --check says in sync; removing every vmk and applying
# leaves the namespace as it was before the first apply.
# Delete phase: from the applied state, the removal apply killed after each
# of its M messages; the next apply converges and the namespace is as before.
#
# "As it was" compares ip -j -d link, ip -j addr, ip -j -4/-6 rule and
# ip -j -4/-6 route show table all (ip route and ip rule list only IPv4
# without -6), with statistics dropped and lists sorted.  One difference is
# by design and expected, then undone before comparing: apply raises an
# uplink's MTU to its switch's and never lowers it (eth2: 1500 -> 9000).
# usage: killpoint-netns.sh VRDMACTL
set -u
vrdmactl=$(realpath "$1")
[ "$(id -u)" = 0 ] || { echo "needs root; skipped"; exit 77; }
command -v unshare >/dev/null && command -v python3 >/dev/null || exit 77
if [ -z "${VRDMA_IN_NETNS:-}" ]; then
	VRDMA_IN_NETNS=1 exec unshare -n -m "$0" "$@"
fi
set -e
mount --make-rprivate /
mount -t sysfs sysfs /sys
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export VRDMA_STATE_DIR=$tmp/state VRDMA_CONFIG=$tmp/vrdma.json
export VRDMA_TEST_APPLY_SOFT_UPLINKS=eth3
fail() { echo "FAIL: $*" >&2; exit 1; }

sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
ip link set lo up
for i in 1 2 3; do
	ip link add eth$i type veth peer name eth${i}p
	ip link set eth${i}p up
	ip link set eth$i up
done
# a user's own address and device, which apply must leave alone
ip addr add 10.9.9.9/24 dev eth1
ip link add link eth1 name user0 type macvlan mode private

switch() { # NAME UPLINK MTU
	printf '{ "name": "%s", "type": "standard", "ifname": "vsw%s", "mtu": %s,
	  "uplinks": ["%s"], "failover": { "active": ["%s"], "standby": [] },
	  "portgroups": [ { "name": "PG-%s", "vlan": 0 } ] }' "$1" "${2#eth}" "$3" "$2" "$2" "$2"
}
config() { # VMKS-JSON
	cat > "$VRDMA_CONFIG" <<JSON
{
  "schema": "vrdma-config/1",
  "generation": 1,
  "switches": [ $(switch vSwitch1 eth1 1500), $(switch vSwitch2 eth2 9000),
                $(switch vSwitch3 eth3 1500) ],
  "vmks": [ $1 ]
}
JSON
	chmod 600 "$VRDMA_CONFIG"
}
vmks='
 { "name": "vmk1", "switch": "vSwitch1", "portgroup": "PG-eth1",
   "mac": "02:12:34:56:78:01", "mtu": 1500, "ipv4": "192.0.2.11/24",
   "gateway4": "192.0.2.1", "ipv6": ["2001:db8:1::11/64", "2001:db8:1:1::11/64"],
   "gateway6": "2001:db8:1::1", "tags": ["management"] },
 { "name": "vmk2", "switch": "vSwitch1", "portgroup": "PG-eth1",
   "mtu": 1500, "ipv4": "192.0.2.12/24", "ipv6": ["2001:db8:1::12/64"],
   "tags": ["nvme-rdma"] },
 { "name": "vmk3", "switch": "vSwitch2", "portgroup": "PG-eth2",
   "mac": "02:12:34:56:78:03", "mtu": 9000, "ipv4": "198.51.100.13/24",
   "gateway4": "198.51.100.1", "ipv6": ["2001:db8:2::13/64"],
   "gateway6": "2001:db8:2::1", "tags": ["nvme-rdma", "iser"] },
 { "name": "vmk4", "switch": "vSwitch3", "portgroup": "PG-eth3",
   "mtu": 1500, "ipv4": "203.0.113.14/24", "gateway4": "203.0.113.1",
   "ipv6": ["2001:db8:3::14/64"], "tags": [] }'

snapshot() { # FILE
	{
		echo '{"link":'; ip -j -d link show
		echo ',"addr":'; ip -j addr show
		echo ',"rule4":'; ip -j -4 rule show
		echo ',"rule6":'; ip -j -6 rule show
		echo ',"route4":'; ip -j -4 route show table all
		echo ',"route6":'; ip -j -6 route show table all
		echo '}'
	} | python3 -c '
import json, sys
def norm(o):
	if isinstance(o, dict):
		return {k: norm(v) for k, v in o.items() if not k.startswith("stats")}
	if isinstance(o, list):
		return sorted((norm(v) for v in o), key=lambda v: json.dumps(v, sort_keys=True))
	return o
json.dump(norm(json.load(sys.stdin)), sys.stdout, indent=1, sort_keys=True)
' > "$1"
}
same() { # WHAT
	snapshot "$tmp/after"
	diff -u "$tmp/before" "$tmp/after" >&2 || fail "$1: the namespace is not as before"
}
apply_rc() { # ENV... : exit status of vrdmactl apply with these variables
	local rc=0
	env "$@" "$vrdmactl" apply >"$tmp/out" 2>&1 || rc=$?
	echo $rc
}
check_rc() {
	local rc=0
	"$vrdmactl" apply --check >"$tmp/out" 2>&1 || rc=$?
	echo $rc
}
messages() { # netlink messages of an apply (vrdmactl -j)
	"$vrdmactl" -j apply | python3 -c 'import json, sys; print(json.load(sys.stdin)["netlink_messages"])'
}
remove_all() { # [ENV...]
	config ""
	env "$@" "$vrdmactl" apply >"$tmp/out" 2>&1
}
restore_uplink_mtu() {
	[ "$(cat /sys/class/net/eth2/mtu)" = 9000 ] || fail "eth2's MTU was not raised"
	ip link set eth2 mtu 1500
}

snapshot "$tmp/before"
config "$vmks"
"$vrdmactl" apply --dry-run | sed 's/^/  /'
n_create=$(messages)
[ "$n_create" -ge 30 ] || fail "a full apply sent only $n_create messages"
[ "$(check_rc)" = 0 ] || fail "--check after the full apply: $(cat "$tmp/out")"
config ""
n_delete=$(messages)
restore_uplink_mtu
same "full apply, then removal"
echo "create plan: $n_create messages; removal plan: $n_delete messages"

# Create phase.
for k in $(seq 1 "$n_create"); do
	config "$vmks"
	rc=$(apply_rc VRDMA_TEST_APPLY_KILL_AFTER_MSG="$k")
	[ "$rc" = 137 ] || fail "create, kill at $k: apply exit $rc, not killed: $(cat "$tmp/out")"
	rc=$(check_rc)
	[ "$rc" = 3 ] || [ "$rc" = 0 ] ||
		fail "create, kill at $k: --check exit $rc: $(cat "$tmp/out")"
	rc=$(apply_rc)
	[ "$rc" = 0 ] || fail "create, kill at $k: next apply exit $rc: $(cat "$tmp/out")"
	rc=$(check_rc)
	[ "$rc" = 0 ] || fail "create, kill at $k: --check exit $rc: $(cat "$tmp/out")"
	remove_all || fail "create, kill at $k: removal: $(cat "$tmp/out")"
	restore_uplink_mtu
	same "create, kill at $k"
done
echo "create phase: $n_create kill points converged"

# Delete phase.
for k in $(seq 1 "$n_delete"); do
	config "$vmks"
	[ "$(apply_rc)" = 0 ] || fail "delete, kill at $k: apply: $(cat "$tmp/out")"
	config ""
	rc=$(apply_rc VRDMA_TEST_APPLY_KILL_AFTER_MSG="$k")
	[ "$rc" = 137 ] || fail "delete, kill at $k: apply exit $rc, not killed: $(cat "$tmp/out")"
	rc=$(check_rc)
	[ "$rc" = 3 ] || [ "$rc" = 0 ] ||
		fail "delete, kill at $k: --check exit $rc: $(cat "$tmp/out")"
	rc=$(apply_rc)
	[ "$rc" = 0 ] || fail "delete, kill at $k: next apply exit $rc: $(cat "$tmp/out")"
	rc=$(check_rc)
	[ "$rc" = 0 ] || fail "delete, kill at $k: --check exit $rc: $(cat "$tmp/out")"
	restore_uplink_mtu
	same "delete, kill at $k"
done
echo "delete phase: $n_delete kill points converged"
echo "OK: $((n_create + n_delete)) kill points"
