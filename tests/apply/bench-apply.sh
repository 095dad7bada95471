#!/bin/bash
# Benchmark (not a test): apply 256 vmks over 8 port groups (plan + apply,
# `vrdmactl apply` end to end: config load, discovery, two dumps, writes)
# against an `ip -batch` file creating the same objects (macvlan with MAC,
# MTU, alias and up, one IPv4 and one IPv6 address each, and the per-vmk
# policy routing: two connected routes in table 7600+N, two rules).  Rounds alternate,
# each from a fresh network namespace.  Prints medians, the ratio and the
# netlink messages each side sends.  Target: ratio <= 1.0.
#
#   tests/apply/bench-apply.sh VRDMACTL [ROUNDS]      (as root)
set -eu
vrdmactl=$(realpath "$1")
rounds=${2:-7}
[ "$(id -u)" = 0 ] || { echo "run as root" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export VRDMA_CONFIG=$tmp/vrdma.json

python3 - "$tmp" <<'EOF'
import json, sys
tmp = sys.argv[1]
switches, vmks, batch, batch6 = [], [], [], []  # batch6: `ip -6 -batch` (IPv6 rules)
for s in range(8):
    up = "up%d" % s
    switches.append({"name": "vSwitch%d" % s, "type": "standard", "ifname": "vsw%d" % s,
                     "mtu": 1500, "uplinks": [up], "failover": {"active": [up], "standby": []},
                     "portgroups": [{"name": "PG%d" % s, "vlan": 0}]})
    for j in range(32):
        n = s * 32 + j
        name, mac = "vmk%d" % n, "02:00:00:00:%02x:%02x" % (s, j)
        v4, v6 = "10.%d.0.%d" % (s, j + 1), "fd00:%x::%x" % (s, j + 1)
        vmks.append({"name": name, "switch": "vSwitch%d" % s, "portgroup": "PG%d" % s,
                     "mac": mac, "mtu": 1500, "ipv4": v4 + "/24", "ipv6": [v6 + "/64"], "tags": []})
        batch.append("link add link %s name %s address %s mtu 1500 up type macvlan mode bridge" % (up, name, mac))
        batch.append("link set dev %s alias vrdma:%s" % (name, name))
        batch.append("address add %s/24 dev %s" % (v4, name))
        batch.append("address add %s/64 dev %s" % (v6, name))
        t = 7600 + n
        batch.append("route add 10.%d.0.0/24 dev %s table %d proto 118 scope link" % (s, name, t))
        batch.append("route add fd00:%x::/64 dev %s table %d proto 118" % (s, name, t))
        batch.append("rule add from %s lookup %d pref %d protocol 118" % (v4, t, t))
        batch6.append("rule add from %s lookup %d pref %d protocol 118" % (v6, t, t))
json.dump({"schema": "vrdma-config/1", "generation": 1, "switches": switches, "vmks": vmks},
          open(tmp + "/vrdma.json", "w"), indent=1)
open(tmp + "/batch", "w").write("\n".join(batch) + "\n")
open(tmp + "/batch6", "w").write("\n".join(batch6) + "\n")
EOF
chmod 600 "$VRDMA_CONFIG"
batch_msgs=$(cat "$tmp/batch" "$tmp/batch6" | wc -l)

# setup: 8 uplinks (veth ends, peers up), no DAD; then time one command.
cat > "$tmp/round.sh" <<'EOF'
set -e
sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
ip link set lo up
for s in 0 1 2 3 4 5 6 7; do
	ip link add up$s type veth peer name up${s}p
	ip link set up${s}p up
	ip link set up$s up
done
mount --make-rprivate / && mount -t sysfs sysfs /sys
export VRDMA_STATE_DIR=$(mktemp -d)
t0=${EPOCHREALTIME/./}
"$@" > "$VRDMA_STATE_DIR/out"
t1=${EPOCHREALTIME/./}
echo "$((t1 - t0)) $(grep -o 'with [0-9]* netlink' "$VRDMA_STATE_DIR/out" | grep -o '[0-9]*' || echo -)"
n=$(ip -o link show | grep -c 'vmk')
[ "$n" = 256 ] || { echo "only $n vmk devices" >&2; exit 1; }
n=$(ip -6 rule show | grep -c 'proto 118')
[ "$n" = 256 ] || { echo "only $n IPv6 rules" >&2; exit 1; }
rm -rf "$VRDMA_STATE_DIR"
EOF

ip_t=() lib_t=() lib_msgs=-
for r in $(seq "$rounds"); do
	read -r t _ < <(unshare -n -m bash "$tmp/round.sh" sh -c 'ip -batch "$1" && ip -6 -batch "$2"' - "$tmp/batch" "$tmp/batch6")
	ip_t+=("$t")
	read -r t m < <(unshare -n -m bash "$tmp/round.sh" "$vrdmactl" apply)
	lib_t+=("$t")
	lib_msgs=$m
	echo "round $r: ip -batch ${ip_t[-1]} us, vrdmactl apply ${lib_t[-1]} us"
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
mi=$(median "${ip_t[@]}")
ml=$(median "${lib_t[@]}")
echo "median: ip -batch ${mi} us (${batch_msgs} netlink messages), vrdmactl apply ${ml} us (${lib_msgs} netlink messages)"
awk -v a="$ml" -v b="$mi" 'BEGIN { printf "ratio apply / ip -batch: %.2f (target <= 1.00)\n", a / b }'
