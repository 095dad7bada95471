#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Benchmark (not a timed test): inside the Soft-RoCE guest with 32 rxe
# adapters, the wall time of what libvrdma users run for the adapter list
# and the GID tables, one discovery:
#     vrdmactl -j rdma device list --gids
# (and, reported too, the two-command form
#     vrdmactl -j rdma device list  +  vrdmactl -j rdma device gid list)
# against what users run today for the same facts,
#     ibv_devinfo -v  +  rdma -j link show
# alternating the two, ROUNDS times, in one guest.  Prints the medians and
# the ratio (target: <= 0.5).
# usage: tests/host/bench-discovery.sh [VRDMACTL [ROUNDS [N]]]
#        (from the build directory; boots the guest itself)
set -eu
vrdmactl=${1:-examples/vrdmactl/vrdmactl}
rounds=${2:-15}
n=${3:-32}
here=$(cd "${BASH_SOURCE[0]%/*}" && pwd -P)
if [ -z "${VRDMA_VM-}" ]; then
	exec "$here/../vm/run" --topology scale --scale "$n" --timeout 590 -- \
		"$here/bench-discovery.sh" "$(realpath "$vrdmactl")" "$rounds" "$n"
fi
export VRDMA_STATE_DIR=$(mktemp -d)
export VRDMA_UPLINKS=$(awk '$1 == "nic" && $2 !~ /-sw$/ { printf "%s ", $2 }' "$VRDMA_VM_MANIFEST")
have=$(rdma -j link show | grep -o '"ifname"' | wc -l)
echo "adapters: $have (asked for $n)"
now_us() { local t=${EPOCHREALTIME/./}; echo "$t"; }
ours() {
	"$vrdmactl" -j rdma device list --gids >/dev/null
}
ours2() {
	"$vrdmactl" -j rdma device list >/dev/null
	"$vrdmactl" -j rdma device gid list >/dev/null
}
theirs() {
	ibv_devinfo -v >/dev/null
	rdma -j link show >/dev/null
}
# sanity + warm-up (also records the aliases once)
ours
theirs
a=() b=() c=()
for i in $(seq "$rounds"); do
	t0=$(now_us); ours; t1=$(now_us); theirs; t2=$(now_us); ours2; t3=$(now_us)
	a+=($((t1 - t0))) b+=($((t2 - t1))) c+=($((t3 - t2)))
done
median() { printf '%s\n' "$@" | sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
ma=$(median "${a[@]}")
mb=$(median "${b[@]}")
mc=$(median "${c[@]}")
echo "vrdmactl -j rdma device list --gids          : median ${ma} us over $rounds rounds"
echo "vrdmactl -j rdma device list + gid list (2x) : median ${mc} us"
echo "ibv_devinfo -v + rdma -j link show           : median ${mb} us"
awk -v a="$ma" -v b="$mb" -v c="$mc" 'BEGIN {
	printf "ratio: %.3f (target <= 0.5); two-command form: %.3f\n", a / b, c / b }'
