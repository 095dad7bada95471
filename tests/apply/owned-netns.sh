#!/bin/bash
# Owned uplink addresses are per network namespace (libvrdma issue 16,
# item 5): two namespaces A and B share one state directory.  A's apply puts
# 192.0.2.10/24 on its uplink eth1 (a soft-adapter uplink, test hook
# VRDMA_TEST_APPLY_SOFT_UPLINKS).  B has its own eth1 on which the user put
# the same address; B's apply (no vmks) must leave the user's address and
# A's record alone, and A, after removing its vmk, must still remove its
# own address.  A state file line without a namespace (the old format) is
# adopted only in PID 1's namespace: in B it is neither acted on nor lost.
# Observed with ip -j and the state file, never with libvrdma.
# usage: owned-netns.sh VRDMACTL
set -u
vrdmactl=$(realpath "$1")
[ "$(id -u)" = 0 ] || { echo "needs root; skipped"; exit 77; }
command -v unshare >/dev/null && command -v nsenter >/dev/null || exit 77
if [ -z "${VRDMA_IN_NETNS:-}" ]; then
	VRDMA_IN_NETNS=1 exec unshare -n -m "$0" "$@"
fi
set -e
mount --make-rprivate /
mount -t sysfs sysfs /sys
tmp=$(mktemp -d)
holder=
cleanup() { [ -n "$holder" ] && kill "$holder" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
export VRDMA_STATE_DIR=$tmp/state VRDMA_TEST_APPLY_SOFT_UPLINKS=eth1
fail() { echo "FAIL: $*" >&2; exit 1; }

# Namespace B: a process holding a fresh network and mount namespace.
unshare -n -m sh -c 'mount --make-rprivate / && mount -t sysfs sysfs /sys &&
	exec sleep 600' &
holder=$!
for _ in $(seq 50); do
	[ "$(readlink /proc/$holder/ns/net)" != "$(readlink /proc/self/ns/net)" ] &&
		[ "$(readlink /proc/$holder/exe)" = "$(readlink -f "$(command -v sleep)")" ] && break
	sleep 0.1
done
inB() { nsenter -t "$holder" -n -m -- "$@"; }

config() { # FILE VMKS
	cat > "$1" <<JSON
{
  "schema": "vrdma-config/1",
  "generation": 1,
  "switches": [
    { "name": "vSwitch1", "type": "standard", "ifname": "vsw1", "mtu": 1500,
      "uplinks": ["eth1"], "failover": { "active": ["eth1"], "standby": [] },
      "portgroups": [ { "name": "PG", "vlan": 0 } ] }
  ],
  "vmks": [ $2 ]
}
JSON
	chmod 600 "$1"
}
vmk1='{ "name": "vmk1", "switch": "vSwitch1", "portgroup": "PG", "mtu": 1500,
        "ipv4": "192.0.2.10/24", "ipv6": [], "tags": [] }'
config "$tmp/a.json" "$vmk1"
config "$tmp/none.json" ""
has_addr() { # [inB] DEV ADDR PREFIX
	local pre=()
	[ "$1" = inB ] && { pre=(inB); shift; }
	"${pre[@]}" ip -j addr show dev "$1" | grep -q "\"local\":\"$2\",\"prefixlen\":$3"
}

for ns in A B; do
	pre=(); [ $ns = B ] && pre=(inB)
	"${pre[@]}" ip link set lo up
	"${pre[@]}" ip link add eth1 type veth peer name eth1p
	"${pre[@]}" ip link set eth1 up
	"${pre[@]}" ip link set eth1p up
done

# A: apply adds and records its address.
VRDMA_CONFIG=$tmp/a.json "$vrdmactl" apply >/dev/null || fail "apply in A"
has_addr eth1 192.0.2.10 24 || fail "A: address not added"
grep -q "^net:.* eth1 192.0.2.10/24$" "$VRDMA_STATE_DIR/apply-owned-addresses" ||
	fail "A: record without namespace: $(cat "$VRDMA_STATE_DIR/apply-owned-addresses")"

# B: the user's own identical address; B's apply must not take it.
inB ip addr add 192.0.2.10/24 dev eth1
rc=0; out=$(VRDMA_CONFIG=$tmp/none.json inB "$vrdmactl" apply --dry-run) || rc=$?
[ $rc = 0 ] || fail "B: dry-run exit $rc"
grep -q "192.0.2.10" <<<"$out" && fail "B plans to touch the user's address: $out"
VRDMA_CONFIG=$tmp/none.json inB "$vrdmactl" apply >/dev/null || fail "apply in B"
has_addr inB eth1 192.0.2.10 24 || fail "B's apply deleted the user's address"
grep -q "^net:.* eth1 192.0.2.10/24$" "$VRDMA_STATE_DIR/apply-owned-addresses" ||
	fail "B's apply dropped A's record"

# A: removing the vmk removes A's address (and only A's).
VRDMA_CONFIG=$tmp/none.json "$vrdmactl" apply >/dev/null || fail "removal apply in A"
has_addr eth1 192.0.2.10 24 && fail "A cannot clean up its own address"
has_addr inB eth1 192.0.2.10 24 || fail "A's removal touched B"
rc=0; VRDMA_CONFIG=$tmp/none.json "$vrdmactl" apply --check >/dev/null || rc=$?
[ $rc = 0 ] || fail "A: --check after removal exit $rc"

# Old-format line (no namespace) for an address the user has in B: B is not
# PID 1's namespace, so it is neither removed nor is the line dropped.
inB ip addr add 198.51.100.7/24 dev eth1
printf '# old format\neth1 198.51.100.7/24\n' > "$VRDMA_STATE_DIR/apply-owned-addresses"
VRDMA_CONFIG=$tmp/none.json inB "$vrdmactl" apply >/dev/null || fail "B: apply with old file"
has_addr inB eth1 198.51.100.7 24 || fail "B acted on an old-format record"
grep -q "^eth1 198.51.100.7/24$" "$VRDMA_STATE_DIR/apply-owned-addresses" ||
	fail "B dropped the old-format record"
# ... and B now owns what it adds, keyed by its namespace, next to it.
config "$tmp/b.json" "$vmk1"
inB ip addr del 192.0.2.10/24 dev eth1
VRDMA_CONFIG=$tmp/b.json inB "$vrdmactl" apply >/dev/null || fail "B: apply vmk1"
[ "$(grep -c " eth1 192.0.2.10/24$" "$VRDMA_STATE_DIR/apply-owned-addresses")" = 1 ] ||
	fail "B: record: $(cat "$VRDMA_STATE_DIR/apply-owned-addresses")"
VRDMA_CONFIG=$tmp/none.json inB "$vrdmactl" apply >/dev/null || fail "B: removal"
has_addr inB eth1 192.0.2.10 24 && fail "B cannot clean up its own address"
has_addr inB eth1 198.51.100.7 24 || fail "B's removal took the old-format address"
echo OK
