#!/bin/bash
# apply, vm suite: runs INSIDE the Soft-RoCE guest (tests/vm/run) as root.
#
#   vm-apply.sh VRDMACTL seed         (topology default) the seed scenario,
#                                     GID check, no-op re-apply, rollback of
#                                     an injected failure at every step
#   vm-apply.sh VRDMACTL gidrule      (topology default) the GID rule for one
#                                     active uplink, active+standby, two RDMA
#                                     uplinks on one switch, a tagged group
#   vm-apply.sh VRDMACTL pair MODE    (topology pair) RDMA between two applied
#                                     vmks on rxe0 and rxe1; MODE untagged|tagged
#
# Observers: sysfs GID tables (/sys/class/infiniband/*/ports/1/gids and
# gid_attrs/types), `ip -j`, ibv_rc_pingpong.  Never libvrdma itself.
set -u
vrdmactl=$(realpath "$1")
mode=$2
[ "${VRDMA_VM:-}" = 1 ] || { echo "not in the VM guest; skipped"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export VRDMA_STATE_DIR=$tmp/state VRDMA_CONFIG=$tmp/vrdma.json
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
ok() { echo "ok: $*"; }

# ---- helpers ---------------------------------------------------------------

# config SWITCHES_JSON VMKS_JSON
config() {
	printf '{"schema":"vrdma-config/1","generation":1,"switches":[%s],"vmks":[%s]}\n' \
		"$1" "$2" > "$VRDMA_CONFIG.new"
	chmod 600 "$VRDMA_CONFIG.new"
	mv "$VRDMA_CONFIG.new" "$VRDMA_CONFIG"
}
# vss NAME IFNAME MTU UPLINKS ACTIVE STANDBY PORTGROUPS  (lists as JSON arrays' insides)
vss() {
	printf '{"name":"%s","type":"standard","ifname":"%s","mtu":%s,"uplinks":[%s],"failover":{"active":[%s],"standby":[%s]},"portgroups":[%s]}' \
		"$1" "$2" "$3" "$4" "$5" "$6" "$7"
}
# vmk NAME SWITCH PG MAC IPV4 [IPV6]
vmk() {
	local v6=""
	[ -n "${6:-}" ] && v6="\"$6\""
	printf '{"name":"%s","switch":"%s","portgroup":"%s","mac":"%s","mtu":1500,"ipv4":"%s","ipv6":[%s],"tags":["nvme-rdma"]}' \
		"$1" "$2" "$3" "$4" "$5" "$v6"
}

# The sysfs form of the GID an address makes (pure bash: python starts slowly
# under TCG).
gid_string() {
	local ip=$1 a b c d head tail n i out=
	local -a h=() t=() g=()
	if [[ $ip != *:* ]]; then
		IFS=. read -r a b c d <<<"$ip"
		printf '0000:0000:0000:0000:0000:ffff:%02x%02x:%02x%02x\n' "$a" "$b" "$c" "$d"
		return
	fi
	if [[ $ip == *::* ]]; then head=${ip%%::*} tail=${ip#*::}; else head=$ip tail=; fi
	[ -n "$head" ] && IFS=: read -ra h <<<"$head"
	[ -n "$tail" ] && IFS=: read -ra t <<<"$tail"
	n=$((8 - ${#h[@]} - ${#t[@]}))
	g=("${h[@]}")
	for ((i = 0; i < n; i++)); do g+=(0); done
	g+=("${t[@]}")
	for i in "${g[@]}"; do out+=$(printf '%04x:' $((16#$i))); done
	echo "${out%:}"
}

# gid_index DEV IP [GIDSTRING]: the RoCE v2 GID index carrying IP on DEV port 1, or fail.
gid_index() {
	local dev=$1 want=${3:-} f n
	[ -n "$want" ] || want=$(gid_string "$2")
	for f in $(grep -lx "$want" /sys/class/infiniband/"$dev"/ports/1/gids/* 2>/dev/null); do
		n=${f##*/}
		[ "$(cat /sys/class/infiniband/"$dev"/ports/1/gid_attrs/types/"$n" 2>/dev/null)" = "RoCE v2" ] || continue
		echo "$n"
		return 0
	done
	return 1
}

adapters() { ls /sys/class/infiniband; }

# gid_only IP DEV: IP is a RoCE v2 GID on DEV ("" = on none) and on no other adapter.
gid_only() {
	local ip=$1 dev=$2 i a g
	g=$(gid_string "$ip")
	if [ -n "$dev" ]; then
		for i in $(seq 50); do gid_index "$dev" "$ip" "$g" >/dev/null && break; sleep 0.1; done
		gid_index "$dev" "$ip" "$g" >/dev/null || { fail "$ip: no RoCE v2 GID on $dev"; return; }
	else
		sleep 1
	fi
	for a in $(adapters); do
		[ "$a" = "$dev" ] && continue
		if grep -qx "$g" /sys/class/infiniband/"$a"/ports/1/gids/* 2>/dev/null; then
			fail "$ip: also a GID on $a (wanted only on ${dev:-none})"
			return
		fi
	done
	ok "$ip is a RoCE v2 GID on ${dev:-no adapter} only"
}

gone() {
	local ip=$1 a i g
	g=$(gid_string "$ip")
	for i in $(seq 50); do
		a=$(grep -lx "$g" /sys/class/infiniband/*/ports/1/gids/* 2>/dev/null)
		[ -z "$a" ] && { ok "$ip: no GID left"; return; }
		sleep 0.1
	done
	fail "$ip: GID still present after removal: $a"
}

# links, addresses, rules (in order) and the routes apply makes (proto 118)
dump() {
	ip -j -d link show; ip -j addr show; ip -j rule show; ip -j -6 rule show
	ip -j route show table all proto 118; ip -j -6 route show table all proto 118
}
# settled WANT: dump until equal to WANT (DAD and linkwatch settle), max 8 s
settled() {
	local i d
	for i in $(seq 80); do
		d=$(dump)
		[ "$d" = "$1" ] && break
		sleep 0.1
	done
	echo "$d"
}

apply_ok() {
	local out
	out=$("$vrdmactl" apply 2>&1) || { fail "apply: $out"; return 1; }
	echo "$out"
}

noop_apply() {
	local out
	out=$("$vrdmactl" apply 2>&1) || { fail "re-apply: $out"; return; }
	grep -q "applied 0 change(s) with 0 netlink message(s)" <<<"$out" &&
		ok "re-apply: zero netlink messages" || fail "re-apply not a no-op: $out"
	"$vrdmactl" apply --check >/dev/null && ok "--check: in sync" || fail "--check reports drift"
}

clean() {
	config "" ""
	apply_ok >/dev/null
}

# ---- scenarios -------------------------------------------------------------

seed() {
	local before after n k err
	config "$(vss vSwitch1 vsw1 1500 '"ens1f0"' '"ens1f0"' '' '{"name":"PG-NVMe","vlan":0}')" \
	       "$(vmk vmk1 vSwitch1 PG-NVMe 02:00:00:00:01:11 192.0.2.11/24 2001:db8:1::11/64)"
	"$vrdmactl" apply --dry-run
	apply_ok || return
	ip -j addr show dev ens1f0 | grep -q '"local":"192.0.2.11","prefixlen":24' &&
		ok "vmk1's IPv4 address is on ens1f0 (rxe0's netdev)" || fail "vmk1 address not on ens1f0"
	gid_only 192.0.2.11 rxe0
	gid_only 2001:db8:1::11 rxe0
	ip -j rule show | grep -q '"priority":7601,"src":"192.0.2.11","table":"7601","protocol":"118"' &&
	ip -j route show table 7601 | grep -q '"dst":"192.0.2.0/24","dev":"ens1f0","protocol":"118"' &&
		ok "vmk1: rule and table 7601 through ens1f0" || fail "vmk1 policy routing: $(ip rule; ip route show table 7601)"
	noop_apply

	# A bigger plan: vmk1 readdressed, a tagged vmk on the other RDMA NIC,
	# a macvlan vmk and a VLAN+macvlan vmk on the plain NIC; every step fails once.
	config "$(vss vSwitch1 vsw1 1500 '"ens1f0"' '"ens1f0"' '' '{"name":"PG-NVMe","vlan":0}'),$(vss vSwitch2 vsw2 1500 '"ens1f1"' '"ens1f1"' '' '{"name":"PG-T","vlan":100}'),$(vss vSwitch0 vsw0 1500 '"eno1"' '"eno1"' '' '{"name":"Mgmt","vlan":0},{"name":"Mgmt-T","vlan":200}')" \
	       "$(vmk vmk1 vSwitch1 PG-NVMe 02:00:00:00:01:11 192.0.2.111/24 2001:db8:1::11/64),$(vmk vmk2 vSwitch2 PG-T 02:00:00:00:01:12 198.51.100.12/24 2001:db8:2::12/64),$(vmk vmk3 vSwitch0 Mgmt 02:00:00:00:01:13 203.0.113.13/24),$(vmk vmk4 vSwitch0 Mgmt-T 02:00:00:00:01:14 203.0.114.14/24)"
	sleep 2
	before=$(dump)
	n=$("$vrdmactl" -j apply --dry-run | jq '.steps | length')
	"$vrdmactl" apply --dry-run
	[ "$n" -ge 10 ] || fail "plan has only $n steps"
	for k in $(seq "$n"); do
		err=$(VRDMA_TEST_APPLY_FAIL_STEP=$k "$vrdmactl" apply 2>&1 >/dev/null) && { fail "k=$k: apply succeeded"; continue; }
		grep -q "step $k/$n (" <<<"$err" || fail "k=$k: message: $err"
		grep -q "INCOMPLETE" <<<"$err" && fail "k=$k: $err"
		after=$(settled "$before")
		if [ "$before" = "$after" ]; then ok "rollback from step $k/$n: identical kernel state"
		else fail "rollback from step $k/$n: kernel state differs"; diff <(echo "$before" | python3 -m json.tool --json-lines) <(echo "$after" | python3 -m json.tool --json-lines) | head -20; fi
	done
	apply_ok || return
	gid_only 192.0.2.111 rxe0
	gone 192.0.2.11
	gid_only 198.51.100.12 rxe1
	gid_only 2001:db8:2::12 rxe1
	gid_only 203.0.113.13 ""
	gid_only 203.0.114.14 ""
	ip -j -d link show vmk2 | grep -q '"info_kind":"vlan","info_data":{"protocol":"802.1Q","id":100' &&
		ok "vmk2 is an 802.1Q device" || fail "vmk2: $(ip -d link show vmk2)"
	noop_apply
	clean
	gone 192.0.2.111
	gone 198.51.100.12
}

gidrule() {
	# 1. one active uplink (untagged, soft adapter: address on the netdev)
	config "$(vss vSwitch1 vsw1 1500 '"ens1f0"' '"ens1f0"' '' '{"name":"PG","vlan":0}')" \
	       "$(vmk vmk1 vSwitch1 PG 02:00:00:00:02:01 192.0.2.21/24)"
	apply_ok >/dev/null && gid_only 192.0.2.21 rxe0
	clean; gone 192.0.2.21

	# 2. active + standby: GID on the active uplink's adapter only
	config "$(vss vSwitch1 vsw1 1500 '"ens1f0","ens1f1"' '"ens1f0"' '"ens1f1"' '{"name":"PG","vlan":0}')" \
	       "$(vmk vmk1 vSwitch1 PG 02:00:00:00:02:02 192.0.2.22/24)"
	apply_ok >/dev/null && gid_only 192.0.2.22 rxe0
	clean; gone 192.0.2.22

	# 3. two RDMA uplinks on one switch, one port group each (NVMe multipath)
	config "$(vss vSwitch1 vsw1 1500 '"ens1f0","ens1f1"' '"ens1f0","ens1f1"' '' \
	         '{"name":"PG-A","vlan":0,"failover":{"active":["ens1f0"],"standby":[]}},{"name":"PG-B","vlan":0,"failover":{"active":["ens1f1"],"standby":[]}}')" \
	       "$(vmk vmk1 vSwitch1 PG-A 02:00:00:00:02:03 192.0.2.23/24),$(vmk vmk2 vSwitch1 PG-B 02:00:00:00:02:04 192.0.2.24/24)"
	apply_ok >/dev/null && { gid_only 192.0.2.23 rxe0; gid_only 192.0.2.24 rxe1; }
	clean; gone 192.0.2.23; gone 192.0.2.24

	# 4. tagged port group: an 802.1Q device vmk1 on the uplink
	config "$(vss vSwitch1 vsw1 1500 '"ens1f0","ens1f1"' '"ens1f0"' '"ens1f1"' '{"name":"PG-T","vlan":100}')" \
	       "$(vmk vmk1 vSwitch1 PG-T 02:00:00:00:02:05 192.0.2.25/24 2001:db8:3::25/64)"
	apply_ok >/dev/null && { gid_only 192.0.2.25 rxe0; gid_only 2001:db8:3::25 rxe0; }
	noop_apply
	clean; gone 192.0.2.25
}

pair() {
	local vlan=0 i0 i1 out
	[ "$1" = tagged ] && vlan=100
	config "$(vss vSwitch1 vsw1 1500 '"ens1f0"' '"ens1f0"' '' "{\"name\":\"PG-1\",\"vlan\":$vlan}"),$(vss vSwitch2 vsw2 1500 '"ens1f1"' '"ens1f1"' '' "{\"name\":\"PG-2\",\"vlan\":$vlan}")" \
	       "$(vmk vmk1 vSwitch1 PG-1 02:00:00:00:03:01 192.0.2.1/24),$(vmk vmk2 vSwitch2 PG-2 02:00:00:00:03:02 192.0.2.2/24)"
	apply_ok || return
	gid_only 192.0.2.1 rxe0
	gid_only 192.0.2.2 rxe1
	i0=$(gid_index rxe0 192.0.2.1) && i1=$(gid_index rxe1 192.0.2.2) || { fail "no GID index"; return; }
	timeout 60 ibv_rc_pingpong -d rxe0 -g "$i0" -n 100 > "$tmp/server" 2>&1 &
	sleep 1
	if out=$(timeout 60 ibv_rc_pingpong -d rxe1 -g "$i1" -n 100 192.0.2.1 2>&1); then
		grep -q "100 iters" <<<"$out" && ok "$1: RDMA rxe1 (vmk2, GID $i1) -> rxe0 (vmk1, GID $i0): $(grep iters <<<"$out")" ||
			fail "$1: pingpong output: $out"
	else
		fail "$1: ibv_rc_pingpong client failed: $out / server: $(cat "$tmp/server")"
	fi
	wait
	noop_apply
	clean
}

case $mode in
seed) seed ;;
gidrule) gidrule ;;
pair) pair "${3:-untagged}" ;;
*) echo "unknown mode $mode" >&2; exit 2 ;;
esac
echo "failures: $failures"
[ "$failures" = 0 ]
