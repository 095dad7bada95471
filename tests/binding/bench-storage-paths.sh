#!/bin/sh
# Benchmark (meson test --benchmark, not a timed test): `vrdmactl -j storage
# path list` against `nvme list-subsys -o json` on one generated sysfs tree
# of 64 NVMe over RDMA controllers (32 subsystems, two paths each: one per
# bound vmk of the multipath fixture), in one run, median of ROUNDS runs of
# each (alternating), and the ratio (issue 14).
#
# Both read the same files: vrdmactl through $VRDMA_SYSFS; nvme-cli 2.3 /
# libnvme 1.3 has no sysfs root variable (LIBNVME_SYSFS_PATH came in later
# libnvme releases; 1.3 hard-codes /sys/class/nvme{,-subsystem} and never
# calls getenv), so it runs in a private mount namespace (unshare -m, root)
# where the tree's class/ is bind-mounted over /sys/class.  Without nvme or
# unshare, vrdmactl is timed alone and the reason is printed.
# vrdmactl takes the fixture's host snapshot and configuration (--host,
# --config): its time includes loading them, computing the bindings and
# reading each path's hw_counters, which nvme-cli does not do.
# usage: bench-storage-paths.sh VRDMACTL FIXTURES_DIR [ROUNDS]
set -u
tool=$1
fx=$2
rounds=${3:-21}
n_ctrl=64
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench-storage.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
sys=$tmp/sys

# The tree: class/nvme/nvmeN, class/nvme-subsystem/nvme-subsysS/nvmeN ->
# ../../nvme/nvmeN, and the fixture's adapter counters.
mkdir -p "$sys/class/nvme" "$sys/class/nvme-subsystem" || exit 1
cp -R "$fx/storage-sysfs/class/infiniband" "$sys/class/" || exit 1
hostnqn=$(cat /etc/nvme/hostnqn 2>/dev/null || echo nqn.2014-08.org.nvmexpress:uuid:bench)
i=0
while [ $i -lt $n_ctrl ]; do
	s=$((i / 2))
	nqn=nqn.2014-08.org.example:bench$s
	d=$sys/class/nvme/nvme$i
	sd=$sys/class/nvme-subsystem/nvme-subsys$s
	mkdir -p "$d" "$sd"
	echo rdma >"$d/transport"
	echo live >"$d/state"
	echo "traddr=192.168.50.$((200 + s % 50)),trsvcid=4420,host_traddr=192.168.50.$((11 + i % 2))" >"$d/address"
	echo "$nqn" >"$d/subsysnqn"
	echo "$hostnqn" >"$d/hostnqn"
	echo $((i + 1)) >"$d/cntlid"
	echo "$nqn" >"$sd/subsysnqn"
	echo "Linux" >"$sd/model"
	echo "nvm" >"$sd/subsystype"
	ln -s "../../nvme/nvme$i" "$sd/nvme$i"
	i=$((i + 1))
done

# Count the controllers each JSON lists (so a tool that read nothing is seen).
count_vrdma='import json,sys; print(len([p for p in json.load(sys.stdin) if p["transport"] == "nvme-rdma"]))'
count_nvme='import json,sys; print(sum(len(s.get("Paths", [])) for h in json.load(sys.stdin) for s in h.get("Subsystems", [])))'

# Runs inside the namespace (or alone): time both, print medians and ratio.
cat >"$tmp/run.sh" <<'EOF'
set -u
tool=$1 fx=$2 sys=$3 rounds=$4 with_nvme=$5 tmp=$6
v() { VRDMA_SYSFS=$sys "$tool" --host "$fx/multipath-host.json" --config "$fx/multipath-config.json" -j storage path list; }
ns() { date +%s%N; }
median() { sort -n "$1" | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
v >"$tmp/vrdma.json" || { echo "vrdmactl storage path list failed" >&2; exit 1; }
[ "$with_nvme" = yes ] && { nvme list-subsys -o json >"$tmp/nvme.json" || { echo "nvme list-subsys failed" >&2; exit 1; }; }
: >"$tmp/t.vrdma"; : >"$tmp/t.nvme"
r=0
while [ $r -lt "$rounds" ]; do
	t0=$(ns); v >/dev/null; t1=$(ns); echo $((t1 - t0)) >>"$tmp/t.vrdma"
	if [ "$with_nvme" = yes ]; then
		t0=$(ns); nvme list-subsys -o json >/dev/null; t1=$(ns); echo $((t1 - t0)) >>"$tmp/t.nvme"
	fi
	r=$((r + 1))
done
echo "vrdma_ns=$(median "$tmp/t.vrdma")"
[ "$with_nvme" = yes ] && echo "nvme_ns=$(median "$tmp/t.nvme")"
exit 0
EOF

with_nvme=yes
why=
if ! command -v nvme >/dev/null 2>&1; then
	with_nvme=no why="nvme-cli is not installed"
elif ! unshare -m true 2>/dev/null; then
	with_nvme=no why="no private mount namespace (unshare -m needs root): libnvme 1.3 cannot be pointed at another sysfs tree"
fi
if [ $with_nvme = yes ]; then
	out=$(unshare -m sh -c 'mount --bind "$1/class" /sys/class && shift && sh "$@"' \
		sh "$sys" "$tmp/run.sh" "$tool" "$fx" "$sys" "$rounds" yes "$tmp") || exit 1
else
	out=$(sh "$tmp/run.sh" "$tool" "$fx" "$sys" "$rounds" no "$tmp") || exit 1
fi
eval "$out"

nv=$(python3 -c "$count_vrdma" <"$tmp/vrdma.json") || exit 1
echo "tree: $n_ctrl NVMe/RDMA controllers in $((n_ctrl / 2)) subsystems; $rounds runs each, median wall time per command"
printf 'vrdmactl -j storage path list : %8.2f ms  (%s controllers listed)\n' \
	"$(echo "$vrdma_ns" | awk '{ print $1 / 1e6 }')" "$nv"
[ "$nv" -eq $n_ctrl ] || { echo "vrdmactl listed $nv controllers, want $n_ctrl" >&2; exit 1; }
if [ $with_nvme = no ]; then
	echo "nvme list-subsys -o json       : not run: $why; compare on the VM (tests/vm) with real controllers"
	exit 0
fi
nn=$(python3 -c "$count_nvme" <"$tmp/nvme.json") || exit 1
printf 'nvme list-subsys -o json       : %8.2f ms  (%s paths listed)\n' \
	"$(echo "$nvme_ns" | awk '{ print $1 / 1e6 }')" "$nn"
[ "$nn" -eq $n_ctrl ] || { echo "nvme list-subsys listed $nn paths, want $n_ctrl" >&2; exit 1; }
echo "ratio vrdmactl / nvme-cli: $(awk -v a="$vrdma_ns" -v b="$nvme_ns" 'BEGIN { printf "%.2f", a / b }')"
