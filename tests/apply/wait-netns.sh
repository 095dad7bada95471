#!/bin/bash
# vrdmactl apply --wait in a fresh network namespace (the boot unit's
# command): an uplink that appears while apply waits (a veth, counted as a
# physical NIC through VRDMA_UPLINKS) is waited for and the vmk is created on
# it, and for a vmk's uplink to come up; one that never appears makes
# --wait 1 exit 4 naming the uplink and its switch, with nothing applied;
# one that stays down is a warning, and is applied.  Observed with ip -j, not with libvrdma.
# usage: wait-netns.sh VRDMACTL
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
export VRDMA_STATE_DIR=$tmp/state VRDMA_CONFIG=$tmp/vrdma.json VRDMA_UPLINKS='eth*'
fail() { echo "FAIL: $*" >&2; exit 1; }

ip link set lo up
# no IPv6 link-local addresses: their DAD would change `links` below by itself
sysctl -qw net.ipv6.conf.default.addr_gen_mode=1
cat > "$VRDMA_CONFIG" <<JSON
{
  "schema": "vrdma-config/1",
  "generation": 1,
  "switches": [
    { "name": "vSwitch1", "type": "standard", "ifname": "vsw1", "mtu": 1500,
      "uplinks": ["eth1"], "failover": { "active": ["eth1"], "standby": [] },
      "portgroups": [ { "name": "PG", "vlan": 0 } ] },
    { "name": "vSwitch2", "type": "standard", "ifname": "vsw2", "mtu": 1500,
      "uplinks": ["eth2"], "failover": { "active": ["eth2"], "standby": [] },
      "portgroups": [ { "name": "PG2", "vlan": 0 } ] }
  ],
  "vmks": [
    { "name": "vmk1", "switch": "vSwitch1", "portgroup": "PG",
      "mac": "02:12:34:56:78:9a", "mtu": 1500, "ipv4": "192.0.2.10/24",
      "ipv6": [], "tags": [] },
    { "name": "vmk2", "switch": "vSwitch2", "portgroup": "PG2",
      "mac": "02:12:34:56:78:9b", "mtu": 1500, "ipv4": "198.51.100.10/24",
      "ipv6": [], "tags": [] }
  ]
}
JSON
chmod 600 "$VRDMA_CONFIG"
links() { ip -j -d link show; ip -j addr show; }

# Bad --wait values are usage errors, checked before anything else.
for bad in "" x -1 3601 1.5; do
	rc=0; "$vrdmactl" apply --wait "$bad" >/dev/null 2>&1 || rc=$?
	[ $rc = 2 ] || fail "--wait '$bad': exit $rc, want 2"
done
rc=0; "$vrdmactl" apply --wait >/dev/null 2>&1 || rc=$?
[ $rc = 2 ] || fail "--wait without SECONDS: exit $rc, want 2"

# Without --wait nothing changes: a missing uplink fails the plan (exit 1).
rc=0; "$vrdmactl" apply >/dev/null 2>&1 || rc=$?
[ $rc = 1 ] || fail "apply without the uplinks: exit $rc, want 1"

# Neither uplink ever appears; then only eth2 is missing: exit 4, each
# missing uplink named with its switch, nothing applied.
before=$(links)
start=$(date +%s%N)
rc=0; err=$("$vrdmactl" apply --wait 1 2>&1 >/dev/null) || rc=$?
ms=$(( ($(date +%s%N) - start) / 1000000 ))
echo "$err"
[ $rc = 4 ] || fail "--wait 1 without the uplinks: exit $rc, want 4"
grep -qxF "vrdmactl: apply: uplink 'eth1' (switch 'vSwitch1') did not appear within 1 s" <<<"$err" ||
	fail "eth1 not named: $err"
grep -qxF "vrdmactl: apply: uplink 'eth2' (switch 'vSwitch2') did not appear within 1 s" <<<"$err" ||
	fail "eth2 not named: $err"
[ "$ms" -ge 1000 ] && [ "$ms" -lt 5000 ] || fail "--wait 1 took $ms ms"
[ "$before" = "$(links)" ] || fail "a timed-out apply changed the kernel"

ip link add eth1 type veth peer name peer1
ip link set peer1 up
before=$(links)
rc=0; err=$("$vrdmactl" apply --wait 1 2>&1 >/dev/null) || rc=$?
[ $rc = 4 ] || fail "--wait 1 without eth2: exit $rc, want 4"
grep -qF "uplink 'eth2' (switch 'vSwitch2')" <<<"$err" || fail "eth2 not named: $err"
! grep -qF "'eth1'" <<<"$err" || fail "eth1 (present) named: $err"
[ "$before" = "$(links)" ] || fail "a timed-out apply changed the kernel"
ip link show vmk1 >/dev/null 2>&1 && fail "vmk1 created by a timed-out apply"

# --wait 10: eth2 appears (down, as a new netdev is) about 1 s after apply
# started and is brought up about 1 s later, as the host's network
# configuration would; apply waits for both (routes need an up device) and
# realises both vmks with their routing tables.
ip link set eth1 up
"$vrdmactl" apply --wait 10 > "$tmp/out" 2> "$tmp/err" &
pid=$!
sleep 1
kill -0 $pid 2>/dev/null || { cat "$tmp/out" "$tmp/err"; fail "apply --wait 10 did not wait"; }
ip link add eth2 type veth peer name peer2
ip link set peer2 up
sleep 1
kill -0 $pid 2>/dev/null || { cat "$tmp/out" "$tmp/err"; fail "apply --wait 10 did not wait for eth2 up"; }
ip link set eth2 up
rc=0; wait $pid || rc=$?
cat "$tmp/out" "$tmp/err"
[ $rc = 0 ] || fail "apply --wait 10: exit $rc"
grep -q warning "$tmp/err" && fail "apply --wait 10 warned: $(cat "$tmp/err")"
for t in 7601:192.0.2.0/24:eth1 7602:198.51.100.0/24:eth2; do
	IFS=: read -r table net up <<<"$t"
	ip -j route show table "$table" | python3 -c '
import json, sys
r = json.load(sys.stdin)
assert any(x["dst"] == sys.argv[1] for x in r), r
' "$net" || fail "table $table has no route to $net: $(ip route show table "$table")"
done
for v in vmk1:eth1:192.0.2.10 vmk2:eth2:198.51.100.10; do
	IFS=: read -r vmk up addr <<<"$v"
	ip -j -d link show "$vmk" | python3 -c '
import json, sys
l = json.load(sys.stdin)[0]
assert l["linkinfo"]["info_kind"] == "macvlan", l
assert l["link"] == sys.argv[1] and l["ifalias"] == "vrdma:" + sys.argv[2], l
' "$up" "$vmk" || fail "$vmk not a macvlan on $up"
	ip -j addr show "$vmk" | grep -q "\"local\":\"$addr\",\"prefixlen\":24" || fail "$vmk address"
done

# All present: --wait returns at once and the re-apply is a no-op.
out=$("$vrdmactl" apply --wait 5) || fail "re-apply --wait 5"
grep -q "applied 0 change(s) with 0 netlink message(s)" <<<"$out" || fail "re-apply: $out"

# A soft adapter's uplink is waited for too, whether or not a switch names
# it, and named once (eth4 is both a switch uplink and a soft adapter's).
python3 - "$VRDMA_CONFIG" "$tmp/soft.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["switches"] = [{"name": "vSwitch4", "type": "standard", "ifname": "vsw4", "mtu": 1500,
                  "uplinks": ["eth4"], "failover": {"active": ["eth4"], "standby": []},
                  "portgroups": [{"name": "PG4", "vlan": 0}]}]
d["vmks"] = []
d["soft_adapters"] = [{"uplink": "eth4", "type": "rxe"}, {"uplink": "eth5", "type": "rxe"}]
json.dump(d, open(sys.argv[2], "w"))
PY
chmod 600 "$tmp/soft.json"
before=$(links)
rc=0; err=$("$vrdmactl" --config "$tmp/soft.json" apply --wait 1 2>&1 >/dev/null) || rc=$?
echo "$err"
[ $rc = 4 ] || fail "--wait 1 without the soft adapters' uplinks: exit $rc, want 4"
grep -qxF "vrdmactl: apply: uplink 'eth5' (soft adapter rxe) did not appear within 1 s" <<<"$err" ||
	fail "eth5 (soft adapter only) not named: $err"
[ "$(grep -cF "'eth4'" <<<"$err")" = 1 ] || fail "eth4 not named exactly once: $err"
[ "$before" = "$(links)" ] || fail "a timed-out apply changed the kernel"
# An uplink that appears but stays down: --wait 1 applies anyway (exit 0)
# after its second, warning that vmk3's uplink is down; vmk3 is made.  Once
# eth3 is up, --wait returns at once without a warning.
ip link add eth3 type veth peer name peer3
python3 - "$VRDMA_CONFIG" "$tmp/down.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["switches"].append({"name": "vSwitch3", "type": "standard", "ifname": "vsw3", "mtu": 1500,
                      "uplinks": ["eth3"], "failover": {"active": ["eth3"], "standby": []},
                      "portgroups": [{"name": "PG3", "vlan": 0}]})
d["vmks"].append({"name": "vmk3", "switch": "vSwitch3", "portgroup": "PG3",
                  "mac": "02:12:34:56:78:9c", "mtu": 1500, "ipv4": "203.0.113.10/24",
                  "ipv6": [], "tags": []})
json.dump(d, open(sys.argv[2], "w"))
PY
chmod 600 "$tmp/down.json"
start=$(date +%s%N)
rc=0; "$vrdmactl" --config "$tmp/down.json" apply --wait 1 > "$tmp/out" 2> "$tmp/err" || rc=$?
ms=$(( ($(date +%s%N) - start) / 1000000 ))
cat "$tmp/out" "$tmp/err"
[ $rc = 0 ] || fail "--wait 1 with eth3 down: exit $rc, want 0"
[ "$ms" -ge 1000 ] || fail "--wait 1 with eth3 down returned after $ms ms: it did not wait"
grep -qxF "vrdmactl: warning: uplink 'eth3' of vmk 'vmk3' is still down after 1 s: applying anyway; the vmk carries no traffic until it is up" "$tmp/err" ||
	fail "eth3 not named in a warning: $(cat "$tmp/err")"
[ "$(grep -c warning "$tmp/err")" = 1 ] || fail "more than one warning: $(cat "$tmp/err")"
ip -j addr show vmk3 | grep -q '"local":"203.0.113.10"' || fail "vmk3 has no address"
ip link set eth3 up
start=$(date +%s%N)
"$vrdmactl" --config "$tmp/down.json" apply --wait 5 >/dev/null 2>"$tmp/err" || fail "apply after eth3 up"
ms=$(( ($(date +%s%N) - start) / 1000000 ))
[ "$ms" -lt 4000 ] || fail "--wait 5 with every uplink up took $ms ms"
[ -s "$tmp/err" ] && fail "apply after eth3 up: $(cat "$tmp/err")"
echo OK
