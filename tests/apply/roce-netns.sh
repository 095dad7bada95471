#!/bin/bash
# RoCE settings per adapter port (issue 15) without RDMA: the plan, dry run,
# execution, drift check and rollback of the rdma_cm configfs steps against
# a plain directory tree standing in for /sys/kernel/config/rdma_cm
# (VRDMA_TEST_RDMA_CM_DIR, a fault hook: -Dtest_hooks=true), with the
# adapters of a host snapshot (tests/binding/fixtures/rxe-host.json: rxe0 and
# rxe1, RoCE v2 GIDs only), in a fresh network namespace.  The real configfs
# is tested in the vm suite (vm-roce.sh).  Observer: cat on the tree.
#
#   roce-netns.sh VRDMACTL FIXTURES_DIR
set -u
vrdmactl=$(realpath "$1")
host=$(realpath "$2")/rxe-host.json
if [ "$(id -u)" != 0 ] || ! command -v unshare >/dev/null; then
	echo "needs root and unshare; skipped"; exit 77
fi
if [ -z "${VRDMA_IN_NETNS:-}" ]; then
	VRDMA_IN_NETNS=1 exec unshare -n "$0" "$@"
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export VRDMA_STATE_DIR=$tmp/state VRDMA_CONFIG=$tmp/vrdma.json VRDMA_TEST_RDMA_CM_DIR=$tmp/cm
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
ok() { echo "ok: $*"; }
v() { "$vrdmactl" --host "$host" "$@"; }
for d in rxe0 rxe1; do
	mkdir -p "$tmp/cm/$d/ports/1"
	echo "RoCE v2" > "$tmp/cm/$d/ports/1/default_roce_mode"
	echo 0 > "$tmp/cm/$d/ports/1/default_roce_tos"
done
# (a stand-in that takes any value: a mode step to write)
echo "IB/RoCE v1" > "$tmp/cm/rxe0/ports/1/default_roce_mode"
val() { cat "$tmp/cm/$1/ports/1/default_roce_$2"; }

v rdma device roce set -d vmrdma0 --mode v2 --tos 106 || fail "roce set"
dry=$(v apply --dry-run 2>&1)
echo "$dry"
[[ $dry == *"1. modify roce rxe0 port 1 mode: IB/RoCE v1 -> RoCE v2"* ]] &&
	[[ $dry == *"2. modify roce rxe0 port 1 tos: 0 -> 106"* ]] &&
	ok "dry-run: mode and ToS steps" || fail "dry-run: $dry"
[ "$(val rxe0 tos)" = 0 ] && ok "dry-run wrote nothing" || fail "dry-run wrote $(val rxe0 tos)"
json=$(v -j apply --dry-run)
[[ $json == *'"object": "roce"'* ]] && [[ $json == *'"attribute": "roce_tos"'* ]] &&
	ok "JSON step: object roce, attribute roce_tos" || fail "JSON: $json"

v apply || fail "apply"
[ "$(val rxe0 tos)" = 106 ] && [ "$(val rxe0 mode)" = "RoCE v2" ] && ok "applied: RoCE v2, ToS 106" ||
	fail "applied: $(val rxe0 mode) ToS $(val rxe0 tos)"
v apply --check >/dev/null && ok "--check clean" || fail "--check after apply"
echo 5 > "$tmp/cm/rxe0/ports/1/default_roce_tos"
out=$(v apply --check 2>&1); rc=$?
[ $rc = 3 ] && [[ $out == *"tos: 5 -> 106"* ]] && ok "drift: exit 3" || fail "drift: rc $rc: $out"
v apply && [ "$(val rxe0 tos)" = 106 ] && ok "apply restored ToS 106" || fail "restore"

# a mode the port has no GID of: refused at plan time, nothing written
v rdma device roce set -d rxe0 --mode v1 || fail "roce set v1"
out=$(v apply 2>&1); rc=$?
[ $rc = 1 ] && [[ $out == *"RoCE setting for adapter 'rxe0' port 1: mode v1: the port has no RoCE v1 GID"* ]] &&
	ok "mode v1 refused: $out" || fail "mode v1: rc $rc: $out"
[ "$(val rxe0 mode)" = "RoCE v2" ] && ok "mode unchanged" || fail "mode now $(val rxe0 mode)"
v rdma device roce clear -d rxe0 || fail "clear rxe0"

# name and alias of one port
v rdma device roce set -d rxe0 --tos 1 || fail "roce set rxe0"
out=$(v apply --dry-run 2>&1); rc=$?
[ $rc = 1 ] && [[ $out == *"another setting names the same port"* ]] &&
	ok "name + alias refused" || fail "name + alias: rc $rc: $out"
v rdma device roce clear -d rxe0 || fail "clear rxe0"

# ToS 256: refused by the model, file unchanged
sum=$(md5sum < "$VRDMA_CONFIG")
out=$(v rdma device roce set -d rxe1 --tos 256 2>&1); rc=$?
[ $rc = 1 ] && [[ $out == *"adapter 'rxe1' port 1: ToS 256 is out of range 0-255"* ]] &&
	[ "$(md5sum < "$VRDMA_CONFIG")" = "$sum" ] && ok "ToS 256 refused" || fail "ToS 256: $rc $out"

# rollback: the second step fails, the first is written back
v rdma device roce set -d vmrdma0 --tos 46 || fail "set 46"
v rdma device roce set -d rxe1 --tos 8 || fail "set rxe1 8"
out=$(VRDMA_TEST_APPLY_FAIL_STEP=2 v apply 2>&1); rc=$?
[ $rc = 1 ] && [[ $out == *"rolled back 1 completed step"* ]] &&
	ok "injected failure at step 2: rolled back" || fail "rollback: rc $rc: $out"
[ "$(val rxe0 tos)" = 106 ] && [ "$(val rxe1 tos)" = 0 ] && ok "rollback restored ToS 106 / 0" ||
	fail "after rollback: $(val rxe0 tos) / $(val rxe1 tos)"
v apply && [ "$(val rxe0 tos)" = 46 ] && [ "$(val rxe1 tos)" = 8 ] &&
	ok "apply: 46 / 8" || fail "apply 46/8: $(val rxe0 tos) / $(val rxe1 tos)"
v rdma device show rxe1 | grep -q "RoCE ToS: 8" && ok "rdma device show: configured ToS" ||
	fail "rdma device show lacks the ToS"

# an adapter the host lacks
v rdma device roce set -d mlx5_9 --tos 3 || fail "set mlx5_9"
out=$(v apply --dry-run 2>&1); rc=$?
[ $rc = 1 ] && [[ $out == *"RoCE setting for adapter 'mlx5_9' port 1: no such RDMA adapter"* ]] &&
	ok "unknown adapter refused" || fail "mlx5_9: rc $rc: $out"

echo "failures: $failures"
[ "$failures" = 0 ]
