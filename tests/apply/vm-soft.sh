#!/bin/bash
# Soft RDMA adapters (issue 15), vm suite: runs INSIDE the Soft-RoCE guest
# (tests/vm/run --topology default) as root.
#
#   vm-soft.sh VRDMACTL
#
# eno1 (vmnic0) has no RDMA adapter: the configuration puts a soft rxe
# adapter on it ("rdma device soft add -u vmnic0") and a vmk on a switch
# with eno1 as its uplink.  rxe0/rxe1 (the topology's) and a user's own rxe
# made here on ens2 are never touched.  Observers: `rdma -j link`,
# /sys/class/infiniband, the sysfs GID table, `ip -j addr`; the binding
# state through `vrdmactl rdma device vmknic list -j`.
set -u
vrdmactl=$(realpath "$1")
. "$(dirname "$(realpath "${BASH_SOURCE[0]}")")/../vm/lib.sh"
[ "${VRDMA_VM:-}" = 1 ] || { echo "not in the VM guest; skipped"; exit 77; }
tmp=$(mktemp -d)
trap 'rdma link delete usrxe9 2>/dev/null; rm -rf "$tmp"' EXIT
export VRDMA_STATE_DIR=$tmp/state VRDMA_CONFIG=$tmp/vrdma.json
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
ok() { echo "ok: $*"; }
t0=$(date +%s%N)

# base: a switch on eno1 with one vmk (IPV4), no soft adapter
base() {
	printf '{"schema":"vrdma-config/1","generation":1,"switches":[{"name":"vSwitch0","type":"standard","ifname":"vsw0","mtu":1500,"uplinks":["eno1"],"failover":{"active":["eno1"],"standby":[]},"portgroups":[{"name":"PG-Soft","vlan":0}]}],"vmks":[{"name":"vmk1","switch":"vSwitch0","portgroup":"PG-Soft","mac":"02:00:00:00:05:01","mtu":1500,"ipv4":"%s","ipv6":[],"tags":["nvme-rdma"]}]}\n' \
		"$1" > "$VRDMA_CONFIG"
	chmod 600 "$VRDMA_CONFIG"
}

# The RDMA devices on NETDEV (rdma -j link: "ifname" is "dev/port").
rdma_on() {
	rdma -j link show | jq -r --arg n "$1" '.[] | select(.netdev == $n) | .ifname | split("/")[0]'
}
# Everything RDMA except libvrdma's soft adapters, for "never touched".
foreign_rdma() {
	rdma -j link show |
		jq -c '[.[] | select(.ifname | startswith("vrdmas") | not) | [.ifname, .netdev, .state]] | sort'
	ls /sys/class/infiniband | grep -v '^vrdmas' || true
}

vmk1_state() {
	"$vrdmactl" -j rdma device vmknic list |
		jq -r '.[] | select(.vmknic == "vmk1") | "\(.state) \(.device)"'
}

check_clean() {
	"$vrdmactl" apply --check >/dev/null && ok "--check: in sync" || fail "--check: drift: $("$vrdmactl" apply --check 2>&1)"
}

# ---- 1. model commands and bad input --------------------------------------------
base 192.0.2.21/24
"$vrdmactl" rdma device soft add -u vmnic0 || fail "soft add -u vmnic0"
cp "$VRDMA_CONFIG" "$tmp/before.json"
err=$("$vrdmactl" rdma device soft add -u vmnic0 -t siw 2>&1) && fail "second soft adapter on vmnic0 accepted"
grep -q "vmnic0" <<<"$err" && grep -q "already has one" <<<"$err" &&
	ok "second soft adapter on vmnic0 refused: $err" || fail "message: $err"
cmp -s "$VRDMA_CONFIG" "$tmp/before.json" && ok "configuration unchanged" || fail "configuration changed by a refused add"
"$vrdmactl" rdma device soft list
grep -q '"soft_adapters": \[' "$VRDMA_CONFIG" && grep -q '"uplink": "vmnic0"' "$VRDMA_CONFIG" &&
	ok "the file holds the soft adapter" || fail "file: $(cat "$VRDMA_CONFIG")"

user_before=$(foreign_rdma)
[ -z "$(rdma_on eno1)" ] || fail "eno1 already has an RDMA device: $(rdma_on eno1)"

# ---- 2. dry run: the create step, nothing done ------------------------------------
out=$("$vrdmactl" apply --dry-run 2>&1)
echo "$out"
grep -q "create soft RDMA adapter vrdmas0 rxe on eno1 (uplink vmnic0)" <<<"$out" &&
	ok "dry run shows the create step" || fail "dry run: $out"
[ -z "$(rdma_on eno1)" ] && ! [ -e /sys/class/infiniband/vrdmas0 ] &&
	ok "dry run created nothing" || fail "dry run created $(rdma_on eno1)"

# ---- 3. rollback: a failed later step removes the created adapter ----------------
n=$("$vrdmactl" -j apply --dry-run | jq '.steps | length')
err=$(VRDMA_TEST_APPLY_FAIL_STEP=$n "$vrdmactl" apply 2>&1) && fail "injected failure: apply succeeded"
grep -q "INCOMPLETE" <<<"$err" && fail "rollback: $err"
[ -z "$(rdma_on eno1)" ] && ! [ -e /sys/class/infiniband/vrdmas0 ] &&
	ok "rollback from step $n/$n deleted the created adapter" || fail "rollback left $(rdma_on eno1)"

# ---- 4. apply creates it; GID, binding, no-op --------------------------------------
t1=$(date +%s%N)
out=$("$vrdmactl" apply 2>&1) || fail "apply: $out"
t2=$(date +%s%N)
echo "$out"
[ "$(rdma_on eno1)" = vrdmas0 ] && [ -e /sys/class/infiniband/vrdmas0 ] &&
	ok "apply created vrdmas0 on eno1 (rdma -j link, sysfs)" || fail "after apply: eno1 has '$(rdma_on eno1)'"
[ "$(cat /sys/class/infiniband/vrdmas0/ports/1/gid_attrs/ndevs/0 2>/dev/null)" = eno1 ] ||
	fail "vrdmas0 GID 0 netdev: $(cat /sys/class/infiniband/vrdmas0/ports/1/gid_attrs/ndevs/0 2>&1)"
ip -j addr show dev eno1 | grep -q '"local":"192.0.2.21","prefixlen":24' &&
	ok "vmk1's address is on eno1 (soft uplink)" || fail "vmk1 address: $(ip -br addr show dev eno1)"
vm_wait_gid_index vrdmas0 192.0.2.21 5 >/dev/null && ok "192.0.2.21 is a RoCE v2 GID of vrdmas0" ||
	fail "no RoCE v2 GID for 192.0.2.21 on vrdmas0"
st=$(vmk1_state)
[[ $st == "bound vmrdma"* ]] && ok "binding: vmk1 $st" || fail "binding: vmk1 '$st'"
"$vrdmactl" -j rdma device soft list |
	jq -e 'length == 1 and .[0].adapter == "vrdmas0" and (.[0].alias | startswith("vmrdma")) and .[0].netdev == "eno1"' >/dev/null &&
	ok "soft list: vrdmas0 with its vmrdma alias" || fail "soft list: $("$vrdmactl" -j rdma device soft list)"
out=$("$vrdmactl" apply 2>&1)
grep -q "applied 0 change(s) with 0 netlink message(s)" <<<"$out" && ok "re-apply: no-op" || fail "re-apply: $out"
check_clean

# ---- 5. deleted by hand: drift, re-created ---------------------------------------
rdma link delete vrdmas0 || fail "rdma link delete vrdmas0"
out=$("$vrdmactl" apply --check 2>&1); rc=$?
[ $rc = 3 ] && grep -q "create soft RDMA adapter vrdmas0 rxe on eno1" <<<"$out" &&
	ok "--check after rdma link delete: drift (exit 3)" || fail "--check: rc $rc: $out"
"$vrdmactl" apply >/dev/null 2>&1 || fail "re-apply after delete"
[ "$(rdma_on eno1)" = vrdmas0 ] && vm_wait_gid_index vrdmas0 192.0.2.21 5 >/dev/null &&
	ok "apply re-created vrdmas0 with the vmk's GID" || fail "not re-created: '$(rdma_on eno1)'"
check_clean

# ---- 6. kill-safe ownership: killed right after the create ------------------------
rdma link delete vrdmas0
VRDMA_TEST_APPLY_KILL_AFTER_MSG=1 "$vrdmactl" apply >/dev/null 2>&1
[ "$(rdma_on eno1)" = vrdmas0 ] && ok "killed after NEWLINK: vrdmas0 exists" || fail "kill: '$(rdma_on eno1)'"
check_clean

# ---- 7. the user's own rxe: never touched, never taken over -------------------------
rdma link add usrxe9 type rxe netdev ens2 || fail "rdma link add usrxe9"
user_before=$(foreign_rdma)
"$vrdmactl" rdma device soft add -u ens2 || fail "soft add -u ens2"
out=$("$vrdmactl" apply --dry-run 2>&1) && fail "plan with a user's rxe on ens2 succeeded"
grep -q "netdev 'ens2' already has RDMA adapter 'usrxe9', not created by libvrdma" <<<"$out" &&
	ok "plan refuses ens2: $out" || fail "message: $out"
"$vrdmactl" rdma device soft remove -u ens2 || fail "soft remove -u ens2"
check_clean
[ "$(foreign_rdma)" = "$user_before" ] && ok "user adapters untouched" || fail "user adapters changed"

# ---- 8. siw where the kernel has none ---------------------------------------------
if ! [ -e /sys/module/siw ] &&
   ! grep -qs '^alias rdma-link-siw ' "/lib/modules/$(uname -r)/modules.alias"; then
	"$vrdmactl" rdma device soft add -u vmnic3 -t siw 2>/dev/null || true
	rdma link delete usrxe9
	out=$("$vrdmactl" apply --dry-run 2>&1) && fail "siw plan succeeded without siw"
	grep -q "type siw: this kernel has no siw module" <<<"$out" && ok "siw: $out" || fail "siw: $out"
	"$vrdmactl" rdma device soft remove -u vmnic3
	user_before=$(foreign_rdma)
fi

# ---- 9. removed from the configuration: apply deletes only it --------------------
"$vrdmactl" rdma device soft remove -u vmnic0 || fail "soft remove -u vmnic0"
out=$("$vrdmactl" apply --dry-run 2>&1)
grep -q "delete soft RDMA adapter vrdmas0 rxe on eno1" <<<"$out" && ok "plan deletes vrdmas0" || fail "plan: $out"
"$vrdmactl" apply >/dev/null 2>&1 || fail "apply after soft remove"
[ -z "$(rdma_on eno1)" ] && ! [ -e /sys/class/infiniband/vrdmas0 ] &&
	ok "vrdmas0 deleted" || fail "still there: '$(rdma_on eno1)'"
[ "$(foreign_rdma)" = "$user_before" ] && ok "rxe0, rxe1 (and the user's) untouched" || fail "others changed: $(foreign_rdma)"
check_clean
st=$(vmk1_state)
echo "vmk1 without a soft adapter: $st"

echo "time: apply creating the soft adapter $(((t2 - t1) / 1000000)) ms;" \
	"whole test $((($(date +%s%N) - t0) / 1000000)) ms"
[ $failures = 0 ] && { echo "PASS"; exit 0; }
echo "$failures failure(s)"
exit 1
