#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# vm suite (tests/vm/run --topology default): host discovery on real
# Soft-RoCE, every field compared with ibv_devinfo -v, rdma -j link show,
# sysfs, ip -j link and ip -j addr in the same run; the GID table after
# adding/removing addresses on the netdev, a bridge above it, a VLAN and a
# macvlan; stable aliases across removal and re-add of an adapter.
# usage: vm-test.sh VRDMACTL SRCDIR
set -eu
vrdmactl=$1
src=$2
fail() { echo "FAIL: $*" >&2; exit 1; }
[ -n "${VRDMA_VM_MANIFEST-}" ] || { echo "SKIP: not inside tests/vm/run" >&2; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export VRDMA_STATE_DIR=$tmp/state
# The guest's NICs are veths: name them as uplinks, as a host would have PCI NICs.
VRDMA_UPLINKS=$(awk '$1 == "nic" && $2 !~ /-sw$/ { printf "%s ", $2 }' "$VRDMA_VM_MANIFEST")
export VRDMA_UPLINKS
cat "$VRDMA_VM_MANIFEST"

check() { # LABEL: snapshot + both comparisons
	"$vrdmactl" host save "$tmp/snap.json" || fail "$1: host save"
	# both comparisons in one interpreter: a python3 start costs seconds under TCG
	python3 - "$src" "$tmp/snap.json" <<-'EOF' || fail "$1: the snapshot differs from the kernel's tools (above)"
	import runpy, sys
	src, snap, rc = sys.argv[1], sys.argv[2], 0
	for name in ("compare-rdma.py", "compare-netdevs.py"):
	    sys.argv = [name, snap]
	    rc |= runpy.run_path(src + "/" + name)["main"]() or 0
	sys.exit(rc)
	EOF
	"$vrdmactl" --host "$tmp/snap.json" host save "$tmp/snap2.json"
	cmp -s "$tmp/snap.json" "$tmp/snap2.json" || fail "$1: round trip not byte-identical"
}
# gid_of ADAPTER IP -> "index netdev" of its RoCE v2 GID, or nothing
gid_of() {
	"$vrdmactl" -j rdma device gid list -d "$1" |
		jq -r --arg ip "$2" '.[] | select(.ip == $ip and .type == "RoCE v2") | "\(.index) \(.netdev)"'
}
wait_gid() { # ADAPTER IP NETDEV|none
	local i
	for i in $(seq 50); do
		set -- "$1" "$2" "$3"
		local got
		got=$(gid_of "$1" "$2")
		if [ "$3" = none ] && [ -z "$got" ]; then return 0; fi
		if [ "$3" != none ] && [ "${got#* }" = "$3" ]; then return 0; fi
		sleep 0.2
	done
	fail "GID for $2 on $1: expected netdev $3, got '${got:-none}'"
}

# ---- 1. the topology as built ------------------------------------------------
# Compare a quiet state: right after boot the NICs' link-local addresses may
# still be in duplicate address detection, and one finishing between the
# snapshot and `ip -j addr` would show as a "tentative" mismatch.
for i in $(seq 100); do
	[ -z "$(ip -6 addr show tentative)" ] && break
	sleep 0.1
done
check initial
"$vrdmactl" rdma device list
"$vrdmactl" network nic list
list=$("$vrdmactl" -j rdma device list)
pairs=$(echo "$list" | jq -r '[.[] | "\(.name):\(.device):\(.paired_netdev):\(.paired_uplink)"] | join(" ")')
[ "$pairs" = "vmrdma0:rxe0:ens1f0:vmnic1 vmrdma1:rxe1:ens1f1:vmnic2" ] || fail "pairing: $pairs"
nics=$("$vrdmactl" -j network nic list | jq -r '[.[] | "\(.netdev)=\(.name)/\(.paired_rdma // "none")"] | join(" ")')
[ "$nics" = "eno1=vmnic0/none ens1f0=vmnic1/vmrdma0 ens1f1=vmnic2/vmrdma1 ens2=vmnic3/none" ] || fail "uplinks: $nics"

# ---- 2. addresses on the netdev, a bridge, a VLAN and a macvlan -----------------
ip addr add 192.168.10.1/24 dev ens1f0
ip addr add 2001:db8:10::1/64 dev ens1f0 nodad
ip link add br0 type bridge
ip link set ens1f1 master br0
ip link set br0 up
ip addr add 192.168.20.1/24 dev br0
vlan=0
if ip link add link ens1f0 name ens1f0.100 type vlan id 100 2>/dev/null; then
	vlan=1
	ip link set ens1f0.100 up
	ip addr add 192.168.30.1/24 dev ens1f0.100
fi
ip link add link ens1f0 name mv0 type macvlan mode bridge
ip link set mv0 up
ip addr add 192.168.40.1/24 dev mv0
wait_gid vmrdma0 192.168.10.1 ens1f0
wait_gid vmrdma0 2001:db8:10::1 ens1f0
wait_gid vmrdma1 192.168.20.1 br0
[ $vlan = 0 ] || wait_gid vmrdma0 192.168.30.1 ens1f0.100
wait_gid vmrdma0 192.168.40.1 mv0
sleep 1
check stacked
# ESXi's bound-NIC rule needs the index by address: library and sysfs agree
idx=$(gid_of vmrdma0 192.168.10.1)
idx=${idx%% *}
[ "$(cat /sys/class/infiniband/rxe0/ports/1/gids/$idx)" = "0000:0000:0000:0000:0000:ffff:c0a8:0a01" ] ||
	fail "GID $idx of rxe0 is not 192.168.10.1 in sysfs"

# ---- 3. and removed again ---------------------------------------------------------
ip addr del 192.168.10.1/24 dev ens1f0
ip link del mv0
ip link set ens1f1 nomaster
ip link del br0
[ $vlan = 0 ] || ip link del ens1f0.100
wait_gid vmrdma0 192.168.10.1 none
wait_gid vmrdma0 192.168.40.1 none
wait_gid vmrdma1 192.168.20.1 none
sleep 1
check removed

# ---- 4. aliases survive removal and re-add ------------------------------------------
rdma link delete rxe1
[ "$("$vrdmactl" -j rdma device list | jq -r '[.[] | .name + "=" + .device] | join(" ")')" = "vmrdma0=rxe0" ] ||
	fail "after deleting rxe1"
rdma link add rxe9 type rxe netdev ens2
rdma link add rxe1 type rxe netdev ens1f1
got=$("$vrdmactl" -j rdma device list | jq -r '[.[] | .name + "=" + .device] | join(" ")')
[ "$got" = "vmrdma0=rxe0 vmrdma1=rxe1 vmrdma2=rxe9" ] || fail "after re-adding rxe1 and adding rxe9: $got"
check re-added
echo "vm host discovery: OK (vlan tested: $vlan)"
