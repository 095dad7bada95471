#!/bin/bash
# The boot unit in a fresh guest (issue 15): a guest that holds only the
# configuration file runs vrdma-apply.service's own command lines, as
# systemd would, and the seed binding comes up bound.
#
#   boot-unit.sh RUNNER VRDMACTL UNIT CASE      (build side: meson runs this)
#
# CASE:
#   seed     the uplink is there at boot: the unit's command realises the
#            seed configuration; "time from the boot unit's start to bound"
#            is printed; a second start (systemctl restart) changes nothing
#   hotplug  vmnic1's PCI function has no driver when the unit starts (its
#            virtio-pci driver unbound through sysfs); 2 s later it is bound
#            again (the kernel makes a new netdev, ethN: no udev renames it),
#            brought up as the host's network configuration would, and, when
#            the topology makes the adapter, its rxe added, all while the
#            unit's processes are stopped (SIGSTOP/SIGCONT: the uplink
#            appears up, with its adapter; see case_hotplug): --wait waits,
#            and the binding comes up bound
#   never    vmnic1's driver stays unbound: the unit's command exits 4
#            naming vmnic1 and its switch after --wait's seconds, and
#            nothing was applied
#   bench    the benchmark (meson's `boot-unit-to-bound`): unit start ->
#            bound, for the seed configuration and for the scale one
#            (BENCH_VMKS vmks, default 64: port groups PG1..PGn with VLAN
#            1..n on vmnic1, vmkI 198.18.I.1/24, plus the seed's soft
#            adapter and RoCE setting), each BENCH_RUNS times (default 3)
#            in one guest; between runs an apply of an empty configuration
#            removes everything (checked with ip/rdma) and the state
#            directory is emptied; prints every sample and the medians
#
# Build side: the seed configuration (README's walkthrough: vSwitch1 with
# uplink vmnic1, port group NVMe, vmk1 192.0.2.10/24 tagged nvme-rdma) is
# made with vrdmactl's network commands in a temporary file.  When
# `vrdmactl rdma device soft add --help` succeeds, it also declares a soft
# rxe adapter on vmnic1 and the guest's topology has no adapter
# (topologies/boot-soft); otherwise the topology `one` makes rxe0 on
# ens1f0.  When `vrdmactl rdma device roce set --help` succeeds, it also sets
# the adapter's port 1 to RoCE v2 with ToS 104, checked in rdma_cm's configfs.
#
# Guest side (tests/vm/run ... -- boot-unit.sh --guest ...): the guest's
# state directory (the unit's RequiresMountsFor) is emptied (the read-only
# host root may carry the build host's own aliases.json), the configuration
# is copied to the path the unit reads, and the unit file is parsed:
# Condition*, ExecStartPre/ExecStart/ExecStartPost (prefixes '-' ':' '+' '!'),
# TimeoutStartSec; any other key that changes how the command runs fails the
# test (this emulation would be wrong).  Each command line runs with
# systemd's environment (env -i, PATH only), cwd /, stdin /dev/null, the
# arguments exactly as written; only an argv[0] named vrdmactl is replaced by
# the build's vrdmactl (the unit names the installed path).
#
# Observers: `ip -j addr` (vmk1's address on vmnic1's netdev, found through
# its PCI address: an untagged vmk on a soft adapter is realised there, see
# vrdma/apply.h), `ip -j rule`/`ip -j route` (vmk1's own routing table),
# `rdma -j link` (one ACTIVE
# adapter on that netdev), the sysfs GID table (a RoCE v2 GID of
# 192.0.2.10), rdma_cm's configfs, and `vrdmactl rdma device vmknic list -j`
# (vmk1 bound, its GID index the one sysfs shows).
# Exit status: 0 pass, 1 fail, 2 usage, 77 skipped.
set -u
self=$(realpath "${BASH_SOURCE[0]}")
here=${self%/*}
. "$here/lib.sh"
me=boot-unit
failures=0
fail() { echo "$me: FAIL: $*" >&2; failures=$((failures + 1)); }
ok() { echo "$me: ok: $*"; }
say() { echo "$me: $*"; }
die() { echo "$me: $*" >&2; exit "${2:-1}"; }
usage() { die "usage: boot-unit.sh RUNNER VRDMACTL UNIT seed|hotplug|never|bench" 2; }

VMK=vmk1 ADDR=192.0.2.10 PREFIX=24 UPLINK=vmnic1 SWITCH=vSwitch1
ROCE_TOS=104 # DSCP 26 (AF31)
SYSTEMD_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

# ---- build side ---------------------------------------------------------------

# the soft adapter / RoCE setting commands, once they exist
has_cmd() { "$vrdmactl" "$@" --help >/dev/null 2>&1; }

seed_config() {
	local c=(env "VRDMA_CONFIG=$1" "VRDMA_STATE_DIR=$2" "$vrdmactl")
	"${c[@]}" network vswitch standard add -v "$SWITCH" &&
		"${c[@]}" network vswitch standard uplink add -v "$SWITCH" -u "$UPLINK" &&
		"${c[@]}" network vswitch standard portgroup add -v "$SWITCH" -p NVMe &&
		"${c[@]}" network ip interface add -i "$VMK" -p NVMe &&
		"${c[@]}" network ip interface ipv4 set -i "$VMK" -t static -I "$ADDR" -N 255.255.255.0 &&
		"${c[@]}" network ip interface tag add -i "$VMK" -t nvme-rdma || return 1
	if [ "$variant" = soft ]; then
		"${c[@]}" rdma device soft add -u "$UPLINK" -t rxe || {
			"$vrdmactl" rdma device soft add --help
			echo "$me: the soft adapter command's options differ from this test's (-u UPLINK -t rxe)" >&2
			return 1
		}
	fi
	if [ "$roce" = yes ]; then
		"${c[@]}" rdma device roce set -d "$rdmadev" -p 1 --mode v2 --tos "$ROCE_TOS" || {
			"$vrdmactl" rdma device roce set --help
			echo "$me: the RoCE setting command's options differ from this test's (-d DEV -p 1 --mode v2 --tos TOS)" >&2
			return 1
		}
	fi
}

# scale_config FILE STATE N: the seed's switch, uplink, soft adapter and RoCE
# setting, with N tagged port groups PGi (VLAN i), each with vmki
# 198.18.i.1/24 (distinct subnets: one vmk per VLAN on a soft adapter)
scale_config() {
	local c=(env "VRDMA_CONFIG=$1" "VRDMA_STATE_DIR=$2" "$vrdmactl") i
	"${c[@]}" network vswitch standard add -v "$SWITCH" &&
		"${c[@]}" network vswitch standard uplink add -v "$SWITCH" -u "$UPLINK" || return 1
	for ((i = 1; i <= $3; i++)); do
		"${c[@]}" network vswitch standard portgroup add -v "$SWITCH" -p "PG$i" --vlan-id "$i" &&
			"${c[@]}" network ip interface add -i "vmk$i" -p "PG$i" &&
			"${c[@]}" network ip interface ipv4 set -i "vmk$i" -t static -I "198.18.$i.1" -N 255.255.255.0 ||
			return 1
	done
	if [ "$variant" = soft ]; then "${c[@]}" rdma device soft add -u "$UPLINK" -t rxe || return 1; fi
	if [ "$roce" = yes ]; then
		"${c[@]}" rdma device roce set -d "$rdmadev" -p 1 --mode v2 --tos "$ROCE_TOS" || return 1
	fi
}

build_side() {
	local runner=$1 tcase=$4 tmp topology rc=0
	vrdmactl=$(realpath "$2")
	unit=$(realpath "$3")
	case $tcase in seed | hotplug | never | bench) ;; *) usage ;; esac
	[ -r "$unit" ] || die "no unit file $unit"
	variant=rxe roce=no rdmadev=rxe0 topology=one
	has_cmd rdma device soft add && variant=soft rdmadev=vrdmas0 topology=$here/topologies/boot-soft
	has_cmd rdma device roce set && roce=yes
	if [ "$variant" = soft ]; then
		say "variant soft: the configuration declares rxe on $UPLINK (apply names it $rdmadev); topology boot-soft (no adapter)"
	else
		say "variant rxe: the topology makes rxe0 on ens1f0 ($UPLINK); no soft adapter command yet"
	fi
	say "RoCE settings in the configuration: $roce"
	# the build directory: the runner shares the working directory
	tmp=$(mktemp -d "$PWD/boot-unit.XXXXXX") || exit 1
	trap 'rm -rf "$tmp"' EXIT
	seed_config "$tmp/vrdma.json" "$tmp/state" || die "cannot build the seed configuration"
	say "configuration (built with vrdmactl network commands):"
	cat "$tmp/vrdma.json"
	local vm_timeout=${VRDMA_BOOT_VM_TIMEOUT:-200}
	if [ "$tcase" = bench ]; then
		export BENCH_RUNS=${BENCH_RUNS:-3} BENCH_VMKS=${BENCH_VMKS:-64}
		vm_timeout=${VRDMA_BOOT_VM_TIMEOUT:-400}
		scale_config "$tmp/vrdma-scale.json" "$tmp/state-scale" "$BENCH_VMKS" ||
			die "cannot build the $BENCH_VMKS-vmk configuration"
		say "scale configuration: $BENCH_VMKS vmks, $(wc -c <"$tmp/vrdma-scale.json") bytes (built with vrdmactl network commands)"
	fi
	"$runner" --topology "$topology" --timeout "$vm_timeout" -- \
		"$self" --guest "$vrdmactl" "$unit" "$tmp/vrdma.json" "$variant" "$roce" "$rdmadev" "$tcase" ||
		rc=$?
	exit $rc
}

# ---- guest side: the unit file -------------------------------------------------

# Unit settings: CONDITIONS ("KEY VALUE"), EXEC ("KIND LINE"), TIMEOUT,
# MOUNTS (RequiresMountsFor), CONFIG (the --config argument).
CONDITIONS=() EXEC=() MOUNTS=() TIMEOUT=90 CONFIG=
parse_unit() {
	local line key val section='' cont=''
	while IFS= read -r line || [ -n "$line" ]; do
		if [ -n "$cont" ]; then line="$cont $line" cont=; fi
		[[ $line == *\\ ]] && { cont=${line%\\}; continue; }
		[[ $line =~ ^[[:space:]]*([#;]|$) ]] && continue
		[[ $line =~ ^\[(.*)\]$ ]] && { section=${BASH_REMATCH[1]}; continue; }
		key=${line%%=*} val=${line#*=}
		case $section/$key in
		Unit/ConditionPathExists) CONDITIONS+=("$key $val") ;;
		Unit/RequiresMountsFor) read -ra m <<<"$val"; MOUNTS+=("${m[@]}") ;;
		Unit/Condition* | Unit/Assert*)
			fail "unit: $key is not emulated by this test: $line" ;;
		Unit/*) ;; # ordering, dependencies, documentation
		Service/Type) [ "$val" = oneshot ] || fail "unit: Type=$val (this test emulates oneshot)" ;;
		Service/ExecStartPre | Service/ExecStart | Service/ExecStartPost)
			if [ -z "$val" ]; then fail "unit: empty $key= (a reset) is not emulated"; else EXEC+=("$key $val"); fi ;;
		Service/TimeoutStartSec)
			[[ $val =~ ^[0-9]+s?$ ]] && TIMEOUT=${val%s} || fail "unit: TimeoutStartSec=$val not emulated" ;;
		Service/RemainAfterExit | Service/TimeoutStopSec | Service/SyslogIdentifier | Service/StandardOutput | Service/StandardError) ;;
		Service/*) fail "unit: $key= changes how the command runs and is not emulated: $line" ;;
		Install/*) ;;
		*) fail "unit: unexpected line in [$section]: $line" ;;
		esac
	done <"$1"
	local e
	for e in "${EXEC[@]}"; do
		[[ $e =~ --config[[:space:]]+([^[:space:]]+) ]] && CONFIG=${BASH_REMATCH[1]}
	done
	[ ${#EXEC[@]} -gt 0 ] || fail "unit: no ExecStart"
}

# prepared command lines: "IGNORE ARGV..." (arguments without quoting)
PREPARED=()
prepare_exec() {
	local e kind line ignore argv
	for e in "${EXEC[@]}"; do
		kind=${e%% *} line=${e#* } ignore=0
		while [[ $line == [-:+!@]* ]]; do
			case ${line:0:1} in
			-) ignore=1 ;;
			@) fail "unit: $kind prefix '@' (argv[0] given apart) not emulated"; return 1 ;;
			esac
			line=${line:1}
		done
		if [[ $line == *[\"\'\\%\$\;]* ]]; then
			fail "unit: $kind uses quoting, specifiers, variables or ';', not emulated: $line"
			return 1
		fi
		read -ra argv <<<"$line"
		[[ ${argv[0]} == /* ]] || fail "unit: $kind's program is not an absolute path: ${argv[0]}"
		if [ "${argv[0]##*/}" = vrdmactl ] && [ "${argv[0]}" != "$vrdmactl" ]; then
			say "$kind: ${argv[0]} -> $vrdmactl (the build's; arguments unchanged)"
			argv[0]=$vrdmactl
		fi
		PREPARED+=("$ignore ${argv[*]}")
		say "$kind: ${argv[*]}"
	done
}

# Start the unit as systemd does a oneshot: the conditions (unmet: the unit
# is skipped, status 0, nothing runs), then each line in order; a failing
# line (not '-') fails the unit with its status.  TimeoutStartSec bounds the
# whole start (systemd then stops it: SIGTERM).  Prints "unit-status N".
start_unit() {
	local c key path neg ignore argv rc deadline left
	for c in "${CONDITIONS[@]}"; do
		key=${c%% *} path=${c#* } neg=
		[[ $path == !* ]] && neg=1 path=${path#!}
		if { [ -e "$path" ] && [ -z "$neg" ]; } || { [ ! -e "$path" ] && [ -n "$neg" ]; }; then
			echo "condition $key=${neg:+!}$path met"
		else
			echo "condition $key=${neg:+!}$path not met: unit skipped"
			echo "unit-status skipped"
			return 0
		fi
	done
	deadline=$((SECONDS + TIMEOUT))
	for c in "${PREPARED[@]}"; do
		read -r ignore argv <<<"$c"
		read -ra argv <<<"$argv"
		left=$((deadline - SECONDS))
		((left > 0)) || left=1
		rc=0
		(cd / && exec env -i PATH="$SYSTEMD_PATH" timeout "$left" "${argv[@]}" </dev/null) || rc=$?
		echo "exit $rc: ${argv[*]}"
		if [ $rc != 0 ] && [ "$ignore" = 0 ]; then
			echo "unit-status $rc"
			return 0
		fi
	done
	echo "unit-status 0"
}

# ---- guest side: observers -----------------------------------------------------

# the sysfs form of an IPv4 address's GID
gid_of() {
	local a b c d
	IFS=. read -r a b c d <<<"$1"
	printf '0000:0000:0000:0000:0000:ffff:%02x%02x:%02x%02x\n' "$a" "$b" "$c" "$d"
}
# the adapters (rdma -j link) paired with netdev $1
adapters_on() { rdma -j link show | jq -r --arg n "$1" '.[] | select(.netdev == $n) | .ifname'; }
# usec since the epoch, no fork
now_us() { local t=${EPOCHREALTIME/./}; echo $((10#$t)); }
ms_since() { echo $((($(now_us) - $1) / 1000)); }
vctl() { env -i PATH="$SYSTEMD_PATH" "$vrdmactl" --config "$CONFIG" "$@"; }

# wait_bound SECONDS: until the uplink's netdev carries ADDR and has an
# adapter with a RoCE v2 GID of it; sets ND, DEV, IDX.  The adapter is rxe
# in every variant, and an untagged vmk on a soft adapter is realised as its
# addresses on the uplink netdev itself (vrdma/apply.h): rxe takes GIDs
# only from its netdev and 802.1Q devices on it.
wait_bound() {
	local end=$((SECONDS + $1)) d
	ND='' DEV='' IDX=''
	while ((SECONDS < end)); do
		ND=$(vm_pci_netdev "$PCI") &&
			for d in $(adapters_on "$ND"); do
				IDX=$(vm_gid_index "$d" "$ADDR") && DEV=$d && break
			done
		[ -n "$DEV" ] && ip -j addr show dev "$ND" 2>/dev/null | grep -q "\"local\":\"$ADDR\"" &&
			return 0
		DEV=
		sleep 0.05
	done
	return 1
}

# wait_gid SECONDS: until some adapter's port 1 has a RoCE v2 GID of ADDR
# (one grep per poll: the timing's end mark, the full checks follow)
wait_gid() {
	local end=$((SECONDS + $1)) f t
	while ((SECONDS < end)); do
		for f in $(grep -lx "$GID" /sys/class/infiniband/*/ports/1/gids/* 2>/dev/null); do
			read -r t <"${f%/gids/*}/gid_attrs/types/${f##*/}" 2>/dev/null && [ "$t" = "RoCE v2" ] && return 0
		done
		sleep 0.02
	done
	return 1
}

# Every observer: the binding is bound.
check_bound() {
	local j n
	if ! wait_bound "${1:-30}"; then
		fail "not bound: netdev of $PCI '${ND:-none}', adapters on it '$(adapters_on "${ND:-none}" | tr '\n' ' ')', its addresses: $(ip -br addr show dev "${ND:-none}" 2>&1)"
		return 1
	fi
	# ip: vmk1's address on vmnic1's netdev only (no macvlan vmk1: rxe
	# would see none of its traffic)
	j=$(ip -j addr show)
	n=$(jq -r --arg a "$ADDR" --argjson p "$PREFIX" \
		'[.[] | select(any(.addr_info[]?; .family == "inet" and .local == $a and .prefixlen == $p)) | .ifname] | join(" ")' <<<"$j")
	[ "$n" = "$ND" ] && ok "ip -j addr: $VMK's $ADDR/$PREFIX on $ND ($UPLINK, PCI $PCI) and no other device" ||
		fail "ip -j addr: $ADDR/$PREFIX on '$n', want $ND ($UPLINK, PCI $PCI)"
	ip link show "$VMK" >/dev/null 2>&1 && fail "a netdev $VMK exists: $(ip -d -br link show "$VMK")"
	# ip rule / route: vmk1's own routing table (a rule from its address,
	# its subnet out of the uplink's netdev in that table)
	local table
	table=$(ip -j rule show | jq -r --arg a "$ADDR" '[.[] | select(.src == $a) | .table][0] // empty')
	if [ -n "$table" ] && ip -j route show table "$table" |
		jq -e --arg n "$ND" 'any(.[]; .dst == "192.0.2.0/24" and .dev == $n)' >/dev/null; then
		ok "ip rule/route: from $ADDR lookup $table, 192.0.2.0/24 dev $ND in it"
	else
		fail "ip rule/route: no rule from $ADDR with 192.0.2.0/24 dev $ND in its table ('$table'): $(ip rule show)"
	fi
	# rdma: one ACTIVE adapter on the uplink
	j=$(rdma -j link show)
	n=$(jq -r --arg n "$ND" '[.[] | select(.netdev == $n) | "\(.ifname)/\(.port) \(.state)"] | join(",")' <<<"$j")
	[ "$n" = "$DEV/1 ACTIVE" ] && ok "rdma -j link: $DEV/1 ACTIVE on $ND" ||
		fail "rdma -j link: on $ND: '$n', want '$DEV/1 ACTIVE'"
	if [ "$variant" = soft ]; then
		[ "$DEV" = "$rdmadev" ] && ok "the soft adapter is $DEV (created by apply)" ||
			fail "adapter on $ND is '$DEV', want the configuration's soft adapter $rdmadev"
	fi
	ok "sysfs: RoCE v2 GID of $ADDR at $DEV port 1 index $IDX ($GID)"
	[ "$roce" = yes ] && check_roce
	# vrdmactl's own view: bound, with the GID index sysfs shows
	j=$(vctl -j rdma device vmknic list) || fail "vrdmactl rdma device vmknic list -j failed: $j"
	n=$(jq -r --arg v "$VMK" --arg a "$ADDR" \
		'[.. | objects | select(.vmknic? == $v)] | .[0] | "\(.state) \(.adapter) \(.uplink_netdev) \([.addresses[] | select(.address == $a) | .gid_index][0])"' <<<"$j")
	[ "$n" = "bound $DEV $ND $IDX" ] && ok "vrdmactl rdma device vmknic list: $VMK bound on $DEV via $ND, GID index $IDX" ||
		fail "vrdmactl rdma device vmknic list: '$n', want 'bound $DEV $ND $IDX': $j"
	vctl rdma device vmknic list | sed 's/^/  /'
}

check_roce() {
	local d=/sys/kernel/config/rdma_cm/$DEV/ports/1 m t
	# an independent look: configfs mounted, the device's group made (a
	# group shows the device's current values)
	modprobe configfs 2>/dev/null
	mountpoint -q /sys/kernel/config || mount -t configfs configfs /sys/kernel/config
	modprobe rdma_cm 2>/dev/null
	mkdir -p "/sys/kernel/config/rdma_cm/$DEV" 2>/dev/null
	m=$(cat "$d/default_roce_mode" 2>&1) t=$(cat "$d/default_roce_tos" 2>&1)
	[ "$m" = "RoCE v2" ] && ok "configfs: $DEV port 1 default_roce_mode '$m'" ||
		fail "configfs: $DEV port 1 default_roce_mode '$m', want 'RoCE v2'"
	[ "$t" = "$ROCE_TOS" ] && ok "configfs: $DEV port 1 default_roce_tos $t" ||
		fail "configfs: $DEV port 1 default_roce_tos '$t', want $ROCE_TOS"
}

# what apply could have changed
kernel_state() { ip -j link show | jq -c '[.[] | .ifname] | sort'; rdma -j link show | jq -c '[.[] | .ifname]'; }

# ---- guest side: the cases -----------------------------------------------------

case_seed() {
	local t0 out st ms_exit ms_bound
	t0=$(now_us)
	out=$(start_unit 2>&1)
	ms_exit=$(ms_since "$t0")
	echo "$out" | sed 's/^/  journal: /'
	st=$(sed -n 's/^unit-status //p' <<<"$out")
	[ "$st" = 0 ] || { fail "the unit failed: status $st"; return; }
	ok "the unit's start succeeded (${ms_exit} ms)"
	if wait_gid 30; then
		ms_bound=$(ms_since "$t0")
		say "TIME boot unit start -> command exited: ${ms_exit} ms; -> bound (RoCE v2 GID of $ADDR in sysfs): ${ms_bound} ms (seed configuration, variant $variant, TCG guest, 20 ms polls)"
	fi
	check_bound 1
	# systemctl restart: a second start changes nothing
	local before
	before=$(kernel_state)
	out=$(start_unit 2>&1)
	st=$(sed -n 's/^unit-status //p' <<<"$out")
	[ "$st" = 0 ] && grep -q "applied 0 change(s)" <<<"$out" && ok "a second start applies nothing" ||
		fail "second start: status $st: $out"
	[ "$before" = "$(kernel_state)" ] || fail "a second start changed links or adapters"
}

unbind_uplink() {
	echo "$PCI" >/sys/bus/pci/drivers/virtio-pci/unbind || { fail "cannot unbind $PCI"; return 1; }
	! vm_pci_netdev "$PCI" >/dev/null && [ -z "$(rdma -j link show | jq -r '.[].ifname')" ] ||
		{ fail "after unbinding $PCI: netdev $(vm_pci_netdev "$PCI"), adapters $(rdma -j link show)"; return 1; }
	ok "$PCI (vmnic1, was ens1f0) has no driver: no netdev, no adapter"
}

# signal_tree SIG PID: PID's descendants (the unit's command lines), children first
signal_tree() {
	local c
	for c in $(ps -o pid= --ppid "$2"); do signal_tree "$1" "$c"; done
	kill -"$1" "$2" 2>/dev/null
}

case_hotplug() {
	local t0 th out st nd='' pid log=/tmp/boot-unit.journal
	unbind_uplink || return
	t0=$(now_us)
	start_unit >"$log" 2>&1 &
	pid=$!
	sleep 2
	if ! kill -0 $pid 2>/dev/null; then
		fail "the unit did not wait for $UPLINK: $(cat "$log")"
		return
	fi
	ip -j addr show | grep -q "\"local\":\"$ADDR\"" && fail "$ADDR applied before its uplink appeared"
	ok "the unit is waiting ($(ms_since "$t0") ms), nothing applied yet"
	# The uplink appears up (brought up by the host's network
	# configuration) and, without a soft adapter in the configuration, with
	# the topology's rxe0, as a hardware RNIC's driver makes both: the
	# unit's processes are stopped meanwhile.  Otherwise apply may see the
	# netdev down (it then makes no policy routes: "made by an apply once it
	# is up") or without its adapter (vmk1 would become a macvlan).
	signal_tree STOP $pid
	th=$(now_us)
	echo "$PCI" >/sys/bus/pci/drivers/virtio-pci/bind || { fail "cannot bind $PCI"; wait $pid; return; }
	for _ in $(seq 100); do nd=$(vm_pci_netdev "$PCI") && break; sleep 0.05; done
	[ -n "$nd" ] || { fail "no netdev after binding $PCI"; wait $pid; return; }
	say "$PCI bound again: netdev $nd after $(ms_since "$th") ms; brought up (the host's network configuration's job)"
	ip link set "$nd" up
	if [ "$variant" = rxe ]; then
		rdma link add rxe0 type rxe netdev "$nd" || fail "rdma link add rxe0 on $nd"
	fi
	signal_tree CONT $pid
	wait $pid
	out=$(cat "$log")
	echo "$out" | sed 's/^/  journal: /'
	st=$(sed -n 's/^unit-status //p' <<<"$out")
	[ "$st" = 0 ] || { fail "the unit failed: status $st"; return; }
	ok "the unit's start succeeded after waiting ($(ms_since "$t0") ms)"
	if wait_gid 30; then
		say "TIME hotplug: uplink's driver bound -> bound: $(ms_since "$th") ms; unit start -> bound: $(ms_since "$t0") ms"
	fi
	check_bound 1
}

case_never() {
	local t0 out st ms before wait_s
	unbind_uplink || return
	wait_s=$(grep -o -- '--wait[ =][0-9]*' <<<"${PREPARED[*]}" | grep -o '[0-9]*$' | head -1)
	[ -n "$wait_s" ] || { fail "the unit's command has no --wait SECONDS"; return; }
	before=$(kernel_state)
	t0=$(now_us)
	out=$(start_unit 2>&1)
	ms=$(ms_since "$t0")
	echo "$out" | sed 's/^/  journal: /'
	st=$(sed -n 's/^unit-status //p' <<<"$out")
	[ "$st" = 4 ] && ok "the unit failed with status 4 after $ms ms" || fail "unit status '$st', want 4"
	grep -qF "uplink '$UPLINK' (switch '$SWITCH') did not appear within $wait_s s" <<<"$out" &&
		ok "its message names $UPLINK and $SWITCH" || fail "no message naming uplink '$UPLINK' (switch '$SWITCH')"
	((ms >= wait_s * 1000)) || fail "it gave up after $ms ms, before --wait $wait_s"
	[ "$before" = "$(kernel_state)" ] && ok "nothing applied (links and adapters unchanged)" ||
		fail "links or adapters changed: $before -> $(kernel_state)"
	ip link show "$VMK" >/dev/null 2>&1 && fail "$VMK exists"
}

# ---- guest side: the benchmark -------------------------------------------------

# median of integers (the mean of the two middle ones when their count is even)
median() {
	local s n
	mapfile -t s < <(printf '%s\n' "$@" | sort -n)
	n=${#s[@]}
	if ((n % 2)); then echo "${s[n / 2]}"; else echo $(((s[n / 2 - 1] + s[n / 2]) / 2)); fi
}
ms_s() { printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)); }

# the RoCE v2 GIDs in sysfs of the scale configuration's addresses (the GIDs
# in $GIDLIST): "GID ADAPTER INDEX" lines, one grep over all port 1 tables
scale_gids() {
	local l f t
	grep -Hx -f "$GIDLIST" /sys/class/infiniband/*/ports/1/gids/* 2>/dev/null |
		while IFS= read -r l; do
			f=${l%%:*}
			read -r t <"${f%/gids/*}/gid_attrs/types/${f##*/}" 2>/dev/null && [ "$t" = "RoCE v2" ] || continue
			t=${f#/sys/class/infiniband/}
			echo "${l#*:} ${t%%/*} ${f##*/}"
		done
}

# wait_scale_gids SECONDS: until every scale address has a RoCE v2 GID
wait_scale_gids() {
	local end=$((SECONDS + $1))
	while ((SECONDS < end)); do
		[ "$(scale_gids | cut -d' ' -f1 | sort -u | wc -l)" = "$BENCH_VMKS" ] && return 0
		sleep 0.02
	done
	return 1
}

# Every observer: each vmkI is bound.  ip: 198.18.I.1/24 on an 802.1Q
# device with VLAN id I directly on vmnic1's netdev (and nothing else on it);
# sysfs: its RoCE v2 GID on the uplink's adapter; vrdmactl: bound on that
# adapter with the GID index sysfs shows.
check_scale_bound() {
	local i want got gids nd dev
	nd=$(vm_pci_netdev "$PCI") || { fail "no netdev for $PCI"; return 1; }
	dev=$(adapters_on "$nd" | head -1)
	want=$(for ((i = 1; i <= BENCH_VMKS; i++)); do echo "$i 198.18.$i.1/24"; done)
	got=$(ip -j -d addr show | jq -r --arg nd "$nd" '.[] | select(.linkinfo.info_kind == "vlan" and .link == $nd) |
		"\(.linkinfo.info_data.id) \([.addr_info[] | select(.family == "inet") | "\(.local)/\(.prefixlen)"] | join(","))"' | sort -n)
	[ "$got" = "$want" ] && ok "ip -j -d addr: $BENCH_VMKS 802.1Q devices on $nd, VLAN I carrying 198.18.I.1/24" ||
		fail "ip -j -d addr: 802.1Q devices on $nd: $(diff <(echo "$want") <(echo "$got") | head -10 | tr '\n' ' ')"
	gids=$(scale_gids)
	got=$(awk '{ print $2 }' <<<"$gids" | sort -u | tr '\n' ' ')
	[ "$got" = "$dev " ] && [ "$(wc -l <<<"$gids")" = "$BENCH_VMKS" ] &&
		ok "sysfs: $BENCH_VMKS RoCE v2 GIDs, all at $dev port 1" ||
		fail "sysfs: RoCE v2 GIDs of the scale addresses on '$got' ($(wc -l <<<"$gids")), want $BENCH_VMKS on $dev"
	want=$(for ((i = 1; i <= BENCH_VMKS; i++)); do
		echo "vmk$i bound $dev $(awk -v g="$(gid_of "198.18.$i.1")" '$1 == g { print $3 }' <<<"$gids")"
	done)
	got=$(vctl -j rdma device vmknic list | jq -r '[.. | objects | select(.vmknic? != null)] | .[] |
		"\(.vmknic) \(.state) \(.adapter) \([.addresses[] | .gid_index][0])"' | sort -V)
	[ "$got" = "$want" ] && ok "vrdmactl rdma device vmknic list -j: vmk1..vmk$BENCH_VMKS bound on $dev, GID indexes as in sysfs" ||
		fail "vrdmactl rdma device vmknic list -j: $(diff <(echo "$want") <(echo "$got") | head -10 | tr '\n' ' ')"
}

# Back to a fresh host: apply an empty configuration (it removes the owned
# links, addresses, rules, routes and soft adapters), check that with ip and
# rdma, and empty the state directory.
bench_reset() {
	local out left d
	out=$(env -i PATH="$SYSTEMD_PATH" "$vrdmactl" --config /tmp/boot-bench-empty.json apply 2>&1) ||
		{ fail "apply of an empty configuration: $out"; return 1; }
	left=$(ip -j -d link show | jq -r '.[] | select(.linkinfo.info_kind == "vlan" or .linkinfo.info_kind == "macvlan") | .ifname' | tr '\n' ' ')
	left+=$(ip -j addr show | jq -r '.[] | .addr_info[]? | select(.family == "inet" and (.local | test("^198[.]18[.]|^192[.]0[.]2[.]"))) | .local' | tr '\n' ' ')
	left+=$(ip -j rule show | jq -r '.[] | select(.src? != null and .src != "all") | "rule from \(.src)"' | tr '\n' ' ')
	[ "$variant" = soft ] && left+=$(rdma -j link show | jq -r '.[].ifname' | tr '\n' ' ')
	[ -z "$left" ] || { fail "left after an empty apply: $left"; return 1; }
	for d in "${MOUNTS[@]}"; do [ "$d" != "$CONFIG" ] && rm -rf "$d"; done
	rm -f "$CONFIG"
}

# bench_run seed|scale CONFIG: one fresh start; sets BENCH_MS (-> bound: the
# end of the first sysfs poll that sees every GID, so it includes up to one
# poll's time), BENCH_EXIT_MS (-> the command exited) and BENCH_POLL_MS (one
# poll's own time: the end mark's resolution)
bench_run() {
	local t0 out st
	install -m 600 "$2" "$CONFIG" || { fail "cannot write $CONFIG"; return 1; }
	t0=$(now_us)
	out=$(start_unit 2>&1)
	BENCH_EXIT_MS=$(ms_since "$t0")
	st=$(sed -n 's/^unit-status //p' <<<"$out")
	[ "$st" = 0 ] || { echo "$out" | sed 's/^/  journal: /'; fail "$1: the unit failed: status $st"; return 1; }
	if [ "$1" = seed ]; then wait_gid 60; else wait_scale_gids 120; fi ||
		{ fail "$1: not bound (no RoCE v2 GIDs) within the wait"; return 1; }
	BENCH_MS=$(ms_since "$t0")
	# the end mark's resolution: one poll's own time
	t0=$(now_us)
	if [ "$1" = seed ]; then wait_gid 1; else wait_scale_gids 1; fi
	BENCH_POLL_MS=$(ms_since "$t0")
	say "sample $1: command exited ${BENCH_EXIT_MS} ms, bound ${BENCH_MS} ms ($(grep -o 'applied [0-9]* change(s)' <<<"$out"); one poll of sysfs ${BENCH_POLL_MS} ms)"
	if [ "$1" = seed ]; then check_bound 1 >/dev/null; else check_scale_bound >/dev/null; fi
	((failures == 0)) || { fail "$1: the observers disagree (run the vm-boot-unit-seed test for details)"; return 1; }
	bench_reset
}

case_bench() {
	local i seed=() scale=() seed_exit=() scale_exit=() seed_poll=() scale_poll=() a b n=$BENCH_VMKS
	GIDLIST=/tmp/boot-bench.gids
	printf '{"schema": "vrdma-config/1", "generation": 1}\n' >/tmp/boot-bench-empty.json
	for ((i = 1; i <= n; i++)); do gid_of "198.18.$i.1"; done >"$GIDLIST"
	rm -f "$CONFIG"
	say "benchmark: $BENCH_RUNS fresh starts each of the seed configuration and of $n vmks, interleaved, in one guest (variant $variant, TCG; bound: every RoCE v2 GID in sysfs, polled every 20 ms)"
	for ((i = 1; i <= BENCH_RUNS; i++)); do
		bench_run seed "$cfg_src" || return
		seed+=("$BENCH_MS") seed_exit+=("$BENCH_EXIT_MS") seed_poll+=("$BENCH_POLL_MS")
		bench_run scale "${cfg_src%/*}/vrdma-scale.json" || return
		scale+=("$BENCH_MS") scale_exit+=("$BENCH_EXIT_MS") scale_poll+=("$BENCH_POLL_MS")
	done
	say "samples (ms, unit start -> bound): seed ${seed[*]}; $n vmks ${scale[*]}"
	say "samples (ms, unit start -> command exited): seed ${seed_exit[*]}; $n vmks ${scale_exit[*]}"
	a=$(median "${seed[@]}") b=$(median "${scale[@]}")
	say "TIME boot unit start -> bound: seed median $(ms_s "$a") s (n=$BENCH_RUNS), $n vmks median $(ms_s "$b") s (n=$BENCH_RUNS), per vmk $((b / n)) ms ($n vmks' median / $n), $(((b - a) / (n > 1 ? n - 1 : 1))) ms per vmk beyond the seed's one"
	say "TIME boot unit start -> command exited: seed median $(ms_s "$(median "${seed_exit[@]}")") s, $n vmks median $(ms_s "$(median "${scale_exit[@]}")") s"
	say "TIME resolution: one sysfs poll (the bound mark's end) takes seed median $(median "${seed_poll[@]}") ms, $n vmks median $(median "${scale_poll[@]}") ms; the first samples include loading rdma_rxe and 8021q"
}

guest_side() {
	local cfg_src=$3 d
	vrdmactl=$1 unit=$2 variant=$4 roce=$5 rdmadev=$6 tcase=$7
	[ "${VRDMA_VM:-}" = 1 ] || die "not in the VM guest; skipped" 77
	GID=$(gid_of "$ADDR")
	PCI=$(basename "$(readlink -f /sys/class/net/ens1f0/device/..)")
	[[ $PCI == 0000:* ]] || die "ens1f0 (vmnic1) is not a PCI NIC here ($PCI)"
	parse_unit "$unit"
	[ -n "$CONFIG" ] || { CONFIG=${CONDITIONS[0]#* }; CONFIG=${CONFIG#!}; }
	[ -n "$CONFIG" ] || die "the unit names no configuration file"
	prepare_exec || die "cannot emulate the unit"
	((failures == 0)) || die "cannot emulate the unit"
	# a fresh host: no state (the read-only host root shows the build
	# host's own), nothing but the configuration file
	for d in "${MOUNTS[@]}"; do
		[ "$d" = "$CONFIG" ] && continue
		if [ -e "$d" ]; then
			say "fresh guest: removing $d (from the host's root: $(ls -A "$d" | tr '\n' ' '))"
			rm -rf "$d"
		fi
	done
	ip link show "$VMK" >/dev/null 2>&1 && die "$VMK exists before the unit ran"
	if [ "$variant" = soft ]; then
		[ -z "$(rdma -j link show | jq -r '.[].ifname')" ] || die "the boot-soft topology made adapters"
	fi
	mkdir -p "${CONFIG%/*}" && install -m 600 "$cfg_src" "$CONFIG" || die "cannot write $CONFIG"
	say "the configuration is at $CONFIG (the only file written); case $tcase, variant $variant, RoCE $roce"
	case_"$tcase"
	say "failures: $failures"
	[ "$failures" = 0 ]
}

if [ "${1:-}" = --guest ]; then
	shift
	[ $# = 7 ] || usage
	guest_side "$@"
else
	[ $# = 4 ] || usage
	build_side "$@"
fi
