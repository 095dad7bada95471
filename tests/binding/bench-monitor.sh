#!/bin/bash
# Benchmark (meson test --benchmark, not a timed test): event latency of
# `vrdmactl monitor -j` against `ip monitor link`, side by side in a fresh
# network namespace (root; veths stand for uplinks through
# VRDMA_UPLINKS='eth*').  N veths are created and deleted one at a time; each
# tool's stdout is read line by line by a reader that stamps each line with
# bash's $EPOCHREALTIME (the same reader for both, no fork per line).  The
# latency of an event is its line's stamp minus the time `ip link add` (or
# `ip link del`) returned: it can be negative, since the kernel multicasts
# the notification before it answers the request (a veth's deletion answers
# only after an RCU grace period), so the latency from the command's start
# is printed too.  Printed: per tool, the median latency of attach and
# detach events from both references, and the ratio vrdmactl/ip.
# usage: bench-monitor.sh VRDMACTL [N]
set -u
vrdmactl=$(realpath "$1")
n=${2:-20}
[ "$(id -u)" = 0 ] || { echo "needs root; skipped"; exit 77; }
command -v unshare >/dev/null || { echo "no unshare; skipped"; exit 77; }
if [ -z "${VRDMA_IN_NETNS:-}" ]; then
	VRDMA_IN_NETNS=1 exec unshare -n -m "$0" "$@"
fi
mount --make-rprivate / && mount -t sysfs sysfs /sys || exit 1
tmp=$(mktemp -d) || exit 1
vpid= ipid=
trap 'kill $vpid $ipid 2>/dev/null; rm -rf "$tmp"' EXIT
export VRDMA_STATE_DIR=$tmp/state VRDMA_CONFIG=$tmp/vrdma.json VRDMA_UPLINKS='eth*'
ip link set lo up

stamp() { local l; while IFS= read -r l; do printf '%s %s\n' "$EPOCHREALTIME" "$l"; done; }

"$vrdmactl" monitor -j --timeout 300 > >(stamp > "$tmp/vrdma") 2> "$tmp/err" &
vpid=$!
ip monitor link > >(stamp > "$tmp/ip") &
ipid=$!
for _ in $(seq 100); do grep -q "monitor: watching" "$tmp/err" && break; sleep 0.05; done
grep -q "monitor: watching" "$tmp/err" || { echo "vrdmactl monitor did not start: $(cat "$tmp/err")"; exit 1; }
sleep 0.5

# the operations: "add|del NAME TIME-IT-RETURNED TIME-IT-STARTED"
: > "$tmp/ops"
for i in $(seq "$n"); do
	t=$EPOCHREALTIME
	ip link add "eth$i" type veth peer name "peer$i" || exit 1
	echo "add eth$i $EPOCHREALTIME $t" >> "$tmp/ops"
	sleep 0.2
	t=$EPOCHREALTIME
	ip link del "eth$i" || exit 1
	echo "del eth$i $EPOCHREALTIME $t" >> "$tmp/ops"
	sleep 0.2
done
sleep 1
kill $vpid $ipid 2>/dev/null; wait $vpid $ipid 2>/dev/null; vpid= ipid=
sleep 0.2

# first stamped line of FILE matching the ERE, its stamp
first() { grep -E -m1 -- "$2" "$1" | cut -d' ' -f1; }
missing=0
: > "$tmp/lat"
while read -r op name t ts; do
	if [ "$op" = add ]; then
		tv=$(first "$tmp/vrdma" "\"type\":\"netdev-attached\".*\"netdev\":\"$name\"")
		ti=$(first "$tmp/ip" "^[^ ]+ [0-9]+: $name@")
	else
		tv=$(first "$tmp/vrdma" "\"type\":\"netdev-detached\".*\"netdev\":\"$name\"")
		ti=$(first "$tmp/ip" "^[^ ]+ Deleted [0-9]+: $name@")
	fi
	[ -n "$tv" ] && [ -n "$ti" ] || { echo "$op $name: no event (vrdmactl '${tv}', ip '${ti}')"; missing=$((missing + 1)); continue; }
	awk -v op="$op" -v t="$t" -v s="$ts" -v a="$tv" -v b="$ti" 'BEGIN {
		printf "%s %.3f %.3f %.3f %.3f\n", op, (a - t) * 1000, (b - t) * 1000, (a - s) * 1000, (b - s) * 1000 }' >> "$tmp/lat"
done < "$tmp/ops"

med() { sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print "nan"; else if (NR % 2) printf "%.3f", v[(NR + 1) / 2]; else printf "%.3f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
echo "monitor-vs-ip-monitor: $n veths created and deleted (ms)"
for ref in returned started; do
	fv=2 fi=3; [ "$ref" = started ] && fv=4 fi=5
	echo "latency = event line time - time the ip command $ref:"
	for op in add del all; do
		sel=$op; [ "$op" = all ] && sel='add|del'
		mv=$(grep -E "^($sel) " "$tmp/lat" | cut -d' ' -f$fv | med)
		mi=$(grep -E "^($sel) " "$tmp/lat" | cut -d' ' -f$fi | med)
		cnt=$(grep -cE "^($sel) " "$tmp/lat")
		ratio=$(awk -v a="$mv" -v b="$mi" 'BEGIN { if (a == "nan" || b == "nan" || b <= 0 || a < 0) print "n/a (sign)"; else printf "%.2f", a / b }')
		printf '  %-4s events %3d  median vrdmactl %8s  ip monitor %8s  ratio vrdmactl/ip %s\n' "$op" "$cnt" "$mv" "$mi" "$ratio"
	done
done
d=$(awk '{ s += $2 - $3 } END { if (NR) printf "%.3f", s / NR }' "$tmp/lat")
echo "mean of (vrdmactl - ip) per event: $d ms"
[ "$missing" = 0 ] || { echo "FAIL: $missing events missing"; sed 's/^/  vrdmactl: /' "$tmp/vrdma" | head -50; exit 1; }
