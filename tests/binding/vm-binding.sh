#!/bin/bash
# binding, vm suite: runs INSIDE the Soft-RoCE guest (tests/vm/run, topology
# default) as root.
#
#   vm-binding.sh VRDMACTL [VRDMA_PERF]
#
# The seed setup (vmk1 on a port group whose only active uplink is ens1f0,
# the netdev of rxe0) must be bound with the right GID index; then each live
# breakage must yield exactly its code, and repairing it must give a clean
# check again.  Observers: sysfs GID tables, `rdma -j link`, `ip -j`.
set -u
vrdmactl=$(realpath "$1")
. "$(dirname "$(realpath "${BASH_SOURCE[0]}")")/../vm/lib.sh"
vperf=${2:+$(realpath "$2")}
[ "${VRDMA_VM:-}" = 1 ] || { echo "not in the VM guest; skipped"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export VRDMA_STATE_DIR=$tmp/state VRDMA_CONFIG=$tmp/vrdma.json
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
ok() { echo "ok: $*"; }

# seed_config PORTGROUP: vmk1 on PORTGROUP of vSwitch1 (uplinks ens1f0, ens1f1;
# active ens1f0, ens1f1 unused); PG-Failover overrides with ens1f1 standby.
seed_config() {
	cat > "$VRDMA_CONFIG.new" <<-EOF
	{"schema": "vrdma-config/1", "generation": 1,
	 "switches": [{"name": "vSwitch1", "type": "standard", "ifname": "vsw1", "mtu": 1500,
	   "uplinks": ["ens1f0", "ens1f1"], "failover": {"active": ["ens1f0"], "standby": []},
	   "portgroups": [{"name": "PG-NVMe", "vlan": 0},
	     {"name": "PG-Failover", "vlan": 0,
	      "failover": {"active": ["ens1f0"], "standby": ["ens1f1"]}}]}],
	 "vmks": [{"name": "vmk1", "switch": "vSwitch1", "portgroup": "$1",
	   "mac": "02:00:00:00:01:11", "mtu": 1500, "ipv4": "192.0.2.11/24",
	   "ipv6": ["2001:db8:1::11/64"], "tags": ["nvme-rdma", "iser"]}]}
	EOF
	chmod 600 "$VRDMA_CONFIG.new"
	mv "$VRDMA_CONFIG.new" "$VRDMA_CONFIG"
}

# The problem codes (warnings and errors) of binding check, "B003,B020".
codes() {
	"$vrdmactl" rdma device binding check 2>/dev/null |
		awk '$1 == "error" || $1 == "warning" { sub("VRDMA-", "", $2); print $2 }' |
		sort -u | paste -sd, -
}

# good GOT WANT RC: "" wants exit 0, anything else exit 3.
good() {
	if [ -z "$2" ]; then [ -z "$1" ] && [ "$3" = 0 ]; else [ "$1" = "$2" ] && [ "$3" = 3 ]; fi
}

# expect WHAT CODES: binding check reports exactly CODES, waiting up to 10 s
# for the kernel to settle (DAD, GIDs, carrier).
expect() {
	local what=$1 want=$2 got rc i
	for i in $(seq 50); do
		got=$(codes)
		"$vrdmactl" rdma device binding check >/dev/null 2>&1
		rc=$?
		good "$got" "$want" "$rc" && break
		sleep 0.2
	done
	if good "$got" "$want" "$rc"; then
		ok "$what: codes '$want' (exit $rc)"
	else
		fail "$what: expected codes '$want', got '$got' (exit $rc)"
		"$vrdmactl" rdma device binding check
	fi
}

apply() { "$vrdmactl" apply >/dev/null || fail "vrdmactl apply failed"; }

# ---- the seed --------------------------------------------------------------
seed_config PG-NVMe
apply
gid=$(vm_wait_gid_index rxe0 192.0.2.11 10)
[ -n "$gid" ] || fail "no RoCE v2 GID for 192.0.2.11 on rxe0 after apply (sysfs)"
rxe0_netdev=$(rdma -j link show rxe0/1 | jq -r '.[0].netdev')
[ "$rxe0_netdev" = ens1f0 ] || fail "rdma link: rxe0's netdev is '$rxe0_netdev', expected ens1f0"
expect "seed" ""

"$vrdmactl" rdma device vmknic list
line=$("$vrdmactl" -j rdma device vmknic list | jq -r '.[] | select(.vmknic == "vmk1") |
	"\(.adapter) \(.uplink_netdev) \(.netdev) \(.state) \(.addresses[0].address) \(.addresses[0].gid_index) \(.netstack)"')
want="rxe0 ens1f0 ens1f0 bound 192.0.2.11 $gid defaultTcpipStack"
[ "$line" = "$want" ] && ok "vmknic list: vmk1 on rxe0 via ens1f0, bound, GID index $gid (sysfs)" ||
	fail "vmknic list: '$line', expected '$want'"
dev=$("$vrdmactl" -j rdma device vmknic list | jq -r '.[] | select(.vmknic == "vmk1") | .device')
"$vrdmactl" -j rdma device list | jq -e --arg d "$dev" '.[] | select(.name == $d and .device == "rxe0")' >/dev/null &&
	ok "vmknic list Device $dev is rdma device list's name for rxe0" || fail "Device '$dev' is not rxe0's alias"

out=$("$vrdmactl" nvme connect-args --target 192.0.2.50 --nqn nqn.2014-08.org.example:sub1)
[ "$out" = "nvme connect -t rdma -a 192.0.2.50 -s 4420 -w 192.0.2.11 -n nqn.2014-08.org.example:sub1" ] &&
	ok "connect-args: $out" || fail "connect-args: '$out'"
ip -j addr show dev "$rxe0_netdev" | jq -e '.[0].addr_info[] | select(.local == "192.0.2.11")' >/dev/null &&
	ok "host_traddr 192.0.2.11 is on rxe0's netdev (ip -j)" || fail "192.0.2.11 not on $rxe0_netdev"
out=$("$vrdmactl" iser iface --target 192.0.2.50 | paste -sd' ' -)
[ "$out" = "iface.iscsi_ifacename = vrdma-vmk1 iface.transport_name = iser iface.ipaddress = 192.0.2.11 iface.net_ifacename = ens1f0" ] &&
	ok "iser iface" || fail "iser iface: '$out'"
"$vrdmactl" rdma device binding check -d rxe0 >/dev/null && ok "check -d rxe0: exit 0" || fail "check -d rxe0 not clean"
"$vrdmactl" rdma device binding check -d rxe1 >/dev/null
[ $? = 3 ] && ok "check -d rxe1 (no vmk bound): exit 3" || fail "check -d rxe1: expected exit 3"

if [ -n "$vperf" ]; then
	got=$("$vperf" write_bw --vmk vmk1 -n 20 -j | jq -r '"\(.device) \(.port) \(.gid_index)"')
	[ "$got" = "rxe0 1 $gid" ] && ok "vrdma-perf --vmk vmk1 runs on rxe0 port 1 GID $gid (sysfs)" ||
		fail "vrdma-perf --vmk vmk1: '$got', expected 'rxe0 1 $gid'"
fi

# ---- breakage 1: the address removed ----------------------------------------
ip addr del 192.0.2.11/24 dev ens1f0
expect "address removed" "B013"
out=$("$vrdmactl" nvme connect-args --target 192.0.2.50 2>&1)
[ $? = 1 ] && grep -q "VRDMA-B013" <<<"$out" && ok "connect-args refuses with VRDMA-B013" ||
	fail "connect-args after address removal: '$out'"
apply
expect "address restored by apply" ""

# ---- breakage 2: vmk1 moved to a port group with a standby uplink ---------
seed_config PG-Failover
apply
expect "standby uplink" "B003"
seed_config PG-NVMe
apply
expect "back on PG-NVMe" ""

# ---- breakage 3: the vmk's MTU above the switch's ----------------------------
# Soft-RoCE, untagged: the vmk's netdev is the uplink itself.
ip link set ens1f0 mtu 9000
expect "vmk MTU 9000 > switch MTU 1500" "B020"
ip link set ens1f0 mtu 1500
expect "MTU restored" ""

# ---- breakage 4: the uplink down ---------------------------------------------
# (its IPv6 address is flushed too: not reported, the uplink is the cause)
ip link set ens1f0 down
expect "uplink down" "B030"
out=$("$vrdmactl" nvme connect-args --target 192.0.2.50 2>&1)
[ $? = 1 ] && grep -q "VRDMA-B030" <<<"$out" && ok "connect-args refuses with VRDMA-B030" ||
	fail "connect-args with the uplink down: '$out'"
ip link set ens1f0 up
apply
expect "uplink up again" ""

echo "failures: $failures"
[ "$failures" = 0 ]
