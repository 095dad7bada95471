#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Compare the netdev side of a libvrdma host snapshot (vrdmactl host save)
with independent observers of the same namespace, read in the same run:
`ip -j -d link`, `ip -j addr` and /sys/class/net/*/upper_*, lower_*.

usage: compare-netdevs.py SNAPSHOT.json
Exit 0 when every field agrees, 1 with one line per difference."""
import json
import os
import subprocess
import sys

ADDR_FLAGS = ["secondary", "nodad", "optimistic", "dadfailed", "deprecated", "tentative"]
errors = []


def err(msg):
    errors.append(msg)
    print("MISMATCH: " + msg, file=sys.stderr)


def ip_json(*args):
    return json.loads(subprocess.check_output(["ip", "-j"] + list(args)))


def sysfs_rel(name, prefix):
    d = "/sys/class/net/%s" % name
    try:
        return sorted(e[len(prefix):] for e in os.listdir(d) if e.startswith(prefix))
    except FileNotFoundError:
        return None


def main():
    snap = json.load(open(sys.argv[1]))
    links = {l["ifname"]: l for l in ip_json("-d", "link", "show")}
    addrs = {a["ifname"]: a for a in ip_json("addr", "show")}
    nds = {n["name"]: n for n in snap["netdevs"]}

    if sorted(links) != sorted(nds):
        err("netdev names: ip %s, snapshot %s" % (sorted(links), sorted(nds)))
    for name, l in links.items():
        n = nds.get(name)
        if n is None:
            continue
        def eq(field, want, got):
            if want != got:
                err("%s.%s: ip/sysfs says %r, snapshot %r" % (name, field, want, got))
        eq("ifindex", l["ifindex"], n["ifindex"])
        eq("mtu", l["mtu"], n["mtu"])
        eq("oper_state", l["operstate"].lower(), n["oper_state"])
        eq("flags", sorted(f for f in l["flags"] if f not in ("NO-CARRIER", "M-DOWN")), sorted(f for f in n["flags"] if f != "RUNNING"))
        if l.get("link_type") in ("ether", "loopback"):
            eq("mac", l["address"], n["mac"])
        li = l.get("linkinfo", {})
        eq("kind", li.get("info_kind"), n["kind"])
        if li.get("info_kind") == "vlan":
            eq("vlan_id", li["info_data"]["id"], n["vlan_id"])
        eq("master", l.get("master"), n["master"])
        eq("link", None if "link_netnsid" in l else l.get("link"), n["link"])
        # addresses: ip's order within each family, IPv4 first
        ai = addrs.get(name, {}).get("addr_info", [])
        want = [a for a in ai if a["family"] == "inet"] + [a for a in ai if a["family"] == "inet6"]
        got = n["addresses"]
        if len(want) != len(got):
            err("%s.addresses: ip has %d, snapshot %d" % (name, len(want), len(got)))
            continue
        for i, (a, b) in enumerate(zip(want, got)):
            p = "%s.addresses[%d]" % (name, i)
            if (a["family"], a["local"], a["prefixlen"], a["scope"]) != \
               (b["family"], b["address"], b["prefixlen"], b["scope"]):
                err("%s: ip %s/%s %s %s, snapshot %s/%s %s %s" % (
                    p, a["local"], a["prefixlen"], a["family"], a["scope"],
                    b["address"], b["prefixlen"], b["family"], b["scope"]))
            for f in ADDR_FLAGS:
                if bool(a.get(f)) != (f in b["flags"]):
                    err("%s: flag %s: ip %s, snapshot %s" % (p, f, bool(a.get(f)), f in b["flags"]))
            if (not a.get("dynamic")) != ("permanent" in b["flags"]):
                err("%s: permanent: ip dynamic=%s, snapshot %s" % (p, a.get("dynamic"), b["flags"]))
        # upper/lower relations against sysfs (veth peers are neither)
        up = sysfs_rel(name, "upper_")
        low = sysfs_rel(name, "lower_")
        if up is not None:
            mine_up = sorted(set(([n["master"]] if n["master"] else []) +
                                 [m["name"] for m in snap["netdevs"]
                                  if m["link"] == name and m["kind"] != "veth"]))
            eq("uppers (sysfs upper_*)", up, mine_up)
        if low is not None:
            mine_low = sorted(set(([n["link"]] if n["link"] and n["kind"] != "veth" else []) +
                                  [m["name"] for m in snap["netdevs"] if m["master"] == name]))
            eq("lowers (sysfs lower_*)", low, mine_low)
    print("compared %d netdevs: %d mismatches" % (len(links), len(errors)))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
