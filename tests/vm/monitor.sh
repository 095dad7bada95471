#!/bin/bash
# monitor, vm suite: runs INSIDE the Soft-RoCE guest (tests/vm/run, topology
# default) as root.
#
#   monitor.sh VRDMACTL
#
# The seed binding (vmk1 untagged on ens1f0, the netdev of rxe0) is applied,
# then `vrdmactl monitor -j --reapply` runs while the kernel is broken by
# hand; for each fault the monitor must print the event with the right
# objects, and the binding must come back bound, checked by independent
# observers (`rdma -j link`, the sysfs GID table, `ip -j addr`):
#   1. rdma link delete rxe0 + re-add  -> adapter-removed/-added rxe0,
#                                         binding-state bound -> unbound -> bound
#   2. the uplink down and up          -> port-state rxe0/1 Active -> Down -> Active,
#                                         binding-state with the finding (B030/B031)
#   3. the vmk's address removed       -> gid-changed 192.0.2.11 (old index -> none),
#                                         reapply puts it back (new index)
#   4. rxe1 renamed rxe9 and back      -> adapter-renamed (old and new name)
#   5. ens1f0's PCI function removed   -> netdev-detached ens1f0, adapter-removed rxe0;
#      and rescanned (+ rxe0 re-added)    netdev-attached, adapter-added, bound again
#   6. 192.0.2.11 re-added after an    -> gid-changed 192.0.2.11 with sysfs's old and
#      extra address (GID re-ordering)    new index; vmknic list: new index, bound
set -u
vrdmactl=$(realpath "$1")
. "$(dirname "$(realpath "${BASH_SOURCE[0]}")")/lib.sh"
[ "${VRDMA_VM:-}" = 1 ] || { echo "not in the VM guest; skipped"; exit 77; }
tmp=$(mktemp -d)
mpid=
trap '[ -n "$mpid" ] && kill $mpid 2>/dev/null; rm -rf "$tmp"' EXIT
export VRDMA_STATE_DIR=$tmp/state VRDMA_CONFIG=$tmp/vrdma.json
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
ok() { echo "ok: $*"; }
t0=$(date +%s.%N)
stamp() { awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }'; }

cat > "$VRDMA_CONFIG" <<EOF
{"schema": "vrdma-config/1", "generation": 1,
 "switches": [{"name": "vSwitch1", "type": "standard", "ifname": "vsw1", "mtu": 1500,
   "uplinks": ["ens1f0"], "failover": {"active": ["ens1f0"], "standby": []},
   "portgroups": [{"name": "PG-NVMe", "vlan": 0}]}],
 "vmks": [{"name": "vmk1", "switch": "vSwitch1", "portgroup": "PG-NVMe",
   "mac": "02:00:00:00:01:11", "mtu": 1500, "ipv4": "192.0.2.11/24",
   "ipv6": ["2001:db8:1::11/64"], "tags": ["nvme-rdma"]}]}
EOF
chmod 600 "$VRDMA_CONFIG"

# The independent view of a bound seed: rxe0/1 ACTIVE on ens1f0, a RoCE v2
# GID for 192.0.2.11, both addresses on ens1f0.
observed_bound() {
	rdma -j link show rxe0/1 2>/dev/null | jq -e '.[0].state == "ACTIVE" and .[0].netdev == "ens1f0"' >/dev/null &&
	[ -n "$(vm_gid_index rxe0 192.0.2.11)" ] &&
	ip -j addr show dev ens1f0 | jq -e '[.[0].addr_info[].local] | index("192.0.2.11") != null and index("2001:db8:1::11") != null' >/dev/null
}
wait_observed_bound() {
	for _ in $(seq 150); do observed_bound && return 0; sleep 0.2; done
	return 1
}
# wait_event JQ [SECONDS]: until a line of the monitor's output (after line
# $from) satisfies the jq filter; prints the line
from=0
wait_event() {
	local i line
	for i in $(seq $((${2:-30} * 5))); do
		line=$(tail -n +$((from + 1)) "$tmp/out" | jq -c "select($1)" 2>/dev/null | head -1)
		[ -n "$line" ] && { echo "$line"; return 0; }
		sleep 0.2
	done
	return 1
}
expect_event() {
	local what=$1 line
	if line=$(wait_event "$2" "${3:-30}"); then ok "$what at $(stamp)s: $line"; else fail "$what: no event ($2)"; fi
}
mark() { from=$(wc -l < "$tmp/out"); }

"$vrdmactl" apply >/dev/null || fail "apply"
wait_observed_bound && ok "seed bound (rdma -j link, sysfs GID, ip -j addr)" || fail "seed not bound"
for _ in $(seq 50); do "$vrdmactl" rdma device binding check >/dev/null 2>&1 && break; sleep 0.2; done

"$vrdmactl" monitor -j --reapply --interval 1 --timeout 400 > "$tmp/out" 2> "$tmp/err" &
mpid=$!
for _ in $(seq 200); do grep -q "monitor: watching" "$tmp/err" && break; sleep 0.1; done
grep -q "monitor: watching 2 adapter" "$tmp/err" || fail "monitor start: $(cat "$tmp/err")"

# ---- 1. the adapter deleted and added again ------------------------------------
mark
rdma link delete rxe0
expect_event "rxe0 removed" '.type == "adapter-removed" and .adapter == "rxe0"'
expect_event "vmk1 unbound" '.type == "binding-state" and .vmk == "vmk1" and .new_state == "unbound" and .finding.code != null'
rdma link add rxe0 type rxe netdev ens1f0
expect_event "rxe0 added" '.type == "adapter-added" and .adapter == "rxe0"'
expect_event "vmk1 bound again" '.type == "binding-state" and .vmk == "vmk1" and .new_state == "bound"' 60
wait_observed_bound && ok "rxe0 re-added: bound (observers)" || fail "rxe0 re-added: not bound (observers)"

# ---- 2. the uplink down and up -------------------------------------------------
mark
ip link set ens1f0 down
expect_event "rxe0/1 down" '.type == "port-state" and .adapter == "rxe0" and .port == 1 and .new_state == "Down"'
expect_event "vmk1 unbound (uplink down)" '.type == "binding-state" and .vmk == "vmk1" and .new_state == "unbound" and (.finding.code == "VRDMA-B030" or .finding.code == "VRDMA-B031")'
ip link set ens1f0 up
expect_event "rxe0/1 active" '.type == "port-state" and .adapter == "rxe0" and .port == 1 and .new_state == "Active"' 60
expect_event "vmk1 bound (uplink up)" '.type == "binding-state" and .vmk == "vmk1" and .new_state == "bound"' 60
wait_observed_bound && ok "uplink up: bound (observers)" || fail "uplink up: not bound (observers)"

# ---- 3. the vmk's address removed by hand ----------------------------------------
mark
old=$(vm_gid_index rxe0 192.0.2.11)
ip addr del 192.0.2.11/24 dev ens1f0
expect_event "GID of 192.0.2.11 gone" '.type == "gid-changed" and .vmk == "vmk1" and .address == "192.0.2.11" and .old_gid_index == '"${old:-null}"' and .new_gid_index == null'
expect_event "GID of 192.0.2.11 back" '.type == "gid-changed" and .address == "192.0.2.11" and .new_gid_index != null' 60
wait_observed_bound && ok "address restored by --reapply (observers)" || fail "address not restored"
new=$(vm_gid_index rxe0 192.0.2.11)
line=$(wait_event '.type == "gid-changed" and .address == "192.0.2.11" and .new_gid_index != null' 1)
[ "$(jq -r .new_gid_index <<<"$line")" = "$new" ] && ok "event's new GID index $new is sysfs's" ||
	fail "event's new GID index '$line' is not sysfs's $new"

# ---- 4. an adapter renamed and back --------------------------------------------
mark
rdma dev set rxe1 name rxe9
expect_event "rxe1 renamed rxe9" '.type == "adapter-renamed" and .adapter == "rxe9" and .old_adapter == "rxe1"'
rdma dev set rxe9 name rxe1
expect_event "rxe9 renamed rxe1" '.type == "adapter-renamed" and .adapter == "rxe1" and .old_adapter == "rxe9"'
rdma -j dev show rxe1 >/dev/null 2>&1 && ok "rdma dev: rxe1 is back" || fail "rdma dev: no rxe1"

# ---- 5. the uplink's PCI function removed and rescanned (a real hot-unplug) -----
mark
mac=$(cat /sys/class/net/ens1f0/address)
# (device is the virtio device; its parent the PCI function)
pci=$(basename "$(readlink -f /sys/class/net/ens1f0/device/..)")
[ -e "/sys/bus/pci/devices/$pci/remove" ] || fail "no PCI function for ens1f0 ($pci)"
echo 1 > "/sys/bus/pci/devices/$pci/remove"
expect_event "ens1f0 detached (PCI remove)" '.type == "netdev-detached" and .netdev == "ens1f0"'
expect_event "rxe0 removed with its netdev" '.type == "adapter-removed" and .adapter == "rxe0"'
echo 1 > /sys/bus/pci/rescan
# no udev in the guest: name the new netdev back by its MAC, as udev would
name=
for _ in $(seq 100); do
	name=$(ip -j link show | jq -r --arg m "$mac" '.[] | select(.address == $m) | .ifname' | head -1)
	[ -n "$name" ] && break; sleep 0.2
done
[ -n "$name" ] || fail "the NIC did not come back after the rescan"
[ "$name" = ens1f0 ] || { ip link set "$name" down; ip link set "$name" name ens1f0; }
ip link set ens1f0 up
expect_event "ens1f0 attached (rescan)" '.type == "netdev-attached" and .netdev == "ens1f0"'
rdma link add rxe0 type rxe netdev ens1f0
expect_event "rxe0 added on the rescanned NIC" '.type == "adapter-added" and .adapter == "rxe0"'
expect_event "vmk1 bound after the hot-plug" '.type == "binding-state" and .vmk == "vmk1" and .new_state == "bound"' 60
wait_observed_bound && ok "hot-plugged uplink: bound (observers)" || fail "hot-plugged uplink: not bound"

# ---- 6. GID re-ordering: the vmk's address moves to another GID index -----------
# 192.0.2.11 removed, an extra address (another subnet, not the vmk's) added
# first so that it takes the freed GID slots, then 192.0.2.11 added again:
# the kernel's GID work is ordered, so 192.0.2.11 lands on another index.
mark
extra=198.51.100.99/24
old=$(vm_gid_index rxe0 192.0.2.11)
ip -batch - <<EOF
addr del 192.0.2.11/24 dev ens1f0
addr add $extra dev ens1f0
addr add 192.0.2.11/24 dev ens1f0
EOF
new=
for _ in $(seq 100); do
	new=$(vm_gid_index rxe0 192.0.2.11)
	[ -n "$new" ] && [ "$new" != "$old" ] && break
	sleep 0.1
done
xg=$(vm_gid_index rxe0 "${extra%/*}")
echo "sysfs: 192.0.2.11 RoCE v2 GID index ${old:-none} -> ${new:-none}, ${extra%/*} at ${xg:-none}"
if [ -n "$old" ] && [ -n "$new" ] && [ "$old" != "$new" ]; then
	ok "sysfs: GID of 192.0.2.11 moved $old -> $new"
	# one event old -> new, or the removal (old -> none) and the addition (none -> new)
	sel='.type == "gid-changed" and .vmk == "vmk1" and .address == "192.0.2.11"'
	expect_event "GID event 192.0.2.11 from index $old" "$sel and .old_gid_index == $old"
	expect_event "GID event 192.0.2.11 to index $new" "$sel and .new_gid_index == $new" 60
	wait_event "$sel and .old_gid_index != null and .new_gid_index != null" 1 >/dev/null &&
		ok "a single move event" || ok "removal and addition events"
else
	fail "sysfs: GID of 192.0.2.11 did not move (${old:-none} -> ${new:-none})"
fi
# the binding's view: the new index, and bound (again, after --reapply if needed)
vl=
for _ in $(seq 150); do
	vl=$("$vrdmactl" rdma device vmknic list -j 2>/dev/null)
	jq -e --argjson n "${new:-null}" '.[] | select(.vmknic == "vmk1") | .state == "bound" and
		([.addresses[] | select(.address == "192.0.2.11") | .gid_index] == [$n])' <<<"$vl" >/dev/null && break
	vl=; sleep 0.2
done
[ -n "$vl" ] && ok "vmknic list: vmk1 bound, 192.0.2.11 at GID index $new" ||
	fail "vmknic list: vmk1 not bound at GID index ${new:-none}: $("$vrdmactl" rdma device vmknic list -j 2>&1)"
wait_observed_bound && ok "GID re-ordering: bound (observers)" || fail "GID re-ordering: not bound (observers)"
ip addr del "$extra" dev ens1f0 2>/dev/null

kill $mpid; wait $mpid 2>/dev/null; mpid=
grep -c "reapply at" "$tmp/err" | sed "s/^/applies: /"
grep "reapply" "$tmp/err"
echo "--- monitor output"; cat "$tmp/out"
echo "failures: $failures"
[ "$failures" = 0 ]
