#!/bin/bash
# Two-host storage tests; run INSIDE both guests of a two-guest run:
#
#   tests/vm/run --guest T:san-target --guest I:san-initiator -- \
#       tests/vm/storage.sh VRDMACTL SCENARIO
#
# Guest T is the target (kernel targets through configfs, no daemons: the
# kernel's nvmet-rdma with a null_blk namespace, or LIO iSCSI with iSER,
# storage-iser.sh).  Guest I applies a vrdmactl configuration of vmks, each
# through its own port group bound to one active uplink (vmnic0 = ens1f0 ->
# rxe0, vmnic1 = ens1f1 -> rxe1), connects with what vrdmactl prints or
# does, and checks with independent tools: nvme-cli / iscsiadm, sysfs, and
# the NIC counters (/sys/class/net/*/statistics) of BOTH hosts (T serves
# snapshots of its own on request, over vm-sync).
#
# Scenarios (topologies: san-target/san-initiator, one switch, unless said):
#   nvme-one-subnet   vmk1 192.0.2.11 (ens1f0), vmk2 192.0.2.12 (ens1f1) in
#                     one subnet; every line of `vrdmactl nvme connect-args
#                     --target 192.0.2.100` (>= 2); per controller a direct
#                     dd read and write go through its own uplink on I, and
#                     through T's ens1f0 (the target address's NIC) on T,
#                     T's ens1f1 staying quiet
#   nvme-two-subnets  (san-target-ab/san-initiator-ab: two wires, one per
#                     fabric) vmk1 192.0.2.11 on ens1f0 (wire san-a), vmk2
#                     198.51.100.12 on ens1f1 (wire san-b); connect-args for
#                     T's 192.0.2.100 and 198.51.100.100; each path's bytes
#                     through its own uplink on I and its own NIC on T
#   nvme-vlan         vmk1 203.0.113.11 on port group PG-V, VLAN 100: apply
#                     makes the 802.1Q device vmk1 on ens1f0; T has
#                     ens1f0.100 with 203.0.113.100; the bytes cross tagged
#                     (T's ens1f0.100 counts them)
#   nvme-ipv6         vmk1 with only 2001:db8:5a::11/64 (no IPv4) on ens1f0;
#                     the target is 2001:db8:5a::100 (nvmet adrfam ipv6)
#   nvme-path-fail    as nvme-one-subnet, connected with `vrdmactl nvme
#                     connect`; then vmk1's uplink goes down (step 1), then
#                     comes back with vmk1's address removed (step 2): each
#                     time `vrdmactl storage path list -j` and `vrdmactl
#                     binding check` name vmk1's path and why, and vmk2's
#                     controller keeps serving reads through ens1f1
#   iser              (storage-iser.sh) LIO iSCSI target with iSER on
#                     192.0.2.100; I writes its ifaces with `vrdmactl iser
#                     iface --write`, discovers and logs in through
#                     vrdma-vmk1, reads the SCSI disk: transport iser, the
#                     bytes through ens1f0 on both hosts
#
# nvme_core is loaded with multipath=N, so each controller has its own
# namespace block device (nvmeXnY) to read a path on its own.  The guests
# meet through tests/vm/vm-sync: T signals 'target-ready', then answers
# 'req.K' with 'resp.K' (its counters) until I sends 'done' (or is gone).
# Exit status: 0 pass, 1 fail, 2 usage, 77 not in a two-guest run.
set -u
here=$(cd "${BASH_SOURCE[0]%/*}" && pwd -P)
vrdmactl=$(realpath "$1")
mode=${2:-nvme-one-subnet}
sync=$here/vm-sync
me="storage[${VRDMA_VM_GUEST-?}]"
[ "${VRDMA_VM:-}" = 1 ] && [ -n "${VRDMA_VM_SYNC-}" ] ||
	{ echo "$me: not in a two-guest run (tests/vm/run --guest T:... --guest I:...); skipped"; exit 77; }
failures=0
XFAIL= # when set: a known failure, reported with this reason and not counted
fail() {
	if [ -n "$XFAIL" ]; then
		echo "$me: XFAIL ($XFAIL): $*" >&2
	else
		echo "$me: FAIL: $*" >&2
		failures=$((failures + 1))
	fi
}
ok() { echo "$me: ok: $*"; }
say() { echo "$me: $*"; }
t0=$SECONDS
mark() { say "[$((SECONDS - t0)) s] $*"; }

NQN=nqn.2014-08.org.libvrdma:vm-storage
PORT=4420
MIB=4 # per dd
finish() {
	echo "$me: failures: $failures"
	[ "$failures" = 0 ]
	exit
}

# ---- scenarios ---------------------------------------------------------------
# VMKS: "NAME|PORTGROUP|VLAN|UPLINK|IPV4/PREFIX|IPV6/PREFIX" (I's config);
# T_PORTS: "ADRFAM ADDRESS" (nvmet ports); TARGETS: the --target addresses;
# MIN_LINES: the least connect-args lines in all; tnic_of[TARGET]: T's NIC
# that carries it; T_NICS: T's NICs whose counters are compared.
declare -A tnic_of=()
T_NICS=(ens1f0 ens1f1)
I_UPLINKS=(ens1f0 ens1f1)
T_SETUP=()
case $mode in
nvme-one-subnet | nvme-path-fail | iser)
	VMKS=("vmk1|PG-A|0|ens1f0|192.0.2.11/24|" "vmk2|PG-B|0|ens1f1|192.0.2.12/24|")
	T_PORTS=("ipv4 192.0.2.100" "ipv4 192.0.2.101")
	TARGETS=(192.0.2.100) MIN_LINES=2
	tnic_of=([192.0.2.100]=ens1f0)
	;;
nvme-two-subnets)
	VMKS=("vmk1|PG-A|0|ens1f0|192.0.2.11/24|" "vmk2|PG-B|0|ens1f1|198.51.100.12/24|")
	T_PORTS=("ipv4 192.0.2.100" "ipv4 198.51.100.100")
	TARGETS=(192.0.2.100 198.51.100.100) MIN_LINES=2
	tnic_of=([192.0.2.100]=ens1f0 [198.51.100.100]=ens1f1)
	;;
nvme-vlan)
	VMKS=("vmk1|PG-V|100|ens1f0|203.0.113.11/24|")
	T_SETUP=("modprobe 8021q"
		"ip link add link ens1f0 name ens1f0.100 type vlan id 100"
		"ip addr add 203.0.113.100/24 dev ens1f0.100"
		"ip link set ens1f0.100 up")
	T_PORTS=("ipv4 203.0.113.100")
	TARGETS=(203.0.113.100) MIN_LINES=1
	tnic_of=([203.0.113.100]=ens1f0.100)
	;;
nvme-ipv6)
	VMKS=("vmk1|PG-A|0|ens1f0||2001:db8:5a::11/64")
	T_SETUP=("ip -6 addr add 2001:db8:5a::100/64 dev ens1f0 nodad")
	T_PORTS=("ipv6 2001:db8:5a::100")
	TARGETS=(2001:db8:5a::100) MIN_LINES=1
	tnic_of=([2001:db8:5a::100]=ens1f0)
	;;
*) echo "$me: unknown scenario '$mode'" >&2; exit 2 ;;
esac
[ "$mode" = iser ] && . "$here/storage-iser.sh"

# ---- guest T: the target ---------------------------------------------------

mount_configfs() {
	modprobe configfs && { mountpoint -q /sys/kernel/config ||
		mount -t configfs configfs /sys/kernel/config; }
}

nvmet_port() { # ID ADRFAM ADDRESS
	local p=/sys/kernel/config/nvmet/ports/$1
	mkdir "$p" &&
		echo rdma >"$p/addr_trtype" && echo "$2" >"$p/addr_adrfam" &&
		echo "$3" >"$p/addr_traddr" && echo "$PORT" >"$p/addr_trsvcid" &&
		ln -s "/sys/kernel/config/nvmet/subsystems/$NQN" "$p/subsystems/$NQN"
}

nvme_target() {
	local s=/sys/kernel/config/nvmet/subsystems/$NQN i p
	mount_configfs || { fail "no configfs"; return 1; }
	modprobe null_blk nr_devices=1 gb=1 && modprobe nvmet && modprobe nvmet-rdma ||
		{ fail "cannot load null_blk, nvmet, nvmet-rdma"; return 1; }
	for i in $(seq 50); do [ -b /dev/nullb0 ] && break; sleep 0.1; done
	mkdir "$s" && echo 1 >"$s/attr_allow_any_host" &&
		mkdir "$s/namespaces/1" && echo /dev/nullb0 >"$s/namespaces/1/device_path" &&
		echo 1 >"$s/namespaces/1/enable" || { fail "nvmet subsystem $NQN"; return 1; }
	i=1
	for p in "${T_PORTS[@]}"; do
		nvmet_port $i $p || { fail "nvmet port $i ($p)"; return 1; }
		i=$((i + 1))
	done
	ok "nvmet-rdma target $NQN on ${T_PORTS[*]} port $PORT (null_blk)"
}

# T's counters, one "NIC RX_BYTES TX_BYTES" per NIC
snapshot() {
	local n
	for n in /sys/class/net/*; do
		[ "${n##*/}" = lo ] && continue
		echo "${n##*/} $(cat "$n/statistics/rx_bytes") $(cat "$n/statistics/tx_bytes")"
	done
}

target() {
	local c k=0 v
	for c in "${T_SETUP[@]}"; do
		$c || { fail "T set-up: $c"; "$sync" signal target-ready failed; return; }
	done
	if [ "$mode" = iser ]; then iser_target; else nvme_target; fi ||
		{ "$sync" signal target-ready failed; return; }
	mark "target ready"
	"$sync" signal target-ready "$NQN"
	# serve counter snapshots until the initiator is done (or gone)
	while :; do
		v=$("$sync" wait "req.$k" 400) || { fail "the initiator never finished (no req.$k)"; return; }
		[ "$v" = "done" ] && break
		"$sync" signal "resp.$k" "$(snapshot | tr '\n' ';')"
		k=$((k + 1))
	done
	mark "initiator done"
}

# ---- guest I: the initiator ------------------------------------------------

# T's counters now: T_SNAP (NIC RX TX;...)
tsnap_k=0
tsnap() {
	"$sync" signal "req.$tsnap_k" snap
	T_SNAP=$("$sync" wait "resp.$tsnap_k" 60) || { T_SNAP=; fail "T sent no counters (resp.$tsnap_k)"; }
	tsnap_k=$((tsnap_k + 1))
}
# tctr SNAP NIC rx|tx
tctr() {
	tr ';' '\n' <<<"$1" | awk -v n="$2" -v w="$3" '$1 == n { print (w == "rx" ? $2 : $3); f = 1 }
		END { if (!f) print 0 }'
}

config() {
	local v name pg vlan up a4 a6 sw="" pgs="" vmks="" k=0
	for v in "${VMKS[@]}"; do
		IFS='|' read -r name pg vlan up a4 a6 <<<"$v"
		k=$((k + 1))
		pgs+="${pgs:+,}{\"name\":\"$pg\",\"vlan\":$vlan,\"failover\":{\"active\":[\"$up\"],\"standby\":[]}}"
		vmks+="${vmks:+,}{\"name\":\"$name\",\"switch\":\"vSwitch1\",\"portgroup\":\"$pg\",\"mac\":\"02:00:00:00:0e:1$k\",\"mtu\":1500,"
		[ -n "$a4" ] && vmks+="\"ipv4\":\"$a4\","
		vmks+="\"ipv6\":[${a6:+\"$a6\"}],\"tags\":[\"$TAG\"]}"
	done
	sw='{"name":"vSwitch1","type":"standard","ifname":"vsw1","mtu":1500,"uplinks":["ens1f0","ens1f1"],"failover":{"active":["ens1f0","ens1f1"],"standby":[]},"portgroups":['"$pgs"']}'
	printf '{"schema":"vrdma-config/1","generation":1,"switches":[%s],"vmks":[%s]}\n' "$sw" "$vmks" >"$VRDMA_CONFIG"
	chmod 600 "$VRDMA_CONFIG"
}

# gid_of ADDRESS: the RoCE v2 GID of an IPv4 or IPv6 address, as sysfs shows it
gid_of() {
	local a b c d
	if [[ $1 == *:* ]]; then
		local -a h=() t=() g=()
		if [[ $1 == *::* ]]; then
			IFS=: read -ra h <<<"${1%%::*}"
			IFS=: read -ra t <<<"${1#*::}"
			g=("${h[@]}")
			for ((a = ${#h[@]} + ${#t[@]}; a < 8; a++)); do g+=(0); done
			g+=("${t[@]}")
		else
			IFS=: read -ra g <<<"$1"
		fi
		for ((a = 0; a < 8; a++)); do printf '%04x%s' "$((16#${g[a]}))" "$([ $a -lt 7 ] && echo :)"; done
		echo
	else
		IFS=. read -r a b c d <<<"$1"
		printf '0000:0000:0000:0000:0000:ffff:%02x%02x:%02x%02x\n' "$a" "$b" "$c" "$d"
	fi
}

# wait_gid DEV ADDRESS: until DEV has the RoCE v2 GID of ADDRESS
wait_gid() {
	local want i f
	want=$(gid_of "$2")
	for i in $(seq 150); do
		for f in $(grep -lx "$want" /sys/class/infiniband/"$1"/ports/1/gids/* 2>/dev/null); do
			[ "$(cat "/sys/class/infiniband/$1/ports/1/gid_attrs/types/${f##*/}" 2>/dev/null)" = "RoCE v2" ] &&
				return 0
		done
		sleep 0.1
	done
	return 1
}

# wait_cond SECONDS CMD...: until CMD succeeds
wait_cond() {
	local end=$((SECONDS + $1))
	shift
	until "$@"; do
		((SECONDS < end)) || return 1
		sleep 0.2
	done
}
no_tentative() { ! ip -6 addr show tentative | grep -q inet6; }

declare -A uplink_of=() rdma_of=([ens1f0]=rxe0 [ens1f1]=rxe1)
ctr() { cat "/sys/class/net/$1/statistics/$2"; }
others() { local u; for u in "${I_UPLINKS[@]}"; do [ "$u" = "$1" ] || echo "$u"; done; }
# the T NICs that must stay quiet for a path to T's NIC $1 (neither it nor its lower NIC)
tquiet() { local n; for n in "${T_NICS[@]}"; do [ "$n" = "$1" ] || [ "$n" = "${1%.*}" ] || echo "$n"; done; }

# apply the configuration, and wait for each vmk's GIDs
initiator_apply() {
	local out v name pg vlan up a4 a6
	config
	out=$("$vrdmactl" apply 2>&1) || { fail "vrdmactl apply: $out"; return 1; }
	for v in "${VMKS[@]}"; do
		IFS='|' read -r name pg vlan up a4 a6 <<<"$v"
		for a in ${a4%/*} ${a6%/*}; do
			uplink_of[$a]=$up
			wait_gid "${rdma_of[$up]}" "$a" ||
				{ fail "$name: no RoCE v2 GID of $a on ${rdma_of[$up]} after apply"; return 1; }
		done
		ok "applied: $name ${a4:-no IPv4} ${a6:+$a6 }on $pg (VLAN $vlan) -> $up (${rdma_of[$up]})"
	done
	wait_cond 10 no_tentative || fail "IPv6 addresses still tentative: $(ip -6 addr show tentative)"
}

# the namespace block device of controller $1 (nvmeXnY), after it appears
ns_of() {
	local c=$1 f i
	for i in $(seq 100); do
		for f in "/sys/class/nvme/$c/$c"n*; do
			[[ ${f##*/} =~ ^${c}n[0-9]+$ ]] && [ -b "/dev/${f##*/}" ] && { echo "/dev/${f##*/}"; return 0; }
		done
		sleep 0.1
	done
	return 1
}

# ctrl_field CTRL traddr|host_traddr: from sysfs address
ctrl_field() { tr ',' '\n' <"/sys/class/nvme/$1/address" | sed -n "s/^$2=//p"; }

# io_check WHAT DEV DD_ARGS...: dd DEV, then check the counters of both hosts:
# the bytes through I's uplink $UP (and not the others), T's NIC $TN (and not
# its quiet ones); $DIR read|write
io_check() {
	local what=$1 dir=$2 min=$((MIB * 1048576)) u n s0 s1 d bad=
	local -A a0=() a1=()
	shift 2
	for u in "${I_UPLINKS[@]}"; do a0[$u.rx]=$(ctr "$u" rx_bytes) a0[$u.tx]=$(ctr "$u" tx_bytes); done
	tsnap
	s0=$T_SNAP
	timeout 120 dd "$@" bs=1M count=$MIB status=none || { fail "$what: dd $* (exit $?)"; return 1; }
	for u in "${I_UPLINKS[@]}"; do a1[$u.rx]=$(ctr "$u" rx_bytes) a1[$u.tx]=$(ctr "$u" tx_bytes); done
	tsnap
	s1=$T_SNAP
	# data direction on I (in: rx, out: tx) and on T (the reverse)
	local din=rx dout=tx
	[ "$dir" = write ] && din=tx dout=rx
	d=$((a1[$UP.$din] - a0[$UP.$din]))
	local msg="$what: $dir $MIB MiB: I $UP $din $d"
	[ "$d" -ge "$min" ] || bad+=" I's $UP $din $d < $min;"
	if [ "$dir" = read ]; then
		local cmds=$((a1[$UP.tx] - a0[$UP.tx]))
		msg+=" tx $cmds"
		[ "$cmds" -ge 2048 ] || bad+=" I's $UP sent only $cmds bytes of commands;"
	fi
	for u in $(others "$UP"); do
		d=$((a1[$u.$din] - a0[$u.$din]))
		msg+=", $u $din $d"
		[ "$d" -lt $((min / 8)) ] || bad+=" I's $u $din $d (>= 1/8 of it);"
	done
	d=$(($(tctr "$s1" "$TN" "$dout") - $(tctr "$s0" "$TN" "$dout")))
	msg+="; T $TN $dout $d"
	[ "$d" -ge "$min" ] || bad+=" T's $TN $dout $d < $min;"
	for n in $(tquiet "$TN"); do
		d=$(($(tctr "$s1" "$n" "$dout") - $(tctr "$s0" "$n" "$dout")))
		msg+=", $n $dout $d"
		[ "$d" -lt $((min / 8)) ] || bad+=" T's $n $dout $d (>= 1/8 of it);"
	done
	say "$msg"
	if [ -z "$bad" ]; then
		ok "$what: the ${dir}'s bytes went through I's $UP and T's $TN alone"
	else
		fail "$what: the ${dir}'s bytes did not go through I's $UP and T's $TN alone:$bad"
	fi
}

# path_traffic CTRL: read and write the controller's namespace directly and
# check which NICs of both hosts carried it
path_traffic() {
	local c=$1 src tgt dev UP TN
	src=$(ctrl_field "$c" host_traddr) tgt=$(ctrl_field "$c" traddr)
	UP=${uplink_of[$src]-} TN=${tnic_of[$tgt]-}
	[ -n "$UP" ] && [ -n "$TN" ] || { fail "$c: source '$src' or target '$tgt' unknown ($(cat "/sys/class/nvme/$c/address"))"; return; }
	dev=$(ns_of "$c") || { fail "$c: no namespace block device"; return; }
	io_check "$c ($src -> $tgt, $dev)" read if="$dev" of=/dev/null iflag=direct
	io_check "$c ($src -> $tgt, $dev)" write if=/dev/zero of="$dev" oflag=direct
}

# connect_args: every line of `vrdmactl nvme connect-args` for each target
# run; the new controllers in CTRLS
CTRLS=()
new_ctrls() { # BEFORE: controllers not in BEFORE
	local n
	for n in /sys/class/nvme/nvme*; do
		[ -e "$n" ] && [[ $1 != *" ${n##*/} "* ]] && echo "${n##*/}"
	done
}
connect_args() {
	local t out lines=() line words src i before c n
	for t in "${TARGETS[@]}"; do
		out=$("$vrdmactl" nvme connect-args --target "$t" --nqn "$NQN" 2>&1)
		say "vrdmactl nvme connect-args --target $t --nqn $NQN (exit $?):"
		sed 's/^/    /' <<<"$out"
		n=0
		while IFS= read -r line; do
			[[ $line == "nvme connect "* ]] && { lines+=("$line"); n=$((n + 1)); }
		done <<<"$out"
		[ "$n" -ge 1 ] || fail "vrdmactl nvme connect-args --target $t printed no 'nvme connect' line"
	done
	[ ${#lines[@]} -ge "$MIN_LINES" ] ||
		fail "vrdmactl nvme connect-args printed ${#lines[@]} 'nvme connect' line(s), want one per path ($MIN_LINES)"
	for line in "${lines[@]}"; do
		read -ra words <<<"$line"
		[[ " $line " == *" -n "* ]] || words+=(-n "$NQN")
		src=
		for ((i = 0; i < ${#words[@]}; i++)); do
			[ "${words[i]}" = -w ] && src=${words[i + 1]-}
		done
		[ -n "${uplink_of[$src]-}" ] || { fail "'$line': source '$src' is no vmk's address"; continue; }
		before=" $(cd /sys/class/nvme 2>/dev/null && echo *) "
		out=$(timeout 60 "${words[@]}" 2>&1) || { fail "'${words[*]}': $out"; continue; }
		c=$(new_ctrls "$before")
		[ -n "$c" ] || { fail "'${words[*]}': no new controller"; continue; }
		CTRLS+=("$c")
		ok "connected $c from $src: ${words[*]}"
	done
}

# vrdmactl nvme connect (libnvme) for each target
connect_vrdmactl() {
	local t out before
	for t in "${TARGETS[@]}"; do
		before=" $(cd /sys/class/nvme 2>/dev/null && echo *) "
		out=$(timeout 120 "$vrdmactl" nvme connect --target "$t" --nqn "$NQN" 2>&1)
		local rc=$?
		say "vrdmactl nvme connect --target $t --nqn $NQN (exit $rc):"
		sed 's/^/    /' <<<"$out"
		[ $rc -eq 0 ] || fail "vrdmactl nvme connect --target $t: exit $rc"
		mapfile -t -O ${#CTRLS[@]} CTRLS < <(new_ctrls "$before")
	done
	[ ${#CTRLS[@]} -ge "$MIN_LINES" ] ||
		fail "vrdmactl nvme connect made ${#CTRLS[@]} controller(s) (${CTRLS[*]}), want one per path ($MIN_LINES)"
}

# nvme-cli: every controller of CTRLS live, over rdma, from a vmk's address
check_subsys() {
	local out live n c
	out=$(nvme list-subsys -o json 2>&1)
	live=$(jq -r --arg nqn "$NQN" '.. | objects | select(.NQN? == $nqn) | .Paths[]? |
		select(.Transport == "rdma" and .State == "live") | .Name' <<<"$out" 2>/dev/null | sort)
	n=$(grep -c . <<<"$live")
	if [ "$n" -ge "$MIN_LINES" ] && [ "$n" -eq ${#CTRLS[@]} ]; then
		ok "nvme list-subsys: $n live rdma controller(s) for $NQN ($(echo $live))"
	else
		fail "nvme list-subsys: $n live rdma controller(s) for $NQN, want ${#CTRLS[@]} (>= $MIN_LINES): $out"
	fi
	for c in "${CTRLS[@]}"; do
		grep -qx "$c" <<<"$live" || fail "$c is not live in nvme list-subsys"
		say "$c address: $(cat "/sys/class/nvme/$c/address" 2>/dev/null)"
		[ -n "${uplink_of[$(ctrl_field "$c" host_traddr)]-}" ] ||
			fail "$c: host_traddr '$(ctrl_field "$c" host_traddr)' is no vmk's address"
	done
}

# scenario checks before connecting
pre_checks() {
	local j
	case $mode in
	nvme-vlan)
		j=$(ip -d -j link show dev vmk1 2>&1)
		if [ "$(jq -r '.[0] | "\(.linkinfo.info_kind) \(.linkinfo.info_data.protocol) \(.linkinfo.info_data.id) \(.link)"' <<<"$j" 2>/dev/null)" = "vlan 802.1Q 100 ens1f0" ]; then
			ok "apply made vmk1 an 802.1Q device, VLAN 100 on ens1f0"
		else
			fail "vmk1 is not an 802.1Q VLAN 100 device on ens1f0: $j"
		fi
		ip -j addr show dev vmk1 | jq -e '.[0].addr_info[] | select(.local == "203.0.113.11")' >/dev/null ||
			fail "vmk1 lacks 203.0.113.11: $(ip -br addr show dev vmk1)"
		;;
	nvme-ipv6)
		j=$(ip -j -4 addr show 2>/dev/null | jq -r '.[] | select(.ifname != "lo") | .addr_info[]? | .local')
		[ -z "$j" ] && ok "no IPv4 address on any NIC (IPv6-only vmk)" || fail "IPv4 addresses on I: $j"
		ip -j -6 addr show dev ens1f0 | jq -e '.[0].addr_info[] | select(.local == "2001:db8:5a::11")' >/dev/null &&
			ok "vmk1's 2001:db8:5a::11 is on ens1f0" ||
			fail "2001:db8:5a::11 is not on ens1f0: $(ip -br -6 addr show dev ens1f0)"
		;;
	esac
}

initiator_nvme() {
	local c
	modprobe nvme_core multipath=N && modprobe nvme-rdma || { fail "cannot load nvme-rdma"; return; }
	if [ "$mode" = nvme-path-fail ] && "$vrdmactl" nvme connect --help >/dev/null 2>&1; then
		connect_vrdmactl
	else
		[ "$mode" = nvme-path-fail ] && fail "no 'vrdmactl nvme connect' (--help fails): using connect-args"
		connect_args
	fi
	mark "connected ${#CTRLS[@]} controller(s)"
	check_subsys
	for c in $(printf '%s\n' "${CTRLS[@]}" | sort); do
		path_traffic "$c"
	done
	mark "traffic checked"
	[ "$mode" = nvme-path-fail ] && path_fail
	timeout 60 nvme disconnect -n "$NQN" >/dev/null 2>&1 || fail "nvme disconnect -n $NQN"
}

initiator() {
	local tmp v
	tmp=$(mktemp -d)
	export VRDMA_STATE_DIR=$tmp/state VRDMA_CONFIG=$tmp/vrdma.json
	TAG=nvme-rdma
	[ "$mode" = iser ] && TAG=iser
	initiator_apply || return
	pre_checks
	mark "waiting for the target"
	v=$("$sync" wait target-ready 150) || { fail "the target never got ready"; return; }
	[ "$v" != failed ] || { fail "the target failed to set up"; return; }
	if [ "$mode" = iser ]; then initiator_iser; else initiator_nvme; fi
	rm -rf "$tmp"
}

[ "$mode" = nvme-path-fail ] && . "$here/storage-fail.sh"

case ${VRDMA_VM_GUEST-} in
T) target ;;
I)
	initiator
	"$sync" signal "req.$tsnap_k" "done"
	;;
*) fail "unknown guest '${VRDMA_VM_GUEST-}' (want T and I)" ;;
esac
finish
