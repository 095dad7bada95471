#!/bin/bash
# Run the walkthrough (inside the Soft-RoCE guest) and check its output
# against independent observers: the binding is bound, the GID index it shows
# for vmk1's IPv4 address is the one sysfs has for that address (RoCE v2), the
# nvme connect arguments name vmk1's address, and the benchmark printed a
# non-zero bandwidth.
# usage: check-walkthrough.sh WALKTHROUGH BUILDDIR
set -uo pipefail
walk=$1
builddir=$2
out=$(mktemp)
trap 'rm -f "$out"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok: $*"; }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }

export VRDMA_STATE_DIR=$(mktemp -d)
"$walk" --bindir "$builddir" --keep --ipv4 192.0.2.10/24 --target 192.0.2.20 > "$out" 2>&1
rc=$?
sed 's/\x1b\[[0-9;]*m//g' "$out"
[ $rc -eq 0 ] && ok "walkthrough exited 0" || bad "walkthrough exited $rc"

line=$(grep -E '^ +vmrdma[0-9]+ +vmk1 ' "$out" | head -n 1)
case $line in *" bound"*) ok "binding is bound: $line" ;; *) bad "no bound vmk1 binding in: '$line'" ;; esac

# The adapter and GID index the walkthrough reported for 192.0.2.10.
alias=$(awk '{print $1}' <<< "$line")
gidx=$(sed -n 's/.*[[:space:]]\([0-9][0-9]*\), [0-9].*/\1/p' <<< "$line")
[ -n "$gidx" ] || gidx=$(awk '{for (i = 1; i <= NF; i++) if ($i == "bound") print $(i-1)}' <<< "$line" | tr -d ,)
dev=$(sed -n "s/^ *Device: \(.*\)$/\1/p" "$out" | head -n 1)
# sysfs: the index whose GID is ::ffff:192.0.2.10 with type RoCE v2.
want=""
for g in /sys/class/infiniband/"$dev"/ports/1/gids/*; do
	i=${g##*/}
	[ "$(cat "$g")" = "0000:0000:0000:0000:0000:ffff:c000:020a" ] || continue
	[ "$(cat /sys/class/infiniband/"$dev"/ports/1/gid_attrs/types/"$i" 2>/dev/null)" = "RoCE v2" ] || continue
	want=$i
	break
done
if [ -n "$want" ] && [ "$want" = "$gidx" ]; then
	ok "$alias ($dev) GID index $gidx matches sysfs"
else
	bad "GID index: walkthrough says '$gidx', sysfs says '$want' (device '$dev')"
fi

grep -q -- '-a 192.0.2.20 -s 4420 -w 192.0.2.10' "$out" && ok "nvme connect names vmk1's address" ||
	bad "nvme connect arguments do not name 192.0.2.10"

bw=$(awk '/#bytes +#iterations +BW peak/ { getline; print $4; exit }' "$out")
if awk -v b="$bw" 'BEGIN { exit !(b + 0 > 0) }'; then
	ok "benchmark bandwidth $bw MB/s"
else
	bad "benchmark printed no bandwidth ('$bw')"
fi
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
