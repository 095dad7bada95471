#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Benchmark (meson test --benchmark, not a timed assertion): loading host
# snapshots and configuration documents of growing size, up to their size
# limits (16 MiB for a snapshot, 1 MiB for a configuration), so that the
# growth of the load time can be seen.  For each size it prints the load
# time (the median of a few runs of vrdmactl) and the time per object and
# per MiB: a linear loader keeps these ratios about flat, a quadratic one
# (issue 16 item 6: 60k netdevs took 40 s) makes them grow with the size.
#
# Snapshots: N netdevs (a quarter physical uplinks with vmnic aliases, the
# rest VLANs over them, every 16th with an address; the uplinks under a
# few bonds), one RDMA adapter per eight uplinks with a port and two GIDs.
# Written compact, so that 60k netdevs stay under the limit.  Configurations: the model's
# object limits (64 switches, 512 port groups, 256 vmks) are reached first,
# then the text grows with indentation up to 1 MiB.
#
# usage: bench-load.sh VRDMACTL [SIZES...]   (default: 1000 4000 16000 60000)
set -eu

vrdmactl=$1
shift
sizes=${*:-1000 4000 16000 60000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
runs=${BENCH_RUNS:-3}

# The median wall time of $runs runs of "$@", in milliseconds.
median_ms() {
	i=0
	: >"$tmp/times"
	while [ "$i" -lt "$runs" ]; do
		python3 - "$@" >>"$tmp/times" <<'EOF'
import subprocess, sys, time
t = time.monotonic()
r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
ms = (time.monotonic() - t) * 1000
if r.returncode != 0:
    sys.exit("bench-load: %s failed: %s" % (" ".join(sys.argv[1:]), r.stderr.decode()))
print("%.1f" % ms)
EOF
		i=$((i + 1))
	done
	sort -n "$tmp/times" | awk '{ t[NR] = $1 } END { print t[int((NR + 1) / 2)] }'
}

gen_snapshot() { # N PATH
	python3 - "$1" "$2" <<'EOF'
import json, sys
n, path = int(sys.argv[1]), sys.argv[2]
def netdev(i, name, **kw):
    d = {"ifindex": i, "name": name, "kind": None, "physical": False, "alias": None,
         "driver": None, "pci_address": None, "mac": None, "mtu": 1500,
         "oper_state": "up", "flags": ["UP"], "speed_mbps": 0, "vlan_id": None,
         "master": None, "link": None, "addresses": []}
    d.update(kw)
    return d
nphys = max(1, n // 4)
nbond = max(1, n // 1000)
netdevs, adapters = [], []
for b in range(nbond):
    netdevs.append(netdev(len(netdevs) + 1, "bond%d" % b, kind="bond"))
for p in range(nphys):
    netdevs.append(netdev(len(netdevs) + 1, "p%d" % p, physical=True, alias="vmnic%d" % p,
                          driver="mlx5_core", mac="02:00:00:%02x:%02x:%02x" %
                          (p >> 16 & 255, p >> 8 & 255, p & 255), flags=["UP", "LOWER_UP"], pci_address="%04x:%02x:%02x.%x" %
                          (p >> 13, p >> 5 & 255, p >> 3 & 3, p & 7), speed_mbps=25000,
                          master="bond%d" % (p % nbond)))
v = 0
while len(netdevs) < n:
    p = v % nphys
    netdevs.append(netdev(len(netdevs) + 1, "v%d" % v, kind="vlan", vlan_id=v % 4095 + 1,
                          link="p%d" % p, addresses=[] if v % 16 else [{"family": "inet",
                          "address": "10.%d.%d.%d" % (v >> 16 & 255, v >> 8 & 255, v & 255),
                          "prefixlen": 8, "scope": "global", "flags": ["permanent"]}]))
    v += 1
for a in range(max(1, nphys // 8)):
    guid = "%04x:%04x:%04x:%04x" % (0x0c42, a >> 32 & 0xffff, a >> 16 & 0xffff, a & 0xffff)
    pn = "p%d" % (8 * a % nphys)
    adapters.append({
        "name": "mlx5_%d" % a, "alias": "vmrdma%d" % a, "driver": "mlx5_core",
        "description": "ConnectX", "fw_version": "1.0", "pci_address": None,
        "node_guid": guid, "sys_image_guid": guid, "vendor_id": 713, "vendor_part_id": 4115,
        "node_type": "CA", "protocols": ["RoCE v2"], "kernel_index": a,
        "ports": [{"port": 1, "state": "Active", "phys_state": "LinkUp", "max_mtu": 4096,
                   "active_mtu": 1024, "speed_mbps": 25000, "width": 4,
                   "link_layer": "Ethernet", "gid_table_len": 16, "netdev": pn,
                   "netdev_missing": "present",
                   "gids": [{"index": 0, "gid": "fe80::1", "type": "RoCE v2", "netdev": pn},
                            {"index": 1, "gid": "::ffff:10.0.0.1", "type": "RoCE v2",
                             "netdev": pn}]}]})
doc = {"schema": "vrdma-host/1", "hostname": "bench", "kernel": None,
       "adapters": adapters, "netdevs": netdevs}
with open(path, "w") as f:
    json.dump(doc, f, separators=(",", ":"))
    f.write("\n")
EOF
}

gen_config() { # BYTES PATH
	python3 - "$1" "$2" <<'EOF'
import json, sys
target, path = int(sys.argv[1]), sys.argv[2]
def build(nsw, npg, nvmk):
    sws = []
    for s in range(nsw):
        sws.append({"name": "vSwitch%d" % s, "type": "standard", "mtu": 9000,
                    "uplinks": ["vmnic%d" % (2 * s), "vmnic%d" % (2 * s + 1)],
                    "portgroups": []})
    for g in range(npg):
        sws[g % nsw]["portgroups"].append({"name": "PG%d" % g, "vlan": g % 4094 + 1})
    vmks = []
    for k in range(nvmk):
        vmks.append({"name": "vmk%d" % k, "switch": "vSwitch%d" % (k % nsw),
                     "portgroup": "PG%d" % k, "mtu": 9000,
                     "ipv4": "10.%d.%d.1/24" % (k >> 8, k & 255),
                     "ipv6": ["fd00:%x::%x/64" % (k, i + 1) for i in range(4)]})
    return {"schema": "vrdma-config/1", "generation": 1, "switches": sws, "vmks": vmks}
# objects first, in proportion, up to the model's limits
nsw, npg, nvmk = 1, 1, 1
while True:
    text = json.dumps(build(nsw, npg, nvmk), separators=(",", ":"))
    if len(text) * 2 > target or (nsw, npg, nvmk) == (64, 512, 256):
        break
    nsw, npg, nvmk = min(64, nsw * 2), min(512, npg * 2), min(256, nvmk * 2)
doc = build(nsw, npg, nvmk)
# then indentation, as wide as still fits
text = json.dumps(doc, separators=(",", ":"))
for indent in range(1, 400):
    t = json.dumps(doc, indent=indent)
    if len(t) + 1 > target:
        break
    text = t
with open(path, "w") as f:
    f.write(text + "\n")
print(nsw + npg + nvmk)
EOF
}

export VRDMA_STATE_DIR="$tmp/state"

echo "host snapshots (vrdmactl --host FILE rdma device list; median of $runs runs)"
printf '%8s %10s %10s %12s %10s\n' netdevs bytes ms us/netdev ms/MiB
for n in $sizes; do
	gen_snapshot "$n" "$tmp/snap.json"
	bytes=$(wc -c <"$tmp/snap.json")
	if [ "$bytes" -gt $((16 << 20)) ]; then
		echo "$n netdevs: $bytes bytes, over the 16 MiB limit: skipped"
		continue
	fi
	ms=$(median_ms "$vrdmactl" --host "$tmp/snap.json" rdma device list)
	awk -v n="$n" -v b="$bytes" -v ms="$ms" 'BEGIN {
		printf "%8d %10d %10.1f %12.2f %10.1f\n", n, b, ms, ms * 1000 / n, ms / (b / 1048576) }'
done

echo
echo "configurations (vrdmactl --config FILE network vswitch standard list; median of $runs runs)"
printf '%8s %10s %10s %10s\n' objects bytes ms ms/MiB
for kib in 16 64 256 1024; do
	objects=$(gen_config $((kib * 1024)) "$tmp/config.json")
	bytes=$(wc -c <"$tmp/config.json")
	ms=$(median_ms "$vrdmactl" --config "$tmp/config.json" network vswitch standard list)
	awk -v n="$objects" -v b="$bytes" -v ms="$ms" 'BEGIN {
		printf "%8d %10d %10.1f %10.1f\n", n, b, ms, ms / (b / 1048576) }'
done
