#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Compare the RDMA side of a libvrdma host snapshot (vrdmactl host save)
with independent observers read in the same run: `ibv_devinfo -v`,
`rdma -j link show` and sysfs (/sys/class/infiniband/*/ports/*/gids,
gid_attrs/types, gid_attrs/ndevs).

usage: compare-rdma.py SNAPSHOT.json
Exit 0 when every field agrees, 1 with one line per difference."""
import ipaddress
import json
import os
import re
import subprocess
import sys

errors = []
MTU = {"256": 256, "512": 512, "1024": 1024, "2048": 2048, "4096": 4096}
LANES = {"1X": 1, "2X": 2, "4X": 4, "8X": 8, "12X": 12}


def err(msg):
    errors.append(msg)
    print("MISMATCH: " + msg, file=sys.stderr)


def eq(where, want, got):
    if want != got:
        err("%s: observer says %r, snapshot %r" % (where, want, got))


def norm(gid):
    """GID text in any IPv6 notation -> 32 hex digits (Python's own text form
    of v4-mapped addresses differs between versions)."""
    return ipaddress.IPv6Address(gid).packed.hex()


def parse_devinfo(text):
    """{hca: {"fw_ver":..., ..., "ports": {n: {...,"gids": {idx: (gid, type)}}}}}"""
    devs = {}
    dev = port = None
    for line in text.splitlines():
        m = re.match(r"^hca_id:\s*(\S+)", line)
        if m:
            dev = devs.setdefault(m.group(1), {"ports": {}})
            port = None
            continue
        m = re.match(r"^\s+port:\s*(\d+)", line)
        if m and dev is not None:
            port = dev["ports"].setdefault(int(m.group(1)), {"gids": {}})
            continue
        m = re.match(r"^\s+GID\[\s*(\d+)\]:\s*([0-9a-f:.]+)(?:, (.*))?$", line)
        if m and port is not None:
            port["gids"][int(m.group(1))] = (norm(m.group(2)), m.group(3))
            continue
        m = re.match(r"^\s+(\w+):\s*(.*?)\s*$", line)
        if m and dev is not None:
            (port if port is not None else dev)[m.group(1)] = m.group(2)
    return devs


def sysfs(path):
    try:
        with open(path) as f:
            return f.read().strip()
    except OSError:
        return None


def main():
    snap = json.load(open(sys.argv[1]))
    devinfo = parse_devinfo(subprocess.check_output(["ibv_devinfo", "-v"], text=True))
    links = json.loads(subprocess.check_output(["rdma", "-j", "link", "show"]))
    ads = {a["name"]: a for a in snap["adapters"]}
    nds = {n["name"]: n for n in snap["netdevs"]}

    eq("adapter names (ibv_devinfo)", sorted(devinfo), sorted(ads))
    eq("adapter names (rdma link)", sorted({l["ifname"] for l in links}), sorted(ads))
    for name, d in devinfo.items():
        a = ads.get(name)
        if not a:
            continue
        eq(name + ".fw_version", d.get("fw_ver"), a["fw_version"])
        eq(name + ".node_guid", d["node_guid"], a["node_guid"])
        eq(name + ".sys_image_guid", d["sys_image_guid"], a["sys_image_guid"])
        eq(name + ".vendor_id", int(d["vendor_id"], 16), a["vendor_id"])
        eq(name + ".vendor_part_id", int(d["vendor_part_id"]), a["vendor_part_id"])
        eq(name + ".port count", int(d["phys_port_cnt"]), len(a["ports"]))
        drv = os.path.basename(os.path.realpath("/sys/class/infiniband/%s/device/driver" % name)) \
            if os.path.exists("/sys/class/infiniband/%s/device/driver" % name) else None
        if drv:
            eq(name + ".driver (sysfs)", drv, a["driver"])
        types = set()
        for pn, p in d["ports"].items():
            sp = a["ports"][pn - 1]
            w = "%s.ports[%d]" % (name, pn)
            eq(w + ".state", p["state"].split()[0], "PORT_" + sp["state"].upper())
            eq(w + ".max_mtu", MTU[p["max_mtu"].split()[0]], sp["max_mtu"])
            eq(w + ".active_mtu", MTU[p["active_mtu"].split()[0]], sp["active_mtu"])
            lanes = LANES[p["active_width"].split()[0]]
            eq(w + ".width", lanes, sp["width"])
            gbps = float(p["active_speed"].split()[0])
            eq(w + ".speed_mbps", int(round(gbps * 1000)) * lanes, sp["speed_mbps"])
            eq(w + ".link_layer", p["link_layer"], sp["link_layer"])
            eq(w + ".phys_state", p["phys_state"].split()[0].replace("_", "").lower(),
               sp["phys_state"].lower())
            mine = {g["index"]: g for g in sp["gids"]}
            theirs = {i: g for i, g in p["gids"].items() if g[0] != "0" * 32}
            eq(w + ".gid indexes (ibv_devinfo)", sorted(theirs), sorted(mine))
            for i, (gid, typ) in theirs.items():
                g = mine.get(i)
                if not g:
                    continue
                eq("%s.gids[%d].gid" % (w, i), gid, norm(g["gid"]))
                eq("%s.gids[%d].type" % (w, i), typ or "IB", g["type"])
                types.add(g["type"])
                # sysfs, a third observer: gid, type, owning netdev
                base = "/sys/class/infiniband/%s/ports/%d" % (name, pn)
                sg = sysfs("%s/gids/%d" % (base, i))
                eq("%s.gids[%d].gid (sysfs)" % (w, i), norm(sg), norm(g["gid"]))
                st = sysfs("%s/gid_attrs/types/%d" % (base, i))
                eq("%s.gids[%d].type (sysfs)" % (w, i),
                   {"IB/RoCE v1": "RoCE v1"}.get(st, st) if sp["link_layer"] == "Ethernet" else "IB",
                   g["type"])
                eq("%s.gids[%d].netdev (sysfs)" % (w, i), sysfs("%s/gid_attrs/ndevs/%d" % (base, i)),
                   g["netdev"])
        want_p = sorted(types)
        got_p = sorted(t for t in a["protocols"] if t in ("RoCE v1", "RoCE v2"))
        if a["node_type"] != "RNIC":
            eq(name + ".protocols (GID types)", want_p, got_p)
    for l in links:
        a = ads.get(l["ifname"])
        if not a:
            continue
        sp = a["ports"][l["port"] - 1]
        w = "%s.ports[%d]" % (l["ifname"], l["port"])
        eq(w + ".state (rdma link)", l["state"], sp["state"].upper())
        eq(w + ".netdev (rdma link)", l.get("netdev"), sp["netdev"])
        eq(w + ".kernel_index (rdma link)", l["ifindex"], a["kernel_index"])
        if l.get("netdev"):
            eq(w + ".netdev ifindex (rdma link)", l["netdev_index"], nds[l["netdev"]]["ifindex"])
    print("compared %d adapters: %d mismatches" % (len(devinfo), len(errors)))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
