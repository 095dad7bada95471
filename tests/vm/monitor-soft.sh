#!/bin/bash
# monitor with a soft adapter, vm suite: runs INSIDE the Soft-RoCE guest
# (tests/vm/run, topology boot-soft: eno1, ens1f0, no RDMA adapter) as root.
#
#   monitor-soft.sh VRDMACTL
#
# The configuration (made with vrdmactl's commands: vSwitch1 with uplink
# vmnic1, port group NVMe, vmk1 192.0.2.11/24 tagged nvme-rdma, and a soft
# rxe adapter on vmnic1) is applied, then `vrdmactl monitor -j --reapply`
# alone must bring the binding back after each fault, with no `rdma link
# add` by hand:
#   1. rdma link delete of the soft adapter -> adapter-removed, binding-state
#                                              unbound, then adapter-added (the
#                                              reapply's) and bound
#   2. vmnic1's PCI function removed        -> netdev-detached, adapter-removed;
#      and rescanned                           the NIC comes back as ethN (no
#                                              udev), is brought up (the host's
#                                              network configuration's job) and
#                                              nothing else: netdev-attached,
#                                              adapter-added, bound on the new
#                                              netdev
# Observers: `rdma -j link` (one ACTIVE adapter on vmnic1's netdev, found by
# its PCI address, and owned: named vrdmasN), the sysfs GID table (a RoCE v2
# GID of 192.0.2.11), `ip -j addr` (192.0.2.11 on that netdev: an untagged
# vmk on a soft adapter is realised there, see vrdma/apply.h).  At the end
# `vrdmactl apply --check` exits 0 and there is exactly one soft adapter.
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
now() { date +%s.%N; }
t0=$(now)
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }
stamp() { since "$t0"; }
ADDR=192.0.2.11

# ---- the configuration, with vrdmactl's commands ---------------------------------
v() { "$vrdmactl" "$@" || fail "vrdmactl $*"; }
v network vswitch standard add -v vSwitch1
v network vswitch standard uplink add -v vSwitch1 -u vmnic1
v network vswitch standard portgroup add -v vSwitch1 -p NVMe
v network ip interface add -i vmk1 -p NVMe
v network ip interface ipv4 set -i vmk1 -t static -I "$ADDR" -N 255.255.255.0
v network ip interface tag add -i vmk1 -t nvme-rdma
v rdma device soft add -u vmnic1 -t rxe
((failures == 0)) || { echo "cannot build the configuration"; exit 1; }

PCI=$(basename "$(readlink -f /sys/class/net/ens1f0/device/..)")
[[ $PCI == 0000:* ]] || { echo "FAIL: ens1f0 (vmnic1) is not a PCI NIC ($PCI)"; exit 1; }
[ -z "$(rdma -j link show | jq -r '.[].ifname')" ] || { echo "FAIL: the topology made adapters"; exit 1; }

# The independent view of a bound vmk1: vmnic1's netdev ND has exactly one
# adapter DEV, owned (vrdmasN) and ACTIVE, with a RoCE v2 GID of ADDR, and
# ADDR is on ND.  Sets ND and DEV.
observed_bound() {
	ND=$(vm_pci_netdev "$PCI") || return 1
	DEV=$(rdma -j link show 2>/dev/null | jq -r --arg n "$ND" '[.[] | select(.netdev == $n)] |
		if length == 1 and .[0].state == "ACTIVE" then .[0].ifname else empty end')
	[[ $DEV == vrdmas[0-9]* ]] &&
	[ -n "$(vm_gid_index "$DEV" "$ADDR")" ] &&
	ip -j addr show dev "$ND" | jq -e --arg a "$ADDR" '[.[0].addr_info[].local] | index($a) != null' >/dev/null
}
# (deadlines in seconds of wall time: a poll's processes are slow under TCG)
wait_observed_bound() {
	local end=$((SECONDS + ${1:-30}))
	while ((SECONDS < end)); do observed_bound && return 0; sleep 0.1; done
	return 1
}
describe() {
	echo "netdev of $PCI '$(vm_pci_netdev "$PCI")'; rdma -j link: $(rdma -j link show 2>&1);" \
		"addresses: $(ip -br addr show dev "$(vm_pci_netdev "$PCI")" 2>&1)"
}
# wait_event JQ [SECONDS]: until a line of the monitor's output (after line
# $from) satisfies the jq filter; prints the line
from=0
wait_event() {
	local line end=$((SECONDS + ${2:-30}))
	while ((SECONDS < end)); do
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
# the number of adapters (any name) in the kernel
n_adapters() { rdma -j dev show | jq length; }

# ---- apply ----------------------------------------------------------------------
"$vrdmactl" apply >/dev/null || fail "apply"
if wait_observed_bound 30; then
	ok "applied: $DEV ACTIVE on $ND ($PCI), RoCE v2 GID of $ADDR at index $(vm_gid_index "$DEV" "$ADDR"), $ADDR on $ND"
else
	fail "not bound after apply: $(describe)"
fi
for _ in $(seq 50); do "$vrdmactl" rdma device binding check >/dev/null 2>&1 && break; sleep 0.2; done

"$vrdmactl" monitor -j --reapply --interval 1 --timeout 250 > "$tmp/out" 2> "$tmp/err" &
mpid=$!
for _ in $(seq 200); do grep -q "monitor: watching" "$tmp/err" && break; sleep 0.1; done
grep -q "monitor: watching 1 adapter" "$tmp/err" || fail "monitor start: $(cat "$tmp/err")"

# ---- 1. the soft adapter deleted: --reapply makes it again -------------------------
mark
dev=$DEV nd=$ND
t1=$(now)
rdma link delete "$dev"
expect_event "$dev removed" '.type == "adapter-removed" and .adapter == "'"$dev"'"'
expect_event "vmk1 unbound" '.type == "binding-state" and .vmk == "vmk1" and .new_state == "unbound" and .finding.code != null'
expect_event "soft adapter added again (by --reapply)" '.type == "adapter-added"' 60
expect_event "vmk1 bound again" '.type == "binding-state" and .vmk == "vmk1" and .new_state == "bound"' 60
if wait_observed_bound 60; then
	echo "TIME rdma link delete $dev -> bound (observers): $(since "$t1") s"
	ok "adapter deleted: bound again with $DEV on $ND (observers)"
	[ "$ND" = "$nd" ] || fail "the netdev changed: $nd -> $ND"
else
	fail "adapter deleted: not bound (observers): $(describe)"
fi

# ---- 2. vmnic1's PCI function removed and rescanned (a real hot-unplug) -----------
mark
dev=$DEV nd=$ND
[ -e "/sys/bus/pci/devices/$PCI/remove" ] || fail "no PCI function for $nd ($PCI)"
echo 1 > "/sys/bus/pci/devices/$PCI/remove"
expect_event "$nd detached (PCI remove)" '.type == "netdev-detached" and .netdev == "'"$nd"'"'
expect_event "$dev removed with its netdev" '.type == "adapter-removed" and .adapter == "'"$dev"'"'
[ "$(n_adapters)" = 0 ] || fail "adapters left after the PCI remove: $(rdma -j dev show)"
mark
echo 1 > /sys/bus/pci/rescan
# no udev in the guest: the kernel's ethN stays; alias vmnic1 follows the PCI address
new=
for _ in $(seq 200); do new=$(vm_pci_netdev "$PCI") && break; sleep 0.05; done
t2=$(now) m2=$(stamp)
if [ -z "$new" ]; then
	fail "the NIC did not come back after the rescan"
else
	echo "PCI rescan: $PCI came back as $new (was $nd) at ${m2}s"
	ip link set "$new" up # the host's network configuration; nothing else by hand
	expect_event "$new attached (rescan)" '.type == "netdev-attached" and .netdev == "'"$new"'"'
	expect_event "soft adapter added on $new (by --reapply)" '.type == "adapter-added"' 45
	expect_event "vmk1 bound after the hot-plug" '.type == "binding-state" and .vmk == "vmk1" and .new_state == "bound"' 30
	if wait_observed_bound 30; then
		echo "TIME hot-plugged uplink reappeared -> bound: $(since "$t2") s ($new, $DEV; observers: rdma -j link, sysfs GID, ip -j addr)"
		ok "hot-plugged uplink: bound with $DEV on $new (observers)"
		[ "$ND" = "$new" ] || fail "bound on $ND, not the new netdev $new"
	else
		fail "hot-plugged uplink: not bound (observers): $(describe)"
	fi
fi

# ---- ownership: nothing left to apply, one soft adapter ----------------------------
out=$("$vrdmactl" apply --check 2>&1) && ok "apply --check: exit 0" || fail "apply --check: exit $?: $out"
n=$(n_adapters)
[ "$n" = 1 ] && ok "exactly one adapter: $(rdma -j link show | jq -c '[.[] | "\(.ifname) \(.netdev)"]')" ||
	fail "$n adapters, want 1: $(rdma -j link show)"

kill $mpid; wait $mpid 2>/dev/null; mpid=
echo "--- monitor's reapplies (its own times: seconds since the monitor started; t0 + ${m2:-?}s = rescan's netdev)"
grep "reapply" "$tmp/err"
echo "--- monitor output"; cat "$tmp/out"
echo "failures: $failures"
[ "$failures" = 0 ]
