#!/bin/bash
# vrdmactl apply in a fresh network namespace: --dry-run changes nothing,
# apply realises, --check reports drift with exit 3, -j is valid JSON, a
# process without CAP_NET_ADMIN is refused before anything is touched.
# usage: cli-netns.sh VRDMACTL
set -u
vrdmactl=$(realpath "$1")
[ "$(id -u)" = 0 ] || { echo "needs root; skipped"; exit 77; }
command -v unshare >/dev/null || exit 77
if [ -z "${VRDMA_IN_NETNS:-}" ]; then
	VRDMA_IN_NETNS=1 exec unshare -n -m "$0" "$@"
fi
set -e
mount --make-rprivate /
mount -t sysfs sysfs /sys
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export VRDMA_STATE_DIR=$tmp/state VRDMA_CONFIG=$tmp/vrdma.json
fail() { echo "FAIL: $*" >&2; exit 1; }

ip link set lo up
ip link add eth1 type veth peer name eth1p
ip link set eth1p up
sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
cat > "$VRDMA_CONFIG" <<JSON
{
  "schema": "vrdma-config/1",
  "generation": 1,
  "switches": [
    { "name": "vSwitch1", "type": "standard", "ifname": "vsw1", "mtu": 9000,
      "uplinks": ["eth1"], "failover": { "active": ["eth1"], "standby": [] },
      "portgroups": [ { "name": "PG", "vlan": 0 } ] }
  ],
  "vmks": [
    { "name": "vmk1", "switch": "vSwitch1", "portgroup": "PG",
      "mac": "02:12:34:56:78:9a", "mtu": 1500, "ipv4": "192.0.2.10/24",
      "ipv6": ["2001:db8::10/64"], "tags": [] }
  ]
}
JSON
chmod 600 "$VRDMA_CONFIG"

before=$(ip -j -d link show; ip -j addr show)
out=$("$vrdmactl" apply --dry-run) || fail "dry-run exit $?"
echo "$out"
grep -q "create link vmk1: macvlan on eth1 mac 02:12:34:56:78:9a mtu 1500 up" <<<"$out" || fail "dry-run plan"
grep -q "modify link eth1 mtu: 1500 -> 9000" <<<"$out" || fail "dry-run uplink mtu"
[ "$before" = "$(ip -j -d link show; ip -j addr show)" ] || fail "dry-run changed the kernel"

rc=0; "$vrdmactl" apply --check >/dev/null || rc=$?
[ $rc = 3 ] || fail "--check before apply: exit $rc, want 3"

# Without CAP_NET_ADMIN: refused, nothing touched.
if command -v setpriv >/dev/null; then
	rc=0
	err=$(setpriv --inh-caps=-all --bounding-set=-net_admin --reuid=0 -- \
		"$vrdmactl" apply 2>&1 >/dev/null) || rc=$?
	[ $rc = 1 ] || fail "no CAP_NET_ADMIN: exit $rc"
	grep -q CAP_NET_ADMIN <<<"$err" || fail "no CAP_NET_ADMIN message: $err"
	[ "$before" = "$(ip -j -d link show; ip -j addr show)" ] || fail "refused apply changed the kernel"
fi

"$vrdmactl" apply || fail "apply"
ip -j -d link show vmk1 | grep -q '"ifalias":"vrdma:vmk1"' || fail "vmk1 missing"
ip -j addr show vmk1 | grep -q '"local":"192.0.2.10","prefixlen":24' || fail "vmk1 address"

out=$("$vrdmactl" apply) || fail "re-apply"
grep -q "applied 0 change(s) with 0 netlink message(s)" <<<"$out" || fail "re-apply not a no-op: $out"
"$vrdmactl" apply --check | grep -q "in sync" || fail "--check after apply"

ip link set vmk1 mtu 1400
rc=0; out=$("$vrdmactl" apply --check) || rc=$?
[ $rc = 3 ] || fail "--check with drift: exit $rc"
grep -q "modify link vmk1 mtu: 1400 -> 1500" <<<"$out" || fail "drift text: $out"
"$vrdmactl" -j apply --check | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["drift"] is True and d["steps"][0]["attribute"] == "mtu", d
assert d["steps"][0]["old"] == "1400" and d["steps"][0]["new"] == "1500", d
' || fail "-j --check"
"$vrdmactl" -j apply | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["applied"] is True and d["netlink_messages"] == 1, d
' || fail "-j apply"
echo OK
