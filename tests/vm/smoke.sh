#!/bin/bash
# Smoke test of the Soft-RoCE test guest; runs INSIDE the guest:
#
#   tests/vm/run --topology default -- tests/vm/smoke.sh            # loopback
#   tests/vm/run --topology pair    -- tests/vm/smoke.sh pair       # rxe0<->rxe1
#
# Proves the guest is real:
#   * `ibv_devinfo` lists exactly the adapters the topology made, all ACTIVE;
#   * `rdma -j link show` pairs each adapter with the netdev the topology
#     named, and no plain NIC carries an adapter;
#   * loopback (default): for each rxe adapter, ibv_rc_pingpong server and
#     client on that one device, client to 127.0.0.1, over the RoCE v2 GID of
#     an IPv4 address added to the adapter's netdev;
#   * PCI NICs (manifest "nic NAME - pci ADDRESS ..."): the netdev's device
#     is that PCI function's virtio device, driver virtio_net, carrier up;
#   * pair: server on rxe0, client on rxe1, whose frames cross between
#     ens1f0 and ens1f1 (their rx_packets counters);
#   * links: the listing and pairing checks only (for the scale topology).
# Exit status: 0 pass, 1 fail, 99 not inside the guest.
set -u
mode=${1:-loopback}
me=${0##*/}
fails=0
say() { echo "$me: $*"; }
fail() {
	echo "$me: FAIL: $*" >&2
	fails=$((fails + 1))
}

if [ "${VRDMA_VM-}" != 1 ] || [ ! -r "${VRDMA_VM_MANIFEST-}" ]; then
	echo "$me: must run inside the test guest: tests/vm/run -- $0" >&2
	exit 99
fi
tmp=$(mktemp -d) || exit 1
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$tmp"' EXIT

# ---- what the topology made ----------------------------------------------
declare -A want_netdev=() plain=()
adapters=()
while read -r kind a b c; do
	case $kind in
	nic) plain[$a]=1 ;;
	rdma)
		want_netdev[$a]=$c
		adapters+=("$a")
		unset "plain[$c]"
		;;
	esac
done <"$VRDMA_VM_MANIFEST"
say "topology ${VRDMA_VM_TOPOLOGY-?}: adapters ${adapters[*]:-none}"
[ ${#adapters[@]} -gt 0 ] || fail "the topology made no RDMA adapter"

# ---- PCI NICs: what a real host's NICs look like in sysfs ---------------------
npci=0
while read -r kind a b c d _; do
	[ "$kind" = nic ] && [ "$b" = - ] && [ "$c" = pci ] || continue
	npci=$((npci + 1))
	[ "/sys/class/net/$a/device/.." -ef "/sys/bus/pci/devices/$d" ] ||
		fail "$a: /sys/class/net/$a/device is not on PCI device $d"
	[ "/sys/class/net/$a/device/driver" -ef /sys/bus/virtio/drivers/virtio_net ] ||
		fail "$a: driver is not virtio_net"
	read -r carrier <"/sys/class/net/$a/carrier" 2>/dev/null
	[ "${carrier-}" = 1 ] || fail "$a: no carrier"
done <"$VRDMA_VM_MANIFEST"
[ $npci -eq 0 ] || say "$npci PCI NIC(s): on their PCI addresses, virtio_net, carrier up"

# ---- ibv_devinfo ----------------------------------------------------------
ibv_devinfo >"$tmp/devinfo" 2>&1 || fail "ibv_devinfo failed: $(cat "$tmp/devinfo")"
declare -A seen_dev=() active=()
dev=
while read -r k v _; do
	case $k in
	hca_id:) dev=$v; seen_dev[$dev]=1 ;;
	state:) [ "$v" = PORT_ACTIVE ] && active[$dev]=1 ;;
	esac
done <"$tmp/devinfo"
for d in "${adapters[@]}"; do
	[ -n "${seen_dev[$d]-}" ] || fail "ibv_devinfo does not list $d"
	[ -n "${active[$d]-}" ] || fail "$d: port not PORT_ACTIVE"
done
for d in "${!seen_dev[@]}"; do
	[ -n "${want_netdev[$d]-}" ] || fail "ibv_devinfo lists $d, which the topology did not make"
done
say "ibv_devinfo lists ${!seen_dev[*]}"

# ---- rdma -j link show ----------------------------------------------------
json=$(rdma -j link show) || fail "rdma -j link show failed"
declare -A got_netdev=()
rest=$json
re='\{([^{}]*)\}'
while [[ $rest =~ $re ]]; do
	obj=${BASH_REMATCH[1]}
	rest=${rest#*"${BASH_REMATCH[0]}"}
	[[ $obj =~ \"ifname\":\"([^\"]*)\" ]] || continue
	name=${BASH_REMATCH[1]}
	nd=
	[[ $obj =~ \"netdev\":\"([^\"]*)\" ]] && nd=${BASH_REMATCH[1]}
	got_netdev[$name]=$nd
	[[ $obj =~ \"state\":\"ACTIVE\" ]] || fail "rdma link: $name is not ACTIVE"
done
for d in "${adapters[@]}"; do
	if [ "${got_netdev[$d]-}" != "${want_netdev[$d]}" ]; then
		fail "rdma link: $d paired with '${got_netdev[$d]-}', want '${want_netdev[$d]}'"
	else
		say "rdma link: $d <-> ${want_netdev[$d]}"
	fi
done
for d in "${!got_netdev[@]}"; do
	[ -n "${want_netdev[$d]-}" ] || fail "rdma link shows $d, which the topology did not make"
	[ -z "${plain[${got_netdev[$d]:-none}]-}" ] || fail "plain NIC ${got_netdev[$d]} carries $d"
done

# ---- RoCE v2 GIDs ---------------------------------------------------------
# gid_of DEV IPV4: print the index of the RoCE v2 GID ::ffff:IPV4 of DEV,
# waiting for the kernel to add it (one grep over the table, not a cat per
# entry).
gid_of() {
	local dev=$1 ip=$2 a b c d want f idx type i
	IFS=. read -r a b c d <<<"$ip"
	printf -v want '0000:0000:0000:0000:0000:ffff:%02x%02x:%02x%02x' "$a" "$b" "$c" "$d"
	for ((i = 0; i < 100; i++)); do
		while IFS=: read -r f _; do
			idx=${f##*/}
			read -r type <"/sys/class/infiniband/$dev/ports/1/gid_attrs/types/$idx" 2>/dev/null
			if [ "${type-}" = "RoCE v2" ]; then
				echo "$idx"
				return 0
			fi
		done < <(grep -l -x "$want" /sys/class/infiniband/"$dev"/ports/1/gids/* 2>/dev/null)
		sleep 0.1
	done
	return 1
}

# wait_listen PORT: wait until a TCP socket listens on PORT (no sleeping
# a guessed time: poll /proc/net/tcp{,6} for state 0A).
wait_listen() {
	local hex i f sl local_addr rem st _
	printf -v hex '%04X' "$1"
	for ((i = 0; i < 300; i++)); do
		for f in /proc/net/tcp /proc/net/tcp6; do
			while read -r sl local_addr rem st _; do
				[ "$st" = 0A ] && [ "${local_addr##*:}" = "$hex" ] && return 0
			done <"$f"
		done
		kill -0 "$2" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}

# pingpong SDEV SGID CDEV CGID SERVER_ADDR PORT TAG
pingpong() {
	local sdev=$1 sgid=$2 cdev=$3 cgid=$4 addr=$5 port=$6 tag=$7 spid rc_s rc_c
	ibv_rc_pingpong -d "$sdev" -g "$sgid" -p "$port" -n 200 \
		>"$tmp/$tag.server" 2>&1 &
	spid=$!
	if ! wait_listen "$port" "$spid"; then
		fail "$tag: ibv_rc_pingpong server on $sdev never listened: $(cat "$tmp/$tag.server")"
		kill "$spid" 2>/dev/null
		return
	fi
	timeout 120 ibv_rc_pingpong -d "$cdev" -g "$cgid" -p "$port" -n 200 "$addr" \
		>"$tmp/$tag.client" 2>&1
	rc_c=$?
	timeout 30 tail --pid="$spid" -f /dev/null
	wait "$spid"
	rc_s=$?
	if [ $rc_c -ne 0 ] || [ $rc_s -ne 0 ] || ! grep -q 'bytes in' "$tmp/$tag.client"; then
		fail "$tag: ibv_rc_pingpong failed (client $rc_c, server $rc_s)"
		sed "s/^/  client: /" "$tmp/$tag.client" >&2
		sed "s/^/  server: /" "$tmp/$tag.server" >&2
	else
		say "$tag: $(grep 'bytes in' "$tmp/$tag.client")"
	fi
}

case $mode in
loopback)
	n=0
	for d in "${adapters[@]}"; do
		[ -d "/sys/class/infiniband/$d/ports/1/gids" ] || continue
		n=$((n + 1))
		nd=${want_netdev[$d]}
		ip=10.199.$n.1
		ip addr add "$ip/24" dev "$nd" || { fail "cannot add $ip to $nd"; continue; }
		if ! gid=$(gid_of "$d" "$ip"); then
			fail "$d: no RoCE v2 GID for $ip on $nd"
			continue
		fi
		say "$d: RoCE v2 GID index $gid for $ip on $nd"
		pingpong "$d" "$gid" "$d" "$gid" 127.0.0.1 $((18515 + n)) "loopback-$d"
	done
	;;
links) ;; # only the listing and pairing checks above
pair)
	# The 'pair' topology: rxe0 on ens1f0 (192.168.77.1), rxe1 on ens1f1
	# (192.168.77.2), two PCI NICs on one qemu hub.
	g0=$(gid_of rxe0 192.168.77.1) || fail "rxe0: no RoCE v2 GID for 192.168.77.1"
	g1=$(gid_of rxe1 192.168.77.2) || fail "rxe1: no RoCE v2 GID for 192.168.77.2"
	if [ $fails -eq 0 ]; then
		say "rxe0 GID $g0 (192.168.77.1), rxe1 GID $g1 (192.168.77.2)"
		read -r rx0 </sys/class/net/ens1f0/statistics/rx_packets
		read -r rx1 </sys/class/net/ens1f1/statistics/rx_packets
		pingpong rxe0 "$g0" rxe1 "$g1" 192.168.77.1 18515 "pair-rxe0-rxe1"
		# 200 round trips: the frames crossed the wire (hub or veth)
		read -r rx0b </sys/class/net/ens1f0/statistics/rx_packets
		read -r rx1b </sys/class/net/ens1f1/statistics/rx_packets
		if [ $((rx0b - rx0)) -lt 200 ] || [ $((rx1b - rx1)) -lt 200 ]; then
			fail "pair: only $((rx0b - rx0)) / $((rx1b - rx1)) frames received on ens1f0 / ens1f1"
		else
			say "pair: ens1f0 received $((rx0b - rx0)) frames, ens1f1 $((rx1b - rx1))"
		fi
	fi
	;;
*)
	echo "$me: unknown mode '$mode' (loopback, pair or links)" >&2
	exit 99
	;;
esac

if [ $fails -ne 0 ]; then
	echo "$me: $fails check(s) failed" >&2
	exit 1
fi
say "all checks passed"
