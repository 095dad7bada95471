# shellcheck shell=bash
# Sourced by storage.sh (scenario nvme-path-fail), in guest I, after both
# controllers (vmk1 192.0.2.11 -> ens1f0, vmk2 192.0.2.12 -> ens1f1) are
# connected and each path's traffic checked.  Two failures of vmk1's path:
#   step 1, uplink down:      ip link set ens1f0 down
#   step 2, address removed:  ip addr del 192.0.2.11/24 dev ens1f0, then
#                             ens1f0 up again
# Each time:
#   * the kernel sees it: vmk1's controller leaves state 'live';
#   * `vrdmactl rdma device binding check -j` exits 3 with a finding that
#     names vmk1 and the reason (step 1: uplink-down or port-down, step 2:
#     vmk-address-missing), and a storage finding (storage-binding-degraded
#     or -unbound) that names vmk1's controller;
#   * `vrdmactl storage path list -j` shows vmk1's controller, on vmk1, with
#     the reason or a state that is not live, and vmk2's controller live
#     (checked only once the command exists: `storage path list --help`);
#   * vmk2's controller keeps serving reads: a direct dd read of its
#     namespace, its bytes through I's ens1f1 and T's ens1f0 alone.

# fail_ctrl VMK_ADDRESS: the controller of CTRLS from that source address
ctrl_from() {
	local c
	for c in "${CTRLS[@]}"; do
		[ "$(ctrl_field "$c" host_traddr)" = "$1" ] && { echo "$c"; return 0; }
	done
	return 1
}

bc_up() { ! bc_has VRDMA-B030 VRDMA-B031; }
not_live() { [ "$(cat "/sys/class/nvme/$1/state" 2>/dev/null)" != live ]; }

# check_findings STEP CTRL CODES...: binding check names vmk1 with one of
# CODES (an error) and a storage finding names CTRL
BC_OUT=
bc_has() { # CODES...: a finding with one of CODES that names vmk1
	local codes
	codes=$(printf '"%s",' "$@")
	BC_OUT=$("$vrdmactl" rdma device binding check -j 2>&1)
	jq -e --argjson codes "[${codes%,}]" '.findings[] | select(.code as $c | $codes | index($c)) |
		select(any(.objects[]; .name == "vmk1"))' <<<"$BC_OUT" >/dev/null 2>&1
}
check_findings() {
	local step=$1 c=$2 rc
	shift 2
	if wait_cond 20 bc_has "$@"; then
		ok "$step: binding check names vmk1: $(jq -c --argjson codes "$(printf '"%s",' "$@" | sed 's/,$//; s/^/[/; s/$/]/')" \
			'[.findings[] | select(.code as $c | $codes | index($c)) | {code, name, message}]' <<<"$BC_OUT")"
	else
		fail "$step: binding check names vmk1 with none of $*: $BC_OUT"
	fi
	"$vrdmactl" rdma device binding check >/dev/null 2>&1
	rc=$?
	[ $rc -eq 3 ] || fail "$step: binding check exit $rc, want 3 (problems found)"
	if jq -e --arg c "$c" '.findings[] | select(.code == "VRDMA-B081" or .code == "VRDMA-B082") |
		select(any(.objects[]; .name == $c) or (.message | test("\\b" + $c + "\\b")))' <<<"$BC_OUT" >/dev/null 2>&1; then
		ok "$step: binding check names the storage session $c: $(jq -c --arg c "$c" '[.findings[] |
			select(.code == "VRDMA-B081" or .code == "VRDMA-B082") | .message]' <<<"$BC_OUT")"
	else
		fail "$step: binding check has no storage-binding-degraded/-unbound finding naming $c: $(jq -c '[.findings[] | {code, message, objects}]' <<<"$BC_OUT" 2>/dev/null || echo "$BC_OUT")"
	fi
}

# check_path_list STEP CTRL REASON_REGEX OTHER: storage path list names CTRL on
# vmk1 with the reason (or a state that is not live), OTHER live on vmk2
check_path_list() {
	local step=$1 c=$2 why=$3 other=$4 out row orow
	if ! "$vrdmactl" storage path list --help >/dev/null 2>&1; then
		say "$step: SKIPPED CHECK: 'vrdmactl storage path list' does not exist yet (--help fails)"
		return
	fi
	out=$("$vrdmactl" storage path list -j 2>&1) || fail "$step: storage path list -j: exit $?: $out"
	say "$step: storage path list -j: $(jq -c . <<<"$out" 2>/dev/null || echo "$out")"
	row=$(jq -c --arg c "$c" '.[] | select(.name == $c)' <<<"$out" 2>/dev/null)
	orow=$(jq -c --arg c "$other" '.[] | select(.name == $c)' <<<"$out" 2>/dev/null)
	if [ -z "$row" ]; then
		fail "$step: storage path list does not list $c"
	elif ! jq -e '.vmknic == "vmk1" and .source_address == "192.0.2.11" and .live == false and
		.binding != "bound" and (.findings | index("VRDMA-B081") or index("VRDMA-B082"))' <<<"$row" >/dev/null; then
		fail "$step: storage path list does not show $c on vmk1, not live, its binding not bound, with finding B081/B082: $row"
	elif ! grep -Eqi "$why" <<<"$row"; then
		fail "$step: storage path list shows $c without why it failed (/$why/): $row"
	else
		ok "$step: storage path list names $c on vmk1 and why: $(jq -c '{name, state, vmknic, binding, uplink, findings}' <<<"$row")"
	fi
	if jq -e '.vmknic == "vmk2" and .live == true and .binding == "bound"' <<<"$orow" >/dev/null 2>&1; then
		ok "$step: storage path list shows $other live on vmk2, bound"
	else
		fail "$step: storage path list does not show $other live on vmk2, bound: ${orow:-none}"
	fi
}

# the other path keeps reading
other_reads() {
	local step=$1 c=$2 dev UP=ens1f1 TN=ens1f0
	dev=$(ns_of "$c") || { fail "$step: $c has no namespace block device"; return; }
	[ "$(cat "/sys/class/nvme/$c/state")" = live ] || fail "$step: $c is $(cat "/sys/class/nvme/$c/state"), not live"
	io_check "$step: $c (vmk2, $dev)" read if="$dev" of=/dev/null iflag=direct
}

path_fail() {
	local c1 c2 step
	c1=$(ctrl_from 192.0.2.11) && c2=$(ctrl_from 192.0.2.12) ||
		{ fail "path-fail: no controllers from both 192.0.2.11 and 192.0.2.12 (${CTRLS[*]})"; return; }
	"$vrdmactl" rdma device binding check >/dev/null 2>&1 ||
		say "before the failures, binding check: $("$vrdmactl" rdma device binding check 2>&1)"

	step="step 1 (vmk1's uplink ens1f0 down)"
	ip link set ens1f0 down || { fail "$step: ip link set ens1f0 down"; return; }
	mark "$step"
	wait_cond 60 not_live "$c1" && ok "$step: $c1 (vmk1) is $(cat "/sys/class/nvme/$c1/state")" ||
		fail "$step: $c1 (vmk1) stayed live for 60 s with its uplink down"
	check_findings "$step" "$c1" VRDMA-B030 VRDMA-B031 VRDMA-B032
	check_path_list "$step" "$c1" 'unbound|degraded|resetting|connecting' "$c2"
	other_reads "$step" "$c2"

	step="step 2 (vmk1's address 192.0.2.11 removed, ens1f0 up)"
	ip addr del 192.0.2.11/24 dev ens1f0 && ip link set ens1f0 up || { fail "$step: ip addr del / link up"; return; }
	mark "$step"
	check_findings "$step" "$c1" VRDMA-B013 VRDMA-B010 VRDMA-B041
	wait_cond 20 bc_up || fail "$step: binding check still says vmk1's uplink is down: $BC_OUT"
	check_path_list "$step" "$c1" 'unbound|degraded' "$c2"
	other_reads "$step" "$c2"
	mark "path failures checked"
}
