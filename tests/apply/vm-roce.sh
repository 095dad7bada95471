#!/bin/bash
# RoCE settings per adapter port (issue 15), vm suite: runs INSIDE the
# Soft-RoCE guest (tests/vm/run, topology default) as root.
#
#   vm-roce.sh VRDMACTL
#
# Sets rxe0 port 1 to RoCE v2 and ToS 106 in the configuration, applies it
# (which mounts configfs and loads rdma_cm when needed), and checks:
# dry-run shows the steps and writes nothing; the values are in rdma_cm's
# configfs; --check is clean; a change by hand is drift (exit 3) that apply
# restores; a re-apply is a no-op; ToS 256, RoCE v1 (Soft-RoCE does RoCE v2
# only: the port has no RoCE v1 GID, and rdma_cm itself refuses it), a port
# the adapter lacks and an unknown adapter are refused with the object named
# and nothing changed; an injected failure (test hooks) rolls the first step
# back.
#
# Observer: rdma_cm's configfs read with cat (mkdir of the device's
# directory when absent, rmdir after), lsmod.  Never libvrdma itself.
set -u
vrdmactl=$(realpath "$1")
[ "${VRDMA_VM:-}" = 1 ] || { echo "not in the VM guest; skipped"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export VRDMA_STATE_DIR=$tmp/state VRDMA_CONFIG=$tmp/vrdma.json
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
ok() { echo "ok: $*"; }
cm=/sys/kernel/config/rdma_cm

# live FILE: rdma_cm's value for rxe0 port 1 (default_roce_mode / _tos)
live() {
	local made= v
	[ -d $cm ] || { echo "(rdma_cm not loaded)"; return; }
	if [ ! -d $cm/rxe0 ]; then mkdir $cm/rxe0 || return; made=1; fi
	v=$(cat $cm/rxe0/ports/1/"$1")
	[ -n "$made" ] && rmdir $cm/rxe0
	true
	echo "$v"
}
# poke FILE VALUE: change rdma_cm's value by hand
poke() {
	local made=
	[ -d $cm/rxe0 ] || { mkdir $cm/rxe0; made=1; }
	echo "$2" 2>/dev/null > $cm/rxe0/ports/1/"$1"
	local rc=$?
	[ -n "$made" ] && rmdir $cm/rxe0
	return $rc
}
expect_live() {
	local m t
	m=$(live default_roce_mode) t=$(live default_roce_tos)
	if [ "$m" = "$1" ] && [ "$t" = "$2" ]; then ok "$3: rdma_cm has '$m' / ToS $t"
	else fail "$3: rdma_cm has '$m' / ToS '$t', wanted '$1' / $2"; fi
}

[ -d /sys/class/infiniband/rxe0 ] || { echo "no rxe0 in this guest"; exit 1; }
echo "before: rdma_cm $(lsmod | grep -c '^rdma_cm ') loaded; configfs dir: $(ls -d $cm 2>&1)"

# ---- the configuration --------------------------------------------------------
"$vrdmactl" rdma device roce set -d rxe0 -p 1 --mode v2 --tos 106 ||
	fail "roce set"
sum=$(md5sum < "$VRDMA_CONFIG")
out=$("$vrdmactl" rdma device roce set -d rxe0 --tos 256 2>&1)
rc=$?
if [ $rc != 0 ] && [[ $out == *"adapter 'rxe0' port 1: ToS 256 is out of range 0-255"* ]] &&
   [ "$(md5sum < "$VRDMA_CONFIG")" = "$sum" ]; then ok "ToS 256 refused, file unchanged: $out"
else fail "ToS 256: rc $rc, '$out', file changed: $([ "$(md5sum < "$VRDMA_CONFIG")" = "$sum" ] || echo yes)"; fi
cat "$VRDMA_CONFIG"

# ---- dry run: the steps, nothing written --------------------------------------
before_m=$(live default_roce_mode) before_t=$(live default_roce_tos)
loaded_before=$(lsmod | grep -c '^rdma_cm ')
dry=$("$vrdmactl" apply --dry-run 2>&1)
echo "$dry"
# rdma_cm's default mode is RoCE v2 already: only the ToS differs
if [[ $dry == *"1. modify roce rxe0 port 1 tos: 0 -> 106"* ]] && [[ $dry != *"mode:"* ]]; then
	ok "dry-run shows the ToS step"
else fail "dry-run lacks the RoCE step"; fi
[ "$(lsmod | grep -c '^rdma_cm ')" = "$loaded_before" ] && ok "dry-run loaded nothing" ||
	fail "dry-run changed whether rdma_cm is loaded"
[ "$(live default_roce_mode)" = "$before_m" ] && [ "$(live default_roce_tos)" = "$before_t" ] &&
	ok "dry-run wrote nothing" || fail "dry-run changed rdma_cm's values"

# ---- apply, check, drift, restore ---------------------------------------------
t0=$(date +%s%N)
"$vrdmactl" apply || fail "apply"
t1=$(date +%s%N)
echo "apply took $(( (t1 - t0) / 1000000 )) ms"
lsmod | grep -q '^rdma_cm ' && ok "rdma_cm loaded" || fail "rdma_cm not loaded after apply"
expect_live "RoCE v2" 106 "after apply"
[ -d $cm/rxe0 ] && fail "apply left $cm/rxe0 behind" || ok "apply removed the configfs handle it made"
"$vrdmactl" apply --check >/dev/null; rc=$?
[ $rc = 0 ] && ok "--check: in sync" || fail "--check after apply: exit $rc"
again=$("$vrdmactl" apply --dry-run 2>&1)
[[ $again == *"no changes"* ]] && ok "re-plan: no changes" || fail "re-plan not empty: $again"
"$vrdmactl" rdma device show rxe0 | grep -E "RoCE (Mode|ToS)"
"$vrdmactl" rdma device show rxe0 | grep -q "RoCE Mode: v2 (live: RoCE v2)" &&
	ok "rdma device show: configured and live mode" || fail "rdma device show lacks the RoCE mode"
"$vrdmactl" rdma device roce list

poke default_roce_tos 0 || fail "poke ToS 0"
expect_live "RoCE v2" 0 "changed by hand"
out=$("$vrdmactl" apply --check 2>&1); rc=$?
echo "$out"
[ $rc = 3 ] && [[ $out == *"modify roce rxe0 port 1 tos: 0 -> 106"* ]] &&
	ok "--check: drift, exit 3" || fail "--check after the change: exit $rc"
"$vrdmactl" apply || fail "apply after drift"
expect_live "RoCE v2" 106 "apply restored"
"$vrdmactl" apply --check >/dev/null && ok "--check clean again" || fail "--check after restore"

# ---- rollback (test hooks): the second step fails, the first is undone ---------
"$vrdmactl" rdma device roce set -d rxe0 --tos 46 || fail "roce set 46"
"$vrdmactl" rdma device roce set -d rxe1 --tos 8 || fail "roce set rxe1 8"
out=$(VRDMA_TEST_APPLY_FAIL_STEP=2 "$vrdmactl" apply 2>&1); rc=$?
echo "$out"
if [ $rc != 0 ] && [[ $out == *"rolled back 1 completed step"* ]]; then
	expect_live "RoCE v2" 106 "after the rollback"
else
	echo "no fault hooks in this build (rc $rc): rollback not tested"
fi
"$vrdmactl" apply || fail "apply 46"
expect_live "RoCE v2" 46 "apply 46"
"$vrdmactl" rdma device roce clear -d rxe1 || fail "roce clear rxe1"

# RoCE v1: Soft-RoCE has no RoCE v1 GID; refused at plan time, nothing changed
"$vrdmactl" rdma device roce set -d rxe0 --mode v1 --tos 12 || fail "roce set v1"
out=$("$vrdmactl" apply 2>&1); rc=$?
[ $rc != 0 ] && [[ $out == *"adapter 'rxe0' port 1: mode v1: the port has no RoCE v1 GID"* ]] &&
	ok "RoCE v1 refused: $out" || fail "v1: rc $rc: $out"
expect_live "RoCE v2" 46 "after the refused v1"
poke default_roce_mode "IB/RoCE v1" && fail "rdma_cm took IB/RoCE v1 on rxe0" ||
	ok "rdma_cm itself refuses IB/RoCE v1 on rxe0 (independent)"
"$vrdmactl" rdma device roce set -d rxe0 --mode v2 --tos 46 || fail "roce set back"


# ---- bad input at plan time: nothing changed -----------------------------------
"$vrdmactl" rdma device roce set -d rxe0 -p 2 --tos 8 || fail "roce set port 2"
out=$("$vrdmactl" apply 2>&1); rc=$?
[ $rc != 0 ] && [[ $out == *"adapter 'rxe0' port 2: the adapter has no port 2"* ]] &&
	ok "a port the adapter lacks: refused ($out)" || fail "port 2: rc $rc: $out"
expect_live "RoCE v2" 46 "after the refused plan"
"$vrdmactl" rdma device roce clear -d rxe0 -p 2 || fail "roce clear port 2"
"$vrdmactl" rdma device roce set -d nosuchdev --mode v2 || fail "roce set nosuchdev"
out=$("$vrdmactl" apply 2>&1); rc=$?
[ $rc != 0 ] && [[ $out == *"adapter 'nosuchdev' port 1: no such RDMA adapter"* ]] &&
	ok "an unknown adapter: refused" || fail "nosuchdev: rc $rc: $out"
"$vrdmactl" rdma device roce clear -d nosuchdev || fail "roce clear nosuchdev"

# ---- by alias; clear leaves rdma_cm as it is ------------------------------------
"$vrdmactl" rdma device roce clear -d rxe0 || fail "roce clear"
"$vrdmactl" rdma device roce set -d vmrdma0 --tos 106 || fail "roce set by alias"
"$vrdmactl" apply || fail "apply by alias"
expect_live "RoCE v2" 106 "set by alias"
"$vrdmactl" rdma device roce clear -d vmrdma0 || fail "roce clear alias"
"$vrdmactl" apply --check >/dev/null && ok "cleared: no drift" || fail "cleared: drift"
expect_live "RoCE v2" 106 "cleared (left as it was)"

echo "failures: $failures"
[ "$failures" = 0 ]
